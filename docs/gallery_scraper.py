"""A sphinx-gallery image scraper for skfashion's examples.

The examples build :class:`matplotlib.figure.Figure` objects directly, never
through pyplot, so sphinx-gallery's matplotlib scraper (which asks pyplot for
open figures) sees none. This one collects the Figures a cell created.
"""

from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst


def figure_scraper(block, block_vars, gallery_conf):
    seen = block_vars.setdefault("_skfashion_seen", set())
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and id(value) not in seen:
            seen.add(id(value))
            path = next(block_vars["image_path_iterator"])
            value.savefig(path, dpi=80)
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
