"""How big a worksheet really is, found before any reader allocates for it.

python-calamine sizes its cell grid from the cells' references, from A1 to the farthest: a 2 KB .xlsx whose one cell sits at ``XFD1048576`` makes it ask for 512 GiB and
abort the whole process — no ``except`` catches that. So every worksheet part is scanned
first, as a stream of bytes (1 MB at a time, never more than the part declared it unpacks
to), for:

- the ``<dimension ref="A1:D9"/>`` it claims (kept for messages, never trusted: calamine sizes
  nothing by it — a claim of A1:XFD1048576 over two rows reads in 35 MB — and a claim of A1:B2
  over a cell at XFD1048576 must not hide the cell),
- the largest row and column any cell (``<c r="XFD1048576">``) or row (``<row r="…">``)
  names — and, for cells and rows written without a reference, as far as their count can
  reach,
- how many cells it holds,

and the sheet is refused (``InputError("sheet_too_many_cells")``, naming the file, the sheet
and the offending cell) when the grid from A1 to its farthest corner exceeds :data:`MAX_CELLS`, or when it holds more than :data:`MAX_ROWS` rows. The
shared-strings part is capped too (:data:`MAX_SHARED_STRINGS_MB`, :data:`MAX_SHARED_STRINGS`)::

    inspect_parts(zf, by_name, {"数据": "xl/worksheets/sheet1.xml"}, path)   # -> {"数据": Extent(...)}

The scan is plain ``bytes.find``/``re`` work at C speed: about 3 % of calamine's own read of
a 100,000-row workbook (tests/benchmarks/bench_import.py prints it).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.models.errors import InputError
from app.models.messages import register

from app.services.sheets.common import col_letter

register({
    "sheet_too_many_cells": (
        "refused: cell {text} of sheet {sheet_name} makes its used range A1:{corner}, {rows:,} rows × {cols:,} "
        "columns ({cells:,} cells, at most {max:,}); delete the stray cells far from the data, or split the sheet",
        "已拒绝：工作表“{sheet_name}”的单元格 {text} 使已用区域达到 A1:{corner}，共 {rows:,} 行 × {cols:,} 列"
        "（{cells:,} 个单元格，最多 {max:,} 个）；请删除远离数据的零散单元格，或将工作表拆分"),
    "sheet_too_many_rows": (
        "refused: sheet {sheet_name} has {rows:,} rows (at most {max:,}); split it into smaller files",
        "已拒绝：工作表“{sheet_name}”有 {rows:,} 行（最多 {max:,} 行），请拆分为较小的文件"),
    "sheet_strings_too_big": (
        "refused: the workbook's shared text ({text}) is {why} (at most {max}); split the data into smaller files",
        "已拒绝：工作簿的共享文本（{text}）{why_zh}（最多 {max}），请拆分为较小的文件"),
})

# A long-format import of the whole country is 334,300 rows × 5 columns (1.7 M cells); a
# template a few hundred rows × 30. 5 M cells from A1 is 3× the largest real file and, at
# calamine's 32 bytes a cell plus the Python objects made of them, stays well under 500 MB.
MAX_CELLS = 5_000_000
MAX_ROWS = 1_048_576            # Excel's own last row; the cell cap usually bites first
MAX_SHARED_STRINGS_MB = 100     # unpacked sharedStrings.xml
MAX_SHARED_STRINGS = 2_000_000  # <si> entries (each one a Rust String and a Python str)
CHUNK = 1 << 20
MAX_TAIL = 4 << 20              # bytes carried between chunks with no '>' in them: no real part has that

_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')
# a cell's reference: r="XFD1048576" (not r:id=, not ref=, not sqref=); letters first, so rows' r="12" never match
_CELL_REF = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']\$?([A-Za-z]{1,7})\$?([0-9]{1,12})["\']')
_ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?(?<![\w:.-])r\s*=\s*["\']([0-9]{1,12})["\']')
_CELL_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c[\s/>]')
_ROW_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row[\s/>]')
_SI_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?si[\s/>]')


@dataclass
class Extent:
    """What a worksheet part holds: its farthest row and column (1-based) and its cell count."""

    rows: int = 0
    cols: int = 0
    cells: int = 0
    dimension: str = ""

    @property
    def corner(self) -> str:
        return f"{col_letter(self.cols)}{self.rows}" if self.rows and self.cols else "A1"


def col_number(letters: str | bytes) -> int:
    """``"A"`` -> 1, ``"XFD"`` -> 16384 (letters of any case)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


def _largest_col(letters: list[bytes]) -> int:
    if not letters:
        return 0
    longest = max(map(len, letters))
    return col_number(max(x.upper() for x in set(letters) if len(x) == longest))


def _largest_int(digits: list[bytes]) -> int:
    return max(map(int, digits)) if digits else 0


def scan_extent(stream, declared: int) -> Extent:
    """Scan a worksheet part's bytes (a file object) chunk by chunk; raises ``ValueError`` when
    it unpacks to more than ``declared`` bytes (a lying zip header).

    Each chunk takes the fast path when it is written the way Excel, WPS and openpyxl write
    (every ``<c`` and ``<row`` in the sheet data opening with its ``r="…"``, no colon): the last
    row's reference is read, and only the rows and cells lying beyond it or beyond the widest
    column seen so far are looked at one by one — five scans of the bytes at C speed. Any other chunk is read
    exactly by the general patterns (cells without a reference counted as reaching further)."""
    st = _State()
    tail = b""
    seen = 0
    first = True
    while True:
        block = stream.read(CHUNK)
        seen += len(block)
        if seen > declared:
            raise ValueError("unpacks to more than its declared size")
        if not block:
            data, tail = tail, b""
        else:
            data = tail + block
            cut = data.rfind(b">") + 1
            data, tail = data[:cut], data[cut:]
            if len(tail) > MAX_TAIL:
                raise ValueError("a run of more than 4 MB without a tag end")
        if first and data:
            m = _DIMENSION.search(data, 0, 65536)
            if m:
                st.ext.dimension = m.group(1).decode("ascii", "replace")
            first = False
        if data:
            st.chunk(data)
        if not block:
            break
    ext = st.ext
    # cells and rows without a reference are placed after the previous one: as far as they could reach
    ext.rows = st.max_row + st.rows_without_ref
    ext.cols = st.max_col + st.cells_without_ref
    if ext.cells and not ext.rows:
        ext.rows = 1
    return ext


class _State:
    def __init__(self):
        self.ext = Extent()
        self.max_row = self.max_col = 0
        self.rows_without_ref = self.cells_without_ref = 0
        self.inside = False          # within <sheetData>

    def chunk(self, data: bytes) -> None:
        # the part of this chunk inside <sheetData> (<cols>, <rowBreaks> ... lie outside it)
        lo, hi = 0, len(data)
        if not self.inside:
            at = data.find(b"<sheetData")
            if at < 0:
                if b":sheetData" in data:
                    self.slow(data)
                return
            lo, self.inside = at, True
        end = data.find(b"</sheetData", lo)
        if end >= 0:
            hi, self.inside = end, False
        if b":c" in data or b":row" in data or not self.fast(data, lo, hi):
            self.slow(data)

    def fast(self, data: bytes, lo: int, hi: int) -> bool:
        # (every scan over data[lo:hi] by position: no copy of the chunk)
        if data.find(b":", lo, hi) >= 0 or _IRREGULAR_C.search(data, lo, hi) or _IRREGULAR_ROW.search(data, lo, hi):
            return False          # a namespace prefix (or text with a colon), a cell or row without r="…" first
        last = data.rfind(b'<row r="', lo, hi)
        if last >= 0 and (m := _FAST_ROW.match(data, last, hi)):
            self.max_row = max(self.max_row, int(m.group(1)))
        # cells beyond the widest column so far (or lower-case ones): their letters, one by one
        if self.max_col == 0 or _wider_than(self.max_col).search(data, lo, hi):
            self.max_col = max(self.max_col, _largest_col(_FAST_COL.findall(data, lo, hi)))
        # rows and cells below the last row (rows out of order, a cell naming another row than its own)
        lower = _beyond_row(self.max_row).findall(data, lo, hi)
        if lower:
            self.max_row = max(self.max_row, _largest_int(lower))
        self.ext.cells += data.count(b'<c r="', lo, hi)
        return True

    def slow(self, data: bytes) -> None:
        refs = _CELL_REF.findall(data)
        if refs:
            letters, digits = zip(*refs)
            self.max_col = max(self.max_col, _largest_col(list(letters)))
            self.max_row = max(self.max_row, _largest_int(list(digits)))
        row_refs = _ROW_REF.findall(data)
        if row_refs:
            self.max_row = max(self.max_row, _largest_int(row_refs))
        n_cells = len(_CELL_TAG.findall(data))
        self.ext.cells += n_cells
        self.cells_without_ref += max(0, n_cells - len(refs))
        self.rows_without_ref += max(0, len(_ROW_TAG.findall(data)) - len(row_refs))


_FAST_ROW = re.compile(rb'<row r="([0-9]{1,12})"')
_IRREGULAR_C = re.compile(rb'<c(?! r=")')
_IRREGULAR_ROW = re.compile(rb'<row(?! r=")')
_FAST_COL = re.compile(rb'<c r="([A-Za-z]{1,7})')


@lru_cache(maxsize=64)
def _wider_than(cols: int) -> re.Pattern:
    """Cells whose column letters come after ``cols`` (or are in lower case)."""
    s = col_letter(cols)
    greater = [re.escape(s[:i]) + f"[{chr(ord(s[i]) + 1)}-Z]" + (f"[A-Z]{{{len(s) - i - 1}}}" if i < len(s) - 1 else "")
               for i in range(len(s)) if s[i] != "Z"]
    alts = [f"[A-Z]{{{len(s) + 1},}}", "[A-Z]*[a-z]"] + [g + "[0-9]" for g in greater]
    return re.compile(('<c r="(?:' + "|".join(alts) + ")").encode())


@lru_cache(maxsize=64)
def _beyond_row(row: int) -> re.Pattern:
    """Rows and cells whose row number is greater than ``row``."""
    n = str(row)
    greater = [n[:i] + f"[{int(n[i]) + 1}-9]" + (f"[0-9]{{{len(n) - i - 1}}}" if i < len(n) - 1 else "")
               for i in range(len(n)) if n[i] != "9"]
    alts = [f"[0-9]{{{len(n) + 1},12}}"] + greater
    return re.compile((' r="[A-Za-z]{0,7}(' + "|".join(alts) + ')"').encode())


def inspect_parts(zf: zipfile.ZipFile, by_name: dict, parts: dict[str, str], path: Path, *,
                  max_cells: int | None = None, max_rows: int | None = None) -> dict[str, Extent]:
    """Every worksheet's extent, or ``InputError`` for the first one above the caps (and for a
    shared-strings part above its own). Nothing here holds more than one chunk of a part."""
    max_cells = MAX_CELLS if max_cells is None else max_cells
    max_rows = MAX_ROWS if max_rows is None else max_rows
    _check_shared_strings(zf, by_name, path)
    out = {}
    for sheet, part in parts.items():
        info = by_name.get(part)
        if info is None:
            continue
        try:
            with zf.open(info) as f:
                ext = scan_extent(f, info.file_size)
        except ValueError as exc:
            if "declared" in str(exc):
                raise InputError("sheet_zip_bomb", file=path.name, text=part, params={"ratio": "?"}) from None
            raise InputError("sheet_damaged", file=path.name, sheet=sheet, params={"why": f"{part}: {exc}"}) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InputError("sheet_damaged", file=path.name, params={"why": f"{part}: {exc}"}) from None
        if ext.rows * max(ext.cols, 1) > max_cells or ext.cells > max_cells:
            cells = max(ext.rows * max(ext.cols, 1), ext.cells)
            cell = _farthest_cell(zf, info, ext) or ext.corner
            raise InputError("sheet_too_many_cells", file=path.name, sheet=sheet, cell=cell, text=cell,
                             params={"sheet_name": sheet, "corner": ext.corner, "rows": ext.rows, "cols": ext.cols,
                                     "cells": cells, "max": max_cells})
        if ext.rows > max_rows:
            raise InputError("sheet_too_many_rows", file=path.name, sheet=sheet, cell=ext.corner,
                             params={"sheet_name": sheet, "rows": ext.rows, "max": max_rows})
        out[sheet] = ext
    return out


def _farthest_cell(zf: zipfile.ZipFile, info, ext: Extent) -> str | None:
    """The reference of a cell in the sheet's last row (else in its last column), for the message:
    the file is refused already, so this second pass only names the place."""
    want_row = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']\$?([A-Za-z]{1,7})\$?0*' + str(ext.rows).encode() + rb'["\']')
    want_col = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']\$?(' + col_letter(ext.cols).encode() + rb')\$?([0-9]{1,12})["\']', re.I)
    by_col = None
    try:
        with zf.open(info) as f:
            tail, seen = b"", 0
            while block := f.read(CHUNK):
                seen += len(block)
                if seen > info.file_size:
                    break
                data = tail + block
                m = want_row.search(data)
                if m:
                    return f"{m.group(1).decode().upper()}{ext.rows}"
                if by_col is None and (m := want_col.search(data)):
                    by_col = f"{m.group(1).decode().upper()}{int(m.group(2))}"
                tail = data[-64:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        return by_col
    return by_col


def _check_shared_strings(zf: zipfile.ZipFile, by_name: dict, path: Path) -> None:
    for name, info in by_name.items():
        if not name.lower().endswith("sharedstrings.xml"):
            continue
        if info.file_size > MAX_SHARED_STRINGS_MB << 20:
            raise InputError("sheet_strings_too_big", file=path.name, text=name, params={
                "why": f"{info.file_size >> 20} MB unpacked", "why_zh": f"解压后为 {info.file_size >> 20} MB",
                "max": f"{MAX_SHARED_STRINGS_MB} MB"})
        count, seen, tail = 0, 0, b""
        try:
            with zf.open(info) as f:
                while True:
                    block = f.read(CHUNK)
                    seen += len(block)
                    if seen > info.file_size:
                        raise InputError("sheet_zip_bomb", file=path.name, text=name, params={"ratio": "?"})
                    data = tail + block
                    cut = data.rfind(b">") + 1 if block else len(data)
                    count += len(_SI_TAG.findall(data, 0, cut))
                    tail = data[cut:]
                    if len(tail) > MAX_TAIL:
                        raise InputError("sheet_damaged", file=path.name, params={"why": f"{name}: no tag end"})
                    if not block:
                        break
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InputError("sheet_damaged", file=path.name, params={"why": f"{name}: {exc}"}) from None
        if count > MAX_SHARED_STRINGS:
            raise InputError("sheet_strings_too_big", file=path.name, text=name, params={
                "why": f"{count:,} texts", "why_zh": f"共 {count:,} 条", "max": f"{MAX_SHARED_STRINGS:,}"})
