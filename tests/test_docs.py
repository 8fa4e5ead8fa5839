"""The documentation builds with warnings as errors (make docs runs the gallery;
here the examples are not executed: tests/test_examples.py runs them)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a whole Sphinx build

DOCS = Path(__file__).parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-D",
            "plot_gallery=0",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        # oneDNN on: its start-up notice would show on any x86 CPU.
        env={**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1"},
    )
    assert result.returncode == 0, result.stderr[-5000:]
    for noise in ("absl::InitializeLog", "oneDNN custom operations"):
        assert noise not in result.stderr, result.stderr[-3000:]
    html = tmp_path / "html" / "generated" / "skfashion.FashionMLPClassifier.html"
    text = html.read_text()
    assert "hidden_layer_sizes" in text and "random_state" in text
    assert (tmp_path / "html" / "auto_examples" / "index.html").is_file()


README = DOCS.parent / "README.md"
# Words of a lab notebook, not of a product page.
NOTEBOOK = (
    r"\blease|\bsession|evening|afternoon|morning|midnight|\btried\b|\d{4}-\d\d-\d\d"
)


def test_readme_is_a_product_page():
    import re

    text = README.read_text()
    assert len(text.splitlines()) <= 250
    # The generated results table carries the date and machine of its numbers.
    start, end = "<!-- results-table:start -->", "<!-- results-table:end -->"
    prose = text.split(start)[0] + text.split(end)[1]
    assert not re.findall(NOTEBOOK, prose, flags=re.IGNORECASE)


def test_generated_tables_are_current():
    # README's results table and docs/results.rst come from results.json.
    result = subprocess.run(
        [sys.executable, str(DOCS.parent / "benchmarks" / "tables.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
