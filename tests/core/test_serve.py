# ruff: noqa: S603
"""The production server: several processes, each with its own socket on the
port, supervised (python -m studyhall.serve)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyhall import serve
from tests.realtime.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
LISTEN, ESTABLISHED = "0A", "01"

linux_only = pytest.mark.skipif(
    not serve.spreads_connections(), reason="SO_REUSEPORT spreads connections on Linux"
)


def test_options_are_checked_and_passed_to_each_worker():
    with pytest.raises(SystemExit):
        serve.parse_args(["--workers", "0"])
    with pytest.raises(SystemExit):
        serve.parse_args(["--port", "70000"])
    with pytest.raises(SystemExit):
        serve.parse_args(["--log-level", "loud"])
    assert serve.parse_args(["--log-level", "trace"]).log_level == "trace"
    args = serve.parse_args(
        [
            *("--workers", "3", "--port", "8123", "--proxy-headers"),
            *("--no-access-log", "--forwarded-allow-ips", "10.0.0.1"),
        ]
    )

    command = serve.worker_command(args)

    assert command[:4] == [sys.executable, "-m", "studyhall.serve", "--worker"]
    assert {"--proxy-headers", "--no-access-log", "8123", "10.0.0.1"} <= set(command)
    assert "--workers" not in command
    options = serve.uvicorn_options(args)
    assert options["app"] == "studyhall.asgi:application"
    assert options["ws_per_message_deflate"] is False
    assert options["proxy_headers"] is True
    assert options["access_log"] is False


def _command(port: int, *, log_level: str = "warning") -> list[str]:
    return [
        *(sys.executable, "-m", "studyhall.serve", "--workers", "2"),
        *("--port", str(port), "--log-level", log_level),
    ]


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "STUDYHALL_VAR_DIR": str(tmp),
        "SECRET_KEY": "serve-tests-secret-key-" + "x" * 30,
        "DATABASE_URL": "",
        "REDIS_URL": "",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            # The parent's pid is the second field after the command's ")".
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _sockets(port: int, state: str) -> set[str]:
    """Inodes of this machine's TCP sockets on a local port, in one state."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    inodes.add(fields[9])
    return inodes


def _inodes_of(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def _wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _healthy(port: int) -> bool:
    with (
        contextlib.suppress(OSError),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r,
    ):
        return bool(r.status == 200)
    return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = subprocess.Popen(
        _command(port),
        env=_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(_sockets(port, LISTEN)) == 2 and _healthy(port))
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


@linux_only
def test_every_worker_listens_on_the_port_and_gets_connections(server):
    process, port = server
    workers = _children(process.pid)
    assert len(workers) == 2

    connections = []
    try:
        for _ in range(32):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert b"200 OK" in connection.recv(4096)
            connections.append(connection)
        established = _sockets(port, ESTABLISHED)
        held = [len(_inodes_of(pid) & established) for pid in workers]
    finally:
        for connection in connections:
            connection.close()

    assert sum(held) == 32
    assert all(held), held  # the kernel spread them: no worker left idle


@linux_only
def test_a_killed_worker_is_replaced(server):
    process, port = server
    first, second = _children(process.pid)

    os.kill(first, signal.SIGKILL)

    _wait_for(
        lambda: (
            len(_children(process.pid)) == 2
            and first not in _children(process.pid)
            and len(_sockets(port, LISTEN)) == 2
        )
    )
    assert second in _children(process.pid)
    assert _healthy(port)


@linux_only
def test_sigterm_stops_every_worker(server):
    process, port = server
    workers = _children(process.pid)

    process.terminate()

    assert process.wait(30) == 0
    assert not _sockets(port, LISTEN)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


@linux_only
def test_a_port_in_use_is_refused_plainly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            _command(port, log_level="info"),
            env=_env(tmp_path),
            cwd=ROOT,
            capture_output=True,
            timeout=60,
        )

    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr.decode()


@linux_only
def test_workers_that_cannot_start_stop_the_server(tmp_path):
    port = free_port()
    done = subprocess.run(
        _command(port),
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="studyhall.no_such_settings"),
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "workers keep exiting as they start" in done.stderr.decode()
    assert not _sockets(port, LISTEN)
