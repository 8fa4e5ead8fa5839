"""The predict path (skfashion._inference): calls and blocks of rows."""

import numpy as np


def test_predict_over_several_calls_equals_rows_alone(fitted, scaled):
    # predict passes at most MAX_ROWS rows per call (peak memory); rows of a
    # second call give what they give alone.
    from skfashion._inference import MAX_ROWS, ROW_BLOCK, rows_per_call

    _, _, X_test, _ = scaled
    rows = rows_per_call(fitted.model_)
    # A small network: the cap (whole blocks of rows), not the activations.
    assert MAX_ROWS - ROW_BLOCK < rows <= MAX_ROWS and rows % ROW_BLOCK == 0
    X = np.resize(X_test, (rows + 5, X_test.shape[1]))
    proba = fitted.predict_proba(X)
    assert proba.shape == (rows + 5, 10)
    np.testing.assert_array_equal(proba[-5:], fitted.predict_proba(X[-5:]))
    np.testing.assert_array_equal(proba[:5], fitted.predict_proba(X[:5]))
