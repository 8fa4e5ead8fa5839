"""skfashion against its peers, measured side by side in one run.

    python benchmarks/run.py            # every section but the long ones
    python benchmarks/run.py --long     # and the presets' full fits too
    python benchmarks/run.py --quick    # a smoke run on subsamples (about 3 min)

Writes ``benchmarks/results/results[-quick].json`` after each section, and
``RESULTS[-quick].md`` at the end. A run without ``--long`` keeps the long
sections' results from the last run, labelled with where they were measured;
``section_s`` records how long each section took.
These machines are shared and noisy, so the targets are ratios of runs made
in the same invocation, interleaved where it matters; absolute seconds are
shown for orientation only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_bfloat16  # noqa: E402
import bench_datasets  # noqa: E402
import bench_onnx_floor  # noqa: E402
import bench_strangers  # noqa: E402
import numpy as np  # noqa: E402
import published  # noqa: E402
from _common import (  # noqa: E402
    CNN_PRESET_SECTIONS,
    FULL_STATISTICS_ROWS,
    cpu,
    median_s,
)

# Seeds of the sections that train over several (--seeds N: the first N).
SEEDS = [0, 1, 2]
# The presets with the CNN family's accuracy goal (without and with
# augmentation), and that goal.
CNN_PRESET, CNN_PRESET_ACCURACY_GOAL = "cnn-large", 0.94
CNN_AUGMENTED_PRESET = "cnn-augmented"
CNN_ERASING_PRESET = "cnn-erasing"
# FashionCNNClassifier's goals: fit time on 2 cores, test accuracy (median).
CNN_FIT_GOAL_S, CNN_ACCURACY_GOAL = 360, 0.93


def _worker(mode: str, backend: str | None = None, **kw) -> dict:
    args = [sys.executable, str(HERE / "_worker.py"), mode]
    for key, value in kw.items():
        if value is not None:
            args += [f"--{key.replace('_', '-')}", str(value)]
    env = {**os.environ, "KERAS_BACKEND": backend} if backend else None
    out = subprocess.run(
        args, check=True, capture_output=True, text=True, env=env
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _summary(rs: list[dict]) -> dict:
    """Medians over seeds (epoch time without each run's first, traced epoch)."""
    epoch_times = [t for r in rs for t in r["epoch_s"][1:] or r["epoch_s"]]
    return {
        "fit_s": median([r["fit_s"] for r in rs]),
        "epoch_s": median(epoch_times),
        "test_accuracy": median([r["test_accuracy"] for r in rs]),
        "test_accuracies": [r["test_accuracy"] for r in rs],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
        "n_train": rs[0]["n_train"],
    }


def bench_training(quick: bool) -> dict:
    """Raw Keras vs skfashion (same network, data, batch, epochs), interleaved."""
    n, epochs = (6000, 2) if quick else (None, 15)
    seeds = [0] if quick else SEEDS
    runs = _interleaved(["keras", "skfashion"], seeds, n=n, epochs=epochs)
    runs["keras_same_compile"] = [
        _worker("keras_same_compile", n=n, epochs=epochs, seed=0)
    ]
    result = {mode: _summary(rs) for mode, rs in runs.items()}
    k, s, same = result["keras"], result["skfashion"], result["keras_same_compile"]
    result["ratios"] = {
        "fit_skfashion_over_keras_default": s["fit_s"] / k["fit_s"],
        "fit_skfashion_over_keras_same_compile": s["fit_s"] / same["fit_s"],
        "epoch_skfashion_over_keras_default": s["epoch_s"] / k["epoch_s"],
        "peak_rss_skfashion_over_keras": s["peak_rss_mb"] / k["peak_rss_mb"],
    }
    result["n_train"] = runs["skfashion"][0]["n_train"]
    result["epochs"] = epochs
    return result


def _interleaved(modes: list[str], seeds: list[int], **kw) -> dict[str, list[dict]]:
    """Worker runs of each mode for each seed, alternating modes, so that
    a slower stretch of a shared machine does not fall on one side only."""
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for seed in seeds:
        for mode in modes:
            run = _worker(mode, seed=seed, **kw)
            runs[mode].append(run)
            print(
                f"  {mode} seed {seed}: {run['fit_s']:.1f} s, "
                f"{run['test_accuracy']:.4f}",
                flush=True,
            )
    return runs


def bench_peers(quick: bool) -> dict:
    """MLPClassifier vs FashionMLPClassifier at its settings, and the preset.

    Both with the same layers, batch 32, 15 epochs and ``alpha=1e-4``
    (MLPClassifier's default L2 penalty), interleaved over 3 seeds.
    """
    n, epochs = (6000, 2) if quick else (None, 15)
    seeds = [0] if quick else SEEDS
    runs = _interleaved(["skfashion_alpha", "sklearn_mlp"], seeds, n=n, epochs=epochs)
    result = {mode: _summary(r) for mode, r in runs.items()}
    result["fit_sklearn_over_skfashion"] = (
        result["sklearn_mlp"]["fit_s"] / result["skfashion_alpha"]["fit_s"]
    )
    preset = _worker("skfashion_preset", n=n, seed=0)
    print(f"  preset: {preset['test_accuracy']:.4f}", flush=True)
    result["skfashion_preset"] = preset
    return result


def bench_predict(quick: bool) -> dict:
    """Single-image latency and throughput through the pipeline and its peers."""
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline

    from skfashion import ImageScaler, fetch_fashion_mnist, make_fashion_pipeline

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, y = train.data[:3000], train.target[:3000]
    pipe = make_fashion_pipeline(epochs=1, random_state=0).fit(X, y)
    model = pipe.named_steps["clf"].model_
    scaler = ImageScaler(image_shape=(28, 28))
    X_test = test.data
    X_scaled = scaler.fit_transform(X_test)
    mlp = make_pipeline(
        ImageScaler(image_shape=(28, 28)), MLPClassifier((512, 256, 128), max_iter=1)
    ).fit(X, y)
    weights = model.get_weights()

    def numpy_forward(row):
        h = row.astype(np.float32) / np.float32(255)
        for i in range(0, len(weights) - 2, 2):
            h = np.maximum(h @ weights[i] + weights[i + 1], 0)
        z = h @ weights[-2] + weights[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def latency_ms(fn, repeats):
        for i in range(5):
            fn(i)
        times = []
        for i in range(repeats):
            t = time.perf_counter()
            fn(i % 1000)
            times.append(time.perf_counter() - t)
        return 1000 * median(times)

    reps = 50 if quick else 300
    one = {
        "pipeline.predict_proba": latency_ms(
            lambda i: pipe.predict_proba(X_test[i : i + 1]), reps
        ),
        "pipeline.predict": latency_ms(lambda i: pipe.predict(X_test[i : i + 1]), reps),
        "keras model.predict": latency_ms(
            lambda i: model.predict(X_scaled[i : i + 1], verbose=0), reps // 3
        ),
        "keras model.predict_on_batch": latency_ms(
            lambda i: model.predict_on_batch(X_scaled[i : i + 1]), reps
        ),
        "sklearn MLPClassifier pipeline.predict_proba": latency_ms(
            lambda i: mlp.predict_proba(X_test[i : i + 1]), reps
        ),
        "numpy forward pass": latency_ms(
            lambda i: numpy_forward(X_test[i : i + 1]), reps
        ),
    }
    cnn = make_fashion_pipeline("cnn", epochs=1, random_state=0).fit(X, y)
    cnn_model = cnn.named_steps["clf"].model_
    one_cnn = {
        "pipeline.predict_proba": latency_ms(
            lambda i: cnn.predict_proba(X_test[i : i + 1]), reps
        ),
        "pipeline.predict": latency_ms(lambda i: cnn.predict(X_test[i : i + 1]), reps),
        "keras model.predict_on_batch": latency_ms(
            lambda i: cnn_model.predict_on_batch(X_scaled[i : i + 1]), reps
        ),
    }

    def single_equals_batch(p):
        singles = [p.predict_proba(X_test[i : i + 1]) for i in range(200)]
        return bool(
            np.array_equal(np.concatenate(singles), p.predict_proba(X_test[:200]))
        )

    throughput = {}
    for size in (1, 32, 1000, 10000):
        repeats = max(3, min(200, 20000 // size))
        seconds = latency_ms(lambda i, s=size: pipe.predict_proba(X_test[:s]), repeats)
        throughput[str(size)] = size / (seconds / 1000)
    full_pipe = latency_ms(lambda i: pipe.predict_proba(X_test), 5)
    full_keras = latency_ms(lambda i: model.predict(X_scaled, verbose=0), 5)
    return {
        "single_image_ms": one,
        "cnn_single_image_ms": one_cnn,
        "single_equals_batch_bit_for_bit": single_equals_batch(pipe),
        "cnn_single_equals_batch_bit_for_bit": single_equals_batch(cnn),
        "throughput_images_per_s": throughput,
        "predict_10000_ms": {"pipeline": full_pipe, "keras model.predict": full_keras},
        "ratios": {
            "predict_10000_pipeline_over_keras": full_pipe / full_keras,
            "single_model_predict_over_pipeline": one["keras model.predict"]
            / one["pipeline.predict_proba"],
        },
    }


def bench_cnn(quick: bool) -> dict:
    """FashionCNNClassifier's defaults vs raw Keras fitting the same network."""
    from skfashion import FashionCNNClassifier

    n, epochs = (6000, 2) if quick else (None, FashionCNNClassifier().epochs)
    seeds = [0] if quick else SEEDS
    runs = _interleaved(["keras_cnn", "skfashion_cnn"], seeds, n=n, epochs=epochs)
    summary = {mode: _summary(r) for mode, r in runs.items()}
    k, s = summary["keras_cnn"], summary["skfashion_cnn"]
    return {
        **summary,
        "n_train": runs["skfashion_cnn"][0]["n_train"],
        # What dtype_policy="auto" chose on this CPU.
        "dtype_policy": runs["skfashion_cnn"][0]["dtype_policy"],
        "ratios": {
            "fit_skfashion_over_keras": s["fit_s"] / k["fit_s"],
            "epoch_skfashion_over_keras": s["epoch_s"] / k["epoch_s"],
            "peak_rss_skfashion_over_keras": s["peak_rss_mb"] / k["peak_rss_mb"],
        },
    }


def _bench_preset(preset: str, quick: bool) -> dict:
    run = _worker("skfashion_preset", preset=preset, n=6000 if quick else None)
    print(f"  {preset}: {run['fit_s']:.1f} s, {run['test_accuracy']:.4f}")
    return run


def bench_cnn_preset(quick: bool) -> dict:
    """The documented CNN preset (skfashion.PRESETS), one seed: a long fit."""
    return _bench_preset(CNN_PRESET, quick)


def bench_cnn_augmented(quick: bool) -> dict:
    """The augmented CNN preset, one seed: a long fit."""
    return _bench_preset(CNN_AUGMENTED_PRESET, quick)


def bench_cnn_erasing(quick: bool) -> dict:
    """The most accurate CNN preset, one seed: the longest fit."""
    return _bench_preset(CNN_ERASING_PRESET, quick)


def bench_persistence(quick: bool) -> dict:
    """save_model/load_model (data only) vs joblib: seconds and bytes."""
    import tempfile

    import joblib

    from skfashion import (
        fetch_fashion_mnist,
        load_model,
        make_fashion_pipeline,
        save_model,
    )

    train = fetch_fashion_mnist(subset="train")
    X, y = train.data[:2000], train.target[:2000]
    repeats = 3 if quick else 7
    results = {}
    for model in ("mlp", "cnn"):
        pipe = make_fashion_pipeline(model, epochs=1, random_state=0).fit(X, y)
        with tempfile.TemporaryDirectory() as tmp:
            safe, pickled = Path(tmp) / "m.skf", Path(tmp) / "m.joblib"
            timings = {
                "save_model": median_s(
                    lambda p=pipe, f=safe: save_model(p, f), repeats
                ),
                "load_model": median_s(lambda f=safe: load_model(f), repeats),
                "joblib.dump": median_s(
                    lambda p=pipe, f=pickled: joblib.dump(p, f), repeats
                ),
                "joblib.load": median_s(lambda f=pickled: joblib.load(f), repeats),
            }
            results[model] = {
                "seconds": timings,
                "bytes": {
                    "skfashion": safe.stat().st_size,
                    "joblib": pickled.stat().st_size,
                },
            }
        print(f"  {model}: {results[model]}", flush=True)
    return results


def bench_onnx(quick: bool) -> dict:
    """The exported graph in ONNX Runtime vs skfashion's predict_proba vs
    MLPClassifier, per call size."""
    import tempfile

    import numpy as np
    import onnxruntime as ort
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline

    from skfashion import (
        ImageScaler,
        export_onnx,
        fetch_fashion_mnist,
        make_fashion_pipeline,
    )

    train = fetch_fashion_mnist(subset="train")
    X_test = fetch_fashion_mnist(subset="test").data.astype(np.float32)
    X, y = train.data[:FULL_STATISTICS_ROWS], train.target[:FULL_STATISTICS_ROWS]
    sk = make_pipeline(
        ImageScaler(image_shape=(28, 28)), MLPClassifier((512, 256, 128), max_iter=1)
    ).fit(X, y)
    results = {}
    for model in ("mlp", "cnn"):
        pipe = make_fashion_pipeline(model, epochs=1, random_state=0).fit(X, y)
        with tempfile.TemporaryDirectory() as tmp:
            path = export_onnx(pipe, Path(tmp) / "m.onnx")
            size = path.stat().st_size
            session = ort.InferenceSession(
                str(path), providers=["CPUExecutionProvider"]
            )
            bare = ort.InferenceSession(
                str(export_onnx(pipe, Path(tmp) / "n.onnx", score=False)),
                providers=["CPUExecutionProvider"],
            )
        predictors = {
            "onnxruntime": lambda A, s=session: s.run(["probabilities"], {"X": A})[0],
            "onnxruntime, score=False": lambda A, s=bare: s.run(
                ["probabilities"], {"X": A}
            )[0],
            "skfashion predict_proba": pipe.predict_proba,
        }
        if model == "mlp":
            predictors["scikit-learn MLPClassifier predict_proba"] = sk.predict_proba
        onnx_proba = predictors["onnxruntime"](X_test)
        table = {}
        for name, fn in predictors.items():
            table[name] = {}
            for size_ in (1, 32, 1000, 10000):
                reps = max(3, min(300 if not quick else 30, 20000 // size_))
                seconds = median_s(lambda f=fn, s=size_: f(X_test[:s]), reps)
                table[name][str(size_)] = {
                    "median_ms": 1000 * seconds,
                    "images_per_s": size_ / seconds,
                }
        results[model] = {
            "onnx_bytes": size,
            "n_references": len(pipe[-1].score_statistics_["references"]),
            "calls": table,
            "max_abs_proba_difference": float(
                np.abs(onnx_proba - pipe.predict_proba(X_test)).max()
            ),
            "same_argmax": float(
                (onnx_proba.argmax(1) == pipe.predict_proba(X_test).argmax(1)).mean()
            ),
        }
        print(
            f"  {model}: one image {table['onnxruntime']['1']['median_ms']:.3f} ms "
            "with onnxruntime",
            flush=True,
        )
    return results


def _photos_of(images, kind: str, seeds) -> tuple[np.ndarray, float]:
    """Each image as a photo of ``kind`` read back by load_image; seconds."""
    from skfashion import load_image, make_photo

    start = time.perf_counter()
    photos = [
        load_image(make_photo(image, kind, random_state=int(seed)))
        for image, seed in zip(images, seeds, strict=True)
    ]
    return np.stack(photos), time.perf_counter() - start


def bench_photos(quick: bool) -> dict:
    """Accuracy on synthetic product photos of the test images vs the raw images.

    Both estimators' defaults (full data; quick: 6,000 images, 2 epochs)
    classify every test image raw and as each kind of photo in
    ``skfashion.make_photo`` (fixed renderings, and renderings drawn at
    random per image, seeded by its index), read back by ``load_image``.
    The photos are made in 2 processes, then classified by both networks.
    """
    from joblib import Parallel, delayed

    from skfashion import PHOTO_KINDS, fetch_fashion_mnist, make_fashion_pipeline

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    n, epochs = (6000, 2) if quick else (None, None)
    params = (
        {"random_state": 0} if epochs is None else {"epochs": epochs, "random_state": 0}
    )
    pipes = {
        net: make_fashion_pipeline(net, **params).fit(train.data[:n], train.target[:n])
        for net in ("mlp", "cnn")
    }
    idx = np.arange(500 if quick else len(test.target))
    images, y = test.images[idx], test.target[idx]
    raw = {net: float(np.mean(p.predict(images) == y)) for net, p in pipes.items()}
    chunks = np.array_split(idx, 2)
    kinds = {}
    for kind in PHOTO_KINDS:
        parts = Parallel(n_jobs=2)(
            delayed(_photos_of)(test.images[c], kind, c) for c in chunks
        )
        photos = np.concatenate([p for p, _ in parts])
        kinds[kind] = {
            "accuracy": {
                net: float(np.mean(p.predict(photos) == y)) for net, p in pipes.items()
            },
            "mean_abs_pixel_difference": float(
                np.abs(photos.astype(int) - images).mean()
            ),
            "ms_per_photo": 1000 * sum(t for _, t in parts) / len(images),
        }
        print(f"  {kind}: {kinds[kind]}", flush=True)
    return {"n_images": len(idx), "raw_accuracy": raw, "kinds": kinds}


def _training_flops_per_image(model) -> int:
    """Multiply-adds of one image's forward pass x 2 (FLOPs) x 3 (forward,
    and the backward pass's two products per layer)."""
    macs = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense":
            macs += layer.kernel.shape[0] * layer.kernel.shape[1]
        elif kind == "Conv2D":
            height, width = layer.output.shape[1:3]
            macs += height * width * int(np.prod(layer.kernel.shape))
    return 6 * macs


def _matmul_gflops() -> float:
    """The best float32 rate of TensorFlow's matmul (oneDNN, the kernels that
    train) on 4096 x 4096 matrices, on every core: the CPU's practical peak."""
    import tensorflow as tf

    a = tf.random.uniform((4096, 4096), seed=0)
    tf.linalg.matmul(a, a).numpy()
    best = min(median_s(lambda: tf.linalg.matmul(a, a).numpy(), 1) for _ in range(5))
    return 2 * 4096**3 / best / 1e9


def bench_peak(quick: bool) -> dict:
    """Each default's training throughput as a fraction of the float32 peak.

    The epoch time is each default's second epoch on the training images (the
    first traces the step), in a fresh process; the peak is TensorFlow's own
    matmul rate, measured just before, on the same cores.
    """
    from skfashion import FashionCNNClassifier, FashionMLPClassifier

    n = 6000 if quick else None
    peak = _matmul_gflops()
    result = {"matmul_gflops": peak}
    for name, mode, clf in (
        ("mlp", "skfashion", FashionMLPClassifier()),
        ("cnn", "skfashion_cnn", FashionCNNClassifier()),
    ):
        run = _worker(mode, n=n, epochs=2, seed=0)
        flops = _training_flops_per_image(clf.build_network(784, 10))
        gflops = flops * run["n_train"] / run["epoch_s"][1] / 1e9
        result[name] = {
            "epoch_s": run["epoch_s"][1],
            "n_train": run["n_train"],
            "training_flops_per_image": flops,
            "gflops": gflops,
            "fraction_of_peak": gflops / peak,
            # What dtype_policy="auto" chose on this CPU.
            "dtype_policy": run["dtype_policy"],
        }
        print(f"  {name}: {gflops:.1f} GFLOP/s, {gflops / peak:.1%} of {peak:.0f}")
    return result


def bench_backends(quick: bool) -> dict:
    """Each default's fit and epoch on each installed Keras backend, CPU,
    interleaved (a fresh process per run). Prediction runs in onnxruntime on
    every backend, so it is measured once, in the predict section."""
    import importlib.util

    backends = [
        b for b in ("tensorflow", "jax", "torch") if importlib.util.find_spec(b)
    ]
    n, epochs = (3000, 2) if quick else (12000, 3)
    result = {}
    for seed in [0] if quick else SEEDS[:2]:
        for net, mode in (("mlp", "skfashion"), ("cnn", "skfashion_cnn")):
            for backend in backends:
                run = _worker(mode, backend=backend, n=n, epochs=epochs, seed=seed)
                result.setdefault(net, {}).setdefault(backend, []).append(run)
                print(
                    f"  {net} {backend} seed {seed}: fit {run['fit_s']:.1f} s, "
                    f"epoch {median(run['epoch_s'][1:]):.2f} s",
                    flush=True,
                )
    return {
        net: {
            backend: {
                "fit_s": median(r["fit_s"] for r in runs),
                "epoch_s": median(t for r in runs for t in r["epoch_s"][1:]),
                "test_accuracy": median(r["test_accuracy"] for r in runs),
                "n_train": runs[0]["n_train"],
                "epochs": epochs,
            }
            for backend, runs in by_backend.items()
        }
        for net, by_backend in result.items()
    }


def bench_classical(quick: bool) -> dict:
    """Test accuracy and fit time of the compare command's models, full data."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from skfashion import classical_models, fetch_fashion_mnist, stratified_subsample

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    n = 3000 if quick else None
    X, y = stratified_subsample(train.data, train.target, n, random_state=0)
    results = {}
    for name, model in classical_models(0).items():
        if name.startswith("MLPClassifier"):
            continue  # measured in bench_peers with the same epochs
        X_m, y_m = X, y
        if name.startswith("SVC"):
            X_m, y_m = stratified_subsample(
                X, y, 1000 if quick else 20000, random_state=0
            )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_m, y_m)
        fit_s = time.perf_counter() - start
        results[name] = {
            "n_train": len(y_m),
            "fit_s": fit_s,
            "test_accuracy": float(model.score(test.data, test.target)),
        }
        print(f"  {name}: {results[name]['test_accuracy']:.4f}", flush=True)
    return results


def bench_parallel(quick: bool) -> dict:
    """A realistic GridSearchCV serially, with 2 processes, and on Dask."""
    import joblib
    from sklearn.model_selection import GridSearchCV

    from skfashion import fetch_fashion_mnist, make_fashion_pipeline

    X, y = fetch_fashion_mnist(subset="train", return_X_y=True)
    n = 2000 if quick else 12000
    X, y = X[:n], y[:n]
    grid = {
        "clf__hidden_layer_sizes": [(128,), (256, 128)],
        "clf__optimizer__learning_rate": [1e-3, 3e-3],
    }

    def search(n_jobs):
        est = make_fashion_pipeline(epochs=1 if quick else 3, random_state=0)
        start = time.perf_counter()
        gs = GridSearchCV(est, grid, cv=2, n_jobs=n_jobs).fit(X, y)
        return time.perf_counter() - start, gs.cv_results_["mean_test_score"].tolist()

    results = {}
    for label, n_jobs in (("n_jobs=1", 1), ("n_jobs=2", 2)):
        seconds, scores = search(n_jobs)
        results[label] = {"seconds": seconds, "scores": scores}
        print(f"  {label}: {seconds:.1f} s", flush=True)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is an optional extra
        results["dask"] = None
    else:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
            with Client(cluster), joblib.parallel_config(backend="dask"):
                seconds, scores = search(-1)
        results["dask (2 workers)"] = {"seconds": seconds, "scores": scores}
        print(f"  dask: {seconds:.1f} s", flush=True)
    serial = results["n_jobs=1"]["seconds"]
    results["ratios"] = {
        k: v["seconds"] / serial for k, v in results.items() if v and k != "n_jobs=1"
    }
    results["n_train"] = n
    return results


def _machine() -> dict:
    import keras
    import sklearn
    import tensorflow as tf

    name, flags = cpu()
    return {
        "cpu": name,
        "cpu_flags": flags,
        "cores": os.cpu_count(),
        "gpu": bool(tf.config.list_physical_devices("GPU")),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "scikit-learn": sklearn.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }


def _markdown(r: dict, quick: bool) -> str:
    t, p, pr = r["training"], r["predict"], r["peers"]
    ratios = t["ratios"]
    one = p["single_image_ms"]
    lines = [
        f"# skfashion benchmarks{' (quick smoke run)' if quick else ''}",
        "",
        f"Machine: {r['machine']['cpu']}, {r['machine']['cores']} cores, "
        f"GPU: {r['machine']['gpu']}; TensorFlow {r['machine']['tensorflow']}, "
        f"Keras {r['machine']['keras']}, scikit-learn "
        f"{r['machine']['scikit-learn']}; {r['machine']['date']}.",
        f"Training: {t['n_train']:,} images, {t['epochs']} epochs, batch 32, the "
        "design's network; accuracy on the 10,000 test images.",
        "",
        "## Targets",
        "",
        "| target | measured | goal | met |",
        "|---|---:|---:|:---:|",
    ]

    def row(name, value, goal, ok, fmt="{:.3f}"):
        lines.append(
            f"| {name} | {fmt.format(value)} | {goal} | {'yes' if ok else 'no'} |"
        )

    default_fit = ratios["fit_skfashion_over_keras_default"]
    row(
        "fit time / raw Keras default fit (same network, data, batch, epochs)",
        default_fit,
        "<= 1.05",
        default_fit <= 1.05,
    )
    same_compile = ratios["fit_skfashion_over_keras_same_compile"]
    row(
        "fit time / raw Keras compiled alike (steps_per_execution, XLA)",
        same_compile,
        "<= 1.05",
        same_compile <= 1.05,
    )
    pr_ratio = p["ratios"]["predict_10000_pipeline_over_keras"]
    row(
        "predict 10,000 / raw Keras model.predict",
        pr_ratio,
        "<= 1.10",
        pr_ratio <= 1.10,
    )
    ep = ratios["epoch_skfashion_over_keras_default"]
    row("epoch time / raw Keras default fit (batch 32)", ep, "<= 0.75", ep <= 0.75)
    for net, ms, goal, same in (
        ("MLP", one, 0.25, "single_equals_batch_bit_for_bit"),
        ("CNN", p["cnn_single_image_ms"], 0.5, "cnn_single_equals_batch_bit_for_bit"),
    ):
        for method in ("predict_proba", "predict"):
            lat = ms[f"pipeline.{method}"]
            row(
                f"{net} single image, pipeline.{method} (ms, median)",
                lat,
                f"<= {goal} ms",
                lat <= goal,
            )
        row(f"{net} single image == batch, bit for bit", p[same], "True", p[same], "{}")
    for engine, calls in r.get("onnx", {}).get("cnn", {}).get("calls", {}).items():
        if engine.startswith("onnxruntime"):
            ms = calls["1"]["median_ms"]
            label = engine.replace("onnxruntime", "exported graph")
            row(f"CNN single image, {label} (ms, median)", ms, "<= 0.1 ms", ms <= 0.1)
    acc = t["skfashion"]["test_accuracy"]
    row(
        "default config test accuracy (median of seeds)",
        acc,
        ">= 0.89",
        acc >= 0.89,
        "{:.4f}",
    )
    pacc = pr["skfashion_preset"]["test_accuracy"]
    row("stronger preset test accuracy", pacc, ">= 0.90", pacc >= 0.90, "{:.4f}")
    presets = [r[key] for key in CNN_PRESET_SECTIONS if key in r]
    if presets:
        best = max(presets, key=lambda m: m["test_accuracy"])
        bacc = best["test_accuracy"]
        row(
            f"most accurate preset ({best['preset']}) test accuracy",
            bacc,
            ">= 0.95",
            bacc >= 0.95,
            "{:.4f}",
        )
    mlp, same = pr["sklearn_mlp"], pr["skfashion_alpha"]
    speedup = pr["fit_sklearn_over_skfashion"]
    row(
        "at MLPClassifier's settings (alpha=1e-4): accuracy vs MLPClassifier "
        "(medians of seeds)",
        f"{same['test_accuracy']:.4f} vs {mlp['test_accuracy']:.4f}",
        ">=",
        same["test_accuracy"] >= mlp["test_accuracy"],
        "{}",
    )
    row(
        "at MLPClassifier's settings: MLPClassifier fit / skfashion fit",
        speedup,
        ">= 2",
        speedup >= 2,
        "{:.2f}",
    )
    rss = ratios["peak_rss_skfashion_over_keras"]
    row("peak RSS / raw Keras", rss, "<= 1.1", rss <= 1.1)
    lines += [
        "",
        "## Training (medians)",
        "",
        "| | fit (s) | epoch (s) | test accuracy | per seed | peak RSS (MB) |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for mode, label in (
        ("keras", "raw Keras, default fit"),
        ("keras_same_compile", "raw Keras, compiled alike (32 steps/call, XLA)"),
        ("skfashion", "skfashion FashionMLPClassifier"),
    ):
        m = t[mode]
        accs = ", ".join(f"{a:.4f}" for a in m["test_accuracies"])
        lines.append(
            f"| {label} | {m['fit_s']:.1f} | {m['epoch_s']:.2f} | "
            f"{m['test_accuracy']:.4f} | {accs} | {m['peak_rss_mb']:.0f} |"
        )
    preset = pr["skfashion_preset"]
    name = preset.get("preset", "mlp-strong")
    lines.append(
        f"| skfashion preset {name} ({preset['epochs']} epochs) | "
        f"{preset['fit_s']:.1f} | {median(preset['epoch_s']):.2f} | "
        f"{preset['test_accuracy']:.4f} | seed 0 | {preset['peak_rss_mb']:.0f} |"
    )
    for m, label in (
        (same, "skfashion, MLPClassifier's settings (alpha=1e-4)"),
        (mlp, "scikit-learn MLPClassifier, same layers"),
    ):
        accs = ", ".join(f"{a:.4f}" for a in m["test_accuracies"])
        lines.append(
            f"| {label} | {m['fit_s']:.1f} | {m['epoch_s']:.2f} | "
            f"{m['test_accuracy']:.4f} | {accs} | {m['peak_rss_mb']:.0f} |"
        )
    lines += [
        "",
        "## Prediction",
        "",
        "| MLP, single image | median ms |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v:.3f} |" for k, v in one.items()]
    lines += ["", "| CNN, single image | median ms |", "|---|---:|"]
    lines += [f"| {k} | {v:.3f} |" for k, v in p["cnn_single_image_ms"].items()]
    lines += ["", "| images per call | images/s |", "|---:|---:|"]
    lines += [f"| {k} | {v:,.0f} |" for k, v in p["throughput_images_per_s"].items()]
    lines += ["", "## Classical models (full training set; SVC on 20,000)", ""]
    lines += ["| model | n train | fit (s) | test accuracy | published |"]
    lines += ["|---|---:|---:|---:|---:|"]
    for name, c in r["classical"].items():
        pub = published.SCIKIT_LEARN.get(name.split(" ")[0], "")
        lines.append(
            f"| {name} | {c['n_train']:,} | {c['fit_s']:.1f} | "
            f"{c['test_accuracy']:.4f} | {pub} |"
        )
    lines.append(
        f"| MLPClassifier (512,256,128), 15 epochs | {mlp['n_train']:,} | "
        f"{mlp['fit_s']:.1f} | {mlp['test_accuracy']:.4f} | "
        f"{published.SCIKIT_LEARN['MLPClassifier']} |"
    )
    par = r["parallel"]
    lines += ["", f"## GridSearchCV, 4 candidates x 2 folds, {par['n_train']:,} images"]
    lines += ["", "| backend | seconds | / serial |", "|---|---:|---:|"]
    for k, v in par.items():
        if isinstance(v, dict) and "seconds" in v:
            ratio = par["ratios"].get(k, 1.0)
            lines.append(f"| {k} | {v['seconds']:.1f} | {ratio:.2f} |")
    for section, when in r.get("rerun", {}).items():
        lines += [
            "",
            f"Section '{section}' measured in another run, on {when['date']} "
            f"({when['cpu']}).",
        ]
    lines += _markdown_new_sections(r)
    lines += [
        "",
        "Dataset load (all 70,000 images, new process): "
        f"cold {r['datasets']['cold_s']:.2f} s, warm {r['datasets']['warm_s']:.2f} s.",
    ]
    return "\n".join(lines) + "\n"


def _markdown_new_sections(r: dict) -> list[str]:
    """The CNN, persistence, ONNX and photo sections, where this run has them."""
    lines = []
    if "cnn" in r:
        c = r["cnn"]
        lines += ["", f"## FashionCNNClassifier defaults, {c['n_train']:,} images", ""]
        lines += [
            "| | fit (s) | epoch (s) | test accuracy | per seed | peak RSS (MB) |"
        ]
        lines += ["|---|---:|---:|---:|---|---:|"]
        for mode, label in (
            ("keras_cnn", "raw Keras, same network"),
            ("skfashion_cnn", "FashionCNNClassifier()"),
        ):
            m = c[mode]
            accs = ", ".join(f"{a:.4f}" for a in m["test_accuracies"])
            lines.append(
                f"| {label} | {m['fit_s']:.1f} | {m['epoch_s']:.2f} | "
                f"{m['test_accuracy']:.4f} | {accs} | {m['peak_rss_mb']:.0f} |"
            )
        ratios = ", ".join(f"{k} {v:.3f}" for k, v in c["ratios"].items())
        lines += ["", f"Ratios: {ratios}.", ""]
        s, q = c["skfashion_cnn"], c["ratios"]
        goals = [
            ("test accuracy (median)", s["test_accuracy"], CNN_ACCURACY_GOAL, ">=", 4),
            ("fit (s, median)", s["fit_s"], CNN_FIT_GOAL_S, "<=", 1),
            ("fit / raw Keras", q["fit_skfashion_over_keras"], 1.05, "<=", 3),
            ("peak RSS / raw Keras", q["peak_rss_skfashion_over_keras"], 1.1, "<=", 3),
        ]
        goals += [
            (
                f"preset {r[section]['preset']!r} test accuracy (seed 0)",
                r[section]["test_accuracy"],
                CNN_PRESET_ACCURACY_GOAL,
                ">=",
                4,
            )
            for section in CNN_PRESET_SECTIONS
            if section in r
        ]
        lines += ["| CNN target | measured | goal | met |", "|---|---:|---:|:---:|"]
        for name, value, goal, op, digits in goals:
            met = value >= goal if op == ">=" else value <= goal
            lines.append(
                f"| {name} | {value:.{digits}f} | {op} {goal} | "
                f"{'yes' if met else 'no'} |"
            )
    for m in (r[s] for s in CNN_PRESET_SECTIONS if s in r):
        lines += [
            "",
            f"CNN preset {m['preset']!r} ({m['n_train']:,} images, seed 0): fit "
            f"{m['fit_s']:.1f} s ({m['epochs']} epochs, median epoch "
            f"{median(m['epoch_s']):.1f} s), test accuracy {m['test_accuracy']:.4f}, "
            f"peak RSS {m['peak_rss_mb']:.0f} MB.",
        ]
    if "persistence" in r:
        lines += ["", "## Model files: save_model (data only) vs joblib", ""]
        lines += [
            "| network | save (ms) | load (ms) | bytes | joblib dump (ms) | "
            "joblib load (ms) | joblib bytes |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, m in r["persistence"].items():
            t, b = m["seconds"], m["bytes"]
            lines.append(
                f"| {name} | {1000 * t['save_model']:.1f} | "
                f"{1000 * t['load_model']:.1f} | {b['skfashion']:,} | "
                f"{1000 * t['joblib.dump']:.1f} | {1000 * t['joblib.load']:.1f} | "
                f"{b['joblib']:,} |"
            )
    if "onnx" in r:
        lines += [
            "",
            "## Serving: the exported graph vs predict_proba vs MLPClassifier",
            "",
        ]
        lines += [
            "| network | predictor | 1 image (ms) | images/s at 1 | 32 | "
            "1,000 | 10,000 |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for name, m in r["onnx"].items():
            for predictor, calls in m["calls"].items():
                rates = " | ".join(
                    f"{calls[k]['images_per_s']:,.0f}"
                    for k in ("1", "32", "1000", "10000")
                )
                lines.append(
                    f"| {name} | {predictor} | "
                    f"{calls['1']['median_ms']:.3f} | {rates} |"
                )
        sizes = ", ".join(
            f"{k} {m['onnx_bytes']:,} bytes (max |p - predict_proba| "
            f"{m['max_abs_proba_difference']:.1e}, same argmax {m['same_argmax']:.4f})"
            for k, m in r["onnx"].items()
        )
        lines += ["", f"ONNX files: {sizes}."]
    if "photos" in r:
        p = r["photos"]
        raw = p["raw_accuracy"]
        lines += ["", f"## Photos: load_image on {p['n_images']:,} test images", ""]
        lines += [
            "Synthetic product photos of each test image (`skfashion.make_photo`: "
            "fixed renderings, and renderings drawn at random per image), read by "
            "`load_image`, classified by each estimator's defaults. Raw test "
            f"images: MLP {raw['mlp']:.4f}, CNN {raw['cnn']:.4f}.",
            "",
            "| photo | MLP | minus raw | CNN | minus raw | mean abs pixel "
            "difference | ms per photo (make + read) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, m in p["kinds"].items():
            a = m["accuracy"]
            lines.append(
                f"| {kind} | {a['mlp']:.4f} | {a['mlp'] - raw['mlp']:+.4f} | "
                f"{a['cnn']:.4f} | {a['cnn'] - raw['cnn']:+.4f} | "
                f"{m['mean_abs_pixel_difference']:.2f} | {m['ms_per_photo']:.2f} |"
            )
    if "strangers" in r:
        lines += bench_strangers.markdown(r["strangers"])
    if bench_bfloat16.RESULTS.exists():
        lines += bench_bfloat16.markdown()
    if bench_onnx_floor.RESULTS.exists():
        lines += bench_onnx_floor.markdown()
    if "backends" in r:
        b = r["backends"]
        first = b["mlp"]["tensorflow"]
        lines += [
            "",
            "## Keras backends, CPU",
            "",
            f"Each default on {first['n_train']:,} training images, "
            f"{first['epochs']} epochs; epoch: the median after each run's "
            "first (traced) epoch. Prediction runs in onnxruntime on every "
            "backend (see Prediction).",
            "",
            "| network | backend | fit (s) | epoch (s) | / TensorFlow's epoch "
            "| test accuracy |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for net, by_backend in b.items():
            tf_epoch = by_backend["tensorflow"]["epoch_s"]
            for backend, m in by_backend.items():
                lines.append(
                    f"| {net.upper()} | {backend} | {m['fit_s']:.1f} | "
                    f"{m['epoch_s']:.2f} | {m['epoch_s'] / tf_epoch:.2f} | "
                    f"{m['test_accuracy']:.4f} |"
                )
        if not r["machine"]["gpu"]:
            lines += [
                "",
                "No GPU was available to this run: GPU fits are not measured.",
            ]
    if "peak" in r:
        pk = r["peak"]
        lines += [
            "",
            "## Training throughput against the CPU's float32 peak",
            "",
            f"Peak: TensorFlow's float32 matmul, 4096 x 4096, "
            f"{pk['matmul_gflops']:.0f} GFLOP/s on {r['machine']['cores']} cores. "
            "Training FLOPs: 6 x the multiply-adds of one image's forward pass.",
            "",
            "| network | epoch (s) | images | GFLOP per image | GFLOP/s | of peak |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for net in ("mlp", "cnn"):
            m = pk[net]
            policy = f" ({m['dtype_policy']})" if "dtype_policy" in m else ""
            lines.append(
                f"| {net.upper()} defaults{policy} | {m['epoch_s']:.2f} | "
                f"{m['n_train']:,} | "
                f"{m['training_flops_per_image'] / 1e9:.4f} | {m['gflops']:.1f} | "
                f"{m['fraction_of_peak']:.1%} |"
            )
    return lines


# Sections run only with --long: the presets' full fits, which would take make
# bench past 2.5 hours.
LONG = CNN_PRESET_SECTIONS

BENCHES = {
    "datasets": lambda q: bench_datasets.run(repeats=1 if q else 3),
    "training": bench_training,
    "peers": bench_peers,
    "predict": bench_predict,
    "classical": bench_classical,
    "parallel": bench_parallel,
    "cnn": bench_cnn,
    "cnn_preset": bench_cnn_preset,
    "cnn_augmented": bench_cnn_augmented,
    "cnn_erasing": bench_cnn_erasing,
    "persistence": bench_persistence,
    "onnx": bench_onnx,
    "photos": bench_photos,
    "strangers": bench_strangers.run,
    "peak": bench_peak,
    "backends": bench_backends,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--markdown", action="store_true", help="only rewrite RESULTS.md from the JSON"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(BENCHES),
        help="re-run these sections and keep the others from the last results",
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help=f"also run the long sections ({', '.join(LONG)})",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        choices=[1, 2, 3],
        default=3,
        help="seeds per configuration in the training, peers and cnn sections",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    SEEDS[:] = SEEDS[: args.seeds]
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    suffix = "-quick" if quick else ""
    if args.markdown:
        results = json.loads((out / f"results{suffix}.json").read_text())
        (out / f"RESULTS{suffix}.md").write_text(_markdown(results, quick))
        return
    previous = out / f"results{suffix}.json"
    last = json.loads(previous.read_text()) if previous.exists() else {}
    started = time.perf_counter()
    machine = _machine()
    if args.only:
        # The other sections, and their machine, come from the last run.
        results = {**last, "rerun": dict(last.get("rerun", {}))}
        results.setdefault("machine", machine)
        to_run = list(args.only)
    else:
        results = {"machine": machine, "rerun": {}}
        to_run = [n for n in BENCHES if args.long or quick or n not in LONG]
        for name in set(BENCHES) - set(to_run):
            if name in last:  # kept, with the run it came from
                results[name] = last[name]
                results["rerun"][name] = last.get("rerun", {}).get(
                    name, {k: last["machine"][k] for k in ("date", "cpu")}
                )
    results["quick"] = quick
    results["section_s"] = dict(last.get("section_s", {}) if args.only else {})
    for name in to_run:
        print(f"{name} ...", flush=True)
        section_started = time.perf_counter()
        results[name] = BENCHES[name](quick)
        results["section_s"][name] = time.perf_counter() - section_started
        if args.only:
            results["rerun"][name] = {
                "date": time.strftime("%Y-%m-%d"),
                "cpu": machine["cpu"],
            }
        results["total_s"] = time.perf_counter() - started
        # After each section, so that a failure later keeps what was measured.
        previous.write_text(json.dumps(results, indent=1) + "\n")
    missing = [name for name in ("training", "predict", "peers") if name not in results]
    if missing:  # --only on a first run: nothing to keep the other sections from
        print(
            f"RESULTS{suffix}.md not written: it needs the sections {missing}; "
            "run benchmarks/run.py without --only once."
        )
    else:
        markdown = _markdown(results, quick)
        (out / f"RESULTS{suffix}.md").write_text(markdown)
        print(markdown)
    print(f"total {results['total_s']:.0f} s")


if __name__ == "__main__":
    main()
