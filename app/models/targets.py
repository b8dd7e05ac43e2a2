"""Which targets apply to a region and year, and how each stands.

>>> ts = TargetSet.load(db)
>>> [t.indicator for t in ts.applicable("320000", 2022)][:2]
['HV_PATENTS_ABNORMAL', 'HV_PATENTS_PER_10K']
>>> status_for(db, "320000", 2022)[0]["status"]
'met'

Rules of application:
- ``national`` targets apply to the nation (100000); ``each_region`` ones to every region;
  ``region`` targets (a province's own, "一省一策") to that region and, with
  ``include_children``, to everything below it.
- Annual targets apply in their year; plan targets from their ``from_year`` to the target year.
- For an indicator, a region's own target takes precedence over pack targets, and the
  nearest region's own target over an ancestor's.

Status, direction-aware through the comparator (``<=`` for lower-is-better cycles):
``met`` · ``on_track`` (projection reaches it) · ``at_risk`` (misses by ≤ 5 % or cannot be
projected) · ``off_track`` · ``no_data``. Projection: least-squares line through the
last ≤ 5 annual values up to the year (≥ 3 needed, else "not enough data").
"""
from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Region, regions as load_regions
from .cube import Cube
from .store_basics import bump_reference, now_iso, reference_rev, transaction
from .errors import InputError, NotFoundError
from .messages import register
from .reference import bad_field

register({
    "unknown_target": ("no target with id {text}", "没有编号为 {text} 的目标"),
    "status_met": ("met", "已达标"), "status_on_track": ("on track", "有望达标"),
    "status_at_risk": ("at risk", "存在风险"), "status_off_track": ("off track", "难以达标"),
    "status_no_data": ("no data", "无数据"),
    "target_value_bad": ("{text!r} is not a target figure: write a number", "“{text}”不是有效的目标值，应填写数字"),
    "target_year_needed": ("give the year the target is for (--year)", "请指明目标年度（--year）"),
})


def _target_value(value: str | None, comparator: str) -> str | None:
    """The figure as stored (``26``, ``16.5``); none for ``increase`` and ``reported``; refused
    when it is not a finite number."""
    from decimal import Decimal, InvalidOperation

    if value is None or (comparator in ("increase", "reported") and not str(value).strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InputError("target_value_bad", text=str(value))
    return format(number.normalize(), "f")

STATUSES = ("met", "on_track", "at_risk", "off_track", "no_data")
SYMBOL = {"met": "●", "on_track": "◐", "at_risk": "▲", "off_track": "✕", "no_data": "○"}
AT_RISK_SHARE = 0.05   # a projection missing a level target by at most 5 % is "at risk"
AT_RISK_POINTS = 2.0   # a growth target missed by at most 2 percentage points is "at risk"
TREND_POINTS = 5


@dataclass(frozen=True)
class Target:
    id: int
    pack: str
    indicator: str
    scope: str
    region: str | None
    include_children: int
    year: int
    from_year: int
    comparator: str
    value: float | None
    clause: str | None
    clause_text: str | None
    nature: str | None
    verified: str | None
    document_zh: str
    document_en: str
    doc_no: str | None

    def document(self, lang: str = "zh") -> str:
        return self.document_zh if lang == "zh" else self.document_en


_COLS = ("t.id, t.pack, t.indicator, t.scope, t.region, t.include_children, t.year, t.from_year, t.comparator,"
         " t.value, t.clause, t.clause_text, t.nature, t.verified, p.document_zh, p.document_en, p.doc_no")


class TargetSet:
    """All active targets and the region tree, loaded once for many region-years."""

    def __init__(self, targets: list[Target], regions: dict[str, Region]):
        self.targets = targets
        self.regions = regions
        self._ancestors: dict[str, list[str]] = {}

    @classmethod
    def load(cls, db) -> "TargetSet":
        """Active targets and regions; cached on the connection until reference data changes."""
        rev = reference_rev(db)
        cached = getattr(db, "_targetset", None)
        if cached is not None and cached[0] == rev:
            return cached[1]
        ts = cls._load(db)
        try:
            db._targetset = (rev, ts)
        except AttributeError:   # a plain connection-like object without attributes
            pass
        return ts

    @classmethod
    def _load(cls, db) -> "TargetSet":
        rows = db.execute(f"select {_COLS} from targets t join target_packs p on p.pack = t.pack"
                          " where p.active = 1 order by t.indicator, t.year, t.id").fetchall()
        targets = [Target(*r[:9], None if r[9] is None else float(r[9]), *r[10:]) for r in rows]
        return cls(targets, load_regions(db))

    def ancestors(self, code: str) -> list[str]:
        """``code`` itself first, then its parent, … up to the root."""
        if code not in self._ancestors:
            chain, cur = [], code
            while cur and cur in self.regions and cur not in chain:
                chain.append(cur)
                cur = self.regions[cur].parent
            self._ancestors[code] = chain
        return self._ancestors[code]

    def applicable(self, region: str, year: int) -> list[Target]:
        reg = self.regions.get(region)
        if reg is None:
            raise NotFoundError("unknown_region", text=region)
        chain = self.ancestors(region)
        pack_targets: list[Target] = []
        own: dict[str, tuple[int, list[Target]]] = {}
        for t in self.targets:
            if not (t.from_year <= year <= t.year):
                continue
            if t.scope == "national" and reg.level == "nation":
                pack_targets.append(t)
            elif t.scope == "each_region":
                pack_targets.append(t)
            elif t.scope == "region" and t.region in chain:
                depth = chain.index(t.region)
                if depth > 0 and not t.include_children:
                    continue
                best = own.get(t.indicator)
                if best is None or depth < best[0]:
                    own[t.indicator] = (depth, [t])
                elif depth == best[0]:
                    best[1].append(t)
        out = [t for t in pack_targets if t.indicator not in own]
        for _depth, ts in own.values():
            out += ts
        return sorted(out, key=lambda t: (t.indicator, t.year, t.id))


def _trend(points: list[tuple[int, float]], at_year: int) -> float | None:
    pts = points[-TREND_POINTS:]
    if len(pts) < 3:
        return None
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
    return my + slope * (at_year - mx)


def _meets(value: float, comparator: str, target: float) -> bool:
    eps = 1e-9 * max(1.0, abs(target))
    return value <= target + eps if comparator == "<=" else value >= target - eps


def evaluate(t: Target, series: list[tuple[int, float]], year: int) -> dict:
    """Status of target ``t`` in ``year`` given the region's annual ``series`` [(year, value)]."""
    points = [(y, v) for y, v in series if y <= year]
    by_year = dict(points)
    latest = points[-1] if points else None
    out = {"status": "no_data", "latest_value": latest[1] if latest else None,
           "latest_period": str(latest[0]) if latest else None, "projected_value": None,
           "required_annual_change": None, "projection_method": None}
    trend_pts = [p for p in points if p[0] < year] if year not in by_year else points
    if len(trend_pts) >= 3:
        used = trend_pts[-TREND_POINTS:]
        out["projection_method"] = f"linear least squares over {used[0][0]}–{used[-1][0]} ({len(used)} points)"
    else:
        out["projection_method"] = "not enough data (fewer than 3 annual values)"
    if t.comparator == "reported":
        out["status"] = "met" if year in by_year else "no_data"
        return out
    if latest is None:
        return out
    if t.comparator in ("<=", ">="):
        target, T = t.value, t.year
        if year in by_year and _meets(by_year[year], t.comparator, target):
            out["status"], out["required_annual_change"] = "met", 0.0
            out["projected_value"] = _trend(points, T) if T > year else by_year[year]
            return out
        proj = _trend(trend_pts, T)
        out["projected_value"] = proj
        years_left = T - latest[0]
        gap = target - latest[1]
        out["required_annual_change"] = gap / years_left if years_left > 0 else gap
        if T == year and year in by_year:
            out["status"] = "off_track"
        elif proj is None:
            out["status"] = "at_risk"
        elif _meets(proj, t.comparator, target):
            out["status"] = "on_track"
        else:
            miss = (proj - target) if t.comparator == "<=" else (target - proj)
            out["status"] = "at_risk" if miss <= AT_RISK_SHARE * abs(target) else "off_track"
        return out
    # growth>= p (per cent over previous year) and increase (strictly above previous year)
    prev = by_year.get(t.year - 1)
    if prev is None:
        return out
    p = t.value if t.comparator == "growth>=" else 0.0
    needed = prev * (1 + p / 100.0)
    current = by_year.get(t.year)
    if current is not None:
        growth = (current / prev - 1) * 100 if prev else None
        out["growth_pct"] = growth
        ok = current >= needed - 1e-9 if t.comparator == "growth>=" else current > prev + 1e-12
        out["status"] = "met" if ok else "off_track"
        out["required_annual_change"] = 0.0 if ok else needed - current
        out["projected_value"] = current
        return out
    proj = _trend(trend_pts, t.year)
    out["projected_value"] = proj
    out["required_annual_change"] = needed - latest[1]
    if proj is None:
        out["status"] = "at_risk"
    else:
        g = (proj / prev - 1) * 100 if prev else 0.0
        out["growth_pct"] = g
        ok = proj >= needed if t.comparator == "growth>=" else proj > prev
        out["status"] = "on_track" if ok else ("at_risk" if p - g <= AT_RISK_POINTS else "off_track")
    return out


def status_rows(ts: TargetSet, cube: Cube, region: str, year: int) -> list[dict]:
    rows = []
    for t in ts.applicable(region, year):
        res = evaluate(t, cube.series(region, t.indicator), year)
        ind = cube.catalogue[t.indicator]
        rows.append({
            "region": region, "year": year, "indicator": t.indicator, "indicator_name": ind.name_zh,
            "unit": ind.unit_zh, "decimals": ind.decimals, "target": t.value, "comparator": t.comparator,
            "target_year": t.year, **res, "document": t.document_zh, "document_en": t.document_en,
            "doc_no": t.doc_no, "clause": t.clause, "clause_text": t.clause_text, "pack": t.pack,
            "target_id": t.id, "scope": t.scope, "verified": t.verified,
        })
    return rows


def status_for(db, region: str, year: int) -> list[dict]:
    """Target status for one region-year (see module docstring)."""
    ts = TargetSet.load(db)
    cube = Cube.load(db, regions=[region], year_to=max([year] + [t.year for t in ts.targets]))
    return status_rows(ts, cube, region, year)


# ---------------------------------------------------------------- editing targets

def list_targets(db, *, pack: str | None = None, region: str | None = None) -> list[Target]:
    sql, args = f"select {_COLS} from targets t join target_packs p on p.pack = t.pack where 1=1", []
    if pack:
        sql += " and t.pack = ?"
        args.append(pack)
    if region:
        sql += " and t.region = ?"
        args.append(region)
    rows = db.execute(sql + " order by t.pack, t.indicator, t.year", args).fetchall()
    return [Target(*r[:9], None if r[9] is None else float(r[9]), *r[10:]) for r in rows]


def edit_target(db, target_id: int, *, value: str | None = None, year: int | None = None,
                comparator: str | None = None, who: str | None = None, why: str | None = None) -> None:
    """Change a target's figure, year or comparator (audited)."""
    from . import audit

    row = db.execute("select pack, indicator, value, year, comparator, region from targets where id = ?",
                     [target_id]).fetchone()
    if not row:
        raise NotFoundError("unknown_target", text=str(target_id))
    new_value = row[2] if value is None else _target_value(value, comparator or row[4])
    if comparator is not None and comparator not in ("<=", ">=", "growth>=", "increase", "reported"):
        raise bad_field(comparator, "comparator", "<= >= growth>= increase reported")
    new = (new_value, year or row[3], comparator or row[4])
    with transaction(db):
        db.execute("update targets set value=?, year=?, comparator=?, from_year=min(from_year, ?) where id=?",
                   [*new, new[1], target_id])
        bump_reference(db)
        audit.append(db, [(who or audit.current_user(), "target_edit", row[5], row[1], str(row[3]),
                           f"{row[4]} {row[2]} ({row[3]})", f"{new[2]} {new[0]} ({new[1]})", why)])


def add_own_target(db, region: str, indicator: str, comparator: str, value: str | None, year: int, *,
                   from_year: int | None = None, clause: str = "", clause_text: str = "",
                   document: str = "", include_children: bool = True, who: str | None = None) -> int:
    """A region's own target ("一省一策"); takes precedence over pack targets for the indicator."""
    from . import audit
    from .catalogue import indicator as get_indicator, region as get_region

    reg = get_region(db, region)
    get_indicator(db, indicator)
    if comparator not in ("<=", ">=", "growth>=", "increase", "reported"):
        raise bad_field(comparator, "comparator", "<= >= growth>= increase reported")
    if year is None:
        raise InputError("target_year_needed")
    value = _target_value(value, comparator)
    pack = f"OWN_{region}"
    with transaction(db):
        db.execute("insert into target_packs(pack, document_zh, document_en, doc_no, issued, source) values (?,?,?,?,?, 'user')"
                   " on conflict(pack) do nothing",
                   [pack, document or f"{reg.name_zh}自定目标", document or f"{reg.name_en or region} own targets", "", now_iso()[:10]])
        db.execute(
            "insert into targets(pack, indicator, scope, region, include_children, year, from_year, comparator, value,"
            " clause, clause_text, nature, verified) values (?,?, 'region', ?,?,?,?,?,?,?,?, 'own', 'user')"
            " on conflict(pack, indicator, scope, region, year, comparator) do update set value=excluded.value,"
            " clause=excluded.clause, clause_text=excluded.clause_text, include_children=excluded.include_children",
            [pack, indicator, region, int(include_children), year, from_year or year, comparator, value, clause, clause_text])
        bump_reference(db)
        audit.append(db, [(who or audit.current_user(), "target_add", region, indicator, str(year), None,
                           f"{comparator} {value}", clause)])
        # the id of the target itself: after an upsert that updated, lastrowid is the last row
        # inserted anywhere (the audit row's), not this target's
        return db.execute(
            "select id from targets where pack=? and indicator=? and scope='region' and region=? and year=?"
            " and comparator=?", [pack, indicator, region, year, comparator]).fetchone()[0]
