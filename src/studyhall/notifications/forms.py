"""Forms for notification and email settings."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from studyhall.notifications.models import Digest, Level

HOURS = [(h, f"{h:02d}:00") for h in range(24)]
REMINDER_LEADS = [
    ("", "The site's default"),
    (15, "15 minutes"),
    (30, "30 minutes"),
    (60, "1 hour"),
    (120, "2 hours"),
    (24 * 60, "1 day"),
]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class PreferenceForm(forms.Form):
    email_mention = forms.BooleanField(
        required=False, label="Email me at once when someone @mentions me"
    )
    email_reply = forms.BooleanField(
        required=False, label="Email me at once about replies to my threads and posts"
    )
    email_message = forms.BooleanField(
        required=False, label="Email me at once about direct messages"
    )
    email_reminder = forms.BooleanField(
        required=False, label="Email me the reminders of study sessions"
    )
    digest = forms.ChoiceField(choices=Digest.choices, label="Digest email")
    digest_hour = forms.TypedChoiceField(
        choices=HOURS, coerce=int, label="Send my digest at"
    )
    time_zone = forms.ChoiceField(choices=(), label="My time zone")
    triage_digest = forms.BooleanField(
        required=False,
        label="Send me the instructors' triage digest for communities I teach",
    )
    daily_email_cap = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=500,
        label="Most immediate emails per day",
        help_text="Beyond this, the rest wait for your digest. Leave empty for the site's default.",
    )

    session_reminders = forms.BooleanField(
        required=False, label="Remind me of my study groups' sessions"
    )
    reminder_minutes = forms.TypedChoiceField(
        choices=REMINDER_LEADS,
        coerce=lambda v: int(v) if v else None,
        empty_value=None,
        required=False,
        label="Remind me this long before a session",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]


class LevelForm(forms.Form):
    level = forms.ChoiceField(
        choices=Level.choices, widget=forms.RadioSelect, label="How you hear about it"
    )

    def __init__(self, *args: Any, person: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if person:
            self.fields["level"].choices = [  # type: ignore[attr-defined]
                (Level.NORMAL, "Not muted"),
                (Level.MUTED, "Muted: nothing they do notifies me"),
            ]


class MuteForm(forms.Form):
    handle = forms.CharField(max_length=31, label="Mute a person by @handle")
