"""Receive a package from a subordinate office: verify, dry run, then all-or-nothing apply.

    v = verify_file(db, "320100_2024_v2.ipdx")      # ok, reason, sender, fingerprint, trusted …
    plan = plan_receive(db, "320100_2024_v2.ipdx")  # new / changed (old → new) / unchanged / removed
    plan.refusal                                     # untrusted key, replay, locked here … or None
    res = apply_receive(db, plan)                    # one transaction; received values remember it

Rules, each refusing the whole package with one reason (nothing written):

- the key must be trusted for the sending office (``ipdesk trust add``); a key that is
  trusted for another office, or an office known here by other keys, makes the package
  invalid (a signature by a key other than the claimed sender's);
- the sender may send its own region and regions below it, never the receiving office's
  own region;
- a lower sequence number than one already received from that sender for the region-year
  is a replay; a different package with the same number is a conflict; a package whose
  "previous" hash is not the package received with the number before it does not follow it;
- a region-year of the package that is approved or locked here refuses it;
- the very same package again is a no-op.

Applying writes values through :func:`app.models.values.write_values` (action ``receive``,
``package`` = the short hash), explanations through :func:`app.models.checks.explain`
(author as sent), the task ledger (own tasks, assignments, progress, evidence, the report's text)
through :func:`app.models.ledger.write_ledger` — its regions held to the same scope, evidence bytes
to their SHA-256 —, answers to our questions, marks each region-year ``submitted`` and records
the package (state ``received``) — all in one transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from app.models import review
from app.models.catalogue import check_region_fields
from app.models.audit_registers import received_why
from app.models.errors import Cancelled, InputError, IpdeskError
from app.models.ledger import held
from app.models.messages import register

from app.services.package.choices import CHOICES, _names, choices_for, conflicts_error  # noqa: F401
from app.services.package.format import PackageError, read_archive, short_hash
from app.services.package.heads import head_notes
from app.services.package.keys import confirmed_regions, trust_status
from app.services.package.read import Package, Verification, read_any, read_package, verification_of, verify_file  # noqa: F401

register({
    "pkg_untrusted": ("the sender's key {text} ({office}) is not trusted here: confirm it by phone, then trust it "
                      "(in the window: Trust this sender; on the command line: ipdesk trust add FILE)",
                      "发送方密钥 {text}（{office}）尚未受信任：请电话核对指纹后再信任（窗口中点“信任该发送方”，"
                      "命令行执行 ipdesk trust add 文件）"),
    "pkg_replay": ("version {seq} is older than version {latest} already received from {office}: refused as a replay",
                   "版本 {seq} 早于已从 {office} 收到的版本 {latest}，作为重放拒收"),
    "pkg_seq_conflict": ("another package with version {seq} was already received from {office}",
                         "已从 {office} 收到另一个版本 {seq} 的数据包"),
    "pkg_fork": ("version {seq} does not follow version {prev} received earlier (its previous hash differs)",
                 "版本 {seq} 与先前收到的版本 {prev} 不衔接（前序哈希不一致）"),
    "pkg_locked": ("{region} {year} is {status} here: unlock it before receiving",
                   "本单位的 {region} {year} 年数据{status_zh}，须先解锁才能接收"),
    "pkg_outside": ("office {office} may not send data of {text}: its key is confirmed here for {scope}",
                    "单位 {office} 无权报送 {text} 的数据：本单位确认该密钥可报送的地区为 {scope}"),
    "pkg_reconfirm": ("the key {text} of {office} was trusted before the regions it may send were recorded: confirm "
                      "them by phone, then ipdesk trust add FILE --fingerprint … --region CODE",
                      "{office} 的密钥 {text} 登记时未记录其可报送的地区：请电话确认后执行 ipdesk trust add 文件 "
                      "--fingerprint 完整指纹 --region 地区代码"),
    "pkg_key_retired": ("the key {text} of {office} was replaced by a newer key on {at}: a package it signs now is "
                        "refused", "{office} 的密钥 {text} 已于 {at} 更换为新密钥，此后用旧密钥签名的数据包一律拒收"),
    "pkg_gap": ("version {seq} from {office} skips {missing}, never received here: ask for them, or receive with "
                "--accept-gap", "{office} 的版本 {seq} 之前缺少 {missing}（本单位未收到）：请向对方索取，或确认后加 "
                "--accept-gap 接收"),
    "pkg_head_missing": ("the package of {office} carries no audit chain head (an older ipdesk)",
                         "{office} 的数据包未携带审计链头（对方 ipdesk 版本较旧）"),
    "pkg_head_shorter": ("{office}'s audit history does not continue the one its last package showed: it now has "
                         "{new} where it had {held} — rows were removed or rewritten",
                         "{office} 的审计记录与其上次数据包所示不衔接：上次为 {held}，本次为 {new}，记录被删除或改写"),
    "pkg_head_diverged": ("{office}'s audit history does not continue the one its last package showed: the package "
                          "names {prev} as its previous head, this office holds {held}",
                          "{office} 的审计记录与其上次数据包所示不衔接：本包声明的前一链头为 {prev}，本单位保存的为 {held}"),
    "pkg_head_skipped": ("{office} sent a package in between that did not come here (previous head {prev}, held here "
                         "{held})", "{office} 在此之间另发过数据包，本单位未收到（前一链头 {prev}，本单位保存的为 {held}）"),
    "pkg_own_region": ("the package would change this office's own region {text}",
                       "该数据包会改动本单位自己的地区 {text}"),
    "pkg_unknown_region": ("region {text} and its parent are unknown here", "本单位不认识地区 {text} 及其上级"),
})

LOCAL_ACTIONS = ("set", "import", "aggregate", "delete", "keep_mine")    # audited changes made here, not received
# the task ledger's rows written here: a progress report, a results-report section's text (a receipt's own rows
# come before its receive row, so only this office's — or another sender's — count as changed since)
LEDGER_ACTIONS = ("progress", "report_text")

STATUS_ZH = {"approved": "已审批", "locked": "已锁定"}


# ---------------------------------------------------------------- dry run

@dataclass
class ValueDiff:
    region: str
    indicator: str
    period: str
    kind: str                      # new / changed / unchanged / removed; of the task ledger: progress / section
    old: str | None                # (a ledger conflict: the row here — progress fields or a section's text …
    new: str | None                # … and the package's, None when the sender took it back out)
    old_note: str | None = None
    new_note: str | None = None
    source: str | None = None
    explanations: list[str] = field(default_factory=list)
    conflict: bool = False         # changed here since the sender's last package (a choice is needed)
    mine_by: str | None = None     # who changed it here, when, how (set / import / aggregate / delete / keep_mine)
    mine_at: str | None = None
    mine_action: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.region, self.indicator, self.period


@dataclass
class ReceivePlan:
    verification: Verification
    package: Package
    state: str                     # new (can be applied) / duplicate (no-op) / refused
    refusal: IpdeskError | None
    diffs: list[ValueDiff]
    explanations: list[dict]       # new or changed: rule, region, indicator, period, text, author, old
    answers: list[dict]            # answers to our questions: id, answer, corrected, old
    new_regions: list[dict]
    statuses: dict[str, str]       # region -> status here now
    gap: list[int] = field(default_factory=list)          # [first, last] version missing before this one
    notes: list[IpdeskError] = field(default_factory=list)  # the sender's audit history does not continue …
    ledger: object = None          # app.models.ledger.LedgerPlan: tasks, progress, evidence, report text
    ledger_conflicts: list[ValueDiff] = field(default_factory=list)   # progress reports and sections, as values

    @property
    def can_apply(self) -> bool:
        return self.state == "new"

    @property
    def conflicts(self) -> list[ValueDiff]:
        """Values — and progress reports and report sections — the package would change that this office
        changed itself since the sender's last package."""
        return [d for d in self.diffs if d.conflict] + self.ledger_conflicts

    @property
    def reason(self) -> str:
        return self.refusal.message() if self.refusal else ""

    def counts(self) -> dict:
        c = {k: sum(d.kind == k for d in self.diffs) for k in ("new", "changed", "unchanged", "removed")}
        c.update(explanations=len(self.explanations), answers=len(self.answers), regions=len(self.new_regions),
                 conflicts=len(self.conflicts))
        if self.ledger is not None:
            c.update({f"ledger_{k}": n for k, n in self.ledger.counts().items()})
        return c

    def to_dict(self, *, unchanged: bool = False) -> dict:
        return {"verification": self.verification.to_dict(), "state": self.state, "gap": self.gap,
                "notes": [n.to_dict() for n in self.notes],
                "refusal": self.refusal.to_dict() if self.refusal else None, "counts": self.counts(),
                "diffs": [d.__dict__ for d in self.diffs if unchanged or d.kind != "unchanged"],
                "explanations": self.explanations, "answers": self.answers, "new_regions": self.new_regions,
                "ledger": self.ledger.to_dict() if self.ledger is not None else None,
                "ledger_conflicts": [d.__dict__ for d in self.ledger_conflicts]}


def _norm(text: str | None) -> str:
    return text or ""


def _inside(db, code: str, ancestor: str, parents: dict) -> bool:
    """Is ``code`` ``ancestor`` or below it — by this store's tree, or for a region new here by the parent
    the package gives (which must itself lead into this store's tree)?"""
    seen = 0  # pragma: no mutate (the cycle guard's start: 0 or 1 alike for a tree four levels deep)
    while code and seen < 10:  # pragma: no mutate (`or`: an empty code never equals the ancestor — the same False)
        if code == ancestor:
            return True
        row = db.execute("select parent from regions where code = ?", [code]).fetchone()
        # (the count only ends a cycle of parents: a region tree is at most four levels deep, so counting
        # by two — five rounds — gives the same answers: equivalent)
        code, seen = (row[0] if row else parents.get(code)), seen + 1  # pragma: no mutate
    return False


def _region_name(db, code: str, parents: dict, pkg) -> str:
    row = db.execute("select name_zh from regions where code = ?", [code]).fetchone()
    if row:
        return f"{row[0]}（{code}）"
    sent = next((r.get("name_zh") for r in pkg.data["regions"] if r["code"] == code), None)
    return f"{sent}（{code}）" if sent else code


def signing_key(db, v: Verification, archive):
    """The trusted key a package's scope comes from: its own, or for a rollover the old key that endorsed it."""
    from app.services.package.read import endorsed_by

    if v.trust == "rollover":
        return endorsed_by(db, archive)
    return trust_status(db, archive.sender_id, archive.fingerprint)[1]


def gap_of(db, pkg: Package) -> list[int]:
    """The version numbers between the last one received from this sender for the package's region-year
    and the package's (all before it when none was received yet)."""
    row = db.execute("select max(seq) from packages_received where sender_id = ? and region = ? and year = ?",
                     [pkg.archive.sender_id, pkg.region, pkg.year]).fetchone()
    latest = row[0] if row and row[0] is not None else 0
    if pkg.seq <= latest + 1:
        return []
    return [latest + 1, pkg.seq - 1]          # the first and last missing (a range: may be large)


def _span(missing: list[int]) -> str:
    lo, hi = missing
    return f"v{lo}" if lo == hi else f"v{lo}–v{hi}"


def _refusal(db, pkg: Package, v: Verification, known: set[str], accept_gap: bool
             ) -> tuple[str, IpdeskError | None]:
    from app.models.db import meta_get
    from app.models.values import LOCKED_STATES, region_year_status

    a, file = pkg.archive, pkg.archive.file
    rows = db.execute("select hash, seq, prev_hash from packages_received where sender_id = ? and region = ?"
                      " and year = ?", [a.sender_id, pkg.region, pkg.year]).fetchall()
    if any(h == a.hash for h, _s, _p in rows):
        return "duplicate", None
    if v.trust == "retired":
        key = trust_status(db, a.sender_id, a.fingerprint)[1]
        return "refused", PackageError("pkg_key_retired", text=v.key_text, file=file, params={
            "office": f"{a.sender_id} {a.sender_name}".strip(), "at": (key.retired_at or "")[:10]})
    if v.trust not in ("trusted", "rollover"):
        return "refused", PackageError("pkg_untrusted", text=v.key_text, file=file,
                                       params={"office": f"{a.sender_id} {a.sender_name}".strip()})
    key = signing_key(db, v, a)
    scope = confirmed_regions(db, key)
    if scope is None:
        return "refused", PackageError("pkg_reconfirm", text=key.text, file=file, params={"office": key.office_id})
    parents = {r["code"]: r.get("parent") for r in pkg.data["regions"]}
    for code in pkg.regions:       # every region carried: one confirmed for the key, or below one
        if not any(_inside(db, code, allowed, parents) for allowed in scope):
            return "refused", PackageError("pkg_outside", text=_region_name(db, code, parents, pkg), file=file,
                                           params={"office": f"{a.sender_id} {a.sender_name}".strip(),
                                                   "scope": "、".join(_region_name(db, c, {}, pkg) for c in scope)})
    for code in pkg.regions[1:]:
        if not _inside(db, code, pkg.region, parents):
            return "refused", PackageError("pkg_outside", text=_region_name(db, code, parents, pkg), file=file,
                                           params={"office": a.sender_id, "scope": _region_name(db, pkg.region, {}, pkg)})
    home = meta_get(db, "home_region")
    if home and home in pkg.regions:
        return "refused", PackageError("pkg_own_region", text=home, file=file)
    if rows:
        latest = max(s for _h, s, _p in rows)
        if pkg.seq < latest:
            return "refused", PackageError("pkg_replay", file=file, params={"seq": pkg.seq, "latest": latest,
                                                                            "office": a.sender_id})
        if pkg.seq == latest:
            return "refused", PackageError("pkg_seq_conflict", file=file,
                                           params={"seq": pkg.seq, "office": a.sender_id})
        before = [h for h, s, _p in rows if s == pkg.seq - 1]
        if before and pkg.manifest.get("previous") != before[0]:
            return "refused", PackageError("pkg_fork", file=file, params={"seq": pkg.seq, "prev": pkg.seq - 1})
    missing = gap_of(db, pkg)
    if missing and not accept_gap:
        return "refused", PackageError("pkg_gap", file=file, params={
            "office": a.sender_id, "seq": pkg.seq, "missing": _span(missing)})
    for code in pkg.regions:
        if code not in known:
            continue
        status = region_year_status(db, code, pkg.year)
        if status in LOCKED_STATES:
            return "refused", PackageError("pkg_locked", file=file, params={
                "region": code, "year": pkg.year, "status": status, "status_zh": STATUS_ZH[status]})
        try:
            review.check_receive(db, code, pkg.year)      # the review service's rule for receiving
        except review.Refused as exc:
            return "refused", exc
    return "new", None


def _plan(db, pkg: Package, v: Verification, accept_gap: bool) -> ReceivePlan:
    from app.models.values import region_year_status, stored_values

    known = {c for (c,) in db.execute(f"select code from regions where code in ({','.join('?' * len(pkg.regions))})",
                                      pkg.regions)}
    new_regions = []
    for r in pkg.data["regions"]:
        if r["code"] not in known:
            if r.get("parent") not in known and r.get("parent") not in {n["code"] for n in new_regions}:
                raise PackageError("pkg_unknown_region", text=r["code"], file=pkg.archive.file)
            try:                      # the rule add_region applies, asked before anything is written
                check_region_fields(r["code"], r["level"])
            except InputError as exc:
                raise PackageError("pkg_data", file=pkg.archive.file,
                                   params={"why": f"region {r['code']}: {exc.message('en')}"}) from exc
            new_regions.append({k: r.get(k) for k in ("code", "parent", "level", "name_zh", "name_en",
                                                      "valid_from", "valid_to")})
    state, refusal = _refusal(db, pkg, v, known, accept_gap)
    ledger = None
    if state == "new" and refusal is None:
        state, refusal, ledger = _ledger_plan(db, pkg, v)
    marks = ",".join("?" * len(pkg.regions))
    old = stored_values(db, pkg.regions, pkg.year, pkg.year)
    expl_by_cell: dict[tuple, list[str]] = {}
    for e in pkg.data["explanations"]:
        expl_by_cell.setdefault((e["region"], e["indicator"], e["period"]), []).append(e["text"])
    diffs = []
    for val in pkg.data["values"]:
        key = (val["region"], val["indicator"], val["period"])
        before = old.pop(key, None)
        if before is None:
            kind = "new"
        elif before[0] != val["value"] or _norm(before[1]) != _norm(val.get("note")):
            kind = "changed"
        else:
            kind = "unchanged"
        diffs.append(ValueDiff(*key, kind, before[0] if before else None, val["value"], before[1] if before else None,
                               val.get("note"), val.get("source"), expl_by_cell.get(key, [])))
    for key, (value, note) in sorted(old.items()):
        diffs.append(ValueDiff(*key, "removed", value, None, note, None))
    by_key = {d.key: d for d in diffs}
    places = ledger.places() if ledger is not None else {}
    changed = _changed_here(db, pkg, {place[0] for place in places})
    for key, (by, at, action) in changed.items():
        d = by_key.get(key)
        if d is not None and d.kind != "unchanged":      # changed, removed, or new again after a delete here
            d.conflict, d.mine_by, d.mine_at, d.mine_action = True, by, at, action
    ledger_conflicts = [ValueDiff(*place, what, held(db, what, key), theirs, conflict=True, mine_by=changed[place][0],
                                  mine_at=changed[place][1], mine_action=changed[place][2])
                        for place, (what, key, theirs) in sorted(places.items()) if place in changed]
    here = {(r, ru, i, p): t for ru, r, i, p, t in db.execute(
        f"select rule, region, indicator, period, text from explanations where substr(period, 1, 4) = ?"
        f" and region in ({marks})", [str(pkg.year), *pkg.regions])}
    explanations = [{**e, "old": here.get((e["region"], e["rule"], e["indicator"], e["period"]))}
                    for e in pkg.data["explanations"]
                    if here.get((e["region"], e["rule"], e["indicator"], e["period"])) != e["text"]]
    from app.services.package.queries import pending_answers

    answers = pending_answers(db, pkg.data["answers"], pkg.regions)
    statuses = {c: region_year_status(db, c, pkg.year) if c in known else "draft" for c in pkg.regions}
    return ReceivePlan(v, pkg, state, refusal, diffs, explanations, answers, new_regions, statuses,
                       gap_of(db, pkg), head_notes(db, pkg) if state != "duplicate" else [], ledger, ledger_conflicts)


def _ledger_plan(db, pkg: Package, v: Verification):
    """(state, refusal, LedgerPlan) of the package's task ledger: every region it names must be one the
    key may send and below the package's region (never this office's own), open here for receiving; every
    row checked (:func:`app.models.ledger.plan_ledger`)."""
    from app.models.db import meta_get
    from app.models.errors import InputError
    from app.models.ledger import plan_ledger, unpack

    ledger = pkg.data.get("ledger")
    if not isinstance(ledger, dict):
        return "new", None, None
    a = pkg.archive
    scope = confirmed_regions(db, signing_key(db, v, a)) or []
    parents = {r["code"]: r.get("parent") for r in pkg.data["regions"]}
    home = meta_get(db, "home_region")
    named: set[str] = set()

    def inside(code):
        named.add(code)
        return (code != home and _inside(db, code, pkg.region, parents)
                and any(_inside(db, code, allowed, parents) for allowed in scope))
    try:
        covers = (pkg.data.get("documents") or {}).get("regions") or []
        plan = plan_ledger(db, unpack(ledger.get("rows")), pkg.evidence, year=pkg.year, inside=inside,
                           covers=covers if isinstance(covers, list) else [])
    except InputError as exc:
        return "refused", exc, None
    for code in sorted(named - set(pkg.regions)):     # regions the values did not bring (no values this year)
        try:
            review.check_receive(db, code, pkg.year)
        except review.Refused as exc:
            return "refused", exc, None
    return "new", None, plan


def _changed_here(db, pkg: Package, ledger_regions=()) -> dict[tuple, tuple[str, str, str]]:
    """(region, indicator, period) -> (who, at, action) of this office's own last change at each place of
    the package's region-year since the sender's previous package for it was received (nothing when
    none was): a value typed, imported, aggregated, deleted here — or kept over that package's value; a
    progress report or a report section's text of ``ledger_regions`` written here (a section's base moved
    with its text unchanged is no change)."""
    a = pkg.archive
    prev = db.execute("select hash from packages_received where sender_id = ? and region = ? and year = ?"
                      " order by seq desc limit 1", [a.sender_id, pkg.region, pkg.year]).fetchone()
    if not prev:
        return {}
    row = db.execute("select max(id) from audit where action = 'receive' and indicator is null and new = ?",
                     [prev[0]]).fetchone()
    # (no receive row for a package received: only a trail edited behind the app; 0 or 1 alike, row 1 being
    # older than any receipt — equivalent)
    since = row[0] if row and row[0] is not None else 0  # pragma: no mutate
    regions = sorted(set(pkg.regions) | set(ledger_regions))
    actions = LOCAL_ACTIONS + LEDGER_ACTIONS
    marks, acts = ",".join("?" * len(regions)), ",".join("?" * len(actions))
    out = {}
    for r, i, p, by, at, action in db.execute(
            f"select region, indicator, period, who, at, action from audit where id > ? and action in ({acts})"
            f" and region in ({marks}) and substr(period, 1, 4) = ? and not (action = 'report_text' and old is new)"
            " order by id", [since, *actions, *regions, str(pkg.year)]):
        out[(r, i, p)] = (by, at, action)
    return out


def plan_receive(db, source, *, accept_gap: bool = False) -> ReceivePlan:
    """The dry run: what applying would change, and whether it may. Raises :class:`PackageError`
    for a broken or forged package; writes nothing. Versions missing before this one (``plan.gap``)
    refuse it unless ``accept_gap``."""
    pkg = source if isinstance(source, Package) else read_package(source)
    v = verification_of(pkg.archive, db)
    if not v.ok:
        raise v.error
    return _plan(db, pkg, v, accept_gap)


# ---------------------------------------------------------------- apply

@dataclass
class ReceiveResult:
    hash: str
    file: str
    noop: bool
    counts: dict
    regions: list[str]
    year: int
    seq: int
    sender_id: str
    parent: str | None = None      # the region above the package's: aggregate it, then check it

    @property
    def short(self) -> str:
        return short_hash(self.hash)

    def to_dict(self) -> dict:
        return {**self.__dict__, "short": self.short}


def apply_receive(db, source, *, who: str | None = None, progress=None, cancel=None,
                  choice: str | dict | None = None, accept_gap: bool = False) -> ReceiveResult:
    """Apply a package (path, bytes, :class:`Package` or :class:`ReceivePlan`) in one transaction.

    The plan is made again inside the transaction, so what is applied is what the store
    holds at that moment. Refusals raise; the same package twice returns ``noop=True``.

    Values this office changed itself since the sender's last package (``plan.conflicts``)
    need a ``choice``: ``"mine"`` / ``"theirs"`` for all, or ``{(region, indicator, period):
    "mine" | "theirs"}`` for each; one left unchosen refuses the package (``pkg_conflicts``,
    nothing written). A value kept is audited (``keep_mine``) and stays a conflict for the
    sender's next package.
    """
    from app.models import audit
    from app.models.catalogue import add_region
    from app.models.checks import explain
    from app.models.db import now_iso, transaction
    from app.models.values import Change, write_values

    from app.services.package.queries import apply_answers
    from app.services.files import say

    def step(fraction, zh, en):
        if progress:
            progress(fraction, say(zh, en))
        if cancel is not None and cancel():
            raise Cancelled()

    pkg = source.package if isinstance(source, ReceivePlan) else (
        source if isinstance(source, Package) else read_package(source))
    a = pkg.archive
    who = who or audit.current_user()
    step(0.1, "校验数据包", "verifying")
    first = plan_receive(db, pkg, accept_gap=accept_gap)
    if first.state == "new" and first.refusal is None:
        from app.services import backup

        backup.before(db, "receive")          # the rolling copy before the values change
    with transaction(db):
        plan = plan_receive(db, pkg, accept_gap=accept_gap)
        if plan.state == "duplicate":
            return ReceiveResult(a.hash, a.file, True, plan.counts(), pkg.regions, pkg.year, pkg.seq, a.sender_id,
                                 _parent(db, pkg.region))
        if plan.refusal:
            raise plan.refusal
        chosen = {d.key: (choice if isinstance(choice, str) else (choice or {}).get(d.key)) for d in plan.conflicts}
        if any(c not in CHOICES for c in chosen.values()):
            raise conflicts_error(db, plan, [d for d in plan.conflicts if chosen[d.key] not in CHOICES])
        kept = [d for d in plan.conflicts if chosen[d.key] == "mine"]
        kept_keys = {d.key for d in kept}
        ledger = plan.ledger
        if kept_keys & {d.key for d in plan.ledger_conflicts}:      # (a ledger conflict: a ledger there)
            ledger = ledger.without(db, kept_keys)        # the office keeps its own report or section
        step(0.3, "比对数据", "comparing")
        for r in plan.new_regions:
            add_region(db, r["code"], r["name_zh"], parent=r["parent"], level=r["level"], name_en=r["name_en"] or "",
                       valid_from=r["valid_from"], valid_to=r["valid_to"], who=who)
        changes = []
        for d in plan.diffs:
            if d.key in kept_keys:
                continue
            if d.kind in ("new", "changed"):
                note = d.new_note if d.new_note else ("" if d.old_note else None)
                changes.append(Change(d.region, d.indicator, d.period, d.new, note, d.source,
                                      package=short_hash(a.hash)))
            elif d.kind == "removed":
                changes.append(Change(d.region, d.indicator, d.period, None))
        step(0.5, "写入数值", "writing values")
        why = received_why(a.file, pkg.seq, a.sender_id, a.sender_name)
        write_values(db, changes, who=who, why=why, action="receive")
        if ledger is not None and not ledger.empty:     # before the explanations: an own task first
            from app.models.ledger import write_ledger

            step(0.6, "写入任务与推进情况", "writing tasks and progress")
            write_ledger(db, ledger, who=who, why=why)
        step(0.7, "写入情况说明", "writing explanations")
        for e in plan.explanations:
            explain(db, e["region"], int(e["period"][:4]), e["rule"], e["indicator"], e["text"],
                    who=who, author=e.get("author") or a.sender_id, period=e["period"])
        apply_answers(db, plan.answers, package=a.hash, who=who)
        if plan.verification.trust == "rollover":      # the new key takes over the old one's confirmed regions
            from app.services.package.keys import trust_add

            old = signing_key(db, plan.verification, a)
            trust_add(db, a.public, a.sender_id, old.name or a.sender_name, replaces=old,
                      regions=list(confirmed_regions(db, old)), who=who)
        for code in pkg.regions:      # write_values sent changed region-years back to draft
            review.record_received(db, code, pkg.year, who=who, why=f"received {why}")
        counts = {**plan.counts(), "kept_mine": len(kept), "took_theirs": len(plan.conflicts) - len(kept)}
        db.execute("insert into packages_received(hash, sender_id, sender_name, key_fingerprint, region, year, seq,"
                   " prev_hash, state, received_at, received_by, file, manifest, counts)"
                   " values (?,?,?,?,?,?,?,?, 'received', ?,?,?,?,?)",
                   [a.hash, a.sender_id, a.sender_name, a.fingerprint, pkg.region, pkg.year, pkg.seq,
                    pkg.manifest.get("previous"), now_iso(), who, a.file, a.members["manifest.json"].decode("utf-8"),
                    json.dumps(counts)])
        audit.append(db, [(who, "receive", pkg.region, None, str(pkg.year), None, a.hash, why)])
        if plan.gap:
            audit.append(db, [(who, "receive_gap", pkg.region, None, str(pkg.year), None, _span(plan.gap),
                               f"accepted with versions missing: {why}")])
        if kept:      # after the package's row: the next package from this sender sees them as changed here
            audit.append(db, [(who, "keep_mine", *d.key, *_kept_sides(d), f"kept over {why}") for d in kept])
        step(0.95, "保存", "saving")
    return ReceiveResult(a.hash, a.file, False, counts, pkg.regions, pkg.year, pkg.seq, a.sender_id,
                         _parent(db, pkg.region))


def _kept_sides(d: ValueDiff) -> tuple[str | None, str | None]:
    """A kept conflict's audit sides: the package's (old) and this office's (new)."""
    if d.kind in ("progress", "section"):
        from app.models.ledger import encode

        return encode(d.new), encode(d.old)
    from app.models import audit

    return audit.encode(d.new, d.new_note), audit.encode(d.old, d.old_note)


def _parent(db, region: str) -> str | None:
    row = db.execute("select parent from regions where code = ?", [region]).fetchone()
    return row[0] if row else None


def trust_sender(db, source, *, expect: str | None = None, office_id: str | None = None,
                 name: str | None = None, regions=None):
    """Trust the key that signed a package or query file, after the fingerprint was confirmed by phone:
    ``expect`` — the whole printed fingerprint — is required, and ``regions`` (default: the office id,
    when it is a region code here) are the regions the key may send. Returns the :class:`TrustedKey`."""
    from app.services.package.keys import trust_add

    a = read_archive(source)
    return trust_add(db, a.public, office_id or a.sender_id, name or a.sender_name, expect=expect,
                     regions=regions, require_expect=True)
