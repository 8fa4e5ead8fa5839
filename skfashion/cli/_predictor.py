"""What predict and evaluate share: a model file or an exported graph, read
into one :class:`Predictor`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple

from . import _common

# The suffix that marks an exported graph (skfashion export writes no other).
ONNX_SUFFIX = ".onnx"


def is_graph(path) -> bool:
    """Whether ``path`` names an exported graph rather than a model file."""
    return Path(path).suffix == ONNX_SUFFIX


class Predictor(NamedTuple):
    """A model's answers on flat pixel rows, whatever file it came from."""

    predict: Callable
    predict_proba: Callable
    classes: object  # np.ndarray, in predict_proba's column order
    is_outlier: Callable | None  # None where the model cannot tell


def predictor(args) -> Predictor:
    """The :class:`Predictor` of ``args.model``: a saved model or an exported
    ONNX graph."""
    import numpy as np

    if is_graph(args.model):
        return _onnx_predictor(args.model)
    from ..classifier import is_outlier  # imports Keras: not for .onnx

    model = _common.load(args)
    return Predictor(
        model.predict,
        model.predict_proba,
        np.asarray(model.classes_),
        partial(is_outlier, model),
    )


def _onnx_predictor(path: str) -> Predictor:
    """The :class:`Predictor` of an exported model, served by onnxruntime."""
    import numpy as np

    try:
        import onnxruntime as ort
    except ImportError:
        raise _common.CLIError(
            "predicting with an .onnx model needs onnxruntime, a dependency "
            "of skfashion: pip install onnxruntime"
        ) from None
    if not Path(path).is_file():
        raise _common.CLIError(f"model file not found: {path}")
    try:
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        classes = json.loads(session.get_modelmeta().custom_metadata_map["classes"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise _common.CLIError(
            f"cannot read {path} as a skfashion ONNX model: {exc}"
        ) from None
    dtype = np.uint8 if session.get_inputs()[0].type == "tensor(uint8)" else np.float32

    def output(name):
        return lambda X: session.run([name], {"X": X.astype(dtype)})[0]

    flag = None
    offset = session.get_modelmeta().custom_metadata_map.get("offset")
    if offset is not None and "score" in [o.name for o in session.get_outputs()]:

        def flag(X):
            return output("score")(X) < float(offset)

    return Predictor(
        output("label"), output("probabilities"), np.asarray(classes), flag
    )
