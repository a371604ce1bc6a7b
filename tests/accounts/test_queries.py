from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyhall.accounts import services
from studyhall.communities.models import Community, Membership
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_account_page_costs_the_same_with_3_or_30_tokens(client):
    few, many = UserFactory(), UserFactory()
    for n in range(3):
        services.create_access_token(few, name=f"token {n}")
    for n in range(30):
        services.create_access_token(many, name=f"token {n}")

    client.force_login(few)
    few_count = _queries_for(client, reverse("accounts:account"))
    client.force_login(many)
    many_count = _queries_for(client, reverse("accounts:account"))

    assert few_count == many_count


def _shared(viewer, person, size: int) -> None:
    for _ in range(size):
        community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
        Membership.objects.create(community=community, user=viewer)
        Membership.objects.create(community=community, user=person)


def test_profile_page_costs_the_same_with_2_or_20_shared_communities(client):
    viewer_a, person_a, viewer_b, person_b = (UserFactory() for _ in range(4))
    _shared(viewer_a, person_a, 2)
    _shared(viewer_b, person_b, 20)

    client.force_login(viewer_a)
    few = _queries_for(client, reverse("accounts:profile", args=[person_a.handle]))
    client.force_login(viewer_b)
    many = _queries_for(client, reverse("accounts:profile", args=[person_b.handle]))

    assert few == many
