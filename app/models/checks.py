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
- ``info`` — ``benford`` (first digits of the region's counts deviate from Benford's law,
  χ² with 8 d.f. above 20.09, p < 0.01, judged only with ≥ 50 values).

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
BENFORD_MIN = 50
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
    "benford": ("first digits of {n} count values deviate from Benford's law (χ² = {chi2} > 20.09)",
                "{n} 个计数类数值的首位数字分布偏离本福特定律（χ² = {chi2} > 20.09）"),
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
    """Runs every rule over the region-years of a :class:`Cube`."""

    def __init__(self, cube: Cube, targets: TargetSet, explanations: dict | None = None):
        self.cube, self.ts = cube, targets
        self.cat = cube.catalogue
        self.explanations = explanations or {}
        self._growth_cache = None

    def region_year(self, region: str, year: int) -> list[Finding]:
        out: list[Finding] = []
        r = self.cube.r_index[region]
        y = self.cube.y_index[year]
        reg = self.ts.regions[region]
        P = str(year)
        cube, cat, ii = self.cube, self.cat, self.cube.i_index
        vals = cube.values[r, :, y]
        eff = cube.effective[r, :, y]
        applicable = self.ts.applicable(region, year)
        reported = {t.indicator for t in applicable if t.comparator == "reported"}
        # blocking: type/range
        missing = []
        for code, ind in cat.items():
            v = vals[ii[code]]
            if not np.isnan(v):
                try:
                    check_range(Decimal(repr(float(v))), f"{float(v):g}", ind.kind, ind.unit_zh)
                except InputError as exc:
                    out.append(Finding(region, code, P, "blocking", "range", exc.code, {"text": exc.text, **exc.params}))
            elif ind.applies_to(reg.level) and (ind.required or code in reported) and not ind.derived:
                missing.append(code)
        if missing and np.isnan(vals).all():
            # nothing reported at all: one finding, not one per indicator
            out.append(Finding(region, "*", P, "blocking", "required", "nothing_reported", {"n": len(missing)}))
        else:
            out += [Finding(region, code, P, "blocking", "required", "required_missing") for code in missing]
        # blocking: parts larger than their whole
        for part, whole, code in PART_OF:
            if code is None or part not in ii or whole not in ii:
                continue
            a, b = vals[ii[part]], vals[ii[whole]]
            if not (np.isnan(a) or np.isnan(b)) and a > b:
                d = cat[part].decimals
                out.append(Finding(region, part, P, "blocking", "le", code, {"a": _fmt(a, d), "b": _fmt(b, d)}))
        # blocking: entered derived value disagreeing with its components
        for code, arr in cube.derived.items():
            entered, computed = vals[ii[code]], arr[r, y]
            d = cat[code].decimals
            if not (np.isnan(entered) or np.isnan(computed)) and abs(entered - computed) > 0.5 * 10 ** -d + 1e-9:
                out.append(Finding(region, code, P, "blocking", "derived", "derived_mismatch",
                                   {"a": _fmt(entered, d), "b": _fmt(computed, d), "formula": cat[code].formula}))
        # explain: year-on-year band and robust outlier of the change
        if y > 0:
            prev = cube.effective[r, :, y - 1]
            for code, ind in cat.items():
                band = ind.band()
                j = ii[code]
                a, b = prev[j], eff[j]
                if band is None or np.isnan(a) or np.isnan(b) or a <= 0 or max(a, b) < SMALL_COUNT:
                    continue
                pct = (b / a - 1) * 100
                if abs(pct) > band:
                    d = ind.decimals
                    out.append(Finding(region, code, P, "explain", "yoy", "yoy_band",
                                       {"a": _fmt(a, d), "b": _fmt(b, d), "pct": f"{pct:+.1f}", "band": f"{band:g}"}))
            out += self._outliers(region, r, y, P)
        # explain: a region against the sum of its subordinate regions
        out += self._sums(region, year, r, y, P)
        # explain: falling where a target asks for growth
        if y > 0:
            for t in applicable:
                if t.comparator not in ("increase", "growth>=") or t.year != year:
                    continue
                j = ii[t.indicator]
                a, b = cube.effective[r, j, y - 1], eff[j]
                if not (np.isnan(a) or np.isnan(b)) and b < a:
                    d = cat[t.indicator].decimals
                    out.append(Finding(region, t.indicator, P, "explain", "falling", "falling",
                                       {"a": _fmt(a, d), "b": _fmt(b, d), "document": t.document_zh,
                                        "clause": t.clause or ""}, document=t.document_zh, clause=t.clause))
        # info: Benford over the region's counts up to this year
        out += self._benford(region, r, y, P)
        for f in out:
            f.explanation = self.explanations.get((f.rule, f.region, f.indicator, f.period))
        return out

    def _growth(self):
        if self._growth_cache is None:
            v = self.cube.effective
            with np.errstate(divide="ignore", invalid="ignore"):
                g = np.log(v[:, :, 1:] / v[:, :, :-1])
            g[~np.isfinite(g)] = np.nan
            self._growth_cache = g  # g[..., k] is the change from year k to k+1
        return self._growth_cache

    def _outliers(self, region, r, y, P):
        if y < MZ_MIN_HISTORY + 1:
            return []
        g = self._growth()
        hist = g[r, :, : y - 1]                       # changes before this year's
        cur = g[r, :, y - 1]
        out = []
        for code, j in self.cube.i_index.items():
            if np.isnan(cur[j]) or self.cat[code].kind not in ("count", "amount"):
                continue
            if self.cube.effective[r, j, y] < SMALL_COUNT and self.cat[code].kind == "count":
                continue
            h = hist[j][~np.isnan(hist[j])]
            if len(h) < MZ_MIN_HISTORY:
                continue
            med = float(np.median(h))
            mad = max(float(np.median(np.abs(h - med))), MAD_FLOOR)
            z = 0.6745 * (cur[j] - med) / mad
            if abs(z) > MZ_THRESHOLD:
                out.append(Finding(region, code, P, "explain", "outlier", "outlier_mz",
                                   {"pct": f"{(math.exp(cur[j]) - 1) * 100:+.1f}", "z": f"{z:.1f}"}))
        return out

    def _sums(self, region, year, r, y, P):
        kids = [c for c, reg in self.ts.regions.items() if reg.parent == region and reg.valid_in(year)
                and reg.level != "unit"] if not hasattr(self, "_kids") else self._kids.get(region, [])
        kids = [k for k in kids if k in self.cube.r_index]
        if not kids:
            return []
        rows = [self.cube.r_index[k] for k in kids]
        out = []
        for code, ind in self.cat.items():
            if not ind.additive:
                continue
            j = self.cube.i_index[code]
            own = self.cube.values[r, j, y]
            parts = self.cube.values[rows, j, y]
            if np.isnan(own) or np.isnan(parts).any():
                continue
            total = float(parts.sum())
            base = max(abs(own), abs(total))
            if base and abs(own - total) / base > SUM_TOLERANCE:
                d = ind.decimals
                out.append(Finding(region, code, P, "explain", "sum", "sum_mismatch",
                                   {"a": _fmt(own, d), "b": _fmt(total, d), "n": len(kids),
                                    "pct": f"{(own - total) / base * 100:+.1f}"}))
        return out

    def _benford(self, region, r, y, P):
        counts = [self.cube.i_index[c] for c, ind in self.cat.items() if ind.kind == "count"]
        v = self.cube.values[r, counts, : y + 1].ravel()
        v = v[~np.isnan(v) & (v >= 1)]
        if len(v) < BENFORD_MIN:
            return []
        first = (v / 10 ** np.floor(np.log10(v))).astype(int).clip(1, 9)
        observed = np.bincount(first, minlength=10)[1:]
        expected = np.asarray(BENFORD) * len(v)
        chi2 = float(((observed - expected) ** 2 / expected).sum())
        if chi2 <= BENFORD_CHI2_P01:
            return []
        return [Finding(region, "*", P, "info", "benford", "benford", {"n": len(v), "chi2": f"{chi2:.1f}"})]


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
    below = descendants(db, region) if all_below else (child_codes(db, region, year) if with_children else [])
    wanted = [region] + below
    kids = [c for c, reg in ts.regions.items() if reg.parent in set(wanted)]
    cube = Cube.load(db, regions=list(dict.fromkeys(wanted + kids)), year_from=year - history, year_to=year)
    checker = Checker(cube, ts, load_explanations(db, wanted))
    out = []
    for code in wanted:
        out += checker.region_year(code, year)
    return out


def submission_blockers(findings: list[Finding]) -> list[Finding]:
    """What still stands in the way of submission: blocking ones and unexplained explain ones."""
    return [f for f in findings if f.severity == "blocking" or (f.severity == "explain" and not f.explanation)]


def explain(db, region: str, year: int, rule: str, indicator: str, text: str, *, who: str | None = None,
            period: str | None = None) -> None:
    """Store the written explanation for a finding (audited)."""
    from . import audit
    from .catalogue import indicator as get_indicator, region as get_region
    from .db import now_iso, transaction

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
