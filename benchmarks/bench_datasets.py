"""Cold and warm load times of fetch_fashion_mnist, side by side in one run.

Cold: a fresh data home, so the IDX .gz files are decompressed, hashed and
parsed, and the .npy cache is written. Warm: the same data home again, in a
new process (so nothing is cached in memory), reading the .npy cache. Import
time (about 1 s, mostly scikit-learn) is not counted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from statistics import median

_CHILD = """
import json, sys, time
from skfashion import fetch_fashion_mnist
t = time.perf_counter()
fetch_fashion_mnist(subset="all", data_home=sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def _load_in_new_process(data_home: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, data_home],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])["seconds"]


def run(repeats: int = 3) -> dict:
    """Median cold and warm load time of all 70,000 images, in seconds."""
    cold, warm = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as home:
            cold.append(_load_in_new_process(home))
            warm.append(_load_in_new_process(home))
    return {
        "name": "dataset_load",
        "cold_s": median(cold),
        "warm_s": median(warm),
        "cold_over_warm": median(cold) / median(warm),
        "repeats": repeats,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
