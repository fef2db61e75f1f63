/*
** test_pool.c -- threads kept waiting for rounds of work (pool.h).
**
** Every round hands out its items from a counter, as the Monte Carlo's
** phases do; each item must run exactly once per round, every item's
** write must be seen by the caller when the round returns, no thread
** may be inside the round's function once it has returned (a thread
** that wakes late stays out of a closed round), and the
** threads must sleep and wake (rounds further apart than the spin) and
** stop cleanly, also when there are more threads than processors.
*/
#include "testutil.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

enum { NITEMS = 1000 };

typedef struct work {
    atomic_uint next;
    unsigned ran[NITEMS];      /* times each item ran (one writer each) */
    unsigned round_of[NITEMS]; /* the round number it ran in */
    unsigned round;            /* set by the caller before the round */
    atomic_uint by_thread[64]; /* items each thread ran */
    atomic_uint running;       /* calls of take_items under way */
    unsigned nitems;           /* this round's items, at most NITEMS */
} work;

static void take_items(void *arg, unsigned t)
{
    work *r = arg;
    atomic_fetch_add(&r->running, 1);
    for (;;) {
        unsigned i = atomic_fetch_add(&r->next, 1);
        if (i >= r->nitems) break;
        r->ran[i]++;
        r->round_of[i] = r->round;
        atomic_fetch_add(&r->by_thread[t], 1);
    }
    atomic_fetch_sub(&r->running, 1);
}

static void run_rounds(mrv__pool *p, work *r, unsigned rounds, long pause_ns)
{
    for (unsigned k = 1; k <= rounds; k++) {
        r->round = k;
        atomic_store(&r->next, 0);
        mrv__pool_run(p, take_items, r);
        /* Between rounds no thread is inside the round's function, not
        ** even one that woke late. */
        for (int spin = 0; spin < 2000; spin++)
            assert_int_equal(atomic_load(&r->running), 0);
        /* Every item once more, in this round, and seen here. */
        for (unsigned i = 0; i < r->nitems; i++) {
            assert_int_equal(r->ran[i], k);
            assert_int_equal(r->round_of[i], k);
        }
        if (pause_ns) {
            struct timespec ts = {0, pause_ns};
            nanosleep(&ts, NULL);
        }
    }
}

static void test_pool_rounds(void **state)
{
    (void)state;
    /* The last: more threads than processors, whose waits sleep at
    ** once instead of spinning. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned sizes[] = {1, 2, 4,
                        cpus > 0 && cpus < 63 ? (unsigned)cpus + 1 : 63};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        work *r = calloc(1, sizeof *r);
        assert_non_null(r);
        mrv__pool *p = mrv__pool_new(sizes[s]);
        assert_non_null(p);
        assert_true(mrv__pool_size(p) >= 1 && mrv__pool_size(p) <= sizes[s]);
        /* Back to back (threads spinning, some arriving late), then
        ** further apart than the spin (threads asleep, woken). */
        r->nitems = NITEMS;
        run_rounds(p, r, 2000, 0);
        unsigned total = 0;
        for (unsigned t = 0; t < 64; t++) {
            if (t >= mrv__pool_size(p))
                assert_int_equal(atomic_load(&r->by_thread[t]), 0);
            total += atomic_load(&r->by_thread[t]);
        }
        assert_int_equal(total, 2000u * NITEMS);
        for (unsigned i = 0; i < NITEMS; i++) r->ran[i] -= 2000;
        run_rounds(p, r, 3, 3 * MRV__POOL_SPIN_NS / 2);
        /* Rounds of one item, done before most threads look: they
        ** must find each round closed. */
        for (unsigned i = 0; i < NITEMS; i++) r->ran[i] = 0;
        r->nitems = 1;
        run_rounds(p, r, 20000, 0);
        mrv__pool_free(p);
        free(r);
    }
}

/* No pool (none could be made): a round is the caller's call alone. */
static void test_pool_none(void **state)
{
    (void)state;
    work *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(mrv__pool_size(NULL), 1);
    r->round = 1;
    r->nitems = NITEMS;
    mrv__pool_run(NULL, take_items, r);
    assert_int_equal(atomic_load(&r->by_thread[0]), NITEMS);
    for (unsigned i = 0; i < NITEMS; i++) assert_int_equal(r->ran[i], 1);
    mrv__pool_free(NULL);
    free(r);
}

/* A pool freed at once, before its threads have run anything. */
static void test_pool_free_at_once(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) mrv__pool_free(mrv__pool_new(3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_rounds),
        cmocka_unit_test(test_pool_none),
        cmocka_unit_test(test_pool_free_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
