/*
** units.c -- parsing units of measure, and their dimensional algebra
** (docs/units.md).
**
** A unit text is a left-to-right chain of factors joined by '*' or '/',
** each factor an atom from the table below with an optional substance tag
** (mass atoms only) and an optional power.  Atoms are matched longest
** first, so "ha" is never read as "h" followed by junk and "MWh" is never
** "MW" times "h".  The module keeps no state: the tables are const and
** every function is pure, so it is safe from any thread.
**
** Invariants.  The internal scale is kg, m, J, Nm3, Wp and the year; the
** year's length in days, D, is a parameter of every scale (the project's
** year_length).  Every atom's scale is an exact ratio num/den of two
** doubles that are integers or exact decimals, times D to minus the
** atom's time exponent outside yr: d is 1/D yr, h is 1/(24 D), W is
** 86,400 D J/yr, yr is 1.  The parser multiplies numerators and
** denominators separately and the year is folded in once, at the end
** (mrv_unit_scale), so "km/d" is exactly 365,000 and "MW*h" exactly
** 3.6e9, where multiplying rounded reciprocals would not be.  A unit
** keeps beside its time exponent the part of it written in yr, which is
** all the per-vintage bridge may add or drop (docs/units.md).  A valid
** unit has every exponent in [-127, 127] and a finite, positive scale; an
** exponent that overflowed is stored as SCHAR_MIN (DIM_BAD), which no
** valid unit holds, and is carried by every operation so mrv_unit_valid()
** can report it.
*/
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "pmath.h"
#include "units.h"

/* The sentinel exponent of a unit whose exponents overflowed. */
#define DIM_BAD SCHAR_MIN

/* Beyond these a running numerator or denominator is folded into one
** ratio, so long chains cannot overflow while their ratio is fine. */
#define FOLD_HI 1e150
#define FOLD_LO 1e-150

enum atom_kind {
    PLAIN, /* takes glued digits as a power: m3, km2 */
    MASS,  /* takes a substance tag, or glued digits if it has none */
    SEALED /* no tag, no glued digits: the literal 1 (10 is no unit) and
           ** Nm3, whose digit is part of its name */
};

/* What an atom measures, for people reading the vocabulary ('mrv units');
** the parser never looks at it. */
enum atom_group {
    G_MASS,
    G_ENERGY,
    G_POWER,
    G_PEAK,
    G_LENGTH,
    G_SPACE,
    G_TIME,
    G_NUMBER,
    G_COUNT
};

static const char *const group_names[] = {
    [G_MASS] = "mass",     [G_ENERGY] = "energy",
    [G_POWER] = "power",   [G_PEAK] = "peak power",
    [G_LENGTH] = "length", [G_SPACE] = "area and volume",
    [G_TIME] = "time",     [G_NUMBER] = "number",
    [G_COUNT] = "count"};

typedef struct atom {
    const char *name;
    double num, den;           /* scale = num / den, both exact, before D */
    signed char dim[MRV_NDIM]; /* ORDER DIM */
    signed char yr;            /* the part of dim[MRV_DIM_TIME] in yr */
    unsigned char kind;        /* enum atom_kind */
    unsigned char group;       /* enum atom_group */
} atom;

/* clang-format off */
/*                   mass length energy time Nvol peak */
#define D_MASS      {1, 0, 0, 0, 0, 0}
#define D_ENERGY    {0, 0, 1, 0, 0, 0}
#define D_POWER     {0, 0, 1, -1, 0, 0}
#define D_PEAK      {0, 0, 0, 0, 0, 1}
#define D_LENGTH    {0, 1, 0, 0, 0, 0}
#define D_AREA      {0, 2, 0, 0, 0, 0}
#define D_VOLUME    {0, 3, 0, 0, 0, 0}
#define D_NVOL      {0, 0, 0, 0, 1, 0}
#define D_TIME      {0, 0, 0, 1, 0, 0}
#define D_NONE      {0, 0, 0, 0, 0, 0}
#define COUNT(name) {name, 1, 1, D_NONE, 0, PLAIN, G_COUNT}
/* clang-format on */
/* Seconds in a day: a watt is 86,400 J/d, so 86,400 D J/yr. */
#define DAY_S 86400.0

static const atom atoms[] = {
    /* Mass, in kg; t is the tonne and kt, Mt, Gt its multiples. */
    {"g", 1, 1e3, D_MASS, 0, MASS, G_MASS},
    {"kg", 1, 1, D_MASS, 0, MASS, G_MASS},
    {"Mg", 1e3, 1, D_MASS, 0, MASS, G_MASS},
    {"Gg", 1e6, 1, D_MASS, 0, MASS, G_MASS},
    {"Tg", 1e9, 1, D_MASS, 0, MASS, G_MASS},
    {"t", 1e3, 1, D_MASS, 0, MASS, G_MASS},
    {"tonne", 1e3, 1, D_MASS, 0, MASS, G_MASS},
    {"tonnes", 1e3, 1, D_MASS, 0, MASS, G_MASS},
    {"kt", 1e6, 1, D_MASS, 0, MASS, G_MASS},
    {"Mt", 1e9, 1, D_MASS, 0, MASS, G_MASS},
    {"Gt", 1e12, 1, D_MASS, 0, MASS, G_MASS},
    /* Energy, in J: a base dimension of its own, never kg m^2. */
    {"J", 1, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"kJ", 1e3, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"MJ", 1e6, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"GJ", 1e9, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"TJ", 1e12, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"PJ", 1e15, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    /* Watt-hours: 3600 J each, written as exact products. */
    {"Wh", 3.6e3, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"kWh", 3.6e6, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"MWh", 3.6e9, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"GWh", 3.6e12, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"TWh", 3.6e15, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    /* The International Table calorie, 4.1868 J, and the tonne of oil
    ** equivalent, 10^7 kcal = 41.868 GJ (IEA). */
    {"kcal", 41868, 10, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"Mcal", 4.1868e6, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"Gcal", 4.1868e9, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"toe", 4.1868e10, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"ktoe", 4.1868e13, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    {"Mtoe", 4.1868e16, 1, D_ENERGY, 0, PLAIN, G_ENERGY},
    /* Power is energy per time: W = J/s. */
    {"W", DAY_S, 1, D_POWER, 0, PLAIN, G_POWER},
    {"kW", DAY_S * 1e3, 1, D_POWER, 0, PLAIN, G_POWER},
    {"MW", DAY_S * 1e6, 1, D_POWER, 0, PLAIN, G_POWER},
    {"GW", DAY_S * 1e9, 1, D_POWER, 0, PLAIN, G_POWER},
    /* Peak power: the rating of a PV array under standard test
    ** conditions, not a power it delivers. */
    {"Wp", 1, 1, D_PEAK, 0, PLAIN, G_PEAK},
    {"kWp", 1e3, 1, D_PEAK, 0, PLAIN, G_PEAK},
    {"MWp", 1e6, 1, D_PEAK, 0, PLAIN, G_PEAK},
    {"GWp", 1e9, 1, D_PEAK, 0, PLAIN, G_PEAK},
    /* Length, in m. */
    {"mm", 1, 1e3, D_LENGTH, 0, PLAIN, G_LENGTH},
    {"cm", 1, 1e2, D_LENGTH, 0, PLAIN, G_LENGTH},
    {"m", 1, 1, D_LENGTH, 0, PLAIN, G_LENGTH},
    {"km", 1e3, 1, D_LENGTH, 0, PLAIN, G_LENGTH},
    /* Area and volume with names of their own; the normal cubic metre
    ** (0 degC, 101.325 kPa) is a dimension of its own, since turning it
    ** into m3 needs the gas's temperature and pressure. */
    {"ha", 1e4, 1, D_AREA, 0, PLAIN, G_SPACE},
    {"L", 1, 1e3, D_VOLUME, 0, PLAIN, G_SPACE},
    {"Nm3", 1, 1, D_NVOL, 0, SEALED, G_SPACE},
    /* Time.  yr is the vintage, D days; the others are fixed in days. */
    {"yr", 1, 1, D_TIME, 1, PLAIN, G_TIME},
    {"d", 1, 1, D_TIME, 0, PLAIN, G_TIME},
    {"day", 1, 1, D_TIME, 0, PLAIN, G_TIME},
    {"days", 1, 1, D_TIME, 0, PLAIN, G_TIME},
    {"h", 1, 24, D_TIME, 0, PLAIN, G_TIME},
    {"min", 1, 1440, D_TIME, 0, PLAIN, G_TIME},
    {"s", 1, DAY_S, D_TIME, 0, PLAIN, G_TIME},
    /* Pure numbers. */
    {"1", 1, 1, D_NONE, 0, SEALED, G_NUMBER},
    {"%", 1, 1e2, D_NONE, 0, PLAIN, G_NUMBER},
    {"ppm", 1, 1e6, D_NONE, 0, PLAIN, G_NUMBER},
    /* Counts: dimensionless, kept in the text for readers; plurals as
    ** people write them. */
    COUNT("vehicle"),
    COUNT("vehicles"),
    COUNT("household"),
    COUNT("households"),
    COUNT("stove"),
    COUNT("stoves"),
    COUNT("head"),
    COUNT("unit"),
    COUNT("units"),
    COUNT("tree"),
    COUNT("trees"),
    COUNT("person"),
    COUNT("persons"),
    COUNT("package"),
    COUNT("packages"),
    COUNT("device"),
    COUNT("devices"),
};

/* Substance tags glued to a mass: they name what is weighed and change
** neither scale nor dimension.  Matched longest first (CO2e over CO2). */
static const char *const tags[] = {
    "CO2e", "CO2", "CH4", "N2O", "C", "N", "dm",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The longest atom that is a prefix of s, or NULL. */
static const atom *match_atom(const char *s)
{
    const atom *best = NULL;
    size_t nbest = 0;
    for (size_t i = 0; i < NELEM(atoms); i++) {
        size_t n = strlen(atoms[i].name);
        if (n > nbest && strncmp(s, atoms[i].name, n) == 0) {
            best = &atoms[i];
            nbest = n;
        }
    }
    return best;
}

/* Length of the longest tag that is a prefix of s, or 0; its index in
** tags[] into *which. */
static size_t match_tag(const char *s, size_t *which)
{
    size_t nbest = 0;
    for (size_t i = 0; i < NELEM(tags); i++) {
        size_t n = strlen(tags[i]);
        if (n > nbest && strncmp(s, tags[i], n) == 0) {
            nbest = n;
            *which = i;
        }
    }
    return nbest;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Characters that can continue a word: used only to tell "kgx" or "1.5"
** (an unknown word) from "kg x" (a missing operator). */
static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           c == '_' || c == '%' || c == '.';
}

/* Reads a run of digits at s[*i] as an exponent of at most
** MRV_MAX_UNIT_EXP, advancing *i past all of them.  Returns the value, or
** MRV_MAX_UNIT_EXP + 1 when it is larger (the run is still consumed). */
static int read_digits(const char *s, size_t *i)
{
    int v = 0;
    while (is_digit(s[*i])) {
        if (v <= MRV_MAX_UNIT_EXP) v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return v > MRV_MAX_UNIT_EXP ? MRV_MAX_UNIT_EXP + 1 : v;
}

/* The running state of a parse: an exact ratio and int exponents, which
** cannot overflow before they are range-checked. */
typedef struct acc {
    double num, den;
    int dim[MRV_NDIM];
    int yr;
    int tag[NELEM(tags)]; /* the power of each substance tag */
} acc;

typedef struct perr {
    size_t at;
    const char *why;
} perr;

static bool fail(perr *e, size_t at, const char *why)
{
    e->at = at;
    e->why = why;
    return false;
}

/* Folds a ratio whose terms grew large or small into one term, so long
** chains cannot overflow while their ratio is fine. */
static void fold(double *num, double *den)
{
    if (*num > FOLD_HI || *den > FOLD_HI || *num < FOLD_LO || *den < FOLD_LO) {
        *num /= *den;
        *den = 1;
    }
}

static bool in_range(int v)
{
    return v <= MRV_MAX_UNIT_EXP && v >= -MRV_MAX_UNIT_EXP;
}

/* Reads a power after an atom: glued digits (m3) or '^' with an optional
** minus (m^-2), at s[*p]; leaves *pw at 1 when there is none. */
static bool power(const char *s, size_t *p, const atom *at, size_t start,
                  size_t ntag, int *pw, perr *e)
{
    *pw = 1;
    bool caret = s[*p] == '^';
    if (!caret && !is_digit(s[*p])) return true;
    if (!caret && at->kind == SEALED) return fail(e, start, "unknown unit");
    if (!caret && ntag > 0) return fail(e, *p, "digits after a substance tag");
    bool neg = false;
    if (caret) {
        (*p)++;
        neg = s[*p] == '-';
        if (neg) (*p)++;
        if (!is_digit(s[*p])) {
            return fail(e, *p, "expected an exponent after '^'");
        }
    }
    size_t d = *p;
    bool lead0 = s[*p] == '0';
    *pw = read_digits(s, p);
    if (*pw == 0) return fail(e, d, "zero exponent");
    if (lead0) return fail(e, d, "leading zero in exponent");
    if (*pw > MRV_MAX_UNIT_EXP) return fail(e, d, "exponent out of range");
    if (!caret && s[*p] == '^') {
        return fail(e, *p, "unexpected '^' after a power");
    }
    if (neg) *pw = -*pw;
    return true;
}

/* Parses one factor starting at s[*i] (no leading space) and folds it into
** 'a' as a multiplier (sign 1) or divisor (sign -1). */
static bool factor(const char *s, size_t *i, int sign, acc *a, perr *e)
{
    size_t start = *i;
    const atom *at = match_atom(s + start);
    if (!at) {
        return fail(e, start,
                    is_word(s[start]) ? "unknown unit" : "expected a unit");
    }
    size_t p = start + strlen(at->name);
    size_t which = 0, ntag = match_tag(s + p, &which);
    int pw;
    if (ntag > 0 && at->kind != MASS) {
        return fail(e, p, "substance tag needs a mass unit");
    }
    p += ntag;
    if (!power(s, &p, at, start, ntag, &pw, e)) return false;
    if (is_word(s[p])) return fail(e, start, "unknown unit");
    if (s[p] == '^') return fail(e, p, "unexpected '^'");

    pw *= sign;
    if (ntag > 0) a->tag[which] += pw;
    for (int k = 0; k < MRV_NDIM; k++) {
        a->dim[k] += at->dim[k] * pw;
        if (!in_range(a->dim[k])) {
            return fail(e, start, "exponent out of range");
        }
    }
    a->yr += at->yr * pw;
    if (!in_range(a->yr)) return fail(e, start, "exponent out of range");
    /* pow() of an exact integer or decimal to a small integer power is
    ** exact whenever the result is representable. */
    double pnum = mrv__pow(at->num, fabs((double)pw));
    double pden = mrv__pow(at->den, fabs((double)pw));
    if (pw > 0) {
        a->num *= pnum;
        a->den *= pden;
    } else {
        a->num *= pden;
        a->den *= pnum;
    }
    fold(&a->num, &a->den);
    if (!isfinite(a->num) || !(a->num > 0) || !isfinite(a->den) ||
        !(a->den > 0)) {
        return fail(e, start, "unit scale out of range");
    }
    *i = p;
    return true;
}

static size_t skip_space(const char *s, size_t i)
{
    while (is_space(s[i])) i++;
    return i;
}

/* unit := space* factor (space* op space* factor)* space*
** op   := '*' | '/'
** factor := atom tag? (digits | '^' '-'? digits)?   (no spaces inside) */
static bool parse(const char *s, acc *a, perr *e)
{
    size_t i = skip_space(s, 0);
    if (s[i] == '\0') return fail(e, 0, "empty unit");
    if (!factor(s, &i, 1, a, e)) return false;
    for (;;) {
        size_t j = skip_space(s, i);
        if (s[j] == '\0') return true;
        char op = s[j];
        if (op != '*' && op != '/') {
            return fail(e, j, "expected '*' or '/' between units");
        }
        j = skip_space(s, j + 1);
        if (s[j] == '\0' || s[j] == '*' || s[j] == '/') {
            return fail(e, j,
                        op == '*' ? "expected a unit after '*'"
                                  : "expected a unit after '/'");
        }
        i = j;
        if (!factor(s, &i, op == '*' ? 1 : -1, a, e)) return false;
    }
}

static bool dims_valid(const mrv_unit *a)
{
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a->dim[k] < -MRV_MAX_UNIT_EXP) return false;
    }
    return a->yr >= -MRV_MAX_UNIT_EXP;
}

/* The exponent of the days of a year in a unit's scale: minus its time
** exponent outside yr (d is 1/D yr; W is 86,400 D J/yr). */
static int year_exp(const mrv_unit *u)
{
    return -((int)u->dim[MRV_DIM_TIME] - (int)u->yr);
}

/* The unit's scale as an exact ratio with the year folded in. */
static void ratio(const mrv_unit *u, double year_days, double *num, double *den)
{
    int p = year_exp(u);
    *num = u->num;
    *den = u->den;
    if (p > 0) *num *= mrv__pow(year_days, (double)p);
    if (p < 0) *den *= mrv__pow(year_days, (double)-p);
}

mrv_status mrv_unit_parse(const char *text, mrv_unit *out, size_t *bad_offset,
                          const char **why)
{
    acc a = {1, 1, {0}, 0, {0}};
    perr e = {0, NULL};
    bool ok = text ? parse(text, &a, &e) : fail(&e, 0, "empty unit");
    if (ok) {
        mrv_unit u = {a.num, a.den, {0}, (signed char)a.yr};
        for (int k = 0; k < MRV_NDIM; k++) u.dim[k] = (signed char)a.dim[k];
        /* The scale must stay finite for every year length allowed. */
        double lo = mrv_unit_scale(u, MRV_YEAR_DAYS_MIN);
        double hi = mrv_unit_scale(u, MRV_YEAR_DAYS_MAX);
        if (!isfinite(lo) || !(lo > 0) || !isfinite(hi) || !(hi > 0)) {
            ok = fail(&e, 0, "unit scale out of range");
        } else if (out) {
            *out = u;
        }
    }
    if (ok) return MRV_OK;
    if (bad_offset) *bad_offset = e.at;
    if (why) *why = e.why;
    return MRV_ESYNTAX;
}

mrv_unit mrv_unit_one(void)
{
    mrv_unit u = {1.0, 1.0, {0}, 0};
    return u;
}

double mrv_unit_scale(mrv_unit u, double year_days)
{
    double num, den;
    ratio(&u, year_days, &num, &den);
    return num / den;
}

/* 1/n of a number with n a whole number (%: 1/100, ppm, g/kg, %/yr,
** h/yr): sets *n.  Such a unit is where people write decimals and read
** them back (5 % is 0.05), so v is divided by n, rounded once, rather
** than multiplied by a rounded 1/n (35 * 0.01 is not the double 0.35). */
static bool fraction_of_one(const mrv_unit *u, double num, double den,
                            double *n)
{
    if (!mrv_unit_bridged_number(*u) || num > den) return false;
    *n = den / num;
    return *n == floor(*n) && fma(*n, num, -den) == 0;
}

double mrv_unit_to_internal(double v, mrv_unit u, double year_days)
{
    double num, den, n;
    ratio(&u, year_days, &num, &den);
    if (fraction_of_one(&u, num, den, &n)) return v / n;
    return v * (num / den);
}

/* True when x prints in 15 significant digits and reads back: 7, not
** 7.000000000000001. */
static bool short_decimal(double x)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", x);
    return strtod(buf, NULL) == x;
}

double mrv_unit_from_internal(double x, mrv_unit u, double year_days)
{
    double num, den, n;
    ratio(&u, year_days, &num, &den);
    if (!fraction_of_one(&u, num, den, &n)) return x / (num / den);
    /* x is v / n rounded once; of the doubles next to x * n, the short
    ** one that gives x back is the v that was written (0.07 is 7 %). */
    double y = x * n;
    double c[3] = {y, nextafter(y, -HUGE_VAL), nextafter(y, HUGE_VAL)};
    for (int i = 0; i < 3; i++)
        if (c[i] / n == x && short_decimal(c[i])) return c[i];
    return y;
}

bool mrv_unit_valid(mrv_unit a)
{
    return dims_valid(&a) && isfinite(a.num) && a.num > 0 && isfinite(a.den) &&
           a.den > 0;
}

bool mrv_unit_same_dim(mrv_unit a, mrv_unit b)
{
    if (!dims_valid(&a) || !dims_valid(&b)) return false;
    return memcmp(a.dim, b.dim, sizeof a.dim) == 0;
}

/* Every exponent but time's equal. */
static bool same_but_time(const mrv_unit *a, const mrv_unit *b)
{
    if (!dims_valid(a) || !dims_valid(b)) return false;
    for (int k = 0; k < MRV_NDIM; k++) {
        if (k != MRV_DIM_TIME && a->dim[k] != b->dim[k]) return false;
    }
    return true;
}

bool mrv_unit_bridged(mrv_unit a, mrv_unit b)
{
    return same_but_time(&a, &b) && year_exp(&a) == year_exp(&b);
}

bool mrv_unit_time_apart(mrv_unit a, mrv_unit b)
{
    return same_but_time(&a, &b) &&
           a.dim[MRV_DIM_TIME] != b.dim[MRV_DIM_TIME] &&
           year_exp(&a) != year_exp(&b);
}

bool mrv_unit_dimensionless(mrv_unit a)
{
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] != 0) return false;
    }
    return true;
}

bool mrv_unit_bridged_number(mrv_unit a)
{
    return mrv_unit_dimensionless(a) || mrv_unit_bridged(a, mrv_unit_one());
}

/* Only energy, in time 'phys' outside yr: power is -1, energy 0. */
static bool energy_in_time(const mrv_unit *u, int phys)
{
    for (int k = 0; k < MRV_NDIM; k++) {
        if (k == MRV_DIM_TIME) continue;
        if (u->dim[k] != (k == MRV_DIM_ENERGY)) return false;
    }
    return -year_exp(u) == phys;
}

/* have / want is p^k times q^-(k * ratio) for some k != 0, every other
** exponent equal but time's when 'any_time': Nm3 for m3 (p normal
** volume, q length, ratio 3), kWp for kW (p peak, q energy, any time). */
static bool swapped(const mrv_unit *have, const mrv_unit *want, int p, int q,
                    int ratio, bool any_time)
{
    int k = have->dim[p] - want->dim[p];
    if (k == 0 || have->dim[q] - want->dim[q] != -k * ratio) return false;
    for (int j = 0; j < MRV_NDIM; j++) {
        if (j == p || j == q || (any_time && j == MRV_DIM_TIME)) continue;
        if (have->dim[j] != want->dim[j]) return false;
    }
    return true;
}

const char *mrv_unit_hint(mrv_unit have, mrv_unit want)
{
    if (!dims_valid(&have) || !dims_valid(&want)) return NULL;
    if (mrv_unit_same_dim(have, want)) return NULL;
    if (mrv_unit_bridged(have, want)) {
        return "they differ by a power of yr, which the per-vintage "
               "convention bridges in formulas but never in a value; write "
               "the value in the parameter's unit";
    }
    if (energy_in_time(&have, 0) && energy_in_time(&want, -1)) {
        return "an energy is not a power: a power is energy per time (MW, "
               "or MWh/yr)";
    }
    if (energy_in_time(&have, -1) && energy_in_time(&want, 0)) {
        return "a power is not an energy: it becomes one over a duration, "
               "times a parameter in h or h/yr";
    }
    if (mrv_unit_time_apart(have, want)) {
        return "they differ by a time in d, h, min or s, which only a "
               "stated duration bridges (a parameter with its unit), never "
               "the per-vintage convention";
    }
    if (swapped(&have, &want, MRV_DIM_PEAK, MRV_DIM_ENERGY, 1, true)) {
        return "peak power (Wp, kWp, MWp) is a PV array's rating, not a "
               "power it delivers: multiply it by a specific yield in "
               "kWh/kWp/yr or a ratio in kW/kWp";
    }
    if (swapped(&have, &want, MRV_DIM_NVOL, MRV_DIM_LENGTH, 3, false)) {
        return "Nm3 is a gas volume at normal conditions (0 degC, 101.325 "
               "kPa), not m3: converting needs the gas's temperature and "
               "pressure, stated in a formula";
    }
    return NULL;
}

/* An exponent computed in long long, saturated to DIM_BAD when it leaves
** the valid range; an overflowed input stays overflowed. */
static signed char sat(long long v)
{
    return (v > MRV_MAX_UNIT_EXP || v < -MRV_MAX_UNIT_EXP) ? DIM_BAD
                                                           : (signed char)v;
}

/* a * b^sign, exponent by exponent. */
static mrv_unit combine(mrv_unit a, mrv_unit b, int sign)
{
    mrv_unit r;
    r.num = sign > 0 ? a.num * b.num : a.num * b.den;
    r.den = sign > 0 ? a.den * b.den : a.den * b.num;
    fold(&r.num, &r.den);
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] == DIM_BAD || b.dim[k] == DIM_BAD) {
            r.dim[k] = DIM_BAD;
        } else {
            r.dim[k] = sat((long long)a.dim[k] + sign * (long long)b.dim[k]);
        }
    }
    r.yr = (a.yr == DIM_BAD || b.yr == DIM_BAD)
               ? DIM_BAD
               : sat((long long)a.yr + sign * (long long)b.yr);
    return r;
}

mrv_unit mrv_unit_mul(mrv_unit a, mrv_unit b)
{
    return combine(a, b, 1);
}

mrv_unit mrv_unit_div(mrv_unit a, mrv_unit b)
{
    return combine(a, b, -1);
}

mrv_unit mrv_unit_pow(mrv_unit a, int n)
{
    mrv_unit r;
    double pn = mrv__pow(a.num, fabs((double)n)),
           pd = mrv__pow(a.den, fabs((double)n));
    r.num = n >= 0 ? pn : pd;
    r.den = n >= 0 ? pd : pn;
    fold(&r.num, &r.den);
    for (int k = 0; k < MRV_NDIM; k++) {
        /* An overflowed exponent stays so even for n = 0: a^0 of a unit
        ** that is already meaningless must not come back valid. */
        r.dim[k] = a.dim[k] == DIM_BAD ? DIM_BAD : sat((long long)a.dim[k] * n);
    }
    r.yr = a.yr == DIM_BAD ? DIM_BAD : sat((long long)a.yr * n);
    return r;
}

bool mrv_unit_sqrt(mrv_unit a, mrv_unit *out)
{
    if (!mrv_unit_valid(a)) return false;
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] % 2 != 0) return false;
    }
    if (a.yr % 2 != 0) return false;
    if (out) {
        out->num = sqrt(a.num);
        out->den = sqrt(a.den);
        for (int k = 0; k < MRV_NDIM; k++) {
            out->dim[k] = (signed char)(a.dim[k] / 2);
        }
        out->yr = (signed char)(a.yr / 2);
    }
    return true;
}

/* Appends 's' to buf (capacity n, used *len), truncating; buf stays
** NUL-terminated. */
static void put(char *buf, size_t n, size_t *len, const char *s)
{
    while (*s && *len + 1 < n) buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

/* Appends one dimension name with its exponent's magnitude. */
static void put_dim(char *buf, size_t n, size_t *len, const char *name, int e)
{
    put(buf, n, len, name);
    if (e != 1 && e != -1) {
        char num[16];
        snprintf(num, sizeof num, "^%d", e < 0 ? -e : e);
        put(buf, n, len, num);
    }
}

char *mrv_unit_dim_str(mrv_unit a, char *buf, size_t n)
{
    /* ORDER DIM: see the enum in units.h. */
    static const char *const names[MRV_NDIM] = {
        "mass", "length", "energy", "time", "normal volume", "peak power"};
    size_t len = 0;
    if (!buf || n == 0) return buf;
    buf[0] = '\0';
    if (!dims_valid(&a)) {
        put(buf, n, &len, "invalid");
        return buf;
    }
    if (mrv_unit_dimensionless(a)) {
        put(buf, n, &len, "dimensionless");
        return buf;
    }
    /* Positive exponents first, joined by '*', then each negative one
    ** after a '/', which reads correctly under the parser's own
    ** left-to-right rule (mass/length^2/energy). */
    bool any = false;
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] <= 0) continue;
        if (any) put(buf, n, &len, "*");
        put_dim(buf, n, &len, names[k], a.dim[k]);
        any = true;
    }
    if (!any) put(buf, n, &len, "1");
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] >= 0) continue;
        put(buf, n, &len, "/");
        put_dim(buf, n, &len, names[k], a.dim[k]);
    }
    return buf;
}

double mrv_unit_factor(mrv_unit from, mrv_unit to, double year_days)
{
    /* A mismatch is a caller's bug; NaN makes it loud rather than
    ** silently converting a mass into an energy. */
    if (!mrv_unit_same_dim(from, to)) return (double)(double)NAN;
    return mrv_unit_scale(from, year_days) / mrv_unit_scale(to, year_days);
}

bool mrv_unit_atom_at(size_t i, mrv_unit_atom *out)
{
    if (i >= NELEM(atoms)) return false;
    const atom *a = &atoms[i];
    out->name = a->name;
    out->group = group_names[a->group];
    out->unit.num = a->num;
    out->unit.den = a->den;
    memcpy(out->unit.dim, a->dim, sizeof a->dim);
    out->unit.yr = a->yr;
    out->tag = a->kind == MASS;
    out->power = a->kind != SEALED;
    return true;
}

/* The substance tags of 'text' and their powers, CO2 counted as CO2e;
** false when it does not parse. */
static bool tags_of(const char *text, int *tag)
{
    acc a = {1, 1, {0}, 0, {0}};
    perr e = {0, NULL};
    if (!text || !parse(text, &a, &e)) return false;
    for (size_t i = 0; i < NELEM(tags); i++) tag[i] = a.tag[i];
    tag[0] += tag[1]; /* tags[0] is CO2e, tags[1] CO2 */
    tag[1] = 0;
    return true;
}

bool mrv_unit_tags_agree(const char *a, const char *b)
{
    int ta[NELEM(tags)], tb[NELEM(tags)];
    if (!tags_of(a, ta) || !tags_of(b, tb)) return true;
    bool any_a = false, any_b = false, same = true;
    for (size_t i = 0; i < NELEM(tags); i++) {
        any_a |= ta[i] != 0;
        any_b |= tb[i] != 0;
        same &= ta[i] == tb[i];
    }
    return same || !any_a || !any_b;
}

const char *mrv_unit_tag_at(size_t i)
{
    return i < NELEM(tags) ? tags[i] : NULL;
}
