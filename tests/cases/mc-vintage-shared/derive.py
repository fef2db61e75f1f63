#!/usr/bin/env python3
# Writes expected.csv and tolerances for this case (see DERIVATION.md).
import math, os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
from mc_expected import Constant, Normal, write_case

n = 4  # vintages
per_vintage = [
    ("baseline", 1000, Normal(1000, 100)),                    # V
    ("project", 100, Normal(100, 20)),                        # S
    ("leakage", 0, Constant(0)),
    ("reductions", 900, Normal(900, math.hypot(100, 20))),    # V - S
]
total = [
    # n independent draws of V: sd grows as sqrt(n)
    ("baseline", n * 1000, Normal(n * 1000, math.sqrt(n) * 100)),
    # one draw of S counted n times: sd grows as n
    ("project", n * 100, Normal(n * 100, n * 20)),
    ("leakage", 0, Constant(0)),
    ("reductions", n * 900,
     Normal(n * 900, math.hypot(math.sqrt(n) * 100, n * 20))),
]
rows = [(str(y), r, c, d) for y in range(2030, 2030 + n)
        for r, c, d in per_vintage]
rows += [("total", r, c, d) for r, c, d in total]
write_case(here, n=200000, confidence=0.95, rows=rows)
