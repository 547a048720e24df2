"""Uploaded images decoded in bounded memory: the thumbnail of a photo.

What an image costs to decode is known from its header, before a pixel is read:

- a baseline JPEG is decoded scaled down (libjpeg's DCT scaling through Pillow's `draft`, to 1/2 … 1/8
  a side), so even MAX_PIXELS (40 megapixels, a phone's largest) costs a few MB; but both sides by
  the same factor, which the shorter side bounds: a strip of 65,500 × 610 is not scaled at all, and
  its image at full size (4 bytes a pixel) must fit in DECODE_MEMORY like a PNG's;
- a PNG is decoded whole (Pillow has no scaled PNG decoder: 4 bytes a pixel for RGB and RGBA, 1 for
  grey or a palette), and a progressive JPEG keeps every DCT coefficient of the whole image while it
  decodes (2 bytes a sample: 6 a pixel at 4:4:4, 3 at 4:2:0): both are taken up to the pixels that fit
  in DECODE_MEMORY (64 MB: an RGBA PNG of 16 megapixels, a 4:4:4 progressive JPEG of 10.7) and refused
  above that, before decoding; never above MAX_PIXELS.

The full-size image is never copied: the thumbnail is drawn from it in place (Pillow's reduce, then
resize; an image with alpha a strip at a time, as Pillow would premultiply a copy of it all) and
turned upright (the EXIF orientation) only then. At most DECODERS images are read and decoded at
once in the process, in DECODERS threads of their own, so parallel uploads queue for a decoder
instead of adding up their memory: 8 PNGs of 16 megapixels at once cost two decodes, not eight.
tests/core/test_images_memory.py measures it.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import anyio
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from grants.core.filetypes import JPEG, PNG
from grants.core.i18n import _
from grants.core.storage import IMAGE_TYPES, StorageError, UnsupportedType, get_storage

MAX_PIXELS = 40_000_000  # a baseline JPEG, decoded scaled down
DECODE_MEMORY = 64 * 1024 * 1024  # what a PNG or a progressive JPEG may hold while decoded at full size
DECODERS = 2  # images read and decoded at once in the process
# Pillow's own guard at open, set to ours: it refuses twice the limit before we look at the header.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# What Pillow calls a JPEG it opened: a multi-picture one (a camera's MPO, its first picture shown) too.
_JPEG_FORMATS = {"JPEG", "MPO"}
_TURNED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
# Pillow reduces and resizes these through a premultiplied copy of the whole image: done in strips.
_PREMULTIPLIED = {"RGBA", "LA"}
_STRIP_ROWS = 256
# Threads of their own: memory one decode frees is reused by the next in the same thread (the C
# allocator keeps an arena per thread), not left behind in each of the many general worker threads.
_DECODER_THREADS = ThreadPoolExecutor(max_workers=DECODERS, thread_name_prefix="image-decoder")
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


class TooManyPixels(StorageError):
    """The image declares more pixels than its decoder may hold (HTTP 422)."""

    def __init__(self, limit: int) -> None:
        super().__init__(_("The image is too large: at most {n} megapixels.").format(n=limit // 1_000_000))
        self.limit = limit


@dataclass(frozen=True)
class Thumbnail:
    data: bytes  # in the image's own format
    width: int  # of the image as shown (upright)
    height: int


def _pillow_bytes_per_pixel(image: Image.Image) -> int:
    """What one pixel of Pillow's own image costs: a byte for bilevel, grey and palette, two for 16-bit
    grey, else four (RGB and CMYK as much as RGBA)."""
    return 1 if image.mode in ("1", "L", "P") else 2 if image.mode.startswith("I;16") else 4


def _coefficient_bytes_per_pixel(image: Image.Image) -> float:
    """What one pixel costs a progressive JPEG's decoder: every DCT coefficient, 2 bytes, of each
    component's samples, kept for the whole image (from the header alone)."""
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
    h_max = max(layer[1] for layer in layers)
    v_max = max(layer[2] for layer in layers)
    return 2 * sum(layer[1] * layer[2] for layer in layers) / (h_max * v_max)


def jpeg_scale(image: Image.Image, size: int) -> int:
    """The factor (8, 4, 2 or 1 a side) a JPEG is decoded scaled down by for a thumbnail of `size`: what
    Pillow's `draft` picks, bound by the shorter side. A long narrow strip is not scaled at all."""
    fits = min(image.width // (size * 2), image.height // (size * 2))
    return next((scale for scale in (8, 4, 2) if fits >= scale), 1)


def pixel_limit(image: Image.Image, size: int) -> int:
    """How many pixels this image may have for a thumbnail of `size`: as many as DECODE_MEMORY holds of
    the image as decoded (a JPEG scaled down by jpeg_scale) with, for a progressive JPEG, its
    coefficients beside it; never above MAX_PIXELS."""
    jpeg = image.format in _JPEG_FORMATS
    scale = jpeg_scale(image, size) if jpeg else 1
    per_pixel = _pillow_bytes_per_pixel(image) / (scale * scale)
    if jpeg and image.info.get("progressive"):
        per_pixel += _coefficient_bytes_per_pixel(image)  # held beside the image while it decodes
    return min(MAX_PIXELS, int(DECODE_MEMORY / per_pixel))


def _reduced(image: Image.Image, size: int) -> Image.Image:
    """The image shrunk by a whole factor towards twice `size` (what thumbnail's reduce does), a strip
    of rows at a time: a copy of one strip beside the image, never of all of it."""
    factor = max(1, int(max(image.size) / (size * 2)))
    if factor == 1:
        return image
    rows = factor * max(1, _STRIP_ROWS // factor)
    out = Image.new(image.mode, (-(-image.width // factor), -(-image.height // factor)))
    for top in range(0, image.height, rows):
        strip = image.crop((0, top, image.width, min(top + rows, image.height)))
        out.paste(strip.reduce(factor), (0, top // factor))
    out.info = image.info  # the EXIF orientation goes with it
    return out


def make_thumbnail(data: bytes, content_type: str, size: int) -> Thumbnail:
    """The image's thumbnail of at most `size` pixels a side; TooManyPixels or UnsupportedType."""
    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[content_type]]) as image:
            limit = pixel_limit(image, size)
            if image.width * image.height > limit:
                raise TooManyPixels(limit)
            turned = image.getexif().get(ExifTags.Base.Orientation) in _TURNED
            width, height = (image.height, image.width) if turned else image.size
            if content_type == JPEG:
                image.draft("RGB", (size * 2, size * 2))  # before anything loads the pixels
            small = _reduced(image, size) if image.mode in _PREMULTIPLIED else image
            small.thumbnail((size, size))  # in place: reduce, then resize; no copy of the whole
            shown = ImageOps.exif_transpose(small)  # the small one, turned as the phone was held
            if content_type == JPEG and shown.mode not in ("RGB", "L"):
                shown = shown.convert("RGB")
            out = io.BytesIO()
            shown.save(
                out, format=_FORMATS[content_type], **({"quality": 85} if content_type == JPEG else {})
            )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own refusal at open, past twice MAX_PIXELS (or its warning, where warnings raise)
        raise TooManyPixels(MAX_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # The first bytes said JPEG or PNG, but Pillow cannot read it as one: not an image we take.
        raise UnsupportedType(IMAGE_TYPES) from None
    return Thumbnail(out.getvalue(), width, height)


def _decoders() -> anyio.CapacityLimiter:
    """The process's DECODERS slots (one limiter per event loop: the tests run several)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(DECODERS)
    return limiter


async def thumbnail(key: str, content_type: str, size: int) -> Thumbnail:
    """The thumbnail of the stored image under `key`, drawn in a worker thread once a decoder is free.

    The file's bytes are read only then, so waiting uploads hold none of them (the storage has
    bounded them by the upload limit)."""
    async with _decoders():
        data = b"".join([chunk async for chunk in await get_storage().open(key)])
        context = contextvars.copy_context()  # the request's language, for a refusal's message
        return await asyncio.get_running_loop().run_in_executor(
            _DECODER_THREADS, context.run, make_thumbnail, data, content_type, size
        )
