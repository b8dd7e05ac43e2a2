"""The append-only, hash-chained audit trail, and the check that it covers the data.

Every row's ``hash`` is SHA-256 over the previous row's hash and this row's fields; the
newest hash is kept in ``meta.audit_head`` and the number of rows in ``meta.audit_rows``.
:func:`verify` recomputes the chain *and replays it*: the values, notes, workflow states
and explanations the trail says the store holds must be the ones it holds::

    append(db, rows)          # inside the caller's transaction
    verify(db)                # -> VerifyResult(ok=True, rows=..., differences=[])
    head(db)                  # -> (hash, rows): print it on paper, sign it in packages
    extends(db, hash, rows)   # does today's trail continue the one that head was taken from?

A chain rewritten from the first row with recomputed hashes (and matching data) verifies
by itself; only a head kept outside the file tells: the anchor log beside the backups
(:func:`anchor`), and the heads printed in documents and signed in packages.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .store_basics import meta_get, meta_set, now_iso
from .audit_anchor import anchor, anchor_log, anchors, extends, head  # noqa: F401  (re-exported)
from .audit_chain import GENESIS, VALUE_ACTIONS
from .audit_ledger import LEDGER_ACTIONS, ledger_line, replay_ledger
from .messages import register

_PLAIN = re.compile(r"[0-9.\-]+")
_FIELDS = ("at", "who", "action", "region", "indicator", "period", "old", "new", "why")


def current_user() -> str:
    """The person acting: ``IPDESK_USER`` or the operating-system login."""
    name = os.environ.get("IPDESK_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services): still say something
        return "unknown"


def _digest(prev: str, row: tuple) -> str:
    # every field is text or None (None and "" hash alike, as they always have)
    payload = "\x1f".join([v if v.__class__ is str else ("" if v is None else str(v)) for v in row])
    return hashlib.sha256((prev + "\x1e" + payload).encode("utf-8")).hexdigest()


def encode(value: str | None, note: str | None = None, source: str | None = None) -> str | None:
    """Compact JSON for old/new of a value change (None when there was no value)."""
    if value is None:
        return None
    if not note and not source and _PLAIN.fullmatch(value):
        return '{"v":"' + value + '"}'   # the common case, without json's overhead
    d = {"v": value}
    if note:
        d["note"] = note
    if source:
        d["src"] = source
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def decode(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        d = json.loads(text)
        return d if isinstance(d, dict) else {"v": text}
    except ValueError:
        return {"v": text}


def append(db, rows: list[tuple], *, at: str | None = None) -> str:
    """Append rows ``(who, action, region, indicator, period, old, new, why)``; returns the new head.

    Must run inside the caller's transaction so value and audit row land together.
    """
    assert db.conn.in_transaction, "audit.append must run inside the write's transaction"
    at = at or now_iso()
    head = [meta_get(db, "audit_head", GENESIS)]

    def chained():
        """Each row with its link and hash, made as SQLite asks for it (no list of 100,000 rows)."""
        prev = head[0]
        sha256 = hashlib.sha256
        for who, action, region, indicator, period, old, new, why in rows:
            # _digest's payload built in one f-string (an import hashes 100,000 rows): format(v, "")
            # is str(v) for the text, numbers and None-as-empty of these fields
            h = sha256(f"{prev}\x1e{at}\x1f{'' if who is None else who}\x1f{'' if action is None else action}\x1f"
                       f"{'' if region is None else region}\x1f{'' if indicator is None else indicator}\x1f"
                       f"{'' if period is None else period}\x1f{'' if old is None else old}\x1f"
                       f"{'' if new is None else new}\x1f{'' if why is None else why}".encode()).hexdigest()
            yield (at, who, action, region, indicator, period, old, new, why, prev, h)
            prev = h
        head[0] = prev

    counted = meta_get(db, "audit_rows")
    before = int(counted) if counted is not None else db.conn.execute("select count(*) from audit").fetchone()[0]
    cur = db.conn.executemany(
        "insert into audit(at, who, action, region, indicator, period, old, new, why, prev_hash, hash)"
        " values (?,?,?,?,?,?,?,?,?,?,?)", chained())
    prev = head[0]
    meta_set(db, "audit_head", prev)
    meta_set(db, "audit_rows", str(before + cur.rowcount))   # a second count, kept apart from the chain
    return prev


def history(db, region: str, indicator: str | None = None, period: str | None = None) -> list[dict]:
    """Audit rows for a region (optionally one indicator/period), oldest first."""
    sql = "select id, at, who, action, region, indicator, period, old, new, why from audit where region = ?"
    args: list = [region]
    if indicator:
        sql += " and indicator = ?"
        args.append(indicator)
    if period:
        sql += " and period = ?"
        args.append(period)
    cols = ("id", "at", "who", "action", "region", "indicator", "period", "old", "new", "why")
    return [dict(zip(cols, r)) for r in db.execute(sql + " order by id", args)]



# ---------------------------------------------------------------- verify: the chain, replayed against the data

# (VALUE_ACTIONS, the actions whose rows change a value, is audit_chain's: the second process needs it)
# Actions whose rows move a region-year's state (period = the year, old/new = states).
STATE_ACTIONS = frozenset({"status", "unlock"})
LOCKED = frozenset({"approved", "locked"})
# differences kept with their detail; all are counted. (The cap holding is pinned by a test through
# DIFF_LIMIT; its size bounds memory only: 201 is as good — equivalent.)
DIFF_LIMIT = 200  # pragma: no mutate

register({
    "audit_intact": ("audit trail intact: {rows} rows, head {head}; values, notes, states and explanations match it",
                     "审计记录完整：共 {rows} 条，链头 {head}；数值、备注、状态和情况说明均与记录一致"),
    "audit_tampered": ("audit trail does NOT match the store: {count} difference(s); first: {first}",
                       "审计记录与数据库不一致：共 {count} 处差异；首处：{first}"),
    "audit_link": ("row {row}: its link to the row before was changed", "第 {row} 条记录与前一条的链接被改动"),
    "audit_hash": ("row {row}: its content was changed after it was written", "第 {row} 条记录写入后内容被改动"),
    "audit_head": ("the recorded chain head is not the last row's (rows removed or added at the end)",
                   "记录的链头与最后一条记录不符（末尾记录被删除或添加）"),
    "audit_count": ("the trail has {found} rows but {expected} were written", "审计记录现有 {found} 条，但应有 {expected} 条"),
    "audit_anchor": ("the trail no longer continues the head of {at} ({expected} rows, {hash}){why}",
                     "审计记录不再延续 {at} 记下的链头（{expected} 条，{hash}）{why}"),
    "audit_value": ("{region} · {indicator} · {period}: the trail says {expected}, the store holds {found}",
                    "{region}·{indicator}·{period}：审计记录为 {expected}，数据库中为 {found}"),
    "audit_value_history": ("{region} · {indicator} · {period}: before row {row} the value was {found}, the trail "
                            "last recorded {expected} (changed outside ipdesk)",
                            "{region}·{indicator}·{period}：第 {row} 条记录前数值为 {found}，而审计记录上次记为 "
                            "{expected}（曾在 ipdesk 之外被改动）"),
    "audit_locked_write": ("{region} · {indicator} · {period}: row {row} changed it while {year} was {expected}",
                           "{region}·{indicator}·{period}：第 {row} 条记录在 {year} 年数据{expected}时修改了它"),
    "audit_state": ("{region} {period}: the trail says {expected}, the store holds {found}",
                    "{region} {period} 年：审计记录的状态为{expected}，数据库中为{found}"),
    "audit_state_history": ("{region} {period}: row {row} moved it from {found}, but the trail had it {expected} "
                            "(changed outside ipdesk)",
                            "{region} {period} 年：第 {row} 条记录从{found}变更，而审计记录中为{expected}"
                            "（曾在 ipdesk 之外被改动）"),
    "audit_value_status": ("{region} · {indicator} · {period}: the value is marked {found}, the trail says {expected}",
                           "{region}·{indicator}·{period}：数值标记为{found}，审计记录为{expected}"),
    "audit_explanation": ("{region} · {indicator} · {period}: the explanation is {found}, the trail says {expected}",
                          "{region}·{indicator}·{period}：情况说明为 {found}，审计记录为 {expected}"),
    "audit_none": ("none", "无"),
})


@dataclass
class VerifyResult:
    """``ok`` only when the chain holds, its head and count are the recorded ones, every anchor is
    continued, and replaying it gives the store's values, notes, states and explanations.

    ``first_bad``/``reason`` name the first broken row (reason: link, hash, head, count, anchor,
    data); ``differences`` the first :data:`DIFF_LIMIT` differences as dicts of codes
    (``kind``, ``region``, ``indicator``, ``period``, ``expected``, ``found``, ``row``), ``different``
    how many in all; ``head``/``counted`` the last hash and meta's count; ``anchors`` how many
    outside heads were compared.
    """

    ok: bool
    rows: int
    first_bad: int | None
    reason: str | None
    differences: list
    different: int
    head: str | None
    counted: int | None
    anchors: int


class _Found:
    def __init__(self):
        self.items: list[dict] = []
        self.count = 0

    def add(self, kind, region=None, indicator=None, period=None, expected=None, found=None, row=None, **more):
        self.count += 1
        if len(self.items) < DIFF_LIMIT:
            d = {"kind": kind, "region": region, "indicator": indicator, "period": period,
                 "expected": expected, "found": found, "row": row}
            d.update(more)
            self.items.append({k: v for k, v in d.items() if v is not None or k in ("expected", "found")})


def _plain(text: str | None):
    """An encoded value as (value, note, source), empty note and source alike."""
    d = decode(text)
    return None if d is None else (d.get("v"), d.get("note") or "", d.get("src") or "")


def _same(a: str | None, b: str | None) -> bool:
    return a == b or _plain(a) == _plain(b)


def _shown(text: str | None):
    d = _plain(text)
    return None if d is None else {k: v for k, v in zip(("v", "note", "src"), d) if v}


_READ_PRAGMAS = (("mmap_size", 1 << 30),)     # one large sequential read: pages mapped, not copied
# from this many rows a second process checks the later part of the chain and the values table, beside the
# first (a speed threshold: both ways give the same result, pinned by a test through CHILD_ROWS; 200,001 is
# as good — equivalent)
CHILD_ROWS = 200_000  # pragma: no mutate
# the share of the chain the first process checks when a second runs (the first also asks HISTORY_SQL and
# replays the other rows, 1.8 s on the national store; the second asks VALUES_SQL, 0.9 s, and starts: about even
# with 35–50 % of a 2.5 s chain here, within the noise of a shared machine; any share gives the same result — equivalent)
FIRST_SHARE = 0.45  # pragma: no mutate


def second_process() -> bool:
    """Whether a verify may use a second process: ``IPDESK_AUDIT_PROCESSES`` = 1 or 2 decides; else when
    the machine has two cores or more (the two processes share the work, neither repeats the other's)."""
    forced = os.environ.get("IPDESK_AUDIT_PROCESSES", "").strip()
    if forced in ("1", "2"):
        return forced == "2"
    return (os.cpu_count() or 1) >= 2


def verify(db, *, anchored: bool = True) -> VerifyResult:
    """Recompute the chain and check the store against the trail; ``anchored`` also compares the heads
    in the anchor log beside the backups.

    The values are checked by SQLite itself (:mod:`audit_chain`'s queries: each write continues the one
    before at its place, each stored value is its place's last write, as many values as places left
    holding one) and the other rows — states, explanations, the ledger — replayed here; only when one of
    those doubts is the whole trail replayed row by row, to name each difference."""
    conn = db.conn
    kept = [(name, conn.execute(f"pragma {name}").fetchone()[0]) for name, _v in _READ_PRAGMAS]
    for name, v in _READ_PRAGMAS:
        conn.execute(f"pragma {name} = {int(v)}")   # pragma: no mutate (equivalent: speed only, same result)
    try:
        if conn.in_transaction:
            return _verify(db, anchored, alone=True)
        conn.execute("begin")          # one snapshot for the trail and the tables it is compared with
        try:
            return _verify(db, anchored, alone=False)
        finally:
            conn.execute("rollback")
    finally:
        for name, v in kept:
            conn.execute(f"pragma {name} = {int(v)}")


def _verify(db, anchored: bool, alone: bool) -> VerifyResult:
    """``alone``: the caller's transaction may hold rows no other process sees (all is checked here)."""
    from . import audit_chain

    conn = db.conn
    marks = anchors(db) if anchored else []
    pending = sorted(((a["rows"], a) for a in marks if a["rows"] > 0), key=lambda x: x[0])
    positions = sorted({p for p, _a in pending})
    last_id, n = conn.execute("select ifnull(max(id), 0), count(*) from audit").fetchone()
    upto, base, child = last_id, n, None
    if (not alone and n >= CHILD_ROWS and db.path not in (None, ":memory:") and Path(db.path).is_file()
            and second_process()):
        base = min(max(1, int(n * FIRST_SHARE)), n)
        upto = conn.execute("select id from audit order by id limit 1 offset ?", [base - 1]).fetchone()[0]
        if upto < last_id:
            child = audit_chain.start(db.path, upto, last_id, base, positions)   # the later rows' chain and
            # the values table, in a second process beside this one
        if child is None:
            upto, base = last_id, n
    try:
        return _check(db, pending, positions, last_id, upto, base, child)
    finally:
        if child is not None and child.poll() is None:           # (the check raised: no process left behind)
            child.kill()
            child.wait()


class _Replayed:
    """What replaying rows of the trail gives: ``final`` (place -> encoded value; deleted values absent) and
    ``pos`` (place -> id of its last write) when value rows were replayed; ``state`` ((region, year) ->
    state), ``full`` ((region, year) -> (state, id) of the last change that marked the values), ``expl``,
    ``others`` (the ledger's rows, replayed after) and ``spans`` ((region, year text, first id, last id or
    None): the stretches of the trail in which a region-year was approved or locked)."""

    __slots__ = ("final", "pos", "state", "full", "expl", "others", "spans")


def _replay_rows(rows, found: _Found) -> _Replayed:
    """Replay ``rows`` (``id, at, action, region, indicator, period, old, new, why, before``, in id order;
    ``before``: the ``at`` of the row before when that row wrote a value and is not among ``rows``)."""
    add = found.add
    final: dict[tuple, str] = {}
    pos: dict[tuple, int] = {}
    state: dict[tuple, str] = {}
    full: dict[tuple, tuple] = {}
    locked: dict = {}                       # (region, "year") replayed as approved/locked -> the row it began
    spans: list[tuple] = []
    expl: dict[tuple, str | None] = {}
    others: list[tuple] = []
    value_at = None                         # the `at` of the value rows just before (a write's own status rows)
    value_actions, state_actions, ledger_actions = VALUE_ACTIONS, STATE_ACTIONS, LEDGER_ACTIONS
    last_of = final.get
    drop = final.pop
    # (in a row-by-row replay the loop is the whole cost: ~1 M rows; its common case, a value row, goes
    # first and touches locals only)
    for rid, at, action, region, indicator, period, old, new, why, before in rows:
        if action in value_actions and indicator is not None:    # (a package's own 'receive' row has none)
            key = (region, indicator, period)
            last = last_of(key)
            if last != old and not _same(last, old):
                add("value_history", region, indicator, period, _shown(last), _shown(old), rid)
            if new is None:
                drop(key, None)
            else:
                final[key] = new
            pos[key] = rid
            if locked and period and (region, period[:4]) in locked:
                st = state.get((region, int(period[:4])))
                add("locked_write", region, indicator, period, st, None, rid, year=period[:4])
            value_at = at
            continue
        if before is not None:
            value_at = before
        if action in state_actions:
            try:
                k = (region, int(period))
            except (TypeError, ValueError):
                value_at = None
                continue
            was = state.get(k, "draft")
            if old != was:
                add("state_history", region, None, period, was, old, rid)
            state[k] = new
            # write_values' own "back to draft" row marks the region-year only, not its values
            if not (action == "status" and new == "draft" and value_at == at and (why or "").startswith("changed after ")):
                full[k] = (new, rid)
                value_at = None
            if new in LOCKED:
                locked.setdefault((region, period), rid)
            elif (region, period) in locked:
                spans.append((region, period, locked.pop((region, period)), rid))
        elif action == "explain":
            k = (why, region, indicator, period)
            if expl.get(k) != old:
                add("explanation_history", region, indicator, period, expl.get(k), old, rid, rule=why)
            expl[k] = new
            value_at = None
        else:
            if action in ledger_actions:
                others.append((rid, action, region, indicator, period, old, new, why))
            value_at = None
    spans.extend((region, period, began, None) for (region, period), began in locked.items())
    out = _Replayed()
    out.final, out.pos, out.state, out.full, out.expl, out.others, out.spans = final, pos, state, full, expl, others, spans
    return out


def _values_hold(conn, rep: _Replayed, last_id: int) -> bool:
    """SQLite's certificate that replaying the value rows would find no difference (False at the first
    doubt): each write continues the one before at its place (COUNT_SQL, then HISTORY_SQL for those in
    another spelling), no write while its year was approved or
    locked, as many values as places left holding one, and each value's status the one the trail gives
    it. (The stored values against the last writes — VALUES_SQL — are :func:`_doubts_clear`'s.)"""
    from . import audit_chain as ac

    _writes, left, placeless, unlinked = conn.execute(ac.COUNT_SQL, [last_id]).fetchone()
    if placeless or left != conn.execute('select count(*) from "values"').fetchone()[0]:
        return False
    if unlinked:              # (a trail in another JSON spelling: the same values compared as Python compares them)
        for _rid, old, prev in conn.execute(ac.HISTORY_SQL, [last_id]):
            if not _same(prev, old):
                return False
    during = ("select 1 from audit a where a.region = ? and substr(a.period, 1, 4) = ? and a.id > ? and a.id < ? and "
              + ac.VALUE_ROW.format(t="a") + " limit 1")
    for region, year, began, ended in rep.spans:
        if conn.execute(during, [region, year, began, last_id + 1 if ended is None else ended]).fetchone():
            return False
    last = ac.LAST_WRITE_ID
    full = rep.full
    for region, year, status, wrote in conn.execute(
            f'select v.region, v.year, v.status, {last} from "values" v where v.status is not \'draft\'', [last_id]):
        if status != _want_status(full, region, year, wrote or 0):
            return False
    for (region, year), (st, _pos) in full.items():
        if st != "draft":
            for wrote, in conn.execute(f'select {last} from "values" v where v.year = ? and v.region = ?'
                                       " and v.status = 'draft'", [last_id, year, region]):
                if _want_status(full, region, year, wrote or 0) != "draft":
                    return False
    return True


def _doubts_clear(doubts) -> bool:
    """VALUES_SQL's rows (a stored value whose text is not its place's last write) all the same value,
    note and source written another way."""
    return all(value.__class__ is str and _same(encode(value, note, source), new)
               for _r, _i, _p, value, note, source, new in doubts)


def _check(db, pending: list, positions: list, last_id: int, upto: int, base: int, child) -> VerifyResult:
    from . import audit_chain

    conn = db.conn
    found = _Found()
    parts = [audit_chain.chain_range(conn, 0, upto, 0, positions)]
    rep = _replay_rows(conn.execute(audit_chain.OTHER_SQL, [last_id]), found)
    sure = _values_hold(conn, rep, last_id)
    second, doubts = audit_chain.finish(child) if child is not None else (None, None)
    if upto < last_id:
        parts.append(second if second is not None else audit_chain.chain_range(conn, upto, last_id, base, positions))
    if sure:
        sure = _doubts_clear(conn.execute(audit_chain.VALUES_SQL, [last_id]).fetchall() if doubts is None else doubts)
    if not sure:               # a doubt: the whole trail replayed row by row names each difference
        found = _Found()
        rep = _replay_rows(conn.execute("select id, at, action, region, indicator, period, old, new, why, null"
                                        " from audit where id <= ? order by id", [last_id]), found)
        _values_differ(conn, rep.final, rep.pos, rep.full, found)
    add = found.add
    state, expl = rep.state, rep.expl
    for region, year, status in conn.execute("select region, year, status from region_years"):
        want = state.pop((region, year), "draft")
        if status != want:
            add("state", region, None, str(year), want, status)
    for (region, year), want in state.items():
        if want != "draft":
            add("state", region, None, str(year), want, None)
    for rule, region, indicator, period, text in conn.execute(
            "select rule, region, indicator, period, text from explanations"):
        want = expl.pop((rule, region, indicator, period), None)
        if text != want:
            add("explanation", region, indicator, period, want, text, rule=rule)
    for (rule, region, indicator, period), want in expl.items():
        if want is not None:
            add("explanation", region, indicator, period, want, None, rule=rule)
    replay_ledger(db, rep.others, add)

    ch = audit_chain.stitch(parts)
    n, prev, first_bad, reason = ch["rows"], ch["head"], ch["first_bad"], ch["reason"]
    moved = _Found()                     # each anchor the trail no longer continues, named before the data
    for p, a in pending:
        h = ch["at"].get(p)
        if h != a["hash"]:
            moved.add("anchor", expected=a["hash"], found=h, row=p, at=a.get("at"), why=a.get("why"))
    found.items = (moved.items + found.items)[:DIFF_LIMIT]
    found.count += moved.count

    counted = meta_get(db, "audit_rows")
    counted = int(counted) if counted is not None and counted.isdigit() else None
    if first_bad is None:
        if meta_get(db, "audit_head", GENESIS) != prev:
            reason = "head"
        elif counted is not None and counted != n:
            reason = "count"
        elif moved.count:
            reason = "anchor"
        elif found.count:
            reason = "data"
    if reason in ("head", "count"):
        found.items.insert(0, {"kind": reason, "expected": counted if reason == "count" else meta_get(db, "audit_head"),
                               "found": n if reason == "count" else prev, "region": None})
        found.count += 1
    ok = reason is None
    return VerifyResult(ok, n, first_bad, reason, found.items, found.count, prev, counted, len(pending))


def _want_status(full: dict, region, year, last: int) -> str:
    """The status a value must carry: its region-year's last marking state, if that came after the value's last write."""
    fs = full.get((region, year))
    return fs[0] if fs is not None and fs[1] > last else "draft"


def _values_differ(conn, final: dict, pos: dict, full: dict, found: _Found) -> None:
    """Each difference between the values table and the replay, in the table's order (empties ``final``)."""
    encode_ = encode
    for region, indicator, period, year, value, note, source, status in conn.execute(
            'select region, indicator, period, year, value, note, source, status from "values"'):
        key = (region, indicator, period)
        odd = value.__class__ is not str         # (bytes or a number stored behind the app: never the trail's text)
        if odd:
            value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        got = '{"v":"' + value + '"}' if not note and not source else encode_(value, note, source)
        exp = final.pop(key, None)
        if exp is None:
            found.add("value", region, indicator, period, None, _shown(got))
        elif odd or (exp != got and not _same(exp, got)):
            found.add("value", region, indicator, period, _shown(exp), _shown(got))
        want = _want_status(full, region, year, pos.get(key, 0))
        if status != want:
            found.add("value_status", region, indicator, period, want, status)
    for (region, indicator, period), new in final.items():
        found.add("value", region, indicator, period, _shown(new), None)


def second_process_runs(db) -> bool:
    """Does the second process a large store's verify starts run here, and agree with this one on the chain
    (the app's self-test: a frozen executable must dispatch ``-m app.models.audit_chain`` to it)?"""
    from . import audit_chain

    last = db.conn.execute("select ifnull(max(id), 0) from audit").fetchone()[0]
    proc = audit_chain.start(db.path, 0, last, 0)
    second, _doubts = audit_chain.finish(proc) if proc is not None else (None, None)
    return second is not None and second["first_bad"] is None and second["head"] == head(db)[0]


def describe(db, res: VerifyResult, lang: str = "zh", limit: int = 20) -> list[str]:
    """One line for the result, then one per difference (names, not codes, in Chinese)."""
    from .messages import render
    from .states import status_label

    if res.ok:
        return [render("audit_intact", lang, rows=f"{res.rows:,}", head=(res.head or GENESIS)[:16])]
    names = {c: (zh if lang == "zh" else (en or zh)) for c, zh, en in db.execute("select code, name_zh, name_en from regions")}
    inds = {c: (zh if lang == "zh" else (en or zh)) for c, zh, en in db.execute("select code, name_zh, name_en from indicators")}
    none = render("audit_none", lang)

    def val(x):
        if x is None:
            return none
        if isinstance(x, dict):
            return x.get("v", "") + (f"（{x['note']}）" if lang == "zh" and x.get("note") else
                                     f" ({x['note']})" if x.get("note") else "")
        return status_label(x, lang) if x in ("draft", "complete", "submitted", "approved", "locked") else str(x)

    def line(d):
        kind = d["kind"]
        if d.get("ledger"):
            return ledger_line(d, names, lang)
        if kind in ("head", "count"):
            return render("audit_" + kind, lang, expected=d.get("expected"), found=d.get("found"))
        if kind == "anchor":
            why = d.get("why")
            return render("audit_anchor", lang, at=d.get("at"), expected=d.get("row"), hash=(d.get("expected") or "")[:16],
                          why=(f"（{why}）" if lang == "zh" else f" ({why})") if why else "")
        code = {"explanation_history": "audit_explanation"}.get(kind, "audit_" + kind)
        return render(code, lang, region=names.get(d.get("region"), d.get("region")),
                      indicator=inds.get(d.get("indicator"), d.get("indicator") or ""), period=d.get("period"),
                      expected=val(d.get("expected")), found=val(d.get("found")), row=d.get("row"), year=d.get("year"))

    lines = [line(d) for d in res.differences]
    if res.reason in ("link", "hash"):
        lines.insert(0, render("audit_" + res.reason, lang, row=res.first_bad))
    count = res.different + (1 if res.reason in ("link", "hash") else 0)
    return [render("audit_tampered", lang, count=f"{count:,}", first=lines[0] if lines else res.reason)] + lines[:limit]
