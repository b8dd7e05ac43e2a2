"""The results report (推进情况报告) as data: five sections of text, drafted from the store, edited
by the office, never silently overwritten by a new draft.

    rr = show(db, "320000", 2022)          # the text as it stands: the office's where edited, else the draft
    rr.sections[1].text                    # 二、主要指标完成情况: "全省有效发明专利拥有量达到 336,048 件，同比增长 16.4%。…"
    rr = draft(db, "320000", 2022)         # a fresh draft; an edited section keeps its text and carries
    rr.sections[1].diff                    #   the difference to the new draft (difflib) for the user to choose
    set_text(db, "320000", 2022, 2, "…")   # the office's text (audited: report_text)
    take_draft(db, "320000", 2022, 2)      # drop the edit: the section follows the draft again (audited)

Section 二 is written from :func:`app.services.report.data.build_report`'s tables with their own
formatter, so every number in its sentences is a number printed in the tables (a test parses them
back): the current value (``current_text``), the change (``yoy_text`` without its sign) and the
requirement of the target (``requirement``). Section 三 is the task ledger's latest progress,
四 the explanations written for the year's findings plus overdue and late tasks, 五 a template
the office rewrites. The documents (PDF, DOCX) print :attr:`ResultsReport.sections`' ``text``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from app.models.errors import InputError
from app.models.messages import register, render
from app.models.parse import format_value
from app.models.ledger import section_place
from app.models.task_basics import task_label, task_name

TITLES = {1: "一、总体情况", 2: "二、主要指标完成情况", 3: "三、重点任务推进情况", 4: "四、存在的问题",
          5: "五、下一步工作打算"}
SKIPPED = ("POPULATION", "HV_PATENTS_ABNORMAL")       # inputs of other indicators, not achievements
UNIT_WORDS = {"月": "个月"}
CN_DIGITS = "零一二三四五六七八九"
MAX_SECTION = 20000

register({
    "report_section": ("{text!r} is not a section of the report (1–5 or 一 … 五)",
                       "“{text}”不是报告的章节（应为 1–5 或 一 至 五）"),
})


def cn_number(n: int) -> str:
    """Chinese numerals up to 9999 (a province's task list runs past 九十九), digits beyond:

    >>> cn_number(3), cn_number(12), cn_number(20), cn_number(100), cn_number(105), cn_number(110), cn_number(1010)
    ('三', '十二', '二十', '一百', '一百零五', '一百一十', '一千零一十')"""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + ("" if n == 10 else CN_DIGITS[n - 10])
    if n > 9999:
        return str(n)
    out, zero = "", False
    for digit, unit in zip(f"{n:04d}", ("千", "百", "十", "")):
        if digit == "0":
            zero = bool(out)                 # a gap inside the number reads 零 once
            continue
        out += ("零" if zero else "") + CN_DIGITS[int(digit)] + unit
        zero = False
    return out


def parse_section(text) -> int:
    s = str(text).strip()
    for n, title in TITLES.items():
        if s in (str(n), CN_DIGITS[n], title, title[2:], title[:1]):
            return n
    raise InputError("report_section", text=s)


@dataclass
class Section:
    number: int
    title: str
    draft: str                     # what the store gives now
    text: str                      # what the report prints: the office's text where edited, else the draft
    edited: bool = False
    author: str | None = None
    at: str | None = None
    base: str | None = None        # the draft the office's text was edited from
    diff: list[str] = field(default_factory=list)   # edited text -> new draft (unified diff lines)

    @property
    def draft_moved(self) -> bool:
        """The draft changed since the office edited the section (new data, new progress)."""
        return self.edited and self.base is not None and self.base != self.draft

    def to_dict(self) -> dict:
        return {"section": self.number, "title": self.title, "text": self.text, "draft": self.draft,
                "edited": self.edited, "author": self.author, "at": self.at, "draft_moved": self.draft_moved,
                "diff": self.diff}


@dataclass
class ResultsReport:
    region: str
    region_name: str
    year: int
    sections: list[Section]
    report: object = None          # the app.services.report.data.Report the numbers come from
    owed: object = None            # app.models.progress.OwedTasks: the regions below × tasks (None: no region below)

    @property
    def title(self) -> str:
        return f"{self.region_name}{self.year}年推进知识产权高质量发展工作情况报告"

    def section(self, n: int) -> Section:
        return self.sections[n - 1]

    def to_dict(self) -> dict:
        return {"region": self.region, "region_name": self.region_name, "year": self.year, "title": self.title,
                "sections": [s.to_dict() for s in self.sections]}


# ---------------------------------------------------------------- drafting

def whole(level: str, name: str) -> str:
    """全省 / 全市 / 全区 / 全县 / 全国: how the report names the whole of its region."""
    if level == "nation":
        return "全国"
    for end, word in (("自治区", "全区"), ("市", "全市"), ("区", "全区"), ("县", "全县"), ("旗", "全旗")):
        if name.endswith(end):
            return word
    return {"province": "全省", "prefecture": "全市", "county": "全县"}.get(level, "本地区")


def indicator_sentence(row, direction: str, prefix: str) -> str:
    """One sentence of section 二 from a row of the indicator table (its own texts, nothing recomputed)."""
    unit = UNIT_WORDS.get(row.unit, row.unit)
    value = row.current_text + (unit if unit in ("%", "‰") else f" {unit}" if unit else "")
    verb = "达到" if direction == "higher" else "为"
    out = f"{prefix}{row.name}{verb} {value}"
    if row.yoy is not None:
        size = format_value(abs(row.yoy), 1)
        if row.yoy_unit == "个百分点":
            out += "，与上年持平" if row.yoy == 0 else f"，比上年{'提高' if row.yoy > 0 else '降低'} {size} 个百分点"
        else:
            out += "，与上年持平" if row.yoy == 0 else f"，同比{'增长' if row.yoy > 0 else '下降'} {size}%"
    if row.target and row.status:
        out += f"，目标要求{row.target}，{render('status_' + row.status, 'zh')}"
    return out + "。"


def _section_two(rep, cat) -> str:
    prefix = whole(rep.level, rep.region_name)
    lines = [indicator_sentence(r, cat[r.code].direction if r.code in cat else "none", prefix)
             for r in rep.indicators if r.current is not None and r.code not in SKIPPED]
    if not lines:
        return "本年度主要指标数据尚未填报。"
    return "\n".join(lines)


def _period_words(period: str) -> str:
    y, rest = period[:4], period[4:]
    return {"": f"{y}年底", "H1": f"{y}年上半年", "H2": f"{y}年下半年"}.get(rest, f"{y}年第{CN_DIGITS[int(rest[1:])]}季度"
                                                                              if rest.startswith("Q") else period)


def _latest_reports(db, region: str, year: int) -> dict[str, dict]:
    from app.models.progress import progress_rows

    out: dict[str, dict] = {}
    for r in progress_rows(db, region, year):      # periods in order: the last one wins
        out[r["task"]] = r
    return out


def _section_three(db, region: str, year: int, rows) -> str:
    if not rows:
        return "本年度暂无适用的重点任务。"
    latest = _latest_reports(db, region, year)
    counts = {}
    for r in rows:
        counts[r.state_zh] = counts.get(r.state_zh, 0) + 1
    head = f"本年度承担重点任务 {len(rows)} 项，其中" + "，".join(f"{k} {v} 项" for k, v in counts.items()) + "。"
    parts = [head]
    for n, r in enumerate(rows, start=1):
        t = r.task
        where = (f"《{t.document_zh}》" if t.document_zh else "") + t.clause if t.clause else ("本级分解任务" + (f"（分解自 {t.parent}）" if t.parent else ""))
        text = f"（{cn_number(n)}）{t.short(40)}（{where}，期限 {r.due}）。"
        p = latest.get(t.id)
        if p is None:
            text += "尚未报送推进情况。"
        else:
            text += f"截至{_period_words(p['period'])}，{p['state_zh']}"
            if p["percent"] is not None and p["state"] != "done":
                text += f"，完成 {p['percent']}%"
            if p["milestone"]:
                text += f"，{p['milestone']}"
            text += "。"
            if p["text"]:
                text += p["text"].rstrip("。") + "。"
            if p["reason"]:
                text += f"原因：{p['reason'].rstrip('。')}。"
            if p["evidence"]:
                text += f"附佐证材料 {len(p['evidence'])} 份。"
        if r.assignees:
            text += "已分解下达" + "、".join(a["name"] for a in r.assignees) + "。"
        parts.append(text)
    return "\n".join(parts)


def _section_four(db, region: str, year: int, rep, rows, today) -> str:
    from app.models.findings import findings
    from app.models.tasks import RULE_OVERDUE

    cat_names = {r.code: r.name for r in rep.indicators}
    items = []
    for rule, indicator, period, text in db.execute(
            "select rule, indicator, period, text from explanations where region = ? and substr(period, 1, 4) = ?"
            " and rule != ? order by indicator, period", [region, str(year), RULE_OVERDUE]):
        name = cat_names.get(indicator, "全部指标" if indicator == "*" else indicator)
        items.append(f"{name}（{period}）：{text.strip().rstrip('。')}。")
    for f in (f for f in findings(db, region, year, today=today).of(region) if f.rule == RULE_OVERDUE):
        why = f.explanation.strip().rstrip("。") if f.explanation else "尚未说明原因"
        items.append(f"{task_name(f.clause)}“{f.params['task']}”已于 {f.params['due']} 到期，当前为{f.params['state']}：{why}。")
    for r in rows:
        if r.state == "late" and not r.overdue:
            items.append(f"{task_label(r.task)}推进滞后。")
    if not items:
        return "本年度暂无需要说明的问题。"
    return "\n".join(f"（{cn_number(n)}）{t}" for n, t in enumerate(items, start=1))


def _section_one(rep, rows) -> str:
    prefix = whole(rep.level, rep.region_name)
    done = sum(r.state == "done" for r in rows)
    filled = sum(r.current is not None for r in rep.indicators if r.code not in SKIPPED)
    return (f"{rep.year}年，{rep.office}认真贯彻落实《知识产权强国建设纲要（2021—2035年）》和《“十四五”国家知识产权"
            f"保护和运用规划》，按照知识产权高质量发展年度工作指引部署，{prefix}知识产权创造、运用、保护、管理和服务"
            f"工作稳步推进。本年度报送主要指标 {filled} 项，承担重点任务 {len(rows)} 项，已完成 {done} 项。")


def _section_five(rows) -> str:
    left = sum(r.state not in ("done", "cancelled") for r in rows)
    return ("（一）对照年度工作指引和本地区任务清单，加快推进尚未完成的 "
            f"{left} 项重点任务，明确责任部门和完成时限。\n"
            "（二）加强知识产权高质量发展指标统计监测和数据质量分析，发现异常及时处理并报告。\n"
            "（三）完善配套政策措施，加强部门协同和上下联动，确保各项任务落到实处。")


def drafts(db, region: str, year: int, *, today: date | None = None, rep=None,
           tasks=None) -> tuple[dict[int, str], object]:
    """The five sections drafted from the store: ``({1: text, …, 5: text}, report model)``.
    ``rep`` (the report model) and ``tasks`` (``tasks_for`` of the same day) when the caller has them."""
    from app.models.catalogue import indicators
    from app.models.tasks import tasks_for
    from app.services.report.data import build_report

    rep = rep or build_report(db, region, int(year), include_children=False)
    rows = tasks if tasks is not None else tasks_for(db, region, int(year), today=today)
    cat = indicators(db)
    return {1: _section_one(rep, rows), 2: _section_two(rep, cat), 3: _section_three(db, region, int(year), rows),
            4: _section_four(db, region, int(year), rep, rows, today), 5: _section_five(rows)}, rep


# ---------------------------------------------------------------- what is shown, edited, re-drafted

def _stored(db, region: str, year: int) -> dict[int, tuple]:
    return {n: (text, base, author, at) for n, text, base, author, at in db.execute(
        "select section, text, base, author, at from report_sections where region = ? and year = ?",
        [region, int(year)])}


def _diff(edited: str, new: str) -> list[str]:
    if edited == new:
        return []
    return list(difflib.unified_diff(edited.splitlines(), new.splitlines(), "已编辑文本", "重新生成的草稿", lineterm=""))


def show(db, region: str, year: int, *, today: date | None = None, rep=None, tasks=None) -> ResultsReport:
    """The report as it stands: each section's edited text, or the live draft where nobody edited it.
    Edited sections also carry the new draft and the difference (so :func:`draft` is the same call).
    ``rep`` / ``tasks``: as for :func:`drafts` (an export passes the model it prints, built once)."""
    from app.models.catalogue import region as get_region

    reg = get_region(db, region)
    texts, rep = drafts(db, region, year, today=today, rep=rep, tasks=tasks)
    stored = _stored(db, region, year)
    out = []
    for n, title in TITLES.items():
        d = texts[n]
        if n in stored:
            text, base, author, at = stored[n]
            out.append(Section(n, title, d, text, True, author, at, base, _diff(text, d)))
        else:
            out.append(Section(n, title, d, d))
    from app.models.progress import owed_tasks

    owed = owed_tasks(db, region, year, today=today)
    return ResultsReport(region, reg.name_zh, int(year), out, rep, owed if owed.regions and owed.tasks else None)


OWED_TITLE = "各地区重点任务推进情况"
OWED_NOTE = "注：表中为各地区报送的最新推进状态；“未报”为尚未报送，“—”为该任务不适用于该地区，“（逾期）”为已过期限而未完成。"


def owed_blocks(owed, per_block: int = 7) -> list[tuple[list[str], list[list[str]]]]:
    """The regions × tasks table cut into blocks of at most ``per_block`` regions (a page's width):
    ``[(header, rows)]`` with header ``["任务", region names…]`` and one row per task
    (``4(9) 各地要积极落实…``, then each region's word). Tasks are rows so a long list runs down the
    page; the blocks are as even as the regions allow (13 → 7 + 6)."""
    import math

    if owed is None or not owed.regions:
        return []
    n = len(owed.regions)
    per = math.ceil(n / math.ceil(n / per_block))
    labels = owed.labels()
    out = []
    for i in range(0, n, per):
        regs = owed.regions[i:i + per]
        header = ["任务"] + [name for _c, name in regs]
        rows = [[f"{lab} {t.short(20)}"] + [owed.word(code, t.id) for code, _n in regs]
                for t, lab in zip(owed.tasks, labels)]
        out.append((header, rows))
    return out


draft = show     # a re-draft is the same reading: edited text is kept, the new draft and the diff come beside it


def set_text(db, region: str, year: int, section, text: str, *, who: str | None = None,
             today: date | None = None) -> Section:
    """Store the office's text of a section (audited ``report_text``); the current draft is kept as its base."""
    from app.models.audit import append, current_user
    from app.models.store_basics import now_iso, transaction
    from app.models.tasks import clean, refuse_locked

    n = parse_section(section)
    text = clean(text, limit=MAX_SECTION)
    rr = show(db, region, year, today=today)
    refuse_locked(db, region, int(year))
    who = who or current_user()
    old = rr.section(n)
    if old.edited and old.text == text:
        return old
    with transaction(db):
        db.execute("insert into report_sections(region, year, section, text, base, author, at) values (?,?,?,?,?,?,?)"
                   " on conflict(region, year, section) do update set text=excluded.text, base=excluded.base,"
                   " author=excluded.author, at=excluded.at", [region, int(year), n, text, old.draft, who, now_iso()])
        append(db, [(who, "report_text", *section_place(region, n, int(year)), old.text if old.edited else None,
                     text, None)])
    return show(db, region, year, today=today).section(n)


def take_draft(db, region: str, year: int, section, *, who: str | None = None, today: date | None = None) -> Section:
    """Drop the office's text of a section: it follows the draft again (audited ``report_text``, new = none)."""
    from app.models.audit import append, current_user
    from app.models.store_basics import transaction
    from app.models.tasks import refuse_locked

    n = parse_section(section)
    refuse_locked(db, region, int(year))
    who = who or current_user()
    with transaction(db):
        row = db.execute("select text from report_sections where region=? and year=? and section=?",
                         [region, int(year), n]).fetchone()
        if row is not None:
            db.execute("delete from report_sections where region=? and year=? and section=?", [region, int(year), n])
            append(db, [(who, "report_text", *section_place(region, n, int(year)), row[0], None, "采用重新生成的草稿")])
    return show(db, region, year, today=today).section(n)


KEPT_WHY = "已阅重新生成的草稿，保留已编辑文本"


def keep_mine(db, region: str, year: int, section, draft_text: str, *, who: str | None = None,
              today: date | None = None) -> Section:
    """The office saw ``draft_text`` (a re-draft) and keeps its own text: that draft becomes the text's base,
    so the section no longer reads 草稿已变化 until the draft moves again (audited ``report_text``, the text
    unchanged on both sides, why :data:`KEPT_WHY`). A section not edited, or already based on that draft:
    nothing written. Refused on a locked year like :func:`set_text`."""
    from app.models.audit import append, current_user
    from app.models.store_basics import now_iso, transaction
    from app.models.tasks import refuse_locked

    n = parse_section(section)
    refuse_locked(db, region, int(year))
    who = who or current_user()
    with transaction(db):
        row = db.execute("select text, base from report_sections where region=? and year=? and section=?",
                         [region, int(year), n]).fetchone()
        if row is not None and row[1] != draft_text:
            db.execute("update report_sections set base=?, author=?, at=? where region=? and year=? and section=?",
                       [draft_text, who, now_iso(), region, int(year), n])
            append(db, [(who, "report_text", *section_place(region, n, int(year)), row[0], row[0], KEPT_WHY)])
    return show(db, region, year, today=today).section(n)


def table_numbers(rep) -> set[str]:
    """Every number printed in the report's indicator and target tables, without sign or unit (tests
    and the documents' consistency check compare the sentences of section 二 against it)."""
    import re

    texts = []
    for r in rep.indicators:
        texts += [r.current_text, r.previous_text, r.yoy_text, r.target]
    for t in rep.targets:
        texts += [t.requirement, t.latest_text]
    return {m.lstrip("+-") for s in texts for m in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?", s or "")}
