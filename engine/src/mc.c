/*
** mc.c -- placeholder until Monte Carlo sampling lands (issue 3): refuses
** to pretend, so a project asking for draws gets a clear error.
*/
#include "mc.h"

mrv_status mrv_mc_run(mrv_run *run, unsigned threads, mrv_diag *d)
{
    (void)threads;
    mrv_srcpos at = run->bound->project->mc.pos;
    return mrv_error(d, at, MRV_EINTERNAL,
                     "Monte Carlo is not implemented yet; run with --draws 0");
}
