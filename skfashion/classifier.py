"""FashionMLPClassifier: the design's network as a scikit-learn classifier."""

from __future__ import annotations

import os
import time
import uuid
import weakref
from numbers import Integral, Real
from pathlib import Path

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.base import BaseEstimator, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils import ClassifierTags, check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._compat import limit_tf_threads
from .preprocessing import ImageScaler

__all__ = ["FashionMLPClassifier", "make_fashion_pipeline"]

# scikit-learn's MLPClassifier names for activations Keras calls otherwise.
_ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear"}
# Rows per forward pass in predict: large enough to amortise the call, small
# enough to bound the activations' memory (8192 x 512 floats = 16 MiB).
_PREDICT_CHUNK = 8192
# Each network's traced inference function, built on first predict. Kept
# outside the estimator: predict must not change the estimator's __dict__,
# and the function is not picklable. Entries go when their network does.
_PREDICT_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _build_mlp(
    n_features: int,
    n_classes: int,
    hidden_layer_sizes,
    activation,
    dropout: float,
    seed: int,
) -> keras.Model:
    """Dense ReLU stack with a softmax head, every random op explicitly seeded.

    Seeds are passed to each initializer and Dropout layer rather than set
    globally, so building and training touch no global random state.
    """
    rng = np.random.RandomState(seed)

    def next_seed() -> int:
        return int(rng.randint(2**31 - 1))

    layers = [keras.Input(shape=(n_features,), name="pixels")]
    for i, units in enumerate(hidden_layer_sizes):
        layers.append(
            keras.layers.Dense(
                int(units),
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=next_seed()),
                name=f"hidden_{i}",
            )
        )
        if dropout > 0:
            layers.append(
                keras.layers.Dropout(dropout, seed=next_seed(), name=f"dropout_{i}")
            )
    layers.append(
        keras.layers.Dense(
            n_classes,
            activation="softmax",
            kernel_initializer=keras.initializers.GlorotUniform(seed=next_seed()),
            name="output",
        )
    )
    return keras.Sequential(layers, name="fashion_mlp")


def _gpus() -> list:
    import tensorflow as tf

    return tf.config.list_physical_devices("GPU")


def _check_layer_sizes(hidden_layer_sizes) -> tuple[int, ...]:
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes, dtype=object))
    ok = sizes.ndim == 1 and all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    )
    if not ok:
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a sequence of positive "
            f"ints, got {hidden_layer_sizes!r}."
        )
    return tuple(int(s) for s in sizes)


class _OneHotLabels(BaseEstimator):
    """Encode labels as one-hot rows for categorical cross-entropy, and back.

    Replaces SciKeras' ClassifierLabelEncoder, which gives binary problems a
    single sigmoid column and squeezes single-row probabilities to 1-D.
    """

    def __init__(self, classes=None):
        self.classes = classes

    def fit(self, y):
        classes = np.unique(y) if self.classes is None else np.unique(self.classes)
        unknown = np.setdiff1d(np.unique(y), classes)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not in "
                f"classes={classes.tolist()}."
            )
        self.classes_ = classes
        self.n_classes_ = len(classes)
        return self

    def transform(self, y):
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, self.n_classes_ - 1)
        unseen = self.classes_[idx] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not seen in the first fit: "
                f"{np.unique(np.asarray(y)[unseen]).tolist()}; known classes are "
                f"{self.classes_.tolist()}."
            )
        return np.eye(self.n_classes_, dtype=np.float32)[idx]

    def inverse_transform(self, proba, return_proba=False):
        if return_proba:
            return proba
        return self.classes_[np.argmax(proba, axis=1)]

    def get_metadata(self):
        return {
            "classes_": self.classes_,
            "n_classes_": self.n_classes_,
            "n_outputs_": 1,
            "n_outputs_expected_": 1,
        }


class FashionMLPClassifier(KerasClassifier):
    """Multi-layer perceptron classifier in Keras, a scikit-learn citizen.

    The default network is the Fashion-MNIST design: dense 512 -> 256 -> 128
    (ReLU) -> softmax over the classes found in ``y``, trained with Adam on
    categorical cross-entropy of one-hot labels, 15 epochs, batch size 32.
    Built on SciKeras' :class:`~scikeras.wrappers.KerasClassifier`, with what
    today's scikit-learn needs added: classifier tags, ``validate_data``
    checks, parameter validation, seeded determinism that leaves no global
    state behind, stratified validation splits, and silent prediction.

    Inputs are rows of features (for images, see :class:`ImageScaler` and
    :func:`make_fashion_pipeline`).

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(512, 256, 128)
        Units of each hidden Dense layer, as in scikit-learn's
        :class:`~sklearn.neural_network.MLPClassifier`.
    activation : str, default="relu"
        Activation of the hidden layers: any Keras activation name;
        ``"logistic"`` and ``"identity"`` are accepted as MLPClassifier spells
        them.
    dropout : float, default=0.0
        Dropout rate after each hidden layer (0 disables it).
    optimizer : str or keras.optimizers.Optimizer subclass, default="adam"
        The Keras optimizer, by name or class.
    optimizer__learning_rate : float, default=0.001
        The optimizer's learning rate (SciKeras' routed-parameter spelling, so
        ``GridSearchCV`` can search ``clf__optimizer__learning_rate``).
    learning_rate : {"constant", "adaptive"}, default="constant"
        The schedule, as MLPClassifier names it. "adaptive" divides the
        learning rate by 5 each time two consecutive epochs fail to improve
        the validation accuracy (with a hold-out) or the training loss.
    epochs : int, default=15
        Passes over the training data (fewer if ``early_stopping`` stops).
    batch_size : int, default=32
        Samples per gradient step.
    validation_split : float in [0, 1), default=0.0
        Fraction of the training data held out to report ``val_loss`` and
        ``val_accuracy`` in ``history_`` each epoch. Unlike Keras' last-rows
        split, the hold-out is stratified by class and drawn from
        ``random_state`` (it falls back to an unstratified split when a class
        has too few samples to stratify).
    early_stopping : bool, default=False
        Stop when the validation accuracy (MLPClassifier's validation
        score) has not improved for ``n_iter_no_change`` epochs, and restore
        the weights of the best epoch. Needs a hold-out: if
        ``validation_split`` is 0, 10% is held out (MLPClassifier's
        ``validation_fraction`` default).
    n_iter_no_change : int, default=10
        Patience of ``early_stopping``, in epochs.
    shuffle : bool, default=True
        Reshuffle the training data before each epoch.
    steps_per_execution : int, default=32
        Training steps Keras runs per call into the compiled graph. The
        results are the same as with 1 (the same steps, in the same order);
        only the Python overhead between steps goes, which makes an epoch of
        the default network about 25% faster on CPU (see the benchmarks).
    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into ``sample_weight``.
    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks for ``fit``.
    tensorboard_log_dir : str or path-like, default=None
        If set, every ``fit`` logs to TensorBoard in a new run directory
        under it (``tensorboard_run_dir_``), so that the fits of a
        cross-validation or a search never write into each other's logs.
    warm_start : bool, default=False
        Continue training the current network on ``fit`` instead of
        building a new one.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and the
        validation split. An int makes ``fit`` reproducible: two fits on the
        same data give identical weights and predictions (on CPU). Seeds are
        passed to each random operation, so no global NumPy, Python,
        TensorFlow or Keras random state is set or left changed. None draws
        the seeds from NumPy's global random state, as scikit-learn does.
    verbose : int, default=0
        Keras' training output: 0 silent, 1 progress bar, 2 one line per
        epoch. Prediction is always silent.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of ``predict_proba``'s columns.
    n_classes_ : int
        Number of classes (and of output units).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy`` (and ``val_loss``,
        ``val_accuracy`` with a hold-out), as in SciKeras.
    n_iter_ : int
        Number of epochs run by the last fit.
    tensorboard_run_dir_ : str or None
        The TensorBoard run directory of the last fit, if logging.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The same model family in NumPy.
    scikeras.wrappers.KerasClassifier : The SciKeras wrapper this extends.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skfashion import FashionMLPClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = FashionMLPClassifier(hidden_layer_sizes=(16,), epochs=5,
    ...                            random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "optimizer": [str, type],
        "optimizer__learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "steps_per_execution": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "callbacks": [list, None],
        "tensorboard_log_dir": [str, os.PathLike, None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(512, 256, 128),
        activation: str = "relu",
        dropout: float = 0.0,
        optimizer="adam",
        optimizer__learning_rate: float = 0.001,
        learning_rate: str = "constant",
        epochs: int = 15,
        batch_size: int = 32,
        validation_split: float = 0.0,
        early_stopping: bool = False,
        n_iter_no_change: int = 10,
        shuffle: bool = True,
        steps_per_execution: int = 32,
        class_weight=None,
        callbacks=None,
        tensorboard_log_dir=None,
        warm_start: bool = False,
        random_state=None,
        verbose: int = 0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.optimizer = optimizer
        self.optimizer__learning_rate = optimizer__learning_rate
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.steps_per_execution = steps_per_execution
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.tensorboard_log_dir = tensorboard_log_dir
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn's parameter protocol, not SciKeras' ----------------------
    # SciKeras reads parameters from ``vars(self)`` and accepts any routed
    # ``prefix__name``; then ``clone`` silently drops what the signature does
    # not list. Here the signature is the single source of truth.
    _get_param_names = classmethod(BaseEstimator._get_param_names.__func__)

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters, including ``optimizer__learning_rate``.

        Returns
        -------
        self : FashionMLPClassifier
            This estimator.
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                # No parameter holds an estimator, so nothing nests: an unknown
                # ``optimizer__beta_1`` would otherwise be dropped by clone.
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}."
                    f" Valid parameters are: {sorted(valid)!r}."
                )
            setattr(self, key, value)
        return self

    __repr__ = BaseEstimator.__repr__

    def __sklearn_tags__(self):
        tags = BaseEstimator.__sklearn_tags__(self)
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        # With an integer random_state every random op is seeded, and CPU
        # kernels are deterministic (tested); GPU kernels may not be.
        tags.non_deterministic = bool(_gpus())
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    # -- fitting ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None) -> FashionMLPClassifier:
        """Build the network and train it on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings; at least two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; samples of weight 0 are left out.

        Returns
        -------
        self : FashionMLPClassifier
            The fitted classifier.
        """
        self._classes_hint = None
        self._fit(
            X,
            y,
            sample_weight=sample_weight,
            warm_start=self.warm_start,
            epochs=self.epochs,
            initial_epoch=0,
        )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch, keeping the current network if there is one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All classes that will ever be seen; needed on the first call if
            this batch does not contain them all.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : FashionMLPClassifier
            The classifier.
        """
        if not self.initialized_:
            self._classes_hint = classes
        elif classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the classes "
                f"of the first partial_fit call, {self.classes_.tolist()}."
            )
        self._fit(
            X,
            y,
            sample_weight=sample_weight,
            warm_start=True,
            epochs=1,
            initial_epoch=self.current_epoch,
        )
        return self

    def _fit(self, X, y, sample_weight, warm_start, epochs, initial_epoch):
        if y is None:
            raise ValueError(
                "FashionMLPClassifier requires y to be passed, but the target y "
                "is None."
            )
        limit_tf_threads()
        seed_rng = check_random_state(self.random_state)
        self._seed = int(seed_rng.randint(2**31 - 1))
        if (self.warm_start or warm_start) and self.initialized_:
            X, y = self._validate_data(X, y, reset=False)
        else:
            X, y = self._initialize(X, y)
        X, y, sample_weight = self._validate_sample_weight(X, y, sample_weight)
        self._fit_keras_model(
            X,
            self.target_encoder_.transform(y),
            sample_weight=sample_weight,
            warm_start=warm_start,
            epochs=epochs,
            initial_epoch=initial_epoch,
        )

    def _validate_data(self, X=None, y=None, reset=False):
        """scikit-learn's ``validate_data``, replacing SciKeras' own checks."""
        if y is None:
            X = validate_data(self, X, reset=reset, dtype=[np.float32, np.float64])
            return X.astype(np.float32, copy=False), None
        X, y = validate_data(
            self, X, y, reset=reset, dtype=[np.float32, np.float64], y_numeric=False
        )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset and self._classes_hint is None and np.unique(y).size < 2:
            raise ValueError(
                "FashionMLPClassifier needs samples of at least 2 classes in y; "
                f"got only one class: {np.unique(y).tolist()}."
            )
        return X.astype(np.float32, copy=False), y

    def _validate_sample_weight(self, X, y, sample_weight):
        """Fold in class_weight; drop zero-weight samples as if removed."""
        if self.class_weight is not None:
            cw = compute_sample_weight(self.class_weight, y)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        if sample_weight is None:
            return X, y, None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        keep = sample_weight > 0
        if np.unique(y[keep]).size < 2 and self._classes_hint is None:
            raise ValueError(
                "FashionMLPClassifier needs samples of at least 2 classes with "
                "non-zero sample_weight."
            )
        if np.all(sample_weight == 1):
            return X, y, None
        return X[keep], y[keep], sample_weight[keep]

    @property
    def target_encoder(self):
        """One-hot encoder of the labels (SciKeras' hook)."""
        return _OneHotLabels(classes=getattr(self, "_classes_hint", None))

    def _initialize_callbacks(self):
        # Callbacks are assembled per fit in _fit_keras_model.
        self._fit_callbacks = []
        self._predict_callbacks = []

    def _build_keras_model(self) -> keras.Model:
        activation = _ACTIVATION_ALIASES.get(self.activation, self.activation)
        try:
            keras.activations.get(activation)
        except ValueError as exc:
            raise ValueError(
                f"activation={self.activation!r} is not a Keras activation "
                "(e.g. 'relu', 'tanh', 'logistic', 'gelu')."
            ) from exc
        try:
            optimizer = keras.optimizers.get(self.optimizer)
            if isinstance(optimizer, type):
                optimizer = optimizer()
        except ValueError as exc:
            raise ValueError(
                f"optimizer={self.optimizer!r} is not a Keras optimizer "
                "(e.g. 'adam', 'sgd', 'rmsprop')."
            ) from exc
        optimizer.learning_rate = float(self.optimizer__learning_rate)
        model = _build_mlp(
            self.n_features_in_,
            self.n_classes_,
            _check_layer_sizes(self.hidden_layer_sizes),
            activation,
            float(self.dropout),
            self._seed,
        )
        model.compile(
            optimizer=optimizer,
            loss="categorical_crossentropy",
            metrics=["accuracy"],
            steps_per_execution=self.steps_per_execution,
        )
        return model

    def _split_validation(self, X, y, sample_weight, seed):
        fraction = self.validation_split
        if self.early_stopping and fraction == 0:
            fraction = 0.1
        if fraction == 0:
            return (X, y, sample_weight), None
        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        labels = np.argmax(y, axis=1)
        try:
            parts = train_test_split(
                *arrays, test_size=fraction, random_state=seed, stratify=labels
            )
        except ValueError:  # a class too small to stratify: split plainly
            parts = train_test_split(*arrays, test_size=fraction, random_state=seed)
        train, val = parts[0::2], parts[1::2]
        if sample_weight is None:
            train, val = (*train, None), (*val, None)
        return tuple(train), tuple(val)

    def _callbacks(self, has_validation: bool):
        callbacks = []
        for cb in self.callbacks or []:
            callbacks.append(cb() if isinstance(cb, type) else cb)
        if self.learning_rate == "adaptive":
            callbacks.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor="val_accuracy" if has_validation else "loss",
                    mode="max" if has_validation else "min",
                    factor=0.2,
                    patience=2,
                )
            )
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_accuracy",
                    mode="max",
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                )
            )
        self.tensorboard_run_dir_ = None
        if self.tensorboard_log_dir is not None:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            run = f"run-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            run_dir = Path(self.tensorboard_log_dir) / run
            self.tensorboard_run_dir_ = str(run_dir)
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run_dir)))
        return callbacks

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        rng = np.random.RandomState(self._seed)
        split_seed, shuffle_seed = (int(s) for s in rng.randint(2**31 - 1, size=2))
        train, val = self._split_validation(X, y, sample_weight, split_seed)
        dataset = _dataset(*train, self.batch_size, self.shuffle, shuffle_seed)
        validation = None
        if val is not None:
            validation = _dataset(*val, 4096, shuffle=False, seed=None)
        hist = self.model_.fit(
            dataset,
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            validation_data=validation,
            callbacks=self._callbacks(has_validation=val is not None),
            shuffle=False,  # the dataset shuffles, with its own seed
            verbose=self.verbose,
        )
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = {}
        for key, values in hist.history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_iter_ = len(hist.history.get("loss", []))

    # -- prediction ------------------------------------------------------------
    def _predict_raw(self, X, **kwargs):
        if kwargs:
            raise TypeError(
                f"predict takes no keyword arguments, got {sorted(kwargs)}."
            )
        check_is_fitted(self)
        X, _ = self._validate_data(X, reset=False)
        predict_fn = _PREDICT_FUNCTIONS.get(self.model_)
        if predict_fn is None:
            predict_fn = _make_predict_fn(self.model_, self.n_features_in_)
            _PREDICT_FUNCTIONS[self.model_] = predict_fn
        outputs = [
            _forward(predict_fn, X[i : i + _PREDICT_CHUNK])
            for i in range(0, len(X), _PREDICT_CHUNK)
        ]
        return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)

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


def _forward(predict_fn, X):
    """One compiled forward pass, with the same numbers whatever the batch size.

    A single row would take the matrix-vector kernel, whose rounding differs
    from the matrix-matrix one in the last bits; it is sent as two identical
    rows so that one image gets exactly the probabilities it gets in a batch.
    """
    import tensorflow as tf

    n = len(X)
    if n == 1:
        X = np.repeat(X, 2, axis=0)
    return predict_fn(tf.constant(X)).numpy()[:n]


def _make_predict_fn(model, n_features):
    """The network's inference call as one traced, concrete function.

    ``Model.predict`` sets up a data pipeline on every call (about 45 ms for
    one image), ``predict_on_batch`` still costs about 0.7 ms; calling the
    concrete function of a ``tf.function`` traced once for any batch size
    about 0.5 ms. The numbers are the same: the same layers with
    ``training=False``.
    """
    import tensorflow as tf

    model_ref = weakref.ref(model)  # the cache must not keep the model alive
    function = tf.function(
        lambda x: model_ref()(x, training=False),
        input_signature=[tf.TensorSpec([None, n_features], tf.float32)],
    )
    return function.get_concrete_function()


def _dataset(X, y, sample_weight, batch_size, shuffle, seed):
    """A tf.data pipeline over the arrays, shuffled by index with a fixed seed.

    Shuffling indices (not rows) keeps one copy of X; an explicit op seed
    makes the epoch orders reproducible without any global seed.
    """
    import tensorflow as tf

    tensors = (X, y) if sample_weight is None else (X, y, sample_weight)
    tensors = tuple(tf.constant(t) for t in tensors)
    n = len(X)
    ds = tf.data.Dataset.range(n)
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    ds = ds.map(lambda idx: tuple(tf.gather(t, idx) for t in tensors))
    return ds.prefetch(tf.data.AUTOTUNE)


def make_fashion_pipeline(**classifier_params) -> Pipeline:
    """The design's pipeline: ``ImageScaler`` then ``FashionMLPClassifier``.

    Parameters
    ----------
    **classifier_params : dict
        Parameters of :class:`FashionMLPClassifier`.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"scale"`` (``ImageScaler(image_shape=(28, 28))``) and
        ``"clf"``; search its parameters as ``clf__<name>``.

    Examples
    --------
    >>> from skfashion import make_fashion_pipeline
    >>> make_fashion_pipeline(epochs=2).named_steps["clf"].epochs
    2
    """
    return Pipeline(
        [
            ("scale", ImageScaler(image_shape=(28, 28))),
            ("clf", FashionMLPClassifier(**classifier_params)),
        ]
    )
