"""The layers, read from the source: ``app/models`` → ``app/services`` → ``app/ui``, with the
command line (``app/cli*.py``) beside the window and never on top of it.

Every rule walks the AST of every module of ``app`` (imports at module level and inside
functions alike) and lists each offence as ``file:line``, so a failure says where to look.
Each rule is also run on a small source written here that breaks it, so a rule that could
no longer see its offence fails too.
"""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
QT = ("PySide6", "pyqtgraph", "shiboken6")

# SQL in a string literal: a statement's opening words (a column, then ',' or 'from' after select),
# not English prose ("Select a region from the list").
SQL = re.compile(r"\bselect\s+(distinct\s+)?\S+(\s+as\s+\w+)?\s*(,|\bfrom\b)|\binsert\s+(or\s+\w+\s+)?into\b|\bupdate\s+\S+\s+set\b|\bdelete\s+from\b"
                 r"|\bpragma\s+\w+|\bcreate\s+(table|index|view)\b|\bwith\s+recursive\b", re.I | re.S)
# the values table named in a query ("values" is an SQL keyword, so the table is always quoted)
VALUES_TABLE = re.compile(r'\b(from|into|update|join)\s+"values"', re.I)


# ---------------------------------------------------------------- reading the source

def module_name(path: Path, root: Path = APP) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path = APP) -> dict[str, tuple[Path, ast.Module]]:
    return {module_name(p, root): (p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in sorted(root.rglob("*.py"))}


def imports(name: str, path: Path, tree: ast.Module):
    """``(line, imported name)`` for every import in the module, relative ones made absolute;
    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def strings(tree: ast.Module):
    """``(line, text)`` of every string literal; an f-string with its fields as ``{}``."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                inside.add(id(v))
                parts.append(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside:
            yield node.lineno, node.value


def docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring constants (a docstring may show a query as an example)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(first.value.lineno)
    return out


def import_graph(mods) -> dict[str, set[str]]:
    """module → the modules of ``app`` it imports (anywhere in it), itself left out."""
    graph = {}
    for name, (path, tree) in mods.items():
        deps = set()
        for _, imported in imports(name, path, tree):
            while imported and imported not in mods:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                deps.add(imported)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


# ---------------------------------------------------------------- the rules

def forbidden_imports(mods, prefixes: tuple[str, ...], banned: tuple[str, ...]) -> list[str]:
    found = []
    for name, (path, tree) in mods.items():
        if not name.startswith(prefixes):
            continue
        for line, imported in imports(name, path, tree):
            if imported.split(".")[0] in banned or any(imported == b or imported.startswith(b + ".") for b in banned):
                found.append(f"{name}:{line} {imported}")
    return sorted(set(found))


def sql_in(mods, prefixes: tuple[str, ...]) -> list[str]:
    found = []
    for name, (path, tree) in mods.items():
        if not name.startswith(prefixes):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("execute", "executemany", "executescript"):
                found.append(f"{name}:{node.lineno} .{node.func.attr}(")
        skip = docstrings(tree)
        for line, text in strings(tree):
            if line not in skip and SQL.search(text):
                found.append(f"{name}:{line} {text.strip()[:60]!r}")
    return sorted(set(found))


def values_queries_outside(mods, allowed: tuple[str, ...]) -> list[str]:
    found = []
    for name, (path, tree) in mods.items():
        if name.startswith(allowed):
            continue
        skip = docstrings(tree)
        for line, text in strings(tree):
            if line not in skip and VALUES_TABLE.search(text) and SQL.search(text):
                found.append(f"{name}:{line}")
    return sorted(set(found))


def test_models_and_services_never_import_qt_or_the_window():
    """The core stays headless: usable from a script, a server or a notebook."""
    assert forbidden_imports(sources(), ("app.models", "app.services"), QT + ("app.ui",)) == []


def test_command_line_never_imports_qt_or_the_window():
    """``app/cli*.py`` starts fast and runs on a server: the window is started from app/__main__.py."""
    assert forbidden_imports(sources(), ("app.cli",), QT + ("app.ui",)) == []


def test_no_sql_in_the_window():
    """app/ui reads and writes through the services and models: no query, no ``.execute(``."""
    assert sql_in(sources(), ("app.ui",)) == []


def test_values_table_is_queried_only_in_the_models():
    """Every read or write of the values table goes through app/models (one path for data)."""
    found: dict[str, int] = {}
    for place in values_queries_outside(sources(), ("app.models",)):
        module = place.split(":")[0]
        found[module] = found.get(module, 0) + 1
    assert found == {}


def test_no_import_cycles_between_modules():
    """Module-level and function-level imports alike: a cycle is a layer that leans on the one above."""
    assert cycles(import_graph(sources())) == []


# ---------------------------------------------------------------- each rule sees its offence

@pytest.fixture
def broken(tmp_path):
    """A small ``app`` package that breaks every rule once."""
    files = {
        "__init__.py": "",
        "cli.py": "def main():\n    from app.ui.main import run_gui\n    return run_gui()\n",
        "cli_extra.py": "from PySide6.QtCore import QObject\n",
        "models/__init__.py": "",
        "models/a.py": "from . import b\nQ = 'select value from \"values\" where year = ?'\n",
        "models/b.py": "def f():\n    from app.models import a\n",
        "services/__init__.py": "",
        "services/fine.py": "import pyqtgraph as pg\n",
        "services/reads.py": "def f(db):\n    return db.execute(f'select count(*) from \"values\" where year = {1}')\n",
        "ui/__init__.py": "",
        "ui/view.py": "def f(db):\n    db.execute('pragma data_version')\n    T = 'Select a region from the list'\n"
                      "    U = ('with recursive up(code) as (select code from regions)')\n",
    }
    for rel, text in files.items():
        p = tmp_path / "app" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return sources(tmp_path / "app")


def test_rules_see_what_they_forbid(broken):
    offenders = {f.split()[0] for f in forbidden_imports(broken, ("app.cli",), QT + ("app.ui",))}
    assert offenders == {"app.cli:2", "app.cli_extra:1"}
    offenders = {f.split()[0] for f in forbidden_imports(broken, ("app.models", "app.services"), QT + ("app.ui",))}
    assert offenders == {"app.services.fine:1"}
    assert {f.split()[0] for f in sql_in(broken, ("app.ui",))} == {"app.ui.view:2", "app.ui.view:4"}  # not the prose
    assert values_queries_outside(broken, ("app.models",)) == ["app.services.reads:2"]
    assert cycles(import_graph(broken)) == [["app.models.a", "app.models.b"]]


# ---------------------------------------------------------------- the window's start

def test_the_command_line_does_not_load_qt(tmp_path):
    """A verb runs without Qt in the process (fast start, fine on a server without a display)."""
    code = ("import sys; from app.__main__ import main; rc = main(['--db', sys.argv[1], 'regions', '--parent', 'x']);"
            " print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'app.ui'))), rc)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.sqlite")], capture_output=True, text=True,
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert out.stdout.strip().splitlines()[-1].startswith("[] "), out.stdout + out.stderr


def _headless_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return dict(env, PYTHONPATH=str(ROOT), IPDESK_DB=str(tmp_path / "never.sqlite"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a display server is a Linux/X11/Wayland matter")
def test_no_display_is_one_chinese_line_and_exit_2(tmp_path):
    """Without a display Qt would abort the process (exit 134): one line says what to do instead."""
    out = subprocess.run([sys.executable, "-m", "app"], capture_output=True, text=True, encoding="utf-8",
                         env=_headless_env(tmp_path), cwd=tmp_path, timeout=120)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "桌面" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0] and "--help" in lines[0]
    assert not (tmp_path / "never.sqlite").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a display server is a Linux/X11/Wayland matter")
@pytest.mark.parametrize("variable", ["DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"])
def test_any_display_lets_the_window_try(tmp_path, variable):
    """The other side: any one of a display, a Wayland display or a chosen Qt platform lets the window start."""
    from app.__main__ import no_display

    env = _headless_env(tmp_path)
    assert no_display(env)
    env[variable] = "offscreen" if variable == "QT_QPA_PLATFORM" else ":99"
    assert not no_display(env)


def test_verbs_and_help_still_work_without_a_display(tmp_path):
    out = subprocess.run([sys.executable, "-m", "app", "check", "--help"], capture_output=True, text=True,
                         env=_headless_env(tmp_path), cwd=tmp_path, timeout=120)
    assert out.returncode == 0 and "--region" in out.stdout, out.stderr


def test_cli_main_without_a_verb_points_to_the_window(capsys):
    """``app.cli.main`` is only the command line: without a verb it says where the window is, exit 2."""
    from app.cli import main

    assert main([]) == 2
    assert "python -m app" in capsys.readouterr().err


# ---------------------------------------------------------------- the reads that replaced the queries

def _raw(db, sql, args=()):
    return db.conn.execute(sql, args).fetchall()


def test_value_reads_return_what_is_stored(demo_db):
    from app.models import values

    region, ind, period = _raw(demo_db, 'select region, indicator, period from "values" where region = ? limit 1',
                               ["320100"])[0]
    stored = _raw(demo_db, 'select value from "values" where region = ? and indicator = ? and period = ?',
                  [region, ind, period])[0][0]
    assert values.value_at(demo_db, region, ind, period) == stored
    assert values.value_at(demo_db, region, ind, "1999") is None
    assert values.values_at(demo_db, [(region, ind, period), (region, ind, "1999")]) == {(region, ind, period): stored}

    kids = ["320100", "320200"]
    got = values.stored_values(demo_db, kids, 2023, 2024)
    rows = _raw(demo_db, 'select region, indicator, period, value, note from "values" where region in (?, ?)'
                ' and year between 2023 and 2024', kids)
    assert got == {(r, i, p): (v, n) for r, i, p, v, n in rows} and got
    annual = values.stored_values(demo_db, kids, 2023, 2024, annual_only=True)
    assert annual == {k: v for k, v in got.items() if len(k[2]) == 4}

    records = values.value_records(demo_db, kids, 2024, ("region", "indicator", "period", "value"))
    assert [tuple(r.values()) for r in records] == _raw(
        demo_db, 'select region, indicator, period, value from "values" where year = 2024 and region in (?, ?)'
        " order by region, indicator, period", kids)
    with pytest.raises(ValueError):
        values.value_records(demo_db, kids, 2024, ("value; drop table audit",))

    grid = values.grid_values(demo_db, "320100", 2023, 2024, ["2023", "2024"])
    assert {(r[0], r[1]) for r in grid} == {(i, p) for i, p in _raw(
        demo_db, 'select indicator, period from "values" where region = ? and period in (?, ?)', ["320100", "2023", "2024"])}


def test_value_counts_on_both_sides(demo_db, empty_db):
    from app.models import values

    assert values.has_values(demo_db, "320100", 2024) and not values.has_values(demo_db, "320100", 1990)
    assert "320100" in values.regions_with_values(demo_db, 2024) and values.regions_with_values(demo_db, 1990) == set()
    counts = values.count_by_region(demo_db, 2024, ["320100", "320200", "999999"])
    assert counts == dict(_raw(demo_db, 'select region, count(*) from "values" where year = 2024'
                                        " and region in ('320100', '320200') group by region"))
    assert values.count_by_region(demo_db, 2024, []) == {}
    assert values.count_values(demo_db) == _raw(demo_db, 'select count(*) from "values"')[0][0] > 0
    assert values.latest_year(demo_db) == 2024 and values.latest_year(empty_db) is None
    assert values.count_values(empty_db) == 0


def test_region_tree_reads(demo_db):
    from app.services import browse

    assert [r.code for r in browse.top_regions(demo_db)] == ["100000"]
    cities = [r.code for r in browse.child_regions(demo_db, "320000")]
    assert len(cities) == 13 and cities == sorted(cities) and browse.child_regions(demo_db, "320100x") == []
    parents = browse.parent_codes(demo_db)
    assert {"100000", "320000"} <= parents and ("320100" in parents) == bool(browse.child_regions(demo_db, "320100"))
    assert browse.find_region(demo_db, "320100").name_zh == "南京市" and browse.find_region(demo_db, "x") is None
    assert browse.path_to(demo_db, "320100") == ["100000", "320000", "320100"] and browse.path_to(demo_db, "x") == []
    lines = {line[0]: line for line in browse.region_lines(demo_db)}
    code, name, _, up, _, up_level, top, _, top_level = lines["320100"]
    assert (name, up, up_level, top, top_level) == ("南京市", "江苏省", "province", "全国", "nation")


def test_path_to_stops_at_a_loop_in_bad_data(empty_db):
    """A parent loop (bad division data) ends after MAX_DEPTH steps instead of running forever."""
    from app.services import browse

    con = empty_db.conn
    con.execute("pragma foreign_keys = off")
    con.execute("insert into regions(code, parent, level, name_zh) values ('A1', 'B1', 'unit', '甲'), "
                "('B1', 'A1', 'unit', '乙')")
    assert len(browse.path_to(empty_db, "A1")) == browse.MAX_DEPTH + 1


def test_heads_and_store_changes(demo_db, tmp_path):
    import sqlite3

    from app.services import browse

    from app.models.workflow import add_user

    for name, role in (("乙", "head"), ("甲", "head"), ("丙", "clerk")):
        add_user(demo_db, name, role, "a-long-enough-pass-9", by="demo-head", by_password="demo1234")
    assert browse.head_names(demo_db) == [n for n, in _raw(demo_db, "select name from users where role = 'head'"
                                                                     " order by name")]
    assert "丙" not in browse.head_names(demo_db) and {"甲", "乙"} <= set(browse.head_names(demo_db))
    before = browse.store_changes(demo_db)
    assert browse.store_changes(demo_db) == before                 # nothing written: the same token
    other = sqlite3.connect(demo_db.path)                           # another connection (an import's worker)
    other.execute("insert or replace into meta(key, value) values ('probe', '1')")
    other.commit()
    other.close()
    after_other = browse.store_changes(demo_db)
    assert after_other != before
    demo_db.execute("insert or replace into meta(key, value) values ('probe', '2')")   # this connection
    assert browse.store_changes(demo_db) != after_other
    assert browse.store_intact(demo_db)
