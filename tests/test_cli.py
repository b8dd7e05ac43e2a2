"""The ``ipdesk`` command line, run for real: ``python -m app ...`` in a subprocess against
SQLite files in a temporary folder (a copy of the session's demo store, see conftest.py).

What is checked is the contract scripts rely on: exit codes (0 done / 1 findings or
tampering / 2 usage or input error), ``--json`` shapes, exactly one line on stderr for an
error, and that a refused command writes nothing (compared by reading the file directly
with sqlite3, outside the app).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

CITIES = {"320100", "320200", "320300", "320400", "320500", "320600", "320700", "320800", "320900",
          "321000", "321100", "321200", "321300"}
CATALOGUE = {
    "POPULATION", "INV_PATENTS_IN_FORCE", "HV_PATENTS", "HV_PATENTS_ABNORMAL", "HV_PATENTS_PER_10K",
    "INV_APPLICATIONS", "INV_GRANTS", "INV_GRANT_RATE", "ABNORMAL_APPS", "OVERSEAS_INV_GRANTS", "PLEDGE_AMOUNT",
    "PLEDGE_SMES", "PATENT_INDUSTRIALIZATION_RATE", "PATENT_INTENSIVE_GDP_SHARE", "COPYRIGHT_GDP_SHARE",
    "ROYALTY_TRADE", "PROTECTION_SATISFACTION", "CIVIL_ACCEPT_RATE", "INV_EXAM_CYCLE", "HV_EXAM_CYCLE",
    "TM_EXAM_CYCLE", "TM_REGISTRATIONS", "ADJUDICATION_CASES", "PROTECTION_CENTERS", "PATENT_TRANSFERS",
    "GI_PRODUCTS",
}
CHECK_KEYS = {"region", "indicator", "period", "severity", "rule", "message"}
STATUS_KEYS = {"indicator", "target", "comparator", "target_year", "latest_value", "latest_period", "status",
               "projected_value", "required_annual_change", "document", "clause"}
STATUSES = {"met", "on_track", "at_risk", "off_track", "no_data"}
SEVERITIES = {"blocking", "explain", "info"}
USER = "cli-tester"


# ---------------------------------------------------------------- helpers

def _env(db, lang: str) -> dict:
    env = dict(os.environ)
    env["IPDESK_DB"] = str(db)  # always set: never touch the user's real store
    env["IPDESK_LANG"] = lang
    env["IPDESK_USER"] = USER
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def ipdesk(*args, db, lang: str = "en", stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed CLI as a separate process; ``db`` goes in IPDESK_DB."""
    return subprocess.run([sys.executable, "-m", "app", *args], env=_env(db, lang), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          cwd=os.path.dirname(str(db)))


def sql(path, query: str, params=()):
    """Read the store directly (outside ipdesk)."""
    con = sqlite3.connect(path)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def one(path, query: str, params=()):
    rows = sql(path, query, params)
    assert len(rows) == 1, rows
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def stored(path, region: str, indicator: str, period: str):
    rows = sql(path, 'select value from "values" where region=? and indicator=? and period=?',
               (region, indicator, period))
    return rows[0][0] if rows else None


def audit_count(path) -> int:
    return one(path, "select count(*) from audit")


def fingerprint(path) -> dict:
    """Row count and content hash of every table a command could write."""
    out = {}
    for table in ("values", "audit", "region_years", "explanations", "users", "targets", "target_packs",
                  "regions", "meta"):
        rows = sql(path, f'select * from "{table}"')
        out[table] = (len(rows), hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest())
    return out


def assert_one_line_error(res: subprocess.CompletedProcess) -> str:
    """Exit 2, nothing on stdout, exactly one line (and no traceback) on stderr; returns the line."""
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert res.stdout == "", res.stdout
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert res.stderr.endswith("\n")
    assert lines[0].strip(), res.stderr
    return lines[0]


def as_json(res: subprocess.CompletedProcess):
    data = json.loads(res.stdout)
    assert isinstance(data, list)
    assert all(isinstance(row, dict) for row in data)
    return data




# ---------------------------------------------------------------- demo, regions, indicators

def test_demo_creates_a_store_with_jiangsu_and_its_cities(tmp_path):
    path = tmp_path / "made" / "demo.sqlite"
    elsewhere = tmp_path / "env-store.sqlite"
    res = subprocess.run([sys.executable, "-m", "app", "demo", "--db", str(path)], env=_env(elsewhere, "en"),
                         capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert path.exists() and not elsewhere.exists()  # --db wins over IPDESK_DB
    assert "demo store ready" in res.stdout and str(path) in res.stdout
    n_values = one(path, 'select count(*) from "values"')
    assert f"({n_values} values)" in res.stdout
    assert one(path, "select count(*) from regions where parent='320000' and level='prefecture'") == 13
    years = {r[0] for r in sql(path, "select distinct year from \"values\" where region='320000'")}
    assert years == set(range(2016, 2025))
    with_data = {r[0] for r in sql(path, 'select distinct region from "values"')}
    assert CITIES | {"320000"} <= with_data
    assert one(path, "select status from region_years where region='320000' and year=2022") == "approved"
    assert one(path, "select role from users where name='demo-head'") == "head"
    assert audit_count(path) > n_values  # every value was audited, plus workflow rows


def test_demo_run_twice_on_the_same_store_is_idempotent(store):
    before = one(store, 'select count(*) from "values"')
    res = ipdesk("demo", db=store)
    assert res.returncode == 0, res.stderr
    assert one(store, 'select count(*) from "values"') == before


def test_regions_json_lists_the_nation_jiangsu_and_its_13_cities(store, tmp_path):
    res = ipdesk("regions", "--json", db=store)
    assert res.returncode == 0, res.stderr
    regions = {r["code"]: r for r in as_json(res)}
    assert regions["100000"]["level"] == "nation" and regions["100000"]["parent"] is None
    assert regions["320000"]["level"] == "province" and regions["320000"]["parent"] == "100000"
    assert "江苏" in regions["320000"]["name_zh"]
    assert set(regions["320000"]) == {"code", "parent", "level", "name_zh", "name_en", "valid_from", "valid_to"}

    # the top-level --db also works (and wins over IPDESK_DB)
    res = subprocess.run([sys.executable, "-m", "app", "--db", str(store), "regions", "--parent", "320000",
                          "--level", "prefecture", "--json"], env=_env(tmp_path / "nowhere.sqlite", "en"),
                         capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    kids = as_json(res)
    assert {r["code"] for r in kids} == CITIES
    assert all(r["parent"] == "320000" and r["level"] == "prefecture" for r in kids)
    assert not (tmp_path / "nowhere.sqlite").exists()


def test_indicators_json_has_the_26_catalogue_codes(store):
    res = ipdesk("indicators", "--json", db=store)
    assert res.returncode == 0, res.stderr
    inds = {i["code"]: i for i in as_json(res)}
    assert set(inds) == CATALOGUE
    formula = inds["HV_PATENTS_PER_10K"]["formula"]
    assert formula and "HV_PATENTS" in formula and "POPULATION" in formula
    assert not inds["INV_GRANTS"]["formula"]
    assert inds["INV_GRANTS"]["kind"] == "count" and inds["PLEDGE_AMOUNT"]["unit_zh"] == "亿元"


# ---------------------------------------------------------------- set

# region, indicator, period, as typed, canonical string stored
CLERK_FORMATS = [
    ("321300", "INV_GRANTS", "2024", "3.2万", "32000"),
    ("321300", "INV_APPLICATIONS", "2024", "1,234", "1234"),
    ("321200", "INV_GRANTS", "2024", "１２３４", "1234"),
    ("321300", "INV_GRANT_RATE", "2024", "12.5%", "12.5"),
    ("100000", "INV_EXAM_CYCLE", "2024", "16.5个月", "16.5"),
    ("321300", "PLEDGE_AMOUNT", "2024", "3200万元", "0.32"),
]


def test_set_accepts_clerk_formats_and_audits_each_change(store):
    for region, indicator, period, text, canonical in CLERK_FORMATS:
        assert stored(store, region, indicator, period) != canonical  # the demo had another figure
        n = audit_count(store)
        res = ipdesk("set", region, indicator, period, text, db=store)
        assert res.returncode == 0, (text, res.stderr)
        assert res.stdout.strip() == "saved"
        assert one(store, 'select value, typeof(value) from "values" where region=? and indicator=? and period=?',
                   (region, indicator, period)) == (canonical, "text")
        assert audit_count(store) == n + 1, text  # these region-years are drafts: one row, the change
        who, action, new = one(store, "select who, action, new from audit where id=(select max(id) from audit)"
                               " and region=? and indicator=? and period=?", (region, indicator, period))
        assert (who, action, json.loads(new)["v"]) == (USER, "set", canonical)

    # the same figure again, typed differently: nothing changes, no audit noise
    n = audit_count(store)
    res = ipdesk("set", "321300", "INV_GRANTS", "2024", "32,000", db=store)
    assert res.returncode == 0 and res.stdout.strip() == "unchanged"
    assert audit_count(store) == n


def test_set_with_note_on_a_complete_year_sends_it_back_to_draft(store):
    assert one(store, "select status from region_years where region='320100' and year=2024") == "complete"
    n = audit_count(store)
    res = ipdesk("set", "320100", "INV_GRANTS", "2024", "8.9万", "--note", "据统计年鉴订正", "--why", "typo", db=store)
    assert res.returncode == 0, res.stderr
    assert one(store, 'select value, note, updated_by from "values" where region=? and indicator=? and period=?',
               ("320100", "INV_GRANTS", "2024")) == ("89000", "据统计年鉴订正", USER)
    assert one(store, "select status from region_years where region='320100' and year=2024") == "draft"
    rows = sql(store, "select action, why from audit where id > ? order by id", (n,))
    assert rows == [("set", "typo"), ("status", "changed after complete")]


@pytest.mark.parametrize("text", ["abc", "1..2", ""], ids=["letters", "double-point", "empty"])
def test_set_refuses_bad_text_with_one_line_and_writes_nothing(store, text):
    before, audit_before = fingerprint(store), audit_count(store)
    value_before = stored(store, "320100", "INV_GRANTS", "2024")
    line = assert_one_line_error(ipdesk("set", "320100", "INV_GRANTS", "2024", text, db=store))
    for part in ("320100", "INV_GRANTS", "2024"):
        assert part in line
    if text:
        assert text in line
    else:
        assert "empty" in line.lower()
    assert audit_count(store) == audit_before
    assert stored(store, "320100", "INV_GRANTS", "2024") == value_before
    assert fingerprint(store) == before


@pytest.mark.parametrize("args, names", [
    (["set", "999999", "INV_GRANTS", "2024", "5"], "999999"),
    (["set", "320100", "NO_SUCH_IND", "2024", "5"], "NO_SUCH_IND"),
    (["set", "320100", "INV_GRANTS", "20x4", "5"], "20x4"),
    (["set", "320100", "INV_GRANTS", "2024", "-5"], "-5"),
    (["set", "320100", "INV_GRANTS"], "period"),
    (["frobnicate"], "frobnicate"),
    (["check", "--year", "2024"], "--region"),
    (["status", "--region", "320000", "--year", "abc"], "abc"),
    (["check", "--region", "999999", "--year", "2024"], "999999"),
    (["explain", "--region", "320000", "--year", "2024", "sum", "NO_SUCH_IND", "why"], "NO_SUCH_IND"),
    (["explain", "--region", "320000", "--year", "2024", "sum", "TM_REGISTRATIONS", "   "], "320000"),
], ids=["unknown-region", "unknown-indicator", "bad-period", "negative", "missing-args", "unknown-verb",
        "missing-option", "bad-year", "check-unknown-region", "explain-unknown-indicator", "explain-blank"])
def test_usage_and_input_errors_exit_2_with_one_line_and_write_nothing(store, args, names):
    before = fingerprint(store)
    line = assert_one_line_error(ipdesk(*args, db=store))
    assert line.startswith("ipdesk")
    assert names in line
    assert fingerprint(store) == before


def test_explain_blank_text_error_is_a_sentence(store):
    line = assert_one_line_error(ipdesk("explain", "--region", "320000", "--year", "2024", "sum",
                                        "TM_REGISTRATIONS", " ", db=store))
    assert "why_needed" not in line
    assert "reason" in line


def test_error_for_text_with_a_line_break_is_still_one_line_in_chinese(store):
    before = fingerprint(store)
    assert_one_line_error(ipdesk("set", "320100", "INV_GRANTS", "2024", "12\n34", db=store, lang="zh"))
    assert fingerprint(store) == before


def test_set_error_in_chinese_names_the_place_and_text(store):
    line = assert_one_line_error(ipdesk("set", "320100", "INV_GRANTS", "2024", "abc", db=store, lang="zh"))
    assert "南京市" in line and "发明专利授权量" in line and "“abc”" in line and "不是数字" in line
    assert "320100" not in line and "INV_GRANTS" not in line         # names, not codes (issue 16)


# ---------------------------------------------------------------- check

def test_check_json_on_the_demo_has_explain_findings_and_exits_0(store):
    res = ipdesk("check", "--region", "320000", "--year", "2024", "--json", db=store)
    assert res.returncode == 0, res.stderr
    findings = as_json(res)
    assert findings
    for f in findings:
        assert CHECK_KEYS <= set(f), f
        assert f["severity"] in SEVERITIES and f["message"]
    assert not [f for f in findings if f["severity"] == "blocking"]
    tm = [f for f in findings if f["rule"] == "sum" and f["indicator"] == "TM_REGISTRATIONS"]
    assert len(tm) == 1
    assert tm[0]["region"] == "320000" and tm[0]["period"] == "2024" and tm[0]["severity"] == "explain"
    assert tm[0]["explanation"] is None
    assert "13" in tm[0]["message"]  # "... the sum of its 13 subordinate regions ..."


def test_check_exits_1_on_a_part_larger_than_its_whole(store):
    in_force = int(stored(store, "320100", "INV_PATENTS_IN_FORCE", "2024"))
    assert int(stored(store, "320100", "HV_PATENTS", "2024")) <= in_force
    res = ipdesk("set", "320100", "HV_PATENTS", "2024", str(in_force + 1000), db=store)
    assert res.returncode == 0, res.stderr

    res = ipdesk("check", "--region", "320100", "--year", "2024", "--json", db=store)
    assert res.returncode == 1, res.stderr
    blocking = [f for f in as_json(res) if f["severity"] == "blocking"]
    assert [(f["region"], f["indicator"], f["period"], f["rule"]) for f in blocking] == \
        [("320100", "HV_PATENTS", "2024", "le")]
    assert f"{in_force + 1000:,}" in blocking[0]["message"] and f"{in_force:,}" in blocking[0]["message"]

    # the province alone is clean; with its cities the blocking one shows and the exit is 1
    assert ipdesk("check", "--region", "320000", "--year", "2024", db=store).returncode == 0
    res = ipdesk("check", "--region", "320000", "--year", "2024", "--children", db=store)
    assert res.returncode == 1
    assert "blocking 1," in res.stdout.splitlines()[-1]


def test_check_refuses_an_impossible_year(store):
    assert_one_line_error(ipdesk("check", "--region", "320000", "--year", "20224", db=store))


def test_explain_refuses_an_impossible_year(store):
    before = fingerprint(store)
    res = ipdesk("explain", "--region", "320000", "--year", "20224", "sum", "TM_REGISTRATIONS", "typo", db=store)
    assert fingerprint(store) == before
    assert_one_line_error(res)


# ---------------------------------------------------------------- status

def test_status_json_2024_shows_jiangsus_own_targets(store):
    res = ipdesk("status", "--region", "320000", "--year", "2024", "--json", db=store)
    assert res.returncode == 0, res.stderr
    rows = as_json(res)
    assert rows
    for r in rows:
        assert STATUS_KEYS <= set(r), r
        assert r["status"] in STATUSES
    own = {r["indicator"]: r for r in rows if "江苏" in (r["document"] or "")}
    assert set(own) == {"HV_PATENTS_PER_10K", "PLEDGE_AMOUNT"}
    hv = own["HV_PATENTS_PER_10K"]
    assert (hv["comparator"], hv["target"], hv["target_year"], hv["latest_period"]) == (">=", 26, 2025, "2024")
    assert isinstance(hv["latest_value"], (int, float)) and isinstance(hv["projected_value"], (int, float))
    assert isinstance(hv["required_annual_change"], (int, float))


def test_status_json_2022_has_the_guidelines_pledge_smes_target(store):
    res = ipdesk("status", "--region", "320000", "--year", "2022", "--json", db=store)
    assert res.returncode == 0, res.stderr
    rows = as_json(res)
    assert all(r["status"] in STATUSES for r in rows)
    smes = [r for r in rows if r["indicator"] == "PLEDGE_SMES"]
    assert len(smes) == 1
    r = smes[0]
    assert (r["comparator"], r["target"], r["target_year"]) == ("growth>=", 10, 2022)
    assert r["clause"] == "1(3) 知识产权运用"
    assert "2022" in r["document"] and "指引" in r["document"]
    assert r["latest_period"] == "2022" and r["status"] in ("met", "off_track")


def test_status_shows_the_planted_slow_pledge_growth_off_track(store):
    res = ipdesk("status", "--region", "321300", "--year", "2023", "--json", db=store)
    assert res.returncode == 0, res.stderr
    smes = [r for r in as_json(res) if r["indicator"] == "PLEDGE_SMES"]
    assert len(smes) == 1 and smes[0]["status"] == "off_track" and smes[0]["target_year"] == 2023
    assert smes[0]["required_annual_change"] > 0


# ---------------------------------------------------------------- explain

def test_explain_is_stored_audited_and_shown_by_check(store):
    text = "省级数据含直接受理的商标注册"
    n = audit_count(store)
    res = ipdesk("explain", "--region", "320000", "--year", "2024", "sum", "TM_REGISTRATIONS", text, db=store)
    assert res.returncode == 0, res.stderr
    assert one(store, "select text, author from explanations where rule='sum' and region='320000'"
                      " and indicator='TM_REGISTRATIONS' and period='2024'") == (text, USER)
    assert sql(store, "select action, new, why from audit where id > ?", (n,)) == [("explain", text, "sum")]

    res = ipdesk("check", "--region", "320000", "--year", "2024", "--json", db=store)
    assert res.returncode == 0
    tm = [f for f in as_json(res) if f["rule"] == "sum" and f["indicator"] == "TM_REGISTRATIONS"]
    assert len(tm) == 1 and tm[0]["explanation"] == text


# ---------------------------------------------------------------- audit

def test_audit_verify_passes_on_an_untouched_store(store):
    res = ipdesk("audit", "--verify", db=store)
    assert res.returncode == 0, res.stderr
    assert f"{audit_count(store)} rows" in res.stdout
    res = ipdesk("audit", "--verify", "--json", db=store)
    assert res.returncode == 0
    (got,) = as_json(res)      # the first four fields as before; verify's replay adds its own (issue 13)
    assert {k: got[k] for k in ("ok", "rows", "first_bad", "reason")} == \
        {"ok": True, "rows": audit_count(store), "first_bad": None, "reason": None}
    assert got["differences"] == [] and got["counted"] == audit_count(store)


def _tamper(path, *statements):
    con = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # the triggers guard the table ...
            con.execute("update audit set who='x' where id=1")
        con.execute("drop trigger audit_no_update")  # ... so an attacker drops them first
        con.execute("drop trigger audit_no_delete")
        for s in statements:
            con.execute(s)
        con.commit()
    finally:
        con.close()


def test_audit_verify_detects_an_edited_row(store):
    rid = one(store, "select max(id) - 10 from audit")
    old = one(store, "select new from audit where id=?", (rid,))
    _tamper(store, f"update audit set new='{{\"v\":\"1\"}}' where id={rid}")
    assert one(store, "select new from audit where id=?", (rid,)) != old
    res = ipdesk("audit", "--verify", db=store)
    assert res.returncode == 1
    assert "TAMPERED" in res.stderr and f"row id {rid}" in res.stderr


def test_audit_verify_detects_a_deleted_last_row(store):
    n = audit_count(store)
    _tamper(store, "delete from audit where id=(select max(id) from audit)")
    assert audit_count(store) == n - 1
    res = ipdesk("audit", "--verify", db=store)
    assert res.returncode == 1
    assert "TAMPERED" in res.stderr


# ---------------------------------------------------------------- locked region-years

def test_locked_year_refuses_set_until_an_office_head_unlocks_it(store):
    assert one(store, "select status from region_years where region='320000' and year=2022") == "approved"
    value = stored(store, "320000", "INV_GRANTS", "2022")
    assert value != "100"
    before = fingerprint(store)
    line = assert_one_line_error(ipdesk("set", "320000", "INV_GRANTS", "2022", "100", db=store))
    assert "lock" in line.lower() and "320000" in line
    assert fingerprint(store) == before

    n = audit_count(store)
    line = assert_one_line_error(ipdesk("unlock", "--region", "320000", "--year", "2022", "--user", "demo-head",
                                        "--password-stdin", "--why", "test", db=store, stdin="wrong-password\n"))
    assert "password" in line.lower()
    # the failed attempt is audited; nothing else changed
    assert sql(store, "select who, action, region, period, new from audit where id > ?", (n,)) == \
        [("demo-head", "auth_failed", "320000", "2022", "unlock")]
    after = fingerprint(store)
    assert {k: v for k, v in after.items() if k not in ("audit", "meta")} == \
        {k: v for k, v in before.items() if k not in ("audit", "meta")}
    assert one(store, "select status from region_years where region='320000' and year=2022") == "approved"

    n = audit_count(store)
    res = ipdesk("unlock", "--region", "320000", "--year", "2022", "--user", "demo-head", "--password-stdin",
                 "--why", "test", db=store, stdin="demo1234\n")
    assert res.returncode == 0, res.stderr
    assert one(store, "select status from region_years where region='320000' and year=2022") == "draft"
    assert sql(store, "select who, action, old, new, why from audit where id > ?", (n,)) == \
        [("demo-head", "unlock", "approved", "draft", "test")]

    res = ipdesk("set", "320000", "INV_GRANTS", "2022", "100", db=store)
    assert res.returncode == 0, res.stderr
    assert stored(store, "320000", "INV_GRANTS", "2022") == "100"


def test_locked_message_in_chinese_reads_well(store):
    line = assert_one_line_error(ipdesk("set", "320000", "INV_GRANTS", "2022", "100", db=store, lang="zh"))
    assert "锁定" in line
    assert "已已" not in line


# ---------------------------------------------------------------- help and version

def _verbs() -> dict[str, str]:
    from app.cli import build_parser

    sub = next(a for a in build_parser("en")._actions if isinstance(a, argparse._SubParsersAction))
    return {name: p.description for name, p in sub.choices.items()}


def test_every_verb_explains_itself(tmp_path):
    verbs = _verbs()
    assert {"demo", "regions", "indicators", "set", "check", "status", "explain", "audit", "unlock"} <= set(verbs)
    env = _env(tmp_path / "unused.sqlite", "en")
    procs = {v: subprocess.Popen([sys.executable, "-m", "app", v, "--help"], env=env, cwd=tmp_path,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
             for v in verbs}
    for verb, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (verb, err)
        assert out.startswith(f"usage: ipdesk {verb}"), (verb, out)
        assert verbs[verb] and " ".join(verbs[verb].split()) in " ".join(out.split()), (verb, out)
    assert not (tmp_path / "unused.sqlite").exists()


def test_main_help_lists_the_verbs(tmp_path):
    res = ipdesk("--help", db=tmp_path / "unused.sqlite")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage: ipdesk")
    assert "IP indicator entry" in res.stdout
    for verb in _verbs():
        assert verb in res.stdout


def test_version(tmp_path):
    from app import __version__

    res = ipdesk("--version", db=tmp_path / "unused.sqlite")
    assert res.returncode == 0
    assert res.stdout.splitlines()[0] == f"ipdesk {__version__}"
    assert "(not created yet)" in res.stdout and not (tmp_path / "unused.sqlite").exists()


def test_window_self_test_opens_the_demo_and_renders(tmp_path):
    """`ipdesk --self-test`: the real window offscreen on a fresh demo store, font and store checked."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", IPDESK_DB=str(tmp_path / "unused.sqlite"))
    out = subprocess.run([sys.executable, "-m", "app", "--self-test"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "self-test ok" in out.stdout and "3006 demo values" in out.stdout
    shot = out.stdout.strip().split("screenshot ")[-1]
    assert os.path.getsize(shot) > 20_000


def test_version_names_data_directory_and_schema(tmp_path):
    import os
    import subprocess
    import sys

    from app.models.db import SCHEMA_VERSION, open_store
    open_store(tmp_path / "v.sqlite").close()
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "v.sqlite"), "--lang", "en", "--version"],
                         capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert out.returncode == 0
    assert "ipdesk 0.1.0" in out.stdout and f"data directory: {tmp_path}" in out.stdout
    assert f"(schema {SCHEMA_VERSION})" in out.stdout


def test_older_store_is_upgraded_with_a_word_on_stderr(tmp_path):
    """A command on a store from the previous version says it upgrades it and where the copy is — on
    standard error, so a script's JSON on standard output stays clean."""
    import json
    import os
    import subprocess
    import sys

    from app.models.db import SCHEMA_VERSION, open_store, schema_of
    path = tmp_path / "old.sqlite"
    open_store(path, schema=SCHEMA_VERSION - 1).close()
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "--lang", "en", "status", "--region", "320000",
                          "--year", "2024", "--json"], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"upgrading the store for this version of ipdesk (a copy is kept first): {path}" in out.stderr
    backup = next(tmp_path.glob("old.v*.bak"))
    assert f"upgraded; the copy from before: {backup}" in out.stderr
    json.loads(out.stdout)
    assert schema_of(path) == SCHEMA_VERSION and schema_of(backup) == SCHEMA_VERSION - 1
    again = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "status", "--region", "320000", "--year",
                            "2024"], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert again.returncode == 0 and again.stderr == ""
