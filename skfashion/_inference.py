"""The predict path: the predict methods, and one forward pass per network,
in calls of at most ``rows_per_call`` rows.

A row's numbers must not depend on the batch it comes in (scikit-learn's
sample-order and subset invariance checks; one image gives what it gives in
any batch). The network runs as an ONNX graph in onnxruntime, whose CPU
kernels compute each row alike wherever it sits in a call of any size, in
about 0.03 ms for one MLP image (see docs/decisions: predict latency). A
network with a layer or an activation outside the graph's set runs in a
traced TensorFlow function instead, in blocks of exactly ``ROW_BLOCK`` rows,
a size at which TensorFlow's kernels give every position the same numbers
(see docs/decisions: bit-for-bit predict); on the other backends, through
Keras' layers one row at a time.
"""

from __future__ import annotations

import contextlib
import math
import weakref

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from . import _novelty
from ._callbacks import quiet_tensorflow
from ._compat import BACKEND, keras, omp_num_threads

# Rows per forward pass: as many as keep the widest layer's activations within
# this many bytes, at most MAX_ROWS (see docs/decisions: predict memory).
ACTIVATION_BYTES = 16 * 2**20
MAX_ROWS = 2048
ROW_BLOCK = 24
# Each network's predictor, made on its first predict. Kept outside the
# estimator: predict must not change the estimator's __dict__, and neither
# kind of predictor is picklable. Entries go when their network does, or when
# it trains again (training).
_PREDICTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rows_per_call(model) -> int:
    """Rows per forward pass: a multiple of ``ROW_BLOCK`` within the budget."""
    widest = max(math.prod(layer.output.shape[1:]) for layer in model.layers)
    rows = min(MAX_ROWS, ACTIVATION_BYTES // (4 * widest))
    return max(ROW_BLOCK, rows // ROW_BLOCK * ROW_BLOCK)


def predictor(model, n_features: int):
    """``model``'s forward pass, a function of float32 rows, and its rows per
    call (cached: both are on the path of every predict)."""
    entry = _PREDICTORS.get(model)
    if entry is None:
        function = _onnx_predictor(model, n_features) or _tensorflow_predictor(
            model, n_features
        )
        entry = (function, rows_per_call(model))
        _PREDICTORS[model] = entry
    return entry


@contextlib.contextmanager
def training(model):
    """Around anything that changes ``model``'s weights: its predictor (a
    copy of the weights, for onnxruntime) is dropped, however it ends."""
    try:
        yield
    finally:
        _PREDICTORS.pop(model, None)


def predict_rows(model, X: np.ndarray, flip: bool = False) -> np.ndarray:
    """The network's outputs for the float32 rows ``X``, batch-invariant.

    With ``flip``, each row's outputs are averaged with its mirror image's
    (test-time flips; the exported graph computes the same sum and half).
    """
    if not flip:
        return forward_rows(model, X)[1]
    outputs = forward_rows(model, np.concatenate([X, mirror_images(model, X)]))[1]
    return (outputs[: len(X)] + outputs[len(X) :]) * np.float32(0.5)


def mirror_images(model, X: np.ndarray) -> np.ndarray:
    """The rows ``X`` as images of the network's input shape, flipped left to
    right, as rows again."""
    height, width = model.get_layer("image").target_shape[:2]
    return X.reshape(len(X), height, width)[:, :, ::-1].reshape(len(X), -1)


def forward_rows(model, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The last hidden layer's features and the outputs for the rows ``X``."""
    function, rows = predictor(model, X.shape[1])
    parts = [function(X[i : i + rows]) for i in range(0, len(X), rows)]
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def _onnx_predictor(model, n_features):
    """The network as an onnxruntime session, or None where it has no graph."""
    from ._onnx_graph import NoGraph, network_model

    try:
        import onnxruntime

        graph = network_model(model, n_features).SerializeToString()
    except (ImportError, NoGraph):  # onnx or onnxruntime missing; no graph
        return None
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: no start-up lines
    options.intra_op_num_threads = omp_num_threads() or 0  # 0: onnxruntime's own
    session = onnxruntime.InferenceSession(
        graph, options, providers=["CPUExecutionProvider"]
    )
    return lambda X: tuple(session.run(None, {"X": X}))


def _tensorflow_predictor(model, n_features):
    """The network as a traced TensorFlow function, in blocks of ROW_BLOCK
    (on other backends, Keras' layers on one row at a time: their kernels
    were not probed for a block size that keeps rows apart)."""
    if BACKEND != "tensorflow":
        return lambda X: _layers_row_by_row(model, X)
    function = traced_function(model, n_features)
    return lambda X: _forward(function, X)


def _layers_row_by_row(model, X):
    """The features and outputs of the rows ``X``, each row alone."""
    parts = []
    for i in range(len(X)):
        h = keras.ops.convert_to_tensor(X[i : i + 1])
        for layer in model.layers:
            features, h = h, layer(h, training=False)
        parts.append(
            [keras.ops.convert_to_numpy(t).astype(np.float32) for t in (features, h)]
        )
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def traced_function(model, n_features: int):
    """The network's inference call as a concrete TensorFlow function (also
    the graph TensorBoard shows)."""
    with quiet_tensorflow():
        return _make_predict_fn(model, n_features)


def _forward(function, X):
    """One call of ``function`` on ``X`` padded with zero rows to whole blocks."""
    n = len(X)
    padded = -(-n // ROW_BLOCK) * ROW_BLOCK
    if padded != n:
        X = np.concatenate([X, np.zeros((padded - n, X.shape[1]), X.dtype)])
    if BACKEND == "tensorflow":
        import tensorflow as tf

        X = tf.constant(X)
    features, outputs = function(X)
    return np.asarray(features)[:n], np.asarray(outputs)[:n]


def _make_predict_fn(model, n_features):
    """The network's inference call as one traced, concrete function.

    ``Model.predict`` sets up a data pipeline on every call and
    ``predict_on_batch`` has a per-call cost of its own; a concrete function
    traced once for any batch size runs the same layers with
    ``training=False`` at less cost (see docs/decisions: predict latency).
    """
    import tensorflow as tf

    model_ref = weakref.ref(model)  # the cache must not keep the model alive

    def block(x):
        # The layers one by one, as the model's own call runs them, so the
        # last hidden features come out beside the outputs.
        for layer in model_ref().layers:
            features, x = x, layer(x, training=False)
        # float32, as the ONNX graph's (bfloat16 under mixed_bfloat16).
        features = tf.cast(features, tf.float32)
        return tf.reshape(features, [ROW_BLOCK, -1]), x

    def blockwise(x):  # rows: a whole number of blocks (see _forward)
        def loop():
            blocks = tf.reshape(x, [-1, ROW_BLOCK, n_features])
            out = tf.map_fn(block, blocks, fn_output_signature=(tf.float32,) * 2)
            return tuple(tf.reshape(o, [tf.shape(x)[0], -1]) for o in out)

        # One block (one image) without the loop's overhead: the same kernels.
        return tf.cond(tf.shape(x)[0] == ROW_BLOCK, lambda: block(x), loop)

    function = tf.function(
        blockwise, input_signature=[tf.TensorSpec([None, n_features], tf.float32)]
    )
    return function.get_concrete_function()


class Predictions:
    """The predict methods of skfashion's classifiers (a mixin).

    ``predict_proba`` is the network's softmax, computed by
    :func:`predict_rows`; the estimator provides ``model_``,
    ``_validate_data`` and ``target_encoder_``.
    """

    def _predict_raw(self, X, **kwargs):
        if kwargs:
            raise TypeError(
                f"predict takes no keyword arguments, got {sorted(kwargs)}."
            )
        check_is_fitted(self)
        X, _ = self._validate_data(X, reset=False)
        return predict_rows(self.model_, X, flip=self._test_time_flip())

    def _test_time_flip(self) -> bool:
        """Whether predictions average each image with its mirror image."""
        return False

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, one column per class of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Softmax outputs; rows sum to 1 (in float32).
        """
        return self._predict_raw(X)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of the class probabilities, as MLPClassifier's.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``; -inf where a probability is 0.
        """
        with np.errstate(divide="ignore"):
            return np.log(self._predict_raw(X))

    def predict(self, X) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self._predict_raw(X)
        return self.target_encoder_.inverse_transform(proba)

    def score_samples(self, X) -> np.ndarray:
        """How typical each sample is of the training images; the lower, the
        more abnormal (scikit-learn's outlier detectors' convention).

        The lower of two standardised views: the similarity of the sample's
        last hidden features to their nearest training images' (which
        places images of other things, such as digits, far from every
        garment) and the likelihood of its pixels under the training
        images' (which noise fails). A score below ``offset_`` marks a
        sample as unlike the garments trained on: see
        :func:`~skfashion.is_outlier`. Predictions do not depend on it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            0 at the median of held-out training images; -1 at their 1%
            quantile of the features' view, or at the least typical of them
            in the pixels' view.
        """
        check_is_fitted(self)
        if not hasattr(self, "score_statistics_"):
            raise NotFittedError(
                f"This {type(self).__name__} has no score_samples statistics "
                "(saved by a skfashion version before them, or initialized "
                "without training): fit it again, or call partial_fit on "
                "training images, to get them."
            )
        X, _ = self._validate_data(X, reset=False)
        features = forward_rows(self.model_, X)[0]
        return _novelty.score(self.score_statistics_, features, X)

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on (X, y), as every scikit-learn classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy of ``predict(X)`` against ``y``.
        """
        from sklearn.metrics import accuracy_score

        return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))
