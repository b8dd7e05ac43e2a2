"""Regenerate the sample pages of the submission PDF shown in the README.

Run:  .venv/bin/python tools/sample_pages.py [--dpi 96] [--out docs/img]

Builds a fresh demo store in a temporary folder (Jiangsu and its 13 cities, 2016–2024),
exports the Jiangsu 2024 report dated 2024-12-10 and renders with poppler's ``pdftoppm``:

- ``report-page1.png``  — the cover block and the target summary (page 1);
- ``report-table.png``  — the indicator table (page 2);
- ``report-charts.png`` — the trend charts (the page with the heading 主要指标趋势图).

Jiangsu 2024 in the demo is not approved, so every page carries the draft mark
草稿（不得作为正式报送） — the pages show what the tool prints for such a year.

The demo data and the date are fixed, so the pages (and the fingerprint printed on them)
are the same on every run unless the layout or the demo changes.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=96)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 2

    from app.models.db import open_store
    from app.services.demo import make_demo
    from app.services.report.export import export_report

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipdesk-sample-") as d:
        tmp = Path(d)
        db = open_store(tmp / "demo.sqlite")
        make_demo(db)
        res = export_report(db, "320000", 2024, pdf=tmp / "report.pdf", generated_at=datetime(2024, 12, 10, 9, 30))
        db.conn.close()
        text = subprocess.run(["pdftotext", "-layout", str(res.pdf), "-"], capture_output=True, text=True,
                              encoding="utf-8", check=True).stdout.split("\f")
        charts = next((n for n, page in enumerate(text, start=1) if "主要指标趋势图" in page), res.pdf_pages)
        pages = {"report-page1": 1, "report-table": 2, "report-charts": charts}
        for name, page in pages.items():
            stem = tmp / name
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(page), "-l", str(page),
                            "-singlefile", str(res.pdf), str(stem)], check=True)
            shutil.copy(stem.with_suffix(".png"), args.out / f"{name}.png")
            print(f"{args.out / f'{name}.png'}  (page {page} of {res.pdf_pages})")
        print(f"fingerprint {res.report.fingerprint_short}, {res.pdf_bytes:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
