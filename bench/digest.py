"""Build digests for a large community and print digests per second and peak memory.

    .venv/bin/python bench/digest.py                       # 10,000 members, 50,000 posts
    .venv/bin/python bench/digest.py --members 2000 --posts 10000   # quicker

Makes its own SQLite database in a temporary directory, bulk-creates one
programme community with every member and a few course communities inside it,
threads, replies and reactions over the last week, then builds (and renders,
without sending) every member's daily digest and every instructor's triage
digest the way `manage.py deliver_mail` does: in batches, with a fixed number
of queries per batch. Prints figures; never passes or fails.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "src"


def configure_environment(tmp: Path) -> None:
    var_dir = tmp / "var"
    var_dir.mkdir()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "studyhall.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "STUDYHALL_VAR_DIR": str(var_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "immediate",
            "REDIS_URL": "",
        }
    )
    sys.path.insert(0, str(SRC_DIR))


def seed(members: int, posts: int, courses: int) -> None:
    from django.utils import timezone

    from studyhall.accounts.models import User
    from studyhall.communities.models import Community, Membership
    from studyhall.discussions.models import Post, Reaction, Thread

    rng = random.Random(7)
    now = timezone.now()
    programme = Community.objects.create(
        name="Programme", slug="programme", member_count=members
    )
    course_list = [
        Community.objects.create(name=f"Course {i + 1}", slug=f"course-{i + 1}")
        for i in range(courses)
    ]
    users = User.objects.bulk_create(
        [
            User(
                email=f"member{i}@example.org",
                handle=f"member{i}",
                display_name=f"Member {i}",
                password="!",  # noqa: S106 - an unusable password
                email_verified_at=now,
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    rows = []
    for i, user in enumerate(users):
        role = "instructor" if i % 500 == 0 else "student"
        rows.append(Membership(community=programme, user=user, role=role))
        for course in rng.sample(course_list, k=min(2, len(course_list))):
            rows.append(Membership(community=course, user=user, role=role))
    Membership.objects.bulk_create(rows, batch_size=5000)
    spaces = [programme, *course_list]
    thread_count = posts // 5
    threads = Thread.objects.bulk_create(
        [
            Thread(
                community=rng.choice(spaces),
                author=rng.choice(users),
                title=f"Question {i} about week {i % 10}",
                is_anonymous=i % 13 == 0,
                created_at=now - timedelta(minutes=rng.randrange(7 * 24 * 60)),
                last_activity_at=now,
                reply_count=0,
            )
            for i in range(thread_count)
        ],
        batch_size=2000,
    )
    post_rows = [
        Post(
            thread=t,
            community_id=t.community_id,
            author=t.author,
            number=1,
            is_anonymous=t.is_anonymous,
            body="Opening text",
            body_html="<p>Opening text</p>",
            created_at=t.created_at,
        )
        for t in threads
    ]
    numbers = {t.pk: 1 for t in threads}
    answered = threads[: thread_count * 3 // 4]
    for i in range(posts - thread_count):
        t = rng.choice(answered)
        numbers[t.pk] += 1
        post_rows.append(
            Post(
                thread=t,
                community_id=t.community_id,
                author=rng.choice(users),
                number=numbers[t.pk],
                body=f"Reply {i}",
                body_html=f"<p>Reply {i}</p>",
                created_at=t.created_at + timedelta(minutes=numbers[t.pk]),
            )
        )
    made = Post.objects.bulk_create(post_rows, batch_size=5000)
    for t in answered:
        Thread.objects.filter(pk=t.pk).update(
            reply_count=numbers[t.pk] - 1, last_post_number=numbers[t.pk]
        )
    replies = [p for p in made if p.number > 1]
    Reaction.objects.bulk_create(
        [
            Reaction(post=p, user=rng.choice(users), kind="thanks")
            for p in rng.sample(replies, k=min(5000, len(replies)))
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )


def measure() -> None:
    from django.db import connection
    from django.utils import timezone

    from studyhall.notifications import digests

    queries = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    now = timezone.now()
    cache = digests.NewsCache(now=now)
    built = people = batches = 0
    traced_peak = 0
    timed_digests = 0
    timed = 0.0
    with connection.execute_wrapper(count):
        for batch in digests.batches():
            batches += 1
            people += len(batch)
            # The first batch runs under tracemalloc for its peak memory (a
            # batch's data is dropped before the next, so this is the peak of
            # the run); the others run untraced for the timing.
            traced = batches == 1
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            mails, _, _ = digests.build_for_batch(batch, now, cache)
            for mail in mails:
                digests.render(mail)
            elapsed = time.perf_counter() - started
            if traced:
                traced_peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            else:
                timed += elapsed
                timed_digests += len(mails)
            built += len(mails)
    rate = timed_digests / timed if timed else 0.0
    print(f"people considered      {people:>10,}")
    print(f"digests built          {built:>10,}  (daily digests and triage)")
    print(f"batches                {batches:>10,}  of up to {digests.BATCH_SIZE}")
    print(
        f"queries                {queries:>10,}  ({queries / max(batches, 1):.1f} per batch)"
    )
    print(f"seconds (untraced)     {timed:>10.2f}  for {timed_digests:,} digests")
    print(f"digests per second     {rate:>10.1f}  (built and rendered, not sent)")
    print(
        f"peak Python memory     {traced_peak / 1e6:>10.1f} MB  (one batch, tracemalloc)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process RSS       {rss:>10.1f} MB  (whole run, seeding included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--courses", type=int, default=4)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    try:
        configure_environment(tmp)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        started = time.perf_counter()
        seed(args.members, args.posts, args.courses)
        print(
            f"seeded {args.members:,} members and {args.posts:,} posts "
            f"in {time.perf_counter() - started:.1f} s"
        )
        measure()
        print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
