"""Regenerate the sample pages of the submission PDF shown in the README.

Run:  .venv/bin/python tools/sample_pages.py [--dpi 96] [--out docs/img]

Builds a fresh demo store in a temporary folder (Jiangsu and its 13 cities, 2016–2024),
exports the Jiangsu 2022 report (approved in the demo: the final copy, dated the day it was
approved) and the Jiangsu 2024 report dated 2024-12-10 (not approved: a draft), and renders
every kind of page with poppler's ``pdftoppm``:

- ``report-page1.png``     — the cover: form marks, title, sender / recipient, one date (2022);
- ``report-targets.png``   — the target table with the cited document numbers (2022);
- ``report-table.png``     — the indicator table and the net high-value count (2022);
- ``report-charts.png``    — the trend charts (the page with the heading 主要指标趋势图, 2022);
- ``report-notes.png``     — 填报说明: each indicator's source and 口径 (2022);
- ``report-signature.png`` — the last page: closing paragraph, names, seal over unit name and date (2022);
- ``report-draft.png``     — a draft's cover with its reasons and the stamp (2024);
- ``report-results.png``   — the results report (推进情况报告) attached to the submission (2022);
- ``report-owed.png``      — the regions below × tasks table after its section 三 (2022).

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
    from app.services.results_report import OWED_TITLE

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipdesk-sample-") as d:
        tmp = Path(d)
        db = open_store(tmp / "demo.sqlite")
        make_demo(db)
        final = export_report(db, "320000", 2022, pdf=tmp / "final.pdf", generated_at=datetime(2022, 12, 10, 9, 30))
        draft = export_report(db, "320000", 2024, pdf=tmp / "draft.pdf", generated_at=datetime(2024, 12, 10, 9, 30))
        db.conn.close()
        text = subprocess.run(["pdftotext", "-layout", str(final.pdf), "-"], capture_output=True, text=True,
                              encoding="utf-8", check=True).stdout.split("\f")

        def page_of(heading: str) -> int:
            return next((n for n, page in enumerate(text, start=1) if heading in page), final.pdf_pages)

        shots = {"report-page1": (final, 1), "report-targets": (final, page_of("一、目标完成情况")),
                 "report-table": (final, page_of("二、主要指标数据")),
                 "report-charts": (final, page_of("主要指标趋势图")), "report-notes": (final, page_of("填报说明")),
                 "report-signature": (final, final.pdf_pages), "report-draft": (draft, 1),
                 "report-results": (final, page_of("工作情况报告")), "report-owed": (final, page_of(OWED_TITLE))}
        for name, (res, page) in shots.items():
            stem = tmp / name
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(page), "-l", str(page),
                            "-singlefile", str(res.pdf), str(stem)], check=True)
            shutil.copy(stem.with_suffix(".png"), args.out / f"{name}.png")
            print(f"{args.out / f'{name}.png'}  (page {page} of {res.pdf_pages})")
        print(f"fingerprint {final.report.fingerprint_short}, {final.pdf_bytes:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
