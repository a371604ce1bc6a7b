"""Forms of the library pages; services do the real validation."""

from __future__ import annotations

from django import forms

from studyhall.library.models import LibraryItem


class ItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=LibraryItem.Kind.choices)
    authors = forms.CharField(
        required=False, help_text="Separate authors with semicolons."
    )
    year = forms.IntegerField(required=False)
    url = forms.CharField(required=False, label="Link (URL)")
    doi = forms.CharField(required=False, label="DOI")
    file = forms.FileField(required=False)
    tags = forms.CharField(required=False, help_text="Separate tags with commas.")
    course = forms.CharField(required=False, max_length=80)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class BibtexForm(forms.Form):
    bibtex = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), label="BibTeX entries"
    )
    course = forms.CharField(required=False, max_length=80)


class DoiForm(forms.Form):
    doi = forms.CharField(label="DOI", help_text="For example 10.1145/3313831.3376718")
    title = forms.CharField(max_length=300, label="Title of the work")


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment")


class RecommendForm(forms.Form):
    course = forms.CharField(max_length=80, label="Recommended for course")
