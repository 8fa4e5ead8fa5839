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

# Python as if TensorFlow were not installed (skfashion's base install).
NO_TENSORFLOW = """
import sys
class _NoTensorFlow:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "tensorflow":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _NoTensorFlow())
"""
