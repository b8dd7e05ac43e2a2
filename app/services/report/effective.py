"""Values as the documents show them: entered annual values, and derived ones computed exactly (in
Decimal) from their components where all are present — the rule of ``Cube.effective``.

    eff = effective_values(db, ["320000"], 2014, 2022)      # {(region, indicator, year): Decimal}

Catalogue formulas (+ - * / over indicator codes) are parsed once and evaluated by walking their
syntax tree (no ``eval``).
"""
from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation
from functools import lru_cache

@lru_cache(maxsize=512)
def _parsed(formula: str) -> ast.Expression:
    """A catalogue formula parsed once (every region-year evaluates it)."""
    return ast.parse(formula, mode="eval")


@lru_cache(maxsize=512)
def _formula_names(formula: str) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(_parsed(formula)) if isinstance(n, ast.Name))


def _formula_value(formula: str, env: dict[str, Decimal]) -> Decimal | None:
    """Evaluate a catalogue formula (+ - * / over codes) exactly in Decimal; None if an input is missing."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Name):
            v = env.get(node.id)
            if v is None:
                raise KeyError(node.id)
            return v
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Decimal(repr(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            op = type(node.op)
            if op is ast.Add:
                return a + b
            if op is ast.Sub:
                return a - b
            if op is ast.Mult:
                return a * b
            if op is ast.Div:
                return a / b
        raise ValueError(f"formula {formula!r}: not arithmetic")

    try:
        out = ev(_parsed(formula))
    except (KeyError, ZeroDivisionError, InvalidOperation):
        return None
    return out if out.is_finite() else None


def effective_values(db, regions: list[str], year_from: int, year_to: int, catalogue=None, *, rows=None):
    """``{(region, indicator, year): Decimal}``: entered annual values, derived ones computed
    from their components where all are present (the rule of ``Cube.effective``). ``rows``: the
    same regions' and years' annual values as ``[region, indicator, period, value, note]`` when the
    caller has read them already (the report model's 明细 rows), so the store is read once."""
    from app.models.catalogue import indicators as load_indicators
    from app.models.values import get_values

    cat = catalogue or load_indicators(db)
    if rows is not None:
        out = {(r, i, int(p)): Decimal(v) for r, i, p, v, _note in rows}
    else:
        raw = get_values(db, regions=regions, year_from=year_from, year_to=year_to, annual_only=True)
        out = {(r, i, int(p)): v for (r, i, p), v in raw.items()}
    derived = [(c, ind.formula) for c, ind in cat.items() if ind.formula]
    if derived:
        by_ry: dict[tuple[str, int], dict[str, Decimal]] = {}
        for (r, i, y), v in out.items():
            by_ry.setdefault((r, y), {})[i] = v
        for (r, y), env in by_ry.items():
            for code, formula in derived:
                v = _formula_value(formula, env)
                if v is not None:
                    out[(r, code, y)] = v
    return out


def _inputs_present(formula: str, eff, region: str, year: int) -> bool:
    """True when every input of ``formula`` has a value (so the shown value is the computed one)."""
    return all((region, n, year) in eff for n in _formula_names(formula))
