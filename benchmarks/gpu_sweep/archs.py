"""Candidate networks for the CNN defaults sweep (not part of the package).

A spec: blocks of convolutions, each conv "FxK[v|s]" (filters, kernel,
valid/same padding), "FxK[v|s]/2" with stride 2; each block ends in a 2x2 max
pool, batch norm, ReLU and dropout (the package's order); inner convs get
batch norm + ReLU directly. A block's last entry may name its pooling instead
of a conv: "avg" (2x2 average) or "none" (no pooling, e.g. after a stride-2
conv).
"""

import os
import sys

import numpy as np

# benchmarks/ (the worker's epoch clock) and the repository root (skfashion),
# also where skfashion is not installed, as on the lent GPU machine.
_BENCHMARKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [_BENCHMARKS, os.path.dirname(_BENCHMARKS)]
from _worker import _clock as epoch_clock  # noqa: E402


def seeds(seed):
    rng = np.random.RandomState(seed)
    return lambda: int(rng.randint(2**31 - 1))


def parse(conv):
    conv, _, stride = conv.partition("/")
    f, rest = conv.split("x")
    pad = {"v": "valid", "s": "same"}[rest[-1]]
    return int(f), int(rest[:-1]), pad, int(stride or 1)


def split_block(block):
    """A block's convolutions and its pooling ("max", "avg" or "none")."""
    if block[-1] in ("avg", "none", "max"):
        return block[:-1], block[-1]
    return block, "max"


def shift_flip_layer(shift, flip, seed):
    """Keras' ``RandomTranslation(shift, shift, fill_mode="constant")``
    (bilinear) then ``RandomFlip("horizontal")`` (if ``flip``): the same
    distribution of images, as two batched matrix products per image.

    Keras 3's ``RandomTranslation`` ran 208 s per epoch on JAX on the lent
    GPU (README), too slow for a sweep. A translation by (dy, dx) pixels with
    bilinear interpolation and zero fill is separable: out = Ty @ img @ Tx.T,
    where T[i, j] = max(0, 1 - |i - d - j|) weighs input pixel j for output
    pixel i (the two neighbours of i - d; those outside the image add 0, the
    fill). A flip reverses Tx's rows (the output columns).
    """
    import keras

    ops = keras.ops

    class ShiftFlip(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.seed_generator = keras.random.SeedGenerator(seed)

        def _matrices(self, n, size):
            d = (
                keras.random.uniform((n, 1, 1), -shift, shift, seed=self.seed_generator)
                * size
            )
            i = ops.reshape(ops.arange(size, dtype="float32"), (1, size, 1))
            j = ops.reshape(ops.arange(size, dtype="float32"), (1, 1, size))
            return ops.relu(1.0 - ops.abs(i - d - j))

        def call(self, x, training=False):
            if not training:
                return x
            n, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
            ty = self._matrices(n, height)
            tx = self._matrices(n, width)
            if flip:
                coin = keras.random.uniform((n, 1, 1), seed=self.seed_generator)
                tx = ops.where(coin < 0.5, ops.flip(tx, axis=1), tx)
            img = ops.matmul(ops.matmul(ty, x[..., 0]), ops.transpose(tx, (0, 2, 1)))
            return img[..., None]

    return ShiftFlip()


def build(spec, seed=0, n_classes=10):
    import keras

    nxt = seeds(seed)
    L = keras.layers
    x = inp = keras.Input((784,), name="pixels")
    x = L.Reshape((28, 28, 1))(x)
    if spec.get("augment") == "matmul":
        x = shift_flip_layer(spec.get("shift", 0.1), spec.get("flip", True), nxt())(x)
    elif spec.get("augment"):
        x = L.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=nxt())(x)
        x = L.RandomFlip("horizontal", seed=nxt())(x)
    drop = spec.get("dropout", 0.25)
    for block in spec["blocks"]:
        convs, pool = split_block(block)
        for j, conv in enumerate(convs):
            f, k, pad, stride = parse(conv)
            x = L.Conv2D(
                f,
                k,
                strides=stride,
                padding=pad,
                use_bias=False,
                kernel_initializer=keras.initializers.GlorotUniform(seed=nxt()),
            )(x)
            if j < len(convs) - 1:
                x = L.BatchNormalization(momentum=0.9)(x)
                x = L.ReLU()(x)
        if pool != "none":
            x = {"max": L.MaxPooling2D, "avg": L.AveragePooling2D}[pool](2)(x)
        x = L.BatchNormalization(momentum=0.9)(x)
        x = L.ReLU()(x)
        if drop:
            x = L.Dropout(drop, seed=nxt())(x)
    x = L.Flatten()(x)
    for units in spec.get("head", (128,)):
        x = L.Dense(
            units,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=nxt()),
        )(x)
        if spec.get("head_dropout", drop):
            x = L.Dropout(spec.get("head_dropout", drop), seed=nxt())(x)
    out = L.Dense(
        n_classes,
        activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=nxt()),
    )(x)
    return keras.Model(inp, out)


def macs(spec):
    h = w = 28
    c = 1
    total = 0
    for block in spec["blocks"]:
        convs, pool = split_block(block)
        for conv in convs:
            f, k, pad, stride = parse(conv)
            if pad == "valid":
                h, w = h - k + 1, w - k + 1
            h, w = -(-h // stride), -(-w // stride)
            total += h * w * f * c * k * k
            c = f
        if pool != "none":
            h, w = h // 2, w // 2
    n = h * w * c
    for units in spec.get("head", (128,)):
        total += n * units
        n = units
    return total + n * 10


def load(folder):
    import gzip
    import os

    def read(name, offset):
        with gzip.open(os.path.join(folder, name)) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    Xtr = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    ytr = read("train-labels-idx1-ubyte.gz", 8)
    Xte = read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    yte = read("t10k-labels-idx1-ubyte.gz", 8)
    return (Xtr / 255.0).astype("float32"), ytr, (Xte / 255.0).astype("float32"), yte


def train(spec, seed, data, epochs=None, max_epochs=None, verbose=0, callbacks=()):
    """Fit like FashionCNNClassifier (Adam, per-epoch cosine); return metrics."""
    import math
    import time

    import keras

    Xtr, ytr, Xte, yte = data
    epochs = epochs or spec.get("epochs", 12)
    lr = spec.get("lr", 1e-3)
    keras.utils.set_random_seed(seed)
    model = build(spec, seed)
    model.compile(
        keras.optimizers.Adam(lr),
        keras.losses.CategoricalCrossentropy(
            label_smoothing=spec.get("label_smoothing", 0.0)
        ),
        metrics=["accuracy"],
        steps_per_execution=32,
    )

    def rate(epoch, current=None):
        epoch = min(epoch, epochs - 1)
        return lr * 0.5 * (1 + math.cos(math.pi * epoch / epochs))

    times, clock = epoch_clock()

    Y = np.eye(10, dtype="float32")[ytr]
    t0 = time.perf_counter()
    hist = model.fit(
        Xtr,
        Y,
        batch_size=spec.get("batch", 64),
        epochs=max_epochs or epochs,
        shuffle=True,
        verbose=verbose,
        callbacks=[keras.callbacks.LearningRateScheduler(rate), clock, *callbacks],
    )
    fit = time.perf_counter() - t0
    proba = model.predict(Xte, batch_size=1000, verbose=0)
    acc = float((proba.argmax(1) == yte).mean())
    return {
        "test_accuracy": acc,
        "train_accuracy": float(hist.history["accuracy"][-1]),
        "fit_s": fit,
        "epoch_s": times,
        "params": int(model.count_params()),
    }
