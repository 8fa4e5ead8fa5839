"""
Saving, reloading in a new process, and proving the model is the same
=====================================================================

:func:`~skfashion.save_model` writes atomically a file that holds data only:
a JSON manifest (the pipeline's steps, their parameters, each array's
SHA-256) and the network's arrays as ``.npy``. :func:`~skfashion.load_model`
rebuilds the pipeline with skfashion's own code and runs nothing from the
file, so model files are safe to share. :func:`~skfashion.compare_models`
then proves the reloaded model identical: class, parameters, structure,
optimizer, classes, and every weight and optimizer array bit for bit.

The documentation builds this page in quick mode (3,000 images, 1 epoch);
the script's full run trains on all 60,000 for 15 epochs.
"""

# %%
import os
import subprocess
import sys

from matplotlib.figure import Figure

from skfashion import (
    compare_models,
    fetch_fashion_mnist,
    load_model,
    make_fashion_pipeline,
    read_manifest,
    save_model,
)

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")

train = fetch_fashion_mnist(subset="train")
test = fetch_fashion_mnist(subset="test")
n = 3000 if QUICK else len(train.target)
model = make_fashion_pipeline(epochs=1 if QUICK else 15, random_state=0)
model.fit(train.data[:n], train.target[:n])
accuracy = model.score(test.data, test.target)
path = save_model(model, os.path.join(OUT, "fashion.skf"), test_score=accuracy)
manifest = read_manifest(path)
print([(step["name"], step["type"]) for step in manifest["steps"]])
print(len(manifest["arrays"]), "arrays, e.g.", next(iter(manifest["arrays"].values())))

# %%
# A new Python process loads the file and scores it: the same accuracy, to
# the last digit.
code = (
    "from skfashion import load_model, fetch_fashion_mnist;"
    "X, y = fetch_fashion_mnist(subset='test', return_X_y=True);"
    f"print(repr(load_model({str(path)!r}).score(X, y)))"
)
other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
print("this process:", repr(accuracy), " new process:", other.stdout.strip())

# %%
# Field by field, in this process.
report = compare_models(model, load_model(path), test.data[:1000])
print(report)
assert report.identical

# %%
fig = Figure(figsize=(6, 3), layout="constrained")
ax = fig.subplots()
ax.axis("off")
ax.text(0, 1, str(report), family="monospace", va="top", fontsize=8)
fig.savefig(os.path.join(OUT, "persistence_report.png"))
