"""skfashion evaluate: test accuracy, per-class report and confusion matrix."""

from __future__ import annotations

import argparse

from . import _common
from ._predictor import predictor

HELP = "test accuracy, report and confusion matrix"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    p.add_argument("model", help="a saved model (.skf) or an exported one (.onnx)")
    _common.add_allow_pickle(p)
    p.add_argument("--plot", metavar="PNG", help="also draw the confusion matrix")
    _common.add_force(p)


def run(args) -> None:
    import numpy as np
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    from ..datasets import CLASS_NAMES, fetch_fashion_mnist
    from ..plotting import plot_confusion_matrix

    plot = _common.plot_target(args)
    model = predictor(args)
    test = fetch_fashion_mnist(subset="test")
    labels = _common.test_labels(model.classes, np.arange(len(CLASS_NAMES)))
    y_test = labels[test.target]
    y_pred = model.predict(test.data)
    print(f"test accuracy: {accuracy_score(y_test, y_pred):.4f}")
    print(
        classification_report(
            y_test,
            y_pred,
            labels=labels,
            target_names=list(CLASS_NAMES),
            zero_division=0,  # a class never predicted: precision 0, no warning
            digits=4,
        )
    )
    print("confusion matrix (rows: true class, columns: predicted):")
    print(confusion_matrix(y_test, y_pred, labels=labels))
    if plot is not None:
        plot_confusion_matrix(y_test, y_pred).savefig(plot, dpi=100)
        _common.wrote([plot])
