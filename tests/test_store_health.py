"""Store health: damaged, empty and foreign files; backups and the way back; file modes; SQLite's
errors of the medium (busy, disk full) as one Chinese line and exit 2. Real files, real
processes: damage is written as bytes into the file, a lock is held by another process."""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.models import audit, backups, storefile
from app.models.db import StoreError, open_store
from app.models.values import Change, get_values, set_text, write_values
from app.services import backup

ROOT = Path(__file__).resolve().parent.parent
KEY = ("320100", "INV_GRANTS", "2024")


def run_cli(*args, db_path, **env):
    e = dict(os.environ, PYTHONPATH=str(ROOT), IPDESK_USER="cli-tester", IPDESK_LANG="zh", **env)
    return subprocess.run([sys.executable, "-m", "app", *args, "--db", str(db_path)], capture_output=True, text=True,
                          env=e, cwd=ROOT, timeout=120)


def one_chinese_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert any("\u4e00" <= c <= "\u9fff" for c in lines[0]) and "Traceback" not in stderr
    return lines[0]


def damage(path: Path, pages=(0.3, 0.45, 0.6, 0.75)) -> None:
    """Overwrite whole pages inside the file with bytes that are no b-tree page (as a bad sector would)."""
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as f:
        for at in pages:
            f.seek(int(size * at) // page * page)
            f.write(bytes((i * 37 + 11) % 256 for i in range(page)))


@pytest.fixture
def store_file(demo_file, tmp_path):
    path = tmp_path / "store.sqlite"
    shutil.copy(demo_file, path)
    return path


# ---------------------------------------------------------------- files that are no store

def test_a_zero_byte_store_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "ipdesk.sqlite"
    path.write_bytes(b"")
    before = path.stat()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.code == "store_empty" and "0 字节" in err.value.message("zh")
    out = run_cli("audit", "--verify", db_path=path)
    assert out.returncode == 2 and "空文件" in one_chinese_line(out.stderr)
    out = run_cli("set", *KEY, "1", db_path=path)
    assert out.returncode == 2
    after = path.stat()
    assert after.st_size == 0 and after.st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ipdesk.sqlite"]      # no -wal, no backup folder


def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "ipdesk.sqlite"
    text = "地区,指标\n320100,1\n".encode("utf-8") * 20
    path.write_bytes(text)
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.code == "store_not_sqlite"
    out = run_cli("set", *KEY, "1", db_path=path)
    assert out.returncode == 2 and "不是 SQLite" in one_chinese_line(out.stderr)
    assert path.read_bytes() == text


# ---------------------------------------------------------------- a damaged store

def test_a_damaged_store_opens_read_only_and_offers_the_newest_good_backup(store_file):
    db = open_store(store_file)
    made = backup.before(db, "import")
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.close()
    damage(store_file)
    db = open_store(store_file)
    assert db.readonly and db.damaged and db.newest_backup == made
    with pytest.raises(StoreError) as err:
        set_text(db, *KEY, "1")
    msg = err.value.message("zh")
    assert err.value.code == "store_damaged" and "已损坏" in msg and f'ipdesk restore "{made}"' in msg
    assert str(made) in db.damage_message("zh")
    db.close()
    out = run_cli("set", *KEY, "1", db_path=store_file)
    line = one_chinese_line(out.stderr)
    assert out.returncode == 2 and "已损坏" in line and str(made) in line and "ipdesk restore" in line
    # the way back
    out = run_cli("restore", str(made), db_path=store_file)
    assert out.returncode == 0, out.stderr
    db = open_store(store_file)
    assert not db.readonly and not db.damaged and audit.verify(db).ok
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_sound_store_is_not_damaged_and_the_check_is_cached_only_for_large_files(store_file, monkeypatch):
    """Below the size threshold every open reads the file; above it, an unchanged file is not read
    again — and a file changed since (its time) is."""
    db = open_store(store_file)
    assert not db.readonly and not db.damaged and db.checked_good
    db.close()
    assert not (backups.backup_dir(store_file) / "health.json").exists()        # small: no cache kept
    monkeypatch.setattr(storefile, "QUICK_CHECK_CACHE_BYTES", 0)
    db = open_store(store_file)
    db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    db.close()
    assert (backups.backup_dir(store_file) / "health.json").exists()
    st = store_file.stat()
    damage(store_file)
    os.utime(store_file, ns=(st.st_atime_ns, st.st_mtime_ns))     # damage that leaves size and time as they were
    db = open_store(store_file)
    assert not db.damaged                                          # the cache's limit: not read again
    db.close()
    os.utime(store_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    db = open_store(store_file)
    assert db.damaged and db.readonly
    db.close()


# ---------------------------------------------------------------- backups, restore

def test_backups_rotate_to_the_number_kept(store_file, monkeypatch):
    monkeypatch.setenv("IPDESK_BACKUPS_KEEP", "3")
    db = open_store(store_file)
    made = [backup.before(db, "import") for _ in range(3)]
    assert backups.rolling(store_file) == made[::-1]                 # 3 of 3: all kept
    made.append(backup.before(db, "receive"))
    kept = backups.rolling(store_file)
    assert kept == made[:0:-1] and not made[0].exists()             # the 4th removes the oldest
    assert made[-1].name.endswith("-receive.sqlite")
    monkeypatch.delenv("IPDESK_BACKUPS_KEEP")
    db.execute("insert or replace into meta values ('backup_keep', '2')")
    backup.before(db, "import")
    assert len(backups.rolling(store_file)) == 2
    assert backups.keep(db) == 2


def test_the_first_write_of_a_day_makes_the_days_backup(store_file, monkeypatch):
    monkeypatch.setenv("IPDESK_DAILY_BACKUP", "1")        # (the suite turns it off for speed: conftest)
    db = open_store(store_file)
    assert backups.rolling(store_file) == []
    set_text(db, *KEY, "1")
    first = backups.rolling(store_file)
    assert len(first) == 1 and first[0].name.endswith("-daily.sqlite")
    set_text(db, *KEY, "2")
    db.close()
    db = open_store(store_file)
    set_text(db, *KEY, "3")
    assert backups.rolling(store_file) == first                     # one a day
    copy = open_store(first[0], readonly=True)
    assert get_values(copy)[KEY] != get_values(db)[KEY] and audit.verify(copy, anchored=False).ok


def test_restore_round_trip_keeps_the_current_store_first(store_file):
    db = open_store(store_file)
    set_text(db, *KEY, "100")
    made = backup.before(db, "import")
    set_text(db, *KEY, "200")
    db.close()
    res = backup.restore(store_file, made)
    db = open_store(store_file)
    assert get_values(db)[KEY] == 100 and audit.verify(db).ok
    kept = open_store(res.kept, readonly=True)
    assert get_values(kept)[KEY] == 200 and audit.verify(kept, anchored=False).ok
    assert audit.anchors(db)[0].get("restore") and audit.anchors(db)[0]["hash"] == res.head


def test_restore_onto_a_lost_store_and_into_another_backup_folder(store_file, tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_BACKUP_DIR", str(tmp_path / "other-disk"))
    db = open_store(store_file)
    made = backup.before(db, "import")
    db.close()
    assert made.parent == tmp_path / "other-disk" / "store-backups"
    for p in tmp_path.glob("store.sqlite*"):
        p.unlink()                                                     # the store is lost
    res = backup.restore(store_file, made)
    assert res.kept is None and audit.verify(open_store(store_file)).ok


def test_restore_refuses_a_damaged_backup_or_one_whose_audit_does_not_match(store_file, tmp_path):
    db = open_store(store_file)
    good = backup.before(db, "import")
    set_text(db, *KEY, "555")
    db.close()
    bad = tmp_path / "bad.sqlite"
    shutil.copy(good, bad)
    damage(bad)
    with pytest.raises(Exception) as err:
        backup.restore(store_file, bad)
    assert getattr(err.value, "code", None) == "backup_damaged"
    forged = tmp_path / "forged.sqlite"
    shutil.copy(good, forged)
    sqlite3.connect(forged, isolation_level=None).execute(
        'update "values" set value = \'1\' where region=? and indicator=? and period=?', KEY)
    out = run_cli("restore", str(forged), db_path=store_file)
    assert out.returncode == 2 and "审计记录与数据不一致" in one_chinese_line(out.stderr)
    assert get_values(open_store(store_file))[KEY] == 555                  # nothing changed
    assert not any(p.name.endswith("before-restore.sqlite") for p in backups.rolling(store_file))


def test_backup_to_a_file_and_the_list(store_file, tmp_path):
    dest = tmp_path / "u盘" / "copy.sqlite"
    out = run_cli("backup", "--to", str(dest), db_path=store_file)
    assert out.returncode == 0 and dest.exists() and "审计链头" in out.stdout
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    out = run_cli("backup", "--to", str(dest), db_path=store_file)
    assert out.returncode == 2 and "已存在" in one_chinese_line(out.stderr)
    out = run_cli("backup", "--list", db_path=store_file)
    assert out.returncode == 0


# ---------------------------------------------------------------- modes

@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_store_and_backups_are_user_only(tmp_path):
    old = os.umask(0o022)
    try:
        db = open_store(tmp_path / "new.sqlite")
        set_text(db, *KEY, "1")
        made = backup.before(db, "import")
    finally:
        os.umask(old)
    for p in (tmp_path / "new.sqlite", tmp_path / "new.sqlite-wal", made):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(backups.backup_dir(tmp_path / "new.sqlite").stat().st_mode) == 0o700
    db.close()
    old = tmp_path / "made-before.sqlite"             # a store an earlier ipdesk left readable by all
    shutil.copy(tmp_path / "new.sqlite", old)
    old.chmod(0o644)
    open_store(old).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


# ---------------------------------------------------------------- SQLite's errors of the medium

HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("begin immediate")
con.execute("insert or replace into meta values ('holder', 'x')")
print("holding", flush=True)
time.sleep(30)
"""


def test_a_store_busy_in_another_process_is_one_chinese_line_naming_it(store_file):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        t = time.perf_counter()
        out = run_cli("set", *KEY, "1", db_path=store_file, IPDESK_BUSY_MS="500", IPDESK_DAILY_BACKUP="0")
        waited = time.perf_counter() - t
        line = one_chinese_line(out.stderr)
        assert out.returncode == 2 and "锁定" in line and f"pid {holder.pid}" in line and waited >= 0.5
    finally:
        holder.kill()
        holder.wait()
    assert run_cli("set", *KEY, "1", db_path=store_file).returncode == 0       # and once it is gone, it writes


def test_a_full_disk_is_named_and_nothing_is_kept(store_file):
    db = open_store(store_file)
    backup.before(db, "import")                 # (the day's backup made; the disk fills after)
    n = db.execute("select count(*) from audit").fetchone()[0]
    pages = db.execute("pragma page_count").fetchone()[0]
    db.execute(f"pragma max_page_count = {pages + 2}")            # SQLITE_FULL, as a full disk gives it
    big = [Change(c, "INV_GRANTS", str(y), "5") for c, in db.execute("select code from regions limit 2000")
           for y in (2011, 2012)]
    with pytest.raises(StoreError) as err:
        write_values(db, big)
    assert err.value.code == "store_full" and "磁盘已满" in err.value.message("zh")
    assert "cannot rollback" not in err.value.message("en") and not db.conn.in_transaction
    assert db.execute("select count(*) from audit").fetchone()[0] == n and audit.verify(db).ok
    assert isinstance(err.value, sqlite3.OperationalError)


def test_a_read_verb_on_a_damaged_store_says_so_and_never_a_traceback(store_file):
    """A damaged store opens read-only: a command that only reads (export-data, check) first says so
    and which backup to restore; whatever SQLite then meets is one Chinese line, never a traceback."""
    damage(store_file)
    out = run_cli("check", "--region", "320000", "--year", "2024", db_path=store_file)
    assert "Traceback" not in out.stderr and out.returncode in (0, 1, 2)
    first = out.stderr.strip().splitlines()[0]
    assert any("\u4e00" <= c <= "\u9fff" for c in first) and ("损坏" in out.stderr or "只读" in out.stderr), out.stderr


def test_the_window_opens_a_damaged_store_read_only_and_says_which_backup(store_file, qtbot):
    """The window, like the CLI, opens a damaged store read-only with the reason and the backup to
    restore; a zero-byte file is refused (run_gui shows the message), left as it is, and no lock stays."""
    pytest.importorskip("PySide6")
    from app.models.errors import IpdeskError
    from app.ui.main import make_app, open_window

    make_app()
    damage(store_file)
    window = open_window(store_file)
    qtbot.addWidget(window)
    assert window.readonly_reason and ("损坏" in window.readonly_reason or "damaged" in window.readonly_reason)
    window.db.lock.unlock()
    empty = store_file.parent / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(IpdeskError):
        open_window(empty)
    assert empty.read_bytes() == b"" and not list(store_file.parent.glob("empty.sqlite*.lock"))
