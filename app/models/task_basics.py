"""What the task ledger's other modules share, below all of them: a task as stored, its states, the order of
progress periods and the overdue rule (:mod:`app.models.tasks` re-exports every name; :mod:`app.models.overdue`
and :mod:`app.models.checks` use them without importing the ledger's writers)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import NotFoundError
from .messages import register

RULE_OVERDUE = "task_overdue"
DONE_STATES = ("done", "cancelled")

register({
    "task_unknown": ("unknown task {text!r}", "未知任务“{text}”"),
    "task_overdue": ("task {task} ({place}) was due {due} and is {state}: explain or update its progress",
                     "任务“{task}”（{place}）已于 {due} 到期，当前为{state}，请说明原因或更新推进情况"),
})

STATE_ZH = {"not_started": "未开始", "in_progress": "推进中", "done": "已完成", "late": "滞后", "cancelled": "取消"}
STATE_EN = {"not_started": "not started", "in_progress": "in progress", "done": "done", "late": "late",
            "cancelled": "cancelled"}


@dataclass(frozen=True)
class Task:
    id: str
    pack: str | None
    year: int
    article: str
    clause: str
    scope: str
    text_zh: str
    text_en: str
    responsible_zh: str
    responsible_en: str
    due: str
    parent: str | None
    owner: str | None
    document_zh: str
    doc_no: str

    @property
    def place(self) -> str:
        """Where the task comes from: ``4(9)`` of the guideline, or 本级 for an own task."""
        return self.clause or self.article or ""

    def text(self, lang: str = "zh") -> str:
        return self.text_en if lang == "en" and self.text_en else self.text_zh

    def short(self, n: int = 24) -> str:
        """The first words of the Chinese text, for a finding or a list."""
        first = re.split(r"[。；;\n]", self.text_zh, maxsplit=1)[0]
        return first if len(first) <= n else first[:n] + "…"


def task_name(clause: str | None, lang: str = "zh") -> str:
    """How people call a task — 任务 4(9) (its clause of the guideline) or 本级任务 (an office's own) — the one
    naming of a task in findings, refusals, the places of errors and the results report.

    >>> task_name("4(9)"), task_name(""), task_name("4(9)", "en"), task_name(None, "en")
    ('任务 4(9)', '本级任务', 'task 4(9)', 'own task')
    """
    if lang == "en":
        return f"task {clause}" if clause else "own task"
    return f"任务 {clause}" if clause else "本级任务"


def task_label(task: "Task", lang: str = "zh") -> str:
    """The task's name with its first words: 任务 4(9)“加强专利质量监测”, task 4(9) “…”."""
    return task_name(task.clause, lang) + ("" if lang == "zh" else " ") + f"“{task.short()}”"


_COLS = ("id, pack, year, article, clause, scope, text_zh, text_en, responsible_zh, responsible_en, due, parent, "
         "owner, document_zh, doc_no")


def get_task(db, task_id: str) -> Task:
    row = db.execute(f"select {_COLS} from tasks where id = ?", [task_id]).fetchone()
    if not row:
        raise NotFoundError("task_unknown", text=task_id)
    return Task(*row)


PERIOD_END = {"Q1": (3, 0), "Q2": (6, 0), "H1": (6, 1), "Q3": (9, 0), "Q4": (12, 0), "H2": (12, 1), "": (12, 2)}


def period_key(period: str) -> tuple:
    """Order of progress periods: by the date they end, the longer one last (2024Q2 < 2024H1 < … < 2024)."""
    return (int(period[:4]),) + PERIOD_END.get(period[4:], (12, 2))


def task_indicator(task_id: str) -> str:
    """The finding's ``indicator`` for a task (explanations are keyed by it)."""
    return f"task:{task_id}"


def is_overdue(due: str, state: str | None, today: str) -> bool:
    """The one rule: due (ISO date) before ``today`` (ISO date) and neither 已完成 nor 取消 (the
    findings, in :mod:`app.models.overdue`, and the task list's red mark both ask here)."""
    return due < today and state not in DONE_STATES
