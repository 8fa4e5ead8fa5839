"""Named configurations of the networks, chosen by measurement.

``make_fashion_pipeline(**PRESETS[name])`` builds one; on the command line,
``skfashion train --preset name``. What each measured, and what else was
tried, is in the design decisions (Presets). A module of its own, free of
TensorFlow, so that the command line can list the names at once.
"""

from __future__ import annotations

__all__ = ["PRESETS"]

#: Named configurations: name -> keyword arguments of
#: :func:`~skfashion.make_fashion_pipeline` (``model`` and the estimator's
#: parameters). Also importable as ``skfashion.PRESETS``; on the command line,
#: ``skfashion train --preset NAME``.
# cnn-large's network, and cnn-augmented's augmentation: the CNN presets share them.
_CNN_LARGE = dict(
    model="cnn", filters=((32, 32), (64, 64)), padding="same", hidden_layer_sizes=(512,)
)
_SHIFTS_AND_FLIPS = dict(augment=True, shift_range=0.05)

PRESETS: dict[str, dict] = {
    # The MLP family's most accurate: dropout, larger batches, cosine, 40 epochs.
    "mlp-strong": dict(
        model="mlp",
        dropout=0.2,
        batch_size=128,
        epochs=40,
        learning_rate="cosine",
    ),
    # The CNN family's most accurate without augmentation.
    "cnn-large": _CNN_LARGE,
    # cnn-large with shifts of up to 5% and flips, over 24 epochs.
    "cnn-augmented": dict(_CNN_LARGE, **_SHIFTS_AND_FLIPS, epochs=24),
    # cnn-augmented with random erasing and label smoothing in place of most
    # of the dropout, over 60 epochs, predicting with test-time flips.
    "cnn-erasing": dict(
        _CNN_LARGE,
        **_SHIFTS_AND_FLIPS,
        random_erasing=0.5,
        label_smoothing=0.1,
        dropout=0.1,
        epochs=60,
        test_time_flip=True,
    ),
}
