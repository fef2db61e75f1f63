/*
** fixture.c -- scratch folders and YAML files for the unit tests (see
** fixture.h).  Linked into every test binary.
*/
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

char *fx_mkdtemp(void)
{
    char tmpl[] = "/tmp/mrv-test-XXXXXX";
    if (!mkdtemp(tmpl)) fail_msg("mkdtemp failed");
    char *s = strdup(tmpl);
    assert_non_null(s);
    return s;
}

int fx_base_new(void **state, size_t size)
{
    fx_base *fx = calloc(1, size);
    if (!fx) return -1;
    fx->arena = mrv_arena_new(NULL, NULL);
    fx->diag = mrv_diag_new();
    *state = fx;
    return fx->arena && fx->diag ? 0 : -1;
}

int fx_base_setup(void **state)
{
    return fx_base_new(state, sizeof(fx_base));
}

int fx_base_teardown(void **state)
{
    fx_base *fx = *state;
    if (!fx) return 0;
    mrv_arena_free(fx->arena);
    mrv_diag_free(fx->diag);
    free(fx);
    return 0;
}

void fx_rmtree(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = fx_path(dir, de->d_name);
        if (unlink(p) != 0) fx_rmtree(p); /* a folder: empty it first */
        free(p);
    }
    closedir(dp);
    rmdir(dir);
}

char *fx_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *fx_write(const char *dir, const char *name, const char *text)
{
    char *p = fx_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) fail_msg("cannot write %s", p);
    size_t n = strlen(text);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return p;
}

mrv_search fx_search(void)
{
    static const char *const factors[] = {"data/factors"};
    mrv_search s = {NULL, 0, factors, 1, NULL, NULL};
    return s;
}

const char *fx_first_msg(const mrv_diag *d)
{
    const mrv_diag_entry *e = mrv_diag_first(d);
    return e ? e->msg : "";
}

bool fx_has_error(const mrv_diag *d, unsigned line, unsigned col,
                  const char *sub)
{
    for (size_t i = 0; i < mrv_diag_count(d); i++) {
        const mrv_diag_entry *e = mrv_diag_get(d, i);
        if (e->sev != MRV_SEV_ERROR || !strstr(e->msg, sub)) continue;
        if (line && (e->pos.line != line || e->pos.col != col)) {
            print_message("'%s' at %u:%u, want %u:%u\n", e->msg, e->pos.line,
                          e->pos.col, line, col);
            return false;
        }
        return true;
    }
    char got[512];
    const mrv_diag_entry *e = mrv_diag_first(d);
    if (e)
        mrv_diag_format(e, got, sizeof got);
    else
        snprintf(got, sizeof got, "(no error)");
    print_message("no error containing '%s'; first: %s\n", sub, got);
    return false;
}

void fx_expect_error(const mrv_diag *d, unsigned line, unsigned col,
                     const char *sub)
{
    if (!fx_has_error(d, line, col, sub)) fail_msg("see above");
}
