"""Round trips, crafted and damaged files, atomic saves, version warnings."""

import hashlib
import io
import json
import os
import pickle
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile

import joblib
import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
    ImageScaler,
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
CNN_FAST = dict(filters=(4, 8), hidden_layer_sizes=(16,), epochs=1, random_state=0)


@pytest.fixture(scope="module")
def pipeline(small_train):
    X, y = small_train
    return make_fashion_pipeline(**FAST).fit(X[:1000], y[:1000])


@pytest.fixture(scope="module")
def cnn_pipeline(small_train):
    X, y = small_train
    pipe = make_fashion_pipeline("cnn", **CNN_FAST, augment=True, alpha=1e-4)
    return pipe.fit(X[:600], y[:600])


@pytest.fixture(scope="module")
def classifier(small_train):
    X, y = small_train
    return FashionMLPClassifier(**FAST).fit(X[:1000] / 255.0, y[:1000])


@pytest.fixture(scope="module")
def saved(pipeline, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "model.skf"
    save_model(pipeline, path, test_score=0.5)
    return path


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewrite(src, dst, manifest=None, **members):
    """Copy a model archive, replacing its manifest and/or some members."""
    data = _members(src)
    if manifest is not None:
        data["manifest.json"] = json.dumps(manifest).encode()
    data.update({name.replace("__", "/"): value for name, value in members.items()})
    with zipfile.ZipFile(dst, "w") as zf:
        for name, value in data.items():
            zf.writestr(name, value)
    return dst


class _Evil:
    """Writes a canary file when unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


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


@pytest.mark.parametrize("which", ["pipeline", "cnn_pipeline"])
def test_save_load_round_trip(which, request, small_test, tmp_path):
    model = request.getfixturevalue(which)
    X_test, _ = small_test
    reloaded = load_model(save_model(model, tmp_path / "m.skf"))
    report = compare_models(model, reloaded, X_test)
    assert report.identical, str(report)
    assert {"weights", "optimizer state", "structure", "predict_proba"} <= {
        name for name, _, _ in report.fields
    }
    assert reloaded[-1].history_ == model[-1].history_
    assert reloaded[-1].n_iter_ == model[-1].n_iter_


@pytest.mark.parametrize(
    "params",
    [dict(FAST, dropout=0.2), dict(CNN_FAST, augment=True, random_erasing=0.5)],
    ids=["mlp", "cnn"],
)
def test_reload_continues_training_bit_for_bit(params, small_train, tmp_path):
    # Optimizer state and the dropout/augmentation seed states come back, so
    # one more epoch of partial_fit gives the same network as the original's.
    X, y = small_train
    model = "cnn" if "filters" in params else "mlp"
    original = make_fashion_pipeline(model, **params).fit(X[:300], y[:300])
    reloaded = load_model(save_model(original, tmp_path / "m.skf"))
    for pipe in (original, reloaded):
        pipe[-1].partial_fit(pipe[0].transform(X[300:600]), y[300:600])
    report = compare_models(original, reloaded, X[:50])
    assert report.identical, str(report)


def test_bare_classifier_with_string_labels(small_train, tmp_path):
    from skfashion.datasets import CLASS_NAMES

    X, y = small_train
    labels = np.asarray(CLASS_NAMES)[y[:400]]
    clf = FashionCNNClassifier(**CNN_FAST).fit(X[:400] / 255.0, labels)
    reloaded = load_model(save_model(clf, tmp_path / "s.skf"))
    assert type(reloaded) is FashionCNNClassifier
    assert reloaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(
        reloaded.predict(X[:50] / 255.0), clf.predict(X[:50] / 255.0)
    )
    assert read_manifest(tmp_path / "s.skf")["classes"] == sorted(CLASS_NAMES)


def test_class_weight_and_feature_names_round_trip(small_train, tmp_path):
    pd = pytest.importorskip("pandas", reason="the [test] extra installs pandas")
    X, y = small_train
    frame = pd.DataFrame(X[:300] / 255.0, columns=[f"pixel{i}" for i in range(784)])
    clf = FashionMLPClassifier(**{**FAST, "epochs": 1}, class_weight={0: 2.0, 1: 0.5})
    clf.fit(frame, y[:300])
    reloaded = load_model(save_model(clf, tmp_path / "w.skf"))
    assert reloaded.class_weight == {0: 2.0, 1: 0.5}
    np.testing.assert_array_equal(reloaded.feature_names_in_, clf.feature_names_in_)
    assert compare_models(clf, reloaded, frame).identical


def test_reloaded_model_refits_and_clones(saved, small_train):
    X, y = small_train
    reloaded = load_model(saved)
    assert clone(reloaded).get_params()["clf__hidden_layer_sizes"] == (32, 16)
    reloaded.fit(X[:300], y[:300])
    assert reloaded.named_steps["clf"].n_iter_ == 2


def test_manifest(saved, tmp_path):
    manifest = read_manifest(saved)
    assert manifest["format_version"] == persistence.FORMAT_VERSION == 2
    assert manifest["test_score"] == 0.5
    assert manifest["classes"] == list(range(10))
    scale, clf = manifest["steps"]
    assert (scale["type"], clf["type"]) == ("ImageScaler", "FashionMLPClassifier")
    assert clf["params"]["hidden_layer_sizes"] == [32, 16]
    assert set(manifest["versions"]) >= {"skfashion", "scikit-learn", "keras"}
    members = _members(saved)
    assert set(members) == {"manifest.json", *manifest["arrays"]}
    for name, spec in manifest["arrays"].items():
        assert hashlib.sha256(members[name]).hexdigest() == spec["sha256"]
    # The manifest is read without the arrays: damaged arrays do not matter.
    broken = {name: b"x" for name in manifest["arrays"]}
    damaged = _rewrite(
        saved,
        tmp_path / "d.skf",
        **{k.replace("/", "__"): v for k, v in broken.items()},
    )
    assert read_manifest(damaged)["steps"] == manifest["steps"]


def test_reload_in_a_fresh_process_gives_the_same_accuracy(saved, pipeline):
    """The new process imports nothing of skfashion's training code itself."""
    from skfashion import fetch_fashion_mnist

    X_test, y_test = fetch_fashion_mnist(subset="test", return_X_y=True)
    expected = pipeline.score(X_test, y_test)
    code = textwrap.dedent(
        f"""
        import sys
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


@pytest.mark.slow
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


# -- pickle only on request --------------------------------------------------------


def test_a_parameter_missing_from_the_file_is_refused(saved, tmp_path):
    # Its default could rebuild another network than the one saved.
    manifest = read_manifest(saved)
    del manifest["steps"][1]["params"]["jit_compile"]
    with pytest.raises(ModelFileError, match=r"no value for \['jit_compile'\]"):
        load_model(_rewrite(saved, tmp_path / "before.skf", manifest))


def test_joblib_files_need_allow_pickle(pipeline, tmp_path, small_test):
    X_test, _ = small_test
    joblib.dump(pipeline, tmp_path / "p.joblib")
    with pytest.raises(ModelFileError, match=r"allow_pickle=True"):
        load_model(tmp_path / "p.joblib")
    reloaded = load_model(tmp_path / "p.joblib", allow_pickle=True)
    assert compare_models(pipeline, reloaded, X_test).identical


def test_a_pickle_is_refused_without_allow_pickle(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(_Evil(str(marker))))
    with pytest.raises(ModelFileError, match=r"is a pickle \(joblib\) file"):
        load_model(tmp_path / "evil.pkl")
    assert not marker.exists()


# -- what a safe file cannot hold ------------------------------------------------


def test_parameters_that_are_not_data_are_named(small_train, tmp_path):
    X, y = small_train
    Xs = X[:200] / 255.0
    cases = [
        (
            {"callbacks": [keras.callbacks.TerminateOnNaN()]},
            "callbacks act only during fit",
        ),
        ({"optimizer": keras.optimizers.SGD}, "name the optimizer instead"),
        ({"random_state": np.random.RandomState(0)}, "pass an int"),
    ]
    for params, fix in cases:
        clf = FashionMLPClassifier(**{**FAST, "epochs": 1, **params}).fit(Xs, y[:200])
        name = next(iter(params))
        with pytest.raises(
            ValueError, match=rf"parameter {name}=.*not plain data.*{fix}"
        ):
            save_model(clf, tmp_path / "x.skf")
    foreign = make_pipeline(ImageScaler(), DummyClassifier())
    foreign.fit(X[:200], y[:200])
    with pytest.raises(ValueError, match=r"is a DummyClassifier.*joblib.dump"):
        save_model(foreign, tmp_path / "x.skf")
    assert not (tmp_path / "x.skf").exists()


def test_compare_models_sees_callbacks_as_data(small_train, tmp_path):
    X, y = small_train
    clf = FashionMLPClassifier(
        **{**FAST, "epochs": 1}, callbacks=[keras.callbacks.TerminateOnNaN()]
    ).fit(X[:200] / 255.0, y[:200])
    joblib.dump(clf, tmp_path / "c.joblib")
    reloaded = joblib.load(tmp_path / "c.joblib")
    assert compare_models(clf, reloaded).identical
    other = clone(clf).set_params(callbacks=[keras.callbacks.EarlyStopping()])
    assert compare_models(clf, other).differences[:1] == ["params"]


def test_keras_export(pipeline, small_test, tmp_path):
    import keras

    X_test, _ = small_test
    path = export_keras(pipeline, tmp_path / "net.keras")
    with zipfile.ZipFile(path) as zf:  # plain Keras: loads without skfashion
        config = json.loads(zf.read("config.json"))
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert "skfashion" not in json.dumps(config)
    net = keras.saving.load_model(path)
    assert type(net) is keras.Sequential
    assert net.optimizer.iterations.numpy() == 2 * -(-1000 // 64)  # its state
    scaled = pipeline.named_steps["scale"].transform(X_test)
    expected = pipeline.predict_proba(X_test)
    # skfashion predicts through onnxruntime: Keras' kernels round the last
    # bits otherwise.
    keras_proba = net.predict_on_batch(scaled)
    np.testing.assert_allclose(keras_proba, expected, atol=1e-6)
    np.testing.assert_array_equal(keras_proba.argmax(1), expected.argmax(1))
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


# -- crafted and damaged files: refused before anything runs -------------------


def test_manifest_naming_code_is_refused(saved, tmp_path):
    manifest = read_manifest(saved)
    for bad_type in ("os.system", "builtins.eval", "LogisticRegression"):
        manifest["steps"][1]["type"] = bad_type
        path = _rewrite(saved, tmp_path / "t.skf", manifest)
        with pytest.raises(
            ModelFileError, match=rf"step type '{bad_type}'.*not one of"
        ):
            load_model(path)


def test_unknown_or_invalid_parameters_are_refused(saved, tmp_path):
    manifest = read_manifest(saved)
    manifest["steps"][1]["params"]["__reduce__"] = "os.system"
    with pytest.raises(ModelFileError, match=r"unknown parameters \['__reduce__'\]"):
        load_model(_rewrite(saved, tmp_path / "p.skf", manifest))
    for name, value in (
        ("epochs", "rm -rf /"),
        ("class_weight", {"x": 1}),
        ("class_weight", {"items": [[1]]}),
        ("hidden_layer_sizes", [[1, 2]]),
    ):
        manifest = read_manifest(saved)
        manifest["steps"][1]["params"][name] = value
        with pytest.raises(ModelFileError, match=r"parameters are invalid|build no"):
            load_model(_rewrite(saved, tmp_path / "p.skf", manifest))
    manifest = read_manifest(saved)
    manifest["steps"][1]["fitted"]["n_iter_"] = "abc"
    with pytest.raises(ModelFileError, match="n_iter_ is not an integer"):
        load_model(_rewrite(saved, tmp_path / "p.skf", manifest))


def test_object_array_is_refused_and_never_unpickled(saved, tmp_path):
    marker = tmp_path / "pwned"
    manifest = read_manifest(saved)
    member = manifest["steps"][1]["variables"][0]
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Evil(str(marker))], dtype=object), allow_pickle=True)
    evil = buffer.getvalue()
    # A consistent manifest: the right hash, the object dtype declared...
    manifest["arrays"][member].update(
        sha256=hashlib.sha256(evil).hexdigest(), dtype="|O", shape=[1], bytes=len(evil)
    )
    path = _rewrite(
        saved, tmp_path / "o.skf", manifest, **{member.replace("/", "__"): evil}
    )
    with pytest.raises(ModelFileError, match="but the model needs"):
        load_model(path)
    # ...or the expected dtype and shape declared over a pickled payload.
    manifest = read_manifest(saved)
    manifest["arrays"][member]["sha256"] = hashlib.sha256(evil).hexdigest()
    path = _rewrite(
        saved, tmp_path / "o.skf", manifest, **{member.replace("/", "__"): evil}
    )
    with pytest.raises(
        ModelFileError, match=r"larger than its shape allows|not a plain"
    ):
        load_model(path)
    assert not marker.exists()


def test_oversized_shapes_are_refused_before_reading(saved, tmp_path):
    manifest = read_manifest(saved)
    member = manifest["steps"][1]["variables"][0]
    manifest["arrays"][member]["shape"] = [10**9, 10**9]
    with pytest.raises(ModelFileError, match="but the model needs"):
        load_model(_rewrite(saved, tmp_path / "big.skf", manifest))
    manifest = read_manifest(saved)
    manifest["steps"][1]["params"]["hidden_layer_sizes"] = [4096, 16]
    with pytest.raises(ModelFileError, match=r"\[784, 4096\].*float32|needs"):
        load_model(_rewrite(saved, tmp_path / "big.skf", manifest))


def test_members_must_match_the_manifest(saved, tmp_path):
    with pytest.raises(ModelFileError, match=r"unexpected \['evil.py'\]"):
        load_model(_rewrite(saved, tmp_path / "x.skf", **{"evil.py": b"import os"}))
    manifest = read_manifest(saved)
    name = next(iter(manifest["arrays"]))
    manifest["arrays"]["../../etc/passwd"] = manifest["arrays"].pop(name)
    with pytest.raises(ModelFileError, match="invalid names"):
        load_model(_rewrite(saved, tmp_path / "x.skf", manifest))


def test_truncated_file(saved, tmp_path):
    bad = tmp_path / "bad.skf"
    data = saved.read_bytes()
    for cut in (len(data) - 1, len(data) - 100, len(data) // 2, 30, 10, 3):
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=r"truncated|damaged|not a skfashion"):
            load_model(bad)


def test_bit_flip_anywhere_in_the_arrays(saved, tmp_path):
    data = saved.read_bytes()
    manifest = read_manifest(saved)
    bad = tmp_path / "bad.skf"
    for member in list(manifest["arrays"])[:: max(1, len(manifest["arrays"]) // 4)]:
        raw = _members(saved)[member]
        offset = data.index(raw) + len(raw) - 3
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        bad.write_bytes(flipped)
        with pytest.raises(ModelFileError, match=r"SHA-256|damaged|CRC"):
            load_model(bad)


def test_newer_format_is_refused(saved, tmp_path):
    manifest = {**read_manifest(saved), "format_version": 99}
    with pytest.raises(ModelFileError, match="format version 99, newer"):
        load_model(_rewrite(saved, tmp_path / "new.skf", manifest))


def test_damaged_manifest(saved, tmp_path):
    path = _rewrite(saved, tmp_path / "m.skf", **{"manifest.json": b"{not json"})
    with pytest.raises(ModelFileError, match="damaged manifest"):
        load_model(path)


def test_not_a_model(tmp_path, classifier):
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ModelFileError, match="ZIP archive but not a skfashion model"):
        load_model(tmp_path / "other.zip")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelFileError, match=r"not a skfashion model file \(nor"):
        load_model(tmp_path / "notes.txt")
    with pytest.raises(ModelFileError, match="could not be loaded as a joblib"):
        load_model(tmp_path / "notes.txt", allow_pickle=True)
    with pytest.raises(ModelFileError, match="is a directory"):
        load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.skf")


def test_saving_an_unfitted_model_is_refused(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save_model(FashionMLPClassifier(), tmp_path / "x.skf")
    with pytest.raises(NotFittedError):
        save_model(ImageScaler(), tmp_path / "x.skf")
    assert not list(tmp_path.iterdir())


def test_version_mismatch_warns(saved, tmp_path):
    manifest = read_manifest(saved)
    manifest["versions"] = {**manifest["versions"], "keras": "2.0.0"}
    with pytest.warns(ModelVersionWarning, match=r"keras 2\.0\.0 \(now 3\."):
        load_model(_rewrite(saved, tmp_path / "old.skf", manifest))


def test_same_versions_do_not_warn(saved, recwarn):
    load_model(saved)
    assert not [w for w in recwarn if issubclass(w.category, ModelVersionWarning)]


# -- atomicity --------------------------------------------------------------------


@pytest.mark.slow
def test_killed_writer_leaves_the_previous_file_intact(tmp_path, saved):
    """SIGKILL a process in the middle of save_model with a large payload."""
    target = tmp_path / "model.skf"
    target.write_bytes(saved.read_bytes())
    before = target.read_bytes()
    code = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        from skfashion import FashionMLPClassifier
        from skfashion.persistence import save_model
        X, y = np.random.RandomState(0).rand(20, 784), np.arange(20) % 2
        # 784 x 40,000 weights, with Adam's two slots: about 380 MB.
        clf = FashionMLPClassifier(hidden_layer_sizes=(40_000,)).initialize(X, y)
        print("ready", flush=True)
        while True:
            save_model(clf, {str(target)!r})
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    assert proc.poll() is None
    # Wait until the writer's temporary file exists and is growing.
    deadline = time.time() + 60
    while time.time() < deadline:
        tmps = list(tmp_path.glob(".model.skf.*.tmp"))
        if tmps and tmps[0].stat().st_size > 1_000_000:
            break
        time.sleep(0.01)
    else:
        proc.kill()
        pytest.fail("the writer never got 1 MB into a temporary file")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # A killed writer cannot remove its temporary file: one is left, so the
    # kill landed while a file was being written.
    assert list(tmp_path.glob(".model.skf.*.tmp")), "the kill missed every write"
    # The target is either untouched or a complete new file, never partial.
    data = target.read_bytes()
    if data == before:
        assert compare_models(load_model(target), load_model(saved)).identical
    else:  # pragma: no cover - the kill landed between two complete saves
        assert load_model(target).hidden_layer_sizes == (40_000,)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saved_files_get_the_permissions_of_a_plain_write(classifier, tmp_path):
    """A new file gets 0o666 less the umask, a replaced one keeps its mode."""
    target = tmp_path / "model.skf"
    old_umask = os.umask(0o027)
    try:
        save_model(classifier, target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        target.chmod(0o604)
        save_model(classifier, target)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["model.skf"]


def test_failed_write_leaves_no_temporary_file(classifier, tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_model(classifier, tmp_path / "x.skf")
    assert list(tmp_path.iterdir()) == []
