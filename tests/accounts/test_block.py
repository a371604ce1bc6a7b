"""Blocking: one row per pair, never oneself, readable both ways."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from studyhall.accounts import selectors, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_block_is_one_sided_and_idempotent():
    ann, bob = UserFactory(), UserFactory()

    services.block(ann, bob)
    services.block(ann, bob)

    assert selectors.has_blocked(ann, bob)
    assert not selectors.has_blocked(bob, ann)
    assert selectors.either_blocked(bob, ann)
    assert selectors.blocked_ids(ann) == {bob.pk}
    assert selectors.blocker_ids(bob) == {ann.pk}


def test_unblock_lifts_the_block():
    ann, bob = UserFactory(), UserFactory()
    services.block(ann, bob)

    services.unblock(ann, bob)
    services.unblock(ann, bob)

    assert not selectors.either_blocked(ann, bob)


def test_nobody_blocks_themselves_and_visitors_block_nobody():
    ann = UserFactory()

    with pytest.raises(ValidationError):
        services.block(ann, ann)

    assert selectors.blocked_ids(None) == set()
    assert selectors.blocker_ids(None) == set()
    assert not selectors.has_blocked(None, ann)
    assert not selectors.either_blocked(ann, None)
