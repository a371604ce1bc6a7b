"""Measure the thread page and the thread list as production serves them.

Seeds a fresh SQLite database in a temporary directory (a public community,
one question with 300 replies written through the services, and 10,000 more
threads bulk-created with consistent counters), starts the production server
(python -m studyhall.serve) with two worker processes, drives 16 concurrent clients at each page (the thread page as an
anonymous visitor and as a logged-in student, and the thread list) and prints
requests per second, p50/p99 latency and the thread page's weight. Prints
figures; never passes or fails.

    .venv/bin/python bench/thread_page.py [--seconds 15] [--concurrency 16]
        [--replies 300] [--threads 10000]

The load comes from `wrk` when it is on PATH (Debian package wrk), otherwise
from an asyncio + httpx client that shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
SRC_DIR = PROJECT_DIR / "src"
SERVER_START_TIMEOUT = 60.0
BATCH_SIZE = 1000

# --- realistic post bodies ----------------------------------------------------
# Markdown as people write it in a statistics and programming course: code
# fences, inline and display maths, lists, tables, quotes and links. "{N}" is
# replaced by a number so that bodies differ.

BODIES = [
    """I get a different answer every time I run this, even though I set a seed:

```python
import numpy as np
from sklearn.cluster import KMeans

np.random.seed({N})
X = np.loadtxt("week3/points.csv", delimiter=",")
model = KMeans(n_clusters=4).fit(X)
print(model.inertia_)
```

The inertia changes between runs (roughly 210 to 240). Is the seed ignored?""",
    """`np.random.seed` only seeds the legacy global generator. `KMeans` takes
its own `random_state`, and with `n_init` > 1 it tries several starts:

```python
model = KMeans(n_clusters=4, n_init=10, random_state={N}).fit(X)
```

With a fixed `random_state` you get the same clustering each run. The
objective it minimises is

$$
J = \\sum_{k=1}^{K} \\sum_{x_i \\in C_k} \\lVert x_i - \\mu_k \\rVert^2
$$

so different starts can land in different local minima.""",
    """For question {N} of the problem sheet: the ridge estimate is
$\\hat\\beta = (X^\\top X + \\lambda I)^{-1} X^\\top y$, and as
$\\lambda \\to 0$ it tends to ordinary least squares.

What I don't follow is why the **bias** grows with $\\lambda$ while the
variance shrinks. Is there an intuition that doesn't need the SVD?""",
    """Think of $\\lambda$ as pulling every coefficient towards zero:

1. With $\\lambda = 0$ the fit chases the noise in this sample (low bias,
   high variance).
2. As $\\lambda$ grows, the coefficients shrink, so a new sample moves them
   less (lower variance) but they are systematically too small (bias).
3. Cross-validation picks the $\\lambda$ where the sum is smallest.

| $\\lambda$ | train MSE | test MSE |
|---:|---:|---:|
| 0.01 | 0.82 | 1.94 |
| 1 | 1.05 | 1.31 |
| 100 | 2.40 | 2.52 |

See chapter 6 of the course notes, section 6.{N}.""",
    """Thanks, that helped. One more thing: my cross-validation loop gives an
error.

```python
from sklearn.model_selection import cross_val_score
scores = cross_val_score(Ridge(alpha=a), X, y, cv=5, scoring="mse")
```

```
ValueError: 'mse' is not a valid scoring value.
```""",
    """The scorer is called `"neg_mean_squared_error"` (scores are always
*maximised*, so losses are negated):

```python
scores = cross_val_score(
    Ridge(alpha=a), X, y, cv=5, scoring="neg_mean_squared_error"
)
print(-scores.mean())
```

> Tip: `sklearn.metrics.get_scorer_names()` lists every valid name.""",
    """Could someone check my derivation for exercise {N}? I wrote the log-likelihood
of the logistic model as

$$
\\ell(\\beta) = \\sum_{i=1}^{n} \\left[ y_i x_i^\\top \\beta
  - \\log\\left(1 + e^{x_i^\\top \\beta}\\right) \\right]
$$

and the gradient as $\\nabla \\ell = X^\\top (y - p)$ with
$p_i = \\sigma(x_i^\\top \\beta)$. Setting it to zero has no closed form, right?""",
    """Right, no closed form, which is why we use Newton's method (IRLS):

- weights $W = \\operatorname{diag}(p_i (1 - p_i))$
- update $\\beta \\leftarrow \\beta + (X^\\top W X)^{-1} X^\\top (y - p)$

In R this is what `glm(y ~ ., family = binomial)` does; in Python,
`statsmodels.api.Logit(y, X).fit()` prints the iterations. It usually
converges in 5 to 8 steps.""",
    """Same problem here with the week {N} notebook. Restarting the kernel fixed
it for me, so it may be a stale variable rather than the code.""",
    """A small example that shows the difference between `train_test_split`
with and without `stratify`:

```python
from collections import Counter
from sklearn.model_selection import train_test_split

y = [0] * 90 + [1] * 10
_, _, _, y_test = train_test_split(range(100), y, test_size=0.2,
                                   random_state={N}, stratify=y)
print(Counter(y_test))  # Counter({0: 18, 1: 2})
```

Without `stratify`, the test set sometimes has no positive case at all, and
recall is undefined.""",
]

TITLES = [
    "Why does k-means give different clusters every run?",
    "Ridge regression: where does the bias come from?",
    "cross_val_score says 'mse' is not a valid scoring value",
    "Logistic regression log-likelihood has no closed form?",
    "How should I choose k in k-fold cross-validation?",
    "Stratified split for an imbalanced data set",
    "Week {n} notebook: kernel keeps dying",
    "Bootstrap confidence interval looks too narrow",
    "PCA before or after standardising?",
    "Is the lasso path piecewise linear?",
]


def body(i: int) -> str:
    """Return the i-th seed body, numbered so that no two are identical."""
    return BODIES[i % len(BODIES)].replace("{N}", str(i + 1))


# --- environment ----------------------------------------------------------------


def configure_environment(tmp: Path) -> dict[str, str]:
    """Point settings at a fresh database and var directory under tmp.

    Must run before Django is set up; the returned environment is also the
    one given to the server's processes.
    """
    var_dir = tmp / "var"
    var_dir.mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "studyhall.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "STUDYHALL_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate",
        "REDIS_URL": "",
        "EMAIL_URL": "memory://",  # the seed's notification mails, kept quiet
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The seed writes hundreds of posts a minute as a few members.
        "POSTS_PER_MINUTE": "1000000",
    }
    os.environ.update(env)
    if str(SRC_DIR) not in sys.path:
        sys.path.insert(0, str(SRC_DIR))
    return dict(os.environ)


def setup_django() -> None:
    """Set Django up in this process and create the schema."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def start_collectstatic(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Collect and precompress static files in a second process.

    WhiteNoise compresses every file (the admin's too) with gzip and Brotli,
    which takes half a minute on two cores; it runs while the seed runs.
    """
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


# --- seeding -----------------------------------------------------------------------


@dataclass
class Seeded:
    community_slug: str
    thread_id: int
    member_session_key: str
    seconds: float


# A student who wrote reply #2 of the big thread, so page 1 shows this reader
# Edit and Delete on one post, and reaction buttons on the others.
READER = 8


def seed_people(count: int = 40) -> tuple[Any, Any, list[Any]]:
    """Create a public community with an owner and `count` members of mixed roles.

    Returns (community, owner, members); members[0] asks the big question,
    members[1] is an instructor, members[2] a mentor.
    """
    from django.utils import timezone

    from studyhall.accounts.models import User
    from studyhall.communities import services as communities
    from studyhall.communities.models import Community

    now = timezone.now()
    owner = User.objects.create_user(
        "owner@bench.example",
        None,
        handle="owner",
        display_name="Dr Ada Owner",
        is_staff=True,
        email_verified_at=now,
    )
    community = communities.create_community(
        owner,
        name="Statistical Learning",
        description="Questions and answers for the course.",
        visibility=Community.Visibility.PUBLIC,
        anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS,
    )
    members = []
    for i in range(count):
        user = User.objects.create_user(
            f"student{i}@bench.example",
            None,
            handle=f"student{i}",
            display_name=f"Student Number {i}",
            email_verified_at=now,
        )
        membership = communities.join_community(user, community)
        members.append(user)
        role = {1: "instructor", 2: "mentor", 3: "moderator"}.get(i)
        if role:
            communities.change_role(owner, community, membership.pk, role=role)
    community.refresh_from_db()
    return community, owner, members


def seed_big_thread(community: Any, members: list[Any], replies: int) -> Any:
    """Write one question with `replies` replies, reactions, an accepted answer,
    endorsements and anonymous replies, all through the discussion services."""
    from studyhall import policy
    from studyhall.discussions import services
    from studyhall.discussions.models import Category, Reaction
    from studyhall.policy import Action

    rng = random.Random(42)
    asker, instructor = members[0], members[1]
    category = Category.objects.filter(community=community).first()
    thread = services.create_thread(
        asker,
        community,
        title=TITLES[0],
        body=body(0),
        category=category,
    )
    posts = []
    for i in range(replies):
        author = members[1 + (i * 7) % (len(members) - 1)]
        reply_to = posts[rng.randrange(len(posts))] if posts and i % 4 == 3 else None
        is_anonymous = i % 15 == 7 and policy.can(
            author, Action.POST_ANONYMOUSLY, thread
        )
        posts.append(
            services.create_reply(
                author,
                thread,
                body=body(i + 1),
                reply_to=reply_to,
                is_anonymous=is_anonymous,
            )
        )
    kinds = Reaction.Kind.values
    for i, post in enumerate(posts):
        for j in range(i % 4):
            reactor = members[(i + 3 * j + 5) % len(members)]
            if reactor.pk != post.author_id:
                services.toggle_reaction(reactor, post, kind=kinds[j % len(kinds)])
    services.accept_answer(asker, posts[1])
    for post in posts[3:replies:40]:
        services.endorse_post(instructor, post)
    thread.refresh_from_db()
    return thread


def seed_many_threads(community: Any, members: list[Any], count: int) -> None:
    """Bulk-create `count` threads with 0 to 5 replies each.

    Counters (reply_count, last_post_number, the community's thread_count) and
    read marks are set as the services would; no events are stored.
    """
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from studyhall.communities.models import Community
    from studyhall.discussions.models import Category, Post, ReadMark, Thread
    from studyhall.discussions.services import render_body

    rng = random.Random(7)
    rendered = [(body(i), render_body(body(i))) for i in range(len(BODIES))]
    categories = [*Category.objects.filter(community=community), None]
    # Four questions for every two discussions, as on a course's board.
    kinds = [Thread.Kind.QUESTION] * 4 + [Thread.Kind.DISCUSSION] * 2
    start = timezone.now() - timedelta(days=365)
    with transaction.atomic():
        for offset in range(0, count, BATCH_SIZE):
            size = min(BATCH_SIZE, count - offset)
            threads = []
            for n in range(offset, offset + size):
                created = start + timedelta(minutes=n * 50)
                reply_count = rng.randrange(6)
                threads.append(
                    Thread(
                        community=community,
                        category=rng.choice(categories),
                        author=members[n % len(members)],
                        kind=kinds[n % len(kinds)],
                        title=TITLES[n % len(TITLES)].replace("{n}", str(n % 12 + 1)),
                        reply_count=reply_count,
                        last_post_number=reply_count + 1,
                        created_at=created,
                        last_activity_at=created + timedelta(minutes=reply_count * 9),
                    )
                )
            Thread.objects.bulk_create(threads)
            posts, marks = [], []
            for thread in threads:
                for number in range(1, thread.last_post_number + 1):
                    source, html = rendered[(thread.pk + number) % len(rendered)]
                    author = (
                        thread.author
                        if number == 1
                        else members[(thread.pk + number) % len(members)]
                    )
                    posts.append(
                        Post(
                            thread=thread,
                            community=community,
                            author=author,
                            number=number,
                            body=source,
                            body_html=html,
                            created_at=thread.created_at
                            + timedelta(minutes=(number - 1) * 9),
                        )
                    )
                marks.append(
                    ReadMark(user=thread.author, thread=thread, last_read_number=1)
                )
            Post.objects.bulk_create(posts)
            ReadMark.objects.bulk_create(marks, ignore_conflicts=True)
        Community.objects.filter(pk=community.pk).update(
            thread_count=F("thread_count") + count
        )


def member_session(user: Any) -> str:
    """Return a session key that logs the person in, as the login view would."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "studyhall.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key or ""


def seed(replies: int, threads: int) -> Seeded:
    """Fill the fresh database; the big thread is the most recently active."""
    from django.db import connections

    started = time.perf_counter()
    community, _owner, members = seed_people()
    seed_many_threads(community, members, threads)
    thread = seed_big_thread(community, members, replies)
    key = member_session(members[READER])
    connections.close_all()
    return Seeded(community.slug, thread.pk, key, time.perf_counter() - started)


# --- the server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start the production server (python -m studyhall.serve) with two worker
    processes, in its own process group."""
    command = [
        sys.executable,
        "-m",
        "studyhall.serve",
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (the uvicorn parent and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def check_pages(base: str, targets: list[Target], log: Path) -> None:
    """Fetch each page once; stop with the server's log unless it is a 200 that
    contains its marker."""
    import httpx

    for target in targets:
        response = httpx.get(base + target.path, cookies=target.cookies, timeout=30)
        if response.status_code != 200 or target.marker not in response.text:
            raise RuntimeError(
                f"GET {target.path} as {target.name!r} answered "
                f"{response.status_code} without {target.marker!r}; "
                f"server log:\n{log.read_text()[-4000:]}"
            )


def member_cookies(base: str, path: str, session_key: str) -> dict[str, str]:
    """Return the cookies a logged-in browser sends: its session and, as after
    its first page, its CSRF cookie (so the server does not make a new one on
    every request)."""
    import httpx

    cookies = {"sessionid": session_key}
    response = httpx.get(base + path, cookies=cookies, timeout=30)
    response.raise_for_status()
    csrf = response.cookies.get("csrftoken")
    if csrf:
        cookies["csrftoken"] = csrf
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def group_cpu_seconds(pgid: int) -> float | None:
    """Return the user + system CPU time of a process group's live processes.

    Reads /proc (Linux only; None elsewhere). CPU per request is steadier than
    requests per second when other work shares the machine.
    """
    total = 0
    try:
        stats = list(Path("/proc").glob("[0-9]*/stat"))
    except OSError:
        return None
    if not stats:
        return None
    for stat in stats:
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended while being read
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy in time:\n{log.read_text()[-3000:]}")


# --- load ------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS_MS[unit]


def run_wrk(
    url: str, seconds: float, concurrency: int, cookies: dict[str, str]
) -> Load:
    """Drive the URL with wrk and read its --latency report."""
    threads = max(1, min(2, concurrency))
    headers = ["-H", f"Cookie: {cookie_header(cookies)}"] if cookies else []
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "--latency",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    )
    out = result.stdout
    # wrk pads a figure in seconds ("1.20s ") with a space.
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", out, re.M))
    requests, elapsed = re.search(r"(\d+) requests in ([\d.]+\w+),", out).groups()  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(
        requests=int(requests),
        seconds=_wrk_ms(elapsed) / 1000,
        p50_ms=_wrk_ms(percentiles["50"]),
        p99_ms=_wrk_ms(percentiles["99"]),
        errors=errors,
    )


async def _python_load(
    url: str, seconds: float, concurrency: int, cookies: dict[str, str]
) -> Load:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency
    )
    # The Cookie header is sent as it is; a response's Set-Cookie changes nothing.
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    async with httpx.AsyncClient(limits=limits, timeout=10, headers=headers) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return Load(len(latencies), elapsed, cuts[49] * 1000, cuts[98] * 1000, errors)


def use_wrk(choice: str) -> bool:
    """Return whether to load with wrk: when asked, or when "auto" finds it."""
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not on PATH (Debian: apt-get install wrk)")
    return choice == "wrk" or (choice == "auto" and shutil.which("wrk") is not None)


def run_load(
    url: str,
    seconds: float,
    concurrency: int,
    *,
    wrk: bool,
    cookies: dict[str, str] | None = None,
) -> Load:
    if wrk:
        return run_wrk(url, seconds, concurrency, cookies or {})
    return asyncio.run(_python_load(url, seconds, concurrency, cookies or {}))


# --- page weight -------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "") == "stylesheet" and a.get("href"):
            self.urls.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")


@dataclass
class Weight:
    name: str
    raw: int
    gzip6: int
    served: int
    encoding: str


def page_weight(base: str, path: str, cookies: dict[str, str]) -> list[Weight]:
    """Fetch a page and the stylesheets and scripts it references; weigh each."""
    import httpx

    rows = []
    with httpx.Client(base_url=base, cookies=cookies, timeout=10) as client:
        html = client.get(path, headers={"Accept-Encoding": "identity"})
        html.raise_for_status()
        parser = _Assets()
        parser.feed(html.text)
        for name in [path, *parser.urls]:
            raw = client.get(name, headers={"Accept-Encoding": "identity"})
            raw.raise_for_status()
            served = client.get(name, headers={"Accept-Encoding": "br, gzip"})
            rows.append(
                Weight(
                    name=name,
                    raw=len(raw.content),
                    gzip6=len(gzip.compress(raw.content, compresslevel=6)),
                    served=served.num_bytes_downloaded,
                    encoding=served.headers.get("content-encoding", "none"),
                )
            )
    return rows


def print_weight(title: str, rows: list[Weight]) -> None:
    print(f"\n{title}")
    print(f"  {'resource':<48} {'raw':>9} {'gzip -6':>9} {'as served':>16}")
    for row in rows:
        served = f"{row.served:,} ({row.encoding})"
        print(f"  {row.name:<48} {row.raw:>9,} {row.gzip6:>9,} {served:>16}")
    raw = sum(r.raw for r in rows)
    packed = sum(r.gzip6 for r in rows)
    served_total = sum(r.served for r in rows)
    print(f"  {'total':<48} {raw:>9,} {packed:>9,} {served_total:>16,}")


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="load per page")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--port", type=int, default=0, help="the server's port (default: a free one)"
    )
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument(
        "--load-generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto: wrk when it is on PATH, else the asyncio + httpx client",
    )
    return parser.parse_args(argv)


def describe_machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def load_average() -> str:
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "n/a"


@dataclass
class Target:
    name: str
    path: str
    marker: str  # text the page must contain, so a broken page is not measured
    cookies: dict[str, str] = field(default_factory=dict)  # sent with each request


def prepare(args: argparse.Namespace, tmp: Path, env: dict[str, str]) -> Seeded:
    """Migrate and seed here while a second process collects static files."""
    started = time.perf_counter()
    collect_log = tmp / "collectstatic.log"
    collect = start_collectstatic(env, collect_log)
    try:
        setup_django()
        seeded = seed(args.replies, args.threads)
        print(
            f"seeded {args.threads:,} threads + 1 thread of {args.replies} replies "
            f"in {seeded.seconds:.1f} s"
        )
        if collect.wait(timeout=240) != 0:
            raise RuntimeError(f"collectstatic failed:\n{collect_log.read_text()}")
    finally:
        if collect.poll() is None:
            collect.kill()
            collect.wait()
    print(f"migrate, seed and collectstatic in {time.perf_counter() - started:.1f} s")
    return seeded


def measure(
    base: str,
    server: subprocess.Popen[bytes],
    log: Path,
    targets: list[Target],
    args: argparse.Namespace,
) -> None:
    """Warm each page up for 2 s, then load it and print one row of figures."""
    check_pages(base, targets, log)
    print(
        f"\n  {'page':<38} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'server CPU ms/req':>18}"
    )
    for target in targets:
        url = base + target.path
        wrk = use_wrk(args.load_generator)
        run_load(url, 2, args.concurrency, wrk=wrk, cookies=target.cookies)
        cpu_before = group_cpu_seconds(server.pid)
        load = run_load(
            url, args.seconds, args.concurrency, wrk=wrk, cookies=target.cookies
        )
        cpu_after = group_cpu_seconds(server.pid)
        cpu = "n/a"
        if cpu_before is not None and cpu_after is not None and load.requests:
            cpu = f"{(cpu_after - cpu_before) * 1000 / load.requests:.1f}"
        print(
            f"  {target.name:<38} {load.per_second:>7.1f} {load.p50_ms:>7.1f} "
            f"{load.p99_ms:>7.1f} {load.errors:>6} {cpu:>18}"
        )
        if load.errors:
            print(f"    errors; end of the server log:\n{log.read_text()[-2000:]}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    server = None
    try:
        env = configure_environment(tmp)
        print(f"studyhall thread page bench, {time.strftime('%Y-%m-%d %H:%M')}")
        print(f"machine: {describe_machine()}")
        print(f"load average before: {load_average()} (other work on the machine)")
        seeded = prepare(args, tmp, env)
        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "server.log"
        server = start_server(port, env, log)
        wait_healthy(base, server, log)
        generator = (
            "wrk (C, 2 threads)"
            if use_wrk(args.load_generator)
            else "asyncio + httpx in this process (shares the cores with the server)"
        )
        print(
            "server: studyhall.serve --workers 2, DEBUG=0, SQLite (WAL); "
            f"load: {generator}, {args.concurrency} connections, "
            f"{args.seconds:g} s per page after a 2 s warm-up"
        )
        thread_path = f"/t/{seeded.thread_id}/"
        thread = Target(
            "thread page 1 (20 posts, anonymous)", thread_path, 'id="post-20"'
        )
        # The composer is only there for a member who may reply: the session
        # cookie is really logging the student in.
        member_thread = Target(
            "thread page 1 (20 posts, student)",
            thread_path,
            'id="composer"',
            member_cookies(base, thread_path, seeded.member_session_key),
        )
        listing = Target(
            "thread list (/c/<slug>/, anonymous)",
            f"/c/{seeded.community_slug}/",
            'class="threads"',
        )
        measure(base, server, log, [thread, member_thread, listing], args)
        print_weight(
            "page weight, thread page 1, anonymous visitor (bytes):",
            page_weight(base, thread.path, thread.cookies),
        )
        print_weight(
            "page weight, thread page 1, logged-in student (bytes):",
            page_weight(base, member_thread.path, member_thread.cookies),
        )
        print(f"\nload average after: {load_average()}")
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
