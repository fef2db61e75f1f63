/*
** ndc.c -- corresponding adjustments of a single-year NDC (ndc.h).
**
** Pure arithmetic on a Party's yearly ITMOs: no state, no allocation.
** The sums are of whole tonnes in 64-bit integers, converted to a
** double once.
*/
#include "ndc.h"

/* ITMOs of the years [from, to], exactly. */
static int64_t sum_years(const int64_t *amount, int y0, size_t n, int from,
                         int to)
{
    int64_t s = 0;
    for (int y = from; y <= to; y++) {
        if (y < y0 || (size_t)(y - y0) >= n) continue;
        s += amount[y - y0];
    }
    return s;
}

double mrv_ndc_adjustment(mrv_ca_method m, const int64_t *amount, int y0,
                          size_t n, int first, int year)
{
    switch (m) {
    case MRV_CA_TRAJECTORY:
        return (double)sum_years(amount, y0, n, year, year);
    case MRV_CA_BUDGET:
        return (double)sum_years(amount, y0, n, first, year);
    case MRV_CA_AVERAGING:
    case MRV_NCA:
        break;
    }
    return (double)sum_years(amount, y0, n, first, year) /
           (double)(year - first + 1);
}
