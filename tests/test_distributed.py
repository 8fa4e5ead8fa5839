"""A search on a local Dask cluster matches the same search run serially."""

import numpy as np
import pytest

distributed = pytest.importorskip(
    "dask.distributed", reason="the dask extra is optional; make test installs it"
)


@pytest.mark.slow
def test_grid_search_on_dask_matches_serial(small_train):
    import joblib
    from sklearn.model_selection import GridSearchCV

    from skfashion import make_fashion_pipeline

    X, y = small_train
    X, y = X[:600], y[:600]
    grid = {"clf__hidden_layer_sizes": [(16,), (32,)]}

    def search(n_jobs):
        est = make_fashion_pipeline(epochs=1, batch_size=64, random_state=0)
        return GridSearchCV(est, grid, cv=2, n_jobs=n_jobs).fit(X, y)

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            with joblib.parallel_config(backend="dask"):
                on_dask = search(-1)
            # Each worker's TensorFlow ran with its share of the cores.
            threads = client.run(_tf_threads)
    serial = search(1)
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert on_dask.best_params_ == serial.best_params_
    assert set(threads.values()) == {1}


def _tf_threads():
    import tensorflow as tf

    return tf.config.threading.get_intra_op_parallelism_threads()
