"""The audit covers the registers receiving rests on (app.models.audit_registers).

``trusted_keys`` — which key may send which regions: a clerk with the sqlite3 shell who adds a key, widens
a key's regions, makes a retired key active again, swaps a key's public key or deletes a key is named by
``audit.verify`` (and ``ipdesk audit --verify`` exits 1); keys trusted, re-scoped, rolled over and removed
through ipdesk verify, and so does a key trusted before regions were recorded.

``packages_received`` / ``packages_sent`` — a received package's row deleted (so the same package would be
taken again: a replay), its version or sender changed with its stored manifest, its state flipped, a row
inserted; a sent package's row deleted or its previous head changed: each is named."""
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
    it verifies, as it was; its regions filled in behind the app are named; confirmed through ipdesk
    later (trust_scope), it verifies again."""
    from app.models.audit_registers import _trust_regions
    from app.models.db import transaction

    key = office_key(tmp_path / "old")
    with transaction(demo_db):                      # as the first cut of trust_add wrote it
        demo_db.execute("insert into trusted_keys(fingerprint, office_id, name, public_key, added_at, added_by)"
                        " values (?, ?, '南京', ?, '2024-11-25T16:00:00', 'tester')",
                        [key.fingerprint, NANJING, key.public_b64])
        audit.append(demo_db, [("tester", "trust_add", NANJING, None, None, None, key.fingerprint, "南京")])
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    con = shell(demo_db)
    con.execute("update trusted_keys set regions = ? where fingerprint = ?", [json.dumps([NANJING]), key.fingerprint])
    [d] = named(demo_db)
    assert d["expected"]["regions"] is None and d["found"]["regions"] == [NANJING]
    con.execute("update trusted_keys set regions = 'all of Jiangsu' where fingerprint = ?", [key.fingerprint])
    [d] = named(demo_db)                                            # not JSON at all: named as it is
    assert d["expected"]["regions"] is None and d["found"]["regions"] == "all of Jiangsu"
    con.execute("update trusted_keys set regions = null where fingerprint = ?", [key.fingerprint])
    trust_add(demo_db, key.public, NANJING, "南京", expect=key.text, regions=[NANJING])     # confirmed again
    assert audit.verify(demo_db).ok
    assert _trust_regions("南京") is None and _trust_regions(None) is None
    assert _trust_regions("南京 regions 320100,320200") == ["320100", "320200"]
    assert _trust_regions("regions 320100") == ["320100"]


# ---------------------------------------------------------------- packages received and sent

@pytest.fixture
def offices(demo_file, tmp_path, monkeypatch):
    """Nanjing sent v1 and v2 (its register of packages sent); the province received both and accepted v1."""
    from app.services.package.inbox import accept_package
    from app.services.package.receive import apply_receive
    from app.models.values import set_text
    from tests.test_package_roundtrip import CITY, PROVINCE, Office

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    city, prov = Office(tmp_path, "city", CITY, demo_file), Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city, CITY)
    v1 = city.export(CITY, 2024)
    apply_receive(prov.db, v1.path)
    accept_package(prov.db, v1.hash[:12])
    grants = city.db.execute('select value from "values" where region=? and indicator=? and period=?',
                             [CITY, "INV_GRANTS", "2024"]).fetchone()[0]
    set_text(city.db, CITY, "INV_GRANTS", "2024", str(int(grants) + 1), why="补报")
    v2 = city.export(CITY, 2024)
    apply_receive(prov.db, v2.path)
    for db in (prov.db, city.db):
        res = audit.verify(db)
        assert res.ok, audit.describe(db, res)
    return {"prov": prov.db, "city": city.db, "v1": v1, "v2": v2}


def named_package(db, kind):
    res = audit.verify(db)
    assert not res.ok and res.reason == "data", res
    return [d for d in res.differences if d.get("ledger") == kind]


def test_a_received_packages_row_deleted_behind_the_app_is_named(offices):
    """Deleting v2's row would let the same package be received again (its values over the province's
    later work): the replay names the row missing."""
    from app.services.package.receive import plan_receive

    db, v2 = offices["prov"], offices["v2"]
    shell(db).execute("delete from packages_received where hash = ?", [v2.hash])
    assert plan_receive(db, v2.path).state == "new"            # what the clerk was after
    [d] = named_package(db, "package_received")
    assert d["indicator"] == f"package:{v2.hash}" and d["found"] is None and d["expected"]["state"] == "received"
    text = "\n".join(audit.describe(db, audit.verify(db)))
    assert "收到的数据包" in text and v2.hash[:4].upper() in text


def test_a_received_packages_version_state_or_sender_changed_behind_the_app_is_named(offices):
    db, v1, v2 = offices["prov"], offices["v1"], offices["v2"]
    con = shell(db)
    manifest = json.loads(con.execute("select manifest from packages_received where hash = ?", [v2.hash]).fetchone()[0])
    manifest["seq"] = 7                                        # the version, in the column and the stored manifest
    con.execute("update packages_received set seq = 7, manifest = ? where hash = ?", [json.dumps(manifest), v2.hash])
    [d] = named_package(db, "package_received")
    assert d["found"]["seq"] == 7 and "v2 from" in d["expected"]["row"]
    manifest["seq"] = 2
    con.execute("update packages_received set seq = 2, manifest = ? where hash = ?", [json.dumps(manifest), v2.hash])
    assert audit.verify(db).ok
    con.execute("update packages_received set seq = 5 where hash = ?", [v2.hash])     # the column alone
    assert len(named_package(db, "package_received")) == 1
    con.execute("update packages_received set seq = 2 where hash = ?", [v2.hash])
    con.execute("update packages_received set state = 'received' where hash = ?", [v1.hash])   # accepted → received
    [d] = named_package(db, "package_received")
    assert (d["expected"]["state"], d["found"]["state"]) == ("accepted", "received")
    con.execute("update packages_received set state = 'accepted', sender_id = '320200' where hash = ?", [v1.hash])
    assert named_package(db, "package_received")[0]["found"]["sender"] == "320200"


def test_a_received_package_inserted_behind_the_app_is_named(offices):
    db = offices["prov"]
    con = shell(db)
    row = con.execute("select * from packages_received where hash = ?", [offices["v1"].hash]).fetchone()
    con.execute(f"insert into packages_received values ({','.join('?' * len(row))})", ["f" * 64, *row[1:]])
    [d] = named_package(db, "package_received")
    assert d["expected"] is None and d["indicator"] == "package:" + "f" * 64


def test_a_sent_packages_row_deleted_or_its_previous_head_changed_is_named(offices):
    db, v1, v2 = offices["city"], offices["v1"], offices["v2"]
    con = shell(db)
    con.execute("update packages_sent set prev_hash = ? where hash = ?", ["e" * 64, v2.hash])
    [d] = named_package(db, "package_sent")
    assert d["expected"]["previous"] == v1.hash                # v2 follows v1
    assert d["found"]["previous"] == "e" * 64
    con.execute("delete from packages_sent where hash = ?", [v2.hash])
    [d] = named_package(db, "package_sent")
    assert d["found"] is None and d["expected"]["file"] == v2.path.name
    out = run_cli("audit", "--verify", db_path=db.path)
    assert out.returncode == 1 and "发出的数据包" in out.stdout + out.stderr


# ---------------------------------------------------------------- users

HEAD = ("demo-head", "demo1234")


def named_user(db):
    res = audit.verify(db)
    assert not res.ok and res.reason == "data", res
    return [d for d in res.differences if d.get("ledger") == "user"]


@pytest.fixture
def staffed(demo_db):
    from app.models import workflow

    workflow.add_user(demo_db, "小张", "clerk", "clerk-pass")
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    return demo_db


def test_users_added_promoted_and_given_new_passwords_through_ipdesk_verify(staffed):
    from app.models import workflow

    workflow.add_user(staffed, "李四", "head", "lisi-pass", by=HEAD[0], by_password=HEAD[1])
    workflow.set_role(staffed, "李四", "clerk", by=HEAD[0], by_password=HEAD[1])
    workflow.set_password(staffed, "小张", "other-pass", by=HEAD[0], by_password=HEAD[1])
    res = audit.verify(staffed)
    assert res.ok, audit.describe(staffed, res)


def test_a_clerk_made_a_head_with_the_sqlite3_shell_is_named(staffed):
    """The attack of issue 13 by the shell: the clerk sets their own role to head and then approves —
    the app takes the role (it cannot tell), the audit does not."""
    from app.models import workflow

    shell(staffed).execute("update users set role = 'head' where name = '小张'")
    assert workflow.authenticate(staffed, "小张", "clerk-pass", role="head") == "head"      # what the clerk was after
    [d] = named_user(staffed)
    assert d["indicator"] == "user:小张" and (d["expected"], d["found"]) == ({"role": "clerk"}, {"role": "head"})
    text = "\n".join(audit.describe(staffed, audit.verify(staffed)))
    assert "用户（小张）" in text and "head" in text
    out = run_cli("audit", "--verify", db_path=staffed.path)
    assert out.returncode == 1 and "用户" in out.stdout + out.stderr


def test_a_heads_password_replaced_by_one_the_clerk_knows_is_named(staffed):
    """The clerk copies a hash of a password they chose into the head's row: they can now approve as the head,
    and the trail would say the head did — the digest the trail holds of the head's stored hash says otherwise."""
    from app.models import workflow

    salt, digest, cost = workflow._new_hash("clerk-knows-this")
    shell(staffed).execute("update users set salt = ?, hash = ?, n = ?, r = ?, p = ? where name = ?",
                           [salt, digest, cost["n"], cost["r"], cost["p"], HEAD[0]])
    assert workflow.authenticate(staffed, HEAD[0], "clerk-knows-this", role="head") == "head"
    [d] = named_user(staffed)
    assert d["indicator"] == f"user:{HEAD[0]}" and set(d["expected"]) == {"password"}
    assert d["expected"]["password"] != d["found"]["password"]
    # the clerk's own row copied over the head's (salt and hash): named too
    row = staffed.execute("select salt, hash, n, r, p from users where name = '小张'").fetchone()
    shell(staffed).execute("update users set salt = ?, hash = ?, n = ?, r = ?, p = ? where name = ?", [*row, HEAD[0]])
    assert len(named_user(staffed)) == 1


def test_a_user_inserted_or_deleted_behind_the_app_is_named(staffed):
    from app.models import workflow

    salt, digest, cost = workflow._new_hash("rogue-pass")
    con = shell(staffed)
    con.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
                ["影子", "head", salt, digest, cost["n"], cost["r"], cost["p"], "2024-12-01T09:00:00"])
    [d] = named_user(staffed)
    assert d["indicator"] == "user:影子" and d["expected"] is None and d["found"] == {"role": "head"}
    con.execute("delete from users where name = '影子'")
    con.execute("delete from users where name = '小张'")
    [d] = named_user(staffed)
    assert d["indicator"] == "user:小张" and d["found"] is None


def test_a_user_of_an_ipdesk_before_the_digest_verifies_until_its_next_password(demo_db):
    """An earlier ipdesk wrote user_add without the digest: the user and role are checked, the hash cannot be
    (a weak point, said in the README) — until a head sets the password again, which records the digest."""
    from app.models import workflow
    from app.models.db import transaction

    salt, digest, cost = workflow._new_hash("old-pass")
    with transaction(demo_db):
        demo_db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
                        ["老李", "clerk", salt, digest, cost["n"], cost["r"], cost["p"], "2024-01-01T09:00:00"])
        audit.append(demo_db, [("tester", "user_add", None, None, None, None, "老李:clerk", None)])
    assert audit.verify(demo_db).ok
    salt2, digest2, _ = workflow._new_hash("swapped")
    shell(demo_db).execute("update users set salt = ?, hash = ? where name = '老李'", [salt2, digest2])
    assert audit.verify(demo_db).ok                                  # not told: no digest in that row
    workflow.set_password(demo_db, "老李", "new-pass", by=HEAD[0], by_password=HEAD[1])
    assert audit.verify(demo_db).ok
    shell(demo_db).execute("update users set salt = ?, hash = ? where name = '老李'", [salt2, digest2])
    assert len(named_user(demo_db)) == 1


# ---------------------------------------------------------------- the regions' tree

def test_the_tree_changed_through_ipdesk_verifies(demo_db, tmp_path):
    """A division file imported (a district moved, one new, one ended) and a reporting unit added: audited
    (region_tree rows), so the store still verifies; a new store's bundled tree has no rows of its own."""
    from app.models import reference
    from app.models.catalogue import add_region

    assert demo_db.execute("select count(*) from audit where action = 'region_tree'").fetchone()[0] == 0
    csv = tmp_path / "divisions-2025.csv"
    csv.write_text("code,parent,level,name_zh,name_en,valid_from,valid_to\n"
                   "320199,320100,county,新设区,New District,2025,\n"
                   "320102,320100,county,玄武区,Xuanwu,,2024\n", encoding="utf-8")
    reference.import_regions(demo_db, csv)
    add_region(demo_db, "320100-GX", "南京高新区", parent=NANJING, level="unit")
    rows = demo_db.execute("select region, why from audit where action = 'region_tree' order by id").fetchall()
    assert rows == [("320102", "divisions-2025.csv"), ("320199", "divisions-2025.csv"), ("320100-GX", "added 320100-GX")]
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    reference.import_regions(demo_db, csv)                            # the same file again: nothing new
    assert demo_db.execute("select count(*) from audit where action = 'region_tree'").fetchone()[0] == 3


def test_a_region_moved_under_another_behind_the_app_is_named(demo_db):
    """Wuxi moved under Nanjing with the sqlite3 shell: a key trusted for Nanjing (and the regions below it)
    would now send Wuxi's figures. The replay names the move."""
    con = shell(demo_db)
    con.execute("update regions set parent = ? where code = ?", [NANJING, WUXI])
    [d] = named_region(demo_db)
    assert d["region"] == WUXI and d["expected"]["parent"] == "320000" and d["found"]["parent"] == NANJING
    text = "\n".join(audit.describe(demo_db, audit.verify(demo_db)))
    assert "地区层级（无锡市）" in text and "320100" in text
    out = run_cli("audit", "--verify", db_path=demo_db.path)
    assert out.returncode == 1 and "地区层级" in out.stdout + out.stderr
    con.execute("update regions set parent = '320000' where code = ?", [WUXI])
    assert audit.verify(demo_db).ok


def test_a_region_inserted_deleted_or_given_another_validity_behind_the_app_is_named(demo_db):
    con = shell(demo_db)
    con.execute("insert into regions(code, parent, level, name_zh, name_en, source) values"
                " ('320198', '320100', 'county', '影子区', '', 'user')")
    [d] = named_region(demo_db)
    assert d["region"] == "320198" and d["expected"] is None and d["found"]["parent"] == NANJING
    con.execute("delete from regions where code = '320198'")
    con.execute("update regions set valid_to = '2020' where code = ?", [WUXI])    # Wuxi "ended" in 2020
    [d] = named_region(demo_db)
    assert (d["expected"]["valid_to"], d["found"]["valid_to"]) == (None, "2020")


def test_an_upgraded_store_records_its_tree_once_and_verifies(tmp_path):
    """A store of schema 6 whose tree an older ipdesk changed without a trail row (a division file imported):
    the upgrade writes the differences from the bundled tree once (region_tree, by ipdesk), and it verifies."""
    from app.models import reference
    from app.models.db import open_store

    path = tmp_path / "old.sqlite"
    old = open_store(path, schema=6)
    csv = tmp_path / "divisions.csv"
    csv.write_text("code,parent,level,name_zh,name_en,valid_from,valid_to\n320199,320100,county,新设区,,2023,\n",
                   encoding="utf-8")
    reference.import_regions(old, csv, audited=False)                 # as an ipdesk before the tree's audit did
    old.conn.close()
    db = open_store(path)
    rows = db.execute("select who, region, old, why from audit where action = 'region_tree'").fetchall()
    assert [(w, r, o) for w, r, o, _ in rows] == [("ipdesk", "320199", None)] and "upgrade" in rows[0][3]
    res = audit.verify(db)
    assert res.ok, audit.describe(db, res)


def named_region(db):
    res = audit.verify(db)
    assert not res.ok and res.reason == "data", res
    return [d for d in res.differences if d.get("ledger") == "region"]


def test_a_returned_package_verifies_and_its_state_flipped_back_is_named(offices, tmp_path):
    """The province returns v2 with a question (state returned): verifies; set back to received with the
    shell (so it could be accepted without the question answered): named."""
    from app.services.package.format import short_hash
    from app.services.package.queries import Question, create_query

    db, v2 = offices["prov"], offices["v2"]
    create_query(db, short_hash(v2.hash), [Question("INV_GRANTS", "2024", "增幅偏大，请核实", rule="yoy")],
                 tmp_path / "q", key_dir=tmp_path / "prov-keys")
    res = audit.verify(db)
    assert res.ok, audit.describe(db, res)
    shell(db).execute("update packages_received set state = 'received' where hash = ?", [v2.hash])
    [d] = named_package(db, "package_received")
    assert (d["expected"]["state"], d["found"]["state"]) == ("returned", "received")


def test_a_trail_row_rescoping_a_key_it_never_added_does_not_stop_the_check(trusting):
    """A trust_scope row naming a key no trust_add row brought (a trail from elsewhere): the check goes on
    and still names what the table holds."""
    from app.models.db import transaction

    with transaction(trusting):
        audit.append(trusting, [("tester", "trust_scope", WUXI, None, None, None, json.dumps([WUXI]), "0" * 64)])
    res = audit.verify(trusting)
    assert res.ok, audit.describe(trusting, res)
    shell(trusting).execute("update trusted_keys set regions = '[\"320000\"]' where office_id = ?", [WUXI])
    assert len(named(trusting)) == 1


def test_a_key_named_with_the_word_regions_keeps_its_regions(demo_db, tmp_path):
    """The trust row's why is "<name> regions <codes>": a name with " regions " in it is read from the end."""
    key = office_key(tmp_path / "odd")
    trust_add(demo_db, key.public, NANJING, "南京 regions 办公室", expect=key.text, regions=[NANJING, WUXI])
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)


def test_a_public_key_with_a_character_slipped_in_is_named(trusting):
    """The stored key is what trust_add wrote, character for character: a '!' slipped into it (which a
    lenient base64 reader would skip) is a difference."""
    wx = trusting.keys["wx"]
    text = wx.public_b64
    shell(trusting).execute("update trusted_keys set public_key = ? where fingerprint = ?",
                            [text[:10] + "!" + text[10:], wx.fingerprint])
    assert len(named(trusting)) == 1


def test_a_target_pack_imported_is_in_the_trail(demo_db, tmp_path):
    """Targets decide 达标 / 未达标 on the approved paper: a pack imported through ipdesk (the window's
    导入目标包 or ``ipdesk targets import``) leaves a row naming the pack, how many targets and the file's
    SHA-256; a new store's bundled pack leaves none."""
    import hashlib

    from app.models import reference

    assert demo_db.execute("select count(*) from audit where action = 'target_import'").fetchone()[0] == 0
    src = reference.resource("targets", "national.csv")
    text = src.read_text(encoding="utf-8-sig")
    pack = tmp_path / "jiangsu-2025.csv"
    pack.write_text(text, encoding="utf-8")
    n = reference.import_pack(demo_db, pack)
    rows = demo_db.execute("select new, why from audit where action = 'target_import'").fetchall()
    digest = hashlib.sha256(pack.read_bytes()).hexdigest()[:16]
    assert rows and all(why == "jiangsu-2025.csv" and new.endswith(f"targets sha256:{digest}") for new, why in rows)
    assert sum(int(new.split()[1]) for new, _ in rows) == n
    assert audit.verify(demo_db).ok


def test_a_user_whose_name_holds_a_colon_rehashed_and_reset_verifies(demo_db, monkeypatch):
    """'张:三' (a colon in the name), re-hashed at a higher cost at the next login, given a new password by a
    head, made a head: each row's digest is read right, and the store verifies; a hash swapped after that is named."""
    from app.models import workflow

    workflow.add_user(demo_db, "张:三", "clerk", "zhang-pass")
    cost = workflow.scrypt_cost()
    monkeypatch.setattr(workflow, "scrypt_cost", lambda: {**cost, "n": cost["n"] * 2})
    assert workflow.authenticate(demo_db, "张:三", "zhang-pass") == "clerk"         # re-hashed here
    assert demo_db.execute("select action from audit order by id desc limit 1").fetchone()[0] == "rehash"
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    workflow.set_password(demo_db, "张:三", "new-zhang-pass", by=HEAD[0], by_password=HEAD[1])
    workflow.set_role(demo_db, "张:三", "head", by=HEAD[0], by_password=HEAD[1])
    res = audit.verify(demo_db)
    assert res.ok, audit.describe(demo_db, res)
    salt, digest, _ = workflow._new_hash("swapped")
    shell(demo_db).execute("update users set salt = ?, hash = ? where name = '张:三'", [salt, digest])
    [d] = named_user(demo_db)
    assert d["indicator"] == "user:张:三" and set(d["expected"]) == {"password"}


def test_a_password_reset_by_an_early_ipdesk_leaves_the_hash_unchecked(staffed):
    """A user_passwd row with the name alone (as an ipdesk before the digest wrote it) after a row with the
    digest: the digest no longer holds, and the check of that user's hash stops (its role is still checked)."""
    from app.models import workflow
    from app.models.db import transaction

    salt, digest, cost = workflow._new_hash("reset-long-ago")
    with transaction(staffed):
        staffed.execute("update users set salt = ?, hash = ?, n = ?, r = ?, p = ? where name = '小张'",
                        [salt, digest, cost["n"], cost["r"], cost["p"]])
        audit.append(staffed, [(HEAD[0], "user_passwd", None, None, None, None, "小张", None)])
    res = audit.verify(staffed)
    assert res.ok, audit.describe(staffed, res)


def test_a_region_moved_behind_the_app_and_then_by_ipdesk_is_named_at_the_import(demo_db, tmp_path):
    """The shell moves Wuxi under Nanjing; a division file then moves it (back) through ipdesk: the import's
    row says what it changed from, which is not what the trail had — a change outside ipdesk in between."""
    from app.models import reference

    shell(demo_db).execute("update regions set parent = ? where code = ?", [NANJING, WUXI])
    csv = tmp_path / "wuxi.csv"
    csv.write_text("code,parent,level,name_zh,name_en,valid_from,valid_to\n320200,320000,prefecture,无锡市,Wuxi,,\n",
                   encoding="utf-8")
    reference.import_regions(demo_db, csv)
    [d] = named_region(demo_db)
    assert d["kind"] == "region_history" and d["expected"]["parent"] == "320000" and d["found"]["parent"] == NANJING


def test_a_bundled_region_deleted_behind_the_app_is_named(demo_db):
    con = shell(demo_db)                       # (the sqlite3 shell does not enforce foreign keys by default)
    con.execute("delete from regions where code = '320102'")
    [d] = named_region(demo_db)
    assert d["region"] == "320102" and d["found"] is None and d["expected"]["parent"] == NANJING
