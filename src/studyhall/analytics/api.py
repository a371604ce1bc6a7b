"""Analytics in the REST API: the same report, under the same policy, as the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from studyhall.analytics import services
from studyhall.analytics.services import Line, Report
from studyhall.api.schemas import ERRORS
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.discussions.selectors import visible_community

router = Router(tags=["analytics"])

SUPPRESSED = "null where suppressed: about fewer people than `min_group`, or "
SUPPRESSED += "hidden beside such a figure so that no total gives it away."


class AnalyticsSettingsOut(Schema):
    show_names: bool = Field(description="Learners are named (else numbered).")
    include_chat: bool = Field(description="Public chat messages are counted.")
    min_group: int = Field(description="Smallest group a figure may describe.")
    moderators: bool = Field(description="Moderators may see analytics.")
    mentors: bool = Field(description="Mentors may see analytics.")


class LineOut(Schema):
    week_start: date | None = Field(description="Monday of the week; null: period.")
    threads: int | None = Field(description=f"Threads started; {SUPPRESSED}")
    replies: int | None
    chat: int | None = Field(description="Chat messages; null also when not counted.")
    all: int | None
    people: int | None = Field(description="Different people taking part.")


class QuestionOut(Schema):
    thread_id: int
    title: str
    created_at: datetime
    age_days: int


class LearnerOut(Schema):
    label: str = Field(description="The name, or `Learner n` without names.")
    handle: str | None
    posts: int = Field(description="Named threads and replies (never anonymous).")
    messages: int
    last_active_at: datetime


class AnalyticsOut(Schema):
    settings: AnalyticsSettingsOut
    weeks: list[LineOut]
    period: LineOut
    anonymous_posts: int | None
    unanswered_count: int
    unanswered: list[QuestionOut]
    quiet_weeks: int
    drifting_count: int | None
    drifting: list[LearnerOut] = Field(description="Named only; empty without names.")
    top_withheld: bool = Field(description="Too few learners took part to list.")
    top: list[LearnerOut]


def _line(line: Line) -> LineOut:
    def shown(name: str) -> int | None:
        figure = line.cells.get(name)
        return figure.shown if figure is not None else None

    return LineOut(
        week_start=line.start,
        threads=shown("threads"),
        replies=shown("replies"),
        chat=shown("chat"),
        all=line.total.shown,
        people=line.active.shown,
    )


def _learner(row: services.LearnerRow) -> LearnerOut:
    return LearnerOut(
        label=row.label,
        handle=row.handle,
        posts=row.posts,
        messages=row.messages,
        last_active_at=row.last_active_at,
    )


def analytics_out(report: Report) -> AnalyticsOut:
    """Return the report in the API's shape."""
    community = report.community
    return AnalyticsOut(
        settings=AnalyticsSettingsOut(
            show_names=community.analytics_show_names,
            include_chat=community.analytics_include_chat,
            min_group=community.analytics_min_group,
            moderators=community.analytics_moderators,
            mentors=community.analytics_mentors,
        ),
        weeks=[_line(w) for w in report.weeks],
        period=_line(report.period),
        anonymous_posts=report.anonymous_posts.shown,
        unanswered_count=report.unanswered_count,
        unanswered=[
            QuestionOut(
                thread_id=q.thread_id,
                title=q.title,
                created_at=q.created_at,
                age_days=q.age_days,
            )
            for q in report.unanswered
        ],
        quiet_weeks=report.quiet_weeks,
        drifting_count=report.drifting.shown,
        drifting=[_learner(r) for r in report.drifting_learners],
        top_withheld=report.is_top_withheld,
        top=[_learner(r) for r in report.top],
    )


@router.get(
    "/communities/{slug}/analytics",
    response={200: AnalyticsOut, **ERRORS},
    auth=SIGNED_IN,
)
def get_analytics(request: HttpRequest, slug: str) -> Any:
    """Show the community's analytics: owners and instructors, and moderators
    or mentors where the community allows; 404 if you cannot see the community."""
    user = viewer(request)
    community = visible_community(user, slug)
    return analytics_out(services.community_report(user, community))
