/*
** ledger_int.h -- shared between ledger.c, ledger_calc.c, ledger_out.c
** and ledger_sweep.c (internal).
*/
#ifndef MRV_LEDGER_INT_H
#define MRV_LEDGER_INT_H

#include "agreement_int.h"
#include "conserv_int.h"
#include "decimal_int.h"
#include "ledger.h"

/* Runs agreement 'a' on each of the 'draws' draws of reductions in
** 'reductions' (mrv_run.reduction_draws: [v * draws + i]),
** taking l->draw_adj[v] tonnes from every draw of vintage v, and
** summarises the crediting-period totals into *mc.  When mc->p_schedule
** is set (an array of nvint; 'a' must then be l->agr, whose central cells
** are the schedule) it fills the per-vintage probabilities too, and
** mc->p_complete when that is set.  Returns MRV_ENOMEM when scratch
** memory is missing. */
mrv_status mrv__ledger_draws(const mrv_ledger *l, const mrv_agreement *a,
                             const double *reductions, uint64_t draws,
                             mrv_ledger_mc *mc);

/* The crediting-period total of what the host keeps in a ledger row:
** its column plus every unit-moving deduction to: host. */
int64_t mrv__host_keeps(const mrv_agreement *a, const int64_t *row);

#endif /* MRV_LEDGER_INT_H */
