"""Results-report benchmark (issue 15): a province's task ledger in the submission documents.

Run:  .venv/bin/python tests/benchmarks/bench_tasks_report.py [--fresh] [--rounds N]

The store: the demo, then for Jiangsu (320000) in 2024 — a year still open — through the models'
one write path (``import_tasks``, ``add_task``, ``assign``, ``set_progress`` with evidence):

- 60 tasks of a year's task list imported from a CSV (scope ``local``: the province and each city)
  and 40 of the province's own tasks decomposed from them and assigned to its 13 cities, so that
  each of the 14 regions (the province and its cities) has 100 tasks;
- progress for every region × task × quarter (2024Q1–Q4): 5,600 reports with state, percentage,
  milestone, text and person, a reason where the state is 滞后 / 取消; by the fourth quarter most
  tasks are done, about one in seven is not (and, 2024 being past, overdue: a finding each);
- 50 evidence files (PDF and PNG, 6–40 KB each) attached to the province's fourth-quarter reports.

It is generated once and cached in the temp folder (``--fresh`` remakes it).

The figure: ``export_report`` of Jiangsu 2024 writing the PDF, the XLSX and the DOCX (the results
report: 推进情况报告) — goal ≤ 3 s. The floor, measured in the same run, each called in turn with the
figure for several rounds (medians; the per-round ratios' range beside them, as the machine may be
shared): the same content written by bare libraries from the same model — reportlab (the tables,
charts and the report's text as :mod:`bench_report` writes them), openpyxl (its tables, the 明细 rows
and the 任务 sheet's rows, ``append`` per row) and python-docx (the title, every section heading and
paragraph, the indicator table, the task table and the regions × tasks table: the same numbers of
paragraphs, tables and rows,
default styles), under the export's garbage-collection pause as the export is.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cached_store, report  # noqa: E402
from bench_report import bare_pdf, bare_xlsx, owed_tables, paused, ratio_line, rounds  # noqa: E402

from app.models.db import open_store  # noqa: E402
from app.services.demo import make_demo  # noqa: E402
from app.services.fonts import register_reportlab_font, register_serif_fonts  # noqa: E402
from app.services.report.export import export_report  # noqa: E402
from app.services.report.pdf import write_pdf  # noqa: E402
from app.services.report.results_docx import write_docx  # noqa: E402
from app.services.report.xlsx import write_xlsx  # noqa: E402

PROVINCE, YEAR = "320000", 2024
PACK_TASKS, OWN_TASKS, EVIDENCE_FILES = 60, 40, 50
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
GOAL = 3.0

VERBS = ("加强", "完善", "推进", "深化", "健全", "优化", "落实", "开展")
OBJECTS = ("高价值发明专利培育", "知识产权质押融资", "专利转化运用专项行动", "商标品牌建设", "地理标志保护",
           "知识产权快速维权", "数据质量监测分析", "非正常专利申请治理", "知识产权公共服务网点建设",
           "专利导航服务", "知识产权保护中心建设", "海外知识产权纠纷应对指导")
WAYS = ("建立工作台账，明确责任分工和时间节点", "会同有关部门制定配套措施", "按季度调度推进情况并通报",
        "组织开展专题培训和经验交流", "将完成情况纳入年度考核")
DONE_WORDS = ("印发实施方案", "召开推进会", "完成阶段性评估", "建成服务平台", "形成工作报告")


def task_text(rng: random.Random, n: int) -> str:
    return (f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}工作（第 {n} 项）。{rng.choice(WAYS)}，"
            f"{rng.choice(WAYS)}，确保年底前取得明显成效。")


def evidence_file(n: int) -> tuple[str, bytes]:
    """A real PDF or PNG of a few kilobytes, different for each ``n``."""
    rng = random.Random(n)
    if n % 2:
        from PIL import Image

        img = Image.frombytes("RGB", (64, 48 + n), bytes(rng.randrange(256) for _ in range(64 * (48 + n) * 3)))
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return f"现场照片{n:02d}.png", buf.getvalue()
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for line in range(20 + n):
        c.drawString(60, 800 - 12 * (line % 60), f"meeting minutes {n} line {line} {rng.random():.12f}")
    c.save()
    return f"会议纪要{n:02d}.pdf", buf.getvalue()


def fill(db) -> int:
    """The demo, then Jiangsu's 2024 task ledger (see the module's docstring); returns the reports written."""
    from app.models.progress import set_progress
    from app.models.tasks import add_task, assign, import_tasks, tasks_for

    make_demo(db)
    rng = random.Random(7)
    cities = [c for (c,) in db.execute("select code from regions where parent = ? order by code", [PROVINCE])]
    with tempfile.TemporaryDirectory(prefix="ipdesk-bench-tasks-") as d:
        pack = Path(d) / "bench-tasks-2024.csv"
        with pack.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "pack", "year", "article", "clause", "scope", "text_zh", "text_en", "responsible_zh",
                        "responsible_en", "due", "document_zh", "doc_no", "parent"])
            for n in range(1, PACK_TASKS + 1):
                art = 1 + (n - 1) // 10
                w.writerow([f"B2024-{n:03d}", "BENCH_2024", YEAR, str(art), f"{art}({1 + (n - 1) % 10})", "local",
                            task_text(rng, n), "", "各地方知识产权局", "", f"{YEAR}-12-15",
                            "知识产权高质量发展年度工作指引（2024，基准测试）", "基准〔2024〕1号", ""])
        import_tasks(db, pack, who="bench")
    for n in range(1, OWN_TASKS + 1):
        t = add_task(db, PROVINCE, YEAR, "（本省）" + task_text(rng, 100 + n), parent=f"B2024-{n:03d}",
                     due=f"{YEAR}-11-30", responsible="省知识产权局业务处室", who="bench")
        for c in cities:
            assign(db, t.id, c, f"{YEAR}-11-{15 + n % 15:02d}", by_region=PROVINCE, who="bench")
    files = [evidence_file(n) for n in range(1, EVIDENCE_FILES + 1)]
    written = 0
    for region in [PROVINCE] + cities:
        rows = tasks_for(db, region, YEAR)
        assert len(rows) == PACK_TASKS + OWN_TASKS, (region, len(rows))
        for i, row in enumerate(rows):
            pct = 0
            for q in QUARTERS:
                pct = min(100, pct + rng.choice((10, 20, 25, 30)))
                roll = rng.random()
                state, why = "in_progress", None
                if q == "Q4" and (pct == 100 or roll < 0.85):     # a past year: most tasks done by its end
                    state = "done"
                elif roll > 0.98:
                    state, why = "cancelled", "上级调整工作部署，本项任务不再实施"
                elif roll > 0.90:
                    state, why = "late", "受项目审批进度影响，配套资金尚未到位"
                evidence = [files[i]] if region == PROVINCE and q == "Q4" and i < EVIDENCE_FILES else ()
                set_progress(db, region, row.task.id, f"{YEAR}{q}", state, percent=None if state == "done" else pct,
                             milestone=rng.choice(DONE_WORDS), text=f"{rng.choice(DONE_WORDS)}，{rng.choice(WAYS)}。",
                             person=f"联络员{1 + i % 9}号", why=why, evidence=evidence, who="bench")
                written += 1
    return written


def bare_docx(rep, path: Path) -> None:
    """The DOCX's content through bare python-docx: the title, each section's heading and paragraphs,
    the indicator, task and regions × tasks tables (the same strings, default styles), the fingerprint footer."""
    import docx

    from app.services.report.results_docx import indicator_rows, task_rows

    d = docx.Document()

    def table(header, rows):
        t = d.add_table(rows=1 + len(rows), cols=len(header))
        for r, values in enumerate([header] + rows):
            cells = t.rows[r].cells
            for c, text in enumerate(values):
                cells[c].text = text or ""

    d.sections[0].footer.paragraphs[0].text = f"数据指纹 {rep.fingerprint}"
    d.add_paragraph(rep.results.title)
    for s in rep.results.sections:
        d.add_paragraph(s.title)
        for line in (s.text or "").split("\n"):
            if line.strip():
                d.add_paragraph(line.strip())
        for header, rows in ((["指标（单位）", f"{rep.year}年", f"{rep.previous_year}年", "同比变化"], indicator_rows(rep))
                             if s.number == 2 and rep.indicators else (None, None),
                             (["序号", "任务", "来源", "期限", "状态", "进度"], task_rows(rep.tasks))
                             if s.number == 3 and rep.tasks else (None, None)):
            if header is None:
                continue
            table(header, rows)
        if s.number == 3:
            for header, rows in owed_tables(rep.results):     # the regions below × tasks
                table(header, rows)
    d.save(str(path))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="regenerate the task ledger store")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    register_reportlab_font()   # once per process, as in the app
    register_serif_fonts()
    db = open_store(cached_store("tasks-report-2", fill, args.fresh))
    n_tasks = db.execute("select count(*) from tasks where year = ?", [YEAR]).fetchone()[0]
    n_reports = db.execute("select count(*) from task_progress where year = ?", [YEAR]).fetchone()[0]
    n_files = db.execute("select count(*), coalesce(sum(bytes), 0) from evidence_files").fetchone()
    with tempfile.TemporaryDirectory(prefix="ipdesk-bench-tasks-report-") as d:
        out = Path(d)
        pdf, xlsx, docx_path = out / "r.pdf", out / "r.xlsx", out / "r.docx"
        res = export_report(db, PROVINCE, YEAR, pdf=pdf, xlsx=xlsx, docx=docx_path)     # warm
        rep = res.report
        times = rounds({
            "all": lambda: export_report(db, PROVINCE, YEAR, pdf=pdf, xlsx=xlsx, docx=docx_path),
            "pdf": paused(lambda: write_pdf(rep, out / "w.pdf")),
            "xlsx": paused(lambda: write_xlsx(rep, out / "w.xlsx", fingerprint_parts=rep.fingerprint_parts)),
            "docx": paused(lambda: write_docx(db, PROVINCE, YEAR, out / "w.docx", rep=rep, results=rep.results,
                                              tasks=rep.tasks)),
            "bare_pdf": paused(lambda: bare_pdf(rep, out / "bare.pdf")),
            "bare_xlsx": paused(lambda: bare_xlsx(rep, out / "bare.xlsx")),
            "bare_docx": paused(lambda: bare_docx(rep, out / "bare.docx")),
        }, args.rounds)
        med = {k: statistics.median(v) for k, v in times.items()}
        floor = med["bare_pdf"] + med["bare_xlsx"] + med["bare_docx"]
        report("Jiangsu 2024 results report: PDF + XLSX + DOCX", med["all"], GOAL,
               "bare reportlab+openpyxl+python-docx", floor)
        print(f"       {ratio_line(times, 'all', ('bare_pdf', 'bare_xlsx', 'bare_docx'))}")
        print("       writing " + " · ".join(f"{k.upper()} {med[k]:.3f} s (bare {med['bare_' + k]:.3f} s, ratio "
                                            f"{med[k] / med['bare_' + k]:.1f}×)" for k in ("pdf", "xlsx", "docx")))
        print(f"       PDF {pdf.stat().st_size:,} bytes, {res.pdf_pages} pages · XLSX {xlsx.stat().st_size:,} bytes · "
              f"DOCX {docx_path.stat().st_size:,} bytes")
        print(f"       store: {n_tasks} tasks of {YEAR}, {len(rep.tasks)} applying to the province, "
              f"{n_reports:,} progress reports, {n_files[0]} evidence files ({n_files[1]:,} bytes)")


if __name__ == "__main__":
    main()
