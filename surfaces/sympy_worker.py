"""The sympy step of custom formulas, in its own process: `python -m surfaces.sympy_worker`.

Reads one JSON request per line on stdin, {"source": ..., "variables": [...]}, where source has
already passed surfaces.formula's tokenizer and ast whitelist; parses it with sympy's parse_expr
(empty builtins), differentiates it, and answers one JSON line on stdout:

    {"ok": true, "expr": tree, "grad": [tree, ...], "hess": [tree, ...], "latex": "..."}
    {"ok": false, "error": "..."}

Expressions travel as plain JSON trees (see `tree`), never as pickles or code, so the parent
rebuilds them from a whitelist of node types alone. The parent kills this process when an answer
takes too long, and starts a new one.
"""

from __future__ import annotations

import json
import sys

import sympy
from sympy.parsing.sympy_parser import auto_number, parse_expr

from surfaces.formula import DERIVATIVE_FUNCTIONS, SYMPY_FUNCTIONS, VARIABLES

SYMBOLS = {v: sympy.Symbol(v, real=True) for v in VARIABLES}
LOCAL = SYMBOLS | {"pi": sympy.pi, "e": sympy.E} | {n: getattr(sympy, a) for n, a in SYMPY_FUNCTIONS.items()}
GLOBAL = {"__builtins__": {}, "Integer": sympy.Integer, "Float": sympy.Float, "Rational": sympy.Rational}
# the functions an answer may hold, by sympy class (sqrt is a power in sympy: it never appears)
FUNCTIONS = {getattr(sympy, a): n for n, a in (SYMPY_FUNCTIONS | DERIVATIVE_FUNCTIONS).items() if n != "sqrt"}


def tree(e):
    """A sympy expression as nested lists: ["sym", name], ["num", "p/q" or float text],
    ["pi"], ["E"], ["add"|"mul", ...], ["pow", base, exponent], ["fn", name, argument]."""
    if isinstance(e, sympy.Symbol):
        return ["sym", e.name]
    if e is sympy.pi:
        return ["pi"]
    if e is sympy.E:
        return ["E"]
    if isinstance(e, sympy.Rational):
        return ["num", f"{e.p}/{e.q}"]
    if isinstance(e, sympy.Float):
        return ["num", repr(float(e))]
    if isinstance(e, sympy.Add):
        return ["add", *map(tree, e.args)]
    if isinstance(e, sympy.Mul):
        return ["mul", *map(tree, e.args)]
    if isinstance(e, sympy.Pow):
        return ["pow", tree(e.base), tree(e.exp)]
    if isinstance(e, sympy.DiracDelta):  # |x|'' = 2 delta(x): zero wherever a step can land
        return ["num", "0/1"]
    if e.func in FUNCTIONS and len(e.args) == 1:
        return ["fn", FUNCTIONS[e.func], tree(e.args[0])]
    raise ValueError(f"{type(e).__name__} appears in the derivatives; this app cannot evaluate it")


def analyse(source: str, variables: list[str]) -> dict:
    expr = parse_expr(
        source, local_dict=LOCAL, global_dict=GLOBAL, transformations=(auto_number,), evaluate=True
    )
    syms = [SYMBOLS[v] for v in variables]
    grad = [sympy.diff(expr, v) for v in syms]
    hess = [sympy.diff(grad[i], syms[j]) for i in range(len(syms)) for j in range(i, len(syms))]
    return {
        "ok": True,
        "expr": tree(expr),
        "grad": [tree(g) for g in grad],
        "hess": [tree(h) for h in hess],
        "latex": sympy.latex(expr),
    }


def main() -> None:
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = analyse(request["source"], request["variables"])
        except Exception as err:  # every failure is an answer, the worker keeps serving
            answer = {"ok": False, "error": f"{type(err).__name__}: {str(err)[:200]}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
