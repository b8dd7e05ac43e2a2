"""File dialogs that start in the folder used last (kept in QSettings) and speak the window's language.

On Windows and macOS the system's own dialog is used (in the system's language); elsewhere Qt's
dialog, translated by ``qtbase_zh_CN.qm`` (loaded by :mod:`app.ui.i18n`) — a GTK portal would be
half English on an English desktop.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

KEY = "files/last_folder"


def last_folder() -> str:
    """The folder of the last file chosen in any dialog, if it still exists; else the home folder."""
    folder = QSettings("ipdesk", "ipdesk").value(KEY)
    return str(folder) if folder and Path(str(folder)).is_dir() else str(Path.home())


def remember(path: str) -> None:
    if path:
        p = Path(path)
        QSettings("ipdesk", "ipdesk").setValue(KEY, str(p if p.is_dir() else p.parent))


def _options():
    return QFileDialog.Options() if sys.platform in ("win32", "darwin") else QFileDialog.DontUseNativeDialog


def open_file(parent, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(), filters, options=_options())
    remember(path)
    return path


def open_files(parent, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, last_folder(), filters, options=_options())
    if paths:
        remember(paths[0])
    return paths


def save_file(parent, title: str, name: str, filters: str) -> str:
    """``name``: a file name (put in the last folder) or a full path."""
    start = name if Path(name).is_absolute() else str(Path(last_folder()) / name)
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters, options=_options())
    remember(path)
    return path


def folder(parent, title: str, start: str | None = None) -> str:
    chosen = QFileDialog.getExistingDirectory(parent, title, start or last_folder(),
                                              QFileDialog.ShowDirsOnly | _options())
    remember(chosen)
    return chosen
