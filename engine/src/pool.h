/*
** pool.h -- a few threads kept waiting for rounds of work.
**
** A round runs one function on the caller (as thread 0) and on every
** thread of the pool that comes while the round is open; the function
** hands out the round's work itself (the Monte Carlo's phases take
** items from a shared counter), so the round is over once the caller's
** call has returned and every call begun has returned.  Threads started
** per phase came alive 1-4 ms late on the 2-core development machine
** (its idle virtual CPU had to be woken), and each phase waited for
** them: about 3 ms of a 10^5-draw run's 40.  So the threads are started
** once, before the work is set up, a late one never holds a round up,
** and between rounds they spin (up to MRV__POOL_SPIN_NS, unless there
** are more threads than processors) before they sleep.
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
/* Runs fn(arg, 0) on the caller and fn(arg, t) on each thread t of p
** that comes before the caller's call returns; returns once every call
** begun has returned (p NULL: the caller's call alone).  fn must hand
** out the round's work itself, so that the caller's call returns only
** when all of it has been taken.  What fn writes before it returns is
** seen by the caller after. */
void mrv__pool_run(mrv__pool *p, mrv__pool_fn fn, void *arg);
/* Stops and joins the threads and frees p; accepts NULL. */
void mrv__pool_free(mrv__pool *p);

#endif /* MRV_POOL_H */
