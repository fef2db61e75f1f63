/*
** ndc.h -- corresponding adjustments of a single-year NDC
** (docs/portfolio.md, "Corresponding adjustments").
**
** A Party whose NDC is for one year (Korea's 2030 target) applies its
** corresponding adjustments by one of the methods decision 2/CMA.3
** (annex, paragraph 7(a)) allows, as the portfolio file chooses for it:
**
**   trajectory  an indicative multi-year emissions trajectory (or
**               budget over it): an adjustment every year for the
**               ITMOs of that year; the target year's is that year's
**               amount
**   budget      a multi-year budget for the implementation period: the
**               adjustment for the target year is the cumulative amount
**               over the period, first year to target year
**   averaging   the average annual amount over the implementation
**               period (the cumulative amount divided by the years
**               elapsed), applied in the target year
**
** 'amount' is the Party's ITMOs per calendar year: first transferred for
** a host (which adds them), used for a buyer (which subtracts them).
** The functions here take the amounts and leave the sign to the caller.
*/
#ifndef MRV_NDC_H
#define MRV_NDC_H

#include <stddef.h>
#include <stdint.h>

#include "portfolio.h"

/* The adjustment for 'year' of an NDC whose implementation period starts
** in 'first' (first <= year), by method 'm', from amount[i], the ITMOs of
** calendar year y0 + i for i < n (years outside are 0).  Exact for
** trajectory and budget (a whole number of tonnes below 2^53); averaging
** is that sum divided once by the number of years. */
double mrv_ndc_adjustment(mrv_ca_method m, const int64_t *amount, int y0,
                          size_t n, int first, int year);

#endif /* MRV_NDC_H */
