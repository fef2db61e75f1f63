/*
** test_dist.c -- samplers and parameter conversions (dist.h), and the
** per-block stream seeding (mc_int.h).
**
** Statistical tests in the manner of GSL's testMoments: with a fixed seed,
** N draws of each distribution must give a mean, an sd and the share of
** draws below several analytic quantiles within K standard errors of the
** analytic values.  K = 5 keeps a correct sampler's failure odds below
** 1e-6 per check, while a wrong parameterisation (sd for variance, rate
** for scale, mode for mean) misses by hundreds of standard errors at this
** N.  Truncation, the inverse CDF behind Latin hypercube sampling, and
** every conversion are checked against values worked by hand.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "dist.h"
#include "mc_int.h"

#define N  200000
#define K  5.0
#define PI 3.14159265358979323846

static mrv_uncert unc(mrv_dist d, double center, double p1, double p2)
{
    mrv_uncert u;
    memset(&u, 0, sizeof u);
    u.dist = d;
    u.center = center;
    u.lo = -(double)HUGE_VAL;
    u.hi = (double)HUGE_VAL;
    if (d == MRV_DIST_NORMAL) u.sd = p1;
    if (d == MRV_DIST_LOGNORMAL) u.gsd = p1;
    if (d == MRV_DIST_TRIANGULAR || d == MRV_DIST_UNIFORM ||
        d == MRV_DIST_PERT) {
        u.min = p1;
        u.max = p2;
    }
    return u;
}

/* N draws of 's' from a fixed stream, in blocks as mc.c draws them. */
static double *draws(const mrv_sampler *s, uint64_t seed)
{
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    mrv_zig z;
    mrv_zig_init(&z);
    uint64_t key = mrv__mc_stream_key(seed, 1);
    for (size_t b = 0; b * 1000 < N; b++) {
        uint32_t st[3];
        mrv__mc_block_state(key, b, st);
        mrv_sampler_fill(s, &z, st, x + b * 1000, 1000);
    }
    return x;
}

/* Checks sample mean and sd against 'mean' and 'sd' within K standard
** errors: se(mean) = sd / sqrt(N); se(s^2) = sqrt((m4 - s^4) / N) with the
** sample's fourth central moment m4. */
static void check_moments(const double *x, double mean, double sd)
{
    double m = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < N; i++) m += x[i];
    m /= N;
    for (size_t i = 0; i < N; i++) {
        double d = (x[i] - m) * (x[i] - m);
        m2 += d;
        m4 += d * d;
    }
    double var = m2 / (N - 1);
    m4 /= N;
    double se_mean = sd / sqrt((double)N);
    double se_var = sqrt(fmax(m4 - var * var, 0) / N);
    if (fabs(m - mean) > K * se_mean)
        fail_msg("mean %.9g, want %.9g (se %.3g)", m, mean, se_mean);
    if (fabs(var - sd * sd) > K * se_var + 1e-300)
        fail_msg("sd %.9g, want %.9g", sqrt(var), sd);
}

/* The share of draws below the analytic p-quantile must be p within K
** binomial standard errors, for several p. */
static void check_quantiles(const double *x, const mrv_sampler *s)
{
    static const double ps[] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
        double p = ps[j], q;
        if (s->truncated)
            q = mrv_sampler_from_unit(s, p);
        else
            q = mrv_sampler_quantile(s, p);
        size_t below = 0;
        for (size_t i = 0; i < N; i++) below += x[i] < q;
        double share = (double)below / N, se = sqrt(p * (1 - p) / N);
        if (fabs(share - p) > K * se)
            fail_msg("P(X < q(%g) = %.6g) = %.6g", p, q, share);
    }
}

static void check_dist(mrv_uncert u, double mean, double sd)
{
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    double *x = draws(&s, 20250101);
    check_moments(x, mean, sd);
    check_quantiles(x, &s);
    double m, d;
    mrv_sampler_moments(&s, &m, &d);
    assert_close(m, mean, 1e-12);
    assert_close(d, sd, 1e-12);
    free(x);
}

/* ---- conversions, worked by hand --------------------------------------- */

static void test_dist_lognormal_params(void **state)
{
    (void)state;
    double zeta, sigma;
    /* median 2, gsd e: ln X ~ N(ln 2, 1). */
    mrv_dist_lognormal_params(2, exp(1.0), &zeta, &sigma);
    assert_close(zeta, log(2.0), 1e-15);
    assert_close(sigma, 1, 1e-15);
    /* gsd 1 is no spread at all. */
    mrv_dist_lognormal_params(5, 1, &zeta, &sigma);
    assert_close(sigma, 0, 0);
}

static void test_dist_pert_shape(void **state)
{
    (void)state;
    double al, be;
    /* min 0, mode 1, max 4: alpha = 1 + 4 * 1/4 = 2, beta = 1 + 4 * 3/4 = 4. */
    mrv_dist_pert_shape(0, 1, 4, &al, &be);
    assert_close(al, 2, 1e-15);
    assert_close(be, 4, 1e-15);
    /* Symmetric: mode in the middle gives alpha = beta = 3. */
    mrv_dist_pert_shape(10, 15, 20, &al, &be);
    assert_close(al, 3, 1e-15);
    assert_close(be, 3, 1e-15);
    /* Mode at the minimum: alpha = 1, beta = 5. */
    mrv_dist_pert_shape(0, 0, 1, &al, &be);
    assert_close(al, 1, 1e-15);
    assert_close(be, 5, 1e-15);
}

static void test_dist_triangular_split(void **state)
{
    (void)state;
    /* F(c) = (c - a) / (b - a) = 1/4 for (0, 1, 4). */
    assert_close(mrv_dist_triangular_split(0, 1, 4), 0.25, 1e-15);
    assert_close(mrv_dist_triangular_split(2, 2, 3), 0, 0);
    assert_close(mrv_dist_triangular_split(2, 3, 3), 1, 1e-15);
}

static void test_dist_moments_by_hand(void **state)
{
    (void)state;
    double m, s;
    /* Lognormal, median 1, gsd e: mean e^(1/2) = 1.6487212707,
    ** sd e^(1/2) sqrt(e - 1) = 2.1611974158. */
    mrv_dist_lognormal_moments(1, exp(1.0), &m, &s);
    assert_close(m, 1.6487212707001282, 1e-14);
    assert_close(s, 2.1611974158950877, 1e-14);
    /* Triangular (0, 1, 4): mean 5/3; variance (0 + 16 + 1 - 0 - 0 - 4)/18
    ** = 13/18. */
    mrv_dist_triangular_moments(0, 1, 4, &m, &s);
    assert_close(m, 5.0 / 3, 1e-15);
    assert_close(s, sqrt(13.0 / 18), 1e-15);
    /* Uniform (2, 5): mean 3.5, sd 3 / sqrt(12). */
    mrv_dist_uniform_moments(2, 5, &m, &s);
    assert_close(m, 3.5, 1e-15);
    assert_close(s, 3 / sqrt(12.0), 1e-15);
    /* PERT (0, 1, 4): mean (0 + 4 + 4)/6 = 4/3; alpha 2, beta 4, variance
    ** 2 * 4 * 16 / (36 * 7) = 128/252. */
    mrv_dist_pert_moments(0, 1, 4, &m, &s);
    assert_close(m, 4.0 / 3, 1e-15);
    assert_close(s, sqrt(128.0 / 252), 1e-15);
}

static void test_dist_cdf_quantile_roundtrip(void **state)
{
    (void)state;
    mrv_uncert us[] = {
        unc(MRV_DIST_NORMAL, 10, 2, 0), unc(MRV_DIST_LOGNORMAL, 3, 1.5, 0),
        unc(MRV_DIST_TRIANGULAR, 1, 0, 4), unc(MRV_DIST_UNIFORM, 3, 2, 5),
        unc(MRV_DIST_PERT, 1, 0, 4)};
    for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
        mrv_sampler s;
        mrv_sampler_init(&s, &us[i]);
        for (double p = 0.01; p < 1; p += 0.07)
            assert_close(mrv_sampler_cdf(&s, mrv_sampler_quantile(&s, p)), p,
                         1e-9);
    }
    /* Triangular by hand: F(0.5) = 0.25 / 4 = 1/16 on (0, 1, 4);
    ** F(2) = 1 - 4 / (4 * 3) = 2/3. */
    mrv_sampler s;
    mrv_uncert t = unc(MRV_DIST_TRIANGULAR, 1, 0, 4);
    mrv_sampler_init(&s, &t);
    assert_close(mrv_sampler_cdf(&s, 0.5), 1.0 / 16, 1e-15);
    assert_close(mrv_sampler_cdf(&s, 2), 2.0 / 3, 1e-15);
    assert_close(mrv_sampler_quantile(&s, 2.0 / 3), 2, 1e-14);
}

/* ---- each distribution against its analytic moments -------------------- */

static void test_dist_normal(void **state)
{
    (void)state;
    check_dist(unc(MRV_DIST_NORMAL, 100, 15, 0), 100, 15);
}

static void test_dist_lognormal(void **state)
{
    (void)state;
    double m, s;
    mrv_dist_lognormal_moments(2, 1.4, &m, &s);
    check_dist(unc(MRV_DIST_LOGNORMAL, 2, 1.4, 0), m, s);
}

static void test_dist_triangular(void **state)
{
    (void)state;
    /* Skewed: mode 1 on [0, 4]; mean 5/3, sd sqrt(13/18). */
    check_dist(unc(MRV_DIST_TRIANGULAR, 1, 0, 4), 5.0 / 3, sqrt(13.0 / 18));
    /* Mode at an end. */
    check_dist(unc(MRV_DIST_TRIANGULAR, 0, 0, 3), 1, sqrt(9.0 / 18));
}

static void test_dist_uniform(void **state)
{
    (void)state;
    check_dist(unc(MRV_DIST_UNIFORM, 3, 2, 5), 3.5, 3 / sqrt(12.0));
}

static void test_dist_pert(void **state)
{
    (void)state;
    check_dist(unc(MRV_DIST_PERT, 1, 0, 4), 4.0 / 3, sqrt(128.0 / 252));
}

static void test_dist_degenerate(void **state)
{
    (void)state;
    mrv_uncert u = unc(MRV_DIST_NORMAL, 7, 0, 0);
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    double *x = draws(&s, 1);
    for (size_t i = 0; i < N; i++) assert_true(x[i] == 7);
    assert_true(mrv_sampler_from_unit(&s, 0.3) == 7);
    free(x);
}

/* ---- truncation --------------------------------------------------------- */

/* Standard normal truncated to [al, be]: with Z = Phi(be) - Phi(al),
** mean (phi(al) - phi(be)) / Z and variance
** 1 + (al phi(al) - be phi(be)) / Z - mean^2. */
static void trunc_normal(double al, double be, double *m, double *sd)
{
    double pa = isfinite(al) ? exp(-al * al / 2) / sqrt(2 * PI) : 0;
    double pb = isfinite(be) ? exp(-be * be / 2) / sqrt(2 * PI) : 0;
    double z = (erfc(-be / sqrt(2.0)) - erfc(-al / sqrt(2.0))) / 2;
    double apa = isfinite(al) ? al * pa : 0, bpb = isfinite(be) ? be * pb : 0;
    *m = (pa - pb) / z;
    *sd = sqrt(1 + (apa - bpb) / z - *m * *m);
}

static void check_truncated_normal(double lo, double hi)
{
    mrv_uncert u = unc(MRV_DIST_NORMAL, 0, 1, 0);
    u.lo = lo;
    u.hi = hi;
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    assert_true(s.truncated);
    double *x = draws(&s, 77);
    for (size_t i = 0; i < N; i++) assert_true(x[i] >= lo && x[i] <= hi);
    double m, sd;
    trunc_normal(lo, hi, &m, &sd);
    check_moments(x, m, sd);
    check_quantiles(x, &s);
    double mm, ss;
    mrv_sampler_moments(&s, &mm, &ss);
    assert_close(mm, m, 1e-9);
    assert_close(ss, sd, 1e-9);
    free(x);
}

static void test_dist_truncated_redraw(void **state)
{
    (void)state;
    /* 82 % inside: drawn again when outside. */
    check_truncated_normal(-1, 2);
    /* 50 % inside, one-sided: a normal bounded below at its mean. */
    check_truncated_normal(0, (double)HUGE_VAL);
}

static void test_dist_truncated_inverse(void **state)
{
    (void)state;
    /* 31 % inside: drawn by inverse CDF over [F(lo), F(hi)]. */
    check_truncated_normal(0.5, (double)HUGE_VAL);
    /* Deep in the upper tail (Q(4) = 3.2e-5): through the survival
    ** function, mean phi(4) / Q(4) = 4.2256. */
    check_truncated_normal(4, (double)HUGE_VAL);
    check_truncated_normal(-(double)HUGE_VAL, -3);
}

static void test_dist_truncated_bounded(void **state)
{
    (void)state;
    /* Uniform (0, 4) cut to [1, 2] is uniform (1, 2): mean 1.5, sd
    ** 1/sqrt(12); a quarter of the distribution is inside. */
    mrv_uncert u = unc(MRV_DIST_UNIFORM, 1.5, 0, 4);
    u.lo = 1;
    u.hi = 2;
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    assert_close(s.accept, 0.25, 1e-15);
    double *x = draws(&s, 5);
    check_moments(x, 1.5, 1 / sqrt(12.0));
    double m, sd;
    mrv_sampler_moments(&s, &m, &sd);
    assert_close(m, 1.5, 1e-12);
    assert_close(sd, 1 / sqrt(12.0), 1e-9);
    free(x);
    /* Triangular (0, 1, 4) cut to [0, 1] is the rising edge alone:
    ** f(x) = 2x on [0, 1], mean 2/3, variance 1/2 - 4/9 = 1/18. */
    u = unc(MRV_DIST_TRIANGULAR, 1, 0, 4);
    u.lo = 0;
    u.hi = 1;
    mrv_sampler_init(&s, &u);
    assert_close(s.accept, 0.25, 1e-15);
    x = draws(&s, 6);
    for (size_t i = 0; i < N; i++) assert_true(x[i] >= 0 && x[i] <= 1);
    check_moments(x, 2.0 / 3, sqrt(1.0 / 18));
    mrv_sampler_moments(&s, &m, &sd);
    assert_close(m, 2.0 / 3, 1e-12);
    assert_close(sd, sqrt(1.0 / 18), 1e-9);
    free(x);
    /* PERT cut to its upper part, checked against the sampler's own
    ** quadrature moments and its bounds. */
    u = unc(MRV_DIST_PERT, 1, 0, 4);
    u.lo = 1.5;
    mrv_sampler_init(&s, &u);
    x = draws(&s, 7);
    for (size_t i = 0; i < N; i++) assert_true(x[i] >= 1.5 && x[i] <= 4);
    mrv_sampler_moments(&s, &m, &sd);
    check_moments(x, m, sd);
    check_quantiles(x, &s);
    free(x);
}

static void test_dist_acceptance(void **state)
{
    (void)state;
    /* Bounds [0, 1] around a normal with sd 1e7: about
    ** 1 / (1e7 sqrt(2 pi)) = 4.0e-8 of it is inside. */
    mrv_uncert u = unc(MRV_DIST_NORMAL, 0.5, 1e7, 0);
    u.lo = 0;
    u.hi = 1;
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    assert_close(s.accept, 1 / (1e7 * sqrt(2 * PI)), 1e-6);
    assert_true(s.accept < MRV_DIST_MIN_ACCEPT);
    /* A uniform over [-1e9, 1e9] cut to [0, 1]: 5e-10. */
    u = unc(MRV_DIST_UNIFORM, 0.5, -1e9, 1e9);
    u.lo = 0;
    u.hi = 1;
    mrv_sampler_init(&s, &u);
    assert_close(s.accept, 5e-10, 1e-9);
    /* Bounds that do not cut the support change nothing. */
    u = unc(MRV_DIST_UNIFORM, 0.5, 0.2, 0.7);
    u.lo = 0;
    u.hi = 1;
    mrv_sampler_init(&s, &u);
    assert_false(s.truncated);
    assert_true(s.accept == 1);
}

/* ---- Latin hypercube's inverse CDF ------------------------------------- */

static void test_dist_lhs_strata(void **state)
{
    (void)state;
    /* One draw at the middle of each of n strata: the empirical CDF is
    ** exact to 1/n, and the mean of a symmetric distribution is its center
    ** far more closely than random draws' se of sd / sqrt(n). */
    enum { NS = 1000 };
    mrv_uncert us[] = {
        unc(MRV_DIST_NORMAL, 5, 2, 0), unc(MRV_DIST_TRIANGULAR, 1, 0, 2),
        unc(MRV_DIST_PERT, 3, 1, 5), unc(MRV_DIST_UNIFORM, 0, -1, 1)};
    for (size_t j = 0; j < sizeof us / sizeof *us; j++) {
        mrv_sampler s;
        mrv_sampler_init(&s, &us[j]);
        double sum = 0, m, sd;
        for (size_t i = 0; i < NS; i++)
            sum += mrv_sampler_from_unit(&s, (i + 0.5) / NS);
        mrv_sampler_moments(&s, &m, &sd);
        assert_true(fabs(sum / NS - m) < 0.01 * sd / sqrt((double)NS));
    }
    /* Truncated: strata spread over [F(lo), F(hi)], so the lowest and
    ** highest strata reach the bounds and nothing passes them. */
    mrv_uncert u = unc(MRV_DIST_NORMAL, 0, 1, 0);
    u.lo = -0.5;
    u.hi = 1;
    mrv_sampler s;
    mrv_sampler_init(&s, &u);
    double x0 = mrv_sampler_from_unit(&s, 1e-12);
    double x1 = mrv_sampler_from_unit(&s, 1 - 1e-12);
    assert_true(x0 >= -0.5 && x0 < -0.4999);
    assert_true(x1 <= 1 && x1 > 0.9999);
    /* The truncated median: F(m) = (F(-0.5) + F(1)) / 2. */
    double fm = (mrv_sampler_cdf(&s, -0.5) + mrv_sampler_cdf(&s, 1)) / 2;
    assert_close(mrv_sampler_cdf(&s, mrv_sampler_from_unit(&s, 0.5)), fm,
                 1e-12);
}

/* ---- streams ----------------------------------------------------------- */

/* L'Ecuyer's taus88 step with GSL's 32-bit masks, written out from the
** paper, to prove that mrv__mc_seed lays GSL's taus2 state out right. */
static uint32_t taus_ref(uint32_t s[3])
{
    uint32_t b;
    b = ((s[0] << 13) ^ s[0]) >> 19;
    s[0] = ((s[0] & 4294967294u) << 12) ^ b;
    b = ((s[1] << 2) ^ s[1]) >> 25;
    s[1] = ((s[1] & 4294967288u) << 4) ^ b;
    b = ((s[2] << 3) ^ s[2]) >> 11;
    s[2] = ((s[2] & 4294967280u) << 17) ^ b;
    return s[0] ^ s[1] ^ s[2];
}

static void test_dist_stream_seeding(void **state)
{
    (void)state;
    gsl_rng *r = mrv__mc_rng_new();
    assert_non_null(r);
    uint64_t key = mrv__mc_stream_key(42, 2027);
    for (uint64_t blk = 0; blk < 50; blk++) {
        uint32_t s[3];
        mrv__mc_block_state(key, blk, s);
        assert_true(s[0] >= 2 && s[1] >= 8 && s[2] >= 16);
        mrv__mc_seed(r, key, blk);
        for (int i = 0; i < 100; i++)
            assert_int_equal(gsl_rng_get(r), taus_ref(s));
    }
    /* The same (seed, stream, block) restarts the same draws; any change
    ** of the three gives others. */
    mrv__mc_seed(r, key, 3);
    unsigned long a = gsl_rng_get(r);
    mrv__mc_seed(r, key, 3);
    assert_int_equal(gsl_rng_get(r), a);
    mrv__mc_seed(r, key, 4);
    assert_true(gsl_rng_get(r) != a);
    mrv__mc_seed(r, mrv__mc_stream_key(43, 2027), 3);
    assert_true(gsl_rng_get(r) != a);
    mrv__mc_seed(r, mrv__mc_stream_key(42, 2028), 3);
    assert_true(gsl_rng_get(r) != a);
    gsl_rng_free(r);
}

static void test_dist_inline_uniforms_match_gsl(void **state)
{
    (void)state;
    /* The samplers take their uniforms from the inline taus2 step; they
    ** must be exactly gsl_rng_uniform_pos's on the generator mrv__mc_seed
    ** sets up, and a triangular or uniform fill exactly the inverse CDF
    ** of those uniforms. */
    mrv_uncert us[] = {unc(MRV_DIST_TRIANGULAR, 1, 0, 4),
                       unc(MRV_DIST_TRIANGULAR, 0.95, 0.9, 0.98),
                       unc(MRV_DIST_UNIFORM, 3, 2, 5)};
    gsl_rng *r = mrv__mc_rng_new();
    assert_non_null(r);
    mrv_zig z;
    mrv_zig_init(&z);
    double a[700], b[700];
    for (size_t j = 0; j < sizeof us / sizeof *us; j++) {
        mrv_sampler s;
        mrv_sampler_init(&s, &us[j]);
        uint64_t key = mrv__mc_stream_key(99, 7);
        uint32_t st[3];
        mrv__mc_block_state(key, 17, st);
        mrv_sampler_fill(&s, &z, st, a, 700);
        mrv__mc_seed(r, key, 17);
        for (size_t i = 0; i < 700; i++) b[i] = gsl_rng_uniform_pos(r);
        mrv_sampler_from_uniforms(&s, b, 700);
        assert_memory_equal(a, b, sizeof a);
    }
    gsl_rng_free(r);
}

/* ---- the inlined ziggurat ---------------------------------------------- */

/* Geometry: layer i spans [0, x_i] x [f(x_i), f(x_(i-1))] and has area v,
** the top layer too (that closing is what r and v were chosen for); the
** bottom strip is v / f(r) wide.  x_i = w[i] * 2^24. */
static void test_dist_ziggurat_tables(void **state)
{
    (void)state;
    mrv_zig z;
    mrv_zig_init(&z);
    const double m = 16777216.0;
    assert_close(z.w[MRV_ZIG_N - 1] * m, MRV_ZIG_R, 1e-15);
    assert_close(z.w[0] * m * exp(-0.5 * MRV_ZIG_R * MRV_ZIG_R), MRV_ZIG_V,
                 1e-12);
    for (int i = 1; i < MRV_ZIG_N; i++) {
        double x = z.w[i] * m;
        assert_close(z.f[i], exp(-0.5 * x * x), 1e-15);
        assert_close(x * (z.f[i - 1] - z.f[i]), MRV_ZIG_V, 1e-6);
        if (i + 1 < MRV_ZIG_N)
            assert_in_range(z.k[i + 1],
                            (uint32_t)(x / (z.w[i + 1] * m) * m) - 1,
                            (uint32_t)(x / (z.w[i + 1] * m) * m));
    }
    assert_int_equal(z.k[1], 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Moments, quantiles out to the tail beyond r (drawn by the exponential
** rejection) and a Kolmogorov-Smirnov distance against Phi below its 1 %
** critical value 1.63 / sqrt(n). */
static void test_dist_ziggurat_normal(void **state)
{
    (void)state;
    enum { NZ = 2000000 };
    mrv_zig z;
    mrv_zig_init(&z);
    double *x = malloc(NZ * sizeof *x);
    assert_non_null(x);
    uint32_t st[3];
    uint64_t key = mrv__mc_stream_key(20261121, 3);
    for (size_t b = 0; b * 1000 < NZ; b++) {
        mrv__mc_block_state(key, b, st);
        for (size_t i = 0; i < 1000; i++)
            x[b * 1000 + i] = mrv__zig_normal(&z, st);
    }
    double m = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < NZ; i++) m += x[i];
    m /= NZ;
    for (size_t i = 0; i < NZ; i++) {
        double d = (x[i] - m) * (x[i] - m);
        m2 += d;
        m4 += d * d;
    }
    double var = m2 / (NZ - 1);
    /* se(mean) = 1/sqrt(n); se(s^2) = sqrt((3 - 1) / n) for the normal */
    assert_true(fabs(m) < K / sqrt((double)NZ));
    assert_true(fabs(var - 1) < K * sqrt(2.0 / NZ));
    assert_close(m4 / NZ, 3.0, K * sqrt(96.0 / NZ)); /* var(z^4) = 105 - 9 */
    static const double zs[] = {-4.0, -3.6, -3.44, -2.0, -1.0, 0.0,
                                0.5,  1.96, 3.0,   3.44, 3.6,  4.0};
    for (size_t j = 0; j < sizeof zs / sizeof *zs; j++) {
        double p = gsl_cdf_ugaussian_P(zs[j]);
        size_t below = 0;
        for (size_t i = 0; i < NZ; i++) below += x[i] < zs[j];
        double share = (double)below / NZ, se = sqrt(p * (1 - p) / NZ);
        if (fabs(share - p) > K * se + 1e-12)
            fail_msg("P(Z < %g) = %.7g, want %.7g", zs[j], share, p);
    }
    qsort(x, NZ, sizeof *x, cmp_double);
    double dks = 0;
    for (size_t i = 0; i < NZ; i++) {
        double f = gsl_cdf_ugaussian_P(x[i]);
        dks = fmax(dks, fmax(fabs(f - (double)i / NZ),
                             fabs((double)(i + 1) / NZ - f)));
    }
    assert_true(dks < 1.63 / sqrt((double)NZ));
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_lognormal_params),
        cmocka_unit_test(test_dist_pert_shape),
        cmocka_unit_test(test_dist_triangular_split),
        cmocka_unit_test(test_dist_moments_by_hand),
        cmocka_unit_test(test_dist_cdf_quantile_roundtrip),
        cmocka_unit_test(test_dist_normal),
        cmocka_unit_test(test_dist_lognormal),
        cmocka_unit_test(test_dist_triangular),
        cmocka_unit_test(test_dist_uniform),
        cmocka_unit_test(test_dist_pert),
        cmocka_unit_test(test_dist_degenerate),
        cmocka_unit_test(test_dist_truncated_redraw),
        cmocka_unit_test(test_dist_truncated_inverse),
        cmocka_unit_test(test_dist_truncated_bounded),
        cmocka_unit_test(test_dist_acceptance),
        cmocka_unit_test(test_dist_lhs_strata),
        cmocka_unit_test(test_dist_stream_seeding),
        cmocka_unit_test(test_dist_inline_uniforms_match_gsl),
        cmocka_unit_test(test_dist_ziggurat_tables),
        cmocka_unit_test(test_dist_ziggurat_normal),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
