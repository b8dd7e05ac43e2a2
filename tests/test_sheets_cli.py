"""``ipdesk template``, ``ipdesk import`` and ``ipdesk export-data`` run for real in a
subprocess (issue 4): exit 0 for a clean dry run, 1 when it lists problems, 2 for usage errors,
unreadable files and any refused ``--apply``, which writes nothing (the store is compared
table by table, read outside ipdesk).
"""
from __future__ import annotations


import openpyxl
import pytest

from tests.test_cli import as_json, assert_one_line_error, fingerprint, ipdesk, stored




def test_template_fill_dry_run_then_apply(store, tmp_path):
    tpl = tmp_path / "南京市2024.xlsx"
    res = ipdesk("template", "--region", "320100", "--year", "2024", "-o", str(tpl), db=store)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("template written:") and "23 indicators" in res.stdout
    wb = openpyxl.load_workbook(tpl)
    ws = wb.active
    header = {c.value: c.column for c in ws[5] if c.value}
    rows = {c.value: c.row for c in ws["A"] if c.value}
    ws.cell(rows["INV_GRANTS"], header["2024 value"]).value = "9.1万"
    ws.cell(rows["PLEDGE_SMES"], header["2024 value"]).value = 412
    wb.save(tpl)
    old = stored(store, "320100", "INV_GRANTS", "2024")
    before = fingerprint(store)

    dry = ipdesk("import", str(tpl), db=store)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == "南京市2024.xlsx: template 320100 2024 — new 0, changed 2, unchanged 20, empty 1"
    assert f"changed\t320100\tINV_GRANTS\t2024\t{old} → 91000\t(entry row {rows['INV_GRANTS']})" in lines
    assert lines[-1] == "dry run: nothing written (use --apply to write)"
    assert fingerprint(store) == before

    done = ipdesk("import", str(tpl), "--apply", "--why", "2024 年报", db=store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "written 2, unchanged 20"
    assert stored(store, "320100", "INV_GRANTS", "2024") == "91000"
    wrong = ipdesk("import", str(tpl), "--year", "2023", "--lang", "zh", db=store)
    assert wrong.returncode == 1 and "该模板是 2024 年的，不是 2023 年" in wrong.stdout


def test_problems_exit_1_and_apply_refuses_with_one_line(store, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("地区代码,指标代码,期间,数值,说明\n320100,INV_GRANTS,2024,12345,\n320100,INV_GRANTS,2023,abc,\n"
                    "999999,INV_GRANTS,2024,5,\n320100,INV_GRANTS,2021,1,\n", encoding="gb18030")
    before = fingerprint(store)
    dry = ipdesk("import", str(path), db=store)
    assert dry.returncode == 1
    problems = dry.stdout.split("problems (3):\n")[1].splitlines()
    assert problems == [
        "long.csv · row 3, column 数值: 'abc' is not a number",
        "long.csv · row 4, column 地区代码: unknown region code '999999' (see 'ipdesk regions')",
        "long.csv · row 5 · 320100 · 2021: Nanjing (320100) 2021 is approved and locked: 1 value(s) in this file "
        "would change it; an office head must unlock it first"]
    refused = ipdesk("import", str(path), "--apply", db=store)
    assert refused.returncode == 2 and refused.stderr == "ipdesk import: 3 problem(s); nothing written\n"
    assert fingerprint(store) == before
    as_json_out = as_json(ipdesk("import", str(path), "--json", db=store))
    assert len(as_json_out) == 1
    report = as_json_out[0]
    assert report["ok"] is False and report["problem_count"] == 3 and report["counts"]["changed"] == 2
    assert report["problems"][0]["cell"] == "row 3, column 数值" and report["problems"][0]["code"] == "not_a_number"
    assert {r["period"] for r in report["rows"]} == {"2024", "2021"}


@pytest.mark.parametrize("name,content,words", [
    ("junk.xlsx", b"\x00not a zip at all" * 50, "not a readable .xlsx workbook"),
    ("missing.xlsx", None, "cannot read the file"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
])
def test_unreadable_files_exit_2_with_one_line(store, tmp_path, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = fingerprint(store)
    line = assert_one_line_error(ipdesk("import", str(path), "--apply", db=store))
    assert line.startswith(f"ipdesk import: {name}: ") and words in line
    assert fingerprint(store) == before


def test_export_data_round_trips_through_import(store, tmp_path):
    out = tmp_path / "jiangsu.xlsx"
    res = ipdesk("export-data", "--region", "320000", "--children", "--year-from", "2023", "--indicators",
                 "INV_GRANTS", "POPULATION", "-o", str(out), "--json", db=store)
    assert res.returncode == 0, res.stderr
    assert as_json(res) == [{"file": str(out), "rows": 14 * 2 * 2, "regions": 14, "warnings": []}]
    back = ipdesk("import", str(out), "--lang", "zh", db=store)
    assert back.returncode == 0, back.stdout
    assert back.stdout.splitlines()[0] == "jiangsu.xlsx: 长表格式 — 新增 0，修改 0，未变 56，空白 0"
    line = assert_one_line_error(ipdesk("export-data", "--region", "329999", "-o", str(tmp_path / "x.csv"), db=store))
    assert "329999" in line and not (tmp_path / "x.csv").exists()
    usage = ipdesk("template", "--region", "320100", "--year", "3000", "-o", str(tmp_path / "t.xlsx"), db=store)
    assert usage.returncode == 2 and not (tmp_path / "t.xlsx").exists()
