/*
** portfolio.c -- the portfolio file, read strictly (portfolio.h).
**
** One pass over the file records every schema error with its position:
** unknown keys (with a hint), party codes, whole tonnes, years, the
** enums, the ids of the AEF section, duplicates.  Projects are found
** (by id on the search path, or by a path below the portfolio's folder,
** as a project finds its methodology) but not read: binding them is the
** portfolio run's work, which then checks what needs them.
**
** Everything lives in the caller's arena; strings and nodes are
** borrowed from the YAML document, which lives there too.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "infile.h"
#include "portfolio.h"
#include "resolve_int.h"
#include "schema.h"

const char *const mrv_pf_count_names[MRV_NCOUNT] = {"use", "transfer",
                                                    "vintage"};
const char *const mrv_ca_method_names[MRV_NCA] = {"trajectory", "budget",
                                                  "averaging"};

static const mrv_keyspec top_keys[] = {
    {"portfolio", true}, {"title", false},       {"description", false},
    {"source", false},   {"monte_carlo", false}, {"projects", true},
    {"parties", false},  {"shared", false},      {"aef", false}};
static const mrv_keyspec mc_keys[] = {{"draws", false},
                                      {"seed", false},
                                      {"confidence", false},
                                      {"method", false}};
static const mrv_keyspec entry_keys[] = {
    {"project", true}, {"allocation", false}, {"authorization", false}};
static const mrv_keyspec party_keys[] = {
    {"target", false}, {"keep", false}, {"ndc", false}};
static const mrv_keyspec target_keys[] = {
    {"volume", true}, {"by", false}, {"period", false}, {"count", false}};
static const mrv_keyspec ndc_keys[] = {
    {"year", true}, {"first", true}, {"method", true}};
static const mrv_keyspec group_keys[] = {{"parameter", true},
                                         {"projects", true}};
static const mrv_keyspec aef_keys[] = {
    {"approaches", false}, {"registries", false}, {"gwp", false}};
static const mrv_keyspec approach_keys[] = {
    {"id", true}, {"host", true}, {"buyer", true}};
#define NKEYS(ks) (sizeof ks / sizeof *ks)

typedef struct loader {
    mrv_arena *a;
    mrv_diag *d;
    const char *dir; /* the portfolio's folder */
    const char *const *dirs;
    size_t ndirs;
    mrv_portfolio *pf;
} loader;

static const char *opt_string(loader *L, const mrv_ynode *map, const char *key)
{
    const mrv_ynode *n = mrv_ymap_get(map, key);
    const char *s = NULL;
    char what[64];
    snprintf(what, sizeof what, "'%s'", key);
    if (n) mrv__get_string(n, what, &s, L->d);
    return s;
}

static bool get_year(loader *L, const mrv_ynode *n, const char *what, int *out)
{
    long y;
    if (!mrv__get_int(n, what, MRV_YEAR_MIN, MRV_YEAR_MAX, &y, L->d))
        return false;
    *out = (int)y;
    return true;
}

/* An identifier-like code of the AEF: 'len' characters, the first
** 'nalpha' capital letters and the rest digits ("CA" + 4 digits is
** checked by the caller's prefix). */
static bool code_shape(const char *s, size_t nalpha, size_t len)
{
    if (strlen(s) != len) return false;
    for (size_t i = 0; i < len; i++)
        if (i < nalpha ? !isupper((unsigned char)s[i])
                       : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* An AEF Authorization ID: letters, digits and '-' (the AEF allows
** spaces too; a CSV field without them needs no quoting). */
static bool auth_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MRV_MAX_NAME) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-') return false;
    return true;
}

/* ---- monte_carlo ------------------------------------------------------- */

static void load_mc(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__map_keys(n, "'monte_carlo'", mc_keys, NKEYS(mc_keys), L->d))
        return;
    pf->mc_node = n;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "draws"))) mrv__get_draws(v, &pf->draws, L->d);
    if ((v = mrv_ymap_get(n, "seed")))
        mrv__get_u64(v, "'seed'", &pf->seed, L->d);
    if ((v = mrv_ymap_get(n, "confidence")) &&
        mrv__get_number(v, "'confidence'", &pf->confidence, L->d) &&
        !(pf->confidence > 0 && pf->confidence < 1))
        mrv_error(L->d, v->pos, MRV_EDOMAIN,
                  "'confidence' must lie strictly between 0 and 1, not %s",
                  v->text);
    const char *s;
    if ((v = mrv_ymap_get(n, "method")) &&
        mrv__get_string(v, "'method'", &s, L->d) && strcmp(s, "random") != 0)
        mrv_error(L->d, v->pos, MRV_ESCHEMA,
                  "a portfolio draws by the random method only, not '%s' (a "
                  "Latin hypercube would need every project's strata over "
                  "all draws at once)",
                  s);
}

/* ---- projects ---------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The file an entry names: a path ending in .yaml below the portfolio's
** folder, or an id looked up on the search path. */
static const char *find_project(loader *L, const mrv_ynode *at, const char *ref)
{
    if (mrv__ends_with(ref, ".yaml")) {
        const char *why;
        if (!mrv_infile_below(L->dir, ref, &why)) {
            if (!why)
                mrv_error(L->d, at->pos, MRV_ENOMEM,
                          "out of memory checking '%s'", ref);
            else
                mrv_error(L->d, at->pos, MRV_EREF,
                          "project file '%s' %s: a portfolio may name files "
                          "below its own folder only (or projects by id on "
                          "the project search path)",
                          ref, why);
            return NULL;
        }
        const char *path = mrv__path_join(L->a, L->dir, ref);
        if (!path) return NULL;
        if (!is_file(path)) {
            mrv_error(L->d, at->pos, MRV_EREF,
                      "project file '%s' not found (looked for %s)", ref, path);
            return NULL;
        }
        return path;
    }
    if (!mrv__plain_name(ref)) {
        mrv_error(L->d, at->pos, MRV_EREF,
                  "'%s' is neither a project id (letters, digits, '_', '-', "
                  "'.') nor a path ending in .yaml",
                  ref);
        return NULL;
    }
    for (size_t i = 0; i < L->ndirs; i++) {
        char *c = mrv_arena_printf(L->a, "%s/%s.yaml", L->dirs[i], ref);
        if (c && is_file(c)) return c;
    }
    char dirs[512];
    size_t o = 0;
    dirs[0] = '\0';
    for (size_t i = 0; i < L->ndirs && o + 2 < sizeof dirs; i++)
        o += (size_t)snprintf(dirs + o, sizeof dirs - o, "%s%s", i ? ", " : "",
                              L->dirs[i]);
    mrv_error(L->d, at->pos, MRV_EREF, "project '%s' not found (looked in %s)",
              ref, L->ndirs ? dirs : "no folders");
    return NULL;
}

static void load_entry(loader *L, const mrv_ynode *n, mrv_pf_entry *e)
{
    e->node = n;
    const mrv_ynode *ref = n;
    if (n->kind == MRV_Y_MAP) {
        if (!mrv__check_keys(n, "a portfolio's project", entry_keys,
                             NKEYS(entry_keys), L->d))
            return;
        ref = mrv_ymap_get(n, "project");
        e->allocation = mrv_ymap_get(n, "allocation");
        if (e->allocation) mrv__expect_map(e->allocation, "'allocation'", L->d);
        const mrv_ynode *a = mrv_ymap_get(n, "authorization");
        if (a &&
            mrv__get_string(a, "'authorization'", &e->authorization, L->d)) {
            e->authorization_node = a;
            if (!auth_id(e->authorization))
                mrv_error(L->d, a->pos, MRV_ESCHEMA,
                          "an authorization ID is 1 to %d letters, digits and "
                          "'-' (the AEF's alphabet), not '%s'",
                          MRV_MAX_NAME, e->authorization);
        }
    }
    if (!mrv__get_string(ref, "a project", &e->ref, L->d)) return;
    e->path = find_project(L, ref, e->ref);
}

static void load_projects(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__expect_seq(n, "'projects'", L->d)) return;
    if (n->n == 0) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'projects' lists no project: a portfolio needs at least "
                  "one");
        return;
    }
    if (n->n > MRV_PF_MAX_PROJECTS) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'projects' lists %zu projects, more than the %d a "
                  "portfolio may hold",
                  n->n, MRV_PF_MAX_PROJECTS);
        return;
    }
    pf->entries = mrv_arena_array(L->a, n->n, sizeof *pf->entries);
    if (!pf->entries) return;
    pf->nentries = n->n;
    for (size_t i = 0; i < n->n; i++)
        load_entry(L, n->vals[i], &pf->entries[i]);
}

/* ---- parties ----------------------------------------------------------- */

static void load_target(loader *L, const mrv_ynode *n, mrv_pf_target *t)
{
    if (!mrv__map_keys(n, "'target'", target_keys, NKEYS(target_keys), L->d))
        return;
    t->node = n;
    const mrv_ynode *vol = mrv_ymap_get(n, "volume");
    bool ok = vol && mrv__get_tonnes(vol, "'volume'", &t->volume, L->d);
    const mrv_ynode *by = mrv_ymap_get(n, "by"),
                    *period = mrv_ymap_get(n, "period");
    if (by && period) {
        mrv_error(L->d, period->pos, MRV_ESCHEMA,
                  "a target has 'by' or 'period', not both");
        return;
    }
    if (!by && !period) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "a target needs 'by: YEAR' (every unit counted up to that "
                  "year) or 'period: [FROM, TO]'");
        return;
    }
    if (by) {
        t->by = true;
        ok &= get_year(L, by, "'by'", &t->to);
    } else if (!mrv__expect_seq(period, "'period'", L->d)) {
        ok = false;
    } else if (period->n != 2) {
        mrv_error(L->d, period->pos, MRV_ESCHEMA,
                  "'period' is [FROM, TO], two years, not %zu values",
                  period->n);
        ok = false;
    } else {
        /* Both read, so that both are reported. */
        bool years = get_year(L, period->vals[0], "the first year of 'period'",
                              &t->from);
        years &=
            get_year(L, period->vals[1], "the last year of 'period'", &t->to);
        ok &= years;
        if (years && t->from > t->to) {
            mrv_error(L->d, period->pos, MRV_EDOMAIN,
                      "'period' runs from %d to %d: the first year comes "
                      "first",
                      t->from, t->to);
            ok = false;
        }
    }
    const mrv_ynode *c = mrv_ymap_get(n, "count");
    int k = MRV_COUNT_USE;
    if (c) {
        t->count_node = c;
        ok &= mrv__get_enum(c, "'count'", mrv_pf_count_names, MRV_NCOUNT, &k,
                            L->d);
    }
    t->count = (mrv_pf_count)k;
    t->set = ok;
}

static void load_ndc(loader *L, const mrv_ynode *n, mrv_pf_ndc *x)
{
    if (!mrv__map_keys(n, "'ndc'", ndc_keys, NKEYS(ndc_keys), L->d)) return;
    x->node = n;
    int k = 0;
    const mrv_ynode *y = mrv_ymap_get(n, "year"), *f = mrv_ymap_get(n, "first"),
                    *m = mrv_ymap_get(n, "method");
    bool years = y && get_year(L, y, "the NDC 'year'", &x->year);
    years &= f && get_year(L, f, "the NDC's 'first' year", &x->first);
    bool ok = m && mrv__get_enum(m, "the NDC 'method'", mrv_ca_method_names,
                                 MRV_NCA, &k, L->d);
    ok &= years;
    if (years && x->first > x->year) {
        mrv_error(L->d, f->pos, MRV_EDOMAIN,
                  "the NDC's implementation period starts in %d, after its "
                  "target year %d",
                  x->first, x->year);
        ok = false;
    }
    x->method = (mrv_ca_method)k;
    x->set = ok;
}

static void load_parties(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__expect_map(n, "'parties'", L->d)) return;
    if (n->n > MRV_PF_MAX_PARTIES) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'parties' lists %zu Parties, more than %d", n->n,
                  MRV_PF_MAX_PARTIES);
        return;
    }
    pf->parties = mrv_arena_array(L->a, n->n + 1, sizeof *pf->parties);
    if (!pf->parties) return;
    for (size_t i = 0; i < n->n; i++) {
        mrv_pf_party *p = &pf->parties[pf->nparties];
        if (!mrv__get_party(n->keys[i], "a party", &p->code, L->d)) continue;
        p->node = n->keys[i];
        const mrv_ynode *v = n->vals[i];
        char what[64];
        snprintf(what, sizeof what, "party %s", p->code);
        if (!mrv__map_keys(v, what, party_keys, NKEYS(party_keys), L->d))
            continue;
        const mrv_ynode *x;
        if ((x = mrv_ymap_get(v, "target"))) load_target(L, x, &p->target);
        if ((x = mrv_ymap_get(v, "keep")) &&
            mrv__get_share(x, "'keep'", &p->keep, L->d)) {
            p->has_keep = true;
            p->keep_node = x;
        }
        if ((x = mrv_ymap_get(v, "ndc"))) load_ndc(L, x, &p->ndc);
        pf->nparties++;
    }
}

/* ---- shared inputs ----------------------------------------------------- */

static void load_group(loader *L, const mrv_ynode *key, const mrv_ynode *v,
                       mrv_pf_group *g)
{
    g->node = key;
    if (!mrv__get_ident(key, "a shared input's name", &g->name, L->d)) return;
    char what[128];
    snprintf(what, sizeof what, "shared input '%s'", g->name);
    if (!mrv__map_keys(v, what, group_keys, NKEYS(group_keys), L->d)) return;
    const mrv_ynode *p = mrv_ymap_get(v, "parameter");
    if (p && mrv__get_ident(p, "'parameter'", &g->param, L->d))
        g->param_node = p;
    const mrv_ynode *ps = mrv_ymap_get(v, "projects");
    if (!ps || !mrv__expect_seq(ps, "'projects'", L->d)) return;
    if (ps->n < 2) {
        mrv_error(L->d, ps->pos, MRV_ESCHEMA,
                  "a shared input is shared by at least two projects, not "
                  "%zu",
                  ps->n);
        return;
    }
    g->projects = mrv_arena_array(L->a, ps->n, sizeof *g->projects);
    g->project_nodes = mrv_arena_array(L->a, ps->n, sizeof *g->project_nodes);
    if (!g->projects || !g->project_nodes) return;
    for (size_t i = 0; i < ps->n; i++) {
        const char *s;
        if (!mrv__get_string(ps->vals[i], "a project id", &s, L->d)) continue;
        for (size_t j = 0; j < g->nprojects; j++) {
            if (strcmp(g->projects[j], s) == 0) {
                mrv_error(L->d, ps->vals[i]->pos, MRV_ESCHEMA,
                          "project '%s' is listed twice", s);
                s = NULL;
                break;
            }
        }
        if (!s) continue;
        g->project_nodes[g->nprojects] = ps->vals[i];
        g->projects[g->nprojects++] = s;
    }
}

static void load_shared(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__expect_map(n, "'shared'", L->d)) return;
    if (n->n > MRV_PF_MAX_GROUPS) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'shared' declares %zu inputs, more than %d", n->n,
                  MRV_PF_MAX_GROUPS);
        return;
    }
    pf->groups = mrv_arena_array(L->a, n->n + 1, sizeof *pf->groups);
    if (!pf->groups) return;
    for (size_t i = 0; i < n->n; i++)
        load_group(L, n->keys[i], n->vals[i], &pf->groups[pf->ngroups++]);
}

/* ---- aef --------------------------------------------------------------- */

static void load_approaches(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__expect_seq(n, "'approaches'", L->d)) return;
    if (n->n > MRV_PF_MAX_APPROACHES) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'approaches' lists %zu cooperative approaches, more than "
                  "%d",
                  n->n, MRV_PF_MAX_APPROACHES);
        return;
    }
    pf->approaches = mrv_arena_array(L->a, n->n + 1, sizeof *pf->approaches);
    if (!pf->approaches) return;
    for (size_t i = 0; i < n->n; i++) {
        const mrv_ynode *v = n->vals[i];
        mrv_pf_approach *ap = &pf->approaches[pf->napproaches];
        if (!mrv__map_keys(v, "a cooperative approach", approach_keys,
                           NKEYS(approach_keys), L->d))
            continue;
        ap->node = v;
        const mrv_ynode *id = mrv_ymap_get(v, "id");
        bool ok = id && mrv__get_string(id, "the approach 'id'", &ap->id, L->d);
        if (ok &&
            !(strncmp(ap->id, "CA", 2) == 0 && code_shape(ap->id, 2, 6))) {
            mrv_error(L->d, id->pos, MRV_ESCHEMA,
                      "a cooperative approach ID is CA and four digits, such "
                      "as CA0001, not '%s'",
                      ap->id);
            ok = false;
        }
        const mrv_ynode *h = mrv_ymap_get(v, "host"),
                        *b = mrv_ymap_get(v, "buyer");
        ok &= h && mrv__get_party(h, "the approach's host", &ap->host, L->d);
        ok &= b && mrv__get_party(b, "the approach's buyer", &ap->buyer, L->d);
        for (size_t j = 0; ok && j < pf->napproaches; j++) {
            const mrv_pf_approach *o = &pf->approaches[j];
            if (strcmp(o->host, ap->host) == 0 &&
                strcmp(o->buyer, ap->buyer) == 0) {
                mrv_error(L->d, v->pos, MRV_ESCHEMA,
                          "a second cooperative approach for host %s and "
                          "buyer %s: the ITMOs of a pair belong to one",
                          ap->host, ap->buyer);
                mrv_note(L->d, o->node->pos, "the first is here");
                ok = false;
            }
        }
        if (ok) pf->napproaches++;
    }
}

static void load_registries(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__expect_map(n, "'registries'", L->d)) return;
    if (n->n > MRV_PF_MAX_PARTIES) {
        mrv_error(L->d, n->pos, MRV_ESCHEMA,
                  "'registries' lists %zu Parties, more than %d", n->n,
                  MRV_PF_MAX_PARTIES);
        return;
    }
    pf->registries = mrv_arena_array(L->a, n->n + 1, sizeof *pf->registries);
    if (!pf->registries) return;
    for (size_t i = 0; i < n->n; i++) {
        mrv_pf_registry *r = &pf->registries[pf->nregistries];
        if (!mrv__get_party(n->keys[i], "a registry's party", &r->party, L->d))
            continue;
        if (!mrv__get_string(n->vals[i], "a registry ID", &r->id, L->d))
            continue;
        r->node = n->vals[i];
        if (!code_shape(r->id, 3, 5) || strncmp(r->id, r->party, 3) != 0) {
            mrv_error(L->d, r->node->pos, MRV_ESCHEMA,
                      "a Party ITMO registry ID is the Party's code and two "
                      "digits, such as %s01, not '%s'",
                      r->party, r->id);
            continue;
        }
        pf->nregistries++;
    }
}

static void load_aef(loader *L, const mrv_ynode *n)
{
    mrv_portfolio *pf = L->pf;
    if (!mrv__map_keys(n, "'aef'", aef_keys, NKEYS(aef_keys), L->d)) return;
    pf->has_aef = true;
    pf->aef_node = n;
    const mrv_ynode *v;
    if ((v = mrv_ymap_get(n, "approaches"))) load_approaches(L, v);
    if ((v = mrv_ymap_get(n, "registries"))) load_registries(L, v);
    if ((v = mrv_ymap_get(n, "gwp")) &&
        mrv__get_string(v, "'gwp'", &pf->gwp, L->d) &&
        !mrv__is_file_id(pf->gwp))
        mrv_error(L->d, v->pos, MRV_ESCHEMA,
                  "'gwp' names the GWP values applied, such as AR5, not '%s'",
                  pf->gwp);
}

/* ---- the file ---------------------------------------------------------- */

mrv_status mrv_portfolio_load(const char *path, const char *const *dirs,
                              size_t ndirs, mrv_arena *a,
                              const mrv_portfolio **out, mrv_diag *d)
{
    *out = NULL;
    size_t errs = mrv_diag_error_count(d);
    const mrv_ydoc *doc = NULL;
    mrv_status st = mrv_yaml_load_file(path, a, &doc, d);
    if (st != MRV_OK) return st;
    mrv_srcpos whole = {doc->path, 1, 1};
    if (!doc->root || doc->root->kind != MRV_Y_MAP)
        return mrv_error(d, doc->root ? doc->root->pos : whole, MRV_ESCHEMA,
                         "a portfolio file must be a mapping with a "
                         "'portfolio' key at the top level");
    mrv_portfolio *pf = mrv_arena_alloc(a, sizeof *pf);
    const char *dir = mrv__path_dir(a, path);
    if (!pf || !dir) return MRV_ENOMEM;
    pf->doc = doc;
    pf->confidence = 0.95;
    pf->gwp = "AR5";
    loader L = {a, d, dir, dirs, ndirs, pf};
    const mrv_ynode *root = doc->root, *n;
    mrv__check_keys(root, "a portfolio", top_keys, NKEYS(top_keys), d);
    if ((n = mrv_ymap_get(root, "portfolio")) &&
        mrv__get_string(n, "the portfolio id", &pf->id, d) &&
        !mrv__is_file_id(pf->id))
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "the portfolio id '%s' must be 1 to %d letters, digits, "
                  "'_', '-' or '.', starting with a letter or digit (it names "
                  "the output folder)",
                  pf->id, MRV_MAX_NAME);
    pf->title = opt_string(&L, root, "title");
    pf->description = opt_string(&L, root, "description");
    pf->source = opt_string(&L, root, "source");
    if ((n = mrv_ymap_get(root, "monte_carlo"))) load_mc(&L, n);
    if ((n = mrv_ymap_get(root, "projects"))) load_projects(&L, n);
    if ((n = mrv_ymap_get(root, "parties"))) load_parties(&L, n);
    if ((n = mrv_ymap_get(root, "shared"))) load_shared(&L, n);
    if ((n = mrv_ymap_get(root, "aef"))) load_aef(&L, n);
    if (mrv_arena_failed(a)) return MRV_ENOMEM;
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);
    *out = pf;
    return MRV_OK;
}

const mrv_pf_party *mrv_portfolio_party(const mrv_portfolio *pf,
                                        const char *code)
{
    for (size_t i = 0; i < pf->nparties; i++)
        if (strcmp(pf->parties[i].code, code) == 0) return &pf->parties[i];
    return NULL;
}
