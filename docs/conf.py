"""Sphinx configuration for skfashion's documentation."""

import os
import shutil
import sys
from pathlib import Path

import skfashion

sys.path.insert(0, str(Path(__file__).parent))  # gallery_scraper
# autosummary regenerates these pages but never deletes stale ones.
shutil.rmtree(Path(__file__).parent / "generated", ignore_errors=True)

project = "skfashion"
author = "skfashion developers"
copyright = "2026, skfashion developers"
release = version = skfashion.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's generated metadata-routing setters, documented upstream.
    "exclude-members": "set_fit_request,set_partial_fit_request,"
    "set_predict_request,set_predict_proba_request,set_score_request,"
    "set_transform_request",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "pydata_sphinx_theme"
html_title = "skfashion"
html_static_path = ["_static"]
# results.rst is included by performance.rst, not a page of its own.
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "results.rst",
]
# No network when building: cross-references to other projects stay plain text.
intersphinx_mapping = {}
nitpicky = False

# The gallery runs every example in quick mode (subsampled, 1-2 epochs), so
# building the docs never trains a full model; each page says so. ``make
# docs-full`` sets SKFASHION_QUICK=0 for the full runs (not timed).
os.environ.setdefault("SKFASHION_QUICK", "1")
# TensorFlow's C++ log lines are not documentation (skfashion filters only
# those it writes while it loads).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_gallery_out = Path(__file__).parent / "_build" / "gallery_files"
_gallery_out.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SKFASHION_EXAMPLE_OUT", str(_gallery_out))


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "image_scrapers": ("gallery_scraper.figure_scraper",),
    "download_all_examples": False,
    "plot_gallery": "True",
    "remove_config_comments": True,
}
