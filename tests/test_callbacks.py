"""Callbacks of a fit (skfashion._callbacks): TensorBoard, schedules, quiet."""

import warnings

import numpy as np
import pytest
from params import FAST
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
)

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
    make_fashion_pipeline,
)


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
