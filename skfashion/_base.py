"""What every skfashion classifier shares, on top of SciKeras' KerasClassifier.

The scikit-learn protocol: parameters, tags, validation, fit, partial_fit,
predict and score, and the seeds of a fit. The input pipeline lives in
``_data``, the predict path in ``_inference``, callbacks in ``_callbacks``.
A concrete estimator adds its own parameters, its docstring and
``_network``.
"""

from __future__ import annotations

import math
import os
import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    column_or_1d,
    validate_data,
)

from . import _callbacks, _data, _inference, _novelty
from ._compat import (
    BACKEND,
    ScikitLearnKerasClassifier,
    keras,
    limit_tf_threads,
    native_bfloat16,
    on_accelerator,
)
from ._labels import OneHotLabels, check_one_label_per_row
from ._validation import validate_rows
from .preprocessing import _check_not_single


class _Seeds(NamedTuple):
    """One integer seed per random part of a fit."""

    network: int  # initialisers, dropout, augmentation
    split: int  # the validation hold-out
    shuffle: int  # the order of the training samples, per epoch
    scores: int  # the images score_samples compares with


def _seeds(random_state) -> _Seeds:
    """Draw the seeds of one fit from ``random_state`` (scikit-learn's meaning).

    An int gives the same seeds in every process, whatever global seeds
    NumPy, TensorFlow or Keras were given; None draws them from NumPy's
    global random state; a RandomState instance advances with each fit.
    """
    rng = check_random_state(random_state)
    return _Seeds(*(int(s) for s in rng.randint(2**31 - 1, size=len(_Seeds._fields))))


class FashionClassifierBase(_inference.Predictions, ScikitLearnKerasClassifier):
    """Base class of skfashion's classifiers; not for direct use.

    Subclasses define ``__init__`` (their own parameters, then the shared
    ones passed to this ``__init__``), ``_parameter_constraints`` and
    ``_network(n_features, n_classes, seed)``.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "optimizer": [str, type],
        "optimizer__learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "adaptive", "cosine"})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "steps_per_execution": [Interval(Integral, 1, None, closed="left")],
        "jit_compile": ["boolean", StrOptions({"auto"})],
        "dtype_policy": [StrOptions({"auto", "float32", "mixed_bfloat16"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "callbacks": [list, None],
        "tensorboard_log_dir": [str, os.PathLike, None],
        "tensorboard_histogram_freq": [Interval(Integral, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "contamination": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        alpha,
        label_smoothing,
        optimizer,
        optimizer__learning_rate,
        learning_rate,
        epochs,
        batch_size,
        validation_split,
        early_stopping,
        n_iter_no_change,
        shuffle,
        steps_per_execution,
        jit_compile,
        dtype_policy,
        class_weight,
        callbacks,
        tensorboard_log_dir,
        tensorboard_histogram_freq,
        warm_start,
        contamination,
        random_state,
        verbose,
    ):
        self.alpha = alpha
        self.label_smoothing = label_smoothing
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
        self.jit_compile = jit_compile
        self.dtype_policy = dtype_policy
        self.class_weight = class_weight
        self.callbacks = callbacks
        self.tensorboard_log_dir = tensorboard_log_dir
        self.tensorboard_histogram_freq = tensorboard_histogram_freq
        self.warm_start = warm_start
        self.contamination = contamination
        self.random_state = random_state
        self.verbose = verbose

    # -- fitting ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
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
        self : estimator
            The fitted classifier.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            classes=None,
            keep_network=self.warm_start,
            epochs=self.epochs,
            initial_epoch=0,
        )

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
        self : estimator
            The classifier.
        """
        if (
            self.initialized_
            and classes is not None
            and not np.array_equal(np.unique(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the classes "
                f"of the first partial_fit call, {self.classes_.tolist()}."
            )
        return self._fit(
            X,
            y,
            sample_weight,
            classes=classes,
            keep_network=True,
            epochs=1,
            initial_epoch=self.current_epoch,
        )

    def initialize(self, X, y, classes=None):
        """Build the network for (X, y) without training it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples, to set ``n_features_in_``.
        y : array-like of shape (n_samples,)
            Labels, to set ``classes_`` (unless ``classes`` is given).
        classes : array-like of shape (n_classes,), default=None
            All classes, if ``y`` does not hold them all.

        Returns
        -------
        self : estimator
            The classifier, with an untrained network.
        """
        self._validate_params()
        if y is None:
            raise ValueError(f"{type(self).__name__}.initialize needs y.")
        limit_tf_threads()
        self._initialize(
            X,
            y,
            classes=classes,
            seed=_seeds(self.random_state).network,
            epochs=self.epochs,
        )
        return self

    def _fit(
        self, X, y, sample_weight, *, classes, keep_network, epochs, initial_epoch
    ):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        limit_tf_threads()
        seeds = _seeds(self.random_state)
        new_network = not (keep_network and self.initialized_)
        if new_network:
            if self._dtype_policy() == "mixed_bfloat16" and not (
                native_bfloat16() or on_accelerator()
            ):
                warnings.warn(
                    "dtype_policy='mixed_bfloat16': bfloat16 is native only to "
                    "TensorFlow's oneDNN kernels on a CPU with AVX512_BF16 or AMX; "
                    "emulated here, it trains slower than float32 (the CNN up to "
                    "8 times; see the design decisions: bfloat16 training). "
                    "dtype_policy='auto' chooses float32 here.",
                    UserWarning,
                    stacklevel=4,  # the caller of fit or partial_fit
                )
            X, y = self._initialize(
                X, y, classes=classes, seed=seeds.network, epochs=epochs
            )
        else:
            X, y = self._validate_data(X, y, reset=False)
        X, y, sample_weight = self._validate_sample_weight(
            X, y, sample_weight, need_two_classes=new_network and classes is None
        )
        held_out = self._train(
            X,
            self.target_encoder_.transform(y),
            sample_weight,
            seeds=seeds,
            epochs=epochs,
            initial_epoch=initial_epoch,
        )
        self._fit_scores(X, held_out, seeds.scores)
        return self

    def _fit_scores(self, X, held_out, seed) -> None:
        """Fit ``score_samples``' statistics and ``offset_`` on the images of
        this fit, through the network just trained."""
        references, calibration = _novelty.split(len(X), held_out, seed)
        pixels = X[np.concatenate([references, calibration])]
        features = _inference.forward_rows(self.model_, pixels)[0]
        n = len(references)
        self.score_statistics_, self.offset_ = _novelty.fit(
            features[:n], pixels[:n], features[n:], pixels[n:], self.contamination
        )

    def _initialize(self, X, y, *, classes=None, seed=0, epochs=1):
        """Validate (X, y), fit the label encoder and build a new network
        compiled for ``epochs`` epochs on X."""
        X, y = self._validate_data(X, y, reset=True, need_two_classes=classes is None)
        self._set_classes(y, classes)
        n_steps = self._train_steps(len(X), epochs)
        network = self._network(self.n_features_in_, self.n_classes_, seed)
        self.model_ = self._compile(network, n_steps=n_steps)
        return X, y

    def restore_fitted(
        self,
        *,
        classes,
        history,
        n_iter,
        tensorboard_run_dir,
        read_variables,
        offset=None,
        read_statistics=None,
    ):
        """Make this estimator the fitted one a model file describes.

        :func:`skfashion.load_model` calls it; there is no other use.

        Parameters
        ----------
        classes : ndarray of shape (n_classes,)
            The fitted ``classes_``.
        history : dict of str to list of float
            The fitted ``history_``.
        n_iter : int
            The fitted ``n_iter_``.
        tensorboard_run_dir : str or None
            The fitted ``tensorboard_run_dir_``.
        read_variables : callable
            ``read_variables(group, variables)`` returns the saved arrays of
            ``group`` ("variables" or "optimizer"), checked against the
            shapes and dtypes of ``variables``, the rebuilt network's.
        offset : float or None, default=None
            The fitted ``offset_``.
        read_statistics : callable or None, default=None
            ``read_statistics(shapes)`` returns the saved
            ``score_statistics_`` checked against ``shapes`` (name to
            (shape, dtype); a shape's ``None`` row count is the saved one),
            or None where the file has none.

        Returns
        -------
        self : estimator
            The fitted classifier.
        """
        self._set_classes(classes, classes)
        self.history_ = history
        self.n_iter_ = n_iter
        self.tensorboard_run_dir_ = tensorboard_run_dir
        model = self._compile(
            self._network(self.n_features_in_, self.n_classes_, seed=0)
        )
        model.optimizer.build(model.trainable_variables)
        for group, variables in (
            ("variables", model.variables),
            ("optimizer", model.optimizer.variables),
        ):
            arrays = read_variables(group, variables)
            for variable, array in zip(variables, arrays, strict=True):
                variable.assign(array)
        self.model_ = model
        shapes = _novelty.shapes(
            None, model.layers[-1].kernel.shape[0], self.n_features_in_
        )
        statistics = read_statistics(shapes) if read_statistics else None
        if statistics is not None:
            self.score_statistics_, self.offset_ = statistics, float(offset)
        return self

    def build_network(
        self, n_features: int, n_classes: int, *, seed: int = 0
    ) -> keras.Model:
        """The uncompiled network these parameters describe, untrained.

        What ``fit`` trains; for use with Keras directly (the benchmarks fit
        it with plain Keras, on any backend).

        Parameters
        ----------
        n_features : int
            Input width (784 for Fashion-MNIST rows).
        n_classes : int
            Output units.
        seed : int, default=0
            Seeds every initialiser, dropout and augmentation layer.

        Returns
        -------
        model : keras.Model
            The network; its class trains several batches per step (the
            estimators' loop), so for Keras' own ``fit`` on another backend
            rebuild it with ``keras.Sequential.from_config(model.get_config())``.
        """
        self._validate_params()
        return self._network(n_features, n_classes, seed)

    def _network(self, n_features: int, n_classes: int, seed: int) -> keras.Model:
        raise NotImplementedError  # pragma: no cover - each estimator defines it

    def _set_classes(self, y, classes) -> None:
        """Fit the label encoder and set ``classes_`` and the attributes it gives."""
        self.target_encoder_ = OneHotLabels(classes=classes).fit(y)
        for key, value in self.target_encoder_.get_metadata().items():
            setattr(self, key, value)

    def _train_steps(self, n_samples: int, epochs: int) -> int:
        """About how many training steps a fit of ``epochs`` epochs on
        ``n_samples`` rows runs (the hold-out left out)."""
        n_train = n_samples * (1 - self._validation_fraction())
        return epochs * math.ceil(n_train / self.batch_size)

    # dtype_policy="auto": whether mixed_bfloat16 was measured faster and as
    # accurate where bfloat16 is native; each estimator says.
    _BFLOAT16_PAYS = False

    def _dtype_policy(self) -> str:
        """The Keras dtype policy of a new network: ``dtype_policy``, with
        "auto" resolved for this machine."""
        if self.dtype_policy != "auto":
            return self.dtype_policy
        native = self._BFLOAT16_PAYS and native_bfloat16()
        return "mixed_bfloat16" if native else "float32"

    def _xla_pays_on_cpu(self, n_steps: int) -> bool:
        """Whether XLA was measured to speed up a fit of ``n_steps`` training
        steps on CPU (``jit_compile="auto"``); each estimator says."""
        return False

    def _jit_compile(self, n_steps: int) -> bool | str:
        """The ``jit_compile`` to hand Keras for a fit of ``n_steps`` steps:
        "auto" is Keras' rule (XLA only where a GPU is present) unless XLA
        pays on CPU too."""
        if self.jit_compile != "auto":
            return self.jit_compile
        pays = BACKEND == "tensorflow" and self._xla_pays_on_cpu(n_steps)
        return True if pays else "auto"

    def _compile(self, model: keras.Model, n_steps: int = 0) -> keras.Model:
        try:
            if isinstance(self.optimizer, type) and issubclass(
                self.optimizer, keras.optimizers.Optimizer
            ):
                optimizer = self.optimizer()
            else:
                optimizer = keras.optimizers.get(self.optimizer)
        except ValueError as exc:
            raise ValueError(
                f"optimizer={self.optimizer!r} is not a Keras optimizer "
                "(e.g. 'adam', 'sgd', 'rmsprop')."
            ) from exc
        optimizer.learning_rate = float(self.optimizer__learning_rate)
        model.compile(
            optimizer=optimizer,
            loss=self._loss(),
            metrics=["accuracy"],
            # On TensorFlow the network's own step runs steps_per_execution
            # batches (_data.fit_inputs); on JAX Keras' loop does; Keras'
            # PyTorch trainer runs one batch per call.
            steps_per_execution=self.steps_per_execution if BACKEND == "jax" else 1,
            jit_compile=self._jit_compile(n_steps),
        )
        return model

    def _loss(self):
        if not self.label_smoothing:  # the design's loss, as it names it
            return "categorical_crossentropy"
        return keras.losses.CategoricalCrossentropy(
            label_smoothing=float(self.label_smoothing)
        )

    def _l2(self) -> float:
        """Keras' L2 factor for MLPClassifier's ``alpha``.

        MLPClassifier adds ``alpha / 2 * ||W||^2 / batch_size`` to each
        batch's mean loss; Keras adds ``l2 * ||W||^2``.
        """
        return float(self.alpha) / (2 * self.batch_size)

    def _validate_data(self, X=None, y=None, reset=False, need_two_classes=False):
        """scikit-learn's ``validate_data``, replacing SciKeras' own checks."""
        _check_not_single(X)
        if y is None:
            X = (
                validate_data(self, X, reset=True, dtype=[np.float32, np.float64])
                if reset
                else validate_rows(self, X)
            )
            return X.astype(np.float32, copy=False), None
        check_one_label_per_row(y)
        X, y = validate_data(
            self, X, y, reset=reset, dtype=[np.float32, np.float64], y_numeric=False
        )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if need_two_classes and np.unique(y).size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y; "
                f"got only one class: {np.unique(y).tolist()}."
            )
        return X.astype(np.float32, copy=False), y

    def _validate_sample_weight(self, X, y, sample_weight, need_two_classes=False):
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
        if need_two_classes and np.unique(y[keep]).size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with "
                "non-zero sample_weight."
            )
        if np.all(sample_weight == 1):
            return X, y, None
        return X[keep], y[keep], sample_weight[keep]

    def _validation_fraction(self) -> float:
        """The share of rows held out: ``validation_split``, or 10% (as
        MLPClassifier) when ``early_stopping`` needs a hold-out and it is 0."""
        if self.early_stopping and self.validation_split == 0:
            return 0.1
        return self.validation_split

    def _fit_callbacks(self, has_validation: bool) -> list:
        graph = None
        if self.tensorboard_log_dir is not None and BACKEND == "tensorflow":
            graph = _inference.traced_function(self.model_, self.n_features_in_).graph
        callbacks, run_dir = _callbacks.fit_callbacks(self, has_validation, graph)
        self.tensorboard_run_dir_ = run_dir
        return callbacks

    def _train(self, X, Y, sample_weight, *, seeds, epochs, initial_epoch):
        """Train the network; return the hold-out's row indices (None if none)."""
        train_idx, val_idx = _data.split_validation(
            Y, self._validation_fraction(), seeds.split
        )
        arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
        dataset, validation, order_callbacks = _data.fit_inputs(
            self.model_,
            arrays,
            train_idx,
            val_idx,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            seed=seeds.shuffle,
            steps=self.steps_per_execution,
            rows=_inference.rows_per_call(self.model_),
        )
        with _callbacks.quiet_tensorflow(), _inference.training(self.model_):
            hist = self.model_.fit(
                dataset,
                epochs=initial_epoch + epochs,
                initial_epoch=initial_epoch,
                validation_data=validation,
                callbacks=order_callbacks + self._fit_callbacks(val_idx is not None),
                shuffle=False,  # the dataset orders each epoch, with its own seed
                verbose=self.verbose,
            )
        if initial_epoch == 0 or not hasattr(self, "history_"):
            self.history_ = {}
        for key, values in hist.history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_iter_ = len(hist.history.get("loss", []))
        return val_idx
