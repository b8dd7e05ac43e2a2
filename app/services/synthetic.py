"""A deterministic national-scale store for benchmarks and load tests.

Every region of the bundled tree (nation, provinces, prefectures, counties, units —
about 3,300) × every entered catalogue indicator × 10 years, written through the one
write path (so the audit trail is as large as real use would make it)::

    make_nation(db, years=range(2015, 2025), seed=7)   # -> number of values

Values are plausible in scale (counts grow 3–20 % a year from a region-size base,
shares drift around a level) and consistent where the checks insist: parts never exceed
their wholes, and a region's additive indicators are the sum of its subordinate divisions.
"""
from __future__ import annotations

import numpy as np

from app.models.catalogue import indicators as load_indicators
from app.models.values import Change, write_values

LEVEL_SCALE = {"nation": 1.0, "province": 1 / 30, "prefecture": 1 / 330, "county": 1 / 2900, "unit": 1 / 4000}
BASE_2015 = {  # national scale in 2015, unit of the indicator
    "POPULATION": 137_000, "INV_PATENTS_IN_FORCE": 900_000, "HV_PATENTS": 350_000, "HV_PATENTS_ABNORMAL": 5_000,
    "INV_APPLICATIONS": 1_100_000, "INV_GRANTS": 260_000, "ABNORMAL_APPS": 30_000, "OVERSEAS_INV_GRANTS": 25_000,
    "PLEDGE_AMOUNT": 1_200.0, "PLEDGE_SMES": 6_000, "ROYALTY_TRADE": 1_800.0, "TM_REGISTRATIONS": 2_000_000,
    "ADJUDICATION_CASES": 3_000, "PROTECTION_CENTERS": 40, "PATENT_TRANSFERS": 150_000, "GI_PRODUCTS": 2_000,
}
LEVEL_PCT = {"INV_GRANT_RATE": 50.0, "PATENT_INDUSTRIALIZATION_RATE": 40.0, "PATENT_INTENSIVE_GDP_SHARE": 11.0,
             "COPYRIGHT_GDP_SHARE": 7.0, "PROTECTION_SATISFACTION": 78.0, "CIVIL_ACCEPT_RATE": 83.0,
             "INV_EXAM_CYCLE": 22.0, "HV_EXAM_CYCLE": 19.0, "TM_EXAM_CYCLE": 8.0}


def nation_changes(db, years=range(2015, 2025), seed: int = 7, *, root: str | None = None) -> list[Change]:
    """The values of :func:`make_nation` (of ``root`` and every region below it), as changes for the write path."""
    rng = np.random.default_rng(seed)
    cat = load_indicators(db)
    if root is None:
        regions = db.execute("select code, level, parent from regions order by code").fetchall()
    else:
        regions = db.execute("with recursive d(code) as (select ? union all select r.code from regions r join d on"
                             " r.parent = d.code) select r.code, r.level, r.parent from regions r join d using (code)"
                             " order by r.code", [root]).fetchall()
    years = list(years)
    k = np.arange(len(years))
    series: dict[tuple[str, str], np.ndarray] = {}
    for code, level, _parent in regions:
        size = LEVEL_SCALE[level] * rng.lognormal(0, 0.5) if level != "nation" else 1.0
        for ind, spec in cat.items():
            if spec.formula or not spec.applies_to(level):
                continue
            if ind in BASE_2015:
                growth = -0.03 if spec.direction == "lower" else rng.uniform(0.03, 0.2)
                if ind == "POPULATION":
                    growth = rng.uniform(-0.005, 0.008)
                v = BASE_2015[ind] * size * (1 + growth) ** k * rng.uniform(0.98, 1.02, len(years))
                if ind == "HV_PATENTS":
                    v = np.minimum(v, 0.5 * BASE_2015["INV_PATENTS_IN_FORCE"] * size)
                if ind == "HV_PATENTS_ABNORMAL":
                    v = np.minimum(v, 0.01 * BASE_2015["HV_PATENTS"] * size)
            else:
                base = LEVEL_PCT[ind] + rng.uniform(-4, 4)
                step = -0.6 if spec.direction == "lower" else 0.4
                v = np.clip(base + step * k + rng.uniform(-0.3, 0.3, len(years)), 0.5, 99.5)
            series[(code, ind)] = np.round(v, spec.decimals)
    # additive indicators of a region with subordinate divisions are the sum of them (units aside)
    kids: dict[str, list[str]] = {}
    for code, level, parent in regions:
        if parent and level != "unit":
            kids.setdefault(parent, []).append(code)
    depth = {"county": 3, "prefecture": 2, "province": 1, "nation": 0, "unit": 4}
    for code, level, _parent in sorted(regions, key=lambda r: -depth[r[1]]):
        if code not in kids:
            continue
        for ind, spec in cat.items():
            if spec.additive and (code, ind) in series:
                parts = [series[(c, ind)] for c in kids[code] if (c, ind) in series]
                if parts:
                    series[(code, ind)] = np.round(np.sum(parts, axis=0), spec.decimals)
    out: list[Change] = []
    for (code, ind), v in series.items():
        spec = cat[ind]
        for y, x in zip(years, v):
            text = f"{max(x, 0):.{spec.decimals}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            if spec.kind == "population" and text == "0":
                text = "0.01"
            out.append(Change(code, ind, str(y), text))
    return out


def make_nation(db, years=range(2015, 2025), seed: int = 7, *, progress=None) -> int:
    """Write the national-scale data set through the one write path, in chunks of 100,000."""
    changes = nation_changes(db, years, seed)
    step = 100_000
    for i in range(0, len(changes), step):
        write_values(db, changes[i:i + step], who="synthetic", why="national-scale benchmark data", action="import")
        if progress:
            progress(min(1.0, (i + step) / len(changes)), f"{min(i + step, len(changes))}/{len(changes)}")
    return len(changes)


def make_province(db, root: str = "320000", years=range(2015, 2025), seed: int = 7) -> int:
    """The same data for one region and everything below it (a province: ~26,000 values in a second)."""
    changes = nation_changes(db, years, seed, root=root)
    write_values(db, changes, who="synthetic", why="synthetic province", action="import")
    return len(changes)
