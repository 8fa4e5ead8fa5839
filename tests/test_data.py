"""The input pipeline of a fit (skfashion._data): batches, order, hold-out."""

import numpy as np
import pytest
from params import FAST

from skfashion import (
    FashionMLPClassifier,
)
from skfashion._data import split_validation


def test_validation_split_is_stratified_and_reported(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST, validation_split=0.2).fit(X, y)
    assert set(clf.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(clf.history_["val_loss"]) == 3
    train, val = split_validation(np.eye(10)[y], clf._validation_fraction(), seed=0)
    assert np.bincount(y[val]).tolist() == [40] * 10
    assert len(train) == 1600
    assert np.intersect1d(train, val).size == 0


@pytest.mark.parametrize("per_element", [None, 5])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("n", [1003, 64, 20])
def test_training_batches_cover_every_row_once(n, shuffle, per_element):
    import tensorflow as tf

    from skfashion._data import training_dataset

    rows = np.arange(n, dtype="float32")[:, None]  # each row holds its number
    indices = np.arange(n)[::-1].copy()
    dataset, _ = training_dataset(
        (tf.constant(rows),),
        indices,
        32,
        shuffle=shuffle,
        seed=3,
        batches_per_element=per_element,
    )
    elements = list(dataset.as_numpy_iterator())
    if per_element is None:  # rows, gathered
        batches = [e[0][:, 0] for e in elements]
    else:  # ((all rows, uncopied), the indices of the element's batches)
        assert all(np.shares_memory(e[0][0], elements[0][0][0]) for e in elements)
        orders = [e[0][1] for e in elements]
        batches = [e[0][0][o[o >= 0], 0] for e, o in zip(elements, orders, strict=True)]
    assert dataset.cardinality() == len(elements)
    # tf.data's autotuning idled seconds per epoch (see skfashion._data).
    assert dataset.options().autotune.enabled is False
    # Elements of per_element whole batches, then the rest of the whole
    # batches, then the short batch alone.
    whole, short = divmod(n, 32)
    k = per_element or 1
    expected = [32 * k] * (whole // k) + [32 * (whole % k)] * (whole % k > 0)
    assert [len(b) for b in batches] == expected + [short] * (short > 0)
    if per_element is not None:
        # The rest of the whole batches is padded with -1 (after its rows) to
        # the others' length: one shape, one XLA compilation, for them all.
        for o, n_rows in zip(orders, expected, strict=False):
            assert len(o) == 32 * k and (o[n_rows:] == -1).all()
            assert (o[:n_rows] >= 0).all()
    order = np.concatenate(batches).astype(int)
    assert sorted(order) == list(range(n))  # every row once
    if not shuffle:
        np.testing.assert_array_equal(order, indices)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_network_step_over_several_batches_is_keras_step_per_batch(jit_compile):
    # _FashionNetwork's training step runs the batches of one element in a
    # loop; Keras' own step (without loop_over_batches) one call each.
    import tensorflow as tf

    from skfashion._data import training_dataset
    from skfashion.networks import build_mlp

    rng = np.random.default_rng(0)
    X = rng.random((203, 20), dtype="float32")
    Y = np.eye(3, dtype="float32")[rng.integers(0, 3, 203)]
    tensors = (tf.constant(X), tf.constant(Y))
    fitted = []
    # 12 whole batches: elements of 5, 5 and 2 (padded to 5), then 11 rows.
    for per_element, spe in ((None, 5), (5, 1)):
        net = build_mlp(
            20,
            3,
            hidden_layer_sizes=(8,),
            activation="relu",
            dropout=0,
            l2=0,
            dtype_policy="float32",
            seed=0,
        )
        net.compile(
            optimizer="adam",
            loss="categorical_crossentropy",
            metrics=["accuracy"],
            steps_per_execution=spe,
            jit_compile=jit_compile,
        )
        if per_element:
            net.loop_over_batches(16, X[:1], Y[:1])
        data, callbacks = training_dataset(
            tensors,
            np.arange(203),
            16,
            shuffle=True,
            seed=1,
            batches_per_element=per_element,
        )
        history = net.fit(
            data, epochs=2, callbacks=callbacks, shuffle=False, verbose=0
        ).history
        fitted.append((net.get_weights(), history, net.optimizer.iterations.numpy()))
    (w_keras, h_keras, it_keras), (w_loop, h_loop, it_loop) = fitted
    assert it_keras == it_loop == 2 * 13  # one update per batch
    tol = 1e-6 if jit_compile else 0  # XLA may fuse the loop otherwise
    for a, b in zip(w_keras, w_loop, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=tol)
    for key in h_keras:
        np.testing.assert_allclose(h_keras[key], h_loop[key], rtol=tol)
