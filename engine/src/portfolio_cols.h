/*
** portfolio_cols.h -- the Parties' per-draw columns of a portfolio and
** their statistics (internal; portfolio_run.c fills the columns block
** by block, portfolio_cols.c lays them out and summarises them).
*/
#ifndef MRV_PORTFOLIO_COLS_H
#define MRV_PORTFOLIO_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portfolio_result.h"

/* Exact sums of products of whole tonnes over up to 10^8 draws. */
__extension__ typedef __int128 mrv__i128;

/* Per-draw columns of whole tonnes: for each Party, per year, what a
** buyer counts (delivered) and uses, and what a host first transfers;
** per host, its units issued and kept over all vintages. */
enum { COL_DELIV, COL_USED, COL_TRANS, NKIND };

typedef struct mrv__pfcols {
    size_t ncols;
    size_t *base;       /* [nparties * NKIND]: first column, or SIZE_MAX */
    size_t *issued_col; /* [nparties] */
    size_t *kept_col;   /* [nparties] */
} mrv__pfcols;

/* Per project: its columns by vintage, and its target. */
typedef struct mrv__pfmap {
    size_t nv;
    size_t *deliv, *used, *trans; /* [nv] columns, SIZE_MAX: none */
    size_t issued, kept;
    bool *counted; /* [nv]: counts towards its buyer's target */
    size_t target; /* the buyer's index, SIZE_MAX: no target */
    size_t tslot;  /* its index among the projects with a target */
} mrv__pfmap;

/* A project's exact sums over the draws of its units counted towards
** its buyer's target (c) and the buyer's total (D). */
typedef struct mrv__pfacc {
    mrv__i128 sc, scc, scd;
    uint64_t without; /* draws reaching the target without it */
} mrv__pfacc;

/* The index of Party 'code' in r->parties, or SIZE_MAX. */
size_t mrv__pf_party_index(const mrv_pf_run *r, const char *code);

/* The calendar year in which vintage index v's units (of a project whose
** first vintage is 'first') reach event 'ev' under allocation 'al': the
** year its 'years' gives, or the vintage itself when it gives none. */
int mrv__pf_event_year(const mrv_allocation *al, int ev, int first, size_t v);
/* The year a buyer counts them under 'c' (use, transfer or vintage), and
** whether the agreement gives that year at all. */
int mrv__pf_count_year(const mrv_allocation *al, mrv_pf_count c, int first,
                       size_t v);
bool mrv__pf_has_count_year(const mrv_allocation *al, mrv_pf_count c);
/* Whether a unit counted in 'year' counts towards target 't'. */
bool mrv__pf_in_target(const mrv_pf_target *t, int year);

/* r->y0 and r->nyears: every vintage and every event year of every
** project. */
void mrv__pf_span(mrv_pf_run *r);
/* The columns (L) and each project's map to them (M[nprojects]); *nt is
** the number of projects whose buyer has a target.  False when out of
** memory. */
bool mrv__pf_layout_make(mrv_pf_run *r, mrv__pfcols *L);
bool mrv__pf_maps_make(mrv_pf_run *r, const mrv__pfcols *L, mrv__pfmap *M,
                       size_t *nt);

/* The central case of every column into cen[ncols] (zeroed by the
** caller), from the projects' reported ledgers, and each project's
** central units towards its target. */
void mrv__pf_central(mrv_pf_run *r, const mrv__pfmap *M, int64_t *cen);

/* Every statistic of the run from the columns cols[ncols * draws] (NULL
** without draws), their central case and each project's exact sums
** sums[nprojects] (NULL without draws). */
mrv_status mrv__pf_statistics(mrv_pf_run *r, const mrv__pfcols *L,
                              const mrv__pfmap *M, const int64_t *cols,
                              const int64_t *cen, const mrv__pfacc *sums);

#endif /* MRV_PORTFOLIO_COLS_H */
