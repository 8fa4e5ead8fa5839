"""Arrays TensorFlow uses in place (skfashion._aligned)."""

import numpy as np
import pytest

from skfashion import ImageScaler, _aligned

VALUES = np.arange(12, dtype=np.float32).reshape(4, 3)


@pytest.mark.parametrize("shape", [(3, 5), (0, 784), (7,)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8"])
def test_empty_is_aligned_with_the_asked_shape_and_dtype(shape, dtype):
    array = _aligned.empty(shape, dtype)
    assert array.shape == shape and array.dtype == dtype
    assert array.flags.c_contiguous and array.flags.writeable
    if array.size:
        assert array.ctypes.data % _aligned.ALIGNMENT == 0


def test_tensor_shares_a_shareable_array():
    array = _aligned.empty((4, 3), np.float32)
    array[:] = 1
    assert _aligned.shareable(array)
    tensor = _aligned.tensor(array)
    array[0, 0] = 7  # seen through the tensor: the memory is the array's
    assert float(tensor[0, 0]) == 7


def test_tensor_of_an_empty_array():
    tensor = _aligned.tensor(_aligned.empty((0, 784), np.float32))
    assert tuple(tensor.shape) == (0, 784)


def _misaligned():
    array = _aligned.empty(VALUES.size + 1, np.float32)[1:].reshape(VALUES.shape)
    array[:] = VALUES  # 4 bytes past the alignment
    return array


def _fortran():
    return np.asfortranarray(VALUES)


def _read_only():
    array = _aligned.empty(VALUES.shape, np.float32)
    array[:] = VALUES
    array.flags.writeable = False
    return array


@pytest.mark.parametrize("make", [_misaligned, _fortran, _read_only])
def test_tensor_copies_what_tensorflow_cannot_share(make):
    array = make()
    assert not _aligned.shareable(array)
    tensor = _aligned.tensor(array)  # a misaligned DLPack tensor would abort
    np.testing.assert_array_equal(np.asarray(tensor), VALUES)
    if array.flags.writeable:
        array[0, 0] = -1
        assert float(tensor[0, 0]) == 0  # the tensor holds a copy


def test_empty_if_large_aligns_only_large_arrays():
    rows = _aligned.LARGE // (784 * 4) + 1
    assert _aligned.shareable(_aligned.empty_if_large((rows, 784), np.float32))
    small = _aligned.empty_if_large((1, 784), np.float32)
    assert small.shape == (1, 784) and small.base is None  # plain np.empty


def test_scaler_output_is_shareable():
    X = np.arange(400 * 784).reshape(400, 784) % 256
    for max_value in (255, 1, "auto"):
        out = ImageScaler(max_value=max_value).fit_transform(
            X / 255 if max_value == 1 else X
        )
        assert _aligned.shareable(out)
