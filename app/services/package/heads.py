"""Does a sender's audit history continue the one its last package showed here? (the receive dry run's notes)"""
from __future__ import annotations

import json

from app.models.errors import IpdeskError

from app.services.package.format import PackageError


def head_notes(db, pkg) -> list[IpdeskError]:
    """Does the sender's audit history continue the one its last package here showed? The receiver cannot
    replay the sender's chain; it can hold the sender to what it signed: the rows never fewer, and the
    package naming as its previous head the head this office holds (or a later one, when a package sent
    in between did not come here). A mismatch is reported (the dry run, the window) — evidence for an
    auditor who compares the heads held here with the sender's store (``audit.extends``)."""
    from app.services.package.binding import head_of

    a = pkg.archive
    new = head_of(pkg.manifest)
    prev = pkg.manifest.get("previous_head")
    prev = (prev["hash"], prev["rows"]) if isinstance(prev, dict) and isinstance(prev.get("hash"), str) \
        and isinstance(prev.get("rows"), int) else None
    held = None
    for (text,) in db.execute("select manifest from packages_received where sender_id = ? and hash <> ?"
                              " order by received_at desc, rowid desc", [a.sender_id, a.hash]):
        try:
            held = head_of(json.loads(text))
        except ValueError:
            held = None
        if held:
            break
    office = f"{a.sender_id} {a.sender_name}".strip()
    if new is None:
        return [PackageError("pkg_head_missing", file=a.file, params={"office": office})]
    if held is None:
        return []
    shown = {"office": office, "held": f"{held[0][:16]}（{held[1]:,}）", "new": f"{new[0][:16]}（{new[1]:,}）",
             "prev": f"{prev[0][:16]}（{prev[1]:,}）" if prev else "—"}
    if new[1] < held[1] or (new[1] == held[1] and new[0] != held[0]):
        return [PackageError("pkg_head_shorter", file=a.file, params=shown)]
    if prev == held or new == held:
        return []
    if prev is not None and prev[1] > held[1]:
        return [PackageError("pkg_head_skipped", file=a.file, params=shown)]
    return [PackageError("pkg_head_diverged", file=a.file, params=shown)]
