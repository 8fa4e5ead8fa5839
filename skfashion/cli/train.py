"""skfashion train: fit a pipeline on the training set, save it with its metrics."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..presets import PRESETS
from . import _common

HELP = "train a pipeline on the training set and save it"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    _common.add_model_options(p)
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="a measured configuration (skfashion.PRESETS); other options "
        "override its values",
    )
    p.add_argument("--batch-size", type=_common.positive_int, help="samples per step")
    p.add_argument(
        "--hidden-layer-sizes",
        type=_common.layer_sizes,
        metavar="N,N,...",
        help="units of the dense hidden layers",
    )
    p.add_argument(
        "--learning-rate",
        choices=["constant", "adaptive", "cosine"],
        help="the learning-rate schedule",
    )
    p.add_argument(
        "--optimizer-learning-rate",
        type=_common.positive_float,
        help="the optimizer's (Adam's) step size",
    )
    p.add_argument("--activation", help="activation of the MLP's hidden layers")
    p.add_argument(
        "--filters",
        type=_common.json_value,
        metavar="JSON",
        help="the CNN's blocks, e.g. '[16, [64, 64]]' (a list per block of "
        "several convolutions)",
    )
    p.add_argument(
        "--kernel-size", type=_common.positive_int, help="the CNN's kernel side"
    )
    p.add_argument(
        "--padding",
        type=_common.json_value,
        metavar="JSON",
        help="the CNN's padding: same, valid, or one entry per block, e.g. "
        '\'["same", ["valid", "same"]]\'',
    )
    p.add_argument("--dropout", type=_common.fraction, help="dropout rate")
    p.add_argument(
        "--alpha",
        type=_common.float_type(lambda v: v >= 0, "a number >= 0"),
        help="L2 penalty, as MLPClassifier's alpha",
    )
    p.add_argument(
        "--label-smoothing",
        type=_common.fraction,
        help="smoothing of the one-hot targets in the loss (Keras')",
    )
    p.add_argument(
        "--validation-split",
        type=_common.fraction,
        help="fraction held out for the validation curve in history.png "
        f"(default: {_common.TRAIN_VALIDATION_SPLIT}; the estimators' own default "
        "is 0.0)",
    )
    p.add_argument(
        "--early-stopping",
        action="store_true",
        help="stop when the validation accuracy stalls",
    )
    p.add_argument(
        "--n-iter-no-change",
        type=_common.positive_int,
        help="epochs without improvement before --early-stopping stops",
    )
    p.add_argument(
        "--augment", action="store_true", help="random shifts and flips (CNN only)"
    )
    p.add_argument(
        "--shift-range",
        type=_common.fraction,
        help="with --augment, the largest shift as a fraction of each side "
        "(0: flips only)",
    )
    p.add_argument(
        "--random-erasing",
        type=_common.probability,
        help="probability of erasing a random rectangle of each training image "
        "(CNN only)",
    )
    p.add_argument(
        "--test-time-flip",
        action="store_true",
        help="predict each image with its mirror image, averaged (CNN only)",
    )
    p.add_argument(
        "--output-dir",
        default="output",
        help=f"where {_common.MODEL_FILE}, metrics.json, history.json, history.png and "
        "tensorboard/ go",
    )
    _common.add_force(p)
    p.epilog = "The test accuracy is always measured on all 10,000 test images."


def run(args) -> None:
    from sklearn.metrics import accuracy_score, classification_report

    from ..classifier import make_fashion_pipeline
    from ..datasets import CLASS_NAMES, fetch_fashion_mnist, stratified_subsample
    from ..persistence import save_model
    from ..persistence._format import plain
    from ..plotting import plot_history

    model, params = _common.model_and_params(
        args, {"validation_split": _common.TRAIN_VALIDATION_SPLIT}
    )
    out = Path(args.output_dir)
    files = [out / _common.MODEL_FILE] + [
        out / name for name in ("metrics.json", "history.json", "history.png")
    ]
    _common.check_free(args, *files)
    pipeline = make_fashion_pipeline(
        model,
        **params,
        random_state=args.random_state,
        tensorboard_log_dir=str((out / "tensorboard").resolve()),
        verbose=_common.verbosity(args),
    )
    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, y = stratified_subsample(
        train.data, train.target, args.max_samples, random_state=args.random_state
    )
    X_test, y_test = test.data, test.target  # always the full test set
    _common.check_buildable(pipeline, X, y)
    out.mkdir(parents=True, exist_ok=True)
    clf = pipeline.named_steps["clf"]
    _common.say(
        args, f"Training on {len(y):,} images for up to {clf.epochs} epochs ..."
    )
    start = time.perf_counter()
    pipeline.fit(X, y)
    train_seconds = time.perf_counter() - start
    y_pred = pipeline.predict(X_test)
    accuracy = float(accuracy_score(y_test, y_pred))
    report = classification_report(
        y_test,
        y_pred,
        target_names=list(CLASS_NAMES),
        output_dict=True,
        zero_division=0,  # a class never predicted: precision 0, not a warning
    )
    # As JSON values that set_params takes back (tuples become lists).
    params_used = {
        k: plain(v, k, type(clf).__name__) for k, v in clf.get_params().items()
    }
    # The saved model keeps how it predicts, not how this command ran it: a
    # clone refitted elsewhere neither prints epochs nor logs into this run's
    # folder unless its user asks.
    clf.set_params(verbose=0, tensorboard_log_dir=None)
    save_model(pipeline, files[0], test_score=accuracy)
    _common.write_json(files[2], clf.history_)
    plot_history(clf.history_).savefig(files[3], dpi=100)
    metrics = {
        "test_accuracy": accuracy,
        "n_train": len(y),
        "n_test": len(y_test),
        "epochs_run": int(clf.n_iter_),
        "train_seconds": round(train_seconds, 2),
        "per_class": {
            name: {k: report[name][k] for k in ("precision", "recall", "f1-score")}
            for name in CLASS_NAMES
        },
        "params": params_used,
        "tensorboard_run_dir": clf.tensorboard_run_dir_,
    }
    _common.write_json(files[1], metrics)
    print(f"test accuracy: {accuracy:.4f} ({len(y_test):,} test images)")
    _common.say(
        args,
        f"trained in {train_seconds:.1f} s; view the logs with: "
        f"tensorboard --logdir {out / 'tensorboard'}",
    )
    _common.wrote([*files, clf.tensorboard_run_dir_])
