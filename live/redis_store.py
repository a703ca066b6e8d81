"""The live class in Redis, for replicas: a hash per class, a set of its members, a hash of
answers per question; every change is one MULTI/EXEC (or a Lua script where it must read before
it writes), and every key of a class expires TTL_SECONDS after its last change (Redis deletes
them: nothing to sweep)."""

from __future__ import annotations

import redis

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

# answer: refused unless the class exists, asks question ARGV[2] and is still predicting
ANSWER = """
local c = KEYS[1]
if redis.call('EXISTS', c) == 0 then return 'no_class' end
local number, phase = unpack(redis.call('HMGET', c, 'number', 'phase'))
if number ~= ARGV[2] or phase ~= 'predicting' then return 'closed' end
redis.call('SADD', c .. ':members', ARGV[1])
redis.call('HSET', c .. ':q' .. ARGV[2], ARGV[1], ARGV[3])
redis.call('HINCRBY', c, 'version', 1)
for _, k in ipairs({c, c .. ':members', c .. ':q' .. ARGV[2]}) do redis.call('EXPIRE', k, ARGV[4]) end
return 'ok'
"""


class RedisStore:
    def __init__(self, url: str):
        self.db = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, health_check_interval=30)
        self._answer = self.db.register_script(ANSWER)

    @staticmethod
    def _key(code: str) -> str:
        return f"class:{code}"

    def _touch(self, pipe, code: str, number: int | None = None) -> None:
        key = self._key(code)
        for k in (key, key + ":members", *((key + f":q{number}",) if number is not None else ())):
            pipe.expire(k, TTL_SECONDS)

    def create(self, question: Question) -> tuple[str, str]:
        secret = new_secret()
        for _ in range(20):
            code = new_code()
            fields = dict(secret=secret_hash(secret), lesson=question.lesson, lesson_data=question.lesson_data,
                          number=question.number, phase=question.phase, choices=question.choices, version=1)  # fmt: skip
            if self.db.hsetnx(self._key(code), "secret", fields["secret"]):
                with self.db.pipeline() as pipe:
                    pipe.hset(self._key(code), mapping=fields)
                    pipe.expire(self._key(code), TTL_SECONDS)
                    pipe.execute()
                return code, secret
        raise ClassError("class.no_code")

    def _fields(self, code: str) -> dict | None:
        fields = self.db.hgetall(self._key(code))
        return fields if fields and "lesson" in fields else None

    def state(self, code: str) -> ClassState | None:
        f = self._fields(code)
        if f is None:
            return None
        question = Question(f["lesson"], int(f["number"]), f["phase"], int(f["choices"]), f["lesson_data"])
        return ClassState(code, question, int(f["version"]))

    def version(self, code: str) -> int | None:
        v = self.db.hget(self._key(code), "version")
        return None if v is None else int(v)

    def join(self, code: str, student: str) -> ClassState:
        key = self._key(code)
        if not self.db.exists(key):
            raise ClassError("class.no_class")
        with self.db.pipeline() as pipe:
            pipe.sadd(key + ":members", student)
            self._touch(pipe, code)
            added = pipe.execute()[0]
        if added:
            self.db.hincrby(key, "version", 1)
        state = self.state(code)
        if state is None:
            raise ClassError("class.no_class")
        return state

    def answer(self, code: str, student: str, number: int, value) -> None:
        f = self._fields(code)
        if f is None:
            raise ClassError("class.no_class")
        v = checked_answer(value, int(f["choices"]))
        said = self._answer(keys=[self._key(code)], args=[student, str(number), repr(v), TTL_SECONDS])
        if said != "ok":
            raise ClassError(f"class.{said}")

    def own_answer(self, code: str, student: str, number: int) -> float | None:
        v = self.db.hget(self._key(code) + f":q{number}", student)
        return None if v is None else float(v)

    def tally(self, code: str, number: int) -> Tally:
        key = self._key(code)
        with self.db.pipeline(transaction=False) as pipe:
            pipe.scard(key + ":members")
            pipe.hvals(key + f":q{number}")
            pipe.hget(key, "choices")
            joined, values, choices = pipe.execute()
        return tally_of([float(v) for v in values], joined, int(choices or 0))

    def _teacher(self, code: str, secret: str) -> dict:
        f = self._fields(code)
        if f is None:
            raise ClassError("class.no_class")
        if not same_secret(secret, f["secret"]):
            raise ClassError("class.not_teacher")
        return f

    def check_teacher(self, code: str, secret: str) -> None:
        self._teacher(code, secret)

    def reveal(self, code: str, secret: str) -> None:
        f = self._teacher(code, secret)
        with self.db.pipeline() as pipe:
            pipe.hset(self._key(code), "phase", "revealed")
            pipe.hincrby(self._key(code), "version", 1)
            self._touch(pipe, code, int(f["number"]))
            pipe.execute()

    def advance(self, code: str, secret: str, question: Question) -> None:
        f = self._teacher(code, secret)
        number = int(f["number"]) + 1
        with self.db.pipeline() as pipe:
            pipe.hset(self._key(code), mapping=dict(lesson=question.lesson, lesson_data=question.lesson_data,
                                                    number=number, phase="predicting", choices=question.choices))  # fmt: skip
            pipe.hincrby(self._key(code), "version", 1)
            self._touch(pipe, code, number)
            pipe.execute()

    def end(self, code: str, secret: str) -> None:
        f = self._teacher(code, secret)
        key = self._key(code)
        self.db.delete(key, key + ":members", *(key + f":q{n}" for n in range(int(f["number"]) + 1)))

    def sweep(self) -> int:
        return 0  # every key expires by itself
