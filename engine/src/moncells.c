/*
** moncells.c -- a monitored parameter's rows into its values: cells,
** gaps and the value tree (docs/monitoring.md).
**
** A value of a monitored parameter is a cell: one set of members, and
** one vintage when the parameter is over vintage.  Its rows are those of
** its members dated in the days of the vintage that the run covers (the
** monitoring periods, or the crediting period without them; in a
** period's own run, the period), combined by the parameter's aggregate.
**
** Amounts and rates.  Formulas read every value as a yearly rate or a
** level: that is what a value written in YAML is, and the four results
** of a vintage are its formula values times frac, the share of its days
** the run covers.  Rows summed over the days they cover (aggregate sum
** or count, with a date, a year or active days) are an amount for those
** days instead, so a cell of them is divided by the share of a year it
** covers before a formula reads it; times frac again, a result built
** from it gives back the amount, and is never scaled twice.  A level
** (mean, min, max, last, or rows without a time) is read as it is.
**
** Gaps.  A cell must have a value: with a frequency, a row for every
** month (or day) of its days; without, at least one row.  An empty or
** rejected value is missing too.  Each gap is filled by the parameter's
** rule (error, hold, zero, a value, or a conservative choice the run
** makes from the model) and recorded with where it is, for the data-
** quality table.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_int.h"

#define MAXSPAN (MRV_MAX_PERIODS + 1)

/* ---- days covered ------------------------------------------------------ */

static int32_t year_start(int y)
{
    mrv_date d = {y, 1, 1};
    return mrv_date_ordinal(d);
}

static bool touches(int32_t from, int32_t to, int y)
{
    return from <= year_start(y + 1) - 1 && to >= year_start(y);
}

/* The days of year 'y' the run of 'b' covers, as disjoint spans in
** order, adjacent ones merged: the focus in a year it touches, else the
** covered days. */
static size_t covered(const mrv_mondata *md, int y, int32_t *from, int32_t *to)
{
    int32_t y0 = year_start(y), y1 = year_start(y + 1) - 1;
    size_t n = 0;
    if (md->focus && touches(md->focus_from, md->focus_to, y)) {
        from[0] = md->focus_from > y0 ? md->focus_from : y0;
        to[0] = md->focus_to < y1 ? md->focus_to : y1;
        return 1;
    }
    for (size_t i = 0; i < md->ncover; i++) {
        int32_t a = md->cover_from[i] > y0 ? md->cover_from[i] : y0;
        int32_t z = md->cover_to[i] < y1 ? md->cover_to[i] : y1;
        if (a > z) continue;
        if (n && a == to[n - 1] + 1) {
            to[n - 1] = z;
            continue;
        }
        from[n] = a;
        to[n++] = z;
    }
    return n;
}

static int32_t span_days(const int32_t *from, const int32_t *to, size_t n)
{
    int32_t d = 0;
    for (size_t i = 0; i < n; i++) d += to[i] - from[i] + 1;
    return d;
}

double mrv__covered_share(const mrv_bound *b, int y)
{
    int32_t from[MAXSPAN], to[MAXSPAN];
    size_t n = covered(b->mon, y, from, to);
    return (double)span_days(from, to, n) / mrv_date_days_in_year(y);
}

/* ---- the cells of one parameter ---------------------------------------- */

typedef struct cctx {
    mrv__mon *m;
    const mrv_monparam *mp;
    const mrv_param *p;
    bool over_v;
    int kpos[MRV_MAX_AXES]; /* over[k] -> position in mp->mem_dim */
    mrv_vnode *uncovered;   /* the value of a vintage the run does not
                            ** reach: 0 */
    mrv_vnode *absent;      /* cells without rows, with 'absent' */
    mrv_vec leaves;         /* per gap of this parameter, its leaf */
    size_t gbase;           /* the first of its gaps in m->gaps */
} cctx;

static int mem_cmp(const mrv_monparam *mp, const uint32_t *a, const uint32_t *b)
{
    for (size_t k = 0; k < mp->nmem; k++)
        if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
    return 0;
}

/* The rows of members 'mem': [*g0, *g1). */
static void group(const mrv_monparam *mp, const uint32_t *mem, size_t *g0,
                  size_t *g1)
{
    size_t lo = 0, hi = mp->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mem_cmp(mp, mp->rows[mid].mem, mem) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *g0 = lo;
    hi = mp->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mem_cmp(mp, mp->rows[mid].mem, mem) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *g1 = lo;
}

/* The first row of [g0, g1) dated on or after 'day'. */
static size_t first_day(const mrv_monparam *mp, size_t g0, size_t g1,
                        int32_t day)
{
    while (g0 < g1) {
        size_t mid = g0 + (g1 - g0) / 2;
        if (mp->rows[mid].day < day)
            g0 = mid + 1;
        else
            g1 = mid;
    }
    return g0;
}

/* "station S3, fleet commuter" */
static void members_text(const mrv__mon *m, const mrv_monparam *mp,
                         const uint32_t *mem, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < mp->nmem && o + 8 < n; k++) {
        int dim = mp->mem_dim[k];
        o += (size_t)snprintf(buf + o, n - o, "%s%s %s", k ? ", " : "",
                              m->b->meth->dims[dim].name,
                              m->b->members[dim][mem[k]]);
    }
}

static void slot_text(const mrv_monparam *mp, int vintage, int32_t from,
                      char *buf, size_t n)
{
    mrv_date d = mrv_date_from_ordinal(from);
    if (mp->frequency == MRV_FREQ_DAY)
        snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    else if (mp->frequency == MRV_FREQ_MONTH)
        snprintf(buf, n, "%04d-%02d", d.y, d.m);
    else if (vintage >= 0)
        snprintf(buf, n, "%d", vintage);
    else
        snprintf(buf, n, "the days covered");
}

/* Combines the cell's rows and filled gaps by the aggregate: the
** amount or level in the column's unit.  Rows active over days count
** their share of a year (value * days / days in the year). */
static double aggregate(const mrv_monparam *mp, const mrv_cellsrc *cs,
                        const mrv_gap *gaps, const int32_t *from,
                        const int32_t *to, size_t nspan)
{
    double acc = 0;
    size_t n = 0;
    int32_t last = INT32_MIN;
    for (size_t i = 0; i < cs->nrows + cs->ngaps; i++) {
        double x;
        int32_t day;
        if (i < cs->nrows) {
            const mrv_mrow *r = &mp->rows[cs->first + i];
            if (r->kind != MRV_ROW_VALUE) continue;
            x = r->value;
            day = r->day;
            if (mp->timing == MRV_TIME_ACTIVE) {
                int32_t d = 0;
                for (size_t s = 0; s < nspan; s++) {
                    int32_t a = r->day > from[s] ? r->day : from[s];
                    int32_t z = r->day2 < to[s] ? r->day2 : to[s];
                    if (z >= a) d += z - a + 1;
                }
                int y = mrv_date_from_ordinal(from[0]).y;
                x *= (double)d / mrv_date_days_in_year(y);
            }
        } else {
            const mrv_gap *g = &gaps[cs->gap0 + i - cs->nrows];
            x = g->value;
            day = g->to;
        }
        switch (mp->agg) {
        case MRV_AGG_NONE:
        case MRV_AGG_SUM:
        case MRV_AGG_MEAN:
            acc = n ? acc + x : x;
            break;
        case MRV_AGG_COUNT:
            acc += 1;
            break;
        case MRV_AGG_MIN:
            acc = n && acc < x ? acc : x;
            break;
        case MRV_AGG_MAX:
            acc = n && acc > x ? acc : x;
            break;
        case MRV_AGG_LAST:
            if (day >= last) {
                acc = x;
                last = day;
            }
            break;
        }
        n++;
    }
    if (mp->agg == MRV_AGG_MEAN && n) acc /= (double)n;
    return acc;
}

/* The value a formula reads: in the internal scale, an amount divided by
** the share of a year it covers. */
static double cell_value(const mrv_monparam *mp, const mrv_cellsrc *cs,
                         double year_days)
{
    double x = mrv_unit_to_internal(cs->raw, mp->unit, year_days);
    return cs->share > 0 ? x / cs->share : x;
}

/* The lowest and highest readings of members 'mem' in the run's days,
** or of all members when those have none; false when there are none. */
static bool records_range(const cctx *c, const uint32_t *mem, double *lo,
                          double *hi, uint32_t *llo, uint32_t *lhi)
{
    const mrv_monparam *mp = c->mp;
    const mrv_mondata *md = c->m->md;
    size_t g0, g1;
    group(mp, mem, &g0, &g1);
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;
        for (size_t i = pass ? 0 : g0; i < (pass ? mp->nrows : g1); i++) {
            const mrv_mrow *r = &mp->rows[i];
            if (r->kind != MRV_ROW_VALUE) continue;
            if (md->focus && mp->timing == MRV_TIME_DATE &&
                (r->day < md->focus_from || r->day > md->focus_to))
                continue;
            if (!any || r->value < *lo) *lo = r->value, *llo = r->line;
            if (!any || r->value > *hi) *hi = r->value, *lhi = r->line;
            any = true;
        }
        if (any) return true;
    }
    return false;
}

/* Fills gap 'g' (its slot, members and row set) by the parameter's rule;
** false after recording an error. */
static bool fill_gap(cctx *c, mrv_gap *g, size_t g0, size_t g1)
{
    const mrv_monparam *mp = c->mp;
    mrv__mon *m = c->m;
    char mtext[200], stext[32];
    members_text(m, mp, g->mem, mtext, sizeof mtext);
    slot_text(mp, g->vintage, g->from, stext, sizeof stext);
    g->fill = mp->fill;
    switch (mp->fill) {
    case MRV_GAP_ERROR: {
        const char *path = mp->file->path;
        if (g->line) {
            const mrv_mrow *r = NULL;
            for (size_t i = g0; i < g1 && !r; i++)
                if (mp->rows[i].line == g->line) r = &mp->rows[i];
            mrv_srcpos at = {path, g->line, r ? r->col_val : 1};
            mrv_error(m->d, at, MRV_EDOMAIN,
                      "'%s' has no value for %s%s%s: this %s (a gap; "
                      "declare 'missing:' to fill gaps)",
                      mp->name, mtext, mtext[0] ? " in " : "", stext,
                      g->kind == MRV_ROW_REJECTED ? "reading is rejected"
                                                  : "row's value is empty");
        } else {
            mrv_error(m->d, mrv_ymap_get(mp->node, "csv")->pos, MRV_EDOMAIN,
                      "'%s' has no row for %s%s%s in data file '%s' (a gap): "
                      "add it, or declare 'missing:' to fill gaps",
                      mp->name, mtext, mtext[0] ? " in " : "", stext,
                      mp->file->rel);
        }
        return false;
    }
    case MRV_GAP_HOLD: {
        if (mp->timing == MRV_TIME_NONE) break;
        size_t i = first_day(mp, g0, g1, g->from);
        while (i > g0 && mp->rows[i - 1].kind != MRV_ROW_VALUE) i--;
        if (i > g0) {
            g->value = mp->rows[i - 1].value;
            g->from_line = mp->rows[i - 1].line;
            return true;
        }
        break;
    }
    case MRV_GAP_ZERO:
        g->value = 0;
        return true;
    case MRV_GAP_VALUE:
        g->value = mp->fill_value;
        return true;
    case MRV_GAP_CONSERVATIVE: {
        const mrv_param *p = c->p;
        if (mp->range == MRV_RANGE_GIVEN) {
            g->lo = mp->range_lo;
            g->hi = mp->range_hi;
        } else if (mp->range == MRV_RANGE_BOUNDS) {
            double yd = m->b->year_days;
            g->lo = mrv_unit_from_internal(
                mrv_unit_to_internal(p->lo, p->unit, yd), mp->unit, yd);
            g->hi = mrv_unit_from_internal(
                mrv_unit_to_internal(p->hi, p->unit, yd), mp->unit, yd);
        } else if (!records_range(c, g->mem, &g->lo, &g->hi, &g->lo_line,
                                  &g->hi_line)) {
            mrv_error(m->d, mp->missing_node->pos, MRV_EDOMAIN,
                      "'%s' has no readings in the days covered to take a "
                      "conservative range from (the gap is %s%s%s)",
                      mp->name, mtext, mtext[0] ? " in " : "", stext);
            return false;
        }
        /* The lower end until the run has tried both (mrv_bound_set_
        ** conservative); the row it came from goes with it. */
        g->value = g->lo;
        g->from_line = g->lo_line;
        g->chosen = NULL;
        return true;
    }
    }
    mrv_error(m->d, mp->missing_node->pos, MRV_EDOMAIN,
              "'%s' has a gap for %s%s%s and nothing earlier to hold "
              "(missing: hold carries the latest earlier reading forward)",
              mp->name, mtext, mtext[0] ? " in " : "", stext);
    return false;
}

static bool add_gap(cctx *c, mrv_gap *g, size_t g0, size_t g1)
{
    if (!fill_gap(c, g, g0, g1)) return false;
    mrv_vnode *none = NULL;
    if (!mrv_vec_push(&c->m->gaps, g) || !mrv_vec_push(&c->leaves, &none)) {
        c->m->failed = true;
        return false;
    }
    return true;
}

/* Records the gaps of one cell (its rows [r0, r1) of group [g0, g1)):
** the slots of its days without a value. */
static bool cell_gaps(cctx *c, const uint32_t *mem, int vintage,
                      const int32_t *from, const int32_t *to, size_t nspan,
                      size_t g0, size_t g1, size_t r0, size_t r1)
{
    const mrv_monparam *mp = c->mp;
    mrv_gap g;
    memset(&g, 0, sizeof g);
    g.mp = mp;
    g.window = c->m->md->focus;
    g.vintage = vintage;
    memcpy(g.mem, mem, sizeof g.mem);
    bool ok = true;
    if (!mp->frequency) {
        size_t any = 0;
        uint32_t line = 0, kind = MRV_ROW_VALUE;
        for (size_t i = r0; i < r1; i++) {
            if (mp->rows[i].kind == MRV_ROW_VALUE)
                any++;
            else if (!line)
                line = mp->rows[i].line, kind = mp->rows[i].kind;
        }
        if (any || (r1 == r0 && mp->has_absent)) return true;
        g.from = from[0];
        g.to = to[nspan - 1];
        g.line = line;
        g.kind = kind;
        return add_gap(c, &g, g0, g1);
    }
    /* One slot per month (or day) of the covered days. */
    int32_t a = from[0], z = to[nspan - 1];
    size_t i = r0;
    while (a <= z && ok) {
        int32_t b = a;
        if (mp->frequency == MRV_FREQ_MONTH) {
            mrv_date d = mrv_date_from_ordinal(a);
            mrv_date e = {d.m == 12 ? d.y + 1 : d.y, d.m == 12 ? 1 : d.m + 1,
                          1};
            b = mrv_date_ordinal(e) - 1;
            if (b > z) b = z;
        }
        bool in = false; /* does the slot meet a span? */
        for (size_t s = 0; s < nspan; s++) in |= from[s] <= b && to[s] >= a;
        bool value = false;
        uint32_t line = 0, kind = MRV_ROW_VALUE;
        for (; i < r1 && mp->rows[i].day <= b; i++) {
            if (mp->rows[i].day < a) continue;
            if (mp->rows[i].kind == MRV_ROW_VALUE)
                value = true;
            else
                line = mp->rows[i].line, kind = mp->rows[i].kind;
        }
        if (in && !value) {
            g.from = a;
            g.to = b;
            g.line = line;
            g.kind = kind;
            ok = add_gap(c, &g, g0, g1);
        }
        a = b + 1;
    }
    return ok;
}

static mrv_vnode *new_leaf(cctx *c, mrv_srcpos pos)
{
    mrv_vnode *l = mrv_arena_alloc(c->m->a, sizeof *l);
    if (!l) return c->m->failed = true, NULL;
    l->kind = MRV_V_LEAF;
    l->dim = -1;
    l->pos = pos;
    return l;
}

/* The value of members 'mem' (positions of mp->mem_dim) in 'year'
** (MRV_NO_YEAR for a parameter without vintage). */
static mrv_vnode *leaf_for(cctx *c, const uint32_t *mem, int year)
{
    const mrv_monparam *mp = c->mp;
    mrv__mon *m = c->m;
    const mrv_mondata *md = m->md;
    const mrv_bound *b = m->b;
    /* A period's run keeps the run's values in the vintages it does not
    ** touch: they are read only by lags, and must be the same. */
    if (b->parent && year != MRV_NO_YEAR &&
        !touches(md->focus_from, md->focus_to, year)) {
        size_t full[MRV_MAX_AXES + 64] = {0};
        size_t *fm = full;
        size_t *heap = NULL;
        if (b->meth->ndims > sizeof full / sizeof *full) {
            heap = calloc(b->meth->ndims, sizeof *heap);
            if (!heap) return m->failed = true, NULL;
            fm = heap;
        }
        for (size_t k = 0; k < mp->nmem; k++) fm[mp->mem_dim[k]] = mem[k];
        mrv_vpick pk;
        char why[8];
        mrv_status st = mrv_bound_pick(b->parent, (size_t)mp->param, year, fm,
                                       &pk, why, sizeof why);
        free(heap);
        if (st != MRV_OK) return m->failed = true, NULL;
        return (mrv_vnode *)pk.part[0].leaf;
    }
    int32_t from[MAXSPAN], to[MAXSPAN];
    size_t nspan = 0;
    double share = 0;
    size_t g0, g1, r0, r1;
    group(mp, mem, &g0, &g1);
    if (year != MRV_NO_YEAR) {
        nspan = covered(md, year, from, to);
        if (!nspan) return c->uncovered;
        int diy = mrv_date_days_in_year(year);
        if (mp->timing == MRV_TIME_YEAR) {
            const mrv_project *p = b->project;
            int32_t a = p->period_from > year_start(year) ? p->period_from
                                                          : year_start(year);
            int32_t z = p->period_to < year_start(year + 1) - 1
                            ? p->period_to
                            : year_start(year + 1) - 1;
            share = (double)(z - a + 1) / diy;
        } else {
            share = (double)span_days(from, to, nspan) / diy;
        }
        switch (mp->timing) {
        case MRV_TIME_DATE:
            r0 = first_day(mp, g0, g1, from[0]);
            r1 = first_day(mp, r0, g1, to[nspan - 1] + 1);
            break;
        case MRV_TIME_YEAR:
            r0 = first_day(mp, g0, g1, year);
            r1 = first_day(mp, r0, g1, year + 1);
            break;
        default: /* active rows: each counts the days it meets */
            r0 = g0;
            r1 = g1;
            break;
        }
    } else {
        /* One value for all the days covered. */
        r0 = g0;
        r1 = g1;
        for (int y = b->first; y <= b->last; y++) {
            int32_t f[MAXSPAN], t[MAXSPAN];
            size_t k = covered(md, y, f, t);
            share += (double)span_days(f, t, k) / mrv_date_days_in_year(y);
            if (k && !nspan) from[0] = f[0];
            if (k) to[0] = t[k - 1], nspan = 1;
        }
        if (md->focus && mp->timing == MRV_TIME_DATE) {
            r0 = first_day(mp, g0, g1, md->focus_from);
            r1 = first_day(mp, r0, g1, md->focus_to + 1);
        }
        if (!nspan) return c->uncovered;
    }
    if (r1 == r0 && mp->has_absent && mp->timing != MRV_TIME_ACTIVE)
        return c->absent;
    size_t gap0 = m->gaps.n;
    if (mp->timing != MRV_TIME_ACTIVE &&
        !cell_gaps(c, mem, year, from, to, nspan, g0, g1, r0, r1))
        return NULL;
    mrv_cellsrc *cs = mrv_arena_alloc(m->a, sizeof *cs);
    if (!cs) return m->failed = true, NULL;
    cs->mp = mp;
    cs->first = r0;
    cs->nrows = r1 - r0;
    cs->share = mp->amount ? share : 0;
    cs->vintage = year;
    cs->gap0 = gap0;
    cs->ngaps = m->gaps.n - gap0;
    cs->covered = true;
    cs->raw = aggregate(mp, cs, m->gaps.data, from, to, nspan);
    mrv_srcpos pos = mrv_ymap_get(mp->node, "csv")->pos;
    for (size_t i = r0; i < r1; i++) {
        if (mp->rows[i].kind != MRV_ROW_VALUE) continue;
        pos.file = mp->file->path;
        pos.line = mp->rows[i].line;
        pos.col = mp->rows[i].col_val;
        break;
    }
    mrv_vnode *l = new_leaf(c, pos);
    if (!l) return NULL;
    l->cell = cs;
    l->value = cell_value(mp, cs, b->year_days);
    if (!isfinite(l->value)) {
        /* Each row fits a double; their sum (or a yearly rate of it)
        ** may not.  The formulas must never read an infinite value. */
        char mtext[200], ytext[16] = "";
        members_text(m, mp, mem, mtext, sizeof mtext);
        if (year != MRV_NO_YEAR) snprintf(ytext, sizeof ytext, "%d", year);
        mrv_error(m->d, pos, MRV_EDOMAIN,
                  "'%s'%s%s%s%s: the %s of its %zu row%s is beyond the "
                  "largest double once converted (the first is here)",
                  mp->name, mtext[0] ? " for " : "", mtext,
                  ytext[0] ? " in " : "", ytext,
                  mp->agg == MRV_AGG_NONE ? "value" : mrv_agg_names[mp->agg],
                  cs->nrows, cs->nrows == 1 ? "" : "s");
        return NULL;
    }
    for (size_t i = gap0; i < m->gaps.n; i++)
        MRV_VEC_AT(&c->leaves, mrv_vnode *, i - c->gbase) = l;
    return l;
}

/* The tree of axes over[k..] for the members and year chosen so far. */
static mrv_vnode *build(cctx *c, size_t k, uint32_t *mem, int year)
{
    const mrv_param *p = c->p;
    if (k == p->nover) return leaf_for(c, mem, year);
    mrv__mon *m = c->m;
    const mrv_bound *b = m->b;
    mrv_vnode *n = mrv_arena_alloc(m->a, sizeof *n);
    if (!n) return m->failed = true, NULL;
    n->pos = c->mp->node->pos;
    int ax = p->over[k];
    if (ax == MRV_AXIS_VINTAGE) {
        n->kind = MRV_V_YEARS;
        n->dim = -1;
        n->n = b->nvint;
        n->years = mrv_arena_array(m->a, b->nvint, sizeof *n->years);
        n->kids = mrv_arena_array(m->a, b->nvint, sizeof *n->kids);
        if (!n->years || !n->kids) return m->failed = true, NULL;
        for (size_t v = 0; v < b->nvint; v++) {
            n->years[v] = b->first + (int)v;
            if (!(n->kids[v] = build(c, k + 1, mem, n->years[v]))) return NULL;
        }
        return n;
    }
    n->kind = MRV_V_MEMBERS;
    n->dim = ax;
    n->n = b->nmembers[ax];
    n->kids = mrv_arena_array(m->a, n->n, sizeof *n->kids);
    if (!n->kids) return m->failed = true, NULL;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        mem[c->kpos[k]] = (uint32_t)i;
        /* Keep going past a gap that is an error: every gap is worth a
        ** message, up to the sink's limit. */
        if (!(n->kids[i] = build(c, k + 1, mem, year))) ok = false;
        if (m->failed) return NULL;
    }
    return ok ? n : NULL;
}

/* Refuses a parameter with more cells than MRV_MAX_CELLS, at its
** 'members' (where the dimensions read from data files come in): each
** cell is looked up one by one, and four dimensions of up to
** MRV_MAX_RECORDS members make 10^24 of them. */
static bool few_enough_cells(mrv__mon *m, const mrv_monparam *mp,
                             const mrv_param *p)
{
    const mrv_bound *b = m->b;
    mrv__count c;
    mrv__count_axes(&c, b->meth, b->nmembers, b->nvint, p->over, p->nover);
    if (c.n <= MRV_MAX_CELLS) return true;
    const mrv_ynode *at = mrv_ymap_get(mp->node, "members");
    if (!at) at = mrv_ymap_get(mp->node, "csv");
    mrv_error(m->d, at->pos, MRV_EDOMAIN,
              "parameter '%s' would read %s values from its data file (a "
              "value per combination of %s), more than the %d one "
              "parameter may hold; reduce the members",
              p->name, c.text, c.factors, MRV_MAX_CELLS);
    return false;
}

/* Refuses a parameter with a frequency whose slots (a month or day of
** the days covered, per combination of its members) pass MRV_MAX_CELLS,
** at its 'frequency': each slot without a row is a gap kept in memory
** and listed in gaps.csv, so a few lines of YAML naming many members
** over a long crediting period would otherwise take gigabytes. */
static bool few_enough_slots(mrv__mon *m, const mrv_monparam *mp)
{
    const mrv_mondata *md = m->md;
    if (!mp->frequency) return true;
    int32_t a = INT32_MAX, z = INT32_MIN;
    for (size_t i = 0; i < md->ncover; i++) {
        if (md->cover_from[i] > md->cover_to[i]) continue;
        if (md->cover_from[i] < a) a = md->cover_from[i];
        if (md->cover_to[i] > z) z = md->cover_to[i];
    }
    if (a > z) return true;
    uint64_t per = (uint64_t)(z - a) + 1;
    bool month = mp->frequency == MRV_FREQ_MONTH;
    if (month) {
        mrv_date da = mrv_date_from_ordinal(a), dz = mrv_date_from_ordinal(z);
        per = (uint64_t)((dz.y - da.y) * 12 + dz.m - da.m + 1);
    }
    mrv__count c;
    mrv__count_axes(&c, m->b->meth, m->b->nmembers, m->b->nvint, mp->mem_dim,
                    mp->nmem);
    /* few_enough_cells came first: c.n <= MRV_MAX_CELLS, per < 80,000 */
    uint64_t n = c.n * per;
    if (n <= MRV_MAX_CELLS) return true;
    mrv_error(m->d, mrv_ymap_get(mp->node, "frequency")->pos, MRV_EDOMAIN,
              "'%s' is due every %s of the days covered (%llu) for each "
              "combination of %s: %llu readings to check for gaps, more "
              "than the %d one parameter may; reduce the members or the "
              "days",
              mp->name, month ? "month" : "day", (unsigned long long)per,
              c.factors, (unsigned long long)n, MRV_MAX_CELLS);
    return false;
}

/* Binds monitored parameter 'mp' into b->values[mp->param]. */
static bool bind_param(mrv__mon *m, const mrv_monparam *mp)
{
    cctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.mp = mp;
    c.p = &m->b->meth->params[mp->param];
    mrv_vec_init(&c.leaves, sizeof(mrv_vnode *));
    for (size_t k = 0; k < c.p->nover; k++) {
        c.over_v |= c.p->over[k] == MRV_AXIS_VINTAGE;
        for (size_t j = 0; j < mp->nmem; j++)
            if (mp->mem_dim[j] == c.p->over[k]) c.kpos[k] = (int)j;
    }
    mrv_srcpos at = mrv_ymap_get(mp->node, "csv")->pos;
    if (!few_enough_cells(m, mp, c.p) || !few_enough_slots(m, mp)) return false;
    static const mrv_cellsrc none = {0};
    c.uncovered = new_leaf(&c, at);
    c.absent = new_leaf(&c, at);
    if (!c.uncovered || !c.absent) return false;
    c.uncovered->cell = &none;
    c.absent->value = mp->absent;
    uint32_t mem[MRV_MAX_AXES] = {0};
    c.gbase = m->gaps.n;
    mrv_vnode *root = build(&c, 0, mem, MRV_NO_YEAR);
    bool ok = root != NULL && !m->failed;
    if (ok) {
        m->b->values[mp->param] = root;
        m->b->value_origin[mp->param] = "data";
    }
    /* Hand the leaves to the state: kept until the gaps are frozen. */
    for (size_t i = 0; i < c.leaves.n; i++) {
        mrv_vnode *l = MRV_VEC_AT(&c.leaves, mrv_vnode *, i);
        if (!mrv_vec_push(&m->leaves, &l)) m->failed = true;
    }
    mrv_vec_free(&c.leaves);
    return ok;
}

static bool freeze_gaps(mrv__mon *m)
{
    mrv_mondata *md = m->md;
    md->ngaps = m->gaps.n;
    md->gaps = mrv_arena_array(m->a, m->gaps.n + 1, sizeof *md->gaps);
    md->gap_leaf = mrv_arena_array(m->a, m->gaps.n + 1, sizeof *md->gap_leaf);
    if (!md->gaps || !md->gap_leaf) return false;
    if (m->gaps.n) {
        memcpy(md->gaps, m->gaps.data, m->gaps.n * sizeof *md->gaps);
        memcpy(md->gap_leaf, m->leaves.data, m->gaps.n * sizeof *md->gap_leaf);
    }
    /* The cells were built reading the growing list: point them at the
    ** frozen one (cellsrc.gap0 are indexes, the values are the same). */
    return true;
}

/* The monitored parameters of the state, with the project's order. */
static bool bind_all(mrv__mon *m, const mrv_monparam *ps, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n && !m->failed; i++) {
        /* Rows without a date are the same in a period as in its run: a
        ** period's bound keeps the run's values, gaps and choices. */
        if (m->b->parent && ps[i].timing == MRV_TIME_NONE) continue;
        ok = bind_param(m, &ps[i]) && ok;
    }
    if (m->failed || !freeze_gaps(m)) {
        mrv_srcpos whole = {m->b->project->doc->path, 0, 0};
        if (!mrv_diag_error_count(m->d) || mrv_diag_status(m->d) != MRV_ENOMEM)
            mrv_error(m->d, whole, MRV_ENOMEM, "out of memory");
        return false;
    }
    return ok;
}

bool mrv__mon_cells(mrv__mon *m)
{
    return bind_all(m, m->md->params, m->md->nparams);
}

/* ---- a monitoring period's bound --------------------------------------- */

mrv_status mrv_bound_focus(const mrv_bound *b, size_t period, mrv_bound **out,
                           mrv_diag *d)
{
    *out = NULL;
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    if (!a) return MRV_ENOMEM;
    mrv_bound *f = mrv_arena_alloc(a, sizeof *f);
    mrv_mondata *md = mrv_arena_alloc(a, sizeof *md);
    if (!f || !md) {
        mrv_arena_free(a);
        return MRV_ENOMEM;
    }
    *f = *b;
    f->arena = a;
    f->parent = b;
    *md = *b->mon;
    const mrv_period *pe = &b->mon->periods[period];
    /* Clipped to the crediting period: an ex-ante project may be run over
    ** another project's periods. */
    md->focus = pe->id;
    md->focus_from =
        pe->from > b->project->period_from ? pe->from : b->project->period_from;
    md->focus_to =
        pe->to < b->project->period_to ? pe->to : b->project->period_to;
    md->ngaps = 0;
    md->gaps = NULL;
    md->gap_leaf = NULL;
    f->mon = md;
    f->frac = mrv_arena_array(a, b->nvint, sizeof *f->frac);
    f->values = mrv_arena_array(a, b->meth->nparams + 1, sizeof *f->values);
    f->value_origin =
        mrv_arena_array(a, b->meth->nparams + 1, sizeof *f->value_origin);
    if (!f->frac || !f->values || !f->value_origin) {
        mrv_arena_free(a);
        return MRV_ENOMEM;
    }
    for (size_t v = 0; v < b->nvint; v++) {
        int y = b->first + (int)v;
        f->frac[v] = touches(md->focus_from, md->focus_to, y)
                         ? mrv__covered_share(f, y)
                         : 0;
    }
    memcpy(f->values, b->values, b->meth->nparams * sizeof *f->values);
    memcpy(f->value_origin, b->value_origin,
           b->meth->nparams * sizeof *f->value_origin);
    mrv__mon m;
    memset(&m, 0, sizeof m);
    m.b = f;
    m.md = md;
    m.a = a;
    m.d = d;
    mrv_vec_init(&m.gaps, sizeof(mrv_gap));
    mrv_vec_init(&m.leaves, sizeof(mrv_vnode *));
    size_t errs = mrv_diag_error_count(d);
    bool ok = bind_all(&m, md->params, md->nparams);
    mrv_vec_free(&m.gaps);
    mrv_vec_free(&m.leaves);
    if (!ok || mrv_diag_error_count(d) > errs) {
        mrv_status st = mrv_diag_status(d);
        mrv_arena_free(a);
        return st == MRV_OK ? MRV_EINTERNAL : st;
    }
    *out = f;
    return MRV_OK;
}

/* ---- conservative fills ------------------------------------------------ */

size_t mrv_bound_conservative(const mrv_bound *b, size_t *out, size_t cap)
{
    const mrv_mondata *md = b->mon;
    size_t n = 0;
    for (size_t i = 0; i < md->nparams; i++) {
        bool pending = false;
        for (size_t g = 0; g < md->ngaps && !pending; g++)
            pending = md->gaps[g].mp == &md->params[i] &&
                      md->gaps[g].fill == MRV_GAP_CONSERVATIVE;
        if (pending && n < cap) out[n++] = i;
    }
    /* A survey's precision that falls short: one choice per survey. */
    for (size_t i = 0; i < md->nsurveys; i++)
        if (md->surveys[i].pending && n < cap) out[n++] = md->nparams + i;
    return n;
}

void mrv_bound_set_conservative(mrv_bound *b, size_t mpi, bool upper,
                                bool decided)
{
    mrv_mondata *md = b->mon;
    if (mpi >= md->nparams) {
        mrv__survey_set_bound(&md->surveys[mpi - md->nparams], upper, decided);
        return;
    }
    const mrv_monparam *mp = &md->params[mpi];
    for (size_t g = 0; g < md->ngaps; g++) {
        mrv_gap *gp = &md->gaps[g];
        if (gp->mp != mp || gp->fill != MRV_GAP_CONSERVATIVE) continue;
        gp->value = upper ? gp->hi : gp->lo;
        gp->from_line = upper ? gp->hi_line : gp->lo_line;
        gp->chosen = decided ? (upper ? "upper" : "lower") : NULL;
    }
    for (size_t g = 0; g < md->ngaps; g++) {
        if (md->gaps[g].mp != mp || md->gaps[g].fill != MRV_GAP_CONSERVATIVE)
            continue;
        mrv_vnode *l = md->gap_leaf[g];
        mrv_cellsrc *cs = (mrv_cellsrc *)l->cell;
        int32_t from[1] = {0}, to[1] = {0};
        cs->raw = aggregate(mp, cs, md->gaps, from, to, 0);
        l->value = cell_value(mp, cs, b->year_days);
    }
}
