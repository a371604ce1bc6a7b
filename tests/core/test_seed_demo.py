"""Tests for `manage.py seed_demo` and `manage.py demo_logins`, seeded small."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.demo.cast import DEMO_PASSWORD, EMAIL_DOMAIN, demo_logins
from studyhall.core.demo.catalogue import COMMUNITIES, PROGRAMME_SLUG
from studyhall.core.management.commands.seed_demo import ALREADY_LOADED
from studyhall.discussions.models import Post, PostRevision, Reaction, ReadMark, Thread

PEOPLE, THREADS, REPLIES = 20, 30, 120

pytestmark = pytest.mark.django_db


def seed(**options: Any) -> tuple[str, str]:
    """Run seed_demo at the small test size; return its stdout and stderr."""
    out, err = StringIO(), StringIO()
    sizes = {"people": PEOPLE, "threads": THREADS, "replies": REPLIES}
    call_command("seed_demo", stdout=out, stderr=err, **{**sizes, **options})
    return out.getvalue(), err.getvalue()


def table_counts() -> dict[str, int]:
    models = (
        User,
        Community,
        Membership,
        Thread,
        Post,
        PostRevision,
        Reaction,
        ReadMark,
    )
    return {model.__name__: model.objects.count() for model in models}


def role_of(post: Post) -> str | None:
    membership = Membership.objects.filter(
        community_id=post.community_id,
        user_id=post.author_id,
        status=Membership.Status.ACTIVE,
    ).first()
    return membership.role if membership else None


# --- sizes and people -------------------------------------------------------------


def test_seed_creates_the_requested_numbers() -> None:
    seed(verbosity=0)

    assert User.objects.count() == PEOPLE
    assert Community.objects.count() == len(COMMUNITIES)
    assert Thread.objects.count() == THREADS
    assert Post.objects.filter(number=1).count() == THREADS
    assert Post.objects.filter(number__gt=1).count() == REPLIES


def test_every_role_is_present_and_everyone_is_verified() -> None:
    seed(verbosity=0)

    admins = User.objects.filter(is_staff=True, is_superuser=True)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert admins.count() == 1
    assert roles == set(Role.values)
    assert not User.objects.filter(email_verified_at__isnull=True).exists()
    assert all(
        e.endswith(f"@{EMAIL_DOMAIN}")
        for e in User.objects.values_list("email", flat=True)
    )


def test_every_community_has_categories_members_and_threads() -> None:
    seed(verbosity=0)

    for community in Community.objects.all():
        assert 3 <= community.categories.count() <= 5
        assert community.memberships.filter(role=Role.STUDENT).exists()
        assert community.threads.exists()


def test_programme_and_courses_use_every_visibility_and_joining_mode() -> None:
    seed(verbosity=0)

    programme = Community.objects.get(slug=PROGRAMME_SLUG)
    communities = Community.objects.all()
    assert programme.visibility == Community.Visibility.PRIVATE
    assert programme.joining == Community.Joining.APPROVAL
    assert programme.anonymity == Community.Anonymity.ANONYMOUS_TO_PEERS
    assert {c.visibility for c in communities} == set(Community.Visibility.values)
    assert {c.joining for c in communities} == set(Community.Joining.values)


def test_everyone_can_sign_in_with_the_demo_password() -> None:
    seed(verbosity=0)

    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


# --- counters agree with rows ----------------------------------------------------------


def test_thread_counters_match_their_posts_and_reactions() -> None:
    """reply_count counts replies (number > 1) not deleted; last_post_number is
    the highest post number; reaction_count counts reactions on all the thread's
    posts; has_endorsed_reply says a reply not deleted is endorsed."""
    seed(verbosity=0)

    replies = Counter(
        Post.objects.filter(number__gt=1, is_deleted=False).values_list(
            "thread_id", flat=True
        )
    )
    reactions = Counter(Reaction.objects.values_list("post__thread_id", flat=True))
    endorsed = set(
        Post.objects.filter(
            number__gt=1, is_deleted=False, endorsed_at__isnull=False
        ).values_list("thread_id", flat=True)
    )
    last = dict(
        Post.objects.values("thread_id")
        .annotate(last=Max("number"))
        .values_list("thread_id", "last")
    )
    for thread in Thread.objects.all():
        assert thread.reply_count == replies[thread.pk]
        assert thread.last_post_number == last[thread.pk]
        assert thread.last_post_number == thread.posts.count()
        assert thread.reaction_count == reactions[thread.pk]
        assert thread.has_endorsed_reply == (thread.pk in endorsed)


def test_community_counters_match_threads_and_active_members() -> None:
    seed(verbosity=0)

    for community in Community.objects.all():
        active = community.memberships.filter(status=Membership.Status.ACTIVE)
        assert community.member_count == active.count()
        assert (
            community.thread_count == community.threads.filter(is_deleted=False).count()
        )


def test_last_activity_is_the_time_of_the_last_post() -> None:
    seed(verbosity=0)

    for thread in Thread.objects.all():
        last = thread.posts.order_by("-number").first()
        assert last is not None
        assert thread.last_activity_at == last.created_at


# --- answers, reactions, anonymity ----------------------------------------------------


def test_accepted_answers_are_live_replies_in_the_thread_by_someone_else() -> None:
    seed(verbosity=0)

    accepted = Thread.objects.filter(accepted_post__isnull=False).select_related(
        "accepted_post"
    )
    assert accepted.exists()
    for thread in accepted:
        answer = thread.accepted_post
        assert answer is not None
        assert thread.kind == Thread.Kind.QUESTION
        assert answer.thread_id == thread.pk
        assert answer.number > 1
        assert not answer.is_deleted
        assert answer.author_id != thread.author_id


def test_endorsements_come_from_teaching_staff() -> None:
    seed(verbosity=0)

    endorsed = Post.objects.filter(endorsed_by__isnull=False)
    assert endorsed.exists()
    for post in endorsed:
        role = Membership.objects.get(
            community_id=post.community_id, user=post.endorsed_by
        ).role
        assert role in policy.TEACHING_ROLES
        assert post.endorsed_by_id != post.author_id
        assert not post.is_deleted


def test_nobody_reacts_to_their_own_or_a_deleted_post() -> None:
    seed(verbosity=0)

    reactions = Reaction.objects.select_related("post")
    assert reactions.exists()
    assert all(r.user_id != r.post.author_id for r in reactions)
    assert all(not r.post.is_deleted for r in reactions)


def test_anonymous_posts_are_by_students_where_anonymity_is_allowed() -> None:
    seed(verbosity=0)

    anonymous = Post.objects.filter(is_anonymous=True).select_related(
        "thread__category", "community"
    )
    assert anonymous.exists()
    for post in anonymous:
        assert role_of(post) == Role.STUDENT
        assert policy.category_allows_anonymous(post.thread.category, post.community)


def test_anonymous_threads_open_with_an_anonymous_post() -> None:
    seed(verbosity=0)

    for thread in Thread.objects.filter(is_anonymous=True):
        assert thread.posts.get(number=1).is_anonymous


def test_announcements_are_by_teaching_staff_and_some_are_pinned() -> None:
    seed(verbosity=0)

    announcements = Thread.objects.filter(kind=Thread.Kind.ANNOUNCEMENT)
    assert announcements.filter(is_pinned=True).exists()
    for thread in announcements:
        role = Membership.objects.get(
            community=thread.community, user=thread.author
        ).role
        assert role in policy.TEACHING_ROLES
    assert (
        not Thread.objects.exclude(kind=Thread.Kind.ANNOUNCEMENT)
        .filter(is_pinned=True)
        .exists()
    )


def test_about_a_quarter_of_questions_are_left_unanswered() -> None:
    seed(verbosity=0)

    questions = Thread.objects.filter(kind=Thread.Kind.QUESTION)
    unanswered = questions.filter(last_post_number=1)
    assert unanswered.count() == round(questions.count() * 0.25)


def test_replies_point_to_earlier_live_posts_of_the_same_thread() -> None:
    seed(verbosity=0)

    replies = Post.objects.filter(reply_to__isnull=False).select_related("reply_to")
    assert replies.exists()
    for post in replies:
        assert post.reply_to is not None
        assert post.reply_to.thread_id == post.thread_id
        assert post.reply_to.number < post.number
        assert not post.reply_to.is_deleted


def test_edited_posts_keep_their_earlier_text_as_a_revision() -> None:
    seed(verbosity=0)

    edited = Post.objects.filter(edited_at__isnull=False)
    assert edited.exists()
    assert PostRevision.objects.count() == edited.count()
    for post in edited:
        revision = post.revisions.get()
        assert revision.body != post.body
        assert post.body.startswith(revision.body)
        assert revision.created_at == post.edited_at


def test_deleted_replies_record_who_deleted_them_and_when() -> None:
    seed(verbosity=0, threads=60, replies=400)

    deleted = Post.objects.filter(is_deleted=True)
    assert deleted.exists()
    assert not deleted.filter(number=1).exists()
    assert not deleted.filter(deleted_at__isnull=True).exists()
    assert not deleted.filter(deleted_by__isnull=True).exists()


def test_posts_are_dated_within_the_demo_term() -> None:
    from studyhall.core.demo.plan import DEMO_END, TERM_START

    seed(verbosity=0)

    dates = Post.objects.values_list("created_at", flat=True)
    assert min(dates) >= TERM_START
    assert max(dates) <= DEMO_END


def test_stored_html_shows_the_markdown_features() -> None:
    seed(verbosity=0)

    html = "\n".join(Post.objects.values_list("body_html", flat=True))
    for needle in (
        "<math",
        'class="highlight"',
        "<blockquote",
        "<table",
        'class="mention"',
    ):
        assert needle in html
    assert "math-error" not in html


def test_stored_html_is_the_rendered_body() -> None:
    from studyhall.discussions.services import render_body

    seed(verbosity=0)

    for post in Post.objects.order_by("pk")[:25]:
        assert post.body_html == render_body(post.body)


# --- idempotence and determinism --------------------------------------------------------


def test_seeding_again_changes_nothing() -> None:
    seed(verbosity=0)
    before = table_counts()

    out, _ = seed()

    assert ALREADY_LOADED in out
    assert table_counts() == before


# flush truncates tables, which PostgreSQL refuses inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_two_fresh_seeds_write_the_same_data() -> None:
    def snapshot() -> tuple[list[Any], list[Any]]:
        threads = list(
            Thread.objects.order_by("created_at", "title").values_list(
                "title", "created_at", "author__handle", "reply_count", "is_pinned"
            )
        )
        posts = list(
            Post.objects.order_by(
                "thread__created_at", "thread__title", "number"
            ).values_list("author__handle", "body", "created_at", "is_anonymous")
        )
        return threads, posts

    seed(verbosity=0)
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)

    seed(verbosity=0)

    assert snapshot() == first


def test_seed_refuses_when_a_demo_account_already_exists() -> None:
    User.objects.create_user(
        email=f"amara.nwosu@{EMAIL_DOMAIN}",
        password="another password",
        handle="amara",
        display_name="Someone Else",
    )

    with pytest.raises(CommandError, match="already exist"):
        seed(verbosity=0)

    assert Community.objects.count() == 0
    assert User.objects.count() == 1


def test_seed_rejects_sizes_out_of_range() -> None:
    with pytest.raises(CommandError, match="--people"):
        seed(people=3)


# --- output -----------------------------------------------------------------------------


def test_progress_bar_is_drawn_on_stderr() -> None:
    out, err = seed()

    assert "Seeding posts" in err
    assert "\r" in err
    assert f"[{'#' * 30}]" in err
    assert "Loaded the demo" in out


def test_verbosity_zero_is_silent() -> None:
    out, err = seed(verbosity=0)

    assert out == ""
    assert err == ""


def test_demo_logins_prints_one_login_per_role_and_the_password() -> None:
    seed(verbosity=0)
    out = StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    for login in demo_logins():
        assert login.person.email in text
    labels = [login.label for login in demo_logins()]
    assert labels == [
        "admin",
        "owner",
        "instructor",
        "moderator",
        "mentor",
        "student",
        "student",
    ]


def test_demo_logins_match_the_seeded_roles() -> None:
    seed(verbosity=0)

    for login in demo_logins():
        user = User.objects.get(email=login.person.email)
        if login.label == "admin":
            assert user.is_superuser
        else:
            roles = set(user.memberships.values_list("role", flat=True))
            assert login.label in roles


def test_demo_logins_without_the_demo_says_how_to_load_it() -> None:
    out = StringIO()

    call_command("demo_logins", stdout=out)

    assert "seed_demo" in out.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()


# --- the plan at full size (no database) ---------------------------------------------


@pytest.fixture(scope="module")
def full_plan() -> Any:
    from studyhall.core.demo.plan import build_plan

    return build_plan()


def test_full_plan_has_the_default_sizes(full_plan: Any) -> None:
    replies = sum(len(t.posts) - 1 for t in full_plan.threads)

    assert len(full_plan.people) == 60
    assert sum(p.role == "student" for p in full_plan.people) == 45
    assert len(full_plan.threads) == 400
    assert replies == 3000


def test_full_plan_gives_each_course_25_to_45_members(full_plan: Any) -> None:
    active = Counter(
        m.community
        for m in full_plan.memberships
        if m.status == Membership.Status.ACTIVE
    )

    for course in range(1, len(COMMUNITIES)):
        assert 25 <= active[course] <= 45


def test_full_plan_dates_everything_in_order_within_the_term(full_plan: Any) -> None:
    from studyhall.core.demo.plan import DEMO_END, TERM_START

    for thread in full_plan.threads:
        times = [post.created_at for post in thread.posts]
        assert times == sorted(times)
        assert TERM_START <= thread.created_at == times[0]
        assert times[-1] <= DEMO_END
        for post in thread.posts:
            later = [r.created_at for r in post.reactions]
            later += [
                t for t in (post.edited_at, post.deleted_at, post.endorsed_at) if t
            ]
            assert all(post.created_at <= moment <= DEMO_END for moment in later)


def test_full_plan_titles_are_unique_within_each_community(full_plan: Any) -> None:
    titles = [(t.community, t.title) for t in full_plan.threads]

    assert len(set(titles)) == len(titles)
