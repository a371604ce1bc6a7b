"""Chat fan-out: N clients in one room on one server process, M messages.

Prints delivery latency (p50, p99) from send to arrival at every client,
messages delivered per second, and the server's memory per idle connection.
Makes its own SQLite database in a temporary directory and deletes it after.

    .venv/bin/python bench/chat_fanout.py                  # 1,000 clients, 50 messages
    .venv/bin/python bench/chat_fanout.py --clients 200 --messages 20
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


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run(
    args: argparse.Namespace,
    env: dict[str, str],
    port: int,
    pid: int,
    data: dict[str, Any],
) -> None:
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/streams/"
    origin = f"http://127.0.0.1:{port}"
    room = data["room"]
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received = 0
    done = asyncio.Event()
    expected = args.clients * args.messages

    async def open_socket(session: str) -> Any:
        ws = await websockets.connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=60,
            max_queue=None,
        )
        await ws.send(json.dumps({"subscribe": f"room.{room}"}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "subscribed":
                return ws

    async def reader(ws: Any) -> None:
        nonlocal received
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "ping":
                await ws.send('{"type": "pong"}')
            elif frame["type"] == "event" and frame["event"] == "message.created":
                client_id = frame["payload"]["client_id"]
                if client_id in sent_at:
                    latencies.append(time.perf_counter() - sent_at[client_id])
                    received += 1
                    if received >= expected:
                        done.set()

    base_rss = rss_kb(pid)
    sessions = data["sessions"]
    clients: list[Any] = []
    started = time.perf_counter()
    for batch in range(0, args.clients, 50):
        clients += await asyncio.gather(
            *(
                open_socket(s)
                for s in sessions[1 + batch : 1 + min(args.clients, batch + 50)]
            )
        )
        print(
            f"  {len(clients)} clients connected after {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(3)  # let presence settle
    idle_rss = rss_kb(pid)
    readers = [asyncio.create_task(reader(ws)) for ws in clients]
    sender = await open_socket(sessions[0])
    sender_reader = asyncio.create_task(sender.recv())  # drain occasionally
    sender_reader.cancel()

    first = time.perf_counter()
    for n in range(args.messages):
        client_id = f"bench-{n}"
        sent_at[client_id] = time.perf_counter()
        await sender.send(
            json.dumps(
                {
                    "type": "send",
                    "room": room,
                    "body": f"message {n}",
                    "client_id": client_id,
                }
            )
        )
        await asyncio.sleep(args.interval)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=120)
    elapsed = time.perf_counter() - first

    print(f"clients                      {args.clients}")
    print(
        f"messages sent                {args.messages} (every {args.interval * 1000:.0f} ms)"
    )
    print(f"connect time                 {connect_seconds:.1f} s")
    print(f"deliveries                   {received} of {expected}")
    if latencies:
        print(f"delivery latency p50         {percentile(latencies, 50) * 1000:.0f} ms")
        print(f"delivery latency p99         {percentile(latencies, 99) * 1000:.0f} ms")
    print(f"deliveries per second        {received / elapsed:,.0f}")
    print(f"messages per second          {args.messages / elapsed:.1f}")
    print(
        f"server memory per idle conn  {(idle_rss - base_rss) / max(1, args.clients):.1f} KB "
        f"({base_rss / 1024:.0f} MB before, {idle_rss / 1024:.0f} MB with the clients)"
    )
    for task in readers:
        task.cancel()
    await asyncio.gather(
        *(ws.close() for ws in [*clients, sender]), return_exceptions=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument(
        "--interval", type=float, default=0.1, help="seconds between messages"
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-chat-bench-"))
    port = free_port()
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
        asyncio.run(run(args, env, port, server.pid, data))
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
