# Independent derivation of expected.csv and expected-periods.csv for
# tests/cases/monitoring-periods: exact fractions, no mrv involved.
from fractions import Fraction as F
import datetime as dt

def days(a, b):                       # inclusive
    return (b - a).days + 1

months = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 13)]
kwh = {}
for i, (y, m) in enumerate(months):
    kwh[("S1", y, m)] = 1000 + 10 * i
    kwh[("S2", y, m)] = 2000 + 20 * i
# the data file's two problems, filled by 'missing: hold'
kwh[("S2", 2025, 10)] = kwh[("S2", 2025, 9)]   # no row: hold September
kwh[("S1", 2026, 3)] = kwh[("S1", 2026, 2)]    # rejected: hold February

def mwh(sel):                         # the metered amount of some months
    return F(sum(v for (s, y, m), v in kwh.items() if sel(y, m)), 1000)

EF = {2025: F("0.6"), 2026: F("0.58"), 2027: F("0.56")}
NVK = 100 * F("0.5")                  # t a year, for a whole year

def results(amount, ef, share):
    be = amount * ef + NVK * share    # an amount as it is; a rate times the share
    pe = F(1, 10) * amount * ef
    return {"baseline": be, "project": pe, "leakage": F(0), "reductions": be - pe}

d25 = days(dt.date(2025, 7, 18), dt.date(2025, 12, 31))      # 167
vint = {
    2025: results(mwh(lambda y, m: y == 2025), EF[2025], F(d25, 365)),
    2026: results(mwh(lambda y, m: y == 2026), EF[2026], F(1)),
    2027: results(F(0), EF[2027], F(0)),
}
h1 = days(dt.date(2026, 1, 1), dt.date(2026, 6, 30))         # 181
h2 = days(dt.date(2026, 7, 1), dt.date(2026, 12, 31))        # 184
mp1_26 = results(mwh(lambda y, m: y == 2026 and m <= 6), EF[2026], F(h1, 365))
mp2 = results(mwh(lambda y, m: y == 2026 and m >= 7), EF[2026], F(h2, 365))
mp1 = {r: vint[2025][r] + mp1_26[r] for r in mp1_26}

def num(x):
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s

names = ["baseline", "project", "leakage", "reductions"]
with open("expected.csv", "w") as f:
    f.write("vintage,result,central,frac\n")
    fr = {2025: F(d25, 365), 2026: F(1), 2027: F(0)}
    for v in (2025, 2026, 2027):
        for r in names:
            f.write(f"{v},{r},{num(vint[v][r])},{num(fr[v])}\n")
    for r in names:
        f.write(f"total,{r},{num(sum(vint[v][r] for v in vint))},\n")
with open("expected-periods.csv", "w") as f:
    f.write("period,result,start,end,central\n")
    for pid, a, z, res in (("MP1", "2025-07-18", "2026-06-30", mp1),
                           ("MP2", "2026-07-01", "2026-12-31", mp2)):
        for r in names:
            f.write(f"{pid},{r},{a},{z},{num(res[r])}\n")
