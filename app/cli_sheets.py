"""CLI verbs for spreadsheets: ``template``, ``import`` and ``export-data``.

    ipdesk template --region 320100 --year 2024 -o 南京市2024.xlsx
    ipdesk import 南京市2024.xlsx            # dry run: exit 0 no problem, 1 problems listed
    ipdesk import 南京市2024.xlsx --apply    # writes all or nothing; exit 2 on any problem
    ipdesk export-data --region 320000 --children --year-from 2020 -o jiangsu.csv

Exit codes as everywhere: 0 done, 1 the dry run found problems, 2 usage error, unreadable
file or (with ``--apply``) nothing written. ``--json`` prints a list of one object (the
contract of every verb): for ``import`` the counts, the new/changed rows (all rows with
``--all``), problems and warnings with their place, and whether it was applied.
"""
from __future__ import annotations

import sys


def add_verbs(verb, region_year) -> None:
    from app.cli import _year

    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")
    sp = verb("template", cmd_template, ("write the fill-in workbook (.xlsx) for a region and year",
                                         "生成填报模板：为一个地区年度写出填报用的 .xlsx 工作簿"))
    region_year(sp)
    sp.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help=("where to write the template",
                                                                                "模板写到此文件"))
    sp.add_argument("--context", type=int, default=3, choices=range(0, 11), metavar="N",
                    help=("earlier years shown for reference (default 3)", "列出往年数据供参考的年数（默认 3）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("import", cmd_import, ("read a filled template or a long-format .xlsx/.xls/.csv (region, indicator, "
                                     "period, value, note); a dry run unless --apply",
                                     "导入：读取填好的模板，或长表格式的 .xlsx/.xls/.csv（地区、指标、期间、数值、说明）；"
                                     "不加 --apply 时只试导入"))
    sp.add_argument("file", metavar=sp.pick(("file", "文件")), help=("the .xlsx, .xls or .csv file",
                                                                     ".xlsx、.xls 或 .csv 文件"))
    sp.add_argument("--apply", action="store_true", help=("write the values (all of them, or nothing on any problem)",
                                                          "写入数值（全部写入；有任何问题则都不写）"))
    sp.add_argument("--region", help=("refuse a template made for another region (code or name)",
                                      "模板不是为此地区生成的则拒绝（代码或名称）"))
    sp.add_argument("--year", type=_year, help=("refuse a template made for another year",
                                                "模板不是为此年度生成的则拒绝"))
    sp.add_argument("--all", action="store_true", help=("also list the new values, not only the changed ones",
                                                        "同时列出新增的数值，而不只是修改的"))
    sp.add_argument("--why", help=("reason recorded in the audit trail (default: import FILE)",
                                   "原因，记入审计记录（默认：导入 文件名）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("export-data", cmd_export_data, ("export values in the long format (.csv or .xlsx) that import reads "
                                               "back", "导出数据：以长表格式（.csv 或 .xlsx）导出数值，可再导入"))
    sp.add_argument("--region", required=True, action="append", help=("region: code or name (repeat for several)",
                                                                      "地区：代码或名称（可重复给出多个）"))
    sp.add_argument("--children", action="store_true", help=("also the direct subordinate regions", "同时导出直属下级地区"))
    sp.add_argument("--all-below", dest="all_below", action="store_true", help=("also every region below",
                                                                                "同时导出全部下级地区"))
    sp.add_argument("--year-from", dest="year_from", type=_year, help=("first year", "起始年度"))
    sp.add_argument("--year-to", dest="year_to", type=_year, help=("last year", "截止年度"))
    sp.add_argument("--indicators", nargs="+", metavar="CODE", help=("only these indicators (codes or names)",
                                                                     "只导出这些指标（代码或名称）"))
    sp.add_argument("-o", "--output", required=True, metavar="FILE", help=("FILE.csv or FILE.xlsx",
                                                                           "写到 FILE.csv 或 FILE.xlsx"))
    sp.add_argument("--json", action="store_true", help=JSON)


def cmd_template(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.sheets.template import make_template

    db = _open(args, create=False)
    lang = _lang(args)
    res = make_template(db, args.region, args.year, args.output, context_years=args.context, lang=lang)
    if args.json:
        _print_json([{"file": str(res.path), "template_id": res.template_id, "region": res.region, "year": res.year,
                     "periods": res.periods, "indicators": res.indicators,
                     "warnings": [w.to_dict() for w in res.warnings]}])
        return EXIT_OK
    for w in res.warnings:
        print(("warning: " if lang == "en" else "提示：") + _say(db, w, lang))
    print(f"template written: {res.path} ({res.indicators} indicators, template {res.template_id})" if lang == "en"
          else f"模板已生成：{res.path}（{res.indicators} 个指标，模板编号 {res.template_id}）")
    return EXIT_OK


def _counts_line(counts: dict, lang: str) -> str:
    if lang == "en":
        return (f"new {counts['new']}, changed {counts['changed']}, unchanged {counts['unchanged']}, "
                f"empty {counts['skipped']}")
    return f"新增 {counts['new']}，修改 {counts['changed']}，未变 {counts['unchanged']}，空白 {counts['skipped']}"


def _say(db, exc, lang: str) -> str:
    """A problem or warning for people: in Chinese its place by names (place_names), not codes."""
    from app.services.place_names import message

    return message(db, exc, lang) if lang == "zh" else exc.message(lang)


def _row_line(r, lang: str, names: dict | None = None) -> str:
    """One change of an import; in Chinese the region and the indicator by name (``names``: code → name)."""
    from app.models.errors import one_line

    names = names or {}
    where = f"{r.sheet} " if r.sheet else ""
    where += f"row {r.row}" if lang == "en" else f"第 {r.row} 行"
    label = {"new": ("new", "新增"), "changed": ("changed", "修改")}[r.status][lang != "en"]
    region, indicator = (r.region, r.indicator) if lang == "en" else (names.get(r.region, r.region),
                                                                      names.get(r.indicator, r.indicator))
    text = f"{label}\t{region}\t{indicator}\t{r.period}\t{r.old or '—'} → {r.value}"
    if r.note is not None:
        text += f"\t{'note' if lang == 'en' else '说明'}: {one_line(r.old_note or '—')} → {one_line(r.note)}"
    return f"{text}\t({where})"


def cmd_import(args) -> int:
    from app.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, _lang, _open, _print_json
    from app.services.sheets.importer import apply_plan, plan_import

    db = _open(args, create=args.apply)
    lang = _lang(args)
    plan = plan_import(db, args.file, expect_region=args.region, expect_year=args.year)
    result = None
    if args.apply and plan.ok:
        result = apply_plan(db, plan, why=args.why)
    if args.json:
        out = plan.to_dict(all_rows=args.all)
        out["applied"] = bool(result)
        out["written"] = result.written if result else 0
        _print_json([out])
    else:
        from app.models.catalogue import indicators, regions

        names = {} if lang == "en" else {**{c: r.name_zh for c, r in regions(db).items()},
                                         **{c: i.name_zh for c, i in indicators(db).items()}}
        t = plan.template or {}
        head = f"{plan.path.name}: " + (
            (f"template {t.get('region')} {t.get('year')}" if lang == "en"
             else f"模板 {names.get(t['region'], t.get('region_name') or t['region'])} {t.get('year')} 年")
            if t.get("region") else ("long format" if lang == "en" else "长表格式"))
        print(f"{head} — {_counts_line(plan.counts(), lang)}")
        for r in plan.rows:
            if r.status == "changed" or (args.all and r.status == "new"):
                print(_row_line(r, lang, names))
        for w in plan.warnings:
            print(("warning: " if lang == "en" else "提示：") + _say(db, w, lang))
        if plan.problems:
            print(f"problems ({plan.problem_count}):" if lang == "en" else f"问题（{plan.problem_count} 个）：")
            for p in plan.problems:
                print(_say(db, p, lang))
        if result:
            print(f"written {result.written}, unchanged {result.unchanged}" if lang == "en"
                  else f"已写入 {result.written} 个数值，未变 {result.unchanged} 个")
        elif plan.ok:
            print("dry run: nothing written (use --apply to write)" if lang == "en"
                  else "试导入：未写入任何数据（加 --apply 写入）")
    if plan.ok:
        return EXIT_OK
    if args.apply:
        sys.stderr.write(f"ipdesk import: {plan.problem_count} problem(s); nothing written\n" if lang == "en"
                         else f"ipdesk import：{plan.problem_count} 个问题，未写入任何数据\n")
        return EXIT_USAGE
    return EXIT_FINDINGS


def cmd_export_data(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.sheets.export_data import export_values, select_regions

    db = _open(args, create=False)
    lang = _lang(args)
    regions = select_regions(db, args.region, children=args.children, all_below=args.all_below)
    res = export_values(db, args.output, regions=regions, year_from=args.year_from, year_to=args.year_to,
                        indicators_=args.indicators, lang=lang)
    if args.json:
        _print_json([{"file": str(res.path), "rows": res.rows, "regions": len(regions),
                      "warnings": [w.to_dict() for w in res.warnings]}])
        return EXIT_OK
    for w in res.warnings:
        print(("warning: " if lang == "en" else "提示：") + _say(db, w, lang))
    print(f"{res.rows} values written to {res.path}" if lang == "en" else f"已导出 {res.rows} 个数值：{res.path}")
    return EXIT_OK
