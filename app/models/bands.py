"""What the change band and an indicator's kind let a value be — the one rule the checks apply
(``checks.Checker._yoy``) and the entry grid's tooltip shows (合理范围：… （较上年 ±30%）).

>>> from app.models.catalogue import indicators
>>> r = expected_range(indicators(db)["INV_GRANTS"], 1000)
>>> (r.lo, r.hi, r.band, r.unit)
(700.0, 1300.0, 30.0, 'percent')
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .parse import format_value

SMALL_COUNT = 20          # counts below this are too small to judge relative changes
SMALL_KINDS = ("count", "amount", "population")
KIND_BOUNDS = {"percent": (0, 100), "score": (0, 100), "months": (0, 240)}


def _fmt(v: float, decimals: int) -> str:
    return format_value(Decimal(repr(round(float(v), decimals + 4))), decimals)


def yoy_limits(ind, previous):
    """The values this year's change-band check (rule ``yoy``) lets through after last year's
    ``previous`` (its effective value: a derived figure computed): ``(lo, hi)``, floats or arrays
    like ``previous``; NaN where the band does not apply (no band, no previous value, a relative band
    after a value ≤ 0), lo = -inf where a count stays unjudged below ``SMALL_COUNT``.

    A value ``b`` is flagged exactly when ``b < lo`` or ``b > hi`` (the checker asks this, the
    grid's tooltip shows it through :func:`expected_range`).

    >>> from app.models.catalogue import indicators
    >>> [round(x, 6) for x in yoy_limits(indicators(db)["INV_GRANTS"], 100.0)]     # ±30 %: 70 and 130 pass
    [70.0, 130.0]
    """
    band = ind.band()
    prev = np.asarray(previous, dtype=float)
    nan = np.full(prev.shape, np.nan)
    if band is None:
        return (float(nan), float(nan)) if nan.ndim == 0 else (nan, nan.copy())
    tol = band + 1e-9          # (100 → 130 is 30.000000000000004 % in binary floating point, and exactly the band)
    with np.errstate(invalid="ignore"):
        if ind.band_unit == "points":
            lo, hi = prev - tol, prev + tol
        else:
            ok = prev > 0
            lo, hi = np.where(ok, prev * (1 - tol / 100), np.nan), np.where(ok, prev * (1 + tol / 100), np.nan)
            if ind.kind in SMALL_KINDS:        # too small to judge relative changes: flagged only from SMALL_COUNT up
                small = ok & (prev < SMALL_COUNT)
                lo = np.where(small, -np.inf, lo)
                hi = np.where(small, np.maximum(hi, SMALL_COUNT * (1 - 1e-9)), hi)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


@dataclass
class ExpectedRange:
    """What a cell may hold without a change-band finding (or, with no last year, its kind's bounds),
    rounded inward to the indicator's decimals: a value shown inside raises no ``yoy`` finding."""
    lo: float
    hi: float
    band: float | None          # None: the kind's bounds only (no last-year value to compare with)
    unit: str | None            # "percent" (of last year's figure) | "points" | None
    previous: float | None
    small: bool = False         # last year's count below SMALL_COUNT: only a rise to SMALL_COUNT or more is flagged

    def text(self, decimals: int) -> tuple[str, str]:
        return _fmt(self.lo, decimals), _fmt(self.hi, decimals)


def expected_range(ind, previous: float | None) -> ExpectedRange | None:
    """The plausible range of an indicator's annual value after last year's ``previous`` (effective
    value; None when there is none): :func:`yoy_limits` within the kind's bounds, rounded inward.
    None when nothing bounds it (no band applies and the kind is unbounded).

    >>> from app.models.catalogue import indicators
    >>> r = expected_range(indicators(db)["INV_GRANTS"], 1000)
    >>> (r.lo, r.hi, r.band)
    (700.0, 1300.0, 30.0)
    """
    return expected_ranges(ind, [previous])[0]


def expected_ranges(ind, previous: list) -> list[ExpectedRange | None]:
    """:func:`expected_range` of several previous values at once (a grid row: one NumPy pass)."""
    kind_lo, kind_hi = KIND_BOUNDS.get(ind.kind, (0, None))
    prev = np.array([np.nan if p is None else p for p in previous], dtype=float)
    los, his = yoy_limits(ind, prev)
    band, unit, scale = ind.band(), ind.band_unit, 10 ** ind.decimals
    out = []
    for p, lo, hi in zip(prev.tolist(), los.tolist(), his.tolist()):
        if hi != hi:                                   # no band applies
            out.append(None if kind_hi is None else
                       ExpectedRange(float(kind_lo), float(kind_hi), None, None, None if p != p else p))
            continue
        if lo > -math.inf:       # the smallest value at the indicator's decimals that the check lets through
            k = math.ceil(lo * scale)
            k += 1 if k / scale < lo else -1 if (k - 1) / scale >= lo else 0
            lo = max(float(kind_lo), k / scale)
        else:
            lo = float(kind_lo)
        k = math.floor(hi * scale)   # and the largest
        k += -1 if k / scale > hi else 1 if (k + 1) / scale <= hi else 0
        hi = k / scale if kind_hi is None else min(k / scale, float(kind_hi))
        small = lo == float(kind_lo) and unit == "percent" and p < SMALL_COUNT and ind.kind in SMALL_KINDS
        out.append(ExpectedRange(lo, hi, band, unit, p, small))
    return out
