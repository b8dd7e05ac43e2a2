"""Completeness: values entered against values expected, per region and per subtree, for a year.

>>> c = completeness(db, 2024)
>>> own, tree = c.of("320100"), c.below("320000")
>>> 0 <= own.entered <= own.expected and tree.expected >= own.expected
True

*Expected* is decided by the rules that decide what is owed, not again here:

- whose: only the office's to fill (:func:`office_regions`) — with a home region (meta
  ``home_region``), that region and every region below it; the regions above it and beside it
  (the nation, the other provinces a provincial store holds as context) owe this office nothing
  and carry no figure, in the tree or on the dashboard;
- which regions: a region is expected to report when the required-values check would flag
  its empty year — the office's own region, a region without a parent, and a region whose
  parent's level is collected in this store at all (:func:`app.models.findings.collects_below`,
  the rule behind ``review.subordinates`` / ``review.owed``); a region not valid in the year
  (merged, not yet created) is not;
- which values: the year's value of each indicator the required-values check asks of the
  region's level (:func:`app.models.checks.required_codes`: entered, not derived, reported
  at the level, required by the catalogue or by a 'reported' target for the year).

*Entered* counts those of the expected values that are in the store. A subtree's figure adds
the region and every expected region below it. The whole store is computed in one pass
(three queries) and kept per year until the next audited change (every write of a value, an
explanation or a state appends to the audit trail) or a change of the regions.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Share:
    """``entered`` of ``expected`` values (``ratio`` None when nothing is expected)."""
    entered: int = 0
    expected: int = 0

    @property
    def ratio(self) -> float | None:
        return self.entered / self.expected if self.expected else None

    def percent(self) -> str:
        """"95%" (rounded down, so 100% means every value is in), "" when nothing is expected."""
        if not self.expected:
            return ""
        return f"{self.entered * 100 // self.expected}%"

    def __add__(self, other: "Share") -> "Share":
        return Share(self.entered + other.entered, self.expected + other.expected)


NOTHING = Share()


@dataclass
class Completeness:
    year: int
    own: dict[str, Share]           # expected regions only
    subtree: dict[str, Share]       # every region with an expected region at or below it

    def of(self, region: str) -> Share | None:
        """The region's own values (None: the region is not expected to report this year)."""
        return self.own.get(region)

    def below(self, region: str) -> Share:
        """The region and every region below it."""
        return self.subtree.get(region, NOTHING)


_CACHE: dict = {}


def completeness(db, year: int) -> Completeness:
    """Entered / expected values of every region of the store for ``year`` (cached; see the module doc)."""
    from .store_basics import meta_get, reference_rev

    key = (id(db), getattr(db, "path", None), year, meta_get(db, "audit_head"), reference_rev(db),
           meta_get(db, "home_region"))
    return _kept(_CACHE, key, 3, lambda: _compute(db, year))


def office_regions(db) -> set[str] | None:
    """The regions this office fills: its home region (meta ``home_region``) and every region below it;
    None when the store names no home region (then every region may be the office's). The one rule of
    whose values and tasks are this office's to answer for (completeness here, overdue tasks in
    :func:`app.models.findings.task_regions`)."""
    from .store_basics import meta_get, reference_rev

    home = meta_get(db, "home_region")
    if not home:
        return None
    key = (id(db), getattr(db, "path", None), home, reference_rev(db))
    return _kept(_OFFICE, key, 2, lambda: _subtree(db, home))


def _kept(cache: dict, key: tuple, slot: int, make):
    """``make()`` kept in ``cache`` under ``key[:slot]`` (the store and what is asked) while the rest of
    ``key`` (what would change the answer) stays the same; at most nine slots."""
    hit = cache.get(key[:slot])
    if hit is not None and hit[0] == key:
        return hit[1]
    made = make()
    if len(cache) > 8:
        cache.clear()
    cache[key[:slot]] = (key, made)
    return made


_OFFICE: dict = {}


def _subtree(db, home: str) -> set[str] | None:
    parents = dict(db.execute("select code, parent from regions"))
    if home not in parents:
        return None
    kids: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            kids.setdefault(parent, []).append(code)
    out, todo = set(), [home]
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(kids.get(code, ()))
    return out


def expected_regions(db, year: int) -> set[str]:
    """The regions expected to report ``year`` (see the module doc) — one query for the whole store."""
    from .catalogue import Region, REGION_COLS
    from .store_basics import meta_get

    rows = [Region(*r) for r in db.execute(f"select {REGION_COLS} from regions")]
    collecting = collecting_parents(db)
    home = meta_get(db, "home_region")
    mine = office_regions(db)
    return {r.code for r in rows if r.valid_in(year) and (mine is None or r.code in mine)
            and (r.code == home or not r.parent or r.parent in collecting)}


def collecting_parents(db) -> set[str]:
    """Every region whose direct subordinates this store collects (:func:`app.models.findings.collects_below`
    asked of every region at once: the same query, without the limit)."""
    return {p for p, in db.execute(
        "select distinct r.parent from regions r where r.parent is not null and"
        " (exists(select 1 from \"values\" v where v.region = r.code)"
        " or exists(select 1 from region_years y where y.region = r.code))")}


def _compute(db, year: int) -> Completeness:
    from .catalogue import indicators, region as _region  # noqa: F401  (the catalogue, as the checks read it)
    from .checks import reported_codes, required_codes
    from .targets import TargetSet

    cat = indicators(db)
    reported = reported_codes(TargetSet.load(db).targets, year)
    levels = dict(db.execute("select code, level from regions"))
    parents = dict(db.execute("select code, parent from regions"))
    expected = expected_regions(db, year)
    need = {lv: set(required_codes(cat, lv, reported)) for lv in set(levels.values())}
    entered: dict[str, int] = {}
    groups: dict[tuple, list[str]] = {}           # levels owing the same indicators: one count each
    for lv, codes in need.items():
        groups.setdefault(tuple(sorted(codes)), []).append(lv)
    for codes, lvs in groups.items():
        if not codes:
            continue
        entered.update(db.execute(
            f'select v.region, count(*) from "values" v join regions r on r.code = v.region'
            f' where v.year = ? and v.period = ? and r.level in ({",".join("?" * len(lvs))})'
            f' and v.indicator in ({",".join("?" * len(codes))}) group by v.region',
            [year, str(year), *lvs, *codes]))
    own = {code: Share(entered.get(code, 0), len(need[levels[code]])) for code in expected}
    from .store_basics import meta_get

    home = meta_get(db, "home_region") if office_regions(db) is not None else None
    subtree: dict[str, Share] = {}
    for code, share in own.items():          # each expected region adds itself to its ancestors, up to the home region
        seen = set()
        node = code
        while node is not None and node not in seen:
            seen.add(node)
            subtree[node] = subtree.get(node, NOTHING) + share
            node = None if node == home else parents.get(node)
    return Completeness(year, own, subtree)
