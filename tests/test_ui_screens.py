"""Chinese first: every visible string of the main screens is translated, no glyph is a box,
and the screens are written as PNGs (out/screens/) to look at."""
import re
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFontDatabase, QFontMetrics  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QApplication, QGroupBox, QLabel, QLineEdit, QPlainTextEdit,  # noqa: E402
                               QTableView, QTableWidget, QTabWidget)

OUT = Path(__file__).resolve().parent.parent / "out" / "screens"
# words that stay Latin in a Chinese UI: product and format names, indicator codes, units
ALLOWED = {"ipdesk", "GDP", "PNG", "Ctrl", "Y", "Z", "H", "English"}  # a language is named in itself
CODE = re.compile(r"^[A-Z0-9_]+$")


def visible_texts(window) -> list[tuple[str, str]]:
    out = [("title", window.windowTitle())]
    for action in window.menuBar().actions():
        out.append(("menu", action.text()))
        for sub in action.menu().actions():
            if sub.text():
                out.append(("menu item", sub.text()))
    for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton) + window.findChildren(QGroupBox):
        if not w.isVisible():
            continue
        text = w.title() if isinstance(w, QGroupBox) else w.text()
        out.append((type(w).__name__, text))
    for w in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
        if w.isVisible() and w.placeholderText():
            out.append(("placeholder", w.placeholderText()))
    for tabs in window.findChildren(QTabWidget):
        out += [("tab", tabs.tabText(i)) for i in range(tabs.count())]
    if window.charts is not None and window.charts.isVisible():        # pyqtgraph's titles and axis labels
        for plot in (window.charts.trend_plot, window.charts.rank_plot):
            item = plot.getPlotItem()
            out.append(("chart title", re.sub(r"<[^>]+>", "", item.titleLabel.text)))
            for side in ("left", "bottom"):
                out.append(("axis label", re.sub(r"<[^>]+>", "", item.getAxis(side).labelText or "")))
    for view in window.findChildren(QTableView) + window.findChildren(QTableWidget):
        if not view.isVisible() or view.model() is None:
            continue
        m = view.model()
        out += [("column header", str(m.headerData(c, Qt.Horizontal) or "")) for c in range(m.columnCount())]
        out += [("row header", str(m.headerData(r, Qt.Vertical) or "")) for r in range(min(m.rowCount(), 30))]
    return [(kind, t) for kind, t in out if t and t.strip()]


def untranslated(texts):
    bad = []
    for kind, text in texts:
        for word in re.findall(r"[A-Za-z][A-Za-z']+", text.replace("&", "")):
            if word not in ALLOWED and not CODE.match(word):
                bad.append(f"{kind}: {text!r}")
                break
    return bad


def missing_glyphs(window, texts):
    fm = QFontMetrics(QApplication.font())
    return sorted({ch for _k, t in texts for ch in t if not ch.isspace() and not fm.inFontUcs4(ord(ch))})


@pytest.fixture
def screens(qtbot, demo_db):
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    make_app()
    i18n.set_language("zh")
    w = MainWindow(demo_db, region="320000", year=2024)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    # the checks come right after the first paint: wait for them (and the side panel's new layout)
    checking = w.entry.tr("Checking…")
    qtbot.waitUntil(lambda: w.entry.blockers_label.text() not in ("", checking), timeout=10000)
    qtbot.wait(100)
    yield w
    w.close()
    i18n.set_language("zh")


def test_bundled_font_is_the_application_font(screens):
    family = QApplication.font().family()
    assert family == "WenQuanYi Micro Hei"
    assert family in QFontDatabase.applicationFontFamilies(0) or any(
        family in QFontDatabase.applicationFontFamilies(i) for i in range(4))


@pytest.mark.parametrize("tab", [0, 1, 2])
def test_main_screens_are_chinese_without_boxes(screens, tab, qtbot):
    screens.tabs.setCurrentIndex(tab)
    qtbot.wait(50)
    texts = visible_texts(screens)
    assert len(texts) > 15
    assert untranslated(texts) == []
    assert missing_glyphs(screens, texts) == []
    assert any(re.search(r"[\u4e00-\u9fff]", t) for _k, t in texts)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"zh-{['entry', 'dashboard', 'charts'][tab]}.png"
    assert screens.grab().save(str(path))
    assert path.stat().st_size > 20_000


def test_english_screens(screens, qtbot):
    from app.ui import i18n

    screens.tabs.setCurrentIndex(1)          # the entry page is hidden while the language changes
    i18n.set_language("en")
    screens.tabs.setCurrentIndex(0)
    assert screens.entry.title.text().startswith("Jiangsu · 2024")
    assert not re.search(r"[\u4e00-\u9fff]", screens.entry.findings.item(0).text())
    texts = visible_texts(screens)
    assert not [t for _k, t in texts if re.search(r"[\u4e00-\u9fff]", t) and _k in ("menu", "tab", "QPushButton")]
    OUT.mkdir(parents=True, exist_ok=True)
    assert screens.grab().save(str(OUT / "en-entry.png"))


def test_translation_source_is_complete_and_built():
    """Every string in the .ts has a Chinese translation, and the .qm the app loads is built from it."""
    import xml.etree.ElementTree as ET

    from app.models.reference import resource

    ts = resource("i18n", "ipdesk_zh_CN.ts")
    messages = list(ET.parse(ts).getroot().iter("message"))
    assert len(messages) > 100
    bad = [m.find("source").text for m in messages
           if m.find("translation").get("type") in ("unfinished", "obsolete") or not (m.find("translation").text or "").strip()]
    assert bad == []
    qm = resource("i18n", "ipdesk_zh_CN.qm")
    assert qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime - 1
