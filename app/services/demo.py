"""The demo store: Jiangsu (320000) and its 13 cities, 2016–2024, every catalogue indicator.

Figures are realistic in scale (populations close to the 2020 census, patent stocks and
growth close to published provincial statistics) but **invented**: they are for trying
the app, not for citing. A few values are planted to trip explain-level checks::

    make_demo(db)   # -> number of values written

Planted findings (latest years): 徐州 patent transfers +90 % in 2024 (yoy, outlier);
连云港 industrialization rate falls in 2022 (falling, against 2022 guideline 1(3));
南通 invention applications −35 % in 2023 (yoy); the province's trademark registrations
2024 are 3 % above the sum of its cities (sum); 宿迁 SMEs served by pledge financing grow
only 4 % in 2023 (target status off track).

The workflow goes through the review service (:mod:`app.models.review`), so the demo is a
consistent state: the findings of the approved (2016–2022) and submitted (2023) years carry
a demo explanation; in 2024 the cities with nothing open are complete, while 徐州 and 南通
(planted findings still unexplained) and the province stay drafts. The 2022 guideline's tasks carry
the province's and cities' progress (连云港's quality analysis late, explained).
"""
from __future__ import annotations

import random
from decimal import Decimal

from app.models import workflow
from app.models.catalogue import indicators as load_indicators
from app.models.errors import InputError
from app.models.messages import register
from app.models.parse import canonical
from app.models.targets import add_own_target
from app.models.values import Change, write_values

register({"demo_not_demo_store": (
    "{text} holds {n} value(s) the demo did not write (typed, imported or received): nothing written. To write the demo "
    "data over them anyway (their notes are cleared): ipdesk demo --force; or name another store with --db",
    "数据库 {text} 中有 {n} 个数值不是示例数据（系用户填报、导入或接收），为免覆盖，未写入任何示例数据。"
    "确需以示例数据覆盖（被覆盖数值的备注一并清除），请执行 ipdesk demo --force；或用 --db 指定另一个数据库")})

YEARS = list(range(2016, 2025))
PROVINCE = "320000"
# code: (population 万人 2016, innovation weight)
CITIES = {
    "320100": (930.0, 0.22), "320200": (740.0, 0.11), "320300": (900.0, 0.05), "320400": (525.0, 0.08),
    "320500": (1250.0, 0.24), "320600": (768.0, 0.06), "320700": (455.0, 0.025), "320800": (458.0, 0.03),
    "320900": (675.0, 0.04), "321000": (454.0, 0.04), "321100": (318.0, 0.04), "321200": (452.0, 0.04),
    "321300": (492.0, 0.025),
}
# additive indicators: province total in 2016 and yearly growth
TOTALS = {
    "INV_PATENTS_IN_FORCE": (139_000, 0.165), "HV_PATENTS": (52_000, 0.19), "INV_APPLICATIONS": (184_000, 0.035),
    "INV_GRANTS": (41_000, 0.115), "ABNORMAL_APPS": (2_400, -0.06), "OVERSEAS_INV_GRANTS": (3_100, 0.15),
    "PLEDGE_AMOUNT": (210.0, 0.24), "PLEDGE_SMES": (820, 0.17), "ROYALTY_TRADE": (310.0, 0.07),
    "TM_REGISTRATIONS": (152_000, 0.16), "ADJUDICATION_CASES": (320, 0.14), "PATENT_TRANSFERS": (15_500, 0.14),
    "GI_PRODUCTS": (78, 0.035), "PROTECTION_CENTERS": (4, 0.14),
}
# non-additive: 2016 level, yearly step, spread between cities
LEVELS = {
    "INV_GRANT_RATE": (52.0, 0.6, 6.0), "PATENT_INDUSTRIALIZATION_RATE": (44.0, 0.9, 5.0),
    "PATENT_INTENSIVE_GDP_SHARE": (13.8, 0.45, 3.0), "COPYRIGHT_GDP_SHARE": (7.4, 0.08, 1.2),
    "PROTECTION_SATISFACTION": (78.5, 0.55, 2.0), "CIVIL_ACCEPT_RATE": (83.5, 0.35, 2.5),
}
# the nation's own indicators (CNIPA), published figures
NATIONAL = {
    "INV_EXAM_CYCLE": [22.0, 22.6, 22.5, 20.5, 20.0, 18.5, 16.5, 16.0, 15.5],
    "HV_EXAM_CYCLE": [19.0, 18.5, 17.5, 17.3, 14.8, 13.3, 13.0, 12.5, 12.0],
    "TM_EXAM_CYCLE": [8.0, 8.0, 6.0, 4.5, 4.0, 4.0, 4.0, 4.0, 4.0],
}
DEMO_SOURCES = ("示例数据 demo", "国家知识产权局公开数据", "国家统计局")    # the sources the demo writes
NATION_SCALE = 7.5
NATION_POPULATION = [138271, 139008, 139538, 140005, 141212, 141260, 141175, 140967, 140828]


def _q(value: float, decimals: int) -> str:
    return canonical(Decimal(str(round(value, decimals))))


def values_not_from_demo(db, who: str = "demo") -> int:
    """How many values of ``db`` the demo did not write: last written by someone else (typed,
    imported, received) or with a source other than the demo's."""
    from app.models.values import count_not_written_by

    return count_not_written_by(db, who, DEMO_SOURCES)


def _foreign_notes_cleared(db, changes: list[Change], who: str) -> list[Change]:
    """(--force) A demo value written over someone else's value takes no note with it: the note
    was written for the value it replaces."""
    from app.models.values import noted_values_not_written_by

    foreign = noted_values_not_written_by(db, who, DEMO_SOURCES)
    for c in changes:
        old = foreign.get((c.region, c.indicator, c.period))
        if old is not None and old != c.value:
            c.note = ""
    return changes


def make_demo(db, *, seed: int = 2022, who: str = "demo", force: bool = False) -> int:
    """Fill ``db`` with the demo data (idempotent on a demo store: values are upserted).

    A store holding values the demo did not write (typed, imported, received) is refused
    with :class:`InputError` ``demo_not_demo_store`` and nothing is written, unless
    ``force``: then demo values replace them, without the replaced values' notes.
    """
    foreign = values_not_from_demo(db, who)
    if foreign and not force:
        raise InputError("demo_not_demo_store", text=str(db.path), params={"n": foreign})
    rng = random.Random(seed)
    cat = load_indicators(db)
    weights = {c: w for c, (_p, w) in CITIES.items()}
    total_w = sum(weights.values())
    values: dict[tuple[str, str, int], float] = {}

    for code, (pop0, _w) in CITIES.items():
        growth = rng.uniform(-0.002, 0.008)
        for k, y in enumerate(YEARS):
            values[(code, "POPULATION", y)] = pop0 * (1 + growth) ** k
    for ind, (base, g) in TOTALS.items():
        for code, w in weights.items():
            share = w / total_w * rng.uniform(0.85, 1.15)
            g_city = g + rng.uniform(-0.02, 0.02)
            for k, y in enumerate(YEARS):
                values[(code, ind, y)] = base * share * (1 + g_city) ** k * rng.uniform(0.99, 1.01)
    for ind, (level, step, spread) in LEVELS.items():
        for code in CITIES:
            offset = rng.uniform(-spread, spread)
            for k, y in enumerate(YEARS):
                values[(code, ind, y)] = level + offset + step * k + rng.uniform(-0.1, 0.1)
    # keep the parts within their wholes and the deduction small
    for code in CITIES:
        share = rng.uniform(0.010, 0.016)
        for y in YEARS:
            stock = values[(code, "INV_PATENTS_IN_FORCE", y)]
            values[(code, "HV_PATENTS", y)] = min(values[(code, "HV_PATENTS", y)], 0.62 * stock)
            values[(code, "HV_PATENTS_ABNORMAL", y)] = values[(code, "HV_PATENTS", y)] * share * rng.uniform(0.97, 1.03)
    # planted anomalies
    values[("320300", "PATENT_TRANSFERS", 2024)] *= 1.9
    values[("320700", "PATENT_INDUSTRIALIZATION_RATE", 2022)] = values[("320700", "PATENT_INDUSTRIALIZATION_RATE", 2021)] - 1.4
    values[("320600", "INV_APPLICATIONS", 2023)] = values[("320600", "INV_APPLICATIONS", 2022)] * 0.65
    values[("321300", "PLEDGE_SMES", 2023)] = values[("321300", "PLEDGE_SMES", 2022)] * 1.04

    changes: list[Change] = []
    rounded: dict[tuple[str, str, int], Decimal] = {}
    for (code, ind, y), v in values.items():
        d = cat[ind].decimals
        if cat[ind].kind == "count":
            v = max(v, 0)
        text = _q(v, d)
        rounded[(code, ind, y)] = Decimal(text)
        changes.append(Change(code, ind, str(y), text, source="示例数据 demo"))
    # the province: additive indicators are the exact sum of its cities, the rest a weighted mean
    for y in YEARS:
        for ind, spec in cat.items():
            if spec.formula:
                continue
            parts = [rounded[(c, ind, y)] for c in CITIES if (c, ind, y) in rounded]
            if not parts:
                continue
            if spec.additive:
                v = sum(parts, Decimal(0))
                if ind == "TM_REGISTRATIONS" and y == 2024:
                    v = (v * Decimal("1.03")).quantize(Decimal(1))
            else:
                pops = [rounded[(c, "POPULATION", y)] for c in CITIES]
                v = sum(p * w for p, w in zip(parts, pops)) / sum(pops)
            changes.append(Change(PROVINCE, ind, str(y), _q(float(v), spec.decimals), source="示例数据 demo"))
    # the province also types its per-10k figure, which the checks compare with its components
    for y in YEARS:
        hv = sum(rounded[(c, "HV_PATENTS", y)] - rounded[(c, "HV_PATENTS_ABNORMAL", y)] for c in CITIES)
        pop = sum(rounded[(c, "POPULATION", y)] for c in CITIES)
        changes.append(Change(PROVINCE, "HV_PATENTS_PER_10K", str(y), _q(float(hv / pop), 2), source="示例数据 demo"))
    # the nation: its own indicators, and the rest at national scale
    for k, y in enumerate(YEARS):
        for ind, series in NATIONAL.items():
            changes.append(Change("100000", ind, str(y), _q(series[k], 1), source="国家知识产权局公开数据"))
        changes.append(Change("100000", "POPULATION", str(y), _q(NATION_POPULATION[k], 2), source="国家统计局"))
        for ind, spec in cat.items():
            if spec.formula or ind in NATIONAL or ind == "POPULATION":
                continue
            base = next(ch for ch in changes if ch.region == PROVINCE and ch.indicator == ind and ch.period == str(y))
            factor = NATION_SCALE if spec.additive else 1.0
            changes.append(Change("100000", ind, str(y), _q(float(base.value) * factor * rng.uniform(0.97, 1.03),
                                                            spec.decimals), source="示例数据 demo"))
    from app.models.values import LOCKED_STATES, region_year_status
    locked = {(c.region, c.period) for c in changes if region_year_status(db, c.region, int(c.period)) in LOCKED_STATES}
    changes = _foreign_notes_cleared(db, changes, who) if foreign else changes
    write_values(db, [c for c in changes if (c.region, c.period) not in locked], who=who, why="demo data", action="import")
    from app.models.db import meta_get, meta_set
    if not meta_get(db, "home_region"):
        meta_set(db, "home_region", PROVINCE)     # the window opens on the office's own region

    # 一省一策: Jiangsu's own (demo) targets, taking precedence over the national ones
    doc = "江苏省“十四五”知识产权发展规划（示例目标）"
    add_own_target(db, PROVINCE, "HV_PATENTS_PER_10K", ">=", "26", 2025, from_year=2021, clause="主要指标（示例）",
                   clause_text="每万人口高价值发明专利拥有量 2025 年达到 26 件（示例）", document=doc, who=who)
    add_own_target(db, PROVINCE, "PLEDGE_AMOUNT", ">=", "1300", 2025, from_year=2021, clause="主要指标（示例）",
                   clause_text="知识产权质押融资登记金额 2025 年达到 1300 亿元（示例）", document=doc,
                   include_children=False, who=who)
    # workflow: earlier years approved by a demo office head, 2023 submitted, 2024 in progress
    _demo_workflow(db, who)
    return len(changes)


DEMO_NOTE = "示例说明：已与统计部门核实，数据无误（示例数据）"
DEMO_TASK_NOTE = "示例说明：第四季度统计数据复核推迟，分析报告于次年 1 月报送（示例数据）"
TASK_YEAR = 2022                 # the year of the bundled task pack
# the demo's progress of the 2022 guideline's local tasks: (task, half-year text, year-end text)
DEMO_PROGRESS = [
    ("G2022-2.2.1", "已梳理本地区考核指标，正在协调清理不切实际的增长率指标", "已清理取消专利申请数量类考核指标"),
    ("G2022-4.9.3", "已对上半年反馈数据开展原因分析", "全年反馈数据原因分析完成，重要进展已按时报送"),
    ("G2022-4.10.2", "已完成上半年指标质量分析", "全年指标质量分析完成，异常问题已处理并报告"),
    ("G2022-5.0.1", "已印发年度工作要点，明确重点方向和具体任务", "配套细则已出台，各项任务分解落实"),
    ("G2022-5.0.2", "已启动年度工作成效材料收集", "工作成效材料已按时报送"),
]
LATE_DEMO = ("320700", "G2022-4.10.2")    # 连云港: the quality analysis runs late (an explained overdue task)


def _demo_workflow(db, who: str) -> None:
    """The demo's workflow states, reached through the review service like a user would: the
    findings of 2016–2023 explained (a demo note), those years completed, 2016–2022 approved by
    the demo office head, 2023 submitted; in 2024 the first seven cities are complete where
    nothing is left open — 徐州 and 南通 keep their planted findings as drafts, to be explained."""
    from app.models import review
    from app.models.findings import findings
    from app.models.values import LOCKED_STATES, region_year_status

    if not workflow.has_heads(db):
        workflow.add_user(db, "demo-head", "head", "demo1234", who=who)
    order = [*CITIES, PROVINCE]              # cities first: the province needs them complete

    def explain_open(year):
        for f in findings(db, PROVINCE, year, below="children").unexplained(everywhere=True):
            if region_year_status(db, f.region, year) not in LOCKED_STATES:
                note = DEMO_TASK_NOTE if f.rule == "task_overdue" else DEMO_NOTE
                review.explain(db, f.region, year, f.rule, f.indicator, note, period=f.period, who=who)

    _demo_progress(db, who)
    for y in YEARS[:-1]:
        explain_open(y)
        for code in order:
            if region_year_status(db, code, y) == "draft":
                (review.complete if y < YEARS[-2] else review.submit)(db, code, y, who=who, why="demo")
    todo = [(code, y) for y in YEARS[:-2] for code in order if region_year_status(db, code, y) not in LOCKED_STATES]
    if todo:
        review.approve(db, todo, user="demo-head", password="demo1234", why="demo")
    year = YEARS[-1]
    for code in list(CITIES)[:7]:
        if region_year_status(db, code, year) == "draft" and not review.blockers(db, code, year, "complete"):
            review.complete(db, code, year, who=who, why="demo")


def _demo_progress(db, who: str) -> None:
    """Progress of the 2022 tasks for the province and its cities (through the one write path): done by
    the year's end, except 连云港's quality analysis, still in progress — an overdue task the demo
    explains like its other findings. Region-years already approved are left as they are."""
    from app.models.progress import set_progress
    from app.models.tasks import all_tasks
    from app.models.values import LOCKED_STATES, region_year_status

    have = {t.id for t in all_tasks(db, TASK_YEAR)}
    for code in [PROVINCE, *CITIES]:
        if region_year_status(db, code, TASK_YEAR) in LOCKED_STATES:
            continue
        for n, (task, half, end) in enumerate(DEMO_PROGRESS):
            if task not in have:
                continue
            person = ("王敏", "李强", "张伟", "刘洋", "陈静")[(n + len(code)) % 5]
            set_progress(db, code, task, f"{TASK_YEAR}H1", "推进中", percent=50, text=half, person=person, who=who)
            if (code, task) == LATE_DEMO:
                set_progress(db, code, task, f"{TASK_YEAR}Q4", "推进中", percent=85, text="第四季度数据复核尚未完成",
                             person=person, who=who)
            else:
                set_progress(db, code, task, f"{TASK_YEAR}Q4", "已完成", text=end, person=person, who=who)
