/*
** strmap.c -- names to their index (strmap.h).
**
** Two arrays: the keys in the order they were added, and a table of
** slots holding a key's index + 1 (0: empty) at the position its FNV-1a
** hash leads to, or the next free one after it.  The table is kept at
** most half full, so a probe is short; it grows by building a table
** twice the size from the keys (the slots of the old one are not read).
** Nothing is ever removed.
*/
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"

/* The first slots a table gets, and the first keys: a power of two. */
#define FIRST_CAP 16

void mrv__strmap_init(mrv__strmap *m)
{
    memset(m, 0, sizeof *m);
}

void mrv__strmap_free(mrv__strmap *m)
{
    if (!m) return;
    free((void *)m->keys);
    free(m->slot);
    mrv__strmap_init(m);
}

/* Whether key 'k' is the 'len' bytes at 's'.  The length is compared
** first so memcmp never reads past the end of a shorter key. */
static bool same(const char *k, const char *s, size_t len)
{
    return strlen(k) == len && memcmp(k, s, len) == 0;
}

/* The slot holding the key equal to s[0..len) with hash 'h', or the
** empty slot where it would go. */
static size_t probe(const mrv__strmap *m, const char *s, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1, j = (size_t)h & mask;
    while (m->slot[j] && !same(m->keys[m->slot[j] - 1], s, len))
        j = (j + 1) & mask;
    return j;
}

/* Room for one more key: the keys' array and a table kept at most half
** full.  False when out of memory (the map as it was). */
static bool reserve(mrv__strmap *m)
{
    if (m->n >= UINT32_MAX - 1) return false;
    if (m->n == m->nkeys_cap) {
        size_t nk = m->nkeys_cap ? 2 * m->nkeys_cap : FIRST_CAP;
        const char **keys = realloc((void *)m->keys, nk * sizeof *keys);
        if (!keys) return false;
        m->keys = keys;
        m->nkeys_cap = nk;
    }
    if (2 * (m->n + 1) <= m->cap) return true;
    size_t cap = m->cap ? 2 * m->cap : FIRST_CAP;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot) return false;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = (size_t)mrv__fnv1a_str(m->keys[i]) & (cap - 1);
        while (slot[j]) j = (j + 1) & (cap - 1);
        slot[j] = (uint32_t)i + 1;
    }
    free(m->slot);
    m->slot = slot;
    m->cap = cap;
    return true;
}

size_t mrv__strmap_add(mrv__strmap *m, const char *key)
{
    if (m->failed) return SIZE_MAX;
    size_t len = strlen(key);
    uint64_t h = mrv__fnv1a(key, len);
    if (m->cap) {
        size_t j = probe(m, key, len, h);
        if (m->slot[j]) return m->slot[j] - 1;
    }
    if (!reserve(m)) {
        m->failed = true;
        return SIZE_MAX;
    }
    /* The table may have grown: probe it again for the empty slot. */
    size_t j = probe(m, key, len, h);
    m->keys[m->n] = key;
    m->slot[j] = (uint32_t)++m->n;
    return m->n - 1;
}

bool mrv__strmap_add_all(mrv__strmap *m, const char *const *keys, size_t n)
{
    /* A repeated name would shift every later index off its position:
    ** refused, never a map that finds the wrong name. */
    for (size_t i = 0, n0 = m->n; i < n; i++)
        if (mrv__strmap_add(m, keys[i]) != n0 + i) return false;
    return true;
}

size_t mrv__strmap_find(const mrv__strmap *m, const char *s, size_t len)
{
    if (!m->cap) return SIZE_MAX;
    size_t j = probe(m, s, len, mrv__fnv1a(s, len));
    return m->slot[j] ? (size_t)m->slot[j] - 1 : SIZE_MAX;
}

size_t mrv__strmap_get(const mrv__strmap *m, const char *key)
{
    return mrv__strmap_find(m, key, strlen(key));
}
