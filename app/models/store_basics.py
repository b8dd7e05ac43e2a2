"""The store's basic operations, used by every model module: one transaction, the ``meta``
table, the one time stamp format, the revision of the reference data.

They live apart from :mod:`app.models.db` (which re-exports them) because ``db`` loads the
reference data into a new store and :mod:`app.models.reference` needs these to do it: in
``db`` they made an import cycle.

>>> from app.models.db import open_store
>>> store = open_store(":memory:")
>>> with transaction(store):
...     meta_set(store, "office_name", "江苏省知识产权局")
>>> meta_get(store, "office_name")
'江苏省知识产权局'
"""
from __future__ import annotations

import datetime as _dt
import sqlite3

from .errors import IpdeskError
from .messages import register

register({
    "store_readonly": ("{text} is open read-only: nothing can be changed", "{text} 以只读方式打开，不能修改"),
})


def now_iso() -> str:
    """Local time as an ISO string with seconds, the one format stored for 'when'."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


# The first write of a day through a connection makes the day's backup: :mod:`app.models.db`
# sets this hook (the backups live above this module, which every model module imports).
first_write_of_day = None


class transaction:
    """``with transaction(db):`` — BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

    Nested use joins the outer transaction (savepoints are not needed by our callers). SQLite's
    errors of the medium (busy, disk full, I/O) leave as one-sentence ``StoreError``s.
    """

    def __init__(self, db):  # an app.models.db.Store
        _refuse_readonly(db)
        self.db = db
        self.conn = db.conn
        self.path = getattr(db, "path", "")
        self.outer = False

    def __enter__(self):
        from .storefile import translate

        if self.conn.in_transaction:
            self.outer = True
        else:
            if not getattr(self.db, "_backup_checked", True) and first_write_of_day is not None:
                first_write_of_day(self.db)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc
        return self.conn

    def _rollback(self):
        # SQLite has already rolled back after some errors (a full disk): ROLLBACK then fails with
        # 'cannot rollback - no transaction is active', hiding the real cause
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def __exit__(self, exc_type, exc, tb):
        from .storefile import translate

        if self.outer:
            return False
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except BaseException as err:          # e.g. 'database is locked' at COMMIT: nothing is kept
                self._rollback()
                new = translate(err, self.path)
                if new is not err:
                    raise new from err
                raise
        else:
            self._rollback()
            new = translate(exc, self.path)
            if new is not exc:
                raise new from exc
        return False


def _refuse_readonly(db) -> None:
    if getattr(db, "readonly", False):
        if getattr(db, "damaged", None):
            from .storefile import StoreError, restore_hint

            raise StoreError("store_damaged", text=db.path, params={
                "detail": "; ".join(db.damaged[:3]), "restore": restore_hint(db.path)})
        raise IpdeskError("store_readonly", text=getattr(db, "path", ""))


def bump_reference(db) -> None:
    """Mark regions/targets/catalogue as changed (readers drop their cached copies)."""
    db.execute("insert into meta(key, value) values ('reference_rev', '1') on conflict(key)"
               " do update set value = cast(value as integer) + 1")


def reference_rev(db) -> str:
    return meta_get(db, "reference_rev", "0")


def meta_get(db, key: str, default: str | None = None) -> str | None:
    row = db.execute("select value from meta where key = ?", [key]).fetchone()
    return row[0] if row else default


def meta_set(db, key: str, value: str) -> None:
    _refuse_readonly(db)
    if getattr(db, "readonly", False):
        raise IpdeskError("store_readonly", text=getattr(db, "path", ""))
    db.execute("insert or replace into meta(key, value) values (?, ?)", [key, value])
