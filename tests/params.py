"""Small, fast estimator settings the test modules share (import from here)."""

import pytest

from skfashion import FashionCNNClassifier, FashionMLPClassifier

FAST = dict(hidden_layer_sizes=(32,), epochs=3, batch_size=64, random_state=0)
CNN_FAST = dict(filters=(8,), hidden_layer_sizes=(16,), epochs=2, random_state=0)
# Both estimators, for what the whole family shares.
FAMILY = [
    pytest.param(FashionMLPClassifier, FAST, id="mlp"),
    pytest.param(FashionCNNClassifier, CNN_FAST, id="cnn"),
]
