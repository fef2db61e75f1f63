/*
** output_int.h -- output_set.c's swap, for its unit tests.
*/
#ifndef MRV_OUTPUT_INT_H
#define MRV_OUTPUT_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Puts folder 'tmp' in the place of 'base', both names in the folder
** 'pfd': one rename when 'base' is missing, else renameat2's
** RENAME_EXCHANGE, or (when 'exchange' is false or the filesystem lacks
** it) 'base' renamed aside to an empty sibling first.  On success
** returns 0 and writes into 'aside' (n bytes) the name that now holds
** the previous set, or "" when there was none; on failure returns -1
** with errno set and 'base' as it was. */
int mrv__outset_swap(int pfd, const char *tmp, const char *base, bool exchange,
                     char *aside, size_t n);

#endif /* MRV_OUTPUT_INT_H */
