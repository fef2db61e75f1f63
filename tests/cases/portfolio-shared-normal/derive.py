#!/usr/bin/env python3
# Writes this case's expected-*.csv from the closed forms of DERIVATION.md
# (the normal distribution only; nothing here runs mrv).
import math, os

here = os.path.dirname(os.path.abspath(__file__))
n = 200000
mu1, s1 = 500000.0, 30000.0   # khm-a: A
mu2, s2 = 400000.0, 40000.0   # mng-b: A
muf, sf = 50000.0, 20000.0    # the shared factor entry F, read by both
T = 950000.0

def Phi(x): return 0.5 * math.erfc(-x / math.sqrt(2))
def phi(x): return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

mu = mu1 + mu2 + 2 * muf                      # D = A1 + A2 + 2F
var = s1**2 + s2**2 + 4 * sf**2               # F counts twice: (2 sf)^2
s = math.sqrt(var)
z = (mu - T) / s
p = Phi(z)
p_indep = Phi((mu - T) / math.sqrt(s1**2 + s2**2 + 2 * sf**2))
# Shortfall S = max(T - D, 0): a = (T - mu)/s.
a = (T - mu) / s
es = (T - mu) * Phi(a) + s * phi(a)
es2 = ((T - mu)**2 + var) * Phi(a) + (T - mu) * s * phi(a)
se_es = math.sqrt(es2 - es * es) / math.sqrt(n)
zq = 1.959963984540054
lo, hi = mu - zq * s, mu + zq * s
se_q = math.sqrt(0.025 * 0.975 / n) / (phi(zq) / s)
se_p = math.sqrt(p * (1 - p) / n)
# Euler shares of the variance: Cov(c_i, D) / Var(D).
sh1 = (s1**2 + 2 * sf**2) / var
sh2 = (s2**2 + 2 * sf**2) / var
sd1 = math.sqrt(s1**2 + sf**2)
sd2 = math.sqrt(s2**2 + sf**2)

def w(name, rows):
    with open(os.path.join(here, name), "w") as f:
        for r in rows: f.write(",".join(str(x) for x in r) + "\n")

w("expected-targets.csv", [
    ("party", "volume", "count", "probability", "counted_central",
     "counted_mean", "counted_lower", "counted_upper", "shortfall_central",
     "shortfall_mean"),
    ("KOR", 950000, "use", "%.6f~%.6f" % (p, 4 * se_p), 1000000,
     "%.1f~%.1f" % (mu, 4 * s / math.sqrt(n)),
     "%.1f~%.1f" % (lo, 4 * se_q), "%.1f~%.1f" % (hi, 4 * se_q), 0,
     "%.1f~%.1f" % (es, 4 * se_es)),
])
w("expected-contributions.csv", [
    ("project", "buyer", "host", "counted_central", "counted_sd",
     "p_without", "variance_share", "shared_inputs"),
    ("khm-a", "KOR", "KHM", 550000, "%.1f~%.1f" % (sd1, 4 * sd1 / math.sqrt(2 * n)),
     0, "%.5f~0.012" % sh1, 1),
    ("mng-b", "KOR", "MNG", 450000, "%.1f~%.1f" % (sd2, 4 * sd2 / math.sqrt(2 * n)),
     0, "%.5f~0.012" % sh2, 1),
])
w("expected-ndc.csv", [
    ("party", "method", "chosen", "central"),
    ("KOR", "trajectory", "no", -1000000),
    ("KOR", "budget", "no", -1000000),
    ("KOR", "averaging", "yes", -500000),
    ("KHM", "trajectory", "yes", 550000),
    ("KHM", "budget", "no", 550000),
    ("KHM", "averaging", "no", 275000),
])
w("expected-shared.csv", [
    ("input", "kind", "uncertainty", "projects"),
    ("pfcase/f", "factor", "normal", "khm-a mng-b"),
])
w("expected-portfolio.csv", [
    ("series", "year", "central"),
    ("KOR.used", 2026, 1000000),
    ("KOR.adjustment", 2026, -1000000),
    ("KHM.transferred", 2026, 550000),
    ("MNG.adjustment", 2026, 450000),
    ("KHM.issued", "total", 550000),
    ("KHM.kept", "total", 0),
])
print("p = %.6f (independent F: %.6f), sd = %.2f, E[S] = %.2f" % (p, p_indep, s, es))
