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
import json

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


SLOTS = 17          # per region-indicator-year: 0 the year, 1-4 its quarters, 5-16 its months
_SLOT = ("case length(v.period) when 4 then 0 when 6 then substr(v.period, 6) + 0"
         " else substr(v.period, 6) + 4 end")


@dataclass
class Cube:
    regions: list[str]
    indicators: list[str]
    years: list[int]
    values: np.ndarray          # entered annual values, NaN where none
    catalogue: dict[str, Indicator]
    quarters: np.ndarray | None = None      # region × indicator × year × 4, None when no quarter is stored
    months: np.ndarray | None = None        # region × indicator × year × 12, None when no month is stored

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
        """Values of ``regions`` (default: every region holding a value) in ``year_from..year_to``.

        One pass: SQLite groups the rows by region and hands back, per region, the values and
        a key (indicator, year, quarter/month) as two comma-separated strings of integers that
        NumPy parses in C — no Python object per value.
        """
        cat = load_indicators(db)
        codes = list(cat)
        if year_from is None or year_to is None:
            lo, hi = db.execute('select (select min(year) from "values"), (select max(year) from "values")').fetchone()
            year_from = year_from if year_from is not None else (lo if lo is not None else 2016)
            year_to = year_to if year_to is not None else (hi if hi is not None else year_from)
        years = list(range(year_from, max(year_to, year_from - 1) + 1))
        ny = max(len(years), 1)
        case = "case v.indicator " + " ".join(f"when ?{k + 4} then {k}" for k in range(len(codes))) + " else -1 end"
        key = f"(({case}) * ?1 + v.year - ?2) * {SLOTS} + {_SLOT}"
        args: list = [ny, year_from, year_to, *codes]
        if regions is None or len(regions) > 600:         # many regions: one scan beats a search per region
            src = 'from "values" v where'
        else:
            regions = list(dict.fromkeys(regions))
            # rows come in primary-key order, region by region: no sort for the group by
            src = f'from "values" v where v.region in (select value from json_each(?{len(args) + 1})) and'
            args.append(json.dumps(regions))
        # values as integers in millionths: NumPy parses integers ten times faster than decimals, and
        # n / 1e6 is the double nearest the decimal for up to six decimals (SQLite reads a text that is
        # not a number as 0, as cast(value as real) did)
        sql = (f"select v.region, count(*), group_concat({key}), group_concat(cast(round(v.value * 1e6) as integer))"
               f" {src} +v.year between ?2 and ?3 group by v.region")
        rows = db.execute(sql, args).fetchall()
        if regions is None:
            regions = sorted(r[0] for r in rows)
        regions = list(dict.fromkeys(regions))
        r_index = {r: i for i, r in enumerate(regions)}
        rows = [r for r in rows if r[0] in r_index]
        arr = np.full((len(regions), len(codes), len(years)), np.nan)
        quarters = months = None
        if rows:
            ri = np.repeat(np.fromiter((r_index[r[0]] for r in rows), np.int64, len(rows)),
                           np.fromiter((r[1] for r in rows), np.int64, len(rows)))
            keys = np.fromstring(",".join(r[2] for r in rows), dtype=np.int64, sep=",")
            micro = np.fromstring(",".join(r[3] for r in rows), dtype=np.int64, sep=",")
            if (np.abs(micro) >= 2 ** 62).any():       # beyond 4.6e12: read the decimals themselves
                micro = None
                rows2 = db.execute(sql.replace("cast(round(v.value * 1e6) as integer)", "cast(v.value as real)"),
                                   args).fetchall()
                vals = np.fromstring(",".join(r[3] for r in rows2 if r[0] in r_index), dtype=float, sep=",")
            else:
                vals = micro / 1e6
            keep = keys >= 0
            ri, keys, vals = ri[keep], keys[keep], vals[keep]
            slot, rest = np.divmod(keys, SLOTS)[::-1]
            ii, yi = np.divmod(rest, ny)
            annual = slot == 0
            arr[ri[annual], ii[annual], yi[annual]] = vals[annual]
            if not annual.all():
                q = (slot >= 1) & (slot <= 4)
                if q.any():
                    quarters = np.full(arr.shape + (4,), np.nan)
                    quarters[ri[q], ii[q], yi[q], slot[q] - 1] = vals[q]
                m = slot >= 5
                if m.any():
                    months = np.full(arr.shape + (12,), np.nan)
                    months[ri[m], ii[m], yi[m], slot[m] - 5] = vals[m]
        return cls(regions, codes, years, arr, cat, quarters, months)

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
