/*
** arena.h -- bump allocator for everything that lives as long as a model.
**
** Strings, YAML nodes, ASTs, symbol tables and programs are allocated here
** and released together by mrv_arena_free().  All memory comes through one
** allocation function, so tests can make the Nth allocation fail.  A
** failure is sticky: after one, every later allocation returns NULL and
** mrv_arena_failed() reports it, so a long build can check once at the end
** (every pointer is still NULL-checked where it is used).
*/
#ifndef MRV_ARENA_H
#define MRV_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lua-style allocator: nsize == 0 frees 'ptr' and returns NULL; otherwise
** returns a block of nsize bytes (ptr is always NULL here: the arena never
** reallocates) or NULL on failure. */
typedef void *(*mrv_allocf)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct mrv_arena mrv_arena;

/* Returns a new arena drawing from 'f' (NULL: malloc/free), or NULL. */
mrv_arena *mrv_arena_new(mrv_allocf f, void *ud);
/* Releases every block and the arena; accepts NULL. */
void mrv_arena_free(mrv_arena *a);
/* Sets the size of the chunks that later allocations are carved from
** (default 64 KiB).  0 gives every allocation a block of its own from the
** allocation function: slow, but a test that fails the Nth call of that
** function then reaches every allocation site in turn. */
void mrv_arena_set_chunk_size(mrv_arena *a, size_t n);

/* Returns 'n' zeroed bytes aligned for any type, valid until the arena is
** freed, or NULL (and sets the sticky failure flag). */
void *mrv_arena_alloc(mrv_arena *a, size_t n);
/* Array of 'count' elements of 'size' bytes, overflow-checked. */
void *mrv_arena_array(mrv_arena *a, size_t count, size_t size);
void *mrv_arena_memdup(mrv_arena *a, const void *p, size_t n);
char *mrv_arena_strdup(mrv_arena *a, const char *s);
char *mrv_arena_strndup(mrv_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *mrv_arena_printf(mrv_arena *a, const char *fmt, ...) MRV_PRINTF(2, 3);

bool mrv_arena_failed(const mrv_arena *a);
/* Bytes handed out so far (for limits and tests). */
size_t mrv_arena_used(const mrv_arena *a);

/* A growable array of pointers or values built up in malloc'd memory and
** then frozen into the arena; used while the final count is unknown. */
typedef struct mrv_vec {
    void *data;
    size_t n, cap, elem;
    bool failed;
} mrv_vec;

void mrv_vec_init(mrv_vec *v, size_t elem);
/* Appends one element (copied from 'x'); returns false when out of memory
** (and the vector remembers it). */
bool mrv_vec_push(mrv_vec *v, const void *x);
/* Copies the contents into 'a' (NULL when empty or on failure), frees the
** vector's own memory and resets it. */
void *mrv_vec_freeze(mrv_vec *v, mrv_arena *a);
void mrv_vec_free(mrv_vec *v);
#define MRV_VEC_AT(v, T, i) (((T *)(v)->data)[i])

#ifdef __cplusplus
}
#endif

#endif /* MRV_ARENA_H */
