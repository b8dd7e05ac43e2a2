"""Does a loose PDF + XLSX pair still say what ipdesk wrote? ``ipdesk verify-docs`` and the
window's 核对文件… dialog::

    res = verify_docs("江苏省-2024.pdf", "江苏省-2024.xlsx")
    res.ok, [p.message("zh") for p in res.problems]
    # False, ['指标数据!F3：336,048 → 346,048', ...]

What is compared:

1. the data fingerprint printed on every PDF page (``数据指纹 xxxx-xxxx-xxxx-xxxx``);
2. the fingerprint the workbook's hidden 元数据 sheet records;
3. the fingerprint recomputed from the workbook's cells: the 明细 sheet's rows are the
   ``values`` of :func:`app.services.fingerprint.payload`, and the rest of that payload (regions,
   window, catalogue version, explanations, targets) is kept as JSON in 元数据 (``fp_parts.N``);
4. every cell of the visible sheets against the record of what was written
   (``cells.N``: zlib + base64 of ``{sheet: [[cell, value, number format], ...]}``), so an
   edited cell is named with its old and new text: ``指标数据!F3：336,048 → 346,048``;
5. 指标数据's figures against 明细's values (they are the same store values, rounded), which
   still catches a changed figure when the cell record in 元数据 was rewritten as well.

What it cannot do: 元数据 sits in the same file as the cells, so whoever rewrites both the
cells and the record can hide a change to text that neither the PDF nor 明细 carries (an
explanation's wording, a projection). The fingerprint on the paper copy binds 明细 and the
targets and explanations; nothing binds the paper's other text but reading it.

:func:`seal` writes the rows of 元数据 this needs (called by the XLSX writer).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.models.errors import InputError, IpdeskError
from app.models.messages import register

register({
    "docs_cell_edited": ("{where}: {old} → {new}", "{where}：{old} → {new}"),
    "docs_cross": ("{where}: {shown} differs from the detail sheet's {detail}",
                   "{where}：{shown} 与“明细”中的 {detail} 不符"),
    "docs_pdf_mismatch": ("PDF page(s) {pages} print data fingerprint {pdf}; the workbook's is {xlsx}",
                          "纸质件第 {pages} 页所印数据指纹 {pdf} 与电子件的 {xlsx} 不一致"),
    "docs_pdf_missing": ("PDF page(s) {pages} print no data fingerprint", "纸质件第 {pages} 页未印数据指纹"),
    "docs_other_report": ("the PDF is the report of {pdf}, the workbook that of {xlsx}",
                          "纸质件是{pdf}的报告，电子件是{xlsx}的报告"),
    "docs_cells_changed": ("the detail sheet's values give data fingerprint {cells}, the workbook records {meta}: "
                           "values in 明细 were changed",
                           "按“明细”单元格重算的数据指纹为 {cells}，与电子件记载的 {meta} 不一致：“明细”中的数值被改动"),
    "docs_record_damaged": ("the workbook's record of its cells is damaged ({why}); cells cannot be compared one by one",
                            "电子件元数据中的单元格记录已损坏（{why}），无法逐格核对"),
    "docs_no_record": ("the workbook carries no record for verify-docs (written by an older ipdesk): "
                       "only the fingerprints are compared",
                       "电子件未带核对记录（由旧版 ipdesk 生成），只核对数据指纹"),
    "docs_pdf_unreadable": ("cannot read the PDF: {why}", "无法读取纸质件：文件已损坏或不是 PDF（{why}）"),
    "docs_not_xlsx": ("not an .xlsx workbook", "不是 .xlsx 工作簿"),
    "docs_not_report": ("no {sheet} sheet with a data fingerprint: not a report workbook written by ipdesk",
                        "没有记载数据指纹的“{sheet}”工作表：不是 ipdesk 生成的报告电子件"),
})

META_SHEET, DETAIL_SHEET, INDICATOR_SHEET = "元数据", "明细", "指标数据"
DETAIL_HEADER = ("地区代码", "指标代码", "期间", "数值", "说明")
CHUNK = 30000                     # characters per 元数据 cell (a cell holds at most 32,767)
MAX_RECORD = 64 << 20             # the cell record unpacks to at most this many bytes
FP_SHORT = re.compile(r"数据指纹[\s：:]*([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})")


# ---------------------------------------------------------------- writing the record

def fingerprint_parts(db, region: str, year: int, regions: list[str]) -> dict:
    """Everything :func:`app.services.fingerprint.payload` hashes except the values (which the
    workbook's 明细 sheet carries)."""
    from app.services import fingerprint as fp

    doc = fp.document(db, region, year, regions, values=[])      # the values are not read: not kept
    doc.pop("values")
    return json.loads(fp.encode(doc))


def cell_key(value) -> str | None:
    """A cell's value as the record keeps it: ``s:`` text, ``n:`` canonical number, ``b:`` boolean.

    >>> cell_key("=1+1"), cell_key(336048), cell_key(336048.0), cell_key(0.125), cell_key(None), cell_key("")
    ('s:=1+1', 'n:336048', 'n:336048', 'n:0.125', None, None)
    """
    from app.models.parse import canonical

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return f"b:{str(value).lower()}"
    if isinstance(value, int):
        return f"n:{value}"
    if isinstance(value, float):
        return f"n:{canonical(Decimal(repr(value)))}"
    if isinstance(value, Decimal):
        return f"n:{canonical(value)}"
    return f"s:{value}"


def seal(wb, rep, parts: dict) -> None:
    """Add to the workbook's 元数据 sheet what :func:`verify_docs` needs: the fingerprint's
    other parts and the record of every written cell of the visible sheets."""
    from functools import lru_cache

    from openpyxl.cell.cell import MergedCell
    from openpyxl.utils import get_column_letter

    letter = lru_cache(maxsize=None)(get_column_letter)
    record: dict[str, list] = {}
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        cells = []
        add = cells.append
        # the cells written, row by row (iter_rows would make a cell for every empty place of the sheet's
        # rectangle first: half the workbook's writing time went there)
        for (r, col), c in sorted(ws._cells.items()):
            value = c._value
            if value is None:                 # (a merged cell's too)
                continue
            if value.__class__ is str:        # most cells: text (the same key as cell_key's, without its tests)
                if value:
                    add([f"{letter(col)}{r}", "s:" + value])
                continue
            if isinstance(c, MergedCell):
                continue
            key = cell_key(value)
            if key is not None:
                where = f"{letter(col)}{r}"
                fmt = c.number_format if key.startswith("n:") and c.number_format != "General" else ""
                add([where, key, fmt] if fmt else [where, key])
        record[ws.title] = cells
    # notes the 明细 sheet shows differently from the store ("" stored, or characters XLSX cannot hold)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    notes = [[r, i, p, ILLEGAL_CHARACTERS_RE.sub("", n or ""), n] for r, i, p, _v, n in rep.detail
             if n is not None and (n == "" or ILLEGAL_CHARACTERS_RE.sub("", n) != n)]
    packed = base64.b64encode(zlib.compress(json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                                            .encode("utf-8"), 6)).decode("ascii")
    rows = [("verify_format", "1"), ("fp_notes", json.dumps(notes, ensure_ascii=False))]
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    rows += [(f"fp_parts.{n + 1}", text[k:k + CHUNK]) for n, k in enumerate(range(0, len(text), CHUNK))]
    rows += [(f"cells.{n + 1}", packed[k:k + CHUNK]) for n, k in enumerate(range(0, len(packed), CHUNK))]
    ws = wb[META_SHEET]
    start = ws.max_row + 1
    for i, (k, v) in enumerate(rows, start=start):
        ws.cell(row=i, column=1, value=k).data_type = "s"
        ws.cell(row=i, column=2, value=v).data_type = "s"
    ws.protection.sheet = True          # not a lock (no password): a guard against a slip of the hand


# ---------------------------------------------------------------- checking

@dataclass
class Edit:
    sheet: str
    cell: str
    old: str
    new: str

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class DocsCheck:
    pdf: Path
    xlsx: Path
    region: str = ""
    region_name: str = ""
    year: str = ""
    recorded: str = ""                 # the fingerprint 元数据 records
    recomputed: str = ""               # from the cells ("" when the workbook has no record)
    pages: list[str | None] = field(default_factory=list)   # the short fingerprint on each PDF page
    edits: list[Edit] = field(default_factory=list)
    problems: list[IpdeskError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.code != "docs_no_record" for p in self.problems)

    def lines(self, lang: str = "zh") -> list[str]:
        """What ``verify-docs`` prints and the window shows: the verdict, the fingerprints, each problem."""
        from app.services.fingerprint import short

        zh = lang == "zh"
        head = (f"核对 {self.pdf.name} 与 {self.xlsx.name}：" + ("一致" if self.ok else "不一致")) if zh else \
            (f"{self.pdf.name} and {self.xlsx.name}: " + ("they agree" if self.ok else "they DIFFER"))
        printed = sorted({p for p in self.pages if p}) or ["—"]
        again = short(self.recomputed) if self.recomputed else ""
        if zh:
            fp = (f"  数据指纹：纸质件 {'、'.join(printed)}（共 {len(self.pages)} 页）；电子件记载 {short(self.recorded)}"
                  + (f"；按单元格重算 {again}" if again else ""))
        else:
            fp = (f"  data fingerprint: PDF {', '.join(printed)} ({len(self.pages)} pages); workbook "
                  f"{short(self.recorded)}" + (f"; recomputed from its cells {again}" if again else ""))
        return [head, fp] + [f"  {p.message(lang)}" for p in self.problems]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "pdf": str(self.pdf), "xlsx": str(self.xlsx), "region": self.region,
                "year": self.year, "fingerprint": {"xlsx": self.recorded, "cells": self.recomputed,
                                                   "pdf_pages": self.pages},
                "edits": [e.__dict__ | {"where": e.where} for e in self.edits],
                "problems": [p.to_dict() for p in self.problems]}


def verify_docs(pdf, xlsx) -> DocsCheck:
    """Compare a PDF and an XLSX written together by ``ipdesk report`` (see the module docstring).

    Raises :class:`InputError` when either file cannot be read or the workbook is not an ipdesk
    report (the CLI's exit 2); otherwise returns what it found (``ok`` when all agree)."""
    from app.services.fingerprint import short

    res = DocsCheck(Path(pdf), Path(xlsx))
    book = _read_xlsx(res.xlsx)
    meta = _meta(book, res.xlsx)
    res.region, res.region_name, res.year = meta.get("region", ""), meta.get("region_name", ""), meta.get("year", "")
    res.recorded = meta.get("fingerprint", "")
    pages, first_page = _pdf_fingerprints(res.pdf)
    res.pages = pages

    detail = _detail_rows(book)
    parts = _joined(meta, "fp_parts")
    if parts:
        try:
            res.recomputed = recompute(json.loads(parts), detail, json.loads(meta.get("fp_notes") or "[]"))
        except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
            res.problems.append(IpdeskError("docs_record_damaged", params={"why": str(exc)[:80]}))
    else:
        res.problems.append(IpdeskError("docs_no_record"))

    # 1-3: the fingerprints
    want = short(res.recorded) if res.recorded else ""
    missing = [n for n, p in enumerate(pages, start=1) if p is None]
    if missing:
        res.problems.append(IpdeskError("docs_pdf_missing", params={"pages": _pages(missing)}))
    wrong: dict[str, list[int]] = {}
    for n, p in enumerate(pages, start=1):
        if p is not None and p != want:
            wrong.setdefault(p, []).append(n)
    for printed, where in wrong.items():
        res.problems.append(IpdeskError("docs_pdf_mismatch", params={"pages": _pages(where), "pdf": printed,
                                                                   "xlsx": want}))
    if wrong and res.region_name and f"{res.region_name}{res.year}年度" not in first_page.replace(" ", ""):
        found = re.search(r"(\S{2,20}?)(\d{4})年度", first_page.replace(" ", ""))
        if found:
            res.problems.append(IpdeskError("docs_other_report", params={
                "pdf": f"{found.group(1)}{found.group(2)}年度", "xlsx": f"{res.region_name}{res.year}年度"}))
    if res.recomputed and res.recomputed != res.recorded:
        res.problems.append(IpdeskError("docs_cells_changed", params={"cells": short(res.recomputed),
                                                                    "meta": want}))

    # 4-5: which cells
    record = _joined(meta, "cells")
    if record:
        try:
            res.edits = compare_cells(_unpack(record), book)
        except (ValueError, TypeError, zlib.error) as exc:
            res.problems.append(IpdeskError("docs_record_damaged", params={"why": str(exc)[:80]}))
    for e in res.edits:
        res.problems.append(IpdeskError("docs_cell_edited", params={"where": e.where, "old": e.old, "new": e.new}))
    edited = {e.where for e in res.edits}
    res.problems += [p for p in cross_check(book, detail, res.region, res.year) if p.params["where"] not in edited]
    return res


def recompute(parts: dict, detail: list[list], notes: list[list]) -> str:
    """The fingerprint from 明细's rows and the recorded other parts (the canonical JSON of
    :func:`app.services.fingerprint.payload`)."""
    from app.models.parse import canonical

    shown_as = {(r, i, p): (shown, stored) for r, i, p, shown, stored in notes}
    values = []
    for region, indicator, period, value, note in detail:
        if isinstance(value, str):
            value = canonical(Decimal(value.strip().replace(",", "")))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = canonical(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
        else:
            raise ValueError(f"{region} {indicator} {period}: no number")
        note = note if note not in ("", None) else None
        known = shown_as.get((region, indicator, period))
        if known is not None and (note or "") == known[0]:
            note = known[1]
        values.append([str(region), str(indicator), str(period), value, note])
    values.sort(key=lambda v: (v[0], v[1], v[2]))
    doc = dict(parts, values=values)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def compare_cells(record: dict, book) -> list[Edit]:
    """Cells of the recorded sheets whose value differs from the record, in sheet and cell order."""
    from openpyxl.utils import get_column_letter

    edits = []
    for name, cells in record.items():
        sheet = book.sheet(name)
        now: dict[str, str] = {}
        if sheet is not None:
            for r, row in enumerate(sheet.rows, start=1):
                for c, v in enumerate(row, start=1):
                    key = cell_key(v)
                    if key is not None:
                        now[f"{get_column_letter(c)}{r}"] = key
        was = {ref: (key, rest[0] if rest else "") for ref, key, *rest in cells}
        for ref in sorted(set(was) | set(now), key=_cell_order):
            old, fmt = was.get(ref, (None, ""))
            if old != now.get(ref) and not _same_number(old, now.get(ref)):
                edits.append(Edit(name, ref, show_key(old, fmt), show_key(now.get(ref), fmt)))
    return edits


def cross_check(book, detail: list[list], region: str, year: str) -> list[IpdeskError]:
    """指标数据's last-year and this-year figures against 明细's values of the region (rounded:
    at most half a unit apart). Derived indicators (名称 ending in *) are computed, not stored: skipped."""
    from openpyxl.utils import get_column_letter

    sheet = book.sheet(INDICATOR_SHEET)
    if sheet is None or not year.isdigit():
        return []
    values = {(i, p): v for r, i, p, v, _n in detail if r == region}
    head = next((n for n, row in enumerate(sheet.rows[:3]) if "指标代码" in row), None)
    if head is None:
        return []
    header = sheet.rows[head]
    cols = [(header.index(f"{y}年"), str(y)) for y in (int(year) - 1, int(year)) if f"{y}年" in header]
    code_col, name_col = header.index("指标代码"), header.index("指标名称") if "指标名称" in header else None
    out = []
    for r, row in enumerate(sheet.rows[head + 1:], start=head + 2):
        code = row[code_col] if code_col < len(row) else None
        if not isinstance(code, str) or (name_col is not None and str(row[name_col] or "").endswith("*")):
            continue
        for c, period in cols:
            cell = row[c] if c < len(row) else None
            stored = values.get((code, period))
            if not isinstance(cell, (int, float)) or isinstance(cell, bool) or stored is None:
                continue
            try:
                gap = abs(Decimal(repr(cell)) - Decimal(str(stored)))
            except InvalidOperation:
                continue
            if gap > Decimal("0.5"):
                out.append(IpdeskError("docs_cross", params={
                    "where": f"{INDICATOR_SHEET}!{get_column_letter(c + 1)}{r}", "shown": show_key(cell_key(cell), "#,##0.##"),
                    "detail": show_key(cell_key(stored if not isinstance(stored, str) else Decimal(stored)), "#,##0.##")}))
    return out


# ---------------------------------------------------------------- showing a value

def show_key(key: str | None, fmt: str = "") -> str:
    """A recorded value as the sheet shows it, with the cell's number format.

    >>> show_key("n:336048", "#,##0"), show_key("n:0.114", "+0.0%;-0.0%;0.0%"), show_key(None)
    ('336,048', '+11.4%', '（空）')
    >>> show_key("n:-0.7", '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'), show_key("s:江苏省")
    ('-0.7个百分点', '江苏省')
    """
    from app.models.parse import format_value

    if key is None:
        return "（空）"
    kind, text = key[:2], key[2:]
    if kind != "n:" or not fmt or fmt == "General":
        return text
    d = Decimal(text)
    first = fmt.split(";")[0]
    suffix = "%" if "%" in first else (first.split('"')[1] if '"' in first else "")
    if suffix == "%":
        d *= 100
    m = re.search(r"0\.([0#]+)", first.split('"')[0])
    decimals = len(m.group(1)) if m else 0
    body = format_value(d, decimals)
    if "#" in (m.group(1) if m else ""):
        body = body.rstrip("0").rstrip(".") if "." in body else body
    if "," not in first:
        body = body.replace(",", "")
    sign = "+" if first.startswith("+") and not body.startswith("-") and Decimal(body.replace(",", "")) > 0 else ""
    return sign + body + suffix


# ---------------------------------------------------------------- reading the files

def _read_xlsx(path: Path):
    from app.services.sheets.read import read_book

    if path.suffix.lower() != ".xlsx":
        raise InputError("docs_not_xlsx", file=str(path))
    return read_book(path)


def _meta(book, path: Path) -> dict[str, str]:
    sheet = book.sheet(META_SHEET)
    if sheet is None:
        raise InputError("docs_not_report", file=str(path), params={"sheet": META_SHEET})
    meta = {str(row[0]): ("" if len(row) < 2 or row[1] is None else str(row[1]))
            for row in sheet.rows[1:] if row and row[0]}
    if not meta.get("format", "").startswith("ipdesk-report") or not re.fullmatch(r"[0-9a-f]{64}",
                                                                                     meta.get("fingerprint", "")):
        raise InputError("docs_not_report", file=str(path), params={"sheet": META_SHEET})
    return meta


def _joined(meta: dict[str, str], prefix: str) -> str:
    parts, n = [], 1
    while f"{prefix}.{n}" in meta:
        parts.append(meta[f"{prefix}.{n}"])
        n += 1
    return "".join(parts)


def _unpack(text: str) -> dict:
    z = zlib.decompressobj()
    data = z.decompress(base64.b64decode(text, validate=True), MAX_RECORD)
    if z.unconsumed_tail:
        raise ValueError("record too large")
    record = json.loads(data.decode("utf-8"))
    if not isinstance(record, dict):
        raise ValueError("not a record")
    return record


def _detail_rows(book) -> list[list]:
    sheet = book.sheet(DETAIL_SHEET)
    if sheet is None:
        return []
    rows = sheet.rows
    head = next((n for n, row in enumerate(rows[:3]) if tuple(row[:5]) == DETAIL_HEADER), None)
    if head is None:
        return []
    out = []
    for row in rows[head + 1:]:
        row = list(row) + [None] * (5 - len(row))
        if all(v in (None, "") for v in row[:5]):
            continue
        out.append(row[:5])
    return out


def _pdf_fingerprints(path: Path) -> tuple[list[str | None], str]:
    """The short fingerprint printed on each page (None where there is none), and page 1's text."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise InputError("docs_pdf_unreadable", file=str(path), params={"why": str(exc)[:120]}) from None
    try:
        pages, first = [], ""
        for n in range(len(doc)):
            page = doc[n]
            text = page.get_textpage().get_text_range()
            if n == 0:
                first = text
            found = set(FP_SHORT.findall(text))
            pages.append(found.pop() if len(found) == 1 else (None if not found else "?" + ",".join(sorted(found))))
        return pages, first
    finally:
        doc.close()


def _pages(numbers: list[int]) -> str:
    """Page numbers in runs.

    >>> _pages([1, 2, 3, 5])
    '1—3、5'
    """
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}—{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _cell_order(ref: str):
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return (int(m.group(2)), len(m.group(1)), m.group(1)) if m else (0, 0, ref)


def _same_number(a: str | None, b: str | None) -> bool:
    """A number that comes back as text of the same figure (a reader's choice, not an edit)."""
    if a is None or b is None or {a[:2], b[:2]} != {"n:", "s:"}:
        return False
    try:
        return Decimal(a[2:]) == Decimal(b[2:])
    except InvalidOperation:
        return False
