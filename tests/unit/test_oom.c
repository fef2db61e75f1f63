/*
** test_oom.c -- every allocation of a whole run failing in turn.
**
** test_arena.c fails each allocation the arena makes; most of a run's
** memory bypasses the arena (lowering's tables, the Monte Carlo's
** columns and workers, the statistics' workspaces, the ledger's per-draw
** arrays, the diagnostics).  This binary is linked with
** -Wl,--wrap=malloc,... (Makefile), so every malloc, calloc, realloc and
** strdup the library makes comes here first and can be made to fail.
** Only the library's own calls are wrapped: libc, libyaml, GSL and
** cmocka allocate as usual.
**
** A run with Monte Carlo draws (Latin hypercube), a conservativeness
** rule, an allocation and a sweep, then its report.json, is done once to
** count its allocations, then once with each of them failing.  Each time
** the status must be MRV_ENOMEM with no error posing as an input error,
** and nothing may leak.  A second run does the same for a project whose
** names are looked up through maps (members from a data file, member
** maps, a member-keyed factor reference, the inputs list).
*/
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "ledger.h"
#include "report.h"
#include "run.h"
#include "strmap.h"
#include "verify.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

/* ---- the wrapped allocator --------------------------------------------- */

/* Live blocks the library allocated, by address: an open-addressed set
** (tombstones for removals), big enough for a small run. */
#define SET_BITS 20
#define SET_SIZE ((size_t)1 << SET_BITS)
#define TOMB     ((void *)1)

static struct {
    bool armed;     /* counting and failing */
    size_t n;       /* allocations counted since armed */
    size_t fail_at; /* 0: none fails */
    bool failed;    /* the one meant to fail did */
    size_t live;    /* blocks in the set */
    void **set;     /* SET_SIZE slots */
} g;

static size_t slot_of(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> (64 - SET_BITS));
}

static void set_add(void *p)
{
    size_t i = slot_of(p);
    while (g.set[i] && g.set[i] != TOMB) i = (i + 1) & (SET_SIZE - 1);
    g.set[i] = p;
    g.live++;
}

/* Removes p when the set holds it; false for blocks made elsewhere. */
static bool set_remove(const void *p)
{
    for (size_t i = slot_of(p);; i = (i + 1) & (SET_SIZE - 1)) {
        if (!g.set[i]) return false;
        if (g.set[i] == p) {
            g.set[i] = TOMB;
            g.live--;
            return true;
        }
    }
}

/* Whether this allocation must fail. */
static bool refuse(void)
{
    if (!g.armed) return false;
    if (++g.n != g.fail_at) return false;
    g.failed = true;
    return true;
}

static void *track(void *p)
{
    if (p && g.armed) set_add(p);
    return p;
}

void *__wrap_malloc(size_t n)
{
    return refuse() ? NULL : track(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
    return refuse() ? NULL : track(__real_calloc(n, size));
}

void *__wrap_realloc(void *p, size_t n)
{
    if (refuse()) return NULL;
    bool ours = p && set_remove(p);
    void *q = __real_realloc(p, n);
    if (!q && ours) set_add(p); /* the old block is still there */
    if (q && (ours || g.armed)) set_add(q);
    return q;
}

void __wrap_free(void *p)
{
    if (p) set_remove(p);
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    return refuse() ? NULL : track(__real_strdup(s));
}

/* ---- the run ----------------------------------------------------------- */

static const char meth[] =
    "methodology: oom\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  N:  {unit: vehicle, over: [vintage, fleet]}\n"
    "  DD: {unit: km/yr, over: [fleet]}\n"
    "  EF: {unit: kg/km, default: {value: 0.2, uncertainty: 10%}}\n"
    "equations:\n"
    "  KM: {unit: km/yr, formula: \"sum(i in fleet: N[i] * DD[i])\"}\n"
    "  BE: {unit: t, formula: \"KM * EF\"}\n"
    "  PE: {unit: t, formula: \"BE * 0.4\"}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char project[] =
    "project: oom\n"
    "methodology: ./m.yaml\n"
    "host: KHM\n"
    "crediting_period: {first: 2025, last: 2027}\n"
    "dimensions: {fleet: [car, bus]}\n"
    "parameters:\n"
    "  N: {car: {2025: 1000, 2026: 2000, 2027: 3000}, bus: 50}\n"
    "  DD: {value: {car: 10000, bus: 40000}, uncertainty: 5%, "
    "vary: member}\n"
    "monte_carlo: {draws: 600, seed: 7, method: lhs}\n"
    "conservativeness: ar_tool14\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  deductions: [{name: sop, rate: 0.05, to: adaptation_fund}]\n"
    "  split: {buyer_share: 0.5}\n";

/* Names looked up through maps (strmap.h): members read from a data
** file, member maps, a member-keyed factor reference into a table of the
** project's own, and the inputs list that finds the entries it used. */
static const char meth_lookups[] =
    "methodology: oom2\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  N:  {unit: vehicle, over: [fleet]}\n"
    "  DD: {unit: km/yr, over: [fleet]}\n"
    "  EF: {unit: kg/km, over: [fleet]}\n"
    "equations:\n"
    "  BE: {unit: t, formula: \"sum(i in fleet: N[i] * DD[i] * EF[i])\"}\n"
    "  PE: {unit: t, formula: \"BE * 0.4\"}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char table_lookups[] =
    "table: oomt\n"
    "source: a test table\n"
    "entries:\n"
    "  ef.car: {value: 0.2, unit: kg/km, uncertainty: 10%}\n"
    "  ef.bus: {value: 1.1, unit: kg/km}\n"
    "  ef.van: {value: 0.3, unit: kg/km}\n";

static const char project_lookups[] =
    "project: oom2\n"
    "methodology: ./m2.yaml\n"
    "host: KHM\n"
    "crediting_period: {first: 2025, last: 2027}\n"
    "factors: [t.yaml]\n"
    "dimensions: {fleet: {csv: fleet.csv, column: id}}\n"
    "parameters:\n"
    "  N: {car: 1000, bus: 50, van: 20}\n"
    "  DD: {value: {car: 10000, bus: 40000, van: 20000}, uncertainty: 5%, "
    "vary: member}\n"
    "  EF: oomt/ef.{fleet}\n"
    "monte_carlo: {draws: 600, seed: 7}\n"
    "allocation:\n"
    "  buyer: KOR\n"
    "  split: {buyer_share: 0.5}\n";

/* Runs, sweeps and writes report.json; returns the first failure. */
static mrv_status whole_run(const char *path, mrv_diag *d)
{
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.threads = 1; /* the allocations in one order */
    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(path, &opt, &run, d);
    if (st != MRV_OK) {
        assert_null(run);
        return st;
    }
    mrv_sweep *sw = NULL;
    st = mrv_ledger_sweep(run, "split.buyer_share=0.4:0.6:0.1", &sw, d);
    mrv_sweep_free(sw);
    if (st == MRV_OK) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        if (!mrv_report_json(run, f)) st = MRV_ENOMEM;
        fclose(f);
        __real_free(text);
    }
    mrv_run_free(run);
    return st;
}

typedef mrv_status (*work_fn)(const char *path, mrv_diag *d);

/* Runs 'work' once to count its allocations, then once with each of
** them failing.  With 'may_absorb', a failure may also end in MRV_OK
** when the work found another way to the same complete result (verify
** checks a path against its search folders when checking it against the
** current folder ran out of memory). */
static void every_failure(const char *path, work_fn work, bool may_absorb)
{
    /* Once to count. */
    mrv_diag *d = mrv_diag_new();
    assert_non_null(d);
    g.armed = true;
    g.n = g.fail_at = 0;
    mrv_status st = work(path, d);
    g.armed = false;
    if (st != MRV_OK) fail_msg("the work itself failed: %s", fx_first_msg(d));
    mrv_diag_free(d); /* its warnings are the only blocks left */
    size_t total = g.n;
    assert_int_equal(g.live, 0);
    /* Hundreds: the arena's chunks, lowering's tables, the Monte Carlo's
    ** workers, the ledger. */
    assert_true(total > 100);

    size_t bad = 0;
    for (size_t n = 1; n <= total; n++) {
        d = mrv_diag_new();
        assert_non_null(d);
        memset(g.set, 0, SET_SIZE * sizeof *g.set);
        g.live = 0;
        g.n = 0;
        g.fail_at = n;
        g.failed = false;
        g.armed = true;
        st = work(path, d);
        g.armed = false;
        const char *why = NULL;
        if (!g.failed)
            why = "the allocation was not reached";
        else if (st != MRV_ENOMEM && !(st == MRV_OK && may_absorb))
            why = mrv_status_name(st);
        for (size_t i = 0; !why && i < mrv_diag_count(d); i++) {
            const mrv_diag_entry *e = mrv_diag_get(d, i);
            if (e->sev == MRV_SEV_ERROR && e->code != MRV_ENOMEM)
                why = e->msg; /* out of memory posing as bad input */
        }
        /* Both copied: 'why' may be an entry of the sink freed here. */
        char first[256], because[256];
        snprintf(first, sizeof first, "%s", fx_first_msg(d));
        snprintf(because, sizeof because, "%s", why ? why : "");
        mrv_diag_free(d);
        if (!why && g.live != 0) why = "blocks leaked";
        if (why && bad++ < 20)
            print_message("failing allocation %zu of %zu: %s (%s; %zu "
                          "live)\n",
                          n, total, because[0] ? because : why, first, g.live);
    }
    if (bad) fail_msg("%zu of %zu failing allocations mishandled", bad, total);
}

/* 'mrv verify' of the report the run writes (made before any failure),
** re-running the project at 'path': the JSON reader, the re-run and the
** comparison. */
static char *report_path;

static mrv_status verify_it(const char *path, mrv_diag *d)
{
    mrv_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.report = report_path;
    vo.project = path;
    vo.search = fx_search();
    vo.threads = 1;
    vo.quiet = true;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    mrv_verify_result res;
    mrv_status st = mrv_verify(&vo, out, &res, d);
    fclose(out);
    __real_free(text);
    /* Running out of memory is a failure, never a difference found. */
    if (st == MRV_OK && !res.identical) st = MRV_EINTERNAL;
    return st;
}

static void test_oom_every_allocation(void **state)
{
    (void)state;
    g.set = __real_calloc(SET_SIZE, sizeof *g.set);
    assert_non_null(g.set);
    char *dir = fx_mkdtemp();
    __real_free(fx_write(dir, "m.yaml", meth));
    char *path = fx_write(dir, "p.yaml", project);
    every_failure(path, whole_run, false);

    /* The report, written with nothing failing; verify reads paths as
    ** the run was given them, relative to the current folder. */
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    mrv_run *run = NULL;
    mrv_diag *d = mrv_diag_new();
    assert_status(mrv_run_new(path, &opt, &run, d), MRV_OK);
    report_path = fx_path(dir, "report.json");
    FILE *f = fopen(report_path, "w");
    assert_non_null(f);
    assert_true(mrv_report_json(run, f));
    fclose(f);
    mrv_run_free(run);
    mrv_diag_free(d);
    every_failure(path, verify_it, true);

    __real_free(report_path);
    __real_free(path);
    fx_rmtree(dir);
    __real_free(dir);
    __real_free(g.set);
}

/* A map whose growth fails is left as it was, and stays failed. */
static void test_oom_strmap_unchanged(void **state)
{
    (void)state;
    g.set = __real_calloc(SET_SIZE, sizeof *g.set);
    assert_non_null(g.set);
    static const char *const keys[] = {"k0", "k1", "k2", "k3", "k4",
                                       "k5", "k6", "k7", "k8"};
    mrv__strmap m;
    /* The first key's arrays. */
    mrv__strmap_init(&m);
    g.n = 0;
    g.fail_at = 1;
    g.armed = true;
    assert_int_equal(mrv__strmap_add(&m, "k0"), SIZE_MAX);
    g.armed = false;
    assert_true(m.failed);
    assert_int_equal(m.n, 0);
    assert_int_equal(mrv__strmap_get(&m, "k0"), SIZE_MAX);
    assert_int_equal(mrv__strmap_add(&m, "k0"), SIZE_MAX); /* sticky */
    mrv__strmap_free(&m);

    /* Eight keys fill the first table (16 slots) to half; the ninth
    ** needs a new table, and that allocation fails. */
    mrv__strmap_init(&m);
    assert_true(mrv__strmap_add_all(&m, keys, 8));
    assert_int_equal(m.cap, 16);
    g.n = 0;
    g.fail_at = 1;
    g.armed = true;
    assert_int_equal(mrv__strmap_add(&m, keys[8]), SIZE_MAX);
    g.armed = false;
    assert_true(g.failed);
    assert_true(m.failed);
    assert_int_equal(m.n, 8);
    assert_int_equal(m.cap, 16);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(mrv__strmap_get(&m, keys[i]), i);
    assert_int_equal(mrv__strmap_get(&m, keys[8]), SIZE_MAX);
    assert_int_equal(mrv__strmap_add(&m, keys[8]), SIZE_MAX);
    assert_false(mrv__strmap_add_all(&m, keys, 1));
    mrv__strmap_free(&m);
    g.failed = false;
    __real_free(g.set);
}

static void test_oom_every_allocation_of_lookups(void **state)
{
    (void)state;
    g.set = __real_calloc(SET_SIZE, sizeof *g.set);
    assert_non_null(g.set);
    char *dir = fx_mkdtemp();
    __real_free(fx_write(dir, "m2.yaml", meth_lookups));
    __real_free(fx_write(dir, "t.yaml", table_lookups));
    __real_free(fx_write(dir, "fleet.csv", "id\ncar\nbus\nvan\n"));
    char *path = fx_write(dir, "p.yaml", project_lookups);
    every_failure(path, whole_run, false);
    __real_free(path);
    fx_rmtree(dir);
    __real_free(dir);
    __real_free(g.set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_every_allocation),
        cmocka_unit_test(test_oom_strmap_unchanged),
        cmocka_unit_test(test_oom_every_allocation_of_lookups),
    };
    return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
