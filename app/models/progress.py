"""Progress of a task in a region for a period (quarter, half-year, year), with evidence files.

    set_progress(db, "320100", "G2022-4.9.3", "2022Q3", "推进中", percent=60, text="已完成原因分析初稿",
                 person="王敏", evidence=["分析报告.pdf"])
    set_progress(db, "320100", "G2022-4.10.2", "2022H1", "滞后", why="统计口径调整，数据待复核")
    progress_rows(db, "320100", 2022)           # every report of the region-year, with its evidence
    evidence_content(db, sha256)                # the stored bytes (a package carries them)

States are accepted as the window shows them (未开始 / 推进中 / 已完成 / 滞后 / 取消) or as codes
(not_started / in_progress / done / late / cancelled) and stored as codes; 滞后 and 取消 need a
reason. Periods: ``2022Q1``–``2022Q4``, ``2022H1`` / ``2022H2`` (also 2022年上半年 / 下半年), ``2022``.

:func:`set_progress` is the one write path: everything is checked first (region, task applying to
the region, period within the task's year, state, percentage, texts, every attachment by its
content), then one transaction writes the progress row, the evidence (content once per SHA-256)
and the audit rows (``progress``, one ``evidence`` per new file). A refusal writes nothing.
:func:`clear_progress` takes a period's report back out (the grid's Delete), through the same writer.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import InputError
from .evidence import Evidence, read_all
from .messages import register
from .store_basics import now_iso, transaction
from .tasks import (STATE_EN, STATE_ZH, _check_region, _region_name, _who, applies, clean, get_task, period_key,
                    refuse_locked, task_indicator)

STATES = tuple(STATE_ZH)
NEED_REASON = ("late", "cancelled")

register({
    "progress_state": ("{text!r} is not a state (未开始 / 推进中 / 已完成 / 滞后 / 取消)",
                       "“{text}”不是有效状态（应为 未开始 / 推进中 / 已完成 / 滞后 / 取消）"),
    "progress_period": ("{text!r} is not a progress period (2024Q1–Q4, 2024H1, 2024H2 or 2024)",
                        "“{text}”不是有效的进度期间（应写作 2024Q1–2024Q4、2024H1、2024H2 或 2024）"),
    "progress_year": ("period {text} is outside the task's year {year}", "期间 {text} 不在该任务的年度（{year} 年）内"),
    "progress_reason": ("{state_en} needs a reason", "状态为“{state_zh}”时须说明原因"),
    # the command line's words for the same refusal (its flag named): app.cli_tasks
    "progress_reason_cli": ("{state_en} needs a reason: give it with --why", "状态为“{state_zh}”时须说明原因，请用 --why 给出"),
    "progress_percent": ("{text!r} is not a percentage 0–100", "“{text}”不是 0–100 的百分比"),
    "progress_done_percent": ("a task marked done is 100 % complete, not {text} %",
                              "已完成的任务进度应为 100%，而不是 {text}%"),
})


def parse_state(text) -> str:
    """A state code from the window's word, a code, or the English word."""
    raw = "" if text is None else str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    for code in STATES:
        if s in (code, STATE_ZH[code]) or s.lower() in (code, STATE_EN[code]):
            return code
    extra = {"已取消": "cancelled", "进行中": "in_progress", "完成": "done"}
    if s in extra:
        return extra[s]
    raise InputError("progress_state", text=raw)


def parse_progress_period(text) -> str:
    """``2024Q3`` / ``2024H1`` / ``2024`` from what a clerk types."""
    raw = "" if text is None else str(text)
    s = unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "")
    m = re.fullmatch(r"(\d{4})年?(?:(Q[1-4])|(H[12])|(上半年)|(下半年)|第?([1-4一二三四])季度|(全年|年度)?)", s)
    if m and 1990 <= int(m[1]) <= 2100:
        y = m[1]
        if m[2] or m[3]:
            return y + (m[2] or m[3])
        if m[4]:
            return y + "H1"
        if m[5]:
            return y + "H2"
        if m[6]:
            q = m[6]
            return f"{y}Q{'一二三四'.index(q) + 1 if q in '一二三四' else q}"
        return y
    raise InputError("progress_period", text=raw)


def parse_percent(text) -> int | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    s = unicodedata.normalize("NFKC", str(text)).strip().rstrip("%").strip()
    try:
        v = float(s)
    except ValueError:
        raise InputError("progress_percent", text=str(text)) from None
    if not 0 <= v <= 100 or v != int(v):
        raise InputError("progress_percent", text=str(text))
    return int(v)


@dataclass
class ProgressResult:
    task: str
    region: str
    period: str
    state: str
    written: bool                          # False: the same report again, no new file
    evidence: list[dict] = field(default_factory=list)   # the files newly attached

    def to_dict(self) -> dict:
        return {"task": self.task, "region": self.region, "period": self.period, "state": self.state,
                "state_zh": STATE_ZH[self.state], "written": self.written, "evidence": self.evidence}


_FIELDS = ("state", "percent", "milestone", "text", "person", "reason")


def set_progress(db, region: str, task_id: str, period, state, *, percent=None, milestone: str | None = None,
                 text: str | None = None, person: str | None = None, why: str | None = None,
                 evidence=(), who: str | None = None) -> ProgressResult:
    """Record (or replace) the progress of ``task_id`` in ``region`` for ``period``; attach evidence
    (paths, (name, bytes) pairs or :class:`Evidence`). All or nothing."""
    _check_region(db, region)
    task = get_task(db, task_id)
    period = parse_progress_period(period)
    if int(period[:4]) != task.year:
        raise InputError("progress_year", text=period, params={"year": task.year})
    if not applies(db, task, region):
        raise InputError("task_not_here", text=task_id, params={"region_name": _region_name(db, region)})
    code = parse_state(state)
    pct = parse_percent(percent)
    reason = clean(why, limit=1000, required=False) or None
    if code in NEED_REASON and not reason:
        raise InputError("progress_reason", text=task_id, params={"state_zh": STATE_ZH[code], "state_en": STATE_EN[code]})
    if code == "done":
        if pct is not None and pct != 100:
            raise InputError("progress_done_percent", text=str(pct))
        pct = 100
    rec = {"state": code, "percent": pct, "milestone": clean(milestone, limit=200, required=False) or None,
           "text": clean(text, required=False) or None, "person": clean(person, limit=60, required=False) or None,
           "reason": reason}
    files: list[Evidence] = read_all(evidence)          # every file checked before anything is written
    refuse_locked(db, region, task.year)
    who = _who(who)
    with transaction(db):
        written, added = write_progress(db, task_id, region, period, task.year, rec, files, who=who)
    return ProgressResult(task_id, region, period, code, written, added)


def clear_progress(db, region: str, task_id: str, period, *, who: str | None = None) -> ProgressResult:
    """Take the report of ``task_id`` in ``region`` for ``period`` back out (the grid's Delete): the
    row goes, with a ``progress`` audit row whose new side is empty, so the period reads as nothing
    reported (未报). A report carrying evidence files keeps them: it goes back to 未开始 with no
    percentage, milestone, text, person or reason, and the files stay listed. Refused on an approved
    or locked year like :func:`set_progress`; nothing there: nothing written."""
    _check_region(db, region)
    task = get_task(db, task_id)
    period = parse_progress_period(period)
    if int(period[:4]) != task.year:
        raise InputError("progress_year", text=period, params={"year": task.year})
    refuse_locked(db, region, task.year)
    who = _who(who)
    with transaction(db):
        written, _ = write_progress(db, task_id, region, period, task.year, None, (), who=who)
    return ProgressResult(task_id, region, period, "not_started", written)


def write_progress(db, task_id: str, region: str, period: str, year: int, rec: dict | None, files, *, who: str,
                   at: str | None = None) -> tuple[bool, list[dict]]:
    """The one writer of a progress row and its evidence, with their audit rows, inside the caller's
    transaction; everything checked before. ``rec``: state, percent, milestone, text, person, reason.
    ``files``: :class:`Evidence` — one whose content is empty is a file a package listed but did not
    carry (its metadata and SHA-256 are kept; the bytes stay with the sender until a package carries
    them). ``rec`` None: the report taken out (:func:`clear_progress`) — the row deleted, or, when it
    carries evidence, back to 未开始 with nothing else. Returns (anything written, the files newly attached)."""
    at = at or now_iso()
    ind = task_indicator(task_id)
    old = db.execute(f"select {', '.join(_FIELDS)} from task_progress where task=? and region=? and period=?",
                     [task_id, region, period]).fetchone()
    old_rec = None if old is None else dict(zip(_FIELDS, old))
    rows = []
    if rec is None:
        has_files = db.execute("select 1 from evidence where task=? and region=? and period=? limit 1",
                               [task_id, region, period]).fetchone()
        if old_rec is None:
            return False, []
        if not has_files:
            db.execute("delete from task_progress where task=? and region=? and period=?", [task_id, region, period])
            from .audit import append

            append(db, [(who, "progress", region, ind, period, _enc(old_rec), None, None)], at=at)
            return True, []
        rec = {"state": "not_started"}
    rec = {k: rec.get(k) for k in _FIELDS}
    if old_rec != rec:
        db.execute("insert into task_progress(task, region, period, year, state, percent, milestone, text, person,"
                   " reason, updated_by, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?)"
                   " on conflict(task, region, period) do update set state=excluded.state,"
                   " percent=excluded.percent, milestone=excluded.milestone, text=excluded.text,"
                   " person=excluded.person, reason=excluded.reason, updated_by=excluded.updated_by,"
                   " updated_at=excluded.updated_at",
                   [task_id, region, period, int(year), rec["state"], rec["percent"], rec["milestone"], rec["text"],
                    rec["person"], rec["reason"], who, at])
        rows.append((who, "progress", region, ind, period, _enc(old_rec), _enc(rec), rec["reason"]))
    added = []
    for ev in files:
        # the content once per SHA-256; a placeholder (a file not carried) gets its bytes when a package brings them
        db.execute("insert into evidence_files(sha256, bytes, kind, content) values (?,?,?,?) on conflict(sha256)"
                   " do update set content = excluded.content where length(evidence_files.content) = 0"
                   " and length(excluded.content) = evidence_files.bytes",
                   [ev.sha256, ev.bytes, ev.kind, ev.content])
        if db.execute("select 1 from evidence where task=? and region=? and period=? and sha256=?",
                      [task_id, region, period, ev.sha256]).fetchone():
            continue                 # the same file again: nothing new
        db.execute("insert into evidence(task, region, period, sha256, name, kind, bytes, added_by, added_at)"
                   " values (?,?,?,?,?,?,?,?,?)",
                   [task_id, region, period, ev.sha256, ev.name, ev.kind, ev.bytes, who, at])
        listed = ev.to_dict()
        if ev.bytes and not ev.content:          # a package listed the file without its bytes: the trail says so,
            listed["carried"] = False            # so the replay tells this placeholder from content wiped behind the app
        rows.append((who, "evidence", region, ind, period, None, _enc(listed), None))
        added.append(ev.to_dict())
    if rows:
        from .audit import append

        append(db, rows, at=at)
    return bool(rows), added


def _enc(d: dict | None) -> str | None:
    if d is None:
        return None
    return json.dumps({k: v for k, v in d.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


def progress_rows(db, region: str, year: int, task: str | None = None) -> list[dict]:
    """Every progress report of ``region`` in ``year`` (optionally one task), periods in order, each
    with its evidence list (name, kind, bytes, sha256, carried — False: a package listed the file
    without its bytes, 未随包传送)."""
    sql = ("select task, period, state, percent, milestone, text, person, reason, updated_by, updated_at"
           " from task_progress where region = ? and year = ?")
    args: list = [region, int(year)]
    if task:
        sql += " and task = ?"
        args.append(task)
    cols = ("task", "period", "state", "percent", "milestone", "text", "person", "reason", "updated_by", "updated_at")
    rows = [dict(zip(cols, r)) for r in db.execute(sql, args)]
    files: dict[tuple, list] = {}
    for t, p, name, kind, size, sha, carried in db.execute(
            "select e.task, e.period, e.name, e.kind, e.bytes, e.sha256, length(f.content) = f.bytes from evidence e"
            " join evidence_files f on f.sha256 = e.sha256 where e.region = ? and e.period like ? || '%'"
            " order by e.added_at, e.name", [region, str(int(year))]):
        files.setdefault((t, p), []).append({"name": name, "kind": kind, "bytes": size, "sha256": sha,
                                             "carried": bool(carried)})
    for r in rows:
        r["state_zh"] = STATE_ZH[r["state"]]
        r["evidence"] = files.get((r["task"], r["period"]), [])
    rows.sort(key=lambda r: (r["task"], period_key(r["period"])))
    return rows


def evidence_content(db, sha256: str) -> bytes | None:
    """The stored bytes of an evidence file; None when unknown, or listed by a package that did not carry it."""
    row = db.execute("select content, bytes from evidence_files where sha256 = ?", [sha256]).fetchone()
    return None if row is None or len(row[0]) != row[1] else bytes(row[0])


NOT_REPORTED = "未报"           # a task that applies to the region with nothing reported for the year
NOT_APPLICABLE = "—"


@dataclass
class OwedCell:
    state: str | None              # latest state (code), None = nothing reported
    period: str | None = None
    percent: int | None = None
    overdue: bool = False

    @property
    def word(self) -> str:
        """What the table prints: 已完成 / 推进中 60% / 滞后 / 取消 / 未开始 / 未报 (+ “逾期” when overdue)."""
        if self.state is None:
            w = NOT_REPORTED
        else:
            w = STATE_ZH[self.state] + (f" {self.percent}%" if self.state in ("in_progress", "late")
                                        and self.percent is not None else "")
        return w + ("（逾期）" if self.overdue else "")

    def to_dict(self) -> dict:
        return {"state": self.state or "none", "state_zh": STATE_ZH[self.state] if self.state else NOT_REPORTED,
                "period": self.period, "percent": self.percent, "overdue": self.overdue, "word": self.word}


@dataclass
class OwedTasks:
    """Who has not reported which task: the regions below ``region`` × the tasks that go down to them."""

    region: str
    year: int
    regions: list[tuple[str, str]]          # (code, Chinese name) of the subordinate regions, in code order
    tasks: list                             # app.models.tasks.Task
    cells: dict = field(default_factory=dict)   # (region, task id) -> OwedCell; missing: does not apply there

    def cell(self, region: str, task: str) -> OwedCell | None:
        return self.cells.get((region, task))

    def word(self, region: str, task: str) -> str:
        c = self.cells.get((region, task))
        return NOT_APPLICABLE if c is None else c.word

    def labels(self) -> list[str]:
        """A short heading per task for a table: its clause (4(9)), numbered where two share one (5-1, 5-2),
        本级-1 … for own tasks."""
        base = [t.clause or "本级" for t in self.tasks]
        seen: dict[str, int] = {}
        out = []
        for b in base:
            seen[b] = seen.get(b, 0) + 1
            out.append(f"{b}-{seen[b]}" if base.count(b) > 1 else b)
        return out

    def owed(self) -> list[tuple[str, str]]:
        """(region, task) with nothing reported."""
        return [k for k, c in self.cells.items() if c.state is None]

    def to_dict(self) -> dict:
        return {"region": self.region, "year": self.year,
                "regions": [{"code": c, "name": n} for c, n in self.regions],
                "tasks": [{"id": t.id, "clause": t.clause, "label": h, "text": t.short()}
                          for t, h in zip(self.tasks, self.labels())],
                "cells": [{"region": r, "task": t, **c.to_dict()} for (r, t), c in self.cells.items()],
                "not_reported": len(self.owed())}


def owed_tasks(db, region: str, year: int, *, today=None) -> OwedTasks:
    """For ``region`` (a province, a city): each subordinate region this store collects
    (:func:`app.models.review.subordinates`) × each task that goes down to it — a guideline task for every
    local office, or one of this region's own tasks it assigned there — with the latest state reported
    there, or 未报 (:data:`NOT_REPORTED`) when nothing was. The one source of the window's, the CLI's and
    the documents' table (``ipdesk progress --owed``)."""
    from datetime import date

    from .catalogue import region as get_region
    from .review import subordinates
    from .tasks import is_overdue, latest_progress, tasks_for

    year = int(year)
    today_s = (today or date.today()).isoformat()
    kids = subordinates(db, region, year)
    down = [r.task for r in tasks_for(db, region, year)
            if r.task.scope in ("local", "all") or any(a["kind"] == "region" for a in r.assignees)]
    ids = {t.id for t in down}
    cells = {}
    for k in kids:
        latest = latest_progress(db, k, year)
        for r in tasks_for(db, k, year):
            if r.task.id not in ids:
                continue
            p = latest.get(r.task.id)
            state = p[1] if p else None
            cells[(k, r.task.id)] = OwedCell(state, p[0] if p else None, p[2] if p else None,
                                            is_overdue(r.due, state, today_s))
    return OwedTasks(region, year, [(k, get_region(db, k).name_zh) for k in kids], down, cells)


def progress_matrix(db, region: str, year: int) -> dict:
    """``{"regions", "tasks", "cells": {(region, task): (period, state, percent) | None}}`` — the older shape
    of :func:`owed_tasks` (every child region, reported or not)."""
    from .catalogue import children

    t = owed_tasks(db, region, year)
    kids = children(db, region, int(year))
    return {"regions": kids, "tasks": [x.id for x in t.tasks],
            "cells": {k: (None if c.state is None else (c.period, c.state, c.percent)) for k, c in t.cells.items()}}
