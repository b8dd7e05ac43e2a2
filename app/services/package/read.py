"""Reading a received file: the checked package (:class:`Package`) and what verify reports.

    v = verify_file(db, "320100_2024_v2.ipdx")   # never raises for a bad file
    v.ok, v.reason, v.sender_id, v.key_text, v.trusted, v.seq, v.hash
    pkg = read_package("320100_2024_v2.ipdx")    # raises PackageError; pkg.data is data.json

:func:`read_package` adds the checks of ``data.json`` to the archive checks of
:mod:`app.services.package.format`: the schema version, region and year equal to the
manifest's, the covered regions equal to the manifest's, every value a canonical decimal of
a covered region in the package's year. A key trusted here for another office, or a
package from an office known here by other keys only, makes the file invalid
(``pkg_key_mismatch``): it is signed by a key other than the claimed sender's.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from app.models.errors import IpdeskError
from app.models.messages import register

from app.services.package.format import PackageError, read_archive, short_hash
from app.services.package.keys import fingerprint_text, trust_status

register({
    "pkg_evidence": ("evidence file {text} in the package: {why}", "数据包中的佐证材料 {text}：{why}"),
    "pkg_key_mismatch": ("signed by key {text}, not by the key of {office} trusted here ({trusted})",
                         "签名密钥 {text} 不是本单位登记的 {office} 密钥（{trusted}）"),
})


@dataclass
class Package:
    """A checked ``.ipdx``: the archive plus its parsed ``data.json``."""

    archive: object
    data: dict
    evidence: dict = field(default_factory=dict)     # SHA-256 -> bytes of the evidence files carried

    @property
    def manifest(self) -> dict:
        return self.archive.manifest

    @property
    def region(self) -> str:
        return self.manifest["region"]

    @property
    def year(self) -> int:
        return self.manifest["year"]

    @property
    def seq(self) -> int:
        return self.manifest["seq"]

    @property
    def regions(self) -> list[str]:
        return [r["code"] for r in self.data["regions"]]


_CANON = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")


def _bad(file: str, why: str):
    raise PackageError("pkg_data", file=file, params={"why": why})


def _strs(d: dict, keys, optional=()) -> bool:
    return all(isinstance(d.get(k), str) for k in keys) and all(d.get(k) is None or isinstance(d.get(k), str)
                                                                 for k in optional)


def parse_package(archive) -> Package:
    """Parse and check ``data.json`` of a package archive (schema, region/year, shapes)."""
    from app.services.package.write import DATA_SCHEMA

    file, m = archive.file, archive.manifest
    if not (isinstance(m.get("seq"), int) and isinstance(m.get("regions"), list)):
        raise PackageError("pkg_manifest", file=file, params={"why": "seq/regions"})
    try:
        data = json.loads(archive.members["data.json"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageError("pkg_data", file=file, params={"why": f"not JSON ({exc})"}) from exc
    if not isinstance(data, dict):
        _bad(file, "not an object")
    if data.get("schema") != DATA_SCHEMA:
        raise PackageError("pkg_data_schema", text=str(data.get("schema")), file=file, params={"known": DATA_SCHEMA})
    if data.get("region") != m["region"] or data.get("year") != m["year"]:
        _bad(file, f"region/year {data.get('region')}/{data.get('year')} differ from the manifest's "
                   f"{m['region']}/{m['year']}")
    regions = data.get("regions")
    if not (isinstance(regions, list) and regions and all(isinstance(r, dict) and _strs(r, ("code", "level", "name_zh"))
                                                          for r in regions)):
        _bad(file, "regions")
    codes = [r["code"] for r in regions]
    if codes != m["regions"] or codes[0] != m["region"]:
        _bad(file, "regions differ from the manifest's")
    keep, year = set(codes), str(m["year"])
    for key, need, opt in (("values", ("region", "indicator", "period", "value"),
                            ("note", "source", "status", "package")),
                           ("explanations", ("rule", "region", "indicator", "period", "text"), ("author", "at")),
                           ("answers", ("id", "answer"), ("corrected", "answered_by", "answered_at"))):
        rows = data.get(key)
        if not isinstance(rows, list) or not all(isinstance(r, dict) and _strs(r, need, opt) for r in rows):
            _bad(file, key)
    for v in data["values"]:
        if v["region"] not in keep or not v["period"].startswith(year) or not _CANON.fullmatch(v["value"]):
            _bad(file, f"value {v['region']}·{v['indicator']}·{v['period']} = {v['value']!r}")
    for e in data["explanations"]:
        if e["region"] not in keep or not e["period"].startswith(year):
            _bad(file, f"explanation {e['region']}·{e['indicator']}·{e['period']}")
    pkg = Package(archive, data)
    from app.services.package.binding import check_binding

    check_binding(pkg)          # data.json, manifest, PDF and XLSX give one data fingerprint
    pkg.evidence = carried_evidence(archive, data)
    return pkg


def carried_evidence(archive, data: dict) -> dict[str, bytes]:
    """The evidence files ``evidence.bin`` carries, each checked against the SHA-256 its index gives: the
    index covers the member exactly, in order, without gaps or overlaps (else ``pkg_evidence``)."""
    import hashlib

    file = archive.file
    blob = archive.members.get("evidence.bin", b"")
    ledger = data.get("ledger")
    index = ledger.get("carried") if isinstance(ledger, dict) else None
    if index is None:
        if blob:
            raise PackageError("pkg_evidence", text="evidence.bin", file=file, params={"why": "no index"})
        return {}
    if not isinstance(index, list):
        raise PackageError("pkg_evidence", text="evidence.bin", file=file, params={"why": "index"})
    out, at = {}, 0
    for e in index:
        ok = (isinstance(e, dict) and isinstance(e.get("sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", e["sha256"])
              and all(isinstance(e.get(k), int) and not isinstance(e.get(k), bool) for k in ("offset", "size"))
              and e["offset"] == at and e["size"] > 0 and e["sha256"] not in out)
        if not ok:
            raise PackageError("pkg_evidence", text=str(e)[:60], file=file, params={"why": "index"})
        content = blob[at:at + e["size"]]
        if len(content) != e["size"] or hashlib.sha256(content).hexdigest() != e["sha256"]:
            raise PackageError("pkg_evidence", text=e["sha256"][:16], file=file,
                               params={"why": "内容与 SHA-256 不符 / bytes do not match the SHA-256"})
        out[e["sha256"]] = content
        at += e["size"]
    if at != len(blob):
        raise PackageError("pkg_evidence", text="evidence.bin", file=file, params={"why": "bytes outside the index"})
    return out


def read_package(source) -> Package:
    """Read and check a ``.ipdx`` (path or bytes); raises :class:`PackageError`."""
    return parse_package(read_archive(source, kind="package"))


# ---------------------------------------------------------------- verify

@dataclass
class Verification:
    """What ``ipdesk verify`` prints and the receive dialog shows first."""

    file: str
    ok: bool
    reason: str = ""               # one sentence (the user's language) when not ok
    code: str = ""
    kind: str = ""                 # package / query
    hash: str = ""
    bytes: int = 0
    sender_id: str = ""
    sender_name: str = ""
    key_fingerprint: str = ""
    region: str = ""
    region_name: str = ""
    year: int = 0
    seq: int = 0
    previous: str | None = None
    created_at: str = ""
    data_fingerprint: str = ""
    trust: str = "unknown"         # trusted / unknown / conflict
    trusted_as: str = ""           # the name the key is trusted under
    rollover_from: str = ""        # trust "rollover": the trusted old key that signed this new one
    audit_head: str = ""           # the sender's audit chain head signed in the manifest: 'hash:rows'
    error: IpdeskError | None = field(default=None, repr=False)  # pragma: no mutate (repr only)

    @property
    def trusted(self) -> bool:
        return self.ok and self.trust in ("trusted", "rollover")

    @property
    def key_text(self) -> str:
        return fingerprint_text(self.key_fingerprint) if self.key_fingerprint else ""

    @property
    def short(self) -> str:
        return short_hash(self.hash)

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "error"}
        d.update(trusted=self.trusted, key_fingerprint_text=self.key_text, short=self.short)
        return d


def endorsed_by(db, archive):
    """The trusted (active) key of the sending office that signed the package's key over to it (the
    manifest's ``rollover``), or None."""
    import base64
    import binascii

    from app.services.package.keys import key_fingerprint, rollover_message, trust_status, verify_signature

    proof = archive.manifest.get("rollover")
    if not isinstance(proof, dict) or proof.get("office_id") != archive.sender_id:
        return None
    try:
        old = base64.b64decode(str(proof.get("old_key")), validate=True)
        sig = base64.b64decode(str(proof.get("signature")), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(old) != 32:
        return None
    state, key = trust_status(db, archive.sender_id, key_fingerprint(old))
    if state != "trusted" or not verify_signature(old, sig, rollover_message(archive.public, archive.sender_id)):
        return None
    return key


def verification_of(archive, db) -> Verification:
    m = archive.manifest
    v = Verification(archive.file, True, kind=archive.kind, hash=archive.hash, bytes=archive.size,
                     sender_id=archive.sender_id, sender_name=archive.sender_name, key_fingerprint=archive.fingerprint,
                     region=m["region"], region_name=str(m.get("region_name") or ""), year=m["year"],
                     seq=m.get("seq") if isinstance(m.get("seq"), int) else 0, previous=m.get("previous"),
                     created_at=str(m.get("created_at") or ""), data_fingerprint=str(m.get("data_fingerprint") or ""))
    h = m.get("audit_head")
    if isinstance(h, dict) and isinstance(h.get("hash"), str) and isinstance(h.get("rows"), int):
        v.audit_head = f"{h['hash']}:{h['rows']}"
    if db is not None:
        v.trust, key = trust_status(db, archive.sender_id, archive.fingerprint)
        v.trusted_as = key.name if key else ""
        if v.trust == "conflict" and key.office_id == archive.sender_id:
            old = endorsed_by(db, archive)
            if old is not None:           # a new key of a known office, signed over by its trusted old key
                v.trust, v.trusted_as, v.rollover_from = "rollover", old.name, old.fingerprint
        if v.trust == "conflict":
            err = PackageError("pkg_key_mismatch", text=v.key_text, file=archive.file,
                               params={"office": archive.sender_id, "trusted": f"{key.office_id} {key.text}"})
            v.ok, v.code, v.reason, v.error = False, err.code, err.message(), err
    return v


def read_any(source):
    """The archive of a package or query file, its content checked (parse_package / parse_query raise)."""
    archive = read_archive(source)
    if archive.kind == "package":
        parse_package(archive)
    else:
        from app.services.package.queries import parse_query

        parse_query(archive)
    return archive


def verify_file(db, source, *, lang: str | None = None) -> Verification:
    """Check a package or query file; never raises for a bad file (``ok`` False and ``reason``).

    ``db`` (may be None) answers whether the sender's key is trusted here.
    """
    try:
        archive = read_any(source)
    except PackageError as exc:        # (the reader names the file in every refusal: its name, or <bytes>)
        return Verification(exc.file or "?", False, exc.message(lang), exc.code, error=exc)
    return verification_of(archive, db)
