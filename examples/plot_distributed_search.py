"""
Searching on a Dask cluster
===========================

The same ``GridSearchCV`` runs on a Dask cluster through joblib's Dask
backend. Here a :class:`~dask.distributed.LocalCluster` of 2 single-threaded
worker processes stands in for a real cluster: point ``Client`` at your
scheduler's address instead. Dask's workers set ``OMP_NUM_THREADS`` to their
thread count, and skfashion caps TensorFlow's thread pools to it, so the
workers do not oversubscribe the cores.

The documentation builds this page in quick mode (1,000 images, 1 epoch
per fit, two of the four candidates); the script's full run uses 20,000
images and 5 epochs.
"""

# %%
import os

import joblib
from dask.distributed import Client, LocalCluster
from matplotlib.figure import Figure
from sklearn.model_selection import GridSearchCV

from skfashion import fetch_fashion_mnist, make_fashion_pipeline

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")

X, y = fetch_fashion_mnist(subset="train", return_X_y=True)
X, y = (X[:1000], y[:1000]) if QUICK else (X[:20000], y[:20000])
grid = {"clf__hidden_layer_sizes": [(64,), (256, 128)], "clf__dropout": [0.0, 0.2]}
if QUICK:
    grid["clf__dropout"] = [0.0]


def search():
    estimator = make_fashion_pipeline(epochs=1 if QUICK else 5, random_state=0)
    return GridSearchCV(estimator, grid, cv=2, n_jobs=-1).fit(X, y)


if __name__ == "__main__":  # worker processes re-import this file
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        with Client(cluster) as client, joblib.parallel_config(backend="dask"):
            print(client)
            distributed = search()
    local = GridSearchCV(
        make_fashion_pipeline(epochs=1 if QUICK else 5, random_state=0),
        grid,
        cv=2,
        n_jobs=1,
    ).fit(X, y)
    same = (
        distributed.cv_results_["mean_test_score"]
        == local.cv_results_["mean_test_score"]
    ).all()
    print("best:", distributed.best_params_, "same scores as n_jobs=1:", same)

    fig = Figure(figsize=(6, 3), layout="constrained")
    ax = fig.subplots()
    labels = [str(p) for p in distributed.cv_results_["params"]]
    ax.barh(labels, distributed.cv_results_["mean_test_score"])
    ax.set_xlabel("mean CV accuracy (on Dask)")
    fig.savefig(os.path.join(OUT, "distributed_search.png"))
