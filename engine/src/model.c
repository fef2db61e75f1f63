/*
** model.c -- schema of methodology, project and factor-table files.
**
** Turns the positioned YAML tree of one file into the typed structs of
** model.h.  Each loader walks the whole document and records every schema
** error it meets (unknown or missing keys, wrong types, bad units, formula
** syntax), so an author sees the complete list at once; *out is set only
** when there were none.  Parameter values stay YAML nodes here: what they
** mean depends on the methodology and the project's members, which bind.c
** knows.  All memory comes from the caller's arena.
*/
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "model.h"
#include "schema.h"
#include "strmap.h"
#include "suggest.h"

const char *const mrv_result_names[MRV_NRESULTS] = {"baseline", "project",
                                                    "leakage", "reductions"};

static const char *const reserved_names[] = {"y", "first", "last", "frac",
                                             "vintage"};

mrv_filekind mrv_model_kind(const mrv_ydoc *doc)
{
    if (!doc || !doc->root || doc->root->kind != MRV_Y_MAP)
        return MRV_FILE_UNKNOWN;
    if (mrv_ymap_get(doc->root, "methodology") &&
        !mrv_ymap_get(doc->root, "project"))
        return MRV_FILE_METHODOLOGY;
    if (mrv_ymap_get(doc->root, "project")) return MRV_FILE_PROJECT;
    if (mrv_ymap_get(doc->root, "table")) return MRV_FILE_TABLE;
    if (mrv_ymap_get(doc->root, "portfolio")) return MRV_FILE_PORTFOLIO;
    return MRV_FILE_UNKNOWN;
}

/* The root of 'doc' as a mapping, or an error for empty/other files. */
static const mrv_ynode *root_map(const mrv_ydoc *doc, const char *what,
                                 mrv_diag *d)
{
    mrv_srcpos whole = {doc->path, 1, 1};
    if (!doc->root) {
        mrv_error(d, whole, MRV_ESCHEMA, "empty file: expected a %s", what);
        return NULL;
    }
    if (doc->root->kind != MRV_Y_MAP) {
        mrv_error(d, doc->root->pos, MRV_ESCHEMA,
                  "a %s file must be a mapping at the top level, not a %s",
                  what, mrv_ykind_name(doc->root->kind));
        return NULL;
    }
    return doc->root;
}

static bool is_reserved(const char *name)
{
    for (size_t i = 0; i < sizeof reserved_names / sizeof *reserved_names; i++)
        if (strcmp(name, reserved_names[i]) == 0) return true;
    return mrv_expr_reserved(name);
}

/* A name declared in the methodology: an identifier, not reserved. */
static bool decl_name(const mrv_ynode *key, const char *what, mrv_diag *d)
{
    const char *s = key->text;
    if (!mrv__is_ident(s)) {
        mrv_error(d, key->pos, MRV_ESCHEMA,
                  "%s name '%s' is not a name: use letters, digits and '_', "
                  "starting with a letter (at most %d)",
                  what, s, MRV_MAX_NAME);
        return false;
    }
    if (is_reserved(s)) {
        mrv_error(d, key->pos, MRV_ESCHEMA,
                  "%s name '%s' is reserved in formulas", what, s);
        return false;
    }
    return true;
}

/* A methodology id: 1 to MRV_MAX_NAME of [A-Za-z0-9_.-], not starting
** with '.'. */
static bool plain_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MRV_MAX_NAME || s[0] == '.') return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i])) return false;
    return true;
}

static const char *opt_string(const mrv_ynode *map, const char *key,
                              const char *what, mrv_diag *d)
{
    const mrv_ynode *n = mrv_ymap_get(map, key);
    const char *s = NULL;
    if (n) mrv__get_string(n, what, &s, d);
    return s;
}

/* ---- formulas ---------------------------------------------------------- */

/* Parses the formula held by scalar 'n' (a number is a formula too). */
static mrv_ast *parse_formula(const mrv_ynode *n, const char *what,
                              mrv_arena *a, mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return NULL;
    mrv_ast *ast = NULL;
    mrv_expr_parse(n->text, n->len, n, a, &ast, d);
    return ast;
}

/* ---- methodology ------------------------------------------------------- */

static const mrv_keyspec meth_keys[] = {
    {"methodology", true},       {"title", false},
    {"reference", false},        {"version", false},
    {"description", false},      {"kind", false},
    {"dimensions", false},       {"parameters", true},
    {"equations", true},         {"results", true},
    {"conservativeness", false}, {"rules", false}};

static const mrv_keyspec rule_keys[] = {
    {"text", true}, {"source", false}, {"choice", false}};

/* 'unit' is required unless the parameter is a choice (load_param). */
static const mrv_keyspec param_keys[] = {
    {"unit", false},   {"over", false},   {"default", false},
    {"bounds", false}, {"fill", false},   {"description", false},
    {"source", false}, {"choice", false}, {"needs", false}};

static const mrv_keyspec eq_keys[] = {
    {"unit", true},         {"formula", true}, {"initial", false},
    {"description", false}, {"source", false}, {"over", false}};

static const mrv_keyspec dim_keys[] = {{"description", false}};

static const mrv_keyspec result_keys[] = {{"baseline", true},
                                          {"project", true},
                                          {"leakage", true},
                                          {"reductions", true}};

/* Name lookups are linear and the dependency search recurses along a
** chain of equations, so a hostile file with 100000 of them would take
** minutes and the stack; no methodology needs more than a few dozen. */
static bool few(const mrv_ynode *n, const char *what, mrv_diag *d)
{
    if (n->n <= MRV_MAX_DECLS) return true;
    mrv_error(d, n->pos, MRV_ESCHEMA,
              "%s has %zu entries; at most %d are "
              "allowed",
              what, n->n, MRV_MAX_DECLS);
    return false;
}

static void load_dims(const mrv_ynode *n, mrv_methodology *m, mrv_arena *a,
                      mrv_diag *d)
{
    if (!mrv__expect_map(n, "'dimensions'", d) || !few(n, "'dimensions'", d))
        return;
    m->dims = mrv_arena_array(a, n->n, sizeof *m->dims);
    if (!m->dims) return;
    for (size_t i = 0; i < n->n; i++) {
        const mrv_ynode *k = n->keys[i], *v = n->vals[i];
        if (!decl_name(k, "dimension", d)) continue;
        mrv_dimdecl *dim = &m->dims[m->ndims++];
        dim->name = k->text;
        dim->pos = k->pos;
        if (v->kind == MRV_Y_SCALAR && v->len == 0) continue; /* fleet: */
        char what[128];
        snprintf(what, sizeof what, "dimension '%s'", k->text);
        if (mrv__check_keys(v, what, dim_keys, 1, d))
            dim->description = opt_string(v, "description", "description", d);
    }
}

/* 'over' of a parameter (the vintage and dimensions) or of an equation
** (dimensions only: an equation has a value per vintage anyway). */
static void load_over(const mrv_ynode *n, const char *kind, const char *name,
                      const mrv_methodology *m, int *over, size_t *nover,
                      mrv_diag *d)
{
    bool eq = strcmp(kind, "equation") == 0;
    char what[160];
    snprintf(what, sizeof what, "'over' of %s '%s'", kind, name);
    if (!mrv__expect_seq(n, what, d)) return;
    if (n->n > MRV_MAX_AXES) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s '%s' has %zu axes; at most %d are allowed", kind, name,
                  n->n, MRV_MAX_AXES);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *ax;
        if (!mrv__get_string(n->vals[i], what, &ax, d)) return;
        int idx;
        if (strcmp(ax, "vintage") == 0 && eq) {
            mrv_error(d, n->vals[i]->pos, MRV_ESCHEMA,
                      "equation '%s' has a value per vintage already: list "
                      "only dimensions in 'over'",
                      name);
            return;
        } else if (strcmp(ax, "vintage") == 0) {
            idx = MRV_AXIS_VINTAGE;
        } else if ((idx = mrv_methodology_dim(m, ax)) < 0) {
            mrv_error(d, n->vals[i]->pos, MRV_EREF,
                      "unknown dimension '%s' in %s (declare it under "
                      "'dimensions'%s)",
                      ax, what, eq ? "" : ", or use 'vintage'");
            return;
        }
        for (size_t j = 0; j < *nover; j++) {
            if (over[j] == idx) {
                mrv_error(d, n->vals[i]->pos, MRV_ESCHEMA,
                          "axis '%s' appears twice in %s", ax, what);
                return;
            }
        }
        over[(*nover)++] = idx;
    }
}

static void load_bounds(const mrv_ynode *n, mrv_param *p, mrv_diag *d)
{
    char what[160];
    snprintf(what, sizeof what, "'bounds' of parameter '%s'", p->name);
    if (!mrv__expect_seq(n, what, d)) return;
    if (n->n != 2) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s must be [lower, upper], two numbers", what);
        return;
    }
    double lo, hi;
    if (!mrv__get_number(n->vals[0], "the lower bound", &lo, d) ||
        !mrv__get_number(n->vals[1], "the upper bound", &hi, d))
        return;
    if (lo > hi) {
        mrv_error(d, n->vals[0]->pos, MRV_EDOMAIN,
                  "%s: lower bound %g is above upper bound %g", what, lo, hi);
        return;
    }
    p->has_bounds = true;
    p->lo = lo;
    p->hi = hi;
}

/* choice: [NAME, ...]: distinct identifiers, at least one. */
static void load_choices(const mrv_ynode *n, mrv_param *p, mrv_arena *a,
                         mrv_diag *d)
{
    char what[160];
    snprintf(what, sizeof what, "'choice' of parameter '%s'", p->name);
    if (!mrv__expect_seq(n, what, d)) return;
    if (n->n == 0 || n->n > MRV_MAX_CHOICES) {
        mrv_error(d, n->pos, MRV_ESCHEMA, "%s must list 1 to %d names, not %zu",
                  what, MRV_MAX_CHOICES, n->n);
        return;
    }
    const char **names = mrv_arena_array(a, n->n, sizeof *names);
    if (!names) return;
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if (!mrv__get_ident(n->vals[i], "a choice", &s, d)) return;
        for (size_t j = 0; j < k; j++) {
            if (strcmp(names[j], s) == 0) {
                mrv_error(d, n->vals[i]->pos, MRV_ESCHEMA,
                          "choice '%s' appears twice in %s", s, what);
                return;
            }
        }
        names[k++] = s;
    }
    p->choices = names;
    p->nchoices = k;
}

/* A choice has a name for a value: no unit, bounds, or fill that would
** make a name from others. */
static void check_choice(const mrv_ynode *v, mrv_param *p, mrv_diag *d)
{
    static const char *const not_for_choice[] = {"unit", "bounds"};
    for (size_t i = 0; i < 2; i++) {
        const mrv_ynode *n = mrv_ymap_get(v, not_for_choice[i]);
        if (n)
            mrv_error(d, mrv_ymap_key_of(v, n)->pos, MRV_ESCHEMA,
                      "parameter '%s' is a choice: it takes a name and has "
                      "no '%s'",
                      p->name, not_for_choice[i]);
    }
    const mrv_ynode *f = mrv_ymap_get(v, "fill");
    if (f && p->fill != MRV_FILL_NONE && p->fill != MRV_FILL_HOLD)
        mrv_error(d, f->pos, MRV_ESCHEMA,
                  "parameter '%s' is a choice: a missing year can only hold "
                  "the name before it (fill: hold)",
                  p->name);
    p->unit = mrv_unit_one();
    p->unit_text = "1";
}

/* One option's list in 'needs': parameters of the methodology, each
** once, other than the choice itself.  NULL after recording errors. */
static const int *load_needed(const mrv_ynode *n, const mrv_param *p,
                              const char *opt, const mrv_methodology *m,
                              mrv_arena *a, mrv_diag *d)
{
    char what[256];
    snprintf(what, sizeof what, "the needs of choice '%s' of '%s'", opt,
             p->name);
    if (!mrv__expect_seq(n, what, d)) return NULL;
    if (n->n > m->nparams) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s list %zu names; the methodology has %zu parameters", what,
                  n->n, m->nparams);
        return NULL;
    }
    int *idx = mrv_arena_array(a, n->n + 1, sizeof *idx);
    if (!idx) return NULL;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if (!mrv__get_string(n->vals[i], "a needed parameter", &s, d)) {
            ok = false;
            continue;
        }
        mrv_srcpos at = n->vals[i]->pos;
        idx[i] = mrv_methodology_param(m, s);
        const char *names[MRV_MAX_HINTS];
        size_t nn = m->nparams < MRV_MAX_HINTS ? m->nparams : MRV_MAX_HINTS;
        for (size_t j = 0; j < nn; j++) names[j] = m->params[j].name;
        const char *hint = idx[i] < 0 ? mrv__closest(s, names, nn) : NULL;
        if (idx[i] < 0 && mrv_methodology_equation(m, s) >= 0)
            mrv_error(d, at, MRV_EREF,
                      "%s name '%s', an equation: an option needs "
                      "parameters, which a project gives",
                      what, s);
        else if (idx[i] < 0)
            mrv_error(d, at, MRV_EREF,
                      "%s name '%s', which is not a parameter%s%s%s", what, s,
                      hint ? " (did you mean '" : "", hint ? hint : "",
                      hint ? "'?)" : "");
        else if (&m->params[idx[i]] == p)
            mrv_error(d, at, MRV_ESCHEMA,
                      "%s name '%s' itself: an option cannot need its own "
                      "choice",
                      what, s);
        ok &= idx[i] >= 0 && &m->params[idx[i]] != p;
        for (size_t j = 0; idx[i] >= 0 && j < i; j++) {
            if (idx[j] != idx[i]) continue;
            mrv_error(d, at, MRV_ESCHEMA, "'%s' appears twice in %s", s, what);
            ok = false;
            break;
        }
    }
    return ok ? idx : NULL;
}

/* needs: {CHOICE: [PARAM, ...]} of choice parameter 'p', read once every
** parameter is declared (an option may need one declared after it). */
static void load_needs(const mrv_ynode *n, mrv_param *p,
                       const mrv_methodology *m, mrv_arena *a, mrv_diag *d)
{
    char what[160];
    snprintf(what, sizeof what, "'needs' of parameter '%s'", p->name);
    if (!mrv__expect_map(n, what, d)) return;
    mrv_choice_needs *needs = mrv_arena_array(a, p->nchoices, sizeof *needs);
    if (!needs) return;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const mrv_ynode *k = n->keys[i];
        size_t c = 0;
        while (c < p->nchoices && strcmp(p->choices[c], k->text) != 0) c++;
        if (c == p->nchoices) {
            char msg[1024];
            mrv_param_not_a_choice(p, k->text, msg, sizeof msg);
            mrv_error(d, k->pos, MRV_ESCHEMA, "in %s: %s", what, msg);
            ok = false;
            continue;
        }
        needs[c].params = load_needed(n->vals[i], p, k->text, m, a, d);
        needs[c].n = n->vals[i]->n;
        ok &= needs[c].params != NULL;
    }
    if (ok) p->needs = needs;
}

/* The 'needs' of every choice in 'params', the parameters' map. */
static void all_needs(const mrv_ynode *params, mrv_methodology *m, mrv_arena *a,
                      mrv_diag *d)
{
    for (size_t i = 0; i < params->n; i++) {
        const mrv_ynode *nd = mrv_ymap_get(params->vals[i], "needs");
        int p = nd ? mrv_methodology_param(m, params->keys[i]->text) : -1;
        if (p >= 0 && m->params[p].nchoices)
            load_needs(nd, &m->params[p], m, a, d);
    }
}

static void load_param(const mrv_ynode *k, const mrv_ynode *v,
                       mrv_methodology *m, mrv_arena *a, mrv_diag *d)
{
    char what[128];
    snprintf(what, sizeof what, "parameter '%s'", k->text);
    if (!decl_name(k, "parameter", d)) return;
    mrv_param *p = &m->params[m->nparams++];
    p->name = k->text;
    p->pos = k->pos;
    if (!mrv__check_keys(v, what, param_keys,
                         sizeof param_keys / sizeof *param_keys, d))
        return;
    const mrv_ynode *n;
    const mrv_ynode *choice = mrv_ymap_get(v, "choice");
    if ((n = mrv_ymap_get(v, "unit")) && !choice)
        mrv__get_unit(n, "unit", &p->unit, &p->unit_text, d);
    else if (!choice)
        mrv_error(d, v->pos, MRV_ESCHEMA, "%s has no 'unit'", what);
    if (choice) load_choices(choice, p, a, d);
    if ((n = mrv_ymap_get(v, "over")))
        load_over(n, "parameter", p->name, m, p->over, &p->nover, d);
    if ((n = mrv_ymap_get(v, "bounds"))) load_bounds(n, p, d);
    if ((n = mrv_ymap_get(v, "fill"))) {
        const char *f;
        if (mrv__get_string(n, "'fill'", &f, d)) {
            if (strcmp(f, "hold") == 0)
                p->fill = MRV_FILL_HOLD;
            else if (strcmp(f, "linear") == 0)
                p->fill = MRV_FILL_LINEAR;
            else if (strcmp(f, "zero") == 0)
                p->fill = MRV_FILL_ZERO;
            else if (strcmp(f, "none") != 0)
                mrv_error(d, n->pos, MRV_ESCHEMA,
                          "'fill' must be hold, linear, zero or none, not "
                          "'%s'",
                          f);
        }
        bool series = false;
        for (size_t i = 0; i < p->nover; i++)
            series |= p->over[i] == MRV_AXIS_VINTAGE;
        if (p->fill != MRV_FILL_NONE && !series)
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "'fill' needs a series: add 'vintage' to 'over' of "
                      "parameter '%s'",
                      p->name);
    }
    if (choice) check_choice(v, p, d);
    if ((n = mrv_ymap_get(v, "needs")) && !choice)
        mrv_error(d, mrv_ymap_key_of(v, n)->pos, MRV_ESCHEMA,
                  "parameter '%s' is not a choice: 'needs' says what each "
                  "option of a choice needs",
                  p->name);
    p->default_node = mrv_ymap_get(v, "default");
    p->description = opt_string(v, "description", "description", d);
}

static void load_equation(const mrv_ynode *k, const mrv_ynode *v,
                          mrv_methodology *m, mrv_arena *a, mrv_diag *d)
{
    char what[128];
    snprintf(what, sizeof what, "equation '%s'", k->text);
    if (!decl_name(k, "equation", d)) return;
    if (mrv_methodology_param(m, k->text) >= 0) {
        mrv_error(d, k->pos, MRV_ESCHEMA,
                  "'%s' is both a parameter and an equation", k->text);
        return;
    }
    mrv_equation *e = &m->eqs[m->neqs++];
    e->name = k->text;
    e->pos = k->pos;
    if (!mrv__check_keys(v, what, eq_keys, sizeof eq_keys / sizeof *eq_keys, d))
        return;
    const mrv_ynode *n;
    if ((n = mrv_ymap_get(v, "unit")))
        mrv__get_unit(n, "unit", &e->unit, &e->unit_text, d);
    if ((n = mrv_ymap_get(v, "over"))) {
        load_over(n, "equation", e->name, m, e->over, &e->nover, d);
        e->over_pos = n->pos;
    }
    if ((n = mrv_ymap_get(v, "formula"))) {
        e->formula_node = n;
        e->ast = parse_formula(n, "'formula'", a, d);
    }
    if ((n = mrv_ymap_get(v, "initial")) && n->kind == MRV_Y_MAP) {
        /* Per member, as a parameter over the equation's dimensions is
        ** written: bound with the project's members (resolve.c). */
        e->initial_node = n;
        e->initial_map.name = e->name;
        e->initial_map.pos = n->pos;
        e->initial_map.unit = e->unit;
        e->initial_map.unit_text = e->unit_text;
        e->initial_map.nover = e->nover;
        memcpy(e->initial_map.over, e->over, sizeof e->over);
        e->initial_map.default_node = n;
        e->initial_map.is_initial = true;
        if (e->nover == 0)
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "equation '%s' is over no dimension: its 'initial' is "
                      "a number or a formula, not a mapping",
                      e->name);
    } else if (n) {
        e->initial_node = n;
        e->initial_is_number = mrv__is_number(n);
        e->initial = parse_formula(n, "'initial'", a, d);
        /* Checked at both ends of the year lengths a project may choose,
        ** the scale being monotonic in it. */
        bool big = false, small = false;
        for (int j = 0; e->initial && e->initial_is_number && j < 2; j++) {
            double x =
                mrv_unit_to_internal(e->initial->num, e->unit,
                                     j ? MRV_YEAR_DAYS_MAX : MRV_YEAR_DAYS_MIN);
            big |= !isfinite(x);
            small |= isfinite(x) && x != 0 && fabs(x) < DBL_MIN;
        }
        if (e->unit_text && (big || small))
            mrv_error(d, n->pos, MRV_EDOMAIN,
                      "initial value %s is too %s: it %s when converted "
                      "from '%s'",
                      n->text, big ? "large" : "small",
                      big ? "overflows" : "underflows", e->unit_text);
    }
    e->description = opt_string(v, "description", "description", d);
}

/* The bytes of an equation's formula and initial, as written. */
static size_t formula_bytes(const mrv_ynode *eq)
{
    size_t n = 0;
    const mrv_ynode *f = mrv_ymap_get(eq, "formula"),
                    *i = mrv_ymap_get(eq, "initial");
    if (f && f->kind == MRV_Y_SCALAR) n += f->len;
    if (i && i->kind == MRV_Y_SCALAR) n += i->len;
    return n;
}

static void load_results(const mrv_ynode *n, mrv_methodology *m, mrv_diag *d)
{
    if (!mrv__check_keys(n, "'results'", result_keys, MRV_NRESULTS, d)) return;
    for (int r = 0; r < MRV_NRESULTS; r++) {
        const mrv_ynode *v = mrv_ymap_get(n, mrv_result_names[r]);
        const char *name;
        if (!mrv__get_string(v, "a result", &name, d)) continue;
        m->results_pos[r] = v->pos;
        m->results[r] = mrv_methodology_equation(m, name);
        if (m->results[r] < 0)
            mrv_error(d, v->pos, MRV_EREF,
                      "result '%s' names '%s', which is not an equation",
                      mrv_result_names[r], name);
    }
}

/* rules: NAME: {text: ..., source: ..., choice: PARAM}, read after the
** parameters, whose choices they may name. */
static void load_rules(const mrv_ynode *n, mrv_methodology *m, mrv_arena *a,
                       mrv_diag *d)
{
    if (!mrv__expect_map(n, "'rules'", d) || !few(n, "'rules'", d)) return;
    m->rules = mrv_arena_array(a, n->n, sizeof *m->rules);
    if (!m->rules) return;
    for (size_t i = 0; i < n->n; i++) {
        const mrv_ynode *k = n->keys[i], *v = n->vals[i];
        if (!decl_name(k, "rule", d)) continue;
        char what[128];
        snprintf(what, sizeof what, "rule '%s'", k->text);
        if (!mrv__check_keys(v, what, rule_keys,
                             sizeof rule_keys / sizeof *rule_keys, d))
            continue;
        mrv_meth_rule *r = &m->rules[m->nrules++];
        r->name = k->text;
        r->pos = k->pos;
        r->choice = -1;
        r->text = opt_string(v, "text", "'text'", d);
        r->source = opt_string(v, "source", "'source'", d);
        const mrv_ynode *c = mrv_ymap_get(v, "choice");
        const char *name;
        if (!c || !mrv__get_string(c, "'choice'", &name, d)) continue;
        int p = mrv_methodology_param(m, name);
        if (p < 0) {
            const char *names[MRV_MAX_DECLS];
            size_t np = 0;
            for (size_t j = 0; j < m->nparams; j++)
                if (m->params[j].nchoices) names[np++] = m->params[j].name;
            const char *hint = mrv__closest(name, names, np);
            mrv_error(d, c->pos, MRV_ESCHEMA,
                      "rule '%s' names '%s', which is not a parameter%s%s%s",
                      r->name, name, hint ? " (did you mean '" : "",
                      hint ? hint : "", hint ? "'?)" : "");
        } else if (!m->params[p].nchoices) {
            mrv_error(d, c->pos, MRV_ESCHEMA,
                      "rule '%s' names '%s', which is not a choice: a "
                      "project answers a rule by naming one of a choice's "
                      "options",
                      r->name, name);
        } else {
            r->choice = p;
        }
    }
}

mrv_status mrv_methodology_load(const mrv_ydoc *doc, mrv_arena *a,
                                const mrv_methodology **out, mrv_diag *d)
{
    size_t errs = mrv_diag_error_count(d);
    const mrv_ynode *root = root_map(doc, "methodology", d);
    if (!root) return mrv_diag_status(d);
    mrv_methodology *m = mrv_arena_alloc(a, sizeof *m);
    if (!m) return MRV_ENOMEM;
    m->doc = doc;
    for (int r = 0; r < MRV_NRESULTS; r++) m->results[r] = -1;
    mrv__check_keys(root, "a methodology", meth_keys,
                    sizeof meth_keys / sizeof *meth_keys, d);

    const mrv_ynode *n;
    if ((n = mrv_ymap_get(root, "methodology")))
        mrv__get_string(n, "the methodology id", &m->id, d);
    /* The id names the file (METHODOLOGY.yaml), so it takes the characters
    ** resolve.c accepts in a file name: 'landfill-gas' is an id. */
    if (m->id && !plain_id(m->id))
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "the methodology id '%s' must be 1 to %d letters, digits, "
                  "'_', '-' or '.', not starting with '.' (it names the "
                  "file)",
                  m->id, MRV_MAX_NAME);
    m->title = opt_string(root, "title", "'title'", d);
    m->reference = opt_string(root, "reference", "'reference'", d);
    m->description = opt_string(root, "description", "'description'", d);
    if ((n = mrv_ymap_get(root, "version")))
        mrv__get_int(n, "'version'", 0, 1000000, &m->version, d);
    if ((n = mrv_ymap_get(root, "kind"))) {
        const char *kind;
        if (mrv__get_string(n, "'kind'", &kind, d)) {
            if (strcmp(kind, "removals") == 0)
                m->removals = true;
            else if (strcmp(kind, "reductions") != 0)
                mrv_error(d, n->pos, MRV_ESCHEMA,
                          "'kind' must be reductions or removals, not '%s'",
                          kind);
        }
    }
    if ((n = mrv_ymap_get(root, "dimensions"))) load_dims(n, m, a, d);
    /* Out of memory, a missing array would pass for missing declarations;
    ** stop before later sections report them as errors in the file. */
    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    if ((n = mrv_ymap_get(root, "parameters")) &&
        mrv__expect_map(n, "'parameters'", d) && few(n, "'parameters'", d)) {
        m->params = mrv_arena_array(a, n->n, sizeof *m->params);
        for (size_t i = 0; m->params && i < n->n; i++) {
            if (mrv_methodology_dim(m, n->keys[i]->text) >= 0) {
                mrv_error(d, n->keys[i]->pos, MRV_ESCHEMA,
                          "'%s' is both a dimension and a parameter",
                          n->keys[i]->text);
                continue;
            }
            load_param(n->keys[i], n->vals[i], m, a, d);
        }
    }
    if ((n = mrv_ymap_get(root, "equations")) &&
        mrv__expect_map(n, "'equations'", d) && few(n, "'equations'", d)) {
        m->eqs = mrv_arena_array(a, n->n, sizeof *m->eqs);
        size_t text = 0; /* bytes of formula text so far */
        for (size_t i = 0; m->eqs && i < n->n; i++) {
            if (mrv_methodology_dim(m, n->keys[i]->text) >= 0) {
                mrv_error(d, n->keys[i]->pos, MRV_ESCHEMA,
                          "'%s' is both a dimension and an equation",
                          n->keys[i]->text);
                continue;
            }
            /* Each formula is capped, but a thousand of them would still
            ** take gigabytes as trees: the methodology's total is capped
            ** too, before anything is parsed past it. */
            text += formula_bytes(n->vals[i]);
            if (text > MRV_EXPR_MAX_TOTAL) {
                mrv_error(d, n->keys[i]->pos, MRV_ESCHEMA,
                          "the formulas pass %d bytes in all at '%s', more "
                          "than a methodology may hold; shorten them or "
                          "split the methodology",
                          MRV_EXPR_MAX_TOTAL, n->keys[i]->text);
                m->eqs = NULL; /* no 'results' errors after this */
                break;
            }
            load_equation(n->keys[i], n->vals[i], m, a, d);
        }
    }
    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    /* With every name declared: an option may need a parameter declared
    ** after its choice, and is told an equation from a misspelling. */
    if ((n = mrv_ymap_get(root, "parameters")) && m->params)
        all_needs(n, m, a, d);
    /* Without a readable 'equations' every result would be reported as
    ** naming no equation: noise after the error that said why. */
    if ((n = mrv_ymap_get(root, "results")) && m->eqs) load_results(n, m, d);
    if ((n = mrv_ymap_get(root, "conservativeness")))
        mrv_conserv_load(n, a, &m->conservativeness, d);
    if ((n = mrv_ymap_get(root, "rules")) && m->params) load_rules(n, m, a, d);

    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);
    *out = m;
    return MRV_OK;
}

void mrv_param_choices_text(const mrv_param *p, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->nchoices; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(p->choices[i]);
        if (o + need + 4 >= n) {
            snprintf(buf + o, n - o, "%s...", sep);
            return;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s%s", sep, p->choices[i]);
    }
}

void mrv_param_not_a_choice(const mrv_param *p, const char *name, char *buf,
                            size_t n)
{
    char list[512];
    mrv_param_choices_text(p, list, sizeof list);
    const char *hint = mrv__closest(name, p->choices, p->nchoices);
    snprintf(buf, n, "'%s' is not a choice of '%s'%s%s%s; its choices are %s",
             name, p->name, hint ? " (did you mean '" : "", hint ? hint : "",
             hint ? "'?)" : "", list);
}

static bool ast_reads(const mrv_methodology *m, const mrv_ast *a, int pi,
                      unsigned char *seen);

static bool eq_reads(const mrv_methodology *m, int e, int pi,
                     unsigned char *seen)
{
    if (seen[e]) return false;
    seen[e] = 1;
    return ast_reads(m, m->eqs[e].ast, pi, seen) ||
           ast_reads(m, m->eqs[e].initial, pi, seen);
}

static bool ast_reads(const mrv_methodology *m, const mrv_ast *a, int pi,
                      unsigned char *seen)
{
    if (!a) return false;
    bool named = a->kind == MRV_AST_NAME || a->kind == MRV_AST_INDEX;
    if (named && a->sym == MRV_SYM_PARAM && a->index == pi) return true;
    if (named && a->sym == MRV_SYM_EQUATION && eq_reads(m, a->index, pi, seen))
        return true;
    for (size_t i = 0; i < a->nargs; i++)
        if (ast_reads(m, a->args[i], pi, seen)) return true;
    for (size_t i = 0; i < a->nbinders; i++)
        if (ast_reads(m, a->binders[i].lo, pi, seen) ||
            ast_reads(m, a->binders[i].hi, pi, seen))
            return true;
    return false;
}

bool mrv_methodology_reads(const mrv_methodology *m, int eq, int pi)
{
    unsigned char seen[MRV_MAX_DECLS] = {0};
    return eq_reads(m, eq, pi, seen);
}

int mrv_methodology_param(const mrv_methodology *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0) return (int)i;
    return -1;
}

int mrv_methodology_equation(const mrv_methodology *m, const char *name)
{
    for (size_t i = 0; i < m->neqs; i++)
        if (strcmp(m->eqs[i].name, name) == 0) return (int)i;
    return -1;
}

int mrv_methodology_dim(const mrv_methodology *m, const char *name)
{
    for (size_t i = 0; i < m->ndims; i++)
        if (strcmp(m->dims[i].name, name) == 0) return (int)i;
    return -1;
}

/* ---- project ----------------------------------------------------------- */

static const mrv_keyspec project_keys[] = {
    {"project", true},      {"title", false},       {"description", false},
    {"methodology", true},  {"host", false},        {"crediting_period", true},
    {"dimensions", false},  {"parameters", false},  {"factors", false},
    {"monte_carlo", false}, {"allocation", false},  {"conservativeness", false},
    {"source", false},      {"year_length", false}, {"monitoring", false}};

static const mrv_keyspec monitoring_keys[] = {
    {"periods", false}, {"ex_ante", false}, {"parameters", false}};

static const mrv_keyspec mperiod_keys[] = {
    {"id", true}, {"start", true}, {"end", true}};

static const mrv_keyspec csvdim_keys[] = {{"csv", true}, {"column", true}};

static const mrv_keyspec period_keys[] = {
    {"first", false}, {"last", false}, {"start", false}, {"end", false}};

static const mrv_keyspec mc_keys[] = {{"draws", false},
                                      {"seed", false},
                                      {"confidence", false},
                                      {"method", false}};

static bool load_period(const mrv_ynode *n, mrv_project *p, mrv_diag *d)
{
    if (!mrv__check_keys(n, "'crediting_period'", period_keys, 4, d))
        return false;
    p->period_pos = n->pos;
    const mrv_ynode *first = mrv_ymap_get(n, "first"),
                    *last = mrv_ymap_get(n, "last"),
                    *start = mrv_ymap_get(n, "start"),
                    *end = mrv_ymap_get(n, "end");
    if ((first || last) && (start || end)) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "'crediting_period' takes either first/last (years) or "
                  "start/end (dates), not both");
        return false;
    }
    long y0, y1;
    if (start || end) {
        if (!start || !end) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "'crediting_period' needs both 'start' and 'end'");
            return false;
        }
        if (!mrv__get_date(start, "'start'", &p->start, d) ||
            !mrv__get_date(end, "'end'", &p->end, d))
            return false;
        p->by_dates = true;
        y0 = p->start.y;
        y1 = p->end.y;
        bool before =
            p->end.y < p->start.y ||
            (p->end.y == p->start.y &&
             mrv_date_day_of_year(p->end) < mrv_date_day_of_year(p->start));
        if (before) {
            mrv_error(d, end->pos, MRV_EDOMAIN,
                      "the crediting period ends (%s) before it starts (%s)",
                      end->text, start->text);
            return false;
        }
    } else {
        if (!first || !last) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "'crediting_period' needs 'first' and 'last' years "
                      "(or 'start' and 'end' dates)");
            return false;
        }
        if (!mrv__get_int(first, "'first'", MRV_YEAR_MIN, MRV_YEAR_MAX, &y0,
                          d) ||
            !mrv__get_int(last, "'last'", MRV_YEAR_MIN, MRV_YEAR_MAX, &y1, d))
            return false;
        if (y1 < y0) {
            mrv_error(d, last->pos, MRV_EDOMAIN,
                      "'last' (%ld) is before 'first' (%ld)", y1, y0);
            return false;
        }
    }
    if (y1 - y0 + 1 > MRV_MAX_VINTAGES) {
        mrv_error(d, n->pos, MRV_EDOMAIN,
                  "the crediting period has %ld vintages; at most %d are "
                  "allowed",
                  y1 - y0 + 1, MRV_MAX_VINTAGES);
        return false;
    }
    p->first = (int)y0;
    p->last = (int)y1;
    mrv_date d0 = {p->first, 1, 1}, d1 = {p->last, 12, 31};
    p->period_from = mrv_date_ordinal(p->by_dates ? p->start : d0);
    p->period_to = mrv_date_ordinal(p->by_dates ? p->end : d1);
    return true;
}

/* monitoring: {periods: [{id, start, end}], ex_ante: PATH, parameters:
** {...}}.  Periods lie inside the crediting period, in order, without
** overlapping; 'have_period' says whether it could be read. */
static void load_monitoring(const mrv_ynode *n, mrv_project *p,
                            bool have_period, mrv_arena *a, mrv_diag *d)
{
    if (!mrv__check_keys(n, "'monitoring'", monitoring_keys,
                         sizeof monitoring_keys / sizeof *monitoring_keys, d))
        return;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "parameters")) &&
        mrv__expect_map(v, "'monitoring: parameters'", d))
        p->monitored = v;
    if ((v = mrv_ymap_get(n, "ex_ante"))) {
        const char *s;
        if (mrv__get_string(v, "'ex_ante'", &s, d)) p->ex_ante = v;
    }
    if (!(v = mrv_ymap_get(n, "periods"))) return;
    if (!mrv__expect_seq(v, "'periods'", d)) return;
    if (v->n == 0 || v->n > MRV_MAX_PERIODS) {
        mrv_error(d, v->pos, MRV_ESCHEMA,
                  "'periods' lists %zu monitoring periods; give 1 to %d", v->n,
                  MRV_MAX_PERIODS);
        return;
    }
    p->periods = mrv_arena_array(a, v->n, sizeof *p->periods);
    if (!p->periods) return;
    for (size_t i = 0; i < v->n; i++) {
        const mrv_ynode *it = v->vals[i];
        if (!mrv__check_keys(it, "a monitoring period", mperiod_keys,
                             sizeof mperiod_keys / sizeof *mperiod_keys, d))
            continue;
        mrv_period *pe = &p->periods[p->nperiods];
        pe->pos = it->pos;
        if (!mrv__get_ident(mrv_ymap_get(it, "id"), "a period id", &pe->id,
                            d) ||
            !mrv__get_date(mrv_ymap_get(it, "start"), "'start'", &pe->start,
                           d) ||
            !mrv__get_date(mrv_ymap_get(it, "end"), "'end'", &pe->end, d))
            continue;
        pe->from = mrv_date_ordinal(pe->start);
        pe->to = mrv_date_ordinal(pe->end);
        const mrv_ynode *end = mrv_ymap_get(it, "end");
        if (pe->to < pe->from) {
            mrv_error(d, end->pos, MRV_EDOMAIN,
                      "monitoring period '%s' ends (%s) before it starts",
                      pe->id, end->text);
            continue;
        }
        bool ok = true;
        for (size_t j = 0; j < p->nperiods && ok; j++) {
            if (strcmp(p->periods[j].id, pe->id) == 0) {
                mrv_error(d, mrv_ymap_get(it, "id")->pos, MRV_ESCHEMA,
                          "monitoring period '%s' is listed twice", pe->id);
                ok = false;
            }
        }
        if (ok && p->nperiods && pe->from <= p->periods[p->nperiods - 1].to) {
            mrv_error(d, mrv_ymap_get(it, "start")->pos, MRV_EDOMAIN,
                      "monitoring period '%s' starts before '%s' ends: "
                      "periods follow one another without overlapping",
                      pe->id, p->periods[p->nperiods - 1].id);
            ok = false;
        }
        if (ok && have_period &&
            (pe->from < p->period_from || pe->to > p->period_to)) {
            mrv_date c0 = mrv_date_from_ordinal(p->period_from),
                     c1 = mrv_date_from_ordinal(p->period_to);
            mrv_error(d, it->pos, MRV_EDOMAIN,
                      "monitoring period '%s' (%s to %s) is not inside the "
                      "crediting period (%04d-%02d-%02d to %04d-%02d-%02d)",
                      pe->id, mrv_ymap_get(it, "start")->text, end->text, c0.y,
                      c0.m, c0.d, c1.y, c1.m, c1.d);
            ok = false;
        }
        if (ok) p->nperiods++;
    }
}

/* The project's dimensions; false when out of memory (errors in them are
** recorded in 'd'). */
static bool load_pdims(const mrv_ynode *n, mrv_project *p, mrv_arena *a,
                       mrv_diag *d)
{
    if (!mrv__expect_map(n, "'dimensions'", d)) return true;
    p->dims = mrv_arena_array(a, n->n, sizeof *p->dims);
    if (!p->dims) return false;
    for (size_t i = 0; i < n->n; i++) {
        const mrv_ynode *k = n->keys[i], *v = n->vals[i];
        char what[128];
        snprintf(what, sizeof what, "dimension '%s'", k->text);
        if (v->kind == MRV_Y_MAP) {
            /* Members from a data file, read when the project is bound. */
            if (!mrv__check_keys(v, what, csvdim_keys,
                                 sizeof csvdim_keys / sizeof *csvdim_keys, d))
                continue;
            const char *s;
            if (!mrv__get_string(mrv_ymap_get(v, "csv"), "'csv'", &s, d) ||
                !mrv__get_string(mrv_ymap_get(v, "column"), "'column'", &s, d))
                continue;
            mrv_pdim *pd = &p->dims[p->ndims++];
            pd->name = k->text;
            pd->pos = k->pos;
            pd->csv = mrv_ymap_get(v, "csv");
            pd->column = mrv_ymap_get(v, "column");
            continue;
        }
        if (v->kind != MRV_Y_SEQ) {
            mrv_error(d, v->pos, MRV_ESCHEMA,
                      "%s must list its members, or read them from a data "
                      "file: {csv: PATH, column: NAME}",
                      what);
            continue;
        }
        if (v->n == 0) {
            mrv_error(d, v->pos, MRV_ESCHEMA, "%s has no members", what);
            continue;
        }
        if (v->n > MRV_MAX_MEMBERS) {
            mrv_error(d, v->pos, MRV_ESCHEMA,
                      "%s has %zu members; at most %d are allowed", what, v->n,
                      MRV_MAX_MEMBERS);
            continue;
        }
        mrv_pdim *pd = &p->dims[p->ndims++];
        pd->name = k->text;
        pd->pos = k->pos;
        pd->members = mrv_arena_array(a, v->n, sizeof *pd->members);
        pd->member_pos = mrv_arena_array(a, v->n, sizeof *pd->member_pos);
        if (!pd->members || !pd->member_pos) return false;
        /* Every repeat is an error at its own place; the map keeps the
        ** check linear in the members (up to MRV_MAX_MEMBERS). */
        mrv__strmap seen;
        mrv__strmap_init(&seen);
        for (size_t j = 0; j < v->n; j++) {
            const char *mname;
            if (!mrv__get_ident(v->vals[j], "a member", &mname, d)) continue;
            size_t at = mrv__strmap_add(&seen, mname);
            if (at == SIZE_MAX) break;
            if (at < pd->n) {
                mrv_error(d, v->vals[j]->pos, MRV_ESCHEMA,
                          "member '%s' appears twice in %s", mname, what);
                continue;
            }
            pd->member_pos[pd->n] = v->vals[j]->pos;
            pd->members[pd->n++] = mname;
        }
        bool lost = seen.failed;
        mrv__strmap_free(&seen);
        if (lost) return false;
    }
    return true;
}

static void load_mc(const mrv_ynode *n, mrv_mcspec *mc, mrv_diag *d)
{
    if (!mrv__check_keys(n, "'monte_carlo'", mc_keys, 4, d)) return;
    mc->given = true;
    mc->pos = n->pos;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "draws"))) mrv__get_draws(v, &mc->draws, d);
    if ((v = mrv_ymap_get(n, "seed"))) mrv__get_u64(v, "'seed'", &mc->seed, d);
    if ((v = mrv_ymap_get(n, "confidence")) &&
        mrv__get_number(v, "'confidence'", &mc->confidence, d) &&
        !(mc->confidence > 0 && mc->confidence < 1))
        mrv_error(d, v->pos, MRV_EDOMAIN,
                  "'confidence' must lie strictly between 0 and 1, not %s",
                  v->text);
    if ((v = mrv_ymap_get(n, "method"))) {
        const char *s;
        if (mrv__get_string(v, "'method'", &s, d)) {
            if (strcmp(s, "lhs") == 0)
                mc->method = MRV_SAMPLE_LHS;
            else if (strcmp(s, "random") != 0)
                mrv_error(d, v->pos, MRV_ESCHEMA,
                          "'method' must be random or lhs, not '%s'", s);
        }
    }
}

/* year_length: 365.25 d (or in h): the days of the year that d, h, min,
** s and W are converted to and from yr with. */
static void load_year(const mrv_ynode *n, mrv_project *p, mrv_diag *d)
{
    double days;
    if (!mrv__get_days(n, "'year_length'", &days, d)) return;
    if (!(days >= MRV_YEAR_DAYS_MIN && days <= MRV_YEAR_DAYS_MAX)) {
        mrv_error(d, n->pos, MRV_EDOMAIN,
                  "'year_length' must be from %g to %g days, not %s",
                  MRV_YEAR_DAYS_MIN, MRV_YEAR_DAYS_MAX, n->text);
        return;
    }
    p->year_days = days;
    p->year_length = n;
}

mrv_status mrv_project_load(const mrv_ydoc *doc, mrv_arena *a,
                            const mrv_project **out, mrv_diag *d)
{
    size_t errs = mrv_diag_error_count(d);
    const mrv_ynode *root = root_map(doc, "project", d);
    if (!root) return mrv_diag_status(d);
    mrv_project *p = mrv_arena_alloc(a, sizeof *p);
    if (!p) return MRV_ENOMEM;
    p->doc = doc;
    p->mc.confidence = 0.95;
    /* Where the Monte Carlo's errors and warnings point when the project
    ** has no 'monte_carlo' (draws from the command line): the project. */
    p->mc.pos = root->pos;
    mrv__check_keys(root, "a project", project_keys,
                    sizeof project_keys / sizeof *project_keys, d);
    const mrv_ynode *n;
    if ((n = mrv_ymap_get(root, "project")) &&
        mrv__get_string(n, "the project id", &p->id, d) &&
        !mrv__is_file_id(p->id))
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "the project id '%s' must be 1 to %d letters, digits, '_', "
                  "'-' or '.', starting with a letter or digit (it names the "
                  "output folder and goes into serial numbers and CSV files)",
                  p->id, MRV_MAX_NAME);
    p->title = opt_string(root, "title", "'title'", d);
    p->description = opt_string(root, "description", "'description'", d);
    if ((n = mrv_ymap_get(root, "host")) &&
        mrv__get_string(n, "'host'", &p->host, d) && !mrv__is_party(p->host))
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "'host' must be an ISO 3166-1 alpha-3 code such as KHM, not "
                  "'%s'",
                  p->host);
    if ((n = mrv_ymap_get(root, "methodology")) &&
        mrv__get_string(n, "'methodology'", &p->methodology, d))
        p->methodology_node = n;
    bool period =
        (n = mrv_ymap_get(root, "crediting_period")) && load_period(n, p, d);
    bool lost = false; /* out of memory where the arena cannot tell */
    if ((n = mrv_ymap_get(root, "dimensions"))) lost = !load_pdims(n, p, a, d);
    if ((n = mrv_ymap_get(root, "parameters")) &&
        mrv__expect_map(n, "'parameters'", d))
        p->params = n;
    if ((n = mrv_ymap_get(root, "factors")) &&
        mrv__expect_seq(n, "'factors'", d)) {
        p->factors = mrv_arena_array(a, n->n, sizeof *p->factors);
        for (size_t i = 0; p->factors && i < n->n; i++) {
            const char *s;
            if (mrv__get_string(n->vals[i], "a factor table path", &s, d))
                p->factors[p->nfactors++] = n->vals[i];
        }
    }
    if ((n = mrv_ymap_get(root, "monte_carlo"))) load_mc(n, &p->mc, d);
    p->year_days = MRV_YEAR_DAYS;
    if ((n = mrv_ymap_get(root, "year_length"))) load_year(n, p, d);
    /* The agreement's vintage maps are checked against the crediting
    ** period, so it is read only when the period could be (an error is
    ** reported already when it could not). */
    if ((n = mrv_ymap_get(root, "allocation")) && period) {
        const mrv_ynode *host = p->host ? mrv_ymap_get(root, "host") : NULL;
        mrv_allocation_load(n, p->first, (size_t)(p->last - p->first + 1), host,
                            a, &p->allocation, d);
    }
    if ((n = mrv_ymap_get(root, "conservativeness")))
        mrv_conserv_load(n, a, &p->conservativeness, d);
    if ((n = mrv_ymap_get(root, "monitoring")))
        load_monitoring(n, p, period, a, d);

    if (lost || mrv_arena_failed(a)) return MRV_ENOMEM;
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);
    *out = p;
    return MRV_OK;
}

const mrv_rule_spec *mrv_project_rule(const mrv_project *p,
                                      const mrv_methodology *m,
                                      const char **from)
{
    /* The project knows the programme it is registered under, so its rule
    ** replaces the methodology's. */
    *from = p->conservativeness   ? "project"
            : m->conservativeness ? "methodology"
                                  : NULL;
    return p->conservativeness ? p->conservativeness : m->conservativeness;
}

/* ---- factor tables ----------------------------------------------------- */

static const mrv_keyspec table_keys[] = {{"table", true},
                                         {"source", true},
                                         {"description", false},
                                         {"entries", true}};

static const mrv_keyspec entry_keys[] = {{"value", true},
                                         {"unit", true},
                                         {"uncertainty", false},
                                         {"source", false},
                                         {"note", false}};

mrv_status mrv_table_load(const mrv_ydoc *doc, mrv_arena *a,
                          const mrv_table **out, mrv_diag *d)
{
    size_t errs = mrv_diag_error_count(d);
    const mrv_ynode *root = root_map(doc, "factor table", d);
    if (!root) return mrv_diag_status(d);
    mrv_table *t = mrv_arena_alloc(a, sizeof *t);
    if (!t) return MRV_ENOMEM;
    t->doc = doc;
    mrv__check_keys(root, "a factor table", table_keys, 4, d);
    const mrv_ynode *n;
    if ((n = mrv_ymap_get(root, "table"))) {
        if (mrv__get_string(n, "the table id", &t->id, d) &&
            (strlen(t->id) == 0 || strpbrk(t->id, "/ \t\\")))
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "the table id '%s' must not be empty or contain '/', "
                      "'\\' or spaces",
                      t->id);
    }
    t->source = opt_string(root, "source", "'source'", d);
    if ((n = mrv_ymap_get(root, "entries")) &&
        mrv__expect_map(n, "'entries'", d)) {
        t->entries = mrv_arena_array(a, n->n, sizeof *t->entries);
        for (size_t i = 0; t->entries && i < n->n; i++) {
            const mrv_ynode *k = n->keys[i], *v = n->vals[i];
            char what[160];
            snprintf(what, sizeof what, "entry '%s'", k->text);
            if (k->len == 0 || strpbrk(k->text, "/ \t")) {
                mrv_error(d, k->pos, MRV_ESCHEMA,
                          "entry name '%s' must not be empty or contain "
                          "'/' or spaces",
                          k->text);
                continue;
            }
            if (!mrv__check_keys(v, what, entry_keys, 5, d)) continue;
            mrv_factor *f = &t->entries[t->n];
            f->entry = k->text;
            f->pos = k->pos;
            f->node = v;
            bool ok = mrv__get_number(mrv_ymap_get(v, "value"), "'value'",
                                      &f->value, d);
            ok &= mrv__get_unit(mrv_ymap_get(v, "unit"), "unit", &f->unit,
                                &f->unit_text, d);
            f->uncert_node = mrv_ymap_get(v, "uncertainty");
            f->source = opt_string(v, "source", "'source'", d);
            if (!f->source) f->source = t->source;
            if (!ok) continue;
            t->n++;
        }
    }
    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);
    for (size_t i = 0; i < t->n; i++) {
        t->entries[i].id =
            mrv_arena_printf(a, "%s/%s", t->id, t->entries[i].entry);
        if (!t->entries[i].id) return MRV_ENOMEM;
    }
    *out = t;
    return MRV_OK;
}

const mrv_factor *mrv_table_entry(const mrv_table *t, const char *entry)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->entries[i].entry, entry) == 0) return &t->entries[i];
    return NULL;
}
