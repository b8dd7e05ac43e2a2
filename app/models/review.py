"""The review rules of a region-year: what may happen to it, and what a document may say of it.

Every screen, verb and document asks here; none re-derives a rule.

>>> doc = document_state(db, "320000", 2024)
>>> doc.status, doc.final
('draft', False)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Findings, findings as load_findings
from .states import LOCKED_STATES, region_year_status


@dataclass
class DocumentState:
    """What a document made now may print about a region-year.

    ``status`` is the workflow state at export. ``final`` is True only for an approved
    (or locked) region-year with nothing unresolved in what the document covers (no
    blocking finding, every explain-level finding explained); a document that is not
    ``final`` is marked 草稿 (not for submission) on every page, and ``reasons`` says why
    in words (Chinese, no catalogue codes).
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
    if status not in LOCKED_STATES:
        reasons.append("尚未审批")
    if open_:
        c = fs.counts(everywhere=True)
        if c["blocking"]:
            reasons.append(f"{c['blocking']} 个阻断性问题未修正")
        if c["unexplained"]:
            reasons.append(f"{c['unexplained']} 个需说明问题未说明")
    return DocumentState(status, status in LOCKED_STATES and not open_, len(open_), reasons)
