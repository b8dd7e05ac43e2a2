"""The audit replay of the task ledger and the results report: what :func:`audit.verify` compares
besides values, states and explanations.

The trail's rows of these tables (a few per task, not a million) are collected by the verify's one
pass over the trail and replayed here, then compared with the tables::

    tasks             task_import / task_add rows: a task's text and due date (the columns the row records)
    task_assignments  task_assign rows: who a task went to, and by when
    task_progress     progress rows: state, percent, milestone, text, person and reason of each report
    evidence          evidence rows: name, kind, size and SHA-256 of each attached file (and the stored
                      file's content must still have that SHA-256)
    report_sections   report_text rows: the office's text of each results-report section


The registers receiving rests on — trusted keys, packages received and sent — are replayed the same
way by :mod:`app.models.audit_registers`.

A row changed, added or removed behind the app, and a row of the trail whose "before" is not what the
trail had there (a change outside ipdesk in between), is one difference. Guideline tasks shipped in
``resources/tasks/`` are loaded into a new store without audit rows, like the catalogue: the trail
starts from each shipped pack the store holds (read here as shipped: the packs hold ISO dates and
stripped texts, and the untouched-store tests pin that they replay to what load_bundled stored).
So a changed shipped pack must reach existing stores through the audited import, and a whole pack
deleted behind the app is not told from a pack never loaded.
"""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from .audit_registers import REGISTER_ACTIONS, _json, replay_registers
from .audit_registers import compare as registers_compare
from .messages import register, render

BUNDLED = Path(__file__).resolve().parent.parent.parent / "resources" / "tasks"
TASK_ACTIONS = frozenset({"task_import", "task_add"})
LEDGER_ACTIONS = TASK_ACTIONS | REGISTER_ACTIONS | {"task_assign", "progress", "evidence", "report_text"}
# difference kinds -> the table's name in messages
KINDS = {"task": ("task", "任务"), "task_assignment": ("task assignment", "任务分解"),
         "progress": ("progress report", "推进情况"), "evidence": ("evidence file", "佐证材料"),
         "evidence_file": ("evidence file content", "佐证材料内容"), "report_text": ("results report text", "成效报告文字"),
         "trusted_key": ("trusted key", "信任的密钥"), "package_received": ("package received", "收到的数据包"),
         "package_sent": ("package sent", "发出的数据包"), "user": ("user", "用户"),
         "region": ("region tree", "地区层级")}

register({
    "audit_ledger": ("{what} {place}: the trail says {expected}, the store holds {found}",
                     "{what}（{place}）：审计记录为 {expected}，数据库中为 {found}"),
    "audit_ledger_history": ("{what} {place}: row {row} changed it from {found}, but the trail had {expected} "
                             "(changed outside ipdesk)",
                             "{what}（{place}）：第 {row} 条记录从 {found} 变更，而审计记录中为 {expected}（曾在 ipdesk 之外被改动）"),
})


def _task_id(indicator) -> str | None:
    return indicator[5:] if isinstance(indicator, str) and indicator.startswith("task:") else None


def _bundled(packs: set) -> dict[str, dict]:
    """The shipped guideline tasks of ``packs`` as load_bundled stores them: id -> {"text", "due"}."""
    out: dict[str, dict] = {}
    for path in sorted(BUNDLED.glob("*.csv")):
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                for r in csv.DictReader(f):
                    tid = (r.get("id") or "").strip()
                    if tid and (r.get("pack") or "").strip() in packs:
                        out[tid] = {"text": (r.get("text_zh") or "").replace("\r\n", "\n").strip(),
                                    "due": (r.get("due") or "").strip()}
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return out


def _tables(db) -> set[str]:
    return {n for n, in db.execute("select name from sqlite_master where type = 'table'")}


def replay_ledger(db, rows: list[tuple], add) -> None:
    """Replay the ledger's trail rows ``(id, action, region, indicator, period, old, new, why)`` and
    name each difference with ``add`` (audit's collector); the registers' rows too
    (:func:`app.models.audit_registers.replay_registers`)."""
    have = _tables(db)
    replay_registers(db, [r for r in rows if r[1] in REGISTER_ACTIONS], add, have)
    if "tasks" not in have:
        return
    # the shipped packs the store holds (a pack shipped by a later version is not in an older store)
    tasks = _bundled({p for p, in db.execute("select distinct pack from tasks where pack is not null")})
    assigned: dict[tuple, str] = {}
    progress: dict[tuple, dict] = {}
    evidence: dict[tuple, dict] = {}
    not_carried: set = set()             # SHA-256s the trail lists as not carried by their package
    sections: dict[tuple, str] = {}

    def history(kind, row, region, indicator, period, expected, found, **more):
        add(kind + "_history", region, indicator, period, expected, found, row, ledger=kind, **more)

    for rid, action, region, indicator, period, old, new, why in rows:
        if action in TASK_ACTIONS:
            tid = _task_id(indicator)
            if tid is None:
                continue
            was = tasks.get(tid)
            if new is None:                       # a task_import that removed the task (old: its id)
                if was is None:
                    history("task", rid, region, indicator, period, None, old)
                tasks.pop(tid, None)
                continue
            d, o = _json(new), _json(old)
            if not isinstance(d, dict):
                continue
            before = {"text": o.get("text"), "due": o.get("due")} if isinstance(o, dict) else o
            if before != was:
                history("task", rid, region, indicator, period, was, before)
            tasks[tid] = {"text": d.get("text"), "due": d.get("due")}
        elif action == "task_assign":
            tid, d, o = _task_id(indicator), _json(new), _json(old)
            if tid is None or not isinstance(d, dict):
                continue
            key = (tid, region, d.get("kind"), d.get("to"))
            before = o.get("due") if isinstance(o, dict) else o
            if assigned.get(key) != before:
                history("task_assignment", rid, region, indicator, period, assigned.get(key), before)
            assigned[key] = d.get("due")
        elif action == "progress":
            tid = _task_id(indicator)
            if tid is None:
                continue
            key = (tid, region, period)
            if progress.get(key) != _json(old):
                history("progress", rid, region, indicator, period, progress.get(key), _json(old))
            progress[key] = _json(new)
        elif action == "evidence":
            tid, d = _task_id(indicator), _json(new)
            if tid is None or not isinstance(d, dict):
                continue
            key = (tid, region, period, d.get("sha256"))
            if d.pop("carried", True) is False:
                not_carried.add(d.get("sha256"))      # listed by a package without its bytes (a placeholder)
            if key in evidence:
                history("evidence", rid, region, indicator, period, evidence[key], None)
            evidence[key] = d
        elif action == "report_text":
            try:
                key = (region, int(period), int(str(indicator).split(":", 1)[1]))
            except (TypeError, ValueError, IndexError):
                continue
            if sections.get(key) != old:
                history("report_text", rid, region, indicator, period, sections.get(key), old)
            if new is None:
                sections.pop(key, None)
            else:
                sections[key] = new

    def compare(kind, want: dict, held, place):
        registers_compare(add, kind, want, held, place)

    compare("task", tasks, ((tid, {"text": text, "due": due}) for tid, text, due in db.execute(
        "select id, text_zh, due from tasks")), lambda k: (None, f"task:{k}", None))
    if "task_assignments" in have:
        compare("task_assignment", assigned, (((t, by, kind, to), due) for t, by, kind, to, due in db.execute(
            "select task, by_region, kind, assignee, due from task_assignments")),
            lambda k: (k[1], f"task:{k[0]}", None))
    if "task_progress" in have:
        cols = ("state", "percent", "milestone", "text", "person", "reason")
        compare("progress", progress, (((t, r, p), {c: v for c, v in zip(cols, rest) if v is not None})
                                       for t, r, p, *rest in db.execute(
            f"select task, region, period, {', '.join(cols)} from task_progress")),
            lambda k: (k[1], f"task:{k[0]}", k[2]))
    if "evidence" in have:
        compare("evidence", evidence, (((t, r, p, sha), {"name": name, "kind": kind, "bytes": size, "sha256": sha})
                                       for t, r, p, sha, name, kind, size in db.execute(
            "select task, region, period, sha256, name, kind, bytes from evidence")),
            lambda k: (k[1], f"task:{k[0]}", k[2]))
    if "evidence_files" in have:
        for sha, size, content in db.execute("select sha256, bytes, content from evidence_files"):
            data = bytes(content) if content is not None else b""
            if not data and size and sha in not_carried:
                continue                  # a file a package did not carry, as the trail recorded: no bytes yet
            got = hashlib.sha256(data).hexdigest()
            if got != sha or size != len(data):
                add("evidence_file", None, None, None, sha, got, ledger="evidence_file")
    if "report_sections" in have:
        compare("report_text", sections, (((r, y, s), text) for r, y, s, text in db.execute(
            "select region, year, section, text from report_sections")),
            lambda k: (k[0], f"section:{k[2]}", str(k[1])))


def _short(x, lang: str) -> str:
    if x is None:
        return "无" if lang == "zh" else "none"
    text = x if isinstance(x, str) else json.dumps(x, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 60 else text[:57] + "…"


def ledger_line(d: dict, names: dict, lang: str = "zh") -> str:
    """One difference of the ledger in words (audit.describe): where, and of two records only the
    fields that differ."""
    kind = d.get("ledger") or d["kind"]
    what = KINDS.get(kind, (kind, kind))[0 if lang != "zh" else 1]
    ind = d.get("indicator") or ""
    if ind.startswith("task:"):
        ind = ind[5:]
    elif ind.startswith("user:"):
        ind = ind[5:]
    elif ind.startswith(("key:", "package:")):
        head, _, fp = ind.partition(":")
        word = {"key": ("密钥 ", "key "), "package": ("数据包 ", "package ")}[head][lang != "zh"]
        ind = word + "-".join(fp[i:i + 4] for i in range(0, 16, 4)).upper()
    elif ind.startswith("section:"):
        ind = f"第 {ind[8:]} 部分" if lang == "zh" else f"section {ind[8:]}"
    place = " · ".join(str(x) for x in (names.get(d.get("region"), d.get("region")), ind, d.get("period")) if x)
    expected, found = d.get("expected"), d.get("found")
    if isinstance(expected, dict) and isinstance(found, dict):
        keys = [k for k in {**expected, **found} if expected.get(k) != found.get(k)] or list(expected)
        expected, found = ({k: x.get(k) for k in keys} for x in (expected, found))
    code = "audit_ledger_history" if d["kind"].endswith("_history") else "audit_ledger"
    return render(code, lang, what=what, place=place or "—", expected=_short(expected, lang),
                  found=_short(found, lang), row=d.get("row"))
