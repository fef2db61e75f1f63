/*
** suggest.c -- "did you mean" hints for misspelt names (internal).
**
** A name that is not found is compared with the names that would have
** been, by edit distance (Levenshtein: insertions, deletions and
** substitutions each count one).  The closest within a small distance,
** which grows with the name's length, is offered as a hint; a name far
** from all of them gets none.  Nothing is allocated.
*/
#include <string.h>

#include "suggest.h"

size_t mrv__edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MRV_MAX_NAME || lb >= MRV_MAX_NAME) return MRV_MAX_NAME;
    size_t row[MRV_MAX_NAME];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *mrv__closest(const char *name, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bestd = 0;
    size_t len = strlen(name);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        if (!names[i]) continue;
        size_t dist = mrv__edit_distance(name, names[i]);
        if (dist == 0) continue;
        /* Replacing every character is no hint: 'c' is not a typo of
        ** 'a', though they are one edit apart. */
        size_t ln = strlen(names[i]);
        if (dist >= (len > ln ? len : ln)) continue;
        if (dist <= limit && (!best || dist < bestd)) {
            best = names[i];
            bestd = dist;
        }
    }
    return best;
}
