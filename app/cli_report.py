"""``ipdesk report`` — the submission documents: PDF for the paper copy, XLSX for the electronic one.

    ipdesk report --region 320000 --year 2022 --pdf 江苏-2022.pdf --xlsx 江苏-2022.xlsx
    ipdesk report --region 100000 --year 2022 --pdf 全国-2022.pdf          # national summary
    ipdesk report --region 320000 --year 2022 --docx 江苏-2022-推进情况报告.docx   # the results report, to edit
    ipdesk report --region 320000 --year 2022 --xlsx out.xlsx --office "江苏省知识产权局" \\
        --contact "张三 025-12345678" --save-office --json

All files come from one model of the store (app.services.report.data), so they show the
same figures and carry the same data fingerprint; the PDF ends with the results report
(推进情况报告), the XLSX has a 任务 sheet when tasks apply, the DOCX is that report to finish in
WPS or Word (app.services.report.results_docx).

Exit codes (like ``ipdesk check``): 0 written and final — the region-year is approved and
nothing in it is unresolved, the documents say 已审批 / 正式报送件; 1 written as a *draft* —
not approved, or a blocking problem or an unexplained one is left: every page and sheet is
marked 草稿（不得作为正式报送）, and stderr says so and why (stdout stays the files, or the
JSON); 2 usage or input error (unknown region, no output named, unwritable path; nothing is
left half-written).

``ipdesk verify-docs 江苏省-2024.pdf 江苏省-2024.xlsx [--json]`` checks a loose pair without
a store: 0 they agree, 1 they differ (each difference named, an edited cell as
``指标数据!F3：336,048 → 346,048``), 2 a file cannot be read (see app.services.report.verify).
"""
from __future__ import annotations

EXIT_HELP = ("exit codes: 0 written and final (approved, nothing unresolved); 1 written as a DRAFT (not approved, "
             "or blocking / unexplained problems left): every page and sheet is marked 草稿（不得作为正式报送）, "
             "and stderr says why; 2 usage or input error, nothing written.",
             "退出码：0 已写出正式报送件（已审批且无未解决问题）；1 已写出草稿（未审批，或仍有阻断或未说明的问题）："
             "每页每表均标注“草稿（不得作为正式报送）”，标准错误输出说明原因；2 用法或输入错误，未写入任何文件。")


def draft_notice(rep, lang: str) -> str:
    """The stderr lines for a draft: what it is and why (reasons, then the unresolved problems by name)."""
    if lang == "zh":
        head = f"注意：{rep.region_name}{rep.year}年度报告为{rep.mark}，原因：" + "；".join(rep.reasons) + "。"
    else:
        head = (f"note: the {rep.region} {rep.year} report is a DRAFT, marked 草稿（不得作为正式报送） on every page "
                f"and sheet (not approved, or problems left): " + "; ".join(rep.reasons))
    return "\n".join([head] + [f"  {line}" for line in rep.open_items])


def cmd_report(args) -> int:
    import sys

    from app.cli import EXIT_FINDINGS, EXIT_OK, _lang, _open, _print_json
    from app.models.catalogue import region as get_region
    from app.services.report.data import save_office
    from app.services.report.export import export_report

    lang = _lang(args)
    if not args.pdf and not args.xlsx and not args.docx:
        from app.models.errors import IpdeskError

        raise IpdeskError("export_nothing")
    db = _open(args, create=False)
    get_region(db, args.region)
    if args.save_office:
        save_office(db, args.office, args.contact)
    res = export_report(db, args.region, args.year, pdf=args.pdf, xlsx=args.xlsx, docx=args.docx, office=args.office,
                        contact=args.contact, include_children=not args.no_children)
    rep = res.report
    done = EXIT_OK if rep.final else EXIT_FINDINGS
    if not rep.final:              # on stderr: stdout stays the files written (or the JSON)
        print(draft_notice(rep, lang), file=sys.stderr)
    if args.json:
        _print_json([res.to_dict()])
        return done
    zh = lang == "zh"
    if res.pdf:
        print(f"PDF  {res.pdf}  {res.pdf_pages} 页  {res.pdf_bytes:,} 字节" if zh
              else f"PDF  {res.pdf}  {res.pdf_pages} pages  {res.pdf_bytes:,} bytes")
    if res.xlsx:
        print(f"XLSX {res.xlsx}  {res.xlsx_bytes:,} 字节" if zh else f"XLSX {res.xlsx}  {res.xlsx_bytes:,} bytes")
    if res.docx:
        print(f"DOCX {res.docx}  {res.docx_bytes:,} 字节" if zh else f"DOCX {res.docx}  {res.docx_bytes:,} bytes")
    c = rep.counts()
    if zh:
        print(f"数据指纹 {rep.fingerprint_short}（阻断 {c['blocking']} 项，需说明 {c['explain']} 项，提示 {c['info']} 项）")
    else:
        print(f"fingerprint {rep.fingerprint_short} (blocking {c['blocking']}, explain {c['explain']}, "
              f"info {c['info']})")
    return done


VERIFY_HELP = ("exit codes: 0 the PDF and the XLSX agree (every page's fingerprint = the workbook's = the one "
               "recomputed from its cells, no cell changed); 1 they do not (each difference named: the pages, "
               "the cells as sheet!cell old → new); 2 a file cannot be read or is not an ipdesk report.",
               "退出码：0 纸质件与电子件一致（每页的数据指纹 = 工作簿记录的 = 由单元格重算的，无单元格被改动）；"
               "1 不一致（逐项列出：哪些页、哪些单元格，格式为 工作表!单元格 原值 → 现值）；2 文件无法读取或不是 ipdesk 报送材料。")


def cmd_verify_docs(args) -> int:
    """``ipdesk verify-docs PDF XLSX``: do a loose paper copy and electronic copy still agree?"""
    from app.cli import EXIT_FINDINGS, EXIT_OK, _lang, _print_json
    from app.services.report.verify import verify_docs

    lang = _lang(args)
    res = verify_docs(args.pdf, args.xlsx)
    if args.json:
        _print_json([res.to_dict()])
        return EXIT_OK if res.ok else EXIT_FINDINGS
    for line in res.lines(lang):
        print(line)
    return EXIT_OK if res.ok else EXIT_FINDINGS


def add_verbs(verb, region_year) -> None:
    sp = verb("verify-docs", cmd_verify_docs,
              ("check a PDF and XLSX written together by `ipdesk report`: fingerprints and edited cells",
               "核对报送材料：同一次 `ipdesk report` 写出的 PDF 与 XLSX 的数据指纹及被改动的单元格"))
    sp.epilog = sp.pick(VERIFY_HELP)
    sp.add_argument("pdf", metavar="PDF", help=("the paper copy (.pdf)", "纸质件（.pdf）"))
    sp.add_argument("xlsx", metavar="XLSX", help=("the electronic copy (.xlsx)", "电子件（.xlsx）"))
    sp.add_argument("--json", action="store_true", help=("machine-readable output", "输出 JSON（供脚本读取）"))

    sp = verb("report", cmd_report,
              ("write the submission documents: PDF (paper copy) and/or XLSX (electronic copy)",
               "报送材料：写出 PDF（纸质件）和/或 XLSX（电子件）"))
    sp.epilog = sp.pick(EXIT_HELP)
    region_year(sp)
    sp.add_argument("--pdf", metavar="FILE.pdf", help=("write the paper copy (A4, GB/T 9704 page) here",
                                                       "纸质件（A4，GB/T 9704 版式）写到此文件"))
    sp.add_argument("--xlsx", metavar="FILE.xlsx", help=("write the electronic copy here", "电子件写到此文件"))
    sp.add_argument("--docx", metavar="FILE.docx", help=(
        "write the results report (推进情况报告) as a DOCX to finish in WPS or Word",
        "推进情况报告写成 DOCX（可在 WPS 或 Word 中修改）"))
    sp.add_argument("--office", help=("reporting office's name (default: stored, or 〈region〉知识产权局)",
                                      "报送单位名称（默认：已保存的名称，或“〈地区〉知识产权局”）"))
    sp.add_argument("--contact", help=("contact person and telephone printed on the cover", "封面上的联系人及电话"))
    sp.add_argument("--save-office", dest="save_office", action="store_true",
                    help=("remember --office/--contact in the store for later reports",
                          "把 --office/--contact 保存到数据库，供以后的报告使用"))
    sp.add_argument("--no-children", dest="no_children", action="store_true",
                    help=("leave out the subordinate regions (table, checks and fingerprint)",
                          "不含下级地区（表格、核查和数据指纹均不含）"))
    sp.add_argument("--json", action="store_true", help=("machine-readable output", "输出 JSON（供脚本读取）"))
