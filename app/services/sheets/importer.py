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

import re
from itertools import repeat
from pathlib import Path

from app.models.errors import InputError, IpdeskError, LockedError
from app.models.messages import register
from app.models.db import transaction
from app.models.values import (LOCKED_STATES, STATUS_ZH, WriteResult, no_gc_pauses, region_year_status,
                               stored_values, write_values)
from app.models.values import _references_checked_here   # (the batch's own switch, for the batches together)

from app.services.sheets.resolve import Chunk, Collector, Resolver, _find_header, chunks_of, read_long, same_note
from app.models.catalogue import level_label
from app.services.sheets.common import Steps, row_words
from app.services.sheets.plan import STATUSES, ImportPlan, ImportResult, Row, make_row as _make_row  # noqa: F401
from app.services.sheets.read import Book, Sheet, csv_batches, csv_format, kind_of, read_book
from app.services.sheets.template import META_SHEET, read_filled

register({
    "import_duplicate": ("{what_en} appears again here with a different value (first at {other})",
                         "{what_zh}重复出现且数值不同（首次出现在{other_zh}）"),
    "import_duplicate_same": ("{what_en} appears again here with the same value (first at {other})",
                              "{what_zh}重复出现，数值相同（首次出现在{other_zh}）"),
    "import_locked": ("{region_name_en} ({region}) {year} is {status} and locked: {count} value(s) in this file would "
                      "change it; an office head must unlock it first",
                      "{region_name}（{region}）{year} 年数据{status_zh}并锁定：本文件中有 {count} 个数值会修改它，"
                      "须由单位负责人解锁后才能导入"),
    "import_not_applicable": ("{indicator_en} is not reported at the level of {region_en} ({level})",
                              "{indicator_zh}不适用于{region_zh}所在层级（{level_zh}）"),
    "import_more_problems": ("{count} more problem(s) not listed", "另有 {count} 个问题未列出"),
    "import_has_problems": ("the file has {count} problem(s); nothing was written", "文件有 {count} 个问题，未写入任何数据"),
})

MAX_LISTED = 1000
WRITE_BATCH = 20_000          # values per write_values call inside the one transaction of a big import (100,000
                              # took the apply of a 200 MB CSV from 369 to 701 MB peak; 20,000 stays at the dry run's)


# ---------------------------------------------------------------- plan

def plan_import(db, path, *, expect_region: str | None = None, expect_year: int | None = None,
                progress=None, cancel=None, max_listed: int = MAX_LISTED) -> ImportPlan:
    """Dry run: read ``path``, resolve every cell and compare with the store. Writes nothing.

    Raises ``InputError`` only when the file cannot be read at all (not a workbook, damaged,
    a zip or XML bomb, an unknown encoding); everything else is in ``plan.problems``.
    ``expect_region``/``expect_year`` (the dialog's current region-year) refuse a template
    made for another one.
    """
    with no_gc_pauses():
        return _plan(db, path, expect_region, expect_year, Steps(progress, cancel), max_listed)


def _plan(db, path, expect_region, expect_year, steps: Steps, max_listed: int) -> ImportPlan:
    if kind_of(path) == "csv":
        return _plan_csv(db, Path(path), steps, max_listed)
    made = []           # the resolver's tables are read from the store while calamine reads the file
    book = read_book(path, steps=steps.part(0.0, 0.5), meanwhile=lambda: made.append(Resolver(db)))
    meta_sheet = book.sheet(META_SHEET)
    plan = ImportPlan(Path(path), "template" if meta_sheet is not None else "long")
    out = Collector(plan, book, max_listed)
    resolver = made[0]
    if meta_sheet is not None:
        values: list[tuple] = []    # (region, indicator, period, value, note, sheet, row)
        read_filled(db, book, meta_sheet, resolver, out, values, expect_region, expect_year, steps.part(0.5, 0.85))
        chunks = chunks_of(values)
    else:
        chunks = read_long(book, resolver, out, steps.part(0.5, 0.85))
    steps(0.85, "comparing with the store")
    _compare(db, plan, out, chunks, resolver)
    if plan.problem_count > len(plan.problems):
        plan.problems.append(InputError("import_more_problems", file=book.file,
                                        params={"count": plan.problem_count - len(plan.problems)}))
    steps(1.0, "done")
    return plan


# ---------------------------------------------------------------- a CSV, in batches

class _Shifted(Collector):
    """A collector for one batch of a CSV: the batch's rows are numbered from its own header
    copy; places are given in the file's rows. Header-row warnings come from the first batch only."""

    shift = 0
    first = True

    def where(self, sheet, r=None, c=None, header: str = "") -> dict:
        return super().where(sheet, None if r is None else r + self.shift, c, header)

    def warning(self, err: InputError, at: dict) -> None:
        if self.first or err.code not in ("import_ignored_columns", "import_ignored_sheet"):
            super().warning(err, at)


# a canonical decimal (what an export writes) a float holds exactly: at most 15 significant digits, below 10^15
_EXACT_NUMBER = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,14}[1-9])?").fullmatch


def _numbers_as_numbers(rows: list[list], col: int) -> None:
    """A value cell holding a canonical decimal of at most 15 significant digits becomes the float
    it reads as, so that the resolver takes it the way it takes a spreadsheet's number cell: the
    column checked in one go, the text given back exactly (``number_text``); the parser's own
    verdict, without its per-cell work. Anything else (separators, units, 万, full-width digits,
    leading zeros, 16+ digits) stays text for the parser."""
    exact = _EXACT_NUMBER
    for row in rows:
        if len(row) > col:
            v = row[col]
            if exact(v) is not None and (len(v) <= 15 or len(v.replace(".", "").lstrip("0")) <= 15):
                row[col] = float(v)


def _plan_csv(db, path: Path, steps: Steps, max_listed: int) -> ImportPlan:
    """A CSV is read, resolved and compared a batch of rows at a time (its cells never all in memory):
    a 200 MB file imports in a few hundred MB. Problems and rows are placed as in the whole file."""
    steps(0.0, "checking the workbook")
    fmt = csv_format(path)
    resolver = Resolver(db)
    plan = ImportPlan(path, "long")
    book = Book(path, "csv", [])
    out = Collector(plan, book, max_listed)
    batch_out = _Shifted(plan, book, max_listed)
    light = Sheet(path.stem, [])
    header: list | None = None
    note_col = value_col = None
    notes: dict[str, str] = {}          # equal notes as one string (a file repeats its notes row after row)
    chunks: list[Chunk] = []
    start = 0                            # the file's row index of the batch's first row
    size = max(path.stat().st_size, 1)
    done = 0
    for rows in csv_batches(path, fmt):
        n = len(rows)
        done += sum(map(len, rows[:200])) * 8 * n // max(min(n, 200), 1)    # (a rough count of bytes, for progress)
        steps(0.05 + 0.8 * min(done / size, 1.0), "reading rows")
        if header is None:
            at, roles = _find_header(rows)
            if at is not None:
                header, note_col, value_col = rows[at], roles.get("note"), roles.get("value")
            batch_out.shift, batch_out.first = 0, True
            sheet_rows = rows
        else:
            batch_out.shift, batch_out.first = start - 1, False
            sheet_rows = [header, *rows]
        if value_col is not None:
            _numbers_as_numbers(rows, value_col)
        if note_col is not None and len(notes) < 100_000:
            for row in rows:
                if len(row) > note_col and row[note_col]:
                    row[note_col] = notes.setdefault(row[note_col], row[note_col])
        got = [c for c in read_long(Book(path, "csv", [Sheet(path.stem, sheet_rows)]), resolver, batch_out, Steps())
               if c.rows]
        for chunk in got:
            if batch_out.shift:
                chunk.rows = [r + batch_out.shift for r in chunk.rows]
            chunk.sheet = light              # not the batch's rows: they go when the batch does
        chunks.extend(got)
        start += n
        if header is None:                   # no header row in the first batch: nothing else can be read
            break
    if not chunks and not plan.problem_count:
        read_long(Book(path, "csv", [Sheet(path.stem, [])]), resolver, out, Steps())    # (says "not recognised")
    steps(0.85, "comparing with the store")
    _compare(db, plan, out, chunks, resolver)
    if plan.problem_count > len(plan.problems):
        plan.problems.append(InputError("import_more_problems", file=path.name,
                                        params={"count": plan.problem_count - len(plan.problems)}))
    steps(1.0, "done")
    return plan


# ---------------------------------------------------------------- compare with the store

def _compare(db, plan: ImportPlan, out: Collector, chunks: list[Chunk], resolver: Resolver) -> None:
    """Each value against the store: new, changed (old -> new) or unchanged; duplicates in the
    file, indicators not reported at a region's level, and changes to locked region-years."""
    if not any(c.rows for c in chunks):
        return
    regions = sorted({r for c in chunks for r in c.regions})
    years = [int(p[:4]) for c in chunks for p in (min(c.periods), max(c.periods)) if c.periods]
    stored = stored_values(db, regions, min(years), max(years))
    locked_years = {(reg, str(year)) for reg, year in db.execute(
        f"select region, year from region_years where status in ({','.join('?' * len(LOCKED_STATES))})",
        list(LOCKED_STATES))}
    seen: dict[tuple, Row] = {}
    locked: dict[tuple, list] = {}
    level_warned: set = set()
    nothing = (None, None)
    for chunk in chunks:
        codes = [i.code for i in chunk.inds]
        keys = list(zip(chunk.regions, codes, chunk.periods))
        if len(set(keys)) < len(keys) or not seen.keys().isdisjoint(keys):
            keep = _drop_duplicates(out, chunk, keys, seen, resolver)
            if keep is not None:
                codes, keys = [codes[j] for j in keep], [keys[j] for j in keep]
                chunk = Chunk(chunk.sheet, *([seq[j] for j in keep] for seq in (
                    chunk.rows, chunk.regions, chunk.inds, chunk.periods, chunk.values, chunk.notes)))
        old = [stored.get(k, nothing) for k in keys] if stored else [nothing] * len(keys)
        old_values = [o[0] for o in old]
        old_notes = [o[1] for o in old]
        notes = chunk.notes if not any(chunk.notes) else [
            None if n is None or same_note(n, o) else n for n, o in zip(chunk.notes, old_notes)]
        status = ["new" if o is None else ("changed" if o != v or n is not None else "unchanged")
                  for o, v, n in zip(old_values, chunk.values, notes)]
        name = None if out.book.kind == "csv" else chunk.sheet.name
        rows = list(map(_make_row, zip(chunk.regions, codes, chunk.periods, chunk.values, notes, old_values, old_notes,
                                       status, repeat(name), [r + 1 for r in chunk.rows])))
        plan.rows.extend(rows)
        if len(chunks) > 1:        # duplicates across sheets
            seen.update(zip(keys, rows))
        if locked_years:
            for region, period, st, r in zip(chunk.regions, chunk.periods, status, chunk.rows):
                if st != "unchanged" and (region, period[:4]) in locked_years:
                    place = locked.setdefault((region, period[:4]), [chunk.sheet, r, 0])
                    place[2] += 1
        national = {(region, ind.code): (ind, r) for region, ind, r in zip(chunk.regions, chunk.inds, chunk.rows)
                    if ind.levels != "all"}    # only national indicators can misfit a level
        for (region, code), (ind, r) in national.items():
            level = resolver.regions[region].level
            if (region, code) not in level_warned and not ind.applies_to(level):
                level_warned.add((region, code))
                reg = resolver.regions[region]
                out.warning(InputError("import_not_applicable", text=code, params={
                    "region": region, "level": level, "indicator_zh": ind.name_zh, "indicator_en": ind.name_en,
                    "region_zh": reg.name_zh, "region_en": reg.name("en"), "level_zh": level_label(level)}),
                            out.where(chunk.sheet, r))
    for (region, year), (sheet, r, count) in sorted(locked.items()):
        status = region_year_status(db, region, int(year))
        out.problem(InputError("import_locked", region=region, period=year, params={
            "region_name": resolver.regions[region].name_zh, "region_name_en": resolver.regions[region].name("en"),
            "region": region, "year": year, "status": status,
            "status_zh": STATUS_ZH[status], "count": count}), out.where(sheet, r))


def _drop_duplicates(out: Collector, chunk: Chunk, keys: list[tuple], seen: dict,
                     resolver: Resolver) -> list[int] | None:
    """Report repeated keys (a problem when the value differs); the indexes of the rows to keep."""
    keep, mine = [], {}
    sheet = None if out.book.kind == "csv" else chunk.sheet.name
    for j, key in enumerate(keys):
        first = seen.get(key) or mine.get(key)     # a Row of an earlier sheet, or (value, where) of this one
        if first is None:
            mine[key] = (chunk.values[j], _row_name(sheet, chunk.rows[j] + 1))
            keep.append(j)
            continue
        value, where = (first.value, _row_name(first.sheet, first.row)) if isinstance(first, Row) else first
        dup = "import_duplicate" if value != chunk.values[j] else "import_duplicate_same"
        err = InputError(dup, text=" · ".join(key), params={
            "other": where, "other_zh": row_words(where), "what_zh": _what(resolver, key, "zh"),
            "what_en": _what(resolver, key, "en")})
        (out.problem if dup == "import_duplicate" else out.warning)(err, out.where(chunk.sheet, chunk.rows[j]))
    return keep if len(keep) < len(keys) else None


def _what(resolver: Resolver, key: tuple, lang: str) -> str:
    """A (region, indicator, period) key for people: 无锡市·发明专利授权量·2023."""
    region, code, period = key
    reg, ind = resolver.regions.get(region), resolver.cat.get(code)
    names = (reg.name(lang) if reg else region, ind.name(lang) if ind else code, period)
    return ("·" if lang == "zh" else " · ").join(names)


def _row_name(sheet: str | None, row: int) -> str:
    return f"row {row}" if sheet is None else f"{sheet} row {row}"


# ---------------------------------------------------------------- apply

def apply_plan(db, plan: ImportPlan, *, who: str | None = None, why: str | None = None, cancel=None) -> ImportResult:
    """Write the plan's new and changed values in one transaction, or nothing.

    Refuses (``InputError("import_has_problems")``) a plan with any problem. Unchanged values
    are not sent, so a file repeating the values of a locked year imports.
    """
    if not plan.ok:
        raise InputError("import_has_problems", file=plan.path.name, params={"count": plan.problem_count})
    if cancel and cancel():
        from app.services.sheets.common import Cancelled

        raise Cancelled("cancelled")
    changes = plan.changes()      # Rows are Changes: region, indicator, period, value, note
    why = why or f"import {plan.path.name}"
    try:
        if len(changes) <= WRITE_BATCH:
            res = write_values(db, changes, who=who, why=why, action="import")
        else:      # one transaction, written a batch at a time: the write's own lists stay small
            res = WriteResult()
            with no_gc_pauses(), _references_checked_here(db, len(changes)), transaction(db):
                for n in range(0, len(changes), WRITE_BATCH):
                    part = write_values(db, changes[n:n + WRITE_BATCH], who=who, why=why, action="import")
                    res.written += part.written
                    res.unchanged += part.unchanged
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
