/*
** lower.c -- from syntax trees and bound values to a flat program.
**
** Works in two passes.  The first walks every equation at every vintage
** and emits instructions in SSA form: each result is a new virtual value
** (vid), never overwritten.  A value is either a known constant (folded on
** the spot when finite) or a vid.  Before emitting, an instruction is
** simplified (x*1, x+0, a product with a known zero of a value that is
** surely finite, K1*(K2*x)) and looked up in a table of identical
** instructions, so shared work is done once across equations and
** vintages.  The second pass drops instructions whose results reach no
** check and no result, and maps vids to slots, reusing a temporary slot
** once its last reader has run and never letting an instruction write a
** slot it reads.
**
** Everything draw-invariant is settled here: the VM never sees a sum, a
** subscript or a year.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caps_int.h"
#include "eval.h"
#include "hash.h"
#include "lower.h"
#include "trail_int.h"

#define NO_VID UINT32_MAX
/* Dimensions whose member indexes a parameter read keeps on the stack;
** a methodology with more uses the heap. */
#define STACK_DIMS (MRV_MAX_AXES + 64)

typedef struct val {
    bool k;      /* a known constant */
    double v;    /* its value */
    uint32_t id; /* otherwise its vid */
} val;

typedef struct vinfo {
    bool safe; /* surely finite: inputs, finite constants, and
               ** + - * min max abs neg, comparisons, and/or/not and
               ** select of safe values (a select's condition too: one
               ** that is not finite makes it NaN) */
    bool checked;
    bool is_const;  /* a materialised constant */
    bool invariant; /* the same in every draw: a constant, or computed
                    ** from constants only (a fold that was not finite,
                    ** such as 1 / 0) */
    double k;       /* the value of an invariant vid */
    int32_t input;  /* input number, or -1 */
    uint32_t base;  /* made by a MULK: R[base] * scale; else NO_VID */
    double scale;
} vinfo;

typedef struct cse_key {
    uint32_t op, b, c, d;
    uint64_t kbits;
} cse_key;

typedef struct cse_ent {
    cse_key key;
    uint32_t vid; /* NO_VID: empty */
} cse_ent;

/* Where an input's draws belong: its uncertainty's stream, the year it
** is drawn for (vary: vintage) and the member of each dimension of its
** parameter (vary: member), compared as they are, whatever their names'
** lengths. */
typedef struct stream_key {
    uint64_t base;
    int year; /* MRV_NO_YEAR unless vary: vintage */
    uint32_t nmem;
    uint64_t mem[MRV_MAX_AXES]; /* dimension << 24 | member */
} stream_key;

typedef struct stream_ent {
    stream_key key;
    uint32_t vid; /* NO_VID: empty */
} stream_ent;

typedef struct init_val {
    int eq, year;
    size_t m; /* the combination of the equation's members */
    val v;
} init_val;

typedef struct lctx {
    const mrv_bound *b;
    const mrv_methodology *m;
    mrv_diag *d;
    mrv_arena *a;
    /* SSA code: insn.a is the destination vid */
    mrv_vec code;
    mrv_vec vinfo;
    mrv_vec inputs; /* mrv_input */
    mrv_vec sites;  /* mrv_site */
    mrv_vec checks; /* mrv_check */
    mrv_vec inits;  /* init_val */
    cse_ent *cse;
    size_t ncse, capcse;
    stream_ent *istr; /* input streams -> their vid */
    size_t nistr, capistr;
    cse_ent *kmap; /* constant bits -> vid (key.kbits) */
    size_t nk, capk;
    /* (equation, year, members) -> index into inits (in 'vid'): an
    ** equation over 10,000 sites has as many initial values. */
    cse_ent *initmap;
    size_t ninit, capinit;
    /* (sum's serial, base vid) -> the term's index in that sum (lin) */
    cse_ent *linmap;
    size_t nlin, caplin;
    uint32_t nsums;
    /* where we are: saved and restored around an 'initial' formula */
    struct where {
        const mrv_ynode *at;
        int eq;
        bool initial;
        int year;
        long iv[MRV_MAX_SCOPE]; /* sum indices: integer or member number */
    } w;
    val *eqval; /* [mrv_bound_eq_at(b, eq, v, m)] */
    bool *eqdone;
    uint64_t terms; /* sum bodies expanded so far (MRV_MAX_TERMS) */
    uint64_t work;  /* formula nodes lowered so far (MRV_MAX_WORK) */
    bool failed;
    mrv__trail_rec *rec; /* the trail being recorded, or NULL */
} lctx;

/* ---- small hash tables ------------------------------------------------- */

static uint64_t key_hash(const cse_key *k)
{
    uint64_t h = mrv__splitmix64(k->op * 0x9E3779B97F4A7C15ULL ^ k->b);
    h = mrv__splitmix64(h ^ ((uint64_t)k->c << 32 | k->d));
    return mrv__splitmix64(h ^ k->kbits);
}

static bool key_eq(const cse_key *x, const cse_key *y)
{
    return x->op == y->op && x->b == y->b && x->c == y->c && x->d == y->d &&
           x->kbits == y->kbits;
}

/* Finds key in an open-addressed table, growing it when over half full.
** Returns the entry (empty when the key is new) or NULL when out of
** memory. */
static cse_ent *table_find(cse_ent **tab, size_t *n, size_t *cap,
                           const cse_key *k)
{
    if (2 * (*n + 1) > *cap) {
        size_t ncap = *cap ? 2 * *cap : 1024;
        cse_ent *nt = malloc(ncap * sizeof *nt);
        if (!nt) return NULL;
        for (size_t i = 0; i < ncap; i++) nt[i].vid = NO_VID;
        for (size_t i = 0; i < *cap; i++) {
            if ((*tab)[i].vid == NO_VID) continue;
            size_t j = key_hash(&(*tab)[i].key) & (ncap - 1);
            while (nt[j].vid != NO_VID) j = (j + 1) & (ncap - 1);
            nt[j] = (*tab)[i];
        }
        free(*tab);
        *tab = nt;
        *cap = ncap;
    }
    size_t j = key_hash(k) & (*cap - 1);
    while ((*tab)[j].vid != NO_VID && !key_eq(&(*tab)[j].key, k))
        j = (j + 1) & (*cap - 1);
    return &(*tab)[j];
}

static uint64_t stream_hash(const stream_key *k)
{
    uint64_t h = mrv__splitmix64(k->base ^ (uint64_t)(uint32_t)k->year);
    for (uint32_t i = 0; i < k->nmem; i++) h = mrv__splitmix64(h ^ k->mem[i]);
    return h;
}

static bool stream_eq(const stream_key *x, const stream_key *y)
{
    if (x->base != y->base || x->year != y->year || x->nmem != y->nmem)
        return false;
    for (uint32_t i = 0; i < x->nmem; i++)
        if (x->mem[i] != y->mem[i]) return false;
    return true;
}

/* The entry for key k in the input table (empty when new), or NULL when
** out of memory. */
static stream_ent *stream_find(lctx *c, const stream_key *k)
{
    if (2 * (c->nistr + 1) > c->capistr) {
        size_t ncap = c->capistr ? 2 * c->capistr : 256;
        stream_ent *nt = malloc(ncap * sizeof *nt);
        if (!nt) return NULL;
        for (size_t i = 0; i < ncap; i++) nt[i].vid = NO_VID;
        for (size_t i = 0; i < c->capistr; i++) {
            if (c->istr[i].vid == NO_VID) continue;
            size_t j = stream_hash(&c->istr[i].key) & (ncap - 1);
            while (nt[j].vid != NO_VID) j = (j + 1) & (ncap - 1);
            nt[j] = c->istr[i];
        }
        free(c->istr);
        c->istr = nt;
        c->capistr = ncap;
    }
    size_t j = stream_hash(k) & (c->capistr - 1);
    while (c->istr[j].vid != NO_VID && !stream_eq(&c->istr[j].key, k))
        j = (j + 1) & (c->capistr - 1);
    return &c->istr[j];
}

/* ---- errors ------------------------------------------------------------ */

static bool lerr(lctx *c, size_t off, mrv_status st, const char *fmt, ...)
    MRV_PRINTF(4, 5);
static bool lerr(lctx *c, size_t off, mrv_status st, const char *fmt, ...)
{
    if (c->failed) return false;
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(c->d, mrv_expr_pos(c->w.at, off), st, fmt, ap);
    va_end(ap);
    c->failed = true;
    return false;
}

static bool nomem(lctx *c)
{
    if (!c->failed) {
        mrv_srcpos none = {NULL, 0, 0};
        mrv_error(c->d, none, MRV_ENOMEM, "out of memory while compiling");
    }
    c->failed = true;
    return false;
}

/* ---- values and instructions ------------------------------------------- */

static val konst(double v)
{
    val r = {true, v, NO_VID};
    return r;
}

/* A value as the trail records it. */
static mrv_trail_val tv(val v)
{
    mrv_trail_val t = {v.k ? v.v : 0, v.k ? MRV_TRAIL_KNOWN : v.id};
    return t;
}

static vinfo *info(lctx *c, uint32_t id)
{
    return &MRV_VEC_AT(&c->vinfo, vinfo, id);
}

static uint32_t new_vid(lctx *c, bool safe)
{
    vinfo vi = {safe, false, false, false, 0, -1, NO_VID, 0};
    if (!mrv_vec_push(&c->vinfo, &vi)) {
        nomem(c);
        return NO_VID;
    }
    return (uint32_t)(c->vinfo.n - 1);
}

static uint32_t site_here(lctx *c, size_t off)
{
    mrv_site s = {c->w.eq, c->w.initial, off};
    /* Consecutive instructions mostly share a site. */
    if (c->sites.n) {
        mrv_site *last = &MRV_VEC_AT(&c->sites, mrv_site, c->sites.n - 1);
        if (last->eq == s.eq && last->initial == s.initial && last->off == off)
            return (uint32_t)(c->sites.n - 1);
    }
    if (!mrv_vec_push(&c->sites, &s)) nomem(c);
    return (uint32_t)(c->sites.n - 1);
}

/* A constant as a slot operand. */
static uint32_t const_vid(lctx *c, double v)
{
    cse_key k = {UINT32_MAX, 0, 0, 0, 0};
    memcpy(&k.kbits, &v, sizeof v);
    cse_ent *e = table_find(&c->kmap, &c->nk, &c->capk, &k);
    if (!e) return nomem(c), NO_VID;
    if (e->vid != NO_VID) return e->vid;
    uint32_t id = new_vid(c, isfinite(v));
    if (id == NO_VID) return NO_VID;
    info(c, id)->is_const = true;
    info(c, id)->invariant = true;
    info(c, id)->k = v;
    e->key = k;
    e->vid = id;
    c->nk++;
    return id;
}

static uint32_t operand(lctx *c, val v)
{
    return v.k ? const_vid(c, v.v) : v.id;
}

static bool commutative(uint32_t op)
{
    switch (op) {
    case MRV_I_ADD:
    case MRV_I_MUL:
    case MRV_I_MIN:
    case MRV_I_MAX:
    case MRV_I_EQ:
    case MRV_I_NE:
    case MRV_I_AND:
    case MRV_I_OR:
        return true;
    default:
        return false;
    }
}

/* POWI keeps its exponent, ROUND its decimals and CHECK its check
** number in 'c'. */
static bool c_is_vid(uint32_t op)
{
    return op != MRV_I_POWI && op != MRV_I_ROUND && op != MRV_I_CHECK;
}

static bool keeps_safe(uint32_t op)
{
    switch (op) {
    case MRV_I_ADD:
    case MRV_I_SUB:
    case MRV_I_MUL:
    case MRV_I_ADDK:
    case MRV_I_SUBK:
    case MRV_I_RSUBK:
    case MRV_I_MULK:
    case MRV_I_MADDK:
    case MRV_I_NEG:
    case MRV_I_ABS:
    case MRV_I_MIN:
    case MRV_I_MAX:
    case MRV_I_SEL:
    case MRV_I_FLOOR:
    case MRV_I_CEIL:
    case MRV_I_LT:
    case MRV_I_LE:
    case MRV_I_GT:
    case MRV_I_GE:
    case MRV_I_EQ:
    case MRV_I_NE:
    case MRV_I_AND:
    case MRV_I_OR:
    case MRV_I_NOT:
        return true;
    default:
        return false;
    }
}

/* Emits op over vids b, c, d (NO_VID where unused) and constant k, after
** looking for an identical instruction. */
static val emit(lctx *c, uint32_t op, uint32_t b, uint32_t cc, uint32_t d,
                double k, size_t off)
{
    val r = {false, 0, NO_VID};
    if (c->failed) return r;
    if (b == NO_VID) { /* NEVER: every operand is a vid by now */
        lerr(c, off, MRV_EINTERNAL,
             "an operation lost its operand (a bug "
             "in mrv's lowering)");
        return r;
    }
    if (commutative(op) && cc < b) {
        uint32_t t = b;
        b = cc;
        cc = t;
    }
    cse_key key = {op, b, cc, d, 0};
    memcpy(&key.kbits, &k, sizeof k);
    cse_ent *e = table_find(&c->cse, &c->ncse, &c->capcse, &key);
    if (!e) return nomem(c), r;
    if (e->vid != NO_VID) {
        r.id = e->vid;
        return r;
    }
    if (c->code.n >= MRV_MAX_CODE) {
        lerr(c, off, MRV_EDOMAIN,
             "the formulas expand to more than %d operations; reduce the "
             "ranges or members summed over",
             MRV_MAX_CODE);
        return r;
    }
    bool safe = keeps_safe(op) && info(c, b)->safe &&
                (!c_is_vid(op) || cc == NO_VID || info(c, cc)->safe) &&
                (d == NO_VID || info(c, d)->safe) && isfinite(k);
    bool c_vid = c_is_vid(op) && cc != NO_VID;
    bool invariant = info(c, b)->invariant &&
                     (!c_vid || info(c, cc)->invariant) &&
                     (d == NO_VID || info(c, d)->invariant);
    double kv = 0;
    if (invariant) {
        mrv_insn in = {op, 0, 0, cc, 0, k, 0};
        kv = mrv_eval_op(&in, info(c, b)->k, c_vid ? info(c, cc)->k : 0,
                         d != NO_VID ? info(c, d)->k : 0);
    }
    uint32_t id = new_vid(c, safe);
    if (id == NO_VID) return r;
    info(c, id)->invariant = invariant;
    info(c, id)->k = kv;
    if (op == MRV_I_MULK && !invariant) {
        info(c, id)->base = b;
        info(c, id)->scale = k;
    }
    mrv_insn in = {op, id, b, cc, d, k, site_here(c, off)};
    if (!mrv_vec_push(&c->code, &in)) return nomem(c), r;
    e->key = key;
    e->vid = id;
    c->ncse++;
    r.id = id;
    return r;
}

/* Folds op when every operand is known and the result finite. */
static bool fold(uint32_t op, double b, double cc, double d, double k,
                 uint32_t ci, double *out)
{
    mrv_insn in = {op, 0, 0, ci, 0, k, 0};
    double r = mrv_eval_op(&in, b, cc, d);
    if (!isfinite(r)) return false;
    *out = r;
    return true;
}

static bool is_k(val v, double x)
{
    return v.k && v.v == x;
}

static val unary(lctx *c, uint32_t op, val a, size_t off)
{
    double r;
    if (a.k && fold(op, a.v, 0, 0, 0, 0, &r)) return konst(r);
    return emit(c, op, operand(c, a), NO_VID, NO_VID, 0, off);
}

static val mulk(lctx *c, val a, double k, size_t off);

static val binary(lctx *c, uint32_t op, val a, val b, size_t off)
{
    double r;
    if (a.k && b.k) {
        if (fold(op, a.v, b.v, 0, 0, 0, &r)) return konst(r);
        /* Not finite (1 / 0): evaluate it at run time, where the check
        ** catches it and the trace names this operation.  The cases
        ** below assume one operand is a vid. */
        return emit(c, op, operand(c, a), operand(c, b), NO_VID, 0, off);
    }
    switch (op) {
    case MRV_I_ADD:
        if (is_k(a, 0)) return b;
        if (is_k(b, 0)) return a;
        if (a.k) return emit(c, MRV_I_ADDK, b.id, NO_VID, NO_VID, a.v, off);
        if (b.k) return emit(c, MRV_I_ADDK, a.id, NO_VID, NO_VID, b.v, off);
        break;
    case MRV_I_SUB:
        if (is_k(b, 0)) return a;
        if (is_k(a, 0)) return unary(c, MRV_I_NEG, b, off);
        if (a.k) return emit(c, MRV_I_RSUBK, b.id, NO_VID, NO_VID, a.v, off);
        if (b.k) return emit(c, MRV_I_SUBK, a.id, NO_VID, NO_VID, b.v, off);
        break;
    case MRV_I_MUL:
        if (a.k) return mulk(c, b, a.v, off);
        if (b.k) return mulk(c, a, b.v, off);
        break;
    case MRV_I_DIV:
        if (is_k(b, 1)) return a;
        if (b.k && b.v != 0 && isfinite(1 / b.v))
            return emit(c, MRV_I_DIVK, a.id, NO_VID, NO_VID, b.v, off);
        if (a.k) return emit(c, MRV_I_RDIVK, b.id, NO_VID, NO_VID, a.v, off);
        break;
    case MRV_I_POW:
        if (b.k && b.v == floor(b.v) && fabs(b.v) <= MRV_MAX_INT_POWER) {
            if (b.v == 1) return a;
            if (b.v == 0 && !a.k && info(c, a.id)->safe) return konst(1);
            if (!a.k)
                return emit(c, MRV_I_POWI, a.id, (uint32_t)(int32_t)b.v, NO_VID,
                            0, off);
        }
        if (b.k && !a.k)
            return emit(c, MRV_I_POWK, a.id, NO_VID, NO_VID, b.v, off);
        if (a.k && !b.k)
            return emit(c, MRV_I_RPOWK, b.id, NO_VID, NO_VID, a.v, off);
        break;
    default:
        break;
    }
    if (op == MRV_I_POW && b.k && !a.k) /* a non-finite fold of POWI */
        return emit(c, MRV_I_POWK, a.id, NO_VID, NO_VID, b.v, off);
    return emit(c, op, operand(c, a), operand(c, b), NO_VID, 0, off);
}

/* k * a, with K1 * (K2 * x) folded to (K1 K2) * x. */
static val mulk(lctx *c, val a, double k, size_t off)
{
    if (a.k) {
        double r = a.v * k;
        if (isfinite(r)) return konst(r);
        return emit(c, MRV_I_MUL, const_vid(c, a.v), const_vid(c, k), NO_VID, 0,
                    off);
    }
    if (k == 1) return a;
    if (k == 0 && info(c, a.id)->safe) return konst(0);
    if (!isfinite(k))
        return emit(c, MRV_I_MUL, a.id, const_vid(c, k), NO_VID, 0, off);
    /* Look through a MULK that made a. */
    size_t n = c->code.n;
    if (n) {
        /* vids and instructions are not 1:1 (constants take vids), so
        ** search back a little for a's definition. */
        for (size_t i = n; i-- > 0 && n - i < 4;) {
            const mrv_insn *in = &MRV_VEC_AT(&c->code, mrv_insn, i);
            if (in->a != a.id) continue;
            if (in->op == MRV_I_MULK && isfinite(in->k * k) && in->k * k != 0)
                return emit(c, MRV_I_MULK, in->b, NO_VID, NO_VID, in->k * k,
                            off);
            break;
        }
    }
    return emit(c, MRV_I_MULK, a.id, NO_VID, NO_VID, k, off);
}

static val select3(lctx *c, val cond, val a, val b, size_t off)
{
    if (!a.k && !b.k && a.id == b.id) return a;
    if (a.k && b.k && a.v == b.v && !cond.k) {
        /* still NaN if the condition is: keep the select */
    }
    return emit(c, MRV_I_SEL, operand(c, cond), operand(c, a), operand(c, b), 0,
                off);
}

/* ---- inputs ------------------------------------------------------------ */

/* The input for a draw of 'u' for 'year' and the members mem[] of
** parameter p's dimensions: one per distinct stream (hash.h). */
static val input(lctx *c, const mrv_uncert *u, const mrv_param *p, int year,
                 const size_t *mem)
{
    stream_key k = {u->stream, MRV_NO_YEAR, 0, {0}};
    uint64_t id = u->stream;
    if (u->vary & MRV_VARY_VINTAGE) {
        k.year = year;
        id = mrv__sid_mix(id, MRV__SID_VARY_YEAR, (uint64_t)(uint32_t)year);
    }
    for (size_t i = 0; (u->vary & MRV_VARY_MEMBER) && i < p->nover; i++) {
        int ax = p->over[i];
        if (ax == MRV_AXIS_VINTAGE) continue;
        k.mem[k.nmem] = (uint64_t)ax << 24 | (uint64_t)mem[ax];
        id = mrv__sid_mix(id, MRV__SID_VARY_MEMBER, k.mem[k.nmem++]);
    }
    stream_ent *e = stream_find(c, &k);
    if (!e) return nomem(c), konst(0);
    if (e->vid == NO_VID) {
        mrv_input in = {u,      id, u->relative ? 1.0 : u->center, p, k.year,
                        k.nmem, {0}};
        for (uint32_t m = 0; m < k.nmem; m++) in.mem[m] = (uint32_t)k.mem[m];
        if (!mrv_vec_push(&c->inputs, &in)) return nomem(c), konst(0);
        uint32_t vid = new_vid(c, true);
        if (vid == NO_VID) return konst(0);
        info(c, vid)->input = (int32_t)(c->inputs.n - 1);
        e->key = k;
        e->vid = vid;
        c->nistr++;
    }
    val r = {false, 0, e->vid};
    return r;
}

/* ---- reading parameters and equations ---------------------------------- */

static val param_read(lctx *c, int pi, int year, const size_t *mem, size_t off)
{
    const mrv_param *p = &c->m->params[pi];
    mrv_vpick pk;
    char why[200];
    mrv_status st =
        mrv_bound_pick(c->b, (size_t)pi, year, mem, &pk, why, sizeof why);
    if (st != MRV_OK) {
        lerr(c, off, MRV_EREF, "'%s' has no value for %d (%s)", p->name, year,
             why);
        return konst(0);
    }
    bool series = false;
    for (size_t i = 0; i < p->nover; i++)
        series |= p->over[i] == MRV_AXIS_VINTAGE;
    int key_year = series ? year : c->w.year;
    val sum = konst(0);
    for (size_t k = 0; k < pk.nparts; k++) {
        const mrv_vnode *leaf = pk.part[k].leaf;
        val v = (leaf->unc && !leaf->unc->relative)
                    ? input(c, leaf->unc, p, key_year, mem)
                    : konst(leaf->value);
        for (size_t r = 0; r < pk.part[k].nrel; r++) {
            val m = input(c, pk.part[k].rel[r]->unc, p, key_year, mem);
            v = binary(c, MRV_I_MUL, v, m, off);
        }
        v = mulk(c, v, pk.part[k].w, off);
        sum = binary(c, MRV_I_ADD, sum, v, off);
    }
    mrv__trail_read(c->rec, MRV_TRAIL_PARAM, pi, year, mem, tv(sum));
    return sum;
}

static val lower(lctx *c, const mrv_ast *n);

/* Sets the equation's own dimensions (scope slots 0 ..) to the members
** of combination m of equation ei. */
static void set_own_members(lctx *c, int ei, size_t m)
{
    size_t pos[MRV_MAX_AXES];
    mrv_bound_eq_members(c->b, (size_t)ei, m, pos);
    for (size_t k = 0; k < c->m->eqs[ei].nover; k++) c->w.iv[k] = (long)pos[k];
}

/* Equation ei's 'initial' for combination m, read at 'year' before the
** first vintage: a number, a formula lowered where it is read (its own
** dimensions set to the members read), or the element of its per-member
** map; once per (equation, year, members). */
static val eq_initial(lctx *c, int ei, int year, size_t m, size_t off)
{
    const mrv_equation *e = &c->m->eqs[ei];
    cse_key key = {UINT32_MAX, (uint32_t)ei, (uint32_t)year, 0, m};
    cse_ent *ent = table_find(&c->initmap, &c->ninit, &c->capinit, &key);
    if (!ent) return nomem(c), konst(0);
    if (ent->vid != NO_VID) return MRV_VEC_AT(&c->inits, init_val, ent->vid).v;
    if (!e->initial_node) {
        char label[512];
        mrv_bound_eq_label(c->b, (size_t)ei, m, label, sizeof label);
        lerr(c, off, MRV_EREF,
             "'%s' is read at %d, before the first vintage %d, but declares "
             "no 'initial'",
             label, year, c->b->first);
        return konst(0);
    }
    val v;
    if (e->initial_map.is_initial) {
        size_t pos[MRV_MAX_AXES], *mem = calloc(c->m->ndims + 1, sizeof *mem);
        if (!mem) return nomem(c), konst(0);
        mrv_bound_eq_members(c->b, (size_t)ei, m, pos);
        for (size_t k = 0; k < e->nover; k++) mem[e->over[k]] = pos[k];
        mrv_vpick pk;
        char why[200];
        mrv_status st = mrv_vnode_pick(c->b->eq_initial[ei], &e->initial_map,
                                       MRV_NO_YEAR, mem, &pk, why, sizeof why);
        free(mem);
        if (st != MRV_OK) { /* NEVER: binding checked every member */
            lerr(c, off, MRV_EINTERNAL, "the initial of '%s': %s", e->name,
                 why);
            return konst(0);
        }
        v = konst(mrv_vpick_central(&pk));
    } else if (e->initial_is_number) {
        v = konst(
            mrv_unit_to_internal(e->initial->num, e->unit, c->b->year_days));
    } else {
        struct where saved = c->w;
        c->w.at = e->initial_node;
        c->w.eq = ei;
        c->w.initial = true;
        c->w.year = year;
        set_own_members(c, ei, m);
        mrv__trail_begin(c->rec, ei, true, year, m);
        v = lower(c, e->initial);
        mrv__trail_end(c->rec, tv(v));
        c->w = saved;
    }
    init_val iv = {ei, year, m, v};
    if (!mrv_vec_push(&c->inits, &iv)) return nomem(c), konst(0);
    /* Lowering the initial formula may have grown the table: find the
    ** entry again. */
    ent = table_find(&c->initmap, &c->ninit, &c->capinit, &key);
    if (!ent) return nomem(c), konst(0);
    ent->key = key;
    ent->vid = (uint32_t)(c->inits.n - 1);
    c->ninit++;
    return v;
}

/* Equation ei at 'year' for combination m (its members pos[], in the
** order of its 'over'; NULL for an equation over no dimension). */
static val eq_read(lctx *c, int ei, int year, size_t m, const size_t *pos,
                   size_t off)
{
    const mrv_equation *e = &c->m->eqs[ei];
    if (year > c->w.year) {
        lerr(c, off, MRV_EREF,
             "'%s' is read at %d, after the vintage %d being computed", e->name,
             year, c->w.year);
        return konst(0);
    }
    if (year < c->b->first) {
        val v = eq_initial(c, ei, year, m, off);
        mrv__trail_read(c->rec, MRV_TRAIL_INIT, ei, year, pos, tv(v));
        return v;
    }
    size_t k =
        mrv_bound_eq_at(c->b, (size_t)ei, (size_t)(year - c->b->first), m);
    if (!c->eqdone[k]) {
        lerr(c, off, MRV_EINTERNAL,
             "'%s' at %d is read before it is computed (a bug in mrv's "
             "dependency order)",
             e->name, year);
        return konst(0);
    }
    mrv__trail_read(c->rec, MRV_TRAIL_EQ, ei, year, pos, tv(c->eqval[k]));
    return c->eqval[k];
}

/* A subscript, a range bound or the decimals of 'round': known, and a
** whole number.  'rule' says why it must be known. */
static bool static_int_as(lctx *c, const mrv_ast *n, const char *what,
                          const char *rule, long *out)
{
    val v = lower(c, n);
    if (c->failed) return false;
    /* Known, but not folded: a constant operation that was not finite
    ** (1 / 0) is on the way. */
    if (!v.k && info(c, v.id)->invariant) {
        double x = info(c, v.id)->k;
        if (isfinite(x))
            return lerr(c, n->start, MRV_EDOMAIN,
                        "%s passes through a value that is not finite (a "
                        "division by zero or an overflow among constants)",
                        what);
        return lerr(c, n->start, MRV_EDOMAIN,
                    "%s is %s, not a finite number (a division by zero or "
                    "an overflow among constants)",
                    what,
                    isnan(x) ? "NaN"
                    : x > 0  ? "inf"
                             : "-inf");
    }
    if (!v.k)
        return lerr(c, n->start, MRV_EDOMAIN,
                    "%s depends on an uncertain input; %s must be known "
                    "before sampling",
                    what, rule);
    if (v.v != floor(v.v) || fabs(v.v) > 1e9)
        return lerr(c, n->start, MRV_EDOMAIN, "%s is %g, %s", what, v.v,
                    v.v != floor(v.v) ? "not a whole number" : "out of range");
    *out = (long)v.v;
    return true;
}

static bool static_int(lctx *c, const mrv_ast *n, const char *what, long *out)
{
    return static_int_as(c, n, what, "subscripts and ranges", out);
}

/* round(x, n): x is rounded in the unit the compiler chose (its scale in
** n->num, or 0 for the equation's own unit in n->unit, whose scale
** depends on the project's year length), to n decimals known before
** sampling. */
static val lower_round(lctx *c, const mrv_ast *n)
{
    val x = lower(c, n->args[0]);
    long dec = 0;
    if (n->nargs > 1 &&
        !static_int_as(c, n->args[1], "the number of decimals of 'round'", "it",
                       &dec))
        return konst(0);
    if (c->failed) return konst(0);
    /* mrv_eval_round saturates there: every double is 0 or its 15
    ** digits long before. */
    if (dec > 400) dec = 400;
    if (dec < -400) dec = -400;
    uint32_t ci = (uint32_t)(int32_t)dec;
    double scale = n->num ? n->num : mrv_unit_scale(n->unit, c->b->year_days);
    if (scale != 1) x = binary(c, MRV_I_DIV, x, konst(scale), n->off);
    double r;
    if (x.k && fold(MRV_I_ROUND, x.v, 0, 0, 0, ci, &r))
        x = konst(r);
    else
        x = emit(c, MRV_I_ROUND, operand(c, x), ci, NO_VID, 0, n->off);
    if (scale != 1) x = mulk(c, x, scale, n->off);
    return x;
}

static val lower_index(lctx *c, const mrv_ast *n)
{
    if (n->sym == MRV_SYM_EQUATION) {
        /* E[year], E[i, ...] (this vintage) or E[year, i, ...]. */
        const mrv_equation *e = &c->m->eqs[n->index];
        bool has_year = n->nargs == e->nover + 1;
        long year = c->w.year;
        if (has_year && !static_int(c, n->args[0], "the year subscript", &year))
            return konst(0);
        size_t pos[MRV_MAX_AXES] = {0};
        for (size_t k = 0; k < e->nover; k++)
            pos[k] = (size_t)c->w.iv[n->args[k + has_year]->index];
        size_t m = mrv_bound_eq_combo(c->b, (size_t)n->index, pos);
        return eq_read(c, n->index, (int)year, m, e->nover ? pos : NULL,
                       has_year ? n->args[0]->start : n->off);
    }
    const mrv_param *p = &c->m->params[n->index];
    bool has_v = false;
    for (size_t i = 0; i < p->nover; i++)
        has_v |= p->over[i] == MRV_AXIS_VINTAGE;
    bool implicit = has_v && n->nargs + 1 == p->nover;
    size_t mem[STACK_DIMS] = {0};
    size_t *memv = mem;
    size_t *heap = NULL;
    if (c->m->ndims > sizeof mem / sizeof *mem) {
        heap = calloc(c->m->ndims, sizeof *heap);
        if (!heap) return nomem(c), konst(0);
        memv = heap;
    }
    int year = has_v ? c->w.year : MRV_NO_YEAR;
    size_t year_off = n->off;
    size_t a = 0;
    for (size_t i = 0; i < p->nover; i++) {
        if (p->over[i] == MRV_AXIS_VINTAGE) {
            if (implicit) continue;
            long y;
            if (!static_int(c, n->args[a], "the year subscript", &y)) {
                free(heap);
                return konst(0);
            }
            year = (int)y;
            year_off = n->args[a]->start;
            a++;
            continue;
        }
        memv[p->over[i]] = (size_t)c->w.iv[n->args[a]->index];
        a++;
    }
    val r = param_read(c, n->index, year, memv, year_off);
    free(heap);
    return r;
}

/* ---- sums ---------------------------------------------------------------
**
** A sum's body is usually a product, and most of its factors do not
** depend on every index: in sum(i in fleet, v in first .. y: D[v, i] *
** S^(y - v) * U * DD[i]), U depends on neither index and DD[i] not on v.
** Such factors are multiplied once, outside the loops they do not depend
** on: U * sum(i: DD[i] * sum(v: D[v, i] * S^(y - v))).  The inner sum is
** then the same instruction sequence wherever it recurs (fuel and
** electricity share it), so it is computed once.  The result differs from
** the written order only by rounding (a relative 1e-16). */

#define MAX_FACTORS 64

typedef struct factors {
    const mrv_ast *f[MAX_FACTORS];
    uint64_t uses[MAX_FACTORS]; /* bit s: mentions sum index slot s */
    size_t n;
} factors;

/* Bits of the sum index slots 'e' mentions, in any subscript, range or
** nested sum. */
static uint64_t index_uses(const mrv_ast *e)
{
    uint64_t u = 0;
    if (!e) return 0;
    if (e->sym == MRV_SYM_INDEXVAR && e->index >= 0 && e->index < MRV_MAX_SCOPE)
        u |= (uint64_t)1 << e->index;
    for (size_t i = 0; i < e->nargs; i++) u |= index_uses(e->args[i]);
    for (size_t i = 0; i < e->nbinders; i++)
        u |= index_uses(e->binders[i].lo) | index_uses(e->binders[i].hi);
    return u;
}

static void flatten(factors *fs, const mrv_ast *e)
{
    if (e->kind == MRV_AST_BINARY && e->op == MRV_OP_MUL &&
        fs->n + 2 <= MAX_FACTORS) {
        flatten(fs, e->args[0]);
        flatten(fs, e->args[1]);
        return;
    }
    if (fs->n == MAX_FACTORS) return; /* cannot happen: checked above */
    fs->f[fs->n] = e;
    fs->uses[fs->n] = index_uses(e);
    fs->n++;
}

/* The product of the factors in 'take', which belong to the terms from
** 't0' on (for the trail). */
static val product(lctx *c, const factors *fs, const bool *take, size_t off,
                   size_t t0)
{
    val p = konst(1);
    for (size_t k = 0; k < fs->n && !c->failed; k++) {
        if (!take[k]) continue;
        mrv__trail_factor_at(c->rec, t0, k);
        val f = lower(c, fs->f[k]);
        mrv__trail_factor(c->rec, t0, k, tv(f));
        p = binary(c, MRV_I_MUL, p, f, off);
    }
    return p;
}

/* A sum being formed, kept as k + sum of coef[i] * R[base[i]]: terms
** that differ only by a constant factor (a deposit year's decay weight
** times the same draws) become one term whose coefficient is the sum of
** theirs, settled while lowering.  A landfill's 90 deposit years x 2
** seasons then cost two operations per waste type and vintage, not 180.
** This adds the constants before multiplying by the draws where the
** formula multiplies first: the same value, rounded differently
** (docs/performance.md), and the same on every machine. */
typedef struct lin_term {
    uint32_t base;
    double coef;
} lin_term;

typedef struct lin {
    uint32_t serial; /* this sum's key in lctx.linmap */
    double k;
    mrv_vec t; /* lin_term, in the order of first appearance */
} lin;

static void lin_init(lctx *c, lin *l)
{
    l->serial = c->nsums++;
    l->k = 0;
    mrv_vec_init(&l->t, sizeof(lin_term));
}

/* Adds coef * R[base] to l. */
static void lin_add(lctx *c, lin *l, uint32_t base, double coef, size_t off)
{
    if (c->failed) return;
    if (!isfinite(coef)) {
        /* Not foldable: the product is formed at run time, where the
        ** check sees it, and joins the sum as a term of its own. */
        val v = emit(c, MRV_I_MUL, base, const_vid(c, coef), NO_VID, 0, off);
        if (c->failed) return;
        base = v.id;
        coef = 1;
    }
    cse_key key = {l->serial, base, 0, 0, 0};
    cse_ent *e = table_find(&c->linmap, &c->nlin, &c->caplin, &key);
    if (!e) {
        nomem(c);
        return;
    }
    if (e->vid != NO_VID) {
        MRV_VEC_AT(&l->t, lin_term, e->vid).coef += coef;
        return;
    }
    lin_term t = {base, coef};
    if (!mrv_vec_push(&l->t, &t)) {
        nomem(c);
        return;
    }
    e->key = key;
    e->vid = (uint32_t)(l->t.n - 1);
    c->nlin++;
}

/* Adds k * v to l, looking through the MULK that made v. */
static void lin_add_val(lctx *c, lin *l, val v, double k, size_t off)
{
    if (c->failed) return;
    if (v.k) {
        l->k += k * v.v;
        return;
    }
    const vinfo *vi = info(c, v.id);
    if (vi->base != NO_VID)
        lin_add(c, l, vi->base, k * vi->scale, off);
    else
        lin_add(c, l, v.id, k, off);
}

/* l's value; frees l. */
static val lin_value(lctx *c, lin *l, size_t off)
{
    val acc = konst(0);
    for (size_t i = 0; i < l->t.n && !c->failed; i++) {
        const lin_term *t = &MRV_VEC_AT(&l->t, lin_term, i);
        val b = {false, 0, t->base};
        acc = binary(c, MRV_I_ADD, acc, mulk(c, b, t->coef, off), off);
    }
    mrv_vec_free(&l->t);
    return binary(c, MRV_I_ADD, acc, konst(l->k), off);
}

/* Adds k times the product of the factors in 'take' (a sum's term) to
** l, multiplying the constants apart from the draws: (a x)(b y) is
** (a b)(x y), and x y is the same column in every term that has it. */
static void lin_add_product(lctx *c, lin *l, const factors *fs,
                            const bool *take, double k, size_t off, size_t t0)
{
    val p = konst(1);
    for (size_t j = 0; j < fs->n && !c->failed; j++) {
        if (!take[j]) continue;
        mrv__trail_factor_at(c->rec, t0, j);
        val f = lower(c, fs->f[j]);
        mrv__trail_factor(c->rec, t0, j, tv(f));
        if (c->failed) return;
        double s = 1;
        if (f.k)
            s = f.v, f = konst(1);
        else if (info(c, f.id)->base != NO_VID)
            s = info(c, f.id)->scale, f.id = info(c, f.id)->base;
        double ks = k * s;
        if (isfinite(ks) && (ks != 0 || k == 0 || s == 0))
            k = ks;
        else
            f = binary(c, MRV_I_MUL, konst(s), f, off);
        p = binary(c, MRV_I_MUL, p, f, off);
    }
    lin_add_val(c, l, p, k, off);
}

static bool terms_error(lctx *c, const mrv_ast *n)
{
    return lerr(c, n->off, MRV_EDOMAIN,
                "the sums expand to more than %d terms over the crediting "
                "period; reduce the ranges or members summed over",
                MRV_MAX_TERMS);
}

/* Whether sum n, over dimensions alone, would pass MRV_MAX_TERMS (after
** the error): its terms are then the product of their members, known
** before any is expanded, and four dimensions read from data files make
** 10^24 of them (counted past 64 bits).  A sum over a range is counted
** as it goes, since its bounds may depend on an outer index. */
static bool too_many_terms(lctx *c, const mrv_ast *n)
{
    uint64_t nterms = 1;
    for (size_t j = 0; j < n->nbinders; j++) {
        if (!n->binders[j].dim) return false;
        nterms = mrv__caps_mul(nterms, c->b->nmembers[n->binders[j].dim_index]);
    }
    if (nterms <= MRV_MAX_TERMS - c->terms) return false;
    terms_error(c, n);
    return true;
}

/* Adds k times the sum over binders bi.. of the product of the factors
** in 'live' to l. */
static void lower_sum_at(lctx *c, const mrv_ast *n, size_t bi,
                         const factors *fs, const bool *live, lin *l, double k)
{
    if (c->failed) return;
    if (bi == 0 && too_many_terms(c, n)) return;
    if (bi == n->nbinders) {
        /* Each range is capped, but nested ranges multiply, and a body
        ** that folds to a constant emits nothing for MRV_MAX_CODE to
        ** stop: count the terms themselves, so time stays bounded. */
        if (++c->terms > MRV_MAX_TERMS) {
            terms_error(c, n);
            return;
        }
        size_t t = mrv__trail_term(c->rec, n, c->w.iv);
        lin_add_product(c, l, fs, live, k, n->off, t);
        return;
    }
    const mrv_binder *b = &n->binders[bi];
    size_t t0 = mrv__trail_level(c->rec);
    long lo, hi;
    if (b->dim) {
        lo = 0;
        hi = (long)c->b->nmembers[b->dim_index] - 1;
    } else {
        if (!static_int(c, b->lo, "a range bound", &lo) ||
            !static_int(c, b->hi, "a range bound", &hi))
            return;
        if (hi - lo + 1 > MRV_MAX_RANGE) {
            lerr(c, b->off, MRV_EDOMAIN,
                 "the range %ld .. %ld has %ld values; at most %d are allowed",
                 lo, hi, hi - lo + 1, MRV_MAX_RANGE);
            return;
        }
    }
    mrv__trail_range(c->rec, bi, lo, hi);
    if (hi < lo) return; /* an empty sum is 0, whatever its body */
    /* Factors that use no index from here inwards leave this loop. */
    uint64_t here = 0;
    for (size_t j = bi; j < n->nbinders; j++)
        if (n->binders[j].slot >= 0 && n->binders[j].slot < MRV_MAX_SCOPE)
            here |= (uint64_t)1 << n->binders[j].slot;
    bool out[MAX_FACTORS], in[MAX_FACTORS];
    for (size_t j = 0; j < fs->n; j++) {
        out[j] = live[j] && !(fs->uses[j] & here);
        in[j] = live[j] && !out[j];
    }
    lin inner;
    lin_init(c, &inner);
    for (long i = lo; i <= hi && !c->failed; i++) {
        c->w.iv[b->slot] = i;
        lower_sum_at(c, n, bi + 1, fs, in, &inner, 1);
    }
    /* The factors outside, lowered after the terms as the trail records
    ** them. */
    val o = product(c, fs, out, n->off, t0);
    double ko = o.k ? k * o.v : 0;
    if (o.k && isfinite(ko) && (ko != 0 || k == 0 || o.v == 0)) {
        /* A constant outside joins the coefficients. */
        for (size_t j = 0; j < inner.t.n && !c->failed; j++) {
            const lin_term *t = &MRV_VEC_AT(&inner.t, lin_term, j);
            lin_add(c, l, t->base, t->coef * ko, n->off);
        }
        l->k += inner.k * ko;
        mrv_vec_free(&inner.t);
        return;
    }
    val s = lin_value(c, &inner, n->off);
    lin_add_val(c, l, binary(c, MRV_I_MUL, o, s, n->off), k, n->off);
}

static val lower_sum(lctx *c, const mrv_ast *n)
{
    factors fs;
    fs.n = 0;
    flatten(&fs, n->args[0]);
    bool live[MAX_FACTORS];
    for (size_t k = 0; k < fs.n; k++) live[k] = true;
    mrv__trail_sum_begin(c->rec, n, fs.n);
    lin l;
    lin_init(c, &l);
    lower_sum_at(c, n, 0, &fs, live, &l, 1);
    val r = lin_value(c, &l, n->off);
    mrv__trail_sum_end(c->rec, tv(r));
    return r;
}

static double frac_of(const lctx *c, int year)
{
    if (year < c->b->first || year > c->b->last) return 0;
    return c->b->frac[year - c->b->first];
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

/* A left-leaning chain 'a + b + ... + z' is as deep as the formula is
** long (about 8000 nodes, expr_parse.c), too deep to recurse on with
** sanitizers' big frames; so its spine of left operands is walked with a
** loop.  Right operands are one nesting level down each, and nesting is
** capped by the parser. */
static val lower_binary(lctx *c, const mrv_ast *n)
{
    const mrv_ast *small[32], **spine = small;
    size_t depth = 0;
    const mrv_ast *e;
    for (e = n; e->kind == MRV_AST_BINARY; e = e->args[0]) depth++;
    if (depth > sizeof small / sizeof *small) {
        spine = malloc(depth * sizeof *spine);
        if (!spine) return nomem(c), konst(0);
    }
    e = n;
    for (size_t i = depth; i-- > 0; e = e->args[0]) spine[i] = e;
    val a = lower(c, e);
    for (size_t i = 0; i < depth && !c->failed; i++) {
        const mrv_ast *b = spine[i];
        /* 'and'/'or' whose left side is known decide without the right,
        ** which may then read what does not exist (C[y - 1] at first). */
        if (b->op == MRV_OP_AND && a.k && a.v == 0) {
            a = konst(0);
        } else if (b->op == MRV_OP_OR && a.k && a.v != 0 && !isnan(a.v)) {
            a = konst(1);
        } else {
            val r = lower(c, b->args[1]);
            a = binary(c, binop_code(b->op), a, r, b->off);
        }
        /* The spine's nodes do not pass through lower(). */
        mrv__trail_node(c->rec, b, tv(a));
    }
    if (spine != small) free(spine);
    return c->failed ? konst(0) : a;
}

static val lower_call(lctx *c, const mrv_ast *n)
{
    mrv_ast *const *a = n->args;
    switch (n->func) {
    case MRV_F_IF: {
        val cond = lower(c, a[0]);
        if (c->failed) return konst(0);
        if (cond.k) return lower(c, cond.v != 0 ? a[1] : a[2]);
        val x = lower(c, a[1]);
        val y = lower(c, a[2]);
        return select3(c, cond, x, y, n->off);
    }
    case MRV_F_MIN:
    case MRV_F_MAX: {
        uint32_t op = n->func == MRV_F_MIN ? MRV_I_MIN : MRV_I_MAX;
        val acc = lower(c, a[0]);
        for (size_t i = 1; i < n->nargs; i++)
            acc = binary(c, op, acc, lower(c, a[i]), n->off);
        return acc;
    }
    case MRV_F_CLAMP: {
        val x = lower(c, a[0]), lo = lower(c, a[1]), hi = lower(c, a[2]);
        return binary(c, MRV_I_MIN, binary(c, MRV_I_MAX, x, lo, n->off), hi,
                      n->off);
    }
    case MRV_F_EXP:
        return unary(c, MRV_I_EXP, lower(c, a[0]), n->off);
    case MRV_F_LN:
    case MRV_F_LOG:
        return unary(c, MRV_I_LN, lower(c, a[0]), n->off);
    case MRV_F_LOG10:
        return unary(c, MRV_I_LOG10, lower(c, a[0]), n->off);
    case MRV_F_SQRT:
        return unary(c, MRV_I_SQRT, lower(c, a[0]), n->off);
    case MRV_F_ABS:
        return unary(c, MRV_I_ABS, lower(c, a[0]), n->off);
    case MRV_F_FLOOR:
        return unary(c, MRV_I_FLOOR, lower(c, a[0]), n->off);
    case MRV_F_CEIL:
        return unary(c, MRV_I_CEIL, lower(c, a[0]), n->off);
    case MRV_F_ROUND:
        return lower_round(c, n);
    case MRV_F_COUNT:
        break;
    }
    lerr(c, n->off, MRV_EINTERNAL, "unknown function");
    return konst(0);
}

static val lower_node(lctx *c, const mrv_ast *n)
{
    if (c->failed) return konst(0);
    /* Every node of every formula is lowered once per term of each sum
    ** around it, at every vintage: this count is the time lowering
    ** takes, whether or not the node leaves an instruction behind. */
    if (++c->work > MRV_MAX_WORK) {
        lerr(c, n->off, MRV_EDOMAIN,
             "the formulas take more than %d steps to lower over the "
             "crediting period (each formula's size, times the terms of "
             "the sums around it, at every vintage); reduce the ranges or "
             "members summed over, or the formulas' size",
             MRV_MAX_WORK);
        return konst(0);
    }
    switch (n->kind) {
    case MRV_AST_NUM:
        return konst(n->num);
    case MRV_AST_STR: /* a choice's name: its index (compile.c) */
        return konst(n->num);
    case MRV_AST_NAME:
        switch (n->sym) {
        case MRV_SYM_Y:
            return konst(c->w.year);
        case MRV_SYM_FIRST:
            return konst(c->b->first);
        case MRV_SYM_LAST:
            return konst(c->b->last);
        case MRV_SYM_FRAC:
            return konst(frac_of(c, c->w.year));
        case MRV_SYM_INDEXVAR:
            return konst((double)c->w.iv[n->index]);
        case MRV_SYM_PARAM: {
            const mrv_param *p = &c->m->params[n->index];
            bool has_v = p->nover > 0; /* only the vintage axis, if any */
            size_t mem[1] = {0};
            return param_read(c, n->index, has_v ? c->w.year : MRV_NO_YEAR, mem,
                              n->off);
        }
        case MRV_SYM_EQUATION: /* over no dimension (compile.c) */
            return eq_read(c, n->index, c->w.year, 0, NULL, n->off);
        default:
            break;
        }
        break;
    case MRV_AST_INDEX:
        return lower_index(c, n);
    case MRV_AST_CALL:
        return lower_call(c, n);
    case MRV_AST_UNARY: {
        val a = lower(c, n->args[0]);
        return unary(c, n->op == MRV_OP_NEG ? MRV_I_NEG : MRV_I_NOT, a, n->off);
    }
    case MRV_AST_BINARY:
        return lower_binary(c, n);
    case MRV_AST_SUM:
        return lower_sum(c, n);
    }
    lerr(c, n->off, MRV_EINTERNAL, "unresolved name '%s'",
         n->name ? n->name : "?");
    return konst(0);
}

static val lower(lctx *c, const mrv_ast *n)
{
    val r = lower_node(c, n);
    mrv__trail_node(c->rec, n, tv(r));
    return r;
}

/* ---- second pass: dead code, slots ------------------------------------- */

typedef struct finish {
    lctx *c;
    mrv_program *p;
    const uint32_t *res_vid;  /* [v * R + r] */
    const uint32_t *keep_vid; /* [e * nvint + v] with keep_equations, or NULL */
    size_t nkeep;
    const uint32_t *trail_vid; /* kept live too, without a place in p */
    size_t ntrail;
    uint32_t *vid_slot; /* NULL, or set: every vid's slot (UINT32_MAX) */
} finish;

/* Fuses each kept ADD of a MULK's value that nothing else reads (not a
** result, an equation kept or a trail value) into one MADDK: the same two
** roundings, one pass over the columns instead of two and one column
** less to write and read back.  Sums of weighted terms (a landfill's
** decay over deposit years) are mostly such pairs.  from[i] becomes the
** MULK folded into instruction i, which is no longer kept. */
static bool fuse_maddk(lctx *c, const mrv_insn *code, size_t ncode, bool *keep,
                       const bool *pinned, uint32_t *from)
{
    size_t nv = c->vinfo.n;
    uint32_t *uses = calloc(nv + 1, sizeof *uses);
    uint32_t *def = malloc((nv + 1) * sizeof *def);
    if (!uses || !def) {
        free(uses);
        free(def);
        return false;
    }
    for (size_t v = 0; v < nv; v++) def[v] = NO_VID;
    for (size_t i = 0; i < ncode; i++) {
        from[i] = NO_VID;
        if (!keep[i]) continue;
        const mrv_insn *in = &code[i];
        if (in->op != MRV_I_CHECK) def[in->a] = (uint32_t)i;
        uses[in->b]++;
        if (c_is_vid(in->op) && in->c != NO_VID) uses[in->c]++;
        if (in->d != NO_VID) uses[in->d]++;
    }
    for (size_t i = 0; i < ncode; i++) {
        const mrv_insn *in = &code[i];
        if (!keep[i] || in->op != MRV_I_ADD) continue;
        uint32_t side[2] = {in->c, in->b};
        for (int s = 0; s < 2; s++) {
            uint32_t t = side[s], j = def[t];
            if (j == NO_VID || code[j].op != MRV_I_MULK || uses[t] != 1 ||
                pinned[t])
                continue;
            from[i] = j;
            keep[j] = false;
            break;
        }
    }
    free(uses);
    free(def);
    return true;
}

/* Instruction i as emitted: a fused ADD becomes b + m * K, b the ADD's
** other operand and m * K the MULK's (addition commutes exactly). */
static mrv_insn fused(const mrv_insn *code, const uint32_t *from, size_t i)
{
    mrv_insn in = code[i];
    if (from[i] == NO_VID) return in;
    const mrv_insn *m = &code[from[i]];
    uint32_t other = in.c == m->a ? in.b : in.c;
    in.op = MRV_I_MADDK;
    in.b = other;
    in.c = m->b;
    in.k = m->k;
    return in;
}

static bool finish_program(finish *f)
{
    lctx *c = f->c;
    mrv_program *p = f->p;
    size_t nv = c->vinfo.n, ncode = c->code.n;
    size_t nres = c->b->nvint * MRV_NRESULTS;
    mrv_insn *code = c->code.data;
    bool *live = calloc(nv + 1, sizeof *live);
    bool *keep = calloc(ncode + 1, sizeof *keep);
    bool *pinned = calloc(nv + 1, sizeof *pinned);
    uint32_t *from = malloc((ncode + 1) * sizeof *from);
    size_t *last = malloc((nv + 1) * sizeof *last);
    uint32_t *slot = malloc((nv + 1) * sizeof *slot);
    uint32_t *freel = malloc((nv + 1) * sizeof *freel);
    bool ok = live && keep && last && slot && freel && pinned && from;
    if (!ok) goto out;

    for (size_t i = 0; i < nres; i++) live[f->res_vid[i]] = true;
    for (size_t i = 0; i < f->nkeep; i++) live[f->keep_vid[i]] = true;
    for (size_t i = 0; i < f->ntrail; i++) live[f->trail_vid[i]] = true;
    for (size_t i = ncode; i-- > 0;) {
        const mrv_insn *in = &code[i];
        if (in->op != MRV_I_CHECK && !live[in->a]) continue;
        keep[i] = true;
        live[in->b] = true;
        if (c_is_vid(in->op) && in->c != NO_VID) live[in->c] = true;
        if (in->d != NO_VID) live[in->d] = true;
    }
    for (size_t i = 0; i < nres; i++) pinned[f->res_vid[i]] = true;
    for (size_t i = 0; i < f->nkeep; i++) pinned[f->keep_vid[i]] = true;
    for (size_t i = 0; i < f->ntrail; i++) pinned[f->trail_vid[i]] = true;
    if (!(ok = fuse_maddk(c, code, ncode, keep, pinned, from))) goto out;
    /* Slots: inputs keep their index; live constants follow. */
    size_t ninputs = c->inputs.n, nslots = ninputs;
    mrv_vec kslot, kval;
    mrv_vec_init(&kslot, sizeof(uint32_t));
    mrv_vec_init(&kval, sizeof(double));
    for (size_t v = 0; v < nv; v++) {
        slot[v] = UINT32_MAX;
        last[v] = 0;
        if (info(c, (uint32_t)v)->input >= 0) {
            slot[v] = (uint32_t)info(c, (uint32_t)v)->input;
        } else if (info(c, (uint32_t)v)->is_const && live[v]) {
            slot[v] = (uint32_t)nslots;
            uint32_t s = (uint32_t)nslots++;
            ok = ok && mrv_vec_push(&kslot, &s) &&
                 mrv_vec_push(&kval, &info(c, (uint32_t)v)->k);
        }
    }
    for (size_t i = 0; i < ncode; i++) {
        if (!keep[i]) continue;
        mrv_insn in = fused(code, from, i);
        last[in.b] = i;
        if (c_is_vid(in.op) && in.c != NO_VID) last[in.c] = i;
        if (in.d != NO_VID) last[in.d] = i;
    }
    for (size_t i = 0; i < nres; i++) last[f->res_vid[i]] = SIZE_MAX;
    for (size_t i = 0; i < f->nkeep; i++) last[f->keep_vid[i]] = SIZE_MAX;
    for (size_t i = 0; i < f->ntrail; i++) last[f->trail_vid[i]] = SIZE_MAX;

    mrv_vec out;
    mrv_vec_init(&out, sizeof(mrv_insn));
    size_t nfree = 0;
    for (size_t i = 0; i < ncode && ok; i++) {
        if (!keep[i]) continue;
        mrv_insn in = fused(code, from, i);
        uint32_t ops[3] = {in.b, c_is_vid(in.op) ? in.c : NO_VID, in.d};
        if (in.op != MRV_I_CHECK) {
            uint32_t s = nfree ? freel[--nfree] : (uint32_t)nslots++;
            slot[in.a] = s;
            in.a = s;
        } else {
            in.a = 0;
        }
        in.b = slot[ops[0]];
        /* Unused operands name slot 0, so the VM never forms a column
        ** address outside the slots. */
        if (ops[1] != NO_VID)
            in.c = slot[ops[1]];
        else if (c_is_vid(in.op))
            in.c = 0;
        in.d = ops[2] != NO_VID ? slot[ops[2]] : 0;
        ok &= mrv_vec_push(&out, &in);
        /* Release temporaries read for the last time, once each. */
        for (int k = 0; k < 3; k++) {
            uint32_t v = ops[k];
            if (v == NO_VID || info(c, v)->input >= 0 || info(c, v)->is_const)
                continue;
            if (last[v] != i) continue;
            bool dup = false;
            for (int j = 0; j < k; j++) dup |= ops[j] == v;
            if (!dup) freel[nfree++] = slot[v];
        }
    }
    p->nslots = nslots;
    p->ninputs = ninputs;
    p->nconsts = kslot.n;
    p->const_slot = mrv_vec_freeze(&kslot, c->a);
    p->const_value = mrv_vec_freeze(&kval, c->a);
    p->ncode = out.n;
    p->code = mrv_vec_freeze(&out, c->a);
    /* A table that is empty is NULL, and so is one that could not be
    ** copied: tell them apart, never hand out a count with no table. */
    ok = ok && (p->const_slot || !p->nconsts) &&
         (p->const_value || !p->nconsts) && (p->code || !p->ncode);
    p->result_slot = mrv_arena_array(c->a, nres, sizeof *p->result_slot);
    ok = ok && p->result_slot && !mrv_arena_failed(c->a);
    for (size_t i = 0; ok && i < nres; i++)
        p->result_slot[i] = slot[f->res_vid[i]];
    if (ok && f->nkeep) {
        p->eq_slot = mrv_arena_array(c->a, f->nkeep, sizeof *p->eq_slot);
        ok = p->eq_slot != NULL;
        for (size_t i = 0; ok && i < f->nkeep; i++)
            p->eq_slot[i] = slot[f->keep_vid[i]];
    }
    if (ok && f->vid_slot) memcpy(f->vid_slot, slot, nv * sizeof *slot);
out:
    free(live);
    free(keep);
    free(pinned);
    free(from);
    free(last);
    free(slot);
    free(freel);
    return ok;
}

mrv_status mrv_lower(const mrv_bound *b, const mrv_compiled *cp,
                     const mrv_program **out, mrv_diag *d)
{
    mrv_lowered lw;
    mrv_status st = mrv_lower_with(b, cp, NULL, &lw, d);
    *out = lw.program;
    return st;
}

/* The central program and the trail, from the same instructions as the
** Monte Carlo's program 'p' (already finished). */
static bool finish_central(lctx *c, const uint32_t *res_vid,
                           const uint32_t *keep_vid, mrv_program *q,
                           mrv_trail **trail)
{
    size_t ntrail;
    const uint32_t *tvid = mrv__trail_vids(c->rec, &ntrail);
    uint32_t *vid_slot =
        c->rec ? malloc((c->vinfo.n + 1) * sizeof *vid_slot) : NULL;
    finish g = {c, q, res_vid, keep_vid, c->b->neqvals, tvid, ntrail, vid_slot};
    bool ok = (!c->rec || vid_slot) && finish_program(&g);
    if (ok && c->rec) {
        *trail = mrv__trail_close(c->rec);
        ok = *trail != NULL;
        if (ok) mrv__trail_slots(*trail, vid_slot);
    }
    free(vid_slot);
    return ok;
}

mrv_status mrv_lower_with(const mrv_bound *b, const mrv_compiled *cp,
                          const mrv_lower_opts *opts, mrv_lowered *out,
                          mrv_diag *d)
{
    memset(out, 0, sizeof *out);
    bool trail = opts && opts->trail;
    bool keep = trail || (opts && opts->keep_equations);
    lctx c = {0};
    c.b = b;
    c.m = b->meth;
    c.d = d;
    c.a = b->arena;
    mrv_vec_init(&c.code, sizeof(mrv_insn));
    mrv_vec_init(&c.vinfo, sizeof(vinfo));
    mrv_vec_init(&c.inputs, sizeof(mrv_input));
    mrv_vec_init(&c.sites, sizeof(mrv_site));
    mrv_vec_init(&c.checks, sizeof(mrv_check));
    mrv_vec_init(&c.inits, sizeof(init_val));
    size_t nv = b->nvint, nq = b->neqvals;
    c.eqval = calloc(nq + 1, sizeof *c.eqval);
    c.eqdone = calloc(nq + 1, sizeof *c.eqdone);
    c.rec = trail ? mrv__trail_rec_new(b) : NULL;
    uint32_t *res_vid = calloc(nv * MRV_NRESULTS + 1, sizeof *res_vid);
    uint32_t *keep_vid = keep ? calloc(nq + 1, sizeof *keep_vid) : NULL;
    mrv_program *p = mrv_arena_alloc(c.a, sizeof *p);
    mrv_program *q = keep ? mrv_arena_alloc(c.a, sizeof *q) : NULL;
    mrv_trail *t = NULL;
    mrv_status st = MRV_OK;
    if (!c.eqval || !c.eqdone || !res_vid || !p ||
        (keep && (!keep_vid || !q)) || (trail && !c.rec)) {
        nomem(&c);
        goto done;
    }

    for (size_t v = 0; v < nv && !c.failed; v++) {
        c.w.year = b->first + (int)v;
        /* Each equation in dependency order, member by member for one
        ** over dimensions: all members of one before the next equation,
        ** which may sum them. */
        for (size_t k = 0; k < cp->neqs && !c.failed; k++) {
            int ei = cp->order[k];
            const mrv_equation *e = &c.m->eqs[ei];
            for (size_t m = 0; m < b->eq_nmem[ei] && !c.failed; m++) {
                c.w.at = e->formula_node;
                c.w.eq = ei;
                c.w.initial = false;
                set_own_members(&c, ei, m);
                mrv__trail_begin(c.rec, ei, false, c.w.year, m);
                val r = lower(&c, e->ast);
                if (c.failed) break;
                mrv__trail_end(c.rec, tv(r));
                size_t at = mrv_bound_eq_at(b, (size_t)ei, v, m);
                c.eqval[at] = r;
                c.eqdone[at] = true;
                if (!r.k && !info(&c, r.id)->checked) {
                    info(&c, r.id)->checked = true;
                    mrv_check ck = {ei, v, m};
                    if (!mrv_vec_push(&c.checks, &ck)) nomem(&c);
                    emit(&c, MRV_I_CHECK, r.id, (uint32_t)(c.checks.n - 1),
                         NO_VID, 0, e->ast->start);
                }
            }
        }
        for (int r = 0; r < MRV_NRESULTS && !c.failed; r++) {
            val rv = c.eqval[mrv_bound_eq_at(b, (size_t)c.m->results[r], v, 0)];
            res_vid[v * MRV_NRESULTS + r] = operand(&c, rv);
        }
    }
    /* Every equation was lowered at every vintage; a known value becomes
    ** a constant slot, as a result's does. */
    for (size_t k = 0; keep && k < nq && !c.failed; k++)
        keep_vid[k] = operand(&c, c.eqval[k]);
    if (c.failed) goto done;

    /* Two programs from one set of instructions: the Monte Carlo's keeps
    ** the results only, the central one every equation and everything
    ** the trail refers to, so a value is computed by the same
    ** instructions in both. */
    finish f = {&c, p, res_vid, NULL, 0, NULL, 0, NULL};
    if (!finish_program(&f) ||
        (keep && !finish_central(&c, res_vid, keep_vid, q, &t))) {
        nomem(&c);
        goto done;
    }
    p->ninputs = c.inputs.n;
    p->inputs = mrv_vec_freeze(&c.inputs, c.a);
    p->nsites = c.sites.n;
    p->sites = mrv_vec_freeze(&c.sites, c.a);
    p->nchecks = c.checks.n;
    p->checks = mrv_vec_freeze(&c.checks, c.a);
    if ((!p->inputs && p->ninputs) || (!p->sites && p->nsites) ||
        (!p->checks && p->nchecks)) {
        nomem(&c);
        goto done;
    }
    p->nvint = nv;
    p->result_scale =
        mrv_arena_array(c.a, nv * MRV_NRESULTS, sizeof *p->result_scale);
    if (!p->result_scale || mrv_arena_failed(c.a)) {
        nomem(&c);
        goto done;
    }
    for (size_t v = 0; v < nv; v++)
        for (int r = 0; r < MRV_NRESULTS; r++)
            p->result_scale[v * MRV_NRESULTS + r] =
                b->frac[v] /
                mrv_unit_scale(c.m->eqs[c.m->results[r]].unit, b->year_days);
    if (q) {
        q->ninputs = p->ninputs;
        q->inputs = p->inputs;
        q->nsites = p->nsites;
        q->sites = p->sites;
        q->nchecks = p->nchecks;
        q->checks = p->checks;
        q->nvint = p->nvint;
        q->result_scale = p->result_scale;
    }
    out->program = p;
    out->central = q;
    out->trail = t;
done:
    if (c.failed)
        st = mrv_diag_status(d) == MRV_OK ? MRV_EINTERNAL : mrv_diag_status(d);
    mrv_vec_free(&c.code);
    mrv_vec_free(&c.vinfo);
    mrv_vec_free(&c.inputs);
    mrv_vec_free(&c.sites);
    mrv_vec_free(&c.checks);
    mrv_vec_free(&c.inits);
    free(c.cse);
    free(c.istr);
    free(c.kmap);
    free(c.initmap);
    free(c.linmap);
    free(c.eqval);
    free(c.eqdone);
    mrv__trail_rec_free(c.rec);
    free(res_vid);
    free(keep_vid);
    return st;
}
