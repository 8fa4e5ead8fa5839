"""The two estimators (skfashion.classifier): their defaults, their networks,
the pipeline, and real accuracy on Fashion-MNIST."""

import numpy as np
import pytest
from params import CNN_FAST, FAMILY, FAST

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
    make_fashion_pipeline,
)


def test_default_parameters_are_the_design():
    clf = FashionMLPClassifier()
    assert clf.hidden_layer_sizes == (512, 256, 128)
    assert (clf.activation, clf.optimizer) == ("relu", "adam")
    assert (clf.epochs, clf.batch_size, clf.optimizer__learning_rate) == (15, 32, 1e-3)


def test_default_network_structure(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(epochs=1, random_state=0).fit(X[:200], y[:200])
    dense = [layer for layer in clf.model_.layers if "Dense" in type(layer).__name__]
    assert [layer.units for layer in dense] == [512, 256, 128, 10]
    assert [layer.activation.__name__ for layer in dense] == [
        "relu",
        "relu",
        "relu",
        "softmax",
    ]
    assert clf.model_.loss == "categorical_crossentropy"
    assert type(clf.model_.optimizer).__name__ == "Adam"
    assert clf.model_.input_shape == (None, 784)


def test_dropout_and_other_activations_and_optimizers(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(
        **FAST, dropout=0.3, activation="logistic", optimizer="sgd"
    ).fit(X, y)
    names = [type(layer).__name__ for layer in clf.model_.layers]
    assert "Dropout" in names
    assert clf.model_.layers[0].activation.__name__ == "sigmoid"
    assert type(clf.model_.optimizer).__name__ == "SGD"


@pytest.mark.slow
def test_default_pipeline_learns_real_fashion_mnist(fashion_train, fashion_test):
    """The design's network and settings, 3 epochs on 10,000 real images.

    Chance is 0.10; scikit-learn's LogisticRegression reaches about 0.84 on the
    full data. 0.80 on the 10,000 test images after 3 epochs on a sixth of
    the training set is far above chance and well below what a broken
    network (wrong scaling, labels or loss) could reach.
    """
    from sklearn.model_selection import train_test_split

    X, _, y, _ = train_test_split(
        fashion_train.data,
        fashion_train.target,
        train_size=10000,
        stratify=fashion_train.target,
        random_state=0,
    )
    pipe = make_fashion_pipeline(epochs=3, random_state=0).fit(X, y)
    accuracy = pipe.score(fashion_test.data, fashion_test.target)
    assert accuracy > 0.80, accuracy


def test_jit_compile_auto_uses_xla_for_long_mlp_fits(scaled):
    X, y = scaled[0][:64], scaled[1][:64]
    # initialize compiles for the fit it would run: `epochs` x 2 batches of 32.
    epochs = FashionMLPClassifier._XLA_MIN_STEPS // 2
    kw = dict(hidden_layer_sizes=(8,), batch_size=32, random_state=0)

    def compiled_with_xla(cls=FashionMLPClassifier, **params):
        return cls(**{**kw, **params}).initialize(X, y).model_.jit_compile

    import tensorflow as tf

    # Below the threshold, Keras' own "auto": XLA only where a GPU is present.
    keras_auto = bool(tf.config.list_physical_devices("GPU"))
    assert compiled_with_xla(epochs=epochs) is True
    assert compiled_with_xla(epochs=epochs - 1) is keras_auto
    assert compiled_with_xla(epochs=epochs, validation_split=0.5) is False
    assert compiled_with_xla(epochs=epochs, dropout=0.2) is False  # 3x slower
    assert compiled_with_xla(epochs=epochs, jit_compile=False) is False
    assert compiled_with_xla(epochs=1, jit_compile=True) is True
    assert compiled_with_xla(FashionCNNClassifier, epochs=epochs, filters=4) is False


def test_cnn_default_network(scaled):
    X, y, _, _ = scaled
    clf = FashionCNNClassifier(epochs=1, random_state=0).fit(X[:200], y[:200])
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    assert kinds[0] == "Reshape" and clf.model_.layers[0].target_shape == (28, 28, 1)
    assert kinds.count("Conv2D") == 3 and kinds.count("BatchNormalization") == 3
    convs = [layer for layer in clf.model_.layers if type(layer).__name__ == "Conv2D"]
    assert [conv.filters for conv in convs] == [16, 64, 64]
    # The first convolution keeps 28 x 28; after pooling, the second ("valid")
    # gives 12 x 12 and the third ("same") keeps it; pooled to 6 x 6 x 64.
    assert [conv.padding for conv in convs] == ["same", "valid", "same"]
    assert [tuple(conv.output.shape[1:]) for conv in convs] == [
        (28, 28, 16),
        (12, 12, 64),
        (12, 12, 64),
    ]
    assert tuple(clf.model_.get_layer("flatten").output.shape[1:]) == (6 * 6 * 64,)
    assert clf.model_.get_layer("hidden_0").units == 256
    assert clf.model_.input_shape == (None, 784)
    assert clf.model_.output_shape == (None, 10)
    assert "RandomTranslation" not in kinds


@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_label_smoothing_smooths_the_targets_of_the_loss(cls, params, scaled):
    X, y = scaled[0][:200], scaled[1][:200]
    plain = cls(**params).fit(X, y)
    smooth = cls(**params, label_smoothing=0.2).fit(X, y)
    assert plain.model_.loss == "categorical_crossentropy"  # the design's loss
    # The compiled loss is the cross-entropy against (1 - 0.2) * one-hot + 0.02.
    P = smooth.predict_proba(X[:50])
    Y = (y[:50, None] == smooth.classes_).astype("float32")
    expected = -((0.8 * Y + 0.02) * np.log(P)).sum(axis=1).mean()
    np.testing.assert_allclose(float(smooth.model_.loss(Y, P)), expected, rtol=1e-4)
    assert smooth.history_["loss"] != plain.history_["loss"]


@pytest.mark.parametrize(
    ("cls", "params", "name", "value"),
    [
        *((FashionMLPClassifier, FAST, "label_smoothing", v) for v in (-0.1, 1.0, "a")),
        *((FashionCNNClassifier, CNN_FAST, "random_erasing", v) for v in (-0.1, 1.5)),
    ],
)
def test_bad_regulariser_values_are_refused(cls, params, name, value, rng):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    with pytest.raises(ValueError, match=rf"'{name}' parameter .* in the range"):
        cls(**params, **{name: value}).fit(X, y)


def test_cnn_augmentation_trains_only(scaled):
    X, y, X_test, _ = scaled
    # float32: the Keras network's own call is then predict_proba's arithmetic.
    params = {**CNN_FAST, "augment": True, "dtype_policy": "float32"}
    clf = FashionCNNClassifier(**params).fit(X[:300], y[:300])
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    assert {"RandomTranslation", "RandomFlip"} <= set(kinds)
    # Inference skips the augmentation: the same input, the same output.
    np.testing.assert_array_equal(
        clf.predict_proba(X_test[:20]), clf.predict_proba(X_test[:20])
    )
    network = clf.model_
    np.testing.assert_allclose(
        network(X_test[:20], training=False).numpy(),
        clf.predict_proba(X_test[:20]),
        rtol=1e-5,
        atol=1e-6,
    )
    assert not np.allclose(
        network(X_test[:20], training=True).numpy(), clf.predict_proba(X_test[:20])
    )


@pytest.mark.slow
def test_cnn_learns_real_fashion_mnist(fashion_train, fashion_test):
    from skfashion import stratified_subsample

    train, test = fashion_train, fashion_test
    X, y = stratified_subsample(train.data, train.target, 6000, random_state=0)
    X_test, y_test = stratified_subsample(test.data, test.target, 2000, random_state=0)
    pipe = make_fashion_pipeline("cnn", epochs=3, random_state=0).fit(X, y)
    assert pipe.score(X_test, y_test) > 0.82  # chance: 0.10


def test_make_fashion_pipeline_names_its_network():
    assert type(make_fashion_pipeline("cnn")[-1]) is FashionCNNClassifier
    assert type(make_fashion_pipeline()[-1]) is FashionMLPClassifier
    with pytest.raises(
        ValueError, match=r"model='resnet' is not one of \['cnn', 'mlp'\]"
    ):
        make_fashion_pipeline("resnet")


def _policies(clf):
    return {layer.name: layer.dtype_policy.name for layer in clf.model_.layers}


@pytest.mark.parametrize("native", [True, False])
def test_dtype_policy_auto_is_bfloat16_for_the_cnn_where_native(
    native, rng, monkeypatch
):
    import skfashion._base as base

    monkeypatch.setattr(base, "native_bfloat16", lambda: native)
    X, y = rng.rand(40, 64), np.arange(40) % 2
    cnn = _policies(FashionCNNClassifier(**CNN_FAST).initialize(X, y))
    assert cnn.pop("output") == "float32"  # the softmax stays float32
    assert set(cnn.values()) == {"mixed_bfloat16" if native else "float32"}
    # bfloat16 made the MLP slower even where native: never chosen for it.
    mlp = _policies(FashionMLPClassifier(**FAST).initialize(X, y))
    assert set(mlp.values()) == {"float32"}


@pytest.mark.parametrize("native", [True, False])
def test_asking_for_bfloat16_where_it_is_emulated_warns(native, rng, monkeypatch):
    import warnings

    import skfashion._base as base

    monkeypatch.setattr(base, "native_bfloat16", lambda: native)
    monkeypatch.setattr(base, "on_accelerator", lambda: False)
    X, y = rng.rand(40, 64), np.arange(40) % 2
    clf = FashionMLPClassifier(**FAST, dtype_policy="mixed_bfloat16")
    if native:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            clf.fit(X, y)
    else:
        with pytest.warns(UserWarning, match="emulated here, it trains slower") as w:
            clf.fit(X, y)
        assert w[0].filename == __file__  # it points at the caller's fit
    assert _policies(clf)["hidden_0"] == "mixed_bfloat16"


def test_a_bfloat16_fit_predicts_in_float32_and_reloads(scaled, tmp_path):
    import warnings

    from skfashion import load_model, save_model

    X, y, X_test, y_test = scaled
    clf = FashionCNNClassifier(**CNN_FAST, dtype_policy="mixed_bfloat16")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="dtype_policy='mixed_bfloat16'")
        clf.fit(X, y)
    assert clf.model_.layers[1].kernel.dtype == "float32"  # weights stay float32
    proba = clf.predict_proba(X_test)
    assert proba.dtype == np.float32
    assert clf.score(X_test, y_test) > 0.4  # 2 epochs; chance is 0.1
    path = save_model(clf, tmp_path / "m.skf")
    again = load_model(path)
    assert again.dtype_policy == "mixed_bfloat16"
    np.testing.assert_array_equal(again.predict_proba(X_test), proba)


def test_cpu_flags_and_native_bfloat16(monkeypatch):
    from skfashion import _compat

    text = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\nbugs\t: x\n"
    assert {"avx2", "avx512_bf16"} <= _compat.cpu_flags(text)
    assert _compat.cpu_flags("processor\t: 0\n") == frozenset()
    monkeypatch.setattr(_compat, "cpu_flags", lambda: frozenset({"avx512_bf16"}))
    monkeypatch.setattr(_compat, "on_accelerator", lambda: False)
    native = _compat.native_bfloat16.__wrapped__
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    assert native() is (_compat.BACKEND == "tensorflow")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")  # Eigen's kernels emulate it
    assert native() is False
    monkeypatch.setattr(_compat, "cpu_flags", lambda: frozenset({"avx2"}))
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS")
    assert native() is False
