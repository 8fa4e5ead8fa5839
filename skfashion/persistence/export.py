"""Export of the fitted network in Keras' own format."""

from __future__ import annotations

import os
from pathlib import Path

from sklearn.utils.validation import check_is_fitted

from .._atomic import atomic_path
from .._compat import keras
from ._format import final_estimator


def export_keras(estimator, path: str | os.PathLike) -> Path:
    """Export the fitted network in Keras' own ``.keras`` format.

    The file holds the network (and optimizer state) only: load it with
    ``keras.saving.load_model`` for use outside scikit-learn. Its inputs are
    scaled pixels (``ImageScaler`` output), its outputs the probabilities of
    ``classes_`` in order. Its layers keep the network's ``dtype_policy``:
    under "mixed_bfloat16" they compute in bfloat16, and their outputs
    differ from ``predict_proba``'s (float32) in about the fourth decimal.

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
    final = final_estimator(estimator)
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
