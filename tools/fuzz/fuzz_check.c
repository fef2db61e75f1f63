/*
** fuzz_check.c -- libFuzzer harness for the whole loader and compiler:
** YAML, schemas, binding, factor tables, formulas, units, dependency
** order, lowering and the central case (mrv_run_new with no draws).
**
** An input is up to three files separated by a line "---8<---": the
** project, the methodology (m.yaml) and a factor table (t.yaml), written
** into a scratch folder that is also the search path, so a project may
** name its methodology "./m.yaml" or "m" and refer to "t/ENTRY".  Each
** file is also checked on its own (mrv_check_file).  The contract: no
** crash, leak or sanitizer report; a status other than MRV_OK comes with
** at least one recorded error unless it is out of memory; MRV_OK with
** none; never MRV_EINTERNAL, which marks a bug.  Built by 'make fuzz'
** (build-fuzz/fuzz_check) and run for a bounded time by 'make fuzz-smoke'
** from the repository root (it reads data/factors), from
** tools/fuzz/corpus/check: the projects of tests/cases, tests/bad and
** data/projects joined with their files by tools/fuzz/seed-check, which
** makes that corpus again.  By hand, longer:
**
**   build-fuzz/fuzz_check -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
**       -max_total_time=300 build-fuzz/corpus-check tools/fuzz/corpus/check
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char paths[3][96];
static const char *const names[3] = {"p.yaml", "m.yaml", "t.yaml"};

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_check: broken contract: %s\n", what);
        abort();
    }
}

static void setup_once(void)
{
    if (dir[0]) return;
    snprintf(dir, sizeof dir, "/tmp/mrv-fuzz-XXXXXX");
    check(mkdtemp(dir) != NULL, "mkdtemp");
    for (int i = 0; i < 3; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
}

/* memmem is a GNU extension; this is all we need of it. */
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

/* The diagnostics must match the status. */
static void contract(mrv_status st, const mrv_diag *d)
{
    check(st != MRV_EINTERNAL, "MRV_EINTERNAL (a bug in mrv)");
    if (st == MRV_OK) {
        check(mrv_diag_error_count(d) == 0, "MRV_OK with errors");
    } else if (st != MRV_ENOMEM) {
        check(mrv_diag_error_count(d) > 0, "a failure with no error");
        check(mrv_diag_status(d) == st, "status is not the first error's");
    }
    for (size_t i = 0; i < mrv_diag_count(d); i++) {
        const mrv_diag_entry *e = mrv_diag_get(d, i);
        check(e->msg && e->msg[0], "empty message");
        check(e->pos.line == 0 || e->pos.col >= 1, "column 0");
    }
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

    const char *dirs[] = {dir, "data/factors"};
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search.meth_dirs = dirs;
    opt.search.nmeth = 1;
    opt.search.factor_dirs = dirs;
    opt.search.nfactor = 2;
    opt.draws_set = true; /* the central case only */
    mrv_diag *d = mrv_diag_new();
    check(d != NULL, "mrv_diag_new");

    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(paths[0], &opt, &run, d);
    contract(st, d);
    check((st == MRV_OK) == (run != NULL), "a run without MRV_OK");
    if (run) {
        for (size_t k = 0; k < (run->nvint + 1) * MRV_NRESULTS; k++)
            check(run->stats[k].central == run->stats[k].central,
                  "a NaN result");
    }
    mrv_run_free(run);

    for (int i = 0; i < 3; i++) {
        if (!part[i]) continue;
        mrv_diag_reset(d);
        contract(mrv_check_file(paths[i], &opt.search, d), d);
    }
    mrv_diag_free(d);
    return 0;
}
