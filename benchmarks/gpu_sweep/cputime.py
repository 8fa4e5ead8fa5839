"""CPU epoch time of each sweep candidate: 3 epochs on 6,016 images, scaled."""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(__file__))
import archs
import specs

data = archs.load(
    os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
)
n = 6016
small = (data[0][:n], data[1][:n], data[2][:100], data[3][:100])
names = sys.argv[1:] or list(specs.SPECS)
for name in names:
    spec = dict(specs.SPECS.get(name) or specs.AUG[name])
    r = archs.train(spec, 0, small, epochs=3, max_epochs=3)
    est = min(r["epoch_s"][1:]) * 60000 / n
    print(
        json.dumps(
            {
                "name": name,
                "macs_M": round(archs.macs(spec) / 1e6, 2),
                "cpu_epoch_est_s": round(est, 1),
                "est_fit_s": round(est * spec.get("epochs", 12)),
                "params": r["params"],
            }
        ),
        flush=True,
    )
