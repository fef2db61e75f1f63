/*
** inputs.h -- every parameter of a run as written, with its source.
**
** What a working group reads before it trusts a number: for each
** parameter of the methodology, the value the run used as the file wrote
** it (a number, a quantity, a factor reference, a series or a member map,
** summarised), its unit, its uncertainty as written, where it was
** written (file:line), its source, and whether it is sourced or an
** assumption (docs/formats.md, "Sources and assumptions"):
**
**   - assumed:  the value's wrapper, or a wrapper inside it (one member's
**               value), says `assumption: TEXT`, or nothing gives a
**               source;
**   - sourced:  otherwise, with the source the value carries: the
**               wrapper's `source:`, else the factor-table entries it
**               refers to (their sources, tags such as [recalled]
**               included) and the `source:` of wrappers inside it, else
**               the methodology parameter's `source:` for a default.
**
** Read from the bound model (resolve.h) and its YAML nodes; nothing is
** evaluated.  The rows and their text are owned by the list.
*/
#ifndef MRV_INPUTS_H
#define MRV_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "resolve.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_input_row {
    const char *name;   /* the parameter */
    const char *origin; /* "project" or "default" (the methodology's) */
    char *value;        /* as written, summarised to one line */
    const char *unit;   /* the unit the value is written in */
    char *uncertainty;  /* as written, one line; "" when certain */
    mrv_srcpos pos;     /* where the value is written */
    char *source;       /* NULL when none */
    char *assumption;   /* the `assumption:` text (of the wrapper, or
                        ** of the wrappers inside its value, each after
                        ** its member or year), or NULL */
    bool assumed;       /* an assumption (see above) */
} mrv_input_row;

typedef struct mrv_inputs {
    size_t n;
    mrv_input_row *rows; /* in the methodology's parameter order */
} mrv_inputs;

/* Lists every parameter of 'b'.  Returns MRV_OK or MRV_ENOMEM (then
** *out is empty).  Free with mrv_inputs_free. */
mrv_status mrv_inputs_list(const mrv_bound *b, mrv_inputs *out);
void mrv_inputs_free(mrv_inputs *in);

#ifdef __cplusplus
}
#endif

#endif /* MRV_INPUTS_H */
