/*
** stats_int.h -- what the selection did (internal: stats.c and its test).
*/
#ifndef MRV_STATS_INT_H
#define MRV_STATS_INT_H

#include <stdint.h>

/* The values the selection's partitions have passed over on this
** thread: test_stats checks that it stays a small multiple of the
** draws, whatever order they come in. */
extern _Thread_local uint64_t mrv__stats_moved;

#endif /* MRV_STATS_INT_H */
