"""``ipdesk`` — the command line over the same services as the window.

Exit codes scripts can trust: 0 done (``check``: no blocking finding), 1 ``check`` found
blocking findings / ``audit --verify`` found tampering, 2 usage or input error (one line
on stderr, nothing written). ``--json`` prints a list of objects. No Qt is imported here
unless the window is asked for.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from app import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message):  # noqa: D401
        sys.stderr.write(f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


class _Version(argparse.Action):
    """``ipdesk --version``: the app's version, where the data lives, and the store's schema."""

    def __call__(self, parser, namespace, values, option_string=None):
        import sqlite3

        from app.models.db import SCHEMA_VERSION, default_path

        path = default_path() if not getattr(namespace, "db", None) else namespace.db
        lines = [f"ipdesk {__version__}", f"data directory: {os.path.dirname(os.path.abspath(path))}",
                 f"schema: {SCHEMA_VERSION} (this ipdesk)"]
        if os.path.exists(path):
            try:
                con = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
                found = con.execute("select value from meta where key = 'schema_version'").fetchone()
                con.close()
                lines.append(f"store: {path} (schema {found[0] if found else '?'})")
            except sqlite3.Error as exc:
                lines.append(f"store: {path} (unreadable: {exc})")
        else:
            lines.append(f"store: {path} (not created yet)")
        print("\n".join(lines))
        parser.exit()


def _lang(args) -> str:
    from app.models.messages import default_lang

    return getattr(args, "lang", None) or default_lang()


def _open(args, *, create: bool = True):
    """The store named by --db / IPDESK_DB / the data directory; verbs that only read never create one."""
    from pathlib import Path

    from app.models.db import default_path, open_store
    from app.models.errors import NotFoundError

    path = Path(args.db or default_path())
    if not create and not path.exists():
        raise NotFoundError("store_missing", text=str(path))
    from app.models.db import upgrade_due

    due = os.access(path, os.W_OK) and upgrade_due(path)      # (read-only: open_store says why)
    zh = _lang(args) == "zh"
    if due:      # on stderr: standard output stays the command's own (JSON for scripts)
        print(f"正在升级数据库以适配当前版本（原数据库会先备份）：{path}" if zh
              else f"upgrading the store for this version of ipdesk (a copy is kept first): {path}", file=sys.stderr)
    db = open_store(path)
    if due and db.backup_path:
        print(f"已升级；升级前的副本：{db.backup_path}" if zh else f"upgraded; the copy from before: {db.backup_path}",
              file=sys.stderr)
    return db


def _print_json(rows) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def _table(rows: list[list], headers: list[str]) -> None:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = [headers] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in cols) for i in range(len(headers))]
    for n, r in enumerate(cols):
        print("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(r)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{year} is outside 1990–2100")
    return year


# ---------------------------------------------------------------- verbs

def cmd_demo(args) -> int:
    from app.services.demo import make_demo

    db = _open(args)
    n = make_demo(db)
    print(f"demo store ready: {db.path} ({n} values)" if _lang(args) == "en" else f"示例数据库已就绪：{db.path}（{n} 个数值）")
    return EXIT_OK


def cmd_regions(args) -> int:
    from app.models import catalogue, reference

    db = _open(args, create=False)
    lang = _lang(args)
    if args.action == "add":
        r = catalogue.add_region(db, args.code, args.name_zh, parent=args.parent, level=args.level,
                                 name_en=args.name_en or "", valid_from=args.valid_from, valid_to=args.valid_to)
        print(f"{r.code} {r.name_zh}")
        return EXIT_OK
    if args.action == "import":
        n = reference.import_regions(db, args.file)
        print(f"{n} regions imported" if lang == "en" else f"已导入 {n} 个地区")
        return EXIT_OK
    regs = catalogue.regions(db)
    rows = [r for r in regs.values() if (not args.parent or r.parent == args.parent) and (not args.level or r.level == args.level)]
    if args.json:
        _print_json([{"code": r.code, "parent": r.parent, "level": r.level, "name_zh": r.name_zh, "name_en": r.name_en,
                      "valid_from": r.valid_from, "valid_to": r.valid_to} for r in rows])
    else:
        _table([[r.code, r.level, r.name(lang), r.parent or ""] for r in rows],
               ["code", "level", "name", "parent"] if lang == "en" else ["代码", "层级", "名称", "上级"])
    return EXIT_OK


def cmd_indicators(args) -> int:
    from app.models.catalogue import indicators

    db = _open(args, create=False)
    lang = _lang(args)
    inds = indicators(db)
    if args.json:
        _print_json([i._asdict() for i in inds.values()])
    else:
        _table([[i.code, i.name(lang), i.unit(lang), i.direction, i.aggregate, i.formula or ""] for i in inds.values()],
               ["code", "name", "unit", "better", "aggregate", "formula"] if lang == "en"
               else ["代码", "名称", "单位", "方向", "汇总", "公式"])
    return EXIT_OK


def cmd_set(args) -> int:
    from app.models.values import set_text

    db = _open(args)
    res = set_text(db, args.region, args.indicator, args.period, args.text, note=args.note, source=args.source, why=args.why)
    lang = _lang(args)
    if res.written:
        print("saved" if lang == "en" else "已保存")
    else:
        print("unchanged" if lang == "en" else "数值未变化")
    return EXIT_OK


def _check_region_year(args):
    from app.models.catalogue import region

    db = _open(args, create=False)
    region(db, args.region)
    return db


def cmd_check(args) -> int:
    from app.models.checks import check

    db = _check_region_year(args)
    findings = check(db, args.region, args.year, with_children=args.children, all_below=args.all_below)
    lang = _lang(args)
    if args.json:
        _print_json([{"region": f.region, "indicator": f.indicator, "period": f.period, "severity": f.severity,
                      "rule": f.rule, "message": f.message(lang), "document": f.document, "clause": f.clause,
                      "explanation": f.explanation} for f in findings])
    else:
        sev = {"blocking": "阻断", "explain": "需说明", "info": "提示"} if lang == "zh" else {}
        for f in findings:
            extra = f"  [{'已说明' if lang == 'zh' else 'explained'}: {f.explanation}]" if f.explanation else ""
            print(f"{sev.get(f.severity, f.severity)}\t{f.region}\t{f.indicator}\t{f.period}\t{f.rule}\t{f.message(lang)}{extra}")
        counts = {s: sum(f.severity == s for f in findings) for s in ("blocking", "explain", "info")}
        print(f"blocking {counts['blocking']}, explain {counts['explain']}, info {counts['info']}" if lang == "en"
              else f"阻断 {counts['blocking']} 项，需说明 {counts['explain']} 项，提示 {counts['info']} 项")
    return EXIT_FINDINGS if any(f.severity == "blocking" for f in findings) else EXIT_OK


def cmd_status(args) -> int:
    from app.models.messages import render
    from app.models.targets import SYMBOL, status_for

    db = _check_region_year(args)
    rows = status_for(db, args.region, args.year)
    lang = _lang(args)
    keys = ("indicator", "target", "comparator", "target_year", "latest_value", "latest_period", "status",
            "projected_value", "required_annual_change", "document", "clause", "clause_text", "doc_no", "pack",
            "projection_method", "growth_pct")
    if args.json:
        _print_json([{k: r.get(k) for k in keys} for r in rows])
        return EXIT_OK

    def num(v, d):
        return "" if v is None else f"{v:,.{d}f}"

    _table([[r["indicator"], r["indicator_name"], r["comparator"] + ("" if r["target"] is None else f" {r['target']:g}"),
             r["target_year"], num(r["latest_value"], r["decimals"]), r["latest_period"] or "",
             f"{SYMBOL[r['status']]} {render('status_' + r['status'], lang)}", num(r["projected_value"], r["decimals"]),
             num(r["required_annual_change"], r["decimals"]), f"{r['document']} {r['clause'] or ''}"] for r in rows],
           ["indicator", "name", "target", "year", "latest", "period", "status", "projected", "needed/yr", "source"]
           if lang == "en" else ["指标", "名称", "目标", "目标年", "最新值", "期间", "状态", "预测值", "年均需变化", "依据"])
    return EXIT_OK


def cmd_explain(args) -> int:
    from app.models.checks import explain

    db = _check_region_year(args)
    explain(db, args.region, args.year, args.rule, args.indicator, args.text, period=args.period)
    print("explanation saved" if _lang(args) == "en" else "说明已保存")
    return EXIT_OK


def cmd_audit(args) -> int:
    from app.models import audit

    db = _open(args, create=False)
    lang = _lang(args)
    if args.verify:
        res = audit.verify(db)
        if args.json:
            _print_json([res.__dict__])
        elif res.ok:
            print(f"audit trail intact: {res.rows} rows" if lang == "en" else f"审计记录完整：共 {res.rows} 条")
        else:
            where = f"row id {res.first_bad}" if res.first_bad else "head"
            print((f"audit trail TAMPERED at {where} ({res.reason})" if lang == "en"
                   else f"审计记录被篡改：{where}（{res.reason}）"), file=sys.stderr)
        return EXIT_OK if res.ok else EXIT_FINDINGS
    if args.region:
        rows = audit.history(db, args.region, args.indicator, args.period)
    else:
        cols = ("id", "at", "who", "action", "region", "indicator", "period", "old", "new", "why")
        rows = [dict(zip(cols, r)) for r in db.execute(
            f"select {', '.join(cols)} from audit order by id desc limit ?", [args.limit])][::-1]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            old, new = audit.decode(r["old"]), audit.decode(r["new"])
            print(f"{r['id']}\t{r['at']}\t{r['who']}\t{r['action']}\t{r['region'] or ''}\t{r['indicator'] or ''}\t"
                  f"{r['period'] or ''}\t{(old or {}).get('v', '')} → {(new or {}).get('v', '')}\t{r['why'] or ''}")
    return EXIT_OK


def cmd_targets(args) -> int:
    from app.models import reference, targets

    db = _open(args)
    lang = _lang(args)
    if args.action == "import":
        n = reference.import_pack(db, args.file)
        print(f"{n} targets imported" if lang == "en" else f"已导入 {n} 条目标")
    elif args.action == "edit":
        targets.edit_target(db, args.id, value=args.value, year=args.year, comparator=args.comparator, why=args.why)
        print("target changed" if lang == "en" else "目标已修改")
    elif args.action == "add":
        tid = targets.add_own_target(db, args.region, args.indicator, args.comparator, args.value, args.year,
                                     from_year=args.from_year, clause=args.clause or "", clause_text=args.text or "",
                                     document=args.document or "", include_children=not args.self_only)
        print(f"target {tid} saved" if lang == "en" else f"目标 {tid} 已保存")
    else:
        rows = targets.list_targets(db, pack=args.pack, region=args.region)
        if args.json:
            _print_json([t.__dict__ for t in rows])
        else:
            _table([[t.id, t.pack, t.indicator, t.scope + (f":{t.region}" if t.region else ""), t.comparator,
                     "" if t.value is None else f"{t.value:g}", t.year, t.clause or ""] for t in rows],
                   ["id", "pack", "indicator", "scope", "cmp", "value", "year", "clause"])
    return EXIT_OK


def cmd_user(args) -> int:
    import getpass

    from app.models import workflow

    db = _open(args)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    workflow.add_user(db, args.name, args.role, password)
    print("user added" if _lang(args) == "en" else "用户已添加")
    return EXIT_OK


def cmd_workflow(args) -> int:
    import getpass

    from app.models import workflow
    from app.models.checks import check
    from app.models.errors import InputError

    db = _check_region_year(args)
    password = None
    if args.verb in ("approve", "unlock") and not args.user:
        raise InputError("user_needed")
    if args.verb in ("approve", "unlock"):
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    if args.verb == "unlock":
        workflow.unlock(db, args.region, args.year, user=args.user, password=password, why=args.why or "")
    else:
        target = {"complete": "complete", "submit": "submitted", "approve": "approved", "reopen": "draft"}[args.verb]
        blocking = sum(f.severity == "blocking" for f in check(db, args.region, args.year)) if target != "draft" else 0
        workflow.set_status(db, args.region, args.year, target, user=args.user, password=password, why=args.why,
                            blocking=blocking)
    from app.models.values import region_year_status

    print(region_year_status(db, args.region, args.year))
    return EXIT_OK


def cmd_aggregate(args) -> int:
    from app.models.aggregate import aggregate_into

    db = _check_region_year(args)
    n = aggregate_into(db, args.region, args.year)
    print(f"{n} values aggregated" if _lang(args) == "en" else f"已汇总 {n} 个数值")
    return EXIT_OK


# ---------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ipdesk", description="ipdesk 知识产权指标填报与核查 — IP indicator entry, checks and targets. "
                "Without a verb the desktop window opens.")
    p.add_argument("--version", action=_Version, nargs=0, help="version, data directory and schema versions")
    p.add_argument("--db", help="store file (default: IPDESK_DB or the user's data directory)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default zh, or IPDESK_LANG)")
    p.add_argument("--demo", action="store_true", help="open the window on a fresh demo store")
    p.add_argument("--self-test", dest="self_test", action="store_true",
                   help="open the window offscreen on a fresh demo store, render it, check fonts and store, exit")
    sub = p.add_subparsers(dest="verb", parser_class=_Parser, metavar="VERB")

    def verb(name, func, help_text):
        sp = sub.add_parser(name, help=help_text.replace("%", "%%"), description=help_text.replace("%", "%%"))
        sp.set_defaults(func=func)
        sp.add_argument("--db", default=argparse.SUPPRESS, help="store file")
        sp.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="message language")
        return sp

    def region_year(sp):
        sp.add_argument("--region", required=True, help="region code, e.g. 320000")
        sp.add_argument("--year", required=True, type=_year, help="year, e.g. 2022")

    verb("demo", cmd_demo, "create a demo store: Jiangsu and its 13 cities, 2016–2024 (创建示例数据)")

    sp = verb("regions", cmd_regions, "list regions; 'add' a reporting unit; 'import' a division file (地区)")
    sp.add_argument("action", nargs="?", choices=["list", "add", "import"], default="list")
    sp.add_argument("file", nargs="?", help="CSV for import: code,parent,level,name_zh,name_en,valid_from,valid_to")
    sp.add_argument("--parent", help="filter by / parent of the new region")
    sp.add_argument("--level", help="filter by / level of the new region (nation/province/prefecture/county/unit)")
    sp.add_argument("--code", help="code of the new region (may be non-numeric, e.g. XJBT)")
    sp.add_argument("--name-zh", dest="name_zh", help="Chinese name of the new region")
    sp.add_argument("--name-en", dest="name_en", help="English name of the new region")
    sp.add_argument("--valid-from", dest="valid_from")
    sp.add_argument("--valid-to", dest="valid_to")
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = verb("indicators", cmd_indicators, "list the indicator catalogue (指标目录)")
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = verb("set", cmd_set, "set one value as a clerk types it: 1,234 / １２３４ / 3.2万 / 12.5% (填报数值)")
    sp.add_argument("region")
    sp.add_argument("indicator")
    sp.add_argument("period", help="2022, 2022Q3 or 2022-07")
    sp.add_argument("text", help="the value as typed")
    sp.add_argument("--note", help="note stored with the value")
    sp.add_argument("--source", help="source of the figure")
    sp.add_argument("--why", help="reason recorded in the audit trail")

    sp = verb("check", cmd_check, "run the checks for a region-year; exit 1 when blocking findings exist (核查)")
    region_year(sp)
    sp.add_argument("--children", action="store_true", help="also check the direct subordinate regions (cities)")
    sp.add_argument("--all-below", dest="all_below", action="store_true",
                    help="also check every region below (cities, counties, units)")
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = verb("status", cmd_status, "target status with projection and needed annual change (目标进度)")
    region_year(sp)
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = verb("explain", cmd_explain, "store the explanation for an explain-level finding (情况说明)")
    region_year(sp)
    sp.add_argument("rule", help="rule of the finding: yoy, outlier, sum, falling, benford")
    sp.add_argument("indicator", help="indicator code of the finding (* for benford)")
    sp.add_argument("text", help="the explanation")
    sp.add_argument("--period", help="period of the finding (default: the year)")

    sp = verb("audit", cmd_audit, "show the audit trail, or --verify its hash chain (审计记录)")
    sp.add_argument("--verify", action="store_true", help="exit 1 when the trail was altered outside ipdesk")
    sp.add_argument("--region")
    sp.add_argument("--indicator")
    sp.add_argument("--period")
    sp.add_argument("--limit", type=int, default=50)
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = verb("targets", cmd_targets, "list, import, edit or add targets (目标管理)")
    sp.add_argument("action", nargs="?", choices=["list", "import", "edit", "add"], default="list")
    sp.add_argument("file", nargs="?", help="CSV pack for import")
    sp.add_argument("--id", type=int, help="target id to edit")
    sp.add_argument("--pack")
    sp.add_argument("--region", help="filter / region for an own target")
    sp.add_argument("--indicator")
    sp.add_argument("--comparator", choices=["<=", ">=", "growth>=", "increase", "reported"])
    sp.add_argument("--value")
    sp.add_argument("--year", type=int)
    sp.add_argument("--from-year", dest="from_year", type=int)
    sp.add_argument("--clause")
    sp.add_argument("--text", help="wording of the clause")
    sp.add_argument("--document")
    sp.add_argument("--self-only", dest="self_only", action="store_true", help="not for subordinate regions")
    sp.add_argument("--why")
    sp.add_argument("--json", action="store_true")

    sp = verb("user", cmd_user, "add a user (office heads approve and unlock) (用户)")
    sp.add_argument("action", choices=["add"])
    sp.add_argument("name")
    sp.add_argument("--role", choices=["clerk", "head"], default="head")
    sp.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    for name, text in (("complete", "mark a region-year complete (填报完成)"),
                       ("submit", "mark a region-year submitted (已报送)"),
                       ("approve", "approve and lock a region-year: office head + password (审批锁定)"),
                       ("unlock", "unlock an approved region-year: office head + password + reason (解锁)"),
                       ("reopen", "send a complete/submitted region-year back to draft (退回草稿)")):
        sp = verb(name, cmd_workflow, text)
        region_year(sp)
        sp.add_argument("--user", help="office head's user name (approve/unlock)")
        sp.add_argument("--why", help="reason recorded in the audit trail")
        sp.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    sp = verb("aggregate", cmd_aggregate, "sum a region's additive indicators from its subordinate regions (汇总)")
    region_year(sp)

    # verbs of the file services live beside them, one module each (calibre's cmd_* style)
    import importlib

    for name in PLUGIN_VERBS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_verbs(verb, region_year)
    return p


# Modules that add verbs: each has ``add_verbs(verb, region_year)`` where
# ``verb(name, func, help) -> subparser`` and ``region_year(subparser)`` adds --region/--year.
PLUGIN_VERBS = ("app.cli_sheets", "app.cli_report", "app.cli_package", "app.cli_store")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # a double-clicked file (the .ipdx association): ipdesk FILE opens the window on it
    if argv and not argv[0].startswith("-") and os.path.splitext(argv[0])[1].lower() in (".ipdx", ".ipdq", ".xlsx", ".xls", ".csv") \
            and os.path.exists(argv[0]):
        from app.ui.main import run_gui

        return run_gui(open_file=os.path.abspath(argv[0]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        os.environ["IPDESK_LANG"] = args.lang
    if not args.verb:
        if args.self_test:
            from app.ui.main import self_test

            return self_test()
        from app.ui.main import run_gui

        return run_gui(db=args.db, demo=args.demo)
    from app.models.errors import IpdeskError

    try:
        return args.func(args)
    except IpdeskError as exc:
        sys.stderr.write(f"ipdesk {args.verb}: {exc.message(_lang(args))}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
