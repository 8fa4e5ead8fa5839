"""skfashion tune: grid search over the pipeline's parameters."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import _common

HELP = "grid search over the pipeline's parameters"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the command's options to its parser ``p``."""
    grid = p.add_mutually_exclusive_group(required=True)
    grid.add_argument(
        "--grid", help="JSON, e.g. '{\"clf__dropout\": [0, 0.2]}' (lists as tuples)"
    )
    grid.add_argument("--grid-file", help="a JSON file holding the grid")
    _common.add_model_options(p)
    p.add_argument("--cv", type=_common.positive_int, default=3, help="number of folds")
    p.add_argument(
        "--n-jobs",
        type=int,
        default=1,
        help="parallel fits of each candidate's folds, one candidate after the "
        "other so that each one's score prints as it ends (with --quiet, of all "
        "candidates' folds at once); -1: one per core",
    )
    p.add_argument(
        "--output-dir",
        default="output",
        help=f"where tune_results.csv and {_common.TUNE_MODEL_FILE} (the best "
        "candidate, refitted) go",
    )
    _common.add_force(p)


def run(args) -> None:
    import csv

    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from ..classifier import make_fashion_pipeline
    from ..datasets import fetch_fashion_mnist, stratified_subsample
    from ..persistence import save_model

    grid = _parse_grid(args)
    out = Path(args.output_dir)
    files = [out / "tune_results.csv", out / _common.TUNE_MODEL_FILE]
    _common.check_free(args, *files)
    model, params = _common.model_and_params(args)
    pipeline = make_fashion_pipeline(model, **params, random_state=args.random_state)
    valid = pipeline.get_params()
    unknown = [k for k in grid if k not in valid]
    if unknown:
        raise _common.CLIError(
            f"unknown parameters {unknown}; searchable ones start with 'clf__', "
            "e.g. clf__hidden_layer_sizes, clf__optimizer__learning_rate"
        )
    train = fetch_fashion_mnist(subset="train")
    X, y = stratified_subsample(
        train.data, train.target, args.max_samples, random_state=args.random_state
    )
    n_candidates = _common.check_buildable(pipeline, X, y, grid)
    _common.say(
        args,
        f"Searching {n_candidates} candidates x {args.cv} folds on {len(y):,} images",
    )
    cv = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    search_class = GridSearchCV if args.quiet else _reporting_grid_search()
    search = search_class(pipeline, grid, cv=cv, n_jobs=args.n_jobs)
    search.fit(X, y)
    results = search.cv_results_
    order = sorted(
        range(len(results["params"])), key=lambda i: results["rank_test_score"][i]
    )
    out.mkdir(parents=True, exist_ok=True)
    with files[0].open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["rank", "mean_test_score", "std_test_score", "mean_fit_time", "params"]
        )
        for i in order:
            print(
                f"{results['rank_test_score'][i]:>3}  "
                f"{results['mean_test_score'][i]:.4f} ± "
                f"{results['std_test_score'][i]:.4f}  {results['params'][i]}"
            )
            writer.writerow(
                [
                    results["rank_test_score"][i],
                    f"{results['mean_test_score'][i]:.6f}",
                    f"{results['std_test_score'][i]:.6f}",
                    f"{results['mean_fit_time'][i]:.3f}",
                    json.dumps(results["params"][i]),
                ]
            )
    save_model(search.best_estimator_, files[1], test_score=None)
    print(f"best: {search.best_params_}")
    _common.wrote(files)


def _parse_grid(args) -> dict:
    text = args.grid
    if args.grid_file:
        path = Path(args.grid_file)
        if not path.is_file():
            raise _common.CLIError(f"grid file not found: {path}")
        text = path.read_text()
    try:
        grid = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _common.CLIError(f"the grid is not valid JSON: {exc}") from exc
    if not isinstance(grid, dict) or not all(
        isinstance(v, list) and v for v in grid.values()
    ):
        raise _common.CLIError(
            "the grid must be a JSON object of non-empty lists, e.g. "
            '{"clf__hidden_layer_sizes": [[256], [512, 256, 128]]}'
        )
    return {
        key: [tuple(v) if isinstance(v, list) else v for v in values]
        for key, values in grid.items()
    }


def _reporting_grid_search():
    """GridSearchCV that prints each candidate's score as soon as it has one.

    ``_run_search`` is scikit-learn's hook for the order of candidates (the
    successive-halving searches use it); candidates go one at a time, each
    candidate's folds still in parallel with ``n_jobs``.
    """
    from sklearn.model_selection import GridSearchCV, ParameterGrid

    class ReportingGridSearch(GridSearchCV):
        def _run_search(self, evaluate_candidates):
            candidates = list(ParameterGrid(self.param_grid))
            for i, params in enumerate(candidates, 1):
                results = evaluate_candidates([params])
                print(
                    f"candidate {i}/{len(candidates)}: "
                    f"{results['mean_test_score'][-1]:.4f} ± "
                    f"{results['std_test_score'][-1]:.4f} "
                    f"({results['mean_fit_time'][-1]:.1f} s per fit)  {params}",
                    flush=True,
                )

    return ReportingGridSearch
