"""Import benchmark (issue 4): a 100,000-row long-format .xlsx, dry run and apply.

Run:  .venv/bin/python tests/benchmarks/bench_import.py [--fresh] [--rows N] [--repeat N]

Prints each figure with its goal and the ratio to the floor measured in the same run:
- floor: the bare python-calamine read of the same file (``to_python`` of the sheet), run
  alternately with what it is the floor of, the ratio taken pair by pair (other work on a
  shared machine moves both alike);
- the sheet scan that runs before calamine (:func:`app.services.sheets.bounds.inspect_parts`:
  each sheet's farthest cell, read as a stream; five regular-expression scans of the sheet's
  bytes, where calamine makes one pass in Rust) — goal ≤ 0.5× the floor;
- dry run (``plan_import``: zip and XML checks, sheet scan, read, resolve, parse, compare with the store)
  — goal ≤ 1.5× the floor;
- apply (``import_file(apply=True)`` into a fresh store: the dry run, then 100,000 audited
  values through ``write_values``) — goal ≤ 1.5× its own floor, the calamine read plus
  ``write_values`` of the same changes; its ratio to the bare read is printed too;
- the peer a data clerk would script, ``pandas.read_excel`` (its default engine, openpyxl)
  + ``DataFrame.to_sql`` into SQLite — goal: apply ≥ 5× faster. pandas is not a dependency of ipdesk: install it into
  the benchmark environment (``.venv/bin/pip install pandas``); without it that comparison
  is skipped with a message.

The file (existing counties × entered indicators × years, values of each indicator's kind,
a note on every tenth row) is written once with openpyxl write_only and cached in the temp
folder; every apply gets a fresh copy of a new store.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.models.catalogue import indicators  # noqa: E402
from app.models.db import SCHEMA_VERSION, open_store  # noqa: E402
from app.models.values import Change, write_values  # noqa: E402
from app.services.sheets.importer import import_file, plan_import  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "ipdesk-bench"


def timed(fn, repeat=3, setup=None):
    times, result = [], None
    for _ in range(repeat):
        if setup:
            setup()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def paired(fn, floor_fn, repeat=5, setup=None):
    """Run ``floor_fn`` and ``fn`` alternately (``setup``, untimed, before each): on a shared
    machine the load changes by the second, and a ratio taken pair by pair follows it.
    Returns (median fn, median floor, median of the ratios, fn's last result)."""
    ts, fs, ratios, result = [], [], [], None
    for _ in range(repeat):
        if setup:
            setup()
        t = time.perf_counter()
        floor_fn()
        f = time.perf_counter() - t
        if setup:
            setup()
        t = time.perf_counter()
        result = fn()
        x = time.perf_counter() - t
        ts.append(x), fs.append(f), ratios.append(x / f)
    return statistics.median(ts), statistics.median(fs), statistics.median(ratios), result


def report(name, seconds, goal_text, ok, floor_name=None, floor=None, ratio=None):
    if floor:
        ratio = seconds / floor if ratio is None else ratio
        extra = f"  ratio {ratio:5.2f}× {floor_name} ({floor:.3f} s)"
    else:
        extra = ""
    print(f"[{'ok ' if ok else 'SLOW'}] {name:<46} {seconds:7.3f} s  (goal {goal_text}){extra}")


def _value(rng, ind) -> float | int | str:
    if ind.kind == "count":
        return rng.randrange(0, 200_000)
    if ind.kind in ("percent", "score"):
        return round(rng.uniform(5, 99), ind.decimals)
    if ind.kind == "population":
        return round(rng.uniform(10, 300), 2)
    return round(rng.uniform(0, 5000), ind.decimals)


def make_file(store_path: Path, rows: int, fresh: bool) -> Path:
    path = CACHE / f"long-{rows}-s{SCHEMA_VERSION}.xlsx"
    if path.exists() and not fresh:
        return path
    from openpyxl import Workbook

    CACHE.mkdir(parents=True, exist_ok=True)
    db = open_store(store_path)
    cat = [i for i in indicators(db).values() if i.levels == "all" and not i.formula]
    counties = [r[0] for r in db.execute("select code from regions where level = 'county' order by code")]
    db.conn.close()
    years = [str(y) for y in range(2016, 2026)]
    rng = random.Random(2024)
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(["地区代码", "指标代码", "期间", "数值", "说明"])
    n = 0
    for region in counties:
        for ind in cat:
            for year in years:
                ws.append([region, ind.code, year, _value(rng, ind), "据统计公报" if n % 10 == 0 else None])
                n += 1
                if n == rows:
                    break
            if n == rows:
                break
        if n == rows:
            break
    wb.save(path)
    print(f"generated {path} ({n:,} rows, {path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the file")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peer-repeat", type=int, default=3, help="pairs with the pandas peer")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ipdesk-bench-import-"))
    try:
        run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, args) -> None:
    import python_calamine as pc

    template_store = work / "fresh.sqlite"
    path = make_file(template_store, args.rows, args.fresh)
    open_store(template_store).conn.close()      # a new store with the bundled regions and catalogue
    store = work / "store.sqlite"

    def fresh_store():
        for p in work.glob("store.sqlite*"):
            p.unlink()
        shutil.copy(template_store, store)

    def bare_read():
        return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    floor, rows = timed(bare_read, 1)
    print(f"file: {len(rows) - 1:,} rows × {len(rows[0])} columns, {path.stat().st_size / 1e6:.1f} MB")

    def inspect():            # the sheet scan that runs before calamine (issue 13): its cost against the read
        from app.services.sheets.bounds import inspect_parts
        from app.services.sheets.read import _check_parts

        zf, by_name, parts, _percent = _check_parts(path)
        with zf:
            return inspect_parts(zf, by_name, parts, path)

    scan, scan_floor, scan_ratio, _ = paired(inspect, bare_read, args.repeat)
    report("sheet scan before the read (bounds.inspect_parts)", scan, "≤ 0.5× floor", scan_ratio <= 0.5,
           "calamine read", scan_floor, scan_ratio)

    fresh_store()
    db = open_store(store)
    dry, floor, ratio, plan = paired(lambda: plan_import(db, path), bare_read, args.repeat)
    db.conn.close()
    assert plan.ok and plan.counts()["new"] == len(rows) - 1, plan.problems[:3]
    report("bare calamine read (floor)", floor, "—", True)
    report("dry run (plan_import)", dry, "≤ 1.5× floor", ratio <= 1.5, "calamine read", floor, ratio)

    changes = [Change(r.region, r.indicator, r.period, r.value, r.note) for r in plan.rows]
    state = {}

    def open_fresh():
        if "db" in state:
            state["db"].conn.close()
        fresh_store()
        state["db"] = open_store(store)

    def read_and_write():     # the floor of apply: the bare read, then the one write path
        bare_read()
        write_values(state["db"], changes, who="bench", action="import")

    applied, apply_floor, ratio, res = paired(lambda: import_file(state["db"], path, apply=True, who="bench"),
                                              read_and_write, args.repeat, setup=open_fresh)
    assert res.applied and res.written == len(rows) - 1
    report("read + write_values of the same changes", apply_floor, "— (floor of apply)", True)
    report("apply (import_file --apply)", applied, "≤ 1.5× read + write_values", ratio <= 1.5,
           "read + write_values", apply_floor, ratio)
    print(f"       apply vs the bare calamine read: {applied / floor:.2f}× (the audited write path dominates)")

    try:
        import pandas as pd
    except ImportError:
        print("[skip] pandas.read_excel + to_sql: pandas is not installed "
              "(.venv/bin/pip install pandas — for the benchmark only, not a dependency)")
        return
    peer_db = work / "pandas.sqlite"

    def pandas_peer() -> float:
        """The clerk's script in its own process (as it would run; and pandas' gigabyte of
        objects does not linger in ours): seconds for read_excel + to_sql, imports not counted."""
        code = ("import sys, time, sqlite3, pandas as pd\n"
                "t = time.perf_counter()\n"
                "df = pd.read_excel(sys.argv[1], engine='openpyxl', dtype={'地区代码': str, '期间': str})\n"
                "con = sqlite3.connect(sys.argv[2]); df.to_sql('values', con, if_exists='replace', index=False)\n"
                "con.commit(); con.close()\n"
                "print(len(df), time.perf_counter() - t)\n")
        out = subprocess.run([sys.executable, "-c", code, str(path), str(peer_db)], capture_output=True, text=True,
                             check=True, timeout=600).stdout.split()
        assert int(out[0]) == len(rows) - 1
        return float(out[1])

    # alternately with our apply (3 pairs: pandas takes ~10 s a run), the ratio taken pair by pair
    speedups, ours_t, peer_t = [], [], []
    for _ in range(args.peer_repeat):
        peer_t.append(pandas_peer())
        open_fresh()
        t = time.perf_counter()
        import_file(state["db"], path, apply=True, who="bench")
        ours_t.append(time.perf_counter() - t)
        speedups.append(peer_t[-1] / ours_t[-1])
    state["db"].conn.close()
    speedup, peer, ours = (statistics.median(x) for x in (speedups, peer_t, ours_t))
    report(f"pandas {pd.__version__} read_excel + to_sql (peer)", peer, "apply ≥ 5× faster", speedup >= 5)
    print(f"       pandas / our apply = {speedup:.1f}× (goal ≥ 5×; our apply {ours:.3f} s in these pairs); "
          f"pandas / our dry run = {peer / dry:.1f}×")
    # end to end, as each is run: the ipdesk command against the clerk's script (interpreter and imports included)
    script = work / "clerk.py"
    script.write_text("import sys, sqlite3, pandas as pd\n"
                      "df = pd.read_excel(sys.argv[1], engine='openpyxl', dtype={'地区代码': str, '期间': str})\n"
                      "con = sqlite3.connect(sys.argv[2]); df.to_sql('values', con, if_exists='replace', index=False)\n"
                      "con.commit(); con.close()\n", encoding="utf-8")
    open_fresh()
    state["db"].conn.close()

    def wall(cmd, env=None) -> float:
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=600, env=env)
        return time.perf_counter() - t

    # from compiled bytecode, as an installed ipdesk runs (pandas' is compiled by pip): in a folder of the
    # temp directory (the checkout stays clean), written by a first, untimed run
    env = dict(__import__("os").environ, IPDESK_DB=str(store), PYTHONPATH=str(ROOT),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "ipdesk-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wall([sys.executable, "-m", "app", "import", str(path)], env)          # untimed: a dry run writes the bytecode
    ours_cli = wall([sys.executable, "-m", "app", "import", str(path), "--apply"], env)
    clerk = wall([sys.executable, str(script), str(path), str(peer_db)])
    print(f"       end to end (for information): `ipdesk import --apply` {ours_cli:.2f} s, the clerk's pandas script "
          f"{clerk:.2f} s = {clerk / ours_cli:.1f}×")
    try:
        calamine_peer, _ = timed(lambda: pd.read_excel(path, engine="calamine").to_sql(
            "v2", sqlite3.connect(peer_db), if_exists="replace", index=False), 1)
        print(f"       (for information: pandas with engine='calamine' {calamine_peer:.3f} s — "
              f"{calamine_peer / applied:.1f}× our apply, without parsing, checks or audit)")
    except Exception as exc:  # noqa: BLE001 - an optional figure
        print(f"       (pandas engine='calamine' not available: {exc})")


if __name__ == "__main__":
    main()
