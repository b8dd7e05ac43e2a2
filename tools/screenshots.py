"""Regenerate the README's window screenshots (docs/img/window-*.png) on a fresh demo store.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--out docs/img]

The window runs with a fresh settings folder (HOME and XDG_CONFIG_HOME in a temporary folder), so what
a user's own ipdesk remembered (splitter sizes, recent stores, language) does not reach the images.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    out = ap.parse_args(argv).out
    home = tempfile.mkdtemp(prefix="ipdesk-screenshots-")
    os.environ["HOME"], os.environ["XDG_CONFIG_HOME"] = home, str(Path(home) / "config")
    os.environ.pop("IPDESK_LANG", None)

    from app.models.db import open_store
    from app.services.demo import make_demo
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    db = open_store(Path(tempfile.mkdtemp()) / "demo.sqlite")
    make_demo(db)
    w = MainWindow(db, region="320000", year=2024, fast_start=False)
    w.resize(1280, 800)
    w.show()

    def settle():            # the checks and the tree's completeness badges follow the first paint
        import time

        for _ in range(20):
            app.processEvents()
            time.sleep(0.02)
    for tab, name in ((0, "entry"), (1, "dashboard"), (2, "charts")):
        w.tabs.setCurrentIndex(tab)
        settle()
        w.grab().save(str(out / f"window-{name}.png"))
    i18n.set_language("en")
    w.tabs.setCurrentIndex(0)
    settle()
    w.grab().save(str(out / "window-entry-en.png"))
    print("written:", ", ".join(sorted(p.name for p in out.glob("window-*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
