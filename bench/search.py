"""Measure search latency at 10,000 and 100,000 posts on SQLite and PostgreSQL.

For each database the script makes a fresh database (a temporary SQLite file;
a PostgreSQL database named `<name>_bench` beside the one in
--postgres-url, dropped afterwards), bulk-creates threads and replies with
generated course text, builds the index with the same code as
`manage.py rebuild_search_index`, and times typical searches end to end
through `search.selectors.search` as a community member: the count, the page
of ranked documents with snippets, and loading the hits through the policy.
It grows the data to each size in turn; for each query it times the first
search (nothing compiled yet: the cold cost), runs a few untimed ones, then
prints p50 and p99 per query and overall, as wall-clock time and as the CPU
time of the searching thread (on SQLite that is the whole cost, and it barely moves when other work
shares the machine; on PostgreSQL the server's share is left out). Prints
figures; never passes or fails.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--repeat 30]
        [--databases sqlite,postgres]
        [--postgres-url postgres://postgres@127.0.0.1:5432/search]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
SRC_DIR = PROJECT_DIR / "src"
REPLIES_PER_THREAD = 7
BATCH_SIZE = 2000
# Searches run, untimed, after the first and before the timed ones.
WARM_UP = 3


def _words(text: str) -> list[str]:
    return text.split()


TOPIC_WORDS = _words(
    """gradient descent learning rate matrix inverse eigenvalue regression
logistic linear model overfitting regularisation lasso ridge variance bias
bootstrap confidence interval hypothesis test p-value sample distribution
normal poisson bayesian prior posterior likelihood markov chain monte carlo
neural network layer activation dropout batch normalisation convolution kernel
tensor numpy pandas dataframe python loop function error exception import
plot histogram scatter correlation causation confounding experiment survey
thesis proposal citation literature review methodology ethics interview
cluster kmeans pca dimension projection feature scaling encoding pipeline
cross validation training test split accuracy precision recall loss entropy
optimiser adam momentum convergence epoch deadline coursework exam lecture
seminar notebook dataset missing values outlier residual coefficient"""
)
FILLER = _words(
    """the a of to in and is it that for on with as this was but be have
not are or by at from my we can how do why what when which should would
there their into more some any only also just than then so if about"""
)
QUERIES = [
    ("one common word", {"text": "gradient"}),
    ("two words", {"text": "matrix regression"}),
    ("quoted phrase", {"text": '"learning rate"'}),
    ("rare word", {"text": "heteroscedasticity"}),
    ("three words", {"text": "bayesian prior likelihood"}),
    ("word + unanswered", {"text": "regression", "answered": "unanswered"}),
    ("word + has code", {"text": "numpy", "has_code": True}),
    ("word, page 5", {"text": "variance", "page": 5}),
    ("less common word", {"text": "dropout"}),
]


PHRASES = ["gradient descent", "learning rate", "confidence interval", "neural network"]


def text(rng: random.Random, words: int) -> str:
    """Return generated course text: filler words, Zipf-distributed topic words
    (the first ones far more common than the last), now and then a phrase."""
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.45:
            out.append(rng.choice(FILLER))
        elif roll < 0.47:
            out.append(rng.choice(PHRASES))
        else:
            index = min(int(rng.paretovariate(0.8)) - 1, len(TOPIC_WORDS) - 1)
            out.append(TOPIC_WORDS[index])
    if rng.random() < 0.002:
        out.append("heteroscedasticity")
    return " ".join(out)


def child(args: argparse.Namespace) -> None:
    """Run in a process whose DATABASE_URL points at the database to measure."""
    sys.path.insert(0, str(SRC_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyhall.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django.utils.html import escape

    from studyhall.accounts.models import User
    from studyhall.communities.models import Community, Membership
    from studyhall.core import sql
    from studyhall.discussions.models import Post, Thread
    from studyhall.search import indexing, selectors
    from studyhall.search.selectors import Filters

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    communities = [
        Community.objects.create(name=f"Course {n}", slug=f"course-{n}")
        for n in range(4)
    ]
    people = [
        User.objects.create_user(
            email=f"p{n}@example.org",
            handle=f"p{n}",
            display_name=f"Person {n}",
            password=None,
        )
        for n in range(40)
    ]
    for person in people:
        for community in communities:
            Membership.objects.create(community=community, user=person, role="student")
    viewer = people[0]
    start = timezone.now() - timezone.timedelta(days=300)
    made = 0
    report: dict[str, Any] = {"vendor": connection.vendor, "sizes": []}
    for size in args.sizes:
        t0 = time.monotonic()
        while made < size:
            threads = []
            batch = min(BATCH_SIZE, (size - made) // (REPLIES_PER_THREAD + 1) + 1)
            for _ in range(batch):
                when = start + timezone.timedelta(minutes=rng.randrange(400_000))
                threads.append(
                    Thread(
                        community=rng.choice(communities),
                        author=rng.choice(people),
                        title=text(rng, 8).capitalize() + "?",
                        created_at=when,
                        last_activity_at=when,
                        last_post_number=REPLIES_PER_THREAD + 1,
                        reply_count=REPLIES_PER_THREAD,
                    )
                )
            Thread.objects.bulk_create(threads)
            posts = []
            for thread in threads:
                for number in range(1, REPLIES_PER_THREAD + 2):
                    body = text(rng, rng.randint(20, 120))
                    html = f"<p>{escape(body)}</p>"
                    if rng.random() < 0.15:
                        html += "<pre><code>import numpy as np</code></pre>"
                        body += "\n\n```\nimport numpy as np\n```"
                    posts.append(
                        Post(
                            thread=thread,
                            community_id=thread.community_id,
                            author=rng.choice(people),
                            number=number,
                            body=body,
                            body_html=html,
                            created_at=thread.created_at,
                        )
                    )
            Post.objects.bulk_create(posts, batch_size=1000)
            answered = [t.pk for t in threads if rng.random() < 0.5]
            for thread_id in answered:
                Thread.objects.filter(pk=thread_id).update(has_endorsed_reply=True)
            made += len(posts)
        seeded = time.monotonic() - t0
        t0 = time.monotonic()
        indexing.rebuild()
        indexed = time.monotonic() - t0
        timings: dict[str, list[float]] = {"#first": [], "#first cpu": []}
        for name, query in QUERIES:
            page = query.get("page", 1)
            filters = Filters(**{k: v for k, v in query.items() if k != "page"})
            # The first search a viewer makes with these filters builds and
            # compiles its queries; later ones only run them.
            sql.forget_rows()
            user = User.objects.get(pk=viewer.pk)
            t, c = time.perf_counter(), time.thread_time()
            selectors.search(user, filters, page=page)
            timings["#first"].append((time.perf_counter() - t) * 1000)
            timings["#first cpu"].append((time.thread_time() - c) * 1000)
            for _ in range(WARM_UP):
                selectors.search(User.objects.get(pk=viewer.pk), filters, page=page)
            samples, cpu = [], []
            for _ in range(args.repeat):
                # A fresh viewer each time: the policy snapshot is part of the cost.
                user = User.objects.get(pk=viewer.pk)
                t, c = time.perf_counter(), time.thread_time()
                result = selectors.search(user, filters, page=page)
                samples.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
            timings[name] = samples
            timings[name + "#cpu"] = cpu
            timings[name + "#total"] = [float(result.total)]
        report["sizes"].append(
            {
                "posts": made,
                "seed_s": seeded,
                "index_s": indexed,
                "timings": timings,
            }
        )
    print(json.dumps(report))


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def run_one(label: str, env: dict[str, str], args: argparse.Namespace) -> None:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--sizes",
        ",".join(str(s) for s in args.sizes),
        "--repeat",
        str(args.repeat),
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=PROJECT_DIR
    )
    if done.returncode != 0:
        print(f"{label}: failed\n{done.stderr[-3000:]}")
        return
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for size in report["sizes"]:
        print(
            f"\n{label} · {size['posts']:,} posts "
            f"(seeded in {size['seed_s']:.0f} s, indexed in {size['index_s']:.0f} s)"
        )
        print(
            f"  {'query':<22} {'hits':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'cpu p50':>8} {'cpu p99':>8}"
        )
        everything: list[float] = []
        everything_cpu: list[float] = []
        for name, _ in QUERIES:
            samples = size["timings"][name]
            cpu = size["timings"][name + "#cpu"]
            everything += samples
            everything_cpu += cpu
            hits = int(size["timings"][name + "#total"][0])
            print(
                f"  {name:<22} {hits:>8} {statistics.median(samples):>8.1f} "
                f"{percentile(samples, 99):>8.1f} {statistics.median(cpu):>8.1f} "
                f"{percentile(cpu, 99):>8.1f}"
            )
        print(
            f"  {'all queries':<22} {'':>8} {statistics.median(everything):>8.1f} "
            f"{percentile(everything, 99):>8.1f} "
            f"{statistics.median(everything_cpu):>8.1f} "
            f"{percentile(everything_cpu, 99):>8.1f}"
        )
        first, first_cpu = size["timings"]["#first"], size["timings"]["#first cpu"]
        print(
            f"  {'first search (cold)':<22} {'':>8} {statistics.median(first):>8.1f} "
            f"{max(first):>8.1f} {statistics.median(first_cpu):>8.1f} "
            f"{max(first_cpu):>8.1f}   (median and slowest of one per query)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/search"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        child(args)
        return
    print(f"load average before: {os.getloadavg()}")
    base = dict(os.environ)
    base.update(
        {
            "SECRET_KEY": "bench-not-secret",
            "DEBUG": "0",
            "SEARCH_SEMANTIC": "off",
            "PYTHONPATH": str(SRC_DIR),
        }
    )
    temp = Path(tempfile.mkdtemp(prefix="studyhall-search-bench-"))
    try:
        if "sqlite" in args.databases:
            env = dict(
                base,
                STUDYHALL_VAR_DIR=str(temp),
                DATABASE_URL=f"sqlite:///{temp}/bench.db",
            )
            run_one("SQLite FTS5", env, args)
        if "postgres" in args.databases:
            run_postgres(base, temp, args)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    print(f"\nload average after: {os.getloadavg()}")


def run_postgres(base: dict[str, str], temp: Path, args: argparse.Namespace) -> None:
    import psycopg

    url = args.postgres_url.rstrip("/")
    server, _, name = url.rpartition("/")
    bench_name = f"{name}_bench"
    admin = f"{server}/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            conn.execute(f'CREATE DATABASE "{bench_name}"')
    except psycopg.Error as error:
        print(f"\nPostgreSQL: skipped ({error})")
        return
    try:
        env = dict(
            base, STUDYHALL_VAR_DIR=str(temp), DATABASE_URL=f"{server}/{bench_name}"
        )
        run_one("PostgreSQL full-text", env, args)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')


if __name__ == "__main__":
    main()
