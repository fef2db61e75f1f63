/*
** decimal.c -- exact numbers of an agreement (decimal.h): parsing,
** rate x tonnes with the agreement's rounding, sums, and the canonical
** text.
**
** A number is num / den with |num| < 10^18 and 0 < den <= 10^18: a
** decimal (den = 10^k, k <= MRV_DEC_MAX_DIGITS), a percentage (den =
** 10^(k + 2)) or a fraction as written (10/17), read digit by digit from
** its text (no strtod, so no binary rounding on the way in).  Products
** and sums are formed in 128 bits, where they cannot overflow; a sum that
** does not fit back in 64 is refused, never rounded.  Nothing here
** allocates or reads YAML.
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

/* 128-bit intermediates: a rate's numerator times tonnes, or two
** numerators times the other's denominator, stays below 2^126. */
__extension__ typedef __int128 i128;

/* The limit as text, for a message that is a string constant. */
#define DIGITS_TEXT(n)  DIGITS_TEXT_(n)
#define DIGITS_TEXT_(n) #n

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal num / 10^k from s[0..len): sign, digits with '_' between two
** of them, an optional '.'. */
static bool parse_decimal(const char *s, size_t len, int64_t *num_out,
                          unsigned *k_out, const char **why)
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
    *num_out = neg ? -num : num;
    *k_out = k;
    return true;
too_many:
    *why = "more than " DIGITS_TEXT(MRV_DEC_MAX_DIGITS) " decimals";
    return false;
too_large:
    *why = "more than " DIGITS_TEXT(MRV_DEC_MAX_DIGITS) " digits";
    return false;
}

bool mrv_dec_parse(const char *s, size_t len, mrv_dec *out, const char **why)
{
    const char *slash = memchr(s, '/', len);
    int64_t num, den;
    unsigned k;
    if (slash) {
        /* A fraction of two whole numbers: 10/17. */
        size_t nl = (size_t)(slash - s);
        unsigned kd;
        if (!parse_decimal(s, nl, &num, &k, why) ||
            !parse_decimal(slash + 1, len - nl - 1, &den, &kd, why))
            return false;
        if (k || kd || memchr(s, '.', len)) {
            *why = "a fraction is two whole numbers, such as 10/17";
            return false;
        }
        if (den <= 0 || slash[1] == '+') {
            *why = "a fraction's denominator must be a positive whole number";
            return false;
        }
        out->num = num;
        out->den = den;
        return true;
    }
    bool pct = len > 0 && s[len - 1] == '%';
    if (!parse_decimal(s, len - pct, &num, &k, why)) return false;
    if (pct && k + 2 > MRV_DEC_MAX_DIGITS) {
        *why = "more than " DIGITS_TEXT(MRV_DEC_MAX_DIGITS) " decimals once "
                                                            "read as a share";
        return false;
    }
    out->num = num;
    out->den = mrv__pow10[k + (pct ? 2 : 0)];
    return true;
}

bool mrv_dec_is_decimal(mrv_dec x, unsigned *k)
{
    for (unsigned i = 0; i <= 18; i++) {
        if (x.den == mrv__pow10[i]) {
            if (k) *k = i;
            return true;
        }
    }
    return false;
}

int64_t mrv_dec_mul(mrv_dec rate, int64_t base, mrv_rounding r)
{
    i128 p = (i128)rate.num * base;
    i128 whole = p / rate.den, frac = p % rate.den;
    switch (r) {
    case MRV_ROUND_FLOOR:
        break;
    case MRV_ROUND_CEIL:
        whole += frac > 0;
        break;
    case MRV_ROUND_NEAREST:
        whole += 2 * frac >= rate.den; /* ties half up */
        break;
    }
    return (int64_t)whole;
}

static i128 gcd128(i128 a, i128 b)
{
    if (a < 0) a = -a;
    while (b) {
        i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

bool mrv_dec_add(mrv_dec a, mrv_dec b, mrv_dec *out)
{
    i128 num, den;
    if (a.den == b.den) {
        num = (i128)a.num + b.num;
        den = a.den;
    } else {
        num = (i128)a.num * b.den + (i128)b.num * a.den;
        den = (i128)a.den * b.den;
        i128 g = gcd128(num, den);
        if (g > 1) {
            num /= g;
            den /= g;
        }
    }
    if (num > INT64_MAX || num < -INT64_MAX || den > INT64_MAX) return false;
    out->num = (int64_t)num;
    out->den = (int64_t)den;
    return true;
}

int mrv_dec_cmp(mrv_dec a, mrv_dec b)
{
    i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
    return (l > r) - (l < r);
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
    return x.num >= 0 && x.num <= x.den;
}

/* x as num / 10^k when its denominator divides 10^k for some k <= 18
** (1/2 is 5/10): the decimal it is, else false. */
static bool as_decimal(mrv_dec x, int64_t *num, unsigned *k)
{
    for (unsigned i = 0; i <= 18; i++) {
        if (mrv__pow10[i] % x.den != 0) continue;
        i128 n = (i128)x.num * (mrv__pow10[i] / x.den);
        if (n > INT64_MAX || n < -INT64_MAX) return false;
        *num = (int64_t)n;
        *k = i;
        return true;
    }
    return false;
}

/* num / 10^k as text, trailing zeros dropped. */
static void decimal_text(int64_t num, unsigned k, char *buf, size_t n)
{
    int64_t p = mrv__pow10[k];
    /* |INT64_MIN| is not an int64_t; no decimal reaches it. */
    uint64_t a = num < 0 ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
    const char *sign = num < 0 ? "-" : "";
    if (k == 0) {
        snprintf(buf, n, "%s%llu", sign, (unsigned long long)a);
        return;
    }
    char frac[24];
    snprintf(frac, sizeof frac, "%0*llu", (int)k,
             (unsigned long long)(a % (uint64_t)p));
    size_t fl = strlen(frac);
    while (fl > 0 && frac[fl - 1] == '0') frac[--fl] = '\0';
    if (fl == 0)
        snprintf(buf, n, "%s%llu", sign, (unsigned long long)(a / (uint64_t)p));
    else
        snprintf(buf, n, "%s%llu.%s", sign,
                 (unsigned long long)(a / (uint64_t)p), frac);
}

char *mrv_dec_format(mrv_dec x, char *buf, size_t n)
{
    int64_t num;
    unsigned k;
    if (as_decimal(x, &num, &k))
        decimal_text(num, k, buf, n);
    else
        snprintf(buf, n, "%lld/%lld", (long long)x.num, (long long)x.den);
    return buf;
}

char *mrv_dec_format_percent(mrv_dec x, char *buf, size_t n)
{
    int64_t num;
    unsigned k;
    if (!as_decimal(x, &num, &k)) return mrv_dec_format(x, buf, n);
    /* num / 10^k is (num / 10^(k - 2)) %, or num * 10^(2 - k) %. */
    if (k >= 2) {
        decimal_text(num, k - 2, buf, n);
    } else {
        i128 m = (i128)num * mrv__pow10[2 - k];
        if (m > INT64_MAX || m < -INT64_MAX) return mrv_dec_format(x, buf, n);
        decimal_text((int64_t)m, 0, buf, n);
    }
    size_t l = strlen(buf);
    if (l < n) snprintf(buf + l, n - l, " %%");
    return buf;
}
