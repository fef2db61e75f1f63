/*
** stats_int.h -- the draws near given values, for selecting among them
** (internal: stats.c and colstats.c).
*/
#ifndef MRV_STATS_INT_H
#define MRV_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counts and keeps the draws x[0..n) against three brackets [lo[j],
** hi[j]]: adds the draws below each bracket to below[j] and copies those
** inside, in order, to dst[j] (each with room for n, whose every slot
** may be written), their numbers into kept[j].  A bracket with lo > hi
** keeps nothing.  'few': most draws are expected in no bracket (pairs
** with none are skipped); else each draw is stored at its buffer's end
** whether or not it is inside, the end moving only when it is. */
void mrv__stats_classify3(const double *x, size_t n, const double lo[3],
                          const double hi[3], bool few, double *dst[3],
                          uint64_t below[3], size_t kept[3]);

#endif /* MRV_STATS_INT_H */
