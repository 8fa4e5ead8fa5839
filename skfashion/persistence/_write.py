"""Writing a model file: save_model."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._atomic import atomic_path
from ._format import (
    _FORMAT,
    _LABEL_KINDS,
    _MANIFEST,
    FORMAT_VERSION,
    final_estimator,
    library_versions,
    plain,
    step_types,
)


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, order="C"), allow_pickle=False)
    return buffer.getvalue()


def _labels(values) -> dict:
    values = np.asarray(values)
    if values.dtype.kind == "O":  # strings from pandas: fixed-width unicode
        values = values.astype(str)
    if values.dtype.kind not in _LABEL_KINDS:
        raise ValueError(f"labels of dtype {values.dtype} cannot be saved.")
    return {"values": values.tolist(), "dtype": values.dtype.str}


def _describe_step(name: str, step, members: dict[str, bytes]) -> dict:
    """One step's manifest entry; its arrays are added to ``members``."""
    cls = type(step)
    if step_types().get(cls.__name__) is not cls:
        raise ValueError(
            f"save_model stores ImageScaler and skfashion classifiers (alone or in "
            f"a Pipeline); step {name!r} is a {cls.__name__}. Keep such a model "
            "with joblib.dump (load_model opens it with allow_pickle=True)."
        )
    check_is_fitted(step, "n_features_in_")  # ImageScaler needs no fit otherwise
    params = {
        key: plain(value, key, cls.__name__)
        for key, value in step.get_params(deep=False).items()
    }
    feature_names = getattr(step, "feature_names_in_", None)
    fitted: dict[str, Any] = {
        "n_features_in_": int(step.n_features_in_),
        "feature_names_in_": None if feature_names is None else list(feature_names),
    }
    entry = {"name": name, "type": cls.__name__, "params": params, "fitted": fitted}
    if hasattr(step, "model_"):
        fitted["classes_"] = _labels(step.classes_)
        fitted["history_"] = getattr(step, "history_", {})
        fitted["n_iter_"] = int(getattr(step, "n_iter_", 0))
        fitted["tensorboard_run_dir_"] = getattr(step, "tensorboard_run_dir_", None)
        model = step.model_
        if not model.optimizer.built:  # an initialize()d, never trained network
            model.optimizer.build(model.trainable_variables)
        for group, variables in (
            ("variables", model.variables),
            ("optimizer", model.optimizer.variables),
        ):
            entry[group] = []
            for variable in variables:
                member = f"arrays/{len(members)}.npy"
                members[member] = _npy_bytes(np.asarray(variable))
                entry[group].append(member)
        if hasattr(step, "score_statistics_"):
            fitted["offset_"] = float(step.offset_)
            entry["score_statistics"] = {}
            for key, array in step.score_statistics_.items():
                member = f"arrays/{len(members)}.npy"
                members[member] = _npy_bytes(array)
                entry["score_statistics"][key] = member
    return entry


def _array_spec(data: bytes) -> dict:
    array = np.load(io.BytesIO(data), allow_pickle=False)
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "shape": list(array.shape),
        "dtype": array.dtype.str,
        "bytes": len(data),
    }


def save_model(
    estimator, path: str | os.PathLike, *, test_score: float | None = None
) -> Path:
    """Save a fitted model atomically, as data that runs no code when loaded.

    Parameters
    ----------
    estimator : FashionMLPClassifier, FashionCNNClassifier, ImageScaler or Pipeline
        A fitted skfashion estimator, or a ``Pipeline`` of them.
    path : str or path-like
        Destination file (conventionally ``*.skf``). An existing file is
        replaced only once the new one is completely on disk.
    test_score : float, default=None
        A score to record in the manifest, e.g. the test accuracy.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If a step is not a skfashion estimator, or a parameter is not plain
        data (a callback object, an optimizer class, a RandomState): the
        message names it and the alternative.

    See Also
    --------
    load_model : Verify and load a file written by this function.
    read_manifest : Read a file's manifest without loading its arrays.
    """
    check_is_fitted(estimator)
    is_pipeline = isinstance(estimator, Pipeline)
    if is_pipeline and estimator.memory is not None:
        raise ValueError(
            "save_model stores pipelines without memory=; set memory=None first."
        )
    steps = estimator.steps if is_pipeline else [(None, estimator)]
    members: dict[str, bytes] = {}
    described = [_describe_step(name, step, members) for name, step in steps]
    classes = getattr(final_estimator(estimator), "classes_", None)
    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": library_versions(),
        "pipeline": {"verbose": bool(estimator.verbose)} if is_pipeline else None,
        "steps": described,
        "classes": None if classes is None else _labels(classes)["values"],
        "test_score": None if test_score is None else float(test_score),
        "arrays": {name: _array_spec(data) for name, data in members.items()},
    }
    path = Path(path)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        for name, data in members.items():
            zf.writestr(name, data)
    return path
