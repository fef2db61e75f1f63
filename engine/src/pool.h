/*
** pool.h -- a few threads kept waiting for rounds of work.
**
** A round runs one function on every thread of the pool, the caller
** included (as thread 0), and returns when every call has returned; the
** Monte Carlo's phases are rounds whose function takes items from a
** shared counter.  Threads started per round came alive up to 2-4 ms
** late on the 2-core development machine (its idle virtual CPU had to
** be woken), at every phase: a quarter of a 10^5-draw run's wall time.
** So the threads are started once, before the work is set up, and
** between rounds they spin (up to MRV__POOL_SPIN_NS, unless there are
** more threads than processors) before they sleep.
*/
#ifndef MRV_POOL_H
#define MRV_POOL_H

/* How long a thread spins for the next round (or the caller for the
** round's end) before it sleeps: longer than the serial steps between
** the Monte Carlo's phases, short against a run. */
#define MRV__POOL_SPIN_NS 2000000L

typedef struct mrv__pool mrv__pool;
typedef void (*mrv__pool_fn)(void *arg, unsigned thread);

/* Starts n - 1 threads (n >= 1) that wait for rounds.  A thread that
** cannot be started is left out: its rounds' work goes to the others.
** NULL when out of memory (no thread started). */
mrv__pool *mrv__pool_new(unsigned n);
/* The threads a round runs on, the caller included: at least 1. */
unsigned mrv__pool_size(const mrv__pool *p);
/* Runs fn(arg, t) on every thread t of p (the caller's is 0) and returns
** once every call has returned.  What fn writes before it returns is
** seen by the caller after. */
void mrv__pool_run(mrv__pool *p, mrv__pool_fn fn, void *arg);
/* Stops and joins the threads and frees p; accepts NULL. */
void mrv__pool_free(mrv__pool *p);

#endif /* MRV_POOL_H */
