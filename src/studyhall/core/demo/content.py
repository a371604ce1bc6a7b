"""The shapes of the demo's subject matter: concepts, code problems, FAQs and
announcements that the writer combines into threads and replies.

Text fields are Markdown; fields named `*_template` or used as templates
contain `{placeholders}` filled by `writing.py`. LaTeX and code are only ever
values, never templates, so their braces need no escaping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str

    def markdown(self) -> str:
        return f"[{self.label}]({self.url})"


@dataclass(frozen=True)
class Concept:
    """One idea of a course, with enough facts to ask and answer about it."""

    name: str  # lower case, as used mid-sentence: "ridge regression"
    explanation: str  # two or three sentences of Markdown
    formula: str = ""  # LaTeX for display maths; "" when the idea has none
    symbol: str = ""  # inline LaTeX for its main quantity, such as r"\lambda"
    symbol_role: str = ""  # "the penalty strength"
    strengths: str = ""  # short table cells
    pitfalls: str = ""
    tuning: str = ""
    link: Link | None = None

    @property
    def title(self) -> str:
        return self.name[:1].upper() + self.name[1:]


@dataclass(frozen=True)
class CodeProblem:
    """A piece of code that misbehaves, and the fix an answer gives."""

    short: str  # for titles: "k-means gives different clusters every run"
    language: str
    code: str
    symptom: str
    cause: str
    fix: str
    output: str = ""
    tip: str = ""
    link: Link | None = None


@dataclass(frozen=True)
class Faq:
    """A question people ask every year, with the answer staff give."""

    title: str
    question: str
    answer: str
    category: str


@dataclass(frozen=True)
class Announcement:
    """A notice from the teaching team; templates may use {date}, {week}."""

    title_template: str
    body_template: str
    category: str = "announcements"
    is_pinned: bool = False


@dataclass(frozen=True)
class Discussion:
    """An open conversation: its title and opening templates, and the style of
    its replies (concept, meetup, share or intro; see phrases.DISCUSSION_REPLIES).
    """

    title_template: str
    body_template: str
    style: str
    category: str = ""  # a category slug, or "" for the subject's usual ones


@dataclass(frozen=True)
class Subject:
    """Everything the writer needs to fill one community with plausible posts."""

    session: str  # "Lecture", "Seminar"
    task: str  # "Problem set", "Lab"
    concepts: tuple[Concept, ...]
    problems: tuple[CodeProblem, ...]
    faqs: tuple[Faq, ...]
    announcements: tuple[Announcement, ...]
    concept_titles: tuple[str, ...]  # {concept}, {Concept}, {session}, {task}
    compare_titles: tuple[str, ...]  # also {other}
    problem_titles: tuple[str, ...]  # {short}, {task}
    discussions: tuple[Discussion, ...]  # besides phrases.GENERIC_DISCUSSIONS
    tips: tuple[str, ...]  # practical advice sentences, Markdown
    # Category slugs by kind of post; repeat a slug to make it likelier.
    concept_categories: tuple[str, ...]
    problem_categories: tuple[str, ...]
    discussion_categories: tuple[str, ...]
    # Questions about a concept without a symbol; phrases.CONFUSIONS_PLAIN if empty.
    plain_confusions: tuple[str, ...] = ()
