"""Round trips, corrupt and tampered files, atomic saves, version warnings."""

import hashlib
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from skfashion import (
    FashionMLPClassifier,
    ModelFileError,
    ModelVersionWarning,
    compare_models,
    export_keras,
    load_model,
    make_fashion_pipeline,
    persistence,
    read_manifest,
    save_model,
)

FAST = dict(hidden_layer_sizes=(32, 16), epochs=2, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def pipeline(small_train):
    X, y = small_train
    return make_fashion_pipeline(**FAST).fit(X[:1000], y[:1000])


@pytest.fixture(scope="module")
def classifier(small_train):
    X, y = small_train
    return FashionMLPClassifier(**FAST).fit(X[:1000] / 255.0, y[:1000])


@pytest.fixture(scope="module")
def saved(pipeline, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "model.skf"
    save_model(pipeline, path, test_score=0.5)
    return path


# -- round trips -----------------------------------------------------------------


def test_joblib_round_trip_is_identical(pipeline, small_test, tmp_path):
    X_test, y_test = small_test
    joblib.dump(pipeline, tmp_path / "p.joblib")
    reloaded = joblib.load(tmp_path / "p.joblib")
    report = compare_models(pipeline, reloaded, X_test)
    assert report.identical, str(report)
    assert reloaded.score(X_test, y_test) == pipeline.score(X_test, y_test)


def test_pickle_round_trip_of_bare_classifier(classifier, small_test):
    X_test, _ = small_test
    reloaded = pickle.loads(pickle.dumps(classifier))
    assert compare_models(classifier, reloaded, X_test / 255.0).identical


def test_save_load_round_trip(pipeline, saved, small_test):
    X_test, _ = small_test
    reloaded = load_model(saved)
    report = compare_models(pipeline, reloaded, X_test)
    assert report.identical, str(report)
    assert {"weights", "optimizer state", "structure", "predict_proba"} <= {
        name for name, _, _ in report.fields
    }


def test_reloaded_model_refits_and_clones(saved, small_train):
    X, y = small_train
    reloaded = load_model(saved)
    assert clone(reloaded).get_params()["clf__hidden_layer_sizes"] == (32, 16)
    reloaded.fit(X[:300], y[:300])
    assert reloaded.named_steps["clf"].n_iter_ == 2


def test_manifest(saved, pipeline):
    manifest = read_manifest(saved)
    assert manifest["format_version"] == persistence.FORMAT_VERSION
    assert manifest["test_score"] == 0.5
    assert manifest["classes"] == list(range(10))
    assert manifest["params"]["clf__hidden_layer_sizes"] == [32, 16]
    assert set(manifest["versions"]) >= {"skfashion", "scikit-learn", "keras"}
    payload = saved.read_bytes()[-manifest["payload_bytes"] :]
    assert hashlib.sha256(payload).hexdigest() == manifest["payload_sha256"]


def test_reload_in_a_fresh_process_gives_the_same_accuracy(saved, pipeline):
    """The new process imports nothing of skfashion's training code itself."""
    from skfashion import fetch_fashion_mnist

    X_test, y_test = fetch_fashion_mnist(subset="test", return_X_y=True)
    expected = pipeline.score(X_test, y_test)
    code = textwrap.dedent(
        f"""
        import joblib, sys
        from skfashion.persistence import load_model
        from skfashion.datasets import fetch_fashion_mnist
        assert "skfashion.classifier" not in sys.modules
        model = load_model({str(saved)!r})
        X, y = fetch_fashion_mnist(subset="test", return_X_y=True)
        print(repr(model.score(X, y)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert float(out.stdout.split()[-1]) == expected


def test_plain_joblib_file_in_a_fresh_process(classifier, tmp_path, small_test):
    X_test, _ = small_test
    path = tmp_path / "clf.joblib"
    joblib.dump(classifier, path)
    np.save(tmp_path / "X.npy", X_test[:50] / 255.0)
    code = (
        "import joblib, numpy as np, sys;"
        f"m = joblib.load({str(path)!r});"
        f"np.save({str(tmp_path / 'p.npy')!r}, m.predict_proba("
        f"np.load({str(tmp_path / 'X.npy')!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    expected = classifier.predict_proba(X_test[:50] / 255.0)
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), expected)


def test_keras_export(pipeline, small_test, tmp_path):
    import keras

    X_test, _ = small_test
    path = export_keras(pipeline, tmp_path / "net.keras")
    net = keras.saving.load_model(path)
    scaled = pipeline.named_steps["scale"].transform(X_test)
    expected = pipeline.predict_proba(X_test)
    np.testing.assert_array_equal(np.asarray(net.predict_on_batch(scaled)), expected)
    with pytest.raises(ValueError, match=r"needs a '\.keras' file name"):
        export_keras(pipeline, tmp_path / "net.h5")


# -- compare_models sees every difference ---------------------------------------


def test_one_ulp_in_one_weight_is_a_difference(classifier):
    other = pickle.loads(pickle.dumps(classifier))
    weights = other.model_.get_weights()
    weights[2] = weights[2].copy()
    weights[2].flat[5] = np.nextafter(weights[2].flat[5], np.float32(np.inf))
    other.model_.set_weights(weights)
    report = compare_models(classifier, other)
    assert not report.identical
    assert report.differences == ["weights"]
    assert "DIFFERENT" in str(report)


def test_other_parameters_and_structure_are_differences(classifier, small_train):
    X, y = small_train
    other = FashionMLPClassifier(**{**FAST, "hidden_layer_sizes": (16,)}).fit(
        X[:200] / 255.0, y[:200]
    )
    report = compare_models(classifier, other, X[:10] / 255.0)
    assert {"params", "structure", "weights", "predict_proba"} <= set(
        report.differences
    )


def test_unfitted_model_is_reported(classifier):
    report = compare_models(classifier, FashionMLPClassifier(**FAST))
    assert "fitted network" in report.differences


# -- bad files --------------------------------------------------------------------


def test_truncated_file(saved, tmp_path):
    bad = tmp_path / "bad.skf"
    data = saved.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 30, 10):
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=r"truncated|corrupted"):
            load_model(bad)


def test_bit_flip_anywhere_in_the_payload(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    bad = tmp_path / "bad.skf"
    for offset in (len(data) - 1, len(data) - 1000, len(data) - 50000):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        bad.write_bytes(flipped)
        with pytest.raises(ModelFileError, match="corrupted or was modified"):
            load_model(bad)


def test_tampered_payload_is_never_unpickled(saved, tmp_path):
    manifest = read_manifest(saved)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Evil(str(marker)))
    persistence._write(tmp_path / "evil.skf", manifest, evil)
    with pytest.raises(ModelFileError, match="corrupted or was modified"):
        load_model(tmp_path / "evil.skf")
    assert not marker.exists()


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_newer_format_is_refused(saved, tmp_path):
    manifest = {**read_manifest(saved), "format_version": 99}
    payload = saved.read_bytes()[-manifest["payload_bytes"] :]
    persistence._write(tmp_path / "new.skf", manifest, payload)
    with pytest.raises(ModelFileError, match="format version 99, newer"):
        load_model(tmp_path / "new.skf")


def test_damaged_manifest(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    start = len(persistence._MAGIC) + 8
    data[start] = ord("!")
    (tmp_path / "m.skf").write_bytes(data)
    with pytest.raises(ModelFileError, match="damaged manifest"):
        load_model(tmp_path / "m.skf")


def test_not_a_model(tmp_path, classifier):
    joblib.dump(classifier, tmp_path / "plain.joblib")
    with pytest.raises(ModelFileError, match="not a skfashion model file"):
        load_model(tmp_path / "plain.joblib")
    with pytest.raises(ModelFileError, match="is a directory"):
        load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.skf")


def test_saving_an_unfitted_model_is_refused(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save_model(FashionMLPClassifier(), tmp_path / "x.skf")
    assert not list(tmp_path.iterdir())


def test_version_mismatch_warns(saved, tmp_path):
    manifest = read_manifest(saved)
    manifest["versions"] = {**manifest["versions"], "keras": "2.0.0"}
    payload = saved.read_bytes()[-manifest["payload_bytes"] :]
    persistence._write(tmp_path / "old.skf", manifest, payload)
    with pytest.warns(ModelVersionWarning, match=r"keras 2\.0\.0 \(now 3\."):
        load_model(tmp_path / "old.skf")


def test_same_versions_do_not_warn(saved, recwarn):
    load_model(saved)
    assert not [w for w in recwarn if issubclass(w.category, ModelVersionWarning)]


# -- atomicity --------------------------------------------------------------------


def test_killed_writer_leaves_the_previous_file_intact(tmp_path, saved):
    """SIGKILL a process in the middle of save_model with a large payload."""
    target = tmp_path / "model.skf"
    target.write_bytes(saved.read_bytes())
    before = target.read_bytes()
    code = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        from sklearn.dummy import DummyClassifier
        from skfashion.persistence import save_model
        clf = DummyClassifier().fit([[0], [1]], [0, 1])
        clf.ballast_ = np.random.RandomState(0).rand(60_000_000)  # 480 MB
        print("ready", flush=True)
        while True:
            save_model(clf, {str(target)!r})
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    # Wait until the writer's temporary file exists and is growing.
    deadline = time.time() + 60
    while time.time() < deadline:
        tmps = list(tmp_path.glob(".model.skf.*.tmp"))
        if tmps and tmps[0].stat().st_size > 1_000_000:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tmps, "the writer never started writing"
    # The target is either untouched or a complete new file, never partial.
    data = target.read_bytes()
    if data == before:
        assert compare_models(load_model(target), load_model(saved)).identical
    else:  # pragma: no cover - the kill landed between two complete saves
        assert load_model(target).ballast_.shape == (60_000_000,)


def test_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(persistence.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        persistence._write(tmp_path / "x.skf", {"format_version": 1}, b"x")
    assert list(tmp_path.iterdir()) == []


def test_manifest_is_json_first(saved):
    data = saved.read_bytes()
    start = len(persistence._MAGIC) + 8
    length = int.from_bytes(data[len(persistence._MAGIC) : start], "big")
    assert json.loads(data[start : start + length])["format"] == "skfashion-model"
    assert io.BytesIO(data).read(len(persistence._MAGIC)) == b"SKFASHION-MODEL\n"
