"""Chat forms. The services check lengths and rules and give the messages;
the forms carry the fields so a rejected form keeps what was typed."""

from __future__ import annotations

from django import forms

from studyhall.chat.models import Room

BODY_REQUIRED = {"required": "Write something before sending."}


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        error_messages=BODY_REQUIRED,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown: **bold**, `code`, $maths$, links, @handle.",
    )
    client_id = forms.CharField(required=False, widget=forms.HiddenInput)


class RoomForm(forms.Form):
    name = forms.CharField(
        max_length=80, error_messages={"required": "Give the room a name."}
    )
    topic = forms.CharField(max_length=300, required=False)
    access = forms.ChoiceField(choices=Room.Access.choices, initial=Room.Access.PUBLIC)


class ConversationForm(forms.Form):
    handles = forms.CharField(
        label="People",
        error_messages={"required": "Name at least one person."},
        help_text="Handles separated by spaces or commas, such as @ana @ben (up to 9).",
    )


class MoveForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the question a title."},
        help_text="The question in one sentence, as it will show on the board.",
    )


class PersonForm(forms.Form):
    handle = forms.CharField(
        label="Handle", error_messages={"required": "Name a person by handle."}
    )
