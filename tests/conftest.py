"""Shared fixtures: real Fashion-MNIST subsamples and a private data home."""

import os
import sys

import numpy as np
import pytest

# Keep the tests' .npy cache out of the user's data home and quiet TF's C++ logs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session", autouse=True)
def _private_data_home(tmp_path_factory):
    old = os.environ.get("SKFASHION_DATA")
    os.environ["SKFASHION_DATA"] = str(tmp_path_factory.mktemp("data_home"))
    yield
    if old is None:
        os.environ.pop("SKFASHION_DATA", None)
    else:
        os.environ["SKFASHION_DATA"] = old


@pytest.fixture(scope="session", autouse=True)
def _jax_compilation_cache(tmp_path_factory):
    """One XLA compilation cache for the run's JAX processes (both workers
    and the processes they start): the check suite fits the same small
    networks on the same shapes again and again, and a repeated fit then
    skips its compilations (a small CNN's fit 2.1 s -> 0.3 s on JAX)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers
    path = str(root / "jax-cache")
    os.environ["JAX_COMPILATION_CACHE_DIR"] = path
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    if "jax" in sys.modules:  # imported with Keras' JAX backend: set it live
        import jax

        jax.config.update("jax_compilation_cache_dir", path)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)


@pytest.fixture(scope="session")
def fashion_train():
    from skfashion import fetch_fashion_mnist

    return fetch_fashion_mnist(subset="train")


@pytest.fixture(scope="session")
def fashion_test():
    from skfashion import fetch_fashion_mnist

    return fetch_fashion_mnist(subset="test")


@pytest.fixture(scope="session")
def small_train(fashion_train):
    """2,000 real training images (200 per class), raw uint8 pixels."""
    from skfashion import stratified_subsample

    return stratified_subsample(
        fashion_train.data, fashion_train.target, 2000, random_state=0
    )


@pytest.fixture(scope="session")
def small_test(fashion_test):
    """1,000 real test images (100 per class), raw uint8 pixels."""
    from skfashion import stratified_subsample

    return stratified_subsample(
        fashion_test.data, fashion_test.target, 1000, random_state=0
    )


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture(scope="session")
def scaled(small_train, small_test):
    """small_train and small_test through ImageScaler: (X, y, X_test, y_test)."""
    from skfashion import IMAGE_SHAPE, ImageScaler

    scaler = ImageScaler(image_shape=IMAGE_SHAPE)
    X, y = small_train
    X_test, y_test = small_test
    return scaler.fit_transform(X), y, scaler.transform(X_test), y_test


@pytest.fixture(scope="session")
def fitted(scaled):
    """A small FashionMLPClassifier fitted once per test run (per worker)."""
    from params import FAST

    from skfashion import FashionMLPClassifier

    X, y, _, _ = scaled
    return FashionMLPClassifier(**FAST).fit(X, y)
