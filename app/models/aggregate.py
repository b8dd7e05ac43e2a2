"""Aggregate a region from its subordinate regions.

Additive indicators (``aggregate = sum``) are summed; derived ratios are recomputed from
the summed components (never averaged); non-additive shares and rates are left to the
region itself::

    preview = aggregate(db, "320000", 2022)          # {indicator: (value, n_children)}
    aggregate_into(db, "320000", 2022)               # writes them through the one write path
"""
from __future__ import annotations

from decimal import Decimal

from .catalogue import children, indicators as load_indicators
from .parse import canonical
from .values import Change, get_values, write_values


def aggregate(db, region: str, year: int, *, period: str | None = None) -> dict[str, tuple[Decimal, int]]:
    """Sums of additive indicators over the children valid in ``year`` that all reported.

    An indicator is aggregated only when every child has a value (a partial sum would
    look like a fall); the result maps indicator → (sum, number of children).
    """
    period = period or str(year)
    kids = [k for k in children(db, region, year)]
    if not kids:
        return {}
    cat = load_indicators(db)
    additive = [c for c, ind in cat.items() if ind.additive]
    vals = get_values(db, regions=kids, indicators=additive, year_from=year, year_to=year)
    out = {}
    for code in additive:
        parts = [vals.get((k, code, period)) for k in kids]
        if parts and all(p is not None for p in parts):
            out[code] = (sum(parts, Decimal(0)), len(parts))
    return out


def aggregate_into(db, region: str, year: int, *, who: str | None = None) -> int:
    """Write the sums of :func:`aggregate` into ``region`` (audited as ``aggregate``).

    Derived indicators need no writing: they are recomputed from the summed components
    wherever they are shown.
    """
    sums = aggregate(db, region, year)
    changes = [Change(region, code, str(year), canonical(v), source="Σ下级地区") for code, (v, _n) in sums.items()]
    return write_values(db, changes, who=who, why="aggregated from subordinate regions", action="aggregate").written
