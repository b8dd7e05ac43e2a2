"""National-scale CSV import (issue 13, point 8) and a big CSV's memory (point 4).

Run:  .venv/bin/python tests/benchmarks/bench_import_csv.py [--repeat N] [--memory-mb 200] [--skip-memory]

Speed. The file: every region of the bundled tree × every entered indicator × 10 years
(:func:`app.services.synthetic.nation_changes`, ten indicators: 3,343 regions × 10 × 10 years = 334,300
values), long format,
UTF-8. Measured alternately in the same run, the ratio taken pair by pair:

- floor: a bare ``csv.reader`` of the file → ``executemany`` into a fresh SQLite table with
  the same columns, in one transaction (no checks, no audit);
- the store's own floor, for information: the same values and an audit row each inserted bare
  into the real schema (keys, indexes; no checks, no hashing) — what any audited import pays;
- dry run: ``plan_import`` (read, resolve, parse, compare) — goal ≤ 1.5× the floor;
- ours: ``plan_import`` then ``apply_plan`` into a fresh copy of a new store — read,
  resolve, parse every value as a clerk typed it, compare with the store, the audited write —
  goal ≤ 3× the floor. The parser's share is printed too (``parse_value`` over the file's
  value column).

Memory. A CSV of ``--memory-mb`` MB (long format, a note on every row so that 200 MB is
about a million values — the row cap), imported (dry run, then apply) by ``ipdesk import`` in
a child process; its peak resident memory (``VmHWM``) — goal ≤ 500 MB.
"""
from __future__ import annotations

import argparse
import csv
import os
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
from app.models.db import open_store  # noqa: E402
from app.models.parse import parse_value  # noqa: E402
from app.services.sheets.importer import apply_plan, plan_import  # noqa: E402
from app.services.synthetic import nation_changes  # noqa: E402

HEADER = ["地区代码", "指标代码", "期间", "数值", "说明"]
# ten indicators of every kind a region enters (counts, shares, a score, an amount in 亿元, population in 万人)
TEN = ("POPULATION", "INV_PATENTS_IN_FORCE", "HV_PATENTS", "INV_APPLICATIONS", "INV_GRANTS", "INV_GRANT_RATE",
       "PLEDGE_AMOUNT", "PATENT_INTENSIVE_GDP_SHARE", "PROTECTION_SATISFACTION", "TM_REGISTRATIONS")


def write_nation_csv(store: Path, path: Path) -> int:
    db = open_store(store)
    changes = [c for c in nation_changes(db) if c.indicator in TEN]
    db.conn.close()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows((c.region, c.indicator, c.period, c.value, "") for c in changes)
    return len(changes)


def bare_floor(path: Path, target: Path) -> float:
    """csv.reader → executemany into a fresh table, one transaction."""
    for p in target.parent.glob(target.name + "*"):
        p.unlink()
    t = time.perf_counter()
    con = sqlite3.connect(target)
    con.execute('create table "values"(region text, indicator text, period text, value text, note text,'
                " primary key(region, indicator, period))")
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        with con:
            con.executemany('insert into "values" values (?,?,?,?,?)', rows)
    con.close()
    return time.perf_counter() - t


def stack_floor(path: Path, template: Path, target: Path) -> float:
    """The store's own floor: the same values and one audit row each, bare ``executemany`` into the
    real schema (its keys and indexes, foreign keys off), no checks, no hashing of the chain."""
    for p in target.parent.glob(target.name + "*"):
        p.unlink()
    shutil.copy(template, target)
    con = sqlite3.connect(target)
    con.execute("pragma foreign_keys = OFF")
    t = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    with con:
        con.executemany('insert into "values"(region, indicator, period, year, value, status, updated_by, updated_at)'
                        " values (?,?,?,?,?, 'draft', 'bench', '2026-01-01')",
                        [(r[0], r[1], r[2], int(r[2][:4]), r[3]) for r in rows])
        con.executemany("insert into audit(at, who, action, region, indicator, period, old, new, why, prev_hash, hash)"
                        " values ('2026-01-01', 'bench', 'import', ?, ?, ?, null, ?, 'bench', ?, ?)",
                        [(r[0], r[1], r[2], '{"v":"' + r[3] + '"}', "0" * 64, "0" * 64) for r in rows])
    con.close()
    return time.perf_counter() - t


def write_big_csv(store: Path, path: Path, megabytes: int) -> int:
    """Long-format rows with a note each, until the file reaches ``megabytes``."""
    db = open_store(store)
    changes = nation_changes(db)
    db.conn.close()
    note = "据统计公报及年度报告核实，数值为年末口径" * 4      # ~ 150 bytes of Chinese text
    target, n, size = megabytes << 20, 0, 0
    years = [str(y) for y in range(1990, 2100)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for year in years:
            for c in changes:
                if c.period != "2020":
                    continue
                w.writerow((c.region, c.indicator, year, c.value, note))
                n += 1
                if n % 1000 == 0:
                    size = f.tell()
                    if size >= target - (1 << 20):        # just under the limit (200 MB is refused unread)
                        return n
    return n


def peak_of_child(cmd: list[str], env: dict) -> tuple[float, int, str]:
    """Run ``ipdesk cmd`` in a child; (seconds, its peak resident memory in MB (VmHWM at exit), the output's end)."""
    wrapper = ("import sys\n"
               "from app.cli import main\n"
               "code = main(sys.argv[1:])\n"
               "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
               "print('VMHWM_KB', hwm, file=sys.stderr)\n"
               "sys.exit(code)\n")
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, timeout=1200)
    seconds = time.perf_counter() - t
    kb = next((int(line.split()[1]) for line in res.stderr.splitlines() if line.startswith("VMHWM_KB")), 0)
    return seconds, kb // 1024, res.stdout[-400:] + res.stderr[-400:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-mb", type=int, default=200)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ipdesk-bench-csv-"))
    try:
        template = work / "fresh.sqlite"
        open_store(template).conn.close()
        if not args.skip_speed:
            speed(work, template, args.repeat)
        if not args.skip_memory:
            memory(work, template, args.memory_mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def speed(work: Path, template: Path, repeat: int) -> None:
    path = work / "nation.csv"
    t = time.perf_counter()
    n = write_nation_csv(template, path)
    print(f"file: {n:,} values, {path.stat().st_size / 1e6:.1f} MB (written in {time.perf_counter() - t:.1f} s)")
    store = work / "store.sqlite"
    ours, floors, ratios, dry, dry_ratios = [], [], [], [], []
    stacks = []
    for _ in range(repeat):
        floors.append(bare_floor(path, work / "floor.sqlite"))
        stacks.append(stack_floor(path, template, work / "stack.sqlite") / floors[-1])
        for p in work.glob("store.sqlite*"):
            p.unlink()
        shutil.copy(template, store)
        db = open_store(store)
        t = time.perf_counter()
        plan = plan_import(db, path)
        dry.append(time.perf_counter() - t)
        t = time.perf_counter()
        res = apply_plan(db, plan, who="bench")
        ours.append(dry[-1] + time.perf_counter() - t)
        db.conn.close()
        assert res.applied and res.written == n, (res.written, res.plan.problems[:3])
        ratios.append(ours[-1] / floors[-1])
        dry_ratios.append(dry[-1] / floors[-1])
    floor, mine, ratio = statistics.median(floors), statistics.median(ours), statistics.median(ratios)
    print(f"[{'ok ' if statistics.median(dry_ratios) <= 1.5 else 'SLOW'}] dry run (plan_import): read, resolve, parse, "
          f"compare {statistics.median(dry):7.3f} s  (goal ≤ 1.5× floor)  ratio {statistics.median(dry_ratios):5.2f}×")
    print(f"       (the store's own floor: the values and their audit rows inserted bare into the real schema = "
          f"{statistics.median(stacks):.2f}× the floor)")
    print(f"[ok ] bare csv.reader → executemany (floor)            {floor:7.3f} s")
    print(f"[{'ok ' if ratio <= 3 else 'SLOW'}] dry run + apply, national CSV (whole import)  {mine:7.3f} s  "
          f"(goal ≤ 3× floor)  ratio {ratio:5.2f}×")
    # the parser's share: every value of the file through parse_value, as the import does
    db = open_store(template)
    cat = indicators(db)
    db.conn.close()
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    t = time.perf_counter()
    for r in rows:
        ind = cat[r[1]]
        parse_value(r[3], kind=ind.kind, unit_zh=ind.unit_zh, decimals=ind.decimals)
    parse_s = time.perf_counter() - t
    print(f"       parse_value over the {len(rows):,} values: {parse_s:.3f} s ({parse_s / len(rows) * 1e6:.2f} µs a value)")


def memory(work: Path, template: Path, megabytes: int) -> None:
    path = work / "big.csv"
    t = time.perf_counter()
    n = write_big_csv(template, path, megabytes)
    print(f"big file: {n:,} values, {path.stat().st_size / 1e6:.1f} MB (written in {time.perf_counter() - t:.1f} s)")
    store = work / "mem.sqlite"
    for p in work.glob("mem.sqlite*"):
        p.unlink()
    shutil.copy(template, store)
    env = dict(os.environ, IPDESK_DB=str(store), PYTHONPATH=str(ROOT))
    short = work / "short.csv"       # the same size in short rows: ~6 M of them, beyond the row cap
    with open(short, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER[:4]) + "\n")
        line = "320100,INV_GRANTS,2024,18473\n"
        f.write(line * ((megabytes << 20) // len(line) - 10))
    seconds, mb, out = peak_of_child(["import", str(short)], env)
    print(f"[{'ok ' if mb <= 500 else 'BIG '}] ipdesk import {short.stat().st_size / 1e6:.0f} MB CSV of short rows "
          f"(refused: over the row cap): peak {mb} MB, {seconds:.1f} s")
    print("       " + next((x for x in out.strip().splitlines() if "VMHWM" not in x), "")[:160])
    short.unlink()
    for label, extra in (("dry run", []), ("apply", ["--apply"])):
        seconds, mb, out = peak_of_child(["import", str(path), *extra], env)
        print(f"[{'ok ' if mb <= 500 else 'BIG '}] ipdesk import {label:<8} {megabytes} MB CSV: peak {mb} MB (goal ≤ 500 MB), "
              f"{seconds:.1f} s")
        print("       " + out.strip().splitlines()[0][:160] if out.strip() else "")


if __name__ == "__main__":
    main()
