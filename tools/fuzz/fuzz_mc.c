/*
** fuzz_mc.c -- libFuzzer harness for a whole run with a small Monte Carlo:
** sampling, the VM on blocks of draws, the statistics, IPCC Approach 1,
** the ledger on every draw, and report.json.
**
** An input is up to three files as for fuzz_check.c (project, m.yaml,
** t.yaml, separated by "---8<---" lines).  The project runs with 64
** draws on one thread and again on three.  The contract: no crash, leak
** or sanitizer report; a failure comes with a recorded error and is never
** MRV_EINTERNAL; a run that succeeds has every statistic finite (the IPCC
** bounds finite or all NaN), bit-identical results on both thread counts,
** a ledger whose every vintage gives away exactly the units it issued,
** and a report.json that reads back with no null where a number belongs.
** Built by 'make fuzz' (build-fuzz/fuzz_mc), run from the repository root
** by 'make fuzz-smoke' from tools/fuzz/corpus/mc.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "ledger.h"
#include "report.h"
#include "run.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char paths[3][96];
static const char *const names[3] = {"p.yaml", "m.yaml", "t.yaml"};

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_mc: broken contract: %s\n", what);
        abort();
    }
}

static void setup_once(void)
{
    if (dir[0]) return;
    snprintf(dir, sizeof dir, "/tmp/mrv-fuzz-mc-XXXXXX");
    check(mkdtemp(dir) != NULL, "mkdtemp");
    for (int i = 0; i < 3; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
}

static const uint8_t *find(const uint8_t *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, w, k) == 0) return s + i;
    return NULL;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    check(f != NULL, "fopen");
    check(fwrite(p, 1, n, f) == n, "fwrite");
    check(fclose(f) == 0, "fclose");
}

static mrv_status run_on(unsigned threads, mrv_run **run, mrv_diag *d)
{
    const char *dirs[] = {dir, "data/factors"};
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search.meth_dirs = dirs;
    opt.search.nmeth = 1;
    opt.search.factor_dirs = dirs;
    opt.search.nfactor = 2;
    opt.draws_set = true;
    opt.draws = 64;
    opt.threads = threads;
    opt.keep_draws = true;
    mrv_status st = mrv_run_new(paths[0], &opt, run, d);
    check(st != MRV_EINTERNAL, "MRV_EINTERNAL (a bug in mrv)");
    check((st == MRV_OK) == (*run != NULL), "a run without MRV_OK");
    if (st != MRV_OK && st != MRV_ENOMEM)
        check(mrv_diag_error_count(d) > 0, "a failure with no error");
    return st;
}

static void check_stats(const mrv_run *run)
{
    for (size_t k = 0; k < (run->nvint + 1) * MRV_NRESULTS; k++) {
        const mrv_stat *s = &run->stats[k];
        double x[] = {s->central, s->mean,       s->sd,
                      s->lower,   s->median,     s->upper,
                      s->se_mean, s->lower_half, s->upper_half};
        for (size_t i = 0; i < sizeof x / sizeof *x; i++)
            check(isfinite(x[i]), "a statistic that is not finite");
        check(s->sd >= 0, "a negative sd");
        check(s->lower <= s->median && s->median <= s->upper,
              "bounds out of order");
        bool f = isfinite(s->ipcc_sd), l = isfinite(s->ipcc_lower),
             u = isfinite(s->ipcc_upper);
        check((f && l && u) || (isnan(s->ipcc_sd) && isnan(s->ipcc_lower) &&
                                isnan(s->ipcc_upper)),
              "IPCC Approach 1 half formed");
    }
}

/* Every vintage gives away exactly what it issued. */
static void check_ledger(const mrv_ledger *l)
{
    const mrv_agreement *a = &l->agr;
    size_t nc = MRV_LEDGER_NCOLS(a);
    for (size_t v = 0; v <= l->nvint; v++) {
        const int64_t *row = l->cells + v * nc;
        int64_t sum = row[a->nded] + row[a->nded + 1];
        for (size_t j = 0; j < a->nded; j++) {
            check(row[j] >= 0, "a negative deduction");
            if (a->ded[j].units) sum += row[j];
        }
        check(row[a->nded] >= 0 && row[a->nded + 1] >= 0, "a negative share");
        check(sum == l->issued[v], "units not conserved");
    }
}

/* report.json reads back, and holds no null where a number belongs. */
static void check_report(const mrv_run *run)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    check(f != NULL, "open_memstream");
    bool ok = mrv_report_json(run, f);
    check(fclose(f) == 0 && ok, "writing report.json");
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *d = mrv_diag_new();
    check(a && d, "setup");
    const mrv_json *v = NULL;
    mrv_status st = mrv_json_parse("report.json", text, len, a, &v, d);
    check(st == MRV_OK || st == MRV_ENOMEM, "report.json does not read back");
    if (st == MRV_OK) {
        FILE *null = fopen("/dev/null", "w");
        check(null != NULL, "/dev/null");
        mrv_verify_result res;
        memset(&res, 0, sizeof res);
        mrv_verify_compare(v, v, null, &res);
        fclose(null);
        check(res.differences == 0, "a null where a number belongs");
    }
    mrv_diag_free(d);
    mrv_arena_free(a);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n---8<---\n";
    setup_once();
    const uint8_t *part[3] = {data, NULL, NULL};
    size_t len[3] = {size, 0, 0};
    for (int i = 0; i < 2 && part[i]; i++) {
        const uint8_t *s = find(part[i], len[i], sep);
        if (!s) break;
        part[i + 1] = s + sizeof sep - 1;
        len[i + 1] = (size_t)(part[i] + len[i] - part[i + 1]);
        len[i] = (size_t)(s - part[i]);
    }
    for (int i = 0; i < 3; i++) {
        if (part[i])
            write_file(paths[i], part[i], len[i]);
        else
            unlink(paths[i]);
    }

    mrv_diag *d = mrv_diag_new();
    check(d != NULL, "mrv_diag_new");
    mrv_run *one = NULL, *three = NULL;
    mrv_status st = run_on(1, &one, d);
    if (st == MRV_OK) {
        check_stats(one);
        if (one->ledger) check_ledger(one->ledger);
        check_report(one);
        mrv_diag_reset(d);
        mrv_status st3 = run_on(3, &three, d);
        check(st3 == MRV_OK || st3 == MRV_ENOMEM, "fails on three threads");
        if (three) {
            size_t n = (one->nvint + 1) * MRV_NRESULTS;
            check(memcmp(one->stats, three->stats, n * sizeof *one->stats) == 0,
                  "results depend on the thread count");
            size_t ns = n * (size_t)one->draws;
            check(!one->all_draws || memcmp(one->all_draws, three->all_draws,
                                            ns * sizeof *one->all_draws) == 0,
                  "draws depend on the thread count");
        }
    }
    mrv_run_free(one);
    mrv_run_free(three);
    mrv_diag_free(d);
    return 0;
}
