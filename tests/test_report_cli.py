"""``ipdesk report`` run for real (``python -m app`` in a subprocess) on a copy of the demo store:
files written, ``--json`` shape, exit codes, one line on stderr for an error, nothing left
behind when refused.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.test_cli import ipdesk






def test_report_writes_both_files_and_says_so(store, tmp_path):
    pdf, xlsx = tmp_path / "江苏 2022.pdf", tmp_path / "江苏 2022.xlsx"
    r = ipdesk("report", "--region", "320000", "--year", "2022", "--pdf", str(pdf), "--xlsx", str(xlsx),
               "--office", "江苏省知识产权局", "--contact", "张三 025-8000", "--save-office", "--json", db=store)
    # Jiangsu 2022 is approved and its explain-level problems (连云港's falling rate and its late task 4(10))
    # explained: final, exit 0
    assert r.returncode == 0, r.stderr
    assert "草稿" not in r.stderr, r.stderr
    out = json.loads(r.stdout)                      # stdout stays JSON
    assert isinstance(out, list) and len(out) == 1
    res = out[0]
    assert {"region", "year", "fingerprint", "fingerprint_short", "pdf", "pdf_pages", "pdf_bytes", "xlsx",
            "xlsx_bytes", "findings", "targets"} <= set(res)
    assert res["pdf_bytes"] == pdf.stat().st_size > 10_000 and res["xlsx_bytes"] == xlsx.stat().st_size
    assert pdf.read_bytes()[:5] == b"%PDF-" and xlsx.read_bytes()[:2] == b"PK" and res["pdf_pages"] >= 3
    assert res["findings"] == {"blocking": 0, "explain": 2, "info": 0}
    # --save-office stored the office and contact for the next report
    r = ipdesk("report", "--region", "320000", "--year", "2022", "--xlsx", str(xlsx), db=store, lang="zh")
    assert r.returncode == 0 and "数据指纹 " + res["fingerprint_short"] in r.stdout and "XLSX" in r.stdout
    from openpyxl import load_workbook

    cover = {row[0].value: row[1].value for row in load_workbook(xlsx)["封面说明"].iter_rows(min_row=3) if row[0].value}
    assert cover["联系方式"] == "张三 025-8000" and cover["数据指纹"] == res["fingerprint_short"]


@pytest.mark.parametrize("args, words", [
    (["--region", "999999", "--year", "2022", "--pdf", "x.pdf"], "unknown region"),
    (["--region", "320000", "--year", "2022"], "--pdf"),
    (["--region", "320000", "--year", "2022", "--pdf", "x.txt"], ".pdf"),
    (["--region", "320000", "--year", "2022", "--pdf", "no/such/folder/x.pdf"], "cannot write"),
    (["--region", "320000", "--year", "20x2", "--pdf", "x.pdf"], "not a year"),
])
def test_report_refusals_exit_2_with_one_line(store, args, words):
    before = sorted(os.listdir(store.parent))
    r = ipdesk("report", *args, db=store)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and words in r.stderr, r.stderr
    assert sorted(os.listdir(store.parent)) == before, "a refused report left a file behind"


def test_report_needs_an_existing_store(tmp_path):
    r = ipdesk("report", "--region", "320000", "--year", "2022", "--pdf", "x.pdf", db=tmp_path / "none.sqlite")
    assert r.returncode == 2 and not (tmp_path / "none.sqlite").exists() and not (tmp_path / "x.pdf").exists()
