/*
** test_diag.c -- the diagnostics sink: recording, the first error's
** status, the GCC-style format (with and without a file or a line), the
** cap on stored errors, copies of file names, and the printed caret line.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fixture.h"

static int setup(void **state)
{
    mrv_diag *d = mrv_diag_new();
    *state = d;
    return d ? 0 : -1;
}

static int teardown(void **state)
{
    mrv_diag_free(*state);
    return 0;
}

/* Everything mrv_diag_print writes, as a string (malloc'd). */
static char *printed(const mrv_diag *d, bool context)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    mrv_diag_print(d, f, context);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_diag_empty(void **state)
{
    mrv_diag *d = *state;
    assert_int_equal(mrv_diag_count(d), 0);
    assert_int_equal(mrv_diag_error_count(d), 0);
    assert_null(mrv_diag_first(d));
    assert_null(mrv_diag_get(d, 0));
    assert_status(mrv_diag_status(d), MRV_OK);
    char *s = printed(d, false);
    assert_string_equal(s, "");
    free(s);
    /* NULL is accepted everywhere a sink is read or freed. */
    assert_int_equal(mrv_diag_count(NULL), 0);
    assert_null(mrv_diag_first(NULL));
    assert_status(mrv_diag_status(NULL), MRV_OK);
    mrv_diag_free(NULL);
    mrv_diag_reset(NULL);
}

static void test_diag_first_error_decides(void **state)
{
    mrv_diag *d = *state;
    mrv_srcpos a = {"a.yaml", 3, 7};
    mrv_warning(d, a, "only a warning");
    assert_status(mrv_diag_status(d), MRV_OK);
    assert_null(mrv_diag_first(d));
    assert_status(mrv_error(d, a, MRV_EREF, "unknown name '%s'", "x"),
                  MRV_EREF);
    assert_status(mrv_error(d, a, MRV_ESYNTAX, "second"), MRV_ESYNTAX);
    mrv_note(d, a, "a note");
    assert_int_equal(mrv_diag_count(d), 4);
    assert_int_equal(mrv_diag_error_count(d), 2);
    assert_status(mrv_diag_status(d), MRV_EREF);
    const mrv_diag_entry *e = mrv_diag_first(d);
    assert_string_equal(e->msg, "unknown name 'x'");
    assert_int_equal(e->sev, MRV_SEV_ERROR);
    assert_status(e->code, MRV_EREF);
    assert_int_equal(mrv_diag_get(d, 3)->sev, MRV_SEV_NOTE);

    mrv_diag_reset(d);
    assert_int_equal(mrv_diag_count(d), 0);
    assert_status(mrv_diag_status(d), MRV_OK);
    mrv_error(d, a, MRV_EDOMAIN, "after reset");
    assert_status(mrv_diag_status(d), MRV_EDOMAIN);
}

static const struct {
    const char *file;
    unsigned line, col;
    mrv_severity sev;
    const char *want;
} formats[] = {
    {"p.yaml", 12, 5, MRV_SEV_ERROR, "p.yaml:12:5: error: msg"},
    {"p.yaml", 0, 0, MRV_SEV_ERROR, "p.yaml: error: msg"},
    {NULL, 0, 0, MRV_SEV_ERROR, "mrv: error: msg"},
    {NULL, 9, 9, MRV_SEV_ERROR, "mrv: error: msg"},
    {"d/m.yaml", 1, 1, MRV_SEV_WARNING, "d/m.yaml:1:1: warning: msg"},
    {"m.yaml", 2, 30, MRV_SEV_NOTE, "m.yaml:2:30: note: msg"},
};

static void test_diag_format(void **state)
{
    mrv_diag *d = *state;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        mrv_diag_reset(d);
        mrv_srcpos p = {formats[i].file, formats[i].line, formats[i].col};
        if (formats[i].sev == MRV_SEV_ERROR)
            mrv_error(d, p, MRV_ESCHEMA, "msg");
        else if (formats[i].sev == MRV_SEV_WARNING)
            mrv_warning(d, p, "msg");
        else
            mrv_note(d, p, "msg");
        char buf[128];
        mrv_diag_format(mrv_diag_get(d, 0), buf, sizeof buf);
        assert_string_equal(buf, formats[i].want);
    }
    /* A short buffer truncates and stays terminated. */
    char tiny[8];
    mrv_diag_format(mrv_diag_get(d, 0), tiny, sizeof tiny);
    assert_string_equal(tiny, "m.yaml:");
}

static void test_diag_copies_file_names(void **state)
{
    mrv_diag *d = *state;
    char name[] = "first.yaml";
    mrv_srcpos p = {name, 4, 2};
    mrv_error(d, p, MRV_ESCHEMA, "%s", "x");
    memcpy(name, "XXXXX", 5); /* the sink must hold its own copy */
    assert_string_equal(mrv_diag_first(d)->pos.file, "first.yaml");
    assert_true(mrv_diag_first(d)->pos.file != name);
}

static void test_diag_caps_stored_errors(void **state)
{
    mrv_diag *d = *state;
    mrv_srcpos p = {"f.yaml", 1, 1};
    for (int i = 0; i < MRV_DIAG_MAX_ERRORS + 10; i++) {
        mrv_error(d, p, i == 0 ? MRV_ESYNTAX : MRV_ESCHEMA, "error %d", i);
        mrv_note(d, p, "note %d", i);
    }
    assert_int_equal(mrv_diag_error_count(d), MRV_DIAG_MAX_ERRORS + 10);
    /* Errors past the cap are counted, not stored; so are their notes. */
    size_t errors = 0;
    for (size_t i = 0; i < mrv_diag_count(d); i++)
        errors += mrv_diag_get(d, i)->sev == MRV_SEV_ERROR;
    assert_int_equal(errors, MRV_DIAG_MAX_ERRORS);
    assert_true(mrv_diag_count(d) <= 2 * MRV_DIAG_MAX_ERRORS + 1);
    assert_status(mrv_diag_status(d), MRV_ESYNTAX);
    char *s = printed(d, false);
    assert_non_null(strstr(s, "f.yaml:1:1: error: error 0\n"));
    assert_non_null(strstr(s, "f.yaml:1:1: error: error 49\n"));
    assert_null(strstr(s, "error 50\n"));
    assert_non_null(strstr(s, "mrv: note: 10 more errors not shown\n"));
    free(s);
}

static void test_diag_print_context(void **state)
{
    mrv_diag *d = *state;
    char *dir = fx_mkdtemp();
    /* A two-byte character before the column: carets count characters. */
    char *path = fx_write(dir, "c.yaml", "a: 1\nb: \"\xC3\xA9 + x\"\n");
    mrv_srcpos p = {path, 2, 9};
    mrv_error(d, p, MRV_EREF, "unknown name 'x'");
    mrv_srcpos whole = {path, 0, 0};
    mrv_error(d, whole, MRV_EIO, "whole file");
    mrv_srcpos past = {path, 9, 1};
    mrv_error(d, past, MRV_EIO, "past the end");
    char *s = printed(d, true);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:2:9: error: unknown name 'x'\n"
             " b: \"\xC3\xA9 + x\"\n"
             "         ^\n"
             "%s: error: whole file\n"
             "%s:9:1: error: past the end\n",
             path, path, path);
    assert_string_equal(s, want);
    free(s);
    /* Without context: one line per entry. */
    s = printed(d, false);
    snprintf(want, sizeof want,
             "%s:2:9: error: unknown name 'x'\n%s: error: whole file\n"
             "%s:9:1: error: past the end\n",
             path, path, path);
    assert_string_equal(s, want);
    free(s);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* Text from a hostile file cannot reach the terminal as a control: a
** message quoting ESC, BEL, CR or LF shows them as \xNN on its one line,
** and the context line too, with the caret moved past each escape. */
static void test_diag_print_escapes_controls(void **state)
{
    mrv_diag *d = *state;
    char *dir = fx_mkdtemp();
    char *path = fx_write(dir, "c.yaml", "t: \"\t\x1b[2J\" + x\n");
    mrv_srcpos p = {path, 1, 14}; /* the x */
    mrv_error(d, p, MRV_EREF, "name '\x1b[2J\a' then\rverified\nfake");
    char *s = printed(d, true);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:1:14: error: name '\\x1b[2J\\x07' then\\x0dverified\\x0afake\n"
             " t: \"\\x09\\x1b[2J\" + x\n"
             "                    ^\n",
             path);
    assert_string_equal(s, want);
    free(s);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

static void test_diag_null_sink(void **state)
{
    (void)state;
    mrv_srcpos p = {"x", 1, 1};
    /* The library may run without a sink; the code still comes back. */
    assert_status(mrv_error(NULL, p, MRV_EDOMAIN, "ignored"), MRV_EDOMAIN);
    mrv_warning(NULL, p, "ignored");
    mrv_note(NULL, p, "ignored");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_diag_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diag_first_error_decides, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_diag_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diag_copies_file_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_diag_caps_stored_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_diag_print_escapes_controls, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_diag_print_context, setup,
                                        teardown),
        cmocka_unit_test(test_diag_null_sink),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
