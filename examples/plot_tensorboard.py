"""
Logging to TensorBoard, one run directory per fit
=================================================

With ``tensorboard_log_dir`` every ``fit`` logs loss and accuracy for
training and validation in a new run directory (``tensorboard_run_dir_``),
so the five fits of a cross-validation never write into each other's logs.
View them with ``tensorboard --logdir logs``; here we read them back.
"""

# %%
import os

import tensorflow as tf
from matplotlib.figure import Figure
from sklearn.model_selection import cross_val_score

from skfashion import fetch_fashion_mnist, make_fashion_pipeline

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")
LOGS = os.path.join(OUT, "logs")

X, y = fetch_fashion_mnist(subset="train", return_X_y=True)
X, y = (X[:1500], y[:1500]) if QUICK else (X[:20000], y[:20000])
pipeline = make_fashion_pipeline(
    epochs=2 if QUICK else 10,
    validation_split=0.1,
    tensorboard_log_dir=LOGS,
    random_state=0,
)
cross_val_score(pipeline, X, y, cv=3)
runs = sorted(os.listdir(LOGS))
print(len(runs), "runs:", runs)

# %%
# Validation accuracy of each cross-validation fit, read from its events.
fig = Figure(figsize=(6, 3.5), layout="constrained")
ax = fig.subplots()
for run in runs:
    folder = os.path.join(LOGS, run, "validation")
    points = []
    for name in os.listdir(folder):
        for event in tf.compat.v1.train.summary_iterator(os.path.join(folder, name)):
            for value in event.summary.value:
                if value.tag == "epoch_accuracy":
                    points.append((event.step, float(tf.make_ndarray(value.tensor))))
    steps, values = zip(*sorted(points), strict=True)
    ax.plot([s + 1 for s in steps], values, "o-", label=run[-8:])
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.legend(title="run")
fig.savefig(os.path.join(OUT, "tensorboard_runs.png"))
