"""Labels as one-hot rows for categorical cross-entropy, and back."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator


def check_one_label_per_row(y) -> None:
    """Refuse 2-D targets with the fix for the common case, one-hot rows (as
    Keras' own examples pass them), instead of scikit-learn's shape error."""
    # np.asarray, not np.shape: array-likes may refuse NumPy's dispatch.
    shape = y.shape if hasattr(y, "shape") else np.asarray(y, dtype=object).shape
    if len(shape) == 2 and shape[1] > 1:
        raise ValueError(
            f"y has shape {shape}: one label per sample is expected. For "
            "one-hot rows, pass y.argmax(axis=1) (or the class names); the "
            "estimator one-hot encodes labels for its loss itself."
        )


class OneHotLabels(BaseEstimator):
    """Encode labels as one-hot rows for categorical cross-entropy, and back.

    Replaces SciKeras' ClassifierLabelEncoder, which gives binary problems a
    single sigmoid column and squeezes single-row probabilities to 1-D.
    """

    def __init__(self, classes=None):
        self.classes = classes

    def fit(self, y):
        classes = np.unique(y) if self.classes is None else np.unique(self.classes)
        unknown = np.setdiff1d(np.unique(y), classes)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not in "
                f"classes={classes.tolist()}."
            )
        self.classes_ = classes
        self.n_classes_ = len(classes)
        return self

    def transform(self, y):
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, self.n_classes_ - 1)
        unseen = self.classes_[idx] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not seen in the first fit: "
                f"{np.unique(np.asarray(y)[unseen]).tolist()}; known classes are "
                f"{self.classes_.tolist()}."
            )
        return np.eye(self.n_classes_, dtype=np.float32)[idx]

    def inverse_transform(self, proba, return_proba=False):
        if return_proba:
            return proba
        return self.classes_[np.argmax(proba, axis=1)]

    def get_metadata(self):
        return {
            "classes_": self.classes_,
            "n_classes_": self.n_classes_,
            "n_outputs_": 1,
            "n_outputs_expected_": 1,
        }
