/*
** date.c -- calendar dates of the proleptic Gregorian calendar.
**
** Crediting periods may start and end on any day; the share of each
** vintage's days (resolve.c) needs leap years and days of the year.
** Years are limited to MRV_YEAR_MIN .. MRV_YEAR_MAX (caps.h).
*/
#include "date.h"

int mrv_date_days_in_year(int y)
{
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 366 : 365;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && mrv_date_days_in_year(y) == 366 ? 29 : dm[m - 1];
}

bool mrv_date_valid(mrv_date dt)
{
    return dt.y >= MRV_YEAR_MIN && dt.y <= MRV_YEAR_MAX && dt.m >= 1 &&
           dt.m <= 12 && dt.d >= 1 && dt.d <= days_in_month(dt.y, dt.m);
}

int mrv_date_day_of_year(mrv_date dt)
{
    int doy = dt.d;
    for (int m = 1; m < dt.m; m++) doy += days_in_month(dt.y, m);
    return doy;
}
