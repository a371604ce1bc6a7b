"""Forms of the live-session pages; services do the real validation."""

from __future__ import annotations

from typing import Any

from django import forms

from studyhall.groups.models import StudySession
from studyhall.live.models import Poll


class LiveForm(forms.Form):
    title = forms.CharField(max_length=200)
    study_session = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Scheduled session"
    )

    def __init__(self, *args: Any, sessions: list[StudySession], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["study_session"]
        field.choices = [("", "None"), *[(s.pk, s.title) for s in sessions]]  # type: ignore[attr-defined]
        if not sessions:
            del self.fields["study_session"]


class PollForm(forms.Form):
    question = forms.CharField(max_length=300, label="Poll question")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="One option per line."
    )
    kind = forms.ChoiceField(choices=Poll.Kind.choices, label="Choices")
    is_anonymous = forms.BooleanField(
        required=False, initial=True, label="Anonymous voting"
    )
