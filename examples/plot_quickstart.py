"""
Quick start: train the design's network and look at its predictions
====================================================================

Load Fashion-MNIST, fit :func:`skfashion.make_fashion_pipeline` (pixel
scaling, then the 512-256-128 MLP), score it on the test set and show a few
test images with their predicted labels.

Set ``SKFASHION_QUICK=1`` to train on 3,000 images for 2 epochs (seconds).
"""

# %%
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from skfashion import CLASS_NAMES, fetch_fashion_mnist, make_fashion_pipeline

quick = os.environ.get("SKFASHION_QUICK") == "1"
train = fetch_fashion_mnist(subset="train")
test = fetch_fashion_mnist(subset="test")
X_train, y_train = train.data, train.target
if quick:
    X_train, y_train = X_train[:3000], y_train[:3000]

# %%
# Train: 15 epochs, batch size 32, Adam (about 2 minutes on 2 CPU cores).
pipeline = make_fashion_pipeline(
    epochs=2 if quick else 15, validation_split=0.1, random_state=0
)
pipeline.fit(X_train, y_train)
print(f"test accuracy: {pipeline.score(test.data, test.target):.4f}")

# %%
# Predictions on the first 12 test images; wrong ones in red.
predicted = pipeline.predict(test.data[:12])
fig, axes = plt.subplots(2, 6, figsize=(10, 4))
shown = zip(axes.flat, test.images[:12], predicted, test.target[:12], strict=True)
for ax, image, pred, true in shown:
    ax.imshow(image, cmap="gray_r")
    ax.set_title(CLASS_NAMES[pred], color="black" if pred == true else "red")
    ax.axis("off")
fig.tight_layout()
fig.savefig(os.environ.get("SKFASHION_FIGURE", "quickstart_predictions.png"))
