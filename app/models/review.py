"""The review rules of a region-year: what may happen to it, and what a document may say of it.

Every screen, verb and document asks here; none re-derives a rule.

>>> doc = document_state(db, "320000", 2024)
>>> doc.status, doc.final
('draft', False)
>>> for r in blockers(db, "320300", 2024, "approve"):
...     print(r.message("zh"))
徐州市 2024 年当前为“草稿”，只能从“已完成”或“已报送”进行此操作
徐州市：专利转让许可次数（2024）需说明问题尚未说明——1,936 → 4,241：同比变化 +119.1%，超出 ±30% 合理区间
徐州市：专利转让许可次数（2024）需说明问题尚未说明——本年变化（+119.1%）与本地区历年变化相比异常（偏离程度 21.9，超过 3.5 即提示）

The transitions and what each needs — stated once, in :func:`blockers`:

====================  ===============================  ===========================================
action                from                             needs
====================  ===============================  ===========================================
``complete``          草稿                             no blocking finding of the region itself;
``submit``            草稿 / 已完成                    every explain-level one explained; each
``approve``           已完成 / 已报送 (+ head, password) subordinate at least 已完成, or a head's
                                                       override with a reason
``reopen``            已完成 / 已报送 → 草稿           a reason
``unlock``            已审批 / 已锁定 → 草稿           head + password + a reason
``explain``           not 已审批 / 已锁定 (*)          the finding exists now and is not blocking
``aggregate``         not 已审批 / 已锁定 (*)          each subordinate at least 已完成 (or override)
``receive``           not 已审批 / 已锁定 (*)          —
====================  ===============================  ===========================================

(*) nor below an approved/locked region of that year (:mod:`app.models.freeze`): approval freezes
the subtree it approved until an unlock; the write path (set, import) refuses the same.

"Subordinates" are the region's direct subordinate regions (``catalogue.children``) when the
store collects that level at all (any of them has a value or a workflow state, in any
year): a city whose districts never report to this office is not held up by them.

A refused transition raises one :class:`Refused` (an ``InputError``) whose message names
what blocks — regions and indicators by name, never a catalogue code or a rule id — and
changes nothing. A wrong office-head password is written to the audit trail
(``auth_failed``) even though the transition itself is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import audit
from .store_basics import transaction
from .errors import InputError
from .findings import ALL_INDICATORS, Findings, findings as load_findings
from .messages import register, render
from .states import LOCKED_STATES, STATUS_ZH, region_year_status

AT_LEAST_COMPLETE = ("complete", "submitted", "approved", "locked")
DELIVERED = ("submitted", "approved", "locked")      # a subordinate that no longer owes its data
ACTIONS = ("complete", "submit", "approve", "reopen", "unlock", "explain", "aggregate", "receive")
FROM = {"complete": ("draft",), "submit": ("draft", "complete"), "approve": ("complete", "submitted"),
        "reopen": ("complete", "submitted"), "unlock": LOCKED_STATES}
TO = {"complete": "complete", "submit": "submitted", "approve": "approved", "reopen": "draft", "unlock": "draft"}
CLEAN = ("complete", "submit", "approve")            # actions that need the region's findings resolved
NEED_SUBORDINATES = ("complete", "submit", "approve", "aggregate")
SHOWN = 8                                            # reasons spelled out in one message

ACTION_WORDS = {  # (en, zh)
    "complete": ("mark complete", "标记为已完成"), "submit": ("submit", "报送"),
    "approve": ("approve", "审批"), "reopen": ("send back to draft", "退回草稿"),
    "unlock": ("unlock", "解锁"), "explain": ("explain a finding of", "为以下问题填写说明："),
    "aggregate": ("aggregate into", "汇总"), "receive": ("receive a package into", "接收数据包到"),
}

register({
    "rv_blocking": ("{region}: {indicator} ({period}) blocking finding not fixed — {message}",
                    "{region}：{indicator}（{period}）阻断性问题未修正——{message}"),
    "rv_unexplained": ("{region}: {indicator} ({period}) finding not explained — {message}",
                       "{region}：{indicator}（{period}）需说明问题尚未说明——{message}"),
    "rv_subordinate": ("subordinate region {region} is still {status}", "下级地区{region}仍为“{status_zh}”"),
    "rv_subordinate_hint": ("subordinate regions must be at least complete, or an office head records an override "
                            "with a reason", "下级地区须至少为“已完成”，或由单位负责人说明理由后放行"),
    "rv_state": ("{region} {year} is {status}; this is possible from {allowed} only",
                 "{region} {year} 年当前为“{status_zh}”，只能从“{allowed_zh}”进行此操作"),
    "rv_frozen": ("{region} {year} is {status}: explanations and values are frozen until an office head unlocks it",
                  "{region} {year} 年数据{status_zh}，在单位负责人解锁前不能修改数据或说明"),
    "rv_frozen_below": ("{ancestor} {year} is {status}: the data of the regions below it ({region}) cannot change "
                        "until it is unlocked", "{ancestor} {year} 年{status_zh}，其下级地区（{region}）的数据在解锁前不能修改"),
    "rv_no_finding": ("{region}: there is no such finding ({indicator}, {period}) now — nothing to explain",
                      "{region}：{indicator}（{period}）当前没有该问题，无需说明"),
    "rv_blocking_rule": ("{region}: {indicator} ({period}) is a blocking finding — fix the figure, an explanation "
                         "cannot stand in for it",
                         "{region}：{indicator}（{period}）为阻断性问题，须修正数据，不能以说明代替"),
    "rv_refused": ("cannot {action} {region} {year}: {reasons}", "不能{action}{region} {year} 年：{reasons}"),
    "rv_more": ("{n} in all", "等共 {n} 项"),
    "rv_override_needless": ("{region_en} {year}: every subordinate region is at least complete; no override is needed",
                             "{region} {year} 年：各下级地区均已至少完成，无需放行"),
})


@dataclass(frozen=True)
class Reason:
    """One thing that blocks an action, in words: ``message(lang)`` names regions and indicators."""
    code: str                        # rv_blocking, rv_unexplained, rv_subordinate, rv_state, rv_frozen, ...
    region: str                      # the region it concerns (code: for programs, never shown)
    params: tuple = ()               # ((key, (en, zh)) | (key, value), ...)

    def message(self, lang: str = "zh") -> str:
        p = {k: (v[1] if lang == "zh" else v[0]) if isinstance(v, tuple) else v for k, v in self.params}
        return render(self.code, lang, **p)


class Refused(InputError):
    """A transition refused; ``params['reasons']`` lists the :class:`Reason` s (nothing was written)."""

    def message(self, lang: str = "zh") -> str:
        reasons = self.params.get("reasons", [])
        shown = [r.message(lang) for r in reasons[:SHOWN]]
        if len(reasons) > SHOWN:
            shown.append(render("rv_more", lang, n=len(reasons)))
        if any(r.code == "rv_subordinate" for r in reasons):
            shown.append(render("rv_subordinate_hint", lang))
        sep = "；" if lang == "zh" else "; "
        action = ACTION_WORDS[self.params["action"]][1 if lang == "zh" else 0]
        return render("rv_refused", lang, action=action, region=self.params["name"][1 if lang == "zh" else 0],
                      year=self.params["year"], reasons=sep.join(shown))

    @property
    def reasons(self) -> list[Reason]:
        return self.params.get("reasons", [])


# ---------------------------------------------------------------- names

def _names(db, code: str) -> tuple[str, str]:
    from .catalogue import region

    r = region(db, code)
    return (r.name("en"), r.name_zh)


def _indicator_names(db, code: str, rule: str) -> tuple[str, str]:
    from .catalogue import indicators

    if code == "*":
        zh, en = ALL_INDICATORS.get(rule, ("全部指标", "all indicators"))
        return (en, zh)
    if code.startswith("task:"):                 # an overdue task: named by its clause and first words
        from .tasks import get_task, task_label

        t = get_task(db, code[5:])
        return task_label(t, "en"), task_label(t, "zh")
    ind = indicators(db).get(code)
    return (ind.name("en"), ind.name_zh) if ind else (code, code)


def _status_words(status: str) -> tuple[str, str]:
    return (status, STATUS_ZH.get(status, status))


def _finding_reason(db, code: str, f) -> Reason:
    return Reason(code, f.region, (("region", _names(db, f.region)), ("indicator", _indicator_names(db, f.indicator, f.rule)),
                                   ("period", f.period), ("message", (f.message("en"), f.message("zh")))))


# ---------------------------------------------------------------- the rules

def subordinates(db, region: str, year: int) -> list[str]:
    """The direct subordinate regions this office collects for ``region`` in ``year`` (see the module doc)."""
    from .catalogue import children
    from .findings import collects_below

    kids = children(db, region, year)
    return kids if kids and collects_below(db, region) else []


def owed(db, region: str, year: int) -> list[str]:
    """The ONE rule for what is still owed: subordinates of ``region`` that have not delivered ``year``
    (not yet 已报送 / 已审批 / 已锁定 here). The dashboard's board and the packages tab both count it."""
    return [k for k in subordinates(db, region, year) if region_year_status(db, k, year) not in DELIVERED]


def override_active(db, region: str, year: int) -> bool:
    """True when an office head recorded an override of the subordinates rule, not undone by an unlock since."""
    row = db.execute("select action from audit where region = ? and period = ? and indicator is null"
                     " and action in ('override', 'unlock') order by id desc limit 1", [region, str(year)]).fetchone()
    return bool(row) and row[0] == "override"


def _subordinate_reasons(db, region: str, year: int) -> list[Reason]:
    if override_active(db, region, year):
        return []
    out = []
    for k in subordinates(db, region, year):
        st = region_year_status(db, k, year)
        if st not in AT_LEAST_COMPLETE:
            out.append(Reason("rv_subordinate", k, (("region", _names(db, k)), ("status", st),
                                                     ("status_zh", STATUS_ZH.get(st, st)))))
    return out


def _state_reason(db, region, year, status, allowed) -> Reason:
    return Reason("rv_state", region, (("region", _names(db, region)), ("year", year), ("status", status),
                                       ("status_zh", STATUS_ZH.get(status, status)), ("allowed", "/".join(allowed)),
                                       ("allowed_zh", "”或“".join(STATUS_ZH[s] for s in allowed))))


def _frozen_reason(db, region, year, status) -> Reason:
    return Reason("rv_frozen", region, (("region", _names(db, region)), ("year", year), ("status", status),
                                        ("status_zh", STATUS_ZH.get(status, status))))


def _frozen_below_reason(db, region, year) -> Reason | None:
    """An approved/locked ancestor freezes ``region`` ``year`` (:func:`app.models.freeze.frozen_by`)."""
    from .freeze import frozen_by

    found = frozen_by(db, region, year)
    if found is None:
        return None
    ancestor, status = found
    return Reason("rv_frozen_below", region, (("ancestor", _names(db, ancestor)), ("region", _names(db, region)),
                                              ("year", year), ("status", status),
                                              ("status_zh", STATUS_ZH.get(status, status))))


def blockers(db, region: str, year: int, action: str, *, fs: Findings | None = None) -> list[Reason]:
    """What blocks ``action`` for ``region`` ``year`` now — empty when it may go ahead.

    The office head's password and a reason (unlock, reopen, override) are asked by the
    transition itself; everything else that can stand in the way is answered here.
    ``fs``: the region's findings if the caller has them already (scope ``self`` or wider).
    """
    if action not in ACTIONS or action == "explain":
        raise ValueError(f"action {action!r}: one of {ACTIONS} (explain: explain_blockers)")
    status = region_year_status(db, region, year)
    out: list[Reason] = []
    if action in FROM:
        if status not in FROM[action]:
            out.append(_state_reason(db, region, year, status, FROM[action]))
    elif status in LOCKED_STATES:                       # aggregate, receive
        out.append(_frozen_reason(db, region, year, status))
    elif (below := _frozen_below_reason(db, region, year)) is not None:     # an approved ancestor
        out.append(below)
    if action in CLEAN:
        fs = fs if fs is not None else load_findings(db, region, year)
        out += [_finding_reason(db, "rv_blocking", f) for f in fs.blocking(region)]
        out += [_finding_reason(db, "rv_unexplained", f) for f in fs.unexplained(region)]
    if action in NEED_SUBORDINATES:
        out += _subordinate_reasons(db, region, year)
    return out


def explain_blockers(db, region: str, year: int, rule: str, indicator: str, period: str | None = None,
                     *, fs: Findings | None = None) -> list[Reason]:
    """What stands in the way of explaining one finding: the region-year frozen, the finding gone, or blocking."""
    period = period or str(year)
    status = region_year_status(db, region, year)
    if status in LOCKED_STATES:
        return [_frozen_reason(db, region, year, status)]
    below = _frozen_below_reason(db, region, year)
    if below is not None:
        return [below]
    fs = fs if fs is not None else load_findings(db, region, year)
    match = [f for f in fs.at(region, indicator, period) if f.rule == rule]
    place = (("region", _names(db, region)), ("indicator", _indicator_names(db, indicator, rule)), ("period", period))
    if not match:
        return [Reason("rv_no_finding", region, place)]
    if any(f.severity == "blocking" for f in match):
        return [Reason("rv_blocking_rule", region, place)]
    return []


def refusal(db, action: str, region: str, year: int, reasons: list[Reason]) -> Refused:
    """The one error (one sentence, names not codes) saying that ``action`` is refused for ``reasons``."""
    return Refused("review_refused", params={"action": action, "name": _names(db, region), "year": year,
                                             "reasons": reasons})


def _refuse(db, action: str, region: str, year: int, reasons: list[Reason]):
    if reasons:
        raise refusal(db, action, region, year, reasons)


def check_aggregate(db, region: str, year: int) -> None:
    """Raise :class:`Refused` unless subordinates may be summed into ``region`` ``year`` now."""
    _refuse(db, "aggregate", region, year, blockers(db, region, year, "aggregate"))


def check_receive(db, region: str, year: int) -> None:
    """Raise :class:`Refused` unless a received package may write ``region`` ``year`` here."""
    _refuse(db, "receive", region, year, blockers(db, region, year, "receive"))


# ---------------------------------------------------------------- writers

def _authenticate(db, user: str | None, password: str | None, action: str, items) -> None:
    """The office head's password: :func:`app.models.workflow.head_auth`, the one audited check
    (a failure is written as ``auth_failed`` and kept although the transition is refused)."""
    from .workflow import head_auth

    head_auth(db, user, password, action, items)


def _write(db, region, year, old, new, who, why, action="status") -> None:
    from .workflow import _write_status

    _write_status(db, region, year, old, new, who, why, action=action)


def _move(db, action: str, region: str, year: int, *, who: str | None, why: str | None) -> str:
    year = int(year)
    from .catalogue import region as get_region

    get_region(db, region)
    _refuse(db, action, region, year, blockers(db, region, year, action))
    old = region_year_status(db, region, year)
    with transaction(db):
        _write(db, region, year, old, TO[action], who or audit.current_user(), why)
    return old


def complete(db, region: str, year: int, *, who: str | None = None, why: str | None = None) -> str:
    """草稿 → 已完成 (returns the old status)."""
    return _move(db, "complete", region, year, who=who, why=why)


def submit(db, region: str, year: int, *, who: str | None = None, why: str | None = None) -> str:
    """草稿 / 已完成 → 已报送 (returns the old status)."""
    return _move(db, "submit", region, year, who=who, why=why)


def reopen(db, region: str, year: int, *, why: str, who: str | None = None) -> str:
    """已完成 / 已报送 → 草稿, with a reason (returns the old status)."""
    if not (why or "").strip():
        raise InputError("why_needed")
    return _move(db, "reopen", region, year, who=who, why=why.strip())


def _findings_for(db, items: list[tuple[str, int]]) -> dict[tuple[str, int], Findings]:
    """One findings pass per year and top region of a batch (every region below it is loaded anyway)."""
    from .catalogue import regions as load_regions

    regs = load_regions(db)
    out = {}
    for year in sorted({y for _r, y in items}):
        wanted = {r for r, y in items if y == year}

        def top(code):
            while regs[code].parent in wanted:
                code = regs[code].parent
            return code
        for root in sorted({top(r) for r in wanted}):
            fs = load_findings(db, root, year, below="all")
            for r in wanted:
                if r == root or top(r) == root:
                    out[(r, year)] = fs
    return out


def approve(db, region_years, *, user: str, password: str, why: str | None = None, then=None) -> int:
    """An office head approves (locks) one or many region-years: one password check, one transaction,
    all or nothing — every region-year must pass :func:`blockers` ('approve'). Returns how many.

    ``then(db)``, if given, runs inside the same transaction after the approval is written (the
    inbox accepts the package that brought the data with it)."""
    from .catalogue import region as get_region

    items = list(dict.fromkeys((r, int(y)) for r, y in region_years))
    for r, _y in items:
        get_region(db, r)
    _authenticate(db, user, password, "approve", items)
    fss = _findings_for(db, items)
    for r, y in items:
        _refuse(db, "approve", r, y, blockers(db, r, y, "approve", fs=fss[(r, y)]))
    with transaction(db):
        for r, y in items:
            _write(db, r, y, region_year_status(db, r, y), "approved", user, why)
        if then is not None:
            then(db)
    return len(items)


def unlock(db, region: str, year: int, *, user: str, password: str, why: str) -> str:
    """An office head reopens an approved/locked region-year (back to draft), with a reason."""
    from .catalogue import region as get_region

    year = int(year)
    get_region(db, region)
    _refuse(db, "unlock", region, year, blockers(db, region, year, "unlock"))
    if not (why or "").strip():
        raise InputError("why_needed")
    _authenticate(db, user, password, "unlock", [(region, year)])
    old = region_year_status(db, region, year)
    with transaction(db):
        _write(db, region, year, old, "draft", user, why.strip(), action="unlock")
    return old


def override(db, region: str, year: int, *, user: str, password: str, why: str) -> list[str]:
    """An office head lets ``region`` ``year`` go ahead although subordinates are not complete
    (audited with the reason and the regions it covered; undone by the next unlock). Returns their codes."""
    from .catalogue import region as get_region

    year = int(year)
    get_region(db, region)
    if not (why or "").strip():
        raise InputError("why_needed")
    _authenticate(db, user, password, "override", [(region, year)])
    late = [k for k in subordinates(db, region, year) if region_year_status(db, k, year) not in AT_LEAST_COMPLETE]
    if not late:
        raise InputError("rv_override_needless", params={"region": _names(db, region)[1],
                                                         "region_en": _names(db, region)[0], "year": year})
    with transaction(db):
        audit.append(db, [(user, "override", region, None, str(year), None,
                           "、".join(_names(db, k)[1] for k in late), why.strip())])
    return late


def explain(db, region: str, year: int, rule: str, indicator: str, text: str, *, period: str | None = None,
            who: str | None = None, fs: Findings | None = None) -> None:
    """Store the written explanation for a finding that exists now and is not blocking, while the
    region-year is not approved (audited). An overdue task's (rule ``task_overdue``, indicator
    ``task:<id>``) goes to :func:`app.models.tasks.explain_overdue`, any other to
    :func:`app.models.checks.explain`. ``fs``: the findings now, if the caller has them."""
    from .catalogue import indicator as get_indicator, region as get_region
    from .checks import explain as store
    from .tasks import RULE_OVERDUE, explain_overdue, get_task

    year = int(year)
    get_region(db, region)
    is_task = rule == RULE_OVERDUE or indicator.startswith("task:")
    if is_task:
        indicator = indicator if indicator.startswith("task:") else f"task:{indicator}"
        get_task(db, indicator[5:])
    elif indicator != "*":
        get_indicator(db, indicator)
    period = period or str(year)
    if not (text or "").strip():
        raise InputError("why_needed", region=region, indicator=indicator, period=period)
    _refuse(db, "explain", region, year, explain_blockers(db, region, year, rule, indicator, period, fs=fs))
    if is_task:
        explain_overdue(db, region, year, indicator[5:], text, who=who)
    else:
        store(db, region, year, rule, indicator, text, who=who, period=period)


def record_received(db, region: str, year: int, *, who: str, why: str) -> str:
    """A package from ``region`` was received: its region-year here becomes 已报送 (the sender
    submitted it). Runs inside the receiver's transaction; :func:`check_receive` first."""
    check_receive(db, region, year)
    old = region_year_status(db, region, year)
    with transaction(db):
        if old != "submitted":
            _write(db, region, year, old, "submitted", who, why)
    return old


# ---------------------------------------------------------------- documents

@dataclass
class DocumentState:
    """What a document made now may print about a region-year.

    ``status`` is the workflow state at export. ``final`` — fit to be signed and sent — is
    True for a region-year past 草稿 (complete, submitted, approved, locked) with nothing
    unresolved in what the document covers (no blocking finding, every explain-level
    finding explained). A document that is not ``final`` is marked 草稿 (not for
    submission) on every page, and ``reasons`` says why in words (Chinese, no catalogue
    codes). A document prints 已审批 only for an approved region-year that is ``final``.
    """
    status: str
    final: bool
    open_findings: int
    reasons: list[str] = field(default_factory=list)


def document_state(db, region: str, year: int, fs: Findings | None = None, *,
                   status: str | None = None) -> DocumentState:
    """The state a PDF/XLSX/package made now prints for ``region`` ``year``.

    ``fs``: the findings the document prints (default: the region with its direct
    subordinates). ``status`` overrides the stored state where the export itself moves
    it (a package export records 'submitted').
    """
    fs = fs if fs is not None else load_findings(db, region, year, below="children")
    status = status or region_year_status(db, region, year)
    open_ = fs.open(everywhere=True)
    reasons = []
    if status == "draft":
        reasons.append("本单位尚未确认填报完成（仍为草稿）")
    if open_:
        c = fs.counts(everywhere=True)
        if c["blocking"]:
            reasons.append(f"{c['blocking']} 个阻断性问题未修正")
        if c["unexplained"]:
            reasons.append(f"{c['unexplained']} 个需说明问题未说明")
    return DocumentState(status, status != "draft" and not open_, len(open_), reasons)
