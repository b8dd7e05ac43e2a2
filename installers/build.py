"""Build the one-folder bundle with PyInstaller, then start it with --self-test.

    .venv/bin/pip install -e ".[build]"
    .venv/bin/python installers/build.py            # -> dist/ipdesk/ipdesk (ipdesk.exe on Windows)

The self-test opens the window offscreen on a fresh demo store, renders it, checks the
bundled font and the store, and exits 0; a bundle that cannot do that is not handed out.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-build", action="store_true", help="only run the self-test of dist/ipdesk")
    args = ap.parse_args()
    dist = ROOT / "dist" / "ipdesk"
    if not args.skip_build:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                        "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
                        str(ROOT / "installers" / "ipdesk.spec")], check=True, cwd=ROOT)
        size = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file() and not p.is_symlink())
        print(f"bundle: {dist} ({size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
    exe = dist / ("ipdesk.exe" if sys.platform == "win32" else "ipdesk")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONPATH", None)
    t = time.perf_counter()
    out = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    print(out.stdout.strip(), out.stderr.strip()[-2000:], sep="\n")
    print(f"self-test exit {out.returncode} in {time.perf_counter() - t:.1f} s")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=60)
    print(version.stdout.strip())
    return out.returncode


if __name__ == "__main__":
    sys.exit(main())
