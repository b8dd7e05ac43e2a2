"""The fill-in workbook for one region and year::

    make_template(db, "320100", 2024, "南京市2024.xlsx")
    # -> TemplateResult(path=..., template_id="…", periods=["2021", "2022", "2023"], indicators=26, ...)

One row per indicator reported at the region's level: code, name, unit, the values of the
previous years (grey, locked: context only, never imported), the year's value and note (yellow,
the only unlocked cells; pre-filled with what the store already holds), and the indicator's
definition. The sheet is protected without a password (to stop accidents, not people:
Review ▸ Unprotect Sheet lifts it). A very hidden sheet ``_meta`` says what the workbook is:
template id (uuid4), template version, region, year, catalogue version, created at and by,
and the header text of each column, so that :mod:`importer` finds the columns even when a
clerk inserts one or sorts the rows.

Every text is set in 宋体 (SimSun: LibreOffice substitutes its CJK face); names, definitions and
notes wrap, and each row is as tall as its most wrapped cell (:func:`app.services.report.xlsx.lines_needed`).
The definition column is the catalogue's Chinese 口径 and data source in a Chinese template.

Per-cent cells are numbers in a per-cent format: a stored 12.5 is written 0.125 shown ``12.5%``;
Excel reads a typed ``12.5`` or ``12.5%`` as 0.125, and :mod:`read` lists per-cent cells so the
importer reads 12.5 back. LibreOffice reads a typed ``12.5`` as 1250 %: the cell's validation
(0–100 %) stops it there, and the importer refuses it (out of range) if it gets that far.
"""
from __future__ import annotations

import json
import uuid
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path

from app import __version__
from app.models.audit import current_user
from app.models.catalogue import Indicator, definitions_zh, indicators, region as load_region
from app.models.db import meta_get, now_iso
from app.models.errors import InputError
from app.models.messages import default_lang, register
from app.models.parse import canonical
from app.models.values import LOCKED_STATES, region_year_status, value_at

from app.services.files import atomic_write
from app.services.sheets.export_data import excel_number, number_format
from app.services.sheets.resolve import Collector, Resolver
from app.services.sheets.common import Steps, fit_width, is_blank, set_text, show
from app.services.sheets.read import Book, Sheet

register({
    "import_value_without_code": ("a value without an indicator code", "有数值但没有指标代码"),
    "import_note_without_value": ("a note without a value is not imported", "只有说明没有数值，未导入"),
    "import_context_ignored": ("{text} differs from the stored {old}: earlier years in a template are for "
                               "reference only and are not imported",
                               "“{text}”与已存数值 {old} 不同：模板中往年数值仅供参考，不会导入"),
    "template_not_ours": ("the hidden sheet _meta does not describe an ipdesk template", "隐藏工作表 _meta 不是 ipdesk 模板信息"),
    "template_newer": ("made by a newer ipdesk (template version {found} > {known}); update ipdesk",
                       "由更新版本的 ipdesk 生成（模板版本 {found} > {known}），请先升级 ipdesk"),
    "template_damaged": ("the template is damaged: {why}; make a new one with 'ipdesk template'",
                         "模板已损坏：{why}；请用“ipdesk template”重新生成"),
    "template_unknown_region": ("the template is for region {text!r}, which this store does not know",
                                "模板所属地区“{text}”不在本数据库中"),
    "template_other_region": ("the template is for {name_en} ({region}), not {expected_en}; use the template of "
                              "{expected_en}",
                              "该模板属于 {text}（{region}），不是 {expected}；请使用 {expected} 的模板"),
    "template_other_year": ("the template is for {text}, not {expected}; make a template for {expected}",
                            "该模板是 {text} 年的，不是 {expected} 年；请生成 {expected} 年的模板"),
    "template_catalogue": ("made with indicator catalogue {text}, this store has {known}: rows are matched by indicator code",
                           "模板使用指标目录 {text}，本数据库为 {known}：已按指标代码对应"),
    "template_unit_changed": ("the unit of {name_en} was {old} in the template and is {new} now; make a new template",
                              "{name_zh}的单位在模板中为“{old}”，现为“{new}”；请重新生成模板"),
    "template_locked_year": ("{name_en} {year} is {status} and locked: the template can be filled but not imported until "
                             "an office head unlocks it", "{text} 年数据{status_zh}并锁定：模板可以填写，但须由单位负责人解锁后才能导入"),
    "template_bad_ext": ("{text}: the template must be saved as .xlsx", "{text}：模板须保存为 .xlsx 文件"),
})

META_SHEET = "_meta"
KIND = "ipdesk-template"
TEMPLATE_VERSION = 1
CONTEXT_YEARS = 3
FIRST_ROW = 6          # 1-based row of the first indicator; the header is the row above
NAME_WIDTH = 24.0      # names wrap at 12 CJK characters
DEFINITION_WIDTH = 44.0

LABELS = {
    "zh": {"sheet": "填报", "code": "指标代码", "name": "指标名称", "unit": "单位", "input": "{year}年填报值",
           "note": "{year}年说明", "context": "{year}年", "definition": "指标定义与口径",
           "title": "{name} {year} 年知识产权指标填报表",
           "sub": "地区代码 {code} · 指标目录版本 {catalogue} · 模板编号 {tid} · 生成于 {at}",
           "help": "请在黄色单元格中填写 {year} 年数值和说明（可写 1,234、3.2万、12.5%；无数据请留空，零请填 0）。"
                   "灰色为往年数值，仅供参考，不会导入。",
           "prompt": "单位：{unit}", "whole": "，整数", "percent": "；填 12.5% 或 12.5",
           "percent_error": "请填写 0%～100% 之间的百分数，例如 12.5%。"},
    "en": {"sheet": "entry", "code": "indicator", "name": "name", "unit": "unit", "input": "{year} value",
           "note": "{year} note", "context": "{year}", "definition": "definition",
           "title": "{name} {year}: IP indicators",
           "sub": "region {code} · catalogue {catalogue} · template {tid} · made {at}",
           "help": "Fill in the yellow cells for {year} (1,234, 3.2万 or 12.5% are understood; leave empty for "
                   "no data, type 0 for zero). Grey cells show earlier years for reference and are not imported.",
           "prompt": "unit: {unit}", "whole": ", whole numbers", "percent": "; type 12.5% or 12.5",
           "percent_error": "Type a per-cent figure between 0% and 100%, e.g. 12.5%."},
}


@dataclass
class TemplateResult:
    path: Path
    template_id: str
    region: str
    year: int
    periods: list[str]                 # context periods, oldest first
    indicators: int
    warnings: list[InputError] = field(default_factory=list)


def make_template(db, region: str, year: int, path, *, context_years: int = CONTEXT_YEARS,
                  lang: str | None = None, progress=None, cancel=None) -> TemplateResult:
    """Write the fill-in workbook for ``region`` and ``year`` to ``path`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from app.services.report.xlsx import BODY, FONT_NAME, GB2312, lines_needed, row_height

    steps = Steps(progress, cancel)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("template_bad_ext", text=path.name)
    reg = load_region(db, region)
    lang = lang or default_lang()
    L = LABELS[lang]
    cat = [i for i in indicators(db).values() if i.applies_to(reg.level)]
    periods = [str(y) for y in range(year - context_years, year)]
    stored = {(r["indicator"], r["period"]): r for r in _rows(db, region, year - context_years, year)}
    tid, at, catalogue = str(uuid.uuid4()), now_iso(), meta_get(db, "catalogue_version", "")
    steps(0.2, "writing the template")

    wb = Workbook()
    ws = wb.active
    ws.title = L["sheet"]
    headers = {"code": L["code"], "name": L["name"], "unit": L["unit"],
               **{f"context:{p}": L["context"].format(year=p) for p in periods},
               "input": L["input"].format(year=year), "note": L["note"].format(year=year),
               "definition": L["definition"]}
    col = {key: n + 1 for n, key in enumerate(headers)}
    widths = _widths(cat, headers, lang)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey, yellow = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="FFF2CC")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    bold = Font(name=FONT_NAME, size=BODY.size, charset=GB2312, bold=True)

    set_text(ws.cell(1, 1), L["title"].format(name=reg.name(lang), year=year))
    ws.cell(1, 1).font = Font(name=FONT_NAME, charset=GB2312, bold=True, size=14)
    set_text(ws.cell(2, 1), L["sub"].format(code=reg.code, catalogue=catalogue, tid=tid[:8], at=at[:16]))
    set_text(ws.cell(3, 1), L["help"].format(year=year))
    ws.cell(2, 1).font = BODY
    ws.cell(3, 1).font = Font(name=FONT_NAME, size=BODY.size, charset=GB2312, italic=True, color="7F6000")
    ws.row_dimensions[1].height = row_height(1, 14)
    for key, text in headers.items():
        c = ws.cell(FIRST_ROW - 1, col[key])
        set_text(c, text)
        c.font, c.fill, c.border = bold, head_fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[FIRST_ROW - 1].height = row_height(max(lines_needed(t, widths[k]) for k, t in headers.items()))

    for n, ind in enumerate(cat):
        row = FIRST_ROW + n
        definition = definition_text(ind, lang)
        for key, text in (("code", ind.code), ("name", ind.name(lang)), ("unit", ind.unit(lang)),
                          ("definition", definition)):
            c = ws.cell(row, col[key])
            set_text(c, text)
            c.font, c.border, c.alignment = BODY, border, wrap if key in ("name", "definition") else top
        fmt = percent_format(ind.decimals) if ind.kind == "percent" else number_format(ind.decimals)
        for p in periods:
            c = ws.cell(row, col[f"context:{p}"])
            _put_value(c, stored.get((ind.code, p)), fmt, ind.kind == "percent")
            c.font, c.fill, c.border, c.alignment = BODY, grey, border, top
        value_cell, note_cell = ws.cell(row, col["input"]), ws.cell(row, col["note"])
        current = stored.get((ind.code, str(year)))
        _put_value(value_cell, current, fmt, ind.kind == "percent")
        note = current["note"] if current and current["note"] else ""
        if note:
            set_text(note_cell, note)
        for c in (value_cell, note_cell):
            c.font, c.fill, c.border, c.protection = BODY, yellow, border, Protection(locked=False)
        value_cell.alignment, note_cell.alignment = top, wrap
        lines = max(lines_needed(t, widths[k]) for k, t in (("name", ind.name(lang)), ("definition", definition),
                                                             ("note", note)))
        ws.row_dimensions[row].height = row_height(lines)
        dv = _validation(DataValidation, ind, lang, L)
        dv.add(value_cell.coordinate)
        ws.add_data_validation(dv)

    for key, n in col.items():
        ws.column_dimensions[ws.cell(1, n).column_letter].width = widths[key]
    ws.freeze_panes = ws.cell(FIRST_ROW, col["unit"] + 1).coordinate
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
    ws.protection.autoFilter = ws.protection.sort = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{FIRST_ROW - 1}:{FIRST_ROW - 1}"

    meta = wb.create_sheet(META_SHEET)
    info = {"kind": KIND, "template_id": tid, "template_version": str(TEMPLATE_VERSION), "region": reg.code,
            "region_name": reg.name_zh, "year": str(year), "catalogue_version": catalogue, "created_at": at,
            "created_by": current_user(), "app_version": __version__, "sheet": ws.title,
            "periods": ",".join(periods), "columns": json.dumps(headers, ensure_ascii=False)}
    for r, (k, v) in enumerate(info.items(), start=1):
        set_text(meta.cell(r, 1), k)
        set_text(meta.cell(r, 2), v)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 0

    result = TemplateResult(path, tid, reg.code, year, periods, len(cat))
    status = region_year_status(db, region, year)
    if status in LOCKED_STATES:
        from app.models.values import STATUS_ZH

        result.warnings.append(InputError("template_locked_year", text=f"{reg.name_zh} {year}", params={
            "status": status, "status_zh": STATUS_ZH[status], "name_en": reg.name("en"), "year": year}))
    steps(0.8, "saving")
    atomic_write(path, wb.save)
    steps(1.0, "done")
    return result


def _rows(db, region: str, year_from: int, year_to: int) -> list[dict]:
    from app.models.values import value_rows

    return value_rows(db, region, year_from, year_to)


def definition_text(ind: Indicator, lang: str) -> str:
    """The 指标定义与口径 cell: in Chinese the catalogue's 口径 and data source
    (``definitions_zh.csv``: indicators by their names, never codes); in English the catalogue's
    note and formula."""
    if lang == "zh":
        source, definition = definitions_zh().get(ind.code, ("", ""))
        return "\n".join(t for t in (definition, f"数据来源：{source}" if source else "") if t) or "—"
    return "; ".join(t for t in (ind.note, f"formula: {ind.formula}" if ind.formula else "") if t) or "—"


def percent_format(decimals: int) -> str:
    """Excel's per-cent format with the indicator's decimals: ``0.0%`` shows 0.125 as 12.5%."""
    return "0" + ("." + "0" * decimals if decimals > 0 else "") + "%"


def _widths(cat: list[Indicator], headers: dict[str, str], lang: str) -> dict[str, float]:
    """Column widths (Excel units; a CJK character takes two): code and unit fit their text,
    names and definitions wrap in fixed widths, the years fit a number."""
    out = {"code": fit_width([headers["code"], *(i.code for i in cat)], maximum=40),
           "name": fit_width([headers["name"], *(i.name(lang) for i in cat)], maximum=NAME_WIDTH),
           "unit": fit_width([headers["unit"], *(i.unit(lang) for i in cat)], maximum=20),
           "note": 20.0, "definition": DEFINITION_WIDTH}
    for key, text in headers.items():
        out.setdefault(key, max(fit_width([text]), 11.0))       # 11 units: "1,234,567.89"
    return out


def _validation(DataValidation, ind: Indicator, lang: str, L: dict):
    """The input cell's prompt (unit, whole numbers) and, for a per-cent indicator, a stop on a
    figure outside 0–100 % (what a clerk gets typing 12.5 where LibreOffice reads 1250 %)."""
    prompt = L["prompt"].format(unit=ind.unit(lang)) + (L["whole"] if ind.kind == "count" else "")
    title = ind.name(lang)[:32]
    if ind.kind != "percent":
        return DataValidation(showInputMessage=True, allow_blank=True, promptTitle=title, prompt=prompt[:255])
    return DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                          showInputMessage=True, promptTitle=title, prompt=(prompt + L["percent"])[:255],
                          showErrorMessage=True, errorStyle="stop", errorTitle=title, error=L["percent_error"][:255])


def _put_value(cell, row: dict | None, fmt: str, percent: bool = False) -> None:
    """A stored value as an Excel number (a per-cent one as its fraction: 12.5 -> 0.125 shown
    12.5%, which :mod:`read` turns back into 12.5), or as text when Excel cannot hold it exactly."""
    cell.number_format = fmt
    if row is None:
        return
    value = row["value"]
    if percent:
        value = canonical(Decimal(value) / 100)
    number = excel_number(value)
    if number is None:
        set_text(cell, row["value"] + ("%" if percent else ""))
    else:
        cell.value = number


def read_meta(rows: list[list]) -> dict[str, str]:
    """The key/value pairs of a ``_meta`` sheet as read (only text keys, values as text)."""
    out = {}
    for r in rows:
        if len(r) >= 2 and isinstance(r[0], str) and r[0].strip():
            out[r[0].strip()] = show(r[1]).strip()
    return out


# ---------------------------------------------------------------- reading a filled template

def read_filled(db, book: Book, meta_sheet: Sheet, resolver: Resolver, out: Collector, values: list,
                   expect_region, expect_year, steps: Steps) -> None:
    """Read a filled template for :mod:`importer`: check its ``_meta`` (ours, not newer, a known
    region, the expected region and year, the catalogue), then each indicator row's input cell
    and note; problems and warnings go to ``out``, good rows to ``values`` as
    ``(region, indicator, period, value, note, sheet, row)``."""
    meta = read_meta(meta_sheet.rows)
    out.plan.template = meta
    at_meta = out.where(meta_sheet)
    if meta.get("kind") != KIND or "template_id" not in meta:
        out.problem(InputError("template_not_ours"), at_meta)
        return
    try:
        version, year, headers = int(meta["template_version"]), int(meta["year"]), json.loads(meta["columns"])
        region = meta["region"]
    except (KeyError, ValueError, TypeError) as exc:
        out.problem(InputError("template_damaged", params={"why": f"_meta: {exc}"}), at_meta)
        return
    if version > TEMPLATE_VERSION:
        out.problem(InputError("template_newer", params={"found": version, "known": TEMPLATE_VERSION}), at_meta)
        return
    reg = resolver.regions.get(region)
    if reg is None:
        out.problem(InputError("template_unknown_region", text=f"{region} {meta.get('region_name', '')}".strip()),
                    at_meta)
        return
    if expect_region and expect_region != region:
        exp = resolver.regions.get(expect_region)
        out.problem(InputError("template_other_region", text=reg.name_zh, params={
            "region": region, "name_en": reg.name("en"),
            "expected": f"{exp.name_zh}（{expect_region}）" if exp else expect_region,
            "expected_en": f"{exp.name('en')} ({expect_region})" if exp else expect_region}), at_meta)
    if expect_year and int(expect_year) != year:
        out.problem(InputError("template_other_year", text=str(year), params={"expected": expect_year}), at_meta)
    if out.plan.problem_count:
        return
    known = meta_get(db, "catalogue_version", "")
    if meta.get("catalogue_version", "") != known:
        out.warning(InputError("template_catalogue", text=meta.get("catalogue_version") or "?",
                               params={"known": known}), at_meta)
    sheet = book.sheet(meta.get("sheet", ""))
    if sheet is None:
        out.problem(InputError("template_damaged", params={"why": f"sheet {meta.get('sheet')!r} is missing"}), at_meta)
        return
    header_at, col = _template_columns(sheet, headers)
    if header_at is None or "code" not in col or "input" not in col:
        out.problem(InputError("template_damaged", params={"why": "the header row or the input column is missing"}),
                    out.where(sheet))
        return
    names = {col[k]: headers[k] for k in col}
    period = str(year)
    for r in range(header_at + 1, len(sheet.rows)):
        row = sheet.rows[r] + [""] * (max(col.values()) + 1 - len(sheet.rows[r]))
        raw_code, raw_v = row[col["code"]], row[col["input"]]
        note_c = col.get("note")
        blank_v = is_blank(raw_v) and (r, col["input"]) not in sheet.formula_cells
        if is_blank(raw_code):
            if not blank_v:
                out.problem(InputError("import_value_without_code"), out.where(sheet, r, col["code"], names[col["code"]]))
            continue
        try:
            ind, warn = resolver.indicator(raw_code)
        except InputError as exc:
            out.problem(exc, out.where(sheet, r, col["code"], names[col["code"]]))
            continue
        if warn:
            out.warning(warn, out.where(sheet, r, col["code"], names[col["code"]]))
        if "unit" in col and not _unit_fits(row[col["unit"]], ind):
            out.problem(InputError("template_unit_changed", text=ind.code, params={
                "old": show(row[col["unit"]]), "new": ind.unit_zh, "name_zh": ind.name_zh, "name_en": ind.name_en}), out.where(sheet, r, col["unit"], names[col["unit"]]))
            continue
        for key, c in col.items():
            if key.startswith("context:") and not is_blank(row[c]):
                _check_context(db, resolver, out, sheet, r, c, names[c], row[c], region, ind, key[8:])
        if blank_v:
            if note_c is not None and not is_blank(row[note_c]):
                out.warning(InputError("import_note_without_value"), out.where(sheet, r, note_c, names[note_c]))
            else:
                out.plan.skipped += 1
            continue
        c = col["input"]
        try:
            if (r, c) in sheet.formula_cells:
                raise InputError("cell_formula_no_value")
            value = resolver.value(raw_v, ind, (r, c) in sheet.percent_cells)
        except InputError as exc:
            out.problem(exc, out.where(sheet, r, c, names[c]))
            continue
        try:
            if note_c is not None and (r, note_c) in sheet.formula_cells:
                raise InputError("cell_formula_no_value")
            note = resolver.note(row[note_c]) if note_c is not None else None
        except InputError as exc:
            out.problem(exc, out.where(sheet, r, note_c, names[note_c]))
            continue
        values.append((region, ind, period, value, note, sheet, r))
    steps(1.0, "template read")


def _template_columns(sheet: Sheet, headers: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """The header row (where the code column's header is) and each known column by its header text."""
    want = {text.strip(): key for key, text in headers.items()}
    for n, row in enumerate(sheet.rows[:40]):
        texts = [c.strip() if isinstance(c, str) else None for c in row]
        if headers.get("code") in texts:
            return n, {want[t]: c for c, t in enumerate(texts) if t in want}
    return None, {}


def _unit_fits(cell, ind: Indicator) -> bool:
    text = show(cell).strip()
    return not text or text in (ind.unit_zh, ind.unit_en)


def _check_context(db, resolver, out, sheet, r, c, header, raw, region, ind, period) -> None:
    try:
        value = resolver.value(raw, ind, (r, c) in sheet.percent_cells)
    except InputError:
        value = None
    old = value_at(db, region, ind.code, period)
    if value != old:
        out.warning(InputError("import_context_ignored", text=show(raw), params={"old": old or "—"}),
                    out.where(sheet, r, c, header))
