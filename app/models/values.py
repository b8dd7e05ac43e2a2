"""Values and the one write path.

Every change of a value — typed in the grid, set from the CLI, imported, received — goes
through :func:`write_values`, which validates the whole batch, refuses locked
region-years and those below an approved one (:mod:`app.models.freeze`), and writes values
and their audit rows in one transaction::

    write_values(db, [Change("320000", "INV_GRANTS", "2022", "89000")], who="clerk", why="typed")
    set_text(db, "320000", "INV_GRANTS", "2022", "8.9万")      # parsed the way clerks type

Reads go through :func:`get_values`/:func:`series` so that every view and export shows the
same numbers.
"""
from __future__ import annotations

import gc
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from operator import is_not

from . import audit
from .catalogue import indicators as load_indicators
from .store_basics import now_iso, transaction
from .errors import InputError, IpdeskError, LockedError, NotFoundError
from .freeze import frozen_error, frozen_in
from .messages import register
from .parse import canonical, parse_value
from .periods import parse_period
from .states import LOCKED_STATES, STATUS_ZH, region_year_status  # noqa: F401  (re-exported)

register({
    "locked": ("{region_name_en} {year} is {status} and locked; an office head must unlock it first",
               "{region_name} {year} 年数据{status_zh}并锁定，须由单位负责人解锁后才能修改"),
})

_CANONICAL = re.compile(r"(?!-0$)-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")   # never -0, as parse.canonical
_TEXT_OR_NONE = {str, type(None)}        # plain text only: a str subclass is refused, as row by row


@dataclass(slots=True)
class Change:
    """One value to write: ``value`` is a canonical decimal string, or None to delete."""

    region: str
    indicator: str
    period: str
    value: str | None
    note: str | None = None
    source: str | None = None
    package: str | None = None


@dataclass
class WriteResult:
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    changed: list[tuple[str, str, str]] = field(default_factory=list)


def _statuses(db) -> dict[tuple[str, int], str]:
    """Every region-year that has left draft (a small table), read once per batch."""
    return {(r, y): s for r, y, s in db.execute("select region, year, status from region_years")}


def _magnitude_checked(c) -> None:
    """The parser's limits (15 significant digits, below 10^15) for every value written, whatever
    path it came by (typed, imported, received in a package): every document renders them."""
    from .parse import check_magnitude

    try:
        check_magnitude(Decimal(c.value), c.value)
    except InputError as exc:
        raise InputError(exc.code, text=c.value, region=c.region, indicator=c.indicator, period=c.period,
                         params=exc.params) from None


def _check_batch(db, changes: list[Change]) -> None:
    """Refuse the whole batch on the first unknown region or indicator, bad period, non-canonical
    value or locked region-year (each distinct region/indicator/period is looked up once)."""
    inds = load_indicators(db)
    wanted = {c.region for c in changes}
    if len(wanted) > 50:          # one scan of the (small) regions table beats a query per region
        known = {code: (level, name) for code, level, name in db.execute("select code, level, name_zh from regions")}
    else:
        known = {}
        for region in wanted:
            row = db.execute("select level, name_zh from regions where code = ?", [region]).fetchone()
            if row:
                known[region] = row
    periods = {p: p == _period_or_none(p) for p in {c.period for c in changes}}
    fullmatch = _CANONICAL.fullmatch
    values = [c.value for c in changes]
    try:       # the whole batch at once; on a failure, the loop below finds the first bad change
        good = (wanted <= known.keys() and all(periods.values())
                and {c.indicator for c in changes} <= inds.keys() and set(map(type, values)) <= _TEXT_OR_NONE
                and all(map(fullmatch, filter(partial(is_not, None), values)))
                and max(map(len, filter(partial(is_not, None), values)), default=0) <= 15)
    except TypeError:                 # a value that is not text
        good = False
    for c in () if good else changes:
        if c.region not in known:
            raise NotFoundError("unknown_region", text=c.region, indicator=c.indicator, period=c.period)
        if c.indicator not in inds:
            raise NotFoundError("unknown_indicator", text=c.indicator, region=c.region, period=c.period)
        if not periods[c.period]:
            raise InputError("bad_period", text=c.period, region=c.region, indicator=c.indicator)
        # canonical decimal strings only (as parse.canonical makes them); garbage never reaches the table
        if c.value is not None and not (c.value.__class__ is str and fullmatch(c.value)):
            raise InputError("not_a_number", text=str(c.value), region=c.region, indicator=c.indicator,
                             period=c.period)
        if c.value is not None and len(c.value) > 15:     # (15 characters or fewer: within every limit)
            _magnitude_checked(c)
    # locked region-years, and those below an approved/locked ancestor (freeze.py), refuse the whole batch
    statuses = _statuses(db)
    if statuses:
        pairs = sorted({(c.region, int(c.period[:4])) for c in changes})
        for region, year in pairs:
            status = statuses.get((region, year), "draft")
            if status in LOCKED_STATES:
                raise locked_error(db, region, year, status)
        if any(s in LOCKED_STATES for s in statuses.values()):
            frozen = frozen_in(db, pairs)
            if frozen:
                region, year = min(frozen)
                raise frozen_error(db, region, year, frozen[(region, year)])


def locked_error(db, region: str, year: int, status: str) -> LockedError:
    """The refusal of a change to an approved / locked region-year (values, tasks), the region by
    its name in either language."""
    row = db.execute("select name_zh, name_en from regions where code = ?", [region]).fetchone()
    zh, en = (row[0], row[1] or row[0]) if row else (region, region)
    return LockedError("locked", region=region, period=str(year), params={
        "region_name": zh, "region_name_en": en, "year": year, "status": status, "status_zh": STATUS_ZH[status]})


def _period_or_none(text):
    try:
        return parse_period(text)
    except IpdeskError:
        return None


@contextmanager
def no_gc_pauses():
    """Large batches make hundreds of thousands of small objects and no cycles: the cycle
    collector would walk everything the process holds (a window, a nation's arrays) again and
    again while they are made. Paused for the batch, restored after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _old_values(db, changes: list[Change]) -> dict[tuple, tuple]:
    """The stored (value, note, source) of every key the batch touches, in few queries."""
    old: dict[tuple, tuple] = {}
    by_region: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_region[c.region].append(c)
    small = [r for r, items in by_region.items() if len(items) <= 20]
    large = [r for r, items in by_region.items() if len(items) > 20]
    for i in range(0, len(large), 500):       # whole regions, 500 at a time
        part = large[i:i + 500]
        for row in db.execute('select region, indicator, period, value, note, source from "values"'
                              f" where region in ({','.join('?' * len(part))})", part):
            old[row[:3]] = row[3:]
    for region in small:
        for c in by_region[region]:
            row = db.execute('select value, note, source from "values" where region = ? and indicator = ? and period = ?',
                             [region, c.indicator, c.period]).fetchone()
            if row:
                old[(region, c.indicator, c.period)] = row
    return old


@contextmanager
def _references_checked_here(db, n: int):
    """For a large batch in its own transaction, SQLite's per-row foreign-key lookups (two per value,
    7-10 % of an import's database time) check again what :func:`_check_batch` has just checked for
    every row, under the same write lock: they are switched off for that transaction and on again
    after, whatever happens. (Inside a caller's transaction the pragma cannot change; they stay on.)"""
    conn = db.conn
    switch = n >= 1000 and not conn.in_transaction and conn.execute("pragma foreign_keys").fetchone()[0] == 1
    if switch:
        conn.execute("pragma foreign_keys = OFF")
    try:
        yield
    finally:
        if switch:
            if conn.in_transaction:      # (transaction() rolls back a failed COMMIT; never leave one open here)
                conn.execute("ROLLBACK")
            conn.execute("pragma foreign_keys = ON")
            if conn.execute("pragma foreign_keys").fetchone()[0] != 1:
                raise RuntimeError("foreign keys could not be switched on again")


def write_values(db, changes, *, who: str | None = None, why: str | None = None, action: str = "set") -> WriteResult:
    """Validate and write a batch of :class:`Change` — all of it, or (on any error) nothing.

    Unchanged values are skipped (no audit noise). A change in a region-year that was
    ``complete``/``submitted`` sends it back to ``draft`` (a new version must be sent).
    """
    changes = list(changes)
    who = who or audit.current_user()
    result = WriteResult()
    if not changes:
        return result
    at = now_iso()
    with no_gc_pauses(), _references_checked_here(db, len(changes)), transaction(db):
        _check_batch(db, changes)
        old = _old_values(db, changes)
        upserts, deletes, audit_rows = [], [], []
        seen: dict[tuple, Change] = {}
        for c in changes:  # the last change of a key in a batch wins
            seen[(c.region, c.indicator, c.period)] = c
        year_of = {p: int(p[:4]) for p in {key[2] for key in seen}}
        encode, changed = audit.encode, result.changed
        for key, c in seen.items():
            before = old.get(key)
            value = c.value
            if value is None:
                if before is None:
                    result.unchanged += 1
                    continue
                deletes.append(key)
                audit_rows.append((who, "delete", *key, encode(*before), None, why))
            else:
                if before is None:
                    note, source = c.note, c.source
                else:
                    note = c.note if c.note is not None else before[1]
                    source = c.source if c.source is not None else before[2]
                    if before == (value, note, source) and c.package is None:
                        result.unchanged += 1
                        continue
                upserts.append((*key, year_of[key[2]], value, note, source, who, at, c.package))
                # a checked canonical value with no note is encode()'s plain case, spelled out
                new = '{"v":"' + value + '"}' if not note and not source else encode(value, note, source)
                audit_rows.append((who, action, *key, None if before is None else encode(*before), new, why))
            changed.append(key)
        result.deleted, result.written = len(deletes), len(upserts)
        touched = {(region, year_of[period]) for region, _, period in changed}
        if upserts:
            db.conn.executemany(
                'insert into "values"(region, indicator, period, year, value, note, source, status, updated_by,'
                " updated_at, package) values (?,?,?,?,?,?,?, 'draft', ?,?,?) on conflict(region, indicator, period)"
                " do update set value=excluded.value, note=excluded.note, source=excluded.source, status='draft',"
                " updated_by=excluded.updated_by, updated_at=excluded.updated_at, package=excluded.package", upserts)
        if deletes:
            db.conn.executemany('delete from "values" where region = ? and indicator = ? and period = ?', deletes)
        statuses = _statuses(db)
        for region, year in sorted(touched):
            status = statuses.get((region, year), "draft")
            if status in ("complete", "submitted"):
                db.execute("update region_years set status='draft', updated_by=?, updated_at=? where region=? and year=?",
                           [who, at, region, year])
                audit_rows.append((who, "status", region, None, str(year), status, "draft", "changed after " + status))
        if audit_rows:
            audit.append(db, audit_rows, at=at)
    return result


def set_text(db, region: str, indicator: str, period: str, text, *, note: str | None = None,
             source: str | None = None, who: str | None = None, why: str | None = None) -> WriteResult:
    """Parse ``text`` as a clerk types it and write it; errors name region, indicator, period, text."""
    inds = load_indicators(db)
    ind = inds.get(indicator)
    if ind is None:
        raise NotFoundError("unknown_indicator", text=indicator, region=region)
    try:
        period = parse_period(period)
        value = parse_value(text, kind=ind.kind, unit_zh=ind.unit_zh, decimals=ind.decimals)
    except IpdeskError as exc:
        exc.region, exc.indicator, exc.period = region, indicator, exc.period or str(period)
        raise
    return write_values(db, [Change(region, indicator, period, canonical(value), note, source)], who=who, why=why)


def delete_value(db, region: str, indicator: str, period: str, *, who: str | None = None, why: str | None = None):
    return write_values(db, [Change(region, indicator, parse_period(period), None)], who=who, why=why)


# ---------------------------------------------------------------- reads

def get_values(db, *, regions=None, indicators=None, year_from: int | None = None, year_to: int | None = None,
               annual_only: bool = False) -> dict[tuple[str, str, str], Decimal]:
    """``{(region, indicator, period): Decimal}`` for the selection (all when a filter is None)."""
    sql, args = 'select region, indicator, period, value from "values" where 1=1', []
    if regions is not None:
        regions = list(regions)
        sql += f" and region in ({','.join('?' * len(regions))})"
        args += regions
    if indicators is not None:
        indicators = list(indicators)
        sql += f" and indicator in ({','.join('?' * len(indicators))})"
        args += indicators
    if year_from is not None:
        sql += " and year >= ?"
        args.append(year_from)
    if year_to is not None:
        sql += " and year <= ?"
        args.append(year_to)
    if annual_only:
        sql += " and length(period) = 4"
    return {(r, i, p): Decimal(v) for r, i, p, v in db.execute(sql, args)}


def value_rows(db, region: str, year_from: int, year_to: int) -> list[dict]:
    """Full rows (note, source, status, who, when, package) for a region and a span of years."""
    cols = ("region", "indicator", "period", "value", "note", "source", "status", "updated_by", "updated_at", "package")
    rows = db.execute(f'select {", ".join(cols)} from "values" where region = ? and year between ? and ?'
                      " order by indicator, period", [region, year_from, year_to])
    return [dict(zip(cols, r)) for r in rows]


# Reads of the values table for the services and the window: the table is queried only in this
# module (and the checks' cube), so that what is shown, exported and sent is read the same way.

ROW_COLUMNS = ("region", "indicator", "period", "value", "note", "source", "status", "updated_by", "updated_at",
               "package")
_CHUNK = 500           # regions per query (SQLite's host-parameter limit is 999 on old builds)


def value_at(db, region: str, indicator: str, period: str) -> str | None:
    """The stored value of one cell as its canonical decimal text, or None when there is none."""
    row = db.execute('select value from "values" where region = ? and indicator = ? and period = ?',
                     [region, indicator, period]).fetchone()
    return row[0] if row else None


def values_at(db, cells) -> dict[tuple[str, str, str], str]:
    """``{(region, indicator, period): value}`` for those of ``cells`` that hold a value."""
    out = {}
    for key in dict.fromkeys(map(tuple, cells)):
        found = value_at(db, *key)
        if found is not None:
            out[key] = found
    return out


def stored_values(db, regions, year_from: int, year_to: int, *,
                  annual_only: bool = False) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """``{(region, indicator, period): (value, note)}`` of ``regions`` over ``year_from``–``year_to``
    (the text as stored: what an import, a package or a fingerprint compares against)."""
    regions = list(dict.fromkeys(regions))
    out = {}
    for n in range(0, len(regions), _CHUNK):
        part = regions[n:n + _CHUNK]
        out.update(((r, i, p), (v, note)) for r, i, p, v, note in db.execute(
            f'select region, indicator, period, value, note from "values" where region in ({",".join("?" * len(part))})'
            " and year between ? and ?" + (" and length(period) = 4" if annual_only else ""),
            [*part, year_from, year_to]))
    return out


def value_records(db, regions, year: int, columns=ROW_COLUMNS) -> list[dict]:
    """Rows of ``regions`` in ``year`` as dicts of ``columns`` (any of :data:`ROW_COLUMNS`),
    ordered by region, indicator and period — e.g. the values a package carries."""
    bad = [c for c in columns if c not in ROW_COLUMNS]
    if bad:
        raise ValueError(f"not a column of the values table: {', '.join(bad)}")
    regions = list(dict.fromkeys(regions))
    rows = []
    for n in range(0, len(regions), _CHUNK):
        part = regions[n:n + _CHUNK]
        rows += db.execute(f'select {", ".join(columns)} from "values" where year = ? and region in '
                           f'({",".join("?" * len(part))})', [year, *part]).fetchall()
    at = {c: k for k, c in enumerate(columns)}
    if all(c in at for c in ("region", "indicator", "period")):
        rows.sort(key=lambda r: (r[at["region"]], r[at["indicator"]], r[at["period"]]))
    return [dict(zip(columns, r)) for r in rows]


def grid_values(db, region: str, year_from: int, year_to: int, periods) -> list[tuple]:
    """``(indicator, period, value, note, source, status, updated_by, updated_at)`` of one region for
    the ``periods`` shown (one indexed read: what the entry grid shows on a region switch)."""
    periods = list(periods)
    return db.execute('select indicator, period, value, note, source, status, updated_by, updated_at from "values"'
                      f" where region = ? and year between ? and ? and period in ({','.join('?' * len(periods))})",
                      [region, year_from, year_to, *periods]).fetchall()


def has_values(db, region: str, year: int) -> bool:
    """Does ``region`` hold any value (annual or sub-annual) in ``year``?"""
    return db.execute('select 1 from "values" where region = ? and year = ? limit 1', [region, year]).fetchone() is not None


def regions_with_values(db, year: int) -> set[str]:
    """The regions holding any value in ``year``."""
    return {r for (r,) in db.execute('select distinct region from "values" where year = ?', [year])}


def count_by_region(db, year: int, regions) -> dict[str, int]:
    """``{region: number of values in year}`` for those of ``regions`` that hold any."""
    regions = list(dict.fromkeys(regions))
    out = {}
    for n in range(0, len(regions), _CHUNK):
        part = regions[n:n + _CHUNK]
        out.update(db.execute(f'select region, count(*) from "values" where year = ? and region in '
                              f'({",".join("?" * len(part))}) group by region', [year, *part]))
    return out


def count_values(db) -> int:
    """How many values the store holds."""
    return db.execute('select count(*) from "values"').fetchone()[0]


def latest_year(db) -> int | None:
    """The latest year with any value (one step down the (year, region) index), None for an empty store."""
    return db.execute('select max(year) from "values"').fetchone()[0]


def count_not_written_by(db, who: str, sources) -> int:
    """How many values were last written by someone other than ``who`` or carry a source not in ``sources``."""
    sources = list(sources)
    marks = ",".join("?" * len(sources))
    return db.execute(f'select count(*) from "values" where updated_by != ? or source is null'
                      f" or source not in ({marks})", [who, *sources]).fetchone()[0]


def noted_values_not_written_by(db, who: str, sources) -> dict[tuple[str, str, str], str]:
    """``{(region, indicator, period): value}`` of values with a note that ``who`` did not write."""
    sources = list(sources)
    marks = ",".join("?" * len(sources))
    return {(r, i, p): v for r, i, p, v in db.execute(
        f'select region, indicator, period, value from "values" where coalesce(note, \'\') != \'\''
        f" and (updated_by != ? or source is null or source not in ({marks}))", [who, *sources])}
