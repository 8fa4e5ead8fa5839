"""One training run in a fresh process, reported as one JSON line.

Each benchmark run trains in its own process so that peak memory (ru_maxrss)
belongs to that run alone and no TensorFlow state carries over. Data loading
and scaling happen before the clock starts and are the same for every mode.

Usage: python benchmarks/_worker.py MODE [--n N] [--epochs E] [--seed S] ...
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

MODES = (
    "keras",
    "keras_same_compile",
    "skfashion",
    "skfashion_preset",
    "skfashion_alpha",
    "sklearn_mlp",
    "keras_cnn",
    "skfashion_cnn",
)


def _data(n: int | None, seed: int):
    from skfashion import ImageScaler, fetch_fashion_mnist

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, y = train.data, train.target
    if n is not None and n < len(y):
        rng = __import__("numpy").random.RandomState(seed)
        idx = rng.permutation(len(y))[:n]
        X, y = X[idx], y[idx]
    scaler = ImageScaler(image_shape=(28, 28))
    return scaler.fit_transform(X), y, scaler.transform(test.data), test.target


def _clock():
    """A callback that appends each epoch's wall time to a list."""
    import keras

    epoch_times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_times.append(time.perf_counter() - self.t)

    return epoch_times, Clock()


def _fit_raw(
    model, X, y, X_test, y_test, *, epochs, batch_size, spe, jit="auto", callbacks=()
):
    """Compile with Adam and fit ``model`` as plain Keras; time it and score it."""
    import numpy as np

    model.compile(
        optimizer="adam",
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=spe,
        jit_compile=jit,
    )
    epoch_times, clock = _clock()
    start = time.perf_counter()
    model.fit(
        X,
        np.eye(10, dtype="float32")[y],
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        callbacks=[clock, *callbacks],
    )
    fit_s = time.perf_counter() - start
    proba = model.predict(X_test, verbose=0)
    return fit_s, epoch_times, float((proba.argmax(1) == y_test).mean())


def _raw_keras(X, y, X_test, y_test, args, same_compile=False):
    """The design's network in plain Keras: compiled with Keras' defaults, or
    as FashionMLPClassifier compiles it (``same_compile``)."""
    import keras

    from skfashion import FashionMLPClassifier

    spe, jit = 1, "auto"
    if same_compile:
        clf = FashionMLPClassifier(epochs=args.epochs, batch_size=args.batch_size)
        spe = clf.steps_per_execution
        jit = clf.initialize(X, y).model_.jit_compile  # what its fit would use
    keras.utils.set_random_seed(args.seed)
    model = keras.Sequential(
        [keras.Input((784,))]
        + [keras.layers.Dense(u, activation="relu") for u in (512, 256, 128)]
        + [keras.layers.Dense(10, activation="softmax")]
    )
    return _fit_raw(
        model,
        X,
        y,
        X_test,
        y_test,
        epochs=args.epochs,
        batch_size=args.batch_size,
        spe=spe,
        jit=jit,
    )


def _raw_keras_cnn(X, y, X_test, y_test, args):
    """The CNN's default network and schedule, built by skfashion, fitted by Keras."""
    import keras

    from skfashion import FashionCNNClassifier, cosine_schedule

    defaults = FashionCNNClassifier().get_params()
    keras.utils.set_random_seed(args.seed)
    model = FashionCNNClassifier().build_network(X.shape[1], 10, seed=args.seed)
    # A plain Sequential: Keras' own training step, as a user of raw Keras has.
    model = keras.Sequential.from_config(model.get_config())
    schedule = []
    if defaults["learning_rate"] == "cosine":
        lr = cosine_schedule(defaults["optimizer__learning_rate"], args.epochs)
        schedule.append(keras.callbacks.LearningRateScheduler(lr))
    return _fit_raw(
        model,
        X,
        y,
        X_test,
        y_test,
        epochs=args.epochs,
        batch_size=defaults["batch_size"],
        spe=defaults["steps_per_execution"],
        callbacks=schedule,
    )


def _skfashion(X, y, X_test, y_test, args, preset=None, cnn=False):
    from skfashion import (
        PRESETS,
        FashionCNNClassifier,
        FashionMLPClassifier,
        make_fashion_pipeline,
    )

    epoch_times, clock = _clock()
    if preset:  # a documented preset (skfashion.PRESETS), with its own epochs
        clf = make_fashion_pipeline(**PRESETS[preset])[-1]
    elif cnn:  # the CNN's own defaults (the bench passes its default epochs)
        clf = FashionCNNClassifier(epochs=args.epochs)
    else:
        clf = FashionMLPClassifier(
            epochs=args.epochs, alpha=args.alpha, batch_size=args.batch_size
        )
    clf.set_params(random_state=args.seed, callbacks=[clock])
    if args.dtype_policy:
        clf.set_params(dtype_policy=args.dtype_policy)
    start = time.perf_counter()
    clf.fit(X, y)
    fit_s = time.perf_counter() - start
    # What dtype_policy resolved to: the first layer's (the softmax layer,
    # last, is always float32, and may be the second).
    args.dtype_policy = clf.model_.layers[0].dtype_policy.name
    return fit_s, epoch_times, float(clf.score(X_test, y_test))


def _sklearn_mlp(X, y, X_test, y_test, args):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        (512, 256, 128),
        batch_size=args.batch_size,
        max_iter=args.epochs,
        random_state=args.seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    fit_s = time.perf_counter() - start
    return fit_s, [fit_s / clf.n_iter_] * clf.n_iter_, float(clf.score(X_test, y_test))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alpha", type=float, default=0.0)
    parser.add_argument("--preset", default="mlp-strong")
    parser.add_argument(
        "--dtype-policy",
        default=None,
        help="the estimators' dtype_policy (Keras' global policy for raw Keras)",
    )
    args = parser.parse_args(argv)
    if args.dtype_policy and args.mode.startswith("keras"):
        import keras

        keras.mixed_precision.set_global_policy(args.dtype_policy)
    X, y, X_test, y_test = _data(args.n, args.seed)
    if args.mode == "keras":
        fit_s, epochs, acc = _raw_keras(X, y, X_test, y_test, args)
    elif args.mode == "keras_same_compile":
        fit_s, epochs, acc = _raw_keras(X, y, X_test, y_test, args, same_compile=True)
    elif args.mode == "skfashion":
        fit_s, epochs, acc = _skfashion(X, y, X_test, y_test, args)
    elif args.mode == "skfashion_alpha":  # MLPClassifier's L2 penalty
        args.alpha = 1e-4
        fit_s, epochs, acc = _skfashion(X, y, X_test, y_test, args)
    elif args.mode == "skfashion_preset":
        fit_s, epochs, acc = _skfashion(X, y, X_test, y_test, args, args.preset)
    elif args.mode == "skfashion_cnn":
        fit_s, epochs, acc = _skfashion(X, y, X_test, y_test, args, cnn=True)
    elif args.mode == "keras_cnn":
        fit_s, epochs, acc = _raw_keras_cnn(X, y, X_test, y_test, args)
    else:
        fit_s, epochs, acc = _sklearn_mlp(X, y, X_test, y_test, args)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "mode": args.mode,
        "n_train": len(y),
        "epochs": len(epochs),
        "seed": args.seed,
        **({"preset": args.preset} if args.mode == "skfashion_preset" else {}),
        **({"dtype_policy": args.dtype_policy} if args.dtype_policy else {}),
        "fit_s": fit_s,
        "epoch_s": epochs,
        "test_accuracy": acc,
        "peak_rss_mb": peak_kb / 1024,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
