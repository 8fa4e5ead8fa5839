"""skfashion predict: classify photos or test images with a saved or ONNX model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import _common
from ._predictor import predictor

HELP = "classify image files or test-set images"
# After an image's prediction where is_outlier says it is unlike the training
# images (offset_ set by the model's contamination).
_STRANGER = "unlike the training images: probably not one of these classes"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    p.add_argument("model", help="a saved model (.skf) or an exported one (.onnx)")
    p.add_argument(
        "images",
        nargs="*",
        help="photos (PNG, JPEG, ...; any size), or folders of them; an "
        "unreadable one is reported and the others still classified",
    )
    p.add_argument(
        "--test-index",
        type=int,
        nargs="+",
        default=[],
        metavar="N",
        help="classify test-set images by index (0 to 9999)",
    )
    p.add_argument("--plot", metavar="PNG", help="draw the images and predictions")
    _common.add_allow_pickle(p)
    _common.add_force(p)


def run(args) -> int:
    import numpy as np
    from sklearn.exceptions import NotFittedError

    from ..datasets import display_names, fetch_fashion_mnist
    from ..photos import load_images
    from ..plotting import plot_predictions

    if not args.images and not args.test_index:
        raise _common.CLIError("give image files or --test-index N (see --help)")
    plot = _common.plot_target(args)
    files = _image_files(args.images)
    model = predictor(args)
    classes, flag = model.classes, model.is_outlier
    photos, read, errors = load_images(files)
    for i in sorted(errors):  # these images only: report them, go on
        reason = errors[i]
        if Path(files[i]).is_dir():  # a folder left in: it holds no image
            reason = f"no image files in the folder {files[i]}"
        print(f"skfashion: error: {reason}", file=sys.stderr)
    failed = len(errors)
    images = list(photos)
    names = [files[i] for i in read]
    y_true = [None] * len(read)
    if args.test_index:
        test = fetch_fashion_mnist(subset="test")
        bad = [i for i in args.test_index if not 0 <= i < len(test.target)]
        if bad:
            raise _common.CLIError(f"--test-index must be in [0, 9999], got {bad}")
        images.extend(test.images[args.test_index])
        names.extend(f"test[{i}]" for i in args.test_index)
        y_true.extend(test.target[args.test_index])
    if images:
        images = np.asarray(images)
        flat = images.reshape(len(images), -1)
        proba = model.predict_proba(flat)
        best = proba.argmax(axis=1)
        display = display_names(classes)
        strangers = np.zeros(len(images), bool)
        if flag is not None:
            try:
                strangers = flag(flat)
            except NotFittedError:  # a model saved before score_samples
                pass
        for name, i, p, odd in zip(
            names, best, proba.max(axis=1), strangers, strict=True
        ):
            note = f" - {_STRANGER}" if odd else ""
            print(f"{name}: {display[i]} ({p:.1%}){note}")
        if plot is not None:
            fig = plot_predictions(
                images,
                best,
                _true_columns(classes, y_true),
                proba=proba.max(axis=1),
                class_names=display,
            )
            fig.savefig(plot, dpi=100)
            _common.wrote([plot])
    if failed:
        print(
            f"skfashion: error: {failed} of {len(files)} image files could not "
            "be classified (see above)",
            file=sys.stderr,
        )
        return 1
    return 0


def _image_files(paths: list[str]) -> list[str]:
    """``paths``, each folder replaced by the image files in it (by name);
    a folder without any stays, to be reported in its place."""
    from PIL import Image

    suffixes = set(Image.registered_extensions())
    files = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(str(path))
            continue
        found = sorted(
            str(f)
            for f in path.iterdir()
            if f.is_file() and f.suffix.lower() in suffixes
        )
        files += found or [str(path)]
    return files


def _true_columns(classes, y_true):
    """Each image's true class as a column of the model's classes (or None)."""
    import numpy as np

    if not y_true or any(t is None for t in y_true):
        return None
    try:
        labels = _common.test_labels(classes, np.asarray(y_true))
    except _common.CLIError:  # labels of another kind: nothing to mark
        return None
    index = {c: i for i, c in enumerate(classes.tolist())}
    columns = [index.get(t) for t in labels.tolist()]
    return None if None in columns else columns
