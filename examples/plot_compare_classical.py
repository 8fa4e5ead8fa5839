"""
The MLP, the CNN and classical models through cross_val_score
=============================================================

Every model gets the same stratified folds. Because
:class:`~skfashion.FashionMLPClassifier` and
:class:`~skfashion.FashionCNNClassifier` are true scikit-learn classifiers,
``cross_val_score`` stratifies their folds too (SciKeras' own
``KerasClassifier`` silently gets plain ``KFold`` on scikit-learn >= 1.6).
In quick mode (``SKFASHION_QUICK=1``, as the documentation build and the
tests run it) every model sees 1,200 images in 2 folds and the networks 2
epochs, so
the numbers are far below the full-data ones in :doc:`/performance`.
"""

# %%
import os

from matplotlib.figure import Figure
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skfashion import ImageScaler, fetch_fashion_mnist, make_fashion_pipeline

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")

X, y = fetch_fashion_mnist(subset="train", return_X_y=True)
X, y = (X[:1200], y[:1200]) if QUICK else (X[:20000], y[:20000])
cv = StratifiedKFold(2 if QUICK else 5, shuffle=True, random_state=0)

models = {
    "skfashion MLP": make_fashion_pipeline(epochs=2 if QUICK else 15, random_state=0),
    "skfashion CNN": make_fashion_pipeline(
        "cnn", epochs=2 if QUICK else 15, random_state=0
    ),
    "LogisticRegression": make_pipeline(
        ImageScaler(), LogisticRegression(max_iter=300)
    ),
    "RandomForest": RandomForestClassifier(n_estimators=100, random_state=0),
}
results = {name: cross_val_score(model, X, y, cv=cv) for name, model in models.items()}
for name, scores in results.items():
    print(f"{name:>20}: {scores.mean():.4f} ± {scores.std():.4f}")

# %%
fig = Figure(figsize=(6, 3), layout="constrained")
ax = fig.subplots()
ax.boxplot(list(results.values()), tick_labels=list(results), orientation="horizontal")
ax.set_xlabel("accuracy per fold")
fig.savefig(os.path.join(OUT, "compare_classical.png"))
