"""Indicators and regions as plain objects read from the store.

>>> inds = indicators(db)
>>> inds["HV_PATENTS_PER_10K"].derived
True
>>> children(db, "320000")[:2]
['320100', '320200']
"""
from __future__ import annotations

from typing import NamedTuple

from .errors import NotFoundError
from .messages import register

register({
    "unknown_region": ("unknown region {text!r}", "未知地区“{text}”"),
    "unknown_indicator": ("unknown indicator {text!r}", "未知指标“{text}”"),
})

# default year-on-year plausibility band by kind: per cent of last year's figure, except for
# POINT_KINDS where it is in percentage points (absolute change); resources/catalogue/checks.csv
# sets it per indicator, a store's indicators.yoy_band overrides that
DEFAULT_YOY_BAND = {"count": 30.0, "amount": 30.0, "population": 5.0, "ratio": 30.0, "months": 30.0,
                    "percent": 10.0, "score": 10.0}
POINT_KINDS = ("percent", "score")
LEVEL_ZH = {"nation": "全国", "province": "省级", "prefecture": "地市级", "county": "县级", "unit": "单位"}
OVER_YEAR = ("sum", "last")        # quarters/months of a flow add up to the year; a stock's last one is the year end
_DB_FIELDS = ("code", "name_zh", "name_en", "unit_zh", "unit_en", "kind", "decimals", "direction", "aggregate",
              "formula", "levels", "frequency", "note", "yoy_band", "required", "position")


class Indicator(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    kind: str
    decimals: int
    direction: str
    aggregate: str
    formula: str | None
    levels: str
    frequency: str
    note: str | None
    yoy_band: float | None
    required: int
    position: int
    check_band: float | None = None     # resources/catalogue/checks.csv ``band`` (0: "off")
    over_year: str | None = None        # "sum" (flow), "last" (year-end stock) or None
    section: str = ""                   # resources/catalogue/sections.csv: the group the grid shows it in

    def section_name(self, lang: str = "zh") -> str:
        """The section's name (专利创造, …); "" for an indicator in no section (a store's own)."""
        names = sections().get(self.section)
        return "" if names is None else names[0] if lang == "zh" else names[1]

    @property
    def derived(self) -> bool:
        return bool(self.formula)

    @property
    def additive(self) -> bool:
        return self.aggregate == "sum"

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def unit(self, lang: str = "zh") -> str:
        return self.unit_zh if lang == "zh" else self.unit_en

    def band(self) -> float | None:
        """Year-on-year plausibility band (in :attr:`band_unit`), or None when not checked."""
        for band in (self.yoy_band, self.check_band):
            if band is not None:
                return float(band) if band > 0 else None           # 0: "off"
        return DEFAULT_YOY_BAND.get(self.kind)

    @property
    def band_unit(self) -> str:
        """``"points"``: the band is an absolute change (percentage points); ``"percent"``: relative."""
        return "points" if self.kind in POINT_KINDS else "percent"

    def applies_to(self, level: str) -> bool:
        return self.levels == "all" or (self.levels == "national" and level == "nation")


class Region(NamedTuple):
    code: str
    parent: str | None
    level: str
    name_zh: str
    name_en: str
    valid_from: str | None
    valid_to: str | None

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" or not self.name_en else self.name_en

    def valid_in(self, year: int) -> bool:
        return (not self.valid_from or int(self.valid_from[:4]) <= year) and (
            not self.valid_to or int(self.valid_to[:4]) >= year)


def level_label(level: str, lang: str = "zh") -> str:
    """A region level in words: ``prefecture`` → 地市级 (the token itself in English)."""
    return LEVEL_ZH.get(level, level) if lang == "zh" else level


def indicators(db) -> dict[str, Indicator]:
    """All indicators in catalogue order, with how the checks treat them (``checks.csv``)."""
    rows = db.execute(f"select {', '.join(_DB_FIELDS)} from indicators order by position, code").fetchall()
    config = check_config()
    of = section_of()
    out = {}
    for r in rows:
        band, over = config.get(r[0], (None, "sum" if r[8] == "sum" and not r[9] else None))
        out[r[0]] = Indicator(*r, band, over, of.get(r[0], ""))
    return out


def in_sections(inds) -> list[Indicator]:
    """The indicators grouped by section, in the sections' order and within a section in the order
    ``sections.csv`` lists them; those in no section (a store's own indicators) last, in catalogue order.

    >>> [i.section for i in in_sections(indicators(db).values())][:2]
    ['base', 'stock']
    """
    order = {key: n for n, key in enumerate(sections())}
    listed = _SECTIONS[2]
    inds = list(inds)
    at = {id(i): n for n, i in enumerate(inds)}
    return sorted(inds, key=lambda i: (order.get(i.section, len(order)), listed.get(i.code, 0), at[id(i)]))


_SECTIONS: list = []


def sections() -> dict[str, tuple[str, str]]:
    """``{section: (name_zh, name_en)}`` in display order, from ``resources/catalogue/sections.csv``."""
    if not _SECTIONS:
        _read_sections()
    return _SECTIONS[0]


def section_of() -> dict[str, str]:
    """``{indicator code: section}`` (``sections.csv``, read once)."""
    if not _SECTIONS:
        _read_sections()
    return _SECTIONS[1]


def _read_sections() -> None:
    from .errors import InputError
    from .reference import _read_csv, resource

    path = resource("catalogue", "sections.csv")
    names, of, listed = {}, {}, {}
    for n, row in enumerate(_read_csv(path, {"section", "name_zh", "name_en", "indicators"}), start=2):
        key = row["section"].strip()
        if not key or key in names:
            raise InputError("csv_bad_field", file=str(path), cell=f"row {n}", text=key,
                             params={"column": "section", "why": "a key of its own"})
        names[key] = (row["name_zh"].strip(), row["name_en"].strip())
        for code in row["indicators"].split():
            if code in of:
                raise InputError("csv_bad_field", file=str(path), cell=f"row {n}", text=code,
                                 params={"column": "indicators", "why": "each indicator in one section"})
            of[code] = key
            listed[code] = len(listed)
    _SECTIONS[:] = [names, of, listed]


_CHECK_CONFIG: dict[str, tuple[float | None, str | None]] | None = None


def check_config(path=None) -> dict[str, tuple[float | None, str | None]]:
    """``{code: (band, over_year)}`` from ``resources/catalogue/checks.csv`` (read once)."""
    global _CHECK_CONFIG
    if _CHECK_CONFIG is not None and path is None:
        return _CHECK_CONFIG
    from .reference import _read_csv, bad_field, resource

    path = path or resource("catalogue", "checks.csv")
    out = {}
    for n, row in enumerate(_read_csv(path, {"code", "band", "over_year"}), start=2):
        text, over = row["band"].strip(), row["over_year"].strip() or None
        try:
            band = 0.0 if text.lower() == "off" else (float(text) if text else None)
        except ValueError:
            band = -1.0
        if band is not None and text.lower() != "off" and not 0 < band < float("inf"):
            raise bad_field(text, "band", "a number > 0, empty or off", file=str(path), cell=f"row {n}")
        if over not in (None, *OVER_YEAR):
            raise bad_field(over, "over_year", "sum, last or empty", file=str(path), cell=f"row {n}")
        out[row["code"].strip()] = (band, over)
    if path == resource("catalogue", "checks.csv"):
        _CHECK_CONFIG = out
    return out


_DEFINITIONS_ZH: dict[str, tuple[str, str]] | None = None


def definitions_zh() -> dict[str, tuple[str, str]]:
    """``{code: (source_zh, definition_zh)}``: each indicator's data source and 口径 in Chinese
    (``resources/catalogue/definitions_zh.csv``, read once) — what the report's 填报说明 and the
    fill-in template print."""
    global _DEFINITIONS_ZH
    if _DEFINITIONS_ZH is None:
        from .reference import _read_csv, resource

        rows = _read_csv(resource("catalogue", "definitions_zh.csv"), {"code", "source_zh", "definition_zh"})
        _DEFINITIONS_ZH = {r["code"].strip(): (r["source_zh"].strip(), r["definition_zh"].strip()) for r in rows}
    return _DEFINITIONS_ZH


def formula_words(formula: str, catalogue: dict[str, Indicator], lang: str = "zh") -> str:
    """A derivation formula with each indicator by its name, for people:

    >>> formula_words("(HV_PATENTS - HV_PATENTS_ABNORMAL) / POPULATION", indicators(db))
    '（高价值发明专利拥有量 − 高价值发明专利中应扣除的非正常申请相关专利） ÷ 常住人口'
    """
    import re

    def name(m):
        ind = catalogue.get(m.group())
        return ind.name(lang) if ind else m.group()

    text = re.sub(r"[A-Z][A-Z0-9_]*", name, formula or "")
    if lang != "zh":
        return text
    return text.replace("(", "（").replace(")", "）").replace(" - ", " − ").replace(" / ", " ÷ ").replace(
        " * ", " × ").replace("/", "÷").replace("*", "×")


def indicator(db, code: str) -> Indicator:
    found = indicators(db).get(code)
    if not found:
        raise NotFoundError("unknown_indicator", text=code)
    return found


REGION_COLS = _REGION_COLS = "code, parent, level, name_zh, name_en, valid_from, valid_to"


def region(db, code: str) -> Region:
    row = db.execute(f"select {_REGION_COLS} from regions where code = ?", [code]).fetchone()
    if not row:
        raise NotFoundError("unknown_region", text=code)
    return Region(*row)


def regions(db) -> dict[str, Region]:
    made = list(map(Region._make, db.execute(f"select {_REGION_COLS} from regions order by code")))
    return dict(zip([r.code for r in made], made))


def children(db, code: str, year: int | None = None) -> list[str]:
    rows = db.execute(f"select {_REGION_COLS} from regions where parent = ? order by code", [code]).fetchall()
    return [r[0] for r in rows if year is None or Region(*r).valid_in(year)]


def descendants(db, code: str) -> list[str]:
    """All regions below ``code`` (breadth-first, excluding itself)."""
    rows = db.execute(
        "with recursive d(code) as (select code from regions where parent = ?"
        " union all select r.code from regions r join d on r.parent = d.code) select code from d", [code]).fetchall()
    return [r[0] for r in rows]


def check_region_fields(code: str, level: str) -> None:
    """The rule for a region's code and level, wherever a region comes from (added here, or new in a
    received package): raises ``csv_bad_field`` naming the field."""
    from .reference import LEVELS, bad_field

    if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise bad_field(code, "code", "letters/digits, at most 20")
    if level not in LEVELS:
        raise bad_field(level, "level", "/".join(LEVELS))


def add_region(db, code: str, name_zh: str, *, parent: str, level: str = "unit", name_en: str = "",
               valid_from: str | None = None, valid_to: str | None = None, who: str | None = None) -> Region:
    """Add a reporting unit or division (e.g. 新疆生产建设兵团 with a code that is not GB/T 2260)."""
    from .audit import append, current_user
    from .store_basics import transaction
    from .errors import InputError

    region(db, parent)  # raises if unknown
    code = code.strip()
    check_region_fields(code, level)
    from .region_tree import tree_row

    with transaction(db):
        if db.execute("select 1 from regions where code = ?", [code]).fetchone():
            raise InputError("region_exists", text=code)
        db.execute("insert into regions(code, parent, level, name_zh, name_en, valid_from, valid_to, source)"
                   " values (?,?,?,?,?,?,?, 'user')", [code, parent, level, name_zh, name_en, valid_from, valid_to])
        who = who or current_user()
        fields = {"parent": parent, "level": level, "valid_from": valid_from, "valid_to": valid_to}
        append(db, [(who, "region_add", code, None, None, None, name_zh, None),
                    tree_row(who, code, None, fields, f"added {code}")])
        from .store_basics import bump_reference
        bump_reference(db)
    return region(db, code)


register({"region_exists": ("region code {text!r} already exists", "地区代码“{text}”已存在")})
