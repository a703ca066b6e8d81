"""A live class: the teacher's page asks, the students' phones answer, Reveal and Next reach
everyone. live.store is the interface and the class's rules; live.sqlite_store and
live.redis_store keep it; open_store picks one from DESCENT_CLASS_STORE."""

from __future__ import annotations

import os

from .store import DEFAULT_URL, STORE_ENV, ClassError, ClassState, Question, Store, Tally, normal_code


def open_store(url: str | None = None) -> Store:
    """The backend the URL names (DESCENT_CLASS_STORE, else a SQLite file under data/)."""
    url = url or os.environ.get(STORE_ENV) or DEFAULT_URL
    if url.startswith("sqlite:///"):
        from .sqlite_store import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith("redis://"):
        from .redis_store import RedisStore

        return RedisStore(url)
    raise ValueError(f"{STORE_ENV} must be sqlite:///path or redis://host:port/db, got {url!r}")


__all__ = ["ClassError", "ClassState", "Question", "Store", "Tally", "normal_code", "open_store"]
