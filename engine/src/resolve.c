/*
** resolve.c -- bind a project to its methodology and factor tables.
**
** Reads the project, finds its methodology and the tables its values
** refer to, and binds members, vintages and parameter values (values.c).
** Files are looked up only where the project or the search path says:
** a methodology id or table id must be a plain name (no '/' or leading
** '.'), so an untrusted project cannot make us read arbitrary paths by id;
** a .yaml path must stay below the project's folder (relative, no '..',
** no symbolic link out of it: infile.h) and is resolved against it, as
** the author wrote it.  Files other than the project are read only when
** they are regular files.  Every file read is recorded with its SHA-256 for the
** report's provenance.
*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps_int.h"
#include "infile.h"
#include "resolve_int.h"
#include "schema.h"
#include "suggest.h"

typedef struct rctx {
    mrv__valctx vc; /* first: values.c gets &rctx->vc */
    mrv_bound *b;
    const mrv_search *search;
    const char *project_dir;
    mrv_vec files;         /* mrv_input_file */
    mrv_vec tables;        /* const mrv_table * */
    mrv__strmap entry_ids; /* "TABLE/ENTRY" of every entry of 'tables' */
    mrv_vec entries;       /* const mrv_factor *, in entry_ids' order */
    mrv_vec failed_tables; /* const char * ids that failed to load */
    mrv_vec used;          /* const mrv_factor * */
    mrv__strmap used_ids;  /* the ids of 'used', in its order */
    mrv__mon *mon;         /* the data files being read */
    const char *ex_ante;   /* the ex-ante project's path, or NULL */
    const mrv_resolve_opts *opts;
} rctx;

static const char *const reserved_members[] = {"value", "uncertainty", "vary",
                                               "unit",  "source",      "note"};

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *mrv__find_by_id(const char *const *dirs, size_t n, const char *id,
                      bool *nomem)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dirs[i]) + strlen(id) + sizeof "/.yaml";
        char *path = malloc(len);
        if (!path) {
            *nomem = true;
            return NULL;
        }
        snprintf(path, len, "%s/%s.yaml", dirs[i], id);
        if (is_file(path)) return path;
        free(path);
    }
    return NULL;
}

/* mrv__find_by_id, the path in the arena; NULL also when out of memory
** (reported as not found, as before). */
static const char *find_in(mrv_arena *a, const char *const *dirs, size_t n,
                           const char *id)
{
    bool nomem = false;
    char *p = mrv__find_by_id(dirs, n, id, &nomem);
    const char *in = p ? mrv_arena_strdup(a, p) : NULL;
    free(p);
    return in;
}

void mrv__count_axes(mrv__count *c, const mrv_methodology *m,
                     const size_t *nmembers, size_t nvint, const int *axes,
                     size_t n)
{
    /* The double is for the message alone: past 64 bits it says how far
    ** past, to two digits. */
    double approx = 1;
    size_t o = 0;
    c->n = 1;
    c->factors[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        bool v = axes[k] == MRV_AXIS_VINTAGE;
        size_t nk = v ? nvint : nmembers[axes[k]];
        c->n = mrv__caps_mul(c->n, nk);
        approx *= (double)nk;
        if (o < sizeof c->factors)
            o += (size_t)snprintf(c->factors + o, sizeof c->factors - o,
                                  "%s%s (%zu)", k ? " x " : "",
                                  v ? "vintage" : m->dims[axes[k]].name, nk);
    }
    if (c->n < UINT64_MAX)
        snprintf(c->text, sizeof c->text, "%llu", (unsigned long long)c->n);
    else
        snprintf(c->text, sizeof c->text, "about %.2g", approx);
}

/* dir + "/" + rel, without "./" noise; rel itself when absolute. */
char *mrv__path_join(mrv_arena *a, const char *dir, const char *rel)
{
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        while (*rel == '/') rel++;
    }
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return mrv_arena_strdup(a, rel);
    size_t n = strlen(dir);
    return mrv_arena_printf(a, "%.*s/%s", (int)(dir[n - 1] == '/' ? n - 1 : n),
                            dir, rel);
}

char *mrv__path_dir(mrv_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return mrv_arena_strdup(a, ".");
    if (slash == path) return mrv_arena_strdup(a, "/");
    return mrv_arena_strndup(a, path, (size_t)(slash - path));
}

bool mrv__plain_name(const char *s)
{
    if (!*s || *s == '.' || strlen(s) > 128) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' ||
              *s == '.'))
            return false;
    return true;
}

bool mrv__ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Reads a file of the run: the project as given, the methodology and
** tables (named by the project or found by id) as regular files only. */
static const mrv_ydoc *read_file(rctx *r, const char *path, const char *role)
{
    const mrv_ydoc *doc = NULL;
    mrv_status st =
        strcmp(role, "project") == 0
            ? mrv_yaml_load_file(path, r->b->arena, &doc, r->vc.d)
            : mrv_yaml_load_regular_file(path, r->b->arena, &doc, r->vc.d);
    if (st != MRV_OK) return NULL;
    mrv_input_file f = {role, doc->path, doc->sha256_hex, doc};
    if (!mrv_vec_push(&r->files, &f)) return NULL;
    return doc;
}

static void list_dirs(const char *const *dirs, size_t n, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o + 2 < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", dirs[i]);
    if (n == 0) snprintf(buf, len, "no directories");
}

/* A path the project wrote ('methodology:', 'factors:') must stay below
** the project's folder; 'what' names it in the error, at 'at'. */
static bool below_project(rctx *r, const mrv_ynode *at, const char *what,
                          const char *rel)
{
    const char *why;
    if (!r->project_dir) return false; /* out of memory, recorded */
    if (mrv_infile_below(r->project_dir, rel, &why)) return true;
    if (!why) {
        mrv_error(r->vc.d, at->pos, MRV_ENOMEM,
                  "out of memory checking %s '%s'", what, rel);
        return false;
    }
    mrv_error(r->vc.d, at->pos, MRV_EREF,
              "%s '%s' %s: a project may name files below its own folder "
              "only",
              what, rel, why);
    return false;
}

/* Whether 'path' (the project's 'rel') is a regular file; an error at
** 'at' when it is missing or something else (a FIFO, a device). */
static bool named_file(rctx *r, const mrv_ynode *at, const char *what,
                       const char *rel, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        mrv_error(r->vc.d, at->pos, MRV_EREF,
                  "%s '%s' not found (looked for %s)", what, rel, path);
        return false;
    }
    if (S_ISREG(st.st_mode)) return true;
    mrv_error(r->vc.d, at->pos, MRV_EREF,
              "%s '%s' is not a regular file (looked for %s)", what, rel, path);
    return false;
}

/* ---- methodology ------------------------------------------------------- */

static const mrv_methodology *find_methodology(rctx *r)
{
    const mrv_project *p = r->b->project;
    mrv_diag *d = r->vc.d;
    const mrv_ynode *at = p->methodology_node;
    const char *ref = p->methodology;
    const char *path = NULL;
    bool by_id = !mrv__ends_with(ref, ".yaml");
    if (!by_id) {
        if (!below_project(r, at, "methodology file", ref)) return NULL;
        path = mrv__path_join(r->b->arena, r->project_dir, ref);
        if (path && !named_file(r, at, "methodology file", ref, path))
            return NULL;
    } else {
        if (!mrv__plain_name(ref)) {
            mrv_error(d, at->pos, MRV_EREF,
                      "'%s' is neither a methodology id (letters, digits, "
                      "'_', '-', '.') nor a path ending in .yaml",
                      ref);
            return NULL;
        }
        path =
            find_in(r->b->arena, r->search->meth_dirs, r->search->nmeth, ref);
        if (!path) {
            char dirs[512];
            list_dirs(r->search->meth_dirs, r->search->nmeth, dirs,
                      sizeof dirs);
            mrv_error(d, at->pos, MRV_EREF,
                      "methodology '%s' not found (looked in %s)", ref, dirs);
            return NULL;
        }
    }
    if (!path) return NULL;
    const mrv_ydoc *doc = read_file(r, path, "methodology");
    if (!doc) return NULL;
    const mrv_methodology *m = NULL;
    if (mrv_methodology_load(doc, r->b->arena, &m, d) != MRV_OK) return NULL;
    if (by_id && strcmp(m->id, ref) != 0) {
        mrv_error(d, mrv_ymap_get(doc->root, "methodology")->pos, MRV_EREF,
                  "this file declares methodology '%s' but was found as "
                  "'%s'; the id must equal the file name",
                  m->id, ref);
        return NULL;
    }
    return m;
}

/* ---- factor tables ----------------------------------------------------- */

static const mrv_table *table_by_id(rctx *r, const char *id)
{
    for (size_t i = 0; i < r->tables.n; i++) {
        const mrv_table *t = MRV_VEC_AT(&r->tables, const mrv_table *, i);
        if (strcmp(t->id, id) == 0) return t;
    }
    return NULL;
}

/* Adds table 't' to those the run may read, and its entries by id: a
** project may refer to thousands of entries of one table, and a member-
** keyed reference reads one per member.  Table ids are distinct, so are
** the entries of a table (and their ids); were one repeated, the first
** would be found, as a scan would find it.  False when out of memory. */
static bool add_table(rctx *r, const mrv_table *t)
{
    if (!mrv_vec_push(&r->tables, &t)) return false;
    for (size_t i = 0; i < t->n; i++) {
        const mrv_factor *f = &t->entries[i];
        size_t was = r->entry_ids.n;
        if (mrv__strmap_add(&r->entry_ids, f->id) == was)
            mrv_vec_push(&r->entries, &f);
    }
    return !r->entry_ids.failed && !r->entries.failed;
}

/* Whether a list find_factor reads lost an entry: its answers would
** then be wrong (a table not found, an entry missing). */
static bool lookups_lost(const rctx *r)
{
    return r->tables.failed || r->entry_ids.failed || r->entries.failed ||
           r->failed_tables.failed;
}

static bool table_failed(rctx *r, const char *id)
{
    for (size_t i = 0; i < r->failed_tables.n; i++)
        if (strcmp(MRV_VEC_AT(&r->failed_tables, const char *, i), id) == 0)
            return true;
    return false;
}

static const mrv_table *load_table(rctx *r, const char *path)
{
    const mrv_ydoc *doc = read_file(r, path, "factors");
    if (!doc) return NULL;
    const mrv_table *t = NULL;
    if (mrv_table_load(doc, r->b->arena, &t, r->vc.d) != MRV_OK) return NULL;
    return t;
}

static const mrv_factor *find_factor(mrv__valctx *vc, const char *ref,
                                     const mrv_ynode *at)
{
    rctx *r = (rctx *)vc;
    mrv_diag *d = vc->d;
    if (lookups_lost(r)) return NULL; /* out of memory: resolve says so */
    const char *slash = strchr(ref, '/');
    char *id = mrv_arena_strndup(r->b->arena, ref, (size_t)(slash - ref));
    const char *entry = slash + 1;
    if (!id) return NULL;
    if (!mrv__plain_name(id) || !*entry) {
        mrv_error(d, at->pos, MRV_EREF,
                  "'%s' is not a factor reference TABLE/ENTRY", ref);
        return NULL;
    }
    if (table_failed(r, id)) return NULL;
    const mrv_table *t = table_by_id(r, id);
    if (!t) {
        const char *path = find_in(r->b->arena, r->search->factor_dirs,
                                   r->search->nfactor, id);
        if (!path) {
            char dirs[512];
            list_dirs(r->search->factor_dirs, r->search->nfactor, dirs,
                      sizeof dirs);
            mrv_error(d, at->pos, MRV_EREF,
                      "factor table '%s' not found (looked in %s)", id, dirs);
            mrv_vec_push(&r->failed_tables, &id);
            return NULL;
        }
        t = load_table(r, path);
        if (t && strcmp(t->id, id) != 0) {
            mrv_error(d, mrv_ymap_get(t->doc->root, "table")->pos, MRV_EREF,
                      "this file declares table '%s' but was found as '%s'; "
                      "the id must equal the file name",
                      t->id, id);
            t = NULL;
        }
        if (!t) {
            mrv_vec_push(&r->failed_tables, &id);
            return NULL;
        }
        if (!add_table(r, t)) return NULL;
    }
    /* 'ref' is the entry's id: the table's id, '/', the entry's name. */
    size_t k = mrv__strmap_get(&r->entry_ids, ref);
    const mrv_factor *f =
        k == SIZE_MAX ? NULL : MRV_VEC_AT(&r->entries, const mrv_factor *, k);
    if (!f) {
        const char *names[MRV_MAX_HINTS];
        size_t n = t->n < MRV_MAX_HINTS ? t->n : MRV_MAX_HINTS;
        for (size_t i = 0; i < n; i++) names[i] = t->entries[i].entry;
        const char *hint = mrv__closest(entry, names, n);
        if (hint)
            mrv_error(d, at->pos, MRV_EREF,
                      "factor table '%s' has no entry '%s' (did you mean "
                      "'%s'?)",
                      id, entry, hint);
        else
            mrv_error(d, at->pos, MRV_EREF,
                      "factor table '%s' has no entry '%s'", id, entry);
        return NULL;
    }
    size_t was = r->used_ids.n;
    if (mrv__strmap_add(&r->used_ids, f->id) == was) mrv_vec_push(&r->used, &f);
    return f;
}

/* Whether memory ran out since entry 'from' of the sink: the arena or
** the list of files failed, or an error says so. */
static bool ran_out(const rctx *r, size_t from)
{
    if (mrv_arena_failed(r->b->arena) || r->files.failed) return true;
    for (size_t i = from; i < mrv_diag_count(r->vc.d); i++) {
        const mrv_diag_entry *e = mrv_diag_get(r->vc.d, i);
        if (e->sev == MRV_SEV_ERROR && e->code == MRV_ENOMEM) return true;
    }
    return false;
}

/* The project's own factor table named at 'n', or NULL after recording
** why not. */
static const mrv_table *project_table(rctx *r, const mrv_ynode *n)
{
    if (!below_project(r, n, "factor table file", n->text)) return NULL;
    char *path = mrv__path_join(r->b->arena, r->project_dir, n->text);
    if (!path) return NULL;
    if (!named_file(r, n, "factor table file", n->text, path)) return NULL;
    return load_table(r, path);
}

/* Loads the tables the project lists.  False when out of memory: then
** a table that could not be read must not be looked for by id on the
** search path instead, nor its entries be said not to exist. */
static bool project_tables(rctx *r)
{
    const mrv_project *p = r->b->project;
    for (size_t i = 0; i < p->nfactors; i++) {
        const mrv_ynode *n = p->factors[i];
        size_t from = mrv_diag_count(r->vc.d);
        const mrv_table *t = project_table(r, n);
        if (!t && ran_out(r, from)) return false;
        if (!t) continue;
        if (table_by_id(r, t->id)) {
            mrv_error(r->vc.d, n->pos, MRV_ESCHEMA,
                      "two of the project's factor tables are named '%s'",
                      t->id);
            continue;
        }
        if (!add_table(r, t)) return false;
    }
    return true;
}

/* ---- members and vintages ---------------------------------------------- */

static bool bind_dims(rctx *r)
{
    mrv_bound *b = r->b;
    const mrv_project *p = b->project;
    const mrv_methodology *m = b->meth;
    mrv_diag *d = r->vc.d;
    bool ok = true;
    b->ndims = m->ndims;
    b->nmembers = mrv_arena_array(b->arena, m->ndims + 1, sizeof *b->nmembers);
    b->members = mrv_arena_array(b->arena, m->ndims + 1, sizeof *b->members);
    if (!b->nmembers || !b->members) return false;
    for (size_t i = 0; i < p->ndims; i++) {
        if (mrv_methodology_dim(m, p->dims[i].name) < 0) {
            mrv_error(d, p->dims[i].pos, MRV_EREF,
                      "methodology '%s' has no dimension '%s'", m->id,
                      p->dims[i].name);
            ok = false;
        }
        for (size_t j = 0; j < p->dims[i].n; j++) {
            for (size_t k = 0;
                 k < sizeof reserved_members / sizeof *reserved_members; k++) {
                if (strcmp(p->dims[i].members[j], reserved_members[k]) == 0) {
                    mrv_error(d, p->dims[i].member_pos[j], MRV_ESCHEMA,
                              "'%s' cannot name a member: it is a key of "
                              "the value syntax",
                              p->dims[i].members[j]);
                    ok = false;
                }
            }
        }
    }
    for (size_t k = 0; k < m->ndims; k++) {
        const mrv_pdim *pd = NULL;
        for (size_t i = 0; i < p->ndims; i++)
            if (strcmp(p->dims[i].name, m->dims[k].name) == 0) pd = &p->dims[i];
        if (!pd) {
            mrv_srcpos at = {p->doc->path, 1, 1};
            const mrv_ynode *dn = mrv_ymap_get(p->doc->root, "dimensions");
            if (dn) at = dn->pos;
            mrv_error(d, at, MRV_EREF,
                      "methodology '%s' needs the members of dimension '%s': "
                      "list them under 'dimensions'",
                      m->id, m->dims[k].name);
            ok = false;
            continue;
        }
        b->nmembers[k] = pd->n;
        b->members[k] = pd->members;
    }
    return ok;
}

static bool bind_vintages(rctx *r)
{
    mrv_bound *b = r->b;
    const mrv_project *p = b->project;
    b->first = p->first;
    b->last = p->last;
    b->nvint = (size_t)(p->last - p->first + 1);
    b->frac = mrv_arena_array(b->arena, b->nvint, sizeof *b->frac);
    if (!b->frac) return false;
    /* The share of each vintage's days the run covers: the crediting
    ** period's, or the monitoring periods' (mondata.h). */
    for (size_t v = 0; v < b->nvint; v++)
        b->frac[v] = mrv__covered_share(b, b->first + (int)v);
    return true;
}

/* ---- equations --------------------------------------------------------- */

/* Where each equation's values lie (mrv_bound_eq_at), within the cap on
** them all. */
static bool bind_eq_layout(rctx *r)
{
    mrv_bound *b = r->b;
    const mrv_methodology *m = b->meth;
    size_t ne = m->neqs;
    b->eq_nmem = mrv_arena_array(b->arena, ne + 1, sizeof *b->eq_nmem);
    b->eq_base = mrv_arena_array(b->arena, ne + 1, sizeof *b->eq_base);
    if (!b->eq_nmem || !b->eq_base) return false;
    size_t total = 0;
    for (size_t e = 0; e < ne; e++) {
        const mrv_equation *eq = &m->eqs[e];
        /* Dimensions read from data files have up to MRV_MAX_RECORDS
        ** members each, so the product is checked: one past 64 bits
        ** fails the cap instead of wrapping to a small number. */
        mrv__count c;
        mrv__count_axes(&c, m, b->nmembers, b->nvint, eq->over, eq->nover);
        if (c.n > MRV_MAX_EQ_VALUES / b->nvint ||
            total + c.n * b->nvint > MRV_MAX_EQ_VALUES) {
            mrv_error(r->vc.d, eq->over_pos, MRV_EDOMAIN,
                      "equation '%s' has %s values per vintage (a value "
                      "per combination of %s), and the equations "
                      "would hold more than %d values over the %zu "
                      "vintages; reduce the members",
                      eq->name, c.text, c.factors, MRV_MAX_EQ_VALUES, b->nvint);
            return false;
        }
        b->eq_nmem[e] = (size_t)c.n;
        b->eq_base[e] = total;
        total += (size_t)c.n * b->nvint;
    }
    b->neqvals = total;
    return true;
}

/* Each per-member 'initial' with the project's members. */
static bool bind_eq_initial(rctx *r)
{
    mrv_bound *b = r->b;
    const mrv_methodology *m = b->meth;
    bool ok = true;
    b->eq_initial =
        mrv_arena_array(b->arena, m->neqs + 1, sizeof *b->eq_initial);
    if (!b->eq_initial) return false;
    for (size_t e = 0; e < m->neqs; e++) {
        const mrv_param *p = &m->eqs[e].initial_map;
        if (!p->is_initial) continue;
        b->eq_initial[e] = mrv__value_parse(&r->vc, p, p->default_node);
        if (!b->eq_initial[e]) ok = false;
    }
    return ok;
}

size_t mrv_bound_eq_at(const mrv_bound *b, size_t e, size_t v, size_t m)
{
    return b->eq_base[e] + v * b->eq_nmem[e] + m;
}

void mrv_bound_eq_members(const mrv_bound *b, size_t e, size_t m,
                          size_t pos[MRV_MAX_AXES])
{
    const mrv_equation *eq = &b->meth->eqs[e];
    for (size_t k = eq->nover; k-- > 0;) {
        size_t nm = b->nmembers[eq->over[k]];
        pos[k] = m % nm;
        m /= nm;
    }
}

size_t mrv_bound_eq_combo(const mrv_bound *b, size_t e,
                          const size_t pos[MRV_MAX_AXES])
{
    const mrv_equation *eq = &b->meth->eqs[e];
    size_t m = 0;
    for (size_t k = 0; k < eq->nover; k++)
        m = m * b->nmembers[eq->over[k]] + pos[k];
    return m;
}

void mrv_bound_eq_label(const mrv_bound *b, size_t e, size_t m, char *buf,
                        size_t n)
{
    const mrv_equation *eq = &b->meth->eqs[e];
    size_t pos[MRV_MAX_AXES];
    mrv_bound_eq_members(b, e, m, pos);
    size_t o = (size_t)snprintf(buf, n, "%s", eq->name);
    for (size_t k = 0; k < eq->nover && o < n; k++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", k ? ", " : "[",
                              b->members[eq->over[k]][pos[k]]);
    if (eq->nover && o < n) snprintf(buf + o, n - o, "]");
}

/* ---- parameters -------------------------------------------------------- */

static bool bind_params(rctx *r)
{
    mrv_bound *b = r->b;
    const mrv_methodology *m = b->meth;
    const mrv_ynode *pv = b->project->params;
    /* Monitored data added to the ex-ante file replace its values, except
    ** in the ex-ante run itself. */
    const mrv_ynode *mon = r->opts->ex_ante ? NULL : b->project->monitored;
    mrv_diag *d = r->vc.d;
    bool ok = true;
    b->values = mrv_arena_array(b->arena, m->nparams + 1, sizeof *b->values);
    b->value_origin =
        mrv_arena_array(b->arena, m->nparams + 1, sizeof *b->value_origin);
    if (!b->values || !b->value_origin) return false;
    for (size_t i = 0; i < (pv ? pv->n : 0) + (mon ? mon->n : 0); i++) {
        const mrv_ynode *key =
            pv && i < pv->n ? pv->keys[i] : mon->keys[i - (pv ? pv->n : 0)];
        const char *k = key->text;
        if (mrv_methodology_param(m, k) >= 0) continue;
        const char *names[MRV_MAX_HINTS];
        size_t n = m->nparams < MRV_MAX_HINTS ? m->nparams : MRV_MAX_HINTS;
        for (size_t j = 0; j < n; j++) names[j] = m->params[j].name;
        const char *hint = mrv__closest(k, names, n);
        if (mrv_methodology_equation(m, k) >= 0)
            mrv_error(d, key->pos, MRV_EREF,
                      "'%s' is an equation of methodology '%s', not a "
                      "parameter; it cannot be given a value",
                      k, m->id);
        else if (hint)
            mrv_error(d, key->pos, MRV_EREF,
                      "methodology '%s' has no parameter '%s' (did you mean "
                      "'%s'?)",
                      m->id, k, hint);
        else
            mrv_error(d, key->pos, MRV_EREF,
                      "methodology '%s' has no parameter '%s'", m->id, k);
        ok = false;
    }
    for (size_t i = 0; i < m->nparams; i++) {
        const mrv_param *p = &m->params[i];
        const mrv_ynode *n = mon ? mrv_ymap_get(mon, p->name) : NULL;
        if (!n && pv) n = mrv_ymap_get(pv, p->name);
        b->value_origin[i] = "project";
        if (!n) {
            n = p->default_node;
            b->value_origin[i] = "default";
        }
        if (!n) {
            mrv_srcpos at =
                pv ? pv->pos : (mrv_srcpos){b->project->doc->path, 1, 1};
            mrv_error(d, at, MRV_EREF,
                      "parameter '%s' has no value: the project gives none "
                      "and methodology '%s' has no default",
                      p->name, m->id);
            ok = false;
            continue;
        }
        if (b->value_origin[i][0] == 'p' && mrv__mon_is_data(n)) {
            ok = mrv__mon_param(r->mon, i, n) && ok;
            continue;
        }
        b->values[i] = mrv__value_parse(&r->vc, p, n);
        if (!b->values[i]) ok = false;
    }
    /* The data files, read once each, into the monitored values. */
    return ok && mrv__mon_bind(r->mon);
}

/* ---- entry points ------------------------------------------------------ */

void mrv_bound_free(mrv_bound *b)
{
    if (b) mrv_arena_free(b->arena);
}

mrv_status mrv_resolve(const char *path, const mrv_search *search,
                       mrv_bound **out, mrv_diag *d)
{
    static const mrv_resolve_opts none = {false, 0, NULL};
    return mrv_resolve_with(path, search, &none, out, d);
}

/* A project whose periods the caller gives (the ex-ante project, over the
** monitored project's periods). */
static const mrv_project *with_periods(mrv_arena *a, const mrv_project *p,
                                       const mrv_resolve_opts *o)
{
    if (!o->ex_ante) return p;
    mrv_project *c = mrv_arena_memdup(a, p, sizeof *p);
    if (!c) return NULL;
    c->nperiods = o->nperiods;
    c->periods = (mrv_period *)o->periods;
    c->monitored = NULL;
    return c;
}

mrv_status mrv_resolve_with(const char *path, const mrv_search *search,
                            const mrv_resolve_opts *opts, mrv_bound **out,
                            mrv_diag *d)
{
    *out = NULL;
    mrv_arena *a = mrv_arena_new(search->alloc, search->alloc_ud);
    if (!a) return MRV_ENOMEM;
    if (search->alloc) mrv_arena_set_chunk_size(a, 0);
    mrv_bound *b = mrv_arena_alloc(a, sizeof *b);
    if (!b) {
        mrv_arena_free(a);
        return MRV_ENOMEM;
    }
    b->arena = a;
    rctx r = {0};
    r.b = b;
    r.search = search;
    r.opts = opts;
    r.vc.a = a;
    r.vc.d = d;
    r.vc.factor = find_factor;
    mrv_vec_init(&r.files, sizeof(mrv_input_file));
    mrv_vec_init(&r.tables, sizeof(const mrv_table *));
    mrv_vec_init(&r.entries, sizeof(const mrv_factor *));
    mrv_vec_init(&r.failed_tables, sizeof(const char *));
    mrv_vec_init(&r.used, sizeof(const mrv_factor *));
    size_t errs = mrv_diag_error_count(d);

    const mrv_ydoc *doc = read_file(&r, path, "project");
    bool ok = doc != NULL;
    if (ok && mrv_model_kind(doc) == MRV_FILE_METHODOLOGY) {
        mrv_error(d, doc->root->pos, MRV_ESCHEMA,
                  "this is a methodology, not a project; run a project that "
                  "uses it (or 'mrv check' the methodology)");
        ok = false;
    }
    /* Out of memory where neither the arena nor a list records it. */
    bool nomem = false;
    if (ok) {
        mrv_status st = mrv_project_load(doc, a, &b->project, d);
        nomem = st == MRV_ENOMEM;
        ok = st == MRV_OK;
    }
    if (ok) ok = (b->project = with_periods(a, b->project, opts)) != NULL;
    if (ok) b->year_days = b->project->year_days;
    if (ok) r.project_dir = mrv__path_dir(a, path);
    ok = ok && (b->meth = find_methodology(&r)) != NULL;
    if (ok && b->project->allocation) {
        /* The one place both files are at hand: the agreement's basis
        ** against the rule that acts (an error fails the resolve below,
        ** after the rest is checked too). */
        const char *from;
        const mrv_rule_spec *rule =
            mrv_project_rule(b->project, b->meth, &from);
        mrv_allocation_check_rule(b->project->allocation, rule, from, d);
    }
    /* The ex-ante project to compare with, confined like the others. */
    if (ok && !opts->ex_ante && b->project->ex_ante) {
        const mrv_ynode *n = b->project->ex_ante;
        ok = below_project(&r, n, "ex-ante project", n->text);
        const char *p = ok ? mrv__path_join(a, r.project_dir, n->text) : NULL;
        ok = ok && p && named_file(&r, n, "ex-ante project", n->text, p);
        r.ex_ante = p;
    } else if (ok && !opts->ex_ante && b->project->monitored) {
        r.ex_ante = path;
    }
    if (ok && !(r.mon = mrv__mon_new(b, r.project_dir, d)))
        ok = !(nomem = true);
    if (ok) {
        b->mon->ex_ante_path = r.ex_ante;
        b->mon->ex_ante_node = b->project->ex_ante;
    }
    if (ok && !project_tables(&r)) ok = !(nomem = true);
    if (ok) {
        ok = bind_dims(&r);
        ok = ok && mrv__mon_dims(r.mon);
        ok = bind_vintages(&r) && ok;
    }
    if (ok) {
        r.vc.m = b->meth;
        r.vc.nmembers = b->nmembers;
        r.vc.members = b->members;
        r.vc.member_index =
            calloc(b->meth->ndims + 1, sizeof *r.vc.member_index);
        if (!r.vc.member_index) ok = !(nomem = true);
    }
    if (ok) {
        r.vc.first = b->first;
        r.vc.last = b->last;
        r.vc.year_days = b->year_days;
        ok = bind_params(&r);
        /* Also after errors in other values: all of them at once. */
        if (b->values && b->value_origin)
            ok = mrv__needs_check(b, !opts->ex_ante, d) && ok;
        ok = bind_eq_layout(&r) && ok;
        ok = bind_eq_initial(&r) && ok;
    }
    /* The data files join the inputs, after the files that name them. */
    const mrv_datafile *df = NULL;
    size_t ndf = r.mon ? mrv__mon_files(r.mon, &df) : 0;
    for (size_t i = 0; i < ndf; i++) {
        mrv_input_file f = {"data", df[i].path, df[i].sha256_hex, NULL};
        mrv_vec_push(&r.files, &f);
    }
    mrv__mon_free(r.mon);
    for (size_t k = 0; r.vc.member_index && k < b->meth->ndims; k++) {
        nomem |= r.vc.member_index[k].failed;
        mrv__strmap_free(&r.vc.member_index[k]);
    }
    free(r.vc.member_index);
    /* A list that could not grow lost an entry: out of memory, whatever
    ** else went wrong because of it. */
    bool lost = nomem || r.files.failed || r.tables.failed ||
                r.entry_ids.failed || r.entries.failed || r.used.failed ||
                r.used_ids.failed || r.failed_tables.failed;
    mrv__strmap_free(&r.entry_ids);
    mrv_vec_free(&r.entries);
    mrv__strmap_free(&r.used_ids);
    b->nfiles = r.files.n;
    b->files = mrv_vec_freeze(&r.files, a);
    b->ntables = r.tables.n;
    b->tables = mrv_vec_freeze(&r.tables, a);
    b->nfactors_used = r.used.n;
    b->factors_used = mrv_vec_freeze(&r.used, a);
    mrv_vec_free(&r.failed_tables);

    if (lost || mrv_arena_failed(a)) {
        mrv_arena_free(a);
        return MRV_ENOMEM;
    }
    if (!ok || mrv_diag_error_count(d) > errs) {
        mrv_status st = mrv_diag_status(d);
        mrv_arena_free(a);
        return st == MRV_OK ? MRV_EINTERNAL : st;
    }
    *out = b;
    return MRV_OK;
}
