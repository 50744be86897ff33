"""The online-training anchor for bench/online.ts: River's LogisticRegression on the very same stream.

  python river_online.py --stream STREAM.csv --start START.json --skip N --out PROBS.f64

The pipeline is River's own: numeric columns through preprocessing.StandardScaler, categorical ones
through preprocessing.OneHotEncoder, into linear_model.LogisticRegression (default optimizer, SGD
with a constant rate of 0.01, no L2). Progressive validation as River's evaluate.progressive_val_score
does it: predict_proba_one, then learn_one, record by record.

START.json says how both learners start. "warm": the same batch fit on the stream's first N records
that mlcycle's learner starts from; the scaler starts from the same means and (population) variances
over N records (StandardScaler._from_state) and the weights from the batch coefficients, named as
River's one-hot encoder names them ("Contract_Two year"). "cold": an empty scaler and zero weights.
Blank numerics get the batch spec's imputed value, as mlcycle's encoder does, so both see the same
numbers. Records 0..N-1 (the initial slice) are skipped; every later one is predicted, then learned.

Writes each predicted probability (float64, little-endian, stream order) to --out and prints one JSON
line: records, seconds spent in the predict-then-learn loop, updates per second, versions.
"""

import argparse
import csv
import json
import sys
import time
import types
from array import array

# River 0.26 subscripts csv.DictReader at import time, which Python < 3.12 does not allow.
if not hasattr(csv.DictReader, "__class_getitem__"):
    csv.DictReader.__class_getitem__ = classmethod(types.GenericAlias)

import river  # noqa: E402
from river import compose, linear_model, preprocessing, utils  # noqa: E402


def read_stream(path, spec, target, positive, skip):
    numeric = {f["name"]: f["impute"] for f in spec["numeric"]}
    categorical = [f["name"] for f in spec["categorical"]]
    records, labels = [], []
    with open(path, newline="") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            if index < skip:
                continue
            x = {}
            for name, impute in numeric.items():
                cell = row[name].strip()
                try:
                    x[name] = float(cell) if cell else impute
                except ValueError:
                    x[name] = impute
            for name in categorical:
                x[name] = row[name].strip()
            records.append(x)
            labels.append(row[target].strip() == positive)
    return records, labels


def build_model(start):
    spec = start["spec"]
    numeric = [f["name"] for f in spec["numeric"]]
    categorical = [f["name"] for f in spec["categorical"]]
    if start["mode"] == "warm":
        count = start["initialRows"]
        scaler = preprocessing.StandardScaler._from_state(
            counts={f["name"]: count for f in spec["numeric"]},
            means={f["name"]: f["mean"] for f in spec["numeric"]},
            vars={f["name"]: f["std"] ** 2 for f in spec["numeric"]},
        )
    else:
        scaler = preprocessing.StandardScaler()
    regression = linear_model.LogisticRegression()
    if start["mode"] == "warm":
        regression._weights = utils.VectorDict(start["weights"])
        regression.intercept = start["intercept"]
    model = (compose.Select(*numeric) | scaler) + (compose.Select(*categorical) | preprocessing.OneHotEncoder())
    return model | regression


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stream", required=True)
    parser.add_argument("--start", required=True)
    parser.add_argument("--skip", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--target", default="Churn")
    parser.add_argument("--positive", default="Yes")
    args = parser.parse_args()
    with open(args.start) as handle:
        start = json.load(handle)
    records, labels = read_stream(args.stream, start["spec"], args.target, args.positive, args.skip)
    model = build_model(start)
    probabilities = array("d", bytes(8 * len(records)))
    started = time.perf_counter()
    for i, (x, y) in enumerate(zip(records, labels)):
        probabilities[i] = model.predict_proba_one(x).get(True, 0.0)
        model.learn_one(x, y)
    seconds = time.perf_counter() - started
    if sys.byteorder != "little":
        probabilities.byteswap()
    with open(args.out, "wb") as out:
        probabilities.tofile(out)
    print(
        json.dumps(
            {
                "records": len(records),
                "seconds": round(seconds, 3),
                "updatesPerSecond": round(len(records) / seconds),
                "versions": {"python": sys.version.split()[0], "river": river.__version__},
            }
        )
    )


if __name__ == "__main__":
    main()
