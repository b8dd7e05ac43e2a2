"""What DHIS2 and 直报 users expect (issue 16, point 5), on the national-scale store, each against a
floor measured in the same run.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_expect.py

- the violations page opened on the nation (every finding below it for the year): from choosing
  the tab to the table painted (median of 5, a fresh page each time; goal ≤ 0.5 s), against the
  bare findings pass it lists (``findings(db, "100000", year, below="all")``);
- completeness of every region and subtree for a year, computed afresh (information), against
  one count of the year's values;
- switching region with the completeness badges in the tree (median of 30; goal ≤ 50 ms, as in
  bench_ui.py), against the whole window repainted.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report  # noqa: E402

YEAR = 2022


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from app.models.completeness import _compute
    from app.models.db import open_store
    from app.models.findings import findings
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow
    from bench_core import nation_store

    path = nation_store(False)
    db = open_store(path, readonly=True)
    findings(db, "100000", YEAR, below="all")              # untimed: NumPy loaded, pages cached
    floor, floor_cpu = [], []
    for _ in range(5):
        t, c = time.perf_counter(), time.process_time()
        n = len(findings(db, "100000", YEAR, below="all"))
        floor.append(time.perf_counter() - t)
        floor_cpu.append(time.process_time() - c)
    t_findings = statistics.median(floor)
    print(f"{n} findings below the nation in {YEAR}")

    app = make_app()
    w = MainWindow(open_store(path, readonly=True), region="100000", year=YEAR)
    w.resize(1366, 768)
    w.show()
    app.processEvents()

    class Painted(QObject):
        seen = False

        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Paint:
                self.seen = True
            return False

    opened, opened_cpu = [], []
    for _ in range(5):
        w.tabs.setCurrentIndex(0)
        app.processEvents()
        if w._violations is not None:           # a fresh page: made, filled and painted
            i = w.tabs.indexOf(w._violations)
            w.tabs.removeTab(i)
            w._violations.deleteLater()
            w._violations = None
            w.tabs.insertTab(i, w._violations_tab, "")
            w._loaded = set()
        t, c = time.perf_counter(), time.process_time()
        page = w.violations
        spy = Painted()
        page.view.viewport().installEventFilter(spy)
        w.tabs.setCurrentWidget(page)
        while not spy.seen:
            app.processEvents()
        opened.append(time.perf_counter() - t)
        opened_cpu.append(time.process_time() - c)
        assert page.model.rowCount() == n
    report("violations page opened on the nation, painted", statistics.median(opened), 0.5,
           "bare findings pass", t_findings)
    print(f"       CPU time: {statistics.median(opened_cpu):.3f} s, "
          f"{statistics.median(opened_cpu) / statistics.median(floor_cpu):.2f}× the findings pass's "
          f"{statistics.median(floor_cpu):.3f} s")

    counts = []
    for _ in range(5):
        t = time.perf_counter()
        db.execute('select region, count(*) from "values" where year = ? group by region', [YEAR]).fetchall()
        counts.append(time.perf_counter() - t)
    comp = []
    for _ in range(5):
        t = time.perf_counter()
        _compute(db, YEAR)
        comp.append(time.perf_counter() - t)
    report("completeness of every region and subtree, afresh", statistics.median(comp), None,
           "one count of the year's values", statistics.median(counts))

    # region switching with the badges drawn (as bench_ui.py)
    w.tabs.setCurrentIndex(0)
    w.select_region("320000")
    app.processEvents()
    cities = [c for c, in w.db.execute("select code from regions where parent in ('320000','440000','330000')"
                                        " and level = 'prefecture'")][:30]
    seen = set()

    class Paints(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Paint:
                seen.add(obj)
            return False

    paints = Paints()
    ports = [w.entry.view.viewport(), w.tree.viewport()]
    for v in ports:
        v.installEventFilter(paints)
    times = []
    for code in cities:
        seen.clear()
        t = time.perf_counter()
        w.select_region(code)
        app.processEvents()
        times.append(time.perf_counter() - t)
        assert seen >= set(ports), "a switch that did not repaint"
    assert w.tree_model.filled is not None and w.tree_model.filled_text("320000")
    bare = []
    for _ in cities:
        t = time.perf_counter()
        w.update()
        for child in w.findChildren(QWidget):
            child.update()
        app.processEvents()
        bare.append(time.perf_counter() - t)
    report("switch region: grid and tree (badges) repainted", statistics.median(times), 0.05, "bare repaint",
           statistics.median(bare))
    QApplication.closeAllWindows()


if __name__ == "__main__":
    main()
