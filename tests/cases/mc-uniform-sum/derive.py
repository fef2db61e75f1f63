#!/usr/bin/env python3
# Writes expected.csv and tolerances for this case (see DERIVATION.md).
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
from mc_expected import Constant, Triangular, Uniform, write_case

rows = []
for v, central, x in (("2030", 1000, Uniform(800, 1200)),
                      ("2031", 1000, Uniform(800, 1200)),
                      ("total", 2000, Triangular(1600, 2000, 2400))):
    rows += [(v, "baseline", central, x),
             (v, "project", 0, Constant(0)),
             (v, "leakage", 0, Constant(0)),
             (v, "reductions", central, x)]
write_case(here, n=200000, confidence=0.90, rows=rows)
