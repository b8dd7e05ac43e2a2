"""Mutation run: does a test fail when a rule is broken?

Makes one-line changes ("mutants") to the modules named, runs the tests that cover each
module against every mutant, and counts the mutants the tests kill (a test fails), the ones
that survive (every test passes: a rule no test pins) and the ones that time out::

    python tools/mutate.py app/models/parse.py app/models/targets.py --sample 80 --seed 12
    python tools/mutate.py app/models/values.py --list            # the mutants only, no test run
    python tools/mutate.py app/models/parse.py --only 148 --only 152   # mutants on those lines

Mutants (AST-based, each a change of one span of one statement):

- comparison operators: ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``,
  ``is`` ↔ ``is not``
- ``and`` ↔ ``or``; ``+`` ↔ ``-``, ``*`` ↔ ``/`` on numbers
- numeric constants: an integer n → n + 1, a float x → x + 1 (3.5 → 4.5) or, below 1,
  x × 2.5 (0.01 → 0.025); ``not`` removed; ``True`` ↔ ``False`` (return values and defaults)
- ``return x`` → ``return None``
- a statement removed (a call such as ``audit.append(...)``, a ``raise``)
- a string compared with (``kind == "count"``, ``x in ("a", "b")``) changed
- a regular expression loosened: ``[1-9]`` → ``[0-9]``, ``{0,2}`` → ``{0,3}``

Skipped: docstrings, type annotations, message tables (``register({...})``), subscripts
(``row[3]``: an index error is no news about a rule), ``__all__``, and any line carrying
``# pragma: no mutate``.

The tests run on a copy of the tree in a temporary folder (``app/``, ``tests/``,
``conftest.py``, ``pyproject.toml``; ``resources/`` linked), so the working tree is never
changed, even when the run is interrupted. Each mutant runs ``pytest -x -q`` on the test
files mapped to its module (:data:`TESTS`, or ``--tests``) with a timeout of three times the
unmutated run. The result is printed (score per module, survivors as file:line original →
mutated) and written as JSON (``--report``).

Not part of the test suite: a run of 100 mutants takes minutes.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module -> the test files that pin its rules (the module itself is added for its doctests)
TESTS: dict[str, list[str]] = {
    "app/models/parse.py": ["tests/test_parse.py", "tests/test_values.py"],
    "app/models/periods.py": ["tests/test_values.py", "tests/test_parse.py"],
    "app/models/values.py": ["tests/test_store.py", "tests/test_values.py"],
    "app/models/audit.py": ["tests/test_audit.py", "tests/test_audit_replay.py", "tests/test_audit_ledger.py",
                            "tests/test_audit_processes.py", "tests/test_store.py"],
    "app/models/audit_anchor.py": ["tests/test_audit.py", "tests/test_audit_replay.py", "tests/test_audit_ledger.py"],
    # the chain check (its own process on a large store) and the replay of the task ledger and results report
    "app/models/audit_chain.py": ["tests/test_audit.py", "tests/test_audit_replay.py", "tests/test_audit_ledger.py",
                                  "tests/test_audit_processes.py"],
    "app/models/audit_ledger.py": ["tests/test_audit_ledger.py", "tests/test_audit_registers.py"],
    "app/models/audit_registers.py": ["tests/test_audit_registers.py", "tests/test_audit_ledger.py"],
    "app/models/targets.py": ["tests/test_targets.py"],
    "app/models/db.py": ["tests/test_store.py", "tests/test_audit.py"],
    "app/models/checks.py": ["tests/test_findings.py", "tests/test_findings_rules.py", "tests/test_checks.py"],
    "app/models/findings.py": ["tests/test_findings.py", "tests/test_findings_rules.py", "tests/test_checks.py",
                               "tests/test_review.py"],
    # the review rules and the rules of roles: tests/test_review_rules.py first (fast, no window), so a
    # mutant it kills stops there (pytest -x); tests/test_report_state.py (15 s of PDFs) is left out of
    # review.py's list: document_state is pinned on both sides in tests/test_review_rules.py
    "app/models/review.py": ["tests/test_review_rules.py", "tests/test_review.py", "tests/test_freeze.py"],
    "app/models/workflow.py": ["tests/test_review_rules.py", "tests/test_roles.py", "tests/test_review.py"],
    "app/models/freeze.py": ["tests/test_review_rules.py", "tests/test_freeze.py"],
    "app/models/aggregate.py": ["tests/test_review_rules.py", "tests/test_aggregate.py"],
    # the package reader and receiver: the defences of issue 13 (hostile archives, scope, binding, history)
    # tests/test_package_rules.py first: one crafted package per rule, 7 s, so most mutants stop there
    # (tests/test_package_ledger.py last: the evidence index's rules, offsets and sizes, are pinned there)
    "app/services/package/read.py": ["tests/test_package_rules.py", "tests/test_package_rules_data.py",
                                     "tests/test_package_rules_keys.py", "tests/test_package_hostile.py",
                                     "tests/test_package_binding.py", "tests/test_package_ledger.py"],
    "app/services/package/binding.py": ["tests/test_package_rules.py", "tests/test_package_rules_data.py",
                                        "tests/test_package_binding.py"],
    # (tests/test_package_ledger.py then tests/test_package_roundtrip.py last: a ledger received with its steps;
    # answers to the province's questions applied on receipt)
    "app/services/package/receive.py": ["tests/test_package_rules.py", "tests/test_package_rules_data.py",
                                        "tests/test_package_rules_keys.py", "tests/test_package_binding.py",
                                        "tests/test_receive_conflicts.py",
                                        "tests/test_package_hostile.py", "tests/test_freeze.py",
                                        "tests/test_package_ledger.py", "tests/test_package_roundtrip.py",
                                        "tests/test_receive_ledger_conflicts.py"],
    "app/services/package/choices.py": ["tests/test_receive_conflicts.py", "tests/test_receive_ledger_conflicts.py",
                                        "tests/test_package_rules_data.py"],
    # the task ledger as it travels: checked, planned (conflicts among its places), written
    "app/models/ledger.py": ["tests/test_package_ledger.py", "tests/test_receive_ledger_conflicts.py"],
}

_CMP_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==",
             "in": "not in", "not in": "in", "is": "is not", "is not": "is"}
_CMP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
             ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_BIN_SWAP = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*")}
_NO_MUTATE = "pragma: no mutate"
_RE_FUNCS = {"compile", "match", "fullmatch", "search"}


def _regex_mutants(pattern: str) -> list[str]:
    """A regular expression made looser: a digit class widened ([1-9] -> [0-9]), a bounded
    repeat one longer ({0,2} -> {0,3}, {3} -> {3,4})."""
    out = []
    for m in re.finditer(r"\[1-9\]|\{(\d+)(?:,(\d+))?\}", pattern):
        if m.group() == "[1-9]":
            new = "[0-9]"
        elif m.group(2) is not None:
            new = "{%s,%d}" % (m.group(1), int(m.group(2)) + 1)
        else:
            new = "{%s,%d}" % (m.group(1), int(m.group(1)) + 1)
        out.append(pattern[:m.start()] + new + pattern[m.end():])
    return out


@dataclass(frozen=True)
class Mutant:
    """One change: characters ``start:end`` of the module's text become ``replacement``."""

    path: str
    line: int
    kind: str
    original: str      # the line as written (stripped)
    mutated: str       # the same line after the change (first line of it)
    start: int
    end: int
    replacement: str

    def apply(self, source: str) -> str:
        return source[:self.start] + self.replacement + source[self.end:]

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}: {self.original} -> {self.mutated}"


class _Positions:
    """AST (line, UTF-8 byte column) -> index into the text."""

    def __init__(self, source: str):
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def at(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8"))

    def span(self, node) -> tuple[int, int]:
        return self.at(node.lineno, node.col_offset), self.at(node.end_lineno, node.end_col_offset)


def _skip_nodes(tree) -> set[int]:
    """ids of nodes no mutant is made in (docstrings, annotations, message tables, subscripts...)."""
    skip: set[int] = set()

    def drop(node):
        for sub in ast.walk(node):
            skip.add(id(sub))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            drop(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns:
                drop(node.returns)
            for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                if a.annotation:
                    drop(a.annotation)
        if isinstance(node, ast.AnnAssign):
            drop(node.annotation)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", None) == "register":
            drop(node)
        if isinstance(node, ast.Subscript):
            drop(node.slice)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            drop(node)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dataclass":
            drop(node)
    return skip


def _find_op(gap: str, op: str) -> tuple[int, int] | None:
    """Span of the operator ``op`` in the text between two operands (only brackets, spaces and
    the operator stand there), e.g. ``") <= "`` or ``" not  in "``."""
    pattern = r"(?<![A-Za-z_])" + op.replace(" ", r"\s+") + r"(?![A-Za-z_])" if op[0].isalpha() else re.escape(op)
    m = re.search(pattern, gap)
    return None if m is None else m.span()


def mutants_of(source: str, path: str = "<module>") -> list[Mutant]:
    """Every mutant of ``source`` (text of one module), in the order of the text.

    >>> [(m.kind, m.mutated) for m in mutants_of("def f(x):\\n    return x < 3\\n")]
    [('return', 'return None'), ('compare', 'return x <= 3'), ('number', 'return x < 4')]
    """
    tree = ast.parse(source)
    pos = _Positions(source)
    skip = _skip_nodes(tree)
    out: list[Mutant] = []

    def add(kind: str, start: int, end: int, replacement: str) -> None:
        line_no = source.count("\n", 0, start) + 1
        line = pos.lines[line_no - 1]
        if _NO_MUTATE in line:
            return
        line_start = pos.starts[line_no - 1]
        new_text = source[line_start:start] + replacement + source[end:]
        mutated = new_text.split("\n", 1)[0].strip()
        out.append(Mutant(path, line_no, kind, line.strip(), mutated, start, end, replacement))

    def gap_op(left, right, op: str, new: str, kind: str) -> None:
        a = pos.at(left.end_lineno, left.end_col_offset)
        b = pos.at(right.lineno, right.col_offset)
        found = _find_op(source[a:b], op)
        if found is not None:
            add(kind, a + found[0], a + found[1], new)

    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for i, op in enumerate(node.ops):
                text = _CMP_TEXT[type(op)]
                gap_op(operands[i], operands[i + 1], text, _CMP_SWAP[text], "compare")
            for operand in operands:
                elts = operand.elts if isinstance(operand, (ast.Tuple, ast.Set, ast.List)) else [operand]
                for e in elts:
                    if isinstance(e, ast.Constant) and isinstance(e.value, str) and id(e) not in skip:
                        s, t = pos.span(e)
                        add("string", s, t, repr(e.value + "~" if e.value else "~"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) in _RE_FUNCS \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            s, t = pos.span(node.args[0])
            for changed in _regex_mutants(node.args[0].value):
                add("regex", s, t, repr(changed))
        elif isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            for left, right in zip(node.values, node.values[1:]):
                gap_op(left, right, word, "or" if word == "and" else "and", "boolop")
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            old, new = _BIN_SWAP[type(node.op)]
            if not any(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in (node.left, node.right)) \
                    and not isinstance(node.left, ast.JoinedStr):
                gap_op(node.left, node.right, old, new, "arith")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            s = pos.at(node.lineno, node.col_offset)
            o = pos.at(node.operand.lineno, node.operand.col_offset)
            # keep a "(" that opens the operand: remove only "not" and the space after it
            cut = s + 3
            while cut < o and source[cut] == " ":
                cut += 1
            add("not", s, cut, "")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, str):
            s, t = pos.span(node)
            v = node.value
            if isinstance(v, bool):
                add("bool", s, t, str(not v))
            elif isinstance(v, int):
                add("number", s, t, str(v + 1))
            elif isinstance(v, float):
                add("number", s, t, repr(v * 2.5 if abs(v) < 1 and v else v + 1))
        elif isinstance(node, ast.Return) and node.value is not None \
                and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            s, t = pos.span(node.value)
            add("return", s, t, "None")
        if isinstance(node, (ast.Expr, ast.Raise)) and id(node) not in skip:
            if isinstance(node, ast.Raise) or isinstance(node.value, ast.Call):
                s, t = pos.span(node)
                add("remove", s, t, "pass")
    out.sort(key=lambda m: (m.start, m.kind, m.replacement))
    return out


# ---------------------------------------------------------------- running

def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "benchmarks")
    for name in ("app", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("resources", "tools", "docs"):
        if (ROOT / name).exists():
            os.symlink(ROOT / name, dest / name)


def _pytest(tree: Path, targets: list[str], timeout: float) -> tuple[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen",
               PYTHONHASHSEED="0")
    t0 = time.perf_counter()
    try:
        r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                            "-o", "addopts=--doctest-modules", "--timeout", str(int(timeout) + 5), *targets],
                           cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t0
    took = time.perf_counter() - t0
    if r.returncode == 0:
        return "survived", took
    if r.returncode in (1, 2):   # 1: a test failed; 2: collection failed (the mutant broke an import)
        return "killed", took
    return f"error {r.returncode}: {r.stdout.decode(errors='replace')[-400:]}", took


def run(files: list[str], *, sample: int | None, seed: int, only_lines: list[int], tests: list[str] | None,
        report: Path | None, list_only: bool, kinds: set[str] | None) -> dict:
    every: list[Mutant] = []
    for f in files:
        rel = str(Path(f).resolve().relative_to(ROOT))
        found = mutants_of((ROOT / rel).read_text(encoding="utf-8"), rel)
        if kinds:
            found = [m for m in found if m.kind in kinds]
        if only_lines:
            found = [m for m in found if m.line in only_lines]
        every += found
    chosen = every
    if sample is not None and sample < len(every):
        chosen = sorted(random.Random(seed).sample(every, sample), key=lambda m: (m.path, m.start, m.kind))
    if list_only:
        for m in chosen:
            print(f"{m.path}:{m.line} [{m.kind}] {m.original}  ->  {m.mutated}")
        print(f"{len(chosen)} of {len(every)} mutants")
        return {}
    started = time.time()
    results = []
    with tempfile.TemporaryDirectory(prefix="ipdesk-mutate-") as tmp:
        tree = Path(tmp)
        _copy_tree(tree)
        targets_of = {f: [*(tests or TESTS.get(f, [])), f] for f in {m.path for m in chosen}}
        for f, targets in targets_of.items():
            missing = [t for t in targets if not (tree / t).exists()]
            if missing:
                raise SystemExit(f"{f}: test files missing: {missing}")
        timeouts = {}
        for f, targets in sorted(targets_of.items()):      # the unmutated run must pass, and sets the timeout
            status, took = _pytest(tree, targets, 1800)
            if status != "survived":
                raise SystemExit(f"{f}: the tests fail before any mutation ({status}): fix them first")
            timeouts[f] = max(30.0, 3 * took + 10)
            print(f"baseline {f}: {took:.1f}s with {' '.join(targets)}", flush=True)
        for n, m in enumerate(chosen, 1):
            target = tree / m.path
            original = (ROOT / m.path).read_text(encoding="utf-8")
            target.write_text(m.apply(original), encoding="utf-8")
            try:
                status, took = _pytest(tree, targets_of[m.path], timeouts[m.path])
            finally:
                target.write_text(original, encoding="utf-8")
            results.append({**{k: v for k, v in asdict(m).items() if k not in ("start", "end")},
                             "status": status, "seconds": round(took, 1)})
            mark = {"killed": ".", "survived": "S", "timeout": "T"}.get(status, "E")
            print(f"[{n}/{len(chosen)}] {mark} {m.path}:{m.line} {m.original} -> {m.mutated}", flush=True)
    summary = _summary(results)
    out = {"files": files, "seed": seed, "sample": sample, "generated": len(every), "run": len(results),
           "seconds": round(time.time() - started, 1), "summary": summary, "results": results}
    _print(out)
    if report:
        report.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"report: {report}")
    return out


def _summary(results: list[dict]) -> dict:
    per: dict[str, dict] = {}
    for r in results:
        s = per.setdefault(r["path"], {"killed": 0, "survived": 0, "timeout": 0, "error": 0})
        s[r["status"] if r["status"] in s else "error"] += 1
    total = {k: sum(s[k] for s in per.values()) for k in ("killed", "survived", "timeout", "error")}
    for s in [*per.values(), total]:
        n = sum(s.values())
        s["score"] = round(100 * (s["killed"] + s["timeout"]) / n, 1) if n else None
    return {"modules": per, "total": total}


def _print(out: dict) -> None:
    print()
    for path, s in sorted(out["summary"]["modules"].items()):
        print(f"{path}: {s['killed']} killed, {s['timeout']} timeout, {s['survived']} survived,"
              f" {s['error']} error -> {s['score']} %")
    t = out["summary"]["total"]
    print(f"total: {t['killed'] + t['timeout']} of {out['run']} killed -> {t['score']} %"
          f" ({out['seconds']} s, {out['generated']} mutants generated)")
    survivors = [r for r in out["results"] if r["status"] == "survived"]
    if survivors:
        print("survivors:")
        for r in survivors:
            print(f"  {r['path']}:{r['line']} [{r['kind']}] {r['original']}  ->  {r['mutated']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="modules to mutate (default: the stable models)")
    ap.add_argument("--files", dest="more", action="append", default=[], help="another module (repeatable)")
    ap.add_argument("--sample", type=int, help="run a reproducible random sample of N mutants")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--only", type=int, action="append", default=[], help="only mutants on this line")
    ap.add_argument("--kind", action="append", help="only mutants of this kind (compare, number, ...)")
    ap.add_argument("--tests", action="append", help="test files to run instead of the mapping")
    ap.add_argument("--report", type=Path, default=Path("mutation-report.json"))
    ap.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    a = ap.parse_args(argv)
    files = a.files + a.more or ["app/models/parse.py", "app/models/values.py", "app/models/targets.py",
                                 "app/models/audit.py", "app/models/periods.py"]
    out = run(files, sample=a.sample, seed=a.seed, only_lines=a.only, tests=a.tests, report=a.report,
              list_only=a.list, kinds=set(a.kind) if a.kind else None)
    return 0 if not out or out["summary"]["total"]["survived"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
