"""export_onnx: the fitted pipelines as ONNX graphs, served without TensorFlow."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import onnxruntime as ort
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from skfashion import (
    FashionCNNClassifier,
    FashionMLPClassifier,
    ImageScaler,
    export_onnx,
    is_outlier,
    make_fashion_pipeline,
    save_model,
)
from skfashion.cli import main

NETWORKS = {
    "mlp": dict(hidden_layer_sizes=(64, 32), dropout=0.1),
    # A block of two convolutions: "same" (the first), then "valid", with
    # batch norm and ReLU between them; then a one-convolution block.
    "cnn": dict(
        filters=((8, 8), 16),
        hidden_layer_sizes=(32,),
        augment=True,
        random_erasing=0.5,
    ),
}
# Without TensorFlow: importing it (or Keras) fails in the serving process.
NO_TF = "import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"


@pytest.fixture(scope="module", params=sorted(NETWORKS))
def fitted(request, small_train):
    X, y = small_train
    pipe = make_fashion_pipeline(request.param, epochs=1, random_state=0)
    pipe.set_params(**{f"clf__{k}": v for k, v in NETWORKS[request.param].items()})
    return pipe.fit(X, y)


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def test_exported_pipeline_runs_without_tensorflow(fitted, small_test, tmp_path):
    X_test, _ = small_test
    path = export_onnx(fitted, tmp_path / "model.onnx")
    np.save(tmp_path / "X.npy", X_test.astype(np.float32))
    code = NO_TF + textwrap.dedent(
        f"""
        import json, numpy as np, onnxruntime as ort
        try:
            import tensorflow
        except ImportError:
            pass
        else:
            raise SystemExit("TensorFlow was importable")
        session = ort.InferenceSession({str(path)!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        label, proba, score = session.run(None, {{"X": X}})
        np.save({str(tmp_path / "score.npy")!r}, score)
        np.save({str(tmp_path / "label.npy")!r}, label)
        np.save({str(tmp_path / "proba.npy")!r}, proba)
        print(json.loads(session.get_modelmeta().custom_metadata_map["classes"]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == str(list(range(10)))
    proba = np.load(tmp_path / "proba.npy")
    np.testing.assert_allclose(proba, fitted.predict_proba(X_test), atol=1e-5)
    # score_samples in float32: within 1e-4, the same images below offset_.
    score, expected = np.load(tmp_path / "score.npy"), fitted.score_samples(X_test)
    np.testing.assert_allclose(score, expected, atol=1e-4)
    near = np.abs(expected - fitted[-1].offset_) < 1e-4
    offset = float(_session(path).get_modelmeta().custom_metadata_map["offset"])
    np.testing.assert_array_equal(
        (score < offset)[~near], is_outlier(fitted, X_test)[~near]
    )
    np.testing.assert_array_equal(
        np.load(tmp_path / "label.npy"), fitted.predict(X_test)
    )


def test_uint8_input(fitted, small_test, tmp_path):
    X_test, _ = small_test
    session = _session(export_onnx(fitted, tmp_path / "m.onnx", input_dtype="uint8"))
    assert session.get_inputs()[0].type == "tensor(uint8)"
    label, proba, score = session.run(None, {"X": X_test.astype(np.uint8)})
    np.testing.assert_allclose(score, fitted.score_samples(X_test), atol=1e-4)
    np.testing.assert_allclose(proba, fitted.predict_proba(X_test), atol=1e-5)
    np.testing.assert_array_equal(label, fitted.predict(X_test))


def test_already_scaled_input_as_the_scaler_reads_it(fitted, small_test, tmp_path):
    X_test, _ = small_test
    binary = np.zeros((1, X_test.shape[1]))
    binary[0, :30] = 1.0  # whole zeros and ones: read as 8-bit, as the scaler does
    X = np.concatenate([X_test[:20], X_test[:20] / 255.0, binary]).astype(np.float32)
    session = _session(export_onnx(fitted, tmp_path / "m.onnx"))
    with pytest.warns(UserWarning, match="hold only the values 0 and 1"):
        expected = fitted.predict_proba(X)
    np.testing.assert_allclose(session.run(None, {"X": X})[1], expected, atol=1e-5)
    np.testing.assert_allclose(expected[20:40], expected[:20], atol=1e-6)


@pytest.mark.parametrize("cls", [FashionMLPClassifier, FashionCNNClassifier])
def test_bare_classifier_with_string_labels(cls, small_train, tmp_path):
    from skfashion import CLASS_NAMES

    X, y = small_train
    X, labels = X[:400] / 255.0, np.asarray(CLASS_NAMES)[y[:400]]
    params = dict(filters=(4,)) if cls is FashionCNNClassifier else {}
    clf = cls(epochs=1, random_state=0, **params).fit(X, labels)
    label, proba, score = _session(export_onnx(clf, tmp_path / "s.onnx")).run(
        None, {"X": X[:50].astype(np.float32)}
    )
    np.testing.assert_allclose(score, clf.score_samples(X[:50]), atol=1e-4)
    np.testing.assert_array_equal(label, clf.predict(X[:50]))
    np.testing.assert_allclose(proba, clf.predict_proba(X[:50]), atol=1e-5)


def test_test_time_flip_in_the_graph(small_train, small_test, tmp_path):
    X, y = small_train
    pipe = make_fashion_pipeline(
        "cnn", filters=(4,), hidden_layer_sizes=(16,), epochs=1, random_state=0
    )
    pipe.set_params(clf__augment=True, clf__test_time_flip=True).fit(X[:400], y[:400])
    X_test, _ = small_test
    session = _session(export_onnx(pipe, tmp_path / "m.onnx", input_dtype="uint8"))
    label, proba, score = session.run(None, {"X": X_test.astype(np.uint8)})
    np.testing.assert_allclose(proba, pipe.predict_proba(X_test), atol=1e-5)
    np.testing.assert_array_equal(label, pipe.predict(X_test))
    np.testing.assert_allclose(score, pipe.score_samples(X_test), atol=1e-4)


def test_without_the_score(fitted, small_test, tmp_path):
    # The faster graph: labels and probabilities, the same bit for bit.
    X_test, _ = small_test
    session = _session(export_onnx(fitted, tmp_path / "m.onnx", score=False))
    assert [o.name for o in session.get_outputs()] == ["label", "probabilities"]
    assert "offset" not in session.get_modelmeta().custom_metadata_map
    label, proba = session.run(None, {"X": X_test.astype(np.float32)})
    np.testing.assert_array_equal(proba, fitted.predict_proba(X_test))
    np.testing.assert_array_equal(label, fitted.predict(X_test))
    out = tmp_path / "cli.onnx"
    model = save_model(fitted, tmp_path / "m.skf")
    assert main(["export", str(model), str(out), "--no-score", "--quiet"]) == 0
    assert [o.name for o in _session(out).get_outputs()] == ["label", "probabilities"]


def test_what_cannot_be_exported(tmp_path, small_train):
    X, y = small_train
    with pytest.raises(NotFittedError):
        export_onnx(make_fashion_pipeline(), tmp_path / "x.onnx")
    foreign = make_pipeline(ImageScaler(), DummyClassifier()).fit(X[:50], y[:50])
    with pytest.raises(
        ValueError, match=r"got the steps \['ImageScaler', 'DummyClassifier'\]"
    ):
        export_onnx(foreign, tmp_path / "x.onnx")
    with pytest.raises(ValueError, match="input_dtype must be 'float32' or 'uint8'"):
        export_onnx(foreign, tmp_path / "x.onnx", input_dtype="float64")
    with pytest.raises(ValueError, match="score must be True or False, got 'no'"):
        export_onnx(foreign, tmp_path / "x.onnx", score="no")
    clf = FashionMLPClassifier(activation="gelu", hidden_layer_sizes=(4,), epochs=1)
    clf.fit(X[:50] / 255.0, y[:50])
    with pytest.raises(ValueError, match="cannot convert the activation 'gelu'"):
        export_onnx(clf, tmp_path / "x.onnx")
    assert not list(tmp_path.iterdir())


def test_missing_onnx_says_what_to_install(fitted, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match="pip install onnx onnxruntime"):
        export_onnx(fitted, tmp_path / "x.onnx")


def test_command_line_export_and_predict_without_tensorflow(fitted, tmp_path):
    model = save_model(fitted, tmp_path / "model.skf")
    onnx_path = tmp_path / "model.onnx"
    assert main(["export", str(model), str(onnx_path)]) == 0
    args = ["predict", str(onnx_path), "--test-index", "0", "1", "2"]
    args += ["--plot", str(tmp_path / "p.png")]
    code = NO_TF + f"from skfashion.cli import main; raise SystemExit(main({args!r}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("test[0]: ") and "%)" in lines[0]
    assert (tmp_path / "p.png").stat().st_size > 1000
    (tmp_path / "junk.onnx").write_text("not a model")
    code = NO_TF + (
        "from skfashion.cli import main; "
        f"raise SystemExit(main(['predict', {str(tmp_path / 'junk.onnx')!r}, "
        "'--test-index', '0']))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert "cannot read" in out.stderr and "as a skfashion ONNX model" in out.stderr
    assert json.loads(
        _session(onnx_path).get_modelmeta().custom_metadata_map["classes"]
    ) == list(range(10))


def test_command_line_marks_strangers_with_onnx_as_with_the_model_file(
    fitted, tmp_path, capsys
):
    from PIL import Image

    noise = tmp_path / "noise.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(noise)
    model = save_model(fitted, tmp_path / "model.skf")
    onnx_path = tmp_path / "model.onnx"
    assert main(["export", str(model), str(onnx_path)]) == 0
    assert "outputs label, probabilities and score" in capsys.readouterr().out
    marks = []
    for path in (model, onnx_path):
        args = ["predict", str(path), str(noise), "--test-index", "0", "1", "2"]
        assert main(args) == 0
        lines = capsys.readouterr().out.splitlines()
        marks.append(["unlike the training images" in line for line in lines])
    assert marks[0] == marks[1] and marks[0][0]
