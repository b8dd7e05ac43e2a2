"""What a statistical form carries besides its figures, read from the store for the documents:
form marks, the people who prepared, checked and approved it, the one date of the copy, the
填报说明 (each indicator's source and 口径), the net high-value count, and whether the year's
guideline is loaded.

>>> marks = form_marks(db)
>>> [label for label, _ in marks]
['表号', '制定机关', '批准文号', '有效期至']
>>> people_of(db, "320000", 2022).approver, people_of(db, "320000", 2022).approved_at is not None
('demo-head', True)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


# office settings (meta keys) printed on the cover; blank lines when unset
FORM_MARKS = (("form_no", "表号"), ("form_authority", "制定机关"), ("form_approval_no", "批准文号"),
              ("form_valid_until", "有效期至"))
OFFICE_SETTINGS = ("office_name", "office_contact", "office_phone") + tuple(k for k, _ in FORM_MARKS)
WRITE_ACTIONS = ("import", "edit", "write", "explain", "receive", "aggregate")   # audit actions that write values/notes


@dataclass(frozen=True)
class People:
    preparer: str = ""              # who wrote the region-year's values and explanations (most rows first)
    reviewer: str = ""              # who marked it complete / submitted it (the last to do so)
    approver: str = ""              # who approved it (the last approval)
    approved_at: date | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str
    source: str                     # 数据来源
    scope: str                      # 统计口径


@dataclass(frozen=True)
class HighValueNet:
    """高价值发明专利拥有量 (gross) − 应扣除的非正常申请相关专利 = net (the count behind the per-10k figure)."""
    gross: Decimal
    deducted: Decimal
    net: Decimal


def form_marks(db) -> list[tuple[str, str]]:
    """``[(label, value)]`` for 表号 / 制定机关 / 批准文号 / 有效期至 ('' when not set)."""
    from app.models.store_basics import meta_get

    return [(label, (meta_get(db, key) or "").strip()) for key, label in FORM_MARKS]


def _local_date(at: str) -> date:
    return datetime.fromisoformat(at).astimezone().date()


def people_of(db, region: str, year: int) -> People:
    """Names and the approval date from the audit trail of the region-year."""
    period_like = f"{int(year)}%"
    writers = db.execute(
        f"select who, count(*) from audit where region = ? and period like ? and action in "
        f"({','.join('?' * len(WRITE_ACTIONS))}) group by who order by count(*) desc, max(id) desc",
        [region, period_like, *WRITE_ACTIONS]).fetchall()
    status = db.execute("select who, new, at from audit where region = ? and period = ? and action = 'status' "
                        "order by id", [region, str(int(year))]).fetchall()
    reviewer = next((who for who, new, _at in reversed(status) if new in ("complete", "submitted")), "")
    approval = next(((who, at) for who, new, at in reversed(status) if new == "approved"), None)
    # an approval undone later (unlock back to draft) does not count
    if approval is not None and status[-1][1] not in ("approved", "locked"):
        approval = None
    return People(preparer="、".join(w for w, _n in writers[:2]), reviewer=reviewer,
                  approver=approval[0] if approval else "",
                  approved_at=_local_date(approval[1]) if approval else None)


def definitions(catalogue, level: str) -> list[Definition]:
    """Each indicator shown for ``level`` with its Chinese source and 口径 (resources/catalogue/definitions_zh.csv)."""
    from app.models.catalogue import definitions_zh

    rows = definitions_zh()
    out = []
    for code, ind in catalogue.items():
        if not ind.applies_to(level):
            continue
        source, definition = rows.get(code, ("", ""))
        out.append(Definition(code, ind.name_zh, ind.unit_zh, source or "—", definition or "—"))
    return out


def high_value_net(eff: dict, region: str, year: int) -> HighValueNet | None:
    gross, deducted = eff.get((region, "HV_PATENTS", year)), eff.get((region, "HV_PATENTS_ABNORMAL", year))
    if gross is None or deducted is None:
        return None
    return HighValueNet(gross, deducted, gross - deducted)


def guideline_loaded(db, year: int) -> bool:
    """True when an annual guideline pack with targets for ``year`` is loaded (and active)."""
    row = db.execute("select count(*) from targets t join target_packs p on p.pack = t.pack "
                     "where p.active = 1 and t.nature = 'annual' and t.year = ? and t.scope != 'region'",
                     [int(year)]).fetchone()
    return bool(row[0])
