/*
** test_json.c -- the strict JSON reader behind 'mrv verify' (json.c).
**
** Table-driven, as the style guide asks: a table of good documents with
** what they must read as, and a table of bad ones with the line:column
** and a message substring of the error each must give (jq's %%FAIL).
** Then the limits (depth, nodes, size), strings (escapes, surrogates,
** UTF-8), duplicate names, and a round trip of a report that report.c
** wrote.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "json.h"
#include "report.h"
#include "run.h"

typedef fx_base fixture;

static const mrv_json *parse(fixture *fx, const char *text, mrv_status *st)
{
    const mrv_json *v = NULL;
    mrv_diag_reset(fx->diag);
    *st = mrv_json_parse("t.json", text, strlen(text), fx->arena, &v, fx->diag);
    return v;
}

/* ---- good documents ---------------------------------------------------- */

static const struct {
    const char *text;
    mrv_json_kind kind;
    const char *scalar; /* NUMBER text or STRING value, else NULL */
    size_t n;           /* items or members */
} good[] = {
    {"null", MRV_J_NULL, NULL, 0},
    {" true ", MRV_J_BOOL, NULL, 0},
    {"false", MRV_J_BOOL, NULL, 0},
    {"0", MRV_J_NUMBER, "0", 0},
    {"-0", MRV_J_NUMBER, "-0", 0},
    {"12.5e-3", MRV_J_NUMBER, "12.5e-3", 0},
    {"1E+2", MRV_J_NUMBER, "1E+2", 0},
    {"4.9406564584124654e-324", MRV_J_NUMBER, "4.9406564584124654e-324", 0},
    {"18446744073709551615", MRV_J_NUMBER, "18446744073709551615", 0},
    {"\"\"", MRV_J_STRING, "", 0},
    {"\"a\\\"b\\\\c\\/d\\n\"", MRV_J_STRING, "a\"b\\c/d\n", 0},
    {"\"\\u00e9\\u20AC\"", MRV_J_STRING, "\xc3\xa9\xe2\x82\xac", 0},
    {"\"\\ud83d\\ude00\"", MRV_J_STRING, "\xf0\x9f\x98\x80", 0},
    {"\"M\xc3\xb6r\xc3\xb6n\"", MRV_J_STRING, "M\xc3\xb6r\xc3\xb6n", 0},
    {"[]", MRV_J_ARRAY, NULL, 0},
    {"[1, [2, []], {}]", MRV_J_ARRAY, NULL, 3},
    {"{}", MRV_J_OBJECT, NULL, 0},
    {"\n\t{\"a\": 1, \"b\": {\"a\": 2}}\r\n", MRV_J_OBJECT, NULL, 2},
};

static void test_json_reads_good_documents(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        mrv_status st;
        const mrv_json *v = parse(fx, good[i].text, &st);
        if (st != MRV_OK)
            fail_msg("good[%zu] '%s': %s", i, good[i].text,
                     fx_first_msg(fx->diag));
        assert_int_equal(v->kind, good[i].kind);
        if (good[i].scalar) assert_string_equal(v->text, good[i].scalar);
        if (good[i].kind == MRV_J_ARRAY || good[i].kind == MRV_J_OBJECT)
            assert_int_equal(v->n, good[i].n);
    }
    mrv_status st;
    const mrv_json *v =
        parse(fx, "{\"x\": [true, null, -1.5], \"y\": \"z\"}", &st);
    assert_status(st, MRV_OK);
    const mrv_json *x = mrv_json_get(v, "x");
    assert_non_null(x);
    assert_int_equal(x->n, 3);
    assert_true(x->items[0]->b);
    assert_int_equal(x->items[1]->kind, MRV_J_NULL);
    assert_true(x->items[2]->num == -1.5);
    assert_string_equal(mrv_json_get(v, "y")->text, "z");
    assert_null(mrv_json_get(v, "w"));
    assert_null(mrv_json_get(x, "x")); /* not an object */
    assert_null(mrv_json_get(NULL, "x"));
    /* positions: 1-based, columns in characters */
    v = parse(fx, "{\n  \"\xc3\xa9\": [1,\n   22]}", &st);
    assert_status(st, MRV_OK);
    assert_int_equal(v->key_pos[0].line, 2);
    assert_int_equal(v->key_pos[0].col, 3);
    const mrv_json *arr = v->items[0];
    assert_int_equal(arr->pos.line, 2);
    assert_int_equal(arr->pos.col, 8); /* the key is one character */
    assert_int_equal(arr->items[1]->pos.line, 3);
    assert_int_equal(arr->items[1]->pos.col, 4);
    assert_string_equal(arr->items[1]->pos.file, "t.json");
    /* a number keeps its text and its double */
    v = parse(fx, "0.1", &st);
    assert_true(v->num == 0.1);
}

/* ---- bad documents ----------------------------------------------------- */

static const struct {
    const char *text;
    mrv_status st;
    unsigned line, col;
    const char *msg;
} bad[] = {
    {"", MRV_ESYNTAX, 1, 1, "the input is empty"},
    {"  \n ", MRV_ESYNTAX, 2, 2, "the input is empty"},
    {"{", MRV_ESYNTAX, 1, 2, "expected a member name"},
    {"{\"a\" 1}", MRV_ESYNTAX, 1, 6, "expected ':'"},
    {"{\"a\": 1,}", MRV_ESYNTAX, 1, 9, "after ','"},
    {"{\"a\": 1 \"b\": 2}", MRV_ESYNTAX, 1, 9, "expected ',' or '}'"},
    {"{a: 1}", MRV_ESYNTAX, 1, 2, "member name in double quotes"},
    {"[1, 2,]", MRV_ESYNTAX, 1, 7, "expected a value"},
    {"[1 2]", MRV_ESYNTAX, 1, 4, "expected ',' or ']'"},
    {"[1,\n  ", MRV_ESYNTAX, 2, 3, "found the end of the input"},
    {"01", MRV_ESYNTAX, 1, 1, "must not start with 0"},
    {"-", MRV_ESYNTAX, 1, 2, "expected a digit"},
    {"1.", MRV_ESYNTAX, 1, 3, "after the decimal point"},
    {"1e", MRV_ESYNTAX, 1, 3, "in the exponent"},
    {".5", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"+1", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"1e999", MRV_ESYNTAX, 1, 1, "out of range"},
    {"NaN", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"Infinity", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"nul", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"True", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"1 2", MRV_ESYNTAX, 1, 3, "after the JSON value"},
    {"{} x", MRV_ESYNTAX, 1, 4, "after the JSON value"},
    {"// c\n1", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"'a'", MRV_ESYNTAX, 1, 1, "expected a value"},
    {"\"abc", MRV_ESYNTAX, 1, 1, "string not closed"},
    {"\"a\tb\"", MRV_ESYNTAX, 1, 3, "control character"},
    {"\"a\nb\"", MRV_ESYNTAX, 1, 3, "control character"},
    {"\"\\x\"", MRV_ESYNTAX, 1, 3, "invalid escape"},
    {"\"\\u12\"", MRV_ESYNTAX, 1, 6, "four hex digits"},
    {"\"\\u0000\"", MRV_ESYNTAX, 1, 2, "\\u0000 is not allowed"},
    {"\"\\udc00\"", MRV_ESYNTAX, 1, 2, "second half of a surrogate"},
    {"\"\\ud800x\"", MRV_ESYNTAX, 1, 2, "not completed"},
    {"\"\\ud800\\u0041\"", MRV_ESYNTAX, 1, 2, "not completed"},
    {"\"\xff\"", MRV_ESYNTAX, 1, 2, "invalid UTF-8"},
    {"\"\xc0\xaf\"", MRV_ESYNTAX, 1, 2, "invalid UTF-8"},     /* overlong */
    {"\"\xed\xa0\x80\"", MRV_ESYNTAX, 1, 2, "invalid UTF-8"}, /* surrogate */
    {"\"\xe2\x82\"", MRV_ESYNTAX, 1, 2, "invalid UTF-8"},     /* cut short */
    {"\xef\xbb\xbf{}", MRV_ESYNTAX, 1, 1, "byte order mark"},
    {"{\"a\": 1, \"b\": 2, \"a\": 3}", MRV_ESYNTAX, 1, 18,
     "duplicate member name \"a\""},
    {"[\xc3\xa9]", MRV_ESYNTAX, 1, 2, "byte \\xC3"},
};

static void test_json_rejects_bad_documents(void **state)
{
    fixture *fx = *state;
    bool ok = true;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_status st;
        const mrv_json *v = parse(fx, bad[i].text, &st);
        if (v || st != bad[i].st) {
            print_message("bad[%zu]: status %s, want %s\n", i,
                          mrv_status_name(st), mrv_status_name(bad[i].st));
            ok = false;
            continue;
        }
        assert_int_equal(mrv_diag_error_count(fx->diag), 1);
        if (!fx_has_error(fx->diag, bad[i].line, bad[i].col, bad[i].msg)) {
            print_message("  in bad[%zu]\n", i);
            ok = false;
        }
    }
    if (!ok) fail_msg("see above");
}

/* A NUL byte is not whitespace, and inside a string it is a control
** character: neither may pass (strlen would cut the text short). */
static void test_json_rejects_nul_bytes(void **state)
{
    fixture *fx = *state;
    const mrv_json *v = NULL;
    static const char outside[] = "[1,\0 2]", inside[] = "\"a\0b\"";
    assert_status(mrv_json_parse("t.json", outside, sizeof outside - 1,
                                 fx->arena, &v, fx->diag),
                  MRV_ESYNTAX);
    fx_expect_error(fx->diag, 1, 4, "byte \\x00");
    mrv_diag_reset(fx->diag);
    assert_status(mrv_json_parse("t.json", inside, sizeof inside - 1, fx->arena,
                                 &v, fx->diag),
                  MRV_ESYNTAX);
    fx_expect_error(fx->diag, 1, 3, "control character \\x00");
    assert_null(v);
}

/* ---- limits ------------------------------------------------------------ */

static void test_json_limits(void **state)
{
    fixture *fx = *state;
    size_t deep = MRV_JSON_MAX_DEPTH;
    char *text = malloc(2 * deep + 8);
    assert_non_null(text);
    /* exactly the limit reads */
    memset(text, '[', deep);
    memset(text + deep, ']', deep);
    text[2 * deep] = '\0';
    mrv_status st;
    assert_non_null(parse(fx, text, &st));
    /* one more is refused where it starts, without recursing further */
    memset(text, '[', deep + 1);
    memset(text + deep + 1, ']', deep + 1);
    text[2 * deep + 2] = '\0';
    assert_null(parse(fx, text, &st));
    assert_status(st, MRV_ESCHEMA);
    fx_expect_error(fx->diag, 1, (unsigned)deep + 1, "nested more than");
    free(text);

    /* too many values */
    size_t n = MRV_JSON_MAX_NODES + 1;
    text = malloc(2 * n + 4);
    assert_non_null(text);
    size_t o = 0;
    text[o++] = '[';
    for (size_t i = 0; i + 1 < n; i++) {
        text[o++] = '0';
        text[o++] = ',';
    }
    text[o - 1] = ']';
    text[o] = '\0';
    assert_null(parse(fx, text, &st));
    assert_status(st, MRV_ESCHEMA);
    fx_expect_error(fx->diag, 0, 0, "values");
    free(text);

    /* a file over the size limit is refused before it is read */
    char *dir = fx_mkdtemp();
    char *path = fx_path(dir, "big.json");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)MRV_JSON_MAX_BYTES, SEEK_SET), 0);
    fputc('1', f);
    fclose(f);
    const mrv_json *v = NULL;
    mrv_diag_reset(fx->diag);
    assert_status(mrv_json_load_file(path, fx->arena, &v, fx->diag),
                  MRV_ESCHEMA);
    fx_expect_error(fx->diag, 0, 0, "too large for a report");
    /* and a missing file or a folder cannot be read */
    mrv_diag_reset(fx->diag);
    char *missing = fx_path(dir, "none.json");
    assert_status(mrv_json_load_file(missing, fx->arena, &v, fx->diag),
                  MRV_EREF);
    fx_expect_error(fx->diag, 0, 0, "cannot read");
    mrv_diag_reset(fx->diag);
    assert_status(mrv_json_load_file(dir, fx->arena, &v, fx->diag), MRV_EREF);
    fx_expect_error(fx->diag, 0, 0, "not a file");
    free(missing);
    fx_rmtree(dir);
    free(dir);
    free(path);
}

/* ---- a report written by report.c reads back --------------------------- */

static void test_json_reads_a_report(void **state)
{
    fixture *fx = *state;
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    static const char *const meth[] = {"methodologies"};
    opt.search.meth_dirs = meth;
    opt.search.nmeth = 1;
    opt.draws_set = true;
    opt.draws = 600;
    mrv_run *run = NULL;
    assert_status(mrv_run_new("data/projects/ulaanbaatar-landfill.yaml", &opt,
                              &run, fx->diag),
                  MRV_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_true(mrv_report_json(run, f));
    fclose(f);
    const mrv_json *v = NULL;
    assert_status(
        mrv_json_parse("report.json", text, len, fx->arena, &v, fx->diag),
        MRV_OK);
    assert_string_equal(mrv_json_get(mrv_json_get(v, "engine"), "name")->text,
                        "mrv");
    const mrv_json *eqs = mrv_json_get(v, "equations");
    assert_non_null(eqs);
    assert_int_equal(eqs->n, run->bound->meth->neqs);
    /* every number reads back to the double that was written */
    const mrv_json *tot = mrv_json_get(v, "total");
    const mrv_json *red = mrv_json_get(tot, "reductions");
    double want =
        run->stats[run->nvint * MRV_NRESULTS + MRV_RES_REDUCTIONS].mean;
    assert_memory_equal(&mrv_json_get(red, "mean")->num, &want, sizeof want);
    assert_non_null(mrv_json_get(v, "ledger"));
    free(text);
    mrv_run_free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_json_reads_good_documents,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_json_rejects_bad_documents,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_json_rejects_nul_bytes,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_json_limits, fx_base_setup,
                                        fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_json_reads_a_report, fx_base_setup,
                                        fx_base_teardown),
    };
    gsl_set_error_handler_off(); /* process-wide; never in the library */
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
