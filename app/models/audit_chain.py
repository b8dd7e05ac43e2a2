"""The audit trail's hash chain, recomputed, and the checks of the data that SQLite makes by itself.

The chain: each row's ``prev_hash`` must be the row before's ``hash``, and its ``hash`` SHA-256 over
the link and the row's fields (see :func:`audit._digest`). Both are checks of one row and the row
before it, so the trail can be checked in slices — :func:`chain_range` one slice, :func:`stitch` the
slices joined (the first row of each slice against the last of the one before).

The data: :data:`COUNT_SQL` (how many value writes do not continue the place's write before them —
listed by :data:`HISTORY_SQL` —, and how many places are left holding a value) and :data:`VALUES_SQL`
(every stored value that is not its place's last write) — all answered by SQLite through the ``audit_place`` index, in C; :func:`audit.verify`
takes them as a certificate that the values are the trail's, and only when one doubts replays the
trail row by row to name each difference.

On a large store a second process checks the later slice of the chain and runs :data:`VALUES_SQL`
while the first does the rest (on two cores the verify then takes about half the time)::

    python -m app.models.audit_chain STORE LO HI BASE [POSITION ...] [--values]

checks rows ``LO < id <= HI`` (``BASE``: how many rows come before them) and prints one JSON line:
``{"rows", "first_bad", "reason", "head", "first_id", "first_prev", "at": {position: hash}}``
(``at``: the hash of the row at each asked position, for the anchors). With ``--values`` it writes,
with marshal, that and the rows of :data:`VALUES_SQL` read in a snapshot whose trail ends at ``HI``
(None when it no longer does: the parent runs the query itself). No import of the rest of ipdesk:
the child starts in a few tens of milliseconds.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import subprocess
import sys
from pathlib import Path

GENESIS = "0" * 64
# Actions whose rows change a value (old/new are audit.encode()d value, note and source): every ``action=``
# given to values.write_values, and its "delete" (a test reads the sources to keep this list whole).
VALUE_ACTIONS = frozenset({"set", "import", "receive", "aggregate", "delete"})
_IN = "(" + ",".join(f"'{a}'" for a in sorted(VALUE_ACTIONS)) + ")"
# a row that writes a value, as the replay tells it (a package's own 'receive' row has no indicator)
VALUE_ROW = f"{{t}}.action in {_IN} and {{t}}.indicator is not null"
_LAST_WRITE = ("(select b.new from audit b where b.region = {t}.region and b.indicator = {t}.indicator"
               f" and b.period = {{t}}.period and b.action in {_IN} and b.id {{until}} order by b.id desc limit 1)")
# the id of a stored value's (``v``) last write as of row ?: its status is compared by it
LAST_WRITE_ID = ("(select max(b.id) from audit b where b.region = v.region and b.indicator = v.indicator"
                 f" and b.period = v.period and b.id <= ? and b.action in {_IN} and b.indicator is not null)")

SELECT = ("select id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash from audit"
          " where id > ? and id <= ? order by id")
# every value write whose old is not the new of its place's write before (None for its first)
HISTORY_SQL = ("select id, old, prev from (select a.id, a.old, "
               + _LAST_WRITE.format(t="a", until="< a.id") + " as prev from audit a where a.id <= ? and "
               + VALUE_ROW.format(t="a") + ") where old is not prev")
# every stored value whose encoding (audit.encode, built here for the common cases; any other text goes to
# Python's comparison) is not its place's last write — a value the trail never wrote included
_ENCODED = ("case when typeof(v.value) is not 'text' then null"
            " when ifnull(v.note, '') = '' and ifnull(v.source, '') = '' then '{\"v\":\"' || v.value || '\"}'"
            " when ifnull(v.source, '') = '' then json_object('v', v.value, 'note', v.note)"
            " when ifnull(v.note, '') = '' then json_object('v', v.value, 'src', v.source)"
            " else json_object('v', v.value, 'note', v.note, 'src', v.source) end")
VALUES_SQL = ("select region, indicator, period, value, note, source, new from (select v.region, v.indicator,"
              " v.period, v.value, v.note, v.source, " + _ENCODED + " as held, "
              + _LAST_WRITE.format(t="v", until="<= ?") + ' as new from "values" v) where held is not new')
# HISTORY_SQL counted in the same pass as the value writes: (writes, places whose last write left a value —
# given HISTORY_SQL's agreement, each write's old is the new before it, so the writes that leave a value less
# those that found one are the places holding one —, writes without a place, writes HISTORY_SQL lists)
COUNT_SQL = ("select count(*), ifnull(sum(new is not null) - sum(old is not null), 0),"
             " ifnull(sum(region is null or period is null), 0), ifnull(sum(old is not prev), 0) from (select"
             " a.region, a.period, a.old, a.new, " + _LAST_WRITE.format(t="a", until="< a.id") + " as prev from"
             " audit a where a.id <= ? and " + VALUE_ROW.format(t="a") + ")")
# every other row (states, explanations, the ledger), with the `at` of the row just before when that row
# wrote a value (a write's own "back to draft" rows follow its values)
OTHER_SQL = ("select a.id, a.at, a.action, a.region, a.indicator, a.period, a.old, a.new, a.why,"
             " (select case when " + VALUE_ROW.format(t="p") + " then p.at end from audit p where p.id < a.id"
             " order by p.id desc limit 1) from audit a where a.id <= ? and not ifnull("
             + VALUE_ROW.format(t="a") + ", 0) order by a.id")
ROOT = Path(__file__).resolve().parent.parent.parent
# how long the parent waits for the child's answer before it computes the chain itself (the chain of
# a million rows takes a few seconds; 601 s is as good — equivalent)
WAIT = 600  # pragma: no mutate


def chain(rows, positions, base: int) -> dict:
    """The chain of ``rows`` (SELECT's columns, in id order), a slice of the trail with ``base`` rows
    before it: the first broken row inside the slice and why, the row count, the first row's id and
    link and the last hash, and the hashes at ``positions`` (row numbers counted from the trail's first)."""
    sha256 = hashlib.sha256
    prev = first_id = first_prev = None
    n = base
    first_bad = reason = None
    want = set(positions)
    at: dict[int, str] = {}
    for rid, when, who, action, region, indicator, period, old, new, why, prev_hash, h in rows:
        n += 1
        if prev is None:
            first_id, first_prev = rid, prev_hash
            prev = prev_hash                # (the link of a slice's first row is stitch()'s to check)
        # the hashed text built in one f-string (~1 M rows): None hashes as "" (as it always has)
        if prev_hash != prev or sha256(
                f"{prev}\x1e{when}\x1f{'' if who is None else who}\x1f{'' if action is None else action}\x1f"
                f"{'' if region is None else region}\x1f{'' if indicator is None else indicator}\x1f"
                f"{'' if period is None else period}\x1f{'' if old is None else old}\x1f"
                f"{'' if new is None else new}\x1f{'' if why is None else why}".encode()).hexdigest() != h:
            if first_bad is None:
                first_bad, reason = rid, ("link" if prev_hash != prev else "hash")
        prev = h
        if want and n in want:
            at[n] = h
    return {"rows": n - base, "first_bad": first_bad, "reason": reason, "head": prev, "first_id": first_id,
            "first_prev": first_prev, "at": at}


def chain_range(conn, lo: int, hi: int, base: int, positions=()) -> dict:
    """The chain of the rows ``lo < id <= hi`` (``base`` rows before them): see :func:`chain`."""
    return chain(conn.execute(SELECT, [lo, hi]), positions, base)


def stitch(parts) -> dict:
    """The whole trail's chain from its slices' (in order): ``rows``, ``first_bad``, ``reason``, ``head``
    (GENESIS for an empty trail) and ``at`` — as one walk from the first row would find them."""
    prev, n, first_bad, reason, at = GENESIS, 0, None, None, {}
    for p in parts:
        if not p["rows"]:
            continue
        if first_bad is None:
            if p["first_prev"] != prev:
                first_bad, reason = p["first_id"], "link"
            elif p["first_bad"] is not None:
                first_bad, reason = p["first_bad"], p["reason"]
        prev, n = p["head"], n + p["rows"]
        at.update({int(k): v for k, v in p["at"].items()})
    return {"rows": n, "first_bad": first_bad, "reason": reason, "head": prev, "at": at}


def read(conn, last_id: int, positions=()) -> dict:
    """The chain of the whole trail up to ``last_id``."""
    return stitch([chain_range(conn, 0, last_id, 0, positions)])


def values_doubts(conn, last_id: int):
    """:data:`VALUES_SQL`'s rows, read in one snapshot whose trail still ends at ``last_id``; None when it
    no longer does (a write in between: the parent runs the query itself)."""
    conn.execute("begin")
    try:
        if (conn.execute("select max(id) from audit").fetchone()[0] or 0) != last_id:
            return None
        return conn.execute(VALUES_SQL, [last_id]).fetchall()
    finally:
        conn.execute("rollback")


def start(path, lo: int, hi: int, base: int, positions=(), *, values: bool = True):
    """The chain of rows ``lo < id <= hi`` of the store at ``path`` (and, with ``values``, :func:`values_doubts`
    as of ``hi``) computed in a child process; None when it cannot start."""
    try:
        return subprocess.Popen([sys.executable, "-m", "app.models.audit_chain", str(path), str(lo), str(hi),
                                 str(base), *map(str, positions), *(["--values"] if values else [])],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, cwd=str(ROOT), env=_env())
    except OSError:
        return None


def finish(proc) -> tuple:
    """The child's (chain slice, values_doubts) — (None, None) when it failed: the caller then does both
    itself."""
    try:
        out, _err = proc.communicate(timeout=WAIT)
        if proc.returncode != 0:
            return None, None
        res, doubts = marshal.loads(out)
        return res, doubts
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
        return None, None


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # (for a source checkout that is not installed: an installed ipdesk — pip, or the frozen app — imports
    # without it, so returning None is equivalent wherever the tests run)
    return env  # pragma: no mutate


def connect(path) -> sqlite3.Connection:
    """A read-only connection for a verify's reads (pages mapped, not copied)."""
    # (uri=True: read-only on every SQLite; where SQLite reads URIs by default, as here, uri=False opens the
    # same read-only store — an equivalent mutant on this machine)
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,  # pragma: no mutate
                           isolation_level=None)
    conn.execute("pragma mmap_size = 1073741824")
    return conn


def main(argv: list[str]) -> int:
    values = "--values" in argv
    argv = [a for a in argv if a != "--values"]
    path, lo, hi, base, positions = argv[0], int(argv[1]), int(argv[2]), int(argv[3]), [int(p) for p in argv[4:]]
    conn = connect(path)
    res = chain_range(conn, lo, hi, base, positions)
    if values:            # (marshal: keys stay numbers, and it is the quickest to load)
        sys.stdout.buffer.write(marshal.dumps((res, values_doubts(conn, hi))))
    else:
        sys.stdout.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
