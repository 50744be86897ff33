"""The batch-scoring anchor for bench/batch-score.ts: pandas + scikit-learn doing what batchScore does.

Two steps, each its own process, so the scoring step's peak memory is its own:
  fit   --train TRAIN.csv --model MODEL.pkl   the pipeline mlcycle trains (median-imputed, standardised
                                              numerics; one-hot categoricals; L2 logistic regression)
  score --model MODEL.pkl --data IN.csv --out OUT.csv
                                              read_csv, predict_proba, to_csv with every input column
                                              plus prediction_probability, prediction_label, model_version
Each prints one JSON line: seconds per phase, total seconds, CPU seconds (user + system, every thread)
and the process's peak RSS (ru_maxrss).
"""

import argparse
import json
import pickle
import resource
import sys
import time

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ID_COLUMN = "customerID"
TARGET = "Churn"
NUMERIC = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
# Every column is read as text first, like mlcycle's reader: a blank TotalCharges is missing, not an error.
READ = dict(dtype=str, keep_default_na=False)


def features(frame):
    out = frame.drop(columns=[c for c in (ID_COLUMN, TARGET) if c in frame.columns])
    for column in NUMERIC:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def fit(args):
    started = time.perf_counter()
    frame = pd.read_csv(args.train, **READ)
    x = features(frame)
    y = (frame[TARGET] == "Yes").astype(int)
    categorical = [c for c in x.columns if c not in NUMERIC]
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), NUMERIC),
                        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
                    ]
                ),
            ),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )
    pipeline.fit(x, y)
    with open(args.model, "wb") as out:
        pickle.dump(pipeline, out)
    return {"step": "fit", "rows": len(frame), "seconds": round(time.perf_counter() - started, 2), "peakRssMb": peak_rss_mb()}


def score(args):
    with open(args.model, "rb") as model_file:
        pipeline = pickle.load(model_file)
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    frame = pd.read_csv(args.data, **READ)
    read_done = time.perf_counter()
    probability = pipeline.predict_proba(features(frame))[:, 1]
    predict_done = time.perf_counter()
    frame["prediction_probability"] = probability
    frame["prediction_label"] = (probability >= 0.5).astype(int)
    frame["model_version"] = 1
    frame.to_csv(args.out, index=False)
    done = time.perf_counter()
    return {
        "step": "score",
        "rows": len(frame),
        "readSeconds": round(read_done - started, 2),
        "predictSeconds": round(predict_done - read_done, 2),
        "writeSeconds": round(done - predict_done, 2),
        "seconds": round(done - started, 2),
        "cpuSeconds": round(cpu_seconds() - cpu_started, 2),
        "peakRssMb": peak_rss_mb(),
        "meanProbability": float(probability.mean()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["fit", "score"])
    parser.add_argument("--train")
    parser.add_argument("--model", required=True)
    parser.add_argument("--data")
    parser.add_argument("--out")
    args = parser.parse_args()
    result = fit(args) if args.step == "fit" else score(args)
    result["versions"] = {"python": sys.version.split()[0], "pandas": pd.__version__}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
