"""skfashion: a scikit-learn compatible deep-learning classifier for Fashion-MNIST.

The estimators import TensorFlow, which takes seconds; they are loaded on
first use, so ``import skfashion`` and the data loader stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "fetch_fashion_mnist": "datasets",
    "CLASS_NAMES": "datasets",
    "DatasetIntegrityError": "datasets",
    "IMAGE_SHAPE": "datasets",
    "stratified_subsample": "datasets",
    "as_model_labels": "datasets",
    "display_names": "datasets",
    "classical_models": "baselines",
    "cosine_schedule": "_callbacks",
    "ImageScaler": "preprocessing",
    "FashionMLPClassifier": "classifier",
    "FashionCNNClassifier": "classifier",
    "make_fashion_pipeline": "classifier",
    "is_outlier": "classifier",
    "PRESETS": "presets",
    "save_model": "persistence",
    "load_model": "persistence",
    "read_manifest": "persistence",
    "export_keras": "persistence",
    "export_onnx": "onnx",
    "compare_models": "persistence",
    "ModelComparison": "persistence",
    "ModelFileError": "persistence",
    "ModelVersionWarning": "persistence",
    "plot_history": "plotting",
    "plot_predictions": "plotting",
    "plot_confusion_matrix": "plotting",
    "plot_comparison": "plotting",
    "load_image": "photos",
    "load_images": "photos",
    "make_photo": "synthetic",
    "PHOTO_KINDS": "synthetic",
}

__all__ = [
    "CLASS_NAMES",
    "IMAGE_SHAPE",
    "PHOTO_KINDS",
    "PRESETS",
    "DatasetIntegrityError",
    "FashionCNNClassifier",
    "FashionMLPClassifier",
    "ImageScaler",
    "ModelComparison",
    "ModelFileError",
    "ModelVersionWarning",
    "__version__",
    "as_model_labels",
    "classical_models",
    "compare_models",
    "cosine_schedule",
    "display_names",
    "export_keras",
    "export_onnx",
    "fetch_fashion_mnist",
    "is_outlier",
    "load_image",
    "load_images",
    "load_model",
    "make_fashion_pipeline",
    "make_photo",
    "plot_comparison",
    "plot_confusion_matrix",
    "plot_history",
    "plot_predictions",
    "read_manifest",
    "save_model",
    "stratified_subsample",
]

if TYPE_CHECKING:  # pragma: no cover
    from ._callbacks import cosine_schedule
    from .baselines import classical_models
    from .classifier import (
        FashionCNNClassifier,
        FashionMLPClassifier,
        is_outlier,
        make_fashion_pipeline,
    )
    from .datasets import (
        CLASS_NAMES,
        IMAGE_SHAPE,
        DatasetIntegrityError,
        as_model_labels,
        display_names,
        fetch_fashion_mnist,
        stratified_subsample,
    )
    from .onnx import export_onnx
    from .persistence import (
        ModelComparison,
        ModelFileError,
        ModelVersionWarning,
        compare_models,
        export_keras,
        load_model,
        read_manifest,
        save_model,
    )
    from .photos import load_image, load_images
    from .plotting import (
        plot_comparison,
        plot_confusion_matrix,
        plot_history,
        plot_predictions,
    )
    from .preprocessing import ImageScaler
    from .presets import PRESETS
    from .synthetic import PHOTO_KINDS, make_photo


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'skfashion' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
