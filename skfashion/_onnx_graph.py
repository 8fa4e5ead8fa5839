"""A Keras network of skfashion's as ONNX nodes, built with ``onnx.helper``.

Shared by :func:`skfashion.export_onnx` (the whole pipeline as a file) and
the predict path (``_inference``: the network alone, run by onnxruntime).
The layers are a small, closed set: Dense, Conv2D, MaxPooling2D,
BatchNormalization, ReLU, Reshape, Flatten; Dropout and the augmentation
layers are the identity at inference.
"""

from __future__ import annotations

import numpy as np

OPSET = 17
IR_VERSION = 8  # what opset 17 pairs with; onnxruntime >= 1.14 reads it
_ACTIVATIONS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "linear": None}
_IDENTITY_LAYERS = {
    "InputLayer",
    "Dropout",
    "RandomTranslation",
    "RandomFlip",
    "RandomErasing",
}


class NoGraph(ValueError):
    """A layer or an activation of the network has no ONNX conversion."""


def import_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            "the 'onnx' package, a dependency of skfashion, is missing: "
            "pip install onnx onnxruntime"
        ) from exc
    return onnx


class Graph:
    """Nodes and initializers of one ONNX graph, with fresh tensor names."""

    def __init__(self, onnx):
        self.helper, self.numpy_helper = onnx.helper, onnx.numpy_helper
        self.nodes, self.initializers = [], []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, array) -> str:
        name = self.name(hint)
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name

    def model(self, name: str, inputs: list, outputs: list):
        """The ONNX model of these nodes, with the given value infos."""
        helper = self.helper
        return helper.make_model(
            helper.make_graph(self.nodes, name, inputs, outputs, self.initializers),
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="skfashion",
            ir_version=IR_VERSION,
        )

    def op(self, op_type: str, inputs: list[str], output: str | None = None, **attrs):
        output = output or self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, inputs, [output], **attrs))
        return output


def _activation(graph: Graph, layer, x: str) -> str:
    name = layer.activation.__name__
    if name == "softmax":
        return graph.op("Softmax", [x], axis=1)
    if name not in _ACTIVATIONS:
        raise NoGraph(
            f"export_onnx cannot convert the activation {name!r} of layer "
            f"{layer.name!r}; exportable: {sorted(_ACTIVATIONS)} and softmax."
        )
    return x if _ACTIVATIONS[name] is None else graph.op(_ACTIVATIONS[name], [x])


def _same_pads(kernel, dilation) -> list[int]:
    """TensorFlow's "same" padding for stride 1: the odd pixel goes at the end."""
    total = [(k - 1) * d for k, d in zip(kernel, dilation, strict=True)]
    begin = [t // 2 for t in total]
    return begin + [t - b for t, b in zip(total, begin, strict=True)]


def _layer(graph: Graph, layer, x: str, layout: str) -> tuple[str, str]:
    """Convert one Keras layer; returns the output name and its layout."""
    kind = type(layer).__name__
    weights = [np.asarray(w) for w in layer.get_weights()]
    if kind in _IDENTITY_LAYERS:
        return x, layout
    if kind == "Dense":
        x = graph.op(
            "Gemm",
            [x, graph.const("kernel", weights[0]), graph.const("bias", weights[1])],
        )
        return _activation(graph, layer, x), layout
    if kind == "Reshape":
        height, width, channels = layer.target_shape
        if channels == 1:  # one channel: NHWC and NCHW hold the same order
            shape = graph.const("shape", np.array([-1, 1, height, width], np.int64))
            return graph.op("Reshape", [x, shape]), "NCHW"
        shape = graph.const("shape", np.array([-1, *layer.target_shape], np.int64))
        x = graph.op("Reshape", [x, shape])
        return graph.op("Transpose", [x], perm=[0, 3, 1, 2]), "NCHW"
    if kind == "Conv2D" and tuple(layer.strides) == (1, 1):
        kernel = np.transpose(weights[0], (3, 2, 0, 1))  # HWIO -> OIHW
        inputs = [x, graph.const("kernel", kernel)]
        if layer.use_bias:
            inputs.append(graph.const("bias", weights[1]))
        pads = [0, 0, 0, 0]
        if layer.padding == "same":
            pads = _same_pads(layer.kernel_size, layer.dilation_rate)
        x = graph.op(
            "Conv",
            inputs,
            kernel_shape=list(layer.kernel_size),
            dilations=list(layer.dilation_rate),
            pads=pads,
        )
        return _activation(graph, layer, x), layout
    if kind == "MaxPooling2D" and layer.padding == "valid":
        x = graph.op(
            "MaxPool",
            [x],
            kernel_shape=list(layer.pool_size),
            strides=list(layer.strides),
        )
        return x, layout
    if kind == "BatchNormalization" and layer.center and layer.scale:
        gamma, beta, mean, variance = weights
        inputs = [x] + [
            graph.const(hint, value)
            for hint, value in zip(
                ("gamma", "beta", "mean", "variance"),
                (gamma, beta, mean, variance),
                strict=True,
            )
        ]
        return graph.op(
            "BatchNormalization", inputs, epsilon=float(layer.epsilon)
        ), layout
    if kind == "ReLU" and layer.max_value is None and not layer.negative_slope:
        return graph.op("Relu", [x]), layout
    if kind == "Flatten":
        if layout == "NCHW":  # Keras flattens channels-last
            x = graph.op("Transpose", [x], perm=[0, 2, 3, 1])
        return graph.op("Flatten", [x], axis=1), "flat"
    raise NoGraph(
        f"export_onnx cannot convert layer {layer.name!r} ({kind}); skfashion's "
        "networks use Dense, Conv2D, MaxPooling2D, BatchNormalization, ReLU, "
        "Reshape, Flatten, Dropout and augmentation layers."
    )


def add_network(graph: Graph, model, x: str, flip: bool = False) -> tuple[str, str]:
    """Append ``model``'s layers to ``graph`` after the flat input ``x``.

    Returns the names of the last hidden layer's features (the last layer's
    input) and of the outputs. With ``flip``, the rows and their mirror
    images go through the network as one batch; the outputs are the two
    halves' sum times 0.5 (as ``_inference.predict_rows``) and the features
    the rows' own.
    """
    if not flip:
        return _add_layers(graph, model, x)

    def ints(hint, *values):
        return graph.const(hint, np.array(values, np.int64))

    height, width = model.get_layer("image").target_shape[:2]
    images = graph.op("Reshape", [x, ints("shape", -1, height, width)])
    big = np.iinfo(np.int64).max
    # The columns from the last to the first: Slice's steps of -1.
    columns = [
        ints("start", -1),
        ints("end", -big - 1),
        ints("axis", 2),
        ints("step", -1),
    ]
    mirrored = graph.op("Slice", [images, *columns])
    rows = graph.op("Reshape", [mirrored, ints("shape", -1, height * width)])
    both = graph.op("Concat", [x, rows], axis=0)
    features, outputs = _add_layers(graph, model, both)
    n, axis = graph.op("Shape", [x], start=0, end=1), ints("axis", 0)
    own = [ints("start", 0), n, axis]
    mirror = [n, ints("end", big), axis]
    halves = [graph.op("Slice", [outputs, *own]), graph.op("Slice", [outputs, *mirror])]
    mean = graph.op(
        "Mul", [graph.op("Add", halves), graph.const("half", np.float32(0.5))]
    )
    return graph.op("Slice", [features, *own]), mean


def _add_layers(graph: Graph, model, x: str) -> tuple[str, str]:
    layout = "flat"
    features = x
    for layer in model.layers:
        features = x
        x, layout = _layer(graph, layer, x, layout)
    return features, x


def network_model(model, n_features: int):
    """``model`` alone as an ONNX model: ``X`` (n, n_features) float32 in,
    ``features`` and ``outputs`` out. Raises :class:`NoGraph` for a layer or
    an activation outside the convertible set."""
    onnx = import_onnx()
    helper, float32 = onnx.helper, onnx.TensorProto.FLOAT
    graph = Graph(onnx)
    features, outputs = add_network(graph, model, "X")
    graph.op("Identity", [features], output="features")
    graph.op("Identity", [outputs], output="outputs")
    return graph.model(
        "network",
        [helper.make_tensor_value_info("X", float32, [None, n_features])],
        [
            helper.make_tensor_value_info(name, float32, [None, None])
            for name in ("features", "outputs")
        ],
    )
