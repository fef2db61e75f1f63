#!/usr/bin/env python3
# Independent derivation of the expected files of
# tests/cases/cambodia-emotorcycles-mp1: the first monitoring period of
# data/projects/cambodia-emotorcycles-mp1.yaml, from its data files, in
# plain Python (no mrv, no GSL): see DERIVATION.md.
import csv
import datetime as dt
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from student_t import t_quantile  # noqa: E402

DATA = os.path.join(HERE, "../../../data/projects/monitoring/cambodia-mp1")
START, END = dt.date(2025, 7, 18), dt.date(2026, 6, 30)
SPAN = {2025: (START, dt.date(2025, 12, 31)), 2026: (dt.date(2026, 1, 1), END)}
DAYS = {y: (b - a).days + 1 for y, (a, b) in SPAN.items()}   # 167, 181
FRAC = {y: DAYS[y] / 365 for y in DAYS}
FLEETS = ["commuter", "commercial"]


def rows(name):
    with open(os.path.join(DATA, name), newline="") as f:
        return list(csv.DictReader(f))


# --- vehicles in service: the registry -----------------------------------
N = {y: {f: 0.0 for f in FLEETS} for y in SPAN}
for r in rows("registry.csv"):
    a = dt.date.fromisoformat(r["commissioned"])
    z = dt.date.fromisoformat(r["retired"]) if r["retired"] else END
    for y, (s0, s1) in SPAN.items():
        d = (min(z, s1) - max(a, s0)).days + 1
        if d > 0:
            N[y][r["fleet"]] += d
for y in N:                              # vehicle-days / days: the mean
    for f in FLEETS:
        N[y][f] /= DAYS[y]

# --- metered electricity, with its gaps ------------------------------------
months = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 7)]
stations = [f"ST{k:02d}" for k in range(1, 25)]
kwh = {}                                 # (station, y, m) -> a reading
line = {}                                # (station, reading) -> its line
for i, r in enumerate(rows("charging.csv")):
    d = dt.date.fromisoformat(r["date"])
    if r["qc"] != "rejected":
        kwh[(r["station"], d.year, d.month)] = float(r["kwh"])
        line.setdefault((r["station"], float(r["kwh"])), i + 2)  # header: 1
gaps = [(s, y, m) for s in stations for (y, m) in months if (s, y, m) not in kwh]
# 'conservative: records': the station's own lowest or highest reading
rng = {s: (min(v for (t, y, m), v in kwh.items() if t == s),
           max(v for (t, y, m), v in kwh.items() if t == s)) for s, _, _ in gaps}

# --- the odometer survey ---------------------------------------------------
dist = {f: [] for f in FLEETS}
for r in rows("odometer.csv"):
    km_day = (float(r["odometer1_km"]) - float(r["odometer0_km"])) / float(r["days"])
    dist[r["fleet"]].append(km_day * 365)        # a year of 365 days
survey = {}
for f in FLEETS:
    x = dist[f]
    n = len(x)
    mean = sum(x) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    se = sd / math.sqrt(n)
    t = t_quantile(0.95, n - 1)
    rel = t * se / abs(mean)
    survey[f] = dict(n=n, mean=mean, se=se, t=t, rel=rel, met=rel <= 0.10)

# --- the model (emotorcycles-monitoring) -----------------------------------
# NCV: khm.mme2020's 43 TJ/Gg; EF_fuel: IPCC's lower bound 67.5 t/TJ
SFC, RHO, NCV, EF_FUEL, IR, Y_SFC = 0.022, 0.74, 43e-6, 67.5, 0.99, 2024
EF_GRID, TDL = {2025: 0.600, 2026: 0.588}, 0.13    # t/MWh
# tonnes CO2 per vehicle-km: L/km * kg/L * TJ/kg * t/TJ
EF_KM = SFC * RHO * NCV * EF_FUEL


def results(dd, fills):
    out = {}
    for y in SPAN:
        be = sum(N[y][f] * dd[f] for f in FLEETS) * EF_KM * IR ** (y - Y_SFC)
        be *= FRAC[y]                                   # a rate: its share
        e = sum(kwh.get((s, yy, m), fills.get((s, yy, m), 0.0))
                for s in stations for (yy, m) in months if yy == y) / 1000
        pe = e * EF_GRID[y] / (1 - TDL)                 # an amount: as it is
        out[y] = [be, pe, 0.0, be - pe]
    return out


def total_er(dd, fills):
    return sum(r[3] for r in results(dd, fills).values())


# gaps first (with the surveys' provisional lower bounds), then surveys
dd = {f: s["mean"] if s["met"] else s["mean"] - s["t"] * s["se"]
      for f, s in survey.items()}
fills, chosen = {}, {}
for g in gaps:
    lo, hi = rng[g[0]]
    er = {}
    for end, v in (("lower", lo), ("upper", hi)):
        er[end] = total_er(dd, {**fills, g: v})
    chosen[g] = "upper" if er["upper"] < er["lower"] else "lower"
    fills[g] = hi if chosen[g] == "upper" else lo
for f, s in survey.items():
    if s["met"]:
        s["used"] = "mean"
        continue
    er = {}
    for end, sign in (("lower bound", -1), ("upper bound", 1)):
        er[end] = total_er({**dd, f: s["mean"] + sign * s["t"] * s["se"]}, fills)
    s["used"] = min(er, key=er.get)
    dd[f] = s["mean"] + (1 if s["used"] == "upper bound" else -1) * s["t"] * s["se"]
mon = results(dd, fills)

# --- the ex-ante project over the same days (emotorcycles) -----------------
# Its first component, tranche_2025, deploys the 2025 and 2026 vehicles;
# the Type III limit per component (60 kt a year) is far above what it
# reduces in these years, so the cap takes nothing.
D = {"commuter": {2025: 5000, 2026: 12000}, "commercial": {2025: 8000, 2026: 25000}}
S, U, F1 = 0.95, 0.90, 0.5
DD_EA = {"commuter": 20 * 365, "commercial": 25000}     # 20 km/d, a year of 365 d
SEC = 0.030e-3                                          # MWh/km
ea = {}
for y in SPAN:
    vkm = sum(D[f][v] * S ** (y - v) * U * (F1 if v == y else 1) * DD_EA[f]
              for f in FLEETS for v in range(2025, y + 1))
    be = vkm * EF_KM * IR ** (y - Y_SFC) * FRAC[y]
    pe = vkm * SEC * EF_GRID[y] / (1 - TDL) * FRAC[y]
    ea[y] = [be, pe, 0.0, be - pe]


def num(x):
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


names = ["baseline", "project", "leakage", "reductions"]
tot = [sum(mon[y][r] for y in mon) for r in range(4)]
ea_tot = [sum(ea[y][r] for y in ea) for r in range(4)]
with open(os.path.join(HERE, "expected.csv"), "w") as f:
    f.write("vintage,result,central\n")
    for y in SPAN:
        for r, n in enumerate(names):
            f.write(f"{y},{n},{num(mon[y][r])}\n")
    for n in names:
        f.write(f"2027,{n},0\n")
    for r, n in enumerate(names):
        f.write(f"total,{n},{num(tot[r])}\n")
with open(os.path.join(HERE, "expected-periods.csv"), "w") as f:
    f.write("period,result,start,end,central\n")
    for r, n in enumerate(names):
        f.write(f"MP1,{n},2025-07-18,2026-06-30,{num(tot[r])}\n")
with open(os.path.join(HERE, "expected-surveys.csv"), "w") as f:
    f.write("parameter,stratum,n,mean,se,t,relative_precision,used,value\n")
    for fl, s in survey.items():
        f.write(f"DD,fleet {fl},{s['n']},{num(s['mean'])},{num(s['se'])},"
                f"{num(s['t'])},{num(s['rel'])},{s['used']},{num(dd[fl])}\n")
with open(os.path.join(HERE, "expected-gaps.csv"), "w") as f:
    f.write("slot,members,window,fill,value,range_low,range_high,chosen,"
            "source_line\n")
    for (s, y, m) in gaps:
        lo, hi = rng[s]
        v = fills[(s, y, m)]
        f.write(f"{y:04d}-{m:02d},station {s},run,conservative,"
                f"{num(v)},{num(lo)},{num(hi)},{chosen[(s, y, m)]},"
                f"{line[(s, v)]}\n")
with open(os.path.join(HERE, "expected-exante.csv"), "w") as f:
    f.write("id,result,ex_ante,monitored,difference\n")
    for y in SPAN:
        for r, n in enumerate(names):
            f.write(f"{y},{n},{num(ea[y][r])},{num(mon[y][r])},"
                    f"{num(mon[y][r] - ea[y][r])}\n")
    for r, n in enumerate(names):
        f.write(f"MP1,{n},{num(ea_tot[r])},{num(tot[r])},"
                f"{num(tot[r] - ea_tot[r])}\n")
