"""skfashion export: a saved model as one ONNX graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import _common
from ._predictor import ONNX_SUFFIX, is_graph

HELP = "export a saved model as one ONNX graph"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    p.add_argument("model", help="a saved model (.skf)")
    p.add_argument("output", help="the .onnx file to write")
    p.add_argument(
        "--input-dtype",
        choices=["float32", "uint8"],
        default="float32",
        help="type of the graph's pixel input",
    )
    p.add_argument(
        "--no-score",
        action="store_true",
        help="leave out the score output (score_samples): a faster graph",
    )
    _common.add_allow_pickle(p)
    _common.add_force(p)


def run(args) -> None:
    from ..onnx import export_onnx

    if not is_graph(args.output):
        raise _common.CLIError(
            f"the output must end in {ONNX_SUFFIX} (got {args.output}): skfashion "
            "predict and evaluate know an exported graph by it"
        )
    _common.check_free(args, Path(args.output))
    model = _common.load(args)
    try:
        path = export_onnx(
            model, args.output, input_dtype=args.input_dtype, score=not args.no_score
        )
    except ImportError as exc:
        raise _common.CLIError(str(exc)) from None
    final = model[-1] if hasattr(model, "steps") else model
    scored = hasattr(final, "score_statistics_") and not args.no_score
    outputs = "label, probabilities and score" if scored else "label and probabilities"
    _common.say(
        args,
        f"input X ({args.input_dtype} pixels), outputs {outputs}; "
        "serve it with onnxruntime (no TensorFlow needed)",
    )
    _common.wrote([path])
