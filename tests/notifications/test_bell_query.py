"""The bell's count runs on every page a member opens: its cost must follow the
person's own notifications, never the size of the site."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from studyhall.accounts.models import User
from studyhall.communities.models import Membership
from studyhall.notifications import selectors
from studyhall.notifications.models import Kind, Notification
from tests.discussions.helpers import ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def _aliases(sql: str) -> dict[str, str]:
    """Each alias in the SQL (and each table under its own name) -> its table."""
    tables = {name: name for name in re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)}
    tables.update(
        {alias: table for table, alias in re.findall(r'"(\w+)" ([A-Z]\d+)\b', sql)}
    )
    return tables


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_count_looks_threads_and_communities_up_by_key_never_scans_them():
    community = CommunityFactory()
    reader = make_member(community, "student")
    author = make_member(community, "student")
    for n in range(3):
        ask(author, community, title=f"Question {n}")
    queryset = selectors.notifications_for(reader).filter(read_at__isnull=True)
    sql, params = queryset.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]

    tables = _aliases(sql)
    scanned = {
        tables.get(match.group(1), match.group(1))
        for line in plan
        if (match := re.match(r"SCAN (\w+)", line))
    }
    assert "discussions_thread" in tables.values()
    assert not scanned & {"discussions_thread", "communities_community"}, plan


def test_the_count_still_leaves_out_what_the_person_may_no_longer_see():
    community = CommunityFactory(visibility="private")
    reader = make_member(community, "student")
    author = make_member(community, "student")
    thread = ask(author, community, title="Eigenvalues")
    Notification.objects.create(
        recipient=reader,
        kind=Kind.REPLY,
        community=community,
        thread=thread,
        url="/",
        text="news",
    )
    assert selectors.unread_count(reader) == 1

    Membership.objects.filter(community=community, user=reader).delete()
    reader = User.objects.get(pk=reader.pk)  # a new request: a new snapshot

    assert selectors.unread_count(reader) == 0
