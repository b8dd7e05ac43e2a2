"""Makes the .xls fixtures beside this file, as LibreOffice saves Excel 97-2003 workbooks (run once;
the files are committed so the tests need no office suite):

    .venv/bin/python tests/data/make_xls.py      # needs soffice (LibreOffice) on PATH

- ``long-2024.xls``: a long-format table as a clerk keeps it — a per-cent cell typed ``12.5%``
  (Excel keeps 0.125 and a per-cent format), a plain number, a number typed as text with
  thousands separators, a formula with its cached value, a note;
- ``template-320100-2024.xls``: ipdesk's fill-in template for Nanjing 2024, filled in and saved
  as .xls (the hidden metadata sheet goes along).
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def to_xls(xlsx: Path) -> Path:
    out = Path(tempfile.mkdtemp())
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(out), str(xlsx)], check=True,
                   capture_output=True, timeout=120)
    return out / (xlsx.stem + ".xls")


def main() -> None:
    import openpyxl

    from app.models.db import open_store
    from app.services.demo import make_demo
    from app.services.sheets.template import make_template

    work = Path(tempfile.mkdtemp())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["地区代码", "指标代码", "期间", "数值", "说明"])
    ws.append(["320100", "PATENT_INDUSTRIALIZATION_RATE", "2024", 0.125, None])
    ws["D2"].number_format = "0.0%"
    ws.append(["320100", "INV_GRANTS", "2024", 23456, "据年报"])
    ws.append(["320100", "INV_APPLICATIONS", "2024", "61,234", None])
    ws.append(["320100", "HV_PATENTS", "2024", "=40000+2104", None])
    wb.save(work / "long-2024.xlsx")
    shutil.copy(to_xls(work / "long-2024.xlsx"), HERE / "long-2024.xls")

    db = open_store(work / "demo.sqlite")
    make_demo(db)
    make_template(db, "320100", 2024, work / "template-320100-2024.xlsx")
    wb = openpyxl.load_workbook(work / "template-320100-2024.xlsx")
    ws = wb.worksheets[0]
    codes = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(codes["INV_GRANTS"], 7).value = "24,680"
    ws.cell(codes["PATENT_INDUSTRIALIZATION_RATE"], 7).value = "51.5%"
    wb.save(work / "template-320100-2024.xlsx")
    shutil.copy(to_xls(work / "template-320100-2024.xlsx"), HERE / "template-320100-2024.xls")
    print("written:", HERE / "long-2024.xls", HERE / "template-320100-2024.xls")


if __name__ == "__main__":
    main()
