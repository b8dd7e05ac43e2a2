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


def _names(db, diffs: list[ValueDiff], lang: str, limit: int = 8) -> str:
    """'南京市 发明专利授权量 2024、…' — regions and indicators by name, never by code."""
    from app.models.catalogue import indicators, regions

    regs, cat = regions(db), indicators(db)
    parts = []
    for d in diffs[:limit]:
        reg, ind = regs.get(d.region), cat.get(d.indicator)
        parts.append(" ".join([reg.name(lang) if reg else d.region, ind.name(lang) if ind else d.indicator, d.period]))
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

    Each is None (not given), ``[]`` (all conflicts: the option given without a spec) or a list of ``REGION:INDICATOR[:PERIOD]``
    (those conflicts; the other option, if given for all, takes the rest). A spec that names no
    conflict is refused.
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
        for spec in specs:
            parts = spec.split(":")
            hit = [d for d in plan.conflicts if 2 <= len(parts) <= 3 and (d.region, d.indicator) == tuple(parts[:2])
                   and (len(parts) == 2 or d.period == parts[2])]
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
