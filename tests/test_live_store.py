"""The live class's store, the same rules on SQLite and on a real redis-server: codes without
look-alikes, the teacher's secret, one checked answer per student per question, Reveal and Next,
expiry, and nothing lost when many students answer at once."""

from __future__ import annotations

import threading
import time

import pytest

from fixtures.redis import start_redis, stop_redis
from live import ClassError, Question, normal_code, open_store
from live import store as store_module


@pytest.fixture(scope="module")
def redis_url():
    proc, url = start_redis()
    try:
        yield url
    finally:
        stop_redis(proc)


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'classes.db'}")
    return open_store(request.getfixturevalue("redis_url"))


def test_a_code_has_no_look_alikes_and_reads_as_typed():
    for _ in range(200):
        code = store_module.new_code()
        assert len(code) == 6 and not set(code) & set("0O1IL2Z5S8BG6")
        assert normal_code(code.lower()[:3] + " " + code[3:]) == code
    assert normal_code("ABCDEF") is None and normal_code("short") is None and normal_code(None) is None


def test_the_secret_is_long_and_kept_only_as_a_hash(store):
    code, secret = store.create(Question("too-large", 0, "predicting", 3))
    assert len(secret) >= 32  # 192 random bits, URL-safe
    assert store_module.same_secret(secret, store_module.secret_hash(secret))
    other = "x" if secret[-1] != "x" else "y"  # one character changed (a random secret may end in x)
    for wrong in ("", None, secret[:-1] + other, secret.swapcase()):
        with pytest.raises(ClassError) as err:
            store.reveal(code, wrong)
        assert err.value.key == "class.not_teacher"


def test_one_checked_answer_per_student_the_last_counts(store):
    code, secret = store.create(Question("too-large", 0, "predicting", 3))
    store.join(code, "a")
    store.answer(code, "a", 0, 2)
    store.answer(code, "a", 0, 1)
    store.answer(code, "b", 0, 1)
    assert store.tally(code, 0).counts == (0, 2, 0) and store.own_answer(code, "a", 0) == 1
    for bad in (3, -1, 1.5, True, "1", float("nan"), None):
        with pytest.raises(ClassError):
            store.answer(code, "c", 0, bad)
    with pytest.raises(ClassError):
        store.answer(code, "c", 1, 0)  # a question that is not asked
    store.reveal(code, secret)
    with pytest.raises(ClassError) as err:
        store.answer(code, "c", 0, 0)
    assert err.value.key == "class.closed" and store.state(code).question.phase == "revealed"


def test_next_moves_the_class_and_numbers_are_checked(store):
    code, secret = store.create(Question("too-large", 0, "predicting", 3))
    store.advance(code, secret, Question("too-small", 0, "predicting", 0))
    state = store.state(code)
    assert (state.question.lesson, state.question.number, state.question.choices) == ("too-small", 1, 0)
    store.answer(code, "a", 1, 4.25)
    for bad in (float("inf"), 1e13):
        with pytest.raises(ClassError):
            store.answer(code, "a", 1, bad)
    assert store.tally(code, 1).numbers == (4.25,)


def test_end_deletes_everything(store):
    code, secret = store.create(Question("too-large", 0, "predicting", 3))
    store.answer(code, "a", 0, 1)
    with pytest.raises(ClassError):
        store.end(code, "not the secret")
    store.end(code, secret)
    assert store.state(code) is None and store.version(code) is None
    with pytest.raises(ClassError):
        store.join(code, "a")


def test_sixty_students_answering_at_once_lose_nothing(store):
    code, _ = store.create(Question("too-large", 0, "predicting", 3))
    errors = []

    def student(i):
        try:
            store.join(code, f"s{i}")
            store.answer(code, f"s{i}", 0, i % 3)
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally = store.tally(code, 0)
    assert not errors and tally.joined == 60 and tally.answered == 60 and tally.counts == (20, 20, 20)


def test_an_idle_class_expires(store, monkeypatch):
    code, _ = store.create(Question("too-large", 0, "predicting", 3))
    if hasattr(store, "db") and not hasattr(store, "path"):  # Redis: its own TTL on every key
        assert 0 < store.db.ttl(f"class:{code}") <= store_module.TTL_SECONDS
        return
    later = time.time() + store_module.TTL_SECONDS + 1
    monkeypatch.setattr("live.sqlite_store.time.time", lambda: later)
    assert store.state(code) is None and store.sweep() == 1


def test_sqlite_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'classes.db'}"
    code, _ = open_store(url).create(Question("too-large", 0, "predicting", 3))
    open_store(url).answer(code, "a", 0, 2)
    assert open_store(url).tally(code, 0).counts == (0, 0, 1)
