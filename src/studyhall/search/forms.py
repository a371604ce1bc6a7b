from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.functions import Lower

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.search import registry
from studyhall.search.selectors import ANSWERED_CHOICES, Filters


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=300,
        label="Search for",
        help_text='Words to find; put "exact phrases" in double quotes.',
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    community = forms.ChoiceField(required=False, label="Community")
    kind = forms.ChoiceField(required=False, label="Kind")
    author = forms.CharField(
        required=False,
        max_length=40,
        label="Author",
        help_text="A handle, such as ada.",
    )
    after = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    before = forms.DateField(
        required=False,
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    answered = forms.ChoiceField(
        required=False, choices=list(ANSWERED_CHOICES.items()), label="Questions"
    )
    has_code = forms.BooleanField(required=False, label="Has code")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        communities = policy.visible(
            user, policy.listed(user, Community.objects.all())
        ).order_by("name")
        self.communities = {c.slug: c for c in communities}
        field = self.fields["community"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All communities")] + [
            (c.slug, c.name) for c in self.communities.values()
        ]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Everything"), *registry.choices()]

    def clean_community(self) -> Community | None:
        slug = self.cleaned_data.get("community") or ""
        return self.communities.get(slug) if slug else None

    def clean_author(self) -> User | None:
        handle = (self.cleaned_data.get("author") or "").strip().lstrip("@")
        if not handle:
            return None
        person = (
            User.objects.annotate(handle_lower=Lower("handle"))
            .filter(handle_lower=handle.lower(), is_active=True)
            .first()
        )
        if person is None:
            raise forms.ValidationError(f"No one has the handle “{handle}”.")
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("after"), data.get("before")
        if after and before and after > before:
            self.add_error("before", "Choose an end date on or after the start date.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            text=data.get("q") or "",
            community=data.get("community"),
            kind=data.get("kind") or "",
            author=data.get("author"),
            after=data.get("after"),
            before=data.get("before"),
            answered=data.get("answered") or "",
            has_code=bool(data.get("has_code")),
        )


class MergeForm(forms.Form):
    into = forms.CharField(
        max_length=300,
        label="Merge into thread",
        help_text="The number or address of the thread that keeps the question, "
        "such as 42 or /t/42/.",
        error_messages={"required": "Say which thread to merge into."},
    )

    def clean_into(self) -> int:
        value = (self.cleaned_data.get("into") or "").strip().rstrip("/")
        pk = parse_id(value.rsplit("/", 1)[-1])
        if pk is None:
            raise forms.ValidationError(
                "Give a thread number (42) or a thread address (/t/42/)."
            )
        return pk
