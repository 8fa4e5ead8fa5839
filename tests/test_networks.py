"""The network builders (skfashion.networks): blocks, padding, image shapes,
augmentation, and the training step."""

import keras
import numpy as np
import pytest
from params import CNN_FAST, FAMILY, FAST

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
)
from skfashion._compat import BACKEND


def test_cnn_blocks_of_several_convolutions_and_same_padding(rng):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    params = dict(filters=((4, 6), 8), padding="same", hidden_layer_sizes=())
    clf = FashionCNNClassifier(**{**CNN_FAST, **params}).fit(X, y)
    convs = [layer for layer in clf.model_.layers if type(layer).__name__ == "Conv2D"]
    assert [conv.filters for conv in convs] == [4, 6, 8]
    assert [tuple(conv.output.shape[1:3]) for conv in convs] == [(8, 8), (8, 8), (4, 4)]
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    # Inside a block: conv, batch norm, ReLU, conv, then the block's pooling.
    assert kinds[1:6] == [
        "Conv2D",
        "BatchNormalization",
        "ReLU",
        "Conv2D",
        "MaxPooling2D",
    ]
    assert clf.predict(X).shape == (40,)


@pytest.mark.parametrize("filters", [(), (0, 4), ((4, ()),), "abc", (2.5,), ((4, -1),)])
def test_cnn_bad_filters_say_what_is_expected(rng, filters):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    with pytest.raises(
        ValueError, match=r"filters.* must be (a positive int|an array)"
    ):
        FashionCNNClassifier(**{**CNN_FAST, "filters": filters}).fit(X, y)


def test_cnn_padding_per_block_the_last_serves_the_rest(rng):
    X, y = rng.rand(40, 256), np.arange(40) % 2  # 16 x 16 images
    params = dict(filters=(4, 4, 4), padding=("same", "valid"))
    clf = FashionCNNClassifier(**{**CNN_FAST, **params}).fit(X, y)
    convs = [layer for layer in clf.model_.layers if type(layer).__name__ == "Conv2D"]
    # 16 ("same") -> pool 8 -> 6 ("valid") -> pool 3 -> 1 ("valid").
    assert [tuple(conv.output.shape[1:3]) for conv in convs] == [
        (16, 16),
        (6, 6),
        (1, 1),
    ]
    assert [conv.padding for conv in convs] == ["same", "valid", "valid"]


def test_cnn_padding_per_convolution_within_a_block(rng):
    X, y = rng.rand(40, 256), np.arange(40) % 2  # 16 x 16 images
    params = dict(filters=((4, 4, 4), 4), padding=(("valid", "same"), "same"))
    clf = FashionCNNClassifier(**{**CNN_FAST, **params}).fit(X, y)
    convs = [layer for layer in clf.model_.layers if type(layer).__name__ == "Conv2D"]
    # The block's last entry ("same") also serves its third convolution.
    assert [conv.padding for conv in convs] == ["valid", "same", "same", "same"]
    assert [tuple(conv.output.shape[1:3]) for conv in convs] == [
        (14, 14),
        (14, 14),
        (14, 14),
        (7, 7),
    ]


def test_cnn_bad_padding_is_refused(rng):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    with pytest.raises(ValueError, match=r"'padding' parameter .* must be a str among"):
        FashionCNNClassifier(**{**CNN_FAST, "padding": "full"}).fit(X, y)
    for bad in [("same", "full"), (), ("same", ()), ("same", ("valid", 3))]:
        with pytest.raises(ValueError, match=r'padding must be "valid", "same" or a'):
            FashionCNNClassifier(**{**CNN_FAST, "padding": bad}).fit(X, y)


@pytest.mark.parametrize(
    ("n_features", "image_shape", "expected"),
    [
        (784, None, (28, 28)),
        (20, None, (1, 20)),
        (20, (4, 5), (4, 5)),
        (1, None, (1, 1)),
    ],
)
def test_cnn_image_shape(n_features, image_shape, expected, rng):
    X, y = rng.rand(40, n_features), np.arange(40) % 2
    clf = FashionCNNClassifier(**{**CNN_FAST, "image_shape": image_shape}).fit(X, y)
    assert clf.model_.layers[0].target_shape == (*expected, 1)
    assert clf.predict(X).shape == (40,)


def test_cnn_image_shape_must_match_the_features(rng):
    X, y = rng.rand(40, 784), np.arange(40) % 2
    with pytest.raises(
        ValueError, match=r"image_shape=\(27, 27\) holds 729 pixels, but X has 784"
    ):
        FashionCNNClassifier(**CNN_FAST, image_shape=(27, 27)).fit(X, y)


@pytest.mark.parametrize(
    ("shift_range", "kinds"),
    [(0.05, ["RandomTranslation", "RandomFlip"]), (0.0, ["RandomFlip"])],
)
def test_cnn_shift_range(rng, shift_range, kinds):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    params = dict(augment=True, shift_range=shift_range)
    clf = FashionCNNClassifier(**{**CNN_FAST, **params}).fit(X, y)
    layers = [layer for layer in clf.model_.layers if "Random" in type(layer).__name__]
    assert [type(layer).__name__ for layer in layers] == kinds
    if shift_range:
        assert layers[0].height_factor == layers[0].width_factor == shift_range
    # Without augment, shift_range changes nothing.
    plain = FashionCNNClassifier(**{**CNN_FAST, "shift_range": 0.3}).fit(X, y)
    assert not any("Random" in type(layer).__name__ for layer in plain.model_.layers)


@pytest.mark.parametrize("augment", [False, True])
def test_cnn_random_erasing_erases_in_training_only(rng, augment):
    X, y = rng.rand(40, 64).astype("float32"), np.arange(40) % 2
    params = {**CNN_FAST, "augment": augment, "random_erasing": 1.0}
    clf = FashionCNNClassifier(**params).fit(X, y)
    erase = clf.model_.get_layer("erase")
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    assert kinds.index("RandomErasing") == kinds.index("Reshape") + 1 + 2 * augment
    assert erase.factor == (1.0, 1.0) and erase.value_range == (0, 1)
    # Compared in the layer's compute dtype: bfloat16 where "auto" chose it.
    images = X.reshape(-1, 8, 8, 1)
    passed = np.asarray(keras.ops.cast(images, erase.compute_dtype))
    erased = np.asarray(erase(images, training=True))
    changed = (erased != passed).any(axis=(1, 2, 3))
    assert changed.mean() > 0.9  # a rectangle of every image (noise may match)
    assert erased.min() >= 0 and erased.max() <= 1
    np.testing.assert_array_equal(np.asarray(erase(images, training=False)), passed)
    # 0, the default, adds no layer: the network of every earlier fit.
    plain = FashionCNNClassifier(**{**CNN_FAST, "augment": augment}).fit(X, y)
    assert "RandomErasing" not in [type(la).__name__ for la in plain.model_.layers]


@pytest.mark.parametrize("shift_range", [-0.1, 1.0, "small"])
def test_cnn_bad_shift_range_is_refused(rng, shift_range):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    clf = FashionCNNClassifier(
        **{**CNN_FAST, "augment": True, "shift_range": shift_range}
    )
    with pytest.raises(ValueError, match=r"'shift_range' parameter .* in the range"):
        clf.fit(X, y)


def test_fitted_network_still_fits_rows_with_keras_fit(scaled):
    # model_ is a Keras model: its own fit(X, Y) after the estimator's fit
    # runs Keras' step on rows, not the estimator's loop over indices.
    X, y = scaled[0][:200], scaled[1][:200]
    clf = FashionMLPClassifier(**FAST).fit(X, y)
    before = int(clf.model_.optimizer.iterations)
    Y = np.eye(len(clf.classes_), dtype="float32")[np.searchsorted(clf.classes_, y)]
    clf.model_.fit(X, Y, batch_size=50, epochs=1, verbose=0)
    assert int(clf.model_.optimizer.iterations) == before + 200 // 50


@pytest.mark.skipif(
    BACKEND != "tensorflow",
    reason="only TensorFlow runs the estimators' own traced step "
    "(loop_over_batches); JAX and PyTorch run Keras' step, whose optimizer "
    "Keras builds itself",
)
@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_the_training_step_is_traced_once_per_fit(cls, params, rng, monkeypatch):
    # An optimizer first built inside the traced step makes TensorFlow trace
    # it again (see docs/decisions: one trace per fit).
    from skfashion.networks import _FashionNetwork

    traces = []
    step = _FashionNetwork.train_step

    def counted(self, *args):
        traces.append(1)
        return step(self, *args)

    monkeypatch.setattr(_FashionNetwork, "train_step", counted)
    X, y = rng.rand(150, 64).astype("float32"), np.arange(150) % 3
    clf = cls(**{**params, "batch_size": 16}).fit(X, y)
    assert len(traces) == 1
    clf.partial_fit(X, y)  # the same step, its optimizer state kept
    assert len(traces) == 1 and clf.model_.optimizer.iterations.numpy() == (
        (params["epochs"] + 1) * 10
    )
