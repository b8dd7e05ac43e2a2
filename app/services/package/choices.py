"""The conflicts of a receipt, named and chosen: a value this office changed itself since the sender's last
package, that the package would change again — the refusal naming them (:func:`conflicts_error`) and the
command line's ``--keep-mine`` / ``--take-theirs`` read into a choice for each (:func:`choices_for`).
:mod:`app.services.package.receive` re-exports every name."""
from __future__ import annotations

from app.models.messages import register
from app.services.package.format import PackageError

register({
    "pkg_conflicts": ("{n} value(s) of the package were changed here since {office}'s last package: {items_en}. "
                      "Nothing written: choose for each or for all — keep mine (--keep-mine) or take theirs "
                      "(--take-theirs)",
                      "数据包中有 {n} 个数值在上次收到 {office} 的数据包后已被本单位修改：{items}。未写入任何数据；"
                      "请逐项或统一选择：保留本单位的值（--keep-mine）或采用对方的值（--take-theirs）"),
    "pkg_choice_both": ("--keep-mine and --take-theirs cannot both be for all conflicts: name the conflicts of one",
                        "--keep-mine 与 --take-theirs 不能同时适用于全部冲突项：请为其中之一列出具体冲突项"),
    "pkg_choice_unknown": ("{text} is not one of the package's conflicts ({items_en})",
                           "{text} 不是该数据包的冲突项（冲突项：{items}）"),
})

CHOICES = ("mine", "theirs")


def conflict_what(db, d: ValueDiff, lang: str, cat: dict) -> str:
    """What a conflict is about: the indicator by name; a task's progress report (任务 4(9)“…”推进情况) or a
    results-report section (成效报告 三、重点任务推进情况)."""
    if d.kind == "progress":
        from app.models.errors import NotFoundError
        from app.models.task_basics import get_task, task_label

        try:
            label = task_label(get_task(db, d.indicator.removeprefix("task:")), lang)
        except NotFoundError:
            label = d.indicator
        return f"{label}推进情况" if lang == "zh" else f"progress of {label}"
    if d.kind == "section":
        from app.services.results_report import TITLES

        n = int(d.indicator.removeprefix("section:"))
        return f"成效报告 {TITLES[n]}" if lang == "zh" else f"results report section {n}"
    ind = cat.get(d.indicator)          # (cat: the indicators, read once by the caller)
    return ind.name(lang) if ind else d.indicator


def conflict_side(d: ValueDiff, mine: bool, lang: str, width: int = 16) -> str:
    """One side of a conflict as people read it: a value (or that it is deleted / the package removes it),
    a progress report's state and percentage (or 未报), ``width`` characters of a section's text — from where
    it differs from the other side's, when they begin alike — (or that it follows the draft)."""
    row = d.old if mine else d.new
    zh = lang == "zh"
    if d.kind == "progress":
        from app.models.tasks import state_label

        if row is None:
            return "未报" if zh else "not reported"
        return state_label(row.get("state"), lang) + (f" {row['percent']}%" if row.get("percent") is not None else "")
    if d.kind == "section":
        if row is None:
            return "（采用草稿）" if zh else "(the draft)"
        text, other = " ".join(row.split()), " ".join(((d.new if mine else d.old) or "").split())
        same = next((i for i, (a, b) in enumerate(zip(text, other)) if a != b), min(len(text), len(other)))
        start = same - 4 if same > 8 else 0          # two texts alike at first: shown from where they differ
        cut = text[start:start + width]
        return f"“{'…' if start else ''}{cut}{'…' if start + width < len(text) else ''}”"
    if row is None:
        return ("（已删除）" if zh else "(deleted)") if mine else ("（删除）" if zh else "(removed)")
    return row


def _names(db, diffs: list[ValueDiff], lang: str, limit: int = 8) -> str:
    """'南京市 发明专利授权量 2024、…' — regions and indicators (tasks, sections) by name, never by code."""
    from app.models.catalogue import indicators, regions

    regs, cat = regions(db), indicators(db)
    parts = []
    for d in diffs[:limit]:
        reg = regs.get(d.region)
        parts.append(" ".join([reg.name(lang) if reg else d.region, conflict_what(db, d, lang, cat), d.period]))
    more = len(diffs) - limit
    if more > 0:
        parts.append(f"等另 {more} 项" if lang == "zh" else f"and {more} more")
    return ("、" if lang == "zh" else "; ").join(parts)


def conflicts_error(db, plan: ReceivePlan, diffs: list[ValueDiff] | None = None):
    """The refusal of an apply with conflicts left unchosen, naming them (Chinese and English)."""
    diffs = plan.conflicts if diffs is None else diffs
    a = plan.package.archive
    return PackageError("pkg_conflicts", file=a.file, params={
        "n": len(diffs), "office": f"{a.sender_name or a.sender_id}".strip(),
        "items": _names(db, diffs, "zh"), "items_en": _names(db, diffs, "en")})


def choices_for(db, plan: ReceivePlan, keep_mine=None, take_theirs=None) -> dict[tuple, str]:
    """The choice for each conflict from the command line's ``--keep-mine`` / ``--take-theirs``.

    Each is None (not given), ``[]`` (all conflicts: the option given without a spec) or a list of
    ``REGION:INDICATOR[:PERIOD]`` (those conflicts; the other option, if given for all, takes the rest) —
    a progress report's indicator is ``task:ID``, a section's ``section:N``. A spec that names no conflict
    is refused.
    """
    from app.models.errors import InputError

    out: dict[tuple, str] = {}
    everything: list[str] = []          # the choices given for all conflicts
    for specs, choice in ((keep_mine, "mine"), (take_theirs, "theirs")):
        if specs is None:
            continue
        if not specs:
            everything.append(choice)
            continue
        for spec in specs:          # (a ledger's indicator has a colon of its own: task:4-9, section:3)
            hit = [d for d in plan.conflicts if spec in (f"{d.region}:{d.indicator}", ":".join(d.key))]
            if not hit:
                raise InputError("pkg_choice_unknown", text=spec, params={
                    "items": _names(db, plan.conflicts, "zh"), "items_en": _names(db, plan.conflicts, "en")})
            for d in hit:
                out[d.key] = choice
    if len(everything) == 2:
        raise InputError("pkg_choice_both")
    for choice in everything:
        for d in plan.conflicts:
            out.setdefault(d.key, choice)
    return out
