/*
** mc.h -- Monte Carlo over blocks of draws (DESIGN §6, §10).
**
** Fills the uncertain inputs of a lowered program with draws, block by
** block, runs the VM on each block and keeps every result's draws, then
** summarises them into the run's statistics.
*/
#ifndef MRV_MC_H
#define MRV_MC_H

#include "diag.h"
#include "run.h"

/* Runs run->draws draws with run->seed on 'threads' threads (0: all
** cores) and fills run->stats (central values must already be there) and
** run->samples.  Results do not depend on the thread count. */
mrv_status mrv_mc_run(mrv_run *run, unsigned threads, mrv_diag *diag);

#endif /* MRV_MC_H */
