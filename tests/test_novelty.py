"""score_samples, offset_ and is_outlier: how typical an image is of the
training images."""

import json
import zipfile

import numpy as np
import pytest
from params import CNN_FAST, FAMILY, FAST
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from skfashion import (
    FashionMLPClassifier,
    ModelFileError,
    is_outlier,
    load_model,
    make_fashion_pipeline,
    save_model,
)
from skfashion._novelty import PROJECTED_DIMS, REFERENCE_ROWS
from skfashion.cli import main


def _digits(n=300):
    """scikit-learn's 8 x 8 handwritten digits, upscaled to 28 x 28, in [0, 1]."""
    images = load_digits().images[:n] / 16
    return (
        np.stack(
            [
                np.asarray(
                    Image.fromarray((im * 255).astype(np.uint8)).resize(
                        (28, 28), Image.BILINEAR
                    )
                )
                for im in images
            ]
        )
        .reshape(len(images), -1)
        .astype(np.float32)
        / 255
    )


def _auroc(inliers, outliers):
    labels = np.r_[np.ones(len(inliers)), np.zeros(len(outliers))]
    return roc_auc_score(labels, np.r_[inliers, outliers])


@pytest.fixture(scope="module", params=[p.values for p in FAMILY], ids=["mlp", "cnn"])
def family_fit(request, scaled):
    cls, params = request.param
    X, y, X_test, _ = scaled
    return cls(**params).fit(X, y), X_test


def test_strangers_score_below_garments(family_fit):
    clf, X_test = family_fit
    sets = {
        "test": X_test,
        "digits": _digits(),
        "noise": np.random.default_rng(0).random((300, 784), dtype=np.float32),
    }
    scores = {k: clf.score_samples(v) for k, v in sets.items()}
    assert all(
        scores[k].shape == (len(v),) and np.isfinite(scores[k]).all()
        for k, v in sets.items()
    )
    noise = sets["noise"]
    # The baseline the score must beat: the top softmax probability.
    top = {k: clf.predict_proba(v).max(1) for k, v in sets.items()}
    ours, baseline = (
        {o: _auroc(s["test"], s[o]) for o in ("digits", "noise")} for s in (scores, top)
    )
    # Noise gets confident garments; on these 2,000-image fits digits are at
    # the baseline's level (benchmarks/bench_strangers.py: full data).
    assert ours["noise"] > 0.99 > baseline["noise"] + 0.3
    assert ours["digits"] > 0.75
    assert sum(ours.values()) > sum(baseline.values()) + 0.4
    assert is_outlier(clf, noise).mean() > 0.95
    # contamination=0.01 of held-out training images; test images alike.
    assert is_outlier(clf, X_test).mean() < 0.05


def test_score_does_not_depend_on_the_batch(family_fit):
    clf, X_test = family_fit
    batch = clf.score_samples(X_test[:100])
    alone = np.array(
        [clf.score_samples(X_test[i : i + 1])[0] for i in range(0, 100, 7)]
    )
    # float64 arithmetic: the matrix product may round differently with the
    # number of rows, far below any threshold's resolution.
    np.testing.assert_allclose(alone, batch[::7], rtol=1e-12)
    order = np.random.default_rng(0).permutation(100)
    np.testing.assert_allclose(
        clf.score_samples(X_test[:100][order]), batch[order], rtol=1e-12
    )


def test_contamination_moves_the_offset_not_the_predictions(scaled):
    X, y, X_test, _ = scaled
    low = FashionMLPClassifier(**FAST, contamination=0.01).fit(X, y)
    high = FashionMLPClassifier(**FAST, contamination=0.3).fit(X, y)
    assert low.predict_proba(X_test).tobytes() == high.predict_proba(X_test).tobytes()
    assert high.offset_ > low.offset_
    assert 0.15 < is_outlier(high, X_test).mean() < 0.45


def test_offset_comes_from_the_hold_out(scaled):
    X, y, _, _ = scaled
    clf = FashionMLPClassifier(**FAST, validation_split=0.25, contamination=0.1)
    clf.fit(X, y)
    # The same hold-out the fit used: 500 images, 10% of them below offset_.
    from skfashion._base import _seeds
    from skfashion._data import split_validation

    Y = np.eye(10)[np.searchsorted(clf.classes_, y)]
    _, held_out = split_validation(Y, 0.25, _seeds(0).split)
    assert is_outlier(clf, X[held_out]).mean() == pytest.approx(0.1, abs=0.005)


@pytest.mark.parametrize("contamination", [0, 1, -0.1, 1.5])
def test_contamination_outside_0_1_is_refused(scaled, contamination):
    X, y, _, _ = scaled
    with pytest.raises(ValueError, match="contamination"):
        FashionMLPClassifier(**FAST, contamination=contamination).fit(X[:50], y[:50])


def test_unfitted_score_samples_raises():
    with pytest.raises(NotFittedError):
        FashionMLPClassifier().score_samples(np.zeros((1, 784)))


def test_partial_fit_keeps_the_statistics_current(scaled):
    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(**FAST).partial_fit(X[:1000], y[:1000])
    first = clf.score_statistics_["references"].copy(), clf.offset_
    clf.partial_fit(X[1000:], y[1000:])
    assert clf.score_statistics_["references"].shape == first[0].shape
    assert not np.array_equal(clf.score_statistics_["references"], first[0])
    assert clf.offset_ != first[1]
    # One image in a call: its own statistics, still a number per image.
    clf.partial_fit(X[:1], y[:1])
    assert np.isfinite(clf.score_samples(X_test[:5])).all()


def test_pipeline_and_estimator_agree(scaled, small_train, small_test):
    X_raw, y = small_train
    pipe = make_fashion_pipeline(**CNN_FAST, model="cnn").fit(X_raw, y)
    X_test_raw, _ = small_test
    X_scaled = pipe[0].transform(X_test_raw[:50])
    np.testing.assert_array_equal(
        pipe.score_samples(X_test_raw[:50]), pipe[-1].score_samples(X_scaled)
    )
    np.testing.assert_array_equal(
        is_outlier(pipe, X_test_raw[:50]), is_outlier(pipe[-1], X_scaled)
    )


def _rewrite(path, out, edit):
    """Copy the model file ``path`` to ``out`` with its manifest edited."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        drop = edit(manifest)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as new:
            new.writestr("manifest.json", json.dumps(manifest))
            for name in zf.namelist():
                if name != "manifest.json" and name not in drop:
                    new.writestr(name, zf.read(name))
    return out


def test_a_file_from_before_the_score_loads_and_says_how_to_get_it(
    small_train, small_test, tmp_path, capsys
):
    (X, y), (X_test, _) = small_train, small_test
    fitted = make_fashion_pipeline(**FAST).fit(X, y)
    path = save_model(fitted, tmp_path / "model.skf")

    def as_format_1(manifest):
        manifest["format_version"] = 1
        step = manifest["steps"][-1]
        del step["params"]["contamination"], step["fitted"]["offset_"]
        members = set(step.pop("score_statistics").values())
        for member in members:
            del manifest["arrays"][member]
        return members

    old_path = _rewrite(path, tmp_path / "old.skf", as_format_1)
    # The command line classifies with it and marks nothing, quietly.
    assert main(["predict", str(old_path), "--test-index", "0", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2 and "probably not" not in out and not err
    old = load_model(old_path)
    np.testing.assert_array_equal(
        old.predict_proba(X_test), fitted.predict_proba(X_test)
    )
    with pytest.raises(NotFittedError, match="fit it again, or call partial_fit"):
        old.score_samples(X_test)
    old[-1].partial_fit(old[0].transform(X), y)
    assert np.isfinite(old.score_samples(X_test)).all()


def test_saved_statistics_too_large_are_refused(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "model.skf")

    def inflate(manifest):
        member = manifest["steps"][0]["score_statistics"]["references"]
        manifest["arrays"][member]["shape"][0] = REFERENCE_ROWS + 1
        return set()

    with pytest.raises(ModelFileError, match="no valid row count"):
        load_model(_rewrite(path, tmp_path / "big.skf", inflate))


def test_score_survives_save_and_load(fitted, scaled, tmp_path):
    _, _, X_test, _ = scaled
    loaded = load_model(save_model(fitted, tmp_path / "model.skf"))
    assert loaded.offset_ == fitted.offset_
    np.testing.assert_array_equal(
        loaded.score_samples(X_test), fitted.score_samples(X_test)
    )


def test_features_are_compared_in_the_references_principal_directions(scaled):
    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(**{**FAST, "hidden_layer_sizes": (128,)})
    stats = clf.fit(X[:20], y[:20]).score_statistics_  # 16 references, 4 held out
    assert stats["projection"].shape == (128, PROJECTED_DIMS) == (128, 64)
    assert stats["references"].shape == (16, PROJECTED_DIMS)
    # 16 references span 16 directions at most: the other columns are zero.
    assert np.count_nonzero(np.abs(stats["projection"]).sum(axis=0)) == 16
    np.testing.assert_allclose(
        np.linalg.norm(stats["references"], axis=1), 1, rtol=1e-6
    )
    assert np.isfinite(clf.score_samples(X_test)).all()


def test_an_initialized_network_has_no_score_yet(scaled):
    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(**FAST).initialize(X, y)
    with pytest.raises(NotFittedError, match="initialized without training"):
        clf.score_samples(X_test)
