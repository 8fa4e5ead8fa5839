"""Named configurations of the networks, chosen by measurement.

``make_fashion_pipeline(**PRESETS[name])`` builds one; on the command line,
``skfashion train --preset name``. Each entry's comment gives what it
measured on the full data (README, "Performance", lists every configuration
tried). A module of its own, free of TensorFlow, so that the command line
can list the names at once.
"""

from __future__ import annotations

__all__ = ["PRESETS"]

#: Named configurations: name -> keyword arguments of
#: :func:`~skfashion.make_fashion_pipeline` (``model`` and the estimator's
#: parameters). Also importable as ``skfashion.PRESETS``; on the command line,
#: ``skfashion train --preset NAME``.
PRESETS: dict[str, dict] = {
    # The MLP family's strongest measured: the design's layers with dropout
    # 0.2, batch 128 and cosine annealing over 40 epochs. 0.9043 test accuracy
    # in 158 s (seed 0, 2 CPU cores, make bench 2026-11-26; 0.9044 with Keras 3
    # on JAX on a GPU), against the design's defaults' 0.8910 (median of 3
    # seeds). The previous preset (early stopping on a 10% hold-out, adaptive
    # rate, up to 80 epochs) reached 0.8914-0.8952.
    "mlp-strong": dict(
        model="mlp",
        dropout=0.2,
        batch_size=128,
        epochs=40,
        learning_rate="cosine",
    ),
    # The CNN family's most accurate measured: two blocks of two "same"
    # convolutions (32, 32 and 64, 64 filters) and a 512-unit dense layer,
    # the CNN's defaults otherwise (12 epochs, cosine annealing). 0.9406 test
    # accuracy in 1549 s (seed 0, 2 CPU cores, make bench 2026-11-26; 0.9422
    # with seeds 0 and 1 with Keras 3 on JAX on a GPU), against the previous
    # defaults' 0.9270 in 440 s, about 4 times their time per epoch (the
    # defaults now: 0.9301 in 753 s on a slower afternoon).
    "cnn-large": dict(
        model="cnn",
        filters=((32, 32), (64, 64)),
        padding="same",
        hidden_layer_sizes=(512,),
    ),
    # cnn-large with augmentation: random shifts of up to 5% of each side
    # and horizontal flips, over 24 epochs. 0.9452, 0.9449, 0.9415, 0.9434
    # test accuracy (seeds 0-3; Keras 3 on JAX on a GPU, the same
    # distribution of shifts and flips), against cnn-large's 0.9419 in 16
    # epochs without augmentation there; shifts of up to 10% reached
    # 0.9385-0.9412 in 24-30 epochs. On 2 CPU cores: README, "Performance".
    "cnn-augmented": dict(
        model="cnn",
        filters=((32, 32), (64, 64)),
        padding="same",
        hidden_layer_sizes=(512,),
        augment=True,
        shift_range=0.05,
        epochs=24,
    ),
}
