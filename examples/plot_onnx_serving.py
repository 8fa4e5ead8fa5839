"""
Serving without TensorFlow: the pipeline as one ONNX model
==========================================================

:func:`~skfashion.export_onnx` writes the fitted pipeline, scaling included,
as one ONNX graph: raw pixels in, ``label`` and ``probabilities`` out. A
server then needs only ``numpy`` and ``onnxruntime``; this example proves it
by serving from a new process in which importing TensorFlow fails.

The documentation builds this page in quick mode (3,000 images, 1 epoch);
the script's full run trains on all 60,000 for 15 epochs. The timing is
the build machine's.
"""

# %%
import json
import os
import subprocess
import sys

import numpy as np
from matplotlib.figure import Figure

from skfashion import export_onnx, fetch_fashion_mnist, make_fashion_pipeline

QUICK = os.environ.get("SKFASHION_QUICK") == "1"
OUT = os.environ.get("SKFASHION_EXAMPLE_OUT", ".")

train = fetch_fashion_mnist(subset="train")
test = fetch_fashion_mnist(subset="test")
n = 3000 if QUICK else len(train.target)
pipe = make_fashion_pipeline(epochs=1 if QUICK else 15, random_state=0)
pipe.fit(train.data[:n], train.target[:n])
path = export_onnx(pipe, os.path.join(OUT, "fashion.onnx"))
np.save(os.path.join(OUT, "test_images.npy"), test.data[:1000])

# %%
# The server: numpy and onnxruntime only. TensorFlow is made unimportable.
server = f"""
import sys, json, time
sys.modules["tensorflow"] = None
import numpy as np, onnxruntime as ort
session = ort.InferenceSession({str(path)!r})
X = np.load({os.path.join(OUT, "test_images.npy")!r}).astype(np.float32)
labels, proba = session.run(["label", "probabilities"], {{"X": X}})
times = []
for i in range(200):
    start = time.perf_counter()
    session.run(["label", "probabilities"], {{"X": X[i % 1000 : i % 1000 + 1]}})
    times.append(time.perf_counter() - start)
print(json.dumps({{"labels": labels.tolist(), "ms": 1000 * float(np.median(times)),
                   "tensorflow": "tensorflow" in sys.modules and
                   sys.modules["tensorflow"] is not None}}))
"""
served = json.loads(
    subprocess.run(
        [sys.executable, "-c", server], capture_output=True, text=True, check=True
    ).stdout
)
same = np.mean(np.asarray(served["labels"]) == pipe.predict(test.data[:1000]))
print(f"TensorFlow imported by the server: {served['tensorflow']}")
print(f"labels equal to pipe.predict on 1,000 test images: {same:.1%}")
print(f"one image through onnxruntime: {served['ms']:.3f} ms (median)")

# %%
fig = Figure(figsize=(6, 3), layout="constrained")
ax = fig.subplots()
ax.imshow(test.images[:8].transpose(1, 0, 2).reshape(28, -1), cmap="gray_r")
ax.set_axis_off()
names = [test.target_names[label] for label in served["labels"][:8]]
ax.set_title("onnxruntime: " + ", ".join(names), fontsize=7)
fig.savefig(os.path.join(OUT, "onnx_serving.png"))
