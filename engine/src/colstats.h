/*
** colstats.h -- exact statistics of a column of draws that is never
** stored whole (docs/performance.md).
**
** A column is every draw of one result in one vintage (or of a sum of
** vintages).  Its summary, an mrv_stat (stats.h), is the mean, the sd
** (n - 1) and type-7 quantiles at (1 - c)/2, 1/2 and (1 + c)/2 of all n
** draws, with the outer two also of the first half, floor(n/2) draws.
** The Monte Carlo computes the draws block by block, on several threads,
** in any order, and regenerates any block on demand; this module turns
** that stream into the same summary that sorting the whole column would
** give, exactly, in memory that grows with the draws only through the
** few per cent kept near each quantile:
**
**   1. place: the first m draws (the pilot, in draw order) give, per
**      probability, a bracket [lo, hi] that holds its order statistics
**      with near certainty (a binomial margin on the pilot's ranks);
**   2. feed: every block, pilot included, in any order and on any thread
**      (each thread its own mrv_colpart), adds its partial sums to exact
**      sums (exactsum.h) and counts the draws below each bracket, keeping
**      those inside;
**   3. finish: the order statistics are selected among the kept draws;
**      if a rank fell outside its bracket (or a bracket overflowed, on
**      heavy ties), it is hunted: the caller replays every block through
**      hunt_feed, once or a few times, each pass narrowing an interval
**      known to hold it, until it is found.
**
** The result depends only on the draws: the mean and sd on their exact
** sums rounded once, the quantiles on order statistics.  Not on the
** thread count, the order of the blocks, the pilot's length or whether a
** hunt ran.
*/
#ifndef MRV_COLSTATS_H
#define MRV_COLSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* Draws per block fed (the last block of a column may be shorter). */
#define MRV_COLSTATS_BLOCK 512

/* Bracket margins, in binomial sds of the pilot's rank, and extra ranks.
** Zero in both asks for the defaults; tests narrow them to make every
** bracket miss. */
typedef struct mrv_colstats_tuning {
    double sds, slack;
} mrv_colstats_tuning;

typedef struct mrv_colstats mrv_colstats;
typedef struct mrv_colpart mrv_colpart;

/* How many leading draws the pilot should have for n draws: a whole
** number of blocks, balancing the pilot against the draws kept inside
** brackets (both grow as n^(2/3)); n itself when n is small enough that
** selecting on every draw is cheaper than bracketing. */
uint64_t mrv__colstats_pilot_len(uint64_t n);

/* Expected number of draws kept over all brackets of a column of n draws
** with a pilot of m (the memory model of the Monte Carlo): an upper bound
** on what finish needs once every block is fed, unless ties overflow a
** bracket (which is then hunted instead, keeping nothing). */
uint64_t mrv__colstats_kept_bound(uint64_t n, uint64_t m,
                                  const mrv_colstats_tuning *t);

/* A column of n > 0 draws summarised at 'confidence' (in (0, 1)); NULL
** when out of memory.  Owns its brackets and hunts; free with
** mrv__colstats_free (accepts NULL). */
mrv_colstats *mrv__colstats_new(uint64_t n, double confidence,
                                const mrv_colstats_tuning *t);
void mrv__colstats_free(mrv_colstats *c);

/* Asks also for the share of draws below t (mrv_stat.p_below), which is
** otherwise NaN.  Call before any feed. */
void mrv__colstats_count_below(mrv_colstats *c, double t);

/* Places the brackets from the first m draws x[0..m) in draw order
** (m <= n, m >= 1; m == n selects directly, with no brackets), using
** scratch[0..m).  Call once, before any feed. */
void mrv__colstats_place(mrv_colstats *c, const double *x, size_t m,
                         double *scratch);

/* One worker's share of a column; NULL when out of memory.  Free with
** mrv__colpart_free (accepts NULL). */
mrv_colpart *mrv__colpart_new(void);
void mrv__colpart_free(mrv_colpart *p);
/* The bytes of a part before it keeps anything. */
size_t mrv__colpart_bytes(void);

/* Feeds draws i0 .. i0 + nx - 1 (nx <= MRV_COLSTATS_BLOCK, one block,
** i0 a multiple of the block) with values x[0..nx).  Any thread may feed
** any block with its own part; every block exactly once.  Returns false
** and sets *bad to the index of the first draw of the block that is not
** finite (nothing fed), else true. */
bool mrv__colstats_feed(mrv_colstats *c, mrv_colpart *p, const double *x,
                        size_t nx, uint64_t i0, uint64_t *bad);

/* After every block is fed: the summary into *out ('central' and the
** IPCC fields untouched).  Empties the parts.  Returns MRV_ENOMEM if a
** part ran out of memory; otherwise MRV_OK, with mrv__colstats_hunting
** telling whether some quantile still needs replays. */
mrv_status mrv__colstats_finish(mrv_colstats *c, mrv_colpart *const *parts,
                                size_t nparts, mrv_stat *out);

/* Whether some order statistic is still being hunted. */
bool mrv__colstats_hunting(const mrv_colstats *c);

/* One replay pass, on one thread: hunt_feed with every block in turn
** (any order, each once), then hunt_end, which completes *out with what
** was found.  Repeat while mrv__colstats_hunting; each pass narrows, and
** a few passes at most find everything.  MRV_ENOMEM when out of memory. */
void mrv__colstats_hunt_feed(mrv_colstats *c, const double *x, size_t nx,
                             uint64_t i0);
mrv_status mrv__colstats_hunt_end(mrv_colstats *c, mrv_stat *out);

/* The whole protocol on a column held in memory, x[0..n) (n > 0), with
** tuning 't' (NULL: the defaults): the summary into *out ('central' and
** the IPCC fields untouched).  MRV_EDOMAIN when a draw is not finite,
** MRV_ENOMEM when out of memory. */
mrv_status mrv__colstats_column(const double *x, size_t n, double confidence,
                                const mrv_colstats_tuning *t, mrv_stat *out);

/* Bytes the column keeps at most between place and finish (its brackets'
** caps), for the memory model. */
uint64_t mrv__colstats_bytes(const mrv_colstats *c);

#endif /* MRV_COLSTATS_H */
