"""The window's review actions (Review menu, dashboard buttons): change the status, approve, unlock,
let a region-year go ahead without its subordinate regions, check all regions below.

A mixin of :class:`app.ui.main_window.MainWindow`: the review service decides; these ask for the
head's name and password and say the service's answer. Texts keep the ``MainWindow`` context of the
translations (``QCoreApplication.translate("MainWindow", …)``: Qt looks them up by the window's class).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.models.errors import IpdeskError
from app.ui import i18n


class ReviewActions:
    """Needs ``db``, ``region``, ``year``, ``warn``, ``error_text``, ``region_name``, ``reload`` of the window."""

    def _heads(self):
        from app.services.browse import head_names

        return head_names(self.db)

    def change_status(self, status: str, *, why: str | None = None) -> bool:
        """complete / submitted / draft (reopen, with ``why``) through the review service, which decides."""
        from app.models import review

        year = self.year.value()
        move = {"complete": review.complete, "submitted": review.submit}
        try:
            if status == "draft":
                review.reopen(self.db, self.region, year, why=why or "")
            else:
                move[status](self.db, self.region, year, why="changed in the window")
        except IpdeskError as exc:
            self.warn(self.error_text(exc))
            return False
        finally:
            self.reload(statuses_changed=True)
        return True

    def _refused_before_asking(self, action: str) -> bool:
        """Say what blocks ``action`` before asking a head for a password (the service checks again)."""
        from app.models import review

        reasons = review.blockers(self.db, self.region, self.year.value(), action)
        if reasons:
            self.warn(review.refusal(self.db, action, self.region, self.year.value(), reasons).message(i18n.current()))
        return bool(reasons)

    def _ensure_head(self) -> bool:
        if self._heads():
            return True
        from app.models.workflow import add_user
        from app.ui.dialogs import NewHeadDialog

        dlg = NewHeadDialog(self)
        if not dlg.exec():
            return False
        try:
            add_user(self.db, dlg.name.text().strip(), "head", dlg.p1.text())
        except IpdeskError as exc:
            self.warn(self.error_text(exc))
            return False
        return True

    def _as_head(self, act, credentials, *, title: str, prompt: str, with_reason: bool) -> bool:
        """Run ``act((user, password, reason))`` as an office head: with ``credentials`` at once (tests,
        scripts), else in the head's dialog, which asks again after a wrong password or a missing reason."""
        try:
            if credentials is not None:
                act(tuple(credentials) + ("",) * (3 - len(credentials)))
                return True
            from app.ui.dialogs import HeadDialog

            dlg = HeadDialog(self, self._heads(), title=title, prompt=prompt, with_reason=with_reason, attempt=act)
            self.head_dialog = dlg
            done = bool(dlg.exec())
            if dlg.failure is not None:
                self.warn(self.error_text(dlg.failure))
            return done
        except IpdeskError as exc:
            self.warn(self.error_text(exc))
            return False
        finally:
            self.reload(statuses_changed=True)

    def approve(self, *, credentials=None) -> bool:
        """Approve (lock) the region-year; ``credentials`` = (user, password) skips the dialog (tests, scripts).

        What blocks it is said before the password is asked; the review service decides."""
        from app.models import review

        if self._refused_before_asking("approve"):
            return False
        if credentials is None and not self._ensure_head():
            return False
        region, year = self.region, self.year.value()
        return self._as_head(
            lambda v: review.approve(self.db, [(region, year)], user=v[0], password=v[1], why="approved in the window"),
            credentials, title=QCoreApplication.translate("MainWindow", "Approve and lock"), with_reason=False,
            prompt=QCoreApplication.translate(
                "MainWindow", "Approving locks {region} {year}: values become read-only until an office head unlocks "
                "them.").format(region=self.region_name(region), year=year))

    def unlock(self, *, credentials=None) -> bool:
        from app.models import review

        if self._refused_before_asking("unlock"):
            return False
        region, year = self.region, self.year.value()
        return self._as_head(
            lambda v: review.unlock(self.db, region, year, user=v[0], password=v[1], why=v[2]),
            credentials, title=QCoreApplication.translate("MainWindow", "Unlock"), with_reason=True,
            prompt=QCoreApplication.translate(
                "MainWindow", "Unlocking lets clerks change {region} {year} again. The reason is kept in the audit "
                "trail.").format(region=self.region_name(region), year=year))

    def override(self, *, credentials=None) -> bool:
        """An office head lets the region-year go ahead although subordinate regions are not complete
        (name, password and a reason; audited). ``credentials`` = (user, password, reason)."""
        from app.models import review

        if credentials is None and not self._ensure_head():
            return False
        region, year = self.region, self.year.value()
        return self._as_head(
            lambda v: review.override(self.db, region, year, user=v[0], password=v[1], why=v[2]),
            credentials, title=QCoreApplication.translate("MainWindow", "Go ahead without subordinate regions"),
            with_reason=True, prompt=QCoreApplication.translate(
                "MainWindow", "Lets {region} {year} be completed and approved while subordinate regions are not "
                "complete. The reason is kept in the audit trail.").format(region=self.region_name(region), year=year))

    def check_all_below(self):
        """Whole-province / whole-nation checks run off the UI thread with progress and Cancel."""
        from app.services.views import sweep
        from app.ui.tasks import run_task

        region, year, path = self.region, self.year.value(), self.db.path
        title = QCoreApplication.translate("MainWindow", "Checking {region} and all regions below…").format(region=region)
        cancelled_text = QCoreApplication.translate("MainWindow", "Check cancelled")
        self.sweep_job = run_task(self, title, lambda progress, cancelled: sweep(path, region, year, progress, cancelled),
                                  on_done=self._show_sweep, on_error=lambda exc, tb: self.warn(str(exc)),
                                  on_cancel=lambda: self.statusBar().showMessage(cancelled_text, 5000))

    def _show_sweep(self, rows):
        from app.ui.dialogs import SweepDialog

        self.sweep_dialog = SweepDialog(self, rows)
        self.sweep_dialog.regionChosen.connect(self.select_region)
        self.sweep_dialog.open()
