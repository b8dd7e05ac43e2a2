"""The review service (app/models/review.py): each precondition on both sides, every path that
approves (CLI verb, window menu, dashboard button, inbox) refusing the same way, and one set of
findings for the grid, ``check --json``, the dashboard and the report."""
from __future__ import annotations

import ast
import io
import json
import re
import sys
from pathlib import Path

import pytest

from app.models import review, workflow
from app.models.errors import AuthError, InputError
from app.models.findings import findings
from app.models.states import region_year_status
from app.models.values import set_text

HEAD = ("demo-head", "demo1234")
CODE = re.compile(r"\b(3[0-9]{5}|100000)\b|[A-Z]{2,}_[A-Z0-9_]+|\b(yoy|outlier|sum|falling|benford|required|derived|le|range)\b")
XUZHOU, NANJING, PROVINCE = "320300", "320100", "320000"


def audit_rows(db):
    return db.execute("select count(*) from audit").fetchone()[0]


def last_audit(db, n):
    return db.execute("select who, action, region, period, old, new, why from audit where id > ? order by id",
                      [n]).fetchall()


def statuses(db):
    return db.execute("select region, year, status from region_years order by region, year").fetchall()


def assert_chinese_names_no_codes(text: str, *names: str):
    for name in names:
        assert name in text, (name, text)
    assert not CODE.search(text), text


def explain_all(db, region, year, text="已核实"):
    for f in findings(db, region, year).unexplained():
        review.explain(db, region, year, f.rule, f.indicator, text, period=f.period)


def make_blocking(db, region=NANJING, year=2024):
    """A part larger than its whole (a blocking finding): high-value patents above those in force."""
    in_force = db.execute('select value from "values" where region=? and indicator=? and period=?',
                          [region, "INV_PATENTS_IN_FORCE", str(year)]).fetchone()[0]
    set_text(db, region, "HV_PATENTS", str(year), str(int(in_force) + 1000))


# ---------------------------------------------------------------- the demo is consistent

def test_demo_has_nothing_complete_or_approved_with_anything_open(demo_db):
    for region, year, status in statuses(demo_db):
        if status in ("complete", "submitted", "approved", "locked"):
            assert not findings(demo_db, region, year).open(), (region, year, status)
    assert region_year_status(demo_db, XUZHOU, 2024) == "draft"            # planted findings left to explain
    assert region_year_status(demo_db, "320600", 2024) == "draft"


# ---------------------------------------------------------------- preconditions, both sides

def test_approve_from_draft_is_refused_and_from_complete_allowed(demo_db):
    explain_all(demo_db, XUZHOU, 2024)
    n, before = audit_rows(demo_db), statuses(demo_db)
    with pytest.raises(review.Refused) as exc:
        review.approve(demo_db, [(XUZHOU, 2024)], user=HEAD[0], password=HEAD[1])
    assert_chinese_names_no_codes(exc.value.message("zh"), "徐州市", "草稿")
    assert statuses(demo_db) == before and audit_rows(demo_db) == n
    review.complete(demo_db, XUZHOU, 2024)
    assert review.approve(demo_db, [(XUZHOU, 2024)], user=HEAD[0], password=HEAD[1]) == 1
    assert region_year_status(demo_db, XUZHOU, 2024) == "approved"


def test_one_unexplained_finding_blocks_and_explaining_it_clears(demo_db):
    fs = findings(demo_db, XUZHOU, 2024).unexplained()
    assert len(fs) == 2
    review.explain(demo_db, XUZHOU, 2024, fs[0].rule, fs[0].indicator, "技术转移中心集中登记")
    with pytest.raises(review.Refused) as exc:                  # one left: still refused
        review.complete(demo_db, XUZHOU, 2024)
    assert_chinese_names_no_codes(exc.value.message("zh"), "徐州市", "专利转让许可次数", "尚未说明")
    assert len(exc.value.reasons) == 1 and region_year_status(demo_db, XUZHOU, 2024) == "draft"
    review.explain(demo_db, XUZHOU, 2024, fs[1].rule, fs[1].indicator, "同上")
    assert review.complete(demo_db, XUZHOU, 2024) == "draft"
    assert region_year_status(demo_db, XUZHOU, 2024) == "complete"


def test_a_blocking_finding_refuses_complete_submit_and_approve(demo_db):
    make_blocking(demo_db)                                      # (the write sent 南京 back to draft)
    assert region_year_status(demo_db, NANJING, 2024) == "draft"
    for action in ("complete", "submit"):
        with pytest.raises(review.Refused) as exc:
            getattr(review, action)(demo_db, NANJING, 2024)
        assert_chinese_names_no_codes(exc.value.message("zh"), "南京市", "高价值发明专利拥有量", "阻断性问题")
    codes = [r.code for r in review.blockers(demo_db, NANJING, 2024, "approve")]
    assert codes[:2] == ["rv_state", "rv_blocking"]          # (the jump is also unexplained: yoy, outlier)


def test_province_waits_for_each_subordinate_to_be_complete(demo_db):
    review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "含省直属单位")
    late = [r.region for r in review.blockers(demo_db, PROVINCE, 2024, "complete")]
    assert late == ["320300", "320600", "320800", "320900", "321000", "321100", "321200", "321300"]
    for code in late[:-1]:
        explain_all(demo_db, code, 2024)
        review.complete(demo_db, code, 2024)
    with pytest.raises(review.Refused) as exc:                  # one subordinate draft: refused
        review.complete(demo_db, PROVINCE, 2024)
    assert_chinese_names_no_codes(exc.value.message("zh"), "宿迁市", "草稿")
    assert "南通市" not in exc.value.message("zh")
    explain_all(demo_db, "321300", 2024)
    review.complete(demo_db, "321300", 2024)                    # all complete: allowed
    review.complete(demo_db, PROVINCE, 2024)
    assert region_year_status(demo_db, PROVINCE, 2024) == "complete"


def test_a_city_is_not_held_up_by_districts_this_office_does_not_collect(demo_db):
    assert review.subordinates(demo_db, NANJING, 2024) == []
    assert len(review.subordinates(demo_db, PROVINCE, 2024)) == 13


def test_override_needs_a_head_password_and_a_reason_and_ends_with_an_unlock(demo_db):
    review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "含省直属单位")
    n = audit_rows(demo_db)
    with pytest.raises(InputError):                             # no reason
        review.override(demo_db, PROVINCE, 2024, user=HEAD[0], password=HEAD[1], why="  ")
    assert audit_rows(demo_db) == n and not review.override_active(demo_db, PROVINCE, 2024)
    with pytest.raises(AuthError):                              # wrong password: audited, nothing else
        review.override(demo_db, PROVINCE, 2024, user=HEAD[0], password="guess-1", why="市里延期")
    assert [r[1] for r in last_audit(demo_db, n)] == ["auth_failed"]
    assert not review.override_active(demo_db, PROVINCE, 2024)
    with pytest.raises(review.Refused):
        review.complete(demo_db, PROVINCE, 2024)
    late = review.override(demo_db, PROVINCE, 2024, user=HEAD[0], password=HEAD[1], why="八市延期，省级先行报送")
    assert len(late) == 8
    row = last_audit(demo_db, n)[-1]
    assert row[:4] == ("demo-head", "override", PROVINCE, "2024") and "宿迁市" in row[5] and row[6].startswith("八市")
    review.complete(demo_db, PROVINCE, 2024)
    review.approve(demo_db, [(PROVINCE, 2024)], user=HEAD[0], password=HEAD[1])
    review.unlock(demo_db, PROVINCE, 2024, user=HEAD[0], password=HEAD[1], why="订正")
    assert not review.override_active(demo_db, PROVINCE, 2024)   # the next round needs a new override
    with pytest.raises(review.Refused):
        review.complete(demo_db, PROVINCE, 2024)


def test_explain_refused_for_a_blocking_rule_a_gone_finding_and_while_approved(demo_db):
    make_blocking(demo_db)
    n = audit_rows(demo_db)
    with pytest.raises(review.Refused) as exc:
        review.explain(demo_db, NANJING, 2024, "le", "HV_PATENTS", "确实如此")
    assert_chinese_names_no_codes(exc.value.message("zh"), "高价值发明专利拥有量", "须修正")
    with pytest.raises(review.Refused) as exc:                  # no such finding (any more)
        review.explain(demo_db, NANJING, 2024, "yoy", "INV_GRANTS", "不存在的问题")
    assert "没有该问题" in exc.value.message("zh")
    assert audit_rows(demo_db) == n
    # frozen by approval, open again after an unlock
    explain_all(demo_db, PROVINCE, 2024, "初稿")             # (南京's new figure also upsets a sum)
    review.override(demo_db, PROVINCE, 2024, user=HEAD[0], password=HEAD[1], why="先行报送")
    review.complete(demo_db, PROVINCE, 2024)
    review.approve(demo_db, [(PROVINCE, 2024)], user=HEAD[0], password=HEAD[1])
    n = audit_rows(demo_db)
    with pytest.raises(review.Refused) as exc:
        review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "改写")
    assert_chinese_names_no_codes(exc.value.message("zh"), "江苏省", "解锁")
    assert audit_rows(demo_db) == n
    review.unlock(demo_db, PROVINCE, 2024, user=HEAD[0], password=HEAD[1], why="补充说明")
    review.explain(demo_db, PROVINCE, 2024, "sum", "TM_REGISTRATIONS", "改写")
    assert demo_db.execute("select text from explanations where rule='sum' and region=? and indicator='TM_REGISTRATIONS'", [PROVINCE]).fetchone() == ("改写",)


def test_unlock_needs_a_reason_and_the_password_and_a_failure_is_audited(demo_db):
    n = audit_rows(demo_db)
    with pytest.raises(InputError):
        review.unlock(demo_db, PROVINCE, 2022, user=HEAD[0], password=HEAD[1], why=" ")
    assert audit_rows(demo_db) == n
    with pytest.raises(AuthError):
        review.unlock(demo_db, PROVINCE, 2022, user=HEAD[0], password="wrong!", why="订正")
    assert last_audit(demo_db, n) == [("demo-head", "auth_failed", PROVINCE, "2022", None, "unlock", "bad_password")]
    workflow.add_user(demo_db, "clerk1", "clerk", "secret12")
    with pytest.raises(AuthError):                              # a clerk is not a head
        review.unlock(demo_db, PROVINCE, 2022, user="clerk1", password="secret12", why="订正")
    assert region_year_status(demo_db, PROVINCE, 2022) == "approved"
    with pytest.raises(review.Refused):                         # unlock of what is not locked
        review.unlock(demo_db, NANJING, 2024, user=HEAD[0], password=HEAD[1], why="订正")
    assert review.unlock(demo_db, PROVINCE, 2022, user=HEAD[0], password=HEAD[1], why="订正") == "approved"


def test_reopen_needs_a_reason_and_a_complete_or_submitted_year(demo_db):
    with pytest.raises(InputError):
        review.reopen(demo_db, NANJING, 2024, why="")
    assert region_year_status(demo_db, NANJING, 2024) == "complete"
    with pytest.raises(review.Refused):
        review.reopen(demo_db, PROVINCE, 2022, why="订正")      # approved: only an unlock reopens it
    review.reopen(demo_db, NANJING, 2024, why="补录")
    assert region_year_status(demo_db, NANJING, 2024) == "draft"


def test_batch_approval_is_all_or_nothing(demo_db):
    n, before = audit_rows(demo_db), statuses(demo_db)
    with pytest.raises(review.Refused) as exc:                  # 南京 is ready, 徐州 is not
        review.approve(demo_db, [(NANJING, 2024), (XUZHOU, 2024)], user=HEAD[0], password=HEAD[1])
    assert "徐州市" in exc.value.message("zh")
    assert statuses(demo_db) == before and audit_rows(demo_db) == n


def test_set_status_cannot_reach_the_locked_states(demo_db):
    with pytest.raises(AuthError):
        workflow.set_status(demo_db, NANJING, 2024, "approved", user=HEAD[0], password=HEAD[1])
    assert region_year_status(demo_db, NANJING, 2024) == "complete"


def test_aggregate_and_receive_guards(demo_db):
    with pytest.raises(review.Refused) as exc:                  # cities still drafts
        review.check_aggregate(demo_db, PROVINCE, 2024)
    assert_chinese_names_no_codes(exc.value.message("zh"), "徐州市")
    review.check_aggregate(demo_db, PROVINCE, 2023)             # every city submitted
    review.check_receive(demo_db, NANJING, 2024)
    with pytest.raises(review.Refused) as exc:                  # approved here: frozen
        review.check_receive(demo_db, NANJING, 2022)
    assert_chinese_names_no_codes(exc.value.message("zh"), "南京市", "解锁")


def test_owed_is_one_rule_not_yet_submitted(demo_db):
    assert len(review.owed(demo_db, PROVINCE, 2024)) == 13      # complete ones still owe their submission
    review.submit(demo_db, NANJING, 2024)
    assert NANJING not in review.owed(demo_db, PROVINCE, 2024) and len(review.owed(demo_db, PROVINCE, 2024)) == 12
    assert review.owed(demo_db, PROVINCE, 2023) == []
    from app.services.views import dashboard

    assert [o.region for o in dashboard(demo_db, PROVINCE, 2024).owed] == review.owed(demo_db, PROVINCE, 2024)


def test_only_the_review_service_calls_the_low_level_writers():
    """workflow.set_status / approve / unlock are review's writers; nobody else calls them."""
    root = Path(__file__).resolve().parent.parent / "app"
    callers = set()
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel in ("models/review.py", "models/workflow.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("set_status", "approve", "unlock") \
                    and isinstance(node.value, ast.Name) and node.value.id == "workflow":
                callers.add(rel)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("workflow") \
                    and {a.name for a in node.names} & {"set_status", "approve", "unlock", "_write_status"}:
                callers.add(rel)
    assert callers == set()


# ---------------------------------------------------------------- every path refuses the same way

def run_cli(argv, monkeypatch, capsys, stdin=""):
    from app.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_approve_with_something_left_is_refused_and_changes_nothing(demo_db, monkeypatch, capsys):
    path = str(demo_db.path)
    n, before = audit_rows(demo_db), statuses(demo_db)
    code, _out, err = run_cli(["--db", path, "--lang", "zh", "approve", "--region", PROVINCE, "--year", "2024",
                               "--user", HEAD[0], "--password-stdin"], monkeypatch, capsys, HEAD[1] + "\n")
    assert code == 2 and err.count("\n") == 1
    assert_chinese_names_no_codes(err.split(":", 1)[1], "江苏省", "商标注册量", "徐州市")
    assert statuses(demo_db) == before and audit_rows(demo_db) == n
    # wrong password: refused and audited
    code, _out, err = run_cli(["--db", path, "approve", "--region", NANJING, "--year", "2024", "--user", HEAD[0],
                               "--password-stdin"], monkeypatch, capsys, "nope\n")
    assert code == 2 and region_year_status(demo_db, NANJING, 2024) == "complete"
    assert [r[1] for r in last_audit(demo_db, n)] == ["auth_failed"]
    # complete with an unexplained finding: refused; after explaining, complete → approve
    code, _out, err = run_cli(["--db", path, "--lang", "zh", "complete", "--region", XUZHOU, "--year", "2024"],
                              monkeypatch, capsys)
    assert code == 2 and "专利转让许可次数" in err and region_year_status(demo_db, XUZHOU, 2024) == "draft"
    for f in findings(demo_db, XUZHOU, 2024).unexplained():
        assert run_cli(["--db", path, "explain", "--region", XUZHOU, "--year", "2024", f.rule, f.indicator,
                        "集中登记"], monkeypatch, capsys)[0] == 0
    assert run_cli(["--db", path, "complete", "--region", XUZHOU, "--year", "2024"], monkeypatch, capsys)[0] == 0
    code, out, _err = run_cli(["--db", path, "approve", "--region", XUZHOU, "--year", "2024", "--user", HEAD[0],
                               "--password-stdin"], monkeypatch, capsys, HEAD[1] + "\n")
    assert code == 0 and out.strip() == "已审批"
    code, _out, err = run_cli(["--db", path, "--lang", "zh", "explain", "--region", XUZHOU, "--year", "2024",
                               "yoy", "PATENT_TRANSFERS", "改写"], monkeypatch, capsys)
    assert code == 2 and "解锁" in err                           # frozen by the approval


def test_window_menu_approve_refuses_before_asking_for_a_password(open_main_window, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    w = open_main_window(PROVINCE, 2024)
    n, before = audit_rows(w.db), statuses(w.db)
    w.approve_action.trigger()                                  # no dialog: it says what blocks at once
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.objectName() == "refusal"
             and b.isVisible() and b.parentWidget() is w]
    assert boxes
    assert_chinese_names_no_codes(boxes[-1].text(), "江苏省", "商标注册量", "徐州市")
    for b in boxes:
        b.close()
    assert not w.approve(credentials=HEAD)                      # the service refuses the same way
    assert statuses(w.db) == before and audit_rows(w.db) == n
    w.select_region(NANJING)
    assert not w.approve(credentials=(HEAD[0], "wrong-1"))
    assert [r[1] for r in last_audit(w.db, n)] == ["auth_failed"]
    assert w.approve(credentials=HEAD) and region_year_status(w.db, NANJING, 2024) == "approved"


def test_dashboard_button_is_disabled_and_says_why(open_main_window, qtbot):
    w = open_main_window(PROVINCE, 2024)
    w.tabs.setCurrentIndex(1)
    d = w.dashboard
    assert not d.approve_button.isEnabled()
    assert_chinese_names_no_codes(d.blockers.text(), "商标注册量", "徐州市")
    assert d.approve_button.toolTip() and "徐州市" in d.approve_button.toolTip()
    n, before = audit_rows(w.db), statuses(w.db)
    d.approveRequested.emit()                                   # even if the signal fires, the service refuses
    assert statuses(w.db) == before and audit_rows(w.db) == n
    w.select_region(NANJING)                                    # complete and clean: enabled
    assert d.approve_button.isEnabled() and not d.blockers.text()


def test_inbox_accept_with_approval_is_refused_while_something_is_left(demo_file, tmp_path, monkeypatch):
    import shutil

    from app.models.db import meta_set, open_store
    from app.services.package.inbox import accept_package, inbox
    from app.services.package.keys import office_key, trust_add
    from app.services.package.receive import apply_receive
    from app.services.package.write import export_package

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    stores = {}
    for name, home in (("city", NANJING), ("province", PROVINCE)):
        shutil.copy(demo_file, tmp_path / f"{name}.sqlite")
        stores[name] = open_store(tmp_path / f"{name}.sqlite")
        meta_set(stores[name], "home_region", home)
    city, prov = stores["city"], stores["province"]
    res = export_package(city, NANJING, 2024, tmp_path / "out", key_dir=tmp_path / "city-keys")
    trust_add(prov, office_key(tmp_path / "city-keys").public, NANJING, expect=office_key(tmp_path / "city-keys").text)
    apply_receive(prov, res.path)
    assert region_year_status(prov, NANJING, 2024) == "submitted"
    make_blocking(prov)                                         # the province finds a part above its whole
    n, before = audit_rows(prov), statuses(prov)
    pkg = inbox(prov)[0]
    with pytest.raises(review.Refused) as exc:
        accept_package(prov, pkg.hash, user=HEAD[0], password=HEAD[1])
    assert_chinese_names_no_codes(exc.value.message("zh"), "南京市", "高价值发明专利拥有量")
    assert inbox(prov)[0].state == "received" and statuses(prov) == before and audit_rows(prov) == n
    with pytest.raises(AuthError):                              # wrong password: audited, nothing accepted
        accept_package(prov, pkg.hash, user=HEAD[0], password="wrong-1")
    assert [r[1] for r in last_audit(prov, n)] == ["auth_failed"] and inbox(prov)[0].state == "received"
    for db in stores.values():
        db.conn.close()


# ---------------------------------------------------------------- one set of findings everywhere

def _same_findings_everywhere(db, province, year, monkeypatch, capsys):
    from app.models.catalogue import children
    from app.services.report.data import build_report
    from app.services.views import dashboard, entry_grid

    regions = [province] + children(db, province, year)
    grid_keys = set()
    for code in regions:
        grid = entry_grid(db, code, year)
        keys = {(f.region, f.indicator, f.period, f.rule) for f in grid.findings}
        code_, out, _err = run_cli(["--db", str(db.path), "check", "--region", code, "--year", str(year), "--json"],
                                   monkeypatch, capsys)
        assert {(f["region"], f["indicator"], f["period"], f["rule"]) for f in json.loads(out)} == keys, code
        counts = dashboard(db, code, year).counts
        assert counts["blocking"] == sum(f.severity == "blocking" for f in grid.findings), code
        assert counts["explain"] == sum(f.severity == "explain" for f in grid.findings), code
        assert counts["unexplained"] == sum(f.severity == "explain" and not f.explanation for f in grid.findings)
        assert counts["info"] == sum(f.severity == "info" for f in grid.findings), code
        grid_keys |= keys
    report = build_report(db, province, year)
    assert {(f.region, f.indicator, f.period, f.rule) for f in report.findings} == grid_keys
    return grid_keys


def test_grid_check_dashboard_and_report_agree_on_the_demo(demo_db, monkeypatch, capsys):
    keys = _same_findings_everywhere(demo_db, PROVINCE, 2024, monkeypatch, capsys)
    assert {k[3] for k in keys} >= {"sum", "yoy", "outlier"}


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory):
    """A synthetic province (Jiangsu's subtree of the national-scale generator), 2020–2024."""
    from app.models.catalogue import descendants
    from app.models.db import open_store
    from app.models.values import write_values
    from app.services.synthetic import nation_changes

    path = tmp_path_factory.mktemp("synthetic") / "province.sqlite"
    db = open_store(path)
    keep = {PROVINCE, *descendants(db, PROVINCE)}
    write_values(db, [c for c in nation_changes(db, range(2020, 2025), 7) if c.region in keep], who="synthetic",
                 why="synthetic province", action="import")
    db.conn.close()
    return path


def test_grid_check_dashboard_and_report_agree_on_a_synthetic_province(synthetic_file, tmp_path, monkeypatch, capsys):
    import shutil

    from app.models.db import open_store

    shutil.copy(synthetic_file, tmp_path / "s.sqlite")
    db = open_store(tmp_path / "s.sqlite")
    try:
        _same_findings_everywhere(db, PROVINCE, 2024, monkeypatch, capsys)
    finally:
        db.conn.close()
