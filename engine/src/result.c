/*
** result.c -- reading what a run computed (result.h).
*/
#include "result.h"

double mrv_run_equation_value(const mrv_run *run, size_t e, size_t v, size_t m)
{
    const mrv_equation *eq = &run->bound->meth->eqs[e];
    double scale = mrv_unit_scale(eq->unit, run->bound->year_days);
    return run->eq_central[mrv_bound_eq_at(run->bound, e, v, m)] *
           (1.0 / scale);
}

void mrv_sensitivity_free(mrv_sensitivity *s)
{
    if (s) mrv_arena_free(s->arena);
}
