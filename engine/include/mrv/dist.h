/*
** dist.h -- samplers for the uncertainty distributions (docs/uncertainty.md).
**
** An mrv_sampler is set up once per uncertain input from its mrv_uncert
** (model.h): the parameters converted to what the samplers need, and the
** truncation to the parameter's bounds with its acceptance probability.
** It then draws either at random from a taus2 stream (mrv_sampler_fill)
** or by inverse CDF from a given uniform (mrv_sampler_from_unit, for Latin
** hypercube sampling).  Both give the truncated distribution: a draw
** outside [lo, hi] is never clamped.  Every function of a draw is
** computed with pmath.h and cdf.h, never libm's exp, log or pow, so the
** draws are the same bits on every machine.
**
** The parameter conversions are separate functions so that each can be
** unit-tested against hand-worked values.  Nothing here allocates.
*/
#ifndef MRV_DIST_H
#define MRV_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Below MRV_DIST_MIN_ACCEPT (caps.h) of the distribution inside its
** bounds, an uncertainty is an input error rather than something to
** sample (mrv_sampler_init's accept). */

typedef struct mrv_sampler {
    mrv_dist dist;
    double center;      /* value: mean (normal), median (lognormal),
                        ** mode (triangular, pert); 1 if relative */
    double mu, sigma;   /* normal: mean, sd; lognormal: zeta = ln median,
                        ** sigma = ln gsd (of ln X) */
    double a, c, b;     /* triangular, uniform, pert: min, mode, max */
    double fc;          /* triangular: F(c) = (c - a) / (b - a) */
    double wl, wr;      /* triangular: (b - a)(c - a), (b - a)(b - c) */
    double alpha, beta; /* pert: the Beta shapes */
    bool degenerate;    /* sd 0 or gsd 1: every draw is 'center' */
    double lo, hi;      /* truncation of the drawn value: -inf/+inf */
    bool truncated;     /* [lo, hi] cuts off part of the support */
    bool upper_tail;    /* [lo, hi] lies in the upper half: invert the
                        ** survival function Q for precision */
    double plo, phi;    /* F(lo), F(hi); or Q(lo), Q(hi) if upper_tail */
    double accept;      /* F(hi) - F(lo): share of the distribution kept */
} mrv_sampler;

/* ---- the ziggurat ------------------------------------------------------ */

/* Marsaglia and Tsang's ziggurat (J. Stat. Softw. 5(8), 2000) for the
** standard normal, with GSL's layout of one 32-bit generator output: 7
** bits pick one of 128 layers of equal area under exp(-x^2/2), one bit
** the sign, 24 bits the abscissa.  mrv_zig_init builds the tables from
** the paper's recurrence; mrv__zig_normal (dist_int.h) draws with the
** generator step inlined. */
#define MRV_ZIG_N 128
#define MRV_ZIG_R 3.442619855899      /* right edge of the bottom layer */
#define MRV_ZIG_V 9.91256303526217e-3 /* area of every layer */

typedef struct mrv_zig {
    uint32_t k[MRV_ZIG_N]; /* j < k[i]: the point lies under the curve */
    double w[MRV_ZIG_N];   /* x = j w[i] */
    double f[MRV_ZIG_N];   /* exp(-x_i^2 / 2) at layer i's right edge */
} mrv_zig;

void mrv_zig_init(mrv_zig *z);

/* ---- parameter conversions -------------------------------------------- */

/* Lognormal from its median and geometric sd: ln X ~ N(zeta, sigma^2) with
** zeta = ln median, sigma = ln gsd. */
void mrv_dist_lognormal_params(double median, double gsd, double *zeta,
                               double *sigma);
/* PERT(min a, mode c, max b) = a + (b - a) Beta(alpha, beta), with
** alpha = 1 + 4 (c - a) / (b - a), beta = 1 + 4 (b - c) / (b - a). */
void mrv_dist_pert_shape(double a, double c, double b, double *alpha,
                         double *beta);
/* Triangular(a, c, b): the CDF at the mode, (c - a) / (b - a). */
double mrv_dist_triangular_split(double a, double c, double b);

/* Analytic mean and sd of each (untruncated) distribution. */
void mrv_dist_lognormal_moments(double median, double gsd, double *mean,
                                double *sd);
void mrv_dist_triangular_moments(double a, double c, double b, double *mean,
                                 double *sd);
void mrv_dist_uniform_moments(double a, double b, double *mean, double *sd);
void mrv_dist_pert_moments(double a, double c, double b, double *mean,
                           double *sd);

/* ---- samplers --------------------------------------------------------- */

/* Sets up 's' for 'u' (validated by the loader: sd >= 0, gsd >= 1,
** min < max, the mode inside).  Always succeeds; the caller must refuse
** the input when s->accept < MRV_DIST_MIN_ACCEPT. */
void mrv_sampler_init(mrv_sampler *s, const mrv_uncert *u);

/* The CDF and its inverse of the untruncated distribution. */
double mrv_sampler_cdf(const mrv_sampler *s, double x);
double mrv_sampler_quantile(const mrv_sampler *s, double p);

/* Fills out[0..n) with independent draws of the truncated distribution
** from the taus2 stream 'st' (dist_int.h), consuming it in order, with
** the ziggurat 'z' for normals. */
void mrv_sampler_fill(const mrv_sampler *s, const mrv_zig *z, uint32_t st[3],
                      double *out, size_t n);

/* Whether mrv_sampler_fill2 may take 's': an untruncated normal,
** lognormal, triangular or uniform, one generator step per draw. */
bool mrv_sampler_pairable(const mrv_sampler *s);

/* Two samplers' fills at once, each from its own stream: the same draws
** as mrv_sampler_fill on each, sooner (the two streams' steps overlap).
** Both must be pairable. */
void mrv_sampler_fill2(const mrv_sampler *a, const mrv_sampler *b,
                       const mrv_zig *z, uint32_t sa[3], uint32_t sb[3],
                       double *oa, double *ob, size_t n);

/* Replaces u[0..n), uniforms on (0, 1), with the draws the untruncated
** triangular or uniform 's' makes from them. */
void mrv_sampler_from_uniforms(const mrv_sampler *s, double *u, size_t n);

/* The truncated distribution's quantile at u in (0, 1): u is spread over
** [F(lo), F(hi)], so a stratified u gives a stratified draw. */
double mrv_sampler_from_unit(const mrv_sampler *s, double u);

/* Mean and sd of the distribution as drawn (truncation included). */
void mrv_sampler_moments(const mrv_sampler *s, double *mean, double *sd);

/* "inverse CDF of gsl_rng_uniform_pos", ...: how this distribution is
** drawn by the random method, for report.json. */
const char *mrv_dist_sampler_text(mrv_dist d);
const char *mrv_dist_name(mrv_dist d);

#ifdef __cplusplus
}
#endif

#endif /* MRV_DIST_H */
