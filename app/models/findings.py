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

What a finding *means* for the workflow (blocking, unexplained, open) is answered here too,
so no caller re-derives it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .checks import Checker, Finding, load_explanations

SCOPES = ("self", "children", "all")
HISTORY = 9           # years before the checked year that the change rules look at
SEVERITIES = ("blocking", "explain", "info")


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


def findings(db, region: str, year: int, *, below: str = "self") -> Findings:
    """The findings of ``region`` in ``year`` (and of the regions below it that ``below`` asks for)."""
    from .cube import Cube
    from .targets import TargetSet

    wanted, loaded = scope_regions(db, region, year, below)
    ts = TargetSet.load(db)
    cube = Cube.load(db, regions=loaded, year_from=year - HISTORY, year_to=year)
    found = Checker(cube, ts, load_explanations(db, wanted)).run(regions=wanted, years=[year])
    return Findings(region, year, below, wanted, [f for code in wanted for f in found.get((code, year), [])])
