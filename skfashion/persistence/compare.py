"""Comparing two fitted models: structure, parameters, weights, predictions."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from ._format import final_estimator


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
    optimizer state array, bit for bit; ``offset_`` and
    ``score_statistics_``, bit for bit; and, if ``X`` is given,
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
    fa, fb = final_estimator(a), final_estimator(b)
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
    sa, sb = (getattr(f, "score_statistics_", {}) for f in (fa, fb))
    _compare_arrays(
        report,
        "score statistics",
        [np.float64(getattr(fa, "offset_", np.nan)), *sa.values()],
        [np.float64(getattr(fb, "offset_", np.nan)), *sb.values()],
    )
    if X is not None:
        pa, pb = a.predict_proba(X), b.predict_proba(X)
        same = pa.shape == pb.shape and pa.tobytes() == pb.tobytes()
        detail = f"{len(pa)} samples"
        if not same and pa.shape == pb.shape:
            detail += f", max abs difference {np.max(np.abs(pa - pb)):.3g}"
        report.add("predict_proba", same, detail)
    return report
