/*
** test_term.c -- text made safe for a terminal (term.c).
**
** A table of inputs and what the terminal must be shown for them (C0
** controls, DEL, LF by mode, C1 controls, malformed and cut UTF-8, and
** text that passes as it is); the stream must give the same bytes
** however the input is cut into writes, and escaping escaped text must
** change nothing.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "term.h"

static const struct {
    const char *in;
    mrv_term_mode mode;
    const char *want;
} cases[] = {
    {"plain text, \\ and all", MRV_TERM_TEXT, "plain text, \\ and all"},
    {"\x1b[2J\x07", MRV_TERM_TEXT, "\\x1b[2J\\x07"},
    {"a\rb\bc\x7f", MRV_TERM_TEXT, "a\\x0db\\x08c\\x7f"},
    {"tab\there", MRV_TERM_TEXT, "tab\\x09here"},
    {"two\nlines\n", MRV_TERM_TEXT, "two\nlines\n"},
    {"two\nlines\n", MRV_TERM_LINE, "two\\x0alines\\x0a"},
    {"\xc2\x9b"
     "31m",
     MRV_TERM_TEXT, "\\u009b31m"},          /* C1 CSI */
    {"\xc2\x85", MRV_TERM_TEXT, "\\u0085"}, /* NEL */
    {"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8d", MRV_TERM_TEXT,
     "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8d"},
    {"\xff\xc0\xaf", MRV_TERM_TEXT, "\\xff\\xc0\\xaf"}, /* never UTF-8 */
    {"\xe2\x82", MRV_TERM_TEXT, "\\xe2\\x82"},          /* cut at the end */
    {"\xe2(", MRV_TERM_TEXT, "\\xe2("},                 /* broken */
    {"\xed\xa0\x80", MRV_TERM_TEXT, "\\xed\\xa0\\x80"}, /* a surrogate */
    {"\xe0\x80\xaf", MRV_TERM_TEXT, "\\xe0\\x80\\xaf"}, /* overlong */
    {"\xf4\x90\x80\x80", MRV_TERM_TEXT, "\\xf4\\x90\\x80\\x80"}, /* > 10FFFF */
};

static char *shown_whole(const char *in, mrv_term_mode mode)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    mrv_term_puts(f, in, mode);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* The same input written 'step' bytes at a time through the stream. */
static char *shown_in_pieces(const char *in, mrv_term_mode mode, size_t step)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    mrv_term t;
    mrv_term_init(&t, f, mode);
    size_t len = strlen(in);
    for (size_t i = 0; i < len; i += step)
        assert_true(
            mrv_term_write(&t, in + i, len - i < step ? len - i : step));
    assert_true(mrv_term_finish(&t));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_term_escapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = shown_whole(cases[i].in, cases[i].mode);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu: shown '%s', want '%s'", i, got, cases[i].want);
        /* Escaped text has nothing left to escape. */
        char *again = shown_whole(got, cases[i].mode);
        assert_string_equal(again, got);
        free(again);
        free(got);
    }
}

static void test_term_stream_cuts_anywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (size_t step = 1; step <= 4; step++) {
            char *got = shown_in_pieces(cases[i].in, cases[i].mode, step);
            if (strcmp(got, cases[i].want) != 0)
                fail_msg("case %zu in pieces of %zu: shown '%s', want '%s'", i,
                         step, got, cases[i].want);
            free(got);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_escapes),
        cmocka_unit_test(test_term_stream_cuts_anywhere),
    };
    return cmocka_run_group_tests_name("term", tests, NULL, NULL);
}
