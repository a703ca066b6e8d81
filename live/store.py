"""Where a live class lives: one interface, two backends (live.sqlite_store, live.redis_store), chosen by one
setting, DESCENT_CLASS_STORE: a URL such as sqlite:///data/classes.db (the default, one server)
or redis://127.0.0.1:6379/0 (replicas). Nothing of a class lives in a replica's memory, so any
replica serves any student.

A class is its code (6 characters without look-alikes), a hash of the teacher's secret, the lesson
on show (a built-in slug, or a teacher's lesson file carried as its link data), the question's
number (it grows with Next), its phase (predicting or revealed), how many choices it has (0: a
typed number), who joined, and one answer per student per question (the last one counts). Every
change bumps the class's version, which pages poll. Nothing personal is kept: a student is a
random id. A class idle for TTL_SECONDS is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6
CODE_LENGTH = 6
TTL_SECONDS = 3 * 3600  # a class idle this long is deleted
MAX_NUMBER = 1e12  # a typed answer beyond this is not an answer
STORE_ENV = "DESCENT_CLASS_STORE"
DEFAULT_URL = "sqlite:///" + str(Path(__file__).resolve().parents[1] / "data" / "classes.db")


class ClassError(ValueError):
    """A refused class action: `key` names it in the catalogs (class.*)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key, self.values = key, {}


@dataclass(frozen=True)
class Question:
    """What a class is asked now: the lesson (a slug, or a teacher's lesson as link data), its
    number among the class's questions, the phase, and the answers it takes (choices: how many;
    0 for a typed number)."""

    lesson: str
    number: int
    phase: str  # "predicting" | "revealed"
    choices: int
    lesson_data: str = ""


@dataclass(frozen=True)
class ClassState:
    code: str
    question: Question
    version: int


@dataclass(frozen=True)
class Tally:
    joined: int
    answered: int
    counts: tuple[int, ...]  # per choice (choices > 0)
    numbers: tuple[float, ...]  # the typed answers (choices == 0), sorted


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    """The teacher's key: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(secret: str | None, stored_hash: str) -> bool:
    """Whether `secret` is the class's, compared in constant time."""
    if not isinstance(secret, str) or not secret:
        return False
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def normal_code(text) -> str | None:
    """A typed or linked code as the store keeps it (upper case, no spaces), or None if it cannot
    be one."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper().replace(" ", "").replace("-", "")
    return code if len(code) == CODE_LENGTH and all(c in ALPHABET for c in code) else None


def checked_answer(value, choices: int) -> float:
    """An answer the question can take: a choice's index in range, or a finite number in range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ClassError("class.bad_answer")
    v = float(value)
    if not math.isfinite(v):
        raise ClassError("class.bad_answer")
    if choices:
        if v != int(v) or not 0 <= v < choices:
            raise ClassError("class.bad_answer")
        return v
    if not math.isfinite(v) or abs(v) > MAX_NUMBER:
        raise ClassError("class.bad_answer")
    return v


def tally_of(values, joined: int, choices: int) -> Tally:
    if choices:
        counts = Counter(int(v) for v in values)
        return Tally(joined, len(values), tuple(counts.get(i, 0) for i in range(choices)), ())
    return Tally(joined, len(values), (), tuple(sorted(values)))


class Store(Protocol):
    """A backend: every method is one atomic step, safe from any thread of any replica."""

    def create(self, question: Question) -> tuple[str, str]:
        """A new class on `question`: (its code, the teacher's secret; only its hash is kept)."""

    def state(self, code: str) -> ClassState | None: ...

    def version(self, code: str) -> int | None:
        """The class's version (None if there is no such class): what pages poll."""

    def join(self, code: str, student: str) -> ClassState:
        """Count `student` in (ClassError class.no_class if the code is not a class)."""

    def answer(self, code: str, student: str, number: int, value) -> None:
        """Student's answer to question `number` (checked; the last one counts; refused once
        revealed or when the question has moved on)."""

    def own_answer(self, code: str, student: str, number: int) -> float | None: ...

    def tally(self, code: str, number: int) -> Tally: ...

    def check_teacher(self, code: str, secret: str) -> None:
        """ClassError unless the class exists and `secret` is its teacher's (nothing changes)."""

    def reveal(self, code: str, secret: str) -> None: ...

    def advance(self, code: str, secret: str, question: Question) -> None:
        """Move the class to the next question (its number one higher), predicting."""

    def end(self, code: str, secret: str) -> None:
        """Delete the class and everything it kept."""

    def sweep(self) -> int:
        """Delete the classes idle longer than TTL_SECONDS; how many went."""
