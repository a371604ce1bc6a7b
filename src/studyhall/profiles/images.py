"""Check uploaded files by their content, never by their name or declared type."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from studyhall.core.uploads import open_image as _open_image
from studyhall.core.uploads import read_limited as _read_limited

AVATAR_SIZE = 256


def avatar_file(upload: UploadedFile) -> ContentFile[bytes]:
    """Return a square JPEG avatar re-encoded from the upload, without metadata.

    Re-encoding from pixels drops EXIF (camera, location) and anything
    smuggled after the image data. Raises ValidationError for files that are
    too large or are not images, whatever their name says.
    """
    data = _read_limited(upload, settings.PROFILES_AVATAR_MAX_BYTES, "avatar")
    image = _open_image(data, "avatar")
    image = ImageOps.exif_transpose(image) or image
    image = ImageOps.fit(image.convert("RGBA"), (AVATAR_SIZE, AVATAR_SIZE))
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")


def showcase_file(upload: UploadedFile) -> tuple[ContentFile[bytes], str]:
    """Return a stored copy of a portfolio file and its content type.

    PDFs are kept as sent; images are re-encoded as PNG so no metadata stays.
    Anything else is refused by content.
    """
    data = _read_limited(upload, settings.PROFILES_SHOWCASE_MAX_BYTES, "file")
    name = secrets.token_hex(8)
    if data.startswith(b"%PDF-"):
        return ContentFile(data, name=f"{name}.pdf"), "application/pdf"
    try:
        image = _open_image(data, "file")
    except ValidationError as error:
        raise ValidationError(
            {"file": "Attach a PDF or an image (JPEG, PNG, GIF or WebP)."}
        ) from error
    image = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    image.convert("RGBA").save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.png"), "image/png"


def content_type_of(name: str) -> str:
    """Return the content type of a stored file from the extension this module gave it."""
    if name.endswith(".pdf"):
        return "application/pdf"
    if name.endswith(".png"):
        return "image/png"
    return "image/jpeg"
