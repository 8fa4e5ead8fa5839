"""Synthetic product photos of Fashion-MNIST images: make_photo and PHOTO_KINDS.

What :func:`~skfashion.load_image` must read back to the image: the tests
and the photo benchmark use them, and they serve to check any model on
photo-like inputs. Fixed kinds are one rendering each; the "random" kinds
draw their rendering per photo from ``random_state`` (scale and resampling,
canvas and placement, background and tint, lighting, rotation, blur, JPEG
quality, sensor noise, or all of them at once), as photos from other
renderers and cameras differ.
"""

from __future__ import annotations

import io

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["PHOTO_KINDS", "make_photo"]

#: The kinds of synthetic photo :func:`make_photo` writes: name -> what it is
#: (the order is the photo benchmark's).
PHOTO_KINDS: dict[str, str] = {
    "white": "dark garment on white (255), PNG",
    "off-white 240": "dark garment on a background of 240, PNG",
    "off-white 225": "dark garment on a background of 225, PNG",
    "uneven 205-250": "dark garment, background lit from 205 (left) to 250 (right)",
    "colour JPEG": "dark blue garment on white, RGB JPEG (quality 90)",
    "EXIF-rotated JPEG": "pixels stored sideways, EXIF orientation 6 (phone photo)",
    "transparent PNG": "garment on a transparent background (RGBA)",
    "16-bit PNG": "dark garment on white, 16-bit grayscale PNG",
    "palette PNG": "dark garment on white, 64-colour palette PNG",
    "random scale": "2x to 8x larger, one of six resampling filters",
    "random canvas": "margins of 2 to 80 pixels per side: off-centre, not square",
    "random background": "background 200-255 with a colour tint, a dark colour garment",
    "random lighting": "a gradient of up to 40 levels and vignetting up to 25%",
    "random rotation": "turned by up to 5 degrees either way",
    "random blur": "Gaussian blur of 0.5 to 2 pixels",
    "random JPEG": "colour JPEG of quality 60 to 95",
    "random noise": "sensor noise of 2 to 8 levels (standard deviation)",
    "random everything": "all the random renderings at once",
}

_SCALE, _MARGIN = 4, (18, 30, 24, 12)  # top, bottom, left, right
_FILTERS = ("NEAREST", "BOX", "BILINEAR", "HAMMING", "BICUBIC", "LANCZOS")


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


def _rendering(kind: str, rng) -> dict:
    """The parameters of one random rendering (defaults: the fixed photos')."""
    every = kind == "random everything"

    def drawn(name):
        return every or kind == f"random {name}"

    r = {
        "scale": _SCALE,
        "filter": "BICUBIC",
        "margins": _MARGIN,
        "background": np.ones(3),
        "colour": np.zeros(3),
        "gradient": 0.0,
        "vignette": 0.0,
        "angle": 0.0,
        "blur": 0.0,
        "quality": None,
        "noise": 0.0,
    }
    if drawn("scale"):
        r["scale"] = float(rng.uniform(2, 8))
        r["filter"] = _FILTERS[rng.randint(len(_FILTERS))]
    if drawn("canvas"):
        r["margins"] = tuple(int(m) for m in rng.randint(2, 81, size=4))
    if drawn("background"):
        r["background"] = (rng.uniform(200, 255) + rng.uniform(-12, 12, 3)) / 255
        r["colour"] = rng.uniform(0, 0.35, 3)
    if drawn("lighting"):
        r["gradient"] = float(rng.uniform(0, 40) / 255)
        r["vignette"] = float(rng.uniform(0, 0.25))
        r["direction"] = float(rng.uniform(0, 2 * np.pi))
    if drawn("rotation"):
        r["angle"] = float(rng.uniform(-5, 5))
    if drawn("blur"):
        r["blur"] = float(rng.uniform(0.5, 2))
    if drawn("JPEG"):
        r["quality"] = int(rng.randint(60, 96))
    if drawn("noise"):
        r["noise"] = float(rng.uniform(2, 8) / 255)
    return r


def _random_photo(image: np.ndarray, kind: str, rng) -> io.BytesIO:
    """A photo rendered with parameters drawn from ``rng`` (see ``_rendering``)."""
    from PIL import Image, ImageFilter

    r = _rendering(kind, rng)
    side = max(1, round(28 * r["scale"]))
    big = Image.fromarray(image).resize(
        (side, side), getattr(Image.Resampling, r["filter"])
    )
    if r["angle"]:
        big = big.rotate(r["angle"], Image.Resampling.BILINEAR, expand=True)
    garment = np.asarray(big, dtype=np.float64) / 255
    top, bottom, left, right = r["margins"]
    garment = np.pad(garment, ((top, bottom), (left, right)))
    h, w = garment.shape
    rows, cols = np.indices((h, w)) / max(h, w)
    light = np.zeros((h, w))
    if r["gradient"]:
        ramp = np.cos(r["direction"]) * rows + np.sin(r["direction"]) * cols
        light = r["gradient"] * (ramp - ramp.mean()) / max(np.ptp(ramp), 1e-9)
    radius = ((rows - rows.mean()) ** 2 + (cols - cols.mean()) ** 2) * 2
    background = (r["background"] + light[..., None]) * (
        1 - r["vignette"] * radius[..., None]
    )
    pixels = background * (1 - garment[..., None]) + r["colour"] * garment[..., None]
    photo = Image.fromarray(np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8))
    if r["blur"]:
        photo = photo.filter(ImageFilter.GaussianBlur(r["blur"]))
    if r["noise"]:
        noisy = np.asarray(photo) / 255 + rng.normal(0, r["noise"], (h, w, 3))
        photo = Image.fromarray(np.round(np.clip(noisy, 0, 1) * 255).astype(np.uint8))
    buf = io.BytesIO()
    if r["quality"] is None:
        photo.save(buf, "PNG")
    else:
        photo.save(buf, "JPEG", quality=r["quality"])
    buf.seek(0)
    return buf


def make_photo(image: np.ndarray, kind: str, random_state=None) -> io.BytesIO:
    """A synthetic product photo of a Fashion-MNIST image, as a file object.

    The garment larger than in the dataset, dark on a light background, with
    margins, written in the kind's file format: what :func:`load_image` must
    read back to ``image``.

    Parameters
    ----------
    image : ndarray of shape (28, 28), dtype uint8
        A Fashion-MNIST image.
    kind : str
        One of ``PHOTO_KINDS`` (its values say what each photo is).
    random_state : int, RandomState instance or None, default=None
        Draws the rendering of the "random" kinds (ignored by the others);
        an int gives the same photo every time.

    Returns
    -------
    photo : io.BytesIO
        The photo file, at its start.

    Raises
    ------
    ValueError
        If ``kind`` is not one of ``PHOTO_KINDS``.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import load_image, make_photo
    >>> image = np.zeros((28, 28), dtype=np.uint8)
    >>> image[4:24, 8:20] = 200
    >>> load_image(make_photo(image, "colour JPEG")).shape
    (28, 28)
    >>> load_image(make_photo(image, "random everything", random_state=0)).shape
    (28, 28)
    """
    from PIL import Image

    if kind.startswith("random ") and kind in PHOTO_KINDS:
        return _random_photo(image, kind, check_random_state(random_state))
    buf = io.BytesIO()
    if kind in ("white", "off-white 240", "off-white 225"):
        level = {"white": 255, "off-white 240": 240, "off-white 225": 225}[kind]
        pixels, _ = _photo_pixels(image, level / 255)
        Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(buf, "PNG")
    elif kind == "palette PNG":
        pixels, _ = _photo_pixels(image, 1.0)
        photo = Image.fromarray(np.round(pixels * 255).astype(np.uint8))
        photo.quantize(64).save(buf, "PNG")
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
