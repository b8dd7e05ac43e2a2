"""Reference data shipped in ``resources/``: the indicator catalogue, target packs, regions.

Loaded into a new store on creation; each loader can run again to update a store::

    load_indicators(db)                      # resources/catalogue/indicators.csv
    import_pack(db, "guideline-2024.csv")    # a new year's targets, no code change
    import_regions(db, "divisions-2025.csv") # this year's division changes
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from .store_basics import bump_reference, meta_set, now_iso, transaction
from .errors import InputError
from .messages import register
from .region_tree import row_fields, tree, tree_row

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources"
CATALOGUE_VERSION = "2022.1"
LEVELS = ("nation", "province", "prefecture", "county", "unit")
COMPARATORS = ("<=", ">=", "growth>=", "increase", "reported")

# what a field must be, in Chinese (the English as the code raises it)
WHY_ZH = {"letters/digits, at most 20": "应为字母或数字，最多 20 个", "number": "应为数字", "1990–2100": "应为 1990–2100 年",
          "MM-DD": "应为“月-日”，如 12-15", "a number > 0, empty or off": "应为大于 0 的数、off 或留空",
          "sum, last or empty": "应为 sum（逐期相加）、last（取期末）或留空",
          "national/each_region/region": "应为 national（全国）、each_region（各地区）或 region（本地区）",
          "<= >= growth>= increase reported": "应为 <=（不高于）、>=（不低于）、growth>=（增长不低于）、increase（高于上年）"
                                              "或 reported（须填报）",
          "/".join(LEVELS):
              "应为 nation（全国）、province（省级）、prefecture（地市级）、county（县级）或 unit（单位）"}


def bad_field(text, column: str, why: str, **where) -> InputError:
    """A CSV field (or an argument) that is not what it must be: ``why`` in English, its Chinese
    from :data:`WHY_ZH` (``required for >=`` → 比较方式为 >= 时必填)."""
    why_zh = WHY_ZH.get(why) or (f"比较方式为 {why[13:]} 时必填" if why.startswith("required for ") else why)
    return InputError("csv_bad_field", text=text, params={"column": column, "why": why, "why_zh": why_zh}, **where)


register({
    "csv_missing_columns": ("missing column(s): {columns}", "缺少列：{columns}"),
    "csv_bad_field": ("column {column}: {text!r} is not valid ({why})", "列 {column}：“{text}”无效（{why_zh}）"),
    "csv_unknown_indicator": ("unknown indicator code {text!r}", "未知指标代码“{text}”"),
    "csv_unknown_region": ("unknown region code {text!r}", "未知地区代码“{text}”"),
    "csv_unreadable": ("cannot read the file: {why}", "无法读取文件：{why}"),
})


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


def _read_csv(path: Path, required: set[str]) -> list[dict]:
    import csv      # (here and json below: reading reference files is rare; the window's start is not)

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = {(name or "").strip() for name in (reader.fieldnames or [])}
            rows = [{(k or "").strip(): (v if isinstance(v, str) else "") for k, v in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError("csv_unreadable", file=str(path), params={"why": str(exc)}) from exc
    missing = required - fields
    if missing:
        raise InputError("csv_missing_columns", file=str(path), params={"columns": ", ".join(sorted(missing))})
    return rows


# ---------------------------------------------------------------- indicators

def load_indicators(db, path: Path | None = None) -> int:
    path = path or resource("catalogue", "indicators.csv")
    cols = {"code", "name_zh", "name_en", "unit_zh", "unit_en", "kind", "decimals", "direction",
            "aggregate", "formula", "levels", "frequency", "note"}
    rows = _read_csv(path, cols)
    with transaction(db):
        for pos, r in enumerate(rows):
            rec = {k: (r[k] or None) if k in ("formula", "note") else r[k] for k in cols}
            rec["decimals"] = int(r["decimals"])
            rec["position"] = pos
            # derived indicators are computed, so never "required" to be typed
            rec["required"] = 0 if rec["formula"] else 1
            names = ", ".join(rec)
            db.execute(f"insert into indicators({names}) values ({', '.join('?' * len(rec))})"
                       f" on conflict(code) do update set {', '.join(f'{k}=excluded.{k}' for k in rec if k != 'code')}",
                       list(rec.values()))
        meta_set(db, "catalogue_version", CATALOGUE_VERSION)
        bump_reference(db)
    return len(rows)


# ---------------------------------------------------------------- regions

def import_regions(db, path: Path, *, source: str | None = None, audited: bool = True) -> int:
    """Insert or update regions from a CSV ``code,parent,level,name_zh,name_en,valid_from,valid_to``.

    Parents may appear later in the file; the whole file is one transaction. Each region whose place in
    the tree changes is audited (``region_tree``, :func:`record_tree`) — the bundled tree of a new store
    (``audited=False``) is not: the audit's replay starts from it (:func:`app.models.region_tree.bundled_tree`).
    """
    path = Path(path)
    rows = _read_csv(path, {"code", "parent", "level", "name_zh"})
    known = {r[0] for r in db.execute("select code from regions")}
    codes = {r["code"].strip() for r in rows}
    for i, r in enumerate(rows, start=2):
        code = r["code"].strip()
        if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
            raise bad_field(code, "code", "letters/digits, at most 20", file=str(path), cell=f"row {i}")
        if r["level"] not in LEVELS:
            raise bad_field(r["level"], "level", "/".join(LEVELS), file=str(path), cell=f"row {i}")
        parent = (r.get("parent") or "").strip()
        if parent and parent not in known and parent not in codes:
            raise InputError("csv_unknown_region", file=str(path), cell=f"row {i}", text=parent)
    src = source or path.name
    before = tree(db) if audited else {}
    with transaction(db):
        # parents first: sort by level depth so foreign keys hold at every insert
        for r in sorted(rows, key=lambda r: LEVELS.index(r["level"])):
            db.execute(
                "insert into regions(code, parent, level, name_zh, name_en, valid_from, valid_to, source)"
                " values (?,?,?,?,?,?,?,?) on conflict(code) do update set parent=excluded.parent,"
                " level=excluded.level, name_zh=excluded.name_zh, name_en=excluded.name_en,"
                " valid_from=excluded.valid_from, valid_to=excluded.valid_to, source=excluded.source",
                [r["code"].strip(), (f := row_fields(r))["parent"], f["level"], r["name_zh"].strip(),
                 (r.get("name_en") or "").strip(), f["valid_from"], f["valid_to"], src])
        if audited:
            record_tree(db, before, why=path.name)
        bump_reference(db)
    return len(rows)


def record_tree(db, before: dict, *, why: str, who: str | None = None) -> int:
    """Audit (:func:`tree_row`) each region whose place in the tree differs from ``before``, inside the
    caller's transaction; returns how many."""
    from .audit import append, current_user

    after, who = tree(db), who or current_user()
    rows = [tree_row(who, code, before.get(code), after.get(code), why)
            for code in sorted(set(before) | set(after)) if before.get(code) != after.get(code)]
    if rows:
        append(db, rows)
    return len(rows)


def load_regions(db) -> int:
    import json

    meta = json.loads(resource("regions", "meta.json").read_text(encoding="utf-8"))
    n = import_regions(db, resource("regions", "regions.csv"), source=meta.get("version", "bundled"), audited=False)
    meta_set(db, "regions_version", meta.get("version", ""))
    meta_set(db, "regions_snapshot", meta.get("snapshot", ""))
    return n


# ---------------------------------------------------------------- target packs

def _decimal_or_none(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    return format(Decimal(text).normalize(), "f")


def import_pack(db, path: Path, *, source: str | None = None, audited: bool = True) -> int:
    """Insert or replace the target packs found in ``path`` (CSV with targets.csv's columns).

    Rows are validated first (unknown indicator, bad comparator or year, missing value):
    any problem names file, row and column and nothing is written. Each pack replaced is audited
    (``target_import``: the pack, how many targets, the file's SHA-256) — but the bundled pack of a new
    store (``audited=False``), like the catalogue.
    """
    path = Path(path)
    cols = {"pack", "document_zh", "document_en", "doc_no", "issued", "clause", "clause_text",
            "indicator", "scope", "year", "comparator", "value", "nature", "verified"}
    rows = _read_csv(path, cols)
    indicators = {r[0] for r in db.execute("select code from indicators")}
    regions = None
    prepared = []
    for i, r in enumerate(rows, start=2):
        where = {"file": str(path), "cell": f"row {i}"}
        if r["indicator"] not in indicators:
            raise InputError("csv_unknown_indicator", text=r["indicator"], **where)
        if r["comparator"] not in COMPARATORS:
            raise bad_field(r["comparator"], "comparator", " ".join(COMPARATORS), **where)
        try:
            year = int(r["year"])
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise bad_field(r["year"], "year", "1990–2100", **where) from None
        try:
            value = _decimal_or_none(r["value"])
        except InvalidOperation:
            raise bad_field(r["value"], "value", "number", **where) from None
        if value is None and r["comparator"] in ("<=", ">=", "growth>="):
            raise bad_field("", "value", "required for " + r["comparator"], **where)
        scope = r["scope"]
        region = (r.get("region") or "").strip() or None
        if scope not in ("national", "each_region", "region"):
            raise bad_field(scope, "scope", "national/each_region/region", **where)
        if scope == "region":
            if regions is None:
                regions = {x[0] for x in db.execute("select code from regions")}
            if region not in regions:
                raise InputError("csv_unknown_region", text=region or "", **where)
        issued_year = int((r["issued"] or str(year))[:4])
        from_year = year if r["nature"] == "annual" else min(issued_year, year)
        prepared.append((r, year, from_year, value, region))
    with transaction(db):
        for pack in sorted({r["pack"] for r in rows}):
            db.execute("delete from targets where pack = ?", [pack])
        for r, year, from_year, value, region in prepared:
            db.execute(
                "insert into target_packs(pack, document_zh, document_en, doc_no, issued, source)"
                " values (?,?,?,?,?,?) on conflict(pack) do update set document_zh=excluded.document_zh,"
                " document_en=excluded.document_en, doc_no=excluded.doc_no, issued=excluded.issued",
                [r["pack"], r["document_zh"], r["document_en"], r["doc_no"], r["issued"], source or path.name])
            db.execute(
                "insert into targets(pack, indicator, scope, region, include_children, year, from_year, comparator,"
                " value, clause, clause_text, nature, verified) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [r["pack"], r["indicator"], r["scope"], region, int(r.get("include_children") or 1), year, from_year,
                 r["comparator"], value, r["clause"], r["clause_text"], r["nature"], r["verified"]])
        if audited:                  # which packs were replaced, from which file (its SHA-256), how many targets
            import hashlib

            from .audit import append, current_user

            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            append(db, [(current_user(), "target_import", None, None, None, None,
                         f"{pack} {sum(r['pack'] == pack for r, *_ in prepared)} targets sha256:{digest[:16]}",
                         path.name) for pack in sorted({r["pack"] for r in rows})])
        bump_reference(db)
    return len(prepared)


def load_all(db) -> None:
    """Fill a new store with everything bundled in ``resources/``."""
    load_indicators(db)
    load_regions(db)
    import_pack(db, resource("targets", "national.csv"), source="bundled", audited=False)
    __import__("app.models.tasks", fromlist=["load_bundled"]).load_bundled(db)   # resources/tasks (issue 15)
    meta_set(db, "created_at", now_iso())
