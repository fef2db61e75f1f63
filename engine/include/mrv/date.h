/*
** date.h -- calendar dates (a crediting period's start and end).
*/
#ifndef MRV_DATE_H
#define MRV_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A day: year, month 1-12, day of the month 1-31. */
typedef struct mrv_date {
    int y, m, d;
} mrv_date;

/* Whether 'dt' is a day of the calendar with a year in MRV_YEAR_MIN ..
** MRV_YEAR_MAX (2025-02-29 is not). */
bool mrv_date_valid(mrv_date dt);
/* 365, or 366 in a leap year. */
int mrv_date_days_in_year(int y);
/* Day of the year of a valid date, 1-based. */
int mrv_date_day_of_year(mrv_date dt);

/* Days counted from 1970-01-01 (day 0), so that the days between two
** dates are a subtraction; and back. */
int32_t mrv_date_ordinal(mrv_date dt);
mrv_date mrv_date_from_ordinal(int32_t day);
/* Reads "YYYY-MM-DD" (exactly ten characters, a real calendar day in the
** years of caps.h) from the 'n' bytes at 's'. */
bool mrv_date_parse(const char *s, size_t n, mrv_date *out);

#ifdef __cplusplus
}
#endif

#endif /* MRV_DATE_H */
