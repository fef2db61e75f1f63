/*
** test_output.c -- the output module: numbers as text, JSON strings and
** CSV records (output.c), and output sets (output_set.c): a set replaces
** the folder whole, a failed or abandoned one leaves nothing (not even
** the folders it made), dead runs' leftovers are swept and live ones
** kept, and the swap works with and without RENAME_EXCHANGE.
**
** Every formatter that promises text reading back to the same double is
** checked against strtod over awkward values (subnormals, DBL_MAX, ties,
** 2^53 + 1); the expected strings are written by hand.
*/
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "output.h"
#include "output_int.h"

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
    /* UTF-8 as it is; C1 controls escaped; bytes that are not UTF-8 (a
    ** stray continuation, an overlong '/', a surrogate, a cut sequence)
    ** as U+FFFD: the text stays valid JSON. */
    j = json_of("M\xc3\xb6r\xc3\xb6n \xe2\x82\xac \xf0\x9f\x8c\xb2 \xc2\x9b.");
    assert_string_equal(j,
                        "\"M\xc3\xb6r\xc3\xb6n \xe2\x82\xac \xf0\x9f\x8c\xb2 "
                        "\\u009b.\"");
    free(j);
    j = json_of("a\x80"
                "b\xc0\xaf"
                "c\xed\xa0\x80"
                "d\xe2\x82");
    assert_string_equal(j, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd"
                           "\\ufffd\\ufffd\"");
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

/* ---- output sets ------------------------------------------------------ */

static const char *const owned[] = {"a.csv", "b.csv", "c.csv"};
#define NOWNED (sizeof owned / sizeof *owned)

static char *slurp(const char *dir, const char *name)
{
    char *p = fx_path(dir, name);
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f) return NULL;
    char *buf = calloc(1, 4096);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Every name in 'dir' (but . and ..), sorted and joined by ' '. */
static char *listing(const char *dir)
{
    struct dirent **de = NULL;
    int n = scandir(dir, &de, NULL, alphasort);
    if (n < 0) return strdup("(none)");
    char *buf = calloc(1, 4096);
    assert_non_null(buf);
    for (int i = 0; i < n; i++) {
        if (strcmp(de[i]->d_name, ".") && strcmp(de[i]->d_name, "..")) {
            if (*buf) strcat(buf, " ");
            strncat(buf, de[i]->d_name, 4000 - strlen(buf));
        }
        free(de[i]);
    }
    free(de);
    return buf;
}

static void assert_listing(const char *dir, const char *want)
{
    char *got = listing(dir);
    if (strcmp(got, want) != 0)
        fail_msg("%s holds '%s', want '%s'", dir, got, want);
    free(got);
}

/* A set of the files 'names' (NULL-terminated), each holding 'text'. */
static mrv_status write_set(const char *dir, const char *const *names,
                            const char *text, mrv_diag *d)
{
    mrv_outset *s = NULL;
    mrv_status st = mrv_outset_open(dir, owned, NOWNED, &s, d);
    if (st != MRV_OK) return st;
    for (size_t i = 0; names[i]; i++) {
        FILE *f = mrv_outset_file(s, names[i], d);
        assert_non_null(f);
        fputs(text, f);
    }
    return mrv_outset_commit(s, d);
}

static void test_output_set_replaces_whole(void **state)
{
    fx_base *fx = *state;
    char *root = fx_mkdtemp();
    char *dir = fx_path(root, "x/y/out");
    /* Missing parents are made; the set appears whole. */
    assert_status(write_set(dir, (const char *const[]){"a.csv", "b.csv", NULL},
                            "one\n", fx->diag),
                  MRV_OK);
    assert_listing(dir, "a.csv b.csv");
    /* A second set without b.csv: b.csv goes with the first set. */
    assert_status(write_set(dir, (const char *const[]){"a.csv", "c.csv", NULL},
                            "two\n", fx->diag),
                  MRV_OK);
    assert_listing(dir, "a.csv c.csv");
    char *s = slurp(dir, "c.csv");
    assert_string_equal(s, "two\n");
    free(s);
    char *parent = fx_path(root, "x/y");
    assert_listing(parent, "out"); /* no sibling left */
    /* A name outside the owned list is a bug, not a file. */
    mrv_outset *set = NULL;
    assert_status(mrv_outset_open(dir, owned, NOWNED, &set, fx->diag), MRV_OK);
    assert_null(mrv_outset_file(set, "d.csv", fx->diag));
    assert_status(mrv_diag_status(fx->diag), MRV_EINTERNAL);
    mrv_outset_abort(set);
    assert_listing(parent, "out");
    free(parent);
    free(dir);
    fx_rmtree(root);
    free(root);
}

/* A set that fails (here: its stream's file descriptor closed under it)
** or is abandoned leaves the folder as it was, and no folder it made. */
static void test_output_set_failure_leaves_nothing(void **state)
{
    fx_base *fx = *state;
    char *root = fx_mkdtemp();
    char *dir = fx_path(root, "out");
    assert_status(
        write_set(dir, (const char *const[]){"a.csv", NULL}, "old\n", fx->diag),
        MRV_OK);
    mrv_outset *s = NULL;
    assert_status(mrv_outset_open(dir, owned, NOWNED, &s, fx->diag), MRV_OK);
    FILE *f = mrv_outset_file(s, "a.csv", fx->diag);
    assert_non_null(mrv_outset_file(s, "b.csv", fx->diag));
    close(fileno(f));
    fputs("new\n", f);
    assert_status(mrv_outset_commit(s, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "/a.csv': Bad file"));
    assert_listing(root, "out");
    assert_listing(dir, "a.csv");
    char *text = slurp(dir, "a.csv");
    assert_string_equal(text, "old\n");
    free(text);

    /* Abandoned in a new folder three levels down: all of it goes. */
    char *deep = fx_path(root, "p/q/out");
    assert_status(mrv_outset_open(deep, owned, NOWNED, &s, fx->diag), MRV_OK);
    fputs("x", mrv_outset_file(s, "a.csv", fx->diag));
    mrv_outset_abort(s);
    assert_listing(root, "out");
    free(deep);
    free(dir);
    fx_rmtree(root);
    free(root);
}

/* A writer that fails on its stream (a full disk; here its descriptor
** closed under it) is named with the reason, not only the folder. */
static void test_output_set_names_failed_writer(void **state)
{
    fx_base *fx = *state;
    char *root = fx_mkdtemp();
    char *dir = fx_path(root, "out");
    mrv_outset *s = NULL;
    assert_status(mrv_outset_open(dir, owned, NOWNED, &s, fx->diag), MRV_OK);
    fputs("a\n", mrv_outset_file(s, "a.csv", fx->diag));
    FILE *f = mrv_outset_file(s, "b.csv", fx->diag);
    close(fileno(f));
    fputs("b\n", f);
    assert_int_not_equal(fflush(f), 0);
    assert_status(mrv_outset_finish(s, false, errno, NULL, 0, fx->diag),
                  MRV_EIO);
    char want[4200];
    snprintf(want, sizeof want, "cannot write '%s/b.csv': %s", dir,
             strerror(EBADF));
    assert_string_equal(fx_first_msg(fx->diag), want);
    assert_listing(root, "");
    free(dir);
    fx_rmtree(root);
    free(root);
}

/* A file written by name (as libxlsxwriter writes): the path lies in the
** set's own folder and the file joins the set; one replaced by a link,
** or removed, before the commit fails the set and leaves DIR as it was. */
static void test_output_set_path(void **state)
{
    fx_base *fx = *state;
    char *root = fx_mkdtemp();
    char *dir = fx_path(root, "out");
    char path[4096];
    mrv_outset *s = NULL;
    assert_status(mrv_outset_open(dir, owned, NOWNED, &s, fx->diag), MRV_OK);
    assert_status(mrv_outset_path(s, "b.csv", path, sizeof path, fx->diag),
                  MRV_OK);
    assert_non_null(strstr(path, "/.out.mrv-"));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("by name\n", f);
    assert_int_equal(fclose(f), 0);
    fputs("a\n", mrv_outset_file(s, "a.csv", fx->diag));
    assert_string_equal(mrv_outset_name(s, 0), "b.csv");
    assert_status(mrv_outset_commit(s, fx->diag), MRV_OK);
    assert_listing(dir, "a.csv b.csv");
    char *text = slurp(dir, "b.csv");
    assert_string_equal(text, "by name\n");
    free(text);

    /* Replaced by a link: refused at the commit. */
    char *victim = fx_write(root, "victim", "keep me\n");
    assert_status(mrv_outset_open(dir, owned, NOWNED, &s, fx->diag), MRV_OK);
    assert_status(mrv_outset_path(s, "b.csv", path, sizeof path, fx->diag),
                  MRV_OK);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink(victim, path), 0);
    assert_status(mrv_outset_commit(s, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "/b.csv'"));
    text = slurp(dir, "b.csv");
    assert_string_equal(text, "by name\n");
    free(text);
    assert_listing(root, "out victim");

    /* Gone: refused too. */
    mrv_diag_reset(fx->diag);
    assert_status(mrv_outset_open(dir, owned, NOWNED, &s, fx->diag), MRV_OK);
    assert_status(mrv_outset_path(s, "b.csv", path, sizeof path, fx->diag),
                  MRV_OK);
    assert_int_equal(unlink(path), 0);
    assert_status(mrv_outset_commit(s, fx->diag), MRV_EIO);
    assert_non_null(strstr(fx_first_msg(fx->diag), "No such file"));
    assert_listing(root, "out victim");
    assert_listing(dir, "a.csv b.csv");
    free(victim);
    free(dir);
    fx_rmtree(root);
    free(root);
}

/* What a dead run left beside the folder is removed by the next set;
** a sibling whose lock is held (a live run) is left alone. */
static void test_output_set_sweeps_dead_runs(void **state)
{
    fx_base *fx = *state;
    char *root = fx_mkdtemp();
    char *dir = fx_path(root, "out");
    assert_int_equal(mkdir(dir, 0777), 0);
    free(fx_write(dir, ".a.csv.tmp.12345", "an old temporary"));
    char *dead = fx_path(root, ".out.mrv-dead00");
    char *live = fx_path(root, ".out.mrv-live00");
    assert_int_equal(mkdir(dead, 0777), 0);
    assert_int_equal(mkdir(live, 0777), 0);
    free(fx_write(dead, "a.csv", "half"));
    free(fx_write(live, "a.csv", "being written"));
    int lock = open(live, O_RDONLY | O_DIRECTORY);
    assert_true(lock >= 0);
    assert_int_equal(flock(lock, LOCK_EX), 0);
    assert_status(
        write_set(dir, (const char *const[]){"b.csv", NULL}, "new\n", fx->diag),
        MRV_OK);
    assert_listing(root, ".out.mrv-live00 out");
    assert_listing(dir, "b.csv");
    close(lock);
    free(live);
    free(dead);
    free(dir);
    fx_rmtree(root);
    free(root);
}

/* The swap itself, with RENAME_EXCHANGE and with two renames. */
static void test_output_set_swap(void **state)
{
    (void)state;
    char *root = fx_mkdtemp();
    int pfd = open(root, O_RDONLY | O_DIRECTORY);
    assert_true(pfd >= 0);
    for (int exchange = 0; exchange <= 1; exchange++) {
        char *tmp = fx_path(root, ".out.mrv-tmp000");
        char *out = fx_path(root, "out");
        assert_int_equal(mkdir(tmp, 0777), 0);
        free(fx_write(tmp, "a.csv", "first"));
        char aside[64];
        /* No 'out' yet: a plain rename, nothing aside. */
        assert_int_equal(mrv__outset_swap(pfd, ".out.mrv-tmp000", "out",
                                          exchange, aside, sizeof aside),
                         0);
        assert_string_equal(aside, "");
        assert_listing(root, "out");
        assert_int_equal(mkdir(tmp, 0777), 0);
        free(fx_write(tmp, "a.csv", "second"));
        assert_int_equal(mrv__outset_swap(pfd, ".out.mrv-tmp000", "out",
                                          exchange, aside, sizeof aside),
                         0);
        char *s = slurp(out, "a.csv");
        assert_string_equal(s, "second");
        free(s);
        char *old = fx_path(root, aside);
        s = slurp(old, "a.csv");
        assert_string_equal(s, "first");
        free(s);
        fx_rmtree(old);
        fx_rmtree(out);
        free(old);
        free(out);
        free(tmp);
    }
    close(pfd);
    fx_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_digits_and_shortest),
        cmocka_unit_test(test_output_g17_round_trip),
        cmocka_unit_test(test_output_group_and_num),
        cmocka_unit_test(test_output_json_str),
        cmocka_unit_test(test_output_csv_quoting),
        cmocka_unit_test_setup_teardown(test_output_set_replaces_whole,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_output_set_failure_leaves_nothing,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_output_set_names_failed_writer,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_output_set_path, fx_base_setup,
                                        fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_output_set_sweeps_dead_runs,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test(test_output_set_swap),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
