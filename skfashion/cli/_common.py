"""What the commands share: errors, option types and groups, output rules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MODEL_FILE = "model.skf"
TUNE_MODEL_FILE = "tune_model.skf"


class CLIError(Exception):
    """An error to report in one line, without a traceback."""


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def sample_count(text: str) -> int:
    """An argparse type: a stratified subsample's size, one image per class
    at least."""
    from ..datasets import CLASS_NAMES

    value = positive_int(text)
    if value < len(CLASS_NAMES):
        raise argparse.ArgumentTypeError(
            f"expected at least {len(CLASS_NAMES)} (one image of each class), "
            f"got {value}"
        )
    return value


def json_value(text: str):
    """An argparse type: a JSON value, lists made tuples (as the estimators take)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text  # a bare word, such as same
    return _tuples(value)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def layer_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 512,256,128, got {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be positive: {text!r}")
    return sizes


def float_type(accept, expected: str):
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


fraction = float_type(lambda v: 0 <= v < 1, "a fraction in [0, 1)")
positive_float = float_type(lambda v: v > 0, "a positive number")
probability = float_type(lambda v: 0 <= v <= 1, "a probability in [0, 1]")


# Estimator parameters the commands expose: the option is the parameter's
# name (--optimizer-learning-rate for optimizer__learning_rate). An option
# left out keeps the estimator's own default (the help shows it).
MODEL_PARAMS = {
    name.replace("__", "_"): name
    for name in (
        "epochs",
        "batch_size",
        "hidden_layer_sizes",
        "activation",
        "filters",
        "kernel_size",
        "padding",
        "dropout",
        "alpha",
        "label_smoothing",
        "optimizer__learning_rate",
        "learning_rate",
        "validation_split",
        "early_stopping",
        "n_iter_no_change",
        "augment",
        "shift_range",
        "random_erasing",
        "test_time_flip",
    )
}
# The train command holds out this fraction unless told otherwise: its
# history.png shows the validation curve. The estimators hold out nothing by
# default (as MLPClassifier, unless early_stopping).
TRAIN_VALIDATION_SPLIT = 0.1


def model_and_params(args, command_defaults=None) -> tuple[str, dict]:
    """The network and the estimator parameters set on the command line."""
    from ..presets import PRESETS

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
    from .. import _defaults

    defaults = {"mlp": _defaults.MLP, "cnn": _defaults.CNN}[model]
    for option, param in MODEL_PARAMS.items():
        value = getattr(args, option, None)
        if value is None or value is False:
            continue
        if param not in defaults:
            other = "cnn" if model == "mlp" else "mlp"
            raise CLIError(
                f"--{option.replace('_', '-')} is a parameter of the {other} "
                f"model; add --model {other}"
            )
        params[param] = value
    if "shift_range" in params and not params.get("augment"):
        raise CLIError("--shift-range needs --augment (it sets the augmentation)")
    return model, params


def _model_defaults(param: str) -> str:
    """The estimators' own default of ``param``, for the help text.

    Read from ``skfashion._defaults``, which the estimators' signatures use
    too: the help needs no TensorFlow.
    """
    from .. import _defaults

    values = {}
    for name, defaults in (("mlp", _defaults.MLP), ("cnn", _defaults.CNN)):
        value = defaults.get(param)
        if param == "hidden_layer_sizes" and value is not None:
            value = ",".join(map(str, value))
        elif isinstance(value, tuple):
            value = json.dumps(value)
        values[name] = value
    if values["mlp"] == values["cnn"]:
        return str(values["mlp"])
    return ", ".join(f"{v} ({k})" for k, v in values.items() if v is not None)


class HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default: the command's or the model's."""

    def _get_help_string(self, action):
        help_ = action.help or ""
        if "default" in help_ or action.default is argparse.SUPPRESS:
            return help_
        param = MODEL_PARAMS.get(action.dest)
        if param is not None and action.default is None:
            return f"{help_} (default: the model's own: {_model_defaults(param)})"
        default = action.default
        unset = default is None or default is False or default == []
        if action.option_strings and not unset:
            return f"{help_} (default: %(default)s)"
        return help_


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def verbosity(args) -> int:
    if args.quiet:
        return 0
    return 1 if sys.stdout.isatty() else 2


def say(args, message: str) -> None:
    if not args.quiet:
        print(message)


def check_free(args, *paths: Path) -> None:
    """Refuse, before any work, to replace files that exist (unless --force)."""
    taken = [str(p) for p in paths if p.exists()]
    if taken and not args.force:
        raise CLIError(
            f"{', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; "
            "choose another --output-dir (or file name), or pass --force to "
            "replace"
        )


def plot_target(args) -> Path | None:
    """The --plot file, checked free before any work (None without --plot)."""
    if not args.plot:
        return None
    plot = Path(args.plot)
    check_free(args, plot)
    return plot


def wrote(paths) -> None:
    """List the files a command wrote, whatever --quiet says: they are results."""
    print("wrote: " + ", ".join(str(p) for p in paths))


def load(args, return_manifest: bool = False):
    from ..persistence import ModelFileError, load_model

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


def add_model_options(p: argparse.ArgumentParser) -> None:
    """The options of the commands that build a pipeline."""
    p.add_argument("--model", choices=["mlp", "cnn"], help="the network (default: mlp)")
    p.add_argument("--epochs", type=positive_int, help="passes over the training data")
    p.add_argument("--random-state", type=int, default=0, help="the seed")
    p.add_argument(
        "--max-samples",
        type=sample_count,
        help="use a stratified subsample of this many training images "
        "(default: all 60,000)",
    )


def add_force(p: argparse.ArgumentParser) -> None:
    """--force, for the commands that write files."""
    p.add_argument(
        "--force",
        action="store_true",
        help="replace files that exist (without it, nothing is overwritten)",
    )


def add_allow_pickle(p: argparse.ArgumentParser) -> None:
    """--allow-pickle, for the commands that open a model."""
    p.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also open pickle-based models (joblib files); unpickling runs "
        "code: only for files you trust",
    )


def test_labels(classes, y):
    """Fashion-MNIST's test labels in the model's own labels, or a CLIError."""
    from ..datasets import as_model_labels

    try:
        return as_model_labels(y, classes)
    except ValueError as exc:
        raise CLIError(str(exc)) from None


def check_buildable(pipeline, X, y, grid=None) -> int:
    """Build the network of ``pipeline`` (of each candidate of ``grid``) on a
    few images, before any training; returns the number of candidates.

    The estimators check their parameters when they fit; building the network
    (``initialize``) runs those same checks, so that a bad value fails in one
    line now, before any file is written or any other candidate trained.
    """
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    first = np.unique(y, return_index=True)[1]  # one image of each class
    candidates = ParameterGrid(grid or {})
    for params in candidates:
        candidate = clone(pipeline).set_params(**params)
        try:
            Xt = candidate[:-1].fit_transform(X[first])
            candidate[-1].initialize(Xt, y[first])
        except (ValueError, TypeError) as exc:
            text = " ".join(str(exc).split())
            where = f"grid candidate {params}: " if params else ""
            raise CLIError(f"{where}{text}") from exc
    return len(candidates)
