"""How the electronic copy words targets for a Chinese reader: comparators in words (不低于 /
不高于 / 增长不低于 / 高于上年 / 须填报), the clause in the document's Chinese, the projection
method in Chinese. (The paper copy's wording is app.services.report.words; these may move there.)
"""
from __future__ import annotations

import re

COMPARATOR_ZH = {">=": "不低于", "<=": "不高于", "growth>=": "增长不低于", "increase": "高于上年", "reported": "须填报"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# The two clause texts of the bundled packs given only in English: a Chinese rendering, said to be one.
CLAUSE_ZH = {
    "Satisfaction with intellectual property protection remains at a high level":
        "知识产权保护社会满意度保持较高水平",
    "strictly exclude patents related to applicants and agencies of irregular patent applications":
        "严格将非正常专利申请的申请人、代理机构相关专利排除在高价值专利统计之外；定期对非正常专利申请进行统计扣除",
}
RENDERED = "（据英文摘录转译，非文件原文）"


def requirement_zh(t) -> str:
    """A target as a Chinese form words it: ``不低于26件（2025年）``, ``增长不低于10%``, ``高于上年``, ``须填报``.

    >>> from decimal import Decimal
    >>> from types import SimpleNamespace as T
    >>> requirement_zh(T(comparator=">=", target=Decimal("26"), unit="件", target_year=2025))
    '不低于26件（2025年）'
    >>> requirement_zh(T(comparator="growth>=", target=Decimal("10"), unit="亿元", target_year=2024))
    '增长不低于10%'
    """
    word = COMPARATOR_ZH.get(t.comparator, t.comparator)
    if t.comparator in (">=", "<=") and t.target is not None:
        return f"{word}{format(t.target.normalize(), 'f')}{t.unit}（{t.target_year}年）"
    if t.comparator == "growth>=" and t.target is not None:
        return f"{word}{format(t.target.normalize(), 'f')}%"
    return word


def clause_zh(text: str) -> str:
    """The clause in the document's Chinese: the Chinese original the pack quotes in brackets,
    a Chinese text as it is (English notes dropped), the two English-only ones rendered and
    marked so; anything else as given.

    >>> clause_zh("reducing the cycle to 16.5 months (发明专利审查周期压减至16.5个月)")
    '发明专利审查周期压减至16.5个月'
    >>> clause_zh("每万人口高价值发明专利拥有量 6.3 (2020) -> 12 (2025)")
    '每万人口高价值发明专利拥有量 6.3（2020年）→ 12（2025年）'
    """
    text = (text or "").strip()
    m = re.search(r"[（(]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$", text)
    if m and not _CJK.search(text[:m.start()]):
        return m.group(1).strip()
    if _CJK.search(text):
        parts = [p for p in re.split(r";\s*", text) if _CJK.search(p)]
        out = "；".join(parts)
        out = re.sub(r"\s*\((\d{4})\)", r"（\1年）", out)
        return re.sub(r"\s*->\s*", "→ ", out)
    for english, chinese in CLAUSE_ZH.items():
        if text.startswith(english):
            note = re.search(r"\(read as: at least the plan's (\d{4}) baseline of ([\d.]+)\)", text)
            extra = f"（本软件解读为不低于规划{note.group(1)}年基数{note.group(2)}）" if note else ""
            return chinese + extra + RENDERED
    return text


def method_zh(text: str) -> str:
    """The projection method in Chinese.

    >>> method_zh("linear least squares over 2016–2021 (6 points)")
    '最小二乘线性趋势外推（2016—2021年，6个数据点）'
    >>> method_zh("not enough data (fewer than 3 annual values)")
    '数据不足（年度值少于3个），未作趋势外推'
    """
    m = re.match(r"linear least squares over (\d{4})\D+(\d{4}) \((\d+) points?\)", text or "")
    if m:
        return f"最小二乘线性趋势外推（{m.group(1)}—{m.group(2)}年，{m.group(3)}个数据点）"
    m = re.match(r"not enough data \(fewer than (\d+) annual values\)", text or "")
    if m:
        return f"数据不足（年度值少于{m.group(1)}个），未作趋势外推"
    return text or ""
