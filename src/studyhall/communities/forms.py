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
