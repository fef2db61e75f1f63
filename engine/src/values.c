/*
** values.c -- parameter values and their uncertainty (docs/formats.md).
**
** Reads the value syntax of a project (or a methodology default) for one
** parameter into an mrv_vnode tree:
**
**   12 | "25 km/d" | TABLE/ENTRY                  a leaf
**   {2025: v, 2026: v}                            a series (year keys)
**   {commuter: v, delivery: v}                    one subtree per member
**   {value: v, uncertainty: u, vary: ..., unit: ..., source: ...,
**    assumption: ...}
**
** nested in any order of the parameter's axes; an axis left out broadcasts.
** Leaves are converted to the internal scale at once.  Uncertainty on a
** leaf is absolute (in the leaf's unit) unless relative; on a map it must
** be relative (a multiplier around 1).  Every check that needs only the
** value and its declaration happens here: members complete and known,
** series covering the crediting period (or a fill rule), values inside the
** parameter's bounds, distribution parameters valid.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "resolve_int.h"
#include "schema.h"
#include "strmap.h"
#include "suggest.h"

#define Z95 1.959963984540054 /* two-sided 95 % normal quantile */

typedef struct vctx {
    mrv__valctx *c;
    const mrv_param *p;
    unsigned axes_left; /* bit i: axis over[i] not yet given */
    double lo, hi;      /* the parameter's bounds, internal scale */
} vctx;

static const mrv_keyspec wrap_keys[] = {
    {"value", true},      {"uncertainty", false}, {"vary", false},
    {"unit", false},      {"source", false},      {"note", false},
    {"assumption", false}};

static const mrv_keyspec unc_keys[] = {
    {"dist", true}, {"sd", false},       {"gsd", false}, {"min", false},
    {"max", false}, {"relative", false}, {"vary", false}};

static bool fail(vctx *v)
{
    v->c->failed = true;
    return false;
}

static mrv_vnode *new_node(vctx *v, mrv_vkind kind, mrv_srcpos pos)
{
    mrv_vnode *n = mrv_arena_alloc(v->c->a, sizeof *n);
    if (!n) {
        v->c->failed = true;
        return NULL;
    }
    n->kind = kind;
    n->pos = pos;
    n->dim = -1;
    return n;
}

/* A member map over dimension 'dim', its kids still to fill. */
static mrv_vnode *members_node(vctx *v, mrv_srcpos pos, int dim)
{
    size_t nm = v->c->nmembers[dim];
    mrv_vnode *s = new_node(v, MRV_V_MEMBERS, pos);
    if (!s) return NULL;
    s->dim = dim;
    s->n = nm;
    s->kids = mrv_arena_array(v->c->a, nm, sizeof *s->kids);
    if (!s->kids) return (fail(v), NULL);
    return s;
}

/* The index of member 'key' of dimension 'dim', or SIZE_MAX when it is
** none; false when out of memory (the context failed). */
static bool member_index(vctx *v, int dim, const char *key, size_t *out)
{
    mrv__valctx *c = v->c;
    mrv__strmap *t = &c->member_index[dim];
    if (t->failed ||
        (!t->n && !mrv__strmap_add_all(t, c->members[dim], c->nmembers[dim])))
        return fail(v);
    *out = mrv__strmap_get(t, key);
    return true;
}

static bool has_axis(const vctx *v, int axis, size_t *slot)
{
    for (size_t i = 0; i < v->p->nover; i++) {
        if (v->p->over[i] == axis && (v->axes_left & (1u << i))) {
            if (slot) *slot = i;
            return true;
        }
    }
    return false;
}

static char *unit_desc(mrv_unit u, char *buf, size_t n)
{
    return mrv_unit_dim_str(u, buf, n);
}

/* A value converts only between units of the same dimension: never
** across the per-vintage bridge, which is for formulas, and never across
** a time (so "50 MWh" is no power). */
static bool check_dim(vctx *v, mrv_unit got, const char *got_text,
                      mrv_srcpos pos, const char *what)
{
    if (mrv_unit_same_dim(got, v->p->unit) &&
        !mrv_unit_tags_agree(got_text, v->p->unit_text)) {
        mrv_error(v->c->d, pos, MRV_ESCHEMA,
                  "%s is in '%s' but %s '%s' is in '%s': they weigh different "
                  "substances, and a tag converts nothing (C to CO2 is x "
                  "44/12, CH4 or N2O to CO2e a GWP); write it in the "
                  "parameter's substance",
                  what, got_text,
                  v->p->is_initial ? "the initial of equation" : "parameter",
                  v->p->name, v->p->unit_text);
        return fail(v);
    }
    if (mrv_unit_same_dim(got, v->p->unit)) return true;
    char a[96], b[96];
    const char *hint = mrv_unit_hint(got, v->p->unit);
    mrv_error(v->c->d, pos, MRV_ESCHEMA,
              "%s is in '%s' (%s) but %s '%s' is in '%s' (%s)%s%s", what,
              got_text, unit_desc(got, a, sizeof a),
              v->p->is_initial ? "the initial of equation" : "parameter",
              v->p->name, v->p->unit_text, unit_desc(v->p->unit, b, sizeof b),
              hint ? ": " : "", hint ? hint : "");
    return fail(v);
}

/* x, written in 'unit', in the internal scale of the project's year. */
static double internal(const vctx *v, double x, mrv_unit unit)
{
    return mrv_unit_to_internal(x, unit, v->c->year_days);
}

/* An internal value x in 'unit', as the author wrote it. */
static double written(const vctx *v, double x, mrv_unit unit)
{
    return mrv_unit_from_internal(x, unit, v->c->year_days);
}

/* ---- uncertainty ------------------------------------------------------- */

static bool parse_vary(vctx *v, const mrv_ynode *n, unsigned *out)
{
    mrv_diag *d = v->c->d;
    const mrv_ynode *items[2];
    size_t k;
    if (n->kind == MRV_Y_SCALAR) {
        items[0] = n;
        k = 1;
    } else if (n->kind == MRV_Y_SEQ && n->n >= 1 && n->n <= 2) {
        items[0] = n->vals[0];
        if (n->n == 2) items[1] = n->vals[1];
        k = n->n;
    } else {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "'vary' must be vintage, member or [vintage, member]");
        return fail(v);
    }
    *out = 0;
    for (size_t i = 0; i < k; i++) {
        const char *s;
        if (!mrv__get_string(items[i], "'vary'", &s, d)) return fail(v);
        if (strcmp(s, "vintage") == 0)
            *out |= MRV_VARY_VINTAGE;
        else if (strcmp(s, "member") == 0)
            *out |= MRV_VARY_MEMBER;
        else {
            mrv_error(d, items[i]->pos, MRV_ESCHEMA,
                      "'vary' must be vintage, member or [vintage, member], "
                      "not '%s'",
                      s);
            return fail(v);
        }
    }
    if (*out & MRV_VARY_MEMBER) {
        bool members = false;
        for (size_t i = 0; i < v->p->nover; i++)
            members |= v->p->over[i] != MRV_AXIS_VINTAGE;
        if (!members) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "'vary: member', but parameter '%s' is not over any "
                      "dimension",
                      v->p->name);
            return fail(v);
        }
    }
    return true;
}

static bool get_pos_number(vctx *v, const mrv_ynode *map, const char *key,
                           double *out)
{
    const mrv_ynode *n = mrv_ymap_get(map, key);
    char what[32];
    snprintf(what, sizeof what, "'%s'", key);
    if (!n) {
        mrv_error(v->c->d, map->pos, MRV_ESCHEMA,
                  "this distribution needs '%s'", key);
        return fail(v);
    }
    if (!mrv__get_number(n, what, out, v->c->d)) return fail(v);
    return true;
}

/* Parses an uncertainty node for a value whose central value is 'center'
** (internal scale; ignored for maps), written in 'unit'.  'on_map' forces
** the relative form. */
static const mrv_uncert *parse_uncert(vctx *v, const mrv_ynode *n,
                                      double center, mrv_unit unit, bool on_map,
                                      uint64_t stream,
                                      const mrv_ynode *vary_node)
{
    mrv_diag *d = v->c->d;
    mrv_uncert *u = mrv_arena_alloc(v->c->a, sizeof *u);
    if (!u) {
        fail(v);
        return NULL;
    }
    u->pos = n->pos;
    u->stream = stream;
    u->lo = -HUGE_VAL;
    u->hi = HUGE_VAL;
    if (n->kind == MRV_Y_SCALAR) {
        /* IPCC shorthand: P% is the half-width of a 95 % interval. */
        double pct = 0;
        mrv__numread r = n->len >= 2 && n->text[n->len - 1] == '%'
                             ? mrv__read_number(n->text, n->len - 1, &pct)
                             : MRV__NUM_SYNTAX;
        if (r == MRV__NUM_SYNTAX) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "uncertainty must be a percentage like 10%% or a "
                      "mapping with 'dist', not '%s'",
                      n->text);
            fail(v);
            return NULL;
        }
        if (r != MRV__NUM_OK) {
            mrv_error(d, n->pos, MRV_EDOMAIN, "the percentage '%s' is %s",
                      n->text, mrv__numread_why(r));
            fail(v);
            return NULL;
        }
        if (pct < 0) {
            mrv_error(d, n->pos, MRV_EDOMAIN,
                      "an uncertainty percentage must not be negative");
            fail(v);
            return NULL;
        }
        u->dist = MRV_DIST_NORMAL;
        u->relative = true;
        u->center = 1;
        u->sd = pct / 100 / Z95;
        u->text = n->text;
    } else {
        if (!mrv__check_keys(n, "an uncertainty", unc_keys,
                             sizeof unc_keys / sizeof *unc_keys, d)) {
            fail(v);
            return NULL;
        }
        const char *dist;
        if (!mrv__get_string(mrv_ymap_get(n, "dist"), "'dist'", &dist, d)) {
            fail(v);
            return NULL;
        }
        static const struct {
            const char *name;
            mrv_dist dist;
            const char *keys[2];
        } dists[] = {
            {"normal", MRV_DIST_NORMAL, {"sd", NULL}},
            {"lognormal", MRV_DIST_LOGNORMAL, {"gsd", NULL}},
            {"triangular", MRV_DIST_TRIANGULAR, {"min", "max"}},
            {"uniform", MRV_DIST_UNIFORM, {"min", "max"}},
            {"pert", MRV_DIST_PERT, {"min", "max"}},
        };
        size_t k;
        for (k = 0; k < sizeof dists / sizeof *dists; k++)
            if (strcmp(dist, dists[k].name) == 0) break;
        if (k == sizeof dists / sizeof *dists) {
            mrv_error(d, mrv_ymap_get(n, "dist")->pos, MRV_ESCHEMA,
                      "unknown distribution '%s' (use normal, lognormal, "
                      "triangular, uniform or pert)",
                      dist);
            fail(v);
            return NULL;
        }
        u->dist = dists[k].dist;
        static const char *const params[] = {"sd", "gsd", "min", "max"};
        for (size_t i = 0; i < 4; i++) {
            const mrv_ynode *kn = mrv_ymap_get(n, params[i]);
            bool wanted =
                (dists[k].keys[0] &&
                 strcmp(dists[k].keys[0], params[i]) == 0) ||
                (dists[k].keys[1] && strcmp(dists[k].keys[1], params[i]) == 0);
            if (kn && !wanted) {
                mrv_error(d, mrv_ymap_key_of(n, kn)->pos, MRV_ESCHEMA,
                          "'%s' does not apply to a %s distribution", params[i],
                          dist);
                fail(v);
                return NULL;
            }
        }
        const mrv_ynode *rn = mrv_ymap_get(n, "relative");
        if (rn && !mrv__get_bool(rn, "'relative'", &u->relative, d)) {
            fail(v);
            return NULL;
        }
        if (on_map && !u->relative) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "uncertainty on a series or a per-member map must be "
                      "relative: write a percentage like 10%% or add "
                      "'relative: true'");
            fail(v);
            return NULL;
        }
        mrv_unit s = u->relative ? mrv_unit_one() : unit;
        u->center = u->relative ? 1 : center;
        bool ok = true;
        switch (u->dist) {
        case MRV_DIST_NORMAL:
            ok = get_pos_number(v, n, "sd", &u->sd);
            if (ok && u->sd < 0) {
                mrv_error(d, mrv_ymap_get(n, "sd")->pos, MRV_EDOMAIN,
                          "'sd' must not be negative");
                ok = fail(v);
            }
            u->sd = internal(v, u->sd, s);
            break;
        case MRV_DIST_LOGNORMAL:
            ok = get_pos_number(v, n, "gsd", &u->gsd);
            if (ok && !(u->gsd >= 1)) {
                mrv_error(d, mrv_ymap_get(n, "gsd")->pos, MRV_EDOMAIN,
                          "'gsd' must be at least 1 (it is the geometric "
                          "standard deviation), not %s",
                          mrv_ymap_get(n, "gsd")->text);
                ok = fail(v);
            }
            if (ok && !(u->center > 0)) {
                mrv_error(d, n->pos, MRV_EDOMAIN,
                          "a lognormal value (its median) must be positive");
                ok = fail(v);
            }
            break;
        default:
            ok = get_pos_number(v, n, "min", &u->min) &&
                 get_pos_number(v, n, "max", &u->max);
            u->min = internal(v, u->min, s);
            u->max = internal(v, u->max, s);
            if (ok && !(u->min < u->max)) {
                mrv_error(d, mrv_ymap_get(n, "min")->pos, MRV_EDOMAIN,
                          "'min' must be below 'max'");
                ok = fail(v);
            }
            if (ok && (u->center < u->min || u->center > u->max)) {
                mrv_error(d, n->pos, MRV_EDOMAIN,
                          "the %s %g lies outside [min, max] = [%g, %g]",
                          u->dist == MRV_DIST_UNIFORM ? "value"
                                                      : "mode (the value)",
                          written(v, u->center, s), written(v, u->min, s),
                          written(v, u->max, s));
                ok = fail(v);
            }
            break;
        }
        if (!ok) return NULL;
        const mrv_ynode *vn = mrv_ymap_get(n, "vary");
        if (vn && vary_node) {
            mrv_error(d, vn->pos, MRV_ESCHEMA,
                      "'vary' is given twice (here and beside 'value')");
            fail(v);
            return NULL;
        }
        if (vn) vary_node = vn;
        u->text = dist;
    }
    if (vary_node && !parse_vary(v, vary_node, &u->vary)) return NULL;
    return u;
}

/* ---- values ------------------------------------------------------------ */

static mrv_vnode *parse_value(vctx *v, const mrv_ynode *n, const mrv_unit *unit,
                              const char *unit_text, uint64_t stream);

/* A leaf holding 'value' written in 'unit' (named 'unit_text' when it is
** not the parameter's own), converted to the internal scale. */
static mrv_vnode *leaf(vctx *v, const mrv_ynode *n, double value, mrv_unit unit,
                       const char *unit_text)
{
    /* '1e300 Mt' is a finite number in a valid unit, but not in kg; nor
    ** is '1e-300 mg' anything but 0 there. */
    double x = internal(v, value, unit);
    if (!isfinite(x) || (value != 0 && fabs(x) < DBL_MIN)) {
        mrv_error(v->c->d, n->pos, MRV_EDOMAIN,
                  "value '%s' is too %s: it %s when converted from its unit",
                  n->text, isfinite(x) ? "small" : "large",
                  isfinite(x) ? "underflows" : "overflows");
        return (fail(v), NULL);
    }
    mrv_vnode *l = new_node(v, MRV_V_LEAF, n->pos);
    if (!l) return NULL;
    l->value = x;
    l->text = n->text;
    l->unit_text = unit_text;
    return l;
}

/* A leaf of a plain number in a wrapper's 'unit': as written, "12 t/d". */
static mrv_vnode *wrapped_leaf(vctx *v, const mrv_ynode *n, double value,
                               mrv_unit unit, const char *unit_text)
{
    mrv_vnode *l = leaf(v, n, value, unit, unit_text);
    if (!l) return NULL;
    l->text = mrv_arena_printf(v->c->a, "%s %s", n->text, unit_text);
    if (!l->text) return (fail(v), NULL);
    return l;
}

/* The factor entry 'ref' (n->text, or its expansion below) as a leaf. */
static mrv_vnode *factor_leaf(vctx *v, const mrv_ynode *n, const char *ref)
{
    const mrv_factor *f = v->c->factor(v->c, ref, n);
    if (!f) return (fail(v), NULL);
    char what[300];
    snprintf(what, sizeof what, "factor '%s'", f->id);
    if (!check_dim(v, f->unit, f->unit_text, n->pos, what)) return NULL;
    if (v->p->is_initial && f->uncert_node) {
        mrv_error(v->c->d, n->pos, MRV_ESCHEMA,
                  "factor '%s' carries an uncertainty, but the initial "
                  "value of '%s' is certain; read it through a parameter in "
                  "an 'initial' formula",
                  f->id, v->p->name);
        return (fail(v), NULL);
    }
    mrv_vnode *l = leaf(v, n, f->value, f->unit, f->unit_text);
    if (!l) return NULL;
    l->source = f->id;
    l->text = f->id; /* the entry read, placeholders filled in */
    if (f->uncert_node) {
        vctx fv = *v; /* the entry's uncertainty is read in its own unit */
        uint64_t sid = mrv__sid_mix(0, MRV__SID_FACTOR, mrv__fnv1a_str(f->id));
        l->unc = parse_uncert(&fv, f->uncert_node, l->value, f->unit, false,
                              sid, NULL);
        if (!l->unc) return NULL;
    }
    return l;
}

/* ---- member-keyed factor references ------------------------------------
**
** 'cdm.tool04/k.dry.{waste}' stands for one entry per member of 'waste':
** the reference with '{waste}' replaced by the member's name.  It is read
** as a member map over that axis whose values are those references (with
** several dimensions, maps nest in the order the placeholders first
** appear), so everything after it (bounds, picks, explain) sees an
** ordinary map of factor leaves.  A member without its entry is the
** factor lookup's error, at the reference, naming the entry looked for,
** with a note saying which member it was for. */

typedef struct holes {
    size_t n;
    size_t at[MRV_MAX_PLACEHOLDERS],
        len[MRV_MAX_PLACEHOLDERS]; /* of '{NAME}', braces included */
    int dim[MRV_MAX_PLACEHOLDERS];
    size_t ndims; /* distinct dimensions, in order of first appearance */
    int dims[MRV_MAX_PLACEHOLDERS];
} holes;

/* Finds the placeholders of n->text and checks each names an axis of the
** parameter still to be given here; false after an error. */
static bool find_holes(vctx *v, const mrv_ynode *n, holes *h)
{
    mrv__valctx *c = v->c;
    const char *s = n->text;
    memset(h, 0, sizeof *h);
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '}') {
            mrv_error(c->d, mrv_yaml_scalar_pos(n, i), MRV_ESCHEMA,
                      "'}' without '{' in factor reference '%s'", s);
            return fail(v);
        }
        if (s[i] != '{') continue;
        size_t e = i + 1;
        while (s[e] && s[e] != '}' && s[e] != '{') e++;
        char name[MRV_MAX_NAME + 1];
        size_t len = e - i - 1;
        if (s[e] != '}' || len == 0 || len > MRV_MAX_NAME) {
            mrv_error(c->d, mrv_yaml_scalar_pos(n, i), MRV_ESCHEMA,
                      "malformed placeholder in factor reference '%s': "
                      "write {DIMENSION}, as in tbl/k.{waste}",
                      s);
            return fail(v);
        }
        memcpy(name, s + i + 1, len);
        name[len] = '\0';
        int d = mrv_methodology_dim(c->m, name);
        bool on_p = false;
        for (size_t k = 0; d >= 0 && k < v->p->nover; k++)
            if (v->p->over[k] == d) on_p = true;
        if (!on_p) {
            const char *dn[MRV_MAX_AXES];
            size_t nd = 0;
            for (size_t k = 0; k < v->p->nover; k++)
                if (v->p->over[k] != MRV_AXIS_VINTAGE)
                    dn[nd++] = c->m->dims[v->p->over[k]].name;
            const char *hint = mrv__closest(name, dn, nd);
            mrv_error(c->d, mrv_yaml_scalar_pos(n, i), MRV_ESCHEMA,
                      "'{%s}' in a factor reference must name a dimension "
                      "'%s' is over%s%s%s",
                      name, v->p->name, hint ? " (did you mean '{" : "",
                      hint ? hint : "", hint ? "}'?)" : "");
            return fail(v);
        }
        bool seen = false;
        for (size_t k = 0; k < h->ndims; k++) seen |= h->dims[k] == d;
        if (!seen && !has_axis(v, d, NULL)) {
            mrv_error(c->d, mrv_yaml_scalar_pos(n, i), MRV_ESCHEMA,
                      "'{%s}' names the dimension a member map around this "
                      "value already gives",
                      name);
            return fail(v);
        }
        if (h->n == MRV_MAX_PLACEHOLDERS) {
            mrv_error(c->d, mrv_yaml_scalar_pos(n, i), MRV_ESCHEMA,
                      "more than %d placeholders in factor reference '%s'",
                      MRV_MAX_PLACEHOLDERS, s);
            return fail(v);
        }
        if (!seen) h->dims[h->ndims++] = d;
        h->at[h->n] = i;
        h->len[h->n] = len + 2;
        h->dim[h->n++] = d;
        i = e;
    }
    return true;
}

/* The references for the members mem[] (by dimension) of the holes'
** dimensions from 'level' on: a member map per level, factor leaves at
** the bottom. */
static mrv_vnode *expand_holes(vctx *v, const mrv_ynode *n, const holes *h,
                               size_t level, size_t *mem)
{
    mrv__valctx *c = v->c;
    if (level == h->ndims) {
        char ref[1024];
        size_t o = 0, from = 0;
        for (size_t k = 0; k <= h->n; k++) {
            size_t to = k < h->n ? h->at[k] : strlen(n->text);
            const char *m =
                k < h->n ? c->members[h->dim[k]][mem[h->dim[k]]] : "";
            int w = snprintf(ref + o, sizeof ref - o, "%.*s%s",
                             (int)(to - from), n->text + from, m);
            if (w < 0 || (size_t)w >= sizeof ref - o) {
                mrv_error(c->d, n->pos, MRV_ESCHEMA,
                          "factor reference '%s' is too long once its "
                          "members are put in",
                          n->text);
                return (fail(v), NULL);
            }
            o += (size_t)w;
            if (k < h->n) from = to + h->len[k];
        }
        size_t before = mrv_diag_error_count(c->d);
        mrv_vnode *l = factor_leaf(v, n, ref);
        if (!l && mrv_diag_error_count(c->d) > before) {
            char which[512];
            size_t w = 0;
            for (size_t k = 0; k < h->ndims && w < sizeof which; k++) {
                int d = h->dims[k];
                w += (size_t)snprintf(
                    which + w, sizeof which - w, "%smember '%s' of '%s'",
                    k ? ", " : "", c->members[d][mem[d]], c->m->dims[d].name);
            }
            mrv_note(c->d, n->pos, "'%s' is the reference for %s", ref, which);
        }
        return l;
    }
    int d = h->dims[level];
    size_t nm = c->nmembers[d];
    mrv_vnode *s = members_node(v, n->pos, d);
    if (!s) return NULL;
    bool ok = true;
    for (size_t m = 0; m < nm; m++) {
        mem[d] = m;
        s->kids[m] = expand_holes(v, n, h, level + 1, mem);
        ok &= s->kids[m] != NULL;
    }
    return ok ? s : NULL;
}

static mrv_vnode *member_keyed_ref(vctx *v, const mrv_ynode *n)
{
    holes h;
    if (!find_holes(v, n, &h)) return NULL;
    /* Each combination of members is an entry of one factor table, a
    ** YAML file of at most MRV_YAML_MAX_NODES nodes: more cannot all be
    ** found, and dimensions read from data files would make up to 10^24
    ** lookups. */
    mrv__valctx *c = v->c;
    mrv__count k;
    mrv__count_axes(&k, c->m, c->nmembers, (size_t)(c->last - c->first + 1),
                    h.dims, h.ndims);
    if (k.n > MRV_YAML_MAX_NODES) {
        mrv_error(c->d, n->pos, MRV_EDOMAIN,
                  "factor reference '%s' stands for %s entries (one per "
                  "combination of %s), more than a factor table can hold "
                  "(%u YAML nodes); reduce the members",
                  n->text, k.text, k.factors, MRV_YAML_MAX_NODES);
        return (fail(v), NULL);
    }
    /* In the arena, whose failure resolve reports as out of memory. */
    size_t *mem = mrv_arena_array(c->a, c->m->ndims + 1, sizeof *mem);
    if (!mem) return (fail(v), NULL);
    return expand_holes(v, n, &h, 0, mem);
}

/* A choice parameter's value: one of its names, kept as its index. */
static mrv_vnode *choice_leaf(vctx *v, const mrv_ynode *n)
{
    const mrv_param *p = v->p;
    for (size_t i = 0; i < p->nchoices; i++) {
        if (strcmp(n->text, p->choices[i]) != 0) continue;
        mrv_vnode *l = new_node(v, MRV_V_LEAF, n->pos);
        if (!l) return NULL;
        l->value = (double)i;
        l->text = n->text;
        return l;
    }
    char msg[1024];
    mrv_param_not_a_choice(p, n->text, msg, sizeof msg);
    mrv_error(v->c->d, n->pos, MRV_EREF, "%s", msg);
    return (fail(v), NULL);
}

static mrv_vnode *scalar_value(vctx *v, const mrv_ynode *n,
                               const mrv_unit *unit, const char *unit_text)
{
    mrv_diag *d = v->c->d;
    if (v->p->nchoices) return choice_leaf(v, n);
    mrv_unit u = unit ? *unit : v->p->unit;
    double x;
    const char *ut;
    mrv__numread r = mrv__split_quantity(n->text, &x, &ut);
    if (r != MRV__NUM_SYNTAX) {
        /* A bare number follows the rule of every number (written plain,
        ** in range); a quantity is text and may be quoted. */
        if (!ut) {
            if (!mrv__get_number(n, "a value", &x, d)) return (fail(v), NULL);
            if (unit) return wrapped_leaf(v, n, x, u, unit_text);
            return leaf(v, n, x, u, NULL);
        }
        if (r != MRV__NUM_OK) {
            mrv_error(d, n->pos, MRV_EDOMAIN, "the number in '%s' is %s",
                      n->text, mrv__numread_why(r));
            return (fail(v), NULL);
        }
        mrv_unit qu;
        size_t off;
        const char *why;
        if (mrv_unit_parse(ut, &qu, &off, &why) != MRV_OK) {
            mrv__unit_error(n, (size_t)(ut - n->text), "unit", ut, off, why, d);
            return (fail(v), NULL);
        }
        if (!check_dim(v, qu, ut, n->pos, "the value")) return NULL;
        return leaf(v, n, x, qu, ut);
    }
    /* A member-keyed reference holds '{' and '}', which a YAML flow
    ** mapping takes only quoted: it may be quoted. */
    bool keyed = strpbrk(n->text, "{}") != NULL;
    if ((n->style == MRV_YS_PLAIN || keyed) && strchr(n->text, '/') &&
        n->text[0] != '/') {
        if (unit) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "a factor reference carries its own unit; remove "
                      "'unit: %s'",
                      unit_text);
            return (fail(v), NULL);
        }
        return keyed ? member_keyed_ref(v, n) : factor_leaf(v, n, n->text);
    }
    mrv_error(d, n->pos, MRV_ESCHEMA,
              "expected a number, a quantity like '25 km/d', or a factor "
              "reference TABLE/ENTRY, not '%s'",
              n->text);
    return (fail(v), NULL);
}

static mrv_vnode *wrapper(vctx *v, const mrv_ynode *n, const mrv_unit *unit,
                          const char *unit_text, uint64_t stream)
{
    mrv_diag *d = v->c->d;
    char what[160];
    snprintf(what, sizeof what, "the value of '%s'", v->p->name);
    if (!mrv__check_keys(n, what, wrap_keys,
                         sizeof wrap_keys / sizeof *wrap_keys, d))
        return (fail(v), NULL);
    /* A choice is a name: nothing to convert, nothing to draw. */
    static const char *const not_for_choice[] = {"unit", "uncertainty"};
    for (size_t i = 0; v->p->nchoices && i < 2; i++) {
        const mrv_ynode *x = mrv_ymap_get(n, not_for_choice[i]);
        if (!x) continue;
        mrv_error(d, mrv_ymap_key_of(n, x)->pos, MRV_ESCHEMA,
                  "'%s' is a choice: its value is a name, with no %s",
                  v->p->name, not_for_choice[i]);
        return (fail(v), NULL);
    }
    const mrv_ynode *unc = mrv_ymap_get(n, "uncertainty");
    if (v->p->is_initial && unc) {
        mrv_error(d, mrv_ymap_key_of(n, unc)->pos, MRV_ESCHEMA,
                  "the initial value of '%s' is certain; an uncertain "
                  "value belongs in a parameter, read in an 'initial' "
                  "formula",
                  v->p->name);
        return (fail(v), NULL);
    }
    mrv_unit own;
    const mrv_ynode *un = mrv_ymap_get(n, "unit");
    if (un) {
        if (!mrv__get_unit(un, "unit", &own, &unit_text, d))
            return (fail(v), NULL);
        if (!check_dim(v, own, unit_text, un->pos, "'unit'")) return NULL;
        unit = &own;
    }
    const mrv_ynode *inner = mrv_ymap_get(n, "value");
    if (inner->kind == MRV_Y_MAP && mrv_ymap_get(inner, "value")) {
        mrv_error(d, inner->pos, MRV_ESCHEMA,
                  "'value' cannot hold another {value: ...} wrapper");
        return (fail(v), NULL);
    }
    mrv_vnode *val = parse_value(v, inner, unit, unit_text, stream);
    if (!val) return NULL;
    /* Free text, read by the report's inputs table; only its type is
    ** checked here.  Not the leaf's 'source', which names the factor
    ** entry a value was read from. */
    const mrv_ynode *src = mrv_ymap_get(n, "source");
    const char *s;
    if (src) mrv__get_string(src, "'source'", &s, d);
    const mrv_ynode *assumed = mrv_ymap_get(n, "assumption");
    if (assumed) mrv__get_string(assumed, "'assumption'", &s, d);
    const mrv_ynode *un_node = mrv_ymap_get(n, "uncertainty");
    const mrv_ynode *vary = mrv_ymap_get(n, "vary");
    if (!un_node) {
        if (vary) {
            mrv_error(d, vary->pos, MRV_ESCHEMA,
                      "'vary' without an 'uncertainty'");
            return (fail(v), NULL);
        }
        return val;
    }
    const mrv_uncert *u =
        parse_uncert(v, un_node, val->value, unit ? *unit : v->p->unit,
                     val->kind != MRV_V_LEAF, stream, vary);
    if (!u) return NULL;
    if (val->unc && val->kind == MRV_V_LEAF && !u->relative) {
        /* An explicit absolute uncertainty replaces a factor entry's. */
        val->unc = u;
    } else if (val->kind == MRV_V_LEAF && !u->relative) {
        val->unc = u;
    } else {
        /* A relative multiplier sits on a node of its own above 'val', so
        ** a leaf keeps its absolute uncertainty (a factor's) under it. */
        mrv_vnode *wrap = new_node(v, MRV_V_MEMBERS, n->pos);
        if (!wrap) return NULL;
        if (val->kind == MRV_V_LEAF && !val->unc) {
            val->unc = u;
            return val;
        }
        /* Reuse the subtree's shape: a relative node is the subtree with
        ** 'unc' set; copy the node so the child keeps its own. */
        *wrap = *val;
        if (wrap->unc) {
            mrv_error(d, un_node->pos, MRV_ESCHEMA,
                      "this value already has an uncertainty");
            return (fail(v), NULL);
        }
        wrap->unc = u;
        return wrap;
    }
    return val;
}

static mrv_vnode *years_map(vctx *v, const mrv_ynode *n, const mrv_unit *unit,
                            const char *unit_text, uint64_t stream)
{
    size_t slot;
    if (!has_axis(v, MRV_AXIS_VINTAGE, &slot)) {
        mrv_error(v->c->d, n->keys[0]->pos, MRV_ESCHEMA,
                  "'%s' is not over vintage here: a year key is not allowed",
                  v->p->name);
        return (fail(v), NULL);
    }
    mrv_vnode *s = new_node(v, MRV_V_YEARS, n->pos);
    if (!s) return NULL;
    s->years = mrv_arena_array(v->c->a, n->n, sizeof *s->years);
    s->kids = mrv_arena_array(v->c->a, n->n, sizeof *s->kids);
    if (!s->years || !s->kids) return (fail(v), NULL);
    vctx sub = *v;
    sub.axes_left &= ~(1u << slot);
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        int year;
        if (!mrv__is_year(n->keys[i], &year)) {
            if (mrv__quoted_number(n->keys[i]))
                mrv_error(v->c->d, n->keys[i]->pos, MRV_ESCHEMA, MRV__UNQUOTE,
                          "a year key", n->keys[i]->text);
            else
                mrv_error(v->c->d, n->keys[i]->pos, MRV_ESCHEMA,
                          "expected a year (%d to %d) like the other keys, not "
                          "'%s'",
                          MRV_YEAR_MIN, MRV_YEAR_MAX, n->keys[i]->text);
            ok = fail(v);
            continue;
        }
        uint64_t st = mrv__sid_mix(stream, MRV__SID_YEAR, (uint64_t)year);
        mrv_vnode *kid = parse_value(&sub, n->vals[i], unit, unit_text, st);
        if (!kid) {
            ok = false;
            continue;
        }
        /* keep years ascending (insertion; series are short) */
        size_t j = s->n;
        while (j > 0 && s->years[j - 1] > year) {
            s->years[j] = s->years[j - 1];
            s->kids[j] = s->kids[j - 1];
            j--;
        }
        s->years[j] = year;
        s->kids[j] = kid;
        s->n++;
    }
    return ok ? s : NULL;
}

static mrv_vnode *members_map(vctx *v, const mrv_ynode *n, const mrv_unit *unit,
                              const char *unit_text, uint64_t stream)
{
    mrv__valctx *c = v->c;
    /* Which remaining axis do these keys belong to? */
    const char *k0 = n->keys[0]->text;
    int dim = -1;
    size_t slot = 0;
    for (size_t i = 0; i < v->p->nover && dim < 0; i++) {
        int ax = v->p->over[i];
        if (ax == MRV_AXIS_VINTAGE || !(v->axes_left & (1u << i))) continue;
        size_t m;
        if (!member_index(v, ax, k0, &m)) return NULL;
        if (m != SIZE_MAX) {
            dim = ax;
            slot = i;
        }
    }
    if (dim < 0) {
        char axes[256] = "";
        for (size_t i = 0; i < v->p->nover; i++) {
            if (!(v->axes_left & (1u << i))) continue;
            const char *an = v->p->over[i] == MRV_AXIS_VINTAGE
                                 ? "vintage (years)"
                                 : c->m->dims[v->p->over[i]].name;
            size_t l = strlen(axes);
            snprintf(axes + l, sizeof axes - l, "%s%s", l ? ", " : "", an);
        }
        if (axes[0])
            mrv_error(c->d, n->keys[0]->pos, MRV_EREF,
                      "'%s' is not a member of any axis of '%s' left here "
                      "(%s)",
                      k0, v->p->name, axes);
        else
            mrv_error(c->d, n->keys[0]->pos, MRV_ESCHEMA,
                      "'%s' has no axis left for key '%s': give a single "
                      "value here",
                      v->p->name, k0);
        return (fail(v), NULL);
    }
    size_t nm = c->nmembers[dim];
    mrv_vnode *s = members_node(v, n->pos, dim);
    if (!s) return NULL;
    vctx sub = *v;
    sub.axes_left &= ~(1u << slot);
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const char *key = n->keys[i]->text;
        size_t m;
        if (!member_index(v, dim, key, &m)) return NULL;
        if (m == SIZE_MAX) {
            const char *hint = mrv__closest(key, c->members[dim], nm);
            if (hint)
                mrv_error(c->d, n->keys[i]->pos, MRV_EREF,
                          "'%s' is not a member of '%s' (did you mean "
                          "'%s'?)",
                          key, c->m->dims[dim].name, hint);
            else
                mrv_error(c->d, n->keys[i]->pos, MRV_EREF,
                          "'%s' is not a member of '%s'", key,
                          c->m->dims[dim].name);
            ok = fail(v);
            continue;
        }
        uint64_t st = mrv__sid_mix(stream, MRV__SID_MEMBER,
                                   (uint64_t)dim << 24 | (uint64_t)m);
        s->kids[m] = parse_value(&sub, n->vals[i], unit, unit_text, st);
        if (!s->kids[m]) ok = false;
    }
    for (size_t m = 0; ok && m < nm; m++) {
        if (!s->kids[m]) {
            mrv_error(c->d, n->pos, MRV_EREF,
                      "'%s' has no value for member '%s' of '%s'", v->p->name,
                      c->members[dim][m], c->m->dims[dim].name);
            ok = fail(v);
        }
    }
    return ok ? s : NULL;
}

static mrv_vnode *parse_value(vctx *v, const mrv_ynode *n, const mrv_unit *unit,
                              const char *unit_text, uint64_t stream)
{
    mrv_diag *d = v->c->d;
    switch (n->kind) {
    case MRV_Y_SCALAR:
        return scalar_value(v, n, unit, unit_text);
    case MRV_Y_SEQ:
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "a value cannot be a sequence; write a series as a "
                  "mapping of years, e.g. {2025: 1.0, 2026: 1.1}");
        return (fail(v), NULL);
    case MRV_Y_MAP:
        break;
    }
    if (n->n == 0) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "empty mapping where a value was "
                  "expected");
        return (fail(v), NULL);
    }
    if (mrv_ymap_get(n, "value")) return wrapper(v, n, unit, unit_text, stream);
    int year;
    if (mrv__is_year(n->keys[0], &year))
        return years_map(v, n, unit, unit_text, stream);
    if (mrv__quoted_number(n->keys[0])) {
        mrv_error(d, n->keys[0]->pos, MRV_ESCHEMA, MRV__UNQUOTE, "a year key",
                  n->keys[0]->text);
        return (fail(v), NULL);
    }
    if (!mrv__is_ident(n->keys[0]->text)) {
        mrv_error(d, n->keys[0]->pos, MRV_ESCHEMA,
                  "expected a year, a member name or 'value', not '%s'",
                  n->keys[0]->text);
        return (fail(v), NULL);
    }
    return members_map(v, n, unit, unit_text, stream);
}

/* ---- checks after parsing ---------------------------------------------- */

/* Widens [lo, hi] of a relative multiplier so that multiplier * leaf stays
** inside the parameter's bounds for every leaf below it. */
static void rel_bounds(const vctx *v, const mrv_vnode *n, double *lo,
                       double *hi)
{
    if (n->kind == MRV_V_LEAF) {
        double c = n->value;
        if (c > 0) {
            *lo = fmax(*lo, v->lo / c);
            *hi = fmin(*hi, v->hi / c);
        } else if (c < 0) {
            *lo = fmax(*lo, v->hi / c);
            *hi = fmin(*hi, v->lo / c);
        }
        return;
    }
    for (size_t i = 0; i < n->n; i++) rel_bounds(v, n->kids[i], lo, hi);
}

static bool check_tree(vctx *v, mrv_vnode *n)
{
    const mrv_param *p = v->p;
    bool ok = true;
    if (n->kind == MRV_V_LEAF) {
        if (p->has_bounds && (n->value < v->lo || n->value > v->hi)) {
            mrv_error(v->c->d, n->pos, MRV_EDOMAIN,
                      "value %g of '%s' is outside its bounds [%g, %g]",
                      written(v, n->value, p->unit), p->name, p->lo, p->hi);
            ok = fail(v);
        }
    } else {
        for (size_t i = 0; i < n->n; i++) ok &= check_tree(v, n->kids[i]);
    }
    if (ok && n->unc && p->has_bounds) {
        mrv_uncert *u = (mrv_uncert *)n->unc;
        if (n->kind == MRV_V_LEAF && !u->relative) {
            u->lo = v->lo;
            u->hi = v->hi;
        } else {
            double lo = -HUGE_VAL, hi = HUGE_VAL;
            rel_bounds(v, n, &lo, &hi);
            u->lo = lo;
            u->hi = hi;
        }
    }
    return ok;
}

/* Every year first..last must be readable from each series in the tree. */
static bool check_cover(vctx *v, const mrv_vnode *n)
{
    if (n->kind == MRV_V_LEAF) return true;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) ok &= check_cover(v, n->kids[i]);
    if (n->kind != MRV_V_YEARS || !ok) return ok;
    /* A series that ends before the crediting period is history (waste
    ** deposited before it, say): formulas reach its years by subscript,
    ** and reading a year it lacks is an error where the read is. */
    if (n->n > 0 && n->years[n->n - 1] < v->c->first) return true;
    for (int y = v->c->first; y <= v->c->last; y++) {
        size_t i = 0;
        while (i < n->n && n->years[i] < y) i++;
        if (i < n->n && n->years[i] == y) continue;
        bool covered = (i > 0 && v->p->fill != MRV_FILL_NONE) ||
                       v->p->fill == MRV_FILL_ZERO;
        if (covered) continue;
        char got[160];
        mrv__years_text(n, got, sizeof got);
        if (i == 0 && v->p->fill != MRV_FILL_NONE)
            mrv_error(v->c->d, n->pos, MRV_EREF,
                      "series '%s' has no value for %d, and fill: %s only "
                      "carries values forward (years given: %s)",
                      v->p->name, y,
                      v->p->fill == MRV_FILL_HOLD ? "hold" : "linear", got);
        else
            mrv_error(v->c->d, n->pos, MRV_EREF,
                      "series '%s' has no value for %d (years given: %s); "
                      "add it, or declare fill: hold, linear or zero in "
                      "the methodology",
                      v->p->name, y, got);
        return fail(v);
    }
    return true;
}

void mrv__years_text(const mrv_vnode *n, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n->n && o + 16 < len; i++) {
        size_t j = i;
        while (j + 1 < n->n && n->years[j + 1] == n->years[j] + 1) j++;
        if (j > i)
            o += (size_t)snprintf(buf + o, len - o, "%s%d-%d", o ? ", " : "",
                                  n->years[i], n->years[j]);
        else
            o += (size_t)snprintf(buf + o, len - o, "%s%d", o ? ", " : "",
                                  n->years[i]);
        i = j;
    }
}

mrv_vnode *mrv__value_parse(mrv__valctx *c, const mrv_param *p,
                            const mrv_ynode *n)
{
    vctx v = {c, p, (1u << p->nover) - 1, -HUGE_VAL, HUGE_VAL};
    if (p->has_bounds) {
        v.lo = internal(&v, p->lo, p->unit);
        v.hi = internal(&v, p->hi, p->unit);
    }
    bool was = c->failed;
    c->failed = false;
    uint64_t sid = mrv__sid_mix(0, MRV__SID_PARAM, mrv__fnv1a_str(p->name));
    mrv_vnode *root = parse_value(&v, n, NULL, NULL, sid);
    if (root && !c->failed) check_tree(&v, root);
    if (root && !c->failed) check_cover(&v, root);
    bool bad = c->failed;
    c->failed = was || bad;
    return bad ? NULL : root;
}

/* ---- picking an element ------------------------------------------------ */

const mrv_vnode mrv_fill_zero_leaf = {.kind = MRV_V_LEAF, .dim = -1};

static mrv_status pick(const mrv_vnode *n, const mrv_param *p, int year,
                       const size_t *mem, double w, mrv_vpick *out, size_t part,
                       size_t nrel, const mrv_vnode **rel, char *why,
                       size_t nwhy)
{
    for (;;) {
        if (n->unc && (n->kind != MRV_V_LEAF || n->unc->relative)) {
            if (nrel == MRV_PICK_MAXREL) return MRV_EINTERNAL;
            rel[nrel++] = n;
        }
        if (n->kind == MRV_V_LEAF) break;
        if (n->kind == MRV_V_MEMBERS) {
            n = n->kids[mem[n->dim]];
            continue;
        }
        /* a series */
        size_t i = 0;
        while (i < n->n && n->years[i] < year) i++;
        if (year != MRV_NO_YEAR && i < n->n && n->years[i] == year) {
            n = n->kids[i];
            continue;
        }
        if (year != MRV_NO_YEAR && p->fill == MRV_FILL_ZERO) {
            /* Nothing given is nothing deployed: 0, whatever multiplier
            ** sits above the series, so it draws none. */
            n = &mrv_fill_zero_leaf;
            nrel = 0;
            break;
        }
        if (year != MRV_NO_YEAR && i > 0 && p->fill == MRV_FILL_HOLD) {
            n = n->kids[i - 1];
            continue;
        }
        if (year != MRV_NO_YEAR && i > 0 && p->fill == MRV_FILL_LINEAR) {
            if (i == n->n) { /* past the last year: hold */
                n = n->kids[i - 1];
                continue;
            }
            if (part != 0 || out->nparts > 1) return MRV_EINTERNAL;
            double t = (double)(year - n->years[i - 1]) /
                       (double)(n->years[i] - n->years[i - 1]);
            const mrv_vnode *saved[MRV_PICK_MAXREL];
            memcpy(saved, rel, nrel * sizeof *rel);
            out->nparts = 2;
            mrv_status st = pick(n->kids[i - 1], p, year, mem, w * (1 - t), out,
                                 0, nrel, rel, why, nwhy);
            if (st != MRV_OK) return st;
            return pick(n->kids[i], p, year, mem, w * t, out, 1, nrel, saved,
                        why, nwhy);
        }
        char got[160];
        mrv__years_text(n, got, sizeof got);
        snprintf(why, nwhy, "years given: %s", got);
        return MRV_EREF;
    }
    out->part[part].w = w;
    out->part[part].leaf = n;
    out->part[part].nrel = nrel;
    memcpy(out->part[part].rel, rel, nrel * sizeof *rel);
    return MRV_OK;
}

mrv_status mrv_vnode_pick(const mrv_vnode *root, const mrv_param *p, int year,
                          const size_t *mem, mrv_vpick *out, char *why,
                          size_t nwhy)
{
    const mrv_vnode *rel[MRV_PICK_MAXREL];
    memset(out, 0, sizeof *out);
    out->nparts = 1;
    if (why && nwhy) why[0] = '\0';
    return pick(root, p, year, mem, 1.0, out, 0, 0, rel, why, nwhy);
}

mrv_status mrv_bound_pick(const mrv_bound *b, size_t pi, int year,
                          const size_t *mem, mrv_vpick *out, char *why,
                          size_t nwhy)
{
    return mrv_vnode_pick(b->values[pi], &b->meth->params[pi], year, mem, out,
                          why, nwhy);
}

double mrv_vpick_central(const mrv_vpick *pk)
{
    double sum = 0;
    for (size_t k = 0; k < pk->nparts; k++) {
        const mrv_vnode *leaf = pk->part[k].leaf;
        double v =
            leaf->unc && !leaf->unc->relative ? leaf->unc->center : leaf->value;
        v *= pk->part[k].w;
        sum = k ? sum + v : v;
    }
    return sum;
}
