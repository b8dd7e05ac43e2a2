"""Packages between three offices with real files, real stores and real keys: a city (南京
320100), its province (江苏 320000) and the nation (100000), each with its own key folder
and store. City → province → nation; replays, duplicates, unknown keys, locked years;
questions back down and answers back up.
"""
from __future__ import annotations

import os
import shutil
import stat
from decimal import Decimal

import pytest

from app.models import audit, review
from app.models.aggregate import aggregate_into
from app.models.checks import explain
from app.models.findings import check
from app.models.db import meta_get, meta_set, open_store
from app.models.values import region_year_status, set_text
from app.services.package.format import PackageError, short_hash
from app.services.package.inbox import accept_package, board, inbox
from app.services.package.keys import office_key, trust_add
from app.services.package.queries import Question, answer, create_query, import_queries, questions
from app.services.package.receive import apply_receive, plan_receive, verify_file
from app.services.package.write import export_package

CITY, PROVINCE, NATION = "320100", "320000", "100000"


@pytest.fixture(autouse=True)
def _no_default_keys(tmp_path, monkeypatch):
    """No test may touch the user's real key folder."""
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))


class Office:
    def __init__(self, root, name, home, source=None):
        self.dir = root / name
        self.dir.mkdir()
        self.keys = self.dir / "keys"
        self.out = self.dir / "out"
        path = self.dir / "store.sqlite"
        if source:
            shutil.copy(source, path)
        self.db = open_store(path)
        meta_set(self.db, "home_region", home)

    @property
    def key(self):
        return office_key(self.keys)

    def export(self, region, year):
        return export_package(self.db, region, year, self.out, key_dir=self.keys)

    def trust(self, other, office_id):
        return trust_add(self.db, other.key.public, office_id, expect=other.key.text)


def head(db):
    return meta_get(db, "audit_head")


def value(db, region, indicator, period):
    row = db.execute('select value, package, note from "values" where region=? and indicator=? and period=?',
                     [region, indicator, period]).fetchone()
    return row


def test_city_to_province_to_nation(demo_file, tmp_path):
    city = Office(tmp_path, "city", CITY, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    nation = Office(tmp_path, "nation", NATION)

    # the city corrects a figure and exports
    old = value(city.db, CITY, "INV_GRANTS", "2024")[0]
    new = str(int(old) + 17)
    set_text(city.db, CITY, "INV_GRANTS", "2024", new, note="含补报", why="补报")
    res = city.export(CITY, 2024)
    assert [p.name for p in (res.path, res.pdf, res.xlsx)] == ["320100_2024_v1.ipdx", "320100_2024_v1.pdf",
                                                                "320100_2024_v1.xlsx"]
    assert all(p.exists() for p in (res.path, res.pdf, res.xlsx)) and res.bytes == res.path.stat().st_size
    assert res.seq == 1 and res.previous is None and res.regions == [CITY]
    assert region_year_status(city.db, CITY, 2024) == "submitted"
    # the key fingerprint is on the PDF cover
    import pypdfium2 as pdfium

    cover = pdfium.PdfDocument(str(res.path.with_suffix(".pdf")))[0].get_textpage().get_text_range()
    assert city.key.text in cover.replace("\r", "").replace("\n", "")

    # the province: valid, but not trusted -> nothing merged
    v = verify_file(prov.db, res.path)
    assert v.ok and not v.trusted and v.trust == "unknown" and v.key_fingerprint == city.key.fingerprint
    assert (v.sender_id, v.region, v.year, v.seq) == (CITY, CITY, 2024, 1)
    plan = plan_receive(prov.db, res.path)
    assert plan.state == "refused" and plan.refusal.code == "pkg_untrusted"
    changed = [d for d in plan.diffs if d.kind == "changed"]
    assert [(d.indicator, d.old, d.new, d.new_note) for d in changed] == [("INV_GRANTS", old, new, "含补报")]
    before = head(prov.db)
    with pytest.raises(PackageError) as exc:
        apply_receive(prov.db, res.path)
    assert exc.value.code == "pkg_untrusted" and head(prov.db) == before
    assert value(prov.db, CITY, "INV_GRANTS", "2024")[0] == old

    # trusted after the phone call: applied; values remember their package
    prov.trust(city, CITY)
    got = apply_receive(prov.db, res.path)
    assert not got.noop and got.counts["changed"] == 1 and got.counts["unchanged"] == 21
    assert value(prov.db, CITY, "INV_GRANTS", "2024")[:2] == (new, short_hash(res.hash))
    assert region_year_status(prov.db, CITY, 2024) == "submitted"
    hist = audit.history(prov.db, CITY, "INV_GRANTS", "2024")
    assert hist[-1]["action"] == "receive" and "320100_2024_v1.ipdx" in hist[-1]["why"]
    assert audit.verify(prov.db).ok
    # the same package twice is a no-op
    before = head(prov.db)
    assert apply_receive(prov.db, res.path).noop and head(prov.db) == before
    [row] = inbox(prov.db, year=2024)
    assert (row.region, row.state, row.seq, row.counts["changed"]) == (CITY, "received", 1, 1)
    b = board(prov.db, 2024)
    assert b.sent == 1 and len(b.missing) == 12 and b.rows[0].state == "received"

    # the province aggregates its own region from its cities: the planted sum finding goes away once the
    # province chooses the sums over its own (demo) figure; unasked, its own figure is kept
    assert any(f.rule == "sum" for f in check(prov.db, PROVINCE, 2024))
    with pytest.raises(review.Refused):          # twelve cities still owe 2024: summing needs the head's word
        aggregate_into(prov.db, PROVINCE, 2024)
    review.override(prov.db, PROVINCE, 2024, user="demo-head", password="demo1234", why="先行汇总已报送城市")
    aggregate_into(prov.db, PROVINCE, 2024)
    assert any(f.rule == "sum" for f in check(prov.db, PROVINCE, 2024))
    aggregate_into(prov.db, PROVINCE, 2024, take_sums=True)
    assert not any(f.rule == "sum" for f in check(prov.db, PROVINCE, 2024))
    # unexplained findings refuse the export, with the list
    with pytest.raises(Exception) as exc:
        prov.export(PROVINCE, 2024)
    assert exc.value.code == "pkg_unexplained" and not prov.out.exists()
    for f in check(prov.db, PROVINCE, 2024, with_children=True):
        if f.severity == "explain":
            explain(prov.db, f.region, 2024, f.rule, f.indicator, f"{f.rule} 已核实", who="李四", period=f.period)
    pres = prov.export(PROVINCE, 2024)
    assert pres.path.name == "320000_2024_v1.ipdx" and len(pres.regions) == 14
    assert pres.bytes <= 5 * 2**20

    # the nation: a fresh store; everything is new
    nation.trust(prov, PROVINCE)
    plan = plan_receive(nation.db, pres.path)
    assert plan.can_apply and plan.counts()["new"] == pres.values and plan.counts()["changed"] == 0
    got = apply_receive(nation.db, plan)
    assert value(nation.db, CITY, "INV_GRANTS", "2024")[:2] == (new, short_hash(pres.hash))
    assert value(nation.db, CITY, "INV_GRANTS", "2024")[2] == "含补报"
    assert {region_year_status(nation.db, r, 2024) for r in pres.regions} == {"submitted"}
    texts = nation.db.execute("select author, text from explanations where region = '320300'").fetchall()
    assert texts and all(a == "李四" for a, _ in texts)
    assert not [f for f in check(nation.db, PROVINCE, 2024, with_children=True)
                if f.severity == "blocking" or (f.severity == "explain" and not f.explanation)]
    assert audit.verify(nation.db).ok

    # the city changes again: v2, linked to v1
    set_text(city.db, CITY, "INV_GRANTS", "2024", str(int(new) + 1), why="再次订正")
    res2 = city.export(CITY, 2024)
    assert res2.seq == 2 and res2.previous == res.hash and res2.path.name == "320100_2024_v2.ipdx"
    assert verify_file(prov.db, res2.path).previous == res.hash
    assert apply_receive(prov.db, res2.path).counts["changed"] == 1
    assert [p.seq for p in inbox(prov.db, region=CITY)] == [2, 1]


@pytest.fixture(scope="module")
def city_files(demo_file, tmp_path_factory):
    """A city office that exported 2024 twice (v1, v2) and 2022 (approved) once."""
    root = tmp_path_factory.mktemp("packages")
    city = Office(root, "city", CITY, demo_file)
    v1 = city.export(CITY, 2024)
    smes = str(int(value(city.db, CITY, "PLEDGE_SMES", "2024")[0]) + 1)
    set_text(city.db, CITY, "PLEDGE_SMES", "2024", smes, why="订正")
    v2 = city.export(CITY, 2024)
    old = city.export(CITY, 2022)
    assert region_year_status(city.db, CITY, 2022) == "approved"       # exporting keeps an approved status
    return {"office": city, "v1": v1.path, "v2": v2.path, "2022": old.path, "root": root, "smes": smes}


@pytest.fixture
def province(demo_file, tmp_path, city_files):
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city_files["office"], CITY)
    return prov


def test_lower_sequence_is_refused_as_a_replay(province, city_files):
    # v1 never came here: v2 skips it, received only when that is accepted explicitly
    assert plan_receive(province.db, city_files["v2"]).gap == [1, 1]
    assert apply_receive(province.db, city_files["v2"], accept_gap=True).counts["changed"] == 1
    before = head(province.db)
    plan = plan_receive(province.db, city_files["v1"])
    assert plan.state == "refused" and plan.refusal.code == "pkg_replay"
    assert "replay" in plan.refusal.message("en")
    with pytest.raises(PackageError) as exc:
        apply_receive(province.db, city_files["v1"])
    assert exc.value.code == "pkg_replay" and head(province.db) == before
    assert value(province.db, CITY, "PLEDGE_SMES", "2024")[0] == city_files["smes"]


def test_locked_region_year_here_refuses(province, city_files):
    plan = plan_receive(province.db, city_files["2022"])
    assert plan.refusal.code == "pkg_locked" and "approved" in plan.refusal.message("en")
    before = head(province.db)
    with pytest.raises(PackageError):
        apply_receive(province.db, city_files["2022"])
    assert head(province.db) == before and not inbox(province.db)


def test_a_package_for_the_receivers_own_region_is_refused(demo_file, tmp_path, city_files):
    twin = Office(tmp_path, "twin", CITY, demo_file)        # another store of the same city
    twin.trust(city_files["office"], CITY)
    assert plan_receive(twin.db, city_files["v1"]).refusal.code == "pkg_own_region"


def test_dry_run_writes_nothing_and_lists_the_changes(province, city_files):
    before = (head(province.db), province.db.conn.total_changes)
    plan = plan_receive(province.db, city_files["v2"], accept_gap=True)      # v1 was not received here
    assert plan.can_apply and (head(province.db), province.db.conn.total_changes) == before
    [d] = [d for d in plan.diffs if d.kind == "changed"]
    assert (d.region, d.indicator, d.period, d.new) == (CITY, "PLEDGE_SMES", "2024", city_files["smes"])
    assert plan.to_dict()["counts"]["changed"] == 1


def test_the_key_file_is_private_and_reused(tmp_path):
    key = office_key(tmp_path / "k")
    path = tmp_path / "k" / "office_ed25519.pem"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert office_key(tmp_path / "k").fingerprint == key.fingerprint
    assert len(key.text) == 24 and key.text.count("-") == 4
    assert (tmp_path / "k" / "office_ed25519.pub").read_text().split()[2] == key.text


def test_trust_refuses_a_fingerprint_that_differs(province, city_files):
    from app.models.errors import InputError

    other = office_key(city_files["root"] / "other-keys")
    with pytest.raises(InputError) as exc:
        trust_add(province.db, other.public, "320200", expect=city_files["office"].key.text)
    assert exc.value.code == "trust_fingerprint_differs"


def test_questions_go_down_and_answers_come_back(demo_file, tmp_path):
    city = Office(tmp_path, "city", CITY, demo_file)
    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    prov.trust(city, CITY)
    v1 = city.export(CITY, 2024)
    apply_receive(prov.db, v1.path)
    asked = value(prov.db, CITY, "INV_GRANTS", "2024")[0]

    asks = [Question("INV_GRANTS", "2024", "增幅偏大，请核实", rule="yoy"), Question("PLEDGE_SMES", "2024", "口径？")]
    q = create_query(prov.db, short_hash(v1.hash), asks, prov.out, key_dir=prov.keys)
    assert q.path.name == "320100_2024_v1_q1.ipdq" and q.path.stat().st_size < 20_000
    assert inbox(prov.db)[0].state == "returned"
    assert audit.history(prov.db, CITY, "INV_GRANTS", "2024")[-1]["action"] == "query"
    assert verify_file(prov.db, q.path).kind == "query"

    # the city imports it only from a trusted key
    with pytest.raises(PackageError) as exc:
        import_queries(city.db, q.path)
    assert exc.value.code == "query_untrusted"
    city.trust(prov, PROVINCE)
    got = import_queries(city.db, q.path)
    assert got.new == 2 and import_queries(city.db, q.path).already == 2
    mine = {r.indicator: r for r in questions(city.db, direction="in")}
    assert mine["INV_GRANTS"].value == asked and mine["INV_GRANTS"].current == asked
    assert mine["INV_GRANTS"].question == "增幅偏大，请核实" and mine["INV_GRANTS"].state == "open"

    # the city answers one with a correction (audited, through the write path) and exports again
    corrected = str(int(asked) - 100)
    answer(city.db, mine["INV_GRANTS"].id, "重复统计已剔除", value=corrected)
    answer(city.db, mine["PLEDGE_SMES"].id, "口径与上年一致")
    hist = audit.history(city.db, CITY, "INV_GRANTS", "2024")
    assert [h["action"] for h in hist[-2:]] == ["set", "answer"] and mine["INV_GRANTS"].id in hist[-2]["why"]
    assert region_year_status(city.db, CITY, 2024) == "draft"
    v2 = city.export(CITY, 2024)

    # the province sees the answers beside its questions and the corrected value
    plan = plan_receive(prov.db, v2.path)
    assert {a["indicator"]: a["answer"] for a in plan.answers} == {"INV_GRANTS": "重复统计已剔除",
                                                                  "PLEDGE_SMES": "口径与上年一致"}
    apply_receive(prov.db, plan)
    back = {r.indicator: r for r in questions(prov.db, direction="out")}
    assert back["INV_GRANTS"].state == "answered" and back["INV_GRANTS"].corrected == corrected
    assert back["INV_GRANTS"].current == corrected and Decimal(back["INV_GRANTS"].value) == Decimal(asked)
    assert [p.state for p in inbox(prov.db)] == ["received", "returned"]
    assert any(r["action"] == "answer_in" for r in audit.history(prov.db, CITY, "INV_GRANTS", "2024"))
    accepted = accept_package(prov.db, short_hash(v2.hash), user="demo-head", password="demo1234")
    assert accepted.state == "accepted" and region_year_status(prov.db, CITY, 2024) == "approved"
    assert audit.verify(prov.db).ok and audit.verify(city.db).ok


def test_cancel_leaves_nothing_and_progress_is_reported(province, city_files, tmp_path):
    from app.models.errors import Cancelled
    from app.services.report.data import ExportCancelled

    seen = []
    before = head(province.db)
    with pytest.raises(Cancelled):
        apply_receive(province.db, city_files["v1"], progress=lambda f, m: seen.append((f, m)),
                      cancel=lambda: len(seen) >= 3)
    assert head(province.db) == before and not inbox(province.db) and seen[0][0] < seen[-1][0]
    # an export cancelled half-way writes no file and sends no number
    city = city_files["office"]
    calls = []
    with pytest.raises(ExportCancelled):
        export_package(city.db, CITY, 2024, tmp_path / "x", key_dir=city.keys, progress=lambda f, m: calls.append(f),
                       cancel=lambda: len(calls) > 5)
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())
    assert city.db.execute("select max(seq) from packages_sent where year = 2024").fetchone()[0] == 2


def test_a_folder_of_files_is_scanned_and_senders_trusted_from_a_file(demo_file, tmp_path, city_files):
    from app.services.package.inbox import scan_folder
    from app.services.package.receive import trust_sender

    prov = Office(tmp_path, "province", PROVINCE, demo_file)
    stick = tmp_path / "stick"
    stick.mkdir()
    for name in ("v1", "v2"):
        shutil.copy(city_files[name], stick)
    (stick / "broken.ipdx").write_bytes(city_files["v1"].read_bytes()[:-10])
    (stick / "notes.txt").write_text("x")
    found = scan_folder(prov.db, stick)
    assert [(os.path.basename(f.path), f.verification.ok, f.verification.trusted) for f in found] == [
        ("320100_2024_v1.ipdx", True, False), ("320100_2024_v2.ipdx", True, False), ("broken.ipdx", False, False)]
    with pytest.raises(Exception) as exc:
        trust_sender(prov.db, city_files["v1"], expect="ABCD-0000-0000-0000-0000")
    assert exc.value.code == "trust_fingerprint_differs"
    key = trust_sender(prov.db, city_files["v1"], expect=city_files["office"].key.text)
    assert key.office_id == CITY and key.name == "南京市知识产权局"
    apply_receive(prov.db, city_files["v1"])
    assert [f.received for f in scan_folder(prov.db, stick)] == ["received", None, None]
    with pytest.raises(PackageError) as exc:
        plan_receive(prov.db, stick / "broken.ipdx")
    assert exc.value.code == "pkg_not_zip"


def test_package_pdf_prints_the_status_the_export_gives(demo_file, tmp_path):
    """The paper copy inside a package says 已报送 — what the region-year is once the export is recorded."""
    import subprocess

    city = Office(tmp_path, "city2", CITY, demo_file)
    res = city.export(CITY, 2024)
    text = subprocess.run(["pdftotext", str(res.pdf), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else pytest.skip("poppler-utils (pdftotext) not installed")
    assert "已报送" in text and res.status == "submitted"


def test_both_copies_carry_the_signing_key_fingerprint(demo_file, tmp_path):
    import python_calamine as pc

    city = Office(tmp_path, "city3", CITY, demo_file)
    res = city.export(CITY, 2024)
    cover = pc.CalamineWorkbook.from_path(str(res.xlsx)).get_sheet_by_name("封面说明").to_python()
    cells = {str(r[0]): r[1] for r in cover if r and r[0]}
    assert cells.get("密钥指纹") == city.key.text
