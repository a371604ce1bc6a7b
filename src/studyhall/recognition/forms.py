"""Forms for recognition pages; services do the real checks."""

from __future__ import annotations

from typing import Any

from django import forms

from studyhall.communities.models import Community
from studyhall.recognition.models import Certificate, Kind


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label="Your feedback for the author",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Only the author and the community's staff will see this.",
    )


class KudosForm(forms.Form):
    recipient = forms.ChoiceField(label="Who are you thanking?")
    note = forms.CharField(
        label="Note",
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Up to 280 characters.",
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a member")] + [
            (p.handle, f"{p.display_name} (@{p.handle})") for p in people
        ]


class GoalForm(forms.Form):
    target = forms.IntegerField(
        label="People to help each week", min_value=1, max_value=50
    )


class RequestForm(forms.Form):
    note = forms.CharField(
        label="What would you like feedback on?", max_length=300, required=False
    )


class ItemRequestForm(RequestForm):
    """Ask for feedback on a portfolio item, with the rubric of one's community."""

    community = forms.ModelChoiceField(
        label="Whose rubric and members?",
        queryset=Community.objects.none(),
        empty_label="Choose one of your communities",
        help_text="Members of this community who may see the item can respond.",
        error_messages={"required": "Choose one of your communities."},
    )

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = communities


class CriterionForm(forms.Form):
    name = forms.CharField(label="Criterion", max_length=80)
    description = forms.CharField(label="Description", max_length=300, required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                help_text=c.description,
                choices=[(str(i), str(i)) for i in range(1, 5)],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class RulesForm(forms.Form):
    leaderboards_enabled = forms.BooleanField(label="Show leaderboards", required=False)
    term_started_on = forms.DateField(
        label="The term began on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, rules: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, rule in rules.items():
            self.fields[f"{kind}_points"] = forms.IntegerField(
                label=f"{rule.label}: points",
                min_value=0,
                max_value=1000,
                initial=rule.points,
            )
            self.fields[f"{kind}_cap"] = forms.IntegerField(
                label=f"{rule.label}: daily cap",
                min_value=0,
                max_value=10_000,
                required=False,
                initial=rule.daily_cap,
            )
        self.kinds = list(rules)

    def rules(self) -> dict[str, tuple[int, int | None]]:
        return {
            k: (self.cleaned_data[f"{k}_points"], self.cleaned_data[f"{k}_cap"])
            for k in self.kinds
        }


class BadgeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    description = forms.CharField(label="Description", max_length=300)
    criteria = forms.CharField(
        label="Criteria", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    image = forms.FileField(label="Image (PNG, under 1 MB)", required=False)
    rule_kind = forms.ChoiceField(
        label="Awarded",
        choices=[("", "By instructors, by hand")]
        + [(k, f"Automatically, for: {label}") for k, label in Kind.choices],
        required=False,
    )
    rule_count = forms.IntegerField(
        label="How many times", min_value=1, max_value=10_000, initial=1
    )


class CertificateBatchForm(forms.Form):
    kind = forms.ChoiceField(label="Certificate", choices=Certificate.Kind.choices)
    members = forms.TypedMultipleChoiceField(
        label="Members", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.pk, f"{p.display_name} (@{p.handle})") for p in people]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200)
