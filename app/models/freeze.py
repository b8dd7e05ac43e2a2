"""Approval freezes what it approved: the regions below an approved (or locked) region-year.

>>> frozen_by(db, "320100", 2022)          # 江苏省 2022 is approved in the demo
('320000', 'approved')
>>> frozen_by(db, "320100", 2024) is None
True

The one rule, used by the write path (:func:`app.models.values.write_values`: set, import,
receive, aggregate) and by the review rules (explain, receive, aggregate): a region-year may
not change while any of its ANCESTORS is approved or locked for that year — the figures the
head approved were summed, checked and reported from them. An unlock of the ancestor lifts it.
The region's own approval is refused by the callers' own lock check (a different sentence).
"""
from __future__ import annotations

from .errors import LockedError
from .messages import register
from .states import LOCKED_STATES, STATUS_ZH

register({
    "frozen_below": ("{ancestor_name} {year} is {status}: the data of the regions below it ({region_name}) cannot "
                     "change until it is unlocked",
                     "{ancestor_name} {year} 年{status_zh}，其下级地区（{region_name}）的数据在解锁前不能修改"),
})

_LOCKED = ",".join(f"'{s}'" for s in LOCKED_STATES)

# the ancestors of one region with their depth, joined with their state in one year: one query
_ANCESTOR_SQL = f"""
with recursive up(code, depth) as (
    select parent, 1 from regions where code = ? and parent is not null
    union all
    select r.parent, up.depth + 1 from regions r join up on r.code = up.code
    where r.parent is not null and up.depth < 32)
select ry.region, ry.status from up join region_years ry on ry.region = up.code and ry.year = ?
where ry.status in ({_LOCKED}) order by up.depth limit 1
"""


def frozen_by(db, region: str, year: int) -> tuple[str, str] | None:
    """``(ancestor, status)`` of the nearest approved/locked ancestor of ``region`` in ``year``, or None."""
    row = db.execute(_ANCESTOR_SQL, [region, int(year)]).fetchone()
    return (row[0], row[1]) if row else None


def frozen_in(db, pairs, *, itself: bool = False) -> dict[tuple[str, int], tuple[str, str]]:
    """``{(region, year): (ancestor, status)}`` for those of ``pairs`` that are frozen — a whole
    batch (an import of 33,000 region-years) in two reads: the locked region-years (none: done)
    and, only when some exist in the batch's years, the parent of every region. ``itself``: a
    region-year locked itself counts too (``(region, status)``), as for what an approval froze."""
    pairs = set(pairs)
    locked = {(r, y): s for r, y, s in db.execute(
        f"select region, year, status from region_years where status in ({_LOCKED})")}
    years = {y for _r, y in locked}
    todo = [(r, y) for r, y in pairs if y in years]
    if not todo:
        return {}
    parent = dict(db.execute("select code, parent from regions"))
    out = {}
    for region, year in todo:
        if itself and (region, year) in locked:
            out[(region, year)] = (region, locked[(region, year)])
            continue
        code, seen = parent.get(region), 0
        while code is not None and seen < 32:
            status = locked.get((code, year))
            if status is not None:
                out[(region, year)] = (code, status)
                break
            code, seen = parent.get(code), seen + 1
    return out


def frozen_error(db, region: str, year: int, found: tuple[str, str]) -> LockedError:
    """The refusal (a :class:`LockedError`) naming the approved ancestor and the region, by their names."""
    ancestor, status = found
    names = dict(db.execute("select code, name_zh from regions where code in (?, ?)", [ancestor, region]))
    return LockedError("frozen_below", region=region, period=str(year), params={
        "ancestor_name": names.get(ancestor, ancestor), "region_name": names.get(region, region), "year": int(year),
        "status": status, "status_zh": STATUS_ZH.get(status, status)})


def check_not_frozen(db, region: str, year: int) -> None:
    """Raise :func:`frozen_error` when an ancestor of ``region`` is approved/locked in ``year``."""
    found = frozen_by(db, region, year)
    if found:
        raise frozen_error(db, region, year, found)
