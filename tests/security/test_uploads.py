"""Upload abuse corpus: shared files are checked by content, images re-encoded."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from studyhall.core import uploads
from studyhall.groups import services as groups
from studyhall.library import services as library
from studyhall.library.models import LibraryItem
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def png_bytes(*, with_text: str = "") -> bytes:
    image = Image.new("RGB", (4, 4), (200, 10, 10))
    out = io.BytesIO()
    if with_text:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", with_text)
        image.save(out, format="PNG", pnginfo=info)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (4, 4), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x010E] = "51.5N 0.1W at home"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def office(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<doc/>")
    return out.getvalue()


REFUSED = [
    ("page.html", b"<script>alert(1)</script>"),
    ("drawing.svg", b"<svg onload='alert(1)'/>"),
    ("notes.pdf", b"<html><script>alert(1)</script></html>"),
    ("photo.png", b"<script>alert(1)</script>"),
    ("photo.jpg", b"GIF89a" + b"\x00" * 20),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage"),
    ("notes.txt", b"MZ\x90\x00 this is a Windows program"),
    ("notes.txt", b"%PDF-1.4 a pdf in disguise"),
    ("data.csv", b"\x00\x01\x02\xff\xfe binary"),
    ("paper.md", b"\xff\xfe\x00h\x00i"),
    ("slides.pptx", b"PK\x03\x04 not really a zip"),
    ("essay.docx", b"%PDF-1.7"),
    ("archive.zip", b"Rar!\x1a\x07\x00"),
    ("notebook.ipynb", b"<html></html>"),
    ("empty.txt", b""),
    ("../../etc/passwd.exe", b"root:x:0:0"),
]


@pytest.mark.parametrize(("name", "data"), REFUSED)
def test_crafted_files_are_refused_by_content(name, data, settings):
    settings.UPLOAD_EXTENSIONS = [*settings.UPLOAD_EXTENSIONS]

    with pytest.raises(ValidationError) as raised:
        uploads.check_upload(SimpleUploadedFile(name, data, content_type="image/png"))

    assert "file" in raised.value.message_dict


def test_a_jpeg_named_png_is_refused_with_what_it_really_is():
    with pytest.raises(ValidationError) as raised:
        uploads.check_upload(SimpleUploadedFile("photo.png", jpeg_with_location()))

    assert "JPEG image, not the .png" in raised.value.message_dict["file"][0]


def test_a_docx_must_hold_a_word_document():
    with pytest.raises(ValidationError):
        uploads.check_upload(SimpleUploadedFile("essay.docx", office("xl/")))

    checked = uploads.check_upload(SimpleUploadedFile("essay.docx", office("word/")))

    assert checked.content_type == "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("paper.pdf", b"%PDF-1.4\n%%EOF"),
        ("notes.md", "# Notes, café\n".encode()),
        ("data.csv", b"a,b\r\n1,2\r\n"),
        ("refs.bib", b"@article{x, title={T}}"),
        ("code.zip", office("src/")),
        ("nb.ipynb", json.dumps({"cells": [], "nbformat": 4}).encode()),
        ("photo.png", png_bytes()),
    ],
)
def test_honest_files_are_accepted(name, data):
    checked = uploads.check_upload(SimpleUploadedFile(name, data))

    assert checked.name == name
    assert checked.size > 0
    assert not checked.content.name.startswith(name)


def test_images_are_re_encoded_without_metadata(student, community):
    group = make_group(student, community)

    resource = groups.add_resource(
        student,
        group,
        title="Field trip",
        upload=SimpleUploadedFile("trip.jpg", jpeg_with_location()),
    )

    stored = resource.file.read()
    assert b"SecretCam" not in stored
    assert b"at home" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_png_text_chunks_are_dropped(student, community):
    item = library.add_item(
        student,
        community,
        library.ItemFields(title="Chart"),
        upload=SimpleUploadedFile("chart.png", png_bytes(with_text="home address")),
    )

    assert b"home address" not in item.file.read()
    assert item.content_type == "image/png"


def test_stored_names_are_random_whatever_was_sent(student, community):
    group = make_group(student, community)

    resource = groups.add_resource(
        student,
        group,
        title="Sneaky",
        upload=SimpleUploadedFile("../../../settings.txt", b"hello"),
    )

    assert resource.file_name == "settings.txt"
    assert ".." not in resource.file.name
    assert "settings" not in resource.file.name


def test_library_form_keeps_what_was_typed_when_the_file_is_refused(
    client, student, community
):
    client.force_login(student)
    url = reverse("library:item-create", args=[community.slug])

    response = client.post(
        url,
        {
            "title": "My summary",
            "kind": "paper",
            "file": SimpleUploadedFile("summary.pdf", b"<html>not a pdf</html>"),
        },
    )

    assert "This file is not a PDF" in response.content.decode()
    assert "My summary" in response.content.decode()
    assert not LibraryItem.objects.exists()


def test_files_are_served_as_attachments_with_nosniff(client, student, community):
    group = make_group(student, community)
    resource = groups.add_resource(
        student,
        group,
        title="Notes",
        upload=SimpleUploadedFile("notes.txt", b"hello"),
    )
    client.force_login(student)

    response = client.get(reverse("groups:resource-download", args=[resource.pk]))

    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
