"""Figures are built without pyplot and reject mismatched inputs clearly."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from skfashion.plotting import (
    plot_comparison,
    plot_confusion_matrix,
    plot_history,
    plot_predictions,
)

HISTORY = {
    "loss": [1.0, 0.6, 0.5],
    "accuracy": [0.6, 0.8, 0.85],
    "val_loss": [0.8, 0.6, 0.55],
    "val_accuracy": [0.7, 0.8, 0.82],
}


def test_history_has_train_and_validation_curves(tmp_path):
    fig = plot_history(HISTORY)
    assert isinstance(fig, Figure)
    acc, loss = fig.axes
    assert [line.get_label() for line in acc.lines] == ["training", "validation"]
    np.testing.assert_array_equal(acc.lines[1].get_ydata(), HISTORY["val_accuracy"])
    np.testing.assert_array_equal(loss.lines[0].get_xdata(), [1, 2, 3])
    fig.savefig(tmp_path / "h.png")
    assert (tmp_path / "h.png").stat().st_size > 1000


def test_history_errors():
    with pytest.raises(ValueError, match="no 'loss' entry"):
        plot_history({"acc": [1]})
    with pytest.raises(ValueError, match="needs a history dict or a fitted model"):
        plot_history(object())


def test_predictions_mark_errors_in_red(fashion_test):
    images = fashion_test.images[:4]
    fig = plot_predictions(images, [9, 0, 1, 1], fashion_test.target[:4])
    titles = [ax.title for ax in fig.axes[:4]]
    assert titles[0].get_text() == "Ankle boot"
    assert titles[1].get_color() == "red" and "(true: Pullover)" in titles[1].get_text()
    assert titles[2].get_color() == "green"


def test_predictions_accept_flat_rows_and_probabilities(fashion_test):
    fig = plot_predictions(
        fashion_test.data[:7], [9] * 7, proba=np.full(7, 0.5), ncols=3
    )
    assert fig.axes[0].title.get_text() == "Ankle boot 50%"
    assert len(fig.axes) == 9 and not fig.axes[8].axison


def test_predictions_errors():
    with pytest.raises(ValueError, match="as many labels as images"):
        plot_predictions(np.zeros((3, 28, 28)), [1, 2])
    with pytest.raises(ValueError, match="Cannot show rows of 10 pixels"):
        plot_predictions(np.zeros((3, 10)), [1, 2, 3])


def test_confusion_matrix_counts():
    y_true = [0, 0, 1, 9]
    y_pred = [0, 1, 1, 9]
    fig = plot_confusion_matrix(y_true, y_pred)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["T-shirt/top", "Trouser", "Ankle boot"]
    texts = sorted(t.get_text() for t in ax.texts)
    # [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert texts.count("1") == 4 and texts.count("0") == 5


def test_comparison_bars_in_the_given_order(tmp_path):
    fig = plot_comparison(["a", "b"], [0.9, 0.8], [0.01, 0.02], cv=3)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.9, 0.8]
    assert ax.get_xlabel() == "accuracy, 3-fold stratified cross-validation"
    fig.savefig(tmp_path / "c.png")
    with pytest.raises(ValueError, match="one entry per model"):
        plot_comparison(["a", "b"], [0.9])
