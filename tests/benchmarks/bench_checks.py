"""Findings benchmark (issue 12, point 7): every region-year of the nation in one pass.

Run:  .venv/bin/python tests/benchmarks/bench_checks.py [--fresh] [--repeat N]

Prints, with goals and the ratio to the floor measured in the same run:
- ``findings_all`` over every region-year of the national-scale store (3,343 regions ×
  catalogue × 10 years, ~735,000 values) — goal ≤ 1 s and ≤ 1.5× the floor;
- ``findings(province, below="all")`` (Jiangsu with its 117 regions below) — goal ≤ 0.1 s;
- ``findings(region)`` for a province and a city, what the entry grid asks on a region
  switch (the region's whole subtree is loaded) — goal ≤ 0.05 s.

The floor is a bare scan of the values table fetched into Python,
``select region, indicator, year, value from "values"`` (every value, no decoding, no
check). Floor and figure are measured alternately, so a busy machine slows both alike;
CPU seconds (``time.process_time``) are printed beside wall seconds for the same reason.
Also printed, for information: ``Cube.load`` alone (the engine's own read of every value).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cached_store, report  # noqa: E402

from app.models.cube import Cube  # noqa: E402
from app.models.db import open_store  # noqa: E402
from app.models.findings import findings, findings_all  # noqa: E402
from app.models.targets import TargetSet  # noqa: E402
from app.services.synthetic import make_nation  # noqa: E402


def _both(fn):
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w, time.process_time() - c, result


def alternate(floor, work, repeat: int):
    """Median wall and CPU seconds of ``floor`` and ``work`` called in turn ``repeat`` times."""
    fw, fc, ww, wc, result = [], [], [], [], None
    floor(), work()                       # warm the page cache and the connection's caches
    for _ in range(repeat):
        a, b, _ = _both(floor)
        fw.append(a), fc.append(b)
        a, b, result = _both(work)
        ww.append(a), wc.append(b)
    med = statistics.median
    return med(fw), med(fc), med(ww), med(wc), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the national-scale store")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path = cached_store("nation", make_nation, args.fresh)
    db = open_store(path, readonly=True)
    n_values = db.execute('select count(*) from "values"').fetchone()[0]
    n_regions = db.execute("select count(*) from regions").fetchone()[0]
    print(f"store: {n_regions:,} regions, {n_values:,} values")

    def scan():
        return db.execute('select region, indicator, year, value from "values"').fetchall()

    fw, fc, ww, wc, fs = alternate(scan, lambda: findings_all(db), args.repeat)
    n_ry = len(fs.regions) * len(fs.years)
    report(f"findings_all: every region-year ({n_ry:,})", ww, 1.0, "bare scan", fw)
    print(f"       {len(fs):,} findings; CPU {wc:.3f} s vs bare scan CPU {fc:.3f} s: ratio {wc / fc:.2f}× "
          f"(goal ≤ 1.5×: {'ok' if ww <= 1.5 * fw else 'SLOW'} on wall, {'ok' if wc <= 1.5 * fc else 'SLOW'} on CPU)")
    regions = list(TargetSet.load(db).regions)
    _, _, lw, lc, _ = alternate(lambda: None, lambda: Cube.load(db, regions=regions, year_from=fs.years[0] - 9,
                                                                 year_to=fs.years[-1]), args.repeat)
    report("  of which Cube.load (every value, decoded)", lw, None, "bare scan", fw)

    year = fs.years[-1]
    for region, below, goal, what in (("320000", "all", 0.1, "a province with everything below it"),
                                      ("320000", "self", 0.05, "region switch: a province"),
                                      ("320100", "self", 0.05, "region switch: a city")):
        _, _, w, c, got = alternate(lambda: None, lambda: findings(db, region, year, below=below), args.repeat)
        report(f"findings({region}, {year}, below={below!r}): {what}", w, goal)
        print(f"       {len(got.regions)} regions reported, {len(got)} findings, CPU {c:.3f} s")
        # the same findings as the national pass, for every region reported
        for code in got.regions:
            assert {(f.indicator, f.period, f.rule) for f in got.of(code)} == \
                   {(f.indicator, f.period, f.rule) for f in fs.of(code, year)}, code


if __name__ == "__main__":
    main()
