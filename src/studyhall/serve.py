"""Serve studyhall over HTTP and WebSockets with several server processes.

    python -m studyhall.serve --host 0.0.0.0 --port 8000 --workers 4 [--proxy-headers]

uvicorn's own `--workers` shares one listening socket among its processes,
and whichever process is awake accepts the connections that arrive together:
a burst of keep-alive connections can all land on one process while the
others idle (docs/decisions/0011-server-processes.md). Here each process
opens its own socket on the same port with `SO_REUSEPORT`, and Linux hands
every new connection to one of them by a hash of its addresses. This process
only supervises: it starts the workers, starts another when one dies, and
stops them all on SIGTERM or SIGINT.

Where `SO_REUSEPORT` does not spread connections (systems other than Linux),
or with one worker, uvicorn serves as it does itself.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

APP = "studyhall.asgi:application"
# A worker that dies this soon after starting counts as a failed start; after
# FAILED_STARTS of them in a row the server gives up instead of looping.
QUICK_EXIT_SECONDS = 5.0
FAILED_STARTS = 5
STOP_SECONDS = 30.0  # how long workers get to finish their requests on stop
# uvicorn's levels; "trace" is its own, below DEBUG.
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")

log = logging.getLogger("studyhall.serve")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m studyhall.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", "1")),
        help="server processes (default: WEB_WORKERS, else 1)",
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips",
    )
    parser.add_argument("--forwarded-allow-ips", default=None)
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    parser.add_argument("--log-level", default="info", choices=LOG_LEVELS)
    # Internal: run one worker on a socket of its own (started by the supervisor).
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    return args


def uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options every studyhall server runs with (see docs/realtime.md for
    why WebSocket compression is off)."""
    return {
        "app": APP,
        "ws": "auto",
        "ws_per_message_deflate": False,
        "lifespan": "off",
        "proxy_headers": args.proxy_headers,
        "forwarded_allow_ips": args.forwarded_allow_ips,
        "access_log": args.access_log,
        "log_level": args.log_level,
    }


def spreads_connections() -> bool:
    """Whether sockets sharing a port with SO_REUSEPORT share its connections."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def run_worker(args: argparse.Namespace) -> None:
    """One server process on its own socket in the port's SO_REUSEPORT group."""
    import uvicorn

    sock = listening_socket(args.host, args.port, shared=True)
    uvicorn.Server(uvicorn.Config(**uvicorn_options(args))).run(sockets=[sock])


def worker_command(args: argparse.Namespace) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "studyhall.serve",
        "--worker",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--log-level",
        args.log_level,
    ]
    if args.proxy_headers:
        command.append("--proxy-headers")
    if args.forwarded_allow_ips is not None:
        command += ["--forwarded-allow-ips", args.forwarded_allow_ips]
    if not args.access_log:
        command.append("--no-access-log")
    return command


class Supervisor:
    """Keeps `workers` worker processes running until told to stop."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.command = worker_command(args)
        self.workers: list[tuple[subprocess.Popen[bytes], float]] = []
        self.stopping = threading.Event()

    def spawn(self) -> tuple[subprocess.Popen[bytes], float]:
        return subprocess.Popen(self.command), time.monotonic()  # noqa: S603

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.workers = [self.spawn() for _ in range(self.args.workers)]
        log.info(
            "studyhall serving on http://%s:%d with %d processes (pids %s)",
            self.args.host,
            self.args.port,
            len(self.workers),
            ", ".join(str(p.pid) for p, _ in self.workers),
        )
        failed_starts = 0
        while not self.stopping.wait(0.5):
            for i, (process, started) in enumerate(self.workers):
                code = process.poll()
                if code is None or self.stopping.is_set():
                    continue
                quick = time.monotonic() - started < QUICK_EXIT_SECONDS
                failed_starts = failed_starts + 1 if quick else 0
                if failed_starts >= FAILED_STARTS:
                    log.error(
                        "workers keep exiting as they start (last code %s); stopping",
                        code,
                    )
                    self.shutdown()
                    return 1
                log.warning(
                    "worker %d exited with code %s; starting another", process.pid, code
                )
                self.workers[i] = self.spawn()
        self.shutdown()
        return 0

    def shutdown(self) -> None:
        """Ask every worker to finish its requests and stop; kill stragglers."""
        for process, _ in self.workers:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in self.workers:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    level = "DEBUG" if args.log_level == "trace" else args.log_level.upper()
    logging.basicConfig(level=level, format="%(message)s")
    if args.worker:
        run_worker(args)
        return 0
    import uvicorn

    if args.workers == 1 or not spreads_connections():
        uvicorn.run(
            **uvicorn_options(args),
            host=args.host,
            port=args.port,
            workers=args.workers,
        )
        return 0
    # A port already in use fails here, plainly, rather than in every worker
    # (or, worse, joining another server's SO_REUSEPORT group).
    try:
        listening_socket(args.host, args.port, shared=False).close()
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", args.host, args.port, error)
        return 1
    return Supervisor(args).run()


if __name__ == "__main__":
    sys.exit(main())
