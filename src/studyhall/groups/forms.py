"""Forms of the study-group pages; services do the real validation."""

from __future__ import annotations

import zoneinfo

from django import forms

from studyhall.groups.models import AVAILABILITY, RSVP, StudyGroup, Task

ZONES = sorted(zoneinfo.available_timezones())
ZONE_CHOICES = [(z, z) for z in ZONES]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=120)
    goal = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    course = forms.CharField(max_length=80, required=False)
    subject = forms.CharField(max_length=120, required=False)
    exam_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity = forms.IntegerField(initial=8, min_value=2, max_value=500)
    visibility = forms.ChoiceField(choices=StudyGroup.Visibility.choices)
    language = forms.CharField(max_length=40, required=False)
    time_zone = forms.ChoiceField(choices=ZONE_CHOICES, initial="UTC")
    availability = forms.MultipleChoiceField(
        choices=AVAILABILITY, required=False, widget=forms.CheckboxSelectMultiple
    )
    organizers = forms.CharField(
        required=False,
        help_text="Handles of other organizers, separated by commas.",
    )


class FindForm(forms.Form):
    course = forms.CharField(required=False)
    subject = forms.CharField(required=False, label="Subject or name")
    language = forms.CharField(required=False)
    availability = forms.ChoiceField(
        choices=[("", "Any time"), *AVAILABILITY], required=False
    )
    time_zone = forms.ChoiceField(
        choices=[("", "Any time zone"), *ZONE_CHOICES],
        required=False,
        label="Overlaps my time zone",
    )
    open_seats = forms.BooleanField(required=False, label="Only groups with open seats")


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(choices=ZONE_CHOICES)
    languages = forms.CharField(
        required=False, help_text="Languages you study in, separated by commas."
    )
    availability = forms.MultipleChoiceField(
        choices=AVAILABILITY, required=False, widget=forms.CheckboxSelectMultiple
    )


class ResourceForm(forms.Form):
    title = forms.CharField(max_length=200)
    url = forms.CharField(required=False, label="Link")
    file = forms.FileField(required=False)


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200, label="Task")
    assignee = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: object, members: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].choices = [("", "Nobody yet"), *members]  # type: ignore[attr-defined]


class TaskUpdateForm(TaskForm):
    title = None  # type: ignore[assignment]
    status = forms.ChoiceField(choices=Task.Status.choices)


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Comment")


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(choices=ZONE_CHOICES)
    duration_minutes = forms.IntegerField(initial=60, label="Duration (minutes)")
    weeks = forms.IntegerField(
        initial=1,
        min_value=1,
        max_value=104,
        label="Number of weekly meetings",
        help_text="1 for a one-off session.",
    )
    meeting_link = forms.CharField(
        required=False, help_text="A Jitsi, BigBlueButton or Zoom address."
    )


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(choices=RSVP.Answer.choices, widget=forms.RadioSelect)


class NotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)


class InviteForm(forms.Form):
    handle = forms.CharField(max_length=30, label="Handle of the person to invite")
