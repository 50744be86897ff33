"""Scores records with pypmml (an evaluator we did not write) and prints the probabilities as JSON.

stdin: {"pmmlPath": str, "records": [{column: value, ...}], "field": "probability"}
stdout: {"probabilities": [float, ...], "evaluator": "pypmml <version>"}
A None value is a missing cell; every record is scored on its own, so one row's types never leak
into another's (a DataFrame would coerce a column with one string into objects for every row).
"""
import json
import math
import sys

import pypmml
from pypmml import Model


def main() -> None:
    request = json.load(sys.stdin)
    model = Model.fromFile(request["pmmlPath"])
    field = request.get("field", "probability")
    probabilities = []
    for row, record in enumerate(request["records"]):
        result = model.predict(record)
        value = result.get(field) if isinstance(result, dict) else None
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise SystemExit(f"pypmml gave no {field} for record {row}: {result!r}")
        probabilities.append(float(value))
    json.dump({"probabilities": probabilities, "evaluator": f"pypmml {pypmml.__version__}"}, sys.stdout)


if __name__ == "__main__":
    main()
