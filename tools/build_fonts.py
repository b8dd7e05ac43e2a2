"""Build the Song (serif) faces of the printed documents: Noto Serif SC Regular and Bold,
subset to what the documents can ever print.

    python tools/build_fonts.py            # npm pack, subset, write resources/fonts/
    python tools/build_fonts.py --from DIR # an unpacked package already on disk (no network)
    python tools/build_fonts.py --check    # list the characters the app uses that the subset lacks

Source: the npm package ``@expo-google-fonts/noto-serif-sc`` 0.4.3 (files
``400Regular/NotoSerifSC_400Regular.ttf``, ``700Bold/NotoSerifSC_700Bold.ttf``, TrueType
outlines, OFL-1.1 in ``LICENSE_FONT``). reportlab embeds TrueType outlines (not CFF), so
these embed subset in every PDF.

The subset keeps:
- every character of GB 2312 (each two-byte code point decoded with Python's ``gb2312``
  codec: 6,763 hanzi and 682 symbols), and printable ASCII;
- every non-ASCII character of the app's source (messages, symbols ● ◐ ○ ✕ ▲ — ✓ …) and of
  the resources (region names, the catalogue, the target packs, translations);
so a region or indicator name outside GB 2312 (e.g. 亳州's 亳 is in it, but 𬌗 is not) still prints.
Characters the source font itself lacks are listed, not silently dropped.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "fonts"
PACKAGE = "@expo-google-fonts/noto-serif-sc@0.4.3"
FACES = {"NotoSerifSC-Regular-subset.ttf": "400Regular/NotoSerifSC_400Regular.ttf",
         "NotoSerifSC-Bold-subset.ttf": "700Bold/NotoSerifSC_700Bold.ttf"}
SCANNED = [("app", ("*.py",)), ("resources/regions", ("*.csv", "*.json")), ("resources/catalogue", ("*.csv",)),
           ("resources/targets", ("*.csv",)), ("resources/i18n", ("*.ts",))]


def gb2312() -> set[str]:
    """Every character of GB 2312: rows 0xA1–0xF7, cells 0xA1–0xFE, decoded with the gb2312 codec."""
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass                       # unassigned code point
    return out


def used_characters(root: Path = ROOT) -> set[str]:
    """Non-ASCII characters of the app's source and resources (messages, names, symbols)."""
    out = set()
    for folder, patterns in SCANNED:
        for pattern in patterns:
            for path in (root / folder).rglob(pattern):
                out |= {ch for ch in path.read_text(encoding="utf-8", errors="ignore") if ord(ch) > 0x7E}
    return {ch for ch in out if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF}


def wanted() -> set[str]:
    return gb2312() | {chr(c) for c in range(0x20, 0x7F)} | used_characters() | {"\u3000"}


def fetch(workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir`` and unpack it; returns the package folder."""
    subprocess.run(["npm", "pack", PACKAGE], cwd=workdir, check=True, capture_output=True)
    tgz = next(workdir.glob("*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def subset(source: Path, target: Path, chars: set[str]) -> list[str]:
    """Subset ``source`` to ``chars`` (TrueType outlines, hinting dropped); returns the chars it lacks."""
    from fontTools import subset as fts
    from fontTools.ttLib import TTFont

    cmap = TTFont(source, lazy=True).getBestCmap()
    missing = sorted(ch for ch in chars if ord(ch) not in cmap and not ch.isspace())
    opts = fts.Options()
    opts.hinting = False                     # printed at ≥ 9 pt: hints add size, not legibility
    opts.layout_features = ["*"]             # keep vertical / fullwidth forms
    opts.name_IDs = ["*"]                    # keep the copyright and licence entries
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    font = fts.load_font(str(source), opts)
    sub = fts.Subsetter(options=opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    fts.save_font(font, str(target), opts)
    return missing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="source", type=Path, help="an unpacked npm package folder (skip npm pack)")
    ap.add_argument("--check", action="store_true", help="report the app's characters missing from the subset")
    args = ap.parse_args(argv)
    chars = wanted()
    if args.check:
        from fontTools.ttLib import TTFont

        cmap = TTFont(OUT / next(iter(FACES)), lazy=True).getBestCmap()
        lacking = sorted(ch for ch in used_characters() if ord(ch) not in cmap and not ch.isspace())
        print("missing:", "".join(lacking) or "none")
        return 1 if lacking else 0
    with tempfile.TemporaryDirectory() as tmp:
        package = args.source or fetch(Path(tmp))
        for name, rel in FACES.items():
            missing = subset(package / rel, OUT / name, chars)
            print(f"{name}: {(OUT / name).stat().st_size / 1024:,.0f} KiB, {len(chars)} characters asked, "
                  f"lacking in the source font: {''.join(missing) or 'none'}")
        shutil.copyfile(package / "LICENSE_FONT", OUT / "NotoSerifSC-OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
