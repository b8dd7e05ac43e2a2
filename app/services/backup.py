"""Backups an office can fall back on, and the way back: ``ipdesk backup`` / ``ipdesk restore``.

    before(db, "import")                 # the rolling copy before an import or a receive is applied
    backup_to(db, "u盘/ipdesk-0301.sqlite")
    restore("ipdesk.sqlite", backup)     # the current store is copied first; the backup must pass
                                         # the integrity check and its audit, or nothing changes

The copies are made with SQLite's online backup API (app.models.backups), user-only, N kept
(``IPDESK_BACKUPS_KEEP`` or ``meta.backup_keep``, default 10); the first write of a day makes
the day's copy by itself.
"""
from __future__ import annotations

import datetime as _dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.models import audit
from app.models.backups import backup_dir, check_file, copy_store, list_backups, make, newest_good_backup
from app.models.db import open_store
from app.models.errors import InputError
from app.models.messages import register
from app.models.storefile import StoreError, create_private, holders, store_errors

__all__ = ["before", "backup_to", "restore", "list_backups", "newest_good_backup", "RestoreResult"]

register({
    "backup_exists": ("{text} exists already; name a new file", "{text} 已存在，请指定一个新文件名"),
    "backup_damaged": ("{text} cannot be restored: it is damaged ({detail})", "{text} 不能用于恢复：该备份已损坏（{detail}）"),
    "backup_audit": ("{text} cannot be restored: its audit trail does not match its data ({detail})",
                     "{text} 不能用于恢复：其审计记录与数据不一致（{detail}）"),
    "backup_in_use": ("{text} is open in {holder}; close it before restoring", "{text} 正被 {holder} 使用，请先关闭后再恢复"),
    "backup_same": ("{text} is the store itself", "{text} 就是当前数据库本身"),
})


def before(db, reason: str) -> Path | None:
    """The rolling backup before a change of many values (``reason``: import, receive, …).

    Call it before the transaction that applies the change. None for a store in memory or
    open read-only; a backup that cannot be written raises the :class:`StoreError` saying why
    (so nothing is applied without its copy)."""
    if getattr(db, "readonly", False) or db.path in (None, ":memory:"):
        return None
    with store_errors(backup_dir(db.path)):
        try:
            return make(db, reason)
        except OSError as exc:
            raise StoreError("store_io", text=str(backup_dir(db.path)),
                             params={"detail": exc.strerror or str(exc)}) from exc


def backup_to(db, dest) -> Path:
    """A copy of the store at ``dest`` (never over an existing file), its head in the anchor log."""
    dest = Path(dest)
    if dest.exists():
        raise InputError("backup_exists", text=str(dest))
    with store_errors(dest):
        try:
            copy_store(db.conn, dest)
        except OSError as exc:
            raise StoreError("store_cantopen", text=str(dest), params={"detail": exc.strerror or str(exc)}) from exc
    audit.anchor(db, f"backup {dest.name}")
    return dest


@dataclass
class RestoreResult:
    store: str
    backup: str
    kept: str | None          # the copy of the store as it was before (None: there was none)
    rows: int                 # audit rows of the restored store
    head: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _check_backup(backup: Path) -> None:
    problems = check_file(backup)
    if problems:
        raise InputError("backup_damaged", text=str(backup), params={"detail": "; ".join(problems[:3])})
    db = open_store(backup, readonly=True, check=False)
    try:
        res = audit.verify(db, anchored=False)
        if not res.ok:
            lines = audit.describe(db, res)
            raise InputError("backup_audit", text=str(backup),
                             params={"detail": lines[1] if len(lines) > 1 else res.reason})
    finally:
        db.close()


def _keep_current(store: Path) -> Path | None:
    """Copy the store as it is now into the backup folder: through SQLite when it can be read,
    else the bytes as they are (a damaged or non-SQLite file is kept too)."""
    if not store.exists():
        return None
    folder = backup_dir(store)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{store.stem}-{stamp}-before-restore.sqlite"
    n = 1
    while dest.exists():
        dest = folder / f"{store.stem}-{stamp}-{n}-before-restore.sqlite"
        n += 1
    try:
        conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
            copy_store(conn, dest)
        finally:
            conn.close()
    except sqlite3.Error:
        create_private(dest)
        shutil.copyfile(store, dest)
        wal = Path(str(store) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(dest) + "-wal"))
    return dest


def restore(store, backup, *, who: str | None = None) -> RestoreResult:
    """Replace the store at ``store`` by ``backup``: the backup must pass SQLite's integrity check
    and its own audit; the current store is copied first (``kept``); no other program may have it
    open. The anchor log starts again from the restored head (what happened after the backup is
    in the kept copy)."""
    store, backup = Path(store), Path(backup)
    if store.exists() and backup.resolve() == store.resolve():
        raise InputError("backup_same", text=str(backup))
    if not backup.is_file():
        raise InputError("backup_damaged", text=str(backup), params={"detail": "no such file"})
    _check_backup(backup)
    others = holders(store) if store.exists() else []
    if others:
        raise InputError("backup_in_use", text=str(store), params={"holder": "、".join(others)})
    kept = _keep_current(store)
    store.parent.mkdir(parents=True, exist_ok=True)
    part = store.with_name(f".{store.name}.{os.getpid()}.restore.part")
    part.unlink(missing_ok=True)
    with store_errors(store):
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy_store(src, part)
        finally:
            src.close()
        for side in ("-wal", "-shm"):          # the old store's journal belongs to the old file
            Path(str(store) + side).unlink(missing_ok=True)
        os.replace(part, store)
        os.chmod(store, 0o600)
        db = open_store(store)
        try:
            h, rows = audit.anchor(db, f"restore from {backup.name}" + (f" by {who}" if who else ""), restored=True)
        finally:
            db.close()
    return RestoreResult(str(store), str(backup), None if kept is None else str(kept), rows, h)
