"""The exported CNN's one-image latency against what the CPU can do at best.

The CNN defaults, fitted as ``make bench``'s onnx section fits them (1 epoch,
10,000 images: the score's full 5,000 references), exported with and
without the score: the median time of one image per call under
onnxruntime's own threads and under one thread;
onnxruntime's float32 MatMul rate on 2048 x 2048 matrices (its own kernels,
the practical peak); each graph's FLOPs per image and the bytes of weights
it reads; and the slowest nodes in onnxruntime's profiler (one thread). The
floor is the graph's FLOPs at the peak. Results are appended to
``benchmarks/results/onnx_floor.json``. Not part of ``make bench``: an
experiment behind docs/decisions (ONNX latency).

With ``--networks``: the same one-image time for smaller CNNs and the MLP
defaults (each fitted 1 epoch on 10,000 images: the time depends on the
number of references, not on the weights), with and without the score,
interleaved round by round; appended to
``benchmarks/results/onnx_networks.json``.

Usage: python benchmarks/bench_onnx_floor.py [--networks]
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from pathlib import Path
from statistics import median

import numpy as np
from _common import FULL_STATISTICS_ROWS, cpu, markdown_section, median_s

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "onnx_floor.json"
NETWORKS_RESULTS = HERE / "results" / "onnx_networks.json"
# Label -> make_fashion_pipeline's arguments: the CNN defaults, then fewer
# filters, units and blocks, and the MLP defaults.
NETWORKS = {
    "CNN defaults": dict(model="cnn"),
    "CNN filters (16, (48, 48)), hidden (128,)": dict(
        model="cnn", filters=(16, (48, 48)), hidden_layer_sizes=(128,)
    ),
    "CNN filters (16, (32, 32)), hidden (256,)": dict(
        model="cnn", filters=(16, (32, 32)), hidden_layer_sizes=(256,)
    ),
    "CNN filters (16, (32, 32)), hidden (128,)": dict(
        model="cnn", filters=(16, (32, 32)), hidden_layer_sizes=(128,)
    ),
    "CNN filters (16, (32, 32)), hidden (64,)": dict(
        model="cnn", filters=(16, (32, 32)), hidden_layer_sizes=(64,)
    ),
    "CNN filters (16, 32), same padding, hidden (128,)": dict(
        model="cnn", filters=(16, 32), padding="same", hidden_layer_sizes=(128,)
    ),
    "MLP defaults": dict(model="mlp"),
}
ROUNDS, CALLS = 7, 300


def _fitted(train, **params):
    """A pipeline fitted 1 epoch on enough images for full score statistics."""
    from skfashion import make_fashion_pipeline

    pipe = make_fashion_pipeline(**params, epochs=1, random_state=0)
    rows = slice(FULL_STATISTICS_ROWS)
    return pipe.fit(train.data[rows], train.target[rows])


def _one_image_ms(session, x) -> float:
    """Median over rounds of the median of CALLS one-image calls."""
    return 1000 * median(
        median_s(lambda: session.run(["probabilities"], {"X": x}), CALLS)
        for _ in range(ROUNDS)
    )


def _session(ort, path: str, threads: int, profile: str | None = None):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    if profile:
        options.enable_profiling = True
        options.profile_file_prefix = profile
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _matmul_gflops(ort, onnx, n: int = 2048) -> float:
    helper, float32 = onnx.helper, onnx.TensorProto.FLOAT
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["A", "B"], ["C"])],
        "matmul",
        [helper.make_tensor_value_info(v, float32, [n, n]) for v in "AB"],
        [helper.make_tensor_value_info("C", float32, [n, n])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8
    )
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    a = np.random.RandomState(0).rand(n, n).astype(np.float32)
    best = min(
        median_s(lambda: session.run(None, {"A": a, "B": a}), 3) for _ in range(3)
    )
    return 2 * n**3 / best / 1e9


def _graph_cost(onnx, path: str) -> tuple[int, int]:
    """FLOPs per image of the graph's Conv, Gemm and MatMul nodes, and the
    bytes of its initializers (the weights every call reads)."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    init = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    shapes = {
        v.name: [d.dim_value or 1 for d in v.type.tensor_type.shape.dim]
        for v in (*model.graph.value_info, *model.graph.output)
    }
    macs = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            out = shapes[node.output[0]]  # (1, C_out, H, W)
            macs += int(np.prod(out)) * int(np.prod(init[node.input[1]].shape[1:]))
        elif node.op_type in ("Gemm", "MatMul") and node.input[1] in init:
            macs += int(np.prod(init[node.input[1]].shape))
    return 2 * macs, sum(a.nbytes for a in init.values())


def _slowest_nodes(ort, path: str, x, tmp: Path, top: int = 6) -> list[list]:
    session = _session(ort, path, 1, profile=str(tmp / "profile"))
    for _ in range(2000):
        session.run(["probabilities"], {"X": x})
    durations = defaultdict(list)
    for event in json.loads(Path(session.end_profiling()).read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            durations[event["args"]["op_name"], event["name"][:-12]].append(
                event["dur"]
            )
    nodes = sorted(((median(d), *key) for key, d in durations.items()), reverse=True)
    return [[op, name, us] for us, op, name in nodes[:top]] + [
        ["all nodes", "", sum(us for us, *_ in nodes)]
    ]


def main() -> None:
    import onnx
    import onnxruntime as ort

    from skfashion import export_onnx, fetch_fashion_mnist

    train = fetch_fashion_mnist(subset="train")
    x = fetch_fashion_mnist(subset="test").data[:1].astype(np.float32)
    pipe = _fitted(train, model="cnn")
    record = {"matmul_gflops": _matmul_gflops(ort, onnx), "graphs": {}}
    record["n_references"] = len(pipe[-1].score_statistics_["references"])
    record["cpu"], record["cpu_flags"] = cpu()
    with tempfile.TemporaryDirectory() as tmp:
        for name, score in (("default", True), ("score=False", False)):
            path = str(export_onnx(pipe, Path(tmp) / f"{score}.onnx", score=score))
            flops, weight_bytes = _graph_cost(onnx, path)
            record["graphs"][name] = {
                "flops": flops,
                "weight_bytes": weight_bytes,
                "ms": _one_image_ms(_session(ort, path, 0), x),
                "ms_one_thread": _one_image_ms(_session(ort, path, 1), x),
                "slowest_nodes_us_one_thread": _slowest_nodes(ort, path, x, Path(tmp)),
            }
            print(name, json.dumps(record["graphs"][name]), flush=True)
    records = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps([*records, record], indent=1) + "\n")


def networks() -> None:
    """One image per call for each of ``NETWORKS``, with and without the score."""
    import onnx
    import onnxruntime as ort

    from skfashion import export_onnx, fetch_fashion_mnist

    train = fetch_fashion_mnist(subset="train")
    x = fetch_fashion_mnist(subset="test").data[:1].astype(np.float32)
    sessions, record = {}, {"networks": {}}
    record["cpu"], record["cpu_flags"] = cpu()
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, params) in enumerate(NETWORKS.items()):
            pipe = _fitted(train, **params)
            for score in (True, False):
                path = str(
                    export_onnx(pipe, Path(tmp) / f"{i}{score}.onnx", score=score)
                )
                flops, weight_bytes = _graph_cost(onnx, path)
                key = label + ("" if score else ", score=False")
                sessions[key] = _session(ort, path, 0)
                record["networks"][key] = {
                    "n_references": len(pipe[-1].score_statistics_["references"]),
                    "flops": flops,
                    "weight_bytes": weight_bytes,
                    "ms_rounds": [],
                }
        for _ in range(ROUNDS):  # interleaved: a slow spell hits every graph
            for key, session in sessions.items():
                record["networks"][key]["ms_rounds"].append(
                    1000 * median_s(lambda s=session: s.run(None, {"X": x}), CALLS)
                )
    for key, m in record["networks"].items():
        m["ms"] = median(m["ms_rounds"])
        print(f"{key}: {m['flops'] / 1e6:.1f} MFLOP, {m['ms']:.3f} ms", flush=True)
    records = (
        json.loads(NETWORKS_RESULTS.read_text()) if NETWORKS_RESULTS.exists() else []
    )
    NETWORKS_RESULTS.write_text(json.dumps([*records, record], indent=1) + "\n")


def summary_rows(records=None) -> list[tuple[str, ...]]:
    """Per record and graph: CPU, graph, MFLOP, weights, measured ms, floor."""
    if records is None:
        records = json.loads(RESULTS.read_text())
    rows = []
    for r in records:
        isa = "AVX-512" if "avx512f" in r["cpu_flags"] else "AVX2"
        for name, g in r["graphs"].items():
            floor = g["flops"] / r["matmul_gflops"] / 1e6
            rows.append(
                (
                    f"{r['cpu']}, {isa}",
                    name,
                    f"{r['n_references']:,}" if name == "default" else "",
                    f"{g['flops'] / 1e6:.1f}",
                    f"{g['weight_bytes'] / 2**20:.1f} MiB",
                    f"{r['matmul_gflops']:.0f}",
                    f"{floor:.3f} ms",
                    f"{g['ms']:.3f} ms",
                    f"{g['ms_one_thread']:.3f} ms",
                )
            )
    return rows


HEADER = (
    "CPU",
    "graph",
    "score's references",
    "MFLOP per image",
    "weights read",
    "MatMul peak (GFLOP/s)",
    "floor: FLOPs at the peak",
    "one image",
    "one image, 1 thread",
)


def markdown() -> list[str]:
    """The RESULTS.md section."""
    return markdown_section(
        "The exported CNN against its floor (benchmarks/bench_onnx_floor.py)",
        "One image per call, onnxruntime's own threads and one thread; the peak "
        "is onnxruntime's float32 MatMul on 2048 x 2048 matrices on the same "
        "cores.",
        HEADER,
        "llrrrrrrr",
        summary_rows(),
    )


if __name__ == "__main__":
    import sys

    networks() if "--networks" in sys.argv[1:] else main()
