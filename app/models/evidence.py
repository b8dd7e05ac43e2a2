"""Evidence files attached to task progress: checked by their content, never by their name alone.

    ev = read_evidence("/path/to/会议纪要.pdf")       # -> Evidence(name, kind, bytes, sha256, content)
    ev = from_bytes("照片.jpg", data)                  # (a package, a drop in the window)

Accepted: PDF (starts ``%PDF-``), PNG, JPEG, DOCX and XLSX (a ZIP holding ``[Content_Types].xml``
and ``word/`` or ``xl/`` parts), at most :data:`MAX_BYTES` (20 MB) each, and the name's
extension must say what the content is. Refused, with a sentence naming the file: names with a
path separator, ``..``, control characters, characters Windows forbids, Windows' reserved device
names (``CON.pdf``, ``lpt1.docx``), over :data:`MAX_NAME` characters; empty or oversized files;
content that is not what the name says (an ``.exe`` renamed ``.pdf``, a ZIP that is no DOCX).
Nothing is read beyond the cap and nothing is written here: the progress write stores the
checked bytes (once per SHA-256) in its own transaction.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .messages import register

MAX_BYTES = 20 * 1024 * 1024
MAX_NAME = 120
MAX_FILES = 20
KINDS = {"pdf": ("PDF", (".pdf",)), "png": ("PNG 图片", (".png",)), "jpeg": ("JPEG 图片", (".jpg", ".jpeg")),
         "docx": ("Word 文档（DOCX）", (".docx",)), "xlsx": ("Excel 表格（XLSX）", (".xlsx",))}
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)", re.I)
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')

register({
    "evidence_name": ("attachment {text!r}: {why_en}; rename the file and try again",
                      "附件“{text}”：{why_zh}，请重命名后再试"),
    "evidence_type": ("attachment {text!r}: {why_en}; only PDF, PNG, JPEG, DOCX and XLSX files are accepted",
                      "附件“{text}”：{why_zh}；只接受 PDF、PNG、JPEG、DOCX、XLSX 文件"),
    "evidence_size": ("attachment {text!r} is {size}; at most {cap} per file", "附件“{text}”大小为 {size}，每个文件不得超过 {cap}"),
    "evidence_empty": ("attachment {text!r} is empty", "附件“{text}”是空文件"),
    "evidence_unreadable": ("attachment {text!r} cannot be read: {why}", "无法读取附件“{text}”：{why}"),
    "evidence_too_many": ("at most {n} attachments at a time", "一次最多附 {n} 个文件"),
})


@dataclass(frozen=True)
class Evidence:
    name: str
    kind: str            # pdf / png / jpeg / docx / xlsx
    bytes: int
    sha256: str
    content: bytes

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "bytes": self.bytes, "sha256": self.sha256}


def _shown(name: str) -> str:
    """A hostile name as a message may show it: control characters escaped, at most 80 characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
    return text if len(text) <= 80 else text[:77] + "…"


def _name_error(name: str, why_zh: str, why_en: str) -> InputError:
    return InputError("evidence_name", text=_shown(name), params={"why_zh": why_zh, "why_en": why_en})


def check_name(name: str) -> str:
    """The name as stored, or InputError saying what is wrong with it."""
    if not isinstance(name, str) or not name.strip():
        raise _name_error(str(name or ""), "文件名为空", "the name is empty")
    if "/" in name or "\\" in name:
        raise _name_error(name, "文件名不得包含路径分隔符", "the name contains a path separator")
    if name in (".", "..") or ".." in name:
        raise _name_error(name, "文件名不得包含“..”", "the name contains '..'")
    if any(not c.isprintable() for c in name):
        raise _name_error(name, "文件名含有控制字符", "the name contains control characters")
    if _FORBIDDEN.search(name):
        raise _name_error(name, '文件名含有 Windows 不允许的字符（< > : " | ? *）',
                          'the name contains a character Windows forbids (< > : " | ? *)')
    if name != name.strip() or name.endswith("."):
        raise _name_error(name, "文件名首尾不得为空格或点", "the name starts or ends with a space or ends with a dot")
    if _RESERVED.fullmatch(name.split(".")[0].strip()):
        raise _name_error(name, "文件名是 Windows 保留的设备名", "the name is a device name Windows reserves")
    if name.startswith("."):
        raise _name_error(name, "文件名不得以点开头", "the name starts with a dot")
    if len(name) > MAX_NAME or len(name.encode("utf-8")) > 255:
        raise _name_error(name, f"文件名过长（超过 {MAX_NAME} 个字）", f"the name is longer than {MAX_NAME} characters")
    return name


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} 字节"


def sniff(content: bytes) -> str | None:
    """What the content is: pdf / png / jpeg / docx / xlsx, ``zip`` for another ZIP, ``exe`` for a
    Windows or ELF program, None otherwise."""
    head = content[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "exe"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return "zip"
    return None


_WHAT = {"exe": ("内容是可执行程序", "the content is an executable program"),
         "zip": ("内容是普通压缩包，不是 Word/Excel 文档", "the content is a plain ZIP archive, not a Word/Excel document"),
         None: ("内容不是可接受的文件类型", "the content is not an accepted file type")}


def from_bytes(name: str, content: bytes) -> Evidence:
    """Check a file given as its name and bytes (the cap, the content's type against the name)."""
    name = check_name(name)
    if len(content) == 0:
        raise InputError("evidence_empty", text=name)
    if len(content) > MAX_BYTES:
        raise InputError("evidence_size", text=name, params={"size": _size_text(len(content)),
                                                             "cap": _size_text(MAX_BYTES)})
    kind = sniff(content)
    ext = os.path.splitext(name)[1].lower()
    if kind not in KINDS:
        zh, en = _WHAT.get(kind, _WHAT[None])
        raise InputError("evidence_type", text=name, params={"why_zh": zh, "why_en": en})
    label, exts = KINDS[kind]
    if ext not in exts:
        raise InputError("evidence_type", text=name, params={
            "why_zh": f"扩展名“{ext or '（无）'}”与内容（{label}）不符",
            "why_en": f"the extension {ext or '(none)'!r} does not match the content ({kind})"})
    return Evidence(name, kind, len(content), hashlib.sha256(content).hexdigest(), content)


def read_evidence(path, name: str | None = None) -> Evidence:
    """Read and check a file from disk (never more than the cap + 1 bytes). ``name`` overrides the
    file's own name (checked the same way)."""
    path = Path(path)
    shown = name if name is not None else path.name
    check_name(shown)
    try:
        with open(path, "rb") as f:
            content = f.read(MAX_BYTES + 1)
            if len(content) > MAX_BYTES:
                size = os.fstat(f.fileno()).st_size
                raise InputError("evidence_size", text=shown, params={"size": _size_text(size),
                                                                      "cap": _size_text(MAX_BYTES)})
    except OSError as exc:
        raise InputError("evidence_unreadable", text=_shown(shown), params={"why": exc.strerror or str(exc)}) from exc
    return from_bytes(shown, content)


def read_all(items) -> list[Evidence]:
    """Check every attachment before anything is written: paths, or (name, bytes) pairs."""
    items = list(items or [])
    if len(items) > MAX_FILES:
        raise InputError("evidence_too_many", params={"n": MAX_FILES})
    out = []
    for it in items:
        if isinstance(it, Evidence):
            out.append(it)
        elif isinstance(it, tuple):
            out.append(from_bytes(*it))
        else:
            out.append(read_evidence(it))
    return out
