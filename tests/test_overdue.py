"""Overdue tasks are findings of the one findings function: both sides of the due date, done and cancelled
tasks not overdue, an unexplained one blocking complete like an implausible value and explained through
the review service, named in Chinese by the report and ``check`` — and the demo's approved years clean."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.models import audit, review
from app.models.findings import findings, findings_all
from app.models.progress import set_progress
from app.models.states import region_year_status
from app.models.tasks import import_tasks
from tests.test_cli import ipdesk
from tests.test_tasks import write_csv

TODAY = date.today()
TASK = "task:G2026-9.1"


def _pack(tmp_path, due: date, year: int = 2024, tid: str = "G2026-9.1"):
    return write_csv(tmp_path / f"pack-{tid}.csv", [[tid, f"TEST_{tid}", str(year), "9", "9(1)", "local",
                                                     "开展知识产权质押融资入园惠企行动，按季度报送工作进展。",
                                                     "Pledge financing campaign", "各地方知识产权局", due.isoformat()]])


def overdue_of(db, region, year, today):
    return [f for f in findings(db, region, year, today=today) if f.rule == "task_overdue"]


@pytest.mark.parametrize("days_before_today, flagged", [(1, True), (0, False), (-1, False)])
def test_due_yesterday_is_a_finding_due_today_or_tomorrow_is_not(demo_db, tmp_path, days_before_today, flagged):
    today = date(2024, 9, 15)
    import_tasks(demo_db, _pack(tmp_path, today - timedelta(days=days_before_today)))
    got = overdue_of(demo_db, "320800", 2024, today)
    assert bool(got) is flagged
    if flagged:
        (f,) = got
        assert (f.indicator, f.severity, f.period, f.explanation) == (TASK, "explain", "2024", None)
        assert "开展知识产权质押融资入园惠企行动" in f.message("zh") and "2024-09-14" in f.message("zh")
        # the same finding whichever way the region is asked for, and in the store-wide pass
        assert f in findings(demo_db, "320000", 2024, below="children", today=today).of("320800")
        assert f in findings_all(demo_db, 2024, today=today).of("320800", 2024)


@pytest.mark.parametrize("state, why, flagged", [("已完成", None, False), ("取消", "并入省级统一部署", False),
                                                 ("推进中", None, True), ("滞后", "资金未到位", True)])
def test_done_or_cancelled_with_a_reason_is_not_overdue(demo_db, tmp_path, state, why, flagged):
    today = date(2024, 9, 15)
    import_tasks(demo_db, _pack(tmp_path, date(2024, 6, 30)))
    assert overdue_of(demo_db, "320800", 2024, today)
    set_progress(demo_db, "320800", "G2026-9.1", "2024Q2", state, why=why)
    assert bool(overdue_of(demo_db, "320800", 2024, today)) is flagged


def test_an_unexplained_overdue_task_blocks_complete_until_explained(demo_db, tmp_path):
    region, year = "320800", 2024                      # 淮安 2024: a draft with nothing else open
    assert region_year_status(demo_db, region, year) == "draft" and not review.blockers(demo_db, region, year, "complete")
    import_tasks(demo_db, _pack(tmp_path, TODAY - timedelta(days=1)))   # the machine's date decides here
    reasons = review.blockers(demo_db, region, year, "complete")
    assert [r.code for r in reasons] == ["rv_unexplained"]
    with pytest.raises(review.Refused) as exc:
        review.complete(demo_db, region, year)
    words = exc.value.message("zh")
    assert "淮安市" in words and "任务 9(1)" in words and "开展知识产权质押融资入园惠企行动" in words
    assert "G2026" not in words and "task_overdue" not in words and "task:" not in words
    # an explanation through the review service (the same verb as for a value's finding)
    review.explain(demo_db, region, year, "task_overdue", TASK, "园区走访安排调整至第四季度")
    assert not review.blockers(demo_db, region, year, "complete")
    assert review.complete(demo_db, region, year) == "draft"
    assert demo_db.execute("select text, author from explanations where indicator = ?", [TASK]).fetchone()[0] == \
        "园区走访安排调整至第四季度"
    assert audit.verify(demo_db).ok


def test_explaining_a_task_that_is_not_overdue_is_refused(demo_db, tmp_path):
    import_tasks(demo_db, _pack(tmp_path, TODAY + timedelta(days=1)))
    before = demo_db.execute("select count(*) from audit").fetchone()[0]
    with pytest.raises(review.Refused) as exc:
        review.explain(demo_db, "320800", 2024, "task_overdue", TASK, "说明")
    assert "当前没有该问题" in exc.value.message("zh")
    assert demo_db.execute("select count(*) from audit").fetchone()[0] == before


def test_the_demos_approved_years_stay_clean_and_the_nation_answers_for_nothing(demo_db):
    for year in (2022, 2023):
        fs = findings(demo_db, "320000", year, below="children")
        assert fs.open(everywhere=True) == []
    late = [f for f in findings(demo_db, "320000", 2022, below="children") if f.rule == "task_overdue"]
    assert [(f.region, f.indicator) for f in late] == [("320700", "task:G2022-4.10.2")] and late[0].explanation
    # the province's store does not hold the nation's (CNIPA's) tasks against it
    assert not [f for f in findings(demo_db, "100000", 2022) if f.rule == "task_overdue"]
    # nor the counties it does not collect
    assert not [f for f in findings(demo_db, "320100", 2022, below="all") if f.rule == "task_overdue"]


def test_check_and_the_report_name_the_task_in_chinese(store, tmp_path):
    from app.models.db import open_store

    db = open_store(store)
    import_tasks(db, _pack(tmp_path, TODAY - timedelta(days=1)))
    db.conn.close()
    res = ipdesk("check", "--region", "320800", "--year", "2024", db=store, lang="zh")
    line = next(ln for ln in res.stdout.splitlines() if "质押融资入园惠企" in ln)
    assert "淮安市" in line and "任务 9(1)" in line and "task" not in line and "G2026" not in line
    res = ipdesk("check", "--region", "320800", "--year", "2024", "--json", db=store)
    assert any(d["rule"] == "task_overdue" and d["indicator"] == TASK for d in __import__("json").loads(res.stdout))

    from app.services.report.data import build_report

    db = open_store(store)
    rep = build_report(db, "320800", 2024, include_children=False)
    row = next(f for f in rep.findings if f.indicator == TASK)
    assert row.indicator_name == "任务 9(1)" and "质押融资入园惠企行动" in row.message
    assert any("淮安市·任务 9(1)：任务逾期未完成" in item for item in rep.open_items)
    db.conn.close()


def test_the_owed_board_counts_an_overdue_task_of_a_city_still_owing(demo_db, tmp_path):
    from app.services.views import dashboard

    import_tasks(demo_db, _pack(tmp_path, date(2024, 6, 30)))
    before = {r.region: r.unexplained for r in dashboard(demo_db, "320000", 2024, today=date(2024, 6, 30)).owed}
    after = {r.region: r.unexplained for r in dashboard(demo_db, "320000", 2024, today=date(2024, 7, 1)).owed}
    assert before and after.keys() == before.keys()
    assert all(after[k] == before[k] + 1 for k in before)         # each city still owing has the task open


def test_cli_explains_an_overdue_task_through_the_review_service(store, tmp_path):
    from app.models.db import open_store

    db = open_store(store)
    import_tasks(db, _pack(tmp_path, TODAY - timedelta(days=1)))
    import_tasks(db, _pack(tmp_path, TODAY + timedelta(days=1), tid="G2026-9.2"))
    db.conn.close()
    res = ipdesk("tasks", "explain", "G2026-9.1", "--region", "320800", "--year", "2024", "--text",
                 "园区走访安排调整至第四季度", db=store, lang="zh")
    assert res.returncode == 0 and "说明已保存" in res.stdout, res.stderr
    res = ipdesk("check", "--region", "320800", "--year", "2024", db=store, lang="zh")
    assert "[已说明: 园区走访安排调整至第四季度]" in res.stdout and "未说明 0 项" in res.stdout
    # not overdue yet: refused in one Chinese line, nothing written (the generic verb, by task id)
    res = ipdesk("explain", "--region", "320800", "--year", "2024", "task_overdue", "G2026-9.2", "说明", db=store,
                 lang="zh")
    assert res.returncode == 2 and "当前没有该问题" in res.stderr and "任务 9(1)" in res.stderr
    assert "G2026" not in res.stderr


def test_a_task_falling_due_after_approval_does_not_reopen_the_approved_copy(demo_db, tmp_path):
    """Approved on the 10th with a task due on the 15th: on the 16th the approved province and the cities
    frozen below it raise no overdue finding (their progress can no longer be written nor the delay
    explained; the printed 已审批 must not turn into 草稿 by the calendar alone). An unlock brings it back."""
    from app.models.review import document_state

    y, province, city = 2023, "320000", "320100"         # the demo's 2023: submitted and clean
    import_tasks(demo_db, _pack(tmp_path, TODAY + timedelta(days=5), year=y))
    review.approve(demo_db, [(province, y)], why="年报审批", user="demo-head", password="demo1234")
    later = TODAY + timedelta(days=6)
    assert not overdue_of(demo_db, province, y, later) and not overdue_of(demo_db, city, y, later)
    assert not [f for f in findings_all(demo_db, y, today=later).items if f.rule == "task_overdue"
                and f.region in (province, city)]
    assert document_state(demo_db, province, y).final
    # a region-year not frozen (another year, still a draft) is flagged on the same day: the rule still holds
    import_tasks(demo_db, _pack(tmp_path, TODAY + timedelta(days=5), year=2024, tid="G2026-9.2"))
    assert [f.indicator for f in overdue_of(demo_db, city, 2024, later)] == ["task:G2026-9.2"]
    review.unlock(demo_db, province, y, why="补充任务进展", user="demo-head", password="demo1234")
    assert [f.indicator for f in overdue_of(demo_db, province, y, later)] == [TASK]
    assert [f.indicator for f in overdue_of(demo_db, city, y, later)] == [TASK]


def test_one_naming_of_a_task_in_the_finding_the_refusal_the_error_place_and_the_report(demo_db, tmp_path):
    """任务 9(1) with its first words wherever a person reads of the task: the finding's subject, a review
    refusal, the place of an error, the results report's 四、存在的问题 — all from task_basics.task_name."""
    from app.models.errors import InputError
    from app.models.findings import subject_name
    from app.models.tasks import get_task, task_label, task_name
    from app.services.place_names import place
    from app.services.results_report import drafts

    region, year = "320800", 2024
    import_tasks(demo_db, _pack(tmp_path, TODAY - timedelta(days=1)))
    label = task_label(get_task(demo_db, TASK[5:]))
    assert label.startswith("任务 9(1)“开展知识产权质押融资") and label.endswith("”")
    [f] = overdue_of(demo_db, region, year, TODAY)
    assert subject_name(f, {}) == task_name("9(1)") == "任务 9(1)" and subject_name(f, {}, "en") == "task 9(1)"
    with pytest.raises(review.Refused) as exc:
        review.complete(demo_db, region, year)
    assert label in exc.value.message("zh")
    where = place(demo_db, InputError("not_a_number", text="x", region=region, indicator=TASK, period="2024"))
    assert where == f"淮安市·{label}·2024"
    problems = drafts(demo_db, region, year, today=TODAY)[0][4]
    assert f"{label}已于 " in problems
