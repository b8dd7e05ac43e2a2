"""The office's signing key and the senders it trusts.

Each office signs its packages with an Ed25519 key pair made on first use::

    key = office_key()                 # creates keys/office_ed25519.pem (0600) + .pub on first use
    key.text                           # 'ABCD-EF01-2345-6789-ABCD': read it out on the phone
    trust_add(db, key.public, "320100", "南京市知识产权局")
    trust_status(db, "320100", key.fingerprint)      # -> ('trusted', TrustedKey(...))

Where the keys live: ``IPDESK_KEYS_DIR`` if set, else ``keys`` in the user's data directory.
The private key is written with ``os.open(O_CREAT | O_EXCL, 0o600)`` so it is readable by
the user alone from the first byte; a key file found with wider permissions is narrowed.

The fingerprint is SHA-256 of the raw 32-byte public key. It is shown as its first 20 hex
digits in five groups of four (80 bits): short enough to read out on the phone, and making
a key whose shown fingerprint equals a given office's needs about 2^80 key generations
(a second preimage), which is out of reach; the full 64 digits are stored and compared.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from app.models.errors import InputError, IpdeskError, NotFoundError
from app.models.messages import register

register({
    "key_unreadable": ("cannot read the office key {text}: {why}", "无法读取本单位密钥 {text}：{why}"),
    "key_bad_public": ("{text} is not an ipdesk public key", "{text} 不是 ipdesk 公钥文件"),
    "trust_office_needed": ("name the sending office with --office for a public key file",
                            "使用公钥文件时请用 --office 指明发送单位代码"),
    "trust_other_office": ("key {text} is already trusted for office {office}",
                           "密钥 {text} 已登记为单位 {office} 的密钥"),
    "trust_fingerprint_differs": ("the key's fingerprint is {actual}, not {text}: do not trust it",
                                  "该密钥指纹为 {actual}，与 {text} 不符，请勿信任"),
    "trust_unknown": ("no trusted key matches {text}", "没有与 {text} 匹配的受信任密钥"),
    "trust_ambiguous": ("{text} matches {n} trusted keys: give more digits",
                        "{text} 匹配 {n} 个受信任密钥，请多输入几位"),
})

PRIVATE_NAME = "office_ed25519.pem"
PUBLIC_NAME = "office_ed25519.pub"
PUBLIC_TAG = "ipdesk-ed25519"
SHOWN_HEX = 20


def keys_dir() -> Path:
    """``IPDESK_KEYS_DIR``, else ``keys`` in the user's ipdesk data directory."""
    env = os.environ.get("IPDESK_KEYS_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("ipdesk", appauthor=False)) / "keys"


def key_fingerprint(public: bytes) -> str:
    """SHA-256 (64 hex digits) of a raw Ed25519 public key."""
    return hashlib.sha256(public).hexdigest()


def fingerprint_text(fingerprint: str) -> str:
    """The shown form: ``ABCD-EF01-2345-6789-ABCD`` (first 20 hex digits).

    >>> fingerprint_text("abcdef0123456789abcdef")
    'ABCD-EF01-2345-6789-ABCD'
    """
    s = fingerprint[:SHOWN_HEX].upper()
    return "-".join(s[i:i + 4] for i in range(0, len(s), 4))


def normalise_fingerprint(text: str) -> str:
    """Hex digits of a typed fingerprint (groups, spaces and case ignored)."""
    return re.sub(r"[^0-9a-f]", "", (text or "").lower())


@dataclass(frozen=True)
class OfficeKey:
    """This office's key pair: ``private`` is a cryptography Ed25519PrivateKey."""

    private: object
    public: bytes               # raw 32 bytes
    path: Path

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public)

    @property
    def text(self) -> str:
        return fingerprint_text(self.fingerprint)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def _raw_public(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _load(path: Path) -> OfficeKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)          # readable by the user alone
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise IpdeskError("key_unreadable", text=str(path), params={"why": why}) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise IpdeskError("key_unreadable", text=str(path), params={"why": "not an Ed25519 key"})
    return OfficeKey(private, _raw_public(private), path)


def existing_key(directory: str | os.PathLike | None = None) -> OfficeKey | None:
    """The office key if one was made already (never creates one)."""
    path = Path(directory or keys_dir()) / PRIVATE_NAME
    return _load(path) if path.exists() else None


def office_key(directory: str | os.PathLike | None = None) -> OfficeKey:
    """The office key, made on first use: private key PEM (mode 0600) and public key beside it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(directory or keys_dir())
    path = folder / PRIVATE_NAME
    if path.exists():
        return _load(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:          # made by another process just now
        return _load(path)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    key = OfficeKey(private, _raw_public(private), path)
    (folder / PUBLIC_NAME).write_text(f"{PUBLIC_TAG} {key.public_b64} {key.text}\n", encoding="ascii")
    return key


def read_public_key(path: str | os.PathLike) -> bytes:
    """The raw public key of an ``office_ed25519.pub`` file (or a PEM public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        text = Path(path).read_bytes()[:4096].decode("ascii").strip()
        if text.startswith(PUBLIC_TAG):
            raw = base64.b64decode(text.split()[1], validate=True)
        else:
            pub = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(pub, Ed25519PublicKey):
                raise ValueError("not Ed25519")
            raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except (OSError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise InputError("key_bad_public", text=str(path)) from exc
    if len(raw) != 32:
        raise InputError("key_bad_public", text=str(path))
    return raw


def verify_signature(public: bytes, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
        return True
    except (InvalidSignature, ValueError):
        return False


# ---------------------------------------------------------------- trusted senders

@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    office_id: str
    name: str
    public_key: str          # base64 of the raw key
    added_at: str
    added_by: str

    @property
    def text(self) -> str:
        return fingerprint_text(self.fingerprint)

    def to_dict(self) -> dict:
        return {**self.__dict__, "fingerprint_text": self.text}


_TRUST_COLS = "fingerprint, office_id, name, public_key, added_at, added_by"


def trust_list(db) -> list[TrustedKey]:
    rows = db.execute(f"select {_TRUST_COLS} from trusted_keys order by office_id, added_at").fetchall()
    return [TrustedKey(*r[:2], r[2] or "", *r[3:]) for r in rows]


def trust_status(db, office_id: str, fingerprint: str) -> tuple[str, TrustedKey | None]:
    """``('trusted', key)``, ``('unknown', None)``, or ``('conflict', key)`` — the key is trusted
    for another office, or this office is known here by other keys only."""
    row = db.execute(f"select {_TRUST_COLS} from trusted_keys where fingerprint = ?", [fingerprint]).fetchone()
    if row:
        key = TrustedKey(*row[:2], row[2] or "", *row[3:])
        return ("trusted", key) if key.office_id == office_id else ("conflict", key)
    other = db.execute(f"select {_TRUST_COLS} from trusted_keys where office_id = ? order by added_at desc",
                       [office_id]).fetchone()
    if other:
        return "conflict", TrustedKey(*other[:2], other[2] or "", *other[3:])
    return "unknown", None


def trust_add(db, public: bytes, office_id: str, name: str = "", *, expect: str | None = None,
              who: str | None = None) -> TrustedKey:
    """Trust ``public`` as a key of ``office_id`` (audited). ``expect``: the fingerprint the sender
    read out on the phone (any prefix of at least 8 digits); a mismatch refuses.

    A new key of an office already known (a new computer) is added beside the old one.
    """
    from app.models import audit
    from app.models.db import now_iso, transaction

    fp = key_fingerprint(public)
    if expect is not None:
        want = normalise_fingerprint(expect)
        if len(want) < 8 or not fp.startswith(want):
            raise InputError("trust_fingerprint_differs", text=expect, params={"actual": fingerprint_text(fp)})
    who = who or audit.current_user()
    with transaction(db):
        row = db.execute("select office_id from trusted_keys where fingerprint = ?", [fp]).fetchone()
        if row and row[0] != office_id:
            raise InputError("trust_other_office", text=fingerprint_text(fp), params={"office": row[0]})
        if not row:
            db.execute(f"insert into trusted_keys({_TRUST_COLS}) values (?,?,?,?,?,?)",
                       [fp, office_id, name or "", base64.b64encode(public).decode("ascii"), now_iso(), who])
            audit.append(db, [(who, "trust_add", office_id, None, None, None, fp, name or None)])
        elif name:
            db.execute("update trusted_keys set name = ? where fingerprint = ?", [name, fp])
    return next(k for k in trust_list(db) if k.fingerprint == fp)


def find_trusted(db, text: str) -> TrustedKey:
    """The trusted key whose fingerprint starts with ``text`` (grouped or plain hex)."""
    want = normalise_fingerprint(text)
    found = [k for k in trust_list(db) if want and k.fingerprint.startswith(want)]
    if not found:
        raise NotFoundError("trust_unknown", text=text)
    if len(found) > 1:
        raise InputError("trust_ambiguous", text=text, params={"n": len(found)})
    return found[0]


def trust_remove(db, text: str, *, who: str | None = None) -> TrustedKey:
    """Stop trusting a key (audited); packages already received stay as they are."""
    from app.models import audit
    from app.models.db import transaction

    key = find_trusted(db, text)
    who = who or audit.current_user()
    with transaction(db):
        db.execute("delete from trusted_keys where fingerprint = ?", [key.fingerprint])
        audit.append(db, [(who, "trust_remove", key.office_id, None, None, key.fingerprint, None, key.name or None)])
    return key
