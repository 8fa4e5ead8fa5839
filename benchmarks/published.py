"""The best published networks on Fashion-MNIST, beside skfashion's.

Writes ``benchmarks/results/published.json``: the published test accuracies
below (from the benchmark table of zalandoresearch/fashion-mnist's README,
the dataset's own list) and the parameter count of each estimator's default
network and of each preset's, counted by building it (no training). The
README's "Beside published networks" table is generated from it and from
``results.json`` by ``benchmarks/tables.py``.

Usage: python benchmarks/published.py
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "published.json"
SOURCE = "https://github.com/zalandoresearch/fashion-mnist#benchmark"

#: (network, parameters or None where not given, training, test accuracy).
PUBLISHED = [
    ("WRN-40-4", 8_900_000, "random crops, horizontal flips", 0.967),
    ("WRN-28-10", 36_500_000, "random crops, flips, random erasing", 0.963),
    ("DenseNet-BC", 768_000, "random crops, horizontal flips", 0.954),
    ("MobileNet", None, "horizontal flips", 0.950),
    ("ResNet-18", 11_200_000, "flips, translations, rotations", 0.949),
    ("CNN with shortcuts, dense connectivity", None, "random erasing", 0.947),
    ("2 conv + 2 dense", None, "horizontal flips", 0.939),
    ("VGG16", 26_000_000, "none", 0.935),
    ("2 conv + 3 dense, batch norm", 500_000, "augmentation", 0.934),
    ("MLP 256-128-100", None, "none", 0.8833),
]

#: The dataset authors' benchmark of scikit-learn classifiers on the test set,
#: the best configuration of each (the same table).
SCIKIT_LEARN = {
    "SVC": 0.897,
    "MLPClassifier": 0.877,
    "RandomForestClassifier": 0.873,
    "LogisticRegression": 0.842,
}


def parameter_counts() -> dict[str, int]:
    """The parameter count on 28 x 28 images of each estimator's default
    network ("mlp", "cnn") and of each preset's (by its name)."""
    import numpy as np

    from skfashion import PRESETS, make_fashion_pipeline

    X = np.random.RandomState(0).randint(0, 256, (10, 784)).astype(np.uint8)
    y = np.arange(10)
    counts = {}
    networks = {"mlp": {"model": "mlp"}, "cnn": {"model": "cnn"}, **PRESETS}
    for name, params in networks.items():
        pipe = make_fashion_pipeline(**params)
        clf = pipe[-1].initialize(pipe[:-1].fit_transform(X), y)
        counts[name] = int(clf.model_.count_params())
    return counts


def main() -> None:
    RESULTS.write_text(
        json.dumps(
            {
                "source": SOURCE,
                "published": [
                    dict(network=n, parameters=p, training=t, test_accuracy=a)
                    for n, p, t, a in PUBLISHED
                ],
                "skfashion_parameters": parameter_counts(),
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
