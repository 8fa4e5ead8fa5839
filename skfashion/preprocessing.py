"""Scaling raw pixel images into the network's input; reading photos as such images."""

from __future__ import annotations

import warnings
from numbers import Real
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Options, StrOptions
from sklearn.utils.validation import validate_data

from .datasets import _FEATURE_NAMES, IMAGE_SHAPE

__all__ = ["ImageScaler", "load_image"]


def _check_not_single(X, image_shape=None) -> None:
    """Refuse one image passed where a batch is expected, saying how to pass it.

    scikit-learn would read a (784,) row as a 1-D error that prints every
    value, and a (28, 28) image as 28 samples of 28 features.
    """
    shape = getattr(X, "shape", None)
    if shape is None:
        return
    if len(shape) == 1:
        raise ValueError(
            f"Expected a 2-D array of samples (n_samples, n_features), got a 1-D "
            f"array of {shape[0]} values. Reshape your data: for one image (one "
            "sample), pass a batch of one, X.reshape(1, -1)."
        )
    if image_shape is not None and len(shape) == 2:
        n_pixels = image_shape[0] * image_shape[1]
        if tuple(shape) == tuple(image_shape) and shape[1] != n_pixels:
            raise ValueError(
                f"Got one {shape[0]}x{shape[1]} image where a batch of images is "
                "expected. Pass a batch of one: image[np.newaxis] (shape "
                f"(1, {shape[0]}, {shape[1]})) or image.reshape(1, -1)."
            )


def _flatten_images(X, image_shape):
    """Turn (n, h, w) and (n, h, w, 1) image stacks into (n, h*w) rows.

    Anything else is passed through for ``validate_data`` to judge, so that
    sparse matrices, DataFrames and 1-D arrays get scikit-learn's own errors.
    """
    ndim = getattr(X, "ndim", None)
    if ndim is None and isinstance(X, list | tuple):
        X = np.asarray(X)
        ndim = X.ndim
    _check_not_single(X, image_shape)
    if ndim is None or ndim <= 2 or not hasattr(X, "reshape"):
        return X
    shape = tuple(X.shape)
    if ndim == 4 and shape[3] == 1:
        shape = shape[:3]
    if len(shape) != 3:
        raise ValueError(
            "Expected grayscale images of shape (n_samples, height, width) or "
            f"(n_samples, height, width, 1), got an array of shape {X.shape}."
        )
    if image_shape is not None and shape[1:] != tuple(image_shape):
        raise ValueError(
            f"Expected images of size {tuple(image_shape)}, got images of size "
            f"{shape[1:]} (array of shape {X.shape})."
        )
    return X.reshape(shape[0], shape[1] * shape[2])


def _scaled_rows(X: np.ndarray) -> np.ndarray:
    """Which rows already hold pixels scaled to [0, 1] (see ``ImageScaler``)."""
    fractional = np.any(X != np.floor(X), axis=1)
    return fractional & (X.max(axis=1) <= 1)


class ImageScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale grayscale pixels to [0, 1] and flatten images to rows.

    Accepts image stacks of shape (n, 784), (n, 28, 28) or (n, 28, 28, 1)
    and returns float32 rows of shape (n, 784) in [0, 1]: 8-bit pixels
    (0 to 255) are divided by 255. Stateless: ``fit`` only records
    ``n_features_in_`` (and feature names) for the usual consistency checks.

    Images already scaled to [0, 1] are recognised and kept as they are
    (``max_value="auto"``): boolean images, and each image whose values all
    lie in [0, 1] with at least one fractional value. Raw 8-bit pixels are
    whole numbers, so a real image, even an all-dark one, is never taken for
    a scaled one. The one ambiguous case, an image of only whole 0s and 1s
    in a float array, is read as 8-bit (nearly black) with a warning that
    names the fix. Set ``max_value`` to 255 or 1 to state the range instead.

    Parameters
    ----------
    image_shape : tuple of (int, int) or None, default=None
        Expected (height, width) of each image. If set, inputs of any other
        size are rejected with a ``ValueError``, a single image gets an error
        that says how to pass it, and uniform images (no garment) are warned
        about; :func:`make_fashion_pipeline` sets ``(28, 28)``. If None, any
        number of columns is accepted, so the transformer also scales other
        8-bit data.
    max_value : {"auto", 255, 1}, default="auto"
        Value of a white pixel in the input: 255 for 8-bit pixels, 1 for
        pixels already scaled to [0, 1], or "auto" to tell them apart per
        image by the rule above.

    Attributes
    ----------
    n_features_in_ : int
        Number of pixels per image seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when X has string column
        names (a DataFrame such as ``fetch_fashion_mnist(as_frame=True)``).

    See Also
    --------
    load_image : Read a photo as a 28x28 Fashion-MNIST style image.
    sklearn.preprocessing.MinMaxScaler : Learns the range from the data
        instead of using the fixed 8-bit range.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import ImageScaler
    >>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    >>> ImageScaler().fit_transform(images)
    array([[0. , 1. , 0.2, 0.4]], dtype=float32)
    >>> ImageScaler().fit_transform(images / 255.0)  # already scaled: kept
    array([[0. , 1. , 0.2, 0.4]], dtype=float32)
    """

    _parameter_constraints: dict = {
        "image_shape": [tuple, None],
        "max_value": [StrOptions({"auto"}), Options(Real, {1, 255})],
    }

    def __init__(
        self,
        image_shape: tuple[int, int] | None = None,
        max_value: str | int = "auto",
    ):
        self.image_shape = image_shape
        self.max_value = max_value

    def _validate(self, X, *, reset: bool) -> tuple[np.ndarray, bool]:
        if self.image_shape is not None:
            ok = len(self.image_shape) == 2 and all(
                isinstance(v, int | np.integer) and v > 0 for v in self.image_shape
            )
            if not ok:
                raise ValueError(
                    "image_shape must be None or a (height, width) pair of "
                    f"positive integers, got {self.image_shape!r}."
                )
        X = _flatten_images(X, self.image_shape)
        is_bool = getattr(getattr(X, "dtype", None), "kind", None) == "b"
        if not reset and not hasattr(self, "feature_names_in_"):
            X = _drop_pixel_names(X)
        X = validate_data(
            self,
            X,
            reset=reset,
            dtype=[np.float32, np.float64],
            ensure_min_features=1,
        )
        if self.image_shape is not None:
            n_pixels = self.image_shape[0] * self.image_shape[1]
            if X.shape[1] != n_pixels:
                raise ValueError(
                    f"Expected {n_pixels} pixels per image (images of size "
                    f"{tuple(self.image_shape)}), got X with {X.shape[1]} columns."
                )
        if X.size and X.min() < 0:
            raise ValueError(
                "Negative values in data passed to ImageScaler: pixel values "
                f"must lie in [0, 255] (8-bit grayscale) or [0, 1]; found {X.min():g}."
            )
        limit = 1 if self.max_value == 1 else 255
        if X.size and X.max() > limit:
            raise ValueError(
                f"Pixel values must lie in [0, {limit}] (max_value={self.max_value!r}"
                f"); found {X.max():g}."
                + (" Pass max_value=255 for 8-bit pixels." if limit == 1 else "")
            )
        return X, is_bool

    def fit(self, X, y=None):
        """Check the images and record their number of pixels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_pixels), (n_samples, h, w) \
                or (n_samples, h, w, 1)
            Images with pixel values in [0, 255] or [0, 1] (see ``max_value``).
        y : None
            Ignored.

        Returns
        -------
        self : ImageScaler
            The fitted transformer.
        """
        self._validate_params()
        self._validate(X, reset=True)
        return self

    def transform(self, X) -> np.ndarray:
        """Scale pixels to [0, 1] and flatten each image to a row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_pixels), (n_samples, h, w) \
                or (n_samples, h, w, 1)
            Images with pixel values in [0, 255] or [0, 1] (see ``max_value``).

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_pixels), dtype float32
            ``X / 255`` for 8-bit images, ``X`` for images already in [0, 1].
        """
        X, is_bool = self._validate(X, reset=False)
        if self.max_value == 1 or is_bool:
            out = X.astype(np.float32)
        elif self.max_value == 255:
            out = np.divide(X, 255, dtype=np.float32)
        else:
            scaled = _scaled_rows(X)
            out = np.divide(X, 255, dtype=np.float32)
            out[scaled] = X[scaled]
            binary = ~scaled & (X.max(axis=1) == 1)
            if binary.any():
                warnings.warn(
                    f"{int(binary.sum())} image(s) hold only the values 0 and 1: "
                    "read as 8-bit pixels (nearly black). If they are scaled to "
                    "[0, 1], pass them as booleans or set max_value=1 "
                    "(in a pipeline: set_params(scale__max_value=1)).",
                    UserWarning,
                    stacklevel=2,
                )
        if self.image_shape is not None and len(out):
            uniform = out.max(axis=1) == out.min(axis=1)
            if uniform.any():
                warnings.warn(
                    f"{int(uniform.sum())} image(s) are uniform (one grey level, "
                    "no garment): a classifier's answer for them means nothing.",
                    UserWarning,
                    stacklevel=2,
                )
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _drop_pixel_names(X):
    """Fashion-MNIST's own DataFrame columns, as plain pixels.

    A scaler fitted on arrays reads ``fetch_fashion_mnist(as_frame=True)``
    without scikit-learn's feature-name warning: those names only number the
    pixels, in the order arrays have them.
    """
    columns = getattr(X, "columns", None)
    if columns is not None and tuple(map(str, columns)) == _FEATURE_NAMES:
        return X.to_numpy()
    return X


# -- photos ------------------------------------------------------------------------

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


def _background(gray: np.ndarray) -> np.ndarray:
    """The background level at each pixel, estimated from the border.

    The background is the most common level along the border (Fashion-MNIST:
    0 in all 70,000 images, in a 16-level histogram). Starting from that
    level, a plane is fitted by least squares to the border pixels within
    three robust standard deviations of the current fit (four rounds), so
    that a garment touching the border is left out and uneven lighting (a
    gradient, a shadow) comes out too. A plane that varies by less than
    4 levels of 255 is replaced by the median level of those pixels: a black
    background stays exactly black.
    """
    values, rows, cols = _border(gray)
    levels = np.minimum((values * 16).astype(int), 15)
    mode = np.bincount(levels, minlength=16).argmax()
    design = np.column_stack([np.ones(len(values)), rows, cols])
    fit = np.full(len(values), np.median(values[levels == mode]))
    inliers = levels == mode
    for _ in range(4):
        residual = values - fit
        spread = 1.4826 * np.median(np.abs(residual[inliers]))
        inliers = np.abs(residual) <= max(3 * spread, 2 / 255)
        coef = np.linalg.lstsq(design[inliers], values[inliers], rcond=None)[0]
        fit = design @ coef
    if np.ptp(fit) < 4 / 255:
        return np.full(gray.shape, np.median(values[inliers]))
    r, c = np.indices(gray.shape)
    return coef[0] + coef[1] * r + coef[2] * c


def _open(image):
    """Pixels as floats in [0, 1], (h, w, c), from any accepted kind of image."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, np.ndarray):
        return _array_to_float(image)
    if isinstance(image, Image.Image):
        return _pil_to_array(image)
    if isinstance(image, str | Path) and Path(image).is_dir():
        raise ValueError(f"{image} is a directory, not an image file.")
    try:
        with Image.open(image) as img:
            return _pil_to_array(img)
    except FileNotFoundError:
        raise ValueError(f"Image file not found: {image}") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"Cannot read {image} as an image: {exc}") from exc


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
    background = _background(gray)
    if np.median(background) > 0.5:  # a light background: negate
        gray, background = 1 - gray, 1 - background
    elif background.max() < 32 / 255:  # black, as Fashion-MNIST (up to 17 there)
        background = np.zeros_like(background)
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
