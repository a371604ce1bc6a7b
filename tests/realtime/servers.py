# ruff: noqa: S603, S607
"""Real server processes for fault tests: a database in a temporary directory,
uvicorn servers on free ports, an own redis-server, and a socket client that
behaves like chat.js (outbox, resend with the same client id, resume by
sequence)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_migrated: bytes | None = None
PYTHON = sys.executable

SETUP = r"""
import json
import django
django.setup()
from django.test import Client
from studyhall.accounts.models import User
from studyhall.chat import services
from studyhall.communities.models import Community, Membership
from django.utils import timezone

community = Community.objects.create(name="Faults", slug="faults")
people = {}
for name, role in (("teacher", "owner"), ("alice", "student"), ("bob", "student")):
    user = User.objects.create_user(
        email=f"{name}@example.org", password="correct horse battery",
        handle=name, display_name=name.title(), email_verified_at=timezone.now(),
    )
    Membership.objects.create(community=community, user=user, role=role)
    people[name] = user
room = services.create_room(people["teacher"], community, name="general")
from studyhall.discussions.services import create_thread
thread = create_thread(people["alice"], community, title="Eigenvalues help",
                       body="Where do I start?")
sessions = {}
for name, user in people.items():
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies["sessionid"].value
print(json.dumps({"room": room.pk, "thread": thread.pk, "sessions": sessions,
                  "ids": {n: u.pk for n, u in people.items()}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    """One SQLite database in a temporary directory and the servers over it."""

    def __init__(
        self,
        tmp: Path,
        ports: list[int],
        redis_url: str = "",
        settings: str = "tests.settings",
    ) -> None:
        self.tmp = tmp
        self.ports = ports
        self.redis_url = redis_url
        self.servers: dict[int, subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            # The test settings serve static files without collectstatic.
            "DJANGO_SETTINGS_MODULE": settings,
            "STUDYHALL_VAR_DIR": str(tmp),
            "SECRET_KEY": "fault-tests-secret-key-" + "x" * 30,
            "DATABASE_URL": "",
            "REDIS_URL": redis_url,
            "WEBSOCKET_ALLOWED_ORIGINS": ",".join(
                f"http://127.0.0.1:{p}" for p in ports
            ),
            "REALTIME_PING_SECONDS": "1",
            "CHAT_RATE_MESSAGES": "1000",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def prepare(self) -> dict[str, Any]:
        global _migrated
        database = self.tmp / "studyhall.sqlite3"
        if _migrated is None:
            subprocess.run(
                [PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
                env=self.env,
                check=True,
                cwd=ROOT,
            )
            _migrated = database.read_bytes()
        else:
            # Migrating takes seconds; later sites start from a copy.
            database.write_bytes(_migrated)
        out = subprocess.run(
            [PYTHON, "-c", SETUP],
            env=self.env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        return dict(json.loads(out.stdout.decode().strip().splitlines()[-1]))

    def start(self, port: int) -> None:
        log = open(self.tmp / f"server-{port}.log", "ab")  # noqa: SIM115
        self.servers[port] = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                "studyhall.asgi:application",
                "--app-dir",
                str(ROOT / "src"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1),
            ):
                return
            if self.servers[port].poll() is not None:
                raise RuntimeError((self.tmp / f"server-{port}.log").read_text())
            time.sleep(0.1)
        raise RuntimeError(f"server on {port} did not start")

    def kill(self, port: int) -> None:
        server = self.servers.pop(port)
        server.send_signal(signal.SIGKILL)
        server.wait(10)

    def stop_all(self) -> None:
        for port in list(self.servers):
            server = self.servers.pop(port)
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


class Redis:
    """An own redis-server on a free port, restartable without touching others."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None


class ChatClient:
    """A socket client that keeps an outbox and resumes like the browser's."""

    def __init__(self, port: int, session: str, room: int) -> None:
        self.port = port
        self.session = session
        self.room = room
        self.stream = f"room.{room}"
        self.since = 0
        self.received: list[dict[str, Any]] = []
        self.outbox: dict[str, str] = {}
        self.acked: dict[str, int] = {}
        self.connections = 0
        self.errors: list[str] = []
        self._pongs: set[asyncio.Future[None]] = set()
        self._ws: Any = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        import websockets

        delay = 0.1
        while not self._stopping:
            try:
                async with websockets.connect(
                    f"ws://127.0.0.1:{self.port}/ws/streams/",
                    origin=f"http://127.0.0.1:{self.port}",  # type: ignore[arg-type]
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    open_timeout=3,
                ) as ws:
                    self._ws = ws
                    self.connections += 1
                    delay = 0.1
                    await ws.send(
                        json.dumps({"subscribe": self.stream, "since": self.since})
                    )
                    for client_id, body in list(self.outbox.items()):
                        await self._send_frame(client_id, body)
                    async for raw in ws:
                        self._handle(json.loads(raw))
            except Exception as error:
                self.errors.append(repr(error))
            self._ws = None
            if not self._stopping:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _handle(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "event" and frame["stream"] == self.stream:
            assert frame["sequence"] > self.since, (frame, self.since)
            self.since = frame["sequence"]
            self.received.append(frame)
        elif frame["type"] == "ack":
            self.outbox.pop(frame["client_id"], None)
            self.acked[frame["client_id"]] = frame["number"]
        elif frame["type"] == "reload":
            raise AssertionError(f"unexpected reload: {frame}")
        elif frame["type"] == "ping" and self._ws is not None:
            pong = asyncio.ensure_future(self._ws.send(json.dumps({"type": "pong"})))
            self._pongs.add(pong)
            pong.add_done_callback(self._pongs.discard)

    async def _send_frame(self, client_id: str, body: str) -> None:
        frame = {
            "type": "send",
            "room": self.room,
            "body": body,
            "client_id": client_id,
        }
        with contextlib.suppress(Exception):
            await self._ws.send(json.dumps(frame))

    async def send(self, client_id: str, body: str) -> None:
        self.outbox[client_id] = body
        if self._ws is not None:
            await self._send_frame(client_id, body)

    def bodies(self) -> list[str]:
        return [
            f["payload"]["client_id"]
            for f in self.received
            if f["event"] == "message.created"
        ]

    async def wait_for(self, predicate: Any, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        self._stopping = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
