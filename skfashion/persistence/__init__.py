"""Saving, loading, verifying and exporting fitted models.

A model file (format 1) is a ZIP archive that holds data only::

    manifest.json      format, versions, each step's type, parameters and
                       fitted attributes as JSON, each array's SHA-256,
                       shape and dtype
    arrays/0.npy ...   the networks' variables and optimizer state, in NumPy's
                       .npy format (numbers only; read with allow_pickle=False)

:func:`load_model` rebuilds the estimator with skfashion's own code from an
allow-list of step types (``ImageScaler``, ``FashionMLPClassifier``,
``FashionCNNClassifier``); nothing in the file names a module, class or
function that gets imported or called, so a file from anyone is safe to load.
Files that need pickle (joblib files) are refused unless the caller opts in
with ``allow_pickle=True``.

The writer (``_write``), the reader (``_read``), what both share
(``_format``), model comparison (``compare``) and Keras export (``export``)
each have a module.
"""

from ._format import FORMAT_VERSION, ModelFileError, ModelVersionWarning
from ._read import load_model, read_manifest
from ._write import save_model
from .compare import ModelComparison, compare_models
from .export import export_keras

__all__ = [
    "FORMAT_VERSION",
    "ModelComparison",
    "ModelFileError",
    "ModelVersionWarning",
    "compare_models",
    "export_keras",
    "load_model",
    "read_manifest",
    "save_model",
]
