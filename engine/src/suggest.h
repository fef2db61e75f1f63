/*
** suggest.h -- "did you mean" hints for misspelt names (internal).
**
** Used wherever a name is looked up and not found (YAML keys, formula
** names, factor entries, members, accounts), so every hint is chosen the
** same way.
*/
#ifndef MRV_SUGGEST_H
#define MRV_SUGGEST_H

#include <stddef.h>

#include "caps.h"

/* Levenshtein distance between 'a' and 'b'; MRV_MAX_NAME when either is
** MRV_MAX_NAME characters or longer (no hint is offered for those). */
size_t mrv__edit_distance(const char *a, const char *b);
/* The closest of 'names' (NULL entries skipped) to 'name' within a small
** distance, or NULL. */
const char *mrv__closest(const char *name, const char *const *names, size_t n);

#endif /* MRV_SUGGEST_H */
