from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from studyhall.discussions.models import PostLabel
from studyhall.moderation.models import AuditEntry, Reason

# Lengths and rules are checked by the services, which give the clear
# messages; the forms carry the fields so a rejected form keeps the text.


def restriction_days() -> forms.IntegerField:
    """How long a mute or suspension lasts, for community and site actions."""
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        label="For how many days",
        help_text="For muting and suspending.",
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything moderators should know",
        help_text="Needed when you choose “Something else”. Moderators see your "
        "name; the author does not.",
    )


CONTENT_ACTION_CHOICES = [
    ("hide", "Hide pending review (the author is told and may appeal)"),
    ("restore", "Restore (show it again)"),
    ("dismiss", "Dismiss the flags (nothing wrong)"),
    ("delete", "Delete"),
    ("deny_appeal", "Deny the appeal (the decision stands)"),
]


class ContentActionForm(forms.Form):
    action = forms.ChoiceField(choices=CONTENT_ACTION_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log; the author sees it when content is hidden.",
    )


class ModeratorEditForm(forms.Form):
    body = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 12}))
    reason = forms.CharField(
        strip=False,
        label="Reason for the edit",
        help_text="Kept in the audit log. The earlier text stays in the history.",
    )


class ThreadActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("lock", "Lock (only moderators can reply)"),
            ("unlock", "Unlock"),
            ("move", "Move to the category chosen below"),
            ("slow", "Set slow mode to the seconds below (0 turns it off)"),
        ],
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(required=False, label="Category")
    seconds = forms.IntegerField(
        required=False, min_value=0, max_value=86_400, label="Slow mode seconds"
    )
    reason = forms.CharField(required=False, strip=False)

    def __init__(
        self, *args: object, categories: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", "No category"), *categories]  # type: ignore[attr-defined]


class RestrictForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("warn", "Warn"),
            ("mute", "Mute: may read, may not post, reply, react or flag"),
            ("suspend", "Suspend: no access as a member for a while"),
            ("ban", "Ban from the community"),
            ("lift", "Lift every restriction"),
        ],
        widget=forms.RadioSelect,
    )
    days = restriction_days()
    reason = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The member sees this reason.",
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why should moderators look again?",
        help_text="You can appeal once.",
        error_messages={"required": "Say why the decision should change."},
    )


class SettingsForm(forms.Form):
    auto_hide_threshold = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Hide automatically after this many flags from trusted members",
        help_text="0 turns automatic hiding off. Hidden content waits for review.",
    )
    guidelines = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Community guidelines",
        help_text="Markdown. Linked from every composer.",
    )
    word_filter = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Word filter",
        help_text="One rule a line: “word = block” refuses the post, “word = hold” "
        "hides it for review, “word = replace: ***” replaces the word.",
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any action"), *AuditEntry.Kind.choices],
        label="Action",
    )
    actor = forms.CharField(required=False, label="By (handle)")
    target = forms.CharField(required=False, label="Member concerned (handle)")
    since = forms.DateField(
        required=False,
        label="Since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def filters(self) -> dict[str, Any]:
        """The chosen filters as the audit log selectors take them (none when
        the form is empty or invalid); "since" starts at that day's midnight."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        since = data.get("since")
        return {
            "kind": data.get("kind") or "",
            "actor": (data.get("actor") or "").strip(),
            "target": (data.get("target") or "").strip(),
            "since": timezone.make_aware(datetime.combine(since, time.min))
            if since
            else None,
        }


class LabelForm(forms.Form):
    label = forms.ChoiceField(
        required=False,
        choices=[("", "No label"), *PostLabel.choices],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown beside the label. Needed for “Needs correction”.",
    )


class BlackoutForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    categories = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: posting closes everywhere in the community.",
    )
    notice = forms.CharField(
        strip=False,
        label="Notice for members",
        help_text="Shown beside every composer while posting is closed.",
    )

    def __init__(
        self, *args: object, categories: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]


class TrustForm(forms.Form):
    level = forms.ChoiceField(
        required=False,
        label="Trust level",
        choices=[
            ("", "Earned by taking part"),
            ("0", "New: limits on links, images and mentions"),
            ("1", "Member: flags count towards automatic hiding"),
            ("2", "Trusted"),
        ],
    )


class DirectReportForm(forms.Form):
    reason = FlagForm.base_fields["reason"]
    note = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything the administrators should know",
        help_text="Needed when you choose “Something else”. The administrators "
        "see your name; the author does not.",
    )
    context_count = forms.TypedChoiceField(
        coerce=int,
        initial=0,
        choices=[(n, str(n)) for n in range(6)],
        label="Earlier messages to share with it",
        help_text="0 to 5 messages just before this one, to show what it answers. "
        "Nothing else of the conversation is shared.",
    )
    block_author = forms.BooleanField(
        required=False,
        label="Also block the author",
        help_text="They can no longer message you; they are not told.",
    )


SITE_ACTION_CHOICES = [
    ("dismiss", "Dismiss the report (nothing wrong)"),
    ("delete", "Delete the message"),
    ("warn", "Warn the author"),
    ("mute", "Mute the author from direct messages for some days"),
    ("suspend", "Suspend the author's account for some days"),
    ("deny_appeal", "Deny the appeal (the decision stands)"),
    ("lift", "Lift this case's mute or suspension (grants a pending appeal)"),
]


class SiteActionForm(forms.Form):
    action = forms.ChoiceField(choices=SITE_ACTION_CHOICES, widget=forms.RadioSelect)
    days = restriction_days()
    reason = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log; the author sees it.",
    )
