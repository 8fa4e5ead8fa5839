"""Every Examples section in the public docstrings runs and shows what it says."""

import doctest
import importlib

import pytest

# export_onnx's and compare_models' examples need files and are marked +SKIP;
# tests/test_onnx.py and tests/test_persistence.py run the same calls.
MODULES = [
    "skfashion._callbacks",
    "skfashion.baselines",
    "skfashion.classifier",
    "skfashion.datasets",
    "skfashion.photos",
    "skfashion.preprocessing",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
