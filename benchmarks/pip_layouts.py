"""What pip does to a user's TensorFlow under each dependency layout.

Builds stand-in wheels (no code, the real names, versions and extras:
``tensorflow`` with its ``and-cuda`` extra, ``tensorflow-cpu``, and two
releases of ``skfashion`` requiring one or the other) in a temporary folder,
then replays what users run, each in a fresh virtual environment, with
``pip install --no-index``: the resolver's behaviour is all that is tested,
so nothing is downloaded. Results to ``benchmarks/results/pip_layouts.json``
(docs/decisions: the TensorFlow dependency).

Usage: python benchmarks/pip_layouts.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import tempfile
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
OTHER = "sys_platform != 'linux' or platform_machine != 'x86_64'"
LAYOUTS = {
    "tensorflow-cpu on Linux x86-64 (before)": [
        f"tensorflow-cpu>=2.21; {LINUX_X86}",
        f"tensorflow>=2.21; {OTHER}",
    ],
    "tensorflow everywhere": ["tensorflow>=2.21"],
}
# What each user runs, in order, in a fresh environment.
SCENARIOS = {
    "new user": ["install skfashion==0.1.0"],
    "GPU user, then skfashion": [
        "install tensorflow[and-cuda]==2.21.0",
        "install skfashion==0.1.0",
    ],
    "GPU user, then an upgrade": [
        "install tensorflow[and-cuda]==2.21.0",
        "install skfashion==0.1.0",
        "install -U skfashion",
    ],
    "README's GPU swap, then an upgrade": [
        "install skfashion==0.1.0",
        "uninstall -y tensorflow-cpu",
        "install tensorflow[and-cuda]==2.21.0",
        "install -U skfashion",
    ],
}


def _wheel(folder: Path, name: str, version: str, requires=(), extras=None) -> None:
    """A pure wheel named ``name`` holding one file, ``<name>_stand_in.txt``."""
    dist = f"{name.replace('-', '_')}-{version}"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    for extra, needs in (extras or {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f"Requires-Dist: {r}; extra == '{extra}'" for r in needs]
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
    keep = ("tensorflow", "nvidia", "skfashion")
    return sorted(
        f"{p['name']} {p['version']}"
        for p in json.loads(out.stdout)
        if p["name"].startswith(keep)
    )


def main() -> None:
    results, pip_version = [], None
    for layout, requires in LAYOUTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            wheels = Path(tmp) / "wheels"
            wheels.mkdir()
            cuda = ["nvidia-cudnn-cu12==9.3.0"]
            _wheel(wheels, "tensorflow", "2.21.0", extras={"and-cuda": cuda})
            _wheel(wheels, "tensorflow-cpu", "2.21.0")
            _wheel(wheels, "nvidia-cudnn-cu12", "9.3.0")
            for version in ("0.1.0", "0.1.1"):
                _wheel(wheels, "skfashion", version, requires)
            for scenario, steps in SCENARIOS.items():
                env = Path(tmp) / "env"
                venv.create(env, with_pip=True, clear=True)
                python = env / "bin" / "python"
                for step in steps:
                    command, *args = step.split()
                    pip = [str(python), "-m", "pip", command, "-q", *args]
                    if command == "install":
                        pip += ["--no-index", "--find-links", str(wheels)]
                    subprocess.run(pip, check=True, capture_output=True)
                installed = _installed(python)
                pip_version = subprocess.run(
                    [str(python), "-m", "pip", "--version"],
                    capture_output=True,
                    text=True,
                ).stdout.split()[1]
                both = {"tensorflow", "tensorflow-cpu"} <= {
                    p.split()[0] for p in installed
                }
                results.append(
                    {
                        "layout": layout,
                        "scenario": scenario,
                        "steps": steps,
                        "installed": installed,
                        "both_tensorflows": both,
                    }
                )
                print(f"{layout} | {scenario}: {', '.join(installed)}", flush=True)
    path = HERE / "results" / "pip_layouts.json"
    path.write_text(json.dumps({"pip": pip_version, "runs": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
