"""Plan the demo: every person, membership, thread, post and reaction, in memory.

Planning touches no database and draws every choice from one seeded random
generator, with every timestamp placed relative to fixed dates, so the same
sizes always give the same plan. `load.py` then writes the plan.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from studyhall import policy
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.demo import cast as cast_module
from studyhall.core.demo import phrases
from studyhall.core.demo.cast import Person
from studyhall.core.demo.catalogue import COMMUNITIES, PROGRAMME, CommunitySpec
from studyhall.core.demo.content import Subject
from studyhall.core.demo.subjects import SUBJECTS
from studyhall.core.demo.writing import Text, Topic, Writer, day_label
from studyhall.discussions.models import Category, Reaction, Thread

SEED = 2026
DEFAULT_THREADS = 400
DEFAULT_REPLIES = 3000

# The demo term: ten weeks of activity ending on a fixed Friday evening. Fixed
# dates, not "now", keep two seeds identical.
TERM_START = datetime(2026, 9, 11, 18, 0, tzinfo=UTC)
DEMO_END = TERM_START + timedelta(weeks=10)
COMMUNITIES_CREATED = TERM_START - timedelta(days=30)

UNANSWERED_SHARE = 0.25
ANNOUNCEMENT_SHARE = 0.05
DISCUSSION_SHARE = 0.16
ACCEPT_SHARE = 0.55
ENDORSE_SHARE = 0.25
EDIT_SHARE = 0.015
SOLVED_EDIT_SHARE = 0.2
PROBLEM_SHARE = 0.2
COMPARE_SHARE = 0.12
# Each code problem is asked at most this often per community.
PROBLEM_REPEATS = 3
DELETE_SHARE = 0.015

STAFF = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MODERATOR})
# Sorts of post worth quoting in a later reply.
QUOTABLE = frozenset({"opening", "answer", "staff", "mentor", "discussion"})
TEACHING = policy.TEACHING_ROLES

# Demo site roles to the community role each plays wherever they teach or help.
_COMMUNITY_ROLE = {
    cast_module.OWNER: Role.OWNER,
    cast_module.INSTRUCTOR: Role.INSTRUCTOR,
    cast_module.MODERATOR: Role.MODERATOR,
    cast_module.MENTOR: Role.MENTOR,
    cast_module.STUDENT: Role.STUDENT,
}


@dataclass
class ReactionPlan:
    user: int
    kind: str
    created_at: datetime


@dataclass
class PostPlan:
    author: int  # index into DemoPlan.people
    number: int
    text: Text
    created_at: datetime
    sort: str  # what kind of reply it is: answer, thanks, quote, ...
    is_anonymous: bool = False
    reply_to: int | None = None  # number of an earlier post in the thread
    previous_body: str | None = None  # the text before the one edit, if edited
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: int | None = None
    endorsed_by: int | None = None
    endorsed_at: datetime | None = None
    reactions: list[ReactionPlan] = field(default_factory=list)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass
class ThreadPlan:
    community: int  # index into COMMUNITIES
    category: int  # index into that community's categories
    author: int
    kind: str
    title: str
    is_anonymous: bool
    is_pinned: bool
    created_at: datetime
    topic: Topic
    replies: int = 0  # how many replies to write
    posts: list[PostPlan] = field(default_factory=list)
    accepted: int | None = None  # number of the accepted post

    def live_replies(self) -> list[PostPlan]:
        return [p for p in self.posts[1:] if not p.is_deleted]


@dataclass
class MembershipPlan:
    community: int
    person: int
    role: str
    status: str
    joined_at: datetime


@dataclass
class DemoPlan:
    people: list[Person]
    memberships: list[MembershipPlan]
    threads: list[ThreadPlan]

    @property
    def post_count(self) -> int:
        return sum(len(t.posts) for t in self.threads)


# A drawn thread subject: its title, topic and template values.
Drawn = tuple[str, Topic, dict[str, object]]
Draw = Callable[[int], Drawn]


def _round_shares(total: int, shares: Sequence[float]) -> list[int]:
    """Split total into integers proportional to shares (largest remainder)."""
    scale = sum(shares)
    exact = [total * s / scale for s in shares]
    counts = [int(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _at_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class Planner:
    """Builds a DemoPlan; one instance per plan."""

    def __init__(self, people: int, threads: int, replies: int, seed: int) -> None:
        if threads < 0 or replies < 0:
            raise ValueError("the numbers of threads and replies cannot be negative")
        # Seeded on purpose: the demo must be reproducible, not unpredictable.
        self.rng = random.Random(seed)
        self.people = cast_module.cast(people)
        self.thread_total = threads
        self.reply_total = replies
        self.memberships: list[MembershipPlan] = []
        # community index -> {person index: role}, active members only
        self.roles: list[dict[int, str]] = [{} for _ in COMMUNITIES]
        self.writers = [
            Writer(self.rng, subject, spec.name)
            for subject, spec in zip(SUBJECTS, COMMUNITIES, strict=True)
        ]

    # --- people and memberships ------------------------------------------------

    def _by_role(self, role: str) -> list[int]:
        return [i for i, p in enumerate(self.people) if p.role == role]

    def _join(self, community: int, person: int, role: str, at: datetime) -> None:
        self.roles[community][person] = role
        self.memberships.append(
            MembershipPlan(community, person, role, Membership.Status.ACTIVE, at)
        )

    def plan_memberships(self) -> None:
        """Put staff where they teach and enrol students in each course."""
        rng = self.rng
        owners = self._by_role(cast_module.OWNER)
        instructors = self._by_role(cast_module.INSTRUCTOR)
        moderators = self._by_role(cast_module.MODERATOR)
        mentors = self._by_role(cast_module.MENTOR)
        students = self._by_role(cast_module.STUDENT)
        for c, spec in enumerate(COMMUNITIES):
            created = COMMUNITIES_CREATED + timedelta(days=c)
            if c == PROGRAMME:
                staff = owners + instructors + moderators + mentors
            else:
                course = c - 1
                staff = [owners[course % len(owners)], instructors[course]]
                if course == 0 and len(instructors) > 3:
                    staff.append(instructors[3])  # co-teaches the largest course
                staff.append(moderators[course % len(moderators)])
                staff += [mentors[(2 * course + k) % len(mentors)] for k in (0, 1)]
            for person in dict.fromkeys(staff):
                role = _COMMUNITY_ROLE[self.people[person].role]
                self._join(c, person, role, created + timedelta(hours=1 + person))
            enrolled = self._enrolled_students(spec, students)
            for person in enrolled:
                joined = TERM_START - timedelta(minutes=rng.randint(60, 14 * 24 * 60))
                self._join(c, person, Role.STUDENT, _at_minute(joined))
            if c == PROGRAMME:
                self._plan_pending(c, [s for s in students if s not in enrolled])

    def _enrolled_students(self, spec: CommunitySpec, students: list[int]) -> list[int]:
        if spec.student_share >= 1:
            # A few people wait for approval into the programme; the rest are in.
            waiting = min(2, len(students) // 10)
            return students[: len(students) - waiting]
        size = max(1, round(len(students) * spec.student_share))
        return sorted(self.rng.sample(students, size))

    def _plan_pending(self, community: int, people: list[int]) -> None:
        for k, person in enumerate(people):
            self.memberships.append(
                MembershipPlan(
                    community,
                    person,
                    Role.STUDENT,
                    Membership.Status.PENDING,
                    DEMO_END - timedelta(days=2 + k, hours=3),
                )
            )

    # --- threads -----------------------------------------------------------------

    def plan_threads(self) -> list[ThreadPlan]:
        """Plan every thread's community, kind, topic, author, time and title."""
        counts = _round_shares(self.thread_total, [c.thread_share for c in COMMUNITIES])
        threads: list[ThreadPlan] = []
        for c, count in enumerate(counts):
            threads += self._community_threads(c, count)
        threads.sort(key=lambda t: (t.created_at, t.community, t.title))
        return threads

    def _community_threads(self, c: int, count: int) -> list[ThreadPlan]:
        subject = SUBJECTS[c]
        announcements = min(
            len(subject.announcements),
            max(1, round(count * ANNOUNCEMENT_SHARE)) if count >= 4 else 0,
        )
        discussions = round(count * DISCUSSION_SHARE)
        questions = count - announcements - discussions
        kinds = [Thread.Kind.QUESTION] * questions + [
            Thread.Kind.DISCUSSION
        ] * discussions
        self.rng.shuffle(kinds)
        titles: set[str] = set()
        threads = [
            self._announcement(c, k, announcements, titles)
            for k in range(announcements)
        ]
        topics = self._question_topics(subject, questions)
        for kind in kinds:
            if kind == Thread.Kind.QUESTION:
                threads.append(self._question(c, topics.pop(), titles))
            else:
                threads.append(self._discussion(c, titles))
        return threads

    def _thread_time(self) -> datetime:
        earliest = TERM_START + timedelta(days=1)
        latest = DEMO_END - timedelta(hours=12)
        moment = earliest + (latest - earliest) * self.rng.random()
        # People post mostly between 8:00 and midnight.
        hour = self.rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23))
        moment = moment.replace(hour=hour, minute=self.rng.randint(0, 59))
        if moment > latest:  # a late hour on the last day
            moment -= timedelta(days=1)
        return _at_minute(moment)

    @staticmethod
    def _week(moment: datetime) -> int:
        return min(10, (moment - TERM_START).days // 7 + 1)

    def _members(self, c: int, roles: frozenset[str] | set[str]) -> list[int]:
        return [p for p, role in self.roles[c].items() if role in roles]

    def _pick_member(
        self, c: int, weights: Mapping[str, float], exclude: int = -1
    ) -> int:
        members = [p for p in self.roles[c] if p != exclude]
        chances = [weights.get(self.roles[c][p], 0.0) for p in members]
        if not any(chances):
            chances = [1.0] * len(members)
        return self.rng.choices(members, weights=chances)[0]

    @staticmethod
    def _unique_title(titles: set[str], draw: Draw, week: int) -> Drawn:
        """Draw topics until one's title is new in the community."""
        for attempt in range(30):
            title, topic, values = draw(attempt)
            if title not in titles:
                break
        else:
            title = f"{title} (week {week})"
        base, n = title, 1
        while title in titles:
            n += 1
            title = f"{base} ({n})"
        titles.add(title)
        return title, topic, values

    def _announcement(self, c: int, k: int, total: int, titles: set[str]) -> ThreadPlan:
        spec, subject, rng = COMMUNITIES[c], SUBJECTS[c], self.rng
        notice = subject.announcements[k]
        # The first notice is the welcome, on the first evening of term; the
        # rest spread over the weeks.
        if k == 0:
            created = TERM_START + timedelta(hours=rng.randint(15, 20))
        else:
            offset = (DEMO_END - TERM_START) * (k / max(total, 1))
            created = _at_minute(
                TERM_START + offset + timedelta(hours=rng.randint(1, 30))
            )
        author = self._pick_member(c, {Role.INSTRUCTOR: 3, Role.OWNER: 1})
        topic = Topic(
            "announcement",
            rng.choice(subject.concepts),
            rng.choice(subject.concepts),
            announcement=notice,
            title_template=notice.title_template,
        )
        week = self._week(created)
        date = day_label(created + timedelta(days=rng.randint(4, 11)))
        values = {**self.writers[c].context(topic, week), "date": date}
        title = self.writers[c].fill(notice.title_template, values)
        titles.add(title)
        return ThreadPlan(
            community=c,
            category=spec.category(notice.category),
            author=author,
            kind=Thread.Kind.ANNOUNCEMENT,
            title=title,
            is_anonymous=False,
            is_pinned=notice.is_pinned,
            created_at=created,
            topic=topic,
            posts=[self._opening(c, author, topic, values, created, False)],
        )

    def _question_topics(self, subject: Subject, count: int) -> list[Topic]:
        """Return the topics of a community's questions, shuffled."""
        rng = self.rng
        faqs = list(subject.faqs[: max(0, count // 4)])
        problems = min(
            round(count * PROBLEM_SHARE), PROBLEM_REPEATS * len(subject.problems)
        )
        compares = round(count * COMPARE_SHARE)
        concepts = count - len(faqs) - problems - compares
        topics: list[Topic] = []
        for faq in faqs:
            a, b = rng.sample(subject.concepts, 2)
            topics.append(Topic("faq", a, b, faq=faq))
        # Deal the problems out in turn so none is asked more than PROBLEM_REPEATS times.
        dealt = rng.sample(subject.problems, len(subject.problems)) * PROBLEM_REPEATS
        for problem in dealt[:problems]:
            a, b = rng.sample(subject.concepts, 2)
            topics.append(Topic("problem", a, b, problem=problem))
        for _ in range(compares):
            a, b = rng.sample(subject.concepts, 2)
            topics.append(Topic("compare", a, b))
        for _ in range(max(0, concepts)):
            a, b = rng.sample(subject.concepts, 2)
            topics.append(Topic("concept", a, b))
        rng.shuffle(topics)
        return topics[:count]

    def _templates_for(self, subject: Subject, topic: Topic) -> tuple[str, ...]:
        if topic.kind == "problem":
            return subject.problem_titles
        if topic.kind == "compare":
            return subject.compare_titles
        return subject.concept_titles

    def _question(self, c: int, base: Topic, titles: set[str]) -> ThreadPlan:
        spec, subject, rng, writer = (
            COMMUNITIES[c],
            SUBJECTS[c],
            self.rng,
            self.writers[c],
        )
        created = self._thread_time()
        week = self._week(created)
        templates = self._templates_for(subject, base)

        def draw(attempt: int) -> Drawn:
            a, b = rng.sample(subject.concepts, 2)
            topic = Topic(
                base.kind,
                a,
                b,
                problem=base.problem,
                faq=base.faq,
                title_template=rng.choice(templates),
            )
            values = writer.context(topic, week)
            return writer.title(topic, values), topic, values

        title, topic, values = self._unique_title(titles, draw, week)
        if topic.faq is not None:
            category = spec.category(topic.faq.category)
        elif topic.kind == "problem":
            category = spec.category(rng.choice(subject.problem_categories))
        else:
            category = spec.category(rng.choice(subject.concept_categories))
        author = self._pick_member(c, {Role.STUDENT: 1.0, Role.MENTOR: 0.6})
        anonymous = self._may_be_anonymous(c, category, author) and rng.random() < 0.35
        return ThreadPlan(
            community=c,
            category=category,
            author=author,
            kind=Thread.Kind.QUESTION,
            title=title,
            is_anonymous=anonymous,
            is_pinned=False,
            created_at=created,
            topic=topic,
            posts=[self._opening(c, author, topic, values, created, anonymous)],
        )

    def _discussion(self, c: int, titles: set[str]) -> ThreadPlan:
        spec, subject, rng, writer = (
            COMMUNITIES[c],
            SUBJECTS[c],
            self.rng,
            self.writers[c],
        )
        created = self._thread_time()
        week = self._week(created)

        choices = subject.discussions + phrases.GENERIC_DISCUSSIONS

        def draw(attempt: int) -> Drawn:
            a, b = rng.sample(subject.concepts, 2)
            discussion = rng.choice(choices)
            topic = Topic(
                "discussion",
                a,
                b,
                discussion=discussion,
                title_template=discussion.title_template,
            )
            values = writer.context(topic, week)
            return writer.title(topic, values), topic, values

        title, topic, values = self._unique_title(titles, draw, week)
        assert topic.discussion is not None
        slug = topic.discussion.category or rng.choice(subject.discussion_categories)
        category = spec.category(slug)
        author = self._pick_member(
            c,
            {
                Role.STUDENT: 1.0,
                Role.MENTOR: 2.0,
                Role.MODERATOR: 2.0,
                Role.INSTRUCTOR: 1.0,
            },
        )
        anonymous = self._may_be_anonymous(c, category, author) and rng.random() < 0.15
        return ThreadPlan(
            community=c,
            category=category,
            author=author,
            kind=Thread.Kind.DISCUSSION,
            title=title,
            is_anonymous=anonymous,
            is_pinned=False,
            created_at=created,
            topic=topic,
            posts=[self._opening(c, author, topic, values, created, anonymous)],
        )

    def _opening(
        self,
        c: int,
        author: int,
        topic: Topic,
        values: dict[str, object],
        created: datetime,
        anonymous: bool,
    ) -> PostPlan:
        text = self.writers[c].opening(topic, values)
        return PostPlan(author, 1, text, created, "opening", is_anonymous=anonymous)

    def _may_be_anonymous(self, c: int, category: int, person: int) -> bool:
        """Ask the policy's own rule whether this member may post anonymously here."""
        spec = COMMUNITIES[c]
        allowed = policy.category_allows_anonymous(
            Category(anonymity=spec.categories[category].anonymity),
            Community(anonymity=spec.anonymity),
        )
        return allowed and self.roles[c].get(person) in policy.ANONYMOUS_POSTER_ROLES

    # --- how many replies each thread gets ------------------------------------------

    def allocate_replies(self, threads: list[ThreadPlan]) -> None:
        """Share the reply total among threads, leaving a quarter of questions bare."""
        rng = self.rng
        questions = [i for i, t in enumerate(threads) if t.kind == Thread.Kind.QUESTION]
        bare = set(rng.sample(questions, round(len(questions) * UNANSWERED_SHARE)))
        eligible = [t for i, t in enumerate(threads) if i not in bare]
        weights = []
        for thread in eligible:
            scale = {"announcement": 0.25, "discussion": 1.3}.get(thread.kind, 1.0)
            weights.append(scale * rng.lognormvariate(0, 0.7))
        budget = self.reply_total
        # Every question and discussion that is not left bare gets one reply first.
        for thread in eligible:
            if budget and thread.kind != Thread.Kind.ANNOUNCEMENT:
                thread.replies = 1
                budget -= 1
        if eligible:
            for thread, extra in zip(
                eligible, _round_shares(budget, weights), strict=True
            ):
                thread.replies += extra

    # --- replies ---------------------------------------------------------------------

    def plan_replies(self, thread: ThreadPlan) -> None:
        """Write the thread's replies with their authors, times and links."""
        c, writer = thread.community, self.writers[thread.community]
        values = writer.context(thread.topic, self._week(thread.created_at))
        times = self._reply_times(thread.created_at, thread.replies)
        for number, created in enumerate(times, start=2):
            thread.posts.append(self._reply(thread, number, created, values))
        if thread.kind == Thread.Kind.QUESTION:
            self._accept(thread)
        self._endorse(thread)
        for post in thread.posts:
            self._react(c, post, thread)
        self._edit(thread, values)

    def _reply_times(self, start: datetime, count: int) -> list[datetime]:
        rng = self.rng
        offsets, elapsed = [], 0.0
        for k in range(count):
            mean = 3 * 3600 if k == 0 else 5 * 3600
            elapsed += max(120.0, rng.expovariate(1 / mean))
            offsets.append(elapsed)
        room = (DEMO_END - timedelta(minutes=5) - start).total_seconds()
        if offsets and offsets[-1] > room:
            offsets = [o * room / offsets[-1] for o in offsets]
        return [start + timedelta(seconds=int(o)) for o in offsets]

    def _reply_sort(self, thread: ThreadPlan, number: int) -> str:
        rng = self.rng
        if rng.random() < DELETE_SHARE and number > 2:
            return "deleted"
        if thread.kind == Thread.Kind.ANNOUNCEMENT:
            previous = thread.posts[-1]
            if previous.sort == "notice_question" and not previous.is_deleted:
                return "notice_answer"
            return "notice_question" if rng.random() < 0.5 else "notice_thanks"
        if thread.kind == Thread.Kind.DISCUSSION:
            return rng.choices(
                ("discussion", "quote", "staff", "mentor"), weights=(60, 20, 10, 10)
            )[0]
        if number == 2:
            return "answer"
        sort = rng.choices(
            (
                "answer",
                "short",
                "thanks",
                "follow_up",
                "me_too",
                "staff",
                "mentor",
                "quote",
            ),
            weights=(22, 8, 10, 7, 10, 10, 8, 15),
        )[0]
        # An asker says thank you once and asks at most two follow-ups.
        sorts = [p.sort for p in thread.posts]
        if (sort == "thanks" and "thanks" in sorts) or (
            sort == "follow_up" and sorts.count("follow_up") >= 2
        ):
            return "answer"
        return sort

    def _reply_author(self, thread: ThreadPlan, sort: str, previous: int) -> int:
        c, asker = thread.community, thread.author
        weights: dict[str, float]
        helpers: dict[str, float] = {
            Role.OWNER: 2.0,
            Role.INSTRUCTOR: 3.0,
            Role.MODERATOR: 3.0,
            Role.MENTOR: 2.5,
            Role.STUDENT: 1.0,
        }
        if sort in {"thanks", "follow_up"}:
            return asker
        if sort == "notice_answer":
            return thread.author
        if sort == "staff":
            weights = {Role.OWNER: 1.0, Role.INSTRUCTOR: 2.0, Role.MODERATOR: 2.0}
        elif sort == "mentor":
            weights = {Role.MENTOR: 1.0}
        elif sort in {"answer", "discussion"}:
            weights = helpers
        else:
            weights = {Role.STUDENT: 1.0, Role.MENTOR: 0.3}
        for _ in range(5):
            author = self._pick_member(c, weights, exclude=asker)
            if author != previous:
                return author
        return author

    def _reply(
        self,
        thread: ThreadPlan,
        number: int,
        created: datetime,
        values: dict[str, object],
    ) -> PostPlan:
        rng, c = self.rng, thread.community
        writer = self.writers[c]
        sort = self._reply_sort(thread, number)
        author = self._reply_author(thread, sort, thread.posts[-1].author)
        reply_to: int | None = None
        earlier = [p for p in thread.posts if not p.is_deleted]
        others = [p for p in earlier if p.author != author]
        if sort == "deleted":
            return self._deleted_reply(thread, number, created, author, values)
        if sort in {"thanks", "follow_up"}:
            helped = [p for p in others if p.sort == "answer"] or others or earlier
            reply_to = helped[-1].number
        elif sort == "quote" and (
            quotable := [p for p in others if p.sort in QUOTABLE]
        ):
            reply_to = rng.choice(quotable[-4:]).number
        elif sort == "quote":
            sort = "answer"
        elif sort == "notice_answer":
            reply_to = earlier[-1].number
        used = {p.text.body for p in thread.posts}
        for _ in range(8):
            text = self._reply_text(thread, sort, values, reply_to)
            if text.body not in used:
                break
        if sort in {"answer", "quote", "me_too", "follow_up"} and rng.random() < 0.12:
            mentioned = self._pick_member(c, {}, exclude=author)
            staff = self.roles[c][mentioned] in STAFF
            line = writer.mention(self.people[mentioned].handle, values, staff=staff)
            text = Text(f"{text.body}\n\n{line}", text.gist)
        anonymous = self._reply_anonymous(thread, author)
        return PostPlan(
            author,
            number,
            text,
            created,
            sort,
            is_anonymous=anonymous,
            reply_to=reply_to,
        )

    def _reply_text(
        self,
        thread: ThreadPlan,
        sort: str,
        values: dict[str, object],
        reply_to: int | None,
    ) -> Text:
        """Write the body of a reply of the given sort."""
        writer, topic = self.writers[thread.community], thread.topic
        if sort == "answer":
            if any(p.sort == "answer" for p in thread.posts):
                return writer.second_answer(topic, values)
            return writer.answer(topic, values)
        if sort == "quote":
            return writer.quoting(thread.posts[(reply_to or 1) - 1].text.gist, values)
        if sort == "discussion":
            assert topic.discussion is not None
            return writer.discussion_reply(topic.discussion.style, values)
        if sort == "notice_answer":
            return writer.announcement_answer(thread.posts[-1].text.body)
        simple = {
            "thanks": writer.thanks,
            "follow_up": writer.follow_up,
            "short": writer.short_answer,
            "me_too": writer.me_too,
            "staff": writer.staff_note,
            "mentor": writer.mentor_note,
        }
        if sort in simple:
            return simple[sort](values)
        if sort == "notice_question":
            return writer.announcement_question()
        return writer.announcement_thanks()

    def _reply_anonymous(self, thread: ThreadPlan, author: int) -> bool:
        if not self._may_be_anonymous(thread.community, thread.category, author):
            return False
        if author == thread.author:
            # Askers keep the choice they made for the question in their replies.
            return thread.is_anonymous
        return self.rng.random() < 0.12

    def _deleted_reply(
        self,
        thread: ThreadPlan,
        number: int,
        created: datetime,
        author: int,
        values: dict[str, object],
    ) -> PostPlan:
        rng, c = self.rng, thread.community
        moderators = [
            p
            for p in self._members(c, {Role.MODERATOR, Role.INSTRUCTOR})
            if p != author
        ]
        by_moderator = bool(moderators) and self.roles[c].get(author) == Role.STUDENT
        by_moderator = by_moderator and rng.random() < 0.3
        used = {p.text.body for p in thread.posts}
        for _ in range(8):
            text = self.writers[c].deleted(values, by_moderator=by_moderator)
            if text.body not in used:
                break
        deleted_by = rng.choice(moderators) if by_moderator else author
        deleted_at = min(created + timedelta(minutes=rng.randint(5, 180)), DEMO_END)
        return PostPlan(
            author,
            number,
            text,
            created,
            "deleted",
            is_anonymous=self._reply_anonymous(thread, author),
            deleted_at=deleted_at,
            deleted_by=deleted_by,
        )

    # --- answers, endorsements, reactions, edits -----------------------------------------

    def _accept(self, thread: ThreadPlan) -> None:
        """Let the asker accept someone else's answer in about half the questions."""
        candidates = [
            p
            for p in thread.live_replies()
            if p.author != thread.author and p.sort == "answer"
        ]
        if not candidates or self.rng.random() >= ACCEPT_SHARE:
            return
        thanked = {p.reply_to for p in thread.posts if p.sort == "thanks"}
        preferred = [p for p in candidates if p.number in thanked] or candidates
        thread.accepted = preferred[0].number

    def _endorse(self, thread: ThreadPlan) -> None:
        rng, c = self.rng, thread.community
        share = ENDORSE_SHARE if thread.kind == Thread.Kind.QUESTION else 0.05
        if rng.random() >= share:
            return
        teachers = self._members(c, TEACHING)
        candidates = [
            p for p in thread.live_replies() if p.sort in {"answer", "discussion"}
        ]
        accepted = [p for p in candidates if p.number == thread.accepted]
        if accepted and rng.random() < 0.5:
            candidates = accepted
        for post in candidates[:1] if candidates else []:
            endorsers = [t for t in teachers if t != post.author]
            if endorsers:
                post.endorsed_by = rng.choice(endorsers)
                hours = timedelta(hours=rng.uniform(1, 30))
                post.endorsed_at = _at_minute(min(post.created_at + hours, DEMO_END))

    def _react(self, c: int, post: PostPlan, thread: ThreadPlan) -> None:
        """Add reactions from other members; never on one's own or a deleted post."""
        if post.is_deleted:
            return
        rng = self.rng
        kinds: tuple[str, ...]
        if post.number == 1 and thread.kind == Thread.Kind.QUESTION:
            # "+1" on a question means "I want to know too".
            kinds = (Reaction.Kind.PLUS_ONE,)
            count = min(6, int(rng.expovariate(1 / 1.2)))
        elif post.number == 1:
            kinds = (Reaction.Kind.THANKS, Reaction.Kind.PLUS_ONE)
            count = min(6, int(rng.expovariate(1 / 1.2)))
        elif post.sort in {"answer", "staff", "mentor", "discussion"}:
            kinds = tuple(Reaction.Kind.values)
            bonus = 2 if post.number == thread.accepted or post.endorsed_by else 0
            count = min(9, int(rng.expovariate(1 / 1.5)) + bonus)
        else:
            kinds = (Reaction.Kind.PLUS_ONE,)
            count = 1 if rng.random() < 0.15 else 0
        people = [p for p in self.roles[c] if p != post.author]
        seen: set[tuple[int, str]] = set()
        for _ in range(count):
            user, kind = rng.choice(people), rng.choice(kinds)
            if (user, kind) in seen:
                continue
            seen.add((user, kind))
            later = timedelta(seconds=int(rng.expovariate(1 / (8 * 3600))) + 60)
            post.reactions.append(
                ReactionPlan(user, kind, min(post.created_at + later, DEMO_END))
            )

    def _edit(self, thread: ThreadPlan, values: dict[str, object]) -> None:
        """Edit a few posts, keeping the text before the edit as a revision."""
        rng = self.rng
        writer = self.writers[thread.community]
        accepted_at = next(
            (p.created_at for p in thread.posts if p.number == thread.accepted), None
        )
        for post in thread.posts:
            if post.is_deleted:
                continue
            solved = (
                post.number == 1
                and accepted_at is not None
                and rng.random() < SOLVED_EDIT_SHARE
            )
            if not solved and rng.random() >= EDIT_SHARE:
                continue
            if post.number > 1:
                kind = "reply"
            elif thread.kind == Thread.Kind.QUESTION:
                kind = "question"
            else:
                kind = "opening"
            after = accepted_at if solved and accepted_at else post.created_at
            edited = after + timedelta(minutes=rng.randint(10, 360))
            note = writer.edit_note(kind, solved=solved)
            post.previous_body = post.text.body
            post.text = Text(f"{post.text.body}\n\n{note}", post.text.gist)
            post.edited_at = _at_minute(min(edited, DEMO_END))

    # --- all together ---------------------------------------------------------------------

    def build(self) -> DemoPlan:
        self.plan_memberships()
        threads = self.plan_threads()
        self.allocate_replies(threads)
        for thread in threads:
            self.plan_replies(thread)
        return DemoPlan(self.people, self.memberships, threads)


def build_plan(
    people: int = cast_module.DEFAULT_PEOPLE,
    threads: int = DEFAULT_THREADS,
    replies: int = DEFAULT_REPLIES,
    *,
    seed: int = SEED,
) -> DemoPlan:
    """Return the full demo plan for these sizes; the same sizes give the same plan."""
    return Planner(people, threads, replies, seed).build()
