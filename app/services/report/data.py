"""One model of the submission documents; the PDF (paper) and XLSX (electronic) writers
render only from it, with one number formatter, so both say the same thing by construction.

>>> rep = build_report(db, "320000", 2022, generated_at=datetime(2022, 12, 10, 9, 30))
>>> rep.title, rep.office, rep.date_text == date_zh(rep.approved_at)   # approved: the approval's date
('江苏省2022年度知识产权高质量发展指标报告', '江苏省知识产权局', True)
>>> row = rep.indicator("INV_GRANTS")
>>> row.current_text, row.yoy_text
('74,750', '+11.4%')
>>> len(rep.children), len(rep.fingerprint), rep.fingerprint_short.count("-")
(13, 64, 3)

Numbers in the model are Decimals already rounded half-up to what is shown (the
indicator's ``decimals``; per-cent changes to 0.1), so a writer never rounds: the PDF
prints :func:`show`, the XLSX stores the same Decimal with a number format of the same
precision. Values of derived indicators (per 10k people) are computed from their
components where all are present — the same rule the checks and target status use —
otherwise shown as entered, and are marked ``computed``.

``export_report(db, region, year, pdf=..., xlsx=...)`` is the use case the CLI and the
Export dialog call: plain function, ``progress(fraction, message)`` and ``cancel()``
callbacks, files written to a temporary name and moved into place only when complete.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from app.models.errors import IpdeskError
from app.models.messages import register, render
from app.models.states import LOCKED_STATES
from app.models.states import STATUS_ZH as WORKFLOW_ZH  # one wording of the workflow states
from app.models.findings import subject_name
from app.models.ledger import ledger_fingerprint, ledger_rows
from app.services.report.words import (ALL_INDICATORS, DRAFT_MARK, FINAL_MARK, OPEN_LISTED, RULE_ZH,  # noqa: F401
                                       SEVERITY_ZH, finding_label, state_text)

register({
    "export_cancelled": ("export cancelled; no file was written", "已取消导出，未写入任何文件"),
    "export_nothing": ("name at least one output file (--pdf FILE.pdf and/or --xlsx FILE.xlsx)",
                       "请至少指定一个输出文件（--pdf 文件.pdf 和/或 --xlsx 文件.xlsx）"),
    "export_bad_suffix": ("{text} should end with {suffix}", "{text} 的扩展名应为 {suffix}"),
})

# Indicators drawn as trend charts (and listed year by year), and shown for each subordinate region.
KEY_INDICATORS = ("HV_PATENTS_PER_10K", "INV_PATENTS_IN_FORCE", "PLEDGE_AMOUNT", "PATENT_INDUSTRIALIZATION_RATE")
CHILD_INDICATORS = ("HV_PATENTS_PER_10K", "INV_PATENTS_IN_FORCE", "INV_GRANTS", "PLEDGE_AMOUNT",
                    "PATENT_INDUSTRIALIZATION_RATE", "TM_REGISTRATIONS")
STATUS_RANK = ("off_track", "at_risk", "no_data", "on_track", "met")   # worst first
PP_KINDS = ("percent",)   # year-on-year change of a rate is shown in percentage points

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


class ExportCancelled(IpdeskError):
    """The user cancelled; nothing was written."""


# the one formatter and the office's settings live beside this module (re-exported: callers import them here)
from app.services.report.effective import _formula_value, _inputs_present, effective_values  # noqa: E402,F401
from app.services.report.numbers import canonical_target, clean_text, date_zh, rounded, show, signed  # noqa: E402,F401
from app.services.report.office import (DEFAULT_DEADLINE, _deadline, _recipient, office_of,  # noqa: E402,F401
                                        save_office)


# ---------------------------------------------------------------- the model

@dataclass(frozen=True)
class IndicatorRow:
    seq: int
    code: str
    name: str
    unit: str
    decimals: int
    previous: Decimal | None
    current: Decimal | None
    computed: bool            # current value derived from its components
    yoy: Decimal | None       # per cent (or percentage points, see yoy_unit), rounded to 0.1
    yoy_unit: str             # "%" or "个百分点"
    target: str               # the applicable requirement(s), e.g. "≥26（2025年）"
    status: str | None        # worst status of the indicator's targets, None without a target
    note: str                 # note stored with this year's value

    @property
    def display_name(self) -> str:
        return self.name + ("*" if self.computed else "")

    @property
    def previous_text(self) -> str:
        return show(self.previous, self.decimals)

    @property
    def current_text(self) -> str:
        return show(self.current, self.decimals)

    @property
    def yoy_text(self) -> str:
        return signed(self.yoy, 1, self.yoy_unit)

    @property
    def status_text(self) -> str:
        return status_label(self.status) if self.status else ""


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    name: str
    unit: str
    decimals: int
    comparator: str
    target: Decimal | None
    target_year: int
    requirement: str          # "≥26（2025年）", "增长≥10%", "高于上年", "按时填报"
    latest: Decimal | None
    latest_period: str
    projected: Decimal | None
    needed: Decimal | None    # needed annual change (for growth targets: the shortfall)
    status: str
    document: str
    clause: str
    clause_text: str
    doc_no: str
    projection_method: str
    verified: str = ""        # the pack's ``verified``: "yes…" = the document's figure, "interpretation" = ours
    change: Decimal | None = None   # this year's change over last (per cent), for reporting-only rows
    lower_is_better: bool = False

    @property
    def interpretation(self) -> bool:
        """The figure is the app's reading of the document, not its wording (printed as such)."""
        return self.verified.lower().startswith("interpret")

    @property
    def unconfirmed(self) -> bool:
        """The pack is unsure of the figure (``partly …``): printed as 数值待核."""
        return self.verified.lower().startswith("partly")

    @property
    def reporting_only(self) -> bool:
        """A 'must be reported' requirement: filled or not, never a target met (see status_counts)."""
        return self.comparator == "reported"

    @property
    def rose_against_direction(self) -> bool:
        return self.lower_is_better and self.change is not None and self.change > 0

    @property
    def latest_text(self) -> str:
        return show(self.latest, self.decimals)

    @property
    def projected_text(self) -> str:
        return show(self.projected, self.decimals)

    @property
    def needed_text(self) -> str:
        return show(self.needed, self.decimals)

    @property
    def status_text(self) -> str:
        return status_label(self.status)

    @property
    def source(self) -> str:
        """``《知识产权高质量发展年度工作指引（2022）》（国知发运字〔2022〕15号）1(3)``, and 〔解读〕 for an
        interpretation."""
        no = f"（{self.doc_no}）" if self.doc_no and self.doc_no not in self.document else ""
        mark = "〔解读，非原文〕" if self.interpretation else ("〔数值待核〕" if self.unconfirmed else "")
        return f"《{self.document}》{no}{self.clause}{mark}".strip() if self.document else self.clause + mark


@dataclass(frozen=True)
class FindingRow:
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    period: str
    severity: str
    rule: str
    message: str
    explanation: str

    @property
    def severity_text(self) -> str:
        return SEVERITY_ZH.get(self.severity, self.severity)

    @property
    def rule_text(self) -> str:
        return RULE_ZH.get(self.rule, self.rule)


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    unit: str
    decimals: int


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    values: tuple[Decimal | None, ...]   # in the order of Report.child_columns
    workflow: str                        # 草稿 / 已报送 / ...


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    unit: str
    decimals: int
    points: tuple[tuple[int, Decimal], ...]   # (year, value) with a value, ascending
    target: Decimal | None = None
    target_year: int | None = None
    comparator: str | None = None
    kind: str = "count"       # catalogue kind: counts and amounts are charted from zero

    @property
    def target_label(self) -> str:
        if self.target is None:
            return ""
        sign = "≥" if self.comparator == ">=" else "≤"
        return f"目标{sign}{canonical_target(self.target)}（{self.target_year}年）"


@dataclass
class Report:
    region: str
    region_name: str
    level: str
    year: int
    generated_at: datetime
    office: str
    contact: str
    recipient: str               # who the submission goes to
    deadline: date
    workflow: str                # status of the region-year (草稿 …)
    fingerprint: str
    catalogue_version: str
    app_version: str
    indicators: list[IndicatorRow]
    targets: list[TargetRow]
    findings: list[FindingRow]
    child_columns: list[Column]
    children: list[ChildRow]
    series: list[Series]
    years: list[int]             # the years of the trend table / charts
    detail: list[list]           # [region, indicator, period, canonical value, note]: the 明细 sheet
    regions: list[str] = field(default_factory=list)
    key_fingerprint: str = ""    # the office's signing key (packages), printed on the cover when known
    ledger_fingerprint: str = ""  # the task ledger of ``regions`` (app.models.ledger): PDF keywords, XLSX 元数据
    status: str = "draft"        # the workflow state at export (review.document_state)
    final: bool = False          # approved and nothing unresolved: no draft mark, may say 已审批
    reasons: list[str] = field(default_factory=list)     # why not final, in words (review.document_state)
    open_items: list[str] = field(default_factory=list)  # the unresolved findings, named (region · indicator)
    # --- statistical-form furniture (issue 14)
    phone: str = ""                                         # contact telephone (office setting office_phone)
    form_marks: list[tuple[str, str]] = field(default_factory=list)   # 表号 / 制定机关 / 批准文号 / 有效期至
    preparer: str = ""                                      # who wrote the values / explanations (audit)
    reviewer: str = ""                                      # who marked it complete / submitted it (audit)
    approver: str = ""                                      # who approved it (audit)
    approved_at: date | None = None                         # when (local date), None unless approved
    definitions: list = field(default_factory=list)         # front.Definition: 填报说明, source and 口径
    fingerprint_parts: dict = field(default_factory=dict)   # the fingerprint's document but its values (verify-docs)
    high_value: object = None                               # front.HighValueNet or None
    guideline_loaded: bool = True                           # an annual guideline pack for the year is loaded

    @property
    def draft(self) -> bool:
        return not self.final

    @property
    def mark(self) -> str:
        """What every page / sheet says the document is: 草稿（不得作为正式报送） or 正式报送件."""
        return FINAL_MARK if self.final else DRAFT_MARK

    @property
    def draft_lines(self) -> list[str]:
        """The cover's account of why this is a draft: the reasons, then the unresolved items by name."""
        if self.final:
            return []
        return [f"{n}. {r}" for n, r in enumerate(self.reasons + self.open_items, start=1)]

    @property
    def fingerprint_short(self) -> str:
        from app.services.fingerprint import short

        return short(self.fingerprint)

    @property
    def title(self) -> str:
        kind = "汇总报告" if self.level == "nation" else "报告"
        return f"{self.region_name}{self.year}年度知识产权高质量发展指标{kind}"

    @property
    def sign_date(self) -> date:
        """The one date of the copy (cover, signature): the approval date once approved, else the day
        it was generated."""
        if self.final and self.approved_at is not None:
            return self.approved_at
        return self.generated_at.date()

    @property
    def date_text(self) -> str:
        return date_zh(self.sign_date)

    @property
    def deadline_text(self) -> str:
        return date_zh(self.deadline)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    def indicator(self, code: str) -> IndicatorRow:
        return next(r for r in self.indicators if r.code == code)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in ("blocking", "explain", "info")}

    def status_counts(self) -> dict[str, int]:
        """Targets by status; a 'must be reported' requirement is not a target and is not counted
        (see :meth:`reporting_counts`) — filing a rising lower-is-better figure is not meeting a target."""
        return {s: sum(t.status == s for t in self.targets if not t.reporting_only) for s in STATUS_RANK}

    def reporting_counts(self) -> tuple[int, int]:
        """``(required, filed)`` of the 'must be reported' requirements."""
        rows = [t for t in self.targets if t.reporting_only]
        return len(rows), sum(t.status == "met" for t in rows)

    @property
    def file_stem(self) -> str:
        """A file name for the documents: ``江苏省-2022-知识产权指标报告``."""
        return f"{self.region_name}-{self.year}-知识产权指标报告"


def status_label(status: str) -> str:
    """Symbol and word, so the status survives black-and-white printing: ``● 已达标``."""
    from app.models.targets import SYMBOL

    return f"{SYMBOL.get(status, '')} {render('status_' + status, 'zh')}".strip()


def requirement(comparator: str, value, target_year: int, year: int) -> str:
    """>>> requirement(">=", 26.0, 2025, 2022), requirement("growth>=", 10.0, 2022, 2022)
    ('≥26（2025年）', '增长≥10%')
    """
    if comparator in (">=", "<="):
        sign = "≥" if comparator == ">=" else "≤"
        when = f"（{target_year}年）" if target_year != year else ""
        return f"{sign}{canonical_target(value)}{when}"
    if comparator == "growth>=":
        return f"增长≥{canonical_target(value)}%"
    if comparator == "increase":
        return "高于上年"
    return "按时填报"


# ---------------------------------------------------------------- building it

def build_report(db, region: str, year: int, *, office: str | None = None, contact: str | None = None,
                 include_children: bool = True, generated_at: datetime | None = None,
                 key_fingerprint: str | None = None, workflow: str | None = None) -> Report:
    """Everything the submission documents show for ``region`` in ``year``, read from the store.

    ``workflow`` overrides the workflow state (a package export prints 'submitted', the
    status the region-year has once the export is recorded).

    The problems listed are :func:`app.models.findings.findings` of the region with its
    direct subordinates (the region alone with ``include_children=False``) — the set the
    grid, the dashboard and ``ipdesk check`` show. Whether the document is final, and the
    state it prints, is :func:`app.models.review.document_state` over those findings."""
    from app import __version__
    from app.models.catalogue import children as child_codes, in_sections
    from app.models.catalogue import indicators as load_indicators
    from app.models.catalogue import region as get_region
    from app.models.db import meta_get
    from app.models.review import document_state
    from app.models.targets import status_for

    from app.services import fingerprint as fp
    from app.services.fingerprint import WINDOW_YEARS, value_rows

    reg = get_region(db, region)
    year = int(year)
    cat = load_indicators(db)
    kids = child_codes(db, region, year) if include_children else []
    covered = [region] + kids
    years = list(range(year - WINDOW_YEARS + 1, year + 1))
    detail = value_rows(db, covered, year)       # read once: the 明细 sheet, the values, notes and fingerprint
    eff = effective_values(db, covered, years[0], year, cat, rows=detail)
    notes = {(r, i): clean_text(n) for r, i, p, _v, n in detail if r == region and p == str(year) and n}

    # target status (the same function as the dashboard and `ipdesk status`)
    targets: list[TargetRow] = []
    for s in status_for(db, region, year):
        ind = cat[s["indicator"]]
        d = ind.decimals
        latest = None
        if s["latest_period"] is not None:
            latest = eff.get((region, ind.code, int(s["latest_period"])))
            latest = rounded(latest if latest is not None else s["latest_value"], d)
        targets.append(TargetRow(
            indicator=ind.code, name=ind.name_zh, unit=ind.unit_zh, decimals=d, comparator=s["comparator"],
            target=None if s["target"] is None else Decimal(canonical_target(s["target"])),
            target_year=int(s["target_year"]),
            requirement=requirement(s["comparator"], s["target"], s["target_year"], year),
            latest=latest, latest_period=s["latest_period"] or "",
            projected=rounded(s["projected_value"], d), needed=rounded(s["required_annual_change"], d),
            status=s["status"], document=s["document"] or "", clause=s["clause"] or "",
            clause_text=clean_text(s["clause_text"]), doc_no=s["doc_no"] or "",
            projection_method=s["projection_method"] or "", verified=s.get("verified") or "",
            change=_change(eff, region, ind.code, year), lower_is_better=ind.direction == "lower"))
    by_indicator: dict[str, list[TargetRow]] = {}
    for t in targets:
        by_indicator.setdefault(t.indicator, []).append(t)

    rows: list[IndicatorRow] = []
    # in the catalogue's sections (the entry grid's order)
    for seq, ind in enumerate(in_sections(i for i in cat.values() if i.applies_to(reg.level)), start=1):
        code = ind.code
        d = ind.decimals
        prev, cur = eff.get((region, code, year - 1)), eff.get((region, code, year))
        yoy, unit = None, "%"
        if ind.kind in PP_KINDS:
            unit = "个百分点"
            if prev is not None and cur is not None:
                yoy = rounded(cur - prev, 1)
        elif prev is not None and cur is not None and prev > 0:
            yoy = rounded((cur / prev - 1) * 100, 1)
        ts = by_indicator.get(code, [])
        scored = [t for t in ts if not t.reporting_only]     # 'must be reported' is no target to meet
        status = min((t.status for t in scored), key=STATUS_RANK.index) if scored else None
        rows.append(IndicatorRow(
            seq=seq, code=code, name=ind.name_zh, unit=ind.unit_zh, decimals=d, previous=rounded(prev, d),
            current=rounded(cur, d),
            computed=bool(ind.formula) and cur is not None and _inputs_present(ind.formula, eff, region, year),
            yoy=yoy, yoy_unit=unit, target="；".join(dict.fromkeys(t.requirement for t in ts)), status=status,
            note=notes.get((region, code), "")))

    regs = {code: get_region(db, code) for code in kids}
    fs, below = _findings(db, region, year, kids, "children" if include_children else "self")
    doc = document_state(db, region, year, fs, status=workflow)
    names = {reg.code: reg.name_zh, **{code: r.name_zh for code, r in regs.items()}}
    open_ = fs.open(everywhere=True)
    open_items = [finding_label(f, names, cat) for f in open_[:OPEN_LISTED]]
    if len(open_) > OPEN_LISTED:
        open_items.append(f"等共 {len(open_)} 项，详见“数据核查问题及情况说明”")
    findings = [FindingRow(
        region=f.region, region_name=(regs[f.region].name_zh if f.region in regs else reg.name_zh),
        indicator=f.indicator,
        indicator_name=subject_name(f, cat),
        period=f.period, severity=f.severity, rule=f.rule, message=clean_text(f.message("zh")),
        explanation=clean_text(f.explanation)) for f in fs.items]

    columns = [Column(c, cat[c].name_zh, cat[c].unit_zh, cat[c].decimals) for c in CHILD_INDICATORS if c in cat]
    children = [ChildRow(code=k, name=regs[k].name_zh,
                         values=tuple(rounded(eff.get((k, c.code, year)), c.decimals) for c in columns),
                         workflow=_child_state(db, k, year, *below[k])) for k in kids]

    # the trend table and charts start at the first year the region has any value
    shown = [y for y in years if any((region, c, y) in eff for c in cat)]
    years = years[years.index(shown[0]):] if shown else [year]
    series = []
    for code in KEY_INDICATORS:
        if code not in cat or not cat[code].applies_to(reg.level):
            continue
        ind = cat[code]
        pts = tuple((y, rounded(eff[(region, code, y)], ind.decimals)) for y in years if (region, code, y) in eff)
        level = next((t for t in by_indicator.get(code, []) if t.comparator in (">=", "<=")), None)
        series.append(Series(code, ind.name_zh, ind.unit_zh, ind.decimals, pts,
                             level.target if level else None, level.target_year if level else None,
                             level.comparator if level else None, kind=ind.kind))

    from app.services.report import front

    name, phone = office_of(db, reg)
    people = front.people_of(db, region, year)
    fp_doc = fp.document(db, region, year, covered, values=detail)
    return Report(
        region=region, region_name=reg.name_zh, level=reg.level, year=year,
        generated_at=generated_at or datetime.now().astimezone(),
        office=clean_text(office) or name, contact=clean_text(contact) or phone,
        recipient=_recipient(db, reg), deadline=_deadline(db, year),
        workflow=state_text(doc.status, doc.final), status=doc.status, final=doc.final, reasons=list(doc.reasons),
        open_items=open_items if not doc.final else [],
        fingerprint=fp.digest(fp_doc), fingerprint_parts={k: v for k, v in fp_doc.items() if k != "values"},
        ledger_fingerprint=ledger_fingerprint(ledger_rows(db, covered, year)),
        catalogue_version=meta_get(db, "catalogue_version", "") or "",
        app_version=__version__, indicators=rows, targets=targets, findings=findings, child_columns=columns,
        children=children, series=series, years=years, detail=detail, regions=covered,
        key_fingerprint=key_fingerprint or "", phone=clean_text(meta_get(db, "office_phone")),
        form_marks=front.form_marks(db), preparer=people.preparer, reviewer=people.reviewer,
        approver=people.approver, approved_at=people.approved_at, definitions=front.definitions(cat, reg.level),
        high_value=front.high_value_net(eff, region, year), guideline_loaded=front.guideline_loaded(db, year))


def _change(eff, region: str, code: str, year: int) -> Decimal | None:
    """Per-cent change of ``code`` over the previous year, rounded to 0.1 (None without both)."""
    prev, cur = eff.get((region, code, year - 1)), eff.get((region, code, year))
    if prev is None or cur is None or prev <= 0:
        return None
    return rounded((cur / prev - 1) * 100, 1)


def _child_state(db, code: str, year: int, status: str | None = None, fs=None) -> str:
    """A subordinate's state in the children table: 已审批 only when its own document would be final.
    ``status`` and ``fs`` (its own document's findings) when the caller has them (:func:`_findings`)."""
    from app.models.review import document_state
    from app.models.states import region_year_status

    status = status or region_year_status(db, code, year)
    if status not in LOCKED_STATES:
        return WORKFLOW_ZH.get(status, status)
    doc = document_state(db, code, year, fs, status=status)
    return state_text(doc.status, doc.final)


def _findings(db, region: str, year: int, kids: list[str], scope: str):
    """The findings the document prints (``region`` with ``kids``, or alone without) and, per
    subordinate, ``(status, findings of its own document)`` for :func:`_child_state`.

    A subordinate whose region-year is locked prints 已审批 only if its own document would be final,
    which takes its findings with its own subordinates. Those come from one check of the whole
    subtree, cut to each document's regions, instead of one check per subordinate (the checks of a
    region do not depend on which other regions are reported on: the same data window is loaded)."""
    from app.models.catalogue import children as child_codes
    from app.models.findings import Findings
    from app.models.findings import findings as load_findings
    from app.models.states import region_year_status

    statuses = {k: region_year_status(db, k, year) for k in kids}
    locked = [k for k in kids if statuses[k] in LOCKED_STATES]
    if not locked:
        fs = load_findings(db, region, year, below=scope)
        return fs, {k: (statuses[k], None) for k in kids}
    every = load_findings(db, region, year, below="all")
    by_region: dict[str, list] = {}
    for f in every.items:
        by_region.setdefault(f.region, []).append(f)

    def cut(code: str, wanted: list[str]) -> Findings:
        return Findings(code, year, "children", wanted, [f for r in wanted for f in by_region.get(r, [])])

    below = {k: (statuses[k], cut(k, [k] + child_codes(db, k, year)) if k in locked else None) for k in kids}
    return cut(region, [region] + kids), below


# ---------------------------------------------------------------- the use case

def check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled("export_cancelled")
