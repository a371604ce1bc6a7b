"""Forms that carry what people type; the services validate and explain."""

from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from studyhall.profiles.models import (
    PROFILE_FIELDS,
    Distinction,
    Opportunity,
    ShowcaseItem,
    Visibility,
)

FIELD_LABELS = {
    "pronouns": "Pronouns",
    "avatar": "Photo",
    "headline": "Headline",
    "bio": "About you",
    "interests": "Interests",
    "skills": "Skills",
    "objectives": "Learning objectives",
    "time_zone": "Time zone",
    "languages": "Languages",
    "links": "Links",
    "achievements": "Achievements",
}
TAGS_HELP = "Separate with commas."


def _text(
    label: str, *, help_text: str = "", autocomplete: str = "off"
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


class ProfileForm(forms.Form):
    is_public = forms.BooleanField(
        required=False,
        label="Make my profile public: fields set to “Anyone” show to visitors",
    )
    pronouns = _text("Pronouns", help_text="For example she/her, he/him, they/them.")
    headline = _text("Headline", help_text="One line, such as “MSc student in ML”.")
    bio = forms.CharField(
        label="About you",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: **bold**, *italic*, [links](https://example.org).",
    )
    interests = _text("Interests", help_text=TAGS_HELP)
    skills = _text("Skills", help_text=TAGS_HELP)
    objectives = forms.CharField(
        label="Learning objectives",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_zone = forms.ChoiceField(label="Time zone", required=False, choices=[])
    languages = _text("Languages", help_text=TAGS_HELP)
    website = _text("Website", autocomplete="url")
    linkedin = _text("LinkedIn profile address", autocomplete="url")
    github = _text("GitHub username")
    orcid = _text("ORCID iD", help_text="Like 0000-0002-1825-0097.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zones = [("", "Not set"), *((z, z) for z in sorted(available_timezones()))]
        self.fields["time_zone"].choices = zones  # type: ignore[attr-defined]
        for name in PROFILE_FIELDS:
            self.fields[f"{name}_visibility"] = forms.ChoiceField(
                label=f"Who sees: {FIELD_LABELS[name]}",
                choices=Visibility.choices,
                initial=Visibility.COMMUNITIES,
            )

    def visibility_fields(self) -> list[forms.BoundField]:
        return [self[f"{name}_visibility"] for name in PROFILE_FIELDS]

    def content_fields(self) -> list[forms.BoundField]:
        skip = {f"{name}_visibility" for name in PROFILE_FIELDS} | {"is_public"}
        return [self[name] for name in self.fields if name not in skip]


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="Photo",
        help_text="JPEG, PNG, GIF or WebP; it is cropped square and its metadata removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ConnectForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say how you know each other or why you'd like to connect.",
    )


class DistinctionClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label="I am", choices=Distinction.Kind.choices, initial="alum"
    )
    note = forms.CharField(
        label="What makes you one",
        strip=False,
        error_messages={
            "required": "Say what makes you one, such as your class year, your "
            "field or the organisation you represent."
        },
        max_length=600,
        help_text="Such as your class year, your field and where you work in it, "
        "or the employer or lab you represent as a partner. Owners of the "
        "community read it before they verify.",
    )


class DistinctionGrantForm(forms.Form):
    handle = forms.CharField(label="Member's handle", max_length=40)
    kind = forms.ChoiceField(label="Mark as", choices=Distinction.Kind.choices)
    note = forms.CharField(label="Note (optional)", required=False, max_length=600)


class MentorshipRequestForm(forms.Form):
    goal = forms.CharField(
        label="Your goal",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you would like to reach."},
        help_text="What would you like help with, and by when?",
    )


class MentoringForm(forms.Form):
    is_mentor = forms.BooleanField(required=False, label="I am taking mentees")
    areas = _text("Areas I can help with")
    availability = _text("Availability", help_text="For example “Tuesday evenings”.")
    capacity = forms.IntegerField(
        label="How many mentees at once", min_value=0, max_value=20, initial=2
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts at (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Give a date and time."},
    )
    duration_minutes = forms.IntegerField(label="Minutes", initial=30)
    topic = _text("Topic")
    place = _text("Where", help_text="A room or a video-call address.")


class ShowcaseForm(forms.Form):
    kind = forms.ChoiceField(choices=ShowcaseItem.Kind.choices, label="Kind")
    title = forms.CharField(
        label="Title",
        strip=False,
        error_messages={"required": "Give the item a title."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown.",
    )
    link = _text("Link", autocomplete="url")
    file = forms.FileField(
        label="File", required=False, help_text="A PDF or an image, up to 10 MB."
    )
    visibility = forms.ChoiceField(
        label="Who sees this item",
        choices=Visibility.choices,
        initial=Visibility.COMMUNITIES,
    )


class OpportunityForm(forms.Form):
    kind = forms.ChoiceField(choices=Opportunity.Kind.choices, label="Kind")
    title = forms.CharField(
        label="Title",
        strip=False,
        error_messages={"required": "Give the opportunity a title."},
    )
    organisation = _text("Organisation")
    description = forms.CharField(
        label="Description",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    apply_url = forms.CharField(
        label="Apply at",
        strip=False,
        error_messages={"required": "Give the address where people apply."},
        widget=forms.TextInput(attrs={"autocomplete": "url"}),
    )
    deadline = forms.DateField(
        label="Deadline",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the last day to apply."},
    )
    tags = _text("Tags", help_text=TAGS_HELP)
