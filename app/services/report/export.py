"""Write the submission documents: one report model, then the PDF and/or the XLSX from it.

    res = export_report(db, "320000", 2022, pdf="江苏省2022.pdf", xlsx="江苏省2022.xlsx")
    res.pdf_pages, res.report.fingerprint_short

Each file is written beside its target and moved into place when complete; a cancel or a
failed write leaves no file behind and an existing file untouched.
"""
from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.models.errors import IpdeskError

from app.services.files import say, stage
from app.services.report.data import Cancel, ExportCancelled, Progress, Report, build_report, check_cancel  # noqa: F401


@dataclass
class ExportResult:
    report: Report
    pdf: Path | None = None
    pdf_pages: int = 0
    pdf_bytes: int = 0
    xlsx: Path | None = None
    xlsx_bytes: int = 0
    docx: Path | None = None
    docx_bytes: int = 0

    def to_dict(self) -> dict:
        return {"region": self.report.region, "year": self.report.year, "fingerprint": self.report.fingerprint,
                "fingerprint_short": self.report.fingerprint_short,
                "pdf": str(self.pdf) if self.pdf else None, "pdf_pages": self.pdf_pages, "pdf_bytes": self.pdf_bytes,
                "xlsx": str(self.xlsx) if self.xlsx else None, "xlsx_bytes": self.xlsx_bytes,
                "docx": str(self.docx) if self.docx else None, "docx_bytes": self.docx_bytes,
                "findings": self.report.counts(), "targets": self.report.status_counts(),
                "status": self.report.status, "final": self.report.final, "mark": self.report.mark,
                "reasons": self.report.reasons, "open": self.report.open_items}




def export_report(db, region: str, year: int, *, pdf: str | os.PathLike | None = None,
                  xlsx: str | os.PathLike | None = None, office: str | None = None, contact: str | None = None,
                  include_children: bool = True, generated_at: datetime | None = None,
                  progress: Progress | None = None, cancel: Cancel | None = None,
                  key_fingerprint: str | None = None, workflow: str | None = None,
                  audit_head: tuple[str, int] | None = None, docx: str | os.PathLike | None = None) -> ExportResult:
    """Build the model once and write the paper (PDF) and/or electronic (XLSX) copy from it, and/or
    the results report (推进情况报告) as a DOCX; the PDF ends with that report's text and the XLSX
    has the 任务 sheet.

    Runs off the UI thread: ``progress(fraction, message)`` is called as work advances and
    ``cancel()`` is polled; a cancel raises :class:`ExportCancelled` and leaves no file behind.
    Files that already exist are replaced only once the new one is complete.
    """
    if pdf is None and xlsx is None and docx is None:
        raise IpdeskError("export_nothing")
    for p, suffix in ((pdf, ".pdf"), (xlsx, ".xlsx"), (docx, ".docx")):
        if p is not None and Path(p).suffix.lower() != suffix:
            raise IpdeskError("export_bad_suffix", text=str(p), params={"suffix": suffix})
    with gc_paused():
        return _export(db, region, year, pdf=pdf, xlsx=xlsx, office=office, contact=contact,
                       include_children=include_children, generated_at=generated_at, progress=progress, cancel=cancel,
                       key_fingerprint=key_fingerprint, workflow=workflow, audit_head=audit_head, docx=docx)


_gc_lock = threading.Lock()
_gc_pauses = [0, False]          # exports running, whether automatic collection was on before the first


@contextmanager
def gc_paused():
    """Automatic garbage collection paused while documents are written (nested and concurrent
    exports too): reportlab and openpyxl make hundreds of thousands of short-lived objects, and
    the collector walked them a dozen times an export (a sixth of its time). What they leave is
    collected as usual once the last export ends."""
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


def _export(db, region, year, *, pdf, xlsx, office, contact, include_children, generated_at, progress, cancel,
            key_fingerprint, workflow, audit_head, docx) -> ExportResult:
    step = stage(progress, 0, 1)
    step(0.0, say("读取数据", "reading the store"))
    check_cancel(cancel)
    rep = build_report(db, region, year, office=office, contact=contact, include_children=include_children,
                       generated_at=generated_at, key_fingerprint=key_fingerprint, workflow=workflow)
    from app.models import audit

    # the audit chain head, printed on the cover and kept in the workbook's metadata (a package signs the same)
    rep.audit_head = tuple(audit_head) if audit_head else audit.head(db)
    from app.models.tasks import tasks_for
    from app.services.results_report import show as results_show

    rep.tasks = tasks_for(db, region, int(year))           # the XLSX's 任务 sheet, the DOCX's task table
    # the PDF's closing part, the DOCX's text: drafted from this model and these tasks, not read again
    # (section 一 names the office: a model printed under another office's name is not the store's draft)
    rep.results = results_show(db, region, int(year), rep=rep if office is None else None, tasks=rep.tasks)
    for target in (pdf, xlsx, docx):
        if target is not None:
            remove_leftovers(Path(target))
    result = ExportResult(rep)
    check_cancel(cancel)
    split = 0.8 if xlsx is not None else 1.0
    if pdf is not None:
        from app.services.report.pdf import write_pdf

        result.pdf = Path(pdf)
        result.pdf_pages = write_pdf(rep, result.pdf, progress=stage(progress, 0.1, split), cancel=cancel)
        result.pdf_bytes = result.pdf.stat().st_size
    if xlsx is not None:
        from app.services.report.xlsx import write_xlsx

        result.xlsx = Path(xlsx)
        write_xlsx(rep, result.xlsx, progress=stage(progress, split if pdf is not None else 0.1, 1.0), cancel=cancel,
                   fingerprint_parts=rep.fingerprint_parts)     # computed with the fingerprint, not again
        result.xlsx_bytes = result.xlsx.stat().st_size
    if docx is not None:
        from app.services.report.results_docx import write_docx

        check_cancel(cancel)
        result.docx = write_docx(db, region, year, docx, rep=rep, results=rep.results, tasks=rep.tasks)
        result.docx_bytes = result.docx.stat().st_size
    if audit_head is None:       # a package anchors its head itself, once it is recorded
        audit.anchor(db, f"report {region} {year}")
    step(1.0, say("完成", "done"))
    return result


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary ``.<name>.<pid>.<n>.part`` files a killed write of ``target`` left beside it
    (those of a process still running are another export's, and are left alone)."""
    import re

    removed = []
    pattern = re.compile(r"\." + re.escape(target.name) + r"\.([0-9]+)\.[0-9]+\.part")
    try:
        entries = list(target.parent.iterdir()) if target.parent.is_dir() else []
    except OSError:
        return removed
    for p in entries:
        m = pattern.fullmatch(p.name)
        if not m or p.is_symlink() or not p.is_file():
            continue
        if _alive(int(m.group(1)), p):
            continue
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


def _alive(pid: int, part: Path) -> bool:
    """May the process that writes ``part`` still be writing it?"""
    if os.name != "posix":       # no harmless liveness probe (os.kill would end the process): by age
        import time

        try:
            return time.time() - part.stat().st_mtime < 12 * 3600
        except OSError:
            return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
