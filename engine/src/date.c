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

/* Howard Hinnant's days_from_civil: the year is counted from March, so
** the leap day falls at the end of it. */
int32_t mrv_date_ordinal(mrv_date dt)
{
    int y = dt.m <= 2 ? dt.y - 1 : dt.y;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (dt.m > 2 ? dt.m - 3 : dt.m + 9) + 2) / 5 + dt.d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

mrv_date mrv_date_from_ordinal(int32_t day)
{
    int z = (int)day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    mrv_date dt;
    dt.d = doy - (153 * mp + 2) / 5 + 1;
    dt.m = mp < 10 ? mp + 3 : mp - 9;
    dt.y = yoe + era * 400 + (dt.m <= 2);
    return dt;
}

bool mrv_date_parse(const char *s, size_t n, mrv_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    int v[3] = {0, 0, 0};
    static const int at[3][2] = {{0, 4}, {5, 2}, {8, 2}};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < at[k][1]; i++) {
            char c = s[at[k][0] + i];
            if (c < '0' || c > '9') return false;
            v[k] = v[k] * 10 + (c - '0');
        }
    }
    mrv_date dt = {v[0], v[1], v[2]};
    if (!mrv_date_valid(dt)) return false;
    *out = dt;
    return true;
}
