"""FashionMLPClassifier as a scikit-learn classifier, on real Fashion-MNIST."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
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

FAST = dict(hidden_layer_sizes=(32,), epochs=3, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def scaled(small_train, small_test):
    scaler = ImageScaler(image_shape=(28, 28))
    X, y = small_train
    X_test, y_test = small_test
    return scaler.fit_transform(X), y, scaler.transform(X_test), y_test


@pytest.fixture(scope="module")
def fitted(scaled):
    X, y, _, _ = scaled
    return FashionMLPClassifier(**FAST).fit(X, y)


# -- a real classifier ---------------------------------------------------------


def test_is_a_classifier_and_cv_is_stratified(scaled):
    clf = FashionMLPClassifier()
    assert is_classifier(clf)
    assert is_classifier(make_fashion_pipeline())
    _, y, _, _ = scaled
    assert isinstance(check_cv(5, y, classifier=is_classifier(clf)), StratifiedKFold)


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


def test_predict_over_several_calls_equals_rows_alone(fitted, scaled):
    # predict passes at most MAX_ROWS rows per call (peak memory); rows of a
    # second call give what they give alone.
    from skfashion._inference import MAX_ROWS, ROW_BLOCK, rows_per_call

    _, _, X_test, _ = scaled
    rows = rows_per_call(fitted.model_)
    # A small network: the cap (whole blocks of rows), not the activations.
    assert MAX_ROWS - ROW_BLOCK < rows <= MAX_ROWS and rows % ROW_BLOCK == 0
    X = np.resize(X_test, (rows + 5, X_test.shape[1]))
    proba = fitted.predict_proba(X)
    assert proba.shape == (rows + 5, 10)
    np.testing.assert_array_equal(proba[-5:], fitted.predict_proba(X[-5:]))
    np.testing.assert_array_equal(proba[:5], fitted.predict_proba(X[:5]))


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


# -- training options ----------------------------------------------------------


def test_validation_split_is_stratified_and_reported(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST, validation_split=0.2).fit(X, y)
    assert set(clf.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(clf.history_["val_loss"]) == 3
    train, val = split_validation(np.eye(10)[y], clf._validation_fraction(), seed=0)
    assert np.bincount(y[val]).tolist() == [40] * 10
    assert len(train) == 1600
    assert np.intersect1d(train, val).size == 0


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


def test_dropout_and_other_activations_and_optimizers(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(
        **FAST, dropout=0.3, activation="logistic", optimizer="sgd"
    ).fit(X, y)
    names = [type(layer).__name__ for layer in clf.model_.layers]
    assert "Dropout" in names
    assert clf.model_.layers[0].activation.__name__ == "sigmoid"
    assert type(clf.model_.optimizer).__name__ == "SGD"


def test_tensorboard_gives_each_fit_its_own_run(scaled, tmp_path):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(
        **{**FAST, "epochs": 1}, tensorboard_log_dir=str(tmp_path)
    )
    cross_val_score(clf, X[:600], y[:600], cv=3)
    runs = sorted(p.name for p in tmp_path.iterdir())
    assert len(runs) == 3
    for run in runs:
        events = list((tmp_path / run / "train").glob("events.out.tfevents.*"))
        assert len(events) == 1


@pytest.mark.parametrize("cls", [FashionMLPClassifier, FashionCNNClassifier])
def test_tensorboard_scalars_graph_and_histograms_are_readable(cls, scaled, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator,
    )

    X, y, _, _ = scaled
    params = dict(filters=(4,)) if cls is FashionCNNClassifier else {}
    clf = cls(
        **{**FAST, "epochs": 2, **params},
        validation_split=0.2,
        tensorboard_log_dir=tmp_path,
        tensorboard_histogram_freq=1,
    ).fit(X[:400], y[:400])
    train = EventAccumulator(f"{clf.tensorboard_run_dir_}/train", {"tensors": 0})
    train.Reload()
    for tag in ("epoch_loss", "epoch_accuracy", "epoch_learning_rate"):
        events = train.Scalars(tag)
        assert [e.step for e in events] == [0, 1]
    losses = [e.value for e in train.Scalars("epoch_loss")]
    np.testing.assert_allclose(losses, clf.history_["loss"], rtol=1e-6)
    assert len(train.Graph().node) > 10
    kernels = [t for t in train.Tags()["tensors"] if t.endswith("kernel")]
    assert kernels and len(train.Tensors(kernels[0])) == 2
    val = EventAccumulator(f"{clf.tensorboard_run_dir_}/validation").Reload()
    accuracy = [e.value for e in val.Scalars("epoch_accuracy")]
    np.testing.assert_allclose(accuracy, clf.history_["val_accuracy"], rtol=1e-6)


def test_no_histograms_unless_asked(scaled, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator,
    )

    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**{**FAST, "epochs": 1}, tensorboard_log_dir=tmp_path)
    clf.fit(X[:300], y[:300])
    train = EventAccumulator(f"{clf.tensorboard_run_dir_}/train").Reload()
    assert train.Tags()["tensors"] == []


def test_search_and_cv_are_quiet(scaled, tmp_path, caplog):
    """No retracing log lines, no NumPy deprecation warnings from Keras."""
    X, y, _, _ = scaled
    search = GridSearchCV(
        make_fashion_pipeline(
            "cnn", filters=(4,), epochs=1, tensorboard_log_dir=tmp_path
        ).set_params(clf__random_state=0),
        {"clf__dropout": [0.0, 0.2]},  # 7 fits: TensorFlow warns from the 5th
        cv=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search.fit(X[:300], y[:300])  # already scaled: ImageScaler keeps it
        cross_val_score(
            FashionMLPClassifier(**{**FAST, "epochs": 1}, learning_rate="adaptive"),
            X[:300],
            y[:300],
            cv=3,
        )
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


# -- determinism and global state ----------------------------------------------


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


def test_omp_num_threads_caps_tensorflow_threads():
    code = textwrap.dedent(
        """
        import numpy as np
        import tensorflow as tf
        from skfashion import FashionMLPClassifier
        X, y = np.random.RandomState(0).rand(40, 4), np.arange(40) % 2
        FashionMLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(X, y)
        print(tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
        """
    )
    env = {**__import__("os").environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["1", "1"]


# -- bad input -----------------------------------------------------------------


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


# -- in scikit-learn's machinery ----------------------------------------------


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


def test_steps_per_execution_changes_speed_not_results(scaled):
    X, y, X_test, _ = scaled
    a = FashionMLPClassifier(**FAST, steps_per_execution=1).fit(X, y)
    b = FashionMLPClassifier(**FAST, steps_per_execution=32).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    assert a.history_ == b.history_


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
            20, 3, hidden_layer_sizes=(8,), activation="relu", dropout=0, l2=0, seed=0
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


def test_jit_compile_auto_uses_xla_for_long_mlp_fits(scaled):
    X, y = scaled[0][:64], scaled[1][:64]
    # initialize compiles for the fit it would run: `epochs` x 2 batches of 32.
    epochs = FashionMLPClassifier._XLA_MIN_STEPS // 2
    kw = dict(hidden_layer_sizes=(8,), batch_size=32, random_state=0)

    def compiled_with_xla(cls=FashionMLPClassifier, **params):
        return cls(**{**kw, **params}).initialize(X, y).model_.jit_compile

    assert compiled_with_xla(epochs=epochs) is True
    assert compiled_with_xla(epochs=epochs - 1) is False  # Keras' "auto": no GPU
    assert compiled_with_xla(epochs=epochs, validation_split=0.5) is False
    assert compiled_with_xla(epochs=epochs, dropout=0.2) is False  # 3x slower
    assert compiled_with_xla(epochs=epochs, jit_compile=False) is False
    assert compiled_with_xla(epochs=1, jit_compile=True) is True
    assert compiled_with_xla(FashionCNNClassifier, epochs=epochs, filters=4) is False


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


@pytest.mark.parametrize("value", ["", "two", "0", "-3"])
def test_invalid_omp_num_threads_is_ignored(monkeypatch, value):
    from skfashion._compat import limit_tf_threads

    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert limit_tf_threads() is None


def test_public_names_resolve():
    import skfashion

    for name in skfashion.__all__:
        assert getattr(skfashion, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        skfashion.nope  # noqa: B018


def test_adaptive_learning_rate_divides_by_five_on_plateaus(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(
        hidden_layer_sizes=(64,),
        optimizer__learning_rate=0.01,
        learning_rate="adaptive",
        validation_split=0.25,
        epochs=15,
        random_state=0,
    ).fit(X[:200], y[:200])
    rates = np.asarray(clf.history_["learning_rate"])
    assert rates[0] == pytest.approx(0.01)
    assert rates[-1] < 0.01  # 200 images: the validation accuracy plateaus
    steps = rates[1:] / rates[:-1]
    assert np.all(np.isclose(steps, 1) | np.isclose(steps, 0.2))
    constant = FashionMLPClassifier(**FAST).fit(X[:200], y[:200])
    assert "learning_rate" not in constant.history_


def test_cosine_learning_rate_anneals_each_epoch(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**{**FAST, "epochs": 4}, learning_rate="cosine")
    clf.fit(X[:200], y[:200])
    expected = [1e-3 * 0.5 * (1 + np.cos(np.pi * e / 4)) for e in range(4)]
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-6)
    clf.partial_fit(X[:200], y[:200])  # past the last epoch: the last rate stays
    assert clf.history_["learning_rate"][-1] == pytest.approx(expected[-1])


# -- the family: what both estimators share ------------------------------------

CNN_FAST = dict(filters=(8,), hidden_layer_sizes=(16,), epochs=2, random_state=0)
FAMILY = [
    pytest.param(FashionMLPClassifier, FAST, id="mlp"),
    pytest.param(FashionCNNClassifier, CNN_FAST, id="cnn"),
]


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
        assert cls().__sklearn_tags__().non_deterministic is False


# -- the CNN ---------------------------------------------------------------------


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


def test_cnn_augmentation_trains_only(scaled):
    X, y, X_test, _ = scaled
    clf = FashionCNNClassifier(**{**CNN_FAST, "augment": True}).fit(X[:300], y[:300])
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


@pytest.mark.parametrize("shift_range", [-0.1, 1.0, "small"])
def test_cnn_bad_shift_range_is_refused(rng, shift_range):
    X, y = rng.rand(40, 64), np.arange(40) % 2
    clf = FashionCNNClassifier(
        **{**CNN_FAST, "augment": True, "shift_range": shift_range}
    )
    with pytest.raises(ValueError, match=r"'shift_range' parameter .* in the range"):
        clf.fit(X, y)


def test_cnn_learns_real_fashion_mnist(fashion_train, fashion_test):
    from conftest import _stratified

    X, y = _stratified(fashion_train.data, fashion_train.target, 6000, seed=0)
    X_test, y_test = _stratified(fashion_test.data, fashion_test.target, 2000, seed=0)
    pipe = make_fashion_pipeline("cnn", epochs=3, random_state=0).fit(X, y)
    assert pipe.score(X_test, y_test) > 0.82  # chance: 0.10


def test_make_fashion_pipeline_names_its_network():
    assert type(make_fashion_pipeline("cnn")[-1]) is FashionCNNClassifier
    assert type(make_fashion_pipeline()[-1]) is FashionMLPClassifier
    with pytest.raises(
        ValueError, match=r"model='resnet' is not one of \['cnn', 'mlp'\]"
    ):
        make_fashion_pipeline("resnet")


def test_fitted_network_still_fits_rows_with_keras_fit(scaled):
    # model_ is a Keras model: its own fit(X, Y) after the estimator's fit
    # runs Keras' step on rows, not the estimator's loop over indices.
    X, y = scaled[0][:200], scaled[1][:200]
    clf = FashionMLPClassifier(**FAST).fit(X, y)
    before = int(clf.model_.optimizer.iterations)
    Y = np.eye(len(clf.classes_), dtype="float32")[np.searchsorted(clf.classes_, y)]
    clf.model_.fit(X, Y, batch_size=50, epochs=1, verbose=0)
    assert int(clf.model_.optimizer.iterations) == before + 200 // 50
