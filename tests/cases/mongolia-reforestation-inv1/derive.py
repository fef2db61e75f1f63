#!/usr/bin/env python3
# Independent derivation of the expected files of
# tests/cases/mongolia-reforestation-inv1: the first inventory of
# data/projects/mongolia-reforestation-inv1.yaml, from its data files, in
# plain Python (no mrv, no GSL): see DERIVATION.md.
import csv
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from student_t import t_quantile  # noqa: E402

DATA = os.path.join(HERE, "../../../data/projects/monitoring/mongolia-inv1")
STRATA = ["larch_26", "pine_27"]
A = {"larch_26": 500, "pine_27": 300}                  # ha
ALLO = {"larch_26": (0.045, 0.93), "pine_27": (0.038, 0.95)}
CF, DF, T = 0.47, 0.08 + 0.04, 5                       # C fraction, DW + LI, years


def bgb(b):                                            # AR-TOOL14's root function R(b) * b
    return math.exp(-1.085) * b ** 0.9256
LK = 600 * 1.5 * 0.5                                   # t, in 2026


def rows(name):
    with open(os.path.join(DATA, name), newline="") as f:
        return list(csv.DictReader(f))


# --- the inventory ----------------------------------------------------------
plots = {r["plot_id"]: (r["stratum"], float(r["area_m2"])) for r in rows("plots.csv")}
trees = rows("trees.csv")
dbh = {t["tree_id"]: float(t["dbh_cm"]) for t in trees
       if t["note"] != "rejected" and t["dbh_cm"]}
ht = {t["tree_id"]: float(t["height_m"]) for t in trees if t["height_m"]}
gap_dbh = [t["tree_id"] for t in trees if t["tree_id"] not in dbh]
gap_h = [t["tree_id"] for t in trees if t["tree_id"] not in ht]
# 'conservative: records': a tree has one row, so the range is every
# tree's readings
rng = {"DBH": (min(dbh.values()), max(dbh.values())),
       "H": (min(ht.values()), max(ht.values()))}


def plot_biomass(d, h):
    """t/ha of above-ground biomass per plot."""
    kg = {p: 0.0 for p in plots}
    for t in trees:
        a, b = ALLO[t["stratum"]]
        kg[t["plot_id"]] += a * (d[t["tree_id"]] ** 2 * h[t["tree_id"]]) ** b
    return {p: kg[p] / 1000 / (plots[p][1] / 10000) for p in plots}


def survey(bp):
    out = {}
    for s in STRATA:
        x = [v for p, v in bp.items() if plots[p][0] == s]
        n = len(x)
        mean = sum(x) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
        se = sd / math.sqrt(n)
        t = t_quantile(0.95, n - 1)
        out[s] = dict(n=n, mean=mean, se=se, t=t, rel=t * se / abs(mean))
        out[s]["met"] = out[s]["rel"] <= 0.10
    return out


def agb_used(sv, ends):
    """Each stratum's value: the mean, or the bound named in 'ends'."""
    return {s: v["mean"] if v["met"] else
            v["mean"] + (1 if ends.get(s) == "upper bound" else -1) * v["t"] * v["se"]
            for s, v in sv.items()}


def act(agb):                                  # tCO2e a year of the period
    stock = 44 / 12 * CF * sum(A[s] * (agb[s] + bgb(agb[s])) for s in STRATA)
    return (1 + DF) * stock / T


def total_net(agb):
    return 5 * act(agb) - LK


def state(fill):
    d = dict(dbh, **{t: fill["DBH"] for t in gap_dbh})
    h = dict(ht, **{t: fill["H"] for t in gap_h})
    return survey(plot_biomass(d, h))


# the gaps, each end tried (the surveys re-estimated, at their lower
# bounds while provisional), DBH before H as the methodology lists them
fill = {"DBH": rng["DBH"][0], "H": rng["H"][0]}
chosen = {}
for par in ("DBH", "H"):
    net = {}
    for i, end in enumerate(("lower", "upper")):
        net[end] = total_net(agb_used(state({**fill, par: rng[par][i]}), {}))
    chosen[par] = "upper" if net["upper"] < net["lower"] else "lower"
    fill[par] = rng[par][1 if chosen[par] == "upper" else 0]
sv = state(fill)
ends = {}
for s, v in sv.items():
    if v["met"]:
        v["used"] = "mean"
        continue
    net = {e: total_net(agb_used(sv, {**ends, s: e}))
           for e in ("lower bound", "upper bound")}
    v["used"] = ends[s] = min(net, key=net.get)
agb = agb_used(sv, ends)
mon = {}
for y in range(2026, 2031):
    a_ = act(agb)
    lk = LK if y == 2026 else 0.0
    mon[y] = [0.0, a_, lk, a_ - lk]

# --- ex ante over the same days (reforestation, mongolia-reforestation) ---
PLANTED = {"larch_26": 2026, "pine_27": 2027}
BMAX, K, P, SV = 100, 0.035, 3, 0.85                   # no mortality beyond the curve's


def c_tree(y):
    total = 0.0
    for s in STRATA:
        b = BMAX * (1 - math.exp(-K * max(0, y + 1 - PLANTED[s]))) ** P * SV
        total += 44 / 12 * CF * A[s] * (b + bgb(b))
    return total


ea = {}
for y in range(2026, 2031):
    a_ = (c_tree(y) - c_tree(y - 1)) * (1 + DF)
    lk = LK if y == 2026 else 0.0
    ea[y] = [0.0, a_, lk, a_ - lk]


def num(x):
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


names = ["baseline", "project", "leakage", "reductions"]
tot = [sum(mon[y][r] for y in mon) for r in range(4)]
ea_tot = [sum(ea[y][r] for y in ea) for r in range(4)]
with open(os.path.join(HERE, "expected.csv"), "w") as f:
    f.write("vintage,result,central\n")
    for y in mon:
        for r, n in enumerate(names):
            f.write(f"{y},{n},{num(mon[y][r])}\n")
    for n in names:
        f.write(f"2031,{n},0\n")
    for r, n in enumerate(names):
        f.write(f"total,{n},{num(tot[r])}\n")
with open(os.path.join(HERE, "expected-periods.csv"), "w") as f:
    f.write("period,result,start,end,central\n")
    for r, n in enumerate(names):
        f.write(f"V1,{n},2026-01-01,2030-12-31,{num(tot[r])}\n")
with open(os.path.join(HERE, "expected-surveys.csv"), "w") as f:
    f.write("parameter,stratum,n,mean,se,t,relative_precision,used,value\n")
    for s, v in sv.items():
        f.write(f"AGB,stratum {s},{v['n']},{num(v['mean'])},{num(v['se'])},"
                f"{num(v['t'])},{num(v['rel'])},{v['used']},{num(agb[s])}\n")
with open(os.path.join(HERE, "expected-gaps.csv"), "w") as f:
    f.write("members,parameter,problem,fill,value,range_low,range_high,chosen\n")
    for par, ids, why in (("DBH", gap_dbh, "rejected reading"),
                          ("H", gap_h, "empty value")):
        for t in ids:
            f.write(f"tree {t},{par},{why},conservative,{num(fill[par])},"
                    f"{num(rng[par][0])},{num(rng[par][1])},{chosen[par]}\n")
with open(os.path.join(HERE, "expected-exante.csv"), "w") as f:
    f.write("id,result,ex_ante,monitored,difference\n")
    for y in ea:
        for r, n in enumerate(names):
            f.write(f"{y},{n},{num(ea[y][r])},{num(mon[y][r])},"
                    f"{num(mon[y][r] - ea[y][r])}\n")
    for r, n in enumerate(names):
        f.write(f"V1,{n},{num(ea_tot[r])},{num(tot[r])},"
                f"{num(tot[r] - ea_tot[r])}\n")
