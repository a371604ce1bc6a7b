"""Owners choose what analytics show; each change is kept in the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from studyhall.communities import services
from studyhall.moderation.models import AuditEntry

pytestmark = pytest.mark.django_db


def settings_url(community):
    return reverse("communities:community-settings", args=[community.slug])


def form_data(community, **changes):
    data = {
        "name": community.name,
        "description": community.description,
        "kind": community.kind,
        "visibility": community.visibility,
        "joining": community.joining,
        "anonymity": community.anonymity,
        "analytics_include_chat": "on",
        "analytics_min_group": "5",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_page_offers_the_analytics_settings_with_their_defaults(
    client, community, owner
):
    client.force_login(owner)

    body = client.get(settings_url(community)).content.decode()

    assert "<legend>Analytics</legend>" in body
    assert 'id="id_analytics_include_chat" checked' in body
    assert 'id="id_analytics_show_names">' in body  # off
    assert 'name="analytics_min_group" value="5"' in body
    assert "Show learners&#x27; names in analytics" in body


def test_owner_changes_analytics_settings_and_the_audit_log_keeps_old_and_new(
    client, community, owner
):
    client.force_login(owner)

    response = client.post(
        settings_url(community),
        form_data(
            community,
            analytics_show_names="on",
            analytics_include_chat=None,
            analytics_min_group="3",
            analytics_mentors="on",
        ),
    )

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.analytics_show_names
    assert not community.analytics_include_chat
    assert community.analytics_min_group == 3
    assert community.analytics_mentors
    assert not community.analytics_moderators
    entry = AuditEntry.objects.get(community=community)
    assert entry.actor == owner
    assert entry.kind == AuditEntry.Kind.SETTINGS
    assert entry.created_at is not None
    assert entry.reason == (
        "Analytics settings: learners named off → on; chat counted on → off; "
        "smallest group 5 → 3; mentors see analytics off → on."
    )


def test_the_change_shows_in_the_owners_audit_log(client, community, owner):
    services.update_community(owner, community, analytics_moderators=True)
    client.force_login(owner)

    body = client.get(reverse("moderation:audit-log", args=[community.slug])).content

    assert "moderators see analytics off → on" in body.decode()


def test_saving_without_analytics_changes_records_nothing(community, owner):
    services.update_community(owner, community, name="Renamed", analytics_min_group=5)

    assert not AuditEntry.objects.filter(community=community).exists()


def test_a_smallest_group_out_of_range_is_refused_and_the_form_keeps_what_was_typed(
    client, community, owner
):
    client.force_login(owner)

    response = client.post(
        settings_url(community),
        form_data(community, name="Typed name", analytics_min_group="0"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed name"' in body
    assert 'name="analytics_min_group" value="0"' in body
    community.refresh_from_db()
    assert community.analytics_min_group == 5
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_a_smallest_group_out_of_range(community, owner):
    with pytest.raises(ValidationError):
        services.update_community(owner, community, analytics_min_group=0)

    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["instructor", "moderator"])
def test_only_owners_change_analytics_settings(client, community, role):
    from tests.factories import make_member

    member = make_member(community, role)
    client.force_login(member)

    response = client.post(
        settings_url(community), form_data(community, analytics_show_names="on")
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_community(member, community, analytics_show_names=True)
    community.refresh_from_db()
    assert not community.analytics_show_names
