"""Check that a change leaves both estimators' predictions bit for bit equal.

Fits each estimator's defaults (a few epochs on a stratified subsample, fixed
seeds) and records the SHA-256 of ``predict_proba`` on 2,000 test images, and
of the fitted weights. Run it with ``--save`` before a refactoring and with
``--check`` after it, on the same machine: the numbers depend on the CPU's
kernels (oneDNN on or off), so the file is no fixture for other machines.

    python benchmarks/same_predictions.py --save /tmp/before.json
    python benchmarks/same_predictions.py --check /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import numpy as np
from sklearn.model_selection import train_test_split

from skfashion import fetch_fashion_mnist, make_fashion_pipeline


def _digest(array) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def fingerprints() -> dict[str, dict[str, str]]:
    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, _, y, _ = train_test_split(
        train.data, train.target, train_size=3000, stratify=train.target, random_state=0
    )
    X_test = test.data[:2000]
    pipelines = {
        "mlp": make_fashion_pipeline(epochs=3, random_state=0),
        "mlp-early-stopping-cosine": make_fashion_pipeline(
            epochs=4, early_stopping=True, learning_rate="cosine", random_state=1
        ),
        "cnn": make_fashion_pipeline("cnn", epochs=1, random_state=0),
    }
    out = {}
    for name, pipe in pipelines.items():
        pipe.fit(X, y)
        weights = pipe[-1].model_.get_weights()
        out[name] = {
            "predict_proba": _digest(pipe.predict_proba(X_test)),
            "one_image": _digest(pipe.predict_proba(X_test[:1])),
            "weights": _digest(np.concatenate([w.ravel() for w in weights])),
            "history": _digest(np.asarray(pipe[-1].history_["loss"])),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", metavar="JSON")
    group.add_argument("--check", metavar="JSON")
    args = parser.parse_args()
    now = fingerprints()
    if args.save:
        with open(args.save, "w") as f:
            json.dump(now, f, indent=1)
        print(f"wrote {args.save}")
        return 0
    with open(args.check) as f:
        before = json.load(f)
    differ = [
        f"{name} {what}"
        for name in before
        for what in before[name]
        if now.get(name, {}).get(what) != before[name][what]
    ]
    print("bit for bit equal" if not differ else "differ: " + ", ".join(differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
