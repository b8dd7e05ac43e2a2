"""The audit trail's hash chain, recomputed: each row's ``prev_hash`` must be the row before's ``hash``,
and its ``hash`` SHA-256 over the link and the row's fields (see :func:`audit._digest`).

:func:`audit.verify` runs it beside its replay. On a large store it runs in a second process while
the first replays the trail (on two cores the verify then takes about the longer of the two, not
their sum); the child reads the rows up to the last id of the parent's snapshot (rows are
append-only, so both see the same ones)::

    python -m app.models.audit_chain STORE LAST_ID [POSITION ...] [--values]

prints one JSON line: ``{"rows", "first_bad", "reason", "head", "at": {position: hash}}`` (``at``: the
hash of the row at each asked position, for the anchors). With ``--values`` it then reads the values
table too — the store's half of the comparison the parent makes once its replay is done — and writes
both with marshal. No import of the rest of ipdesk: the child starts in a few tens of milliseconds.
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
SELECT = ("select id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash from audit"
          " where id <= ? order by id")
ROOT = Path(__file__).resolve().parent.parent.parent
# how long the parent waits for the child's answer before it computes the chain itself (the chain of
# a million rows takes a few seconds; 601 s is as good — equivalent)
WAIT = 600  # pragma: no mutate


def walk(rows, positions=(), out: dict | None = None):
    """Walk ``rows`` (SELECT's columns, in id order), yielding each row's replayed columns ``(id, at, action,
    region, indicator, period, old, new, why)``; at the end ``out`` holds the chain: the first broken row and
    why, the row count, the last hash and the hashes at ``positions`` (one process: the replay reads the
    rows the chain is recomputed from)."""
    sha256 = hashlib.sha256
    prev, n = GENESIS, 0
    first_bad = reason = None
    want = set(positions)
    at: dict[int, str] = {}
    for rid, when, who, action, region, indicator, period, old, new, why, prev_hash, h in rows:
        n += 1
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
        yield rid, when, action, region, indicator, period, old, new, why
    if out is not None:
        out.update(rows=n, first_bad=first_bad, reason=reason, head=prev, at=at)


def chain(rows, positions=()) -> dict:
    """The chain of ``rows`` (SELECT's columns, in id order): see :func:`walk`."""
    out: dict = {}
    for _row in walk(rows, positions, out):
        pass
    return out


def read(conn, last_id: int, positions=()) -> dict:
    return chain(conn.execute(SELECT, [last_id]), positions)


def held_values(conn, last_id: int):
    """The values table as the trail encodes its values — ``{(region, indicator, period): '{"v":"…"}'}`` for
    a value with no note and no source (encode()'s plain case), and ``[(key, value, note, source)]`` for the
    others (the parent encodes them), and the values not in draft with their status — read in one snapshot whose trail still ends at ``last_id``; None when
    it no longer does (a write in between: the parent reads the table itself)."""
    conn.execute("begin")
    try:
        if (conn.execute("select max(id) from audit").fetchone()[0] or 0) != last_id:
            return None
        held, odd = {}, []
        for region, indicator, period, value, note, source in conn.execute(
                'select region, indicator, period, value, note, source from "values"'):
            if not note and not source and value.__class__ is str:
                held[(region, indicator, period)] = '{"v":"' + value + '"}'
            else:
                odd.append(((region, indicator, period), value, note, source))
        marked = conn.execute("select region, indicator, period, year, status from \"values\""
                              " where status is not 'draft'").fetchall()
        return held, odd, marked
    finally:
        conn.execute("rollback")


def start(path, last_id: int, positions=(), *, values: bool = True):
    """The chain of the store at ``path`` computed in a child process (None when it cannot start);
    ``values``: the child reads the values table too (:func:`held_values`) once the chain is done
    (without: its JSON line, for a look by hand)."""
    try:
        return subprocess.Popen([sys.executable, "-m", "app.models.audit_chain", str(path), str(last_id),
                                 *map(str, positions), *(["--values"] if values else [])],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, cwd=str(ROOT), env=_env())
    except OSError:
        return None


def finish(proc) -> tuple:
    """The child's (chain, values as :func:`held_values` read them) — (None, None) when it failed: the
    caller then computes the chain and reads the table itself."""
    try:
        out, _err = proc.communicate(timeout=WAIT)
        if proc.returncode != 0:
            return None, None
        res, held = marshal.loads(out)
        return res, held
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
        return None, None


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def main(argv: list[str]) -> int:
    values = "--values" in argv
    argv = [a for a in argv if a != "--values"]
    path, last_id, positions = argv[0], int(argv[1]), [int(p) for p in argv[2:]]
    # (uri=True: read-only on every SQLite; where SQLite reads URIs by default, as here, uri=False opens the
    # same read-only store — an equivalent mutant on this machine)
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,  # pragma: no mutate
                           isolation_level=None)
    conn.execute("pragma mmap_size = 1073741824")
    res = read(conn, last_id, positions)
    if values:            # (marshal: the parent loads a dict of 735,000 values in a fraction of a second)
        sys.stdout.buffer.write(marshal.dumps((res, held_values(conn, last_id))))
    else:
        sys.stdout.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
