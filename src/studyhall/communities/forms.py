from __future__ import annotations

from django import forms

from studyhall.communities.models import Community, Role


class CommunityForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    kind = forms.ChoiceField(choices=Community.Kind.choices)
    visibility = forms.ChoiceField(choices=Community.Visibility.choices)
    joining = forms.ChoiceField(choices=Community.Joining.choices)
    anonymity = forms.ChoiceField(
        choices=Community.Anonymity.choices,
        help_text="Instructors and moderators always see who wrote an anonymous post.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class CommunitySettingsForm(CommunityForm):
    """The community's settings, with what its educator analytics show."""

    analytics_show_names = forms.BooleanField(
        required=False,
        label="Show learners' names in analytics",
        help_text="Off: learners appear only as counts and numbered rows.",
    )
    analytics_include_chat = forms.BooleanField(
        required=False,
        label="Count chat messages in analytics",
        help_text="Only how many, in public rooms; never what they say.",
    )
    analytics_min_group = forms.IntegerField(
        min_value=1,
        max_value=50,
        label="Smallest group analytics may describe",
        help_text="A figure about fewer people than this is suppressed.",
    )
    analytics_moderators = forms.BooleanField(
        required=False, label="Moderators may see analytics"
    )
    analytics_mentors = forms.BooleanField(
        required=False, label="Mentors may see analytics"
    )
