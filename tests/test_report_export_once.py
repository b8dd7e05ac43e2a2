"""The export builds its data once (issue 14's benchmark): what it reuses instead of reading again
must be what reading again gives.

- the children table's states come from one check of the subtree, cut per city: each equals the
  city's own document state, on both sides (a final city 已审批, a city with an open finding not);
- the fingerprint made from the 明细 rows and its parts kept for verify-docs equal those read from
  the store;
- the results report drafted from the export's model equals the one drafted from the store, and an
  export under another office's name does not put that name into the office's draft;
- a draft's stamp, embedded once, is on every page.
"""
from __future__ import annotations

import sqlite3

import pytest

from app.models.review import document_state
from app.services.report.data import build_report
from app.services.report.export import export_report
from app.services.report.words import state_text

CITY = "320100"


def own_state(db, code: str, year: int) -> str:
    """What a subordinate's own document would print: the long way, one check of its own."""
    doc = document_state(db, code, year)
    return state_text(doc.status, doc.final)


def test_children_states_equal_each_city_own_document_both_sides(demo_db):
    rep = build_report(demo_db, "320000", 2022)
    states = {c.code: c.workflow for c in rep.children}
    assert set(states.values()) == {"已审批"}                   # the demo's cities: approved and final
    assert all(states[k] == own_state(demo_db, k, 2022) for k in states)

    # a value changed behind the app in an approved city: its own document has a blocking finding
    con = sqlite3.connect(demo_db.path, isolation_level=None)
    con.execute("""update "values" set value = '-5' where region = ? and indicator = 'INV_GRANTS'"""
                " and period = '2022'", [CITY])
    con.close()
    rep = build_report(demo_db, "320000", 2022)
    states = {c.code: c.workflow for c in rep.children}
    assert states[CITY] != "已审批" and states[CITY] == own_state(demo_db, CITY, 2022)
    assert [k for k, s in states.items() if s != "已审批"] == [CITY]
    assert all(states[k] == own_state(demo_db, k, 2022) for k in states)
    # the province's own findings (cut from the same check) name the city's problem, as a fresh check does
    from app.models.findings import findings

    fresh = findings(demo_db, "320000", 2022, below="children")
    assert [(f.region, f.indicator, f.rule) for f in rep.findings] == [(f.region, f.indicator, f.rule)
                                                                          for f in fresh.items]
    assert any(f.region == CITY and f.indicator == "INV_GRANTS" for f in rep.findings)


def test_fingerprint_and_its_parts_equal_the_store_reading(demo_db):
    from app.services.fingerprint import fingerprint, value_rows
    from app.services.report.verify import fingerprint_parts

    for region in ("320000", CITY):
        rep = build_report(demo_db, region, 2022)
        assert rep.fingerprint == fingerprint(demo_db, region, 2022, rep.regions)
        assert rep.fingerprint_parts == fingerprint_parts(demo_db, region, 2022, rep.regions)
        assert rep.detail == value_rows(demo_db, rep.regions, 2022)
    # one value more changes both (the 明细 rows feed the fingerprint, not a stale copy)
    before = build_report(demo_db, "320000", 2022).fingerprint
    con = sqlite3.connect(demo_db.path, isolation_level=None)
    con.execute("""update "values" set value = '12345' where region = ? and indicator = 'INV_GRANTS'"""
                " and period = '2022'", [CITY])
    con.close()
    after = build_report(demo_db, "320000", 2022)
    assert after.fingerprint != before and after.fingerprint == fingerprint(demo_db, "320000", 2022, after.regions)


@pytest.mark.parametrize("office", [None, "江苏省知识产权局（另一名称）"])
def test_results_text_of_the_export_is_the_store_draft(demo_db, tmp_path, office):
    from app.services.results_report import show

    res = export_report(demo_db, "320000", 2022, pdf=tmp_path / "r.pdf", office=office)
    shown = show(demo_db, "320000", 2022)
    assert [(s.number, s.text) for s in res.report.results.sections] == [(s.number, s.text) for s in shown.sections]
    assert office is None or office not in res.report.results.sections[0].text
    assert office is None or res.report.office == office            # the cover still says who sends it


def test_a_draft_stamp_is_on_every_page(demo_db, tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    res = export_report(demo_db, "320000", 2024, pdf=tmp_path / "draft.pdf")
    assert res.report.draft and res.pdf_pages > 2
    with pikepdf.open(res.pdf) as pdf:
        names = set()
        for n, page in enumerate(pdf.pages, start=1):
            images = {str(k) for k in page.Resources.get("/XObject", {}).keys()}
            assert images, f"page {n} without the stamp"
            names |= images
            drawn = {str(operands[0]) for operands, op in pikepdf.parse_content_stream(page)
                     if str(op) == "Do"}
            assert images <= drawn, f"page {n}: the stamp is listed but not drawn"
        assert len(names) == 1                                 # one picture, embedded once


def test_garbage_collection_is_paused_only_while_exporting(demo_db, tmp_path):
    import gc

    # a window run earlier in this process (app.ui.main's collector) leaves automatic collection off:
    # this test starts from the interpreter's default and puts back what it found
    was = gc.isenabled()
    gc.enable()
    try:
        _paused_only_while_exporting(demo_db, tmp_path)
    finally:
        gc.enable() if was else gc.disable()


def _paused_only_while_exporting(demo_db, tmp_path):
    import gc

    from app.models.errors import IpdeskError
    from app.services.report.data import ExportCancelled
    from app.services.report.export import gc_paused

    seen = []
    export_report(demo_db, "320000", 2022, pdf=tmp_path / "a.pdf", progress=lambda f, m: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()           # off while writing, on again after
    with pytest.raises(ExportCancelled):                          # a cancelled export turns it back on too
        export_report(demo_db, "320000", 2022, pdf=tmp_path / "b.pdf", cancel=lambda: True)
    assert gc.isenabled()
    with pytest.raises(IpdeskError):
        export_report(demo_db, "320000", 2022)                    # nothing to write: refused before pausing
    assert gc.isenabled()
    with gc_paused():                                             # nested (two exports at once): on after the last
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()                                                  # a caller that had it off keeps it off
    try:
        export_report(demo_db, "320000", 2022, pdf=tmp_path / "c.pdf")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_effective_values_from_the_detail_rows_equal_a_store_reading(demo_db):
    from app.services.fingerprint import WINDOW_YEARS, value_rows
    from app.services.report.effective import effective_values

    for region, kids in (("320000", True), (CITY, False)):
        rep = build_report(demo_db, region, 2022, include_children=kids)
        first = 2022 - WINDOW_YEARS + 1
        read = effective_values(demo_db, rep.regions, first, 2022)
        given = effective_values(demo_db, rep.regions, first, 2022, rows=value_rows(demo_db, rep.regions, 2022))
        assert given == read and len(read) > len(rep.detail)      # derived values computed on both sides
