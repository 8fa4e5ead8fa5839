"""scikit-learn's estimator check suite over skfashion and its peers.

Counts, for each estimator, the checks scikit-learn selects for it and how
many pass, fail or are skipped, with no expected failures declared for
anyone: SciKeras' KerasClassifier, Keras' SKLearnClassifier, scikit-learn's
MLPClassifier and FashionMLPClassifier, on the installed scikit-learn.

    python benchmarks/check_suite_peers.py
"""

from __future__ import annotations

import json
import os
import warnings
from unittest import SkipTest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _keras_model(meta=None, compile_kwargs=None, **_):
    import keras

    n_in, n_out = meta["n_features_in_"], meta["n_classes_"]
    model = keras.Sequential(
        [
            keras.Input((n_in,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(n_out, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model


def _keras_dynamic(X, y, loss):
    import keras

    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(y.shape[1] if y.ndim > 1 else 1, activation="softmax"),
        ]
    )
    model.compile(loss=loss, optimizer="adam")
    return model


def estimators():
    from keras.wrappers import SKLearnClassifier
    from scikeras.wrappers import KerasClassifier
    from sklearn.neural_network import MLPClassifier

    from skfashion import FashionMLPClassifier

    return {
        "skfashion FashionMLPClassifier": FashionMLPClassifier(
            hidden_layer_sizes=(32,),
            epochs=10,
            batch_size=16,
            optimizer__learning_rate=0.01,
            random_state=0,
        ),
        "scikeras KerasClassifier": KerasClassifier(
            model=_keras_model, epochs=10, verbose=0, random_state=0
        ),
        "keras SKLearnClassifier": SKLearnClassifier(
            model=_keras_dynamic,
            model_kwargs={"loss": "categorical_crossentropy"},
            fit_kwargs={"epochs": 10, "verbose": 0},
        ),
        "sklearn MLPClassifier": MLPClassifier(max_iter=100, random_state=0),
    }


def run_checks(estimator) -> dict:
    from sklearn.utils.estimator_checks import check_estimator

    counts = {"passed": 0, "failed": 0, "skipped": 0, "failures": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    for r in results:
        status = r["status"]
        if status == "passed":
            counts["passed"] += 1
        elif status == "skipped":
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
            counts["failures"].append(r["check_name"])
    counts["selected"] = len(results)
    return counts


if __name__ == "__main__":
    report = {}
    for name, est in estimators().items():
        try:
            report[name] = run_checks(est)
        except SkipTest as exc:  # pragma: no cover
            report[name] = {"error": str(exc)}
        except Exception as exc:  # a wrapper that crashes the suite outright
            report[name] = {"error": f"{type(exc).__name__}: {exc}"}
        r = report[name]
        summary = r.get("error") or (
            f"{r['selected']} checks, {r['passed']} passed, "
            f"{r['failed']} failed, {r['skipped']} skipped"
        )
        print(f"{name}: {summary}", flush=True)
    print(json.dumps(report, indent=1))
