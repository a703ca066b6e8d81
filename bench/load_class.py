"""bench/load.py's class scenarios: a live class over Streamlit's protocol.

    python bench/load.py class --url http://127.0.0.1:8501 --students 60
    python bench/load.py class --url http://127.0.0.1:8500 --students 120 --kill-replica   # deploy.serve
    python bench/load.py class-idle --url http://127.0.0.1:8501 --students 60 --seconds 60

class: a teacher page (`?lesson=too-large&present=1`) presses class_start and reads the code from
its page; N students open `?class=CODE` within --join-within s (half Korean, half English), each
answers (class_answer) within --answer-within s, and every page runs its run_every fragments at
their intervals, as the browser does (the students' follow, the teacher's tally). Measured: the
students' reruns (open, answer), the teacher's tally reruns, when the teacher's count reached N
after the last answer, how long Reveal and Next took to reach every student, answers lost (the
teacher's count and bars against what the students sent), and polls that drew anything without
news. --kill-replica (behind deploy.serve): when half the class has answered, the replica holding
the most students (not the teacher) is killed by its PID file; its students' pages find their
socket closed at their next poll or answer and reconnect as the browser does (same address, their
`me=`): each must be back in the class, showing their own answer, within 5 s of the kill.

class-idle: the CPU the server's processes spend (utime + stime) over --seconds with N students
connected and idle on the plain page, then with N students in a class, polling; the difference is
the polling's cost as a share of one core.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import time
from pathlib import Path
from urllib.parse import parse_qsl

from load import RUN_DIR, Student, Tally, server_pids

CODE = re.compile(r"class='class-code'>([A-Z0-9]{6})<")
COUNTS = re.compile(r"(\d+) joined · (\d+) answered")
BAR = re.compile(r"<b>(\d+)")
OWN_ANSWER = ("Your answer:", "내 답:")
CHOICES = 3  # too-large asks with three choices
LESSON = {"lesson": "too-large", "present": "1", "lang": "en"}
MAX_CLASS_SECONDS = 180


def ms_p95(xs: list[float]) -> int:
    if len(xs) < 2:
        return round(1000 * (xs or [0])[0])
    return round(1000 * statistics.quantiles(xs, n=100, method="inclusive")[94])


class Page(Student):
    """A tab in the class: it runs its fragments at their intervals, as the browser does."""

    served_by = ""

    async def open(self) -> None:
        await super().open()
        self.served_by = self.ws.response.headers.get("X-Served-By", "")

    def phase(self) -> str:
        """What a student's page shows: the choices, a number box, the revealed answer."""
        if "class_answer" in self.seen:
            return "choosing" if self.kinds["class_answer"] == "radio" else "number"
        return "revealed" if "plotly_chart" in self.seen else "other"

    async def poll_all(self, polls: list[float], drew_idle: list[int]) -> None:
        """Run each of the page's fragments once (the browser's timers); a poll that draws without
        the page's phase changing is counted."""
        for fid in list(self.fragments):
            before = self.phase()
            polls.append(await self.poll(fid))
            if self.rendered and self.phase() == before:
                drew_idle.append(self.rendered)


async def start_class(url: str, tally: Tally) -> tuple[Page, str]:
    teacher = Page(url, LESSON, tally)
    await teacher.open()
    await teacher.rerun(class_start=True)
    code = next((m.group(1) for t in teacher.texts if (m := CODE.search(t))), None)
    if code is None:
        raise SystemExit(f"the teacher's page showed no class code: {teacher.texts[:3]}")
    return teacher, code


class ClassRun:
    """One class's loop and what it measured (each step a method, the shared state here)."""

    def __init__(self, args, teacher: Page, code: str, teacher_tally: Tally):
        self.args, self.teacher, self.code, self.teacher_tally = args, teacher, code, teacher_tally
        self.tally, self.polls, self.drew_idle = Tally(), [], []
        self.stop = asyncio.Event()
        self.sent: dict[int, int] = {}  # student -> the choice they sent
        self.answered_at: list[float] = []
        self.students: list[Page | None] = [None] * args.students
        self.kill: dict = {"at": None, "back": []}
        self.count, self.full_at = 0, None  # the teacher's count, and when it reached the class

    async def wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=max(seconds, 0))

    async def reconnect(self, i: int, query: str) -> Page:
        """The browser's way back after its socket closed: the same address (with `me=`), retried."""
        while not self.stop.is_set():
            page = Page(self.args.url, dict(parse_qsl(query)), self.tally)
            try:
                await page.open()
            except Exception:
                await self.wait(0.2)
                continue
            if i in self.sent and not any(t.startswith(OWN_ANSWER) for t in page.texts):
                self.tally.app_errors.append(f"student {i} came back without their answer")
            if self.kill["at"] is not None:
                self.kill["back"].append(time.monotonic() - self.kill["at"])
            return page
        return self.students[i]

    async def student(self, i: int) -> None:
        """Join within --join-within, answer once within --answer-within, poll as the page does."""
        await self.wait(random.uniform(0, self.args.join_within))
        s = self.students[i] = Page(
            self.args.url, {"class": self.code, "lang": "ko" if i % 2 else "en"}, self.tally
        )
        await s.open()
        answer_at = time.monotonic() + random.uniform(0, self.args.answer_within)
        choice = random.randrange(CHOICES)
        while not self.stop.is_set():
            try:
                if i not in self.sent and time.monotonic() >= answer_at:
                    self.tally.reruns.append(await s.rerun(class_answer=choice))
                    self.sent[i] = choice
                    self.answered_at.append(time.monotonic())
                    continue
                every = min(s.fragments.values(), default=1.5)
                await self.wait(every if i in self.sent else min(every, answer_at - time.monotonic()))
                if not self.stop.is_set():
                    await s.poll_all(self.polls, self.drew_idle)
            except Exception:  # its replica died: the socket is closed
                s = self.students[i] = await self.reconnect(i, s.query)
        await s.close()

    async def teacher_polls(self) -> None:
        teacher = self.teacher
        while not self.stop.is_set():
            await self.wait(min(teacher.fragments.values(), default=0.5))
            for fid in list(teacher.fragments):
                self.teacher_tally.reruns.append(await teacher.poll(fid))
            counts = [m for t in teacher.texts[-4:] if (m := COUNTS.search(t))]
            if counts:
                self.count = int(counts[-1].group(2))
                if self.count >= self.args.students and self.full_at is None:
                    self.full_at = time.monotonic()

    async def killer(self) -> None:
        """When half have answered: SIGKILL the replica holding the most students (not the teacher)."""
        while len(self.sent) < self.args.students // 2:
            await asyncio.sleep(0.05)
        by = _by_replica(self.students)
        victim = max((k for k in by if k not in ("?", self.teacher.served_by)), key=by.get, default=None)
        if victim is None:
            self.kill["replica"] = f"no replica to kill (students by replica: {by})"
            return
        pid = int((RUN_DIR / f"replica{victim.removeprefix('r')}.pid").read_text())
        self.kill.update(at=time.monotonic(), replica=f"{victim}, pid {pid}, {by[victim]} students")
        os.kill(pid, signal.SIGKILL)

    async def reaches_all(self, phase: str, pressed: float) -> list[float]:
        """Seconds from the teacher's press until each student's page shows `phase` (inf: never)."""
        reached = {}
        while time.monotonic() < pressed + 15 and len(reached) < len(self.students):
            for i, s in enumerate(self.students):
                if i not in reached and s is not None and s.phase() == phase:
                    reached[i] = time.monotonic() - pressed
            await asyncio.sleep(0.02)
        return [reached.get(i, float("inf")) for i in range(len(self.students))]

    async def press(self, button: str, phase: str) -> dict:
        """When the last student followed the teacher's press, and the median student."""
        pressed = time.monotonic()
        waiting = asyncio.create_task(self.reaches_all(phase, pressed))
        await self.teacher.rerun(**{button: True})
        teacher_s = time.monotonic() - pressed
        times = await waiting
        return {
            "all": round(max(times), 2),
            "p50": round(statistics.median(times), 2),
            "teacher": round(teacher_s, 2),
        }

    async def run(self) -> dict:
        args, t_start, cpu_start = self.args, time.monotonic(), time.process_time()
        tasks = [asyncio.create_task(self.student(i)) for i in range(args.students)]
        tasks.append(asyncio.create_task(self.teacher_polls()))
        if args.kill_replica:
            tasks.append(asyncio.create_task(self.killer()))
        while len(self.sent) < args.students and time.monotonic() < t_start + MAX_CLASS_SECONDS:
            await asyncio.sleep(0.05)
        last_answer = max(self.answered_at, default=t_start)
        while self.count < len(self.sent) and time.monotonic() < last_answer + 10:
            await asyncio.sleep(0.02)
        counted = {
            "teacher_count": self.count,  # this question's (Next starts the next one's from 0)
            "count_complete_s_after_last_answer": round((self.full_at or time.monotonic()) - last_answer, 2),
            "tally_bars": [
                int(x)
                for x in BAR.findall(next((t for t in reversed(self.teacher.texts) if "tally" in t), ""))
            ],
            "students_by_replica_at_reveal": _by_replica(self.students),
        }
        reveal = await self.press("class_reveal", "revealed")
        after = await self.press("class_next", "number")
        reached = {
            "reveal_reached_all_s": reveal["all"],
            "next_reached_all_s": after["all"],
            "reveal_next_median_student_s": [reveal["p50"], after["p50"]],
            "reveal_next_teachers_own_rerun_s": [reveal["teacher"], after["teacher"]],
        }
        await self.teacher.rerun(class_end=True)
        self.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.teacher.close()
        client_cpu = (time.process_time() - cpu_start) / (time.monotonic() - t_start)
        return self.report(counted | reached | {"this_client_cpu_share_of_a_core": round(client_cpu, 2)})

    def report(self, measured: dict) -> dict:
        args, sent = self.args, self.sent
        expected = [sum(1 for v in sent.values() if v == c) for c in range(CHOICES)]
        title = f"class of {args.students}" + (" with a replica killed" if args.kill_replica else "")
        report = (
            self.tally.report(title)
            | measured
            | {
                "answers_sent": len(sent),
                "answers_lost": len(sent) - measured["teacher_count"],
                "answers_by_choice": expected,
                "teacher_tally_rerun_p95_ms": ms_p95(self.teacher_tally.reruns),
                "student_poll_p95_ms": ms_p95(self.polls),
                "polls": len(self.polls),
                "polls_that_drew_without_news": len(self.drew_idle),
            }
        )
        if args.kill_replica:
            report |= {
                "killed": self.kill.get("replica"),
                "reconnected": len(self.kill["back"]),
                "back_in_class_max_s": round(max(self.kill["back"], default=0), 2),
            }
        problems = [
            text
            for bad, text in (
                (
                    measured["teacher_count"] != len(sent),
                    f"the teacher counted {measured['teacher_count']} of {len(sent)}",
                ),
                (
                    measured["tally_bars"] != expected,
                    f"the bars {measured['tally_bars']} are not the answers {expected}",
                ),
                (len(sent) < args.students, f"only {len(sent)} of {args.students} students answered"),
            )
            if bad
        ]
        if problems:
            report["app_errors"] += len(problems)
            report["first_problem"] = "; ".join(problems)
        return report


async def class_run(args) -> dict:
    """The whole loop: start, join, answer, (kill a replica,) tally, Reveal, Next, End."""
    teacher_tally = Tally()
    teacher, code = await start_class(args.url, teacher_tally)
    return await ClassRun(args, teacher, code, teacher_tally).run()


def _by_replica(pages) -> dict[str, int]:
    by: dict[str, int] = {}
    for p in pages:
        if p is not None:
            by[p.served_by or "?"] = by.get(p.served_by or "?", 0) + 1
    return by


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (seconds)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (stat's fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


async def class_idle(args) -> dict:
    """The server's CPU with N idle students: on the plain page, then in a class, polling."""
    pids = args.pid or server_pids(args.url)
    tally = Tally()
    polls, drew_idle = [], []

    async def idle(query: dict) -> float:
        pages = [Page(args.url, query, tally) for _ in range(args.students)]
        for p in pages:
            await p.open()
        t_end = time.monotonic() + args.seconds
        c0, t0 = cpu_seconds(pids), time.monotonic()

        async def life(p: Page) -> None:
            await asyncio.sleep(random.uniform(0, 1.5))  # the class did not open in one instant
            while time.monotonic() < t_end:
                await asyncio.sleep(min(p.fragments.values(), default=t_end - time.monotonic()))
                if time.monotonic() < t_end:
                    await p.poll_all(polls, drew_idle)

        await asyncio.gather(*(life(p) for p in pages))
        share = (cpu_seconds(pids) - c0) / (time.monotonic() - t0)
        for p in pages:
            await p.close()
        return share

    plain = await idle({"lang": "en"})
    teacher, code = await start_class(args.url, tally)
    polling = await idle({"class": code, "lang": "en"})
    await teacher.rerun(class_end=True)
    await teacher.close()
    return tally.report(f"{args.students} idle students, {args.seconds:g} s each way") | {
        "pids": pids,
        "cpu_plain_page_share_of_a_core": round(plain, 3),
        "cpu_class_polling_share_of_a_core": round(polling, 3),
        "added_by_polling_pct_of_a_core": round(100 * (polling - plain), 1),
        "polls": len(polls),
        "poll_p95_ms": ms_p95(polls),
        "polls_that_drew_without_news": len(drew_idle),
    }
