"""The results report (推进情况报告) as a DOCX the office finishes in WPS or Word.

    write_docx(db, "320000", 2022, "江苏省-2022-推进情况报告.docx")

Typography of a Chinese official document (GB/T 9704 page): A4, margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm; the title in 二号 (22 pt) bold Song (宋体); section headings 一、… in 三号
(16 pt) 黑体; body text in 三号 仿宋_GB2312 with a two-character first-line indent and a fixed
28.95 pt line (22 lines a page). Chinese face names are set as the runs' east-asian fonts
(``w:rFonts/@w:eastAsia``): Word and WPS on Chinese Windows have them or substitute, LibreOffice
maps them to its CJK face. The text is :func:`app.services.results_report.show`'s — the office's
where edited, else the draft — with the main indicators' table after section 二 and the tasks'
table after section 三; the footer carries the page number and the data fingerprint of the
report model (the same as the PDF and XLSX written with it). A draft says so in the header.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from app.services.files import atomic_write

TITLE_FACE = "宋体"
HEAD_FACE = "黑体"
BODY_FACE = "仿宋_GB2312"
TABLE_FACE = "宋体"
LATIN_FACE = "Times New Roman"
TITLE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 22, 16, 10.5, 9
LINE_PT = 28.95                     # 22 lines in the 225 mm type area
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
DRAFT_RED = "B3261E"


def _set_fonts(rpr_parent, east: str, latin: str = LATIN_FACE) -> None:
    """Name the faces of a run or style: ascii/hAnsi ``latin``, eastAsia ``east``; theme fonts (which
    Word prefers over named ones) removed."""
    from docx.oxml.ns import qn

    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)


def _run(par, text: str, *, face: str, size: float, bold: bool = False, color: str | None = None):
    from docx.shared import Pt, RGBColor

    run = par.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    _set_fonts(run._r, face)
    return run


def _style(doc, name: str, *, face: str, size: float, bold: bool = False):
    from docx.shared import Pt, RGBColor

    st = doc.styles[name]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(st.element, face)
    return st


def _line(par, *, exact: float = LINE_PT, indent: bool = False, before: float = 0, after: float = 0, align=None):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(exact)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if indent:
        pf.first_line_indent = Pt(2 * BODY_PT)
    if align is not None:
        par.alignment = align


def _like(par, text: str, protos: dict, key, fmt):
    """Give ``par`` one run of ``text`` formatted as ``fmt(par, text)`` formats it: the first paragraph
    of each ``key`` is formatted by ``fmt``, the next ones get copies of its paragraph and run
    properties (python-docx sets each property through a chain of look-ups: a table of a hundred
    tasks spent most of the DOCX's time there). Returns the run."""
    from copy import deepcopy

    got = protos.get(key)
    if got is None:
        run = fmt(par, text)
        protos[key] = (par._p.pPr, run._r.rPr)
        return run
    ppr, rpr = got
    if ppr is not None:
        par._p.insert(0, deepcopy(ppr))
    run = par.add_run(text)
    if rpr is not None:
        run._r.insert(0, deepcopy(rpr))
    return run


def _page_field(par, size: float) -> None:
    """``— 3 —``: the page number as a field Word and WPS update."""
    from docx.oxml.ns import qn

    _run(par, "— ", face=BODY_FACE, size=size)
    run = _run(par, "", face=BODY_FACE, size=size)
    for tag, attrs in (("w:fldChar", {qn("w:fldCharType"): "begin"}), ("w:instrText", {}),
                       ("w:fldChar", {qn("w:fldCharType"): "separate"}), ("w:t", {}),
                       ("w:fldChar", {qn("w:fldCharType"): "end"})):
        el = run._r.makeelement(qn(tag), attrs)
        if tag == "w:instrText":
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = " PAGE "
        elif tag == "w:t":
            el.text = "1"
        run._r.append(el)
    _run(par, " —", face=BODY_FACE, size=size)


def _table(doc, header: list[str], rows: list[list[str]], widths_mm: list[float], right_from: int):
    """A ruled table in 五号 宋体; the header row repeats on every page; numbers right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm

    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for c, w in enumerate(widths_mm):       # the grid's widths: LibreOffice and WPS lay out by these, not the cells'
        t.columns[c].width = Mm(w)

    def cell_text(head: bool, align):
        def fmt(par, text):
            _line(par, exact=TABLE_PT * 1.45)
            if align is not None:
                par.alignment = align
            return _run(par, text, face=HEAD_FACE if head else TABLE_FACE, size=TABLE_PT, bold=head)
        return fmt

    protos: dict = {}
    head = cell_text(True, WD_ALIGN_PARAGRAPH.CENTER)
    formats = {(True, False): head, (True, True): head, (False, False): cell_text(False, None),
               (False, True): cell_text(False, WD_ALIGN_PARAGRAPH.RIGHT)}
    for r, values in enumerate([header] + rows):
        cells = t.rows[r].cells
        for c, text in enumerate(values):
            cell = cells[c]
            cell.width = Mm(widths_mm[c])
            key = (r == 0, c >= right_from)
            _like(cell.paragraphs[0], text or "", protos, key, formats[key])
    trpr = t.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    return t


def indicator_rows(rep) -> list[list[str]]:
    """The main indicators as the DOCX prints them: name（unit）, this year, last year, change."""
    return [[f"{r.display_name}（{r.unit}）" if r.unit else r.display_name, r.current_text, r.previous_text,
             r.yoy_text] for r in rep.indicators]


def task_rows(rows) -> list[list[str]]:
    """The tasks as the DOCX and the 任务 sheet print them: no., task, from, due, state, percent."""
    out = []
    for n, r in enumerate(rows, start=1):
        state = r.state_zh + ("（逾期）" if r.overdue else "")
        out.append([str(n), r.task.short(60), r.task.place or "本级", r.due, state,
                    "" if r.percent is None else f"{r.percent}%"])
    return out


def write_docx(db, region: str, year: int, path: str | os.PathLike, *, rep=None, results=None, tasks=None,
               include_children: bool = True, today: date | None = None) -> Path:
    """Write the results report of ``region`` / ``year`` to ``path`` (atomically); returns the path.
    ``rep`` (the report model), ``results`` (results_report.show) and ``tasks`` (tasks_for) are built
    here unless the caller, who wrote the PDF / XLSX from them, passes them."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from app.models.tasks import tasks_for
    from app.services import results_report
    from app.services.report.data import build_report

    rep = rep or build_report(db, region, int(year), include_children=include_children)
    results = results or results_report.show(db, region, int(year), today=today)
    tasks = tasks if tasks is not None else tasks_for(db, region, int(year), today=today)

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(12)
    _style(d, "Normal", face=BODY_FACE, size=BODY_PT)
    head = _style(d, "Heading 1", face=HEAD_FACE, size=BODY_PT)
    head.paragraph_format.keep_with_next = True

    if rep.draft:            # the mark on every page
        hp = sec.header.paragraphs[0]
        _run(hp, rep.mark, face=HEAD_FACE, size=12, bold=True, color=DRAFT_RED)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(fp, 14)
    fp2 = sec.footer.add_paragraph()
    fp2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(fp2, f"数据指纹 {rep.fingerprint}", face=TABLE_FACE, size=FOOTER_PT)

    title = d.add_paragraph()
    _line(title, exact=TITLE_PT * 1.5, after=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, results.title, face=TITLE_FACE, size=TITLE_PT, bold=True)
    if rep.draft:
        p = d.add_paragraph()
        _line(p, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(p, rep.mark, face=HEAD_FACE, size=BODY_PT, bold=True, color=DRAFT_RED)

    def body_text(p, text):
        _line(p, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        return _run(p, text, face=BODY_FACE, size=BODY_PT)

    body: dict = {}
    for s in results.sections:
        h = d.add_paragraph(style="Heading 1")
        _line(h, before=6)
        _run(h, s.title, face=HEAD_FACE, size=BODY_PT, bold=True)
        for line in (s.text or "").split("\n"):
            if not line.strip():
                continue
            _like(d.add_paragraph(), line.strip(), body, "body", body_text)
        if s.number == 2 and rep.indicators:
            cap = d.add_paragraph()
            _line(cap, before=6, align=WD_ALIGN_PARAGRAPH.CENTER)
            _run(cap, f"表1  {rep.region_name}{rep.year}年主要指标", face=HEAD_FACE, size=12)
            _table(d, ["指标（单位）", f"{rep.year}年", f"{rep.previous_year}年", "同比变化"], indicator_rows(rep),
                   [72, 30, 30, 24], right_from=1)
        if s.number == 3 and tasks:
            cap = d.add_paragraph()
            _line(cap, before=6, align=WD_ALIGN_PARAGRAPH.CENTER)
            _run(cap, f"表{2 if rep.indicators else 1}  {rep.region_name}{rep.year}年重点任务推进情况",
                 face=HEAD_FACE, size=12)
            _table(d, ["序号", "任务", "来源", "期限", "状态", "进度"], task_rows(tasks),
                   [10, 70, 18, 22, 20, 16], right_from=5)
        if s.number == 3 and results.owed is not None:
            from app.services.results_report import OWED_NOTE, OWED_TITLE, owed_blocks

            cap = d.add_paragraph()
            _line(cap, before=6, align=WD_ALIGN_PARAGRAPH.CENTER)
            n = 1 + bool(rep.indicators) + bool(tasks)
            _run(cap, f"表{n}  {results.region_name}{results.year}年{OWED_TITLE}", face=HEAD_FACE, size=12)
            for header, rows in owed_blocks(results.owed):
                _table(d, header, rows, [36] + [120 / (len(header) - 1)] * (len(header) - 1), right_from=len(header))
                d.add_paragraph()
            note = d.add_paragraph()
            _line(note, exact=TABLE_PT * 1.45)
            _run(note, OWED_NOTE, face=TABLE_FACE, size=TABLE_PT)

    props = d.core_properties
    props.title = results.title
    props.author = rep.office
    props.subject = f"{rep.region_name} {rep.year} 数据指纹 {rep.fingerprint}"
    props.keywords = f"fingerprint:{rep.fingerprint}"
    props.comments = f"ipdesk {rep.app_version}"
    atomic_write(Path(path), lambda tmp: d.save(str(tmp)))
    return Path(path)
