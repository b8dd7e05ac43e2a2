"""The office key (issue 13, point 6): encrypted at rest, never silently replaced, never a link,
and key rollover made explicit — a package signed by the old key after it is refused."""
from __future__ import annotations

import os
import shutil
import stat

import pytest

from app.models.db import meta_set, open_store
from app.models.errors import IpdeskError
from app.services.package.format import read_archive
from app.services.package.keys import (
    PASSPHRASE_ENV,
    PRIVATE_NAME,
    PUBLIC_NAME,
    existing_key,
    office_key,
    protect_key,
    rotate_key,
    trust_add,
    trust_list,
)
from app.services.package.receive import apply_receive, plan_receive, verify_file
from app.services.package.write import export_package

from tests.test_package_hostile import resign

CITY, PROVINCE = "320100", "320000"


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)


def test_an_unencrypted_key_keeps_working_and_the_cli_says_to_protect_it(tmp_path, monkeypatch, capsys):
    from app.cli import main

    folder = tmp_path / "default-keys"
    old = office_key(folder)                         # no passphrase anywhere: stored plain, as before
    assert not old.encrypted and b"ENCRYPTED" not in (folder / PRIVATE_NAME).read_bytes()
    assert office_key(folder).fingerprint == old.fingerprint
    assert main(["office", "--db", str(tmp_path / "s.sqlite")]) == 0
    out, err = capsys.readouterr()
    assert old.text in out and "protect-key" in err
    # protect it: the same key, encrypted; without the passphrase it does not load, with it it does
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse battery")
    assert main(["office", "protect-key", "--db", str(tmp_path / "s.sqlite")]) == 0
    capsys.readouterr()
    assert b"ENCRYPTED PRIVATE KEY" in (folder / PRIVATE_NAME).read_bytes()
    if os.name == "posix":
        assert stat.S_IMODE((folder / PRIVATE_NAME).stat().st_mode) == 0o600
    assert office_key(folder).fingerprint == old.fingerprint and office_key(folder).encrypted
    assert main(["office", "--db", str(tmp_path / "s.sqlite")]) == 0
    assert "protect-key" not in capsys.readouterr().err
    monkeypatch.delenv(PASSPHRASE_ENV)
    with pytest.raises(IpdeskError) as exc:
        office_key(folder)
    assert exc.value.code == "key_passphrase_needed"
    shown = existing_key(folder)                 # the window shows the fingerprint without the passphrase …
    assert shown.fingerprint == old.fingerprint
    with pytest.raises(IpdeskError) as exc:      # … and cannot sign with it
        shown.sign(b"x")
    assert exc.value.code == "key_passphrase_needed"
    with pytest.raises(IpdeskError) as exc:
        office_key(folder, passphrase="wrong horse")
    assert exc.value.code == "key_passphrase_wrong"


def test_a_new_key_is_encrypted_when_a_passphrase_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, "s3cret-passphrase")
    key = office_key(tmp_path / "k")
    assert key.encrypted and b"ENCRYPTED" in (tmp_path / "k" / PRIVATE_NAME).read_bytes()


def test_the_public_key_is_recreated_when_missing(tmp_path):
    key = office_key(tmp_path / "k")
    (tmp_path / "k" / PUBLIC_NAME).unlink()
    assert existing_key(tmp_path / "k").fingerprint == key.fingerprint
    assert (tmp_path / "k" / PUBLIC_NAME).read_text().split()[2] == key.text


def test_a_symlinked_key_file_is_refused_and_its_target_left_alone(tmp_path):
    real = office_key(tmp_path / "real")
    target = real.path
    os.chmod(target, 0o644)
    links = tmp_path / "links"
    links.mkdir()
    (links / PRIVATE_NAME).symlink_to(target)
    with pytest.raises(IpdeskError) as exc:
        office_key(links)
    assert exc.value.code == "key_symlink"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644          # chmod did not follow the link
    with pytest.raises(IpdeskError):
        existing_key(links)
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    (dangling / PRIVATE_NAME).symlink_to(tmp_path / "nowhere.pem")
    with pytest.raises(IpdeskError) as exc:                     # never a new key written through a link
        office_key(dangling)
    assert exc.value.code == "key_symlink" and not (tmp_path / "nowhere.pem").exists()


@pytest.fixture(scope="module")
def sent(demo_file, tmp_path_factory):
    """A city store that has sent v1, its keys, and the package."""
    root = tmp_path_factory.mktemp("keys")
    shutil.copy(demo_file, root / "city.sqlite")
    city = open_store(root / "city.sqlite")
    meta_set(city, "home_region", CITY)
    res = export_package(city, CITY, 2024, root / "out", key_dir=root / "k")
    shutil.copytree(root / "k", root / "k-backup")
    return {"root": root, "city": city, "v1": res.path, "demo": demo_file}


def test_a_missing_key_after_packages_were_sent_is_not_replaced(sent, tmp_path):
    shutil.copytree(sent["root"] / "k", tmp_path / "k")
    (tmp_path / "k" / PRIVATE_NAME).unlink()
    with pytest.raises(IpdeskError) as exc:
        export_package(sent["city"], CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    assert exc.value.code == "key_missing_after_sent" and "rotate-key" in exc.value.message("zh")
    assert not (tmp_path / "k" / PRIVATE_NAME).exists() and not (tmp_path / "out").exists()
    # a store that never sent anything makes its first key
    fresh = open_store(tmp_path / "fresh.sqlite")
    assert office_key(tmp_path / "k", db=fresh).path.exists()


def _province(sent, tmp_path, key):
    shutil.copy(sent["demo"], tmp_path / "p.sqlite")
    prov = open_store(tmp_path / "p.sqlite")
    meta_set(prov, "home_region", PROVINCE)
    trust_add(prov, key.public, CITY, "南京", expect=key.text)
    return prov


def _city_copy(sent, tmp_path):
    import sqlite3

    copy = sqlite3.connect(tmp_path / "c.sqlite")       # the store as it is now, its WAL included
    sent["city"].conn.backup(copy)
    copy.close()
    shutil.copytree(sent["root"] / "k-backup", tmp_path / "k")
    city = open_store(tmp_path / "c.sqlite")
    return city


def test_rollover_signed_by_the_old_key_then_the_old_key_is_refused(sent, tmp_path):
    old = office_key(sent["root"] / "k-backup")
    prov = _province(sent, tmp_path, old)
    apply_receive(prov, sent["v1"])
    city = _city_copy(sent, tmp_path)
    new, endorsed = rotate_key(city, tmp_path / "k")
    assert endorsed and new.fingerprint != old.fingerprint
    assert (tmp_path / "k" / "retired").is_dir()
    v2 = export_package(city, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    assert v2.key_fingerprint == new.fingerprint and read_archive(v2.path).manifest["rollover"]
    v = verify_file(prov, v2.path)
    assert v.ok and v.trust == "rollover"
    plan = plan_receive(prov, v2.path)
    assert plan.refusal is None
    apply_receive(prov, v2.path)
    keys = {k.fingerprint: k for k in trust_list(prov)}
    assert keys[new.fingerprint].active and keys[new.fingerprint].regions == (CITY,)
    assert not keys[old.fingerprint].active and keys[old.fingerprint].replaced_by == new.fingerprint
    # the lost (or stolen) old key signs a later version: refused
    late = tmp_path / "late.ipdx"
    late.write_bytes(resign(v2.path.read_bytes(), old, manifest=lambda m: (
        m.update(seq=3, previous=v2.hash), m.pop("rollover", None),
        m["sender"].update(key=old.public_b64, fingerprint=old.fingerprint))))
    plan = plan_receive(prov, late)
    assert plan.refusal.code == "pkg_key_retired"


def test_a_rollover_not_signed_by_the_trusted_key_is_not_taken(sent, tmp_path):
    old = office_key(sent["root"] / "k-backup")
    prov = _province(sent, tmp_path, old)
    city = _city_copy(sent, tmp_path)
    (tmp_path / "k" / PRIVATE_NAME).unlink()               # the key is lost: an explicit rotation, no endorsement
    new, endorsed = rotate_key(city, tmp_path / "k")
    assert not endorsed
    v2 = export_package(city, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k")
    v = verify_file(prov, v2.path)
    assert not v.ok and v.code == "pkg_key_mismatch"      # the office is known here by its old key only
    # confirmed again by phone: the new key is trusted, the old one retired
    trust_add(prov, new.public, CITY, expect=new.text)
    assert [k.fingerprint for k in trust_list(prov, retired=False)] == [new.fingerprint]
    late = tmp_path / "late.ipdx"
    late.write_bytes(resign(sent["v1"].read_bytes(), old, manifest=lambda m: m.update(seq=5)))
    assert plan_receive(prov, late, accept_gap=True).refusal.code == "pkg_key_retired"
