"""The estimator protocol both classifiers share (skfashion._base): parameters,
fit, partial_fit, predict, validation, seeds, tags, scikit-learn's tools."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
from params import FAMILY, FAST
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import Pipeline

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
    ImageScaler,
    make_fashion_pipeline,
)
from skfashion._base import _seeds
from skfashion._data import split_validation


def test_is_a_classifier_and_cv_is_stratified(scaled):
    clf = FashionMLPClassifier()
    assert is_classifier(clf)
    assert is_classifier(make_fashion_pipeline())
    _, y, _, _ = scaled
    assert isinstance(check_cv(5, y, classifier=is_classifier(clf)), StratifiedKFold)


def test_clone_keeps_every_non_default_parameter():
    clf = FashionMLPClassifier(
        hidden_layer_sizes=(64, 32),
        activation="tanh",
        dropout=0.2,
        optimizer="sgd",
        optimizer__learning_rate=0.05,
        learning_rate="adaptive",
        epochs=3,
        batch_size=128,
        validation_split=0.2,
        early_stopping=True,
        n_iter_no_change=2,
        shuffle=False,
        steps_per_execution=4,
        class_weight="balanced",
        tensorboard_log_dir="logs",
        warm_start=True,
        random_state=7,
        verbose=2,
    )
    assert clone(clf).get_params() == clf.get_params()
    assert "FashionMLPClassifier(" in repr(clf) and "dropout=0.2" in repr(clf)


def test_fit_does_not_mutate_parameters(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST, callbacks=[])
    before = clf.get_params()
    clf.fit(X[:300], y[:300])
    assert clf.get_params() == before


def test_set_params_rejects_unknown_names():
    with pytest.raises(ValueError, match="Invalid parameter 'optimizer__beta_1'"):
        FashionMLPClassifier().set_params(optimizer__beta_1=0.8)


def test_fitted_attributes(fitted):
    np.testing.assert_array_equal(fitted.classes_, np.arange(10))
    assert fitted.n_classes_ == 10 and fitted.n_features_in_ == 784
    assert len(fitted.history_["loss"]) == 3 == fitted.n_iter_
    assert set(fitted.history_) == {"loss", "accuracy"}


def test_predict_proba_columns_follow_classes(fitted, scaled):
    _, _, X_test, _ = scaled
    proba = fitted.predict_proba(X_test[:120])
    assert proba.shape == (120, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(
        fitted.classes_[proba.argmax(axis=1)], fitted.predict(X_test[:120])
    )
    # One image at a time, or the batch in another order, gives bit for bit
    # what the batch gives.
    for i in range(5):
        one = fitted.predict_proba(X_test[i : i + 1])
        assert one.shape == (1, 10)
        np.testing.assert_array_equal(one, proba[i : i + 1])
    order = np.random.RandomState(0).permutation(120)
    np.testing.assert_array_equal(
        fitted.predict_proba(X_test[:120][order]), proba[order]
    )


def test_prediction_is_silent_whatever_verbose(scaled, capfd):
    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(**{**FAST, "epochs": 1}, verbose=1).fit(X, y)
    capfd.readouterr()
    clf.predict(X_test)
    clf.predict_proba(X_test[:1])
    clf.score(X_test, clf.predict(X_test))
    out, err = capfd.readouterr()
    assert out == "" and "step" not in err


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["coat", "bag"]),  # strings, binary
        np.array([3, 7]),  # two of the ten classes
        np.array(["a", "b", "c"]),
    ],
)
def test_labels_come_from_the_data(scaled, labels):
    X, y, _, _ = scaled
    y_new = labels[y % len(labels)]
    clf = FashionMLPClassifier(**FAST).fit(X, y_new)
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert clf.model_.output_shape == (None, len(labels))
    assert clf.predict_proba(X[:5]).shape == (5, len(labels))
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, y_new) > 1 / len(labels)


def test_class_weight_and_sample_weight(scaled):
    X, y, _, _ = scaled
    y_bin = (y == 0).astype(int)  # 10% positives
    plain = FashionMLPClassifier(**FAST).fit(X, y_bin)
    weighted = FashionMLPClassifier(**FAST, class_weight={0: 1, 1: 9}).fit(X, y_bin)
    balanced = FashionMLPClassifier(**FAST, class_weight="balanced").fit(X, y_bin)
    n_plain = plain.predict(X).sum()
    assert weighted.predict(X).sum() > n_plain
    assert balanced.predict(X).sum() > n_plain
    by_sample = FashionMLPClassifier(**FAST).fit(
        X, y_bin, sample_weight=np.where(y_bin == 1, 9.0, 1.0)
    )
    np.testing.assert_array_equal(by_sample.predict(X), weighted.predict(X))


def test_zero_weight_samples_are_left_out(scaled):
    X, y, _, _ = scaled
    w = np.ones(len(y))
    w[1000:] = 0
    a = FashionMLPClassifier(**FAST).fit(X, y, sample_weight=w)
    b = FashionMLPClassifier(**FAST).fit(X[:1000], y[:1000])
    np.testing.assert_array_equal(a.predict_proba(X[:20]), b.predict_proba(X[:20]))


def test_partial_fit_trains_one_epoch_at_a_time(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST)
    clf.partial_fit(X[:500], y[:500], classes=np.arange(10))
    clf.partial_fit(X[500:1000], y[500:1000])
    assert clf.current_epoch == 2 and len(clf.history_["loss"]) == 2
    with pytest.raises(ValueError, match=r"classes=.* differs"):
        clf.partial_fit(X[:10], y[:10], classes=[0, 1])


def test_warm_start_continues_training(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**{**FAST, "epochs": 1}, warm_start=True)
    clf.fit(X, y)
    weights = clf.model_.get_weights()[0].copy()
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model
    assert not np.array_equal(weights, clf.model_.get_weights()[0])


def test_early_stopping_stops_and_restores_best(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(
        hidden_layer_sizes=(256,),
        epochs=60,
        optimizer__learning_rate=0.01,
        early_stopping=True,
        n_iter_no_change=2,
        random_state=0,
    ).fit(X, y)
    val_accuracy = clf.history_["val_accuracy"]
    assert clf.n_iter_ < 60  # stopped
    best = int(np.argmax(val_accuracy))  # the first epoch with the best score
    assert clf.n_iter_ == best + 1 + 2  # patience epochs after the best
    assert len(clf.history_["val_loss"]) == clf.n_iter_
    # The restored weights score the best accuracy on the same hold-out.
    seed = _seeds(clf.random_state).split
    _, val = split_validation(np.eye(10)[y], clf._validation_fraction(), seed)
    restored = np.mean(clf.predict(X[val]) == y[val])
    assert restored == pytest.approx(max(val_accuracy), abs=1e-6)


def test_integer_random_state_is_reproducible(scaled):
    X, y, X_test, _ = scaled
    kw = {**FAST, "dropout": 0.2, "validation_split": 0.1}
    a = FashionMLPClassifier(**kw).fit(X, y)
    b = FashionMLPClassifier(**kw).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    c = FashionMLPClassifier(**{**kw, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.predict_proba(X_test), c.predict_proba(X_test))


def test_seeded_fit_leaves_no_global_state_behind():
    # The exact sequence that breaks with SciKeras' own seeding: a seeded fit in
    # a fresh process, then an unseeded model with Dropout.
    code = textwrap.dedent(
        """
        import random
        import numpy as np
        import keras
        import tensorflow as tf
        from tensorflow.python.framework import config
        from skfashion import FashionMLPClassifier

        X = np.random.RandomState(0).rand(60, 5).astype("float32")
        y = np.arange(60) % 3
        np_state = np.random.get_state()[1].copy()
        py_state = random.getstate()
        FashionMLPClassifier(hidden_layer_sizes=(8,), epochs=1, dropout=0.5,
                             random_state=0).fit(X, y)
        assert not config.is_op_determinism_enabled(), "op determinism left on"
        assert (np.random.get_state()[1] == np_state).all(), "numpy state changed"
        assert random.getstate() == py_state, "python random state changed"
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dropout(0.5),
                                  keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        model.fit(X, y, epochs=1, verbose=0)
        print("OK")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("OK")


def test_not_fitted():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        FashionMLPClassifier().predict(np.zeros((1, 784)))


@pytest.mark.parametrize(
    "X, match",
    [
        (
            np.zeros((2, 700)),
            "X has 700 features, but FashionMLPClassifier is expecting 784 features",
        ),
        (np.full((2, 784), np.nan), "Input X contains NaN"),
        (np.zeros((0, 784)), "0 sample"),
        (np.zeros(784), r"1-D array of 784 values.*X.reshape\(1, -1\)"),
    ],
)
def test_bad_predict_input(fitted, X, match):
    with pytest.raises(ValueError, match=match):
        fitted.predict(X)


def test_sparse_and_object_input(fitted):
    with pytest.raises(TypeError, match="Sparse data was passed"):
        fitted.predict(sp.csr_matrix(np.zeros((2, 784))))
    X = np.zeros((2, 784), dtype=object)
    X[0, 0] = "pixel"
    with pytest.raises(ValueError, match="could not convert string to float"):
        fitted.predict(X)
    X[0, 0] = {"a": 1}
    with pytest.raises(TypeError, match="argument must be a string"):
        fitted.predict(X)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.zeros(20), "at least 2 classes in y; got only one class"),
        (np.r_[np.nan, np.arange(19) % 2], "Input y contains NaN"),
        (np.arange(19) % 2, "inconsistent numbers of samples"),
        (np.linspace(0, 1, 20), "Unknown label type: continuous"),
        (None, "requires y to be passed"),
        (np.eye(2)[np.arange(20) % 2], r"shape \(20, 2\).*pass y.argmax\(axis=1\)"),
    ],
)
def test_bad_targets(y, match):
    X = np.random.RandomState(0).rand(20, 4)
    with pytest.raises(ValueError, match=match):
        FashionMLPClassifier(epochs=1).fit(X, y)


def test_bad_fit_input():
    clf = FashionMLPClassifier(epochs=1)
    y = np.arange(4) % 2
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.fit(np.full((4, 3), np.nan), y)
    with pytest.raises(ValueError, match="0 sample"):
        clf.fit(np.zeros((0, 3)), np.zeros(0))
    with pytest.raises(ValueError, match=r"1-D array of 4 values\. Reshape"):
        clf.fit(np.zeros(4), y)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        clf.fit(sp.csr_matrix(np.zeros((4, 3))), y)


def test_column_y_warns_like_scikit_learn():
    X = np.random.RandomState(0).rand(20, 4)
    with pytest.warns(DataConversionWarning):
        FashionMLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(
            X, (np.arange(20) % 2).reshape(-1, 1)
        )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"epochs": 0}, "'epochs' parameter"),
        ({"batch_size": -1}, "'batch_size' parameter"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"validation_split": 1.5}, "'validation_split' parameter"),
        ({"optimizer__learning_rate": 0}, "'optimizer__learning_rate' parameter"),
        ({"class_weight": "auto"}, "'class_weight' parameter"),
        ({"learning_rate": "invscaling"}, "'learning_rate' parameter"),
        ({"hidden_layer_sizes": (64, 0)}, "hidden_layer_sizes must be a positive"),
        ({"activation": "nope"}, "activation='nope' is not a Keras activation"),
        ({"optimizer": "nope"}, "optimizer='nope' is not a Keras optimizer"),
        ({"jit_compile": "yes"}, "'jit_compile' parameter"),
        ({"dtype_policy": "float16"}, "'dtype_policy' parameter"),
    ],
)
def test_bad_parameters_fail_in_fit_not_init(params, match):
    clf = FashionMLPClassifier(**params)  # __init__ never validates
    X = np.random.RandomState(0).rand(20, 4)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, np.arange(20) % 2)


def test_fit_keyword_arguments_are_refused(fitted):
    with pytest.raises(TypeError):
        fitted.fit(np.zeros((4, 784)), np.arange(4) % 2, epochs=3)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_cross_val_score(scaled, n_jobs):
    X, y, _, _ = scaled
    scores = cross_val_score(
        FashionMLPClassifier(**FAST), X[:900], y[:900], cv=3, n_jobs=n_jobs
    )
    assert scores.shape == (3,) and scores.min() > 0.5


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_over_the_pipeline(small_train, n_jobs):
    X, y = small_train
    search = GridSearchCV(
        make_fashion_pipeline(epochs=2, batch_size=64, random_state=0),
        param_grid={
            "clf__hidden_layer_sizes": [(32,), (64, 32)],
            "clf__optimizer__learning_rate": [1e-3, 3e-3],
        },
        cv=2,
        n_jobs=n_jobs,
    ).fit(X[:800], y[:800])
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_.named_steps["clf"]
    assert best.hidden_layer_sizes == search.best_params_["clf__hidden_layer_sizes"]
    assert len(best.history_["loss"]) == 2
    assert best.model_.optimizer.learning_rate.numpy() == pytest.approx(
        search.best_params_["clf__optimizer__learning_rate"]
    )


def test_serial_and_parallel_search_agree(scaled):
    X, y, _, _ = scaled
    grid = {"hidden_layer_sizes": [(16,), (32,)]}
    results = [
        GridSearchCV(FashionMLPClassifier(**FAST), grid, cv=2, n_jobs=n)
        .fit(X[:600], y[:600])
        .cv_results_["mean_test_score"]
        for n in (1, 2)
    ]
    np.testing.assert_array_equal(*results)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.slow
def test_calibrated_and_stacked(scaled):
    X, y, X_test, y_test = scaled
    calibrated = CalibratedClassifierCV(FashionMLPClassifier(**FAST), cv=2)
    calibrated.fit(X[:1000], y[:1000])
    assert calibrated.predict_proba(X_test).shape == (1000, 10)
    stack = StackingClassifier(
        [
            ("mlp", FashionMLPClassifier(**FAST)),
            ("lr", LogisticRegression(max_iter=200)),
        ],
        cv=2,
    ).fit(X[:1000], y[:1000])
    assert stack.score(X_test, y_test) > 0.6


def test_pickle_before_and_after_fit(fitted, scaled):
    import pickle

    _, _, X_test, _ = scaled
    unfitted = pickle.loads(pickle.dumps(FashionMLPClassifier(**FAST)))
    assert unfitted.get_params() == FashionMLPClassifier(**FAST).get_params()
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), fitted.predict_proba(X_test)
    )


def test_inside_a_plain_pipeline(small_train):
    X, y = small_train
    pipe = Pipeline([("scale", ImageScaler()), ("clf", FashionMLPClassifier(**FAST))])
    assert pipe.fit(X, y).score(X, y) > 0.6


def test_steps_per_execution_changes_speed_not_results(scaled):
    X, y, X_test, _ = scaled
    a = FashionMLPClassifier(**FAST, steps_per_execution=1).fit(X, y)
    b = FashionMLPClassifier(**FAST, steps_per_execution=32).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    assert a.history_ == b.history_


def test_jit_compile_changes_the_last_bits_only(scaled):
    X, y, X_test, _ = scaled
    X, y = X[:1000], y[:1000]
    plain = FashionMLPClassifier(**FAST, jit_compile=False).fit(X, y)
    xla = FashionMLPClassifier(**FAST, jit_compile=True).fit(X, y)
    assert xla.model_.jit_compile is True
    np.testing.assert_allclose(
        xla.predict_proba(X_test), plain.predict_proba(X_test), atol=1e-3
    )
    again = FashionMLPClassifier(**FAST, jit_compile=True).fit(X, y)
    np.testing.assert_array_equal(
        again.predict_proba(X_test), xla.predict_proba(X_test)
    )


def test_partial_fit_label_errors(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST)
    with pytest.raises(ValueError, match=r"y contains labels \[9\] that are not in"):
        clf.partial_fit(X[:50], np.r_[y[:49] % 3, 9], classes=[0, 1, 2])
    clf = FashionMLPClassifier(**FAST).partial_fit(X[:50], y[:50] % 3)
    with pytest.raises(ValueError, match=r"labels not seen in the first fit: \[7\]"):
        clf.partial_fit(X[:2], np.array([0, 7]))


def test_public_names_resolve():
    import skfashion

    for name in skfashion.__all__:
        assert getattr(skfashion, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        skfashion.nope  # noqa: B018


@pytest.mark.slow
def test_integer_random_state_ignores_global_seeds():
    # A notebook that seeds Keras, TensorFlow and NumPy at the top, as Keras'
    # guide recommends, must get the script's model (a fresh process).
    code = textwrap.dedent(
        """
        import numpy as np
        from skfashion import FashionCNNClassifier, FashionMLPClassifier

        rng = np.random.RandomState(0)
        X, y = rng.rand(300, 64).astype("float32"), np.arange(300) % 3
        kw = dict(epochs=2, dropout=0.2, validation_split=0.2, random_state=1)
        models = [
            (FashionMLPClassifier, dict(hidden_layer_sizes=(16,))),
            (FashionMLPClassifier, dict(hidden_layer_sizes=(16,), jit_compile=True)),
            (FashionCNNClassifier, dict(filters=(4,), augment=True)),
        ]
        fresh = [cls(**p, **kw).fit(X, y).predict_proba(X) for cls, p in models]
        import keras
        keras.utils.set_random_seed(123)
        np.random.seed(5)
        seeded = [cls(**p, **kw).fit(X, y).predict_proba(X) for cls, p in models]
        print([bool(np.array_equal(a, b)) for a, b in zip(fresh, seeded)])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[-2] == "[True, True, True]"


@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_partial_fit_epochs_equal_one_fit(cls, params, scaled):
    X, y, X_test, _ = scaled
    X, y = X[:600], y[:600]
    fitted = cls(**params).fit(X, y)
    stepwise = cls(**params)  # the same epochs: the CNN's cosine schedule uses it
    for _ in range(params["epochs"]):
        stepwise.partial_fit(X, y)
    assert stepwise.history_["loss"] == fitted.history_["loss"]
    np.testing.assert_array_equal(
        stepwise.predict_proba(X_test), fitted.predict_proba(X_test)
    )


@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_initialize_builds_an_untrained_network(cls, params, scaled):
    X, y, X_test, _ = scaled
    clf = cls(**params).initialize(X[:50], y[:50])
    assert clf.predict_proba(X_test[:3]).shape == (3, 10)
    assert not hasattr(clf, "history_")
    with pytest.raises(ValueError, match="needs y"):
        cls(**params).initialize(X[:50], None)


@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_predict_log_proba(cls, params, scaled):
    X, y, X_test, _ = scaled
    clf = cls(**params).fit(X[:300], y[:300])
    np.testing.assert_array_equal(
        clf.predict_log_proba(X_test[:20]), np.log(clf.predict_proba(X_test[:20]))
    )


@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_alpha_is_mlpclassifier_l2_penalty(cls, params, scaled):
    X, y, _, _ = scaled
    plain = cls(**params).fit(X[:300], y[:300])
    assert not plain.model_.losses  # alpha=0: the design's network, exactly
    clf = cls(**{**params, "alpha": 1e-2}).fit(X[:300], y[:300])
    kernels = [w for w in clf.model_.trainable_weights if "kernel" in w.path]
    expected = 1e-2 / (2 * clf.batch_size) * sum(np.sum(np.square(k)) for k in kernels)
    assert float(sum(clf.model_.losses)) == pytest.approx(float(expected), rel=1e-4)


def test_tags_are_static(monkeypatch):
    import tensorflow as tf

    def refuse(*args, **kwargs):
        raise AssertionError("__sklearn_tags__ asked TensorFlow for devices")

    monkeypatch.setattr(tf.config, "list_physical_devices", refuse)
    for cls in (FashionMLPClassifier, FashionCNNClassifier):
        assert is_classifier(cls())
        assert cls().__sklearn_tags__().non_deterministic is False  # CPU build


def test_tags_say_non_deterministic_on_an_accelerator(monkeypatch):
    import skfashion._compat

    monkeypatch.setattr(skfashion._compat, "on_accelerator", lambda: True)
    for cls in (FashionMLPClassifier, FashionCNNClassifier):
        assert cls().__sklearn_tags__().non_deterministic is True
