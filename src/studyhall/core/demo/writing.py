"""Write the Markdown of demo threads and replies from a course's subject matter.

A Writer draws every choice from the random generator it is given, so the
same seed writes the same words.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from studyhall.core.demo import phrases
from studyhall.core.demo.content import (
    Announcement,
    CodeProblem,
    Concept,
    Discussion,
    Faq,
    Subject,
)

# Words that keep their capital when a sentence fragment is lower-cased.
_PROPER = frozenset({"Bonferroni", "Holm", "Python", "SQL", "Git", "LaTeX", "PCA"})


def lower_first(text: str) -> str:
    """Return text with its first letter lower-cased, unless it starts a name."""
    first = text.split(" ", 1)[0]
    if not text or first in _PROPER or (len(first) > 1 and first[1].isupper()):
        return text
    return text[0].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def day_label(moment: datetime) -> str:
    """Return a date as people write it in a notice: "Friday 9 October"."""
    return f"{moment:%A} {moment.day} {moment:%B}"


@dataclass(frozen=True)
class Topic:
    """What a thread is about; its replies stay on the same topic."""

    kind: str  # concept, compare, problem, faq, discussion, announcement
    concept: Concept
    other: Concept
    problem: CodeProblem | None = None
    faq: Faq | None = None
    announcement: Announcement | None = None
    discussion: Discussion | None = None
    title_template: str = ""


@dataclass(frozen=True)
class Text:
    """A post's Markdown and one plain sentence of it that others may quote."""

    body: str
    gist: str


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip("\n") for part in parts if part.strip())


def _fence(language: str, code: str) -> str:
    return f"```{language}\n{code.rstrip()}\n```"


class Writer:
    """Writes the posts of one community."""

    def __init__(self, rng: random.Random, subject: Subject, course: str) -> None:
        self.rng = rng
        self.subject = subject
        self.course = course

    # --- helpers ---------------------------------------------------------------

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(options)

    def context(self, topic: Topic, week: int) -> dict[str, object]:
        """Return the values every template of this thread may use."""
        concept, other = topic.concept, topic.other
        link = concept.link
        tip = self.pick(self.subject.tips)
        values: dict[str, object] = {
            "concept": concept.name,
            "Concept": concept.title,
            "other": other.name,
            "Other": other.title,
            "symbol": concept.symbol,
            "symbol_role": concept.symbol_role,
            "session": self.subject.session,
            "session_lower": self.subject.session.lower(),
            "task": self.subject.task,
            "task_lower": self.subject.task.lower(),
            "week": week,
            "course": self.course,
            "link": link.markdown() if link else "the course page",
            "link_url": link.url if link else "https://example.org/msc-ds",
            "tip": tip,
            "tip_lower": lower_first(tip),
            "pitfalls_lower": lower_first(concept.pitfalls or "it is easy to misuse"),
        }
        if topic.problem is not None:
            values["short"] = topic.problem.short
            values["Short"] = upper_first(topic.problem.short)
        return values

    def fill(self, template: str, values: dict[str, object]) -> str:
        return template.format_map(values)

    # --- thread openers ---------------------------------------------------------

    def title(self, topic: Topic, values: dict[str, object]) -> str:
        if topic.kind == "faq" and topic.faq is not None:
            return topic.faq.title
        return self.fill(topic.title_template, values)

    def opening(self, topic: Topic, values: dict[str, object]) -> Text:
        """Write the opening post of a thread about the topic."""
        if topic.kind == "problem":
            return self._problem_question(topic, values)
        if topic.kind == "compare":
            return self._compare_question(topic, values)
        if topic.kind == "faq" and topic.faq is not None:
            body = _join(
                topic.faq.question, self.fill(self.pick(phrases.CLOSERS), values)
            )
            return Text(body, topic.faq.question.split(". ")[0])
        if topic.kind == "discussion" and topic.discussion is not None:
            body = self.fill(topic.discussion.body_template, values)
            return Text(body, body.split("\n", 1)[0])
        if topic.kind == "announcement" and topic.announcement is not None:
            body = self.fill(topic.announcement.body_template, values)
            return Text(body, body.split("\n", 1)[0])
        return self._concept_question(topic, values)

    def _concept_question(self, topic: Topic, values: dict[str, object]) -> Text:
        concept = topic.concept
        rng = self.rng
        opener = self.fill(self.pick(phrases.QUESTION_OPENERS), values)
        pool: tuple[str, ...]
        if concept.symbol:
            pool = phrases.CONFUSIONS_SYMBOL
        else:
            pool = self.subject.plain_confusions or phrases.CONFUSIONS_PLAIN
        confusion = self.fill(self.pick(pool), values)
        parts = [opener, confusion]
        if concept.formula and rng.random() < 0.6:
            parts.append(
                self.pick(phrases.FORMULA_INTROS) + f"\n\n$$\n{concept.formula}\n$$"
            )
        if rng.random() < 0.4:
            tried = rng.sample(phrases.TRIED, 3)
            items = "\n".join(f"- {self.fill(t, values)}" for t in tried)
            parts.append(f"What I've tried so far:\n\n{items}")
        parts.append(self.fill(self.pick(phrases.CLOSERS), values))
        return Text(_join(*parts), confusion)

    def _compare_question(self, topic: Topic, values: dict[str, object]) -> Text:
        opener = self.fill(self.pick(phrases.COMPARE_OPENERS), values)
        concept, other = topic.concept, topic.other
        bullets = (
            f"- **{concept.title}**: {lower_first(concept.strengths)}, but "
            f"{lower_first(concept.pitfalls)}.\n"
            f"- **{other.title}**: {lower_first(other.strengths)}, but "
            f"{lower_first(other.pitfalls)}."
        )
        ask = self.pick(phrases.COMPARE_ASKS)
        return Text(_join(opener, bullets, ask), opener)

    def _problem_question(self, topic: Topic, values: dict[str, object]) -> Text:
        problem = topic.problem
        assert problem is not None
        parts = [
            self.fill(self.pick(phrases.PROBLEM_OPENERS), values),
            _fence(problem.language, problem.code),
        ]
        if problem.output:
            parts.append(
                self.pick(phrases.OUTPUT_INTROS)
                + "\n\n"
                + _fence("text", problem.output)
            )
        parts.append(problem.symptom)
        environments = phrases.ENVIRONMENTS.get(problem.language)
        if environments and self.rng.random() < 0.6:
            parts.append(self.pick(environments))
        parts.append(self.fill(self.pick(phrases.CLOSERS), values))
        return Text(_join(*parts), problem.symptom)

    # --- replies ----------------------------------------------------------------

    def answer(self, topic: Topic, values: dict[str, object]) -> Text:
        """Write the first substantial answer to the thread's question."""
        if topic.kind == "problem":
            return self._problem_answer(topic, values)
        if topic.kind == "compare":
            return self._compare_answer(topic, values)
        if topic.kind == "faq" and topic.faq is not None:
            return Text(topic.faq.answer, topic.faq.answer.split(". ")[0] + ".")
        return self._concept_answer(topic, values)

    def second_answer(self, topic: Topic, values: dict[str, object]) -> Text:
        """Write a later answer that adds a different angle to the first."""
        rng = self.rng
        if topic.kind == "problem":
            body = self.fill(self.pick(phrases.PROBLEM_FOLLOW_ANSWERS), values)
            return Text(body, body)
        if topic.kind == "faq":
            return self.short_answer(values)
        lead = self.fill(self.pick(phrases.SECOND_ANSWER_LEADS), values)
        choice = rng.random()
        if choice < 0.4:
            contrast = self.fill(self.pick(phrases.CONTRAST_LEADS), values)
            return Text(_join(contrast, self._table(topic)), contrast)
        if choice < 0.7 or not topic.concept.symbol:
            tips = rng.sample(self.subject.tips, 2)
            items = "\n".join(f"- {t}" for t in tips)
            return Text(_join(lead, items), tips[0])
        note = self.fill(self.pick(phrases.SYMBOL_NOTES), values)
        return Text(_join(lead, note), note)

    def _table(self, topic: Topic) -> str:
        concept, other = topic.concept, topic.other
        return (
            f"| | {concept.title} | {other.title} |\n"
            "| --- | --- | --- |\n"
            f"| Good at | {concept.strengths} | {other.strengths} |\n"
            f"| Watch out for | {concept.pitfalls} | {other.pitfalls} |\n"
            f"| Tuning | {concept.tuning} | {other.tuning} |"
        )

    def _concept_answer(self, topic: Topic, values: dict[str, object]) -> Text:
        concept = topic.concept
        rng = self.rng
        parts = [
            self.fill(self.pick(phrases.ANSWER_OPENERS), values),
            concept.explanation,
        ]
        if concept.formula:
            parts.append(f"$$\n{concept.formula}\n$$")
        if concept.symbol:
            parts.append(self.fill(self.pick(phrases.SYMBOL_NOTES), values))
        if rng.random() < 0.5:
            tips = rng.sample(self.subject.tips, 3)
            parts.append("In practice:\n\n" + "\n".join(f"- {t}" for t in tips))
        if concept.link and rng.random() < 0.6:
            parts.append(self.fill(self.pick(phrases.LINK_SENTENCES), values))
        if rng.random() < 0.35:
            slide = rng.randint(4, 30)
            footnote_values = {
                **values,
                "chapter": rng.randint(2, 10),
                "section": rng.randint(1, 6),
                "minute": rng.randint(5, 85),
                "slide": slide,
                "slide_end": slide + rng.randint(1, 4),
            }
            parts.append(self.fill(self.pick(phrases.FOOTNOTE_LEADS), footnote_values))
            parts.append(self.fill(self.pick(phrases.FOOTNOTES), footnote_values))
        return Text(_join(*parts), concept.explanation.split(". ")[0] + ".")

    def _compare_answer(self, topic: Topic, values: dict[str, object]) -> Text:
        rule = self.fill(self.pick(phrases.RULES_OF_THUMB), values)
        table = self._table(topic)
        return Text(_join(self.pick(phrases.COMPARE_INTROS), table, rule), rule)

    def _problem_answer(self, topic: Topic, values: dict[str, object]) -> Text:
        problem = topic.problem
        assert problem is not None
        parts = [problem.cause, _fence(problem.language, problem.fix)]
        if problem.tip:
            parts.append(problem.tip)
        if problem.link and self.rng.random() < 0.5:
            parts.append(f"More in {problem.link.markdown()}.")
        return Text(_join(*parts), problem.cause.split(". ")[0] + ".")

    def discussion_reply(self, style: str, values: dict[str, object]) -> Text:
        """Write a reply in a discussion of the given style (concept, meetup, ...)."""
        concept = self.pick([c.name for c in self.subject.concepts])
        extra = {"background": self.pick(phrases.BACKGROUNDS)}
        if style == "intro":
            extra["concept"] = concept
        body = self.fill(
            self.pick(phrases.DISCUSSION_REPLIES[style]), {**values, **extra}
        )
        return Text(body, body.split("\n", 1)[0])

    def short_answer(self, values: dict[str, object]) -> Text:
        body = self.fill(self.pick(phrases.SHORT_ANSWERS), values)
        return Text(body, body)

    def thanks(self, values: dict[str, object]) -> Text:
        body = self.pick(phrases.THANKS_FOLLOWUPS)
        return Text(body, body)

    def follow_up(self, values: dict[str, object]) -> Text:
        body = self.fill(self.pick(phrases.QUESTION_FOLLOWUPS), values)
        return Text(body, body)

    def me_too(self, values: dict[str, object]) -> Text:
        body = self.fill(self.pick(phrases.ME_TOO), values)
        return Text(body, body)

    def staff_note(self, values: dict[str, object]) -> Text:
        body = self.fill(self.pick(phrases.STAFF_NOTES), values)
        return Text(body, body)

    def mentor_note(self, values: dict[str, object]) -> Text:
        body = self.fill(self.pick(phrases.MENTOR_NOTES), values)
        return Text(body, body)

    def announcement_question(self) -> Text:
        question, _ = self.rng.choice(phrases.ANNOUNCEMENT_QUESTIONS)
        return Text(question, question)

    def announcement_answer(self, question: str) -> Text:
        answer = dict(phrases.ANNOUNCEMENT_QUESTIONS).get(question, "Yes.")
        return Text(answer, answer)

    def announcement_thanks(self) -> Text:
        body = self.pick(phrases.ANNOUNCEMENT_THANKS)
        return Text(body, body)

    def quoting(self, quoted: str, values: dict[str, object]) -> Text:
        """Write a reply that quotes a sentence of an earlier post and comments."""
        comment = self.fill(self.pick(phrases.QUOTE_COMMENTS), values)
        quote = "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))
        return Text(_join(quote, comment), comment)

    def mention(self, handle: str, values: dict[str, object], *, staff: bool) -> str:
        pool = phrases.MENTION_STAFF if staff else phrases.MENTION_PEERS
        return self.fill(self.pick(pool), {**values, "handle": handle})

    def edit_note(self, kind: str, *, solved: bool = False) -> str:
        """Return the line added by an edit; kind is question, opening or reply."""
        return phrases.SOLVED_EDIT if solved else self.pick(phrases.EDIT_NOTES[kind])

    def deleted(self, values: dict[str, object], *, by_moderator: bool) -> Text:
        pool = (
            phrases.DELETED_BY_MODERATOR if by_moderator else phrases.DELETED_BY_AUTHOR
        )
        body = self.fill(self.pick(pool), values)
        return Text(body, body)
