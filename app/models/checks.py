"""Quality checks over a region-year, each finding naming its rule (and, for targets, the clause).

>>> findings = check(db, "320000", 2024, with_children=True)
>>> sorted({f.rule for f in findings if f.severity == "explain"})
['outlier', 'sum', 'yoy']

Severities:
- ``blocking`` — submission is impossible until fixed: ``range`` (type/range), ``le``
  (a part larger than its whole: high-value > in force, deduction > gross), ``derived``
  (an entered per-10k figure that disagrees with its components), ``required`` (missing);
- ``explain`` — submission needs a written explanation: ``yoy`` (change beyond the
  indicator's plausibility band), ``outlier`` (modified z-score > 3.5 of this year's change
  against the region's own history of changes), ``sum`` (province ≠ Σ cities by > 1 % for
  additive indicators), ``falling`` (a fall where a target asks for growth);
- ``info`` — ``benford`` (first digits of one year's counts of the region and every region
  below it deviate from Benford's law: χ² with 8 d.f. above 20.09, p < 0.01, judged only
  with ≥ 100 values — one region's own few counts, correlated over the years, would
  flag honest figures).

Everything works on :class:`~app.models.cube.Cube` arrays, so a nation's 30,000
region-years take seconds.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np

from .cube import Cube
from .errors import InputError
from .messages import register, render
from .parse import check_range, format_value
from .targets import TargetSet

# Parts that may not exceed their whole: (part, whole, rule message code)
PART_OF = [("HV_PATENTS", "INV_PATENTS_IN_FORCE", "le_hv_stock"),
           ("HV_PATENTS_ABNORMAL", "HV_PATENTS", "le_deduction"),
           ("INV_GRANTS", "INV_APPLICATIONS", None)]  # None: grants may exceed same-year applications
MZ_THRESHOLD = 3.5
MZ_MIN_HISTORY = 4
MAD_FLOOR = 0.02          # log-growth units (~2 %): steady series are not flagged for tiny wobbles
SUM_TOLERANCE = 0.01
SMALL_COUNT = 20          # counts below this are too small to judge relative changes
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
    "outlier_mz": ("this year's change ({pct}%) is an outlier against the region's own history (modified z = {z})",
                   "本年变化（{pct}%）相对本地区历史变化异常（修正 z 值 = {z}）"),
    "sum_mismatch": ("region figure {a} differs from the sum of its {n} subordinate regions {b} by {pct}%",
                     "本级数值 {a} 与 {n} 个下级地区合计 {b} 相差 {pct}%"),
    "falling": ("fell from {a} to {b} where {document} {clause} asks for growth",
                "由 {a} 降至 {b}，而《{document}》{clause} 要求稳步增长"),
    "benford": ("first digits of {n} count values of this region and those below it deviate from Benford's law "
                "(χ² = {chi2} > 20.09)",
                "本地区及下级地区 {n} 个计数类数值的首位数字分布偏离本福特定律（χ² = {chi2} > 20.09）"),
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


def _fmt(v: float, decimals: int) -> str:
    return format_value(Decimal(repr(round(float(v), decimals + 4))), decimals)


class Checker:
    """Runs every rule over all region-years of a :class:`Cube` at once (NumPy masks).

    ``run()`` returns ``{(region, year): [Finding, ...]}``; only flagged cells become
    Python objects, so a nation's 30,000 region-years take about a second.
    """

    def __init__(self, cube: Cube, targets: TargetSet, explanations: dict | None = None):
        self.cube, self.ts = cube, targets
        self.cat = cube.catalogue
        self.explanations = explanations or {}
        self._found: dict[tuple[str, int], list[Finding]] | None = None

    def region_year(self, region: str, year: int) -> list[Finding]:
        if self._found is None:
            self._found = self.run()
        return self._found.get((region, year), [])

    def run(self, regions: list[str] | None = None, years: list[int] | None = None) -> dict:
        cube = self.cube
        R = [cube.r_index[r] for r in (regions or cube.regions)]
        Y = [cube.y_index[y] for y in (years or cube.years)]
        out: dict[tuple[str, int], list[Finding]] = {}
        sel_r = np.zeros(len(cube.regions), bool)
        sel_r[R] = True
        sel_y = np.zeros(len(cube.years), bool)
        sel_y[Y] = True
        self._sel = sel_r[:, None] & sel_y[None, :]       # region × year to report on

        def add(r, y, f):
            f.explanation = self.explanations.get((f.rule, f.region, f.indicator, f.period))
            out.setdefault((cube.regions[r], cube.years[y]), []).append(f)

        for rule in (self._range_and_required, self._parts, self._derived, self._yoy, self._outliers,
                     self._sums, self._falling, self._benford):
            for r, y, f in rule():
                add(r, y, f)
        return out

    # ---- helpers
    def _cells(self, mask2d):
        """(r, y) pairs of a region × year mask, restricted to the selection."""
        return zip(*np.nonzero(mask2d & self._sel))

    def _f(self, r, code, y, severity, rule, msg, params=None, **kw):
        return Finding(self.cube.regions[r], code, str(self.cube.years[y]), severity, rule, msg, params or {}, **kw)

    # ---- blocking
    def _range_and_required(self):
        cube, cat = self.cube, self.cat
        vals = cube.values
        levels = np.array([self.ts.regions[c].level if c in self.ts.regions else "unit" for c in cube.regions])
        empty = np.isnan(vals).all(axis=1)                            # region × year: nothing entered
        reported = self._reported_by_year()
        for code, ind in cat.items():
            j = cube.i_index[code]
            v = vals[:, j, :]
            with np.errstate(invalid="ignore"):
                if ind.kind in ("percent", "score"):
                    bad = (v < 0) | (v > 100)
                elif ind.kind == "months":
                    bad = (v < 0) | (v > 240)
                elif ind.kind == "population":
                    bad = v <= 0
                elif ind.kind == "count":
                    bad = (v < 0) | (v != np.floor(v))
                else:
                    bad = v < 0
            for r, y in self._cells(bad & ~np.isnan(v)):
                x = float(v[r, y])
                try:
                    check_range(Decimal(repr(x)), f"{x:g}", ind.kind, ind.unit_zh)
                except InputError as exc:
                    yield r, y, self._f(r, code, y, "blocking", "range", exc.code, {"text": exc.text, **exc.params})
            if ind.derived:
                continue
            applies = np.array([ind.applies_to(lv) for lv in levels])
            need = np.zeros(vals.shape[::2], bool)
            if ind.required:
                need |= applies[:, None]
            for yy, codes in reported.items():
                if code in codes:
                    need[:, yy] |= applies
            for r, y in self._cells(need & np.isnan(v) & ~empty):
                yield r, y, self._f(r, code, y, "blocking", "required", "required_missing")
        n_required = {lv: sum(1 for i in cat.values() if i.required and not i.derived and i.applies_to(lv))
                      for lv in set(levels)}
        for r, y in self._cells(empty):
            yield r, y, self._f(r, "*", y, "blocking", "required", "nothing_reported", {"n": n_required[levels[r]]})

    def _reported_by_year(self):
        out = {}
        for yy, year in enumerate(self.cube.years):
            out[yy] = {t.indicator for t in self.ts.targets if t.comparator == "reported"
                       and t.scope == "each_region" and t.from_year <= year <= t.year}
        return out

    def _parts(self):
        ii, vals = self.cube.i_index, self.cube.values
        for part, whole, code in PART_OF:
            if code is None or part not in ii or whole not in ii:
                continue
            a, b = vals[:, ii[part], :], vals[:, ii[whole], :]
            with np.errstate(invalid="ignore"):
                bad = a > b
            d = self.cat[part].decimals
            for r, y in self._cells(bad):
                yield r, y, self._f(r, part, y, "blocking", "le", code, {"a": _fmt(a[r, y], d), "b": _fmt(b[r, y], d)})

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

    # ---- explain
    def _yoy(self):
        eff = self.cube.effective
        for code, ind in self.cat.items():
            band = ind.band()
            if band is None:
                continue
            v = eff[:, self.cube.i_index[code], :]
            a, b = v[:, :-1], v[:, 1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                pct = (b / a - 1) * 100
                bad = (a > 0) & (np.maximum(a, b) >= SMALL_COUNT) & (np.abs(pct) > band)
            bad = np.concatenate([np.zeros((len(v), 1), bool), bad], axis=1)
            d = ind.decimals
            for r, y in self._cells(bad):
                yield r, y, self._f(r, code, y, "explain", "yoy", "yoy_band",
                                    {"a": _fmt(v[r, y - 1], d), "b": _fmt(v[r, y], d),
                                     "pct": f"{pct[r, y - 1]:+.1f}", "band": f"{band:g}"})

    def _outliers(self):
        eff = self.cube.effective
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(eff[:, :, 1:] / eff[:, :, :-1])          # g[..., k]: change from year k to k+1
        g[~np.isfinite(g)] = np.nan
        kinds = np.array([self.cat[c].kind in ("count", "amount") for c in self.cube.indicators])
        small = np.array([self.cat[c].kind == "count" for c in self.cube.indicators])
        for y in range(MZ_MIN_HISTORY + 1, len(self.cube.years)):
            if not self._sel[:, y].any():
                continue
            hist = g[:, :, : y - 1]
            cur = g[:, :, y - 1]
            enough = (~np.isnan(hist)).sum(axis=2) >= MZ_MIN_HISTORY
            if not enough.any():
                continue
            # slices without any history (ignored below: not 'enough') get zeros, so nanmedian has no
            # all-NaN slice to warn about (silencing it with catch_warnings is not thread-safe: the
            # checks run in workers)
            hist = np.where(np.isnan(hist).all(axis=2)[:, :, None], 0.0, hist)
            with np.errstate(invalid="ignore"):
                med = np.nanmedian(hist, axis=2)
                mad = np.maximum(np.nanmedian(np.abs(hist - med[:, :, None]), axis=2), MAD_FLOOR)
                z = 0.6745 * (cur - med) / mad
                bad = enough & kinds[None, :] & (np.abs(z) > MZ_THRESHOLD)
                bad &= ~(small[None, :] & (eff[:, :, y] < SMALL_COUNT))
            for r, j in zip(*np.nonzero(bad & self._sel[:, y][:, None])):
                yield r, y, self._f(r, self.cube.indicators[j], y, "explain", "outlier", "outlier_mz",
                                    {"pct": f"{(math.exp(cur[r, j]) - 1) * 100:+.1f}", "z": f"{z[r, j]:.1f}"})

    def _sums(self):
        cube = self.cube
        parent_of = np.full(len(cube.regions), -1)
        for code, i in cube.r_index.items():
            reg = self.ts.regions.get(code)
            if reg and reg.parent in cube.r_index and reg.level != "unit":
                parent_of[i] = cube.r_index[reg.parent]
        kids = parent_of >= 0
        if not kids.any():
            return
        P = parent_of[kids]
        n_kids = np.bincount(P, minlength=len(cube.regions))
        # divisions created or abolished during the span count only in their valid years
        valid = np.ones((len(cube.regions), len(cube.years)), bool)
        for code, i in cube.r_index.items():
            reg = self.ts.regions.get(code)
            if reg and (reg.valid_from or reg.valid_to):
                valid[i] = [reg.valid_in(y) for y in cube.years]
        valid_kids = valid[kids]
        for code, ind in self.cat.items():
            if not ind.additive:
                continue
            v = cube.values[:, cube.i_index[code], :]
            child = np.where(valid_kids, v[kids], 0.0)
            total = np.zeros_like(v)
            missing = np.zeros(v.shape, int)
            np.add.at(total, P, np.nan_to_num(child))
            np.add.at(missing, P, np.isnan(child).astype(int))
            with np.errstate(invalid="ignore", divide="ignore"):
                base = np.maximum(np.abs(v), np.abs(total))
                bad = (n_kids[:, None] > 0) & (missing == 0) & ~np.isnan(v) & (base > 0) & (np.abs(v - total) / base > SUM_TOLERANCE)
            d = ind.decimals
            for r, y in self._cells(bad):
                yield r, y, self._f(r, code, y, "explain", "sum", "sum_mismatch",
                                    {"a": _fmt(v[r, y], d), "b": _fmt(total[r, y], d), "n": int(n_kids[r]),
                                     "pct": f"{(v[r, y] - total[r, y]) / base[r, y] * 100:+.1f}"})

    def _falling(self):
        eff, cube = self.cube.effective, self.cube
        growth_targets = [t for t in self.ts.targets if t.comparator in ("increase", "growth>=")]
        if not growth_targets:
            return
        for yy in range(1, len(cube.years)):
            year = cube.years[yy]
            if not any(t.year == year for t in growth_targets):
                continue
            for r in np.nonzero(self._sel[:, yy])[0]:
                for t in self.ts.applicable(cube.regions[r], year):
                    if t.comparator not in ("increase", "growth>=") or t.year != year:
                        continue
                    j = cube.i_index[t.indicator]
                    a, b = eff[r, j, yy - 1], eff[r, j, yy]
                    if not (np.isnan(a) or np.isnan(b)) and b < a:
                        d = self.cat[t.indicator].decimals
                        yield r, yy, self._f(r, t.indicator, yy, "explain", "falling", "falling",
                                             {"a": _fmt(a, d), "b": _fmt(b, d), "document": t.document_zh,
                                              "clause": t.clause or ""}, document=t.document_zh, clause=t.clause)

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
        tree = own.copy()
        for code, i in cube.r_index.items():          # add each region's digits to all its ancestors
            for anc in self.ts.ancestors(code)[1:]:
                a = cube.r_index.get(anc)
                if a is not None:
                    tree[a] += own[i]
        n = tree.sum(axis=1)                                                          # region × year
        expected = np.asarray(BENFORD)[None, :, None] * n[:, None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            chi2 = np.nansum((tree - expected) ** 2 / np.where(expected > 0, expected, np.nan), axis=1)
        bad = (n >= BENFORD_MIN) & (chi2 > BENFORD_CHI2_P01)
        for r, y in self._cells(bad):
            yield r, y, self._f(r, "*", y, "info", "benford", "benford", {"n": int(n[r, y]), "chi2": f"{chi2[r, y]:.1f}"})


def load_explanations(db, regions: list[str] | None = None) -> dict:
    sql = "select rule, region, indicator, period, text from explanations"
    rows = db.execute(sql).fetchall()
    keep = set(regions) if regions is not None else None
    return {(a, b, c, d): t for a, b, c, d, t in rows if keep is None or b in keep}


def check(db, region: str, year: int, *, with_children: bool = False, all_below: bool = False,
          history: int = 9) -> list[Finding]:
    """Findings for a region-year; ``with_children`` adds its direct subordinate regions,
    ``all_below`` every region below it (cities, counties, units)."""
    from .catalogue import children as child_codes, descendants

    ts = TargetSet.load(db)
    subtree = descendants(db, region)        # sums and the Benford screen look below
    below = subtree if all_below else (child_codes(db, region, year) if with_children else [])
    wanted = [region] + below
    cube = Cube.load(db, regions=[region] + subtree, year_from=year - history, year_to=year)
    found = Checker(cube, ts, load_explanations(db, wanted)).run(regions=wanted, years=[year])
    return [f for code in wanted for f in found.get((code, year), [])]


def submission_blockers(findings: list[Finding]) -> list[Finding]:
    """What still stands in the way of submission: blocking ones and unexplained explain ones."""
    return [f for f in findings if f.severity == "blocking" or (f.severity == "explain" and not f.explanation)]


def explain(db, region: str, year: int, rule: str, indicator: str, text: str, *, who: str | None = None,
            period: str | None = None) -> None:
    """Store the written explanation for a finding (audited)."""
    from . import audit
    from .catalogue import indicator as get_indicator, region as get_region
    from .store_basics import now_iso, transaction

    get_region(db, region)
    if indicator != "*":
        get_indicator(db, indicator)
    if not (text or "").strip():
        raise InputError("why_needed", region=region, indicator=indicator, period=str(year))
    period = period or str(year)
    who = who or audit.current_user()
    with transaction(db):
        old = db.execute("select text from explanations where rule=? and region=? and indicator=? and period=?",
                         [rule, region, indicator, period]).fetchone()
        db.execute("insert into explanations(rule, region, indicator, period, text, author, at) values (?,?,?,?,?,?,?)"
                   " on conflict(rule, region, indicator, period) do update set text=excluded.text,"
                   " author=excluded.author, at=excluded.at", [rule, region, indicator, period, text.strip(), who, now_iso()])
        audit.append(db, [(who, "explain", region, indicator, period, old[0] if old else None, text.strip(), rule)])
