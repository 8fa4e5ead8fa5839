"""
Tuning network size and learning rate with GridSearchCV
=======================================================

:class:`~skfashion.FashionMLPClassifier` is a scikit-learn classifier, so
:class:`~sklearn.model_selection.GridSearchCV` searches it like any other,
with stratified folds. The learning rate is SciKeras' routed parameter
``optimizer__learning_rate``. The documentation builds this page in quick
mode (1,500 images, 1 epoch per fit); the script's full run uses 20,000
images and 5 epochs.
"""

# %%
import os

import numpy as np
from matplotlib.figure import Figure
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skfashion import fetch_fashion_mnist, make_fashion_pipeline

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")

X, y = fetch_fashion_mnist(subset="train", return_X_y=True)
X, y = (X[:1500], y[:1500]) if QUICK else (X[:20000], y[:20000])

search = GridSearchCV(
    make_fashion_pipeline(epochs=1 if QUICK else 5, random_state=0),
    param_grid={
        "clf__hidden_layer_sizes": [(256,), (512, 256, 128)],
        "clf__optimizer__learning_rate": [1e-3, 3e-4],
    },
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
)
search.fit(X, y)
print("best:", search.best_params_, f"{search.best_score_:.4f}")

# %%
# Mean cross-validated accuracy of each candidate.
scores = search.cv_results_["mean_test_score"]
labels = [
    f"{p['clf__hidden_layer_sizes']}, lr={p['clf__optimizer__learning_rate']:g}"
    for p in search.cv_results_["params"]
]
fig = Figure(figsize=(7, 3), layout="constrained")
ax = fig.subplots()
ax.barh(labels, scores, xerr=search.cv_results_["std_test_score"])
ax.set_xlim(np.min(scores) - 0.05, 1)
ax.set_xlabel("mean CV accuracy")
fig.savefig(os.path.join(OUT, "grid_search.png"))
