"""The reporting office as the documents name it: its name, contact and form settings, its deadline,
and whom it reports to."""
from __future__ import annotations

from datetime import date

from app.models.errors import IpdeskError
from app.services.report.numbers import clean_text

DEFAULT_DEADLINE = "12-15"


def office_of(db, region) -> tuple[str, str]:
    """The reporting office's name and contact: ``meta`` keys office_name/office_contact, or a
    name derived from the region (江苏省 → 江苏省知识产权局)."""
    from app.models.db import meta_get

    default = "国家知识产权局" if region.level == "nation" else f"{region.name_zh}知识产权局"
    return meta_get(db, "office_name") or default, meta_get(db, "office_contact") or ""


def save_office(db, name: str | None = None, contact: str | None = None, **settings: str | None) -> None:
    """Remember the office name / contact (and ``phone``, ``form_no``, ``form_authority``,
    ``form_approval_no``, ``form_valid_until``) for later reports, in one transaction."""
    from app.models.db import meta_set, transaction
    from app.services.report.front import OFFICE_SETTINGS

    values = {"office_name": name, "office_contact": contact}
    for key, value in settings.items():
        meta = key if key in OFFICE_SETTINGS else f"office_{key}"
        if meta not in OFFICE_SETTINGS:
            raise ValueError(f"unknown office setting {key!r}")
        values[meta] = value
    with transaction(db):
        for meta, value in values.items():
            if value is not None:
                meta_set(db, meta, clean_text(value))


def _deadline(db, year: int) -> date:
    from app.models.db import meta_get

    text = meta_get(db, "deadline", DEFAULT_DEADLINE) or DEFAULT_DEADLINE
    try:
        month, day = (int(x) for x in text.split("-"))
        return date(year, month, day)
    except ValueError:
        month, day = (int(x) for x in DEFAULT_DEADLINE.split("-"))
        return date(year, month, day)


def _recipient(db, region) -> str:
    from app.models.catalogue import region as get_region

    if region.level == "nation":
        return ""
    if region.level == "province" or not region.parent:
        return "国家知识产权局知识产权运用促进司"
    try:
        parent = get_region(db, region.parent)
    except IpdeskError:
        return ""
    return "国家知识产权局" if parent.level == "nation" else f"{parent.name_zh}知识产权局"


