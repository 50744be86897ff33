"""The training anchor for bench/train.ts: scikit-learn doing what mlcycle's train step does, on the same
file and the same train / validation / test rows (a split file from the bench: one byte per row,
0 train, 1 validation, 2 test).

  --model logistic  median-imputed, standardised numerics and one-hot categoricals (mlcycle's design
                    matrix); LogisticRegression (newton-cholesky, the same Newton method) fitted on the
                    train rows for each C = 1/l2 of mlcycle's grid, the best validation log loss kept,
                    then refitted on train + validation: the same five fits and a refit.
  --model hgb       HistGradientBoostingClassifier on raw numerics (NaN = missing, handled natively)
                    and the same one-hot categoricals, with mlcycle's gbdt settings (--params JSON),
                    early stopping on the validation rows (X_val / y_val).

Prints one JSON line: read / fit / total seconds, peak RSS (ru_maxrss) and the test ROC AUC.
"""

import argparse
import json
import resource
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

ID_COLUMN = "customerID"
TARGET = "Churn"
NUMERIC = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
L2_GRID = [0.01, 0.1, 1, 10, 100]


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def read(path):
    # Every column as text first, like mlcycle's reader: a blank TotalCharges is missing, not an error.
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    y = (frame[TARGET] == "Yes").to_numpy(dtype=np.int8)
    x = frame.drop(columns=[c for c in (ID_COLUMN, TARGET) if c in frame.columns])
    del frame
    numeric = np.column_stack([pd.to_numeric(x[c], errors="coerce").to_numpy(dtype=np.float64) for c in NUMERIC])
    categorical = [c for c in x.columns if c not in NUMERIC]
    return numeric, x[categorical], y


def one_hot(categories, fit_rows):
    """Levels from the fitting rows only (as mlcycle), float32 0/1; other levels encode as zeros."""
    blocks = []
    for column in categories.columns:
        values = categories[column].to_numpy()
        levels = np.unique(values[fit_rows])
        codes = np.searchsorted(levels, values)
        codes[codes == len(levels)] = 0
        known = levels[codes] == values
        block = np.zeros((len(values), len(levels)), dtype=np.float32)
        block[np.arange(len(values))[known], codes[known]] = 1
        blocks.append(block)
    return np.hstack(blocks)


def standardised(numeric, fit_rows):
    fitted = numeric[fit_rows]
    median = np.nanmedian(fitted, axis=0)
    filled = np.where(np.isnan(numeric), median, numeric)
    mean = filled[fit_rows].mean(axis=0)
    std = filled[fit_rows].std(axis=0)
    std[std == 0] = 1
    return ((filled - mean) / std).astype(np.float32)


def logistic(numeric, categories, y, split):
    train, validation, test = (split == 0), (split == 1), (split == 2)
    x = np.hstack([standardised(numeric, train), one_hot(categories, train)])
    best = None
    for l2 in L2_GRID:
        model = LogisticRegression(C=1 / l2, solver="newton-cholesky", max_iter=100, tol=1e-8)
        model.fit(x[train], y[train])
        loss = log_loss(y[validation], model.predict_proba(x[validation])[:, 1])
        if best is None or loss < best[0]:
            best = (loss, l2)
    final = train | validation
    x = np.hstack([standardised(numeric, final), one_hot(categories, final)])
    model = LogisticRegression(C=1 / best[1], solver="newton-cholesky", max_iter=100, tol=1e-8)
    model.fit(x[final], y[final])
    return model.predict_proba(x[test])[:, 1], {"l2": best[1]}


def hgb(numeric, categories, y, split, params):
    train, validation, test = (split == 0), (split == 1), (split == 2)
    x = np.hstack([numeric.astype(np.float32), one_hot(categories, train)])
    model = HistGradientBoostingClassifier(
        learning_rate=params["learningRate"],
        max_leaf_nodes=params["maxLeaves"],
        max_depth=params["maxDepth"] or None,
        min_samples_leaf=params["minSamplesLeaf"],
        l2_regularization=params["l2"],
        max_iter=params["maxIterations"],
        max_bins=params["maxBins"],
        early_stopping=True,
        n_iter_no_change=params["earlyStoppingRounds"],
        scoring="loss",
        tol=1e-7,
        random_state=42,
    )
    model.fit(x[train], y[train], X_val=x[validation], y_val=y[validation])
    return model.predict_proba(x[test])[:, 1], {"iterations": int(model.n_iter_)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--split", required=True)
    parser.add_argument("--model", choices=["logistic", "hgb"], required=True)
    parser.add_argument("--params", default="{}")
    args = parser.parse_args()
    started = time.perf_counter()
    numeric, categories, y = read(args.data)
    split = np.fromfile(args.split, dtype=np.uint8)
    if len(split) != len(y):
        raise SystemExit(f"split file has {len(split)} rows, data {len(y)}")
    read_seconds = time.perf_counter() - started
    fitting = time.perf_counter()
    if args.model == "logistic":
        probabilities, extra = logistic(numeric, categories, y, split)
    else:
        probabilities, extra = hgb(numeric, categories, y, split, json.loads(args.params))
    fit_seconds = time.perf_counter() - fitting
    result = {
        "readSeconds": round(read_seconds, 2),
        "fitSeconds": round(fit_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "peakRssMb": peak_rss_mb(),
        "testRocAuc": round(float(roc_auc_score(y[split == 2], probabilities)), 4),
        **extra,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
