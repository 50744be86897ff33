"""Sends MLflow scoring requests to /invocations as MLflow's clients do and returns the predictions.

With mlflow importable, MLflow's own ScoringServerClient (the client of `mlflow models serve`) sends
the DataFrame (its dump_input_data writes a blank number as a bare NaN). Without it (CI installs no
mlflow: it is several hundred MB), the same body is built as dump_input_data builds it:
{"dataframe_split": DataFrame.to_dict(orient="split")} through json.dumps. Either way pandas'
to_json(orient="split"), dataframe_records and a CSV body go too.

stdin: {"url": "http://127.0.0.1:PORT", "csv": "header\\nrows..."}
stdout: {"client": "mlflow" | "documented format", "predictions": {format: [p, ...]}}
"""

import io
import json
import sys
import urllib.request

import pandas as pd


def post(url, body, content_type):
    request = urllib.request.Request(url + "/invocations", data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["predictions"]


def main():
    request = json.load(sys.stdin)
    url, csv = request["url"], request["csv"]
    frame = pd.read_csv(io.StringIO(csv), keep_default_na=False, na_values=[""])
    out = {"predictions": {}}
    try:
        from mlflow.pyfunc.scoring_server.client import ScoringServerClient
    except ImportError:
        ScoringServerClient = None
    if ScoringServerClient is not None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        client = ScoringServerClient(host, int(port))
        client.wait_server_ready(timeout=30)
        predictions = client.invoke(frame).get_predictions()
        out["client"] = "mlflow"
        out["predictions"]["mlflow_client"] = [float(p) for p in predictions.iloc[:, 0]] \
            if hasattr(predictions, "iloc") else [float(p) for p in predictions]
    else:
        out["client"] = "documented format"
        body = json.dumps({"dataframe_split": frame.to_dict(orient="split")})
        out["predictions"]["mlflow_client"] = post(url, body, "application/json")
    split = '{"dataframe_split": ' + frame.to_json(orient="split") + "}"
    out["predictions"]["to_json_split"] = post(url, split, "application/json")
    records = '{"dataframe_records": ' + frame.to_json(orient="records") + "}"
    out["predictions"]["dataframe_records"] = post(url, records, "application/json")
    out["predictions"]["csv"] = post(url, frame.to_csv(index=False), "text/csv")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
