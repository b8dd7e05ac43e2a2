"""Packages between offices: export, verify, trust, receive, inbox, questions and answers.

    ipdesk office --id 320100 --name 南京市知识产权局      # who signs; prints the key fingerprint
    ipdesk export --region 320100 --year 2024 -o E:/      # E:/320100_2024_v1.ipdx + .pdf + .xlsx
    ipdesk verify E:/320100_2024_v1.ipdx                   # exit 0 valid (trusted or not), 1 not
    ipdesk office protect-key | ipdesk office rotate-key  # passphrase: IPDESK_KEY_PASSPHRASE, stdin or asked
    ipdesk trust add E:/320100_2024_v1.ipdx --fingerprint D089-BA8B-1C2D-3E4F-5A6B --region 320100   # after a phone call
    ipdesk trust list | ipdesk trust remove D089-BA8B
    ipdesk receive E:/320100_2024_v1.ipdx                  # dry run: new / changed / removed
    ipdesk receive E:/320100_2024_v1.ipdx --apply          # all or nothing
    ipdesk receive E:/320100_2024_v7.ipdx --apply --accept-gap       # v4–v6 never came: receive anyway
    ipdesk receive E:/320100_2024_v2.ipdx --apply --keep-mine        # values changed here since v1: keep ours
    ipdesk receive E:/320100_2024_v2.ipdx --apply --take-theirs 320100:INV_GRANTS --keep-mine   # or each
    ipdesk inbox --year 2024                               # who has sent, who not, days left
    ipdesk accept 00adc61e                                 # accept a received package
    ipdesk query 00adc61e -q yoy INV_GRANTS 2024 "为何增长 40%？" -o E:/   # signed .ipdq back down
    ipdesk questions --import E:/320100_2024_v1_q1.ipdq    # the sender reads the questions
    ipdesk answer 5f3c0a9e12ab "统计口径调整" --value 41000  # … answers, corrects, exports again

Exit codes: 0 done; ``verify`` 1 when the file is not a valid package (the reason on
stderr); ``receive`` without ``--apply`` 1 when the package could not be applied (the
reason is printed); ``receive --apply`` 2 when values changed here since the sender's last
package (conflicts) have no choice (listed on stdout); 2 usage or input error — one line on stderr, nothing written.
"""
from __future__ import annotations

import sys

from app.models.messages import register

register({"trust_source_needed": ("name a package, query file or public key (or a fingerprint to remove)",
                                  "请指定数据包、查询单或公钥文件（删除时给出指纹）")})


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _passphrase(args, *, new: bool = False) -> str | None:
    """The key's passphrase: ``IPDESK_KEY_PASSPHRASE``, one line of stdin (``--passphrase-stdin``), or asked
    on the terminal; None when none is given (an unencrypted key needs none)."""
    import getpass
    import os

    from app.services.package.keys import PASSPHRASE_ENV

    if getattr(args, "passphrase_stdin", False):
        return sys.stdin.readline().rstrip("\n") or None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if sys.stdin.isatty():
        prompt = "新口令（保护本单位密钥）：" if new else "本单位密钥口令："
        return getpass.getpass(prompt) or None
    return None


def _key_for(args, db, *, create: bool = True):
    """The office key, asking for its passphrase only when it is encrypted."""
    from app.services.package.keys import existing_key, is_encrypted, keys_dir, office_key, PRIVATE_NAME

    path = keys_dir() / PRIVATE_NAME
    secret = _passphrase(args, new=not path.exists()) if (not path.exists() or is_encrypted(path)) else None
    return office_key(db=db, passphrase=secret) if create else existing_key(passphrase=secret)


def cmd_office(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.package.keys import protect_key, rotate_key
    from app.services.package.write import office_identity, save_identity

    db = _open(args)
    lang = _lang(args)
    if args.id or args.name:
        save_identity(db, args.id, args.name)
    if args.action == "protect-key":
        secret = _passphrase(args, new=True)
        key = protect_key(passphrase=secret, old_passphrase=secret)
        print(_t(lang, "本单位密钥已用口令加密保存；导出数据包时须提供该口令",
                 "the office key is now encrypted with the passphrase; exporting asks for it"))
    elif args.action == "rotate-key":
        secret = _passphrase(args, new=True)
        key, endorsed = rotate_key(db, passphrase=secret)
        print(_t(lang, "已更换本单位密钥；" + ("新密钥由旧密钥签署，接收单位收到下一个数据包时自动改用新密钥"
                                        if endorsed else "旧密钥缺失，新密钥须由各接收单位电话核对指纹后重新信任"),
                 "the office key was replaced; " + ("the old key signed the new one: receivers move to it with the "
                                                    "next package" if endorsed else "the old key is missing: each "
                                                    "receiver must confirm the new fingerprint by phone")))
    else:
        key = _key_for(args, db)
    office_id, name = office_identity(db)
    if args.json:
        _print_json([{"office_id": office_id, "office_name": name, "key_fingerprint": key.fingerprint,
                      "key_fingerprint_text": key.text, "public_key_file": str(key.path.with_suffix(".pub")),
                      "key_encrypted": key.encrypted}])
        return EXIT_OK
    print(f"{_t(lang, '本单位', 'office')}  {office_id} {name}")
    print(f"{_t(lang, '密钥指纹', 'key fingerprint')}  {key.text}")
    print(f"{_t(lang, '公钥文件', 'public key')}  {key.path.with_suffix('.pub')}")
    if not key.encrypted:
        print(_t(lang, "注意：本单位密钥未加密保存，请执行 ipdesk office protect-key 设置口令",
                 "note: the office key is stored unencrypted: run ipdesk office protect-key to set a passphrase"),
              file=sys.stderr)
    return EXIT_OK


def cmd_export(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.models.catalogue import region as get_region
    from app.services.package.write import SIZE_GOAL, export_package

    db = _open(args, create=False)
    get_region(db, args.region)
    from app.services.package.keys import PRIVATE_NAME, is_encrypted, keys_dir

    path = keys_dir() / PRIVATE_NAME
    secret = _passphrase(args, new=not path.exists()) if (not path.exists() or is_encrypted(path)) else None
    res = export_package(db, args.region, args.year, args.out, office=args.office, contact=args.contact,
                         passphrase=secret)
    if args.json:
        _print_json([res.to_dict()])
        return EXIT_OK
    lang = _lang(args)
    print(f"{_t(lang, '数据包', 'package')}  {res.path}  v{res.seq}  {res.bytes:,} {_t(lang, '字节', 'bytes')}")
    print(f"PDF  {res.pdf}")
    print(f"XLSX {res.xlsx}")
    print(f"{_t(lang, '密钥指纹', 'key fingerprint')}  {res.key_text}")
    for line in res.reconciled or []:
        print(line, file=sys.stderr)
    print(f"{_t(lang, '哈希', 'hash')}  {res.short}  ({_t(lang, '地区', 'regions')} {len(res.regions)}, "
          f"{_t(lang, '数值', 'values')} {res.values}, {_t(lang, '状态', 'status')} {res.status})")
    if res.bytes > SIZE_GOAL:
        mb = SIZE_GOAL // 2**20
        print(_t(lang, f"注意：数据包超过 {mb} MB", f"note: the package is over {mb} MB"),
              file=sys.stderr)
    return EXIT_OK


def _show_verification(v, lang: str) -> None:
    trust = {"trusted": _t(lang, f"已信任（{v.trusted_as}）", f"trusted ({v.trusted_as})"),
             "rollover": _t(lang, f"新密钥，由已信任的旧密钥（{v.trusted_as}）签署；接收后取代旧密钥",
                            f"a new key signed by the trusted old key ({v.trusted_as}); replaces it once received"),
             "retired": _t(lang, "已更换的旧密钥：拒收", "a replaced (retired) key: refused"),
             "unknown": _t(lang, "未信任：请电话核对指纹后执行 ipdesk trust add 文件 --fingerprint 完整指纹",
                           "NOT trusted: confirm the fingerprint by phone, then ipdesk trust add FILE --fingerprint "
                           "FULL-FINGERPRINT")}.get(v.trust, v.trust)
    kind = {"package": _t(lang, "数据包", "package"), "query": _t(lang, "查询单", "questions")}[v.kind]
    print(f"{_t(lang, '有效', 'valid')} {kind}  {v.file}")
    print(f"{_t(lang, '发送单位', 'sender')}  {v.sender_id} {v.sender_name}")
    print(f"{_t(lang, '地区年度', 'region, year')}  {v.region_name}（{v.region}） {v.year}  v{v.seq}")
    print(f"{_t(lang, '密钥指纹', 'key fingerprint')}  {v.key_text}  {trust}")
    if v.data_fingerprint:
        from app.services.fingerprint import short

        print(f"{_t(lang, '数据指纹', 'data fingerprint')}  {short(v.data_fingerprint)}")
    print(f"{_t(lang, '哈希', 'hash')}  {v.hash}")
    if v.audit_head:
        print(f"{_t(lang, '审计链头', 'audit chain head')}  {v.audit_head}")


def cmd_verify(args) -> int:
    from app.cli import EXIT_FINDINGS, EXIT_OK, _lang, _print_json
    from app.services.package.receive import verify_file

    db = _store_if_any(args)
    lang = _lang(args)
    v = verify_file(db, args.file, lang=lang)
    if args.json:
        _print_json([v.to_dict()])
    elif v.ok:
        _show_verification(v, lang)
    if not v.ok:
        sys.stderr.write(f"ipdesk verify: {v.reason}\n")
        return EXIT_FINDINGS
    return EXIT_OK


def _store_if_any(args):
    """The store if it exists (trust is looked up there); verify works without one."""
    from pathlib import Path

    from app.cli import _open
    from app.models.db import default_path

    return _open(args) if Path(args.db or default_path()).exists() else None


def cmd_trust(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json, _table
    from app.models.errors import InputError
    from app.services.package import keys

    db = _open(args)
    lang = _lang(args)
    if args.action == "list":
        rows = keys.trust_list(db)
        if args.json:
            _print_json([k.to_dict() for k in rows])
        else:
            _table([[k.text, k.office_id, k.name, ",".join(k.regions) if k.regions is not None
                     else _t(lang, "待重新确认", "to re-confirm"), k.added_at, k.added_by,
                     (k.retired_at or "")[:16]] for k in rows],
                   ["fingerprint", "office", "name", "regions", "added", "by", "retired"] if lang == "en"
                   else ["密钥指纹", "单位代码", "名称", "可报送地区", "登记时间", "登记人", "停用时间"])
        return EXIT_OK
    if not args.source:
        raise InputError("trust_source_needed")
    if args.action == "remove":
        k = keys.trust_remove(db, args.source)
        print(_t(lang, f"已不再信任 {k.text}（{k.office_id} {k.name}）",
                 f"no longer trusted: {k.text} ({k.office_id} {k.name})"))
        return EXIT_OK
    if args.source.lower().endswith((".pub", ".pem")):
        if not args.office:
            raise InputError("trust_office_needed")
        public, office, name = keys.read_public_key(args.source), args.office, args.name or ""
        k = keys.trust_add(db, public, office, name, expect=args.fingerprint, regions=args.region,
                           require_expect=True)
    else:
        from app.services.package.receive import trust_sender

        k = trust_sender(db, args.source, expect=args.fingerprint, office_id=args.office, name=args.name,
                         regions=args.region)
    from app.models.catalogue import regions as all_regions

    regs = all_regions(db)
    scope = _t(lang, "、", ", ").join(f"{regs[c].name(lang) if c in regs else c}" + _t(lang, f"（{c}）", f" ({c})")
                                     for c in k.regions or ())
    print(_t(lang, f"已信任 {k.text}（{k.office_id} {k.name}），可报送地区：{scope} 及其下级",
             f"trusted: {k.text} ({k.office_id} {k.name}) for {scope} and the regions below"))
    return EXIT_OK


def cmd_receive(args) -> int:
    from app.cli import EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json
    from app.services.package.receive import apply_receive, choices_for, conflicts_error, plan_receive

    db = _open(args, create=False)
    lang = _lang(args)
    plan = plan_receive(db, args.file, accept_gap=args.accept_gap)
    if args.apply and plan.state != "duplicate":
        if plan.refusal:
            raise plan.refusal
        chosen = choices_for(db, plan, args.keep_mine, args.take_theirs)
        unchosen = [d for d in plan.conflicts if d.key not in chosen]
        if unchosen:        # the conflicts listed on stdout, the refusal on stderr (exit 2): nothing written
            _print_conflicts(db, unchosen, lang)
            raise conflicts_error(db, plan, unchosen)
        res = apply_receive(db, plan, choice=chosen, accept_gap=args.accept_gap)
        if args.json:
            _print_json([{**plan.to_dict(), "applied": res.to_dict()}])
        else:
            c = res.counts
            print(_t(lang, f"已接收 {plan.package.archive.file}（v{res.seq}，{res.short}）："
                           f"新增 {c['new']}，修改 {c['changed']}，"
                           f"删除 {c['removed']}，未变 {c['unchanged']}，说明 {c['explanations']}，答复 {c['answers']}",
                     f"received {plan.package.archive.file} (v{res.seq}, {res.short}): new {c['new']}, changed "
                     f"{c['changed']}, removed {c['removed']}, unchanged {c['unchanged']}, explanations "
                     f"{c['explanations']}, answers {c['answers']}"))
            if plan.ledger is not None and not plan.ledger.empty:
                print(_ledger_summary(plan.ledger.counts(), lang))
            if plan.conflicts:
                print(_t(lang, f"冲突 {len(plan.conflicts)} 项：保留本单位的值 {c['kept_mine']}，采用对方的值 {c['took_theirs']}",
                         f"conflicts {len(plan.conflicts)}: kept mine {c['kept_mine']}, took theirs {c['took_theirs']}"))
            if res.parent:
                print(_t(lang, f"下一步：ipdesk aggregate --region {res.parent} --year {res.year}；"
                               f"ipdesk check --region {res.parent} --year {res.year} --children",
                         f"next: ipdesk aggregate --region {res.parent} --year {res.year}; "
                         f"ipdesk check --region {res.parent} --year {res.year} --children"))
        return EXIT_OK
    if args.json:
        _print_json([plan.to_dict(unchanged=args.all)])
    else:
        _print_plan(plan, lang, args.all, db)
    return EXIT_FINDINGS if plan.refusal else EXIT_OK


def _print_conflicts(db, diffs, lang: str) -> None:
    """One line per conflict: region and indicator (task, section) by name, mine (who, when) → theirs."""
    from app.models.catalogue import indicators, regions
    from app.services.package.choices import conflict_side, conflict_what

    regs, cat = regions(db), indicators(db)
    for d in diffs:
        reg = regs.get(d.region)
        place = f"{reg.name(lang) if reg else d.region}\t{conflict_what(db, d, lang, cat)}\t{d.period}"
        mine, theirs = conflict_side(d, True, lang), conflict_side(d, False, lang)
        print(_t(lang, f"冲突（本单位已改）\t{place}\t本单位 {mine}（{d.mine_by}，{(d.mine_at or '')[:16]}） / 对方 {theirs}\t"
                       f"选择：--keep-mine {d.region}:{d.indicator} 或 --take-theirs {d.region}:{d.indicator}",
                 f"CONFLICT (changed here)\t{place}\tmine {mine} ({d.mine_by}, {(d.mine_at or '')[:16]}) / theirs {theirs}\t"
                 f"choose: --keep-mine {d.region}:{d.indicator} or --take-theirs {d.region}:{d.indicator}"))


def _ledger_summary(c: dict, lang: str) -> str:
    n, m = c["progress_cleared"], c["sections_cleared"]
    return _t(lang, f"任务 {c['tasks']}，任务分解 {c['assignments']}，推进情况 {c['progress']}"
                    + (f"（发送方撤回 {n}）" if n else "") + f"，佐证材料 {c['evidence']}"
                    f"（其中未随包传送 {c['evidence_not_carried']}），报告文字 {c['sections']} 部分"
                    + (f"（发送方撤回编辑 {m}）" if m else ""),
              f"tasks {c['tasks']}, assignments {c['assignments']}, progress {c['progress']}"
              + (f" ({n} taken back by the sender)" if n else "") + f", evidence files "
              f"{c['evidence']} ({c['evidence_not_carried']} not carried), report sections {c['sections']}"
              + (f" ({m} dropped by the sender)" if m else ""))


def _print_ledger(plan, lang: str) -> None:
    """The dry run's lines for the task ledger: tasks, progress (old → new state), evidence (not carried
    marked), report sections."""
    from app.models.tasks import STATE_ZH, STATE_EN

    led = plan.ledger
    if led is None or led.empty:
        return
    words = STATE_ZH if lang == "zh" else STATE_EN
    for t in led.tasks:
        print(f"{_t(lang, '任务', 'task')}\t{t['owner']}\t{t['id']}\t{t['due']}\t{t['text_zh'][:30]}")
    for a in led.assignments:
        print(f"{_t(lang, '任务分解', 'assignment')}\t{a['by_region']}\t{a['task']}\t{a['assignee']}\t{a['due']}")
    for p in led.progress:
        old = words.get(p["old_state"], "—") if p["old_state"] else "—"
        pct = f" {p['percent']}%" if p["percent"] is not None else ""
        print(f"{_t(lang, '推进情况', 'progress')}\t{p['region']}\t{p['task']}\t{p['period']}\t{old} → "
              f"{words[p['state']]}{pct}")
    for c in led.cleared:
        old = words.get(c["old_state"], "—") if c["old_state"] else "—"
        print(f"{_t(lang, '推进情况', 'progress')}\t{c['region']}\t{c['task']}\t{c['period']}\t{old} → "
              + _t(lang, "未报（发送方已撤回）", "not reported (taken back by the sender)"))
    for e in led.evidence:
        gone = "" if e["carried"] else "\t" + _t(lang, "未随包传送（仅元数据与 SHA-256）", "not carried (metadata and SHA-256 only)")
        print(f"{_t(lang, '佐证材料', 'evidence')}\t{e['region']}\t{e['task']}\t{e['period']}\t{e['name']}\t"
              f"{e['bytes']:,} B\t{e['sha256'][:16]}{gone}")
    for sec in led.sections:
        n = sec["section"]
        dropped = "" if sec["text"] is not None else "\t" + _t(lang, "采用草稿（发送方已撤回编辑）",
                                                                  "follows the draft (dropped by the sender)")
        print(f"{_t(lang, '报告文字', 'report text')}\t{sec['region']}\t" + _t(lang, f"第{n}部分", f"section {n}")
              + dropped)
    print(_ledger_summary(led.counts(), lang))


def _print_plan(plan, lang: str, show_unchanged: bool, db=None) -> None:
    _show_verification(plan.verification, lang)
    kind_text = {"new": _t(lang, "新增", "new"), "changed": _t(lang, "修改", "changed"),
                 "unchanged": _t(lang, "未变", "unchanged"), "removed": _t(lang, "删除", "removed")}
    for d in plan.diffs:
        if (d.kind == "unchanged" and not show_unchanged) or d.conflict:
            continue
        value = {"new": d.new, "removed": f"{d.old} → —", "unchanged": d.new}.get(d.kind, f"{d.old} → {d.new}")
        notes = f"  [{_t(lang, '说明', 'explained')}: {' / '.join(d.explanations)}]" if d.explanations else ""
        if d.kind == "changed" and (d.old_note or "") != (d.new_note or ""):
            notes += f"  [{_t(lang, '备注', 'note')}: {d.old_note or '—'} → {d.new_note or '—'}]"
        print(f"{kind_text[d.kind]}\t{d.region}\t{d.indicator}\t{d.period}\t{value}{notes}")
    if plan.conflicts and db is not None:
        _print_conflicts(db, plan.conflicts, lang)
    for e in plan.explanations:
        print(f"{_t(lang, '情况说明', 'explanation')}\t{e['region']}\t{e['indicator']}\t{e['period']}\t{e['rule']}\t"
              f"{e['text']}")
    for a in plan.answers:
        fixed = f"（{_t(lang, '订正为', 'corrected to')} {a['corrected']}）" if a.get("corrected") else ""
        print(f"{_t(lang, '答复', 'answer')}\t{a['region']}\t{a['indicator']}\t{a['period']}\t{a['question']} → "
              f"{a['answer']}{fixed}")
    _print_ledger(plan, lang)
    if plan.gap:
        lo, hi = plan.gap
        span = f"v{lo}" if lo == hi else f"v{lo}–v{hi}"
        print(_t(lang, f"缺少版本：{span}（本单位未收到）", f"versions missing: {span} (never received here)"))
    for note in plan.notes:
        print(_t(lang, "审计记录：", "audit history: ") + note.message(lang))
    c = plan.counts()
    print(_t(lang, f"新增 {c['new']}，修改 {c['changed']}，删除 {c['removed']}，未变 {c['unchanged']}，"
                   f"说明 {c['explanations']}，答复 {c['answers']}，冲突 {c['conflicts']}",
             f"new {c['new']}, changed {c['changed']}, removed {c['removed']}, unchanged {c['unchanged']}, "
             f"explanations {c['explanations']}, answers {c['answers']}, conflicts {c['conflicts']}"))
    if plan.state == "duplicate":
        print(_t(lang, "该数据包已接收过，无需操作", "this package was received already: nothing to do"))
    elif plan.refusal:
        print(_t(lang, f"不能接收：{plan.refusal.message('zh')}", f"cannot be applied: {plan.refusal.message('en')}"))
    elif plan.conflicts:
        print(_t(lang, f"试运行，未写入；有 {len(plan.conflicts)} 个数值在上次收到该单位数据包后已被本单位修改，"
                       f"接收时须选择：--apply --keep-mine（保留本单位的值）或 --apply --take-theirs（采用对方的值），"
                       f"也可逐项指定 地区代码:指标代码",
                 f"dry run, nothing written; {len(plan.conflicts)} value(s) were changed here since this sender's last "
                 f"package: receive with --apply --keep-mine or --apply --take-theirs (for all, or REGION:INDICATOR each)"))
    else:
        print(_t(lang, "试运行，未写入；确认后加 --apply 接收", "dry run, nothing written: add --apply to receive"))


def cmd_inbox(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json, _table
    from app.models.states import status_label
    from app.services.package.inbox import board, inbox

    db = _open(args, create=False)
    lang = _lang(args)
    b = board(db, args.year, region=args.region)
    packages = inbox(db, year=args.year)
    if args.json:
        _print_json([{**b.to_dict(), "packages": [p.to_dict() for p in packages]}])
        return EXIT_OK
    from app.models.catalogue import regions

    regs = regions(db)

    def name(code, zh):            # the region in the reader's language (its Chinese name in Chinese)
        return zh if lang == "zh" or code not in regs else regs[code].name(lang)

    left = (_t(lang, f"剩余 {b.days_left} 天", f"{b.days_left} days left") if b.days_left >= 0
            else _t(lang, f"已过 {-b.days_left} 天", f"{-b.days_left} days past"))
    print(_t(lang, f"{b.region_name} {b.year} 年：已报送 {b.sent}/{len(b.rows)}，截止 {b.deadline}（{left}）",
             f"{name(b.region, b.region_name)} {b.year}: {b.sent}/{len(b.rows)} sent, deadline {b.deadline} ({left})"))
    _table([[r.region, name(r.region, r.name), r.state_text if lang == "zh" else (r.state or "not sent"),
             f"v{r.seq}" if r.seq else "", (r.received_at or "")[:16], status_label(r.status, lang) if r.status else "",
             f"{r.open_questions}/{r.answered_questions}" if r.open_questions or r.answered_questions else "",
             (r.package or "")[:16]] for r in b.rows],
           ["region", "name", "package", "v", "received", "status", "open/answered", "hash"] if lang == "en"
           else ["地区", "名称", "数据包", "版本", "接收时间", "状态", "待答/已答", "哈希"])
    return EXIT_OK


def cmd_accept(args) -> int:
    import getpass

    from app.cli import EXIT_OK, _lang, _open
    from app.services.package.inbox import accept_package

    db = _open(args, create=False)
    password = None
    if args.user:
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    p = accept_package(db, args.package, user=args.user, password=password)
    print(_t(_lang(args), f"已受理 {p.short}（{p.region_name} {p.year} v{p.seq}）",
             f"accepted {p.short} ({p.region_name} {p.year} v{p.seq})"))
    return EXIT_OK


def cmd_query(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.package.queries import Question, create_query

    db = _open(args, create=False)
    items = [Question(ind, period, text, rule="" if rule == "-" else rule, region=args.region)
             for rule, ind, period, text in args.question or []]
    res = create_query(db, args.package, items, args.out)
    if args.json:
        _print_json([res.to_dict()])
    else:
        print(_t(_lang(args), f"查询单 {res.path}（{len(res.ids)} 个问题），数据包已退回",
                 f"questions written to {res.path} ({len(res.ids)}); the package is returned"))
    return EXIT_OK


def cmd_questions(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.package.queries import import_queries, questions

    db = _open(args, create=False)
    lang = _lang(args)
    if args.import_file:
        res = import_queries(db, args.import_file)
        if not args.json:
            print(_t(lang, f"已导入 {res.new} 个问题（{res.already} 个此前已导入）",
                     f"{res.new} question(s) imported ({res.already} already here)"))
    rows = questions(db, region=args.region, year=args.year, state="open" if args.open else None)
    if args.json:
        _print_json([r.to_dict() for r in rows])
        return EXIT_OK
    for r in rows:
        arrow = "→" if r.direction == "out" else "←"
        ans = ""
        if r.answer:
            ans = f"  {_t(lang, '答复', 'answer')}: {r.answer}" + (f" ({r.corrected})" if r.corrected else "")
        print(f"{r.id}\t{arrow} {r.peer or ''}\t{r.region}\t{r.indicator}\t{r.period}\t"
              f"{r.value or '—'} / {_t(lang, '现值', 'now')} {r.current or '—'}\t{r.question}{ans}")
    return EXIT_OK


def cmd_answer(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.services.package.queries import answer

    db = _open(args, create=False)
    row = answer(db, args.id, args.text, value=args.value)
    if args.json:
        _print_json([row.to_dict()])
    else:
        print(_t(_lang(args), "答复已保存；重新导出数据包即可送达",
                 "answer saved; export the package again to send it"))
    return EXIT_OK


def add_verbs(verb, region_year) -> None:
    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")
    sp = verb("office", cmd_office, ("this office's id, name and signing-key fingerprint; protect-key encrypts the key, "
                                     "rotate-key replaces it",
                                     "本单位与密钥：本单位的标识、名称和签名密钥指纹；protect-key 为私钥加密口令，rotate-key 更换密钥"))
    sp.add_argument("action", nargs="?", choices=["show", "protect-key", "rotate-key"], default="show")
    sp.add_argument("--passphrase-stdin", action="store_true",
                    help=("read the key's passphrase from stdin (else IPDESK_KEY_PASSPHRASE, else asked)",
                          "从标准输入读取私钥口令（否则读 IPDESK_KEY_PASSPHRASE，再否则询问）"))
    sp.add_argument("--id", help=("office id packages are signed for (default: the home region code)",
                                  "签署数据包所用的单位标识（默认：本地区代码）"))
    sp.add_argument("--name", help=("office name", "单位名称"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("export", cmd_export,
              ("write the signed package <code>_<year>_v<seq>.ipdx, with its PDF and XLSX",
               "导出数据包：写出签名的 <代码>_<年度>_v<序号>.ipdx，附 PDF 和 XLSX"))
    region_year(sp)
    sp.add_argument("-o", "--out", required=True, metavar="DIR", help=("folder to write into (a USB stick, …)",
                                                                       "写入的文件夹（如U盘）"))
    sp.add_argument("--office", help=("reporting office's name on the cover", "封面上的报送单位名称"))
    sp.add_argument("--contact", help=("contact person and telephone on the cover", "封面上的联系人及电话"))
    sp.add_argument("--passphrase-stdin", action="store_true",
                    help=("read the key's passphrase from stdin", "从标准输入读取私钥口令"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("verify", cmd_verify, ("check a package or query file: exit 0 valid, 1 not",
                                     "校验数据包或查询文件：有效时退出码为 0，否则为 1"))
    sp.add_argument("file", metavar="PKG", help=("the .ipdx or .ipdq file", ".ipdx 或 .ipdq 文件"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("trust", cmd_trust, ("the senders this office trusts: add / list / remove",
                                   "受信任的发送方：add 添加、list 列出、remove 移除"))
    sp.add_argument("action", choices=["add", "list", "remove"])
    sp.add_argument("source", nargs="?", metavar=sp.pick(("source", "来源")),
                    help=("add: a .ipdx/.ipdq or .pub file; remove: the fingerprint",
                          "add：.ipdx/.ipdq 或 .pub 文件；remove：密钥指纹"))
    sp.add_argument("--office", help=("office id of a .pub key (or to override the package's)",
                                      ".pub 密钥所属的单位标识（或替代数据包中的标识）"))
    sp.add_argument("--name", help=("name to remember the sender by", "记下的发送方名称"))
    sp.add_argument("--fingerprint", help=("add: the whole fingerprint read out on the phone (required; refused if it "
                                           "differs or is cut short)",
                                           "add：电话中核对的完整密钥指纹（必填；不一致或不完整时拒绝）"))
    sp.add_argument("--region", action="append", metavar="CODE",
                    help=("add: a region this key may send (with the regions below it), as confirmed by phone; "
                          "repeat for more (default: the office id, when it is a region code)",
                          "add：电话确认的、该密钥可报送的地区（含其下级地区），可重复（默认：单位标识为地区代码时即该地区）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("receive", cmd_receive, ("dry run of a received package; --apply to merge it, all or nothing",
                                       "接收数据包：试接收并列出变化；加 --apply 合并，要么全部合并要么都不合并"))
    sp.add_argument("file", metavar="PKG", help=("the received .ipdx file", "收到的 .ipdx 文件"))
    sp.add_argument("--apply", action="store_true", help=("merge it (default: show what would change)",
                                                          "合并（默认只显示将要的变化）"))
    sp.add_argument("--keep-mine", dest="keep_mine", nargs="*", metavar="REGION:INDICATOR[:PERIOD]",
                    help=("values changed here since the sender's last package (conflicts): keep this office's value — "
                          "for all, or for the conflicts named",
                          "冲突（对方上次报送后本单位改过的数值）：保留本单位的值——不带参数为全部，或只对列出的冲突"))
    sp.add_argument("--take-theirs", dest="take_theirs", nargs="*", metavar="REGION:INDICATOR[:PERIOD]",
                    help=("conflicts: take the package's value — for all, or for the conflicts named",
                          "冲突：采用对方的值——不带参数为全部，或只对列出的冲突"))
    sp.add_argument("--accept-gap", dest="accept_gap", action="store_true",
                    help=("receive although earlier versions from this sender never came here (listed in the dry run)",
                          "尽管该发送方的较早版本未收到（试运行中列出），仍予接收"))
    sp.add_argument("--all", action="store_true", help=("also list unchanged values", "同时列出未变的数值"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("inbox", cmd_inbox, ("who has sent for the year, who not, days left; received packages",
                                   "收件箱：本年度哪些下级已报送、哪些未报送、剩余天数，以及收到的数据包"))
    sp.add_argument("--year", required=True, type=int, help=("year, e.g. 2024", "年度，如 2024"))
    sp.add_argument("--region", help=("the receiving region (default: the store's home region)",
                                      "接收地区（默认：本库的本地区）"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("accept", cmd_accept, ("accept a received package; with --user an office head also locks it",
                                     "受理收到的数据包；加 --user 时由单位负责人同时审批锁定"))
    sp.add_argument("package", metavar="HASH", help=("hash (≥ 8 digits) of a received package",
                                                     "收到的数据包的哈希（至少 8 位）"))
    sp.add_argument("--user", help=("office head who approves the data", "审批数据的单位负责人"))
    sp.add_argument("--password-stdin", action="store_true", help=("read the password from stdin", "从标准输入读取密码"))

    sp = verb("query", cmd_query, ("send questions about a received package back down as a signed .ipdq",
                                   "查询：就收到的数据包向下级发出问题（签名的 .ipdq 文件）"))
    sp.add_argument("package", metavar="PKG", help=("the received .ipdx, or its hash (≥ 8 digits)",
                                                    "收到的 .ipdx 文件，或其哈希（至少 8 位）"))
    sp.add_argument("-q", "--question", nargs=4, action="append", metavar=("RULE", "INDICATOR", "PERIOD", "TEXT"),
                    help=("a question (RULE of the finding, or '-'); repeat for more",
                          "一个问题（RULE 为问题所属规则，或 '-'）；可重复给出多个"))
    sp.add_argument("--region", help=("region the questions are about (default: the package's region)",
                                      "问题所涉地区（默认：数据包的地区）"))
    sp.add_argument("-o", "--out", required=True, metavar="DIR|FILE.ipdq",
                    help=("folder or .ipdq file to write", "写出的文件夹或 .ipdq 文件"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("questions", cmd_questions, ("questions asked and received, beside their values; --import a .ipdq",
                                           "问题：发出和收到的问题及所涉数值；用 --import 读入 .ipdq 文件"))
    sp.add_argument("--import", dest="import_file", metavar="FILE.ipdq", help=("read questions sent to this office",
                                                                              "读入发给本单位的问题"))
    sp.add_argument("--region", help=("only this region (code or name)", "只看此地区（代码或名称）"))
    sp.add_argument("--year", type=int, help=("only this year", "只看此年度"))
    sp.add_argument("--open", action="store_true", help=("unanswered only", "只看未答复的"))
    sp.add_argument("--json", action="store_true", help=JSON)

    sp = verb("answer", cmd_answer, ("answer a question; --value corrects the figure (audited)",
                                     "答复与订正：答复一个问题；加 --value 订正数值（记入审计记录）"))
    sp.add_argument("id", metavar=sp.pick(("id", "编号")), help=("question id (ipdesk questions)",
                                                                "问题编号（见 ipdesk questions）"))
    sp.add_argument("text", metavar=sp.pick(("text", "答复")), help=("the answer", "答复内容"))
    sp.add_argument("--value", help=("the corrected value, as typed", "订正后的数值，按输入的原样"))
    sp.add_argument("--json", action="store_true", help=JSON)
