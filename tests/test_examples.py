"""Every example runs end to end in quick mode and writes its figure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each example is a fresh process that trains

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("plot_*.py"))
FIGURES = {
    "plot_quickstart.py": ["quickstart_history.png", "quickstart_predictions.png"],
    "plot_grid_search.py": ["grid_search.png"],
    "plot_compare_classical.py": ["compare_classical.png"],
    "plot_persistence.py": ["persistence_report.png", "fashion.skf"],
    "plot_tensorboard.py": ["tensorboard_runs.png"],
    "plot_distributed_search.py": ["distributed_search.png"],
    "plot_onnx_serving.py": ["onnx_serving.png", "fashion.onnx"],
}
NOISE = (
    "retracing",
    "DeprecationWarning",
    "absl::InitializeLog",
    "oneDNN custom operations",
    "cpu_feature_guard",
)


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES) == sorted(FIGURES)


# Each example runs as a user's script would: no TF_CPP_MIN_LOG_LEVEL, and oneDNN
# on for every other one (its notice shows on any x86 CPU) and off for the rest.
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_in_quick_mode(example, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["TF_ENABLE_ONEDNN_OPTS"] = str(EXAMPLES.index(example) % 2)
    env.update(SKFASHION_QUICK="1", SKFASHION_EXAMPLE_OUT=str(tmp_path))
    result = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Quiet, as in the documentation build: no retracing notices, no
    # deprecation warnings from our calls into Keras and NumPy, no TensorFlow
    # start-up lines.
    for noise in NOISE:
        assert noise not in result.stderr, result.stderr[-3000:]
    # Pages built in quick mode say so, in their text and in what they print.
    if example.name == "plot_quickstart.py":
        assert "(quick mode, 3,000 training images, 2 epochs)" in result.stdout
        assert "quick mode" in example.read_text().split('"""')[1]
    for name in FIGURES[example.name]:
        assert (tmp_path / name).stat().st_size > 1000, name
