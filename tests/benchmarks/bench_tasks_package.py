"""Task-ledger package benchmark (issue 15, point 6): a province with 100 tasks × 14 regions × 4 quarters of
progress and 50 evidence files of 20–200 KB (PDF, PNG, JPEG, DOCX) — the signed package's size and export
time.

Run:  .venv/bin/python tests/benchmarks/bench_tasks_package.py [--repeat N]

Prints, with goals and the ratio to floors measured in the same run:
- the package's size — goal ≤ 5 MB with evidence bytes carried up to the cap
  (:data:`app.services.package.write.EVIDENCE_CAP`, 3 MB a package) and the rest as metadata + SHA-256
  only; floor: a bare zip (deflate) of the same members (data.json, PDF, XLSX, the same evidence bytes);
- the export's time (checks, PDF, XLSX, ledger, signing, writing, recording) — for information, with
  the ratio to the floor: ``json.dumps`` of the same data.json plus a bare zip of the same members.

The store is the demo (Jiangsu and its 13 cities) with a 100-task list for 2023, every region's four
quarters reported through the one write path (progress.write_progress) and the evidence attached to the
province's and the cities' fourth-quarter reports.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report  # noqa: E402

YEAR = 2023
TASKS = 100
FILES = 50
REGIONS = ["320000", "320100", "320200", "320300", "320400", "320500", "320600", "320700", "320800", "320900",
           "321000", "321100", "321200", "321300"]
WORDS = ("开展专利申请质量分析", "推进知识产权质押融资入园惠企", "加强地理标志保护", "建设知识产权保护中心",
         "清理不切实际的增长率考核指标", "完善高价值发明专利培育机制", "推动专利转化运用专项行动",
         "加强商标品牌指导站建设", "提升知识产权公共服务能力", "强化知识产权行政裁决")


def task_pack(path: Path) -> Path:
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "pack", "year", "article", "clause", "scope", "text_zh", "responsible_zh", "due"])
        for n in range(1, TASKS + 1):
            text = f"{rng.choice(WORDS)}，{rng.choice(WORDS)}，形成阶段性工作成果并按季度报送进展（第{n}项）。"
            w.writerow([f"B{YEAR}-{n:03d}", "BENCH_PACK", YEAR, str(1 + n // 20), f"{1 + n // 20}({n % 20 + 1})",
                        "local", text, "各地方知识产权局", f"{YEAR}-12-15"])
    return path


def evidence_files(rng) -> list[tuple[str, bytes]]:
    out = []
    for n in range(FILES):
        size = rng.randint(20_000, 200_000)
        kind = ("pdf", "png", "jpg", "docx")[n % 4]
        body = rng.randbytes(size)
        if kind == "pdf":
            data = b"%PDF-1.7\n%" + body + b"\n%%EOF\n"
        elif kind == "png":
            data = b"\x89PNG\r\n\x1a\n" + body
        elif kind == "jpg":
            data = b"\xff\xd8\xff\xe0" + body
        else:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
                z.writestr("[Content_Types].xml", "<Types/>")
                z.writestr("word/document.xml", body)
            data = buf.getvalue()
        out.append((f"佐证材料{n + 1:02d}.{kind}", data))
    return out


def build(path: Path) -> None:
    from app.models import tasks
    from app.models.db import meta_set, open_store, transaction
    from app.models.evidence import from_bytes
    from app.models.progress import write_progress
    from app.services.demo import make_demo

    db = open_store(path)
    make_demo(db)
    meta_set(db, "home_region", "320000")
    tasks.import_tasks(db, task_pack(path.parent / "bench-tasks.csv"))
    rng = random.Random(11)
    files = [from_bytes(n, d) for n, d in evidence_files(rng)]
    with transaction(db):
        for region in REGIONS:
            for n in range(1, TASKS + 1):
                tid = f"B{YEAR}-{n:03d}"
                for q, (state, pct) in enumerate((("in_progress", 25), ("in_progress", 50), ("in_progress", 75),
                                                  ("done", 100)), start=1):
                    rec = {"state": state, "percent": pct, "milestone": None,
                           "text": f"第{q}季度：{rng.choice(WORDS)}，完成既定进度，相关材料已归档。",
                           "person": rng.choice(("王敏", "李强", "张伟", "刘洋")), "reason": None}
                    ev = []
                    if q == 4 and n <= 4 and files:
                        ev = [files.pop()]
                    write_progress(db, tid, region, f"{YEAR}Q{q}", YEAR, rec, ev, who="bench")
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.conn.close()


def bare_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from app.models.db import open_store
    from app.services.package.write import EVIDENCE_CAP, SIZE_GOAL, export_package

    tmp = Path(tempfile.mkdtemp(prefix="ipdesk-bench-tasks-"))
    try:
        t = time.perf_counter()
        build(tmp / "base.sqlite")
        print(f"store: demo + {TASKS} tasks × {len(REGIONS)} regions × 4 quarters, {FILES} evidence files "
              f"(built in {time.perf_counter() - t:.1f} s)")
        times, floors, res = [], [], None
        for i in range(args.repeat):
            shutil.copy(tmp / "base.sqlite", tmp / f"run{i}.sqlite")
            db = open_store(tmp / f"run{i}.sqlite")
            t = time.perf_counter()
            res = export_package(db, "320000", YEAR, tmp / f"out{i}", key_dir=tmp / "keys")
            times.append(time.perf_counter() - t)
            db.conn.close()
            with zipfile.ZipFile(res.path) as z:
                members = [(n, z.read(n)) for n in z.namelist() if n not in ("manifest.json", "manifest.sig")]
            data = json.loads(dict(members)["data.json"])
            t = time.perf_counter()
            body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
            floor_zip = bare_zip([("data.json", body)] + [m for m in members if m[0] != "data.json"])
            floors.append(time.perf_counter() - t)
        from app.models.ledger import unpack

        ledger = data["ledger"]
        rows = unpack(ledger["rows"])
        carried = sum(e["size"] for e in ledger["carried"])
        all_files = {e["sha256"]: e["bytes"] for e in rows["evidence"]}
        size = res.bytes
        mb = 2 ** 20
        print(f"ledger: {len(rows['progress']):,} progress rows, {len(all_files)} evidence files "
              f"({sum(all_files.values()) / mb:.2f} MB), {len(ledger['carried'])} carried ({carried / mb:.2f} MB, "
              f"cap {EVIDENCE_CAP / mb:.0f} MB), {len(all_files) - len(ledger['carried'])} as metadata + SHA-256 only")
        sizes = {n: len(d) for n, d in members}
        print("members: " + ", ".join(f"{n} {b / mb:.2f} MB" for n, b in sizes.items()))
        ok = "ok " if size <= SIZE_GOAL else "BIG"
        print(f"[{ok}] package size                                          {size / mb:7.2f} MB  (goal ≤ "
              f"{SIZE_GOAL / mb:.0f} MB)  ratio {size / len(floor_zip):5.2f}× bare zip (deflate) of the same "
              f"members ({len(floor_zip) / mb:.2f} MB)")
        med = statistics.median
        report(f"export_package (PDF, XLSX, ledger, sign, write)", med(times), None,
               "json.dumps + bare zip of the same members", med(floors))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
