"""Helpers the benchmark scripts share: timing, the CPU's name, RESULTS.md
sections."""

from __future__ import annotations

import time
from pathlib import Path
from statistics import median

# Training images for a fit whose score statistics have their full size (5,000
# references, 5,000 held-out images), as a fit on all 60,000 images has: the
# exported graph's score reads every reference for every image.
FULL_STATISTICS_ROWS = 10_000
# make bench's sections that fit a CNN preset, run only with --long.
CNN_PRESET_SECTIONS = ("cnn_preset", "cnn_augmented", "cnn_erasing")


def median_s(fn, repeats: int) -> float:
    """Median seconds of ``repeats`` calls of ``fn``, after one warm-up call."""
    fn()  # warm-up: tracing, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times)


def cpu() -> tuple[str, list[str]]:
    """The CPU's model name (with its family and model: virtual machines
    often name only the vendor) and its AVX-512, AMX and AVX2 flags."""
    info = dict(
        line.split(":", 1)
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if ":" in line
    )
    info = {k.strip(): v.strip() for k, v in info.items()}
    flags = info.get("flags", "").split()
    kept = sorted(f for f in flags if f.startswith(("avx512", "amx")) or f == "avx2")
    name = f"{info.get('model name', '')} (family {info.get('cpu family')}, "
    return f"{name}model {info.get('model')})", kept


def markdown_section(title: str, intro: str, header, aligns: str, rows) -> list[str]:
    """A RESULTS.md section: its title, a sentence, and a table."""
    lines = ["", f"## {title}", "", intro, "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in aligns) + "|")
    return lines + ["| " + " | ".join(row) + " |" for row in rows]
