"""Every Keras backend skfashion runs on: the same features, the same files.

``make test`` runs this module twice: on TensorFlow with the whole suite, and
on JAX (``KERAS_BACKEND=jax``, the tests marked ``backends``, with the check
suite); ``make test-torch`` adds PyTorch. The round trip of model files runs
each other installed backend in a fresh process (Keras picks its backend once
per process), from TensorFlow only: it goes both ways in one test.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import joblib
import keras
import numpy as np
import pytest
from params import FAMILY, NO_TENSORFLOW

from skfashion import (
    FashionMLPClassifier,
    compare_models,
    export_onnx,
    load_model,
    read_manifest,
    save_model,
)

BACKEND = keras.backend.backend()
# The backends installed beside TensorFlow (make test installs JAX; make
# test-torch adds PyTorch).
OTHERS = [b for b in ("jax", "torch") if b != BACKEND and importlib.util.find_spec(b)]


@pytest.mark.backends
@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_seeded_fits_agree_and_partial_fit_continues_them(cls, params, scaled):
    X, y, X_test, _ = scaled
    X, y = X[:400], y[:400]
    fitted = cls(**params).fit(X, y)
    again = cls(**params).fit(X, y)
    np.testing.assert_array_equal(
        fitted.predict_proba(X_test), again.predict_proba(X_test)
    )
    stepwise = cls(**params)  # partial_fit's epoch k is fit's epoch k
    for _ in range(params["epochs"]):
        stepwise.partial_fit(X, y)
    assert stepwise.history_["loss"] == fitted.history_["loss"]
    np.testing.assert_array_equal(
        stepwise.predict_proba(X_test), fitted.predict_proba(X_test)
    )


@pytest.mark.backends
@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_every_training_feature_runs(cls, params, scaled, tmp_path):
    X, y, X_test, y_test = scaled
    weights = np.where(y[:400] == 0, 2.0, 1.0)
    extra = {"augment": True, "dropout": 0.2} if cls is not FashionMLPClassifier else {}
    clf = cls(
        **{**params, "epochs": 4},
        **extra,
        early_stopping=True,
        n_iter_no_change=1,
        learning_rate="cosine",
        class_weight="balanced",
        tensorboard_log_dir=tmp_path,
        tensorboard_histogram_freq=1,
    )
    clf.fit(X[:400], y[:400], sample_weight=weights)
    assert {"loss", "val_loss", "val_accuracy"} <= set(clf.history_)
    assert 1 <= clf.n_iter_ <= 4
    for part in ("train", "validation"):
        assert list((Path(clf.tensorboard_run_dir_) / part).iterdir())
    assert clf.score(X_test, y_test) > 0.3  # 10 classes: chance is 0.1
    warm = clf.set_params(warm_start=True, early_stopping=False, epochs=1)
    assert warm.fit(X[:400], y[:400]).n_iter_ == 1


@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize(("cls", "params"), FAMILY)
def test_model_files_cross_backends(other, cls, params, scaled, tmp_path):
    # Trained here, read on the other backend: the same weights bit for bit
    # (compare_models on the file it writes back) and the same probabilities
    # (both predict through onnxruntime); it trains on there too.
    X, y, X_test, _ = scaled
    clf = cls(**params).fit(X[:300], y[:300])
    save_model(clf, tmp_path / "here.skf")
    assert read_manifest(tmp_path / "here.skf")["versions"]["keras_backend"] == BACKEND
    np.save(tmp_path / "X.npy", X_test[:200])
    np.save(tmp_path / "y.npy", y[:300])
    np.save(tmp_path / "Xtrain.npy", X[:300])
    code = textwrap.dedent(
        f"""
        import numpy as np
        from skfashion import load_model, save_model
        clf = load_model({str(tmp_path / "here.skf")!r})
        np.save({str(tmp_path / "there.npy")!r},
                clf.predict_proba(np.load({str(tmp_path / "X.npy")!r})))
        save_model(clf, {str(tmp_path / "copy.skf")!r})
        clf.partial_fit(np.load({str(tmp_path / "Xtrain.npy")!r}),
                        np.load({str(tmp_path / "y.npy")!r}))
        save_model(clf, {str(tmp_path / "trained.skf")!r})
        """
    )
    env = {**os.environ, "KERAS_BACKEND": other}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    np.testing.assert_array_equal(
        np.load(tmp_path / "there.npy"), clf.predict_proba(X_test[:200])
    )
    assert compare_models(clf, load_model(tmp_path / "copy.skf")).identical
    trained = load_model(tmp_path / "trained.skf")
    assert read_manifest(tmp_path / "trained.skf")["versions"]["keras_backend"] == other
    assert len(trained.history_["loss"]) == len(clf.history_["loss"]) + 1
    assert not np.array_equal(
        trained.predict_proba(X_test[:200]), clf.predict_proba(X_test[:200])
    )


@pytest.mark.parametrize("other", OTHERS)
def test_other_backends_need_no_tensorflow(other, scaled, tmp_path):
    # skfashion[jax] and skfashion[torch] install no TensorFlow: training,
    # TensorBoard logging, prediction and model files work without it.
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator,
    )

    X, y, _, _ = scaled
    np.save(tmp_path / "X.npy", X[:300])
    np.save(tmp_path / "y.npy", y[:300])
    code = NO_TENSORFLOW + textwrap.dedent(
        f"""
        import json
        import numpy as np
        from skfashion import (
            FashionCNNClassifier, compare_models, load_model, save_model
        )
        X = np.load({str(tmp_path / "X.npy")!r})
        y = np.load({str(tmp_path / "y.npy")!r})
        clf = FashionCNNClassifier(
            filters=(4,), epochs=2, random_state=0, validation_split=0.2,
            tensorboard_log_dir={str(tmp_path / "logs")!r},
            tensorboard_histogram_freq=1,
        ).fit(X, y)
        save_model(clf, {str(tmp_path / "m.skf")!r})
        assert compare_models(clf, load_model({str(tmp_path / "m.skf")!r})).identical
        print(json.dumps([clf.tensorboard_run_dir_, clf.history_["loss"],
                          clf.predict(X[:5]).tolist()]))
        assert "tensorflow" not in sys.modules
        """
    )
    env = {**os.environ, "KERAS_BACKEND": other}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    run_dir, losses, labels = json.loads(out.stdout.splitlines()[-1])
    assert set(labels) <= set(np.unique(y[:300]).tolist())
    train = EventAccumulator(f"{run_dir}/train", {"tensors": 0}).Reload()
    logged = [e.value for e in train.Scalars("epoch_loss")]
    np.testing.assert_allclose(logged, losses, rtol=1e-6)
    assert any(t.endswith("kernel") for t in train.Tags()["tensors"])
    val = EventAccumulator(f"{run_dir}/validation").Reload()
    assert [e.step for e in val.Scalars("epoch_accuracy")] == [0, 1]


@pytest.mark.backends
def test_joblib_and_onnx_on_this_backend(fitted, scaled, tmp_path):
    _, _, X_test, _ = scaled
    joblib.dump(fitted, tmp_path / "m.joblib")
    assert compare_models(fitted, joblib.load(tmp_path / "m.joblib"), X_test).identical
    import onnxruntime as ort

    path = export_onnx(fitted, tmp_path / "m.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["keras_backend"] == BACKEND
    np.testing.assert_array_equal(
        session.run(["probabilities"], {"X": X_test})[0], fitted.predict_proba(X_test)
    )


@pytest.mark.backends
def test_a_network_without_a_graph_is_batch_invariant_here(scaled):
    # gelu has no ONNX operator at opset 17: the backend's own layers run it.
    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(activation="gelu", hidden_layer_sizes=(16,), epochs=1)
    clf.fit(X[:300], y[:300])
    proba = clf.predict_proba(X_test[:50])
    singles = np.concatenate([clf.predict_proba(X_test[i : i + 1]) for i in range(50)])
    np.testing.assert_array_equal(proba, singles)
    np.testing.assert_allclose(
        proba, clf.model_.predict_on_batch(X_test[:50]), atol=1e-6
    )
