"""What the writer and the reader share: the format's constants and errors,
the allow-list of step types, parameters as plain data."""

from __future__ import annotations

import os
import platform
import re

import numpy as np
from sklearn.pipeline import Pipeline

# 2: score_samples' statistics and the contamination parameter.
FORMAT_VERSION = 2
_FORMAT = "skfashion-model"
_ZIP_MAGIC = b"PK\x03\x04"
_MANIFEST = "manifest.json"
_ARRAY_NAME = re.compile(r"arrays/(0|[1-9][0-9]{0,5})\.npy")
_MAX_MANIFEST = 16 * 1024 * 1024
# The only dtypes a model's arrays have: float weights, integer counters and
# seed states, and the labels' kinds (bool, numbers, unicode strings).
_ARRAY_DTYPES = {"<f4", "<f8", "<i4", "<i8", "<u4", "<u8", "|u1", "<u2"}
_LABEL_KINDS = "biufU"
_NPY_HEADER_MAX = 4096
_PICKLE_HINT = (
    "loading it unpickles, which can run any code: if you trust its source, "
    "load it with load_model(path, allow_pickle=True), then save_model it "
    "again to get a safe file"
)


class ModelFileError(ValueError):
    """A model file is not a skfashion model, or is damaged, unsafe or tampered."""


class ModelVersionWarning(UserWarning):
    """A model file was saved with other library versions than those running."""


def library_versions() -> dict[str, str]:
    """The versions a model file (and an ONNX graph's metadata) records,
    with the Keras backend of the process that writes it and its version."""
    import importlib

    import sklearn

    from .. import __version__
    from .._compat import BACKEND, keras

    return {
        "skfashion": __version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "keras_backend": BACKEND,
        BACKEND: importlib.import_module(BACKEND).__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def final_estimator(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def step_types() -> dict[str, type]:
    """The allow-list: the only classes a model file can make ``load_model`` build."""
    from ..classifier import FashionCNNClassifier, FashionMLPClassifier
    from ..preprocessing import ImageScaler

    return {
        cls.__name__: cls
        for cls in (ImageScaler, FashionMLPClassifier, FashionCNNClassifier)
    }


_NOT_PLAIN_HINTS = {
    "callbacks": "callbacks act only during fit: set_params(callbacks=None) first",
    "optimizer": "name the optimizer instead, e.g. optimizer='adam'",
    "random_state": "pass an int (or None) instead of a RandomState",
}


def plain(value, name: str, owner: str):
    """``value`` as JSON data, or a ValueError naming the parameter and the fix."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return [plain(v, name, owner) for v in value]
    if isinstance(value, dict) and name == "class_weight":
        # JSON object keys are strings; class labels may be numbers.
        return {"items": [[plain(k, name, owner), float(v)] for k, v in value.items()]}
    hint = _NOT_PLAIN_HINTS.get(name, "keep this model with joblib.dump instead")
    raise ValueError(
        f"{owner} parameter {name}={value!r} is not plain data, and a skfashion "
        f"model file holds data only ({hint}; or keep the model with joblib.dump, "
        "whose files load_model opens only with allow_pickle=True)."
    )


def from_plain(value, name: str):
    if name == "class_weight" and isinstance(value, dict):
        return {
            k if not isinstance(k, list) else tuple(k): v for k, v in value["items"]
        }
    if isinstance(value, list):
        return tuple(from_plain(v, name) for v in value)
    return value
