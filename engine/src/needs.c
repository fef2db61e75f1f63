/*
** needs.c -- what the options a project's choices take need of it.
**
** A choice parameter may declare, per option, the parameters that option
** reads (needs: {tool07_combined_margin: [EF_OM, EF_BM]}).  Such
** parameters often default to 0 so that other options run without them;
** a project that takes the option and forgets one would then credit on a
** default that stands for "not given".  Once the values are bound, every
** option the project's value of a choice takes (for any member or year)
** must find each parameter it needs given by the project itself: in the
** project file or its monitored data.  All such errors are recorded in
** one pass; a parameter the project gives that only options it does not
** take need gets a warning, since the value is then read by nothing the
** choice selects.
*/
#include <string.h>

#include "resolve_int.h"

/* The first leaf of value tree 'n' to take each choice (NULL where none
** does). */
static void first_takers(const mrv_vnode *n, size_t nchoices,
                         const mrv_vnode **first)
{
    if (!n) return;
    if (n->kind == MRV_V_LEAF) {
        size_t k = (size_t)n->value;
        if (n->value >= 0 && k < nchoices && !first[k]) first[k] = n;
        return;
    }
    for (size_t i = 0; i < n->n; i++) first_takers(n->kids[i], nchoices, first);
}

/* Given by the project: in its file, or from a data file or survey it
** names ("project", "data", "survey"). */
static bool given(const mrv_bound *b, int pi)
{
    return strcmp(b->value_origin[pi], "default") != 0;
}

/* Where the project says something about the whole parameter list: its
** 'parameters' key's value, else the file's start. */
static mrv_srcpos project_pos(const mrv_bound *b)
{
    const mrv_ynode *pv = b->project->params;
    return pv ? pv->pos : (mrv_srcpos){b->project->doc->path, 1, 1};
}

/* Appends "NAME" to a list in 'buf' ("A", "A and B", "A, B and C"):
** item i of n. */
static size_t list_add(char *buf, size_t len, size_t o, size_t i, size_t n,
                       const char *item)
{
    const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
    if (o < len) o += (size_t)snprintf(buf + o, len - o, "%s%s", sep, item);
    return o;
}

/* The default of parameter 'p' as its declaration writes it, or NULL
** when it is not one scalar (a series, a member map). */
static const char *default_text(const mrv_param *p)
{
    const mrv_ynode *n = p->default_node;
    return n->kind == MRV_Y_SCALAR ? n->text : NULL;
}

/* The error for choice 'k' of parameter 'ci', first taken at leaf 'at',
** when the project does not give every parameter it needs. */
static void missing(const mrv_bound *b, int ci, size_t k, const mrv_vnode *at,
                    mrv_diag *d)
{
    const mrv_methodology *m = b->meth;
    const mrv_param *c = &m->params[ci];
    const mrv_choice_needs *nd = &c->needs[k];
    const mrv_param *miss[MRV_MAX_DECLS];
    size_t n = 0;
    for (size_t i = 0; i < nd->n; i++) {
        const mrv_param *p = &m->params[nd->params[i]];
        /* Without a default the binder has said it has no value. */
        if (!given(b, nd->params[i]) && p->default_node) miss[n++] = p;
    }
    if (n == 0) return;
    char names[1024], defs[1024];
    size_t o = 0, od = 0;
    const char *same = default_text(miss[0]);
    for (size_t i = 0; i < n; i++) {
        const char *t = default_text(miss[i]);
        char def[256];
        snprintf(def, sizeof def, "%s %s", miss[i]->name,
                 t ? t : "as the methodology writes it");
        o = list_add(names, sizeof names, o, i, n, miss[i]->name);
        od = list_add(defs, sizeof defs, od, i, n, def);
        if (!t || (same && strcmp(t, same) != 0)) same = NULL;
    }
    char would[1200];
    if (same)
        snprintf(would, sizeof would,
                 "the methodology's default, %s, would be used", same);
    else
        snprintf(would, sizeof would,
                 "the methodology's defaults would be used: %s", defs);
    bool own = given(b, ci);
    mrv_error(d, own ? at->pos : project_pos(b), MRV_EREF,
              "%s is '%s'%s%s, which needs %s: give %s in the project (%s)",
              c->name, c->choices[k], c->nover && own ? " here" : "",
              own ? "" : " (the methodology's default)", names,
              n > 1 ? "them" : "it", would);
}

/* The key the project writes parameter 'p' under (its monitored data
** first, as the binder reads them), or NULL. */
static const mrv_ynode *given_at(const mrv_bound *b, const mrv_param *p)
{
    const mrv_ynode *maps[2] = {b->project->monitored, b->project->params};
    for (size_t i = 0; i < 2; i++) {
        const mrv_ynode *v = mrv_ymap_get(maps[i], p->name);
        if (v) return mrv_ymap_key_of(maps[i], v);
    }
    return NULL;
}

/* Whether an option of 'c' that 'first' marks as taken (or, with 'taken'
** false, one not taken) needs parameter 'pi'; *which is the first. */
static bool needed_by(const mrv_param *c, const mrv_vnode **first, int pi,
                      bool taken, size_t *which)
{
    for (size_t k = 0; k < c->nchoices; k++) {
        if ((first[k] != NULL) != taken) continue;
        for (size_t i = 0; i < c->needs[k].n; i++) {
            if (c->needs[k].params[i] != pi) continue;
            *which = k;
            return true;
        }
    }
    return false;
}

/* Warns of each parameter the project gives that an option of choice
** 'ci' needs, but none of the options its value takes. */
static void unread(const mrv_bound *b, int ci, const mrv_vnode **first,
                   mrv_diag *d)
{
    const mrv_methodology *m = b->meth;
    const mrv_param *c = &m->params[ci];
    char taken[1024];
    size_t o = 0, nt = 0, t = 0;
    for (size_t k = 0; k < c->nchoices; k++) nt += first[k] != NULL;
    for (size_t k = 0; k < c->nchoices; k++) {
        if (!first[k]) continue;
        char q[160];
        snprintf(q, sizeof q, "'%s'", c->choices[k]);
        o = list_add(taken, sizeof taken, o, t++, nt, q);
    }
    for (size_t pi = 0; pi < m->nparams; pi++) {
        size_t k;
        const mrv_ynode *key = given_at(b, &m->params[pi]);
        if (!key || !given(b, (int)pi) ||
            needed_by(c, first, (int)pi, true, &k) ||
            !needed_by(c, first, (int)pi, false, &k))
            continue;
        mrv_warning(d, key->pos,
                    "%s is given, but %s is %s, which %s not need it ('%s' "
                    "does)",
                    m->params[pi].name, c->name, taken, nt > 1 ? "do" : "does",
                    c->choices[k]);
    }
}

bool mrv__needs_check(const mrv_bound *b, bool warn, mrv_diag *d)
{
    const mrv_methodology *m = b->meth;
    size_t errs = mrv_diag_error_count(d);
    for (size_t ci = 0; ci < m->nparams; ci++) {
        const mrv_param *c = &m->params[ci];
        if (!c->needs || !b->values[ci]) continue;
        const mrv_vnode *first[MRV_MAX_CHOICES] = {0};
        first_takers(b->values[ci], c->nchoices, first);
        for (size_t k = 0; k < c->nchoices; k++)
            if (first[k]) missing(b, (int)ci, k, first[k], d);
        if (warn) unread(b, (int)ci, first, d);
    }
    return mrv_diag_error_count(d) == errs;
}
