"""Turning cells into codes, periods and canonical values, with the place of every refusal.

:class:`Resolver` turns one cell into a region code, an indicator, a period or a canonical
value, or raises ``InputError`` without a place; :class:`Collector` adds file, sheet and
cell and keeps the lists. :func:`read_long` resolves long-format sheets column by column
(the template's rows are read by :func:`app.services.sheets.template.read_filled`). Successful
lookups are kept by the raw cell in ``region_ok``, ``ind_ok``, ``period_ok`` (a 100,000-row
file names a few hundred regions and periods, again and again)::

    r = Resolver(db)
    r.region("320100"), r.region(320100.0), r.region("南京市")     # -> ("320100", None | warning)
    r.period(2022.0), r.period("2022年")                          # -> "2022"
    r.value(0.30000000000000004, r.cat["INV_GRANT_RATE"])        # -> "0.3"
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from app.models.catalogue import Indicator, indicators, regions
from app.models.errors import InputError
from app.models.messages import register
from app.models.parse import canonical, check_range, clearly_in_range, parse_value
from app.models.periods import parse_period

from app.services.sheets.common import (MAX_NOTE, REQUIRED_COLUMNS, WHAT, Steps, cell_ref, date_as_year, header_role, is_blank,
                            is_temporal, number_text, show)

if TYPE_CHECKING:
    from app.services.sheets.plan import ImportPlan
    from app.services.sheets.read import Book, Sheet

register({
    "import_unknown_region": ("unknown region code {text!r} (see 'ipdesk regions')",
                              "未知地区代码“{text}”（可用“ipdesk regions”查看）"),
    "import_ambiguous_region": ("region name {text!r} fits several regions ({codes}); write the code",
                                "地区名称“{text}”对应多个地区（{codes_zh}），请填写地区代码"),
    "import_region_by_name": ("region {text!r} read as {code} (its exact name)",
                              "地区“{text}”按名称识别为{name_zh}（{code}）"),
    "import_unknown_indicator": ("unknown indicator code {text!r} (see 'ipdesk indicators')",
                                 "未知指标代码“{text}”（可用“ipdesk indicators”查看）"),
    "import_indicator_by_name": ("indicator {text!r} read as {code} (its exact name)",
                                 "指标“{text}”按名称识别为{name_zh}（{code}）"),
    "import_empty_field": ("the {column} is empty", "{column_zh}为空"),
    "import_note_too_long": ("the note has {count} characters (at most {max})", "说明有 {count} 个字符（最多 {max} 个）"),
    "import_note_control": ("the note contains invisible control characters", "说明含有不可见的控制字符"),
    "import_not_recognised": (
        "not an ipdesk template, and no sheet has the long-format header row (region, indicator, period, value"
        " [, note] or 地区代码, 指标代码, 期间, 数值 [, 说明])",
        "不是 ipdesk 模板，也没有工作表带有长表格式的表头（地区代码、指标代码、期间、数值[、说明]，"
        "或 region, indicator, period, value[, note]）"),
    "import_missing_columns": ("the header row lacks column(s): {columns}", "表头缺少列：{columns}"),
    "import_ignored_columns": ("column(s) {columns} are not part of the format and were not read",
                               "列 {columns} 不属于导入格式，未读取"),
    "import_ignored_sheet": ("sheet without the long-format header row, not read", "工作表没有长表格式表头，未读取"),
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

    def _with_parent(self, code: str) -> str:
        """北京市朝阳区: a region's name after its parent's, to tell regions of one name apart."""
        reg = self.regions[code]
        parent = self.regions.get(reg.parent) if reg.parent else None
        return (parent.name_zh if parent and parent.level != "nation" else "") + reg.name_zh

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
            return codes[0], InputError("import_region_by_name", text=text, params={
                "code": codes[0], "name_zh": self.regions[codes[0]].name_zh})
        if codes:
            raise InputError("import_ambiguous_region", text=text, params={
                "codes": ", ".join(codes[:6]),
                "codes_zh": "、".join(f"{self._with_parent(c)}（{c}）" for c in codes[:6])})
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
            return self.cat[code], InputError("import_indicator_by_name", text=text, params={
                "code": code, "name_zh": self.cat[code].name_zh})
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


# ---------------------------------------------------------------- the long format, column by column

def read_long(book: Book, resolver: Resolver, out: Collector, steps: Steps) -> list[Chunk]:
    """Every visible sheet with the long-format header row, resolved (see :func:`_read_long_sheet`)."""
    chunks: list[Chunk] = []
    used = 0
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        header_at, roles = _find_header(sheet.rows)
        if header_at is None:
            if any(any(not is_blank(c) for c in row) for row in sheet.rows[:50]):
                out.warning(InputError("import_ignored_sheet"), out.where(sheet))
            continue
        used += 1
        missing = [c for c in REQUIRED_COLUMNS if c not in roles]
        header = sheet.rows[header_at]
        if missing:
            out.problem(InputError("import_missing_columns", params={"columns": ", ".join(missing)}),
                        out.where(sheet, header_at))
            continue
        unknown = [show(h) for h in header if not is_blank(h) and header_role(h) is None]
        if unknown:
            out.warning(InputError("import_ignored_columns", params={"columns": ", ".join(unknown)}),
                        out.where(sheet, header_at))
        _read_long_sheet(sheet, header_at, roles, [show(h).strip() for h in header], resolver, out, chunks,
                         steps.part(used / (len(book.sheets) + 1), (used + 1) / (len(book.sheets) + 1)))
    if not used:
        out.problem(InputError("import_not_recognised"), out.where(None))
    return chunks


def _find_header(rows: list[list]) -> tuple[int | None, dict[str, int]]:
    for n, row in enumerate(rows[:30]):
        roles: dict[str, int] = {}
        for c, cell in enumerate(row):
            role = header_role(cell)
            if role and role not in roles:
                roles[role] = c
        if len(set(roles) & set(REQUIRED_COLUMNS)) >= 2:
            return n, roles
    return None, {}


@dataclass
class Chunk:
    """Resolved values of one sheet, column by column (the rows that had no problem)."""

    sheet: Sheet
    rows: list[int]              # 0-based sheet rows
    regions: list[str]
    inds: list
    periods: list[str]
    values: list[str]
    notes: list


def chunks_of(values: list[tuple]) -> list[Chunk]:
    """Row tuples ``(region, ind, period, value, note, sheet, r)`` (the template's) as chunks."""
    sheets = {id(v[5]): v[5] for v in values}          # (a Sheet is not hashable: by identity)
    out = []
    for sheet in sheets.values():
        mine = [v for v in values if v[5] is sheet]
        out.append(Chunk(sheet, [v[6] for v in mine], *([v[n] for v in mine] for n in range(5))))
    return out


def _read_long_sheet(sheet: Sheet, header_at: int, roles: dict, header: list[str], resolver: Resolver,
                     out: Collector, chunks: list, steps: Steps) -> None:
    """Resolve a long sheet column by column: a 100,000-row import spends its time here, and a
    lookup mapped over a column costs a third of one made row by row. The first failing cell of
    a row (in the order region, indicator, period, value, note) is its problem; problems are
    reported in row order."""
    ci_r, ci_i, ci_p, ci_v = (roles[k] for k in REQUIRED_COLUMNS)
    ci_n = roles.get("note")
    order = [c for c in (ci_r, ci_i, ci_p, ci_v, ci_n) if c is not None]
    width = max(order) + 1
    base = header_at + 1
    data = sheet.rows[base:]
    if data and min(map(len, data)) < width:
        data = [row if len(row) >= width else row + [""] * (width - len(row)) for row in data]
    formulas, percents = sheet.formula_cells, sheet.percent_cells
    vcol = [row[ci_v] for row in data]
    live = [k for k, v in enumerate(vcol) if v.__class__ is float or not is_blank(v) or (base + k, ci_v) in formulas]
    if len(live) < len(data):
        live_set = set(live)
        out.plan.skipped += sum(1 for k, row in enumerate(data)
                                if k not in live_set and not all(is_blank(c) for c in row))
    live_rows = data if len(live) == len(data) else [data[k] for k in live]
    failed: dict[int, tuple[int, InputError]] = {}   # k -> (column, problem)

    def fail(k: int, col: int, err: InputError) -> None:
        if k not in failed or order.index(col) < order.index(failed[k][0]):
            failed[k] = (col, err)

    if formulas:
        positions = {k: j for j, k in enumerate(live)}
        for fr, fc in formulas:
            if fc in order and fr - base in positions:
                fail(fr - base, fc, InputError("cell_formula_no_value"))

    def resolve(col: int, cache: dict, lookup) -> list:
        """Map the column through ``cache``; each text not in it is looked up once, and its
        warning or problem goes to the rows that hold it."""
        raws = [row[col] for row in live_rows]
        warned, refused = {}, {}
        for raw in dict.fromkeys(raws):          # distinct, in order of first appearance
            if raw not in cache:
                try:
                    found, warn = lookup(raw)
                    if warn:
                        warned[raw] = warn
                except InputError as exc:
                    refused[raw] = exc
        got = list(map(cache.get, raws))
        if warned or refused:
            for j, raw in enumerate(raws):
                if raw in refused:
                    exc = refused[raw]
                    fail(live[j], col, InputError(exc.code, text=exc.text, params=dict(exc.params)))
                elif raw in warned and live[j] not in failed:
                    out.warning(warned.pop(raw), out.where(sheet, base + live[j], col, header[col]))
        return got

    steps(0.1, f"{sheet.name}: codes")
    regions = resolve(ci_r, resolver.region_ok, resolver.region)
    inds = resolve(ci_i, resolver.ind_ok, resolver.indicator)
    periods = resolve(ci_p, resolver.period_ok, lambda raw: (resolver.period(raw), None))
    steps(0.4, f"{sheet.name}: values")
    vlive = vcol if live_rows is data else [row[ci_v] for row in live_rows]
    # number cells (the common case) to text without float noise, in one pass; the range check is
    # the parser's own; text cells, dates and per-cent styled cells take the resolver's whole path
    values = [(str(int(x)) if x.is_integer() and -1e15 < x < 1e15 else
               r if len(r := repr(x)) < 17 and "e" not in r else number_text(x)) if x.__class__ is float
              else None for x in vlive]    # (a repr of at most 16 characters has at most 15 digits: see number_text)
    if percents:
        for j, k in enumerate(live):
            if (base + k, ci_v) in percents:
                values[j] = None
    # all number cells, all indicators known: their floats checked in one go (else row by row)
    checked = None not in values and None not in inds and clearly_in_range(vlive, [i.kind for i in inds])
    for j, (v, ind) in enumerate(zip(values, inds) if not checked else ()):
        if ind is None:            # its indicator failed: that is the row's problem
            values[j] = None
            continue
        try:
            if v is None:
                values[j] = resolver.value(vlive[j], ind, bool(percents) and (base + live[j], ci_v) in percents)
            else:
                check_range(Decimal(v), v, ind.kind, ind.unit_zh)
        except InputError as exc:
            fail(live[j], ci_v, exc)
    notes: list = [None] * len(live)
    if ci_n is not None:
        note_of = resolver.note
        ncol = [row[ci_n] for row in live_rows]
        for j in [j for j, raw in enumerate(ncol) if raw != "" and raw is not None]:
            try:
                notes[j] = note_of(ncol[j])
            except InputError as exc:
                fail(live[j], ci_n, exc)
    for k in sorted(failed):
        col, err = failed[k]
        out.problem(err, out.where(sheet, base + k, col, header[col]))
    keep = range(len(live)) if not failed else [j for j, k in enumerate(live) if k not in failed]
    if failed:
        live, regions, inds, periods, values, notes = (
            [seq[j] for j in keep] for seq in (live, regions, inds, periods, values, notes))
    chunks.append(Chunk(sheet, [base + k for k in live], regions, inds, periods, values, notes))
