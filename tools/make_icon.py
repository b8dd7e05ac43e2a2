"""Draw the app icon (resources/icons/ipdesk.png, .ico and .svg) with the bundled font.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_icon.py [--out resources/icons]
"""
import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="44" fill="#1f5fa8"/>
  <rect x="40" y="176" width="176" height="14" rx="7" fill="#f5b041"/>
  <text x="128" y="158" font-family="WenQuanYi Micro Hei, sans-serif" font-size="128" fill="#ffffff"
        text-anchor="middle">知</text>
</svg>
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "icons")
    out = ap.parse_args(argv).out

    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from app.ui.main import make_app

    make_app()
    out.mkdir(parents=True, exist_ok=True)
    (out / "ipdesk.svg").write_text(SVG, encoding="utf-8")
    img = QImage(256, 256, QImage.Format_ARGB32)
    img.fill(Qt.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#1f5fa8"))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 44, 44)
    p.setBrush(QColor("#f5b041"))
    p.drawRoundedRect(QRectF(40, 176, 176, 14), 7, 7)
    font = QFont("WenQuanYi Micro Hei")
    font.setPixelSize(128)
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    p.drawText(QRectF(0, 20, 256, 150), Qt.AlignCenter, "知")
    p.end()
    img.save(str(out / "ipdesk.png"))
    img.scaled(64, 64, Qt.KeepAspectRatio, Qt.SmoothTransformation).save(str(out / "ipdesk.ico"))
    print("icons:", ", ".join(sorted(p.name for p in out.iterdir())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
