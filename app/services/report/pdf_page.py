"""The pages of the paper copy (GB/T 9704): geometry, the document template with its furniture, the
draft stamp. :mod:`app.services.report.pdf` fills the pages (:func:`~app.services.report.pdf.story`)
and writes them through :class:`_Doc`.

- Geometry: A4, type area 156 × 225 mm from 28 mm left and 37 mm top; page numbers ``— n —`` in
  四号 7 mm below the type area, odd pages right and even pages left; the fingerprint line 9 pt.
- Every page: the number, the fingerprint line, and on a draft the mark in the top margin and the
  diagonal stamp over the content (a picture embedded once, drawn by name on every page).
- PDF/A-2b metadata (:mod:`app.services.report.pdfa`) before the first page; progress and cancel
  after each flowable.
"""
from __future__ import annotations

from functools import lru_cache

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from app.services.files import say
from app.services.fonts import cjk_font_path
from app.services.report import pdfa
from app.services.report.data import Report, check_cancel

rl_config.useA85 = 0      # page streams Flate-compressed only: ASCII85 on top made them a quarter larger and
                          # was encoded in pure Python (a twentieth of writing the paper copy)

# Chinese line-breaking rules (GB/T 15834 标点符号用法 / 9704 practice): a full-width comma, semicolon, colon,
# full stop, closing bracket or quote never starts a line. reportlab's CJK breaker (cjkFragSplit) knows the
# Japanese set only (、。」…) and hangs at most one mark in the margin: "部署" ending a line put the next
# line's "，" first, and "（%）" ending one put "，取值…" first. Its set gets the Chinese marks, and where two
# marks close a line ("）。", "），") the break moves back before the last character that may start a line.
ZH_CANNOT_START = "，；：！？）》〉」』】〕”’％‰…·"


def _line_starts(counts, glyphs, cannot) -> list[int]:
    """Where each line starts, given each line's glyph count: a start on a mark that may not begin a line
    moves back (never past the previous line's second glyph) until the glyph there may.

    >>> _line_starts([4, 3], "部署工作，全省", set("，"))
    [0, 3]
    """
    starts = [0]
    for n in counts[:-1]:
        starts.append(starts[-1] + n)
    for k in range(1, len(starts)):
        j = starts[k]
        while j > starts[k - 1] + 1 and glyphs[j] in cannot:
            j -= 1
        starts[k] = j
    return starts


def _chinese_line_breaking() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    extra = "".join(ch for ch in ZH_CANNOT_START if ch not in textsplit.ALL_CANNOT_START)
    if extra:
        textsplit.ALL_CANNOT_START += extra
    paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START
    if getattr(paragraph.cjkFragSplit, "ipdesk", False):
        return
    split = paragraph.cjkFragSplit
    cannot = set(textsplit.ALL_CANNOT_START)

    def cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):  # noqa: N803 - reportlab's names
        out = split(frags, maxWidths, calcBounds, encoding)
        lines = out.lines
        if len(lines) < 2 or not any(ln.words and ln.words[0].text[:1] in cannot for ln in lines[1:]):
            return out
        # a line starts with a mark: the same glyphs (as reportlab makes them), each such line's start moved
        # back before the last glyph that may start a line, the lines re-made by reportlab's own line maker
        texts = [f.text.decode(encoding) if isinstance(f.text, bytes) else f.text for f in frags]
        if not all(texts) or any(hasattr(f, "lineBreak") for f in frags):
            return out                                   # (explicit breaks: left as reportlab made them)
        glyphs = [paragraph.cjkU(t, f, encoding) for f, text in zip(frags, texts) for t in text]
        counts = [sum(len(w.text) for w in ln.words) for ln in lines]
        if sum(counts) != len(glyphs) or any(hasattr(u.width, "normalizedValue") for u in glyphs):
            return out
        starts = _line_starts(counts, glyphs, cannot)
        made = []
        for k, first in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(glyphs)
            width = maxWidths[min(k, len(maxWidths) - 1)]
            used = sum(u.width for u in glyphs[first:end])
            made.append(paragraph.makeCJKParaLine(glyphs[first:end], width, used, width - used, False, calcBounds))
        return paragraph.ParaLines(kind=1, lines=made)

    cjk_frag_split.ipdesk = True
    paragraph.cjkFragSplit = cjk_frag_split
    knife = textsplit.dumbSplit

    def dumb_split(word, widths, maxWidths):  # noqa: N803 - reportlab's names
        """A paragraph of one frag (most table cells) is cut by textsplit.dumbSplit: the same rule."""
        lines = knife(word, widths, maxWidths)
        if len(lines) < 2 or not any(text[:1] in cannot for _space, text in lines[1:]) \
                or "".join(text for _space, text in lines) != word:
            return lines
        widths_ = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        starts = _line_starts([len(text) for _space, text in lines], word, cannot)
        out = []
        for k, first in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(word)
            out.append([widths_[min(k, len(widths_) - 1)] - sum(widths[first:end]), word[first:end]])
        return out

    textsplit.dumbSplit = dumb_split


_chinese_line_breaking()
PAGE_W, PAGE_H = A4
LEFT, TOP = 28 * mm, 37 * mm
TYPE_W, TYPE_H = 156 * mm, 225 * mm
BOTTOM = PAGE_H - TOP - TYPE_H            # 35 mm
PAGE_NO_SIZE = 14                         # 4号
FOOTER_SIZE = 9                           # the fingerprint line
PAGE_NO_GAP = 7 * mm                      # from the type area's lower edge to the dash
GREY = colors.HexColor("#555555")
DRAFT_RED = colors.HexColor("#b3261e")      # prints as a dark grey on black-and-white paper
DRAFT_LINE_Y = PAGE_H - 24 * mm             # the mark's baseline in the top margin (type area starts at 37 mm)
STAMP_W = 175 * mm                          # the diagonal stamp's length


def audit_head_of(rep: Report) -> tuple[str, int] | None:
    """The audit chain head (hash, rows) the export took (set by :func:`~app.services.report.export.export_report`)."""
    head = getattr(rep, "audit_head", None)
    return head if isinstance(head, tuple) and len(head) == 2 else None


def _keywords(rep: Report) -> str:
    head = audit_head_of(rep)
    ledger = getattr(rep, "ledger_fingerprint", "")        # the task ledger a package carries beside the values
    return (f"fingerprint:{rep.fingerprint}" + (f" audit:{head[0]}:{head[1]}" if head else "")
            + (f" ledger:{ledger}" if ledger else ""))


@lru_cache(maxsize=4)
def draft_stamp(text: str):
    """The diagonal stamp as a picture (grey, mostly transparent), rendered from the bundled font:
    ``(ImageReader, width / height)``. A picture, not text, so extracting the page's text never
    interleaves it with the tables."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    font = ImageFont.truetype(str(cjk_font_path()), 160, index=0)
    left, top, right, bottom = font.getbbox(text)
    pad = 24
    img = Image.new("LA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0))
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=font, fill=(96, 64))
    return ImageReader(img.convert("RGBA")), img.width / img.height


class _Doc(BaseDocTemplate):
    def __init__(self, path, rep: Report, font: str, progress, cancel, total: int):
        self.meta = dict(title=rep.title, author=rep.office,
                         subject=f"{rep.region_name}{rep.year}年度知识产权高质量发展指标数据报送；数据指纹 {rep.fingerprint}",
                         keywords=_keywords(rep), creator=f"ipdesk {rep.app_version}")
        super().__init__(str(path), pagesize=A4, leftMargin=LEFT, rightMargin=PAGE_W - LEFT - TYPE_W,
                         topMargin=TOP, bottomMargin=BOTTOM, lang="zh-CN", **self.meta,
                         initialFontName=font, initialFontSize=10)   # no Helvetica in any page's resources
        self.rep, self.font = rep, font
        self.stamp_xobject = None          # (resource name, digest) of the draft stamp once embedded
        self.progress, self.cancel, self.total, self.done = progress, cancel, max(total, 1), 0
        frame = Frame(LEFT, BOTTOM, TYPE_W, TYPE_H, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                      id="type-area")
        self.addPageTemplates([PageTemplate("gbt9704", frames=[frame], onPage=self._furniture,
                                            onPageEnd=self._stamp)])

    def beforeDocument(self):  # noqa: N802 - reportlab's name
        pdfa.apply(self.canv, **self.meta)

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        self.done += 1
        if self.progress:
            self.progress(min(self.done / self.total, 1.0), say(f"排版第 {self.page} 页", f"page {self.page}"))
        check_cancel(self.cancel)

    def _furniture(self, canv, doc):
        n = doc.page
        canv.saveState()
        canv.setFont(self.font, PAGE_NO_SIZE)
        y = BOTTOM - PAGE_NO_GAP - 0.32 * PAGE_NO_SIZE     # the dashes' mid-height sits 7 mm below the area
        text = f"— {n} —"
        if n % 2:
            canv.drawRightString(LEFT + TYPE_W - PAGE_NO_SIZE, y, text)
        else:
            canv.drawString(LEFT + PAGE_NO_SIZE, y, text)
        canv.setFont(self.font, FOOTER_SIZE)
        canv.setFillColor(GREY)
        rep = self.rep
        canv.drawCentredString(LEFT + TYPE_W / 2, 14 * mm,
                               f"{rep.region_name}　{rep.year}年度　数据指纹 {rep.fingerprint_short}　ipdesk {rep.app_version}")
        if rep.draft:                  # the mark in the top margin, on every page
            canv.setFont(self.font, 12)
            canv.setFillColor(DRAFT_RED)
            canv.drawCentredString(LEFT + TYPE_W / 2, DRAFT_LINE_Y, rep.mark)
        canv.restoreState()

    def _stamp(self, canv, doc):
        """The diagonal stamp across a draft's page, over the content (drawn last)."""
        if not self.rep.draft:
            return
        image, ratio = draft_stamp(self.rep.mark)
        w, h = STAMP_W, STAMP_W / ratio
        canv.saveState()
        canv.translate(PAGE_W / 2, BOTTOM + TYPE_H / 2)
        canv.rotate(54)
        if self.stamp_xobject is None:      # the first page embeds the picture (drawImage hashes its pixels)
            got = {"regName": None, "name": None}
            canv.drawImage(image, -w / 2, -h / 2, w, h, mask="auto", extraReturn=got)
            self.stamp_xobject = (got["regName"], got["name"])
        else:                               # the others draw that picture as drawImage does, without hashing
            reg, name = self.stamp_xobject  # it again (a fifth of a 50-page draft's writing time)
            canv.saveState()
            canv.translate(-w / 2, -h / 2)
            canv.scale(w, h)
            canv._code.append(f"/{reg} Do")
            canv.restoreState()
            canv._formsinuse.append(name)
            canv._currentPageHasImages = 1
        canv.restoreState()
