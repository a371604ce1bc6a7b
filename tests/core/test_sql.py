"""Compiled counts: the same answer as the ORM, compiled once per key."""

from __future__ import annotations

from unittest import mock

import pytest

from studyhall.accounts.models import User
from studyhall.core import sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    sql.forget()
    sql.forget_rows()
    yield
    sql.forget()
    sql.forget_rows()


def test_count_matches_the_orm_and_follows_the_data():
    UserFactory(display_name="Ada")
    UserFactory(display_name="Ada")
    UserFactory(display_name="Bo")

    def build():
        return User.objects.filter(display_name="Ada")

    assert sql.count("adas", build) == 2 == build().count()
    UserFactory(display_name="Ada")
    assert sql.count("adas", build) == 3


def test_a_known_key_is_not_built_again(django_assert_num_queries):
    UserFactory(display_name="Ada")
    build = mock.Mock(side_effect=lambda: User.objects.filter(display_name="Ada"))
    sql.count("adas", build)

    with django_assert_num_queries(1):
        assert sql.count("adas", build) == 1

    assert build.call_count == 1


def test_a_filter_that_matches_nothing_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sql.count("none", lambda: User.objects.filter(pk__in=[])) == 0


def test_the_oldest_keys_are_dropped_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(sql, "MAX_ENTRIES", 2)
    for key in ("a", "b", "a", "c"):
        sql.count(key, User.objects.all)

    assert list(sql._compiled) == ["a", "c"]


def test_prepared_query_runs_with_new_values_and_loads_related_rows(
    django_assert_num_queries, community, student
):
    from studyhall.discussions.models import Post
    from tests.discussions.helpers import answer, ask

    thread = ask(student, community)
    for i in range(4):
        answer(student, thread, body=f"reply {i}")
    prepared = sql.Prepared(
        lambda thread, low: (
            Post.objects.filter(thread_id=thread, number__gt=low)
            .select_related("author")
            .order_by("number")
        )
    )
    prepared(thread=thread.pk, low=0)

    with django_assert_num_queries(1):
        posts = prepared(thread=thread.pk, low=3)
        names = [p.author.display_name for p in posts]

    assert [p.number for p in posts] == [4, 5]
    assert names == [student.display_name] * 2
    assert prepared(thread=thread.pk + 1000, low=0) == []


def test_prepared_query_refuses_a_value_it_does_not_compare():
    prepared = sql.Prepared(lambda low: User.objects.filter(pk__gte=0))

    with pytest.raises(ValueError, match="low"):
        prepared(low=1)


def test_prepared_query_compares_text_and_instants(django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    ada = UserFactory(display_name="Ada")
    UserFactory(display_name="Bo")
    joined = User.objects.get(pk=ada.pk).date_joined
    prepared = sql.Prepared(
        lambda name, since: User.objects.filter(
            display_name=name, date_joined__gte=since
        ).order_by("pk")
    )
    before = joined - timedelta(seconds=1)

    assert [u.pk for u in prepared(name="Ada", since=before)] == [ada.pk]
    with django_assert_num_queries(1):
        assert prepared(name="Bo", since=joined + timedelta(days=1)) == []
    assert prepared(name="Zed", since=before) == []
    assert [u.pk for u in prepared(name="Ada", since=joined)] == [ada.pk]
    # The same answers as the queryset, for text that looks like SQL too.
    for name in ("Ada", "Ada' OR '1'='1", ""):
        expected = list(User.objects.filter(display_name=name, date_joined__gte=before))
        assert prepared(name=name, since=before) == expected
    assert prepared(name="Ada", since=timezone.now() + timedelta(days=1)) == []


def test_prepared_query_refuses_a_value_of_another_kind():
    prepared = sql.Prepared(lambda name: User.objects.filter(display_name=name))
    prepared(name="Ada")

    with pytest.raises(TypeError):
        prepared(name=1)
    with pytest.raises(TypeError):
        prepared(name=None)


def test_prepared_query_refuses_values_it_cannot_stand_in_for():
    with pytest.raises(TypeError):
        sql.Prepared(lambda flag: User.objects.filter(is_active=flag))(flag=True)
    with pytest.raises(TypeError):
        sql.Prepared(lambda pk: User.objects.filter(pk=pk))(pk=None)


def test_prepared_query_refuses_text_it_only_matches_as_a_pattern():
    prepared = sql.Prepared(
        lambda name: User.objects.filter(display_name__contains=name)
    )

    with pytest.raises(ValueError, match="name"):
        prepared(name="Ad")


def test_rows_run_the_compiled_query_with_new_values(django_assert_num_queries):
    ada = UserFactory(display_name="Ada")
    UserFactory(display_name="Bo")
    build = mock.Mock(
        side_effect=lambda name, low: (
            User.objects.filter(display_name=name, pk__gte=low)
            .order_by("pk")
            .values_list("pk", "display_name")
        )
    )

    assert sql.rows("by name", build, name="Ada", low=0) == [(ada.pk, "Ada")]
    expected = list(
        User.objects.filter(display_name="Bo").values_list("pk", "display_name")
    )
    with django_assert_num_queries(1):
        assert sql.rows("by name", build, name="Bo", low=0) == expected
    assert sql.rows("by name", build, name="Ada", low=ada.pk + 1) == []
    assert build.call_count == 1


def test_rows_keep_one_query_per_key():
    UserFactory(display_name="Ada", handle="ada")

    def by_name(name):
        return User.objects.filter(display_name=name).values_list("handle")

    def by_handle(name):
        return User.objects.filter(handle=name).values_list("handle")

    assert sql.rows("name", by_name, name="Ada") == [("ada",)]
    # Another key with the same value runs its own query, not the first one.
    assert sql.rows("handle", by_handle, name="Ada") == []
    assert sql.rows("handle", by_handle, name="ada") == [("ada",)]
    assert sql.rows("name", by_name, name="ada") == []


def test_rows_of_a_filter_that_matches_nothing_cost_no_query(
    django_assert_num_queries,
):
    UserFactory()
    with django_assert_num_queries(0):
        assert sql.rows("none", lambda: User.objects.filter(pk__in=[])) == []
    # With values too: the stand-ins never reach a query that cannot match.
    build = mock.Mock(side_effect=lambda low: User.objects.filter(pk__in=[]))
    with django_assert_num_queries(0):
        assert sql.rows("none, low", build, low=1) == []
        assert sql.rows("none, low", build, low=2) == []
    assert build.call_count == 1


def test_rows_refuse_a_value_they_do_not_compare_or_cannot_bind():
    with pytest.raises(ValueError, match="low"):
        sql.rows("ignored", lambda low: User.objects.filter(pk__gte=0), low=1)
    with pytest.raises(TypeError, match="flag"):
        sql.rows("bool", lambda flag: User.objects.filter(is_active=flag), flag=True)


def test_rows_drop_the_oldest_keys_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(sql, "MAX_ROW_QUERIES", 2)
    for key in ("a", "b", "a", "c"):
        sql.rows(key, lambda: User.objects.values_list("pk"))

    assert [k for _vendor, k in sql._row_queries] == ["a", "c"]


def test_instances_load_model_rows_with_new_values(
    django_assert_num_queries, community, student
):
    from studyhall.discussions.models import Post
    from tests.discussions.helpers import answer, ask

    thread = ask(student, community)
    for i in range(3):
        answer(student, thread, body=f"reply {i}")
    build = mock.Mock(
        side_effect=lambda thread, low: (
            Post.objects.filter(thread_id=thread, number__gt=low)
            .select_related("author")
            .order_by("number")
        )
    )
    sql.instances("posts", build, thread=thread.pk, low=0)

    with django_assert_num_queries(1):
        posts = sql.instances("posts", build, thread=thread.pk, low=2)
        names = [p.author.display_name for p in posts]

    assert [p.number for p in posts] == [3, 4]
    assert names == [student.display_name] * 2
    assert sql.instances("posts", build, thread=thread.pk + 1000, low=0) == []
    assert build.call_count == 1
    assert sql.instances("none", lambda: Post.objects.filter(pk__in=[])) == []
    with pytest.raises(ValueError, match="low"):
        sql.instances("ignored", lambda low: Post.objects.all(), low=1)
    with pytest.raises(TypeError, match="low"):
        sql.instances("text", lambda low: Post.objects.all(), low="1")  # type: ignore[arg-type]
