"""The package as users get it: a wheel and an sdist that install and run."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

pytestmark = pytest.mark.slow  # builds, installs and trains in fresh processes


def _run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result


def test_wheel_installs_into_a_fresh_environment_and_trains(tmp_path):
    # Without build isolation: the build tools are the test environment's,
    # so nothing is downloaded. The sdist is built first, the wheel from it.
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT)
    (wheel,) = dist.glob("skfashion-*.whl")
    (sdist,) = dist.glob("skfashion-*.tar.gz")
    check = _run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    assert check.stdout.count("PASSED") == 2
    # Keras' backend comes only from an extra, so that no upgrade of skfashion
    # replaces the TensorFlow, JAX or PyTorch build a user chose.
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = zf.read(name).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires")]
    backends = [r for r in requires if r.split()[1].startswith(("tensorflow", "jax"))]
    assert backends and all("extra ==" in r for r in backends), backends
    assert {"tensorflow", "tensorflow-cuda", "jax", "jax-cuda", "torch"} <= {
        line.split()[1] for line in metadata.splitlines() if line.startswith("Provides")
    }

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    # The dependencies come from this environment (no network here); a .pth
    # line adds its site-packages without running its .pth files, so the
    # checkout's editable install stays out.
    deps = sysconfig.get_path("purelib")
    Path(site.stdout.strip(), "deps.pth").write_text(deps + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel)

    from skfashion import __version__

    version = _run(venv / "bin" / "skfashion", "--version")
    assert version.stdout.strip() == f"skfashion {__version__}"
    code = (
        "import numpy as np, skfashion\n"
        f"assert skfashion.__file__.startswith({str(venv)!r}), skfashion.__file__\n"
        "X = np.random.RandomState(0).randint(0, 256, (60, 784)).astype('uint8')\n"
        "pipe = skfashion.make_fashion_pipeline(hidden_layer_sizes=(8,), epochs=1)\n"
        "print(pipe.fit(X, np.arange(60) % 10).predict(X[:3]).shape)\n"
    )
    fit = _run(python, "-c", code, cwd=tmp_path)
    assert fit.stdout.strip() == "(3,)"
