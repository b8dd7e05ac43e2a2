"""Update the translation source from the code and build the .qm the app loads.

    .venv/bin/python tools/i18n.py            # lupdate app/ui -> resources/i18n/ipdesk_zh_CN.ts, then lrelease
    .venv/bin/python tools/i18n.py --check    # writes nothing: exit 1 and a list when the .ts is behind the
                                              # code or a string is untranslated (tests/test_tools.py runs it)

Translate new strings in the .ts with Qt Linguist (`pyside6-linguist`) or any editor, then run
the first command again to build the .qm.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TS = ROOT / "resources" / "i18n" / "ipdesk_zh_CN.ts"
UI = ROOT / "app" / "ui"


def _lupdate(ui: Path, ts: Path) -> None:
    sources = sorted(str(p) for p in ui.glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-silent", "-ts", str(ts)], check=True,
                   stdout=subprocess.DEVNULL)


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """``{(context, source): translation}`` of a .ts file; None where unfinished or empty."""
    from defusedxml import ElementTree

    out = {}
    for context in ElementTree.parse(str(ts)).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            tr = message.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete") and (tr.text or "")
            out[(name, message.findtext("source") or "")] = tr.text if done else None
    return out


def check(ui: Path = UI, ts: Path = TS) -> list[str]:
    """What is wrong with ``ts`` for the code in ``ui``, one line each (empty: up to date and complete)."""
    with tempfile.TemporaryDirectory(prefix="ipdesk-i18n-") as d:
        fresh = Path(d) / ts.name
        shutil.copy(ts, fresh)
        _lupdate(ui, fresh)
        now, kept = messages(fresh), messages(ts)
    problems = [f"not in {ts.name} (run tools/i18n.py): {c}: {s!r}" for c, s in sorted(now.keys() - kept.keys())]
    problems += [f"no longer in the code (run tools/i18n.py): {c}: {s!r}" for c, s in sorted(kept.keys() - now.keys())]
    problems += [f"untranslated: {c}: {s!r}" for (c, s), t in sorted(now.items()) if t is None]
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when the .ts is stale or incomplete")
    args = ap.parse_args(argv)
    if args.check:
        problems = check()
        for p in problems:
            print(p)
        print(f"{TS.name}: {'%d problem(s)' % len(problems) if problems else 'up to date, every string translated'}")
        return 1 if problems else 0
    _lupdate(UI, TS)
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
