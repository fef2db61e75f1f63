/*
** test_arena.c -- the bump allocator and growable vectors: zeroing,
** alignment, overflow checks, the sticky failure flag, and the pluggable
** allocation function.  The last tests use that function as Lua's
** Memcontrol does: fail the Nth allocation of a whole load, for every N,
** and check that each attempt ends in MRV_ENOMEM (never a crash, another
** status or a bogus input error) and gives every block back.
*/
#include "testutil.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fixture.h"
#include "run.h"

/* An allocation function that counts, keeps track of live blocks and
** fails allocation number 'fail_at' (1-based; 0: never). */
typedef struct limit {
    size_t n;
    size_t fail_at;
    size_t live;
    bool failed;
} limit;

static void *limited(void *ud, void *ptr, size_t osize, size_t nsize)
{
    limit *l = ud;
    (void)osize;
    if (nsize == 0) {
        if (ptr) {
            free(ptr);
            l->live--;
        }
        return NULL;
    }
    if (++l->n == l->fail_at) {
        l->failed = true;
        return NULL;
    }
    void *p = malloc(nsize);
    if (p) l->live++;
    return p;
}

static void test_arena_alloc_zeroed_aligned(void **state)
{
    (void)state;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    assert_non_null(a);
    static const size_t sizes[] = {1, 3, 8, 17, 100, 4096, 70000, 0, 5};
    size_t total = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = mrv_arena_alloc(a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        for (size_t j = 0; j < sizes[i]; j++) assert_int_equal(p[j], 0);
        memset(p, 0xAB, sizes[i]); /* ASan: the whole block is ours */
        total += sizes[i];
    }
    assert_true(mrv_arena_used(a) >= total);
    assert_false(mrv_arena_failed(a));
    mrv_arena_free(a);
    mrv_arena_free(NULL);
}

static void test_arena_strings(void **state)
{
    (void)state;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    assert_string_equal(mrv_arena_strdup(a, "fleet"), "fleet");
    assert_null(mrv_arena_strdup(a, NULL));
    assert_string_equal(mrv_arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(mrv_arena_printf(a, "%s/%d", "t", 42), "t/42");
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_string_equal(mrv_arena_printf(a, "%s", big), big);
    int v[3] = {1, 2, 3};
    int *w = mrv_arena_memdup(a, v, sizeof v);
    assert_memory_equal(w, v, sizeof v);
    assert_false(mrv_arena_failed(a));
    mrv_arena_free(a);
}

static void test_arena_overflow_is_sticky(void **state)
{
    (void)state;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    assert_non_null(mrv_arena_alloc(a, 16));
    assert_null(mrv_arena_array(a, SIZE_MAX / 2, 4));
    assert_true(mrv_arena_failed(a));
    /* Once failed, every later request fails too (SQLite's mallocFailed),
    ** so a long build can test once at the end. */
    assert_null(mrv_arena_alloc(a, 1));
    assert_null(mrv_arena_strdup(a, "x"));
    assert_null(mrv_arena_printf(a, "%d", 1));
    mrv_arena_free(a);

    a = mrv_arena_new(NULL, NULL);
    assert_null(mrv_arena_alloc(a, SIZE_MAX - 2));
    assert_true(mrv_arena_failed(a));
    mrv_arena_free(a);
    a = mrv_arena_new(NULL, NULL);
    assert_null(mrv_arena_strndup(a, "x", SIZE_MAX));
    assert_true(mrv_arena_failed(a));
    mrv_arena_free(a);
    assert_true(mrv_arena_failed(NULL));
    assert_null(mrv_arena_alloc(NULL, 1));
}

static void test_arena_allocator_hook(void **state)
{
    (void)state;
    /* The arena itself is the first allocation. */
    limit l = {0, 1, 0, false};
    assert_null(mrv_arena_new(limited, &l));
    assert_int_equal(l.live, 0);

    l = (limit){0, 3, 0, false};
    mrv_arena *a = mrv_arena_new(limited, &l);
    assert_non_null(a);
    assert_non_null(mrv_arena_alloc(a, 10)); /* chunk: allocation 2 */
    assert_non_null(mrv_arena_alloc(a, 10)); /* same chunk */
    assert_null(mrv_arena_alloc(a, 100000)); /* own chunk: number 3 */
    assert_true(mrv_arena_failed(a));
    assert_null(mrv_arena_alloc(a, 1));
    assert_int_equal(l.n, 3); /* no retry after failure */
    mrv_arena_free(a);
    assert_int_equal(l.live, 0);

    /* A big block goes behind the current chunk, whose room stays
    ** usable: two small blocks after it need no new chunk. */
    l = (limit){0, 0, 0, false};
    a = mrv_arena_new(limited, &l);
    assert_non_null(mrv_arena_alloc(a, 8));
    assert_non_null(mrv_arena_alloc(a, 200000));
    size_t before = l.n;
    assert_non_null(mrv_arena_alloc(a, 8));
    assert_non_null(mrv_arena_alloc(a, 8));
    assert_int_equal(l.n, before);
    mrv_arena_free(a);
    assert_int_equal(l.live, 0);
}

static void test_arena_vec(void **state)
{
    (void)state;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_vec v;
    mrv_vec_init(&v, sizeof(int));
    for (int i = 0; i < 1000; i++) assert_true(mrv_vec_push(&v, &i));
    assert_int_equal(v.n, 1000);
    assert_int_equal(MRV_VEC_AT(&v, int, 999), 999);
    int *frozen = mrv_vec_freeze(&v, a);
    assert_non_null(frozen);
    for (int i = 0; i < 1000; i++) assert_int_equal(frozen[i], i);
    assert_int_equal(v.n, 0); /* reset, own memory freed */
    assert_null(v.data);
    assert_null(mrv_vec_freeze(&v, a)); /* empty */
    mrv_vec_init(&v, sizeof(int));
    int x = 7;
    mrv_vec_push(&v, &x);
    mrv_vec_free(&v);
    assert_null(v.data);
    assert_int_equal(v.n, 0);
    mrv_arena_free(a);
}

/* ---- failing the Nth allocation of a whole load ------------------------ */

static const char oom_meth[] =
    "methodology: oom\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  N:   {unit: vehicle, over: [vintage, fleet], fill: hold}\n"
    "  DD:  {unit: km/yr, over: [fleet]}\n"
    "  EF:  {unit: tCO2/TJ, default: tbl/ef}\n"
    "  E:   {unit: TJ/km, bounds: [0, 1]}\n"
    "  G:   {unit: 1, over: [vintage], fill: linear}\n"
    "equations:\n"
    "  S:  {unit: t, formula: \"S[y - 1] * 0.5 + BE\", initial: 0}\n"
    "  BE: {unit: tCO2e, formula: \"sum(i in fleet: N[i] * DD[i]) * E * "
    "EF\"}\n"
    "  PE: {unit: tCO2e, formula: \"if(BE > 0, BE * G, 0) + "
    "sum(x in first - 1 .. y - 1: S[x]) * 0.01\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"max(BE - PE - LE, 0 * BE)\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char oom_table[] =
    "table: tbl\n"
    "source: made up\n"
    "entries:\n"
    "  ef: {value: 69300, unit: kg/TJ, uncertainty: {dist: triangular, "
    "min: 67500, max: 73000}}\n";

static const char oom_project[] =
    "project: oom\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {start: 2025-07-01, end: 2027-12-31}\n"
    "factors: [./t.yaml]\n"
    "dimensions:\n"
    "  fleet: [a, b]\n"
    "parameters:\n"
    "  N: {a: {2025: 10, 2026: 20}, b: {value: 5, uncertainty: 10%}}\n"
    "  DD: {value: {a: 25 km/d, b: 9000}, uncertainty: {dist: normal, "
    "sd: 0.1, relative: true}}\n"
    "  E: {value: 0.000001, uncertainty: {dist: uniform, min: 0.0000009, "
    "max: 0.0000011}}\n"
    "  G: {2025: 0.1, 2027: 0.3}\n";

typedef mrv_status (*load_fn)(const char *path, const mrv_search *s,
                              mrv_diag *d);

static mrv_status load_run(const char *path, const mrv_search *s, mrv_diag *d)
{
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = *s;
    opt.draws_set = true; /* the central case: no Monte Carlo here */
    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(path, &opt, &run, d);
    if (st == MRV_OK) {
        assert_non_null(run);
        assert_true(isfinite(run->stats[run->nvint * MRV_NRESULTS].central));
    } else {
        assert_null(run);
    }
    mrv_run_free(run);
    return st;
}

static mrv_status load_check(const char *path, const mrv_search *s, mrv_diag *d)
{
    return mrv_check_file(path, s, d);
}

/* Runs 'load' once without failures to count its allocations, then once
** for each N failing allocation N. */
static void every_failure(const char *path, load_fn load)
{
    mrv_search s = fx_search();
    mrv_diag *d = mrv_diag_new();
    limit l = {0, 0, 0, false};
    s.alloc = limited;
    s.alloc_ud = &l;
    assert_status(load(path, &s, d), MRV_OK);
    assert_int_equal(mrv_diag_error_count(d), 0);
    assert_int_equal(l.live, 0);
    size_t total = l.n;
    /* With a hook every arena allocation is a call of its own: hundreds
    ** for the project, a few dozen for the table alone. */
    assert_true(total > 20);
    for (size_t n = 1; n <= total; n++) {
        mrv_diag_reset(d);
        l = (limit){0, n, 0, false};
        mrv_status st = load(path, &s, d);
        if (st != MRV_ENOMEM)
            fail_msg("failing allocation %zu of %zu: %s, not MRV_ENOMEM "
                     "(%s)",
                     n, total, mrv_status_name(st), fx_first_msg(d));
        assert_true(l.failed);
        /* Running out of memory may be reported, but must not pose as
        ** an error in the input. */
        for (size_t i = 0; i < mrv_diag_count(d); i++) {
            const mrv_diag_entry *e = mrv_diag_get(d, i);
            if (e->sev == MRV_SEV_ERROR && e->code != MRV_ENOMEM)
                fail_msg("failing allocation %zu: bogus error '%s'", n, e->msg);
        }
        if (l.live != 0)
            fail_msg("failing allocation %zu: %zu blocks leaked", n, l.live);
    }
    mrv_diag_free(d);
}

static void test_arena_every_failure_of_a_run(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    free(fx_write(dir, "m.yaml", oom_meth));
    free(fx_write(dir, "t.yaml", oom_table));
    char *path = fx_write(dir, "p.yaml", oom_project);
    every_failure(path, load_run);
    every_failure(path, load_check);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

static void test_arena_every_failure_of_a_check(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    char *m = fx_write(dir, "m.yaml", oom_meth);
    char *t = fx_write(dir, "t.yaml", oom_table);
    every_failure(m, load_check);
    every_failure(t, load_check);
    free(m);
    free(t);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc_zeroed_aligned),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_arena_overflow_is_sticky),
        cmocka_unit_test(test_arena_allocator_hook),
        cmocka_unit_test(test_arena_vec),
        cmocka_unit_test(test_arena_every_failure_of_a_run),
        cmocka_unit_test(test_arena_every_failure_of_a_check),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
