"""Download my data (contents, progress, expiry, access) and delete my account
(grace period, cancel, erase or keep, and a scan of every table afterwards)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Post, Thread
from studyhall.moderation import services as moderation
from studyhall.moderation.registry import POST
from studyhall.privacy import services
from studyhall.privacy.models import AccountDeletion, DataExport
from studyhall.realtime.models import Event
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
EMAIL = "ada.lovelace.unique@example.org"
NAME = "Ada Zyxwvut Lovelace"
TEXT = "Quokka-ephemeral-secret-98127"


@pytest.fixture
def person(community):
    return make_member(community, "student", email=EMAIL, display_name=NAME)


@pytest.fixture
def history(community, person, other_student, moderator):
    """Everything a person leaves behind: threads, replies, edits, reactions,
    drafts, flags, an appeal, a session."""
    own = ask(person, community, title=f"Title {TEXT}", body=f"Opening {TEXT}")
    other = ask(other_student, community, title="Someone else's question")
    reply = answer(person, other, body=f"Reply {TEXT}")
    discussions.edit_post(person, reply, body=f"Edited reply {TEXT}")
    peer_reply = answer(other_student, own, body="A peer's answer stays")
    discussions.toggle_reaction(person, peer_reply, kind="thanks")
    discussions.save_draft(person, key=f"reply:{other.pk}", body=f"Draft {TEXT}")
    moderation.flag_content(
        person, POST, peer_reply, reason="other", note=f"Flag {TEXT}"
    )
    moderation.moderate_content(moderator, POST, reply, action="hide", reason="Check")
    moderation.appeal(person, moderation.case_for(POST, reply), text=f"Appeal {TEXT}")
    return {"own": own, "other": other, "reply": reply, "peer_reply": peer_reply}


@pytest.fixture
def wider_history(community, person, other_student, owner, instructor):
    """What a person leaves beyond the boards: a chat message, a profile and a
    portfolio file, a group resource, a library file, kudos, points, a badge
    and a certificate."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from studyhall.chat import services as chat
    from studyhall.groups import services as groups
    from studyhall.library import services as library
    from studyhall.moderation import direct
    from studyhall.profiles import services as profiles
    from studyhall.recognition.services import badges, certificates, feedback
    from tests.factories import make_group

    room = chat.start_conversation(person, [other_student])
    chat.send_message(person, room, body=f"Message {TEXT}")
    # Direct messages reported both ways: the person's report (with what it
    # shared) and a report of theirs that shared their earlier message too.
    rude, _ = chat.send_message(other_student, room, body="Rude reply")
    direct.report_direct_message(
        person, rude, reason="other", note=f"Report {TEXT}", context_count=1
    )
    later, _ = chat.send_message(person, room, body=f"Later {TEXT}")
    direct.report_direct_message(other_student, later, reason="spam", context_count=2)
    chat.update_presence(person, room.pk, True)
    profiles.update_profile(person, headline=f"Headline {TEXT}", bio=f"Bio {TEXT}")
    profiles.add_showcase_item(
        person,
        title=f"Project {TEXT}",
        upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4 portfolio"),
    )
    group = make_group(person, community, name=f"Group {TEXT}")
    groups.add_resource(
        person,
        group,
        title=f"Resource {TEXT}",
        upload=SimpleUploadedFile("notes.txt", f"Notes {TEXT}".encode()),
    )
    library.add_item(
        person,
        community,
        library.ItemFields(title=f"Paper {TEXT}"),
        upload=SimpleUploadedFile("paper.pdf", b"%PDF-1.4 paper"),
    )
    feedback.give_kudos(other_student, community, person, note="Thanks, Ada")
    badge = badges.define_badge(
        owner,
        community,
        name="Helper",
        description="Helps others",
        criteria="Answer questions",
    )
    badges.award_badge(owner, badge, person)
    certificates.issue_certificate(
        community, person, kind="participation", issued_by=instructor
    )
    return {"group": group, "room": room}


def read_zip(export):
    from django.core.files.storage import default_storage

    with default_storage.open(export.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_export_contains_everything_the_person_created(
    client, person, history, django_capture_on_commit_callbacks
):
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export-request"))

    export = DataExport.objects.get()
    assert export.status == "ready" and export.progress == 100
    assert export.expires_at - export.ready_at == timedelta(days=7)
    files = read_zip(export)
    assert json.loads(files["profile.json"])["email"] == EMAIL
    posts = json.loads(files["posts.json"])
    assert {p["body"] for p in posts} >= {f"Opening {TEXT}", f"Edited reply {TEXT}"}
    assert any(
        v["body"] == f"Reply {TEXT}" for p in posts for v in p["earlier_versions"]
    )
    assert TEXT in files["threads.json"]
    assert TEXT in files["drafts.json"] and TEXT in files["flags.json"]
    assert TEXT in files["appeals.json"]
    assert json.loads(files["reactions.json"])[0]["kind"] == "thanks"
    assert "A peer's answer stays" not in "".join(files.values())
    assert Event.objects.filter(stream=f"user.{person.pk}", type="export.ready")

    page = client.get(reverse("privacy:my-data"))
    download_url = reverse("privacy:export-download", args=[export.pk])
    assert download_url in page.content.decode()
    response = client.get(download_url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_export_holds_messages_profile_badges_points_and_uploaded_files(
    person, history, wider_history
):
    export = DataExport.objects.create(user=person)

    services.build_export(export.pk)

    files = read_zip(DataExport.objects.get(pk=export.pk))
    assert TEXT in files["chat/messages.json"]
    assert TEXT in files["profile/details.json"]
    assert TEXT in files["profile/showcase.json"]
    assert TEXT in files["groups/resources.json"]
    assert TEXT in files["library/items.json"]
    assert json.loads(files["recognition/badges.json"])[0]["badge"] == "Helper"
    assert json.loads(files["recognition/points.json"])
    assert json.loads(files["recognition/certificates.json"])[0]["kind"] == (
        "participation"
    )
    assert "Thanks, Ada" in files["recognition/kudos_received.json"]
    reports = json.loads(files["flags.json"])
    (shared,) = [f["shared_messages"] for f in reports if f["shared_messages"]]
    assert [e["html"].strip() for e in shared] == [
        f"<p>Message {TEXT}</p>",
        "<p>Rude reply</p>",
    ]
    assert "salt" not in files["recognition/badges.json"]
    uploaded = {name: body for name, body in files.items() if name.startswith("files/")}
    assert any(body == f"Notes {TEXT}" for body in uploaded.values())
    assert any(n.startswith("files/profile/showcase/") for n in uploaded)
    assert any(n.startswith("files/library/items/") for n in uploaded)
    resource = json.loads(files["groups/resources.json"])[0]
    assert resource["file"] in files


def test_only_the_owner_downloads_and_only_before_expiry(client, person, other_student):
    export = DataExport.objects.create(user=person)
    services.build_export(export.pk)
    url = reverse("privacy:export-download", args=[export.pk])
    client.force_login(other_student)
    assert client.get(url).status_code == 404

    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(person)
    assert client.get(url).status_code == 404
    assert services.purge_expired_exports() == 1
    assert not DataExport.objects.exists()


def test_a_second_request_while_preparing_returns_the_first(person):
    first = services.request_export(person)

    assert services.request_export(person) == first


def test_deletion_waits_for_the_grace_period_and_can_be_cancelled(client, person):
    client.force_login(person)
    bad = client.post(reverse("privacy:my-data"), {"mode": "erase", "password": "no"})
    client.post(reverse("privacy:my-data"), {"mode": "erase", "password": PASSWORD})

    assert bad.status_code == 400
    deletion = AccountDeletion.objects.get()
    assert deletion.due_at > timezone.now() + timedelta(days=13)
    assert services.run_due_deletions() == 0
    client.post(reverse("privacy:deletion-cancel"))
    assert not AccountDeletion.objects.exists()


def scan_for(needles):
    """Return (model, field) pairs where any needle still appears."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(
                field, (models.CharField, models.TextField, models.JSONField)
            ):
                continue
            for needle in needles:
                lookup = f"{field.attname}__icontains"
                if isinstance(field, models.JSONField):
                    rows = model.objects.values_list(field.attname, flat=True)
                    if any(needle.lower() in json.dumps(r).lower() for r in rows):
                        found.append((model.__name__, field.name, needle))
                elif model._default_manager.filter(**{lookup: needle}).exists():
                    found.append((model.__name__, field.name, needle))
    return found


def test_erasing_leaves_no_trace_of_email_name_or_text(client, person, history):
    handle = person.handle
    client.force_login(person)
    client.get("/")  # A recorded session.
    services.request_deletion(person, mode="erase", password=PASSWORD)
    AccountDeletion.objects.update(due_at=timezone.now() - timedelta(seconds=1))

    call_command("privacy_housekeeping", stdout=io.StringIO())

    assert scan_for([EMAIL, NAME, TEXT, handle]) == []
    gone = User.objects.get(pk=person.pk)
    assert gone.display_name == "Deleted member" and not gone.is_active
    assert Post.objects.get(pk=history["peer_reply"].pk).body == "A peer's answer stays"
    assert Thread.objects.get(pk=history["own"].pk).title == "Deleted thread"
    assert client.get(reverse("accounts:account")).status_code == 302


def test_erasing_removes_everything_else_and_the_search_index(
    person, history, wider_history, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from studyhall.search import indexing
    from studyhall.search.kinds import REPLY, THREAD
    from studyhall.search.models import Document

    indexing.index(THREAD, [history["own"].pk])
    indexing.index(REPLY, [history["reply"].pk])
    assert Document.objects.filter(author=person).exists()
    stored = [
        *apps.get_model("groups.Resource").objects.values_list("file", flat=True),
        *apps.get_model("profiles.ShowcaseItem").objects.values_list("file", flat=True),
    ]
    handle = person.handle

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(person, erase_content=True)

    assert scan_for([EMAIL, NAME, TEXT, handle, "Thanks, Ada"]) == []
    assert not any(default_storage.exists(name) for name in stored)
    # The report of their message stays for the log, without its text; their
    # own report is gone; so is their name from the room's presence list.
    (kept,) = apps.get_model("moderation.Flag").objects.all()
    assert kept.case.author_id == person.pk
    assert [e["html"] for e in kept.context if e["author_id"] == person.pk] == [
        "",
        "",
    ]
    assert "Rude reply" in json.dumps(kept.context)
    presence = cache.get(f"chat:presence:{wider_history['room'].pk}")
    assert NAME not in json.dumps(presence) and person.pk not in presence["people"]
    assert not apps.get_model("recognition.BadgeAward").objects.exists()
    assert (
        not apps.get_model("recognition.PointEvent")
        .objects.filter(user=person)
        .exists()
    )


def test_keeping_content_shows_it_under_deleted_member(
    client, community, person, history, wider_history, student
):
    handle = person.handle

    services.delete_account(person, erase_content=False)

    assert scan_for([EMAIL, NAME, handle]) == []
    reply = Post.objects.get(pk=history["reply"].pk)
    assert TEXT in reply.body
    client.force_login(student)
    page = client.get(reverse("discussions:thread-detail", args=[history["own"].pk]))
    assert "Deleted member" in page.content.decode()
    assert TEXT in page.content.decode()


def test_delete_now_skips_the_grace_period(client, person):
    client.force_login(person)
    assert client.post(reverse("privacy:delete-now")).status_code == 404
    services.request_deletion(person, mode="keep", password=PASSWORD)

    client.post(reverse("privacy:delete-now"))

    assert not User.objects.get(pk=person.pk).is_active


def test_privacy_page_is_generated_from_settings(client, settings):
    settings.ACCOUNT_DELETION_GRACE_DAYS = 30
    settings.COMMUNITY_CREATORS = "verified"

    html = client.get(reverse("privacy:privacy")).content.decode()

    assert "You have 30 days" in html
    assert "Anyone with a verified email address can create" in html


def _cached_text():
    """Every value in the shared cache, and the process's fragment copies with
    the cards they are kept under."""
    from django.core.cache import cache

    from studyhall.discussions import fragments

    texts = [
        f"{card!r}\n{fragment}" for card, (_, fragment) in fragments._local.items()
    ]
    backend = cache._cache  # the backend's own store: locmem dict or Redis client
    if isinstance(backend, dict):
        keys = [key.split(":", 2)[2] for key in backend]
    else:
        client = backend.get_client()
        keys = [
            key.decode().split(":", 2)[2]
            for key in client.scan_iter(match=f"{cache.key_prefix}:*")
        ]
    texts.extend(str(value) for value in cache.get_many(keys).values())
    return "\n".join(texts)


@pytest.mark.parametrize("erase", [True, False])
def test_erasing_removes_the_persons_cached_post_html(
    client,
    community,
    person,
    history,
    other_student,
    erase,
    django_capture_on_commit_callbacks,
):
    handle = person.handle
    own = history["own"]
    quoting = answer(
        other_student, own, body="Quoting", reply_to=own.posts.get(number=1)
    )
    for thread in (own, history["other"]):
        for viewer in (other_student, person):
            client.force_login(viewer)
            page = client.get(reverse("discussions:thread-detail", args=[thread.pk]))
            assert NAME in page.content.decode()
    assert NAME in _cached_text() and TEXT in _cached_text()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(person, erase_content=erase)

    left = _cached_text()
    needles = [NAME, handle] + ([TEXT] if erase else [])
    assert [n for n in needles if n in left] == []
    client.force_login(other_student)
    page = client.get(reverse("discussions:thread-detail", args=[own.pk]))
    assert "Quoting" in page.content.decode() and quoting.pk
    assert NAME not in page.content.decode()
