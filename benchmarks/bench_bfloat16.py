"""Keras' mixed_bfloat16 policy against float32, side by side, in fresh processes.

Each estimator's defaults with ``dtype_policy`` float32 and mixed_bfloat16,
interleaved over seeds; results to
``benchmarks/results/bfloat16.json``. Not part of ``make bench``: an
experiment behind docs/decisions (bfloat16 training).

Usage: python benchmarks/bench_bfloat16.py [--n N] [--epochs E] [--seeds S]
       [--cnn]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

from _common import cpu, markdown_section

HERE = Path(__file__).resolve().parent
POLICIES = ("float32", "mixed_bfloat16")
POLICY_SET_BY = "dtype_policy (float32 softmax)"


RESULTS = HERE / "results" / "bfloat16.json"
_NETWORKS = {"skfashion": "MLP", "skfashion_cnn": "CNN"}


def _setting(record: dict) -> str:
    """How the record's CPU computed bfloat16."""
    env = record.get("environment", {})
    flags = set(record["cpu_flags"])
    if not {"avx512_bf16", "amx_bf16"} & flags:
        isa = "AVX-512 without BF16" if "avx512f" in flags else "AVX2 only"
        onednn = {"1": ", oneDNN forced on", "0": ", oneDNN off"}
        return f"none: {isa}{onednn.get(env.get('TF_ENABLE_ONEDNN_OPTS'), '')}"
    if env.get("TF_ENABLE_ONEDNN_OPTS") == "0":
        return "emulated: oneDNN off (as on AVX2-only CPUs)"
    if "ONEDNN_MAX_CPU_ISA" in env:
        return f"emulated: oneDNN capped at {env['ONEDNN_MAX_CPU_ISA']}"
    return "native (AVX512_BF16)"


def summary_rows(records=None) -> list[tuple[str, ...]]:
    """One row per record: network, bfloat16, how the policy was set, images
    x epochs, seeds, median fit in float32 and bfloat16, their ratio, and
    median test accuracy in float32 and bfloat16."""
    if records is None:
        records = json.loads(RESULTS.read_text())
    rows = []
    for record in records:
        by = {
            p: [r for r in record["runs"] if r["dtype_policy"] == p] for p in POLICIES
        }
        fit = {p: median(r["fit_s"] for r in runs) for p, runs in by.items()}
        acc = {p: median(r["test_accuracy"] for r in runs) for p, runs in by.items()}
        first = record["runs"][0]
        rows.append(
            (
                _NETWORKS[record["mode"]],
                _setting(record),
                record["policy"],
                f"{first['n_train']:,} x {first['epochs']}",
                str(len(by["float32"])),
                f"{fit['float32']:.1f} s",
                f"{fit['mixed_bfloat16']:.1f} s",
                f"{fit['mixed_bfloat16'] / fit['float32']:.2f}",
                f"{acc['float32']:.4f}",
                f"{acc['mixed_bfloat16']:.4f}",
            )
        )
    return rows


HEADER = (
    "network",
    "bfloat16",
    "policy set by",
    "images x epochs",
    "seeds",
    "fit float32",
    "fit bfloat16",
    "bfloat16 / float32",
    "accuracy float32",
    "accuracy bfloat16",
)


def markdown() -> list[str]:
    """The RESULTS.md section (medians over seeds)."""
    return markdown_section(
        "bfloat16 training (benchmarks/bench_bfloat16.py)",
        "Medians over seeds, float32 and mixed_bfloat16 interleaved in fresh "
        "processes. Native: a CPU with AVX512_BF16; emulated: the same CPU "
        "standing in for one without it; none: an AVX2-only CPU.",
        HEADER,
        "lllrrrrrrr",
        summary_rows(),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cnn", action="store_true")
    args = parser.parse_args(argv)
    mode = "skfashion_cnn" if args.cnn else "skfashion"
    epochs = args.epochs or (12 if args.cnn else 15)
    runs = []
    for seed in range(args.seeds):
        for policy in POLICIES:
            command = [sys.executable, str(HERE / "_worker.py"), mode]
            command += ["--seed", str(seed), "--epochs", str(epochs)]
            command += ["--dtype-policy", policy]
            if args.n:
                command += ["--n", str(args.n)]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            runs.append(run)
            print(
                f"{mode} {policy} seed {seed}: {run['fit_s']:.1f} s, "
                f"accuracy {run['test_accuracy']:.4f}",
                flush=True,
            )
    records = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    # The settings that make this CPU stand in for one without native
    # bfloat16 (oneDNN off, as on AVX2-only CPUs; or oneDNN's ISA capped).
    settings = ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA", "KERAS_BACKEND")
    environment = {k: os.environ[k] for k in settings if k in os.environ}
    name, flags = cpu()
    records.append(
        {
            "cpu": name,
            "cpu_flags": flags,
            "environment": environment,
            "policy": POLICY_SET_BY,
            "mode": mode,
            "runs": runs,
        }
    )
    RESULTS.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
