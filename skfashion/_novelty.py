"""How typical an image is of the training images: ``score_samples``' statistics.

Two views of an image, each standardised on held-out training images (0 at
their median; -1 at their 1% quantile for the network's view, at their
least typical image for the pixels'), and the lower of the two is the
score (see docs/decisions: strangers):

- the network's view: the cosine similarity of the image's last hidden
  features to their ``K``-th nearest neighbour among those of up to
  ``REFERENCE_ROWS`` training images (deep nearest neighbours, Sun et al.
  2022), in the references' first ``PROJECTED_DIMS`` principal directions.
  It places digits and other strangers far from every garment.
- the pixels' view: the log-likelihood of the pixels under one Gaussian
  with a diagonal covariance, fitted on the same images. Noise, which the
  network maps onto garments' features, is nothing like them here.

Scores are computed in float64 from the network's batch-invariant float32
features: a row's score depends on its batch only through float64 rounding.
"""

from __future__ import annotations

import numpy as np

REFERENCE_ROWS = 5000
CALIBRATION_ROWS = 5000
K = 5
# Features are compared in this many principal directions of the references:
# the default CNN's exported graph reads a quarter of the references' floats
# per image, for 0.001 of its AUROC on digits (docs/decisions: strangers).
PROJECTED_DIMS = 64
# Rows scored at once: their similarities, 256 x 5000 float64, take 10 MiB.
_CHUNK = 256
# Pixel variance floor: garments' border pixels are 0 in nearly every image.
_MIN_VARIANCE = 1e-4


def _normalise(features: np.ndarray) -> np.ndarray:
    features = features.astype(np.float64)
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


def _principal_directions(unit: np.ndarray) -> dict[str, np.ndarray]:
    """The mean of the unit features ``unit`` and their first
    ``PROJECTED_DIMS`` principal directions, as columns (zero columns where
    there are fewer rows than directions)."""
    mean = unit.mean(axis=0)
    n_dims = min(PROJECTED_DIMS, unit.shape[1])
    directions = np.linalg.svd(unit - mean, full_matrices=False)[2][:n_dims].T
    projection = np.zeros((unit.shape[1], n_dims))
    projection[:, : directions.shape[1]] = directions
    return {"feature_mean": mean, "projection": projection}


def _project(state: dict, features: np.ndarray) -> np.ndarray:
    """Unit features in the references' principal directions, unit again."""
    centred = _normalise(features) - state["feature_mean"]
    return _normalise(centred @ state["projection"])


def _views(state: dict, features: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """Each row's (network, pixels) typicality, unstandardised: shape (n, 2)."""
    references = state["references"].astype(np.float64)
    k = min(K, len(references))
    views = np.empty((len(features), 2))
    for start in range(0, len(features), _CHUNK):
        rows = slice(start, start + _CHUNK)
        similarity = _project(state, features[rows]) @ references.T
        # The k-th largest similarity, without sorting every row.
        views[rows, 0] = -np.partition(-similarity, k - 1, axis=1)[:, k - 1]
        diff = pixels[rows] - state["pixel_mean"]  # float64
        views[rows, 1] = -0.5 * np.einsum(
            "nd,d,nd->n", diff, 1 / state["pixel_variance"], diff
        )
    return views


def score(state: dict, features: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """``score_samples``: the lower of the two standardised views, per row."""
    return _lower_standardised(state, _views(state, features, pixels))


def _lower_standardised(state: dict, views: np.ndarray) -> np.ndarray:
    return ((views - state["centre"]) / state["scale"]).min(axis=1)


def fit(
    reference_features: np.ndarray,
    reference_pixels: np.ndarray,
    held_out_features: np.ndarray,
    held_out_pixels: np.ndarray,
    contamination: float,
) -> tuple[dict, float]:
    """The statistics of the reference images, and the offset below which
    ``contamination`` of the held-out images score.

    Returns the statistics (float arrays only, as a model file stores them)
    and the offset.
    """
    state = _principal_directions(_normalise(reference_features))
    state |= {
        "references": _project(state, reference_features).astype(np.float32),
        "pixel_mean": reference_pixels.mean(axis=0, dtype=np.float64),
        "pixel_variance": np.maximum(
            reference_pixels.var(axis=0, dtype=np.float64), _MIN_VARIANCE
        ),
    }
    views = _views(state, held_out_features, held_out_pixels)
    # Units: the network's view, its median's distance to its 1% quantile;
    # the pixels', to the least typical held-out image, so that it speaks
    # only for images beyond every garment's pixels (its tail is heavy:
    # measured, a shared unit lost digits' AUROC; docs/decisions: strangers).
    centre = np.quantile(views, 0.5, axis=0)
    low = np.array([np.quantile(views[:, 0], 0.01), views[:, 1].min()])
    state["centre"] = centre
    state["scale"] = np.maximum(centre - low, 1e-12)
    offset = float(np.quantile(_lower_standardised(state, views), contamination))
    return state, offset


def split(n_rows: int, held_out: np.ndarray | None, seed: int):
    """Row indices of the reference and the held-out images for :func:`fit`.

    ``held_out``: the fit's validation rows, if any (images the network did
    not train on); otherwise up to ``CALIBRATION_ROWS`` training rows are
    kept out of the references. With a single row, it serves as both.
    """
    rng = np.random.RandomState(seed)
    order = rng.permutation(n_rows)
    if held_out is not None and len(held_out):
        calibration = rng.permutation(held_out)[:CALIBRATION_ROWS]
        order = np.setdiff1d(order, held_out, assume_unique=True)
        order = order[rng.permutation(len(order))]
    else:
        n_cal = min(CALIBRATION_ROWS, n_rows // 5) or min(1, n_rows)
        calibration, order = order[:n_cal], order[n_cal:]
    references = order[:REFERENCE_ROWS]
    if len(references) == 0:
        references = calibration
    return np.sort(references), np.sort(calibration)


def shapes(n_references: int | None, n_hidden: int, n_features: int) -> dict:
    """Each statistic's shape and dtype, for the model-file reader to check
    (``n_references=None``: the count the file holds)."""
    return {
        "feature_mean": ((n_hidden,), np.float64),
        "projection": ((n_hidden, min(PROJECTED_DIMS, n_hidden)), np.float64),
        "references": ((n_references, min(PROJECTED_DIMS, n_hidden)), np.float32),
        "pixel_mean": ((n_features,), np.float64),
        "pixel_variance": ((n_features,), np.float64),
        "centre": ((2,), np.float64),
        "scale": ((2,), np.float64),
    }
