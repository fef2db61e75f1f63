/*
** portfolio_keys.c -- the stream id of every uncertain input of a
** portfolio's projects, and the table of what is shared
** (portfolio_keys.h; portfolio_run.h says how keys are chosen).
**
** An input's place is its program stream id (program.h: the parameter
** or factor entry and the years and members on the way to its value);
** the key mixes one more word into it: what a factor entry's own
** uncertainty says, a declared group's name, or the project's id.  The
** uncertainties are found by walking each parameter's value tree, so
** the key never depends on which other projects the portfolio holds.
**
** Owns nothing past a call but the arrays it puts in the run's arena.
*/
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "portfolio_keys.h"

/* Where an uncertainty sits: the parameter whose value holds it, and the
** factor entry when it is the entry's own. */
typedef struct uref {
    const mrv_uncert *u;
    size_t param;
    const char *factor;
} uref;

typedef struct ucollect {
    uref *v;
    size_t n, cap;
    bool nomem;
} ucollect;

static void collect(ucollect *c, const mrv_vnode *n, size_t param)
{
    if (!n) return;
    if (n->unc) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 64;
            uref *v = realloc(c->v, cap * sizeof *v);
            if (!v) {
                c->nomem = true;
                return;
            }
            c->v = v;
            c->cap = cap;
        }
        const char *f = NULL;
        if (n->kind == MRV_V_LEAF && n->source &&
            n->unc->stream ==
                mrv__sid_mix(0, MRV__SID_FACTOR, mrv__fnv1a_str(n->source)))
            f = n->source;
        c->v[c->n++] = (uref){n->unc, param, f};
    }
    if (n->kind == MRV_V_LEAF) return;
    for (size_t i = 0; i < n->n; i++) collect(c, n->kids[i], param);
}

static const uref *find_uref(const ucollect *c, const mrv_uncert *u)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].u == u) return &c->v[i];
    return NULL;
}

/* What an uncertainty says, independent of where it is: two entries of
** one id with the same digest are the same estimate. */
static uint64_t unc_digest(const mrv_uncert *u)
{
    unsigned char b[64];
    size_t o = 0;
    uint32_t dist = (uint32_t)u->dist, vary = u->vary;
    memcpy(b + o, &dist, 4);
    o += 4;
    b[o++] = u->relative;
    const double x[5] = {u->center, u->sd, u->gsd, u->min, u->max};
    memcpy(b + o, x, sizeof x);
    o += sizeof x;
    memcpy(b + o, &vary, 4);
    o += 4;
    return mrv__fnv1a(b, o);
}

/* The group of the portfolio that shares parameter 'param' of project
** 'id', or SIZE_MAX. */
static size_t group_of(const mrv_portfolio *pf, const char *id,
                       const char *param)
{
    for (size_t g = 0; g < pf->ngroups; g++) {
        const mrv_pf_group *G = &pf->groups[g];
        if (!G->param || strcmp(G->param, param) != 0) continue;
        for (size_t j = 0; j < G->nprojects; j++)
            if (strcmp(G->projects[j], id) == 0) return g;
    }
    return SIZE_MAX;
}

/* Per input: the kind of key and, for the report, what it is. */
typedef struct keyinfo {
    const uref *ref;
    size_t group; /* SIZE_MAX: none */
    uint64_t digest;
} keyinfo;

/* Sets P->streams (the stream id of every input, as the header of
** portfolio_run.h says) and P->keying; fills info[k] when not NULL. */
static mrv_status key_project(const mrv_portfolio *pf, mrv_pf_project *P,
                              mrv_arena *a, keyinfo *info)
{
    const mrv_program *p = P->run->program;
    const mrv_bound *b = P->run->bound;
    ucollect c = {0};
    for (size_t i = 0; i < b->meth->nparams; i++)
        collect(&c, b->values ? b->values[i] : NULL, i);
    P->ninputs = p->ninputs;
    P->streams = mrv_arena_array(a, p->ninputs + 1, sizeof *P->streams);
    if (c.nomem || !P->streams) {
        free(c.v);
        return MRV_ENOMEM;
    }
    uint64_t proj = mrv__fnv1a_str(P->id);
    for (size_t k = 0; k < p->ninputs; k++) {
        const mrv_input *in = &p->inputs[k];
        const uref *ur = find_uref(&c, in->unc);
        size_t g = SIZE_MAX;
        uint64_t s, dg = unc_digest(in->unc);
        if (ur && ur->factor) {
            s = mrv__sid_mix(in->stream, MRV__SID_ENTRY, dg);
        } else if (ur &&
                   (g = group_of(pf, P->id, b->meth->params[ur->param].name)) !=
                       SIZE_MAX) {
            s = mrv__sid_mix(in->stream, MRV__SID_GROUP,
                             mrv__fnv1a_str(pf->groups[g].name));
        } else {
            s = mrv__sid_mix(in->stream, MRV__SID_PROJECT, proj);
        }
        P->streams[k] = s;
        if (info) info[k] = (keyinfo){ur, g, dg};
    }
    P->keying = mrv__fnv1a(P->streams, p->ninputs * sizeof *P->streams);
    /* The info points into c.v: the caller uses it before the next
    ** project; keep the collection alive in the info's owner. */
    if (info) {
        uref *keep = mrv_arena_array(a, c.n + 1, sizeof *keep);
        if (!keep) {
            free(c.v);
            return MRV_ENOMEM;
        }
        memcpy(keep, c.v, c.n * sizeof *keep);
        for (size_t k = 0; k < p->ninputs; k++)
            if (info[k].ref) info[k].ref = keep + (info[k].ref - c.v);
    }
    free(c.v);
    return MRV_OK;
}

/* The table of shared inputs: every factor entry (by id and what it says)
** that two or more projects read, and every declared group; and the
** checks on groups (every project in the portfolio, the parameter in its
** methodology, one uncertainty per shared place). */
typedef struct shkey {
    const char *name;
    uint64_t digest;
    bool declared;
    size_t group;
    const char *text;
    mrv_srcpos pos;
    size_t n, cap;
    size_t *proj;
} shkey;

typedef struct placekey { /* a group's input place in one project */
    size_t group;
    uint64_t stream, digest;
    size_t project;
    const mrv_uncert *u;
} placekey;

static bool add_proj(shkey *s, size_t p)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->proj[i] == p) return true;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        size_t *v = realloc(s->proj, cap * sizeof *v);
        if (!v) return false;
        s->proj = v;
        s->cap = cap;
    }
    s->proj[s->n++] = p;
    return true;
}

typedef struct keyer {
    shkey *sh;
    size_t nsh, capsh;
    placekey *pl;
    size_t npl, cappl;
    bool nomem;
} keyer;

static shkey *shkey_get(keyer *K, const char *name, uint64_t digest,
                        bool declared, size_t group)
{
    for (size_t i = 0; i < K->nsh; i++)
        if (K->sh[i].declared == declared && K->sh[i].digest == digest &&
            strcmp(K->sh[i].name, name) == 0)
            return &K->sh[i];
    if (K->nsh == K->capsh) {
        size_t cap = K->capsh ? 2 * K->capsh : 32;
        shkey *v = realloc(K->sh, cap * sizeof *v);
        if (!v) return NULL;
        K->sh = v;
        K->capsh = cap;
    }
    shkey *s = &K->sh[K->nsh++];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->digest = digest;
    s->declared = declared;
    s->group = group;
    return s;
}

static void keyer_note(keyer *K, size_t pi, const keyinfo *ki,
                       const mrv_input *in, const mrv_portfolio *pf)
{
    if (!ki->ref) return;
    if (ki->ref->factor) {
        shkey *s = shkey_get(K, ki->ref->factor, ki->digest, false, SIZE_MAX);
        if (!s || !add_proj(s, pi)) {
            K->nomem = true;
            return;
        }
        s->text = in->unc->text;
        if (!s->pos.file) s->pos = in->unc->pos;
        return;
    }
    if (ki->group == SIZE_MAX) return;
    const mrv_pf_group *G = &pf->groups[ki->group];
    shkey *s = shkey_get(K, G->name, 0, true, ki->group);
    if (!s || !add_proj(s, pi)) {
        K->nomem = true;
        return;
    }
    if (!s->text) s->text = in->unc->text;
    if (K->npl == K->cappl) {
        size_t cap = K->cappl ? 2 * K->cappl : 64;
        placekey *v = realloc(K->pl, cap * sizeof *v);
        if (!v) {
            K->nomem = true;
            return;
        }
        K->pl = v;
        K->cappl = cap;
    }
    K->pl[K->npl++] =
        (placekey){ki->group, in->stream, ki->digest, pi, in->unc};
}

/* Checks the groups: each project listed is in the portfolio and has the
** parameter, and every place two projects share holds the same
** uncertainty. */
static void check_groups(const mrv_pf_run *r, const keyer *K, mrv_diag *d)
{
    const mrv_portfolio *pf = r->pf;
    for (size_t g = 0; g < pf->ngroups; g++) {
        const mrv_pf_group *G = &pf->groups[g];
        if (!G->param) continue;
        for (size_t j = 0; j < G->nprojects; j++) {
            size_t i = 0;
            while (i < r->nprojects &&
                   strcmp(r->projects[i].id, G->projects[j]))
                i++;
            if (i == r->nprojects) {
                mrv_error(d, G->project_nodes[j]->pos, MRV_EREF,
                          "shared input '%s' names project '%s', which is "
                          "not in the portfolio",
                          G->name, G->projects[j]);
                continue;
            }
            const mrv_methodology *m = r->projects[i].run->bound->meth;
            size_t k = 0;
            while (k < m->nparams && strcmp(m->params[k].name, G->param)) k++;
            if (k == m->nparams)
                mrv_error(d, G->param_node->pos, MRV_EREF,
                          "shared input '%s': methodology '%s' of project "
                          "'%s' has no parameter '%s'",
                          G->name, m->id, G->projects[j], G->param);
        }
        size_t common = 0;
        for (size_t x = 0; x < K->npl; x++) {
            const placekey *a = &K->pl[x];
            if (a->group != g) continue;
            for (size_t y = 0; y < x; y++) {
                const placekey *b = &K->pl[y];
                if (b->group != g || b->stream != a->stream ||
                    b->project == a->project)
                    continue;
                common++;
                if (b->digest == a->digest) continue;
                mrv_error(d, a->u->pos, MRV_EDOMAIN,
                          "shared input '%s': this uncertainty of '%s' in "
                          "project '%s' is not the one project '%s' gives "
                          "it; a shared input is one draw, so both must say "
                          "the same",
                          G->name, G->param, r->projects[a->project].id,
                          r->projects[b->project].id);
                mrv_note(d, b->u->pos, "the other is here");
                break;
            }
        }
        if (common == 0)
            mrv_error(d, G->node->pos, MRV_EREF,
                      "shared input '%s': no uncertainty of '%s' sits at the "
                      "same place in two of its projects, so nothing would "
                      "be shared (write it the same way in each: one "
                      "uncertainty on the same value or series)",
                      G->name, G->param);
    }
}

/* Each project's inputs drawn with another project's (the same stream
** id): sorted (id, project) pairs, counted per run of one id that spans
** two projects or more. */
typedef struct idref {
    uint64_t id;
    size_t project;
} idref;

static int cmp_idref(const void *x, const void *y)
{
    const idref *a = x, *b = y;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return (a->project > b->project) - (a->project < b->project);
}

static mrv_status count_shared(mrv_pf_run *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nprojects; i++) n += r->projects[i].ninputs;
    idref *v = malloc((n + 1) * sizeof *v);
    if (!v) return MRV_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < r->nprojects; i++) {
        mrv_pf_project *P = &r->projects[i];
        P->nshared = 0;
        for (size_t k = 0; k < P->ninputs; k++)
            v[m++] = (idref){P->streams[k], i};
    }
    qsort(v, m, sizeof *v, cmp_idref);
    for (size_t a = 0; a < m;) {
        size_t b = a;
        while (b < m && v[b].id == v[a].id) b++;
        if (v[b - 1].project != v[a].project)
            for (size_t j = a; j < b; j++) r->projects[v[j].project].nshared++;
        a = b;
    }
    free(v);
    return MRV_OK;
}

/* Every project keyed; the table of shares into r->shares; warnings for
** one entry id read with different numbers. */
mrv_status mrv__pf_keys(mrv_pf_run *r, mrv_diag *d)
{
    keyer K = {0};
    mrv_status st = MRV_OK;
    for (size_t i = 0; i < r->nprojects && st == MRV_OK; i++) {
        mrv_pf_project *P = &r->projects[i];
        const mrv_program *p = P->run->program;
        keyinfo *info = calloc(p->ninputs + 1, sizeof *info);
        if (!info) {
            st = MRV_ENOMEM;
            break;
        }
        st = key_project(r->pf, P, r->arena, info);
        for (size_t k = 0; st == MRV_OK && k < p->ninputs; k++)
            keyer_note(&K, i, &info[k], &p->inputs[k], r->pf);
        free(info);
        if (K.nomem) st = MRV_ENOMEM;
    }
    if (st == MRV_OK) check_groups(r, &K, d);
    if (st == MRV_OK) st = count_shared(r);
    /* One id, two estimates: said, and each drawn on its own. */
    for (size_t i = 0; st == MRV_OK && i < K.nsh; i++) {
        const shkey *a = &K.sh[i];
        if (a->declared) continue;
        for (size_t j = 0; j < i; j++) {
            const shkey *b = &K.sh[j];
            if (b->declared || strcmp(a->name, b->name) != 0) continue;
            mrv_warning(d, a->pos,
                        "factor '%s' says here something other than in "
                        "project '%s' (a table of the same id with other "
                        "numbers): the two are drawn independently",
                        a->name, r->projects[b->proj[0]].id);
            mrv_note(d, b->pos, "the other is here");
            break;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < K.nsh; i++) n += K.sh[i].n >= 2;
    r->shares = mrv_arena_array(r->arena, n + 1, sizeof *r->shares);
    if (st == MRV_OK && !r->shares) st = MRV_ENOMEM;
    for (size_t i = 0; st == MRV_OK && i < K.nsh; i++) {
        const shkey *s = &K.sh[i];
        if (s->n < 2) continue;
        mrv_pf_share *o = &r->shares[r->nshares++];
        o->name = s->name;
        o->declared = s->declared;
        o->param = s->declared ? r->pf->groups[s->group].param : NULL;
        o->text = s->text;
        o->nprojects = s->n;
        o->projects = mrv_arena_array(r->arena, s->n, sizeof *o->projects);
        if (!o->projects) {
            st = MRV_ENOMEM;
            break;
        }
        memcpy(o->projects, s->proj, s->n * sizeof *s->proj);
    }
    for (size_t i = 0; i < K.nsh; i++) free(K.sh[i].proj);
    free(K.sh);
    free(K.pl);
    return st;
}

mrv_status mrv__pf_key_project(const mrv_portfolio *pf, mrv_pf_project *P,
                               mrv_arena *a)
{
    return key_project(pf, P, a, NULL);
}
