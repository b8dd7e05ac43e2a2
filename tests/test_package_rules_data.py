"""The rules of the package reader, binding and receiver, continued (issue 13, point 9): evidence.bin's
index, data.json itself, the documents' marks and the receipt's details — one crafted package per rule, as in
tests/test_package_rules.py, whose helpers and package these share."""
from __future__ import annotations

import io
import json

import pytest

from app.services.package.format import PackageError
from app.services.package.receive import apply_receive, plan_receive, verify_file
from tests.test_package_binding import (  # noqa: F401  (fixtures)
    CITY,
    PROVINCE,
    _no_default_keys,
    prov,
    world,
    write,
)
from tests.test_package_hostile import resign
from tests.test_package_rules import _xlsx_without, keywords_pdf, manifest_of, member


# ---------------------------------------------------------------- evidence.bin's index, data.json itself

def _index(blob: bytes, entries):
    from types import SimpleNamespace

    from app.services.package.read import carried_evidence

    archive = SimpleNamespace(file="x.ipdx", members={"evidence.bin": blob})
    return carried_evidence(archive, {"ledger": {"carried": entries}})


def _sha(b: bytes) -> str:
    import hashlib

    return hashlib.sha256(b).hexdigest()


def test_the_evidence_index_takes_one_byte_files_and_refuses_an_offset_out_of_place():
    a, b = b"A", b"BB"
    assert _index(a + b, [{"sha256": _sha(a), "offset": 0, "size": 1}, {"sha256": _sha(b), "offset": 1, "size": 2}]) \
        == {_sha(a): a, _sha(b): b}
    for bad in ([{"sha256": _sha(a), "offset": 0, "size": 1}, {"sha256": _sha(b), "offset": 0, "size": 2}],   # overlap
                [{"sha256": _sha(a), "offset": 1, "size": 1}, {"sha256": _sha(b), "offset": 1, "size": 2}],   # gap
                [{"sha256": _sha(b""), "offset": 0, "size": 0}, {"sha256": _sha(a), "offset": 0, "size": 1},
                 {"sha256": _sha(b), "offset": 1, "size": 2}]):                                             # empty
        with pytest.raises(PackageError) as exc:
            _index(a + b, bad)
        assert exc.value.code == "pkg_evidence" and "index" in str(exc.value)


def test_a_data_json_that_is_not_json_is_refused_naming_it(world, prov, tmp_path):
    raw = write(tmp_path, resign(world["raw"], world["key"], add=[("data.json", b'{"schema": 1, ')]))
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_data" and "not JSON" in v.reason, (v.code, v.reason)


def test_history_rows_of_the_packages_own_year_do_not_enter_the_fingerprint(world):
    """The year's values come from the package's own rows only: a row of that year slipped into the
    documents' history (a second, different value for a place) changes nothing the receiver computes."""
    from app.services.package.binding import recompute

    data = json.loads(member(world["raw"], "data.json"))
    before = recompute(data)
    data["documents"]["history"].append([CITY, "INV_GRANTS", "2024", "1", None])
    assert recompute(data) == before
    data["documents"]["history"].append([CITY, "INV_GRANTS", "2023", "1", None])     # another year's: it counts
    assert recompute(data) != before


def test_a_package_of_an_ipdesk_without_the_ledger_is_taken(world, prov, tmp_path):
    """An older ipdesk's package: no ledger in data.json and none named by the manifest, PDF or XLSX — verified
    and received as values only (no ledger plan)."""
    m = manifest_of(world["raw"])
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{m['audit_head']['hash']}:{m['audit_head']['rows']}")
    xlsx = _xlsx_without(member(world["raw"], "report.xlsx"), {"ledger_fingerprint"})
    raw = write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf), ("report.xlsx", xlsx)],
                                 data=lambda d: d.pop("ledger"), manifest=lambda mm: mm.pop("ledger_fingerprint")))
    v = verify_file(prov, raw)
    assert v.ok, v.reason
    plan = plan_receive(prov, raw)
    assert plan.refusal is None and plan.ledger is None and plan.to_dict()["ledger"] is None
    assert apply_receive(prov, raw).counts.get("ledger_progress", 0) == 0


def test_a_new_region_outside_the_keys_scope_is_refused_by_the_name_it_was_sent_with(world, prov, tmp_path):
    """A region this store does not have, sent with Wuxi as its parent in Nanjing's package: refused, and the
    refusal names it as the package does — 江北新区（320199） — since this store has no name for it."""
    def more(d):
        d["regions"] += [{"code": "320199", "level": "county", "name_zh": "江北新区", "parent": "320200"},
                         {"code": "320200", "level": "city", "name_zh": "无锡市", "parent": PROVINCE}]

    raw = write(tmp_path, resign(world["raw"], world["key"], data=more,
                                 manifest=lambda m: m.update(regions=[CITY, "320199", "320200"])), "new-region.ipdx")
    plan = plan_receive(prov, raw)
    assert plan.refusal is not None and plan.refusal.code == "pkg_outside", plan.reason
    assert "江北新区（320199）" in plan.refusal.message("zh") and "南京市（320100）" in plan.refusal.message("zh")


def test_a_ledger_whose_stated_fingerprint_is_not_its_own_is_refused(world, prov, tmp_path):
    """data.json's ledger states a fingerprint other than its rows' (the documents name the rows' own):
    refused naming data.json."""
    raw = write(tmp_path, resign(world["raw"], world["key"], data=lambda d: d["ledger"].update(fingerprint="0" * 64)))
    v = verify_file(prov, raw)
    assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason and "0000-0000-0000-0000" in v.reason, v.reason


def test_the_receipt_as_json_carries_its_short_hash(world, prov, tmp_path):
    res = apply_receive(prov, write(tmp_path, world["raw"]))
    d = json.loads(json.dumps(res.to_dict(), ensure_ascii=False, default=str))
    assert d["short"] == res.hash[:16] and d["hash"] == res.hash and d["regions"][0] == CITY


def test_an_xlsx_without_its_metadata_sheet_is_refused_naming_the_xlsx(world, prov, tmp_path):
    from openpyxl import load_workbook

    from app.services.report.xlsx import SHEETS

    wb = load_workbook(io.BytesIO(member(world["raw"], "report.xlsx")))
    del wb[SHEETS[-1]]
    buf = io.BytesIO()
    wb.save(buf)
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", buf.getvalue())])))
    assert not v.ok and v.code == "pkg_binding" and "XLSX" in v.reason, (v.code, v.reason)


@pytest.mark.parametrize("change", [lambda m: m.update(regions="320100"), lambda m: m.update(regions={"320100": 1})])
def test_a_manifest_whose_regions_are_not_a_list_is_refused(world, prov, tmp_path, change):
    """(a version that is not a whole number is refused before: pkg_seq_range)"""
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], manifest=change)))
    assert not v.ok and v.code == "pkg_manifest" and v.bytes == 0, (v.code, v.reason)   # refused: no size claimed


def test_evidence_bytes_beyond_the_index_are_refused():
    a = b"A"
    with pytest.raises(PackageError) as exc:
        _index(a + b"hidden", [{"sha256": _sha(a), "offset": 0, "size": 1}])
    assert exc.value.code == "pkg_evidence" and "bytes outside the index" in str(exc.value)


def test_a_refused_file_is_named_and_its_verification_reads_as_json(prov, tmp_path):
    """A file that cannot be read at all is still named by its file name (or <bytes>), and the refusal
    serialises for `ipdesk verify --json` without the exception object."""
    for source, name in ((tmp_path / "不存在.ipdx", "不存在.ipdx"), (b"PK\x03\x04 not a zip", "<bytes>"),
                         (write(tmp_path, b"\x00" * 10, "空.ipdx"), "空.ipdx")):
        v = verify_file(prov, source)
        assert not v.ok and v.file == name and v.code, (source, v)
        d = json.loads(json.dumps(v.to_dict(), ensure_ascii=False))
        assert "error" not in d and d["file"] == name and d["reason"] == v.reason
        assert (v.bytes, v.year, v.seq, v.region) == (0, 0, 0, "")          # nothing claimed of an unread file


@pytest.mark.parametrize("words", ["", "audit:{h}0:{n}", "audit:{h}"])
def test_a_pdf_that_does_not_name_the_signed_audit_head_is_refused(world, prov, tmp_path, words):
    """The paper copy must carry the head the manifest signs: a PDF naming none, or one that is not a head
    (65 digits, no row count), is refused, and the refusal says it found none (—)."""
    m = manifest_of(world["raw"])
    h, n = m["audit_head"]["hash"], m["audit_head"]["rows"]
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} ledger:{m['ledger_fingerprint']} " + words.format(h=h, n=n))
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf)])))
    assert not v.ok and v.code == "pkg_binding_head" and "（—）" in v.reason and f"{h[:16]}:{n}" in v.reason, v.reason


def test_a_new_district_the_city_sends_is_added_here_with_its_name_and_parent(world, prov, tmp_path):
    """A district this store does not know yet (a new development zone), below Nanjing, carried by Nanjing's
    package: the dry run lists it, the receipt adds it to this store's tree — name, parent, level."""
    from app.models.catalogue import region as get_region

    def more(d):
        d["regions"].append({"code": "320199", "level": level, "name_zh": "江北新区", "name_en": "Jiangbei",
                             "parent": CITY, "valid_from": "2024-01-01", "valid_to": None})

    level = "district"                # not a level of this store's tree: refused by the dry run, nothing written
    raw = write(tmp_path, resign(world["raw"], world["key"], data=more,
                                 manifest=lambda m: m.update(regions=[CITY, "320199"])), "new-district.ipdx")
    with pytest.raises(PackageError) as exc:
        plan_receive(prov, raw)
    assert exc.value.code == "pkg_data" and "320199" in str(exc.value) and "district" in str(exc.value)
    level = "county"
    raw = write(tmp_path, resign(world["raw"], world["key"], data=more,
                                 manifest=lambda m: m.update(regions=[CITY, "320199"])), "new-district.ipdx")
    plan = plan_receive(prov, raw)
    assert plan.refusal is None, plan.reason
    assert [r["code"] for r in plan.new_regions] == ["320199"]
    apply_receive(prov, raw)
    r = get_region(prov, "320199")
    assert (r.name_zh, r.parent, r.level, r.name_en) == ("江北新区", CITY, "county", "Jiangbei")


def test_the_receipts_audit_rows_say_which_package_from_whom(world, prov, tmp_path):
    """Each value row the receipt writes says why: the file, its version, the sender's office id and name
    (the actor is the receiving user, never a name the package supplies)."""
    prov.execute('delete from "values" where region=? and indicator=? and period=?', [CITY, "INV_GRANTS", "2024"])
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    who, why = prov.execute("select who, why from audit where action = 'receive' and indicator = 'INV_GRANTS'"
                            " order by id desc limit 1").fetchone()
    v = manifest_of(world["raw"])["sender"]
    assert who == "省局张三" and why == f"320100_2024_v1.ipdx v1 from {CITY} {v['office_name']}" and v["office_name"]


def test_a_data_json_that_is_not_an_object_is_refused(world, prov, tmp_path):
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("data.json", b"[1, 2]")])))
    assert not v.ok and v.code == "pkg_data" and "not an object" in v.reason, (v.code, v.reason)


def test_explanations_outside_that_name_a_carried_region_do_not_enter_the_fingerprint(world):
    """An explanation of a region the package carries comes from the package's own rows only: one slipped
    into the documents' explanations outside (or one that is not a five-field row) changes nothing."""
    from app.services.package.binding import recompute

    data = json.loads(member(world["raw"], "data.json"))
    before = recompute(data)
    data["documents"]["explanations_outside"] = [["yoy", CITY, "INV_GRANTS", "2024", "夹带的说明"], ["yoy", "320102"]]
    assert recompute(data) == before
    data["documents"]["explanations_outside"].append(["yoy", "320102", "INV_GRANTS", "2024", "区县说明"])
    assert recompute(data) != before


def test_the_verification_as_json_says_trust_the_key_as_read_aloud_and_the_short_hash(world, prov, tmp_path):
    v = verify_file(prov, write(tmp_path, world["raw"]))
    d = json.loads(json.dumps(v.to_dict(), ensure_ascii=False))
    assert v.ok and d["trusted"] is True and d["key_fingerprint_text"] == world["key"].text
    assert d["short"] == v.hash[:16] and d["hash"] == v.hash


def test_the_evidence_index_itself_is_checked_before_any_byte():
    """evidence.bin without an index, an index that is not a list, a SHA-256 not of 64 lower-case hex digits,
    an offset or size that is not a whole number (true/false included): refused; no index and no bytes: none."""
    from types import SimpleNamespace

    from app.services.package.read import carried_evidence

    a = b"A"
    assert carried_evidence(SimpleNamespace(file="x.ipdx", members={}), {"ledger": {}}) == {}
    assert carried_evidence(SimpleNamespace(file="x.ipdx", members={}), {}) == {}
    with pytest.raises(PackageError) as exc:
        carried_evidence(SimpleNamespace(file="x.ipdx", members={"evidence.bin": a}), {"ledger": {}})
    assert "no index" in str(exc.value)
    with pytest.raises(PackageError) as exc:
        _index(a, {"sha256": _sha(a), "offset": 0, "size": 1})
    assert "index" in str(exc.value)
    for bad in ({"sha256": _sha(a).upper(), "offset": 0, "size": 1}, {"sha256": _sha(a)[:63], "offset": 0, "size": 1},
                {"sha256": _sha(a) + "0", "offset": 0, "size": 1},
                {"sha256": 7, "offset": 0, "size": 1}, {"sha256": _sha(a), "offset": False, "size": 1},
                {"sha256": _sha(a), "offset": 0, "size": True}, {"sha256": _sha(a), "offset": "0", "size": 1}, "x"):
        with pytest.raises(PackageError) as exc:
            _index(a, [bad])
        assert exc.value.code == "pkg_evidence" and "index" in str(exc.value), bad


def test_a_new_region_needs_a_parent_known_here_or_new_in_the_same_package(world, prov, tmp_path):
    """A district under a new zone the package brings too is taken (the zone first, then the district); a
    district whose parent neither this store nor the package knows is refused, naming it."""
    def new(code, parent, level="county"):
        return {"code": code, "level": level, "name_zh": f"新区{code[-2:]}", "name_en": "", "parent": parent,
                "valid_from": None, "valid_to": None}

    def package(*regions):
        def more(d):
            d["regions"] += list(regions)
        return write(tmp_path, resign(world["raw"], world["key"], data=more, manifest=lambda m: m.update(
            regions=[CITY, *(r["code"] for r in regions)])), "new-regions.ipdx")

    with pytest.raises(PackageError) as exc:
        plan_receive(prov, package(new("320198", "320197")))
    assert exc.value.code == "pkg_unknown_region" and "320198" in str(exc.value)
    plan = plan_receive(prov, package(new("320197", CITY, "unit"), new("320198", "320197")))
    assert plan.refusal is None and [r["code"] for r in plan.new_regions] == ["320197", "320198"]


def test_an_xlsx_that_is_not_a_workbook_is_refused_and_the_metadata_is_read_from_its_first_row(world, prov, tmp_path):
    from app.services.package.binding import xlsx_marks

    meta = xlsx_marks(member(world["raw"], "report.xlsx"))
    assert meta["format"] == "ipdesk-report-1" and meta["fingerprint"] == manifest_of(world["raw"])["data_fingerprint"]
    assert xlsx_marks(b"PK\x03\x04 not a workbook") == {}
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.xlsx", b"not a workbook")])))
    assert not v.ok and v.code == "pkg_binding" and "XLSX" in v.reason, (v.code, v.reason)


def test_a_damaged_pdf_has_no_keywords_and_data_without_documents_is_refused(world, prov, tmp_path):
    """pdf_keywords of bytes that are no PDF is empty (the binding then names the PDF), and a data.json whose
    documents block is missing or not an object is refused as data — never an error escaping the reader."""
    from app.services.package.binding import pdf_keywords, recompute

    assert pdf_keywords(b"%PDF-1.7 broken") == ""
    data = json.loads(member(world["raw"], "data.json"))
    for docs in (None, [], "x"):
        with pytest.raises(ValueError):
            recompute({**data, "documents": docs})
        raw = write(tmp_path, resign(world["raw"], world["key"], data=lambda d, x=docs: d.update(documents=x)))
        v = verify_file(prov, raw)
        assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason, (docs, v.code, v.reason)


def test_a_query_file_whose_questions_are_not_well_formed_is_refused(world, prov, tmp_path):
    """A province's .ipdq verifies; the same file with its questions emptied (and signed again) is refused as
    data, before anyone is shown questions that are not there."""
    from app.services.package.format import short_hash
    from app.services.package.keys import office_key
    from app.services.package.queries import Question, create_query

    res = apply_receive(prov, write(tmp_path, world["raw"]))
    q = create_query(prov, short_hash(res.hash), [Question("INV_GRANTS", "2024", "增幅偏大，请核实", rule="yoy")],
                     tmp_path / "out", key_dir=tmp_path / "prov-keys")
    good = verify_file(None, q.path)
    assert good.ok and good.kind == "query", good.reason
    key = office_key(tmp_path / "prov-keys")

    def emptied(raw):
        from tests.test_package_hostile import members

        ms = dict(members(raw))
        body = json.loads(ms["query.json"])
        body["questions"] = []
        return json.dumps(body, ensure_ascii=False).encode()

    bad = write(tmp_path, resign(q.path.read_bytes(), key, add=[("query.json", emptied(q.path.read_bytes()))]),
                "bad.ipdq")
    v = verify_file(None, bad)
    assert not v.ok and v.code == "pkg_data" and "questions" in v.reason, (v.code, v.reason)


def test_a_ledger_mark_of_65_digits_is_no_ledger_mark(world, prov, tmp_path):
    """The PDF's ledger mark is exactly 64 hex digits: one digit more is no mark (not its first 64), so the
    package is refused naming the PDF."""
    from app.services.package.binding import ledger_mark

    m = manifest_of(world["raw"])
    fp = m["ledger_fingerprint"]
    assert ledger_mark(f"ledger:{fp}") == fp and ledger_mark(f"ledger:{fp}0") is None
    head = m["audit_head"]
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{head['hash']}:{head['rows']} ledger:{fp}0")
    v = verify_file(prov, write(tmp_path, resign(world["raw"], world["key"], add=[("report.pdf", pdf)])))
    assert not v.ok and v.code == "pkg_binding" and "PDF" in v.reason, (v.code, v.reason)
