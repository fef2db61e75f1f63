/*
** trail_int.h -- recording a trail while lowering (internal: lower.c).
**
** Lowering calls these as it goes; each accepts a NULL recorder and then
** does nothing, so lowering without a trail pays one test per call.
** Values are recorded as lowering's value numbers; mrv__trail_slots
** turns them into the central program's slots once it is finished.
** Running out of memory is remembered (mrv__trail_close fails).
*/
#ifndef MRV_TRAIL_INT_H
#define MRV_TRAIL_INT_H

#include "arena.h"
#include "resolve.h"
#include "trail.h"

typedef struct mrv__trail_rec mrv__trail_rec;

/* A recorder for the bound project 'b'; NULL when out of memory.  It
** borrows 'b' and allocates the trail in b->arena. */
mrv__trail_rec *mrv__trail_rec_new(const mrv_bound *b);
void mrv__trail_rec_free(mrv__trail_rec *r);

/* Opens the instance of equation 'eq' (its 'initial' formula when
** 'initial') at 'year' for its combination of members 'm' (0 for an
** equation over no dimension); instances nest (an initial formula is
** lowered when first read).  mrv__trail_end closes the innermost one with
** its value. */
void mrv__trail_begin(mrv__trail_rec *r, int eq, bool initial, int year,
                      size_t m);
void mrv__trail_end(mrv__trail_rec *r, mrv_trail_val v);

/* Node 'n' was lowered to 'v' (kept only outside sums). */
void mrv__trail_node(mrv__trail_rec *r, const mrv_ast *n, mrv_trail_val v);

/* A sum: begins with its body split into 'nfactors' factors, ends with
** its value. */
void mrv__trail_sum_begin(mrv__trail_rec *r, const mrv_ast *n, size_t nfactors);
void mrv__trail_sum_end(mrv__trail_rec *r, mrv_trail_val v);

/* Entering binder 'bi''s loop: returns the number of terms so far, the
** first term the loop will make (reads of its range come before it).
** mrv__trail_range then gives the range lowering found. */
size_t mrv__trail_level(mrv__trail_rec *r);
void mrv__trail_range(mrv__trail_rec *r, size_t bi, long lo, long hi);

/* A term begins, with every binder of 'n' set in 'iv' (by slot); returns
** its number. */
size_t mrv__trail_term(mrv__trail_rec *r, const mrv_ast *n, const long *iv);

/* Factor 'k' of the terms from 't0' to the last so far is lowered next
** (its reads count as those terms'), then has the value 'v'. */
void mrv__trail_factor_at(mrv__trail_rec *r, size_t t0, size_t k);
void mrv__trail_factor(mrv__trail_rec *r, size_t t0, size_t k, mrv_trail_val v);

/* A read: parameter element (members 'mem' by dimension), equation at
** 'year', or an equation's 'initial' (for an equation over dimensions,
** 'mem' its members in the order of its 'over'; NULL for one over
** none). */
void mrv__trail_read(mrv__trail_rec *r, mrv_trail_kind kind, int idx, int year,
                     const size_t *mem, mrv_trail_val v);

/* Every value number the trail refers to (repeats possible): the central
** program keeps them live. */
const uint32_t *mrv__trail_vids(const mrv__trail_rec *r, size_t *n);

/* The trail, frozen into the arena; NULL when out of memory. */
mrv_trail *mrv__trail_close(mrv__trail_rec *r);

/* Replaces every value number by its slot: slot[vid]. */
void mrv__trail_slots(mrv_trail *t, const uint32_t *slot);

#endif /* MRV_TRAIL_INT_H */
