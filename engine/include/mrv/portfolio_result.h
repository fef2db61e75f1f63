/*
** portfolio_result.h -- what a portfolio run computed: plain data the
** writers read (docs/portfolio.md).
**
** The pipeline of portfolio_run.h fills an mrv_pf_run stage by stage:
** the projects bound and keyed (portfolio_keys.h), their ledgers, the
** Parties' columns over the draws and their statistics
** (portfolio_cols.h).  The writers (portfolio_out.h, aef.h) only read it.
*/
#ifndef MRV_PORTFOLIO_RESULT_H
#define MRV_PORTFOLIO_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ledger.h"
#include "portfolio.h"
#include "resolve.h"
#include "result.h"

/* A quantity over the draws: the central case (every input at its
** value, from the projects' reported ledgers) and the draws' mean and
** type-7 quantiles at (1 - c)/2, 1/2 and (1 + c)/2.  Without draws the
** statistics repeat the central value. */
typedef struct mrv_pf_stat {
    double central, mean, lower, median, upper;
} mrv_pf_stat;

/* One project as the portfolio sees it. */
typedef struct mrv_pf_project {
    const mrv_pf_entry *entry;
    const char *id;
    mrv_run *run;             /* central case; owns run->ledger */
    const mrv_allocation *al; /* its own, or the one assumed */
    bool assumed;             /* the portfolio's allocation */
    bool draws_ledger;        /* its ledger read the draws (rule) */
    const char *host, *buyer;
    size_t ninputs, nshared;      /* uncertain inputs; of them drawn
                                  ** once with another project */
    uint64_t *streams;            /* [ninputs]: the stream ids */
    uint64_t keying;              /* a hash of the stream ids */
    unsigned char inputs_sha[32]; /* SHA-256 of its input files' digests */
    /* Its units counted towards its buyer's target (central and over
    ** the draws), and its part in the risk of missing it. */
    bool to_target; /* its buyer has a target */
    double central, mean, sd;
    double p_without; /* the target's probability without it */
    double var_share; /* Cov(its units, the buyer's) / Var(the buyer's) */
} mrv_pf_project;

/* An input drawn once for several projects. */
typedef struct mrv_pf_share {
    const char *name;  /* TABLE/ENTRY, or the group's name */
    bool declared;     /* a 'shared' group of the portfolio */
    const char *param; /* the group's parameter; NULL for an entry */
    const char *text;  /* the uncertainty as written */
    size_t nprojects;
    size_t *projects; /* indices into mrv_pf_run.projects */
} mrv_pf_share;

/* What one Party delivers, receives and adjusts.  Year series run over
** mrv_pf_run's years, [y0, y0 + nyears). */
typedef struct mrv_pf_party_out {
    const char *code;
    const mrv_pf_party *spec; /* the portfolio's entry, or NULL */
    bool buyer, host;
    /* buyer: units counted towards its target per year (by the target's
    ** 'count'), cumulative, and used per year (what it subtracts) */
    mrv_pf_count count;
    mrv_pf_stat *delivered, *cumulative, *used;
    /* host: units first transferred per year (what it adds); units
    ** issued by its projects and kept by it, over all vintages */
    mrv_pf_stat *transferred;
    /* its corresponding adjustment per year: + first transferred, -
    ** used (a Party that both hosts and buys, the net) */
    mrv_pf_stat *adjustment;
    mrv_pf_stat issued, kept, kept_share;
    double p_keep; /* P(kept share >= keep); NaN without 'keep' or draws */
    /* the target: units counted, the probability it is reached, and the
    ** shortfall max(volume - counted, 0) */
    bool has_target;
    mrv_pf_stat counted, shortfall;
    mrv_pf_stat *progress; /* per year: counted towards it up to the year */
    double p_target;       /* NaN without draws */
    uint64_t hits;         /* the draws that reach it */
    /* corresponding adjustments for the NDC's target year, signed (host
    ** +, buyer -), by each method; ndc.method is the Party's */
    bool has_ndc;
    mrv_pf_stat ca[MRV_NCA];
} mrv_pf_party_out;

typedef struct mrv_pf_run {
    mrv_arena *arena; /* owns the portfolio's model and the arrays */
    const mrv_portfolio *pf;
    const char *path; /* the portfolio file as given */
    uint64_t draws, seed;
    double confidence;
    size_t nprojects;
    mrv_pf_project *projects;
    size_t nparties;
    mrv_pf_party_out *parties;
    size_t nshares;
    mrv_pf_share *shares;
    int y0;
    size_t nyears;
    mrv_search search; /* as the projects were bound */
} mrv_pf_run;

#endif /* MRV_PORTFOLIO_RESULT_H */
