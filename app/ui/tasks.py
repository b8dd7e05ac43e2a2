"""Run service functions off the UI thread with a progress dialog and Cancel.

Service functions are plain Python: ``fn(progress, cancelled) -> result`` where
``progress(fraction, message)`` reports and ``cancelled()`` says whether to stop. They
open their own store connection (SQLite connections stay in their thread)::

    run_task(parent, tr("Checking the nation…"), lambda progress, cancelled: work(path, progress, cancelled),
             on_done=show_result, on_error=show_error)
"""
from __future__ import annotations

import traceback

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog


from app.models.errors import Cancelled, IpdeskError  # noqa: E402  (Cancelled: raised by service functions)


def on_store(path, fn, *, readonly: bool = True):
    """A task function that opens its own connection to the store at ``path`` (SQLite connections
    stay in their thread), runs ``fn(db, progress, cancelled)`` and closes the connection."""
    def work(progress, cancelled):
        from app.models.db import open_store

        db = open_store(path, readonly=readonly)
        try:
            return fn(db, progress, cancelled)
        finally:
            db.close()
    return work


def error_text(exc: BaseException) -> str:
    """What a failed task says to the user: our errors in the window's language, others as they are."""
    from app.ui.i18n import current

    return exc.message(current()) if isinstance(exc, IpdeskError) else str(exc)


class _Signals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(object, str)


class _Job(QRunnable):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.cancel_requested = False
        self.setAutoDelete(False)

    def cancelled(self) -> bool:
        return self.cancel_requested

    def run(self):
        try:
            result = self.fn(lambda f, m="": self.signals.progress.emit(float(f), str(m)), self.cancelled)
        except Cancelled as exc:
            self.signals.failed.emit(exc, "")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # reported to the user by on_error; never lost (a library's panic
            # — pyo3's PanicException — is a BaseException and would leave the progress dialog waiting)
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.done.emit(result)


_running: set[_Job] = set()


def run_task(parent, title: str, fn, *, on_done=None, on_error=None, on_cancel=None, modal: bool = True,
             min_duration_ms: int = 200) -> _Job:
    """Start ``fn`` on the shared thread pool; results come back through queued signals."""
    job = _Job(fn)
    dialog = QProgressDialog(title, QCoreApplication.translate("TaskRunner", "Cancel"), 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal if modal else Qt.NonModal)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setAutoClose(True)
    dialog.setValue(0)

    def progress(fraction, message):
        dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            dialog.setLabelText(f"{title}\n{message}")

    def finish():
        _running.discard(job)
        dialog.reset()
        dialog.deleteLater()

    def done(result):
        finish()
        if on_done:
            on_done(result)

    def failed(exc, tb):
        finish()
        if isinstance(exc, Cancelled):
            if on_cancel:
                on_cancel()
        elif on_error:
            on_error(exc, tb)

    def cancel():
        job.cancel_requested = True

    job.signals.progress.connect(progress, Qt.QueuedConnection)
    job.signals.done.connect(done, Qt.QueuedConnection)
    job.signals.failed.connect(failed, Qt.QueuedConnection)
    dialog.canceled.connect(cancel)
    _running.add(job)
    QThreadPool.globalInstance().start(job)
    return job
