"""The resource library: adding, importing, exporting, rating, recommending,
sorting, privacy of group shelves and citations in posts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyhall import policy
from studyhall.core.errors import DomainError
from studyhall.discussions.services import create_thread
from studyhall.library import bibtex, selectors, services
from studyhall.library.models import LibraryItem
from studyhall.policy import Action
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db

BIB = r"""
@article{knuth1984,
  author = {Donald E. Knuth and Leslie Lamport},
  title = {Literate {P}rogramming},
  journal = "The Computer Journal",
  year = 1984,
  doi = {https://doi.org/10.1093/comjnl/27.2.97},
  keywords = {programming, documentation},
}
@comment{ignored}
@book{sicp, title={Structure and Interpretation of Computer Programs}, year={1996}}
"""


def test_bibtex_import_and_export_round_trip(student, community):
    items = services.import_bibtex(student, community, BIB, course="CS1")

    assert [i.title for i in items] == [
        "Literate Programming",
        "Structure and Interpretation of Computer Programs",
    ]
    first = items[0]
    assert first.authors == "Donald E. Knuth; Leslie Lamport"
    assert first.doi == "10.1093/comjnl/27.2.97" and first.year == 1984
    assert first.tag_list == ["programming", "documentation"]
    exported = bibtex.to_bibtex(
        selectors.export_rows(selectors.shelf(student, community))
    )
    again = bibtex.parse_bibtex(exported)
    assert {r.title for r in again} == {i.title for i in items}
    assert any(r.doi == "10.1093/comjnl/27.2.97" for r in again)


@pytest.mark.parametrize("text", ["", "no entries here", "@article{k, title={unclosed"])
def test_bad_bibtex_is_refused_with_a_message(student, community, text):
    with pytest.raises(ValidationError) as caught:
        services.import_bibtex(student, community, text)

    assert "bibtex" in caught.value.message_dict


def test_doi_strings_are_parsed_without_lookups(student, community):
    item = services.import_doi(
        student, community, "doi:10.1145/3313831.3376718", title="A paper"
    )

    assert item.doi == "10.1145/3313831.3376718"
    assert item.link == "https://doi.org/10.1145/3313831.3376718"
    with pytest.raises(ValidationError):
        services.import_doi(student, community, "not a doi", title="x")


def test_useful_recommended_and_new_sorts(
    student, instructor, other_student, community
):
    old = services.add_item(
        student, community, services.ItemFields(title="Old", course="ML")
    )
    useful = services.add_item(student, community, services.ItemFields(title="Useful"))
    new = services.add_item(student, community, services.ItemFields(title="New"))
    services.toggle_useful(other_student, useful)
    services.toggle_useful(instructor, useful)
    services.recommend(instructor, old, course="ML")

    def order(sort):
        return [i.title for i in selectors.shelf(student, community, sort=sort)]

    assert order("recommended")[0] == "Old"
    assert order("useful")[0] == "Useful"
    assert order("new")[0] == new.title
    with pytest.raises(DomainError):
        services.recommend(instructor, old, course="ML")
    with pytest.raises(PermissionDenied):
        services.recommend(student, useful, course="ML")


def test_useful_toggles_and_reading_list(student, other_student, community):
    item = services.add_item(student, community, services.ItemFields(title="T"))

    assert services.toggle_useful(other_student, item) is True
    assert services.toggle_useful(other_student, item) is False
    services.toggle_reading_list(other_student, item)
    services.comment_on_item(other_student, item, body="Great intro")

    item.refresh_from_db()
    assert item.useful_count == 0 and item.comment_count == 1
    assert selectors.reading_list(other_student) == [item]


def test_bad_item_fields_are_refused(student, community):
    with pytest.raises(ValidationError) as caught:
        services.add_item(
            student,
            community,
            services.ItemFields(
                title="", year=3000, url="javascript:alert(1)", doi="xx"
            ),
        )

    assert set(caught.value.message_dict) == {"title", "year", "url", "doi"}


def test_group_shelf_is_private_to_members(student, other_student, community):
    group = make_group(student, community)
    item = services.add_item(
        student, community, services.ItemFields(title="Ours"), group=group
    )
    policy.forget(other_student)

    assert not policy.can(other_student, Action.VIEW, item)
    assert item not in policy.visible(other_student, LibraryItem.objects.all())
    assert policy.can(student, Action.VIEW, item)


def test_posts_cite_library_items_as_link_cards(student, community):
    item = services.add_item(
        student,
        community,
        services.ItemFields(title="Attention <is> all", authors="Vaswani", year=2017),
    )
    group = make_group(student, community)
    private = services.add_item(
        student, community, services.ItemFields(title="Shelf secret"), group=group
    )

    thread = create_thread(
        student,
        community,
        title="Refs",
        body=f"See [[lib:{item.pk}]] and [[lib:{private.pk}]] and [[lib:99999]].",
    )

    html = thread.posts.get(number=1).body_html
    assert f'class="cite-card" href="/library/{item.pk}/"' in html
    assert "Attention &lt;is&gt; all (Vaswani, 2017)" in html
    assert "Shelf secret" not in html
    assert f"[[lib:{private.pk}]]" in html and "[[lib:99999]]" in html


def test_library_list_query_count_is_flat(client, student, community):
    for i in range(3):
        services.add_item(student, community, services.ItemFields(title=f"A{i}"))
    client.force_login(student)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/c/{community.slug}/library/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(20):
        item = services.add_item(student, community, services.ItemFields(title=f"B{i}"))
        services.recommend(make_member(community, "instructor"), item, course="X")
    assert count() == few


def test_library_pages_work(client, student, community):
    client.force_login(student)
    response = client.post(
        f"/c/{community.slug}/library/new/",
        {"which": "bibtex", "bib-bibtex": BIB, "bib-course": ""},
    )
    assert response.status_code == 302
    item = LibraryItem.objects.first()
    assert client.get(f"/library/{item.pk}/").status_code == 200
    export = client.get(f"/c/{community.slug}/library/export.bib")
    assert export["Content-Disposition"].startswith("attachment")
    assert b"@article" in export.content
    bad = client.post(
        f"/c/{community.slug}/library/new/",
        {"which": "item", "title": "Kept title", "kind": "paper", "year": "3000"},
    )
    assert 'value="Kept title"' in bad.content.decode()


def test_citations_stay_plain_text_without_a_resolver_or_inside_links():
    from studyhall.core.markdown import render_markdown

    def resolve(pk):
        return ("Title", "/library/1/")

    assert "[[lib:1]]" in render_markdown("See [[lib:1]]")
    assert "[[lib:1]]" in render_markdown("`[[lib:1]]`", resolve_citation=resolve)
    # Link labels are scanned in silent mode first.
    assert "Title" in render_markdown(
        "[a [[lib:1]] b](https://example.org)", resolve_citation=resolve
    )
    assert "cite-card" in render_markdown("[[lib:1]]", resolve_citation=resolve)
    assert "[[lib:0]]" in render_markdown("[[lib:0]]", resolve_citation=resolve)
