"""tools/mutate.py makes the mutants it promises (generation only: no test run here)."""
from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mutate", ROOT / "tools" / "mutate.py")
mutate = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("mutate", mutate)     # (dataclasses look their module up there)
_spec.loader.exec_module(mutate)

SOURCE = '''"""Docstring: 3 < 4 is never mutated."""
from .messages import register

register({"code": ("en 1", "zh 2")})
LIMIT = 3.5


def rule(x: int = 5, strict: bool = True) -> bool:
    """Doc."""
    if not x or x >= 0.01 and kind == "count":
        audit.append(db, rows)
        raise ValueError("bad")
    name = "价格"; y = row[3]
    return x in ("a", "b") and x * 2 - 1 > 20.09  # pragma: no mutate


def other(v):
    return v is None
'''


def _pairs(kind):
    return [(m.line, m.mutated) for m in mutate.mutants_of(SOURCE, "m.py") if m.kind == kind]


def test_each_kind_of_mutant():
    assert _pairs("compare") == [(10, 'if not x or x > 0.01 and kind == "count":'),
                                 (10, 'if not x or x >= 0.01 and kind != "count":'),
                                 (18, "return v is not None")]
    assert _pairs("boolop") == [(10, 'if not x and x >= 0.01 and kind == "count":'),
                                (10, 'if not x or x >= 0.01 or kind == "count":')]
    assert _pairs("not") == [(10, 'if x or x >= 0.01 and kind == "count":')]
    assert _pairs("number") == [(5, "LIMIT = 4.5"), (8, "def rule(x: int = 6, strict: bool = True) -> bool:"),
                                (10, 'if not x or x >= 0.025 and kind == "count":')]
    assert _pairs("bool") == [(8, "def rule(x: int = 5, strict: bool = False) -> bool:")]
    assert _pairs("string") == [(10, "if not x or x >= 0.01 and kind == 'count~':")]
    assert _pairs("remove") == [(11, "pass"), (12, "pass")]
    assert _pairs("return") == [(18, "return None")]


def test_skipped_places():
    lines = {m.line for m in mutate.mutants_of(SOURCE, "m.py")}
    assert not lines & {1, 2, 4, 9, 13, 14}      # docstrings, register(...), no string outside a comparison,
    #                                              subscripts, the pragma line


def test_every_mutant_is_valid_python_and_changes_one_place():
    for m in mutate.mutants_of(SOURCE, "m.py"):
        changed = m.apply(SOURCE)
        ast.parse(changed)
        assert changed != SOURCE and changed[:m.start] == SOURCE[:m.start]


def test_regex_and_arith_mutants():
    src = 'import re\nG = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")\ndef f(a, b):\n    return a * b + 1\n'
    regex = sorted(m.mutated for m in mutate.mutants_of(src) if m.kind == "regex")
    assert regex == sorted(["G = re.compile('[0-9][0-9]{0,2}(?:,[0-9]{3})+')", "G = re.compile('[1-9][0-9]{0,3}(?:,[0-9]{3})+')",
                     "G = re.compile('[1-9][0-9]{0,2}(?:,[0-9]{3,4})+')"])
    assert sorted(m.mutated for m in mutate.mutants_of(src) if m.kind == "arith") == ["return a * b - 1", "return a / b + 1"]


def test_the_models_give_mutants_with_unicode_columns():
    """AST columns are UTF-8 bytes: a line with Chinese text before the operator is cut right."""
    src = 'def f(x):\n    return "价格" if x < 1 else "数量"\n'
    (m,) = [m for m in mutate.mutants_of(src) if m.kind == "compare"]
    assert m.mutated == 'return "价格" if x <= 1 else "数量"'
    parse_mutants = mutate.mutants_of((ROOT / "app/models/parse.py").read_text(encoding="utf-8"))
    assert len(parse_mutants) > 100 and all(m.original != m.mutated for m in parse_mutants)


def test_a_sample_is_reproducible():
    every = mutate.mutants_of((ROOT / "app/models/periods.py").read_text(encoding="utf-8"), "p.py")
    import random
    assert random.Random(3).sample(every, 5) == random.Random(3).sample(every, 5)
