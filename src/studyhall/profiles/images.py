"""Check uploaded files by their content, never by their name or declared type."""

from __future__ import annotations

import io
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000
AVATAR_SIZE = 256


def _read_limited(upload: UploadedFile, limit: int, field: str) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {field: f"The file is too large: use at most {limit // 1024:,} KB."}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {field: f"The file is too large: use at most {limit // 1024:,} KB."}
        )
    return data


def _open_image(data: bytes, field: str) -> Image.Image:
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
