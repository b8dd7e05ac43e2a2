"""The region tree and the region finder, on the real window offscreen (pytest-qt)."""
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


@pytest.fixture
def window(qtbot, open_main_window):
    w = open_main_window("320100", 2024)
    qtbot.waitExposed(w)
    return w


def commit(widget, text):
    """Text as a Chinese input method delivers it (QTest's key clicks are ASCII only)."""
    from PySide6.QtGui import QInputMethodEvent
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_region_tree_reads_only_the_branches_shown(window, qtbot):
    """The tree reads the nation, the provinces and the path to the chosen city at start — not the
    3,300 regions of the store — and a branch when it is opened or a region in it is chosen."""
    m = window.tree_model
    total = window.db.execute("select count(*) from regions").fetchone()[0]
    assert {"100000", "320000", "320100"} <= set(m.regions) and len(m.regions) < total / 10
    assert "440305" not in m.regions                                     # Shenzhen's Nanshan: not read yet
    assert m.data(m.index_of("320100")) == "南京市" and window.region == "320100"
    idx = m.index_of("440305")                                          # chosen from elsewhere: its branch is read
    assert idx.isValid() and m.data(idx) == "南山区"
    assert m.code(m.parent(idx)) == "440300" and m.code(m.parent(m.parent(idx))) == "440000"
    assert m.rowCount(m.index_of("440300")) == window.db.execute(
        "select count(*) from regions where parent = '440300'").fetchone()[0]
    window.select_region("440305")
    qtbot.waitUntil(lambda: window.region == "440305")
    assert window.tree.currentIndex() == m.index_of("440305") and window.region_name("440305") == "南山区"
    assert window.region_name("650100") == "乌鲁木齐市"                  # a name outside the branches read
    assert not m.index_of("999999").isValid()


def test_region_tree_reads_again_when_regions_change_meanwhile(window, qtbot, qtmodeltester):
    """A unit added by another connection (a package received, the CLI) under a county read as
    childless, and a district moved to another city: the tree reads its branches again instead of
    mixing old and new (which showed the district twice and the unit unreachable)."""
    from app.models.catalogue import add_region
    from app.models.db import open_store, transaction

    m = window.tree_model
    assert m.index_of("320102").isValid() and not m.hasChildren(m.index_of("320102"))
    other = open_store(window.db.path)
    add_region(other, "320102U1", "玄武区某试点单位", parent="320102")
    with transaction(other):
        other.execute("update regions set parent = '320200' where code = '320104'")   # 秦淮区 -> 无锡市
        from app.models.db import bump_reference
        bump_reference(other)
    other.close()
    window.select_region("320100")
    window.reload_current()
    assert m.hasChildren(m.index_of("320102"))
    window.select_region("320102U1")
    qtbot.waitUntil(lambda: window.region == "320102U1")
    idx = window.tree.currentIndex()
    assert m.code(idx) == "320102U1" and not window.tree.visualRect(idx).isEmpty()
    assert m.code(m.parent(m.index_of("320104"))) == "320200"
    nanjing = [m.code(m.index(r, 0, m.index_of("320100"))) for r in range(m.rowCount(m.index_of("320100")))]
    assert "320104" not in nanjing
    qtmodeltester.check(m)


def test_region_finder_goes_to_a_region_by_part_of_its_name_or_code(window, qtbot):
    """Ctrl+F, part of a name, Enter: the county is shown and the tree has the keyboard; a code
    works too, a suggestion can be clicked, and a text matching nothing says so."""
    finder = window.finder
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    qtbot.waitUntil(finder.hasFocus)
    texts = finder.suggestions()
    assert len(texts) == window.db.execute("select count(*) from regions").fetchone()[0]
    assert "南山区 · 广东省 深圳市 · 440305" in texts and "深圳市 · 广东省 · 440300" in texts
    commit(finder, "南山")                               # as an input method types Chinese
    popup = finder.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown == ["南山区 · 黑龙江省 鹤岗市 · 230404", "南山区 · 广东省 深圳市 · 440305"]
    qtbot.keyClick(popup, Qt.Key_Return)         # (the open list has the keyboard; nothing chosen: the first)
    qtbot.waitUntil(lambda: window.region == "230404")
    assert window.tree.hasFocus() and finder.text() == ""
    assert window.tree_model.code(window.tree.currentIndex()) == "230404"
    finder.setFocus()
    commit(finder, "南山")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key_Down)
    qtbot.keyClick(popup, Qt.Key_Down)           # the second: Shenzhen's
    qtbot.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.region == "440305")

    finder.setFocus()
    qtbot.keyClicks(finder, "320582")                 # a code: 张家港市
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key_Return)              # picked in the list
    qtbot.waitUntil(lambda: window.region == "320582")

    finder.setFocus()
    commit(finder, "不存在的地方")
    qtbot.keyClick(finder, Qt.Key_Return)
    assert window.region == "320582" and "不存在的地方" in window.statusBar().currentMessage()
