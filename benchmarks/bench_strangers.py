"""Strangers: how well each score tells test garments from digits and noise.

Both estimators' defaults, trained on all 60,000 training images (quick:
6,000 images, 2 epochs), score the 10,000 test images, scikit-learn's 1,797
handwritten digits (8 x 8, upscaled to 28 x 28) and 1,000 uniform-noise
images. Side by side, from the same fitted networks: the top softmax
probability (the baseline), the energy score (logsumexp of the logits), a
class-conditional Gaussian with one shared covariance on the last hidden
features (Mahalanobis distance), the nearest-neighbour similarity of those
features alone, the pixels' diagonal Gaussian alone, and ``score_samples``
(the lower of the last two, standardised). For each: the AUROC of test
images against each kind of stranger, and, at the threshold that flags 1%
of held-out training images, the share of each set flagged.
"""

from __future__ import annotations

import time

import numpy as np


def _digits() -> np.ndarray:
    from PIL import Image
    from sklearn.datasets import load_digits

    images = (load_digits().images / 16 * 255).astype(np.uint8)
    return np.stack(
        [
            np.asarray(Image.fromarray(i).resize((28, 28), Image.BILINEAR))
            for i in images
        ]
    ).reshape(len(images), -1)


def _auroc(inliers, outliers) -> float:
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(len(inliers)), np.zeros(len(outliers))]
    return float(roc_auc_score(labels, np.r_[inliers, outliers]))


def _scores(pipe, sets: dict, X_train, y_train) -> dict[str, dict[str, np.ndarray]]:
    """Every method's score (higher: more typical) on every set, from ``pipe``."""
    import keras  # after skfashion: its import keeps TensorFlow quiet
    from scipy.special import logsumexp
    from sklearn.covariance import LedoitWolf

    clf = pipe[-1]
    network = clf.model_
    features_of = keras.Model(network.inputs, network.layers[-2].output)
    kernel, bias = (np.asarray(w, np.float64) for w in network.layers[-1].weights)
    scaled = {k: pipe[0].transform(v) for k, v in sets.items()}
    reference = pipe[0].transform(X_train[:5000])
    features = {
        k: features_of.predict(v, batch_size=1000, verbose=0).astype(np.float64)
        for k, v in {**scaled, "reference": reference}.items()
    }
    logits = {k: v @ kernel + bias for k, v in features.items()}
    codes = np.searchsorted(clf.classes_, y_train[:5000])
    means = np.stack([features["reference"][codes == c].mean(0) for c in range(10)])
    precision = (
        LedoitWolf(assume_centered=True)
        .fit(features["reference"] - means[codes])
        .precision_
    )
    unit_ref = features["reference"] / np.linalg.norm(
        features["reference"], axis=1, keepdims=True
    )
    pixel_mean = reference.astype(np.float64).mean(0)
    pixel_var = np.maximum(reference.astype(np.float64).var(0), 1e-4)
    out: dict[str, dict[str, np.ndarray]] = {}
    for name in sets:
        f, z = features[name], logits[name]
        diff = f[:, None, :] - means[None]
        unit = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
        pixels = scaled[name].astype(np.float64) - pixel_mean
        out[name] = {
            "top softmax probability": np.exp(z - logsumexp(z, 1, keepdims=True)).max(
                1
            ),
            "energy": logsumexp(z, axis=1),
            "Mahalanobis, last hidden layer": -np.einsum(
                "nkd,de,nke->nk", diff, precision, diff
            ).min(1),
            "nearest neighbours, last hidden layer": -np.partition(
                -(unit @ unit_ref.T), 4, axis=1
            )[:, 4],
            "pixels' Gaussian": -0.5
            * np.einsum("nd,d,nd->n", pixels, 1 / pixel_var, pixels),
            "score_samples": clf.score_samples(scaled[name]),
        }
    return out


def run(quick: bool) -> dict:
    from skfashion import fetch_fashion_mnist, is_outlier, make_fashion_pipeline

    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    n, epochs = (6000, 2) if quick else (None, None)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(train.target))
    # The held-out training images that set each method's 1% threshold.
    held_out, fit_rows = order[:5000], order[5000:][:n]
    X, y = train.data[fit_rows], train.target[fit_rows]
    sets = {
        "held-out": train.data[held_out],
        "test": test.data,
        "digits": _digits(),
        "noise": rng.integers(0, 256, (1000, 784), dtype=np.uint8),
    }
    result = {"n_train": len(y), "n": {k: len(v) for k, v in sets.items()}}
    for model in ("mlp", "cnn"):
        params = (
            {"random_state": 0}
            if epochs is None
            else {"epochs": epochs, "random_state": 0}
        )
        pipe = make_fashion_pipeline(model, **params)
        start = time.perf_counter()
        pipe.fit(X, y)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        pipe.score_samples(train.data[:10000])
        score_10000_s = time.perf_counter() - start
        scores = _scores(pipe, sets, X, y)
        methods = {}
        for method in scores["test"]:
            threshold = np.quantile(scores["held-out"][method], 0.01)
            methods[method] = {
                "auroc_digits": _auroc(
                    scores["test"][method], scores["digits"][method]
                ),
                "auroc_noise": _auroc(scores["test"][method], scores["noise"][method]),
                "flagged_at_1pct": {
                    k: float(np.mean(s[method] < threshold)) for k, s in scores.items()
                },
            }
        result[model] = {
            "fit_s": fit_s,
            "test_accuracy": float(pipe.score(test.data, test.target)),
            # An upper bound on what fitting the statistics costs: they score
            # 5,000 images against 5,000 through one forward pass of 10,000.
            "score_samples_10000_s": score_10000_s,
            "is_outlier_share": {
                k: float(is_outlier(pipe, v).mean()) for k, v in sets.items()
            },
            "methods": methods,
        }
        print(f"  {model}: {result[model]}", flush=True)
    return result


def markdown(r: dict) -> list[str]:
    lines = [
        "",
        "## Strangers: score_samples against digits and noise",
        "",
        f"Each estimator's defaults, trained on {r['n_train']:,} training images; "
        f"{r['n']['test']:,} test images against {r['n']['digits']:,} digits "
        f"(`load_digits`, upscaled) and {r['n']['noise']:,} noise images. AUROC: "
        "test images scored above strangers; flagged: below the threshold that "
        f"flags 1% of {r['n']['held-out']:,} held-out training images.",
        "",
        "| network | score | AUROC digits | AUROC noise | flagged: test | "
        "digits | noise |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for model in ("mlp", "cnn"):
        for method, m in r[model]["methods"].items():
            flagged = m["flagged_at_1pct"]
            lines.append(
                f"| {model.upper()} | {method} | {m['auroc_digits']:.3f} | "
                f"{m['auroc_noise']:.3f} | {flagged['test']:.3f} | "
                f"{flagged['digits']:.3f} | {flagged['noise']:.3f} |"
            )
    lines.append("")
    for model in ("mlp", "cnn"):
        m = r[model]
        share = m["is_outlier_share"]
        lines.append(
            f"- {model.upper()}: fit {m['fit_s']:.0f} s (test accuracy "
            f"{m['test_accuracy']:.4f}); `score_samples` on 10,000 images "
            f"{m['score_samples_10000_s']:.2f} s; `is_outlier` with the fitted "
            f"`offset_` flags test {share['test']:.3f}, digits "
            f"{share['digits']:.3f}, noise {share['noise']:.3f}."
        )
    return lines
