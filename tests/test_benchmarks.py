"""benchmarks/run.py's bookkeeping: which sections run, which are kept, and
what a failing section leaves behind (on stand-in sections, no measurement)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).parents[1] / "benchmarks" / "run.py"


@pytest.fixture
def run(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("_bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls = []

    def section(name):
        def bench(quick):
            calls.append(name)
            if name == "broken":
                raise RuntimeError("section failed")
            return {"value": name}

        return bench

    names = ["training", "predict", "peers", "long_one"]
    monkeypatch.setattr(module, "BENCHES", {n: section(n) for n in names})
    monkeypatch.setattr(module, "LONG", ("long_one",))
    monkeypatch.setattr(module, "HERE", tmp_path)
    monkeypatch.setattr(module, "_machine", lambda: {"date": "today", "cpu": "this"})
    monkeypatch.setattr(module, "_markdown", lambda results, quick: "tables\n")
    module.calls, module.section = calls, section
    return module


def _results(run) -> dict:
    return json.loads((run.HERE / "results" / "results.json").read_text())


def test_long_sections_are_kept_from_the_last_run_unless_asked_for(run):
    run.main(["--long"])
    assert run.calls == ["training", "predict", "peers", "long_one"]
    assert _results(run)["rerun"] == {}
    run.calls.clear()
    run._machine = lambda: {"date": "later", "cpu": "another"}
    run.main([])
    assert run.calls == ["training", "predict", "peers"]
    results = _results(run)
    assert results["long_one"] == {"value": "long_one"}
    assert results["rerun"] == {"long_one": {"date": "today", "cpu": "this"}}
    assert set(results["section_s"]) == {"training", "predict", "peers"}
    assert (run.HERE / "results" / "RESULTS.md").read_text() == "tables\n"


def test_a_failing_section_keeps_the_sections_before_it(run):
    run.BENCHES["broken"] = run.section("broken")
    with pytest.raises(RuntimeError, match="section failed"):
        run.main([])
    results = _results(run)
    assert [n for n in run.BENCHES if n in results] == ["training", "predict", "peers"]
    assert not (run.HERE / "results" / "RESULTS.md").exists()


def test_sweep_through_the_estimator_scores_with_and_without_flips(tmp_path):
    candidates = tmp_path / "candidates.json"
    params = {"filters": [4], "hidden_layer_sizes": [], "epochs": 1, "augment": True}
    candidates.write_text(
        json.dumps([{"name": "tiny", "model": "cnn", "params": params}])
    )
    out = tmp_path / "out.jsonl"
    sweep = RUN.parent / "sweep.py"
    subprocess.run(
        [sys.executable, str(sweep), str(candidates), "--out", str(out), "--estimator"],
        check=True,
        env={**os.environ, "SWEEP_SMALL": "1"},
        capture_output=True,
        timeout=600,
    )
    (result,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert "error" not in result, result.get("error")
    assert result["n_train"] == 512 and result["epochs"] == 1
    assert (
        0.1 < result["test_accuracy"] <= 1 and 0.1 < result["test_accuracy_flips"] <= 1
    )
    assert result["test_accuracy_flips"] != result["test_accuracy"]
    assert result["parameters"] == 4 * 9 + 4 * 4 + 14 * 14 * 4 * 10 + 10
