/*
** test_monitor.c -- parameters and members read from data files: the
** aggregates, amounts divided by the share of a year they cover, rows by
** date, year and active days, gaps and their fills, members from a
** registry, a monitoring period's bound, conservative fills, and the
** ex-ante run of a file with monitored data added.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "exante.h"
#include "fixture.h"
#include "resolve.h"

static const char meth[] =
    "methodology: mon\n"
    "dimensions:\n"
    "  station:\n"
    "  vehicle:\n"
    "parameters:\n"
    "  EC: {unit: MWh, over: [vintage, station], bounds: [0, 1e9]}\n"
    "  LV: {unit: MWh, over: [vintage, station], default: 0}\n"
    "  NV: {unit: vehicle, over: [vintage], default: 0}\n"
    "  KM: {unit: km, over: [vehicle], default: 0}\n"
    "  EF: {unit: tCO2/MWh, default: 0.5}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"sum(s in station: EC[s]) * EF\"}\n"
    "  PE: {unit: tCO2e, formula: \"0\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

typedef struct fixture {
    FX_BASE;
    char *dir;
    mrv_bound *b;
} fixture;

static int setup(void **state)
{
    if (fx_base_new(state, sizeof(fixture)) != 0) return -1;
    fixture *fx = *state;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_bound_free(fx->b);
    fx_rmtree(fx->dir);
    free(fx->dir);
    return fx_base_teardown(state);
}

/* Binds a project whose head is fixed and whose 'parameters' (and what
** follows) are 'tail', with data file d.csv holding 'csv'. */
static mrv_status bind(fixture *fx, const char *period, const char *tail,
                       const char *csv)
{
    char text[4096];
    snprintf(text, sizeof text,
             "project: t\n"
             "methodology: ./m.yaml\n"
             "crediting_period: %s\n"
             "dimensions:\n"
             "  station: [S1, S2]\n"
             "  vehicle: [V1]\n"
             "%s",
             period, tail);
    char *p = fx_write(fx->dir, "p.yaml", text);
    free(fx_write(fx->dir, "d.csv", csv));
    mrv_bound_free(fx->b);
    fx->b = NULL;
    mrv_diag_reset(fx->diag);
    mrv_search s = fx_search();
    mrv_status st = mrv_resolve(p, &s, &fx->b, fx->diag);
    free(p);
    return st;
}

/* Parameter 'name''s central value in its declared unit at 'year' and
** members {m0, m1} of the methodology's dimensions. */
static double val(const mrv_bound *b, const char *name, int year, size_t m0,
                  size_t m1)
{
    int pi = mrv_methodology_param(b->meth, name);
    assert_true(pi >= 0);
    size_t mem[2] = {m0, m1};
    mrv_vpick pk;
    char why[64];
    assert_status(
        mrv_bound_pick(b, (size_t)pi, year, mem, &pk, why, sizeof why), MRV_OK);
    return mrv_vpick_central(&pk) /
           mrv_unit_scale(b->meth->params[pi].unit, b->year_days);
}

static const char monthly[] = "date,station,kwh\n"
                              "2025-07-31,S1,1000\n"
                              "2025-07-31,S2,3000\n"
                              "2025-08-31,S1,1500\n"
                              "2025-08-31,S2,3000\n"
                              "2026-01-31,S1,700\n"
                              "2026-01-31,S2,100\n";

/* A sum of dated rows is an amount: divided by the share of the year its
** days cover (mid-July to December of 2025: 184 days), a whole year
** undivided. */
static void test_monitor_sum_is_annualised(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{start: 2025-07-01, end: 2026-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                       " members: {station: station}, aggregate: sum}\n",
                       monthly),
                  MRV_OK);
    const mrv_bound *b = fx->b;
    assert_close(b->frac[0], 184.0 / 365, 1e-15);
    assert_close(val(b, "EC", 2025, 0, 0), 2.5 / (184.0 / 365), 1e-12);
    assert_close(val(b, "EC", 2025, 1, 0), 6.0 / (184.0 / 365), 1e-12);
    assert_close(val(b, "EC", 2026, 0, 0), 0.7, 1e-12);
    /* the amount and where it came from */
    int pi = mrv_methodology_param(b->meth, "EC");
    size_t mem[2] = {1, 0};
    mrv_vpick pk;
    char why[8];
    mrv_bound_pick(b, (size_t)pi, 2025, mem, &pk, why, sizeof why);
    const mrv_cellsrc *cs = pk.part[0].leaf->cell;
    assert_non_null(cs);
    assert_close(cs->raw, 6000, 0);
    assert_int_equal(cs->nrows, 2);
    assert_close(cs->share, 184.0 / 365, 1e-15);
    assert_int_equal(pk.part[0].leaf->pos.line, 3);
    assert_int_equal(b->mon->nfiles, 1);
    assert_int_equal(b->mon->files[0].rows, 6);
    assert_string_equal(b->files[b->nfiles - 1].role, "data");
    assert_int_equal(strlen(b->files[b->nfiles - 1].sha256_hex), 64);
}

/* Levels are read as they are: mean, min, max, last (the latest date),
** count. */
static void test_monitor_levels(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *agg;
        double s1_2025;
    } cases[] = {{"mean", 1.25}, {"min", 1.0}, {"max", 1.5}, {"last", 1.5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char tail[400];
        snprintf(tail, sizeof tail,
                 "parameters:\n"
                 "  EC: 1\n"
                 "  LV: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                 " members: {station: station}, aggregate: %s}\n",
                 cases[i].agg);
        assert_status(
            bind(fx, "{start: 2025-07-01, end: 2026-12-31}", tail, monthly),
            MRV_OK);
        assert_close(val(fx->b, "LV", 2025, 0, 0), cases[i].s1_2025, 1e-15);
    }
    /* count: rows, as an amount (2 a half year: 2 / share) */
    assert_status(bind(fx, "{first: 2025, last: 2026}",
                       "parameters:\n"
                       "  EC: 1\n"
                       "  NV: {csv: d.csv, date: date, aggregate: count}\n",
                       monthly),
                  MRV_OK);
    assert_close(val(fx->b, "NV", 2025, 0, 0), 4, 1e-15);
    assert_close(val(fx->b, "NV", 2026, 0, 0), 2, 1e-15);
}

/* Rows by year, summed: an amount for the crediting period's days of
** that year; a single row per year without 'sum' is a level. */
static void test_monitor_year_rows(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{start: 2025-07-01, end: 2026-12-31}",
                       "parameters:\n"
                       "  EC: 1\n"
                       "  LV: {csv: d.csv, value: mwh, unit: MWh, year: year,"
                       " members: {station: station}}\n",
                       "year,station,mwh\n2025,S1,92\n2025,S2,46\n"
                       "2026,S1,365\n2026,S2,730\n"),
                  MRV_OK);
    assert_close(val(fx->b, "LV", 2025, 0, 0), 92, 0);
    assert_status(bind(fx, "{start: 2025-07-01, end: 2026-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: mwh, unit: MWh, year: year,"
                       " members: {station: station}, aggregate: sum}\n",
                       "year,station,mwh\n2025,S1,92\n2025,S2,46\n"
                       "2026,S1,365\n2026,S2,730\n"),
                  MRV_OK);
    assert_close(val(fx->b, "EC", 2025, 0, 0), 92 / (184.0 / 365), 1e-12);
    assert_close(val(fx->b, "EC", 2026, 1, 0), 730, 1e-12);
}

/* NV from a registry of vehicles in service from 'in' to 'out'. */
static const char registry_params[] =
    "parameters:\n"
    "  EC: 1\n"
    "  NV: {csv: d.csv, active: {from: in, to: out}, aggregate: sum}\n";

/* Rows active from one day to another count their days: vehicles of a
** registry in service become vehicle-years, divided by the share of the
** year covered: the mean number in service. */
static void test_monitor_active_rows(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{first: 2025, last: 2026}", registry_params,
                       "id,in,out\n"
                       "A,2025-01-01,\n"
                       "B,2025-07-02,2026-07-01\n"
                       "C,2024-06-01,2024-12-31\n"),
                  MRV_OK);
    /* 2025: A all year (365 days), B from 2 July (183 days) */
    assert_close(val(fx->b, "NV", 2025, 0, 0), (365.0 + 183) / 365, 1e-15);
    /* 2026: A all year, B to 1 July (182 days) */
    assert_close(val(fx->b, "NV", 2026, 0, 0), (365.0 + 182) / 365, 1e-15);
}

/* A data file with a header and no rows is read (an empty log can mean
** nothing happened), with a warning at its 'csv:' naming the parameter:
** a file cut short reads the same. */
static void test_monitor_empty_file_warns(void **state)
{
    fixture *fx = *state;
    assert_status(
        bind(fx, "{first: 2025, last: 2026}", registry_params, "id,in,out\n"),
        MRV_OK);
    assert_close(val(fx->b, "NV", 2025, 0, 0), 0, 0);
    assert_int_equal(mrv_diag_error_count(fx->diag), 0);
    assert_int_equal(mrv_diag_count(fx->diag), 1);
    const mrv_diag_entry *e = mrv_diag_get(fx->diag, 0);
    assert_int_equal(e->sev, MRV_SEV_WARNING);
    assert_int_equal(e->pos.line, 9);
    assert_int_equal(e->pos.col, 13);
    assert_non_null(strstr(e->msg, "data file 'd.csv' has no rows after its "
                                   "header: every value of 'NV' comes from"));
    /* One row: no warning. */
    assert_status(bind(fx, "{first: 2025, last: 2026}", registry_params,
                       "id,in,out\nA,2025-01-01,\n"),
                  MRV_OK);
    assert_int_equal(mrv_diag_count(fx->diag), 0);
}

/* A column's unit must weigh what its parameter does: tC per MWh where
** tCO2/MWh is declared is refused at the column's 'unit' (a tag converts
** nothing; the readings would lose 44/12). */
static void test_monitor_column_substance(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{first: 2025, last: 2025}",
                       "parameters:\n"
                       "  EC: 1\n"
                       "  EF: {csv: d.csv, value: ef, unit: tC/MWh, date: "
                       "date}\n",
                       "date,ef\n2025-06-30,0.2\n"),
                  MRV_ESCHEMA);
    fx_expect_error(fx->diag, 9, 37,
                    "the column is in 'tC/MWh' but parameter 'EF' is in "
                    "'tCO2/MWh': they weigh different substances");
}

/* Gaps: a missing month, an empty value, a rejected reading; each filled
** by the rule and recorded with its line. */
static void test_monitor_gap_fills(void **state)
{
    fixture *fx = *state;
    static const char csv[] = "date,station,kwh,qc\n"
                              "2025-10-31,S1,1000,ok\n"  /* 2 */
                              "2025-10-31,S2,2000,ok\n"  /* 3 */
                              "2025-11-30,S1,,ok\n"      /* 4: empty */
                              "2025-11-30,S2,9999,bad\n" /* 5: rejected */
                              "2025-12-31,S1,1200,ok\n"; /* 6; S2 none */
    const char *rules[] = {"hold", "zero", "500"};
    const double s1[] = {1000 + 1000 + 1200, 0 + 1000 + 1200,
                         500 + 1000 + 1200};
    const double s2[] = {2000 * 3, 2000, 2000 + 500 + 500};
    for (int k = 0; k < 3; k++) {
        char tail[500];
        snprintf(tail, sizeof tail,
                 "parameters:\n"
                 "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                 " members: {station: station}, aggregate: sum,"
                 " frequency: month, rejected: {column: qc, values: [bad]},"
                 " missing: %s}\n",
                 rules[k]);
        assert_status(
            bind(fx, "{start: 2025-10-01, end: 2025-12-31}", tail, csv),
            MRV_OK);
        const mrv_bound *b = fx->b;
        double share = 92.0 / 365;
        assert_close(val(b, "EC", 2025, 0, 0), s1[k] / 1000 / share, 1e-12);
        assert_close(val(b, "EC", 2025, 1, 0), s2[k] / 1000 / share, 1e-12);
        assert_int_equal(b->mon->ngaps, 3);
        const mrv_gap *g = b->mon->gaps;
        assert_int_equal(g[0].line, 4);
        assert_int_equal(g[0].kind, MRV_ROW_EMPTY);
        assert_int_equal(g[1].line, 5);
        assert_int_equal(g[1].kind, MRV_ROW_REJECTED);
        assert_int_equal(g[2].line, 0); /* S2, December: no row */
        assert_int_equal(g[2].mem[0], 1);
        if (k == 0) assert_int_equal(g[0].from_line, 2); /* held */
    }
    /* nothing to hold: an error at the gap's row */
    assert_status(bind(fx, "{start: 2025-10-01, end: 2025-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                       " members: {station: station}, aggregate: sum,"
                       " frequency: month, missing: hold}\n",
                       "date,station,kwh\n2025-10-31,S1,\n2025-10-31,S2,1\n"
                       "2025-11-30,S1,1\n2025-11-30,S2,1\n"
                       "2025-12-31,S1,1\n2025-12-31,S2,1\n"),
                  MRV_EDOMAIN);
    fx_expect_error(fx->diag, 0, 0, "nothing earlier to hold");
}

/* A conservative fill starts at its range's lower end and moves where
** the run decides. */
static void test_monitor_conservative(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{start: 2025-10-01, end: 2025-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                       " members: {station: station}, aggregate: sum,"
                       " frequency: month,"
                       " missing: {conservative: records}}\n",
                       "date,station,kwh\n2025-10-31,S1,1000\n"
                       "2025-10-31,S2,2000\n2025-11-30,S2,2600\n"
                       "2025-12-31,S1,1200\n2025-12-31,S2,2300\n"),
                  MRV_OK);
    mrv_bound *b = fx->b;
    size_t mp;
    assert_int_equal(mrv_bound_conservative(b, &mp, 1), 1);
    double share = 92.0 / 365;
    assert_close(val(b, "EC", 2025, 0, 0), 3.2 / share, 1e-12);
    mrv_bound_set_conservative(b, mp, true, true);
    assert_close(val(b, "EC", 2025, 0, 0), 3.4 / share, 1e-12);
    assert_string_equal(b->mon->gaps[0].chosen, "upper");
    assert_close(b->mon->gaps[0].lo, 1000, 0);
    assert_close(b->mon->gaps[0].hi, 1200, 0);
}

/* Members from a registry, and a value per member. */
static void test_monitor_records(void **state)
{
    fixture *fx = *state;
    char text[1024];
    snprintf(text, sizeof text,
             "project: t\nmethodology: ./m.yaml\n"
             "crediting_period: {first: 2025, last: 2025}\n"
             "dimensions:\n  station: [S1, S2]\n"
             "  vehicle: {csv: d.csv, column: id}\n"
             "parameters:\n  EC: 1\n"
             "  KM: {csv: d.csv, value: km, unit: km,"
             " members: {vehicle: id}}\n");
    char *p = fx_write(fx->dir, "p.yaml", text);
    free(fx_write(fx->dir, "d.csv", "id,km\nKH-1,100\nKH-2,250.5\nKH-3,7\n"));
    mrv_search s = fx_search();
    assert_status(mrv_resolve(p, &s, &fx->b, fx->diag), MRV_OK);
    free(p);
    int dim = mrv_methodology_dim(fx->b->meth, "vehicle");
    assert_int_equal(fx->b->nmembers[dim], 3);
    assert_string_equal(fx->b->members[dim][1], "KH-2");
    assert_close(val(fx->b, "KM", MRV_NO_YEAR, 0, 1), 250.5, 0);
    /* read once, recorded once */
    assert_int_equal(fx->b->mon->nfiles, 1);
}

/* A period's bound: frac is the period's share, monitored values take
** the period's rows, and vintages it does not touch keep the run's. */
static void test_monitor_period_bound(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{start: 2025-07-01, end: 2027-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                       " members: {station: station}, aggregate: sum}\n"
                       "monitoring:\n  periods:\n"
                       "    - {id: MP1, start: 2025-07-01, end: 2025-12-31}\n"
                       "    - {id: MP2, start: 2026-01-01, end: 2026-06-30}\n",
                       monthly),
                  MRV_OK);
    const mrv_bound *b = fx->b;
    assert_close(b->frac[2], 0, 0); /* 2027: no period reaches it */
    assert_close(b->frac[1], 181.0 / 365, 1e-15);
    mrv_bound *f = NULL;
    assert_status(mrv_bound_focus(b, 1, &f, fx->diag), MRV_OK);
    assert_close(f->frac[0], 0, 0);
    assert_close(f->frac[1], 181.0 / 365, 1e-15);
    assert_close(val(f, "EC", 2026, 0, 0), 0.7 / (181.0 / 365), 1e-12);
    /* 2025 lies outside MP2: the run's own value */
    int pi = mrv_methodology_param(b->meth, "EC");
    size_t mem[2] = {0, 0};
    mrv_vpick p1, p2;
    char why[8];
    mrv_bound_pick(b, (size_t)pi, 2025, mem, &p1, why, sizeof why);
    mrv_bound_pick(f, (size_t)pi, 2025, mem, &p2, why, sizeof why);
    assert_ptr_equal(p1.part[0].leaf, p2.part[0].leaf);
    mrv_bound_free(f);
}

/* 'outside: ignore' drops rows dated outside the days covered. */
static void test_monitor_outside_ignore(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{start: 2025-08-01, end: 2026-12-31}",
                       "parameters:\n"
                       "  EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
                       " members: {station: station}, aggregate: sum,"
                       " outside: ignore}\n",
                       monthly),
                  MRV_OK);
    assert_int_equal(fx->b->mon->params[0].nrows, 4);
    assert_close(val(fx->b, "EC", 2025, 0, 0), 1.5 / (153.0 / 365), 1e-12);
}

/* Monitored data added to the ex-ante file: the monitored run reads it,
** the ex-ante run does not. */
static void test_monitor_same_file_ex_ante(void **state)
{
    fixture *fx = *state;
    static const char tail[] =
        "parameters:\n  EC: 3\n"
        "monitoring:\n"
        "  periods: [{id: MP1, start: 2025-07-01, end: 2026-06-30}]\n"
        "  parameters:\n"
        "    EC: {csv: d.csv, value: kwh, unit: kWh, date: date,"
        " members: {station: station}, aggregate: sum}\n";
    mrv_status st =
        bind(fx, "{start: 2025-07-01, end: 2026-12-31}", tail, monthly);
    if (st != MRV_OK) fail_msg("%s", fx_first_msg(fx->diag));
    assert_close(val(fx->b, "EC", 2025, 0, 0), 2.5 / (184.0 / 365), 1e-12);
    char *p = fx_path(fx->dir, "p.yaml");
    mrv_search s = fx_search();
    mrv_resolve_opts o = {true, fx->b->mon->nperiods, fx->b->mon->periods};
    mrv_bound *ea = NULL;
    assert_status(mrv_resolve_with(p, &s, &o, &ea, fx->diag), MRV_OK);
    free(p);
    assert_close(val(ea, "EC", 2025, 0, 0), 3, 0);
    assert_close(ea->frac[1], 181.0 / 365, 1e-15); /* the monitored days */
    /* which inputs changed: EC (its first element named), not EF */
    mrv_input_change *ch = NULL;
    size_t n = 0;
    assert_status(mrv_exante_inputs(ea, fx->b, &ch, &n), MRV_OK);
    assert_int_equal(n, 5);
    assert_string_equal(ch[0].name, "EC");
    assert_string_equal(ch[0].status, "changed");
    assert_non_null(strstr(ch[0].monitored, "data file"));
    assert_non_null(strstr(ch[0].detail, "EC[2025, S1]: 3 MWh -> "));
    for (size_t i = 1; i < n; i++) assert_string_equal(ch[i].status, "same");
    free(ch);
    mrv_bound_free(ea);
}

/* A survey per member: mean, standard error, Student t at 90 %, the
** relative precision, and a bound where it falls short (the lower end
** until the run chooses).  Table values: t(0.95, 2) = 2.919986,
** t(0.95, 4) = 2.131847. */
static void test_monitor_survey(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "{first: 2025, last: 2025}",
                       "parameters:\n"
                       "  EC: 1\n"
                       "  KM: {survey: {csv: d.csv, value: km, unit: km,"
                       " strata: {vehicle: v}}}\n",
                       "v,km\nV1,10\nV1,12\nV1,14\n"),
                  MRV_OK);
    const mrv_survey *sv = &fx->b->mon->surveys[0];
    const mrv_stratum_est *e = &sv->strata[0];
    assert_int_equal(e->n, 3);
    assert_close(e->mean, 12000, 1e-15); /* in m */
    assert_close(e->sd, 2000, 1e-15);
    assert_close(e->se, 2000 / sqrt(3), 1e-15);
    assert_close(e->t, 2.919986, 1e-6);
    assert_close(e->rel_precision, 2.919986 * 2 / sqrt(3) / 12, 1e-6);
    assert_false(e->met);
    assert_true(sv->pending);
    assert_close(val(fx->b, "KM", MRV_NO_YEAR, 0, 0),
                 12 - 2.919986 * 2 / sqrt(3), 1e-6);
    /* the draws: normal with the sd of the same 90 % interval */
    int pi = mrv_methodology_param(fx->b->meth, "KM");
    const mrv_vnode *leaf = fx->b->values[pi]->kids[0];
    assert_close(leaf->unc->sd, e->half_width / 1.6448536269514722, 1e-12);
    mrv_bound_set_conservative(fx->b, fx->b->mon->nparams, true, true);
    assert_close(val(fx->b, "KM", MRV_NO_YEAR, 0, 0),
                 12 + 2.919986 * 2 / sqrt(3), 1e-6);
    assert_string_equal(e->used, "upper bound");
}

/* Checks the stratified estimate of the values below times 10^'e' (in
** tCO2/MWh): the weighted mean, its standard error from the strata's,
** Welch-Satterthwaite degrees of freedom (the same for every e). */
static void check_stratified(fixture *fx, int e)
{
    char csv[128];
    snprintf(csv, sizeof csv,
             "region,ef\nnorth,1e%d\nnorth,3e%d\nsouth,4e%d\nsouth,6e%d\n"
             "south,8e%d\n",
             e, e, e, e, e);
    assert_status(bind(fx, "{first: 2025, last: 2025}",
                       "parameters:\n"
                       "  EC: 1\n"
                       "  EF: {survey: {csv: d.csv, value: ef, unit: tCO2/MWh,"
                       " strata: region, weights: {north: 0.25, south: 0.75},"
                       " precision: 0.5}}\n",
                       csv),
                  MRV_OK);
    const mrv_survey *sv = &fx->b->mon->surveys[0];
    const mrv_stratum_est *c = &sv->combined;
    /* north: mean 2, s^2 2, n 2; south: mean 6, s^2 4, n 3 */
    double a = 0.0625 * 2 / 2, b = 0.5625 * 4 / 3, x = pow(10, e);
    double scale =
        mrv_unit_scale(fx->b->meth->params[sv->param].unit, fx->b->year_days);
    assert_close(c->mean / scale, (0.25 * 2 + 0.75 * 6) * x, 1e-12);
    assert_close(c->se / scale, sqrt(a + b) * x, 1e-12);
    assert_close(c->df, (a + b) * (a + b) / (a * a / 1 + b * b / 2), 1e-12);
    assert_true(c->met);
    assert_close(val(fx->b, "EF", MRV_NO_YEAR, 0, 0), 5 * x, 1e-12);
}

static void test_monitor_survey_stratified(void **state)
{
    check_stratified(*state, 0);
}

/* Binds a survey of KM in metres from 'csv' (columns v and km). */
static mrv_status bind_km(fixture *fx, const char *csv)
{
    return bind(fx, "{first: 2025, last: 2025}",
                "parameters:\n"
                "  EC: 1\n"
                "  KM: {survey: {csv: d.csv, value: km, unit: m,"
                " strata: {vehicle: v}}}\n",
                csv);
}

/* Values near the largest double: the mean and the sd come out right
** where their sums overflow (1.5e308 m three times; 1e200 m and 3e200 m,
** whose deviations' squares pass 1e308), and so does a stratified se
** whose squares do (the strata's se near 1e160). */
static void test_monitor_survey_extremes(void **state)
{
    fixture *fx = *state;
    assert_status(bind_km(fx, "v,km\nV1,1.5e308\nV1,1.5e308\nV1,1.5e308\n"),
                  MRV_OK);
    const mrv_stratum_est *e = &fx->b->mon->surveys[0].strata[0];
    assert_true(e->mean == 1.5e308); /* in m */
    assert_true(e->sd == 0);
    assert_true(e->met);
    assert_close(val(fx->b, "KM", MRV_NO_YEAR, 0, 0), 1.5e305, 1e-15);

    assert_status(bind_km(fx, "v,km\nV1,1e200\nV1,3e200\n"), MRV_OK);
    e = &fx->b->mon->surveys[0].strata[0];
    assert_close(e->mean, 2e200, 1e-15);
    assert_close(e->sd, sqrt(2) * 1e200, 1e-15);
    assert_close(e->se, 1e200, 1e-15);

    check_stratified(fx, 160);
}

/* An estimate really beyond a double is refused at the largest value's
** cell: 1e307 m and -1e308 m have se 5.5e307 and t(0.95, 1) = 6.31. */
static void test_monitor_survey_overflow(void **state)
{
    fixture *fx = *state;
    assert_status(bind_km(fx, "v,km\nV1,1e307\nV1,-1e308\n"), MRV_EDOMAIN);
    assert_true(fx_has_error(fx->diag, 3, 4,
                             "the survey of 'KM' overflows in stratum "
                             "vehicle V1"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_monitor_sum_is_annualised),
        T(test_monitor_levels),
        T(test_monitor_year_rows),
        T(test_monitor_active_rows),
        T(test_monitor_empty_file_warns),
        T(test_monitor_column_substance),
        T(test_monitor_gap_fills),
        T(test_monitor_conservative),
        T(test_monitor_records),
        T(test_monitor_period_bound),
        T(test_monitor_outside_ignore),
        T(test_monitor_same_file_ex_ante),
        T(test_monitor_survey),
        T(test_monitor_survey_stratified),
        T(test_monitor_survey_extremes),
        T(test_monitor_survey_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
