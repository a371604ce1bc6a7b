"""Check shared files by their content, never by their name or declared type.

A file is accepted only when its bytes are what its extension promises:
a `.pdf` starts like a PDF, a `.png` decodes as a PNG, a `.docx` is a zip
with a Word document inside, text is UTF-8 without control bytes. Images
are decoded and re-encoded from their pixels, so camera metadata (EXIF,
location) and anything smuggled after the image data are dropped.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from studyhall.core.text import clean_text

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000

# Extension -> the Pillow format its content must decode as.
IMAGE_EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}
TEXT_EXTENSIONS = {"txt", "md", "csv", "bib"}
# Office files are zips holding their own part: the extension names which.
OFFICE_PARTS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}
# Leading bytes of kinds a text or image extension must never hide.
SIGNATURES = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a zip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"MZ": "a program",
    b"\x7fELF": "a program",
}


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content matched its type, ready to store."""

    name: str
    content_type: str
    content: ContentFile[bytes]

    @property
    def size(self) -> int:
        return self.content.size


def read_limited(upload: UploadedFile, limit: int, field: str) -> bytes:
    """Return the upload's bytes, or raise ValidationError when it is over `limit`."""
    message = f"The file is too large: use at most {limit // 1024:,} KB."
    if upload.size is not None and upload.size > limit:
        raise ValidationError({field: message})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: message})
    return data


def open_image(data: bytes, field: str) -> Image.Image:
    """Return the decoded image or raise ValidationError for anything else."""
    refused = ValidationError(
        {field: "This file is not a JPEG, PNG, GIF or WebP image."}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                raise refused
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({field: "The image has too many pixels."})
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as error:
        raise refused from error
    return image


def _reencode(data: bytes, extension: str, field: str) -> bytes:
    """Return the image re-encoded from its pixels in the format its extension
    names; refuse an image of another format."""
    expected = IMAGE_EXTENSIONS[extension]
    image = open_image(data, field)
    if image.format != expected:
        raise ValidationError(
            {
                field: f"This file is a {image.format} image, not the "
                f".{extension} its name says. Rename it or convert it."
            }
        )
    if expected == "GIF":
        # Keep the palette; frames beyond the first are dropped with the metadata.
        out = io.BytesIO()
        image.save(out, format="GIF")
        return out.getvalue()
    image = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if expected == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _looks_like(data: bytes) -> str | None:
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            return what
    return None


def _check_text(data: bytes, extension: str, field: str) -> None:
    disguised = _looks_like(data)
    if disguised:
        raise ValidationError(
            {field: f"This file is {disguised}, not the .{extension} its name says."}
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            {field: f"A .{extension} file must be UTF-8 text; this one is not text."}
        ) from None
    if any(ch < " " and ch not in "\t\r\n\f" for ch in text):
        raise ValidationError(
            {field: f"A .{extension} file must be text; this one has binary bytes."}
        )


def _check_zip(data: bytes, extension: str, field: str) -> None:
    refused = ValidationError(
        {field: f"This file is not a .{extension} file, whatever its name says."}
    )
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise refused
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if archive.testzip() is not None:
                raise refused
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise refused from None
    part = OFFICE_PARTS.get(extension)
    if part is not None and not (
        "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
    ):
        raise refused


def _check_notebook(data: bytes, field: str) -> None:
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        notebook = None
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise ValidationError({field: "This file is not a Jupyter notebook."})


def check_content(data: bytes, extension: str, field: str = "file") -> bytes:
    """Return the bytes to store for a file with this extension: images
    re-encoded, other kinds as sent once their content matches. Raises
    ValidationError when the content is not what the extension promises, or
    for an extension with no content check."""
    if extension in IMAGE_EXTENSIONS:
        return _reencode(data, extension, field)
    if extension == "pdf":
        if not data.startswith(b"%PDF-"):
            raise ValidationError(
                {field: "This file is not a PDF, whatever its name says."}
            )
        return data
    if extension in TEXT_EXTENSIONS:
        _check_text(data, extension, field)
        return data
    if extension == "zip" or extension in OFFICE_PARTS:
        _check_zip(data, extension, field)
        return data
    if extension == "ipynb":
        _check_notebook(data, field)
        return data
    raise ValidationError(
        {
            field: f"Files of type .{extension} cannot be checked, so they are not accepted."
        }
    )


def check_upload(upload: UploadedFile, field: str = "file") -> CheckedFile:
    """Check a shared file (group resources, the library): an allowed extension,
    at most UPLOAD_MAX_BYTES, and content that matches the extension. Returns
    the clean name, the content type it is served with and what to store."""
    name = os.path.basename(clean_text(upload.name or "file"))[:200] or "file"
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    allowed = [e.lower() for e in settings.UPLOAD_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            {field: f"Files of this type are not accepted. Use: {', '.join(allowed)}."}
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {field: f"The file is larger than {limit // (1024 * 1024)} MB."}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {field: f"The file is larger than {limit // (1024 * 1024)} MB."}
        )
    if not data:
        raise ValidationError({field: "The file is empty."})
    stored = check_content(data, extension, field)
    return CheckedFile(
        name=name,
        content_type=content_type_for(name),
        content=ContentFile(stored, name=f"{secrets.token_hex(8)}.{extension}"),
    )


# Types a browser might run or render as a page are never served inline;
# these are the content types files are served with, by extension.
SAFE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "bib": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
}


def content_type_for(name: str) -> str:
    """Return the safe content type a stored file is served with."""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    return SAFE_CONTENT_TYPES.get(extension, "application/octet-stream")
