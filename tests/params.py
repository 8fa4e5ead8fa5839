"""Settings the test modules share (import from here)."""

import pytest

from skfashion import FashionCNNClassifier, FashionMLPClassifier

FAST = dict(hidden_layer_sizes=(32,), epochs=3, batch_size=64, random_state=0)
CNN_FAST = dict(filters=(8,), hidden_layer_sizes=(16,), epochs=2, random_state=0)
# Both estimators, for what the whole family shares.
FAMILY = [
    pytest.param(FashionMLPClassifier, FAST, id="mlp"),
    pytest.param(FashionCNNClassifier, CNN_FAST, id="cnn"),
]


def python_without(package: str) -> str:
    """Code that makes the rest of a ``python -c`` run as if ``package`` were
    not installed (skfashion's base install has no Keras backend)."""
    return f"""
import sys
class _Missing:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == {package!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, _Missing())
"""


NO_TENSORFLOW = python_without("tensorflow")
