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
** Invariants.  The internal scale is SI-coherent (kg, m, J) with time in
** years and dimensionless.  Every atom's scale is held as an exact ratio
** num/den of two doubles that are integers or exact decimals (1e3/1,
** 1/365.25, 1/8766), and the parser multiplies numerators and denominators
** separately, dividing once at the end; so "km/d" is exactly 365250 and
** "MW*h" exactly 3.6e9, where multiplying rounded reciprocals would not
** be.  A valid unit has every exponent in [-127, 127] and a finite,
** positive scale; an exponent that overflowed is stored as SCHAR_MIN
** (DIM_BAD), which no valid unit holds, and is carried by every operation
** so mrv_unit_valid() can report it.
*/
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
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
    ONE    /* the literal 1: no tag, no glued digits (10 is no unit) */
};

/* What an atom measures, for people reading the vocabulary ('mrv units');
** the parser never looks at it. */
enum atom_group {
    G_MASS,
    G_ENERGY,
    G_POWER,
    G_LENGTH,
    G_SPACE,
    G_TIME,
    G_NUMBER,
    G_COUNT
};

static const char *const group_names[] = {[G_MASS] = "mass",
                                          [G_ENERGY] = "energy",
                                          [G_POWER] = "power",
                                          [G_LENGTH] = "length",
                                          [G_SPACE] = "area and volume",
                                          [G_TIME] = "time",
                                          [G_NUMBER] = "number",
                                          [G_COUNT] = "count"};

typedef struct atom {
    const char *name;
    double num, den;           /* scale = num / den, both exact */
    signed char dim[MRV_NDIM]; /* mass, length, energy */
    unsigned char kind;        /* enum atom_kind */
    unsigned char group;       /* enum atom_group */
} atom;

/* One year of 365.25 days, in the time units below. */
#define YR_D   365.25
#define YR_H   8766.0
#define YR_MIN 525960.0
#define YR_S   31557600.0

static const atom atoms[] = {
    /* Mass, in kg; t is the tonne and kt, Mt, Gt its multiples. */
    {"g", 1, 1e3, {1, 0, 0}, MASS, G_MASS},
    {"kg", 1, 1, {1, 0, 0}, MASS, G_MASS},
    {"Mg", 1e3, 1, {1, 0, 0}, MASS, G_MASS},
    {"Gg", 1e6, 1, {1, 0, 0}, MASS, G_MASS},
    {"Tg", 1e9, 1, {1, 0, 0}, MASS, G_MASS},
    {"t", 1e3, 1, {1, 0, 0}, MASS, G_MASS},
    {"kt", 1e6, 1, {1, 0, 0}, MASS, G_MASS},
    {"Mt", 1e9, 1, {1, 0, 0}, MASS, G_MASS},
    {"Gt", 1e12, 1, {1, 0, 0}, MASS, G_MASS},
    /* Energy, in J: a base dimension of its own, never kg m^2. */
    {"J", 1, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"kJ", 1e3, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"MJ", 1e6, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"GJ", 1e9, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"TJ", 1e12, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"PJ", 1e15, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    /* Watt-hours: 3600 J each, written as exact products. */
    {"Wh", 3.6e3, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"kWh", 3.6e6, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"MWh", 3.6e9, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"GWh", 3.6e12, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    {"TWh", 3.6e15, 1, {0, 0, 1}, PLAIN, G_ENERGY},
    /* Power is energy per year, since time has no dimension: W = J/s. */
    {"W", YR_S, 1, {0, 0, 1}, PLAIN, G_POWER},
    {"kW", YR_S * 1e3, 1, {0, 0, 1}, PLAIN, G_POWER},
    {"MW", YR_S * 1e6, 1, {0, 0, 1}, PLAIN, G_POWER},
    {"GW", YR_S * 1e9, 1, {0, 0, 1}, PLAIN, G_POWER},
    /* Length, in m. */
    {"mm", 1, 1e3, {0, 1, 0}, PLAIN, G_LENGTH},
    {"cm", 1, 1e2, {0, 1, 0}, PLAIN, G_LENGTH},
    {"m", 1, 1, {0, 1, 0}, PLAIN, G_LENGTH},
    {"km", 1e3, 1, {0, 1, 0}, PLAIN, G_LENGTH},
    /* Area and volume with names of their own. */
    {"ha", 1e4, 1, {0, 2, 0}, PLAIN, G_SPACE},
    {"L", 1, 1e3, {0, 3, 0}, PLAIN, G_SPACE},
    /* Time, in years of 365.25 days, dimensionless: a vintage is a year. */
    {"yr", 1, 1, {0, 0, 0}, PLAIN, G_TIME},
    {"d", 1, YR_D, {0, 0, 0}, PLAIN, G_TIME},
    {"h", 1, YR_H, {0, 0, 0}, PLAIN, G_TIME},
    {"min", 1, YR_MIN, {0, 0, 0}, PLAIN, G_TIME},
    {"s", 1, YR_S, {0, 0, 0}, PLAIN, G_TIME},
    /* Pure numbers. */
    {"1", 1, 1, {0, 0, 0}, ONE, G_NUMBER},
    {"%", 1, 1e2, {0, 0, 0}, PLAIN, G_NUMBER},
    {"ppm", 1, 1e6, {0, 0, 0}, PLAIN, G_NUMBER},
    /* Counts: dimensionless, kept in the text for readers. */
    {"vehicle", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"household", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"stove", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"head", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"unit", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"tree", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"person", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"package", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
    {"device", 1, 1, {0, 0, 0}, PLAIN, G_COUNT},
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

/* Length of the longest tag that is a prefix of s, or 0. */
static size_t match_tag(const char *s)
{
    size_t nbest = 0;
    for (size_t i = 0; i < NELEM(tags); i++) {
        size_t n = strlen(tags[i]);
        if (n > nbest && strncmp(s, tags[i], n) == 0) nbest = n;
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

/* Reads a run of digits at s[*i] as an exponent of at most MRV_MAX_UNIT_EXP,
** advancing *i past all of them.  Returns the value, or MRV_MAX_UNIT_EXP + 1
*when
** it is larger (the run is still consumed). */
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
    size_t ntag = match_tag(s + p);
    int pw = 1;
    if (ntag > 0 && at->kind != MASS) {
        return fail(e, p, "substance tag needs a mass unit");
    }
    p += ntag;
    if (is_digit(s[p])) {
        if (at->kind == ONE) return fail(e, start, "unknown unit");
        if (ntag > 0) return fail(e, p, "digits after a substance tag");
        size_t d = p;
        bool lead0 = s[p] == '0';
        pw = read_digits(s, &p);
        if (pw == 0) return fail(e, d, "zero exponent");
        if (lead0) return fail(e, d, "leading zero in exponent");
        if (pw > MRV_MAX_UNIT_EXP) return fail(e, d, "exponent out of range");
        if (s[p] == '^') return fail(e, p, "unexpected '^' after a power");
    } else if (s[p] == '^') {
        p++;
        bool neg = s[p] == '-';
        if (neg) p++;
        size_t d = p;
        if (!is_digit(s[p])) {
            return fail(e, d, "expected an exponent after '^'");
        }
        bool lead0 = s[p] == '0';
        pw = read_digits(s, &p);
        if (pw == 0) return fail(e, d, "zero exponent");
        if (lead0) return fail(e, d, "leading zero in exponent");
        if (pw > MRV_MAX_UNIT_EXP) return fail(e, d, "exponent out of range");
        if (neg) pw = -pw;
    }
    if (is_word(s[p])) return fail(e, start, "unknown unit");
    if (s[p] == '^') return fail(e, p, "unexpected '^'");

    pw *= sign;
    for (int k = 0; k < MRV_NDIM; k++) {
        a->dim[k] += at->dim[k] * pw;
        if (a->dim[k] > MRV_MAX_UNIT_EXP || a->dim[k] < -MRV_MAX_UNIT_EXP) {
            return fail(e, start, "exponent out of range");
        }
    }
    /* pow() of an exact integer or decimal to a small integer power is
    ** exact whenever the result is representable. */
    double pnum = pow(at->num, fabs((double)pw));
    double pden = pow(at->den, fabs((double)pw));
    if (pw > 0) {
        a->num *= pnum;
        a->den *= pden;
    } else {
        a->num *= pden;
        a->den *= pnum;
    }
    if (a->num > FOLD_HI || a->den > FOLD_HI || a->num < FOLD_LO ||
        a->den < FOLD_LO) {
        a->num /= a->den;
        a->den = 1;
    }
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

mrv_status mrv_unit_parse(const char *text, mrv_unit *out, size_t *bad_offset,
                          const char **why)
{
    acc a = {1, 1, {0, 0, 0}};
    perr e = {0, NULL};
    bool ok = text ? parse(text, &a, &e) : fail(&e, 0, "empty unit");
    if (ok) {
        double scale = a.num / a.den;
        if (!isfinite(scale) || !(scale > 0)) {
            ok = fail(&e, 0, "unit scale out of range");
        } else if (out) {
            out->scale = scale;
            for (int k = 0; k < MRV_NDIM; k++) {
                out->dim[k] = (signed char)a.dim[k];
            }
        }
    }
    if (ok) return MRV_OK;
    if (bad_offset) *bad_offset = e.at;
    if (why) *why = e.why;
    return MRV_ESYNTAX;
}

mrv_unit mrv_unit_one(void)
{
    mrv_unit u = {1.0, {0, 0, 0}};
    return u;
}

static bool dims_valid(const mrv_unit *a)
{
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a->dim[k] < -MRV_MAX_UNIT_EXP) return false;
    }
    return true;
}

bool mrv_unit_valid(mrv_unit a)
{
    return dims_valid(&a) && isfinite(a.scale) && a.scale > 0;
}

bool mrv_unit_same_dim(mrv_unit a, mrv_unit b)
{
    if (!dims_valid(&a) || !dims_valid(&b)) return false;
    return memcmp(a.dim, b.dim, sizeof a.dim) == 0;
}

bool mrv_unit_dimensionless(mrv_unit a)
{
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] != 0) return false;
    }
    return true;
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
    r.scale = sign > 0 ? a.scale * b.scale : a.scale / b.scale;
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] == DIM_BAD || b.dim[k] == DIM_BAD) {
            r.dim[k] = DIM_BAD;
        } else {
            r.dim[k] = sat((long long)a.dim[k] + sign * (long long)b.dim[k]);
        }
    }
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
    r.scale = pow(a.scale, (double)n);
    for (int k = 0; k < MRV_NDIM; k++) {
        /* An overflowed exponent stays so even for n = 0: a^0 of a unit
        ** that is already meaningless must not come back valid. */
        r.dim[k] = a.dim[k] == DIM_BAD ? DIM_BAD : sat((long long)a.dim[k] * n);
    }
    return r;
}

bool mrv_unit_sqrt(mrv_unit a, mrv_unit *out)
{
    if (!mrv_unit_valid(a)) return false;
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] % 2 != 0) return false;
    }
    if (out) {
        out->scale = sqrt(a.scale);
        for (int k = 0; k < MRV_NDIM; k++) {
            out->dim[k] = (signed char)(a.dim[k] / 2);
        }
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

char *mrv_unit_dim_str(mrv_unit a, char *buf, size_t n)
{
    /* ORDER DIM: see the enum in units.h. */
    static const char *const names[MRV_NDIM] = {"mass", "length", "energy"};
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
        put(buf, n, &len, names[k]);
        if (a.dim[k] != 1) {
            char num[16];
            snprintf(num, sizeof num, "^%d", a.dim[k]);
            put(buf, n, &len, num);
        }
        any = true;
    }
    if (!any) put(buf, n, &len, "1");
    for (int k = 0; k < MRV_NDIM; k++) {
        if (a.dim[k] >= 0) continue;
        put(buf, n, &len, "/");
        put(buf, n, &len, names[k]);
        if (a.dim[k] != -1) {
            char num[16];
            snprintf(num, sizeof num, "^%d", -a.dim[k]);
            put(buf, n, &len, num);
        }
    }
    return buf;
}

double mrv_unit_factor(mrv_unit from, mrv_unit to)
{
    /* A mismatch is a caller's bug; NaN makes it loud rather than
    ** silently converting a mass into an energy. */
    if (!mrv_unit_same_dim(from, to)) return (double)(double)NAN;
    return from.scale / to.scale;
}

bool mrv_unit_atom_at(size_t i, mrv_unit_atom *out)
{
    if (i >= NELEM(atoms)) return false;
    const atom *a = &atoms[i];
    out->name = a->name;
    out->group = group_names[a->group];
    out->num = a->num;
    out->den = a->den;
    out->unit.scale = a->num / a->den;
    memcpy(out->unit.dim, a->dim, sizeof a->dim);
    out->tag = a->kind == MASS;
    out->power = a->kind != ONE;
    return true;
}

const char *mrv_unit_tag_at(size_t i)
{
    return i < NELEM(tags) ? tags[i] : NULL;
}
