"""Photos are published without their metadata, upright and phone-sized; anything that is not
a still JPEG, PNG or WebP of sane size is refused with a message."""

import io

import pytest
from PIL import Image

from hiroba.news.images import MAX_SIDE, MAX_UPLOAD_BYTES, ImageRefused, clean_image
from hiroba.news.tests.factories import photo_bytes, upload


def _opened(cleaned):
    return Image.open(io.BytesIO(cleaned.data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_location_and_camera_are_removed_and_the_photo_turned_upright(fmt):
    raw = photo_bytes(fmt)
    assert b"PhoneMaker" in raw  # the source carries them
    cleaned = clean_image(upload(raw))
    result = _opened(cleaned)
    assert result.format == fmt and cleaned.content_type == f"image/{fmt.lower()}"
    assert dict(result.getexif()) == {}
    assert b"PhoneMaker" not in cleaned.data and b"Exif" not in cleaned.data
    # orientation 6 (a phone held upright): the 300×200 sensor image is shown 200×300
    assert (cleaned.width, cleaned.height) == (200, 300) == result.size


def test_a_png_text_chunk_is_not_kept():
    raw = photo_bytes("PNG", text="山田さんの家で撮影")
    cleaned = clean_image(upload(raw, "poster.png", "image/png"))
    assert "Comment" not in _opened(cleaned).info
    assert "山田".encode() not in cleaned.data


def test_a_large_photo_is_scaled_down_for_phones():
    cleaned = clean_image(upload(photo_bytes(size=(4000, 3000), orientation=1)))
    assert (cleaned.width, cleaned.height) == (MAX_SIDE, 1200)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a photo", "could not be read as an image"),
        (photo_bytes()[:400], "could not be read as an image"),  # cut off in transfer
    ],
)
def test_what_is_not_an_image_is_refused(data, message, english):
    with pytest.raises(ImageRefused, match=message):
        clean_image(upload(data))


def test_a_gif_and_a_moving_picture_are_refused(english):
    still = io.BytesIO()
    Image.new("RGB", (10, 10)).save(still, "GIF")
    with pytest.raises(ImageRefused, match="JPEG, PNG or WebP"):
        clean_image(upload(still.getvalue(), "a.gif", "image/gif"))
    moving = io.BytesIO()
    frames = [Image.new("RGB", (10, 10), c) for c in ("red", "blue")]
    frames[0].save(moving, "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(ImageRefused, match="Moving images"):
        clean_image(upload(moving.getvalue(), "a.webp", "image/webp"))


def test_too_many_bytes_or_pixels_are_refused_before_decoding(english):
    with pytest.raises(ImageRefused, match="larger than 5 MB"):
        clean_image(upload(b"\xff" * (MAX_UPLOAD_BYTES + 1)))
    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, "PNG")  # 48 megapixels in a few kilobytes
    with pytest.raises(ImageRefused, match="too many pixels"):
        clean_image(upload(huge.getvalue(), "huge.png", "image/png"))


def test_a_multi_picture_jpeg_from_a_phone_is_published_as_its_first_picture():
    first, second = Image.new("RGB", (300, 200), "orange"), Image.new("RGB", (30, 20), "blue")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    cleaned = clean_image(upload(out.getvalue()))
    assert cleaned.content_type == "image/jpeg" and (cleaned.width, cleaned.height) == (300, 200)
    assert _opened(cleaned).format == "JPEG"
