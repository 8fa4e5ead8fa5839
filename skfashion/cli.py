"""The ``skfashion`` command line: train, evaluate, predict, verify, compare, tune.

A thin argparse layer over the public API. Heavy imports (TensorFlow) happen
inside the commands, so ``skfashion --help`` answers at once. Errors a user
can fix (bad arguments, missing or corrupt files, unreadable images) end the
program with one line on stderr and exit status 1 (2 for usage errors);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

__all__ = ["main"]

MODEL_FILE = "model.skf"


class CLIError(Exception):
    """An error to report in one line, without a traceback."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _layer_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 512,256,128, got {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be positive: {text!r}")
    return sizes


def _float_type(accept, expected: str):
    """An argparse type: a float for which ``accept`` is true."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got {text!r}"
            ) from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


_fraction = _float_type(lambda v: 0 <= v < 1, "a fraction in [0, 1)")
_positive_float = _float_type(lambda v: v > 0, "a positive number")


def _subsample(X, y, n, random_state):
    """A stratified subsample of n rows (all rows if n is None or >= len)."""
    if n is None or n >= len(y):
        return X, y
    from sklearn.model_selection import train_test_split

    X_sub, _, y_sub, _ = train_test_split(
        X, y, train_size=n, stratify=y, random_state=random_state
    )
    return X_sub, y_sub


# Estimator parameters the train command exposes, by their argparse names.
# Options left out keep the estimator's own default (one source of truth).
_TRAIN_PARAMS = {
    "epochs": "epochs",
    "batch_size": "batch_size",
    "hidden_layer_sizes": "hidden_layer_sizes",
    "learning_rate": "optimizer__learning_rate",
    "dropout": "dropout",
    "alpha": "alpha",
    "early_stopping": "early_stopping",
    "augment": "augment",
}


def _estimator_params(args, names: dict) -> dict:
    """The estimator parameters the user set on the command line."""
    params = {}
    for option, param in names.items():
        value = getattr(args, option, None)
        if value is not None and value is not False:
            params[param] = value
    if params.get("augment") and args.model != "cnn":
        raise CLIError("--augment needs --model cnn (the MLP has no augmentation)")
    return params


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def _verbosity(args) -> int:
    if args.quiet:
        return 0
    return 1 if sys.stdout.isatty() else 2


def _say(args, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message)


def _load(args, return_manifest: bool = False):
    from .persistence import ModelFileError, load_model

    if not Path(args.model).exists():
        raise CLIError(f"model file not found: {args.model}")
    try:
        return load_model(
            args.model,
            allow_pickle=args.allow_pickle,
            return_manifest=return_manifest,
        )
    except ModelFileError as exc:
        if "allow_pickle=True" in str(exc):
            raise CLIError(f"{exc} (on the command line: --allow-pickle)") from exc
        raise


# -- commands ----------------------------------------------------------------------


def cmd_train(args) -> None:
    from sklearn.metrics import accuracy_score, classification_report

    from .classifier import make_fashion_pipeline
    from .datasets import CLASS_NAMES, fetch_fashion_mnist
    from .persistence import save_model
    from .plotting import plot_history

    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    X_test, y_test = test.data, test.target  # always the full test set
    pipeline = make_fashion_pipeline(
        args.model,
        **_estimator_params(args, _TRAIN_PARAMS),
        validation_split=args.validation_split,
        random_state=args.random_state,
        tensorboard_log_dir=str(out / "tensorboard"),
        verbose=_verbosity(args),
    )
    epochs = pipeline[-1].epochs
    _say(args, f"Training on {len(y):,} images for up to {epochs} epochs ...")
    start = time.perf_counter()
    pipeline.fit(X, y)
    train_seconds = time.perf_counter() - start
    clf = pipeline.named_steps["clf"]
    y_pred = pipeline.predict(X_test)
    accuracy = float(accuracy_score(y_test, y_pred))
    report = classification_report(
        y_test,
        y_pred,
        target_names=list(CLASS_NAMES),
        output_dict=True,
        zero_division=0,  # a class never predicted: precision 0, not a warning
    )
    save_model(pipeline, out / MODEL_FILE, test_score=accuracy)
    _write_json(out / "history.json", clf.history_)
    plot_history(clf.history_).savefig(out / "history.png", dpi=100)
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
        "params": {k: repr(v) for k, v in clf.get_params().items()},
    }
    _write_json(out / "metrics.json", metrics)
    print(f"test accuracy: {accuracy:.4f} ({len(y_test):,} test images)")
    _say(
        args,
        f"trained in {train_seconds:.1f} s; wrote {out / MODEL_FILE}, metrics.json, "
        f"history.json, history.png and TensorBoard logs in {clf.tensorboard_run_dir_}"
        f" (view with: tensorboard --logdir {out / 'tensorboard'})",
    )


def cmd_evaluate(args) -> None:
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    from .datasets import CLASS_NAMES, fetch_fashion_mnist
    from .plotting import plot_confusion_matrix

    model = _load(args)
    test = fetch_fashion_mnist(subset="test")
    X_test, y_test = test.data, test.target
    y_pred = model.predict(X_test)
    print(f"test accuracy: {accuracy_score(y_test, y_pred):.4f}")
    names = list(CLASS_NAMES)
    print(classification_report(y_test, y_pred, target_names=names, zero_division=0))
    print("confusion matrix (rows: true class, columns: predicted):")
    print(confusion_matrix(y_test, y_pred))
    plot = Path(args.plot or Path(args.model).with_name("confusion_matrix.png"))
    plot_confusion_matrix(y_test, y_pred).savefig(plot, dpi=100)
    print(f"wrote {plot}")


def _display_names(classes) -> list[str]:
    """Fashion-MNIST's names for its label numbers; any other label as it is."""
    from .datasets import CLASS_NAMES

    if classes.dtype.kind in "iu" and set(classes.tolist()) <= set(
        range(len(CLASS_NAMES))
    ):
        return [CLASS_NAMES[int(c)] for c in classes]
    return [str(c) for c in classes]


def _onnx_predictor(path: str):
    """predict_proba and classes of an exported model, served by onnxruntime."""
    import numpy as np

    try:
        import onnxruntime as ort
    except ImportError:
        raise CLIError(
            "predicting with an .onnx model needs onnxruntime: "
            "pip install 'skfashion[onnx]'"
        ) from None
    if not Path(path).is_file():
        raise CLIError(f"model file not found: {path}")
    try:
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        classes = json.loads(session.get_modelmeta().custom_metadata_map["classes"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise CLIError(f"cannot read {path} as a skfashion ONNX model: {exc}") from None
    dtype = np.uint8 if session.get_inputs()[0].type == "tensor(uint8)" else np.float32

    def predict_proba(X):
        return session.run(["probabilities"], {"X": X.astype(dtype)})[0]

    return predict_proba, np.asarray(classes)


def cmd_predict(args) -> None:
    import numpy as np

    from .datasets import fetch_fashion_mnist
    from .plotting import plot_predictions
    from .preprocessing import load_image

    if not args.images and not args.test_index:
        raise CLIError("give image files or --test-index N (see --help)")
    if Path(args.model).suffix == ".onnx":
        predict_proba, classes = _onnx_predictor(args.model)
    else:
        model = _load(args)
        predict_proba, classes = model.predict_proba, np.asarray(model.classes_)
    images, names, y_true = [], [], []
    for path in args.images:
        if not Path(path).is_file():
            raise CLIError(f"image file not found: {path}")
        images.append(load_image(path))
        names.append(str(path))
    if args.test_index:
        test = fetch_fashion_mnist(subset="test")
        bad = [i for i in args.test_index if not 0 <= i < len(test.target)]
        if bad:
            raise CLIError(f"--test-index must be in [0, 9999], got {bad}")
        images.extend(test.images[args.test_index])
        names.extend(f"test[{i}]" for i in args.test_index)
        y_true = [None] * len(args.images) + list(test.target[args.test_index])
    images = np.asarray(images)
    proba = predict_proba(images.reshape(len(images), -1))
    best = proba.argmax(axis=1)
    display = _display_names(classes)
    for name, i, p in zip(names, best, proba.max(axis=1), strict=True):
        print(f"{name}: {display[i]} ({p:.1%})")
    if args.plot:
        index = {c: i for i, c in enumerate(classes.tolist())}
        truth = [index.get(t) if t is not None else None for t in y_true]
        if not truth or any(t is None for t in truth):
            truth = None
        fig = plot_predictions(
            images, best, truth, proba=proba.max(axis=1), class_names=display
        )
        fig.savefig(args.plot, dpi=100)
        print(f"wrote {args.plot}")


def cmd_export(args) -> None:
    from .onnx import export_onnx

    model = _load(args)
    try:
        path = export_onnx(model, args.output, input_dtype=args.input_dtype)
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    print(
        f"wrote {path}: input X ({args.input_dtype} pixels), outputs label and "
        "probabilities; serve it with onnxruntime (no TensorFlow needed)"
    )


def cmd_verify(args) -> None:
    import tempfile

    from .datasets import fetch_fashion_mnist
    from .persistence import compare_models, load_model, save_model

    model, manifest = _load(args, return_manifest=True)  # hashes checked here
    test = fetch_fashion_mnist(subset="test")
    X_test, y_test = test.data, test.target
    if manifest is not None and manifest.get("test_score") is not None:
        score = model.score(X_test, y_test)
        if score != manifest["test_score"]:
            raise CLIError(
                f"reloaded model scores {score!r}, but {manifest['test_score']!r} was "
                "recorded when it was saved"
            )
        print(f"test accuracy {score:.4f} equals the recorded {manifest['test_score']}")
    with tempfile.TemporaryDirectory() as tmp:
        again = load_model(save_model(model, Path(tmp) / "again.skf"))
    report = compare_models(model, again, X_test[:1000])
    print(report)
    if not report.identical:
        raise CLIError(f"save/load round trip changed: {', '.join(report.differences)}")
    print(f"{args.model}: integrity verified, reload identical")


def _classical_models(random_state):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    from .preprocessing import ImageScaler

    def scaled(model):
        return make_pipeline(ImageScaler(image_shape=(28, 28)), model)

    return {
        "LogisticRegression": scaled(LogisticRegression(max_iter=200)),
        "RandomForestClassifier": RandomForestClassifier(
            n_estimators=100, n_jobs=-1, random_state=random_state
        ),
        "SVC (RBF)": scaled(SVC(kernel="rbf", C=10)),
        "HistGradientBoostingClassifier": HistGradientBoostingClassifier(
            max_iter=100, random_state=random_state
        ),
        "MLPClassifier (512,256,128)": scaled(
            MLPClassifier(
                (512, 256, 128), batch_size=32, max_iter=15, random_state=random_state
            )
        ),
    }


def cmd_compare(args) -> None:
    import warnings

    import numpy as np
    from matplotlib.figure import Figure
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from .classifier import make_fashion_pipeline
    from .datasets import fetch_fashion_mnist

    train = fetch_fashion_mnist(subset="train")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    models = {
        "skfashion-mlp (512,256,128)": make_fashion_pipeline(
            "mlp", epochs=args.epochs, random_state=args.random_state
        ),
        "skfashion-cnn (32,64)": make_fashion_pipeline(
            "cnn", epochs=args.epochs, random_state=args.random_state
        ),
        **_classical_models(args.random_state),
    }
    if args.models:
        unknown = set(args.models) - {name.split(" ")[0] for name in models}
        if unknown:
            known = sorted(name.split(" ")[0] for name in models)
            raise CLIError(
                f"unknown models {sorted(unknown)}; choose from {', '.join(known)}"
            )
        models = {k: v for k, v in models.items() if k.split(" ")[0] in args.models}
    rows = []
    for name, model in models.items():
        X_m, y_m = X, y
        if name.startswith("SVC"):
            X_m, y_m = _subsample(X, y, args.svm_samples, args.random_state)
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
        _say(args, f"{name}: {rows[-1]['accuracy_mean']:.4f}")
    out = Path(args.output_dir)
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
    (out / "compare.md").write_text(table + "\n")
    csv = ["model,n_samples,accuracy_mean,accuracy_std,fit_seconds_mean"]
    csv += [
        f'"{r["model"]}",{r["n_samples"]},{r["accuracy_mean"]:.6f},'
        f"{r['accuracy_std']:.6f},{r['fit_seconds_mean']:.3f}"
        for r in rows
    ]
    (out / "compare.csv").write_text("\n".join(csv) + "\n")
    fig = Figure(figsize=(9, 0.6 * len(rows) + 1.5), layout="constrained")
    ax = fig.subplots()
    ax.barh(
        [r["model"] for r in rows],
        [r["accuracy_mean"] for r in rows],
        xerr=[r["accuracy_std"] for r in rows],
    )
    ax.set_xlabel(f"accuracy, {args.cv}-fold stratified cross-validation")
    ax.set_xlim(min(r["accuracy_mean"] for r in rows) - 0.05, 1)
    ax.invert_yaxis()
    fig.savefig(out / "compare.png", dpi=100)
    print(f"wrote {out / 'compare.md'}, compare.csv and compare.png")


def _parse_grid(args) -> dict:
    text = args.grid
    if args.grid_file:
        path = Path(args.grid_file)
        if not path.is_file():
            raise CLIError(f"grid file not found: {path}")
        text = path.read_text()
    try:
        grid = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(f"the grid is not valid JSON: {exc}") from exc
    if not isinstance(grid, dict) or not all(
        isinstance(v, list) and v for v in grid.values()
    ):
        raise CLIError(
            "the grid must be a JSON object of non-empty lists, e.g. "
            '{"clf__hidden_layer_sizes": [[256], [512, 256, 128]]}'
        )
    return {
        key: [tuple(v) if isinstance(v, list) else v for v in values]
        for key, values in grid.items()
    }


def cmd_tune(args) -> None:
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from .classifier import make_fashion_pipeline
    from .datasets import fetch_fashion_mnist
    from .persistence import save_model

    grid = _parse_grid(args)
    train = fetch_fashion_mnist(subset="train")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    pipeline = make_fashion_pipeline(
        args.model, epochs=args.epochs, random_state=args.random_state
    )
    valid = pipeline.get_params()
    unknown = [k for k in grid if k not in valid]
    if unknown:
        raise CLIError(
            f"unknown parameters {unknown}; searchable ones start with 'clf__', "
            "e.g. clf__hidden_layer_sizes, clf__optimizer__learning_rate"
        )
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    search = GridSearchCV(pipeline, grid, cv=cv, n_jobs=args.n_jobs).fit(X, y)
    results = search.cv_results_
    order = sorted(
        range(len(results["params"])), key=lambda i: results["rank_test_score"][i]
    )
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["rank,mean_test_score,std_test_score,mean_fit_time,params"]
    for i in order:
        print(
            f"{results['rank_test_score'][i]:>3}  {results['mean_test_score'][i]:.4f} "
            f"± {results['std_test_score'][i]:.4f}  {results['params'][i]}"
        )
        lines.append(
            f"{results['rank_test_score'][i]},{results['mean_test_score'][i]:.6f},"
            f"{results['std_test_score'][i]:.6f},{results['mean_fit_time'][i]:.3f},"
            f'"{results["params"][i]}"'
        )
    (out / "cv_results.csv").write_text("\n".join(lines) + "\n")
    save_model(search.best_estimator_, out / MODEL_FILE, test_score=None)
    print(
        f"best: {search.best_params_}; wrote {out / 'cv_results.csv'} "
        f"and {out / MODEL_FILE}"
    )


# -- the parser ----------------------------------------------------------------------


def _add_allow_pickle(parser) -> None:
    parser.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also open pickle-based models (skfashion 0.1 files, joblib files); "
        "unpickling runs code: only for files you trust",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skfashion",
        description="Fashion-MNIST networks (MLP, CNN), the scikit-learn way.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        return p

    p = add("train", cmd_train, "train the pipeline on the training set and save it")
    p.add_argument(
        "--model",
        choices=["mlp", "cnn"],
        default="mlp",
        help="the network: the design's MLP or the CNN (default: %(default)s)",
    )
    own = " (default: the model's own)"
    p.add_argument("--epochs", type=_positive_int, help="passes over the data" + own)
    p.add_argument("--batch-size", type=_positive_int, help="samples per step" + own)
    p.add_argument(
        "--hidden-layer-sizes",
        type=_layer_sizes,
        metavar="N,N,...",
        help="units of the dense hidden layers" + own,
    )
    p.add_argument(
        "--learning-rate", type=_positive_float, help="Adam's learning rate" + own
    )
    p.add_argument("--dropout", type=_fraction, help="dropout rate" + own)
    p.add_argument(
        "--alpha",
        type=_float_type(lambda v: v >= 0, "a number >= 0"),
        help="L2 penalty, as MLPClassifier's alpha" + own,
    )
    p.add_argument(
        "--validation-split",
        type=_fraction,
        default=0.1,
        help="fraction held out for the validation curve (default: %(default)s)",
    )
    p.add_argument(
        "--early-stopping", action="store_true", help="stop when validation stalls"
    )
    p.add_argument(
        "--augment", action="store_true", help="random shifts and flips (CNN only)"
    )
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument(
        "--max-samples",
        type=_positive_int,
        default=None,
        help="train and test on stratified subsamples this large",
    )
    p.add_argument("--output-dir", default="output")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = add("evaluate", cmd_evaluate, "test accuracy, report and confusion matrix")
    p.add_argument("model")
    _add_allow_pickle(p)
    p.add_argument("--plot", help="confusion matrix PNG (default: beside the model)")

    p = add("predict", cmd_predict, "classify image files or test-set images")
    p.add_argument("model")
    _add_allow_pickle(p)
    p.add_argument(
        "images", nargs="*", help="PNG or JPEG files, any size (MODEL may be .onnx)"
    )
    p.add_argument("--test-index", type=int, nargs="+", default=[], metavar="N")
    p.add_argument("--plot", help="write a grid of the images and predictions (PNG)")

    p = add("export", cmd_export, "export a saved model as one ONNX graph")
    p.add_argument("model")
    p.add_argument("output", help="the .onnx file to write")
    p.add_argument(
        "--input-dtype",
        choices=["float32", "uint8"],
        default="float32",
        help="type of the graph's pixel input (default: %(default)s)",
    )
    _add_allow_pickle(p)

    p = add("verify", cmd_verify, "check a saved model's integrity and reload")
    p.add_argument("model")
    _add_allow_pickle(p)
    p.add_argument(
        "--max-samples", type=_positive_int, default=None, help=argparse.SUPPRESS
    )

    p = add("compare", cmd_compare, "cross-validate against classical models")
    p.add_argument("--cv", type=_positive_int, default=5)
    p.add_argument("--epochs", type=_positive_int, default=15)
    p.add_argument("--max-samples", type=_positive_int, default=10000)
    p.add_argument("--svm-samples", type=_positive_int, default=5000)
    p.add_argument(
        "--models",
        nargs="+",
        metavar="NAME",
        help="only these (first word of the name, e.g. skfashion-cnn SVC)",
    )
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--output-dir", default="output")
    p.add_argument("--quiet", action="store_true")

    p = add("tune", cmd_tune, "grid search over the pipeline's parameters")
    grid = p.add_mutually_exclusive_group(required=True)
    grid.add_argument("--grid", help="JSON, e.g. '{\"clf__dropout\": [0, 0.2]}'")
    grid.add_argument("--grid-file", help="a JSON file holding the grid")
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--cv", type=_positive_int, default=3)
    p.add_argument("--epochs", type=_positive_int, default=15)
    p.add_argument("--max-samples", type=_positive_int, default=None)
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--output-dir", default="output")
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    # TensorFlow's C++ start-up chatter is not for command-line users.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        print("skfashion: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        from .datasets import DatasetIntegrityError
        from .persistence import ModelFileError

        known = (CLIError, ModelFileError, DatasetIntegrityError, OSError, ValueError)
        if not isinstance(exc, known):
            raise
        print(f"skfashion: error: {exc}", file=sys.stderr)
        return 1
    return 0
