"""Scaling raw pixel images into the network's input: ImageScaler."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Options, StrOptions
from sklearn.utils.validation import validate_data

from . import _aligned
from ._validation import validate_rows
from .datasets import _FEATURE_NAMES

__all__ = ["ImageScaler"]


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
        kind = getattr(getattr(X, "dtype", None), "kind", None)
        if not reset and not hasattr(self, "feature_names_in_"):
            X = _drop_pixel_names(X)
        if reset:
            X = validate_data(self, X, reset=True, dtype=[np.float32, np.float64])
        else:
            X = validate_rows(self, X)
        if self.image_shape is not None:
            n_pixels = self.image_shape[0] * self.image_shape[1]
            if X.shape[1] != n_pixels:
                raise ValueError(
                    f"Expected {n_pixels} pixels per image (images of size "
                    f"{tuple(self.image_shape)}), got X with {X.shape[1]} columns."
                )
        if X.size and kind != "u" and X.min() < 0:
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
                + (
                    " For 16-bit pixels, X // 257 gives their 8-bit levels "
                    "(load_image converts 16-bit files itself)."
                    if limit == 255 and X.max() <= 65535
                    else ""
                )
            )
        return X, kind

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
        X, kind = self._validate(X, reset=False)
        # Large outputs aligned: a classifier's fit hands them to TensorFlow uncopied.
        out = _aligned.empty_if_large(X.shape, np.float32)
        if self.max_value == 1 or kind == "b":
            np.copyto(out, X, casting="unsafe")
        elif self.max_value == 255:
            np.divide(X, 255, out=out, dtype=np.float32)
        else:
            # Integers are whole numbers, never scaled pixels: no scan.
            integers = kind in ("i", "u")
            scaled = np.zeros(len(X), bool) if integers else _scaled_rows(X)
            np.divide(X, 255, out=out, dtype=np.float32)
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
