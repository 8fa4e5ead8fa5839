"""The sweep that chose the CNN defaults and presets (run on a lent GPU).

Keras 3 on JAX: the GPU machine had JAX and no TensorFlow, and TensorFlow's
wheel is too large to carry there, so this fits the candidate networks
(``archs.py``, ``specs.py``) with plain ``keras.Model.fit`` and the
estimators' schedule (Adam, cosine per epoch), not through skfashion's
estimators. Accuracies carry over to CPU; times do not (``cputime.py``
estimates a CPU epoch of each candidate here). The data files
(``*-ubyte.gz``) are read from $FASHION_MNIST_DIR, else from this folder.
Results of the 2026-11-26 runs (three leases; the later ones' rows carry
"lease": "2026-11-26 second" or "third"): ``benchmarks/results/gpu_sweep.jsonl``
and ``gpu_sweep_cpu_epochs.jsonl`` (the later leases' CPU estimates are in
the README's tables only). Each fit also appends its epochs to
``$OUT/progress.jsonl``, so that a fit the lease cuts off leaves its times.

python sweep.py                         timing stage alone, then the sweep
python sweep.py one KIND NAME SEED      one job, prints a JSON line
SWEEP_JOBS=cnn:sv:0,... python sweep.py only these jobs
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.environ.get("OUT", "/tmp/out")

MLPS = {
    "m_512_d2_b128_e40": dict(
        hidden=(512, 256, 128), dropout=0.2, batch=128, epochs=40
    ),
    "m_1024_d3_b128_e40": dict(
        hidden=(1024, 512, 256), dropout=0.3, batch=128, epochs=40
    ),
    "m_1024x2_d5_b128_e60": dict(
        hidden=(1024, 1024), dropout=0.5, batch=128, epochs=60
    ),
    "m_512_d3_b64_e30": dict(hidden=(512, 256, 128), dropout=0.3, batch=64, epochs=30),
    "m_2048_d5_b256_e60": dict(hidden=(2048, 1024), dropout=0.5, batch=256, epochs=60),
    "m_1024_d4_b128_e60": dict(
        hidden=(1024, 512, 256), dropout=0.4, batch=128, epochs=60
    ),
}


def one(kind, name, seed):
    import archs
    import specs

    data = archs.load(os.environ.get("FASHION_MNIST_DIR", HERE))
    if os.environ.get("SWEEP_SMALL"):  # local smoke test
        data = (data[0][:512], data[1][:512], data[2][:100], data[3][:100])
    if kind == "cnn":
        spec = dict(specs.SPECS.get(name) or specs.AUG[name])
        r = archs.train(spec, seed, data, callbacks=[_progress(name, seed)])
    elif kind == "mlp":
        r = train_mlp(MLPS[name], seed, data)
    else:  # timing of the package's own builders
        r = timing(name, data)
    r.update(kind=kind, name=name, seed=seed)
    print(json.dumps(r), flush=True)


def _progress(name, seed):
    """Appends each epoch's end to $OUT/progress.jsonl: a job that the lease
    cuts off still leaves its epoch times."""
    import keras

    path = os.path.join(OUT, "progress.jsonl")

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            line = dict(name=name, seed=seed, epoch=epoch, time=time.time())
            line["accuracy"] = float(logs.get("accuracy", float("nan")))
            with open(path, "a") as f:
                f.write(json.dumps(line) + "\n")

    return Progress()


def train_mlp(m, seed, data):
    import math

    import keras
    import numpy as np

    from skfashion.networks import build_mlp

    Xtr, ytr, Xte, yte = data
    keras.utils.set_random_seed(seed)
    model = build_mlp(
        784,
        10,
        hidden_layer_sizes=m["hidden"],
        activation="relu",
        dropout=m["dropout"],
        l2=0.0,
        seed=seed,
    )
    model.compile(
        keras.optimizers.Adam(1e-3),
        "categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=32,
    )
    epochs = m["epochs"]

    def rate(e, current=None):
        return 1e-3 * 0.5 * (1 + math.cos(math.pi * min(e, epochs - 1) / epochs))

    t = time.perf_counter()
    h = model.fit(
        Xtr,
        np.eye(10, dtype="float32")[ytr],
        batch_size=m["batch"],
        epochs=epochs,
        verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(rate)],
    )
    fit = time.perf_counter() - t
    acc = float(
        (model.predict(Xte, batch_size=1000, verbose=0).argmax(1) == yte).mean()
    )
    return {
        "test_accuracy": acc,
        "train_accuracy": float(h.history["accuracy"][-1]),
        "fit_s": fit,
    }


def timing(name, data):
    """Epoch times of skfashion.networks' builders at the estimators' defaults."""
    import archs
    import numpy as np

    from skfashion import FashionCNNClassifier, FashionMLPClassifier

    Xtr, ytr, Xte, _yte = data
    clf = FashionMLPClassifier() if name == "mlp_design" else FashionCNNClassifier()
    model = clf.initialize(Xtr[:10].astype("float32") / 255, np.arange(10)).model_
    batch, spe = clf.batch_size, 32
    model.compile(
        "adam",
        "categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=spe,
    )
    times, clock = archs.epoch_clock()

    model.fit(
        Xtr,
        np.eye(10, dtype="float32")[ytr],
        batch_size=batch,
        epochs=4,
        verbose=0,
        callbacks=[clock],
    )
    t = time.perf_counter()
    model.predict(Xte, batch_size=1000, verbose=0)
    return {
        "epoch_s": times,
        "predict_10000_s": time.perf_counter() - t,
        "batch_size": batch,
    }


def driver():
    import specs

    os.makedirs(OUT, exist_ok=True)
    log = open(os.path.join(OUT, "results.jsonl"), "a")
    env = dict(os.environ, KERAS_BACKEND="jax", XLA_PYTHON_CLIENT_PREALLOCATE="false")
    start = time.time()
    # Timing alone on the GPU first.
    only = os.environ.get("SWEEP_JOBS")
    for name in () if only else ("mlp_design", "cnn_default"):
        p = subprocess.run(
            [sys.executable, __file__, "one", "time", name, "0"],
            env=env,
            capture_output=True,
            text=True,
        )
        line = p.stdout.strip().splitlines()[-1:] or [
            json.dumps({"name": name, "error": p.stderr[-2000:]})
        ]
        log.write(line[0] + "\n")
        log.flush()
        print(line[0], flush=True)
    jobs = (
        [("cnn", n, 0) for n in specs.SPECS]
        + [("cnn", n, 0) for n in specs.AUG]
        + [("mlp", n, 0) for n in MLPS]
        + [("cnn", n, 1) for n in specs.SPECS]
    )
    if only:
        jobs = [
            (j.split(":")[0], j.split(":")[1], int(j.split(":")[2]))
            for j in only.split(",")
        ]
    budget = float(os.environ.get("SWEEP_BUDGET", "470"))
    parallel = int(os.environ.get("SWEEP_PARALLEL", "6"))
    running = []
    while jobs or running:
        while jobs and len(running) < parallel and time.time() - start < budget:
            kind, name, seed = jobs.pop(0)
            p = subprocess.Popen(
                [sys.executable, __file__, "one", kind, name, str(seed)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            running.append((p, kind, name, seed, time.time()))
        if not running:
            break
        for item in list(running):
            p = item[0]
            if p.poll() is not None:
                out, err = p.communicate()
                lines = out.strip().splitlines()
                line = (
                    lines[-1]
                    if lines
                    else json.dumps(
                        {
                            "kind": item[1],
                            "name": item[2],
                            "seed": item[3],
                            "error": err[-1500:],
                        }
                    )
                )
                log.write(line + "\n")
                log.flush()
                print(round(time.time() - start), line, flush=True)
                running.remove(item)
        time.sleep(1)
    print("done", round(time.time() - start), "s; not run:", jobs, flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "one":
        one(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        driver()
