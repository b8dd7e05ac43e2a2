"""Questions back down (查询与订正): the receiver asks about values of a package, the sender answers.

    # the province, about a city's package it received
    q = create_query(db, "3f2a9c…", [Question("INV_GRANTS", "2024", "为何增长 40%？", rule="yoy")], "E:/")
    # -> E:/320100_2024_v2_q1.ipdq, a small signed file; the package is now 'returned'

    # the city
    import_queries(db, "E:/320100_2024_v2_q1.ipdq")          # questions stored beside their values
    answer(db, q.ids[0], "统计口径调整，已订正", value="41000")  # audited; the value goes through set_text
    export_package(db, "320100", 2024, "E:/")                   # v3 carries the answers

    # the province receives v3: questions(db, direction="out") show the answers

A query file is an archive of the same kind as a package (:mod:`app.services.package.format`)
holding ``query.json``; it is signed by the asking office's key, and the answering office
imports it only from a trusted key and only about a package it sent itself.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.models.errors import InputError, NotFoundError
from app.models.messages import register

from app.services.package.format import PackageError, read_archive, safe_stem, seal, short_hash

register({
    "query_unknown_package": ("no received package matches {text}", "没有与 {text} 匹配的已接收数据包"),
    "query_ambiguous": ("{text} matches {n} packages: give more digits", "{text} 匹配 {n} 个数据包，请多输入几位"),
    "query_empty": ("ask at least one question", "请至少提出一个问题"),
    "query_outside": ("{text} is not in the package (regions {regions}, year {year})",
                      "{text} 不在该数据包内（地区 {regions}，年度 {year}）"),
    "query_not_ours": ("these questions are about package {text}, which this office did not send",
                       "这些问题针对数据包 {text}，但该数据包不是本单位发出的"),
    "query_untrusted": ("the asking office's key {text} ({office}) is not trusted here: confirm it by phone, then "
                        "trust it (in the window: confirm when asked; on the command line: ipdesk trust add FILE)",
                        "提问单位密钥 {text}（{office}）尚未受信任：请电话核对指纹后再信任（窗口中按提示确认，"
                        "命令行执行 ipdesk trust add 文件）"),
    "query_unknown": ("no question {text}", "没有编号为 {text} 的问题"),
    "query_not_ours_to_answer": ("question {text} was asked by this office; the other office answers it",
                                 "问题 {text} 是本单位提出的，应由对方回答"),
})

QUERY_SCHEMA = 1
_COLS = ("id", "direction", "package", "peer", "region", "year", "indicator", "period", "rule", "question", "value",
         "asked_by", "asked_at", "answer", "corrected", "answered_by", "answered_at", "state")


@dataclass
class Question:
    """A question to ask: about ``region`` (default: the package's region) · indicator · period."""

    indicator: str
    period: str
    text: str
    rule: str = ""
    region: str | None = None


@dataclass
class QuestionRow:
    id: str
    direction: str              # out: we asked; in: asked of us
    package: str
    peer: str | None
    region: str
    year: int
    indicator: str
    period: str
    rule: str | None
    question: str
    value: str | None           # the value when asked
    asked_by: str
    asked_at: str
    answer: str | None
    corrected: str | None
    answered_by: str | None
    answered_at: str | None
    state: str                  # open / answered
    current: str | None = None  # the value in this store now

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class QueryFile:
    path: Path
    hash: str
    ids: list[str]
    package: str
    region: str
    year: int

    def to_dict(self) -> dict:
        return {**self.__dict__, "path": str(self.path)}


def find_received(db, text: str):
    """The received package named by a hash prefix (≥ 8 hex digits) or by its file."""
    from app.services.package.format import read_bytes, sha256

    if os.path.exists(text):
        text = sha256(read_bytes(text)[0])
    rows = db.execute("select hash, sender_id, region, year, seq, manifest from packages_received where hash like ?",
                      [text.lower() + "%"]).fetchall() if len(text) >= 8 else []
    if not rows:
        raise NotFoundError("query_unknown_package", text=text)
    if len(rows) > 1:
        raise InputError("query_ambiguous", text=text, params={"n": len(rows)})
    return rows[0]


def create_query(db, package: str, items: list[Question], out: str | os.PathLike, *, who: str | None = None,
                 key_dir: str | os.PathLike | None = None) -> QueryFile:
    """Store the questions (audited), mark the package ``returned`` and write the signed ``.ipdq``."""
    from app.models import audit
    from app.models.catalogue import indicator as get_indicator
    from app.models.db import now_iso, transaction
    from app.models.periods import parse_period
    from app.models.values import value_at

    from app.services.package.keys import office_key
    from app.services.package.identity import office_identity

    if not items:
        raise InputError("query_empty")
    digest, sender, region, year, seq, manifest = find_received(db, package)
    regions = json.loads(manifest).get("regions") or [region]
    who = who or audit.current_user()
    at = now_iso()
    rows = []
    for q in items:
        r = q.region or region
        get_indicator(db, q.indicator)
        period = parse_period(q.period)
        if r not in regions or not period.startswith(str(year)):
            raise InputError("query_outside", text=f"{r}·{q.indicator}·{period}",
                             params={"regions": ",".join(regions), "year": year})
        if not (q.text or "").strip():
            raise InputError("why_needed", region=r, indicator=q.indicator, period=period)
        rows.append([secrets.token_hex(6), "out", digest, sender, r, year, q.indicator, period, q.rule or None,
                     q.text.strip(), value_at(db, r, q.indicator, period), who, at, None, None, None, None, "open"])
    batch = db.execute("select count(distinct asked_at) from queries where package = ? and direction = 'out'",
                       [digest]).fetchone()[0] + 1
    key = office_key(key_dir)
    office_id, office_name = office_identity(db)
    body = {"schema": QUERY_SCHEMA, "package": digest, "region": region, "year": year, "seq": seq,
            "questions": [dict(zip(("id", "region", "indicator", "period", "rule", "question", "value", "asked_by",
                                    "asked_at"), (r[0], r[4], r[6], r[7], r[8], r[9], r[10], r[11], r[12])))
                          for r in rows]}
    from app.models.catalogue import region as get_region

    fields = {"region": region, "region_name": get_region(db, region).name_zh, "year": year, "seq": seq,
              "package": digest, "created_at": at}
    archive = seal("query", fields,
                   [("query.json", json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))],
                   key, office_id=office_id, office_name=office_name)
    out = Path(out)
    path = out / (safe_stem(region, year, seq, f"_q{batch}") + ".ipdq") if out.suffix.lower() != ".ipdq" else out
    path.parent.mkdir(parents=True, exist_ok=True)
    from app.services.package.format import sha256
    from app.services.files import atomic_write

    with transaction(db):
        db.conn.executemany(f"insert into queries({', '.join(_COLS)}) values ({','.join('?' * len(_COLS))})", rows)
        db.execute("update packages_received set state = 'returned' where hash = ?", [digest])
        audit.append(db, [(who, "query", r[4], r[6], r[7], r[10], r[9], f"package {short_hash(digest)}") for r in rows]
                     + [(who, "return_package", region, None, str(year), None, digest, path.name)], at=at)
        atomic_write(path, lambda p: p.write_bytes(archive))
    return QueryFile(path, sha256(archive), [r[0] for r in rows], digest, region, year)


def parse_query(archive) -> dict:
    """Check ``query.json`` of a query archive."""
    file = archive.file
    try:
        q = json.loads(archive.members["query.json"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageError("pkg_data", file=file, params={"why": f"query.json is not JSON ({exc})"}) from exc
    if not isinstance(q, dict):
        raise PackageError("pkg_data", file=file, params={"why": "query.json"})
    if q.get("schema") != QUERY_SCHEMA:
        raise PackageError("pkg_data_schema", text=str(q.get("schema")), file=file, params={"known": QUERY_SCHEMA})
    m = archive.manifest
    if q.get("package") != m.get("package") or q.get("region") != m["region"] or q.get("year") != m["year"]:
        raise PackageError("pkg_data", file=file, params={"why": "query.json differs from the manifest"})
    keys = ("id", "region", "indicator", "period", "question", "asked_by", "asked_at")
    qs = q.get("questions")
    if not (isinstance(qs, list) and qs and all(isinstance(x, dict) and all(isinstance(x.get(k), str) for k in keys)
                                                 for x in qs)):
        raise PackageError("pkg_data", file=file, params={"why": "questions"})
    return q


def read_query(source):
    archive = read_archive(source, kind="query")
    return archive, parse_query(archive)


@dataclass
class QueryImport:
    file: str
    package: str
    new: int
    already: int
    questions: list[QuestionRow]


def import_queries(db, source, *, who: str | None = None) -> QueryImport:
    """Store the questions of a ``.ipdq`` about a package this office sent (audited)."""
    from app.models import audit
    from app.models.db import transaction

    from app.services.package.keys import trust_status

    archive, q = read_query(source)
    trust, key = trust_status(db, archive.sender_id, archive.fingerprint)
    if trust != "trusted":
        raise PackageError("query_untrusted", text=archive.fingerprint_text, file=archive.file,
                           params={"office": f"{archive.sender_id} {archive.sender_name}".strip()})
    if not db.execute("select 1 from packages_sent where hash = ?", [q["package"]]).fetchone():
        raise PackageError("query_not_ours", text=short_hash(q["package"]), file=archive.file)
    who = who or audit.current_user()
    new, already = [], 0
    with transaction(db):
        for x in q["questions"]:
            if db.execute("select 1 from queries where id = ?", [x["id"]]).fetchone():
                already += 1
                continue
            new.append([x["id"], "in", q["package"], archive.sender_id, x["region"], q["year"], x["indicator"],
                        x["period"], x.get("rule"), x["question"], x.get("value"), x["asked_by"], x["asked_at"],
                        None, None, None, None, "open"])
        if new:
            db.conn.executemany(f"insert into queries({', '.join(_COLS)}) values ({','.join('?' * len(_COLS))})", new)
            audit.append(db, [(who, "query_in", r[4], r[6], r[7], None, r[9], f"from {archive.sender_id}")
                              for r in new])
    ids = {r[0] for r in new} | {x["id"] for x in q["questions"]}
    return QueryImport(archive.file, q["package"], len(new), already,
                       [r for r in questions(db) if r.id in ids])


def questions(db, *, region: str | None = None, year: int | None = None, direction: str | None = None,
              state: str | None = None, package: str | None = None, query_id: str | None = None) -> list[QuestionRow]:
    """Stored questions, each with the value in this store now (``current``) beside it."""
    from app.models.values import values_at

    sql, args = f"select {', '.join(_COLS)} from queries where 1=1", []
    for col, val in (("region", region), ("year", year), ("direction", direction), ("state", state),
                     ("id", query_id)):
        if val is not None:
            sql += f" and {col} = ?"
            args.append(val)
    if package:
        sql += " and package like ?"
        args.append(package.lower() + "%")
    rows = db.execute(sql + " order by asked_at, region, indicator, period", args).fetchall()
    now = values_at(db, [r[4:5] + r[6:8] for r in rows])        # (region, indicator, period) -> value
    return [QuestionRow(*r, now.get(r[4:5] + r[6:8])) for r in rows]


def answer(db, query_id: str, text: str, *, value: str | None = None, who: str | None = None) -> QuestionRow:
    """Answer a question asked of this office; ``value`` corrects the figure (typed as a clerk
    types it, through the one write path, audited with the question as the reason)."""
    from app.models import audit
    from app.models.db import now_iso, transaction
    from app.models.values import set_text, value_at

    found = questions(db, query_id=query_id)
    if not found:
        raise NotFoundError("query_unknown", text=query_id)
    q = found[0]
    if q.direction != "in":
        raise InputError("query_not_ours_to_answer", text=query_id)
    if not (text or "").strip():
        raise InputError("why_needed", region=q.region, indicator=q.indicator, period=q.period)
    who = who or audit.current_user()
    with transaction(db):
        corrected = None
        if value is not None:
            set_text(db, q.region, q.indicator, q.period, value, who=who, why=f"订正（查询 {q.id}）：{q.question}")
            corrected = value_at(db, q.region, q.indicator, q.period)
        db.execute("update queries set answer = ?, corrected = ?, answered_by = ?, answered_at = ?, state = 'answered'"
                   " where id = ?", [text.strip(), corrected, who, now_iso(), q.id])
        audit.append(db, [(who, "answer", q.region, q.indicator, q.period, q.question, text.strip(), f"query {q.id}")])
    return questions(db, query_id=query_id)[0]


# ---------------------------------------------------------------- answers travel in the next package

def answers_for_export(db, regions: list[str], year: int) -> list[dict]:
    marks = ",".join("?" * len(regions))
    cols = ("id", "answer", "corrected", "answered_by", "answered_at")
    return [dict(zip(cols, r)) for r in db.execute(
        f"select {', '.join(cols)} from queries where direction = 'in' and state = 'answered' and year = ?"
        f" and region in ({marks}) order by id", [year, *regions])]


def pending_answers(db, answers: list[dict], regions: list[str]) -> list[dict]:
    """The answers of a package to questions this office asked that are new or changed here."""
    out = []
    keep = set(regions)
    for a in answers:
        row = db.execute("select region, indicator, period, question, answer from queries where id = ?"
                         " and direction = 'out'", [a["id"]]).fetchone()
        if row and row[0] in keep and row[4] != a["answer"]:
            out.append({**a, "region": row[0], "indicator": row[1], "period": row[2], "question": row[3],
                        "old": row[4]})
    return out


def apply_answers(db, answers: list[dict], *, package: str, who: str) -> None:
    """Record answers (inside the receive transaction, audited)."""
    from app.models import audit

    if not answers:
        return
    for a in answers:
        db.execute("update queries set answer = ?, corrected = ?, answered_by = ?, answered_at = ?, state = 'answered'"
                   " where id = ? and direction = 'out'",
                   [a["answer"], a.get("corrected"), a.get("answered_by"), a.get("answered_at"), a["id"]])
    audit.append(db, [(who, "answer_in", a["region"], a["indicator"], a["period"], a.get("old"), a["answer"],
                       f"package {short_hash(package)}") for a in answers])
