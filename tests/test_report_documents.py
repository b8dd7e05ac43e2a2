"""The submission documents, read back by real readers: poppler (pdffonts, pdftotext, pdfinfo)
for the PDF, openpyxl / python-calamine / LibreOffice / ``ipdesk import`` for the XLSX.

One Jiangsu 2024 export of a copy of the demo store (with explanations, a note and an office
contact that begin with ``=`` or carry markup) is written once for the module; every test
reads those two files. The central test is *paper = electronic*: every number of the PDF's
tables and of the XLSX's sheets is extracted and shown to be the store's value with the same
rounding, and the fingerprint on every PDF page is the one in the workbook.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

REGION, YEAR = "320000", 2024
MM = 72 / 25.4
TYPE_LEFT, TYPE_TOP, TYPE_W, TYPE_H = 28 * MM, 37 * MM, 156 * MM, 225 * MM
PAGE_W, PAGE_H = 595.28, 841.89
NUM = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:%|个百分点)?")
FORMULA_NOTE = "=SUM(A1:A9) 含 3 家代理机构集中登记"
FORMULA_EXPLANATION = '=HYPERLINK("http://x.example","看") 省本级含 <b>集中登记</b> & 代理 2 项'

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) not installed")


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=True, timeout=120).stdout


def tokens(text: str) -> list[str]:
    return NUM.findall(text or "")


def q(value, decimals: int) -> Decimal:
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    out = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(out) if out.is_zero() else out


@pytest.fixture(scope="module")
def docs(demo_file, tmp_path_factory):
    from app.models.checks import explain
    from app.models.db import meta_set, open_store, transaction
    from app.models.values import Change, write_values
    from app.services.report.export import export_report

    folder = tmp_path_factory.mktemp("report")
    path = folder / "store.sqlite"
    shutil.copy(demo_file, path)
    db = open_store(path)
    explain(db, REGION, YEAR, "sum", "TM_REGISTRATIONS", FORMULA_EXPLANATION)
    explain(db, "320300", YEAR, "yoy", "PATENT_TRANSFERS", "徐州市开展专利转化专项行动，高校集中转让 2,100 件，增幅属实。")
    value = db.execute('select value from "values" where region=? and indicator=? and period=?',
                       [REGION, "INV_GRANTS", str(YEAR)]).fetchone()[0]
    write_values(db, [Change(REGION, "INV_GRANTS", str(YEAR), value, note=FORMULA_NOTE)], why="test note")
    with transaction(db):
        meta_set(db, "office_contact", "张三 025-8000 <a>")
    res = export_report(db, REGION, YEAR, pdf=folder / "江苏省-2024.pdf", xlsx=folder / "江苏省-2024.xlsx",
                        generated_at=datetime(2024, 12, 10, 9, 30))
    yield {"db": db, "res": res, "rep": res.report, "pdf": res.pdf, "xlsx": res.xlsx, "folder": folder}
    db.conn.close()


# ---------------------------------------------------------------- reading the PDF back

def pdf_pages(pdf: Path, *, crop: bool) -> list[str]:
    """``pdftotext -layout`` page by page; ``crop`` keeps only the type area (no page number, no footer)."""
    args = ["pdftotext", "-layout"]
    if crop:
        args += ["-x", str(int(TYPE_LEFT) - 1), "-y", str(int(TYPE_TOP) - 1), "-W", str(int(TYPE_W) + 3),
                 "-H", str(int(TYPE_H) + 3)]
    pages = run(*args, str(pdf), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


HEADINGS = ["一、目标完成情况", "二、主要指标数据", "三、下级地区主要指标", "四、数据核查问题及情况说明",
            "五、主要指标历年数据", "六、主要指标趋势图", "签章"]


def section(pages: list[str], heading: str) -> list[tuple[int, str]]:
    """(page, line) of the text between ``heading`` and the next heading."""
    lines = [(n, line) for n, page in enumerate(pages, start=1) for line in page.splitlines()]
    start = next(i for i, (_n, line) in enumerate(lines) if line.strip().startswith(heading))
    after = HEADINGS[HEADINGS.index(heading) + 1:]
    end = next((i for i, (_n, line) in enumerate(lines[start + 1:], start=start + 1)
                if any(line.strip().startswith(h) for h in after)), len(lines))
    return lines[start + 1:end]


def pdf_rows(lines, starts: list[tuple[str, re.Pattern]]) -> tuple[dict[str, list[str]], list[str]]:
    """Numbers of each table row (its first line and its wrapped lines), in the given row order,
    and the numbers outside every row. A row never continues over a page break (reportlab
    splits tables between rows), so lines at the top of a page before a row starts are the
    repeated header."""
    rows: dict[str, list[str]] = {}
    outside: list[str] = []
    current, page, k = None, None, 0
    for n, line in lines:
        if n != page:
            current, page = None, n
        if line.strip().startswith("注："):
            current = None
        if k < len(starts) and starts[k][1].match(line):
            current = starts[k][0]
            rows[current] = []
            k += 1
        (rows[current] if current is not None else outside).extend(tokens(line))
    assert k == len(starts), f"row {starts[k][0]!r} not found in the PDF text"
    return rows, outside


def name_start(name: str) -> re.Pattern:
    return re.compile(r"\s{0,3}" + re.escape(name[:6]))


# ---------------------------------------------------------------- reading the XLSX back

def shown(cell) -> str | None:
    """What a spreadsheet shows for a cell, from its value and number format (as Excel would)."""
    from app.models.parse import canonical, format_value

    v, fmt = cell.value, cell.number_format
    if v is None:
        return None
    if isinstance(v, str):
        return v
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if fmt == "General":
        return canonical(d)
    first = fmt.split(";")[0]
    m = re.search(r"0(?:\.(0+))?(?=[^0]*$)", first.split('"')[0])
    decimals = len(m.group(1) or "") if m else 0
    suffix = ""
    if "%" in first:
        d, suffix = d * 100, "%"
    elif '"' in first:
        suffix = first.split('"')[1]
    text = format_value(d, decimals) if "," in first else format_value(d, decimals).replace(",", "")
    return ("+" if first.startswith("+") and q(d, decimals) > 0 else "") + text + suffix


DRAFT = "草稿（不得作为正式报送）"


def top(ws) -> int:
    """The row of a sheet's table header: 2 under a draft's mark line, else 1."""
    return 2 if str(ws["A1"].value or "").startswith(DRAFT) else 1


def sheet_rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=top(ws) + 1)]


# ---------------------------------------------------------------- what the store says

def store_view(db, region: str, year: int) -> dict:
    """Everything the documents show, computed here from the store (not from report_data)."""
    from app.models.catalogue import children, indicators
    from app.models.catalogue import region as get_region
    from app.models.findings import check
    from app.models.parse import format_value
    from app.models.targets import status_for
    from app.models.values import get_values

    cat = indicators(db)
    level = get_region(db, region).level
    kids = children(db, region, year)
    raw = get_values(db, regions=[region, *kids], year_from=year - 8, year_to=year, annual_only=True)
    eff = {(r, i, int(p)): v for (r, i, p), v in raw.items()}
    for (r, y) in {(r, y) for r, _i, y in list(eff)}:
        env = {i: v for (rr, i, yy), v in eff.items() if rr == r and yy == y}
        for code, ind in cat.items():
            if ind.formula and all(n in env for n in re.findall(r"[A-Z_0-9]+", ind.formula) if not n.isdigit()):
                eff[(r, code, y)] = eval(ind.formula, {"__builtins__": {}}, env)  # noqa: S307 - our catalogue

    def show(v, d):
        return None if v is None else format_value(v, d)

    status = status_for(db, region, year)
    targets_by = {}
    for s in status:
        targets_by.setdefault(s["indicator"], []).append(s)

    def requirement_numbers(s) -> list[str]:
        if s["comparator"] in (">=", "<="):
            out = [format(Decimal(repr(s["target"])).normalize(), "f")]
            return out + ([str(s["target_year"])] if s["target_year"] != year else [])
        if s["comparator"] == "growth>=":
            return [format(Decimal(repr(s["target"])).normalize(), "f") + "%"]
        return []

    indicators_rows = {}
    from app.models.catalogue import in_sections

    for seq, ind in enumerate(in_sections(i for i in cat.values() if i.applies_to(level)), start=1):     # the grid's order
        code = ind.code
        prev, cur = eff.get((region, code, year - 1)), eff.get((region, code, year))
        change = None
        if prev is not None and cur is not None:
            if ind.kind == "percent":
                v = q(cur - prev, 1)
                change = ("+" if v > 0 else "") + f"{v}个百分点"
            elif prev > 0:
                v = q((cur / prev - 1) * 100, 1)
                change = ("+" if v > 0 else "") + f"{v}%"
        shown_values = [show(None if v is None else q(v, ind.decimals), ind.decimals) for v in (prev, cur)]
        nums = [str(seq)] + [t for t in (*shown_values, change) if t]
        for s in targets_by.get(code, []):
            nums += requirement_numbers(s)
        indicators_rows[code] = (ind.name_zh, sorted(nums))

    target_rows, target_rows_xl = {}, {}
    for s in status:
        ind = cat[s["indicator"]]
        d = ind.decimals
        latest = eff.get((region, ind.code, int(s["latest_period"]))) if s["latest_period"] else None
        nums = requirement_numbers(s)
        nums += [format_value(q(latest, d), d)] if latest is not None else []
        nums += [s["latest_period"]] if s["latest_period"] and s["latest_period"] != str(year) else []
        nums += [format_value(q(s[k], d), d) for k in ("projected_value", "required_annual_change")
                 if s[k] is not None]
        nums_xl = nums + tokens(f"《{s['document']}》{s['clause'] or ''}")
        target_rows_xl[s["indicator"] + s["comparator"]] = (f"{ind.name_zh}（{ind.unit_zh}）", sorted(nums_xl))
        # the paper cites the document number, and says when a lower-is-better figure that is only to be
        # reported rose
        no = f"（{s['doc_no']}）" if s["doc_no"] and s["doc_no"] not in s["document"] else ""
        nums += tokens(f"《{s['document']}》{no}{s['clause'] or ''}")
        if s["comparator"] == "reported" and ind.direction == "lower":
            prev, cur = eff.get((region, ind.code, year - 1)), eff.get((region, ind.code, year))
            if prev and cur is not None and q((cur / prev - 1) * 100, 1) > 0:
                nums.append(f"{q((cur / prev - 1) * 100, 1)}%")      # 较上年上升 x%（该指标越低越好）
        target_rows[s["indicator"] + s["comparator"]] = (f"{ind.name_zh}（{ind.unit_zh}）", sorted(nums))

    columns = ["HV_PATENTS_PER_10K", "INV_PATENTS_IN_FORCE", "INV_GRANTS", "PLEDGE_AMOUNT",
               "PATENT_INDUSTRIALIZATION_RATE", "TM_REGISTRATIONS"]
    names = {k: get_region(db, k).name_zh for k in kids}
    child_rows = {k: (names[k], sorted(format_value(q(eff[(k, c, year)], cat[c].decimals), cat[c].decimals)
                                        for c in columns if (k, c, year) in eff)) for k in kids}

    years = [y for y in range(year - 8, year + 1) if any((region, c, y) in eff for c in cat)]
    keys = ["HV_PATENTS_PER_10K", "INV_PATENTS_IN_FORCE", "PLEDGE_AMOUNT", "PATENT_INDUSTRIALIZATION_RATE"]
    trend_rows = {c: (f"{cat[c].name_zh}（{cat[c].unit_zh}）",
                      sorted(format_value(q(eff[(region, c, y)], cat[c].decimals), cat[c].decimals)
                             for y in years if (region, c, y) in eff)) for c in keys}

    finding_rows = {}
    all_names = {**names, region: get_region(db, region).name_zh}
    for n, f in enumerate(check(db, region, year, with_children=True), start=1):
        finding_rows[str(n)] = (all_names[f.region], sorted([str(n)] + tokens(f.message("zh")) + tokens(f.explanation)))
    by_year = {y: sorted(v + [str(y)]) for y, v in
               {y: [format_value(q(eff[(region, c, y)], cat[c].decimals), cat[c].decimals)
                    for c in keys if (region, c, y) in eff] for y in years}.items()}
    return {"trend_years": by_year, "targets_xl": target_rows_xl, "indicators": indicators_rows, "targets": target_rows, "children": child_rows, "trends": trend_rows,
            "findings": finding_rows, "years": years}


def eff_value(db, region, code, year):
    return Decimal(db.execute('select value from "values" where region=? and indicator=? and period=?',
                              [region, code, str(year)]).fetchone()[0])


# ================================================================ tests

def test_fonts_are_embedded_and_subset(docs):
    out = run("pdffonts", str(docs["pdf"])).splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        cols = line.split()
        # name type encoding emb sub uni object ID: every font embedded, subset, with a ToUnicode map
        assert cols[-5:-2] == ["yes", "yes", "yes"], line
        assert re.match(r"[A-Z]{6}\+(NotoSerifSC-(Regular|Bold)|WenQuanYiMicroHei)", cols[0]), line
    faces = {line.split()[0].split("+")[1] for line in out}
    assert {"NotoSerifSC-Regular", "NotoSerifSC-Bold"} <= faces     # the Song face, and its true Bold
    assert not any("Helvetica" in line or "STSong" in line for line in out)


def test_type_sizes_are_those_of_an_official_document(docs):
    """Every text size the PDF sets (Tf operators): title 22, body/headings 16, page numbers 14, tables
    and notes ≥ 10.5, the fingerprint footer 9 — nothing smaller; titles and headings in the Bold face."""
    pikepdf = pytest.importorskip("pikepdf")
    pdf = pikepdf.open(docs["pdf"])
    sizes, bold_sizes = Counter(), Counter()
    for page in pdf.pages:
        fonts = {str(k): str(v.BaseFont) for k, v in page.Resources.Font.items()}
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                size = round(float(operands[1]), 2)
                sizes[size] += 1
                if "Bold" in fonts.get(str(operands[0]), ""):
                    bold_sizes[size] += 1
    small = {s for s in sizes if s < 10.5}
    assert small <= {9.0}, sorted(small)                          # only the footer line is below 五号
    assert {22, 16, 14, 10.5} <= set(sizes), sorted(sizes)
    assert {22, 16} <= set(bold_sizes), sorted(bold_sizes)         # title and headings: the Bold face
    assert sizes[16] > sizes[22]


def test_size_pages_and_page_geometry(docs):
    info = run("pdfinfo", str(docs["pdf"]))
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == docs["res"].pdf_pages >= 3
    assert docs["pdf"].stat().st_size <= 2 * 1024 * 1024

    bbox = run("pdftotext", "-bbox", str(docs["pdf"]), "-")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    page_words = [word.findall(p) for p in bbox.split("<page ")[1:]]
    assert len(page_words) == pages
    type_bottom = TYPE_TOP + TYPE_H
    for n, words in enumerate(page_words, start=1):
        # the top margin holds the draft mark and nothing else (this Jiangsu 2024 is a draft: not approved)
        margin = [t for _a, b, _c, _d, t in words if float(b) < TYPE_TOP - 2 * MM]
        assert margin == ["草稿（不得作为正式报送）"], (n, margin)
        body = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in words
                if TYPE_TOP - 2 * MM <= float(b) < type_bottom]
        below = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in words if float(b) >= type_bottom]
        for x0, y0, x1, y1, t in body:   # nothing outside the 156 × 225 mm type area
            # (reportlab hangs a closing mark that may not start a line in the right margin, one em at most;
            # the ink of 。，）is in the left half of its box: it overhangs the type area by ≤ 2.9 mm)
            hang = (y1 - y0) if t[-1] in "。，、；：）”" else 0
            assert TYPE_LEFT - 0.6 <= x0 and x1 <= TYPE_LEFT + TYPE_W + 0.6 + hang and y0 >= TYPE_TOP - 0.6, \
                (n, t, x0, x1, y0)
            assert y1 <= type_bottom + 0.6, (n, t, y1)
        assert min(y0 for _x, y0, *_ in body) < TYPE_TOP + 12 * MM, "the type area starts 37 mm from the top"
        # page number "— n —" 7 mm below the type area: odd pages right, even pages left, one character in
        number = [w for w in below if w[4] in ("—", str(n))]
        assert [w[4] for w in number] == ["—", str(n), "—"], (n, number)
        dash_mid = (number[0][1] + number[0][3]) / 2
        assert abs(dash_mid - (type_bottom + 7 * MM)) < 2.5, dash_mid
        if n % 2:
            assert abs(number[-1][2] - (TYPE_LEFT + TYPE_W - 14)) < 1.0
        else:
            assert abs(number[0][0] - (TYPE_LEFT + 14)) < 1.0
        footer = " ".join(w[4] for w in below)
        assert docs["rep"].fingerprint_short in footer and "ipdesk" in footer


def test_pdf_text_has_the_chinese_and_the_numbers(docs):
    rep = docs["rep"]
    text = "\n".join(pdf_pages(docs["pdf"], crop=False))
    for s in ("江苏省2024年度", "知识产权高质量发展指标报告", "江苏省知识产权局", "2024年12月10日", "2024年12月15日",
              "国家知识产权局知识产权运用促进司", "每万人口高价值发明专利拥有量", "南京市", "宿迁市", "填表人",
              "审核人", "单位负责人", "（单位盖章）", "张三 025-8000 <a>", "◐ 有望达标", "▲ 存在风险",
              rep.indicator("INV_GRANTS").current_text, rep.fingerprint[:40]):
        assert s in text, s
    # user text is printed as text: markup characters and a leading "=" survive verbatim
    flat = re.sub(r"\s+", "", run("pdftotext", "-raw", str(docs["pdf"]), "-"))   # in reading order
    assert re.sub(r"\s+", "", FORMULA_EXPLANATION) in flat


def test_status_symbols_render_as_glyphs_not_boxes(docs):
    """The symbols exist in the embedded font: pdftotext maps them back (a missing glyph would be lost)."""
    text = "\n".join(pdf_pages(docs["pdf"], crop=False))
    for symbol in "●◐▲✕○":
        assert symbol in text, symbol


def test_paper_equals_electronic_equals_store(docs):
    """Every number of the PDF's tables and the XLSX's sheets is the store's value, same rounding;
    the fingerprint on every PDF page is the workbook's (and the store's)."""
    from openpyxl import load_workbook

    from app.services.fingerprint import fingerprint, short

    db, rep = docs["db"], docs["rep"]
    want = store_view(db, REGION, YEAR)
    pages = pdf_pages(docs["pdf"], crop=True)
    wb = load_workbook(docs["xlsx"])

    # ---- 二、主要指标数据 / 指标数据
    rows, outside = pdf_rows(section(pages, "二、主要指标数据"),
                             [(code, re.compile(rf"\s{{0,2}}{n}\s+" + re.escape(name[:5])))
                              for n, (code, (name, _)) in enumerate(want["indicators"].items(), start=1)])
    assert {c: sorted(v) for c, v in rows.items()} == {c: v for c, (_n, v) in want["indicators"].items()}
    # outside the rows: the header's years, and the net high-value line (gross − deduction = net)
    gross, deducted = (q(eff_value(db, REGION, c, YEAR), 0) for c in ("HV_PATENTS", "HV_PATENTS_ABNORMAL"))
    net_line = [f"{gross:,}", f"{deducted:,}", f"{gross - deducted:,}"]
    assert [t for t in outside if t not in (str(YEAR - 1), str(YEAR))] == net_line, outside
    xl = {}
    for r in sheet_rows(wb["指标数据"]):
        if r[0].value is not None:
            xl[r[1].value] = sorted([str(r[0].value)] + [shown(c) for c in r[4:7] if c.value is not None]
                                    + tokens(r[7].value))
    assert xl == {c: v for c, (_n, v) in want["indicators"].items()}

    # ---- 一、目标完成情况 / 目标核查
    rows, _ = pdf_rows(section(pages, "一、目标完成情况"),
                       [(key, name_start(name)) for key, (name, _) in want["targets"].items()])
    assert {k: sorted(v) for k, v in rows.items()} == {k: v for k, (_n, v) in want["targets"].items()}
    from app.services.report.sheet_words import COMPARATOR_ZH

    back = {v: k for k, v in COMPARATOR_ZH.items()}         # the sheet says 不低于 where the data says >=
    xl = {}
    for r in sheet_rows(wb["目标核查"]):
        nums = tokens(r[6].value) + [shown(c) for c in (r[7], r[9], r[10]) if c.value is not None]
        nums += [r[8].value] if r[8].value and r[8].value != str(YEAR) else []
        xl[r[0].value + back[r[3].value]] = sorted(nums + tokens(f"《{r[12].value}》{r[13].value or ''}"))
    assert xl == {k: v for k, (_n, v) in want["targets_xl"].items()}

    # ---- 三、下级地区主要指标 / 下级地区 (where it breaks across pages its header is repeated on each)
    lines = section(pages, "三、下级地区主要指标")
    spanned = {n for n, line in lines if any(line.strip().startswith(name) for name, _ in want["children"].values())}
    assert spanned     # (with the draft notice on the cover the table now fits one page: header on each it spans)
    assert all(any("填报状态" in line for m, line in lines if m == n) for n in spanned)
    rows, outside = pdf_rows(lines,
                             [(k, re.compile(r"\s{0,2}" + re.escape(name) + r"\s")) for k, (name, _) in
                              want["children"].items()])
    assert {k: sorted(v) for k, v in rows.items()} == {k: v for k, (_n, v) in want["children"].items()}
    assert outside == [], outside
    xl = {r[0].value: sorted(shown(c) for c in r[2:8] if c.value is not None) for r in sheet_rows(wb["下级地区"])}
    assert xl == {k: v for k, (_n, v) in want["children"].items()}

    # ---- 五、主要指标历年数据 / 历年趋势
    # (years down, the key indicators across: nine years do not fit across at 10.5 pt)
    rows, outside = pdf_rows(section(pages, "五、主要指标历年数据"),
                             [(y, re.compile(rf"\s{{0,3}}{y}年")) for y in want["trend_years"]])
    assert {y: sorted(v) for y, v in rows.items()} == want["trend_years"]
    assert outside == [], outside
    xl = {r[0].value: sorted(shown(c) for c in r[2:] if c.value is not None) for r in sheet_rows(wb["历年趋势"])}
    assert xl == {c: v for c, (_n, v) in want["trends"].items()}
    head = top(wb["历年趋势"])
    assert [c.value for c in next(wb["历年趋势"].iter_rows(min_row=head, max_row=head))][2:] == \
        [f"{y}年" for y in want["years"]]

    # ---- 四、数据核查问题及情况说明 / 问题与说明
    rows, _ = pdf_rows(section(pages, "四、数据核查问题及情况说明"),
                       [(k, re.compile(rf"\s{{0,2}}{k}\s+{re.escape(name)}")) for k, (name, _) in
                        want["findings"].items()])
    assert {k: sorted(v) for k, v in rows.items()} == {k: v for k, (_n, v) in want["findings"].items()}
    xl = {str(r[0].value): sorted([str(r[0].value)] + tokens(r[8].value) + tokens(r[9].value))
          for r in sheet_rows(wb["问题与说明"]) if r[0].value}
    assert xl == {k: v for k, (_n, v) in want["findings"].items()}

    # ---- the fingerprint: every page = workbook = store
    fp = fingerprint(db, REGION, YEAR)
    full = pdf_pages(docs["pdf"], crop=False)
    on_pages = [re.findall(r"数据指纹\s+([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})", p) for p in full]
    assert all(found == [short(fp)] for found in on_pages[1:]) and short(fp) in on_pages[0], on_pages
    cover = {r[0].value: r[1].value for r in wb["封面说明"].iter_rows(min_row=3) if r[0].value}
    meta = {r[0].value: r[1].value for r in wb["元数据"].iter_rows(min_row=2)}
    assert cover["数据指纹"] == short(fp) and cover["数据指纹（SHA-256）"] == fp == meta["fingerprint"] == rep.fingerprint


def test_detail_sheet_is_the_store_and_imports(docs, empty_db):
    """明细 holds every value the fingerprint covers at stored precision; `ipdesk import` reads it back."""
    from python_calamine import CalamineWorkbook

    from app.models.parse import canonical
    from app.services.fingerprint import covered_regions, value_rows

    db = docs["db"]
    rows = CalamineWorkbook.from_path(str(docs["xlsx"])).get_sheet_by_name("明细").to_python()
    assert rows[0][0].startswith(DRAFT)          # the draft's mark line, then the table
    rows = rows[1:]
    assert rows[0] == ["地区代码", "指标代码", "期间", "数值", "说明"]
    got = [[r[0], r[1], r[2], canonical(Decimal(repr(r[3])) if isinstance(r[3], float) else Decimal(str(r[3]))),
            r[4] or None] for r in rows[1:]]
    want = value_rows(db, covered_regions(db, REGION, YEAR), YEAR)
    assert got == want and len(want) > 2000
    assert [REGION, "INV_GRANTS", str(YEAR)] in [g[:3] for g in got if g[4] == FORMULA_NOTE]

    importer = pytest.importorskip("app.services.sheets.importer")
    plan = importer.plan_import(empty_db, docs["xlsx"])
    assert not plan.problems, [p.message("en") for p in plan.problems]
    assert plan.counts()["new"] == len(want)
    importer.apply_plan(empty_db, plan)
    assert value_rows(empty_db, covered_regions(db, REGION, YEAR), YEAR) == want


def test_xlsx_never_writes_a_formula_and_is_laid_out_for_print(docs):
    from openpyxl import load_workbook

    with zipfile.ZipFile(docs["xlsx"]) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 8
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
    wb = load_workbook(docs["xlsx"])
    assert wb.sheetnames == ["封面说明", "指标数据", "目标核查", "问题与说明", "下级地区", "历年趋势", "明细", "元数据"]
    assert wb["元数据"].sheet_state == "hidden" and wb.active.title == "封面说明"
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert FORMULA_EXPLANATION in texts and FORMULA_NOTE in texts
    for name in ("指标数据", "目标核查", "问题与说明", "下级地区", "历年趋势", "明细"):
        ws = wb[name]
        assert top(ws) == 2, name                     # a draft: the mark line above every table
        assert ws.freeze_panes and ws.freeze_panes.endswith("3"), name
        assert ws.print_title_rows.replace("$", "") == "2:2", name
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert docs["rep"].fingerprint_short in ws.oddFooter.left.text, name
    ind = wb["指标数据"]
    formats = {r[1].value: (r[5].number_format, r[6].number_format) for r in sheet_rows(ind) if r[1].value}
    assert formats["POPULATION"] == ("#,##0.00", "+0.0%;-0.0%;0.0%")
    assert formats["INV_GRANTS"][0] == "#,##0" and formats["PATENT_INDUSTRIALIZATION_RATE"][0] == "#,##0.0"
    assert "个百分点" in formats["PATENT_INDUSTRIALIZATION_RATE"][1]
    # widths fit Chinese text: the longest indicator name (2 columns per character) is not cut
    longest = max(len(r[2].value) for r in sheet_rows(ind) if r[1].value)
    assert ind.column_dimensions["C"].width >= 2 * longest


def test_libreoffice_opens_the_workbook_and_shows_the_papers_figures(docs, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed")
    profile = tmp_path / "lo-profile"
    out = tmp_path / "csv"
    # every sheet, as shown (number formats applied), UTF-8
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                    "--outdir", str(out), str(docs["xlsx"])], capture_output=True, timeout=180, check=True)
    import csv

    def read(sheet):
        found = list(out.glob(f"*-{sheet}.csv"))
        assert found, f"LibreOffice did not write sheet {sheet}: {list(out.iterdir())}"
        with open(found[0], encoding="utf-8") as f:
            return list(csv.reader(f))

    rep = docs["rep"]
    shown_lo = {r[1]: r[4:7] for r in read("指标数据")[2:] if len(r) > 6 and r[0]}   # mark line, header
    assert shown_lo == {r.code: [r.previous_text if r.previous is not None else "",
                                 r.current_text if r.current is not None else "",
                                 r.yoy_text if r.yoy is not None else ""] for r in rep.indicators}
    kids = {r[0]: r[2:8] for r in read("下级地区")[2:]}
    assert kids == {k.code: [("" if v is None else rep_show(v, c.decimals)) for v, c in zip(k.values, rep.child_columns)]
                    for k in rep.children}
    cover = {r[0]: r[1] for r in read("封面说明") if len(r) > 1}
    assert cover["数据指纹"] == rep.fingerprint_short


def rep_show(v, d):
    from app.services.report.data import show

    return show(v, d)


def test_cancel_leaves_no_file_and_keeps_the_old_one(docs, tmp_path):
    from app.services.report.data import ExportCancelled
    from app.services.report.export import export_report

    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    seen = []

    def progress(fraction, message):
        seen.append(fraction)

    with pytest.raises(ExportCancelled):
        export_report(docs["db"], REGION, YEAR, pdf=target, xlsx=tmp_path / "out.xlsx", progress=progress,
                      cancel=lambda: len(seen) > 3)
    assert target.read_bytes() == b"old" and not (tmp_path / "out.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"], "a partial file was left behind"

    seen.clear()
    res = export_report(docs["db"], REGION, YEAR, xlsx=tmp_path / "out.xlsx", progress=progress)
    assert res.xlsx.exists() and seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 5


def test_no_line_of_the_paper_copy_starts_with_a_closing_mark(demo_file, tmp_path):
    """Chinese line breaking: a full-width comma, semicolon, colon, full stop, closing bracket or quote
    never starts a line — of the body, a table cell or the results report (the demo's 2022 results
    report broke "…工作指引部署" / "，全省…" before the rule was taught to reportlab)."""
    from app.models.db import open_store
    from app.services.report.export import export_report
    from app.services.report.pdf_page import ZH_CANNOT_START

    shutil.copy(demo_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    bad = []
    for region, year in (("320000", 2022), ("320000", 2024), ("320100", 2024)):
        res = export_report(db, region, year, pdf=tmp_path / f"{region}-{year}.pdf")
        for n, page in enumerate(run("pdftotext", "-raw", str(res.pdf), "-").split("\f"), start=1):
            bad += [(region, year, n, line) for line in page.splitlines()
                    if line.strip() and line.strip()[0] in ZH_CANNOT_START + "。、"]
    db.conn.close()
    assert not bad, bad[:5]
