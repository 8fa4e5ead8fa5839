"""ImageScaler (skfashion.preprocessing): shapes, dtypes, scaling, refused inputs."""

import warnings

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
        (np.full((2, 784), 65535, np.uint16), r"16-bit pixels, X // 257 gives"),
        (np.array([["a"] * 784] * 2), "could not convert string to float"),
        (np.zeros(784), r"1-D array of 784 values.*batch of one, X.reshape\(1, -1\)"),
        (np.zeros((28, 28)), r"one 28x28 image.*image\[np.newaxis\]"),
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


# -- inputs already scaled --------------------------------------------------------


def test_already_scaled_floats_and_booleans_are_kept(small_test):
    X, _ = small_test
    scaler = ImageScaler(image_shape=(28, 28))
    expected = scaler.fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(scaler.transform(X / 255.0), expected)
        np.testing.assert_array_equal(
            scaler.transform((X / 255.0).astype(np.float32)), expected
        )
        binary = X > 127
        np.testing.assert_array_equal(scaler.transform(binary), binary)


def test_mixed_batch_is_judged_per_image(small_test):
    X, _ = small_test
    mixed = X[:4].astype(np.float64)
    mixed[1::2] /= 255.0
    out = ImageScaler().fit_transform(mixed)
    np.testing.assert_allclose(out, X[:4] / 255.0, rtol=1e-6)


def test_all_dark_raw_image_is_not_taken_for_scaled():
    dark = np.zeros((2, 784))
    dark[:, :100] = 3.0  # a nearly black 8-bit photo: whole numbers
    np.testing.assert_allclose(ImageScaler().fit_transform(dark), dark / 255)


def test_whole_zeros_and_ones_warn_with_the_fix():
    X = np.zeros((3, 784))
    X[0, :50] = 1.0
    with pytest.warns(UserWarning, match=r"1 image\(s\) hold only.*max_value=1"):
        out = ImageScaler().fit_transform(X)
    np.testing.assert_allclose(out, X / 255)
    out = ImageScaler(max_value=1).fit_transform(X)
    np.testing.assert_array_equal(out, X)


@pytest.mark.parametrize("max_value, divisor", [(255, 255.0), (1, 1.0)])
def test_explicit_max_value(max_value, divisor):
    X = np.full((2, 784), 0.5)
    out = ImageScaler(max_value=max_value).fit_transform(X)
    np.testing.assert_allclose(out, X / divisor)


def test_max_value_one_refuses_8bit_pixels():
    with pytest.raises(ValueError, match=r"\[0, 1\].*Pass max_value=255"):
        ImageScaler(max_value=1).fit(np.full((2, 784), 7.0))


@pytest.mark.parametrize("max_value", ["1", 2, None])
def test_bad_max_value(max_value):
    with pytest.raises(ValueError, match="max_value"):
        ImageScaler(max_value=max_value).fit(np.zeros((2, 784)))


def test_uniform_images_are_flagged():
    X = np.zeros((3, 784), dtype=np.uint8)
    X[0, :400] = 200
    X[2] = 255
    with pytest.warns(UserWarning, match=r"2 image\(s\) are uniform"):
        ImageScaler(image_shape=(28, 28)).fit_transform(X)


def test_fashion_mnist_frame_needs_no_names_when_fitted_on_arrays(fashion_test):
    pytest.importorskip("pandas", reason="as_frame needs pandas")
    from skfashion import fetch_fashion_mnist

    frame = fetch_fashion_mnist(subset="test", as_frame=True).data.iloc[:5]
    scaler = ImageScaler(image_shape=(28, 28)).fit(fashion_test.data[:5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = scaler.transform(frame)
    np.testing.assert_array_equal(out, scaler.transform(fashion_test.data[:5]))
    # Other names still get scikit-learn's warning.
    other = frame.rename(columns=lambda c: c.replace("pixel_", "p"))
    with pytest.warns(UserWarning, match="has feature names"):
        scaler.transform(other)


# -- load_image --------------------------------------------------------------------
