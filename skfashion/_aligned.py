"""NumPy arrays that TensorFlow uses in place instead of copying.

``tf.constant`` copies a NumPy array (measured: twice its size while the
array lives, see docs/decisions: training memory); a tensor made through
DLPack shares the array's memory, but only at TensorFlow's alignment (a
misaligned one aborts the process at its first use). NumPy allocates at 16
bytes and has no aligned allocation of its own, hence :func:`empty`.
"""

from __future__ import annotations

import numpy as np

# TensorFlow's EIGEN_MAX_ALIGN_BYTES (AVX-512 builds).
ALIGNMENT = 64
# Arrays from this size on are worth sharing rather than copying.
LARGE = 1 << 20


def empty(shape, dtype) -> np.ndarray:
    """``np.empty(shape, dtype)`` starting at a multiple of ``ALIGNMENT``
    (unless it is empty: NumPy gives a zero-size array a memory of its own)."""
    dtype = np.dtype(dtype)
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    buffer = np.empty(n_bytes + ALIGNMENT, np.uint8)
    start = -buffer.ctypes.data % ALIGNMENT
    return buffer[start : start + n_bytes].view(dtype).reshape(shape)


def empty_if_large(shape, dtype) -> np.ndarray:
    """:func:`empty` where the array takes at least ``LARGE`` bytes, else
    ``np.empty``: aligning costs about 4 us a call, more than copying a few
    rows, on the path of every one-image predict."""
    dtype = np.dtype(dtype)
    if int(np.prod(shape)) * dtype.itemsize >= LARGE:
        return empty(shape, dtype)
    return np.empty(shape, dtype)


def shareable(array: np.ndarray) -> bool:
    """Whether TensorFlow can take ``array``'s memory as it is."""
    flags = array.flags
    return flags.c_contiguous and flags.writeable and array.ctypes.data % ALIGNMENT == 0


def tensor(array: np.ndarray):
    """A TensorFlow tensor of ``array``: its own memory where
    :func:`shareable`, else an aligned copy's."""
    import tensorflow as tf

    if array.size == 0:
        return tf.constant(array)
    if not shareable(array):
        copy = empty(array.shape, array.dtype)
        np.copyto(copy, array)
        array = copy
    return tf.experimental.dlpack.from_dlpack(array.__dlpack__())
