"""The regions' tree as the audit sees it: code -> parent, level and validity (what a key's scope — a region
and the regions below it — and a year's regions rest on; the names are not part of it).

A new store's tree is the bundled ``resources/regions/regions.csv``, loaded without audit rows (like the
catalogue); every later change — a division file imported, a unit added, a region a package brings, the
differences an upgrade found — is a ``region_tree`` row (:func:`tree_row`), and
:func:`app.models.audit_registers.replay_tree` replays them over :func:`bundled_tree`. So a changed
bundled file must reach existing stores through the audited import.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent.parent / "resources" / "regions" / "regions.csv"
TREE_FIELDS = ("parent", "level", "valid_from", "valid_to")


def tree(db) -> dict[str, dict]:
    """The tree as the store holds it."""
    return {code: dict(zip(TREE_FIELDS, rest)) for code, *rest in db.execute(
        f"select code, {', '.join(TREE_FIELDS)} from regions")}


def row_fields(r: dict) -> dict:
    """A region CSV row's place in the tree, as :func:`app.models.reference.import_regions` stores it."""
    return {"parent": (r.get("parent") or "").strip() or None, "level": r["level"],
            "valid_from": r.get("valid_from") or None, "valid_to": r.get("valid_to") or None}


def bundled_tree() -> dict[str, dict]:
    """The tree of the bundled file, as a new store holds it."""
    with open(BUNDLED, encoding="utf-8-sig", newline="") as f:
        return {r["code"].strip(): row_fields(r) for r in csv.DictReader(f)}


def tree_row(who: str, code: str, old: dict | None, new: dict | None, why: str) -> tuple:
    """The ``region_tree`` audit row of one region's place in the tree (old and new fields as JSON)."""
    def enc(d):
        return None if d is None else json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return who, "region_tree", code, None, None, enc(old), enc(new), why
