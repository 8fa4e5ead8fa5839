"""skfashion verify: a saved model's integrity, recorded score and reload."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import _common
from ._predictor import is_graph

HELP = "check a saved model's integrity and reload"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    p.add_argument("model", help="a saved model (.skf)")
    _common.add_allow_pickle(p)


def run(args) -> None:
    import tempfile

    from ..datasets import fetch_fashion_mnist
    from ..persistence import compare_models, load_model, save_model

    if is_graph(args.model):
        raise _common.CLIError(
            f"verify checks model files (.skf), and {args.model} is an exported "
            f"graph: skfashion evaluate {args.model} gives its test accuracy, to "
            "compare with the model file's"
        )
    model, manifest = _common.load(args, return_manifest=True)  # hashes checked here
    test = fetch_fashion_mnist(subset="test")
    X_test = test.data
    if manifest is not None and manifest.get("test_score") is not None:
        score = model.score(X_test, _common.test_labels(model.classes_, test.target))
        if score != manifest["test_score"]:
            raise _common.CLIError(
                f"reloaded model scores {score!r}, but {manifest['test_score']!r} was "
                "recorded when it was saved"
            )
        _common.say(
            args,
            f"test accuracy {score:.4f} equals the recorded {manifest['test_score']}",
        )
    with tempfile.TemporaryDirectory() as tmp:
        again = load_model(save_model(model, Path(tmp) / "again.skf"))
    report = compare_models(model, again, X_test[:1000])
    _common.say(args, str(report))
    if not report.identical:
        raise _common.CLIError(
            f"save/load round trip changed: {', '.join(report.differences)}"
        )
    print(f"{args.model}: integrity verified, reload identical")
