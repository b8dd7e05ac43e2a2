"""Package benchmarks (issue 6): export, and receiving many packages.

Run:  .venv/bin/python tests/benchmarks/bench_package.py [--fresh]

Prints each figure with its goal and the ratio to a floor measured in the same run on the
same bytes: a bare read of every package (``zipfile`` over the file, every member read, and
SHA-256 of the file and of each member) — what touching the data at all costs.

- Jiangsu 2024 (the province with its 13 cities) on the demo store: export of the signed
  package (checks, report model, PDF, XLSX, data.json, signature, files) — goal ≤ 3 s; the demo's
  draft cities are first marked complete through the review service (a province submits only
  when its subordinates are at least complete), not timed;
- Jiangsu's 13 city packages, each exported by its own city office (own key, own copy of
  the demo store), received by the province into a fresh store (every value new) — goal ≤ 3 s;
- 34 provincial packages, each from its own provincial store filled with
  ``synthetic.nation_changes`` restricted to that province, received into a fresh national
  store — goal ≤ 15 s; and (information) the same with each province's prefectures in its
  package, as a real provincial submission carries its cities.

Every office has its own key folder. The city and provincial packages (and their keys) are
cached in the temp folder (``--fresh`` makes them again); the receiving stores are fresh
copies each round, with the senders' keys trusted before the clock starts.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.models.checks import explain  # noqa: E402
from app.models.findings import check  # noqa: E402
from app.models.db import SCHEMA_VERSION, meta_set, open_store  # noqa: E402
from app.models.values import write_values  # noqa: E402
from app.services.demo import CITIES, make_demo  # noqa: E402
from app.services.package.format import read_archive  # noqa: E402
from app.services.package.keys import office_key, trust_add  # noqa: E402
from app.services.package.receive import apply_receive  # noqa: E402
from app.services.package.write import export_package  # noqa: E402
from app.services.synthetic import nation_changes  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "ipdesk-bench" / f"packages-s{SCHEMA_VERSION}"
YEAR = 2024


def timed(fn, repeat=3, setup=None):
    times, result = [], None
    for _ in range(repeat):
        arg = setup() if setup else None
        t = time.perf_counter()
        result = fn(arg) if setup else fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def report(name, seconds, goal, floor_name=None, floor=None):
    ok = "ok " if goal is None or seconds <= goal else "SLOW"
    goal_text = f"(goal ≤ {goal:g} s)" if goal is not None else "(information)"
    ratio = f"  ratio {seconds / floor:7.1f}× {floor_name} ({floor:.4f} s)" if floor else ""
    print(f"[{ok}] {name:<58} {seconds:7.3f} s  {goal_text}{ratio}")


def bare_read(paths: list[Path]) -> None:
    """The floor: read each file, open it as a zip, read every member, SHA-256 of all of it."""
    for p in paths:
        raw = p.read_bytes()
        hashlib.sha256(raw).digest()
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in zf.infolist():
                hashlib.sha256(zf.read(info)).digest()


def explain_all(db, region: str, year: int, children: bool) -> int:
    n = 0
    for f in check(db, region, year, with_children=children):
        if f.severity == "explain" and not f.explanation:
            explain(db, f.region, year, f.rule, f.indicator, "已核实（基准测试）", who="bench", period=f.period)
            n += 1
    return n


def complete_below(db, region: str, year: int) -> int:
    """The review rules let a region be submitted only when its subordinates are at least complete: mark
    each draft subordinate complete through the review service (its findings explained first), as the
    cities' offices would before the province submits. Returns how many were marked."""
    from app.models import review
    from app.models.states import region_year_status

    n = 0
    for code in review.subordinates(db, region, year):
        if region_year_status(db, code, year) == "draft":
            explain_all(db, code, year, False)
            review.complete(db, code, year, who="bench", why="基准测试：地市填报完成")
            n += 1
    return n


def sizes(paths: list[Path]) -> str:
    s = [p.stat().st_size for p in paths]
    return f"{len(s)} packages, {min(s) / 1024:,.0f}–{max(s) / 1024:,.0f} KiB (total {sum(s) / 2**20:.1f} MiB)"


# ---------------------------------------------------------------- the offices

def demo_store(path: Path) -> Path:
    if not path.exists():
        db = open_store(path)
        make_demo(db)
        db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
        db.conn.close()
    return path


def city_packages(fresh: bool) -> list[tuple[Path, Path, str]]:
    """13 city offices, each exporting its 2024 package with its own key: [(package, keys, code)]."""
    folder = CACHE / "cities"
    index = folder / "index.json"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not index.exists():
        folder.mkdir(parents=True, exist_ok=True)
        demo = demo_store(CACHE / "demo.sqlite")
        t = time.perf_counter()
        out = []
        for code in CITIES:
            office = folder / code
            office.mkdir(exist_ok=True)
            shutil.copy(demo, office / "store.sqlite")
            db = open_store(office / "store.sqlite")
            meta_set(db, "home_region", code)
            explain_all(db, code, YEAR, False)
            res = export_package(db, code, YEAR, office / "out", key_dir=office / "keys")
            db.conn.close()
            out.append([str(res.path), str(office / "keys"), code])
        index.write_text(json.dumps(out))
        print(f"made 13 city packages in {time.perf_counter() - t:.1f} s -> {folder}")
    return [(Path(p), Path(k), c) for p, k, c in json.loads(index.read_text())]


def province_packages(fresh: bool, prefectures: bool = False) -> list[tuple[Path, Path, str]]:
    """34 provincial offices, each with its own store of synthetic data and its own key
    (``prefectures``: the province's prefectures too, so its package carries them)."""
    folder = CACHE / ("provinces-with-prefectures" if prefectures else "provinces")
    index = folder / "index.json"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not index.exists():
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        blank = folder / "blank.sqlite"
        db = open_store(blank)
        provinces = [c for (c,) in db.execute("select code from regions where level = 'province' order by code")]
        parent = dict(db.execute("select code, parent from regions").fetchall())
        changes = nation_changes(db)
        db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
        db.conn.close()
        out = []
        for code in provinces:
            office = folder / code
            office.mkdir(exist_ok=True)
            shutil.copy(blank, office / "store.sqlite")
            db = open_store(office / "store.sqlite")
            meta_set(db, "home_region", code)
            mine = [c for c in changes if c.region == code or (prefectures and parent.get(c.region) == code)]
            write_values(db, mine, who="synthetic", why="benchmark", action="import")
            explain_all(db, code, YEAR, prefectures)
            if prefectures:
                complete_below(db, code, YEAR)
            res = export_package(db, code, YEAR, office / "out", key_dir=office / "keys")
            db.conn.close()
            out.append([str(res.path), str(office / "keys"), code])
        index.write_text(json.dumps(out))
        print(f"made 34 provincial packages in {time.perf_counter() - t:.1f} s -> {folder}")
        blank.unlink()
    return [(Path(p), Path(k), c) for p, k, c in json.loads(index.read_text())]


def receiver(blank: Path, tmp: Path, home: str, senders: list[tuple[Path, Path, str]]):
    """A fresh copy of ``blank`` that trusts every sender's key (set up before the clock starts)."""
    path = tmp / f"receiver-{time.perf_counter_ns()}.sqlite"
    shutil.copy(blank, path)
    db = open_store(path)
    meta_set(db, "home_region", home)
    for _pkg, keys, code in senders:
        trust_add(db, office_key(keys).public, code)
    return db


def receive_all(db, senders) -> int:
    n = 0
    for pkg, _keys, _code in senders:
        res = apply_receive(db, pkg)
        assert not res.noop
        n += res.counts["new"] + res.counts["changed"]
    return n


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="make the city and provincial packages again")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipdesk-bench-package-") as d:
        tmp = Path(d)
        blank = tmp / "blank.sqlite"
        open_store(blank).conn.close()

        # 1. export of a province-year package
        store = tmp / "jiangsu.sqlite"
        shutil.copy(demo_store(CACHE / "demo.sqlite"), store)
        db = open_store(store)
        explain_all(db, "320000", YEAR, True)
        marked = complete_below(db, "320000", YEAR)          # (set-up, not timed)
        print(f"       set-up: {marked} draft cities marked complete through the review service")
        keys = tmp / "jiangsu-keys"
        office_key(keys)                           # made once, on first use, not timed
        t_export, res = timed(lambda: export_package(db, "320000", YEAR, tmp / "out", key_dir=keys))
        t_floor, _ = timed(lambda: bare_read([res.path]), repeat=5)
        report("Jiangsu 2024 (province + 13 cities): export package", t_export, 3.0, "bare zip-read + SHA-256",
               t_floor)
        a = read_archive(res.path)
        print(f"       {res.path.name}: {res.bytes:,} bytes ({res.bytes / 2**20:.2f} MiB, goal ≤ 5 MiB) — "
              + ", ".join(f"{n} {len(b):,}" for n, b in a.members.items()) + f"; {res.values} values")
        t_verify, _ = timed(lambda: read_archive(res.path), repeat=5)
        report("  verify the province package (read_archive)", t_verify, None, "bare zip-read + SHA-256", t_floor)

        # 2. the province receives its 13 cities
        cities = city_packages(args.fresh)
        paths = [p for p, _k, _c in cities]
        t_floor, _ = timed(lambda: bare_read(paths), repeat=5)
        t_recv, n = timed(lambda db: receive_all(db, cities),
                          setup=lambda: receiver(blank, tmp, "320000", cities))
        report("Jiangsu: receive 13 city packages (fresh store)", t_recv, 3.0, "bare zip-read + SHA-256", t_floor)
        print(f"       {sizes(paths)}; {n} values written")

        # 3. the nation receives 34 provinces
        provinces = province_packages(args.fresh)
        paths = [p for p, _k, _c in provinces]
        t_floor, _ = timed(lambda: bare_read(paths), repeat=5)
        t_recv, n = timed(lambda db: receive_all(db, provinces),
                          setup=lambda: receiver(blank, tmp, "100000", provinces))
        report("nation: receive 34 provincial packages (fresh store)", t_recv, 15.0, "bare zip-read + SHA-256",
               t_floor)
        print(f"       {sizes(paths)}; {n} values written")

        # 3b. the same with each province's prefectures in its package (information)
        provinces = province_packages(args.fresh, prefectures=True)
        paths = [p for p, _k, _c in provinces]
        t_floor, _ = timed(lambda: bare_read(paths), repeat=5)
        t_recv, n = timed(lambda db: receive_all(db, provinces),
                          setup=lambda: receiver(blank, tmp, "100000", provinces))
        report("nation: 34 provincial packages with their prefectures", t_recv, None, "bare zip-read + SHA-256",
               t_floor)
        print(f"       {sizes(paths)}; {n} values written")


if __name__ == "__main__":
    main()
