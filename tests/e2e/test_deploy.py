"""A class behind HAProxy (deploy.serve): replicas and the proxy start and stop by PID, a tab sticks to
one replica by cookie, websockets pass through, Streamlit's JavaScript arrives compressed, the load
client runs a 5-student smoke test against one server and through the proxy, and a page whose
replica is killed comes back on another with the same picture.

Under CI=true a missing haproxy or browser fails these tests; elsewhere they are skipped."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from deploy.serve import DEFAULT_BASE_PORT, DEFAULT_PORT, EXAMPLE, Cluster, haproxy_config

from .conftest import MAIN, ROOT, chart, missing, painted, settle

pytestmark = pytest.mark.e2e


def free_block(n: int) -> int:
    """A port p with p .. p + n - 1 all free on 127.0.0.1."""
    for base in range(21_000, 40_000, 50):
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if shutil.which("haproxy") is None:
        missing("haproxy is missing: apt-get install -y haproxy")
    base = free_block(4)
    where = tmp_path_factory.mktemp("cluster")
    c = Cluster(2, port=base, base_port=base + 2, config=where / "haproxy.cfg", run_dir=where / "run")
    c.start()
    try:
        yield c
    finally:
        c.stop()


def get(url: str, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers, r.read()  # headers: case-insensitive (HAProxy sends them lower-case)


def test_the_config_is_generated_from_its_replica_list():
    """deploy/haproxy.cfg is what deploy.serve writes for the default 2 replicas (committed, for an
    operator to read; a run writes its own into deploy/run/, which git ignores)."""
    text = EXAMPLE.read_text()
    port = int(re.search(r"bind 127\.0\.0\.1:(\d+)", text)[1])
    replicas = [int(p) for p in re.findall(r"server r\d+ 127\.0\.0\.1:(\d+) check cookie", text)]
    static = int(re.search(r"server static 127\.0\.0\.1:(\d+)", text)[1])
    assert text == haproxy_config(port, replicas, static)
    expected = haproxy_config(DEFAULT_PORT, [DEFAULT_BASE_PORT, DEFAULT_BASE_PORT + 1], DEFAULT_BASE_PORT - 1)
    for must in ("cookie STREAMLIT_REPLICA insert", "option redispatch", "GET /_stcore/health", "timeout tunnel", "compression algo gzip"):  # fmt: skip
        assert must in expected


def test_haproxy_accepts_the_config(tmp_path):
    if shutil.which("haproxy") is None:
        missing("haproxy is missing: apt-get install -y haproxy")
    cfg = tmp_path / "h.cfg"
    cfg.write_text(haproxy_config(free_block(1), [8601, 8602], 8600))
    out = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_a_tab_sticks_to_its_replica_by_cookie(cluster):
    url = f"http://127.0.0.1:{cluster.port}/"
    status, headers, _ = get(url)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    name, replica = cookie.split("=")
    assert name == "STREAMLIT_REPLICA" and replica in ("r1", "r2")
    served = {get(url, {"Cookie": cookie})[1]["X-Served-By"] for _ in range(6)}
    assert served == {replica}
    fresh = {get(url)[1]["X-Served-By"] for _ in range(6)}  # without a cookie: balanced over both
    assert fresh == {"r1", "r2"}


def test_streamlits_javascript_arrives_compressed(cluster):
    _, _, page = get(f"http://127.0.0.1:{cluster.port}/")
    script = page.decode().split('src="./')[1].split('"')[0]
    raw = get(f"http://127.0.0.1:{cluster.ports[0]}/{script}")[2]
    for accept, encoding in (("br, gzip", "br"), ("gzip", "gzip")):
        _, headers, body = get(f"http://127.0.0.1:{cluster.port}/{script}", {"Accept-Encoding": accept})
        assert headers["Content-Encoding"] == encoding
        assert len(body) < len(raw) / 2.5
    _, headers, body = get(f"http://127.0.0.1:{cluster.port}/{script}")  # a client that takes no encoding
    assert "Content-Encoding" not in headers and body == raw


def test_the_processes_are_started_and_stopped_by_pid(tmp_path):
    if shutil.which("haproxy") is None:
        missing("haproxy is missing: apt-get install -y haproxy")
    base = free_block(3)
    c = Cluster(1, port=base, base_port=base + 2, config=tmp_path / "h.cfg", run_dir=tmp_path / "run").start()
    pids = [int(p.read_text()) for p in (tmp_path / "run").glob("*.pid")]
    # haproxy, static, a replica, and (unless DESCENT_CLASS_STORE names one) the classes' redis-server
    assert len(pids) == 3 + c.own_redis and all(Path(f"/proc/{pid}").exists() for pid in pids)
    assert (tmp_path / "run" / "redis.pid").exists() == c.own_redis
    assert f"bind 127.0.0.1:{base}" in (tmp_path / "h.cfg").read_text()
    c.stop()
    assert not list((tmp_path / "run").glob("*.pid"))
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists()


def smoke(url: str) -> None:
    """bench/load.py: 5 students for 10 s; any exception, app error or dropped session fails."""
    args = ["steady", "--url", url, "--students", "5", "--seconds", "10", "--ramp", "1", "--json"]
    out = subprocess.run(
        [sys.executable, "bench/load.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert '"exceptions": 0' in out.stdout and '"dropped": 0' in out.stdout


def test_load_smoke_on_one_server(app_url):
    smoke(app_url)


def test_load_smoke_through_the_proxy(cluster):
    smoke(f"http://127.0.0.1:{cluster.port}")


def test_a_page_whose_replica_dies_comes_back_with_the_same_picture(cluster, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    try:
        pg.goto(f"http://127.0.0.1:{cluster.port}/?lr=0.4&x0=3&lang=en")
        settle(pg)
        replica = next(c["value"] for c in context.cookies() if c["name"] == "STREAMLIT_REPLICA")
        port = cluster.ports[int(replica[1:]) - 1]
        os.kill(cluster.replicas[port].pid, signal.SIGKILL)
        cluster.replicas[port].wait()

        # the page reconnects through HAProxy, which moves the tab (its cookie) to the live replica
        def replica_now():
            return next(c["value"] for c in context.cookies() if c["name"] == "STREAMLIT_REPLICA")

        deadline = time.monotonic() + 30
        while replica_now() == replica and time.monotonic() < deadline:  # polls the condition
            painted(pg, 6)
        assert replica_now() != replica
        settle(pg)
        # a change made after the kill comes back from the live replica, with the rest of the picture
        lr = pg.locator(".st-key-lr input")
        lr.fill("0.2")
        lr.press("Enter")
        pg.wait_for_function(
            f"""() => {{ const g = {MAIN};
                 return g && g.data.some(t => (t.name || '').includes('lr 0.2')); }}""",
            timeout=90_000,
        )
        settle(pg)
        assert "lr=0.2" in pg.url and "x0=3" in pg.url  # the rest of the picture is as it was
        start = chart(pg, "g.data.find(t => (t.name || '').includes('lr 0.2')).x[0]")
        assert start == 3.0
    finally:
        context.close()
        cluster.restart_dead()
