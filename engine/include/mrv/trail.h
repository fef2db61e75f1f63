/*
** trail.h -- what lowering saw while forming each value: the trail that
** 'mrv explain' prints.
**
** Lowering with a trail (lower.h) records, for every equation at every
** vintage and for every 'initial' formula read before the first vintage
** (an instance), where the program it builds holds the value of each
** piece of the formula: every node outside sums, each sum written
** outside other sums (its ranges, its term count and its first terms),
** and every distinct parameter element and equation the instance reads.
** A value is either a number lowering knew or a slot of the central
** program, which keeps all of them live; one pass of the VM over the
** central inputs then gives every number (mrv_trail_fill).  The trail
** holds no arithmetic of its own but one: a sum's term as written is the
** product of its factors' values, left to right, because lowering takes
** factors that do not depend on an index out of that index's loop and so
** never forms the term itself.
**
** An instance is keyed by equation, 'initial' or not, year and the
** combination of members of the equation's dimensions (mrv_bound_eq_at);
** a lookup goes through mrv_trail_find.  Everything lives in the bound's
** arena.
*/
#ifndef MRV_TRAIL_H
#define MRV_TRAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "model.h"
#include "resolve.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Terms of a sum kept with their index values and values. */
#define MRV_TRAIL_TERMS 12

/* A value of the run's central case, in the internal scale. */
typedef struct mrv_trail_val {
    double value; /* set by mrv_trail_fill (at once when known) */
    uint32_t at;  /* MRV_TRAIL_KNOWN, else where the program holds it:
                  ** lowering's value number, then the central slot */
} mrv_trail_val;

#define MRV_TRAIL_KNOWN UINT32_MAX

typedef enum mrv_trail_kind {
    MRV_TRAIL_PARAM, /* a parameter element */
    MRV_TRAIL_EQ,    /* an equation at a vintage */
    MRV_TRAIL_INIT   /* an equation's 'initial', before the first vintage */
} mrv_trail_kind;

/* A distinct thing an instance reads. */
typedef struct mrv_trail_read {
    mrv_trail_kind kind;
    int idx;  /* the parameter or equation */
    int year; /* MRV_NO_YEAR: a parameter without a vintage axis */
    /* A parameter's or an equation's member on each of its axes, by
    ** position in its 'over' (0 on a parameter's vintage axis); all 0 for
    ** an equation over no dimension. */
    uint32_t mem[MRV_MAX_AXES];
    /* Reads of one parameter, or of one equation at any year, share a
    ** group; groups are numbered from 1 in listing order. */
    size_t group;
    mrv_trail_val v;
} mrv_trail_read;

/* A sum written outside any other sum of the formula. */
typedef struct mrv_trail_sum {
    const mrv_ast *n;
    mrv_trail_val v;
    size_t nterms;
    /* Per binder: its range when first met; the extremes over every
    ** time it was met (minlo LONG_MAX: never met, an outer range being
    ** empty); whether it changed between times.  Member numbers for a
    ** binder over a dimension. */
    long *lo, *hi, *minlo, *maxhi;
    bool *varies;
    size_t nlisted; /* the first min(nterms, MRV_TRAIL_TERMS) terms: */
    long *iv;       /* [t * nbinders + k]: binder k's value in term t */
    double *term;   /* [t]: the term's value (mrv_trail_fill) */
    size_t nfactors;
    mrv_trail_val *factor; /* [t * nfactors + f]: its factors' values */
} mrv_trail_sum;

typedef struct mrv_trail_node {
    const mrv_ast *n;
    mrv_trail_val v;
} mrv_trail_node;

typedef struct mrv_trail_inst {
    int eq;
    bool initial; /* the 'initial' formula at 'year' < the first vintage */
    int year;
    size_t m;        /* the combination of the equation's members (0: none) */
    mrv_trail_val v; /* the instance's value */
    size_t nnodes;   /* nodes outside sums that lowering reached, */
    mrv_trail_node *nodes; /* sorted by address (mrv_trail_value) */
    size_t nsums;          /* in the order the formula is read */
    mrv_trail_sum *sums;
    /* In listing order: grouped by parameter or equation, groups and
    ** the reads in each in the order the formula as written first
    ** reads them, term by term and factor by factor within a sum, as a
    ** reader follows it (not the order lowering happened to meet them
    ** in after moving factors out of loops). */
    size_t nreads;
    mrv_trail_read *reads;
} mrv_trail_inst;

typedef struct mrv_trail {
    const mrv_bound *b; /* the equations' layout (mrv_bound_eq_at) */
    int first;
    size_t nvint, ninst;
    mrv_trail_inst *inst;
    size_t *by_eq; /* [mrv_bound_eq_at(b, eq, v, m)]: index into inst + 1;
                   ** 0: none */
} mrv_trail;

/* The instance of equation 'eq' at 'year' for its combination of members
** 'm' ('initial': of its initial formula, year before the first vintage),
** or NULL when lowering never formed it (a numeric or per-member
** 'initial' forms nothing). */
const mrv_trail_inst *mrv_trail_find(const mrv_trail *t, int eq, bool initial,
                                     int year, size_t m);

/* The value of node 'n' of the instance's formula; false when lowering
** did not reach it outside a sum (an 'if' branch not taken, the right
** side of an 'and' decided by its left, anything inside a sum). */
bool mrv_trail_value(const mrv_trail_inst *in, const mrv_ast *n, double *v);

/* Sets every value from 'slots', the central program's slots after one
** pass of the VM on the central inputs, and forms the listed terms. */
void mrv_trail_fill(mrv_trail *t, const double *slots);

#ifdef __cplusplus
}
#endif

#endif /* MRV_TRAIL_H */
