/*
** conserv.h -- the programme's conservativeness rules (docs/allocation.md,
** "Conservativeness rules").
**
** A 'conservativeness:' key at the top of the project, or else of the
** methodology, names the programme rule, applied once to the basis
** estimate of each vintage:
**
**   conservativeness: ar_tool14      # or {rule: ar_tool14}
**   conservativeness: {rule: lower_bound, confidence: 0.90, precision: 0.10}
**
**   none         nothing (the default; lets a project switch off its
**                methodology's rule)
**   ar_tool14    U = HW90 / estimate; discount d of the absolute HW90 by
**                the bands <= 10 % -> 0, <= 15 % -> 25 %, <= 20 % -> 50 %,
**                <= 30 % -> 75 %, above -> 100 %
**   lower_bound  the one-sided lower bound at 'confidence' (default 0.90),
**                the (1 - c) quantile of the draws; with 'precision', only
**                when the two-sided half-width at c over the estimate
**                exceeds it (the 90/10 practice); never raises the estimate
**   art_trees    UA = 0.524417 * (HW90 / estimate) / 1.645006; deduction
**                estimate * UA
**   fcpf         set-aside of the estimate by HW90 / estimate: <= 15 % ->
**                0, <= 30 % -> 4 %, <= 60 % -> 8 %, <= 100 % -> 12 %,
**                above -> 15 %
**
** HW90 is half the two-sided 90 % interval of the vintage's draws (type-7
** quantiles).  Bands are upper-inclusive.  Every rule but 'none' needs
** Monte Carlo draws and is an error without them.  'basis: lower' is
** itself such a rule, so it cannot be combined with another one; 'basis:
** mean' or 'lower' without draws falls back to the central estimate
** (without draws the statistics repeat it) with a warning.  The ledger's
** 'estimate' column is the creditable estimate after the rule.
*/
#ifndef MRV_CONSERV_H
#define MRV_CONSERV_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "yamlsrc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mrv_rule { /* ORDER RULES: mrv__rule_names in conserv.c */
                        MRV_RULE_NONE,
                        MRV_RULE_AR_TOOL14,
                        MRV_RULE_LOWER_BOUND,
                        MRV_RULE_ART_TREES,
                        MRV_RULE_FCPF
} mrv_rule;

/* A 'conservativeness' rule as written, validated. */
typedef struct mrv_rule_spec {
    mrv_rule rule;
    double confidence;     /* lower_bound: one-sided confidence; 0.90 */
    double precision;      /* lower_bound; (double)NAN: always the bound */
    const mrv_ynode *node; /* where the rule is written */
} mrv_rule_spec;

/* One vintage (or the total, as column sums) of conservativeness.csv. */
typedef struct mrv_conserv {
    double central;    /* every input at its value (unadjusted) */
    double basis_adj;  /* central - the basis estimate */
    double unadjusted; /* the basis estimate, before the rule */
    double half_width; /* the half-width the rule read; (double)NAN if none */
    double relative;   /* half_width / |unadjusted|; (double)NAN if none */
    double factor;     /* band discount, UA or set-aside; (double)NAN if none */
    double rule_adj;   /* what the rule took, >= 0 */
    double creditable; /* unadjusted - rule_adj: the ledger estimate */
} mrv_conserv;

/* Reads one 'conservativeness' node (a rule name, or a map with 'rule'
** and the lower_bound's 'confidence' and 'precision') into the arena 'a'.
** Records every error with its position; *out is set only on MRV_OK. */
mrv_status mrv_conserv_load(const mrv_ynode *node, mrv_arena *a,
                            const mrv_rule_spec **out, mrv_diag *diag);

/* Applies rule 'r' (NULL: none) to one vintage: reads c->unadjusted and
** sets every other field but central and basis_adj.  'x' holds the
** vintage's 'n' draws (reordered here), NULL when there are none. */
void mrv_conserv_apply(const mrv_rule_spec *r, mrv_conserv *c, double *x,
                       size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MRV_CONSERV_H */
