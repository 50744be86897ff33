"""Talks to the scoring server's Open Inference Protocol (V2) endpoint with NVIDIA's tritonclient.http,
a client we did not write: health, model metadata, then inference with the inputs built from that
metadata (BYTES for categories, FP64 for numbers), in tritonclient's default binary tensor mode and in
JSON, a pinned version, and one refused request.

stdin: {"url": "127.0.0.1:PORT", "model": NAME, "version": "2", "csv": "header\\nrows..."}
stdout: {"live", "ready", "model_ready", "metadata", "binary": {...}, "json": {...}, "versioned": {...}, "error"}
"""

import io
import json
import sys

import numpy as np
import pandas as pd
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException


def inputs_from(metadata, frame, binary):
    inputs = []
    for spec in metadata["inputs"]:
        column = frame[spec["name"]]
        if spec["datatype"] == "BYTES":
            values = np.array([("" if pd.isna(v) else str(v)).encode("utf-8") for v in column], dtype=np.object_)
        else:
            values = column.to_numpy(dtype=np.float64)
        tensor = httpclient.InferInput(spec["name"], [len(frame)], spec["datatype"])
        tensor.set_data_from_numpy(values, binary_data=binary)
        inputs.append(tensor)
    return inputs


def answer(result):
    return {
        "model_version": result.get_response()["model_version"],
        "probability": [float(p) for p in result.as_numpy("probability")],
        "probability_dtype": str(result.as_numpy("probability").dtype),
        "label": [int(v) for v in result.as_numpy("label")],
    }


def main():
    request = json.load(sys.stdin)
    client = httpclient.InferenceServerClient(url=request["url"])
    model = request["model"]
    # pandas reads the CSV as a user would: numbers typed, a blank number as NaN.
    frame = pd.read_csv(io.StringIO(request["csv"]), keep_default_na=False, na_values=[""])
    metadata = client.get_model_metadata(model)

    out = {
        "live": client.is_server_live(),
        "ready": client.is_server_ready(),
        "model_ready": client.is_model_ready(model),
        "metadata": metadata,
    }
    # tritonclient's default: binary tensors after the JSON, outputs asked for in binary.
    out["binary"] = answer(client.infer(model, inputs_from(metadata, frame, True), request_id="py-1"))
    # JSON tensors; tritonclient writes a blank number as a bare NaN there.
    outputs = [httpclient.InferRequestedOutput("probability", binary_data=False),
               httpclient.InferRequestedOutput("label", binary_data=False)]
    out["json"] = answer(client.infer(model, inputs_from(metadata, frame, False), outputs=outputs))
    out["versioned"] = answer(
        client.infer(model, inputs_from(metadata, frame, True), model_version=request["version"])
    )

    wrong = inputs_from(metadata, frame, False)
    first_category = next(i for i, spec in enumerate(metadata["inputs"]) if spec["datatype"] == "BYTES")
    name = metadata["inputs"][first_category]["name"]
    wrong[first_category] = httpclient.InferInput(name, [len(frame)], "FP64")
    wrong[first_category].set_data_from_numpy(np.zeros(len(frame), dtype=np.float64), binary_data=False)
    try:
        client.infer(model, wrong)
        out["error"] = None
    except InferenceServerException as error:
        out["error"] = {"status": error.status(), "message": error.message()}
    client.close()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
