"""FashionMLPClassifier and FashionCNNClassifier: parameters, docs, builders.

What both share (the scikit-learn protocol, seeds, the validation split,
the input pipeline, callbacks and the fast predict path) lives in
``_base.py``; the networks are built by the plain functions of
``networks.py``.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import FashionClassifierBase
from ._compat import keras
from ._defaults import CNN as _CNN
from ._defaults import MLP as _MLP
from ._docs import shared_parameter_docs
from .datasets import IMAGE_SHAPE
from .networks import build_cnn, build_mlp, check_layer_sizes
from .preprocessing import ImageScaler

__all__ = [
    "FashionCNNClassifier",
    "FashionMLPClassifier",
    "is_outlier",
    "make_fashion_pipeline",
]


@shared_parameter_docs
class FashionMLPClassifier(FashionClassifierBase):
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
    {shared:optimizer}
    learning_rate : {"constant", "adaptive", "cosine"}, default="constant"
        The schedule. "adaptive" (MLPClassifier's name) divides the learning
        rate by 5 each time two consecutive epochs fail to improve the
        validation accuracy (with a hold-out) or the training loss. "cosine"
        anneals it each epoch from ``optimizer__learning_rate`` towards 0 at
        the last of ``epochs`` (cosine annealing).
    epochs : int, default=15
        Passes over the training data (fewer if ``early_stopping`` stops).
    batch_size : int, default=32
        Samples per gradient step.
    {shared:training}
    jit_compile : bool or "auto", default="auto"
        Compile the training step with XLA (Keras' ``jit_compile``), which
        fuses the step's small operations (the Adam updates above all) for
        a few seconds of compilation per fit, and runs dropout slowly on the
        CPU. "auto" uses it for fits of at least 3,000 training steps (15
        epochs of 6,400 images at batch 32) without dropout, where it pays
        for itself, and otherwise follows Keras' rule (XLA only where a GPU
        is present). Results differ from those without XLA in the last bits.
    dtype_policy : {"auto", "float32", "mixed_bfloat16"}, default="auto"
        Keras' dtype policy of the network's layers in training; the
        softmax layer computes in float32, and ``predict`` runs the float32
        weights (onnxruntime). "auto" is "float32": bfloat16 made the MLP's
        fits slower even where the CPU computes it natively (see the design
        decisions). "mixed_bfloat16" on a CPU without native bfloat16 warns.
    {shared:run}


    {shared:attributes}

    See Also
    --------
    FashionCNNClassifier : A convolutional network, more accurate on images.
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

    # jit_compile="auto": XLA on the CPU from this many steps, without dropout
    # (see docs/decisions: XLA on the CPU).
    _XLA_MIN_STEPS = 3000

    _parameter_constraints: dict = {
        **FashionClassifierBase._parameter_constraints,
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=_MLP["hidden_layer_sizes"],
        activation: str = _MLP["activation"],
        dropout: float = _MLP["dropout"],
        alpha: float = _MLP["alpha"],
        label_smoothing: float = _MLP["label_smoothing"],
        optimizer=_MLP["optimizer"],
        optimizer__learning_rate: float = _MLP["optimizer__learning_rate"],
        learning_rate: str = _MLP["learning_rate"],
        epochs: int = _MLP["epochs"],
        batch_size: int = _MLP["batch_size"],
        validation_split: float = _MLP["validation_split"],
        early_stopping: bool = _MLP["early_stopping"],
        n_iter_no_change: int = _MLP["n_iter_no_change"],
        shuffle: bool = _MLP["shuffle"],
        steps_per_execution: int = _MLP["steps_per_execution"],
        jit_compile: bool | str = _MLP["jit_compile"],
        dtype_policy: str = _MLP["dtype_policy"],
        class_weight=_MLP["class_weight"],
        callbacks=_MLP["callbacks"],
        tensorboard_log_dir=_MLP["tensorboard_log_dir"],
        tensorboard_histogram_freq: int = _MLP["tensorboard_histogram_freq"],
        warm_start: bool = _MLP["warm_start"],
        contamination: float = _MLP["contamination"],
        random_state=_MLP["random_state"],
        verbose: int = _MLP["verbose"],
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        super().__init__(
            alpha=alpha,
            label_smoothing=label_smoothing,
            optimizer=optimizer,
            optimizer__learning_rate=optimizer__learning_rate,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            validation_split=validation_split,
            early_stopping=early_stopping,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            steps_per_execution=steps_per_execution,
            jit_compile=jit_compile,
            dtype_policy=dtype_policy,
            class_weight=class_weight,
            callbacks=callbacks,
            tensorboard_log_dir=tensorboard_log_dir,
            tensorboard_histogram_freq=tensorboard_histogram_freq,
            warm_start=warm_start,
            contamination=contamination,
            random_state=random_state,
            verbose=verbose,
        )

    def _xla_pays_on_cpu(self, n_steps: int) -> bool:
        return self.dropout == 0 and n_steps >= self._XLA_MIN_STEPS

    def _network(self, n_features: int, n_classes: int, seed: int) -> keras.Model:
        return build_mlp(
            n_features,
            n_classes,
            hidden_layer_sizes=check_layer_sizes(self.hidden_layer_sizes),
            activation=self.activation,
            dropout=float(self.dropout),
            l2=self._l2(),
            dtype_policy=self._dtype_policy(),
            seed=seed,
        )


@shared_parameter_docs
class FashionCNNClassifier(FashionClassifierBase):
    """Convolutional neural network classifier in Keras, a scikit-learn citizen.

    Takes rows of features like every scikit-learn estimator (the output of
    :class:`ImageScaler`, shape (n, 784) for Fashion-MNIST), reshapes each
    row into an image of ``image_shape`` and classifies it with
    convolutional blocks (``Conv2D``, batch normalisation, ReLU, max
    pooling, dropout), a dense layer and a softmax. Everything else is
    :class:`FashionMLPClassifier`'s: the same fitting, seeding, validation
    split, early stopping, TensorBoard logging, persistence and prediction.

    Rows that form no image (any number of features that is not a perfect
    square, without ``image_shape``) are treated as 1 x n images, so the
    estimator works on any table of numbers.

    Parameters
    ----------
    image_shape : tuple of (int, int) or None, default=None
        (height, width) of each image; height x width must equal the number
        of features. None infers it: a square if the number of features is a
        perfect square (784 -> 28 x 28), else one row (1 x n).
    filters : array-like of int or of sequences of int, default=(16, (64, 64))
        Filters of each convolutional block (one block per entry). A block
        given as a sequence has one convolution per entry: ``((32, 32), (64,
        64))`` is two blocks of two convolutions; the default is a block of
        one convolution (16 filters), then a block of two (64 each).
    kernel_size : int, default=3
        Side of the square convolution kernels.
    padding : {"valid", "same"} or array-like of them or of array-likes of \
            them, default=("same", ("valid", "same"))
        Padding of each block's convolutions, one entry per block; the last
        entry also serves the blocks after it, and a single string serves
        all. A block's entry may be a sequence, one per convolution of the
        block (its last entry serving the rest). The default keeps the
        image's size in the first block (border pixels count), then the
        second block's first convolution drops a border ("valid", 14 -> 12)
        and its second keeps 12 x 12 ("same"): the configuration that
        measured best for its time (see the design decisions).
    hidden_layer_sizes : array-like of int, default=(256,)
        Units of the dense ReLU layers between the convolutions and the
        softmax (may be empty).
    dropout : float, default=0.25
        Dropout rate after each block and each dense layer (0 disables it).
    batch_normalization : bool, default=True
        Batch normalisation after each convolution.
    augment : bool, default=False
        Random shifts (up to ``shift_range`` of the height and width) and
        horizontal flips of the training images, drawn anew each epoch from
        ``random_state``. Keras preprocessing layers inside the network:
        active in training only, so prediction is unchanged. It gains only
        in long fits of a large network (the preset ``cnn-augmented``, 24
        epochs); in 12-16 epochs it lowered accuracy.
    shift_range : float, default=0.05
        With ``augment=True``, the largest random shift as a fraction of the
        height and of the width (Keras' ``RandomTranslation`` factors; 0.05
        is 1.4 pixels of 28); 0 flips only. Larger shifts need more epochs
        for the same accuracy.
    random_erasing : float in [0, 1], default=0.0
        The probability that a training image gets one rectangle at a
        random place (each side 14% to 57% of the image's) replaced by
        noise, drawn anew each epoch from ``random_state`` (random erasing,
        Zhong et al. 2017; Keras' ``RandomErasing``). Active in training
        only, with or without ``augment``; 0 leaves it out of the network.
    test_time_flip : bool, default=False
        Predict each image as the mean of the network's probabilities for
        it and for its mirror image (left to right): test-time flips, for
        networks trained with ``augment``'s flips. Twice the work per
        image; ``score_samples`` reads the image as given. Can be set after
        fitting (``set_params``), and :func:`~skfashion.export_onnx`
        exports it.
    {shared:optimizer}
    learning_rate : {"constant", "adaptive", "cosine"}, default="cosine"
        The schedule. "adaptive" (MLPClassifier's name) divides the learning
        rate by 5 each time two consecutive epochs fail to improve the
        validation accuracy (with a hold-out) or the training loss. "cosine"
        anneals it each epoch from ``optimizer__learning_rate`` towards 0 at
        the last of ``epochs`` (cosine annealing).
    epochs : int, default=12
        Passes over the training data (fewer if ``early_stopping`` stops).
    batch_size : int, default=64
        Samples per gradient step.
    {shared:training}
    jit_compile : bool or "auto", default="auto"
        Compile the training step with XLA (Keras' ``jit_compile``). "auto"
        follows Keras' rule: XLA only where a GPU is present (on the CPU,
        XLA's convolutions are several times slower).
    dtype_policy : {"auto", "float32", "mixed_bfloat16"}, default="auto"
        Keras' dtype policy of the network's layers in training:
        "mixed_bfloat16" computes in bfloat16 with float32 weights; the
        softmax layer computes in float32, and ``predict`` runs the float32
        weights (onnxruntime). "auto" chooses "mixed_bfloat16" where the CPU
        computes bfloat16 natively (TensorFlow with its oneDNN kernels, on a
        CPU with AVX512_BF16 or AMX), where it was measured faster and as
        accurate, and "float32" everywhere else (see the design decisions).
        "mixed_bfloat16" on a CPU without native bfloat16 warns: it is
        emulated there, and slower.
    {shared:run}


    {shared:attributes}

    See Also
    --------
    FashionMLPClassifier : The design's dense network.
    scikeras.wrappers.KerasClassifier : The SciKeras wrapper this extends.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import FashionCNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.rand(60, 64), np.arange(60) % 2  # 60 images of 8 x 8
    >>> clf = FashionCNNClassifier(filters=(4,), hidden_layer_sizes=(),
    ...                            epochs=2, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    # dtype_policy="auto": mixed_bfloat16 where bfloat16 is native (see
    # docs/decisions: bfloat16 training).
    _BFLOAT16_PAYS = True

    _parameter_constraints: dict = {
        **FashionClassifierBase._parameter_constraints,
        "image_shape": [tuple, list, None],
        "filters": ["array-like", Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "padding": [StrOptions({"valid", "same"}), "array-like"],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_normalization": ["boolean"],
        "augment": ["boolean"],
        "shift_range": [Interval(Real, 0, 1, closed="left")],
        "random_erasing": [Interval(Real, 0, 1, closed="both")],
        "test_time_flip": ["boolean"],
    }

    def __init__(
        self,
        image_shape: tuple[int, int] | None = _CNN["image_shape"],
        filters=_CNN["filters"],
        kernel_size: int = _CNN["kernel_size"],
        padding=_CNN["padding"],
        hidden_layer_sizes=_CNN["hidden_layer_sizes"],
        dropout: float = _CNN["dropout"],
        batch_normalization: bool = _CNN["batch_normalization"],
        augment: bool = _CNN["augment"],
        shift_range: float = _CNN["shift_range"],
        random_erasing: float = _CNN["random_erasing"],
        test_time_flip: bool = _CNN["test_time_flip"],
        alpha: float = _CNN["alpha"],
        label_smoothing: float = _CNN["label_smoothing"],
        optimizer=_CNN["optimizer"],
        optimizer__learning_rate: float = _CNN["optimizer__learning_rate"],
        learning_rate: str = _CNN["learning_rate"],
        epochs: int = _CNN["epochs"],
        batch_size: int = _CNN["batch_size"],
        validation_split: float = _CNN["validation_split"],
        early_stopping: bool = _CNN["early_stopping"],
        n_iter_no_change: int = _CNN["n_iter_no_change"],
        shuffle: bool = _CNN["shuffle"],
        steps_per_execution: int = _CNN["steps_per_execution"],
        jit_compile: bool | str = _CNN["jit_compile"],
        dtype_policy: str = _CNN["dtype_policy"],
        class_weight=_CNN["class_weight"],
        callbacks=_CNN["callbacks"],
        tensorboard_log_dir=_CNN["tensorboard_log_dir"],
        tensorboard_histogram_freq: int = _CNN["tensorboard_histogram_freq"],
        warm_start: bool = _CNN["warm_start"],
        contamination: float = _CNN["contamination"],
        random_state=_CNN["random_state"],
        verbose: int = _CNN["verbose"],
    ):
        self.image_shape = image_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.augment = augment
        self.shift_range = shift_range
        self.random_erasing = random_erasing
        self.test_time_flip = test_time_flip
        super().__init__(
            alpha=alpha,
            label_smoothing=label_smoothing,
            optimizer=optimizer,
            optimizer__learning_rate=optimizer__learning_rate,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            validation_split=validation_split,
            early_stopping=early_stopping,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            steps_per_execution=steps_per_execution,
            jit_compile=jit_compile,
            dtype_policy=dtype_policy,
            class_weight=class_weight,
            callbacks=callbacks,
            tensorboard_log_dir=tensorboard_log_dir,
            tensorboard_histogram_freq=tensorboard_histogram_freq,
            warm_start=warm_start,
            contamination=contamination,
            random_state=random_state,
            verbose=verbose,
        )

    def _network(self, n_features: int, n_classes: int, seed: int) -> keras.Model:
        return build_cnn(
            n_features,
            n_classes,
            image_shape=self.image_shape,
            filters=self.filters,
            kernel_size=int(self.kernel_size),
            padding=self.padding,
            hidden_layer_sizes=check_layer_sizes(self.hidden_layer_sizes),
            dropout=float(self.dropout),
            batch_normalization=self.batch_normalization,
            augment=self.augment,
            shift_range=float(self.shift_range),
            random_erasing=float(self.random_erasing),
            l2=self._l2(),
            dtype_policy=self._dtype_policy(),
            seed=seed,
        )

    def _test_time_flip(self) -> bool:
        # Read at predict time, so that set_params after fit takes effect.
        if not isinstance(self.test_time_flip, bool | np.bool_):
            raise ValueError(
                f"test_time_flip must be True or False, got {self.test_time_flip!r}."
            )
        return bool(self.test_time_flip)


_MODELS = {"mlp": FashionMLPClassifier, "cnn": FashionCNNClassifier}


def make_fashion_pipeline(model: str = "mlp", **classifier_params) -> Pipeline:
    """The design's pipeline: ``ImageScaler``, then a skfashion classifier.

    Parameters
    ----------
    model : {"mlp", "cnn"}, default="mlp"
        :class:`FashionMLPClassifier` (the design's network) or
        :class:`FashionCNNClassifier`.
    **classifier_params : dict
        Parameters of the classifier.

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
    >>> type(make_fashion_pipeline("cnn")[-1]).__name__
    'FashionCNNClassifier'
    """
    if model not in _MODELS:
        raise ValueError(
            f"model={model!r} is not one of {sorted(_MODELS)} (the network of the "
            "pipeline)."
        )
    return Pipeline(
        [
            ("scale", ImageScaler(image_shape=IMAGE_SHAPE)),
            ("clf", _MODELS[model](**classifier_params)),
        ]
    )


def is_outlier(model, X) -> np.ndarray:
    """Which samples are unlike the images the model was trained on.

    scikit-learn's outlier detectors answer ``predict(X) == -1`` where
    ``score_samples(X) - offset_`` is negative; a classifier's ``predict``
    gives labels, so this function gives that answer: ``True`` where
    ``model.score_samples(X) < offset_``. The fitted ``contamination`` is
    the share of garments it flags.

    Parameters
    ----------
    model : FashionMLPClassifier, FashionCNNClassifier or Pipeline
        A fitted estimator, or a pipeline ending in one.
    X : array-like of shape (n_samples, n_features)
        Samples, as ``model.predict`` takes them.

    Returns
    -------
    outlier : ndarray of bool, shape (n_samples,)
        True for a sample that scores below the final estimator's
        ``offset_``.

    Examples
    --------
    >>> import numpy as np
    >>> from skfashion import fetch_fashion_mnist, is_outlier, make_fashion_pipeline
    >>> data = fetch_fashion_mnist(subset="test")
    >>> model = make_fashion_pipeline(epochs=3, random_state=0)
    >>> model = model.fit(data.data[:2000], data.target[:2000])
    >>> noise = np.random.default_rng(0).integers(0, 256, (5, 784))
    >>> is_outlier(model, noise).tolist()
    [True, True, True, True, True]
    """
    final = model[-1] if isinstance(model, Pipeline) else model
    scores = model.score_samples(X)
    return scores < final.offset_
