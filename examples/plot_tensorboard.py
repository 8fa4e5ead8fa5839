"""
Logging to TensorBoard, one run directory per fit
=================================================

With ``tensorboard_log_dir`` every ``fit`` logs loss and accuracy for
training and validation in a new run directory (``tensorboard_run_dir_``),
so the five fits of a cross-validation never write into each other's logs.
View them with ``tensorboard --logdir logs``; here we read them back. The
documentation builds this page in quick mode (1,500 images, 2 epochs); the
script's full run uses 20,000 images and 10 epochs.
"""

# %%
import os

from matplotlib.figure import Figure
from sklearn.model_selection import cross_val_score
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

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
# Validation accuracy of each cross-validation fit, read back with
# TensorBoard's own reader. Each run also holds the network's graph (the
# Graphs tab); ``tensorboard_histogram_freq=1`` would add weight histograms.
fig = Figure(figsize=(6, 3.5), layout="constrained")
ax = fig.subplots()
for run in runs:
    events = EventAccumulator(os.path.join(LOGS, run, "validation")).Reload()
    points = events.Scalars("epoch_accuracy")
    epochs, values = [p.step + 1 for p in points], [p.value for p in points]
    ax.plot(epochs, values, "o-", label=run[-8:])
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.legend(title="run")
fig.savefig(os.path.join(OUT, "tensorboard_runs.png"))
