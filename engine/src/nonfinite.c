/*
** nonfinite.c -- a non-finite equation value, reported at its formula.
**
** The VM never traps: x/0 or ln(-1) make Inf or NaN, counted at each
** equation's check (eval.h).  When a check of the central case or of the
** Monte Carlo fails, this turns it into an input error: the failing lane
** is traced back to the operation that made the value from finite
** operands (mrv_eval_trace), and the error points at that operation in
** its formula, naming the equation (and its members, for one over
** dimensions), the vintage and how many draws failed.  It needs the
** program and the bound methodology, nothing of the run that found the
** failure.
*/
#include <stdio.h>

#include "eval.h"
#include "nonfinite.h"

mrv_status mrv__nonfinite_report(const mrv_program *p, const mrv_bound *b,
                                 size_t check, uint64_t nbad, uint64_t ndraws,
                                 uint64_t first_draw, const double *slots,
                                 size_t stride, size_t lane, mrv_diag *d)
{
    const mrv_methodology *m = b->meth;
    const mrv_check *ck = &p->checks[check];
    const mrv_equation *e = &m->eqs[ck->eq];
    int year = b->first + (int)ck->v;
    char label[512];
    mrv_bound_eq_label(b, (size_t)ck->eq, ck->m, label, sizeof label);
    char count[96];
    if (ndraws == 0)
        snprintf(count, sizeof count, "in the central case");
    else
        snprintf(count, sizeof count,
                 "in %llu of %llu draws (the first is "
                 "draw %llu)",
                 (unsigned long long)nbad, (unsigned long long)ndraws,
                 (unsigned long long)first_draw + 1);
    mrv_trace tr;
    if (mrv_eval_trace(p, slots, stride, lane, check, &tr) == 0) {
        const mrv_site *s = &p->sites[tr.site];
        const mrv_equation *se = &m->eqs[s->eq];
        const mrv_ynode *at = s->initial ? se->initial_node : se->formula_node;
        mrv_error(d, mrv_expr_pos(at, s->off), MRV_EDOMAIN,
                  "'%s' is not finite in vintage %d %s: %s", label, year, count,
                  tr.why);
        if (s->eq != ck->eq || s->initial)
            mrv_note(d, mrv_expr_pos(e->formula_node, 0),
                     "'%s' reads the value made there", e->name);
        return MRV_EDOMAIN;
    }
    return mrv_error(d, mrv_expr_pos(e->formula_node, 0), MRV_EDOMAIN,
                     "'%s' is not finite in vintage %d %s", label, year, count);
}
