"""The findings of a region-year — the one function every screen, verb and document asks.

>>> fs = findings(db, "320000", 2024, below="children")
>>> fs.counts("320000")["blocking"] >= 0
True
>>> [f.rule for f in fs.open("320100")] == [f.rule for f in findings(db, "320100", 2024).open()]
True

Whatever scope is asked for, the data loaded is the same: the region and every region
below it, over the checks' history window. So the sums (a region against its direct
subordinates) and the Benford screen (a region with everything below it) give the same
finding for a region whether it is asked about alone, with its cities, or from its
province. ``below`` only chooses which regions are *reported on*:

- ``"self"`` — the region alone (the entry grid and its side panel, ``check``);
- ``"children"`` — the region and its direct subordinates (the dashboard's owed board,
  the report, the package);
- ``"all"`` — the region and every region below it (the subtree check, violations).

The whole store at once (the violations list, the national benchmark)::

    everything = findings_all(db)              # or findings_all(db, 2024), findings_all(db, [2023, 2024])
    everything.of("320100", 2024)              # == findings(db, "320100", 2024).items

Overdue tasks (:mod:`app.models.overdue`) are explain-level findings of the year, rule
``task_overdue``, indicator ``task:<id>`` (:func:`subject_name` names them for people); which
tasks are overdue depends on ``today`` (default: the date today).

A finding's ``period`` is the year (``"2024"``) or, for the checks of quarters and months,
the sub-annual period it is about (``"2024Q1"``, ``"2024-12"``).

What a finding *means* for the workflow (blocking, unexplained, open) is answered here too,
so no caller re-derives it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .checks import HISTORY, Checker, Finding, load_explanations

SCOPES = ("self", "children", "all")
SEVERITIES = ("blocking", "explain", "info")


ALL_INDICATORS = {"benford": ("全部计数类指标", "all count indicators"),
                  "required": ("全部必填指标", "all required indicators")}


def subject_name(f: Finding, catalogue: dict, lang: str = "zh") -> str:
    """What a finding is about, for people: the indicator's name, 全部必填指标 for a whole-year rule,
    or the task (任务 4(9) / 本级任务) of an overdue task — never a catalogue code or task id."""
    ind = catalogue.get(f.indicator)
    if ind is not None:
        return ind.name_zh if lang == "zh" else ind.name("en")
    if f.indicator.startswith("task:"):
        from .task_basics import task_name

        return task_name(f.clause, lang)
    zh, en = ALL_INDICATORS.get(f.rule, ("全部指标", "all indicators"))
    return zh if lang == "zh" else en


def is_open(f: Finding) -> bool:
    """A finding that stands in the way of complete / submit / approve / export."""
    return f.severity == "blocking" or (f.severity == "explain" and not f.explanation)


@dataclass
class Findings:
    region: str
    year: int
    scope: str
    regions: list[str]                      # the regions reported on, ``region`` first
    items: list[Finding] = field(default_factory=list)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def of(self, region: str | None = None) -> list[Finding]:
        """Findings of one region (default: the region asked about)."""
        region = region or self.region
        return [f for f in self.items if f.region == region]

    def open(self, region: str | None = None, *, everywhere: bool = False) -> list[Finding]:
        """Blocking findings and unexplained explain-level ones (of one region, or ``everywhere``)."""
        return [f for f in (self.items if everywhere else self.of(region)) if is_open(f)]

    def blocking(self, region: str | None = None, *, everywhere: bool = False) -> list[Finding]:
        return [f for f in (self.items if everywhere else self.of(region)) if f.severity == "blocking"]

    def unexplained(self, region: str | None = None, *, everywhere: bool = False) -> list[Finding]:
        return [f for f in (self.items if everywhere else self.of(region))
                if f.severity == "explain" and not f.explanation]

    def counts(self, region: str | None = None, *, everywhere: bool = False) -> dict[str, int]:
        """``{"blocking", "explain", "info", "unexplained", "open"}`` for one region (or all reported)."""
        fs = self.items if everywhere else self.of(region)
        out = {s: sum(f.severity == s for f in fs) for s in SEVERITIES}
        out["unexplained"] = sum(f.severity == "explain" and not f.explanation for f in fs)
        out["open"] = out["blocking"] + out["unexplained"]
        return out

    def at(self, region: str, indicator: str, period: str) -> list[Finding]:
        return [f for f in self.items if f.region == region and f.indicator == indicator and f.period == period]

    def keys(self) -> set[tuple]:
        """Identity of each finding, to compare what two places show: (region, indicator, period, rule)."""
        return {(f.region, f.indicator, f.period, f.rule) for f in self.items}


def scope_regions(db, region: str, year: int, below: str) -> tuple[list[str], list[str]]:
    """(regions reported on, regions loaded) for a scope."""
    from .catalogue import children, descendants

    if below not in SCOPES:
        raise ValueError(f"scope {below!r}: one of {SCOPES}")
    subtree = descendants(db, region)
    reported = {"self": [], "children": children(db, region, year), "all": subtree}[below]
    return [region] + reported, [region] + subtree


def check(db, region: str, year: int, *, with_children: bool = False, all_below: bool = False) -> list[Finding]:
    """The findings as a list, by the older names of the scopes (``with_children``: "children",
    ``all_below``: "all") — what scripts written against ``checks.check`` call."""
    return findings(db, region, year, below="all" if all_below else "children" if with_children else "self").items


def collects_below(db, parent: str) -> bool:
    """Does this store collect the level below ``parent`` at all — does any of its direct
    subordinate regions hold a value or a workflow state, in any year?

    The one rule of who is expected to report: a city's districts that no one in this store
    ever fills are not owed (review.subordinates) and their empty years are not findings."""
    return db.execute(
        "select 1 from regions r where r.parent = ? and (exists(select 1 from \"values\" v where v.region = r.code)"
        " or exists(select 1 from region_years y where y.region = r.code)) limit 1", [parent]).fetchone() is not None


def _expected(db, items: list[Finding]) -> list[Finding]:
    """Drop 'nothing reported' for regions this store does not expect to report: those whose
    level below their parent no one fills (:func:`collects_below`). The office's own region and a
    region without a parent are always expected. Whichever way a region is asked (alone, from its
    parent, from the top), the same rule applies, so it gets the same findings."""
    from .catalogue import region as get_region
    from .store_basics import meta_get

    quiet = {f.region for f in items if f.rule == "required" and f.indicator == "*"}
    quiet.discard(meta_get(db, "home_region"))
    if not quiet:
        return items
    parents = {code: get_region(db, code).parent for code in quiet}
    collected = {p: collects_below(db, p) for p in set(parents.values()) if p}
    skip = {code for code, p in parents.items() if p and not collected[p]}
    return [f for f in items if not (f.region in skip and f.rule == "required" and f.indicator == "*")]


def task_regions(db, regions: list[str]) -> list[str]:
    """The regions of ``regions`` whose overdue tasks are findings here: the office's own region and
    those below it (a province does not answer for the nation's tasks), and — the rule of
    :func:`collects_below` — only where this store collects the region's level at all."""
    from .completeness import office_regions
    from .store_basics import meta_get

    home = meta_get(db, "home_region")
    mine = office_regions(db)
    keep = [r for r in regions if mine is None or r in mine]
    if not keep:
        return []
    parents = dict(db.execute(f"select code, parent from regions where code in ({','.join('?' * len(keep))})", keep)
                   if len(keep) <= 500 else db.execute("select code, parent from regions"))
    collected = {p: collects_below(db, p) for p in {parents.get(r) for r in keep if r != home} if p}
    return [r for r in keep if r == home or not parents.get(r) or collected[parents[r]]]


def _with_tasks(db, found: dict, regions: list[str], years: list[int], today, *, expected: bool = True) -> dict:
    """``found`` with each region-year's overdue-task findings (:mod:`app.models.overdue`) appended."""
    from .overdue import overdue_findings

    regions = task_regions(db, regions) if expected else regions
    late = overdue_findings(db, regions, years, today)
    shut = _frozen(db, late) if late else set()
    for key, fs in late.items():
        if key in shut:                      # approved: the delays explained then stay on the record, no new ones
            fs = [f for f in fs if f.explanation]
        if fs:
            found[key] = found.get(key, []) + fs
    return found


def _frozen(db, pairs) -> set:
    """The region-years of ``pairs`` frozen by an approval (their own, or an approved region above them).
    A task falling due after the approval raises no finding there (a delay explained before it stays):
    its progress can no longer be written nor its delay explained until an unlock, and an approved copy
    must not turn into a draft by the calendar alone (unlocking brings the rule back)."""
    from .freeze import frozen_in

    return set(frozen_in(db, pairs, itself=True))


def findings(db, region: str, year: int, *, below: str = "self", today: date | None = None) -> Findings:
    """The findings of ``region`` in ``year`` (and of the regions below it that ``below`` asks for).
    ``today`` (default: the date today) decides which tasks are overdue."""
    from .cube import Cube
    from .targets import TargetSet

    wanted, loaded = scope_regions(db, region, year, below)
    ts = TargetSet.load(db)
    cube = Cube.load(db, regions=loaded, year_from=year - HISTORY, year_to=year)
    found = Checker(cube, ts, load_explanations(db, wanted, [year])).run(regions=wanted, years=[year])
    items = _expected(db, [f for code in wanted for f in found.get((code, year), [])])
    tasks = _with_tasks(db, {}, wanted, [year], today)
    items += [f for code in wanted for f in tasks.get((code, year), [])]
    return Findings(region, year, below, wanted, items)


@dataclass
class StoreFindings:
    """The findings of every region-year of a store (:func:`findings_all`)."""

    years: list[int]
    regions: list[str]                       # the regions checked: those holding a value in the years
    items: list[Finding] = field(default_factory=list)
    by_region_year: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def of(self, region: str, year: int) -> list[Finding]:
        """The findings of one region-year: what ``findings(db, region, year).items`` returns."""
        return self.by_region_year.get((region, year), [])

    def keys(self) -> set[tuple]:
        return {(f.region, f.indicator, f.period, f.rule) for f in self.items}

    def counts(self) -> dict[str, int]:
        out = {s: sum(f.severity == s for f in self.items) for s in SEVERITIES}
        out["unexplained"] = sum(f.severity == "explain" and not f.explanation for f in self.items)
        out["open"] = out["blocking"] + out["unexplained"]
        return out


def findings_all(db, years: int | list[int] | range | None = None, *, today: date | None = None) -> StoreFindings:
    """Every region-year of the store checked in one pass (the violations list, the national benchmark).

    ``years``: one year, several, or None for every year holding a value. The regions checked
    are those holding any value in those years; for each of them the findings of a year are
    exactly what :func:`findings` returns for it (same data window: the region and everything
    below it, the ``HISTORY`` years before).
    """
    from .catalogue import regions as load_regions
    from .cube import Cube
    from .targets import TargetSet

    if years is None:
        lo, hi = db.execute('select (select min(year) from "values"), (select max(year) from "values")').fetchone()
        years = [] if lo is None else list(range(lo, hi + 1))
    elif isinstance(years, int):
        years = [years]
    years = sorted(set(years))
    if not years:
        return StoreFindings([], [])
    ts = TargetSet.load(db)
    everywhere = list(ts.regions) or list(load_regions(db))
    cube = Cube.load(db, regions=everywhere, year_from=years[0] - HISTORY, year_to=years[-1])

    ys = [cube.y_index[y] for y in years]
    held = ~np.isnan(cube.values[:, :, ys]).all(axis=(1, 2))
    for sub in (cube.quarters, cube.months):
        if sub is not None:
            held |= ~np.isnan(sub[:, :, ys]).all(axis=(1, 2, 3))
    checked = [cube.regions[i] for i in np.nonzero(held)[0]]
    found = Checker(cube, ts, load_explanations(db, checked, years)).run(regions=checked, years=years)
    found = _with_tasks(db, found, checked, years, today)
    items = [f for y in years for code in checked for f in found.get((code, y), [])]
    return StoreFindings(years, checked, items, found)
