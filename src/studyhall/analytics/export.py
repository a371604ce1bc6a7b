"""The analytics report as CSV rows: one figure a row, suppressed ones so marked."""

from __future__ import annotations

from collections.abc import Iterator

from studyhall.analytics.services import Figure, Report

HEADER = ["section", "label", "measure", "value"]
SUPPRESSED = "suppressed"


def _value(figure: Figure) -> str:
    return SUPPRESSED if figure.is_suppressed else str(figure.value)


def _cell(text: str) -> str:
    # A title starting with a formula sign would run as a formula in a
    # spreadsheet; a leading apostrophe keeps it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(report: Report) -> Iterator[list[str]]:
    """Yield the header, then every figure the viewer may see in the report."""
    yield HEADER
    for line in [*report.weeks, report.period]:
        label = line.start.isoformat() if line.start else "whole period"
        for name, figure in line.cells.items():
            yield ["participation", label, name, _value(figure)]
        yield ["participation", label, "all", _value(line.total)]
        yield ["participation", label, "people", _value(line.active)]
    yield [
        "participation",
        "whole period",
        "anonymous posts",
        _value(report.anonymous_posts),
    ]
    yield ["unanswered", "all", "questions", str(report.unanswered_count)]
    for question in report.unanswered:
        yield [
            "unanswered",
            _cell(question.title),
            "age in days",
            str(question.age_days),
        ]
    yield ["drifting", "all", "learners", _value(report.drifting)]
    for row in report.drifting_learners:
        yield [
            "drifting",
            _cell(row.label),
            "last active",
            row.last_active_at.date().isoformat(),
        ]
    for row in report.top:
        yield ["top contributors", _cell(row.label), "posts", str(row.posts)]
        if report.include_chat:
            yield [
                "top contributors",
                _cell(row.label),
                "chat messages",
                str(row.messages),
            ]
