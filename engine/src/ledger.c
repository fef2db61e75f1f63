/*
** ledger.c -- placeholder until the allocation waterfall lands (issue 5):
** a project with an 'allocation' gets a clear error rather than a run that
** silently ignores its agreement.
*/
#include "ledger.h"

mrv_status mrv_ledger_build(mrv_run *run, mrv_diag *d)
{
    return mrv_error(d, run->bound->project->allocation->pos, MRV_EINTERNAL,
                     "allocation is not implemented yet");
}

void mrv_ledger_free(mrv_ledger *l)
{
    (void)l;
}

mrv_status mrv_ledger_write(const mrv_run *run, mrv_outset *set,
                            mrv_diag *d)
{
    (void)run;
    (void)set;
    (void)d;
    return MRV_OK;
}
