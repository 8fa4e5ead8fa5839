"""Synthetic product photos made from Fashion-MNIST images.

Used by the tests and by the photo benchmark to measure :func:`load_image`
on the inputs users bring: a dark garment photographed on a white,
off-white or unevenly lit background, a phone JPEG whose pixels are stored
sideways with an EXIF orientation tag, a transparent cut-out, a 16-bit PNG.
Each photo shows the garment 4 times larger than in the dataset, with
margins, and is written to an in-memory file, so the whole reading path runs.
"""

from __future__ import annotations

import io

import numpy as np

# name -> what the photo is; the order is the benchmark's.
PHOTO_KINDS = {
    "white": "dark garment on white (255), PNG",
    "off-white 240": "dark garment on a background of 240, PNG",
    "off-white 225": "dark garment on a background of 225, PNG",
    "uneven 205-250": "dark garment, background lit from 205 (left) to 250 (right)",
    "colour JPEG": "dark blue garment on white, RGB JPEG (quality 90)",
    "EXIF-rotated JPEG": "pixels stored sideways, EXIF orientation 6 (phone photo)",
    "transparent PNG": "garment on a transparent background (RGBA)",
    "16-bit PNG": "dark garment on white, 16-bit grayscale PNG",
}

_SCALE, _MARGIN = 4, (18, 30, 24, 12)  # top, bottom, left, right


def _photo_pixels(image: np.ndarray, background) -> np.ndarray:
    """The garment 4x larger, dark (255 - level) on ``background`` in [0, 1]."""
    from PIL import Image

    big = Image.fromarray(image).resize(
        (28 * _SCALE, 28 * _SCALE), Image.Resampling.BICUBIC
    )
    garment = np.asarray(big, dtype=np.float64) / 255
    top, bottom, left, right = _MARGIN
    garment = np.pad(garment, ((top, bottom), (left, right)))
    return background * (1 - garment), garment  # a level, or a level per column


def make_photo(image: np.ndarray, kind: str) -> io.BytesIO:
    """One synthetic photo of a 28x28 Fashion-MNIST ``image``, as a file object."""
    from PIL import Image

    buf = io.BytesIO()
    if kind in ("white", "off-white 240", "off-white 225"):
        level = {"white": 255, "off-white 240": 240, "off-white 225": 225}[kind]
        pixels, _ = _photo_pixels(image, level / 255)
        Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(buf, "PNG")
    elif kind == "uneven 205-250":
        width = 28 * _SCALE + _MARGIN[2] + _MARGIN[3]
        pixels, _ = _photo_pixels(image, np.linspace(205, 250, width) / 255)
        Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(buf, "PNG")
    elif kind in ("colour JPEG", "EXIF-rotated JPEG"):
        pixels, _ = _photo_pixels(image, 1.0)
        photo = Image.fromarray(np.round(_blue(pixels) * 255).astype(np.uint8))
        if kind == "EXIF-rotated JPEG":
            # Orientation 6: the viewer must turn the stored pixels 90° clockwise.
            photo = photo.transpose(Image.Transpose.ROTATE_90)
            exif = Image.Exif()
            exif[0x0112] = 6
            photo.save(buf, "JPEG", quality=90, exif=exif)
        else:
            photo.save(buf, "JPEG", quality=90)
    elif kind == "transparent PNG":
        _, garment = _photo_pixels(image, 1.0)
        rgba = np.zeros((*garment.shape, 4), dtype=np.uint8)  # transparent black
        rgba[..., 2] = 40  # a dark blue garment
        rgba[..., 3] = np.round(garment * 255)
        Image.fromarray(rgba, mode="RGBA").save(buf, "PNG")
    elif kind == "16-bit PNG":
        pixels, _ = _photo_pixels(image, 1.0)
        Image.fromarray(np.round(pixels * 65535).astype(np.uint16)).save(buf, "PNG")
    else:
        raise ValueError(
            f"unknown photo kind {kind!r}; choose from {list(PHOTO_KINDS)}"
        )
    buf.seek(0)
    return buf


def _blue(pixels: np.ndarray) -> np.ndarray:
    """RGB of a dark blue garment on white, from the gray photo's pixels."""
    dark = 1 - pixels  # 0 on the background, up to 1 on the garment
    return 1 - dark[..., None] * np.array([0.85, 0.8, 0.45])
