"""The paper copy is PDF/A-2b: XMP with pdfaid part 2 / conformance B and the Chinese title,
author and subject of the Info dictionary; an sRGB output intent; every font embedded; no
encryption; version 1.7. Checked with pikepdf (and its PDF/A rule checker, ``pikepdf.pdfa``,
when its extra dependencies are installed). veraPDF is not available on these machines.
"""
from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal

import pytest

pikepdf = pytest.importorskip("pikepdf")


@pytest.fixture(scope="module")
def approved_pdf(demo_file, tmp_path_factory):
    """Jiangsu 2022 (approved in the demo): the final copy."""
    from app.models.db import open_store
    from app.services.report.export import export_report

    folder = tmp_path_factory.mktemp("pdfa")
    shutil.copy(demo_file, folder / "s.sqlite")
    db = open_store(folder / "s.sqlite")
    res = export_report(db, "320000", 2022, pdf=folder / "江苏省-2022.pdf", generated_at=datetime(2022, 12, 10, 9, 30))
    yield res
    db.conn.close()


def test_pdfa_2b_metadata_and_output_intent(approved_pdf):
    rep = approved_pdf.report
    with pikepdf.open(approved_pdf.pdf) as pdf:
        assert pdf.pdf_version == "1.7" and not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == rep.title == str(pdf.docinfo["/Title"])            # Chinese, both places
        assert meta["dc:creator"] == [rep.office] and str(pdf.docinfo["/Author"]) == rep.office
        assert meta["dc:description"] == str(pdf.docinfo["/Subject"]) and rep.region_name in meta["dc:description"]
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"         # an ICC profile
        for page in pdf.pages:
            for name, font in page.Resources.Font.items():
                desc = font.FontDescriptor
                assert "/FontFile2" in desc, (name, font.BaseFont)                     # TrueType, embedded
                assert str(font.BaseFont)[7] == "+"                                    # subset: /ABCDEF+


def test_pdfa_rule_check_finds_no_violation(approved_pdf):
    pdfa = pytest.importorskip("pikepdf.pdfa", exc_type=ImportError)
    with pikepdf.open(approved_pdf.pdf) as pdf:
        report = pdfa.check(pdf, "2b")
    assert [f for f in report.findings if f.kind != "unsupported"] == []
    # the only findings: reportlab's empty /Trans dictionary on each page, which the checker does not check
    assert {f.rule for f in report.findings} <= {"pikepdf:schema-Page"}


# ---------------------------------------------------------------- what the signed copy says

def _words(pdf, page):
    import re
    import subprocess

    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_signed_copy_names_people_one_date_and_a_seal_over_name_and_date(approved_pdf):
    import subprocess

    rep, pdf = approved_pdf.report, approved_pdf.pdf
    # the signature page: the one with the closing sentence (the results report follows it as an
    # attachment, as GB/T 9704 puts attachments after the signature)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    n = next(k for k, page in enumerate(pages, start=1) if "特此报送" in page)
    assert rep.final and rep.approver == "demo-head" and rep.approved_at is not None
    assert rep.date_text != "2022年12月10日"           # the approval's date, not the generation's
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "此页无正文" not in text
    assert text.count(rep.date_text) >= 3 and "2022年12月10日" not in text      # cover, subtitle, signature
    last = subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                          capture_output=True, text=True).stdout
    assert "特此报送" in last and "单位负责人：demo-head" in last.replace(" ", "") and "（单位盖章）" in last
    words = _words(pdf, n)
    unit = next(w for w in words if w[4] == rep.office)
    date = next(w for w in words if w[4] == rep.date_text)
    mm = 72 / 25.4
    # the unit name centred over the date, the date four characters (4 × 16 pt) in from the right edge
    assert abs((unit[0] + unit[2]) / 2 - (date[0] + date[2]) / 2) < 1.0
    assert abs(date[2] - (28 * mm + 156 * mm - 4 * 16)) < 1.5
    assert 0 < date[1] - unit[1] < 12 * mm                 # one line apart, both inside the 42 mm circle
    # the seal circle: its centre over the date's centre, 5 mm above the unit name's baseline
    cx, cy = (date[0] + date[2]) / 2, unit[3] - 5 * mm
    for x0, y0, x1, y1, _t in (unit, date):
        for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
            assert (x - cx) ** 2 + (y - cy) ** 2 < (21 * mm + 12) ** 2


def test_cover_form_marks_phone_sender_and_recipient(demo_db, tmp_path):
    import subprocess

    from app.services.report.data import save_office
    from app.services.report.export import export_report

    res = export_report(demo_db, "320100", 2022, pdf=tmp_path / "a.pdf", generated_at=datetime(2022, 12, 10))
    cover = subprocess.run(["pdftotext", "-layout", "-l", "2", str(res.pdf), "-"], capture_output=True,
                           text=True).stdout
    assert "表号：" in cover and "＿＿＿＿＿＿＿＿＿" in cover                # blank lines when unset
    assert "报送单位：南京市知识产权局" in cover.replace(" ", "") and "报送至：江苏省知识产权局" in cover.replace(" ", "")
    save_office(demo_db, phone="025-83331234", form_no="知运统1表", form_authority="国家知识产权局",
                form_approval_no="国统制〔2022〕99号", form_valid_until="2025年12月")
    res = export_report(demo_db, "320100", 2022, pdf=tmp_path / "b.pdf", generated_at=datetime(2022, 12, 10))
    cover = subprocess.run(["pdftotext", "-layout", "-l", "2", str(res.pdf), "-"], capture_output=True,
                           text=True).stdout.replace(" ", "")
    for s in ("表号：知运统1表", "制定机关：国家知识产权局", "批准文号：国统制〔2022〕99号", "有效期至：2025年12月",
              "联系电话：025-83331234", "国知发运字〔2022〕15号"):
        assert s in cover, s
    with pytest.raises(ValueError):
        save_office(demo_db, fax="1")


def test_reporting_only_requirement_is_not_a_target_met_and_missing_guideline_said(demo_db, tmp_path):
    """2022: irregular applications (lower is better) rose 20.3 %; the guideline only asks that they be
    reported — filed, never counted as 已达标, and the rise is named. An interpretation is marked.
    2024: no 2024 guideline is loaded, and the document says so (2022 does not)."""
    import subprocess

    from app.services.report.export import export_report

    def flat(res):
        out = subprocess.run(["pdftotext", "-raw", str(res.pdf), "-"], capture_output=True, text=True).stdout
        return out.replace("\n", "").replace(" ", "")

    res = export_report(demo_db, "320000", 2022, pdf=tmp_path / "c.pdf", generated_at=datetime(2022, 12, 10))
    rep, text = res.report, flat(res)
    abnormal = next(t for t in rep.targets if t.indicator == "HV_PATENTS_ABNORMAL")
    assert abnormal.reporting_only and abnormal.status == "met" and abnormal.rose_against_direction
    assert sum(rep.status_counts().values()) == len(rep.targets) - 1 and rep.reporting_counts() == (1, 1)
    met = rep.status_counts()["met"]
    assert f"已达标{met}项" in text and "另有填报要求1项（已填报1项，不计入目标达标）" in text
    assert f"较上年上升{abnormal.change}%，该指标越低越好" in text and abnormal.change == Decimal("20.3")
    assert "〔解读，非原文〕" in text and "未载入" not in text
    res = export_report(demo_db, "320000", 2024, pdf=tmp_path / "d.pdf", generated_at=datetime(2024, 12, 10))
    assert not res.report.guideline_loaded
    assert "未载入2024年度《知识产权高质量发展年度工作指引》" in flat(res)


def test_every_indicator_has_a_chinese_source_and_scope(demo_db):
    from app.models.catalogue import indicators
    from app.services.report.front import definitions

    defs = definitions(indicators(demo_db), "province")
    assert defs and all(d.source != "—" and d.scope != "—" for d in defs), [d.code for d in defs if d.scope == "—"]
    assert all(not any("a" <= ch.lower() <= "z" for ch in d.scope.replace("GDP", "")) for d in defs)  # Chinese text


def test_the_song_subset_has_every_character_the_app_prints():
    """GB 2312 and every non-ASCII character of the app and its resources are in the subset, except the
    status symbols the symbol face draws (the Song face itself lacks ✕) and the window-only ✎ (the 报告
    page's edited mark, drawn in the window's sans face, never printed)."""
    pytest.importorskip("fontTools")
    import importlib.util
    from pathlib import Path

    from fontTools.ttLib import TTFont

    from app.services.fonts import serif_font_path

    spec = importlib.util.spec_from_file_location("build_fonts", Path(__file__).parents[1] / "tools" / "build_fonts.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for bold in (False, True):
        cmap = TTFont(serif_font_path(bold), lazy=True).getBestCmap()
        lacking = {ch for ch in build.wanted() if ord(ch) not in cmap and not ch.isspace()}
        assert lacking <= set("✕✔▸✎\ufffd"), "".join(sorted(lacking))
        assert serif_font_path(bold).stat().st_size < 4_000_000


def test_indicator_row_of_a_reporting_only_requirement_has_no_target_status(demo_db):
    from app.services.report.data import build_report

    rep = build_report(demo_db, "320000", 2022)
    row = rep.indicator("HV_PATENTS_ABNORMAL")
    assert row.target == "按时填报" and row.status is None          # was ● 已达标 while rising 20.3 %
    assert rep.indicator("PLEDGE_SMES").status == "met"             # a real target keeps its status
