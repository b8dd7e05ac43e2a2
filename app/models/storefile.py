"""The store's file: checks before SQLite opens it, its health, and SQLite's errors as one sentence.

    refuse_non_store(Path("empty.sqlite"))     # a zero-byte file: StoreError("store_empty"), file untouched
    with store_errors(db.path):                # 'database is locked' -> StoreError("store_busy_by", holder=…)
        ...

A store is checked with SQLite's quick check when it opens; a large one (over
:data:`QUICK_CHECK_CACHE_BYTES`) is not read again while its file is as it was after its last
good check (size, time and inode of the file and its WAL, kept in ``health.json`` in the
backup folder). Errors of the medium — busy, disk full, I/O, damaged, cannot open — become a
:class:`StoreError`: ``translate(exc, path)`` or ``with store_errors(path):``.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from pathlib import Path

from .errors import IpdeskError
from .messages import register

register({
    "store_busy_by": ("{text} is being changed by {holder} and stayed locked for {seconds} s; wait for it to finish "
                      "or close it, then try again",
                      "{text} 正被 {holder} 修改，等待 {seconds} 秒后仍被锁定；请等其完成或关闭后重试"),
    "store_full": ("the disk holding {text} is full: nothing of this change was saved; free some space and try again",
                   "{text} 所在磁盘已满，本次修改未保存；请腾出磁盘空间后重试"),
    "store_io": ("the disk could not read or write {text} ({detail}); nothing of this change was saved; check the "
                 "disk or medium", "读写 {text} 时磁盘出错（{detail}），本次修改未保存；请检查磁盘或存储介质"),
    "store_cantopen": ("{text} cannot be opened ({detail}): check that the folder exists and you may use it",
                       "无法打开 {text}（{detail}）；请检查文件夹是否存在、是否有权限"),
    "store_no_permission": ("{text} may not be changed by you ({detail})", "您无权修改 {text}（{detail}）"),
    "store_corrupt": ("{text} is damaged ({detail}){restore}", "{text} 已损坏（{detail}）{restore}"),
    "store_damaged": ("{text} is damaged (SQLite's check: {detail}) and is open read-only{restore}",
                      "{text} 已损坏（SQLite 检查：{detail}），已以只读方式打开{restore}"),
    "store_restore_hint": ("; the newest good backup is {backup} — restore it with: ipdesk restore \"{backup}\"",
                           "；最新的完好备份为 {backup}，恢复命令：ipdesk restore \"{backup}\""),
    "store_no_backup": ("; no good backup was found", "；未找到完好的备份"),
    "store_empty": ("{text} is an empty file (0 bytes), not an ipdesk store; it was left as it is. Move it away to "
                    "start a new store, or restore a backup", "{text} 是空文件（0 字节），不是 ipdesk 数据库，已原样保留；"
                    "如需新建数据库请先移走该文件，或恢复备份"),
    "store_sqlite": ("SQLite error on {text}: {detail}", "数据库 {text} 出错：{detail}"),
})


# ---------------------------------------------------------------- errors of the medium, as one sentence

class StoreError(IpdeskError, sqlite3.OperationalError):
    """A SQLite error of the medium (busy, full, I/O, damaged, cannot open) as one sentence.

    Still a ``sqlite3.OperationalError`` for code that catches those; ``params['sqlite']`` keeps
    SQLite's own name of the error (``SQLITE_BUSY``, ``SQLITE_FULL`` …)."""


_CAUSE = {5: "busy", 6: "busy", 13: "store_full", 10: "store_io", 11: "corrupt", 26: "store_not_sqlite",
          14: "store_cantopen", 8: "store_no_permission", 3: "store_no_permission", 23: "store_no_permission",
          7: "store_io", 15: "busy"}


def busy_ms() -> int:
    """How long a write waits for another program's lock (``IPDESK_BUSY_MS``, default 5 s)."""
    try:
        return max(0, int(os.environ.get("IPDESK_BUSY_MS", "5000")))
    except ValueError:
        return 5000


def holders(path) -> list[str]:
    """Who has the store open, where that can be known: the window's lock file, and (Linux) the
    other processes with the file open. Each as 'program (pid N)'."""
    out: list[str] = []
    path = Path(path)
    try:
        lines = Path(str(path) + ".lock").read_text(errors="replace").splitlines()
        if lines and lines[0].strip().isdigit() and _alive(int(lines[0].strip())):
            out.append(f"{lines[1] if len(lines) > 1 and lines[1] else 'ipdesk'} (pid {lines[0].strip()})")
    except OSError:
        pass
    try:
        names = {str(path.resolve()), str(path.resolve()) + "-wal"}
    except OSError:
        return out
    me = os.getpid()
    proc = Path("/proc")
    if proc.is_dir():
        for d in proc.iterdir():
            if not d.name.isdigit() or int(d.name) == me:
                continue
            try:
                if any(os.readlink(fd) in names for fd in (d / "fd").iterdir()):
                    cmd = (d / "cmdline").read_bytes().split(b"\0")
                    prog = " ".join(os.path.basename(c.decode(errors="replace")) for c in cmd[:3] if c) or \
                        (d / "comm").read_text().strip()
                    who = f"{prog} (pid {d.name})"
                    if not any(f"pid {d.name})" in o for o in out):
                        out.append(who)
            except OSError:
                continue
    return out


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # exists, someone else's
        return True
    return True


def translate(exc: BaseException, path) -> BaseException:
    """The :class:`StoreError` for a SQLite error of the medium; other errors (constraints, a
    trigger's refusal, a program error) are returned unchanged."""
    if isinstance(exc, IpdeskError) or not isinstance(exc, sqlite3.Error):
        return exc
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc)
    cause = _CAUSE.get(code & 0xFF) if code is not None else None
    if cause is None:
        low = text.lower()
        cause = ("busy" if "locked" in low or "busy" in low else "store_full" if "disk is full" in low
                 else "corrupt" if "malformed" in low else "store_not_sqlite" if "not a database" in low
                 else "store_io" if "disk i/o" in low else None)
        if cause is None:
            return exc
    params = {"detail": text, "sqlite": getattr(exc, "sqlite_errorname", None) or ""}
    if cause == "busy":
        who = holders(path)
        if who:
            return StoreError("store_busy_by", text=str(path), params=params | {"holder": "、".join(who),
                                                                               "seconds": busy_ms() / 1000})
        return StoreError("store_busy", text=str(path), params=params)
    if cause == "corrupt":
        return StoreError("store_corrupt", text=str(path), params=params | {"restore": restore_hint(path)})
    return StoreError(cause, text=str(path), params=params)


class store_errors:
    """``with store_errors(path):`` — a SQLite error of the medium leaves as a :class:`StoreError`."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None:
            new = translate(exc, self.path)
            if new is not exc:
                raise new from exc
        return False


# ---------------------------------------------------------------- the file before SQLite sees it, and its health

SQLITE_HEADER = b"SQLite format 3\x00"
QUICK_CHECK_CACHE_BYTES = 32 * 1024 * 1024   # smaller stores are checked at every open (well under 0.1 s)


def refuse_non_store(path: Path) -> None:
    """A zero-byte or non-SQLite file is refused and never touched (SQLite would make a zero-byte
    file an empty database, and ipdesk an empty store)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError("store_cantopen", text=str(path), params={"detail": exc.strerror or str(exc)}) from exc
    if path.is_dir():
        raise StoreError("store_cantopen", text=str(path), params={"detail": "a folder"})
    if st.st_size == 0:
        raise StoreError("store_empty", text=str(path))
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError("store_cantopen", text=str(path), params={"detail": exc.strerror or str(exc)}) from exc
    if head != SQLITE_HEADER:
        raise StoreError("store_not_sqlite", text=str(path))


def create_private(path: Path) -> None:
    """Create a new store file user-only (0600) before SQLite opens it (its -wal and -shm files take
    the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass


def _health_key(path: Path) -> dict | None:
    try:
        st = path.stat()
    except OSError:
        return None
    wal = Path(str(path) + "-wal")
    ws = wal.stat() if wal.exists() else None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino,
            "wal": [ws.st_size, ws.st_mtime_ns] if ws else None}


def _health_file(path: Path) -> Path:
    return _backup_dir(path) / "health.json"


def _known_good(path: Path) -> bool:
    key = _health_key(path)
    if key is None or key["size"] < QUICK_CHECK_CACHE_BYTES:
        return False
    try:
        return json.loads(_health_file(path).read_text()).get("key") == key
    except (OSError, ValueError, AttributeError):
        return False


def note_good(path) -> None:
    """Remember that the store as it is now on disk passed the check (large stores only)."""
    if path in (None, ":memory:"):
        return
    path = Path(path)
    key = _health_key(path)
    if key is None or key["size"] < QUICK_CHECK_CACHE_BYTES:
        return
    try:
        folder = _backup_dir(path)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _health_file(path).write_text(json.dumps({"key": key, "at": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}))
    except OSError:
        pass


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check (every page of every table and index read; index contents not compared):
    [] when the store is sound, else its first problems."""
    try:
        found = [r[0] for r in conn.execute("pragma quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def restore_hint(path) -> str:
    """'; the newest good backup is … — restore it with …', in the current language, or that there is none."""
    from .messages import render

    best = _newest_good(path) if path not in (None, ":memory:") else None
    if best is None:
        return render("store_no_backup")
    return render("store_restore_hint", backup=str(best))




def backup_dir(path) -> Path | None:
    """Where the rolling backups (and the anchor log) of the store at ``path`` live:
    ``<stem>-backups`` beside the store, or inside ``IPDESK_BACKUP_DIR`` when that is set (another
    disk). None for ``:memory:``."""
    if path in (None, ":memory:"):
        return None
    path = Path(path)
    env = os.environ.get("IPDESK_BACKUP_DIR")
    return (Path(env) if env else path.parent) / f"{path.stem}-backups"


_backup_dir = backup_dir

# The newest backup that passes its checks: set by :mod:`app.models.backups` (which sits above
# this module and verifies a backup's audit trail).
newest_good = None


def _newest_good(path):
    return newest_good(path) if newest_good is not None else None
