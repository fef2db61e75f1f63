#!/usr/bin/env python3
# Writes expected.csv and tolerances for this case (see DERIVATION.md).
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
from mc_expected import Constant, Normal, write_case

results = [
    ("baseline", 1500, Normal(1500, 50)),        # X + Y: sqrt(30^2 + 40^2)
    ("project", 400, Normal(400, 120)),          # Z
    ("leakage", 0, Constant(0)),
    ("reductions", 1100, Normal(1100, 130)),     # X + Y - Z: sqrt(50^2 + 120^2)
]
# One vintage: the total is the vintage.
rows = [(v, r, c, d) for v in ("2030", "total") for r, c, d in results]
write_case(here, n=200000, confidence=0.95, rows=rows)
