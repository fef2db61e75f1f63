/*
** decimal.c -- exact decimals (decimal.h): parsing, rate x tonnes with
** the agreement's rounding, and the canonical text.
**
** A decimal is num / 10^k with |num| < 10^18 and k <= MRV_DEC_MAX_DIGITS,
** read digit by digit from its text (no strtod, so no binary rounding on
** the way in).  Nothing here allocates or reads YAML.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "decimal_int.h"

const int64_t mrv__pow10[19] = {1LL,
                                10LL,
                                100LL,
                                1000LL,
                                10000LL,
                                100000LL,
                                1000000LL,
                                10000000LL,
                                100000000LL,
                                1000000000LL,
                                10000000000LL,
                                100000000000LL,
                                1000000000000LL,
                                10000000000000LL,
                                100000000000000LL,
                                1000000000000000LL,
                                10000000000000000LL,
                                100000000000000000LL,
                                1000000000000000000LL};

/* The limit as text, for a message that is a string constant. */
#define DIGITS_TEXT(n)  DIGITS_TEXT_(n)
#define DIGITS_TEXT_(n) #n

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool mrv_dec_parse(const char *s, size_t len, mrv_dec *out, const char **why)
{
    /* num stays below 10^18 so that one more digit still fits. */
    const int64_t limit = (mrv__pow10[18] - 10) / 10;
    size_t i = 0;
    bool neg = false, dot = false, digits = false;
    int64_t num = 0;
    unsigned k = 0, zeros = 0; /* zeros: fraction zeros not yet taken */
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < len; i++) {
        char c = s[i];
        if (c == '_') {
            /* Only between two digits, as the schema allows elsewhere. */
            if (i == 0 || i + 1 >= len || !is_digit(s[i - 1]) ||
                !is_digit(s[i + 1])) {
                *why = "'_' may only stand between two digits";
                return false;
            }
            continue;
        }
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!is_digit(c)) {
            *why = "not a decimal number";
            return false;
        }
        digits = true;
        if (dot && c == '0') {
            /* Trailing zeros are no precision: keep them pending. */
            zeros++;
            continue;
        }
        for (; zeros; zeros--) {
            if (k == MRV_DEC_MAX_DIGITS) goto too_many;
            if (num > limit) goto too_large;
            num *= 10;
            k++;
        }
        if (dot && k == MRV_DEC_MAX_DIGITS) goto too_many;
        if (num > limit) goto too_large;
        num = num * 10 + (c - '0');
        if (dot) k++;
    }
    if (!digits) {
        *why = "not a decimal number";
        return false;
    }
    out->num = neg ? -num : num;
    out->k = k;
    return true;
too_many:
    *why = "more than " DIGITS_TEXT(MRV_DEC_MAX_DIGITS) " decimals";
    return false;
too_large:
    *why = "too large";
    return false;
}

int64_t mrv_dec_mul(mrv_dec rate, int64_t base, mrv_rounding r)
{
    /* base = q 10^k + rem, so rate x base = num q + num rem / 10^k.  With
    ** num <= 10^k, num q <= base, and num rem < 10^18: no overflow. */
    int64_t p = mrv__pow10[rate.k];
    int64_t q = base / p, rem = base % p;
    int64_t lo = rate.num * rem;
    int64_t whole = lo / p, frac = lo % p;
    switch (r) {
    case MRV_ROUND_FLOOR:
        break;
    case MRV_ROUND_CEIL:
        whole += frac > 0;
        break;
    case MRV_ROUND_NEAREST:
        whole += 2 * frac >= p; /* ties half up */
        break;
    }
    return rate.num * q + whole;
}

double mrv_ledger_round(double x)
{
    if (!isfinite(x)) return x;
    /* The fraction of a double is exact, so only the sixth decimal is
    ** rounded, never the whole tonnes. */
    double whole = trunc(x), frac = x - whole;
    return whole + round(frac * 1e6) / 1e6;
}

bool mrv_dec_in_unit(mrv_dec x)
{
    return x.num >= 0 && x.num <= mrv__pow10[x.k];
}

char *mrv_dec_format(mrv_dec x, char *buf, size_t n)
{
    int64_t p = mrv__pow10[x.k];
    int64_t a = x.num < 0 ? -x.num : x.num;
    const char *sign = x.num < 0 ? "-" : "";
    if (x.k == 0) {
        snprintf(buf, n, "%s%lld", sign, (long long)a);
        return buf;
    }
    char frac[24];
    snprintf(frac, sizeof frac, "%0*lld", (int)x.k, (long long)(a % p));
    /* Decimals are normalised when parsed, but a sweep step may leave
    ** trailing zeros: drop them for the canonical text. */
    size_t fl = strlen(frac);
    while (fl > 0 && frac[fl - 1] == '0') frac[--fl] = '\0';
    if (fl == 0)
        snprintf(buf, n, "%s%lld", sign, (long long)(a / p));
    else
        snprintf(buf, n, "%s%lld.%s", sign, (long long)(a / p), frac);
    return buf;
}
