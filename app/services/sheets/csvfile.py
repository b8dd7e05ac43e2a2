"""A clerk's CSV, read without holding it: one check pass over the bytes, 1 MB at a time
(binary content, the encoding — UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 —,
the delimiter, no line longer than :data:`MAX_LINE`, and a row count when the line ends pass
:data:`MAX_CSV_ROWS`), then the rows in batches::

    fmt = csv_format(path)                   # or InputError naming the file
    for rows in csv_batches(path, fmt):      # CSV_BATCH rows at a time, lists of cells
        ...

:func:`app.services.sheets.importer.plan_import` resolves and compares each batch as it
comes, so a 200 MB file imports in a few hundred MB.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from app.models.errors import InputError
from app.models.messages import register

register({
    "csv_encoding": ("cannot decode the CSV file: it is neither UTF-8 nor GB18030/GBK text",
                     "无法识别 CSV 文件编码：既不是 UTF-8 也不是 GB18030/GBK 文本"),
    "csv_too_many_rows": ("refused: the file has more than {max:,} rows (as many as Excel opens); split it into "
                          "smaller files", "已拒绝：文件超过 {max:,} 行（Excel 能打开的上限），请拆分为较小的文件"),
    "csv_binary": ("not a CSV text file (it contains binary data)", "不是 CSV 文本文件（含有二进制数据）"),
})


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of the GBK that Chinese
    Windows Excel writes for "CSV (逗号分隔)")."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", raw[3:])]
    elif raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates = [("utf-16", raw)]
    else:
        candidates = [("utf-8", raw), ("gb18030", raw)]
    for encoding, data in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise InputError("csv_binary", file=name)
        return text
    raise InputError("csv_encoding", file=name)


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


MAX_CSV_ROWS = 1_048_576       # as many as Excel opens: beyond it no clerk made the file
MAX_LINE = 1 << 20             # characters in one line (csv's own field limit is 131,072): a 200 MB file
                               # without a line end would otherwise become one 200 MB string
CSV_BATCH = 50_000             # rows handed on at a time by :func:`csv_batches`


@dataclass
class CsvFormat:
    """What the check pass found: the encoding, the delimiter, whether any cell may carry the
    apostrophe that :func:`csv_unprotect` takes off."""

    encoding: str
    delimiter: str
    quoted: bool
    lines: int = 0                # line ends seen: at least the number of rows


def csv_format(path: Path) -> CsvFormat:
    """One pass over the bytes, 1 MB at a time (the whole file is never held): binary content,
    the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030), the delimiter."""
    name = path.name
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head.startswith(b"PK\x03\x04"):
                raise InputError("csv_binary", file=name)
            if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                candidates = ["utf-16"]
            elif head.startswith(codecs.BOM_UTF8):
                candidates = ["utf-8-sig"]
            else:
                candidates = ["utf-8", "gb18030"]
            if candidates != ["utf-16"]:
                while block := f.read(1 << 20):
                    if b"\x00" in block:
                        raise InputError("csv_binary", file=name)
            for encoding in candidates:
                f.seek(0)
                decoder = codecs.getincrementaldecoder(encoding)("strict")
                first, quoted, line, lines = "", False, 0, 0     # line: characters since the last line end
                try:
                    while True:
                        block = f.read(MAX_LINE)        # (so a line inside one block is never longer than the cap)
                        text = decoder.decode(block, final=not block)
                        if "\x00" in text:
                            raise InputError("csv_binary", file=name)
                        last = max(text.rfind("\n"), text.rfind("\r"))
                        if last < 0:
                            line += len(text)
                        else:       # the line ending here; those wholly inside text are shorter than a block
                            first_end = min(i for i in (text.find("\n"), text.find("\r")) if i >= 0)
                            if line + first_end > MAX_LINE:
                                line += first_end
                            else:
                                line = len(text) - last - 1
                        if line > MAX_LINE:
                            raise InputError("sheet_damaged", file=name,
                                             params={"why": f"a line longer than {MAX_LINE:,} characters"})
                        if len(first) < 65536:
                            first += text[:65536]
                        quoted = quoted or "'" in text
                        lines += text.count("\n") or text.count("\r")
                        if not block:
                            break
                except UnicodeDecodeError:
                    continue
                return CsvFormat(encoding, sniff_delimiter(first), quoted, lines)
    except OSError as exc:
        raise InputError("sheet_unreadable", file=name, params={"why": exc.strerror or str(exc)}) from None
    raise InputError("csv_encoding", file=name)


def csv_batches(path: Path, fmt: CsvFormat | None = None, *, batch: int | None = None):
    """The file's rows, ``batch`` at a time, as lists of cells (apostrophe protection undone),
    never more than :data:`MAX_CSV_ROWS` rows; ``InputError`` for anything unreadable."""
    from app.services.sheets.common import csv_unprotect

    fmt = fmt or csv_format(path)
    batch = batch or CSV_BATCH
    try:
        if fmt.lines > MAX_CSV_ROWS:    # more lines than rows allowed: count the rows (quoted line ends aside)
            with open(path, encoding=fmt.encoding, newline="") as f:     # before anything is resolved
                if sum(1 for _ in csv.reader(f, delimiter=fmt.delimiter)) > MAX_CSV_ROWS:
                    raise InputError("csv_too_many_rows", file=path.name, cell=f"row {MAX_CSV_ROWS + 1}",
                                     params={"max": MAX_CSV_ROWS})
        with open(path, encoding=fmt.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=fmt.delimiter)      # (no line is long: csv_format saw to it)
            rows: list = []
            count = 0
            for row in reader:
                if fmt.quoted and row:
                    row = [csv_unprotect(c) for c in row]
                rows.append(row)
                if len(rows) == batch:
                    count += len(rows)
                    yield rows
                    rows = []
                    if count > MAX_CSV_ROWS:
                        break
            count += len(rows)
            if count > MAX_CSV_ROWS:
                raise InputError("csv_too_many_rows", file=path.name, cell=f"row {MAX_CSV_ROWS + 1}",
                                 params={"max": MAX_CSV_ROWS})
            if rows:
                yield rows
    except csv.Error as exc:
        raise InputError("sheet_damaged", file=path.name, params={"why": str(exc)}) from None
    except UnicodeDecodeError:
        raise InputError("csv_encoding", file=path.name) from None
    except OSError as exc:
        raise InputError("sheet_unreadable", file=path.name, params={"why": exc.strerror or str(exc)}) from None
