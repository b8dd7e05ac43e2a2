"""Progress and evidence through the one write path: real files, hostile attachments refused with a Chinese
sentence naming the file and nothing written (rows and audit unchanged)."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from app.models import audit, evidence, progress, tasks
from app.models.errors import InputError, LockedError
from tests.test_tasks import ROWS_2024, counts, write_csv

TASK = "G2024-4.9.1"


@pytest.fixture
def db24(demo_db, tmp_path):
    tasks.import_tasks(demo_db, write_csv(tmp_path / "guideline-2024.csv", ROWS_2024))
    return demo_db


def docx_bytes(part="word/document.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<w:document/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("说明.txt", "不是文档")
    return buf.getvalue()


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_progress_with_evidence_is_stored_with_its_hash_and_audited(db24, tmp_path):
    (tmp_path / "原因分析报告.pdf").write_bytes(PDF)
    (tmp_path / "会议照片.jpg").write_bytes(JPEG)
    (tmp_path / "任务台账.docx").write_bytes(docx_bytes())
    (tmp_path / "数据表.xlsx").write_bytes(docx_bytes("xl/workbook.xml"))
    (tmp_path / "截图.png").write_bytes(PNG)
    files = [tmp_path / n for n in ("原因分析报告.pdf", "会议照片.jpg", "任务台账.docx", "数据表.xlsx", "截图.png")]
    before = counts(db24)
    res = progress.set_progress(db24, "320100", TASK, "2024年第三季度", "推进中", percent="60%", milestone="完成初稿",
                                text="已对反馈的 2 批次数据完成原因分析，形成报告初稿。", person="王敏", evidence=files)
    assert (res.period, res.state, res.written) == ("2024Q3", "in_progress", True)
    assert [e["kind"] for e in res.evidence] == ["pdf", "jpeg", "docx", "xlsx", "png"]
    after = counts(db24)
    assert after["task_progress"] == before["task_progress"] + 1
    assert after["evidence"] == before["evidence"] + 5 and after["audit"] == before["audit"] + 6
    row = progress.progress_rows(db24, "320100", 2024)[0]
    assert (row["state_zh"], row["percent"], row["person"]) == ("推进中", 60, "王敏")
    pdf = next(e for e in row["evidence"] if e["name"] == "原因分析报告.pdf")
    assert pdf["sha256"] == hashlib.sha256(PDF).hexdigest() and pdf["bytes"] == len(PDF)
    assert progress.evidence_content(db24, pdf["sha256"]) == PDF
    # the same report and file again: nothing written
    again = progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", percent=60, milestone="完成初稿",
                                  text="已对反馈的 2 批次数据完成原因分析，形成报告初稿。", person="王敏", evidence=files[:1])
    assert not again.written and counts(db24) == after
    # the same file for another period is stored once
    progress.set_progress(db24, "320100", TASK, "2024H2", "已完成", evidence=files[:1])
    assert counts(db24)["evidence_files"] == after["evidence_files"]
    assert audit.verify(db24).ok


def _hostile(tmp_path):
    exe = tmp_path / "年度总结.pdf"
    exe.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)      # a Windows program renamed .pdf
    zipped = tmp_path / "任务台账.docx"
    zipped.write_bytes(plain_zip())                                       # a zip that is no DOCX
    big = tmp_path / "扫描件.pdf"
    with open(big, "wb") as f:                                           # 21 MB
        f.write(b"%PDF-1.4\n")
        f.truncate(21 * 1024 * 1024)
    con = tmp_path / "CON.pdf"
    con.write_bytes(PDF)
    newline = tmp_path / "报告\n.pdf"
    newline.write_bytes(PDF)
    png_as_pdf = tmp_path / "照片.pdf"
    png_as_pdf.write_bytes(PNG)
    return [(exe, "年度总结.pdf", "可执行程序"), (zipped, "任务台账.docx", "普通压缩包"), (big, "扫描件.pdf", "21.0 MB"),
            (con, "CON.pdf", "保留的设备名"), (newline, "报告\\n.pdf", "控制字符"), (png_as_pdf, "照片.pdf", "与内容")]


def test_hostile_files_are_refused_by_name_and_nothing_is_written(db24, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(PDF)
    before = counts(db24)
    for path, shown, why in _hostile(tmp_path):
        with pytest.raises(InputError) as e:        # the good file in the same call is not written either
            progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", evidence=[good, path])
        text = e.value.message("zh")
        assert f"附件“{shown}”" in text and why in text, text
        assert "\n" not in text
        assert counts(db24) == before


@pytest.mark.parametrize("name, why", [
    ("../../etc/passwd.pdf", "路径分隔符"), ("..\\..\\boot.pdf", "路径分隔符"), ("..pdf", "“..”"),
    ("报告\x00.pdf", "控制字符"), ("a\nb.pdf", "控制字符"), ("lpt1.docx", "保留的设备名"), ("Con.Report.pdf", "保留的设备名"),
    ("a" * 121 + ".pdf", "过长"), ("报告?.pdf", "不允许的字符"), ("报告.pdf.", "首尾"), ("", "为空"),
    ("setup.exe", "扩展名"), ("报告", "扩展名"),
])
def test_hostile_names_given_with_the_bytes(db24, name, why):
    before = counts(db24)
    with pytest.raises(InputError) as e:
        progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", evidence=[(name, PDF)])
    assert why in e.value.message("zh"), e.value.message("zh")
    assert counts(db24) == before


def test_the_size_cap_on_both_sides(tmp_path):
    at_cap = b"%PDF-" + b"\x00" * (evidence.MAX_BYTES - 5)
    assert evidence.from_bytes("刚好.pdf", at_cap).bytes == evidence.MAX_BYTES
    with pytest.raises(InputError, match="at most 20.0 MB"):
        evidence.from_bytes("超出.pdf", at_cap + b"\x00")
    with pytest.raises(InputError):
        evidence.from_bytes("空.pdf", b"")


def test_states_reasons_percentages_and_periods(db24):
    before = counts(db24)
    for state, why in (("滞后", None), ("取消", "  ")):
        with pytest.raises(InputError) as e:
            progress.set_progress(db24, "320100", TASK, "2024Q2", state, why=why)
        assert f"状态为“{state}”时须说明原因" in e.value.message("zh")
    for pct in ("101", "-1", "50.5", "六十"):
        with pytest.raises(InputError):
            progress.set_progress(db24, "320100", TASK, "2024Q2", "推进中", percent=pct)
    with pytest.raises(InputError, match="100 %"):
        progress.set_progress(db24, "320100", TASK, "2024Q2", "已完成", percent=90)
    for period in ("2024-07", "2024Q5", "2023Q4", "2025"):
        with pytest.raises(InputError):
            progress.set_progress(db24, "320100", TASK, period, "推进中")
    with pytest.raises(InputError):
        progress.set_progress(db24, "320100", TASK, "2024Q2", "进行到一半")
    with pytest.raises(InputError):                 # a CNIPA department's task is not the city's
        progress.set_progress(db24, "320100", "G2024-4.10.2", "2024Q2", "推进中")
    assert counts(db24) == before
    assert progress.set_progress(db24, "320100", TASK, "2024", "推进中", percent=0).written
    assert progress.set_progress(db24, "320100", TASK, "2024Q4", "in_progress", percent=100).written
    assert progress.set_progress(db24, "320100", TASK, "2024年下半年", "滞后", why="人员调整").period == "2024H2"
    assert [progress.parse_progress_period(p) for p in ("2024h1", "2024年第一季度", "２０２４Q2", "2024年")] == \
        ["2024H1", "2024Q1", "2024Q2", "2024"]
    assert [progress.parse_state(s) for s in ("未开始", "推进中", "已完成", "滞后", "取消", "done")] == \
        ["not_started", "in_progress", "done", "late", "cancelled", "done"]


def test_a_locked_region_year_refuses_progress(demo_db):
    before = counts(demo_db)
    with pytest.raises(LockedError):
        progress.set_progress(demo_db, "320100", "G2022-4.9.3", "2022Q4", "已完成")
    assert counts(demo_db) == before


def test_the_province_sees_who_has_not_reported(db24):
    progress.set_progress(db24, "320100", TASK, "2024Q3", "推进中", percent=40)
    m = progress.progress_matrix(db24, "320000", 2024)
    assert len(m["regions"]) == 13 and m["tasks"] == ["G2024-4.9.1", "G2024-4.10.1"]
    assert m["cells"][("320100", TASK)] == ("2024Q3", "in_progress", 40)
    assert m["cells"][("320200", TASK)] is None
