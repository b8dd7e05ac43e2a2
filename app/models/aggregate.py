"""Aggregate a region from its subordinate regions: a dry run first, then an all-or-nothing apply.

Additive indicators (``aggregate = sum``) are summed; derived ratios are recomputed from
the summed components (never averaged); non-additive shares and rates are left to the
region itself::

    sums = aggregate(db, "320000", 2022)              # {indicator: (value, n_children)}
    plan = plan_aggregate(db, "320000", 2022)         # new / changed old → new / unchanged / conflicts
    plan.conflicts                                    # the region's own figures that differ from the sum
    res = apply_aggregate(db, "320000", 2022)         # writes new and changed; keeps the region's own figures
    res = apply_aggregate(db, "320000", 2022, take_sums=True)   # … or replaces them too (asked for)

A figure is the region's *own* when the last write of it was anything but an aggregation
(typed, imported, received, demo data — the audit trail says); a figure the last aggregation
wrote is the sum's and may be replaced by the new sum. Own figures that differ from the sum
are conflicts: listed, never overwritten unless ``take_sums`` is given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .catalogue import children, indicators as load_indicators, region as get_region
from .errors import IpdeskError
from .messages import register
from .parse import canonical
from .values import Change, get_values, write_values

SOURCE = "Σ下级地区"                        # the source column of an aggregated value
VALUE_ACTIONS = ("set", "import", "aggregate", "delete", "receive")      # audit actions that write a value

register({
    "aggregate_conflicts_kept": (
        "{n} figure(s) entered by {region_name} itself differ from the sum of its subordinate regions and were kept: "
        "{items} (to replace them with the sums: --take-sums)",
        "{region_name}本级自行填报的 {n} 个数值与下级合计不一致，已保留未覆盖：{items}（如需以下级合计覆盖，请加 --take-sums）"),
})


@dataclass
class AggregateItem:
    """One indicator of the region: what the sum would do to it."""

    indicator: str
    period: str
    kind: str                      # new / changed / unchanged / conflict
    old: str | None
    new: str
    children: int
    old_source: str | None = None
    last_by: str | None = None     # who wrote the stored figure last (a conflict: whose own figure)
    last_at: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class AggregatePlan:
    region: str
    region_name: str
    year: int
    items: list[AggregateItem]
    incomplete: dict[str, list[str]]           # indicator -> subordinate regions without a value (not summed)
    refusal: IpdeskError | None = None
    kids: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[AggregateItem]:
        return [i for i in self.items if i.kind == "conflict"]

    def counts(self) -> dict[str, int]:
        c = {k: sum(i.kind == k for i in self.items) for k in ("new", "changed", "unchanged", "conflict")}
        c["incomplete"] = len(self.incomplete)
        return c

    def to_dict(self, *, unchanged: bool = False) -> dict:
        return {"region": self.region, "region_name": self.region_name, "year": self.year, "counts": self.counts(),
                "refusal": self.refusal.to_dict() if self.refusal else None,
                "items": [i.to_dict() for i in self.items if unchanged or i.kind != "unchanged"],
                "incomplete": self.incomplete}


@dataclass
class AggregateResult:
    plan: AggregatePlan
    written: int
    kept: list[AggregateItem]      # conflicts left as the region entered them

    def to_dict(self) -> dict:
        return {**self.plan.to_dict(), "written": self.written, "kept": [i.to_dict() for i in self.kept]}


def _sums(db, region: str, year: int, period: str, vals: dict | None = None
          ) -> tuple[dict[str, tuple[Decimal, int]], dict[str, list[str]], list[str]]:
    kids = list(children(db, region, year))
    if not kids:
        return {}, {}, kids
    cat = load_indicators(db)
    additive = [c for c, ind in cat.items() if ind.additive]
    if vals is None:
        vals = get_values(db, regions=kids, indicators=additive, year_from=year, year_to=year)
    out, missing = {}, {}
    for code in additive:
        parts = [vals.get((k, code, period)) for k in kids]
        if all(p is not None for p in parts):
            out[code] = (sum(parts, Decimal(0)), len(parts))
        elif any(p is not None for p in parts):
            missing[code] = [k for k, p in zip(kids, parts) if p is None]
    return out, missing, kids


def periods_held(vals: dict, year: int) -> list[str]:
    """The year, then the quarters and months of it that the subordinate regions hold: sub-annual
    figures aggregate up like annual ones (each period on its own, when every subordinate has it)."""
    sub = sorted({p for (_r, _i, p) in vals if p != str(year) and p[:4] == str(year)})
    return [str(year)] + sub


def aggregate(db, region: str, year: int, *, period: str | None = None) -> dict[str, tuple[Decimal, int]]:
    """Sums of additive indicators over the children valid in ``year`` that all reported.

    An indicator is aggregated only when every child has a value (a partial sum would
    look like a fall); the result maps indicator → (sum, number of children).
    """
    return _sums(db, region, year, period or str(year))[0]


def refusal(db, region: str, year: int) -> IpdeskError | None:
    """Why ``region`` ``year`` may not be aggregated now, or None: the review service's rule
    (:func:`app.models.review.check_aggregate`), asked before anything is planned."""
    from .review import Refused, check_aggregate

    try:
        check_aggregate(db, region, year)
    except Refused as exc:
        return exc
    return None


def _last_writes(db, region: str, period: str) -> dict[str, tuple[str, str, str]]:
    """indicator -> (action, who, at) of the last audited write of each value of ``region`` ``period``."""
    marks = ",".join("?" * len(VALUE_ACTIONS))
    out = {}
    for indicator, action, who, at in db.execute(
            f"select indicator, action, who, at from audit where region = ? and period = ? and action in ({marks})"
            " order by id", [region, period, *VALUE_ACTIONS]):
        out[indicator] = (action, who, at)
    return out


def plan_aggregate(db, region: str, year: int) -> AggregatePlan:
    """The dry run: what summing the subordinate regions would write into ``region`` ``year`` — the
    year and each quarter and month the subordinates hold. Writes nothing. ``missing`` names the
    indicators left out of the year's sum because a subordinate has no value."""
    reg = get_region(db, region)
    kids = list(children(db, region, year))
    cat = load_indicators(db)
    additive = [c for c, ind in cat.items() if ind.additive]
    vals = get_values(db, regions=kids, indicators=additive, year_from=year, year_to=year) if kids else {}
    items, missing = [], {}
    for period in periods_held(vals, year):
        sums, gaps, kids = _sums(db, region, year, period, vals)
        if period == str(year):
            missing = gaps
        items += _items(db, region, period, sums)
    return AggregatePlan(region, reg.name_zh, year, items, missing, refusal(db, region, year), kids)


def _items(db, region: str, period: str, sums: dict) -> list[AggregateItem]:
    stored = {}
    if sums:
        marks = ",".join("?" * len(sums))
        stored = {ind: (value, source, who, at) for ind, value, source, who, at in db.execute(
            f'select indicator, value, source, updated_by, updated_at from "values" where region = ? and period = ?'
            f" and indicator in ({marks})", [region, period, *sums])}
    last = _last_writes(db, region, period) if stored else {}
    items = []
    for code, (total, n) in sums.items():
        new = canonical(total)
        before = stored.get(code)
        if before is None:
            items.append(AggregateItem(code, period, "new", None, new, n))
            continue
        old, source, who, at = before
        if old == new:
            kind = "unchanged"
        else:
            action = last.get(code, (None,))[0]
            derived = action == "aggregate" if action else source == SOURCE
            kind = "changed" if derived else "conflict"
        items.append(AggregateItem(code, period, kind, old, new, n, source, who, at))
    return items


def apply_aggregate(db, region: str, year: int, *, take_sums: bool = False, who: str | None = None) -> AggregateResult:
    """Write the new and changed sums in one transaction (audited as ``aggregate``).

    The region's own figures that differ from the sum (conflicts) are kept unless
    ``take_sums`` is given; then they are replaced and their notes cleared (a note written
    for the region's own figure does not describe the sum). The plan is made again inside
    the transaction, so what is written is what the store holds at that moment; a locked
    region-year raises and nothing is written.
    """
    from .store_basics import transaction

    with transaction(db):
        plan = plan_aggregate(db, region, year)
        if plan.refusal:
            raise plan.refusal
        changes = [Change(region, i.indicator, i.period, i.new, source=SOURCE)
                   for i in plan.items if i.kind in ("new", "changed")]
        written = write_values(db, changes, who=who, why="aggregated from subordinate regions",
                               action="aggregate").written
        kept = plan.conflicts
        if take_sums and kept:
            taken = [Change(region, i.indicator, i.period, i.new, note="", source=SOURCE) for i in kept]
            written += write_values(db, taken, who=who, action="aggregate",
                                    why="aggregated from subordinate regions, replacing the region's own figure "
                                        "(asked for)").written
            kept = []
    return AggregateResult(plan, written, kept)


def aggregate_into(db, region: str, year: int, *, who: str | None = None, take_sums: bool = False) -> int:
    """:func:`apply_aggregate`, returning the number of values written (the region's own
    figures are kept unless ``take_sums``)."""
    return apply_aggregate(db, region, year, take_sums=take_sums, who=who).written
