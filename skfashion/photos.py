"""Users' photos as Fashion-MNIST images: load_image and load_images.

A photo of a garment (any size, format, background, EXIF rotation,
transparency or bit depth) becomes a 28 x 28 uint8 image as the dataset's:
a light garment on black, centred, its longest side filling the frame.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .datasets import IMAGE_SHAPE

__all__ = ["MAX_PIXELS", "load_image", "load_images"]

#: The most pixels a photo file may declare: more than any camera's or phone's
#: full-resolution photo (108 megapixels), well below Pillow's bomb check (179
#: million). A larger file is refused from its header, before it is decoded.
MAX_PIXELS = 120_000_000
# Large photos are decoded at (JPEG's draft mode) or reduced to about this
# longest side before any float arithmetic: far more than the 28 pixels the
# garment ends at, so the result does not change for usual photos.
_WORKING_SIDE = 1024

_SIDE = max(IMAGE_SHAPE)  # the garment's longest side
# Fashion-MNIST's images all peak at 254 or 255. A garment dimmer than this
# (grey on grey) is stretched to peak at 255; brighter ones are left alone
# (see docs/decisions: photo brightness).
_DIM = 200 / 255
_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R 601-2, as Pillow's convert("L")


def _pil_to_array(img) -> np.ndarray:
    """A Pillow image, upright, as floats in [0, 1] of shape (h, w, channels)."""
    from PIL import ImageOps

    img = ImageOps.exif_transpose(img)  # phone photos store rotation in EXIF
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(img, dtype=np.float64)
        if img.mode == "F" and values.max(initial=0) <= 1:
            top = 1.0
        elif img.mode.startswith("I;16") or values.max(initial=0) > 255:
            top = 65535.0
        else:
            top = 255.0
        return np.clip(values / top, 0, 1)[..., np.newaxis]
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        img.mode == "P" and "transparency" in img.info
    )
    if has_alpha:
        img = img.convert("RGBA")
    elif img.mode != "L":
        img = img.convert("L" if img.mode == "1" else "RGB")
    pixels = np.asarray(img, dtype=np.float64) / 255.0
    return pixels if pixels.ndim == 3 else pixels[..., np.newaxis]


def _array_to_float(image: np.ndarray) -> np.ndarray:
    """A NumPy image as floats in [0, 1] of shape (h, w, channels)."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., np.newaxis]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4) or min(image.shape[:2]) < 1:
        raise ValueError(
            "Expected one image of shape (height, width), (height, width, 1), "
            f"(height, width, 3) or (height, width, 4); got shape {image.shape}. "
            "For a batch, call load_image on each image."
        )
    if image.dtype == bool:
        return image.astype(np.float64)
    if image.dtype.kind not in "uif":
        raise ValueError(f"Expected numeric pixels, got dtype {image.dtype}.")
    values = image.astype(np.float64)
    if not np.isfinite(values).all() or values.min() < 0:
        raise ValueError("Pixel values must be finite and non-negative.")
    if image.dtype == np.uint16:
        top = 65535.0
    elif image.dtype.kind == "f" and values.max() <= 1:
        top = 1.0
    elif values.max() <= 255:
        top = 255.0
    else:
        raise ValueError(
            f"Pixel values must lie in [0, 255] (or [0, 1] for floats, [0, 65535] "
            f"as uint16); found {values.max():g}."
        )
    return values / top


def _grayscale(pixels: np.ndarray) -> np.ndarray:
    """(h, w, c) floats to (h, w) luminance; transparency composited on white.

    Product photos show garments on white, and that is the background a
    transparent cut-out stood on: a garment on white becomes, once negated,
    a garment on black, as Fashion-MNIST's own photos did.
    """
    if pixels.shape[2] in (2, 4):  # colour (or grey) plus alpha
        alpha = pixels[..., -1:]
        pixels = pixels[..., :-1] * alpha + (1 - alpha)
    if pixels.shape[2] == 3:
        return pixels @ _LUMA
    return pixels[..., 0]


def _border(gray: np.ndarray):
    """The outermost ring of pixels: values and (row, column) coordinates."""
    h, w = gray.shape
    rows, cols = np.indices((h, w))
    ring = (rows == 0) | (rows == h - 1) | (cols == 0) | (cols == w - 1)
    return gray[ring], rows[ring], cols[ring]


def _background(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The background level at each pixel, estimated from the border, and
    the robust standard deviation of the border about it (sensor noise).

    The background is the most common level along the border (Fashion-MNIST:
    0 in all 70,000 images, in a 16-level histogram). Starting from that
    level, a quadratic surface is fitted by least squares to the border
    pixels within three robust standard deviations of the current fit (four
    rounds), so that a garment touching the border is left out and uneven
    lighting (a gradient, a shadow, vignetting) comes out too. A surface
    that varies by less than 4 levels of 255 is replaced by the median level
    of those pixels: a black background stays exactly black.
    """
    values, rows, cols = _border(gray)
    levels = np.minimum((values * 16).astype(int), 15)
    mode = np.bincount(levels, minlength=16).argmax()
    design = _surface(rows, cols, gray.shape)
    fit = np.full(len(values), np.median(values[levels == mode]))
    inliers = levels == mode
    for _ in range(4):
        residual = values - fit
        spread = 1.4826 * np.median(np.abs(residual[inliers]))
        inliers = np.abs(residual) <= max(3 * spread, 2 / 255)
        coef = np.linalg.lstsq(design[inliers], values[inliers], rcond=None)[0]
        fit = design @ coef
    noise = 1.4826 * np.median(np.abs(values - fit)[inliers])
    if np.ptp(fit) < 4 / 255:
        return np.full(gray.shape, np.median(values[inliers])), noise
    r, c = np.indices(gray.shape)
    surface = _surface(r.ravel(), c.ravel(), gray.shape) @ coef
    return surface.reshape(gray.shape), noise


def _surface(rows, cols, shape) -> np.ndarray:
    """The terms of a quadratic surface over the image (coordinates in [0, 1]):
    a gradient is its linear part, a lens' vignetting its quadratic part."""
    r, c = rows / max(shape[0] - 1, 1), cols / max(shape[1] - 1, 1)
    return np.column_stack([np.ones(len(r)), r, c, r * r, c * c, r * c])


def _open(image):
    """Pixels as floats in [0, 1], (h, w, c), from any accepted kind of image."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, np.ndarray):
        return _array_to_float(image)
    if isinstance(image, Image.Image):
        return _pil_to_array(_reduced(image))
    if isinstance(image, str | Path) and Path(image).is_dir():
        raise ValueError(f"{image} is a directory, not an image file.")
    try:
        with warnings.catch_warnings():
            # MAX_PIXELS decides (below), not Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(image)
    except FileNotFoundError:
        raise ValueError(f"Image file not found: {image}") from None
    except Image.DecompressionBombError:
        raise ValueError(
            f"{_describe(image)} declares more than {MAX_PIXELS:,} pixels, more "
            "than any photo: refused before decoding it."
        ) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"Cannot read {image} as an image: {exc}") from exc
    with img:
        width, height = img.size
        if width * height > MAX_PIXELS:
            raise ValueError(
                f"{_describe(image)} declares {width:,} x {height:,} pixels, more "
                f"than any photo (at most {MAX_PIXELS:,}): refused before decoding it."
            )
        frames = getattr(img, "n_frames", 1)
        if frames > 1:  # which one would be the photo is not ours to guess
            raise ValueError(
                f"{_describe(image)} holds {frames} frames (an animation or a "
                "multi-page file); save the one photo you mean as its own file."
            )
        try:
            return _pil_to_array(_reduced(img))
        except Exception as exc:  # a broken file can make any decoder raise anything
            raise ValueError(f"Cannot read {image} as an image: {exc}") from exc


def _reduced(img):
    """``img`` decoded at about ``_WORKING_SIDE`` pixels on its longest side.

    JPEG decodes at 1/2, 1/4 or 1/8 of its size directly (draft mode); any
    other image is reduced by an integer factor (a box filter) once decoded.
    Images no larger than that come back as they are.
    """
    side = max(img.size)
    if side <= _WORKING_SIDE:
        return img
    if img.format == "JPEG" and img.mode in ("L", "RGB", "CMYK", "YCbCr"):
        scale = _WORKING_SIDE / side
        img.draft(img.mode, (round(img.width * scale), round(img.height * scale)))
    factor = -(-max(img.size) // _WORKING_SIDE)  # so that it ends <= _WORKING_SIDE
    if factor < 2:
        return img
    try:
        return img.reduce(factor)
    except ValueError:  # a mode reduce() does not take: decode it whole
        return img


def load_image(image) -> np.ndarray:
    """Read a photo of one garment as a 28x28 Fashion-MNIST style image.

    Fashion-MNIST images are light garments on a black background, the
    garment's longest side 28 pixels, centred, the brightest pixel 255
    (254 or 255 in all 70,000 images). This conversion follows the dataset
    authors' steps:

    1. Turn the image upright by its EXIF orientation (phone photos);
       composite transparency on white; convert to grayscale (16-bit and
       palette images keep their full range).
    2. Estimate the background from the border (its most common level, as a
       plane: off-white, grey and unevenly lit backgrounds), negate if it is
       light (a dark garment on a light background, as in product photos),
       and subtract it, so the background becomes black.
    3. Crop to the garment (pixels brighter than 10% of the brightest),
       resize its longest side to 28 pixels (Lanczos, aspect ratio kept),
       centre it on a 28x28 black canvas; stretch the contrast of a dim
       garment (brightest pixel below 200) so that it peaks at 255.

    An image that is already 28x28 is not cropped or resized: every
    Fashion-MNIST image comes back unchanged.

    Parameters
    ----------
    image : str, path-like, file object, PIL.Image.Image or ndarray
        A photo (PNG, JPEG, or anything Pillow reads, any size, colour or
        grayscale, 8 or 16 bits, with or without transparency), or its pixels
        as an array of shape (h, w), (h, w, 1), (h, w, 3) or (h, w, 4):
        uint8 or whole numbers in [0, 255], floats in [0, 1], uint16 or bool.

    Returns
    -------
    image : ndarray of shape (28, 28), dtype uint8
        Pixels 0 (background) to 255. The model takes batches: pass
        ``image[np.newaxis]`` (shape (1, 28, 28)), or stack several.

    Raises
    ------
    ValueError
        If the file cannot be read as an image, or the image shows no garment
        (it is uniform: blank, white or one colour).

    See Also
    --------
    ImageScaler : Scales the images for the networks.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import load_image
    >>> photo = np.full((60, 40), 235, dtype=np.uint8)  # an off-white background
    >>> photo[10:50, 10:30] = 20  # a dark garment
    >>> image = load_image(photo)
    >>> image.shape, image[0, 0], image[14, 14]  # the garment: 215/235 of 255
    ((28, 28), np.uint8(0), np.uint8(233))
    """
    gray = _grayscale(_open(image))
    level = gray.mean() * 255
    background, noise = _background(gray)
    if np.median(background) > 0.5:  # a light background: negate
        gray, background = 1 - gray, 1 - background
    elif background.max() < 32 / 255:  # black, as Fashion-MNIST (up to 17 there)
        background = np.zeros_like(background)
    if gray.shape != (_SIDE, _SIDE) and noise > 1 / 255:
        # Sensor noise above the background would widen the crop and grey
        # the black: 3 standard deviations of it count as background too.
        background = background + 3 * noise
    garment = np.clip((gray - background) / np.maximum(1 - background, 1 / 255), 0, 1)
    if garment.max() < 8 / 255:
        raise ValueError(
            f"No garment found in {_describe(image)}: the image is uniform "
            f"(one level, {level:.0f} of 255, up to noise)."
        )
    if garment.shape != (_SIDE, _SIDE):
        garment = _crop_and_fit(garment)
    if garment.max() < _DIM:  # a dim garment (grey on grey): stretch to 255
        garment = garment / garment.max()
    return np.round(garment * 255).astype(np.uint8)


def load_images(images) -> tuple[np.ndarray, list[int], dict[int, str]]:
    """Read several photos with :func:`load_image`; a bad one does not stop the rest.

    Parameters
    ----------
    images : iterable
        Photos, each anything :func:`load_image` takes (paths, files, PIL
        images, arrays).

    Returns
    -------
    X : ndarray of shape (n_read, 28, 28), dtype uint8
        The photos that could be read, in order: ready for ``predict``.
    read : list of int
        The position in ``images`` of each row of ``X``.
    errors : dict of int to str
        For each photo that could not be read, its position and the reason,
        one line that names it.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import load_images
    >>> garment = np.zeros((28, 28), dtype=np.uint8)
    >>> garment[4:24, 8:20] = 255
    >>> X, read, errors = load_images([garment, "missing.png"])
    >>> X.shape, read, errors
    ((1, 28, 28), [0], {1: 'Image file not found: missing.png'})
    """
    rows, read, errors = [], [], {}
    for i, image in enumerate(images):
        try:
            rows.append(load_image(image))
        except ValueError as exc:
            errors[i] = " ".join(str(exc).split())
        else:
            read.append(i)
    X = np.stack(rows) if rows else np.zeros((0, *IMAGE_SHAPE), dtype=np.uint8)
    return X, read, errors


def _crop_and_fit(garment: np.ndarray) -> np.ndarray:
    """Crop to the garment, resize its longest side to 28, centre it."""
    from PIL import Image

    mask = garment > 0.1 * garment.max()
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    garment = garment[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = garment.shape
    scale = _SIDE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray(garment.astype(np.float32), mode="F").resize(
        size, Image.Resampling.LANCZOS
    )
    canvas = np.zeros((_SIDE, _SIDE))
    top, left = (_SIDE - size[1]) // 2, (_SIDE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = np.clip(resized, 0, 1)
    return canvas


def _describe(image) -> str:
    if isinstance(image, str | Path):
        return str(image)
    return getattr(image, "name", None) or f"the {type(image).__name__}"
