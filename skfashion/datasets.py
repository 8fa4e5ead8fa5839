"""Loading the Fashion-MNIST dataset, offline first.

The four original IDX files are looked for, in order, in ``data_home``, in
Debian's ``dataset-fashion-mnist`` package and in Keras' download cache; only
then, if allowed, downloaded. Every file is checked against the SHA-256 of its
decompressed bytes and its IDX header before any array is returned, and the
verified arrays are cached as ``.npy`` files in ``data_home`` so that later
loads skip decompression.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
from sklearn.datasets import fetch_file, get_data_home
from sklearn.utils import Bunch

from ._atomic import atomic_path

__all__ = [
    "CLASS_NAMES",
    "IMAGE_SHAPE",
    "DatasetIntegrityError",
    "as_model_labels",
    "display_names",
    "fetch_fashion_mnist",
    "stratified_subsample",
]

#: The ten class names, indexed by label number: ``CLASS_NAMES[y]`` names the
#: label ``y`` (0 "T-shirt/top", 1 "Trouser", 2 "Pullover", 3 "Dress",
#: 4 "Coat", 5 "Sandal", 6 "Shirt", 7 "Sneaker", 8 "Bag", 9 "Ankle boot").
#: Also importable as ``skfashion.CLASS_NAMES``.
CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# The columns of fetch_fashion_mnist(as_frame=True): the pixels in row order.
#: (height, width) of every Fashion-MNIST image. Also ``skfashion.IMAGE_SHAPE``.
IMAGE_SHAPE: tuple[int, int] = (28, 28)
_FEATURE_NAMES: tuple[str, ...] = tuple(
    f"pixel_{i}" for i in range(IMAGE_SHAPE[0] * IMAGE_SHAPE[1])
)

_SUBSETS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

# SHA-256 of the *decompressed* IDX bytes (identical whichever mirror or
# re-compression the .gz came from), and the shape the header must declare.
_FILES = {
    "train-images-idx3-ubyte": (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        (60000, *IMAGE_SHAPE),
    ),
    "train-labels-idx1-ubyte": (
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        (60000,),
    ),
    "t10k-images-idx3-ubyte": (
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        (10000, *IMAGE_SHAPE),
    ),
    "t10k-labels-idx1-ubyte": (
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        (10000,),
    ),
}

# The dataset authors' mirror; SKFASHION_MIRROR points elsewhere (a local
# mirror behind a firewall, or a test server).
_DEFAULT_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
_KERAS_DIR = Path("~/.keras/datasets/fashion-mnist")
_IDX_UBYTE = 0x08
_FIX_HINT = (
    "Delete the file so that it is fetched again, or reinstall Debian's "
    "package with 'apt-get install --reinstall dataset-fashion-mnist'."
)

_DESCR = """\
.. _fashion_mnist_dataset:

Fashion-MNIST dataset
---------------------

Zalando's article images: 70,000 grayscale 28x28 images of clothing in 10
classes, 7,000 per class, split into 60,000 training and 10,000 test images
(the split the dataset's authors publish; do not shuffle test into train).

**Data Set Characteristics:**

:Number of Instances: 60,000 (train), 10,000 (test)
:Number of Attributes: 784 pixels, integers 0 (background) to 255 (ink)
:Classes: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
    Sneaker, Bag, Ankle boot (labels 0-9 in that order)
:Creator: Han Xiao, Kashif Rasul and Roland Vollgraf (Zalando Research)
:License: MIT

.. rubric:: References

* Xiao, H., Rasul, K. and Vollgraf, R. (2017). Fashion-MNIST: a Novel Image
  Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747.
"""


class DatasetIntegrityError(ValueError):
    """A Fashion-MNIST file is truncated, corrupted or not the expected file."""


def _default_data_home() -> Path:
    env = os.environ.get("SKFASHION_DATA")
    if env:
        return Path(env).expanduser()
    return Path(get_data_home()) / "fashion_mnist"


def _candidates(data_home: Path, name: str) -> list[Path]:
    dirs = [data_home, _DEBIAN_DIR, _KERAS_DIR.expanduser()]
    return [d / f"{name}{ext}" for d in dirs for ext in (".gz", "")]


def _parse_idx(raw: bytes, name: str, path: Path) -> np.ndarray:
    """Check an IDX file's hash and header and return its array (a view)."""
    expected_sha, expected_shape = _FILES[name]
    found_sha = hashlib.sha256(raw).hexdigest()
    if found_sha != expected_sha:
        ndim = len(expected_shape)
        size = 4 + 4 * ndim + int(np.prod(expected_shape))
        raise DatasetIntegrityError(
            f"{path} is not the Fashion-MNIST file {name!r}: expected "
            f"{size:,} decompressed bytes with SHA-256 {expected_sha}, found "
            f"{len(raw):,} bytes with SHA-256 {found_sha}. {_FIX_HINT}"
        )
    # The hash already proves the content; the header is still parsed rather
    # than trusted, so that the shape comes from the file itself.
    magic = int.from_bytes(raw[:4], "big")
    dtype_code, ndim = magic >> 8, magic & 0xFF
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if dtype_code != _IDX_UBYTE or dims != expected_shape:
        raise DatasetIntegrityError(  # pragma: no cover - unreachable if hashed
            f"{path}: IDX header declares type {dtype_code:#x} and shape {dims}, "
            f"expected 0x08 (unsigned byte) and {expected_shape}. {_FIX_HINT}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _read_idx(path: Path, name: str) -> np.ndarray:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                raw = f.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DatasetIntegrityError(
            f"Cannot read the Fashion-MNIST file {path}: {exc} (a truncated or "
            f"corrupted gzip file?). {_FIX_HINT}"
        ) from exc
    return _parse_idx(raw, name, path)


def _download(name: str, data_home: Path) -> Path:
    mirror = os.environ.get("SKFASHION_MIRROR", _DEFAULT_MIRROR)
    url = mirror.rstrip("/") + f"/{name}.gz"
    data_home.mkdir(parents=True, exist_ok=True)
    # fetch_file writes to a temporary file and renames it into place; we go
    # one step further and only move the file into data_home once its
    # decompressed content has been verified.
    with tempfile.TemporaryDirectory(dir=data_home, prefix=".download-") as tmp:
        try:
            tmp_path = Path(fetch_file(url, folder=tmp, n_retries=2, delay=0.1))
        except Exception as exc:
            raise OSError(
                f"Downloading {url} failed: {exc}. Install Debian's package "
                "'dataset-fashion-mnist' or copy the four .gz files into "
                f"{data_home} to work offline."
            ) from exc
        _read_idx(tmp_path, name)
        final = data_home / f"{name}.gz"
        os.replace(tmp_path, final)
    return final


def _cache_path(data_home: Path, name: str) -> Path:
    return data_home / f"{name}.{_FILES[name][0][:16]}.npy"


def _load_cached(data_home: Path, name: str) -> np.ndarray | None:
    path = _cache_path(data_home, name)
    try:
        arr = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if arr.dtype != np.uint8 or arr.shape != _FILES[name][1]:
        return None
    return arr


def _save_cache(data_home: Path, name: str, arr: np.ndarray) -> None:
    """Write the verified array atomically; a read-only data_home is fine."""
    try:
        with atomic_path(_cache_path(data_home, name), suffix=".npy") as tmp:
            np.save(tmp, arr, allow_pickle=False)
    except OSError:
        return


def _load_file(name: str, data_home: Path, download_if_missing: bool) -> np.ndarray:
    cached = _load_cached(data_home, name)
    if cached is not None:
        return cached
    path = next((p for p in _candidates(data_home, name) if p.is_file()), None)
    if path is None:
        if not download_if_missing:
            searched = ", ".join(str(p) for p in _candidates(data_home, name))
            raise OSError(
                f"Fashion-MNIST file {name!r} not found (searched {searched}) "
                "and download_if_missing=False. Install it offline with "
                "'apt-get install dataset-fashion-mnist', or allow the download."
            )
        path = _download(name, data_home)
    arr = _read_idx(path, name)
    _save_cache(data_home, name, arr)
    return arr


def fetch_fashion_mnist(
    *,
    subset: Literal["train", "test", "all"] = "train",
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load the Fashion-MNIST dataset (classification).

    =================   ==============
    Classes                         10
    Samples per class             7000
    Samples total                70000
    Dimensionality                 784
    Features            integers 0-255
    =================   ==============

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The 60,000 training images, the 10,000 test images, or all 70,000
        (training images first).
    data_home : str or path-like, default=None
        Folder for downloads and the ``.npy`` cache. By default the
        environment variable ``SKFASHION_DATA`` if set, else
        ``fashion_mnist`` under :func:`sklearn.datasets.get_data_home`.
    download_if_missing : bool, default=True
        If False, raise an ``OSError`` when the files are found neither in
        ``data_home``, nor in ``/usr/share/datasets/fashion-mnist`` (Debian's
        ``dataset-fashion-mnist``), nor in ``~/.keras/datasets/fashion-mnist``,
        instead of downloading them from the dataset's mirror (or from
        ``SKFASHION_MIRROR`` if set).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with columns ``pixel_0`` ...
        ``pixel_783`` and ``target`` a pandas Series named ``"class"``;
        the Bunch also has ``frame`` with both. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n, 784) uint8; ``images`` (n, 28, 28) uint8, a view of
        ``data``; ``target`` (n,) int64; ``target_names``; ``feature_names``;
        ``DESCR``; and ``frame`` when ``as_frame=True``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    OSError
        If a file is missing and ``download_if_missing=False``, or the
        download fails.
    DatasetIntegrityError
        (a ``ValueError``) If a file is truncated, corrupted or not the
        expected one. The message names the file and how to fix it.

    Examples
    --------
    >>> from skfashion import fetch_fashion_mnist
    >>> X, y = fetch_fashion_mnist(subset="test", return_X_y=True)
    >>> X.shape, X.dtype, y[:5]
    ((10000, 784), dtype('uint8'), array([9, 2, 1, 1, 6]))
    """
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all', got {subset!r}.")
    home = Path(data_home).expanduser() if data_home is not None else None
    home = home or _default_data_home()
    parts = ["train", "test"] if subset == "all" else [subset]
    images, labels = [], []
    for part in parts:
        image_file, label_file = _SUBSETS[part]
        images.append(_load_file(image_file, home, download_if_missing))
        labels.append(_load_file(label_file, home, download_if_missing))
    images_arr = images[0] if len(images) == 1 else np.concatenate(images)
    data = images_arr.reshape(len(images_arr), -1)
    if not data.flags.writeable:
        data = data.copy()
    images_view = data.reshape(-1, *IMAGE_SHAPE)
    target = np.concatenate(labels).astype(np.int64)
    feature_names = list(_FEATURE_NAMES)

    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "fetch_fashion_mnist(as_frame=True) requires pandas: "
                "pip install pandas (or skfashion[pandas])."
            ) from exc
        data = pd.DataFrame(data, columns=feature_names, copy=False)
        target = pd.Series(target, name="class")
        frame = pd.concat([data, target], axis=1)

    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        images=images_view,
        target=target,
        target_names=list(CLASS_NAMES),
        feature_names=feature_names,
        frame=frame,
        DESCR=_DESCR,
    )


def stratified_subsample(X, y, n_samples: int | None, *, random_state=None):
    """A stratified random subsample of ``n_samples`` rows of ``(X, y)``.

    Parameters
    ----------
    X : array-like of shape (n, ...)
        Samples.
    y : array-like of shape (n,)
        Labels, whose class proportions the subsample keeps.
    n_samples : int or None
        How many rows; None, or at least ``len(y)``, returns ``(X, y)``.
    random_state : int, RandomState instance or None, default=None
        The seed, in scikit-learn's meaning.

    Returns
    -------
    X_sub, y_sub : ndarray
        The subsample.

    Examples
    --------
    >>> from skfashion import fetch_fashion_mnist, stratified_subsample
    >>> X, y = fetch_fashion_mnist(subset="test", return_X_y=True)
    >>> X_sub, y_sub = stratified_subsample(X, y, 1000, random_state=0)
    >>> X_sub.shape, np.bincount(y_sub).tolist() == [100] * 10
    ((1000, 784), True)
    """
    if n_samples is None or n_samples >= len(y):
        return X, y
    n_classes = len(np.unique(y))
    if n_samples < n_classes:
        raise ValueError(
            f"n_samples={n_samples} is fewer than the {n_classes} classes: a "
            "stratified subsample holds at least one row of each."
        )
    from sklearn.model_selection import train_test_split

    X_sub, _, y_sub, _ = train_test_split(
        X, y, train_size=n_samples, stratify=y, random_state=random_state
    )
    return X_sub, y_sub


def as_model_labels(y, classes) -> np.ndarray:
    """Fashion-MNIST's label numbers ``y`` as the labels a model was fitted on.

    A model fitted on the label numbers gets ``y`` back; one fitted on the
    class names (:data:`CLASS_NAMES`) gets the names.

    Parameters
    ----------
    y : array-like of int
        Fashion-MNIST label numbers (0-9).
    classes : array-like
        The model's ``classes_``.

    Returns
    -------
    labels : ndarray
        ``y`` in the model's own labels.

    Raises
    ------
    ValueError
        If the model's labels are neither the numbers nor the names.
    """
    classes = np.asarray(classes)
    y = np.asarray(y)
    if classes.dtype.kind in "iu":
        return y
    if set(classes.tolist()) <= set(CLASS_NAMES):
        return np.asarray(CLASS_NAMES)[y]
    raise ValueError(
        f"the model's labels ({', '.join(map(str, classes[:4]))}, ...) are neither "
        "Fashion-MNIST's class numbers nor its names: score it against your own "
        "test labels (model.score(X, y))"
    )


def display_names(classes) -> list[str]:
    """A readable name per class: Fashion-MNIST's names for its label numbers.

    Parameters
    ----------
    classes : array-like
        A model's ``classes_``.

    Returns
    -------
    names : list of str
        :data:`CLASS_NAMES` for label numbers 0-9; any other label as it is.
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "iu" and set(classes.tolist()) <= set(
        range(len(CLASS_NAMES))
    ):
        return [CLASS_NAMES[int(c)] for c in classes]
    return [str(c) for c in classes]
