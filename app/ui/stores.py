"""The File menu's stores: 打开数据库… and the recent stores (QSettings, up to five)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings

from app.models.errors import IpdeskError

RECENT_KEY = "files/recent_stores"


def recent_stores() -> list[str]:
    """Stores opened lately, newest first (up to 5)."""
    value = QSettings("ipdesk", "ipdesk").value(RECENT_KEY) or []
    return [str(v) for v in ([value] if isinstance(value, str) else value)][:5]


def remember_store(path) -> None:
    """``path`` first in the recent stores."""
    path = str(path)
    QSettings("ipdesk", "ipdesk").setValue(RECENT_KEY, [path] + [p for p in recent_stores() if p != path][:4])


def forget_store(path) -> None:
    QSettings("ipdesk", "ipdesk").setValue(RECENT_KEY, [p for p in recent_stores() if p != str(path)])


def fill_recent(window) -> None:
    """The recent-stores submenu, filled as it opens (the store open now is shown, greyed)."""
    menu = window.recent_menu
    menu.clear()
    for path in recent_stores():
        action = menu.addAction(path)
        action.setEnabled(path != str(window.db.path))
        action.triggered.connect(lambda _c=False, path=path: window.open_store(path))
    if menu.isEmpty():
        menu.addAction(QCoreApplication.translate("Stores", "(none yet)")).setEnabled(False)


def open_store(window, path: str | None = None):
    """Open the store at ``path`` (asked for when None) in a new window, shown in place of ``window``,
    whose store is closed and its lock released. Returns the new window (``window`` for its own store),
    or None when nothing was opened (the reason shown)."""
    from app.ui import file_dialogs

    opener = getattr(window, "opener", None)     # app.ui.main.open_window, set when it made the window
    if opener is None:
        return None
    if path is None:
        path = file_dialogs.open_file(window, QCoreApplication.translate("Stores", "Open store…"), QCoreApplication.translate("Stores", "ipdesk stores (*.sqlite *.db);;All files (*)"))
        if not path:
            return None
    if Path(path).resolve() == Path(window.db.path).resolve():
        return window
    if not Path(path).is_file():
        window.warn(QCoreApplication.translate("Stores", "There is no store at {path}").format(path=path))
        forget_store(path)
        return None
    try:
        new = opener(path)
    except IpdeskError as exc:
        window.warn(window.error_text(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - not a store (another SQLite file, a text file): say so
        window.warn(QCoreApplication.translate("Stores", "{path} is not an ipdesk store: {error}").format(path=path, error=exc))
        return None
    from PySide6.QtWidgets import QApplication

    QApplication.instance()._ipdesk_window = new        # kept alive (run_gui holds the first window)
    new.show()
    window.close()
    close_store(window)
    return new


def close_store(window) -> None:
    """Close the window's store for good: the connection closed (SQLite then checkpoints the WAL),
    the lock released; a ``--demo`` run's temporary folder removed with everything in it."""
    import shutil

    db = window.db
    if getattr(window, "_store_closed", False):
        return
    window._store_closed = True
    db.close()          # the last connection's close checkpoints the WAL into the file and removes it
    lock = getattr(db, "lock", None)
    if lock is not None:
        lock.unlock()
    demo_dir = getattr(window, "demo_dir", None)
    if demo_dir is not None:
        shutil.rmtree(demo_dir, ignore_errors=True)

