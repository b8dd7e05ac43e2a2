"""The region-year workflow states, light enough for the window's first paint.

>>> STATUS_ZH["submitted"], "approved" in LOCKED_STATES
('已报送', True)
"""
from __future__ import annotations

STATES = ("draft", "complete", "submitted", "approved", "locked")
LOCKED_STATES = ("approved", "locked")
STATUS_ZH = {"draft": "草稿", "complete": "已完成", "submitted": "已报送", "approved": "已审批", "locked": "已锁定"}


def status_label(status: str, lang: str = "zh") -> str:
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def region_year_status(db, region: str, year: int) -> str:
    """``draft`` unless the region-year has moved on."""
    row = db.execute("select status from region_years where region = ? and year = ?", [region, year]).fetchone()
    return row[0] if row else "draft"
