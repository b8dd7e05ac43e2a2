"""Window benchmarks (issue 3), each against a floor measured in the same run.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_ui.py

- time to the first painted main window on the demo store vs a bare PySide6 QMainWindow
  (fresh processes, median of 5; goal ≤ 1.3×);
- switching region on the national-scale store: a city chosen in the tree, then the event loop
  run until the grid (or both charts) and the tree have painted the new region (median of 30;
  goal ≤ 50 ms), against the whole window repainted through the event loop;
- peak memory (max RSS) with the national-scale store open, once the window has settled (the
  deferred checks run, the charts library made ready), vs the bare window (goal ≤ 1.5×); the
  figure at the first paint is printed too.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Both scripts end with the same probe: the time and peak memory when the window first paints
# (and with BENCH_SETTLE=seconds, the peak memory that long after). Peak memory is the process's own
# high-water mark (VmHWM): on Linux ru_maxrss starts from the parent's size at fork, so a child of
# a large benchmark process would report the parent's peak.
PROBE = r"""
def peak_kb():
    try:
        with open("/proc/self/status") as f:
            return int(next(ln for ln in f if ln.startswith("VmHWM:")).split()[1])
    except (OSError, StopIteration):     # not Linux: ru_maxrss (bytes on macOS, kB elsewhere)
        import sys
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss // 1024 if sys.platform == "darwin" else rss
class F(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Paint and obj is w and not getattr(self, "done", False):
            self.done = True
            print("PAINTED", time.time(), time.perf_counter() - t0, peak_kb(), flush=True)
            if SETTLE:         # the peak once the window has settled: deferred checks, charts made ready
                from PySide6.QtCore import QTimer
                QTimer.singleShot(int(SETTLE * 1000), lambda: (print("SETTLED", peak_kb(), flush=True), app.quit()))
            else:
                app.quit()
        return False
import os; SETTLE = float(os.environ.get("BENCH_SETTLE", "0"))
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""

BARE = r"""
import time, resource
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800)
""" + PROBE

# For reference, not a goal: the same widgets as our first screen (menus, tool bar, a 34 × 13 tree,
# a 26 × 5 table with CJK headers, tabs, a list, the bundled font) in plain PySide6, the table over the
# least Python model there is, no store: what Qt and PySide cost over the empty window (binding the
# widget classes, the Qt namespace's enums — 17-23 ms here — laying out and drawing CJK text).
SKELETON = r"""import time, resource, sys
t0 = time.perf_counter()
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (QApplication, QMainWindow, QTreeView, QTableView, QTabWidget, QSplitter, QLabel,
                               QSpinBox, QComboBox, QListWidget, QPushButton, QToolBar, QWidget, QVBoxLayout)
from PySide6.QtGui import QStandardItemModel, QStandardItem, QFont, QFontDatabase, QIcon
app = QApplication([])
fid = QFontDatabase.addApplicationFont(sys.argv[1])
f = QFont(QFontDatabase.applicationFontFamilies(fid)[0]); f.setPointSize(10); app.setFont(f)
w = QMainWindow(); w.resize(1280, 800)
for m in ("文件(&F)", "编辑(&E)", "审核(&R)", "视图(&V)", "帮助(&H)"):
    menu = w.menuBar().addMenu(m)
    for i in range(8): menu.addAction(f"菜单项 {i}")
tb = QToolBar(); tb.addWidget(QLabel("年度")); sb = QSpinBox(); sb.setRange(2000, 2030); sb.setValue(2024); tb.addWidget(sb)
cb = QComboBox(); cb.addItems(["年度（近 5 年）", "季度", "月度"]); tb.addWidget(cb); w.addToolBar(tb)
tree = QTreeView(); tm = QStandardItemModel()
for i in range(34):
    it = QStandardItem(f"江苏省{i}")
    for j in range(13): it.appendRow(QStandardItem(f"南京市{j}"))
    tm.appendRow(it)
tree.setModel(tm); tree.setHeaderHidden(True)
tabs = QTabWidget()
page = QWidget(); lay = QVBoxLayout(page); lay.addWidget(QLabel("江苏省 · 2024 · 状态：草稿"))
class Grid(QAbstractTableModel):      # the least Python a model/view window has: a table model
    def rowCount(self, parent=QModelIndex()): return 0 if parent.isValid() else 26
    def columnCount(self, parent=QModelIndex()): return 0 if parent.isValid() else 5
    def data(self, index, role=Qt.DisplayRole):
        return f"{index.row() * 1234.5 + index.column():,.1f}" if role == Qt.DisplayRole else None
    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole: return None
        return f"{2020 + section}年" if orientation == Qt.Horizontal else f"每万人口高价值发明专利拥有量{section}（件/万人）"
table = QTableView(); m = Grid(); table.setModel(m); lay.addWidget(table)
split2 = QSplitter(); split2.addWidget(page); lw = QListWidget(); lw.addItems(["[须说明] 专利转让许可次数：同比变化 45%"]*5); split2.addWidget(lw)
for t in ("数据填报", "目标看板", "图表分析", "数据包收发"): tabs.addTab(split2 if t == "数据填报" else QWidget(), t)
split = QSplitter(); split.addWidget(tree); split.addWidget(tabs); w.setCentralWidget(split)
w.statusBar().showMessage("/tmp/store.sqlite")
""" + PROBE

APP = r"""
import time, resource, sys
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject
from app.ui.main import make_app
from app.models.db import open_store
app = make_app()
from app.ui.main_window import MainWindow
w = MainWindow(open_store(sys.argv[1]), region=sys.argv[2], year=int(sys.argv[3]))
""" + PROBE


# Both processes import from compiled bytecode, as an installed ipdesk (wheel or bundle) does: in a
# folder of the temp directory (the checkout stays clean), written by a first, untimed launch of each.
PYCACHE = Path(tempfile.gettempdir()) / "ipdesk-bench-pycache"


def run(code: str, *args, settle: float = 0) -> tuple[float, int, float, int | None]:
    """(seconds from process launch to the first paint, max RSS in kB then, seconds from the script's
    first line, and with ``settle`` the max RSS in kB that many seconds after the first paint)."""
    import time

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(PYCACHE),
               BENCH_SETTLE=str(settle))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    launched = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("PAINTED"))
    _, painted_at, in_process, rss_kb = line.split()
    settled = next((int(ln.split()[1]) for ln in out.stdout.splitlines() if ln.startswith("SETTLED")), None)
    return float(painted_at) - launched, int(rss_kb), float(in_process), settled


def report(name, value, goal, unit, floor_name, floor):
    ok = "ok " if value <= goal * (floor if unit == "×" else 1) else "SLOW"
    if unit == "×":
        print(f"[{ok}] {name:<44} {value / floor:5.2f}× {floor_name}  (goal ≤ {goal:g}×)")
    else:
        print(f"[{ok}] {name:<44} {value * 1000:7.1f} ms  (goal ≤ {goal * 1000:g} ms)  ratio {value / floor:5.1f}× {floor_name}")


def main() -> None:
    from app.models.db import open_store
    from app.services.demo import make_demo
    from bench_core import nation_store

    tmp = Path(tempfile.mkdtemp(prefix="ipdesk-bench-ui-"))
    demo = tmp / "demo.sqlite"
    make_demo(open_store(demo))
    nation = nation_store(False)

    font = str(ROOT / "resources" / "fonts" / "wqy-microhei.ttc")
    run(BARE), run(SKELETON, font), run(APP, str(demo), "320000", "2024")   # untimed: bytecode written, files cached
    bare, skeleton, ours = [], [], []
    for _ in range(5):                                        # alternately: the machine's load moves all alike
        bare.append(run(BARE))
        skeleton.append(run(SKELETON, font))
        ours.append(run(APP, str(demo), "320000", "2024"))
    t_bare = statistics.median(b[0] for b in bare)
    t_ours = statistics.median(o[0] for o in ours)
    i_bare = statistics.median(b[2] for b in bare)
    i_ours = statistics.median(o[2] for o in ours)
    print(f"first paint from launch: bare QMainWindow {t_bare * 1000:.0f} ms, ipdesk on the demo store {t_ours * 1000:.0f} ms"
          f" (after the interpreter started: {i_bare * 1000:.0f} vs {i_ours * 1000:.0f} ms, {i_ours / i_bare:.2f}×)")
    report("first painted window from launch (demo store)", t_ours, 1.3, "×", "bare QMainWindow", t_bare)
    t_skel = statistics.median(s[0] for s in skeleton)
    print(f"       for reference: the same widgets in plain PySide6 (a minimal model, no store) {t_skel * 1000:.0f} ms = "
          f"{t_skel / t_bare:.2f}× the bare window; ipdesk = {t_ours / t_skel:.2f}× that skeleton")

    # peak memory once the window has settled (4 s: the deferred checks ran — NumPy — and the charts
    # library was made ready) — the figure for the goal; at the first paint for information
    nat = [run(APP, str(nation), "320000", "2022", settle=4) for _ in range(3)]
    rss_bare = statistics.median(b[1] for b in bare) / 1024
    rss_first = statistics.median(n[1] for n in nat) / 1024
    rss_nat = statistics.median(n[3] for n in nat) / 1024
    print(f"peak memory: bare {rss_bare:.0f} MB; ipdesk with the national store {rss_first:.0f} MB at the first "
          f"paint ({rss_first / rss_bare:.2f}×), {rss_nat:.0f} MB settled")
    report("peak memory, national store open, settled", rss_nat, 1.5, "×", "bare window", rss_bare)

    # region switching in-process on the national store: grid + chart repainted
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import time

    from PySide6.QtWidgets import QApplication, QWidget

    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    app = make_app()
    w = MainWindow(open_store(nation, readonly=True), region="320000", year=2022)
    w.resize(1280, 800)
    w.show()
    w.tabs.setCurrentIndex(2)          # charts made once
    w.tabs.setCurrentIndex(0)
    app.processEvents()
    cities = [c for c, in w.db.execute("select code from regions where parent in ('320000','440000','330000')"
                                        " and level = 'prefecture'")][:30]

    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        """Counts the paint events of the watched viewports: a switch is timed until they painted."""

        def __init__(self):
            super().__init__()
            self.seen = set()

        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Paint:
                self.seen.add(obj)
            return False

    paints = Paints()

    def switch(tab, viewports):
        """Choose each city in the tree, then let the event loop run until it has painted the window
        (as it does for a user): the time until the grid or both charts show the new region."""
        times = []
        w.tabs.setCurrentIndex(tab)
        app.processEvents()
        for v in viewports:
            v.installEventFilter(paints)
        for code in cities:
            paints.seen.clear()
            t = time.perf_counter()
            w.select_region(code)
            app.processEvents()
            times.append(time.perf_counter() - t)
            assert paints.seen >= set(viewports), "a switch that did not repaint"
        for v in viewports:
            v.removeEventFilter(paints)
        return statistics.median(times)

    floor = []
    for _ in cities:      # the floor: the whole window painted again through the event loop
        t = time.perf_counter()
        w.update()
        for child in w.findChildren(QWidget):
            child.update()
        app.processEvents()
        floor.append(time.perf_counter() - t)
    t_floor = statistics.median(floor)
    report("switch region: entry grid repainted", switch(0, [w.entry.view.viewport(), w.tree.viewport()]), 0.05, "s",
           "bare repaint", t_floor)
    charts = w.charts
    report("switch region: chart repainted", switch(2, [charts.trend_plot.viewport(), charts.rank_plot.viewport()]),
           0.05, "s", "bare repaint", t_floor)
    QApplication.closeAllWindows()
    print(json.dumps({"first_paint_ratio": round(t_ours / t_bare, 2), "skeleton_ratio": round(t_skel / t_bare, 2),
                      "memory_ratio": round(rss_nat / rss_bare, 2)}))


if __name__ == "__main__":
    main()
