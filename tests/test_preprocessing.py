"""ImageScaler: shapes, dtypes, scaling, and every input it refuses."""

import numpy as np
import pytest
import scipy.sparse as sp

from skfashion import ImageScaler


@pytest.mark.parametrize("shape", [(5, 784), (5, 28, 28), (5, 28, 28, 1)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64, np.int64])
def test_layouts_and_dtypes_give_float32_rows(shape, dtype, rng):
    X = rng.randint(0, 256, size=shape).astype(dtype)
    out = ImageScaler(image_shape=(28, 28)).fit_transform(X)
    assert out.shape == (5, 784) and out.dtype == np.float32
    np.testing.assert_allclose(out, X.reshape(5, 784) / 255.0, rtol=1e-6)
    assert out.min() >= 0 and out.max() <= 1


def test_exact_extremes():
    X = np.array([[0, 255, 51]], dtype=np.uint8)
    expected = np.array([[0, 1, 0.2]], dtype=np.float32)
    np.testing.assert_array_equal(ImageScaler().fit_transform(X), expected)


def test_real_images_scale(small_test):
    X, _ = small_test
    out = ImageScaler(image_shape=(28, 28)).fit_transform(X)
    assert out.shape == (1000, 784) and out.max() == 1.0 and out.min() == 0.0


def test_transform_without_fit_is_allowed_stateless():
    X = np.full((2, 784), 255, dtype=np.uint8)
    np.testing.assert_array_equal(ImageScaler().transform(X), np.ones((2, 784)))


def test_feature_names_and_set_output():
    pd = pytest.importorskip("pandas", reason="set_output('pandas') needs pandas")
    X = pd.DataFrame(np.zeros((2, 3)), columns=["a", "b", "c"])
    scaler = ImageScaler().set_output(transform="pandas").fit(X)
    out = scaler.transform(X)
    assert list(out.columns) == ["a", "b", "c"]
    assert list(scaler.get_feature_names_out()) == ["a", "b", "c"]
    names = ImageScaler().fit(np.zeros((1, 784))).get_feature_names_out()
    assert names[0] == "x0" and names[-1] == "x783"


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((2, 700)), "Expected 784 pixels per image"),
        (np.zeros((2, 32, 32)), r"Expected images of size \(28, 28\)"),
        (np.zeros((2, 28, 28, 3)), "Expected grayscale images"),
        (np.zeros((2, 2, 28, 28, 1)), "Expected grayscale images"),
        (np.full((2, 784), np.nan), "Input X contains NaN"),
        (np.full((2, 784), np.inf), "Input X contains infinity"),
        (np.full((2, 784), -1.0), "Negative values in data"),
        (np.full((2, 784), 256.0), r"Pixel values must lie in \[0, 255\]"),
        (np.array([["a"] * 784] * 2), "could not convert string to float"),
        (np.zeros(784), "Expected 2D array, got 1D array"),
        (np.zeros((0, 784)), "0 sample"),
    ],
)
def test_bad_input_is_a_clear_value_error(X, match):
    with pytest.raises(ValueError, match=match):
        ImageScaler(image_shape=(28, 28)).fit(X)


def test_sparse_input_is_a_type_error():
    with pytest.raises(TypeError, match="Sparse data was passed"):
        ImageScaler().fit(sp.csr_matrix(np.zeros((2, 784))))


def test_object_array_is_a_type_error():
    X = np.zeros((2, 784), dtype=object)
    X[0, 0] = {"not": "a number"}
    with pytest.raises(TypeError, match=r"argument must be a string.* number"):
        ImageScaler().fit(X)


def test_transform_checks_the_fitted_width():
    scaler = ImageScaler().fit(np.zeros((2, 784)))
    with pytest.raises(ValueError, match="expecting 784 features"):
        scaler.transform(np.zeros((2, 783)))


@pytest.mark.parametrize("image_shape", [(28,), (28, 0), (28.0, 28), "28x28"])
def test_bad_image_shape_parameter(image_shape):
    with pytest.raises((ValueError, TypeError), match="image_shape"):
        ImageScaler(image_shape=image_shape).fit(np.zeros((2, 784)))
