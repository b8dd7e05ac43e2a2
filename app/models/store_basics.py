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

from .errors import IpdeskError
from .messages import register

register({
    "store_readonly": ("{text} is open read-only: nothing can be changed", "{text} 以只读方式打开，不能修改"),
})


def now_iso() -> str:
    """Local time as an ISO string with seconds, the one format stored for 'when'."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


class transaction:
    """``with transaction(db):`` — BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

    Nested use joins the outer transaction (savepoints are not needed by our callers).
    """

    def __init__(self, db):  # an app.models.db.Store
        if getattr(db, "readonly", False):
            raise IpdeskError("store_readonly", text=getattr(db, "path", ""))
        self.conn = db.conn
        self.outer = False

    def __enter__(self):
        if self.conn.in_transaction:
            self.outer = True
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if self.outer:
            return False
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except BaseException:          # e.g. 'database is locked' at COMMIT: nothing is kept
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        else:
            self.conn.execute("ROLLBACK")
        return False


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
    if getattr(db, "readonly", False):
        raise IpdeskError("store_readonly", text=getattr(db, "path", ""))
    db.execute("insert or replace into meta(key, value) values (?, ?)", [key, value])
