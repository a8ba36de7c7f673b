"""Checks an exported PyTorch project against the tfjs model's outputs.

Usage: /usr/bin/python3 scripts/export/check_torch.py PROJECT_DIR CASE_JSON [TOLERANCE]

CASE_JSON holds {"input_shape": [...], "inputs": [...], "expected": [...]}: a batch
of inputs in tfjs's layout (NHWC for images, flat values) and the tfjs model's
outputs for them. Loads model.py and weights.bin from PROJECT_DIR, runs the
network in eval mode and prints {"max_abs_diff": ..., "outputs": n} as JSON.
Exits 1 when the largest difference exceeds TOLERANCE (default 1e-4).
"""
import importlib.util
import json
import os
import sys

import torch


def main():
    project, case_path = sys.argv[1], sys.argv[2]
    tolerance = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
    spec = importlib.util.spec_from_file_location("exported_model", os.path.join(project, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(case_path, encoding="utf-8") as f:
        case = json.load(f)
    net = module.load_exported_weights(module.Net(), project).eval()
    shape = case["input_shape"]
    x = torch.tensor(case["inputs"], dtype=torch.float32).reshape(-1, *shape)
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        y = net(x)
    expected = torch.tensor(case["expected"], dtype=torch.float32).reshape(y.shape)
    diff = (y - expected).abs().max().item()
    print(json.dumps({"max_abs_diff": diff, "outputs": y.numel()}))
    sys.exit(0 if diff <= tolerance else 1)


if __name__ == "__main__":
    main()
