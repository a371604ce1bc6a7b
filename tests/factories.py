"""factory_boy factories for the core models, and helpers that go through services."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Category


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    handle = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("correct horse battery")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    description = "A place to learn together."
    visibility = Community.Visibility.PRIVATE
    joining = Community.Joining.OPEN


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


def make_member(community: Community, role: str, **user_fields: Any) -> User:
    """Create a verified person with an active membership in the community."""
    user = UserFactory(**user_fields)
    Membership.objects.create(community=community, user=user, role=role)
    Community.objects.filter(pk=community.pk).update(
        member_count=community.member_count + 1
    )
    community.member_count += 1
    return user


def make_group(creator: User, community: Community, **fields: Any) -> Any:
    """Create a study group through the service (with its board category)."""
    from studyhall.groups import services as groups

    fields.setdefault("name", "Exam prep")
    return groups.create_group(creator, community, groups.GroupFields(**fields))


def make_network(
    student: User, peer: User, mentor: User, community: Community
) -> dict[str, Any]:
    """Create, with `mentor` holding a mentoring role, a connection request, a portfolio item, a mentorship, an
    opportunity and an alum claim through the profiles services; private text says "Zanzibar"."""
    from datetime import timedelta

    from studyhall.profiles import services as profile_services

    secret = "Zanzibar-private-7731"
    connection = profile_services.request_connection(peer, student, note=secret)
    item = profile_services.add_showcase_item(student, title=f"{secret} project")
    profile_services.update_mentoring(
        mentor, is_mentor=True, areas="Careers", availability="", capacity=2
    )
    mentorship = profile_services.request_mentorship(student, mentor, goal=secret)
    opportunity = profile_services.post_opportunity(
        mentor,
        community,
        kind="job",
        title=f"{secret} job",
        apply_url="https://example.org/apply",
        deadline=timezone.localdate() + timedelta(days=7),
    )
    distinction = profile_services.claim_distinction(
        student, community, kind="alum", note=secret
    )
    return {
        "connection": connection,
        "item": item,
        "mentorship": mentorship,
        "opportunity": opportunity,
        "distinction": distinction,
    }
