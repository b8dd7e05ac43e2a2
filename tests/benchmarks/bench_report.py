"""Report benchmarks (issue 5): the submission documents, PDF + XLSX.

Run:  .venv/bin/python tests/benchmarks/bench_report.py [--fresh]

Prints each figure with its goal and the ratio to a floor measured in the same run, the figure
and its floor called in turn for several rounds (medians; the per-round ratios' median and range
beside them, as the machine may be shared). The floor is the same content written by bare
libraries from the same model: reportlab (SimpleDocTemplate; one Table per table of already
formatted strings, the 填报说明 table, one line chart per series, the results report's text and its
regions × tasks table; the
same embedded face; no page furniture) and openpyxl (Workbook + ``append`` per row, no styles; the
任务 sheet's rows too when the year has tasks), i.e. what the file formats cost at the least. The
XLSX figure includes the verify-docs record, as the export writes it. The export pauses automatic
garbage collection while it writes (``export.gc_paused``); the floor is measured under the same
pause, so the ratio is not flattered by it.

- Jiangsu 2022 (the province with its 13 cities): model + PDF + XLSX — goal ≤ 2 s;
  also the 14 documents of the province and each city, one after the other (information);
- the national summary for 34 provinces (100000 with every province in the children table,
  province-level values for all of them) — goal ≤ 10 s.

Stores: a fresh demo store, and a national one made from ``synthetic.nation_changes``
restricted to the nation and the provinces, written through the one write path and cached
in the temp folder.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cached_store, report, timed  # noqa: E402

from app.models.db import open_store  # noqa: E402
from app.models.values import write_values  # noqa: E402
from app.services.demo import make_demo  # noqa: E402
from app.services.fonts import register_reportlab_font, register_serif_fonts  # noqa: E402
from app.services.report.data import build_report, show  # noqa: E402
from app.services.report.export import export_report, gc_paused  # noqa: E402
from app.services.report.pdf import write_pdf  # noqa: E402
from app.services.report.xlsx import write_xlsx  # noqa: E402
from app.services.synthetic import nation_changes  # noqa: E402






def tables(rep) -> list[list[list[str]]]:
    """The report's tables as the documents print them (strings)."""
    out = [[["指标", "目标", "最新值", "预测值", "年均需变化", "状态", "依据"]]
           + [[f"{t.name}（{t.unit}）", t.requirement, t.latest_text, t.projected_text, t.needed_text, t.status_text,
               t.source] for t in rep.targets],
           [["序号", "指标", "单位", "上年", "本年", "同比", "目标", "状态"]]
           + [[str(r.seq), r.display_name, r.unit, r.previous_text, r.current_text, r.yoy_text, r.target,
               r.status_text] for r in rep.indicators],
           [["地区"] + [c.name for c in rep.child_columns] + ["填报状态"]]
           + [[k.name] + [show(v, c.decimals) for v, c in zip(k.values, rep.child_columns)] + [k.workflow]
              for k in rep.children],
           [["序号", "地区", "指标", "类别", "问题", "情况说明"]]
           + [[str(i), f.region_name, f.indicator_name, f.rule_text, f.message, f.explanation]
              for i, f in enumerate(rep.findings, start=1)],
           [["指标"] + [str(y) for y in rep.years]]
           + [[s.name] + [show(dict(s.points).get(y), s.decimals) for y in rep.years] for s in rep.series]]
    return out


def bare_pdf(rep, path: Path) -> None:
    """The same content through bare reportlab: the tables, the 填报说明, one line chart per series
    (reportlab.graphics, as the report draws them) and the results report's text, in the same face."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = register_serif_fonts()[0]      # the documents' face: the same glyph embedding work
    body = ParagraphStyle("b", fontName=font, fontSize=16, leading=29)
    flow = [Paragraph(rep.title, ParagraphStyle("t", fontName=font, fontSize=22, leading=30))]
    definitions = [["序号", "指标", "数据来源", "统计口径"]] + [
        [str(n), f"{d.name}（{d.unit}）", d.source, d.scope] for n, d in enumerate(rep.definitions, start=1)]
    for rows in tables(rep) + [definitions]:
        t = Table(rows, repeatRows=1)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7)]))
        flow.append(t)
    for s in rep.series:
        if len(s.points) < 2:
            continue
        d = Drawing(220, 120)
        plot = LinePlot()
        plot.x, plot.y, plot.width, plot.height = 30, 20, 180, 90
        plot.data = [[(y, float(v)) for y, v in s.points]]
        plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = font
        d.add(plot)
        flow.append(d)
    rr = getattr(rep, "results", None)
    for sec in (rr.sections if rr is not None else []):
        flow.append(Paragraph(sec.title, body))
        flow += [Paragraph(line.strip(), body) for line in (sec.text or "").split("\n") if line.strip()]
        if sec.number == 3:
            for header, rows in owed_tables(rr):      # the regions below × tasks, as the export prints them
                t = Table([header] + rows, repeatRows=1)
                t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7)]))
                flow.append(t)
    SimpleDocTemplate(str(path), pagesize=A4, initialFontName=font).build(flow)


def owed_tables(rr) -> list:
    """The regions-below × tasks table of the results report (``[(header, rows)]``, strings), if any."""
    from app.services.results_report import owed_blocks

    return owed_blocks(getattr(rr, "owed", None)) if rr is not None else []


def bare_xlsx(rep, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([rep.title, rep.fingerprint])
    for n, rows in enumerate(tables(rep)):
        ws = wb.create_sheet(f"t{n}")
        for row in rows:
            ws.append(row)
    if getattr(rep, "tasks", None):       # the 任务 sheet: one row per task, as the export writes it
        ws = wb.create_sheet("tasks")
        for n, r in enumerate(rep.tasks, start=1):
            t = r.task
            ws.append([n, t.id, t.place or "本级", t.text_zh, t.responsible_zh, r.due, r.state_zh, r.percent,
                       "是" if r.overdue else "否", r.period or "未报送"])
    owed = getattr(getattr(rep, "results", None), "owed", None)
    if owed is not None:                 # the regions below × tasks sheet: one row per task
        ws = wb.create_sheet("owed")
        ws.append(["条款", "任务"] + [name for _c, name in owed.regions])
        for t, lab in zip(owed.tasks, owed.labels()):
            ws.append([lab, t.short(30)] + [owed.word(code, t.id) for code, _n in owed.regions])
    ws = wb.create_sheet("detail")
    for row in rep.detail:
        ws.append(row)
    wb.save(path)


def demo_store(tmp: Path) -> Path:
    path = tmp / "demo.sqlite"
    db = open_store(path)
    make_demo(db)
    db.conn.close()
    return path


def national_store(fresh: bool) -> Path:
    """The nation and its 34 provinces only (province-level values), generated once."""
    def fill(db):
        top = {code for code, level in db.execute("select code, level from regions") if level in ("nation", "province")}
        changes = [c for c in nation_changes(db) if c.region in top]
        write_values(db, changes, who="synthetic", why="province-level benchmark data", action="import")
        return len(changes)

    return cached_store("provinces", fill, fresh)


def rounds(fns: dict, repeat: int = 7) -> dict[str, list[float]]:
    """Seconds of each of ``fns`` (name -> callable), called in turn ``repeat`` times: the figure and
    its floor share each round's load (the machine is shared; measuring one after the other in blocks
    compares a busy minute with a quiet one)."""
    import time

    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t)
    return out


def paused(fn):
    """``fn`` under the export's garbage-collection pause: the floor gets what the export gives itself."""
    def run():
        with gc_paused():
            return fn()
    return run


def ratio_line(times: dict[str, list[float]], figure: str, floor: tuple[str, ...]) -> str:
    """The per-round ratios of ``figure`` to the sum of ``floor``: median and range."""
    import statistics

    per = [times[figure][i] / sum(times[f][i] for f in floor) for i in range(len(times[figure]))]
    return f"per-round ratio median {statistics.median(per):.2f}× (range {min(per):.2f}–{max(per):.2f}×, {len(per)} rounds)"


def bench(label: str, db, region: str, year: int, goal: float, out: Path, repeat: int = 7) -> None:
    import statistics

    pdf, xlsx = out / f"{region}-{year}.pdf", out / f"{region}-{year}.xlsx"
    res = export_report(db, region, year, pdf=pdf, xlsx=xlsx)        # warm (imports, font subsets)
    rep = res.report
    times = rounds({
        "all": lambda: export_report(db, region, year, pdf=pdf, xlsx=xlsx),
        "model": paused(lambda: build_report(db, region, year)),
        "pdf": paused(lambda: write_pdf(rep, out / "w.pdf")),
        "xlsx": paused(lambda: write_xlsx(rep, out / "w.xlsx", fingerprint_parts=rep.fingerprint_parts)),
        "bare_pdf": paused(lambda: bare_pdf(rep, out / "bare.pdf")),
        "bare_xlsx": paused(lambda: bare_xlsx(rep, out / "bare.xlsx")),
    }, repeat)
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["bare_pdf"] + med["bare_xlsx"]
    report(f"{label}: model + PDF + XLSX", med["all"], goal, "bare reportlab+openpyxl", floor)
    print(f"       {ratio_line(times, 'all', ('bare_pdf', 'bare_xlsx'))}")
    print(f"       model {med['model']:.3f} s · PDF {med['pdf']:.3f} s (bare {med['bare_pdf']:.3f} s, ratio "
          f"{med['pdf'] / med['bare_pdf']:.1f}×) · XLSX {med['xlsx']:.3f} s (bare {med['bare_xlsx']:.3f} s, ratio "
          f"{med['xlsx'] / med['bare_xlsx']:.1f}×)")
    print(f"       PDF {pdf.stat().st_size:,} bytes, {res.pdf_pages} pages · XLSX {xlsx.stat().st_size:,} bytes · "
          f"{len(rep.children)} subordinate regions, {len(rep.findings)} findings, {len(rep.detail):,} detail rows")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the province-level store")
    args = ap.parse_args()
    register_reportlab_font()   # once per process, as in the app
    register_serif_fonts()
    with tempfile.TemporaryDirectory(prefix="ipdesk-bench-report-") as d:
        tmp = Path(d)
        demo = open_store(demo_store(tmp))
        bench("Jiangsu 2022 (province + 13 cities)", demo, "320000", 2022, 2.0, tmp)

        cities = demo.execute("select code from regions where parent = '320000' order by code")
        codes = ["320000"] + [r[0] for r in cities]

        def batch():
            for code in codes:
                export_report(demo, code, 2022, pdf=tmp / f"b-{code}.pdf", xlsx=tmp / f"b-{code}.xlsx")
        t_batch, _ = timed(batch, repeat=1)
        report(f"Jiangsu 2022, {len(codes)} documents (province, each city)", t_batch, None)

        nation = open_store(national_store(args.fresh), readonly=True)
        bench("national summary 2022 (34 provinces)", nation, "100000", 2022, 10.0, tmp)


if __name__ == "__main__":
    main()
