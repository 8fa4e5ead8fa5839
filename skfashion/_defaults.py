"""Every estimator parameter's default, in a module free of TensorFlow.

The estimators' signatures read them from here, and so does the command
line's help, which must answer without importing TensorFlow.
"""

from __future__ import annotations

# What both estimators share.
SHARED = {
    "alpha": 0.0,
    "label_smoothing": 0.0,
    "optimizer": "adam",
    "optimizer__learning_rate": 0.001,
    "validation_split": 0.0,
    "early_stopping": False,
    "n_iter_no_change": 10,
    "shuffle": True,
    "steps_per_execution": 32,
    "jit_compile": "auto",
    "dtype_policy": "auto",
    "class_weight": None,
    "callbacks": None,
    "tensorboard_log_dir": None,
    "tensorboard_histogram_freq": 0,
    "warm_start": False,
    "contamination": 0.01,
    "random_state": None,
    "verbose": 0,
}

MLP = {
    **SHARED,
    "hidden_layer_sizes": (512, 256, 128),
    "activation": "relu",
    "dropout": 0.0,
    "learning_rate": "constant",
    "epochs": 15,
    "batch_size": 32,
}

CNN = {
    **SHARED,
    "image_shape": None,
    "filters": (16, (64, 64)),
    "kernel_size": 3,
    "padding": ("same", ("valid", "same")),
    "hidden_layer_sizes": (256,),
    "dropout": 0.25,
    "batch_normalization": True,
    "augment": False,
    "shift_range": 0.05,
    "random_erasing": 0.0,
    "test_time_flip": False,
    "learning_rate": "cosine",
    "epochs": 12,
    "batch_size": 64,
}
