"""The classical scikit-learn models skfashion is compared with.

``skfashion compare`` cross-validates them beside the networks, and the
benchmarks time them; both take them from here.
"""

from __future__ import annotations

__all__ = ["classical_models"]


def classical_models(random_state=None) -> dict:
    """Classical classifiers for Fashion-MNIST pixels, by name.

    Those that need scaled inputs come in a pipeline behind
    :class:`~skfashion.ImageScaler`; the MLP has the design's layers.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seed of the randomised models.

    Returns
    -------
    models : dict of str to estimator
        Unfitted estimators: LogisticRegression, RandomForestClassifier,
        SVC (RBF), HistGradientBoostingClassifier, MLPClassifier.

    Examples
    --------
    >>> from skfashion import classical_models
    >>> sorted(classical_models())[0]
    'HistGradientBoostingClassifier'
    """
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    from .datasets import IMAGE_SHAPE
    from .preprocessing import ImageScaler

    def scaled(model):
        return make_pipeline(ImageScaler(image_shape=IMAGE_SHAPE), model)

    return {
        "LogisticRegression": scaled(LogisticRegression(max_iter=200)),
        "RandomForestClassifier": RandomForestClassifier(
            n_estimators=100, n_jobs=-1, random_state=random_state
        ),
        "SVC (RBF)": scaled(SVC(kernel="rbf", C=10)),
        "HistGradientBoostingClassifier": HistGradientBoostingClassifier(
            max_iter=100, random_state=random_state
        ),
        "MLPClassifier (512,256,128)": scaled(
            MLPClassifier(
                (512, 256, 128), batch_size=32, max_iter=15, random_state=random_state
            )
        ),
    }
