"""What skfashion._compat promises: TensorFlow's start-up lines filtered out."""

import os
import subprocess
import sys
import textwrap

import pytest

STARTUP_NOISE = ("absl::InitializeLog", "oneDNN custom operations", "cpu_feature_guard")


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter, as a user's script with ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


# oneDNN on prints the notice on every x86 CPU, off reproduces AVX2-only CPUs.
@pytest.mark.parametrize("onednn", ["1", "0"])
def test_a_script_that_imports_skfashion_first_is_quiet(onednn):
    code = (
        "import numpy as np\n"
        "from skfashion import make_fashion_pipeline\n"
        "import keras, tensorflow\n"  # the user's own imports, after skfashion's
        "X = np.random.RandomState(0).randint(0, 256, (64, 28, 28)).astype('uint8')\n"
        "pipe = make_fashion_pipeline(hidden_layer_sizes=(8,), epochs=1)\n"
        "pipe.fit(X, np.arange(64) % 10)\n"
        "print(pipe.predict(X[:2]).shape)\n"
    )
    result = run_python(code, TF_ENABLE_ONEDNN_OPTS=onednn)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "(2,)"
    assert result.stderr == ""


def test_tensorflow_warnings_at_start_up_still_reach_stderr():
    # An invalid value makes TensorFlow warn (a W record) while it loads.
    result = run_python("import skfashion.classifier", TF_ENABLE_ONEDNN_OPTS="maybe")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "TF_ENABLE_ONEDNN_OPTS is not set to either" in result.stderr
    for noise in STARTUP_NOISE:
        assert noise not in result.stderr


def test_info_lines_shown_when_asked_for():
    # TF_CPP_MIN_LOG_LEVEL=0 asks for TensorFlow's INFO lines: nothing is hidden.
    result = run_python(
        "import skfashion.classifier",
        TF_ENABLE_ONEDNN_OPTS="1",
        TF_CPP_MIN_LOG_LEVEL="0",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "oneDNN custom operations are on" in result.stderr


def test_python_output_during_the_import_is_kept():
    # Whatever else reaches file descriptor 2 while TensorFlow loads comes back.
    code = (
        "import os, sys, warnings\n"
        "import skfashion._compat as c\n"
        "with c._startup_lines_filtered():\n"
        "    os.write(2, b'I0000 00:00:17.5  12 port.cc:153] oneDNN custom\\n')\n"
        "    print('from python', file=sys.stderr)\n"
        "    warnings.warn('a real warning')\n"
        "    os.write(2, b'E0000 00:00:17.5  12 x.cc:1] a real error\\n')\n"
        "print('after', file=sys.stderr)\n"
    )
    result = run_python(code, TF_ENABLE_ONEDNN_OPTS="0")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stderr.splitlines()
    assert lines[0] == "from python"
    assert "UserWarning: a real warning" in lines[1]
    assert lines[-2:] == ["E0000 00:00:17.5  12 x.cc:1] a real error", "after"]
    assert "oneDNN" not in result.stderr


def test_omp_num_threads_caps_tensorflow_threads():
    code = textwrap.dedent(
        """
        import numpy as np
        import tensorflow as tf
        from skfashion import FashionMLPClassifier
        X, y = np.random.RandomState(0).rand(40, 4), np.arange(40) % 2
        FashionMLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(X, y)
        print(tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
        """
    )
    env = {**__import__("os").environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["1", "1"]


@pytest.mark.parametrize("value", ["", "two", "0", "-3"])
def test_invalid_omp_num_threads_is_ignored(monkeypatch, value):
    from skfashion._compat import limit_tf_threads

    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert limit_tf_threads() is None
