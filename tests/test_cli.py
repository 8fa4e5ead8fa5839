"""The command line end to end on real subsamples, and its error paths."""

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from params import python_without
from PIL import Image

from skfashion import (
    PRESETS,
    FashionCNNClassifier,
    FashionMLPClassifier,
    is_outlier,
    load_image,
    load_model,
    make_fashion_pipeline,
    read_manifest,
)
from skfashion.cli import main

QUICK = ["--epochs", "1", "--max-samples", "600", "--hidden-layer-sizes", "32"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("train")
    assert main(["train", *QUICK, "--output-dir", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def pngs(tmp_path_factory, fashion_test):
    """Real Fashion-MNIST test images written out as PNG files."""
    folder = tmp_path_factory.mktemp("png")
    paths = []
    for i in range(3):
        path = folder / f"test{i}.png"
        Image.fromarray(fashion_test.images[i]).save(path)
        paths.append(str(path))
    return paths


def _scalar_tags(event_file):
    import tensorflow as tf

    tags = set()
    for event in tf.compat.v1.train.summary_iterator(str(event_file)):
        tags.update(value.tag for value in event.summary.value)
    return tags


def test_train_writes_everything(trained):
    assert {p.name for p in trained.iterdir()} >= {
        "model.skf",
        "metrics.json",
        "history.json",
        "history.png",
        "tensorboard",
    }
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["n_train"] == 600 and metrics["n_test"] == 10000
    assert 0.3 < metrics["test_accuracy"] <= 1
    assert set(metrics["per_class"]["Trouser"]) == {"precision", "recall", "f1-score"}
    history = json.loads((trained / "history.json").read_text())
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    with Image.open(trained / "history.png") as img:
        assert img.size[0] > 400
    assert (
        read_manifest(trained / "model.skf")["test_score"] == metrics["test_accuracy"]
    )
    (run,) = (trained / "tensorboard").iterdir()
    for part, prefix in (("train", "epoch_"), ("validation", "epoch_")):
        (events,) = (run / part).glob("events.out.tfevents.*")
        assert {f"{prefix}loss", f"{prefix}accuracy"} <= _scalar_tags(events)


def test_evaluate(trained, tmp_path, capsys):
    assert main(["evaluate", str(trained / "model.skf")]) == 0
    out = capsys.readouterr().out
    assert "test accuracy:" in out and "Ankle boot" in out and "macro avg" in out
    assert "wrote" not in out
    assert not (trained / "confusion_matrix.png").exists()  # only with --plot
    plot = tmp_path / "cm.png"
    assert main(["evaluate", str(trained / "model.skf"), "--plot", str(plot)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote: {plot}"
    with Image.open(plot) as img:
        assert img.size[0] > 400


def test_evaluate_an_exported_graph(trained, tmp_path, capsys):
    graph = str(tmp_path / "model.onnx")
    assert main(["export", str(trained / "model.skf"), graph, "--quiet"]) == 0
    capsys.readouterr()
    reports = []
    for model in (str(trained / "model.skf"), graph):
        assert main(["evaluate", model]) == 0
        reports.append(capsys.readouterr().out)
    assert reports[0].startswith("test accuracy: ") and reports[1] == reports[0]


def test_verify_and_export_name_what_an_exported_graph_is(trained, tmp_path, capsys):
    model, graph = str(trained / "model.skf"), str(tmp_path / "model.onnx")
    _fails(["export", model, str(tmp_path / "model.txt")], capsys, "must end in .onnx")
    assert not (tmp_path / "model.txt").exists()
    assert main(["export", model, graph, "--quiet"]) == 0
    _fails(["verify", graph], capsys, f"skfashion evaluate {graph} gives its test")


def test_saved_model_carries_no_side_effects_of_the_command(trained):
    clf = load_model(trained / "model.skf")[-1]
    assert clf.verbose == 0 and clf.tensorboard_log_dir is None
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["params"]["verbose"] == 0  # how it was trained (--quiet)
    assert metrics["tensorboard_run_dir"].startswith(str(trained.resolve()))


def test_train_lists_its_files_and_never_overwrites(trained, capsys):
    before = (trained / "model.skf").read_bytes()
    args = ["train", *QUICK, "--output-dir", str(trained)]
    _fails(args, capsys, "already exist")
    assert (trained / "model.skf").read_bytes() == before


def test_second_train_with_force_replaces(tmp_path, capsys):
    args = ["train", *QUICK, "--output-dir", str(tmp_path), "--quiet"]
    assert main(args) == 0
    wrote = capsys.readouterr().out.splitlines()[-1]
    assert wrote.startswith("wrote: ") and str(tmp_path / "model.skf") in wrote
    for name in ("metrics.json", "history.json", "history.png", "tensorboard"):
        assert name in wrote
    assert main([*args, "--force"]) == 0
    assert len(list((tmp_path / "tensorboard").iterdir())) == 2  # one run each


def test_every_preset_reaches_the_estimator_from_the_command_line():
    from skfashion.cli import build_parser
    from skfashion.cli._common import model_and_params

    for name, preset in PRESETS.items():
        args = build_parser().parse_args(["train", "--preset", name])
        model, params = model_and_params(args)
        assert model == preset["model"]
        assert {k: params[k] for k in preset if k != "model"} == {
            k: v for k, v in preset.items() if k != "model"
        }


# One training per network (cnn-augmented and cnn-erasing are cnn-large's
# network; their parameters are checked above): each CNN run predicts all
# 10,000 test images.
@pytest.mark.parametrize("name", ["mlp-strong", "cnn-large"])
def test_preset_from_the_command_line(tmp_path, name):
    args = ["train", "--preset", name, "--epochs", "1", "--max-samples", "300"]
    assert main([*args, "--output-dir", str(tmp_path), "-q"]) == 0
    pipe = load_model(tmp_path / "model.skf")
    expected = make_fashion_pipeline(**PRESETS[name])[-1]
    assert type(pipe[-1]) is type(expected)
    trained = pipe[-1].get_params()
    for key, value in PRESETS[name].items():
        if key not in ("model", "epochs"):
            assert trained[key] == value, key
    assert trained["epochs"] == 1


def test_preset_and_another_model_conflict(tmp_path, capsys):
    args = ["train", "--preset", "mlp-strong", "--model", "cnn"]
    _fails([*args, "--output-dir", str(tmp_path)], capsys, "drop --model cnn")


def test_every_option_has_help_and_shows_its_default(capsys):
    from skfashion.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, command in commands.items():
        for action in command._actions:
            assert action.help, (name, action.dest)
        text = command.format_help()
        assert "--quiet" in text and "--debug" in text, name
    train = commands["train"].format_help()
    assert "15 (mlp), 12 (cnn)" in " ".join(train.split())


def test_version(capsys):
    from skfashion import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"skfashion {__version__}"


_EVERY_COMMAND = """
import sys
from skfashion.cli import main

out = sys.argv[1]
n_commands = int(sys.argv[2]) if len(sys.argv) > 2 else None  # None: all
model = out + "/model.skf"
small = ["--epochs", "1", "--max-samples", "200"]
commands = [
    ["train", *small, "--hidden-layer-sizes", "8", "--output-dir", out],
    ["evaluate", model],
    ["predict", model, "--test-index", "0"],
    ["verify", model],
    ["export", model, out + "/model.onnx"],
    ["predict", out + "/model.onnx", "--test-index", "0"],
    ["compare", *small, "--cv", "2", "--models", "skfashion-mlp", "LogisticRegression"]
    + ["--output-dir", out],
    ["tune", *small, "--cv", "2", "--grid", '{"clf__hidden_layer_sizes": [[8]]}']
    + ["--output-dir", out],
]
for argv in commands[:n_commands]:
    assert main([*argv, "--quiet"]) == 0, argv
"""


# oneDNN on prints its notice on any x86 CPU; off is what AVX2-only CPUs get.
# TensorFlow writes its lines as it starts and runs its first kernels: with
# oneDNN off, training and predicting (the first three commands) show them.
@pytest.mark.slow
@pytest.mark.parametrize(("onednn", "n_commands"), [("1", None), ("0", 3)])
def test_no_tensorflow_lines_from_any_command(tmp_path, onednn, n_commands):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    for argv in (
        ["-m", "skfashion", "train", "--help"],  # reads the estimators' defaults
        ["-c", _EVERY_COMMAND, str(tmp_path)]
        + ([] if n_commands is None else [str(n_commands)]),
    ):
        out = subprocess.run(
            [sys.executable, *argv], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stderr == "", argv[:3]
    assert (tmp_path / "model.skf").is_file()
    if n_commands is None:
        assert (tmp_path / "model.onnx").is_file()
        assert (tmp_path / "compare.md").is_file()


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_and_debug_before_or_after_the_command(trained, tmp_path, where):
    flags, rest = ["--quiet"], ["verify", str(trained / "model.skf")]
    argv = flags + rest if where == "before" else rest + flags
    out = subprocess.run(
        [sys.executable, "-m", "skfashion", *argv], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip().splitlines() == [
        f"{trained / 'model.skf'}: integrity verified, reload identical"
    ]
    assert out.stderr == ""  # no TensorFlow start-up lines either
    missing = ["evaluate", str(tmp_path / "nope.skf")]
    argv = ["--debug", *missing] if where == "before" else [*missing, "--debug"]
    with pytest.raises(Exception, match="model file not found"):
        main(argv)


def test_string_label_models_in_every_command(tmp_path, small_train, capsys):
    from skfashion import (
        CLASS_NAMES,
        fetch_fashion_mnist,
        make_fashion_pipeline,
        save_model,
    )

    X, y = small_train
    names = np.asarray(CLASS_NAMES)
    pipe = make_fashion_pipeline(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    pipe.fit(X, names[y])
    test = fetch_fashion_mnist(subset="test")
    score = pipe.score(test.data, names[test.target])
    model = str(save_model(pipe, tmp_path / "names.skf", test_score=score))
    assert main(["evaluate", model, "--plot", str(tmp_path / "cm.png")]) == 0
    out = capsys.readouterr().out
    assert f"test accuracy: {score:.4f}" in out and "Ankle boot" in out
    assert main(["verify", model]) == 0
    assert (
        main(["predict", model, "--test-index", "0", "--plot", str(tmp_path / "p.png")])
        == 0
    )
    assert "test[0]: " in capsys.readouterr().out
    assert main(["export", model, str(tmp_path / "names.onnx")]) == 0
    assert main(["predict", str(tmp_path / "names.onnx"), "--test-index", "0"]) == 0
    assert main(["evaluate", str(tmp_path / "names.onnx")]) == 0
    assert f"test accuracy: {score:.4f}" in capsys.readouterr().out


def test_foreign_string_labels_are_a_clear_error(tmp_path, small_train, capsys):
    from skfashion import make_fashion_pipeline, save_model

    X, y = small_train
    pipe = make_fashion_pipeline(hidden_layer_sizes=(8,), epochs=1, random_state=0)
    pipe.fit(X, np.where(y < 5, "top", "bottom"))
    model = str(save_model(pipe, tmp_path / "m.skf"))
    _fails(["evaluate", model], capsys, "neither Fashion-MNIST's class numbers")


def test_predict_test_indices_and_plot(trained, tmp_path, capsys):
    plot = tmp_path / "grid.png"
    code = main(
        [
            "predict",
            str(trained / "model.skf"),
            "--test-index",
            "0",
            "1",
            "2",
            "--plot",
            str(plot),
        ]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("test[0]: ") and lines[0].endswith("%)")
    with Image.open(plot) as img:
        assert img.size[0] > 200


def test_predict_png_files_match_test_indices(trained, pngs, capsys):
    main(["predict", str(trained / "model.skf"), *pngs])
    from_files = [line.split(": ")[1] for line in capsys.readouterr().out.splitlines()]
    main(["predict", str(trained / "model.skf"), "--test-index", "0", "1", "2"])
    from_index = [line.split(": ")[1] for line in capsys.readouterr().out.splitlines()]
    assert from_files == from_index


def test_predict_a_folder_of_photos(trained, pngs, tmp_path, capsys):
    import shutil

    model, folder = str(trained / "model.skf"), tmp_path / "photos"
    folder.mkdir()
    copies = [shutil.copy(png, folder) for png in pngs]
    (folder / "notes.txt").write_text("not an image")  # left out: no image suffix
    main(["predict", model, *copies])
    one_by_one = capsys.readouterr().out
    assert main(["predict", model, str(folder)]) == 0
    assert capsys.readouterr().out == one_by_one  # in file-name order


def test_load_image_conversion(tmp_path, fashion_test):
    from skfashion.photos import load_image

    image = fashion_test.images[0]
    Image.fromarray(image).save(tmp_path / "a.png")
    np.testing.assert_array_equal(load_image(tmp_path / "a.png"), image)
    # A big photo-like version: dark garment on white, colour, 4x size.
    big = np.kron(255 - image, np.ones((4, 4), dtype=np.uint8))
    Image.fromarray(np.stack([big] * 3, axis=-1)).save(tmp_path / "b.jpg")
    converted = load_image(tmp_path / "b.jpg")
    assert converted.shape == (28, 28) and converted.dtype == np.uint8
    assert converted[0].max() < 60  # background back to black
    # The garment spans the full width (its longest side), centred vertically.
    cols = np.flatnonzero((converted > 25).any(axis=0))
    rows = np.flatnonzero((converted > 25).any(axis=1))
    assert cols[0] <= 1 and cols[-1] >= 26
    assert abs((rows[0] + rows[-1]) / 2 - 13.5) <= 1
    # Same picture up to resampling and a one-pixel centring difference
    # (measured 0.83 for this image; an unrelated test image scores below 0.3).
    assert np.corrcoef(converted.ravel(), image.ravel())[0, 1] > 0.75
    other = fashion_test.images[1]
    assert np.corrcoef(converted.ravel(), other.ravel())[0, 1] < 0.5


def test_verify(trained, capsys):
    assert main(["verify", str(trained / "model.skf")]) == 0
    out = capsys.readouterr().out
    assert "equals the recorded" in out and "reload identical" in out


def test_tune(trained, tmp_path, capsys):
    before = (trained / "model.skf").read_bytes()
    grid = '{"clf__hidden_layer_sizes": [[16], [32]]}'
    args = ["tune", "--grid", grid, "--cv", "2", "--epochs", "1"]
    args += ["--max-samples", "400", "--output-dir", str(trained)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Searching 2 candidates x 2 folds" in out
    progress = [line for line in out.splitlines() if line.startswith("candidate ")]
    assert [line.split(":")[0] for line in progress] == [
        "candidate 1/2",
        "candidate 2/2",
    ]
    assert "{'clf__hidden_layer_sizes': (32,)}" in progress[1]
    assert out.splitlines()[-1] == (
        f"wrote: {trained / 'tune_results.csv'}, {trained / 'tune_model.skf'}"
    )
    assert (trained / "model.skf").read_bytes() == before  # train's, untouched
    with open(trained / "tune_results.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "rank" and len(rows) == 3 and rows[1][0] == "1"
    assert json.loads(rows[1][4])["clf__hidden_layer_sizes"] in ([16], [32])
    clf = load_model(trained / "tune_model.skf").named_steps["clf"]
    assert clf.n_iter_ == 1
    _fails(args, capsys, "already exist")  # a second tune needs --force


def test_bad_grid_value_fails_before_any_training(tmp_path, capsys, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("a candidate was trained")

    monkeypatch.setattr(FashionMLPClassifier, "fit", no_training)
    grid = '{"clf__dropout": [0.1, 2.0], "clf__hidden_layer_sizes": [[16]]}'
    args = ["tune", "--grid", grid, "--max-samples", "400", "--output-dir"]
    _fails([*args, str(tmp_path)], capsys, "grid candidate {'clf__dropout': 2.0")
    assert not list(tmp_path.iterdir())
    grid = '{"clf__hidden_layer_sizes": [[0]]}'
    _fails(["tune", "--grid", grid, "--output-dir", str(tmp_path)], capsys, "positive")


def test_train_a_cnn(tmp_path):
    args = ["train", "--model", "cnn", "--epochs", "1", "--max-samples", "600"]
    args += ["--augment", "--shift-range", "0.1", "--random-erasing", "0.5"]
    args += ["--label-smoothing", "0.1", "--test-time-flip"]
    assert main([*args, "--output-dir", str(tmp_path), "--quiet"]) == 0
    clf = load_model(tmp_path / "model.skf")[-1]
    assert type(clf).__name__ == "FashionCNNClassifier" and clf.augment
    assert clf.shift_range == 0.1
    assert clf.random_erasing == 0.5 and clf.label_smoothing == 0.1
    assert clf.test_time_flip is True
    # The CNN's own default, not the MLP's.
    assert clf.hidden_layer_sizes == FashionCNNClassifier().hidden_layer_sizes
    assert clf.hidden_layer_sizes != FashionMLPClassifier().hidden_layer_sizes


@pytest.mark.parametrize(
    "option", [["--augment"], ["--random-erasing", "0.5"], ["--test-time-flip"]]
)
def test_augmentation_needs_the_cnn(tmp_path, capsys, option):
    assert main(["train", *option, "--output-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{option[0]} is a parameter of the cnn model; add --model cnn" in err


def test_random_erasing_is_a_probability(tmp_path, capsys):
    args = ["train", "--model", "cnn", "--output-dir", str(tmp_path)]
    with pytest.raises(SystemExit) as info:
        main([*args, "--random-erasing", "1.5"])
    assert info.value.code == 2  # argparse's usage error
    assert "a probability in [0, 1], got 1.5" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_shift_range_needs_augment(tmp_path, capsys):
    args = ["train", "--model", "cnn", "--output-dir", str(tmp_path)]
    _fails([*args, "--shift-range", "0.1"], capsys, "--shift-range needs --augment")
    with pytest.raises(SystemExit) as info:
        main([*args, "--augment", "--shift-range", "1.5"])
    assert info.value.code == 2  # argparse's usage error
    assert "a fraction in [0, 1)" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_compare_lists_valid_model_names(tmp_path, capsys):
    assert main(["compare", "--models", "Foo", "--output-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "unknown models ['Foo']; choose from" in err and "skfashion-cnn" in err


@pytest.mark.slow
def test_compare(tmp_path, capsys):
    args = ["compare", "--cv", "2", "--epochs", "1", "--max-samples", "400"]
    args += ["--models", "skfashion-mlp", "skfashion-cnn", "LogisticRegression", "SVC"]
    args += ["--svm-samples", "200", "--output-dir", str(tmp_path), "--quiet"]
    assert main(args) == 0
    table = (tmp_path / "compare.md").read_text()
    for name in ("skfashion-mlp", "skfashion-cnn", "LogisticRegression", "SVC"):
        assert name in table
    assert len((tmp_path / "compare.csv").read_text().splitlines()) == 5
    with Image.open(tmp_path / "compare.png") as img:
        assert img.size[0] > 400


# -- errors: one line on stderr, no traceback --------------------------------------


def _fails(argv, capsys, match, code=1):
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("skfashion: error: "), err
    assert match in err[0]


def test_missing_model(tmp_path, capsys):
    _fails(["evaluate", str(tmp_path / "nope.skf")], capsys, "model file not found")


def test_corrupt_model(trained, tmp_path, capsys):
    data = bytearray((trained / "model.skf").read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the network's arrays
    (tmp_path / "bad.skf").write_bytes(data)
    _fails(["verify", str(tmp_path / "bad.skf")], capsys, "not a valid skfashion model")


def test_pickle_models_need_allow_pickle(trained, tmp_path, capsys):
    import joblib

    from skfashion import load_model

    joblib.dump(load_model(trained / "model.skf"), tmp_path / "m.joblib")
    _fails(["evaluate", str(tmp_path / "m.joblib")], capsys, "--allow-pickle")
    args = ["evaluate", str(tmp_path / "m.joblib"), "--allow-pickle"]
    assert main([*args, "--plot", str(tmp_path / "cm.png")]) == 0
    assert "test accuracy:" in capsys.readouterr().out


def test_not_a_model(trained, capsys):
    _fails(["evaluate", str(trained / "metrics.json")], capsys, "not a skfashion model")


def test_bad_images_are_reported_and_the_others_classified(
    trained, pngs, tmp_path, capsys
):
    folder, empty = tmp_path / "bad", tmp_path / "empty"
    folder.mkdir()
    empty.mkdir()
    (folder / "x.png").write_text("not an image")
    Image.new("L", (40, 40), 255).save(folder / "white.png")
    bad = [str(folder / n) for n in ("x.png", "missing.png", "white.png")]
    argv = ["predict", str(trained / "model.skf"), bad[0], pngs[0], *bad[1:]]
    assert main([*argv, str(empty), pngs[1]]) == 1
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert [line.split(":")[0] for line in out] == [pngs[0], pngs[1]]
    err = captured.err.splitlines()
    assert len(err) == 5
    assert "Cannot read" in err[0] and "x.png" in err[0]
    assert "Image file not found" in err[1]
    assert "No garment found" in err[2] and "uniform" in err[2]
    assert f"no image files in the folder {empty}" in err[3]
    assert err[4] == (
        "skfashion: error: 4 of 6 image files could not be classified (see above)"
    )


def test_an_image_no_photo_could_be_is_reported_the_other_classified(
    trained, pngs, tmp_path, capsys
):
    from test_photos import png_declaring

    bomb = str(png_declaring(tmp_path / "bomb.png", 40_000, 40_000))
    assert main(["predict", str(trained / "model.skf"), bomb, pngs[0]]) == 1
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines()] == [pngs[0]]
    err = captured.err.splitlines()
    assert len(err) == 2 and "bomb.png declares more than" in err[0]


def test_predict_needs_inputs_and_valid_indices(trained, capsys):
    _fails(["predict", str(trained / "model.skf")], capsys, "give image files")
    _fails(
        ["predict", str(trained / "model.skf"), "--test-index", "10000"],
        capsys,
        "--test-index must be in [0, 9999]",
    )


def test_bad_grids(tmp_path, capsys):
    _fails(["tune", "--grid", "{nope"], capsys, "not valid JSON")
    _fails(["tune", "--grid", '{"a": 1}'], capsys, "JSON object of non-empty lists")
    _fails(["tune", "--grid", '{"clf__nope": [1]}'], capsys, "unknown parameters")
    _fails(["tune", "--grid-file", str(tmp_path / "g.json")], capsys, "not found")


@pytest.mark.parametrize(
    "argv, match",
    [
        (["train", "--epochs", "0"], "expected a positive integer"),
        (["train", "--max-samples", "5"], "expected at least 10 (one image of each"),
        (["compare", "--max-samples", "9"], "expected at least 10 (one image of each"),
        (["train", "--hidden-layer-sizes", "512,x"], "comma-separated layer sizes"),
        (["train", "--validation-split", "1.5"], "expected a fraction"),
        (["train", "--optimizer-learning-rate", "-1"], "expected a positive number"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(argv, match, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert match in capsys.readouterr().err


def test_console_entry_point_and_module(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "skfashion", "evaluate", str(tmp_path / "no.skf")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("skfashion: error:")
    assert "Traceback" not in out.stderr
    help_ = subprocess.run(
        [sys.executable, "-m", "skfashion", "--help"], capture_output=True, text=True
    )
    assert help_.returncode == 0 and "train" in help_.stdout


def test_help_needs_no_tensorflow():
    # Defaults come from skfashion._defaults, as the estimators' signatures.
    code = (
        "import sys\n"
        "from skfashion.cli import main\n"
        "try:\n"
        "    main(['train', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "(default: the model's own: 15 (mlp), 12 (cnn))" in " ".join(
        out.stdout.split()
    )


def test_defaults_module_is_the_estimators_signature():
    from skfashion import _defaults

    assert FashionMLPClassifier().get_params() == _defaults.MLP
    assert FashionCNNClassifier().get_params() == _defaults.CNN


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--filters", "[8]"], "--filters is a parameter of the cnn model"),
        (["--model", "cnn", "--activation", "tanh"], "--activation is a parameter of"),
        (["--model", "cnn", "--filters", "[0]"], "filters"),
        (["--learning-rate", "linear"], "invalid choice"),
    ],
)
def test_model_options_the_estimator_refuses(argv, match, tmp_path, capsys):
    args = ["train", *argv, "--max-samples", "200", "--output-dir", str(tmp_path)]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code in (1, 2)
    assert match in capsys.readouterr().err
    assert not (tmp_path / "model.skf").exists()
    assert not (tmp_path / "tensorboard").exists()


def test_schedule_step_size_and_metrics_as_json(tmp_path):
    args = ["train", *QUICK, "--learning-rate", "cosine"]
    args += ["--optimizer-learning-rate", "0.002", "--early-stopping"]
    args += ["--n-iter-no-change", "3", "--output-dir", str(tmp_path), "--quiet"]
    assert main(args) == 0
    clf = load_model(tmp_path / "model.skf")[-1]
    assert clf.learning_rate == "cosine" and clf.optimizer__learning_rate == 0.002
    assert clf.early_stopping and clf.n_iter_no_change == 3
    params = json.loads((tmp_path / "metrics.json").read_text())["params"]
    assert params["hidden_layer_sizes"] == [32] and params["alpha"] == 0.0
    FashionMLPClassifier().set_params(**params)  # takes them back


def test_an_unusable_keras_backend_is_one_line(trained):
    env = {**os.environ, "KERAS_BACKEND": "banana"}  # no such backend
    out = subprocess.run(
        [sys.executable, "-m", "skfashion", "verify", str(trained / "model.skf")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "skfashion: error: Keras cannot load its backend 'banana' (Unable to import "
        "backend : banana); set KERAS_BACKEND to tensorflow, jax or torch."
    ]


@pytest.mark.parametrize(
    ("backend", "fix"),
    [
        (
            None,
            "pip install 'skfashion[tensorflow]', or set KERAS_BACKEND to jax or torch",
        ),
        (
            "jax",
            "pip install 'skfashion[jax]', or unset KERAS_BACKEND to use TensorFlow",
        ),
    ],
)
def test_a_missing_backend_is_one_line_naming_the_extra(trained, backend, fix):
    package = backend or "tensorflow"
    code = python_without(package) + (
        "from skfashion.cli import main\n"
        f"sys.exit(main(['verify', {str(trained / 'model.skf')!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    if backend:
        env["KERAS_BACKEND"] = backend
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"skfashion: error: Keras cannot load its backend {package!r} (No module "
        f"named {package!r}); {fix}."
    ]


def test_a_backend_the_estimators_do_not_run_on_is_refused():
    # Keras on a backend they do not run on (faked: OpenVINO is not installed).
    code = (
        "import keras\n"
        "keras.backend.backend = lambda: 'openvino'\n"
        "import skfashion.classifier\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        "ImportError: skfashion's estimators run on Keras' TensorFlow, JAX and "
        "PyTorch backends, not 'openvino': unset KERAS_BACKEND or set it to "
        "tensorflow, jax or torch."
    )


def test_predict_marks_images_unlike_the_training_images(
    trained, pngs, tmp_path, capsys
):
    noise = tmp_path / "noise.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(noise)
    assert main(["predict", str(trained / "model.skf"), str(noise), *pngs]) == 0
    lines = capsys.readouterr().out.splitlines()
    model = load_model(trained / "model.skf")
    images = np.stack([load_image(p) for p in [noise, *pngs]]).reshape(4, -1)
    expected = is_outlier(model, images)
    assert expected[0]  # noise
    marked = [line.endswith("probably not one of these classes") for line in lines]
    assert marked == expected.tolist()
