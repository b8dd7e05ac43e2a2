"""Backups of the store: a folder beside it, copies made with SQLite's online backup API::

    make(db, "import")            # <stem>-backups/<stem>-20250301-101500-import.sqlite, oldest beyond N removed
    list_backups(db.path)         # newest first, with the copies made before a migration
    newest_good_backup(db.path)   # the newest that passes the integrity check

``keep`` is ``IPDESK_BACKUPS_KEEP``, else ``meta.backup_keep``, else 10. The first write of a
day makes the day's backup (:func:`daily`, called by ``db.transaction``). Every copy is
user-only (0600) in a user-only folder (0700), and its chain head goes into the anchor log.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import sqlite3
from pathlib import Path

from .errors import IpdeskError
from . import storefile as _storefile
from .storefile import backup_dir, create_private, refuse_non_store  # noqa: F401  (backup_dir re-exported)

KEEP = 10
_NAME = re.compile(r"-(\d{8})-(\d{6})(?:-\d+)?-([a-z-]+)\.sqlite$")


def list_backups(path) -> list[Path]:
    """Every backup of the store at ``path``, newest first: the rolling ones and the copies made
    before a migration (``<stem>.v<n>-<time>.bak``)."""
    path = Path(path)
    found: list[Path] = []
    folder = backup_dir(path)
    if folder is not None and folder.is_dir():
        found += [p for p in folder.glob(f"{path.stem}-*.sqlite") if p.is_file()]
    found += [p for p in path.parent.glob(f"{path.stem}.v*.bak") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def check_file(path) -> list[str]:
    """The problems of a store file opened read-only ([] when sound): not SQLite, or a failed
    integrity check (the full one: a backup is what one falls back on)."""
    path = Path(path)
    try:
        refuse_non_store(path)
    except IpdeskError as exc:
        return [exc.message()]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = [r[0] for r in conn.execute("pragma integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def newest_good_backup(path) -> Path | None:
    """The newest backup of the store at ``path`` that passes its integrity check."""
    for p in list_backups(path):
        if not check_file(p):
            return p
    return None


def copy_store(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the open store to ``dest`` with SQLite's online backup API (consistent while others
    write; a WAL's content included), user-only (0600)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    part.unlink(missing_ok=True)
    create_private(part)
    try:
        target = sqlite3.connect(part)
        try:
            conn.backup(target, pages=4096)
            target.execute("pragma journal_mode = DELETE")
        finally:
            target.close()
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return dest



def keep(db) -> int:
    """How many rolling backups are kept: ``IPDESK_BACKUPS_KEEP``, else ``meta.backup_keep``, else 10."""
    for text in (os.environ.get("IPDESK_BACKUPS_KEEP"),
                 _meta(db, "backup_keep")):
        if text and text.strip().isdigit() and int(text) > 0:
            return int(text)
    return KEEP


def _meta(db, key):
    try:
        row = db.conn.execute("select value from meta where key = ?", [key]).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def rolling(path) -> list[Path]:
    """The rolling backups of the store at ``path`` (not the migration copies), newest first."""
    path = Path(path)
    folder = backup_dir(path)
    if folder is None or not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{path.stem}-*.sqlite") if p.is_file() and _NAME.search(p.name)]
    return sorted(found, key=lambda p: (_NAME.search(p.name).group(1, 2), p.stat().st_mtime_ns), reverse=True)


def make(db, reason: str) -> Path:
    """Copy the open store into its backup folder now (named by time and ``reason``), note its
    chain head in the anchor log, and remove the oldest beyond :func:`keep`. Returns the copy."""
    from . import audit

    path = Path(db.path)
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    reason = re.sub(r"[^a-z-]+", "-", reason.lower()).strip("-") or "manual"
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{path.stem}-{stamp}-{reason}.sqlite"
    n = 1
    while dest.exists():
        dest = folder / f"{path.stem}-{stamp}-{n}-{reason}.sqlite"
        n += 1
    copy_store(db.conn, dest)
    audit.anchor(db, f"backup {dest.name}")
    for old in rolling(path)[keep(db):]:
        old.unlink(missing_ok=True)
    return dest


def daily(db) -> Path | None:
    """The day's backup, unless one was made today already (any reason counts)."""
    today = _dt.date.today().strftime("%Y%m%d")
    newest = rolling(db.path)
    if newest and _NAME.search(newest[0].name).group(1) == today:
        return None
    try:
        return make(db, "daily")
    except (OSError, sqlite3.Error):     # a backup that cannot be made never stops the work
        return None


_storefile.newest_good = newest_good_backup
