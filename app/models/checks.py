"""Quality checks over region-years, each finding naming its rule (and, for targets, the clause).

Callers ask :func:`app.models.findings.findings` (one region-year, optionally with the
regions below it) or :func:`app.models.findings.findings_all` (every region-year of a
store); :func:`check` is the older name, kept as a thin wrapper.

Severities:
- ``blocking`` — submission is impossible until fixed: ``range`` (type/range, annual and
  sub-annual values alike), ``le`` (a part larger than its whole: high-value > in force,
  deduction > gross), ``derived`` (an entered per-10k figure that disagrees with its
  components), ``required`` (missing), ``quarters`` / ``months`` (sub-annual values that
  disagree with the year: for a flow the four quarters or twelve months add up to the
  annual value within 1 % — and those entered so far never exceed it by more —, for a
  year-end stock the fourth quarter or December equals it);
- ``explain`` — submission needs a written explanation: ``yoy`` (change beyond the
  indicator's plausibility band: per cent of last year's figure for counts, amounts,
  population, per-10k ratios and months; percentage points for percentages and points for
  scores — ``resources/catalogue/checks.csv``), ``outlier`` (modified z-score > 3.5 of this
  year's change against the region's own changes over the previous years), ``sum`` (a
  region ≠ Σ its direct subordinates by > 1 % for additive indicators, per year and per
  quarter or month), ``falling`` (a fall where a target asks for growth);
- ``info`` — ``benford`` (first digits of one year's counts of the region and every region
  below it deviate from Benford's law: χ² with 8 d.f. above 20.09, p < 0.01, judged only
  with ≥ 100 values — one region's own few counts, correlated over the years, would
  flag honest figures).

Everything works on :class:`~app.models.cube.Cube` arrays over all loaded region-years at
once, and a finding depends only on the region and the regions below it over the years
``year - HISTORY .. year``: the same finding whether a region is asked about alone, from
its parent or with the whole nation (a nation's 33,000 region-years in well under a second).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np

from .bands import (KIND_BOUNDS, SMALL_COUNT, SMALL_KINDS, ExpectedRange, _fmt, expected_range,  # noqa: F401
                    expected_ranges, yoy_limits)
from .cube import Cube
from .errors import InputError
from .messages import register, render
from .parse import MAX_MAGNITUDE, check_range
from .targets import TargetSet

# Parts that may not exceed their whole: (part, whole, rule message code)
PART_OF = [("HV_PATENTS", "INV_PATENTS_IN_FORCE", "le_hv_stock"),
           ("HV_PATENTS_ABNORMAL", "HV_PATENTS", "le_deduction"),
           ("INV_GRANTS", "INV_APPLICATIONS", None)]  # None: grants may exceed same-year applications
HISTORY = 9               # years before the checked year that the change rules look at
MZ_THRESHOLD = 3.5
MZ_MIN_HISTORY = 4
MAD_FLOOR = 0.02          # log-growth units (~2 %): steady series are not flagged for tiny wobbles
SUM_TOLERANCE = 0.01
SUB_TOLERANCE = 0.01      # quarters / months of a flow against the year
BENFORD_MIN = 100
BENFORD_CHI2_P01 = 20.09  # χ²(8) critical value at p = 0.01
BENFORD = [math.log10(1 + 1 / d) for d in range(1, 10)]

register({
    "le_hv_stock": ("high-value invention patents ({a}) exceed invention patents in force ({b})",
                    "高价值发明专利拥有量（{a}）大于有效发明专利拥有量（{b}）"),
    "le_deduction": ("the deduction for irregular applications ({a}) exceeds the high-value patents ({b})",
                     "应扣除的非正常申请相关专利（{a}）大于高价值发明专利拥有量（{b}）"),
    "derived_mismatch": ("entered {a} disagrees with {b} computed from {formula}",
                         "填报值 {a} 与由组成指标计算的 {b} 不一致（{formula}）"),
    "required_missing": ("required value missing", "必填指标缺少数值"),
    "nothing_reported": ("nothing reported for this year ({n} required indicators)",
                         "本年度尚未填报任何数据（{n} 项必填指标）"),
    "yoy_band": ("{a} → {b}: change of {pct}% beyond the ±{band}% plausibility band",
                 "{a} → {b}：同比变化 {pct}%，超出 ±{band}% 合理区间"),
    "yoy_points": ("{a}% → {b}%: change of {d} percentage points beyond the ±{band} point plausibility band",
                   "{a}% → {b}%：同比变化 {d} 个百分点，超出 ±{band} 个百分点合理区间"),
    "yoy_score": ("{a} → {b}: change of {d} points beyond the ±{band} point plausibility band",
                  "{a} → {b}：同比变化 {d} 分，超出 ±{band} 分合理区间"),
    "outlier_mz": ("this year's change ({pct}%) is unusual against the region's own changes of past years "
                   "(deviation score {z}; above 3.5 is flagged)",
                   "本年变化（{pct}%）与本地区历年变化相比异常（偏离程度 {z}，超过 3.5 即提示）"),
    "sum_mismatch": ("region figure {a} differs from the sum of its {n} subordinate regions {b} by {pct}%",
                     "本级数值 {a} 与 {n} 个下级地区合计 {b} 相差 {pct}%"),
    "falling": ("fell from {a} to {b} where {document} {clause} asks for growth",
                "由 {a} 降至 {b}，而《{document}》{clause} 要求稳步增长"),
    "benford": ("first digits of {n} count values of this region and those below it deviate from Benford's law "
                "(χ² = {chi2} > 20.09)",
                "本地区及下级地区 {n} 个计数类数值的首位数字分布偏离本福特定律（χ² = {chi2} > 20.09）"),
    "quarters_sum": ("the four quarters add up to {s}, the year's value is {a} ({pct}%)",
                     "四个季度合计 {s}，与全年数值 {a} 不一致（相差 {pct}%）"),
    "quarters_exceed": ("the {n} quarters entered already add up to {s}, more than the year's value {a}",
                        "已填报的 {n} 个季度合计 {s}，已超过全年数值 {a}"),
    "quarter_end": ("the fourth quarter ({q}) differs from the year-end value ({a})",
                    "第四季度数值（{q}）与年末数值（{a}）不一致"),
    "months_sum": ("the twelve months add up to {s}, the year's value is {a} ({pct}%)",
                   "十二个月合计 {s}，与全年数值 {a} 不一致（相差 {pct}%）"),
    "months_exceed": ("the {n} months entered already add up to {s}, more than the year's value {a}",
                      "已填报的 {n} 个月合计 {s}，已超过全年数值 {a}"),
    "month_end": ("December ({q}) differs from the year-end value ({a})",
                  "12 月数值（{q}）与年末数值（{a}）不一致"),
})


@dataclass
class Finding:
    region: str
    indicator: str
    period: str
    severity: str
    rule: str
    code: str
    params: dict = field(default_factory=dict)
    document: str | None = None
    clause: str | None = None
    explanation: str | None = None

    def message(self, lang: str | None = None) -> str:
        return render(self.code, lang, **self.params)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["message"] = self.message("en")
        d["message_zh"] = self.message("zh")
        return d


def _median(x: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN (NaN where all are NaN); a sort, not nanmedian's
    generic path: the history axis is short and the first axes are a nation's."""
    s = np.sort(x, axis=-1)                          # NaN sort last
    n = (~np.isnan(x)).sum(axis=-1)
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(s, np.maximum(n // 2, 0)[..., None], axis=-1)[..., 0]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


class Checker:
    """Runs every rule over all region-years of a :class:`Cube` at once (NumPy masks).

    ``run()`` returns ``{(region, year): [Finding, ...]}``; only flagged cells become
    Python objects.
    """

    def __init__(self, cube: Cube, targets: TargetSet, explanations: dict | None = None):
        self.cube, self.ts = cube, targets
        self.cat = cube.catalogue
        self.explanations = explanations or {}
        self._found: dict[tuple[str, int], list[Finding]] | None = None
        regs = targets.regions
        n = len(cube.regions)
        self.levels = np.array([regs[c].level if c in regs else "unit" for c in cube.regions] or [""], dtype=object)[:n]
        # parent within the cube (-1: none loaded) and whether each region exists in each year
        self.parent = np.array([cube.r_index.get(regs[c].parent, -1) if c in regs else -1 for c in cube.regions],
                               dtype=np.int64)
        self.valid = np.ones((n, len(cube.years)), bool)
        for code, i in cube.r_index.items():
            reg = regs.get(code)
            if reg and (reg.valid_from or reg.valid_to):
                self.valid[i] = [reg.valid_in(y) for y in cube.years]

    def region_year(self, region: str, year: int) -> list[Finding]:
        if self._found is None:
            self._found = self.run()
        return self._found.get((region, year), [])

    def run(self, regions: list[str] | None = None, years: list[int] | None = None) -> dict:
        cube = self.cube
        sel_r = np.zeros(len(cube.regions), bool)
        sel_r[[cube.r_index[r] for r in (regions or cube.regions)]] = True
        sel_y = np.zeros(len(cube.years), bool)
        sel_y[[cube.y_index[y] for y in (years or cube.years)]] = True
        self._sel = sel_r[:, None] & sel_y[None, :]       # region × year to report on
        out: dict[tuple[str, int], list[Finding]] = {}
        ex = self.explanations
        for rule in (self._range_and_required, self._parts, self._derived, self._over_year, self._yoy,
                     self._outliers, self._sums, self._falling, self._benford):
            for r, y, f in rule():
                if ex:
                    f.explanation = ex.get((f.rule, f.region, f.indicator, f.period))
                out.setdefault((cube.regions[r], cube.years[y]), []).append(f)
        return out

    # ---- helpers
    def _cells(self, mask2d):
        """(r, y) pairs of a region × year mask, restricted to the selection."""
        return zip(*np.nonzero(mask2d & self._sel))

    def _layers(self, arr=None):
        """(label, region × indicator × year × k values) for the year (k = 1), quarters, months."""
        cube = self.cube
        yield "year", (cube.values if arr is None else arr)[..., None]
        if cube.quarters is not None:
            yield "Q", cube.quarters
        if cube.months is not None:
            yield "M", cube.months

    def _period(self, label: str, y: int, k: int) -> str:
        year = self.cube.years[y]
        return str(year) if label == "year" else f"{year}Q{k + 1}" if label == "Q" else f"{year}-{k + 1:02d}"

    def _cells3(self, mask3d):
        """(r, y, k) of a region × year × sub-period mask, restricted to the selection."""
        return zip(*np.nonzero(mask3d & self._sel[:, :, None]))

    def _f(self, r, code, y, severity, rule, msg, params=None, period=None, **kw):
        return Finding(self.cube.regions[r], code, period or str(self.cube.years[y]), severity, rule, msg,
                       params or {}, **kw)

    # ---- blocking
    def _range_and_required(self):
        cube, cat = self.cube, self.cat
        vals, levels = cube.values, self.levels
        inds = list(cat.values())
        # unbounded kinds end where the parser's limit ends: a value put into the store behind the app
        # beyond it (1e16, inf) is a range finding too, as the parser would have refused it
        top = float(MAX_MAGNITUDE - 1)       # the largest the parser accepts
        lo = np.array([KIND_BOUNDS.get(i.kind, (0, top))[0] for i in inds], float)
        hi = np.array([KIND_BOUNDS.get(i.kind, (0, top))[1] for i in inds], float)
        whole = np.array([i.kind == "count" for i in inds])
        positive = np.array([i.kind == "population" for i in inds])
        for label, layer in self._layers():                   # every value of every indicator at once
            shape = (1, len(inds), 1, 1)
            with np.errstate(invalid="ignore"):
                bad = (layer < lo.reshape(shape)) | (layer > hi.reshape(shape))
                bad |= positive.reshape(shape) & (layer <= 0)
                bad |= whole.reshape(shape) & (layer != np.floor(layer))
            bad &= ~np.isnan(layer)
            if not bad.any():
                continue
            for r, j, y, k in zip(*np.nonzero(bad & self._sel[:, None, :, None])):
                ind, x = inds[j], float(layer[r, j, y, k])
                try:
                    check_range(Decimal(repr(x)), f"{x:g}", ind.kind, ind.unit_zh)
                except InputError as exc:
                    yield r, y, self._f(r, ind.code, y, "blocking", "range", exc.code, {"text": exc.text, **exc.params},
                                        period=self._period(label, y, k))
        # required values: every entered indicator the level reports, and those a 'reported' target asks for
        # (required_codes: the one rule, which completeness counts against too)
        empty = np.isnan(vals).all(axis=1) & self.valid                   # region × year: nothing entered
        need = np.zeros(vals.shape, bool)
        for yy, reported in self._reported_by_year().items():
            for lv in set(levels):
                cols = [cube.i_index[c] for c in required_codes(cat, lv, reported) if c in cube.i_index]
                if cols:
                    rows = np.nonzero(levels == lv)[0]
                    need[np.ix_(rows, cols, [yy])] = True
        need &= np.isnan(vals) & ~empty[:, None, :] & self.valid[:, None, :]
        for r, j, y in zip(*np.nonzero(need & self._sel[:, None, :])):
            yield r, y, self._f(r, inds[j].code, y, "blocking", "required", "required_missing")
        n_required = {lv: sum(1 for i in inds if i.required and not i.derived and i.applies_to(lv))
                      for lv in set(levels)}
        for r, y in self._cells(empty):
            yield r, y, self._f(r, "*", y, "blocking", "required", "nothing_reported", {"n": n_required[levels[r]]})

    def _reported_by_year(self):
        return {yy: reported_codes(self.ts.targets, year) for yy, year in enumerate(self.cube.years)}

    def _parts(self):
        ii = self.cube.i_index
        for part, whole, code in PART_OF:
            if code is None or part not in ii or whole not in ii:
                continue
            d = self.cat[part].decimals
            for label, layer in self._layers():
                a, b = layer[:, ii[part]], layer[:, ii[whole]]
                with np.errstate(invalid="ignore"):
                    bad = a > b
                for r, y, k in self._cells3(bad):
                    yield r, y, self._f(r, part, y, "blocking", "le", code,
                                        {"a": _fmt(a[r, y, k], d), "b": _fmt(b[r, y, k], d)},
                                        period=self._period(label, y, k))

    def _derived(self):
        for code, computed in self.cube.derived.items():
            entered = self.cube.values[:, self.cube.i_index[code], :]
            d = self.cat[code].decimals
            with np.errstate(invalid="ignore"):
                bad = np.abs(entered - computed) > 0.5 * 10 ** -d + 1e-9
            for r, y in self._cells(bad):
                yield r, y, self._f(r, code, y, "blocking", "derived", "derived_mismatch",
                                    {"a": _fmt(entered[r, y], d), "b": _fmt(computed[r, y], d),
                                     "formula": self.cat[code].formula})

    def _over_year(self):
        """Quarters and months against the year: a flow's add up to it, a stock's last one is it."""
        cube = self.cube
        for label, sub, rule, n_sub in (("Q", cube.quarters, "quarters", 4), ("M", cube.months, "months", 12)):
            if sub is None:
                continue
            for code, ind in self.cat.items():
                if ind.over_year is None or ind.derived:
                    continue
                j, d = cube.i_index[code], ind.decimals
                a, v = cube.values[:, j, :], sub[:, j]
                have = ~np.isnan(v)
                if not have.any():
                    continue
                if ind.over_year == "last":
                    last = v[:, :, -1]
                    with np.errstate(invalid="ignore"):
                        bad = np.abs(last - a) > 0.5 * 10 ** -d + 1e-9
                    for r, y in self._cells(bad):
                        yield r, y, self._f(r, code, y, "blocking", rule, "quarter_end" if label == "Q" else "month_end",
                                            {"q": _fmt(last[r, y], d), "a": _fmt(a[r, y], d)},
                                            period=self._period(label, y, n_sub - 1))
                    continue
                n = have.sum(axis=2)
                total = np.where(have, v, 0.0).sum(axis=2)
                with np.errstate(invalid="ignore", divide="ignore"):
                    base = np.maximum(np.abs(total), np.abs(a))
                    off = (total - a) / base
                    full = (n == n_sub) & (base > 0) & (np.abs(off) > SUB_TOLERANCE)
                    partial = (n > 0) & (n < n_sub) & (base > 0) & (off > SUB_TOLERANCE)
                for r, y in self._cells(full):
                    yield r, y, self._f(r, code, y, "blocking", rule, f"{rule}_sum",
                                        {"s": _fmt(total[r, y], d), "a": _fmt(a[r, y], d),
                                         "pct": f"{off[r, y] * 100:+.1f}"})
                for r, y in self._cells(partial):
                    yield r, y, self._f(r, code, y, "blocking", rule, f"{rule}_exceed",
                                        {"n": int(n[r, y]), "s": _fmt(total[r, y], d), "a": _fmt(a[r, y], d)})

    # ---- explain
    def _yoy(self):
        eff = self.cube.effective
        for code, ind in self.cat.items():
            band = ind.band()
            if band is None:
                continue
            v = eff[:, self.cube.i_index[code], :]
            a, b = v[:, :-1], v[:, 1:]
            points = ind.band_unit == "points"
            lo, hi = yoy_limits(ind, a)            # the one rule: what the cell's tooltip shows as its range
            with np.errstate(invalid="ignore", divide="ignore"):
                bad = (b < lo) | (b > hi)
                change = b - a if points else (b / a - 1) * 100
            bad = np.concatenate([np.zeros((len(v), 1), bool), bad], axis=1)
            d = ind.decimals
            for r, y in self._cells(bad):
                if points:
                    yield r, y, self._f(r, code, y, "explain", "yoy", "yoy_points" if ind.kind == "percent" else "yoy_score",
                                        {"a": _fmt(v[r, y - 1], d), "b": _fmt(v[r, y], d),
                                         "d": f"{change[r, y - 1]:+.{d}f}", "band": f"{band:g}"})
                else:
                    yield r, y, self._f(r, code, y, "explain", "yoy", "yoy_band",
                                        {"a": _fmt(v[r, y - 1], d), "b": _fmt(v[r, y], d),
                                         "pct": f"{change[r, y - 1]:+.1f}", "band": f"{band:g}"})

    def _outliers(self):
        cube = self.cube
        kinds = np.array([self.cat[c].kind in ("count", "amount") for c in cube.indicators])
        ys = np.array([y for y in range(MZ_MIN_HISTORY + 1, len(cube.years)) if self._sel[:, y].any()], np.int64)
        if not kinds.any() or not len(ys):
            return
        rows = np.nonzero(self._sel[:, ys].any(axis=1))[0]
        eff = cube.effective[rows][:, kinds, :]
        codes = [c for c, k in zip(cube.indicators, kinds) if k]
        small = np.array([self.cat[c].kind == "count" for c in codes])
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(eff[:, :, 1:] / eff[:, :, :-1])          # g[..., k]: change from year k to k+1
        g[~np.isfinite(g)] = np.nan
        # the changes between years y-HISTORY .. y-1 (the window findings() loads for year y), for every
        # checked year at once: windows of HISTORY-1 changes over g padded in front
        pad = np.full(g.shape[:2] + (HISTORY - 1,), np.nan)
        windows = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, g], axis=2), HISTORY - 1, axis=2)
        hist = windows[:, :, ys - 1, :]                          # rows × indicators × years × HISTORY-1
        cur = g[:, :, ys - 1]
        enough = (~np.isnan(hist)).sum(axis=3) >= MZ_MIN_HISTORY
        with np.errstate(invalid="ignore"):
            med = _median(hist)
            mad = np.maximum(_median(np.abs(hist - med[..., None])), MAD_FLOOR)
            z = 0.6745 * (cur - med) / mad
            bad = enough & (np.abs(z) > MZ_THRESHOLD)
            bad &= ~(small[None, :, None] & (eff[:, :, ys] < SMALL_COUNT))
        bad &= self._sel[rows][:, ys][:, None, :]
        for k, j, s in zip(*np.nonzero(bad)):
            yield rows[k], ys[s], self._f(rows[k], codes[j], ys[s], "explain", "outlier", "outlier_mz",
                                          {"pct": f"{(math.exp(cur[k, j, s]) - 1) * 100:+.1f}", "z": f"{z[k, j, s]:.1f}"})

    def _sums(self):
        cube = self.cube
        kids = np.nonzero((self.parent >= 0) & (self.levels != "unit"))[0]
        add = [j for j, c in enumerate(cube.indicators) if self.cat[c].additive]
        if not len(kids) or not add:
            return
        kids = kids[np.argsort(self.parent[kids], kind="stable")]      # grouped by parent
        P = self.parent[kids]
        starts = np.r_[0, np.nonzero(np.diff(P))[0] + 1]
        parents = P[starts]
        n_kids = np.bincount(P, minlength=len(cube.regions))
        valid_kids = self.valid[kids][:, None, :, None]
        for label, layer in self._layers():
            v = layer[:, add]                                          # region × additive × year × k
            child = np.where(valid_kids, v[kids], 0.0)
            total = np.zeros_like(v)
            missing = np.zeros(v.shape, np.int64)
            total[parents] = np.add.reduceat(np.nan_to_num(child), starts, axis=0)
            missing[parents] = np.add.reduceat(np.isnan(child).astype(np.int64), starts, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                base = np.maximum(np.abs(v), np.abs(total))
                off = (v - total) / base
                bad = (missing == 0) & ~np.isnan(v) & (base > 0) & (np.abs(off) > SUM_TOLERANCE)
            bad[n_kids == 0] = False
            for r, a, y, k in zip(*np.nonzero(bad & self._sel[:, None, :, None])):
                code = cube.indicators[add[a]]
                d = self.cat[code].decimals
                yield r, y, self._f(r, code, y, "explain", "sum", "sum_mismatch",
                                    {"a": _fmt(v[r, a, y, k], d), "b": _fmt(total[r, a, y, k], d), "n": int(n_kids[r]),
                                     "pct": f"{off[r, a, y, k] * 100:+.1f}"}, period=self._period(label, y, k))

    def _falling(self):
        eff, cube, ts = self.cube.effective, self.cube, self.ts
        growth = ("increase", "growth>=")
        if not any(t.comparator in growth for t in ts.targets):
            return
        own_regions = {t.region for t in ts.targets if t.scope == "region"}
        for yy in range(1, len(cube.years)):
            year = cube.years[yy]
            if not any(t.year == year and t.comparator in growth for t in ts.targets):
                continue
            # which targets apply depends only on being the nation and on the ancestors with targets of
            # their own (at their depth): one applicable() per such group, not one per region
            groups: dict[tuple, list[int]] = {}
            for r in np.nonzero(self._sel[:, yy])[0]:
                code = cube.regions[r]
                chain = ts.ancestors(code)
                key = (self.levels[r] == "nation", tuple((a, k) for k, a in enumerate(chain) if a in own_regions))
                groups.setdefault(key, [code, []])[1].append(r)
            for code, rows in groups.values():
                rows = np.asarray(rows)
                for t in ts.applicable(code, year):
                    if t.comparator not in growth or t.year != year:
                        continue
                    j = cube.i_index[t.indicator]
                    a, b = eff[rows, j, yy - 1], eff[rows, j, yy]
                    with np.errstate(invalid="ignore"):
                        fell = b < a
                    d = self.cat[t.indicator].decimals
                    for r in rows[fell]:
                        yield r, yy, self._f(r, t.indicator, yy, "explain", "falling", "falling",
                                             {"a": _fmt(eff[r, j, yy - 1], d), "b": _fmt(eff[r, j, yy], d),
                                              "document": t.document_zh, "clause": t.clause or ""},
                                             document=t.document_zh, clause=t.clause)

    # ---- info
    def _benford(self):
        """First digits of one year's counts over a region and every region below it."""
        cube = self.cube
        counts = [cube.i_index[c] for c, ind in self.cat.items() if ind.kind == "count"]
        v = cube.values[:, counts, :]
        ok = ~np.isnan(v) & (v >= 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            first = np.where(ok, (v / 10 ** np.floor(np.log10(np.where(ok, v, 1)))).astype(int).clip(1, 9), 0)
        own = np.stack([(first == d).sum(axis=1) for d in range(1, 10)], axis=1)     # region × 9 × year
        # add each region's digits to all its ancestors: deepest first, each level into its parents
        depth = np.zeros(len(cube.regions), np.int64)
        p = self.parent.copy()
        while (p >= 0).any():
            depth += p >= 0
            p = np.where(p >= 0, self.parent[np.maximum(p, 0)], -1)
        tree = own.copy()
        for level in range(int(depth.max(initial=0)), 0, -1):
            at = np.nonzero(depth == level)[0]
            np.add.at(tree, self.parent[at], tree[at])
        n = tree.sum(axis=1)                                                          # region × year
        expected = np.asarray(BENFORD)[None, :, None] * n[:, None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            chi2 = np.nansum((tree - expected) ** 2 / np.where(expected > 0, expected, np.nan), axis=1)
        bad = (n >= BENFORD_MIN) & (chi2 > BENFORD_CHI2_P01)
        for r, y in self._cells(bad):
            yield r, y, self._f(r, "*", y, "info", "benford", "benford", {"n": int(n[r, y]), "chi2": f"{chi2[r, y]:.1f}"})


def reported_codes(targets, year: int) -> set[str]:
    """The indicators a 'reported' target asks every region to report in ``year``."""
    return {t.indicator for t in targets if t.comparator == "reported" and t.scope == "each_region"
            and t.from_year <= year <= t.year}


def required_codes(cat: dict, level: str, reported=()) -> list[str]:
    """The values a region of ``level`` owes for a year: every entered (not derived) indicator its level
    reports that the catalogue marks required or a 'reported' target asks for (``reported``:
    :func:`reported_codes`). The required-values check flags each one missing; completeness counts them."""
    return [c for c, i in cat.items() if not i.derived and i.applies_to(level) and (i.required or c in reported)]


def load_explanations(db, regions: list[str] | None = None, years: list[int] | None = None) -> dict:
    """``{(rule, region, indicator, period): text}`` of the regions (and years) asked for."""
    rows = db.execute("select rule, region, indicator, period, text from explanations").fetchall()
    keep = set(regions) if regions is not None else None
    ys = {str(y) for y in years} if years is not None else None
    return {(a, b, c, d): t for a, b, c, d, t in rows
            if (keep is None or b in keep) and (ys is None or d[:4] in ys)}


def explain(db, region: str, year: int, rule: str, indicator: str, text: str, *, who: str | None = None,
            period: str | None = None, author: str | None = None) -> None:
    """Store the written explanation for a finding (audited with ``who``, the user acting here, as the
    actor; ``author``, default ``who``: the name kept with the text — e.g. a package's sender's)."""
    from . import audit
    from .catalogue import indicator as get_indicator, region as get_region
    from .store_basics import transaction

    get_region(db, region)
    if indicator.startswith("task:"):            # an overdue task's explanation (a package brings it)
        from .task_basics import get_task

        get_task(db, indicator[5:])
    elif indicator != "*":
        get_indicator(db, indicator)
    if not (text or "").strip():
        raise InputError("why_needed", region=region, indicator=indicator, period=str(year))
    period = period or str(year)
    who = who or audit.current_user()
    with transaction(db):
        store_explanation(db, rule, region, indicator, period, text.strip(), who=who, author=author)


def store_explanation(db, rule: str, region: str, indicator: str, period: str, text: str, *, who: str,
                      author: str | None = None) -> None:
    """The one upsert of a finding's explanation with its ``explain`` audit row (``who`` the actor,
    ``author`` the name kept with the text, default ``who``). Callers check and open the transaction:
    :func:`explain` for the indicator rules, :func:`app.models.tasks.explain_overdue` for tasks."""
    from . import audit
    from .store_basics import now_iso

    old = db.execute("select text from explanations where rule=? and region=? and indicator=? and period=?",
                     [rule, region, indicator, period]).fetchone()
    db.execute("insert into explanations(rule, region, indicator, period, text, author, at) values (?,?,?,?,?,?,?)"
               " on conflict(rule, region, indicator, period) do update set text=excluded.text,"
               " author=excluded.author, at=excluded.at", [rule, region, indicator, period, text, author or who, now_iso()])
    audit.append(db, [(who, "explain", region, indicator, period, old[0] if old else None, text, rule)])
