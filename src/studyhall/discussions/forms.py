from __future__ import annotations

from django import forms

from studyhall.discussions.models import Category, Thread

# Lengths are checked by the services, which give the clear messages; the
# forms carry the fields so that a rejected form keeps what was typed.
TITLE_REQUIRED = {"required": "Give your post a title."}
BODY_REQUIRED = {"required": "Write something before posting."}


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(choices=Thread.Kind.choices, initial=Thread.Kind.QUESTION)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False)
    title = forms.CharField(
        error_messages=TITLE_REQUIRED,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="A question in one sentence: what you tried and where you are stuck.",
    )
    body = forms.CharField(
        error_messages=BODY_REQUIRED,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: **bold**, `code`, ```fenced code```, $maths$, > quotes, @handle.",
    )
    is_anonymous = forms.BooleanField(
        required=False, label="Post anonymously to classmates"
    )
    is_pinned = forms.BooleanField(required=False, label="Pin to the top of the list")

    def __init__(
        self,
        *args: object,
        categories: list[Category],
        kinds: list[tuple[str, str]],
        can_anonymous: bool,
        can_pin: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in categories]
        )
        self.fields["category"].empty_label = "No category"  # type: ignore[attr-defined]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        if not can_anonymous:
            del self.fields["is_anonymous"]
        if not can_pin:
            del self.fields["is_pinned"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        error_messages=BODY_REQUIRED,
        strip=False,
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, `code`, ```fenced code```, $maths$, > quotes, @handle.",
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    is_anonymous = forms.BooleanField(
        required=False, label="Reply anonymously to classmates"
    )

    def __init__(self, *args: object, can_anonymous: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not can_anonymous:
            del self.fields["is_anonymous"]


class EditForm(forms.Form):
    title = forms.CharField(error_messages=TITLE_REQUIRED, strip=False)
    body = forms.CharField(
        error_messages=BODY_REQUIRED,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args: object, with_title: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not with_title:
            del self.fields["title"]


class CategoryForm(forms.Form):
    name = forms.CharField(
        max_length=80, error_messages={"required": "Give the category a name."}
    )
    description = forms.CharField(required=False, max_length=300)
    anonymity = forms.ChoiceField(choices=Category.Anonymity.choices)
