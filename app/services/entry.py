"""Entering values from the grid: a typed cell, a pasted block, undo — all through the one write path.

A block copied from Excel/WPS is tab-separated text; every cell goes through the clerk
parser, and a single bad cell refuses the whole paste (nothing half-applied)::

    changes, errors = parse_block(text, region="320100", indicators=inds, periods=["2023", "2024"],
                                  start_row=0, start_col=0, locked_years={2023})
"""
from __future__ import annotations

from app.models.catalogue import Indicator
from app.models.errors import InputError, IpdeskError
from app.models.messages import register
from app.models.parse import canonical, parse_value
from app.models.values import Change, get_values, write_values

register({
    "paste_derived": ("{text!r} pasted onto a computed indicator", "“{text}”粘贴到了计算得出的指标上"),
    "paste_locked": ("{text!r} pasted into an approved and locked year", "“{text}”粘贴到了已审批锁定的年度"),
    "paste_outside": ("the block is larger than the grid ({rows} × {cols} from this cell)",
                      "粘贴区域超出表格（从此单元格起 {rows} 行 × {cols} 列）"),
})


def split_clipboard(text: str) -> list[list[str]]:
    """Rows of cells from Excel/WPS/LibreOffice clipboard text (tabs, CRLF, a trailing newline)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    rows = [line.split("\t") for line in text.split("\n")]
    # Excel quotes cells that contain a line break or a tab: "a""b" style
    return [[c[1:-1].replace('""', '"') if len(c) >= 2 and c[0] == c[-1] == '"' else c for c in row] for row in rows]


def parse_block(text: str, *, region: str, indicators: list[Indicator], periods: list[str], start_row: int,
                start_col: int, locked_years: set[int] = frozenset(),
                skipped: list | None = None) -> tuple[list[Change], list[IpdeskError]]:
    """Changes for a pasted block, or every problem found (each naming region, indicator, period, text).

    Empty cells are skipped (empty is not zero); cells beyond the grid are an error. A cell on a
    computed indicator is an error, unless ``skipped`` is a list: then it is put there and left
    alone (a block copied from the grid carries its computed rows; they follow their components).
    """
    rows = split_clipboard(text)
    changes: list[Change] = []
    errors: list[IpdeskError] = []
    width = max(len(r) for r in rows) if rows else 0
    if start_row + len(rows) > len(indicators) or start_col + width > len(periods):
        if any(c.strip() for r in rows[len(indicators) - start_row:] for c in r) or any(
                c.strip() for r in rows for c in r[len(periods) - start_col:]):
            errors.append(InputError("paste_outside", region=region, params={"rows": len(rows), "cols": width}))
    for i, row in enumerate(rows):
        r = start_row + i
        if r >= len(indicators):
            break
        ind = indicators[r]
        for j, cell in enumerate(row):
            c = start_col + j
            if c >= len(periods) or not cell.strip():
                continue
            period = periods[c]
            place = {"region": region, "indicator": ind.code, "period": period}
            if ind.derived:
                if skipped is None:
                    errors.append(InputError("paste_derived", text=cell, **place))
                else:
                    skipped.append((ind.code, period, cell))
                continue
            if int(period[:4]) in locked_years:
                errors.append(InputError("paste_locked", text=cell, **place))
                continue
            try:
                value = parse_value(cell, kind=ind.kind, unit_zh=ind.unit_zh, decimals=ind.decimals)
            except IpdeskError as exc:
                exc.region, exc.indicator, exc.period = region, ind.code, period
                errors.append(exc)
                continue
            changes.append(Change(region, ind.code, period, canonical(value)))
    return changes, errors


def parse_cell(text: str, *, region: str, indicator: Indicator, period: str) -> Change:
    """One typed cell; an empty text deletes the value (the user cleared the cell)."""
    if not str(text).strip():
        return Change(region, indicator.code, period, None)
    try:
        value = parse_value(text, kind=indicator.kind, unit_zh=indicator.unit_zh, decimals=indicator.decimals)
    except IpdeskError as exc:
        exc.region, exc.indicator, exc.period = region, indicator.code, period
        raise
    return Change(region, indicator.code, period, canonical(value))


def apply_with_undo(db, changes: list[Change], *, why: str) -> list[Change]:
    """Write ``changes`` and return the changes that undo them (the values before)."""
    before = get_values(db, regions={c.region for c in changes}, indicators={c.indicator for c in changes})
    undo = [Change(c.region, c.indicator, c.period,
                   None if (c.region, c.indicator, c.period) not in before
                   else canonical(before[(c.region, c.indicator, c.period)])) for c in changes]
    write_values(db, changes, why=why)
    return undo
