"""The signed archive that carries a submission (``.ipdx``) or questions about one (``.ipdq``).

Layout — a zip archive written by :func:`build_archive` and nothing else::

    manifest.json   what the sender says: office, key, region, year, sequence, previous
                    package's hash, and every other member's size and SHA-256
    manifest.sig    Ed25519 signature (64 bytes) of manifest.json, by the key named in it
    data.json       (.ipdx) the values, notes, statuses, explanations, findings, answers
    report.pdf      (.ipdx) the paper copy
    report.xlsx     (.ipdx) the electronic copy
    evidence.bin    (.ipdx, when evidence files are carried) their bytes one after another; data.json's
                    ``ledger`` says which file is where (SHA-256, offset, size)
    query.json      (.ipdq) the questions

Why every changed byte is caught: members are stored uncompressed, in a fixed order, with
fixed headers (DOS time 1980-01-01 00:00, no extra fields, no comments, no directory
entries). A reader therefore knows the exact bytes the archive must have once it knows the
members: after reading the members it rebuilds the archive with :func:`build_archive` and
requires it to equal the file byte for byte. The signature covers the manifest, the
manifest covers every member's bytes, and the layout check covers everything else (local
headers, central directory, padding, trailing data). A change to any byte of the file is
thus either a changed member (its CRC, its SHA-256 or the signature fails) or a changed
header (the rebuilt archive differs) — and no byte is outside both. Because no compressor
is involved, the layout is the same on every machine and Python version.

Reading never extracts: the central directory is checked first (names, symlinks,
duplicates, counts, sizes and compression ratio against fixed limits), then each member is
streamed into memory with a size cap. :func:`read_archive` raises :class:`PackageError`
— an :class:`~app.models.errors.IpdeskError` with one code per reason — and touches no store.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.models.errors import IpdeskError
from app.models.messages import register

from app.services.package.keys import OfficeKey, fingerprint_text, key_fingerprint, verify_signature

register({
    "pkg_unreadable": ("cannot read the file: {why}", "无法读取文件：{why}"),
    "pkg_too_large": ("{size} MB is more than a package may have ({limit} MB)",
                      "文件 {size} MB，超过数据包上限 {limit} MB"),
    "pkg_not_zip": ("not an ipdesk package (not a zip archive, or cut short): {why}",
                    "不是 ipdesk 数据包（不是 zip 文件，或文件不完整）：{why}"),
    "pkg_damaged": ("the package is damaged: {why}", "数据包已损坏：{why}"),
    "pkg_unsafe_name": ("unsafe member name {text!r} (absolute path, '..', drive or backslash)",
                        "成员名“{text}”不安全（绝对路径、“..”、盘符或反斜杠）"),
    "pkg_symlink": ("member {text!r} is a symbolic link", "成员“{text}”是符号链接"),
    "pkg_duplicate": ("member {text!r} appears more than once", "成员“{text}”重复出现"),
    "pkg_too_many": ("{n} members: a package has at most {limit}", "共 {n} 个成员，数据包至多 {limit} 个"),
    "pkg_bomb": ("member sizes exceed the limits (a zip bomb?): {why}", "成员大小超出限制（疑似压缩炸弹）：{why}"),
    "pkg_method": ("member {text!r} is {method}; ipdesk stores members plainly",
                   "成员“{text}”经过{method}，ipdesk 数据包不压缩成员"),
    "pkg_extra": ("unexpected member {text!r}", "多出成员“{text}”"),
    "pkg_missing": ("member {text!r} is missing", "缺少成员“{text}”"),
    "pkg_not_canonical": ("the archive was altered: its bytes differ from the layout ipdesk writes ({why})",
                          "数据包被改动：字节与 ipdesk 写出的格式不一致（{why}）"),
    "pkg_manifest": ("the manifest is not valid: {why}", "清单（manifest.json）无效：{why}"),
    "pkg_version": ("package format {text} is unknown to this ipdesk (reads {known}): update ipdesk",
                    "数据包格式版本 {text} 无法识别（本程序支持 {known}），请升级 ipdesk"),
    "pkg_kind": ("this is a {kind_en} file, not a {expected_en}", "这是{kind_zh}，不是{expected_zh}"),
    "pkg_no_signature": ("the package is not signed (manifest.sig is missing)", "数据包没有签名（缺少 manifest.sig）"),
    "pkg_bad_signature": ("the signature does not match: the manifest was altered, or signed by another key than "
                          "the sender's {text}", "签名不符：清单被改动，或签名密钥不是发送方密钥 {text}"),
    "pkg_hash": ("member {text!r} does not match the manifest ({why})", "成员“{text}”与清单不符（{why}）"),
    "pkg_year_range": ("the package's year {text} is not a year between {lo} and {hi}",
                       "数据包年度 {text} 不在 {lo}–{hi} 之间"),
    "pkg_seq_range": ("the package's version number {text} is not a whole number from {lo} to {hi}",
                      "数据包版本号 {text} 不是 {lo} 至 {hi} 之间的整数"),
    "pkg_data": ("data.json is not valid: {why}", "data.json 无效：{why}"),
    "pkg_data_schema": ("data schema {text} is unknown to this ipdesk (reads {known}): update ipdesk",
                        "数据结构版本 {text} 无法识别（本程序支持 {known}），请升级 ipdesk"),
})

FORMAT = "ipdesk"
MANIFEST_VERSION = 1
MEMBERS = {
    "package": ("manifest.json", "manifest.sig", "data.json", "report.pdf", "report.xlsx"),
    "query": ("manifest.json", "manifest.sig", "query.json"),
}
OPTIONAL = {"package": ("evidence.bin",), "query": ()}     # last, when present (evidence files carried)
KIND_ZH = {"package": "数据包", "query": "查询单"}
KIND_EN = {"package": "package", "query": "questions"}
KNOWN_NAMES = frozenset(n for names in (*MEMBERS.values(), *OPTIONAL.values()) for n in names)
# limits checked on the central directory before any member is read
MAX_FILE_BYTES = 64 * 2**20
MAX_ENTRIES = 32
MAX_MEMBER_BYTES = 48 * 2**20
MAX_TOTAL_BYTES = 64 * 2**20
MAX_RATIO = 100
MAX_MANIFEST_BYTES = 256 * 2**10
YEARS = (1990, 2100)         # a package's year
SEQS = (1, 10**6)            # a package's sequence number
_DOS_DATE, _DOS_TIME = 0x0021, 0           # 1980-01-01 00:00
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageError(IpdeskError):
    """The file is not an intact, correctly signed package: one code per reason, nothing written."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short_hash(h: str) -> str:
    """The package hash as values remember it and people quote it: 16 hex digits."""
    return h[:16]


# ---------------------------------------------------------------- writing

def build_archive(members: list[tuple[str, bytes]]) -> bytes:
    """The canonical zip bytes of ``members`` (stored, fixed headers): the only layout read back."""
    out, central = bytearray(), bytearray()
    for name, data in members:
        n = name.encode("ascii")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, _DOS_TIME, _DOS_DATE, crc, len(data), len(data),
                           len(n), 0) + n
        out += data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, _DOS_TIME, _DOS_DATE, crc, len(data),
                               len(data), len(n), 0, 0, 0, 0, 0, offset) + n
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def seal(kind: str, fields: dict, members: list[tuple[str, bytes]], key: OfficeKey, *,
         office_id: str, office_name: str) -> bytes:
    """Manifest (with every member's size and SHA-256) + signature + members, as archive bytes."""
    from app import __version__

    manifest = {"format": FORMAT, "version": MANIFEST_VERSION, "kind": kind, "app_version": __version__, **fields,
                "sender": {"office_id": office_id, "office_name": office_name, "key": key.public_b64,
                           "fingerprint": key.fingerprint},
                "files": [{"name": n, "size": len(d), "sha256": sha256(d)} for n, d in members]}
    body = manifest_bytes(manifest)
    return build_archive([("manifest.json", body), ("manifest.sig", key.sign(body)), *members])


# ---------------------------------------------------------------- reading

@dataclass
class Archive:
    """An intact, correctly signed archive (whether its key is trusted is the receiver's question)."""

    kind: str
    manifest: dict
    members: dict[str, bytes]
    hash: str                 # SHA-256 of the whole file: the package's identity
    size: int
    public: bytes
    file: str

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public)

    @property
    def fingerprint_text(self) -> str:
        return fingerprint_text(self.fingerprint)

    @property
    def sender_id(self) -> str:
        return self.manifest["sender"]["office_id"]

    @property
    def sender_name(self) -> str:
        return self.manifest["sender"].get("office_name") or ""


def _fail(code: str, file: str, text=None, **params):
    raise PackageError(code, text=text, file=file, params=params)


def _unsafe(name: str) -> bool:
    return (name.startswith(("/", "\\")) or "\\" in name or _DRIVE.match(name) is not None
            or ".." in name.split("/") or any(ord(c) < 32 or ord(c) == 127 for c in name))


def _check_directory(infos: list[zipfile.ZipInfo], file: str) -> None:
    if len(infos) > MAX_ENTRIES:
        _fail("pkg_too_many", file, n=len(infos), limit=MAX_ENTRIES)
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe(name) or info.orig_filename != name:
            _fail("pkg_unsafe_name", file, name)
        if stat.S_ISLNK(info.external_attr >> 16):
            _fail("pkg_symlink", file, name)
        if name in seen:
            _fail("pkg_duplicate", file, name)
        seen.add(name)
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            _fail("pkg_bomb", file, why=f"{name}: {info.file_size:,} bytes, {total:,} in all")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 2**16:
            _fail("pkg_bomb", file, why=f"{name}: {info.file_size:,} bytes from {info.compress_size:,}")
    for info in infos:
        if info.flag_bits & 0x1:
            _fail("pkg_method", file, info.filename, method="encrypted")
        if info.compress_type != zipfile.ZIP_STORED:
            _fail("pkg_method", file, info.filename, method=f"compressed (method {info.compress_type})")
        if info.filename not in KNOWN_NAMES:
            _fail("pkg_extra", file, info.filename)


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    """One member, read in chunks with a cap (zipfile checks its CRC at the end)."""
    cap = min(info.file_size, MAX_MEMBER_BYTES)
    buf = bytearray()
    with zf.open(info) as f:
        while True:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            buf += chunk
            if len(buf) > cap:
                _fail("pkg_bomb", file, why=f"{info.filename}: more bytes than declared")
    return bytes(buf)


def read_bytes(source) -> tuple[bytes, str]:
    """``(bytes, name)`` of a path (size-checked before reading) or of bytes already read."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "<bytes>"
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            _fail("pkg_too_large", path.name, size=f"{size / 2**20:.1f}", limit=MAX_FILE_BYTES // 2**20)
        return path.read_bytes(), path.name
    except OSError as exc:
        raise PackageError("pkg_unreadable", file=path.name, params={"why": exc.strerror or str(exc)}) from exc


def read_archive(source, *, kind: str | None = None, name: str | None = None) -> Archive:
    """Check and read a package or query file (path or bytes); raise :class:`PackageError`.

    ``kind`` (``package``/``query``) refuses the other kind of file.
    """
    raw, file = read_bytes(source)
    file = name or file
    if len(raw) > MAX_FILE_BYTES:
        _fail("pkg_too_large", file, size=f"{len(raw) / 2**20:.1f}", limit=MAX_FILE_BYTES // 2**20)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except Exception as exc:  # hostile bytes raise many things inside zipfile: all mean "not a package"
        raise PackageError("pkg_not_zip", file=file, params={"why": str(exc) or type(exc).__name__}) from exc
    _check_directory(infos, file)
    names = [i.filename for i in infos]
    if "manifest.json" not in names:
        _fail("pkg_missing", file, "manifest.json")
    if "manifest.sig" not in names:
        _fail("pkg_no_signature", file)
    members: dict[str, bytes] = {}
    for info in infos:
        try:
            members[info.filename] = _stream(zf, info, file)
        except PackageError:
            raise
        except Exception as exc:
            raise PackageError("pkg_damaged", file=file, params={"why": str(exc) or type(exc).__name__}) from exc
    manifest = _manifest(members["manifest.json"], file)
    if kind and manifest["kind"] != kind:
        _fail("pkg_kind", file, manifest["kind"], kind_en=KIND_EN[manifest["kind"]], kind_zh=KIND_ZH[manifest["kind"]],
              expected_en=KIND_EN[kind], expected_zh=KIND_ZH[kind])
    expected = MEMBERS[manifest["kind"]]
    expected += tuple(n for n in OPTIONAL[manifest["kind"]] if n in names)
    for n in expected:
        if n not in members:
            _fail("pkg_missing", file, n)
    for n in names:
        if n not in expected:
            _fail("pkg_extra", file, n)
    if tuple(names) != expected:
        _fail("pkg_not_canonical", file, why="member order")
    if build_archive([(n, members[n]) for n in names]) != raw:
        _fail("pkg_not_canonical", file, why="headers")
    public = _public_key(manifest, file)
    if not verify_signature(public, members["manifest.sig"], members["manifest.json"]):
        _fail("pkg_bad_signature", file, fingerprint_text(key_fingerprint(public)))
    listed = manifest["files"]
    for entry in listed:
        data = members.get(entry["name"]) if entry["name"] not in ("manifest.json", "manifest.sig") else None
        if data is None:
            _fail("pkg_missing", file, entry["name"])
        if len(data) != entry["size"] or sha256(data) != entry["sha256"]:
            _fail("pkg_hash", file, entry["name"], why="size" if len(data) != entry["size"] else "SHA-256")
    covered = {e["name"] for e in listed}
    for n in expected[2:]:
        if n not in covered:
            _fail("pkg_hash", file, n, why="not listed")
    return Archive(manifest["kind"], manifest, members, sha256(raw), len(raw), public, file)


def _manifest(body: bytes, file: str) -> dict:
    if len(body) > MAX_MANIFEST_BYTES:
        _fail("pkg_manifest", file, why="too large")
    try:
        m = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageError("pkg_manifest", file=file, params={"why": f"not JSON ({exc})"}) from exc
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        _fail("pkg_manifest", file, why="not an ipdesk manifest")
    if m.get("version") != MANIFEST_VERSION:
        _fail("pkg_version", file, str(m.get("version")), known=MANIFEST_VERSION)
    if m.get("kind") not in MEMBERS:
        _fail("pkg_manifest", file, why=f"unknown kind {m.get('kind')!r}")
    sender = m.get("sender")
    if not (isinstance(sender, dict) and isinstance(sender.get("office_id"), str) and sender["office_id"]
            and isinstance(sender.get("key"), str) and isinstance(sender.get("fingerprint"), str)):
        _fail("pkg_manifest", file, why="sender")
    files = m.get("files")
    if not (isinstance(files, list) and all(isinstance(e, dict) and isinstance(e.get("name"), str)
                                            and isinstance(e.get("size"), int) and isinstance(e.get("sha256"), str)
                                            for e in files)):
        _fail("pkg_manifest", file, why="files")
    if not isinstance(m.get("region"), str):
        _fail("pkg_manifest", file, why="region")
    year = m.get("year")
    if not _bounded(year, *YEARS):
        _fail("pkg_year_range", file, str(year)[:40], lo=YEARS[0], hi=YEARS[1])
    if "seq" in m and not _bounded(m["seq"], *SEQS):
        _fail("pkg_seq_range", file, str(m["seq"])[:40], lo=SEQS[0], hi=f"{SEQS[1]:,}")
    return m


def _bounded(n, lo: int, hi: int) -> bool:
    """An integer (not a bool) in ``lo..hi``: a sequence or year of 2^63 is refused here, before SQLite sees it."""
    return isinstance(n, int) and not isinstance(n, bool) and lo <= n <= hi


def _public_key(manifest: dict, file: str) -> bytes:
    import base64
    import binascii

    try:
        public = base64.b64decode(manifest["sender"]["key"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackageError("pkg_manifest", file=file, params={"why": "sender key"}) from exc
    if len(public) != 32 or key_fingerprint(public) != manifest["sender"]["fingerprint"]:
        _fail("pkg_manifest", file, why="sender key and fingerprint disagree")
    return public


def safe_stem(region: str, year: int, seq: int, suffix: str = "") -> str:
    """``320000_2024_v3``: ASCII letters, digits, ``_`` and ``-`` only (FAT32 sticks, mail gateways).

    >>> safe_stem("320000", 2024, 3), safe_stem("兵团/XJ", 2024, 1, "_q2")
    ('320000_2024_v3', 'XJ_2024_v1_q2')
    """
    code = re.sub(r"[^A-Za-z0-9-]", "", region) or "region"
    return f"{code}_{int(year)}_v{int(seq)}{suffix}"
