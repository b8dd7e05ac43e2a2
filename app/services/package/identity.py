"""This office: the id its packages are signed for and the name its documents print.

Apart from :mod:`app.services.package.write` (which re-exports it) because the questions about
a package (:mod:`app.services.package.queries`) need it too, and ``write`` needs the questions'
answers: the two modules imported each other.
"""
from __future__ import annotations


def office_identity(db, region: str | None = None) -> tuple[str, str]:
    """``(office_id, office_name)``: meta ``office_id`` / ``home_region`` / the region exported,
    and the name the reports print (meta ``office_name`` or 〈region〉知识产权局)."""
    from app.models.catalogue import region as get_region
    from app.models.db import meta_get
    from app.models.errors import NotFoundError

    from app.services.report.data import office_of

    office_id = meta_get(db, "office_id") or meta_get(db, "home_region") or region or ""
    try:
        reg = get_region(db, meta_get(db, "home_region") or office_id or region)
        name = office_of(db, reg)[0]
    except NotFoundError:
        name = meta_get(db, "office_name") or office_id
    return office_id, name


def save_identity(db, office_id: str | None = None, name: str | None = None) -> None:
    """Set this office's id (the code packages are signed for) and/or name."""
    from app.models.db import meta_set, transaction

    from app.services.report.data import clean_text

    with transaction(db):
        if office_id:
            meta_set(db, "office_id", clean_text(office_id))
        if name:
            meta_set(db, "office_name", clean_text(name))
