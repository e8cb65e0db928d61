"""Photos sent by ambassadors: checked, re-encoded, stripped of their metadata.

An upload is accepted when its content (not its name nor its declared type) is a JPEG, PNG or
WebP image of at most 5 MB and at most 40 megapixels. It is then decoded and re-encoded to a new
JPEG, turned upright (EXIF orientation), reduced to MAX_SIDE pixels on its longest side, without
any metadata: no EXIF (GPS position, camera, date), no XMP, no ICC profile, no comment. The file
gets a random name. Nothing of the original bytes is ever stored nor served.
"""

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 5 MB file may still decode to gigabytes ("decompression bomb")
MAX_SIDE = 1600
FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85

TOO_LARGE = "La photo dépasse 5 Mo : choisissez une image plus légère."
NOT_AN_IMAGE = (
    "Ce fichier n’est pas une image lisible : choisissez une photo au format JPEG, PNG ou WebP."
)
TOO_MANY_PIXELS = "Cette image est trop grande (plus de 40 millions de pixels) : réduisez-la."


class InvalidPhoto(ValueError):
    """The upload is refused; the message is shown to the visitor (French)."""


def clean_photo(upload) -> ContentFile:
    """The re-encoded JPEG of an uploaded file, with a random name; raises InvalidPhoto."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise InvalidPhoto(TOO_LARGE)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidPhoto(TOO_LARGE)
    return ContentFile(reencode(data), name=f"{secrets.token_hex(16)}.jpg")


def reencode(data: bytes) -> bytes:
    """JPEG bytes of the image in `data`, upright, at most MAX_SIDE pixels, without metadata."""
    with warnings.catch_warnings():
        # Pillow warns (and errors beyond twice its limit) about huge images: refused below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                width, height = probe.size
                probe.verify()  # structure and checksums, without decoding the pixels
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ) as error:
            raise InvalidPhoto(NOT_AN_IMAGE) from error
        if width * height > MAX_PIXELS:
            raise InvalidPhoto(TOO_MANY_PIXELS)
        try:
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                image = _flatten(image)
                # Pillow copies some metadata from `info` (a JPEG comment): start from nothing.
                image.info = {}
                output = io.BytesIO()
                # No exif=, xmp=, icc_profile= nor comment=: the new file carries no metadata.
                image.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
            raise InvalidPhoto(NOT_AN_IMAGE) from error
    return output.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, transparent areas on white (JPEG has no alpha channel)."""
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
