B = [["32x3v"], ["64x3v"]]
SPECS = {
    "base": dict(blocks=B, head=[128]),
    "base_h256": dict(blocks=B, head=[256]),
    "base_h512_d3": dict(blocks=B, head=[512], dropout=0.3),
    "k5": dict(blocks=[["32x5v"], ["64x3v"]], head=[256]),
    "three": dict(blocks=[*B, ["128x3s"]], head=[256]),
    "c2a": dict(blocks=[["32x3v", "32x3v"], ["64x3v"]], head=[256]),
    "c2b": dict(blocks=[["32x3v"], ["64x3v", "64x3s"]], head=[256]),
    "w64": dict(blocks=[["64x3v"], ["64x3v"]], head=[256]),
    "w96": dict(blocks=[["32x3v"], ["96x3v"]], head=[256]),
    "same": dict(blocks=[["32x3s"], ["64x3s"]], head=[256]),
    "vgg": dict(blocks=[["32x3v", "32x3v"], ["64x3v", "64x3v"]], head=[256]),
    "vggs": dict(blocks=[["32x3s", "32x3s"], ["64x3s", "64x3s"]], head=[512]),
    "h256_lr2": dict(blocks=B, head=[256], lr=2e-3),
    "h256_ls": dict(blocks=B, head=[256], label_smoothing=0.1),
    "h256_b128": dict(blocks=B, head=[256], batch=128, lr=2e-3),
    "h256_b32": dict(blocks=B, head=[256], batch=32),
    "h256_e20": dict(blocks=B, head=[256], epochs=20),
}
AUG = {
    "base_aug30": dict(blocks=B, head=[128], augment=True, epochs=30),
    "c2b_aug30": dict(
        blocks=[["32x3v"], ["64x3v", "64x3s"]], head=[256], augment=True, epochs=30
    ),
    "vggs_aug30": dict(
        blocks=[["32x3s", "32x3s"], ["64x3s", "64x3s"]],
        head=[512],
        augment=True,
        epochs=30,
    ),
}
SPECS2 = {
    "sv": dict(blocks=[["32x3s"], ["64x3v"]], head=[256]),
    "vs": dict(blocks=[["32x3v"], ["64x3s"]], head=[256]),
    "same_b128": dict(blocks=[["32x3s"], ["64x3s"]], head=[256], batch=128, lr=2e-3),
    "sv_b128": dict(blocks=[["32x3s"], ["64x3v"]], head=[256], batch=128, lr=2e-3),
    "vs_b128": dict(blocks=[["32x3v"], ["64x3s"]], head=[256], batch=128, lr=2e-3),
    "same": dict(blocks=[["32x3s"], ["64x3s"]], head=[256]),
}
SPECS.update({k: v for k, v in SPECS2.items() if k not in SPECS})
SPECS.update(
    {
        "sv_e10": dict(blocks=[["32x3s"], ["64x3v"]], head=[256], epochs=10),
        "vs_e10": dict(blocks=[["32x3v"], ["64x3s"]], head=[256], epochs=10),
        "same_e10": dict(blocks=[["32x3s"], ["64x3s"]], head=[256], epochs=10),
    }
)
