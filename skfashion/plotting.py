"""Figures: training history, predictions on images, confusion matrix, comparisons.

Every function builds a :class:`matplotlib.figure.Figure` directly rather
than through ``pyplot``: no display, GUI backend or global figure registry is
involved, so they work the same on a headless server, in a script and in a
notebook (which shows a returned Figure). Save with ``fig.savefig(path)``.
Nothing here trains or predicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .datasets import CLASS_NAMES

__all__ = [
    "plot_comparison",
    "plot_confusion_matrix",
    "plot_history",
    "plot_predictions",
]


def plot_history(history) -> Figure:
    """Plot per-epoch accuracy and loss, training and validation.

    Parameters
    ----------
    history : dict of str to list of float, or fitted FashionMLPClassifier
        ``history_`` (keys ``accuracy``, ``loss`` and, with a hold-out,
        ``val_accuracy``, ``val_loss``), or an estimator or pipeline that has
        one.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two panels: accuracy and loss against epoch.
    """
    if not isinstance(history, Mapping):
        final = history[-1] if hasattr(history, "steps") else history
        history = getattr(final, "history_", None)
        if history is None:
            raise ValueError("plot_history needs a history dict or a fitted model.")
    if "loss" not in history:
        raise ValueError(
            f"history has no 'loss' entry (keys: {sorted(history)}); pass the "
            "history_ of a fitted FashionMLPClassifier."
        )
    fig = Figure(figsize=(10, 4), layout="constrained")
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, metric, label in zip(
        fig.subplots(1, 2), ("accuracy", "loss"), ("Accuracy", "Loss"), strict=True
    ):
        if metric in history:
            ax.plot(epochs, history[metric], "o-", label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s-", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label.lower())
        ax.set_title(f"{label} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def plot_predictions(
    images,
    y_pred,
    y_true=None,
    *,
    proba=None,
    class_names: Sequence[str] = CLASS_NAMES,
    ncols: int = 6,
) -> Figure:
    """Show images with their predicted (and true) labels; errors in red.

    Parameters
    ----------
    images : array-like of shape (n, 28, 28) or (n, 784)
        Grayscale images, raw pixels or scaled.
    y_pred : array-like of shape (n,)
        Predicted labels (indices into ``class_names``).
    y_true : array-like of shape (n,), default=None
        True labels; wrong predictions get a red title and frame.
    proba : array-like of shape (n,), default=None
        Probability of each predicted label, shown in the title.
    class_names : sequence of str, default=CLASS_NAMES
        Name of each label.
    ncols : int, default=6
        Images per row.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The grid of images.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"Cannot show rows of {images.shape[1]} pixels as images.")
        images = images.reshape(len(images), side, side)
    n = len(images)
    if n == 0 or len(y_pred) != n or (y_true is not None and len(y_true) != n):
        raise ValueError(
            f"plot_predictions needs as many labels as images (got {n} images, "
            f"{len(y_pred)} predictions)."
        )
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig = Figure(figsize=(1.8 * ncols, 2.1 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray_r")
        title = str(class_names[int(y_pred[i])])
        if proba is not None:
            title += f" {float(proba[i]):.0%}"
        color = "black"
        if y_true is not None:
            wrong = int(y_pred[i]) != int(y_true[i])
            color = "red" if wrong else "green"
            if wrong:
                title += f"\n(true: {class_names[int(y_true[i])]})"
            for spine in ax.spines.values():
                spine.set_edgecolor(color)
                spine.set_linewidth(2 if wrong else 1)
        ax.set_title(title, color=color, fontsize=8)
    return fig


def plot_confusion_matrix(
    y_true, y_pred, *, class_names: Sequence[str] = CLASS_NAMES, normalize=None
) -> Figure:
    """Confusion matrix of the predictions, by scikit-learn's display.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted labels.
    class_names : sequence of str, default=CLASS_NAMES
        Display names of the labels 0, 1, ...; string labels are shown as
        they are, in this order.
    normalize : {"true", "pred", "all"} or None, default=None
        As in :func:`sklearn.metrics.confusion_matrix`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The matrix with counts (or rates) in each cell.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    fig = Figure(figsize=(9, 8), layout="constrained")
    ax = fig.subplots()
    labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    if labels.dtype.kind in "iu":  # label numbers: their display names
        names = [str(class_names[int(label)]) for label in labels]
    else:  # labels that are names already, in class_names' order where listed
        order = {name: i for i, name in enumerate(class_names)}
        labels = np.array(sorted(labels, key=lambda c: (order.get(c, len(order)), c)))
        names = [str(label) for label in labels]
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        display_labels=names,
        normalize=normalize,
        ax=ax,
        colorbar=False,
        xticks_rotation=45,
        values_format=".2f" if normalize else "d",
    )
    ax.set_title("Confusion matrix")
    return fig


def plot_comparison(names, accuracy_mean, accuracy_std=None, *, cv=None) -> Figure:
    """Horizontal bars of models' cross-validated accuracy, best scale first.

    Parameters
    ----------
    names : sequence of str
        The models, top to bottom.
    accuracy_mean : sequence of float
        Each model's mean accuracy.
    accuracy_std : sequence of float, default=None
        Each model's standard deviation across folds, drawn as error bars.
    cv : int, default=None
        The number of folds, for the axis label.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    """
    names, means = list(names), np.asarray(accuracy_mean, dtype=float)
    if len(names) != len(means) or not len(names):
        raise ValueError(
            f"names and accuracy_mean must have one entry per model, got "
            f"{len(names)} and {len(means)}."
        )
    fig = Figure(figsize=(9, 0.6 * len(names) + 1.5), layout="constrained")
    ax = fig.subplots()
    ax.barh(names, means, xerr=accuracy_std)
    folds = f"{cv}-fold " if cv is not None else ""
    ax.set_xlabel(f"accuracy, {folds}stratified cross-validation")
    ax.set_xlim(means.min() - 0.05, 1)
    ax.invert_yaxis()
    return fig
