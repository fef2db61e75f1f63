/*
** trail.c -- the trail lowering leaves for 'mrv explain' (trail.h).
**
** While lowering runs, each open instance collects the nodes it lowers
** outside sums, its sums, and its reads (one entry per distinct thing
** read, in a hash table).  Instances nest: an 'initial' formula is
** lowered inside the instance that first reads it.  Closing an instance
** sorts its nodes by address and its reads into listing order, and
** freezes both into the bound's arena.
**
** Listing order.  Lowering meets a sum's reads out of written order: a
** factor that does not depend on an index is lowered once, after that
** index's loop (lower.c), and so are its reads.  Each read therefore
** carries a key saying where a reader following the formula as written
** would first meet it: for each sum around it, the sequence number at
** which the sum began, the term, and the factor (0 for the ranges, met
** before the term); then its own sequence number.  A factor moved out of
** a loop counts as read in the first term that loop makes, where a
** reader meets it first.  Keys compare lexicographically; a read keeps
** its smallest key, and a group (one parameter, or one equation) the
** smallest of its reads'.  Sums nested deeper than MAX_FRAMES fall back
** to lowering's order inside.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "trail_int.h"

#define MAX_FRAMES 4
#define KEYLEN     (3 * MAX_FRAMES + 1)

typedef struct rkey {
    uint64_t c[KEYLEN];
    size_t n;
} rkey;

typedef struct rread {
    mrv_trail_read r;
    size_t gslot; /* parameter, or nparams + equation */
    rkey key;     /* the smallest this read was met with */
    rkey gkey;    /* its group's, while sorting */
} rread;

/* A sum being lowered. */
typedef struct frame {
    uint64_t e;  /* sequence number of its beginning */
    uint64_t t;  /* the term being read */
    uint64_t k1; /* its factor + 1; 0: a range */
    uint64_t nt; /* terms so far */
    size_t sum;  /* the recorded sum + 1; 0: inside another sum */
} frame;

typedef struct open_inst {
    mrv_trail_inst in;
    mrv_vec nodes; /* mrv_trail_node, in the order lowered */
    mrv_vec sums;  /* mrv_trail_sum */
    mrv_vec reads; /* rread */
    size_t *tab;   /* hash of reads: index + 1; 0 empty */
    size_t cap;
    frame fr[MAX_FRAMES];
    size_t depth; /* sums open, kept or not */
    uint64_t seq;
} open_inst;

struct mrv__trail_rec {
    const mrv_bound *b;
    mrv_vec open; /* open_inst *, innermost last */
    mrv_vec done; /* mrv_trail_inst */
    mrv_vec vids; /* uint32_t */
    bool failed;
};

/* ---- recorder ---------------------------------------------------------- */

mrv__trail_rec *mrv__trail_rec_new(const mrv_bound *b)
{
    mrv__trail_rec *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->b = b;
    mrv_vec_init(&r->open, sizeof(open_inst *));
    mrv_vec_init(&r->done, sizeof(mrv_trail_inst));
    mrv_vec_init(&r->vids, sizeof(uint32_t));
    return r;
}

static void open_free(open_inst *o)
{
    mrv_vec_free(&o->nodes);
    mrv_vec_free(&o->sums);
    mrv_vec_free(&o->reads);
    free(o->tab);
    free(o);
}

void mrv__trail_rec_free(mrv__trail_rec *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->open.n; i++)
        open_free(MRV_VEC_AT(&r->open, open_inst *, i));
    mrv_vec_free(&r->open);
    mrv_vec_free(&r->done);
    mrv_vec_free(&r->vids);
    free(r);
}

static open_inst *current(mrv__trail_rec *r)
{
    if (!r || r->failed || r->open.n == 0) return NULL;
    return MRV_VEC_AT(&r->open, open_inst *, r->open.n - 1);
}

/* The innermost sum, when it is kept. */
static frame *top(open_inst *o)
{
    if (!o || o->depth == 0 || o->depth > MAX_FRAMES) return NULL;
    return &o->fr[o->depth - 1];
}

static void keep(mrv__trail_rec *r, mrv_trail_val v)
{
    if (v.at != MRV_TRAIL_KNOWN && !mrv_vec_push(&r->vids, &v.at))
        r->failed = true;
}

void mrv__trail_begin(mrv__trail_rec *r, int eq, bool initial, int year,
                      size_t m)
{
    if (!r || r->failed) return;
    open_inst *o = calloc(1, sizeof *o);
    if (!o || !mrv_vec_push(&r->open, &o)) {
        free(o);
        r->failed = true;
        return;
    }
    o->in.eq = eq;
    o->in.initial = initial;
    o->in.year = year;
    o->in.m = m;
    mrv_vec_init(&o->nodes, sizeof(mrv_trail_node));
    mrv_vec_init(&o->sums, sizeof(mrv_trail_sum));
    mrv_vec_init(&o->reads, sizeof(rread));
}

/* ---- nodes and sums ---------------------------------------------------- */

void mrv__trail_node(mrv__trail_rec *r, const mrv_ast *n, mrv_trail_val v)
{
    open_inst *o = current(r);
    if (!o || o->depth) return;
    mrv_trail_node x = {n, v};
    if (!mrv_vec_push(&o->nodes, &x)) r->failed = true;
    keep(r, v);
}

void mrv__trail_sum_begin(mrv__trail_rec *r, const mrv_ast *n, size_t nfactors)
{
    open_inst *o = current(r);
    if (!o) return;
    if (o->depth >= MAX_FRAMES) {
        o->depth++;
        return;
    }
    frame f = {o->seq++, 0, 0, 0, 0};
    if (o->depth == 0) {
        mrv_arena *a = r->b->arena;
        size_t nb = n->nbinders, nf = nfactors;
        mrv_trail_sum s;
        memset(&s, 0, sizeof s);
        s.n = n;
        s.lo = mrv_arena_array(a, nb, sizeof *s.lo);
        s.hi = mrv_arena_array(a, nb, sizeof *s.hi);
        s.minlo = mrv_arena_array(a, nb, sizeof *s.minlo);
        s.maxhi = mrv_arena_array(a, nb, sizeof *s.maxhi);
        s.varies = mrv_arena_array(a, nb, sizeof *s.varies);
        s.iv = mrv_arena_array(a, MRV_TRAIL_TERMS * nb, sizeof *s.iv);
        s.term = mrv_arena_array(a, MRV_TRAIL_TERMS, sizeof *s.term);
        s.nfactors = nf;
        s.factor = mrv_arena_array(a, MRV_TRAIL_TERMS * nf, sizeof *s.factor);
        if (!s.lo || !s.hi || !s.minlo || !s.maxhi || !s.varies || !s.iv ||
            !s.term || !s.factor || !mrv_vec_push(&o->sums, &s)) {
            r->failed = true;
            return;
        }
        mrv_trail_sum *p = &MRV_VEC_AT(&o->sums, mrv_trail_sum, o->sums.n - 1);
        for (size_t k = 0; k < nb; k++) {
            p->minlo[k] = LONG_MAX;
            p->maxhi[k] = LONG_MIN;
        }
        f.sum = o->sums.n;
    }
    o->fr[o->depth++] = f;
}

void mrv__trail_sum_end(mrv__trail_rec *r, mrv_trail_val v)
{
    open_inst *o = current(r);
    if (!o || o->depth == 0) return;
    frame *f = top(o);
    o->depth--;
    if (!f || !f->sum) return;
    mrv_trail_sum *s = &MRV_VEC_AT(&o->sums, mrv_trail_sum, f->sum - 1);
    s->v = v;
    s->nterms = (size_t)f->nt;
    s->nlisted = f->nt < MRV_TRAIL_TERMS ? (size_t)f->nt : MRV_TRAIL_TERMS;
    keep(r, v);
}

size_t mrv__trail_level(mrv__trail_rec *r)
{
    frame *f = top(current(r));
    if (!f) return 0;
    f->t = f->nt;
    f->k1 = 0;
    return (size_t)f->nt;
}

void mrv__trail_range(mrv__trail_rec *r, size_t bi, long lo, long hi)
{
    open_inst *o = current(r);
    frame *f = top(o);
    if (!f || !f->sum) return;
    mrv_trail_sum *s = &MRV_VEC_AT(&o->sums, mrv_trail_sum, f->sum - 1);
    if (s->minlo[bi] == LONG_MAX) {
        s->lo[bi] = s->minlo[bi] = lo;
        s->hi[bi] = s->maxhi[bi] = hi;
    }
    s->varies[bi] |= lo != s->lo[bi] || hi != s->hi[bi];
    if (lo < s->minlo[bi]) s->minlo[bi] = lo;
    if (hi > s->maxhi[bi]) s->maxhi[bi] = hi;
}

size_t mrv__trail_term(mrv__trail_rec *r, const mrv_ast *n, const long *iv)
{
    open_inst *o = current(r);
    frame *f = top(o);
    if (!f) return 0;
    uint64_t t = f->nt++;
    f->t = t;
    f->k1 = 0;
    if (f->sum && t < MRV_TRAIL_TERMS) {
        mrv_trail_sum *s = &MRV_VEC_AT(&o->sums, mrv_trail_sum, f->sum - 1);
        for (size_t k = 0; k < n->nbinders; k++)
            s->iv[t * n->nbinders + k] = iv[n->binders[k].slot];
    }
    return (size_t)t;
}

void mrv__trail_factor_at(mrv__trail_rec *r, size_t t0, size_t k)
{
    frame *f = top(current(r));
    if (!f) return;
    f->t = t0;
    f->k1 = k + 1;
}

void mrv__trail_factor(mrv__trail_rec *r, size_t t0, size_t k, mrv_trail_val v)
{
    open_inst *o = current(r);
    frame *f = top(o);
    if (!f || !f->sum) return;
    mrv_trail_sum *s = &MRV_VEC_AT(&o->sums, mrv_trail_sum, f->sum - 1);
    if (k >= s->nfactors) return; /* NEVER: lowering split the body so */
    for (size_t t = t0; t < f->nt && t < MRV_TRAIL_TERMS; t++) {
        s->factor[t * s->nfactors + k] = v;
        keep(r, v);
    }
}

/* ---- reads ------------------------------------------------------------- */

static int key_cmp(const rkey *a, const rkey *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++)
        if (a->c[i] != b->c[i]) return a->c[i] < b->c[i] ? -1 : 1;
    return (a->n > b->n) - (a->n < b->n);
}

static uint64_t read_hash(const mrv_trail_read *x)
{
    uint64_t h = mrv__splitmix64((uint64_t)x->kind << 32 | (uint32_t)x->idx);
    h = mrv__splitmix64(h ^ (uint32_t)x->year);
    for (int i = 0; i < MRV_MAX_AXES; i++) h = mrv__splitmix64(h ^ x->mem[i]);
    return h;
}

static bool read_same(const mrv_trail_read *x, const mrv_trail_read *y)
{
    return x->kind == y->kind && x->idx == y->idx && x->year == y->year &&
           memcmp(x->mem, y->mem, sizeof x->mem) == 0;
}

/* The read's slot in the hash table, which grows at half full; NULL when
** out of memory. */
static size_t *read_slot(open_inst *o, const mrv_trail_read *x)
{
    if (2 * (o->reads.n + 1) > o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        size_t *t = calloc(cap, sizeof *t);
        if (!t) return NULL;
        for (size_t i = 0; i < o->reads.n; i++) {
            const rread *e = &MRV_VEC_AT(&o->reads, rread, i);
            size_t j = read_hash(&e->r) & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = i + 1;
        }
        free(o->tab);
        o->tab = t;
        o->cap = cap;
    }
    size_t j = read_hash(x) & (o->cap - 1);
    while (o->tab[j] &&
           !read_same(&MRV_VEC_AT(&o->reads, rread, o->tab[j] - 1).r, x))
        j = (j + 1) & (o->cap - 1);
    return &o->tab[j];
}

void mrv__trail_read(mrv__trail_rec *r, mrv_trail_kind kind, int idx, int year,
                     const size_t *mem, mrv_trail_val v)
{
    open_inst *o = current(r);
    if (!o) return;
    const mrv_methodology *m = r->b->meth;
    rread x;
    memset(&x, 0, sizeof x);
    x.r.kind = kind;
    x.r.idx = idx;
    x.r.year = year;
    x.r.v = v;
    x.gslot = (size_t)idx;
    if (kind == MRV_TRAIL_PARAM) {
        const mrv_param *p = &m->params[idx];
        for (size_t i = 0; i < p->nover; i++)
            if (p->over[i] != MRV_AXIS_VINTAGE)
                x.r.mem[i] = (uint32_t)mem[p->over[i]];
    } else {
        const mrv_equation *e = &m->eqs[idx];
        for (size_t i = 0; mem && i < e->nover; i++)
            x.r.mem[i] = (uint32_t)mem[i];
        x.gslot += m->nparams;
    }
    size_t depth = o->depth < MAX_FRAMES ? o->depth : MAX_FRAMES;
    for (size_t i = 0; i < depth; i++) {
        x.key.c[x.key.n++] = o->fr[i].e;
        x.key.c[x.key.n++] = o->fr[i].t;
        x.key.c[x.key.n++] = o->fr[i].k1;
    }
    x.key.c[x.key.n++] = o->seq++;
    size_t *slot = read_slot(o, &x.r);
    if (!slot) {
        r->failed = true;
        return;
    }
    if (*slot) {
        rread *had = &MRV_VEC_AT(&o->reads, rread, *slot - 1);
        if (key_cmp(&x.key, &had->key) < 0) had->key = x.key;
        return;
    }
    if (!mrv_vec_push(&o->reads, &x)) {
        r->failed = true;
        return;
    }
    *slot = o->reads.n;
    keep(r, v);
}

/* ---- closing ----------------------------------------------------------- */

static int by_group_slot(const void *x, const void *y)
{
    const rread *a = x, *b = y;
    if (a->gslot != b->gslot) return a->gslot < b->gslot ? -1 : 1;
    return key_cmp(&a->key, &b->key);
}

static int by_listing(const void *x, const void *y)
{
    const rread *a = x, *b = y;
    int c = key_cmp(&a->gkey, &b->gkey);
    return c ? c : key_cmp(&a->key, &b->key);
}

typedef struct noderank {
    mrv_trail_node x;
    size_t i;
} noderank;

static int by_address(const void *x, const void *y)
{
    const noderank *a = x, *b = y;
    uintptr_t p = (uintptr_t)a->x.n, q = (uintptr_t)b->x.n;
    if (p != q) return p < q ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Nodes by address, the last value of a node lowered twice winning. */
static bool freeze_nodes(open_inst *o, mrv_arena *a)
{
    size_t n = o->nodes.n;
    if (n == 0) return true;
    noderank *t = malloc(n * sizeof *t);
    mrv_trail_node *out = mrv_arena_array(a, n, sizeof *out);
    if (!t || !out) {
        free(t);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        t[i].x = MRV_VEC_AT(&o->nodes, mrv_trail_node, i);
        t[i].i = i;
    }
    qsort(t, n, sizeof *t, by_address);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && t[i + 1].x.n == t[i].x.n) continue;
        out[m++] = t[i].x;
    }
    free(t);
    o->in.nodes = out;
    o->in.nnodes = m;
    return true;
}

static bool freeze_reads(open_inst *o, mrv_arena *a)
{
    size_t n = o->reads.n;
    if (n == 0) return true;
    rread *r = o->reads.data;
    qsort(r, n, sizeof *r, by_group_slot);
    for (size_t i = 0; i < n; i++)
        r[i].gkey =
            i && r[i - 1].gslot == r[i].gslot ? r[i - 1].gkey : r[i].key;
    qsort(r, n, sizeof *r, by_listing);
    mrv_trail_read *out = mrv_arena_array(a, n, sizeof *out);
    if (!out) return false;
    size_t g = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || r[i - 1].gslot != r[i].gslot) g++;
        out[i] = r[i].r;
        out[i].group = g;
    }
    o->in.reads = out;
    o->in.nreads = n;
    return true;
}

void mrv__trail_end(mrv__trail_rec *r, mrv_trail_val v)
{
    open_inst *o = current(r);
    if (!o) return;
    r->open.n--;
    mrv_arena *a = r->b->arena;
    o->in.v = v;
    keep(r, v);
    o->in.nsums = o->sums.n;
    o->in.sums = mrv_vec_freeze(&o->sums, a);
    bool ok = o->depth == 0 && (o->in.nsums == 0 || o->in.sums) &&
              freeze_nodes(o, a) && freeze_reads(o, a) &&
              mrv_vec_push(&r->done, &o->in);
    if (!ok) r->failed = true;
    open_free(o);
}

const uint32_t *mrv__trail_vids(const mrv__trail_rec *r, size_t *n)
{
    *n = r ? r->vids.n : 0;
    return r ? r->vids.data : NULL;
}

mrv_trail *mrv__trail_close(mrv__trail_rec *r)
{
    if (!r || r->failed || r->open.n) return NULL;
    const mrv_bound *b = r->b;
    mrv_arena *a = b->arena;
    mrv_trail *t = mrv_arena_alloc(a, sizeof *t);
    size_t nby = b->neqvals;
    if (!t) return NULL;
    memset(t, 0, sizeof *t);
    t->b = b;
    t->first = b->first;
    t->nvint = b->nvint;
    t->ninst = r->done.n;
    t->inst = mrv_vec_freeze(&r->done, a);
    t->by_eq = mrv_arena_array(a, nby + 1, sizeof *t->by_eq);
    if ((t->ninst && !t->inst) || !t->by_eq) return NULL;
    memset(t->by_eq, 0, (nby + 1) * sizeof *t->by_eq);
    for (size_t i = 0; i < t->ninst; i++) {
        const mrv_trail_inst *in = &t->inst[i];
        if (in->initial) continue;
        t->by_eq[mrv_bound_eq_at(b, (size_t)in->eq,
                                 (size_t)(in->year - b->first), in->m)] = i + 1;
    }
    return t;
}

/* ---- after lowering ---------------------------------------------------- */

typedef void (*val_fn)(mrv_trail_val *v, const void *ctx);

/* Applies 'fn' to every value of the trail. */
static void each_val(mrv_trail *t, val_fn fn, const void *ctx)
{
    for (size_t i = 0; i < t->ninst; i++) {
        mrv_trail_inst *in = &t->inst[i];
        fn(&in->v, ctx);
        for (size_t j = 0; j < in->nnodes; j++) fn(&in->nodes[j].v, ctx);
        for (size_t j = 0; j < in->nreads; j++) fn(&in->reads[j].v, ctx);
        for (size_t j = 0; j < in->nsums; j++) {
            mrv_trail_sum *s = &in->sums[j];
            fn(&s->v, ctx);
            for (size_t k = 0; k < s->nlisted * s->nfactors; k++)
                fn(&s->factor[k], ctx);
        }
    }
}

static void to_slot(mrv_trail_val *v, const void *ctx)
{
    const uint32_t *slot = ctx;
    if (v->at != MRV_TRAIL_KNOWN) v->at = slot[v->at];
}

void mrv__trail_slots(mrv_trail *t, const uint32_t *slot)
{
    each_val(t, to_slot, slot);
}

static void from_slot(mrv_trail_val *v, const void *ctx)
{
    const double *slots = ctx;
    if (v->at != MRV_TRAIL_KNOWN) v->value = slots[v->at];
}

void mrv_trail_fill(mrv_trail *t, const double *slots)
{
    each_val(t, from_slot, slots);
    for (size_t i = 0; i < t->ninst; i++) {
        const mrv_trail_inst *in = &t->inst[i];
        for (size_t j = 0; j < in->nsums; j++) {
            mrv_trail_sum *s = &in->sums[j];
            for (size_t k = 0; k < s->nlisted; k++) {
                const mrv_trail_val *f = &s->factor[k * s->nfactors];
                double p = f[0].value;
                for (size_t q = 1; q < s->nfactors; q++) p *= f[q].value;
                s->term[k] = p;
            }
        }
    }
}

/* ---- lookups ----------------------------------------------------------- */

const mrv_trail_inst *mrv_trail_find(const mrv_trail *t, int eq, bool initial,
                                     int year, size_t m)
{
    if (eq < 0 || (size_t)eq >= t->b->meth->neqs || m >= t->b->eq_nmem[eq])
        return NULL;
    if (!initial) {
        if (year < t->first || (size_t)(year - t->first) >= t->nvint)
            return NULL;
        size_t i = t->by_eq[mrv_bound_eq_at(t->b, (size_t)eq,
                                            (size_t)(year - t->first), m)];
        return i ? &t->inst[i - 1] : NULL;
    }
    /* Initial formulas are few: one per equation with a lag (and member). */
    for (size_t i = 0; i < t->ninst; i++) {
        const mrv_trail_inst *in = &t->inst[i];
        if (in->initial && in->eq == eq && in->year == year && in->m == m)
            return in;
    }
    return NULL;
}

bool mrv_trail_value(const mrv_trail_inst *in, const mrv_ast *n, double *v)
{
    size_t lo = 0, hi = in->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uintptr_t p = (uintptr_t)in->nodes[mid].n;
        if (p == (uintptr_t)n) {
            *v = in->nodes[mid].v.value;
            return true;
        }
        if (p < (uintptr_t)n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}
