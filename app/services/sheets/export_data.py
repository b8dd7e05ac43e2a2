"""Export any selection of values in the long format (one row per value), as .csv or .xlsx,
so that ``import`` reads it back exactly::

    regions = select_regions(db, "320000", children=True)        # Jiangsu and its 13 cities
    export_values(db, "jiangsu.xlsx", regions=regions, year_from=2020, year_to=2024)
    # -> ExportResult(path=..., rows=..., warnings=[])

Columns: ``region, indicator, period, value, note`` (the import format; Chinese headers with
``lang="zh"``) followed by ``region_name, indicator_name, unit`` for the reader, which the
import reads past. Values are read through :func:`app.models.values.value_rows`, the query
every view uses. In .xlsx a value is a number cell when Excel can hold it exactly (at most
15 significant digits), else a text cell; region codes, periods and notes are text cells,
and text starting with ``= + - @`` is never a formula. The .csv is UTF-8 with a BOM (what
Excel and WPS on Chinese Windows open correctly), and such text gets a leading apostrophe
that the import removes again.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from app.models.catalogue import descendants, indicator, indicators, region, regions as load_regions
from app.models.errors import InputError
from app.models.messages import default_lang, register
from app.models.values import value_rows

from app.services.files import atomic_write
from app.services.sheets.common import HEADERS, Steps, csv_protect, fit_width, safe_text, text_cell, xml_safe

register({
    "export_bad_ext": ("{text}: the output file must end in .csv or .xlsx", "{text}：输出文件须以 .csv 或 .xlsx 结尾"),
    "export_replaced_chars": ("the note of {text} had control characters that Excel cannot hold; they were replaced by �",
                              "{text} 的说明含有 Excel 无法保存的控制字符，已替换为 �"),
})

COLUMNS = ("region", "indicator", "period", "value", "note", "region_name", "indicator_name", "unit")
EXCEL_DIGITS = 15


@dataclass
class ExportResult:
    path: Path
    rows: int
    warnings: list[InputError] = field(default_factory=list)


def select_regions(db, codes, *, children: bool = False, all_below: bool = False) -> list[str]:
    """The regions of a selection, in order: each code, then its children (or everything below)."""
    out: list[str] = []
    for code in [codes] if isinstance(codes, str) else codes:
        region(db, code)  # NotFoundError for an unknown code
        below = descendants(db, code) if all_below else (
            [r[0] for r in db.execute("select code from regions where parent = ? order by code", [code])]
            if children else [])
        for c in [code, *below]:
            if c not in out:
                out.append(c)
    return out


def export_rows(db, regions, *, year_from: int | None = None, year_to: int | None = None,
                indicators_: list[str] | None = None, steps: Steps | None = None) -> list[dict]:
    """The selected values as dicts with the :data:`COLUMNS` keys (names in Chinese)."""
    steps = steps or Steps()
    cat = indicators(db)
    for code in indicators_ or []:
        indicator(db, code)
    wanted = set(indicators_) if indicators_ else None
    names = load_regions(db)
    order = {code: n for n, code in enumerate(cat)}
    out = []
    regions = list(regions)
    for n, code in enumerate(regions):
        if n % 50 == 0:
            steps(n / max(len(regions), 1), f"reading {code}")
        rows = [r for r in value_rows(db, code, year_from or 0, year_to or 9999)
                if wanted is None or r["indicator"] in wanted]
        rows.sort(key=lambda r: (order.get(r["indicator"], 1 << 30), r["period"]))
        for r in rows:
            ind = cat.get(r["indicator"])
            out.append({"region": code, "indicator": r["indicator"], "period": r["period"], "value": r["value"],
                        "note": r["note"] or "", "region_name": names[code].name_zh,
                        "indicator_name": ind.name_zh if ind else "", "unit": ind.unit_zh if ind else "",
                        "decimals": ind.decimals if ind else 0})
    return out


def export_values(db, path, *, regions, year_from: int | None = None, year_to: int | None = None,
                  indicators_: list[str] | None = None, lang: str | None = None,
                  progress=None, cancel=None) -> ExportResult:
    """Write the selection to ``path`` (.csv or .xlsx by its suffix); the file appears whole or not at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("export_bad_ext", text=path.name)
    steps = Steps(progress, cancel)
    rows = export_rows(db, regions, year_from=year_from, year_to=year_to, indicators_=indicators_,
                       steps=steps.part(0, 0.3))
    headers = [HEADERS[lang or default_lang()][c] for c in COLUMNS]
    result = ExportResult(path, len(rows))
    if suffix == ".csv":
        atomic_write(path, lambda tmp: _write_csv(tmp, headers, rows, steps.part(0.3, 1.0)))
    else:
        atomic_write(path, lambda tmp: _write_xlsx(tmp, headers, rows, result, steps.part(0.3, 1.0)))
    steps(1.0, "done")
    return result


def _write_csv(path: Path, headers: list[str], rows: list[dict], steps: Steps) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for n, r in enumerate(rows):
            if n % 20000 == 0:
                steps(n / max(len(rows), 1), "writing")
            w.writerow([csv_protect(r[c]) if c != "value" else r[c] for c in COLUMNS])


def excel_number(value: str):
    """``value`` as an int/float Excel holds exactly, or None when it has too many digits."""
    digits = value.lstrip("-").replace(".", "").lstrip("0")
    if len(digits) > EXCEL_DIGITS:
        return None
    return int(value) if "." not in value else float(value)


def number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _write_xlsx(path: Path, headers: list[str], rows: list[dict], result: ExportResult, steps: Steps) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据" if headers[0] == HEADERS["zh"]["region"] else "data")
    for n, col in enumerate(COLUMNS):
        sample = [headers[n]] + [str(r[col]) for r in rows[:200]]
        letter = "ABCDEFGH"[n]
        ws.column_dimensions[letter].width = fit_width(sample, maximum=40 if col == "note" else 30)
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    ws.append([text_cell(ws, h, font=bold, fill=fill, alignment=Alignment(horizontal="center")) for h in headers])
    formats: dict[int, str] = {}
    for n, r in enumerate(rows):
        if n % 20000 == 0:
            steps(n / max(len(rows), 1), "writing")
        number = excel_number(r["value"])
        if number is None:
            value_cell = text_cell(ws, r["value"])
        else:
            value_cell = WriteOnlyCell(ws, value=number)
            value_cell.number_format = formats.setdefault(r["decimals"], number_format(r["decimals"]))
        note, changed = xml_safe(r["note"])
        if changed:
            result.warnings.append(InputError("export_replaced_chars", text=f"{r['region']} · {r['indicator']} · "
                                              f"{r['period']}"))
        ws.append([safe_text(ws, r["region"]), safe_text(ws, r["indicator"]), safe_text(ws, r["period"]),
                   value_cell, safe_text(ws, note) if note else None,
                   safe_text(ws, r["region_name"]), safe_text(ws, r["indicator_name"]), safe_text(ws, r["unit"])])
    wb.save(path)
