"""The electronic copy: an XLSX workbook rendered only from a :class:`Report`.

    write_xlsx(report, "江苏省-2022.xlsx", progress=..., cancel=...)

Sheets (in this order):

=============  ==================================================================
封面说明       region, year, office, generated at, fingerprint, what each sheet holds
指标数据       the PDF's indicator table: previous year, this year, change, target, status
目标核查       target status with projection and needed annual change, and its source
问题与说明     findings of the checks and their written explanations
下级地区       key indicators of each subordinate region (as in the PDF)
历年趋势       key indicators year by year (the PDF's table under the charts)
明细           long format ``地区代码, 指标代码, 期间, 数值, 说明`` — every value the
               fingerprint covers, at its stored precision, importable by ``ipdesk import``
元数据         (hidden) key/value: fingerprint, versions, generated at
=============  ==================================================================

(``封面/说明`` cannot be a sheet name: Excel forbids ``/`` in sheet names.)

A workbook that is not final (``Report.final``, from :func:`app.models.review.document_state`)
says so on every sheet: row 1 of each sheet is the line 草稿（不得作为正式报送） with the
reasons (the tables start in row 2; ``ipdesk import`` finds the 明细 header there), the
printed page header carries the mark, the sheet tabs are red, and the cover lists why.
A final workbook has none of it and its tables start in row 1.

Numbers are numbers, never text: each display cell holds the same rounded Decimal the PDF
prints, with a number format of the indicator's decimals, so the cell shows exactly the
paper's figure. Every string is written as a string (``data_type = "s"``): text from users
that begins with ``=`` is never a formula. Headers are frozen and repeat on every printed
page; pages are A4, fitted to the page width, with the fingerprint in the page footer.

Printing (LibreOffice and Excel): every style names the Song face 宋体 (SimSun, which Excel on
Chinese Windows has; LibreOffice substitutes the system's CJK face for it), so one face prints
instead of three fallbacks. Column widths fit a page at full scale (:data:`PAGE_UNITS` width
units: landscape for the tables, portrait for the cover and 明细); long text wraps and each
row is as tall as its tallest wrapped cell (:func:`lines_needed`), so no row prints over the
next. Every sheet is fitted to one page wide (fitToWidth=1, fitToHeight=0) and repeats its
header row. 明细 (thousands of rows, for programs and ``ipdesk import``) stays visible but its
print area is its header only: printing the workbook gives one page for it saying how many
rows it holds, not forty. Comparators are words (不低于 / 不高于 / 增长不低于 / 高于上年 /
须填报), clause text is the document's Chinese wording and the projection method is said in
Chinese (:func:`clause_zh`, :func:`method_zh`). Faces, styles, cell writing and print sizing live in
:mod:`app.services.report.sheet_layout`.

The hidden 元数据 sheet also carries what ``ipdesk verify-docs`` needs to recompute the data
fingerprint from the cells and to name an edited cell (:mod:`app.services.report.verify`).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.properties import PageSetupProperties

from app.services.files import atomic_write, say
from app.services.report.data import Report, check_cancel, show
from app.services.report.sheet_words import COMPARATOR_ZH, clause_zh, method_zh, requirement_zh

# the sheet toolkit (faces, styles, cell writing, print sizing), re-exported: callers import it from here
from app.services.report.sheet_layout import (  # noqa: F401
    FONT_NAME, FONT_SIZE, GB2312, BODY, HEAD_FILL, THIN, BOX, BOLD, DRAFT_FONT, DRAFT_RED, TITLE, HF_FONT,
    HF_BOLD, PAGE_UNITS, LINE_PT, WRAP_TOP, TOP, HEAD_ALIGN, MAX_WIDTH, number_format, change_format,
    display_width, FORMULA_TRIGGERS, _text, _number, _Sheet, fit_columns, lines_needed, row_height, draft_line)

SHEETS = ("封面说明", "指标数据", "目标核查", "问题与说明", "下级地区", "历年趋势", "明细", "元数据")
DETAIL_HEADER = ("地区代码", "指标代码", "期间", "数值", "说明")


# ---------------------------------------------------------------- sheets

def _page_setup(ws, rep: Report, orientation: str = "landscape"):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0               # as many pages down as it takes
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.35
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = ws.title not in (SHEETS[0], SHEETS[7])   # ruled tables on paper, cheaper than borders
    ws.oddHeader.center.text = f"{rep.region_name} {rep.year}年度 {ws.title}"
    ws.oddHeader.center.font, ws.oddHeader.center.size = HF_FONT, 11
    if rep.draft:                # the mark on every printed page, and a red tab on screen
        ws.oddHeader.left.text = rep.mark
        ws.oddHeader.left.color = DRAFT_RED
        ws.oddHeader.left.font, ws.oddHeader.left.size = HF_BOLD, 11
        ws.sheet_properties.tabColor = DRAFT_RED
    ws.oddFooter.left.text = f"数据指纹 {rep.fingerprint_short}  ipdesk {rep.app_version}"
    ws.oddFooter.right.text = "第 &P 页 共 &N 页"
    ws.oddFooter.left.font = ws.oddFooter.right.font = HF_FONT
    ws.oddFooter.left.size = ws.oddFooter.right.size = 11


def _cover(ws, rep: Report):
    s = _Sheet(ws)
    s.put(1, 1, rep.title).font = TITLE
    ws.merge_cells("A1:B1")
    ws["A1"].alignment = WRAP_TOP
    ws.row_dimensions[1].height = row_height(lines_needed(rep.title, 75 * 10.5 / 16), 16)
    if rep.draft:
        cell = _text(ws.cell(row=2, column=1, value=rep.mark))
        cell.font = DRAFT_FONT
    info = [("报告名称", rep.title), ("填报单位", rep.office), ("所属地区", rep.region_name), ("地区代码", rep.region),
            ("报告年度", rep.year), ("报送单位", rep.recipient), ("截止日期", rep.deadline_text),
            ("联系方式", rep.contact), ("制表日期", rep.date_text),
            ("生成时间", rep.generated_at.isoformat(timespec="seconds")), ("数据状态", rep.workflow),
            ("文件性质", rep.mark),
            ("数据指纹", rep.fingerprint_short), ("数据指纹（SHA-256）", rep.fingerprint),
            ("程序版本", f"ipdesk {rep.app_version}"), ("指标目录版本", rep.catalogue_version)]
    if rep.key_fingerprint:          # the signing key of the package, as on the PDF cover
        info.append(("密钥指纹", rep.key_fingerprint))
    head = getattr(rep, "audit_head", None)
    if isinstance(head, tuple) and len(head) == 2:
        info.append(("审计链头", f"第 {head[1]:,} 行（SHA-256：{head[0]}）"))
    label_w, value_w = 20, 55
    r = 3
    for label, value in info:
        s.put(r, 1, label).font = BOLD
        s.put(r, 2, value, style=WRAP_TOP)
        ws.row_dimensions[r].height = row_height(lines_needed(str(value), value_w))
        r += 1
    for n, line in enumerate(rep.draft_lines):     # why the workbook is a draft, one line each
        s.put(r, 1, "未定稿原因" if n == 0 else "").font = DRAFT_FONT if n == 0 else BOLD
        s.put(r, 2, line, style=WRAP_TOP)
        ws.row_dimensions[r].height = row_height(lines_needed(line, value_w))
        r += 1
    r += 1
    s.put(r, 1, "说明").font = BOLD
    notes = [
        "本电子件与纸质件（PDF）由同一数据生成；纸质件每页页脚所印数据指纹与本表“数据指纹”一致，"
        "可用 ipdesk verify-docs 核对纸质件与电子件是否一致、电子件是否被改动。",
        "指标数据：本级各指标上年值、本年值、同比变化、适用目标和达标状态（与纸质件“二、主要指标数据”相同）；"
        "带 * 的值由组成指标按目录公式计算；比率类指标（%）的同比变化为百分点。",
        "目标核查：适用目标的完成情况、预测值与年均需变化（纸质件“一、目标完成情况”）。",
        "问题与说明：数据核查发现的问题及情况说明。",
        "下级地区、历年趋势：与纸质件相应表格相同。",
        "明细：数据指纹所覆盖的全部数值（长表：地区代码、指标代码、期间、数值、说明），可用 ipdesk import 导入；"
        "为电子核对用，打印时只印表头。",
        "状态符号：● 已达标　◐ 有望达标　▲ 存在风险　✕ 难以达标　○ 无数据。",
    ]
    for line in notes:               # a note spans both columns and wraps
        r += 1
        s.put(r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(row=r, column=1).alignment = WRAP_TOP
        ws.row_dimensions[r].height = row_height(lines_needed(line, label_w + value_w))
    ws.column_dimensions["A"].width = label_w
    ws.column_dimensions["B"].width = value_w
    _page_setup(ws, rep, "portrait")


def _indicators(ws, rep: Report):
    s = _Sheet(ws, rep)
    s.header(["序号", "指标代码", "指标名称", "单位", f"{rep.previous_year}年", f"{rep.year}年", "同比变化", "目标",
              "状态", "说明"])
    targets: dict[str, list[str]] = {}
    for t in rep.targets:
        targets.setdefault(t.indicator, []).append(requirement_zh(t))
    for i, row in enumerate(rep.indicators, start=s.top + 1):
        fmt = number_format(row.decimals)
        s.put(i, 1, row.seq)
        s.put(i, 2, row.code)
        s.put(i, 3, row.display_name)
        s.put(i, 4, row.unit)
        s.put(i, 5, row.previous, fmt, shown=row.previous_text)
        s.put(i, 6, row.current, fmt, shown=row.current_text)
        change = None
        if row.yoy is not None:
            change = row.yoy / 100 if row.yoy_unit == "%" else row.yoy
        s.put(i, 7, change, change_format(row.yoy_unit), shown=row.yoy_text)
        s.put(i, 8, "；".join(dict.fromkeys(targets.get(row.code, []))) or row.target)
        s.put(i, 9, row.status_text)
        s.put(i, 10, row.note, style=WRAP_TOP)
    s.finish("landscape", wrap={2: (12, 30), 8: (10, 22), 10: (12, 36)}, fixed={1: 5, 4: 8})
    ws.freeze_panes = f"D{s.top + 1}"
    _page_setup(ws, rep)


def _targets(ws, rep: Report):
    s = _Sheet(ws, rep)
    s.header(["指标代码", "指标名称", "单位", "比较", "目标值", "目标年", "目标要求", "最新值", "最新期间", "预测值",
              "年均需变化", "状态", "依据文件", "条款", "条款原文", "文号", "预测方法"])
    for i, t in enumerate(rep.targets, start=s.top + 1):
        fmt = number_format(t.decimals)
        s.put(i, 1, t.indicator)
        s.put(i, 2, t.name)
        s.put(i, 3, t.unit)
        s.put(i, 4, COMPARATOR_ZH.get(t.comparator, t.comparator))
        if t.target is not None:
            s.put(i, 5, t.target, "General", shown=str(t.target))
        else:
            s.put(i, 5, None)
        s.put(i, 6, t.target_year)
        s.put(i, 7, requirement_zh(t))
        s.put(i, 8, t.latest, fmt, shown=t.latest_text)
        s.put(i, 9, t.latest_period)
        s.put(i, 10, t.projected, fmt, shown=t.projected_text)
        s.put(i, 11, t.needed, fmt, shown=t.needed_text)
        s.put(i, 12, t.status_text)
        s.put(i, 13, t.document)
        s.put(i, 14, t.clause)
        s.put(i, 15, clause_zh(t.clause_text))
        s.put(i, 16, t.doc_no)
        s.put(i, 17, method_zh(t.projection_method))
    s.finish("landscape", wrap={1: (7, 14), 2: (8, 18), 3: (4, 6), 4: (5, 10), 5: (5, 8), 6: (5, 7), 7: (7, 16),
                                9: (5, 9), 11: (6, 12), 12: (5, 12), 13: (7, 20), 14: (5, 12), 15: (9, 30),
                                16: (7, 14), 17: (7, 18)})
    ws.freeze_panes = f"C{s.top + 1}"
    _page_setup(ws, rep)


def _findings(ws, rep: Report):
    s = _Sheet(ws, rep)
    # headers chosen so `ipdesk import` does not take this sheet for a long-format one (only 明细 is)
    s.header(["序号", "地区编码", "地区名称", "指标代码", "指标名称", "所属期间", "类别", "规则", "问题", "情况说明"])
    for i, f in enumerate(rep.findings, start=s.top + 1):
        s.put(i, 1, i - s.top)
        s.put(i, 2, f.region)
        s.put(i, 3, f.region_name)
        s.put(i, 4, f.indicator)
        s.put(i, 5, f.indicator_name)
        s.put(i, 6, f.period)
        s.put(i, 7, f.severity_text)
        s.put(i, 8, f.rule_text)
        s.put(i, 9, f.message)
        s.put(i, 10, f.explanation or ("（未说明）" if f.severity == "explain" else ""))
    if not rep.findings:
        s.put(s.top + 1, 1, "经核查，未发现数据问题。")
        s.widths[1] = 5
    s.finish("landscape", wrap={3: (7, 12), 4: (8, 16), 5: (8, 18), 8: (6, 10), 9: (16, 44), 10: (16, 44)},
             fixed={1: 5, 2: 8, 6: 8, 7: 7})
    _page_setup(ws, rep)


def _children(ws, rep: Report):
    s = _Sheet(ws, rep)
    s.header(["地区代码", "地区"] + [f"{c.name}（{c.unit}）" for c in rep.child_columns] + ["填报状态"])
    for i, k in enumerate(rep.children, start=s.top + 1):
        s.put(i, 1, k.code)
        s.put(i, 2, k.name)
        for j, (v, c) in enumerate(zip(k.values, rep.child_columns), start=3):
            s.put(i, j, v, number_format(c.decimals), shown=show(v, c.decimals))
        s.put(i, 3 + len(rep.child_columns), k.workflow)
    for c in range(3, 3 + len(rep.child_columns)):   # long headers wrap instead of widening the column
        value_width = max((display_width(t) for (r, cc), t in s.texts.items() if cc == c and r > s.top), default=0)
        s.widths[c] = max(min(s.widths.get(c, 0), 16), value_width)
    s.finish("landscape")
    ws.freeze_panes = f"C{s.top + 1}"
    _page_setup(ws, rep)


def _trends(ws, rep: Report):
    s = _Sheet(ws, rep)
    s.header(["指标代码", "指标（单位）"] + [f"{y}年" for y in rep.years])
    for i, series in enumerate(rep.series, start=s.top + 1):
        s.put(i, 1, series.code)
        s.put(i, 2, f"{series.name}（{series.unit}）")
        by_year = dict(series.points)
        for j, y in enumerate(rep.years, start=3):
            v = by_year.get(y)
            s.put(i, j, v, number_format(series.decimals), shown=show(v, series.decimals))
    s.finish("landscape", wrap={1: (14, 30), 2: (16, 40)})
    ws.freeze_panes = f"C{s.top + 1}"
    _page_setup(ws, rep)



def detail_cell(value: str):
    """The 明细 sheet's number: a float when it round-trips to the same canonical string, else text.

    >>> detail_cell("8617.08"), detail_cell("12345678901234567.5")
    (8617.08, '12345678901234567.5')
    """
    from app.models.parse import canonical

    number = float(value)
    if canonical(Decimal(repr(number))) == value:
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    return value


def _detail(ws, rep: Report, cancel):
    s = _Sheet(ws, rep)
    s.header(list(DETAIL_HEADER))
    # thousands of rows, appended whole after the header (a cell looked up, then set, costs twice as much)
    cells = ws._cells
    ws._current_row = s.top              # (freeze_panes made the cell below the header: append after the header)
    for i, (region, indicator, period, value, note) in enumerate(rep.detail, start=s.top + 1):
        if i % 2000 == 0:
            check_cancel(cancel)
        number = detail_cell(value)
        ws.append((region, indicator, period, number, ILLEGAL_CHARACTERS_RE.sub("", note)) if note
                  else (region, indicator, period, number))
        _text(cells[(i, 1)])
        _text(cells[(i, 2)])
        _text(cells[(i, 3)])
        if isinstance(number, str):           # a value no float holds: text, kept text
            _text(cells[(i, 4)])
        if note:
            _text(cells[(i, 5)])
    for col, width in zip("ABCDE", (10, 24, 8, 14, 19)):
        ws.column_dimensions[col].width = width
    ws.auto_filter.ref = f"A{s.top}:E{len(rep.detail) + s.top}"
    ws.row_dimensions[s.top].height = row_height(1)
    if s.draft:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
        ws["A1"].alignment = WRAP_TOP
        ws.row_dimensions[1].height = row_height(lines_needed(s.draft, 75 * 0.8), 12)
    _page_setup(ws, rep, "portrait")
    # thousands of rows for programs and `ipdesk import`: printing the workbook gives its header only
    # (LibreOffice and Excel print a sheet's print area); clear the print area to print it all
    ws.print_area = f"A1:E{s.top}"
    ws.oddHeader.center.text = f"{rep.region_name} {rep.year}年度 明细（共 {len(rep.detail):,} 行，只印表头）"


def _meta(ws, rep: Report):
    rows = [("format", "ipdesk-report-1"), ("app_version", rep.app_version), ("region", rep.region),
            ("region_name", rep.region_name), ("year", str(rep.year)), ("office", rep.office),
            ("generated_at", rep.generated_at.isoformat(timespec="seconds")), ("fingerprint", rep.fingerprint),
            ("fingerprint_short", rep.fingerprint_short), ("catalogue_version", rep.catalogue_version),
            ("regions", ",".join(rep.regions)), ("years", f"{rep.years[0]}-{rep.years[-1]}" if rep.years else ""),
            ("detail_rows", str(len(rep.detail))), ("key_fingerprint", rep.key_fingerprint or ""),
            ("status", rep.status), ("final", "true" if rep.final else "false"), ("mark", rep.mark)]
    if getattr(rep, "ledger_fingerprint", ""):          # the task ledger a package carries (app.models.ledger)
        rows.append(("ledger_fingerprint", rep.ledger_fingerprint))
    head = getattr(rep, "audit_head", None)
    if isinstance(head, tuple) and len(head) == 2:      # the audit chain head at export, as on the PDF cover
        rows.append(("audit_head", f"{head[0]}:{head[1]}"))
    _text(ws.cell(row=1, column=1, value="key"))
    _text(ws.cell(row=1, column=2, value="value"))
    for i, (k, v) in enumerate(rows, start=2):
        _text(ws.cell(row=i, column=1, value=k))
        _text(ws.cell(row=i, column=2, value=ILLEGAL_CHARACTERS_RE.sub("", v)))
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "hidden"


def _name_the_font(wb: Workbook) -> None:
    """Make 宋体 the workbook's default face (style 0 and the Normal style), so every cell and
    the column-width unit use it, not Calibri (which has no Chinese and leaves the choice of face
    to each program)."""
    from openpyxl.utils.indexed_list import IndexedList

    wb._fonts = IndexedList([BODY])
    wb._named_styles["Normal"].font = BODY


def build_workbook(rep: Report, *, progress=None, cancel=None, fingerprint_parts: dict | None = None) -> Workbook:
    """The workbook in memory (written by :func:`write_xlsx`); with ``fingerprint_parts``
    (:func:`app.services.report.verify.fingerprint_parts`) it carries what ``verify-docs`` needs."""
    wb = Workbook()
    _name_the_font(wb)
    first = wb.active
    first.title = SHEETS[0]
    steps = [(_cover, first)] + [(fn, wb.create_sheet(name)) for fn, name in
                                 zip((_indicators, _targets, _findings, _children, _trends), SHEETS[1:6])]
    for n, (fn, ws) in enumerate(steps):
        check_cancel(cancel)
        fn(ws, rep)
        if progress:
            progress((n + 1) / 9, say(f"工作表“{ws.title}”", f"sheet {ws.title}"))
    if getattr(rep, "tasks", None):     # set by export_report; a year without a task list keeps the 8 sheets
        _tasks(wb.create_sheet(TASK_SHEET), rep)
    owed = getattr(getattr(rep, "results", None), "owed", None)
    if owed is not None:                # a region with regions below: who reported which task
        _owed(wb.create_sheet(OWED_SHEET), rep, owed)
    _detail(wb.create_sheet(SHEETS[6]), rep, cancel)
    _meta(wb.create_sheet(SHEETS[7]), rep)
    if fingerprint_parts is not None:           # what verify-docs needs (rows added to 元数据)
        from app.services.report.verify import seal

        seal(wb, rep, fingerprint_parts)
    wb.active = 0
    props = wb.properties
    props.title = rep.title
    props.creator = rep.office
    props.subject = f"{rep.region_name} {rep.year} 数据指纹 {rep.fingerprint}"
    props.keywords = f"fingerprint:{rep.fingerprint}"
    props.description = f"ipdesk {rep.app_version}"
    return wb


def write_xlsx(rep: Report, path, *, progress=None, cancel=None, fingerprint_parts: dict | None = None) -> None:
    """Write the electronic copy of ``rep`` to ``path`` (atomically)."""
    wb = build_workbook(rep, progress=progress, cancel=cancel, fingerprint_parts=fingerprint_parts)
    check_cancel(cancel)

    def write(tmp: Path):
        wb.save(tmp)

    atomic_write(Path(path), write)
    if progress:
        progress(1.0, say("已保存", "saved"))


TASK_SHEET = "任务"
TASK_HEADER = ("序号", "任务编号", "来源条款", "任务内容", "责任单位", "完成期限", "状态", "进度（%）", "是否逾期",
               "最近报送")


def _tasks(ws, rep: Report):
    """The 任务 sheet: every task that applies to the region in the year (``rep.tasks``, from
    app.models.tasks.tasks_for) with its latest state, percentage, due date and whether it is overdue."""
    s = _Sheet(ws, rep)
    s.header(list(TASK_HEADER))
    for i, r in enumerate(rep.tasks, start=s.top + 1):
        t = r.task
        s.put(i, 1, i - s.top)
        s.put(i, 2, t.id)
        s.put(i, 3, t.place or "本级")
        s.put(i, 4, t.text_zh)
        s.put(i, 5, t.responsible_zh)
        s.put(i, 6, r.due)
        s.put(i, 7, r.state_zh)
        s.put(i, 8, r.percent)
        s.put(i, 9, "是" if r.overdue else "否")
        s.put(i, 10, r.period or "未报送")
        if r.overdue:
            ws.cell(row=i, column=9).font = Font(name=FONT_NAME, size=FONT_SIZE, charset=GB2312, bold=True,
                                                 color=DRAFT_RED)
    s.finish("landscape", wrap={2: (10, 16), 4: (24, 60), 5: (10, 20)}, fixed={1: 5, 3: 9, 8: 8, 9: 8})
    _page_setup(ws, rep)


OWED_SHEET = "下级任务推进"


def _owed(ws, rep: Report, owed):
    """The 下级任务推进 sheet: one row per task that goes down, one column per region below, each cell the
    latest state reported there or 未报 (app.models.progress.owed_tasks)."""
    from app.services.results_report import OWED_NOTE

    s = _Sheet(ws, rep)
    s.header(["条款", "任务"] + [name for _c, name in owed.regions])
    last = s.top
    for i, (t, lab) in enumerate(zip(owed.tasks, owed.labels()), start=s.top + 1):
        s.put(i, 1, lab)
        s.put(i, 2, t.short(30))
        for j, (code, _n) in enumerate(owed.regions, start=3):
            s.put(i, j, owed.word(code, t.id))
            if owed.cell(code, t.id) is not None and owed.cell(code, t.id).state is None:
                ws.cell(row=i, column=j).font = Font(name=FONT_NAME, size=FONT_SIZE, charset=GB2312, bold=True,
                                                     color=DRAFT_RED)
        last = i
    s.finish("landscape", wrap={1: (6, 8), 2: (16, 30), **{j: (6, 10) for j in range(3, 3 + len(owed.regions))}})
    _text(ws.cell(row=last + 2, column=1, value=OWED_NOTE))
    _page_setup(ws, rep)
