"""What the window's 任务 page shows and writes: the task tree of a region-year, the progress grid of a
task over the region and the regions below, a progress cell typed as a clerk types it, and the
evidence of a task in a region. Reads through :mod:`app.models.tasks` / :mod:`app.models.progress`;
every write is :func:`app.models.progress.set_progress` (the one write path, audited).

    nodes = task_tree(db, "320000", 2024)                  # article → clause → task → own tasks below
    lines = progress_grid(db, "320000", 2024, "G2024-4.9.1")   # 江苏省 and its cities × Q1 … 全年
    parse_cell("推进中 60%")                                # -> ("in_progress", 60)
    write_cell(db, "320100", "G2024-4.9.1", "2024Q3", "滞后", why="数据待复核")
    rewrite(db, "320100", "G2024-4.9.1", "2024Q3", text="…", person="王敏")   # the rest of the report kept
    rewrite(db, "320100", "G2024-4.9.1", "2024Q3", evidence=["纪要.pdf"])
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from app.models.errors import InputError
from app.models.messages import register

PERIODS = ("Q1", "Q2", "H1", "Q3", "Q4", "H2", "")      # the grid's columns: 2024Q1 … 2024 (the year)

register({
    "progress_state_first": ("enter the state of {period} first, then attach its evidence",
                             "请先填写{period}的推进状态，再添加佐证材料"),
})


@dataclass
class TaskNode:
    """A row of the task tree: ``kind`` article / clause / own (this region's tasks without a parent) /
    above (tasks assigned from above without a parent here) / task (``row`` is its TaskRow)."""

    kind: str
    key: str
    row: object = None
    children: list = field(default_factory=list)
    parent: "TaskNode | None" = None

    def add(self, node: "TaskNode") -> "TaskNode":
        node.parent = self
        self.children.append(node)
        return node


def task_tree(db, region: str, year: int, *, today: date | None = None) -> list[TaskNode]:
    """The tasks that apply to ``region`` in ``year`` as a tree: guideline tasks under their article and
    clause, a task decomposed from another under it (一省一策), the rest under 本级任务 / 上级下达."""
    from app.models.tasks import tasks_for

    rows = tasks_for(db, region, year, today=today)
    top: list[TaskNode] = []
    groups: dict[tuple, TaskNode] = {}
    nodes = {r.task.id: TaskNode("task", r.task.id, r) for r in rows}

    def group(kind, key, under=None):
        k = (kind, key, id(under))
        if k not in groups:
            groups[k] = node = TaskNode(kind, key)
            if under is None:
                node.parent = None
                top.append(node)
            else:
                under.add(node)
        return groups[k]

    for r in rows:
        t = r.task
        node = nodes[t.id]
        if t.parent and t.parent in nodes:
            nodes[t.parent].add(node)
        elif t.article:
            group("clause", t.clause or t.article, group("article", t.article)).add(node)
        elif t.owner == region:
            group("own", "").add(node)
        else:
            group("above", r.assigned_by or "").add(node)
    order = {"article": 0, "above": 1, "own": 2}
    top.sort(key=lambda n: (order.get(n.kind, 3), _article_key(n.key)))
    return top


def _article_key(key: str):
    return (0, int(key)) if key.isdigit() else (1, key)


def task_ids(nodes) -> list[str]:
    """The tree's task ids in display order."""
    out = []
    for n in nodes:
        if n.kind == "task":
            out.append(n.key)
        out += task_ids(n.children)
    return out


@dataclass
class ProgressLine:
    """One region's row of the progress grid for a task: ``cells`` by period suffix ("Q1" … "" for the year)."""

    region: str
    name: str
    name_en: str
    applies: bool
    status: str                       # the region-year's workflow status
    locked: bool
    cells: dict = field(default_factory=dict)


def progress_grid(db, region: str, year: int, task_id: str) -> list[ProgressLine]:
    """``region`` and its regions below × the progress periods of ``task_id`` in ``year``."""
    from app.models.catalogue import children, region as get_region
    from app.models.progress import progress_rows
    from app.models.states import LOCKED_STATES, region_year_status
    from app.models.tasks import applies, get_task

    year = int(year)
    task = get_task(db, task_id)
    out = []
    for code in [region, *children(db, region, year)]:
        status = region_year_status(db, code, year)
        reg = get_region(db, code)
        line = ProgressLine(code, reg.name_zh, reg.name_en or reg.name_zh, applies(db, task, code), status,
                            status in LOCKED_STATES)
        if line.applies:
            for r in progress_rows(db, code, year, task_id):
                line.cells[r["period"][4:]] = r
        out.append(line)
    return out


def cell_text(cell: dict | None) -> str:
    """A progress cell as the grid shows and edits it: ``推进中 60%``, ``已完成``, ``滞后``."""
    if not cell:
        return ""
    pct = cell.get("percent")
    return cell["state_zh"] + (f" {pct}%" if pct is not None and cell["state"] != "done" else "")


_CELL = re.compile(r"([^\d%.]*?)\s*(\d+(?:\.\d+)?\s*%?)?")


def parse_cell(text, current: str | None = None) -> tuple[str, int | None]:
    """``(state, percent)`` from what a clerk types in a progress cell: a state as the window shows it
    (未开始 / 推进中 / 已完成 / 滞后 / 取消), a percentage, or both (``推进中 60%``). A percentage alone keeps
    the current state where it is 推进中 or 滞后, else means 推进中."""
    from app.models.progress import parse_percent, parse_state

    raw = "" if text is None else str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    m = _CELL.fullmatch(s)
    if not s or not m:
        raise InputError("progress_state", text=raw)
    word, pct = m[1].strip(" ,，:：、"), m[2]
    percent = parse_percent(pct) if pct else None
    if word:
        return parse_state(word), percent
    return (current if current in ("in_progress", "late") else "in_progress"), percent


def _current(db, region: str, task_id: str, period: str) -> dict | None:
    from app.models.progress import parse_progress_period, progress_rows

    period = parse_progress_period(period)
    return next((r for r in progress_rows(db, region, int(period[:4]), task_id) if r["period"] == period), None)


KEPT = ("percent", "milestone", "text", "person", "reason")


def rewrite(db, region: str, task_id: str, period: str, **changes):
    """Change some fields of a period's report and keep the others (``set_progress`` replaces the whole
    report): ``state``, ``percent``, ``milestone``, ``text``, ``person``, ``why``, ``evidence``. A report
    not yet made needs a state."""
    from app.models.progress import parse_progress_period, set_progress

    old = _current(db, region, task_id, period) or {}
    state = changes.pop("state", None) or old.get("state")
    if state is None:
        raise InputError("progress_state_first", text=task_id, params={"period": parse_progress_period(period)})
    keep = {k: old.get(k) for k in KEPT}
    keep["why"] = keep.pop("reason")
    keep.update(changes)
    return set_progress(db, region, task_id, period, state, **keep)


def write_cell(db, region: str, task_id: str, period: str, text, *, why: str | None = None):
    """A progress cell typed in the grid: state and percentage from ``text`` (empty: back to 未开始 with
    no percentage); milestone, text and person kept; ``why`` the reason (滞后 and 取消 need one)."""
    old = _current(db, region, task_id, period)
    if not str(text or "").strip():
        return rewrite(db, region, task_id, period, state="not_started", percent=None, milestone=None, why=None)
    state, percent = parse_cell(text, old["state"] if old else None)
    from app.models.progress import NEED_REASON

    return rewrite(db, region, task_id, period, state=state, percent=percent,
                   why=why if state in NEED_REASON else None)


def evidence_list(db, region: str, year: int, task_id: str) -> list[dict]:
    """The evidence files of a task in a region, period by period: period, name, kind, bytes, sha256."""
    from app.models.progress import progress_rows

    return [dict(e, period=r["period"]) for r in progress_rows(db, region, year, task_id) for e in r["evidence"]]


def size_text(n: int, lang: str = "zh") -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节" if lang == "zh" else f"{n} bytes"
