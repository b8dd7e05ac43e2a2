"""What binds a package's parts: one data fingerprint, recomputed by the receiver.

The sender signs the manifest, and the manifest lists every member's SHA-256 — but a sender
(or anyone with its key) could sign a ``data.json`` that says one thing beside a PDF that says
another. The receiver therefore recomputes the data fingerprint
(:func:`app.services.fingerprint.payload`) from ``data.json`` itself and requires it to equal

- the manifest's ``data_fingerprint`` (and ``data.json``'s own ``fingerprint``),
- the fingerprint in the PDF's document information (``Keywords: fingerprint:<hex>``, the
  same one printed on every page), and
- the ``fingerprint`` row of the XLSX's hidden ``元数据`` sheet;

and the audit chain head signed in the manifest to equal the one kept in the XLSX. The task ledger
(``data.json``'s ``ledger``: tasks, progress, evidence metadata, the report's text) is bound the same
way by its own SHA-256 (:func:`check_ledger`): a progress row changed in data.json is refused.

The fingerprint covers nine years of values, the package only its year: ``data.json`` carries
the rest of what the fingerprint covers in ``documents`` (the earlier years' annual values,
the targets, the region list), and the year's annual values and explanations are taken from
``values`` and ``explanations`` — the very rows the receiver writes. A value ×10 in
``data.json`` thus changes the recomputed fingerprint::

    documents_block(db, region, year, regions, package_regions)   # the sender, into data.json
    check_binding(pkg)                                            # the receiver: raises pkg_binding
"""
from __future__ import annotations

import hashlib
import io
import json
import re

from app.models.messages import register

register({
    "pkg_binding": ("the package's parts disagree: the data fingerprint of {part_en} is {found}, data.json gives "
                    "{expected} — the documents are not the data sent",
                    "数据包各部分不一致：{part_zh}的数据指纹为 {found}，而按 data.json 重算为 {expected}，"
                    "文件与所报数据不符"),
    "pkg_binding_head": ("the audit chain head in {part_en} ({found}) differs from the manifest's ({expected})",
                         "{part_zh}中的审计链头（{found}）与清单中的（{expected}）不一致"),
})

PARTS = {"manifest": ("the manifest", "清单（manifest.json）"), "data": ("data.json", "data.json"),
         "pdf": ("the PDF (report.pdf)", "PDF 纸质件（report.pdf）"),
         "xlsx": ("the XLSX (report.xlsx)", "XLSX 电子件（report.xlsx）")}
_FP = re.compile(r"fingerprint:([0-9a-f]{64})(?![0-9a-f])")
_HEAD = re.compile(r"audit:([0-9a-f]{64}):([0-9]+)")
_LEDGER = re.compile(r"ledger:([0-9a-f]{64})(?![0-9a-f])")
# the 元数据 sheet's key and value columns (a third would be read and ignored: 3 is as good — equivalent)
_META_COLUMNS = 2  # pragma: no mutate


def documents_block(db, region: str, year: int, regions: list[str], package_regions: list[str]) -> dict:
    """What the fingerprint covers beyond the package's own rows (the sender puts it into data.json)."""
    from app.services.fingerprint import payload

    doc = json.loads(payload(db, region, year, regions))
    carried = set(package_regions)
    doc["history"] = [v for v in doc.pop("values") if v[2] != str(year)]
    doc["explanations_outside"] = [e for e in doc.pop("explanations") if e[1] not in carried]
    return doc


def recompute(data: dict) -> str:
    """The data fingerprint of a package's ``data.json`` (``documents`` + the year's own rows)."""
    docs = data.get("documents")
    if not isinstance(docs, dict):
        raise ValueError("documents")
    year, regions = int(data["year"]), docs.get("regions")
    if not isinstance(regions, list) or not isinstance(docs.get("history"), list):
        raise ValueError("documents")
    keep = set(regions)
    current = [[v["region"], v["indicator"], v["period"], v["value"], v.get("note")]
               for v in data["values"] if v["period"] == str(year) and v["region"] in keep]
    history = [v for v in docs["history"] if isinstance(v, list) and len(v) == 5 and v[2] != str(year)]
    explained = [[e["rule"], e["region"], e["indicator"], e["period"], e["text"]] for e in data["explanations"]
                 if e["region"] in keep]
    carried = {r["code"] for r in data["regions"]}
    outside = [e for e in docs.get("explanations_outside") or [] if isinstance(e, list) and len(e) == 5
               and e[1] not in carried]
    doc = {k: v for k, v in docs.items() if k not in ("history", "explanations_outside")}
    doc.update(region=data["region"], year=year,
               values=sorted(history + current, key=lambda r: (r[0], r[1], r[2])),
               explanations=sorted(explained + outside, key=lambda r: [("" if x is None else str(x)) for x in r]))
    body = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def pdf_keywords(pdf: bytes) -> str:
    """The PDF's document information Keywords ("" for a damaged PDF: it then disagrees)."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(pdf)
        try:
            return doc.get_metadata_dict().get("Keywords", "") or ""
        finally:
            doc.close()
    except Exception:
        return ""


def pdf_marks(pdf: bytes, words: str | None = None) -> tuple[str | None, tuple[str, int] | None]:
    """``(fingerprint, audit head)`` from the PDF's document information (Keywords)."""
    words = pdf_keywords(pdf) if words is None else words
    fp, head = _FP.search(words), _HEAD.search(words)
    return (fp.group(1) if fp else None), ((head.group(1), int(head.group(2))) if head else None)


def ledger_mark(words: str) -> str | None:
    found = _LEDGER.search(words)
    return found.group(1) if found else None


def xlsx_marks(xlsx: bytes) -> dict[str, str]:
    """The key/value rows of the workbook's hidden ``元数据`` sheet (read-only, first 200 rows)."""
    from openpyxl import load_workbook

    from app.services.report.xlsx import SHEETS

    try:
        # (read_only, data_only: how openpyxl opens it — the same cells of the formula-free sheet ipdesk writes;
        # either False is equivalent)
        wb = load_workbook(io.BytesIO(xlsx), read_only=True, data_only=True)  # pragma: no mutate
    except Exception:  # not a workbook: it then disagrees
        return {}
    try:
        if SHEETS[-1] not in wb.sheetnames:
            return {}
        out = {}
        for row in wb[SHEETS[-1]].iter_rows(min_row=2, max_row=200, max_col=_META_COLUMNS, values_only=True):
            if row and isinstance(row[0], str):  # pragma: no mutate (`or`: the rows of a values_only read are never empty)
                out[row[0]] = "" if row[1] is None else str(row[1])
        return out
    finally:
        wb.close()


def _refuse(file: str, part: str, found, expected: str, code: str = "pkg_binding"):
    from app.services.fingerprint import short
    from app.services.package.format import PackageError

    def shown(x):
        return short(x) if isinstance(x, str) and len(x) == 64 else str(x or "—")

    raise PackageError(code, file=file, params={"part_en": PARTS[part][0], "part_zh": PARTS[part][1],
                                                "found": shown(found), "expected": shown(expected)})


def head_of(manifest: dict) -> tuple[str, int] | None:
    h = manifest.get("audit_head")
    if isinstance(h, dict) and isinstance(h.get("hash"), str) and isinstance(h.get("rows"), int):
        return h["hash"], h["rows"]
    return None


def check_binding(pkg) -> str:
    """Raise ``pkg_binding`` naming the part whose fingerprint differs from data.json's; return it."""
    a, data = pkg.archive, pkg.data
    file = a.file
    try:
        expected = recompute(data)
    except (ValueError, KeyError, TypeError):
        _refuse(file, "data", "—", "—")
    if data.get("fingerprint") != expected:
        _refuse(file, "data", data.get("fingerprint"), expected)
    if a.manifest.get("data_fingerprint") != expected:
        _refuse(file, "manifest", a.manifest.get("data_fingerprint"), expected)
    words = pdf_keywords(a.members["report.pdf"])
    pdf_fp, pdf_head = pdf_marks(b"", words)
    if pdf_fp != expected:
        _refuse(file, "pdf", pdf_fp, expected)
    meta = xlsx_marks(a.members["report.xlsx"])
    if meta.get("fingerprint") != expected:
        _refuse(file, "xlsx", meta.get("fingerprint"), expected)
    head = head_of(a.manifest)
    if head is not None:
        signed = f"{head[0]}:{head[1]}"
        if pdf_head is None or f"{pdf_head[0]}:{pdf_head[1]}" != signed:    # (the paper copy must name it too)
            _refuse(file, "pdf", "—" if pdf_head is None else f"{pdf_head[0][:16]}:{pdf_head[1]}",
                    f"{head[0][:16]}:{head[1]}", "pkg_binding_head")
        kept = meta.get("audit_head")
        if kept != signed:
            _refuse(file, "xlsx", (kept or "—")[:16] + (kept or "")[64:], f"{head[0][:16]}:{head[1]}",
                    "pkg_binding_head")
    check_ledger(pkg, words, meta)
    return expected


def check_ledger(pkg, words: str, meta: dict) -> None:
    """The task ledger (tasks, progress, evidence metadata, report text: ``data.json``'s ``ledger``) is
    bound like the values: its SHA-256 (:func:`app.models.ledger.ledger_fingerprint`) recomputed from
    data.json must equal the one data.json states, the manifest's ``ledger_fingerprint`` and the ones in
    the PDF's Keywords and the XLSX's 元数据 sheet. A package whose documents name no ledger (an older
    ipdesk) carries none."""
    from app.models.errors import InputError
    from app.models.ledger import ledger_fingerprint, unpack

    a, data, file = pkg.archive, pkg.data, pkg.archive.file
    ledger = data.get("ledger")
    marks = {"manifest": a.manifest.get("ledger_fingerprint"), "pdf": ledger_mark(words),
             "xlsx": meta.get("ledger_fingerprint")}
    if ledger is None and not any(marks.values()):
        return
    try:
        expected = ledger_fingerprint(unpack(ledger["rows"]))
    except (TypeError, KeyError, AttributeError, InputError):
        _refuse(file, "data", "—", "—")
    if ledger.get("fingerprint") != expected:
        _refuse(file, "data", ledger.get("fingerprint"), expected)
    for part, found in marks.items():
        if found != expected:
            _refuse(file, part, found, expected)
