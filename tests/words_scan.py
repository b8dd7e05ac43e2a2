"""What a Chinese message must not hold, and a demo store where every message can be made
(shared by tests/test_messages_words.py and tests/test_messages_words_cli.py).

:class:`Vocabulary` ``.leaks(text)`` lists what in a Chinese text is a catalogue code where a
name belongs (``INV_GRANTS``, ``320100``; allowed right after its own name in brackets, and in a
table line that also shows the name), a rule id (``yoy``) or an English token of the workflow or
the audit trail (``draft``, ``set``). :func:`plant_findings` puts a value of each finding kind
into a demo store.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.models.states import STATES

ROOT = Path(__file__).resolve().parents[1]
Y = 2024

# ---------------------------------------------------------------- what must not be in a Chinese message

# the workflow's states, the audit trail's actions, severities, comparators, task states
STATUS_TOKENS = set(STATES) | {
    "set", "import", "imported", "receive", "received", "aggregate", "delete", "explain", "status", "edit",
    "write", "unlock", "reopen", "override", "approve", "submit", "lock", "blocking", "info", "reported",
    "increase", "growth", "pending", "done", "cancelled", "overdue", "todo", "none", "null", "true", "false",
    "link", "hash", "anchor", "row", "column", "task", "clerk", "role", "created", "name", "warning", "error"}
# the checks' rule ids (checks.py, tasks.py) and their words in the documents
RULE_IDS = {"range", "le", "derived", "required", "yoy", "outlier", "sum", "falling", "benford", "quarters",
            "months", "task_overdue"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")
COMMAND = re.compile(r"\b(?:Ctrl|Shift|Alt)\+\w+|\b(?:Delete|Enter|Tab|Esc|Backspace|Home|End|F\d{1,2})\b|"
                     r"\b(?:QT|IPDESK)_[A-Z_]+=?\w*|ipdesk(?: [a-z][a-z-]*)?|--[a-z][a-z-]*|\.[a-z]{2,5}\b|[\w.-]+\.(?:xlsx|xls|csv|pdf|ipdx|ipdq|sqlite)")


class Vocabulary:
    """The codes of one store and the tokens above, and ``leaks(text)``: what in a Chinese text is
    a code where a name belongs, a rule id or an English token."""

    def __init__(self, db):
        from app.models.messages import MESSAGES

        self.regions = dict(db.execute("select code, name_zh from regions"))
        self.indicators = dict(db.execute("select code, name_zh from indicators"))
        self.message_codes = {c for c in MESSAGES if "_" in c}
        self.words = STATUS_TOKENS | RULE_IDS

    def leaks(self, text: str, listing: bool = False) -> list[str]:
        """``listing``: a line of a table, where a code column beside the name column is allowed."""
        found = []
        for m in re.finditer(r"(?<!\d)\d{6}(?!\d)", text):
            code = m.group()
            if code in self.regions and not self._named_before(text, m.start(), self.regions[code]) \
                    and not (listing and self.regions[code] in text):
                found.append(code)
        text_wo_commands = COMMAND.sub(" ", text)
        for m in re.finditer(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])", text_wo_commands):
            code = m.group()
            if code in self.indicators and (self._named_before(text_wo_commands, m.start(), self.indicators[code])
                                            or listing and self.indicators[code] in text):
                continue
            found.append(code)
        for m in ASCII_WORD.finditer(text_wo_commands):
            word = m.group()
            if word.lower() in self.words or word in self.message_codes:
                found.append(word)
        return found

    @staticmethod
    def _named_before(text: str, at: int, name: str) -> bool:
        """``南京市（320100）`` / ``发明专利授权量 (INV_GRANTS)``: the code follows its own name in brackets."""
        before = text[:at].rstrip()
        return before.endswith(("（", "(")) and before[:-1].rstrip().endswith(name)


def said(db, exc, lang: str = "zh") -> str:
    """What the window and the command line show for ``exc``, without the text the user typed
    (quoted, it is shown as typed: a mistyped code stays a code)."""
    from app.services import place_names

    text = place_names.message(db, exc, lang)
    if exc.text:
        text = text.replace(f"“{exc.text}”", "“…”").replace(repr(str(exc.text)), "'…'")
    return text


def english_leaks(text: str) -> list[str]:
    """Chinese in an English text where it is not quoting what was typed or a Chinese name (light)."""
    return [m.group() for m in re.finditer(r"[\u4e00-\u9fff]+", text)]


@pytest.fixture(scope="module")
def store(demo_file, tmp_path_factory):
    """A demo store with a value planted for each finding kind, a task overdue, a subordinate
    region in draft and a city approved."""
    from app.models.db import open_store

    folder = tmp_path_factory.mktemp("words")
    shutil.copy(demo_file, folder / "store.sqlite")
    db = open_store(folder / "store.sqlite")
    plant_findings(db)
    yield db, folder
    db.conn.close()


def plant_findings(db) -> None:
    from app.models.catalogue import add_region
    from app.models.values import Change, write_values

    def put(region, indicator, period, value):
        write_values(db, [Change(region, indicator, str(period), str(value))], who="tester", why="plant")

    def raw(region, indicator, period, value):      # a value that bypassed the parser (an old store, a hand edit)
        db.execute('insert or replace into "values"(region, indicator, period, year, value, updated_by, updated_at)'
                   " values (?,?,?,?,?, 'x', '2026-01-01')", [region, indicator, period, int(period[:4]), value])

    # 苏州市: blocking kinds
    put("320500", "HV_PATENTS", Y, 999999)                         # le: more than the patents in force
    put("320500", "HV_PATENTS_ABNORMAL", Y, 9999999)               # le: deduction above the high-value count
    put("320500", "HV_PATENTS_PER_10K", Y, 1)                      # derived: disagrees with the formula
    db.execute('delete from "values" where region = ? and indicator = ? and period = ?',
               ["320500", "GI_PRODUCTS", str(Y)])                  # required: missing
    raw("320500", "INV_GRANT_RATE", str(Y), "140")                 # range: a per-cent above 100
    for q, v in (("Q1", 100), ("Q2", 100), ("Q3", 100), ("Q4", 100)):
        put("320500", "INV_APPLICATIONS", f"{Y}{q}", v)            # quarters: do not add up to the year
    for m in range(1, 13):
        put("320500", "TM_REGISTRATIONS", f"{Y}-{m:02d}", 10)      # months: do not add up
    put("320500", "INV_PATENTS_IN_FORCE", f"{Y}Q4", 5)             # quarter_end: a stock's Q4 is not the year end
    put("320500", "HV_PATENTS", f"{Y}-12", 7)                      # month_end
    put("320600", "INV_APPLICATIONS", f"{Y}Q1", 10 ** 7)           # quarters_exceed
    put("320600", "TM_REGISTRATIONS", f"{Y}-01", 10 ** 8)          # months_exceed
    # explain kinds: a province far from the sum of its cities, percent points, score points
    province = db.execute('select value from "values" where region = ? and indicator = ? and period = ?',
                          ["320000", "PATENT_TRANSFERS", str(Y)]).fetchone()[0]
    put("320000", "PATENT_TRANSFERS", Y, int(float(province) * 3))
    put("320500", "CIVIL_ACCEPT_RATE", Y, 5)
    put("320500", "PROTECTION_SATISFACTION", Y, 20)
    # a region with nothing reported (nothing_reported), and a county below a city (sum, benford run anyway)
    add_region(db, "329901", "测试县", parent="320500", level="county")
    add_region(db, "329902", "测试二县", parent="320500", level="county")
    put("329902", "PATENT_TRANSFERS", Y - 1, 12)           # 苏州市 collects its counties: 测试县 owes its data


# ---------------------------------------------------------------- every finding kind

FINDING_CODES = {"le_hv_stock", "le_deduction", "derived_mismatch", "required_missing", "nothing_reported", "yoy_band",
                 "yoy_points", "yoy_score", "outlier_mz", "sum_mismatch", "falling", "quarters_sum", "quarters_exceed",
                 "quarter_end", "months_sum", "months_exceed", "month_end", "task_overdue"}


def every_finding(db):
    from datetime import date

    from app.models.findings import findings, findings_all
    from app.models.tasks import add_task, task_findings

    items = list(findings_all(db)) + [f for f in findings(db, "329901", Y) if f.code == "nothing_reported"]
    add_task(db, "320100", Y, "开展专利导航服务", due=f"{Y}-03-31")
    items += task_findings(db, "320100", Y, today=date(Y, 6, 1))
    return items
