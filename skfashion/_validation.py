"""scikit-learn's ``validate_data`` for predict and transform, with a fast
path for plain NumPy arrays.

On one row, ``validate_data`` takes about 0.08 ms, most of it looking for
dataframes and feature names, and a pipeline's predict calls it twice: more
than half of a 0.25 ms budget for one image (see docs/decisions: predict
latency). A 2-D NumPy array of numbers, given to an estimator fitted without
feature names, gets the same checks here from scikit-learn's own helpers
(the number of features, finiteness) and the same conversion; anything else
goes through ``validate_data`` itself.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import (
    _assert_all_finite,
    _check_n_features,
    validate_data,
)

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def validate_rows(estimator, X) -> np.ndarray:
    """``validate_data(estimator, X, reset=False, dtype=[float32, float64])``."""
    fast = (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.shape[0] > 0
        and X.shape[1] > 0
        and X.dtype.kind in "biuf"
        and not hasattr(estimator, "feature_names_in_")
    )
    if not fast:
        return validate_data(estimator, X, reset=False, dtype=[np.float32, np.float64])
    _check_n_features(estimator, X, reset=False)
    floats = X.dtype.kind == "f"
    if X.dtype not in _FLOATS:
        X = X.astype(np.float32)
    # Integers and booleans are finite. A finite sum is scikit-learn's own
    # first pass, without its array-API dispatch; any other sum gets its full
    # check, its config and its error message.
    if floats:
        with np.errstate(over="ignore"):
            finite = np.isfinite(X.sum())
        if not finite:
            name = type(estimator).__name__
            _assert_all_finite(X, input_name="X", estimator_name=name)
    return X
