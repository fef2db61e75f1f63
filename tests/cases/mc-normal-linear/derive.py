#!/usr/bin/env python3
# Writes expected.csv and tolerances for this case (see DERIVATION.md).
import math, os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
from mc_expected import Normal, write_case

sd_W = 0.10 * 80 / 1.959964              # the IPCC shorthand '10%'
sd_ER = math.sqrt((0.95 * 2.5 * 100) ** 2 + sd_W ** 2)
results = [
    ("baseline", 2500, Normal(2500, 2.5 * 100)),       # 2.5 X
    ("project", 80, Normal(80, sd_W)),                 # W
    ("leakage", 125, Normal(125, 0.05 * 2.5 * 100)),   # 0.05 * 2.5 X
    ("reductions", 2295, Normal(2295, sd_ER)),         # 2.375 X - W
]
# One vintage: the total is the vintage.
rows = [(v, r, c, d) for v in ("2030", "total") for r, c, d in results]
write_case(here, n=200000, confidence=0.95, rows=rows)
