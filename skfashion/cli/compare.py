"""skfashion compare: cross-validate the networks beside classical models."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import _common

HELP = "cross-validate against classical models"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    p.add_argument(
        "--cv", type=_common.positive_int, default=3, help="number of folds (as tune)"
    )
    p.add_argument(
        "--epochs", type=_common.positive_int, help="epochs of both skfashion networks"
    )
    p.add_argument(
        "--max-samples",
        type=_common.sample_count,
        default=10000,
        help="stratified subsample of the training set (fewer than tune's "
        "default, all 60,000: seven models are cross-validated here)",
    )
    p.add_argument(
        "--svm-samples",
        type=_common.positive_int,
        default=5000,
        help="smaller subsample for the SVC, whose fit grows quadratically",
    )
    p.add_argument(
        "--models",
        nargs="+",
        metavar="NAME",
        help="only these (first word of the name, e.g. skfashion-cnn SVC)",
    )
    p.add_argument("--random-state", type=int, default=0, help="the seed")
    p.add_argument(
        "--output-dir",
        default="output",
        help="where compare.md, compare.csv and compare.png go",
    )
    _common.add_force(p)


def run(args) -> None:
    import csv
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from ..baselines import classical_models
    from ..classifier import make_fashion_pipeline
    from ..datasets import fetch_fashion_mnist, stratified_subsample
    from ..plotting import plot_comparison

    out = Path(args.output_dir)
    files = [out / f"compare.{ext}" for ext in ("md", "csv", "png")]
    _common.check_free(args, *files)
    epochs = {} if args.epochs is None else {"epochs": args.epochs}
    mlp, cnn = (
        make_fashion_pipeline(model, random_state=args.random_state, **epochs)
        for model in ("mlp", "cnn")
    )
    # Named by their layers, read from the estimators' defaults.
    mlp_layers = str(mlp[-1].hidden_layer_sizes).replace(" ", "")
    cnn_layers = str(cnn[-1].filters).replace(" ", "")
    models = {
        f"skfashion-mlp {mlp_layers}": mlp,
        f"skfashion-cnn {cnn_layers}": cnn,
        **classical_models(args.random_state),
    }
    if args.models:
        unknown = set(args.models) - {name.split(" ")[0] for name in models}
        if unknown:
            known = sorted(name.split(" ")[0] for name in models)
            raise _common.CLIError(
                f"unknown models {sorted(unknown)}; choose from {', '.join(known)}"
            )
        models = {k: v for k, v in models.items() if k.split(" ")[0] in args.models}
    train = fetch_fashion_mnist(subset="train")
    X, y = stratified_subsample(
        train.data, train.target, args.max_samples, random_state=args.random_state
    )
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    rows = []
    for name, model in models.items():
        X_m, y_m = X, y
        if name.startswith("SVC"):
            X_m, y_m = stratified_subsample(
                X, y, args.svm_samples, random_state=args.random_state
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = cross_validate(model, X_m, y_m, cv=cv)
        rows.append(
            {
                "model": name,
                "n_samples": len(y_m),
                "accuracy_mean": float(np.mean(result["test_score"])),
                "accuracy_std": float(np.std(result["test_score"])),
                "fit_seconds_mean": float(np.mean(result["fit_time"])),
            }
        )
        _common.say(args, f"{name}: {rows[-1]['accuracy_mean']:.4f}")
    out.mkdir(parents=True, exist_ok=True)
    header = "| model | samples | accuracy (mean ± std) | fit time (s) |"
    lines = [header, "|---|---:|---:|---:|"]
    lines += [
        f"| {r['model']} | {r['n_samples']:,} | {r['accuracy_mean']:.4f} ± "
        f"{r['accuracy_std']:.4f} | {r['fit_seconds_mean']:.1f} |"
        for r in rows
    ]
    table = "\n".join(lines)
    print(table)
    files[0].write_text(table + "\n")
    with files[1].open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fig = plot_comparison(
        [r["model"] for r in rows],
        [r["accuracy_mean"] for r in rows],
        [r["accuracy_std"] for r in rows],
        cv=args.cv,
    )
    fig.savefig(files[2], dpi=100)
    _common.wrote(files)
