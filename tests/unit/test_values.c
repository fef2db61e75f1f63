/*
** test_values.c -- the value syntax of docs/formats.md (values.c), read
** through the whole binding (resolve.c) and picked element by element
** with mrv_bound_pick, as lowering does.
**
** One methodology declares a parameter of every shape; each case writes a
** project whose line 7 gives one of them a value, binds it, and checks
** picks (broadcast, nested axes in either order, fill hold, linear and zero,
** quantities with units, factor references, wrappers, relative and
** absolute uncertainty, bounds) or the error and the token it points at.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "hash.h"
#include "resolve.h"

static const char meth[] =
    "methodology: v\n"
    "dimensions:\n"
    "  fleet: {}\n"
    "  region: {}\n"
    "parameters:\n"
    "  S:  {unit: km/yr}\n"
    "  V:  {unit: t, over: [vintage]}\n"
    "  VH: {unit: t, over: [vintage], fill: hold}\n"
    "  VL: {unit: t, over: [vintage], fill: linear}\n"
    "  VZ: {unit: t, over: [vintage], fill: zero}\n"
    "  M:  {unit: 1, over: [fleet]}\n"
    "  VM: {unit: t, over: [vintage, fleet]}\n"
    "  MR: {unit: 1, over: [fleet, region]}\n"
    "  B:  {unit: 1, bounds: [0, 1]}\n"
    "  MB: {unit: 1, over: [fleet], bounds: [0, 10]}\n"
    "  F:  {unit: tCO2/TJ}\n"
    "  CH: {choice: [none, default_factor, measured]}\n"
    "  CM: {choice: [a, b], over: [fleet]}\n"
    "  P:  {unit: MW, default: 1}\n"
    "  Q:  {unit: kWh, default: 1}\n"
    "  K:  {unit: 1/yr, default: 0.1}\n"
    "  G:  {unit: Nm3, default: 1}\n"
    "  R:  {unit: t/yr, default: 1}\n"
    "equations:\n"
    "  E: {unit: t, formula: \"0\"}\n"
    "results: {baseline: E, project: E, leakage: E, reductions: E}\n";

static const char table[] =
    "table: tbl\n"
    "source: test table\n"
    "entries:\n"
    "  ef: {value: 69300, unit: kg/TJ, uncertainty: {dist: triangular, "
    "min: 67500, max: 73000}}\n"
    "  dist: {value: 10, unit: km/d, source: own}\n"
    "  m.a: {value: 2, unit: 1}\n"
    "  m.b: {value: 3, unit: 1, uncertainty: {dist: normal, sd: 0.1}}\n"
    "  mr.n.a: {value: 1, unit: 1}\n"
    "  mr.n.b: {value: 2, unit: 1}\n"
    "  mr.s.a: {value: 3, unit: 1}\n"
    "  mr.s.b: {value: 4, unit: 1}\n";

/* A valid value for every parameter; the case's own replaces one. */
static const struct {
    const char *name, *value;
} defaults[] = {
    {"S", "1"},   {"V", "{2025: 1, 2026: 1, 2027: 1}"},
    {"VH", "1"},  {"VL", "1"},
    {"VZ", "1"},  {"M", "1"},
    {"VM", "1"},  {"MR", "1"},
    {"B", "0.5"}, {"F", "1"},
    {"MB", "1"},  {"CH", "none"},
    {"CM", "a"},
};

typedef struct fixture {
    char *dir;
    mrv_diag *diag;
    mrv_bound *b;
    const char *extra; /* top-level lines after the parameters, or NULL */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    free(fx_write(fx->dir, "t.yaml", table));
    fx->diag = mrv_diag_new();
    *state = fx;
    return fx->diag ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_bound_free(fx->b);
    mrv_diag_free(fx->diag);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* Binds a project whose line 7 is "  NAME: VALUE". */
static mrv_status bind(fixture *fx, const char *name, const char *value)
{
    char text[4096];
    int o = snprintf(text, sizeof text,
                     "project: v\n"
                     "methodology: ./m.yaml\n"
                     "crediting_period: {first: 2025, last: 2027}\n"
                     "factors: [./t.yaml]\n"
                     "dimensions: {fleet: [a, b], region: [n, s]}\n"
                     "parameters:\n"
                     "  %s: %s\n",
                     name, value);
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        if (strcmp(defaults[i].name, name) == 0) continue;
        o += snprintf(text + o, sizeof text - (size_t)o, "  %s: %s\n",
                      defaults[i].name, defaults[i].value);
    }
    if (fx->extra) snprintf(text + o, sizeof text - (size_t)o, "%s", fx->extra);
    char *path = fx_write(fx->dir, "p.yaml", text);
    mrv_bound_free(fx->b);
    fx->b = NULL;
    mrv_diag_reset(fx->diag);
    mrv_search s = fx_search();
    mrv_status st = mrv_resolve(path, &s, &fx->b, fx->diag);
    free(path);
    return st;
}

static size_t param(const fixture *fx, const char *name)
{
    int i = mrv_methodology_param(fx->b->meth, name);
    assert_true(i >= 0);
    return (size_t)i;
}

/* The central value of a pick in the parameter's own unit. */
static double pick_central(const fixture *fx, size_t pi, int year, size_t fleet,
                           size_t region, mrv_vpick *pk)
{
    size_t mem[2] = {fleet, region};
    char why[200];
    mrv_status st = mrv_bound_pick(fx->b, pi, year, mem, pk, why, sizeof why);
    if (st != MRV_OK) fail_msg("pick %d: %s", year, why);
    double x = 0;
    for (size_t k = 0; k < pk->nparts; k++) {
        assert_non_null(pk->part[k].leaf);
        assert_int_equal(pk->part[k].leaf->kind, MRV_V_LEAF);
        /* Relative multipliers are centred on 1: they leave it alone. */
        for (size_t r = 0; r < pk->part[k].nrel; r++)
            assert_true(pk->part[k].rel[r]->unc->relative);
        x += pk->part[k].w * pk->part[k].leaf->value;
    }
    return x / mrv_unit_scale(fx->b->meth->params[pi].unit, fx->b->year_days);
}

#define NY MRV_NO_YEAR

static const struct {
    const char *name, *value;
    struct {
        int year;
        size_t fleet, region;
        double want; /* in the parameter's unit */
        size_t nparts;
    } picks[6];
} good[] = {
    /* quantities: converted at load; a day is 1/365 of the default year */
    {"S", "25 km/d", {{NY, 0, 0, 9125, 1}}},
    {"S", "12", {{NY, 0, 0, 12, 1}}},
    {"S", "1_000", {{NY, 0, 0, 1000, 1}}},
    {"S", "-2.5e1 m/h", {{NY, 0, 0, -25 * 24 * 365 / 1000.0, 1}}},
    {"S", "{value: 3, unit: m/d}", {{NY, 0, 0, 3 * 365 / 1000.0, 1}}},
    {"S",
     "{value: 3, unit: m/d, source: survey, note: n}",
     {{NY, 0, 0, 1.095, 1}}},
    {"S", "25km/d", {{NY, 0, 0, 9125, 1}}},
    /* percentages of a number */
    {"B", "5%", {{NY, 0, 0, 0.05, 1}}},
    {"B", "12 %", {{NY, 0, 0, 0.12, 1}}},
    {"B", "{value: 40, unit: '%'}", {{NY, 0, 0, 0.4, 1}}},
    {"K", "5 %/yr", {{NY, 0, 0, 0.05, 1}}},
    /* power, energy and time: the same dimension converts */
    {"P", "50 MWh/yr", {{NY, 0, 0, 50 / 8760.0, 1}}},
    {"P", "3 kW", {{NY, 0, 0, 0.003, 1}}},
    {"P", "8760 kWh/yr", {{NY, 0, 0, 0.001, 1}}},
    {"Q", "2 MW*h", {{NY, 0, 0, 2000, 1}}},
    {"Q", "1 toe", {{NY, 0, 0, 11630, 1}}},
    {"G", "2 Nm3", {{NY, 0, 0, 2, 1}}},
    {"R", "5 tonnes/yr", {{NY, 0, 0, 5, 1}}},
    /* factor references, in the entry's own unit */
    {"S", "tbl/dist", {{NY, 0, 0, 3650, 1}}},
    {"F", "tbl/ef", {{NY, 0, 0, 69.3, 1}}},
    {"F",
     "{value: tbl/ef, uncertainty: {dist: normal, sd: 1}}",
     {{NY, 0, 0, 69.3, 1}}},
    /* series, and fill rules */
    {"V",
     "{2027: 3, 2025: 1, 2026: 2, 2030: 9}",
     {{2025, 0, 0, 1, 1},
      {2026, 0, 0, 2, 1},
      {2027, 0, 0, 3, 1},
      {2030, 0, 0, 9, 1}}},
    {"VH",
     "{2024: 5, 2026: 7}",
     {{2025, 0, 0, 5, 1},
      {2026, 0, 0, 7, 1},
      {2027, 0, 0, 7, 1},
      {2024, 0, 0, 5, 1}}},
    {"VL",
     "{2025: 10, 2028: 40}",
     {{2025, 0, 0, 10, 1},
      {2026, 0, 0, 20, 2},
      {2027, 0, 0, 30, 2},
      {2028, 0, 0, 40, 1},
      {2031, 0, 0, 40, 1}}},
    {"VH", "7", {{2025, 0, 0, 7, 1}, {2027, 0, 0, 7, 1}}},
    /* fill: zero gives 0 before, between and after the years given */
    {"VZ",
     "{2026: 5, 2028: 6}",
     {{2025, 0, 0, 0, 1},
      {2026, 0, 0, 5, 1},
      {2027, 0, 0, 0, 1},
      {2028, 0, 0, 6, 1},
      {2031, 0, 0, 0, 1}}},
    /* members, broadcast, and nested axes in either order */
    {"M", "{a: 1, b: 2}", {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}}},
    {"M", "{b: 2, a: 1}", {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}}},
    {"M", "7", {{NY, 0, 0, 7, 1}, {NY, 1, 0, 7, 1}}},
    {"VM",
     "{a: {2025: 1, 2026: 2, 2027: 3}, b: 4}",
     {{2025, 0, 0, 1, 1}, {2027, 0, 0, 3, 1}, {2026, 1, 0, 4, 1}}},
    {"VM",
     "{2025: {a: 1, b: 2}, 2026: {a: 3, b: 4}, 2027: 5}",
     {{2025, 1, 0, 2, 1},
      {2026, 0, 0, 3, 1},
      {2027, 0, 0, 5, 1},
      {2027, 1, 0, 5, 1}}},
    {"MR",
     "{n: {a: 1, b: 2}, s: {a: 3, b: 4}}",
     {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}, {NY, 0, 1, 3, 1}, {NY, 1, 1, 4, 1}}},
    {"MR",
     "{a: {n: 1, s: 2}, b: 3}",
     {{NY, 0, 0, 1, 1}, {NY, 0, 1, 2, 1}, {NY, 1, 0, 3, 1}, {NY, 1, 1, 3, 1}}},
    /* member-keyed factor references: one entry per member */
    {"M", "tbl/m.{fleet}", {{NY, 0, 0, 2, 1}, {NY, 1, 0, 3, 1}}},
    {"M", "\"tbl/m.{fleet}\"", {{NY, 0, 0, 2, 1}, {NY, 1, 0, 3, 1}}},
    {"M",
     "{value: \"tbl/m.{fleet}\", uncertainty: 5%}",
     {{NY, 0, 0, 2, 1}, {NY, 1, 0, 3, 1}}},
    {"MR",
     "tbl/mr.{region}.{fleet}",
     {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}, {NY, 0, 1, 3, 1}, {NY, 1, 1, 4, 1}}},
    {"MR",
     "{n: \"tbl/mr.n.{fleet}\", s: 7}",
     {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}, {NY, 0, 1, 7, 1}, {NY, 1, 1, 7, 1}}},
    /* choices: a name, kept as its index */
    {"CH", "measured", {{NY, 0, 0, 2, 1}}},
    {"CH", "{value: none, source: PDD B.6}", {{NY, 0, 0, 0, 1}}},
    {"CM", "{a: b, b: a}", {{NY, 0, 0, 1, 1}, {NY, 1, 0, 0, 1}}},
    {"CM", "b", {{NY, 0, 0, 1, 1}, {NY, 1, 0, 1, 1}}},
    /* wrappers around maps keep their values */
    {"M",
     "{value: {a: 1, b: 2}, uncertainty: 10%}",
     {{NY, 0, 0, 1, 1}, {NY, 1, 0, 2, 1}}},
    {"VM",
     "{a: {value: {2025: 1, 2026: 2, 2027: 3}, uncertainty: {dist: "
     "triangular, min: 0.9, max: 1.1, relative: true}, vary: vintage}, b: 2}",
     {{2026, 0, 0, 2, 1}, {2026, 1, 0, 2, 1}}},
    {"B",
     "{value: 0.5, uncertainty: {dist: uniform, min: 0.2, max: 0.9}}",
     {{NY, 0, 0, 0.5, 1}}},
};

static void test_values_good(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        mrv_status st = bind(fx, good[i].name, good[i].value);
        if (st != MRV_OK)
            fail_msg("%s: %s: %s", good[i].name, good[i].value,
                     fx_first_msg(fx->diag));
        size_t pi = param(fx, good[i].name);
        for (size_t k = 0; k < 6 && good[i].picks[k].nparts; k++) {
            mrv_vpick pk;
            double got = pick_central(fx, pi, good[i].picks[k].year,
                                      good[i].picks[k].fleet,
                                      good[i].picks[k].region, &pk);
            if (fabs(got - good[i].picks[k].want) >
                    1e-12 * fmax(1, fabs(good[i].picks[k].want)) ||
                pk.nparts != good[i].picks[k].nparts)
                fail_msg("%s: %s, pick %zu: %.17g in %zu parts, want %.17g "
                         "in %zu",
                         good[i].name, good[i].value, k, got, pk.nparts,
                         good[i].picks[k].want, good[i].picks[k].nparts);
        }
    }
}

static void test_values_linear_weights(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "VL", "{2024: 10, 2028: 50}"), MRV_OK);
    mrv_vpick pk;
    assert_close(pick_central(fx, param(fx, "VL"), 2025, 0, 0, &pk), 20, 1e-15);
    assert_int_equal(pk.nparts, 2);
    assert_close(pk.part[0].w, 0.75, 1e-15);
    assert_close(pk.part[1].w, 0.25, 1e-15);
    assert_close(pk.part[0].leaf->value, 10000, 0); /* t -> kg */
    assert_close(pk.part[1].leaf->value, 50000, 0);
    /* A series read where it has no year and no fill: the years it has. */
    assert_status(bind(fx, "V", "{2025: 1, 2026: 1, 2027: 1}"), MRV_OK);
    size_t mem[2] = {0, 0};
    char why[200];
    assert_status(
        mrv_bound_pick(fx->b, param(fx, "V"), 2024, mem, &pk, why, sizeof why),
        MRV_EREF);
    assert_string_equal(why, "years given: 2025-2027");
}

static void test_values_uncertainty(void **state)
{
    fixture *fx = *state;
    mrv_vpick pk;
    size_t mem[2] = {0, 0};
    char why[64];

    /* A factor's own uncertainty, in its unit, triangular around it. */
    assert_status(bind(fx, "F", "tbl/ef"), MRV_OK);
    assert_status(
        mrv_bound_pick(fx->b, param(fx, "F"), NY, mem, &pk, why, sizeof why),
        MRV_OK);
    const mrv_vnode *leaf = pk.part[0].leaf;
    assert_string_equal(leaf->source, "tbl/ef");
    assert_non_null(leaf->unc);
    assert_int_equal(leaf->unc->dist, MRV_DIST_TRIANGULAR);
    assert_false(leaf->unc->relative);
    assert_close(leaf->unc->center, 69300e-12, 1e-12);
    assert_close(leaf->unc->min / 1e-12, 67500, 1e-12);
    assert_close(leaf->unc->max / 1e-12, 73000, 1e-12);
    /* A factor's stream is the entry's, whichever parameter reads it. */
    assert_true(leaf->unc->stream ==
                mrv__sid_mix(0, MRV__SID_FACTOR, mrv__fnv1a_str("tbl/ef")));
    assert_int_equal(fx->b->nfactors_used, 1);
    assert_string_equal(fx->b->factors_used[0]->id, "tbl/ef");

    /* An explicit absolute uncertainty replaces the factor's. */
    assert_status(bind(fx, "F",
                       "{value: tbl/ef, uncertainty: {dist: normal, "
                       "sd: 2}}"),
                  MRV_OK);
    mrv_bound_pick(fx->b, param(fx, "F"), NY, mem, &pk, why, sizeof why);
    assert_int_equal(pk.part[0].leaf->unc->dist, MRV_DIST_NORMAL);
    assert_close(pk.part[0].leaf->unc->sd, 2e-9, 1e-12); /* tCO2/TJ: 1e-9 */

    /* The IPCC shorthand on a map: a relative normal, sd = P/1.96. */
    assert_status(bind(fx, "M", "{value: {a: 1, b: 2}, uncertainty: 10%}"),
                  MRV_OK);
    mem[0] = 1;
    mrv_bound_pick(fx->b, param(fx, "M"), NY, mem, &pk, why, sizeof why);
    assert_int_equal(pk.part[0].nrel, 1);
    const mrv_uncert *u = pk.part[0].rel[0]->unc;
    assert_true(u->relative);
    assert_int_equal(u->dist, MRV_DIST_NORMAL);
    assert_close(u->center, 1, 0);
    assert_close(u->sd, 0.1 / 1.959963984540054, 1e-12);
    assert_null(pk.part[0].leaf->unc);
    assert_true(u->stream ==
                mrv__sid_mix(0, MRV__SID_PARAM, mrv__fnv1a_str("M")));

    /* vary on the wrapper; bounds truncate the draws of a bounded leaf. */
    assert_status(bind(fx, "B",
                       "{value: 0.5, uncertainty: {dist: uniform, "
                       "min: 0.2, max: 0.9}, vary: vintage}"),
                  MRV_OK);
    mrv_bound_pick(fx->b, param(fx, "B"), NY, mem, &pk, why, sizeof why);
    u = pk.part[0].leaf->unc;
    assert_int_equal(u->vary, MRV_VARY_VINTAGE);
    assert_close(u->lo, 0, 0);
    assert_close(u->hi, 1, 0);

    /* A relative multiplier on a bounded map is truncated so that every
    ** leaf times it stays inside the bounds [0, 10]: 2 m and 5 m for m in
    ** [0, 2]. */
    assert_status(bind(fx, "MB",
                       "{value: {a: 2, b: 5}, uncertainty: {dist: "
                       "normal, sd: 0.5, relative: true}, vary: "
                       "[vintage, member]}"),
                  MRV_OK);
    mrv_bound_pick(fx->b, param(fx, "MB"), NY, mem, &pk, why, sizeof why);
    assert_int_equal(pk.part[0].nrel, 1);
    u = pk.part[0].rel[0]->unc;
    assert_int_equal(u->vary, MRV_VARY_VINTAGE | MRV_VARY_MEMBER);
    assert_close(u->lo, 0, 0);
    assert_close(u->hi, 2, 1e-15);
    assert_close(pk.part[0].leaf->value, 5, 0);

    /* A year fill: zero supplies is the one zero leaf, with no
    ** multiplier to draw (0 times any draw is 0). */
    assert_status(bind(fx, "VZ", "{value: {2026: 5}, uncertainty: 10%}"),
                  MRV_OK);
    mrv_bound_pick(fx->b, param(fx, "VZ"), 2027, mem, &pk, why, sizeof why);
    assert_int_equal(pk.nparts, 1);
    assert_ptr_equal(pk.part[0].leaf, &mrv_fill_zero_leaf);
    assert_int_equal(pk.part[0].nrel, 0);
    mrv_bound_pick(fx->b, param(fx, "VZ"), 2026, mem, &pk, why, sizeof why);
    assert_int_equal(pk.part[0].nrel, 1);
    assert_close(pk.part[0].leaf->value, 5000, 0);

    /* A linear fill under a relative multiplier: both parts carry it. */
    assert_status(bind(fx, "VL",
                       "{value: {2025: 2, 2027: 4}, uncertainty: "
                       "5%}"),
                  MRV_OK);
    mrv_bound_pick(fx->b, param(fx, "VL"), 2026, mem, &pk, why, sizeof why);
    assert_int_equal(pk.nparts, 2);
    assert_int_equal(pk.part[0].nrel, 1);
    assert_int_equal(pk.part[1].nrel, 1);
    assert_true(pk.part[0].rel[0] == pk.part[1].rel[0]);
}

static const struct {
    const char *name, *value;
    const char *needle; /* the token of VALUE the error points at */
    const char *msg;
} bad[] = {
    {"V", "{2025: 1, 2026: 2}", "{2025",
     "series 'V' has no value for 2027 (years given: 2025-2026); add it, or "
     "declare fill: hold, linear or zero"},
    {"VH", "{2026: 1}", "{2026",
     "series 'VH' has no value for 2025, and fill: hold only carries values "
     "forward (years given: 2026)"},
    {"VL", "{2026: 1, 2027: 2}", "{2026", "fill: linear only carries"},
    {"V", "{2025: 1, 2026: 2, 2027: 3, x: 4}",
     "x:", "expected a year (1000 to 9999) like the other keys, not 'x'"},
    {"M", "{a: 1}", "{a", "'M' has no value for member 'b' of 'fleet'"},
    {"M", "{a: 1, bb: 2}", "bb",
     "'bb' is not a member of 'fleet' (did you mean 'b'?)"},
    {"M", "{a: 1, z: 2}", "z:", "'z' is not a member of 'fleet'"},
    {"M", "{2025: 1}", "2025",
     "'M' is not over vintage here: a year key is not allowed"},
    {"M", "{n: 1}",
     "n:", "'n' is not a member of any axis of 'M' left here (fleet)"},
    {"S", "{a: 1}",
     "a:", "'S' has no axis left for key 'a': give a single value here"},
    {"VM", "{a: {b: 1}, b: 1}", "b: 1}",
     "'b' is not a member of any axis of 'VM' left here (vintage (years))"},
    {"S", "[1, 2]", "[1", "a value cannot be a sequence"},
    {"S", "{}", "{}", "empty mapping where a value was expected"},
    {"S", "25 kg/d", "25",
     "the value is in 'kg/d' (mass/time) but parameter 'S' is in 'km/yr' "
     "(length/time)"},
    {"S", "25 km/dd", "dd",
     "unit 'km/dd': unknown unit 'dd' (did you mean 'd'? 'mrv units' lists "
     "every unit)"},
    {"Q", "3 kwh", "kwh",
     "unit 'kwh': unknown unit 'kwh' (did you mean 'kWh'? 'mrv units' lists "
     "every unit)"},
    {"Q", "3 zorks", "zorks",
     "unit 'zorks': unknown unit 'zorks' ('mrv units' lists every unit)"},
    {"P", "50 MWh", "50",
     "the value is in 'MWh' (energy) but parameter 'P' is in 'MW' "
     "(energy/time): an energy is not a power: a power is energy per time "
     "(MW, or MWh/yr)"},
    {"Q", "3 kW", "3",
     "the value is in 'kW' (energy/time) but parameter 'Q' is in 'kWh' "
     "(energy): a power is not an energy: it becomes one over a duration, "
     "times a parameter in h or h/yr"},
    {"R", "500 t", "500",
     "the value is in 't' (mass) but parameter 'R' is in 't/yr' "
     "(mass/time): they differ by a power of yr, which the per-vintage "
     "convention bridges in formulas but never in a value; write the value "
     "in the parameter's unit"},
    {"K", "5%", "5%",
     "the value is in '%' (dimensionless) but parameter 'K' is in '1/yr' "
     "(1/time): they differ by a power of yr"},
    {"S", "25 km/h/yr", "25", "they differ by a time in d, h, min or s"},
    {"G", "2 m3", "2",
     "the value is in 'm3' (length^3) but parameter 'G' is in 'Nm3' "
     "(normal volume): Nm3 is a gas volume at normal conditions (0 degC, "
     "101.325 kPa), not m3"},
    {"P", "3 kWp", "3",
     "the value is in 'kWp' (peak power) but parameter 'P' is in 'MW' "
     "(energy/time): peak power (Wp, kWp, MWp) is a PV array's rating"},
    {"S", "abc", "abc",
     "expected a number, a quantity like '25 km/d', or a factor reference "
     "TABLE/ENTRY, not 'abc'"},
    {"S", "1e306 km/s", "1e306",
     "value '1e306 km/s' is too large: it overflows"},
    {"S", "{value: {value: 1}}", "{value: 1}",
     "'value' cannot hold another {value: ...} wrapper"},
    {"S", "{value: 1, unit: kg}", "kg",
     "'unit' is in 'kg' (mass) but parameter 'S' is in 'km/yr' "
     "(length/time)"},
    {"S", "{value: 1, unti: km/yr}", "unti",
     "unknown key 'unti' in the value of 'S' (did you mean 'unit'?)"},
    {"B", "1.5", "1.5", "value 1.5 of 'B' is outside its bounds [0, 1]"},
    {"B", "{value: 0.5, uncertainty: {dist: uniform, min: 0.6, max: 0.9}}",
     "{dist", "the value 0.5 lies outside [min, max] = [0.6, 0.9]"},
    {"B", "{value: 0.5, uncertainty: {dist: normal}}", "{dist",
     "this distribution needs 'sd'"},
    {"B", "{value: 0.5, uncertainty: {dist: normal, sd: 1, min: 0}}", "min",
     "'min' does not apply to a normal distribution"},
    {"B", "{value: 0.5, uncertainty: {dist: gauss, sd: 1}}", "gauss",
     "unknown distribution 'gauss' (use normal, lognormal, triangular, "
     "uniform or pert)"},
    {"B", "{value: 0.5, uncertainty: {dist: normal, sd: -1}}", "-1",
     "'sd' must not be negative"},
    {"B", "{value: 0.5, uncertainty: -5%}", "-5%",
     "an uncertainty percentage must not be negative"},
    {"B", "{value: 0.5, uncertainty: 10}", "10}",
     "uncertainty must be a percentage like 10% or a mapping with 'dist'"},
    {"B", "{value: 0, uncertainty: {dist: lognormal, gsd: 2}}", "{dist",
     "a lognormal value (its median) must be positive"},
    {"B", "{value: 0.5, uncertainty: {dist: lognormal, gsd: 0.5}}", "0.5}",
     "'gsd' must be at least 1"},
    {"B",
     "{value: 0.5, uncertainty: {dist: triangular, min: 0.9, max: "
     "0.1}}",
     "0.9", "'min' must be below 'max'"},
    {"M", "{value: {a: 1, b: 2}, uncertainty: {dist: normal, sd: 0.1}}",
     "{dist", "uncertainty on a series or a per-member map must be relative"},
    {"B", "{value: 0.5, vary: vintage}", "vintage}",
     "'vary' without an 'uncertainty'"},
    {"S", "{value: 1, uncertainty: 5%, vary: member}", "member",
     "'vary: member', but parameter 'S' is not over any dimension"},
    {"B", "{value: 0.5, uncertainty: 5%, vary: always}", "always",
     "'vary' must be vintage, member or [vintage, member], not 'always'"},
    {"B",
     "{value: 0.5, uncertainty: {dist: normal, sd: 1, vary: vintage}, "
     "vary: vintage}",
     "vintage}, vary", "'vary' is given twice"},
    {"F", "tbl/nope", "tbl", "factor table 'tbl' has no entry 'nope'"},
    {"F", "tbl/e", "tbl",
     "factor table 'tbl' has no entry 'e' (did you mean 'ef'?)"},
    {"F", "nope/x", "nope",
     "factor table 'nope' not found (looked in data/factors)"},
    {"F", "{value: tbl/ef, unit: kg/TJ}", "tbl/ef",
     "a factor reference carries its own unit; remove 'unit: kg/TJ'"},
    {"S", "tbl/ef", "tbl",
     "factor 'tbl/ef' is in 'kg/TJ' (mass/energy) but parameter 'S' is in "
     "'km/yr' (length/time)"},
    {"F", "../x/y", "../x/y", "'../x/y' is not a factor reference TABLE/ENTRY"},
    {"M", "tbl/x.{fleet}", "tbl", "factor table 'tbl' has no entry 'x.a'"},
    {"CH", "mesured", "mesured",
     "'mesured' is not a choice of 'CH' (did you mean 'measured'?); its "
     "choices are none, default_factor, measured"},
    {"CH", "2", "2",
     "'2' is not a choice of 'CH'; its choices are none, default_factor, "
     "measured"},
    {"CM", "{a: b, b: c}", "c}", "'c' is not a choice of 'CM'"},
    {"CH", "{value: none, uncertainty: 5%}", "uncertainty",
     "'CH' is a choice: its value is a name, with no uncertainty"},
    {"CH", "{value: none, unit: t}", "unit",
     "'CH' is a choice: its value is a name, with no unit"},
    {"M", "tbl/m.{flet}", "{flet",
     "'{flet}' in a factor reference must name a dimension 'M' is over"},
    {"S", "tbl/m.{fleet}", "{fleet",
     "'{fleet}' in a factor reference must name a dimension 'S' is over"},
    {"M", "{a: \"tbl/m.{fleet}\", b: 1}", "{fleet",
     "'{fleet}' names the dimension a member map around this value already "
     "gives"},
    {"M", "tbl/m.{fleet", "{fleet",
     "malformed placeholder in factor reference 'tbl/m.{fleet': write "
     "{DIMENSION}"},
    {"M", "tbl/m.fleet}", "}", "'}' without '{' in factor reference"},
};

/* A member without its entry: the error names the entry looked for, and
** a note the member it was for; the entries found are not errors. */
static void test_values_member_keyed_missing(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "MR", "tbl/mr.{fleet}.{region}"), MRV_EREF);
    assert_int_equal(mrv_diag_error_count(fx->diag), 4);
    fx_expect_error(fx->diag, 7, 7, "factor table 'tbl' has no entry 'mr.a.n'");
    const mrv_diag_entry *note = mrv_diag_get(fx->diag, 1);
    assert_non_null(note);
    assert_int_equal(note->sev, MRV_SEV_NOTE);
    assert_string_equal(note->msg,
                        "'tbl/mr.a.n' is the reference for member 'a' "
                        "of 'fleet', member 'n' of 'region'");
}

static void test_values_bad(void **state)
{
    fixture *fx = *state;
    size_t nbad = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_status st = bind(fx, bad[i].name, bad[i].value);
        const char *at = strstr(bad[i].value, bad[i].needle);
        assert_non_null(at);
        /* line 7 is "  NAME: VALUE" */
        unsigned col = (unsigned)(2 + strlen(bad[i].name) + 2 +
                                  (size_t)(at - bad[i].value) + 1);
        bool ok = st != MRV_OK && fx->b == NULL &&
                  fx_has_error(fx->diag, 7, col, bad[i].msg);
        if (!ok) {
            print_message("  ^ %s: %s (%s)\n", bad[i].name, bad[i].value,
                          mrv_status_name(st));
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad values failed", nbad);
}

/* year_length: 365.25 d makes a day 1/365.25 of a year; 8784 h is a
** leap year; neither yr nor a number without a unit states one. */
static void test_values_year_length(void **state)
{
    fixture *fx = *state;
    mrv_vpick pk;
    fx->extra = "year_length: 365.25 d\n";
    assert_status(bind(fx, "S", "25 km/d"), MRV_OK);
    assert_true(fx->b->year_days == 365.25);
    assert_true(pick_central(fx, param(fx, "S"), NY, 0, 0, &pk) == 9131.25);
    assert_status(bind(fx, "P", "8766 MWh/yr"), MRV_OK);
    assert_close(pick_central(fx, param(fx, "P"), NY, 0, 0, &pk), 1, 1e-15);
    fx->extra = "year_length: 8784 h\n";
    assert_status(bind(fx, "S", "1 km/d"), MRV_OK);
    assert_true(fx->b->year_days == 366);
    assert_true(pick_central(fx, param(fx, "S"), NY, 0, 0, &pk) == 366);
    fx->extra = NULL;
    assert_status(bind(fx, "S", "1 km/d"), MRV_OK);
    assert_true(fx->b->year_days == 365);

    static const struct {
        const char *line, *msg;
        unsigned col;
    } bad_years[] = {
        {"year_length: 1 yr\n",
         "'year_length' must be a duration in d, h, min or s, not '1 yr'", 14},
        {"year_length: 365\n",
         "'year_length' must be a duration with its unit, such as 365 d or "
         "8760 h, not '365'",
         14},
        {"year_length: 400 d\n",
         "'year_length' must be from 360 to 366 days, not 400 d", 14},
        {"year_length: 365 kg\n",
         "'year_length' must be a duration in d, h, min or s", 14},
        {"year_length: 365 dy\n",
         "unit 'dy': unknown unit 'dy' (did you mean 'd'?", 18},
    };
    for (size_t i = 0; i < sizeof bad_years / sizeof *bad_years; i++) {
        fx->extra = bad_years[i].line;
        mrv_status st = bind(fx, "S", "1");
        unsigned line = 7 + (unsigned)(sizeof defaults / sizeof *defaults);
        if (st == MRV_OK ||
            !fx_has_error(fx->diag, line, bad_years[i].col, bad_years[i].msg))
            fail_msg("%s: %s", bad_years[i].line, fx_first_msg(fx->diag));
    }
    fx->extra = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_year_length),
        cmocka_unit_test(test_values_good),
        cmocka_unit_test(test_values_linear_weights),
        cmocka_unit_test(test_values_uncertainty),
        cmocka_unit_test(test_values_bad),
        cmocka_unit_test(test_values_member_keyed_missing),
    };
    return cmocka_run_group_tests_name("values", tests, setup, teardown);
}
