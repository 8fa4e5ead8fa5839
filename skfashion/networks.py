"""The network builders: plain functions, parameters in, a keras.Model out.

Every random op (weight initialisers, dropout, augmentation) gets its own
integer seed drawn from the ``seed`` argument, so building and training a
network read and change no global random state: the same ``seed`` gives the
same network whatever seeds TensorFlow, Keras or NumPy were given before.

The models come uncompiled: the optimizer, loss and metrics are the same for
every network and are added by the estimators (``_base.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral

import numpy as np

from ._compat import keras

__all__ = [
    "build_cnn",
    "build_mlp",
    "check_filters",
    "check_layer_sizes",
    "check_padding",
    "infer_image_shape",
]


# Registered under the name SciKeras gives it when it pickles a fitted
# estimator (">" + the class's name: scikeras._saving_utils registers every
# model class it pickles so), so that a file pickled anywhere loads wherever
# skfashion is imported.
@keras.saving.register_keras_serializable(package="")
class _FashionNetwork(keras.Sequential):
    """A Sequential whose training step can run several consecutive batches.

    Keras' ``steps_per_execution`` loops over batches outside the compiled
    training step: each batch is one more call into it (one more XLA launch,
    one more fetch from the input pipeline). After
    :meth:`loop_over_batches`, each element of the training data is
    ``((X, order), Y)`` or ``((X, order), Y, sample_weight)``: the whole
    training arrays (passed by reference, never copied) and the row indices
    of consecutive batches of ``rows_per_batch`` rows (then -1s, no row, to
    pad an element to the others' length; or the indices of one shorter
    batch), and the step gathers and runs those batches in a loop inside the
    compiled graph: the same batches in the same order, the same updates,
    one call per element (see docs/decisions: the training loop inside the
    step). Keras' documented way to
    change what ``fit`` does is overriding ``train_step``; on data of rows
    (the network's own ``fit(X, Y)``, or without ``loop_over_batches``) it
    is Keras' own step. The loop is TensorFlow's: on JAX and PyTorch the
    estimators feed batches of rows (``_data.fit_inputs``).
    """

    _rows_per_batch: int | None = None

    def loop_over_batches(self, rows_per_batch: int, x, y) -> None:
        """Train on elements of row indices in batches of ``rows_per_batch``.

        ``x`` and ``y`` are one row of inputs and targets: Keras builds the
        loss, the metrics and the optimizer from the first element of the
        data, which here holds indices, so they are built from this row
        first.
        """
        if rows_per_batch != self._rows_per_batch:
            self._rows_per_batch = rows_per_batch
            self.train_function = None  # the traced step captured the old size
        y_pred = self(x)
        self.compute_loss(x=x, y=y, y_pred=y_pred)
        self.compute_metrics(x, y, y_pred)  # Keras resets them each epoch
        if not self.optimizer.built:  # built inside the step, it was traced twice
            self.optimizer.build(self.trainable_variables)

    @staticmethod
    def element(tensors, order):
        """The training element for ``order``: ``((X, order), Y[, w])``."""
        return ((tensors[0], order), *tensors[1:])

    def train_step(self, *args):
        # JAX's step also takes the state: Keras' own step there (the
        # estimators loop over batches on TensorFlow only). Rows, not (rows,
        # order): the caller's own fit (model_.fit(X, Y)).
        data = args[-1]
        if self._rows_per_batch is None or not isinstance(data[0], tuple):
            return super().train_step(*args)
        import tensorflow as tf

        (rows, order), *targets = data
        # Whole batches, or one batch of fewer rows: constant under XLA,
        # which compiles the step per element shape.
        size = tf.minimum(tf.shape(order)[0], self._rows_per_batch)
        n_rows = tf.reduce_sum(tf.cast(order >= 0, tf.int32))  # -1 pads

        def one_batch(i):
            batch = tf.slice(order, [i * size], [size])
            gathered = [tf.gather(t, batch) for t in (rows, *targets)]
            super(_FashionNetwork, self).train_step(tuple(gathered))
            return (i + 1,)

        tf.while_loop(
            lambda i: i < n_rows // size,
            one_batch,
            (tf.constant(0),),
            parallel_iterations=1,  # each batch's update before the next's
        )
        return self.get_metrics_result()


# scikit-learn's MLPClassifier names for activations Keras calls otherwise.
_ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear"}


def _seed_stream(seed: int) -> Callable[[], int]:
    rng = np.random.RandomState(seed)
    return lambda: int(rng.randint(2**31 - 1))


def check_layer_sizes(sizes, name: str = "hidden_layer_sizes") -> tuple[int, ...]:
    """Validate a positive int or a sequence of them; return a tuple of ints."""
    array = np.atleast_1d(np.asarray(sizes, dtype=object))
    ok = array.ndim == 1 and all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in array
    )
    if not ok:
        raise ValueError(
            f"{name} must be a positive int or a sequence of positive ints, "
            f"got {sizes!r}."
        )
    return tuple(int(s) for s in array)


def check_filters(filters) -> tuple[tuple[int, ...], ...]:
    """Validate ``filters``; return one tuple of ints per convolutional block.

    Each block is a positive int (one convolution) or a sequence of them
    (several convolutions, e.g. ``((32, 32), (64, 64))``).
    """
    blocks = [filters] if isinstance(filters, Integral) else filters
    try:
        result = tuple(check_layer_sizes(block, "filters") for block in blocks)
    except (TypeError, ValueError):
        result = ()
    if not result or not all(result):
        raise ValueError(
            "filters must be a positive int, a sequence of them (one convolution "
            "per block) or a sequence of sequences (several convolutions per "
            f"block, e.g. ((32, 32), (64, 64))), got {filters!r}."
        )
    return result


def check_padding(padding) -> tuple[tuple[str, ...], ...]:
    """Validate ``padding``: "valid", "same" or a sequence of them, one per
    convolutional block (the last entry also serves the blocks after it). A
    block's entry may itself be a sequence, one per convolution of the block
    (its last entry also serves the block's convolutions after it), as
    ``filters`` gives a block several convolutions. Return one tuple per
    block, as :func:`check_filters` does."""
    values = (padding,) if isinstance(padding, str) else padding
    try:
        blocks = tuple(
            (value,) if isinstance(value, str) else tuple(value) for value in values
        )
    except TypeError:
        blocks = ()
    valid = all(
        block and all(isinstance(v, str) and v in ("valid", "same") for v in block)
        for block in blocks
    )
    if not blocks or not valid:
        raise ValueError(
            'padding must be "valid", "same" or a sequence of them (one per '
            "block, the last one also for the blocks after it; a block's entry "
            "may be a sequence too, one per convolution of the block), got "
            f"{padding!r}."
        )
    return blocks


def _nth(values, n: int):
    """``values[n]``, the last entry standing for those after it."""
    return values[min(n, len(values) - 1)]


def _activation(name: str) -> str:
    activation = _ACTIVATION_ALIASES.get(name, name)
    try:
        keras.activations.get(activation)
    except ValueError as exc:
        raise ValueError(
            f"activation={name!r} is not a Keras activation "
            "(e.g. 'relu', 'tanh', 'logistic', 'gelu')."
        ) from exc
    return activation


def infer_image_shape(n_features: int, image_shape=None) -> tuple[int, int]:
    """The (height, width) that ``n_features`` pixels form.

    ``image_shape`` if given (it must hold exactly ``n_features`` pixels);
    otherwise a square if ``n_features`` is a perfect square (784 -> 28 x 28),
    else a single row of ``n_features`` pixels (1 x n), so that any table of
    features can still be convolved along its columns.
    """
    if image_shape is not None:
        height, width = (int(v) for v in image_shape)
        if height * width != n_features:
            raise ValueError(
                f"image_shape={tuple(image_shape)} holds {height * width} pixels, "
                f"but X has {n_features} features; pass image_shape=None to infer "
                "it, or the (height, width) of your images."
            )
        return height, width
    side = math.isqrt(n_features)
    if side * side == n_features:
        return side, side
    return 1, n_features


def _dense(units, activation, l2, seed, name, dtype):
    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
        name=name,
        dtype=dtype,
    )


def build_mlp(
    n_features: int,
    n_classes: int,
    *,
    hidden_layer_sizes: Sequence[int],
    activation: str,
    dropout: float,
    l2: float,
    dtype_policy: str,
    seed: int,
) -> keras.Model:
    """Dense stack with a softmax head.

    The defaults are :class:`~skfashion.FashionMLPClassifier`'s (one source
    of truth): ``FashionMLPClassifier().initialize(X, y).model_`` builds the
    default network.

    Parameters
    ----------
    n_features, n_classes : int
        Input width and number of output units.
    hidden_layer_sizes : sequence of int
        Units of each hidden Dense layer.
    activation : str
        Hidden activation (Keras name, or MLPClassifier's "logistic" and
        "identity").
    dropout : float
        Dropout rate after each hidden layer.
    l2 : float
        Keras L2 factor on every kernel (weights, not biases).
    dtype_policy : str
        Keras' dtype policy of every layer but the softmax head, which
        computes in float32 (Keras' advice for mixed precision), e.g.
        "float32" or "mixed_bfloat16" (bfloat16 arithmetic, float32
        weights).
    seed : int
        Seeds every initialiser and dropout layer.

    Returns
    -------
    model : keras.Model
        Uncompiled; input ``pixels`` of shape (None, n_features).
    """
    next_seed = _seed_stream(seed)
    activation = _activation(activation)
    layers = [keras.Input(shape=(n_features,), name="pixels")]
    for i, units in enumerate(check_layer_sizes(hidden_layer_sizes)):
        layers.append(
            _dense(units, activation, l2, next_seed(), f"hidden_{i}", dtype_policy)
        )
        if dropout > 0:
            layers.append(
                keras.layers.Dropout(
                    dropout, seed=next_seed(), name=f"dropout_{i}", dtype=dtype_policy
                )
            )
    layers.append(_dense(n_classes, "softmax", l2, next_seed(), "output", "float32"))
    return _FashionNetwork(layers, name="fashion_mlp")


def build_cnn(
    n_features: int,
    n_classes: int,
    *,
    image_shape: tuple[int, int] | None,
    filters,
    kernel_size: int,
    padding,
    hidden_layer_sizes: Sequence[int],
    dropout: float,
    batch_normalization: bool,
    augment: bool,
    shift_range: float,
    random_erasing: float,
    l2: float,
    dtype_policy: str,
    seed: int,
) -> keras.Model:
    """Convolutional blocks, then a dense head with softmax.

    Each entry of ``filters`` is one block: its convolutions (each but the
    last followed by batch normalisation and ReLU), then 2x2 max pooling
    along every side still longer than 1 pixel, batch normalisation
    (optional), ReLU and dropout. Then the maps are flattened into the dense
    layers of ``hidden_layer_sizes`` (ReLU, dropout) and the softmax.

    The defaults are :class:`~skfashion.FashionCNNClassifier`'s (one source
    of truth). With them, the first block's one convolution keeps the
    image's size ("same" padding: the border pixels, where garments'
    outlines lie, count)
    with 16 filters: on 28 x 28 maps, convolution and max pooling are the
    slowest per multiply-add on CPU, and 16 filters halve them and the
    second block's input. The second block's two convolutions, "valid" then
    "same", see 14 x 14 maps and hand 6 x 6 x 64 to the dense layer. Where
    a map is smaller than the kernel, "same" padding is used.

    Parameters
    ----------
    n_features, n_classes : int
        Input width (pixels per image, rows of features) and output units.
    image_shape : (int, int) or None
        (height, width) of the images; see :func:`infer_image_shape`.
    filters : int, sequence of int, or sequence of sequences of int
        Filters of each convolutional block; a block given as a sequence
        has one convolution per entry (see :func:`check_filters`).
    kernel_size : int
        Side of the square convolution kernels.
    padding : {"valid", "same"}, or sequence of them or of sequences of them
        Padding of each block's convolutions; the last entry also serves the
        blocks after it, and a block's entry may give each of its
        convolutions its own (see :func:`check_padding`).
    hidden_layer_sizes : sequence of int
        Units of the dense layers after the convolutions (may be empty).
    dropout : float
        Dropout rate after each block and each dense layer.
    batch_normalization : bool
        Normalise each convolution's output over the batch.
    augment : bool
        Random shifts (up to ``shift_range`` of each side) and horizontal
        flips of the input images, applied in training only (Keras
        preprocessing layers, seeded; identity at inference).
    shift_range : float
        With ``augment``, the largest shift, as a fraction of the height and
        the width (``RandomTranslation``'s factors); 0 flips only.
    random_erasing : float
        The probability of erasing one random rectangle of each training
        image (Keras' ``RandomErasing``, after any shift and flip); 0 adds
        no layer.
    l2 : float
        Keras L2 factor on every kernel.
    dtype_policy : str
        Keras' dtype policy of every layer but the softmax head, which
        computes in float32 (Keras' advice for mixed precision), e.g.
        "float32" or "mixed_bfloat16" (bfloat16 arithmetic, float32
        weights).
    seed : int
        Seeds every initialiser, dropout and augmentation layer.

    Returns
    -------
    model : keras.Model
        Uncompiled; input ``pixels`` of shape (None, n_features).
    """
    next_seed = _seed_stream(seed)
    height, width = infer_image_shape(n_features, image_shape)
    layers = [
        keras.Input(shape=(n_features,), name="pixels"),
        keras.layers.Reshape((height, width, 1), name="image", dtype=dtype_policy),
    ]
    if augment:
        shift_seed, flip_seed = next_seed(), next_seed()
        if shift_range > 0:
            layers.append(
                keras.layers.RandomTranslation(
                    shift_range,
                    shift_range,
                    fill_mode="constant",
                    seed=shift_seed,
                    name="shift",
                    dtype=dtype_policy,
                )
            )
        layers.append(
            keras.layers.RandomFlip(
                "horizontal", seed=flip_seed, name="flip", dtype=dtype_policy
            )
        )
    if random_erasing > 0:
        layers.append(
            keras.layers.RandomErasing(
                factor=(random_erasing, random_erasing),  # a fixed probability
                value_range=(0, 1),
                seed=next_seed(),
                name="erase",
                dtype=dtype_policy,
            )
        )
    regularizer = keras.regularizers.L2(l2) if l2 else None

    def normalize_and_activate(suffix):
        if batch_normalization:
            # momentum 0.9 (PyTorch's default) rather than Keras' 0.99: the
            # moving statistics that prediction uses settle within a few
            # hundred steps.
            layers.append(
                keras.layers.BatchNormalization(
                    momentum=0.9, name=f"batch_norm_{suffix}", dtype=dtype_policy
                )
            )
        layers.append(keras.layers.ReLU(name=f"relu_{suffix}", dtype=dtype_policy))

    paddings = check_padding(padding)
    for i, block in enumerate(check_filters(filters)):
        block_paddings = _nth(paddings, i)
        for j, n_filters in enumerate(block):
            suffix = f"{i}" if len(block) == 1 else f"{i}_{j}"
            valid = (
                _nth(block_paddings, j) == "valid" and min(height, width) >= kernel_size
            )
            layers.append(
                keras.layers.Conv2D(
                    n_filters,
                    kernel_size,
                    padding="valid" if valid else "same",
                    use_bias=not batch_normalization,
                    kernel_initializer=keras.initializers.GlorotUniform(
                        seed=next_seed()
                    ),
                    kernel_regularizer=regularizer,
                    name=f"conv_{suffix}",
                    dtype=dtype_policy,
                )
            )
            if valid:
                height, width = height - kernel_size + 1, width - kernel_size + 1
            if j < len(block) - 1:
                normalize_and_activate(suffix)
        pool = (2 if height > 1 else 1, 2 if width > 1 else 1)
        if pool != (1, 1):
            layers.append(
                keras.layers.MaxPooling2D(pool, name=f"pool_{i}", dtype=dtype_policy)
            )
            height, width = height // pool[0], width // pool[1]
        normalize_and_activate(suffix)
        if dropout > 0:
            layers.append(
                keras.layers.Dropout(
                    dropout, seed=next_seed(), name=f"dropout_{i}", dtype=dtype_policy
                )
            )
    layers.append(keras.layers.Flatten(name="flatten", dtype=dtype_policy))
    for i, units in enumerate(check_layer_sizes(hidden_layer_sizes)):
        layers.append(
            _dense(units, "relu", l2, next_seed(), f"hidden_{i}", dtype_policy)
        )
        if dropout > 0:
            layers.append(
                keras.layers.Dropout(
                    dropout,
                    seed=next_seed(),
                    name=f"dense_dropout_{i}",
                    dtype=dtype_policy,
                )
            )
    layers.append(_dense(n_classes, "softmax", l2, next_seed(), "output", "float32"))
    return _FashionNetwork(layers, name="fashion_cnn")
