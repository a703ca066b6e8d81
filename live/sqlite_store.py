"""The live class in SQLite: one file (WAL mode, so readers never wait for the writer), every
change one transaction on a connection borrowed from a pool (Streamlit runs each rerun in a thread
of its own: a connection per thread was a new connection per poll, 11 % of a class's CPU). It
survives a restart of the app."""

from __future__ import annotations

import queue
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from .store import (
    TTL_SECONDS,
    ClassError,
    ClassState,
    Question,
    Tally,
    checked_answer,
    new_code,
    new_secret,
    same_secret,
    secret_hash,
    tally_of,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY, secret TEXT NOT NULL, lesson TEXT NOT NULL, lesson_data TEXT NOT NULL,
    number INTEGER NOT NULL, phase TEXT NOT NULL, choices INTEGER NOT NULL,
    version INTEGER NOT NULL, touched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS members (code TEXT NOT NULL, student TEXT NOT NULL, PRIMARY KEY (code, student));
CREATE TABLE IF NOT EXISTS answers (
    code TEXT NOT NULL, number INTEGER NOT NULL, student TEXT NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (code, number, student)
);
"""


class SqliteStore:
    def __init__(self, path: str):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        db = self._connect()
        db.executescript(SCHEMA)
        self.pool.put(db)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def _db(self, write: bool = True):
        """One transaction on a pooled connection (committed, or rolled back); a writer's begins
        IMMEDIATE, taking the write lock at once, so two answers never deadlock."""
        try:
            db = self.pool.get_nowait()
        except queue.Empty:
            db = self._connect()
        healthy = True
        try:
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error:
            healthy = False  # a connection in an unknown state is not handed on
            raise
        finally:
            self.pool.put(db) if healthy else db.close()

    def create(self, question: Question) -> tuple[str, str]:
        secret = new_secret()
        with self._db() as db:
            for _ in range(20):
                code = new_code()
                try:
                    db.execute(
                        "INSERT INTO classes VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                        (code, secret_hash(secret), question.lesson, question.lesson_data, question.number,
                         question.phase, question.choices, time.time()),
                    )  # fmt: skip
                    return code, secret
                except sqlite3.IntegrityError:  # the code is taken: draw another
                    continue
        raise ClassError("class.no_code")

    def _row(self, db, code):
        return db.execute(
            "SELECT lesson, number, phase, choices, lesson_data, version, secret, touched FROM classes WHERE code = ?",
            (code,),
        ).fetchone()

    def state(self, code: str) -> ClassState | None:
        with self._db(write=False) as db:
            row = self._row(db, code)
        if row is None or time.time() - row[7] > TTL_SECONDS:
            return None
        lesson, number, phase, choices, data, version = row[:6]
        return ClassState(code, Question(lesson, number, phase, choices, data), version)

    def version(self, code: str) -> int | None:
        with self._db(write=False) as db:
            row = db.execute("SELECT version, touched FROM classes WHERE code = ?", (code,)).fetchone()
        return None if row is None or time.time() - row[1] > TTL_SECONDS else row[0]

    def join(self, code: str, student: str) -> ClassState:
        with self._db() as db:
            if self._row(db, code) is None:
                raise ClassError("class.no_class")
            added = db.execute("INSERT OR IGNORE INTO members VALUES (?, ?)", (code, student)).rowcount
            if added:
                db.execute(
                    "UPDATE classes SET version = version + 1, touched = ? WHERE code = ?",
                    (time.time(), code),
                )
        state = self.state(code)
        if state is None:
            raise ClassError("class.no_class")
        return state

    def answer(self, code: str, student: str, number: int, value) -> None:
        with self._db() as db:
            row = self._row(db, code)
            if row is None:
                raise ClassError("class.no_class")
            if row[1] != number or row[2] != "predicting":
                raise ClassError("class.closed")
            v = checked_answer(value, row[3])
            db.execute("INSERT OR IGNORE INTO members VALUES (?, ?)", (code, student))
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (code, number, student, v))
            db.execute(
                "UPDATE classes SET version = version + 1, touched = ? WHERE code = ?", (time.time(), code)
            )

    def own_answer(self, code: str, student: str, number: int) -> float | None:
        with self._db(write=False) as db:
            row = db.execute(
                "SELECT value FROM answers WHERE code = ? AND number = ? AND student = ?",
                (code, number, student),
            ).fetchone()
        return None if row is None else row[0]

    def tally(self, code: str, number: int) -> Tally:
        with self._db(write=False) as db:
            row = self._row(db, code)
            joined = db.execute("SELECT COUNT(*) FROM members WHERE code = ?", (code,)).fetchone()[0]
            values = [
                v
                for (v,) in db.execute(
                    "SELECT value FROM answers WHERE code = ? AND number = ?", (code, number)
                )
            ]
        return tally_of(values, joined, row[3] if row else 0)

    def _teacher(self, db, code, secret):
        row = self._row(db, code)
        if row is None:
            raise ClassError("class.no_class")
        if not same_secret(secret, row[6]):
            raise ClassError("class.not_teacher")
        return row

    def check_teacher(self, code: str, secret: str) -> None:
        with self._db(write=False) as db:
            self._teacher(db, code, secret)

    def reveal(self, code: str, secret: str) -> None:
        with self._db() as db:
            self._teacher(db, code, secret)
            db.execute(
                "UPDATE classes SET phase = 'revealed', version = version + 1, touched = ? WHERE code = ?",
                (time.time(), code),
            )

    def advance(self, code: str, secret: str, question: Question) -> None:
        with self._db() as db:
            row = self._teacher(db, code, secret)
            db.execute(
                "UPDATE classes SET lesson = ?, lesson_data = ?, number = ?, phase = 'predicting', choices = ?, "
                "version = version + 1, touched = ? WHERE code = ?",
                (question.lesson, question.lesson_data, row[1] + 1, question.choices, time.time(), code),
            )

    def end(self, code: str, secret: str) -> None:
        with self._db() as db:
            self._teacher(db, code, secret)
            _delete(db, [code])

    def sweep(self) -> int:
        with self._db() as db:
            old = [
                c
                for (c,) in db.execute(
                    "SELECT code FROM classes WHERE touched < ?", (time.time() - TTL_SECONDS,)
                )
            ]
            _delete(db, old)
        return len(old)


def _delete(db, codes) -> None:
    for code in codes:
        for table in ("answers", "members", "classes"):
            db.execute(f"DELETE FROM {table} WHERE code = ?", (code,))
