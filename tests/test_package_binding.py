"""Packages bound to what the receiver confirmed (issue 13, point 3) — one test per attack.

A real Nanjing (320100) package, signed by Nanjing's real key, trusted by the province for
320100. Each attack changes the package and signs it again with a real key, so that only the
defence under test can catch it: the scope confirmed for the key, the one data fingerprint
of data.json / manifest / PDF / XLSX, the audit head, bounded sequence and year, gaps.
"""
from __future__ import annotations

import io
import json
import shutil

import pytest
from openpyxl import load_workbook

from app.models.db import meta_set, open_store
from app.services.package.binding import recompute
from app.services.package.format import PackageError, read_archive
from app.services.package.keys import office_key, trust_add, trust_list
from app.services.package.receive import apply_receive, plan_receive, verify_file
from app.services.package.write import export_package
from app.services.report.export import export_report

from tests.test_package_hostile import members, resign

CITY, PROVINCE = "320100", "320000"


@pytest.fixture(autouse=True)
def _no_default_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))


@pytest.fixture(scope="module")
def world(demo_file, tmp_path_factory):
    root = tmp_path_factory.mktemp("binding")
    shutil.copy(demo_file, root / "city.sqlite")
    city = open_store(root / "city.sqlite")
    meta_set(city, "home_region", CITY)
    res = export_package(city, CITY, 2024, root / "out", key_dir=root / "city-keys")
    shutil.copy(demo_file, root / "province.sqlite")
    prov = open_store(root / "province.sqlite")
    meta_set(prov, "home_region", PROVINCE)
    own = export_report(prov, PROVINCE, 2024, pdf=root / "prov.pdf", xlsx=root / "prov.xlsx")
    return {"raw": res.path.read_bytes(), "key": office_key(root / "city-keys"), "root": root, "demo": demo_file,
            "other": office_key(root / "wx-keys"), "prov_pdf": own.pdf.read_bytes(),
            "prov_xlsx": own.xlsx.read_bytes(), "head": res.audit_head}


@pytest.fixture
def prov(world, tmp_path):
    """A fresh province store that trusts Nanjing's key for Nanjing."""
    shutil.copy(world["demo"], tmp_path / "p.sqlite")
    db = open_store(tmp_path / "p.sqlite")
    meta_set(db, "home_region", PROVINCE)
    trust_add(db, world["key"].public, CITY, "南京", expect=world["key"].text)
    return db


def write(tmp_path, raw: bytes, name="320100_2024_v1.ipdx"):
    p = tmp_path / name
    p.write_bytes(raw)
    return p


def as_sender(key, office_id):
    def change(m):
        m["sender"].update(office_id=office_id, key=key.public_b64, fingerprint=key.fingerprint)
    return change


def grants(db):
    return db.execute('select value from "values" where region=? and indicator=? and period=?',
                      [CITY, "INV_GRANTS", "2024"]).fetchone()[0]


# ---------------------------------------------------------------- scope: the regions confirmed for the key

def test_an_office_that_is_not_a_region_cannot_send_for_nanjing(world, prov, tmp_path):
    """WX-IPO (not a region code) signs a package for 320100 with its own key, trusted here."""
    wx = world["other"]
    forged = write(tmp_path, resign(world["raw"], wx, manifest=as_sender(wx, "WX-IPO")))
    with pytest.raises(Exception) as exc:                    # a non-region office id is no scope
        trust_add(prov, wx.public, "WX-IPO", "无锡", expect=wx.text)
    assert exc.value.code == "trust_regions_needed"
    trust_add(prov, wx.public, "WX-IPO", "无锡", expect=wx.text, regions=["320200"])    # confirmed: 无锡市
    before = grants(prov)
    plan = plan_receive(prov, forged)
    assert plan.refusal.code == "pkg_outside" and "南京" in plan.refusal.message("zh")
    with pytest.raises(PackageError):
        apply_receive(prov, forged)
    assert grants(prov) == before
    # the other side: the same key confirmed for Nanjing may send Nanjing
    trust_add(prov, wx.public, "WX-IPO", "无锡", expect=wx.text, regions=[CITY])
    assert plan_receive(prov, forged).refusal is None


def test_a_region_outside_the_tree_is_no_scope(world, prov):
    with pytest.raises(Exception) as exc:
        trust_add(prov, world["other"].public, "WX-IPO", expect=world["other"].text, regions=["999999"])
    assert exc.value.code == "trust_region_unknown"


def test_a_key_trusted_before_scopes_must_be_confirmed_again(world, prov, tmp_path):
    wx = world["other"]
    forged = write(tmp_path, resign(world["raw"], wx, manifest=as_sender(wx, "WX-IPO")))
    trust_add(prov, wx.public, "WX-IPO", expect=wx.text, regions=[CITY])
    prov.execute("update trusted_keys set regions = null")     # as a store migrated from schema 4 has them
    plan = plan_receive(prov, forged)
    assert plan.refusal.code == "pkg_reconfirm" and "--region" in plan.refusal.message("zh")
    # Nanjing's own key, trusted before scopes: its office id is a region code, confirmed for that region only
    assert plan_receive(prov, write(tmp_path, world["raw"], "n.ipdx")).refusal is None


def test_the_whole_printed_fingerprint_is_needed(world, prov, tmp_path):
    from app.services.package.receive import trust_sender

    wx = world["other"]
    pkg = write(tmp_path, resign(world["raw"], wx, manifest=as_sender(wx, CITY)))
    for typed in (None, "", wx.text[:9], wx.text[:-1]):       # none, a 32-bit prefix, one digit short
        with pytest.raises(Exception) as exc:
            trust_sender(prov, pkg, expect=typed, regions=[CITY])
        assert exc.value.code == "trust_fingerprint_incomplete"
    assert not any(k.fingerprint == wx.fingerprint for k in trust_list(prov))
    assert trust_sender(prov, pkg, expect=wx.text, regions=[CITY]).regions == (CITY,)


# ---------------------------------------------------------------- one data fingerprint

def test_values_times_ten_beside_the_original_pdf_are_refused(world, prov, tmp_path):
    def times_ten(d):
        for v in d["values"]:
            if v["indicator"] == "INV_GRANTS" and v["region"] == CITY:
                v["value"] = str(int(v["value"]) * 10)

    naive = write(tmp_path, resign(world["raw"], world["key"], data=times_ten), "a.ipdx")
    v = verify_file(prov, naive)
    assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason

    def consistent(d):          # the fingerprints in data.json and the manifest made to agree with the ×10
        times_ten(d)
        d["fingerprint"] = recompute(d)
    d = json.loads(dict(members(world["raw"]))["data.json"])
    consistent(d)
    careful = write(tmp_path, resign(world["raw"], world["key"], data=consistent,
                                     manifest=lambda m: m.update(data_fingerprint=d["fingerprint"])), "b.ipdx")
    before = grants(prov)
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, careful)
    assert exc.value.code == "pkg_binding" and "PDF" in exc.value.message("zh")
    assert grants(prov) == before


def test_a_data_json_naming_another_fingerprint_is_refused(world, prov, tmp_path):
    """data.json's own ``fingerprint`` must be what its rows give, like every other part's."""
    pkg = write(tmp_path, resign(world["raw"], world["key"], data=lambda d: d.update(fingerprint="a" * 64)))
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason


def test_a_manifest_naming_another_fingerprint_is_refused(world, prov, tmp_path):
    pkg = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(data_fingerprint="b" * 64)))
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == "pkg_binding" and "manifest" in v.reason


def test_the_provinces_pdf_in_a_citys_package_is_refused(world, prov, tmp_path):
    ms = dict(members(world["raw"]))
    pkg = write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", world["prov_pdf"])]))
    assert ms["report.pdf"] != world["prov_pdf"]
    with pytest.raises(PackageError) as exc:
        plan_receive(prov, pkg)
    assert exc.value.code == "pkg_binding" and "report.pdf" in exc.value.message("en")


def test_an_edited_xlsx_is_refused(world, prov, tmp_path):
    wb = load_workbook(io.BytesIO(dict(members(world["raw"]))["report.xlsx"]))
    meta = wb["元数据"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "fingerprint":
            row[1].value = "0" * 64
    wb["明细"]["D3"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    pkg = write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", buf.getvalue())]))
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == "pkg_binding" and "XLSX" in v.reason
    other = write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", world["prov_xlsx"])]), "o.ipdx")
    assert verify_file(prov, other).code == "pkg_binding"


def test_the_unchanged_package_is_bound(world, prov, tmp_path):
    """The other side of the three above: the package as written passes, its head signed and kept."""
    pkg = write(tmp_path, world["raw"])
    v = verify_file(prov, pkg)
    assert v.ok and v.audit_head == f"{world['head'][0]}:{world['head'][1]}"
    kept = {r[0].value: r[1].value for r in load_workbook(io.BytesIO(dict(members(world["raw"]))["report.xlsx"]))
            ["元数据"].iter_rows(min_row=2)}
    assert kept["audit_head"] == v.audit_head
    from app.services.package.binding import pdf_marks

    assert pdf_marks(dict(members(world["raw"]))["report.pdf"])[1] == world["head"]


def test_a_manifest_head_other_than_the_documents_is_refused(world, prov, tmp_path):
    pkg = write(tmp_path, resign(world["raw"], world["key"],
                                 manifest=lambda m: m["audit_head"].update(rows=m["audit_head"]["rows"] - 5)))
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == "pkg_binding_head"


def test_an_xlsx_keeping_another_head_is_refused(world, prov, tmp_path):
    wb = load_workbook(io.BytesIO(dict(members(world["raw"]))["report.xlsx"]))
    for row in wb["元数据"].iter_rows(min_row=2):
        if row[0].value == "audit_head":
            row[1].value = f"{'c' * 64}:{world['head'][1]}"
    buf = io.BytesIO()
    wb.save(buf)
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", buf.getvalue())])))
    assert not v.ok and v.code == "pkg_binding_head" and "XLSX" in v.reason


# ---------------------------------------------------------------- the sender's history

def test_a_sender_whose_history_does_not_continue_is_reported(world, prov, tmp_path):
    apply_receive(prov, write(tmp_path, world["raw"]))
    h, rows = world["head"]
    v2 = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(
        seq=2, previous=read_archive(world["raw"]).hash, previous_head={"hash": h, "rows": rows})), "v2.ipdx")
    # the signed head of v2 equals v1's (v2 documents were not remade): continuing, nothing to report
    assert plan_receive(prov, v2).notes == []
    # the head held here says the sender had more rows than v2 now shows: rows removed or rewritten
    held = json.dumps({"audit_head": {"hash": "f" * 64, "rows": rows + 40}})
    prov.execute("update packages_received set manifest = ?", [held])
    [note] = plan_receive(prov, v2).notes
    assert note.code == "pkg_head_shorter"
    # same row count, another hash: the history was rewritten
    prov.execute("update packages_received set manifest = ?", [json.dumps({"audit_head": {"hash": "e" * 64,
                                                                                          "rows": rows}})])
    assert [n.code for n in plan_receive(prov, v2).notes] == ["pkg_head_shorter"]
    # fewer rows held here than v2's previous head: a package sent in between did not come here
    prov.execute("update packages_received set manifest = ?", [json.dumps({"audit_head": {"hash": "e" * 64,
                                                                                          "rows": rows - 3}})])
    assert [n.code for n in plan_receive(prov, v2).notes] == ["pkg_head_skipped"]
    # v2 names as its previous head one older than the head held here: it does not continue it
    older = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(
        seq=2, previous=read_archive(world["raw"]).hash, previous_head={"hash": "d" * 64, "rows": rows - 5})),
        "v2b.ipdx")
    assert [n.code for n in plan_receive(prov, older).notes] == ["pkg_head_diverged"]


# ---------------------------------------------------------------- sequences and years

@pytest.mark.parametrize("field,value,code", [("seq", 2**63, "pkg_seq_range"), ("seq", 10**6 + 1, "pkg_seq_range"),
                                              ("seq", 0, "pkg_seq_range"), ("seq", True, "pkg_seq_range"),
                                              ("year", 2**63, "pkg_year_range"), ("year", 2101, "pkg_year_range"),
                                              ("year", 1989, "pkg_year_range")])
def test_sequence_and_year_are_bounded(world, prov, tmp_path, field, value, code):
    """Even from an untrusted sender and on a dry run: one clear refusal, never an OverflowError."""
    wx = world["other"]

    def change(m):
        as_sender(wx, "WX-IPO")(m)
        m[field] = value
    pkg = write(tmp_path, resign(world["raw"], wx, manifest=change))
    v = verify_file(prov, pkg)
    assert not v.ok and v.code == code
    with pytest.raises(PackageError) as exc:
        plan_receive(prov, pkg)
    assert exc.value.code == code


@pytest.mark.parametrize("field,value", [("seq", 10**6), ("year", 2100), ("year", 1990)])
def test_the_bounds_themselves_are_allowed(world, prov, tmp_path, field, value):
    pkg = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update({field: value})))
    v = verify_file(prov, pkg)
    assert v.code not in ("pkg_seq_range", "pkg_year_range")


def test_a_gap_is_reported_and_needs_accepting_and_a_huge_sequence_blocks_nothing(world, prov, tmp_path):
    raw = world["raw"]
    v3 = write(tmp_path, resign(raw, world["key"], manifest=lambda m: m.update(seq=3)), "v3.ipdx")
    plan = plan_receive(prov, v3)
    assert plan.gap == [1, 2] and plan.refusal.code == "pkg_gap" and "v1–v2" in plan.refusal.message("zh")
    with pytest.raises(PackageError):
        apply_receive(prov, v3)
    apply_receive(prov, v3, accept_gap=True, who="省局张三")
    # the trail says the gap was accepted, by whom and which versions were missing
    row = prov.execute("select who, region, period, new, why from audit where action = 'receive_gap'").fetchone()
    assert row[:4] == ("省局张三", "320100", "2024", "v1–v2") and row[4].startswith("accepted with versions missing")
    h3 = read_archive(v3).hash
    huge = write(tmp_path, resign(raw, world["key"], manifest=lambda m: m.update(seq=10**6, previous=h3)), "h.ipdx")
    plan = plan_receive(prov, huge)
    assert plan.gap == [4, 10**6 - 1] and plan.refusal.code == "pkg_gap"
    # refused: the next real version still follows v3
    v4 = write(tmp_path, resign(raw, world["key"], manifest=lambda m: m.update(seq=4, previous=h3)), "v4.ipdx")
    plan = plan_receive(prov, v4)
    assert plan.gap == [] and plan.refusal is None


def test_a_package_with_the_years_quarters_is_bound_and_carries_them(demo_file, tmp_path):
    """Quarterly figures of the package's year travel beside the year's: the data fingerprint
    recomputed from data.json still equals the manifest's (the year's own rows are the year's
    period only; quarters are history-like rows of the documents) and the quarters arrive."""
    from app.models.values import set_text

    shutil.copy(demo_file, tmp_path / "city.sqlite")
    city = open_store(tmp_path / "city.sqlite")
    meta_set(city, "home_region", CITY)
    year = int(grants(city))
    quarters = [year // 4, year // 4, year // 4, year - 3 * (year // 4)]
    for q, v in enumerate(quarters, 1):
        set_text(city, CITY, "INV_GRANTS", f"2024Q{q}", str(v), why="季度数")
    res = export_package(city, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "city-keys")
    data = json.loads(dict(members(res.path.read_bytes()))["data.json"])
    assert {v["period"] for v in data["values"] if v["indicator"] == "INV_GRANTS" and v["region"] == CITY} \
        >= {"2024", "2024Q1", "2024Q4"}
    manifest = json.loads(dict(members(res.path.read_bytes()))["manifest.json"])
    assert recompute(data) == manifest["data_fingerprint"]
    shutil.copy(demo_file, tmp_path / "p.sqlite")
    prov = open_store(tmp_path / "p.sqlite")
    meta_set(prov, "home_region", PROVINCE)
    trust_add(prov, office_key(tmp_path / "city-keys").public, CITY, "南京",
              expect=office_key(tmp_path / "city-keys").text)
    assert verify_file(prov, res.path).ok
    apply_receive(prov, res.path)
    got = [prov.execute('select value from "values" where region=? and indicator=? and period=?',
                        [CITY, "INV_GRANTS", f"2024Q{q}"]).fetchone()[0] for q in range(1, 5)]
    assert [int(g) for g in got] == quarters


def test_a_region_beside_the_packages_own_is_refused_even_inside_the_keys_scope(world, prov, tmp_path):
    """A key confirmed for 南京 and 无锡 signs a 南京 package that also carries 无锡 (a region beside 南京, not
    below it): inside the key's scope, but a package carries its own region and those below it only."""
    key = world["key"]
    trust_add(prov, key.public, CITY, "南京", expect=key.text, regions=[CITY, "320200"])

    def with_wuxi_region(d):
        d["regions"].append({**d["regions"][0], "code": "320200", "name_zh": "无锡市", "parent": PROVINCE})

    def with_wuxi_listed(m):
        m["regions"] = [*m["regions"], "320200"]

    forged = write(tmp_path, resign(world["raw"], key, manifest=with_wuxi_listed, data=with_wuxi_region))
    before = grants(prov)
    plan = plan_receive(prov, forged)
    assert plan.refusal is not None and plan.refusal.code == "pkg_outside", plan.refusal
    assert "无锡" in plan.refusal.message("zh")
    with pytest.raises(PackageError):
        apply_receive(prov, forged)
    assert grants(prov) == before
