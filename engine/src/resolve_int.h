/*
** resolve_int.h -- shared between resolve.c and values.c (internal).
*/
#ifndef MRV_RESOLVE_INT_H
#define MRV_RESOLVE_INT_H

#include "resolve.h"

typedef struct mrv__valctx mrv__valctx;
struct mrv__valctx {
    mrv_arena *a;
    mrv_diag *d;
    const mrv_methodology *m;
    const size_t *nmembers; /* per methodology dimension */
    const char *const *const *members;
    int first, last;
    double year_days; /* the project's year_length */
    /* Finds "TABLE/ENTRY" (loading the table on first use); records a
    ** positioned error and returns NULL when it cannot. */
    const mrv_factor *(*factor)(mrv__valctx *c, const char *ref,
                                const mrv_ynode *at);
    void *ud;
    bool failed;
};

/* Parses the value of parameter 'p' written at 'n' (project value or
** methodology default).  Returns the tree, or NULL after recording errors
** (and setting c->failed). */
mrv_vnode *mrv__value_parse(mrv__valctx *c, const mrv_param *p,
                            const mrv_ynode *n);

/* "2025-2030, 2032" for the years of a series node. */
void mrv__years_text(const mrv_vnode *n, char *buf, size_t len);

#endif /* MRV_RESOLVE_INT_H */
