"""Habits a clerk and an office head bring from spreadsheets and their other tools: a wrong password
asks again, F1 opens help, another store opens from the File menu, messages name places."""
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from app.models.values import region_year_status  # noqa: E402


@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320100", 2024)           # 南京 2024: complete and clean in the demo
    qtbot.waitExposed(w)
    return w


def find_dialog(name):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == name
                 and w.isVisible()), None)


def test_a_wrong_password_asks_again(window, qtbot):
    seen = []

    def wrong():
        dlg = find_dialog("headDialog")
        dlg.user.setCurrentText("demo-head")
        dlg.password.setText("not-the-password")
        dlg.accept()
        seen.append((dlg.isVisible(), dlg.error.isVisible(), dlg.error.text(), dlg.password.text()))
        QTimer.singleShot(0, right)

    def right():
        dlg = find_dialog("headDialog")
        seen.append(dlg is not None)
        dlg.password.setText("demo1234")
        dlg.accept()

    QTimer.singleShot(50, wrong)
    assert window.approve()
    still_open, shown, text, password = seen[0]
    assert still_open and shown and "密码" in text and password == ""
    assert seen[1] is True
    assert region_year_status(window.db, "320100", 2024) == "approved"


def test_cancel_after_a_wrong_password_changes_nothing(window, qtbot):
    def wrong_then_cancel():
        dlg = find_dialog("headDialog")
        dlg.password.setText("nope")
        dlg.accept()
        dlg.reject()
    QTimer.singleShot(50, wrong_then_cancel)
    assert not window.approve()
    assert region_year_status(window.db, "320100", 2024) == "complete"


def test_an_unlock_without_a_reason_asks_again(window, qtbot):
    assert window.approve(credentials=("demo-head", "demo1234"))
    seen = []

    def no_reason():
        dlg = find_dialog("headDialog")
        dlg.user.setCurrentText("demo-head")
        dlg.password.setText("demo1234")
        dlg.accept()
        seen.append((dlg.isVisible(), dlg.error.text()))
        dlg.password.setText("demo1234")
        dlg.reason.setPlainText("统计口径调整")
        dlg.accept()
    QTimer.singleShot(50, no_reason)
    assert window.unlock()
    assert seen[0][0] and "原因" in seen[0][1]
    assert region_year_status(window.db, "320100", 2024) == "draft"
