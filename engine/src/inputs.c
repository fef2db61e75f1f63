/*
** inputs.c -- every parameter as written, with its source (inputs.h).
**
** The value a run used is found where resolve found it: the project's
** entry for the parameter, else the methodology's default.  Its YAML node
** is summarised, not re-read: a series of 27 years shows as its span and
** its ends, a member map as its first members, so one row stays one line
** however large the input.  Factor references are recognised by the
** entries the run used (b->factors_used), which carry their sources.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"
#include "strmap.h"

/* Summaries longer than this are cut at a character boundary with an
** ellipsis: a table cell, not a dump of the file. */
#define SUMMARY_MAX 160
/* Members or factor sources named before "..." */
#define SHOW_MAX 3

static bool is_year(const mrv_ynode *k)
{
    return k && k->kind == MRV_Y_SCALAR && k->len == 4 &&
           strspn(k->text, "0123456789") == 4;
}

/* Scalar text, cut to 'max' bytes at a UTF-8 boundary. */
static void put_text(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fputs(s, f);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    fprintf(f, "%.*s...", (int)max, s);
}

/* One line for a value node: scalars as written, a wrapper by its value,
** a series by its span and ends, a member map by its first members. */
static void summarise(FILE *f, const mrv_ynode *n, int depth)
{
    if (!n) {
        fputs("(none)", f);
        return;
    }
    if (n->kind == MRV_Y_SCALAR) {
        put_text(f, n->text, 60);
        return;
    }
    if (n->kind == MRV_Y_SEQ) {
        fprintf(f, "[%zu items]", n->n);
        return;
    }
    const mrv_ynode *v = mrv_ymap_get(n, "value");
    if (v) {
        summarise(f, v, depth);
        return;
    }
    if (n->n == 0) {
        fputs("{}", f);
        return;
    }
    if (depth >= 3) {
        fprintf(f, "{%zu entries}", n->n);
        return;
    }
    if (is_year(n->keys[0]) && n->n > 2) {
        fprintf(f, "%zu years, %s: ", n->n, n->keys[0]->text);
        summarise(f, n->vals[0], depth + 1);
        fprintf(f, " ... %s: ", n->keys[n->n - 1]->text);
        summarise(f, n->vals[n->n - 1], depth + 1);
        return;
    }
    fputc('{', f);
    for (size_t i = 0; i < n->n && i < SHOW_MAX; i++) {
        fprintf(f, "%s%s: ", i ? ", " : "", n->keys[i]->text);
        summarise(f, n->vals[i], depth + 1);
    }
    if (n->n > SHOW_MAX) fprintf(f, ", ... (%zu)", n->n);
    fputc('}', f);
}

/* An uncertainty as written: "10%", or "triangular min 0.8 max 1.1
** relative". */
static void put_uncertainty(FILE *f, const mrv_ynode *u)
{
    if (u->kind == MRV_Y_SCALAR) {
        put_text(f, u->text, 40);
        return;
    }
    if (u->kind != MRV_Y_MAP) return;
    const mrv_ynode *dist = mrv_ymap_get(u, "dist");
    if (dist && dist->kind == MRV_Y_SCALAR) put_text(f, dist->text, 20);
    for (size_t i = 0; i < u->n; i++) {
        const char *k = u->keys[i]->text;
        if (strcmp(k, "dist") == 0 || u->vals[i]->kind != MRV_Y_SCALAR)
            continue;
        if (strcmp(k, "relative") == 0) {
            if (strcmp(u->vals[i]->text, "true") == 0) fputs(" relative", f);
            continue;
        }
        fprintf(f, " %s ", k);
        put_text(f, u->vals[i]->text, 20);
    }
}

/* The bound being listed, and the ids of the factor entries it used,
** key i that of b->factors_used[i] (a member map may refer to an entry
** per member: one lookup each, not a scan). */
typedef struct ictx {
    const mrv_bound *b;
    mrv__strmap used;
} ictx;

static const mrv_factor *factor_of(const ictx *x, const mrv_ynode *n)
{
    if (!n || n->kind != MRV_Y_SCALAR || !strchr(n->text, '/')) return NULL;
    size_t i = mrv__strmap_get(&x->used, n->text);
    return i == SIZE_MAX ? NULL : x->b->factors_used[i];
}

/* The distinct sources of the factor entries referred to under 'n', and
** the sources and assumptions of wrappers nested in it (a member map of
** wrappers, {commuter: {value: 7300, assumption: ...}, ...}). */
typedef struct fsources {
    size_t n, more;
    const char *src[SHOW_MAX];
    const mrv_factor *first; /* the first entry met, for its unit */
    bool uncertain;          /* some entry carries an uncertainty */
    size_t nasm, moreasm;
    const char *asm_key[SHOW_MAX]; /* the member or year it is under */
    const char *asm_text[SHOW_MAX];
} fsources;

static void add_text(const char **list, size_t *n, size_t *more, const char *s);

static void add_source(fsources *fs, const mrv_factor *fc)
{
    if (fc && fc->uncert_node) fs->uncertain = true;
    if (!fc || !fc->source) return;
    if (!fs->first) fs->first = fc;
    add_text(fs->src, &fs->n, &fs->more, fc->source);
}

static void add_text(const char **list, size_t *n, size_t *more, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], s) == 0) return;
    if (*n < SHOW_MAX)
        list[(*n)++] = s;
    else
        (*more)++;
}

static const char *scalar_text(const mrv_ynode *n)
{
    return n && n->kind == MRV_Y_SCALAR ? n->text : NULL;
}

static void collect(const ictx *x, const mrv_ynode *n, fsources *fs,
                    const char *key)
{
    const mrv_bound *b = x->b;
    if (!n) return;
    if (n->kind == MRV_Y_MAP && mrv_ymap_get(n, "value")) {
        /* A wrapper inside the value: its own source and assumption. */
        const char *src = scalar_text(mrv_ymap_get(n, "source"));
        const char *as = scalar_text(mrv_ymap_get(n, "assumption"));
        if (src) add_text(fs->src, &fs->n, &fs->more, src);
        if (as && fs->nasm < SHOW_MAX) {
            fs->asm_key[fs->nasm] = key;
            fs->asm_text[fs->nasm++] = as;
        } else if (as) {
            fs->moreasm++;
        }
    }
    if (n->kind == MRV_Y_SCALAR) {
        /* A member-keyed reference (TABLE/k.dry.{waste}) stands for the
        ** entries its text leads up to the placeholder. */
        const char *brace = strchr(n->text, '{');
        if (brace && strchr(n->text, '/')) {
            size_t k = (size_t)(brace - n->text);
            for (size_t i = 0; i < b->nfactors_used; i++)
                if (strncmp(b->factors_used[i]->id, n->text, k) == 0)
                    add_source(fs, b->factors_used[i]);
            return;
        }
        add_source(fs, factor_of(x, n));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        /* A wrapper's own source and note are not values. */
        if (n->keys && (strcmp(n->keys[i]->text, "uncertainty") == 0 ||
                        strcmp(n->keys[i]->text, "source") == 0 ||
                        strcmp(n->keys[i]->text, "note") == 0 ||
                        strcmp(n->keys[i]->text, "assumption") == 0))
            continue;
        collect(x, n->vals[i], fs, n->keys ? n->keys[i]->text : key);
    }
}

/* Text written to a memory stream, or NULL (no memory). */
typedef struct mtext {
    char *buf;
    size_t len;
    FILE *f;
} mtext;

static bool mt_open(mtext *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f != NULL;
}

static char *mt_close(mtext *t)
{
    if (fclose(t->f) != 0) {
        free(t->buf);
        return NULL;
    }
    if (t->len > SUMMARY_MAX) {
        size_t k = SUMMARY_MAX;
        while (k > 0 && ((unsigned char)t->buf[k] & 0xC0) == 0x80) k--;
        memcpy(t->buf + k, "...", 4);
    }
    return t->buf;
}

/* A value read from a data file or estimated from a sample
** (docs/monitoring.md): sourced by the file it was measured in. */
static bool monitored_row(const mrv_bound *b, size_t i, mrv_input_row *r)
{
    const mrv_mondata *md = b->mon;
    const mrv_param *p = &b->meth->params[i];
    const char *path = "?", *how = "", *col = "";
    const mrv_ynode *at = NULL;
    for (size_t k = 0; md && k < md->nparams; k++) {
        const mrv_monparam *mp = &md->params[k];
        if ((size_t)mp->param != i) continue;
        path = mp->file->path;
        how = mrv_agg_names[mp->agg];
        col = mp->value_col ? mp->value_col : "each row counts 1";
        at = mp->node;
        r->unit = mp->unit_text;
    }
    for (size_t k = 0; md && k < md->nsurveys; k++) {
        const mrv_survey *sv = &md->surveys[k];
        if ((size_t)sv->param != i) continue;
        path = sv->file->path;
        how = "survey";
        col = sv->value_col ? sv->value_col : b->meth->eqs[sv->equation].name;
        at = sv->node;
        r->unit = p->unit_text;
    }
    r->pos = at ? at->pos : p->pos;
    mtext t;
    if (!mt_open(&t)) return false;
    fprintf(t.f, "data file %s (%s, %s)", path, col, how);
    if (!(r->value = mt_close(&t))) return false;
    if (!mt_open(&t)) return false;
    if (!(r->uncertainty = mt_close(&t))) return false;
    if (!mt_open(&t)) return false;
    fprintf(t.f, "monitored: %s", path);
    if (!(r->source = mt_close(&t))) return false;
    r->assumed = false;
    return true;
}

static bool fill_row(const ictx *x, size_t i, mrv_input_row *r)
{
    const mrv_bound *b = x->b;
    const mrv_methodology *m = b->meth;
    const mrv_param *p = &m->params[i];
    r->name = p->name;
    r->origin = b->value_origin ? b->value_origin[i] : "project";
    if (strcmp(r->origin, "data") == 0 || strcmp(r->origin, "survey") == 0)
        return monitored_row(b, i, r);
    bool from_project = strcmp(r->origin, "project") == 0;
    const mrv_ynode *n = from_project
                             ? mrv_ymap_get(b->project->params, p->name)
                             : p->default_node;
    const mrv_ynode *wrap =
        n && n->kind == MRV_Y_MAP && mrv_ymap_get(n, "value") ? n : NULL;
    const mrv_ynode *val = wrap ? mrv_ymap_get(wrap, "value") : n;
    r->pos = n ? n->pos : p->pos;
    const mrv_factor *fc = factor_of(x, val);
    r->unit = scalar_text(wrap ? mrv_ymap_get(wrap, "unit") : NULL);
    if (!r->unit) r->unit = fc ? fc->unit_text : p->unit_text;
    const char *own_asm =
        scalar_text(wrap ? mrv_ymap_get(wrap, "assumption") : NULL);

    mtext t;
    if (!mt_open(&t)) return false;
    summarise(t.f, n, 0);
    if (!(r->value = mt_close(&t))) return false;

    const mrv_ynode *u = wrap ? mrv_ymap_get(wrap, "uncertainty") : NULL;
    if (!u && fc) u = fc->uncert_node;
    fsources fs = {0, 0, {NULL}, NULL, false, 0, 0, {NULL}, {NULL}};
    collect(x, val, &fs, NULL);
    if (!mt_open(&t)) return false;
    if (u)
        put_uncertainty(t.f, u);
    else if (fs.uncertain)
        fputs("each factor entry's own", t.f);
    const char *vary = scalar_text(wrap ? mrv_ymap_get(wrap, "vary") : NULL);
    if (u && vary) fprintf(t.f, ", vary: %s", vary);
    if (!(r->uncertainty = mt_close(&t))) return false;

    const char *own = scalar_text(wrap ? mrv_ymap_get(wrap, "source") : NULL);
    if (!own && !from_project && m->doc && m->doc->root) {
        const mrv_ynode *decl =
            mrv_ymap_get(mrv_ymap_get(m->doc->root, "parameters"), p->name);
        own = scalar_text(mrv_ymap_get(decl, "source"));
    }
    if (own) fs.n = fs.more = 0;
    if (own || fs.n) {
        if (!mt_open(&t)) return false;
        if (own) put_text(t.f, own, SUMMARY_MAX);
        for (size_t k = 0; k < fs.n; k++) {
            if (k) fputs("; ", t.f);
            put_text(t.f, fs.src[k], SUMMARY_MAX);
        }
        if (fs.more) fprintf(t.f, "; and %zu more", fs.more);
        if (!(r->source = mt_close(&t))) return false;
    }
    /* The assumption: the wrapper's, else those of the wrappers inside
    ** it, each after the member or year it is written under. */
    if (own_asm || fs.nasm) {
        if (!mt_open(&t)) return false;
        if (own_asm) put_text(t.f, own_asm, SUMMARY_MAX);
        for (size_t k = 0; !own_asm && k < fs.nasm; k++) {
            fprintf(t.f, "%s%s%s", k ? "; " : "",
                    fs.asm_key[k] ? fs.asm_key[k] : "",
                    fs.asm_key[k] ? ": " : "");
            put_text(t.f, fs.asm_text[k], SUMMARY_MAX);
        }
        if (!own_asm && fs.moreasm) fprintf(t.f, "; and %zu more", fs.moreasm);
        if (!(r->assumption = mt_close(&t))) return false;
    }
    r->assumed = r->assumption != NULL || r->source == NULL;
    return true;
}

void mrv_inputs_free(mrv_inputs *in)
{
    if (!in) return;
    for (size_t i = 0; i < in->n; i++) {
        free(in->rows[i].value);
        free(in->rows[i].uncertainty);
        free(in->rows[i].source);
        free(in->rows[i].assumption);
    }
    free(in->rows);
    in->rows = NULL;
    in->n = 0;
}

mrv_status mrv_inputs_list(const mrv_bound *b, mrv_inputs *out)
{
    out->n = 0;
    ictx x = {b, {0}};
    /* The run's entries are distinct (resolve keeps each once), so the
    ** id of b->factors_used[i] gets index i. */
    for (size_t i = 0; i < b->nfactors_used; i++)
        mrv__strmap_add(&x.used, b->factors_used[i]->id);
    bool ok = !x.used.failed;
    out->rows = ok ? calloc(b->meth->nparams + 1, sizeof *out->rows) : NULL;
    ok = out->rows != NULL;
    for (size_t i = 0; ok && i < b->meth->nparams; i++) {
        out->n = i + 1;
        ok = fill_row(&x, i, &out->rows[i]);
    }
    mrv__strmap_free(&x.used);
    if (ok) return MRV_OK;
    mrv_inputs_free(out);
    return MRV_ENOMEM;
}
