"""The one place that knows about SciKeras, scikit-learn and TensorFlow quirks.

* TensorFlow writes INFO lines to file descriptor 2 while it loads (oneDNN's
  notice on CPUs with AVX-512 or VNNI, the CPU-feature notice, absl's
  preamble) before its logging honours ``TF_CPP_MIN_LOG_LEVEL``. Keras and
  SciKeras are therefore imported here, once, with those lines filtered out;
  every other module takes ``keras`` and ``KerasClassifier`` from here.
* SciKeras 0.13.0 (its last release) predates scikit-learn 1.6's tags and
  crashes scikit-learn 1.6.x; skfashion overrides some of its private methods,
  so the exact version is pinned and checked here.
* TensorFlow sizes its thread pools from the machine's core count and ignores
  the ``OMP_NUM_THREADS`` that joblib's process workers and Dask's nannies set
  to give each worker its share of the cores. :func:`limit_tf_threads` applies
  it, so that ``n_jobs=2`` on 2 cores runs 2 threads, not 2 x 2; the
  predict path gives onnxruntime the same cap.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import tempfile
from collections.abc import Iterator

import sklearn
from sklearn.base import BaseEstimator
from sklearn.utils import ClassifierTags
from sklearn.utils.fixes import parse_version

SCIKERAS_VERSION = "0.13.0"

# An INFO record in absl's format ("I0000 00:00:17.. 2420 port.cc:153] ...")
# or TensorFlow's older one ("YYYY-MM-DD hh:mm:ss.ffffff: I tensorflow/...").
_INFO_RECORD = re.compile(
    rb"^(?:I\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./-]+:\d+\]"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I [\w./-]+:\d+\])"
)
_STARTUP_LINES = (
    b"WARNING: All log messages before absl::InitializeLog() is called",
    # The second line of cpu_feature_guard's INFO record.
    b"To enable the following instructions:",
)


def _drop_startup_lines(data: bytes) -> bytes:
    """Return ``data`` without TensorFlow's INFO start-up lines."""
    kept = [
        line
        for line in data.splitlines(keepends=True)
        if not (_INFO_RECORD.match(line) or line.startswith(_STARTUP_LINES))
    ]
    return b"".join(kept)


@contextlib.contextmanager
def _startup_lines_filtered() -> Iterator[None]:
    """Hold file descriptor 2 in a file; give back all but the start-up lines.

    Warnings and errors (TensorFlow's W/E/F records, Python's own) are written
    back unchanged. ``TF_CPP_MIN_LOG_LEVEL=0`` asks for TensorFlow's INFO
    lines, so they are then left alone.
    """
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0":
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable stderr: nothing to hide
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = _drop_startup_lines(held.read())
            if kept:
                os.write(2, kept)


# The Keras backends the estimators run on; each is an extra of skfashion's.
_BACKENDS = ("tensorflow", "jax", "torch")


def _import_keras():
    """Keras, or an ImportError in one line when its backend cannot serve."""
    try:
        import keras
    except (ImportError, ValueError) as exc:  # the backend's package is missing
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        if backend == "tensorflow":
            fix = "pip install 'skfashion[tensorflow]'"
            fix += ", or set KERAS_BACKEND to jax or torch"
        elif backend in _BACKENDS:
            fix = f"pip install 'skfashion[{backend}]'"
            fix += ", or unset KERAS_BACKEND to use TensorFlow"
        else:
            fix = "set KERAS_BACKEND to tensorflow, jax or torch"
        raise ImportError(
            f"Keras cannot load its backend {backend!r} ({exc}); {fix}."
        ) from None
    if keras.backend.backend() not in _BACKENDS:
        raise ImportError(
            "skfashion's estimators run on Keras' TensorFlow, JAX and PyTorch "
            f"backends, not {keras.backend.backend()!r}: unset KERAS_BACKEND or "
            "set it to tensorflow, jax or torch."
        )
    return keras


with _startup_lines_filtered():
    keras = _import_keras()
    import scikeras
    from scikeras.wrappers import KerasClassifier

#: The Keras backend this process runs on ("tensorflow", "jax" or "torch").
BACKEND: str = keras.backend.backend()

__all__ = [
    "BACKEND",
    "KerasClassifier",
    "ScikitLearnKerasClassifier",
    "keras",
    "limit_tf_threads",
]

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


@functools.cache
def on_accelerator() -> bool:
    """Whether Keras' backend computes on a GPU (or another accelerator).

    On TensorFlow, whether its build can (CUDA): asking for devices would
    start its runtime before :func:`limit_tf_threads` could size it.
    """
    if BACKEND == "jax":
        import jax

        return jax.default_backend() != "cpu"
    if BACKEND == "torch":
        import torch

        return torch.cuda.is_available() or torch.backends.mps.is_available()
    import tensorflow as tf

    return tf.test.is_built_with_cuda()


# x86 flags of native bfloat16 arithmetic, which TensorFlow's oneDNN uses.
_BFLOAT16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """The CPU's feature flags, from ``/proc/cpuinfo`` (or the text given);
    empty where there is none (not Linux, or no ``flags`` line)."""
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                cpuinfo = f.read()
        except OSError:
            return frozenset()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


@functools.cache
def native_bfloat16() -> bool:
    """Whether Keras' backend computes bfloat16 natively here: TensorFlow on
    a CPU with AVX512_BF16 or AMX, its oneDNN kernels on (the default there).
    Elsewhere on a CPU bfloat16 is emulated (see docs/decisions: bfloat16
    training)."""
    onednn_off = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "").lower() in ("0", "false")
    return (
        BACKEND == "tensorflow"
        and not on_accelerator()
        and not onednn_off
        and bool(_BFLOAT16_FLAGS & cpu_flags())
    )


def omp_num_threads() -> int | None:
    """``OMP_NUM_THREADS`` as a positive int, or None (unset or invalid)."""
    try:
        n_threads = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return n_threads if n_threads >= 1 else None


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
    n_threads = omp_num_threads()
    if n_threads is None or BACKEND != "tensorflow":
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


class ScikitLearnKerasClassifier(KerasClassifier):
    """SciKeras' ``KerasClassifier`` with scikit-learn's protocol put back.

    Each override undoes one SciKeras behaviour that breaks scikit-learn:
    parameters read from the signature, not ``vars(self)``; ``set_params``
    that refuses unknown names; scikit-learn's ``repr``; tags in the 1.6+
    API (SciKeras 0.13 predates it); fitted means a network exists.
    """

    # SciKeras reads parameters from ``vars(self)`` and accepts any routed
    # ``prefix__name``; then ``clone`` silently drops what the signature does
    # not list. Here the signature is the single source of truth.
    _get_param_names = classmethod(BaseEstimator._get_param_names.__func__)

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters, including ``optimizer__learning_rate``.

        Returns
        -------
        self : estimator
            This estimator.
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                # No parameter holds an estimator, so nothing nests: an unknown
                # ``optimizer__beta_1`` would otherwise be dropped by clone.
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}."
                    f" Valid parameters are: {sorted(valid)!r}."
                )
            setattr(self, key, value)
        return self

    __repr__ = BaseEstimator.__repr__

    def __sklearn_tags__(self):
        # This runs inside is_classifier, i.e. inside every cross_val_score:
        # it imports nothing new and asks for the device once per process.
        tags = BaseEstimator.__sklearn_tags__(self)
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        # With an integer random_state every random op is seeded and the CPU
        # kernels of every backend are deterministic (tested); GPU kernels
        # (cuDNN's, XLA's) may not be.
        tags.non_deterministic = on_accelerator()
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")
