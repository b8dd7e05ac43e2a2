"""A 2024 task list, an own task assigned down and some progress with evidence, for the window's 任务 and
报告 pages (their tests and tests/ui_fit_probe.py's screenshots)."""
from __future__ import annotations

from app.models import progress, tasks
from tests.test_tasks import ROWS_2024, write_csv


def real_pdf(text: str = "ipdesk evidence") -> bytes:
    """A real one-page PDF (reportlab), as an office scans or prints one."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def seed(db, folder, *, with_progress: bool = True) -> str:
    """Import the 2024 list; 江苏省 decomposes 4(9) into its own task, assigned to 南京市 and a division.
    Returns the own task's id."""
    tasks.import_tasks(db, write_csv(folder / "guideline-2024.csv", ROWS_2024))
    own = tasks.add_task(db, "320000", 2024, "组织开展全省专利申请质量分析，形成分析报告并报送国家知识产权局",
                         parent="G2024-4.9.1", due="2024-10-31")
    tasks.assign(db, own.id, "320100", "2024-09-30", by_region="320000")
    tasks.assign(db, own.id, "战略规划处", "2024-09-30", by_region="320000")
    if with_progress:
        progress.set_progress(db, "320000", "G2024-4.9.1", "2024Q1", "推进中", percent=30, text="已部署原因分析工作",
                              person="王敏")
        progress.set_progress(db, "320000", "G2024-4.9.1", "2024H1", "推进中", percent=60,
                              evidence=[("原因分析报告.pdf", real_pdf())])
        progress.set_progress(db, "320100", "G2024-4.9.1", "2024Q3", "已完成", text="已报送分析报告")
        progress.set_progress(db, "320200", "G2024-4.9.1", "2024Q3", "滞后", percent=40, why="统计口径调整，数据待复核")
        progress.set_progress(db, "320000", "G2024-4.10.1", "2024", "已完成")
    return own.id
