"""The data fingerprint printed on every page of the paper copy and stored in the electronic one.

It is SHA-256 over a canonical JSON of everything the submission documents show, read
straight from the store, so the same store content always gives the same fingerprint and
any change of a shown value, note, explanation or applicable target gives another::

    fp = fingerprint(db, "320000", 2022)          # 64 hex digits
    short(fp)                                     # 'a1b2-c3d4-e5f6-0789' (on each page)

What is covered (``regions`` defaults to the region and its subordinate regions valid in
``year``):

- every annual value of those regions from ``year - WINDOW_YEARS + 1`` to ``year``:
  ``[region, indicator, period, canonical value, note]`` — the trend charts, tables and
  the ``明细`` sheet show exactly these;
- the explanations written for those regions in ``year``;
- the active targets that apply to the region in ``year`` (a changed target changes the
  status the documents print);
- the catalogue version (units and decimals of the printed figures).

It is a pure function of store content: no clock, no path, no office name. The payload is
``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded as
UTF-8, so another program can recompute it (:func:`payload` returns it).
"""
from __future__ import annotations

import hashlib
import json

WINDOW_YEARS = 9   # the documents show this many years, ending with the report year
FORMAT = 1         # bump when the payload's layout changes


def covered_regions(db, region: str, year: int) -> list[str]:
    """The region itself first, then its subordinate regions valid in ``year`` (code order)."""
    from app.models.catalogue import children
    from app.models.catalogue import region as get_region

    get_region(db, region)  # raises NotFoundError for an unknown code
    return [region] + children(db, region, year)


def value_rows(db, regions: list[str], year: int) -> list[list]:
    """``[region, indicator, period, canonical value, note]`` of the covered annual values, sorted.

    These are also the rows of the XLSX ``明细`` sheet.
    """
    from app.models.values import stored_values

    found = stored_values(db, regions, year - WINDOW_YEARS + 1, year, annual_only=True)
    return [[r, i, p, value, note] for (r, i, p), (value, note) in sorted(found.items())]


def _explanations(db, regions: list[str], year: int) -> list[list]:
    keep = set(regions)
    rows = db.execute("select rule, region, indicator, period, text from explanations"
                      " where substr(period, 1, 4) = ?", [str(year)]).fetchall()
    return sorted([list(r) for r in rows if r[1] in keep])


def _targets(db, region: str, year: int) -> list[list]:
    from app.models.targets import TargetSet

    raw = dict(db.execute("select id, value from targets").fetchall())   # the stored text, not a float
    out = []
    for t in TargetSet.load(db).applicable(region, year):
        out.append([t.pack, t.indicator, t.scope, t.region, t.comparator, raw.get(t.id), t.year, t.from_year, t.clause])
    return sorted(out, key=lambda r: [("" if v is None else str(v)) for v in r])


def document(db, region: str, year: int, regions: list[str] | None = None, *,
             values: list[list] | None = None) -> dict:
    """What :func:`payload` serialises. ``values``: :func:`value_rows` of the same regions and year
    when the caller has read them already (the report model has: its 明细 rows), so they are read once."""
    from app.models.db import meta_get

    regions = list(dict.fromkeys(regions)) if regions is not None else covered_regions(db, region, year)
    return {
        "format": FORMAT,
        "region": region,
        "year": int(year),
        "regions": sorted(regions),
        "window": [int(year) - WINDOW_YEARS + 1, int(year)],
        "catalogue": meta_get(db, "catalogue_version", ""),
        "values": value_rows(db, regions, year) if values is None else values,
        "explanations": _explanations(db, regions, year),
        "targets": _targets(db, region, year),
    }


def encode(doc: dict) -> bytes:
    """The canonical UTF-8 JSON of a :func:`document`."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def payload(db, region: str, year: int, regions: list[str] | None = None) -> bytes:
    """The canonical UTF-8 JSON that :func:`fingerprint` hashes."""
    return encode(document(db, region, year, regions))


def fingerprint(db, region: str, year: int, regions: list[str] | None = None) -> str:
    """SHA-256 (hex) of :func:`payload` — deterministic, changes with any shown value."""
    return hashlib.sha256(payload(db, region, year, regions)).hexdigest()


def digest(doc: dict) -> str:
    """SHA-256 (hex) of a :func:`document` — the same as :func:`fingerprint` of the same store content."""
    return hashlib.sha256(encode(doc)).hexdigest()


def short(fp: str) -> str:
    """The printed short form: the first 16 hex digits in groups of four.

    >>> short("0123456789abcdef" * 4)
    '0123-4567-89ab-cdef'
    """
    s = fp[:16]
    return "-".join(s[i:i + 4] for i in range(0, 16, 4))
