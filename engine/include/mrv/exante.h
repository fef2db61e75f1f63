/*
** exante.h -- which inputs a monitored project changed from its ex-ante
** estimate (docs/monitoring.md, "Ex-ante and monitored").
**
** Parameters are matched by name across the two bound projects (their
** methodologies may differ: an ex-post methodology reads a registry where
** the ex-ante one forecast a fleet).  A parameter in both is the same
** when it is over the same dimensions with the same members and every
** element the monitored run covers has the same central value; else it
** changed, and the first element that differs is named.
*/
#ifndef MRV_EXANTE_H
#define MRV_EXANTE_H

#include <stddef.h>

#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Compares every parameter of 'mon' and 'ea' by name into *out (malloc'd,
** *n entries: the monitored methodology's parameters in order, then
** those only the ex-ante one has).  MRV_OK or MRV_ENOMEM. */
mrv_status mrv_exante_inputs(const mrv_bound *ea, const mrv_bound *mon,
                             mrv_input_change **out, size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* MRV_EXANTE_H */
