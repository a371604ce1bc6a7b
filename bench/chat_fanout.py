"""Chat fan-out: N clients in one room on one server process, M messages.

Prints delivery latency (p50, p99) from send to arrival at every client,
messages delivered per second, and the server's memory per idle connection.
Makes its own SQLite database in a temporary directory and deletes it after.

    .venv/bin/python bench/chat_fanout.py                  # 1,000 clients, 50 messages
    .venv/bin/python bench/chat_fanout.py --clients 200 --messages 20
    .venv/bin/python bench/chat_fanout.py --idle 60        # idle CPU, no messages
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# How the Makefile's server runs.
WS = "auto"
DEFLATE = False

SETUP = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from studyhall.accounts.models import User
from studyhall.chat import services
from studyhall.chat.models import RoomMember
from studyhall.communities.models import Community, Membership

n = int(sys.argv[1])
community = Community.objects.create(name="Bench", slug="bench")
now = timezone.now()
User.objects.bulk_create(
    User(email=f"p{i}@example.org", handle=f"p{i}", display_name=f"Person {i}",
         email_verified_at=now, password="!")
    for i in range(n + 1)
)
people = list(User.objects.order_by("pk"))
Membership.objects.bulk_create(
    Membership(community=community, user=u, role="owner" if i == 0 else "student")
    for i, u in enumerate(people)
)
room = services.create_room(people[0], community, name="general")
RoomMember.objects.bulk_create(
    [RoomMember(room=room, user=u) for u in people[1:]], ignore_conflicts=True
)
keys = []
for user in people:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "studyhall.accounts.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
print(json.dumps({"room": room.pk, "sessions": keys}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


class Clients:
    """The sockets of the run, each read from the moment it subscribes.

    Reading at once matters: a socket that leaves the server's pings
    unanswered while the others connect would be closed as idle.
    """

    def __init__(self, url: str, origin: str, room: int) -> None:
        self.url, self.origin, self.room = url, origin, room
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.expected = 0
        self.done = asyncio.Event()
        self.closed = 0
        self.close_codes: dict[int | None, int] = {}
        self.readers: list[asyncio.Task[None]] = []

    async def open(self, session: str) -> Any:
        import websockets

        ws = await websockets.connect(
            self.url,
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=120,
            max_queue=None,
            # The server pings (the app's own frames) and drops silent sockets;
            # the client library's own keepalive would close sockets whenever
            # this process, reading 1,000 of them, falls behind on a busy machine.
            ping_interval=None,
        )
        await ws.send(json.dumps({"subscribe": f"room.{self.room}"}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "subscribed":
                break
        self.readers.append(asyncio.create_task(self.read(ws)))
        return ws

    async def read(self, ws: Any) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                if frame["type"] == "ping":
                    await ws.send('{"type": "pong"}')
                elif frame["type"] == "event" and frame["event"] == "message.created":
                    sent = self.sent_at.get(frame["payload"]["client_id"])
                    if sent is not None:
                        self.latencies.append(now - sent)
                        if len(self.latencies) >= self.expected:
                            self.done.set()
        self.closed += 1
        code = getattr(ws, "close_code", None)
        self.close_codes[code] = self.close_codes.get(code, 0) + 1


async def run(
    args: argparse.Namespace, port: int, pid: int, data: dict[str, Any]
) -> None:
    clients = Clients(
        f"ws://127.0.0.1:{port}/ws/streams/", f"http://127.0.0.1:{port}", data["room"]
    )
    sessions = data["sessions"]
    # The sender connects first, so the memory the first socket warms up (the
    # consumer's imports, the database thread's connection) is not counted.
    sender = await clients.open(sessions[0])
    await asyncio.sleep(1)
    base_rss = rss_kb(pid)
    sockets: list[Any] = []
    started = time.perf_counter()
    for batch in range(0, args.clients, 50):
        sockets += await asyncio.gather(
            *(
                clients.open(s)
                for s in sessions[1 + batch : 1 + min(args.clients, batch + 50)]
            )
        )
        if len(sockets) % 250 == 0 or len(sockets) == args.clients:
            took = time.perf_counter() - started
            print(f"  {len(sockets)} clients connected after {took:.1f} s", flush=True)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(3)  # let presence settle
    idle_rss = rss_kb(pid)
    memory = (
        "server memory per idle conn",
        f"{(idle_rss - base_rss) / max(1, args.clients):.1f} KB "
        f"({base_rss / 1024:.0f} MB before, {idle_rss / 1024:.0f} MB with the clients)",
    )
    if args.idle:
        # Nothing sent: what the sockets cost while they only answer pings.
        server_cpu = cpu_seconds(pid)
        await asyncio.sleep(args.idle)
        server_cpu = cpu_seconds(pid) - server_cpu
        per_thousand = server_cpu / args.idle / max(1, args.clients) * 1000
        rows = [
            ("clients", f"{args.clients} (+1 sender), idle {args.idle:.0f} s"),
            ("sockets closed early", f"{clients.closed} {clients.close_codes or ''}"),
            ("idle server CPU", f"{server_cpu * 1000:.0f} ms in {args.idle:.0f} s"),
            (
                "idle CPU per 1,000 sockets",
                f"{per_thousand * 1000:.1f} ms a second ({per_thousand * 100:.2f} % of a core)",
            ),
            memory,
        ]
        for name, value in rows:
            print(f"{name:<29}{value}")
        for task in clients.readers:
            task.cancel()
        await asyncio.gather(
            *(ws.close() for ws in [*sockets, sender]), return_exceptions=True
        )
        return

    # Every socket, the sender's too, follows the room.
    clients.expected = (args.clients + 1) * args.messages
    server_cpu, client_cpu = cpu_seconds(pid), time.process_time()
    first = time.perf_counter()
    for n in range(args.messages):
        client_id = f"bench-{n}"
        clients.sent_at[client_id] = time.perf_counter()
        frame = {"type": "send", "room": data["room"], "body": f"message {n}"}
        await sender.send(json.dumps({**frame, "client_id": client_id}))
        await asyncio.sleep(args.interval)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(clients.done.wait(), timeout=120)
    elapsed = time.perf_counter() - first
    server_cpu = cpu_seconds(pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    received = len(clients.latencies)

    rows = [
        ("clients", f"{args.clients} (+1 sender)"),
        ("server", f"uvicorn --ws {args.ws}, per-message deflate {args.deflate}"),
        ("messages sent", f"{args.messages} (every {args.interval * 1000:.0f} ms)"),
        ("connect time", f"{connect_seconds:.1f} s"),
        ("deliveries", f"{received} of {clients.expected}"),
        ("sockets closed early", f"{clients.closed} {clients.close_codes or ''}"),
    ]
    if clients.latencies:
        for p in (50, 99):
            ms = percentile(clients.latencies, p) * 1000
            rows.append((f"delivery latency p{p}", f"{ms:.0f} ms"))
        rows.append(("delivery latency max", f"{max(clients.latencies) * 1000:.0f} ms"))
    rows += [
        ("deliveries per second", f"{received / elapsed:,.0f}"),
        ("messages per second", f"{args.messages / elapsed:.1f}"),
        ("server CPU per message", f"{server_cpu / args.messages * 1000:.1f} ms"),
        (
            "server CPU per delivery",
            f"{server_cpu / max(1, received) * 1e6:.0f} µs (per socket and message)",
        ),
        ("client CPU per message", f"{client_cpu / args.messages * 1000:.1f} ms"),
        memory,
    ]
    for name, value in rows:
        print(f"{name:<29}{value}")
    for task in clients.readers:
        task.cancel()
    await asyncio.gather(
        *(ws.close() for ws in [*sockets, sender]), return_exceptions=True
    )


def report_log(path: Path) -> None:
    """Print how many errors the server logged, and the first one."""
    lines = path.read_text(errors="replace").splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    print(f"server errors logged         {len(errors)}")
    if errors:
        print("\n".join(lines[errors[0] : errors[0] + 30]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument(
        "--interval", type=float, default=0.1, help="seconds between messages"
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="send nothing; measure the server's CPU while the sockets idle",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="the server's port (default: a free one)"
    )
    parser.add_argument(
        "--ws",
        default=WS,
        choices=["auto", "websockets", "websockets-sansio", "wsproto"],
        help="uvicorn's WebSocket implementation",
    )
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=DEFLATE,
        help="let the server compress frames (permessage-deflate)",
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-chat-bench-"))
    port = args.port or free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_DIR / "src"),
        "DJANGO_SETTINGS_MODULE": "studyhall.settings",
        "STUDYHALL_VAR_DIR": str(tmp),
        "SECRET_KEY": "bench-" + "k" * 40,
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DEBUG": "0",
        "WEBSOCKET_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
        "CHAT_RATE_MESSAGES": "100000",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
        )
        print("seeding people and sessions", flush=True)
        out = subprocess.run(
            [sys.executable, "-c", SETUP, str(args.clients)],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        data = json.loads(out.stdout.decode().strip().splitlines()[-1])
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "studyhall.asgi:application",
                "--app-dir",
                "src",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
                "--ws",
                args.ws,
                "--ws-per-message-deflate",
                str(args.deflate).lower(),
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=1
                ).close()
                break
            time.sleep(0.1)
        asyncio.run(run(args, port, server.pid, data))
        report_log(tmp / "server.log")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(10)
            if server.poll() is None:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
