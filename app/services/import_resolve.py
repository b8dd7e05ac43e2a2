"""Turning cells into codes, periods and canonical values, with the place of every refusal.

Used by :mod:`importer` and :mod:`template` for both the template and the long format. Every method either
returns the resolved thing or raises ``InputError`` without a place; the importer adds
file, sheet and cell. Successful lookups are kept by the raw cell in ``region_ok``,
``ind_ok``, ``period_ok`` (a 100,000-row file names a few hundred regions and periods, again
and again), so the importer's loop reads a dict and calls the resolver only for a new text::

    r = Resolver(db)
    r.region("320100"), r.region(320100.0), r.region("南京市")     # -> ("320100", None | warning)
    r.period(2022.0), r.period("2022年")                          # -> "2022"
    r.value(0.30000000000000004, r.cat["INV_GRANT_RATE"])        # -> "0.3"
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from app.models.catalogue import Indicator, indicators, regions
from app.models.errors import InputError
from app.models.messages import register
from app.models.parse import canonical, check_range, parse_value
from app.models.periods import parse_period

from .sheets_common import MAX_NOTE, WHAT, cell_ref, date_as_year, is_temporal, number_text, show

if TYPE_CHECKING:
    from .importer import ImportPlan
    from .sheets_read import Book, Sheet

register({
    "import_unknown_region": ("unknown region code {text!r} (see 'ipdesk regions')",
                              "未知地区代码“{text}”（可用“ipdesk regions”查看）"),
    "import_ambiguous_region": ("region name {text!r} fits several regions ({codes}); write the code",
                                "地区名称“{text}”对应多个地区（{codes}），请填写地区代码"),
    "import_region_by_name": ("region {text!r} read as {code} (its exact name)", "地区“{text}”按名称识别为 {code}"),
    "import_unknown_indicator": ("unknown indicator code {text!r} (see 'ipdesk indicators')",
                                 "未知指标代码“{text}”（可用“ipdesk indicators”查看）"),
    "import_indicator_by_name": ("indicator {text!r} read as {code} (its exact name)",
                                 "指标“{text}”按名称识别为 {code}"),
    "import_empty_field": ("the {column} is empty", "{column_zh}为空"),
    "import_note_too_long": ("the note has {count} characters (at most {max})", "说明有 {count} 个字符（最多 {max} 个）"),
    "import_note_control": ("the note contains invisible control characters", "说明含有不可见的控制字符"),
})


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class Resolver:
    def __init__(self, db):
        self.cat: dict[str, Indicator] = indicators(db)
        self.regions = regions(db)
        self._names: dict[str, list[str]] = defaultdict(list)
        for r in self.regions.values():
            self._names[r.name_zh].append(r.code)
        self._ind_names = {i.name_zh: i.code for i in self.cat.values()}
        # successes by raw cell (what the hot loop reads); failures are computed again each time
        self.region_ok: dict = {}
        self.ind_ok: dict = {}
        self.period_ok: dict = {}

    # each returns (result, warning-or-None); the warning (a name read as a code) comes once per text
    def region(self, raw) -> tuple[str, InputError | None]:
        code, warn = self._region(raw)
        if not isinstance(raw, bool):
            self.region_ok[raw] = code
        return code, warn

    def _region(self, raw):
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        elif isinstance(raw, str):
            text = _clean(raw)
        else:
            text = show(raw)
        if not text:
            raise InputError("import_empty_field", params={"column": "region code", "column_zh": "地区代码"})
        if text in self.regions:
            return text, None
        codes = self._names.get(text, [])
        if len(codes) == 1:
            return codes[0], InputError("import_region_by_name", text=text, params={"code": codes[0]})
        if codes:
            raise InputError("import_ambiguous_region", text=text, params={"codes": ", ".join(codes[:6])})
        raise InputError("import_unknown_region", text=text)

    def indicator(self, raw) -> tuple[Indicator, InputError | None]:
        ind, warn = self._indicator(raw)
        if not isinstance(raw, bool):
            self.ind_ok[raw] = ind
        return ind, warn

    def _indicator(self, raw):
        text = _clean(raw) if isinstance(raw, str) else show(raw)
        if not text:
            raise InputError("import_empty_field", params={"column": "indicator code", "column_zh": "指标代码"})
        ind = self.cat.get(text) or self.cat.get(text.upper())
        if ind:
            return ind, None
        code = self._ind_names.get(text)
        if code:
            return self.cat[code], InputError("import_indicator_by_name", text=text, params={"code": code})
        raise InputError("import_unknown_indicator", text=text)

    def period(self, raw) -> str:
        period = self._period(raw)
        if not isinstance(raw, bool):
            self.period_ok[raw] = period
        return period

    @staticmethod
    def _period(raw) -> str:
        if isinstance(raw, bool):
            raise _typed("cell_bool", raw, "period")
        if isinstance(raw, (int, float)):
            try:
                return parse_period(number_text(raw))
            except ValueError:
                raise InputError("cell_not_finite") from None
        if is_temporal(raw):
            year = date_as_year(raw)
            if year is None:
                raise _typed("cell_date", raw, "period")
            return parse_period(str(year))
        if isinstance(raw, str) and not raw.strip():
            raise InputError("import_empty_field", params={"column": "period", "column_zh": "期间"})
        return parse_period(raw)

    @staticmethod
    def value(raw, ind: Indicator, percent: bool = False) -> str:
        """Canonical value string. Number cells lose their float noise and get the parser's range
        checks; text cells go through the clerk-format parser whole."""
        if isinstance(raw, bool):
            raise _typed("cell_bool", raw, "value")
        if isinstance(raw, (float, int)):
            try:
                text = number_text(raw)
            except ValueError:
                raise InputError("cell_not_finite") from None
            if percent:  # the clerk typed 12.5% and Excel kept 0.125: read what was seen
                raw = canonical(Decimal(text) * 100) + "%"
            else:
                check_range(Decimal(text), text, ind.kind, ind.unit_zh)
                return text
        elif is_temporal(raw):
            raise _typed("cell_date", raw, "value")
        return canonical(parse_value(raw, kind=ind.kind, unit_zh=ind.unit_zh, decimals=ind.decimals))

    @staticmethod
    def note(raw) -> str | None:
        """A note as written (line ends as ``\\n``); None when blank, which keeps the stored note."""
        if raw is None or raw == "":
            return None
        text = raw if isinstance(raw, str) else show(raw)
        if not text.strip():
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > MAX_NOTE:
            raise InputError("import_note_too_long", params={"count": len(text), "max": MAX_NOTE})
        if not text.isprintable() and any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
            raise InputError("import_note_control")
        return text


def _typed(code: str, raw, column: str) -> InputError:
    what, what_zh = WHAT[column]
    return InputError(code, text=show(raw), params={"what": what, "what_zh": what_zh})


def same_note(a: str | None, b: str | None) -> bool:
    norm = (lambda s: (s or "").replace("\r\n", "\n").replace("\r", "\n"))
    return norm(a) == norm(b)


class Collector:
    """Problems and warnings with their place; lists at most ``limit`` problems, counts all."""

    def __init__(self, plan: ImportPlan, book: Book, limit: int):
        self.plan, self.book, self.limit = plan, book, limit

    def where(self, sheet: Sheet | None, r: int | None = None, c: int | None = None, header: str = "") -> dict:
        name = None if sheet is None or self.book.kind == "csv" else sheet.name
        if r is None:
            cell = None
        elif c is None:
            cell = f"row {r + 1}"
        elif self.book.kind == "csv":
            cell = f"row {r + 1}, column {header or c + 1}"
        else:
            cell = cell_ref(r, c) + (f" ({header})" if header else "")
        return {"file": self.book.file, "sheet": name, "cell": cell,
                "extra": {"row": None if r is None else r + 1, "col": None if c is None else c + 1}}

    def _place(self, err: InputError, at: dict) -> InputError:
        err.file, err.sheet, err.cell = at["file"], at["sheet"], at["cell"]
        err.params = {**err.params, **{k: v for k, v in at["extra"].items() if v is not None}}
        return err

    def problem(self, err: InputError, at: dict) -> None:
        self.plan.problem_count += 1
        if len(self.plan.problems) < self.limit:
            self.plan.problems.append(self._place(err, at))

    def warning(self, err: InputError, at: dict) -> None:
        if len(self.plan.warnings) < self.limit:
            self.plan.warnings.append(self._place(err, at))
