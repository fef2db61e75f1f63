/*
** decimal.h -- exact numbers for an agreement: the rates, shares and
** volumes, kept as written.
**
** A rate is the number its author wrote, never a binary double: a
** decimal (0.07 is 7 / 10^2), a percentage (5% is 5 / 10^2) or a fraction
** (10/17), held as an exact ratio of two 64-bit integers.  Every product
** of a rate and a whole number of tonnes is computed exactly, in 128-bit
** integers, with the rounding the agreement names: 0.07 x 100 is 7 and
** never 7.000000000000001, and 10/17 of 680,000 is 400,000, so a working
** group checking the ledger by hand finds the same tonne.
*/
#ifndef MRV_DECIMAL_H
#define MRV_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* num / den exactly, as written: 0.07 is {7, 100}, 5% is {5, 100},
** 10/17 is {10, 17}.  den > 0; a decimal has den = 10^k. */
typedef struct mrv_dec {
    int64_t num;
    int64_t den;
} mrv_dec;

typedef enum mrv_rounding {
    MRV_ROUND_FLOOR,
    MRV_ROUND_CEIL,
    MRV_ROUND_NEAREST /* ties half up */
} mrv_rounding;

/* Parses 'len' bytes of 's': a decimal (an optional sign, digits with
** '_' allowed between two digits, an optional '.' and at most
** MRV_DEC_MAX_DIGITS decimals; trailing zeros are dropped), the same
** followed by '%' (a hundredth of it), or a fraction of two whole numbers
** "A/B" with B > 0.  No exponent.  At most MRV_DEC_MAX_DIGITS
** significant digits (|num| < 10^18, den <= 10^18).  Returns false with
** a reason in *why when it is none of these or does not fit. */
bool mrv_dec_parse(const char *s, size_t len, mrv_dec *out, const char **why);

/* Whether x is a decimal: its den a power of ten, 10^*k (k <= 18). */
bool mrv_dec_is_decimal(mrv_dec x, unsigned *k);

/* rate x base rounded as asked, exactly (128-bit intermediates), for
** rate >= 0 and base >= 0: nothing overflows, and for rate <= 1 the
** result is at most base. */
int64_t mrv_dec_mul(mrv_dec rate, int64_t base, mrv_rounding r);

/* a + b exactly, in lowest terms when they are not both decimals of one
** scale; false (and *out untouched) when the sum does not fit. */
bool mrv_dec_add(mrv_dec a, mrv_dec b, mrv_dec *out);

/* -1, 0 or 1 as a < b, a == b, a > b; exact, never overflows. */
int mrv_dec_cmp(mrv_dec a, mrv_dec b);

/* Decimals an estimate (or a relative half-width) is rounded to before
** it is compared or rounded down: a millionth of a tonne is a gram. */
#define MRV_LEDGER_DECIMALS 6

/* x rounded to MRV_LEDGER_DECIMALS decimals, halves away from zero.
** Computed estimates carry binary rounding error (90 MWh x 0.7 tCO2/MWh
** comes out as 62.99999999999999 t); rounding to a gram first makes an
** estimate that is a whole number of tonnes by hand that number here,
** for any estimate below about 10^9 t (where a double still resolves a
** gram through a few dozen operations).  The ledger's issuance and the
** conservativeness rules' bands both compare at these decimals. */
double mrv_ledger_round(double x);

/* Whether 0 <= x <= 1 (a rate or share). */
bool mrv_dec_in_unit(mrv_dec x);

/* The canonical text of 'x': a decimal when it has one ("0.05",
** "400000", "0.5" for 1/2), else the fraction ("10/17"); returns buf. */
char *mrv_dec_format(mrv_dec x, char *buf, size_t n);

/* 'x' as a percentage when it is a decimal ("5.5 %"), else as the
** fraction ("10/17"); returns buf. */
char *mrv_dec_format_percent(mrv_dec x, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MRV_DECIMAL_H */
