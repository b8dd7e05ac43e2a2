"""A region or an indicator named as people name it: by code, by its Chinese or English name,
by a short name (江苏, 南京), or — for a name several regions share — with its parent (北京市朝阳区).

>>> resolve_region(db, "江苏"), resolve_region(db, "南京市"), resolve_region(db, "Nanjing")
('320000', '320100', '320100')
>>> resolve_indicator(db, "有效发明专利拥有量"), resolve_indicator(db, "inv_grants")
('INV_PATENTS_IN_FORCE', 'INV_GRANTS')

Rules, in order; the first rule that finds anything decides, so a full name never loses to a
short one and a code never to a name:

1. the code, exactly (for indicators also in lower case);
2. the full name: Chinese, or English ignoring case; full-width letters and spaces do not matter;
3. the short name: the name without its administrative suffix (省, 市, 区, 县, 盟, 旗, 地区,
   自治区, 特别行政区, …族自治州) — 江苏, 南京, 广西, 延边 — or the English name without
   Province / City / District / County;
4. a parent's name (full or short) followed by the region's name: 北京市朝阳区, 北京朝阳, 长春市朝阳区.

Several regions found by the same rule: those valid in ``year`` (when given) are kept; still
several → :class:`AmbiguousName` listing each with its parent's name and its code. Nothing
found → unknown, with the closest names (difflib) as suggestions.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

from .errors import NotFoundError
from .messages import register

register({
    "region_ambiguous": ("{text!r} names several regions: {candidates}; give the code or add the parent's name "
                         "(e.g. {example})",
                         "“{text}”对应多个地区：{candidates_zh}；请改用代码，或在前面加上级地区名称（如“{example}”）"),
    "unknown_region_suggest": ("unknown region {text!r}; did you mean {suggestions}?",
                               "未知地区“{text}”，您是否要输入 {suggestions_zh}？"),
    "indicator_ambiguous": ("{text!r} names several indicators: {candidates}; give the code",
                            "“{text}”对应多个指标：{candidates_zh}；请改用代码"),
    "unknown_indicator_suggest": ("unknown indicator {text!r}; did you mean {suggestions}?",
                                  "未知指标“{text}”，您是否要输入 {suggestions_zh}？"),
})

_ZH_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "地区", "林区", "省", "市", "区",
                "县", "盟", "旗")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,6}?族)+自治[州县旗区]$")
_EN_SUFFIXES = (" autonomous region", " special administrative region", " province", " prefecture", " city",
                " district", " county", " league", " banner", " municipality")


_LEVEL_WEIGHT = {"nation": 0.05, "province": 0.05, "prefecture": 0.03, "county": 0.0, "unit": -0.02}


class AmbiguousName(NotFoundError):
    """A name shared by several regions (or indicators): the message lists them."""


def _norm(text: str) -> str:
    """Full-width to half-width, no spaces, English in lower case: how names are compared."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def short_zh(name: str) -> str | None:
    """江苏省 → 江苏, 延边朝鲜族自治州 → 延边, 新疆维吾尔自治区 → 新疆; None when nothing is left worth a name.

    >>> short_zh("江苏省"), short_zh("延边朝鲜族自治州"), short_zh("广西壮族自治区"), short_zh("城区")
    ('江苏', '延边', '广西', None)
    """
    m = _ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in _ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _short_en(name: str) -> str | None:
    low = " ".join(name.split()).casefold()
    for suffix in _EN_SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix) + 1:
            return _norm(low[: -len(suffix)])
    return None


def _regions(db):
    from .catalogue import regions

    return regions(db)


def _names_of(r) -> tuple[set[str], set[str]]:
    """(full names, short names) of a region, normalised."""
    full = {n for n in (_norm(r.name_zh), _norm(r.name_en)) if n}
    short = {n for n in (_norm(short_zh(r.name_zh) or ""), _short_en(r.name_en or "") or "") if n} - full
    return full, short


def _keep_valid(found: list, year: int | None) -> list:
    if year is None or len(found) < 2:
        return found
    valid = [r for r in found if r.valid_in(year)]
    return valid or found


def _parent(r, regs):
    """The parent worth naming beside a region (not 全国)."""
    parent = regs.get(r.parent) if r.parent else None
    return parent if parent and parent.level != "nation" else None


def _label(r, regs, lang: str) -> str:
    parent = _parent(r, regs)
    if lang == "zh":
        return f"{parent.name_zh if parent else ''}{r.name_zh}（{r.code}）"
    return f"{r.name('en')}{', ' + parent.name('en') if parent else ''} ({r.code})"


def _ambiguous_region(text: str, found: list, regs) -> AmbiguousName:
    found = sorted(found, key=lambda r: r.code)
    first = found[0]
    parent = _parent(first, regs)
    shown = found[:8]
    return AmbiguousName(
        "region_ambiguous", text=text,
        params={"candidates": "; ".join(_label(r, regs, "en") for r in shown) + ("; …" if len(found) > 8 else ""),
                "candidates_zh": "、".join(_label(r, regs, "zh") for r in shown) + ("等" if len(found) > 8 else ""),
                "example": f"{parent.name_zh if parent else ''}{first.name_zh}"})


def resolve_region(db, text: str, year: int | None = None) -> str:
    """The code of the region ``text`` names (code, full, short or parent-qualified name), or raise
    ``NotFoundError`` (unknown, with suggestions) / :class:`AmbiguousName` (with the candidates)."""
    text = (text or "").strip()
    if db.execute("select 1 from regions where code = ?", [text]).fetchone():
        return text
    regs = _regions(db)
    key = _norm(text)
    if not key:
        raise NotFoundError("unknown_region", text=text)
    full, short, qualified = [], [], []
    names = {code: _names_of(r) for code, r in regs.items()}
    for code, r in regs.items():
        f, s = names[code]
        if key in f:
            full.append(r)
        elif key in s:
            short.append(r)
    if not full and not short:                       # 北京市朝阳区: a parent's name, then the region's
        for code, r in regs.items():
            f, s = names[code]
            for own in f | s:
                if len(own) < len(key) and key.endswith(own):
                    prefix = key[: -len(own)]
                    up = r.parent
                    while up in regs:
                        pf, ps = names[up]
                        if prefix in pf or prefix in ps:
                            qualified.append(r)
                            break
                        up = regs[up].parent
                    if qualified and qualified[-1] is r:
                        break
    for found in (full, short, qualified):
        found = _keep_valid(list({r.code: r for r in found}.values()), year)
        if len(found) == 1:
            return found[0].code
        if found:
            raise _ambiguous_region(text, found, regs)
    raise _unknown(text, key, {n: code for code, (f, s) in names.items() for n in (f | s)},
                   lambda c, lang: f"{regs[c].name(lang)} ({c})" if lang == "en" else f"{regs[c].name_zh}（{c}）",
                   "unknown_region", lambda c: _LEVEL_WEIGHT.get(regs[c].level, 0))


def _unknown(text: str, key: str, by_name: dict[str, str], show, code: str, weight=None) -> NotFoundError:
    """Unknown: the three closest names (difflib's ratio; at equal distance the same first character and
    ``weight(code)`` — a higher level — come first), and names containing what was typed."""
    cutoff = 0.5 if len(key) <= 3 and not key.isascii() else 0.6      # 江舒 → 江苏 (one of two characters)
    scored = []
    for name, found in by_name.items():
        m = difflib.SequenceMatcher(None, key, name)
        if m.real_quick_ratio() >= cutoff and m.quick_ratio() >= cutoff:
            ratio = m.ratio()
            if ratio >= cutoff:
                scored.append((ratio + 0.1 * (name[:1] == key[:1]) + (weight(found) if weight else 0), found))
    scored.sort(key=lambda t: -t[0])
    close = [found for _, found in scored]
    close += [found for name, found in by_name.items() if len(key) >= 2 and key in name]   # 有效发明专利 → …拥有量
    codes = list(dict.fromkeys(close))[:3]
    if not codes:
        return NotFoundError(code, text=text)
    return NotFoundError(code + "_suggest", text=text,
                         params={"suggestions": ", ".join(show(c, "en") for c in codes),
                                 "suggestions_zh": "、".join(show(c, "zh") for c in codes)})


def resolve_indicator(db, text: str) -> str:
    """The code of the indicator ``text`` names: its code (any case), its Chinese or English name."""
    from .catalogue import indicators

    text = (text or "").strip()
    inds = indicators(db)
    if text in inds:
        return text
    key = _norm(text)
    found = [code for code, i in inds.items() if key in (_norm(code), _norm(i.name_zh), _norm(i.name_en))]
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousName("indicator_ambiguous", text=text,
                            params={"candidates": "; ".join(f"{inds[c].name_en} ({c})" for c in found),
                                    "candidates_zh": "、".join(f"{inds[c].name_zh}（{c}）" for c in found)})
    by_name = {}
    for code, i in inds.items():
        for n in (_norm(i.name_zh), _norm(i.name_en), _norm(code)):
            by_name.setdefault(n, code)
    raise _unknown(text, key, by_name, lambda c, lang: f"{inds[c].name(lang)} ({c})" if lang == "en"
                   else f"{inds[c].name_zh}（{c}）", "unknown_indicator")
