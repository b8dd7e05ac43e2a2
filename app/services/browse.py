"""Small reads the window needs to find its way: the region tree branch by branch, the finder's
list, the office heads, whether the store changed. The window holds no SQL; it asks here::

    top_regions(db)                 # [Region('100000', None, 'nation', '全国', ...)]
    child_regions(db, "320000")     # the 13 cities of Jiangsu, by code
    path_to(db, "320106")           # ['100000', '320000', '320100', '320106']
    store_changes(db)               # changes here or by another connection since: compare two calls

Every function is a plain read through ``db.execute``: usable from a script or a test.
"""
from __future__ import annotations

from app.models.catalogue import REGION_COLS, Region

MAX_DEPTH = 20         # nation → … → unit is 5 levels; a longer chain is a loop in bad data


def parent_codes(db) -> set[str]:
    """The regions that have regions under them (one pass over the parent index, no rows read)."""
    return {p for p, in db.execute("select distinct parent from regions where parent is not null")}


def top_regions(db) -> list[Region]:
    """Regions without a parent, or whose parent is not in the store, by code."""
    return list(map(Region._make, db.execute(
        f"select {REGION_COLS} from regions where parent is null or parent not in (select code from regions)"
        " order by code")))


def child_regions(db, code: str) -> list[Region]:
    """The regions directly under ``code``, by code (all of them, whatever their validity)."""
    return list(map(Region._make, db.execute(f"select {REGION_COLS} from regions where parent = ? order by code",
                                             [code])))


def find_region(db, code: str) -> Region | None:
    """The region ``code``, or None (the window asks for codes it remembered from another store)."""
    row = db.execute(f"select {REGION_COLS} from regions where code = ?", [code]).fetchone()
    return Region._make(row) if row else None


def path_to(db, code: str) -> list[str]:
    """Codes from the top of the tree down to ``code`` (itself last); [] for an unknown code."""
    return [c for c, in db.execute(
        "with recursive up(code, parent, depth) as (select code, parent, 0 from regions where code = ?"
        " union all select r.code, r.parent, up.depth + 1 from regions r join up on r.code = up.parent"
        " where up.depth < ?) select code from up order by depth desc", [code, MAX_DEPTH])]


def region_lines(db) -> list[tuple]:
    """Every region with its parent and grandparent, for the finder: ``(code, name_zh, name_en,
    parent_zh, parent_en, parent_level, grand_zh, grand_en, grand_level)`` by code."""
    return db.execute(
        "select r.code, r.name_zh, r.name_en, p.name_zh, p.name_en, p.level, g.name_zh, g.name_en, g.level"
        " from regions r left join regions p on p.code = r.parent left join regions g on g.code = p.parent"
        " order by r.code").fetchall()


def head_names(db) -> list[str]:
    """The office heads (users who may approve, unlock and override), by name."""
    return [n for n, in db.execute("select name from users where role = 'head' order by name")]


def store_changes(db) -> tuple[int, int]:
    """A token that changes whenever the store does — written through this connection
    (``total_changes``) or another one, e.g. an import's worker (``pragma data_version``)."""
    return db.execute("pragma data_version").fetchone()[0], db.conn.total_changes


def store_intact(db) -> bool:
    """SQLite's own integrity check of the whole file."""
    return db.execute("pragma integrity_check").fetchone()[0] == "ok"
