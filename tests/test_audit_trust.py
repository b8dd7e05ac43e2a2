"""The audit covers the trusted keys too: receiving rests on ``trusted_keys`` — which key may send which
regions — so a clerk with the sqlite3 shell who adds a key, widens a key's regions, makes a retired key
active again, swaps a key's public key or deletes a key is named by ``audit.verify`` (and ``ipdesk audit
--verify`` exits 1); keys trusted, re-scoped, rolled over and removed through ipdesk verify, and so does a
key trusted before regions were recorded (its trail row names no regions)."""
from __future__ import annotations

import base64
import json

import pytest

from app.models import audit
from app.services.package.keys import office_key, trust_add, trust_remove
from tests.test_audit_replay import run_cli, shell

NANJING, WUXI = "320100", "320200"


@pytest.fixture
def trusting(demo_db, tmp_path):
    """The province trusts Nanjing's first key, then its second (the first retired), and Wuxi's."""
    first, second, wx = (office_key(tmp_path / n) for n in ("nj1", "nj2", "wx"))
    trust_add(demo_db, first.public, NANJING, "南京", expect=first.text)
    trust_add(demo_db, second.public, NANJING, "南京", expect=second.text)
    trust_add(demo_db, wx.public, WUXI, "无锡", expect=wx.text)
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    demo_db.keys = {"first": first, "second": second, "wx": wx}
    return demo_db


def named(db):
    res = audit.verify(db)
    assert not res.ok and res.reason == "data", res
    return [d for d in res.differences if d.get("ledger") == "trusted_key"]


def test_keys_trusted_rescoped_and_removed_through_ipdesk_verify(trusting, tmp_path):
    k = trusting.keys
    trust_add(trusting, k["wx"].public, WUXI, "无锡", expect=k["wx"].text, regions=[WUXI, "320300"])   # re-scoped
    trust_add(trusting, k["first"].public, NANJING, "南京", expect=k["first"].text)   # the old key back, by a head
    assert audit.verify(trusting).ok
    trust_remove(trusting, k["wx"].text)
    res = audit.verify(trusting)
    assert res.ok, audit.describe(trusting, res)


def test_a_scope_widened_behind_the_app_is_named(trusting):
    wx = trusting.keys["wx"]
    con = shell(trusting)
    con.execute("update trusted_keys set regions = ? where fingerprint = ?", [json.dumps(["320000"]), wx.fingerprint])
    [d] = named(trusting)
    assert d["region"] == WUXI and d["indicator"] == f"key:{wx.fingerprint}"
    assert d["expected"]["regions"] == [WUXI] and d["found"]["regions"] == ["320000"]
    text = "\n".join(audit.describe(trusting, audit.verify(trusting)))
    assert "信任的密钥" in text and "320000" in text and wx.fingerprint[:4].upper() in text
    con.execute("update trusted_keys set regions = ? where fingerprint = ?", [json.dumps([WUXI]), wx.fingerprint])
    assert audit.verify(trusting).ok


def test_a_retired_key_made_active_again_behind_the_app_is_named(trusting):
    first = trusting.keys["first"]
    con = shell(trusting)
    con.execute("update trusted_keys set retired_at = null, replaced_by = null where fingerprint = ?",
                [first.fingerprint])
    [d] = named(trusting)
    assert (d["expected"]["active"], d["found"]["active"]) == (False, True)


def test_a_key_inserted_behind_the_app_is_named(trusting, tmp_path):
    rogue = office_key(tmp_path / "rogue")
    con = shell(trusting)
    con.execute("insert into trusted_keys(fingerprint, office_id, name, public_key, added_at, added_by, regions)"
                " values (?, ?, '苏州', ?, '2024-12-01T09:00:00', '张三', ?)",
                [rogue.fingerprint, "320500", rogue.public_b64, json.dumps(["320500"])])
    [d] = named(trusting)
    assert d["expected"] is None and d["found"]["office"] == "320500"


def test_a_key_deleted_or_its_public_key_swapped_behind_the_app_is_named(trusting, tmp_path):
    wx, rogue = trusting.keys["wx"], office_key(tmp_path / "rogue")
    con = shell(trusting)
    con.execute("update trusted_keys set public_key = ? where fingerprint = ?", [rogue.public_b64, wx.fingerprint])
    [d] = named(trusting)
    assert d["expected"] == wx.fingerprint and d["found"] == rogue.fingerprint
    con.execute("update trusted_keys set public_key = 'not base64!' where fingerprint = ?", [wx.fingerprint])
    assert len(named(trusting)) == 1
    con.execute("update trusted_keys set public_key = ? where fingerprint = ?",
                [base64.b64encode(wx.public).decode(), wx.fingerprint])
    assert audit.verify(trusting).ok
    con.execute("delete from trusted_keys where fingerprint = ?", [wx.fingerprint])
    [d] = named(trusting)
    assert d["found"] is None and d["expected"]["office"] == WUXI
    out = run_cli("audit", "--verify", db_path=trusting.path)
    assert out.returncode == 1 and "信任的密钥" in out.stdout + out.stderr


def test_a_scope_changed_behind_the_app_and_then_by_it_is_named(trusting):
    """The shell widens Wuxi's scope, then a head re-scopes it through ipdesk: the trail's row says what it
    changed from, which is not what the trail had — a change outside ipdesk in between."""
    wx = trusting.keys["wx"]
    shell(trusting).execute("update trusted_keys set regions = ? where fingerprint = ?",
                            [json.dumps(["320000"]), wx.fingerprint])
    trust_add(trusting, wx.public, WUXI, "无锡", expect=wx.text, regions=[WUXI, "320300"])
    [d] = named(trusting)
    assert d["kind"] == "trusted_key_history" and d["expected"] == [WUXI] and d["found"] == ["320000"]


def test_a_key_trusted_before_regions_were_recorded_verifies(demo_db, tmp_path):
    """An early ipdesk wrote trust_add with the name alone (no regions) and left the regions column empty:
    its replay has no regions either."""
    key = office_key(tmp_path / "old")
    trust_add(demo_db, key.public, NANJING, "南京", expect=key.text)
    con = shell(demo_db)
    con.execute("update trusted_keys set regions = null where fingerprint = ?", [key.fingerprint])
    [d] = named(demo_db)
    assert d["expected"]["regions"] == [NANJING] and d["found"]["regions"] is None
    from app.models.audit_ledger import _trust_regions

    assert _trust_regions("南京") is None and _trust_regions(None) is None
    assert _trust_regions("南京 regions 320100,320200") == ["320100", "320200"]
    assert _trust_regions("regions 320100") == ["320100"]
