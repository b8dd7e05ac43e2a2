"""What the receiving office sees: received packages and who has sent for the year.

    rows = inbox(db, year=2024)                  # newest first: sender, region, v, state, counts
    b = board(db, 2024)                          # the home region's subordinate regions
    b.days_left, b.sent, b.missing               # 11, 7, 6
    accept_package(db, rows[0].hash)             # received -> accepted (optionally locks the data)

States of a received package: ``received`` (applied, waiting for a look), ``accepted``
(the receiving office has accepted it), ``returned`` (questions were sent back, see
:mod:`app.services.package.queries`). A newer version from the same sender starts again at
``received``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from app.models.errors import InputError, NotFoundError
from app.models.messages import register

from app.services.package.format import short_hash
from app.services.package.keys import fingerprint_text

register({
    "inbox_no_home": ("name the receiving region with --region (no home region is set in this store)",
                      "请用 --region 指明本级地区（数据库未设置本单位地区）"),
    "inbox_state": ("package {text} is {state}; only a received or returned package can be accepted",
                    "数据包 {text} 状态为 {state}，只有已接收或已退回的数据包可以受理"),
})

STATES = ("received", "accepted", "returned")
STATE_ZH = {"received": "已接收", "accepted": "已受理", "returned": "已退回", None: "未报送"}


@dataclass
class ReceivedPackage:
    hash: str
    sender_id: str
    sender_name: str
    key_fingerprint: str
    region: str
    region_name: str
    year: int
    seq: int
    state: str
    received_at: str
    received_by: str
    file: str
    counts: dict
    open_questions: int = 0
    answered_questions: int = 0

    @property
    def short(self) -> str:
        return short_hash(self.hash)

    @property
    def key_text(self) -> str:
        return fingerprint_text(self.key_fingerprint)

    def to_dict(self) -> dict:
        return {**self.__dict__, "short": self.short, "key_fingerprint_text": self.key_text}


_COLS = ("p.hash, p.sender_id, p.sender_name, p.key_fingerprint, p.region, coalesce(r.name_zh, p.region), p.year,"
         " p.seq, p.state, p.received_at, p.received_by, p.file, p.counts")


def _rows(db, where: str, args: list) -> list[ReceivedPackage]:
    out = []
    qcount = {(h, s): n for h, s, n in db.execute(
        "select package, state, count(*) from queries where direction = 'out' group by package, state")}
    for r in db.execute(f"select {_COLS} from packages_received p left join regions r on r.code = p.region"
                        f" where {where} order by p.received_at desc, p.seq desc", args):
        out.append(ReceivedPackage(*r[:12], json.loads(r[12] or "{}"), qcount.get((r[0], "open"), 0),
                                   qcount.get((r[0], "answered"), 0)))
    return out


def inbox(db, *, year: int | None = None, region: str | None = None, state: str | None = None) -> list[ReceivedPackage]:
    """Received packages, newest first (``region``: that region only)."""
    where, args = "1=1", []
    for col, val in (("p.year", year), ("p.region", region), ("p.state", state)):
        if val is not None:
            where += f" and {col} = ?"
            args.append(val)
    return _rows(db, where, args)


def find_package(db, text: str) -> ReceivedPackage:
    """A received package by hash prefix (≥ 8 hex digits)."""
    rows = _rows(db, "p.hash like ?", [text.lower() + "%"]) if len(text) >= 8 else []
    if not rows:
        raise NotFoundError("query_unknown_package", text=text)
    if len(rows) > 1:
        raise InputError("query_ambiguous", text=text, params={"n": len(rows)})
    return rows[0]


@dataclass
class BoardRow:
    region: str
    name: str
    sent: bool                     # delivered: not owed any more (review.owed: 已报送 / 已审批 / 已锁定 here)
    state: str | None              # state of the latest package, None if none
    seq: int | None
    received_at: str | None
    package: str | None            # hash of the latest package
    status: str                    # workflow status of the region-year here
    open_questions: int = 0
    answered_questions: int = 0

    @property
    def state_text(self) -> str:
        return STATE_ZH.get(self.state, self.state or "")


@dataclass
class Board:
    """The completeness board: who has sent for the year, who not, days left to the deadline."""

    region: str
    region_name: str
    year: int
    deadline: dt.date
    days_left: int
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(r.sent for r in self.rows)

    @property
    def missing(self) -> list[BoardRow]:
        return [r for r in self.rows if not r.sent]

    def to_dict(self) -> dict:
        return {"region": self.region, "region_name": self.region_name, "year": self.year,
                "deadline": self.deadline.isoformat(), "days_left": self.days_left, "sent": self.sent,
                "missing": len(self.missing), "rows": [{**r.__dict__, "state_text": r.state_text} for r in self.rows]}


def board(db, year: int, *, region: str | None = None, today: dt.date | None = None) -> Board:
    """One row per subordinate region of ``region`` (default: the store's home region) valid in ``year``."""
    from app.models.catalogue import children
    from app.models.catalogue import region as get_region
    from app.models.db import meta_get
    from app.models.values import region_year_status

    from app.services.views import deadline_for

    region = region or meta_get(db, "home_region")
    if not region:
        raise InputError("inbox_no_home")
    reg = get_region(db, region)
    latest: dict[str, ReceivedPackage] = {}
    for p in inbox(db, year=year):
        if p.region not in latest or p.seq > latest[p.region].seq:
            latest[p.region] = p
    from app.models.review import owed as still_owed

    owed = set(still_owed(db, region, year))      # the one rule of what is still owed (the dashboard's too)
    rows = []
    for code in children(db, region, year):
        p = latest.get(code)
        rows.append(BoardRow(code, get_region(db, code).name_zh, code not in owed, p.state if p else None,
                             p.seq if p else None, p.received_at if p else None, p.hash if p else None,
                             region_year_status(db, code, year), p.open_questions if p else 0,
                             p.answered_questions if p else 0))
    deadline = deadline_for(db, year)
    return Board(region, reg.name_zh, year, deadline, (deadline - (today or dt.date.today())).days, rows)


def accept_package(db, text: str, *, who: str | None = None, user: str | None = None,
                   password: str | None = None) -> ReceivedPackage:
    """Accept a received package (audited). With an office head's ``user``/``password`` the
    package's region-years are also approved (locked) here — through the review service, so
    the same rules hold as in the menu and the CLI (refused: nothing is accepted either; a wrong
    password is audited)."""
    from app.models import audit, review
    from app.models.db import transaction

    p = find_package(db, text)
    if p.state not in ("received", "returned"):
        raise InputError("inbox_state", text=p.short, params={"state": p.state})
    regions = json.loads(db.execute("select manifest from packages_received where hash = ?",
                                    [p.hash]).fetchone()[0]).get("regions") or [p.region]
    who = user or who or audit.current_user()

    def accept(db):
        db.execute("update packages_received set state = 'accepted' where hash = ?", [p.hash])
        audit.append(db, [(who, "accept_package", p.region, None, str(p.year), p.state, "accepted", p.hash)])

    if user:
        review.approve(db, [(r, p.year) for r in regions], user=user, password=password or "",
                       why=f"accepted package {p.short}", then=accept)
    else:
        with transaction(db):
            accept(db)
    return find_package(db, p.hash)


@dataclass
class FoundFile:
    path: str
    verification: object            # package_receive.Verification
    received: str | None            # state here if this very package was received already


def scan_folder(db, folder, *, progress=None, cancel=None) -> list[FoundFile]:
    """Verify every ``.ipdx``/``.ipdq`` in ``folder`` (a USB stick, a mail attachment folder).

    Long on a slow stick: ``progress(fraction, message)`` per file, ``cancel()`` polled.
    """
    from pathlib import Path

    from app.models.errors import Cancelled

    from app.services.package.receive import verify_file

    files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in (".ipdx", ".ipdq") and p.is_file())
    out = []
    for n, path in enumerate(files):
        if cancel is not None and cancel():
            raise Cancelled()
        if progress:
            progress(n / max(len(files), 1), path.name)
        v = verify_file(db, path)
        row = db.execute("select state from packages_received where hash = ?", [v.hash]).fetchone() if v.ok else None
        out.append(FoundFile(str(path), v, row[0] if row else None))
    if progress:
        progress(1.0, "")
    return out
