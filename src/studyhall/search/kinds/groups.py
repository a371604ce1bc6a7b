"""Study groups as search documents, found by whoever the groups app shows them to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from studyhall import policy
from studyhall.groups.models import StudyGroup
from studyhall.search.models import Document
from studyhall.search.registry import DocumentKind, Entry, Shown, register

GROUP = "group"


def group_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for groups: the name, then the goal, course and subject.
    Who may find a group is decided at search time by policy.visible over
    groups (hidden groups: their members), never stored here."""
    groups = {g.pk: g for g in StudyGroup.objects.filter(pk__in=ids)}
    result: dict[int, Entry | None] = {}
    for pk in ids:
        group = groups.get(pk)
        if group is None:
            result[pk] = None
            continue
        result[pk] = Entry(
            community_id=group.community_id,
            title=group.name,
            body=" · ".join(
                part
                for part in (group.goal, group.course, group.subject, group.language)
                if part
            ),
            created_at=group.created_at,
            author_id=group.created_by_id,
            scope=Document.Scope.GROUP,
            scope_id=group.pk,
        )
    return result


def group_keys() -> Iterable[tuple[datetime, int]]:
    return StudyGroup.objects.values_list("created_at", "pk")


def show_groups(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load groups through the policy (one query) and say how to show each."""
    groups = policy.visible(user, StudyGroup.objects.filter(pk__in=ids)).select_related(
        "community"
    )
    return {
        g.pk: Shown(
            url=reverse("groups:group-detail", kwargs={"pk": g.pk}),
            title=g.name,
            community_name=g.community.name,
            author=None,
            context="Study group",
        )
        for g in groups
    }


register(
    DocumentKind(
        name=GROUP,
        label="Study groups",
        singular="Study group",
        entries=group_entries,
        all_keys=group_keys,
        show=show_groups,
    )
)
