"""Faults an office meets: a killed process, two windows on one store, a read-only stick,
a store from the first release, a full disk while exporting. Bounded in time for CI."""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from app.models import audit
from app.models.db import SCHEMA_VERSION, open_store
from app.models.values import get_values, set_text

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ENV = dict(os.environ, PYTHONPATH=str(ROOT), IPDESK_USER="killer")


def spawn(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)


def check_whole(path) -> "object":
    db = open_store(path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert audit.verify(db).ok
    return db


# ---------------------------------------------------------------- SIGKILL

RAPID = """
import sys
from app.models.db import open_store
from app.models.values import set_text
db = open_store({path!r})
codes = [c for c, in db.execute("select code from regions where parent = '320100' order by code")]
i = 0
while True:          # values only grow across attempts, so a later unacknowledged commit is larger
    region = codes[i % len(codes)]
    value = {start} + i
    set_text(db, region, "INV_GRANTS", str(2000 + i // len(codes) % 90), f"{{value:,}}")
    print("ack", region, 2000 + i // len(codes) % 90, value, flush=True)    # acknowledged = committed
    i += 1
"""


def test_killed_during_rapid_entry_keeps_every_acknowledged_edit(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "rapid.sqlite"
    open_store(path).close()
    acked: dict[tuple, int] = {}
    for attempt in range(10):
        proc = spawn(RAPID.format(path=str(path), start=1_000_000 * (attempt + 1)))
        deadline = time.monotonic() + rng.uniform(0.3, 1.2)
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("ack"):
                _, region, year, value = line.split()
                acked[(region, "INV_GRANTS", year)] = int(value)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        db = check_whole(path)
        stored = get_values(db)
        missing = {k: v for k, v in acked.items() if stored.get(k) is None or stored[k] < v}
        assert missing == {}, f"attempt {attempt}: acknowledged edits lost: {list(missing)[:5]}"
        db.close()
    assert len(acked) > 20


IMPORT = """
import sys
from app.models.db import open_store
from app.services.sheets.importer import import_file
db = open_store({path!r})
print("start", flush=True)
res = import_file(db, {csv!r}, apply=True)
print("done", res.written, flush=True)
"""


def test_killed_during_import_leaves_all_or_nothing(tmp_path):
    path = tmp_path / "import.sqlite"
    db = open_store(path)
    counties = [c for c, in db.execute("select code from regions where level = 'county' order by code limit 400")]
    db.close()
    csv = tmp_path / "big.csv"
    rows = [f"{c},INV_GRANTS,{y},{100 + i}," for i, c in enumerate(counties) for y in range(2010, 2035)]
    csv.write_text("region,indicator,period,value,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rng = random.Random(11)
    outcomes = set()
    for _ in range(10):
        proc = spawn(IMPORT.format(path=str(path), csv=str(csv)))
        assert proc.stdout.readline().strip() == "start"
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        db = check_whole(path)
        n = db.execute('select count(*) from "values"').fetchone()[0]
        assert n in (0, len(rows)), f"a killed import left {n} of {len(rows)} values"
        outcomes.add(n)
        db.execute("pragma wal_checkpoint")
        db.close()
        if n:      # the import made it before the kill: start again from empty for the next round
            for p in tmp_path.glob("import.sqlite*"):
                p.unlink()
            open_store(path).close()
    assert outcomes   # at least one round observed


# ---------------------------------------------------------------- the first released schema

def test_store_from_the_first_schema_migrates_and_keeps_every_value(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "store-schema1.sqlite", path)
    before = sqlite3.connect(path).execute('select region, indicator, period, value, note from "values"').fetchall()
    db = open_store(path)
    assert db.execute("select value from meta where key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert sorted(db.execute('select region, indicator, period, value, note from "values"').fetchall()) == sorted(before)
    assert get_values(db)[("320000", "INV_GRANTS", "2022")] == Decimal(89248)
    assert audit.verify(db).ok
    backups = list(tmp_path.glob("old.v1-*.bak"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("select value from meta where key='schema_version'").fetchone() == ("1",)
    from app.models.workflow import authenticate
    assert authenticate(db, "老处长", "old-pass-1") == "head"


def test_store_from_schema_3_keeps_its_audit_chain_without_autoincrement(tmp_path):
    """Schema 4 rebuilds the audit table without AUTOINCREMENT: every id, hash and link is kept, the
    chain still verifies, new rows continue after the last id, and rows still cannot be changed."""
    path = tmp_path / "v3.sqlite"
    db = open_store(path, schema=3)
    for i in range(5):
        set_text(db, "320000", "INV_GRANTS", "2022", str(1000 + i), who="clerk", why=f"typed {i}")
    assert "AUTOINCREMENT" in db.execute("select sql from sqlite_master where name = 'audit'").fetchone()[0]
    rows = db.execute("select * from audit order by id").fetchall()
    db.close()

    db = open_store(path)
    assert db.execute("select value from meta where key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert "AUTOINCREMENT" not in db.execute("select sql from sqlite_master where name = 'audit'").fetchone()[0]
    assert db.execute("select * from audit order by id").fetchall() == rows
    assert audit.verify(db).ok
    set_text(db, "320000", "INV_GRANTS", "2022", "2000", who="clerk")
    assert db.execute("select max(id) from audit").fetchone()[0] == rows[-1][0] + 1
    assert audit.verify(db).ok
    for sql in ("update audit set who = 'x' where id = 1", "delete from audit where id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
    names = {n for n, in db.execute("select name from sqlite_master where tbl_name = 'audit'")}
    assert {"audit", "audit_place", "audit_no_update", "audit_no_delete"} <= names
    assert len(list(tmp_path.glob("v3.v3-*.bak"))) == 1


# ---------------------------------------------------------------- read-only medium

def _read_only_copy(tmp_path) -> Path:
    """A store on a real read-only file system (bind mount, as root) or without write permission."""
    src = tmp_path / "src"
    src.mkdir()
    db = open_store(src / "stick.sqlite")
    db.execute("insert into meta values ('probe', 'on the stick')")
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.close()
    if os.geteuid() != 0:
        (src / "stick.sqlite").chmod(0o444)
        src.chmod(0o555)
        return src / "stick.sqlite"
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    ok = subprocess.run(["mount", "--bind", str(src), str(mnt)], capture_output=True).returncode == 0 and \
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mnt)], capture_output=True).returncode == 0
    if not ok:
        subprocess.run(["umount", str(mnt)], capture_output=True)
        pytest.skip("running as root without permission to bind-mount read-only: cannot make a read-only medium")
    return mnt / "stick.sqlite"


def test_store_on_a_read_only_medium_opens_read_only_with_a_message(tmp_path, qtbot):
    pytest.importorskip("PySide6")
    path = _read_only_copy(tmp_path)
    try:
        from app.ui.main import make_app, open_window

        make_app()
        w = open_window(path)
        qtbot.addWidget(w)
        assert w.readonly_reason and "只读" in w.readonly_reason
        assert w.db.execute("select value from meta where key='probe'").fetchone() == ("on the stick",)
        m = w.entry.model
        from PySide6.QtCore import Qt
        assert m.rowCount() and not (m.flags(m.index(0, m.columnCount() - 1)) & Qt.ItemIsEditable)
        from app.models.errors import IpdeskError
        from app.models.values import set_text
        with pytest.raises(IpdeskError) as exc:
            set_text(w.db, "320000", "INV_GRANTS", "2024", "1")
        assert exc.value.code == "store_readonly"
        w.close()
        w.db.close()
    finally:
        QApplication = pytest.importorskip("PySide6.QtWidgets").QApplication
        QApplication.processEvents()
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(path.parent)], capture_output=True)
        else:
            path.parent.chmod(0o755)


def test_second_window_on_the_same_store_is_read_only_and_says_who_has_it(tmp_path, qtbot):
    pytest.importorskip("PySide6")
    from app.ui.main import make_app, open_window

    make_app()
    path = tmp_path / "shared.sqlite"
    open_store(path).close()
    first = open_window(path)
    qtbot.addWidget(first)
    assert first.readonly_reason is None
    second = open_window(path)
    qtbot.addWidget(second)
    assert second.readonly_reason and str(os.getpid()) in second.readonly_reason
    # the first keeps writing while the second reads: no "database is locked"
    from app.models.values import set_text
    set_text(first.db, "320100", "INV_GRANTS", "2024", "4,242")
    assert get_values(second.db)[("320100", "INV_GRANTS", "2024")] == Decimal(4242)
    second.close()
    first.close()
    first.db.lock.unlock()
    third = open_window(path)
    qtbot.addWidget(third)
    assert third.readonly_reason is None           # the lock went with the first window
    third.close()
    third.db.lock.unlock()


# ---------------------------------------------------------------- disk full while exporting

EXPORT_SMALL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)            # writes past the limit fail with EFBIG instead
from app.models.db import open_store
from app.services.report.export import export_report
from app.models.errors import IpdeskError
db = open_store({path!r}, readonly=True)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))   # a "disk" that fills after 20 kB
try:
    export_report(db, "320000", 2022, pdf={out!r} + "/r.pdf", xlsx={out!r} + "/r.xlsx")
except IpdeskError as exc:
    print("refused", exc.code, exc.message("en"))
"""


def test_disk_full_while_exporting_leaves_no_partial_file(tmp_path, demo_file):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", EXPORT_SMALL_DISK.format(path=str(demo_file), out=str(out))],
                          capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("refused"), proc.stdout + proc.stderr
    assert "r.pdf" in proc.stdout or "r.xlsx" in proc.stdout       # the message names the file
    assert list(out.iterdir()) == []                                 # no partial document left behind


PACKAGE_SMALL_DISK = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
os.environ["IPDESK_KEYS_DIR"] = {keys!r}
from app.models.db import open_store
from app.models.errors import IpdeskError
from app.services.package.write import export_package
from app.services.package.keys import office_key
office_key()                                                   # the key exists before the disk fills
db = open_store({path!r})
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
try:
    export_package(db, "320000", 2024, {out!r})
except (IpdeskError, OSError) as exc:
    print("refused", getattr(exc, "code", type(exc).__name__), exc.message("en") if hasattr(exc, "message") else exc)
"""


@pytest.mark.parametrize("limit", [30_000, 120_000, 200_000])
def test_disk_full_while_exporting_a_package_leaves_nothing_that_looks_complete(tmp_path, demo_file, limit):
    """The disk fills while the PDF, the XLSX or the package itself is written: no .ipdx stays, nothing recorded."""
    store = tmp_path / "office.sqlite"
    shutil.copy(demo_file, store)
    from app.models.checks import explain
    db = open_store(store)
    explain(db, "320000", 2024, "sum", "TM_REGISTRATIONS", "含省直属单位")
    db.close()
    out = tmp_path / "stick"
    proc = subprocess.run([sys.executable, "-c", PACKAGE_SMALL_DISK.format(
        keys=str(tmp_path / "keys"), path=str(store), out=str(out), limit=limit)],
        capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("refused"), proc.stdout + proc.stderr
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert left == [], left                                   # not even the printable copies of a failed export
    db = open_store(store)
    assert db.execute("select count(*) from packages_sent").fetchone()[0] == 0
    from app.models.values import region_year_status
    assert region_year_status(db, "320000", 2024) == "draft"
