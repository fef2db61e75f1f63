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
** Where the numbers come from.  Every number of a node is the run's: the
** trail (trail.h) that the lowering behind the run's program recorded,
** filled by the same central pass that gives report.json its equations,
** holds each equation's value, the value of each node of its formula
** outside sums, each sum with its ranges and first terms, and every
** element and equation it read, in listing order.  This module computes
** nothing: it finds, formats and prints.  A parameter explained on its
** own shows its elements' central values as bound (mrv_vpick_central),
** which the tests hold equal, bit for bit, to what the run read.
**
** Memory: the text goes to a memory stream that is copied to the caller's
** FILE only when the whole explanation succeeded; a scratch array of
** members per dimension lives as long as one call.  Nothing is kept
** between calls.
*/
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "output.h"
#include "suggest.h"
#include "trail.h"

#define MAX_LISTED        40  /* elements of one parameter listed per node */
#define MAX_MEMBERS_SHOWN 8   /* members named in a binder */
#define MAX_ELEMENTS      200 /* elements of a parameter explained alone */
#define MAX_INDENT        10  /* deeper levels are not indented further */
#define SUB_DIGITS        7   /* significant digits in the 'values' line */
/* Significant digits of sums, terms and inputs converted back from the
** internal scale: more would show the conversion's noise (0.2 kg/km as
** 0.19999999999999998). */
#define FINE_DIGITS 15

static bool has_vintage_axis(const mrv_param *p)
{
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] == MRV_AXIS_VINTAGE) return true;
    return false;
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

/* The name a choice parameter's value (its index) stands for. */
static const char *choice_name(const mrv_param *p, double v)
{
    size_t i = v >= 0 && v < (double)p->nchoices ? (size_t)v : 0;
    return p->nchoices ? p->choices[i] : "?";
}

/* An internal value in 'unit', in the run's year. */
static double in_unit(double x, mrv_unit unit, const mrv_bound *b)
{
    return x / mrv_unit_scale(unit, b->year_days);
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
    /* ORDER DIM */
    static const char *const base[MRV_NDIM] = {"kg", "m",   "J",
                                               "yr", "Nm3", "Wp"};
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
** in the equation's declared unit when the dimension is the equation's
** (or meets it through the per-vintage bridge, t/yr in an equation in t,
** where the numbers agree), else in the internal SI unit. */
static void show_unit(const mrv_equation *eq, mrv_unit u, double yd,
                      double *scale, char *text, size_t n)
{
    if (mrv_unit_same_dim(u, eq->unit) || mrv_unit_bridged(u, eq->unit)) {
        *scale = mrv_unit_scale(eq->unit, yd);
        snprintf(text, n, "%s", utx(eq->unit_text));
    } else {
        *scale = 1;
        si_text(u, text, n);
    }
}

/* ---- labels and provenance --------------------------------------------- */

/* "EQ[2026]", "EQ[2026, food]": equation 'e' at 'year' for its members
** pos[] (in the order of its 'over'). */
static void eq_label(const mrv_bound *b, int e, int year, const size_t *pos,
                     char *buf, size_t n)
{
    const mrv_equation *eq = &b->meth->eqs[e];
    size_t o = (size_t)snprintf(buf, n, "%s[%d", eq->name, year);
    for (size_t k = 0; k < eq->nover && o < n; k++)
        o += (size_t)snprintf(buf + o, n - o, ", %s",
                              b->members[eq->over[k]][pos[k]]);
    if (o < n) snprintf(buf + o, n - o, "]");
}

/* "EQ[2026]", "EQ[2026, food]", "P", "P[2026, car]". */
static void read_label(const mrv_bound *b, const mrv_trail_read *r, char *buf,
                       size_t n)
{
    const mrv_methodology *m = b->meth;
    if (r->kind != MRV_TRAIL_PARAM) {
        size_t pos[MRV_MAX_AXES];
        for (size_t k = 0; k < MRV_MAX_AXES; k++) pos[k] = r->mem[k];
        eq_label(b, r->idx, r->year, pos, buf, n);
        return;
    }
    const mrv_param *p = &m->params[r->idx];
    size_t o = (size_t)snprintf(buf, n, "%s", p->name);
    if (p->nover == 0 || o >= n) return;
    for (size_t i = 0; i < p->nover && o < n; i++) {
        const char *sep = i ? ", " : "[";
        if (p->over[i] == MRV_AXIS_VINTAGE)
            o += (size_t)snprintf(buf + o, n - o, "%s%d", sep, r->year);
        else
            o += (size_t)snprintf(buf + o, n - o, "%s%s", sep,
                                  b->members[p->over[i]][r->mem[i]]);
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

static void unc_text(FILE *f, const mrv_uncert *u, const mrv_param *p,
                     double yd)
{
    double s = u->relative ? 1 : mrv_unit_scale(p->unit, yd);
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
                    fmt_num(u->sd / s, FINE_DIGITS, g, a, sizeof a));
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
                    fmt_num(u->min / s, FINE_DIGITS, g, a, sizeof a),
                    fmt_num(u->max / s, FINE_DIGITS, g, b, sizeof b));
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

/* ", written 25 km/d" when the value was given in a unit other than the
** parameter's, so the conversion shows; for a factor entry in another
** unit, its own value and unit, ", 0.74 t/m3". */
static void as_written(FILE *f, const mrv_param *p, const mrv_vnode *leaf,
                       const mrv_factor *fc)
{
    char num[40];
    if (fc && strcmp(fc->unit_text, p->unit_text) != 0)
        fprintf(f, ", %s %s", mrv_fmt_shortest(fc->value, num, sizeof num),
                fc->unit_text);
    else if (!fc && leaf->unit_text && strcmp(leaf->unit_text, p->unit_text))
        fprintf(f, ", written %s", leaf->text);
}

/* A monitored value (mondata.h): the data file, the rows that formed it
** and how they were combined, the gaps filled in it, and the share of a
** year an amount was divided by. */
#define MAX_LINES 12
static void monitored_text(FILE *f, const mrv_bound *b, const mrv_vnode *leaf)
{
    const mrv_cellsrc *cs = leaf->cell;
    const mrv_monparam *mp = cs->mp;
    if (!mp) {
        fputs("monitored, but no monitored day falls in this vintage: 0", f);
        return;
    }
    char a[64];
    size_t nval = 0;
    for (size_t i = 0; i < cs->nrows; i++)
        nval += mp->rows[cs->first + i].kind == MRV_ROW_VALUE;
    fprintf(f, "%s: %s of %zu row%s", mp->file->path, mrv_agg_names[mp->agg],
            nval, nval == 1 ? "" : "s");
    size_t shown = 0;
    for (size_t i = 0; i < cs->nrows && shown < MAX_LINES; i++) {
        const mrv_mrow *r = &mp->rows[cs->first + i];
        if (r->kind != MRV_ROW_VALUE) continue;
        fprintf(f, "%s%u", shown++ ? ", " : " at lines ", r->line);
    }
    if (nval > shown) fprintf(f, " and %zu more", nval - shown);
    for (size_t i = 0; i < cs->nrows; i++) {
        const mrv_mrow *r = &mp->rows[cs->first + i];
        if (r->kind == MRV_ROW_VALUE) continue;
        fprintf(f, "; line %u %s", r->line,
                r->kind == MRV_ROW_EMPTY ? "is empty" : "is rejected");
    }
    for (size_t g = 0; g < cs->ngaps; g++) {
        const mrv_gap *gp = &b->mon->gaps[cs->gap0 + g];
        mrv_date d0 = mrv_date_from_ordinal(gp->from);
        if (mp->frequency)
            fprintf(f, "; the gap of %04d-%02d", d0.y, d0.m);
        else
            fputs("; the gap", f);
        if (mp->frequency == MRV_FREQ_DAY) fprintf(f, "-%02d", d0.d);
        fprintf(f, " filled (%s", mrv_fill_rule_names[gp->fill]);
        if (gp->chosen) fprintf(f, ", %s end", gp->chosen);
        if (gp->from_line) fprintf(f, ", line %u", gp->from_line);
        fprintf(f, ") with %s %s",
                fmt_num(gp->value, FINE_DIGITS, GROUP, a, sizeof a),
                mp->unit_text);
    }
    fprintf(f, " = %s %s", fmt_num(cs->raw, FINE_DIGITS, GROUP, a, sizeof a),
            mp->unit_text);
    if (cs->share > 0)
        fprintf(f, ", an amount for %s of the year, divided by it",
                fmt_num(cs->share, 6, NOGROUP, a, sizeof a));
}

/* Where the parameter element's value was given, and its uncertainty.
** 'mem' is scratch, one entry per dimension. */
static void provenance(FILE *f, const mrv_bound *b, size_t *mem,
                       const mrv_trail_read *r)
{
    const mrv_param *p = &b->meth->params[r->idx];
    for (size_t i = 0; i < p->nover; i++)
        if (p->over[i] != MRV_AXIS_VINTAGE) mem[p->over[i]] = r->mem[i];
    mrv_vpick pk;
    char why[200];
    if (mrv_bound_pick(b, (size_t)r->idx, r->year, mem, &pk, why, sizeof why) !=
        MRV_OK) {
        fprintf(f, "(%s)", why);
        return;
    }
    if (pk.part[0].leaf == &mrv_fill_zero_leaf) {
        fprintf(f, "(fill: zero, no value given for %d)", r->year);
        return;
    }
    bool dflt = strcmp(b->value_origin[r->idx], "default") == 0;
    fputc('(', f);
    for (size_t i = 0; i < pk.nparts; i++) {
        const mrv_vnode *leaf = pk.part[i].leaf;
        if (i) fputs(" and ", f);
        const mrv_factor *fc =
            leaf->source ? factor_by_id(b, leaf->source) : NULL;
        if (leaf->cell) {
            monitored_text(f, b, leaf);
        } else if (dflt && fc) {
            fprintf(f, "default %s", fc->id);
        } else if (dflt) {
            fputs("methodology default, ", f);
            pos_text(f, leaf->pos);
        } else {
            pos_text(f, leaf->pos);
            if (fc) fprintf(f, ", factor %s", fc->id);
        }
        as_written(f, p, leaf, fc);
        if (fc && fc->source) fprintf(f, ": %s", fc->source);
    }
    int y0, y1;
    if (r->year != MRV_NO_YEAR &&
        series_years(b->values[r->idx], r->year, mem, &y0, &y1) &&
        (y0 != r->year || y1 != r->year)) {
        if (p->fill == MRV_FILL_LINEAR && y1 != y0)
            fprintf(f, "; fill: linear between %d and %d", y0, y1);
        else
            fprintf(f, "; fill: hold from %d", y0);
    }
    for (size_t i = 0; i < pk.nparts; i++) {
        const mrv_vnode *leaf = pk.part[i].leaf;
        if (leaf->unc && !leaf->unc->relative) {
            fputs("; ", f);
            unc_text(f, leaf->unc, p, b->year_days);
        }
        for (size_t k = 0; k < pk.part[i].nrel; k++) {
            const mrv_uncert *u = pk.part[i].rel[k]->unc;
            fputs("; ", f);
            unc_text(f, u, p, b->year_days);
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
static bool replaced(const mrv_trail_inst *in, const mrv_ast *n)
{
    double v;
    if (!mrv_trail_value(in, n, &v)) return false;
    if (n->kind == MRV_AST_INDEX || n->kind == MRV_AST_SUM) return true;
    return n->kind == MRV_AST_NAME && n->sym != MRV_SYM_INDEXVAR;
}

static void value_text(const mrv_methodology *m, double yd,
                       const mrv_equation *eq, const mrv_ast *n, double v,
                       char *buf, size_t len)
{
    char num[64];
    const char *unit = NULL;
    double scale = 1;
    char ubuf[96];
    if (n->kind == MRV_AST_SUM) {
        show_unit(eq, n->unit, yd, &scale, ubuf, sizeof ubuf);
        snprintf(buf, len, "(sum = %s%s%s%s)",
                 fmt_num(v / scale, SUB_DIGITS, NOGROUP, num, sizeof num),
                 ubuf[0] ? " [" : "", ubuf, ubuf[0] ? "]" : "");
        return;
    }
    if (n->sym == MRV_SYM_PARAM && n->choice) {
        snprintf(buf, len, "'%s'", choice_name(&m->params[n->index], v));
        return;
    }
    if (n->sym == MRV_SYM_PARAM) {
        const mrv_param *p = &m->params[n->index];
        unit = p->unit_text;
        scale = mrv_unit_scale(p->unit, yd);
    } else if (n->sym == MRV_SYM_EQUATION) {
        const mrv_equation *e = &m->eqs[n->index];
        unit = e->unit_text;
        scale = mrv_unit_scale(e->unit, yd);
    }
    const char *u = utx(unit);
    snprintf(buf, len, "%s%s%s%s",
             fmt_num(v / scale, SUB_DIGITS, NOGROUP, num, sizeof num),
             u[0] ? " [" : "", u, u[0] ? "]" : "");
}

/* The formula text with every replaced node's span swapped for its value;
** false when nothing was replaced (the line would repeat the formula). */
static bool values_line(FILE *f, const mrv_methodology *m, double yd,
                        const mrv_trail_inst *in, const mrv_equation *eq,
                        const mrv_ast *root, const char *text, size_t tlen)
{
    mrv_vec stack, spans;
    mrv_vec_init(&stack, sizeof(const mrv_ast *));
    mrv_vec_init(&spans, sizeof(span));
    bool ok = mrv_vec_push(&stack, &root);
    while (ok && stack.n) {
        const mrv_ast *n = MRV_VEC_AT(&stack, const mrv_ast *, --stack.n);
        if (replaced(in, n)) {
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
            mrv_trail_value(in, sp[i].n, &v);
            value_text(m, yd, eq, sp[i].n, v, buf, sizeof buf);
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

static void print_sum(FILE *f, const mrv_bound *b, const mrv_equation *eq,
                      const mrv_trail_sum *s, const char *text, const char *ind)
{
    const mrv_ast *n = s->n;
    double scale;
    char ubuf[96], num[64];
    show_unit(eq, n->unit, b->year_days, &scale, ubuf, sizeof ubuf);
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
            fmt_num(s->v.value / scale, FINE_DIGITS, GROUP, num, sizeof num),
            ubuf[0] ? " " : "", ubuf);
    if (s->nterms > s->nlisted) return;
    for (size_t t = 0; t < s->nlisted; t++) {
        fprintf(f, "%s              ", ind);
        for (size_t k = 0; k < n->nbinders; k++) {
            const mrv_binder *bd = &n->binders[k];
            long iv = s->iv[t * n->nbinders + k];
            if (bd->dim)
                fprintf(f, "%s%s = %s", k ? ", " : "", bd->name,
                        b->members[bd->dim_index][iv]);
            else
                fprintf(f, "%s%s = %ld", k ? ", " : "", bd->name, iv);
        }
        fprintf(
            f, ": %s%s%s\n",
            fmt_num(s->term[t] / scale, FINE_DIGITS, GROUP, num, sizeof num),
            ubuf[0] ? " " : "", ubuf);
    }
}

/* ---- one node ---------------------------------------------------------- */

typedef struct xnode {
    mrv_trail_kind kind; /* MRV_TRAIL_EQ or MRV_TRAIL_INIT */
    int eq, year;
    size_t m; /* the combination of the equation's members */
    unsigned depth;
} xnode;

typedef struct xstate {
    const mrv_run *run;
    const mrv_explain_opts *o;
    FILE *f;
    mrv_diag *d;
    size_t *mem;       /* scratch: a member per dimension */
    bool *done_eq;     /* [mrv_bound_eq_at(b, eq, v, m)] */
    mrv_vec done_init; /* xnode */
    mrv_vec stack;     /* xnode */
    size_t nroots;     /* roots begun (members of the equation asked) */
    size_t nnodes;     /* JSON: nodes written so far */
} xstate;

static size_t done_at(const xstate *x, const xnode *n)
{
    const mrv_bound *b = x->run->bound;
    return mrv_bound_eq_at(b, (size_t)n->eq, (size_t)(n->year - b->first),
                           n->m);
}

static bool is_done(xstate *x, const xnode *n)
{
    if (n->kind == MRV_TRAIL_EQ) return x->done_eq[done_at(x, n)];
    for (size_t i = 0; i < x->done_init.n; i++) {
        const xnode *d = &MRV_VEC_AT(&x->done_init, xnode, i);
        if (d->eq == n->eq && d->year == n->year && d->m == n->m) return true;
    }
    return false;
}

static bool mark_done(xstate *x, const xnode *n)
{
    if (n->kind == MRV_TRAIL_EQ) {
        x->done_eq[done_at(x, n)] = true;
        return true;
    }
    return mrv_vec_push(&x->done_init, n);
}

/* The node for an equation read 'r' of a node at depth 'depth'. */
static xnode read_node(const mrv_bound *b, const mrv_trail_read *r,
                       unsigned depth)
{
    size_t pos[MRV_MAX_AXES];
    for (size_t k = 0; k < MRV_MAX_AXES; k++) pos[k] = r->mem[k];
    xnode n = {r->kind, r->idx, r->year,
               mrv_bound_eq_combo(b, (size_t)r->idx, pos), depth};
    return n;
}

/* Whether lowering formed an instance for equation e's 'initial': a
** formula does, a number or a per-member map gives a value outright. */
static bool forms_instance(const mrv_equation *e)
{
    return !e->initial_is_number && !e->initial_map.is_initial;
}

/* Where the 'initial' value read by 'r' was written: the number, or the
** element of the per-member map.  'mem' is scratch, one per dimension. */
static mrv_srcpos initial_pos(const mrv_bound *b, size_t *mem,
                              const mrv_trail_read *r)
{
    const mrv_equation *e = &b->meth->eqs[r->idx];
    if (!e->initial_map.is_initial) return mrv_expr_pos(e->initial_node, 0);
    for (size_t k = 0; k < e->nover; k++) mem[e->over[k]] = r->mem[k];
    mrv_vpick pk;
    char why[200];
    if (mrv_vnode_pick(b->eq_initial[r->idx], &e->initial_map, MRV_NO_YEAR, mem,
                       &pk, why, sizeof why) != MRV_OK)
        return e->initial_map.pos; /* NEVER: lowering read it */
    return pk.part[0].leaf->pos;
}

/* A choice's reads are few names: never cut short. */
static bool choice_read(const mrv_methodology *m, const mrv_trail_read *r)
{
    return r->kind == MRV_TRAIL_PARAM && m->params[r->idx].nchoices;
}

/* Whether read i is past the first MAX_LISTED of its group (one
** parameter, or one equation): listed in summary, not one by one. */
static bool cut_short(const mrv_trail_read *r, size_t i)
{
    size_t run = 0;
    while (run < i && r[i - run - 1].group == r[i].group) run++;
    return run >= MAX_LISTED;
}

static void indent_of(unsigned depth, char *buf, size_t n)
{
    unsigned k = depth > MAX_INDENT ? MAX_INDENT : depth;
    size_t i = 0;
    for (; i < 2 * (size_t)(k - 1) && i + 1 < n; i++) buf[i] = ' ';
    buf[i] = '\0';
}

static void print_reads(xstate *x, const mrv_trail_inst *in, const xnode *at,
                        const char *ind)
{
    FILE *f = x->f;
    const mrv_bound *b = x->run->bound;
    const mrv_methodology *m = b->meth;
    const mrv_trail_read *r = in->reads;
    size_t nr = in->nreads;
    bool first = true;
    for (size_t i = 0; i < nr; i++) {
        /* A long run of one parameter's or equation's elements is cut
        ** short (and the equations cut are not explained below). */
        if (cut_short(r, i) && !choice_read(m, &r[i])) {
            size_t j = i;
            double lo = HUGE_VAL, hi = -HUGE_VAL, scale;
            const char *name, *unit;
            if (r[i].kind == MRV_TRAIL_PARAM) {
                const mrv_param *p = &m->params[r[i].idx];
                name = p->name, unit = p->unit_text;
                scale = mrv_unit_scale(p->unit, b->year_days);
            } else {
                const mrv_equation *e = &m->eqs[r[i].idx];
                name = e->name, unit = e->unit_text;
                scale = mrv_unit_scale(e->unit, b->year_days);
            }
            for (; j < nr && r[j].group == r[i].group; j++) {
                lo = fmin(lo, r[j].v.value / scale);
                hi = fmax(hi, r[j].v.value / scale);
            }
            char a[64], c[64];
            fprintf(
                f,
                "%s            ... and %zu more elements of %s, from "
                "%s to %s%s%s%s\n",
                ind, j - i, name, fmt_num(lo, FINE_DIGITS, GROUP, a, sizeof a),
                fmt_num(hi, FINE_DIGITS, GROUP, c, sizeof c), usp(unit),
                utx(unit),
                r[i].kind == MRV_TRAIL_PARAM ? ""
                                             : " (explain one with --member)");
            i = j - 1;
            continue;
        }
        char label[512], num[64];
        read_label(b, &r[i], label, sizeof label);
        fprintf(f, "%s  %s  %s = ", ind, first ? "reads   " : "        ",
                label);
        first = false;
        if (r[i].kind == MRV_TRAIL_PARAM) {
            const mrv_param *p = &m->params[r[i].idx];
            if (p->nchoices)
                fprintf(f, "%s  ", choice_name(p, r[i].v.value));
            else
                fprintf(f, "%s%s%s  ",
                        fmt_num(in_unit(r[i].v.value, p->unit, b), FINE_DIGITS,
                                group_for(p->unit_text), num, sizeof num),
                        usp(p->unit_text), utx(p->unit_text));
            provenance(f, b, x->mem, &r[i]);
            fputc('\n', f);
            continue;
        }
        const mrv_equation *e = &m->eqs[r[i].idx];
        fprintf(f, "%s%s%s",
                fmt_num(r[i].v.value *
                            (1.0 / mrv_unit_scale(e->unit, b->year_days)),
                        0, GROUP, num, sizeof num),
                usp(e->unit_text), utx(e->unit_text));
        xnode child = read_node(b, &r[i], at->depth + 1);
        if (r[i].kind == MRV_TRAIL_INIT && !forms_instance(e)) {
            fputs("  (initial, ", f);
            pos_text(f, initial_pos(b, x->mem, &r[i]));
            fputc(')', f);
        } else if (r[i].kind == MRV_TRAIL_INIT) {
            fputs("  (initial)", f);
        }
        if (r[i].kind == MRV_TRAIL_EQ || forms_instance(e)) {
            if (is_done(x, &child))
                fputs("  (explained above)", f);
            else if (x->o->depth && child.depth > x->o->depth)
                fprintf(f, "  (not expanded: --depth %u)", x->o->depth);
        }
        fputc('\n', f);
    }
}

/* Pushes the equations read, last first, so they pop in reading order. */
static bool push_children(xstate *x, const mrv_trail_inst *in, const xnode *at)
{
    const mrv_methodology *m = x->run->bound->meth;
    const mrv_trail_read *r = in->reads;
    for (size_t i = in->nreads; i-- > 0;) {
        if (r[i].kind == MRV_TRAIL_PARAM || cut_short(r, i)) continue;
        const mrv_equation *e = &m->eqs[r[i].idx];
        if (r[i].kind == MRV_TRAIL_INIT && !forms_instance(e)) continue;
        xnode c = read_node(x->run->bound, &r[i], at->depth + 1);
        if (x->o->depth && c.depth > x->o->depth) continue;
        if (is_done(x, &c)) continue;
        if (!mrv_vec_push(&x->stack, &c)) return false;
    }
    return true;
}

/* A node as both printers read it: its equation, the formula written
** for it (the initial value's or the equation's) and where that stands,
** the trail's instance, the node's members and its label. */
typedef struct xview {
    const mrv_equation *e;
    bool init; /* the initial value, before the first vintage */
    const mrv_ast *root;
    const mrv_ynode *src;
    mrv_srcpos fpos;
    const mrv_trail_inst *in;
    size_t pos[MRV_MAX_AXES];
    char label[512];
} xview;

/* Fills 'v' for the node 'at'.  Fails with MRV_EINTERNAL, at the
** formula, when the run's trail does not hold the node's instance. */
static mrv_status node_view(const xstate *x, const xnode *at, xview *v)
{
    const mrv_bound *b = x->run->bound;
    v->e = &b->meth->eqs[at->eq];
    v->init = at->kind == MRV_TRAIL_INIT;
    v->root = v->init ? v->e->initial : v->e->ast;
    v->src = v->init ? v->e->initial_node : v->e->formula_node;
    v->fpos = mrv_expr_pos(v->src, 0);
    v->in = mrv_trail_find(x->run->trail, at->eq, v->init, at->year, at->m);
    mrv_bound_eq_members(b, (size_t)at->eq, at->m, v->pos);
    eq_label(b, at->eq, at->year, v->pos, v->label, sizeof v->label);
    if (!v->in) /* NEVER: lowering formed every instance the trail reads */
        return mrv_error(x->d, v->fpos, MRV_EINTERNAL,
                         "cannot explain '%s': the run's trail does not hold "
                         "it (a bug in mrv)",
                         v->label);
    return MRV_OK;
}

static mrv_status explain_node(xstate *x, const xnode *at)
{
    const mrv_bound *b = x->run->bound;
    const mrv_methodology *m = b->meth;
    FILE *f = x->f;
    xview v;
    mrv_status st = node_view(x, at, &v);
    if (st != MRV_OK) return st;
    double want = v.in->v.value;
    char ind[2 * MAX_INDENT + 2], num[64];
    indent_of(at->depth, ind, sizeof ind);
    if (at->depth > 1 || x->nroots++) fputc('\n', f);
    fprintf(f, "%s%s = %s%s%s%s\n", ind, v.label,
            fmt_num(want * (1.0 / mrv_unit_scale(v.e->unit, b->year_days)), 0,
                    GROUP, num, sizeof num),
            usp(v.e->unit_text), utx(v.e->unit_text),
            v.init ? "  (initial: before the first vintage)" : "");
    if (v.e->description) fprintf(f, "%s  %s\n", ind, v.e->description);
    for (int r = 0; r < MRV_NRESULTS && !v.init; r++) {
        if (m->results[r] != at->eq) continue;
        double fr = b->frac[at->year - b->first];
        fprintf(f, "%s  result    %s", ind, mrv_result_names[r]);
        if (fr != 1) {
            char a[64], c[64];
            fprintf(
                f,
                ": times frac %s (the vintage's share of days) = "
                "%s%s%s",
                fmt_num(fr, 0, NOGROUP, a, sizeof a),
                fmt_num(want * (fr / mrv_unit_scale(v.e->unit, b->year_days)),
                        0, GROUP, c, sizeof c),
                usp(v.e->unit_text), utx(v.e->unit_text));
        }
        fputc('\n', f);
    }
    fprintf(f, "%s  formula   %s\n%s            at ", ind, v.src->text, ind);
    pos_text(f, v.fpos);
    fputc('\n', f);
    {
        char *line = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&line, &len);
        bool any = mf && values_line(mf, m, b->year_days, v.in, v.e, v.root,
                                     v.src->text, v.src->len);
        if (mf) fclose(mf);
        if (any && line) fprintf(f, "%s  values    %s\n", ind, line);
        free(line);
    }
    for (size_t i = 0; i < v.in->nsums; i++)
        print_sum(f, b, v.e, &v.in->sums[i], v.src->text, ind);
    print_reads(x, v.in, at, ind);
    return push_children(x, v.in, at) ? MRV_OK : MRV_ENOMEM;
}

/* ---- JSON ('mrv explain --json') --------------------------------------- */

/* The same explanation as data: the tree walked in the same order, each
** node an object with the numbers as numbers (equations' values in their
** declared unit, bit for bit report.json's) and the provenance and sums
** as the text above shows them.  docs/cli.md has the shape. */

static void json_pos(FILE *f, mrv_srcpos p)
{
    fputs("{\"file\": ", f);
    if (p.file)
        mrv_json_str(f, p.file);
    else
        fputs("null", f);
    fprintf(f, ", \"line\": %u, \"column\": %u}", p.line, p.col);
}

/* What a printer writes to a stream, as one JSON string: without the
** spaces and line breaks around it, and with 'strip' more characters left
** out at each end (provenance's parentheses). */
static void json_captured(FILE *f, void (*print)(FILE *, void *), void *arg,
                          size_t strip)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) {
        print(m, arg);
        if (fclose(m) != 0) len = 0;
    }
    size_t a = 0;
    while (text && a < len && (text[a] == ' ' || text[a] == '\n')) a++;
    while (text && len > a && (text[len - 1] == ' ' || text[len - 1] == '\n'))
        len--;
    if (text && len - a >= 2 * strip) {
        text[len - strip] = '\0';
        mrv_json_str(f, text + a + strip);
    } else {
        mrv_json_str(f, "");
    }
    free(text);
}

typedef struct prov_arg {
    const mrv_bound *b;
    size_t *mem;
    const mrv_trail_read *r;
} prov_arg;

static void prov_print(FILE *f, void *arg)
{
    prov_arg *a = arg;
    provenance(f, a->b, a->mem, a->r);
}

/* {"DIM": "MEMBER", ...} for the members of a read or a node. */
static void json_read_members(FILE *f, const mrv_bound *b,
                              const mrv_trail_read *r)
{
    const mrv_methodology *m = b->meth;
    fputc('{', f);
    size_t nover = r->kind == MRV_TRAIL_PARAM ? m->params[r->idx].nover
                                              : m->eqs[r->idx].nover;
    const int *over = r->kind == MRV_TRAIL_PARAM ? m->params[r->idx].over
                                                 : m->eqs[r->idx].over;
    bool first = true;
    for (size_t k = 0; k < nover; k++) {
        if (over[k] == MRV_AXIS_VINTAGE) continue;
        fputs(first ? "" : ", ", f);
        first = false;
        mrv_json_str(f, m->dims[over[k]].name);
        fputs(": ", f);
        mrv_json_str(f, b->members[over[k]][r->mem[k]]);
    }
    fputc('}', f);
}

static void json_year(FILE *f, int year)
{
    if (year == MRV_NO_YEAR)
        fputs("null", f);
    else
        fprintf(f, "%d", year);
}

static void json_reads(xstate *x, const mrv_trail_inst *in, const xnode *at)
{
    FILE *f = x->f;
    const mrv_bound *b = x->run->bound;
    const mrv_methodology *m = b->meth;
    const mrv_trail_read *r = in->reads;
    size_t nr = in->nreads;
    fputs(",\n     \"reads\": [", f);
    for (size_t i = 0; i < nr; i++) {
        fputs(i ? ",\n       " : "\n       ", f);
        if (cut_short(r, i) && !choice_read(m, &r[i])) {
            size_t j = i;
            double lo = HUGE_VAL, hi = -HUGE_VAL, scale;
            const char *name, *unit;
            if (r[i].kind == MRV_TRAIL_PARAM) {
                const mrv_param *p = &m->params[r[i].idx];
                name = p->name, unit = p->unit_text;
                scale = mrv_unit_scale(p->unit, b->year_days);
            } else {
                const mrv_equation *e = &m->eqs[r[i].idx];
                name = e->name, unit = e->unit_text;
                scale = mrv_unit_scale(e->unit, b->year_days);
            }
            for (; j < nr && r[j].group == r[i].group; j++) {
                lo = fmin(lo, r[j].v.value / scale);
                hi = fmax(hi, r[j].v.value / scale);
            }
            fputs("{\"kind\": \"more\", \"name\": ", f);
            mrv_json_str(f, name);
            fprintf(f, ", \"count\": %zu, \"min\": ", j - i);
            mrv_json_num(f, lo);
            fputs(", \"max\": ", f);
            mrv_json_num(f, hi);
            fputs(", \"unit\": ", f);
            mrv_json_str(f, unit);
            fputc('}', f);
            i = j - 1;
            continue;
        }
        char label[512];
        read_label(b, &r[i], label, sizeof label);
        bool param = r[i].kind == MRV_TRAIL_PARAM;
        const char *kind = param                         ? "parameter"
                           : r[i].kind == MRV_TRAIL_INIT ? "initial"
                                                         : "equation";
        const char *name =
            param ? m->params[r[i].idx].name : m->eqs[r[i].idx].name;
        fprintf(f, "{\"kind\": \"%s\", \"label\": ", kind);
        mrv_json_str(f, label);
        fputs(", \"name\": ", f);
        mrv_json_str(f, name);
        fputs(", \"year\": ", f);
        json_year(f, r[i].year);
        fputs(", \"members\": ", f);
        json_read_members(f, b, &r[i]);
        if (param) {
            const mrv_param *p = &m->params[r[i].idx];
            if (p->nchoices) {
                fputs(", \"choice\": ", f);
                mrv_json_str(f, choice_name(p, r[i].v.value));
            } else {
                fputs(", \"value\": ", f);
                mrv_json_num(f, in_unit(r[i].v.value, p->unit, b));
                fputs(", \"unit\": ", f);
                mrv_json_str(f, p->unit_text);
            }
            fputs(", \"provenance\": ", f);
            prov_arg pa = {b, x->mem, &r[i]};
            json_captured(f, prov_print, &pa, 1);
            fputc('}', f);
            continue;
        }
        const mrv_equation *e = &m->eqs[r[i].idx];
        fputs(", \"value\": ", f);
        mrv_json_num(f, r[i].v.value *
                            (1.0 / mrv_unit_scale(e->unit, b->year_days)));
        fputs(", \"unit\": ", f);
        mrv_json_str(f, e->unit_text);
        xnode child = read_node(b, &r[i], at->depth + 1);
        bool node = r[i].kind == MRV_TRAIL_EQ || forms_instance(e);
        bool deep = x->o->depth && child.depth > x->o->depth;
        if (!node) {
            fputs(", \"at\": ", f);
            json_pos(f, initial_pos(b, x->mem, &r[i]));
        }
        /* Whether the read has a node of its own in "nodes" (above or
        ** below this one). */
        fprintf(f, ", \"expanded\": %s}", node && !deep ? "true" : "false");
    }
    fputs(nr ? "\n     ]" : "]", f);
}

typedef struct sum_arg {
    const mrv_bound *b;
    const mrv_equation *e;
    const mrv_trail_sum *s;
    const char *text;
} sum_arg;

static void sum_print(FILE *f, void *arg)
{
    sum_arg *a = arg;
    print_sum(f, a->b, a->e, a->s, a->text, "");
}

typedef struct values_arg {
    const mrv_bound *b;
    const mrv_trail_inst *in;
    const mrv_equation *e;
    const mrv_ast *root;
    const mrv_ynode *src;
} values_arg;

static void values_print(FILE *f, void *arg)
{
    values_arg *a = arg;
    values_line(f, a->b->meth, a->b->year_days, a->in, a->e, a->root,
                a->src->text, a->src->len);
}

static mrv_status json_node(xstate *x, const xnode *at)
{
    const mrv_bound *b = x->run->bound;
    const mrv_methodology *m = b->meth;
    FILE *f = x->f;
    xview v;
    mrv_status st = node_view(x, at, &v);
    if (st != MRV_OK) return st;
    double scale = mrv_unit_scale(v.e->unit, b->year_days);
    fputs(x->nnodes++ ? ",\n    {\"label\": " : "\n    {\"label\": ", f);
    mrv_json_str(f, v.label);
    fputs(", \"equation\": ", f);
    mrv_json_str(f, v.e->name);
    fprintf(f, ", \"year\": %d, \"members\": {", at->year);
    for (size_t k = 0; k < v.e->nover; k++) {
        fputs(k ? ", " : "", f);
        mrv_json_str(f, m->dims[v.e->over[k]].name);
        fputs(": ", f);
        mrv_json_str(f, b->members[v.e->over[k]][v.pos[k]]);
    }
    fprintf(f, "}, \"initial\": %s, \"depth\": %u,\n     \"value\": ",
            v.init ? "true" : "false", at->depth);
    mrv_json_num(f, v.in->v.value * (1.0 / scale));
    fputs(", \"unit\": ", f);
    mrv_json_str(f, v.e->unit_text);
    fputs(", \"description\": ", f);
    if (v.e->description)
        mrv_json_str(f, v.e->description);
    else
        fputs("null", f);
    /* The results it is (one equation may be two: reductions that are
    ** the baseline), its vintage's frac and the value times frac. */
    size_t nres = 0;
    for (int r = 0; r < MRV_NRESULTS && !v.init; r++) {
        if (m->results[r] != at->eq) continue;
        fputs(nres++ ? ", " : ", \"results\": [", f);
        mrv_json_str(f, mrv_result_names[r]);
    }
    if (nres) {
        double fr = b->frac[at->year - b->first];
        fputs("], \"frac\": ", f);
        mrv_json_num(f, fr);
        fputs(", \"result_value\": ", f);
        mrv_json_num(f, v.in->v.value * (fr / scale));
    }
    fputs(",\n     \"formula\": ", f);
    mrv_json_str(f, v.src->text);
    fputs(", \"at\": ", f);
    json_pos(f, v.fpos);
    fputs(",\n     \"values\": ", f);
    values_arg va = {b, v.in, v.e, v.root, v.src};
    json_captured(f, values_print, &va, 0);
    fputs(",\n     \"sums\": [", f);
    for (size_t i = 0; i < v.in->nsums; i++) {
        fputs(i ? ", " : "", f);
        sum_arg sa = {b, v.e, &v.in->sums[i], v.src->text};
        json_captured(f, sum_print, &sa, 0);
    }
    fputc(']', f);
    json_reads(x, v.in, at);
    fputc('}', f);
    return push_children(x, v.in, at) ? MRV_OK : MRV_ENOMEM;
}

/* ---- a parameter ------------------------------------------------------- */

/* The elements of a parameter explained alone: every combination of its
** members but the vintage's, first axis slowest, at most MAX_ELEMENTS
** of them.  Both printers walk them in this order. */
typedef struct pelems {
    const mrv_bound *b;
    const mrv_param *p;
    int pi, year;
    size_t *mem; /* the caller's: set to the element's members */
    size_t axes[MRV_MAX_AXES], na; /* the axes that are not the vintage */
    size_t cnt[MRV_MAX_AXES];      /* the next element's members */
    size_t shown, at;              /* elements walked; returned so far */
    bool more;                     /* elements are left past 'shown' */
    char nmore[40];                /* how many, in decimal */
} pelems;

/* Four axes of records (up to 1,000,000 members each) have 10^24
** elements, past 64 bits: their count is kept in base-10^9 digits, least
** significant first, enough for 10^36. */
#define LIMB  1000000000u
#define LIMBS 4

/* Sets the walk's 'shown', 'more' and 'nmore' from the count of
** elements 'c'. */
static void pelems_count(pelems *it, uint64_t *c)
{
    bool small = c[1] == 0 && c[2] == 0 && c[3] == 0;
    it->shown = small && c[0] < MAX_ELEMENTS ? (size_t)c[0] : MAX_ELEMENTS;
    for (size_t j = 0, borrow = it->shown; j < LIMBS && borrow; j++) {
        bool under = c[j] < borrow;
        c[j] = under ? c[j] + LIMB - borrow : c[j] - borrow;
        borrow = under;
    }
    size_t top = LIMBS - 1, o = 0;
    while (top > 0 && c[top] == 0) top--;
    it->more = top > 0 || c[0] > 0;
    o += (size_t)snprintf(it->nmore, sizeof it->nmore, "%llu",
                          (unsigned long long)c[top]);
    while (top-- > 0)
        o += (size_t)snprintf(it->nmore + o, sizeof it->nmore - o, "%09llu",
                              (unsigned long long)c[top]);
}

static void pelems_begin(pelems *it, const mrv_bound *b, int pi, int year,
                         size_t *mem)
{
    memset(it, 0, sizeof *it);
    it->b = b;
    it->p = &b->meth->params[pi];
    it->pi = pi;
    it->year = year;
    it->mem = mem;
    uint64_t count[LIMBS] = {1};
    for (size_t i = 0; i < it->p->nover; i++) {
        if (it->p->over[i] == MRV_AXIS_VINTAGE) continue;
        it->axes[it->na++] = i;
        uint64_t carry = 0;
        for (size_t j = 0; j < LIMBS; j++) {
            uint64_t x = count[j] * b->nmembers[it->p->over[i]] + carry;
            count[j] = x % LIMB;
            carry = x / LIMB;
        }
    }
    pelems_count(it, count);
}

/* The next element as the trail reads it, with the caller's 'mem' set
** to its members; false once 'shown' have been returned. */
static bool pelems_next(pelems *it, mrv_trail_read *el)
{
    if (it->at == it->shown) return false;
    const mrv_param *p = it->p;
    if (it->at++)
        for (size_t k = it->na; k-- > 0;) {
            if (++it->cnt[k] < it->b->nmembers[p->over[it->axes[k]]]) break;
            it->cnt[k] = 0;
        }
    memset(el, 0, sizeof *el);
    el->kind = MRV_TRAIL_PARAM;
    el->idx = it->pi;
    el->year = has_vintage_axis(p) ? it->year : MRV_NO_YEAR;
    for (size_t k = 0; k < it->na; k++) {
        el->mem[it->axes[k]] = (uint32_t)it->cnt[k];
        it->mem[p->over[it->axes[k]]] = it->cnt[k];
    }
    return true;
}

static mrv_status explain_param(const mrv_run *run, int pi, int year,
                                size_t *mem, FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_param *p = &b->meth->params[pi];
    if (p->nchoices) {
        char list[512];
        mrv_param_choices_text(p, list, sizeof list);
        fprintf(f, "%s [choice of %s]", p->name, list);
    } else {
        fprintf(f, "%s [%s]", p->name, p->unit_text);
    }
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
        fprintf(f, "  bounds    [%s, %s]\n",
                fmt_num(p->lo, FINE_DIGITS, GROUP, a, sizeof a),
                fmt_num(p->hi, FINE_DIGITS, GROUP, c, sizeof c));
    }
    if (p->fill != MRV_FILL_NONE)
        fprintf(f, "  fill      %s\n",
                p->fill == MRV_FILL_HOLD     ? "hold"
                : p->fill == MRV_FILL_LINEAR ? "linear"
                                             : "zero");
    const mrv_monparam *mp = NULL;
    for (size_t i = 0; b->mon && i < b->mon->nparams; i++)
        if (b->mon->params[i].param == pi) mp = &b->mon->params[i];
    const mrv_survey *sv = NULL;
    for (size_t i = 0; b->mon && i < b->mon->nsurveys; i++)
        if (b->mon->surveys[i].param == pi) sv = &b->mon->surveys[i];
    if (sv) {
        fprintf(f, "  given by  a survey: %s, %s", sv->file->path,
                sv->value_col ? "column " : "equation ");
        fputs(sv->value_col ? sv->value_col : b->meth->eqs[sv->equation].name,
              f);
        fprintf(f,
                "; %g %% interval by Student's t, %g %% precision "
                "required\n",
                sv->confidence * 100, sv->precision * 100);
        size_t n = sv->nstrata + sv->stratified;
        for (size_t k = 0; k < n; k++) {
            const mrv_stratum_est *e =
                k < sv->nstrata ? &sv->strata[k] : &sv->combined;
            char a[64], c[64], x[64];
            fprintf(f, "  stratum   %s: n %llu, mean %s, se %s, precision ",
                    k < sv->nstrata ? e->label : "all (stratified)",
                    (unsigned long long)e->n,
                    fmt_num(e->mean / mrv_unit_scale(p->unit, b->year_days),
                            FINE_DIGITS, GROUP, a, sizeof a),
                    fmt_num(e->se / mrv_unit_scale(p->unit, b->year_days),
                            FINE_DIGITS, GROUP, c, sizeof c));
            if (isfinite(e->rel_precision))
                fprintf(f, "%.1f %%", e->rel_precision * 100);
            else
                fputs("n/a", f);
            if (k < sv->nstrata && sv->stratified)
                fputs(": in the stratified estimate\n", f);
            else
                fprintf(
                    f, ": %s %s\n", e->used ? e->used : "?",
                    fmt_num(e->value / mrv_unit_scale(p->unit, b->year_days),
                            FINE_DIGITS, GROUP, x, sizeof x));
        }
    } else if (mp)
        fprintf(f, "  given by  data file %s (column %s in %s, aggregate %s)\n",
                mp->file->path,
                mp->value_col ? mp->value_col : "(each row counts 1)",
                mp->unit_text, mrv_agg_names[mp->agg]);
    else
        fprintf(f, "  given by  %s\n",
                strcmp(b->value_origin[pi], "default") == 0
                    ? "the methodology's default"
                    : "the project");
    pelems it;
    pelems_begin(&it, b, pi, year, mem);
    mrv_trail_read el;
    while (pelems_next(&it, &el)) {
        char label[512], num[64], why[200];
        read_label(b, &el, label, sizeof label);
        mrv_vpick pk;
        if (mrv_bound_pick(b, (size_t)pi, el.year, mem, &pk, why, sizeof why) !=
            MRV_OK) {
            fprintf(f, "  %s: '%s' has no value for %d (%s)\n", label, p->name,
                    el.year, why);
        } else {
            if (p->nchoices)
                fprintf(f, "  %s = %s  ", label,
                        choice_name(p, mrv_vpick_central(&pk)));
            else
                fprintf(f, "  %s = %s%s%s  ", label,
                        fmt_num(in_unit(mrv_vpick_central(&pk), p->unit, b),
                                FINE_DIGITS, group_for(p->unit_text), num,
                                sizeof num),
                        usp(p->unit_text), utx(p->unit_text));
            provenance(f, b, mem, &el);
            fputc('\n', f);
        }
    }
    if (it.more) fprintf(f, "  ... and %s more elements\n", it.nmore);
    return MRV_OK;
}

/* A parameter explained alone, as data (the JSON of explain_param). */
static mrv_status json_param(const mrv_run *run, int pi, int year, size_t *mem,
                             FILE *f)
{
    const mrv_bound *b = run->bound;
    const mrv_param *p = &b->meth->params[pi];
    fputs("{\"name\": ", f);
    mrv_json_str(f, p->name);
    fputs(", \"unit\": ", f);
    mrv_json_str(f, p->nchoices ? NULL : p->unit_text);
    if (p->nchoices) {
        fputs(", \"choices\": [", f);
        for (size_t i = 0; i < p->nchoices; i++) {
            fputs(i ? ", " : "", f);
            mrv_json_str(f, p->choices[i]);
        }
        fputc(']', f);
    }
    fputs(", \"over\": [", f);
    for (size_t i = 0; i < p->nover; i++) {
        fputs(i ? ", " : "", f);
        mrv_json_str(f, p->over[i] == MRV_AXIS_VINTAGE
                            ? "vintage"
                            : b->meth->dims[p->over[i]].name);
    }
    fputs("], \"at\": ", f);
    json_pos(f, p->pos);
    fputs(", \"description\": ", f);
    if (p->description)
        mrv_json_str(f, p->description);
    else
        fputs("null", f);
    if (p->has_bounds) {
        fputs(", \"bounds\": [", f);
        mrv_json_num(f, p->lo);
        fputs(", ", f);
        mrv_json_num(f, p->hi);
        fputc(']', f);
    }
    fputs(", \"fill\": ", f);
    mrv_json_str(f, p->fill == MRV_FILL_HOLD     ? "hold"
                    : p->fill == MRV_FILL_LINEAR ? "linear"
                    : p->fill == MRV_FILL_ZERO   ? "zero"
                                                 : "none");
    fputs(", \"origin\": ", f);
    mrv_json_str(f, b->value_origin[pi]);
    fputs(",\n   \"elements\": [", f);
    pelems it;
    pelems_begin(&it, b, pi, year, mem);
    mrv_trail_read el;
    while (pelems_next(&it, &el)) {
        char label[512], why[200];
        read_label(b, &el, label, sizeof label);
        fputs(it.at > 1 ? ",\n     {\"label\": " : "\n     {\"label\": ", f);
        mrv_json_str(f, label);
        fputs(", \"members\": ", f);
        json_read_members(f, b, &el);
        mrv_vpick pk;
        if (mrv_bound_pick(b, (size_t)pi, el.year, mem, &pk, why, sizeof why) !=
            MRV_OK) {
            fputs(", \"missing\": ", f);
            mrv_json_str(f, why);
        } else {
            if (p->nchoices) {
                fputs(", \"choice\": ", f);
                mrv_json_str(f, choice_name(p, mrv_vpick_central(&pk)));
            } else {
                fputs(", \"value\": ", f);
                mrv_json_num(f, in_unit(mrv_vpick_central(&pk), p->unit, b));
            }
            fputs(", \"provenance\": ", f);
            prov_arg pa = {b, mem, &el};
            json_captured(f, prov_print, &pa, 1);
        }
        fputc('}', f);
    }
    fprintf(f, "%s], \"more\": %s}", it.shown ? "\n   " : "", it.nmore);
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

/* The combination of members of equation 'eq' that 'text' names: one
** member of each of its dimensions, separated by commas. */
static mrv_status find_members(const mrv_run *run, int eq, const char *text,
                               size_t *m, mrv_diag *d)
{
    const mrv_bound *b = run->bound;
    const mrv_equation *e = &b->meth->eqs[eq];
    mrv_srcpos at = {b->meth->doc->path, 0, 0};
    if (e->nover == 0)
        return mrv_error(d, at, MRV_EREF,
                         "'%s' is over no dimension: it has no member to "
                         "choose",
                         e->name);
    size_t pos[MRV_MAX_AXES], k = 0;
    const char *s = text;
    for (;;) {
        while (*s == ' ') s++;
        size_t n = strcspn(s, ",");
        while (n && s[n - 1] == ' ') n--;
        if (k == e->nover) break;
        int dim = e->over[k];
        size_t nm = b->nmembers[dim], i;
        for (i = 0; i < nm; i++)
            if (strlen(b->members[dim][i]) == n &&
                !memcmp(b->members[dim][i], s, n))
                break;
        if (i == nm) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)n, s);
            const char *hint = mrv__closest(name, b->members[dim], nm);
            /* At the project's list of the dimension's members. */
            mrv_srcpos where = period_pos(b);
            for (size_t j = 0; j < b->project->ndims; j++)
                if (!strcmp(b->project->dims[j].name, b->meth->dims[dim].name))
                    where = b->project->dims[j].pos;
            return mrv_error(
                d, where, MRV_EREF, "'%s' is not a member of '%s'%s%s%s", name,
                b->meth->dims[dim].name, hint ? " (did you mean '" : "",
                hint ? hint : "", hint ? "'?)" : "");
        }
        pos[k++] = i;
        s += strcspn(s, ",");
        if (*s != ',') break;
        s++;
    }
    if (k != e->nover || *s) {
        char axes[256] = "";
        for (size_t j = 0; j < e->nover; j++) {
            size_t l = strlen(axes);
            snprintf(axes + l, sizeof axes - l, "%s%s", j ? ", " : "",
                     b->meth->dims[e->over[j]].name);
        }
        return mrv_error(d, at, MRV_EREF,
                         "'%s' is over [%s]: name one member of each, "
                         "separated by commas, not '%s'",
                         e->name, axes, text);
    }
    *m = mrv_bound_eq_combo(b, (size_t)eq, pos);
    return MRV_OK;
}

/* Explains equation eq at 'year', for its combination of members 'only'
** or, when that is SIZE_MAX, for each in turn. */
static mrv_status explain_tree(xstate *x, int eq, int year, size_t only)
{
    const mrv_run *run = x->run;
    const mrv_bound *b = run->bound;
    const mrv_project *pj = b->project;
    bool json = x->o->json;
    if (json) fputs("\"nodes\": [", x->f);
    if (!json) fprintf(x->f, "%s, methodology %s", pj->id, b->meth->id);
    if (!json && b->meth->version) fprintf(x->f, " v%ld", b->meth->version);
    char days[40], hours[40];
    if (!json)
        fprintf(
            x->f,
            ", vintage %d: central case (every input at its value)\n"
            "a year of %s days (%s h)%s converts d, h, min, s and W to yr\n\n",
            year, mrv_fmt_shortest(b->year_days, days, sizeof days),
            mrv_fmt_num(b->year_days * 24, 0, hours, sizeof hours),
            pj->year_length ? ", as the project states," : ", the default,");
    /* Roots pushed last first, so they pop in the members' order. */
    size_t nm = b->eq_nmem[eq];
    for (size_t i = nm; i-- > 0;) {
        if (only != SIZE_MAX && i != only) continue;
        xnode root = {MRV_TRAIL_EQ, eq, year, i, 1};
        if (!mrv_vec_push(&x->stack, &root)) return MRV_ENOMEM;
    }
    mrv_status st = MRV_OK;
    while (x->stack.n && st == MRV_OK) {
        xnode n = MRV_VEC_AT(&x->stack, xnode, --x->stack.n);
        if (is_done(x, &n)) continue;
        if (!mark_done(x, &n)) return MRV_ENOMEM;
        st = json ? json_node(x, &n) : explain_node(x, &n);
    }
    if (json) fputs(x->nnodes ? "\n  ]" : "]", x->f);
    return st;
}

mrv_status mrv_explain(const mrv_run *run, const mrv_explain_opts *o, FILE *out,
                       mrv_diag *d)
{
    const mrv_bound *b = run->bound;
    int eq, pi;
    /* NAME[MEMBERS] is NAME with --member MEMBERS. */
    char name[256], members[256];
    const char *member = o->member;
    const char *open = strchr(o->name, '[');
    snprintf(name, sizeof name, "%.*s",
             open ? (int)(open - o->name) : (int)strlen(o->name), o->name);
    if (open) {
        size_t n = strlen(open + 1);
        mrv_srcpos none = {NULL, 0, 0};
        if (n == 0 || open[n] != ']' || strchr(open + 1, '[') ||
            n > sizeof members)
            return mrv_error(d, none, MRV_EREF,
                             "'%s' is not a name, nor NAME[MEMBER]", o->name);
        if (member)
            return mrv_error(d, none, MRV_EREF,
                             "the member is given twice: in '%s' and with "
                             "--member",
                             o->name);
        snprintf(members, sizeof members, "%.*s", (int)n - 1, open + 1);
        member = members;
    }
    mrv_status st = find_name(run, name, &eq, &pi, d);
    if (st != MRV_OK) return st;
    size_t only = SIZE_MAX;
    if (member && eq < 0)
        return mrv_error(d, (mrv_srcpos){b->meth->doc->path, 0, 0}, MRV_EREF,
                         "'%s' is a parameter: it is explained member by "
                         "member, with no --member",
                         name);
    if (member && (st = find_members(run, eq, member, &only, d)) != MRV_OK)
        return st;
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
    if (!run->trail) {
        mrv_srcpos none = {NULL, 0, 0};
        return mrv_error(d, none, MRV_EINTERNAL,
                         "the run has no trail to explain (it must be made "
                         "with the 'trail' option)");
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
    x.mem = calloc(b->ndims + 1, sizeof *x.mem);
    if (o->json) {
        fputs("{\"project\": ", f);
        mrv_json_str(f, b->project->id);
        fputs(", \"methodology\": ", f);
        mrv_json_str(f, b->meth->id);
        fputs(", \"name\": ", f);
        mrv_json_str(f, o->name);
        fputs(", \"vintage\": ", f);
        json_year(f, o->year);
        fputs(", \"year_days\": ", f);
        mrv_json_num(f, b->year_days);
        fprintf(f, ", \"kind\": \"%s\",\n  ",
                eq >= 0 ? "equation" : "parameter");
        if (eq < 0) fputs("\"parameter\": ", f);
    }
    if (!x.mem) {
        st = MRV_ENOMEM;
    } else if (eq >= 0) {
        x.done_eq = calloc(b->neqvals + 1, sizeof *x.done_eq);
        st = x.done_eq ? explain_tree(&x, eq, o->year, only) : MRV_ENOMEM;
    } else if (o->json) {
        st = json_param(run, pi, o->year, x.mem, f);
    } else {
        st = explain_param(run, pi, o->year, x.mem, f);
    }
    if (o->json) fputs("}\n", f);
    free(x.mem);
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
