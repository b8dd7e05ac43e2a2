"""``ipdesk tasks`` / ``ipdesk progress`` / ``ipdesk report-text`` — the task ledger and the results report.

    ipdesk tasks --region 320000 --year 2022 [--json]                # the tasks that apply to a region
    ipdesk tasks --region 320000 --year 2022 --owed [--json]         # its cities × tasks: latest state or 未报
    ipdesk tasks import guideline-2023.csv                            # a new year's list (resources/tasks/SOURCE.md)
    ipdesk tasks add --region 320000 --parent G2022-4.9.3 --due 2022-10-31 --text "组织开展全省专利申请质量分析"
    ipdesk tasks assign 320000-2022-001 --to 320100 --due 2022-09-30          # to a city below
    ipdesk tasks assign 320000-2022-001 --to 战略规划处 --due 2022-09-30       # to a division
    ipdesk tasks explain G2022-4.9.3 --region 320100 --year 2022 --text "…"   # why an overdue task is late
    ipdesk progress 320100 G2022-4.9.3 2022Q3 --state 推进中 --percent 60 --text "…" --person 王敏 --evidence 纪要.pdf
    ipdesk report-text --region 320000 --year 2022 [show|draft|set SECTION --text T|--file F] [--take-draft SECTION]

Exit codes: 0 done; 1 ``tasks`` listed an overdue task (``--owed``: a task not reported below), or ``report-text draft`` found edited sections whose
draft has changed (the difference is shown, nothing replaced); 2 usage or input error, one line on stderr,
nothing written.
"""
from __future__ import annotations


EXIT_HELP = ("exit codes: 0 done; 1 an overdue task is listed (tasks) / an edited section differs from the new "
             "draft (report-text draft); 2 usage or input error, nothing written.",
             "退出码：0 完成；1 列出了逾期任务（tasks），或有改写过的部分与新草稿不同（report-text draft）；"
             "2 用法或输入错误，未写入任何数据。")


def _common():
    from app.cli import EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json, _table

    return EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json, _table


def cmd_tasks(args) -> int:
    from app.models import tasks
    from app.models.errors import InputError

    EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json, _table = _common()
    lang = _lang(args)
    zh = lang == "zh"
    action = args.action or "list"
    if action == "import":
        if not args.target:
            raise InputError("task_csv_bad", params={"column": "FILE", "why_zh": "请给出 CSV 文件", "why_en": "name a CSV file"},
                             text="")
        db = _open(args)
        n = tasks.import_tasks(db, args.target)
        print(f"已导入 {n} 项任务" if zh else f"{n} tasks imported")
        return EXIT_OK
    if action == "add":
        db = _open(args, create=False)
        if not args.region:
            raise InputError("task_assign_by")
        t = tasks.add_task(db, args.region, args.year, args.text, parent=args.parent, due=args.due,
                           responsible=args.responsible)
        if args.json:
            _print_json([{"id": t.id, "year": t.year, "due": t.due, "parent": t.parent, "text": t.text_zh}])
        else:
            print(f"任务 {t.id} 已添加（期限 {t.due}）" if zh else f"task {t.id} added (due {t.due})")
        return EXIT_OK
    if action == "assign":
        db = _open(args, create=False)
        if not args.target or not args.to or not args.due:
            raise InputError("task_assign_by") if not args.target else InputError("task_bad_date", text=args.due or "")
        a = tasks.assign(db, args.target, args.to, args.due, by_region=args.region)
        if args.json:
            _print_json([a])
        else:
            from app.models.tasks import _region_name

            to = _region_name(db, a["assignee"]) if a["kind"] == "region" else a["assignee"]
            print(f"任务 {a['task']} 已下达{to}（期限 {a['due']}）" if zh else f"task {a['task']} assigned to {to} (due {a['due']})")
        return EXIT_OK
    if action == "explain":
        db = _open(args, create=False)
        if not args.region or not args.year:
            raise InputError("task_assign_by")
        from app.models import review

        review.explain(db, args.region, args.year, tasks.RULE_OVERDUE, tasks.task_indicator(args.target or ""),
                       args.text or "")
        print("说明已保存" if zh else "explanation saved")
        return EXIT_OK
    # list
    db = _open(args, create=False)
    if not args.region or not args.year:
        from app.models.errors import InputError as _IE

        raise _IE("tasks_region_year")
    if args.owed:
        return _owed(db, args, _print_json, _table, zh, EXIT_FINDINGS, EXIT_OK)
    rows = tasks.tasks_for(db, args.region, args.year)
    if args.json:
        _print_json([r.to_dict() for r in rows])
    else:
        def who(r):
            return "、".join(a["name"] for a in r.assignees)

        _table([[r.task.id, r.task.place, r.task.short(30) if zh else (r.task.text_en or r.task.text_zh)[:40],
                 r.task.responsible_zh if zh else (r.task.responsible_en or r.task.responsible_zh), who(r), r.due,
                 (r.state_zh if zh else tasks.state_label(r.state, "en")) + (("（逾期）" if zh else " (overdue)")
                                                                            if r.overdue else "")] for r in rows],
               ["编号", "条款", "任务", "责任单位", "下达", "期限", "状态"] if zh else
               ["id", "clause", "task", "responsible", "assigned to", "due", "state"])
        late = sum(r.overdue for r in rows)
        print(f"共 {len(rows)} 项任务，逾期 {late} 项" if zh else f"{len(rows)} tasks, {late} overdue")
    return EXIT_FINDINGS if any(r.overdue for r in rows) else EXIT_OK


def _owed(db, args, _print_json, _table, zh, EXIT_FINDINGS, EXIT_OK) -> int:
    """``tasks --owed``: the regions below × the tasks that go down to them, latest state or 未报."""
    from app.models.catalogue import region as get_region
    from app.models.progress import owed_tasks

    get_region(db, args.region)
    t = owed_tasks(db, args.region, args.year)
    if args.json:
        _print_json([{"region": code, "name": name, "task": task.id, "clause": task.clause, "label": label,
                      "text": task.short(),
                      **(t.cell(code, task.id).to_dict() if t.cell(code, task.id) else
                         {"state": "n/a", "state_zh": "不适用", "word": "—"})}
                     for code, name in t.regions for task, label in zip(t.tasks, t.labels())])
    else:
        heads = t.labels()
        _table([[name] + [t.word(code, task.id) for task in t.tasks] for code, name in t.regions],
               ["地区" if zh else "region"] + heads)
        for h, task in zip(heads, t.tasks):
            print(f"{h}：{task.short(40)}" if zh else f"{h}: {task.text_en[:60] or task.short(40)}")
        n = len(t.owed())
        print(f"下级地区 {len(t.regions)} 个，任务 {len(t.tasks)} 项，未报 {n} 项" if zh else
              f"{len(t.regions)} regions below, {len(t.tasks)} tasks, {n} not reported")
    return EXIT_FINDINGS if t.owed() else EXIT_OK


def cmd_progress(args) -> int:
    from app.models.progress import set_progress

    EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json, _table = _common()
    db = _open(args, create=False)
    res = set_progress(db, args.region, args.task, args.period, args.state, percent=args.percent,
                       milestone=args.milestone, text=args.text, person=args.person, why=args.why,
                       evidence=args.evidence or ())
    if args.json:
        _print_json([res.to_dict()])
    elif _lang(args) == "zh":
        files = f"，附件 {len(res.evidence)} 个" if res.evidence else ""
        print(f"已保存：{res.period} {res.to_dict()['state_zh']}{files}" if res.written else "推进情况未变化")
    else:
        print(f"saved: {res.period} {res.state}, {len(res.evidence)} file(s)" if res.written else "unchanged")
    return EXIT_OK


def cmd_report_text(args) -> int:
    from pathlib import Path

    from app.models.errors import InputError
    from app.services import results_report as rr

    EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json, _table = _common()
    zh = _lang(args) == "zh"
    db = _open(args, create=False)
    from app.models.catalogue import region as get_region

    get_region(db, args.region)
    action = args.action or "show"
    if args.take_draft:
        for s in args.take_draft:
            sec = rr.take_draft(db, args.region, args.year, s)
            print(f"{sec.title}：已采用重新生成的草稿" if zh else f"{sec.title}: now follows the draft")
        if action == "show" and not args.json:
            return EXIT_OK
    if action == "set":
        if not args.section:
            raise InputError("report_section", text="")
        if args.file:
            try:
                text = Path(args.file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError("csv_unreadable", file=args.file, params={"why": str(exc)}) from exc
        elif args.text is not None:
            text = args.text
        else:
            raise InputError("task_text_empty")
        sec = rr.set_text(db, args.region, args.year, args.section, text)
        if args.json:
            _print_json([sec.to_dict()])
        else:
            print(f"{sec.title}：已保存" if zh else f"{sec.title}: saved")
        return EXIT_OK
    rep = rr.show(db, args.region, args.year)
    moved = [s for s in rep.sections if s.edited and s.diff]
    if args.json:
        _print_json([s.to_dict() for s in rep.sections])
    else:
        print(rep.title)
        for s in rep.sections:
            mark = ("（已编辑）" if zh else " (edited)") if s.edited else ""
            print(f"\n{s.title}{mark}")
            print(s.text)
            if action == "draft" and s.edited and s.diff:
                print(("—— 与重新生成的草稿的差异（保留已编辑文本；采用草稿请加 --take-draft %d）——" if zh else
                       "-- difference to the new draft (the edited text is kept; --take-draft %d to take it) --")
                      % s.number)
                print("\n".join(s.diff))
    return EXIT_FINDINGS if action == "draft" and moved else EXIT_OK


def add_verbs(verb, region_year) -> None:
    from app.models.messages import register

    register({"tasks_region_year": ("name --region and --year", "请用 --region 和 --year 指明地区和年度")})
    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")

    sp = verb("tasks", cmd_tasks, ("the task ledger: list the tasks of a region-year, import a year's list, add an own "
                                   "task, assign it to a division or a region below, explain an overdue task",
                                   "任务清单：列出地区年度的任务，导入年度任务清单，添加本地区任务，分派给处室或下级地区，"
                                   "说明逾期任务"))
    sp.epilog = sp.pick(EXIT_HELP)
    sp.add_argument("action", nargs="?", choices=["list", "import", "add", "assign", "explain"], default="list")
    sp.add_argument("target", nargs="?", metavar=sp.pick(("target", "对象")),
                    help=("import: the CSV file; assign/explain: the task id", "import：CSV 文件；assign/explain：任务编号"))
    sp.add_argument("--region", help=("region: code or name (list / add / explain; assign: the assigning region, "
                                      "default the task's owner)",
                                      "地区：代码或名称（list/add/explain；assign 时为分派地区，默认为任务所属地区）"))
    sp.add_argument("--year", type=int, help=("year (list / explain; add: default the parent task's year)",
                                              "年度（list/explain；add 时默认为上级任务的年度）"))
    sp.add_argument("--parent", help=("add: the task this one is decomposed from", "add：本任务分解自哪项任务"))
    sp.add_argument("--text", help=("add: the task's text; explain: the explanation", "add：任务内容；explain：说明内容"))
    sp.add_argument("--due", help=("add/assign: due date, e.g. 2024-06-30 (default 15 December / the parent's)",
                                   "add/assign：完成期限，如 2024-06-30（默认 12 月 15 日或上级任务的期限）"))
    sp.add_argument("--responsible", help=("add: responsible party (default: the region's office)",
                                           "add：责任单位（默认：本地区知识产权局）"))
    sp.add_argument("--to", help=("assign: a region code below, or a division's name (e.g. 战略规划处)",
                                  "assign：下级地区代码，或处室名称（如 战略规划处）"))
    sp.add_argument("--owed", action="store_true",
                    help=("list: the regions below × the tasks that go down to them — latest state, or 未报 when "
                          "nothing was reported (exit 1 when any is not reported)",
                          "list：下级地区 × 下达的任务——最新推进状态，未报送的显示“未报”（有未报时退出码为 1）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("progress", cmd_progress, ("record the progress of a task in a region for a period, with evidence files "
                                         "(PDF, PNG, JPEG, DOCX, XLSX; at most 20 MB each, checked by content)",
                                         "推进情况：记录某地区某期间的任务进展，可附佐证材料（PDF、PNG、JPEG、DOCX、XLSX；"
                                         "每个不超过 20 MB，按内容核验）"))
    sp.epilog = sp.pick(("states: 未开始 推进中 已完成 滞后 取消 (滞后 and 取消 need --why). " + EXIT_HELP[0],
                         "状态：未开始、推进中、已完成、滞后、取消（滞后和取消须用 --why 说明原因）。" + EXIT_HELP[1]))
    sp.add_argument("region", metavar=sp.pick(("region", "地区")), help=("region: code or name", "地区：代码或名称"))
    sp.add_argument("task", metavar=sp.pick(("task", "任务")), help=("task id", "任务编号"))
    sp.add_argument("period", metavar=sp.pick(("period", "期间")),
                    help=("2024Q1–2024Q4, 2024H1, 2024H2 or 2024", "期间：2024Q1–2024Q4、2024H1、2024H2 或 2024"))
    sp.add_argument("--state", required=True, help=("未开始 / 推进中 / 已完成 / 滞后 / 取消",
                                                    "状态：未开始 / 推进中 / 已完成 / 滞后 / 取消"))
    sp.add_argument("--percent", help=("0–100", "完成百分比，0–100"))
    sp.add_argument("--milestone", help=("milestone reached (text)", "已达到的节点（文字）"))
    sp.add_argument("--text", help=("what was done", "进展情况"))
    sp.add_argument("--person", help=("responsible person", "责任人"))
    sp.add_argument("--why", help=("reason (required for 滞后 and 取消)", "原因（滞后和取消时必填）"))
    sp.add_argument("--evidence", nargs="+", metavar="FILE", help=("evidence files (at most 20 MB each)",
                                                                   "佐证材料文件（每个不超过 20 MB）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("report-text", cmd_report_text, ("the results report's five sections: show them, re-draft them from the "
                                               "store (edited text is kept, the difference shown), set a section's text",
                                               "推进情况报告的五个部分：查看；按数据库重新起草（已改写的文字保留，"
                                               "并显示差异）；设置某部分的文字"))
    sp.epilog = sp.pick(EXIT_HELP)
    region_year(sp)
    sp.add_argument("action", nargs="?", choices=["show", "draft", "set"], default="show")
    sp.add_argument("section", nargs="?", metavar=sp.pick(("section", "部分")),
                    help=("set: section 1–5 (or 一 … 五)", "set：第几部分，1–5（或 一 … 五）"))
    sp.add_argument("--text", help=("set: the section's text", "set：该部分的文字"))
    sp.add_argument("--file", help=("set: read the section's text from a UTF-8 file", "set：从 UTF-8 文本文件读取该部分的文字"))
    sp.add_argument("--take-draft", dest="take_draft", action="append", metavar="SECTION",
                    help=("drop the edited text of SECTION: it follows the draft again",
                          "放弃 SECTION 部分改写的文字，恢复为随草稿更新"))
    sp.add_argument("--json", action="store_true", help=JSON)
