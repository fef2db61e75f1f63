/*
** arena.c -- bump allocator with a pluggable allocation function.
**
** Memory is carved from a linked list of chunks; a request larger than a
** chunk gets a chunk of its own.  Nothing is freed individually.  The first
** failed allocation sets 'failed' for good (SQLite's mallocFailed idea), so
** a caller building a large structure can test once at the end.
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_SIZE (64u * 1024u)
#define ALIGN      (sizeof(max_align_t))

typedef struct chunk {
    struct chunk *next;
    size_t size; /* bytes in 'mem' */
    size_t used;
    max_align_t mem[]; /* aligned payload */
} chunk;

struct mrv_arena {
    mrv_allocf f;
    void *ud;
    chunk *head;
    size_t used;
    size_t chunk_size; /* CHUNK_SIZE, or 0: a block per allocation */
    bool failed;
};

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return malloc(nsize);
}

mrv_arena *mrv_arena_new(mrv_allocf f, void *ud)
{
    if (!f) f = default_alloc;
    mrv_arena *a = f(ud, NULL, 0, sizeof *a);
    if (!a) return NULL;
    memset(a, 0, sizeof *a);
    a->f = f;
    a->ud = ud;
    a->chunk_size = CHUNK_SIZE;
    return a;
}

void mrv_arena_set_chunk_size(mrv_arena *a, size_t n)
{
    if (a) a->chunk_size = n;
}

void mrv_arena_free(mrv_arena *a)
{
    if (!a) return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        a->f(a->ud, c, sizeof *c + c->size, 0);
        c = next;
    }
    a->f(a->ud, a, sizeof *a, 0);
}

void *mrv_arena_alloc(mrv_arena *a, size_t n)
{
    if (!a || a->failed) return NULL;
    if (n == 0) n = 1;
    if (n > SIZE_MAX - ALIGN) goto fail;
    n = (n + ALIGN - 1) / ALIGN * ALIGN;

    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > a->chunk_size ? n : a->chunk_size;
        chunk *nc = a->f(a->ud, NULL, 0, sizeof *nc + size);
        if (!nc) goto fail;
        nc->size = size;
        nc->used = 0;
        if (c && n > a->chunk_size) {
            /* A big block goes behind the current chunk so the current
            ** chunk's free space stays usable. */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = (char *)c->mem + c->used;
    c->used += n;
    a->used += n;
    memset(p, 0, n);
    return p;
fail:
    a->failed = true;
    return NULL;
}

void *mrv_arena_array(mrv_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        if (a) a->failed = true;
        return NULL;
    }
    return mrv_arena_alloc(a, count * size);
}

void *mrv_arena_memdup(mrv_arena *a, const void *p, size_t n)
{
    void *q = mrv_arena_alloc(a, n);
    if (q && n) memcpy(q, p, n);
    return q;
}

char *mrv_arena_strndup(mrv_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        if (a) a->failed = true;
        return NULL;
    }
    char *q = mrv_arena_alloc(a, n + 1);
    if (!q) return NULL;
    memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

char *mrv_arena_strdup(mrv_arena *a, const char *s)
{
    return s ? mrv_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mrv_arena_printf(mrv_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *q = mrv_arena_alloc(a, (size_t)n + 1);
    if (!q) return NULL;
    va_start(ap, fmt);
    vsnprintf(q, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return q;
}

bool mrv_arena_failed(const mrv_arena *a)
{
    return !a || a->failed;
}

size_t mrv_arena_used(const mrv_arena *a)
{
    return a ? a->used : 0;
}

void mrv_vec_init(mrv_vec *v, size_t elem)
{
    memset(v, 0, sizeof *v);
    v->elem = elem;
}

bool mrv_vec_push(mrv_vec *v, const void *x)
{
    if (v->failed) return false;
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        if (cap > SIZE_MAX / v->elem) {
            v->failed = true;
            return false;
        }
        void *d = realloc(v->data, cap * v->elem);
        if (!d) {
            v->failed = true;
            return false;
        }
        v->data = d;
        v->cap = cap;
    }
    memcpy((char *)v->data + v->n * v->elem, x, v->elem);
    v->n++;
    return true;
}

void *mrv_vec_freeze(mrv_vec *v, mrv_arena *a)
{
    void *out = NULL;
    if (!v->failed && v->n) out = mrv_arena_memdup(a, v->data, v->n * v->elem);
    free(v->data);
    size_t elem = v->elem;
    mrv_vec_init(v, elem);
    return out;
}

void mrv_vec_free(mrv_vec *v)
{
    free(v->data);
    size_t elem = v->elem;
    mrv_vec_init(v, elem);
}
