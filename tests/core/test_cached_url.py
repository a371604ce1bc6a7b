"""`{% url %}` and `reverse_cached` answer exactly as Django's reversal does."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from studyhall.core import urls as cached_urls
from studyhall.core.urls import reverse_cached


def _view(request: Any) -> None:  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [
    path("one/<str:word>/", _view, name="one"),
    path("two/<int:pk>/<slug:slug>/", _view, name="two"),
]


def _django_engine() -> Engine:
    """An engine with Django's own `{% url %}`, to compare against."""
    return Engine(builtins=[])


def _render(source: str, context: dict[str, Any], *, ours: bool = True) -> str:
    if ours:
        return Template(source).render(Context(context))
    return _django_engine().from_string(source).render(Context(context))


def test_the_template_builtin_is_ours() -> None:
    template = Template("{% url 'discussions:thread-detail' 1 %}")
    assert type(template.nodelist[0]).__name__ == "CachedURLNode"


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("{% url 'discussions:thread-detail' pk %}", {"pk": 7}),
        ("{% url 'discussions:thread-detail' pk=pk %}", {"pk": 7}),
        ("{% url 'discussions:thread-detail' '7' %}", {}),
        ("{% url name pk %}", {"name": "discussions:thread-detail", "pk": 12}),
        ("{% url 'communities:community-about' slug %}", {"slug": "a-b"}),
        ("{% url 'discussions:thread-detail' pk as u %}[{{ u }}]", {"pk": 3}),
        ("{% url 'no-such-name' as u %}[{{ u }}]", {}),
        (
            "{% url 'communities:community-about' slug=slug as u %}{{ u }}",
            {"slug": "x"},
        ),
    ],
)
def test_the_same_output_as_djangos_url_tag(
    source: str, context: dict[str, Any]
) -> None:
    expected = _render(source, context, ours=False)
    assert _render(source, context) == expected
    assert _render(source, context) == expected  # and again, remembered


def test_an_unknown_name_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            _render("{% url 'no-such-name' %}", {})
        with pytest.raises(NoReverseMatch):
            reverse_cached("no-such-name")


def test_arguments_that_do_not_match_raise_every_time() -> None:
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reverse_cached("discussions:thread-detail", args=["not-a-number"])


def test_values_of_different_types_are_kept_apart() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        assert reverse_cached("one", args=[1]) == "/one/1/"
        assert reverse_cached("one", args=[True]) == "/one/True/"
        assert reverse_cached("one", args=["1"]) == "/one/1/"
        assert reverse_cached("one", kwargs={"word": True}) == "/one/True/"


def test_other_arguments_are_reversed_afresh() -> None:
    class Handle:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    handle = Handle("a")
    with override_settings(ROOT_URLCONF=__name__):
        assert reverse_cached("one", args=[handle]) == "/one/a/"
        handle.text = "b"
        assert reverse_cached("one", args=[handle]) == "/one/b/"


def test_escaped_as_django_escapes() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        source = "{% url 'one' w %}"
        context = {"w": "a&b"}
        assert _render(source, context) == _render(source, context, ours=False)


def test_a_new_urlconf_forgets_what_was_remembered() -> None:
    assert reverse_cached("discussions:thread-detail", args=[5]) == reverse(
        "discussions:thread-detail", args=[5]
    )
    with override_settings(ROOT_URLCONF=__name__):
        with pytest.raises(NoReverseMatch):
            reverse_cached("discussions:thread-detail", args=[5])
        assert reverse_cached("two", kwargs={"pk": 1, "slug": "s"}) == "/two/1/s/"
    with pytest.raises(NoReverseMatch):
        reverse_cached("two", kwargs={"pk": 1, "slug": "s"})


def test_the_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cached_urls, "MAX_ENTRIES", 3)
    with override_settings(ROOT_URLCONF=__name__):
        for i in range(10):
            assert reverse_cached("one", args=[f"w{i}"]) == f"/one/w{i}/"
        assert len(cached_urls._table()) == 3


def test_the_script_prefix_is_part_of_the_key() -> None:
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    with override_settings(ROOT_URLCONF=__name__):
        try:
            assert reverse_cached("one", args=["x"]) == "/one/x/"
            set_script_prefix("/sub/")
            assert reverse_cached("one", args=["x"]) == "/sub/one/x/"
        finally:
            set_script_prefix(before)
