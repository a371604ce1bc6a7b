"""Measure the CPU one thread page costs, in-process, and show where it goes.

Seeds a fresh SQLite database in a temporary directory (the same community,
300-reply question and bulk threads as bench/thread_page.py), then serves
page 1 of the thread through Django's WSGI handler, with every middleware and
the compressed response a browser asks for, as an anonymous visitor and as a
logged-in student (the student who wrote reply #2, with the session and CSRF
cookies a browser holds after its first page). For each viewer it prints:

- CPU ms per request: process time of a batch of requests, the best of
  several batches (the least disturbed by other work on the machine);
- Python function calls per request, counted by cProfile: the same on every
  run, so it shows a change in work even on a busy machine;
- SQL queries per request.

With --profile, also prints the functions that take the most time. This is the
figure to watch while changing the code; bench/thread_page.py measures the
same page under load through the real server. Prints figures; never passes or
fails.

    .venv/bin/python bench/thread_page_cpu.py [--requests 200] [--batches 5]
        [--replies 300] [--threads 1000] [--profile] [--queries] [--viewer student]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import thread_page
from template_engines import Browser


def seed(replies: int, threads: int) -> tuple[int, str]:
    """Write the bench's community; return the big thread's id and a student's
    session key."""
    from django.db import connections

    community, _owner, members = thread_page.seed_people()
    thread_page.seed_many_threads(community, members, threads)
    thread = thread_page.seed_big_thread(community, members, replies)
    key = thread_page.member_session(members[thread_page.READER])
    connections.close_all()
    return thread.pk, key


def page_queries(browser: Browser, path: str) -> list[str]:
    """Return the SQL of the queries one request of the page makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        served = browser.get(path)
    assert served.status == 200, served.status
    return [q["sql"] for q in captured.captured_queries]


def cpu_per_request(browser: Browser, path: str, requests: int, batches: int) -> float:
    """Return the best batch's process time per request, in milliseconds."""
    best = float("inf")
    for _ in range(batches):
        started = time.process_time()
        for _ in range(requests):
            browser.get(path)
        best = min(best, (time.process_time() - started) / requests)
    return best * 1000


def profile(browser: Browser, path: str, requests: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        browser.get(path)
    profiler.disable()
    return pstats.Stats(profiler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument(
        "--profile", action="store_true", help="print where the time goes"
    )
    parser.add_argument("--queries", action="store_true", help="print each query")
    parser.add_argument(
        "--viewer", choices=["anonymous", "student", "both"], default="both"
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    try:
        thread_page.configure_environment(tmp)
        (tmp / "var" / "static").mkdir()
        thread_page.setup_django()
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.utils import override_settings

        # {% static %} without a collected manifest: collecting and compressing
        # every static file takes half a minute; a manifest lookup is a dict get.
        storages = {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
        override_settings(STORAGES=storages).enable()
        print(f"studyhall thread page CPU bench, {time.strftime('%Y-%m-%d %H:%M')}")
        print(f"machine: {thread_page.describe_machine()}")
        print(f"load average before: {thread_page.load_average()}")
        thread_id, session_key = seed(args.replies, args.threads)
        handler = WSGIHandler()
        path = f"/t/{thread_id}/"
        viewers: list[tuple[str, dict[str, str] | None]] = []
        if args.viewer in ("anonymous", "both"):
            viewers.append(("thread page 1, anonymous", None))
        if args.viewer in ("student", "both"):
            viewers.append(("thread page 1, student", {"sessionid": session_key}))
        print(f"\n  {'page':<28} {'CPU ms/req':>10} {'calls/req':>10} {'queries':>8}")
        for name, cookies in viewers:
            browser = Browser(handler, cookies)
            first = browser.get(path)  # sets the CSRF cookie, warms the cache
            browser.cookies.update(first.cookies)
            if cookies:
                assert 'id="composer"' in browser.get(path).text(), "not logged in"
            for _ in range(20):
                browser.get(path)
            queries = page_queries(browser, path)
            cpu = cpu_per_request(browser, path, args.requests, args.batches)
            stats: Any = profile(browser, path, 50)
            calls = stats.total_calls / 50
            print(f"  {name:<28} {cpu:>10.2f} {calls:>10,.0f} {len(queries):>8}")
            if args.queries:
                for sql in queries:
                    print(f"    {sql[:300]}")
            if args.profile:
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumulative").print_stats(60)
                stats.print_stats("studyhall", 40)
        print(f"\nload average after: {thread_page.load_average()}")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
