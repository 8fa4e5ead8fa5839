"""The documentation of the parameters both estimators share, written once.

Each estimator's docstring holds a line ``{shared:GROUP}`` per group, which
:func:`shared_parameter_docs` replaces with these entries when the class is
defined, so ``help()``, Sphinx and numpydoc read one full docstring.
"""

from __future__ import annotations

import textwrap

_GROUPS = {
    "attributes": """\
Attributes
----------
classes_ : ndarray of shape (n_classes,)
    Class labels, in the order of ``predict_proba``'s columns.
n_classes_ : int
    Number of classes (and of output units).
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names.
model_ : keras.Model
    The trained network. Predictions run a copy of its weights, taken
    after each ``fit`` and ``partial_fit``: after setting its weights
    yourself, reload the estimator (or fit it) before predicting.
history_ : dict of str to list of float
    Per-epoch ``loss`` and ``accuracy`` (and ``val_loss``,
    ``val_accuracy`` with a hold-out), as in SciKeras.
n_iter_ : int
    Number of epochs run by the last fit.
tensorboard_run_dir_ : str or None
    The TensorBoard run directory of the last fit, if logging.
offset_ : float
    The threshold of ``score_samples``: ``contamination`` of the held-out
    training images score below it (IsolationForest's ``offset_``).
score_statistics_ : dict of str to ndarray
    What ``score_samples`` compares images with: the last hidden features
    of a sample of the training images, in their principal directions
    (``projection``) and normalised, the pixels' mean and variance, and the
    two views' standardisation.""",
    "optimizer": """\
alpha : float, default=0.0
    Strength of the L2 penalty on the weights, as in MLPClassifier: each
    batch's loss gains ``alpha / 2 * ||W||^2 / batch_size``. 0 (the
    default) keeps the design's network exact; MLPClassifier's default
    is 1e-4.
label_smoothing : float in [0, 1), default=0.0
    Keras' label smoothing of the one-hot targets in the cross-entropy:
    each target becomes ``(1 - label_smoothing) * one_hot +
    label_smoothing / n_classes``. 0 (the default) is the design's loss.
optimizer : str or keras.optimizers.Optimizer subclass, default="adam"
    The Keras optimizer, by name or class.
optimizer__learning_rate : float, default=0.001
    The optimizer's learning rate (SciKeras' routed-parameter spelling, so
    ``GridSearchCV`` can search ``clf__optimizer__learning_rate``).""",
    "training": """\
validation_split : float in [0, 1), default=0.0
    Fraction of the training data held out to report ``val_loss`` and
    ``val_accuracy`` in ``history_`` each epoch. Unlike Keras' last-rows
    split, the hold-out is stratified by class and drawn from
    ``random_state`` (it falls back to an unstratified split when a class
    has too few samples to stratify).
early_stopping : bool, default=False
    Stop when the validation accuracy (MLPClassifier's validation
    score) has not improved for ``n_iter_no_change`` epochs, and restore
    the weights of the best epoch. Needs a hold-out: if
    ``validation_split`` is 0, 10% is held out (MLPClassifier's
    ``validation_fraction`` default).
n_iter_no_change : int, default=10
    Patience of ``early_stopping``, in epochs.
shuffle : bool, default=True
    Reshuffle the training data before each epoch.
steps_per_execution : int, default=32
    Training batches per call into the compiled training step, which
    loops over them inside the graph (with XLA, inside one compiled
    loop). The results are the same as with 1 (the same batches, in the
    same order); only the overhead between batches goes (see the
    benchmarks). Keras' progress bar and batch-level callbacks count
    these calls, not batches.""",
    "run": """\
class_weight : dict, "balanced" or None, default=None
    Weights per class, multiplied into ``sample_weight``.
callbacks : list of keras.callbacks.Callback, default=None
    Extra Keras callbacks for ``fit``.
tensorboard_log_dir : str or path-like, default=None
    If set, every ``fit`` logs to TensorBoard in a new run directory
    under it (``tensorboard_run_dir_``), so that the fits of a
    cross-validation or a search never write into each other's logs:
    each epoch's loss, accuracy and learning rate (as scalars that
    ``EventAccumulator.Scalars()`` reads) and the network's graph.
tensorboard_histogram_freq : int, default=0
    With ``tensorboard_log_dir``, also log a histogram of every weight
    each this many epochs (0: none), as Keras' ``histogram_freq``.
warm_start : bool, default=False
    Continue training the current network on ``fit`` instead of
    building a new one.
contamination : float in (0, 1), default=0.01
    The share of garments that :func:`~skfashion.is_outlier` flags: each
    fit sets ``offset_`` so that this share of held-out training images
    (the validation hold-out, or training images kept out of
    ``score_samples``' references) scores below it. As in
    IsolationForest and LocalOutlierFactor, it sets ``offset_``;
    ``predict`` is unchanged by it.
random_state : int, RandomState instance or None, default=None
    Seeds the weight initialisation, dropout, shuffling and the
    validation split. An int makes ``fit`` reproducible: two fits on the
    same data give identical weights and predictions (on CPU). Seeds are
    passed to each random operation, so no global NumPy, Python,
    TensorFlow or Keras random state is set or left changed. None draws
    the seeds from NumPy's global random state, as scikit-learn does.
verbose : int, default=0
    Keras' training output: 0 silent, 1 progress bar, 2 one line per
    epoch. Prediction is always silent.""",
}


def shared_parameter_docs(cls):
    """Class decorator: fill the ``{shared:GROUP}`` lines of ``cls.__doc__``."""
    doc = cls.__doc__
    for group, text in _GROUPS.items():
        doc = doc.replace("    {shared:" + group + "}", textwrap.indent(text, "    "))
    if "{shared:" in doc:
        raise ValueError(f"{cls.__name__}'s docstring names an unknown group.")
    cls.__doc__ = doc
    return cls
