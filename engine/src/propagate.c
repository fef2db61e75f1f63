/*
** propagate.c -- IPCC Approach 1 by numeric derivatives of the program.
**
** The derivatives of every result (per vintage and total) with respect to
** every uncertain input come from one evaluation of the lowered program
** over a block of lanes: lane 0 is the central case, and each input with
** a positive sd has two lanes, x - h and x + h, with every other input at
** its central value.  The step h is the input's sd: the symmetric form
** of Kragten's spreadsheet method (the GUM's numerical sensitivity
** coefficients), exact for a linear model and close to the local
** derivative for a smooth one, but sane where the model has a step: with
** a tiny h, 'if(y <= Y_END, ...)' with Y_END uncertain gave a slope of
** jump / 2h, an interval twenty times the Monte Carlo's.  A lane that
** would leave the input's bounds stays at the central value instead (a
** one-sided difference), so a bounded input is never evaluated where the
** methodology does not define it.
**
** The total's derivative is that of the sum of the vintages, lane by lane,
** so a draw shared by all vintages contributes the linear sum of its
** per-vintage effects, as the Monte Carlo's draw-by-draw total does.
**
** Owns nothing beyond the call: one slot buffer, the lanes' results.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cdf.h"
#include "eval.h"
#include "propagate.h"

double mrv_propagate_step(double x, double sd)
{
    return fmax(sd, 1e-8 * fabs(x));
}

/* One perturbed input: its lanes' input values. */
typedef struct pert {
    size_t input;
    double xm, xp; /* values in lanes 1 + 2q and 2 + 2q */
} pert;

/* Whether input k is moved, and to where: x -+ h inside its bounds (a
** lane that would leave them stays at x); not when it is certain or its
** bounds are too tight to move it (no slope). */
static bool perturb(const mrv_ipcc_input *in, size_t k, pert *q)
{
    double x = in[k].center, sd = in[k].sd;
    if (!(sd > 0)) return false;
    double h = mrv_propagate_step(x, sd);
    *q = (pert){k, x - h, x + h};
    if (q->xm < in[k].lo) q->xm = x;
    if (q->xp > in[k].hi) q->xp = x;
    return q->xp != q->xm;
}

bool mrv_propagate_fits(const mrv_program *p, const mrv_ipcc_input *in,
                        double *work, uint64_t *bytes)
{
    const size_t per_chunk = (MRV_EVAL_BLOCK - 1) / 2;
    size_t np = 0;
    pert q;
    for (size_t k = 0; k < p->ninputs; k++) np += perturb(in, k, &q);
    double passes = (double)((np + per_chunk - 1) / per_chunk);
    *work = passes * (double)p->ncode * (double)MRV_EVAL_BLOCK;
    *bytes = ((uint64_t)p->nslots + 1) * MRV_EVAL_BLOCK * sizeof(double);
    return *work <= MRV_IPCC_MAX_WORK && *bytes <= MRV_IPCC_MAX_BYTES;
}

/* The value of column c (v * R + r; v == nvint the total) in lane l. */
static double lane_value(const mrv_program *p, const double *slots,
                         size_t stride, size_t c, size_t l)
{
    size_t nv = p->nvint, r = c % MRV_NRESULTS, v = c / MRV_NRESULTS;
    if (v < nv)
        return slots[(size_t)p->result_slot[c] * stride + l] *
               p->result_scale[c];
    double t = 0;
    for (size_t u = 0; u < nv; u++) {
        size_t k = u * MRV_NRESULTS + r;
        t += slots[(size_t)p->result_slot[k] * stride + l] * p->result_scale[k];
    }
    return t;
}

mrv_status mrv_propagate(const mrv_program *p, const mrv_ipcc_input *in,
                         double confidence, mrv_stat *stats)
{
    size_t ncols = (p->nvint + 1) * MRV_NRESULTS, np = 0;
    const size_t stride = MRV_EVAL_BLOCK, per_chunk = (MRV_EVAL_BLOCK - 1) / 2;
    double work;
    uint64_t bytes;
    if (!mrv_propagate_fits(p, in, &work, &bytes)) {
        for (size_t c = 0; c < ncols; c++) {
            stats[c].ipcc_sd = stats[c].ipcc_lower = stats[c].ipcc_upper =
                (double)NAN;
            stats[c].ipcc_disagrees = false;
        }
        return MRV_OK;
    }
    pert *pt = malloc((p->ninputs + 1) * sizeof *pt);
    double *slots = malloc((p->nslots + 1) * stride * sizeof *slots);
    double *var = calloc(ncols, sizeof *var);
    bool *broken = calloc(ncols, sizeof *broken);
    uint64_t *bad = calloc(p->nchecks + 1, sizeof *bad);
    uint64_t *first = malloc((p->nchecks + 1) * sizeof *first);
    mrv_status st = MRV_OK;
    if (!pt || !slots || !var || !broken || !bad || !first) {
        st = MRV_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < p->ninputs; k++)
        if (perturb(in, k, &pt[np])) np++;
    mrv_eval_fill_consts(p, slots, stride, stride);
    /* Every input at its central value in every lane, once: a chunk
    ** moves two lanes of each of its inputs and puts them back after, so
    ** the work per chunk is its inputs', not every input's (refilling
    ** every input for every chunk was quadratic in the inputs). */
    for (size_t k = 0; k < p->ninputs; k++)
        for (size_t l = 0; l < stride; l++)
            slots[k * stride + l] = in[k].center;
    for (size_t c0 = 0; c0 < np; c0 += per_chunk) {
        size_t nq = np - c0 < per_chunk ? np - c0 : per_chunk;
        size_t lanes = 1 + 2 * nq;
        for (size_t q = 0; q < nq; q++) {
            const pert *e = &pt[c0 + q];
            slots[e->input * stride + 1 + 2 * q] = e->xm;
            slots[e->input * stride + 2 + 2 * q] = e->xp;
        }
        for (size_t c = 0; c < p->nchecks; c++) first[c] = UINT64_MAX;
        mrv_eval_run(p, slots, stride, lanes, 0, bad, first);
        for (size_t c = 0; c < ncols; c++) {
            for (size_t q = 0; q < nq; q++) {
                const pert *e = &pt[c0 + q];
                double fm = lane_value(p, slots, stride, c, 1 + 2 * q);
                double fp = lane_value(p, slots, stride, c, 2 + 2 * q);
                double der = (fp - fm) / (e->xp - e->xm);
                double s = der * in[e->input].sd;
                if (!isfinite(s)) broken[c] = true;
                var[c] += s * s;
            }
        }
        /* After the results are read: a result may be an input's slot. */
        for (size_t q = 0; q < nq; q++) {
            const pert *e = &pt[c0 + q];
            slots[e->input * stride + 1 + 2 * q] = in[e->input].center;
            slots[e->input * stride + 2 + 2 * q] = in[e->input].center;
        }
    }
    double z = mrv__cdf_normal_Pinv((1 + confidence) / 2);
    for (size_t c = 0; c < ncols; c++) {
        mrv_stat *s = &stats[c];
        if (broken[c] || !isfinite(var[c])) {
            s->ipcc_sd = s->ipcc_lower = s->ipcc_upper = (double)(double)NAN;
            s->ipcc_disagrees = false;
            continue;
        }
        s->ipcc_sd = sqrt(var[c]);
        s->ipcc_lower = s->central - z * s->ipcc_sd;
        s->ipcc_upper = s->central + z * s->ipcc_sd;
        if (!isfinite(s->ipcc_lower) || !isfinite(s->ipcc_upper)) {
            s->ipcc_sd = s->ipcc_lower = s->ipcc_upper = (double)NAN;
            s->ipcc_disagrees = false;
            continue;
        }
        double hw = s->upper / 2 - s->lower / 2;
        double tol = MRV_IPCC_TOLERANCE * hw;
        /* A result the draws do not move at all (leakage 0, say) agrees
        ** when Approach 1 does not move it either, up to rounding. */
        if (!(tol > 0)) tol = 1e-9 * fmax(1, fabs(s->central));
        double dlo = fabs(s->ipcc_lower - s->lower);
        bool total = c >= p->nvint * MRV_NRESULTS;
        bool sign = (s->ipcc_lower > 0) != (s->lower > 0);
        bool material = total && dlo > MRV_IPCC_MATERIAL * fabs(s->central);
        s->ipcc_disagrees = dlo > tol && (sign || material);
    }
out:
    free(pt);
    free(slots);
    free(var);
    free(broken);
    free(bad);
    free(first);
    return st;
}
