#!/usr/bin/env python3
"""The table of scripts/transfer.sh: per real target, the pooled held-out scores of the zero-shot, fine-tuned and
from-scratch models next to the column mean / majority and the GBDT references (from the zero-shot report; the cells
are the same in every report), and boolean accuracy on the held-out synthetic databases' non-constant columns (columns
whose majority baseline is 1.0 on their held-out cells are left out). A missing report shows as "—".
Usage: transfer_table.py OUT_DIR DBS PRETRAIN_STEPS STEPS TARGET..."""
import json, sys
out, dbs, pre, steps, targets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def load(name):
    try:
        with open(f"{out}/{name}.json") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
def pooled(name, kind, metric):
    r = load(name)
    if r is None:
        return None
    for d in r["databases"]:
        for c in d["pooled"]:
            if c["column"] == f"pooled {kind}" and c["metric"] == metric:
                return c
    return None
def v(c, key):
    e = (c or {}).get(key) or {}
    return e.get("value")
def f(x):
    return "—" if x is None else f"{x:.3f}"
print(f"transfer: pretrained on {dbs} synthetic databases for {pre} steps; fine-tuned and from scratch {steps} steps per target")
for kind, metric, base in (("number", "R²", "column mean"), ("datetime", "R²", "column mean"), ("boolean", "acc", "majority")):
    print(f"\n{kind} cells, {metric} on the held-out rows (pooled over columns)")
    print(f"| target | cells | RT zero-shot | RT fine-tuned | RT from scratch | {base} | GBDT row | GBDT row+parents |")
    print("|---|---|---|---|---|---|---|---|")
    for t in targets:
        z, ft, sc = pooled(f"{t}.zero", kind, metric), pooled(f"{t}.finetuned", kind, metric), pooled(f"{t}.scratch", kind, metric)
        ref = z or ft or sc   # the same held-out cells in every report
        cells = (ref or {}).get("cells", 0)
        print(f"| {t} | {cells} | {f(v(z, 'model'))} | {f(v(ft, 'model'))} | {f(v(sc, 'model'))} | {f(v(ref, 'baseline'))} | {f(v(z, 'gbdtRow'))} | {f(v(z, 'gbdtParents'))} |")
# Booleans on held-out synthetic databases, non-constant columns only (a constant column's majority is always right).
r = load("synthetic")
n = hit = base = 0.0
for d in (r or {}).get("databases", []):
    for c in d["columns"]:
        if c.get("type") != "boolean" or c.get("metric") != "acc" or c.get("note"):
            continue
        b = v(c, "baseline")
        if b is None or b >= 1.0:
            continue
        n += c["cells"]; hit += c["cells"] * v(c, "model"); base += c["cells"] * b
if n:
    print(f"\nsynthetic held-out databases, non-constant boolean columns: {int(n)} cells, RT accuracy {hit / n:.3f} vs majority {base / n:.3f}")
elif r is None:
    print("\nsynthetic held-out databases: no report (synthetic.json missing)")
else:
    print("\nsynthetic held-out databases: no non-constant boolean column scored")
