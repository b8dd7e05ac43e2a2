"""The task ledger of a region-year as it travels: rows out of one store, checked and written into another.

    led = ledger_rows(db, ["320100"], 2022)        # own tasks, assignments, progress, evidence (metadata), report text
    ledger_fingerprint(led)                         # SHA-256 of its canonical JSON (the package binds it)
    plan = plan_ledger(db2, led, contents, inside=lambda code: True)    # checked; what would change (dry run)
    write_ledger(db2, plan, who="张三")             # inside the caller's transaction, audit rows included

What travels: the tasks the sending regions added (一省一策) and the assignments they made, their
progress rows of the year (state, percentage, milestone, text, responsible person, reason), the
evidence files of those rows — metadata and SHA-256 always, the bytes when the package carries them —
and the results report's sections the office edited. Who did it here is not carried: the receiving user
is the actor of every audit row written from a package; the responsible person and a section's author
are data, kept as sent.

:func:`plan_ledger` checks everything before anything is written and raises :class:`InputError` naming
the row: regions outside what the sender may send (``inside``), unknown tasks, states, percentages and
periods as the window would refuse them, hostile evidence names, bytes whose SHA-256 or type does not
match what the row says. :func:`write_ledger` then writes through the one write path of each table
(:func:`app.models.tasks.write_own_task`, :func:`~app.models.tasks.write_assignment`,
:func:`app.models.progress.write_progress`) and the sections with their ``report_text`` rows.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from .errors import InputError
from .messages import register
from .progress import _FIELDS as _PROGRESS_FIELDS

FORMAT = 1
SECTION_LIMIT = 20000
_SHA = re.compile(r"[0-9a-f]{64}")

register({
    "ledger_bad": ("the task ledger of the package is not valid: {why}", "数据包中的任务台账无效：{why}"),
    "ledger_outside": ("the package's {what} names {text}, which the sender may not send",
                       "数据包的{what_zh}涉及{text}，发送方无权报送该地区"),
    "ledger_hash": ("evidence file {text!r}: its bytes do not match its SHA-256 ({why})",
                    "佐证材料“{text}”：内容与 SHA-256 不符（{why}）"),
})

TASK_KEYS = ("id", "year", "text_zh", "text_en", "responsible_zh", "due", "parent", "owner")
PROGRESS_KEYS = ("task", "region", "period", "state", "percent", "milestone", "text", "person", "reason")
EVIDENCE_KEYS = ("task", "region", "period", "sha256", "name", "kind", "bytes")
SECTION_KEYS = ("region", "section", "text", "base", "author")
ASSIGN_KEYS = ("task", "by_region", "kind", "assignee", "due")


def _marks(items) -> str:
    return ",".join("?" * len(items))


def ledger_rows(db, regions: list[str], year: int) -> dict:
    """The ledger of ``regions`` in ``year`` (every list sorted: the same store gives the same bytes)."""
    regions = list(dict.fromkeys(regions))
    m, y = _marks(regions), int(year)

    def rows(sql, keys, args):
        return [dict(zip(keys, r)) for r in db.execute(sql, args)]

    return {
        "format": FORMAT,
        "tasks": rows(f"select {', '.join(TASK_KEYS)} from tasks where owner in ({m}) and year = ? order by id",
                      TASK_KEYS, [*regions, y]),
        "assignments": rows(f"select a.task, a.by_region, a.kind, a.assignee, a.due from task_assignments a"
                            f" join tasks t on t.id = a.task where a.by_region in ({m}) and t.year = ?"
                            f" order by a.task, a.by_region, a.kind, a.assignee", ASSIGN_KEYS, [*regions, y]),
        "progress": rows(f"select {', '.join(PROGRESS_KEYS)} from task_progress where region in ({m}) and year = ?"
                         f" order by task, region, period", PROGRESS_KEYS, [*regions, y]),
        "evidence": rows(f"select e.task, e.region, e.period, e.sha256, e.name, e.kind, e.bytes from evidence e"
                         f" join task_progress p on p.task = e.task and p.region = e.region and p.period = e.period"
                         f" where p.region in ({m}) and p.year = ? order by e.task, e.region, e.period, e.sha256",
                         EVIDENCE_KEYS, [*regions, y]),
        "sections": rows(f"select {', '.join(SECTION_KEYS)} from report_sections where region in ({m}) and year = ?"
                         f" order by region, section", SECTION_KEYS, [*regions, y]),
    }


KEYS = {"tasks": TASK_KEYS, "assignments": ASSIGN_KEYS, "progress": PROGRESS_KEYS, "evidence": EVIDENCE_KEYS,
        "sections": SECTION_KEYS}


def pack(ledger: dict) -> dict:
    """The ledger as a package carries it: each table a list of rows in :data:`KEYS` order (the keys
    once, not on every row — a province's 5,600 progress rows are a third smaller)."""
    return {"format": ledger["format"], **{t: [[r[k] for k in keys] for r in ledger[t]] for t, keys in KEYS.items()}}


def unpack(packed) -> dict:
    """:func:`pack` undone; a table that is not a list of rows of the right length raises ``ledger_bad``."""
    if not isinstance(packed, dict):
        _bad("format")
    out = {"format": packed.get("format")}
    for t, keys in KEYS.items():
        rows = packed.get(t, [])
        if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == len(keys) for r in rows):
            _bad(t)
        out[t] = [dict(zip(keys, r)) for r in rows]
    return out


def ledger_fingerprint(ledger: dict) -> str:
    """SHA-256 (hex) of the ledger's canonical JSON — what a package's manifest, PDF and XLSX bind."""
    body = json.dumps({k: ledger.get(k) for k in ("format", "tasks", "assignments", "progress", "evidence",
                                                  "sections")},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def evidence_contents(db, ledger: dict, cap: int) -> tuple[list[str], bytes]:
    """The evidence bytes a package carries: each file once, in the ledger's order, while the total stays
    within ``cap`` bytes (a larger file is skipped, a later smaller one may still fit). Returns
    (the SHA-256s carried, their bytes concatenated in that order)."""
    from .progress import evidence_content

    carried, blob, total = [], bytearray(), 0
    for e in ledger.get("evidence", []):
        sha = e["sha256"]
        if sha in carried or total + e["bytes"] > cap:
            continue
        content = evidence_content(db, sha)
        if content is None:             # not held here either (a package brought only its metadata)
            continue
        carried.append(sha)
        blob += content
        total += len(content)
    return carried, bytes(blob)


# ---------------------------------------------------------------- the receiver

@dataclass
class LedgerPlan:
    """What a received ledger would change here (checked: :func:`plan_ledger`)."""

    tasks: list[dict] = field(default_factory=list)            # new or changed own tasks (old: None = new)
    assignments: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)         # new or changed rows, with "old" state
    evidence: list[dict] = field(default_factory=list)         # new files: metadata + "carried"
    sections: list[dict] = field(default_factory=list)         # changed sections (text None: the sender dropped it)
    cleared: list[dict] = field(default_factory=list)          # reports held here the sender took back out
    contents: dict = field(default_factory=dict, repr=False)   # sha256 -> bytes carried
    year: int = 0

    def counts(self) -> dict:
        return {"tasks": len(self.tasks), "assignments": len(self.assignments), "progress": len(self.progress),
                "evidence": len(self.evidence), "evidence_not_carried": sum(not e["carried"] for e in self.evidence),
                "sections": len(self.sections), "progress_cleared": len(self.cleared),
                "sections_cleared": sum(sec["text"] is None for sec in self.sections)}

    def to_dict(self) -> dict:
        return {"counts": self.counts(), "tasks": self.tasks, "assignments": self.assignments,
                "progress": self.progress, "evidence": self.evidence, "sections": self.sections,
                "cleared": self.cleared}

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())

    def places(self) -> dict[tuple, tuple]:
        """The rows this plan would overwrite or take out, by their audit place (:func:`progress_place`,
        :func:`section_place`) -> (what, the row's key here, the package's row — None when taken back out);
        the receiver's conflicts are found among them (:func:`held`)."""
        out: dict[tuple, tuple] = {}
        for p in self.progress:
            key = (p["task"], p["region"], p["period"])
            out[progress_place(*key)] = ("progress", key, {k: p[k] for k in PROGRESS_FIELDS})
        for c in self.cleared:
            key = (c["task"], c["region"], c["period"])
            out[progress_place(*key)] = ("progress", key, None)
        for s in self.sections:
            out[section_place(s["region"], s["section"], self.year)] = ("section", (s["region"], self.year,
                                                                                     s["section"]), s["text"])
        return out

    def without(self, db, kept) -> "LedgerPlan":
        """This plan less the rows at the places in ``kept`` (the receiver keeps its own). A new evidence
        file of a kept report stays (files are added, never replaced) unless the report is not held here."""
        kept = set(kept)
        progress = [p for p in self.progress if progress_place(p["task"], p["region"], p["period"]) not in kept]
        held = {(p["task"], p["region"], p["period"]) for p in progress}

        def has_row(e):
            key = (e["task"], e["region"], e["period"])
            return key in held or db.execute("select 1 from task_progress where task=? and region=? and period=?",
                                              list(key)).fetchone() is not None
        return LedgerPlan(
            tasks=self.tasks, assignments=self.assignments, progress=progress,
            evidence=[e for e in self.evidence if has_row(e)],
            sections=[s for s in self.sections if section_place(s["region"], s["section"], self.year) not in kept],
            cleared=[c for c in self.cleared if progress_place(c["task"], c["region"], c["period"]) not in kept],
            contents=self.contents, year=self.year)


PROGRESS_FIELDS = _PROGRESS_FIELDS       # a progress report's fields, as app.models.progress writes them


def progress_place(task: str, region: str, period: str) -> tuple[str, str, str]:
    """The audit place (region, indicator, period) of a progress report: its rows are ``progress``."""
    from .task_basics import task_indicator

    return region, task_indicator(task), period


def section_place(region: str, section: int, year: int) -> tuple[str, str, str]:
    """The audit place of a results-report section's text: its rows are ``report_text``."""
    return region, f"section:{section}", str(year)


def held(db, what: str, key: tuple):
    """The row held here at a place of :meth:`LedgerPlan.places`: a progress report's fields (a dict, None
    when nothing is reported) or a section's text (None: it follows the draft)."""
    if what == "progress":
        row = db.execute(f"select {', '.join(PROGRESS_FIELDS)} from task_progress where task=? and region=?"
                         " and period=?", list(key)).fetchone()
        return None if row is None else dict(zip(PROGRESS_FIELDS, row))
    row = db.execute("select text from report_sections where region=? and year=? and section=?", list(key)).fetchone()
    return None if row is None else row[0]


def encode(row) -> str | None:
    """A ledger row (:func:`held`) as an audit row's old/new side: a progress report's fields as compact JSON
    (as its ``progress`` rows hold them), a section's text as it is."""
    from .progress import _enc

    return _enc(row) if isinstance(row, dict) else row


def _bad(why: str):
    raise InputError("ledger_bad", params={"why": why})


def _rows(ledger: dict, key: str, keys: tuple) -> list[dict]:
    rows = ledger.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) and set(r) == set(keys) for r in rows):
        _bad(key)
    return rows


def _text(value, limit: int, what: str, required: bool = False):
    from .tasks import clean

    if value is not None and not isinstance(value, str):
        _bad(what)
    try:
        return clean(value, limit=limit, required=required) or None
    except InputError:
        _bad(f"{what}: {str(value)[:40]!r}")


def plan_ledger(db, ledger, contents: dict[str, bytes], *, year: int, inside, covers=()) -> LedgerPlan:
    """Check a received ledger against this store and say what writing it would change.

    ``contents``: the evidence bytes carried (SHA-256 -> bytes). ``inside(code)``: may the sender send
    this region. ``covers``: the regions whose whole ledger of the year the package carries (its documents'
    regions): a progress report held here for one of them that the package no longer lists was taken back
    out by the sender, and is taken out here too (``cleared``); so is a section's text (in ``sections``
    with text None: the section follows the draft). Raises :class:`InputError` (nothing is
    written here)."""
    from .evidence import check_name, from_bytes, KINDS, MAX_BYTES
    from .progress import NEED_REASON, STATES, parse_progress_period
    from .tasks import ID_RE, MAX_DEPARTMENT, parse_due

    if ledger is None:
        return LedgerPlan(year=int(year))
    if not isinstance(ledger, dict) or ledger.get("format") != FORMAT:
        _bad("format")
    year = int(year)
    plan = LedgerPlan(year=year)
    known = {c for (c,) in db.execute("select code from regions")}

    def region_ok(code, what, what_zh):
        if not isinstance(code, str) or code not in known or not inside(code):
            row = db.execute("select name_zh from regions where code = ?", [str(code)]).fetchone()
            shown = f"{row[0]}（{code}）" if row else str(code)[:40]
            raise InputError("ledger_outside", text=shown, params={"what": what, "what_zh": what_zh})

    carried_tasks = {}
    for t in _rows(ledger, "tasks", TASK_KEYS):
        if not (isinstance(t["id"], str) and ID_RE.fullmatch(t["id"])) or t["year"] != year:
            _bad(f"task {str(t['id'])[:40]!r}")
        region_ok(t["owner"], "tasks", "本级任务")
        rec = {"id": t["id"], "year": year, "owner": t["owner"], "parent": t["parent"],
               "text_zh": _text(t["text_zh"], 2000, "task text", True), "text_en": _text(t["text_en"], 2000, "task text"),
               "responsible_zh": _text(t["responsible_zh"], 200, "responsible"), "due": parse_due(t["due"])}
        other = db.execute("select owner, text_zh, due, parent from tasks where id = ?", [t["id"]]).fetchone()
        if other and other[0] != t["owner"]:
            _bad(f"task {t['id']} belongs to another region here")
        carried_tasks[t["id"]] = rec
        if other is None or other[1:] != (rec["text_zh"], rec["due"], rec["parent"]):
            plan.tasks.append({**rec, "old": None if other is None else {"text": other[1], "due": other[2]}})
    for rec in carried_tasks.values():
        p = rec["parent"]
        if p is not None and p not in carried_tasks and not db.execute("select 1 from tasks where id = ?", [p]).fetchone():
            _bad(f"task {rec['id']}: unknown parent {str(p)[:40]!r}")

    def task_year(tid):
        if tid in carried_tasks:
            return year
        row = db.execute("select year from tasks where id = ?", [tid]).fetchone() if isinstance(tid, str) else None
        if row is None:
            _bad(f"unknown task {str(tid)[:40]!r}")
        return row[0]

    for a in _rows(ledger, "assignments", ASSIGN_KEYS):
        region_ok(a["by_region"], "assignments", "任务分解")
        if task_year(a["task"]) != year or a["kind"] not in ("region", "department"):
            _bad(f"assignment of {a['task']}")
        if a["kind"] == "region":
            region_ok(a["assignee"], "assignments", "任务分解")
        elif not isinstance(a["assignee"], str) or not a["assignee"].strip() or len(a["assignee"]) > MAX_DEPARTMENT:
            _bad("assignment's department")
        due = parse_due(a["due"])
        old = db.execute("select due from task_assignments where task=? and by_region=? and kind=? and assignee=?",
                         [a["task"], a["by_region"], a["kind"], a["assignee"]]).fetchone()
        if old is None or old[0] != due:
            plan.assignments.append({**a, "due": due, "old": old[0] if old else None})

    rows = {}
    for p in _rows(ledger, "progress", PROGRESS_KEYS):
        region_ok(p["region"], "progress", "推进情况")
        if task_year(p["task"]) != year:
            _bad(f"progress of {p['task']}")
        period = parse_progress_period(p["period"])
        if period != p["period"] or int(period[:4]) != year:
            _bad(f"progress period {str(p['period'])[:20]!r}")
        pct = p["percent"]
        if p["state"] not in STATES or (pct is not None and (not isinstance(pct, int) or isinstance(pct, bool)
                                                             or not 0 <= pct <= 100)):
            _bad(f"progress {p['task']} {p['region']} {period}: state/percent")
        rec = {"state": p["state"], "percent": pct, "milestone": _text(p["milestone"], 200, "milestone"),
               "text": _text(p["text"], 2000, "progress text"), "person": _text(p["person"], 60, "person"),
               "reason": _text(p["reason"], 1000, "reason")}
        if rec["state"] in NEED_REASON and not rec["reason"]:
            _bad(f"progress {p['task']} {p['region']} {period}: a reason is needed")
        key = (p["task"], p["region"], period)
        rows[key] = rec
        old = db.execute("select state, percent, milestone, text, person, reason from task_progress"
                         " where task=? and region=? and period=?", list(key)).fetchone()
        if old is None or old != tuple(rec.values()):
            plan.progress.append({"task": key[0], "region": key[1], "period": period, **rec,
                                  "old_state": old[0] if old else None})

    whole = sorted({c for c in covers if isinstance(c, str) and c in known and inside(c)})
    if whole:
        for task, region, period, state in db.execute(
                f"select task, region, period, state from task_progress where region in ({_marks(whole)})"
                " and year = ? order by task, region, period", [*whole, year]):
            if (task, region, period) not in rows:
                plan.cleared.append({"task": task, "region": region, "period": period, "old_state": state})

    for sha, content in contents.items():
        if hashlib.sha256(content).hexdigest() != sha:
            raise InputError("ledger_hash", text=sha[:16], params={"why": "SHA-256"})
    for e in _rows(ledger, "evidence", EVIDENCE_KEYS):
        key = (e["task"], e["region"], e["period"])
        if key not in rows and not db.execute("select 1 from task_progress where task=? and region=? and period=?",
                                              list(key)).fetchone():
            _bad(f"evidence {str(e['name'])[:40]!r} without its progress row")
        region_ok(e["region"], "evidence", "佐证材料")
        name = check_name(e["name"]) if isinstance(e["name"], str) else _bad("evidence name")
        if not (isinstance(e["sha256"], str) and _SHA.fullmatch(e["sha256"]) and e["kind"] in KINDS
                and isinstance(e["bytes"], int) and 0 < e["bytes"] <= MAX_BYTES
                and name.lower().endswith(KINDS[e["kind"]][1])):
            _bad(f"evidence {name!r}")
        content = contents.get(e["sha256"])
        if content is not None:
            if len(content) != e["bytes"]:
                raise InputError("ledger_hash", text=name, params={"why": "size"})
            ev = from_bytes(name, content)           # the type by content, as for a file attached here
            if ev.kind != e["kind"]:
                _bad(f"evidence {name!r}: {ev.kind}, not {e['kind']}")
        if db.execute("select 1 from evidence where task=? and region=? and period=? and sha256=?",
                      [*key, e["sha256"]]).fetchone():
            continue
        plan.evidence.append({**e, "name": name, "carried": content is not None})
    plan.contents = {sha: c for sha, c in contents.items()}

    carried_sections = set()
    for s in _rows(ledger, "sections", SECTION_KEYS):
        region_ok(s["region"], "report", "推进情况报告")
        if s["section"] not in (1, 2, 3, 4, 5):
            _bad("report section")
        text = _text(s["text"], SECTION_LIMIT, "report section", True)
        rec = {"region": s["region"], "section": s["section"], "text": text,
               "base": _text(s["base"], SECTION_LIMIT, "report section"), "author": _text(s["author"], 60, "author")}
        old = db.execute("select text from report_sections where region=? and year=? and section=?",
                         [s["region"], year, s["section"]]).fetchone()
        carried_sections.add((s["region"], s["section"]))
        if old is None or old[0] != text:
            plan.sections.append({**rec, "old": old[0] if old else None})
    if whole:           # a section's text the sender dropped (it follows the draft again there): here too
        for region, section, text in db.execute(
                f"select region, section, text from report_sections where region in ({_marks(whole)}) and year = ?"
                " order by region, section", [*whole, year]):
            if (region, section) not in carried_sections:
                plan.sections.append({"region": region, "section": section, "text": None, "base": None,
                                      "author": None, "old": text})
    return plan


def write_ledger(db, plan: LedgerPlan, *, who: str, why: str | None = None) -> None:
    """Write a checked ledger (:func:`plan_ledger`) inside the caller's transaction, every row with its
    audit row, ``who`` (the receiving user) the actor."""
    from .audit import append
    from .evidence import Evidence
    from .progress import write_progress
    from .store_basics import now_iso
    from .tasks import write_assignment, write_own_task

    at = now_iso()
    rows = []
    pending = {t["id"]: t for t in plan.tasks}
    ordered = []
    while pending:                       # parents before the tasks decomposed from them
        ready = [t for t in pending.values() if t["parent"] not in pending] or list(pending.values())
        for t in sorted(ready, key=lambda t: t["id"]):
            ordered.append(pending.pop(t["id"]))
    for t in ordered:
        row = write_own_task(db, t, who=who, at=at)
        if row:
            rows.append(row[:-1] + (why,))
    for a in plan.assignments:
        row = write_assignment(db, a["task"], plan.year, a["by_region"], a["kind"], a["assignee"], a["due"],
                               who=who, at=at)
        if row:
            rows.append(row[:-1] + (why,))
    if rows:
        append(db, rows, at=at)
    files: dict[tuple, list] = {}
    for e in plan.evidence:
        content = plan.contents.get(e["sha256"]) if e["carried"] else b""
        files.setdefault((e["task"], e["region"], e["period"]), []).append(
            Evidence(e["name"], e["kind"], e["bytes"], e["sha256"], content))
    fields = PROGRESS_FIELDS
    for p in plan.progress:
        key = (p["task"], p["region"], p["period"])
        write_progress(db, *key, plan.year, {k: p[k] for k in fields}, files.pop(key, []), who=who, at=at)
    for c in plan.cleared:                # taken back out by the sender: 未报 here too (files stay listed)
        write_progress(db, c["task"], c["region"], c["period"], plan.year, None, (), who=who, at=at)
    for key, evs in files.items():        # new files of a progress row that did not change
        rec = dict(zip(fields, db.execute(f"select {', '.join(fields)} from task_progress where task=? and region=?"
                                          " and period=?", list(key)).fetchone()))
        write_progress(db, *key, plan.year, rec, evs, who=who, at=at)
    rows = []
    for s in plan.sections:
        if s["text"] is None:                  # dropped by the sender: the section follows the draft here too
            db.execute("delete from report_sections where region=? and year=? and section=?",
                       [s["region"], plan.year, s["section"]])
            rows.append((who, "report_text", *section_place(s["region"], s["section"], plan.year), s["old"], None,
                         why))
            continue
        db.execute("insert into report_sections(region, year, section, text, base, author, at) values (?,?,?,?,?,?,?)"
                   " on conflict(region, year, section) do update set text=excluded.text, base=excluded.base,"
                   " author=excluded.author, at=excluded.at",
                   [s["region"], plan.year, s["section"], s["text"], s["base"], s["author"] or who, at])
        rows.append((who, "report_text", *section_place(s["region"], s["section"], plan.year), s["old"], s["text"], why))
    if rows:
        append(db, rows, at=at)
