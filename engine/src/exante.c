/*
** exante.c -- which inputs a monitored project changed (exante.h).
*/
#include <stdlib.h>
#include <string.h>

#include "caps_int.h"
#include "exante.h"
#include "output.h"

/* Elements compared per parameter at most: a registry of a million
** vehicles is compared whole, a product of larger dimensions only in
** part (and says so). */
#define MAX_ELEMENTS 4000000

/* Where bound 'b' gives parameter 'pi'. */
static void source_text(const mrv_bound *b, int pi, char *buf, size_t n)
{
    const char *origin = b->value_origin[pi];
    if (strcmp(origin, "data") == 0) {
        for (size_t i = 0; i < b->mon->nparams; i++)
            if (b->mon->params[i].param == pi) {
                snprintf(buf, n, "data file %s", b->mon->params[i].file->path);
                return;
            }
    }
    if (strcmp(origin, "default") == 0) {
        snprintf(buf, n, "methodology default");
        return;
    }
    const mrv_vnode *v = b->values[pi];
    snprintf(buf, n, "%s:%u:%u", v->pos.file ? v->pos.file : "?", v->pos.line,
             v->pos.col);
}

/* Whether parameters pa (of a) and pm (of m) lie over the same axes with
** the same members; else why not, into 'why'. */
static bool same_shape(const mrv_bound *a, const mrv_param *pa,
                       const mrv_bound *m, const mrv_param *pm, char *why,
                       size_t n)
{
    if (pa->nover != pm->nover) {
        snprintf(why, n, "over %zu axes ex ante, %zu monitored", pa->nover,
                 pm->nover);
        return false;
    }
    for (size_t i = 0; i < pa->nover; i++) {
        int xa = pa->over[i], xm = pm->over[i];
        if ((xa == MRV_AXIS_VINTAGE) != (xm == MRV_AXIS_VINTAGE) ||
            (xa != MRV_AXIS_VINTAGE &&
             strcmp(a->meth->dims[xa].name, m->meth->dims[xm].name) != 0)) {
            snprintf(why, n, "over other dimensions");
            return false;
        }
        if (xa == MRV_AXIS_VINTAGE) continue;
        const char *dn = m->meth->dims[xm].name;
        if (a->nmembers[xa] != m->nmembers[xm]) {
            snprintf(why, n, "%s has %zu members ex ante, %zu monitored", dn,
                     a->nmembers[xa], m->nmembers[xm]);
            return false;
        }
        for (size_t k = 0; k < a->nmembers[xa]; k++) {
            if (strcmp(a->members[xa][k], m->members[xm][k]) != 0) {
                snprintf(why, n,
                         "%s's members differ (%s ex ante, %s monitored)", dn,
                         a->members[xa][k], m->members[xm][k]);
                return false;
            }
        }
    }
    return true;
}

/* "DD[2026, commercial]" */
static void element_text(const mrv_bound *m, const mrv_param *p, int year,
                         const size_t *mem, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "%s", p->name);
    for (size_t i = 0; i < p->nover && o + 4 < n; i++) {
        const char *sep = i ? ", " : "[";
        if (p->over[i] == MRV_AXIS_VINTAGE)
            o += (size_t)snprintf(buf + o, n - o, "%s%d", sep, year);
        else
            o += (size_t)snprintf(buf + o, n - o, "%s%s", sep,
                                  m->members[p->over[i]][mem[p->over[i]]]);
    }
    if (p->nover && o + 2 < n) snprintf(buf + o, n - o, "]");
}

/* What comparing a parameter's elements found. */
enum { CMP_SAME, CMP_CHANGED, CMP_NONE };

/* Compares the elements of ea's 'ia' and mon's 'im' (same shape) over
** the vintages the monitored run covers; the first difference into c.
** CMP_NONE when no element could be compared (no vintage in common):
** nothing says they are the same. */
static int compare_values(const mrv_bound *ea, int ia, const mrv_bound *mon,
                          int im, mrv_input_change *c, size_t *ma, size_t *mm)
{
    const mrv_param *pa = &ea->meth->params[ia], *pm = &mon->meth->params[im];
    bool over_v = false;
    size_t na = 0;
    /* The sets of members, past 64 bits too (four dimensions read from
    ** data files make 10^24): one that wrapped to 0 would compare
    ** nothing and call every such parameter the same. */
    uint64_t total = 1;
    int dm[MRV_MAX_AXES], da[MRV_MAX_AXES];
    for (size_t i = 0; i < pm->nover; i++) {
        if (pm->over[i] == MRV_AXIS_VINTAGE) {
            over_v = true;
            continue;
        }
        dm[na] = pm->over[i];
        da[na++] = pa->over[i];
        total = mrv__caps_mul(total, mon->nmembers[pm->over[i]]);
    }
    /* Each set of members then compares at least one element, so the
    ** walk ends within MAX_ELEMENTS sets, however many there are. */
    bool any_year = !over_v;
    for (size_t v = 0; v < mon->nvint && !any_year; v++) {
        int y = mon->first + (int)v;
        any_year = mon->frac[v] != 0 && y >= ea->first && y <= ea->last;
    }
    if (!any_year) {
        snprintf(c->detail, sizeof c->detail,
                 "no vintage the monitored run covers is in the ex-ante "
                 "crediting period");
        return CMP_NONE;
    }
    uint64_t compared = 0;
    size_t cnt[MRV_MAX_AXES] = {0}, done = 0;
    for (uint64_t e = 0; e < total; e++) {
        for (size_t k = 0; k < na; k++) {
            mm[dm[k]] = cnt[k];
            ma[da[k]] = cnt[k];
        }
        for (size_t v = 0; v < (over_v ? mon->nvint : 1); v++) {
            int y = over_v ? mon->first + (int)v : MRV_NO_YEAR;
            if (over_v && (mon->frac[v] == 0 || y < ea->first || y > ea->last))
                continue;
            if (++done > MAX_ELEMENTS) {
                if (!compared) break; /* none had a value in both */
                snprintf(c->detail, sizeof c->detail,
                         "the first %d elements are the same; the rest were "
                         "not compared",
                         MAX_ELEMENTS);
                return CMP_SAME;
            }
            mrv_vpick ka, km;
            char why[8];
            if (mrv_bound_pick(ea, (size_t)ia, y, ma, &ka, why, sizeof why) !=
                    MRV_OK ||
                mrv_bound_pick(mon, (size_t)im, y, mm, &km, why, sizeof why) !=
                    MRV_OK)
                continue;
            compared++;
            double xa = mrv_vpick_central(&ka) /
                        mrv_unit_scale(pa->unit, ea->year_days);
            double xm = mrv_vpick_central(&km) /
                        mrv_unit_scale(pm->unit, mon->year_days);
            bool ua = ka.part[0].leaf->unc || ka.part[0].nrel;
            bool um = km.part[0].leaf->unc || km.part[0].nrel;
            if (xa == xm && ua == um) continue;
            char el[128], a[40], b[40];
            element_text(mon, pm, y, mm, el, sizeof el);
            if (xa == xm)
                snprintf(c->detail, sizeof c->detail,
                         "%s: the same value, %s uncertainty", el,
                         um ? "now with" : "now without");
            else
                snprintf(c->detail, sizeof c->detail, "%s: %s %s -> %s %s", el,
                         mrv_fmt_shortest(xa, a, sizeof a), pa->unit_text,
                         mrv_fmt_shortest(xm, b, sizeof b), pm->unit_text);
            return CMP_CHANGED;
        }
        if (done > MAX_ELEMENTS) break;
        for (size_t k = na; k-- > 0;) {
            if (++cnt[k] < mon->nmembers[dm[k]]) break;
            cnt[k] = 0;
        }
    }
    if (compared) return CMP_SAME;
    if (done > MAX_ELEMENTS)
        snprintf(c->detail, sizeof c->detail,
                 "none of the first %d elements has a value in both runs",
                 MAX_ELEMENTS);
    else
        snprintf(c->detail, sizeof c->detail,
                 "no element has a value in both runs");
    return CMP_NONE;
}

mrv_status mrv_exante_inputs(const mrv_bound *ea, const mrv_bound *mon,
                             mrv_input_change **out, size_t *n)
{
    const mrv_methodology *ma = ea->meth, *mm = mon->meth;
    *n = 0;
    *out = calloc(ma->nparams + mm->nparams + 1, sizeof **out);
    size_t *ka = calloc(ma->ndims + 1, sizeof *ka);
    size_t *km = calloc(mm->ndims + 1, sizeof *km);
    if (!*out || !ka || !km) {
        free(*out);
        free(ka);
        free(km);
        *out = NULL;
        return MRV_ENOMEM;
    }
    for (size_t i = 0; i < mm->nparams; i++) {
        mrv_input_change *c = &(*out)[(*n)++];
        const mrv_param *pm = &mm->params[i];
        int ia = mrv_methodology_param(ma, pm->name);
        c->name = pm->name;
        source_text(mon, (int)i, c->monitored, sizeof c->monitored);
        if (ia < 0) {
            c->status = "monitored only";
            continue;
        }
        source_text(ea, ia, c->ex_ante, sizeof c->ex_ante);
        const mrv_param *pa = &ma->params[ia];
        int found = same_shape(ea, pa, mon, pm, c->detail, sizeof c->detail)
                        ? compare_values(ea, ia, mon, (int)i, c, ka, km)
                        : CMP_CHANGED;
        c->status = found == CMP_SAME      ? "same"
                    : found == CMP_CHANGED ? "changed"
                                           : "not compared";
    }
    for (size_t i = 0; i < ma->nparams; i++) {
        if (mrv_methodology_param(mm, ma->params[i].name) >= 0) continue;
        mrv_input_change *c = &(*out)[(*n)++];
        c->name = ma->params[i].name;
        c->status = "ex-ante only";
        source_text(ea, (int)i, c->ex_ante, sizeof c->ex_ante);
    }
    free(ka);
    free(km);
    return MRV_OK;
}
