"""Scaling raw pixel images into the network's input."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import validate_data

__all__ = ["ImageScaler", "load_image"]


def _flatten_images(X, image_shape):
    """Turn (n, h, w) and (n, h, w, 1) image stacks into (n, h*w) rows.

    Anything else is passed through for ``validate_data`` to judge, so that
    sparse matrices, DataFrames and 1-D arrays get scikit-learn's own errors.
    """
    ndim = getattr(X, "ndim", None)
    if ndim is None and isinstance(X, list | tuple):
        X = np.asarray(X)
        ndim = X.ndim
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


class ImageScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale 8-bit grayscale pixels to [0, 1] and flatten images to rows.

    Accepts image stacks of shape (n, 784), (n, 28, 28) or (n, 28, 28, 1),
    as uint8 or float pixel values in [0, 255], and returns float32 rows
    ``X / 255`` of shape (n, 784). Stateless: ``fit`` only records
    ``n_features_in_`` (and feature names) for the usual consistency checks.

    Parameters
    ----------
    image_shape : tuple of (int, int) or None, default=None
        Expected (height, width) of each image. If set, inputs of any other
        size are rejected with a ``ValueError``; :func:`make_fashion_pipeline`
        sets ``(28, 28)``. If None, any number of columns is accepted, so
        the transformer also scales other 8-bit data.

    Attributes
    ----------
    n_features_in_ : int
        Number of pixels per image seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when X has string column
        names (a DataFrame such as ``fetch_fashion_mnist(as_frame=True)``).

    See Also
    --------
    sklearn.preprocessing.MinMaxScaler : Learns the range from the data
        instead of using the fixed 8-bit range.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import ImageScaler
    >>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    >>> ImageScaler().fit_transform(images)
    array([[0. , 1. , 0.2, 0.4]], dtype=float32)
    """

    _parameter_constraints: dict = {
        "image_shape": [tuple, None],
    }

    def __init__(self, image_shape: tuple[int, int] | None = None):
        self.image_shape = image_shape

    def _validate(self, X, *, reset: bool) -> np.ndarray:
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
                f"must lie in [0, 255] (8-bit grayscale); found {X.min():g}."
            )
        if X.size and X.max() > 255:
            raise ValueError(
                "Pixel values must lie in [0, 255] (8-bit grayscale); found "
                f"{X.max():g}. Pass raw pixels, not already scaled or other data."
            )
        return X

    def fit(self, X, y=None):
        """Check the images and record their number of pixels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_pixels), (n_samples, h, w) \
                or (n_samples, h, w, 1)
            Images with pixel values in [0, 255].
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
            Images with pixel values in [0, 255].

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_pixels), dtype float32
            ``X / 255``.
        """
        X = self._validate(X, reset=False)
        return np.divide(X, 255, dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def load_image(path) -> np.ndarray:
    """Read a PNG/JPEG photo of a garment as a Fashion-MNIST style image.

    Fashion-MNIST images are light garments on a black background, the
    garment's longest side 28 pixels, centred. This conversion follows the
    dataset authors' steps: convert to 8-bit grayscale; if the border is
    lighter than the middle (a dark garment on a light background, as in
    product photos), invert; crop to the garment's bounding box (pixels
    brighter than 10% of the maximum); resize the longest side to 28 pixels
    (Lanczos, aspect ratio kept); centre on a 28x28 black canvas. An image
    that is already 28x28 is only converted to grayscale (and inverted if
    light), so Fashion-MNIST images round-trip unchanged.

    Parameters
    ----------
    path : str or path-like or file object
        A PNG or JPEG file (any size; colour or grayscale).

    Returns
    -------
    image : ndarray of shape (28, 28), dtype uint8
        Pixels 0 (background) to 255.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            gray = np.asarray(img.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"Cannot read {path} as an image: {exc}") from exc
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    h, w = gray.shape
    middle = gray[
        h // 4 : max(h // 4 + 1, 3 * h // 4), w // 4 : max(w // 4 + 1, 3 * w // 4)
    ]
    if border.mean() > middle.mean():
        gray = 255 - gray
    if gray.shape == (28, 28):
        return gray
    mask = gray > 0.1 * max(int(gray.max()), 1)
    if mask.any():
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        gray = gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = gray.shape
    scale = 28 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = np.asarray(Image.fromarray(gray).resize(size, Image.Resampling.LANCZOS))
    canvas = np.zeros((28, 28), dtype=np.uint8)
    top, left = (28 - size[1]) // 2, (28 - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = resized
    return canvas
