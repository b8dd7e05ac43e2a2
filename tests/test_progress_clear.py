"""A period's report taken back out (the grid's Delete): audited through the one writer, the audit trail
still replays clean, refused on an approved year, a report with evidence keeps its files; and the
滞后/取消 refusal speaks the window's words (the command line adds its flag)."""
from __future__ import annotations

import pytest

from app.models import audit, progress, tasks
from app.models.errors import InputError, LockedError
from tests.test_cli import ipdesk
from tests.test_tasks import ROWS_2024, counts, write_csv

TASK = "G2024-4.9.1"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def db24(demo_db, tmp_path):
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    return demo_db


def periods(db, region):
    return {r["period"]: r for r in progress.progress_rows(db, region, 2024, TASK)}


def test_clear_deletes_the_report_with_its_audit_row_and_verify_stays_clean(db24):
    progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", percent=60, text="已完成原因分析初稿", person="王敏")
    assert audit.verify(db24).ok
    res = progress.clear_progress(db24, "320100", TASK, "2024Q3", who="clerk")
    assert res.written and "2024Q3" not in periods(db24, "320100")
    who, old, new = db24.execute("select who, old, new from audit where action = 'progress' order by id desc"
                                 " limit 1").fetchone()
    assert who == "clerk" and "王敏" in old and new is None
    v = audit.verify(db24)
    assert v.ok, audit.describe(db24, v)
    # nothing there: nothing written (no empty audit row)
    before = counts(db24)
    assert not progress.clear_progress(db24, "320100", TASK, "2024Q3").written
    assert counts(db24) == before
    # written again after the clear: the trail still replays
    progress.set_progress(db24, "320100", TASK, "2024Q3", "已完成")
    assert audit.verify(db24).ok


def test_clear_keeps_a_reports_evidence_files_and_goes_back_to_not_started(db24):
    progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", percent=60, evidence=[("纪要.pdf", PDF)])
    progress.clear_progress(db24, "320100", TASK, "2024Q3")
    got = periods(db24, "320100")["2024Q3"]
    assert (got["state"], got["percent"]) == ("not_started", None)
    assert [e["name"] for e in got["evidence"]] == ["纪要.pdf"]
    assert audit.verify(db24).ok


def test_clear_is_refused_on_a_locked_year_and_nothing_written(demo_db):
    assert progress.progress_rows(demo_db, "320100", 2022)              # the demo's approved 2022 carries progress
    row = progress.progress_rows(demo_db, "320100", 2022)[0]
    before = counts(demo_db)
    with pytest.raises(LockedError):
        progress.clear_progress(demo_db, "320100", row["task"], row["period"])
    assert counts(demo_db) == before


def test_the_reason_refusal_names_no_flag_in_the_model_and_the_cli_adds_it(db24, store):
    with pytest.raises(InputError) as e:
        progress.set_progress(db24, "320100", TASK, "2024Q2", "滞后")
    for lang in ("zh", "en"):
        assert "--why" not in e.value.message(lang)
    assert "状态为“滞后”时须说明原因" in e.value.message("zh")
    res = ipdesk("progress", "320100", "G2022-4.9.3", "2022Q3", "--state", "取消", db=store)
    assert res.returncode != 0 and "--why" in res.stderr + res.stdout
