#!/usr/bin/python3
"""The Cambodia e-motorcycle model of methodologies/emotorcycles.yaml in
numpy, vectorised over draws: the reference that 'make bench' times the
engine against (tools/bench/run).

It reads nothing: the project is tools/bench/cambodia-bench.yaml written
out below (keep the two in step).  It draws every input as that project
says (same distributions, same sharing across vintages and vehicle
classes; numpy's own generator, so not the engine's draws), evaluates
the methodology's equations vintage by vintage over all draws at once,
and computes what the engine reports: per vintage and for the crediting-
period total of each result, mean, sd (n - 1) and the type-7 quantiles
(numpy's default 'linear' method) at 2.5, 50 and 97.5 %, plus the 2.5 and
97.5 % quantiles of the first half of the draws.

  emoto_numpy.py [--draws N] [--central]

--central prints the central case (every input at its value) as
'total,RESULT,VALUE' lines for the agreement check; otherwise the summary
is computed, and printed are the crediting-period total of reductions as
'total_reductions MEAN SD LOWER UPPER' and the compute time (after the
imports) as 'compute_seconds S'.

Run it with Debian's /usr/bin/python3 (python3-numpy); the 'python3' on
PATH may be another interpreter without numpy.
"""
import sys
import time

import numpy as np

FIRST, LAST = 2025, 2034
YEARS = list(range(FIRST, LAST + 1))
FLEET = ["commuter", "commercial"]
DEPLOY = {
    "commuter": [5000, 12000, 20000, 20000, 15000, 8000, 0, 0, 0, 0],
    "commercial": [8000, 25000, 40000, 40000, 30000, 17000, 0, 0, 0, 0],
}
DD = {"commuter": 10000.0, "commercial": 25000.0}       # km/yr
EF_GRID = [0.600, 0.588, 0.576, 0.565, 0.553, 0.542, 0.531, 0.521, 0.510,
           0.500]                                        # tCO2/MWh
Y_SFC = 2024
Z95 = 1.959963984540054


def tri(rng, lo, mode, hi, n):
    return rng.triangular(lo, mode, hi, n)


def pert(rng, lo, mode, hi, n):
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, n)


def normal_truncated(rng, mean, sd, lo, hi, n):
    """Normal draws, drawn again where outside [lo, hi] (never clamped)."""
    x = rng.normal(mean, sd, n)
    bad = (x < lo) | (x > hi)
    while bad.any():
        x[bad] = rng.normal(mean, sd, bad.sum())
        bad = (x < lo) | (x > hi)
    return x


def draw_inputs(rng, n, central):
    """Every input as an array of n draws (or its central value)."""
    def d(f, centre):
        return centre if central else f()

    x = {}
    # D: relative normal sd 5 %, one draw per cohort year and class.
    x["D"] = {(v, i): DEPLOY[i][v] * d(lambda: rng.normal(1, 0.05, n), 1.0)
              for i in FLEET for v in range(len(YEARS))}
    x["S"] = d(lambda: tri(rng, 0.90, 0.95, 0.98, n), 0.95)
    x["U"] = d(lambda: tri(rng, 0.80, 0.90, 0.97, n), 0.90)
    x["F1"] = d(lambda: rng.uniform(0.4, 0.6, n), 0.5)
    x["DD"] = {i: DD[i] * d(lambda: rng.normal(1, 0.15, n), 1.0)
               for i in FLEET}
    x["SFC"] = d(lambda: tri(rng, 0.018, 0.022, 0.028, n), 0.022)  # L/km
    x["RHO"] = d(lambda: rng.uniform(0.72, 0.77, n), 0.74)          # kg/L
    x["NCV"] = d(lambda: tri(rng, 42.5, 44.3, 44.8, n), 44.3)       # TJ/Gg
    x["EF_fuel"] = d(lambda: pert(rng, 67.5, 69.3, 73.0, n), 69.3)  # t/TJ
    x["IR"] = d(lambda: pert(rng, 0.98, 0.99, 1.0, n), 0.99)
    x["SEC"] = d(lambda: 0.030 * rng.lognormal(0, np.log(1.1), n), 0.030)
    x["EF_grid"] = [EF_GRID[k] * d(lambda: tri(rng, 0.85, 1.0, 1.15, n), 1.0)
                    for k in range(len(YEARS))]
    # TDL 20 %: relative normal, sd 0.2 / 1.96, TDL kept in [0, 0.99].
    x["TDL"] = 0.10 * d(lambda: normal_truncated(
        rng, 1.0, 0.20 / Z95, 0.0, 9.9, n), 1.0)
    return x


def model(x):
    """Per vintage: BE, PE, LE, ER in tCO2e (lists of arrays)."""
    S, U, F1 = x["S"], x["U"], x["F1"]
    # S^k for the cohort ages 0..9, computed once.
    spow = [np.ones_like(S) if np.ndim(S) else 1.0]
    for _ in range(1, len(YEARS)):
        spow.append(spow[-1] * S)
    be, pe, le, er = [], [], [], []
    for y in range(len(YEARS)):
        fuel = 0.0
        elec = 0.0
        for i in FLEET:
            # Vehicle-years in use in year y: every cohort v <= y survives
            # S^(y - v), U of them in use, F1 of the deployment year.
            n_i = x["D"][(y, i)] * F1
            for v in range(y):
                n_i = n_i + x["D"][(v, i)] * spow[y - v]
            km = n_i * U * x["DD"][i]
            fuel = fuel + km * x["SFC"]            # L/yr
            elec = elec + km * x["SEC"]            # kWh/yr
        # L * kg/L = kg; 1e-6 Gg/kg * TJ/Gg * tCO2/TJ.
        b = fuel * x["RHO"] * 1e-6 * x["NCV"] * x["EF_fuel"] \
            * x["IR"] ** (YEARS[y] - Y_SFC)
        p = elec / 1000 * x["EF_grid"][y] / (1 - x["TDL"])
        le_y = np.zeros_like(b) if np.ndim(b) else 0.0
        be.append(b)
        pe.append(p)
        le.append(le_y)
        er.append(b - p - le_y)
    return {"baseline": be, "project": pe, "leakage": le, "reductions": er}


def summarise(col):
    n = col.size
    q = np.percentile(col, [2.5, 50, 97.5])
    qh = np.percentile(col[: n // 2], [2.5, 97.5])
    return (col.mean(), col.std(ddof=1), q[0], q[1], q[2], qh[0], qh[1])


def main():
    draws = 1000000
    central = "--central" in sys.argv
    if "--draws" in sys.argv:
        draws = int(sys.argv[sys.argv.index("--draws") + 1])
    if central:
        res = model(draw_inputs(None, 1, True))
        for r, cols in res.items():
            print("total,%s,%.17g" % (r, sum(cols)))
        return
    t0 = time.perf_counter()
    rng = np.random.default_rng(20250718)
    res = model(draw_inputs(rng, draws, False))
    out = []
    for r, cols in res.items():
        for y, c in zip(YEARS, cols):
            out.append((y, r) + summarise(c))
        out.append(("total", r) + summarise(sum(cols)))
    t1 = time.perf_counter()
    for row in out:
        if row[0] == "total" and row[1] == "reductions":
            print("total_reductions %.17g %.17g %.17g %.17g"
                  % (row[2], row[3], row[4], row[6]))
    print("compute_seconds %.6f" % (t1 - t0))


if __name__ == "__main__":
    main()
