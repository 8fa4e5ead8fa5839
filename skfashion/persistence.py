"""Saving, loading, verifying and exporting fitted models.

A model file (format 2) is a ZIP archive that holds data only::

    manifest.json      format, versions, each step's type, parameters and
                       fitted attributes as JSON, each array's SHA-256,
                       shape and dtype
    arrays/0.npy ...   the networks' variables and optimizer state, in NumPy's
                       .npy format (numbers only; read with allow_pickle=False)

:func:`load_model` rebuilds the estimator with skfashion's own code from an
allow-list of step types (``ImageScaler``, ``FashionMLPClassifier``,
``FashionCNNClassifier``); nothing in the file names a module, class or
function that gets imported or called, so a file from anyone is safe to load.
Files that need pickle (format 1 ``.skf`` files, joblib files) are refused
unless the caller opts in with ``allow_pickle=True``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._atomic import atomic_path

__all__ = [
    "FORMAT_VERSION",
    "ModelComparison",
    "ModelFileError",
    "ModelVersionWarning",
    "compare_models",
    "export_keras",
    "load_model",
    "read_manifest",
    "save_model",
]

FORMAT_VERSION = 2
_FORMAT = "skfashion-model"
_ZIP_MAGIC = b"PK\x03\x04"
_V1_MAGIC = b"SKFASHION-MODEL\n"  # format 1: header, JSON manifest, joblib payload
_V1_LENGTH_BYTES = 8
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


def _versions() -> dict[str, str]:
    import sklearn
    import tensorflow as tf

    from . import __version__
    from ._compat import keras

    return {
        "skfashion": __version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _final_estimator(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _step_types() -> dict[str, type]:
    """The allow-list: the only classes a model file can make ``load_model`` build."""
    from .classifier import FashionCNNClassifier, FashionMLPClassifier
    from .preprocessing import ImageScaler

    return {
        cls.__name__: cls
        for cls in (ImageScaler, FashionMLPClassifier, FashionCNNClassifier)
    }


# -- parameters as plain data -------------------------------------------------------

_NOT_PLAIN_HINTS = {
    "callbacks": "callbacks act only during fit: set_params(callbacks=None) first",
    "optimizer": "name the optimizer instead, e.g. optimizer='adam'",
    "random_state": "pass an int (or None) instead of a RandomState",
}


def _plain(value, name: str, owner: str):
    """``value`` as JSON data, or a ValueError naming the parameter and the fix."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return [_plain(v, name, owner) for v in value]
    if isinstance(value, dict) and name == "class_weight":
        # JSON object keys are strings; class labels may be numbers.
        return {"items": [[_plain(k, name, owner), float(v)] for k, v in value.items()]}
    hint = _NOT_PLAIN_HINTS.get(name, "keep this model with joblib.dump instead")
    raise ValueError(
        f"{owner} parameter {name}={value!r} is not plain data, and a skfashion "
        f"model file holds data only ({hint}; or keep the model with joblib.dump, "
        "whose files load_model opens only with allow_pickle=True)."
    )


# Parameters added after files of this format were first written, with the
# value that rebuilds the model such a file holds: CNNs saved before
# `padding` existed (2026-11-26) had "valid" convolutions throughout; models
# saved before `jit_compile` existed (2026-11-26) were trained without XLA;
# CNNs saved before `shift_range` existed (2026-11-26) shifted by up to 10%.
_ADDED_PARAMS = {
    "FashionMLPClassifier": {"jit_compile": False},
    "FashionCNNClassifier": {
        "padding": "valid",
        "jit_compile": False,
        "shift_range": 0.1,
    },
}


def _from_plain(value, name: str):
    if name == "class_weight" and isinstance(value, dict):
        return {
            k if not isinstance(k, list) else tuple(k): v for k, v in value["items"]
        }
    if isinstance(value, list):
        return tuple(_from_plain(v, name) for v in value)
    return value


# -- writing --------------------------------------------------------------------------


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
    if _step_types().get(cls.__name__) is not cls:
        raise ValueError(
            f"save_model stores ImageScaler and skfashion classifiers (alone or in "
            f"a Pipeline); step {name!r} is a {cls.__name__}. Keep such a model "
            "with joblib.dump (load_model opens it with allow_pickle=True)."
        )
    check_is_fitted(step, "n_features_in_")  # ImageScaler needs no fit otherwise
    params = {
        key: _plain(value, key, cls.__name__)
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
    classes = getattr(_final_estimator(estimator), "classes_", None)
    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": _versions(),
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


# -- reading --------------------------------------------------------------------------


def _kind(path: Path) -> str:
    """'zip' (format 2), 'v1' (format 1), 'pickle' or 'other', by content."""
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a skfashion model file.")
    with open(path, "rb") as f:
        start = f.read(len(_V1_MAGIC))
    if start.startswith(_ZIP_MAGIC):
        return "zip"
    if start == _V1_MAGIC:
        return "v1"
    if start.startswith(b"\x80"):  # pickle protocol 2+ (joblib.dump's default)
        return "pickle"
    return "other"


def _check_version(path: Path, manifest: dict) -> None:
    if manifest.get("format") != _FORMAT:
        raise ModelFileError(f"{path} is not a skfashion model file (wrong format).")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path} has a damaged manifest: no format version.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} uses model format version {version}, newer than this "
            f"skfashion's ({FORMAT_VERSION}). Upgrade skfashion to load it."
        )


def _open_zip(path: Path) -> tuple[zipfile.ZipFile, dict]:
    try:
        zf = zipfile.ZipFile(path)
        info = zf.getinfo(_MANIFEST)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelFileError(f"{path} is damaged or truncated: {exc}.") from exc
    except KeyError:
        zf.close()
        raise ModelFileError(
            f"{path} is a ZIP archive but not a skfashion model file (it has no "
            f"{_MANIFEST})."
        ) from None
    try:
        if info.file_size > _MAX_MANIFEST:
            raise ModelFileError(f"{path} has an oversized manifest.")
        manifest = json.loads(zf.read(info))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except ModelFileError:
        zf.close()
        raise
    except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        zf.close()
        raise ModelFileError(f"{path} has a damaged manifest: {exc}.") from exc
    try:
        _check_version(path, manifest)
    except ModelFileError:
        zf.close()
        raise
    return zf, manifest


def _read_v1(path: Path) -> tuple[dict, int]:
    """A format-1 file's manifest, and where its (pickle) payload starts."""
    with open(path, "rb") as f:
        f.seek(len(_V1_MAGIC))
        length = int.from_bytes(f.read(_V1_LENGTH_BYTES), "big")
        if length > _MAX_MANIFEST:
            raise ModelFileError(f"{path} is truncated: its manifest is incomplete.")
        header = f.read(length)
    if len(header) < length:
        raise ModelFileError(f"{path} is truncated: its manifest is incomplete.")
    try:
        manifest = json.loads(header)
        str(manifest["payload_sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelFileError(f"{path} has a damaged manifest: {exc}.") from exc
    _check_version(path, manifest)
    return manifest, len(_V1_MAGIC) + _V1_LENGTH_BYTES + length


def read_manifest(path: str | os.PathLike) -> dict:
    """Read a model file's manifest, without loading any array or running code.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (format 2, or format 1).

    Returns
    -------
    manifest : dict
        Format version, library versions, the steps with their parameters
        and fitted attributes, each array's SHA-256, shape and dtype,
        classes and test score.
    """
    path = Path(path)
    kind = _kind(path)
    if kind == "v1":
        return _read_v1(path)[0]
    if kind != "zip":
        raise ModelFileError(_not_a_model(path, kind))
    zf, manifest = _open_zip(path)
    zf.close()
    return manifest


def _not_a_model(path: Path, kind: str) -> str:
    if kind == "v1":
        return (
            f"{path} is a format-1 skfashion model file, whose payload is a "
            f"pickle; {_PICKLE_HINT}."
        )
    if kind == "pickle":
        return f"{path} is a pickle (joblib) file; {_PICKLE_HINT}."
    return (
        f"{path} is not a skfashion model file (nor a format-1 file or a "
        "pickle); save models with skfashion.save_model."
    )


def _warn_versions(path: Path, manifest: dict) -> None:
    saved = manifest.get("versions")
    saved = saved if isinstance(saved, dict) else {}
    running = _versions()
    differ = {
        k: (saved[k], running[k])
        for k in ("skfashion", "scikit-learn", "keras", "tensorflow", "numpy")
        if k in saved and saved[k] != running[k]
    }
    if differ:
        detail = ", ".join(f"{k} {a} (now {b})" for k, (a, b) in differ.items())
        warnings.warn(
            f"{path} was saved with {detail}; predictions may differ or loading "
            "may fail. Re-train and save with the running versions to be sure.",
            ModelVersionWarning,
            stacklevel=3,
        )


class _SafeReader:
    """Reads a format-2 archive's arrays, checking everything before trusting it."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, manifest: dict):
        self.path, self.zf = path, zf
        specs = manifest.get("arrays")
        if not isinstance(specs, dict):
            self.fail("its manifest lists no arrays")
        names = zf.namelist()
        if len(names) != len(set(names)):
            self.fail("it holds duplicate members")
        unexpected = sorted(set(names) - {_MANIFEST} - set(specs))
        missing = sorted(set(specs) - set(names))
        bad_names = [n for n in specs if not _ARRAY_NAME.fullmatch(n)]
        if unexpected or missing or bad_names:
            self.fail(
                f"its members do not match its manifest (unexpected {unexpected}, "
                f"missing {missing}, invalid names {bad_names})"
            )
        self.specs = specs

    def fail(self, why: str):
        raise ModelFileError(f"{self.path} is not a valid skfashion model file: {why}.")

    def array(self, name, shape, dtype) -> np.ndarray:
        """The member ``name``, which must hold an array of ``shape`` and ``dtype``.

        Shape and dtype are those the rebuilt network expects, so the sizes
        are checked against the parameters before anything is read.
        """
        spec = self.specs.get(name) if isinstance(name, str) else None
        if not isinstance(spec, dict):
            self.fail(f"array {name!r} is not in its manifest")
        expected = {"shape": list(shape), "dtype": np.dtype(dtype).str}
        found = {"shape": spec.get("shape"), "dtype": spec.get("dtype")}
        if found != expected or expected["dtype"] not in _ARRAY_DTYPES:
            self.fail(f"{name} holds {found}, but the model needs {expected}")
        info = self.zf.getinfo(name)
        limit = int(np.prod(shape)) * np.dtype(dtype).itemsize + _NPY_HEADER_MAX
        if info.compress_type != zipfile.ZIP_STORED or info.file_size > limit:
            self.fail(f"{name} is compressed or larger than its shape allows")
        try:
            data = self.zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            self.fail(f"{name} is damaged ({exc})")
        if hashlib.sha256(data).hexdigest() != spec.get("sha256"):
            self.fail(f"{name} does not match its SHA-256 (corrupted or modified)")
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:
            self.fail(f"{name} is not a plain numeric array ({exc})")
        if array.shape != tuple(shape) or array.dtype != np.dtype(dtype):
            self.fail(f"{name} holds {array.dtype}{array.shape}, not {found}")
        return array


def _labels_from(reader: _SafeReader, value) -> np.ndarray:
    ok = isinstance(value, dict) and isinstance(value.get("values"), list)
    dtype = value.get("dtype") if ok else None
    if not isinstance(dtype, str) or not re.fullmatch(r"[<>|][biufU][0-9]{1,3}", dtype):
        reader.fail(f"its labels are not plain data ({value!r:.80})")
    labels = np.asarray(value["values"], dtype=np.dtype(dtype))
    if labels.ndim != 1:
        reader.fail("its labels are not a list")
    return labels


def _build_step(reader: _SafeReader, entry) -> BaseEstimator:
    """Rebuild one step with skfashion's code from its manifest entry."""
    if not isinstance(entry, dict):
        reader.fail("a step is not a JSON object")
    types = _step_types()
    cls = types.get(entry.get("type"))
    if cls is None:
        reader.fail(
            f"it names the step type {entry.get('type')!r}, which is not one of "
            f"skfashion's ({', '.join(types)})"
        )
    params, fitted = entry.get("params"), entry.get("fitted")
    if not isinstance(params, dict) or not isinstance(fitted, dict):
        reader.fail(f"its {cls.__name__} step has no parameters or fitted state")
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        reader.fail(f"it gives {cls.__name__} unknown parameters {unknown}")
    params = {**_ADDED_PARAMS.get(cls.__name__, {}), **params}
    try:
        step = cls(**{k: _from_plain(v, k) for k, v in params.items()})
        step._validate_params()
    except (ValueError, TypeError, KeyError) as exc:
        reader.fail(f"its {cls.__name__} parameters are invalid: {exc!r}")
    n_features = fitted.get("n_features_in_")
    if not isinstance(n_features, int) or not 0 < n_features <= 10**7:
        reader.fail(f"its {cls.__name__} has an invalid n_features_in_")
    step.n_features_in_ = n_features
    names = fitted.get("feature_names_in_")
    if names is not None:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            reader.fail("its feature names are not strings")
        step.feature_names_in_ = np.asarray(names, dtype=object)
    if "classes_" in fitted:
        _restore_network(reader, step, entry, fitted)
    return step


def _restore_network(reader: _SafeReader, clf, entry: dict, fitted: dict) -> None:
    from ._base import _OneHotLabels

    classes = _labels_from(reader, fitted["classes_"])
    if classes.size < 1 or np.unique(classes).size != classes.size:
        reader.fail("its classes are empty or repeated")
    clf.target_encoder_ = _OneHotLabels(classes=classes).fit(classes)
    for key, value in clf.target_encoder_.get_metadata().items():
        setattr(clf, key, value)
    history = fitted.get("history_", {})
    if not isinstance(history, dict) or not all(
        isinstance(v, list) and all(isinstance(x, int | float) for x in v)
        for v in history.values()
    ):
        reader.fail("its training history is not lists of numbers")
    clf.history_ = {str(k): [float(x) for x in v] for k, v in history.items()}
    n_iter = fitted.get("n_iter_", 0)
    if not isinstance(n_iter, int) or isinstance(n_iter, bool):
        reader.fail("its n_iter_ is not an integer")
    clf.n_iter_ = n_iter
    run_dir = fitted.get("tensorboard_run_dir_")
    clf.tensorboard_run_dir_ = run_dir if isinstance(run_dir, str) else None
    try:
        model = clf._compile(clf._build_network(seed=0))
    except (ValueError, TypeError) as exc:
        reader.fail(f"its parameters build no network ({exc})")
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    for group, variables in (
        ("variables", model.variables),
        ("optimizer", optimizer.variables),
    ):
        members = entry.get(group)
        if not isinstance(members, list) or len(members) != len(variables):
            reader.fail(
                f"its {group} do not match the network its parameters build "
                f"({len(variables)} arrays expected)"
            )
        for variable, member in zip(variables, members, strict=True):
            variable.assign(reader.array(member, variable.shape, variable.dtype))
    clf.model_ = model


def load_model(
    path: str | os.PathLike,
    *,
    allow_pickle: bool = False,
    return_manifest: bool = False,
):
    """Verify a model file and rebuild the model it describes.

    A format-2 file (what :func:`save_model` writes) holds data only: the
    model is rebuilt by skfashion's own code, each array is checked against
    its SHA-256 and against the shapes the parameters imply before it is
    read, and nothing in the file is executed. Safe to load from anyone.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.
    allow_pickle : bool, default=False
        Also load files that are unpickled: format-1 ``.skf`` files (their
        payload's SHA-256 is checked first) and joblib files. Unpickling runs
        code chosen by whoever wrote the file: allow it only for files from
        sources you trust (NumPy's and skops' name for the same choice).
    return_manifest : bool, default=False
        Also return the file's manifest (read in the same pass), as
        :func:`read_manifest` gives it; None for a plain joblib file.

    Returns
    -------
    estimator : object
        The fitted estimator or pipeline.
    manifest : dict or None
        Only if ``return_manifest`` is True.

    Raises
    ------
    ModelFileError
        (a ``ValueError``) If the file is not a skfashion model, is truncated,
        corrupted, tampered with, from a newer format, or needs pickle
        without ``allow_pickle=True``. Raised before anything is executed.

    Warns
    -----
    ModelVersionWarning
        If the file was saved with other skfashion, scikit-learn, Keras,
        TensorFlow or NumPy versions than those running.
    """
    model, manifest = _load(Path(path), allow_pickle)
    return (model, manifest) if return_manifest else model


def _load(path: Path, allow_pickle: bool):
    kind = _kind(path)
    if kind == "zip":
        zf, manifest = _open_zip(path)
        with zf:
            reader = _SafeReader(path, zf, manifest)
            steps = manifest.get("steps")
            if not isinstance(steps, list) or not steps:
                reader.fail("its manifest lists no steps")
            built = [_build_step(reader, entry) for entry in steps]
            _warn_versions(path, manifest)
            pipeline = manifest.get("pipeline")
            if pipeline is None:
                if len(built) != 1:
                    reader.fail("it holds several steps but no pipeline")
                return built[0], manifest
            names = [entry.get("name") for entry in steps]
            if not all(isinstance(n, str) and n for n in names):
                reader.fail("its pipeline steps have no names")
            verbose = isinstance(pipeline, dict) and pipeline.get("verbose") is True
            steps = list(zip(names, built, strict=True))
            return Pipeline(steps, verbose=verbose), manifest
    if not allow_pickle:
        raise ModelFileError(_not_a_model(path, kind))
    import joblib

    if kind != "v1":  # a pickle, or compressed joblib: joblib tells
        try:
            return joblib.load(path), None
        except Exception as exc:  # unpickling raises anything the file makes it
            raise ModelFileError(
                f"{path} could not be loaded as a joblib or pickle file: {exc!r}."
            ) from exc
    manifest, offset = _read_v1(path)
    payload = path.read_bytes()[offset:]
    found = hashlib.sha256(payload).hexdigest()
    if found != manifest["payload_sha256"]:
        raise ModelFileError(
            f"{path} is corrupted or was modified: its payload has SHA-256 "
            f"{found}, but the manifest records {manifest['payload_sha256']}. "
            "Nothing was loaded."
        )
    _warn_versions(path, manifest)
    return joblib.load(io.BytesIO(payload)), manifest


def export_keras(estimator, path: str | os.PathLike) -> Path:
    """Export the fitted network in Keras' own ``.keras`` format.

    The file holds the network (and optimizer state) only: load it with
    ``keras.saving.load_model`` for use outside scikit-learn. Its inputs are
    scaled pixels (``ImageScaler`` output), its outputs the probabilities of
    ``classes_`` in order.

    Parameters
    ----------
    estimator : FashionMLPClassifier, FashionCNNClassifier or Pipeline ending in one
        The fitted model.
    path : str or path-like
        Destination; must end in ``.keras``.

    Returns
    -------
    path : pathlib.Path
        The path written.
    """
    from ._compat import keras

    final = _final_estimator(estimator)
    check_is_fitted(final)
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"The Keras format needs a '.keras' file name, got {path}.")
    # A plain Sequential, so that loading it needs no skfashion (the fitted
    # network's class only changes how it trains; see networks._FashionNetwork).
    model = final.model_
    plain = keras.Sequential.from_config(model.get_config())
    plain.set_weights(model.get_weights())
    # Compiled as the fitted network, with its optimizer (and so its state).
    plain.compile(**{**model.get_compile_config(), "optimizer": model.optimizer})
    with atomic_path(path, suffix=".keras") as tmp:
        plain.save(tmp)
    return path


# -- comparing ------------------------------------------------------------------------


class ModelComparison:
    """Field-by-field result of :func:`compare_models`.

    True (in an ``if``) when the two models are identical; ``str()`` gives
    a table of the fields compared.

    Parameters
    ----------
    fields : list of (str, bool, str), default=None
        ``(field, equal, detail)`` for each field compared; None for none yet.

    Attributes
    ----------
    fields : list of (str, bool, str)
        ``(field, equal, detail)`` for each field compared.
    """

    def __init__(self, fields: list[tuple[str, bool, str]] | None = None):
        self.fields = list(fields or [])

    def __repr__(self) -> str:
        return f"ModelComparison(fields={self.fields!r})"

    @property
    def identical(self) -> bool:
        """True if every field compared equal."""
        return all(equal for _, equal, _ in self.fields)

    @property
    def differences(self) -> list[str]:
        """The names of the fields that differ."""
        return [name for name, equal, _ in self.fields if not equal]

    def add(self, name: str, equal: bool, detail: str = "") -> None:
        """Record one compared field."""
        self.fields.append((name, bool(equal), detail))

    def __bool__(self) -> bool:
        return self.identical

    def __str__(self) -> str:
        width = max((len(name) for name, _, _ in self.fields), default=5)
        lines = [
            f"{name:<{width}}  {'same' if equal else 'DIFFERENT'}"
            + (f"  {detail}" if detail else "")
            for name, equal, detail in self.fields
        ]
        verdict = "identical" if self.identical else "DIFFERENT"
        return "\n".join([*lines, f"{'verdict':<{width}}  {verdict}"])


def _structure(value):
    """A parameter value as comparable data: objects by class and configuration.

    ``repr`` would hold memory addresses (``<Callback object at 0x...>``), so
    that an identical reload of a model fitted with callbacks would differ.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return tuple(_structure(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((repr(k), _structure(v)) for k, v in value.items()))
    if isinstance(value, type):
        return ("class", f"{value.__module__}.{value.__qualname__}")
    if isinstance(value, BaseEstimator):
        return (type(value).__qualname__, _structure(value.get_params(deep=False)))
    if hasattr(value, "get_config"):
        try:
            config = value.get_config()
        except (NotImplementedError, TypeError):
            config = None
        if config is not None:
            return (type(value).__qualname__, _structure(config))
    state = (
        {
            k: v
            for k, v in vars(value).items()
            if not k.startswith("_")
            and (v is None or isinstance(v, bool | int | float | str))
        }
        if hasattr(value, "__dict__")
        else {}
    )
    return (type(value).__qualname__, _structure(state))


def _params(estimator) -> dict[str, Any]:
    params = estimator.get_params(deep=True)
    return {k: _structure(v) for k, v in sorted(params.items()) if k != "steps"}


def _layer_summary(model) -> list[dict]:
    summary = []
    for layer in model.layers:
        config = layer.get_config()
        summary.append(
            {
                "type": type(layer).__name__,
                "units": config.get("units"),
                "filters": config.get("filters"),
                "activation": config.get("activation"),
                "rate": config.get("rate"),
                "output_shape": getattr(layer, "output_shape", None)
                or str(layer.output.shape),
            }
        )
    return summary


def _compare_arrays(report, name, a_arrays, b_arrays) -> None:
    if len(a_arrays) != len(b_arrays):
        report.add(name, False, f"{len(a_arrays)} vs {len(b_arrays)} arrays")
        return
    bad = [
        i
        for i, (x, y) in enumerate(zip(a_arrays, b_arrays, strict=True))
        if x.shape != y.shape or x.dtype != y.dtype or x.tobytes() != y.tobytes()
    ]
    n = sum(int(np.size(x)) for x in a_arrays)
    detail = f"{len(a_arrays)} arrays, {n:,} values bit for bit"
    if bad:
        detail = f"arrays {bad} differ"
    report.add(name, not bad, detail)


def compare_models(a, b, X=None) -> ModelComparison:
    """Compare two fitted models field by field.

    Compares: class; ``get_params()`` as data (objects such as callbacks by
    their class and configuration); pipeline steps; the network's structure
    (layer types, units, filters, activations, output shapes); the
    optimizer's configuration; ``classes_``; every network variable and
    optimizer state array, bit for bit; and, if ``X`` is given,
    ``predict_proba(X)``, bit for bit.

    Parameters
    ----------
    a, b : skfashion classifier or Pipeline ending in one
        Fitted models, e.g. an original and its reloaded copy.
    X : array-like, default=None
        Samples on which both models' probabilities must be identical.

    Returns
    -------
    comparison : ModelComparison
        ``comparison.identical`` is True only if every field is equal;
        ``str(comparison)`` is a readable report.

    Examples
    --------
    >>> report = compare_models(model, load_model("model.skf"))  # doctest: +SKIP
    >>> report.identical  # doctest: +SKIP
    True
    """
    report = ModelComparison()
    report.add(
        "class",
        type(a) is type(b),
        f"{type(a).__name__} vs {type(b).__name__}" if type(a) is not type(b) else "",
    )
    params_a, params_b = _params(a), _params(b)
    differ = sorted(
        k
        for k in params_a.keys() | params_b.keys()
        if params_a.get(k) != params_b.get(k)
    )
    report.add("params", not differ, f"{differ} differ" if differ else "")
    if isinstance(a, Pipeline) and isinstance(b, Pipeline):
        names_a = [(n, type(s).__name__) for n, s in a.steps]
        names_b = [(n, type(s).__name__) for n, s in b.steps]
        report.add("pipeline steps", names_a == names_b, str(names_a))
    fa, fb = _final_estimator(a), _final_estimator(b)
    ma, mb = getattr(fa, "model_", None), getattr(fb, "model_", None)
    if ma is None or mb is None:
        report.add("fitted network", ma is not None and mb is not None, "missing")
        return report
    report.add("structure", _layer_summary(ma) == _layer_summary(mb))
    report.add(
        "input/output shapes",
        (ma.input_shape, ma.output_shape) == (mb.input_shape, mb.output_shape),
        f"{ma.input_shape} -> {ma.output_shape}",
    )
    oa, ob = ma.optimizer, mb.optimizer
    # Keras numbers the names of optimizers made in one process ("adam_1"):
    # a label, not state.
    config_a, config_b = ({**o.get_config(), "name": None} for o in (oa, ob))
    report.add(
        "optimizer config",
        type(oa) is type(ob) and config_a == config_b,
        type(oa).__name__,
    )
    report.add(
        "classes_",
        np.array_equal(getattr(fa, "classes_", None), getattr(fb, "classes_", None)),
    )
    _compare_arrays(
        report,
        "weights",
        [np.asarray(v) for v in ma.variables],
        [np.asarray(v) for v in mb.variables],
    )
    _compare_arrays(
        report,
        "optimizer state",
        [np.asarray(v) for v in oa.variables],
        [np.asarray(v) for v in ob.variables],
    )
    if X is not None:
        pa, pb = a.predict_proba(X), b.predict_proba(X)
        same = pa.shape == pb.shape and pa.tobytes() == pb.tobytes()
        detail = f"{len(pa)} samples"
        if not same and pa.shape == pb.shape:
            detail += f", max abs difference {np.max(np.abs(pa - pb)):.3g}"
        report.add("predict_proba", same, detail)
    return report
