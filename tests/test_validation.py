"""validate_rows (skfashion._validation): validate_data's answers, faster."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.validation import validate_data

from skfashion import ImageScaler
from skfashion._validation import validate_rows

ROWS = np.random.RandomState(0).randint(0, 256, size=(3, 6))


@pytest.fixture
def scaler():
    return ImageScaler().fit(ROWS)


def _reference(estimator, X):
    return validate_data(estimator, X, reset=False, dtype=[np.float32, np.float64])


@pytest.mark.parametrize(
    "dtype", [np.uint8, np.int64, np.float16, np.float32, np.float64, bool]
)
def test_the_same_array_as_validate_data(scaler, dtype):
    X = ROWS.astype(dtype)
    got, expected = validate_rows(scaler, X), _reference(scaler, X)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "X",
    [
        np.full((2, 6), np.nan),
        np.full((2, 6), np.inf, np.float16),
        np.zeros((2, 5)),
        np.zeros((0, 6)),
        np.zeros(6),
        np.zeros((2, 6), complex),
    ],
    ids=["nan", "inf16", "features", "no-rows", "1d", "complex"],
)
def test_the_same_errors_as_validate_data(scaler, X):
    with pytest.raises((ValueError, TypeError)) as expected:
        _reference(scaler, X)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        validate_rows(scaler, X)


def test_finite_rows_whose_sum_overflows_pass_quietly(scaler):
    X = np.full((2, 6), 3e38, np.float32)  # finite, but their sum is not
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(validate_rows(scaler, X), _reference(scaler, X))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        validate_rows(scaler, np.where(np.eye(2, 6, dtype=bool), np.nan, X))


def test_feature_names_warn_as_validate_data():
    frame = pd.DataFrame(ROWS, columns=[f"c{i}" for i in range(6)])
    scaler = ImageScaler().fit(frame)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        validate_rows(scaler, ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(validate_rows(scaler, frame), ROWS)
