"""Audit and store-health benchmarks (issue 13): replaying the trail, checking and copying the store.

Run:  .venv/bin/python tests/benchmarks/bench_audit.py [--fresh]

The national-scale store (735,490 values, see bench_core.py) with about 1 M audit rows: the
values written once, then four years of every region revised through the one write path
(action ``set``) and 300 region-years marked complete. Prints each figure with its goal and the ratio
to a floor measured in the same run:
- ``audit.verify``: the chain recomputed and the store checked against the trail (values, notes and
  statuses by SQLite's queries, states, explanations, the task ledger and the results report replayed) —
  goal ≤ 5 s; as shipped (two processes on two cores, each with its part of the chain), then each way
  forced; floor: a bare scan of the audit table (every column, in id order), and beside it the scan plus
  SHA-256 of every row in one process (the chain alone, as one process computes it);
  CPU seconds of each too (on a shared machine the wall time counts the waits);
- SQLite's ``quick_check`` of the store (what opening a store costs when it is not cached) and
  ``open_store`` with the check cached (information);
- a rolling backup through SQLite's online backup API (information; floor: a file copy).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ["IPDESK_DAILY_BACKUP"] = "0"        # the bench's own writes make no day's backup
os.environ.setdefault("IPDESK_USER", "bench")

from _common import cached_store, report, timed  # noqa: E402

from app.models import audit, backups, storefile  # noqa: E402
from app.models.db import SCHEMA_VERSION, open_store  # noqa: E402
from app.models.values import Change, write_values  # noqa: E402
from app.services.synthetic import make_nation  # noqa: E402

REVISED_YEARS = ("2021", "2022", "2023", "2024")


def audit_store(fresh: bool) -> Path:
    """The national store plus revisions and approvals (about 1 M audit rows), generated once."""
    path = Path(tempfile.gettempdir()) / "ipdesk-bench" / f"nation-audit-s{SCHEMA_VERSION}-seed7.sqlite"
    if path.exists() and not fresh:
        return path
    nation = cached_store("nation", make_nation, fresh)
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    shutil.copy(nation, path)                   # (the shared national store is only read)
    t = time.perf_counter()
    db = open_store(path)
    rows = db.execute('select region, indicator, period, value from "values" where substr(period, 1, 4) in'
                      f" ({','.join('?' * len(REVISED_YEARS))})", REVISED_YEARS).fetchall()
    changes = [Change(r, i, p, str(int(v) + 1) if "." not in v else v + "1") for r, i, p, v in rows]
    for k in range(0, len(changes), 100_000):
        write_values(db, changes[k:k + 100_000], why="revised figures", action="set")
    from app.models.store_basics import transaction
    from app.models.workflow import set_status

    region_years = [(c, 2022) for c, in db.execute("select code from regions order by code limit 300")]
    with transaction(db):            # workflow rows for the replay to follow (the low-level writer: a benchmark
        for code, year in region_years:      # store, not a review; approval itself is review's and needs a head)
            set_status(db, code, year, "complete", user="bench-clerk", why="benchmark")
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    n = db.execute("select count(*) from audit").fetchone()[0]
    db.close()
    print(f"generated audit store: {len(changes):,} revisions, {n:,} audit rows in {time.perf_counter() - t:.1f} s -> {path}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the stores")
    args = ap.parse_args()
    path = audit_store(args.fresh)
    db = open_store(path, readonly=True, check=False)
    n_values = db.execute('select count(*) from "values"').fetchone()[0]
    n_audit = db.execute("select count(*) from audit").fetchone()[0]
    print(f"store: {n_values:,} values, {n_audit:,} audit rows, {path.stat().st_size / 1e6:.0f} MB")

    cols = "id, at, who, action, region, indicator, period, old, new, why, prev_hash, hash"

    def bare_scan():
        for _row in db.conn.execute(f"select {cols} from audit order by id"):
            pass

    def chain_scan():
        """The floor of any verify in Python: the scan plus SHA-256 of every row, linked (no replay)."""
        sha256, prev = hashlib.sha256, audit.GENESIS
        for _rid, at, who, action, region, indicator, period, old, new, why, prev_hash, h in db.conn.execute(
                f"select {cols} from audit order by id"):
            if prev_hash != prev or sha256(
                    f"{prev}\x1e{at}\x1f{'' if who is None else who}\x1f{'' if action is None else action}\x1f"
                    f"{'' if region is None else region}\x1f{'' if indicator is None else indicator}\x1f"
                    f"{'' if period is None else period}\x1f{'' if old is None else old}\x1f"
                    f"{'' if new is None else new}\x1f{'' if why is None else why}".encode()).hexdigest() != h:
                raise AssertionError("chain broken")
            prev = h

    def cpu(fn, split=False):
        """CPU seconds of one call, its child processes' included (verify recomputes the chain in a second
        process on a store this large; the machine may be shared: wall time counts the waits, CPU time not);
        ``split``: (this process, the children)."""
        before = os.times()
        fn()
        after = os.times()
        own = sum(getattr(after, k) - getattr(before, k) for k in ("user", "system"))
        kids = sum(getattr(after, k) - getattr(before, k) for k in ("children_user", "children_system"))
        return (own, kids) if split else own + kids

    floor, _ = timed(bare_scan)
    chain, _ = timed(chain_scan)
    seconds, res = timed(lambda: audit.verify(db))
    assert res.ok, audit.describe(db, res)
    report(f"audit.verify: chain + replay of {n_audit:,} rows", seconds, 5.0, "bare scan of the audit table", floor)
    report("  floor: audit scan + SHA-256 chain (no replay)", chain, None, "bare scan of the audit table", floor)
    print(f"       (the verify above chose {'two processes' if audit.second_process() else 'one process'}:"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for n in ("2", "1"):                     # each way forced, for comparison
        os.environ["IPDESK_AUDIT_PROCESSES"] = n
        way, res = timed(lambda: audit.verify(db), repeat=1)
        assert res.ok
        report(f"  the same verify in {'two processes' if n == '2' else 'one process'} (information)", way, None,
               "bare scan of the audit table", floor)
    os.environ["IPDESK_AUDIT_PROCESSES"] = "2"           # (the CPU split below is the two processes')
    cpu_scan, cpu_chain = cpu(bare_scan), cpu(chain_scan)
    own, kids = cpu(lambda: audit.verify(db), split=True)
    cpu_verify = own + kids
    print(f"       CPU seconds: bare scan {cpu_scan:.2f}, scan + SHA-256 chain {cpu_chain:.2f}, "
          f"audit.verify {cpu_verify:.2f} ({cpu_verify / cpu_scan:.1f}× the scan, {cpu_verify / cpu_chain:.1f}× the chain)"
          f" = {own:.2f} in this process (the first {audit.FIRST_SHARE:.0%} of the chain, the other rows, SQLite's"
          f" history and count) + {kids:.2f} in the second (the rest of the chain, SQLite's values check), side by"
          f" side: on two idle cores the wall time is about the larger, {max(own, kids):.2f} s"
          f" ({max(own, kids) / cpu_chain:.2f}× the chain)")

    check, found = timed(lambda: storefile.quick_check(db.conn))
    assert found == []
    report("quick_check of the store (an uncached open)", check, None, "bare scan of the audit table", floor)
    db.close()

    work = Path(tempfile.mkdtemp(prefix="ipdesk-bench-audit-"))
    try:
        copy = work / "store.sqlite"
        shutil.copy(path, copy)
        first, _ = timed(lambda: open_store(copy, check=True).close(), repeat=1)
        report("open_store, first open (quick_check, cache noted)", first, None)
        cached, _ = timed(lambda: open_store(copy, check=True).close())
        report("open_store, file unchanged since its check", cached, 0.2)
        file_copy, _ = timed(lambda: shutil.copy(copy, work / "plain.sqlite"), repeat=1)
        live = open_store(copy, check=False)
        made, dest = timed(lambda: backups.make(live, "bench"), repeat=1)
        live.close()
        report("rolling backup (SQLite online backup API)", made, None, "file copy", file_copy)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
