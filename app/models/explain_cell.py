"""One explanation for one cell: a figure that trips several explain-level rules (the change band and
the outlier rule, typically) is explained once.

>>> explain_cell(db, "320800", 2024, "PATENT_TRANSFERS", "2024", "a one-off sale of a patent portfolio")  # doctest: +SKIP
['outlier', 'yoy']

Every unexplained explain-level finding of the cell gets the text (one :func:`review.explain` call
per finding, audited each), all in one transaction: either every finding is explained or none is.
When all of them are explained already, the text replaces every one (the clerk edited it).
"""
from __future__ import annotations

from .store_basics import transaction


def cell_findings(db, region: str, year: int, indicator: str, period: str, fs=None) -> list:
    """The explain-level findings of one cell (region, indicator, period) now."""
    from .findings import findings

    fs = fs if fs is not None else findings(db, region, int(year))
    return [f for f in fs.at(region, indicator, period) if f.severity == "explain"]


def explain_cell(db, region: str, year: int, indicator: str, period: str, text: str, *, who: str | None = None,
                 fs=None) -> list[str]:
    """Store ``text`` for the cell's unexplained explain-level findings (for all of them when every one
    has an explanation already); returns the rules explained. Refusals (an approved year, an empty
    text) are review.explain's, raised before anything is written."""
    from . import review

    found = cell_findings(db, region, year, indicator, period, fs)
    todo = [f for f in found if not f.explanation] or found
    with transaction(db):
        for f in todo:
            review.explain(db, region, int(year), f.rule, indicator, text, period=period, who=who)
    return [f.rule for f in todo]
