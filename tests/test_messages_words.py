"""Every message a clerk or an office head reads, in their words (issue 16, point 2).

A Chinese message names regions and indicators by their Chinese names — a catalogue code
(``INV_GRANTS``, ``320100``) only right after its name, in brackets, where a name is ambiguous
or the code is what to type — and says what a rule found in words, not by its id (``yoy``,
``outlier``, ``task_overdue``); the workflow's and the audit trail's tokens (``draft``,
``approved``, ``set``, ``import``, ``receive``…) never reach it. English messages carry no
Chinese-only words where an English one belongs.

The walk renders the messages for real on a demo store, with values planted so that every
finding kind appears, and scans what a person would read:

- every template registered in ``app.models.messages`` (the literal text, both languages);
- every finding of the store (message, the window's place, the documents' label);
- every review refusal (complete, submit, approve, unlock, reopen, explain, aggregate,
  override) and a wrong password;
- every import problem and warning kind of a long table and a template;
- (the command line's output, error lines and help: tests/test_messages_words_cli.py);
- the audit trail's verification, intact and tampered (``audit.describe``);
- the documents' words (``report/words.py``, ``report/sheet_words.py``);
- every zh_CN translation in ``resources/i18n/ipdesk_zh_CN.ts`` (present, finished, clean).

The scanner (tests/words_scan.py) is tested by the messages it must catch (``test_the_scanner_catches_...``).
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
import string
from pathlib import Path
from xml.etree import ElementTree

import app
from app.models.errors import IpdeskError
from app.models.states import STATES
from tests.words_scan import (CJK, FINDING_CODES, ROOT, Y, Vocabulary, english_leaks,  # noqa: F401
                              every_finding, said, store)


# ---------------------------------------------------------------- the scanner, attacked

def test_the_scanner_catches_codes_rule_ids_and_tokens_and_lets_names_pass(store):
    db, _ = store
    v = Vocabulary(db)
    assert v.leaks("320800 · ABNORMAL_APPS · 2024: “abc”不是数字") == ["320800", "ABNORMAL_APPS"]
    assert v.leaks("审批将锁定 320100…") == ["320100"]
    assert v.leaks("yoy/outlier：同比") == ["yoy", "outlier"]
    assert v.leaks("状态：approved") == ["approved"] and v.leaks("set 南京市") == ["set"]
    assert v.leaks("complete/approved") == ["complete", "approved"]
    assert v.leaks("not_a_number") == ["not_a_number"]
    assert v.leaks("南京市·发明专利授权量·2024：“abc”不是数字") == []
    assert v.leaks("“江苏”对应多个地区：江苏省（320000）") == []                 # the code after its name
    assert v.leaks("发明专利授权量（INV_GRANTS）") == []
    assert v.leaks("请用“ipdesk import”导入；--user 指明；见 a.xlsx、PDF") == []
    assert v.leaks("南京市（320200）") == ["320200"]                            # another region's code


# ---------------------------------------------------------------- every registered template

def _all_modules():
    """Import every module below app (not app.ui: Qt; app.__main__ imports Qt only when the window
    opens) so every module's messages are registered."""
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if info.name.startswith("app.ui"):
            continue
        importlib.import_module(info.name)


def _literal(template: str) -> str:
    """The template's own words: placeholders taken out."""
    return "".join(lit for lit, _field, _spec, _conv in string.Formatter().parse(template))


def test_every_registered_template_is_worded_for_its_language(store):
    db, _ = store
    _all_modules()
    from app.models.messages import MESSAGES

    v = Vocabulary(db)
    zh = {code: v.leaks(_literal(pair[1])) for code, pair in MESSAGES.items()}
    en = {code: english_leaks(_literal(pair[0])) for code, pair in MESSAGES.items()}
    assert {c: w for c, w in zh.items() if w} == {}
    assert {c: w for c, w in en.items() if w and c not in EN_QUOTES_CHINESE} == {}
    assert all(CJK.search(pair[1]) or not re.search("[a-z]{3}", _literal(pair[1])) for pair in MESSAGES.values()), \
        [c for c, p in MESSAGES.items() if not CJK.search(p[1]) and re.search("[a-z]{3}", _literal(p[1]))]
    # a Chinese template that shows a token or a code passed to it: {status} where {status_zh} belongs
    fields = {code: {f for _l, f, _s, _c in string.Formatter().parse(pair[1]) if f}
              for code, pair in MESSAGES.items()}
    assert {c: f & RAW_FIELDS for c, f in fields.items() if f & RAW_FIELDS and c not in WORDED_BY_CALLER} == {}
    print(f"\n{len(MESSAGES)} templates in both languages")


# English templates that quote a Chinese example of what a clerk may type, or a Chinese form's own words
# (the sheet 明细, the magnitude words, the Chinese headers and states a file may use, 一 … 五)
EN_QUOTES_CHINESE = {"docs_cells_changed", "double_magnitude", "import_not_recognised", "progress_state",
                     "report_section"}
# parameters that hold a code or a token (the caller passes the Chinese word in a *_zh parameter)
RAW_FIELDS = {"status", "action", "rule", "comparator", "severity", "kind", "level", "formula"}
WORDED_BY_CALLER = {"rv_refused"}
# English messages that show the unit as the catalogue and the template write it (件, 万件)
EN_UNIT_ZH = {"not_whole", "template_unit_changed"}   # review.Refused.message passes {action} in the reader's language


def test_every_finding_kind_is_said_in_words(store):
    from app.models.catalogue import indicators
    from app.services import place_names
    from app.services.report.words import RULE_ZH, SEVERITY_ZH, finding_label

    db, _ = store
    v = Vocabulary(db)
    items = every_finding(db)
    codes = {f.code for f in items}
    assert FINDING_CODES - {"benford"} <= codes | {"range"}, FINDING_CODES - codes
    names = {c: n for c, n in db.execute("select code, name_zh from regions")}
    cat = indicators(db)
    leaks, english = {}, {}
    for f in items:
        texts = [f.message("zh"), finding_label(f, names, cat, "zh"), place_names.region_name(db, f.region),
                 place_names.indicator_name(db, f.indicator), RULE_ZH[f.rule], SEVERITY_ZH[f.severity]]
        for t in texts:
            if v.leaks(t):
                leaks.setdefault(f.code, set()).add(t)
        t = f.message("en")
        if english_leaks(t) and f.code not in ("falling", "task_overdue"):     # a document's or a task's Chinese title
            english.setdefault(f.code, set()).add(t)
    assert leaks == {} and english == {}
    print(f"\n{len(items)} findings of {len(codes)} kinds said in words")


# ---------------------------------------------------------------- import problems and warnings

LONG_ROWS = [
    ("地区", "指标", "期间", "数值", "说明"),
    ("320800", "ABNORMAL_APPS", "2024", "abc", ""),               # not a number
    ("320800", "INV_GRANTS", "2024", "-5", ""),                   # negative
    ("320800", "INV_GRANT_RATE", "2024", "140%", ""),             # out of range
    ("320800", "INV_GRANTS", "2024", "1.5", ""),                  # a count with a fraction
    ("329999", "INV_GRANTS", "2024", "1", ""),                    # unknown region
    ("江舒省", "INV_GRANTS", "2024", "1", ""),                     # unknown region by a mistyped name
    ("320800", "NO_SUCH", "2024", "1", ""),                       # unknown indicator
    ("320800", "INV_GRANTS", "20x4", "1", ""),                    # bad period
    ("320800", "INV_GRANTS", "2023", "1", ""),                    # duplicate of the next
    ("320800", "INV_GRANTS", "2023", "2", ""),
    ("南京市", "发明专利授权量", "2024", "12", ""),                 # names: warned, taken
    ("320800", "INV_EXAM_CYCLE", "2024", "20", ""),               # a national indicator for a city
    ("320800", "POPULATION", "2024", "0", ""),                    # not positive
    ("320800", "PLEDGE_AMOUNT", "2024", "3亿万", ""),               # two magnitude words
    ("320800", "GI_PRODUCTS", "2024", "1e99", ""),                # too large
    ("320800", "HV_PATENTS_PER_10K", "2024", "3", ""),            # a derived indicator
    ("", "INV_GRANTS", "2024", "1", ""),                          # no region
    ("320800", "PATENT_TRANSFERS", "2024", "1", "x" * 5000),      # note too long
    ("320100", "PATENT_TRANSFERS", "2022", "1", ""),              # an approved, locked region-year
    ("朝阳区", "PATENT_TRANSFERS", "2024", "1", ""),                # a name several regions share
]


def import_messages(db, folder: Path) -> list:
    """Every problem and warning of a long table with a bad row of each kind, of an .xlsx holding a
    formula, a date and a true, of another region's template and a template edited where it is
    read-only, and of a locked region-year."""
    import csv
    from datetime import datetime

    import openpyxl

    from app.services.sheets.importer import plan_import
    from app.services.sheets.template import FIRST_ROW, make_template

    out = []
    path = folder / "bad.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(LONG_ROWS)
    plan = plan_import(db, path)
    out += plan.problems + plan.warnings
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LONG_ROWS[0])
    ws.append(["320800", "INV_GRANTS", "2024", "=1+1"])
    ws.append(["320800", "PLEDGE_SMES", "2024", datetime(2024, 1, 1)])
    ws.append(["320800", "PATENT_TRANSFERS", "2024", True])
    wb.save(folder / "bad.xlsx")
    plan = plan_import(db, folder / "bad.xlsx")
    out += plan.problems + plan.warnings
    template = folder / "无锡市.xlsx"
    make_template(db, "320200", Y, template, lang="zh")
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    cols = {c.value: c.column for c in ws[FIRST_ROW - 1] if c.value}
    ws.cell(FIRST_ROW + 1, cols[f"{Y - 1}年"]).value = 1                 # a read-only year edited
    ws.cell(FIRST_ROW + 2, cols["单位"]).value = "万件"                   # a unit changed
    ws.cell(FIRST_ROW + 3, cols[f"{Y}年填报值"]).value = "三万"
    wb.save(template)
    plan = plan_import(db, template, expect_region="320100", expect_year=Y - 1)
    out += plan.problems + plan.warnings
    plan = plan_import(db, template)
    out += plan.problems + plan.warnings
    out += make_template(db, "320100", 2022, folder / "南京市2022.xlsx", lang="zh").warnings   # a locked year
    return out


def test_every_import_problem_names_places_and_says_what_is_wrong_in_words(store):
    from app.services import place_names

    db, folder = store
    v = Vocabulary(db)
    items = import_messages(db, folder)
    codes = {p.code for p in items}
    print(f"\n{len(items)} import problems and warnings of {len(codes)} kinds: {sorted(codes)}")
    leaks = {p.code: (said(db, p), v.leaks(said(db, p))) for p in items if v.leaks(said(db, p))}
    assert leaks == {}
    # English (light): the sentence itself, without the place (a file's own headers) and what was typed
    bodies = {p.code: re.sub(r"'[^']*'|“[^”]*”", "…", IpdeskError(p.code, text=p.text, params=p.params).message("en"))
              for p in items}
    assert {c: b for c, b in bodies.items() if english_leaks(b) and c not in EN_QUOTES_CHINESE | EN_UNIT_ZH} == {}
    assert {"import_locked", "import_ambiguous_region", "template_locked_year", "import_duplicate",
            "import_not_applicable", "template_unit_changed", "import_region_by_name"} <= codes


# ---------------------------------------------------------------- review refusals

def review_refusals(db) -> list:
    """Each transition refused once, for each reason it can be refused for."""
    from app.models import review, workflow
    from app.models.errors import IpdeskError
    from app.models.values import set_text

    attempts = [
        lambda: review.complete(db, "320500", Y, who="tester"),                       # blocking findings
        lambda: review.submit(db, "320000", Y, who="tester"),                         # subordinates in draft
        lambda: review.approve(db, [("320000", Y)], user="demo-head", password="demo1234"),
        lambda: review.approve(db, [("320100", Y)], user="demo-head", password="wrong-password"),
        lambda: review.approve(db, [("320100", Y)], user="nobody", password="x" * 8),
        lambda: review.unlock(db, "320100", Y, user="demo-head", password="demo1234", why="订正"),  # not approved
        lambda: review.reopen(db, "320800", Y, why="订正"),                            # a draft
        lambda: review.reopen(db, "320100", Y, why=""),                               # no reason
        lambda: review.explain(db, "320100", Y, "yoy", "GI_PRODUCTS", "说明"),          # no such finding
        lambda: review.explain(db, "320500", Y, "le", "HV_PATENTS", "说明"),            # a blocking one
        lambda: review.explain(db, "320100", 2022, "yoy", "INV_GRANTS", "说明"),        # approved: frozen
        lambda: review.override(db, "320100", Y, user="demo-head", password="demo1234", why="放行"),
        lambda: review.check_aggregate(db, "320000", Y),
        lambda: review.check_receive(db, "320100", 2022),
        lambda: set_text(db, "320100", "INV_GRANTS", "2022", "1", who="tester"),       # a locked year
        lambda: set_text(db, "320100", "INV_GRANTS", "2024", "abc", who="tester"),
        lambda: set_text(db, "320100", "HV_PATENTS_PER_10K", "2024", "1", who="tester"),
        lambda: workflow.add_user(db, "demo-head", "head", "demo1234", who="tester"),
    ]
    out = []
    for attempt in attempts:
        try:
            attempt()
        except IpdeskError as exc:
            out.append(exc)
    # below an approved city: approve 320200's year, then a county of it cannot change
    return out


def test_every_review_refusal_names_regions_and_indicators_in_words(store):
    db, _ = store
    v = Vocabulary(db)
    items = review_refusals(db)
    assert len(items) >= 15, [e.code for e in items]
    leaks = {e.code: (said(db, e), v.leaks(said(db, e))) for e in items if v.leaks(said(db, e))}
    english = {e.code: said(db, e, "en") for e in items if english_leaks(re.sub(r"“[^”]*”", "", said(db, e, "en")))}
    reasons = {r.code for e in items for r in getattr(e, "reasons", [])}
    print(f"\n{len(items)} refusals: {sorted({e.code for e in items})}, reasons {sorted(reasons)}")
    assert {"rv_blocking", "rv_unexplained", "rv_subordinate", "rv_state", "rv_no_finding", "rv_blocking_rule",
            "rv_frozen"} <= reasons
    assert leaks == {}
    assert english == {}


# ---------------------------------------------------------------- the window's translations

def test_every_window_string_has_a_finished_chinese_translation_in_words(store):
    """resources/i18n/ipdesk_zh_CN.ts: each source string translated (not empty, not 'unfinished'
    or obsolete), no English token or code in the translation that is not a placeholder of the
    source, and the placeholders of the source kept."""
    db, _ = store
    v = Vocabulary(db)
    root = ElementTree.parse(ROOT / "resources" / "i18n" / "ipdesk_zh_CN.ts").getroot()
    problems, n = [], 0
    for ctx in root.iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            n += 1
            source, tr = msg.findtext("source") or "", msg.find("translation")
            text = (tr.text or "") if tr is not None else ""
            where = f"{name}: {source[:60]!r}"
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
                problems.append(f"{where}: not translated")
                continue
            fields = set(re.findall(r"\{[a-z_]+\}|%\d", source))
            if fields != set(re.findall(r"\{[a-z_]+\}|%\d", text)):
                problems.append(f"{where}: placeholders {sorted(fields)} → {text!r}")
            literal = re.sub(r"\{[a-z_]+\}|%\d|&(?=\w)", "", text)
            found = v.leaks(literal)
            if found:
                problems.append(f"{where}: {found} in {text!r}")
            if re.search(r"[a-z]{4,}", source) and not CJK.search(text) and not re.fullmatch(r"[\W\d_A-Z]*", text):
                problems.append(f"{where}: left in English: {text!r}")
    assert n > 300
    assert problems == [], "\n".join(problems)


# ---------------------------------------------------------------- the documents' words

def test_the_documents_words_cover_every_rule_state_and_comparator(store):
    from types import SimpleNamespace as T

    from app.models.catalogue import indicators
    from app.services.report import sheet_words, words

    db, _ = store
    v = Vocabulary(db)
    rules = {f.rule for f in every_finding(db)} | {"range", "benford"}
    assert rules <= set(words.RULE_ZH), rules - set(words.RULE_ZH)
    texts = [words.state_text(s, final) for s in STATES for final in (True, False)]
    texts += [sheet_words.requirement_zh(T(comparator=c, target=None, unit="件", target_year=2025))
              for c in ("increase", "reported", ">=", "<=", "growth>=")]
    texts += list(words.RULE_ZH.values()) + list(words.SEVERITY_ZH.values()) + list(words.ALL_INDICATORS.values())
    texts += [sheet_words.method_zh("linear least squares over 2016–2021 (6 points)"),
              sheet_words.method_zh("not enough data (fewer than 3 annual values)")]
    targets = db.execute("select clause_text from targets where clause_text is not null").fetchall()
    texts += [sheet_words.clause_zh(t) for (t,) in targets]
    cat = indicators(db)
    names = dict(db.execute("select code, name_zh from regions"))
    texts += [words.finding_label(f, names, cat) for f in every_finding(db)]
    leaks = {t: v.leaks(t) for t in texts if v.leaks(t)}
    assert leaks == {}


# ---------------------------------------------------------------- the audit trail's verification

def test_every_audit_difference_is_described_in_words(demo_db):
    """``audit.describe`` for a store edited behind the app's back in each way it names."""
    from app.models import audit
    from app.models.checks import explain
    from app.models.values import set_text

    v = Vocabulary(demo_db)
    explain(demo_db, "320100", 2024, "yoy", "INV_GRANTS", "新区划调整")
    set_text(demo_db, "320800", "INV_GRANTS", "2024", "3000")
    lines = audit.describe(demo_db, audit.verify(demo_db), "zh")
    con = sqlite3.connect(demo_db.path, isolation_level=None)
    con.execute('update "values" set value = \'1\' where region=\'320100\' and indicator=\'INV_GRANTS\' and period=\'2024\'')
    con.execute('update "values" set note = \'改过\' where region=\'320200\' and indicator=\'INV_GRANTS\' and period=\'2024\'')
    con.execute("update explanations set text = '随便' where region = '320100' and rule = 'yoy'")
    con.execute("update region_years set status = 'draft' where region = '320100' and year = 2022")
    con.execute('delete from "values" where region=\'320300\' and indicator=\'GI_PRODUCTS\' and period=\'2024\'')
    res = audit.verify(demo_db)
    kinds = {d["kind"] for d in res.differences}
    lines += audit.describe(demo_db, res, "zh")
    for change in ("update audit set old = 'x' where id = 9", "update audit set prev_hash = ? where id = 7"):
        con.execute("drop trigger if exists audit_no_update")
        con.execute(change, ["f" * 64] if "?" in change else [])
        res = audit.verify(demo_db)
        kinds.add(res.reason)
        lines += audit.describe(demo_db, res, "zh")
    con.execute("drop trigger if exists audit_no_delete")
    con.execute("delete from audit where id = (select max(id) from audit)")
    res = audit.verify(demo_db)
    kinds.add(res.reason)
    lines += audit.describe(demo_db, res, "zh")
    con.close()
    print(f"\n{len(lines)} lines for {sorted(kinds)}")
    assert {"value", "state", "explanation", "hash", "link"} <= kinds, kinds
    leaks = {line: v.leaks(line) for line in lines if v.leaks(line)}
    assert leaks == {}


def test_a_field_that_is_not_what_it_must_be_says_so_in_chinese(demo_db, tmp_path):
    """csv_bad_field: what the field must be (``why``) in Chinese, raised for real."""
    import pytest

    from app.models.catalogue import add_region, check_config
    from app.models.errors import InputError
    from app.models.targets import add_own_target

    bad = tmp_path / "checks.csv"
    bad.write_text("code,band,over_year\nINV_GRANTS,-3,\n", encoding="utf-8")
    raised = []
    for attempt in (lambda: add_own_target(demo_db, "320100", "INV_GRANTS", "~", "1", 2025),
                    lambda: add_region(demo_db, "329999", "测试", parent="320000", level="town"),
                    lambda: check_config(bad)):
        with pytest.raises(InputError) as err:
            attempt()
        raised.append(err.value.message("zh"))
    assert "应为 <=（不高于）" in raised[0] and "应为 nation（全国）" in raised[1] and "应为大于 0 的数" in raised[2]
    assert not any(re.search(r"\((?:[a-z]+ ?)+\)|（[a-z ,/]+）$", m) for m in raised), raised
