"""``ipdesk backup`` and ``ipdesk restore`` — the store's copies and the way back.

    ipdesk backup                          # a rolling copy in <store>-backups/ (N kept)
    ipdesk backup --to E:/ipdesk-0301.sqlite
    ipdesk backup --list                   # every copy, newest first, with its state
    ipdesk restore <store>-backups/ipdesk-20250301-101500-daily.sqlite

``restore`` keeps a copy of the current store first and refuses a backup that fails the
integrity check or its own audit. Exit codes: 0 done, 2 usage, input or store error (one line).
"""
from __future__ import annotations


def cmd_backup(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.models import audit
    from app.models.backups import check_file, list_backups, make
    from app.services.backup import backup_to

    zh = _lang(args) == "zh"
    if args.list:
        from pathlib import Path

        from app.models.db import default_path

        rows = []
        for p in list_backups(Path(args.db or default_path())):
            problems = check_file(p)
            rows.append({"file": str(p), "bytes": p.stat().st_size, "good": not problems, "problems": problems[:3]})
        if args.json:
            _print_json(rows)
        else:
            for r in rows:
                state = ("完好" if zh else "good") if r["good"] else ("已损坏" if zh else "DAMAGED")
                print(f"{r['file']}\t{r['bytes']:,}\t{state}")
        return EXIT_OK
    db = _open(args, create=False)
    path = backup_to(db, args.to) if args.to else make(db, "manual")
    h, rows = audit.head(db)
    if args.json:
        _print_json([{"file": str(path), "head": h, "rows": rows}])
    else:
        print(f"已备份：{path}（审计链头 {h[:16]}，共 {rows:,} 条）" if zh
              else f"backed up: {path} (audit head {h[:16]}, {rows:,} rows)")
    return EXIT_OK


def cmd_restore(args) -> int:
    from pathlib import Path

    from app.cli import EXIT_OK, _lang, _print_json
    from app.models.db import default_path
    from app.services.backup import restore

    zh = _lang(args) == "zh"
    res = restore(Path(args.db or default_path()), args.backup)
    if args.json:
        _print_json([res.to_dict()])
        return EXIT_OK
    if zh:
        print(f"已从 {res.backup} 恢复 {res.store}（审计链头 {res.head[:16]}，共 {res.rows:,} 条）")
        if res.kept:
            print(f"恢复前的数据库已另存为：{res.kept}")
    else:
        print(f"restored {res.store} from {res.backup} (audit head {res.head[:16]}, {res.rows:,} rows)")
        if res.kept:
            print(f"the store as it was before is kept as: {res.kept}")
    return EXIT_OK


def add_verbs(verb, region_year) -> None:
    JSON = ("machine-readable output", "输出 JSON（供脚本读取）")
    sp = verb("backup", cmd_backup, ("copy the store now, or --to a file, or --list the copies",
                                     "备份：立即备份数据库，或用 --to 备份到指定文件，或用 --list 列出备份"))
    sp.add_argument("--to", metavar="FILE", help=("write the copy here (a new file) instead of the backup folder",
                                                  "备份到此文件（须为新文件），而不是备份文件夹"))
    sp.add_argument("--list", action="store_true", help=("list the backups, newest first, and whether each is sound",
                                                         "列出全部备份（最新的在前）及其是否完好"))
    sp.add_argument("--json", action="store_true", help=JSON)
    sp = verb("restore", cmd_restore, ("replace the store by a backup; the current store is copied first",
                                       "恢复：用备份替换数据库；替换前先另存当前数据库"))
    sp.add_argument("backup", metavar="BACKUP", help=("the backup file to restore", "要恢复的备份文件"))
    sp.add_argument("--json", action="store_true", help=JSON)
