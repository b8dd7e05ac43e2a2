"""Office heads and the low-level writer of a region-year's workflow state.

>>> add_user(db, "王处长", "head", "s3cret")
>>> authenticate(db, "王处长", "s3cret", role="head")
'head'

Passwords are stored as salted scrypt hashes (hashlib.scrypt, n=2**14, r=8, p=1).

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
from .catalogue import region as get_region
from .store_basics import now_iso, transaction
from .errors import AuthError, InputError, NotFoundError
from .messages import register
from .states import LOCKED_STATES, STATES, STATUS_ZH, region_year_status, status_label  # noqa: F401  (re-exported)

SCRYPT = {"n": 2**14, "r": 8, "p": 1}

register({
    "bad_password": ("wrong password for {text}", "用户 {text} 的密码不正确"),
    "not_head": ("{text} is not an office head", "{text} 不是单位负责人，无权审批或解锁"),
    "unknown_user": ("unknown user {text!r}", "未知用户“{text}”"),
    "user_exists": ("user {text!r} already exists", "用户“{text}”已存在"),
    "weak_password": ("the password must have at least 6 characters", "密码至少需要 6 个字符"),
    "bad_status": ("{text!r} is not a status ({allowed})", "“{text}”不是有效状态（{allowed}）"),
    "bad_transition": ("cannot go from {old} to {text}", "不能从“{old}”变为“{text}”"),
    "blocking_left": ("{count} blocking finding(s) must be fixed first", "仍有 {count} 个阻断性问题须先修正"),
    "not_locked": ("{region} {period} is not locked", "{region} {period} 年数据未锁定"),
})


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def add_user(db, name: str, role: str, password: str, *, who: str | None = None) -> None:
    if role not in ("clerk", "head"):
        raise InputError("bad_status", text=role, params={"allowed": "clerk/head"})
    if len(password or "") < 6:
        raise InputError("weak_password")
    salt = os.urandom(16)
    with transaction(db):
        if db.execute("select 1 from users where name = ?", [name]).fetchone():
            raise InputError("user_exists", text=name)
        db.execute("insert into users(name, role, salt, hash, n, r, p, created_at) values (?,?,?,?,?,?,?,?)",
                   [name, role, salt, _hash(password, salt, **SCRYPT), SCRYPT["n"], SCRYPT["r"], SCRYPT["p"], now_iso()])
        audit.append(db, [(who or audit.current_user(), "user_add", None, None, None, None, f"{name}:{role}", None)])


def authenticate(db, name: str, password: str, *, role: str | None = None) -> str:
    """Return the user's role, or raise AuthError (wrong password / not the needed role)."""
    row = db.execute("select role, salt, hash, n, r, p from users where name = ?", [name]).fetchone()
    if not row:
        raise AuthError("unknown_user", text=name)
    user_role, salt, stored, n, r, p = row
    if not hmac.compare_digest(_hash(password or "", salt, n, r, p), stored):
        raise AuthError("bad_password", text=name)
    if role and user_role != role:
        raise AuthError("not_head", text=name)
    return user_role


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
