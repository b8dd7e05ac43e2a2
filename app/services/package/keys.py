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

from app.models.audit_registers import trust_why
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
    "key_symlink": ("{text} is a symbolic link: a key file must be a plain file", "{text} 是符号链接，密钥文件必须是普通文件"),
    "key_passphrase_needed": ("the office key {text} is encrypted: give its passphrase ({env}, or when asked)",
                              "本单位密钥 {text} 已加密，请提供口令（环境变量 {env}，或按提示输入）"),
    "key_passphrase_wrong": ("wrong passphrase for the office key {text}", "本单位密钥 {text} 的口令不正确"),
    "key_none": ("there is no office key at {text}", "{text} 处没有本单位密钥"),
    "key_missing_after_sent": (
        "the office key {text} is missing, but this office has sent packages signed with it: restore the key "
        "file from its backup, or make a new key explicitly with ipdesk office rotate-key (the receivers must "
        "then confirm the new fingerprint by phone)",
        "本单位密钥 {text} 不存在，但本单位已用它签发过数据包：请从备份恢复密钥文件；或执行 ipdesk office rotate-key "
        "明确更换密钥（更换后须由接收单位电话核对新指纹）"),
    "trust_fingerprint_incomplete": (
        "give the whole fingerprint the sender read out ({shown} digits, e.g. ABCD-EF01-2345-6789-ABCD), not {n}",
        "请输入发送方读出的完整指纹（{shown} 位，如 ABCD-EF01-2345-6789-ABCD），现为 {n} 位"),
    "trust_regions_needed": ("office id {text} is not a region code here: name the regions this key may send "
                             "(--region CODE) after confirming them by phone",
                             "单位代码 {text} 不是本单位地区树中的地区代码：请电话确认后用 --region 地区代码 指明该密钥可报送的地区"),
    "trust_region_unknown": ("{text} is not a region code of this store", "{text} 不是本单位地区树中的地区代码"),
    "trust_unknown": ("no trusted key matches {text}", "没有与 {text} 匹配的受信任密钥"),
    "trust_ambiguous": ("{text} matches {n} trusted keys: give more digits",
                        "{text} 匹配 {n} 个受信任密钥，请多输入几位"),
})

PASSPHRASE_ENV = "IPDESK_KEY_PASSPHRASE"
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
    encrypted: bool = False     # the PEM at rest is encrypted with a passphrase

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
        if self.private is None:
            raise IpdeskError("key_passphrase_needed", text=str(self.path), params={"env": PASSPHRASE_ENV})
        return self.private.sign(data)


def _raw_public(private) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _refuse_link(path: Path) -> None:
    """A key file (or its folder) that is a symbolic link is refused: chmod and reads would follow it."""
    for p in (path, path.parent):
        if p.is_symlink():
            raise IpdeskError("key_symlink", text=str(p))


def _passphrase(passphrase: str | bytes | None) -> bytes | None:
    """The passphrase given, else ``IPDESK_KEY_PASSPHRASE``; None when neither (empty counts as none)."""
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    return passphrase or None


def is_encrypted(path: Path) -> bool:
    """Is the PEM at ``path`` encrypted (PKCS#8 ``ENCRYPTED PRIVATE KEY``)?"""
    try:
        return b"ENCRYPTED" in path.read_bytes()[:64]
    except OSError:
        return False


def _write_public(folder: Path, key: "OfficeKey") -> None:
    pub = folder / PUBLIC_NAME
    _refuse_link(pub)
    pub.write_text(f"{PUBLIC_TAG} {key.public_b64} {key.text}\n", encoding="ascii")


def _load(path: Path, passphrase: str | bytes | None = None) -> OfficeKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _refuse_link(path)
    secret = _passphrase(passphrase)
    try:
        if os.name == "posix" and stat.S_IMODE(path.lstat().st_mode) & 0o077:
            os.chmod(path, 0o600)          # readable by the user alone (not a link: refused above)
        raw = path.read_bytes()
        encrypted = b"ENCRYPTED" in raw[:64]
        if encrypted and secret is None:
            raise IpdeskError("key_passphrase_needed", text=str(path), params={"env": PASSPHRASE_ENV})
        private = serialization.load_pem_private_key(raw, password=secret if encrypted else None)
    except IpdeskError:
        raise
    except ValueError as exc:
        if encrypted:
            raise IpdeskError("key_passphrase_wrong", text=str(path)) from exc
        raise IpdeskError("key_unreadable", text=str(path), params={"why": str(exc)}) from exc
    except (OSError, TypeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise IpdeskError("key_unreadable", text=str(path), params={"why": why}) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise IpdeskError("key_unreadable", text=str(path), params={"why": "not an Ed25519 key"})
    key = OfficeKey(private, _raw_public(private), path, encrypted)
    if not (path.parent / PUBLIC_NAME).exists():       # the public half is recreated from the private one
        _write_public(path.parent, key)
    return key


def existing_key(directory: str | os.PathLike | None = None, *, passphrase=None) -> OfficeKey | None:
    """The office key if one was made already (never creates one). An encrypted key without its
    passphrase comes back without its private half (enough to show the fingerprint; signing asks)."""
    path = Path(directory or keys_dir()) / PRIVATE_NAME
    if not (path.exists() or path.is_symlink()):
        return None
    _refuse_link(path)
    if is_encrypted(path) and _passphrase(passphrase) is None and (path.parent / PUBLIC_NAME).exists():
        return OfficeKey(None, read_public_key(path.parent / PUBLIC_NAME), path, True)
    return _load(path, passphrase)


def public_of_existing(directory: str | os.PathLike | None = None) -> tuple[bytes, bool] | None:
    """``(raw public key, encrypted)`` of the office key without its passphrase (the ``.pub`` file, or the
    private key when it is not encrypted); None when there is no key. For showing the fingerprint."""
    folder = Path(directory or keys_dir())
    path = folder / PRIVATE_NAME
    if not (path.exists() or path.is_symlink()):
        return None
    _refuse_link(path)
    if is_encrypted(path):
        pub = folder / PUBLIC_NAME
        if pub.exists():
            return read_public_key(pub), True
        key = _load(path)          # asks for the passphrase (environment) to recreate the .pub
        return key.public, True
    key = _load(path)
    return key.public, False


def _pem(private, secret: bytes | None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    enc = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


def _write_private(path: Path, pem: bytes, *, replace: bool = False) -> None:
    """Write a private key readable by the user alone from its first byte (a new file, or beside
    ``path`` and moved over it)."""
    target = path.with_name(f".{path.name}.{os.getpid()}.new") if replace else path
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                 | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    if replace:
        os.replace(target, path)


def _sent_any(db) -> bool:
    return db is not None and db.execute("select 1 from packages_sent limit 1").fetchone() is not None


def office_key(directory: str | os.PathLike | None = None, *, db=None, passphrase=None) -> OfficeKey:
    """The office key, made on first use: private key PEM (mode 0600; encrypted with the passphrase
    given or ``IPDESK_KEY_PASSPHRASE`` when there is one) and public key beside it.

    Once this store has sent packages (``db``), a missing key is never made anew: its receivers know
    this office by the old key; restore it, or make a new one explicitly with :func:`rotate_key`.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(directory or keys_dir())
    path = folder / PRIVATE_NAME
    if path.exists() or path.is_symlink():
        return _load(path, passphrase)
    if _sent_any(db):
        raise IpdeskError("key_missing_after_sent", text=str(path))
    _refuse_link(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    secret = _passphrase(passphrase)
    try:
        _write_private(path, _pem(private, secret))
    except FileExistsError:          # made by another process just now
        return _load(path, passphrase)
    key = OfficeKey(private, _raw_public(private), path, secret is not None)
    _write_public(folder, key)
    return key


def protect_key(directory: str | os.PathLike | None = None, passphrase=None, *, old_passphrase=None) -> OfficeKey:
    """Encrypt the office key at rest with ``passphrase`` (or change its passphrase): the same key."""
    secret = _passphrase(passphrase)
    if not secret:
        raise IpdeskError("key_passphrase_needed", text=str(Path(directory or keys_dir()) / PRIVATE_NAME),
                          params={"env": PASSPHRASE_ENV})
    folder = Path(directory or keys_dir())
    path = folder / PRIVATE_NAME
    if not (path.exists() or path.is_symlink()):
        raise NotFoundError("key_none", text=str(path))
    key = _load(path, old_passphrase if old_passphrase is not None else passphrase)
    _write_private(path, _pem(key.private, secret), replace=True)
    return OfficeKey(key.private, key.public, path, True)


ROLLOVER_TAG = b"ipdesk-key-rollover-1\x00"
ROLLOVER_NAME = "office_ed25519.rollover.json"


def rollover_message(new_public: bytes, office_id: str) -> bytes:
    """What the old key signs when it hands over to the new one."""
    return ROLLOVER_TAG + new_public + b"\x00" + office_id.encode("utf-8")


def rotate_key(db, directory: str | os.PathLike | None = None, *, passphrase=None, old_passphrase=None,
               who: str | None = None) -> tuple[OfficeKey, bool]:
    """Make a new office key explicitly (audited); returns ``(new key, endorsed)``.

    With the old key present, the old key signs the new one (kept in ``office_ed25519.rollover.json``
    and carried in every later package): receivers move their trust to the new key on the next
    package. Without it (lost), the new key is not endorsed: each receiver confirms it by phone. The
    old private key is kept under ``retired/`` (it verifies nothing any more, but is evidence).
    """
    import json

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.models import audit
    from app.models.db import now_iso, transaction
    from app.services.package.identity import office_identity

    folder = Path(directory or keys_dir())
    path = folder / PRIVATE_NAME
    old = _load(path, old_passphrase if old_passphrase is not None else passphrase) \
        if (path.exists() or path.is_symlink()) else None
    secret = _passphrase(passphrase)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    new = OfficeKey(private, _raw_public(private), path, secret is not None)
    office_id = office_identity(db)[0]
    proof = None
    if old is not None:
        proof = {"office_id": office_id, "old_key": old.public_b64, "old_fingerprint": old.fingerprint,
                 "new_key": new.public_b64, "at": now_iso(),
                 "signature": base64.b64encode(old.sign(rollover_message(new.public, office_id))).decode("ascii")}
        retired = folder / "retired"
        retired.mkdir(exist_ok=True, mode=0o700)
        os.replace(path, retired / f"office_ed25519.{old.fingerprint[:16]}.pem")
    _write_private(path, _pem(private, secret), replace=True)
    rollover = folder / ROLLOVER_NAME
    _refuse_link(rollover)
    if proof:
        rollover.write_text(json.dumps(proof, indent=1), encoding="utf-8")
    else:
        rollover.unlink(missing_ok=True)
    _write_public(folder, new)
    who = who or audit.current_user()
    with transaction(db):
        audit.append(db, [(who, "rotate_key", None, None, None, old.fingerprint if old else None, new.fingerprint,
                           "endorsed by the old key" if old else "old key missing: receivers confirm by phone")])
    return new, old is not None


def rollover_proof(key: OfficeKey) -> dict | None:
    """The old key's endorsement of ``key`` (for the manifest), if this key was made by a rollover."""
    import json

    path = key.path.parent / ROLLOVER_NAME
    if not path.exists() or path.is_symlink():
        return None
    try:
        proof = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(proof, dict) or proof.get("new_key") != key.public_b64:
        return None
    return {k: proof[k] for k in ("office_id", "old_key", "old_fingerprint", "signature") if k in proof}


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
    regions: tuple[str, ...] | None = None    # confirmed by the receiver; None: trusted before scopes (re-confirm)
    retired_at: str | None = None              # replaced by a newer key of the office: refuses new packages
    replaced_by: str | None = None

    @property
    def text(self) -> str:
        return fingerprint_text(self.fingerprint)

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def to_dict(self) -> dict:
        d = {**self.__dict__, "fingerprint_text": self.text}
        d["regions"] = list(self.regions) if self.regions is not None else None
        return d


_TRUST_COLS = "fingerprint, office_id, name, public_key, added_at, added_by, regions, retired_at, replaced_by"


def _trusted(row) -> TrustedKey:
    import json

    regions = None
    if row[6]:
        try:
            loaded = json.loads(row[6])
            regions = tuple(str(r) for r in loaded) if isinstance(loaded, list) else None
        except ValueError:
            regions = None
    return TrustedKey(row[0], row[1], row[2] or "", row[3], row[4], row[5], regions, row[7], row[8])


def trust_list(db, *, retired: bool = True) -> list[TrustedKey]:
    rows = db.execute(f"select {_TRUST_COLS} from trusted_keys order by office_id, added_at").fetchall()
    return [k for k in map(_trusted, rows) if retired or k.active]


def trust_status(db, office_id: str, fingerprint: str) -> tuple[str, TrustedKey | None]:
    """``('trusted', key)``, ``('unknown', None)``, ``('retired', key)`` — this office's key, replaced by a
    newer one — or ``('conflict', key)`` — the key is trusted for another office, or this office is known
    here by other keys only."""
    row = db.execute(f"select {_TRUST_COLS} from trusted_keys where fingerprint = ?", [fingerprint]).fetchone()
    if row:
        key = _trusted(row)
        if key.office_id != office_id:
            return "conflict", key
        return ("trusted", key) if key.active else ("retired", key)
    other = db.execute(f"select {_TRUST_COLS} from trusted_keys where office_id = ? and retired_at is null"
                       " order by added_at desc", [office_id]).fetchone()
    if other:
        return "conflict", _trusted(other)
    return "unknown", None


def is_region(db, code: str) -> bool:
    return bool(code) and db.execute("select 1 from regions where code = ?", [code]).fetchone() is not None


def confirmed_regions(db, key: TrustedKey) -> tuple[str, ...] | None:
    """The regions a key may send (and their subordinates): those confirmed when it was trusted; for a
    key trusted before scopes were recorded, its office id when that is a region code here; else None
    (the receiver must confirm them again with ``ipdesk trust add … --region``)."""
    if key.regions is not None:
        return key.regions
    return (key.office_id,) if is_region(db, key.office_id) else None


def check_expected(fp: str, expect: str | None) -> None:
    """The fingerprint read out on the phone must be the whole printed one (20 digits) or the full 64."""
    want = normalise_fingerprint(expect or "")
    if len(want) not in (SHOWN_HEX, len(fp)):
        raise InputError("trust_fingerprint_incomplete", text=expect or "",
                         params={"n": len(want), "shown": SHOWN_HEX})
    if not fp.startswith(want):
        raise InputError("trust_fingerprint_differs", text=expect, params={"actual": fingerprint_text(fp)})


def _scope(db, office_id: str, regions) -> list[str]:
    if regions is None or not list(regions):
        if not is_region(db, office_id):
            raise InputError("trust_regions_needed", text=office_id)
        return [office_id]
    out = []
    for code in regions:
        code = str(code).strip()
        if not is_region(db, code):
            raise InputError("trust_region_unknown", text=code)
        if code not in out:
            out.append(code)
    return out


def trust_add(db, public: bytes, office_id: str, name: str = "", *, expect: str | None = None,
              regions=None, who: str | None = None, require_expect: bool = False,
              replaces: TrustedKey | None = None) -> TrustedKey:
    """Trust ``public`` as the key of ``office_id`` for ``regions`` (audited).

    ``expect``: the fingerprint the sender read out on the phone — the whole printed fingerprint
    (``ABCD-EF01-2345-6789-ABCD``) or all 64 digits; a prefix or a mismatch refuses
    (``require_expect``: it must be given). ``regions``: the region codes (in this store's tree)
    the receiver confirms this key may send, with their subordinates; by default the office id,
    when that is a region code — a non-region office id (``WX-IPO``) needs them named.

    A new key of an office already known retires the office's other keys: a package signed by a
    retired key is refused (key rollover is explicit, see :func:`rotate_key`).
    """
    import json

    from app.models import audit
    from app.models.db import now_iso, transaction

    fp = key_fingerprint(public)
    if expect is not None or require_expect:
        check_expected(fp, expect)
    scope = list(replaces.regions or ()) if replaces is not None and regions is None and replaces.regions \
        else _scope(db, office_id, regions)
    who = who or audit.current_user()
    now = now_iso()
    with transaction(db):
        row = db.execute("select office_id, regions, retired_at from trusted_keys where fingerprint = ?",
                         [fp]).fetchone()
        if row and row[0] != office_id:
            raise InputError("trust_other_office", text=fingerprint_text(fp), params={"office": row[0]})
        scope_text = json.dumps(scope, ensure_ascii=False)
        if not row:
            db.execute(f"insert into trusted_keys({_TRUST_COLS}) values (?,?,?,?,?,?,?,null,null)",
                       [fp, office_id, name or "", base64.b64encode(public).decode("ascii"), now, who, scope_text])
            audit.append(db, [(who, "trust_add", office_id, None, None, None, fp,
                               trust_why(name, scope))])
        else:
            if row[1] != scope_text or row[2] is not None:
                db.execute("update trusted_keys set regions = ?, retired_at = null, replaced_by = null"
                           " where fingerprint = ?", [scope_text, fp])
                audit.append(db, [(who, "trust_scope", office_id, None, None, row[1], scope_text, fp)])
            if name:
                db.execute("update trusted_keys set name = ? where fingerprint = ?", [name, fp])
        for (old,) in db.execute("select fingerprint from trusted_keys where office_id = ? and fingerprint <> ?"
                                 " and retired_at is null", [office_id, fp]).fetchall():
            db.execute("update trusted_keys set retired_at = ?, replaced_by = ? where fingerprint = ?", [now, fp, old])
            audit.append(db, [(who, "trust_retire", office_id, None, None, old, fp, "replaced by a newer key")])
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
