/*
** test_csvsrc.c -- the CSV reader: fields and their positions, quoting
** as RFC 4180 has it, physical lines under quoted line breaks, the
** digest, and one positioned error for each malformed input.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvsrc.h"
#include "diag.h"
#include "sha256.h"

static mrv_diag *diag;

static int setup(void **state)
{
    (void)state;
    diag = mrv_diag_new();
    return diag ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mrv_diag_free(diag);
    return 0;
}

static mrv_csvsrc *open_text(const char *text)
{
    mrv_csvsrc *r = NULL;
    mrv_diag_reset(diag);
    assert_status(mrv_csvsrc_open_string("t.csv", text, strlen(text), &r, diag),
                  MRV_OK);
    return r;
}

static void assert_field(const mrv_csvsrc *r, size_t i, const char *text,
                         unsigned line, unsigned col)
{
    const mrv_csvfield *f = mrv_csvsrc_field(r, i);
    assert_string_equal(f->text, text);
    assert_int_equal(f->len, strlen(text));
    if (f->pos.line != line || f->pos.col != col)
        fail_msg("field %zu at %u:%u, want %u:%u", i, f->pos.line, f->pos.col,
                 line, col);
}

static void next_row(mrv_csvsrc *r)
{
    bool got;
    assert_status(mrv_csvsrc_next(r, &got, diag), MRV_OK);
    assert_true(got);
}

static void at_end(mrv_csvsrc *r)
{
    bool got = true;
    assert_status(mrv_csvsrc_next(r, &got, diag), MRV_OK);
    assert_false(got);
}

/* The first error of reading 'text' whole: its status, line, column and
** a piece of its message. */
static void assert_error(const char *text, size_t len, mrv_status want,
                         unsigned line, unsigned col, const char *msg)
{
    mrv_diag_reset(diag);
    mrv_csvsrc *r = NULL;
    mrv_status st = mrv_csvsrc_open_string("t.csv", text, len, &r, diag);
    bool got = true;
    while (st == MRV_OK && got) st = mrv_csvsrc_next(r, &got, diag);
    mrv_csvsrc_close(r);
    assert_status(st, want);
    assert_int_equal(mrv_diag_error_count(diag), 1);
    const mrv_diag_entry *e = mrv_diag_first(diag);
    if (e->pos.line != line || e->pos.col != col)
        fail_msg("error at %u:%u, want %u:%u: %s", e->pos.line, e->pos.col,
                 line, col, e->msg);
    if (!strstr(e->msg, msg)) fail_msg("'%s' lacks '%s'", e->msg, msg);
}

#define ERROR_AT(text, st, line, col, msg)                                     \
    assert_error(text, sizeof text - 1, st, line, col, msg)

/* ---- reading ----------------------------------------------------------- */

static void test_csvsrc_plain(void **state)
{
    (void)state;
    mrv_csvsrc *r = open_text("date,station,kwh\n"
                              "2025-07-31,S1,1200.5\n"
                              "2025-08-31,S2,\n");
    assert_int_equal(mrv_csvsrc_ncols(r), 3);
    assert_string_equal(mrv_csvsrc_header(r, 2)->text, "kwh");
    assert_int_equal(mrv_csvsrc_column(r, "station"), 1);
    assert_int_equal(mrv_csvsrc_column(r, "kWh"), -1);
    next_row(r);
    assert_int_equal(mrv_csvsrc_line(r), 2);
    assert_field(r, 0, "2025-07-31", 2, 1);
    assert_field(r, 1, "S1", 2, 12);
    assert_field(r, 2, "1200.5", 2, 15);
    next_row(r);
    assert_field(r, 2, "", 3, 15); /* an empty cell: missing */
    assert_null(mrv_csvsrc_sha256_hex(r));
    at_end(r);
    assert_int_equal(mrv_csvsrc_rows(r), 2);
    at_end(r); /* and stays there */
    mrv_csvsrc_close(r);
}

/* CR LF line ends, no final line break, a byte-order mark. */
static void test_csvsrc_crlf_bom(void **state)
{
    (void)state;
    mrv_csvsrc *r = open_text("\xEF\xBB\xBF"
                              "a,b\r\n1,2\r\n3,4");
    assert_string_equal(mrv_csvsrc_header(r, 0)->text, "a");
    assert_int_equal(mrv_csvsrc_header(r, 0)->pos.col, 1);
    next_row(r);
    assert_field(r, 1, "2", 2, 3);
    next_row(r);
    assert_field(r, 0, "3", 3, 1);
    assert_field(r, 1, "4", 3, 3);
    at_end(r);
    mrv_csvsrc_close(r);
}

/* Quotes: commas, doubled quotes and line breaks inside, and the lines
** after a field that spans several are the file's physical lines. */
static void test_csvsrc_quoted(void **state)
{
    (void)state;
    mrv_csvsrc *r = open_text("id,note,v\n"
                              "\"A,1\",\"say \"\"hi\"\"\",\"\"\n"
                              "B,\"two\nlines\r\nthree\",7\n"
                              "C,x,8\n");
    next_row(r);
    assert_field(r, 0, "A,1", 2, 1);
    assert_field(r, 1, "say \"hi\"", 2, 7);
    assert_field(r, 2, "", 2, 20);
    next_row(r);
    assert_int_equal(mrv_csvsrc_line(r), 3);
    assert_field(r, 1, "two\nlines\r\nthree", 3, 3);
    assert_field(r, 2, "7", 5, 8);
    next_row(r);
    assert_int_equal(mrv_csvsrc_line(r), 6);
    assert_field(r, 2, "8", 6, 5);
    at_end(r);
    mrv_csvsrc_close(r);
}

/* Columns count characters, not bytes. */
static void test_csvsrc_utf8_columns(void **state)
{
    (void)state;
    mrv_csvsrc *r = open_text("site,v\n"
                              "Mörön,1\n"
                              "\xE2\x82\xAC\xF0\x9F\x8C\xB2,2\n");
    next_row(r);
    assert_field(r, 1, "1", 2, 7);
    next_row(r);
    assert_field(r, 1, "2", 3, 4);
    at_end(r);
    mrv_csvsrc_close(r);
}

static void test_csvsrc_digest(void **state)
{
    (void)state;
    static const char text[] = "a\n1\n2\n";
    char want[65];
    mrv_sha256_hex(text, sizeof text - 1, want);
    mrv_csvsrc *r = open_text(text);
    next_row(r);
    next_row(r);
    at_end(r);
    assert_string_equal(mrv_csvsrc_sha256_hex(r), want);
    mrv_csvsrc_close(r);
}

/* A single column: an empty line is an empty (missing) value. */
static void test_csvsrc_one_column(void **state)
{
    (void)state;
    mrv_csvsrc *r = open_text("v\n1\n\n2\n");
    next_row(r);
    next_row(r);
    assert_field(r, 0, "", 3, 1);
    next_row(r);
    at_end(r);
    mrv_csvsrc_close(r);
}

/* ---- errors ------------------------------------------------------------ */

static void test_csvsrc_quote_errors(void **state)
{
    (void)state;
    ERROR_AT("a,b\n1,\"open\n2,3\n", MRV_ESYNTAX, 2, 3, "never closed");
    ERROR_AT("a,b\n1,\"x\"y\n", MRV_ESYNTAX, 2, 6, "after the closing quote");
    ERROR_AT("a,b\n1,x\"y\"\n", MRV_ESYNTAX, 2, 4, "does not start with one");
}

static void test_csvsrc_character_errors(void **state)
{
    (void)state;
    ERROR_AT("a,b\n1,2\r3\n", MRV_ESYNTAX, 2, 4, "carriage return");
    ERROR_AT("a,b\n1,\t2\n", MRV_ESYNTAX, 2, 3, "(a tab)");
    ERROR_AT("a,b\n1,\"x\x01\"\n", MRV_ESYNTAX, 2, 5, "control character 0x01");
    ERROR_AT("a,b\n1,\xC3(\n", MRV_ESYNTAX, 2, 3, "not valid UTF-8");
    ERROR_AT("a,b\n1,\xFF\n", MRV_ESYNTAX, 2, 3, "byte 0xff is not UTF-8");
    ERROR_AT("a,b\n1,\xE0\x80\x80\n", MRV_ESYNTAX, 2, 3, "not valid UTF-8");
    ERROR_AT("a,b\n1,\xED\xA0\x80\n", MRV_ESYNTAX, 2, 3, "not valid UTF-8");
    /* NUL */
    assert_error("a,b\n1,\0\n", 8, MRV_ESYNTAX, 2, 3, "control character 0x00");
}

static void test_csvsrc_shape_errors(void **state)
{
    (void)state;
    ERROR_AT("a,b,c\n1,2\n", MRV_ESYNTAX, 2, 1, "fewer than the header's 3");
    ERROR_AT("a,b\n1,2\n1,2,3\n", MRV_ESYNTAX, 3, 5, "more than the header's");
    ERROR_AT("a,b\n1,2\n\n3,4\n", MRV_ESYNTAX, 3, 1, "an empty line");
    ERROR_AT("a,,c\n", MRV_ESCHEMA, 1, 3, "column 2 of the header has no name");
    ERROR_AT("a,b,a\n", MRV_ESCHEMA, 1, 5, "named twice");
    ERROR_AT("", MRV_ESCHEMA, 0, 0, "empty");
    ERROR_AT("\xEF\xBB\xBF", MRV_ESCHEMA, 0, 0, "empty");
}

static void test_csvsrc_long_row(void **state)
{
    (void)state;
    size_t n = MRV_CSV_MAX_ROW + 10;
    char *text = malloc(n + 8);
    assert_non_null(text);
    memcpy(text, "a\n", 2);
    memset(text + 2, 'x', n);
    memcpy(text + 2 + n, "\n", 2);
    assert_error(text, n + 3, MRV_ESCHEMA, 2, 1, "longer than");
    free(text);
}

static void test_csvsrc_too_many_columns(void **state)
{
    (void)state;
    char text[8 * MRV_CSV_MAX_COLUMNS];
    size_t o = 0;
    for (int i = 0; i <= MRV_CSV_MAX_COLUMNS; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%sc%d", i ? "," : "",
                              i);
    assert_error(text, o, MRV_ESCHEMA, 1, (unsigned)(o - 3), "more than 256");
}

/* ---- files ------------------------------------------------------------- */

static void test_csvsrc_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/mrv-csvsrc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], fifo[64];
    snprintf(path, sizeof path, "%s/d.csv", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a,b\n1,2\n", f);
    fclose(f);

    mrv_csvsrc *r = NULL;
    mrv_diag_reset(diag);
    assert_status(mrv_csvsrc_open(path, MRV_CSV_MAX_BYTES, &r, diag), MRV_OK);
    next_row(r);
    assert_string_equal(mrv_csvsrc_field(r, 1)->pos.file, path);
    at_end(r);
    mrv_csvsrc_close(r);

    /* over the limit, found before reading */
    assert_status(mrv_csvsrc_open(path, 4, &r, diag), MRV_ESCHEMA);
    assert_null(r);
    /* missing, a folder, a FIFO (refused at once, never waited on) */
    char missing[80];
    snprintf(missing, sizeof missing, "%s/none.csv", dir);
    assert_status(mrv_csvsrc_open(missing, MRV_CSV_MAX_BYTES, &r, diag),
                  MRV_EREF);
    assert_status(mrv_csvsrc_open(dir, MRV_CSV_MAX_BYTES, &r, diag), MRV_EREF);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_status(mrv_csvsrc_open(fifo, MRV_CSV_MAX_BYTES, &r, diag), MRV_EREF);
    unlink(fifo);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_csvsrc_plain),
        T(test_csvsrc_crlf_bom),
        T(test_csvsrc_quoted),
        T(test_csvsrc_utf8_columns),
        T(test_csvsrc_digest),
        T(test_csvsrc_one_column),
        T(test_csvsrc_quote_errors),
        T(test_csvsrc_character_errors),
        T(test_csvsrc_shape_errors),
        T(test_csvsrc_long_row),
        T(test_csvsrc_too_many_columns),
        T(test_csvsrc_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
