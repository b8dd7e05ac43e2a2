"""The task ledger (任务清单): a guideline's tasks as data, a region's own tasks decomposed from them,
their assignments to divisions and to the regions below, and the overdue finding.

    load_bundled(db)                                    # resources/tasks/*.csv into a new store
    import_tasks(db, "guideline-2023.csv")              # a new year's list, no code change
    t = add_task(db, "320000", 2022, "组织开展全省专利申请质量分析", parent="G2022-4.9.3", due="2022-10-31")
    assign(db, t.id, "320100", "2022-09-30")            # to a city below (by the task's owner)
    assign(db, t.id, "战略规划处", "2022-09-30")          # to one of the office's divisions
    rows = tasks_for(db, "320100", 2022)                # what applies to a region, with state and due date

Which tasks apply to a region: a guideline task of scope ``local`` (its responsible party is
各地方知识产权局) applies to every region below the nation, ``national`` (a CNIPA department's)
to the nation only, ``all`` to both; an own task applies to the region that added it and to
the regions it was assigned to. A task is due on the date of its assignment to the region (the
earliest, if assigned twice), else on its own date. Every change writes its audit row in the
same transaction (actions ``task_import``, ``task_add``, ``task_assign``). Overdue tasks are findings
(:mod:`app.models.overdue`, through :func:`app.models.findings.findings`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import InputError, NotFoundError
from .messages import register, render
from .store_basics import now_iso, transaction
from .task_basics import (_COLS, DONE_STATES, PERIOD_END, RULE_OVERDUE, STATE_EN, STATE_ZH, Task,  # noqa: F401
                          get_task, is_overdue, period_key, task_indicator, task_label, task_name)

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources" / "tasks"
PACK_SCOPES = ("local", "national", "all")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")       # (line breaks are allowed in texts)
DEFAULT_DUE = "12-15"
MAX_TEXT = 2000
MAX_DEPARTMENT = 60
REQUIRED = ("id", "pack", "year", "article", "clause", "scope", "text_zh", "due")
OPTIONAL = ("text_en", "responsible_zh", "responsible_en", "document_zh", "doc_no", "parent")

register({
    "task_csv_bad": ("column {column}: {text!r} is not valid ({why_en})", "列 {column}：“{text}”无效（{why_zh}）"),
    "task_not_here": ("task {text} does not apply to {region_name}", "任务 {text} 不适用于{region_name}"),
    "task_id_taken": ("task id {text!r} already belongs to {other}", "任务编号“{text}”已被{other}使用"),
    "task_bad_date": ("{text!r} is not a date (write 2024-06-30)", "“{text}”不是有效日期（应写作 2024-06-30）"),
    "task_due_after": ("due {text} is later than the task it comes from ({limit})",
                       "期限 {text} 晚于上级任务的期限（{limit}）"),
    "task_text_empty": ("the task's text is empty", "任务内容为空"),
    "task_text_bad": ("the text contains control characters or is longer than {n} characters",
                      "文字含有控制字符或超过 {n} 个字"),
    "task_assign_by": ("say which region assigns the task (--region)", "请用 --region 指明由哪个地区分解下达该任务"),
    "task_assign_below": ("{to_name} is not below {by_name}: tasks go only to the regions below",
                          "{to_name}不是{by_name}的下级地区：任务只能下达给下级地区"),
    "task_department_bad": ("{text!r} is not a department name (1–60 characters, no control characters)",
                            "“{text}”不是有效的部门名称（1–60 个字，不含控制字符）"),
    "task_own_year": ("year {text} of the own task differs from the year of the task it comes from ({limit})",
                      "本级任务年度 {text} 与上级任务年度（{limit}）不一致"),
})




@dataclass
class TaskRow:
    """One task as it applies to one region: what the list, the 任务 page and the report show."""

    task: Task
    region: str
    due: str                          # the date it is due for this region
    assigned_by: str | None           # the region that assigned it here (None: guideline / own)
    assignees: list[dict] = field(default_factory=list)   # this region's assignments: kind, assignee, name, due
    state: str | None = None          # latest progress state (code), None = never reported
    period: str | None = None         # the period of that state
    percent: int | None = None
    milestone: str | None = None
    text: str | None = None
    overdue: bool = False

    @property
    def state_zh(self) -> str:
        return STATE_ZH.get(self.state or "not_started", "")

    def to_dict(self) -> dict:
        t = self.task
        return {"id": t.id, "article": t.article, "clause": t.clause, "text": t.text_zh, "text_en": t.text_en,
                "responsible": t.responsible_zh, "responsible_en": t.responsible_en, "parent": t.parent,
                "owner": t.owner, "pack": t.pack, "region": self.region, "due": self.due,
                "assigned_by": self.assigned_by, "assignees": self.assignees, "state": self.state or "not_started",
                "state_zh": self.state_zh, "period": self.period, "percent": self.percent,
                "milestone": self.milestone, "overdue": self.overdue}


# ---------------------------------------------------------------- small checks

def parse_due(text, *, year: int | None = None) -> str:
    """An ISO date from ``2024-06-30`` / ``2024/6/30`` / ``2024年6月30日``; empty -> 15 December of ``year``."""
    raw = "" if text is None else str(text).strip()
    if not raw and year is not None:
        return f"{int(year)}-{DEFAULT_DUE}"
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    try:
        if not m:
            raise ValueError
        d = date(int(m[1]), int(m[2]), int(m[3]))
        if not 1990 <= d.year <= 2100:
            raise ValueError
    except ValueError:
        raise InputError("task_bad_date", text=raw) from None
    return d.isoformat()


def clean(text, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    """User text as stored: stripped, no control characters (line breaks allowed), at most ``limit``."""
    text = ("" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise InputError("task_text_empty")
    if CONTROL.search(text) or len(text) > limit:
        raise InputError("task_text_bad", text=text[:40], params={"n": limit})
    return text


def _region_name(db, code: str) -> str:
    row = db.execute("select name_zh from regions where code = ?", [code]).fetchone()
    return row[0] if row else code


def _check_region(db, code: str):
    row = db.execute("select code, parent, level, name_zh from regions where code = ?", [code]).fetchone()
    if not row:
        raise NotFoundError("unknown_region", text=code)
    return row


def refuse_locked(db, region: str, year: int) -> None:
    """An approved / locked region-year refuses task changes as it refuses values."""
    from .states import LOCKED_STATES, region_year_status
    from .values import locked_error

    status = region_year_status(db, region, int(year))
    if status in LOCKED_STATES:
        raise locked_error(db, region, int(year), status)


def _audit(db, rows):
    from . import audit

    audit.append(db, rows)


def _who(who):
    from .audit import current_user

    return who or current_user()


# ---------------------------------------------------------------- reading

def all_tasks(db, year: int | None = None) -> list[Task]:
    sql = f"select {_COLS} from tasks" + (" where year = ?" if year is not None else "") + " order by rowid"
    return [Task(*r) for r in db.execute(sql, [] if year is None else [int(year)])]


def _applies_sql() -> str:
    # guideline tasks by scope and level; own tasks of the region; tasks assigned to the region
    return (f"select {_COLS} from tasks t where t.year = :year and ("
            " (t.owner is null and (t.scope = 'all' or (t.scope = 'local' and :level != 'nation')"
            "   or (t.scope = 'national' and :level = 'nation')))"
            " or t.owner = :region"
            " or exists (select 1 from task_assignments a where a.task = t.id and a.kind = 'region'"
            "            and a.assignee = :region)) order by t.rowid")


def applies(db, task: Task, region: str) -> bool:
    level = _check_region(db, region)[2]
    return any(r[0] == task.id for r in db.execute(_applies_sql(), {"year": task.year, "level": level,
                                                                     "region": region}))


def due_for(db, task: Task, region: str) -> str:
    """The date ``task`` is due for ``region``: its assignment to the region, else its own date."""
    row = db.execute("select min(due) from task_assignments where task = ? and kind = 'region' and assignee = ?",
                     [task.id, region]).fetchone()
    return row[0] or task.due


def latest_progress(db, region: str, year: int) -> dict[str, tuple]:
    """``{task: (period, state, percent, milestone, text)}``: each task's latest report in the year."""
    out: dict[str, tuple] = {}
    for task, period, state, percent, milestone, text in db.execute(
            "select task, period, state, percent, milestone, text from task_progress where region = ? and year = ?",
            [region, int(year)]):
        if task not in out or period_key(period) > period_key(out[task][0]):
            out[task] = (period, state, percent, milestone, text)
    return out


def tasks_for(db, region: str, year: int, *, today: date | None = None) -> list[TaskRow]:
    """The tasks that apply to ``region`` in ``year``, each with its due date, who assigned it,
    this region's own assignments, its latest state and whether it is overdue (``today``)."""
    level = _check_region(db, region)[2]
    year = int(year)
    today = (today or date.today()).isoformat()
    tasks = [Task(*r) for r in db.execute(_applies_sql(), {"year": year, "level": level, "region": region})]
    if not tasks:
        return []
    to_here: dict[str, tuple[str, str]] = {}
    for task, by, due in db.execute("select task, by_region, due from task_assignments where kind = 'region'"
                                    " and assignee = ? order by due", [region]):
        to_here.setdefault(task, (by, due))
    mine: dict[str, list[dict]] = {}
    names = {}
    for task, kind, assignee, due in db.execute(
            "select task, kind, assignee, due from task_assignments where by_region = ? order by kind, assignee",
            [region]):
        if kind == "region" and assignee not in names:
            names[assignee] = _region_name(db, assignee)
        mine.setdefault(task, []).append({"kind": kind, "assignee": assignee,
                                          "name": names.get(assignee, assignee), "due": due})
    latest = latest_progress(db, region, year)
    rows = []
    for t in tasks:
        by, due = to_here.get(t.id, (None, t.due))
        if t.owner == region:
            by = None
        p = latest.get(t.id)
        state = p[1] if p else None
        rows.append(TaskRow(t, region, due, by, mine.get(t.id, []), state, p[0] if p else None,
                            p[2] if p else None, p[3] if p else None, p[4] if p else None,
                            overdue=is_overdue(due, state, today)))
    return rows


# ---------------------------------------------------------------- the overdue finding

def task_findings(db, region: str, year: int, today: date | None = None) -> list:
    """The overdue-task findings of one region-year (:func:`app.models.overdue.overdue_findings`, the loader
    :func:`app.models.findings.findings` adds to the rest — screens and documents ask there): due before
    ``today`` (default: today) and neither 已完成 nor 取消; due on ``today`` is not overdue."""
    from .overdue import overdue_findings

    _check_region(db, region)
    return overdue_findings(db, [region], [year], today).get((region, int(year)), [])


def explain_overdue(db, region: str, year: int, task_id: str, text: str, *, who: str | None = None) -> None:
    """Store the explanation of an overdue task — the low-level writer :func:`app.models.review.explain`
    routes a ``task_overdue`` finding to once it exists and the region-year is open (the same table and
    audit action as any finding's explanation: :func:`app.models.checks.store_explanation`)."""
    from .checks import store_explanation

    year = int(year)
    get_task(db, task_id)
    _check_region(db, region)
    text = clean(text)
    refuse_locked(db, region, year)
    with transaction(db):
        store_explanation(db, RULE_OVERDUE, region, task_indicator(task_id), str(year), text, who=_who(who))


# ---------------------------------------------------------------- packs

def _bad(path, row, column, text, why_zh, why_en):
    return InputError("task_csv_bad", file=str(path), cell=f"第 {row} 行" if row else None, text=text,
                      params={"column": column, "why_zh": why_zh, "why_en": why_en})


def read_pack(db, path) -> list[dict]:
    """Read and check a task list CSV (columns in resources/tasks/SOURCE.md); every problem is an
    InputError naming file, row and column. Returns the rows as stored."""
    from .reference import _read_csv

    path = Path(path)
    rows = _read_csv(path, set(REQUIRED))
    seen: dict[str, int] = {}
    out = []
    for i, r in enumerate(rows, start=2):
        get = lambda k: (r.get(k) or "").strip()  # noqa: E731
        tid = get("id")
        if not ID_RE.fullmatch(tid):
            raise _bad(path, i, "id", tid, "字母、数字、点、横线，至多 40 个", "letters, digits, '.', '-', at most 40")
        if tid in seen:
            raise _bad(path, i, "id", tid, f"与第 {seen[tid]} 行重复", f"repeats row {seen[tid]}")
        seen[tid] = i
        if not get("pack") or CONTROL.search(get("pack")) or len(get("pack")) > 40:
            raise _bad(path, i, "pack", get("pack"), "不能为空，至多 40 个字", "required, at most 40 characters")
        try:
            year = int(get("year"))
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise _bad(path, i, "year", get("year"), "1990–2100 的年份", "a year 1990–2100") from None
        if get("scope") not in PACK_SCOPES:
            raise _bad(path, i, "scope", get("scope"), "/".join(PACK_SCOPES), "/".join(PACK_SCOPES))
        rec = {"id": tid, "pack": get("pack"), "year": year, "scope": get("scope")}
        for col, limit, required in (("article", 20, False), ("clause", 20, False), ("text_zh", MAX_TEXT, True),
                                     ("text_en", MAX_TEXT, False), ("responsible_zh", 200, False),
                                     ("responsible_en", 200, False), ("document_zh", 200, False),
                                     ("doc_no", 60, False)):
            try:
                rec[col] = clean(r.get(col), limit=limit, required=required)
            except InputError:
                raise _bad(path, i, col, (r.get(col) or "")[:40], f"不能为空，不含控制字符，至多 {limit} 个字" if required
                           else f"不含控制字符，至多 {limit} 个字", f"{'required, ' if required else ''}no control "
                           f"characters, at most {limit}") from None
        try:
            rec["due"] = parse_due(get("due"), year=year)
        except InputError:
            raise _bad(path, i, "due", get("due"), "日期，如 2022-12-15", "a date such as 2022-12-15") from None
        rec["parent"] = get("parent") or None
        out.append((i, rec))
    ids = {rec["id"] for _i, rec in out}
    for i, rec in out:
        p = rec["parent"]
        if p and (p == rec["id"] or (p not in ids and not db.execute("select 1 from tasks where id = ?", [p]).fetchone())):
            raise _bad(path, i, "parent", p, "未知的上级任务", "unknown parent task")
        other = db.execute("select pack, owner from tasks where id = ?", [rec["id"]]).fetchone()
        if other and other[0] != rec["pack"]:
            raise InputError("task_id_taken", file=str(path), cell=f"第 {i} 行", text=rec["id"],
                             params={"other": other[0] or _region_name(db, other[1] or "")})
    return [rec for _i, rec in out]


def import_tasks(db, path, *, who: str | None = None, source: str | None = None, audited: bool = True) -> int:
    """Insert or update the tasks of a task list CSV, all or nothing. A pack's tasks no longer in the
    file are removed unless progress, assignments or own tasks hang on them. Returns the rows read."""
    path = Path(path)
    recs = read_pack(db, path)
    who = _who(who)
    at = now_iso()
    order = {r["id"]: n for n, r in enumerate(recs)}
    # parents before children (a parent later in the file is inserted first)
    depth = {}

    def d(rid, seen=()):
        if rid in depth:
            return depth[rid]
        p = recs[order[rid]]["parent"]
        depth[rid] = 0 if p not in order or p in seen else d(p, seen + (rid,)) + 1
        return depth[rid]

    recs = sorted(recs, key=lambda r: (d(r["id"]), order[r["id"]]))
    cols = ("id", "pack", "year", "article", "clause", "scope", "text_zh", "text_en", "responsible_zh",
            "responsible_en", "due", "parent", "document_zh", "doc_no")
    with transaction(db):
        audit_rows = []
        for rec in recs:
            old = db.execute("select text_zh, due from tasks where id = ?", [rec["id"]]).fetchone()
            db.execute(f"insert into tasks({', '.join(cols)}, owner, source, created_by, created_at) values"
                       f" ({', '.join('?' * len(cols))}, null, ?, ?, ?) on conflict(id) do update set "
                       + ", ".join(f"{c}=excluded.{c}" for c in cols[1:]) + ", source=excluded.source",
                       [rec[c] for c in cols] + [source or path.name, who, at])
            new = json.dumps({"pack": rec["pack"], "clause": rec["clause"], "due": rec["due"], "text": rec["text_zh"]},
                             ensure_ascii=False, separators=(",", ":"))
            if old is None or old != (rec["text_zh"], rec["due"]):
                audit_rows.append((who, "task_import", None, task_indicator(rec["id"]), str(rec["year"]),
                                   None if old is None else json.dumps({"text": old[0], "due": old[1]},
                                                                       ensure_ascii=False, separators=(",", ":")),
                                   new, source or path.name))
        keep = {r["id"] for r in recs}
        for pack in {r["pack"] for r in recs}:
            for (tid,) in db.execute("select id from tasks where pack = ?", [pack]).fetchall():
                if tid in keep:
                    continue
                used = db.execute("select (select count(*) from task_progress where task = :t)"
                                  " + (select count(*) from task_assignments where task = :t)"
                                  " + (select count(*) from tasks where parent = :t)", {"t": tid}).fetchone()[0]
                if not used:
                    db.execute("delete from tasks where id = ?", [tid])
                    audit_rows.append((who, "task_import", None, task_indicator(tid), None, tid, None,
                                       source or path.name))
        if audit_rows and audited:
            _audit(db, audit_rows)
    return len(recs)


def bundled_packs() -> list[Path]:
    return sorted(RESOURCES.glob("*.csv"))


def load_bundled(db) -> int:
    """The task packs shipped in ``resources/tasks/`` (a new store, or an upgraded one): reference data,
    loaded like the indicator catalogue and the target packs, without audit rows."""
    if not db.execute("select 1 from sqlite_master where type = 'table' and name = 'tasks'").fetchone():
        return 0             # a store made at an older schema (tests make them): its upgrade loads them
    return sum(import_tasks(db, p, who="ipdesk", source="bundled", audited=False) for p in bundled_packs())


# ---------------------------------------------------------------- a region's own tasks and assignments

def add_task(db, region: str, year: int | None, text: str, *, parent: str | None = None, due: str | None = None,
             responsible: str | None = None, text_en: str = "", who: str | None = None) -> Task:
    """A region's own task (一省一策), usually decomposed from a task that applies to it (``parent``):
    due no later than the parent is due for the region; id ``<region>-<year>-<n>``."""
    _check_region(db, region)
    text = clean(text)
    text_en = clean(text_en, required=False)
    responsible = clean(responsible, limit=200, required=False) or f"{_region_name(db, region)}知识产权局"
    limit = None
    if parent:
        p = get_task(db, parent)
        if not applies(db, p, region):
            raise InputError("task_not_here", text=parent, params={"region_name": _region_name(db, region)})
        if year is not None and int(year) != p.year:
            raise InputError("task_own_year", text=str(year), params={"limit": p.year})
        year = p.year
        limit = due_for(db, p, region)
    if year is None:
        raise InputError("task_bad_date", text="")
    year = int(year)
    due = parse_due(due, year=year) if due else (limit or f"{year}-{DEFAULT_DUE}")
    if limit and due > limit:
        raise InputError("task_due_after", text=due, params={"limit": limit})
    refuse_locked(db, region, year)
    who = _who(who)
    with transaction(db):
        prefix = f"{region}-{year}-"
        n = 1 + max([int(r[0][len(prefix):]) for r in db.execute(
            "select id from tasks where id like ? || '%'", [prefix]) if r[0][len(prefix):].isdigit()] or [0])
        tid = f"{prefix}{n:03d}"
        row = write_own_task(db, {"id": tid, "year": year, "text_zh": text, "text_en": text_en,
                                  "responsible_zh": responsible, "due": due, "parent": parent, "owner": region},
                             who=who)
        _audit(db, [row])
    return get_task(db, tid)


OWN_FIELDS = ("id", "year", "text_zh", "text_en", "responsible_zh", "due", "parent", "owner")


def write_own_task(db, rec: dict, *, who: str, at: str | None = None) -> tuple | None:
    """The one writer of a region's own task (added here, or received from the office that added it),
    inside the caller's transaction, everything checked before: returns its ``task_add`` audit row, or
    None when the stored task is the same."""
    old = db.execute("select text_zh, due, parent from tasks where id = ?", [rec["id"]]).fetchone()
    new = (rec["text_zh"], rec["due"], rec.get("parent"))
    if old == new:
        return None
    db.execute("insert into tasks(id, pack, year, article, clause, scope, text_zh, text_en, responsible_zh,"
               " responsible_en, due, parent, owner, document_zh, doc_no, source, created_by, created_at)"
               " values (?, null, ?, '', '', 'own', ?, ?, ?, '', ?, ?, ?, '', '', 'own', ?, ?)"
               " on conflict(id) do update set text_zh=excluded.text_zh, text_en=excluded.text_en,"
               " responsible_zh=excluded.responsible_zh, due=excluded.due, parent=excluded.parent",
               [rec["id"], int(rec["year"]), rec["text_zh"], rec.get("text_en") or "", rec.get("responsible_zh") or "",
                rec["due"], rec.get("parent"), rec["owner"], who, at or now_iso()])
    enc = lambda t: json.dumps({"text": t[0], "due": t[1], "parent": t[2]}, ensure_ascii=False,  # noqa: E731
                               separators=(",", ":"))
    return (who, "task_add", rec["owner"], task_indicator(rec["id"]), str(int(rec["year"])),
            None if old is None else enc(old), enc(new), None)


def assign(db, task_id: str, to: str, due: str, *, by_region: str | None = None, who: str | None = None) -> dict:
    """Assign a task to a region below ``by_region`` (default: the task's owner) or to one of its
    divisions (any other text: a department's name), due no later than the task is due for ``by_region``."""
    task = get_task(db, task_id)
    by_region = by_region or task.owner
    if not by_region:
        raise InputError("task_assign_by", text=task_id)
    _check_region(db, by_region)
    if not applies(db, task, by_region):
        raise InputError("task_not_here", text=task_id, params={"region_name": _region_name(db, by_region)})
    to = ("" if to is None else str(to)).strip()
    is_region = db.execute("select 1 from regions where code = ?", [to]).fetchone() is not None
    if is_region:
        from .catalogue import descendants

        if to not in descendants(db, by_region):
            raise InputError("task_assign_below", text=to, params={"to_name": _region_name(db, to),
                                                                  "by_name": _region_name(db, by_region)})
        kind = "region"
    else:
        if re.fullmatch(r"\d{6,12}", to):          # a code that is no region: a typo, not a department
            raise NotFoundError("unknown_region", text=to)
        if not to or CONTROL.search(to) or len(to) > MAX_DEPARTMENT:
            raise InputError("task_department_bad", text=to[:60])
        kind = "department"
    due = parse_due(due, year=task.year)
    limit = due_for(db, task, by_region)
    if due > limit:
        raise InputError("task_due_after", text=due, params={"limit": limit})
    refuse_locked(db, by_region, task.year)
    who = _who(who)
    with transaction(db):
        row = write_assignment(db, task_id, task.year, by_region, kind, to, due, who=who)
        if row:
            _audit(db, [row])
    return {"task": task_id, "by_region": by_region, "kind": kind, "assignee": to, "due": due}


def write_assignment(db, task_id: str, year: int, by_region: str, kind: str, to: str, due: str, *, who: str,
                     at: str | None = None) -> tuple | None:
    """The one writer of an assignment (made here, or received from the office that made it), inside the
    caller's transaction, everything checked before: returns its ``task_assign`` audit row (None: the same)."""
    old = db.execute("select due from task_assignments where task=? and by_region=? and kind=? and assignee=?",
                     [task_id, by_region, kind, to]).fetchone()
    if old is not None and old[0] == due:
        return None
    db.execute("insert into task_assignments(task, by_region, kind, assignee, due, created_by, created_at)"
               " values (?,?,?,?,?,?,?) on conflict(task, by_region, kind, assignee) do update set"
               " due=excluded.due, created_by=excluded.created_by, created_at=excluded.created_at",
               [task_id, by_region, kind, to, due, who, at or now_iso()])
    return (who, "task_assign", by_region, task_indicator(task_id), str(int(year)),
            None if old is None else json.dumps({"to": to, "due": old[0]}, ensure_ascii=False),
            json.dumps({"to": to, "kind": kind, "due": due}, ensure_ascii=False), None)


def state_label(state: str | None, lang: str = "zh") -> str:
    return (STATE_ZH if lang == "zh" else STATE_EN).get(state or "not_started", state or "")


def overdue_message(f, lang: str = "zh") -> str:  # pragma: no cover - convenience for callers
    return render(f.code, lang, **f.params)
