"""The rules of the package reader and receiver, one crafted package per rule (issue 13, point 9).

Each test is the attack a sender of crafted files would try against one line of
app/services/package/read.py, binding.py or receive.py — a value written '01', a region
list that differs from the manifest's in one way only, an explanation of a region not
carried or of another year, a PDF naming another audit head, a rollover proof that is not
base64 or endorsed by a key not trusted here — so that the mutation run of those modules
(tools/mutate.py) finds each defence pinned. The package is the real Nanjing one of
tests/test_package_binding.py, changed and signed again with a real key.
"""
from __future__ import annotations

import io
import json
import shutil

import pytest

from app.models.db import meta_set, open_store
from app.models.values import region_year_status
from app.services.package.binding import documents_block, pdf_marks
from app.services.package.format import PackageError
from app.services.package.keys import trust_add
from app.services.package.receive import (
    ValueDiff,
    _names,
    apply_receive,
    plan_receive,
    trust_sender,
    verify_file,
)

from tests.test_package_binding import (  # noqa: F401  (fixtures)
    CITY,
    PROVINCE,
    _no_default_keys,
    grants,
    prov,
    world,
    write,
)
from tests.test_package_hostile import members, resign
from tests.test_package_rules_keys import proof


def refused_data(world, prov, tmp_path, change, why: str):
    """``change`` (of data.json) makes the package invalid as data: pkg_data naming ``why``."""
    raw = write(tmp_path, resign(world["raw"], world["key"], data=change), "crafted.ipdx")
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_data", (v.code, v.reason)
    assert why in v.reason, v.reason
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, raw)
    assert exc.value.code == "pkg_data"


def member(raw: bytes, name: str) -> bytes:
    return dict(members(raw))[name]


def manifest_of(raw: bytes) -> dict:
    return json.loads(member(raw, "manifest.json"))


def keywords_pdf(words: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setKeywords(words)
    c.drawString(100, 100, "x")
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------- data.json: values and regions

@pytest.mark.parametrize("text", ["01", "-01", "007", "1.50", "1.", "+1", " 1"])
def test_a_value_not_written_canonically_is_refused(world, prov, tmp_path, text):
    def odd(d):
        v = next(v for v in d["values"] if v["region"] == CITY and v["period"] == "2024")
        v["value"] = text

    refused_data(world, prov, tmp_path, odd, "value")


@pytest.mark.parametrize("field,bad", [("level", 2), ("name_zh", None), ("code", 320100)])
def test_a_region_entry_with_a_field_that_is_not_text_is_refused(world, prov, tmp_path, field, bad):
    def odd(d):
        d["regions"][-1][field] = bad

    refused_data(world, prov, tmp_path, odd, "regions")


def test_a_region_entry_that_is_not_an_object_is_refused(world, prov, tmp_path):
    refused_data(world, prov, tmp_path, lambda d: d["regions"].append("320200"), "regions")


def test_a_region_list_longer_than_the_manifests_is_refused(world, prov, tmp_path):
    """The first region is the manifest's; the list carries one more (Wuxi) than the manifest names."""
    def more(d):
        d["regions"].append({"code": "320200", "level": "city", "name_zh": "无锡市", "parent": PROVINCE})

    refused_data(world, prov, tmp_path, more, "regions differ")


def test_a_region_list_led_by_another_region_is_refused(world, prov, tmp_path):
    """data.json and the manifest list the same regions, but neither leads with the package's region."""
    assert manifest_of(world["raw"])["regions"] == [CITY]
    child = prov.execute("select code from regions where parent = ? order by code", [CITY]).fetchone()[0]

    def turned(d):
        d["regions"].insert(0, {"code": child, "level": "district", "name_zh": "区", "parent": CITY})

    def manifest(m):
        m["regions"] = [child, CITY]

    raw = write(tmp_path, resign(world["raw"], world["key"], data=turned, manifest=manifest), "turned.ipdx")
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_data" and "regions differ" in v.reason, v.reason


# ---------------------------------------------------------------- data.json: explanations

def _explanation(region, period):
    return {"rule": "R_JUMP", "region": region, "indicator": "INV_GRANTS", "period": period, "text": "补报",
            "author": "张三", "at": "2025-01-05T09:00:00"}


def test_an_explanation_of_a_region_not_carried_is_refused(world, prov, tmp_path):
    refused_data(world, prov, tmp_path, lambda d: d["explanations"].append(_explanation("320200", "2024")),
                 "explanation 320200")


def test_an_explanation_of_another_year_is_refused(world, prov, tmp_path):
    refused_data(world, prov, tmp_path, lambda d: d["explanations"].append(_explanation(CITY, "2023")),
                 f"explanation {CITY}")


def test_explanations_outside_the_package_are_kept_apart(demo_file, tmp_path):
    """The fingerprint's explanations of regions the report covers but the package does not carry go to
    ``explanations_outside``; those of the regions carried come from the package's own rows."""
    from app.models.checks import explain

    shutil.copy(demo_file, tmp_path / "c.sqlite")
    db = open_store(tmp_path / "c.sqlite")
    child = db.execute("select code from regions where parent = ? order by code", [CITY]).fetchone()[0]
    explain(db, CITY, 2024, "R_JUMP", "INV_GRANTS", "本市说明", who="t", period="2024")
    explain(db, child, 2024, "R_JUMP", "INV_GRANTS", "区县说明", who="t", period="2024")
    doc = documents_block(db, CITY, 2024, [CITY, child], [CITY])
    outside = doc["explanations_outside"]
    assert [e[1] for e in outside] == [child] and outside[0][4] == "区县说明"
    assert "explanations" not in doc
    both = documents_block(db, CITY, 2024, [CITY, child], [CITY, child])
    assert both["explanations_outside"] == []


# ---------------------------------------------------------------- the PDF's marks

def test_a_pdf_naming_another_audit_head_is_refused(world, prov, tmp_path):
    """The PDF carries the right data fingerprint, the XLSX the right head; only the PDF's head differs."""
    m = manifest_of(world["raw"])
    head = m["audit_head"]
    other = ("f" if head["hash"][0] != "f" else "e") + head["hash"][1:]
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{other}:{head['rows']} ledger:{m['ledger_fingerprint']}")
    assert pdf_marks(pdf) == (m["data_fingerprint"], (other, head["rows"]))
    raw = write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf)]), "head.ipdx")
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_binding_head" and "PDF" in v.reason, v.reason
    # the same PDF naming the manifest's head is bound: only the head made the difference
    same = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{head['hash']}:{head['rows']} "
                        f"ledger:{m['ledger_fingerprint']}")
    ok = write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", same)]), "same.ipdx")
    assert verify_file(prov, ok).ok


def test_a_pdf_fingerprint_of_65_digits_is_not_the_fingerprint(world):
    fp = manifest_of(world["raw"])["data_fingerprint"]
    assert pdf_marks(keywords_pdf(f"fingerprint:{fp}0"))[0] is None


# ---------------------------------------------------------------- the manifest's audit head

@pytest.mark.parametrize("head", ["abc", ["a" * 64, 3], {"rows": 3}, {"hash": "a" * 64}, {"hash": 5, "rows": 3},
                                  {"hash": "a" * 64, "rows": "3"}])
def test_a_manifest_head_that_is_not_a_head_is_none(world, prov, tmp_path, head):
    """Not a dict, or lacking a text 'hash' or a whole 'rows': no head is read (nothing breaks)."""
    raw = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(audit_head=head)),
                "nohead.ipdx")
    v = verify_file(prov, raw)
    assert v.audit_head == "" and v.ok, v.reason
    plan = plan_receive(prov, raw)
    assert [n.code for n in plan.notes] == ["pkg_head_missing"]


def test_the_manifest_head_is_shown(world, prov, tmp_path):
    head = manifest_of(world["raw"])["audit_head"]
    assert verify_file(prov, write(tmp_path, world["raw"])).audit_head == f"{head['hash']}:{head['rows']}"


# ---------------------------------------------------------------- receive: plan, replay, apply

def test_the_dry_run_lists_unchanged_values_only_when_asked(world, prov, tmp_path):
    plan = plan_receive(prov, write(tmp_path, world["raw"]))
    assert plan.counts()["unchanged"] > 0
    shown = plan.to_dict()
    assert shown["diffs"] == [d.__dict__ for d in plan.diffs if d.kind != "unchanged"]
    assert all(d["kind"] != "unchanged" for d in shown["diffs"])
    assert len(plan.to_dict(unchanged=True)["diffs"]) == len(plan.diffs) > len(shown["diffs"])


def test_a_value_missing_here_is_written_new_and_the_steps_are_reported(world, prov, tmp_path):
    before = grants(prov)
    prov.execute('delete from "values" where region=? and indicator=? and period=?', [CITY, "INV_GRANTS", "2024"])
    pkg = write(tmp_path, world["raw"])
    plan = plan_receive(prov, pkg)
    assert [(d.indicator, d.kind) for d in plan.diffs if d.kind != "unchanged"] == [("INV_GRANTS", "new")]
    assert plan.statuses[CITY] == region_year_status(prov, CITY, 2024)
    seen = []
    res = apply_receive(prov, pkg, progress=lambda f, msg: seen.append(f))
    assert [f for f in seen] == [0.1, 0.3, 0.5, 0.7, 0.95]
    assert grants(prov) == before and res.counts["new"] == 1
    assert res.parent == PROVINCE and res.regions[0] == CITY
    assert region_year_status(prov, CITY, 2024) == "submitted"       # the sender submitted it


def test_cancel_at_the_first_step_writes_nothing(world, prov, tmp_path):
    from app.services.package.receive import Cancelled

    changes = prov.conn.total_changes
    with pytest.raises(Cancelled):
        apply_receive(prov, write(tmp_path, world["raw"]), cancel=lambda: True)
    assert prov.conn.total_changes == changes


def test_a_lower_version_after_a_higher_one_is_a_replay_and_statuses_are_this_stores(world, prov, tmp_path):
    key = world["key"]
    v3 = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(seq=3)), "v3.ipdx")
    apply_receive(prov, v3, accept_gap=True)
    assert region_year_status(prov, CITY, 2024) == "submitted"
    v2 = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(seq=2)), "v2.ipdx")
    plan = plan_receive(prov, v2)
    assert plan.state == "refused" and plan.refusal.code == "pkg_replay"
    assert plan.refusal.params["latest"] == 3
    assert plan.statuses[CITY] == "submitted"                          # read here, not assumed draft
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, v2)
    assert exc.value.code == "pkg_replay"


def test_the_names_of_many_items_end_with_how_many_more(prov):
    diffs = [ValueDiff(CITY, "INV_GRANTS", str(y), "changed", "1", "2", None, None) for y in range(2010, 2021)]
    assert _names(prov, diffs, "en").endswith("and 3 more")
    assert _names(prov, diffs, "zh").endswith("等另 3 项")
    assert "more" not in _names(prov, diffs[:8], "en")
    assert _names(prov, diffs[:9], "zh").endswith("等另 1 项")            # one more is still said
    # Chinese joins with 、, English with "; "
    assert _names(prov, diffs[:2], "zh") == "南京市 发明专利授权量 2010、南京市 发明专利授权量 2011"
    assert _names(prov, diffs[:2], "en").count("; ") == 1 and "、" not in _names(prov, diffs[:2], "en")


def test_trusting_a_sender_takes_the_name_given_or_the_one_it_sends(world, tmp_path):
    key = world["key"]
    pkg = write(tmp_path, world["raw"])
    sent = manifest_of(world["raw"])["sender"]["office_name"]
    assert sent
    for name, expected in ((None, sent), ("南京知识产权局", "南京知识产权局")):
        shutil.copy(world["demo"], tmp_path / "t.sqlite")
        db = open_store(tmp_path / "t.sqlite")
        meta_set(db, "home_region", PROVINCE)
        got = trust_sender(db, pkg, expect=key.text, name=name)
        assert got.name == expected and got.office_id == CITY and got.regions == (CITY,)
        db.conn.close()
        (tmp_path / "t.sqlite").unlink()


def test_a_trusted_key_carrying_a_rollover_proof_is_no_rollover(world, prov, tmp_path):
    """Only a key in conflict is looked at as a rollover: a trusted key's package that also carries a
    proof (here signed by itself) stays a plain trusted package, and an unknown key stays unknown."""
    key = world["key"]
    pkg = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(rollover=proof(key, key))))
    v = verify_file(prov, pkg)
    assert v.ok and v.trust == "trusted" and v.rollover_from == ""
    shutil.copy(world["demo"], tmp_path / "u.sqlite")
    nobody = open_store(tmp_path / "u.sqlite")
    v = verify_file(nobody, pkg)
    assert v.ok and v.trust == "unknown" and not v.trusted


def test_a_value_changed_here_is_taken_from_the_package(world, prov, tmp_path):
    before = grants(prov)
    prov.execute('update "values" set value = ? where region=? and indicator=? and period=?',
                 ["1", CITY, "INV_GRANTS", "2024"])
    pkg = write(tmp_path, world["raw"])
    plan = plan_receive(prov, pkg)
    assert [(d.indicator, d.kind, d.old, d.new) for d in plan.diffs if d.kind != "unchanged"] == [
        ("INV_GRANTS", "changed", "1", before)]
    assert apply_receive(prov, pkg).counts["changed"] == 1
    assert grants(prov) == before


def test_documents_that_are_not_lists_give_no_fingerprint_and_the_binding_names_it(world, prov, tmp_path):
    from app.services.package.binding import check_binding, recompute
    from app.services.package.read import read_package

    data = json.loads(member(world["raw"], "data.json"))
    fp = manifest_of(world["raw"])["data_fingerprint"]
    assert recompute(data) == fp == check_binding(read_package(world["raw"]))
    for field in ("history", "regions"):
        broken = json.loads(json.dumps(data))
        broken["documents"][field] = "x"
        with pytest.raises(ValueError):
            recompute(broken)
        crafted = resign(world["raw"], world["key"], data=lambda d, f=field: d["documents"].update({f: "x"}))
        with pytest.raises(PackageError) as exc:               # the binding names the data as what is wrong
            read_package(crafted)
        assert exc.value.code == "pkg_binding" and "data.json" in str(exc.value)
    # a PDF naming another head: the refusal shows both heads' first 16 digits and their rows
    head = manifest_of(world["raw"])["audit_head"]
    other = "0" * 64
    pdf = keywords_pdf(f"fingerprint:{fp} audit:{other}:{head['rows']}")
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf)])))
    assert f"{other[:16]}:{head['rows']}" in v.reason and f"{head['hash'][:16]}:{head['rows']}" in v.reason


def test_the_fingerprint_does_not_depend_on_the_order_the_sender_lists_explanations_in(world):
    """Sender and receiver put the explanations in one order (every field compared, a missing one as
    empty): a package listing them otherwise — its own before or after those outside it, by rule — has the
    same fingerprint, and another text has another. (Found by this test: recompute looked the carried regions
    up by a key their entries do not have, so any data.json listing an explanation outside the package was
    refused as unreadable.)"""
    from app.services.package.binding import recompute

    data = json.loads(member(world["raw"], "data.json"))
    own = [{"rule": r, "region": CITY, "indicator": "INV_GRANTS", "period": "2024", "text": t, "author": "x", "at": "now"}
           for r, t in (("yoy", "同比说明"), ("R_JUMP", None), ("A_FIRST", "先"))]
    outside = [["B_RULE", "320102", "INV_GRANTS", "2024", "区县说明"], ["Z_RULE", "320102", None, "2024", "无指标"]]
    fingerprints = set()
    for k in range(4):
        d = json.loads(json.dumps(data))
        d["explanations"] = own[k % 3:] + own[:k % 3] if k < 3 else own[::-1]
        d["documents"]["explanations_outside"] = outside if k % 2 else outside[::-1]
        fingerprints.add(recompute(d))
    assert len(fingerprints) == 1 and fingerprints != {recompute(data)}
    d["explanations"][0]["text"] = "另一说明"
    assert recompute(d) not in fingerprints


def test_a_version_not_following_the_one_received_is_a_fork(world, prov, tmp_path):
    key = world["key"]
    v1 = write(tmp_path, world["raw"], "v1.ipdx")
    assert plan_receive(prov, v1).reason == ""
    first = apply_receive(prov, v1)
    forked = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(seq=2, previous="0" * 64)),
                   "v2f.ipdx")
    plan = plan_receive(prov, forked)
    assert plan.refusal.code == "pkg_fork" and plan.reason == plan.refusal.message()
    assert plan.refusal.params == {"seq": 2, "prev": 1} and "版本 1" in plan.refusal.message("zh")
    follows = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(seq=2, previous=first.hash)),
                    "v2.ipdx")
    assert plan_receive(prov, follows).refusal is None
    third = write(tmp_path, resign(world["raw"], key, manifest=lambda m: m.update(seq=3, previous="0" * 64)),
                  "v3.ipdx")
    apply_receive(prov, follows)
    assert plan_receive(prov, third).refusal.code == "pkg_fork"


def test_an_explanation_sent_is_shown_with_its_value_and_only_when_new_here(world, tmp_path):
    """Nanjing explains its INV_GRANTS 2024 and sends it: the dry run shows the text beside the value and
    lists it to write; once the province holds the same text, it is no longer listed."""
    from app.models.checks import explain
    from app.services.package.write import export_package

    shutil.copy(world["demo"], tmp_path / "c.sqlite")
    city = open_store(tmp_path / "c.sqlite")
    meta_set(city, "home_region", CITY)
    explain(city, CITY, 2024, "R_JUMP", "INV_GRANTS", "含补报", who="t", period="2024")
    shutil.copytree(world["root"] / "city-keys", tmp_path / "k")
    sent = export_package(city, CITY, 2024, tmp_path / "out", key_dir=tmp_path / "k").path
    shutil.copy(world["demo"], tmp_path / "p.sqlite")
    db = open_store(tmp_path / "p.sqlite")
    meta_set(db, "home_region", PROVINCE)
    trust_add(db, world["key"].public, CITY, "南京", expect=world["key"].text)
    prov_before = grants(db)
    db.execute('update "values" set value = ? where region=? and indicator=? and period=?',
               ["1", CITY, "INV_GRANTS", "2024"])
    plan = plan_receive(db, sent)
    [d] = [d for d in plan.diffs if d.kind != "unchanged"]
    assert (d.indicator, d.explanations) == ("INV_GRANTS", ["含补报"])
    assert [(e["region"], e["rule"], e["text"], e["old"]) for e in plan.explanations] == [
        (CITY, "R_JUMP", "含补报", None)]
    apply_receive(db, sent, who="省局")
    assert db.execute("select author from explanations where region = ? and rule = ?",
                      [CITY, "R_JUMP"]).fetchone()[0] == "t"            # the sender's author is kept
    assert plan_receive(db, sent).state == "duplicate"
    db.execute("delete from packages_received")
    assert plan_receive(db, sent).explanations == []                     # the same text held here: not listed
    assert grants(db) == prov_before


def test_a_fingerprint_refusal_shows_the_short_forms(world, prov, tmp_path):
    from app.services.fingerprint import short

    fp = manifest_of(world["raw"])["data_fingerprint"]
    other = "ab" * 32
    raw = write(tmp_path, resign(world["raw"], world["key"], manifest=lambda m: m.update(data_fingerprint=other)))
    v = verify_file(prov, raw)
    assert v.code == "pkg_binding" and short(other) in v.reason and short(fp) in v.reason
    assert other not in v.reason and fp not in v.reason


def test_a_value_the_package_no_longer_carries_is_removed_here(world, prov, tmp_path):
    from app.services.package.receive import conflicts_error

    code = prov.execute('select code from indicators where code not in (select indicator from "values"'
                        " where region = ? and period = '2024') order by code", [CITY]).fetchone()[0]
    from app.models.values import set_text

    set_text(prov, CITY, code, "2024", "5", why="本地补录")
    pkg = write(tmp_path, world["raw"])
    plan = plan_receive(prov, pkg)
    assert [(d.indicator, d.kind) for d in plan.diffs if d.kind != "unchanged"] == [(code, "removed")]
    assert conflicts_error(prov, plan).params["n"] == 0                 # no conflict on a first package
    assert apply_receive(prov, pkg).counts["removed"] == 1
    assert prov.execute('select count(*) from "values" where region=? and indicator=? and period=?',
                        [CITY, code, "2024"]).fetchone()[0] == 0


@pytest.mark.parametrize("key,change", [
    ("values", lambda d: d["values"][0].update(value=5)),                    # a number, not text
    ("values", lambda d: d["values"][0].update(note=["x"])),                 # an optional field not text
    ("explanations", lambda d: d.update(explanations="x")),                  # not a list
    ("answers", lambda d: d.update(answers=[{"id": 1, "answer": "x"}])),     # an id that is not text
    ("answers", lambda d: d.update(answers=["x"])),                          # an entry that is not an object
])
def test_a_list_of_data_that_is_not_well_formed_is_refused(world, prov, tmp_path, key, change):
    refused_data(world, prov, tmp_path, change, key)


def test_the_verification_shows_the_manifests_fields(world, prov, tmp_path):
    m = manifest_of(world["raw"])
    v = verify_file(prov, write(tmp_path, world["raw"]))
    assert v.ok and (v.created_at, v.data_fingerprint, v.region, v.year) == (
        m["created_at"], m["data_fingerprint"], m["region"], m["year"])
    assert v.created_at and v.region_name == m["region_name"] != ""


def test_the_gap_is_the_versions_missing_between_the_last_received_and_this(world, prov, tmp_path):
    from app.services.package.read import read_package
    from app.services.package.receive import gap_of

    key = world["key"]

    def version(seq):
        return read_package(resign(world["raw"], key, manifest=lambda m: m.update(seq=seq)))

    assert (gap_of(prov, version(1)), gap_of(prov, version(2)), gap_of(prov, version(4))) == ([], [1, 1], [1, 3])
    apply_receive(prov, write(tmp_path, world["raw"], "v1.ipdx"))
    assert (gap_of(prov, version(2)), gap_of(prov, version(3)), gap_of(prov, version(1))) == ([], [2, 2], [])


def test_a_new_package_is_received_after_a_backup_and_a_duplicate_without_one(world, prov, tmp_path):
    from app.models.storefile import backup_dir

    def backups():
        folder = backup_dir(prov.path)
        return sorted(p.name for p in folder.iterdir() if p.suffix != ".log") if folder.is_dir() else []

    before = backups()
    raw = write(tmp_path, world["raw"])
    apply_receive(prov, raw)
    after = backups()
    assert len(after) == len(before) + 1 and any("receive" in n for n in set(after) - set(before))
    assert apply_receive(prov, raw).noop and backups() == after          # the same package again: no copy



def _xlsx_without(raw_xlsx: bytes, keys) -> bytes:
    """The package's XLSX with the 元数据 sheet's rows for ``keys`` removed (a sender editing the workbook)."""
    from openpyxl import load_workbook

    from app.services.report.xlsx import SHEETS

    wb = load_workbook(io.BytesIO(raw_xlsx))
    ws = wb[SHEETS[-1]]
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 1).value in keys:
            ws.delete_rows(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_xlsx_without_the_audit_head_is_refused_and_the_refusal_says_none(world, prov, tmp_path):
    xlsx = _xlsx_without(member(world["raw"], "report.xlsx"), {"audit_head"})
    raw = write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", xlsx)]))
    v = verify_file(prov, raw)
    head = manifest_of(world["raw"])["audit_head"]
    assert not v.ok and v.code == "pkg_binding_head", (v.code, v.reason)
    assert "（—）" in v.reason and f"{head['hash'][:16]}:{head['rows']}" in v.reason


def test_a_ledger_in_data_that_no_document_names_is_refused(world, prov, tmp_path):
    """data.json carries the task ledger but the manifest, the PDF and the XLSX name none (as an older ipdesk's
    documents): the ledger is not bound to what was signed and printed, so the package is refused."""
    m = manifest_of(world["raw"])
    assert json.loads(member(world["raw"], "data.json")).get("ledger") is not None and m.get("ledger_fingerprint")
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{m['audit_head']['hash']}:{m['audit_head']['rows']}")
    xlsx = _xlsx_without(member(world["raw"], "report.xlsx"), {"ledger_fingerprint"})
    raw = write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf), ("report.xlsx", xlsx)],
                                 manifest=lambda mm: mm.pop("ledger_fingerprint")))
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_binding" and "清单" in v.reason, (v.code, v.reason)
    with pytest.raises(PackageError):
        apply_receive(prov, raw)


def test_documents_naming_a_ledger_that_data_does_not_carry_are_refused(world, prov, tmp_path):
    """The sender drops the ledger from data.json (its progress reports, say) and re-signs: the manifest, PDF
    and XLSX still name the ledger they were made with, so the package is refused, not taken without it."""
    raw = write(tmp_path, resign(world["raw"], world["key"], data=lambda d: d.pop("ledger")))
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason, (v.code, v.reason)
