"""Shared fixtures: real SQLite stores in temporary folders (no mocks)."""
import os
import shutil
import sys
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("IPDESK_USER", "tester")
# the day's backup at the first write of each test's store copied the store each time; its own test
# turns it back on (tests/test_store_health.py)
os.environ.setdefault("IPDESK_DAILY_BACKUP", "0")
# Passwords hashed at scrypt n=2**10 instead of the production 2**17 (0.35 s each): honoured only while
# pytest runs a test (app.models.workflow.scrypt_cost); tests/test_roles.py checks the production cost.
os.environ["IPDESK_SCRYPT_TEST_COST"] = "1"
# The window keeps the user's choices (language, region, year) in QSettings: tests keep theirs in a
# folder of their own, never in the real ~/.config, and start each test from none (see below).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ipdesk-test-config-")


@pytest.fixture(autouse=True)
def _no_remembered_choices():
    """Each test starts in the default language with no remembered region, year or language: a
    test that switched to English (or failed before switching back) does not leak into the next."""
    os.environ.pop("IPDESK_LANG", None)
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QSettings

        settings = QSettings("ipdesk", "ipdesk")
        settings.clear()
        settings.sync()
    yield


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """A demo store built once per test session; copy it, never change it."""
    from app.models.db import open_store
    from app.services.demo import make_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_store(path)
    make_demo(db)
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    """A fresh, writable copy of the demo store."""
    from app.models.db import open_store

    path = tmp_path / "store.sqlite"
    shutil.copy(demo_file, path)
    db = open_store(path)
    yield db
    db.conn.close()


@pytest.fixture
def store(demo_file, tmp_path):
    """The path of a fresh copy of the demo store (for tests that run the CLI on it)."""
    path = tmp_path / "store.sqlite"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture(scope="session")
def empty_file(tmp_path_factory):
    """A new store with the bundled reference data, built once per session; copy it, never change it."""
    from app.models.db import open_store

    path = tmp_path_factory.mktemp("empty") / "empty.sqlite"
    db = open_store(path)
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def empty_db(empty_file, tmp_path):
    """A new store with the bundled reference data and no values (a copy of one built once: loading
    the reference data took a third of a second a test)."""
    from app.models.db import open_store

    path = tmp_path / "empty.sqlite"
    shutil.copy(empty_file, path)
    db = open_store(path)
    yield db
    db.conn.close()


@pytest.fixture
def open_main_window(qtbot, demo_db):
    """``open_main_window(region, year)``: the real main window on a copy of the demo store, shown."""
    pytest.importorskip("PySide6")
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    make_app()
    i18n.set_language("zh")
    windows = []

    def make(region="320100", year=2024, **kw):
        w = MainWindow(demo_db, region=region, year=year, **kw)
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()


@pytest.fixture(autouse=True)
def _doctest_db(request, doctest_namespace):
    """Doctests in app/ get ``db``: a copy of the demo store."""
    if request.node.__class__.__name__ == "DoctestItem":
        doctest_namespace["db"] = request.getfixturevalue("demo_db")
