"""``ipdesk report`` — the submission documents: PDF for the paper copy, XLSX for the electronic one.

    ipdesk report --region 320000 --year 2022 --pdf 江苏-2022.pdf --xlsx 江苏-2022.xlsx
    ipdesk report --region 100000 --year 2022 --pdf 全国-2022.pdf          # national summary
    ipdesk report --region 320000 --year 2022 --xlsx out.xlsx --office "江苏省知识产权局" \\
        --contact "张三 025-12345678" --save-office --json

Both files come from one model of the store (app.services.report.data), so they show the
same figures and carry the same data fingerprint. Exit codes: 0 written, 2 usage or input
error (unknown region, no output named, unwritable path; nothing is left half-written).
"""
from __future__ import annotations


def cmd_report(args) -> int:
    from app.cli import EXIT_OK, _lang, _open, _print_json
    from app.models.catalogue import region as get_region
    from app.services.report.data import save_office
    from app.services.report.export import export_report

    lang = _lang(args)
    if not args.pdf and not args.xlsx:
        from app.models.errors import IpdeskError

        raise IpdeskError("export_nothing")
    db = _open(args, create=False)
    get_region(db, args.region)
    if args.save_office:
        save_office(db, args.office, args.contact)
    res = export_report(db, args.region, args.year, pdf=args.pdf, xlsx=args.xlsx, office=args.office,
                        contact=args.contact, include_children=not args.no_children)
    if args.json:
        _print_json([res.to_dict()])
        return EXIT_OK
    rep = res.report
    zh = lang == "zh"
    if res.pdf:
        print(f"PDF  {res.pdf}  {res.pdf_pages} 页  {res.pdf_bytes:,} 字节" if zh
              else f"PDF  {res.pdf}  {res.pdf_pages} pages  {res.pdf_bytes:,} bytes")
    if res.xlsx:
        print(f"XLSX {res.xlsx}  {res.xlsx_bytes:,} 字节" if zh else f"XLSX {res.xlsx}  {res.xlsx_bytes:,} bytes")
    c = rep.counts()
    if zh:
        print(f"数据指纹 {rep.fingerprint_short}（阻断 {c['blocking']} 项，需说明 {c['explain']} 项，提示 {c['info']} 项）")
    else:
        print(f"fingerprint {rep.fingerprint_short} (blocking {c['blocking']}, explain {c['explain']}, "
              f"info {c['info']})")
    return EXIT_OK


def add_verbs(verb, region_year) -> None:
    sp = verb("report", cmd_report,
              "write the submission documents: PDF (paper copy) and/or XLSX (electronic copy) (报送材料)")
    region_year(sp)
    sp.add_argument("--pdf", metavar="FILE.pdf", help="write the paper copy (A4, GB/T 9704 page) here")
    sp.add_argument("--xlsx", metavar="FILE.xlsx", help="write the electronic copy here")
    sp.add_argument("--office", help="reporting office's name (default: stored, or 〈region〉知识产权局)")
    sp.add_argument("--contact", help="contact person and telephone printed on the cover")
    sp.add_argument("--save-office", dest="save_office", action="store_true",
                    help="remember --office/--contact in the store for later reports")
    sp.add_argument("--no-children", dest="no_children", action="store_true",
                    help="leave out the subordinate regions (table, checks and fingerprint)")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
