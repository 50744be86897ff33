"""Scores records with Python onnxruntime and prints one output as JSON, for any of our ONNX files.

stdin: {"onnxPath": str, "inputs": [{"name": str, "kind": "numeric"|"categorical"}],
        "records": [{column: value, ...}], "output": "probability"}
stdout: {"probabilities": [float, ...], "inputNames": [...], "evaluator": "onnxruntime <version>"}

Feeds are built as models/onnx-scorer.ts recordsToFeeds builds them in Node: one [N, 1] tensor per
raw column the model takes, float32 for numerics (a blank, null or non-numeric cell is NaN, which the
graph imputes) and strings for categoricals (null is the blank level "", other values their text).
"""
import json
import math
import re
import sys

import numpy as np
import onnxruntime as ort

DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def numeric(value) -> float:
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else math.nan
    if isinstance(value, str) and DECIMAL.match(value.strip()):
        parsed = float(value.strip())
        return parsed if math.isfinite(parsed) else math.nan
    return math.nan


def category(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def main() -> None:
    request = json.load(sys.stdin)
    session = ort.InferenceSession(request["onnxPath"], providers=["CPUExecutionProvider"])
    taken = {i.name for i in session.get_inputs()}
    records = request["records"]
    feeds = {}
    for column in request["inputs"]:
        name = column["name"]
        if name not in taken:
            continue
        cells = [record.get(name) for record in records]
        if column["kind"] == "numeric":
            feeds[name] = np.array([numeric(v) for v in cells], dtype=np.float32).reshape(-1, 1)
        else:
            feeds[name] = np.array([category(v) for v in cells], dtype=object).reshape(-1, 1)
    output = request.get("output", "probability")
    (result,) = session.run([output], feeds)
    json.dump(
        {
            "probabilities": [float(x) for x in np.asarray(result).reshape(-1)],
            "inputNames": sorted(taken),
            "evaluator": f"onnxruntime {ort.__version__}",
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
