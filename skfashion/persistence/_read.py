"""Reading a model file: read_manifest and load_model, checking before trusting."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from .._novelty import REFERENCE_ROWS
from ._format import (
    _ARRAY_DTYPES,
    _ARRAY_NAME,
    _FORMAT,
    _MANIFEST,
    _MAX_MANIFEST,
    _NPY_HEADER_MAX,
    _PICKLE_HINT,
    _ZIP_MAGIC,
    FORMAT_VERSION,
    ModelFileError,
    ModelVersionWarning,
    from_plain,
    library_versions,
    step_types,
)


def _kind(path: Path) -> str:
    """'zip' (a model file), 'pickle' or 'other', by content."""
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a skfashion model file.")
    with open(path, "rb") as f:
        start = f.read(len(_ZIP_MAGIC))
    if start.startswith(_ZIP_MAGIC):
        return "zip"
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


def read_manifest(path: str | os.PathLike) -> dict:
    """Read a model file's manifest, without loading any array or running code.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.

    Returns
    -------
    manifest : dict
        Format version, library versions (with ``"keras_backend"``, the
        backend that saved the model), the steps with their parameters
        and fitted attributes, each array's SHA-256, shape and dtype,
        classes and test score.
    """
    path = Path(path)
    kind = _kind(path)
    if kind != "zip":
        raise ModelFileError(_not_a_model(path, kind))
    zf, manifest = _open_zip(path)
    zf.close()
    return manifest


def _not_a_model(path: Path, kind: str) -> str:
    if kind == "pickle":
        return f"{path} is a pickle (joblib) file; {_PICKLE_HINT}."
    return (
        f"{path} is not a skfashion model file (nor a pickle); save models "
        "with skfashion.save_model."
    )


def _warn_versions(path: Path, manifest: dict) -> None:
    saved = manifest.get("versions")
    saved = saved if isinstance(saved, dict) else {}
    running = library_versions()
    differ = {
        k: (saved[k], running[k])
        for k in ("skfashion", "scikit-learn", "keras", "tensorflow", "jax", "numpy")
        if k in saved and k in running and saved[k] != running[k]
    }
    if differ:
        detail = ", ".join(f"{k} {a} (now {b})" for k, (a, b) in differ.items())
        warnings.warn(
            f"{path} was saved with {detail}; predictions may differ or loading "
            "may fail. Re-train and save with the running versions to be sure.",
            ModelVersionWarning,
            stacklevel=3,
        )


def _integers(dtype) -> bool:
    return dtype in _ARRAY_DTYPES and np.dtype(dtype).kind in "iu"


class _SafeReader:
    """Reads a model archive's arrays, checking everything before trusting it."""

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
        wanted = np.dtype(dtype)
        if _integers(expected["dtype"]) and _integers(found["dtype"]):
            # Counters and seed states: int64 on TensorFlow, 32-bit on JAX.
            expected["dtype"] = dtype = found["dtype"]
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
        if array.dtype != wanted:
            cast = array.astype(wanted)
            if not np.array_equal(cast.astype(array.dtype), array):
                self.fail(f"{name} holds integers that {wanted} cannot hold")
            array = cast
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


def _build_step(reader: _SafeReader, entry, version: int) -> BaseEstimator:
    """Rebuild one step with skfashion's code from its manifest entry."""
    if not isinstance(entry, dict):
        reader.fail("a step is not a JSON object")
    types = step_types()
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
    if version == 1 and "contamination" in cls._get_param_names():
        params = {"contamination": cls().contamination, **params}  # added in 2
    # A default would rebuild another model than the one saved.
    missing = sorted(set(cls._get_param_names()) - set(params))
    if missing:
        reader.fail(f"it gives {cls.__name__} no value for {missing}")
    try:
        step = cls(**{k: from_plain(v, k) for k, v in params.items()})
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
    classes = _labels_from(reader, fitted["classes_"])
    if classes.size < 1 or np.unique(classes).size != classes.size:
        reader.fail("its classes are empty or repeated")
    history = fitted.get("history_", {})
    if not isinstance(history, dict) or not all(
        isinstance(v, list) and all(isinstance(x, int | float) for x in v)
        for v in history.values()
    ):
        reader.fail("its training history is not lists of numbers")
    n_iter = fitted.get("n_iter_", 0)
    if not isinstance(n_iter, int) or isinstance(n_iter, bool):
        reader.fail("its n_iter_ is not an integer")
    run_dir = fitted.get("tensorboard_run_dir_")

    def read_variables(group, variables):
        members = entry.get(group)
        if not isinstance(members, list) or len(members) != len(variables):
            reader.fail(
                f"its {group} do not match the network its parameters build "
                f"({len(variables)} arrays expected)"
            )
        return [
            reader.array(member, variable.shape, variable.dtype)
            for variable, member in zip(variables, members, strict=True)
        ]

    statistics, offset = entry.get("score_statistics"), fitted.get("offset_")
    if statistics is not None and (
        not isinstance(statistics, dict) or not isinstance(offset, float)
    ):
        reader.fail("its score_samples statistics are not plain data")

    def read_statistics(shapes):
        """The saved statistics, checked against ``shapes`` (a ``None`` row
        count is the saved one, at most ``REFERENCE_ROWS``); None if none saved."""
        if statistics is None:  # a file of format 1, or a network never fitted
            return None
        if sorted(statistics) != sorted(shapes):
            reader.fail(f"its score_samples statistics are not {sorted(shapes)}")
        arrays = {}
        for key, (shape, dtype) in shapes.items():
            if shape[0] is None:
                saved = reader.specs.get(statistics[key], {}).get("shape") or [0]
                if not isinstance(saved[0], int) or not 0 < saved[0] <= REFERENCE_ROWS:
                    reader.fail(f"its score_samples {key} have no valid row count")
                shape = (saved[0], *shape[1:])
            arrays[key] = reader.array(statistics[key], shape, dtype)
        return arrays

    try:
        clf.restore_fitted(
            classes=classes,
            history={str(k): [float(x) for x in v] for k, v in history.items()},
            n_iter=n_iter,
            tensorboard_run_dir=run_dir if isinstance(run_dir, str) else None,
            read_variables=read_variables,
            offset=offset,
            read_statistics=read_statistics,
        )
    except (ValueError, TypeError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        reader.fail(f"its parameters build no network ({exc})")


def load_model(
    path: str | os.PathLike,
    *,
    allow_pickle: bool = False,
    return_manifest: bool = False,
):
    """Verify a model file and rebuild the model it describes.

    A model file (what :func:`save_model` writes) holds data only: the
    model is rebuilt by skfashion's own code, each array is checked against
    its SHA-256 and against the shapes the parameters imply before it is
    read, and nothing in the file is executed. Safe to load from anyone.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.
    allow_pickle : bool, default=False
        Also load joblib (pickle) files. Unpickling runs
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
            version = manifest["format_version"]
            built = [_build_step(reader, entry, version) for entry in steps]
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

    try:  # a pickle, or compressed joblib: joblib tells
        return joblib.load(path), None
    except Exception as exc:  # unpickling raises anything the file makes it
        raise ModelFileError(
            f"{path} could not be loaded as a joblib or pickle file: {exc!r}."
        ) from exc
