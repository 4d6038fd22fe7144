"""A photo or poster uploaded with a news item, made safe to publish.

The upload is opened by Pillow (its type is what the bytes are, never the file name), checked
for size before its pixels are decoded, turned upright by its EXIF orientation and re-encoded
from the pixels alone: no EXIF, GPS position, camera serial or comment survives, which matters
for photos taken at a hub with children in them. Large images are scaled down for phones."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # a 7,000 × 5,700 photo; beyond it decoding could exhaust memory
MAX_SIDE = 1600  # wide enough for a tablet; a phone shows it at 360–430 px
JPEG_QUALITY = 82
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# A JPEG with extra pictures inside (Ultra HDR, multi-picture): its first picture is the photo.
MULTI_PICTURE_JPEG = "MPO"


class ImageRefused(Exception):
    """The upload cannot be published; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean_image(upload) -> CleanImage:
    """The upload re-encoded without metadata, or ``ImageRefused`` saying why not."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImageRefused(
            _("The image is larger than {mb} MB. Please choose a smaller one.").format(
                mb=MAX_UPLOAD_BYTES // (1024 * 1024)
            )
        )
    raw = upload.read()
    try:
        return _reencode(raw)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(
            _("The file could not be read as an image. Please use a JPEG, PNG or WebP file.")
        ) from None


def _reencode(raw: bytes) -> CleanImage:
    with Image.open(io.BytesIO(raw)) as probe:
        _check_kind(probe)
        probe.verify()  # a truncated or corrupted file is refused before any decoding
    with Image.open(io.BytesIO(raw)) as source:
        kind = "JPEG" if source.format == MULTI_PICTURE_JPEG else source.format
        source.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decodes at a fraction of its size
        # Scaled down before turning: the full-size copy is never made.
        source.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        picture = ImageOps.exif_transpose(source)
        out = io.BytesIO()
        if kind == "PNG":
            # Only the pixels: ``pnginfo`` and ``exif`` are left out, so no text chunk is kept.
            picture.save(out, "PNG", optimize=True)
        elif kind == "WEBP":
            picture.save(out, "WEBP", quality=JPEG_QUALITY)
        else:
            picture.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return CleanImage(out.getvalue(), TYPES[kind], picture.width, picture.height)


def _check_kind(probe: Image.Image) -> None:
    if probe.format not in TYPES and probe.format != MULTI_PICTURE_JPEG:
        raise ImageRefused(_("Please use a JPEG, PNG or WebP image."))
    if probe.format != MULTI_PICTURE_JPEG and getattr(probe, "is_animated", False):
        raise ImageRefused(_("Moving images cannot be used. Please choose a still picture."))
    if probe.width * probe.height > MAX_SOURCE_PIXELS:
        raise ImageRefused(
            _("The image has too many pixels. Please choose a smaller one (at most 40 megapixels).")
        )
