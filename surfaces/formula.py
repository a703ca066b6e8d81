"""The formula language a class types: plain math, checked before anything evaluates it.

    explicit("2x^2 + 3(x-1)")   ->  ("2*x**2+3*(x-1)", columns)   multiplication and powers written out
    variables_of("x^2 + 10y^2") ->  ("x", "y")

Two layers of checks, both pure Python (no sympy, no eval):

1. the tokenizer: only numbers, the names below, + - * / ^ ( ) and spaces; implicit
   multiplication is made explicit (2x, 3(x-1), xy -> x*y) and ^ becomes **;
2. an `ast` whitelist of plain math (`Checker`): numbers, the allowed names, + - * / **, unary
   minus, calls of the allowed functions with one argument; bounded length, nesting, literals and
   no exponent towers (9^9^9 would make sympy compute a number with 370 million digits).

Every refusal is an InputError naming the column of the typed text it is about. The one list of
the language's names lives here: the sympy worker (surfaces.sympy_worker) and the rebuilding of its
answers (surfaces.sympy_pool) read it too.
"""

from __future__ import annotations

import ast
import re

from .errors import InputError

MAX_LENGTH = 200
MAX_DEPTH = 16  # parentheses and calls within each other: a classroom formula needs few
MAX_LITERAL = 1e15
MAX_EXPONENT = 1000
# The functions a formula may call, each with the sympy name it stands for; `sign` only appears in
# derivatives (|x|' = sign(x)) and cannot be typed.
SYMPY_FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "abs": "Abs",
    "tanh": "tanh",
}
DERIVATIVE_FUNCTIONS = {"sign": "sign"}
FUNCTIONS = tuple(SYMPY_FUNCTIONS)
CONSTANTS = ("pi", "e")
# The lecture's names: weight, w, x or theta for one parameter; x and y, or w1 and w2, for two.
ONE_D = ("w", "x", "weight", "theta")
TWO_D = (("x", "y"), ("w1", "w2"))
VARIABLES = ("w", "x", "y", "weight", "theta", "w1", "w2")
ALLOWED = ", ".join(VARIABLES + CONSTANTS + FUNCTIONS)
TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>w[12](?![0-9])|[A-Za-z]+)|(?P<op>[-+*/^(),]))"
)


def variables_of(text: str) -> tuple[str, ...]:
    """The formula's variables in order: one of ONE_D (a function of one parameter), or x and y, or
    w1 and w2 (two parameters); InputError otherwise."""
    tree = check(*explicit(checked_text(text)))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in VARIABLES}
    if not names:
        raise InputError("formula.constant")
    if len(names) == 1 and names <= set(ONE_D):
        return tuple(names)
    for pair in TWO_D:
        if names <= set(pair):
            return pair
    raise InputError("formula.mixed")


def checked_text(text) -> str:
    """The text itself, if it is a short, non-empty string."""
    if not isinstance(text, str):
        raise InputError("formula.not_text")
    if not text.strip():
        raise InputError("formula.empty")
    if len(text) > MAX_LENGTH:
        raise InputError("formula.too_long", n=len(text), max=MAX_LENGTH)
    return text


# ---------------------------------------------------------------------------- 1. the tokenizer
def tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) for every token; a character outside the language stops at its column."""
    out, pos = [], 0
    while pos < len(text) and text[pos:].strip():
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise InputError("formula.unexpected", ch=repr(text[col - 1]), col=col, allowed=ALLOWED)
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return out


def explicit(text: str) -> tuple[str, list[int]]:
    """The formula with every multiplication and power written out in Python's syntax, and the
    column of the typed text that each character of it comes from."""
    pieces = [piece for token in tokens(text) for piece in _pieces(*token)]
    depth = 0
    for _, tok, _col in pieces:
        depth += (tok == "(") - (tok == ")")
        if depth > MAX_DEPTH:
            raise _too_deep()
    out, cols = [], []
    prev = None
    for kind, tok, col in pieces:
        if prev is not None and prev[0] == "func" and tok != "(":
            raise InputError("formula.needs_parens", fn=prev[1], col=col)
        # implicit multiplication: 2x, x y, 3(x-1), (x+1)(x-1), x sin(x)
        ends_value = prev is not None and (prev[0] == "atom" or prev[1] == ")")
        if ends_value and (kind in ("atom", "func") or tok == "("):
            out.append("*")
            cols.append(col)
        out.append(tok)
        cols += [col] * len(tok)
        prev = (kind, tok)
    if prev is not None and prev[0] == "func":
        raise _needs_argument(prev[1])
    return "".join(out), cols


def _pieces(kind: str, tok: str, col: int) -> list[tuple[str, str, int]]:
    """A token as ('func' | 'atom' | 'op', text, column) pieces: xy is x * y, ^ is **."""
    if kind == "num":
        return [("atom", tok, col)]
    if kind == "op":
        return [("op", "**" if tok == "^" else tok, col)]
    if tok in FUNCTIONS:
        return [("func", tok, col)]
    if tok in CONSTANTS or tok in VARIABLES:
        return [("atom", tok, col)]
    if set(tok) <= {"x", "y"} or set(tok) <= {"w"}:  # xy means x*y
        out = []
        for i, ch in enumerate(tok):
            out += [("op", "*", col + i)] if i else []
            out.append(("atom", ch, col + i))
        return out
    fn = next((f for f in FUNCTIONS if tok.startswith(f) and len(tok) > len(f)), None)
    if fn:
        fix = f"{fn}({tok[len(fn) :]})"
        raise InputError("formula.unknown_name_hint", name=repr(tok), col=col, fix=fix, allowed=ALLOWED)
    raise InputError("formula.unknown_name", name=repr(tok), col=col, allowed=ALLOWED)


# ---------------------------------------------------------------------------- 2. the ast whitelist
def check(source: str, cols: list[int]) -> ast.Expression:
    """The parsed formula, if it is plain math only (Checker); InputError otherwise."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        at = (err.offset or len(source) + 1) - 1
        if 0 <= at < len(cols):
            raise InputError("formula.malformed_at", col=cols[at]) from None
        raise InputError("formula.malformed_end") from None
    except (ValueError, MemoryError, RecursionError):
        raise InputError("formula.unreadable") from None
    Checker().visit(tree)
    return tree


class Checker(ast.NodeVisitor):
    """Walks a parsed formula and refuses anything that is not plain math: each rule is a visit_
    method; a node type without one is refused by generic_visit."""

    PLAIN = (ast.Expression, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)

    def __init__(self):
        self.depth = 0
        self.called: set[int] = set()  # the Name nodes that are called (a function must be)

    def visit(self, node):
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise _too_deep()
        try:
            return super().visit(node)
        finally:
            self.depth -= 1

    def generic_visit(self, node):
        if not isinstance(node, self.PLAIN):
            raise InputError("formula.not_math", what=type(node).__name__, allowed=ALLOWED)
        super().generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp):
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right)
        elif not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise InputError("formula.operators")
        super().generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise InputError("formula.unary")
        super().generic_visit(node)

    def visit_Call(self, node: ast.Call):
        named = isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
        if not named or node.keywords or len(node.args) != 1:
            raise InputError("formula.one_argument", functions=", ".join(FUNCTIONS))
        self.called.add(id(node.func))
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name):
        if node.id not in FUNCTIONS + CONSTANTS + VARIABLES:
            raise InputError("formula.unknown", name=repr(node.id), allowed=ALLOWED)
        if node.id in FUNCTIONS and id(node) not in self.called:  # a function is called, not a value
            raise _needs_argument(node.id)

    def visit_Constant(self, node: ast.Constant):
        if type(node.value) not in (int, float) or not abs(node.value) <= MAX_LITERAL:
            raise InputError("formula.literal", max=f"{MAX_LITERAL:g}")


def _check_exponent(node) -> None:
    """An exponent is a small expression: no towers, no huge numbers."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
            raise InputError("formula.tower")
        if isinstance(sub, ast.Constant) and _number(sub.value) and abs(sub.value) > MAX_EXPONENT:
            raise InputError("formula.exponent", max=MAX_EXPONENT)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _too_deep():
    return InputError("formula.too_deep", n=MAX_DEPTH)


def _needs_argument(fn):
    return InputError("formula.needs_argument", fn=fn)
