/*
** pool.c -- a few threads kept waiting for rounds of work (pool.h).
**
** 'state' counts rounds: odd while round (state + 1) / 2 is open, even
** between rounds.  The caller stores the round's function, opens it
** (waking any sleeper), runs the function itself, then closes it and
** waits until no thread is inside.  A thread that sees a new open state
** counts itself 'inside' and only then checks that the round is still
** open: the caller closes before it reads 'inside', so (sequentially
** consistent atomics) either the thread sees the round closed and stays
** out, or the caller sees it inside and waits for it.  A thread that
** comes late therefore never holds the caller up, and never runs a
** round's function once the round is closed.
**
** The function must itself hand out the round's work (the Monte Carlo
** takes items from a counter), so that the caller's call returns only
** when every item has been taken; the caller's wait covers the items
** still being run.
**
** Waits spin (the next round is usually a few microseconds away) and
** then sleep, at once when there are more threads than processors: a
** thread on a condition variable, checked under the mutex so that no
** wake-up is lost; the caller with sched_yield.
**
** Owns its threads, from mrv__pool_new to mrv__pool_free.
*/
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "pool.h"

struct mrv__pool {
    pthread_mutex_t mu;
    pthread_cond_t go;  /* a round opened, or quit */
    atomic_uint state;  /* 2 r - 1 while round r is open; changed under mu */
    atomic_uint inside; /* threads inside a round's function */
    atomic_bool quit;
    mrv__pool_fn fn;
    void *arg;
    unsigned n;   /* threads started, besides the caller */
    long spin_ns; /* how long a wait spins before it sleeps */
    pthread_t tid[MRV_MC_MAX_THREADS];
    struct start {
        mrv__pool *p;
        unsigned t;
    } start[MRV_MC_MAX_THREADS];
};

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long since_ns(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

/* Whether a thread that last saw 'seen' has something to do: a round
** opened since, or quit. */
static bool called(mrv__pool *p, unsigned seen)
{
    unsigned s = atomic_load(&p->state);
    return (s != seen && s % 2 == 1) || atomic_load(&p->quit);
}

static void *thread_main(void *arg)
{
    struct start *st = arg;
    mrv__pool *p = st->p;
    unsigned seen = 0;
    for (;;) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (unsigned i = 1; !called(p, seen); i++) {
            relax();
            if (i % 256 == 0 && since_ns(&t0) > p->spin_ns) {
                pthread_mutex_lock(&p->mu);
                while (!called(p, seen)) pthread_cond_wait(&p->go, &p->mu);
                pthread_mutex_unlock(&p->mu);
            }
        }
        if (atomic_load(&p->quit)) return NULL;
        unsigned s = atomic_load(&p->state);
        seen = s;
        if (s % 2 == 0) continue; /* closed meanwhile: wait for the next */
        atomic_fetch_add(&p->inside, 1);
        if (atomic_load(&p->state) == s) p->fn(p->arg, st->t);
        atomic_fetch_sub(&p->inside, 1);
    }
}

mrv__pool *mrv__pool_new(unsigned n)
{
    mrv__pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->go, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    atomic_init(&p->state, 0);
    atomic_init(&p->inside, 0);
    atomic_init(&p->quit, false);
    if (n > MRV_MC_MAX_THREADS) n = MRV_MC_MAX_THREADS;
    /* More threads than processors: a spinning thread would take the
    ** processor from one with work (the caller between rounds), so
    ** waits sleep at once. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    p->spin_ns = cpus > 0 && n <= (unsigned long)cpus ? MRV__POOL_SPIN_NS : 0;
    for (unsigned t = 1; t < n; t++) {
        p->start[p->n] = (struct start){p, p->n + 1};
        if (pthread_create(&p->tid[p->n], NULL, thread_main, &p->start[p->n]) ==
            0)
            p->n++;
    }
    return p;
}

unsigned mrv__pool_size(const mrv__pool *p)
{
    return p ? p->n + 1 : 1;
}

/* The next state, stored under the mutex and every sleeper woken. */
static void advance(mrv__pool *p)
{
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->state, 1);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
}

void mrv__pool_run(mrv__pool *p, mrv__pool_fn fn, void *arg)
{
    if (!p || p->n == 0) {
        fn(arg, 0);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    advance(p); /* open */
    fn(arg, 0);
    atomic_fetch_add(&p->state, 1); /* closed: no thread enters now */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1; atomic_load(&p->inside) != 0; i++) {
        relax();
        if (i % 256 == 0 && since_ns(&t0) > p->spin_ns) sched_yield();
    }
}

void mrv__pool_free(mrv__pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, true);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (unsigned t = 0; t < p->n; t++) pthread_join(p->tid[t], NULL);
    pthread_cond_destroy(&p->go);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
