"""Annual values as a region × indicator × year array, for checks, status and aggregation.

Checks over a whole nation (~3,200 regions × 26 indicators × 10 years) must take seconds,
so they work on NumPy arrays (NaN = no value) rather than row by row::

    cube = Cube.load(db, regions=["320000", "320100"], year_from=2016, year_to=2024)
    cube.get("320000", "INV_GRANTS", 2022)      # float or None
    cube.effective                              # entered values, derived ones computed

Derived indicators are evaluated from their catalogue ``formula`` (+ - * / and
parentheses over indicator codes), so a new catalogue needs no code change.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .catalogue import Indicator, indicators as load_indicators


def compile_formula(formula: str, codes: list[str]):
    """Turn ``(A - B) / C`` into a function of ``{code: array}``; only arithmetic is allowed."""
    tree = ast.parse(formula, mode="eval")
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub,
               ast.UAdd, ast.Name, ast.Load, ast.Constant)
    names = []
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ValueError(f"formula {formula!r}: {type(node).__name__} not allowed")
        if isinstance(node, ast.Name):
            if node.id not in codes:
                raise ValueError(f"formula {formula!r}: unknown indicator {node.id}")
            names.append(node.id)
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"formula {formula!r}: only numbers")
    code = compile(tree, "<formula>", "eval")

    def evaluate(env):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = eval(code, {"__builtins__": {}}, env)  # noqa: S307 - AST checked above: arithmetic only
        out = np.asarray(out, dtype=float)
        out[~np.isfinite(out)] = np.nan
        return out

    evaluate.inputs = sorted(set(names))  # type: ignore[attr-defined]
    return evaluate


@dataclass
class Cube:
    regions: list[str]
    indicators: list[str]
    years: list[int]
    values: np.ndarray          # entered values, NaN where none
    catalogue: dict[str, Indicator]

    def __post_init__(self):
        self.r_index = {r: i for i, r in enumerate(self.regions)}
        self.i_index = {c: i for i, c in enumerate(self.indicators)}
        self.y_index = {y: i for i, y in enumerate(self.years)}
        self.derived = self._compute_derived()
        eff = self.values.copy()
        for code, arr in self.derived.items():
            j = self.i_index[code]
            eff[:, j, :] = np.where(np.isnan(arr), self.values[:, j, :], arr)
        self.effective = eff

    @classmethod
    def load(cls, db, *, regions: list[str] | None = None, year_from: int | None = None,
             year_to: int | None = None) -> "Cube":
        cat = load_indicators(db)
        codes = list(cat)
        sql, args = 'select region, indicator, year, value from "values" where length(period) = 4', []
        if regions is not None:
            regions = list(dict.fromkeys(regions))
            if len(regions) < 900:
                sql += f" and region in ({','.join('?' * len(regions))})"
                args += regions
        if year_from is not None:
            sql += " and year >= ?"
            args.append(year_from)
        if year_to is not None:
            sql += " and year <= ?"
            args.append(year_to)
        sql = sql.replace("value from", "cast(value as real) from")
        rows = db.execute(sql, args).fetchall()
        if rows:
            col_r, col_i, col_y, col_v = zip(*rows)
        else:
            col_r = col_i = col_y = col_v = ()
        if regions is None:
            regions = sorted(set(col_r))
        lo = year_from if year_from is not None else (min(col_y) if col_y else 2016)
        hi = year_to if year_to is not None else (max(col_y) if col_y else lo)
        years = list(range(lo, hi + 1))
        r_index = {r: i for i, r in enumerate(regions)}
        i_index = {c: i for i, c in enumerate(codes)}
        arr = np.full((len(regions), len(codes), len(years)), np.nan)
        if rows:
            ri = np.fromiter(map(r_index.get, col_r, repeat(-1)), dtype=np.int64, count=len(rows))
            ii = np.fromiter(map(i_index.get, col_i, repeat(-1)), dtype=np.int64, count=len(rows))
            yi = np.asarray(col_y, dtype=np.int64) - lo
            keep = (ri >= 0) & (ii >= 0)
            arr[ri[keep], ii[keep], yi[keep]] = np.asarray(col_v, dtype=float)[keep]
        return cls(regions, codes, years, arr, cat)

    def _compute_derived(self) -> dict[str, np.ndarray]:
        out = {}
        for code, ind in self.catalogue.items():
            if ind.formula:
                fn = compile_formula(ind.formula, self.indicators)
                env = {c: self.values[:, self.i_index[c], :] for c in fn.inputs}
                out[code] = fn(env)
        return out

    def get(self, region: str, indicator: str, year: int, *, effective: bool = True) -> float | None:
        r, i, y = self.r_index.get(region), self.i_index.get(indicator), self.y_index.get(year)
        if r is None or i is None or y is None:
            return None
        v = (self.effective if effective else self.values)[r, i, y]
        return None if np.isnan(v) else float(v)

    def series(self, region: str, indicator: str, *, effective: bool = True) -> list[tuple[int, float]]:
        r, i = self.r_index.get(region), self.i_index.get(indicator)
        if r is None or i is None:
            return []
        row = (self.effective if effective else self.values)[r, i, :]
        return [(y, float(v)) for y, v in zip(self.years, row) if not np.isnan(v)]
