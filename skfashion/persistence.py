"""Saving, loading, verifying and exporting fitted models.

A model file is a small header, a JSON manifest and a joblib payload::

    b"SKFASHION-MODEL\\n" | manifest length (8 bytes, big-endian) | manifest | payload

The manifest records the payload's SHA-256, so :func:`load_model` can refuse
a truncated, bit-flipped or tampered file *before* unpickling anything. The
hash is for integrity, not security: a pickle executes code when loaded, so
load model files only from sources you trust.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
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

FORMAT_VERSION = 1
_MAGIC = b"SKFASHION-MODEL\n"
_LENGTH_BYTES = 8
_MAX_MANIFEST = 16 * 1024 * 1024


class ModelFileError(ValueError):
    """A model file is not a skfashion model, or is damaged or tampered with."""


class ModelVersionWarning(UserWarning):
    """A model file was saved with other library versions than those running."""


def _versions() -> dict[str, str]:
    import keras
    import sklearn
    import tensorflow as tf

    from . import __version__

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


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple) and all(
        v is None or isinstance(v, bool | int | float | str) for v in value
    ):
        return list(value)
    return repr(value)


def _params(estimator) -> dict[str, Any]:
    params = estimator.get_params(deep=True)
    return {k: _jsonable(v) for k, v in sorted(params.items()) if k != "steps"}


def _write(path: Path, manifest: dict, payload: bytes) -> None:
    header = json.dumps(manifest, indent=1, sort_keys=True).encode()
    length = len(header).to_bytes(_LENGTH_BYTES, "big")
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        for chunk in (_MAGIC, length, header, payload):
            f.write(chunk)


def save_model(
    estimator, path: str | os.PathLike, *, test_score: float | None = None
) -> Path:
    """Save a fitted estimator or pipeline atomically, with a manifest.

    Parameters
    ----------
    estimator : FashionMLPClassifier or Pipeline
        A fitted scikit-learn estimator (any picklable one works).
    path : str or path-like
        Destination file (conventionally ``*.skf``). An existing file is
        replaced only once the new one is completely on disk.
    test_score : float, default=None
        A score to record in the manifest, e.g. the test accuracy.

    Returns
    -------
    path : pathlib.Path
        The path written.

    See Also
    --------
    load_model : Verify and load a file written by this function.
    read_manifest : Read a file's manifest without unpickling it.
    """
    check_is_fitted(estimator)
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    payload = buffer.getvalue()
    final = _final_estimator(estimator)
    classes = getattr(final, "classes_", None)
    manifest = {
        "format": "skfashion-model",
        "format_version": FORMAT_VERSION,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_bytes": len(payload),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": _versions(),
        "estimator": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        "params": _params(estimator),
        "classes": None if classes is None else np.asarray(classes).tolist(),
        "test_score": None if test_score is None else float(test_score),
    }
    path = Path(path)
    _write(path, manifest, payload)
    return path


def _read(path: Path) -> tuple[dict, bytes, str]:
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a skfashion model file.")
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(_MAGIC):
        raise ModelFileError(
            f"{path} is not a skfashion model file (it does not start with the "
            "SKFASHION-MODEL header). Save models with skfashion.save_model; "
            "load plain joblib files with joblib.load."
        )
    start = len(_MAGIC) + _LENGTH_BYTES
    length = int.from_bytes(data[len(_MAGIC) : start], "big")
    if len(data) < start or length > min(_MAX_MANIFEST, len(data) - start):
        raise ModelFileError(f"{path} is truncated: its manifest is incomplete.")
    try:
        manifest = json.loads(data[start : start + length])
        version = int(manifest["format_version"])
        expected_sha = str(manifest["payload_sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelFileError(f"{path} has a damaged manifest: {exc}.") from exc
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} uses model format version {version}, newer than this "
            f"skfashion's ({FORMAT_VERSION}). Upgrade skfashion to load it."
        )
    return manifest, data[start + length :], expected_sha


def read_manifest(path: str | os.PathLike) -> dict:
    """Read a model file's manifest, without unpickling or hashing anything.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.

    Returns
    -------
    manifest : dict
        Format version, payload SHA-256, library versions, parameters,
        classes and test score.
    """
    return _read(Path(path))[0]


def load_model(path: str | os.PathLike):
    """Verify a model file's integrity, then load it.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.

    Returns
    -------
    estimator : object
        The fitted estimator or pipeline.

    Raises
    ------
    ModelFileError
        (a ``ValueError``) If the path is not a skfashion model file, or the
        file is truncated, corrupted, tampered with or from a newer format.
        Nothing is unpickled unless the payload's SHA-256 matches.

    Warns
    -----
    ModelVersionWarning
        If the file was saved with other skfashion, scikit-learn, Keras,
        TensorFlow or NumPy versions than those running.
    """
    path = Path(path)
    manifest, payload, expected_sha = _read(path)
    found_sha = hashlib.sha256(payload).hexdigest()
    if found_sha != expected_sha:
        raise ModelFileError(
            f"{path} is corrupted or was modified: its payload ({len(payload):,} "
            f"bytes) has SHA-256 {found_sha}, but the manifest records "
            f"{expected_sha} ({manifest.get('payload_bytes', '?'):,} bytes). "
            "Nothing was loaded."
        )
    saved = manifest.get("versions", {})
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
            stacklevel=2,
        )
    return joblib.load(io.BytesIO(payload))


def export_keras(estimator, path: str | os.PathLike) -> Path:
    """Export the fitted network in Keras' own ``.keras`` format.

    The file holds the network (and optimizer state) only: load it with
    ``keras.saving.load_model`` for use outside scikit-learn. Its inputs are
    scaled pixels (``ImageScaler`` output), its outputs the probabilities of
    ``classes_`` in order.

    Parameters
    ----------
    estimator : FashionMLPClassifier or Pipeline ending in one
        The fitted model.
    path : str or path-like
        Destination; must end in ``.keras``.

    Returns
    -------
    path : pathlib.Path
        The path written.
    """
    final = _final_estimator(estimator)
    check_is_fitted(final)
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"The Keras format needs a '.keras' file name, got {path}.")
    with atomic_path(path, suffix=".keras") as tmp:
        final.model_.save(tmp)
    return path


@dataclass
class ModelComparison:
    """Field-by-field result of :func:`compare_models`.

    Attributes
    ----------
    fields : list of (str, bool, str)
        ``(field, equal, detail)`` for each field compared.
    """

    fields: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """True if every field compared equal."""
        return all(equal for _, equal, _ in self.fields)

    @property
    def differences(self) -> list[str]:
        """The names of the fields that differ."""
        return [name for name, equal, _ in self.fields if not equal]

    def add(self, name: str, equal: bool, detail: str = "") -> None:
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


def _layer_summary(model) -> list[dict]:
    summary = []
    for layer in model.layers:
        config = layer.get_config()
        summary.append(
            {
                "type": type(layer).__name__,
                "units": config.get("units"),
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

    Compares: class; ``get_params()``; pipeline steps; the network's
    structure (layer types, units, activations, input and output shapes);
    the optimizer's configuration; ``classes_``; every weight array and
    optimizer state array, bit for bit; and, if ``X`` is given,
    ``predict_proba(X)``, bit for bit.

    Parameters
    ----------
    a, b : FashionMLPClassifier or Pipeline ending in one
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
    report.add("params", _params(a) == _params(b))
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
    report.add(
        "optimizer config",
        type(oa) is type(ob) and oa.get_config() == ob.get_config(),
        type(oa).__name__,
    )
    report.add(
        "classes_",
        np.array_equal(getattr(fa, "classes_", None), getattr(fb, "classes_", None)),
    )
    _compare_arrays(report, "weights", ma.get_weights(), mb.get_weights())
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
