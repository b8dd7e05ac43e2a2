"""What an import would do, and did: the rows of a file resolved and compared with the store.

The types live apart from :mod:`app.services.sheets.importer` (which fills them) so that the
reader of files (:mod:`app.services.sheets.resolve`) can name them without importing the importer
back — that made a cycle (importer → template → resolve → importer).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from app.models.errors import InputError

STATUSES = ("new", "changed", "unchanged")


class Row(NamedTuple):
    """One value of the file, resolved and compared with the store (a tuple: an import makes 100,000)."""

    region: str
    indicator: str
    period: str
    value: str                 # canonical decimal string
    note: str | None           # None: keep the stored note
    old: str | None            # stored value; None when new
    old_note: str | None
    status: str                # new | changed | unchanged
    sheet: str | None
    row: int                   # 1-based row in the sheet (CSV: record number, header = 1)
    # so that a Row is itself a values.Change for write_values (an import sets no source or package)
    source = None
    package = None


make_row = partial(tuple.__new__, Row)      # a Row from a 10-tuple, without a Python-level __new__


@dataclass
class ImportPlan:
    path: Path
    kind: str                                   # "template" | "long"
    rows: list[Row] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    skipped: int = 0                            # empty value cells
    problem_count: int = 0                      # all problems, including those not listed
    template: dict | None = None                # the template's _meta, for a template

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for r in self.rows:
            out[r.status] += 1
        out["skipped"] = self.skipped
        return out

    def changes(self) -> list[Row]:
        return [r for r in self.rows if r.status != "unchanged"]

    def to_dict(self, *, all_rows: bool = False) -> dict:
        return {"file": self.path.name, "kind": self.kind, "ok": self.ok, "counts": self.counts(),
                "template": self.template, "problem_count": self.problem_count,
                "problems": [p.to_dict() for p in self.problems], "warnings": [w.to_dict() for w in self.warnings],
                "rows": [r._asdict() for r in (self.rows if all_rows else self.changes())]}


@dataclass
class ImportResult:
    plan: ImportPlan
    written: int = 0
    unchanged: int = 0
    applied: bool = False
