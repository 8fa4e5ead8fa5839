"""The ``skfashion`` command line: train, evaluate, predict, export, verify, ...

A thin argparse layer over the public API. Heavy imports (TensorFlow) happen
inside the commands, so ``skfashion --help`` answers at once (a command's
own ``--help`` loads the estimators to show their defaults). Errors a user
can fix (bad arguments, missing or corrupt files, unreadable images) end
the program with one line on stderr and exit status 1 (2 for usage errors);
``--debug`` shows the traceback instead. No command overwrites a file that
exists unless given ``--force``, and each lists the files it wrote.
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
TUNE_MODEL_FILE = "tune_model.skf"


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


# Estimator parameters the commands expose, by their argparse names. An
# option left out keeps the estimator's own default (one source of truth;
# the help shows it, read from the estimators).
_MODEL_PARAMS = {
    "epochs": "epochs",
    "batch_size": "batch_size",
    "hidden_layer_sizes": "hidden_layer_sizes",
    "learning_rate": "optimizer__learning_rate",
    "dropout": "dropout",
    "alpha": "alpha",
    "validation_split": "validation_split",
    "early_stopping": "early_stopping",
    "augment": "augment",
    "shift_range": "shift_range",
}
# The train command holds out this fraction unless told otherwise: its
# history.png shows the validation curve. The estimators hold out nothing by
# default (as MLPClassifier, unless early_stopping).
_TRAIN_VALIDATION_SPLIT = 0.1


def _model_and_params(args, command_defaults=None) -> tuple[str, dict]:
    """The network and the estimator parameters set on the command line."""
    from .presets import PRESETS

    params = dict(command_defaults or {})
    model = args.model
    preset = getattr(args, "preset", None)
    if preset is not None:
        params.update(PRESETS[preset])
        preset_model = params.pop("model")
        if model is not None and model != preset_model:
            raise CLIError(
                f"--preset {preset} is a {preset_model} preset; drop --model {model}"
            )
        model = preset_model
    model = model or "mlp"
    for option, param in _MODEL_PARAMS.items():
        value = getattr(args, option, None)
        if value is not None and value is not False:
            params[param] = value
    if params.get("augment") and model != "cnn":
        raise CLIError("--augment needs --model cnn (the MLP has no augmentation)")
    if "shift_range" in params and not params.get("augment"):
        raise CLIError("--shift-range needs --augment (it sets the augmentation)")
    return model, params


def _model_defaults(param: str) -> str:
    """The estimators' own default of ``param``, for the help text."""
    from .classifier import FashionCNNClassifier, FashionMLPClassifier

    values = {}
    for name, cls in (("mlp", FashionMLPClassifier), ("cnn", FashionCNNClassifier)):
        value = cls().get_params().get(param)
        if param == "hidden_layer_sizes" and value is not None:
            value = ",".join(map(str, value))
        values[name] = value
    if values["mlp"] == values["cnn"]:
        return str(values["mlp"])
    return ", ".join(f"{v} ({k})" for k, v in values.items() if v is not None)


class _HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default: the command's or the model's."""

    def _get_help_string(self, action):
        help_ = action.help or ""
        if "default" in help_ or action.default is argparse.SUPPRESS:
            return help_
        param = _MODEL_PARAMS.get(action.dest)
        if param is not None and action.default is None:
            return f"{help_} (default: the model's own: {_model_defaults(param)})"
        default = action.default
        unset = default is None or default is False or default == []
        if action.option_strings and not unset:
            return f"{help_} (default: %(default)s)"
        return help_


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def _verbosity(args) -> int:
    if args.quiet:
        return 0
    return 1 if sys.stdout.isatty() else 2


def _say(args, message: str) -> None:
    if not args.quiet:
        print(message)


def _check_free(args, *paths: Path) -> None:
    """Refuse, before any work, to replace files that exist (unless --force)."""
    taken = [str(p) for p in paths if p.exists()]
    if taken and not args.force:
        raise CLIError(
            f"{', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; "
            "choose another --output-dir (or file name), or pass --force to "
            "replace"
        )


def _plot_target(args) -> Path | None:
    """The --plot file, checked free before any work (None without --plot)."""
    if not args.plot:
        return None
    plot = Path(args.plot)
    _check_free(args, plot)
    return plot


def _wrote(paths) -> None:
    """List the files a command wrote, whatever --quiet says: they are results."""
    print("wrote: " + ", ".join(str(p) for p in paths))


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


def _test_labels(classes, y):
    """Fashion-MNIST's test labels in the model's own labels: numbers or names."""
    import numpy as np

    from .datasets import CLASS_NAMES

    classes = np.asarray(classes)
    if classes.dtype.kind in "iu":
        return y
    if set(classes.tolist()) <= set(CLASS_NAMES):
        return np.asarray(CLASS_NAMES)[y]
    raise CLIError(
        f"the model's labels ({', '.join(map(str, classes[:4]))}, ...) are neither "
        "Fashion-MNIST's class numbers nor its names: score it against your own "
        "test labels in Python (model.score(X, y))"
    )


def _display_names(classes) -> list[str]:
    """Fashion-MNIST's names for its label numbers; any other label as it is."""
    from .datasets import CLASS_NAMES

    if classes.dtype.kind in "iu" and set(classes.tolist()) <= set(
        range(len(CLASS_NAMES))
    ):
        return [CLASS_NAMES[int(c)] for c in classes]
    return [str(c) for c in classes]


# -- commands ----------------------------------------------------------------------


def cmd_train(args) -> None:
    from sklearn.metrics import accuracy_score, classification_report

    from .classifier import make_fashion_pipeline
    from .datasets import CLASS_NAMES, fetch_fashion_mnist
    from .persistence import save_model
    from .plotting import plot_history

    model, params = _model_and_params(
        args, {"validation_split": _TRAIN_VALIDATION_SPLIT}
    )
    out = Path(args.output_dir)
    files = [out / MODEL_FILE] + [
        out / name for name in ("metrics.json", "history.json", "history.png")
    ]
    _check_free(args, *files)
    pipeline = make_fashion_pipeline(
        model,
        **params,
        random_state=args.random_state,
        tensorboard_log_dir=str((out / "tensorboard").resolve()),
        verbose=_verbosity(args),
    )
    train = fetch_fashion_mnist(subset="train")
    test = fetch_fashion_mnist(subset="test")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    X_test, y_test = test.data, test.target  # always the full test set
    out.mkdir(parents=True, exist_ok=True)
    clf = pipeline.named_steps["clf"]
    _say(args, f"Training on {len(y):,} images for up to {clf.epochs} epochs ...")
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
    params_used = {k: repr(v) for k, v in clf.get_params().items()}
    # The saved model keeps how it predicts, not how this command ran it: a
    # clone refitted elsewhere neither prints epochs nor logs into this run's
    # folder unless its user asks.
    clf.set_params(verbose=0, tensorboard_log_dir=None)
    save_model(pipeline, files[0], test_score=accuracy)
    _write_json(files[2], clf.history_)
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
    _write_json(files[1], metrics)
    print(f"test accuracy: {accuracy:.4f} ({len(y_test):,} test images)")
    _say(
        args,
        f"trained in {train_seconds:.1f} s; view the logs with: "
        f"tensorboard --logdir {out / 'tensorboard'}",
    )
    _wrote([*files, clf.tensorboard_run_dir_])


def cmd_evaluate(args) -> None:
    import numpy as np
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    from .datasets import CLASS_NAMES, fetch_fashion_mnist
    from .plotting import plot_confusion_matrix

    plot = _plot_target(args)
    model = _load(args)
    test = fetch_fashion_mnist(subset="test")
    labels = _test_labels(model.classes_, np.arange(len(CLASS_NAMES)))
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
        _wrote([plot])


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


def cmd_predict(args) -> int:
    import numpy as np

    from .datasets import fetch_fashion_mnist
    from .plotting import plot_predictions
    from .preprocessing import load_image

    if not args.images and not args.test_index:
        raise CLIError("give image files or --test-index N (see --help)")
    plot = _plot_target(args)
    if Path(args.model).suffix == ".onnx":
        predict_proba, classes = _onnx_predictor(args.model)
    else:
        model = _load(args)
        predict_proba, classes = model.predict_proba, np.asarray(model.classes_)
    images, names, y_true, failed = [], [], [], 0
    for path in args.images:
        try:
            images.append(load_image(path))
        except ValueError as exc:  # this image only: report it, go on
            print(f"skfashion: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        names.append(str(path))
        y_true.append(None)
    if args.test_index:
        test = fetch_fashion_mnist(subset="test")
        bad = [i for i in args.test_index if not 0 <= i < len(test.target)]
        if bad:
            raise CLIError(f"--test-index must be in [0, 9999], got {bad}")
        images.extend(test.images[args.test_index])
        names.extend(f"test[{i}]" for i in args.test_index)
        y_true.extend(test.target[args.test_index])
    if images:
        images = np.asarray(images)
        proba = predict_proba(images.reshape(len(images), -1))
        best = proba.argmax(axis=1)
        display = _display_names(classes)
        for name, i, p in zip(names, best, proba.max(axis=1), strict=True):
            print(f"{name}: {display[i]} ({p:.1%})")
        if plot is not None:
            fig = plot_predictions(
                images,
                best,
                _true_columns(classes, y_true),
                proba=proba.max(axis=1),
                class_names=display,
            )
            fig.savefig(plot, dpi=100)
            _wrote([plot])
    if failed:
        print(
            f"skfashion: error: {failed} of {len(args.images)} image files could not "
            "be classified (see above)",
            file=sys.stderr,
        )
        return 1
    return 0


def _true_columns(classes, y_true):
    """Each image's true class as a column of the model's classes (or None)."""
    import numpy as np

    if not y_true or any(t is None for t in y_true):
        return None
    try:
        labels = _test_labels(classes, np.asarray(y_true))
    except CLIError:  # labels of another kind: nothing to mark
        return None
    index = {c: i for i, c in enumerate(classes.tolist())}
    columns = [index.get(t) for t in labels.tolist()]
    return None if None in columns else columns


def cmd_export(args) -> None:
    from .onnx import export_onnx

    _check_free(args, Path(args.output))
    model = _load(args)
    try:
        path = export_onnx(model, args.output, input_dtype=args.input_dtype)
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    _say(
        args,
        f"input X ({args.input_dtype} pixels), outputs label and probabilities; "
        "serve it with onnxruntime (no TensorFlow needed)",
    )
    _wrote([path])


def cmd_verify(args) -> None:
    import tempfile

    from .datasets import fetch_fashion_mnist
    from .persistence import compare_models, load_model, save_model

    model, manifest = _load(args, return_manifest=True)  # hashes checked here
    test = fetch_fashion_mnist(subset="test")
    X_test = test.data
    if manifest is not None and manifest.get("test_score") is not None:
        score = model.score(X_test, _test_labels(model.classes_, test.target))
        if score != manifest["test_score"]:
            raise CLIError(
                f"reloaded model scores {score!r}, but {manifest['test_score']!r} was "
                "recorded when it was saved"
            )
        _say(
            args,
            f"test accuracy {score:.4f} equals the recorded {manifest['test_score']}",
        )
    with tempfile.TemporaryDirectory() as tmp:
        again = load_model(save_model(model, Path(tmp) / "again.skf"))
    report = compare_models(model, again, X_test[:1000])
    _say(args, str(report))
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
    import csv
    import warnings

    import numpy as np
    from matplotlib.figure import Figure
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from .classifier import make_fashion_pipeline
    from .datasets import fetch_fashion_mnist

    out = Path(args.output_dir)
    files = [out / f"compare.{ext}" for ext in ("md", "csv", "png")]
    _check_free(args, *files)
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
    train = fetch_fashion_mnist(subset="train")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
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
    fig.savefig(files[2], dpi=100)
    _wrote(files)


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


def _check_candidates(pipeline, grid, X, y) -> int:
    """Build every candidate's network on a few images, before any training.

    The estimators check their parameters when they fit; building each
    candidate (``initialize``) runs those same checks, so that a bad value
    fails in one line now rather than after the other candidates trained.
    """
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    first = np.unique(y, return_index=True)[1]  # one image of each class
    candidates = ParameterGrid(grid)
    for params in candidates:
        candidate = clone(pipeline).set_params(**params)
        try:
            Xt = candidate[:-1].fit_transform(X[first])
            candidate[-1].initialize(Xt, y[first])
        except (ValueError, TypeError) as exc:
            text = " ".join(str(exc).split())
            raise CLIError(f"grid candidate {params}: {text}") from exc
    return len(candidates)


def _reporting_grid_search():
    """GridSearchCV that prints each candidate's score as soon as it has one.

    ``_run_search`` is scikit-learn's hook for the order of candidates (the
    successive-halving searches use it); candidates go one at a time, each
    candidate's folds still in parallel with ``n_jobs``.
    """
    from sklearn.model_selection import GridSearchCV, ParameterGrid

    class ReportingGridSearch(GridSearchCV):
        def _run_search(self, evaluate_candidates):
            candidates = list(ParameterGrid(self.param_grid))
            for i, params in enumerate(candidates, 1):
                results = evaluate_candidates([params])
                print(
                    f"candidate {i}/{len(candidates)}: "
                    f"{results['mean_test_score'][-1]:.4f} ± "
                    f"{results['std_test_score'][-1]:.4f} "
                    f"({results['mean_fit_time'][-1]:.1f} s per fit)  {params}",
                    flush=True,
                )

    return ReportingGridSearch


def cmd_tune(args) -> None:
    import csv

    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from .classifier import make_fashion_pipeline
    from .datasets import fetch_fashion_mnist
    from .persistence import save_model

    grid = _parse_grid(args)
    out = Path(args.output_dir)
    files = [out / "tune_results.csv", out / TUNE_MODEL_FILE]
    _check_free(args, *files)
    model, params = _model_and_params(args)
    pipeline = make_fashion_pipeline(model, **params, random_state=args.random_state)
    valid = pipeline.get_params()
    unknown = [k for k in grid if k not in valid]
    if unknown:
        raise CLIError(
            f"unknown parameters {unknown}; searchable ones start with 'clf__', "
            "e.g. clf__hidden_layer_sizes, clf__optimizer__learning_rate"
        )
    train = fetch_fashion_mnist(subset="train")
    X, y = _subsample(train.data, train.target, args.max_samples, args.random_state)
    n_candidates = _check_candidates(pipeline, grid, X, y)
    _say(
        args,
        f"Searching {n_candidates} candidates x {args.cv} folds on {len(y):,} images",
    )
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    search_class = GridSearchCV if args.quiet else _reporting_grid_search()
    search = search_class(pipeline, grid, cv=cv, n_jobs=args.n_jobs)
    search.fit(X, y)
    results = search.cv_results_
    order = sorted(
        range(len(results["params"])), key=lambda i: results["rank_test_score"][i]
    )
    out.mkdir(parents=True, exist_ok=True)
    with files[0].open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["rank", "mean_test_score", "std_test_score", "mean_fit_time", "params"]
        )
        for i in order:
            print(
                f"{results['rank_test_score'][i]:>3}  "
                f"{results['mean_test_score'][i]:.4f} ± "
                f"{results['std_test_score'][i]:.4f}  {results['params'][i]}"
            )
            writer.writerow(
                [
                    results["rank_test_score"][i],
                    f"{results['mean_test_score'][i]:.6f}",
                    f"{results['std_test_score'][i]:.6f}",
                    f"{results['mean_fit_time'][i]:.3f}",
                    json.dumps(results["params"][i]),
                ]
            )
    save_model(search.best_estimator_, files[1], test_score=None)
    print(f"best: {search.best_params_}")
    _wrote(files)


# -- the parser ----------------------------------------------------------------------


def _version() -> str:
    from . import __version__

    return f"skfashion {__version__}"


def build_parser() -> argparse.ArgumentParser:
    from .presets import PRESETS

    # --quiet and --debug work before the command and after it; SUPPRESS keeps a
    # command's parser from resetting what was given before the command.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only results and errors",
    )
    shared.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an error",
    )
    parser = argparse.ArgumentParser(
        prog="skfashion",
        description="Fashion-MNIST networks (MLP, CNN), the scikit-learn way.",
        epilog="Run 'skfashion COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="print only results and errors"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_):
        p = sub.add_parser(
            name,
            help=help_,
            description=help_,
            parents=[shared],
            formatter_class=_HelpFormatter,
        )
        p.set_defaults(func=func)
        return p

    def writes(p):
        p.add_argument(
            "--force",
            action="store_true",
            help="replace files that exist (without it, nothing is overwritten)",
        )

    def allow_pickle(p):
        p.add_argument(
            "--allow-pickle",
            action="store_true",
            help="also open pickle-based models (joblib files); unpickling runs "
            "code: only for files you trust",
        )

    def model_options(p):
        p.add_argument(
            "--model", choices=["mlp", "cnn"], help="the network (default: mlp)"
        )
        p.add_argument(
            "--epochs", type=_positive_int, help="passes over the training data"
        )
        p.add_argument("--random-state", type=int, default=0, help="the seed")
        p.add_argument(
            "--max-samples",
            type=_positive_int,
            help="use a stratified subsample of this many training images "
            "(default: all 60,000)",
        )

    p = add("train", cmd_train, "train a pipeline on the training set and save it")
    model_options(p)
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="a measured configuration (skfashion.PRESETS); other options "
        "override its values",
    )
    p.add_argument("--batch-size", type=_positive_int, help="samples per step")
    p.add_argument(
        "--hidden-layer-sizes",
        type=_layer_sizes,
        metavar="N,N,...",
        help="units of the dense hidden layers",
    )
    p.add_argument("--learning-rate", type=_positive_float, help="Adam's step size")
    p.add_argument("--dropout", type=_fraction, help="dropout rate")
    p.add_argument(
        "--alpha",
        type=_float_type(lambda v: v >= 0, "a number >= 0"),
        help="L2 penalty, as MLPClassifier's alpha",
    )
    p.add_argument(
        "--validation-split",
        type=_fraction,
        help="fraction held out for the validation curve in history.png "
        f"(default: {_TRAIN_VALIDATION_SPLIT}; the estimators' own default is 0.0)",
    )
    p.add_argument(
        "--early-stopping",
        action="store_true",
        help="stop when the validation accuracy stalls",
    )
    p.add_argument(
        "--augment", action="store_true", help="random shifts and flips (CNN only)"
    )
    p.add_argument(
        "--shift-range",
        type=_fraction,
        help="with --augment, the largest shift as a fraction of each side "
        "(0: flips only)",
    )
    p.add_argument(
        "--output-dir",
        default="output",
        help=f"where {MODEL_FILE}, metrics.json, history.json, history.png and "
        "tensorboard/ go",
    )
    writes(p)
    p.epilog = "The test accuracy is always measured on all 10,000 test images."

    p = add("evaluate", cmd_evaluate, "test accuracy, report and confusion matrix")
    p.add_argument("model", help="a saved model (.skf)")
    allow_pickle(p)
    p.add_argument("--plot", metavar="PNG", help="also draw the confusion matrix")
    writes(p)

    p = add("predict", cmd_predict, "classify image files or test-set images")
    p.add_argument("model", help="a saved model (.skf) or an exported one (.onnx)")
    p.add_argument(
        "images",
        nargs="*",
        help="photos (PNG, JPEG, ...; any size); an unreadable one is reported "
        "and the others still classified",
    )
    p.add_argument(
        "--test-index",
        type=int,
        nargs="+",
        default=[],
        metavar="N",
        help="classify test-set images by index (0 to 9999)",
    )
    p.add_argument("--plot", metavar="PNG", help="draw the images and predictions")
    allow_pickle(p)
    writes(p)

    p = add("export", cmd_export, "export a saved model as one ONNX graph")
    p.add_argument("model", help="a saved model (.skf)")
    p.add_argument("output", help="the .onnx file to write")
    p.add_argument(
        "--input-dtype",
        choices=["float32", "uint8"],
        default="float32",
        help="type of the graph's pixel input",
    )
    allow_pickle(p)
    writes(p)

    p = add("verify", cmd_verify, "check a saved model's integrity and reload")
    p.add_argument("model", help="a saved model (.skf)")
    allow_pickle(p)

    p = add("compare", cmd_compare, "cross-validate against classical models")
    p.add_argument("--cv", type=_positive_int, default=5, help="number of folds")
    p.add_argument(
        "--epochs", type=_positive_int, help="epochs of both skfashion networks"
    )
    p.add_argument(
        "--max-samples",
        type=_positive_int,
        default=10000,
        help="stratified subsample of the training set",
    )
    p.add_argument(
        "--svm-samples",
        type=_positive_int,
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
    writes(p)

    p = add("tune", cmd_tune, "grid search over the pipeline's parameters")
    grid = p.add_mutually_exclusive_group(required=True)
    grid.add_argument(
        "--grid", help="JSON, e.g. '{\"clf__dropout\": [0, 0.2]}' (lists as tuples)"
    )
    grid.add_argument("--grid-file", help="a JSON file holding the grid")
    model_options(p)
    p.add_argument("--cv", type=_positive_int, default=3, help="number of folds")
    p.add_argument(
        "--n-jobs", type=int, default=1, help="candidates fitted in parallel"
    )
    p.add_argument(
        "--output-dir",
        default="output",
        help=f"where tune_results.csv and {TUNE_MODEL_FILE} (the best "
        "candidate, refitted) go",
    )
    writes(p)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    # TensorFlow's C++ start-up chatter is not for command-line users.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
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
        print(f"skfashion: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
