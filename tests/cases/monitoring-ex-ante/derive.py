# Independent derivation of expected-exante.csv for
# tests/cases/monitoring-ex-ante: exact fractions, no mrv involved.  The
# monitored numbers are those of tests/cases/monitoring-periods (its
# derive.py); the ex-ante ones follow from the yearly values in
# 'parameters'.
from fractions import Fraction as F
import datetime as dt

def days(a, b):
    return (b - a).days + 1

months = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 13)]
kwh = {}
for i, (y, m) in enumerate(months):
    kwh[("S1", y, m)] = 1000 + 10 * i
    kwh[("S2", y, m)] = 2000 + 20 * i
kwh[("S2", 2025, 10)] = kwh[("S2", 2025, 9)]
kwh[("S1", 2026, 3)] = kwh[("S1", 2026, 2)]

def mwh(sel):
    return F(sum(v for (s, y, m), v in kwh.items() if sel(y, m)), 1000)

EF = {2025: F("0.6"), 2026: F("0.58")}
NVK = 50
EC_RATE = 12 + 24            # MWh a year, both stations, ex ante

def results(amount, ef, share):
    be = amount * ef + NVK * share
    pe = F(1, 10) * amount * ef
    return [be, pe, F(0), be - pe]

s25 = F(days(dt.date(2025, 7, 18), dt.date(2025, 12, 31)), 365)
h1 = F(days(dt.date(2026, 1, 1), dt.date(2026, 6, 30)), 365)
h2 = F(days(dt.date(2026, 7, 1), dt.date(2026, 12, 31)), 365)
# ex ante, the yearly rate is an amount only once scaled by the share
ea = {"2025": results(EC_RATE * s25, EF[2025], s25),
      "2026": results(EC_RATE * 1, EF[2026], F(1)),
      "MP1": [a + b for a, b in zip(results(EC_RATE * s25, EF[2025], s25),
                                    results(EC_RATE * h1, EF[2026], h1))],
      "MP2": results(EC_RATE * h2, EF[2026], h2)}
mo = {"2025": results(mwh(lambda y, m: y == 2025), EF[2025], s25),
      "2026": results(mwh(lambda y, m: y == 2026), EF[2026], F(1)),
      "MP1": [a + b for a, b in zip(
          results(mwh(lambda y, m: y == 2025), EF[2025], s25),
          results(mwh(lambda y, m: y == 2026 and m <= 6), EF[2026], h1))],
      "MP2": results(mwh(lambda y, m: y == 2026 and m >= 7), EF[2026], h2)}

def num(x):
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s

names = ["baseline", "project", "leakage", "reductions"]
with open("expected-exante.csv", "w") as f:
    f.write("id,result,scope,ex_ante,monitored,difference\n")
    for k in ("2025", "2026", "MP1", "MP2"):
        scope = "period" if k.startswith("MP") else "vintage"
        for r, n in enumerate(names):
            f.write(f"{k},{n},{scope},{num(ea[k][r])},{num(mo[k][r])},"
                    f"{num(mo[k][r] - ea[k][r])}\n")
