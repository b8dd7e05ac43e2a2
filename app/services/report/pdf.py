"""The paper copy: a PDF on the GB/T 9704-2012 page, rendered only from a :class:`Report`.

    pages = write_pdf(report, "江苏省-2022.pdf", progress=..., cancel=...)

Page: A4 portrait, type area 156 × 225 mm at 28 mm from the left and 37 mm from the top
(GB/T 9704-2012 §5.2.1). Page numbers ``— n —`` in 4号 (14 pt) 7 mm below the type area,
odd pages right and even pages left, one character in from the edge (§7.5). Below them,
every page carries the data fingerprint and the app version, so a signed paper copy can be
matched with the electronic one.

Type (GB/T 9704 sizes): a Song face, Noto Serif SC (TrueType, embedded subset; see
app/services/fonts.py). Title 22 pt (二号) in the Bold face; headings 16 pt Bold; body 16 pt
(三号) on a 29 pt line — 22 lines of 27–28 characters in the 156 × 225 mm type area; tables
and notes 10.5 pt (五号); page numbers 14 pt (四号); the footer with the data fingerprint
9 pt. Status symbols come from WenQuanYi Micro Hei (the Song face lacks ✕). No base-14 font
is ever used, so ``pdffonts`` lists only embedded fonts.

The last page of text carries the signatures: the closing paragraph is kept with the sign-off
(never a page holding only "此页无正文"), and a dashed 42 mm seal circle presses on the unit
name and the date, as GB/T 9704 §7.3.5.1 shows. The document is PDF/A-2b (app/services/report/pdfa.py).

Target status is written as symbol *and* word (● 已达标 …), never by colour alone.

A document that is not final (``Report.final`` — :func:`app.models.review.document_state`:
not approved, or something unresolved) says so on every page: 草稿（不得作为正式报送） as a
line of text in the top margin, above the type area (``pdftotext`` reads it), and the same
words as a large grey stamp across the page, drawn as a picture over the content so no
table or coloured header hides it and no text extraction mixes it into the tables. The
cover lists why (the reasons, then the unresolved problems by region and indicator).
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from app.services.fonts import register_reportlab_font, register_serif_fonts
from app.services.files import atomic_write
from app.services.report.data import Report, show, status_label
from app.services.report.paragraph import Paragraph
# the pages — geometry, template and furniture, the draft stamp — re-exported: callers import them from here
from app.services.report.pdf_page import (BOTTOM, DRAFT_LINE_Y, DRAFT_RED, FOOTER_SIZE, GREY, LEFT,  # noqa: F401
                                          PAGE_H, PAGE_NO_GAP, PAGE_NO_SIZE, PAGE_W, STAMP_W, TOP, TYPE_H, TYPE_W,
                                          _Doc, _keywords, audit_head_of, draft_stamp)

BODY_SIZE, BODY_LEADING = 16, 29          # 三号 on a 29 pt line: 22 lines in the 225 mm type area
TABLE_SIZE = 10.5                         # 五号: the smallest text of the page body
SEAL_D = 42 * mm                          # the seal area: a 42 mm circle
SYMBOL_SCALE = 1.35                       # status symbols drawn this much larger than their text
GRID = colors.HexColor("#444444")
HEAD_BG = colors.HexColor("#e6e6e6")
NOTE = "注：带 * 的值由组成指标按目录公式计算；比率类指标（%）的同比变化为百分点。状态：" \
       "● 已达标　◐ 有望达标　▲ 存在风险　✕ 难以达标　○ 无数据。"
SYMBOLS = "●◐▲✕○"
_SYMBOL_FONT = {"name": "WQYMicroHei"}    # set by write_pdf / story (register_reportlab_font)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    bold = font + "-Bold" if not font.endswith("-Bold") else font
    base = dict(fontName=font, wordWrap="CJK", textColor=colors.black)
    grey = {k: v for k, v in base.items() if k != "textColor"}
    cell = dict(fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.32)
    return {
        "title": ParagraphStyle("title", fontSize=22, leading=34, alignment=TA_CENTER, spaceAfter=3 * mm,
                                **{**base, "fontName": bold}),
        "subtitle": ParagraphStyle("subtitle", fontSize=BODY_SIZE, leading=BODY_LEADING, alignment=TA_CENTER,
                                   spaceAfter=4 * mm, **base),
        "h1": ParagraphStyle("h1", fontSize=BODY_SIZE, leading=BODY_LEADING, spaceBefore=3 * mm, spaceAfter=1 * mm,
                             **{**base, "fontName": bold}),
        "body": ParagraphStyle("body", fontSize=BODY_SIZE, leading=BODY_LEADING, firstLineIndent=2 * BODY_SIZE,
                               **base),
        "note": ParagraphStyle("note", leading=TABLE_SIZE * 1.45, spaceBefore=1.5 * mm, textColor=GREY,
                               fontSize=TABLE_SIZE, **grey),
        "cell": ParagraphStyle("cell", **cell, **base),
        "cell_small": ParagraphStyle("cell_small", **cell, **base),
        "cell_head": ParagraphStyle("cell_head", alignment=TA_CENTER, **cell, **{**base, "fontName": bold}),
        "cell_right": ParagraphStyle("cell_right", alignment=TA_RIGHT, **cell, **base),
        "info_label": ParagraphStyle("info_label", fontSize=12, leading=17, alignment=TA_LEFT, **base),
        "info_value": ParagraphStyle("info_value", fontSize=12, leading=17, **base),
        "mark": ParagraphStyle("mark", fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.4, alignment=TA_LEFT, **base),
        "fp": ParagraphStyle("fp", fontSize=FOOTER_SIZE, leading=13, **base),     # 64 hex digits on one line
        "sign": ParagraphStyle("sign", fontSize=BODY_SIZE, leading=BODY_LEADING, **base),
        "seal": ParagraphStyle("seal", fontSize=TABLE_SIZE, leading=14, alignment=TA_CENTER, textColor=GREY, **grey),
    }


class StatusMark(Flowable):
    """A table cell ``● 已达标``: the symbol a third larger than the word, both on the baseline of
    the row's numbers (so the row still reads as one line). The font draws these symbols at
    about half the em, too small to tell ● from ◐ on paper at 8.5 pt."""

    def __init__(self, status: str, style: ParagraphStyle):
        super().__init__()
        self.symbol, _, self.word = status_label(status).partition(" ")
        self.style = style

    def natural_width(self) -> float:
        font, size = self.style.fontName, self.style.fontSize
        return (stringWidth(self.symbol, _SYMBOL_FONT["name"], size * SYMBOL_SCALE) + size * 0.45
                + stringWidth(self.word, font, size))

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.style.leading
        return self.width, self.height

    def draw(self):
        font, size = self.style.fontName, self.style.fontSize
        base = self.height - size          # where Table puts a plain string's baseline (the numbers)
        big = size * SYMBOL_SCALE
        c = self.canv
        c.setFillColor(self.style.textColor)
        c.setFont(_SYMBOL_FONT["name"], big)
        c.drawString(0, base, self.symbol)
        c.setFont(font, size)
        c.drawString(stringWidth(self.symbol, _SYMBOL_FONT["name"], big) + size * 0.45, base, self.word)


def _status(status: str | None, style: ParagraphStyle):
    """``● 已达标``: symbol and word, so the status reads on black-and-white paper too."""
    return StatusMark(status, style) if status else ""


def _status_width(rows, style) -> float:
    """Width of a status column: the widest mark, or the header, plus the cell padding."""
    marks = [StatusMark(r.status, style).natural_width() for r in rows if r.status]
    return max(marks + [stringWidth("状态", style.fontName, style.fontSize)]) + 6


def _symbols(text: str, size: float) -> str:
    """Escaped text with the status symbols enlarged (for running text)."""
    out = escape(text)
    if size >= 12:        # at body size the symbols are legible as they are (and line widths stay exact)
        return out.replace("●", f'<font face="{_SYMBOL_FONT["name"]}">●</font>').replace(
            "◐", f'<font face="{_SYMBOL_FONT["name"]}">◐</font>').replace(
            "▲", f'<font face="{_SYMBOL_FONT["name"]}">▲</font>').replace(
            "✕", f'<font face="{_SYMBOL_FONT["name"]}">✕</font>').replace(
            "○", f'<font face="{_SYMBOL_FONT["name"]}">○</font>')
    for sym in SYMBOLS:
        out = out.replace(sym, f'<font face="{_SYMBOL_FONT["name"]}" size="{size * SYMBOL_SCALE:g}">{sym}</font>')
    return out


def _name_unit(name: str, unit: str, font: str, size: float, width: float) -> str:
    """``name（unit）`` as paragraph markup; when the name fits on a line but the unit would not,
    the unit goes to its own line (CJK line breaking would otherwise split ``（件/万人）``)."""
    text = f"{name}（{unit}）"
    if stringWidth(text, font, size) <= width or stringWidth(name, font, size) > width:
        return escape(text)        # fits, or wraps anyway: let it flow
    return escape(name) + "<br/>" + escape(f"（{unit}）")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of user or model text: escaped (never markup), line breaks kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


# ---------------------------------------------------------------- tables

def _table(rows, widths, *, header_rows: int = 1, numeric_from: int | None = None, numeric_cols=(),
           font: str, size: float = TABLE_SIZE, extra=()) -> Table:
    """A ruled table that breaks across pages with its header repeated."""
    t = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    cols = set(numeric_cols) | (set(range(numeric_from, len(widths))) if numeric_from is not None else set())
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.32),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.0),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for c in cols:
        style.append(("ALIGN", (c, header_rows), (c, -1), "RIGHT"))
    style += list(extra)
    t.setStyle(TableStyle(style))
    return t


def _fit(texts_by_col: dict[int, list[str]], font: str, size: float = TABLE_SIZE, pad: float = 5.5) -> dict[int, float]:
    """Widths that fit the longest text of each column on one line."""
    return {c: max(stringWidth(s, font, size) for s in texts) + pad for c, texts in texts_by_col.items()}


def _widths(fixed: dict[int, float], flexible: int, n: int, total: float = TYPE_W) -> list[float]:
    w = [fixed.get(i, 0.0) for i in range(n)]
    w[flexible] = total - sum(v for i, v in enumerate(w) if i != flexible)
    return w


def _target_status(t, st):
    """A reporting-only requirement prints 已填报 / 未填报, never a target's 已达标."""
    if t.reporting_only:
        return _p("已填报" if t.status == "met" else "未填报", st["cell"])
    return _status(t.status, st["cell"])


def _target_requirement(t) -> str:
    """Markup: the figure, then the target year (and any warning) on lines of their own, so
    ``≥1300（2025年）`` never breaks inside the year."""
    head, sep, tail = t.requirement.partition("（")
    out = escape(head) + ("<br/>" + escape(sep + tail) if sep else "")
    if t.rose_against_direction:     # e.g. irregular applications: filed, but rising is the wrong way
        out += "<br/>" + escape(f"（较上年上升{t.change}%，该指标越低越好）")
    return out


def _target_table(rep: Report, st, font) -> Table:
    head = ["指标（单位）", "目标", "最新值", "预测值", "年均需变化", "状态", "依据"]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for t in rep.targets:
        latest = t.latest_text + (f"（{t.latest_period}年）" if t.latest_period and t.latest_period != str(rep.year)
                                  else "")
        rows.append([f"{t.name}（{t.unit}）", Paragraph(_target_requirement(t), st["cell_small"]), _p(latest, st["cell_right"]),
                     t.projected_text, t.needed_text, _target_status(t, st), _p(t.source, st["cell_small"])])
    num = {3: [r[3] for r in rows[1:]] + ["预测值"], 4: [r[4] for r in rows[1:]] + ["年均需"]}
    latest_w = _fit({2: [t.latest_text for t in rep.targets] + ["最新值"]}, font)[2]
    req = _fit({1: [t.requirement.partition("（")[0] for t in rep.targets] + ["（2025年）"]}, font, pad=10)[1]
    fixed = {**_fit(num, font), 2: latest_w, 1: min(req, 26 * mm), 5: _status_width(rep.targets, st["cell"]),
             6: 38 * mm}
    widths = _widths(fixed, 0, len(head))
    for r, t in zip(rows[1:], rep.targets):
        r[0] = Paragraph(_name_unit(t.name, t.unit, font, TABLE_SIZE, widths[0] - 5), st["cell"])
    return _table(rows, widths, numeric_cols=(2, 3, 4), font=font)


def _indicator_table(rep: Report, st, font) -> Table:
    head = ["序号", "指标（单位）", f"{rep.previous_year}年", f"{rep.year}年", "同比变化", "目标", "状态"]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for r in rep.indicators:
        target = "<br/>".join(escape(part).replace("（", "<br/>（") for part in r.target.split("；")) if r.target else ""
        rows.append([str(r.seq), None, r.previous_text, r.current_text, r.yoy_text, Paragraph(target, st["cell_small"]),
                     _status(r.status, st["cell"])])
    num = {c: [row[c] for row in rows[1:]] + ["0000年"] for c in (2, 3, 4)}
    parts = [p.partition("（")[0] for r in rep.indicators for p in r.target.split("；")]
    fit = _fit({5: parts + ["（2025年）"]}, font, pad=10)
    fixed = {0: 9 * mm, **_fit(num, font), 5: min(fit[5], 26 * mm), 6: _status_width(rep.indicators, st["cell"])}
    widths = _widths(fixed, 1, len(head))
    for row, r in zip(rows[1:], rep.indicators):
        row[1] = Paragraph(_name_unit(r.display_name, r.unit, font, TABLE_SIZE, widths[1] - 5), st["cell"])
    return _table(rows, widths, numeric_cols=(0, 2, 3, 4), font=font,
                  extra=[("ALIGN", (0, 1), (0, -1), "CENTER")])


def _high_value_line(rep: Report, st) -> Paragraph | None:
    """Gross − deduction = net: the count the per-10k figure uses (seed: deduct irregular applications)."""
    hv = rep.high_value
    if hv is None:
        return None
    row = rep.indicator("HV_PATENTS") if any(r.code == "HV_PATENTS" for r in rep.indicators) else None
    d = row.decimals if row else 0
    text = (f"高价值发明专利拥有量（扣除后）：{rep.year}年高价值发明专利拥有量 {show(hv.gross, d)} 件，"
            f"扣除非正常申请相关专利 {show(hv.deducted, d)} 件，净值为 {show(hv.net, d)} 件；"
            f"每万人口高价值发明专利拥有量按净值计算。")
    return _p(text, st["body"])


def _children_table(rep: Report, st, font) -> Table:
    head = ["地区"] + [f"{c.name}（{c.unit}）" for c in rep.child_columns] + ["填报状态"]
    rows = [[_p("地区", st["cell_head"])]
            + [Paragraph(escape(c.name) + "<br/>" + escape(f"（{c.unit}）"), st["cell_head"]) for c in rep.child_columns]
            + [_p("填报状态", st["cell_head"])]]
    for k in rep.children:
        rows.append([_p(k.name, st["cell"])] + [show(v, c.decimals) for v, c in zip(k.values, rep.child_columns)]
                    + [_p(k.workflow, st["cell"])])
    n = len(head)
    name_w = max([stringWidth(k.name, font, TABLE_SIZE) for k in rep.children] + [stringWidth("地区", font, TABLE_SIZE)]) + 6
    status_w = stringWidth("审批后仍有", font, TABLE_SIZE) + 6
    col_w = (TYPE_W - name_w - status_w) / (n - 2)
    widths = [name_w] + [col_w] * (n - 2) + [status_w]
    return _table(rows, widths, numeric_cols=range(1, n - 1), font=font)


def _findings_table(rep: Report, st, font) -> Table:
    head = ["序号", "地区", "指标", "类别", "问题", "情况说明"]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for i, f in enumerate(rep.findings, start=1):
        explanation = f.explanation or ("（未说明）" if f.severity == "explain" else "")
        rows.append([str(i), _p(f.region_name, st["cell"]), _p(f.indicator_name, st["cell_small"]),
                     _p(f"{f.severity_text}·{f.rule_text}", st["cell_small"]), _p(f.message, st["cell_small"]),
                     _p(explanation, st["cell_small"])])
    fixed = {0: 10 * mm, 1: 18 * mm, 2: 27 * mm, 3: 19 * mm, 5: 40 * mm}
    return _table(rows, _widths(fixed, 4, len(head)), font=font, extra=[("ALIGN", (0, 1), (0, -1), "CENTER")])


def _trend_table(rep: Report, st, font) -> Table:
    """Years down, key indicators across (nine years of figures do not fit across at 10.5 pt)."""
    head = [_p("年份", st["cell_head"])] + [Paragraph(escape(s.name) + "<br/>" + escape(f"（{s.unit}）"),
                                                     st["cell_head"]) for s in rep.series]
    rows = [head]
    for y in rep.years:
        rows.append([f"{y}年"] + [show(dict(s.points).get(y), s.decimals) for s in rep.series])
    year_w = stringWidth("0000年", font, TABLE_SIZE) + 10
    col = (TYPE_W - year_w) / max(len(rep.series), 1)
    return _table(rows, [year_w] + [col] * len(rep.series), numeric_from=1, font=font,
                  extra=[("ALIGN", (0, 1), (0, -1), "CENTER")])


def _charts(rep: Report, font) -> Table | None:
    from app.services.report.charts import trend_drawing

    if not rep.series:
        return None
    w, h = (TYPE_W - 6 * mm) / 2, 66 * mm
    drawings = [trend_drawing(s, width=w, height=h, font=font) for s in rep.series]
    cells = [drawings[i:i + 2] + [""] * (2 - len(drawings[i:i + 2])) for i in range(0, len(drawings), 2)]
    t = Table(cells, colWidths=[w + 3 * mm, w + 3 * mm], rowHeights=[h + 4 * mm] * len(cells), hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def _definitions_table(rep: Report, st, font) -> Table:
    """填报说明: each indicator's data source and 口径."""
    head = ["序号", "指标（单位）", "数据来源", "统计口径"]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for n, d in enumerate(rep.definitions, start=1):
        rows.append([str(n), _p(f"{d.name}（{d.unit}）", st["cell"]), _p(d.source, st["cell"]), _p(d.scope, st["cell"])])
    return _table(rows, [10 * mm, 38 * mm, 34 * mm, TYPE_W - 82 * mm], font=font,
                  extra=[("ALIGN", (0, 1), (0, -1), "CENTER")])


# ---------------------------------------------------------------- the cover

def _marks(rep: Report, st, font) -> Table:
    """表号 / 制定机关 / 批准文号 / 有效期至, top right as on statistical forms; a line to fill when unset."""
    rows = [[_p(f"{label}：", st["mark"]), _p(value or "＿" * 9, st["mark"])] for label, value in rep.form_marks]
    t = Table(rows, colWidths=[20 * mm, 46 * mm], hAlign="RIGHT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _guideline_sentence(rep: Report) -> str:
    """Which documents the targets come from, with their numbers; says so when the year has no guideline."""
    docs = list(dict.fromkeys(f"《{t.document}》（{t.doc_no}）" if t.doc_no and t.doc_no not in t.document
                              else f"《{t.document}》" for t in rep.targets if t.document))
    out = f"目标依据：{'、'.join(docs)}。" if docs else ""
    if not rep.guideline_loaded:
        out += f"本系统未载入{rep.year}年度《知识产权高质量发展年度工作指引》，本年度无年度指引目标；" \
               f"所列目标来自上述文件或本地区自定目标。"
    if any(t.interpretation for t in rep.targets):
        out += "标注“解读，非原文”的目标值系本系统对文件的理解，文件原文未给出该数值，仅供参考。"
    return out


def _cover(rep: Report, st, font) -> list:
    info = [("报送单位", rep.office), ("所属地区", f"{rep.region_name}（{rep.region}）"), ("报告年度", f"{rep.year}年度")]
    if rep.recipient:
        info.append(("报送至", rep.recipient))
    info += [("截止日期", rep.deadline_text),
             ("联系人", f"{rep.contact or '＿' * 8}　　联系电话：{rep.phone or '＿' * 8}"), ("报送日期", rep.date_text),
             ("数据状态", rep.workflow), ("文件性质", rep.mark),
             ("数据指纹", f"{rep.fingerprint_short}（SHA-256 全值见下行）\n{rep.fingerprint}")]
    if rep.key_fingerprint:          # the signing key of the electronic package, confirmed by phone
        info.append(("密钥指纹", rep.key_fingerprint))
    head = audit_head_of(rep)
    if head:                         # the store's audit chain at export: anchors it outside the store
        info.append(("审计链头", f"第 {head[1]:,} 行（SHA-256：{head[0]}）"))
    rows = [[_p(label + "：", st["info_label"]),
             _p(value, st["fp"] if label in ("数据指纹", "密钥指纹", "审计链头") else st["info_value"])]
            for label, value in info]
    t = Table(rows, colWidths=[31 * mm, TYPE_W - 31 * mm], hAlign="CENTER")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.0),
                           ("LINEBELOW", (1, 0), (1, -1), 0.4, colors.HexColor("#999999"))]))
    guideline = next((t for t in rep.targets if t.document.startswith("知识产权高质量发展年度工作指引")), None)
    cite = (f"《{guideline.document}》（{guideline.doc_no}）" if guideline and guideline.doc_no
            else "《知识产权高质量发展年度工作指引》")
    intro = (f"根据{cite}“工作要求”，现将{rep.region_name}{rep.year}年度知识产权高质量发展"
             f"指标数据、目标完成情况和数据核查情况报送如下。本报告纸质件与电子件（XLSX）由同一数据生成，"
             f"每页页脚所印数据指纹与电子件“封面说明”工作表中的数据指纹一致。")
    first = f"{rep.region_name}{rep.year}年度"           # the title in two lines, broken where it means
    title = escape(first) + "<br/>" + escape(rep.title[len(first):])
    out = [_marks(rep, st, font), Spacer(1, 2 * mm), Paragraph(title, st["title"]),
           _p(f"（{rep.office}　{rep.date_text}）", st["subtitle"])]
    if rep.draft:
        out += [_draft_box(rep, st, font), Spacer(1, 3 * mm)]
    return out + [t, Spacer(1, 3 * mm), _p(intro, st["body"])]


def _draft_box(rep: Report, st, font) -> Table:
    """The cover's boxed notice: 草稿（不得作为正式报送）, then why, one reason or problem a line."""
    head = ParagraphStyle("draft_head", parent=st["h1"], textColor=DRAFT_RED, alignment=TA_CENTER,
                          spaceBefore=0, spaceAfter=1 * mm)
    rows = [[_p(rep.mark, head)],
            [_p("本文件生成时数据尚未定稿，不得作为正式报送材料。原因：", st["cell"])]]
    rows += [[_p(line, st["cell"])] for line in rep.draft_lines]
    t = Table(rows, colWidths=[TYPE_W - 10 * mm], hAlign="CENTER")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("BOX", (0, 0), (-1, -1), 1.2, DRAFT_RED),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.0),
                           ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                           ("TOPPADDING", (0, 0), (-1, 0), 3), ("BOTTOMPADDING", (0, -1), (-1, -1), 3 * mm)]))
    return t


# ---------------------------------------------------------------- the document

def story(rep: Report, font: str) -> list:
    """The flowables of the document, in order (also used by the benchmark)."""
    from app.services.report.pdf_sign import closing

    _SYMBOL_FONT["name"] = register_reportlab_font()
    st = _styles(font)

    def h1(text):
        return Paragraph(escape(text), st["h1"])

    out = _cover(rep, st, font)
    counts = rep.status_counts()
    out += [CondPageBreak(60 * mm), h1("一、目标完成情况")]
    if rep.targets:
        scored = [t for t in rep.targets if not t.reporting_only]
        summary = "，".join(f"{status_label(s)} {counts[s]} 项" for s in ("met", "on_track", "at_risk", "off_track",
                                                                        "no_data") if counts[s])
        required, filed = rep.reporting_counts()
        extra = f"另有填报要求 {required} 项（已填报 {filed} 项，不计入目标达标）。" if required else ""
        lead = (f"本年度适用目标 {len(scored)} 项：{summary}。" if scored else "本年度无适用的数值目标。") + extra
        out += [Paragraph(_symbols(lead + "预测值按最近 5 年（至少 3 年）数据的最小二乘趋势外推至目标年；"
                                          "“年均需变化”为达到目标每年还需的变化量。", st["body"].fontSize), st["body"])]
        sentence = _guideline_sentence(rep)
        if sentence:
            out.append(_p(sentence, st["note"]))
        out.append(_target_table(rep, st, font))
    else:
        out.append(_p("本年度无适用目标。" + _guideline_sentence(rep), st["body"]))
    out += [CondPageBreak(60 * mm), h1("二、主要指标数据"), _indicator_table(rep, st, font),
            Paragraph(_symbols(NOTE, st["note"].fontSize), st["note"])]
    net = _high_value_line(rep, st)
    if net is not None:
        out.append(net)
    section = iter("三四五六七八")
    if rep.children:
        out += [CondPageBreak(60 * mm), h1(f"{next(section)}、下级地区主要指标（{rep.year}年）"),
                _children_table(rep, st, font)]
    c = rep.counts()
    explained = sum(1 for f in rep.findings if f.severity == "explain" and f.explanation)
    out += [CondPageBreak(60 * mm), h1(f"{next(section)}、数据核查问题及情况说明")]
    if rep.findings:
        out += [_p(f"核查发现阻断性问题 {c['blocking']} 项、需说明问题 {c['explain']} 项（已说明 {explained} 项）、"
                   f"提示 {c['info']} 项。", st["body"]), _findings_table(rep, st, font)]
    else:
        out.append(_p("经核查，未发现数据问题。", st["body"]))
    if any(s.points for s in rep.series):
        # a few rows: kept whole with their heading rather than split over a page break
        out += [KeepTogether([h1(f"{next(section)}、主要指标历年数据"), _trend_table(rep, st, font)]),
                CondPageBreak(150 * mm), h1(f"{next(section)}、主要指标趋势图"), _charts(rep, font),
                _p("实线为实际值，虚线为目标值，菱形为目标年份；数量、金额类纵轴自零起，比率类纵轴起点非零处以双斜线标示截断。",
                   st["note"])]
    if rep.definitions:
        out += [CondPageBreak(80 * mm), h1(f"{next(section)}、填报说明"),
                _p("各指标的数据来源和统计口径如下。本表数据以国家统计口径为准，计算类指标按目录公式由组成指标计算。",
                   st["note"]), _definitions_table(rep, st, font)]
    out += closing(rep, st, font)
    out += results_part(rep, st)
    return out


def results_part(rep: Report, st) -> list:
    """The results report (推进情况报告, ``rep.results`` set by export_report) as the attachment after the
    signature (GB/T 9704: 附件 follow the 落款): 附件, its heading and title, the five sections' text."""
    from reportlab.platypus import PageBreak

    rr = getattr(rep, "results", None)
    if rr is None:
        return []
    out = [PageBreak(), _p("附件", st["h1"]), _p("推进情况报告", st["title"]), _p(rr.title, st["subtitle"])]
    for s in rr.sections:
        out.append(_p(s.title, st["h1"]))
        out += [_p(line.strip(), st["body"]) for line in (s.text or "").split("\n") if line.strip()]
        if s.number == 3:
            out += owed_part(rr, st)
    return out


def owed_part(rr, st) -> list:
    """The regions below × tasks (:func:`app.services.results_report.owed_blocks`): who reported what,
    who has not (未报); 五号 text, blocks of at most seven regions across the 156 mm type area."""
    from app.services.results_report import OWED_NOTE, OWED_TITLE, owed_blocks

    blocks = owed_blocks(getattr(rr, "owed", None))
    if not blocks:
        return []
    font = st["cell"].fontName
    out = [CondPageBreak(60 * mm), _p(f"{rr.region_name}{rr.year}年{OWED_TITLE}", st["h1"])]
    for n, (header, rows) in enumerate(blocks):
        first = 36 * mm                     # seven columns of 17 mm: 连云港市 on one line at 10.5 pt
        rest = (TYPE_W - first) / (len(header) - 1)
        table = [[_p(h, st["cell_head"]) for h in header]]
        table += [[_p(r[0], st["cell"])] + [_p(w.replace(" ", "\n").replace("（逾期）", "\n逾期"),
                                               st["cell_head" if w == "未报" or "逾期" in w else "cell"])
                                            for w in r[1:]] for r in rows]
        if n:
            out.append(Spacer(1, 3 * mm))
        out.append(_table(table, [first] + [rest] * (len(header) - 1), font=font))
    out.append(_p(OWED_NOTE, st["note"]))
    return out


def write_pdf(rep: Report, path, *, progress=None, cancel=None) -> int:
    """Write the paper copy of ``rep`` to ``path`` (atomically, PDF/A-2b); returns the number of pages."""
    font, _bold = register_serif_fonts()
    flow = story(rep, font)
    pages = {}

    def write(tmp: Path):
        doc = _Doc(tmp, rep, font, progress, cancel, len(flow))
        doc.build(flow)
        pages["n"] = doc.page

    atomic_write(Path(path), write)
    return pages["n"]
