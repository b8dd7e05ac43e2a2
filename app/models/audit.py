"""The append-only, hash-chained audit trail.

Every row's ``hash`` is SHA-256 over the previous row's hash and this row's fields, and
the newest hash is kept in ``meta.audit_head``. Editing, deleting or inserting audit rows
outside ipdesk breaks the chain, which :func:`verify` reports with the first bad row::

    rows = [AuditRow(...), ...]
    append(db, rows)          # inside the caller's transaction
    verify(db)                # -> VerifyResult(ok=True, rows=..., first_bad=None)
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from dataclasses import dataclass

from .db import meta_get, meta_set, now_iso

GENESIS = "0" * 64
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

    db.conn.executemany(
        "insert into audit(at, who, action, region, indicator, period, old, new, why, prev_hash, hash)"
        " values (?,?,?,?,?,?,?,?,?,?,?)", chained())
    prev = head[0]
    meta_set(db, "audit_head", prev)
    return prev


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    first_bad: int | None = None
    reason: str | None = None


def verify(db) -> VerifyResult:
    """Recompute the chain; report the first row whose hash or link does not hold."""
    prev = GENESIS
    n = 0
    cur = db.conn.execute(f"select id, {', '.join(_FIELDS)}, prev_hash, hash from audit order by id")
    for row in cur:
        n += 1
        rid, fields, prev_hash, h = row[0], row[1:10], row[10], row[11]
        if prev_hash != prev:
            return VerifyResult(False, n, rid, "link")
        if _digest(prev, fields) != h:
            return VerifyResult(False, n, rid, "hash")
        prev = h
    head = meta_get(db, "audit_head", GENESIS)
    if head != prev:
        return VerifyResult(False, n, None, "head")
    return VerifyResult(True, n)


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
