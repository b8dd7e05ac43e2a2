"""The review verbs of ``ipdesk``: users (user), the region-year workflow (complete, submit,
approve, unlock, reopen, override) and aggregation (aggregate) — each a thin face of
:mod:`app.models.review`, which decides. Registered through ``app.cli.PLUGIN_VERBS``.
"""
from __future__ import annotations

import argparse
import sys


from app.cli import EXIT_OK, _check_region_year, _lang, _open, _print_json, _table  # noqa: E402,F401


def _passwords(args, prompts: list[str]) -> list[str]:
    """The passwords a verb needs, in order: one line each from stdin (--password-stdin), else asked."""
    import getpass

    if args.password_stdin:
        return [sys.stdin.readline().rstrip("\r\n") for _ in prompts]
    return [getpass.getpass(p) for p in prompts]


def cmd_user(args) -> int:
    """user add / role / passwd / list. Passwords: the new user's (add, passwd) first, then the
    authorizing head's (--by) — one line each with --password-stdin."""
    from app.models import workflow
    from app.models.errors import InputError
    from app.models.states import ROLE_ZH

    db = _open(args)
    zh = _lang(args) == "zh"
    if args.action == "list":
        rows = workflow.list_users(db)
        if args.json:
            _print_json(rows)
        else:
            _table([[u["name"], ROLE_ZH.get(u["role"], u["role"]) if zh else u["role"], (u["created_at"] or "")[:10],
                     f"n=2^{u['n'].bit_length() - 1} r={u['r']}"] for u in rows],
                   ["用户名", "角色", "创建日期", "口令散列参数"] if zh else ["name", "role", "created", "scrypt"])
        return EXIT_OK
    if not args.name:
        raise InputError("user_name_needed")
    by_prompt = [(f"单位负责人 {args.by} 的密码：" if zh else f"password of office head {args.by}: ")] if args.by else []
    if args.action == "role":
        if args.new_role is None:
            raise InputError("bad_status", text="", params={"allowed": "clerk/head"})
        [by_pw] = _passwords(args, by_prompt) if args.by else [None]
        old = workflow.set_role(db, args.name, args.new_role, by=args.by, by_password=by_pw)
        print(f"{args.name}: {ROLE_ZH.get(old, old)} → {ROLE_ZH.get(args.new_role, args.new_role)}" if zh
              else f"{args.name}: {old} → {args.new_role}")
        return EXIT_OK
    new_prompt = [(f"{args.name} 的新密码：" if zh else f"new password for {args.name}: ")]
    pws = _passwords(args, new_prompt + by_prompt)
    if not args.password_stdin:
        again = _passwords(args, ["再次输入新密码：" if zh else "repeat the new password: "])[0]
        if again != pws[0]:
            raise InputError("passwords_differ")
    by_pw = pws[1] if args.by else None
    if args.action == "passwd":
        workflow.set_password(db, args.name, pws[0], by=args.by, by_password=by_pw)
        print("密码已重置" if zh else "password reset")
    else:
        workflow.add_user(db, args.name, args.role, pws[0], by=args.by, by_password=by_pw)
        print(f"用户已添加（{'单位负责人' if args.role == 'head' else '填报员'}）" if zh
              else f"user added ({args.role})")
    return EXIT_OK


def cmd_workflow(args) -> int:
    """complete / submit / approve / unlock / reopen / override: the review service decides."""
    import getpass

    from app.models import review
    from app.models.errors import InputError
    from app.models.states import region_year_status

    db = _check_region_year(args)
    head = args.verb in ("approve", "unlock", "override")
    if head and not args.user:
        raise InputError("user_needed")
    password = (sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()) if head else None
    if args.verb == "approve":
        review.approve(db, [(args.region, args.year)], user=args.user, password=password, why=args.why)
    elif args.verb == "unlock":
        review.unlock(db, args.region, args.year, user=args.user, password=password, why=args.why or "")
    elif args.verb == "override":
        review.override(db, args.region, args.year, user=args.user, password=password, why=args.why or "")
    elif args.verb == "reopen":
        review.reopen(db, args.region, args.year, why=args.why or "")
    else:
        {"complete": review.complete, "submit": review.submit}[args.verb](db, args.region, args.year, why=args.why)
    from app.models.states import status_label

    print(status_label(region_year_status(db, args.region, args.year), _lang(args)))
    return EXIT_OK


def cmd_aggregate(args) -> int:
    from app.models.aggregate import apply_aggregate, plan_aggregate
    from app.models.catalogue import indicators, regions
    from app.models.messages import render

    db = _check_region_year(args)
    lang = _lang(args)
    plan = plan_aggregate(db, args.region, args.year)
    if plan.refusal and args.apply:
        raise plan.refusal
    result = apply_aggregate(db, args.region, args.year, take_sums=args.take_sums) if args.apply else None
    if result:
        plan = result.plan
    if args.json:
        out = result.to_dict() if result else {**plan.to_dict(), "written": 0, "kept": []}
        _print_json([{**out, "applied": bool(result)}])
        return EXIT_OK
    zh = lang == "zh"
    cat, regs = indicators(db), regions(db)

    def name(code):
        return cat[code].name(lang)

    c = plan.counts()
    print(f"{plan.region_name} {plan.year} 年 ← {len(plan.kids)} 个下级地区合计：新增 {c['new']}，修改 {c['changed']}，"
          f"未变 {c['unchanged']}，冲突 {c['conflict']}" if zh else
          f"{regs[plan.region].name(lang)} {plan.year} ← sum of {len(plan.kids)} subordinate regions: new {c['new']}, "
          f"changed {c['changed']}, unchanged {c['unchanged']}, conflicts {c['conflict']}")
    label = {"new": ("new", "新增"), "changed": ("changed", "修改"), "unchanged": ("unchanged", "未变"),
             "conflict": ("CONFLICT (own figure)", "冲突（本级自填）")}
    for i in plan.items:
        if i.kind == "unchanged" and not args.all:
            continue
        text = f"{label[i.kind][zh]}\t{name(i.indicator)}\t{i.period}\t"
        if i.kind in ("new", "unchanged"):
            text += i.new
        elif i.kind == "conflict":
            text += (f"本级 {i.old}（{i.last_by}，{(i.last_at or '')[:10]}） / 下级合计 {i.new}" if zh
                     else f"own {i.old} ({i.last_by}, {(i.last_at or '')[:10]}) / sum {i.new}")
        else:
            text += f"{i.old} → {i.new}"
        print(text)
    for code, missing in plan.incomplete.items():
        who = "、".join(regs[m].name(lang) for m in missing[:5]) + ("等" if len(missing) > 5 and zh else "")
        print(f"未汇总\t{name(code)}\t{len(missing)} 个下级地区未填报：{who}" if zh
              else f"not summed\t{name(code)}\t{len(missing)} subordinate region(s) without a value: {who}")
    if result is None:
        print("试运行，未写入；加 --apply 写入新增和修改项" + ("；冲突项（本级自填数）默认保留，加 --take-sums 以下级合计覆盖"
                                                    if c["conflict"] else "") if zh else
              "dry run, nothing written: add --apply to write the new and changed sums" +
              ("; conflicts (the region's own figures) are kept unless --take-sums" if c["conflict"] else ""))
        if plan.refusal:       # the plan is shown; applying it is refused now, and why
            print(("现在不能写入：" if zh else "cannot be applied now: ") + plan.refusal.message(lang), file=sys.stderr)
        return EXIT_OK
    print(f"已汇总 {result.written} 个数值" if zh else f"{result.written} values aggregated")
    if result.kept:
        items = "、".join(f"{name(i.indicator)} {i.old}（合计 {i.new}）" if zh else f"{name(i.indicator)} {i.old} (sum {i.new})"
                         for i in result.kept)
        print(render("aggregate_conflicts_kept", lang, n=len(result.kept), region_name=regs[plan.region].name(lang),
                     items=items))
    return EXIT_OK


def add_verbs(verb, region_year) -> None:
    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")
    sp = verb("user", cmd_user, ("users: office heads approve and unlock, clerks enter data",
                                 "用户：单位负责人审批和解锁，填报员填报数据"))
    sp.formatter_class = argparse.RawDescriptionHelpFormatter
    sp.description = sp.pick((
        "ipdesk user add NAME [--role clerk|head] [--by HEAD]   add a user (default: clerk)\n"
        "ipdesk user role NAME clerk|head --by HEAD               change a role\n"
        "ipdesk user passwd NAME --by HEAD                        reset a password\n"
        "ipdesk user list                                         users and their roles\n\n"
        "A clerk needs no one's approval. The FIRST office head (none in the store yet) is added without\n"
        "--by, once, at setup; from then on adding a head, changing a role or resetting a password needs\n"
        "an existing head's name (--by) and password, and is audited with that head as the actor.\n"
        "Passwords: at least 8 characters. With --password-stdin one line each: first the new user's\n"
        "password (add, passwd), then the --by head's password (role: only the head's).",
        "ipdesk user add 用户名 [--role clerk|head] [--by 负责人]   新增用户（默认：填报员）\n"
        "ipdesk user role 用户名 clerk|head --by 负责人             变更角色\n"
        "ipdesk user passwd 用户名 --by 负责人                      重置密码\n"
        "ipdesk user list                                           列出用户及其角色\n\n"
        "新增填报员无需审批。首位单位负责人（库中尚无负责人时）在建库时不带 --by 添加一次；此后新增负责人、\n"
        "变更角色、重置密码须由现有负责人以 --by 及其密码授权，审计记录以该负责人为操作人。\n"
        "密码至少 8 个字符。使用 --password-stdin 时每行一个：先是新用户的密码（add、passwd），\n"
        "再是 --by 负责人的密码（role 只需负责人的）。"))
    sp.add_argument("action", choices=["add", "role", "passwd", "list"])
    sp.add_argument("name", nargs="?", metavar=sp.pick(("name", "用户名")))
    sp.add_argument("new_role", nargs="?", choices=["clerk", "head"],
                    help=("the new role (user role)", "新角色（user role 时）"))
    sp.add_argument("--role", choices=["clerk", "head"], default="clerk",
                    help=("role of a new user (default clerk)", "新用户的角色（默认 clerk 填报员）"))
    sp.add_argument("--by", help=("the office head who authorizes (adding a head, role, passwd)",
                                  "授权的单位负责人（新增负责人、变更角色、重置密码时）"))
    sp.add_argument("--password-stdin", action="store_true",
                    help=("read passwords from stdin, one line each: the new user's first, then the --by head's",
                          "从标准输入读取密码，每行一个：先新用户的，再 --by 负责人的"))
    sp.add_argument("--json", action="store_true", help=("machine-readable output (list)", "输出 JSON（list 时）"))

    for name, text in (("complete", ("mark a region-year complete", "标记地区年度为填报完成")),
                       ("submit", ("mark a region-year submitted", "标记地区年度为已报送")),
                       ("approve", ("approve and lock a region-year: office head + password",
                                    "审批并锁定地区年度：须单位负责人及其密码")),
                       ("unlock", ("unlock an approved region-year: office head + password + reason",
                                   "解锁已审批的地区年度：须单位负责人、密码及原因")),
                       ("reopen", ("send a complete/submitted region-year back to draft, with --why",
                                   "将已完成或已报送的地区年度退回草稿，须用 --why 说明原因")),
                       ("override", ("let a region-year go ahead while subordinate regions are not complete: office "
                                     "head + password + reason", "下级地区未完成时放行本地区年度：须单位负责人、密码及原因"))):
        sp = verb(name, cmd_workflow, text)
        region_year(sp)
        sp.add_argument("--user", help=("office head's user name (approve/unlock/override)",
                                        "单位负责人的用户名（审批、解锁、放行时需要）"))
        sp.add_argument("--why", help=("reason recorded in the audit trail", "原因（记入审计记录）"))
        sp.add_argument("--password-stdin", action="store_true", help=("read the password from stdin",
                                                                       "从标准输入读取密码"))

    sp = verb("aggregate", cmd_aggregate, ("dry run of summing a region's additive indicators from its subordinate "
                                           "regions: new / changed old → new / conflicts with the region's own figures; "
                                           "--apply writes",
                                           "汇总：试算由下级地区合计本地区的可加总指标，列出新增、修改（原值 → 新值）及与"
                                           "本级自填数的冲突；加 --apply 写入"))
    region_year(sp)
    sp.add_argument("--apply", action="store_true",
                    help=("write the new and changed sums, all or nothing (default: show what would change)",
                          "写入新增和修改的合计数，要么全部写入要么都不写（默认只显示将要的变化）"))
    sp.add_argument("--take-sums", dest="take_sums", action="store_true",
                    help=("also replace the region's own figures that differ from the sum (conflicts; kept otherwise)",
                          "以下级合计覆盖与之不符的本级自填数（冲突项；默认保留）"))
    sp.add_argument("--all", action="store_true", help=("also list unchanged values", "同时列出未变的数值"))
    sp.add_argument("--json", action="store_true", help=JSON)
