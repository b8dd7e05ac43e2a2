"""What the window shows, read through the same queries as every export.

The UI holds no SQL: it asks for plain rows here and adapts them in Qt models::

    grid = entry_grid(db, "320100", 2024)          # indicators × periods with findings per cell
    board = dashboard(db, "320000", 2024)          # targets, finding counts, who still owes data
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from app.models.catalogue import Indicator, children, in_sections, indicators as load_indicators, region as get_region
from app.models.db import meta_get
from app.models.states import region_year_status
from app.models.values import count_by_region, grid_values

# checks, targets and the NumPy cube are imported inside the functions that need them, so
# the window can paint its first screen (values only) before NumPy has loaded

DEFAULT_DEADLINE = "12-15"     # guideline section 5: paper and electronic copies before 15 December


@dataclass
class Cell:
    value: Decimal | None = None        # entered value
    computed: float | None = None       # derived indicators: value from the components
    note: str | None = None
    source: str | None = None
    status: str | None = None
    updated_by: str | None = None
    updated_at: str | None = None
    findings: list = field(default_factory=list)    # checks.Finding for this cell
    target_met: bool | None = None
    expected: object = None             # checks.ExpectedRange of an annual value: what passes the change band


@dataclass
class Grid:
    region: str
    region_name: str
    level: str
    year: int
    periods: list[str]
    indicators: list[Indicator]
    cells: dict[tuple[str, str], Cell]              # (indicator, period) -> Cell
    status: str                                     # workflow status of the region-year
    findings: list                                  # all findings of the region-year
    locked_years: set[int]
    found: object = None                            # the findings.Findings they came from (review.blockers takes it)

    def cell(self, indicator: str, period: str) -> Cell:
        return self.cells.get((indicator, period)) or Cell()


PERIOD_KINDS = ("annual", "quarter", "month")


def periods_for(year: int, kind: str = "annual", years_back: int = 4) -> list[str]:
    """The grid's columns: the last years, or the year's quarters / months followed by the year itself.

    >>> periods_for(2024, "quarter")
    ['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2024']
    """
    if kind == "quarter":
        return [f"{year}Q{q}" for q in range(1, 5)] + [str(year)]
    if kind == "month":
        return [f"{year}-{m:02d}" for m in range(1, 13)] + [str(year)]
    return [str(y) for y in range(year - years_back, year + 1)]


def entry_grid(db, region: str, year: int, *, years_back: int = 4, with_checks: bool = True,
               kind: str = "annual") -> Grid:
    """Indicators × periods for one region (the last years, or one year's quarters/months), with the year's findings.

    ``with_checks=False`` gives the values alone (no NumPy): the window's first paint.
    """
    reg = get_region(db, region)
    cat = load_indicators(db)
    inds = in_sections(i for i in cat.values() if i.applies_to(reg.level))      # rows grouped by section
    periods = periods_for(year, kind, years_back)
    if kind != "annual":
        years_back = 0
    cells: dict[tuple[str, str], Cell] = {}
    rows = grid_values(db, region, year - years_back, year, periods)
    for ind, period, value, note, source, status, who, when in rows:
        cells[(ind, period)] = Cell(Decimal(value), None, note, source, status, who, when)
    locked = {y for y in range(year - years_back, year + 1) if region_year_status(db, region, y) in ("approved", "locked")}
    if not with_checks:
        return Grid(region, reg.name_zh, reg.level, year, periods, inds, cells, region_year_status(db, region, year),
                    [], locked)
    from app.models.cube import Cube
    from app.models.findings import findings as load_findings
    from app.models.targets import TargetSet, status_rows

    ts = TargetSet.load(db)
    cube = Cube.load(db, regions=[region], year_from=year - 9, year_to=max(year, *(t.year for t in ts.targets)) if ts.targets else year)
    for code, arr in cube.derived.items():
        r = cube.r_index[region]
        for p in periods:
            y = cube.y_index.get(int(p)) if len(p) == 4 else None     # the cube holds annual values
            if y is not None and arr[r, y] == arr[r, y]:
                cells.setdefault((code, p), Cell()).computed = float(arr[r, y])
    from app.models.bands import expected_ranges

    r = cube.r_index[region]
    years = [p for p in periods if len(p) == 4]           # the change band is on annual values
    before = [cube.y_index.get(int(p) - 1) for p in years]
    for ind in inds:
        j = cube.i_index.get(ind.code)
        if j is None:
            continue
        prev = [None if y is None else float(cube.effective[r, j, y]) for y in before]
        for p, rng in zip(years, expected_ranges(ind, prev)):
            if rng is not None:
                cells.setdefault((ind.code, p), Cell()).expected = rng
    found = load_findings(db, region, year)          # the one findings function (as check, the report, review)
    findings = found.items
    for f in findings:
        if f.indicator != "*":
            cells.setdefault((f.indicator, f.period), Cell()).findings.append(f)
    for row in status_rows(ts, cube, region, year):
        c = cells.setdefault((row["indicator"], str(year)), Cell())
        c.target_met = row["status"] == "met" if c.target_met is not False else False
    return Grid(region, reg.name_zh, reg.level, year, periods, inds, cells, region_year_status(db, region, year),
                findings, locked, found)


@dataclass
class OwedRow:
    region: str
    name: str
    status: str
    blocking: int
    values: int
    unexplained: int = 0
    share: object = None            # completeness.Share of its own values (None: not expected to report)


@dataclass
class Dashboard:
    region: str
    region_name: str
    year: int
    status: str
    targets: list[dict]
    counts: dict[str, int]          # the region's own findings: blocking, explain, info, unexplained, open
    owed: list[OwedRow]             # review.owed: subordinates that have not delivered the year
    deadline: dt.date
    days_left: int
    blockers: list = field(default_factory=list)    # review.Reason: what blocks approving the region-year now
    subordinates: int = 0           # how many subordinate regions this office collects for the region
    share: object = None            # completeness.Share: the region's own values entered / expected (None: not expected)
    share_below: object = None      # completeness.Share: the region and every region below it


def deadline_for(db, year: int) -> dt.date:
    month, day = (meta_get(db, "deadline", DEFAULT_DEADLINE) or DEFAULT_DEADLINE).split("-")
    return dt.date(year, int(month), int(day))


def dashboard(db, region: str, year: int, *, today: dt.date | None = None) -> Dashboard:
    """Target status, finding counts, what blocks approval and the 'still owed' board of subordinate regions."""
    from app.models import review
    from app.models.completeness import completeness
    from app.models.cube import Cube
    from app.models.findings import findings as load_findings
    from app.models.targets import TargetSet, status_rows

    reg = get_region(db, region)
    ts = TargetSet.load(db)
    filled = completeness(db, year)
    hi = max([year] + [t.year for t in ts.targets])
    cube = Cube.load(db, regions=[region], year_from=year - 9, year_to=hi)
    fs = load_findings(db, region, year, below="children", today=today)     # today also decides overdue tasks
    owed_codes = review.owed(db, region, year)
    n_values = count_by_region(db, year, owed_codes)
    owed = []
    for k in owed_codes:
        c = fs.counts(k)
        owed.append(OwedRow(k, get_region(db, k).name_zh, region_year_status(db, k, year), c["blocking"],
                            n_values.get(k, 0), c["unexplained"], filled.of(k)))
    deadline = deadline_for(db, year)
    today = today or dt.date.today()
    status = region_year_status(db, region, year)
    blockers = review.blockers(db, region, year, "approve", fs=fs) if status not in ("approved", "locked") else []
    return Dashboard(region, reg.name_zh, year, status, status_rows(ts, cube, region, year), fs.counts(region), owed,
                     deadline, (deadline - today).days, blockers, len(review.subordinates(db, region, year)),
                     filled.of(region), filled.below(region))


@dataclass
class Violations:
    """Every finding of a region and the regions below it for a year (the violations page)."""
    region: str
    year: int
    items: list                          # checks.Finding, as findings(db, region, year, below="all") gives them
    names: dict[str, tuple[str, str]]    # region code -> (name_zh, name_en) of the regions reported on
    catalogue: dict                      # indicator code -> Indicator


def violations(db, region: str, year: int) -> Violations:
    """The findings below ``region`` (itself included) for ``year``, from the one findings function,
    with the names the page shows them by."""
    from app.models.catalogue import regions as load_regions
    from app.models.findings import findings as load_findings

    fs = load_findings(db, region, year, below="all")
    regs = load_regions(db)
    names = {code: (regs[code].name_zh, regs[code].name("en")) for code in fs.regions if code in regs}
    return Violations(region, year, fs.items, names, load_indicators(db))


def sweep(db_path, region: str, year: int, progress=lambda f, m="": None, cancelled=lambda: False) -> list[dict]:
    """Checks for ``region`` and every region below it, in a worker thread (own connection).

    Returns one row per region *with findings* (none for a region without), most blocking first:
    code, name, level, blocking, explain (unexplained), info, and ``reasons`` — its findings in
    words, one dict each: indicator (zh, en), period, severity, message (zh, en), explained.
    """
    from app.models.catalogue import regions as load_regions
    from app.models.db import open_store
    from app.models.findings import findings as load_findings, subject_name

    db = open_store(db_path, readonly=True)
    try:
        progress(0.05, "")
        if cancelled():
            raise _cancelled()
        fs = load_findings(db, region, year, below="all")       # the same findings as the grid and check
        if cancelled():
            raise _cancelled()
        progress(0.9, "")
        names, cat = load_regions(db), load_indicators(db)
        order = {"blocking": 0, "explain": 1, "info": 2}
        rows = []
        for code in fs.regions:
            own = fs.of(code)
            if not own:
                continue
            c = fs.counts(code)
            reasons = []
            for f in sorted(own, key=lambda f: (order[f.severity], f.period)):
                reasons.append({"indicator": (subject_name(f, cat, "zh"), subject_name(f, cat, "en")),
                                "code": f.indicator, "period": f.period, "severity": f.severity,
                                "message": (f.message("zh"), f.message("en")), "explained": bool(f.explanation)})
            rows.append({"region": code, "name": names[code].name_zh, "name_en": names[code].name("en"),
                         "level": names[code].level, "blocking": c["blocking"], "explain": c["unexplained"],
                         "info": c["info"], "reasons": reasons})
        rows.sort(key=lambda r: (-r["blocking"], -r["explain"], r["region"]))
        progress(1.0, "")
        return rows
    finally:
        db.conn.close()


def _cancelled():
    from app.models.errors import Cancelled

    return Cancelled()


def completeness_of(db, year: int):
    """Values entered / expected of every region and subtree for ``year`` (app.models.completeness;
    cached until the store's next audited change)."""
    from app.models.completeness import completeness

    return completeness(db, year)


def statuses(db, year: int) -> dict[str, str]:
    """Workflow status of every region-year that has left draft (the rest are drafts)."""
    return dict(db.execute("select region, status from region_years where year = ?", [year]).fetchall())


def trend(db, region: str, indicator: str, *, year_to: int | None = None) -> dict:
    """An indicator's annual series (derived ones computed) with its applicable target and projection."""
    from app.models.cube import Cube
    from app.models.targets import TargetSet, evaluate

    ts = TargetSet.load(db)
    cube = Cube.load(db, regions=[region])
    series = cube.series(region, indicator)
    year = year_to or (series[-1][0] if series else dt.date.today().year)
    tgts = [t for t in ts.applicable(region, year) if t.indicator == indicator]
    out = {"series": series, "targets": [], "indicator": load_indicators(db)[indicator]}
    for t in tgts:
        res = evaluate(t, series, year)
        out["targets"].append({"target": t, **res})
    return out


def ranking(db, parent: str, indicator: str, year: int) -> list[tuple[str, str, float]]:
    """The subordinate regions of ``parent`` ranked by ``indicator`` in ``year`` (best first)."""
    from app.models.cube import Cube

    kids = children(db, parent, year)
    cube = Cube.load(db, regions=kids, year_from=year, year_to=year)
    ind = cube.catalogue[indicator]
    rows = []
    for k in kids:
        v = cube.get(k, indicator, year)
        if v is not None:
            rows.append((k, get_region(db, k).name_zh, v))
    rows.sort(key=lambda r: r[2], reverse=ind.direction != "lower")
    return rows
