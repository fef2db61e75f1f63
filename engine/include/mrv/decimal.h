/*
** decimal.h -- exact decimals: the rates, shares and volumes of an
** agreement, kept as written.
**
** A rate is the decimal its author wrote (0.07 is 7 / 10^2), never a
** binary double, and every product of a rate and a whole number of
** tonnes is computed in 64-bit integers with the rounding the agreement
** names, so 0.07 x 100 is 7 and never 7.000000000000001: a working group
** checking the ledger by hand finds the same tonne.
*/
#ifndef MRV_DECIMAL_H
#define MRV_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"

/* The decimal num / 10^k, as written (0.07 is {7, 2}). */
typedef struct mrv_dec {
    int64_t num;
    unsigned k; /* 0 .. MRV_DEC_MAX_DIGITS */
} mrv_dec;

typedef enum mrv_rounding {
    MRV_ROUND_FLOOR,
    MRV_ROUND_CEIL,
    MRV_ROUND_NEAREST /* ties half up */
} mrv_rounding;

/* Parses 'len' bytes of 's' as a decimal: an optional sign, digits ('_'
** allowed between two digits), an optional '.' and at most
** MRV_DEC_MAX_DIGITS significant decimals (trailing zeros are dropped).
** No exponent.  Returns false with a reason in *why when it is not one or
** when it does not fit (|num| < 10^18). */
bool mrv_dec_parse(const char *s, size_t len, mrv_dec *out, const char **why);

/* rate x base rounded as asked, exactly, in 64-bit integers: for
** 0 <= rate <= 1 and 0 <= base <= INT64_MAX / 2 nothing overflows. */
int64_t mrv_dec_mul(mrv_dec rate, int64_t base, mrv_rounding r);

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

/* The canonical text of 'x' ("0.05", "400000"); returns buf. */
char *mrv_dec_format(mrv_dec x, char *buf, size_t n);

#endif /* MRV_DECIMAL_H */
