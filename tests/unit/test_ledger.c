/*
** test_ledger.c -- the allocation ledger (docs/allocation.md): exact decimals,
** hand-computed ledgers for every rule shape, the conservativeness rules,
** the allocation on every Monte Carlo draw, the ledger files, bad
** agreements with their positions, and a property test over 10,000 random
** agreements.
**
** A ledger is built by mrv_ledger_build on a fake run: a project whose
** YAML text is given here, read as the loaders read it (the allocation
** and the rules of the project and of the methodology, then the check
** that binds them), and per-vintage statistics (and draws) set by hand,
** so every expected number below is derived in the comments from the
** estimates alone.
*/
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "ledger.h"
#include "yamlsrc.h"

#define MAXV 16

struct fixture {
    FX_BASE;
    mrv_project pj;
    mrv_methodology meth;
    mrv_bound bound;
    mrv_run run;
    mrv_stat stats[(MAXV + 1) * MRV_NRESULTS];
    double *samples;
};

static int setup(void **state)
{
    return fx_base_new(state, sizeof(struct fixture));
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    mrv_ledger_free(fx->run.ledger);
    free(fx->samples);
    return fx_base_teardown(state);
}

static mrv_stat *red(struct fixture *fx, size_t v)
{
    return &fx->stats[v * MRV_NRESULTS + MRV_RES_REDUCTIONS];
}

/* Gives the fake run 'draws' draws of reductions per vintage from
** x[v * draws + i]; the statistics are left as they are. */
static void set_draws(struct fixture *fx, size_t nv, size_t draws,
                      const double *x)
{
    free(fx->samples);
    fx->samples = calloc(nv * draws, sizeof *fx->samples);
    assert_non_null(fx->samples);
    memcpy(fx->samples, x, nv * draws * sizeof *fx->samples);
    fx->run.draws = draws;
    fx->run.reduction_draws = fx->samples;
}

/* Reads the terms of 'yaml' as the project and methodology loaders and
** resolve do: its 'allocation' over vintages first..first+nv-1 and its
** 'conservativeness' ('meth_conservativeness' stands for the
** methodology's), then the basis against the rule that acts.  Returns the
** first error's status, or MRV_OK with the fake project set. */
static mrv_status load_terms(struct fixture *fx, const char *yaml, int first,
                             size_t nv)
{
    mrv_ledger_free(fx->run.ledger);
    fx->run.ledger = NULL;
    mrv_diag_reset(fx->diag);
    const mrv_ydoc *doc = NULL;
    mrv_status st = mrv_yaml_load_string("t.yaml", yaml, strlen(yaml),
                                         fx->arena, &doc, fx->diag);
    if (st != MRV_OK) {
        char msg[512];
        mrv_diag_format(mrv_diag_first(fx->diag), msg, sizeof msg);
        fail_msg("%s", msg);
    }
    const mrv_ynode *host = mrv_ymap_get(doc->root, "host"), *n;
    fx->pj.doc = doc;
    fx->pj.id = "proj";
    fx->pj.host = host ? host->text : NULL;
    fx->pj.allocation = NULL;
    fx->pj.conservativeness = fx->meth.conservativeness = NULL;
    if ((n = mrv_ymap_get(doc->root, "allocation")))
        mrv_allocation_load(n, first, nv, host, fx->arena, &fx->pj.allocation,
                            fx->diag);
    if ((n = mrv_ymap_get(doc->root, "conservativeness")))
        mrv_conserv_load(n, fx->arena, &fx->pj.conservativeness, fx->diag);
    if ((n = mrv_ymap_get(doc->root, "meth_conservativeness")))
        mrv_conserv_load(n, fx->arena, &fx->meth.conservativeness, fx->diag);
    if (fx->pj.allocation) {
        const char *from;
        const mrv_rule_spec *r = mrv_project_rule(&fx->pj, &fx->meth, &from);
        mrv_allocation_check_rule(fx->pj.allocation, r, from, fx->diag);
    }
    if (mrv_diag_error_count(fx->diag) > 0) return mrv_diag_status(fx->diag);
    fx->bound.project = &fx->pj;
    fx->bound.meth = &fx->meth;
    fx->bound.first = first;
    fx->bound.last = first + (int)nv - 1;
    fx->bound.nvint = nv;
    fx->run.bound = &fx->bound;
    fx->run.nvint = nv;
    fx->run.stats = fx->stats;
    fx->run.confidence = 0.95;
    return MRV_OK;
}

/* Loads the terms of 'yaml' (load_terms) and builds the ledger.  With est,
** the central, mean and lower estimates of each vintage are est[v];
** without, the statistics are left as the test set them. */
static mrv_status build(struct fixture *fx, const char *yaml, int first,
                        size_t nv, const double *est)
{
    mrv_status st = load_terms(fx, yaml, first, nv);
    if (st != MRV_OK) return st;
    for (size_t v = 0; est && v < nv; v++) {
        mrv_stat *s = red(fx, v);
        s->central = s->mean = s->lower = s->median = s->upper = est[v];
    }
    return mrv_ledger_build(&fx->run, fx->diag);
}

static void build_ok(struct fixture *fx, const char *yaml, int first, size_t nv,
                     const double *est)
{
    mrv_status st = build(fx, yaml, first, nv, est);
    if (st != MRV_OK) {
        char msg[512];
        mrv_diag_format(mrv_diag_first(fx->diag), msg, sizeof msg);
        fail_msg("%s", msg);
    }
    assert_non_null(fx->run.ledger);
}

/* Compares the ledger's rows (issued, then every column) with 'want',
** nv rows then the total row. */
static void assert_ledger(const mrv_ledger *l, const int64_t *want)
{
    size_t nc = MRV_LEDGER_NCOLS(&l->agr);
    for (size_t v = 0; v <= l->nvint; v++) {
        const int64_t *w = want + v * (nc + 1);
        if (l->issued[v] != w[0])
            fail_msg("row %zu: issued %lld, want %lld", v,
                     (long long)l->issued[v], (long long)w[0]);
        for (size_t c = 0; c < nc; c++) {
            int64_t got = l->cells[v * nc + c];
            if (got != w[1 + c])
                fail_msg("row %zu column %zu: %lld, want %lld", v, c,
                         (long long)got, (long long)w[1 + c]);
        }
    }
}

/* The text a writer produces. */
static char *written(bool (*fn)(const mrv_ledger *, FILE *),
                     const mrv_ledger *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(fn(l, f));
    fclose(f);
    return buf;
}

static void assert_written(bool (*fn)(const mrv_ledger *, FILE *),
                           const mrv_ledger *l, const char *want)
{
    char *got = written(fn, l);
    if (strcmp(got, want) != 0) fail_msg("got:\n%s\nwant:\n%s", got, want);
    free(got);
}

/* ---- exact decimals ---------------------------------------------------- */

static mrv_dec dec(const char *s)
{
    mrv_dec x;
    const char *why = NULL;
    if (!mrv_dec_parse(s, strlen(s), &x, &why)) fail_msg("'%s': %s", s, why);
    return x;
}

static void test_ledger_decimal_exact(void **state)
{
    (void)state;
    /* In binary, 0.07 * 100 is 7.000000000000001 and 0.29 * 100 is
    ** 28.999999999999996, so ceil would say 8 and floor 28.  Read as the
    ** decimals they are, both are exact. */
    assert_true(ceil(0.07 * 100) == 8);
    assert_true(floor(0.29 * 100) == 28);
    mrv_dec r = dec("0.07");
    assert_int_equal(r.num, 7);
    assert_int_equal(r.den, 100);
    for (int rd = 0; rd < 3; rd++)
        assert_int_equal(mrv_dec_mul(r, 100, (mrv_rounding)rd), 7);
    assert_int_equal(mrv_dec_mul(dec("0.29"), 100, MRV_ROUND_FLOOR), 29);
    /* 0.05 x 10 = 0.5: floor 0, ceil 1, nearest 1 (ties half up). */
    assert_int_equal(mrv_dec_mul(dec("0.05"), 10, MRV_ROUND_FLOOR), 0);
    assert_int_equal(mrv_dec_mul(dec("0.05"), 10, MRV_ROUND_CEIL), 1);
    assert_int_equal(mrv_dec_mul(dec("0.05"), 10, MRV_ROUND_NEAREST), 1);
    /* 0.05 x 9 = 0.45: nearest is 0. */
    assert_int_equal(mrv_dec_mul(dec("0.05"), 9, MRV_ROUND_NEAREST), 0);
    /* Large bases stay exact: 0.123456789 x 10^15 = 123456789000000. */
    assert_int_equal(
        mrv_dec_mul(dec("0.123456789"), 1000000000000000LL, MRV_ROUND_FLOOR),
        123456789000000LL);
    /* 0.999999999 x (10^15 - 1) = 999999998999999.000000001: ceil adds 1. */
    assert_int_equal(
        mrv_dec_mul(dec("0.999999999"), 999999999999999LL, MRV_ROUND_CEIL),
        999999999000000LL);
    assert_int_equal(mrv_dec_mul(dec("1"), 123, MRV_ROUND_FLOOR), 123);
    assert_int_equal(mrv_dec_mul(dec("0"), 123, MRV_ROUND_CEIL), 0);

    /* Trailing zeros are no precision; '_' between digits; signs. */
    r = dec("0.050000000000");
    assert_int_equal(r.num, 5);
    assert_int_equal(r.den, 100);
    assert_int_equal(dec("400_000").num, 400000);
    assert_int_equal(dec("-0.5").num, -5);
    assert_int_equal(dec(".5").num, 5);
    char b[48];
    assert_string_equal(mrv_dec_format(dec("0.050"), b, sizeof b), "0.05");
    assert_string_equal(mrv_dec_format(dec("12.5"), b, sizeof b), "12.5");
    mrv_dec t = {500, 1000};
    assert_string_equal(mrv_dec_format(t, b, sizeof b), "0.5");

    static const char *const bad[] = {
        "0.1234567890123456789", /* 19 decimals */
        "1e-2",
        "",
        "-",
        "0.5.1",
        "1__0",
        "_1",
        "abc",
        "10000000000000000000", /* 19 digits */
        "5%%",
        "%",
        "0.00000000000000001%", /* 19 decimals as a share */
        "10/0",
        "10/-17",
        "10/+17",
        "1.5/2",
        "1./2",
        "10/17%",
        "/17",
        "10/"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_dec x;
        const char *why = NULL;
        if (mrv_dec_parse(bad[i], strlen(bad[i]), &x, &why))
            fail_msg("'%s' parsed", bad[i]);
        assert_non_null(why);
    }
}

/* Percentages, fractions and 18 digits, all exact (docs/allocation.md). */
static void test_ledger_fraction_exact(void **state)
{
    (void)state;
    char b[48];
    mrv_dec r = dec("5%");
    assert_int_equal(r.num, 5);
    assert_int_equal(r.den, 100);
    r = dec("0.5%");
    assert_int_equal(r.num, 5);
    assert_int_equal(r.den, 1000);
    assert_string_equal(mrv_dec_format(r, b, sizeof b), "0.005");
    r = dec("10/17");
    assert_int_equal(r.num, 10);
    assert_int_equal(r.den, 17);
    assert_string_equal(mrv_dec_format(r, b, sizeof b), "10/17");
    assert_true(mrv_dec_in_unit(r));
    assert_false(mrv_dec_in_unit(dec("18/17")));
    assert_true(mrv_dec_in_unit(dec("17/17")));
    assert_false(mrv_dec_is_decimal(r, NULL));
    unsigned k = 99;
    assert_true(mrv_dec_is_decimal(dec("0.25"), &k));
    assert_int_equal(k, 2);

    /* 10/17 of 680,000 t is 400,000 t exactly, floor or not; the share
    ** to 9 decimals, 0.588235294, falls a tonne short under floor. */
    for (int rd = 0; rd < 3; rd++)
        assert_int_equal(mrv_dec_mul(r, 680000, (mrv_rounding)rd), 400000);
    assert_int_equal(mrv_dec_mul(dec("0.588235294"), 680000, MRV_ROUND_FLOOR),
                     399999);
    /* 10/17 of 190,000 is 111,764.705...: floor 111,764, ceil and
    ** nearest 111,765. */
    assert_int_equal(mrv_dec_mul(r, 190000, MRV_ROUND_FLOOR), 111764);
    assert_int_equal(mrv_dec_mul(r, 190000, MRV_ROUND_CEIL), 111765);
    assert_int_equal(mrv_dec_mul(r, 190000, MRV_ROUND_NEAREST), 111765);
    /* 1/2 of 7 is 3.5: nearest rounds the tie up. */
    assert_int_equal(mrv_dec_mul(dec("1/2"), 7, MRV_ROUND_NEAREST), 4);

    /* 18 significant digits: 0.123456789012345678 x 10^15 is
    ** 123456789012345.678; and a rate of 18 nines on 10^15 - 1. */
    r = dec("0.123456789012345678");
    assert_int_equal(r.num, 123456789012345678LL);
    assert_int_equal(r.den, 1000000000000000000LL);
    assert_int_equal(mrv_dec_mul(r, 1000000000000000LL, MRV_ROUND_FLOOR),
                     123456789012345LL);
    assert_int_equal(mrv_dec_mul(r, 1000000000000000LL, MRV_ROUND_NEAREST),
                     123456789012346LL);
    /* 0.999999999999999999 x 999999999999999 =
    ** 999999999999998.999999999999999001: floor ..998, ceil ..999. */
    r = dec("0.999999999999999999");
    assert_int_equal(mrv_dec_mul(r, 999999999999999LL, MRV_ROUND_FLOOR),
                     999999999999998LL);
    assert_int_equal(mrv_dec_mul(r, 999999999999999LL, MRV_ROUND_CEIL),
                     999999999999999LL);
    assert_string_equal(mrv_dec_format(r, b, sizeof b), "0.999999999999999999");

    /* Sums and comparisons, exact. */
    mrv_dec s;
    assert_true(mrv_dec_add(dec("1/3"), dec("1/6"), &s));
    assert_string_equal(mrv_dec_format(s, b, sizeof b), "0.5");
    assert_true(mrv_dec_add(dec("0.05"), dec("2%"), &s));
    assert_string_equal(mrv_dec_format(s, b, sizeof b), "0.07");
    assert_true(mrv_dec_add(dec("10/17"), dec("7/17"), &s));
    assert_int_equal(mrv_dec_cmp(s, dec("1")), 0);
    assert_int_equal(mrv_dec_cmp(dec("10/17"), dec("0.588235294")), 1);
    assert_int_equal(mrv_dec_cmp(dec("0.5"), dec("1/2")), 0);
    assert_int_equal(mrv_dec_cmp(dec("1/3"), dec("0.333333333333333334")), -1);
    /* Three large primes overflow 64 bits: refused, *out untouched. */
    assert_true(mrv_dec_add(dec("1/1000000007"), dec("1/1000000009"), &s));
    mrv_dec keep = s;
    assert_false(mrv_dec_add(s, dec("1/1000000021"), &s));
    assert_int_equal(s.num, keep.num);
    assert_int_equal(s.den, keep.den);

    /* As percentages for reading. */
    assert_string_equal(mrv_dec_format_percent(dec("0.055"), b, sizeof b),
                        "5.5 %");
    assert_string_equal(mrv_dec_format_percent(dec("1"), b, sizeof b), "100 %");
    assert_string_equal(mrv_dec_format_percent(dec("1/2"), b, sizeof b),
                        "50 %");
    assert_string_equal(mrv_dec_format_percent(dec("10/17"), b, sizeof b),
                        "10/17");
    assert_string_equal(mrv_dec_format_percent(dec("0.5%"), b, sizeof b),
                        "0.5 %");
}

/* ---- hand-computed ledgers --------------------------------------------- */

/* Article 6.4 levies on small issuances, a negative vintage carried
** forward, and a cumulative buyer share.
**
**   vintage estimate  I     sop=floor(.05 I) omge=ceil(.02 I) R    ΣR
**   2030    49.9      49    floor(2.45)=2    ceil(0.98)=1     46   46
**   2031    19.99     19    floor(0.95)=0    ceil(0.38)=1     18   64
**   2032    1000.7    1000  50               20               930  994
**   2033    -3.2      0     0                0                0    994
**   2034    6.5       3     floor(0.15)=0    ceil(0.06)=1     2    996
**
** 2033 carries its 3.2 t shortfall into 2034, which issues
** floor(6.5 - 3.2) = 3 rather than 6.  Floor rounding zeroes the SOP in
** 2031 and 2034 where ceil still takes an OMGE tonne ("at least 2 %").
** Buyer (share 0.5, nearest, ties up): round(.5 ΣR) = 23, 32, 497, 497,
** 498, so the buyer gets 23, 9, 465, 0, 1 and the host R minus that: 23,
** 9, 465, 0, 1.  Totals: issued 1071 = sop 52 + omge 23 + host 498 +
** buyer 498, and the buyer's 498 is round(0.5 x 996) to the tonne. */
static const char a64_yaml[] =
    "project: proj\n"
    "host: KHM\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  deductions:\n"
    "    - {name: sop, rate: 0.05, to: adaptation_fund}\n"
    "    - {name: omge, rate: 0.02, to: cancellation, rounding: ceil}\n"
    "  split: {buyer_share: 0.5}\n"
    "  first_transfer: transfer\n"
    "  years: {issuance: {lag: 1}, transfer: {lag: 1}, use: 2036}\n";
static const double a64_est[] = {49.9, 19.99, 1000.7, -3.2, 6.5};

static void test_ledger_article64_levies(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, a64_yaml, 2030, 5, a64_est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued sop omge host buyer */
        49,   2,  1,  23,  23,
        19,   0,  1,  9,   9,
        1000, 50, 20, 465, 465,
        0,    0,  0,  0,   0,
        3,    0,  1,  1,   1,
        1071, 52, 23, 498, 498};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    assert_written(mrv_ledger_csv, fx->run.ledger,
                   "vintage,estimate,issued,sop,omge,host,buyer,carried\n"
                   "2030,49.9,49,2,1,23,23,0\n"
                   "2031,19.99,19,0,1,9,9,0\n"
                   "2032,1000.7,1000,50,20,465,465,0\n"
                   "2033,-3.2,0,0,0,0,0,3.2\n"
                   "2034,6.5,3,0,1,1,1,0\n"
                   "total,1073.89,1071,52,23,498,498,0\n");
    /* Blocks in ledger column order; units numbered from 1 each vintage;
    ** no row for an empty block; the negative vintage has none. */
    assert_written(mrv_ledger_serials_csv, fx->run.ledger,
                   "vintage,account,first,last,count,block\n"
                   "2030,adaptation_fund,1,2,2,KHM-proj-2030-1-2\n"
                   "2030,cancellation,3,3,1,KHM-proj-2030-3-3\n"
                   "2030,KHM,4,26,23,KHM-proj-2030-4-26\n"
                   "2030,KOR,27,49,23,KHM-proj-2030-27-49\n"
                   "2031,cancellation,1,1,1,KHM-proj-2031-1-1\n"
                   "2031,KHM,2,10,9,KHM-proj-2031-2-10\n"
                   "2031,KOR,11,19,9,KHM-proj-2031-11-19\n"
                   "2032,adaptation_fund,1,50,50,KHM-proj-2032-1-50\n"
                   "2032,cancellation,51,70,20,KHM-proj-2032-51-70\n"
                   "2032,KHM,71,535,465,KHM-proj-2032-71-535\n"
                   "2032,KOR,536,1000,465,KHM-proj-2032-536-1000\n"
                   "2034,cancellation,1,1,1,KHM-proj-2034-1-1\n"
                   "2034,KHM,2,2,1,KHM-proj-2034-2-2\n"
                   "2034,KOR,3,3,1,KHM-proj-2034-3-3\n");
    /* The host adds what it first transfers, by vintage and by the
    ** transfer year (vintage + 1); the buyer subtracts, by vintage and in
    ** its use year 2036 (all vintages summed: 23 + 9 + 465 + 1 = 498).
    ** Years with nothing in either keying (2033 for the buyer) are left
    ** out. */
    assert_written(mrv_ledger_adjustments_csv, fx->run.ledger,
                   "party,year,role,by_vintage,by_first_transfer,by_use\n"
                   "KHM,2030,host,23,0,\n"
                   "KHM,2031,host,9,23,\n"
                   "KHM,2032,host,465,9,\n"
                   "KHM,2033,host,0,465,\n"
                   "KHM,2034,host,1,0,\n"
                   "KHM,2035,host,0,1,\n"
                   "KOR,2030,buyer,-23,,0\n"
                   "KOR,2031,buyer,-9,,0\n"
                   "KOR,2032,buyer,-465,,0\n"
                   "KOR,2034,buyer,-1,,0\n"
                   "KOR,2036,buyer,0,,-498\n");
    char *aef = written(mrv_ledger_aef_csv, fx->run.ledger);
    /* Actions by block: the OMGE cancellation in the issuance year, the
    ** first transfer (here the international transfer) and the buyer's
    ** use; units to the Adaptation Fund and the host are no actions. */
    const char *want_aef =
        "block,action,year,vintage,quantity,metric,first_transfer,purpose,"
        "originating_party,transferring_party,acquiring_party\n"
        "KHM-proj-2030-3-3,cancellation,2031,2030,1,tCO2e,no,OMGE,KHM,KHM,\n"
        "KHM-proj-2030-27-49,transfer,2031,2030,23,tCO2e,yes,NDC,KHM,KHM,KOR\n"
        "KHM-proj-2030-27-49,use,2036,2030,23,tCO2e,no,NDC,KHM,,KOR\n"
        "KHM-proj-2031-1-1,cancellation,2032,2031,1,tCO2e,no,OMGE,KHM,KHM,\n";
    if (strncmp(aef, want_aef, strlen(want_aef)) != 0)
        fail_msg("aef.csv starts:\n%s", aef);
    free(aef);
}

/* 0.07 x 100 = 7 through the YAML text, with ceil rounding, where the
** binary product would give ceil(7.000000000000001) = 8. */
static void test_ledger_rate_read_exactly(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100.25};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  deductions: [{name: fee, rate: 0.07, to: host, rounding: "
             "ceil}]\n  split: {buyer_share: 1}\n",
             2030, 1, est);
    /* issued 100, fee 7 to the host, buyer the other 93. */
    /* clang-format off */
    static const int64_t want[] = {
        /* issued fee host buyer */
        100,   7,   0,  93,
        100,   7,   0,  93};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
}

static void test_ledger_negative_estimate(void **state)
{
    struct fixture *fx = *state;
    /* -500.5 issues nothing; 0.9 floors to 0 as well. */
    static const double est[] = {-500.5, 0.9};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  deductions: [{name: omge, rate: 0.02, to: cancellation, "
             "rounding: ceil}]\n"
             "  split: {buyer_volume: 10}\n",
             2030, 2, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued omge host buyer */
        0, 0, 0, 0,
        0, 0, 0, 0,
        0, 0, 0, 0};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    assert_written(mrv_ledger_serials_csv, fx->run.ledger,
                   "vintage,account,first,last,count,block\n");
    /* The estimate column shows why. */
    assert_close(fx->run.ledger->cons[0].creditable, -500.5, 1e-15);
}

/* buyer_volume 250 buyer first over four vintages of 100: the buyer
** receives 100, 100, 50 (the volume is reached in the third), 0; the
** host 0, 0, 50, 100. */
static void test_ledger_buyer_volume_mid_period(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100, 100.5, 100.99, 100};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_volume: 250, order: buyer_first}\n",
             2030, 4, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued host buyer */
        100,   0, 100,
        100,   0, 100,
        100,  50,  50,
        100, 100,   0,
        400, 150, 250};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    /* A volume larger than everything: the buyer gets all, short by 50. */
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_volume: 450}\n",
             2030, 4, est);
    /* clang-format off */
    static const int64_t all[] = {
        /* issued host buyer */
        100,   0, 100,
        100,   0, 100,
        100,   0, 100,
        100,   0, 100,
        400,   0, 400};
    /* clang-format on */
    assert_ledger(fx->run.ledger, all);
}

/* host_volume 150 host first: the host keeps 100 and 50, the buyer gets
** 0, 50, 100. */
static void test_ledger_host_volume_first(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100, 100, 100};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {host_volume: 150, order: host_first}\n",
             2030, 3, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued host buyer */
        100, 100,   0,
        100,  50,  50,
        100,   0, 100,
        300, 150, 150};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
}

/* A third to the buyer, written 0.333333333, on remainders of 10, 10, 10.
** Rounding each vintage alone gives round(3.33333333) = 3 three times:
** 9 t, drifting a tonne below round(0.333333333 x 30) = round(9.99999999)
** = 10.  The cumulative rule rounds the running totals instead: round(s
** x 10) = 3, round(s x 20) = round(6.66666666) = 7, round(s x 30) = 10,
** so the buyer gets 3, 4, 3 = 10 to the tonne. */
static void test_ledger_share_cumulative_rounding(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {10.5, 10.5, 10.5};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_share: 0.333333333}\n",
             2030, 3, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued host buyer */
        10,  7,  3,
        10,  6,  4,
        10,  7,  3,
        30, 20, 10};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    /* The same with half: 1 t a vintage would give the buyer round(0.5)
    ** = 1 each time, 4 of 4; cumulatively round(.5), round(1), round(1.5),
    ** round(2) = 1, 1, 2, 2, so 1, 0, 1, 0. */
    static const double one[] = {1, 1, 1, 1};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_share: 0.5}\n",
             2030, 4, one);
    /* clang-format off */
    static const int64_t half[] = {
        /* issued host buyer */
        1, 0, 1,
        1, 1, 0,
        1, 0, 1,
        1, 1, 0,
        4, 2, 2};
    /* clang-format on */
    assert_ledger(fx->run.ledger, half);
}

/* JCM REDD+: the host's statutory half first, then at least half of the
** remainder to the buyer.  I = 101: statutory floor(50.5) = 50 to the
** host, R = 51, buyer ceil(25.5) = 26, host 25.  The statutory block's
** account is the deduction's 'to' as written, before the host's share
** under its code. */
static void test_ledger_statutory_host_share(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {101.2};
    build_ok(fx,
             "project: proj\nhost: IDN\nallocation:\n  buyer: JPN\n"
             "  deductions: [{name: host_statutory, rate: 0.5, to: host}]\n"
             "  split: {buyer_share: 0.5, rounding: ceil}\n",
             2030, 1, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued host_statutory host buyer */
        101,  50,  25,  26,
        101,  50,  25,  26};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    assert_written(mrv_ledger_serials_csv, fx->run.ledger,
                   "vintage,account,first,last,count,block\n"
                   "2030,host,1,50,50,IDN-proj-2030-1-50\n"
                   "2030,IDN,51,75,25,IDN-proj-2030-51-75\n"
                   "2030,JPN,76,101,26,IDN-proj-2030-76-101\n");
}

/* of: authorized, of: remaining and the Letter of Authorization's cap of
** 150 t, consumed in vintage order; everything else would go to the buyer
** (share 1).
**
**   2030: I 100, authorized min(100, 150) = 100 (50 left).  omge =
**         ceil(.02 x 100) = 2 of the authorized; fee = floor(.1 x 98) = 9
**         of what remains; R = 89.  The buyer may take min(100 - 2, 89) =
**         89 and gets round(1 x 89) = 89; host 0.
**   2031: I 100, authorized 50.  omge = ceil(.02 x 50) = 1; fee =
**         floor(.1 x 99) = 9; R = 90.  The share would give 179 - 89 =
**         90, but only 50 - 1 = 49 are authorized: buyer 49, host 41. */
static void test_ledger_authorized_and_remaining(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100, 100};
    build_ok(fx,
             "project: proj\nhost: SGP\nallocation:\n  buyer: CHE\n"
             "  accounts: [fees]\n"
             "  authorized: 150\n"
             "  deductions:\n"
             "    - {name: omge, rate: 0.02, to: cancellation, rounding: ceil,"
             " of: authorized}\n"
             "    - {name: fee, rate: 0.1, to: fees, of: remaining}\n"
             "  split: {buyer_share: 1}\n",
             2030, 2, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued omge fee host buyer */
        100,   2,   9,   0,  89,
        100,   1,   9,  41,  49,
        200,   3,  18,  41, 138};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    assert_int_equal(fx->run.ledger->authorized[0], 100);
    assert_int_equal(fx->run.ledger->authorized[1], 50);
    /* A cap per vintage: 2030 authorizes 10, 2031 all 100.  2030: omge
    ** ceil(.2) = 1, fee floor(9.9) = 9, R 90, buyer min(10 - 1, 90) = 9,
    ** host 81.  2031 as above but uncapped: omge 2, fee 9, R 89; the
    ** share gives 179 - 90 = 89 and the cap is min(100 - 2, 89) = 89. */
    build_ok(fx,
             "project: proj\nhost: SGP\nallocation:\n  buyer: CHE\n"
             "  accounts: [fees]\n"
             "  authorized: {2030: 10, 2031: 100}\n"
             "  deductions:\n"
             "    - {name: omge, rate: 0.02, to: cancellation, rounding: ceil,"
             " of: authorized}\n"
             "    - {name: fee, rate: 0.1, to: fees, of: remaining}\n"
             "  split: {buyer_share: 1}\n",
             2030, 2, est);
    /* clang-format off */
    static const int64_t cap[] = {
        /* issued omge fee host buyer */
        100,   1,   9,  81,   9,
        100,   2,   9,   0,  89,
        200,   3,  18,  81,  98};
    /* clang-format on */
    assert_ledger(fx->run.ledger, cap);
}

/* A levy paid in value (Singapore's 5 % SOP "in value"): recorded as 5 %
** of issuance in tonnes, 50 of 1000, moving none of them; the split then
** shares all 1000.  Conservation counts only unit-moving columns, and
** serials.csv has no block for the levy. */
static void test_ledger_levy_in_value(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {1000};
    build_ok(fx,
             "project: proj\nhost: GHA\nallocation:\n  buyer: SGP\n"
             "  deductions: [{name: sop_value, rate: 0.05, to: "
             "adaptation_fund, units: false},\n"
             "               {name: omge, rate: 0.02, to: cancellation}]\n"
             "  split: {buyer_share: 0.5}\n",
             2030, 1, est);
    /* omge 20 moves units: R = 980, buyer 490, host 490. */
    /* clang-format off */
    static const int64_t want[] = {
        /* issued sop_value omge host buyer */
        1000,   50,   20,  490,  490,
        1000,   50,   20,  490,  490};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
    assert_written(mrv_ledger_serials_csv, fx->run.ledger,
                   "vintage,account,first,last,count,block\n"
                   "2030,cancellation,1,20,20,GHA-proj-2030-1-20\n"
                   "2030,GHA,21,510,490,GHA-proj-2030-21-510\n"
                   "2030,SGP,511,1000,490,GHA-proj-2030-511-1000\n");
}

/* Ceil on two deductions of a half each can ask for one tonne more than
** is left: I = 3, a = ceil(1.5) = 2, b = ceil(1.5) = 2 but only 1
** remains, so b is trimmed to 1 and nothing is left to split. */
static void test_ledger_ceil_never_overdraws(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {3};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  deductions: [{name: a, rate: 0.5, to: buffer_pool, rounding:"
             " ceil}, {name: b, rate: 0.5, to: cancellation, rounding: "
             "ceil}]\n  split: {buyer_share: 0.5}\n",
             2030, 1, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued a b host buyer */
        3, 2, 1, 0, 0,
        3, 2, 1, 0, 0};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
}

/* The buffer for removals listed first, then the levies of issuance on
** the gross (docs/allocation.md: discount, then buffer, then levies).
** I = 1000: buffer 200, sop floor(50) = 50, omge ceil(20) = 20, R 730,
** buyer half 365. */
static void test_ledger_buffer_first(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {1000.4};
    build_ok(fx,
             "project: proj\nhost: MNG\nallocation:\n  buyer: KOR\n"
             "  deductions:\n"
             "    - {name: buffer, rate: 0.20, to: buffer_pool}\n"
             "    - {name: sop, rate: 0.05, to: adaptation_fund}\n"
             "    - {name: omge, rate: 0.02, to: cancellation, rounding: "
             "ceil}\n"
             "  split: {buyer_share: 0.5}\n",
             2030, 1, est);
    /* clang-format off */
    static const int64_t want[] = {
        /* issued buffer sop omge host buyer */
        1000,  200,   50,   20,  365,  365,
        1000,  200,   50,   20,  365,  365};
    /* clang-format on */
    assert_ledger(fx->run.ledger, want);
}

/* ---- conservativeness -------------------------------------------------- */

/* 101 draws per vintage, x_i = 1000.5 + (i - 50) k: type-7 quantiles at
** 5 % and 95 % are x_5 and x_95 (h = 100 p), so HW90 = 45 k exactly (up
** to the last bit of 100 x 0.05) and U = 45 k / 1000.5.  The half tonne
** keeps every creditable estimate away from a whole number, so the floor
** is robust. */
static const double cons_k[] = {2, 3, 4, 5, 8, 14, 25};
#define NK (sizeof cons_k / sizeof *cons_k)

static void set_cons_draws(struct fixture *fx)
{
    double x[NK * 101];
    for (size_t v = 0; v < NK; v++) {
        for (int i = 0; i <= 100; i++)
            x[v * 101 + i] = 1000.5 + (i - 50) * cons_k[v];
        mrv_stat *s = red(fx, v);
        s->central = s->mean = s->median = 1000.5;
        s->lower = 1000.5 - 48 * cons_k[v]; /* 2.5 %: h = 2.5 */
        s->upper = 1000.5 + 48 * cons_k[v];
    }
    set_draws(fx, NK, 101, x);
}

static const char cons_alloc[] =
    "allocation: {buyer: KOR, split: {buyer_share: 0}}\n";

static void build_rule(struct fixture *fx, const char *rule)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "project: proj\nhost: KHM\n%s%s", rule,
             cons_alloc);
    set_cons_draws(fx);
    build_ok(fx, yaml, 2030, NK, NULL);
}

static void assert_issued(const mrv_ledger *l, const int64_t *want)
{
    for (size_t v = 0; v < l->nvint; v++)
        if (l->issued[v] != want[v])
            fail_msg("vintage %zu: issued %lld, want %lld", v,
                     (long long)l->issued[v], (long long)want[v]);
}

static void test_ledger_rule_ar_tool14(void **state)
{
    struct fixture *fx = *state;
    build_rule(fx, "conservativeness: ar_tool14\n");
    /*   k   HW90   U        d     d x HW   creditable   issued
    **   2    90    9.00 %   0       0      1000.5       1000
    **   3   135   13.49 %   0.25   33.75    966.75       966
    **   4   180   17.99 %   0.50   90       910.5        910
    **   5   225   22.49 %   0.75  168.75    831.75       831
    **   8   360   35.98 %   1     360       640.5        640
    **  14   630   62.97 %   1     630       370.5        370
    **  25  1125  112.4 %    1    1000.5       0            0
    ** The last would lose 1125 t of 1000.5: the rule takes the whole
    ** estimate and no more, so nothing is carried as a shortfall. */
    static const int64_t want[] = {1000, 966, 910, 831, 640, 370, 0};
    const mrv_ledger *l = fx->run.ledger;
    assert_issued(l, want);
    assert_close(l->cons[6].rule_adj, 1000.5, 0);
    assert_close(l->cons[6].creditable, 0, 0);
    assert_close(l->carried[6], 0, 0);
    assert_close(l->overissued, 0, 0);
    assert_close(l->cons[2].half_width, 180, 1e-12);
    assert_close(l->cons[2].relative, 180 / 1000.5, 1e-12);
    assert_close(l->cons[2].factor, 0.5, 0);
    assert_close(l->cons[2].rule_adj, 90, 1e-12);
    assert_close(l->cons[2].unadjusted, 1000.5, 0);
    assert_string_equal(l->rule_from, "project");
    /* Each draw gives up its vintage's rule deduction. */
    assert_close(l->draw_adj[1], 33.75, 1e-12);
}

static void test_ledger_rule_fcpf_and_art_trees(void **state)
{
    struct fixture *fx = *state;
    /* FCPF set-aside of the estimate by U: <= 15 % nothing (k 2, 3);
    ** 18 % and 22.5 % -> 4 %: 1000.5 - 40.02 = 960.48; 36 % -> 8 %:
    ** 920.46; 63 % -> 12 %: 880.44; 112 % -> 15 %: 850.425. */
    build_rule(fx, "conservativeness: {rule: fcpf}\n");
    static const int64_t fcpf[] = {1000, 1000, 960, 960, 920, 880, 850};
    assert_issued(fx->run.ledger, fcpf);
    assert_close(fx->run.ledger->cons[4].factor, 0.08, 0);

    /* ART-TREES: deduction = estimate x 0.524417 (HW90 / estimate) /
    ** 1.645006 = 0.3187935 HW90.  k 2: 28.6914 -> 971.809; k 3: 43.0371
    ** -> 957.463; k 4: 57.3828 -> 943.117; k 5: 71.7285 -> 928.771; k 8:
    ** 114.7656 -> 885.734; k 14: 200.8398 -> 799.660; k 25: 358.6425 ->
    ** 641.857. */
    build_rule(fx, "meth_conservativeness: art_trees\n");
    static const int64_t art[] = {971, 957, 943, 928, 885, 799, 641};
    assert_issued(fx->run.ledger, art);
    assert_close(fx->run.ledger->cons[2].rule_adj, 0.524417 * 180 / 1.645006,
                 1e-12);
    assert_string_equal(fx->run.ledger->rule_from, "methodology");
}

static void test_ledger_rule_lower_bound(void **state)
{
    struct fixture *fx = *state;
    /* One-sided 90 % lower bound: the 10 % quantile, h = 10, x_10 =
    ** 1000.5 - 40 k: 920.5, 880.5, 840.5, 800.5, 680.5, 440.5, 0.5. */
    build_rule(fx, "conservativeness: {rule: lower_bound}\n");
    static const int64_t lb[] = {920, 880, 840, 800, 680, 440, 0};
    assert_issued(fx->run.ledger, lb);
    /* The 90/10 practice: with precision 0.10 the bound applies only
    ** when the two-sided 90 % half-width (45 k) exceeds 10 % of the
    ** estimate: k = 2 (9.0 %) keeps 1000.5. */
    build_rule(fx, "conservativeness: {rule: lower_bound, confidence: 0.9, "
                   "precision: 0.10}\n");
    static const int64_t lb10[] = {1000, 880, 840, 800, 680, 440, 0};
    assert_issued(fx->run.ledger, lb10);
    /* A project's 'none' switches the methodology's rule off. */
    build_rule(fx, "meth_conservativeness: ar_tool14\n"
                   "conservativeness: none\n");
    static const int64_t none[] = {1000, 1000, 1000, 1000, 1000, 1000, 1000};
    assert_issued(fx->run.ledger, none);
}

/* Estimates computed in binary miss whole tonnes by an ulp: 90 MWh x
** 0.7 tCO2/MWh is 62.99999999999999 t and 130 MWh x 0.7 is
** 90.99999999999999 t.  By hand they are 63 and 91, and rounded to the
** gram first they issue 63 and 91 (the floor alone gave 62 and 90).  Only
** the sixth decimal is rounded: 62.9999994 t is still 62 whole tonnes. */
static void test_ledger_whole_tonnes_after_rounding(void **state)
{
    (void)state;
    assert_int_equal(mrv_ledger_issue(62.99999999999999), 63);
    assert_int_equal(mrv_ledger_issue(90.99999999999999), 91);
    assert_int_equal(mrv_ledger_issue(62.9999996), 63);
    assert_int_equal(mrv_ledger_issue(62.9999994), 62);
    assert_int_equal(mrv_ledger_issue(63.0000004), 63);
    assert_int_equal(mrv_ledger_issue(0.9999999999), 1);
    assert_int_equal(mrv_ledger_issue(0.4), 0);
    assert_int_equal(mrv_ledger_issue(-0.0000001), 0);
    assert_true(mrv_ledger_round(0.15000000000000005) == 0.15);
    assert_true(mrv_ledger_round(-2.0000000000000004) == -2);
    assert_true(mrv_ledger_round(1e300) == 1e300);
}

/* Negative vintages are carried forward to the gram: -0.1 then -0.2
** carry 0.3 t, not 0.30000000000000004; 5.25 then makes it up and
** issues floor(4.95) = 4, carrying nothing; a positive vintage without
** a shortfall issues as mrv_ledger_issue. */
static void test_ledger_issue_carry(void **state)
{
    (void)state;
    double c = 0;
    assert_int_equal(mrv_ledger_issue_carry(-0.1, &c), 0);
    assert_true(c == 0.1);
    assert_int_equal(mrv_ledger_issue_carry(-0.2, &c), 0);
    assert_true(c == 0.3);
    assert_int_equal(mrv_ledger_issue_carry(0.3, &c), 0); /* exactly even */
    assert_true(c == 0 && !signbit(c));
    c = 0.3;
    assert_int_equal(mrv_ledger_issue_carry(5.25, &c), 4);
    assert_true(c == 0);
    assert_int_equal(mrv_ledger_issue_carry(62.99999999999999, &c), 63);
    assert_true(c == 0);
    c = 100;
    assert_int_equal(mrv_ledger_issue_carry(40, &c), 0);
    assert_true(c == 60);
}

/* A reversal: 1,000.4 t and 200 t issue 1,000 and 200 units; -300.5 t in
** the last vintage issues nothing and leaves a shortfall of 300.5 t no
** later vintage makes up.  The period's estimates are 899.9 t, so 300.1
** of the 1,200 units issued are not covered: ledger.csv's total row
** carries 300.5, report.json says overissued 300.1, and a warning says
** the agreement must compensate it. */
static void test_ledger_reversal_left_at_end(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {1000.4, 200, -300.5};
    build_ok(fx, a64_yaml, 2030, 3, est);
    const mrv_ledger *l = fx->run.ledger;
    static const int64_t want[] = {1000, 200, 0};
    assert_issued(l, want);
    assert_true(l->carried[0] == 0 && l->carried[1] == 0);
    assert_true(l->carried[2] == 300.5 && l->carried[3] == 300.5);
    assert_close(l->overissued, 300.1, 1e-9);
    bool warned = false;
    for (size_t i = 0; i < mrv_diag_count(fx->diag); i++) {
        const mrv_diag_entry *e = mrv_diag_get(fx->diag, i);
        warned |= e->sev == MRV_SEV_WARNING &&
                  strstr(e->msg, "300.5 t out of the crediting period: "
                                 "300.1 units issued exceed") != NULL;
    }
    assert_true(warned);
    char *csv = written(mrv_ledger_csv, l);
    /* The total row: the estimates' sum as computed, 1,200 issued, the
    ** shortfall left at the end last. */
    const char *row = strstr(csv, "2032,-300.5,0,0,0,0,0,300.5\ntotal,");
    assert_non_null(row);
    row = strchr(row, '\n') + 1;
    assert_non_null(strstr(row, ",1200,"));
    assert_non_null(strstr(row, ",300.5\n"));
    free(csv);
}

/* A relative half-width exactly on a band's edge by hand is on it here
** too.  21 draws: the 5 % and 95 % quantiles are x(1) = 85.85 and x(19)
** = 116.15 (h = 20 p), so HW90 = 15.15 and U = 15.15 / 101 = 0.15, the
** top of the FCPF band that sets nothing aside: 101 t issue 101.  In
** binary the division gives 0.15000000000000005, which the band test
** alone put in the 4 % band: 101 - 4.04 = 96.96, issuing 96. */
static void test_ledger_rule_band_edge(void **state)
{
    struct fixture *fx = *state;
    double x[21];
    for (int i = 0; i < 21; i++) x[i] = 101;
    x[0] = 80;
    x[1] = 85.85;
    x[19] = 116.15;
    x[20] = 120;
    mrv_stat *s = red(fx, 0);
    s->central = s->mean = s->median = 101;
    s->lower = 85.85;
    s->upper = 116.15;
    set_draws(fx, 1, 21, x);
    build_ok(fx,
             "project: proj\nhost: KHM\nconservativeness: fcpf\n"
             "allocation: {buyer: KOR, split: {buyer_share: 0}}\n",
             2030, 1, NULL);
    const mrv_ledger *l = fx->run.ledger;
    assert_close(l->cons[0].half_width, 15.15, 1e-12);
    assert_close(l->cons[0].factor, 0, 0);
    assert_int_equal(l->issued[0], 101);
}

static void test_ledger_basis(void **state)
{
    struct fixture *fx = *state;
    /* basis: lower reads the two-sided lower bound of the statistics
    ** (1000.5 - 48 k here); mean reads the mean. */
    set_cons_draws(fx);
    red(fx, 0)->mean = 1010.25;
    build_ok(fx,
             "project: proj\nhost: KHM\n"
             "allocation: {buyer: KOR, basis: lower, split: {buyer_share: "
             "0}}\n",
             2030, NK, NULL);
    static const int64_t lower[] = {904, 856, 808, 760, 616, 328, 0};
    assert_issued(fx->run.ledger, lower);
    assert_close(fx->run.ledger->cons[0].basis_adj, 96, 0);
    assert_close(fx->run.ledger->draw_adj[0], 96, 0);
    build_ok(fx,
             "project: proj\nhost: KHM\n"
             "allocation: {buyer: KOR, basis: mean, split: {buyer_share: "
             "0}}\n",
             2030, NK, NULL);
    assert_int_equal(fx->run.ledger->issued[0], 1010);
    assert_close(fx->run.ledger->draw_adj[0], 0, 0);

    /* Without draws, mean and lower fall back to central, with a
    ** warning (without draws the statistics repeat the central value). */
    fx->run.draws = 0;
    fx->run.reduction_draws = NULL;
    build_ok(fx,
             "project: proj\nhost: KHM\n"
             "allocation: {buyer: KOR, basis: lower, split: {buyer_share: "
             "0}}\n",
             2030, NK, NULL);
    assert_int_equal(fx->run.ledger->issued[0], 1000);
    assert_true(fx->run.ledger->basis_fallback);
    assert_true(mrv_diag_count(fx->diag) >= 1);
    assert_int_equal(mrv_diag_get(fx->diag, 0)->sev, MRV_SEV_WARNING);
}

/* ---- the allocation on every draw -------------------------------------- */

/* Two vintages, four draws, buyer_volume 150 buyer first:
**
**   draw   2030    2031   issued   buyer             host
**   0      100     60.2   160      150               10
**   1      50      50     100      100               0
**   2      80.9    70     150      150               0
**   3      100.5   10     110      110               0
**
** P(buyer receives 150) = 2/4.  Type-7 quantiles over the four totals
** (h = 3p): host sorted 0, 0, 0, 10: 5 % -> 0, median (h 1.5) -> 0,
** 95 % (h 2.85) -> 0 + .85 x 10 = 8.5; buyer sorted 100, 110, 150, 150:
** 5 % (h .15) -> 101.5, median -> 130, 95 % -> 150.  Means 2.5, 127.5. */
static void test_ledger_monte_carlo_allocation(void **state)
{
    struct fixture *fx = *state;
    static const double x[] = {100, 50, 80.9, 100.5, 60.2, 50, 70, 10};
    set_draws(fx, 2, 4, x);
    static const double est[] = {82, 47};
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_volume: 150}\n",
             2030, 2, est);
    const mrv_ledger *l = fx->run.ledger;
    assert_true(l->has_mc);
    assert_close(l->mc.p_volume, 0.5, 0);
    assert_close(l->mc.host_q[0], 0, 0);
    assert_close(l->mc.host_q[1], 0, 0);
    assert_close(l->mc.host_q[2], 8.5, 1e-12);
    assert_close(l->mc.buyer_q[0], 101.5, 1e-12);
    assert_close(l->mc.buyer_q[1], 130, 1e-12);
    assert_close(l->mc.buyer_q[2], 150, 0);
    assert_close(l->mc.host_mean, 2.5, 0);
    assert_close(l->mc.buyer_mean, 127.5, 0);
    /* Per vintage: the central ledger gives KOR 82 then 47 (cumulative
    ** 82, 129, short of 150).  The draws' cumulative units are 100/150,
    ** 50/100, 80/150, 100/110: on schedule (>= 82, >= 129) in draws 0
    ** and 3, then 0 and 2; complete (>= 150) in none, then 0 and 2. */
    assert_non_null(l->mc.p_schedule);
    assert_non_null(l->mc.p_complete);
    assert_close(l->mc.p_schedule[0], 0.5, 0);
    assert_close(l->mc.p_schedule[1], 0.5, 0);
    assert_close(l->mc.p_complete[0], 0, 0);
    assert_close(l->mc.p_complete[1], 0.5, 0);

    /* The sweep runs every value on every draw: at 100 the buyer gets
    ** its volume in all four draws, at 160 in one (draw 0). */
    mrv_sweep *s = NULL;
    assert_status(mrv_ledger_sweep(&fx->run, "split.buyer_volume=100:160:60",
                                   &s, fx->diag),
                  MRV_OK);
    assert_int_equal(s->n, 2);
    assert_close(s->mc[0].p_volume, 1, 0);
    assert_close(s->mc[1].p_volume, 0.25, 0);
    mrv_sweep_free(s);
}

/* A ledger holds at most 10^15 t per vintage and over the crediting
** period, central or in any draw: beyond that a double no longer holds
** every whole tonne (2^53 is about 9.007 x 10^15) and a draw would be
** capped rather than allocated.  Each is refused, naming what passed. */
static void test_ledger_period_and_draws_capped(void **state)
{
    struct fixture *fx = *state;
    static const char *yaml = "project: proj\nhost: KHM\nallocation:\n"
                              "  buyer: KOR\n  split: {buyer_share: 1}\n";
    /* 999,999,999,999,999 + 1 = 10^15 issued: the most, allowed. */
    static const double full[] = {999999999999999.0, 1};
    fx->run.draws = 0;
    fx->run.reduction_draws = NULL;
    build_ok(fx, yaml, 2030, 2, full);
    assert_true(fx->run.ledger->issued[2] == MRV_LEDGER_MAX_TONNES);
    /* One tonne more over the period: refused, though each vintage fits. */
    static const double over[] = {999999999999999.0, 2};
    assert_status(build(fx, yaml, 2030, 2, over), MRV_EDOMAIN);
    assert_null(fx->run.ledger);
    fx_expect_error(fx->diag, 4, 3,
                    "the crediting period issues 1000000000000001 t in all, "
                    "beyond 10^15 t");
    /* Draws: the second draw's 2031 reaches 10^15 t (it was issued as
    ** 10^15 and allocated as if it were the draw). */
    static const double est[] = {10, 10};
    static const double x[] = {10, 12, 10, 1e15};
    set_draws(fx, 2, 2, x);
    assert_status(build(fx, yaml, 2030, 2, est), MRV_EDOMAIN);
    fx_expect_error(fx->diag, 4, 3,
                    "draw 2 gives vintage 2031 a creditable estimate of "
                    "1e+15 t, beyond 10^15 t");
    /* Each vintage fits but the draw's period does not. */
    static const double y[] = {6e14, 10, 6e14, 10};
    set_draws(fx, 2, 2, y);
    assert_status(build(fx, yaml, 2030, 2, est), MRV_EDOMAIN);
    fx_expect_error(fx->diag, 4, 3,
                    "draw 1 issues 1.2e+15 t over the crediting period, "
                    "beyond 10^15 t");
}

/* ---- sweeps ------------------------------------------------------------ */

static void test_ledger_sweep(void **state)
{
    struct fixture *fx = *state;
    fx->run.draws = 0;
    fx->run.reduction_draws = NULL;
    build_ok(fx, a64_yaml, 2030, 5, a64_est);
    mrv_sweep *s = NULL;
    /* Steps are exact decimals: 0.4, 0.5, ..., 0.8 is five values with
    ** no 0.7999999. */
    assert_status(mrv_ledger_sweep(&fx->run, "split.buyer_share=0.4:0.8:0.1",
                                   &s, fx->diag),
                  MRV_OK);
    assert_int_equal(s->n, 5);
    char b[32];
    assert_string_equal(mrv_dec_format(s->axis[0].values[4], b, sizeof b),
                        "0.8");
    /* Columns: issued, sop, omge, host, buyer.  The remainder is 996 in
    ** all; the buyer's total is round(s x 996): 398 at 0.4 (398.4), 498
    ** at 0.5, 797 at 0.8 (796.8). */
    assert_int_equal(s->totals[0 * 5 + 4], 398);
    assert_int_equal(s->totals[1 * 5 + 4], 498);
    assert_int_equal(s->totals[4 * 5 + 4], 797);
    assert_int_equal(s->totals[4 * 5 + 3], 199);
    assert_int_equal(s->totals[4 * 5 + 0], 1071);
    mrv_sweep_free(s);
    /* A levy's rate: sop at 0.1 takes floor(4.9) + floor(1.9) + 100 +
    ** 0 + floor(.3) = 4 + 1 + 100 = 105. */
    assert_status(mrv_ledger_sweep(&fx->run, "deductions.sop.rate=0.1:0.1:1",
                                   &s, fx->diag),
                  MRV_OK);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->totals[1], 105);
    mrv_sweep_free(s);
    /* Percentages step as decimals: 40% to 80% by 10% is the same five
    ** values. */
    assert_status(mrv_ledger_sweep(&fx->run, "split.buyer_share=40%:80%:10%",
                                   &s, fx->diag),
                  MRV_OK);
    assert_int_equal(s->n, 5);
    assert_string_equal(mrv_dec_format(s->axis[0].values[1], b, sizeof b),
                        "0.5");
    assert_int_equal(s->totals[1 * 5 + 4], 498);
    mrv_sweep_free(s);

    static const struct {
        const char *spec, *msg;
    } bad[] = {
        {"split.buyer_volume=1:2:1", "the agreement's split is buyer_share"},
        {"deductions.levy.rate=0:1:0.5", "cannot sweep 'deductions.levy.rate'"},
        {"split.buyer_share=0.5:1.5:0.5", "must be from 0 to 1, not 1.5"},
        {"deductions.sop.rate=0.5:1:0.5", "take more than 1"},
        {"split.buyer_share=0.8:0.4:0.1", "FROM at most TO"},
        {"split.buyer_share=0:1:0.0001", "at most 1000"},
        {"split.buyer_share=0:1", "FROM:TO:STEP"},
        {"split.buyer_share=1/17:10/17:1/17", "a fraction cannot be stepped"},
        {"split.buyer_share", "KEY=FROM:TO:STEP"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_diag_reset(fx->diag);
        s = NULL;
        if (mrv_ledger_sweep(&fx->run, bad[i].spec, &s, fx->diag) == MRV_OK)
            fail_msg("'%s' accepted", bad[i].spec);
        assert_null(s);
        char msg[512];
        mrv_diag_format(mrv_diag_first(fx->diag), msg, sizeof msg);
        if (!strstr(msg, bad[i].msg))
            fail_msg("'%s': %s (want '%s')", bad[i].spec, msg, bad[i].msg);
    }
    /* A grid of two: every combination, the second key fastest, in
    ** sweep.csv as in tests/cli/allocate-sweep-grid (derived there). */
    static const char *const grid[] = {"split.buyer_share=0.4:0.6:0.2",
                                       "deductions.omge.rate=0.02:0.04:0.02"};
    mrv_diag_reset(fx->diag);
    assert_status(mrv_ledger_sweep_grid(&fx->run, grid, 2, &s, fx->diag),
                  MRV_OK);
    assert_int_equal(s->n, 4);
    assert_string_equal(mrv_dec_format(mrv_sweep_value(s, 1, 0), b, sizeof b),
                        "0.4");
    assert_string_equal(mrv_dec_format(mrv_sweep_value(s, 1, 1), b, sizeof b),
                        "0.04");
    assert_string_equal(mrv_dec_format(mrv_sweep_value(s, 2, 0), b, sizeof b),
                        "0.6");
    char *csv = NULL;
    size_t ncsv = 0;
    FILE *mf = open_memstream(&csv, &ncsv);
    assert_true(mrv_ledger_sweep_csv(fx->run.ledger, s, mf));
    fclose(mf);
    assert_string_equal(csv, "split.buyer_share,deductions.omge.rate,issued,"
                             "sop,omge,host,buyer\n"
                             "0.4,0.02,1071,52,23,598,398\n"
                             "0.4,0.04,1071,52,44,585,390\n"
                             "0.6,0.02,1071,52,23,398,598\n"
                             "0.6,0.04,1071,52,44,390,585\n");
    free(csv);
    mrv_sweep_free(s);
    /* Grids too large, a key twice, two rates beyond 1 together. */
    static const struct {
        const char *a, *b, *msg;
    } badgrid[] = {
        {"split.buyer_share=0:1:0.01", "deductions.omge.rate=0:0.1:0.01",
         "gives 1111 combinations"},
        {"split.buyer_share=0:1:0.5", "split.buyer_share=0:1:0.5",
         "is given twice"},
        {"deductions.sop.rate=0.5:0.9:0.4", "deductions.omge.rate=0.5:0.5:1",
         "take more than 1"},
    };
    for (size_t i = 0; i < sizeof badgrid / sizeof *badgrid; i++) {
        const char *const specs[] = {badgrid[i].a, badgrid[i].b};
        mrv_diag_reset(fx->diag);
        s = NULL;
        assert_int_not_equal(
            mrv_ledger_sweep_grid(&fx->run, specs, 2, &s, fx->diag), MRV_OK);
        assert_null(s);
        char msg[512];
        mrv_diag_format(mrv_diag_first(fx->diag), msg, sizeof msg);
        if (!strstr(msg, badgrid[i].msg))
            fail_msg("'%s' x '%s': %s (want '%s')", badgrid[i].a, badgrid[i].b,
                     msg, badgrid[i].msg);
    }
    /* A volume swept in half tonnes is refused. */
    build_ok(fx,
             "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"
             "  split: {buyer_volume: 250}\n",
             2030, 5, a64_est);
    mrv_diag_reset(fx->diag);
    assert_status(
        mrv_ledger_sweep(&fx->run, "split.buyer_volume=0:1:0.5", &s, fx->diag),
        MRV_EDOMAIN);
}

/* ---- bad agreements ---------------------------------------------------- */

#define HEAD "project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n"

static const struct {
    const char *yaml;
    mrv_status st;
    unsigned line, col;
    const char *msg;
} bad[] = {
    {HEAD "  deductions: [{name: sop, rate: 1.5, to: adaptation_fund}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_EDOMAIN, 5, 34, "'rate' of deduction 'sop' must be from 0 to 1"},
    {HEAD "  deductions: [{name: sop, rate: -0.05, to: adaptation_fund}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_EDOMAIN, 5, 34, "must be from 0 to 1, not -0.05"},
    {HEAD "  deductions: [{name: sop, rate: 0.0512345678901234567, to: x}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 34, "more than 18 decimals"},
    {HEAD "  deductions: [{name: sop, rate: 5%%, to: adaptation_fund}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 34, "not '5%%' (not a decimal number)"},
    {HEAD "  split: {buyer_share: 18/17}\n", MRV_EDOMAIN, 5, 24,
     "'buyer_share' must be from 0 to 1, not 18/17"},
    {HEAD "  split: {buyer_share: 10/0}\n", MRV_ESCHEMA, 5, 24,
     "a fraction's denominator must be a positive whole number"},
    {HEAD "  split: {buyer_share: 0.5/2}\n", MRV_ESCHEMA, 5, 24,
     "a fraction is two whole numbers, such as 10/17"},
    {HEAD "  deductions: [{name: sop, rate: '0.05', to: adaptation_fund}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 34, "remove the quotes"},
    {HEAD "  split: {buyer_share: 1.2}\n", MRV_EDOMAIN, 5, 24,
     "'buyer_share' must be from 0 to 1, not 1.2"},
    {HEAD "  deductions:\n"
          "    - {name: a, rate: 0.6, to: buffer_pool}\n"
          "    - {name: b, rate: 0.45, to: cancellation}\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_EDOMAIN, 6, 5, "take 1.05 of each tonne (a 0.6 + b 0.45)"},
    {HEAD "  deductions: [{name: sop, rate: 0.05, to: adaption_fund}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 44,
     "unknown destination 'adaption_fund' in deduction 'sop' (did you mean "
     "'adaptation_fund'?)"},
    {HEAD "  deductions: [{name: sop, rate: 0.05, to: treasury}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 44, "or an account listed in 'accounts'"},
    {HEAD "  deductions: [{name: sop, rate: 0.05, to: host, rouding: ceil}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 50, "unknown key 'rouding' in deduction 'sop'"},
    {HEAD "  split: {buyer_share: 0.5}\n  spilt: 1\n", MRV_ESCHEMA, 6, 3,
     "unknown key 'spilt' in 'allocation' (did you mean 'split'?)"},
    {HEAD "  split: {buyer_volume: -400000}\n", MRV_EDOMAIN, 5, 25,
     "'buyer_volume' must be a whole number of tonnes"},
    {HEAD "  split: {buyer_volume: 400000.5}\n", MRV_EDOMAIN, 5, 25,
     "whole number of tonnes"},
    {HEAD "  split: {buyer_share: 0.5, buyer_volume: 400000}\n", MRV_ESCHEMA, 5,
     29, "not both buyer_share and buyer_volume"},
    {HEAD "  split: {order: buyer_first}\n", MRV_ESCHEMA, 5, 10,
     "'split' needs one of"},
    {HEAD "  split: {buyer_volume: 10, order: host_first}\n", MRV_ESCHEMA, 5,
     36, "does not go with buyer_volume"},
    {HEAD "  split: {buyer_share: 0.5, order: buyer_first}\n", MRV_ESCHEMA, 5,
     36, "'order' applies to buyer_volume and host_volume"},
    {HEAD "  split: {buyer_share: 0.5}\n  first_transfer: transfr\n",
     MRV_ESCHEMA, 6, 19,
     "the first-transfer definition must be issuance, authorization, "
     "transfer or use, not 'transfr' (did you mean 'transfer'?)"},
    {HEAD "  split: {buyer_share: 0.5}\n  first_transfer: transfer\n",
     MRV_ESCHEMA, 6, 19, "needs 'years.transfer'"},
    {HEAD "  split: {buyer_share: 0.5}\n  first_transfer: transfer\n"
          "  years: {transfer: {lag: 1}}\n",
     MRV_ESCHEMA, 7, 10, "needs 'years.use'"},
    {HEAD "  split: {buyer_share: 0.5}\n  first_transfer: transfer\n"
          "  years: {transfer: {lag: 1}, use: 2029}\n",
     MRV_EDOMAIN, 7, 36, "vintage 2030: use in 2029 comes before the vintage"},
    {HEAD "  split: {buyer_share: 0.5}\n  first_transfer: use\n"
          "  years: {use: {2030: 2031}}\n",
     MRV_ESCHEMA, 7, 16, "no value for vintage 2031"},
    {HEAD "  split: {buyer_share: 0.5}\n  years: {use: 2031}\n", MRV_ESCHEMA, 6,
     3, "needs 'first_transfer'"},
    {HEAD "  deductions: [{name: omge, rate: 0.02, to: cancellation}]\n"
          "  split: {buyer_share: 0.5}\n  first_transfer: use\n"
          "  years: {use: {lag: 1}}\n",
     MRV_ESCHEMA, 8, 10, "needs 'years.issuance'"},
    {HEAD "  deductions: [{name: omge, rate: 0.02, to: cancellation, of: "
          "authorized}]\n  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 63, "'of: authorized' needs the agreement's 'authorized'"},
    {HEAD "  deductions: [{name: host, rate: 0.02, to: cancellation}]\n"
          "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 23, "'host' is a ledger column already"},
    {HEAD "  deductions: [{name: a, rate: 0.02, to: host}, {name: a, rate: "
          "0.02, to: host}]\n  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 5, 56, "two deductions are named 'a'"},
    {"project: proj\nhost: KHM\nallocation:\n  buyer: KHM\n"
     "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 4, 10, "the buyer 'KHM' is the host"},
    {"project: proj\nhost: KHM\nallocation:\n  buyer: Korea\n"
     "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 4, 10, "ISO 3166-1 alpha-3 code such as KOR, not 'Korea'"},
    {"project: proj\nhost: KHM\nallocation:\n  host: LAO\n  buyer: KOR\n"
     "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 4, 9, "is not the project's host 'KHM'"},
    {"project: proj\nallocation:\n  buyer: KOR\n"
     "  split: {buyer_share: 0.5}\n",
     MRV_ESCHEMA, 3, 3, "has no 'host' and the project names none"},
    {"project: proj\nhost: KHM\nallocation:\n  buyer: KOR\n", MRV_ESCHEMA, 4, 3,
     "'allocation' has no 'split'"},
    {"project: proj\nhost: KHM\nallocation: [KOR]\n", MRV_ESCHEMA, 3, 13,
     "'allocation' must be a mapping, not a sequence"},
    {HEAD "  split: {buyer_share: 0.5}\n  authorized: {2030: 5, 2040: 5}\n",
     MRV_EDOMAIN, 6, 25, "vintage 2040 in 'authorized' is outside"},
    {HEAD "  basis: lowest\n  split: {buyer_share: 0.5}\n", MRV_ESCHEMA, 5, 10,
     "'basis' must be central, mean or lower, not 'lowest' (did you "
     "mean 'lower'?)"},
    {HEAD "  split: {buyer_share: 0.5}\nconservativeness: ar-tool14\n",
     MRV_ESCHEMA, 6, 19, "(did you mean 'ar_tool14'?)"},
    {HEAD "  split: {buyer_share: 0.5}\n"
          "conservativeness: {rule: fcpf, confidence: 0.9}\n",
     MRV_ESCHEMA, 6, 32, "'confidence' applies to the lower_bound rule only"},
    {HEAD "  split: {buyer_share: 0.5}\n"
          "conservativeness: {rule: lower_bound, confidence: 1.2}\n",
     MRV_EDOMAIN, 6, 51, "at least 0.5 and below 1"},
    {HEAD "  split: {buyer_share: 0.5}\nconservativeness: ar_tool14\n",
     MRV_EDOMAIN, 6, 19, "reads the spread of the Monte Carlo draws"},
    {HEAD "  basis: lower\n  split: {buyer_share: 0.5}\n"
          "meth_conservativeness: fcpf\n",
     MRV_ESCHEMA, 5, 10, "'basis: lower' is a conservativeness rule itself"},
};

static void test_ledger_bad_agreements(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100, 100};
    int nfail = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fx->run.draws = 0;
        fx->run.reduction_draws = NULL;
        mrv_status st = build(fx, bad[i].yaml, 2030, 2, est);
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        char msg[512] = "";
        if (e) mrv_diag_format(e, msg, sizeof msg);
        if (st != bad[i].st || !e) {
            print_error("case %zu: %s, want %s: %s\n", i, mrv_status_name(st),
                        mrv_status_name(bad[i].st), msg);
            nfail++;
            continue;
        }
        assert_null(fx->run.ledger);
        if (e->pos.line != bad[i].line || e->pos.col != bad[i].col ||
            !strstr(msg, bad[i].msg)) {
            print_error("case %zu: %s\nwant %u:%u and '%s'\n", i, msg,
                        bad[i].line, bad[i].col, bad[i].msg);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
    /* Several errors of one agreement come in one pass. */
    build(fx,
          HEAD "  deductions: [{name: a, rate: 2, to: nowhere}]\n"
               "  split: {buyer_share: 3}\n",
          2030, 2, est);
    assert_int_equal(mrv_diag_error_count(fx->diag), 3);
}

/* The terms are checked when they are loaded, before any result exists
** (so 'mrv check' finds the same errors as 'mrv run'); only whether the
** run has the draws a rule reads is left to the ledger, since --draws can
** change it. */
static void test_ledger_terms_checked_at_load(void **state)
{
    struct fixture *fx = *state;
    static const double est[] = {100, 100};
    assert_status(load_terms(fx, HEAD "  split: {buyer_share: 2}\n", 2030, 2),
                  MRV_EDOMAIN);
    assert_int_equal(mrv_diag_first(fx->diag)->pos.line, 5);
    assert_int_equal(mrv_diag_first(fx->diag)->pos.col, 24);
    assert_null(fx->pj.allocation);
    /* A rule without draws loads, and fails only when the ledger is
    ** built on a run without draws. */
    const char *rule = HEAD "  split: {buyer_share: 0.5}\n"
                            "conservativeness: ar_tool14\n";
    assert_status(load_terms(fx, rule, 2030, 2), MRV_OK);
    assert_non_null(fx->pj.allocation);
    assert_non_null(fx->pj.conservativeness);
    assert_int_equal(fx->pj.conservativeness->rule, MRV_RULE_AR_TOOL14);
    assert_status(build(fx, rule, 2030, 2, est), MRV_EDOMAIN);
    assert_null(fx->run.ledger);
    /* Without an allocation the rules are still read. */
    assert_status(load_terms(fx,
                             "project: proj\nhost: KHM\n"
                             "meth_conservativeness: {rule: fcpf, "
                             "precision: 0.1}\n",
                             2030, 2),
                  MRV_ESCHEMA);
    assert_int_equal(mrv_diag_first(fx->diag)->pos.line, 3);
    assert_int_equal(mrv_diag_first(fx->diag)->pos.col, 37);
}

/* ---- the property test ------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: fixed seed, reproducible everywhere. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static int64_t rnd(uint64_t *s, int64_t n) /* 0 .. n - 1 */
{
    return (int64_t)(rng_next(s) % (uint64_t)n);
}

static mrv_dec rnd_rate(uint64_t *s)
{
    mrv_dec r;
    int64_t p = 1;
    if (rnd(s, 4) == 0) {
        /* A fraction: any denominator up to 10^18. */
        p = 1 + rnd(s, rnd(s, 2) ? 1000 : 1000000000000000000LL);
    } else {
        unsigned k = (unsigned)rnd(s, MRV_DEC_MAX_DIGITS + 1);
        for (unsigned i = 0; i < k; i++) p *= 10;
    }
    r.den = p;
    switch (rnd(s, 6)) {
    case 0:
        r.num = 0;
        break;
    case 1:
        r.num = p;
        break; /* 1 */
    case 2:
        r.num = rnd(s, p / 10 + 1);
        break; /* small */
    default:
        r.num = rnd(s, p + 1);
        break;
    }
    return r;
}

/* rate x base by an independent route, without dividing: an estimate
** in long double, moved until q den <= num base < (q + 1) den holds in
** 128-bit products, then rounded by the remainder. */
static int64_t mul128(mrv_dec r, int64_t base, mrv_rounding rd)
{
    __extension__ typedef unsigned __int128 u128;
    u128 x = (u128)r.num * (u128)base, den = (u128)r.den;
    long double est =
        floorl((long double)r.num * (long double)base / (long double)r.den);
    u128 q = est > 0 ? (u128)est : 0;
    while (q > 0 && q * den > x) q--;
    while ((q + 1) * den <= x) q++;
    u128 f = x - q * den;
    if (rd == MRV_ROUND_CEIL && f) q++;
    if (rd == MRV_ROUND_NEAREST && 2 * f >= den) q++;
    return (int64_t)q;
}

/* A block id read back as documented: HOST is the three letters before
** the first '-', LAST, FIRST and VINTAGE the digits after the last three,
** and the project id everything between, '-' and all. */
static void check_block_parse(const char *block, const char *host,
                              const char *project, int vint, long long first,
                              long long last)
{
    const char *end = block + strlen(block), *cut[3];
    for (int k = 0; k < 3; k++) {
        do end--;
        while (end > block && *end != '-');
        cut[k] = end;
    }
    assert_true(strlen(block) > 4 && block[3] == '-' && cut[2] > block + 4);
    assert_memory_equal(block, host, 3);
    assert_int_equal((size_t)(cut[2] - (block + 4)), strlen(project));
    assert_memory_equal(block + 4, project, strlen(project));
    assert_int_equal(atoi(cut[2] + 1), vint);
    assert_int_equal(atoll(cut[1] + 1), first);
    assert_int_equal(atoll(cut[0] + 1), last);
}

/* Checks serials.csv for one ledger: per vintage, blocks start at 1, are
** contiguous and non-overlapping, count what they name, cover exactly
** the units issued, and follow the ledger's columns. */
static void check_serials(const mrv_ledger *l)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    char *text = written(mrv_ledger_serials_csv, l);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    assert_string_equal(line, MRV_SERIALS_HEADER);
    size_t v = 0, c = 0;
    int64_t next = 1;
    while ((line = strtok_r(NULL, "\n", &save))) {
        int vint;
        long long first, last, count;
        char account[64], block[256];
        if (sscanf(line, "%d,%63[^,],%lld,%lld,%lld,%255s", &vint, account,
                   &first, &last, &count, block) != 6)
            fail_msg("bad row '%s'", line);
        /* Skip vintages and columns with nothing; a skipped vintage must
        ** have been fully covered. */
        while ((size_t)(vint - l->first) > v) {
            if (next - 1 != l->issued[v])
                fail_msg("vintage %zu: blocks cover %lld of %lld", v,
                         (long long)(next - 1), (long long)l->issued[v]);
            v++;
            c = 0;
            next = 1;
        }
        while (c < nc &&
               (l->cells[v * nc + c] == 0 || (c < a->nded && !a->ded[c].units)))
            c++;
        assert_true(c < nc);
        assert_int_equal(first, next);
        assert_int_equal(count, l->cells[v * nc + c]);
        assert_int_equal(last, first + count - 1);
        const char *acc = c < a->nded    ? a->ded[c].to
                          : c == a->nded ? a->host
                                         : a->buyer;
        assert_string_equal(account, acc);
        char want[256];
        snprintf(want, sizeof want, "%s-%s-%d-%lld-%lld", a->host, l->project,
                 vint, first, last);
        assert_string_equal(block, want);
        check_block_parse(block, a->host, l->project, vint, first, last);
        next = last + 1;
        c++;
    }
    for (; v < l->nvint; v++, next = 1)
        if (next - 1 != l->issued[v])
            fail_msg("vintage %zu: blocks cover %lld of %lld", v,
                     (long long)(next - 1), (long long)l->issued[v]);
    free(text);
}

static void test_ledger_property_random_agreements(void **state)
{
    (void)state;
    uint64_t seed = 20250718;
    static const char *const accounts[] = {"adaptation_fund", "cancellation",
                                           "buffer_pool", "host"};
    for (int iter = 0; iter < 10000; iter++) {
        mrv_ledger l;
        memset(&l, 0, sizeof l);
        mrv_agreement *a = &l.agr;
        size_t nv = 1 + (size_t)rnd(&seed, MAXV);
        int64_t issued[MAXV + 1] = {0}, authv[MAXV];
        int64_t cells[(MAXV + 1) * (MRV_LEDGER_MAX_DEDUCTIONS + 2)];
        int64_t authorized[MAXV];
        int64_t total = 0;
        for (size_t v = 0; v < nv; v++) {
            switch (rnd(&seed, 5)) {
            case 0:
                issued[v] = 0;
                break;
            case 1:
                issued[v] = rnd(&seed, 60);
                break;
            case 2:
                issued[v] = rnd(&seed, 100000);
                break;
            case 3:
                issued[v] = rnd(&seed, 1000000000000LL);
                break;
            default:
                issued[v] = rnd(&seed, 5) == 0 ? MRV_LEDGER_MAX_TONNES
                                               : rnd(&seed, 1000);
            }
            total += issued[v];
            authv[v] = rnd(&seed, issued[v] + 10);
        }
        a->host = "KHM";
        a->buyer = "KOR";
        a->auth = (mrv_auth)rnd(&seed, 3);
        a->auth_total = rnd(&seed, total + 10);
        a->auth_v = authv;
        a->nded = (size_t)rnd(&seed, 6);
        for (size_t j = 0; j < a->nded; j++) {
            mrv_deduction *d = &a->ded[j];
            d->name = "d";
            d->to = accounts[rnd(&seed, 4)];
            d->to_host = strcmp(d->to, "host") == 0;
            d->rate = rnd_rate(&seed);
            d->rounding = (mrv_rounding)rnd(&seed, 3);
            d->of = (mrv_dbase)rnd(&seed, a->auth ? 3 : 2);
            d->units = rnd(&seed, 5) != 0;
            /* Keep the agreement valid: what does not fit is dropped. */
            mrv_dec sum;
            if (!mrv_agreement_rates_ok(a, &sum)) d->rate.num = 0;
        }
        a->split = (mrv_split)rnd(&seed, 3);
        a->share = rnd_rate(&seed);
        a->share_rounding = (mrv_rounding)rnd(&seed, 3);
        a->volume = rnd(&seed, total + total / 2 + 2);

        mrv_ledger_waterfall(a, nv, issued, cells, authorized);
        size_t nc = MRV_LEDGER_NCOLS(a);
        int64_t cum_rem = 0, cum_buyer = 0, cum_host = 0;
        for (size_t v = 0; v < nv; v++) {
            const int64_t *row = cells + v * nc;
            int64_t sum = 0, rem = issued[v], from_auth = 0;
            for (size_t c = 0; c < nc; c++) {
                if (row[c] < 0) fail_msg("iter %d: negative entry", iter);
                if (c < a->nded && !a->ded[c].units) continue;
                sum += row[c];
            }
            if (sum != issued[v])
                fail_msg("iter %d vintage %zu: %lld units, %lld issued", iter,
                         v, (long long)sum, (long long)issued[v]);
            assert_true(authorized[v] >= 0 && authorized[v] <= issued[v]);
            /* Each deduction is rate x base, rounded as asked, unless
            ** trimmed to what remains. */
            for (size_t j = 0; j < a->nded; j++) {
                const mrv_deduction *d = &a->ded[j];
                int64_t base = d->of == MRV_OF_ISSUED      ? issued[v]
                               : d->of == MRV_OF_REMAINING ? rem
                                                           : authorized[v];
                int64_t want = mul128(d->rate, base, d->rounding);
                if (d->units && want > rem) want = rem;
                if (row[j] != want)
                    fail_msg("iter %d: deduction %zu is %lld, want %lld", iter,
                             j, (long long)row[j], (long long)want);
                if (d->units) {
                    rem -= row[j];
                    if (d->of == MRV_OF_AUTHORIZED) from_auth += row[j];
                }
            }
            int64_t buyer = row[a->nded + 1], host = row[a->nded];
            if (a->auth != MRV_AUTH_NONE)
                assert_true(buyer <= authorized[v] - from_auth || buyer == 0);
            cum_rem += rem;
            cum_buyer += buyer;
            cum_host += host;
            if (a->auth != MRV_AUTH_NONE) continue;
            /* Without a cap the split's own rule holds to the tonne. */
            int64_t want_buyer = 0;
            switch (a->split) {
            case MRV_SPLIT_SHARE:
                want_buyer = mul128(a->share, cum_rem, a->share_rounding);
                break;
            case MRV_SPLIT_BUYER_VOLUME:
                want_buyer = cum_rem < a->volume ? cum_rem : a->volume;
                break;
            case MRV_SPLIT_HOST_VOLUME:
                want_buyer =
                    cum_rem - (cum_rem < a->volume ? cum_rem : a->volume);
                break;
            }
            if (cum_buyer != want_buyer)
                fail_msg("iter %d vintage %zu: buyer has %lld, want %lld", iter,
                         v, (long long)cum_buyer, (long long)want_buyer);
        }
        (void)cum_host;
        /* The serial blocks, through the real writer. */
        /* An id with '-' and digits in it still reads back from its
        ** blocks. */
        l.project = "p-2030-1-9";
        l.first = 2030;
        l.nvint = nv;
        l.issued = issued;
        l.cells = cells;
        check_serials(&l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledger_decimal_exact),
        cmocka_unit_test(test_ledger_fraction_exact),
        cmocka_unit_test_setup_teardown(test_ledger_article64_levies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_rate_read_exactly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_negative_estimate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_buyer_volume_mid_period,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_host_volume_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_share_cumulative_rounding,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_statutory_host_share, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_authorized_and_remaining,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_levy_in_value, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_ceil_never_overdraws, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_buffer_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_rule_ar_tool14, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_rule_fcpf_and_art_trees,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_rule_lower_bound, setup,
                                        teardown),
        cmocka_unit_test(test_ledger_whole_tonnes_after_rounding),
        cmocka_unit_test(test_ledger_issue_carry),
        cmocka_unit_test_setup_teardown(test_ledger_reversal_left_at_end, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_rule_band_edge, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_basis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_monte_carlo_allocation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_period_and_draws_capped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_bad_agreements, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ledger_terms_checked_at_load,
                                        setup, teardown),
        cmocka_unit_test(test_ledger_property_random_agreements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
