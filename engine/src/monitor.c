/*
** monitor.c -- values and members read from data files: the specs, and
** reading the files (docs/monitoring.md).
**
** A project names data files in three places: a dimension whose members
** are a column ({csv, column}), a parameter whose values are a column
** ({csv, value, unit, date | year | active, members, aggregate, ...}) and
** a parameter estimated from a sample ({survey: ...}, survey.c).  Each is
** registered as a reader of its file; a file is then read once for all
** its readers, row by row (csvsrc.h), and every row is checked as it
** comes: members known, numbers and dates that parse, values inside the
** parameter's bounds, dates inside the days the run covers.  A parameter
** keeps what it needs of each row (mrv_mrow: about 40 bytes), sorted by
** members and date; moncells.c turns those rows into values.  Dimensions
** are read first, in a pass of their own, because the other readers look
** their members up.
**
** Owns: the readers' state (malloc'd) until mrv__mon_free; everything a
** run keeps is in the bound's arena.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "monitor_int.h"
#include "schema.h"
#include "suggest.h"

const char *const mrv_agg_names[] = {"none", "sum",  "mean", "min",
                                     "max",  "last", "count"};
const char *const mrv_fill_rule_names[] = {"error", "hold", "zero", "value",
                                           "conservative"};

static const mrv_keyspec csv_keys[] = {
    {"csv", true},         {"value", false},   {"unit", false},
    {"date", false},       {"year", false},    {"active", false},
    {"frequency", false},  {"members", false}, {"aggregate", false},
    {"cumulative", false}, {"outside", false}, {"rejected", false},
    {"missing", false},    {"absent", false}};

static const mrv_keyspec active_keys[] = {{"from", true}, {"to", true}};
static const mrv_keyspec rejected_keys[] = {{"column", true}, {"values", true}};
static const mrv_keyspec conservative_keys[] = {{"conservative", true}};

/* ---- state ------------------------------------------------------------- */

mrv__mon *mrv__mon_new(mrv_bound *b, const char *project_dir, mrv_diag *d)
{
    mrv__mon *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->b = b;
    m->a = b->arena;
    m->d = d;
    m->project_dir = project_dir;
    m->md = mrv_arena_alloc(b->arena, sizeof *m->md);
    m->tabs = calloc(b->meth->ndims + 1, sizeof *m->tabs);
    if (!m->md || !m->tabs) {
        mrv__mon_free(m);
        return NULL;
    }
    mrv_vec_init(&m->readers, sizeof(mrv__reader *));
    mrv_vec_init(&m->params, sizeof(mrv_monparam *));
    mrv_vec_init(&m->surveys, sizeof(mrv_survey *));
    mrv_vec_init(&m->gaps, sizeof(mrv_gap));
    mrv_vec_init(&m->leaves, sizeof(mrv_vnode *));
    /* The days the run covers: the monitoring periods, or the crediting
    ** period when the project declares none. */
    const mrv_project *p = b->project;
    mrv_mondata *md = m->md;
    md->nperiods = p->nperiods;
    md->periods = p->periods;
    size_t nc = p->nperiods ? p->nperiods : 1;
    int32_t *from = mrv_arena_array(b->arena, nc, sizeof *from);
    int32_t *to = mrv_arena_array(b->arena, nc, sizeof *to);
    if (!from || !to) {
        mrv__mon_free(m);
        return NULL;
    }
    /* An ex-ante project run over another project's periods keeps to
    ** its own crediting period. */
    for (size_t i = 0; i < p->nperiods; i++) {
        from[i] = p->periods[i].from > p->period_from ? p->periods[i].from
                                                      : p->period_from;
        to[i] =
            p->periods[i].to < p->period_to ? p->periods[i].to : p->period_to;
    }
    if (!p->nperiods) {
        from[0] = p->period_from;
        to[0] = p->period_to;
    }
    md->ncover = nc;
    md->cover_from = from;
    md->cover_to = to;
    b->mon = md;
    return m;
}

void mrv__mon_free(mrv__mon *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->readers.n; i++) {
        mrv__reader *rd = MRV_VEC_AT(&m->readers, mrv__reader *, i);
        free(rd->self);
        free(rd);
    }
    mrv_vec_free(&m->readers);
    mrv_vec_free(&m->params);
    mrv_vec_free(&m->surveys);
    mrv_vec_free(&m->gaps);
    mrv_vec_free(&m->leaves);
    for (size_t i = 0; m->tabs && i < m->b->meth->ndims; i++)
        mrv__strmap_free(&m->tabs[i]);
    free(m->tabs);
    free(m);
}

static bool nomem(mrv__mon *m, mrv_srcpos at)
{
    if (!m->failed) mrv_error(m->d, at, MRV_ENOMEM, "out of memory");
    m->failed = true;
    return false;
}

size_t mrv__mon_files(const mrv__mon *m, const mrv_datafile **files)
{
    *files = m->md->files;
    return m->md->nfiles;
}

/* ---- fields ------------------------------------------------------------ */

bool mrv__mon_number(mrv__mon *m, const mrv_csvfield *f, const char *col,
                     double *out)
{
    /* Plain decimal: sign, digits with at most one '.', an exponent.  A
    ** thousands separator, a decimal comma or a unit in the cell is
    ** refused, never read as something else. */
    const char *s = f->text;
    size_t i = 0, digits = 0;
    if (s[i] == '-' || s[i] == '+') i++;
    while (s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (digits && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (s[j] == '-' || s[j] == '+') j++;
        size_t e = j;
        while (s[j] >= '0' && s[j] <= '9') j++;
        if (j > e) i = j;
    }
    mrv__numread r = digits && i == f->len ? mrv__read_number(s, f->len, out)
                                           : MRV__NUM_SYNTAX;
    if (r == MRV__NUM_OK) return true;
    if (r == MRV__NUM_SYNTAX)
        mrv_error(m->d, f->pos, MRV_ESCHEMA,
                  "column '%s': '%s' is not a number (write it plain, with "
                  "'.' for decimals)",
                  col, s);
    else
        mrv_error(m->d, f->pos, MRV_EDOMAIN, "column '%s': '%s' is %s", col, s,
                  mrv__numread_why(r));
    return false;
}

/* Whether 'raw', converted to the internal scale as x, is a number a
** formula may read: finite, and not a nonzero value gone below the
** smallest normal double (it would have lost its digits). */
static bool converts(double raw, double x)
{
    return isfinite(x) && (raw == 0 || fabs(x) >= DBL_MIN);
}

bool mrv__mon_quantity(mrv__mon *m, const mrv_csvfield *f, const char *col,
                       mrv_unit unit, const char *unit_text, double *raw,
                       double *out)
{
    if (!mrv__mon_number(m, f, col, raw)) return false;
    *out = mrv_unit_to_internal(*raw, unit, m->b->year_days);
    if (converts(*raw, *out)) return true;
    mrv_error(m->d, f->pos, MRV_EDOMAIN,
              "column '%s': %s %s is too %s once converted", col, f->text,
              unit_text, isfinite(*out) ? "small" : "large");
    return false;
}

long mrv__mon_member(mrv__mon *m, int dim, const mrv_csvfield *f)
{
    mrv__strmap *t = &m->tabs[dim];
    const char *const *names = m->b->members[dim];
    if (t->failed ||
        (!t->n && !mrv__strmap_add_all(t, names, m->b->nmembers[dim])))
        return nomem(m, f->pos), -1;
    size_t i = mrv__strmap_find(t, f->text, f->len);
    if (i != SIZE_MAX) return (long)i;
    size_t n = m->b->nmembers[dim];
    const char *hint =
        n <= MRV_MAX_HINTS ? mrv__closest(f->text, names, n) : NULL;
    const char *dname = m->b->meth->dims[dim].name;
    if (hint)
        mrv_error(m->d, f->pos, MRV_EREF,
                  "'%s' is not a member of '%s' (did you mean '%s'?)", f->text,
                  dname, hint);
    else
        mrv_error(m->d, f->pos, MRV_EREF, "'%s' is not a member of '%s'",
                  f->text, dname);
    return -1;
}

/* ---- files ------------------------------------------------------------- */

bool mrv__mon_add_reader(mrv__mon *m, mrv__reader *rd,
                         const mrv_ynode *path_node)
{
    const char *rel = path_node->text, *why;
    rd->path_node = path_node;
    if (!mrv_infile_below(m->project_dir, rel, &why)) {
        if (!why) return nomem(m, path_node->pos);
        mrv_error(m->d, path_node->pos, MRV_EREF,
                  "data file '%s' %s: a project may name files below its own "
                  "folder only",
                  rel, why);
        return false;
    }
    const char *dir = m->project_dir;
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        while (*rel == '/') rel++;
    }
    rd->path = strcmp(dir, ".") == 0
                   ? mrv_arena_strdup(m->a, rel)
                   : mrv_arena_printf(m->a, "%s/%s", dir, rel);
    if (!rd->path || !mrv_vec_push(&m->readers, &rd))
        return nomem(m, path_node->pos);
    return true;
}

/* The record of the file at 'path', added when it is first read. */
static mrv_datafile *file_rec(mrv__mon *m, const char *path, const char *rel)
{
    for (size_t i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i].path, path) == 0) return &m->files[i];
    if (m->nfiles == MRV_MAX_DATA_FILES) return NULL;
    mrv_datafile *f = &m->files[m->nfiles++];
    f->path = path;
    f->rel = rel;
    return f;
}

/* Reads the file of readers[i0] for every reader in [i0, i1) that names
** the same path and has not read yet (done[]). */
static bool read_file(mrv__mon *m, size_t i0, size_t i1, bool *done)
{
    mrv__reader *first = MRV_VEC_AT(&m->readers, mrv__reader *, i0);
    mrv__reader *rds[MRV_MAX_DATA_FILES * 4];
    size_t n = 0;
    for (size_t i = i0; i < i1; i++) {
        mrv__reader *rd = MRV_VEC_AT(&m->readers, mrv__reader *, i);
        if (done[i] || strcmp(rd->path, first->path) != 0) continue;
        if (n == sizeof rds / sizeof *rds) break; /* read again after */
        rds[n++] = rd;
        done[i] = true;
    }
    mrv_datafile *rec = file_rec(m, first->path, first->path_node->text);
    if (!rec) {
        mrv_error(m->d, first->path_node->pos, MRV_ESCHEMA,
                  "a project may read at most %d data files",
                  MRV_MAX_DATA_FILES);
        return false;
    }
    mrv_csvsrc *r = NULL;
    if (mrv_csvsrc_open(first->path, MRV_CSV_MAX_BYTES, &r, m->d) != MRV_OK) {
        mrv_note(m->d, first->path_node->pos, "the data file is named here");
        return false;
    }
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++) ok = rds[k]->begin(rds[k], m, r);
    bool got = ok;
    while (ok && got) {
        ok = mrv_csvsrc_next(r, &got, m->d) == MRV_OK;
        for (size_t k = 0; ok && got && k < n; k++)
            ok = rds[k]->row(rds[k], m, r);
    }
    if (ok) {
        const char *hex = mrv_csvsrc_sha256_hex(r);
        if (rec->sha256_hex[0] && strcmp(rec->sha256_hex, hex) != 0) {
            mrv_srcpos whole = {first->path, 0, 0};
            mrv_error(m->d, whole, MRV_EIO,
                      "the data file changed while it was being read");
            ok = false;
        }
        memcpy(rec->sha256_hex, hex, 65);
        rec->rows = mrv_csvsrc_rows(r);
    }
    mrv_csvsrc_close(r);
    for (size_t k = 0; k < n && ok; k++) ok = rds[k]->end(rds[k], m, rec);
    return ok;
}

/* Reads the files of readers [i0, i1), each file once. */
static bool read_all(mrv__mon *m, size_t i0, size_t i1)
{
    bool *done = calloc(i1 - i0 + 1, sizeof *done);
    if (!done) return nomem(m, m->b->project->doc->root->pos);
    bool ok = true;
    for (size_t i = i0; i < i1; i++) {
        if (done[i - i0]) continue;
        ok = read_file(m, i, i1, done - i0) && ok;
    }
    free(done);
    return ok;
}

static bool freeze_files(mrv__mon *m)
{
    m->md->nfiles = m->nfiles;
    mrv_datafile *fs = mrv_arena_array(m->a, m->nfiles + 1, sizeof *fs);
    if (!fs) return false;
    memcpy(fs, m->files, m->nfiles * sizeof *fs);
    m->md->files = fs;
    return true;
}

/* ---- dimensions from a data file --------------------------------------- */

typedef struct dimread {
    int dim;
    const mrv_pdim *pd;
    int col;
    mrv__strmap names; /* the members read so far, in order */
} dimread;

/* A member read from a file becomes a name in reports and CSV files: the
** project id's alphabet keeps it one field and one word. */
static bool member_name(const char *s, size_t n)
{
    static const char *const reserved[] = {"value", "uncertainty", "vary",
                                           "unit",  "source",      "note"};
    if (n == 0 || n > MRV_MAX_NAME) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' ||
                  (i > 0 && (c == '-' || c == '.'));
        if (!ok) return false;
    }
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(s, reserved[i]) == 0) return false;
    return true;
}

static bool dim_begin(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    dimread *dr = rd->self;
    dr->col = mrv_csvsrc_column(r, dr->pd->column->text);
    if (dr->col >= 0) return true;
    mrv_error(m->d, dr->pd->column->pos, MRV_EREF,
              "data file '%s' has no column '%s'", rd->path_node->text,
              dr->pd->column->text);
    return false;
}

static bool dim_row(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    dimread *dr = rd->self;
    const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)dr->col);
    if (!member_name(f->text, f->len)) {
        mrv_error(m->d, f->pos, MRV_ESCHEMA,
                  "'%s' cannot name a member of '%s': use 1 to %d letters, "
                  "digits, '_', '-' and '.', starting with a letter, digit "
                  "or '_'",
                  f->text, dr->pd->name, MRV_MAX_NAME);
        return false;
    }
    if (dr->names.n == MRV_MAX_RECORDS) {
        mrv_error(m->d, f->pos, MRV_ESCHEMA,
                  "dimension '%s' has more than %d members", dr->pd->name,
                  MRV_MAX_RECORDS);
        return false;
    }
    /* A repeated name is an error at its second occurrence. */
    if (mrv__strmap_find(&dr->names, f->text, f->len) != SIZE_MAX) {
        mrv_error(m->d, f->pos, MRV_ESCHEMA,
                  "'%s' is listed again: each row of the column names one "
                  "member of '%s'",
                  f->text, dr->pd->name);
        return false;
    }
    const char *name = mrv_arena_strndup(m->a, f->text, f->len);
    if (!name || mrv__strmap_add(&dr->names, name) == SIZE_MAX)
        return nomem(m, f->pos);
    return true;
}

static bool dim_end(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f)
{
    dimread *dr = rd->self;
    (void)f;
    size_t n = dr->names.n;
    if (n == 0) {
        mrv_error(m->d, rd->path_node->pos, MRV_ESCHEMA,
                  "data file '%s' has no rows: dimension '%s' has no members",
                  rd->path_node->text, dr->pd->name);
        return false;
    }
    const char **names =
        mrv_arena_memdup(m->a, dr->names.keys, n * sizeof *names);
    mrv__strmap_free(&dr->names);
    if (!names) return nomem(m, rd->path_node->pos);
    m->b->nmembers[dr->dim] = n;
    m->b->members[dr->dim] = names;
    return true;
}

bool mrv__mon_dims(mrv__mon *m)
{
    const mrv_project *p = m->b->project;
    size_t i0 = m->readers.n;
    bool ok = true;
    for (size_t i = 0; i < p->ndims; i++) {
        const mrv_pdim *pd = &p->dims[i];
        int dim = mrv_methodology_dim(m->b->meth, pd->name);
        if (!pd->csv || dim < 0) continue;
        mrv__reader *rd = calloc(1, sizeof *rd);
        dimread *dr = calloc(1, sizeof *dr);
        if (!rd || !dr) {
            free(rd);
            free(dr);
            return nomem(m, pd->pos);
        }
        dr->dim = dim;
        dr->pd = pd;
        rd->self = dr;
        rd->begin = dim_begin;
        rd->row = dim_row;
        rd->end = dim_end;
        if (!mrv__mon_add_reader(m, rd, pd->csv)) {
            free(dr);
            free(rd);
            ok = false;
        }
    }
    if (!ok) return false;
    ok = read_all(m, i0, m->readers.n);
    /* A reader that stopped early still holds its names. */
    for (size_t i = i0; i < m->readers.n; i++) {
        mrv__reader *rd = MRV_VEC_AT(&m->readers, mrv__reader *, i);
        dimread *dr = rd->self;
        mrv__strmap_free(&dr->names);
    }
    return ok && !m->failed;
}

/* ---- parameters from a data file: the spec ----------------------------- */

bool mrv__mon_is_data(const mrv_ynode *n)
{
    return n && n->kind == MRV_Y_MAP &&
           (mrv_ymap_get(n, "csv") || mrv_ymap_get(n, "survey"));
}

bool mrv__mon_unit(mrv__mon *m, const mrv_ynode *at, const mrv_param *p,
                   mrv_unit *out, const char **text)
{
    if (!mrv__get_unit(at, "'unit'", out, text, m->d)) return false;
    if (mrv_unit_same_dim(*out, p->unit) &&
        !mrv_unit_tags_agree(*text, p->unit_text)) {
        mrv_error(m->d, at->pos, MRV_ESCHEMA,
                  "the column is in '%s' but parameter '%s' is in '%s': they "
                  "weigh different substances, and a tag converts nothing",
                  *text, p->name, p->unit_text);
        return false;
    }
    if (mrv_unit_same_dim(*out, p->unit)) return true;
    char a[96], b[96];
    mrv_error(m->d, at->pos, MRV_ESCHEMA,
              "the column is in '%s' (%s) but parameter '%s' is in '%s' (%s)",
              *text, mrv_unit_dim_str(*out, a, sizeof a), p->name, p->unit_text,
              mrv_unit_dim_str(p->unit, b, sizeof b));
    return false;
}

bool mrv__mon_members_spec(mrv__mon *m, const mrv_param *p,
                           const mrv_ynode *map, size_t *n, int *dims,
                           const char **cols)
{
    const mrv_methodology *meth = m->b->meth;
    bool ok = true;
    *n = 0;
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] != MRV_AXIS_VINTAGE) dims[(*n)++] = p->over[i];
    for (size_t k = 0; k < *n; k++) cols[k] = NULL;
    if (map && !mrv__expect_map(map, "'members'", m->d)) return false;
    for (size_t i = 0; map && i < map->n; i++) {
        const char *dn = map->keys[i]->text;
        size_t k = 0;
        while (k < *n && strcmp(meth->dims[dims[k]].name, dn) != 0) k++;
        if (k == *n) {
            mrv_error(m->d, map->keys[i]->pos, MRV_EREF,
                      "parameter '%s' is not over a dimension '%s'", p->name,
                      dn);
            ok = false;
            continue;
        }
        if (!mrv__get_string(map->vals[i], "a column name", &cols[k], m->d))
            ok = false;
    }
    for (size_t k = 0; k < *n && ok; k++) {
        if (cols[k]) continue;
        mrv_srcpos at = map ? map->pos : p->pos;
        mrv_error(m->d, at, MRV_ESCHEMA,
                  "parameter '%s' is over dimension '%s': name the column of "
                  "its members under 'members' ({%s: COLUMN})",
                  p->name, meth->dims[dims[k]].name, meth->dims[dims[k]].name);
        ok = false;
    }
    return ok;
}

/* The reader of one monitored parameter. */
typedef struct pread {
    mrv_monparam *mp;
    const mrv_param *p;
    int cval, ctime[2], cmem[MRV_MAX_AXES], crej;
    size_t nrej;
    const char **rej;
    mrv_vec rows; /* mrv_mrow */
    bool ignore_outside;
    const mrv_ynode *outside_node;
} pread;

/* Whether 'x' (internal scale) lies outside the bounds of 'p'. */
static bool outside_bounds(const mrv__mon *m, const mrv_param *p, double x)
{
    double yd = m->b->year_days;
    return p->has_bounds && (x < mrv_unit_to_internal(p->lo, p->unit, yd) ||
                             x > mrv_unit_to_internal(p->hi, p->unit, yd));
}

/* A value the project writes for a gap or for members without rows
** stands for a reading, so it must be one a row could hold: finite once
** converted, and inside the parameter's bounds.  'raw' is in the
** column's unit, 'text' as written. */
static bool fill_value_ok(mrv__mon *m, const mrv_monparam *mp,
                          const mrv_ynode *at, const char *what, double raw,
                          const char *text)
{
    const mrv_param *p = &m->b->meth->params[mp->param];
    double x = mrv_unit_to_internal(raw, mp->unit, m->b->year_days);
    if (!converts(raw, x)) {
        mrv_error(m->d, at->pos, MRV_EDOMAIN,
                  "%s: %s %s is too %s once converted", what, text,
                  mp->unit_text, isfinite(x) ? "small" : "large");
        return false;
    }
    if (!outside_bounds(m, p, x)) return true;
    mrv_error(m->d, at->pos, MRV_EDOMAIN,
              "%s: %s %s is outside the bounds of '%s' [%g, %g] %s (a row "
              "with it would be refused)",
              what, text, mp->unit_text, p->name, p->lo, p->hi, p->unit_text);
    return false;
}

/* The values the project itself gives for gaps and absent members. */
static bool fill_values_ok(mrv__mon *m, const mrv_monparam *mp)
{
    const mrv_ynode *n = mp->missing_node, *c;
    bool ok = true;
    if (mp->fill == MRV_GAP_VALUE)
        ok = fill_value_ok(m, mp, n, "'missing'", mp->fill_value, n->text);
    else if (mp->fill == MRV_GAP_ZERO)
        ok = fill_value_ok(m, mp, n, "'missing: zero'", 0, "0");
    else if (mp->fill == MRV_GAP_CONSERVATIVE && mp->range == MRV_RANGE_GIVEN) {
        c = mrv_ymap_get(n, "conservative");
        ok = fill_value_ok(m, mp, c->vals[0], "the range's low end",
                           mp->range_lo, c->vals[0]->text);
        ok = fill_value_ok(m, mp, c->vals[1], "the range's high end",
                           mp->range_hi, c->vals[1]->text) &&
             ok;
    }
    if ((c = mrv_ymap_get(mp->node, "absent")))
        ok = fill_value_ok(m, mp, c, "'absent'", mp->absent, c->text) && ok;
    return ok;
}

static bool read_missing(mrv__mon *m, mrv_monparam *mp, const mrv_ynode *n)
{
    static const char *const names[] = {"error", "hold", "zero",
                                        "conservative"};
    mp->missing_node = n;
    if (n->kind == MRV_Y_SCALAR) {
        double x;
        if (mrv__is_number(n)) {
            if (!mrv__get_number(n, "'missing'", &x, m->d)) return false;
            mp->fill = MRV_GAP_VALUE;
            mp->fill_value = x;
            return true;
        }
        int k;
        if (!mrv__get_enum(n, "'missing'", names, 4, &k, m->d)) return false;
        if (k == 3) {
            mrv_error(m->d, n->pos, MRV_ESCHEMA,
                      "'missing: conservative' needs the range to choose "
                      "from: {conservative: records}, {conservative: "
                      "bounds} or {conservative: [LOW, HIGH]}");
            return false;
        }
        mp->fill = k == 0   ? MRV_GAP_ERROR
                   : k == 1 ? MRV_GAP_HOLD
                            : MRV_GAP_ZERO;
        return true;
    }
    if (!mrv__check_keys(n, "'missing'", conservative_keys, 1, m->d))
        return false;
    const mrv_ynode *c = mrv_ymap_get(n, "conservative");
    mp->fill = MRV_GAP_CONSERVATIVE;
    if (c->kind == MRV_Y_SEQ) {
        if (c->n != 2 ||
            !mrv__get_number(c->vals[0], "the range's low end", &mp->range_lo,
                             m->d) ||
            !mrv__get_number(c->vals[1], "the range's high end", &mp->range_hi,
                             m->d) ||
            !(mp->range_lo < mp->range_hi)) {
            if (!mrv_diag_error_count(m->d) || c->n != 2 ||
                mp->range_lo >= mp->range_hi)
                mrv_error(m->d, c->pos, MRV_ESCHEMA,
                          "a conservative range is [LOW, HIGH] with LOW "
                          "below HIGH, in the column's unit");
            return false;
        }
        mp->range = MRV_RANGE_GIVEN;
        return true;
    }
    static const char *const ranges[] = {"records", "bounds"};
    int k;
    if (!mrv__get_enum(c, "the conservative range", ranges, 2, &k, m->d))
        return false;
    mp->range = k == 0 ? MRV_RANGE_RECORDS : MRV_RANGE_BOUNDS;
    const mrv_param *p = &m->b->meth->params[mp->param];
    if (k == 1 && (!p->has_bounds || !isfinite(p->lo) || !isfinite(p->hi))) {
        mrv_error(m->d, c->pos, MRV_ESCHEMA,
                  "'%s' has no finite bounds in its methodology to choose a "
                  "conservative value from; give the range as [LOW, HIGH]",
                  p->name);
        return false;
    }
    return true;
}

static bool spec_time(mrv__mon *m, mrv_monparam *mp, const mrv_ynode *n)
{
    const mrv_ynode *date = mrv_ymap_get(n, "date"),
                    *year = mrv_ymap_get(n, "year"),
                    *active = mrv_ymap_get(n, "active");
    int given = !!date + !!year + !!active;
    if (given > 1) {
        mrv_error(m->d, n->pos, MRV_ESCHEMA,
                  "give one of 'date', 'year' and 'active', not %d", given);
        return false;
    }
    if (date) {
        mp->timing = MRV_TIME_DATE;
        return mrv__get_string(date, "'date'", &mp->time_col[0], m->d);
    }
    if (year) {
        mp->timing = MRV_TIME_YEAR;
        return mrv__get_string(year, "'year'", &mp->time_col[0], m->d);
    }
    if (active) {
        mp->timing = MRV_TIME_ACTIVE;
        return mrv__check_keys(active, "'active'", active_keys, 2, m->d) &&
               mrv__get_string(mrv_ymap_get(active, "from"), "'from'",
                               &mp->time_col[0], m->d) &&
               mrv__get_string(mrv_ymap_get(active, "to"), "'to'",
                               &mp->time_col[1], m->d);
    }
    return true;
}

static bool pread_begin(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
static bool pread_row(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
static bool pread_end(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f);
static void pread_drop(mrv__reader *rd);

static bool csv_param(mrv__mon *m, size_t pi, const mrv_ynode *n)
{
    const mrv_param *p = &m->b->meth->params[pi];
    mrv_diag *d = m->d;
    char what[128];
    snprintf(what, sizeof what, "the data of '%s'", p->name);
    if (!mrv__check_keys(n, what, csv_keys, sizeof csv_keys / sizeof *csv_keys,
                         d))
        return false;
    mrv_monparam *mp = mrv_arena_alloc(m->a, sizeof *mp);
    pread *pr = calloc(1, sizeof *pr);
    mrv__reader *rd = calloc(1, sizeof *rd);
    if (!mp || !pr || !rd) {
        free(pr);
        free(rd);
        return nomem(m, n->pos);
    }
    mp->param = (int)pi;
    mp->name = p->name;
    mp->node = n;
    pr->mp = mp;
    pr->p = p;
    mrv_vec_init(&pr->rows, sizeof(mrv_mrow));
    rd->self = pr;
    rd->begin = pread_begin;
    rd->row = pread_row;
    rd->end = pread_end;
    rd->drop = pread_drop;
    const char *s;
    bool ok = mrv__get_string(mrv_ymap_get(n, "csv"), "'csv'", &s, d);
    const mrv_ynode *v = mrv_ymap_get(n, "value"), *u = mrv_ymap_get(n, "unit");
    if (v) ok = mrv__get_string(v, "'value'", &mp->value_col, d) && ok;
    if (v && !u) {
        mrv_error(d, v->pos, MRV_ESCHEMA,
                  "give the unit of column '%s' with 'unit' (the "
                  "parameter is in '%s')",
                  v->text, p->unit_text);
        ok = false;
    } else if (u && !v) {
        mrv_error(d, u->pos, MRV_ESCHEMA,
                  "'unit' is the unit of the 'value' column, and there is "
                  "none: without 'value' each row counts 1");
        ok = false;
    } else if (u) {
        ok = mrv__mon_unit(m, u, p, &mp->unit, &mp->unit_text) && ok;
    } else {
        mrv_unit one;
        size_t off;
        const char *why;
        mrv_unit_parse("1", &one, &off, &why);
        mp->unit = one;
        mp->unit_text = "1";
        if (!mrv_unit_same_dim(one, p->unit)) {
            mrv_error(d, n->pos, MRV_ESCHEMA,
                      "without 'value' each row counts 1, but '%s' is in "
                      "'%s': name the column with the values",
                      p->name, p->unit_text);
            ok = false;
        }
    }
    ok = spec_time(m, mp, n) && ok;
    bool over_v = false;
    for (size_t i = 0; i < p->nover; i++)
        over_v |= p->over[i] == MRV_AXIS_VINTAGE;
    if (over_v && mp->timing == MRV_TIME_NONE && ok) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "'%s' is over vintage: name the column that dates each row "
                  "('date' or 'year', or 'active: {from, to}')",
                  p->name);
        ok = false;
    }
    const mrv_ynode *x;
    if ((x = mrv_ymap_get(n, "frequency"))) {
        static const char *const f[] = {"month", "day"};
        int k;
        if (!mrv__get_enum(x, "'frequency'", f, 2, &k, d))
            ok = false;
        else
            mp->frequency = k == 0 ? MRV_FREQ_MONTH : MRV_FREQ_DAY;
        if (mp->timing != MRV_TIME_DATE) {
            mrv_error(d, x->pos, MRV_ESCHEMA,
                      "'frequency' needs a 'date' column: it says how often "
                      "a dated row is due");
            ok = false;
        }
    }
    ok = mrv__mon_members_spec(m, p, mrv_ymap_get(n, "members"), &mp->nmem,
                               mp->mem_dim, mp->mem_col) &&
         ok;
    if ((x = mrv_ymap_get(n, "aggregate"))) {
        int k;
        if (mrv__get_enum(x, "'aggregate'", mrv_agg_names + 1, 6, &k, d))
            mp->agg = (mrv_agg)(k + 1);
        else
            ok = false;
    }
    if (mp->timing == MRV_TIME_ACTIVE && mp->agg != MRV_AGG_SUM) {
        mrv_error(d, x ? x->pos : n->pos, MRV_ESCHEMA,
                  "rows active from one date to another add up over their "
                  "days: 'aggregate: sum'");
        ok = false;
    }
    if (mp->agg == MRV_AGG_COUNT && v) {
        mrv_error(d, x->pos, MRV_ESCHEMA,
                  "'aggregate: count' counts rows; leave out 'value' and "
                  "'unit'");
        ok = false;
    }
    if ((x = mrv_ymap_get(n, "cumulative")) &&
        mrv__get_bool(x, "'cumulative'", &mp->cumulative, d) &&
        mp->cumulative &&
        (mp->agg != MRV_AGG_LAST || mp->timing != MRV_TIME_DATE)) {
        mrv_error(d, x->pos, MRV_ESCHEMA,
                  "a cumulative counter is read with 'aggregate: last' and a "
                  "'date' column: the latest reading of each vintage");
        ok = false;
    }
    if ((x = mrv_ymap_get(n, "outside"))) {
        static const char *const o[] = {"error", "ignore"};
        int k;
        if (mrv__get_enum(x, "'outside'", o, 2, &k, d))
            pr->ignore_outside = k == 1;
        else
            ok = false;
        pr->outside_node = x;
    }
    if ((x = mrv_ymap_get(n, "rejected"))) {
        const mrv_ynode *vals = mrv_ymap_get(x, "values");
        if (!mrv__check_keys(x, "'rejected'", rejected_keys, 2, d) ||
            !mrv__get_string(mrv_ymap_get(x, "column"), "'column'", &s, d) ||
            !mrv__expect_seq(vals, "'values'", d)) {
            ok = false;
        } else {
            pr->rej = mrv_arena_array(m->a, vals->n + 1, sizeof *pr->rej);
            if (!pr->rej) ok = nomem(m, x->pos);
            for (size_t i = 0; ok && i < vals->n; i++)
                ok = mrv__get_string(vals->vals[i], "a value", &pr->rej[i], d);
            pr->nrej = vals->n;
        }
    }
    if ((x = mrv_ymap_get(n, "missing"))) ok = read_missing(m, mp, x) && ok;
    if ((x = mrv_ymap_get(n, "absent"))) {
        ok = mrv__get_number(x, "'absent'", &mp->absent, d) && ok;
        mp->has_absent = true;
    }
    if (ok) ok = fill_values_ok(m, mp);
    mp->absent = mrv_unit_to_internal(mp->absent, mp->unit, m->b->year_days);
    mp->amount = (mp->agg == MRV_AGG_SUM || mp->agg == MRV_AGG_COUNT) &&
                 mp->timing != MRV_TIME_NONE;
    if (ok) ok = mrv__mon_add_reader(m, rd, mrv_ymap_get(n, "csv"));
    if (!ok) {
        free(pr);
        free(rd);
        return false;
    }
    if (!mrv_vec_push(&m->params, &mp)) return nomem(m, n->pos);
    return true;
}

bool mrv__mon_param(mrv__mon *m, size_t pi, const mrv_ynode *n)
{
    if (mrv_ymap_get(n, "survey")) return mrv__mon_survey(m, pi, n);
    return csv_param(m, pi, n);
}

/* ---- parameters from a data file: the rows ----------------------------- */

static bool need_col(mrv__mon *m, mrv_csvsrc *r, const char *col,
                     const mrv_ynode *spec, const char *key, int *out)
{
    *out = mrv_csvsrc_column(r, col);
    if (*out >= 0) return true;
    const mrv_ynode *at = mrv_ymap_get(spec, key);
    char cols[200];
    size_t o = 0;
    cols[0] = '\0';
    for (size_t i = 0; i < mrv_csvsrc_ncols(r) && o + 2 < sizeof cols; i++)
        o += (size_t)snprintf(cols + o, sizeof cols - o, "%s%s", i ? ", " : "",
                              mrv_csvsrc_header(r, i)->text);
    mrv_error(m->d, at ? at->pos : spec->pos, MRV_EREF,
              "data file '%s' has no column '%s' (it has %s)",
              mrv_ymap_get(spec, "csv")->text, col, cols);
    return false;
}

static bool pread_begin(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    pread *pr = rd->self;
    mrv_monparam *mp = pr->mp;
    const mrv_ynode *n = mp->node;
    bool ok = true;
    pr->cval = pr->ctime[0] = pr->ctime[1] = pr->crej = -1;
    if (mp->value_col)
        ok = need_col(m, r, mp->value_col, n, "value", &pr->cval) && ok;
    static const char *const keys[] = {NULL, "date", "year", "active"};
    for (int k = 0; k < 2; k++)
        if (mp->time_col[k])
            ok = need_col(m, r, mp->time_col[k], n, keys[mp->timing],
                          &pr->ctime[k]) &&
                 ok;
    for (size_t k = 0; k < mp->nmem; k++)
        ok = need_col(m, r, mp->mem_col[k], n, "members", &pr->cmem[k]) && ok;
    if (pr->rej)
        ok = need_col(m, r,
                      mrv_ymap_get(mrv_ymap_get(n, "rejected"), "column")->text,
                      n, "rejected", &pr->crej) &&
             ok;
    return ok;
}

/* Whether day 'x' lies in the days the run covers. */
static bool in_cover(const mrv_mondata *md, int32_t x)
{
    for (size_t i = 0; i < md->ncover; i++)
        if (x >= md->cover_from[i] && x <= md->cover_to[i]) return true;
    return false;
}

/* Whether any covered day falls in year 'y'. */
static bool year_covered(const mrv_mondata *md, int y)
{
    mrv_date a = {y, 1, 1}, z = {y, 12, 31};
    int32_t lo = mrv_date_ordinal(a), hi = mrv_date_ordinal(z);
    for (size_t i = 0; i < md->ncover; i++)
        if (md->cover_from[i] <= hi && md->cover_to[i] >= lo) return true;
    return false;
}

/* What the covered days are, for a message. */
static const char *cover_text(const mrv__mon *m, char *buf, size_t n)
{
    const mrv_mondata *md = m->md;
    if (!md->nperiods) {
        mrv_date a = mrv_date_from_ordinal(md->cover_from[0]),
                 z = mrv_date_from_ordinal(md->cover_to[0]);
        snprintf(buf, n,
                 "the crediting period (%04d-%02d-%02d to %04d-%02d-%02d)", a.y,
                 a.m, a.d, z.y, z.m, z.d);
        return buf;
    }
    size_t o = (size_t)snprintf(buf, n, "the monitoring period%s ",
                                md->nperiods > 1 ? "s" : "");
    for (size_t i = 0; i < md->nperiods && o + 40 < n; i++) {
        const mrv_period *p = &md->periods[i];
        o += (size_t)snprintf(buf + o, n - o,
                              "%s%s (%04d-%02d-%02d to %04d-%02d-%02d)",
                              i ? ", " : "", p->id, p->start.y, p->start.m,
                              p->start.d, p->end.y, p->end.m, p->end.d);
    }
    return buf;
}

static bool read_day(mrv__mon *m, const mrv_csvfield *f, const char *col,
                     int32_t *out)
{
    mrv_date dt;
    if (mrv_date_parse(f->text, f->len, &dt)) {
        *out = mrv_date_ordinal(dt);
        return true;
    }
    mrv_error(m->d, f->pos, MRV_ESCHEMA,
              "column '%s': '%s' is not a date written YYYY-MM-DD (a day of "
              "the calendar, years %d to %d)",
              col, f->text, MRV_YEAR_MIN, MRV_YEAR_MAX);
    return false;
}

static bool pread_row(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r)
{
    pread *pr = rd->self;
    mrv_monparam *mp = pr->mp;
    const mrv_param *p = pr->p;
    mrv_mrow row;
    memset(&row, 0, sizeof row);
    row.line = mrv_csvsrc_line(r);
    row.kind = MRV_ROW_VALUE;
    for (size_t k = 0; k < mp->nmem; k++) {
        long i = mrv__mon_member(m, mp->mem_dim[k],
                                 mrv_csvsrc_field(r, (size_t)pr->cmem[k]));
        if (i < 0) return false;
        row.mem[k] = (uint32_t)i;
    }
    const mrv_csvfield *tf =
        pr->ctime[0] >= 0 ? mrv_csvsrc_field(r, (size_t)pr->ctime[0]) : NULL;
    row.col_key = tf         ? tf->pos.col
                  : mp->nmem ? mrv_csvsrc_field(r, (size_t)pr->cmem[0])->pos.col
                             : 1;
    char cov[400];
    switch (mp->timing) {
    case MRV_TIME_NONE:
        break;
    case MRV_TIME_DATE:
        if (!read_day(m, tf, mp->time_col[0], &row.day)) return false;
        row.day2 = row.day;
        if (!in_cover(m->md, row.day)) {
            if (pr->ignore_outside) return true;
            mrv_error(m->d, tf->pos, MRV_EDOMAIN,
                      "'%s' is dated %s, outside %s; remove the row, or "
                      "declare 'outside: ignore' for '%s'",
                      mp->name, tf->text, cover_text(m, cov, sizeof cov),
                      mp->name);
            return false;
        }
        break;
    case MRV_TIME_YEAR: {
        double y;
        if (!mrv__mon_number(m, tf, mp->time_col[0], &y)) return false;
        if (y != floor(y) || y < MRV_YEAR_MIN || y > MRV_YEAR_MAX) {
            mrv_error(m->d, tf->pos, MRV_ESCHEMA,
                      "column '%s': '%s' is not a year (%d to %d)",
                      mp->time_col[0], tf->text, MRV_YEAR_MIN, MRV_YEAR_MAX);
            return false;
        }
        row.day = row.day2 = (int32_t)y;
        if (!year_covered(m->md, (int)y)) {
            if (pr->ignore_outside) return true;
            mrv_error(m->d, tf->pos, MRV_EDOMAIN,
                      "'%s' is for %s, a year outside %s; remove the row, or "
                      "declare 'outside: ignore' for '%s'",
                      mp->name, tf->text, cover_text(m, cov, sizeof cov),
                      mp->name);
            return false;
        }
        break;
    }
    case MRV_TIME_ACTIVE: {
        if (!read_day(m, tf, mp->time_col[0], &row.day)) return false;
        const mrv_csvfield *t2 = mrv_csvsrc_field(r, (size_t)pr->ctime[1]);
        row.day2 = INT32_MAX;
        if (t2->len && !read_day(m, t2, mp->time_col[1], &row.day2))
            return false;
        if (row.day2 < row.day) {
            mrv_error(m->d, t2->pos, MRV_EDOMAIN,
                      "'%s' ends (%s) before it starts (%s)", mp->time_col[1],
                      t2->text, tf->text);
            return false;
        }
        break;
    }
    }
    if (pr->crej >= 0) {
        const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)pr->crej);
        for (size_t i = 0; i < pr->nrej; i++)
            if (strcmp(f->text, pr->rej[i]) == 0) row.kind = MRV_ROW_REJECTED;
    }
    if (pr->cval >= 0) {
        const mrv_csvfield *f = mrv_csvsrc_field(r, (size_t)pr->cval);
        row.col_val = f->pos.col;
        if (row.kind == MRV_ROW_REJECTED) {
            /* Kept for the data-quality table; never read as a number. */
        } else if (f->len == 0) {
            row.kind = MRV_ROW_EMPTY;
            if (mp->timing == MRV_TIME_ACTIVE) {
                mrv_error(m->d, f->pos, MRV_ESCHEMA,
                          "column '%s' is empty: a row active over days "
                          "needs its value",
                          mp->value_col);
                return false;
            }
        } else {
            double x;
            if (!mrv__mon_quantity(m, f, mp->value_col, mp->unit, mp->unit_text,
                                   &row.value, &x))
                return false;
            if (outside_bounds(m, p, x)) {
                mrv_error(m->d, f->pos, MRV_EDOMAIN,
                          "column '%s': %s %s is outside the bounds of '%s' "
                          "[%g, %g] %s",
                          mp->value_col, f->text, mp->unit_text, p->name, p->lo,
                          p->hi, p->unit_text);
                return false;
            }
        }
    } else {
        row.value = 1;
        row.col_val = row.col_key;
    }
    if (!mrv_vec_push(&pr->rows, &row))
        return nomem(m, tf ? tf->pos : rd->path_node->pos);
    return true;
}

/* Members, then day, then line.  Members past the parameter's are 0 in
** every row, so comparing all of them sorts the same. */
static int row_cmp(const void *x, const void *y)
{
    const mrv_mrow *a = x, *b = y;
    for (int k = 0; k < MRV_MAX_AXES; k++)
        if (a->mem[k] != b->mem[k]) return a->mem[k] < b->mem[k] ? -1 : 1;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* The key of a row's slot for the duplicate rule: the day's month or
** the day with a frequency; the vintage (or the year) without one; one
** key for every row of rows without a time or of a parameter without a
** vintage (which take one value each). */
static int64_t slot_key(const mrv_monparam *mp, const mrv_param *p,
                        const mrv_mrow *r)
{
    if (mp->frequency == MRV_FREQ_DAY) return r->day;
    if (mp->frequency == MRV_FREQ_MONTH) {
        mrv_date dt = mrv_date_from_ordinal(r->day);
        return (int64_t)dt.y * 12 + dt.m;
    }
    bool over_v = false;
    for (size_t i = 0; i < p->nover; i++)
        over_v |= p->over[i] == MRV_AXIS_VINTAGE;
    if (!over_v || mp->timing == MRV_TIME_NONE) return 0;
    if (mp->timing == MRV_TIME_YEAR) return r->day;
    return mrv_date_from_ordinal(r->day).y;
}

/* The rules on rows of one set of members, in date order: one row per
** slot (with a frequency, or without an aggregate), one per day for
** 'last', and a cumulative counter that never falls.  The error is at
** the second occurrence in the file. */
static bool check_group(mrv__mon *m, const pread *pr, const mrv_mrow *g,
                        size_t n, const char *path)
{
    const mrv_monparam *mp = pr->mp;
    bool unique = mp->frequency || mp->agg == MRV_AGG_NONE;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int64_t key = slot_key(mp, pr->p, &g[i]);
        while (j < n && slot_key(mp, pr->p, &g[j]) == key) j++;
        /* rows [i, j) share a slot; [i, k) a day */
        for (size_t s = i; s < j;) {
            size_t k = s + 1;
            while (k < j && g[k].day == g[s].day) k++;
            bool dup =
                (unique && j - i > 1) || (mp->agg == MRV_AGG_LAST && k - s > 1);
            if (dup) {
                size_t lo = unique && j - i > 1 ? i : s,
                       hi = unique && j - i > 1 ? j : k;
                /* the first and second lines in file order */
                uint32_t l1 = UINT32_MAX, l2 = UINT32_MAX, c2 = 1;
                for (size_t t = lo; t < hi; t++) {
                    if (g[t].line < l1) {
                        l2 = l1;
                        l1 = g[t].line;
                    } else if (g[t].line < l2) {
                        l2 = g[t].line;
                    }
                }
                for (size_t t = lo; t < hi; t++)
                    if (g[t].line == l2) c2 = g[t].col_key;
                mrv_srcpos at = {path, l2, c2};
                const char *why =
                    mp->frequency == MRV_FREQ_MONTH
                        ? "a second row for its month"
                    : mp->frequency == MRV_FREQ_DAY ? "a second row for its day"
                    : mp->agg == MRV_AGG_LAST && !(unique && j - i > 1)
                        ? "a second reading on the same day, so 'last' is "
                          "not one row"
                        : "a second row for the same value; declare "
                          "'aggregate' to combine them";
                mrv_error(m->d, at, MRV_ESCHEMA,
                          "'%s': %s (the first is at line %u)", mp->name, why,
                          l1);
                return false;
            }
            s = k;
        }
        i = j;
    }
    if (!mp->cumulative) return true;
    const mrv_mrow *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        if (g[i].kind != MRV_ROW_VALUE) continue;
        if (prev && g[i].value < prev->value) {
            mrv_srcpos at = {path, g[i].line, g[i].col_val};
            mrv_error(m->d, at, MRV_EDOMAIN,
                      "'%s' is a cumulative counter, and this reading (%.17g) "
                      "is below the one before it (%.17g, line %u): a counter "
                      "never falls",
                      mp->name, g[i].value, prev->value, prev->line);
            return false;
        }
        prev = &g[i];
    }
    return true;
}

static void pread_drop(mrv__reader *rd)
{
    mrv_vec_free(&((pread *)rd->self)->rows);
}

static bool pread_end(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f)
{
    pread *pr = rd->self;
    mrv_monparam *mp = pr->mp;
    mp->file = f;
    /* Not an error: an empty log of events can mean none happened.  But
    ** a file cut short reads the same, and its values (a count of 0, no
    ** downtime, every reading a gap) can raise reductions. */
    if (f->rows == 0)
        mrv_warning(m->d, rd->path_node->pos,
                    "data file '%s' has no rows after its header: every "
                    "value of '%s' comes from its rules for readings that "
                    "are absent or missing",
                    rd->path_node->text, mp->name);
    size_t n = pr->rows.n;
    mrv_mrow *rows = pr->rows.data;
    if (n) qsort(rows, n, sizeof *rows, row_cmp);
    bool ok = true;
    for (size_t i = 0; i < n && ok;) {
        size_t j = i + 1;
        while (j < n && memcmp(rows[j].mem, rows[i].mem,
                               mp->nmem * sizeof *rows->mem) == 0)
            j++;
        ok = check_group(m, pr, rows + i, j - i, f->path);
        i = j;
    }
    mp->nrows = n;
    mp->rows = n ? mrv_arena_memdup(m->a, rows, n * sizeof *rows) : NULL;
    mrv_vec_free(&pr->rows);
    if (n && !mp->rows) return nomem(m, rd->path_node->pos);
    return ok;
}

bool mrv__mon_bind(mrv__mon *m)
{
    size_t ndims = 0; /* the dimension readers came first and are done */
    for (size_t i = 0; i < m->b->project->ndims; i++)
        ndims += m->b->project->dims[i].csv != NULL;
    bool ok = read_all(m, ndims, m->readers.n);
    /* A reader that stopped early frees its rows here. */
    for (size_t i = ndims; i < m->readers.n; i++) {
        mrv__reader *rd = MRV_VEC_AT(&m->readers, mrv__reader *, i);
        if (rd->drop) rd->drop(rd);
    }
    if (!freeze_files(m)) return nomem(m, m->b->project->doc->root->pos);
    m->md->nparams = m->params.n;
    mrv_monparam *ps = mrv_arena_array(m->a, m->params.n + 1, sizeof *ps);
    if (!ps) return nomem(m, m->b->project->doc->root->pos);
    for (size_t i = 0; i < m->params.n; i++)
        ps[i] = *MRV_VEC_AT(&m->params, mrv_monparam *, i);
    m->md->params = ps;
    if (!ok || m->failed) return false;
    /* The data files' records were copied: point at the copies. */
    for (size_t i = 0; i < m->params.n; i++)
        ps[i].file = &m->md->files[ps[i].file - m->files];
    ok = mrv__mon_cells(m);
    ok = mrv__mon_surveys_bind(m) && ok;
    return ok && !m->failed;
}
