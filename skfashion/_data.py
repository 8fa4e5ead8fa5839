"""The input pipeline of a fit: the validation split, batches and their order.

One adapter per backend behind :func:`fit_inputs`. On TensorFlow, rows are
never copied: the training arrays stay whole (the caller's own memory where
``_aligned`` lets TensorFlow share it), and the pipeline passes row
indices that are gathered inside the training step (see
``networks._FashionNetwork``) or, for validation, per batch. On JAX and
PyTorch, a ``keras.utils.PyDataset`` gathers each batch's rows in NumPy for
Keras' own step. Either way each epoch's order is a permutation keyed by (seed,
epoch number) alone.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from . import _aligned
from ._compat import BACKEND, keras
from .networks import _FashionNetwork


def fit_inputs(
    model, arrays, train_idx, val_idx, *, batch_size, shuffle, seed, steps, rows
):
    """The training data, the validation data (None without a hold-out) and
    the callbacks that order the epochs, for ``model.fit``.

    ``arrays`` are (X, Y) or (X, Y, sample_weight); ``steps`` batches run per
    call into the training step (``steps_per_execution``); ``rows`` is the
    validation's batch size.
    """
    if BACKEND != "tensorflow":
        data = _RowBatches(arrays, train_idx, batch_size, shuffle=shuffle, seed=seed)
        validation = None
        if val_idx is not None:
            validation = _RowBatches(arrays, val_idx, rows, shuffle=False, seed=0)
        return data, validation, [EpochOrder(data.set_epoch)]
    import tensorflow as tf

    tensors = tuple(_aligned.tensor(a) for a in arrays)
    model.loop_over_batches(batch_size, arrays[0][:1], arrays[1][:1])
    data, callbacks = training_dataset(
        tensors,
        train_idx,
        batch_size,
        shuffle=shuffle,
        seed=seed,
        batches_per_element=steps,
    )
    validation = None
    if val_idx is not None:
        validation = batches(tensors, tf.constant(val_idx), rows)
    return data, validation, callbacks


class _RowBatches(keras.utils.PyDataset):
    """Batches of the rows ``indices`` of ``arrays``, each epoch in its own
    order (a permutation keyed by (seed, epoch number)) if ``shuffle``."""

    def __init__(self, arrays, indices, batch_size, *, shuffle, seed):
        super().__init__()
        self.arrays, self.indices, self.batch_size = arrays, indices, batch_size
        self.shuffle, self.seed = shuffle, seed
        self.order = indices

    def set_epoch(self, epoch: int) -> None:
        if self.shuffle:
            rng = np.random.default_rng([self.seed, epoch])
            self.order = self.indices[rng.permutation(len(self.indices))]

    def __len__(self) -> int:
        return -(-len(self.indices) // self.batch_size)

    def __getitem__(self, i):
        rows = self.order[i * self.batch_size : (i + 1) * self.batch_size]
        return tuple(a[rows] for a in self.arrays)


def split_validation(Y, fraction: float, seed: int):
    """Indices of the training rows and of the hold-out (None if none).

    Stratified by class (the columns of the one-hot ``Y``) and seeded;
    indices rather than copies, so the training data stays one array.
    """
    indices = np.arange(len(Y))
    if fraction == 0:
        return indices, None
    try:
        train, val = train_test_split(
            indices, test_size=fraction, random_state=seed, stratify=Y.argmax(1)
        )
    except ValueError:  # a class too small to stratify: split plainly
        train, val = train_test_split(indices, test_size=fraction, random_state=seed)
    return train, val


def batches(tensors, indices, batch_size):
    """Batches of the rows ``indices`` of ``tensors``, gathered on the fly."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(indices).batch(batch_size)
    return _without_autotune(
        ds.map(lambda idx: tuple(tf.gather(t, idx) for t in tensors))
    )


def _without_autotune(dataset):
    """``dataset`` with tf.data's autotuning off.

    With it on, the process sat idle for seconds when Keras replaced an
    epoch's iterator (see docs/decisions: tf.data autotuning). Each element
    is a few index vectors, so there is nothing to tune.
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def training_dataset(
    tensors, indices, batch_size, *, shuffle, seed, batches_per_element=None
):
    """The training data of one epoch, and the callback that orders it.

    With ``batches_per_element`` None, each element is one batch of the rows
    of ``tensors`` (Keras' own training step); otherwise each element is
    :meth:`_FashionNetwork.element`: the tensors themselves and the indices
    of ``batches_per_element`` consecutive batches (fewer in the epoch's
    last whole-batch element, padded with -1 to the same length). Either
    way a last batch of fewer rows comes alone. Each epoch's order is a
    stateless permutation of ``indices`` keyed by (seed, epoch number),
    which the callback sets as each epoch begins: it depends on no global
    seed (TensorFlow's ``Dataset.shuffle`` mixes its op seed with
    ``tf.random.set_seed``'s), and ``partial_fit``'s epoch k gets the same
    order as ``fit``'s. The data is never copied.
    """
    import tensorflow as tf

    n_whole = len(indices) // batch_size * batch_size
    rows_per_element = batch_size * (batches_per_element or 1)

    def elements(order):
        if batches_per_element is None:
            return batches(tensors, order, batch_size)
        # The last whole-batch element is padded with -1 (no row) to the
        # others' length: XLA compiles the step once per element shape.
        padding = -n_whole % rows_per_element
        whole = tf.pad(order[:n_whole], [[0, padding]], constant_values=-1)
        ds = tf.data.Dataset.from_tensor_slices(whole).batch(rows_per_element)
        if n_whole < len(indices):
            ds = ds.concatenate(tf.data.Dataset.from_tensors(order[n_whole:]))
        return ds.map(lambda idx: _FashionNetwork.element(tensors, idx))

    order = tf.constant(indices)
    if not shuffle:
        return _without_autotune(elements(order).prefetch(2)), []
    epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
    key = tf.constant(seed, tf.int64)

    def permute(_):
        shuffled = tf.random.experimental.stateless_shuffle(
            tf.range(len(indices)), seed=tf.stack([key, epoch.read_value()])
        )
        return tf.gather(order, shuffled)

    n_elements = -(-n_whole // rows_per_element) + (n_whole < len(indices))
    ds = tf.data.Dataset.range(1).map(permute).flat_map(elements)
    ds = ds.apply(tf.data.experimental.assert_cardinality(n_elements))
    return _without_autotune(ds.prefetch(2)), [EpochOrder(epoch.assign)]


class EpochOrder(keras.callbacks.Callback):
    """Tells the input pipeline which epoch begins (see ``training_dataset``).

    Keras creates the epoch's iterator after ``on_epoch_begin``, so the
    permutation is drawn with the right epoch number. ``set_epoch`` takes
    the epoch number.
    """

    def __init__(self, set_epoch):
        super().__init__()
        self.set_epoch = set_epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.set_epoch(epoch)
