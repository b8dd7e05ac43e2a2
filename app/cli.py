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

from app.cli_parser import Parser as _Parser  # the parser in the user's language (argparse's words too)
from app.cli_parser import Version as _Version
from app.cli_parser import choose_lang, said

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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
    if not create and getattr(db, "damaged", None):     # a verb that reads: say the store is damaged and which
        print(db.damage_message(_lang(args)), file=sys.stderr)     # backup to restore (a write is refused saying it)
    _resolve_names(db, args)
    return db


# arguments that name a region or an indicator, by verb (None: every verb); the value may be a code or a name
REGION_ARGS = {"region": None, "parent": ("regions",)}
INDICATOR_ARGS = {"indicator": None, "indicators": None}


def _resolve_names(db, args) -> None:
    """Regions and indicators named by code or by name (江苏, 南京市, 有效发明专利拥有量) become their codes,
    in place, as soon as the store is open: every verb then sees codes (app.models.names decides)."""
    from app.models.names import resolve_indicator, resolve_region

    year = getattr(args, "year", None)
    year = year if isinstance(year, int) else None
    verb = getattr(args, "verb", None)

    def each(value, resolve):
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value if value in (None, "", "*") else resolve(value)

    for name, verbs in REGION_ARGS.items():
        if getattr(args, name, None) and (verbs is None or verb in verbs):
            setattr(args, name, each(getattr(args, name), lambda t: resolve_region(db, t, year)))
    task = getattr(args, "rule", None) == "task_overdue"      # explain …: the "indicator" is a task id
    for name, verbs in INDICATOR_ARGS.items():
        if getattr(args, name, None) and (verbs is None or verb in verbs) and not task:
            setattr(args, name, each(getattr(args, name), lambda t: resolve_indicator(db, t)))


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


LEVEL_ZH = {"nation": "全国", "province": "省级", "prefecture": "地市级", "county": "县级", "unit": "单位"}
COMPARATOR_ZH = {">=": "不低于", "<=": "不高于", "growth>=": "增长不低于", "increase": "高于上年", "reported": "须填报"}
SCOPE_ZH = {"national": "全国", "each_region": "各地区", "region": "本地区"}


def requirement(comparator: str, value, lang: str) -> str:
    """A target's requirement in words: 不低于 26, 增长不低于 10%, 高于上年, 须填报 (``>= 26`` in English).

    >>> requirement("growth>=", 10.0, "zh"), requirement("reported", None, "zh"), requirement("<=", 16.5, "en")
    ('增长不低于 10%', '须填报', '<= 16.5')
    """
    shown = "" if value is None else f"{value:g}"
    if lang != "zh":
        return f"{comparator} {shown}".strip()
    return f"{COMPARATOR_ZH.get(comparator, comparator)} {shown}{'%' if comparator == 'growth>=' and shown else ''}".strip()


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(said("%r is not a year", text)) from None
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(said("%d is outside 1990–2100", year))
    return year


# ---------------------------------------------------------------- verbs

def cmd_demo(args) -> int:
    from app.services.demo import make_demo

    db = _open(args)
    n = make_demo(db, force=args.force)
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
        _table([[r.code, r.level if lang == "en" else LEVEL_ZH.get(r.level, r.level), r.name(lang),
                 r.parent or "" if lang == "en" else regs[r.parent].name_zh if r.parent in regs else ""] for r in rows],
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


def _scope(args) -> str:
    return "all" if getattr(args, "all_below", False) else "children" if getattr(args, "children", False) else "self"


def cmd_check(args) -> int:
    from app.models.catalogue import indicators, regions
    from app.models.findings import findings as load_findings
    from app.models.findings import subject_name

    db = _check_region_year(args)
    fs = load_findings(db, args.region, args.year, below=_scope(args))
    lang = _lang(args)
    if args.json:
        _print_json([{"region": f.region, "indicator": f.indicator, "period": f.period, "severity": f.severity,
                      "rule": f.rule, "message": f.message(lang), "document": f.document, "clause": f.clause,
                      "explanation": f.explanation} for f in fs])
    else:
        sev = {"blocking": "阻断", "explain": "需说明", "info": "提示"} if lang == "zh" else {}
        regs, inds = regions(db), indicators(db)
        for f in fs:
            extra = f"  [{'已说明' if lang == 'zh' else 'explained'}: {f.explanation}]" if f.explanation else ""
            if lang == "zh":      # names, not catalogue codes or rule ids (those are in --json)
                name = subject_name(f, inds)
                print(f"{sev.get(f.severity, f.severity)}\t{regs[f.region].name_zh}\t{name}\t{f.period}\t{f.message(lang)}{extra}")
            else:
                print(f"{f.severity}\t{f.region}\t{f.indicator}\t{f.period}\t{f.rule}\t{f.message(lang)}{extra}")
        c = fs.counts(everywhere=True)
        print(f"blocking {c['blocking']}, explain {c['explain']} (unexplained {c['unexplained']}), info {c['info']}"
              if lang == "en" else
              f"阻断 {c['blocking']} 项，需说明 {c['explain']} 项（未说明 {c['unexplained']} 项），提示 {c['info']} 项")
    return EXIT_FINDINGS if fs.blocking(everywhere=True) else EXIT_OK


def cmd_status(args) -> int:
    from app.models.messages import render
    from app.models.targets import SYMBOL, status_for

    from app.models.catalogue import region
    from app.models.findings import findings as load_findings
    from app.models.states import region_year_status, status_label

    db = _check_region_year(args)
    rows = status_for(db, args.region, args.year)
    lang = _lang(args)
    if not args.json:     # the region-year's state and open findings: the same findings as check and the window
        c = load_findings(db, args.region, args.year).counts()
        st = status_label(region_year_status(db, args.region, args.year), lang)
        print(f"{region(db, args.region).name(lang)} {args.year}: {st}; blocking {c['blocking']}, "
              f"unexplained {c['unexplained']}" if lang == "en" else
              f"{region(db, args.region).name_zh} {args.year} 年：{st}；阻断 {c['blocking']} 项，未说明 {c['unexplained']} 项")
    keys = ("indicator", "target", "comparator", "target_year", "latest_value", "latest_period", "status",
            "projected_value", "required_annual_change", "document", "clause", "clause_text", "doc_no", "pack",
            "projection_method", "growth_pct")
    if args.json:
        _print_json([{k: r.get(k) for k in keys} for r in rows])
        return EXIT_OK

    def num(v, d):
        return "" if v is None else f"{v:,.{d}f}"

    rows_out = [[r["indicator"], r["indicator_name"], requirement(r["comparator"], r["target"], lang),
                 r["target_year"], num(r["latest_value"], r["decimals"]), r["latest_period"] or "",
                 f"{SYMBOL[r['status']]} {render('status_' + r['status'], lang)}", num(r["projected_value"], r["decimals"]),
                 num(r["required_annual_change"], r["decimals"]), f"{r['document']} {r['clause'] or ''}".strip()]
                for r in rows]
    if lang == "en":
        _table(rows_out, ["indicator", "name", "target", "year", "latest", "period", "status", "projected",
                          "needed/yr", "source"])
    else:                # names, not catalogue codes (those are in --json)
        _table([r[1:] for r in rows_out], ["指标", "目标", "目标年", "最新值", "期间", "状态", "预测值", "年均需变化", "依据"])
    return EXIT_OK


def cmd_explain(args) -> int:
    from app.models.review import explain

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
        elif lang == "en":
            _table([[t.id, t.pack, t.indicator, t.scope + (f":{t.region}" if t.region else ""), t.comparator,
                     "" if t.value is None else f"{t.value:g}", t.year, t.clause or ""] for t in rows],
                   ["id", "pack", "indicator", "scope", "cmp", "value", "year", "clause"])
        else:            # names and words, not codes or comparator tokens (those are in --json)
            from app.models.catalogue import indicators, regions

            inds, regs = indicators(db), regions(db)
            _table([[t.id, t.pack, inds[t.indicator].name_zh if t.indicator in inds else t.indicator,
                     regs[t.region].name_zh if t.region in regs else SCOPE_ZH.get(t.scope, t.scope),
                     requirement(t.comparator, t.value, lang), t.year, t.clause or ""] for t in rows],
                   ["编号", "目标包", "指标", "适用范围", "要求", "年度", "条款"])
    return EXIT_OK


# ---------------------------------------------------------------- parser

def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The parser in ``lang`` (default: ``--lang`` in sys.argv, then IPDESK_LANG, then Chinese); help
    texts are ``(english, chinese)`` pairs. ``parse_args`` honours a ``--lang`` in the arguments it is given."""
    lang = lang or choose_lang()
    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")
    p = _Parser(prog="ipdesk", lang=lang, rebuild=build_parser,
                description=("ipdesk — IP indicator entry, checks and targets. Without a verb the desktop window opens.",
                             "ipdesk 知识产权指标填报与核查。不带命令时打开桌面窗口。"))
    p.add_argument("--version", action=_Version, nargs=0,
                   help=("version, data directory and schema versions", "显示版本、数据目录和数据库结构版本"))
    p.add_argument("--db", help=("store file (default: IPDESK_DB or the user's data directory)",
                                 "数据库文件（默认：环境变量 IPDESK_DB，或用户数据目录）"))
    p.add_argument("--lang", choices=["zh", "en"], help=("language of messages (default zh, or IPDESK_LANG)",
                                                          "提示语言（默认 zh 中文，或按环境变量 IPDESK_LANG）"))
    p.add_argument("--demo", action="store_true", help=("open the window on a fresh demo store",
                                                        "用新建的示例数据库打开窗口"))
    p.add_argument("--self-test", dest="self_test", action="store_true",
                   help=("open the window offscreen on a fresh demo store, render it, check fonts and store, exit",
                         "在后台用示例数据库打开窗口并绘制一次，检查字体和数据库后退出（自检）"))
    sub = p.add_subparsers(dest="verb", parser_class=_Parser, metavar=p.pick(("VERB", "命令")))
    p.verbs = sub.choices

    def verb(name, func, help_text):
        text = p.pick(help_text).replace("%", "%%")
        sp = sub.add_parser(name, help=text, description=text, lang=lang)
        sp.set_defaults(func=func)
        sp.add_argument("--db", default=argparse.SUPPRESS, help=("store file", "数据库文件"))
        sp.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help=("message language", "提示语言"))
        return sp

    def region_year(sp):
        sp.add_argument("--region", required=True, help=("region: code or name, e.g. 320000, 江苏省, 南京",
                                                         "地区：代码或名称，如 320000、江苏省、南京"))
        sp.add_argument("--year", required=True, type=_year, help=("year, e.g. 2022", "年度，如 2022"))

    sp = verb("demo", cmd_demo, ("create a demo store: Jiangsu and its 13 cities, 2016–2024; a store holding values the "
                                 "demo did not write is refused (exit 2) unless --force",
                                 "创建示例数据库：江苏省及其 13 个设区市，2016–2024 年；数据库中已有非示例写入的数值时"
                                 "拒绝执行（退出码 2），除非加 --force"))
    sp.add_argument("--force", action="store_true",
                    help=("write the demo data over values it did not write (typed, imported, received); "
                          "their notes are cleared", "强制以示例数据覆盖非示例写入的数值（填报、导入、接收的），其说明一并清除"))

    sp = verb("regions", cmd_regions, ("list regions; 'add' a reporting unit; 'import' a division file",
                                       "地区：列出地区；add 添加填报单位；import 导入区划文件"))
    sp.add_argument("action", nargs="?", choices=["list", "add", "import"], default="list")
    sp.add_argument("file", nargs="?", metavar=sp.pick(("file", "文件")),
                    help=("CSV for import: code,parent,level,name_zh,name_en,valid_from,valid_to",
                          "import 用的 CSV 文件，列为 code,parent,level,name_zh,name_en,valid_from,valid_to"))
    sp.add_argument("--parent", help=("filter by / parent of the new region", "按上级地区筛选 / 新地区的上级"))
    sp.add_argument("--level", help=("filter by / level of the new region (nation/province/prefecture/county/unit)",
                                     "按层级筛选 / 新地区的层级（nation 全国、province 省、prefecture 地市、county 县区、"
                                     "unit 单位）"))
    sp.add_argument("--code", help=("code of the new region (may be non-numeric, e.g. XJBT)",
                                    "新地区的代码（可以不是数字，如 XJBT）"))
    sp.add_argument("--name-zh", dest="name_zh", help=("Chinese name of the new region", "新地区的中文名称"))
    sp.add_argument("--name-en", dest="name_en", help=("English name of the new region", "新地区的英文名称"))
    sp.add_argument("--valid-from", dest="valid_from", help=("valid from (date)", "启用日期"))
    sp.add_argument("--valid-to", dest="valid_to", help=("valid until (date)", "停用日期"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("indicators", cmd_indicators, ("list the indicator catalogue", "指标目录：列出全部指标"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("set", cmd_set, ("set one value as a clerk types it: 1,234 / １２３４ / 3.2万 / 12.5%",
                               "填报一个数值，按平常的写法即可：1,234 / １２３４ / 3.2万 / 12.5%"))
    sp.add_argument("region", metavar=sp.pick(("region", "地区")),
                    help=("region: code or name (320100, 南京市, 南京)", "地区：代码或名称（320100、南京市、南京）"))
    sp.add_argument("indicator", metavar=sp.pick(("indicator", "指标")),
                    help=("indicator: code or name (INV_GRANTS, 发明专利授权量)", "指标：代码或名称（INV_GRANTS、发明专利授权量）"))
    sp.add_argument("period", metavar=sp.pick(("period", "期间")),
                    help=("2022, 2022Q3 or 2022-07", "期间：2022、2022Q3 或 2022-07"))
    sp.add_argument("text", metavar=sp.pick(("text", "数值")), help=("the value as typed", "数值，按输入的原样"))
    sp.add_argument("--note", help=("note stored with the value", "随数值保存的备注"))
    sp.add_argument("--source", help=("source of the figure", "数据来源"))
    sp.add_argument("--why", help=("reason recorded in the audit trail", "修改原因（记入审计记录）"))

    sp = verb("check", cmd_check, ("run the checks for a region-year; exit 1 when blocking findings exist",
                                   "核查一个地区年度的数据；有阻断问题时退出码为 1"))
    region_year(sp)
    sp.add_argument("--children", action="store_true", help=("also check the direct subordinate regions (cities)",
                                                             "同时核查直属下级地区（如各设区市）"))
    sp.add_argument("--all-below", dest="all_below", action="store_true",
                    help=("also check every region below (cities, counties, units)", "同时核查全部下级地区（市、县、单位）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("status", cmd_status, ("target status with projection and needed annual change",
                                     "目标进度：完成情况、趋势预测和年均需变化"))
    region_year(sp)
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("explain", cmd_explain, ("store the explanation for an explain-level finding",
                                       "情况说明：为需说明的核查问题填写说明"))
    region_year(sp)
    sp.add_argument("rule", metavar=sp.pick(("rule", "规则")),
                    help=("rule of the finding: yoy, outlier, sum, falling, benford",
                          "问题所属规则：yoy 同比变化、outlier 历史变化异常、sum 与下级合计不符、falling 不增反降、"
                          "benford 首位数字分布"))
    sp.add_argument("indicator", metavar=sp.pick(("indicator", "指标")),
                    help=("indicator of the finding: code or name (* for benford)", "问题所属指标：代码或名称（首位数字分布用 *）"))
    sp.add_argument("text", metavar=sp.pick(("text", "说明")), help=("the explanation", "说明内容"))
    sp.add_argument("--period", help=("period of the finding (default: the year)", "问题所属期间（默认为该年度）"))

    sp = verb("audit", cmd_audit, ("show the audit trail, or --verify its hash chain",
                                   "审计记录：查看修改记录，或用 --verify 校验其哈希链"))
    sp.add_argument("--verify", action="store_true", help=("exit 1 when the trail was altered outside ipdesk",
                                                           "校验审计记录；在 ipdesk 之外被改动时退出码为 1"))
    sp.add_argument("--region", help=("only this region (code or name)", "只看此地区（代码或名称）"))
    sp.add_argument("--indicator", help=("only this indicator (code or name)", "只看此指标（代码或名称）"))
    sp.add_argument("--period", help=("only this period", "只看此期间"))
    sp.add_argument("--limit", type=int, default=50, help=("how many of the latest rows (default 50)",
                                                           "显示最近多少条（默认 50）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("targets", cmd_targets, ("list, import, edit or add targets", "目标管理：列出、导入、修改或添加目标"))
    sp.add_argument("action", nargs="?", choices=["list", "import", "edit", "add"], default="list")
    sp.add_argument("file", nargs="?", metavar=sp.pick(("file", "文件")),
                    help=("CSV pack for import", "import 用的目标包 CSV 文件"))
    sp.add_argument("--id", type=int, help=("target id to edit", "要修改的目标编号"))
    sp.add_argument("--pack", help=("only this target pack", "只看此目标包"))
    sp.add_argument("--region", help=("filter / region for an own target (code or name)",
                                      "按地区筛选 / 本地区自定目标的地区（代码或名称）"))
    sp.add_argument("--indicator", help=("indicator (code or name)", "指标（代码或名称）"))
    sp.add_argument("--comparator", choices=["<=", ">=", "growth>=", "increase", "reported"],
                    help=("<= not above, >= not below, growth>= growth not below, increase above last year, "
                          "reported must be reported", "<= 不高于、>= 不低于、growth>= 增长不低于、increase 高于上年、"
                          "reported 须填报"))
    sp.add_argument("--value", help=("target value", "目标值"))
    sp.add_argument("--year", type=int, help=("target year", "目标年度"))
    sp.add_argument("--from-year", dest="from_year", type=int, help=("first year it applies to", "起始年度"))
    sp.add_argument("--clause", help=("clause of the document", "文件条款"))
    sp.add_argument("--text", help=("wording of the clause", "条款原文"))
    sp.add_argument("--document", help=("document the target comes from", "目标出处文件"))
    sp.add_argument("--self-only", dest="self_only", action="store_true",
                    help=("not for subordinate regions", "不适用于下级地区"))
    sp.add_argument("--why", help=("reason recorded in the audit trail", "修改原因（记入审计记录）"))
    sp.add_argument("--json", action="store_true", help=JSON)


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
PLUGIN_VERBS = ("app.cli_review", "app.cli_sheets", "app.cli_report", "app.cli_package", "app.cli_store",
                "app.cli_tasks")


def main(argv: list[str] | None = None) -> int:
    """The command line alone: a verb is run; without one, a line says where the window is (exit 2).
    The ``ipdesk`` command is :func:`app.__main__.main`, which opens the window without a verb."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(choose_lang(argv)).parse_args(argv)
    if not args.verb:
        sys.stderr.write("ipdesk: 未指定命令（见 ipdesk --help）；打开窗口请运行 python -m app\n"
                         if _lang(args) == "zh" else
                         "ipdesk: no verb given (see ipdesk --help); the window: python -m app\n")
        return EXIT_USAGE
    return run(args)


def run(args) -> int:
    """Run the verb of parsed ``args`` (from :func:`build_parser`): its exit code, an error as one line."""
    if args.lang:
        os.environ["IPDESK_LANG"] = args.lang
    from app.models.errors import IpdeskError

    import sqlite3

    try:
        return args.func(args)
    except IpdeskError as exc:
        sys.stderr.write(f"ipdesk {args.verb}: {exc.message(_lang(args))}\n")
        return EXIT_USAGE
    except sqlite3.Error as exc:          # a read that met a busy, full or damaged store: its cause in one line
        from app.models.db import default_path
        from app.models.storefile import translate

        err = translate(exc, getattr(args, "db", None) or default_path())
        text = err.message(_lang(args)) if isinstance(err, IpdeskError) else str(exc)
        sys.stderr.write(f"ipdesk {args.verb}: {text}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
