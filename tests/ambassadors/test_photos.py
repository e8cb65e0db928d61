"""Photos: real image content of at most 5 MB, re-encoded to JPEG without metadata (EXIF, GPS),
at most 1600 px, under a random name, served through a view with nosniff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from ambassadors import images
from ambassadors.models import Ambassador
from tests.ambassadors.conftest import jpeg_bytes, sign_up_data
from tests.ambassadors.factories import AmbassadorFactory

pytestmark = pytest.mark.django_db
URL = "/ambassadeurs/inscription/"


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    """A camera-like JPEG: maker, model, date and the GPS position of 15 allée Paul Dukas."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Appareil"
    exif[ExifTags.Base.Model] = "Modèle 12"
    exif[ExifTags.Base.DateTime] = "2024:05:01 10:00:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 58.0, 28.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 22.0, 21.0)
    return jpeg_bytes(size, exif=exif, comment=b"secret comment")


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_sample_photo_really_carries_gps_data():
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (48.0, 58.0, 28.0)


def test_a_photo_is_reencoded_without_metadata_and_capped_at_1600_px(client, network):
    data = sign_up_data(network=str(network.pk), photo=upload(jpeg_with_gps()))
    assert client.post(URL, data).status_code == 302
    ambassador = Ambassador.objects.get()
    assert ambassador.photo.name.startswith("ambassadors/photos/")
    assert "photo" not in ambassador.photo.name.removeprefix("ambassadors/photos/")
    with ambassador.photo.open("rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (1600, 1067)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored and b"Appareil" not in stored and b"secret comment" not in stored
    assert "exif" not in image.info and "comment" not in image.info


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.jpg", b"Ceci est un fichier texte, pas une image.", "image/jpeg"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("photo.png", jpeg_bytes()[:200], "image/png"),  # a truncated image
    ],
)
def test_a_file_that_is_not_a_readable_image_is_refused(
    client, network, name, content, content_type
):
    data = sign_up_data(network=str(network.pk), photo=upload(content, name, content_type))
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Ce fichier n’est pas une image lisible" in response.content.decode()
    assert Ambassador.objects.count() == 0


def test_a_gif_is_refused_even_if_it_is_an_image():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(images.InvalidPhoto, match="JPEG, PNG ou WebP"):
        images.clean_photo(upload(buffer.getvalue(), "photo.gif", "image/gif"))


def test_an_image_over_5_mb_is_refused(client, network):
    heavy = jpeg_bytes() + b"\0" * (5 * 1024 * 1024)  # a readable JPEG, over 5 MB
    data = sign_up_data(network=str(network.pk), photo=upload(heavy))
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "La photo dépasse 5 Mo" in response.content.decode()
    assert Ambassador.objects.count() == 0


def test_png_and_webp_with_transparency_become_jpeg():
    for image_format in ["PNG", "WEBP"]:
        buffer = io.BytesIO()
        Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(buffer, format=image_format)
        cleaned = images.clean_photo(upload(buffer.getvalue(), f"x.{image_format.lower()}"))
        image = Image.open(io.BytesIO(cleaned.read()))
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.getpixel((0, 0)) == (255, 255, 255)  # transparent → white
        assert cleaned.name.endswith(".jpg") and len(cleaned.name) == 36


def test_a_decompression_bomb_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 Mpx in a few kilobytes
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(images.InvalidPhoto, match="trop grande"):
        images.clean_photo(upload(buffer.getvalue(), "bomb.png", "image/png"))


def test_the_photo_is_served_as_jpeg_with_nosniff(client):
    from django.core.files.base import ContentFile

    ambassador = AmbassadorFactory()
    ambassador.photo.save("x.jpg", ContentFile(jpeg_bytes()), save=True)
    response = client.get(f"/ambassadeurs/{ambassador.pk}/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert (
        client.get(f"/ambassadeurs/{ambassador.pk}/")
        .content.decode()
        .count(f"/ambassadeurs/{ambassador.pk}/photo.jpg")
        == 1
    )
    # The raw media path is never published.
    assert ambassador.photo.name not in client.get("/ambassadeurs/").content.decode()
    assert client.get(f"/media/{ambassador.photo.name}").status_code == 404
