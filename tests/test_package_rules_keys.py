"""The rules of the package receiver for keys (issue 13, point 9): a rollover endorsed by the trusted key,
proofs that are not base64 or not signed by the old key, a key of another office claiming a region — one
crafted package per rule, as in tests/test_package_rules.py."""
from __future__ import annotations

import base64
import shutil

import pytest

from app.models.db import meta_set, open_store
from app.services.package.format import PackageError
from app.services.package.keys import rollover_message, trust_add, trust_list, trust_status
from app.services.package.receive import apply_receive, plan_receive, verify_file
from tests.test_package_binding import (  # noqa: F401  (fixtures)
    CITY,
    PROVINCE,
    _no_default_keys,
    as_sender,
    prov,
    world,
    write,
)
from tests.test_package_hostile import resign


# ---------------------------------------------------------------- key rollover

def proof(old, new, office_id=CITY, **change):
    p = {"office_id": office_id, "old_key": old.public_b64, "old_fingerprint": old.fingerprint,
         "new_key": new.public_b64, "at": "2025-01-05T09:00:00",
         "signature": base64.b64encode(old.sign(rollover_message(new.public, office_id))).decode("ascii")}
    p.update(change)
    return p


def rolled(world, tmp_path, signer, new=None, name="rolled.ipdx", **change):
    """Nanjing's package signed by a new key (world['other']) with a rollover proof signed by ``signer``."""
    new = new or world["other"]

    def manifest(m):
        as_sender(new, CITY)(m)
        m["rollover"] = proof(signer, new, **change)

    return write(tmp_path, resign(world["raw"], new, manifest=manifest), name)


def test_a_rollover_endorsed_by_the_trusted_key_is_taken_and_retires_it(world, prov, tmp_path):
    old, new = world["key"], world["other"]
    pkg = rolled(world, tmp_path, old)
    v = verify_file(prov, pkg)
    assert v.ok and v.trust == "rollover" and v.rollover_from == old.fingerprint and v.trusted_as == "南京"
    assert v.trusted and v.to_dict()["trusted"] is True          # endorsed by the trusted key: trusted as it is
    plan = plan_receive(prov, pkg)
    assert plan.refusal is None
    apply_receive(prov, pkg)
    keys = {k.fingerprint: k for k in trust_list(prov)}
    assert keys[new.fingerprint].active and keys[new.fingerprint].regions == (CITY,)
    assert keys[new.fingerprint].name == "南京"
    assert not keys[old.fingerprint].active and keys[old.fingerprint].replaced_by == new.fingerprint
    assert trust_status(prov, CITY, new.fingerprint)[0] == "trusted"
    # the old key, retired by the rollover, signs a later version: refused as retired
    late = write(tmp_path, resign(world["raw"], old, manifest=lambda m: m.update(seq=2)), "late.ipdx")
    assert verify_file(prov, late).trust == "retired"
    plan = plan_receive(prov, late)
    assert plan.state == "refused" and plan.refusal.code == "pkg_key_retired"
    retired = keys[old.fingerprint].retired_at[:10]                  # the refusal says since when
    assert len(retired) == 10 and f"已于 {retired} 更换" in plan.reason
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, late)
    assert exc.value.code == "pkg_key_retired"


@pytest.mark.parametrize("how", ["junk", "short"])
def test_a_rollover_proof_whose_old_key_is_not_base64_is_not_taken(world, prov, tmp_path, how):
    old = world["key"]
    text = old.public_b64
    bad = text[:8] + "!*" + text[8:] if how == "junk" else base64.b64encode(old.public[:31]).decode()
    pkg = rolled(world, tmp_path, old, old_key=bad)
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == "pkg_key_mismatch" and v.trust == "conflict"


def test_a_rollover_signature_that_is_not_base64_is_not_taken(world, prov, tmp_path):
    old = world["key"]
    sig = base64.b64encode(old.sign(rollover_message(world["other"].public, CITY))).decode()
    pkg = rolled(world, tmp_path, old, signature=sig[:10] + "!" + sig[10:])
    assert verify_file(prov, pkg).code == "pkg_key_mismatch"


def test_a_rollover_for_another_office_or_not_signed_by_the_old_key_is_not_taken(world, prov, tmp_path):
    old, new = world["key"], world["other"]
    other_office = rolled(world, tmp_path, old, office_id="320200", name="o.ipdx")
    assert verify_file(prov, other_office).code == "pkg_key_mismatch"
    self_signed = rolled(world, tmp_path, old, name="s.ipdx", signature=proof(new, new)["signature"])
    assert verify_file(prov, self_signed).code == "pkg_key_mismatch"


def test_a_rollover_endorsed_by_a_key_not_trusted_here_is_not_taken(world, tmp_path):
    """The old key that signs the handover is known here only as untrusted, or already retired."""
    from app.services.package.keys import office_key

    shutil.copy(world["demo"], tmp_path / "p.sqlite")
    db = open_store(tmp_path / "p.sqlite")
    meta_set(db, "home_region", PROVINCE)
    third = office_key(tmp_path / "third-keys")
    trust_add(db, third.public, CITY, "南京", expect=third.text)        # the office's key here is a third one
    pkg = rolled(world, tmp_path, world["key"])                          # endorsed by a key never trusted here
    v = verify_file(db, pkg)
    assert not v.ok and v.code == "pkg_key_mismatch"
    # endorsed by a key trusted once and retired since (replaced by the third key): not taken either
    shutil.copy(world["demo"], tmp_path / "q.sqlite")
    db2 = open_store(tmp_path / "q.sqlite")
    meta_set(db2, "home_region", PROVINCE)
    old = trust_add(db2, world["key"].public, CITY, "南京", expect=world["key"].text)
    trust_add(db2, third.public, CITY, "南京", expect=third.text, replaces=old, regions=[CITY])
    assert trust_status(db2, CITY, world["key"].fingerprint)[0] == "retired"
    v = verify_file(db2, pkg)
    assert not v.ok and v.code == "pkg_key_mismatch"


def test_a_rollover_takes_its_scope_from_the_key_that_endorsed_it(world, prov, tmp_path):
    """The scope of a rollover's new key is the endorsing key's, not that of whichever key of the office is
    newest here. The app keeps one active key per office; a clerk with the sqlite3 shell can make two —
    Nanjing's (for 320100) and a later one for Wuxi (320200). A handover endorsed by Nanjing's key still
    sends 320100, and is not made to carry Wuxi's scope."""
    from app.services.package.keys import office_key
    from app.services.package.read import read_package
    from app.services.package.receive import signing_key

    third = office_key(tmp_path / "third-keys")
    trust_add(prov, third.public, CITY, "南京二", expect=third.text, regions=["320200"])
    # behind the app: the first key made active again, the third one the newest added
    prov.execute("update trusted_keys set retired_at = null, replaced_by = null")
    prov.execute("update trusted_keys set added_at = '2099-01-01T00:00:00' where fingerprint = ?", [third.fingerprint])
    pkg = rolled(world, tmp_path, world["key"])
    v = verify_file(prov, pkg)
    assert v.ok and v.trust == "rollover" and v.rollover_from == world["key"].fingerprint
    key = signing_key(prov, v, read_package(pkg).archive)
    assert key.fingerprint == world["key"].fingerprint and key.regions == (CITY,)
    plan = plan_receive(prov, pkg)
    assert plan.refusal is None, plan.reason


# ---------------------------------------------------------------- a key conflict

def test_a_key_of_another_office_claiming_nanjing_is_a_conflict(world, prov, tmp_path):
    """Signed by a key trusted here for Wuxi, claiming to be Nanjing, with no rollover: a key mismatch."""
    wx = world["other"]
    trust_add(prov, wx.public, "320200", "无锡", expect=wx.text)
    pkg = write(tmp_path, resign(world["raw"], wx, manifest=as_sender(wx, CITY)))
    v = verify_file(prov, pkg)
    assert not v.ok and v.trust == "conflict" and v.code == "pkg_key_mismatch"
    with pytest.raises(PackageError) as exc:
        plan_receive(prov, pkg)
    assert exc.value.code == "pkg_key_mismatch"


def test_another_package_with_a_version_already_received_is_a_conflict_not_a_replay(world, prov, tmp_path):
    """Version 1 received; a different package also numbered 1 (made again, re-signed): refused as a second
    version 1 — not taken as the same package, not called a replay of an older one — and nothing written."""
    apply_receive(prov, write(tmp_path, world["raw"], "v1.ipdx"))
    again = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(
        created_at="2024-12-01T09:00:00+08:00")), "v1-again.ipdx")
    before = prov.execute("select count(*) from audit").fetchone()[0]
    plan = plan_receive(prov, again)
    assert plan.state == "refused" and plan.refusal.code == "pkg_seq_conflict", (plan.state, plan.reason)
    assert plan.refusal.params["seq"] == 1 and "版本 1" in plan.refusal.message("zh")
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, again)
    assert exc.value.code == "pkg_seq_conflict" and prov.execute("select count(*) from audit").fetchone()[0] == before
