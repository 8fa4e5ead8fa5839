"""fetch_fashion_mnist on the real files, its cache, and every failure mode."""

import gzip
import hashlib
import http.server
import os
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from skfashion import datasets
from skfashion.datasets import CLASS_NAMES, DatasetIntegrityError, fetch_fashion_mnist

NAMES = list(datasets._FILES)


# The real .gz files this machine has (Debian's package in CI), found before
# any test points the search path elsewhere.
_SOURCES = {
    name: next(
        p for p in datasets._candidates(Path("/nonexistent"), name) if p.is_file()
    )
    for name in NAMES
}


def _source(name):
    return _SOURCES[name]


def _raw(name):
    with gzip.open(_source(name), "rb") as f:
        return f.read()


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """A data home with no other source to fall back on."""
    monkeypatch.setattr(datasets, "_DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(datasets, "_KERAS_DIR", tmp_path / "no-keras")
    home = tmp_path / "home"
    home.mkdir()
    return home


def _install(home, raws):
    """Put good copies of the subset's files in home, then the given contents."""
    subset = "train" if next(iter(raws)).startswith("train") else "t10k"
    for name in NAMES:
        if name.startswith(subset):
            (home / f"{name}.gz").write_bytes(_source(name).read_bytes())
    for name, raw in raws.items():
        with gzip.open(home / f"{name}.gz", "wb", compresslevel=1) as f:
            f.write(raw)


def test_train_shapes_dtypes_and_class_counts(fashion_train):
    b = fashion_train
    assert b.data.shape == (60000, 784) and b.data.dtype == np.uint8
    assert b.images.shape == (60000, 28, 28) and b.images.dtype == np.uint8
    assert b.target.shape == (60000,) and b.target.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(b.target), [6000] * 10)
    assert np.shares_memory(b.images, b.data)  # a view, not a copy
    assert b.target_names == list(CLASS_NAMES)
    assert b.target_names[0] == "T-shirt/top" and b.target_names[9] == "Ankle boot"
    assert b.feature_names[0] == "pixel_0" and b.feature_names[-1] == "pixel_783"
    assert "Fashion-MNIST" in b.DESCR


def test_test_subset_counts(fashion_test):
    np.testing.assert_array_equal(np.bincount(fashion_test.target), [1000] * 10)
    assert fashion_test.data.shape == (10000, 784)


def test_all_is_bit_for_bit_the_idx_files():
    X, y = fetch_fashion_mnist(subset="all", return_X_y=True)
    assert X.shape == (70000, 784)
    raw_images = [_raw("train-images-idx3-ubyte"), _raw("t10k-images-idx3-ubyte")]
    raw_labels = [_raw("train-labels-idx1-ubyte"), _raw("t10k-labels-idx1-ubyte")]
    assert X.tobytes() == raw_images[0][16:] + raw_images[1][16:]
    assert y.astype(np.uint8).tobytes() == raw_labels[0][8:] + raw_labels[1][8:]


def test_as_frame():
    pd = pytest.importorskip("pandas", reason="as_frame needs pandas")
    b = fetch_fashion_mnist(subset="test", as_frame=True)
    assert isinstance(b.data, pd.DataFrame) and b.data.shape == (10000, 784)
    assert list(b.data.columns[:2]) == ["pixel_0", "pixel_1"]
    assert isinstance(b.target, pd.Series) and b.target.name == "class"
    assert b.frame.shape == (10000, 785)


def test_as_frame_without_pandas_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="requires pandas"):
        fetch_fashion_mnist(subset="test", as_frame=True)


def test_bad_subset():
    with pytest.raises(ValueError, match="subset must be 'train', 'test' or 'all'"):
        fetch_fashion_mnist(subset="validation")


def test_cache_is_written_and_used(tmp_path, monkeypatch):
    home = tmp_path / "home"
    X1, _ = fetch_fashion_mnist(subset="test", data_home=home, return_X_y=True)
    caches = sorted(p.name for p in home.glob("*.npy"))
    assert len(caches) == 2 and all(c.startswith("t10k-") for c in caches)

    # A warm load never decompresses: make any IDX read fail and load again.
    def boom(*args):
        raise AssertionError("decompressed although cached")

    monkeypatch.setattr(datasets, "_read_idx", boom)
    X2, _ = fetch_fashion_mnist(subset="test", data_home=home, return_X_y=True)
    np.testing.assert_array_equal(X1, X2)


def test_corrupted_cache_is_rebuilt(tmp_path):
    home = tmp_path / "home"
    X1, _ = fetch_fashion_mnist(subset="test", data_home=home, return_X_y=True)
    cache = next(home.glob("t10k-images*.npy"))
    cache.write_bytes(cache.read_bytes()[:1000])  # truncated
    X2, _ = fetch_fashion_mnist(subset="test", data_home=home, return_X_y=True)
    np.testing.assert_array_equal(X1, X2)


def test_environment_variable_sets_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SKFASHION_DATA", str(tmp_path / "env-home"))
    fetch_fashion_mnist(subset="test")
    assert len(list((tmp_path / "env-home").glob("*.npy"))) == 2


def test_missing_without_download_is_an_os_error(isolated):
    with pytest.raises(OSError, match=r"not found .* download_if_missing=False"):
        fetch_fashion_mnist(data_home=isolated, download_if_missing=False)


@pytest.mark.parametrize("name", NAMES)
def test_one_flipped_bit_is_detected(isolated, name):
    raw = bytearray(_raw(name))
    raw[len(raw) // 2] ^= 0x01
    _install(isolated, {name: bytes(raw)})
    subset = "train" if name.startswith("train") else "test"
    with pytest.raises(DatasetIntegrityError, match=name) as info:
        fetch_fashion_mnist(
            subset=subset, data_home=isolated, download_if_missing=False
        )
    message = str(info.value)
    assert "expected" in message and "found" in message and "Delete the file" in message


def test_truncated_gzip_is_detected(isolated):
    name = "t10k-labels-idx1-ubyte"
    _install(isolated, {name: _raw(name)})
    gz = _source(name).read_bytes()
    (isolated / f"{name}.gz").write_bytes(gz[: len(gz) // 2])
    with pytest.raises(DatasetIntegrityError, match="truncated or corrupted gzip"):
        fetch_fashion_mnist(
            subset="test", data_home=isolated, download_if_missing=False
        )


def test_wrong_file_is_detected(isolated):
    # The training labels where the test labels should be.
    _install(isolated, {"t10k-labels-idx1-ubyte": _raw("train-labels-idx1-ubyte")})
    with pytest.raises(DatasetIntegrityError, match="60,008 bytes"):
        fetch_fashion_mnist(
            subset="test", data_home=isolated, download_if_missing=False
        )


def test_uncompressed_files_are_accepted(isolated):
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (isolated / name).write_bytes(_raw(name))
    X, y = fetch_fashion_mnist(subset="test", data_home=isolated, return_X_y=True)
    assert X.shape == (10000, 784) and np.bincount(y).tolist() == [1000] * 10


# -- downloads, from a server on 127.0.0.1 only ------------------------------


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """Serve a folder over HTTP on 127.0.0.1 and point SKFASHION_MIRROR at it."""
    root = tmp_path / "mirror"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SKFASHION_MIRROR", f"http://127.0.0.1:{server.server_port}/")
    yield root
    server.shutdown()
    server.server_close()


def _serve_real(root, names):
    for name in names:
        (root / f"{name}.gz").write_bytes(_source(name).read_bytes())


def test_download_from_mirror(isolated, mirror):
    _serve_real(mirror, ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
    X, _ = fetch_fashion_mnist(subset="test", data_home=isolated, return_X_y=True)
    assert X.shape == (10000, 784)
    assert (isolated / "t10k-images-idx3-ubyte.gz").is_file()
    assert not [p for p in os.listdir(isolated) if p.startswith(".download")]


def test_corrupted_download_leaves_nothing_behind(isolated, mirror):
    name = "t10k-labels-idx1-ubyte"
    raw = bytearray(_raw(name))
    raw[100] ^= 0xFF
    (mirror / f"{name}.gz").write_bytes(gzip.compress(bytes(raw)))
    _serve_real(mirror, ["t10k-images-idx3-ubyte"])
    with pytest.raises(DatasetIntegrityError, match="SHA-256"):
        fetch_fashion_mnist(subset="test", data_home=isolated)
    assert not (isolated / f"{name}.gz").exists()
    assert not [p for p in os.listdir(isolated) if p.startswith(".download")]


def test_truncated_download_leaves_nothing_behind(isolated, mirror):
    name = "t10k-images-idx3-ubyte"
    gz = _source(name).read_bytes()
    (mirror / f"{name}.gz").write_bytes(gz[: len(gz) // 3])
    with pytest.raises(DatasetIntegrityError, match=name):
        fetch_fashion_mnist(subset="test", data_home=isolated)
    assert list(isolated.iterdir()) == []


@pytest.mark.filterwarnings("ignore:Retry downloading:UserWarning")
def test_unreachable_file_is_an_os_error(isolated, mirror):
    with pytest.raises(OSError, match=r"Downloading .* failed.*dataset-fashion-mnist"):
        fetch_fashion_mnist(subset="test", data_home=isolated)
    assert list(isolated.iterdir()) == []


def test_hashes_are_of_the_decompressed_bytes():
    for name, (sha, _) in datasets._FILES.items():
        assert hashlib.sha256(_raw(name)).hexdigest() == sha


def test_unwritable_data_home_still_loads(tmp_path, monkeypatch):
    from skfashion import _atomic

    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(_atomic, "_new_file", refuse)
    X, y = fetch_fashion_mnist(subset="test", data_home=tmp_path, return_X_y=True)
    assert X.shape == (10000, 784) and np.bincount(y).tolist() == [1000] * 10
    assert not list(tmp_path.glob("*.npy"))


def test_stratified_subsample_keeps_the_class_shares():
    from skfashion import stratified_subsample

    y = np.repeat(np.arange(10), 50)
    X = np.arange(len(y))[:, None]
    X_sub, y_sub = stratified_subsample(X, y, 100, random_state=0)
    assert np.bincount(y_sub).tolist() == [10] * 10
    np.testing.assert_array_equal(y[X_sub[:, 0]], y_sub)  # rows kept together
    again = stratified_subsample(X, y, 100, random_state=0)
    np.testing.assert_array_equal(again[0], X_sub)
    assert stratified_subsample(X, y, None)[0] is X
    assert stratified_subsample(X, y, 10_000)[0] is X
    with pytest.raises(ValueError, match="n_samples=9 is fewer than the 10 classes"):
        stratified_subsample(X, y, 9)


def test_labels_in_the_model_s_own_kind():
    from skfashion import CLASS_NAMES, as_model_labels, display_names

    y = np.array([0, 9, 3])
    np.testing.assert_array_equal(as_model_labels(y, np.arange(10)), y)
    names = as_model_labels(y, np.asarray(CLASS_NAMES))
    assert names.tolist() == ["T-shirt/top", "Ankle boot", "Dress"]
    with pytest.raises(ValueError, match="neither Fashion-MNIST's class numbers"):
        as_model_labels(y, np.array(["top", "bottom"]))
    assert display_names(np.array([1, 8])) == ["Trouser", "Bag"]
    assert display_names(np.array([3, 42])) == ["3", "42"]  # not Fashion-MNIST's
    assert display_names(np.array(["top"])) == ["top"]
