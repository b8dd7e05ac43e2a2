"""Reading a clerk's file without trusting it: .xlsx through python-calamine after the zip
has been checked, Excel 97-2003 .xls through xlrd (pure Python: a crafted file raises where calamine's
.xls reader can abort the process), .csv in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK with a comma,
semicolon or tab between fields::

    book = read_book("江苏2024.xlsx")       # -> Book(kind="xlsx", sheets=[Sheet(...), ...])
    book.sheets[0].rows[6][1]              # B7 as the reader gives it: str, float, date, bool

Refused before any cell is read (``InputError``, nothing else escapes): not a zip or a
truncated one, too many parts, more than 200 MB unpacked or a part packed more
than 100:1 (zip bombs), any XML part declaring a DTD or entities (XML bombs), a sheet
reaching farther than :data:`bounds.MAX_CELLS` cells from A1 (a cell at XFD1048576 makes
calamine abort the process) — :mod:`app.services.sheets.bounds` scans each sheet as a stream. Formulas are
never evaluated: calamine gives the value Excel cached; a formula cell without one is listed
in ``Sheet.formula_cells``. Cells styled as per cent (the clerk typed ``12.5%``, Excel kept
0.125) are listed in ``Sheet.percent_cells`` so the importer reads what the clerk saw.
That scan of the sheet XML runs while calamine parses in a worker thread (calamine releases
the GIL), after the zip and DTD checks, which come first.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from app.models.errors import InputError, IpdeskError
from app.models.messages import register

from app.services.sheets.bounds import inspect_parts
from app.services.sheets.csvfile import csv_batches, csv_format, decode_text, sniff_delimiter  # noqa: F401 (re-exported)
from app.services.sheets.common import Steps, cell_ref

register({
    "sheet_unreadable": ("cannot read the file: {why}", "无法读取文件：{why}"),
    "sheet_unsupported": ("unsupported file type: use an Excel workbook (.xlsx or .xls) or a CSV file",
                          "不支持的文件类型：请使用 Excel 工作簿（.xlsx 或 .xls）或 CSV 文件"),
    "sheet_not_zip": ("not a readable .xlsx workbook: the file is damaged, truncated or in another format",
                      "不是可读取的 .xlsx 工作簿：文件已损坏、不完整或为其他格式"),
    "sheet_not_workbook": ("this zip archive is not an Excel workbook", "该压缩包不是 Excel 工作簿"),
    "sheet_web_page": ("this .xls is a web page or XML export, not an Excel workbook: open it in Excel or WPS and "
                       "save it as an Excel workbook (.xlsx)",
                       "该 .xls 文件实为网页或 XML 导出，并非 Excel 工作簿：请用 Excel 或 WPS 打开后另存为 Excel 工作簿（.xlsx）"),
    "sheet_encrypted": ("the workbook is protected by a password: open it in Excel or WPS, remove the password "
                        "(or save a copy without one) and import that",
                        "工作簿设有打开密码：请在 Excel 或 WPS 中打开并取消密码（或另存一份无密码的副本）后再导入"),
    "sheet_ods": ("an OpenDocument file (LibreOffice's .ods): save it as an Excel workbook (.xlsx) and import that",
                  "这是 OpenDocument 文件（LibreOffice 的 .ods）：请另存为 Excel 工作簿（.xlsx）后再导入"),
    "sheet_too_big": ("refused: {why} (at most {max} MB); split the data into smaller files",
                      "已拒绝：{why_zh}（最多 {max} MB），请拆分为较小的文件"),
    "sheet_zip_bomb": ("refused: part {text} unpacks to {ratio}× its packed size (a zip bomb?)",
                       "已拒绝：部件 {text} 解压后为压缩大小的 {ratio} 倍（疑似压缩炸弹）"),
    "sheet_too_many_parts": ("refused: the workbook has {count} parts (at most {max})",
                             "已拒绝：工作簿含 {count} 个部件（最多 {max} 个）"),
    "sheet_xml_dtd": ("refused: part {text} declares a DTD or entities, which Excel never writes (an XML bomb?)",
                      "已拒绝：部件 {text} 声明了 DTD 或实体，Excel 从不这样写（疑似 XML 炸弹）"),
    "sheet_damaged": ("the workbook is damaged: {why}", "工作簿已损坏：{why}"),
})

MAX_FILE_MB = 200          # packed .xlsx or .csv
MAX_UNPACKED_MB = 200      # all parts of an .xlsx together
MAX_RATIO = 100            # packed:unpacked, for parts above RATIO_FLOOR
RATIO_FLOOR = 4 << 20      # small parts compress well and harmlessly (empty styled ranges)
MAX_PARTS = 2000
_PROLOG_BYTES = 65536


@dataclass
class Sheet:
    """One worksheet as the reader gives it; ``rows[0]`` is spreadsheet row 1, ``rows[r][c]`` a cell."""

    name: str
    rows: list[list]
    visible: bool = True
    formula_cells: set[tuple[int, int]] = field(default_factory=set)   # 0-based (row, col)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Book:
    path: Path
    kind: str                     # "xlsx" | "xls" | "csv"
    sheets: list[Sheet]

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    @property
    def file(self) -> str:
        return self.path.name


def read_book(path, *, steps: Steps | None = None, meanwhile=None) -> Book:
    """Read an .xlsx or .csv file, or raise ``InputError`` naming the file.

    ``meanwhile()`` (the caller's own preparation) runs while calamine parses the cells in its
    thread, on the other core; it is called exactly once whenever the file is read."""
    path = Path(path)
    steps = steps or Steps()
    kind = kind_of(path)
    if kind == "xls":
        return read_xls(path, steps=steps, meanwhile=meanwhile)
    if kind == "csv":
        book = Book(path, "csv", [read_csv(path)])
        if meanwhile:
            meanwhile()
        return book
    return read_xlsx(path, steps=steps, meanwhile=meanwhile)


def kind_of(path) -> str:
    """How :func:`read_book` reads the file: ``"xlsx"``, ``"xls"`` or ``"csv"``; ``InputError``
    for a file it refuses whatever is inside (unreadable, too big, a web page, unknown)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise InputError("sheet_unreadable", file=path.name, params={"why": exc.strerror or str(exc)}) from None
    if size > MAX_FILE_MB << 20:
        raise InputError("sheet_too_big", file=path.name, params={
            "why": f"the file is {size >> 20} MB", "why_zh": f"文件大小为 {size >> 20} MB", "max": MAX_FILE_MB})
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):      # Excel 97-2003 (.xls, also WPS's): an OLE2 compound file
        return "xls"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".xls", ".et"):
        if _looks_like_markup(path):
            raise InputError("sheet_web_page", file=path.name)
        return "csv"     # text under an .xls name (tab-separated, as some systems export): read as the CSV it is
    raise InputError("sheet_unsupported", file=path.name)


def is_csv(path) -> bool:
    return kind_of(path) == "csv"


def _looks_like_markup(path: Path) -> bool:
    """An '.xls' that is a web page or Excel 2003 XML (what many online systems export): text that
    starts with '<' after a byte-order mark and blanks, in UTF-8 or UTF-16."""
    with open(path, "rb") as f:
        start = f.read(512)
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if start.startswith(bom):
            start = start[len(bom):].decode(encoding, "ignore").encode()
            break
    start = start.lstrip()
    return start.startswith(b"<") or start[:13].lower() == b"mime-version:"     # (MHTML: a saved web page)


# ---------------------------------------------------------------- xlsx

def _check_zip(path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise InputError("sheet_not_zip", file=path.name) from None
    if len(infos) > MAX_PARTS:
        raise InputError("sheet_too_many_parts", file=path.name, params={"count": len(infos), "max": MAX_PARTS})
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_MB << 20:
        raise InputError("sheet_too_big", file=path.name, params={
            "why": f"it unpacks to {total >> 20} MB", "why_zh": f"解压后为 {total >> 20} MB", "max": MAX_UNPACKED_MB})
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError("sheet_zip_bomb", file=path.name, text=i.filename,
                             params={"ratio": i.file_size // max(i.compress_size, 1)})
    by_name = {i.filename: i for i in infos}
    if "xl/workbook.xml" not in by_name and "[Content_Types].xml" not in by_name:
        if "mimetype" in by_name and by_name["mimetype"].file_size < 200 and \
                zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
            raise InputError("sheet_ods", file=path.name)
        raise InputError("sheet_not_workbook", file=path.name)
    return zf, by_name


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int | None = None) -> bytes:
    """Bytes of a part, never more than it declared (a lying header cannot blow memory)."""
    try:
        with zf.open(info) as f:
            data = f.read((info.file_size if limit is None else min(limit, info.file_size)) + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError("sheet_damaged", file=path.name, params={"why": f"{info.filename}: {_short(exc)}"}) from None
    if limit is None and len(data) > info.file_size:
        raise InputError("sheet_zip_bomb", file=path.name, text=info.filename, params={"ratio": "?"})
    return data


_ROOT = re.compile(rb"<[A-Za-z_]")


def _check_prolog(data: bytes, name: str, path: Path) -> None:
    """Refuse any DTD: entities are how XML bombs and external-entity reads work."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    m = _ROOT.search(data)
    prolog = data[: m.start()] if m else data
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper() or (m is None and len(data) >= _PROLOG_BYTES):
        raise InputError("sheet_xml_dtd", file=path.name, text=name)


def _sheet_parts(zf, by_name, path: Path) -> dict[str, str]:
    """Sheet name -> part name, from workbook.xml and its relationships (parsed by defusedxml)."""
    import defusedxml.ElementTree as ET

    def parse(name):
        try:
            return ET.fromstring(_read_part(zf, by_name[name], path))
        except KeyError:
            return None
        except ET.ParseError as exc:
            raise InputError("sheet_damaged", file=path.name, params={"why": f"{name}: {exc}"}) from None

    wb, rels = parse("xl/workbook.xml"), parse("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
    out = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            out[el.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _percent_styles(zf, by_name, path: Path) -> set[str]:
    """Indexes (as attribute text) of cell styles whose number format shows per cent."""
    import defusedxml.ElementTree as ET

    info = by_name.get("xl/styles.xml")
    if info is None:
        return set()
    try:
        root = ET.fromstring(_read_part(zf, info, path))
    except ET.ParseError as exc:
        raise InputError("sheet_damaged", file=path.name, params={"why": f"styles.xml: {exc}"}) from None
    percent_ids = {"9", "10"}
    for el in root.iter():
        if el.tag.endswith("numFmt"):
            code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", el.get("formatCode", ""))
            if "%" in code:
                percent_ids.add(el.get("numFmtId"))
    out = set()
    for el in root.iter():
        if el.tag.endswith("cellXfs"):
            for n, xf in enumerate(x for x in el if x.tag.endswith("xf")):
                if xf.get("numFmtId") in percent_ids:
                    out.add(str(n))
    return out


def _scan_cells(data: bytes, percent: set[str]) -> tuple[set, set]:
    """Formula cells without a cached value, and number cells styled as per cent.

    Only sheets that have a formula or use a per-cent style are parsed (defusedxml, streaming).
    """
    prefixed = re.match(rb"(?:<\?[^>]*>)?\s*<\w+:worksheet", data[:1000]) is not None
    has_formula = _has_tag(data, b"<f") or (prefixed and re.search(rb"<\w+:f[\s>/]", data) is not None)
    uses_percent = bool(percent) and re.search(rb'\ss="(' + b"|".join(p.encode() for p in percent) + rb')"', data)
    formulas, percents = set(), set()
    if not has_formula and not uses_percent:
        return formulas, percents
    import defusedxml.ElementTree as ET

    row_no = -1
    for _event, el in ET.iterparse(io.BytesIO(data), events=("end",)):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "row":
            row_no = int(el.get("r", row_no + 2)) - 1
            col = -1
            for c in el:
                if not c.tag.endswith("}c") and c.tag != "c":
                    continue
                ref = c.get("r")
                col = _col_index(ref) if ref else col + 1
                kids = {k.tag.rsplit("}", 1)[-1]: k for k in c}
                if "f" in kids and not (kids.get("v") is not None and (kids["v"].text or "")) and "is" not in kids:
                    formulas.add((row_no, col))
                if c.get("s") in percent and c.get("t", "n") == "n" and "v" in kids:
                    percents.add((row_no, col))
            el.clear()
    return formulas, percents


def _has_tag(data: bytes, start: bytes) -> bool:
    """Whether an element ``<f>``/``<f ...>`` occurs (one memchr-speed scan; ``<font`` etc. are skipped)."""
    i = data.find(start)
    while i >= 0:
        if data[i + len(start):i + len(start) + 1] in (b">", b" ", b"/", b"\t", b"\n", b"\r"):
            return True
        i = data.find(start, i + len(start))
    return False


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def _check_parts(path: Path):
    """Zip limits and no DTD in any XML part (before any parser sees the file); returns the open
    zip, the sheet parts and the per-cent styles for :func:`_scan_sheets`."""
    zf, by_name = _check_zip(path)
    try:
        for name, info in by_name.items():
            if name.endswith((".xml", ".rels", ".vml")):
                _check_prolog(_read_part(zf, info, path, _PROLOG_BYTES), name, path)
        return zf, by_name, _sheet_parts(zf, by_name, path), _percent_styles(zf, by_name, path)
    except BaseException:
        zf.close()
        raise


def _scan_sheets(zf, by_name, parts, percent, path: Path) -> dict[str, tuple[set, set]]:
    with zf:
        return {sheet: _scan_cells(_read_part(zf, by_name[part], path), percent)
                for sheet, part in parts.items() if part in by_name}


def _calamine_sheets(path: Path) -> list[tuple]:
    """``(name, visible, rows)`` of each worksheet. calamine parses without holding the GIL, so
    this runs in a thread while the formula scan goes on."""
    import python_calamine as pc

    out = []
    with pc.CalamineWorkbook.from_path(str(path)) as wb:
        for meta in wb.sheets_metadata:
            if meta.typ == pc.SheetTypeEnum.WorkSheet:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                out.append((meta.name, meta.visible == pc.SheetVisibleEnum.Visible, rows))
    return out


def read_xlsx(path: Path, *, steps: Steps | None = None, meanwhile=None) -> Book:
    from concurrent.futures import ThreadPoolExecutor

    steps = steps or Steps()
    steps(0.0, "checking the workbook")
    try:
        checked = _check_parts(path)
        try:         # how far each sheet reaches, before calamine sizes its grid by it (it aborts the process
            inspect_parts(*checked[:3], path)     # on a cell at XFD1048576, whatever catches what)
        except BaseException:
            checked[0].close()
            raise
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile bytes: whatever zipfile/zlib/xml raise, it is "damaged"
        raise InputError("sheet_damaged", file=path.name, params={"why": _short(exc)}) from None
    steps(0.1, "reading cells")
    own_error = None
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="calamine") as pool:
            cells = pool.submit(_calamine_sheets, path)
            try:
                scans = _scan_sheets(*checked, path)
                if meanwhile:
                    try:
                        meanwhile()
                    except BaseException as exc:     # the caller's error, not the file's: raised as it is
                        own_error = exc
            finally:
                raw = cells.result()
    except IpdeskError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's errors and its panics (pyo3's PanicException is
        # a BaseException): anything a damaged file provokes
        raise InputError("sheet_damaged", file=path.name, params={"why": _short(exc)}) from None
    if own_error is not None:
        raise own_error
    steps(0.9, "cells read")
    sheets = [Sheet(name, rows, visible, *scans.get(name, (set(), set()))) for name, visible, rows in raw]
    return Book(path, "xlsx", sheets)


# ---------------------------------------------------------------- xls

MAX_XLS_CELLS = 10_000_000      # rows × columns of one sheet: a few sparse cells must not ask for gigabytes


def _percent_code(code: str) -> bool:
    """Does a number format show per cent (``0.0%``; not a quoted ``"%"``, an escaped ``\\%`` or ``[..]``)?"""
    return "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code or "")


def _encrypted_ole(path: Path) -> bool:
    """A password-protected Office file: an OLE2 compound file with an 'EncryptedPackage' stream
    (.xlsx saved with a password) — xlrd says so itself for a protected .xls."""
    with open(path, "rb") as f:
        return "EncryptedPackage".encode("utf-16-le") in f.read(1 << 20)


def read_xls(path: Path, *, steps: Steps | None = None, meanwhile=None) -> Book:
    """An Excel 97-2003 workbook (old templates, WPS's .et, an .xls renamed .xlsx), read by xlrd —
    pure Python, so a crafted file raises instead of taking the process down — in the types
    calamine gives for .xlsx: text, float, date/datetime, bool, "" for an empty cell; formulas by
    their cached values, never evaluated; number cells formatted as per cent listed as such."""
    import xlrd

    steps = steps or Steps()
    steps(0.1, "reading cells")
    if _encrypted_ole(path):
        raise InputError("sheet_encrypted", file=path.name)
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise InputError("sheet_encrypted", file=path.name) from None
        raise InputError("sheet_damaged", file=path.name, params={"why": _short(exc)}) from None
    except Exception as exc:  # noqa: BLE001 - whatever hostile bytes provoke in the parser is "damaged"
        raise InputError("sheet_damaged", file=path.name, params={"why": _short(exc)}) from None
    try:
        if meanwhile:
            meanwhile()
        sheets = _xls_sheets(book, path)
    finally:
        book.release_resources()
    steps(0.9, "cells read")
    return Book(path, "xls", sheets)


def _xls_sheets(book, path: Path) -> list[Sheet]:
    import datetime as dt

    import xlrd

    formats = book.format_map
    percent_xf = {i for i, xf in enumerate(book.xf_list) if not xf.is_style and (
        xf.format_key in (9, 10) or _percent_code(getattr(formats.get(xf.format_key), "format_str", "")))}
    text_t, number_t, date_t, bool_t, error_t = (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE,
                                                xlrd.XL_CELL_BOOLEAN, xlrd.XL_CELL_ERROR)
    sheets = []
    for i, name in enumerate(book.sheet_names()):
        try:
            sheet = book.sheet_by_index(i)
            if sheet.nrows * max(sheet.ncols, 1) > MAX_XLS_CELLS:
                raise InputError("sheet_too_big", file=path.name, params={
                    "why": f"sheet {name} spans {sheet.nrows:,} rows × {sheet.ncols:,} columns",
                    "why_zh": f"工作表“{name}”跨 {sheet.nrows:,} 行 × {sheet.ncols:,} 列", "max": MAX_FILE_MB})
            width, rows, percent = sheet.ncols, [], set()
            for r in range(sheet.nrows):
                row = [""] * width
                for c, (kind, v) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
                    if kind == text_t:
                        row[c] = v
                    elif kind == number_t:
                        row[c] = float(v)
                        if percent_xf and sheet.cell_xf_index(r, c) in percent_xf:
                            percent.add((r, c))
                    elif kind == date_t:
                        try:
                            when = xlrd.xldate.xldate_as_datetime(v, book.datemode)
                            row[c] = when.date() if when.time() == dt.time(0) else when
                        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                            row[c] = float(v)
                    elif kind == bool_t:
                        row[c] = bool(v)
                    elif kind == error_t:
                        row[c] = xlrd.error_text_from_code.get(v, "#ERROR")
                rows.append(row)
            while rows and not any(x != "" for x in rows[-1]):     # like calamine: up to the last used row
                rows.pop()
            sheets.append(Sheet(name, rows, sheet.visibility == 0, set(), percent))
            book.unload_sheet(i)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged record met while reading the cells
            raise InputError("sheet_damaged", file=path.name, params={"why": f"{name}: {_short(exc)}"}) from None
    return sheets


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


# ---------------------------------------------------------------- csv (app.services.sheets.csvfile)

def read_csv(path: Path) -> Sheet:
    """The whole file as one sheet (the importer reads a CSV in batches instead: :func:`csv_batches`)."""
    rows: list = []
    for part in csv_batches(path):
        rows.extend(part)
    return Sheet(path.stem, rows)


__all__ = ["Book", "Sheet", "read_book", "read_xlsx", "read_csv", "kind_of", "is_csv", "csv_format", "csv_batches",
           "decode_text", "sniff_delimiter", "cell_ref"]
