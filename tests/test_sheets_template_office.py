"""The fill-in template as an office suite shows, prints and fills it (issue 16, point 2).

- Its 指标定义与口径 column is the catalogue's Chinese 口径 and data source (no indicator codes,
  no English), set in 宋体, wrapping in rows tall enough for the wrapped text.
- LibreOffice prints it (``soffice --headless --convert-to pdf``, read back with poppler's
  ``pdftotext``): every definition whole, no line over another, no text across a row's edge.
  The same checks fail on a copy with the row heights taken out (the template as it was).
- Per-cent cells are numbers in a per-cent format: a stored 55.5 is the number 0.555 shown
  55.5 %. Filled in LibreOffice through its input line (tests/lo_typist.py drives Calc over UNO
  and saves with Calc's own writer) and imported: a typed ``12.5%`` arrives as 12.5, a
  ``33`` typed where Calc reads 3300 % is refused naming the cell, the earlier years come back
  exactly (no "differs from the stored" warning).

Skipped (saying so) when soffice, pdftotext or a Python with LibreOffice's ``uno`` is absent.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
from pathlib import Path

import openpyxl
import pytest

from app.models.catalogue import definitions_zh, indicators
from app.services.report.xlsx import lines_needed, row_height
from app.services.sheets.importer import apply_plan, plan_import
from app.services.sheets.template import FIRST_ROW, make_template
from tests.test_report_xlsx_print import char_sizes, overprints, soffice_pdfs

REGION, YEAR = "320100", 2024
CODE_LIKE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[A-Z]{4,}\b")
PERCENT = ("INV_GRANT_RATE", "PATENT_INDUSTRIALIZATION_RATE", "PATENT_INTENSIVE_GDP_SHARE",
           "COPYRIGHT_GDP_SHARE", "CIVIL_ACCEPT_RATE")


@pytest.fixture
def template(demo_db, tmp_path):
    path = tmp_path / "南京市2024.xlsx"
    make_template(demo_db, REGION, YEAR, path, lang="zh")
    return path


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[FIRST_ROW - 1] if c.value}


def _rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}


def _stored(db, code: str, period: str) -> str | None:
    row = db.execute('select value from "values" where region = ? and indicator = ? and period = ?',
                     [REGION, code, period]).fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------- the workbook itself

def test_definitions_are_the_catalogues_chinese_text_in_rows_tall_enough(demo_db, template):
    ws = openpyxl.load_workbook(template)["填报"]
    cols, rows = _columns(ws), _rows(ws)
    defs = definitions_zh()
    letter = openpyxl.utils.get_column_letter(cols["指标定义与口径"])
    width = ws.column_dimensions[letter].width
    name_width = ws.column_dimensions["B"].width
    assert len(rows) == 23
    for code, r in rows.items():
        cell = ws.cell(r, cols["指标定义与口径"])
        source, definition = defs[code]
        assert cell.value == f"{definition}\n数据来源：{source}", code
        assert not CODE_LIKE.search(cell.value), (code, cell.value)        # no catalogue code, no English
        assert cell.alignment.wrap_text and ws.cell(r, 2).alignment.wrap_text
        needed = max(lines_needed(cell.value, width), lines_needed(ws.cell(r, 2).value, name_width))
        assert ws.row_dimensions[r].height >= row_height(needed), code
        assert ws.row_dimensions[r].height <= row_height(needed + 1), code        # fitted, not padded
    faces = {(c.font.name, c.font.charset) for row in ws.iter_rows(min_row=1, max_row=ws.max_row) for c in row
             if c.value is not None}
    assert faces == {("宋体", 134)}
    # the English template keeps the catalogue's English note
    path = template.with_name("en.xlsx")
    make_template(demo_db, REGION, YEAR, path, lang="en")
    en = openpyxl.load_workbook(path)["entry"]
    note = indicators(demo_db)["INV_PATENTS_IN_FORCE"].note
    assert en.cell(_rows(en)["INV_PATENTS_IN_FORCE"], _columns(en)["definition"]).value == note


def test_percent_cells_are_numbers_in_a_percent_format_and_read_back_as_typed(demo_db, template):
    wb = openpyxl.load_workbook(template)
    ws = wb["填报"]
    cols, rows = _columns(ws), _rows(ws)
    cat = indicators(demo_db)
    for code in PERCENT:
        for header in ("2021年", "2022年", "2023年", f"{YEAR}年填报值"):
            cell = ws.cell(rows[code], cols[header])
            stored = _stored(demo_db, code, header[:4])
            assert cell.number_format == "0." + "0" * cat[code].decimals + "%", (code, header)
            assert cell.data_type == "n"
            if stored is not None:
                assert cell.value == pytest.approx(float(stored) / 100, abs=1e-12), (code, header)
    dv = next(d for d in ws.data_validations.dataValidation
              if openpyxl.utils.get_column_letter(cols[f"{YEAR}年填报值"]) + str(rows["INV_GRANT_RATE"]) in str(d.sqref))
    assert (dv.type, dv.formula1, dv.formula2, dv.errorStyle) == ("decimal", "0", "1", "stop")
    assert "12.5%" in dv.error
    # as Excel saves what a clerk typed (12.5 or 12.5% in a per-cent cell: the number 0.125, format kept)
    ws.cell(rows["INV_GRANT_RATE"], cols[f"{YEAR}年填报值"]).value = 0.125
    ws.cell(rows["CIVIL_ACCEPT_RATE"], cols[f"{YEAR}年填报值"]).value = 0.9
    wb.save(template)
    plan = plan_import(demo_db, template, expect_region=REGION, expect_year=YEAR)
    assert plan.ok and not plan.warnings, [p.message("zh") for p in plan.problems + plan.warnings]
    assert {r.indicator: r.value for r in plan.changes()} == {"INV_GRANT_RATE": "12.5", "CIVIL_ACCEPT_RATE": "90"}
    # the template for a year that is all filled already imports as unchanged: every value round-trips
    done = template.with_name("2023.xlsx")
    make_template(demo_db, REGION, 2023, done, lang="zh")
    plan = plan_import(demo_db, done, expect_region=REGION, expect_year=2023)
    assert plan.ok and not plan.warnings and not plan.changes()
    assert plan.counts()["unchanged"] == sum(1 for c in _rows(ws) if _stored(demo_db, c, "2023") is not None) > 20


# ---------------------------------------------------------------- printed by LibreOffice

def print_faults(pdf: Path, definitions: dict[str, str]) -> list[str]:
    """What is wrong with the printed template: a definition not printed whole, a line printed
    over another, a word across the top edge of the next indicator's row."""
    faults = []
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             encoding="utf-8", check=True).stdout)
    faults += [f"cut: {code}" for code, d in definitions.items() if re.sub(r"\s+", "", d) not in text]
    faults += [f"overprint: {a} / {b}" for _page, a, b in overprints(pdf)]
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    for page in xml.split("<page ")[1:]:
        words = [(float(y0), float(y1), w) for y0, y1, w in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        tops = sorted(y0 for y0, _y1, w in words if w in definitions)           # the code cells: each row's top
        for edge in (t - 1.0 for t in tops[1:]):
            faults += [f"across a row's edge: {w}" for y0, y1, w in words if y0 < edge - 0.5 and y1 > edge + 0.5]
    return faults


def test_libreoffice_prints_every_definition_whole_inside_its_row(demo_db, template, tmp_path):
    ws = openpyxl.load_workbook(template)["填报"]
    cols = _columns(ws)
    definitions = {code: ws.cell(r, cols["指标定义与口径"]).value for code, r in _rows(ws).items()}
    spoilt = tmp_path / "spoilt.xlsx"                 # the template as it was: rows of the default height
    wb = openpyxl.load_workbook(template)
    for r in list(wb["填报"].row_dimensions):
        wb["填报"].row_dimensions[r].height = None
    wb.save(spoilt)
    good, bad = soffice_pdfs([template, spoilt], tmp_path / "pdf")
    assert print_faults(good, definitions) == []
    pages = max(p for p, _s, _c in char_sizes(good))
    print(f"\nLibreOffice prints the {REGION} template on {pages} pages, smallest text "
          f"{min(s for _p, s, _c in char_sizes(good)):.1f} pt")
    assert pages <= 3
    faults = print_faults(bad, definitions)
    assert any(f.startswith("overprint") for f in faults) and any(f.startswith("across") for f in faults), faults


# ---------------------------------------------------------------- filled in LibreOffice

def _uno_python() -> str | None:
    for exe in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python"):
        if Path(exe).exists() and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


@pytest.fixture
def calc(tmp_path):
    """``type(path, {cell: text})``: a clerk types into LibreOffice Calc and saves (.xlsx)."""
    soffice, python = shutil.which("soffice") or shutil.which("libreoffice"), _uno_python()
    if not soffice or not python:
        pytest.skip("LibreOffice with a Python that has its uno module is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                             "--invisible", "--norestore", f"--accept=socket,host=127.0.0.1,port={port};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    typist = Path(__file__).with_name("lo_typist.py")

    def type_in(path: Path, sheet: str, entries: dict[str, str]) -> dict[str, tuple[float, str]]:
        out = subprocess.run([python, str(typist), str(port), str(path), sheet,
                              *(f"{k}={v}" for k, v in entries.items())],
                             capture_output=True, text=True, timeout=120)
        lines = out.stdout.splitlines()
        assert lines and lines[-1] == "saved", (out.stdout, out.stderr)
        return {ref: (float(v), shown) for ref, v, shown in (line.split("\t") for line in lines[:-1])}

    yield type_in
    proc.terminate()
    proc.wait(timeout=30)


def test_a_template_filled_in_libreoffice_imports_what_the_clerk_saw(demo_db, template, calc):
    ws = openpyxl.load_workbook(template)["填报"]
    cols, rows = _columns(ws), _rows(ws)
    at = {code: f"{openpyxl.utils.get_column_letter(cols[f'{YEAR}年填报值'])}{rows[code]}"
          for code in ("INV_GRANT_RATE", "PATENT_INDUSTRIALIZATION_RATE", "CIVIL_ACCEPT_RATE", "INV_GRANTS")}
    shown = calc(template, "填报", {at["INV_GRANT_RATE"]: "12.5%", at["CIVIL_ACCEPT_RATE"]: "0.5%",
                                   at["PATENT_INDUSTRIALIZATION_RATE"]: "33", at["INV_GRANTS"]: "18,600"})
    assert shown[at["INV_GRANT_RATE"]] == (0.125, "12.5%")
    assert shown[at["PATENT_INDUSTRIALIZATION_RATE"]] == (33.0, "3300.0%")        # Calc's reading of a bare 33
    # Calc kept the 0–100 % validation that stops a bare 33 at the keyboard (headless Calc shows no dialog)
    saved = openpyxl.load_workbook(template)["填报"]
    rules = [(d.type, d.formula1, d.formula2, d.errorStyle or "stop", str(d.sqref)) for d in saved.data_validations.dataValidation
             if d.type == "decimal"]
    assert any(at["PATENT_INDUSTRIALIZATION_RATE"] in ref.split() and tuple(r) == ("decimal", "0", "1")
               for *r, _style, ref in rules), (at, rules)
    plan = plan_import(demo_db, template, expect_region=REGION, expect_year=YEAR)
    assert [(p.code, p.cell.split(" ")[0]) for p in plan.problems] == [("out_of_range", at["PATENT_INDUSTRIALIZATION_RATE"])]
    assert "3300" in plan.problems[0].message("zh") and not plan.warnings
    # the clerk sees 3300.0 % and types 33% instead
    calc(template, "填报", {at["PATENT_INDUSTRIALIZATION_RATE"]: "33%"})
    plan = plan_import(demo_db, template, expect_region=REGION, expect_year=YEAR)
    assert plan.ok and not plan.warnings, [p.message("zh") for p in plan.problems + plan.warnings]
    assert {r.indicator: r.value for r in plan.changes()} == {
        "INV_GRANT_RATE": "12.5", "CIVIL_ACCEPT_RATE": "0.5", "PATENT_INDUSTRIALIZATION_RATE": "33",
        "INV_GRANTS": "18600"}
    apply_plan(demo_db, plan)
    assert _stored(demo_db, "INV_GRANT_RATE", str(YEAR)) == "12.5"
