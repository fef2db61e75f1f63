/*
** portfolio_keys.h -- keys of a portfolio's inputs (internal; shared by
** the portfolio run and its shards).
*/
#ifndef MRV_PORTFOLIO_KEYS_H
#define MRV_PORTFOLIO_KEYS_H

#include "diag.h"
#include "portfolio_result.h"

/* Sets P->streams, P->ninputs, P->nshared and P->keying for project P of
** portfolio 'pf' (P->run and P->id set), in the arena 'a'. */
mrv_status mrv__pf_key_project(const mrv_portfolio *pf, mrv_pf_project *P,
                               mrv_arena *a);

/* Keys every project of 'r', fills r->shares, checks the declared groups
** (each project in the portfolio and holding the parameter, one
** uncertainty per shared place) and warns of a factor entry read with
** different numbers by two projects. */
mrv_status mrv__pf_keys(mrv_pf_run *r, mrv_diag *d);

#endif /* MRV_PORTFOLIO_KEYS_H */
