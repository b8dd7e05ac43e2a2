"""Opening the store: one SQLite file, WAL, foreign keys, ordered migrations.

>>> from app.models.db import open_store
>>> store = open_store(":memory:")
>>> store.execute("select value from meta where key='schema_version'").fetchone()
('7',)

Opening a file written by an older schema first copies it to
``<name>.v<old>-<timestamp>.bak`` (SQLite's online backup, so a WAL file is included),
then runs the missing migration steps in one transaction each.

Opening also checks the file: a zero-byte or non-SQLite file is refused and left as it is;
a store failing SQLite's quick check opens read-only (``db.damaged`` says what is wrong and
``db.newest_backup`` which copy to restore). New stores are created user-only (0600). Every
SQLite error of the medium (busy, disk full, I/O, damaged) becomes a :class:`StoreError`:
one sentence naming the real cause.
"""
from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from pathlib import Path

from .errors import IpdeskError
from .messages import register
# the pieces every model module uses, kept in a module of their own so that the reference data
# (loaded here into a new store) can use them without importing this module back
from . import store_basics as _basics
from .store_basics import _refuse_readonly, bump_reference, meta_get, meta_set, now_iso, reference_rev, transaction  # noqa: F401
from .storefile import (  # noqa: F401  (the store's file checks and errors, re-exported)
    StoreError, busy_ms, create_private, note_good, quick_check, refuse_non_store, restore_hint, store_errors,
    translate, _known_good)
from .backups import backup_dir, copy_store, newest_good_backup  # noqa: F401

register({
    "store_newer": ("this store was written by a newer ipdesk (schema {found} > {known}); update ipdesk",
                    "该数据库由更新版本的 ipdesk 写入（结构版本 {found} > {known}），请先升级 ipdesk"),
    "store_not_sqlite": ("{text} is not an ipdesk store (not a SQLite database)",
                         "{text} 不是 ipdesk 数据库（不是 SQLite 文件）"),
    "store_busy": ("{text} is being changed by another program and stayed locked; close it and try again",
                   "{text} 正被其他程序修改且一直被锁定，请关闭该程序后重试"),
    "store_needs_migration": ("{text} was written by an older ipdesk (schema {found}) and is read-only here, so it "
                              "cannot be upgraded; copy it to a writable folder first",
                              "{text} 由旧版 ipdesk 写入（结构版本 {found}），且当前只读无法升级；请先复制到可写的文件夹"),
})


def default_path() -> Path:
    """``IPDESK_DB`` if set, else ``ipdesk.sqlite`` in the user's data directory."""
    env = os.environ.get("IPDESK_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("ipdesk", appauthor=False)) / "ipdesk.sqlite"


# Ordered migrations: index i upgrades schema i -> i+1. Never edit a released step; append.
_MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE regions (
        code TEXT PRIMARY KEY,
        parent TEXT REFERENCES regions(code),
        level TEXT NOT NULL CHECK (level IN ('nation','province','prefecture','county','unit')),
        name_zh TEXT NOT NULL,
        name_en TEXT NOT NULL DEFAULT '',
        valid_from TEXT,
        valid_to TEXT,
        source TEXT
    );
    CREATE INDEX regions_parent ON regions(parent);
    CREATE TABLE indicators (
        code TEXT PRIMARY KEY,
        name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        unit_zh TEXT NOT NULL, unit_en TEXT NOT NULL,
        kind TEXT NOT NULL, decimals INTEGER NOT NULL,
        direction TEXT NOT NULL, aggregate TEXT NOT NULL,
        formula TEXT, levels TEXT NOT NULL, frequency TEXT NOT NULL, note TEXT,
        yoy_band REAL,            -- plausibility band in per cent, NULL = default by kind
        required INTEGER NOT NULL DEFAULT 1,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE target_packs (
        pack TEXT PRIMARY KEY,
        document_zh TEXT NOT NULL, document_en TEXT NOT NULL,
        doc_no TEXT, issued TEXT, active INTEGER NOT NULL DEFAULT 1, source TEXT
    );
    CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        pack TEXT NOT NULL REFERENCES target_packs(pack),
        indicator TEXT NOT NULL REFERENCES indicators(code),
        scope TEXT NOT NULL,      -- national | each_region | region
        region TEXT REFERENCES regions(code),   -- for scope=region: the setting region
        include_children INTEGER NOT NULL DEFAULT 1,
        year INTEGER NOT NULL,    -- target year
        from_year INTEGER NOT NULL,
        comparator TEXT NOT NULL CHECK (comparator IN ('<=','>=','growth>=','increase','reported')),
        value TEXT,
        clause TEXT, clause_text TEXT, nature TEXT, verified TEXT,
        UNIQUE (pack, indicator, scope, region, year, comparator)
    );
    CREATE TABLE "values" (
        region TEXT NOT NULL REFERENCES regions(code),
        indicator TEXT NOT NULL REFERENCES indicators(code),
        period TEXT NOT NULL,
        year INTEGER NOT NULL,
        value TEXT NOT NULL,      -- canonical decimal string as entered (no float noise)
        note TEXT, source TEXT,
        status TEXT NOT NULL DEFAULT 'draft',
        updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
        package TEXT,
        PRIMARY KEY (region, indicator, period)
    ) WITHOUT ROWID;
    CREATE INDEX values_year ON "values"(year, region);
    CREATE TABLE region_years (
        region TEXT NOT NULL REFERENCES regions(code),
        year INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft','complete','submitted','approved','locked')),
        updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (region, year)
    ) WITHOUT ROWID;
    CREATE TABLE explanations (
        rule TEXT NOT NULL, region TEXT NOT NULL REFERENCES regions(code),
        indicator TEXT NOT NULL, period TEXT NOT NULL,
        text TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (rule, region, indicator, period)
    ) WITHOUT ROWID;
    CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('clerk','head')),
        salt BLOB NOT NULL, hash BLOB NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
        region TEXT, indicator TEXT, period TEXT,
        old TEXT, new TEXT, why TEXT,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    """,
    # 1 -> 2: history of one value is read often (audit view, tooltips)
    """
    CREATE INDEX audit_place ON audit(region, indicator, period);
    """,
    # 2 -> 3: signed packages between offices (issue 6): sent, received, trusted keys, questions
    """
    CREATE TABLE packages_sent (
        hash TEXT PRIMARY KEY,            -- SHA-256 of the whole .ipdx file
        region TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
        prev_hash TEXT, file TEXT NOT NULL, bytes INTEGER NOT NULL,
        key_fingerprint TEXT NOT NULL, data_fingerprint TEXT,
        created_at TEXT NOT NULL, created_by TEXT NOT NULL,
        UNIQUE (region, year, seq)
    );
    CREATE TABLE packages_received (
        hash TEXT PRIMARY KEY,
        sender_id TEXT NOT NULL, sender_name TEXT, key_fingerprint TEXT NOT NULL,
        region TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL, prev_hash TEXT,
        state TEXT NOT NULL CHECK (state IN ('received','accepted','returned')),
        received_at TEXT NOT NULL, received_by TEXT NOT NULL, file TEXT,
        manifest TEXT NOT NULL,           -- the signed manifest as received
        counts TEXT                       -- JSON: new / changed / unchanged / removed values
    );
    CREATE INDEX packages_received_place ON packages_received(region, year, sender_id);
    CREATE TABLE trusted_keys (
        fingerprint TEXT PRIMARY KEY,     -- SHA-256 (hex) of the raw Ed25519 public key
        office_id TEXT NOT NULL, name TEXT, public_key TEXT NOT NULL,
        added_at TEXT NOT NULL, added_by TEXT NOT NULL
    );
    CREATE TABLE queries (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('out','in')),   -- out: we asked; in: asked of us
        package TEXT NOT NULL, peer TEXT,
        region TEXT NOT NULL, year INTEGER NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL,
        rule TEXT, question TEXT NOT NULL, value TEXT,
        asked_by TEXT NOT NULL, asked_at TEXT NOT NULL,
        answer TEXT, corrected TEXT, answered_by TEXT, answered_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('open','answered'))
    );
    CREATE INDEX queries_place ON queries(region, year);
    """,
    # 3 -> 4: the audit table without AUTOINCREMENT. Its rows are never deleted (a trigger refuses it), so
    # max(id) + 1 never reuses an id; AUTOINCREMENT only added a read and a write of sqlite_sequence to
    # every row — 16 % of an import's database time. Ids, hashes and the chain are copied unchanged.
    """
    DROP TRIGGER audit_no_update;
    DROP TRIGGER audit_no_delete;
    DROP INDEX audit_place;
    CREATE TABLE audit_v4 (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
        region TEXT, indicator TEXT, period TEXT,
        old TEXT, new TEXT, why TEXT,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL
    );
    INSERT INTO audit_v4 (id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash)
        SELECT id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash FROM audit ORDER BY id;
    DROP TABLE audit;
    ALTER TABLE audit_v4 RENAME TO audit;
    CREATE INDEX audit_place ON audit(region, indicator, period);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    DELETE FROM sqlite_sequence WHERE name = 'audit';
    """,
    # 4 -> 5: the task ledger and the results report (issue 15): tasks from guideline packs and a region's own,
    # their assignments, progress per task x region x period, evidence files (content kept in the store, once
    # per SHA-256, so a package can carry them), and the report's edited section text
    """
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        pack TEXT,                        -- the guideline pack, NULL for a region's own task
        year INTEGER NOT NULL,
        article TEXT NOT NULL DEFAULT '', clause TEXT NOT NULL DEFAULT '',
        scope TEXT NOT NULL CHECK (scope IN ('local','national','all','own')),
        text_zh TEXT NOT NULL, text_en TEXT NOT NULL DEFAULT '',
        responsible_zh TEXT NOT NULL DEFAULT '', responsible_en TEXT NOT NULL DEFAULT '',
        due TEXT NOT NULL,                -- ISO date
        parent TEXT REFERENCES tasks(id),
        owner TEXT REFERENCES regions(code),    -- the region that added an own task
        document_zh TEXT NOT NULL DEFAULT '', doc_no TEXT NOT NULL DEFAULT '',
        source TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL
    );
    CREATE INDEX tasks_year ON tasks(year, owner);
    CREATE TABLE task_assignments (
        task TEXT NOT NULL REFERENCES tasks(id),
        by_region TEXT NOT NULL REFERENCES regions(code),
        kind TEXT NOT NULL CHECK (kind IN ('region','department')),
        assignee TEXT NOT NULL,           -- a region code below by_region, or a department's name
        due TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (task, by_region, kind, assignee)
    ) WITHOUT ROWID;
    CREATE INDEX task_assignments_to ON task_assignments(assignee, kind);
    CREATE TABLE task_progress (
        task TEXT NOT NULL REFERENCES tasks(id),
        region TEXT NOT NULL REFERENCES regions(code),
        period TEXT NOT NULL,             -- 2024Q1, 2024H1, 2024
        year INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('not_started','in_progress','done','late','cancelled')),
        percent INTEGER CHECK (percent BETWEEN 0 AND 100), milestone TEXT, text TEXT, person TEXT, reason TEXT,
        updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (task, region, period)
    ) WITHOUT ROWID;
    CREATE INDEX task_progress_region ON task_progress(region, year);
    CREATE TABLE evidence_files (
        sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, kind TEXT NOT NULL, content BLOB NOT NULL
    );
    CREATE TABLE evidence (
        task TEXT NOT NULL, region TEXT NOT NULL, period TEXT NOT NULL,
        sha256 TEXT NOT NULL REFERENCES evidence_files(sha256),
        name TEXT NOT NULL, kind TEXT NOT NULL, bytes INTEGER NOT NULL,
        added_by TEXT NOT NULL, added_at TEXT NOT NULL,
        PRIMARY KEY (task, region, period, sha256),
        FOREIGN KEY (task, region, period) REFERENCES task_progress(task, region, period)
    ) WITHOUT ROWID;
    CREATE TABLE report_sections (
        region TEXT NOT NULL REFERENCES regions(code),
        year INTEGER NOT NULL,
        section INTEGER NOT NULL CHECK (section BETWEEN 1 AND 5),
        text TEXT NOT NULL,
        base TEXT,                        -- the draft the office's text was edited from
        author TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (region, year, section)
    ) WITHOUT ROWID;
    """,
    # 5 -> 6 (issue 13): a trusted key carries the regions the receiver confirmed for it (JSON list; NULL for a key
    # trusted before: re-confirm), and is retired (never deleted) when a newer key of its office replaces it;
    # a sent package keeps its signed manifest, whose audit head the next package names as its previous head
    """
    ALTER TABLE trusted_keys ADD COLUMN regions TEXT;
    ALTER TABLE trusted_keys ADD COLUMN retired_at TEXT;
    ALTER TABLE trusted_keys ADD COLUMN replaced_by TEXT;
    ALTER TABLE packages_sent ADD COLUMN manifest TEXT;
    """,
    # 6 -> 7 (session 7): the regions' tree enters the audit — no table changes; on the upgrade the tree's
    # differences from the bundled one (divisions imported or units added before it was recorded) are
    # written to the trail once (region_tree rows), so the replay starts from what the store holds
    """
    SELECT 1;
    """,
]

SCHEMA_VERSION = len(_MIGRATIONS)
TASKS_SCHEMA = 5          # the schema that brought the task ledger (its bundled pack is loaded on an upgrade)
TREE_SCHEMA = 7           # the schema from which the regions' tree is audited (its differences recorded on an upgrade)


def _schema_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("select 1 from sqlite_master where type='table' and name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("select value from meta where key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def schema_of(path: str | os.PathLike) -> int | None:
    """The schema version of the store at ``path`` without changing it (None: no such file, or not
    a store). A start compares it with :data:`SCHEMA_VERSION` to know an upgrade is due."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _schema_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def upgrade_due(path: str | os.PathLike) -> bool:
    """Will opening the store at ``path`` upgrade it (copy, then migrate)? Read without changing it."""
    version = schema_of(path)
    return version is not None and 0 < version < SCHEMA_VERSION


def _backup(path: Path, conn: sqlite3.Connection, version: int) -> Path:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.stem}.v{version}-{stamp}.bak")
    n = 1
    while dest.exists():
        dest = path.with_name(f"{path.stem}.v{version}-{stamp}-{n}.bak")
        n += 1
    return copy_store(conn, dest)          # user-only, written whole or not at all


class Store:
    """The open store: one sqlite3 connection in autocommit mode, plus where it lives.

    (sqlite-utils was the first choice, but it imports pandas eagerly when pandas is
    installed — a second of start-up for a window that never needs it — and we used only
    ``execute``.)
    """

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path
        self.backup_path: Path | None = None
        self.readonly = False
        self.damaged: list[str] = []          # the quick check's problems: then read-only
        self.newest_backup: Path | None = None
        self.checked_good = False
        self._backup_checked = path == ":memory:"     # the day's backup is looked for at the first write

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def damage_message(self, lang: str | None = None) -> str | None:
        """One sentence for a damaged store (None when sound): what SQLite found and what to restore."""
        if not self.damaged:
            return None
        from .messages import render

        hint = render("store_no_backup", lang) if self.newest_backup is None else \
            render("store_restore_hint", lang, backup=str(self.newest_backup))
        return render("store_damaged", lang, text=self.path, detail="; ".join(self.damaged[:3]), restore=hint)

    def close(self) -> None:
        self.conn.close()
        if self.checked_good and not self.readonly:
            note_good(self.path)      # what this process wrote after the check is SQLite's own writing


def open_store(path: str | os.PathLike | None = None, *, readonly: bool = False,
               schema: int | None = None, check: bool = True) -> "Store":
    """Open (creating or migrating) the store at ``path``.

    ``schema`` stops migrating at an older version (tests make old stores with it).
    The connection is in autocommit mode (``isolation_level=None``); every multi-row change
    uses :func:`transaction`, so nothing is ever half-written. A zero-byte or non-SQLite file
    is refused untouched; with ``check`` a store failing the quick check opens read-only with
    ``db.damaged`` set (a large store unchanged since its last good check is not read again).
    """
    path = Path(path) if path not in (None, ":memory:") else (default_path() if path is None else path)
    with store_errors(path):
        return _open(path, readonly, schema, check)


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        # on a read-only medium SQLite cannot create the WAL index: read the file as immutable
        medium_ro = not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if medium_ro else "")
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def _open(path, readonly: bool, schema: int | None, check: bool) -> "Store":
    damaged: list[str] = []
    if path != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        refuse_non_store(path)
        new = not path.exists()
        if new and not readonly:
            create_private(path)
        conn = _connect(path, readonly)
        if check and not new and not _known_good(path):
            damaged = quick_check(conn)
            if damaged and not readonly:       # never write into a damaged store: read what can be read
                conn.close()
                readonly = True
                conn = _connect(path, True)
    else:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"pragma busy_timeout = {busy_ms()}")
        conn.execute("pragma foreign_keys = ON")
        if not readonly:
            conn.execute("pragma journal_mode = WAL")
            conn.execute("pragma synchronous = FULL")
        version = _schema_version(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        new = translate(exc, path)       # a damaged first page, a lock held, …: said as it is
        if new is not exc:
            raise new from exc
        raise IpdeskError("store_not_sqlite", text=str(path)) from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise IpdeskError("store_newer", params={"found": version, "known": SCHEMA_VERSION})
    db = Store(conn, str(path))
    db._backup_checked = True          # no day's backup while opening (a migration makes its own copy)
    if damaged:
        db.damaged = damaged
        db.newest_backup = newest_good_backup(path)
        if 0 < version < SCHEMA_VERSION or version == 0:
            conn.close()
            raise StoreError("store_damaged", text=str(path), params={"detail": "; ".join(damaged[:3]),
                                                                       "restore": restore_hint(path)})
    elif check and path != ":memory:":
        db.checked_good = True
    if readonly and 0 < version < SCHEMA_VERSION:
        conn.close()
        raise IpdeskError("store_needs_migration", text=str(path), params={"found": version, "known": SCHEMA_VERSION})
    if version < (schema or SCHEMA_VERSION) and not readonly:
        if version > 0 and path != ":memory:":
            db.backup_path = _backup(Path(path), conn, version)
        for step in range(version, schema or SCHEMA_VERSION):
            try:
                with transaction(db):
                    for statement in _statements(_MIGRATIONS[step]):
                        conn.execute(statement)
                    conn.execute("insert or replace into meta(key, value) values ('schema_version', ?)",
                                 (str(step + 1),))
            except sqlite3.OperationalError as exc:
                conn.close()
                if step == version and db.backup_path:   # nothing changed: the copy is not needed
                    db.backup_path.unlink(missing_ok=True)
                new = translate(exc, path)
                if new is not exc:
                    raise new from exc
                raise
        from . import reference  # loads catalogue, packs and regions into a new store

        if version == 0:
            reference.load_all(db)
        else:
            if version < TASKS_SCHEMA <= (schema or SCHEMA_VERSION):
                from .tasks import load_bundled       # an upgraded store gets the bundled task pack too

                load_bundled(db)
            if version < TREE_SCHEMA <= (schema or SCHEMA_VERSION):
                with transaction(db):
                    from .region_tree import bundled_tree

                    reference.record_tree(db, bundled_tree(), who="ipdesk",
                                          why="recorded at the upgrade: the tree as this store held it")
    if db.checked_good and not readonly:
        note_good(path)
        _user_only(path)
    db.readonly = readonly
    db._backup_checked = readonly or path == ":memory:"
    return db


def _user_only(path: Path) -> None:
    """A store of ours readable by others (0644, as ipdesk made them before) becomes user-only."""
    if os.name != "posix" or path.is_symlink():
        return
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = p.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(p, st.st_mode & 0o700)
        except OSError:
            pass


def _statements(script: str):
    """Split a script into statements (executescript() would COMMIT our transaction first)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def _daily_backup(db) -> None:
    """The first write of a day through this connection makes the day's backup (if none yet)."""
    db._backup_checked = True
    if db.path in (None, ":memory:") or os.environ.get("IPDESK_DAILY_BACKUP", "1") == "0":
        return
    from .backups import daily

    daily(db)


_basics.first_write_of_day = _daily_backup
