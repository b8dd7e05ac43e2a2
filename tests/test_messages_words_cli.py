"""The command line in the reader's words (issue 16, point 2): every verb's human output and
error lines in Chinese scanned line by line (tests/words_scan.py), every verb's Chinese help
without a line left in English, the inbox's deadline in words."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from tests.words_scan import CJK, Y, Vocabulary, store  # noqa: F401


# ---------------------------------------------------------------- the command line

def cli_runs(folder: Path) -> list[list[str]]:
    """Verbs a clerk or a head runs, each in Chinese (the default), including refusals."""
    (folder / "cli.csv").write_text("地区,指标,期间,数值\n320800,ABNORMAL_APPS,2024,abc\n南京市,发明专利授权量,2024,12\n"
                                    "320800,INV_GRANTS,2024,1\n320800,INV_GRANTS,2024,2\n", encoding="utf-8")
    (folder / "good.csv").write_text("地区,指标,期间,数值\n320800,INV_GRANTS,2024,3000\n南京,GI_PRODUCTS,2024,15\n",
                                     encoding="utf-8")
    return [
        ["regions"], ["indicators"],
        ["check", "--region", "320000", "--year", str(Y), "--all-below"],
        ["check", "--region", "苏州市", "--year", str(Y)],
        ["status", "--region", "320000", "--year", str(Y)],
        ["targets"],
        ["audit", "--region", "320100", "--indicator", "INV_GRANTS"],
        ["audit", "--limit", "40"],
        ["audit", "--verify"],
        ["import", str(folder / "cli.csv")],
        ["import", str(folder / "good.csv")],
        ["import", str(folder / "good.csv"), "--apply", "--why", "更正"],
        ["set", "320800", "INV_GRANTS", "2024", "abc"],
        ["set", "320100", "INV_GRANTS", "2022", "1"],
        ["set", "320800", "INV_GRANTS", "2024", "3100"],
        ["explain", "--region", "320100", "--year", str(Y), "yoy", "GI_PRODUCTS", "说明"],
        ["complete", "--region", "320500", "--year", str(Y)],
        ["submit", "--region", "320000", "--year", str(Y)],
        ["reopen", "--region", "320800", "--year", str(Y), "--why", "订正"],
        ["aggregate", "--region", "320000", "--year", str(Y)],
        ["aggregate", "--region", "320000", "--year", "2022"],
        ["template", "--region", "320100", "--year", str(Y), "--out", str(folder / "t.xlsx")],
        ["inbox", "--year", str(Y)],
        ["tasks", "--region", "320100", "--year", str(Y)],
        ["user", "list"],
        ["backup", "--list"],
        ["report", "--region", "320500", "--year", str(Y), "--pdf", str(folder / "r.pdf")],
        ["export-data", "--region", "320100", "-o", str(folder / "d.csv")],
        ["verify", str(folder / "cli.csv")],
        ["receive", str(folder / "cli.csv")],
        ["questions"],
        ["office"],
        ["trust", "list"],
        ["report-text", "--region", "320100", "--year", str(Y)],
        ["progress", "320100", "320100-2024-001", str(Y), "--state", "滞后"],
        ["targets", "add", "--region", "320100", "--indicator", "INV_GRANTS", "--comparator", ">=", "--value", "30000"],
        ["targets", "add", "--region", "320100", "--indicator", "INV_GRANTS", "--comparator", ">=", "--value", "x",
         "--year", "2025"],
        ["regions", "add", "320100", "重复", "--parent", "320000"],
        ["check", "--region", "江舒", "--year", str(Y)],
        ["verify-docs", str(folder / "r.pdf"), str(folder / "cli.csv")],
    ]


def run_cli(db_path: Path, argv: list[str], capsys, stdin: str = "") -> str:
    from app.cli import main

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(["--db", str(db_path), *argv])
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old
    out = capsys.readouterr()
    return f"$ ipdesk {' '.join(argv)}  → {code}\n{out.out}{out.err}"


def test_the_command_line_speaks_in_words(store, capsys, monkeypatch):
    """Each verb's human output and error line, scanned line by line (a table may show a code
    column beside the name column; text in “” is what the user typed, quoted back)."""
    db, folder = store
    monkeypatch.delenv("IPDESK_LANG", raising=False)
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(folder / "keys"))      # the office verb makes a key
    v = Vocabulary(db)
    path = Path(db.path) if hasattr(db, "path") else folder / "store.sqlite"
    transcript = [run_cli(path, argv, capsys) for argv in cli_runs(folder)]
    transcript.append(run_cli(path, ["approve", "--region", "320100", "--year", str(Y), "--user", "demo-head",
                                     "--password-stdin"], capsys, "wrong-password\n"))
    (folder / "cli-transcript.txt").write_text("\n".join(transcript), encoding="utf-8")
    leaks = {}
    for block in transcript:
        command, _, output = block.partition("\n")
        for line in output.splitlines():
            found = v.leaks(re.sub(r"“[^”]*”", "“…”", line), listing=True)
            if "Traceback" in line or "constraint failed" in line:
                found.append("a raw error")
            if found:
                leaks.setdefault(command, []).append((line[:160], found))
    assert leaks == {}, "\n".join(f"{c}\n  " + "\n  ".join(f"{l}  {f}" for l, f in ls) for c, ls in leaks.items())
    said_ = "\n".join(transcript)
    assert "请指明目标年度（--year）" in said_ and "“x”不是有效的目标值，应填写数字" in said_


# ---------------------------------------------------------------- the command line's help

def test_every_verbs_chinese_help_is_in_chinese(store, capsys, monkeypatch):
    """``ipdesk VERB --help`` in Chinese. Help documents what is typed — options, choices, the
    verbs' own sub-actions (add, import), rule ids and region codes as examples, each beside its
    Chinese meaning — so tokens are allowed there; a line left in English is not."""
    from app.cli import build_parser

    db, folder = store
    monkeypatch.delenv("IPDESK_LANG", raising=False)
    parser = build_parser("zh")
    verbs = list(next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices)
    assert len(verbs) > 30
    english = {}
    for verb in [None, *verbs]:
        text = run_cli(folder / "store.sqlite", [*([verb] if verb else []), "--help"], capsys)
        usage = True
        for line in text.splitlines()[1:]:
            if usage:                                 # the usage block, up to the first blank line
                usage = bool(line.strip())
                continue
            words = re.sub(r"\{[^}]*\}|(?<![\w-])--?[\w-]+|\b[A-Z][A-Z_]*[A-Z]\b|ipdesk( [a-z-]+)*|\S+\.\w{2,4}\b"
                           r"|\w+(?:,\w+)+", " ", line)
            if not CJK.search(line) and len(re.findall(r"\b[a-z]{3,}\b", words)) >= 3:
                english.setdefault(verb or "ipdesk", []).append(line.strip())
    assert english == {}, english


def test_the_inbox_says_how_long_past_or_left_without_a_minus(store, capsys, monkeypatch):
    db, folder = store
    monkeypatch.delenv("IPDESK_LANG", raising=False)
    past = run_cli(folder / "store.sqlite", ["inbox", "--year", "2020"], capsys).splitlines()[1]
    ahead = run_cli(folder / "store.sqlite", ["inbox", "--year", "2099"], capsys).splitlines()[1]
    assert "已过" in past and "剩余" not in past and "-" not in past.split("截止")[1].replace("2020-12-15", "")
    assert "剩余" in ahead and "已过" not in ahead
    en = run_cli(folder / "store.sqlite", ["--lang", "en", "inbox", "--year", "2020"], capsys).splitlines()
    assert en[1].startswith("Jiangsu 2020") and "days past" in en[1] and not CJK.search("\n".join(en[1:5]))
