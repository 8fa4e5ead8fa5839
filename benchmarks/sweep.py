"""Fit candidate configurations of skfashion's networks, one process each.

The harness for accuracy sweeps, on any Keras backend (a lent GPU machine
has JAX and PyTorch, not TensorFlow): each candidate is an estimator's
parameters; its network is built by skfashion's own builders from those
parameters (the estimator's defaults for the rest), trained by plain Keras
``Model.fit`` with the estimator's optimizer and schedule, and scored on the
10,000 test images. Each result is one JSON line in ``--out``. Past sweeps'
results are data: ``benchmarks/results/gpu_sweep.jsonl`` (and their
candidates, in that sweep's notation, ``gpu_sweep_specs.json``).

    python benchmarks/sweep.py CANDIDATES.json --out results.jsonl [--jobs 4]

CANDIDATES.json: ``[{"name": "wide", "model": "cnn", "params": {"filters":
[32, 64]}, "seeds": [0, 1]}, ...]``; ``"n_train": N`` fits the first N
training images. ``SWEEP_SMALL=1`` fits 512 images, a smoke test.

``--estimator`` fits each candidate through ``make_fashion_pipeline``
instead (the estimator's own training loop and ``dtype_policy``, on
TensorFlow: what ``skfashion train`` runs) and scores it also with
``test_time_flip=True``. Its past results: ``results/cpu_presets.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def fit_one(candidate: dict, seed: int) -> dict:
    """Build, fit and score one candidate at one seed; returns its result."""
    import os

    import keras
    import numpy as np

    from skfashion import (
        FashionCNNClassifier,
        FashionMLPClassifier,
        ImageScaler,
        cosine_schedule,
        fetch_fashion_mnist,
    )

    cls = {"mlp": FashionMLPClassifier, "cnn": FashionCNNClassifier}[candidate["model"]]
    params = cls(**candidate.get("params", {})).get_params()
    if params.get("test_time_flip"):
        raise ValueError("test_time_flip is scored only with --estimator")
    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    scaler = ImageScaler(image_shape=(28, 28)).fit(train.data)
    X, y = scaler.transform(train.data), train.target
    X_test, y_test = scaler.transform(test.data), test.target
    n_train = 512 if os.environ.get("SWEEP_SMALL") else candidate.get("n_train")
    X, y = X[:n_train], y[:n_train]
    network = cls(**candidate.get("params", {})).build_network(784, 10, seed=seed)
    # A plain Sequential: the estimators' own training step is TensorFlow's.
    model = keras.Sequential.from_config(network.get_config())
    loss = keras.losses.CategoricalCrossentropy(
        label_smoothing=params["label_smoothing"]
    )
    model.compile(keras.optimizers.get(params["optimizer"]), loss, metrics=["accuracy"])
    model.optimizer.learning_rate = params["optimizer__learning_rate"]
    callbacks = []
    if params["learning_rate"] == "cosine":
        rate = cosine_schedule(params["optimizer__learning_rate"], params["epochs"])
        callbacks.append(keras.callbacks.LearningRateScheduler(rate))
    start = time.perf_counter()
    model.fit(
        X,
        np.eye(10, dtype="float32")[y],
        batch_size=params["batch_size"],
        epochs=params["epochs"],
        callbacks=callbacks,
        verbose=0,
    )
    fit_s = time.perf_counter() - start
    proba = model.predict(X_test, batch_size=1000, verbose=0)
    return {
        "name": candidate["name"],
        "seed": seed,
        "backend": keras.backend.backend(),
        "test_accuracy": float((proba.argmax(1) == y_test).mean()),
        "fit_s": fit_s,
        "n_train": len(y),
        "params": candidate.get("params", {}),
    }


def fit_estimator(candidate: dict, seed: int) -> dict:
    """Fit one candidate's pipeline at one seed; test accuracy without and
    with test-time flips."""
    import os

    from _common import cpu

    from skfashion import fetch_fashion_mnist, make_fashion_pipeline

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    n_train = 512 if os.environ.get("SWEEP_SMALL") else candidate.get("n_train")
    X, y = train.data[:n_train], train.target[:n_train]
    params = {k: _tuples(v) for k, v in candidate.get("params", {}).items()}
    pipe = make_fashion_pipeline(candidate["model"], **params, random_state=seed)
    start = time.perf_counter()
    pipe.fit(X, y)
    fit_s = time.perf_counter() - start
    clf = pipe[-1]
    flip = clf.test_time_flip if "test_time_flip" in clf.get_params() else None
    accuracy = {}
    for flips in (False, True) if flip is not None else (False,):
        if flip is not None:
            pipe.set_params(clf__test_time_flip=flips)
        accuracy[flips] = pipe.score(test.data, test.target)
    return {
        "name": candidate["name"],
        "seed": seed,
        "backend": "tensorflow",
        "test_accuracy": accuracy[False],
        **({"test_accuracy_flips": accuracy[True]} if True in accuracy else {}),
        "fit_s": fit_s,
        "epochs": clf.n_iter_,
        "n_train": len(y),
        "parameters": int(clf.model_.count_params()),
        "dtype_policy": clf._dtype_policy(),
        "params": candidate.get("params", {}),
        "cpu": cpu()[0],
        "date": time.strftime("%Y-%m-%d"),
    }


def _tuples(value):
    """JSON lists as the tuples the estimators' parameters take."""
    return tuple(map(_tuples, value)) if isinstance(value, list) else value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", help="a JSON list of candidates")
    parser.add_argument("--out", required=True, help="JSON lines, appended to")
    parser.add_argument("--jobs", type=int, default=1, help="processes at a time")
    parser.add_argument(
        "--estimator",
        action="store_true",
        help="fit through make_fashion_pipeline (TensorFlow), with and without "
        "test-time flips",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # NAME:SEED, in a worker
    args = parser.parse_args(argv)
    with open(args.candidates) as f:
        candidates = {c["name"]: c for c in json.load(f)}
    if args.one:
        name, seed = args.one.rsplit(":", 1)
        fit = fit_estimator if args.estimator else fit_one
        print(json.dumps(fit(candidates[name], int(seed))), flush=True)
        return 0
    queue = [(n, s) for n, c in candidates.items() for s in c.get("seeds", [0])]
    running: list = []
    with open(args.out, "a") as out:
        while queue or running:
            while queue and len(running) < args.jobs:
                name, seed = queue.pop(0)
                cmd = [sys.executable, __file__, args.candidates, "--out", args.out]
                cmd += ["--estimator"] if args.estimator else []
                proc = subprocess.Popen(
                    [*cmd, "--one", f"{name}:{seed}"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                running.append((proc, name, seed))
            for item in list(running):
                proc, name, seed = item
                if proc.poll() is None:
                    continue
                stdout, stderr = proc.communicate()
                lines = stdout.strip().splitlines()
                error = {"name": name, "seed": seed, "error": stderr[-1500:]}
                line = lines[-1] if lines else json.dumps(error)
                out.write(line + "\n")
                out.flush()
                print(line, flush=True)
                running.remove(item)
            time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
