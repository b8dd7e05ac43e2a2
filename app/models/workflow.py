"""Users (office heads and clerks), their passwords, and the low-level writer of a region-year's state.

>>> add_user(db, "王处长", "head", "s3cret-pw", by="demo-head", by_password="demo1234")
>>> authenticate(db, "王处长", "s3cret-pw", role="head")
'head'

Who may manage users — stated once, here:

=====================================  ==========================================================
change                                 needs
=====================================  ==========================================================
add a clerk                            nothing (a clerk cannot approve, unlock or override)
add the FIRST office head              nothing — allowed once, while the store has no head (setup)
add a head once one exists             an existing head's name + password (``by``/``by_password``)
change a role (:func:`set_role`)       an existing head's name + password; the last head stays
reset a password (:func:`set_password`)  an existing head's name + password (a head may reset
                                       their own with their current password)
=====================================  ==========================================================

Every change is audited with the authorizing head as the actor (``user_add``, ``user_role``,
``user_passwd``); a refused attempt (unknown user, wrong password, not a head) is audited as
``auth_failed`` by :func:`head_auth` — the one check that approve, unlock and override use too.

Passwords: at least :data:`PASSWORD_MIN` characters, stored as salted scrypt hashes with their
cost (n, r, p) per user, so hashes made at an older, weaker cost still verify. A successful
login with such a hash re-hashes the password at today's cost (:func:`scrypt_cost`) and audits
it as ``rehash`` (old and new cost; never the hash itself).

*Whether* a transition may happen (complete, submit, approve, unlock, reopen …) is decided
in one place, :mod:`app.models.review`; every path (menu, dashboard, CLI, inbox, receive,
export, demo) calls it.
:func:`set_status` is the writer review uses and refuses the locked states outright (an
approval without review's checks and the head's password is not possible through it).
"""
from __future__ import annotations

import hashlib
import hmac
import os

from . import audit
from .audit_registers import credential
from .catalogue import region as get_region
from .store_basics import now_iso, transaction
from .errors import AuthError, InputError, NotFoundError
from .messages import register
from .states import LOCKED_STATES, STATES, STATUS_ZH, region_year_status, status_label  # noqa: F401  (re-exported)

PASSWORD_MIN = 8
# The production cost: n=2**17, r=8 — 128 MiB and about 0.35 s per hash on the development machine
# (0.75–0.95 s with its two cores loaded), the floor being 0.25 s.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
# The test suite's cheap cost, honoured only while pytest runs a test (conftest sets the variable;
# pytest sets PYTEST_CURRENT_TEST): a stray variable in an office cannot weaken new hashes, and a
# hash made cheaply is re-hashed at the production cost at its next login anyway.
TEST_COST_ENV = "IPDESK_SCRYPT_TEST_COST"
TEST_SCRYPT = {"n": 2**10, "r": 8, "p": 1}
# Bounds on a stored cost: a crafted users row cannot make a login allocate gigabytes.
MAX_COST = {"n": 2**20, "r": 32, "p": 4}

register({
    "bad_password": ("wrong password for {text}", "用户 {text} 的密码不正确"),
    "not_head": ("{text} is not an office head", "{text} 不是单位负责人，无权审批或解锁"),
    "unknown_user": ("unknown user {text!r}", "未知用户“{text}”"),
    "user_exists": ("user {text!r} already exists", "用户“{text}”已存在"),
    "passwords_differ": ("the two passwords differ", "两次输入的密码不一致"),
    "user_name_needed": ("a user name is needed", "须填写用户名"),
    "weak_password": ("the password must have at least {min} characters", "密码至少需要 {min} 个字符"),
    "head_needed": ("an office head already exists: adding a head, changing a role or resetting a password "
                    "needs an existing head's name and password", "已有单位负责人：新增负责人、变更角色或重置密码，"
                    "须由一名现有单位负责人提供用户名和密码"),
    "last_head": ("{text} is the last office head: add another head first", "{text} 是最后一名单位负责人，须先新增另一名负责人"),
    "bad_hash": ("the stored password of {text} cannot be checked (its cost is out of bounds)",
                 "用户 {text} 的已存密码参数异常，无法核验"),
    "bad_status": ("{text!r} is not a status ({allowed})", "“{text}”不是有效状态（{allowed}）"),
    "bad_transition": ("cannot go from {old} to {text}", "不能从“{old}”变为“{text}”"),
    "blocking_left": ("{count} blocking finding(s) must be fixed first", "仍有 {count} 个阻断性问题须先修正"),
    "not_locked": ("{region} {period} is not locked", "{region} {period} 年数据未锁定"),
})


# ---------------------------------------------------------------- passwords

def scrypt_cost() -> dict:
    """The cost new hashes are made with: :data:`SCRYPT`, or :data:`TEST_SCRYPT` inside the test suite."""
    if os.environ.get(TEST_COST_ENV) == "1" and os.environ.get("PYTEST_CURRENT_TEST"):
        return dict(TEST_SCRYPT)
    return dict(SCRYPT)


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n * p + 2**24, dklen=32)


def _new_hash(password: str) -> tuple[bytes, bytes, dict]:
    cost = scrypt_cost()
    salt = os.urandom(16)
    return salt, _hash(password, salt, **cost), cost


def _cost_text(n, r, p) -> str:
    return f"n={n} r={r} p={p}"


def check_password(password: str | None) -> str:
    """The password if it is long enough (:data:`PASSWORD_MIN` characters), else InputError."""
    if len(password or "") < PASSWORD_MIN:
        raise InputError("weak_password", params={"min": PASSWORD_MIN})
    return password


def authenticate(db, name: str, password: str, *, role: str | None = None) -> str:
    """Return the user's role, or raise AuthError (unknown user / wrong password / not the needed role).

    A hash stored at a lower cost than :func:`scrypt_cost` is replaced at the new cost (audited
    ``rehash``) once the password was right."""
    row = db.execute("select role, salt, hash, n, r, p from users where name = ?", [name]).fetchone()
    if not row:
        raise AuthError("unknown_user", text=name)
    user_role, salt, stored, n, r, p = row
    if not all(isinstance(v, int) and 1 <= v <= MAX_COST[k] for k, v in (("n", n), ("r", r), ("p", p))):
        raise AuthError("bad_hash", text=name)
    try:
        given = _hash(password or "", salt, n, r, p)
    except (ValueError, MemoryError):   # a stored cost within the bounds that scrypt itself refuses (n not a
        raise AuthError("bad_hash", text=name) from None     # power of 2, n >= 2**(16 r), too much memory)
    if not hmac.compare_digest(given, stored):
        raise AuthError("bad_password", text=name)
    if role and user_role != role:
        raise AuthError("not_head", text=name)
    cost = scrypt_cost()
    if n < cost["n"] or r < cost["r"] or p < cost["p"]:
        salt, new, cost = _new_hash(password)
        with transaction(db):
            db.execute("update users set salt = ?, hash = ?, n = ?, r = ?, p = ? where name = ?",
                       [salt, new, cost["n"], cost["r"], cost["p"], name])
            audit.append(db, [(name, "rehash", None, None, None, _cost_text(n, r, p), _cost_text(**cost),
                               credential(name, salt, new, **cost))])
    return user_role


def head_auth(db, user: str | None, password: str | None, action: str, items=((None, None),), *,
              target: str | None = None, missing: str = "not_head") -> None:
    """The ONE check of an office head's name and password before ``action`` (approve, unlock,
    override, user_add, user_role, user_passwd). A refusal raises AuthError and is audited
    (``auth_failed``: the name given, the region-years or the ``target`` user concerned, the action,
    the reason) in its own transaction, kept although the action is refused. Call it outside any
    open transaction, or the row goes with the caller's rollback. ``missing``: the error when no
    name is given at all."""
    try:
        if not user:
            raise AuthError(missing, text=audit.current_user())
        authenticate(db, user, password or "", role="head")
    except AuthError as exc:
        if not db.conn.in_transaction:
            with transaction(db):
                audit.append(db, [(user or audit.current_user(), "auth_failed", r, None,
                                   None if y is None else str(y), target, action, exc.code) for r, y in items])
        raise


# ---------------------------------------------------------------- users

def _role_ok(role: str) -> None:
    if role not in ("clerk", "head"):
        raise InputError("bad_status", text=role, params={"allowed": "clerk/head"})


def add_user(db, name: str, role: str, password: str, *, by: str | None = None, by_password: str | None = None,
             who: str | None = None) -> None:
    """Add a user. A clerk needs no one's password; the first head (none in the store yet) neither —
    audited with ``who`` (default: the system user) as the actor; any later head needs ``by``, an
    existing head, and ``by_password`` (audited with ``by`` as the actor)."""
    _role_ok(role)
    name = (name or "").strip()
    if not name:
        raise InputError("user_name_needed")
    check_password(password)
    if db.execute("select 1 from users where name = ?", [name]).fetchone():
        raise InputError("user_exists", text=name)
    first_head = role == "head" and not has_heads(db)
    if role == "head" and not first_head:
        head_auth(db, by, by_password, "user_add", target=f"{name}:{role}", missing="head_needed")
    actor = by if by and not first_head and role == "head" else (who or audit.current_user())
    salt, digest, cost = _new_hash(password)
    with transaction(db):
        if db.execute("select 1 from users where name = ?", [name]).fetchone():
            raise InputError("user_exists", text=name)
        if first_head and has_heads(db):               # another process made the first head meanwhile
            raise AuthError("head_needed")
        db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
                   [name, role, salt, digest, cost["n"], cost["r"], cost["p"], now_iso()])
        audit.append(db, [(actor, "user_add", None, None, None, None, f"{name}:{role}",
                           ("first office head (setup); " if first_head else "") + credential(name, salt, digest, **cost))])


def user_role(db, name: str) -> str:
    row = db.execute("select role from users where name = ?", [name]).fetchone()
    if not row:
        raise NotFoundError("unknown_user", text=name)
    return row[0]


def set_role(db, name: str, role: str, *, by: str | None, by_password: str | None) -> str:
    """Make ``name`` a clerk or a head, authorized by the head ``by`` (audited); returns the old role.
    The last head cannot be made a clerk (the store would be open to a new 'first' head)."""
    _role_ok(role)
    old = user_role(db, name)
    head_auth(db, by, by_password, "user_role", target=f"{name}:{role}", missing="head_needed")
    with transaction(db):
        if old == "head" and role != "head" and \
                db.execute("select count(*) from users where role = 'head' and name != ?", [name]).fetchone()[0] == 0:
            raise InputError("last_head", text=name)
        if old != role:
            db.execute("update users set role = ? where name = ?", [role, name])
            audit.append(db, [(by, "user_role", None, None, None, f"{name}:{old}", f"{name}:{role}", None)])
    return old


def set_password(db, name: str, password: str, *, by: str | None, by_password: str | None) -> None:
    """Reset ``name``'s password (at today's cost), authorized by the head ``by`` (audited; the
    password or its hash is never written to the trail)."""
    user_role(db, name)
    check_password(password)
    head_auth(db, by, by_password, "user_passwd", target=name, missing="head_needed")
    salt, digest, cost = _new_hash(password)
    with transaction(db):
        db.execute("update users set salt = ?, hash = ?, n = ?, r = ?, p = ? where name = ?",
                   [salt, digest, cost["n"], cost["r"], cost["p"], name])
        audit.append(db, [(by, "user_passwd", None, None, None, None, name, credential(name, salt, digest, **cost))])


def list_users(db) -> list[dict]:
    """Name, role, creation time and stored cost of every user (never the hash)."""
    cols = ("name", "role", "created_at", "n", "r", "p")
    return [dict(zip(cols, row)) for row in db.execute(f"select {', '.join(cols)} from users order by name")]


def has_heads(db) -> bool:
    return db.execute("select 1 from users where role = 'head'").fetchone() is not None


def set_status(db, region: str, year: int, status: str, *, user: str | None = None, password: str | None = None,
               why: str | None = None, blocking: int | None = None) -> str:
    """Low-level: write ``status`` (draft / complete / submitted) for a region-year; returns the old one.

    Only :mod:`app.models.review` should call this (it states the preconditions); approved and
    locked are refused here — :func:`app.models.review.approve` is the one way to them.
    """
    if status not in STATES:
        raise InputError("bad_status", text=status, params={"allowed": "/".join(STATES)})
    get_region(db, region)
    old = region_year_status(db, region, year)
    if status in LOCKED_STATES:
        raise AuthError("not_head", text=user or audit.current_user())
    if old in LOCKED_STATES:
        raise InputError("bad_transition", text=status, region=region, period=str(year), params={"old": old})
    if status in ("complete", "submitted") and blocking:
        raise InputError("blocking_left", region=region, period=str(year), params={"count": blocking})
    with transaction(db):
        _write_status(db, region, year, old, status, user or audit.current_user(), why)
    return old


def _write_status(db, region, year, old, new, who, why, action="status"):
    at = now_iso()
    db.execute("insert into region_years(region, year, status, updated_by, updated_at) values (?,?,?,?,?)"
               " on conflict(region, year) do update set status=excluded.status, updated_by=excluded.updated_by,"
               " updated_at=excluded.updated_at", [region, year, new, who, at])
    db.execute('update "values" set status = ? where region = ? and year = ?', [new, region, year])
    audit.append(db, [(who, action, region, None, str(year), old, new, why)], at=at)


def require_user(db, name: str) -> None:
    if not db.execute("select 1 from users where name = ?", [name]).fetchone():
        raise NotFoundError("unknown_user", text=name)
