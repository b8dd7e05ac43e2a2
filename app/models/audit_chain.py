"""The audit trail's hash chain, recomputed: each row's ``prev_hash`` must be the row before's ``hash``,
and its ``hash`` SHA-256 over the link and the row's fields (see :func:`audit._digest`).

:func:`audit.verify` runs it beside its replay. On a large store it runs in a second process while
the first replays the trail against the tables (two cores, half the time); the child reads the rows up
to the last id of the parent's snapshot (rows are append-only, so both see the same ones)::

    python -m app.models.audit_chain STORE LAST_ID [POSITION ...]

prints one JSON line: ``{"rows", "first_bad", "reason", "head", "at": {position: hash}}`` (``at``: the
hash of the row at each asked position, for the anchors). No import of the rest of ipdesk: the child
starts in a few tens of milliseconds.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

GENESIS = "0" * 64
SELECT = ("select id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash from audit"
          " where id <= ? order by id")
ROOT = Path(__file__).resolve().parent.parent.parent


def chain(rows, positions=()) -> dict:
    """Walk ``rows`` (SELECT's columns, in id order): the first broken row and why, the row count, the last hash."""
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
    return {"rows": n, "first_bad": first_bad, "reason": reason, "head": prev, "at": at}


def read(conn, last_id: int, positions=()) -> dict:
    return chain(conn.execute(SELECT, [last_id]), positions)


def start(path, last_id: int, positions=()):
    """The chain of the store at ``path`` computed in a child process (None when it cannot start)."""
    try:
        return subprocess.Popen([sys.executable, "-m", "app.models.audit_chain", str(path), str(last_id),
                                 *map(str, positions)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, cwd=str(ROOT), env=_env())
    except OSError:
        return None


def finish(proc) -> dict | None:
    """The child's result (None: it failed; the caller computes the chain itself)."""
    try:
        out, _err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            return None
        res = json.loads(out.decode("utf-8"))
        res["at"] = {int(k): v for k, v in res["at"].items()}
        return res
    except (OSError, ValueError, KeyError, AttributeError, subprocess.TimeoutExpired):
        proc.kill()
        return None


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def main(argv: list[str]) -> int:
    path, last_id, positions = argv[0], int(argv[1]), [int(p) for p in argv[2:]]
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("pragma mmap_size = 1073741824")
    res = read(conn, last_id, positions)
    sys.stdout.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
