"""News test data: an item live since an hour ago unless told, and photos with metadata."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, PngImagePlugin

from hiroba.news.choices import NewsStatus
from hiroba.news.images import clean_image
from hiroba.news.models import NewsImage, NewsItem

ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def item(hub, title="12月の開館日のお知らせ", **values) -> NewsItem:
    defaults = {
        "category": "notice",
        "body": "年末年始は12月29日から1月3日までお休みです。",
        "publish_at": timezone.now() - timedelta(hours=1),
        "status": NewsStatus.PUBLISHED,
    }
    defaults.update(values)
    return NewsItem.objects.create(hub=hub, title=title, **defaults)


def item_with_photo(hub, **values) -> NewsItem:
    """An item whose photo went through the same cleaning as an upload."""
    photo = clean_image(upload(photo_bytes()))
    image = NewsImage.objects.create(
        data=photo.data,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size=len(photo.data),
        digest=photo.digest,
    )
    return item(hub, image=image, image_alt="ひろばの写真", **values)


def photo_bytes(fmt="JPEG", size=(300, 200), *, orientation=6, text="") -> bytes:
    """A photo as a phone saves it: turned by EXIF orientation, with GPS and the camera make;
    a PNG also carries a text chunk."""
    picture = Image.new("RGB", size, "orange")
    picture.putpixel((0, 0), (0, 0, 255))  # the top-left pixel shows where rotation put it
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (35.0, 30.0, 15.0), 3: "E", 4: (139.0, 37.0, 1.0)}
    out = io.BytesIO()
    options = {"exif": exif.tobytes()}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text or "taken at home of 山田")
        options["pnginfo"] = info
    picture.save(out, fmt, **options)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
