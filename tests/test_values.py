"""The one write path (app.models.values) and periods: each promise tested by a change that breaks it.

Each test here was written against a mutant that survived the older tests (see README,
"Mutation testing"): the rule it pins is named in the test's docstring.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.models import audit
from app.models.db import now_iso, transaction
from app.models.errors import InputError, LockedError, NotFoundError
from app.models.periods import is_annual, parse_period, period_year
from app.models.values import Change, delete_value, get_values, set_text, value_rows, write_values

NANJING, WUXI = "320100", "320200"


def _lock(db, region, year, status="approved"):
    with transaction(db):
        db.execute("insert into region_years(region, year, status, updated_by, updated_at) values (?,?,?,?,?)"
                   " on conflict(region, year) do update set status = excluded.status",
                   [region, year, status, "head", now_iso()])


def _status(db, region, year):
    row = db.execute("select status from region_years where region = ? and year = ?", [region, year]).fetchone()
    return row[0] if row else "draft"


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("text,period", [
    ("2022", "2022"), ("2022年", "2022"), ("2022.0", "2022"), ("2022Q4", "2022Q4"), ("2022 q1", "2022Q1"),
    ("2022年第三季度", "2022Q3"), ("2022年第1季度", "2022Q1"), ("2022-1", "2022-01"), ("2022/12", "2022-12"),
    ("2022年7月", "2022-07"), ("1990", "1990"), ("2100", "2100"), ("２０２２", "2022"), (2022, "2022"),
])
def test_periods_accepted(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", [
    "1989", "2101", "22", "20222", "2022Q0", "2022Q5", "2022-0", "2022-13", "2022年13月", "2022年0月",
    "2022-123", "2022年123月", "20221", "2022.13", "", None, "2022年第五季度",
])
def test_periods_refused(text):
    """Years outside 1990-2100 and months outside 1-12 are refused: both sides of each bound."""
    with pytest.raises(InputError) as err:
        parse_period(text)
    assert err.value.code == "bad_period"


def test_period_year_and_annual():
    assert period_year("2022Q3") == 2022 and period_year("2021-07") == 2021
    assert is_annual("2022") and not is_annual("2022Q1") and not is_annual("2022-01")


# ---------------------------------------------------------------- the write path

def test_the_write_path_checks_the_period(empty_db):
    """A change whose period is not canonical (or not a period at all) is refused with the place,
    and nothing of its batch is written — the period check cannot be skipped by calling
    write_values directly."""
    good = Change(NANJING, "INV_GRANTS", "2022", "100")
    for bad in ("2022年", "2022-7", "1989", "2022Q5", "abc"):
        with pytest.raises(InputError) as err:
            write_values(empty_db, [good, Change(WUXI, "INV_GRANTS", bad, "5")])
        assert err.value.code == "bad_period" and err.value.region == WUXI and err.value.text == bad
    assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0
    assert write_values(empty_db, [good, Change(WUXI, "INV_GRANTS", "2022Q3", "5")]).written == 2


def test_unknown_region_and_indicator_are_named(empty_db):
    with pytest.raises(NotFoundError) as err:
        write_values(empty_db, [Change("999999", "INV_GRANTS", "2022", "1")])
    assert err.value.code == "unknown_region" and err.value.text == "999999"
    with pytest.raises(NotFoundError) as err:
        write_values(empty_db, [Change(NANJING, "NO_SUCH", "2022", "1")])
    assert err.value.code == "unknown_indicator" and err.value.text == "NO_SUCH"
    with pytest.raises(NotFoundError) as err:
        set_text(empty_db, NANJING, "NO_SUCH", "2022", "1")
    assert err.value.code == "unknown_indicator"


def test_many_regions_in_one_batch_are_checked_too(empty_db):
    """Above 50 regions the batch reads the regions table at once: an unknown one is still refused."""
    counties = [c for c, in empty_db.execute("select code from regions where level = 'county' limit 60")]
    batch = [Change(c, "INV_GRANTS", "2022", "1") for c in counties]
    with pytest.raises(NotFoundError):
        write_values(empty_db, batch + [Change("999999", "INV_GRANTS", "2022", "1")])
    assert write_values(empty_db, batch).written == 60
    for n in (50, 51):
        with pytest.raises(LockedError):
            _lock(empty_db, counties[0], 2023)
            write_values(empty_db, [Change(c, "INV_GRANTS", "2023", "1") for c in counties[:n]])


@pytest.mark.parametrize("value", ["0", "7", "-3", "12.5", "0.05", "100000000000"])
def test_canonical_values_are_written(empty_db, value):
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", value)])
    assert empty_db.execute('select value from "values"').fetchone()[0] == value


@pytest.mark.parametrize("value", ["012", "1.50", "1.", "+1", "1,000", "00", "-012", "-0"])
def test_non_canonical_values_are_refused(empty_db, value):
    with pytest.raises(InputError) as err:
        write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", value)])
    assert err.value.code == "not_a_number"


def test_a_locked_region_year_refuses_every_write(empty_db):
    """approved and locked refuse (nothing written, the place named); complete and submitted
    take the change and go back to draft, with a status row in the audit trail."""
    for status in ("approved", "locked"):
        _lock(empty_db, NANJING, 2022, status)
        with pytest.raises(LockedError) as err:
            write_values(empty_db, [Change(WUXI, "INV_GRANTS", "2022", "1"),
                                    Change(NANJING, "INV_GRANTS", "2022Q2", "1")])
        assert err.value.region == NANJING and err.value.period == "2022"
        assert "南京" in err.value.message("zh")
    assert empty_db.execute('select count(*) from "values"').fetchone()[0] == 0
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2023", "1")])   # another year is open
    for status in ("complete", "submitted"):
        _lock(empty_db, NANJING, 2022, status)
        write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", status == "complete" and "2" or "3")])
        assert _status(empty_db, NANJING, 2022) == "draft"
        last = audit.history(empty_db, NANJING)[-1]
        assert (last["action"], last["old"], last["new"], last["period"]) == ("status", status, "draft", "2022")


def test_a_draft_stays_draft_and_other_years_keep_their_state(empty_db):
    _lock(empty_db, NANJING, 2021, "submitted")
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "1")])
    assert _status(empty_db, NANJING, 2021) == "submitted" and _status(empty_db, NANJING, 2022) == "draft"
    assert [r["action"] for r in audit.history(empty_db, NANJING)] == ["set"]


def test_deleting_a_value_writes_an_audit_row(empty_db):
    """A deletion is a change like any other: the old value, who and why are in the audit trail."""
    set_text(empty_db, NANJING, "INV_GRANTS", "2022", "1,234", note="年报")
    res = delete_value(empty_db, NANJING, "INV_GRANTS", "2022年", who="李四", why="重复")
    assert (res.deleted, res.written, res.changed) == (1, 0, [(NANJING, "INV_GRANTS", "2022")])
    assert get_values(empty_db) == {}
    row = audit.history(empty_db, NANJING, "INV_GRANTS")[-1]
    assert (row["action"], row["who"], row["why"], row["new"]) == ("delete", "李四", "重复", None)
    assert audit.decode(row["old"]) == {"v": "1234", "note": "年报"}
    assert audit.verify(empty_db).ok
    again = delete_value(empty_db, NANJING, "INV_GRANTS", "2022")       # nothing there: no audit noise
    assert (again.deleted, again.unchanged) == (0, 1)
    assert len(audit.history(empty_db, NANJING)) == 2


def test_write_result_counts(empty_db):
    res = write_values(empty_db, [])
    assert (res.written, res.unchanged, res.deleted, res.changed) == (0, 0, 0, [])
    res = write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "1"), Change(NANJING, "INV_GRANTS", "2022", "2"),
                                  Change(WUXI, "INV_GRANTS", "2022", "3")], who="w", why="y")
    assert (res.written, res.unchanged, res.deleted) == (2, 0, 0)   # the last change of a key wins
    assert get_values(empty_db)[(NANJING, "INV_GRANTS", "2022")] == Decimal(2)
    res = write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "2"), Change(WUXI, "INV_GRANTS", "2022", "4")])
    assert (res.written, res.unchanged, res.changed) == (1, 1, [(WUXI, "INV_GRANTS", "2022")])


def test_the_audit_row_holds_old_and_new_with_note_and_source(empty_db):
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "5")], who="a", why="first", action="import")
    first = audit.history(empty_db, NANJING)[-1]
    assert (first["action"], first["old"], first["new"], first["who"], first["why"]) == ("import", None, '{"v":"5"}', "a", "first")
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "6", note="n", source="s")], who="b")
    second = audit.history(empty_db, NANJING)[-1]
    assert audit.decode(second["old"]) == {"v": "5"} and audit.decode(second["new"]) == {"v": "6", "note": "n", "src": "s"}
    # a change of value keeps the stored note and source when the change carries none
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "7")])
    row = value_rows(empty_db, NANJING, 2022, 2022)[0]
    assert (row["value"], row["note"], row["source"]) == ("7", "n", "s")
    # a new note alone is a change; the same value, note and source again is not
    assert write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "7", note="m")]).written == 1
    assert write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "7", source="t")]).written == 1
    assert write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "7")]).unchanged == 1
    # ... unless it comes in a package: the package is recorded
    assert write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "7", package="P1")]).written == 1
    assert value_rows(empty_db, NANJING, 2022, 2022)[0]["package"] == "P1"
    assert audit.verify(empty_db).ok


def test_note_without_source_is_in_the_audit_row(empty_db):
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "5", note="只有说明")])
    write_values(empty_db, [Change(WUXI, "INV_GRANTS", "2022", "5", source="只有来源")])
    assert audit.decode(audit.history(empty_db, NANJING)[-1]["new"]) == {"v": "5", "note": "只有说明"}
    assert audit.decode(audit.history(empty_db, WUXI)[-1]["new"]) == {"v": "5", "src": "只有来源"}


def test_who_defaults_to_the_current_user(empty_db, monkeypatch):
    monkeypatch.setenv("IPDESK_USER", "王五")
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "5")])
    assert audit.history(empty_db, NANJING)[-1]["who"] == "王五"
    assert value_rows(empty_db, NANJING, 2022, 2022)[0]["updated_by"] == "王五"


def test_set_text_errors_name_the_place(empty_db):
    with pytest.raises(InputError) as err:
        set_text(empty_db, NANJING, "INV_GRANTS", "2022", "5百x")
    assert (err.value.region, err.value.indicator, err.value.period) == (NANJING, "INV_GRANTS", "2022")
    with pytest.raises(InputError) as err:
        set_text(empty_db, NANJING, "INV_GRANTS", "2022-13", "5")
    assert err.value.code == "bad_period" and err.value.period == "2022-13"
    res = set_text(empty_db, NANJING, "INV_GRANTS", "2022年", "5百")
    assert res.written == 1 and get_values(empty_db) == {(NANJING, "INV_GRANTS", "2022"): Decimal(500)}


def test_get_values_filters(empty_db):
    write_values(empty_db, [Change(r, i, p, "1") for r in (NANJING, WUXI) for i in ("INV_GRANTS", "INV_APPLICATIONS")
                            for p in ("2020", "2021", "2022", "2022Q1")])
    everything = get_values(empty_db)
    assert len(everything) == 16
    assert set(get_values(empty_db, regions=[WUXI])) == {k for k in everything if k[0] == WUXI}
    assert set(get_values(empty_db, indicators=["INV_GRANTS"])) == {k for k in everything if k[1] == "INV_GRANTS"}
    assert {k[2] for k in get_values(empty_db, year_from=2021)} == {"2021", "2022", "2022Q1"}
    assert {k[2] for k in get_values(empty_db, year_to=2021)} == {"2020", "2021"}
    assert {k[2] for k in get_values(empty_db, annual_only=True)} == {"2020", "2021", "2022"}
    assert len(get_values(empty_db, regions=[NANJING], indicators=["INV_GRANTS"], year_from=2021, year_to=2021)) == 1
    assert [r["period"] for r in value_rows(empty_db, NANJING, 2021, 2022)] == ["2021", "2022", "2022Q1"] * 2


def test_a_large_region_is_read_whole(empty_db):
    """Regions with more than 20 changes in a batch read their old values at once: unchanged ones
    are still found unchanged (both sides of 20)."""
    for n in (20, 21, 40):
        batch = [Change(NANJING, "INV_GRANTS", f"{2000 + i}", str(n)) for i in range(n)]
        assert write_values(empty_db, batch).written == n
        res = write_values(empty_db, batch)
        assert (res.written, res.unchanged) == (0, n)


def test_the_cycle_collector_is_paused_for_a_batch_and_back_after(empty_db):
    import gc

    from app.models.values import no_gc_pauses

    was = gc.isenabled()        # the window (an earlier test) turns automatic collection off
    gc.enable()
    with no_gc_pauses():
        assert not gc.isenabled()
    assert gc.isenabled()
    write_values(empty_db, [Change(NANJING, "INV_GRANTS", "2022", "1")])
    assert gc.isenabled()
    gc.disable()
    try:
        with no_gc_pauses():
            pass
        assert not gc.isenabled()          # left as it was found
    finally:
        gc.enable() if was else gc.disable()


@pytest.mark.parametrize("n,switched", [(999, False), (1000, True)])
def test_foreign_key_checks_are_left_to_the_batch_from_a_thousand_changes(empty_db, n, switched):
    inds = [c for c, in empty_db.execute("select code from indicators")]
    keys = [(i, str(y)) for y in range(1990, 2101) for i in inds][:n]
    said = []
    empty_db.conn.set_trace_callback(said.append)
    assert write_values(empty_db, [Change(NANJING, i, p, "1") for i, p in keys]).written == n
    empty_db.conn.set_trace_callback(None)
    assert ("pragma foreign_keys = OFF" in said) is switched
    assert empty_db.execute("pragma foreign_keys").fetchone()[0] == 1
