"""export_onnx: a fitted pipeline as one ONNX graph, to serve without TensorFlow.

The graph follows skl2onnx's convention for classifiers: the pipeline's raw
input in, ``label`` and ``probabilities`` out. It is built directly with
``onnx.helper`` from the fitted network's layers (a small, closed set:
Dense, Conv2D, MaxPooling2D, BatchNormalization, ReLU, Reshape, Flatten;
Dropout and the augmentation layers are the identity at inference). Keras'
own ``Model.export(format="onnx")`` (through tf2onnx) converts the network
alone: the scaling, the labels and the metadata would then have to be
grafted onto its graph, and it needs TensorFlow and tf2onnx at export time.
Building the graph ourselves needs only ``onnx``, takes milliseconds and
gives the same numbers: ``predict_proba`` runs the same network graph.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._atomic import atomic_path
from ._onnx_graph import Graph, add_network, import_onnx

__all__ = ["export_onnx"]


def _split(estimator):
    """(scaler or None, classifier) of a supported estimator, or a ValueError."""
    from .classifier import FashionCNNClassifier, FashionMLPClassifier
    from .preprocessing import ImageScaler

    classifiers = (FashionMLPClassifier, FashionCNNClassifier)
    steps = (
        [s for _, s in estimator.steps]
        if isinstance(estimator, Pipeline)
        else [estimator]
    )
    steps = [s for s in steps if s is not None and s != "passthrough"]
    ok = (len(steps) == 1 and isinstance(steps[0], classifiers)) or (
        len(steps) == 2
        and type(steps[0]) is ImageScaler
        and isinstance(steps[1], classifiers)
    )
    if not ok:
        names = [type(s).__name__ for s in steps]
        raise ValueError(
            "export_onnx converts a FashionMLPClassifier or FashionCNNClassifier, "
            f"alone or after an ImageScaler; got the steps {names}."
        )
    check_is_fitted(steps[-1])
    return (steps[0] if len(steps) == 2 else None), steps[-1]


def export_onnx(
    estimator,
    path: str | os.PathLike,
    *,
    input_dtype: str = "float32",
    score: bool = True,
) -> Path:
    """Export a fitted model as one ONNX graph: raw input in, labels out.

    Parameters
    ----------
    estimator : Pipeline, FashionMLPClassifier or FashionCNNClassifier
        Fitted; a pipeline of an ``ImageScaler`` and a skfashion classifier
        (as :func:`make_fashion_pipeline` makes) takes pixels as the
        scaler does (0 to 255, or already in [0, 1] by its ``max_value``
        rule) and scales them inside the graph; a bare classifier takes its own
        input (scaled features).
    path : str or path-like
        Destination ``.onnx`` file, written atomically.
    input_dtype : {"float32", "uint8"}, default="float32"
        Type of the graph's input ``X`` of shape (n, n_features); "uint8"
        takes 8-bit pixels as they come from image files and the dataset.
    score : bool, default=True
        Add the ``score`` output (``score_samples``) and the ``offset``
        metadata, where the model has its statistics. onnxruntime runs
        every node of a graph whatever outputs are asked for, and the
        score's take a tenth to a fifth of one image's time: False leaves
        them out, for serving where only labels count.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Notes
    -----
    Outputs: ``label`` (n,), the predicted classes (int64, or strings for
    string labels), ``probabilities`` (n, n_classes), float32, the
    columns in the order of ``classes_``, and ``score`` (n,), float32,
    ``score_samples`` (where the model has its statistics). The model's
    metadata holds ``classes`` (JSON), ``offset`` (the ``offset_`` below
    which a score marks an image unlike the training images) and the
    skfashion, Keras and ONNX versions. The graph
    does not repeat ``ImageScaler``'s input checks (range, NaN): check
    inputs before serving. Run it with ``onnxruntime``::

        import onnxruntime as ort
        session = ort.InferenceSession("model.onnx")
        labels, proba, scores = session.run(None, {"X": pixels.astype("float32")})

    Examples
    --------
    >>> from skfashion import export_onnx  # doctest: +SKIP
    >>> export_onnx(pipeline, "fashion.onnx")  # doctest: +SKIP
    """
    if input_dtype not in ("float32", "uint8"):
        raise ValueError(
            f"input_dtype must be 'float32' or 'uint8', got {input_dtype!r}."
        )
    if not isinstance(score, bool):
        raise ValueError(f"score must be True or False, got {score!r}.")
    scaler, clf = _split(estimator)
    onnx = import_onnx()
    helper = onnx.helper
    graph = Graph(onnx)
    n_features = int((scaler or clf).n_features_in_)
    elem = (
        onnx.TensorProto.FLOAT if input_dtype == "float32" else onnx.TensorProto.UINT8
    )
    x = "X"
    if input_dtype == "uint8":
        x = graph.op("Cast", [x], to=onnx.TensorProto.FLOAT)
    if scaler is not None:
        x = _scale(graph, x, scaler.max_value if input_dtype == "float32" else 255)
    pixels = x
    features, x = add_network(graph, clf.model_, x, flip=clf._test_time_flip())
    graph.op("Identity", [x], output="probabilities")
    outputs = []
    score = score and hasattr(clf, "score_statistics_")
    if score:
        _score(graph, clf.score_statistics_, features, pixels)
        outputs.append(
            helper.make_tensor_value_info("score", onnx.TensorProto.FLOAT, [None])
        )
    index = graph.op("ArgMax", ["probabilities"], axis=1, keepdims=0)
    classes = np.asarray(clf.classes_)
    if classes.dtype.kind in "US":
        label_type, classes_const = onnx.TensorProto.STRING, classes.astype(object)
    elif classes.dtype.kind in "iub":
        label_type, classes_const = onnx.TensorProto.INT64, classes.astype(np.int64)
    else:
        label_type, classes_const = onnx.TensorProto.FLOAT, classes.astype(np.float32)
    graph.op("Gather", [graph.const("classes", classes_const), index], output="label")
    model = graph.model(
        "skfashion",
        [helper.make_tensor_value_info("X", elem, [None, n_features])],
        [
            helper.make_tensor_value_info("label", label_type, [None]),
            helper.make_tensor_value_info(
                "probabilities", onnx.TensorProto.FLOAT, [None, len(classes)]
            ),
            *outputs,
        ],
    )
    helper.set_model_props(model, _metadata(clf, classes, onnx, score))
    onnx.checker.check_model(model)
    path = Path(path)
    with atomic_path(path, suffix=".onnx") as tmp:
        tmp.write_bytes(model.SerializeToString())
    return path


def _scale(graph: Graph, x: str, max_value) -> str:
    """``ImageScaler.transform`` in the graph (float32 division, as np.divide).

    With ``max_value="auto"``, its per-image rule: a row whose values all lie
    in [0, 1], at least one fractional, is kept as it is.
    """
    if max_value == 1:
        return x
    divided = graph.op("Div", [x, graph.const("max_pixel", np.float32(255))])
    if max_value == 255:
        return divided
    fraction = graph.op("Sub", [x, graph.op("Floor", [x])])  # >= 0
    zero, one = graph.const("zero", np.float32(0)), graph.const("one", np.float32(1))
    fractional = graph.op(
        "Greater", [graph.op("ReduceMax", [fraction], axes=[1], keepdims=1), zero]
    )
    in_unit = graph.op(
        "LessOrEqual", [graph.op("ReduceMax", [x], axes=[1], keepdims=1), one]
    )
    return graph.op("Where", [graph.op("And", [fractional, in_unit]), x, divided])


def _score(graph: Graph, statistics: dict, features: str, pixels: str) -> None:
    """``score_samples`` in the graph (float32), as the output ``score``."""
    from ._novelty import K

    def const(hint, array):
        return graph.const(hint, np.asarray(array, np.float32))

    # _novelty._project: unit features, centred, projected, unit again; the
    # centring folded through the projection.
    tiny = const("tiny", 1e-12)
    unit = _unit(graph, features, tiny)
    projection = statistics["projection"]
    projected = graph.op(
        "Sub",
        [
            graph.op("MatMul", [unit, const("projection", projection)]),
            const("projected_mean", statistics["feature_mean"] @ projection),
        ],
    )
    unit = _unit(graph, projected, tiny)
    references = statistics["references"]
    similarity = graph.op("MatMul", [unit, const("references", references.T)])
    k = min(K, len(references))
    top = graph.name("top")
    graph.nodes.append(
        graph.helper.make_node(
            "TopK",
            [similarity, graph.const("k", np.array([k], np.int64))],
            [top, graph.name("top_index")],
            axis=1,
        )
    )
    neighbour = graph.op("Gather", [top, graph.const("kth", np.array([k - 1]))], axis=1)
    diff = graph.op("Sub", [pixels, const("pixel_mean", statistics["pixel_mean"])])
    weighted = graph.op(
        "Mul",
        [
            graph.op("Mul", [diff, diff]),
            const("minus_half_inverse_variance", -0.5 / statistics["pixel_variance"]),
        ],
    )
    likelihood = graph.op(
        "ReduceSum", [weighted, graph.const("axis", np.array([1]))], keepdims=1
    )
    views = graph.op("Concat", [neighbour, likelihood], axis=1)
    z = graph.op(
        "Div",
        [
            graph.op("Sub", [views, const("centre", statistics["centre"])]),
            const("scale", statistics["scale"]),
        ],
    )
    graph.op("ReduceMin", [z], output="score", axes=[1], keepdims=0)


def _unit(graph: Graph, x: str, tiny: str) -> str:
    """Each row of ``x`` divided by its length (at least ``tiny``)."""
    norm = graph.op("ReduceL2", [x], axes=[1], keepdims=1)
    return graph.op("Div", [x, graph.op("Max", [norm, tiny])])


def _metadata(clf, classes, onnx, score: bool) -> dict[str, str]:
    from .persistence._format import library_versions

    offset = {"offset": repr(clf.offset_)} if score else {}
    return {
        **offset,
        "classes": json.dumps(classes.tolist()),
        "estimator": type(clf).__name__,
        **library_versions(),
        "onnx": onnx.__version__,
    }
