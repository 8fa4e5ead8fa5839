"""scikit-learn's own estimator check suite over both estimators (on every
backend: make test runs it on JAX too)."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfashion import FashionCNNClassifier, FashionMLPClassifier, ImageScaler

pytestmark = pytest.mark.backends

# Small, seeded settings so that each of the suite's ~100 fits takes well
# under a second; the network family and every code path are the default's.
CHECKED_CLASSIFIER = FashionMLPClassifier(
    hidden_layer_sizes=(32,),
    epochs=5,
    batch_size=32,
    optimizer__learning_rate=0.01,
    random_state=0,
)

# The suite's data are small tables (2 to 20 features), not images: the CNN
# sees them as 1 x n images and convolves along the columns.
CHECKED_CNN = FashionCNNClassifier(
    filters=(8,),
    hidden_layer_sizes=(16,),
    dropout=0.0,
    epochs=5,
    batch_size=16,
    optimizer__learning_rate=0.01,
    random_state=0,
)

_STRUCTURAL = {
    "check_mixin_order": (
        "SciKeras' KerasClassifier inherits (BaseWrapper(BaseEstimator), "
        "ClassifierMixin), so BaseEstimator precedes ClassifierMixin in the "
        "MRO of every subclass and no subclass can reorder them; the "
        "classifier tags are set explicitly in __sklearn_tags__ instead."
    ),
    "check_estimator_tags_renamed": (
        "SciKeras' BaseWrapper defines the pre-1.6 `_more_tags` in its own "
        "class body, and the check inspects vars() of every class in the "
        "MRO; as with the mixin order, no subclass can change a base class. "
        "Our tags come from __sklearn_tags__ (tested in test_classifier.py)."
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight is not equivalent to removing/repeating samples in "
        "mini-batch stochastic optimisation; scikit-learn marks the same "
        "check as an expected failure for SGDClassifier and Perceptron."
    ),
}
EXPECTED_FAILED_CHECKS = {
    "FashionMLPClassifier": _STRUCTURAL,
    "FashionCNNClassifier": _STRUCTURAL,
}


@parametrize_with_checks(
    [ImageScaler(), CHECKED_CLASSIFIER, CHECKED_CNN],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
