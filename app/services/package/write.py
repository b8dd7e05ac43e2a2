"""Export a region-year as a signed package for the office above::

    res = export_package(db, "320000", 2024, "E:/")       # E:/320000_2024_v1.ipdx (+ .pdf, .xlsx)
    res.path, res.seq, res.hash, res.key_text

The package holds the submission documents (PDF, XLSX), ``data.json`` and the signed
manifest (see :mod:`app.services.package.format`). The PDF and XLSX are also written
beside it for printing. Exporting marks the region-year ``submitted`` (an approved or
locked one keeps its status); exporting again makes the next sequence number, linked to
the previous package's hash.

What is sent: the region itself and those of its subordinate regions that have values for
the year (a province's package carries its cities; a city without county data, the city
alone), every period of the year, with notes, sources, statuses and the package each value
came from; explanations; the findings of the checks; the target packs in use; answers to
questions received about earlier packages; the task ledger of the regions the documents cover
(own tasks and assignments, progress, evidence metadata, the results report's edited text —
:func:`ledger_block`) with the evidence files' bytes in ``evidence.bin`` up to
:data:`EVIDENCE_CAP` (3 MB) a package.

Refused, nothing written, while anything is open in the region with its direct subordinates
— :func:`app.models.findings.findings` ``(below="children").open(everywhere=True)``, the
set the grid, the dashboard, ``ipdesk check`` and the report show (``below="self"`` for a
region whose subordinates have no values at all, which sends itself alone): a blocking
finding (fix it first), or an explain-level finding without a written explanation
(``ipdesk explain``).
The refusal names the regions and indicators. To hand a draft to someone for review, write
the documents alone with ``ipdesk report`` — a package is always a submission.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.models.audit_registers import RECORDED_LATE
from app.models.errors import InputError
from app.models.messages import register

from app.services.package.binding import documents_block, recompute
from app.services.package.format import SEQS, safe_stem, seal, sha256, short_hash
from app.services.package.identity import office_identity, save_identity  # noqa: F401 (re-exported)
from app.services.package.keys import fingerprint_text, office_key, rollover_proof

register({
    "pkg_blocking": ("{count} blocking finding(s) must be fixed before exporting: {first_en}",
                     "仍有 {count} 个阻断性问题，须修正后才能导出数据包：{first_zh}"),
    "pkg_unexplained": ("{count} finding(s) need a written explanation before exporting: {first_en}",
                        "{count} 个问题须先填写情况说明才能导出数据包：{first_zh}"),
    "pkg_self_binding": ("internal error: the package's data does not give the documents' fingerprint; "
                         "nothing written", "内部错误：数据包数据重算的指纹与文件不一致，未写出"),
    "pkg_no_data": ("nothing to export: {region} has no values for {year}", "无可导出数据：{region} {year} 年没有数值"),
})

DATA_SCHEMA = 2               # 2: ``documents`` (what the fingerprint covers beyond the year's rows)
SIZE_GOAL = 5 * 2**20          # a province-year package; larger ones are written but reported
EVIDENCE_CAP = 3 * 2**20       # evidence bytes carried per package; beyond it only metadata and SHA-256 travel


@dataclass
class PackageResult:
    path: Path                 # the .ipdx
    pdf: Path
    xlsx: Path
    bytes: int
    region: str
    year: int
    seq: int
    hash: str
    previous: str | None
    key_fingerprint: str
    data_fingerprint: str
    regions: list[str]
    values: int
    status: str                # workflow status of the region-year after export
    findings: dict
    reconciled: list = None    # sentences: packages of an interrupted export recorded or removed
    audit_head: tuple = None   # (hash, rows) signed in the manifest

    @property
    def key_text(self) -> str:
        return fingerprint_text(self.key_fingerprint)

    @property
    def short(self) -> str:
        return short_hash(self.hash)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "pdf": str(self.pdf), "xlsx": str(self.xlsx), "bytes": self.bytes,
                "region": self.region, "year": self.year, "seq": self.seq, "hash": self.hash, "previous": self.previous,
                "key_fingerprint": self.key_fingerprint, "key_fingerprint_text": self.key_text,
                "data_fingerprint": self.data_fingerprint, "regions": self.regions, "values": self.values,
                "status": self.status, "findings": self.findings, "reconciled": self.reconciled or [],
                "audit_head": list(self.audit_head) if self.audit_head else None}


# ---------------------------------------------------------------- data.json

def covered_regions(db, region: str, year: int) -> list[str]:
    """The region, then those subordinate regions valid in ``year`` that have values for it."""
    from app.models.catalogue import children

    kids = children(db, region, year)
    if not kids:
        return [region]
    from app.models.values import regions_with_values

    have = regions_with_values(db, year)
    return [region] + [k for k in kids if k in have]


def build_data(db, region: str, year: int, regions: list[str], findings: list, fingerprint: str) -> dict:
    """The content of ``data.json`` (schema :data:`DATA_SCHEMA`)."""
    from app.models.catalogue import region as get_region
    from app.models.db import meta_get
    from app.models.targets import TargetSet
    from app.models.values import region_year_status, value_records

    from app.services.package.queries import answers_for_export

    marks = ",".join("?" * len(regions))
    cols = ("region", "indicator", "period", "value", "note", "source", "status", "package")
    values = value_records(db, regions, year, cols)
    ecols = ("rule", "region", "indicator", "period", "text", "author", "at")
    explanations = [dict(zip(ecols, r)) for r in db.execute(
        f"select {', '.join(ecols)} from explanations where substr(period, 1, 4) = ? and region in ({marks})"
        " order by region, indicator, period, rule", [str(year), *regions])]
    packs = {}
    for t in TargetSet.load(db).applicable(region, year):
        packs.setdefault(t.pack, {"pack": t.pack, "document_zh": t.document_zh, "document_en": t.document_en,
                                  "doc_no": t.doc_no})
    return {
        "schema": DATA_SCHEMA, "region": region, "year": int(year),
        "regions": [{**get_region(db, code)._asdict(), "status": region_year_status(db, code, year)}
                    for code in regions],
        "values": values, "explanations": explanations,
        "findings": [{"region": f.region, "indicator": f.indicator, "period": f.period, "severity": f.severity,
                      "rule": f.rule, "code": f.code, "params": f.params, "message_zh": f.message("zh"),
                      "message_en": f.message("en"), "explanation": f.explanation} for f in findings],
        "targets": sorted(packs.values(), key=lambda p: p["pack"]),
        "catalogue_version": meta_get(db, "catalogue_version", "") or "",
        "fingerprint": fingerprint,
        "answers": answers_for_export(db, regions, year),
    }


def ledger_block(db, regions: list[str], year: int, cap: int = EVIDENCE_CAP) -> tuple[dict, bytes]:
    """``data.json``'s ``ledger`` — the task ledger of ``regions`` (:func:`app.models.ledger.ledger_rows`),
    its fingerprint, and where each carried evidence file lies in ``evidence.bin`` — and those bytes.
    Files beyond ``cap`` travel as metadata and SHA-256 only (the receiver shows them as not carried)."""
    from app.models.ledger import evidence_contents, ledger_fingerprint, ledger_rows, pack

    rows = ledger_rows(db, regions, year)
    carried, blob = evidence_contents(db, rows, cap)
    sizes = {e["sha256"]: e["bytes"] for e in rows["evidence"]}
    index, offset = [], 0
    for sha in carried:
        index.append({"sha256": sha, "offset": offset, "size": sizes[sha]})
        offset += sizes[sha]
    return {"fingerprint": ledger_fingerprint(rows), "rows": pack(rows), "cap": cap, "carried": index}, blob


def package_scope(regions: list[str]) -> str:
    """The findings scope of a package: ``"children"`` when it carries subordinates, else ``"self"``
    (the same choice as the report inside it, ``include_children``)."""
    return "children" if len(regions) > 1 else "self"


def refuse_open(db, fs, year: int) -> None:
    """Raise (nothing written) while ``fs`` has an open finding anywhere: blocking ones first,
    then unexplained ones, each named by region and indicator (``南京市·发明专利授权量：…``)."""
    from app.models.catalogue import indicators, region as get_region

    from app.services.report.words import finding_label

    for code, items, shown in (("pkg_blocking", fs.blocking(everywhere=True), 5),
                               ("pkg_unexplained", fs.unexplained(everywhere=True), 8)):
        if not items:
            continue
        cat = indicators(db)
        regions = {f.region: get_region(db, f.region) for f in items[:shown]}
        zh = "；".join(finding_label(f, {c: r.name_zh for c, r in regions.items()}, cat) for f in items[:shown])
        en = "; ".join(finding_label(f, {c: r.name("en") for c, r in regions.items()}, cat, "en")
                       for f in items[:shown])
        more = len(items) > shown
        raise InputError(code, region=fs.region, period=str(year),
                         params={"count": len(items), "first_zh": zh + ("等" if more else ""),
                                 "first_en": en + ("; …" if more else "")})


# ---------------------------------------------------------------- the use case



def export_package(db, region: str, year: int, out_dir: str | os.PathLike, *, office: str | None = None,
                   contact: str | None = None, key_dir: str | os.PathLike | None = None,
                   generated_at: datetime | None = None, who: str | None = None,
                   progress=None, cancel=None, passphrase=None) -> PackageResult:
    """Write ``<code>_<year>_v<seq>.ipdx`` and the PDF/XLSX beside it into ``out_dir``; mark submitted.

    ``progress(fraction, message)`` and ``cancel()`` as for the report export; a cancel or
    a refusal leaves no file and no change in the store.
    """
    from app import __version__
    from app.models import audit, review
    from app.models.catalogue import region as get_region
    from app.models.db import SCHEMA_VERSION, meta_get, now_iso, transaction
    from app.models.findings import findings as load_findings
    from app.models.values import LOCKED_STATES, has_values, region_year_status

    from app.services.files import atomic_write, say, stage
    from app.services.report.data import check_cancel
    from app.services.report.export import export_report, remove_leftovers

    reg = get_region(db, region)
    year = int(year)
    who = who or audit.current_user()
    step = stage(progress, 0, 1)
    step(0.0, say("核查数据", "checking"))
    regions = covered_regions(db, region, year)
    if not has_values(db, region, year):
        raise InputError("pkg_no_data", region=region, period=str(year), params={"region": reg.name_zh, "year": year})
    # the set the grid, `check` and the report show; a region whose subordinates have no values at
    # all sends itself alone (see covered_regions) and answers for itself alone, as its report does
    fs = load_findings(db, region, year, below=package_scope(regions))
    refuse_open(db, fs, year)
    status_now = region_year_status(db, region, year)
    if status_now not in LOCKED_STATES and status_now != "submitted":
        # exporting submits: the review service's rule for 'submit' (state, subordinates) is asked first
        reasons = review.blockers(db, region, year, "submit", fs=fs)
        if reasons:
            raise review.refusal(db, "submit", region, year, reasons)
    findings = fs.items
    check_cancel(cancel)
    key = office_key(key_dir, db=db, passphrase=passphrase)
    office_id, office_name = office_identity(db, region)
    out = Path(out_dir)
    reconciled = reconcile_unrecorded(db, out, key, who=who) if out.is_dir() else []
    last = db.execute("select seq, hash from packages_sent where region = ? and year = ? order by seq desc limit 1",
                      [region, year]).fetchone()
    seq, previous = (last[0] + 1, last[1]) if last else (1, None)
    if seq > SEQS[1]:
        raise InputError("pkg_seq_range", text=str(seq), params={"lo": SEQS[0], "hi": f"{SEQS[1]:,}"})
    head = audit.head(db)                    # signed in the manifest, printed on the cover, kept in the XLSX
    previous_head = last_sent_head(db)

    with tempfile.TemporaryDirectory(prefix="ipdesk-pkg-") as tmp:
        rep = export_report(db, region, year, pdf=Path(tmp) / "report.pdf", xlsx=Path(tmp) / "report.xlsx",
                            office=office, contact=contact, include_children=len(regions) > 1,
                            generated_at=generated_at, progress=stage(progress, 0.05, 0.85), cancel=cancel,
                            key_fingerprint=key.text, audit_head=head,
                            workflow=None if region_year_status(db, region, year) in LOCKED_STATES else "submitted")
        pdf_bytes, xlsx_bytes = rep.pdf.read_bytes(), rep.xlsx.read_bytes()
    step(0.88, say("签名打包", "signing"))
    data = build_data(db, region, year, regions, findings, rep.report.fingerprint)
    data["documents"] = documents_block(db, region, year, rep.report.regions, regions)
    if recompute(data) != rep.report.fingerprint:       # what every receiver checks, checked before signing
        raise InputError("pkg_self_binding", region=region, period=str(year))
    data["ledger"], evidence_bin = ledger_block(db, rep.report.regions, year)
    if data["ledger"]["fingerprint"] != rep.report.ledger_fingerprint:    # the ledger the documents name
        raise InputError("pkg_self_binding", region=region, period=str(year))
    status = region_year_status(db, region, year)
    if status not in LOCKED_STATES:          # what the region-year is once this export is recorded
        data["regions"][0]["status"] = "submitted"
        for v in data["values"]:
            if v["region"] == region:
                v["status"] = "submitted"
    data_bytes = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                            default=str).encode("utf-8")
    fields = {"region": region, "region_name": reg.name_zh, "year": year, "seq": seq, "previous": previous,
              "created_at": (generated_at.astimezone().isoformat(timespec="seconds") if generated_at else now_iso()),
              "store_schema": SCHEMA_VERSION, "data_schema": DATA_SCHEMA, "app_version": __version__,
              "catalogue_version": meta_get(db, "catalogue_version", "") or "",
              "data_fingerprint": rep.report.fingerprint, "regions": regions,
              "ledger_fingerprint": data["ledger"]["fingerprint"],
              "audit_head": {"hash": head[0], "rows": head[1]}, "previous_head": previous_head}
    proof = rollover_proof(key)
    if proof:
        fields["rollover"] = proof
    archive = seal("package", fields, [("data.json", data_bytes), ("report.pdf", pdf_bytes),
                                       ("report.xlsx", xlsx_bytes)] + ([("evidence.bin", evidence_bin)] if evidence_bin
                                                                       else []),
                   key, office_id=office_id, office_name=office_name)
    check_cancel(cancel)
    out.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(region, year, seq)
    path, pdf, xlsx = out / f"{stem}.ipdx", out / f"{stem}.pdf", out / f"{stem}.xlsx"
    for target in (path, pdf, xlsx):
        remove_leftovers(target)
    step(0.93, say("写入文件", "writing files"))
    digest = sha256(archive)
    written: list[Path] = []
    try:
        # the printable copies first and the package last: a package on the stick is a complete one;
        # a full disk or a refused write removes what this export wrote, and records nothing
        for target, payload in ((pdf, pdf_bytes), (xlsx, xlsx_bytes), (path, archive)):
            atomic_write(target, lambda p, b=payload: p.write_bytes(b))
            written.append(target)
        with transaction(db):
            db.execute("insert into packages_sent(hash, region, year, seq, prev_hash, file, bytes, key_fingerprint,"
                       " data_fingerprint, created_at, created_by, manifest) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                       [digest, region, year, seq, previous, path.name, len(archive), key.fingerprint,
                        rep.report.fingerprint, fields["created_at"], who, _manifest_text(archive)])
            audit.append(db, [(who, "export_package", region, None, str(year), previous, digest, path.name)])
            if status not in LOCKED_STATES and status != "submitted":
                review.submit(db, region, year, who=who, why=f"exported {path.name}")
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    audit.anchor(db, f"package {path.name}")
    step(1.0, say("完成", "done"))
    counts = {k: v for k, v in fs.counts(everywhere=True).items() if k in ("blocking", "explain", "info")}
    return PackageResult(path, pdf, xlsx, len(archive), region, year, seq, digest, previous, key.fingerprint,
                         rep.report.fingerprint, regions, len(data["values"]), region_year_status(db, region, year),
                         counts, reconciled, head)


# ---------------------------------------------------------------- leftovers and heads

def _manifest_text(archive: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return zf.read("manifest.json").decode("utf-8")


def last_sent_head(db) -> dict | None:
    """The audit head signed in the last package this office sent (any region-year): the next
    package names it as its ``previous_head``, so a receiver sees whether the history continues."""
    for (text,) in db.execute("select manifest from packages_sent where manifest is not null"
                              " order by created_at desc, rowid desc limit 1"):
        try:
            h = json.loads(text).get("audit_head")
        except (ValueError, AttributeError):
            return None
        return h if isinstance(h, dict) else None
    return None


def reconcile_unrecorded(db, folder: Path, key, *, who: str | None = None) -> list[str]:
    """Packages in ``folder`` signed by this office's key but not in ``packages_sent`` (an export killed
    between writing the file and recording it): recorded when they follow the last recorded package of
    their region-year, else removed. Returns one sentence per file (the user's language)."""
    from app.models import audit
    from app.models.db import transaction

    from app.services.files import say
    from app.services.package.format import PackageError, read_archive

    done = []
    for p in sorted(folder.glob("*_v*.ipdx")):
        if p.is_symlink() or not p.is_file():
            continue
        try:
            a = read_archive(p, kind="package")
        except PackageError:
            continue
        if a.fingerprint != key.fingerprint:
            continue
        if db.execute("select 1 from packages_sent where hash = ?", [a.hash]).fetchone():
            continue
        m = a.manifest
        last = db.execute("select seq, hash from packages_sent where region = ? and year = ? order by seq desc limit 1",
                          [m["region"], m["year"]]).fetchone()
        follows = m.get("seq") == (last[0] + 1 if last else 1) and m.get("previous") == (last[1] if last else None)
        if follows:
            with transaction(db):
                db.execute("insert into packages_sent(hash, region, year, seq, prev_hash, file, bytes, key_fingerprint,"
                           " data_fingerprint, created_at, created_by, manifest) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                           [a.hash, m["region"], m["year"], m["seq"], m.get("previous"), p.name, a.size,
                            a.fingerprint, m.get("data_fingerprint"), m.get("created_at") or "", who or audit.current_user(),
                            a.members["manifest.json"].decode("utf-8")])
                audit.append(db, [(who or audit.current_user(), "export_package", m["region"], None, str(m["year"]),
                                   m.get("previous"), a.hash, p.name + RECORDED_LATE)])
            done.append(say(f"已补记上次中断导出时写出但未登记的数据包 {p.name}",
                            f"recorded {p.name}, written by an interrupted export but not recorded"))
        else:
            p.unlink(missing_ok=True)
            done.append(say(f"已删除上次中断导出时写出、未登记且与已登记版本不衔接的数据包 {p.name}",
                            f"removed {p.name}: written by an interrupted export, never recorded, and it does not "
                            f"follow the recorded versions"))
    return done
