#!/usr/bin/python3
"""Prints the constant tables of engine/src/pmath.c, computed to 60 digits
with Python's decimal module (which needs no libm):

  tools/pmath-tables.py > /tmp/tables.c   (then paste into pmath.c)

Each value v is written as a pair of doubles hi + lo: hi is v rounded to
nearest, lo is v - hi rounded to nearest, so hi + lo holds v to about
2^-106 relative.  Where a product with an integer must be exact, hi is
rounded to fewer bits (the "cut" constants below).
"""
import struct
from decimal import Decimal, getcontext

getcontext().prec = 60
LN2 = Decimal(2).ln()
LN10 = Decimal(10).ln()
N = 128


def hexd(x):
    return float(x).hex()


def pair(v):
    hi = float(v)
    lo = float(v - Decimal(hi))
    return hi, lo


def cut(v, bits):
    """v rounded to a double with only 'bits' significant bits."""
    hi = float(v)
    b = struct.unpack("<Q", struct.pack("<d", hi))[0]
    drop = 53 - bits
    b &= ~((1 << drop) - 1)
    hi = struct.unpack("<d", struct.pack("<Q", b))[0]
    lo = float(v - Decimal(hi))
    return hi, lo


def main():
    h, l = cut(LN2, 42)
    print("#define LN2_HI %s /* 42 bits: e * LN2_HI is exact */" % hexd(h))
    print("#define LN2_LO %s" % hexd(l))
    h, l = cut(LN2 / N, 34)
    print("#define LN2N_HI %s /* ln 2 / %d, 34 bits */" % (hexd(h), N))
    print("#define LN2N_LO %s" % hexd(l))
    print("#define INVLN2N %s /* %d / ln 2 */" % (hexd(Decimal(N) / LN2), N))
    h, l = pair(1 / LN10)
    print("#define INVLN10_HI %s /* 1 / ln 10 */" % hexd(h))
    print("#define INVLN10_LO %s" % hexd(l))
    table("exp2", "2^(j/%d)" % N,
          [pair((LN2 * j / N).exp()) for j in range(N)])
    table("logc", "ln(1 + j/%d)" % N,
          [pair((1 + Decimal(j) / N).ln()) for j in range(N)])


def table(name, what, vals):
    """Two arrays name_hi and name_lo, three values a line."""
    print()
    print("/* %s = %s_hi[j] + %s_lo[j]. */" % (what, name, name))
    for part, k in (("hi", 0), ("lo", 1)):
        print("static const double %s_%s[%d] = {" % (name, part, N))
        for j in range(0, N, 3):
            print("    " + ", ".join(hexd(v[k]) for v in vals[j:j + 3]) + ",")
        print("};")

main()
