"""The task ledger through real packages (issue 15, point 4): a city's own tasks, assignments, progress,
evidence files and report text reach the province unchanged; evidence beyond the 3 MB cap travels as
metadata and SHA-256 only; and each attack — a progress row of a region outside the key's scope, evidence
bytes that do not match their SHA-256, a hostile evidence name, a progress row changed in data.json — is
refused with nothing written. Each attack re-signs with the city's real key and, where it must, makes the
ledger's fingerprints agree everywhere, so only the defence under test can catch it."""
from __future__ import annotations

import io
import json
import os
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from app.models import audit, progress, tasks
from app.models.db import meta_set, open_store
from app.models.ledger import ledger_fingerprint, pack, unpack
from app.services import results_report as rr
from app.services.package.receive import apply_receive, plan_receive, verify_file
from app.services.package.keys import office_key, trust_add
from app.services.package.write import EVIDENCE_CAP, export_package

from tests.test_package_hostile import members, resign
from tests.test_package_rules import keywords_pdf
from tests.test_tasks import ROWS_2024, write_csv

CITY, PROVINCE, YEAR = "320100", "320000", 2024
TABLES = ("tasks", "task_assignments", "task_progress", "evidence", "evidence_files", "report_sections", "values",
          "audit")


@pytest.fixture(autouse=True)
def _no_default_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))


def pdf_file(n: int, seed: int) -> bytes:
    body = os.urandom(n) if seed < 0 else bytes((i * seed) % 251 for i in range(n))
    return b"%PDF-1.4\n%" + body + b"\n%%EOF\n"


def png_file(n: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (n // 256)


def docx_file() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>推进情况</w:document>")
    return buf.getvalue()


def counts(db):
    return {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def world(demo_file, tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger")
    pack = write_csv(root / "guideline-2024.csv", ROWS_2024)
    shutil.copy(demo_file, root / "city.sqlite")
    city = open_store(root / "city.sqlite")
    meta_set(city, "home_region", CITY)
    tasks.import_tasks(city, pack)
    own = tasks.add_task(city, CITY, None, "组织开展全市专利申请质量原因分析，形成分析报告", parent="G2024-4.9.1",
                         due="2024-10-31", responsible="南京市知识产权局战略规划处")
    tasks.assign(city, own.id, "知识产权保护科", "2024-09-30")
    tasks.assign(city, own.id, "320102", "2024-09-30")
    big = [("质量分析报告（全文）.pdf", pdf_file(1_800_000, 7)), ("质量分析报告（附表）.pdf", pdf_file(1_700_000, 11))]
    small = [("会议纪要.pdf", pdf_file(60_000, 3)), ("现场照片.png", png_file(120_000)), ("工作方案.docx", docx_file())]
    progress.set_progress(city, CITY, own.id, "2024Q2", "推进中", percent=40, text="已完成反馈数据梳理",
                          person="王敏", evidence=small[:2])
    progress.set_progress(city, CITY, own.id, "2024Q3", "已完成", text="原因分析报告已报省局", person="王敏",
                          milestone="报告印发", evidence=[small[2], *big])
    progress.set_progress(city, CITY, "G2024-4.9.1", "2024Q3", "已完成", text="反馈数据原因分析完成", person="李强")
    progress.set_progress(city, CITY, "G2024-4.10.1", "2024H1", "取消", why="并入省局统一开展的指标质量分析")
    late = tasks.add_task(city, CITY, None, "建立全市专利密集型产业统计监测台账", parent="G2024-4.10.1",
                          due="2024-06-30")
    progress.set_progress(city, CITY, late.id, "2024Q3", "推进中", percent=70, text="台账已建成，数据核对中")
    from app.models import review

    review.explain(city, CITY, YEAR, "task_overdue", f"task:{late.id}", "统计口径调整，台账数据核对推迟至第四季度")
    rr.set_text(city, CITY, YEAR, 3, "（一）专利申请质量原因分析。全市按季度完成反馈数据分析，形成报告报省局。")
    res = export_package(city, CITY, YEAR, root / "out", key_dir=root / "city-keys")
    city_rows = progress.progress_rows(city, CITY, YEAR)
    city_audit = city.execute("select count(*) from audit").fetchone()[0]
    city.conn.close()
    return {"raw": res.path.read_bytes(), "key": office_key(root / "city-keys"), "demo": demo_file, "pack": pack,
            "own": own, "late": late, "progress": city_rows, "big": big, "small": small, "audit": city_audit,
            "root": root}


@pytest.fixture
def prov(world, tmp_path):
    shutil.copy(world["demo"], tmp_path / "p.sqlite")
    db = open_store(tmp_path / "p.sqlite")
    meta_set(db, "home_region", PROVINCE)
    tasks.import_tasks(db, world["pack"])
    trust_add(db, world["key"].public, CITY, "南京", expect=world["key"].text)
    yield db
    db.conn.close()


def write(tmp_path, raw: bytes, name="320100_2024_v1.ipdx"):
    p = tmp_path / name
    p.write_bytes(raw)
    return p


def rebind(world, change) -> bytes:
    """The package with its ledger rows changed by ``change`` and every ledger fingerprint (data.json,
    manifest, PDF keywords, XLSX 元数据) made to agree, re-signed with the city's key."""
    ms = dict(members(world["raw"]))
    data = json.loads(ms["data.json"])
    rows = unpack(data["ledger"]["rows"])
    change(rows)
    fp = ledger_fingerprint(rows)
    data["ledger"]["rows"] = pack(rows)
    data["ledger"]["fingerprint"] = fp
    m = json.loads(ms["manifest.json"])
    head = m["audit_head"]
    pdf = keywords_pdf(f"fingerprint:{m['data_fingerprint']} audit:{head['hash']}:{head['rows']} ledger:{fp}")
    wb = load_workbook(io.BytesIO(ms["report.xlsx"]))
    meta = wb[wb.sheetnames[-1]]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "ledger_fingerprint":
            row[1].value = fp
    buf = io.BytesIO()
    wb.save(buf)

    def d(x):
        x.clear()
        x.update(data)

    def mf(x):
        x["ledger_fingerprint"] = fp
    return resign(world["raw"], world["key"], data=d, manifest=mf,
                  add=[("report.pdf", pdf), ("report.xlsx", buf.getvalue())])


def test_city_to_province_loses_nothing(world, prov, tmp_path):
    pkg = write(tmp_path, world["raw"])
    assert len(world["raw"]) < EVIDENCE_CAP + 2 * 2**20
    before = counts(prov)
    plan = plan_receive(prov, pkg)                           # the dry run lists what the ledger would change
    c = plan.counts()
    assert (c["ledger_tasks"], c["ledger_assignments"], c["ledger_progress"], c["ledger_sections"]) == (2, 2, 5, 1)
    assert (c["ledger_evidence"], c["ledger_evidence_not_carried"]) == (5, 1)
    assert plan.to_dict()["ledger"]["counts"]["progress"] == 5          # receive --json carries the ledger too
    assert counts(prov) == before                            # a dry run writes nothing
    steps = []
    res = apply_receive(prov, pkg, who="省局张三", progress=lambda f, msg: steps.append(f))
    assert res.counts["ledger_progress"] == 5
    assert steps == [0.1, 0.3, 0.5, 0.6, 0.7, 0.95]           # the ledger's own step between values and explanations
    assert res.short == res.hash[:16] and len(res.hash) == 64
    # the late own task arrives with its explanation: explained here too, nothing open
    from app.models.findings import findings

    late = [f for f in findings(prov, CITY, YEAR) if f.rule == "task_overdue"]
    assert [(f.indicator, f.explanation) for f in late] == [(f"task:{world['late'].id}",
                                                             "统计口径调整，台账数据核对推迟至第四季度")]
    # tasks and assignments as the city made them
    own = world["own"]
    t = tasks.get_task(prov, own.id)
    assert (t.text_zh, t.due, t.parent, t.owner, t.responsible_zh) == (own.text_zh, own.due, own.parent, CITY,
                                                                       "南京市知识产权局战略规划处")
    assert sorted(prov.execute("select kind, assignee, due from task_assignments where task = ?", [own.id])) == [
        ("department", "知识产权保护科", "2024-09-30"), ("region", "320102", "2024-09-30")]
    # progress: states, percentages, texts, persons, reasons, evidence names/sizes/hashes
    got = progress.progress_rows(prov, CITY, YEAR)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("updated_by", "updated_at", "evidence")}  # noqa: E731
                          for r in rows]
    assert strip(got) == strip(world["progress"])
    ev = lambda rows: sorted((e["name"], e["kind"], e["bytes"], e["sha256"]) for r in rows for e in r["evidence"])  # noqa: E731
    assert ev(got) == ev(world["progress"]) and len(ev(got)) == 5
    # the bytes: every file within the cap carried byte for byte, the one beyond it listed as not carried
    files = {e["name"]: e for r in got for e in r["evidence"]}
    for name, content in world["small"] + world["big"][:1]:
        assert files[name]["carried"] and progress.evidence_content(prov, files[name]["sha256"]) == content
    late = files[world["big"][1][0]]
    assert not late["carried"] and progress.evidence_content(prov, late["sha256"]) is None
    # the office's report text
    assert rr.show(prov, CITY, YEAR).section(3).text.startswith("（一）专利申请质量原因分析")
    # every row written here by the receiving user, never by a name from the package
    who = {w for (w,) in prov.execute("select distinct who from audit where id > (select max(id) from audit"
                                      " where action = 'receive') - 200 and action in ('task_add','task_assign',"
                                      "'progress','evidence','report_text')")}
    assert who == {"省局张三"}
    assert {r["person"] for r in got} == {"王敏", "李强", None}
    assert prov.execute("select author from explanations where rule = 'task_overdue'").fetchone()[0] != "省局张三"
    assert audit.verify(prov).ok
    # the same package again: nothing new
    assert apply_receive(prov, pkg, who="省局张三").noop


def test_the_file_not_carried_is_filled_when_its_bytes_come(world, prov, tmp_path):
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    sha = next(e["sha256"] for r in progress.progress_rows(prov, CITY, YEAR) for e in r["evidence"]
               if not e["carried"])
    name, content = world["big"][1]
    progress.set_progress(prov, CITY, world["own"].id, "2024Q3", "已完成", text="原因分析报告已报省局", person="王敏",
                          milestone="报告印发", evidence=[(name, content)])
    assert progress.evidence_content(prov, sha) == content
    assert audit.verify(prov).ok                               # filled with the bytes its SHA-256 names


def test_a_placeholder_is_not_a_licence_to_wipe_a_carried_file(world, prov, tmp_path):
    """The file a package did not carry has no bytes here, and the trail says so: verify is clean. A file
    that was carried, its bytes wiped with the sqlite3 shell to look like such a placeholder, is named."""
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    assert audit.verify(prov).ok
    carried = next(e["sha256"] for r in progress.progress_rows(prov, CITY, YEAR) for e in r["evidence"]
                   if e["carried"])
    prov.execute("update evidence_files set content = zeroblob(0) where sha256 = ?", [carried])
    res = audit.verify(prov)
    assert not res.ok and any(d["kind"] == "evidence_file" and carried in str(d) for d in res.differences)


def _refused(world, prov, tmp_path, raw, code_or_words):
    before = counts(prov)
    p = write(tmp_path, raw, "attack.ipdx")
    v = verify_file(prov, p)
    if not v.ok:
        assert code_or_words in (v.code + v.reason), v.reason
    else:
        plan = plan_receive(prov, p)
        assert plan.state == "refused" and code_or_words in (plan.refusal.code + plan.refusal.message("zh")), \
            plan.refusal.message("zh")
        with pytest.raises(Exception):
            apply_receive(prov, p, who="省局张三")
    assert counts(prov) == before


def test_progress_of_a_region_outside_the_keys_scope_is_refused(world, prov, tmp_path):
    def outside(rows):
        rows["progress"][0]["region"] = "320200"           # 无锡: the key is confirmed for 南京 only
    _refused(world, prov, tmp_path, rebind(world, outside), "无锡市（320200）")


def test_progress_of_a_region_the_key_may_send_but_outside_the_package_is_refused(world, prov, tmp_path):
    """The key is confirmed for 南京 and 无锡; Nanjing's package (region 320100) carries a progress row of
    无锡: a package carries its own region and the regions below it only, whatever else its key may send."""
    trust_add(prov, world["key"].public, CITY, "南京", expect=world["key"].text, regions=[CITY, "320200"])

    def outside(rows):
        rows["progress"][0]["region"] = "320200"
    _refused(world, prov, tmp_path, rebind(world, outside), "无锡市（320200）")


def test_a_report_section_of_the_province_itself_is_refused(world, prov, tmp_path):
    def mine(rows):
        rows["sections"][0]["region"] = PROVINCE
    _refused(world, prov, tmp_path, rebind(world, mine), "ledger_outside")


def test_evidence_bytes_that_do_not_match_their_sha256_are_refused(world, prov, tmp_path):
    blob = bytearray(dict(members(world["raw"]))["evidence.bin"])
    blob[100] ^= 0xFF
    raw = resign(world["raw"], world["key"], add=[("evidence.bin", bytes(blob))])
    _refused(world, prov, tmp_path, raw, "pkg_evidence")


@pytest.mark.parametrize("name", ["..\\..\\Windows\\evil.pdf", "CON.pdf", "纪要\x00.pdf", "a/b.pdf"])
def test_a_hostile_evidence_name_is_refused(world, prov, tmp_path, name):
    def hostile(rows):
        rows["evidence"][0]["name"] = name
    _refused(world, prov, tmp_path, rebind(world, hostile), "evidence_name")


def test_an_executable_carried_as_a_pdf_is_refused(world, prov, tmp_path):
    """The bytes are what their SHA-256 says, but the content is a program named .pdf."""
    import hashlib

    exe = b"MZ" + b"\x90" * 5000
    sha = hashlib.sha256(exe).hexdigest()
    ms = dict(members(world["raw"]))
    data = json.loads(ms["data.json"])
    first = data["ledger"]["carried"][0]

    def swap(rows):
        for e in rows["evidence"]:
            if e["sha256"] == first["sha256"]:
                e.update(sha256=sha, bytes=len(exe))
    raw = rebind(world, swap)
    ms = dict(members(raw))
    data = json.loads(ms["data.json"])
    old = ms["evidence.bin"]
    blob = exe + old[first["size"]:]
    shift = len(exe) - first["size"]
    data["ledger"]["carried"][0].update(sha256=sha, size=len(exe))
    for e in data["ledger"]["carried"][1:]:
        e["offset"] += shift

    def d(x):
        x.clear()
        x.update(data)
    raw = resign(raw, world["key"], data=d, add=[("evidence.bin", blob)])
    _refused(world, prov, tmp_path, raw, "evidence_type")


def test_a_progress_row_changed_in_data_json_is_caught_by_the_binding(world, prov, tmp_path):
    """Re-signed by the city's key but the documents not re-made: the ledger fingerprint differs."""
    def ninety(led):
        rows = unpack(led["rows"])
        rows["progress"][0]["percent"] = 90
        led["rows"] = pack(rows)
        return rows

    def change(d):
        ninety(d["ledger"])
    raw = resign(world["raw"], world["key"], data=change)
    v = verify_file(prov, write(tmp_path, raw))
    assert not v.ok and v.code == "pkg_binding" and "data.json" in v.reason

    fp = {}

    def consistent(d):            # data.json's and the manifest's ledger fingerprints made to agree: the PDF's not
        fp["new"] = d["ledger"]["fingerprint"] = ledger_fingerprint(ninety(d["ledger"]))
    raw = resign(world["raw"], world["key"], data=consistent,
                 manifest=lambda m: m.update(ledger_fingerprint=fp["new"]))
    before = counts(prov)
    v = verify_file(prov, write(tmp_path, raw, "b.ipdx"))
    assert not v.ok and v.code == "pkg_binding" and "PDF" in v.reason, v.reason
    assert counts(prov) == before


def test_the_receive_dry_run_lists_the_ledger(world, prov, tmp_path):
    from tests.test_cli import ipdesk

    pkg = write(tmp_path, world["raw"])
    before = counts(prov)
    res = ipdesk("receive", str(pkg), db=tmp_path / "p.sqlite", lang="zh")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert any(ln.startswith("推进情况\t320100\t") and "→ 已完成" in ln for ln in lines)
    assert sum(ln.startswith("佐证材料") and "未随包传送" in ln for ln in lines) == 1 and any(ln.startswith("任务\t320100\t") for ln in lines)
    assert "任务 2，任务分解 2，推进情况 5，佐证材料 5（其中未随包传送 1），报告文字 1 部分" in res.stdout
    assert counts(prov) == before


def test_a_report_the_city_took_back_out_is_taken_out_at_the_province_too(world, prov, tmp_path):
    """The city clears a quarter's report (Delete in its grid) and sends version 2: the province's dry run
    lists it as taken back, the receipt takes it out here (未报, audited, the receiving user the actor), and
    the province's trail still verifies. A report the package still carries is kept."""
    shutil.copy(world["root"] / "city.sqlite", tmp_path / "city.sqlite")
    city = open_store(tmp_path / "city.sqlite")
    apply_receive(prov, write(tmp_path, world["raw"]), who="省局张三")
    gone = ("G2024-4.9.1", CITY, "2024Q3")
    assert prov.execute("select state from task_progress where task=? and region=? and period=?", gone).fetchone()
    progress.clear_progress(city, CITY, "G2024-4.9.1", "2024Q3", who="王敏")
    from app.models import review                  # the task is due and no longer done: explained before export

    review.explain(city, CITY, YEAR, "task_overdue", "task:G2024-4.9.1", "三季度报告有误已撤回，重新核实后补报")
    v2 = export_package(city, CITY, YEAR, tmp_path / "out", key_dir=world["root"] / "city-keys")
    city.conn.close()
    plan = plan_receive(prov, v2.path)
    assert plan.refusal is None, plan.reason
    assert [(c["task"], c["region"], c["period"], c["old_state"]) for c in plan.ledger.cleared] == [(*gone, "done")]
    assert plan.counts()["ledger_progress_cleared"] == 1
    apply_receive(prov, v2.path, who="省局张三")
    assert prov.execute("select 1 from task_progress where task=? and region=? and period=?", gone).fetchone() is None
    kept = {(r["task"], r["period"]) for r in progress.progress_rows(prov, CITY, YEAR)}
    assert (world["own"].id, "2024Q3") in kept and ("G2024-4.9.1", "2024Q3") not in kept
    last = prov.execute("select who, action, new from audit where action = 'progress' order by id desc limit 1").fetchone()
    assert last == ("省局张三", "progress", None)
    res = audit.verify(prov)
    assert res.ok, audit.describe(prov, res)


def test_the_window_shows_what_the_ledger_would_change_before_receiving(qtbot, world, prov, tmp_path):
    """The province double-clicks the city's package: beside the values, the dry run says what the task ledger
    brings — tasks, assignments, progress (and how many the sender took back), evidence (how many not
    carried), report sections — in Chinese."""
    pytest.importorskip("PySide6")
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    make_app()
    i18n.set_language("zh")
    win = MainWindow(prov, region=PROVINCE, year=YEAR)
    qtbot.addWidget(win)
    win.show()
    recv = win.open_file(str(write(tmp_path, world["raw"])))
    text = recv.summary.text()
    assert "任务台账：任务 2 项，任务分解 2 项，推进情况 5 条，佐证材料 5 份（未随包传送 1 份），报告文字 1 部分" in text
    assert "撤回" not in text                               # none taken back: not mentioned
    recv.grab().save(str(tmp_path / "receive-ledger.png"))


def test_the_cli_dry_run_names_a_report_taken_back(world, prov, tmp_path):
    """`ipdesk receive` (dry run) lists the report the sender took back, with its state here, and counts it."""
    import subprocess
    import sys

    # the province holds the city's cancelled half-year (as an earlier package brought it)
    progress.set_progress(prov, CITY, "G2024-4.10.1", "2024H1", "取消", why="并入省局统一开展的指标质量分析")

    def taken_back(rows):
        rows["progress"] = [p for p in rows["progress"] if not (p["task"] == "G2024-4.10.1" and p["period"] == "2024H1")]

    raw = write(tmp_path, rebind(world, taken_back), "taken.ipdx")
    prov.conn.close()
    out = subprocess.run([sys.executable, "-m", "app", "receive", str(raw), "--db", str(tmp_path / "p.sqlite")],
                         capture_output=True, text=True, env={**os.environ, "IPDESK_LANG": "zh"})
    assert "推进情况\t320100\tG2024-4.10.1\t2024H1\t取消 → 未报（发送方已撤回）" in out.stdout, out.stdout + out.stderr
    assert "（发送方撤回 1）" in out.stdout


def test_a_region_only_the_ledger_names_is_refused_while_its_year_is_approved_here(world, prov, tmp_path):
    """The city's own task is assigned to a district that has no values this year (the package carries only
    Nanjing's): the ledger still names it, so an approved year of that district here refuses the package,
    naming the district — and unlocked, the package is taken."""
    raw = write(tmp_path, world["raw"])
    assert "320102" not in manifest(world)["regions"]
    # (the state an approval leaves; set here directly: the approval's own rules are tested elsewhere)
    prov.execute("insert or replace into region_years(region, year, status, updated_by, updated_at)"
                 " values ('320102', ?, 'approved', '省局处长', 'now')", [YEAR])
    prov.conn.commit()
    plan = plan_receive(prov, raw)
    assert plan.state == "refused" and plan.refusal is not None, plan.state
    assert "玄武区" in plan.refusal.message("zh"), plan.refusal.message("zh")
    prov.execute("update region_years set status = 'draft' where region = '320102' and year = ?", [YEAR])
    prov.conn.commit()
    assert plan_receive(prov, raw).refusal is None


def manifest(world) -> dict:
    return json.loads(dict(members(world["raw"]))["manifest.json"])
