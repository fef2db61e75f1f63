/*
** strmap.h -- names to their index: a string -> index hash map (internal).
**
** A list of distinct names, in the order they were added (key i has
** index i), with a table to find a name's index in constant time: open
** addressing with linear probing on FNV-1a (hash.h), doubled at half
** full.  Members, factor entries and the rows of a data file are looked
** up by name once each, so a list of n names costs O(n), never the
** O(n^2) of a scan per name.
**
** The map borrows its keys (it keeps pointers, never copies): each must
** outlive the map.  It owns its two arrays; free them with
** mrv__strmap_free.  An allocation that fails leaves the map as it was
** and sets 'failed' for good (as mrv_vec does), so a caller that adds
** many keys may test once at the end.
*/
#ifndef MRV_STRMAP_H
#define MRV_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mrv__strmap {
    const char **keys; /* keys[i]: the key of index i (borrowed) */
    uint32_t *slot;    /* index + 1 of the key hashed there; 0 empty */
    size_t n;          /* keys added */
    size_t nkeys_cap;  /* room in keys[] */
    size_t cap;        /* slots: 0, or a power of two above 2n */
    bool failed;       /* an allocation failed */
} mrv__strmap;

/* The empty map (a zeroed struct is one too). */
void mrv__strmap_init(mrv__strmap *m);
/* Frees the map's arrays (not the keys) and empties it; accepts NULL. */
void mrv__strmap_free(mrv__strmap *m);

/* The index of 'key' (NUL-terminated), adding it as index n (the count
** before the call) when the map does not hold it; so a result below
** that count means the key was added before.  SIZE_MAX when out of
** memory (the map unchanged, 'failed' set) or when the map has failed
** before.  At most UINT32_MAX - 1 keys: past that, out of memory. */
size_t mrv__strmap_add(mrv__strmap *m, const char *key);
/* Adds keys[0..n) in order (mrv__strmap_add), for a list whose names
** are distinct and new to the map: into an empty map, key i gets index
** i.  False when out of memory, or when a name repeats one added before
** (its index would not be its position). */
bool mrv__strmap_add_all(mrv__strmap *m, const char *const *keys, size_t n);

/* The index of the key equal to the 'len' bytes at 's' (which need not
** be NUL-terminated), or SIZE_MAX when the map holds none. */
size_t mrv__strmap_find(const mrv__strmap *m, const char *s, size_t len);
/* The same for a NUL-terminated 'key'. */
size_t mrv__strmap_get(const mrv__strmap *m, const char *key);

#endif /* MRV_STRMAP_H */
