"""The MLflow anchor of bench/serve.ts: a scikit-learn pipeline fitted on the same Telco rows, saved as
an MLflow model (cloudpickle) for `mlflow models serve --env-manager local`.

Usage: python mlflow_model.py <telco.csv> <model dir>; prints {"path", "rows"} as JSON.
The preprocessing mirrors mlcycle's: median imputation and standardising for numerics, one-hot for
categoricals (unknown levels ignored), L2 logistic regression.
"""

import json
import sys

import mlflow.sklearn
import pandas as pd
from mlflow.models import infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]


def main() -> None:
    csv_path, model_dir = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(csv_path)
    target = (frame.pop("Churn") == "Yes").astype(int)
    frame = frame.drop(columns=["customerID"])
    for name in NUMERIC:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    categorical = [name for name in frame.columns if name not in NUMERIC]
    pipeline = Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [
                        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
                        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
                    ]
                ),
            ),
            ("model", LogisticRegression(C=1.0, max_iter=1000)),
        ]
    )
    pipeline.fit(frame, target)
    signature = infer_signature(frame, pipeline.predict_proba(frame)[:, 1])
    mlflow.sklearn.save_model(
        pipeline,
        model_dir,
        serialization_format="cloudpickle",
        signature=signature,
        pyfunc_predict_fn="predict_proba",
    )
    print(json.dumps({"path": model_dir, "rows": len(frame)}))


if __name__ == "__main__":
    main()
