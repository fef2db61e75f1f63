/*
** test_output.c -- the output module: numbers as text, JSON strings and
** CSV records (output.c).
**
** Every formatter that promises text reading back to the same double is
** checked against strtod over awkward values (subnormals, DBL_MAX, ties,
** 2^53 + 1); the expected strings are written by hand.
*/
#include "testutil.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* Values whose shortest round-trip text is known. */
static const struct {
    double x;
    int digits;
    const char *shortest;
} known[] = {
    {0.1, 1, "0.1"},
    {0.47, 2, "0.47"},
    {1.0 / 3, 16, "0.3333333333333333"},
    {0.30000000000000004, 17, "0.30000000000000004"},
    {100, 1, "100"},
    {60000, 1, "60000"},
    {1000.25, 6, "1000.25"},
    {-2.5, 2, "-2.5"},
    {1e15, 1, "1e+15"},
    {1e22, 1, "1e+22"},
    {5e-324, 1, "5e-324"},
    {DBL_MAX, 17, "1.7976931348623157e+308"},
    {9007199254740993.0, 16, "9007199254740992"},
};

static void test_output_digits_and_shortest(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        double x = known[i].x;
        char buf[48];
        mrv_fmt_shortest(x, buf, sizeof buf);
        if (strcmp(buf, known[i].shortest) != 0)
            fail_msg("%.17g: shortest '%s', want '%s'", x, buf,
                     known[i].shortest);
        double back = strtod(buf, NULL);
        assert_memory_equal(&back, &x, sizeof x);
        if (mrv_fmt_digits(x) != known[i].digits)
            fail_msg("%.17g: %d digits, want %d", x, mrv_fmt_digits(x),
                     known[i].digits);
    }
    char buf[48];
    assert_string_equal(mrv_fmt_shortest(-0.0, buf, sizeof buf), "0");
    assert_string_equal(mrv_fmt_shortest(-12.0, buf, sizeof buf), "-12");
    assert_int_equal(mrv_fmt_digits(0), 1);
}

static void test_output_g17_round_trip(void **state)
{
    (void)state;
    static const double xs[] = {0.1,
                                0.2,
                                1.0 / 3,
                                2.0 / 3,
                                1e-300,
                                5e-324,
                                DBL_MIN,
                                DBL_MAX,
                                -DBL_MAX,
                                1e22,
                                9007199254740993.0,
                                0.30000000000000004,
                                -1.5,
                                684857.3130960391,
                                1,
                                0,
                                123.456e-7};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        char buf[40];
        mrv_fmt_g17(xs[i], buf, sizeof buf);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &xs[i], sizeof back) != 0)
            fail_msg("%.17g printed as %s reads back as %.17g", xs[i], buf,
                     back);
        /* and no more than 17 significant digits */
        assert_true(strlen(buf) <= 24);
    }
    char buf[40];
    assert_string_equal(mrv_fmt_g17(-0.0, buf, sizeof buf), "0");
    assert_string_equal(mrv_fmt_g17(0.0, buf, sizeof buf), "0");
    assert_string_equal(mrv_fmt_g17(-1e-320, buf, sizeof buf),
                        "-9.9998886718268301e-321");
    assert_string_equal(mrv_fmt_g17(2, buf, sizeof buf), "2");
}

static void test_output_group_and_num(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(mrv_fmt_group("-1234567.891", buf, sizeof buf),
                        "-1,234,567.891");
    assert_string_equal(mrv_fmt_group("999", buf, sizeof buf), "999");
    assert_string_equal(mrv_fmt_num(1234.56, 1, buf, sizeof buf), "1,234.6");
    assert_string_equal(mrv_fmt_num(-0.04, 1, buf, sizeof buf), "0.0");
    assert_string_equal(mrv_fmt_num(-1e6, 0, buf, sizeof buf), "-1,000,000");
    assert_string_equal(mrv_fmt_num((double)NAN, 0, buf, sizeof buf), "n/a");
    assert_string_equal(mrv_fmt_num(2.5e19, 0, buf, sizeof buf), "2.5e+19");
}

/* What mrv_json_str writes for 's', as a malloc'd string. */
static char *json_of(const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    mrv_json_str(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_output_json_str(void **state)
{
    (void)state;
    char *j = json_of("a\"b\\c\n\r\t\x1b[2J\x07");
    assert_string_equal(j, "\"a\\\"b\\\\c\\n\\r\\t\\u001b[2J\\u0007\"");
    free(j);
    j = json_of(NULL);
    assert_string_equal(j, "\"\"");
    free(j);
}

/* A record with every kind of field, as one string (malloc'd). */
static char *csv_record(const char *text)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    mrv_csv c;
    mrv_csv_begin(&c, f);
    mrv_csv_int(&c, -12);
    mrv_csv_text(&c, text);
    mrv_csv_num(&c, 1000.25);
    mrv_csv_num(&c, (double)NAN);
    mrv_csv_g17(&c, 0.1);
    mrv_csv_text(&c, NULL);
    mrv_csv_end(&c);
    mrv_csv_raw(&c, "a,b");
    mrv_csv_text(&c, "c");
    mrv_csv_end(&c);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* RFC 4180: a field holding ',', '"', CR or LF is quoted, with '"'
** doubled; anything else is written as it is. */
static void test_output_csv_quoting(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"KHM", "-12,KHM,1000.25,,0.10000000000000001,\na,b,c\n"},
        {"a,b", "-12,\"a,b\",1000.25,,0.10000000000000001,\na,b,c\n"},
        {"say \"hi\"",
         "-12,\"say \"\"hi\"\"\",1000.25,,0.10000000000000001,\na,b,c\n"},
        {"two\nlines", "-12,\"two\nlines\",1000.25,,0.10000000000000001,\na,b,"
                       "c\n"},
        {"cr\r", "-12,\"cr\r\",1000.25,,0.10000000000000001,\na,b,c\n"},
        {"", "-12,,1000.25,,0.10000000000000001,\na,b,c\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = csv_record(cases[i].text);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_digits_and_shortest),
        cmocka_unit_test(test_output_g17_round_trip),
        cmocka_unit_test(test_output_group_and_num),
        cmocka_unit_test(test_output_json_str),
        cmocka_unit_test(test_output_csv_quoting),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
