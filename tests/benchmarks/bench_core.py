"""Core benchmarks (issue 2): checks + target status, and the one write path.

Run:  .venv/bin/python tests/benchmarks/bench_core.py [--fresh]

Prints each figure with its goal and the ratio to a floor measured in the same run
(the findings alone, against the issue's goals, are in ``bench_checks.py``):
- checks + target status for one province-year (Jiangsu 2022 with all cities, counties
  and units) — goal ≤ 0.3 s;
- checks + target status for every region-year of the nation — goal ≤ 5 s;
  floor: a bare ``SELECT`` scan of all values;
- 100,000 values through ``write_values`` (validation + audit chain) — goal ≤ 3 s;
  floor: a bare ``executemany`` insert of the same rows into an identical table.
The national-scale store (~3,300 regions × catalogue × 10 years, written through the one
write path) is generated once and cached in the temp folder.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cached_store, report, timed  # noqa: E402

from app.models.catalogue import descendants  # noqa: E402
from app.models.cube import Cube  # noqa: E402
from app.models.db import open_store  # noqa: E402
from app.models.findings import findings, findings_all  # noqa: E402
from app.models.targets import TargetSet, status_rows  # noqa: E402
from app.models.values import write_values  # noqa: E402
from app.services.synthetic import make_nation, nation_changes  # noqa: E402






def nation_store(fresh: bool) -> Path:
    """The national-scale store (~3,300 regions × catalogue × 10 years), generated once."""
    return cached_store("nation", make_nation, fresh)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the national-scale store")
    args = ap.parse_args()
    path = nation_store(args.fresh)
    db = open_store(path, readonly=True)
    n_values = db.execute('select count(*) from "values"').fetchone()[0]
    n_regions = db.execute("select count(*) from regions").fetchone()[0]
    print(f"store: {n_regions:,} regions, {n_values:,} values, {path.stat().st_size / 1e6:.0f} MB")

    floor_scan, _ = timed(lambda: db.execute('select region, indicator, period, value from "values"').fetchall())

    def province_year():
        ts = TargetSet.load(db)
        regions = ["320000"] + descendants(db, "320000")
        fs = findings(db, "320000", 2022, below="all")
        cube = Cube.load(db, regions=regions, year_from=2013, year_to=2025)
        status = [row for r in regions for row in status_rows(ts, cube, r, 2022)]
        return len(regions), len(fs), len(status)

    t_prov, (nr, nf, ns) = timed(province_year, repeat=5)
    report(f"checks+status Jiangsu 2022 ({nr} regions)", t_prov, 0.3, "bare scan", floor_scan)
    print(f"       {nf} findings, {ns} target rows")

    def nation():
        ts = TargetSet.load(db)
        fs = findings_all(db)
        cube = Cube.load(db)
        status = sum(len(status_rows(ts, cube, r, y)) for r in cube.regions for y in cube.years)
        return len(cube.regions) * len(cube.years), len(fs), status

    t_nat, (nry, nf, ns) = timed(nation, repeat=3)
    report(f"checks+status every region-year ({nry:,})", t_nat, 5.0, "bare scan", floor_scan)
    print(f"       {nf:,} findings, {ns:,} target rows")

    # the one write path vs a bare executemany of the same rows
    changes = [c for c in nation_changes(db) if c.period in ("2015", "2016", "2017")][:100_000]
    tmp = Path(tempfile.mkdtemp(prefix="ipdesk-bench-"))
    try:
        def through_write_path():
            w = open_store(tmp / f"w{time.perf_counter_ns()}.sqlite")
            t = time.perf_counter()
            res = write_values(w, changes, who="bench", why="benchmark", action="import")
            dt = time.perf_counter() - t
            assert res.written == len(changes)
            w.conn.close()
            return dt

        def bare_insert():
            w = open_store(tmp / f"b{time.perf_counter_ns()}.sqlite")
            rows = [(c.region, c.indicator, c.period, int(c.period[:4]), c.value, "bench", "2026-01-01") for c in changes]
            t = time.perf_counter()
            with w.conn:
                w.conn.execute("BEGIN")
                w.conn.executemany('insert into "values"(region, indicator, period, year, value, updated_by, updated_at)'
                                   " values (?,?,?,?,?,?,?)", rows)
            dt = time.perf_counter() - t
            w.conn.close()
            return dt

        t_write = statistics.median(through_write_path() for _ in range(3))
        t_bare = statistics.median(bare_insert() for _ in range(3))
        report(f"write {len(changes):,} values (validated + audited)", t_write, 3.0, "bare executemany", t_bare)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
