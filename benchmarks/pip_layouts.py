"""What pip does to a user's TensorFlow under each dependency layout.

Builds stand-in wheels (no code, the real names, versions and extras:
``tensorflow`` with its ``and-cuda`` extra, ``tensorflow-cpu``, ``jax``,
and two releases and a source checkout of ``skfashion`` declaring each
layout's requirements) in a temporary folder,
then replays what users run, each in a fresh virtual environment, with
``pip install --no-index``: the resolver's behaviour is all that is tested,
so nothing else is downloaded (setuptools, which builds the stand-in
checkout, comes from pip's index). Results to
``benchmarks/results/pip_layouts.json``
(docs/decisions: the TensorFlow dependency).

Usage: python benchmarks/pip_layouts.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
OTHER = "sys_platform != 'linux' or platform_machine != 'x86_64'"
JAX = {"jax": ["jax>=0.10.2"]}
# Each layout: skfashion's requirements, its extras, and the steps its install
# page gives a CPU user and a TensorFlow GPU user.
LAYOUTS = {
    "tensorflow-cpu on Linux x86-64 (before)": {
        "requires": [
            f"tensorflow-cpu>=2.21; {LINUX_X86}",
            f"tensorflow>=2.21; {OTHER}",
        ],
        "extras": JAX,
        "cpu": ["install skfashion==0.1.0"],
        "gpu": [
            "install skfashion==0.1.0",
            "uninstall -y tensorflow-cpu",
            "install tensorflow[and-cuda]==2.21.0",
        ],
    },
    "tensorflow everywhere": {
        "requires": ["tensorflow>=2.21"],
        "extras": JAX,
        "cpu": ["install skfashion==0.1.0"],
        "gpu": ["install skfashion==0.1.0 tensorflow[and-cuda]==2.21.0"],
    },
    "the backend as an extra (now)": {
        "requires": [],
        "extras": {
            **JAX,
            "tensorflow": [
                f"tensorflow-cpu>=2.21; {LINUX_X86}",
                f"tensorflow>=2.21; {OTHER}",
            ],
            "tensorflow-cuda": ["tensorflow[and-cuda]>=2.21; sys_platform == 'linux'"],
        },
        "cpu": ["install skfashion[tensorflow]==0.1.0"],
        "gpu": ["install skfashion[tensorflow-cuda]==0.1.0"],
    },
}
# What each user runs, in order, in a fresh environment: "cpu" and "gpu" stand
# for the layout's own steps; CHECKOUT for a source tree of skfashion 0.1.1.
CHECKOUT = "{checkout}"
SCENARIOS = {
    "CPU user": ["cpu"],
    "CPU user, then an upgrade": ["cpu", "install -U skfashion"],
    "TensorFlow GPU user": ["gpu"],
    "TensorFlow GPU user, then an upgrade": ["gpu", "install -U skfashion"],
    "TensorFlow GPU user, then a checkout": ["gpu", f"install -e {CHECKOUT}"],
    "GPU TensorFlow first, then skfashion": [
        "install tensorflow[and-cuda]==2.21.0",
        "install skfashion==0.1.0",
    ],
    "JAX user": ["install skfashion[jax]==0.1.0"],
}


def _requirement(requirement: str, extra: str) -> str:
    """``requirement`` asked for only with ``extra`` (its own marker kept)."""
    spec, _, marker = requirement.partition(";")
    marker = f"({marker.strip()}) and " if marker else ""
    return f"{spec.strip()}; {marker}extra == '{extra}'"


def _wheel(folder: Path, name: str, version: str, requires=(), extras=None) -> None:
    """A pure wheel named ``name`` holding one file, ``<name>_stand_in.txt``."""
    dist = f"{name.replace('-', '_')}-{version}"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    for extra, needs in (extras or {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f"Requires-Dist: {_requirement(r, extra)}" for r in needs]
    files = {
        f"{name.replace('-', '_')}_stand_in.txt": name,
        f"{dist}.dist-info/METADATA": "\n".join(metadata) + "\n",
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: stand-in\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = hashlib.sha256(text.encode()).digest()
        b64 = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        record.append(f"{path},sha256={b64},{len(text.encode())}")
    record.append(f"{dist}.dist-info/RECORD,,")
    files[f"{dist}.dist-info/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)


def _installed(python: Path) -> list[str]:
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    keep = ("tensorflow", "nvidia", "skfashion", "jax")
    return sorted(
        f"{p['name']} {p['version']}"
        for p in json.loads(out.stdout)
        if p["name"].startswith(keep)
    )


def _checkout(folder: Path, layout: dict) -> Path:
    """A source tree of skfashion 0.1.1 declaring ``layout``'s dependencies."""
    folder.mkdir()
    (folder / "skfashion_stand_in.py").write_text("")
    extras = {
        extra: [json.dumps(r) for r in needs]
        for extra, needs in layout["extras"].items()
    }
    lines = [
        "[build-system]",
        'requires = ["setuptools>=64"]',
        'build-backend = "setuptools.build_meta"',
        "[project]",
        'name = "skfashion"',
        'version = "0.1.1"',
        f"dependencies = [{', '.join(json.dumps(r) for r in layout['requires'])}]",
        "[project.optional-dependencies]",
        *(f'"{extra}" = [{", ".join(needs)}]' for extra, needs in extras.items()),
        "[tool.setuptools]",
        'py-modules = ["skfashion_stand_in"]',
    ]
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return folder


def _steps(layout: dict, scenario: list[str], checkout: Path) -> list[str]:
    steps = []
    for step in scenario:
        steps += layout[step] if step in ("cpu", "gpu") else [step]
    return [step.replace(CHECKOUT, str(checkout)) for step in steps]


def main() -> None:
    results, pip_version = [], None
    build = tempfile.TemporaryDirectory()
    # The checkout's build backend, the one real wheel (from pip's index),
    # downloaded once for every layout.
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "-q", "--no-deps"),
            *("-d", build.name, "setuptools>=77"),
        ],
        check=True,
    )
    for name, layout in LAYOUTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            wheels = Path(tmp) / "wheels"
            wheels.mkdir()
            cuda = ["nvidia-cudnn-cu12==9.3.0"]
            _wheel(wheels, "tensorflow", "2.21.0", extras={"and-cuda": cuda})
            _wheel(wheels, "tensorflow-cpu", "2.21.0")
            _wheel(wheels, "nvidia-cudnn-cu12", "9.3.0")
            _wheel(wheels, "jax", "0.10.2")
            for version in ("0.1.0", "0.1.1"):
                _wheel(
                    wheels, "skfashion", version, layout["requires"], layout["extras"]
                )
            checkout = _checkout(Path(tmp) / "checkout", layout)
            for scenario, template in SCENARIOS.items():
                steps = _steps(layout, template, checkout)
                env = Path(tmp) / "env"
                venv.create(env, with_pip=True, clear=True)
                python = env / "bin" / "python"
                for step in steps:
                    command, *args = step.split()
                    pip = [str(python), "-m", "pip", command, "-q", *args]
                    if command == "install":
                        pip += ["--no-index", "--find-links", str(wheels)]
                        pip += ["--find-links", build.name]
                    subprocess.run(pip, check=True, capture_output=True)
                installed = _installed(python)
                pip_version = subprocess.run(
                    [str(python), "-m", "pip", "--version"],
                    capture_output=True,
                    text=True,
                ).stdout.split()[1]
                names = {p.split()[0] for p in installed}
                results.append(
                    {
                        "layout": name,
                        "scenario": scenario,
                        "steps": [
                            s.replace(str(checkout), "<checkout>") for s in steps
                        ],
                        "installed": installed,
                        "both_tensorflows": {"tensorflow", "tensorflow-cpu"} <= names,
                        "tensorflow_gpu_kept": "GPU" not in scenario
                        or ("tensorflow" in names and "tensorflow-cpu" not in names),
                    }
                )
                print(f"{name} | {scenario}: {', '.join(installed)}", flush=True)
    build.cleanup()
    path = HERE / "results" / "pip_layouts.json"
    path.write_text(json.dumps({"pip": pip_version, "runs": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
