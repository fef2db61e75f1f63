/*
** explain.c -- 'mrv explain': how one number of a run was formed.
**
** An explanation is a tree of equations at years, printed depth first,
** each node once: the root (NAME at the vintage asked), then every
** equation it reads (at the year read), and so on down to equations that
** read only parameters.  A node shows its formula, its central value, the
** formula with its names replaced by their values, its sums and the
** distinct things it reads.
**
** Where the numbers come from.  An equation's value is the run's
** (mrv_run.eq_central, from the program lowered with keep_equations), so
** it is the number report.json carries.  Everything finer (the value of
** each name in a formula, of each sum and of its terms, the list of
** parameter elements read) comes from a walk of the formula's syntax tree
** in the central case (struct walk): it reads parameter elements through
** mrv_bound_pick exactly as lowering does, equations from eq_central, and
** applies each operation through mrv_eval_op, the VM's own scalar
** semantics.  The walk's total must agree with the program's value: only
** rounding may differ (lowering takes factors out of sums and reorders
** products), bounded here by AGREE times the largest magnitude met in the
** formula; a larger difference is a bug and fails the explanation rather
** than print a tree that does not add up.
**
** Memory: each node's walk owns its tables (malloc) and frees them when
** the node is printed; the text goes to a memory stream that is copied to
** the caller's FILE only when the whole explanation succeeded.  Nothing is
** kept between calls.
*/
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "explain.h"
#include "output.h"
#include "hash.h"
#include "schema.h"

#define MAX_SCOPE         64   /* sum index slots, as in lower.c */
#define MAX_LISTED        40   /* elements of one parameter listed per node */
#define MAX_TERMS_LISTED  12   /* a sum with more terms is summarised */
#define MAX_MEMBERS_SHOWN 8    /* members named in a binder */
#define MAX_ELEMENTS      200  /* elements of a parameter explained alone */
#define MAX_INDENT        10   /* deeper levels are not indented further */
#define AGREE             1e-9 /* walk vs program, relative to magnitude */
#define SUB_DIGITS        7    /* significant digits in the 'values' line */
/* Significant digits of values the walk recomputed (sums and terms agree
** with the program to about 1e-15) and of inputs converted back from the
** internal scale: more would show noise (0.2 kg/km as 0.19999999999999998).
*/
#define WALK_DIGITS 15

enum { XR_PARAM, XR_EQ, XR_INIT };

/* A distinct thing a formula reads: parameter element (members by axis,
** year or MRV_NO_YEAR), equation at a year, or an equation's 'initial'
** at a year before the first vintage. */
typedef struct xkey {
    int kind, idx, year;
    uint32_t mem[MRV_MAX_AXES];
} xkey;

typedef struct xread {
    xkey k;
    double value;      /* internal scale */
    size_t group, seq; /* rank of its parameter or equation; order read */
} xread;

/* A sum written at the formula's top level (not inside another sum). */
typedef struct xsum {
    const mrv_ast *n;
    size_t nterms;
    double value;
    long *lo, *hi; /* [nbinders]: range first seen */
    bool *varies;  /* [nbinders]: range differs between terms */
    long *minlo, *maxhi;
    long *tiv; /* [MAX_TERMS_LISTED * nbinders] */
    double tval[MAX_TERMS_LISTED];
} xsum;

typedef struct nodeval {
    const mrv_ast *n; /* NULL: empty */
    double v;
} nodeval;

typedef struct walk {
    const mrv_run *run;
    const mrv_bound *b;
    const mrv_methodology *m;
    int year;
    long iv[MAX_SCOPE];
    unsigned insum; /* > 0 inside a sum's body or ranges */
    double mag;     /* largest |value| met */
    mrv_vec reads;  /* xread */
    size_t *rtab;   /* hash of reads: index + 1, 0 empty */
    size_t rcap;
    size_t *grank; /* [nparams + neqs]: group rank + 1 */
    size_t ngroups;
    nodeval *nv; /* values of top-level nodes, by address */
    size_t nnv, capnv;
    mrv_vec sums; /* xsum */
    size_t *mem;  /* scratch: member per dimension */
    bool failed;
    mrv_status st;
    char why[320];
} walk;

static void wfail(walk *w, mrv_status st, const char *fmt, ...)
    MRV_PRINTF(3, 4);
static void wfail(walk *w, mrv_status st, const char *fmt, ...)
{
    if (w->failed) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, sizeof w->why, fmt, ap);
    va_end(ap);
    w->failed = true;
    w->st = st;
}

static void nomem(walk *w)
{
    wfail(w, MRV_ENOMEM, "out of memory");
}

static bool walk_init(walk *w, const mrv_run *run, int year)
{
    memset(w, 0, sizeof *w);
    w->run = run;
    w->b = run->bound;
    w->m = run->bound->meth;
    w->year = year;
    mrv_vec_init(&w->reads, sizeof(xread));
    mrv_vec_init(&w->sums, sizeof(xsum));
    w->grank = calloc(w->m->nparams + w->m->neqs + 1, sizeof *w->grank);
    w->mem = calloc(w->b->ndims + 1, sizeof *w->mem);
    return w->grank && w->mem;
}

static void walk_free(walk *w)
{
    for (size_t i = 0; i < w->sums.n; i++) {
        xsum *s = &MRV_VEC_AT(&w->sums, xsum, i);
        free(s->lo);
        free(s->hi);
        free(s->varies);
        free(s->minlo);
        free(s->maxhi);
        free(s->tiv);
    }
    mrv_vec_free(&w->sums);
    mrv_vec_free(&w->reads);
    free(w->rtab);
    free(w->grank);
    free(w->nv);
    free(w->mem);
}

/* ---- small hash tables ------------------------------------------------- */

static uint64_t key_hash(const xkey *k)
{
    uint64_t h =
        mrv__splitmix64((uint64_t)(uint32_t)k->kind << 32 | (uint32_t)k->idx);
    h = mrv__splitmix64(h ^ (uint32_t)k->year);
    for (int i = 0; i < MRV_MAX_AXES; i++) h = mrv__splitmix64(h ^ k->mem[i]);
    return h;
}

static bool key_eq(const xkey *a, const xkey *b)
{
    return a->kind == b->kind && a->idx == b->idx && a->year == b->year &&
           memcmp(a->mem, b->mem, sizeof a->mem) == 0;
}

/* Records a read (once per distinct key). */
static void add_read(walk *w, const xkey *k, double value)
{
    if (2 * (w->reads.n + 1) > w->rcap) {
        size_t cap = w->rcap ? 2 * w->rcap : 64;
        size_t *t = calloc(cap, sizeof *t);
        if (!t) {
            nomem(w);
            return;
        }
        for (size_t i = 0; i < w->reads.n; i++) {
            const xread *r = &MRV_VEC_AT(&w->reads, xread, i);
            size_t j = key_hash(&r->k) & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = i + 1;
        }
        free(w->rtab);
        w->rtab = t;
        w->rcap = cap;
    }
    size_t j = key_hash(k) & (w->rcap - 1);
    while (w->rtab[j]) {
        if (key_eq(&MRV_VEC_AT(&w->reads, xread, w->rtab[j] - 1).k, k)) return;
        j = (j + 1) & (w->rcap - 1);
    }
    size_t g =
        k->kind == XR_PARAM ? (size_t)k->idx : w->m->nparams + (size_t)k->idx;
    if (!w->grank[g]) w->grank[g] = ++w->ngroups;
    xread r = {*k, value, w->grank[g], w->reads.n};
    if (!mrv_vec_push(&w->reads, &r)) {
        nomem(w);
        return;
    }
    w->rtab[j] = w->reads.n;
}

static void put_value(walk *w, const mrv_ast *n, double v)
{
    if (2 * (w->nnv + 1) > w->capnv) {
        size_t cap = w->capnv ? 2 * w->capnv : 64;
        nodeval *t = calloc(cap, sizeof *t);
        if (!t) {
            nomem(w);
            return;
        }
        for (size_t i = 0; i < w->capnv; i++) {
            if (!w->nv[i].n) continue;
            size_t j = mrv__splitmix64((uintptr_t)w->nv[i].n) & (cap - 1);
            while (t[j].n) j = (j + 1) & (cap - 1);
            t[j] = w->nv[i];
        }
        free(w->nv);
        w->nv = t;
        w->capnv = cap;
    }
    size_t j = mrv__splitmix64((uintptr_t)n) & (w->capnv - 1);
    while (w->nv[j].n && w->nv[j].n != n) j = (j + 1) & (w->capnv - 1);
    if (!w->nv[j].n) w->nnv++;
    w->nv[j].n = n;
    w->nv[j].v = v;
}

static bool get_value(const walk *w, const mrv_ast *n, double *v)
{
    if (!w->capnv) return false;
    size_t j = mrv__splitmix64((uintptr_t)n) & (w->capnv - 1);
    while (w->nv[j].n) {
        if (w->nv[j].n == n) {
            *v = w->nv[j].v;
            return true;
        }
        j = (j + 1) & (w->capnv - 1);
    }
    return false;
}

/* ---- the walk ---------------------------------------------------------- */

static double op2(uint32_t op, double b, double c)
{
    mrv_insn in = {op, 0, 0, 0, 0, 0, 0};
    return mrv_eval_op(&in, b, c, 0);
}

static double ev(walk *w, const mrv_ast *n);

static double frac_of(const walk *w, int year)
{
    if (year < w->b->first || year > w->b->last) return 0;
    return w->b->frac[year - w->b->first];
}

static bool has_vintage_axis(const mrv_param *p)
{
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] == MRV_AXIS_VINTAGE) return true;
    return false;
}

/* The central value of parameter element (pi, year, w->mem), as lowering
** forms it (lower.c param_read): each part's leaf at its centre, times its
** relative multipliers at theirs (1), times its weight, summed. */
static double param_read(walk *w, int pi, int year)
{
    const mrv_param *p = &w->m->params[pi];
    mrv_vpick pk;
    char why[200];
    if (mrv_bound_pick(w->b, (size_t)pi, year, w->mem, &pk, why, sizeof why) !=
        MRV_OK) {
        wfail(w, MRV_EINTERNAL,
              "'%s' has no value for %d (%s), though the "
              "run read it",
              p->name, year, why);
        return 0;
    }
    double sum = 0;
    for (size_t k = 0; k < pk.nparts; k++) {
        const mrv_vnode *leaf = pk.part[k].leaf;
        double v =
            leaf->unc && !leaf->unc->relative ? leaf->unc->center : leaf->value;
        v *= pk.part[k].w;
        sum = k ? sum + v : v;
    }
    xkey key;
    memset(&key, 0, sizeof key);
    key.kind = XR_PARAM;
    key.idx = pi;
    key.year = has_vintage_axis(p) ? year : MRV_NO_YEAR;
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] != MRV_AXIS_VINTAGE)
            key.mem[i] = (uint32_t)w->mem[p->over[i]];
    add_read(w, &key, sum);
    return sum;
}

/* An equation's 'initial' at a year before the first vintage: a number in
** the declared unit, or a formula (which reads no equation: compile.c). */
static double initial_value(walk *w, int ei, int year)
{
    const mrv_equation *e = &w->m->eqs[ei];
    if (!e->initial) {
        wfail(w, MRV_EINTERNAL,
              "'%s' is read at %d without an 'initial', "
              "though the run read it",
              e->name, year);
        return 0;
    }
    if (e->initial_is_number) return e->initial->num * e->unit.scale;
    walk sub;
    if (!walk_init(&sub, w->run, year)) {
        walk_free(&sub);
        nomem(w);
        return 0;
    }
    double v = ev(&sub, e->initial);
    if (sub.failed) wfail(w, sub.st, "%s", sub.why);
    walk_free(&sub);
    return v;
}

static double eq_read(walk *w, int ei, int year)
{
    const mrv_equation *e = &w->m->eqs[ei];
    xkey key;
    memset(&key, 0, sizeof key);
    key.idx = ei;
    key.year = year;
    double v;
    if (year > w->year) {
        wfail(w, MRV_EINTERNAL, "'%s' is read at %d, after %d", e->name, year,
              w->year);
        return 0;
    }
    if (year < w->b->first) {
        key.kind = XR_INIT;
        v = initial_value(w, ei, year);
    } else {
        key.kind = XR_EQ;
        v = w->run->eq_central[(size_t)ei * w->b->nvint +
                               (size_t)(year - w->b->first)];
    }
    add_read(w, &key, v);
    return v;
}

/* A subscript or range bound: lowering proved it known and whole. */
static long static_int(walk *w, const mrv_ast *n)
{
    double v = ev(w, n);
    if (w->failed) return 0;
    if (v != floor(v) || fabs(v) > 1e9) {
        wfail(w, MRV_EINTERNAL, "a subscript or range bound is %g", v);
        return 0;
    }
    return (long)v;
}

static double ev_index(walk *w, const mrv_ast *n)
{
    if (n->sym == MRV_SYM_EQUATION)
        return eq_read(w, n->index, (int)static_int(w, n->args[0]));
    const mrv_param *p = &w->m->params[n->index];
    bool has_v = has_vintage_axis(p);
    bool implicit = has_v && n->nargs + 1 == p->nover;
    int year = has_v ? w->year : MRV_NO_YEAR;
    /* The year first: it may read other parameters (through w->mem). */
    size_t a = 0;
    for (size_t i = 0; i < p->nover; i++) {
        if (p->over[i] == MRV_AXIS_VINTAGE && !implicit)
            year = (int)static_int(w, n->args[a]);
        if (p->over[i] != MRV_AXIS_VINTAGE || !implicit) a++;
    }
    a = 0;
    for (size_t i = 0; i < p->nover; i++) {
        if (p->over[i] == MRV_AXIS_VINTAGE) {
            if (!implicit) a++;
            continue;
        }
        int slot = n->args[a]->index;
        if (slot < 0 || slot >= MAX_SCOPE) {
            wfail(w, MRV_EINTERNAL,
                  "a member subscript of '%s' is not a "
                  "bound index",
                  p->name);
            return 0;
        }
        w->mem[p->over[i]] = (size_t)w->iv[slot];
        a++;
    }
    return w->failed ? 0 : param_read(w, n->index, year);
}

/* The sum over binders bi.. in written order; 'xs' collects the terms of
** a top-level sum. */
static double sum_at(walk *w, const mrv_ast *n, size_t bi, xsum *xs)
{
    if (w->failed) return 0;
    if (bi == n->nbinders) {
        double t = ev(w, n->args[0]);
        if (xs) {
            if (xs->nterms < MAX_TERMS_LISTED) {
                for (size_t k = 0; k < n->nbinders; k++)
                    xs->tiv[xs->nterms * n->nbinders + k] =
                        w->iv[n->binders[k].slot];
                xs->tval[xs->nterms] = t;
            }
            xs->nterms++;
        }
        return t;
    }
    const mrv_binder *b = &n->binders[bi];
    if (b->slot < 0 || b->slot >= MAX_SCOPE) {
        wfail(w, MRV_EINTERNAL, "sum index '%s' has no slot", b->name);
        return 0;
    }
    long lo, hi;
    if (b->dim) {
        lo = 0;
        hi = (long)w->b->nmembers[b->dim_index] - 1;
    } else {
        lo = static_int(w, b->lo);
        hi = static_int(w, b->hi);
    }
    if (xs) {
        if (xs->minlo[bi] == LONG_MAX) {
            xs->lo[bi] = xs->minlo[bi] = lo;
            xs->hi[bi] = xs->maxhi[bi] = hi;
        }
        xs->varies[bi] |= lo != xs->lo[bi] || hi != xs->hi[bi];
        if (lo < xs->minlo[bi]) xs->minlo[bi] = lo;
        if (hi > xs->maxhi[bi]) xs->maxhi[bi] = hi;
    }
    double acc = 0;
    for (long i = lo; i <= hi && !w->failed; i++) {
        w->iv[b->slot] = i;
        double t = sum_at(w, n, bi + 1, xs);
        acc = i == lo ? t : acc + t;
    }
    return acc;
}

static double ev_sum(walk *w, const mrv_ast *n)
{
    xsum *xs = NULL;
    if (w->insum == 0) {
        size_t nb = n->nbinders ? n->nbinders : 1;
        xsum s;
        memset(&s, 0, sizeof s);
        s.n = n;
        s.lo = calloc(nb, sizeof *s.lo);
        s.hi = calloc(nb, sizeof *s.hi);
        s.minlo = calloc(nb, sizeof *s.minlo);
        s.maxhi = calloc(nb, sizeof *s.maxhi);
        s.varies = calloc(nb, sizeof *s.varies);
        s.tiv = calloc(MAX_TERMS_LISTED * nb, sizeof *s.tiv);
        bool ok = s.lo && s.hi && s.minlo && s.maxhi && s.varies && s.tiv &&
                  mrv_vec_push(&w->sums, &s);
        if (!ok) {
            free(s.lo);
            free(s.hi);
            free(s.minlo);
            free(s.maxhi);
            free(s.varies);
            free(s.tiv);
            nomem(w);
            return 0;
        }
        xs = &MRV_VEC_AT(&w->sums, xsum, w->sums.n - 1);
        for (size_t k = 0; k < nb; k++) xs->minlo[k] = LONG_MAX;
    }
    /* Nested sums record nothing (insum > 0), so the vector does not grow
    ** while this one runs and xs stays valid. */
    w->insum++;
    double v = sum_at(w, n, 0, xs);
    w->insum--;
    if (xs) xs->value = v;
    return v;
}

static double ev_call(walk *w, const mrv_ast *n)
{
    mrv_ast *const *a = n->args;
    switch (n->func) {
    case MRV_F_IF: {
        double c = ev(w, a[0]);
        if (c != c) return c; /* a NaN condition selects nothing */
        return ev(w, c != 0 ? a[1] : a[2]);
    }
    case MRV_F_MIN:
    case MRV_F_MAX: {
        uint32_t op = n->func == MRV_F_MIN ? MRV_I_MIN : MRV_I_MAX;
        double acc = ev(w, a[0]);
        for (size_t i = 1; i < n->nargs; i++) acc = op2(op, acc, ev(w, a[i]));
        return acc;
    }
    case MRV_F_CLAMP: {
        double x = ev(w, a[0]), lo = ev(w, a[1]), hi = ev(w, a[2]);
        return op2(MRV_I_MIN, op2(MRV_I_MAX, x, lo), hi);
    }
    case MRV_F_EXP:
        return op2(MRV_I_EXP, ev(w, a[0]), 0);
    case MRV_F_LN:
    case MRV_F_LOG:
        return op2(MRV_I_LN, ev(w, a[0]), 0);
    case MRV_F_LOG10:
        return op2(MRV_I_LOG10, ev(w, a[0]), 0);
    case MRV_F_SQRT:
        return op2(MRV_I_SQRT, ev(w, a[0]), 0);
    case MRV_F_ABS:
        return op2(MRV_I_ABS, ev(w, a[0]), 0);
    case MRV_F_FLOOR:
        return op2(MRV_I_FLOOR, ev(w, a[0]), 0);
    case MRV_F_CEIL:
        return op2(MRV_I_CEIL, ev(w, a[0]), 0);
    case MRV_F_COUNT:
        break;
    }
    wfail(w, MRV_EINTERNAL, "unknown function");
    return 0;
}

static uint32_t binop_code(mrv_ast_op op)
{
    switch (op) {
    case MRV_OP_ADD:
        return MRV_I_ADD;
    case MRV_OP_SUB:
        return MRV_I_SUB;
    case MRV_OP_MUL:
        return MRV_I_MUL;
    case MRV_OP_DIV:
        return MRV_I_DIV;
    case MRV_OP_POW:
        return MRV_I_POW;
    case MRV_OP_LT:
        return MRV_I_LT;
    case MRV_OP_LE:
        return MRV_I_LE;
    case MRV_OP_GT:
        return MRV_I_GT;
    case MRV_OP_GE:
        return MRV_I_GE;
    case MRV_OP_EQ:
        return MRV_I_EQ;
    case MRV_OP_NE:
        return MRV_I_NE;
    case MRV_OP_AND:
        return MRV_I_AND;
    case MRV_OP_OR:
        return MRV_I_OR;
    default:
        return MRV_I_COUNT;
    }
}

static void note(walk *w, const mrv_ast *n, double v)
{
    if (fabs(v) > w->mag) w->mag = fabs(v);
    if (w->insum == 0) put_value(w, n, v);
}

/* As lower.c does, the left spine of a long 'a + b + ... + z' is walked
** with a loop, not recursion. */
static double ev_binary(walk *w, const mrv_ast *n)
{
    const mrv_ast *small[32], **spine = small;
    size_t depth = 0;
    const mrv_ast *e;
    for (e = n; e->kind == MRV_AST_BINARY; e = e->args[0]) depth++;
    if (depth > sizeof small / sizeof *small) {
        spine = malloc(depth * sizeof *spine);
        if (!spine) return nomem(w), 0;
    }
    e = n;
    for (size_t i = depth; i-- > 0; e = e->args[0]) spine[i] = e;
    double a = ev(w, e);
    for (size_t i = 0; i < depth && !w->failed; i++) {
        const mrv_ast *b = spine[i];
        if (b->op == MRV_OP_AND && a == 0) {
            a = 0;
        } else if (b->op == MRV_OP_OR && a != 0 && a == a) {
            a = 1;
        } else {
            double r = ev(w, b->args[1]);
            if (b->op == MRV_OP_POW && r == floor(r) && fabs(r) <= 64) {
                /* lowering's POWI, for a base that is not a constant */
                mrv_insn in = {MRV_I_POWI, 0, 0, (uint32_t)(int32_t)r, 0, 0, 0};
                a = mrv_eval_op(&in, a, 0, 0);
            } else {
                a = op2(binop_code(b->op), a, r);
            }
        }
        if (i + 1 < depth) note(w, b, a);
    }
    if (spine != small) free(spine);
    return a;
}

static double ev(walk *w, const mrv_ast *n)
{
    if (w->failed) return 0;
    double v = 0;
    switch (n->kind) {
    case MRV_AST_NUM:
        v = n->num;
        break;
    case MRV_AST_NAME:
        switch (n->sym) {
        case MRV_SYM_Y:
            v = w->year;
            break;
        case MRV_SYM_FIRST:
            v = w->b->first;
            break;
        case MRV_SYM_LAST:
            v = w->b->last;
            break;
        case MRV_SYM_FRAC:
            v = frac_of(w, w->year);
            break;
        case MRV_SYM_INDEXVAR:
            if (n->index < 0 || n->index >= MAX_SCOPE) {
                wfail(w, MRV_EINTERNAL, "index '%s' has no slot", n->name);
                return 0;
            }
            v = (double)w->iv[n->index];
            break;
        case MRV_SYM_PARAM: {
            const mrv_param *p = &w->m->params[n->index];
            v = param_read(w, n->index, p->nover > 0 ? w->year : MRV_NO_YEAR);
            break;
        }
        case MRV_SYM_EQUATION:
            v = eq_read(w, n->index, w->year);
            break;
        default:
            wfail(w, MRV_EINTERNAL, "unresolved name '%s'", n->name);
            return 0;
        }
        break;
    case MRV_AST_INDEX:
        v = ev_index(w, n);
        break;
    case MRV_AST_CALL:
        v = ev_call(w, n);
        break;
    case MRV_AST_UNARY:
        v = op2(n->op == MRV_OP_NEG ? MRV_I_NEG : MRV_I_NOT, ev(w, n->args[0]),
                0);
        break;
    case MRV_AST_BINARY:
        v = ev_binary(w, n);
        break;
    case MRV_AST_SUM:
        v = ev_sum(w, n);
        break;
    }
    if (!w->failed) note(w, n, v);
    return v;
}

/* ---- numbers and units ------------------------------------------------- */

/* Thousands separators: none, always, or not in a four-digit whole
** number of a dimensionless parameter (2024 is a year far more often than
** two thousand and twenty-four of something). */
enum { NOGROUP, GROUP, GROUP_NOT_YEARS };

static int group_for(const char *unit_text)
{
    return unit_text && strcmp(unit_text, "1") == 0 ? GROUP_NOT_YEARS : GROUP;
}

/* 'x' with at most 'maxsig' significant digits (0: as many as it takes to
** read back the same double), fixed-point where that is short, and with
** ',' between thousands as 'group' says. */
static char *fmt_num(double x, int maxsig, int group, char *buf, size_t n)
{
    if (x != x) return snprintf(buf, n, "nan"), buf;
    if (isinf(x)) return snprintf(buf, n, x < 0 ? "-inf" : "inf"), buf;
    if (x == 0) return snprintf(buf, n, "0"), buf;
    char e[40];
    int p = mrv_fmt_digits(x);
    if (maxsig > 0 && p > maxsig) p = maxsig;
    snprintf(e, sizeof e, "%.*e", p - 1, x);
    int ex = atoi(strchr(e, 'e') + 1);
    char raw[64];
    if (ex >= -5 && ex < 15) {
        int dec = p - 1 - ex;
        snprintf(raw, sizeof raw, "%.*f", dec > 0 ? dec : 0, x);
        if (strchr(raw, '.')) {
            size_t l = strlen(raw);
            while (raw[l - 1] == '0') raw[--l] = '\0';
            if (raw[l - 1] == '.') raw[--l] = '\0';
        }
    } else {
        snprintf(raw, sizeof raw, "%s", e);
    }
    if (group == NOGROUP || strchr(raw, 'e') ||
        (group == GROUP_NOT_YEARS && fabs(x) < 10000 && x == floor(x)))
        return snprintf(buf, n, "%s", raw), buf;
    return mrv_fmt_group(raw, buf, n);
}

/* " UNIT" for a declared unit, "" for a dimensionless "1". */
static const char *usp(const char *unit_text)
{
    return unit_text && strcmp(unit_text, "1") != 0 ? " " : "";
}

static const char *utx(const char *unit_text)
{
    return unit_text && strcmp(unit_text, "1") != 0 ? unit_text : "";
}

/* The internal (SI) unit of a dimension: "kg", "J/kg", "m^3", "". */
static char *si_text(mrv_unit u, char *buf, size_t n)
{
    static const char *const base[MRV_NDIM] = {"kg", "m", "J"};
    size_t o = 0;
    buf[0] = '\0';
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;
        for (int i = 0; i < MRV_NDIM; i++) {
            int e = u.dim[i];
            if (pass == 0 ? e <= 0 : e >= 0) continue;
            if (pass == 1 && !any) {
                if (o == 0) o += (size_t)snprintf(buf + o, n - o, "1");
                o += (size_t)snprintf(buf + o, n - o, "/");
            } else if (any) {
                o += (size_t)snprintf(buf + o, n - o, " ");
            }
            any = true;
            int a = e < 0 ? -e : e;
            o += (size_t)snprintf(buf + o, n - o, a == 1 ? "%s" : "%s^%d",
                                  base[i], a);
            if (o >= n) return buf;
        }
    }
    return buf;
}

/* How to show a computed value of dimension 'u' inside equation 'eq':
** in the equation's declared unit when the dimension is the equation's,
** else in the internal SI unit. */
static void show_unit(const mrv_equation *eq, mrv_unit u, double *scale,
                      char *text, size_t n)
{
    if (mrv_unit_same_dim(u, eq->unit)) {
        *scale = eq->unit.scale;
        snprintf(text, n, "%s", utx(eq->unit_text));
    } else {
        *scale = 1;
        si_text(u, text, n);
    }
}

/* ---- labels and provenance --------------------------------------------- */

static void key_label(const walk *w, const xkey *k, char *buf, size_t n)
{
    const mrv_bound *b = w->b;
    if (k->kind != XR_PARAM) {
        snprintf(buf, n, "%s[%d]", w->m->eqs[k->idx].name, k->year);
        return;
    }
    const mrv_param *p = &w->m->params[k->idx];
    size_t o = (size_t)snprintf(buf, n, "%s", p->name);
    if (p->nover == 0 || o >= n) return;
    for (size_t i = 0; i < p->nover && o < n; i++) {
        const char *sep = i ? ", " : "[";
        if (p->over[i] == MRV_AXIS_VINTAGE)
            o += (size_t)snprintf(buf + o, n - o, "%s%d", sep, k->year);
        else
            o += (size_t)snprintf(buf + o, n - o, "%s%s", sep,
                                  b->members[p->over[i]][k->mem[i]]);
    }
    if (o < n) snprintf(buf + o, n - o, "]");
}

static const mrv_factor *factor_by_id(const mrv_bound *b, const char *id)
{
    for (size_t i = 0; i < b->nfactors_used; i++)
        if (strcmp(b->factors_used[i]->id, id) == 0) return b->factors_used[i];
    return NULL;
}

static void pos_text(FILE *f, mrv_srcpos p)
{
    fprintf(f, "%s:%u:%u", p.file ? p.file : "?", p.line, p.col);
}

static void unc_text(FILE *f, const mrv_uncert *u, const mrv_param *p)
{
    double s = u->relative ? 1 : p->unit.scale;
    int g = u->relative ? GROUP : group_for(p->unit_text);
    char a[64], b[64];
    fputs(u->relative ? "uncertainty relative " : "uncertainty ", f);
    if (u->relative && u->text && strchr(u->text, '%')) {
        fprintf(f, "%s (normal, sd %s)", u->text,
                fmt_num(u->sd, 6, NOGROUP, a, sizeof a));
    } else {
        switch (u->dist) {
        case MRV_DIST_NORMAL:
            fprintf(f, "normal sd %s",
                    fmt_num(u->sd / s, WALK_DIGITS, g, a, sizeof a));
            break;
        case MRV_DIST_LOGNORMAL:
            fprintf(f, "lognormal gsd %s",
                    fmt_num(u->gsd, 0, GROUP, a, sizeof a));
            break;
        case MRV_DIST_TRIANGULAR:
        case MRV_DIST_UNIFORM:
        case MRV_DIST_PERT:
            fprintf(f, "%s %s .. %s",
                    u->dist == MRV_DIST_TRIANGULAR ? "triangular"
                    : u->dist == MRV_DIST_UNIFORM  ? "uniform"
                                                   : "pert",
                    fmt_num(u->min / s, WALK_DIGITS, g, a, sizeof a),
                    fmt_num(u->max / s, WALK_DIGITS, g, b, sizeof b));
            break;
        case MRV_DIST_NONE:
            fputs("none", f);
            break;
        }
    }
    if (u->vary)
        fprintf(f, ", drawn per %s",
                u->vary == (MRV_VARY_VINTAGE | MRV_VARY_MEMBER)
                    ? "vintage and member"
                : u->vary == MRV_VARY_VINTAGE ? "vintage"
                                              : "member");
}

/* The year of a series that element (year, mem) of 'n' is read from: the
** year itself, or with fill the one held or the two interpolated.
** Returns false when no series lies on the path. */
static bool series_years(const mrv_vnode *n, int year, const size_t *mem,
                         int *y0, int *y1)
{
    while (n->kind != MRV_V_LEAF) {
        if (n->kind == MRV_V_MEMBERS) {
            n = n->kids[mem[n->dim]];
            continue;
        }
        size_t i = 0;
        while (i < n->n && n->years[i] < year) i++;
        if (i < n->n && n->years[i] == year) {
            *y0 = *y1 = year;
            n = n->kids[i];
            continue;
        }
        if (i == 0) return false;
        *y0 = n->years[i - 1];
        *y1 = i < n->n ? n->years[i] : *y0;
        return true;
    }
    return false;
}

/* Where the element's value was given, and its uncertainty. */
static void provenance(FILE *f, walk *w, const xkey *k)
{
    const mrv_bound *b = w->b;
    const mrv_param *p = &w->m->params[k->idx];
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] != MRV_AXIS_VINTAGE) w->mem[p->over[i]] = k->mem[i];
    mrv_vpick pk;
    char why[200];
    if (mrv_bound_pick(b, (size_t)k->idx, k->year, w->mem, &pk, why,
                       sizeof why) != MRV_OK) {
        fprintf(f, "(%s)", why);
        return;
    }
    bool dflt = strcmp(b->value_origin[k->idx], "default") == 0;
    fputc('(', f);
    for (size_t i = 0; i < pk.nparts; i++) {
        const mrv_vnode *leaf = pk.part[i].leaf;
        if (i) fputs(" and ", f);
        const mrv_factor *fc =
            leaf->source ? factor_by_id(b, leaf->source) : NULL;
        if (dflt && fc) {
            fprintf(f, "default %s", fc->id);
        } else if (dflt) {
            fputs("methodology default, ", f);
            pos_text(f, leaf->pos);
        } else {
            pos_text(f, leaf->pos);
            if (fc) fprintf(f, ", factor %s", fc->id);
        }
        if (fc && fc->source) fprintf(f, ": %s", fc->source);
    }
    int y0, y1;
    if (k->year != MRV_NO_YEAR &&
        series_years(b->values[k->idx], k->year, w->mem, &y0, &y1) &&
        (y0 != k->year || y1 != k->year)) {
        if (p->fill == MRV_FILL_LINEAR && y1 != y0)
            fprintf(f, "; fill: linear between %d and %d", y0, y1);
        else
            fprintf(f, "; fill: hold from %d", y0);
    }
    for (size_t i = 0; i < pk.nparts; i++) {
        const mrv_vnode *leaf = pk.part[i].leaf;
        if (leaf->unc && !leaf->unc->relative) {
            fputs("; ", f);
            unc_text(f, leaf->unc, p);
        }
        for (size_t r = 0; r < pk.part[i].nrel; r++) {
            const mrv_uncert *u = pk.part[i].rel[r]->unc;
            fputs("; ", f);
            unc_text(f, u, p);
            if (i == 0 && u->pos.file) {
                fputs(" at ", f);
                pos_text(f, u->pos);
            }
        }
        if (i == 0 && pk.nparts > 1) break; /* both parts share them */
    }
    fputc(')', f);
}

/* ---- the formula with its values --------------------------------------- */

typedef struct span {
    size_t start, end;
    const mrv_ast *n;
} span;

static int by_start(const void *x, const void *y)
{
    const span *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

/* A node replaced by its value in the 'values' line: a name with a value,
** a subscripted read, a sum, y, first, last, frac. */
static bool replaced(const walk *w, const mrv_ast *n)
{
    double v;
    if (!get_value(w, n, &v)) return false;
    if (n->kind == MRV_AST_INDEX || n->kind == MRV_AST_SUM) return true;
    return n->kind == MRV_AST_NAME && n->sym != MRV_SYM_INDEXVAR;
}

static void value_text(const walk *w, const mrv_equation *eq, const mrv_ast *n,
                       double v, char *buf, size_t len)
{
    char num[64];
    const char *unit = NULL;
    double scale = 1;
    char ubuf[96];
    if (n->kind == MRV_AST_SUM) {
        show_unit(eq, n->unit, &scale, ubuf, sizeof ubuf);
        snprintf(buf, len, "(sum = %s%s%s%s)",
                 fmt_num(v / scale, SUB_DIGITS, NOGROUP, num, sizeof num),
                 ubuf[0] ? " [" : "", ubuf, ubuf[0] ? "]" : "");
        return;
    }
    if (n->sym == MRV_SYM_PARAM) {
        const mrv_param *p = &w->m->params[n->index];
        unit = p->unit_text;
        scale = p->unit.scale;
    } else if (n->sym == MRV_SYM_EQUATION) {
        const mrv_equation *e = &w->m->eqs[n->index];
        unit = e->unit_text;
        scale = e->unit.scale;
    }
    const char *u = utx(unit);
    snprintf(buf, len, "%s%s%s%s",
             fmt_num(v / scale, SUB_DIGITS, NOGROUP, num, sizeof num),
             u[0] ? " [" : "", u, u[0] ? "]" : "");
}

/* The formula text with every replaced node's span swapped for its value;
** false when nothing was replaced (the line would repeat the formula). */
static bool values_line(FILE *f, const walk *w, const mrv_equation *eq,
                        const mrv_ast *root, const char *text, size_t tlen)
{
    mrv_vec stack, spans;
    mrv_vec_init(&stack, sizeof(const mrv_ast *));
    mrv_vec_init(&spans, sizeof(span));
    bool ok = mrv_vec_push(&stack, &root);
    while (ok && stack.n) {
        const mrv_ast *n = MRV_VEC_AT(&stack, const mrv_ast *, --stack.n);
        if (replaced(w, n)) {
            span s = {n->start, n->end, n};
            ok = mrv_vec_push(&spans, &s);
            continue;
        }
        if (n->kind == MRV_AST_SUM) continue;
        for (size_t i = 0; ok && i < n->nargs; i++)
            ok = mrv_vec_push(&stack, &n->args[i]);
    }
    bool any = ok && spans.n > 0;
    if (any) {
        span *sp = spans.data;
        qsort(sp, spans.n, sizeof *sp, by_start);
        size_t at = 0;
        for (size_t i = 0; i < spans.n; i++) {
            if (sp[i].start < at || sp[i].end > tlen) continue;
            fwrite(text + at, 1, sp[i].start - at, f);
            char buf[320];
            double v = 0;
            get_value(w, sp[i].n, &v);
            value_text(w, eq, sp[i].n, v, buf, sizeof buf);
            fputs(buf, f);
            at = sp[i].end;
        }
        fwrite(text + at, 1, tlen - at, f);
    }
    mrv_vec_free(&stack);
    mrv_vec_free(&spans);
    return any;
}

/* ---- sums -------------------------------------------------------------- */

static void print_sum(FILE *f, const walk *w, const mrv_equation *eq,
                      const xsum *s, const char *text, const char *ind)
{
    const mrv_ast *n = s->n;
    const mrv_bound *b = w->b;
    double scale;
    char ubuf[96], num[64];
    show_unit(eq, n->unit, &scale, ubuf, sizeof ubuf);
    fprintf(f, "%s  sum       ", ind);
    for (size_t k = 0; k < n->nbinders; k++) {
        const mrv_binder *bd = &n->binders[k];
        fprintf(f, "%s%s in ", k ? ", " : "", bd->name);
        if (bd->dim) {
            size_t nm = b->nmembers[bd->dim_index];
            fprintf(f, "%s (", bd->dim);
            for (size_t i = 0; i < nm && i < MAX_MEMBERS_SHOWN; i++)
                fprintf(f, "%s%s", i ? ", " : "", b->members[bd->dim_index][i]);
            if (nm > MAX_MEMBERS_SHOWN) fprintf(f, ", ... %zu members", nm);
            fputc(')', f);
            continue;
        }
        fprintf(f, "%.*s .. %.*s", (int)(bd->lo->end - bd->lo->start),
                text + bd->lo->start, (int)(bd->hi->end - bd->hi->start),
                text + bd->hi->start);
        if (s->minlo[k] == LONG_MAX)
            fputs(" (not reached)", f);
        else if (s->varies[k])
            fprintf(f, " (varies, within %ld .. %ld)", s->minlo[k],
                    s->maxhi[k]);
        else
            fprintf(f, " (%ld .. %ld)", s->lo[k], s->hi[k]);
    }
    fprintf(f, ": %zu term%s = %s%s%s\n", s->nterms, s->nterms == 1 ? "" : "s",
            fmt_num(s->value / scale, WALK_DIGITS, GROUP, num, sizeof num),
            ubuf[0] ? " " : "", ubuf);
    if (s->nterms > MAX_TERMS_LISTED) return;
    for (size_t t = 0; t < s->nterms; t++) {
        fprintf(f, "%s              ", ind);
        for (size_t k = 0; k < n->nbinders; k++) {
            const mrv_binder *bd = &n->binders[k];
            long iv = s->tiv[t * n->nbinders + k];
            if (bd->dim)
                fprintf(f, "%s%s = %s", k ? ", " : "", bd->name,
                        b->members[bd->dim_index][iv]);
            else
                fprintf(f, "%s%s = %ld", k ? ", " : "", bd->name, iv);
        }
        fprintf(
            f, ": %s%s%s\n",
            fmt_num(s->tval[t] / scale, WALK_DIGITS, GROUP, num, sizeof num),
            ubuf[0] ? " " : "", ubuf);
    }
}

/* ---- one node ---------------------------------------------------------- */

typedef struct xnode {
    int kind; /* XR_EQ or XR_INIT */
    int eq, year;
    unsigned depth;
} xnode;

typedef struct xstate {
    const mrv_run *run;
    const mrv_explain_opts *o;
    FILE *f;
    mrv_diag *d;
    bool *done_eq;     /* [eq * nvint + v] */
    mrv_vec done_init; /* xnode */
    mrv_vec stack;     /* xnode */
} xstate;

static bool is_done(xstate *x, const xnode *n)
{
    const mrv_bound *b = x->run->bound;
    if (n->kind == XR_EQ)
        return x
            ->done_eq[(size_t)n->eq * b->nvint + (size_t)(n->year - b->first)];
    for (size_t i = 0; i < x->done_init.n; i++) {
        const xnode *d = &MRV_VEC_AT(&x->done_init, xnode, i);
        if (d->eq == n->eq && d->year == n->year) return true;
    }
    return false;
}

static bool mark_done(xstate *x, const xnode *n)
{
    const mrv_bound *b = x->run->bound;
    if (n->kind == XR_EQ) {
        x->done_eq[(size_t)n->eq * b->nvint + (size_t)(n->year - b->first)] =
            true;
        return true;
    }
    return mrv_vec_push(&x->done_init, n);
}

static int by_group(const void *x, const void *y)
{
    const xread *a = x, *b = y;
    if (a->group != b->group)
        return (a->group > b->group) - (a->group < b->group);
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void indent_of(unsigned depth, char *buf, size_t n)
{
    unsigned k = depth > MAX_INDENT ? MAX_INDENT : depth;
    size_t i = 0;
    for (; i < 2 * (size_t)(k - 1) && i + 1 < n; i++) buf[i] = ' ';
    buf[i] = '\0';
}

static void print_reads(xstate *x, walk *w, const xnode *at, const char *ind)
{
    FILE *f = x->f;
    xread *r = w->reads.data;
    size_t nr = w->reads.n;
    if (nr == 0) return;
    qsort(r, nr, sizeof *r, by_group);
    bool first = true;
    for (size_t i = 0; i < nr; i++) {
        /* A long run of one parameter's elements is cut short. */
        size_t run = 0;
        while (run < i && r[i - run - 1].group == r[i].group) run++;
        if (r[i].k.kind == XR_PARAM && run >= MAX_LISTED) {
            size_t j = i;
            double lo = HUGE_VAL, hi = -HUGE_VAL;
            const mrv_param *p = &w->m->params[r[i].k.idx];
            for (; j < nr && r[j].group == r[i].group; j++) {
                lo = fmin(lo, r[j].value / p->unit.scale);
                hi = fmax(hi, r[j].value / p->unit.scale);
            }
            char a[64], b[64];
            fprintf(f,
                    "%s            ... and %zu more elements of %s, from "
                    "%s to %s%s%s\n",
                    ind, j - i, p->name,
                    fmt_num(lo, WALK_DIGITS, GROUP, a, sizeof a),
                    fmt_num(hi, WALK_DIGITS, GROUP, b, sizeof b),
                    usp(p->unit_text), utx(p->unit_text));
            i = j - 1;
            continue;
        }
        char label[512], num[64];
        key_label(w, &r[i].k, label, sizeof label);
        fprintf(f, "%s  %s  %s = ", ind, first ? "reads   " : "        ",
                label);
        first = false;
        if (r[i].k.kind == XR_PARAM) {
            const mrv_param *p = &w->m->params[r[i].k.idx];
            fprintf(f, "%s%s%s  ",
                    fmt_num(r[i].value / p->unit.scale, WALK_DIGITS,
                            group_for(p->unit_text), num, sizeof num),
                    usp(p->unit_text), utx(p->unit_text));
            provenance(f, w, &r[i].k);
            fputc('\n', f);
            continue;
        }
        const mrv_equation *e = &w->m->eqs[r[i].k.idx];
        fprintf(f, "%s%s%s",
                fmt_num(r[i].value * (1.0 / e->unit.scale), 0, GROUP, num,
                        sizeof num),
                usp(e->unit_text), utx(e->unit_text));
        xnode child = {r[i].k.kind, r[i].k.idx, r[i].k.year, at->depth + 1};
        if (r[i].k.kind == XR_INIT && e->initial_is_number) {
            fputs("  (initial, ", f);
            pos_text(f, mrv_expr_pos(e->initial_node, 0));
            fputc(')', f);
        } else if (r[i].k.kind == XR_INIT) {
            fputs("  (initial)", f);
        }
        if (r[i].k.kind == XR_EQ || !e->initial_is_number) {
            if (is_done(x, &child))
                fputs("  (explained above)", f);
            else if (x->o->depth && child.depth > x->o->depth)
                fprintf(f, "  (not expanded: --depth %u)", x->o->depth);
        }
        fputc('\n', f);
    }
}

/* Pushes the equations read, last first, so they pop in reading order. */
static bool push_children(xstate *x, const walk *w, const xnode *at)
{
    const xread *r = w->reads.data;
    for (size_t i = w->reads.n; i-- > 0;) {
        if (r[i].k.kind == XR_PARAM) continue;
        const mrv_equation *e = &w->m->eqs[r[i].k.idx];
        if (r[i].k.kind == XR_INIT && e->initial_is_number) continue;
        xnode c = {r[i].k.kind, r[i].k.idx, r[i].k.year, at->depth + 1};
        if (x->o->depth && c.depth > x->o->depth) continue;
        if (is_done(x, &c)) continue;
        if (!mrv_vec_push(&x->stack, &c)) return false;
    }
    return true;
}

static mrv_status explain_node(xstate *x, const xnode *at)
{
    const mrv_run *run = x->run;
    const mrv_bound *b = run->bound;
    const mrv_methodology *m = b->meth;
    const mrv_equation *e = &m->eqs[at->eq];
    FILE *f = x->f;
    bool init = at->kind == XR_INIT;
    const mrv_ast *root = init ? e->initial : e->ast;
    const mrv_ynode *src = init ? e->initial_node : e->formula_node;
    walk w;
    if (!walk_init(&w, run, at->year)) {
        walk_free(&w);
        return MRV_ENOMEM;
    }
    double v = ev(&w, root);
    mrv_srcpos fpos = mrv_expr_pos(src, 0);
    if (w.failed) {
        mrv_status st = w.st;
        mrv_error(x->d, fpos, st,
                  "cannot explain '%s' at %d: %s (a bug in "
                  "mrv)",
                  e->name, at->year, w.why);
        walk_free(&w);
        return st;
    }
    double want = v;
    if (!init) {
        want = run->eq_central[(size_t)at->eq * b->nvint +
                               (size_t)(at->year - b->first)];
        double tol = AGREE * fmax(w.mag, fmax(fabs(v), fabs(want)));
        if (!(fabs(v - want) <= tol)) {
            mrv_error(x->d, fpos, MRV_EINTERNAL,
                      "'%s' at %d is %.17g when its formula is walked but "
                      "%.17g in the run's program (a bug in mrv)",
                      e->name, at->year, v, want);
            walk_free(&w);
            return MRV_EINTERNAL;
        }
    }
    char ind[2 * MAX_INDENT + 2], num[64];
    indent_of(at->depth, ind, sizeof ind);
    if (at->depth > 1) fputc('\n', f);
    fprintf(f, "%s%s[%d] = %s%s%s%s\n", ind, e->name, at->year,
            fmt_num(want * (1.0 / e->unit.scale), 0, GROUP, num, sizeof num),
            usp(e->unit_text), utx(e->unit_text),
            init ? "  (initial: before the first vintage)" : "");
    if (e->description) fprintf(f, "%s  %s\n", ind, e->description);
    for (int r = 0; r < MRV_NRESULTS && !init; r++) {
        if (m->results[r] != at->eq) continue;
        double fr = b->frac[at->year - b->first];
        fprintf(f, "%s  result    %s", ind, mrv_result_names[r]);
        if (fr != 1) {
            char a[64], c[64];
            fprintf(f,
                    ": times frac %s (the vintage's share of days) = "
                    "%s%s%s",
                    fmt_num(fr, 0, NOGROUP, a, sizeof a),
                    fmt_num(want * (fr / e->unit.scale), 0, GROUP, c, sizeof c),
                    usp(e->unit_text), utx(e->unit_text));
        }
        fputc('\n', f);
    }
    fprintf(f, "%s  formula   %s\n%s            at ", ind, src->text, ind);
    pos_text(f, fpos);
    fputc('\n', f);
    {
        char *line = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&line, &len);
        bool any = mf && values_line(mf, &w, e, root, src->text, src->len);
        if (mf) fclose(mf);
        if (any && line) fprintf(f, "%s  values    %s\n", ind, line);
        free(line);
    }
    for (size_t i = 0; i < w.sums.n; i++)
        print_sum(f, &w, e, &MRV_VEC_AT(&w.sums, xsum, i), src->text, ind);
    print_reads(x, &w, at, ind);
    bool ok = push_children(x, &w, at);
    walk_free(&w);
    return ok ? MRV_OK : MRV_ENOMEM;
}

/* ---- a parameter ------------------------------------------------------- */

static mrv_status explain_param(const mrv_run *run, int pi, int year, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_param *p = &b->meth->params[pi];
    walk w;
    if (!walk_init(&w, run, year)) {
        walk_free(&w);
        return MRV_ENOMEM;
    }
    fprintf(f, "%s [%s]", p->name, p->unit_text);
    if (p->nover) {
        fputs(" over ", f);
        for (size_t i = 0; i < p->nover; i++)
            fprintf(f, "%s%s", i ? ", " : "",
                    p->over[i] == MRV_AXIS_VINTAGE
                        ? "vintage"
                        : b->meth->dims[p->over[i]].name);
    }
    fputs(", parameter of methodology ", f);
    fprintf(f, "%s (", b->meth->id);
    pos_text(f, p->pos);
    fputs(")\n", f);
    if (p->description) fprintf(f, "  %s\n", p->description);
    if (p->has_bounds) {
        char a[64], c[64];
        fprintf(
            f, "  bounds    [%s, %s]\n",
            fmt_num(p->lo / p->unit.scale, WALK_DIGITS, GROUP, a, sizeof a),
            fmt_num(p->hi / p->unit.scale, WALK_DIGITS, GROUP, c, sizeof c));
    }
    if (p->fill != MRV_FILL_NONE)
        fprintf(f, "  fill      %s\n",
                p->fill == MRV_FILL_HOLD ? "hold" : "linear");
    fprintf(f, "  given by  %s\n",
            strcmp(b->value_origin[pi], "default") == 0
                ? "the methodology's default"
                : "the project");
    /* Every combination of members, first axis slowest. */
    size_t axes[MRV_MAX_AXES], na = 0, total = 1;
    for (size_t i = 0; i < p->nover; i++) {
        if (p->over[i] == MRV_AXIS_VINTAGE) continue;
        axes[na++] = i;
        total *= b->nmembers[p->over[i]];
    }
    size_t shown = total < MAX_ELEMENTS ? total : MAX_ELEMENTS;
    size_t cnt[MRV_MAX_AXES] = {0};
    bool has_v = has_vintage_axis(p);
    for (size_t e = 0; e < shown; e++) {
        for (size_t k = 0; k < na; k++) w.mem[p->over[axes[k]]] = cnt[k];
        xkey key;
        memset(&key, 0, sizeof key);
        key.kind = XR_PARAM;
        key.idx = pi;
        key.year = has_v ? year : MRV_NO_YEAR;
        for (size_t k = 0; k < na; k++) key.mem[axes[k]] = (uint32_t)cnt[k];
        double v = param_read(&w, pi, key.year);
        char label[512], num[64];
        key_label(&w, &key, label, sizeof label);
        if (w.failed) {
            fprintf(f, "  %s: %s\n", label, w.why);
            w.failed = false;
        } else {
            fprintf(f, "  %s = %s%s%s  ", label,
                    fmt_num(v / p->unit.scale, WALK_DIGITS,
                            group_for(p->unit_text), num, sizeof num),
                    usp(p->unit_text), utx(p->unit_text));
            provenance(f, &w, &key);
            fputc('\n', f);
        }
        for (size_t k = na; k-- > 0;) {
            if (++cnt[k] < b->nmembers[p->over[axes[k]]]) break;
            cnt[k] = 0;
        }
    }
    if (shown < total)
        fprintf(f, "  ... and %zu more elements\n", total - shown);
    walk_free(&w);
    return MRV_OK;
}

/* ---- entry point ------------------------------------------------------- */

static mrv_srcpos period_pos(const mrv_bound *b)
{
    mrv_srcpos p = b->project->period_pos;
    if (!p.file) p.file = b->project->doc->path;
    return p;
}

/* Resolves the name: equation, then parameter, then result name. */
static mrv_status find_name(const mrv_run *run, const char *name, int *eq,
                            int *pi, mrv_diag *d)
{
    const mrv_methodology *m = run->bound->meth;
    *eq = mrv_methodology_equation(m, name);
    *pi = *eq < 0 ? mrv_methodology_param(m, name) : -1;
    for (int r = 0; r < MRV_NRESULTS && *eq < 0 && *pi < 0; r++)
        if (strcmp(name, mrv_result_names[r]) == 0) *eq = m->results[r];
    if (*eq >= 0 || *pi >= 0) return MRV_OK;
    const char **names = malloc((m->neqs + m->nparams + 1) * sizeof *names);
    if (!names) return MRV_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->neqs; i++) names[n++] = m->eqs[i].name;
    for (size_t i = 0; i < m->nparams; i++) names[n++] = m->params[i].name;
    const char *hint = mrv__closest(name, names, n);
    mrv_srcpos at = {m->doc->path, 0, 0};
    mrv_status st;
    if (hint)
        st = mrv_error(d, at, MRV_EREF,
                       "methodology '%s' has no equation or parameter '%s' "
                       "(did you mean '%s'?)",
                       m->id, name, hint);
    else
        st = mrv_error(d, at, MRV_EREF,
                       "methodology '%s' has no equation or parameter '%s'",
                       m->id, name);
    free(names);
    return st;
}

static mrv_status explain_tree(xstate *x, int eq, int year)
{
    const mrv_run *run = x->run;
    const mrv_bound *b = run->bound;
    const mrv_project *pj = b->project;
    fprintf(x->f, "%s, methodology %s", pj->id, b->meth->id);
    if (b->meth->version) fprintf(x->f, " v%ld", b->meth->version);
    fprintf(x->f,
            ", vintage %d: central case (every input at its value)"
            "\n\n",
            year);
    xnode root = {XR_EQ, eq, year, 1};
    if (!mrv_vec_push(&x->stack, &root)) return MRV_ENOMEM;
    mrv_status st = MRV_OK;
    while (x->stack.n && st == MRV_OK) {
        xnode n = MRV_VEC_AT(&x->stack, xnode, --x->stack.n);
        if (is_done(x, &n)) continue;
        if (!mark_done(x, &n)) return MRV_ENOMEM;
        st = explain_node(x, &n);
    }
    return st;
}

mrv_status mrv_explain(const mrv_run *run, const mrv_explain_opts *o, FILE *out,
                       mrv_diag *d)
{
    const mrv_bound *b = run->bound;
    int eq, pi;
    mrv_status st = find_name(run, o->name, &eq, &pi, d);
    if (st != MRV_OK) return st;
    bool need_year = eq >= 0 || has_vintage_axis(&b->meth->params[pi]);
    if (o->year == MRV_NO_YEAR && need_year)
        return mrv_error(d, period_pos(b), MRV_EREF,
                         "'%s' has a value per vintage: say which with "
                         "--vintage YEAR (the crediting period is %d-%d)",
                         o->name, b->first, b->last);
    if (o->year != MRV_NO_YEAR && (o->year < b->first || o->year > b->last))
        return mrv_error(d, period_pos(b), MRV_EREF,
                         "vintage %d is outside the crediting period %d-%d",
                         o->year, b->first, b->last);
    if (!run->eq_central) {
        mrv_srcpos none = {NULL, 0, 0};
        return mrv_error(d, none, MRV_EINTERNAL,
                         "the run has no equation values to explain");
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return MRV_ENOMEM;
    xstate x;
    memset(&x, 0, sizeof x);
    x.run = run;
    x.o = o;
    x.f = f;
    x.d = d;
    mrv_vec_init(&x.done_init, sizeof(xnode));
    mrv_vec_init(&x.stack, sizeof(xnode));
    if (eq >= 0) {
        x.done_eq = calloc(b->meth->neqs * b->nvint + 1, sizeof *x.done_eq);
        st = x.done_eq ? explain_tree(&x, eq, o->year) : MRV_ENOMEM;
    } else {
        st = explain_param(run, pi, o->year, f);
    }
    free(x.done_eq);
    mrv_vec_free(&x.done_init);
    mrv_vec_free(&x.stack);
    bool bad = fclose(f) != 0;
    if (st == MRV_OK && bad) st = MRV_ENOMEM;
    if (st == MRV_OK) {
        fwrite(text, 1, len, out);
        if (ferror(out)) {
            mrv_srcpos none = {NULL, 0, 0};
            st = mrv_error(d, none, MRV_EIO, "cannot write the explanation");
        }
    }
    free(text);
    return st;
}
