"""The one place that knows about SciKeras, scikit-learn and TensorFlow quirks.

* SciKeras 0.13.0 (its last release) predates scikit-learn 1.6's tags and
  crashes scikit-learn 1.6.x; skfashion overrides some of its private methods,
  so the exact version is pinned and checked here.
* TensorFlow sizes its thread pools from the machine's core count and ignores
  the ``OMP_NUM_THREADS`` that joblib's process workers and Dask's nannies set
  to give each worker its share of the cores. :func:`limit_tf_threads` applies
  it, so that ``n_jobs=2`` on 2 cores runs 2 threads, not 2 x 2.
"""

from __future__ import annotations

import os

import scikeras
import sklearn
from sklearn.utils.fixes import parse_version

SCIKERAS_VERSION = "0.13.0"

if scikeras.__version__ != SCIKERAS_VERSION:  # pragma: no cover - install guard
    raise ImportError(
        f"skfashion needs scikeras=={SCIKERAS_VERSION} (it overrides private "
        f"SciKeras methods); found {scikeras.__version__}."
    )
if parse_version(sklearn.__version__) < parse_version("1.7"):  # pragma: no cover
    raise ImportError(
        "skfashion needs scikit-learn >= 1.7 (SciKeras 0.13 crashes 1.6.x); "
        f"found {sklearn.__version__}."
    )


def limit_tf_threads() -> int | None:
    """Cap TensorFlow's thread pools at ``OMP_NUM_THREADS``, if it is set.

    Must run before TensorFlow executes its first operation in the process;
    later calls change nothing (TensorFlow cannot resize its pools).

    Returns
    -------
    n_threads : int or None
        The cap applied, or None if none was (variable unset or invalid, or
        TensorFlow already running).
    """
    try:
        n_threads = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    if n_threads < 1:
        return None
    import tensorflow as tf

    threading = tf.config.threading
    if threading.get_intra_op_parallelism_threads() == n_threads:
        return n_threads
    try:
        threading.set_intra_op_parallelism_threads(n_threads)
        threading.set_inter_op_parallelism_threads(n_threads)
    except RuntimeError:  # TensorFlow already initialised in this process
        return None
    return n_threads
