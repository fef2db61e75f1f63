/*
** test_units.c -- units of measure (units.h, docs/units.md).
**
** Table-driven: every atom, prefix, tag and power, the compositions the
** shipped methodologies declare, bad units with the byte offset and
** message each must report, the conversions docs/units.md promises,
** dimension names, and saturation of the algebra.
*/
#include "testutil.h"

#include <limits.h>
#include <string.h>

#include "units.h"

/* Tolerance for scales that are the correctly rounded value of an exact
** ratio: at most a couple of ulps from the written expectation. */
#define RTOL 1e-15

typedef struct good_case {
    const char *text;
    double scale;              /* for a year of MRV_YEAR_DAYS = 365 days */
    signed char dim[MRV_NDIM]; /* mass, length, energy, time, Nm3, Wp */
    signed char yr;            /* the part of time written in yr */
} good_case;

/* Seconds in the default year. */
#define YS 31536000.0

static const good_case good[] = {
    /* Mass atoms, in kg. */
    {"g", 1e-3, {1, 0, 0, 0, 0, 0}, 0},
    {"kg", 1, {1, 0, 0, 0, 0, 0}, 0},
    {"Mg", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"Gg", 1e6, {1, 0, 0, 0, 0, 0}, 0},
    {"Tg", 1e9, {1, 0, 0, 0, 0, 0}, 0},
    {"t", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tonne", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tonnes", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"kt", 1e6, {1, 0, 0, 0, 0, 0}, 0},
    {"Mt", 1e9, {1, 0, 0, 0, 0, 0}, 0},
    {"Gt", 1e12, {1, 0, 0, 0, 0, 0}, 0},
    /* Energy atoms, in J. */
    {"J", 1, {0, 0, 1, 0, 0, 0}, 0},
    {"kJ", 1e3, {0, 0, 1, 0, 0, 0}, 0},
    {"MJ", 1e6, {0, 0, 1, 0, 0, 0}, 0},
    {"GJ", 1e9, {0, 0, 1, 0, 0, 0}, 0},
    {"TJ", 1e12, {0, 0, 1, 0, 0, 0}, 0},
    {"PJ", 1e15, {0, 0, 1, 0, 0, 0}, 0},
    {"Wh", 3600, {0, 0, 1, 0, 0, 0}, 0},
    {"kWh", 3.6e6, {0, 0, 1, 0, 0, 0}, 0},
    {"MWh", 3.6e9, {0, 0, 1, 0, 0, 0}, 0},
    {"GWh", 3.6e12, {0, 0, 1, 0, 0, 0}, 0},
    {"TWh", 3.6e15, {0, 0, 1, 0, 0, 0}, 0},
    {"kcal", 4186.8, {0, 0, 1, 0, 0, 0}, 0},
    {"Mcal", 4.1868e6, {0, 0, 1, 0, 0, 0}, 0},
    {"Gcal", 4.1868e9, {0, 0, 1, 0, 0, 0}, 0},
    {"toe", 41.868e9, {0, 0, 1, 0, 0, 0}, 0},
    {"ktoe", 41.868e12, {0, 0, 1, 0, 0, 0}, 0},
    {"Mtoe", 41.868e15, {0, 0, 1, 0, 0, 0}, 0},
    /* Power: J/s, in J per year of 365 days. */
    {"W", YS, {0, 0, 1, -1, 0, 0}, 0},
    {"kW", YS * 1e3, {0, 0, 1, -1, 0, 0}, 0},
    {"MW", YS * 1e6, {0, 0, 1, -1, 0, 0}, 0},
    {"GW", YS * 1e9, {0, 0, 1, -1, 0, 0}, 0},
    /* Peak power, in Wp. */
    {"Wp", 1, {0, 0, 0, 0, 0, 1}, 0},
    {"kWp", 1e3, {0, 0, 0, 0, 0, 1}, 0},
    {"MWp", 1e6, {0, 0, 0, 0, 0, 1}, 0},
    {"GWp", 1e9, {0, 0, 0, 0, 0, 1}, 0},
    /* Length, area, volume. */
    {"mm", 1e-3, {0, 1, 0, 0, 0, 0}, 0},
    {"cm", 1e-2, {0, 1, 0, 0, 0, 0}, 0},
    {"m", 1, {0, 1, 0, 0, 0, 0}, 0},
    {"km", 1e3, {0, 1, 0, 0, 0, 0}, 0},
    {"ha", 1e4, {0, 2, 0, 0, 0, 0}, 0},
    {"L", 1e-3, {0, 3, 0, 0, 0, 0}, 0},
    {"Nm3", 1, {0, 0, 0, 0, 1, 0}, 0},
    /* Time, in years of 365 days. */
    {"yr", 1, {0, 0, 0, 1, 0, 0}, 1},
    {"d", 1 / 365.0, {0, 0, 0, 1, 0, 0}, 0},
    {"day", 1 / 365.0, {0, 0, 0, 1, 0, 0}, 0},
    {"days", 1 / 365.0, {0, 0, 0, 1, 0, 0}, 0},
    {"h", 1 / 8760.0, {0, 0, 0, 1, 0, 0}, 0},
    {"min", 1 / 525600.0, {0, 0, 0, 1, 0, 0}, 0},
    {"s", 1 / YS, {0, 0, 0, 1, 0, 0}, 0},
    /* Pure numbers and counts. */
    {"1", 1, {0}, 0},
    {"%", 0.01, {0}, 0},
    {"ppm", 1e-6, {0}, 0},
    {"vehicle", 1, {0}, 0},
    {"vehicles", 1, {0}, 0},
    {"household", 1, {0}, 0},
    {"households", 1, {0}, 0},
    {"stove", 1, {0}, 0},
    {"stoves", 1, {0}, 0},
    {"head", 1, {0}, 0},
    {"unit", 1, {0}, 0},
    {"units", 1, {0}, 0},
    {"tree", 1, {0}, 0},
    {"trees", 1, {0}, 0},
    {"person", 1, {0}, 0},
    {"persons", 1, {0}, 0},
    {"package", 1, {0}, 0},
    {"packages", 1, {0}, 0},
    {"device", 1, {0}, 0},
    {"devices", 1, {0}, 0},
    /* Substance tags keep scale and dimension. */
    {"tCO2e", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tCO2", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tCH4", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tN2O", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tC", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tN", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tdm", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"tonnesCO2e", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"kgCH4", 1, {1, 0, 0, 0, 0, 0}, 0},
    {"kgN2O", 1, {1, 0, 0, 0, 0, 0}, 0},
    {"GgCO2", 1e6, {1, 0, 0, 0, 0, 0}, 0},
    {"MtCO2e", 1e9, {1, 0, 0, 0, 0, 0}, 0},
    {"ktCO2e", 1e6, {1, 0, 0, 0, 0, 0}, 0},
    {"gCO2e", 1e-3, {1, 0, 0, 0, 0, 0}, 0},
    {"TgC", 1e9, {1, 0, 0, 0, 0, 0}, 0},
    {"MgC", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    /* Powers: glued digits on an untagged atom, or '^' after any. */
    {"m2", 1, {0, 2, 0, 0, 0, 0}, 0},
    {"m3", 1, {0, 3, 0, 0, 0, 0}, 0},
    {"km2", 1e6, {0, 2, 0, 0, 0, 0}, 0},
    {"cm3", 1e-6, {0, 3, 0, 0, 0, 0}, 0},
    {"t2", 1e6, {2, 0, 0, 0, 0, 0}, 0},
    {"m^3", 1, {0, 3, 0, 0, 0, 0}, 0},
    {"km^-2", 1e-6, {0, -2, 0, 0, 0, 0}, 0},
    {"yr^-1", 1, {0, 0, 0, -1, 0, 0}, -1},
    {"d^-1", 365, {0, 0, 0, -1, 0, 0}, 0},
    {"ha^2", 1e8, {0, 4, 0, 0, 0, 0}, 0},
    {"tCO2^2", 1e6, {2, 0, 0, 0, 0, 0}, 0},
    {"t^-1", 1e-3, {-1, 0, 0, 0, 0, 0}, 0},
    {"m^127", 1, {0, 127, 0, 0, 0, 0}, 0},
    {"1^2", 1, {0}, 0},
    {"Nm3^2", 1, {0, 0, 0, 0, 2, 0}, 0},
    /* Compositions the shipped methodologies declare. */
    {"kg/TJ", 1e-12, {1, 0, -1, 0, 0, 0}, 0},
    {"tCO2/MWh", 1e3 / 3.6e9, {1, 0, -1, 0, 0, 0}, 0},
    {"tCO2/TJ", 1e-9, {1, 0, -1, 0, 0, 0}, 0},
    {"tCO2e/TJ", 1e-9, {1, 0, -1, 0, 0, 0}, 0},
    {"kgCH4/TJ", 1e-12, {1, 0, -1, 0, 0, 0}, 0},
    {"kgN2O/TJ", 1e-12, {1, 0, -1, 0, 0, 0}, 0},
    {"t/ha/yr", 0.1, {1, -2, 0, -1, 0, 0}, -1},
    {"t/ha", 0.1, {1, -2, 0, 0, 0, 0}, 0},
    {"m3/t", 1e-3, {-1, 3, 0, 0, 0, 0}, 0},
    {"TJ/Gg", 1e6, {-1, 0, 1, 0, 0, 0}, 0},
    {"tCO2e/tCH4", 1, {0}, 0},
    {"tCO2e/tN2O", 1, {0}, 0},
    {"kWh/km", 3600, {0, -1, 1, 0, 0, 0}, 0},
    {"L/km", 1e-6, {0, 2, 0, 0, 0, 0}, 0},
    {"L/yr", 1e-3, {0, 3, 0, -1, 0, 0}, -1},
    {"kg/L", 1e3, {1, -3, 0, 0, 0, 0}, 0},
    {"km/yr", 1e3, {0, 1, 0, -1, 0, 0}, -1},
    {"GJ/yr", 1e9, {0, 0, 1, -1, 0, 0}, -1},
    {"MWh/yr", 3.6e9, {0, 0, 1, -1, 0, 0}, -1},
    {"ha/head", 1e4, {0, 2, 0, 0, 0, 0}, 0},
    {"tCO2e/ha", 0.1, {1, -2, 0, 0, 0, 0}, 0},
    {"tC/t", 1, {0}, 0},
    {"t/yr", 1e3, {1, 0, 0, -1, 0, 0}, -1},
    {"tCO2e/yr", 1e3, {1, 0, 0, -1, 0, 0}, -1},
    {"1/yr", 1, {0, 0, 0, -1, 0, 0}, -1},
    {"h/yr", 1 / 8760.0, {0}, -1},
    {"kWh/kWp/yr", 3.6e3, {0, 0, 1, -1, 0, -1}, -1},
    {"tCH4/Nm3", 1e3, {1, 0, 0, 0, -1, 0}, 0},
    {"m2/household", 1, {0, 2, 0, 0, 0, 0}, 0},
    /* Products, spaces and tabs around operators, mixed time units. */
    {"kg*m", 1, {1, 1, 0, 0, 0, 0}, 0},
    {"t * km", 1e6, {1, 1, 0, 0, 0, 0}, 0},
    {"kg / TJ", 1e-12, {1, 0, -1, 0, 0, 0}, 0},
    {"kg\t/\tTJ", 1e-12, {1, 0, -1, 0, 0, 0}, 0},
    {"  tCO2e  ", 1e3, {1, 0, 0, 0, 0, 0}, 0},
    {"1 / yr", 1, {0, 0, 0, -1, 0, 0}, -1},
    {"MW*h", 3.6e9, {0, 0, 1, 0, 0, 0}, 0},
    {"kW*h", 3.6e6, {0, 0, 1, 0, 0, 0}, 0},
    {"km/d", 365000, {0, 1, 0, -1, 0, 0}, 0},
    {"g/kWh", 1e-3 / 3.6e6, {1, 0, -1, 0, 0, 0}, 0},
    {"mm/yr", 1e-3, {0, 1, 0, -1, 0, 0}, -1},
    {"m^3/t/yr", 1e-3, {-1, 3, 0, -1, 0, 0}, -1},
    {"kg/head/d", 365, {1, 0, 0, -1, 0, 0}, 0},
    {"vehicle*km/yr", 1e3, {0, 1, 0, -1, 0, 0}, -1},
    {"MW*h/yr", 3.6e9, {0, 0, 1, -1, 0, 0}, -1},
    {"m^100/m^100", 1, {0}, 0},
};

static double scale365(mrv_unit u)
{
    return mrv_unit_scale(u, MRV_YEAR_DAYS);
}

static void test_units_parse_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        const good_case *c = &good[i];
        mrv_unit u;
        size_t off = 999;
        const char *why = NULL;
        mrv_status st = mrv_unit_parse(c->text, &u, &off, &why);
        if (st != MRV_OK) {
            fail_msg("'%s': %s at %zu", c->text, why ? why : "?", off);
        }
        double sc = scale365(u);
        if (!(fabs(sc - c->scale) <= RTOL * fabs(c->scale))) {
            fail_msg("'%s': scale %.17g, want %.17g", c->text, sc, c->scale);
        }
        if (memcmp(u.dim, c->dim, sizeof u.dim) != 0 || u.yr != c->yr) {
            fail_msg("'%s': dim {%d,%d,%d,%d,%d,%d} yr %d, want "
                     "{%d,%d,%d,%d,%d,%d} yr %d",
                     c->text, u.dim[0], u.dim[1], u.dim[2], u.dim[3], u.dim[4],
                     u.dim[5], u.yr, c->dim[0], c->dim[1], c->dim[2], c->dim[3],
                     c->dim[4], c->dim[5], c->yr);
        }
        assert_true(mrv_unit_valid(u));
    }
}

typedef struct exact_case {
    const char *text;
    double days;  /* the year length */
    double scale; /* exactly */
} exact_case;

/* Scales that must come out exact, not merely close: the parser keeps
** atoms as exact ratios, folds the year in once and divides once. */
static void test_units_parse_exact(void **state)
{
    static const exact_case exact[] = {
        {"t", 365, 1e3},
        {"Gt", 365, 1e12},
        {"GW", 365, 3.1536e16},
        {"GW", 365.25, 3.15576e16},
        {"W", 366, 31622400},
        {"MWh", 365, 3.6e9},
        {"MW*h", 365, 3.6e9},
        {"MW*h", 365.25, 3.6e9},
        {"kW*h", 366, 3.6e6},
        {"W*s", 365, 1},
        {"km/d", 365, 365000},
        {"km/d", 365.25, 365250},
        {"t/ha/yr", 365, 0.1},
        {"kg/TJ", 365, 1e-12},
        {"kg/head/d", 365, 365},
        {"d^-1", 365.25, 365.25},
        {"h/yr", 365, 1 / 8760.0},
        {"h/yr", 365.25, 1 / 8766.0},
        {"s/yr", 365, 1 / 31536000.0},
        {"km2", 365, 1e6},
        {"%", 365, 0.01},
        {"h/d", 365, 1 / 24.0},
        {"kcal", 365, 4186.8},
        {"toe", 365, 4.1868e10},
        {"yr", 360, 1},
    };
    (void)state;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        mrv_unit u;
        assert_status(mrv_unit_parse(exact[i].text, &u, NULL, NULL), MRV_OK);
        double sc = mrv_unit_scale(u, exact[i].days);
        if (sc != exact[i].scale) {
            fail_msg("'%s' at %g d: scale %.17g, want exactly %.17g",
                     exact[i].text, exact[i].days, sc, exact[i].scale);
        }
    }
}

typedef struct bad_case {
    const char *text;
    size_t offset;
    const char *why; /* the whole message */
} bad_case;

static const bad_case bad[] = {
    {"", 0, "empty unit"},
    {"   ", 0, "empty unit"},
    {"foo", 0, "unknown unit"},
    {"kt2x", 0, "unknown unit"},
    {"kgx", 0, "unknown unit"},
    {"tCO2ex", 0, "unknown unit"},
    {"t/kgx", 2, "unknown unit"},
    {"l", 0, "unknown unit"},
    {"mg", 0, "unknown unit"},
    {"10", 0, "unknown unit"},
    {"1.5", 0, "unknown unit"},
    {"1yr", 0, "unknown unit"},
    {"kg.m", 0, "unknown unit"},
    {"t/", 2, "expected a unit after '/'"},
    {"t*", 2, "expected a unit after '*'"},
    {"kg/TJ/", 6, "expected a unit after '/'"},
    {"t / ", 4, "expected a unit after '/'"},
    {"t//ha", 2, "expected a unit after '/'"},
    {"t/*ha", 2, "expected a unit after '/'"},
    {"t**ha", 2, "expected a unit after '*'"},
    {"t/ /ha", 3, "expected a unit after '/'"},
    {"/t", 0, "expected a unit"},
    {"*t", 0, "expected a unit"},
    {"t/^2", 2, "expected a unit"},
    {"t ha", 2, "expected '*' or '/' between units"},
    {"t\xc2\xb7ha", 1, "expected '*' or '/' between units"},
    {"kg-1", 2, "expected '*' or '/' between units"},
    {"tCO22", 4, "digits after a substance tag"},
    {"kgN2", 3, "digits after a substance tag"},
    {"JCO2", 1, "substance tag needs a mass unit"},
    {"hC", 1, "substance tag needs a mass unit"},
    {"t/kWhCO2", 5, "substance tag needs a mass unit"},
    {"1C", 1, "substance tag needs a mass unit"},
    {"m0", 1, "zero exponent"},
    {"m^0", 2, "zero exponent"},
    {"m^-0", 3, "zero exponent"},
    {"m02", 1, "leading zero in exponent"},
    {"m^-01", 3, "leading zero in exponent"},
    {"m^", 2, "expected an exponent after '^'"},
    {"m^-", 3, "expected an exponent after '^'"},
    {"m^x", 2, "expected an exponent after '^'"},
    {"m^+2", 2, "expected an exponent after '^'"},
    {"m^128", 2, "exponent out of range"},
    {"m^-99999999999999999999", 3, "exponent out of range"},
    {"m200", 1, "exponent out of range"},
    {"L^50", 0, "exponent out of range"},
    {"m^100*m^100", 6, "exponent out of range"},
    {"m2^3", 2, "unexpected '^' after a power"},
    {"kg^2^3", 4, "unexpected '^'"},
    {"Gt^30", 0, "unit scale out of range"},
    {"Nm32", 0, "unknown unit"},
    {"Nm3CO2", 3, "substance tag needs a mass unit"},
    {"kWpCO2", 3, "substance tag needs a mass unit"},
    {"kwh", 0, "unknown unit"},
    {"hours", 0, "unknown unit"},
    {"kg/s^100", 3, "unit scale out of range"},
};

static void test_units_parse_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const bad_case *c = &bad[i];
        mrv_unit u = {-1.0, 1.0, {9, 9, 9, 9, 9, 9}, 9};
        size_t off = 999;
        const char *why = NULL;
        mrv_status st = mrv_unit_parse(c->text, &u, &off, &why);
        if (st != MRV_ESYNTAX) {
            fail_msg("'%s': %s, want MRV_ESYNTAX", c->text,
                     mrv_status_name(st));
        }
        if (off != c->offset || !why || strcmp(why, c->why) != 0) {
            fail_msg("'%s': \"%s\" at %zu, want \"%s\" at %zu", c->text,
                     why ? why : "(null)", off, c->why, c->offset);
        }
        /* A failed parse leaves *out alone. */
        assert_true(u.num == -1.0 && u.dim[0] == 9 && u.yr == 9);
    }
}

static void test_units_parse_null_outputs(void **state)
{
    mrv_unit u;
    (void)state;
    /* bad_offset and why may be NULL; so may the text, which is empty. */
    assert_status(mrv_unit_parse("t//", &u, NULL, NULL), MRV_ESYNTAX);
    assert_status(mrv_unit_parse("t", NULL, NULL, NULL), MRV_OK);
    size_t off = 999;
    const char *why = NULL;
    assert_status(mrv_unit_parse(NULL, &u, &off, &why), MRV_ESYNTAX);
    assert_int_equal(off, 0);
    assert_string_equal(why, "empty unit");
}

static mrv_unit parse_ok(const char *text)
{
    mrv_unit u;
    size_t off = 0;
    const char *why = NULL;
    if (mrv_unit_parse(text, &u, &off, &why) != MRV_OK) {
        fail_msg("'%s': %s at %zu", text, why ? why : "?", off);
    }
    return u;
}

static double factor365(const char *from, const char *to)
{
    return mrv_unit_factor(parse_ok(from), parse_ok(to), MRV_YEAR_DAYS);
}

/* The promises of docs/units.md, one by one. */
static void test_units_design_conversions(void **state)
{
    (void)state;

    /* 25 km/d read into a km/yr parameter becomes 9,125 with the default
    ** year of 365 days, 9,131.25 with year_length: 365.25 d. */
    mrv_unit kmd = parse_ok("km/d"), kmyr = parse_ok("km/yr");
    assert_true(mrv_unit_same_dim(kmd, kmyr));
    assert_true(25 * mrv_unit_factor(kmd, kmyr, 365) == 9125);
    assert_true(25 * mrv_unit_factor(kmd, kmyr, 365.25) == 9131.25);
    assert_true(mrv_unit_to_internal(25, kmd, 365) == 9125000);

    /* MW times h is MWh at any year length: exactly when parsed, to an
    ** ulp when multiplied. */
    mrv_unit mwh = parse_ok("MWh");
    mrv_unit prod = mrv_unit_mul(parse_ok("MW"), parse_ok("h"));
    assert_true(mrv_unit_same_dim(prod, mwh));
    assert_close(scale365(prod), scale365(mwh), RTOL);
    assert_close(mrv_unit_factor(prod, mwh, 365.25), 1.0, RTOL);

    /* MW times h/yr is MWh/yr: 1 MW is 8,760 MWh/yr, 8,766 in a year of
    ** 365.25 days. */
    mrv_unit mw_hyr = mrv_unit_mul(parse_ok("MW"), parse_ok("h/yr"));
    assert_true(mrv_unit_same_dim(mw_hyr, parse_ok("MWh/yr")));
    assert_int_equal(mw_hyr.yr, -1);
    assert_close(mrv_unit_factor(mw_hyr, parse_ok("MWh/yr"), 365), 1.0, RTOL);
    assert_close(factor365("MW", "MWh/yr"), 8760, RTOL);
    assert_close(mrv_unit_factor(parse_ok("MW"), parse_ok("MWh/yr"), 365.25),
                 8766, RTOL);

    /* A factor table in kg/TJ feeds a tCO2/TJ parameter. */
    assert_close(69300 * factor365("kg/TJ", "tCO2/TJ"), 69.3, RTOL);

    /* 0.6 tCO2/MWh is 0.6 kg per 3.6 MJ in the internal kg/J. */
    assert_true(scale365(parse_ok("kg/J")) == 1.0);
    assert_close(0.6 * factor365("tCO2/MWh", "kg/J"), 0.6e3 / 3.6e9, RTOL);

    /* A vintage is a year: t/yr and t differ by a power of yr only, which
    ** the per-vintage bridge crosses; their scales agree. */
    mrv_unit tyr = parse_ok("t/yr"), t = parse_ok("t");
    assert_false(mrv_unit_same_dim(tyr, t));
    assert_true(mrv_unit_bridged(tyr, t));
    assert_false(mrv_unit_time_apart(tyr, t));
    assert_true(scale365(tyr) == scale365(t));
    assert_true(mrv_unit_bridged_number(parse_ok("1/yr")));
    assert_true(mrv_unit_bridged_number(parse_ok("%")));

    /* Power is not energy: MW and MWh, kW and kWh are a time apart, and
    ** no bridge crosses it; nor h and 1. */
    assert_false(mrv_unit_bridged(parse_ok("MW"), mwh));
    assert_true(mrv_unit_time_apart(parse_ok("MW"), mwh));
    assert_true(mrv_unit_time_apart(parse_ok("kWh"), parse_ok("kW")));
    assert_true(mrv_unit_time_apart(parse_ok("h"), mrv_unit_one()));
    assert_false(mrv_unit_bridged_number(parse_ok("h")));
    assert_false(mrv_unit_bridged_number(parse_ok("1/d")));
    /* MW and MWh/yr are the same dimension; MWh/yr and MWh bridge. */
    assert_true(mrv_unit_same_dim(parse_ok("MW"), parse_ok("MWh/yr")));
    assert_true(mrv_unit_bridged(parse_ok("MWh/yr"), mwh));

    /* Nm3 is no m3, kWp no kW. */
    assert_false(mrv_unit_same_dim(parse_ok("Nm3"), parse_ok("m3")));
    assert_false(mrv_unit_bridged(parse_ok("Nm3"), parse_ok("m3")));
    assert_false(mrv_unit_same_dim(parse_ok("kWp"), parse_ok("kW")));
    assert_true(
        mrv_unit_same_dim(mrv_unit_mul(parse_ok("kWp"), parse_ok("kWh/kWp/yr")),
                          parse_ok("MWh/yr")));

    /* GWP [tCO2e/tCH4] is dimensionless, so GWP * CH4 [t] is a mass. */
    mrv_unit gwp = parse_ok("tCO2e/tCH4");
    assert_true(mrv_unit_dimensionless(gwp));
    assert_true(scale365(gwp) == 1.0);
    assert_true(mrv_unit_same_dim(mrv_unit_mul(gwp, parse_ok("tCH4")), t));

    /* Energy is its own dimension: t*ha is no energy. */
    assert_false(mrv_unit_same_dim(parse_ok("t*ha"), parse_ok("J")));

    /* A few more that methodologies rely on. */
    assert_true(factor365("MWh", "GJ") == 3.6);
    assert_true(factor365("kt", "t") == 1000);
    assert_true(factor365("kWh", "MJ") == 3.6);
    assert_true(factor365("toe", "GJ") == 41.868);
    assert_close(factor365("kcal", "kJ"), 4.1868, RTOL);
    assert_close(factor365("GW*h", "GWh"), 1.0, RTOL);
    assert_true(factor365("%", "1") == 0.01);
    assert_true(factor365("tonnes", "t") == 1);
}

/* A value in a unit, in the internal scale: "N %" is the double N / 100,
** as if the decimal had been written (N * 0.01 is not, for 35, 41, 47,
** ...); every other unit multiplies by its scale, rounded once. */
static void test_units_to_internal(void **state)
{
    (void)state;
    mrv_unit pct = parse_ok("%");
    for (int i = 0; i <= 1000; i++) {
        if (mrv_unit_to_internal(i, pct, 365) != i / 100.0)
            fail_msg("%d %% is not %d / 100", i, i);
        if (mrv_unit_from_internal(i / 100.0, pct, 365) != i)
            fail_msg("%d / 100 is not %d %%", i, i);
    }
    assert_true(mrv_unit_to_internal(35, pct, 365) == 0.35);
    assert_true(35 * 0.01 != 0.35); /* what multiplying would give */
    assert_true(mrv_unit_to_internal(250, parse_ok("ppm"), 365) == 250e-6);
    /* A rate per year is a number under the bridge: 0.5 %/yr is 0.005. */
    assert_true(mrv_unit_to_internal(0.5, parse_ok("%/yr"), 365) == 0.005);
    assert_true(mrv_unit_to_internal(4380, parse_ok("h/yr"), 365) == 0.5);
    assert_true(mrv_unit_to_internal(0.6, parse_ok("tCO2/MWh"), 365) ==
                0.6 * (1e3 / 3.6e9));
    assert_true(mrv_unit_to_internal(8760, parse_ok("h/yr"), 365) == 1);
    assert_true(mrv_unit_to_internal(8766, parse_ok("h/yr"), 365.25) == 1);
    assert_true(mrv_unit_from_internal(1, parse_ok("h/yr"), 365) == 8760);
    assert_true(mrv_unit_from_internal(9125000, parse_ok("km/yr"), 365) ==
                9125);
    /* Overflow shows as infinity for the caller to report. */
    assert_true(isinf(mrv_unit_to_internal(1e306, parse_ok("Mt/km"), 365)));
}

typedef struct hint_case {
    const char *have, *want;
    const char *starts; /* the hint's first words, or NULL for none */
} hint_case;

static void test_units_hints(void **state)
{
    static const hint_case cases[] = {
        {"MWh", "MW", "an energy is not a power"},
        {"kW", "kWh", "a power is not an energy"},
        {"MW", "MWh", "a power is not an energy"},
        {"MWh/h", "MWh", "a power is not an energy"},
        {"GJ", "kW", "an energy is not a power"},
        {"d", "1", "they differ by a time in d, h, min or s"},
        {"km/d", "km", "they differ by a time in d, h, min or s"},
        {"t", "t/yr", "they differ by a power of yr"},
        {"1/yr", "%", "they differ by a power of yr"},
        {"kWp", "kW", "peak power (Wp, kWp, MWp)"},
        {"kW", "MWp", "peak power (Wp, kWp, MWp)"},
        {"Nm3", "m3", "Nm3 is a gas volume"},
        {"t/m3", "t/Nm3", "Nm3 is a gas volume"},
        {"t", "km", NULL},
        {"MW", "MWh/yr", NULL}, /* the same dimension: no mismatch */
        {"kg/d", "km/yr", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *h =
            mrv_unit_hint(parse_ok(cases[i].have), parse_ok(cases[i].want));
        if (!cases[i].starts) {
            if (h) fail_msg("%s for %s: '%s'", cases[i].have, cases[i].want, h);
            continue;
        }
        if (!h || strncmp(h, cases[i].starts, strlen(cases[i].starts)) != 0)
            fail_msg("%s for %s: '%s', want '%s...'", cases[i].have,
                     cases[i].want, h ? h : "(none)", cases[i].starts);
    }
}

/* Substance tags: a value may stand where a parameter is declared only
** if it weighs the same substances (CO2 counting as CO2e), or if either
** unit names none.  A tag converts nothing: '12 tC' read as tCO2 would be
** 12 t of CO2, not 44. */
static void test_units_tags_agree(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool agree;
    } cases[] = {
        {"tCO2", "tCO2", true},          {"tCO2", "tCO2e", true},
        {"kgCO2e/TJ", "tCO2/TJ", true},  {"t", "tC", true},
        {"tCO2e/tCH4", "1", true},       {"tCO2e/tCH4", "tCO2/tCH4", true},
        {"tC/tdm", "kgC/kgdm", true},    {"tC", "tCO2", false},
        {"kgCH4/TJ", "kgCO2/TJ", false}, {"tCO2e/tCH4", "tCO2e/tN2O", false},
        {"tN", "tN2O", false},           {"tC/tdm", "tC/t", false},
        {"tCO2^2", "tCO2", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (mrv_unit_tags_agree(cases[i].a, cases[i].b) != cases[i].agree ||
            mrv_unit_tags_agree(cases[i].b, cases[i].a) != cases[i].agree)
            fail_msg("'%s' and '%s': want %s", cases[i].a, cases[i].b,
                     cases[i].agree ? "agree" : "differ");
    }
}

static void test_units_factor_mismatch(void **state)
{
    (void)state;
    assert_true(isnan(factor365("t", "TJ")));
    assert_true(isnan(factor365("m2", "m3")));
    assert_true(isnan(factor365("MW", "MWh")));
    assert_true(isnan(factor365("t/yr", "t")));
    assert_true(isnan(factor365("Nm3", "m3")));
}

static void test_units_one(void **state)
{
    mrv_unit one = mrv_unit_one();
    (void)state;
    assert_true(scale365(one) == 1.0);
    assert_true(mrv_unit_dimensionless(one));
    assert_true(mrv_unit_valid(one));
    assert_true(mrv_unit_same_dim(one, parse_ok("1")));
    assert_true(mrv_unit_same_dim(one, parse_ok("household")));
    assert_true(mrv_unit_same_dim(one, parse_ok("h/d")));
}

static void test_units_mul_div(void **state)
{
    (void)state;
    mrv_unit q = mrv_unit_div(parse_ok("tCO2"), parse_ok("MWh"));
    mrv_unit want = parse_ok("tCO2/MWh");
    assert_true(mrv_unit_same_dim(q, want));
    assert_close(scale365(q), scale365(want), RTOL);

    mrv_unit e = mrv_unit_mul(parse_ok("kWh/km"), parse_ok("km/yr"));
    assert_true(mrv_unit_same_dim(e, parse_ok("MWh/yr")));
    assert_int_equal(e.yr, -1);
    assert_close(scale365(e), 3.6e6, RTOL);

    /* FUEL [L/yr] * RHO [kg/L] * NCV [TJ/Gg] * EF [tCO2/TJ] is a mass
    ** per year. */
    mrv_unit be = mrv_unit_mul(
        mrv_unit_mul(mrv_unit_mul(parse_ok("L/yr"), parse_ok("kg/L")),
                     parse_ok("TJ/Gg")),
        parse_ok("tCO2/TJ"));
    assert_true(mrv_unit_same_dim(be, parse_ok("tCO2e/yr")));
    assert_true(mrv_unit_bridged(be, parse_ok("tCO2e")));
    assert_close(scale365(be), 1e-3, RTOL);
}

typedef struct dim_case {
    const char *text;
    const char *want;
} dim_case;

static void test_units_dim_str(void **state)
{
    static const dim_case cases[] = {
        {"kg", "mass"},
        {"m", "length"},
        {"GJ", "energy"},
        {"kg/TJ", "mass/energy"},
        {"m3/t", "length^3/mass"},
        {"t/ha", "mass/length^2"},
        {"1/TJ", "1/energy"},
        {"m^-3", "1/length^3"},
        {"%", "dimensionless"},
        {"tCO2e/tCH4", "dimensionless"},
        {"household", "dimensionless"},
        {"MWh/yr", "energy/time"},
        {"MW", "energy/time"},
        {"h", "time"},
        {"1/yr", "1/time"},
        {"Nm3", "normal volume"},
        {"kWh/kWp/yr", "energy/time/peak power"},
        {"kg*m", "mass*length"},
        {"t*km2*TJ", "mass*length^2*energy"},
        {"t/ha/GJ", "mass/length^2/energy"},
        {"kWh/km", "energy/length"},
        {"TJ/Gg", "energy/mass"},
        {"1/t/m/J", "1/mass/length/energy"},
        {"m^127/kg^127", "length^127/mass^127"},
    };
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = mrv_unit_dim_str(parse_ok(cases[i].text), buf, sizeof buf);
        assert_ptr_equal(r, buf);
        assert_string_equal(buf, cases[i].want);
    }
    /* An overflowed unit says so. */
    mrv_unit over = mrv_unit_pow(parse_ok("m"), 200);
    assert_string_equal(mrv_unit_dim_str(over, buf, sizeof buf), "invalid");
}

static void test_units_dim_str_truncates(void **state)
{
    char buf[8];
    (void)state;
    memset(buf, 'x', sizeof buf);
    mrv_unit_dim_str(parse_ok("kg/TJ"), buf, 5);
    assert_string_equal(buf, "mass");
    assert_int_equal(buf[5], 'x');
    /* n == 0 writes nothing at all. */
    memset(buf, 'x', sizeof buf);
    mrv_unit_dim_str(parse_ok("kg"), buf, 0);
    assert_int_equal(buf[0], 'x');
    mrv_unit_dim_str(parse_ok("kg"), buf, 1);
    assert_string_equal(buf, "");
}

static void test_units_pow_overflow(void **state)
{
    (void)state;
    mrv_unit m = parse_ok("m"), m3 = parse_ok("m3");

    mrv_unit km2 = mrv_unit_pow(parse_ok("km"), 2);
    assert_true(scale365(km2) == 1e6);
    assert_int_equal(km2.dim[MRV_DIM_LENGTH], 2);
    assert_true(mrv_unit_valid(km2));

    mrv_unit inv = mrv_unit_pow(parse_ok("km"), -1);
    assert_true(scale365(inv) == 1e-3);
    assert_int_equal(inv.dim[MRV_DIM_LENGTH], -1);

    mrv_unit per_yr2 = mrv_unit_pow(parse_ok("1/yr"), 2);
    assert_int_equal(per_yr2.dim[MRV_DIM_TIME], -2);
    assert_int_equal(per_yr2.yr, -2);

    mrv_unit z = mrv_unit_pow(m3, 0);
    assert_true(mrv_unit_valid(z) && mrv_unit_dimensionless(z));

    assert_true(mrv_unit_valid(mrv_unit_pow(m, 127)));
    assert_true(mrv_unit_valid(mrv_unit_pow(m, -127)));
    assert_false(mrv_unit_valid(mrv_unit_pow(m, 128)));
    assert_false(mrv_unit_valid(mrv_unit_pow(m, -128)));
    assert_false(mrv_unit_valid(mrv_unit_pow(m3, 50)));
    assert_false(mrv_unit_valid(mrv_unit_pow(m, INT_MAX)));
    assert_false(mrv_unit_valid(mrv_unit_pow(m, INT_MIN)));
    assert_false(mrv_unit_valid(mrv_unit_pow(parse_ok("yr"), 128)));

    /* Overflow sticks through later operations, even ^0 and division. */
    mrv_unit big = mrv_unit_pow(m, 200);
    assert_false(mrv_unit_valid(mrv_unit_pow(big, 0)));
    assert_false(mrv_unit_valid(mrv_unit_pow(big, -1)));
    assert_false(mrv_unit_valid(mrv_unit_mul(big, mrv_unit_one())));
    assert_false(mrv_unit_valid(mrv_unit_div(big, big)));
    assert_false(mrv_unit_dimensionless(big));
    assert_false(mrv_unit_same_dim(big, big));
    assert_false(mrv_unit_bridged(big, big));

    /* Overflow through mul and div of valid units. */
    mrv_unit m100 = mrv_unit_pow(m, 100);
    assert_false(mrv_unit_valid(mrv_unit_mul(m100, m100)));
    assert_false(mrv_unit_valid(mrv_unit_div(m100, mrv_unit_pow(m, -100))));
    assert_true(mrv_unit_valid(mrv_unit_div(m100, m100)));

    /* A scale that overflows a double is no valid unit either. */
    assert_false(mrv_unit_valid(mrv_unit_pow(parse_ok("Gt"), 30)));
}

static void test_units_sqrt(void **state)
{
    mrv_unit r;
    (void)state;
    assert_true(mrv_unit_sqrt(parse_ok("ha"), &r));
    assert_true(scale365(r) == 100.0);
    assert_true(mrv_unit_same_dim(r, parse_ok("m")));

    assert_true(mrv_unit_sqrt(parse_ok("km2/t^2"), &r));
    assert_true(scale365(r) == 1.0);
    assert_true(mrv_unit_same_dim(r, parse_ok("km/t")));

    assert_true(mrv_unit_sqrt(parse_ok("1/yr^2"), &r));
    assert_true(mrv_unit_same_dim(r, parse_ok("1/yr")));
    assert_int_equal(r.yr, -1);

    r = mrv_unit_one();
    assert_false(mrv_unit_sqrt(parse_ok("m3"), &r));
    assert_false(mrv_unit_sqrt(parse_ok("kg/TJ"), &r));
    assert_false(mrv_unit_sqrt(parse_ok("1/yr"), &r));
    assert_false(mrv_unit_sqrt(mrv_unit_pow(parse_ok("m"), 200), &r));
    assert_true(scale365(r) == 1.0); /* untouched on failure */
}

/* good[] starts with every atom of the parser's table, in its order. */
#define NATOMS 70

/* The vocabulary 'mrv units' lists (mrv_unit_atom_at) is the parser's:
** exactly the atoms good[] expects, each parsing alone to its own
** scale and dimension, taking a tag or a glued power exactly when it says
** so, grouped in runs, with the seven substance tags. */
static void test_units_vocabulary(void **state)
{
    (void)state;
    static const struct {
        const char *name, *group;
    } groups[] = {{"t", "mass"},
                  {"kWh", "energy"},
                  {"W", "power"},
                  {"kWp", "peak power"},
                  {"km", "length"},
                  {"L", "area and volume"},
                  {"Nm3", "area and volume"},
                  {"d", "time"},
                  {"%", "number"},
                  {"households", "count"}};
    mrv_unit_atom a;
    const char *seen_groups[16];
    size_t ngroups = 0, i;
    for (i = 0; mrv_unit_atom_at(i, &a); i++) {
        assert_true(i < NATOMS);
        assert_string_equal(a.name, good[i].text);
        assert_close(scale365(a.unit), good[i].scale, RTOL);
        assert_memory_equal(a.unit.dim, good[i].dim, sizeof a.unit.dim);
        assert_int_equal(a.unit.yr, good[i].yr);
        mrv_unit u = parse_ok(a.name);
        assert_true(u.num == a.unit.num && u.den == a.unit.den);
        assert_memory_equal(u.dim, a.unit.dim, sizeof u.dim);

        char text[64];
        snprintf(text, sizeof text, "%sCO2e", a.name);
        assert_int_equal(a.tag, mrv_unit_parse(text, NULL, NULL, NULL) == 0);
        assert_int_equal(a.tag, a.unit.dim[MRV_DIM_MASS] == 1);
        snprintf(text, sizeof text, "%s2", a.name);
        assert_int_equal(a.power, mrv_unit_parse(text, NULL, NULL, NULL) == 0);

        /* A group, once left, never comes back: headings stay whole. */
        if (ngroups == 0 || strcmp(seen_groups[ngroups - 1], a.group) != 0) {
            for (size_t g = 0; g < ngroups; g++)
                assert_string_not_equal(seen_groups[g], a.group);
            assert_true(ngroups < 16);
            seen_groups[ngroups++] = a.group;
        }
        for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
            if (strcmp(groups[g].name, a.name) == 0)
                assert_string_equal(a.group, groups[g].group);
    }
    assert_int_equal(i, NATOMS);
    assert_int_equal(ngroups, 9);

    static const char *const tags[] = {"CO2e", "CO2", "CH4", "N2O",
                                       "C",    "N",   "dm"};
    const char *tag;
    for (i = 0; (tag = mrv_unit_tag_at(i)); i++) {
        assert_true(i < sizeof tags / sizeof *tags);
        bool listed = false;
        for (size_t k = 0; k < sizeof tags / sizeof *tags; k++)
            listed |= strcmp(tags[k], tag) == 0;
        assert_true(listed);
        char text[32];
        snprintf(text, sizeof text, "t%s", tag);
        mrv_unit u = parse_ok(text);
        assert_true(scale365(u) == 1e3);
        assert_memory_equal(u.dim, good[5].dim, sizeof u.dim); /* t */
        const char *why = NULL;
        snprintf(text, sizeof text, "m%s", tag);
        assert_int_equal(mrv_unit_parse(text, NULL, NULL, &why), MRV_ESYNTAX);
        assert_string_equal(why, "substance tag needs a mass unit");
    }
    assert_int_equal(i, sizeof tags / sizeof *tags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units_parse_good),
        cmocka_unit_test(test_units_parse_exact),
        cmocka_unit_test(test_units_parse_bad),
        cmocka_unit_test(test_units_parse_null_outputs),
        cmocka_unit_test(test_units_design_conversions),
        cmocka_unit_test(test_units_to_internal),
        cmocka_unit_test(test_units_hints),
        cmocka_unit_test(test_units_tags_agree),
        cmocka_unit_test(test_units_factor_mismatch),
        cmocka_unit_test(test_units_one),
        cmocka_unit_test(test_units_mul_div),
        cmocka_unit_test(test_units_dim_str),
        cmocka_unit_test(test_units_dim_str_truncates),
        cmocka_unit_test(test_units_pow_overflow),
        cmocka_unit_test(test_units_sqrt),
        cmocka_unit_test(test_units_vocabulary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
