"""Callbacks of a fit: the learning-rate schedule, TensorBoard, quiet tracing.

TensorBoard: Keras' own ``TensorBoard`` callback writes its scalars as TF2
tensor summaries, which ``EventAccumulator.Scalars()`` (TensorBoard's
documented reader) does not list, does not write the graph of a Keras 3
model, and reads the learning rate through a NumPy conversion that warns
under NumPy 2. :class:`TensorBoardLogger` keeps its layout (``train/`` and
``validation/`` runs, tags ``epoch_loss``, ``epoch_accuracy``,
``epoch_learning_rate``) and writes every epoch's metrics as classic scalar
values (``simple_value``), the inference graph, and weight histograms,
through TensorBoard's own event writer: logging needs the ``tensorboard``
package, not TensorFlow, so it works on every Keras backend.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
import uuid
import warnings
from pathlib import Path

from ._compat import keras


def cosine_schedule(initial: float, epochs: int):
    """Cosine annealing per epoch: ``initial`` at epoch 0, near 0 at the last.

    The schedule of ``learning_rate="cosine"``, for Keras'
    ``LearningRateScheduler``. Epochs past ``epochs`` (more ``partial_fit``
    calls) keep the last rate.

    Parameters
    ----------
    initial : float
        The learning rate of the first epoch.
    epochs : int
        The number of epochs it anneals over.

    Returns
    -------
    rate : callable
        ``rate(epoch, current=None)``, the learning rate of ``epoch``.

    Examples
    --------
    >>> from skfashion import cosine_schedule
    >>> rate = cosine_schedule(0.001, epochs=4)
    >>> [round(rate(e), 6) for e in range(5)]
    [0.001, 0.000854, 0.0005, 0.000146, 0.000146]
    """

    def rate(epoch, current=None):
        epoch = min(epoch, epochs - 1)
        return initial * 0.5 * (1 + math.cos(math.pi * epoch / epochs))

    return rate


def fit_callbacks(clf, has_validation: bool, graph) -> tuple[list, str | None]:
    """The callbacks one fit of ``clf`` runs, and its TensorBoard run folder.

    ``clf``'s own ``callbacks``, then what its parameters ask for: the
    learning-rate schedule, early stopping and TensorBoard logging (of
    ``graph``, the network's inference graph).
    """
    callbacks = [cb() if isinstance(cb, type) else cb for cb in clf.callbacks or []]
    if clf.learning_rate == "adaptive":
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_accuracy" if has_validation else "loss",
                mode="max" if has_validation else "min",
                factor=0.2,
                patience=2,
            )
        )
    if clf.learning_rate == "cosine":
        callbacks.append(
            keras.callbacks.LearningRateScheduler(
                cosine_schedule(float(clf.optimizer__learning_rate), clf.epochs)
            )
        )
    if clf.early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy",
                mode="max",
                patience=clf.n_iter_no_change,
                restore_best_weights=True,
            )
        )
    if clf.tensorboard_log_dir is None:
        return callbacks, None
    folder = run_dir(clf.tensorboard_log_dir)
    callbacks.append(
        TensorBoardLogger(
            folder, graph=graph, histogram_freq=clf.tensorboard_histogram_freq
        )
    )
    return callbacks, str(folder)


def run_dir(log_dir) -> Path:
    """A new TensorBoard run folder under ``log_dir``, unique per fit."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path(log_dir) / f"run-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class TensorBoardLogger(keras.callbacks.Callback):
    """Write one fit's TensorBoard logs under ``run_dir``.

    Parameters
    ----------
    run_dir : path-like
        The run's directory; ``train/`` and ``validation/`` go inside.
    graph : tf.Graph or None
        The network's inference graph (a traced concrete function's; None
        on backends other than TensorFlow, which has the only graph).
    histogram_freq : int
        Write weight histograms every this many epochs (0: never).
    """

    def __init__(self, run_dir, graph, histogram_freq: int = 0):
        super().__init__()
        self.run_dir = Path(run_dir)
        self.graph = graph
        self.histogram_freq = histogram_freq

    def on_train_begin(self, logs=None):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        self._writers = {
            part: EventFileWriter(str(self.run_dir / part))
            for part in ("train", "validation")
        }
        if self.graph is not None:
            graph_def = self.graph.as_graph_def().SerializeToString()
            self._write("train", graph_def=graph_def)

    def _write(self, part, **fields):
        from tensorboard.compat.proto.event_pb2 import Event

        self._writers[part].add_event(Event(wall_time=time.time(), **fields))

    def on_epoch_end(self, epoch, logs=None):
        from tensorboard.compat.proto.summary_pb2 import Summary
        from tensorboard.plugins.histogram.summary_v2 import histogram_pb

        values = {"train": {}, "validation": {}}
        for name, value in (logs or {}).items():
            if name.startswith("val_"):
                values["validation"][name[4:]] = value
            else:
                values["train"][name] = value
        rate = self.model.optimizer.learning_rate
        values["train"]["learning_rate"] = float(keras.ops.convert_to_numpy(rate))
        for part, scalars in values.items():
            if scalars:
                summary = Summary(
                    value=[
                        Summary.Value(tag=f"epoch_{k}", simple_value=float(v))
                        for k, v in scalars.items()
                    ]
                )
                self._write(part, step=epoch, summary=summary)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for weight in self.model.weights:
                array = keras.ops.convert_to_numpy(weight.value)
                summary = histogram_pb(weight.path, array)
                self._write("train", step=epoch, summary=summary)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()


class _RetracingFilter(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def quiet_tensorflow():
    """Silence two messages that are TensorFlow's and Keras' own, and wrong here.

    - "N out of the last N calls to <function ...> triggered tf.function
      retracing": every fit builds a new network, hence new traced functions,
      as any search or cross-validation must; nothing is retraced needlessly.
    - NumPy 2's DeprecationWarning that TensorFlow's ``__array__`` takes no
      ``copy`` argument, raised inside Keras' learning-rate callbacks.

    Only these two, and only while skfashion trains or traces: every other
    warning and log line passes.
    """
    logger = logging.getLogger("tensorflow")
    retracing = _RetracingFilter()
    logger.addFilter(retracing)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore",
                message="__array__ implementation doesn't accept a copy keyword",
                category=DeprecationWarning,
            )
            yield
    finally:
        logger.removeFilter(retracing)
