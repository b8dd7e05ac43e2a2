"""Update the translation source from the code and build the .qm the app loads.

    .venv/bin/python tools/i18n.py          # lupdate app/ui -> resources/i18n/ipdesk_zh_CN.ts, then lrelease

Translate new strings in the .ts with Qt Linguist (`pyside6-linguist`) or any editor;
`tests/test_ui_i18n.py` fails while any string of the main screens is untranslated.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TS = ROOT / "resources" / "i18n" / "ipdesk_zh_CN.ts"


def main() -> None:
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(TS)], check=True)
    subprocess.run([str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    main()
