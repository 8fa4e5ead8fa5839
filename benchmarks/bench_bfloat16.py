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

HERE = Path(__file__).resolve().parent
POLICIES = ("float32", "mixed_bfloat16")


def _cpu_flags() -> list[str]:
    flags = Path("/proc/cpuinfo").read_text().split("flags")[1].split("\n")[0]
    return sorted(f for f in flags.split() if f.startswith(("avx512", "amx")))


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
    path = HERE / "results" / "bfloat16.json"
    records = json.loads(path.read_text()) if path.exists() else []
    # The settings that make this CPU stand in for one without native
    # bfloat16 (oneDNN off, as on AVX2-only CPUs; or oneDNN's ISA capped).
    settings = ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA", "KERAS_BACKEND")
    environment = {k: os.environ[k] for k in settings if k in os.environ}
    records.append(
        {
            "cpu_flags": _cpu_flags(),
            "environment": environment,
            "mode": mode,
            "runs": runs,
        }
    )
    path.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
