"""Expected Monte Carlo statistics of a tests/cases case, in closed form.

A case whose results have a known distribution (a normal, a uniform, a
triangular, a constant) lists them in its derive.py; write_case() then
writes the case's expected.csv: central, mean, sd, lower, median and
upper as the distribution has them, each statistic as VALUE~TOL with
TOL four standard errors of its estimate from the case's draws (rounded
up to two significant digits; tests/run-cases accepts a number within
TOL of VALUE).  A result no draw moves is written exactly.

Standard errors for n independent draws (simple random sampling):
  mean        sd / sqrt(n)
  sd          sd * sqrt((kurtosis - 1) / (4 n))   (sd / sqrt(2n) for a normal)
  quantile p  sqrt(p (1 - p) / n) / f(x_p), f the density at the quantile
Python 3 standard library only; mrv is not involved.
"""
import math
import os
from statistics import NormalDist

COLS = ("mean", "sd", "lower", "median", "upper")
SE_MULTIPLE = 4


class Normal:
    kurtosis = 3.0

    def __init__(self, mean, sd):
        self.mean, self.sd, self._d = mean, sd, NormalDist(mean, sd)

    def quantile(self, p):
        return self._d.inv_cdf(p)

    def density(self, x):
        return self._d.pdf(x)


class Uniform:
    kurtosis = 9 / 5

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi
        self.mean, self.sd = (lo + hi) / 2, (hi - lo) / math.sqrt(12)

    def quantile(self, p):
        return self.lo + p * (self.hi - self.lo)

    def density(self, x):
        return 1 / (self.hi - self.lo)


class Triangular:
    """Minimum a, mode c, maximum b (the sum of two equal uniforms is one)."""
    kurtosis = 12 / 5

    def __init__(self, a, c, b):
        self.a, self.c, self.b = a, c, b
        self.mean = (a + b + c) / 3
        self.sd = math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)

    def quantile(self, p):
        a, b, c = self.a, self.b, self.c
        if p < (c - a) / (b - a):
            return a + math.sqrt(p * (b - a) * (c - a))
        return b - math.sqrt((1 - p) * (b - a) * (b - c))

    def density(self, x):
        a, b, c = self.a, self.b, self.c
        if x < c:
            return 2 * (x - a) / ((b - a) * (c - a))
        return 2 * (b - x) / ((b - a) * (b - c))


class Constant:
    """A result no draw moves: every statistic exact, sd 0."""
    kurtosis = 3.0

    def __init__(self, x):
        self.mean, self.sd = x, 0.0

    def quantile(self, p):
        return self.mean


def _prob(col, confidence):
    return {"lower": (1 - confidence) / 2, "median": 0.5,
            "upper": (1 + confidence) / 2}[col]


def value(dist, col, confidence):
    if col in ("mean", "sd"):
        return getattr(dist, col)
    return dist.quantile(_prob(col, confidence))


def standard_error(dist, col, n, confidence):
    if dist.sd == 0:
        return 0.0
    if col == "mean":
        return dist.sd / math.sqrt(n)
    if col == "sd":
        return dist.sd * math.sqrt((dist.kurtosis - 1) / (4 * n))
    p = _prob(col, confidence)
    return math.sqrt(p * (1 - p) / n) / dist.density(dist.quantile(p))


def round_up(x):
    """x rounded up to two significant digits."""
    e = math.floor(math.log10(x)) - 1
    return math.ceil(x / 10 ** e - 1e-9) * 10 ** e


def text(x):
    """The shortest text that reads back as the same double; no '.0'."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def write_case(folder, n, confidence, rows):
    """rows: (vintage, result, central value, distribution of the result)."""
    with open(os.path.join(folder, "expected.csv"), "w") as f:
        f.write("vintage,result,central," + ",".join(COLS) + "\n")
        for vintage, result, central, dist in rows:
            cells = []
            for c in COLS:
                v, se = value(dist, c, confidence), standard_error(
                    dist, c, n, confidence)
                tol = f"~{round_up(SE_MULTIPLE * se):.2g}" if se > 0 else ""
                cells.append(text(v) + tol)
            f.write(f"{vintage},{result},{text(central)}," +
                    ",".join(cells) + "\n")
