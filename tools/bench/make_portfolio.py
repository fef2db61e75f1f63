#!/usr/bin/python3
"""Writes a synthetic national portfolio for make bench.

    tools/bench/make_portfolio.py DIR [--projects N] [--draws D]

DIR/portfolio.yaml over DIR/projects/pNNNN.yaml: N electric-motorcycle
projects (the emotorcycles methodology) of 20 vintages each, 2021-2040,
in ten host countries, all selling to one buyer with a 37.5 Mt target by
2030.  Every project has its own fleet plan, distances, survival and
grid factor, each with its uncertainty (about nine uncertain inputs a
project), and reads the IPCC gasoline defaults every project shares.
Agreements vary: a share to the buyer, a volume, deductions, lags of one
or two years.  The numbers are made up (a fixed random seed, so the same
files every time); only their sizes matter.
"""
import os
import random
import sys

HOSTS = ["KHM", "MNG", "VNM", "LAO", "UZB", "IDN", "PHL", "THA", "KEN", "GHA"]


def project(i, rnd):
    host = HOSTS[i % len(HOSTS)]
    scale = rnd.uniform(0.2, 3.0)
    com = [int(scale * x) for x in (300, 800, 1500, 1800, 1500, 900, 500, 200)]
    cmt = [int(scale * x) for x in (200, 500, 900, 1000, 800, 500, 300, 100)]
    years = range(2021, 2041)

    def series(xs):
        return "{" + ", ".join("%d: %d" % (y, xs[k] if k < len(xs) else 0)
                               for k, y in enumerate(years)) + "}"

    ef0 = rnd.uniform(0.45, 0.95)
    ef = "{" + ", ".join("%d: %.3f" % (y, ef0 * (0.985 ** k))
                         for k, y in enumerate(years)) + "}"
    kind = i % 4
    if kind == 0:
        split = "{buyer_share: %.2f}" % rnd.uniform(0.3, 0.8)
    elif kind == 1:
        split = "{buyer_volume: %d}" % int(scale * rnd.uniform(20000, 60000))
    elif kind == 2:
        split = "{buyer_share: 1}"
    else:
        split = "{host_volume: %d}" % int(scale * rnd.uniform(5000, 20000))
    ded = ""
    if i % 3 == 0:
        ded = ("  deductions:\n"
               "    - {name: sop, rate: 0.05, to: adaptation_fund}\n"
               "    - {name: omge, rate: 0.02, to: cancellation, rounding: ceil}\n")
    use = 1 + i % 2
    return """project: p%04d
title: Synthetic electric motorcycles %d
methodology: emotorcycles
host: %s
crediting_period: {first: 2021, last: 2040}
dimensions:
  fleet: [commuter, commercial]
  cpa: [main]
parameters:
  SSC_ROUTE: large_scale
  D:
    main:
      commuter: %s
      commercial: %s
  S:     {value: %.3f, uncertainty: {dist: triangular, min: 0.88, max: 0.98}}
  U:     {value: 0.90, uncertainty: {dist: triangular, min: 0.80, max: 0.97}}
  DD:    {value: {commuter: %d, commercial: %d}, uncertainty: {dist: normal, sd: 0.15, relative: true}}
  SFC:   {value: 0.022, uncertainty: {dist: triangular, min: 0.018, max: 0.028}}
  RHO:   {value: 0.74, uncertainty: {dist: uniform, min: 0.72, max: 0.77}}
  Y_SFC: 2020
  SEC:   {value: 0.030, uncertainty: 5%%}
  EF_grid:
    value: %s
    uncertainty: {dist: triangular, min: 0.85, max: 1.15, relative: true}
  TDL:   {value: 0.10, uncertainty: {dist: uniform, min: 0.07, max: 0.13}}
allocation:
  host: %s
  buyer: KOR
%s  split: %s
  first_transfer: transfer
  years: {issuance: {lag: 1}, transfer: {lag: 1}, use: {lag: %d}}
""" % (i, i, host, series(cmt), series(com), rnd.uniform(0.92, 0.97),
       rnd.randint(8000, 12000), rnd.randint(20000, 30000), ef, host, ded,
       split, use)


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    d = args[0]
    n, draws = 1000, 100000
    if "--projects" in args:
        n = int(args[args.index("--projects") + 1])
    if "--draws" in args:
        draws = int(args[args.index("--draws") + 1])
    rnd = random.Random(20300101)
    os.makedirs(os.path.join(d, "projects"), exist_ok=True)
    names = []
    for i in range(n):
        name = "projects/p%04d.yaml" % i
        with open(os.path.join(d, name), "w") as f:
            f.write(project(i, rnd))
        names.append(name)
    with open(os.path.join(d, "portfolio.yaml"), "w") as f:
        f.write("portfolio: national-bench\n")
        f.write("title: Synthetic national portfolio (%d projects)\n" % n)
        f.write("monte_carlo: {draws: %d, seed: 2030}\n" % draws)
        f.write("projects:\n")
        for name in names:
            f.write("  - %s\n" % name)
        f.write("parties:\n")
        f.write("  KOR:\n")
        f.write("    target: {volume: 37_500_000, by: 2030, count: use}\n")
        f.write("    ndc: {year: 2030, first: 2021, method: averaging}\n")
        for h in HOSTS:
            f.write("  %s: {keep: 0.3, ndc: {year: 2030, first: 2021, "
                    "method: trajectory}}\n" % h)


if __name__ == "__main__":
    main()
