"""The chain head and the anchor log: the head as documents print it and packages sign it, whether today's
trail continues an earlier head, and the log of heads kept beside the backups (outside the store).
:mod:`app.models.audit` re-exports every name."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .audit_chain import GENESIS
from .store_basics import now_iso
from .storefile import backup_dir


def head(db) -> tuple[str, int]:
    """The chain head as documents print it and packages sign it: (hash of the last row, rows)."""
    row = db.conn.execute("select hash from audit order by id desc limit 1").fetchone()
    return (row[0] if row else GENESIS), db.conn.execute("select count(*) from audit").fetchone()[0]


def extends(db, old_hash: str, old_rows: int) -> bool:
    """Does today's trail continue the one whose head was (``old_hash``, ``old_rows``)? True when its
    row number ``old_rows`` has that hash (the chain itself is :func:`verify`'s to check)."""
    if old_rows < 0:
        return False
    if old_rows == 0:
        return old_hash == GENESIS
    row = db.conn.execute("select hash from audit order by id limit 1 offset ?", [old_rows - 1]).fetchone()
    return row is not None and row[0] == old_hash


def anchor_log(db) -> Path | None:
    """The anchor log beside the backups (None for a store in memory)."""
    folder = backup_dir(db.path)
    return None if folder is None else folder / "anchors.log"


def anchor(db, why: str, *, restored: bool = False) -> tuple[str, int]:
    """Write today's head into the anchor log outside the store (backups, documents and packages call
    it); returns (hash, rows). ``restored`` starts a new history (a restore replaced the store)."""
    h, rows = head(db)
    path = anchor_log(db)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            line = {"at": now_iso(), "rows": rows, "hash": h, "why": why}
            if restored:
                line["restore"] = True
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError:          # a read-only medium: the heads in documents and packages still anchor it
            pass
    return h, rows


def anchors(db) -> list[dict]:
    """The heads in the anchor log since the last restore (unreadable lines are skipped)."""
    path = anchor_log(db)
    if path is None or not path.is_file():
        return []
    out: list[dict] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            a = json.loads(line)
            if not (isinstance(a, dict) and isinstance(a.get("rows"), int) and isinstance(a.get("hash"), str)):
                continue
        except ValueError:
            continue
        if a.get("restore"):
            out = []
        out.append(a)
    return out
