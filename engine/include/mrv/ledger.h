/*
** ledger.h -- from estimated tonnes to issued units (DESIGN §7).
**
** Named 'ledger', not 'alloc', so that nobody reads it as memory
** allocation.  Built after the statistics of a run when the project has an
** 'allocation': conservativeness rule, issuance in whole tonnes, ordered
** deductions, the host/buyer split, serial blocks and corresponding
** adjustments.
*/
#ifndef MRV_LEDGER_H
#define MRV_LEDGER_H

#include "diag.h"
#include "report.h"
#include "run.h"

typedef struct mrv_ledger mrv_ledger;

/* Validates the project's allocation (and conservativeness rules) and
** builds the ledger into run->ledger.  Called by mrv_run_new only when the
** project has an 'allocation'.  Records positioned errors on bad input. */
mrv_status mrv_ledger_build(mrv_run *run, mrv_diag *diag);
void mrv_ledger_free(mrv_ledger *l);

/* Adds the ledger's files (ledger.csv, serials.csv, adjustments.csv, ...)
** to the output set being written by mrv_report_write. */
mrv_status mrv_ledger_write(const mrv_run *run, mrv_outset *set,
                            mrv_diag *diag);

#endif /* MRV_LEDGER_H */
