"""The predict path (skfashion._inference): onnxruntime, TensorFlow's
fallback, calls of rows."""

import pickle

import numpy as np
import pytest

from skfashion import FashionMLPClassifier, make_fashion_pipeline

SMALL = {
    "mlp": dict(hidden_layer_sizes=(32,)),
    "cnn": dict(filters=(4, 8), hidden_layer_sizes=(16,)),
}


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


def _onnx_probabilities(clf, X, tmp_path):
    import onnxruntime as ort

    from skfashion import export_onnx

    path = export_onnx(clf, tmp_path / "clf.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["probabilities"], {"X": X})[0]


@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_predict_proba_is_the_exported_graph_bit_for_bit(model, scaled, tmp_path):
    # predict runs the network's ONNX graph in onnxruntime: what export_onnx
    # writes serves exactly the estimator's probabilities.
    X, y, X_test, _ = scaled
    clf = make_fashion_pipeline(model, epochs=1, random_state=0)[-1]
    clf.set_params(**SMALL[model]).fit(X[:500], y[:500])
    np.testing.assert_array_equal(
        clf.predict_proba(X_test), _onnx_probabilities(clf, X_test, tmp_path)
    )


def test_predict_follows_further_training(fitted, scaled):
    # The onnxruntime session holds a copy of the weights: partial_fit must
    # replace it, or predict would answer with the weights of before.
    X, y, X_test, _ = scaled
    clf = pickle.loads(pickle.dumps(fitted))
    before = clf.predict_proba(X_test)
    clf.partial_fit(X[:300], y[:300])
    after = clf.predict_proba(X_test)
    assert not np.array_equal(before, after)
    fresh = pickle.loads(pickle.dumps(clf))  # a new network, a new session
    np.testing.assert_array_equal(after, fresh.predict_proba(X_test))


def test_network_without_a_graph_predicts_through_tensorflow(scaled):
    # gelu has no ONNX operator at opset 17: the traced TensorFlow function,
    # in blocks of ROW_BLOCK rows, keeps rows batch-invariant too.
    from skfashion._inference import predictor

    X, y, X_test, _ = scaled
    clf = FashionMLPClassifier(activation="gelu", hidden_layer_sizes=(16,), epochs=1)
    clf.fit(X[:300], y[:300])
    assert predictor(clf.model_, X.shape[1])[0].__qualname__.startswith(
        "_tensorflow_predictor"
    )
    proba = clf.predict_proba(X_test[:50])
    singles = np.concatenate([clf.predict_proba(X_test[i : i + 1]) for i in range(50)])
    np.testing.assert_array_equal(proba, singles)
    keras_proba = clf.model_.predict_on_batch(X_test[:50])
    np.testing.assert_allclose(proba, keras_proba, atol=1e-6)


def test_any_memory_layout_gives_the_same_numbers(fitted, scaled):
    _, _, X_test, _ = scaled
    expected = fitted.predict_proba(X_test[:40])
    for X in (
        np.asfortranarray(X_test[:40]),
        np.repeat(X_test[:40], 2, axis=1)[:, ::2],
    ):
        np.testing.assert_array_equal(fitted.predict_proba(X), expected)


def test_test_time_flip_averages_each_image_with_its_mirror_image(scaled, tmp_path):
    from skfashion import FashionCNNClassifier

    X, y, X_test, _ = scaled
    clf = FashionCNNClassifier(**SMALL["cnn"], augment=True, epochs=1, random_state=0)
    clf.fit(X[:300], y[:300])
    X_test = X_test[:50]
    mirrored = X_test.reshape(-1, 28, 28)[:, :, ::-1].reshape(len(X_test), -1)
    plain, scores = clf.predict_proba(X_test), clf.score_samples(X_test)
    expected = (plain + clf.predict_proba(mirrored)) * np.float32(0.5)
    clf.set_params(test_time_flip=True)  # takes effect without refitting
    proba = clf.predict_proba(X_test)
    np.testing.assert_array_equal(proba, expected)
    assert not np.array_equal(proba, plain)
    # A mirror image's prediction is its original's; one image as in a batch.
    np.testing.assert_array_equal(clf.predict_proba(mirrored), proba)
    np.testing.assert_array_equal(clf.predict_proba(X_test[7:8]), proba[7:8])
    np.testing.assert_array_equal(clf.predict(X_test), clf.classes_[proba.argmax(1)])
    # score_samples reads the image as given.
    np.testing.assert_array_equal(clf.score_samples(X_test), scores)
    np.testing.assert_allclose(
        _onnx_probabilities(clf, X_test, tmp_path), proba, atol=1e-6
    )
    clf.set_params(test_time_flip="yes")
    with pytest.raises(ValueError, match="test_time_flip must be True or False"):
        clf.predict(X_test)
    with pytest.raises(ValueError, match="'test_time_flip' parameter"):
        clf.fit(X[:50], y[:50])
