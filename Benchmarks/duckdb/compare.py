#!/usr/bin/env python3
"""Compare arcadence's JSON with the DuckDB reference's, value by value.

Usage: compare.py OURS.json THEIRS.json

Works for the kpis, scorecard and aging outputs (any JSON of the same shape). Both files
are flattened into paths such as `reps[R03].metrics.collection_rate`,
`metrics.aging_end.d1_30` or `rows[C000083].buckets.current`: lists of objects are keyed
by their `rep_id` or `key`, and the order of those keys is compared too (`rows[order]`).

- Ratios and days (the keys in RATIOS, outside `rank`) agree within 1e-9 relative.
- Everything else is exact: counts, ranks, strings, nulls, and money, which is read as a
  decimal (never a float) so cents compare exactly.
A path present on one side only is a disagreement. Prints each disagreement as
`path: ours=… theirs=…` and exits 1 if there is any; otherwise prints "N metrics agree".
"""

import json
import sys
from decimal import Decimal

# Metrics that are fractions or days (floating point); compared with a tolerance.
RATIOS = {
    "collection_rate", "aging_reduction", "aging_90_plus_reduction", "dso",
    "best_possible_dso", "add", "cei", "autopay_conversion_rate", "autopay_share_end",
    "case_resolution_median_days", "case_resolution_p90_days", "documentation_completeness",
    "task_completion_rate", "tasks_on_time_rate", "promise_kept_rate",
}
REL_TOL = Decimal("1e-9")
MISSING = object()  # stands for a path that one side lacks
ID_KEYS = ("key", "rep_id")  # how list elements are identified (first that all have)


def load(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)  # exact decimals, never floats


def flatten(value, path: str, out: dict) -> None:
    """Leaves of `value` into out[path] (lists of objects keyed by their id)."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{path}.{k}" if path else k, out)
    elif isinstance(value, list):
        id_key = next((k for k in ID_KEYS
                       if value and all(isinstance(e, dict) and k in e for e in value)), None)
        if id_key:
            ids = [e[id_key] for e in value]
            if len(set(ids)) != len(ids):
                sys.exit(f"{path}: duplicate {id_key} values")
            out[f"{path}[order]"] = ids
            for e in value:
                flatten(e, f"{path}[{e[id_key]}]", out)
        else:
            for i, e in enumerate(value):
                flatten(e, f"{path}[{i}]", out)
    else:
        out[path] = value


def is_ratio(path: str) -> bool:
    parts = path.split(".")
    return parts[-1] in RATIOS and (len(parts) < 2 or parts[-2] != "rank")


def agree(path: str, ours, theirs) -> bool:
    numeric = (int, Decimal)
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, numeric) and isinstance(theirs, numeric):
        a, b = Decimal(ours), Decimal(theirs)
        if is_ratio(path):
            return abs(a - b) <= REL_TOL * max(abs(a), abs(b))
        return a == b
    return ours == theirs  # strings, nulls, id lists


def show(v) -> str:
    """A value as printed in a disagreement (decimals as written in the JSON)."""
    if v is MISSING:
        return "(missing)"
    return str(v) if isinstance(v, Decimal) else json.dumps(v, default=str, ensure_ascii=False)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ours, theirs = {}, {}
    flatten(load(sys.argv[1]), "", ours)
    flatten(load(sys.argv[2]), "", theirs)
    paths = list(ours) + [p for p in theirs if p not in ours]
    bad = 0
    for path in paths:
        a, b = ours.get(path, MISSING), theirs.get(path, MISSING)
        if a is not MISSING and b is not MISSING and agree(path, a, b):
            continue
        bad += 1
        if path.endswith("[order]") and a is not MISSING and b is not MISSING:
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                         min(len(a), len(b)))
            print(f"{path}: {len(a)} vs {len(b)} entries, first difference at #{first}: "
                  f"ours={a[first:first + 3]} theirs={b[first:first + 3]}")
        else:
            print(f"{path}: ours={show(a)} theirs={show(b)}")
    if bad:
        print(f"{bad} of {len(paths)} values disagree")
        sys.exit(1)
    print(f"{len(paths)} metrics agree")


if __name__ == "__main__":
    main()
