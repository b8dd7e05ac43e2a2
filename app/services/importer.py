"""Import a filled template or a long-format file (.xlsx/.csv): first a dry run that says
what would change and lists every problem with its sheet, row and column, then — only when
there is no problem — one write through :func:`app.models.values.write_values`::

    plan = plan_import(db, "南京市2024.xlsx")           # reads, resolves, compares; writes nothing
    plan.counts()        # -> {"new": 3, "changed": 2, "unchanged": 21, "skipped": 0}
    plan.problems        # -> [InputError(code=..., file=..., sheet=..., cell="G9 (2024年填报值)", ...)]
    apply_plan(db, plan) # -> ImportResult(written=5, ...); InputError("import_has_problems") if any

Both are plain functions that take ``progress(fraction, message)`` and ``cancel()`` so the
window can run them off the UI thread; the dialog shows ``plan.rows`` (the diff) and asks
before :func:`apply_plan`.

Rules: empty cells are "no data" and skipped (an import never deletes); a blank note keeps
the stored note; unchanged values are not written (so a file may repeat values of a locked
year, as an export does); any new or changed value in an approved/locked region-year is a
problem naming the region and year. Regions may be given by code or by their exact,
unique Chinese name (a warning says so); indicators by code or exact Chinese name. Sheets
other than the template's and columns the format does not know are read past with a
warning. A template is refused when it is for another region or year than expected (the
caller says what it expects), made by a newer ipdesk, or when a row's unit no longer matches
the catalogue; a template from an older catalogue is mapped by indicator code.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.models.errors import InputError, IpdeskError, LockedError
from app.models.messages import register
from app.models.values import LOCKED_STATES, STATUS_ZH, Change, region_year_status, write_values

from .import_resolve import Collector, Resolver, same_note
from .sheets_common import REQUIRED_COLUMNS, Steps, header_role, is_blank, show
from .sheets_read import Book, Sheet, read_book
from .template import META_SHEET, read_filled

register({
    "import_not_recognised": (
        "not an ipdesk template, and no sheet has the long-format header row (region, indicator, period, value"
        " [, note] or 地区代码, 指标代码, 期间, 数值 [, 说明])",
        "不是 ipdesk 模板，也没有工作表带有长表格式的表头（地区代码、指标代码、期间、数值[、说明]，"
        "或 region, indicator, period, value[, note]）"),
    "import_missing_columns": ("the header row lacks column(s): {columns}", "表头缺少列：{columns}"),
    "import_ignored_columns": ("column(s) {columns} are not part of the format and were not read",
                               "列 {columns} 不属于导入格式，未读取"),
    "import_ignored_sheet": ("sheet without the long-format header row, not read", "工作表没有长表格式表头，未读取"),
    "import_duplicate": ("{text} appears again here with a different value (first at {other})",
                         "{text} 重复出现且数值不同（首次出现在 {other}）"),
    "import_duplicate_same": ("{text} appears again here with the same value (first at {other})",
                              "{text} 重复出现，数值相同（首次出现在 {other}）"),
    "import_locked": ("{region_name} ({region}) {year} is {status} and locked: {count} value(s) in this file would "
                      "change it; an office head must unlock it first",
                      "{region_name}（{region}）{year} 年数据{status_zh}并锁定：本文件中有 {count} 个数值会修改它，"
                      "须由单位负责人解锁后才能导入"),
    "import_not_applicable": ("{text} is not reported at the level of {region} ({level})",
                              "{text} 不适用于 {region} 所在层级（{level}）"),
    "import_more_problems": ("{count} more problem(s) not listed", "另有 {count} 个问题未列出"),
    "import_has_problems": ("the file has {count} problem(s); nothing was written", "文件有 {count} 个问题，未写入任何数据"),
})

MAX_LISTED = 1000
STATUSES = ("new", "changed", "unchanged")


@dataclass(slots=True)
class Row:
    """One value of the file, resolved and compared with the store."""

    region: str
    indicator: str
    period: str
    value: str                 # canonical decimal string
    note: str | None           # None: keep the stored note
    old: str | None            # stored value; None when new
    old_note: str | None
    status: str                # new | changed | unchanged
    sheet: str | None
    row: int                   # 1-based row in the sheet (CSV: record number, header = 1)


@dataclass
class ImportPlan:
    path: Path
    kind: str                                   # "template" | "long"
    rows: list[Row] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    skipped: int = 0                            # empty value cells
    problem_count: int = 0                      # all problems, including those not listed
    template: dict | None = None                # the template's _meta, for a template

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for r in self.rows:
            out[r.status] += 1
        out["skipped"] = self.skipped
        return out

    def changes(self) -> list[Row]:
        return [r for r in self.rows if r.status != "unchanged"]

    def to_dict(self, *, all_rows: bool = False) -> dict:
        return {"file": self.path.name, "kind": self.kind, "ok": self.ok, "counts": self.counts(),
                "template": self.template, "problem_count": self.problem_count,
                "problems": [p.to_dict() for p in self.problems], "warnings": [w.to_dict() for w in self.warnings],
                "rows": [asdict(r) for r in (self.rows if all_rows else self.changes())]}


@dataclass
class ImportResult:
    plan: ImportPlan
    written: int = 0
    unchanged: int = 0
    applied: bool = False


# ---------------------------------------------------------------- plan

def plan_import(db, path, *, expect_region: str | None = None, expect_year: int | None = None,
                progress=None, cancel=None, max_listed: int = MAX_LISTED) -> ImportPlan:
    """Dry run: read ``path``, resolve every cell and compare with the store. Writes nothing.

    Raises ``InputError`` only when the file cannot be read at all (not a workbook, damaged,
    a zip or XML bomb, an unknown encoding); everything else is in ``plan.problems``.
    ``expect_region``/``expect_year`` (the dialog's current region-year) refuse a template
    made for another one.
    """
    steps = Steps(progress, cancel)
    book = read_book(path, steps=steps.part(0.0, 0.5))
    meta_sheet = book.sheet(META_SHEET)
    plan = ImportPlan(Path(path), "template" if meta_sheet is not None else "long")
    out = Collector(plan, book, max_listed)
    resolver = Resolver(db)
    values: list[tuple] = []    # (region, indicator, period, value, note, sheet, row)
    if meta_sheet is not None:
        read_filled(db, book, meta_sheet, resolver, out, values, expect_region, expect_year, steps.part(0.5, 0.85))
    else:
        _long_rows(book, resolver, out, values, steps.part(0.5, 0.85))
    steps(0.85, "comparing with the store")
    _compare(db, plan, out, values, resolver)
    if plan.problem_count > len(plan.problems):
        plan.problems.append(InputError("import_more_problems", file=book.file,
                                        params={"count": plan.problem_count - len(plan.problems)}))
    steps(1.0, "done")
    return plan


def _long_rows(book: Book, resolver: Resolver, out: Collector, values: list, steps: Steps) -> None:
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
        _read_long_sheet(sheet, header_at, roles, [show(h).strip() for h in header], resolver, out, values, steps)
    if not used:
        out.problem(InputError("import_not_recognised"), out.where(None))


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


def _read_long_sheet(sheet: Sheet, header_at: int, roles: dict, header: list[str], resolver: Resolver,
                     out: Collector, values: list, steps: Steps) -> None:
    ci_r, ci_i, ci_p, ci_v = (roles[k] for k in REQUIRED_COLUMNS)
    ci_n = roles.get("note")
    width = max(roles.values()) + 1
    formulas, percents = sheet.formula_cells, sheet.percent_cells
    rows = sheet.rows
    total = len(rows)
    for r in range(header_at + 1, total):
        if r % 5000 == 0:
            steps(r / total, f"{sheet.name}: row {r + 1}")
        row = rows[r]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        raw_v = row[ci_v]
        if (raw_v == "" or is_blank(raw_v)) and (r, ci_v) not in formulas:
            if not all(is_blank(c) for c in row):
                out.plan.skipped += 1
            continue
        try:
            for c in (ci_r, ci_i, ci_p, ci_v, ci_n):
                if c is not None and (r, c) in formulas:
                    raise _At(InputError("cell_formula_no_value"), c)
            try:
                region, warn = resolver.region(row[ci_r])
            except InputError as exc:
                raise _At(exc, ci_r) from None
            if warn:
                out.warning(warn, out.where(sheet, r, ci_r, header[ci_r]))
            try:
                ind, warn = resolver.indicator(row[ci_i])
            except InputError as exc:
                raise _At(exc, ci_i) from None
            if warn:
                out.warning(warn, out.where(sheet, r, ci_i, header[ci_i]))
            try:
                period = resolver.period(row[ci_p])
            except InputError as exc:
                raise _At(exc, ci_p) from None
            try:
                value = resolver.value(raw_v, ind, (r, ci_v) in percents)
            except InputError as exc:
                raise _At(exc, ci_v) from None
            try:
                note = resolver.note(row[ci_n]) if ci_n is not None else None
            except InputError as exc:
                raise _At(exc, ci_n) from None
        except _At as at:
            out.problem(at.err, out.where(sheet, r, at.col, header[at.col]))
            continue
        values.append((region, ind, period, value, note, sheet, r))


class _At(Exception):
    def __init__(self, err: InputError, col: int):
        self.err, self.col = err, col


# ---------------------------------------------------------------- compare with the store

def _compare(db, plan: ImportPlan, out: Collector, values: list, resolver: Resolver) -> None:
    if not values:
        return
    regions = sorted({v[0] for v in values})
    years = [int(v[2][:4]) for v in values]
    stored: dict[tuple, tuple] = {}
    for n in range(0, len(regions), 500):
        chunk = regions[n:n + 500]
        for reg, ind, per, val, note in db.execute(
                f'select region, indicator, period, value, note from "values" where region in ({",".join("?" * len(chunk))})'
                " and year between ? and ?", [*chunk, min(years), max(years)]):
            stored[(reg, ind, per)] = (val, note)
    seen: dict[tuple, tuple] = {}
    locked: dict[tuple, list] = {}
    level_warned: set = set()
    rows = plan.rows
    for region, ind, period, value, note, sheet, r in values:
        key = (region, ind.code, period)
        first = seen.get(key)
        if first is not None:
            code = "import_duplicate" if first[0] != value else "import_duplicate_same"
            err = InputError(code, text=" · ".join(key), params={"other": _row_name(out, first[1], first[2])})
            (out.problem if code == "import_duplicate" else out.warning)(err, out.where(sheet, r))
            continue
        seen[key] = (value, sheet, r)
        old, old_note = stored.get(key, (None, None))
        if note is not None and same_note(note, old_note):
            note = None
        status = "new" if old is None else ("changed" if old != value or note is not None else "unchanged")
        rows.append(Row(region, ind.code, period, value, note, old, old_note, status,
                        None if out.book.kind == "csv" else sheet.name, r + 1))
        if status != "unchanged":
            locked.setdefault((region, int(period[:4])), []).append((sheet, r))
        level = resolver.regions[region].level
        if not ind.applies_to(level) and (region, ind.code) not in level_warned:
            level_warned.add((region, ind.code))
            out.warning(InputError("import_not_applicable", text=ind.code, params={"region": region, "level": level}),
                        out.where(sheet, r))
    for (region, year), places in sorted(locked.items()):
        status = region_year_status(db, region, year)
        if status in LOCKED_STATES:
            name = db.execute("select name_zh from regions where code = ?", [region]).fetchone()[0]
            sheet, r = places[0]
            out.problem(InputError("import_locked", region=region, period=str(year), params={
                "region_name": name, "region": region, "year": year, "status": status, "status_zh": STATUS_ZH[status],
                "count": len(places)}), out.where(sheet, r))


def _row_name(out: Collector, sheet: Sheet, r: int) -> str:
    return f"row {r + 1}" if out.book.kind == "csv" else f"{sheet.name} row {r + 1}"


# ---------------------------------------------------------------- apply

def apply_plan(db, plan: ImportPlan, *, who: str | None = None, why: str | None = None, cancel=None) -> ImportResult:
    """Write the plan's new and changed values in one transaction, or nothing.

    Refuses (``InputError("import_has_problems")``) a plan with any problem. Unchanged values
    are not sent, so a file repeating the values of a locked year imports.
    """
    if not plan.ok:
        raise InputError("import_has_problems", file=plan.path.name, params={"count": plan.problem_count})
    if cancel and cancel():
        from .sheets_common import Cancelled

        raise Cancelled("cancelled")
    changes = [Change(r.region, r.indicator, r.period, r.value, r.note) for r in plan.changes()]
    try:
        res = write_values(db, changes, who=who, why=why or f"import {plan.path.name}", action="import")
    except LockedError as exc:   # the store changed since the dry run
        raise InputError("import_locked", file=plan.path.name, region=exc.region, period=exc.period, params={
            **exc.params, "region": exc.region, "count": sum(r.region == exc.region for r in plan.changes())}) from None
    return ImportResult(plan, written=res.written, unchanged=len(plan.rows) - res.written, applied=True)


def import_file(db, path, *, apply: bool = False, who: str | None = None, why: str | None = None,
                expect_region: str | None = None, expect_year: int | None = None,
                progress=None, cancel=None) -> ImportResult:
    """Dry run, and with ``apply=True`` the write when the dry run found no problem."""
    steps = Steps(progress, cancel)
    plan = plan_import(db, path, expect_region=expect_region, expect_year=expect_year,
                       progress=steps.part(0, 0.6 if apply else 1.0), cancel=cancel)
    if not apply or not plan.ok:
        return ImportResult(plan)
    steps(0.6, "writing")
    return apply_plan(db, plan, who=who, why=why, cancel=cancel)


__all__ = ["ImportPlan", "ImportResult", "Row", "plan_import", "apply_plan", "import_file", "IpdeskError"]
