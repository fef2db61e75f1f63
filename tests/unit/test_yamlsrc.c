/*
** test_yamlsrc.c -- the YAML loader: tree shape and positions, the
** strictness rules, libyaml's own errors, limits, files, and mapping
** scalar offsets back to the source (mrv_yaml_scalar_pos).
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "fixture.h"
#include "diag.h"
#include "sha256.h"
#include "yamlsrc.h"

struct fixture {
    FX_BASE;
    const mrv_ydoc *doc;
};

static int setup(void **state)
{
    return fx_base_new(state, sizeof(struct fixture));
}

static int teardown(void **state)
{
    return fx_base_teardown(state);
}

static mrv_status load_n(struct fixture *fx, const char *text, size_t len)
{
    mrv_diag_reset(fx->diag);
    fx->doc = NULL;
    return mrv_yaml_load_string("t.yaml", text, len, fx->arena, &fx->doc,
                                fx->diag);
}

static mrv_status load(struct fixture *fx, const char *text)
{
    return load_n(fx, text, strlen(text));
}

static void assert_pos(mrv_srcpos p, unsigned line, unsigned col)
{
    if (p.line != line || p.col != col) {
        fail_msg("position %u:%u, want %u:%u", p.line, p.col, line, col);
    }
}

static void assert_scalar(const mrv_ynode *y, const char *text, unsigned line,
                          unsigned col)
{
    assert_non_null(y);
    assert_int_equal(y->kind, MRV_Y_SCALAR);
    assert_string_equal(y->text, text);
    assert_int_equal(y->len, strlen(text));
    assert_pos(y->pos, line, col);
}

/* ---- tree shape -------------------------------------------------------- */

static const char tree_yaml[] = "name: demo\n"            /* 1 */
                                "list:\n"                 /* 2 */
                                "  - 1\n"                 /* 3 */
                                "  - two: 2\n"            /* 4 */
                                "    three: [a, \"b\"]\n" /* 5 */
                                "empty:\n"                /* 6 */
                                "nested: {x: {y: z}}\n"   /* 7 */
                                "# trailing comment\n";

static void test_yamlsrc_tree_positions(void **state)
{
    struct fixture *fx = *state;
    assert_status(load(fx, tree_yaml), MRV_OK);
    assert_int_equal(mrv_diag_error_count(fx->diag), 0);
    const mrv_ydoc *doc = fx->doc;
    assert_non_null(doc);
    assert_string_equal(doc->path, "t.yaml");
    assert_int_equal(doc->size, strlen(tree_yaml));
    assert_string_equal(doc->buf, tree_yaml);

    const mrv_ynode *root = doc->root;
    assert_non_null(root);
    assert_int_equal(root->kind, MRV_Y_MAP);
    assert_ptr_equal(root->doc, doc);
    assert_string_equal(root->pos.file, "t.yaml");
    assert_pos(root->pos, 1, 1);
    assert_int_equal(root->n, 4);
    assert_scalar(root->keys[0], "name", 1, 1);
    assert_scalar(root->vals[0], "demo", 1, 7);
    assert_int_equal(root->vals[0]->style, MRV_YS_PLAIN);
    assert_scalar(root->keys[1], "list", 2, 1);
    assert_scalar(root->keys[2], "empty", 6, 1);
    assert_scalar(root->keys[3], "nested", 7, 1);

    const mrv_ynode *list = mrv_ymap_get(root, "list");
    assert_non_null(list);
    assert_int_equal(list->kind, MRV_Y_SEQ);
    assert_null(list->keys);
    assert_pos(list->pos, 3, 3);
    assert_int_equal(list->n, 2);
    assert_scalar(list->vals[0], "1", 3, 5);
    const mrv_ynode *item = list->vals[1];
    assert_int_equal(item->kind, MRV_Y_MAP);
    assert_pos(item->pos, 4, 5);
    assert_int_equal(item->n, 2);
    assert_scalar(item->keys[1], "three", 5, 5);
    const mrv_ynode *three = mrv_ymap_get(item, "three");
    assert_int_equal(three->kind, MRV_Y_SEQ);
    assert_pos(three->pos, 5, 12);
    assert_int_equal(three->n, 2);
    assert_scalar(three->vals[0], "a", 5, 13);
    assert_scalar(three->vals[1], "b", 5, 16);
    assert_int_equal(three->vals[1]->style, MRV_YS_DOUBLE);

    /* "empty:" has an empty plain scalar, placed just after the colon. */
    assert_scalar(mrv_ymap_get(root, "empty"), "", 6, 7);

    const mrv_ynode *nested = mrv_ymap_get(root, "nested");
    assert_int_equal(nested->kind, MRV_Y_MAP);
    assert_pos(nested->pos, 7, 9);
    const mrv_ynode *x = mrv_ymap_get(nested, "x");
    assert_pos(x->pos, 7, 13);
    assert_scalar(mrv_ymap_get(x, "y"), "z", 7, 17);
    assert_true(x->end_index > x->mark_index);

    /* The helpers. */
    assert_null(mrv_ymap_get(root, "nope"));
    assert_null(mrv_ymap_get(list, "list"));
    assert_null(mrv_ymap_get(NULL, "list"));
    assert_ptr_equal(mrv_ymap_key_of(root, list), root->keys[1]);
    assert_null(mrv_ymap_key_of(root, item));
    assert_null(mrv_ymap_key_of(list, item));
    assert_string_equal(mrv_ykind_name(MRV_Y_MAP), "mapping");
    assert_string_equal(mrv_ykind_name(MRV_Y_SEQ), "sequence");
    assert_string_equal(mrv_ykind_name(MRV_Y_SCALAR), "scalar");
}

static void test_yamlsrc_scalar_styles(void **state)
{
    struct fixture *fx = *state;
    static const char text[] = "p: plain text\n"
                               "s: 'it''s'\n"
                               "d: \"a\\0b\\tc\"\n"
                               "l: |\n  one\n  two\n"
                               "f: >-\n  one\n  two\n"
                               "\"quoted key\": 1\n"
                               "e: {}\n"
                               "q: []\n";
    assert_status(load(fx, text), MRV_OK);
    const mrv_ynode *root = fx->doc->root;
    const mrv_ynode *y = mrv_ymap_get(root, "p");
    assert_int_equal(y->style, MRV_YS_PLAIN);
    assert_string_equal(y->text, "plain text");
    y = mrv_ymap_get(root, "s");
    assert_int_equal(y->style, MRV_YS_SINGLE);
    assert_string_equal(y->text, "it's");
    y = mrv_ymap_get(root, "d");
    assert_int_equal(y->style, MRV_YS_DOUBLE);
    assert_int_equal(y->len, 5); /* embedded NUL kept */
    assert_memory_equal(y->text, "a\0b\tc", 6);
    y = mrv_ymap_get(root, "l");
    assert_int_equal(y->style, MRV_YS_LITERAL);
    assert_string_equal(y->text, "one\ntwo\n");
    assert_pos(y->pos, 4, 4); /* on the indicator */
    y = mrv_ymap_get(root, "f");
    assert_int_equal(y->style, MRV_YS_FOLDED);
    assert_string_equal(y->text, "one two");
    y = mrv_ymap_get(root, "quoted key");
    assert_non_null(y);
    assert_int_equal(mrv_ymap_key_of(root, y)->style, MRV_YS_DOUBLE);
    y = mrv_ymap_get(root, "e");
    assert_int_equal(y->kind, MRV_Y_MAP);
    assert_int_equal(y->n, 0);
    y = mrv_ymap_get(root, "q");
    assert_int_equal(y->kind, MRV_Y_SEQ);
    assert_int_equal(y->n, 0);
}

/* ---- empty documents --------------------------------------------------- */

static void test_yamlsrc_empty_documents(void **state)
{
    struct fixture *fx = *state;
    static const char *const empties[] = {
        "",
        "# only a comment\n# and another\n",
        "\n\n   \n",
        "---\n",
        "--- \n...\n",
        "\xEF\xBB\xBF",
        "---\n# c\n",
    };
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        assert_status(load(fx, empties[i]), MRV_OK);
        assert_non_null(fx->doc);
        assert_null(fx->doc->root);
        assert_int_equal(mrv_diag_count(fx->diag), 0);
    }
    /* An explicitly empty string is content. */
    assert_status(load(fx, "--- ''\n"), MRV_OK);
    assert_scalar(fx->doc->root, "", 1, 5);
    /* A lone scalar is a document too. */
    assert_status(load(fx, "42\n"), MRV_OK);
    assert_scalar(fx->doc->root, "42", 1, 1);
}

/* ---- bad input: exactly one error, at the right place ------------------- */

static const struct bad {
    const char *text;
    size_t len; /* 0: strlen(text) */
    mrv_status st;
    unsigned line, col;
    const char *msg; /* substring of the message */
} bad[] = {
    /* strictness */
    {"a: &x 1\n", 0, MRV_ESYNTAX, 1, 4, "anchors and aliases are not"},
    {"a: 1\nb: *x\n", 0, MRV_ESYNTAX, 2, 4,
     "YAML anchors and aliases are not allowed"},
    {"a: &m\n  b: 1\n", 0, MRV_ESYNTAX, 1, 4, "anchors"},
    {"- &s [1]\n", 0, MRV_ESYNTAX, 1, 3, "anchors"},
    {"a: !!str 1\n", 0, MRV_ESYNTAX, 1, 4, "YAML tags are not allowed"},
    {"a:\n  - !foo x\n", 0, MRV_ESYNTAX, 2, 5, "tags are not allowed"},
    {"--- !map\na: 1\n", 0, MRV_ESYNTAX, 1, 5, "tags"},
    {"a: ! [1]\n", 0, MRV_ESYNTAX, 1, 4, "tags"},
    {"a: 1\nb: 2\na: 3\n", 0, MRV_ESYNTAX, 3, 1,
     "duplicate key 'a' (first at line 1)"},
    {"m:\n  x: 1\n  'x': 2\n", 0, MRV_ESYNTAX, 3, 3,
     "duplicate key 'x' (first at line 2)"},
    {"{k: 1, k: 2}\n", 0, MRV_ESYNTAX, 1, 8,
     "duplicate key 'k' (first at line 1)"},
    {"\"\\t\": 1\n\"\\t\": 2\n", 0, MRV_ESYNTAX, 2, 1, "duplicate key '\\x09'"},
    {"? [a]\n: 1\n", 0, MRV_ESYNTAX, 1, 3,
     "mapping keys must be scalars, not a sequence"},
    {"? {a: 1}\n: 1\n", 0, MRV_ESYNTAX, 1, 3,
     "mapping keys must be scalars, not a mapping"},
    {"{[a]: 1}\n", 0, MRV_ESYNTAX, 1, 2, "mapping keys must be scalars"},
    {"a: 1\n---\nb: 2\n", 0, MRV_ESYNTAX, 2, 1,
     "only one YAML document is allowed per file"},
    {"a: 1\n...\n---\n", 0, MRV_ESYNTAX, 3, 1, "only one YAML document"},
    /* libyaml's scanner and parser */
    {"a: 1\n b: 2\n", 0, MRV_ESYNTAX, 2, 3,
     "invalid YAML: mapping values are not allowed in this context"},
    {"a: \"abc\n", 0, MRV_ESYNTAX, 2, 1,
     "found unexpected end of stream (while scanning a quoted scalar at "
     "line 1, column 4)"},
    {"a: 'abc\n", 0, MRV_ESYNTAX, 2, 1, "unexpected end of stream"},
    {"a: 1\n\tb: 2\n", 0, MRV_ESYNTAX, 2, 1, "tab"},
    {"a:\n\t- 1\n", 0, MRV_ESYNTAX, 2, 1, "cannot start any token"},
    {"a:\n  b: 1\n c: 2\n", 0, MRV_ESYNTAX, 3, 2, "did not find expected key"},
    {"- a\nb: 1\n", 0, MRV_ESYNTAX, 2, 1, "invalid YAML:"},
    {"[a, b\n", 0, MRV_ESYNTAX, 2, 1, "did not find expected ',' or ']'"},
    {"{a: 1\n", 0, MRV_ESYNTAX, 2, 1, "invalid YAML:"},
    {"a: b: c\n", 0, MRV_ESYNTAX, 1, 5, "mapping values are not allowed"},
    {"a: @x\n", 0, MRV_ESYNTAX, 1, 4, "cannot start any token"},
    {"a: \"\\q\"\n", 0, MRV_ESYNTAX, 1, 5, "unknown escape"},
    {"%FOO bar\n--- 1\n", 0, MRV_ESYNTAX, 1, 5,
     "found unknown directive name (while scanning a directive at line 1"
     ", column 1)"},
    {"%YAML 1.1\n%YAML 1.1\n--- 1\n", 0, MRV_ESYNTAX, 2, 1,
     "duplicate %YAML directive"},
    /* libyaml's reader: byte offsets turned into line:column */
    {"a: h\xC3\xA9\xFF\n", 0, MRV_ESYNTAX, 1, 6,
     "invalid YAML: invalid leading UTF-8 octet (byte 0xFF)"},
    {"a: 1\nb: \xC3(\n", 0, MRV_ESYNTAX, 2, 4, "UTF-8"},
    {"a: 1\r\nb: \x01\n", 0, MRV_ESYNTAX, 2, 4,
     "control characters are not allowed (U+0001)"},
    {"a: \x00\x01", 5, MRV_ESYNTAX, 1, 4, "(U+0000)"},
    {"\x00\xFF\xFE\x01\x80garbage", 10, MRV_ESYNTAX, 1, 1,
     "control characters"},
    {"\xFF\xFE"
     "a\0:\0 \0"
     "1\0",
     10, MRV_ESYNTAX, 1, 1, "invalid leading UTF-8 octet"},
    {"\xFE\xFF\0a", 4, MRV_ESYNTAX, 1, 1, "UTF-8"},
    {"\xEF\xBB\xBF"
     "\xC3\xA9: \xED\xA0\x80\n",
     0, MRV_ESYNTAX, 1, 4, "invalid"},
    {"k: \xC3\xA9\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xC0\n", 0, MRV_ESYNTAX, 1,
     8, "UTF-8"},
};

static void test_yamlsrc_bad_input(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct bad *b = &bad[i];
        size_t len = b->len ? b->len : strlen(b->text);
        mrv_status st = load_n(fx, b->text, len);
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        char line[512];
        if (e) mrv_diag_format(e, line, sizeof line);
        if (st != b->st || !e || mrv_diag_error_count(fx->diag) != 1 ||
            e->pos.line != b->line || e->pos.col != b->col ||
            !strstr(e->msg, b->msg) || e->code != b->st || fx->doc) {
            fail_msg("case %zu: got %s, %zu error(s), first \"%s\"; want "
                     "%s at %u:%u with \"%s\"",
                     i, mrv_status_name(st), mrv_diag_error_count(fx->diag),
                     e ? line : "(none)", mrv_status_name(b->st), b->line,
                     b->col, b->msg);
        }
        assert_string_equal(e->pos.file, "t.yaml");
    }
}

/* Recoverable errors are all reported in one pass. */
static void test_yamlsrc_collects_errors(void **state)
{
    struct fixture *fx = *state;
    static const char text[] = "a: 1\n"
                               "a: 2\n"
                               "b: &x 3\n"
                               "c: !t 4\n"
                               "d: *x\n"
                               "e:\n"
                               "  f: 1\n"
                               "  f: 2\n"
                               "a: 5\n";
    assert_status(load(fx, text), MRV_ESYNTAX);
    assert_null(fx->doc);
    static const struct {
        unsigned line, col;
        const char *msg;
    } want[] = {
        {2, 1, "duplicate key 'a' (first at line 1)"},
        {3, 4, "anchors and aliases"},
        {4, 4, "tags"},
        {5, 4, "anchors and aliases"},
        {8, 3, "duplicate key 'f' (first at line 7)"},
        {9, 1, "duplicate key 'a' (first at line 1)"},
    };
    assert_int_equal(mrv_diag_error_count(fx->diag), 6);
    for (size_t i = 0; i < 6; i++) {
        const mrv_diag_entry *e = mrv_diag_get(fx->diag, i);
        assert_pos(e->pos, want[i].line, want[i].col);
        assert_non_null(strstr(e->msg, want[i].msg));
    }

    /* A parse error after recoverable ones: both kinds are kept. */
    assert_status(load(fx, "a: 1\na: 2\nb: [\n"), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 2);
    assert_non_null(strstr(mrv_diag_get(fx->diag, 1)->msg, "invalid YAML"));
}

/* Duplicate detection goes through a hash set once a map grows. */
static void test_yamlsrc_duplicates_in_big_map(void **state)
{
    struct fixture *fx = *state;
    size_t nkeys = 5000;
    char *text = malloc(nkeys * 16 + 32);
    assert_non_null(text);
    size_t o = 0;
    for (size_t i = 0; i < nkeys; i++) {
        o += (size_t)sprintf(text + o, "k%zu: %zu\n", i, i);
    }
    assert_status(load_n(fx, text, o), MRV_OK);
    assert_int_equal(fx->doc->root->n, nkeys);
    assert_scalar(mrv_ymap_get(fx->doc->root, "k4321"), "4321", 4322, 8);

    o += (size_t)sprintf(text + o, "k1234: again\n");
    assert_status(load_n(fx, text, o), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_pos(e->pos, (unsigned)nkeys + 1, 1);
    assert_string_equal(e->msg, "duplicate key 'k1234' (first at line 1235)");

    /* Many copies of one key, then many new keys: the set must grow by
    ** the distinct keys only (found by fuzzing: it once filled up). */
    o = 0;
    for (size_t i = 0; i < 40; i++) o += (size_t)sprintf(text + o, "a: 1\n");
    for (size_t i = 0; i < 40; i++) {
        o += (size_t)sprintf(text + o, "b%zu: 1\n", i);
    }
    assert_status(load_n(fx, text, o), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 39);
    assert_pos(mrv_diag_get(fx->diag, 38)->pos, 40, 1);
    free(text);
}

/* ---- limits ------------------------------------------------------------ */

static char *nested_flow(size_t depth)
{
    char *s = malloc(2 * depth + 2);
    if (!s) return NULL;
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = '\n';
    s[2 * depth + 1] = '\0';
    return s;
}

static void test_yamlsrc_depth_limit(void **state)
{
    struct fixture *fx = *state;
    char *s = nested_flow(MRV_YAML_MAX_DEPTH);
    assert_non_null(s);
    assert_status(load(fx, s), MRV_OK);
    const mrv_ynode *y = fx->doc->root;
    for (int d = 1; d < MRV_YAML_MAX_DEPTH; d++) {
        assert_int_equal(y->kind, MRV_Y_SEQ);
        assert_int_equal(y->n, 1);
        y = y->vals[0];
    }
    assert_int_equal(y->n, 0);
    free(s);

    s = nested_flow(MRV_YAML_MAX_DEPTH + 1);
    assert_non_null(s);
    assert_status(load(fx, s), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_pos(e->pos, 1, MRV_YAML_MAX_DEPTH + 1);
    assert_string_equal(e->msg, "nesting deeper than 32 levels");
    free(s);

    /* A hostile file deeply nested stops at the limit, quickly. */
    size_t deep = 1000000;
    s = malloc(deep + 1);
    assert_non_null(s);
    memset(s, '[', deep);
    s[deep] = '\0';
    assert_status(load(fx, s), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    assert_pos(mrv_diag_first(fx->diag)->pos, 1, 33);
    free(s);

    /* Block style: 33 nested maps, the last one at line 33. */
    char block[4096];
    size_t o = 0;
    for (int d = 0; d <= MRV_YAML_MAX_DEPTH; d++) {
        o += (size_t)sprintf(block + o, "%*sk%d:%s\n", d, "", d,
                             d == MRV_YAML_MAX_DEPTH ? " 1" : "");
    }
    assert_status(load(fx, block), MRV_ESYNTAX);
    assert_pos(mrv_diag_first(fx->diag)->pos, 33, 33);
    /* ...and 32 are fine. */
    o = 0;
    for (int d = 0; d < MRV_YAML_MAX_DEPTH; d++) {
        o += (size_t)sprintf(block + o, "%*sk%d:%s\n", d, "", d,
                             d == MRV_YAML_MAX_DEPTH - 1 ? " 1" : "");
    }
    assert_status(load(fx, block), MRV_OK);
}

static void test_yamlsrc_node_limit(void **state)
{
    struct fixture *fx = *state;
    /* "[0,0,...]": the sequence is node 1, so the limit is passed by the
    ** scalar numbered MRV_YAML_MAX_NODES, at column 2 * that. */
    size_t n = MRV_YAML_MAX_NODES + 10;
    char *s = malloc(2 * n + 2);
    assert_non_null(s);
    s[0] = '[';
    for (size_t i = 0; i < n; i++) {
        s[1 + 2 * i] = '0';
        s[2 + 2 * i] = ',';
    }
    s[2 * n] = ']';
    s[2 * n + 1] = '\0';
    assert_status(load(fx, s), MRV_ESYNTAX);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_pos(e->pos, 1, 2 * MRV_YAML_MAX_NODES);
    assert_non_null(strstr(e->msg, "too many YAML nodes"));
    free(s);
}

static void test_yamlsrc_size_limit(void **state)
{
    struct fixture *fx = *state;
    size_t n = (size_t)MRV_YAML_MAX_BYTES + 1;
    char *s = malloc(n);
    assert_non_null(s);
    memset(s, '#', n);
    assert_status(load_n(fx, s, n), MRV_ESCHEMA);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_int_equal(e->pos.line, 0);
    assert_string_equal(e->msg, "file is larger than the 16 MiB limit");
    /* Exactly at the limit is fine (a comment). */
    assert_status(load_n(fx, s, n - 1), MRV_OK);
    assert_null(fx->doc->root);
    free(s);
}

/* ---- files --------------------------------------------------------------- */

static void test_yamlsrc_files(void **state)
{
    struct fixture *fx = *state;
    char dir[] = "/tmp/mrv-yamlsrc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.yaml", dir);

    static const char text[] = "a: 1\r\nb: [x]\r\n";
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, sizeof text - 1, f);
    fclose(f);
    mrv_diag_reset(fx->diag);
    assert_status(mrv_yaml_load_file(path, fx->arena, &fx->doc, fx->diag),
                  MRV_OK);
    assert_string_equal(fx->doc->path, path);
    assert_int_equal(fx->doc->size, sizeof text - 1);
    assert_memory_equal(fx->doc->buf, text, sizeof text);
    char hex[65];
    mrv_sha256_hex(text, sizeof text - 1, hex);
    assert_string_equal(fx->doc->sha256_hex, hex);
    assert_scalar(mrv_ymap_get(fx->doc->root, "b")->vals[0], "x", 2, 5);

    /* Larger than the limit: refused before reading (a sparse file). */
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)MRV_YAML_MAX_BYTES + 1), 0);
    fclose(f);
    mrv_diag_reset(fx->diag);
    assert_status(mrv_yaml_load_file(path, fx->arena, &fx->doc, fx->diag),
                  MRV_ESCHEMA);
    assert_null(fx->doc);
    assert_int_equal(mrv_diag_first(fx->diag)->pos.line, 0);
    unlink(path);

    /* A directory. */
    mrv_diag_reset(fx->diag);
    assert_status(mrv_yaml_load_file(dir, fx->arena, &fx->doc, fx->diag),
                  MRV_EREF);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    assert_string_equal(e->msg, "cannot read file: Is a directory");
    assert_string_equal(e->pos.file, dir);
    assert_int_equal(e->pos.line, 0);

    snprintf(path, sizeof path, "%s/m.yaml", dir);
    unlink(path);
    rmdir(dir);

    /* A missing file. */
    mrv_diag_reset(fx->diag);
    assert_status(mrv_yaml_load_file(path, fx->arena, &fx->doc, fx->diag),
                  MRV_EREF);
    assert_null(fx->doc);
    e = mrv_diag_first(fx->diag);
    assert_string_equal(e->msg, "cannot read file: No such file or directory");
    assert_string_equal(e->pos.file, path);
    assert_int_equal(e->pos.line, 0);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
}

static void test_yamlsrc_sha256_of_bytes(void **state)
{
    struct fixture *fx = *state;
    static const char text[] = "\xEF\xBB\xBFk: v\n";
    assert_status(load(fx, text), MRV_OK);
    char hex[65];
    mrv_sha256_hex(text, strlen(text), hex); /* BOM included */
    assert_string_equal(fx->doc->sha256_hex, hex);
    assert_int_equal(strlen(fx->doc->sha256_hex), 64);
    unsigned char d[32];
    mrv_sha256 c;
    mrv_sha256_init(&c);
    mrv_sha256_update(&c, text, strlen(text));
    mrv_sha256_final(&c, d);
    assert_memory_equal(fx->doc->sha256, d, 32);
    /* The BOM does not shift columns. */
    assert_scalar(mrv_ymap_get(fx->doc->root, "k"), "v", 1, 4);

    assert_status(load(fx, ""), MRV_OK);
    assert_string_equal(fx->doc->sha256_hex,
                        "e3b0c44298fc1c149afbf4c8996fb924"
                        "27ae41e4649b934ca495991b7852b855");
}

/* ---- out of memory --------------------------------------------------------
 */

struct failing {
    size_t n, fail_at; /* allocation number that fails */
};

static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct failing *f = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return f->n++ == f->fail_at ? NULL : malloc(nsize);
}

/* Failing each arena allocation in turn gives MRV_ENOMEM, once, and no
** document; the run under ASan or valgrind shows nothing leaks. */
static void test_yamlsrc_out_of_memory(void **state)
{
    struct fixture *fx = *state;
    size_t cap = 200000, o = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; o + 64 < cap; i++) {
        o += (size_t)sprintf(text + o, "k%zu: [a, {b: \"c\"}]\n", i);
    }
    bool done = false;
    for (size_t n = 1; !done; n++) {
        struct failing f = {0, n};
        mrv_arena *a = mrv_arena_new(failing_alloc, &f);
        assert_non_null(a);
        const mrv_ydoc *doc = NULL;
        mrv_diag_reset(fx->diag);
        mrv_status st =
            mrv_yaml_load_string("t.yaml", text, o, a, &doc, fx->diag);
        if (f.n > n) {
            assert_status(st, MRV_ENOMEM);
            assert_null(doc);
            assert_int_equal(mrv_diag_error_count(fx->diag), 1);
            assert_int_equal(mrv_diag_first(fx->diag)->pos.line, 0);
        } else {
            assert_status(st, MRV_OK);
            assert_non_null(doc);
            done = true;
        }
        mrv_arena_free(a);
    }
    free(text);
}

/* ---- scalar offsets back to the source ----------------------------------- */

static const struct spos {
    const char *yaml;  /* the scalar is the value of key "f" */
    const char *value; /* what libyaml made of it */
    size_t offset;
    unsigned line, col;
} spos[] = {
    /* plain, one line */
    {"f: a + b\n", "a + b", 4, 1, 8},
    {"f: a + b\n", "a + b", 0, 1, 4},
    {"f: ab\n", "ab", 2, 1, 6}, /* offset == len */
    /* double-quoted, one line */
    {"f: \"a + b\"\n", "a + b", 4, 1, 9},
    {"f: \"a + b\"\n", "a + b", 5, 1, 10},
    /* double-quoted over two lines: the break folded into a space */
    {"f: \"a + b *\n      c\"\n", "a + b * c", 8, 2, 7},
    {"f: \"a + b *\n      c\"\n", "a + b * c", 6, 1, 11},
    {"f: \"a +   \n   b\"\n", "a + b", 4, 2, 4},
    {"f: \"a\n\n  b\"\n", "a\nb", 2, 3, 3},
    /* escapes: one unit each, whatever bytes they made */
    {"f: \"\\u00e9\\t+ x\"\n", "\xC3\xA9\t+ x", 5, 1, 15},
    {"f: \"\\u00e9\\t+ x\"\n", "\xC3\xA9\t+ x", 1, 1, 5},
    {"f: \"\\x41\\\"q\"\n", "A\"q", 2, 1, 11},
    {"f: \"a\\\n   b\"\n", "ab", 1, 2, 4},
    {"f: \"a\\\n\n   b\"\n", "a\nb", 2, 3, 4},
    /* plain over lines */
    {"f: a +\n  b\n", "a + b", 4, 2, 3},
    {"f: a +\n  b *\n    c\n", "a + b * c", 8, 3, 5},
    {"- f: x\n    y\n", "x y", 2, 2, 5},
    /* single-quoted: '' is one quote */
    {"f: 'it''s x'\n", "it's x", 5, 1, 11},
    {"f: 'it''s x'\n", "it's x", 3, 1, 9},
    {"f: 'a\n   b'\n", "a b", 2, 2, 4},
    /* literal block: the mark is on the indicator */
    {"f: |\n  a +\n  b\n", "a +\nb\n", 4, 3, 3},
    {"f: |\n  a +\n  b\n", "a +\nb\n", 0, 2, 3},
    {"f: |-\n  x\n    y\n", "x\n  y", 2, 3, 3},
    {"f: |-\n  x\n    y\n", "x\n  y", 4, 3, 5},
    {"f: |2 # two\n    x\n   y\n", "  x\n y\n", 2, 2, 5},
    {"f: |\n\n  a\n", "\na\n", 1, 3, 3},
    {"f: |1\n  \n   y\n", " \n  y\n", 0, 2, 2}, /* found by fuzzing */
    {"f: |1\n  \n   y\n", " \n  y\n", 4, 3, 4},
    /* folded block */
    {"f: >\n  a +\n  b\n", "a + b\n", 4, 3, 3},
    {"f: >\n  a\n\n  b\n", "a\nb\n", 2, 4, 3},
    {"- f: >-\n    a\n     b\n", "a\n b", 3, 3, 6},
    /* columns count characters, not bytes */
    {"cl\xC3\xA9 : 1\nf: 'x'\n", "x", 0, 2, 5},
    {"f: '\xC3\xA9 + x'\n", "\xC3\xA9 + x", 5, 1, 9},
    {"f: '\xC3\xA9 + x'\n", "\xC3\xA9 + x", 1, 1, 5}, /* mid-char */
    /* U+2028 and U+2029 count as line breaks but stay in the value */
    {"f: a ;\xE2\x80\xA9 b\n",
     "a ;\xE2\x80\xA9"
     "b",
     6, 2, 2},
    {"f: |\n  a\xE2\x80\xA8  b\n",
     "a\xE2\x80\xA8"
     "b\n",
     4, 3, 3},
    /* line ends and a BOM */
    {"f: \"a +\r\n  b\"\r\n", "a + b", 4, 2, 3},
    {"\xEF\xBB\xBF"
     "f: a + b\n",
     "a + b", 4, 1, 8},
    {"\xEF\xBB\xBF"
     "x: 1\nf: |\r\n  a\r\n  b\r\n",
     "a\nb\n", 2, 4, 3},
};

static const mrv_ynode *find_f(const mrv_ynode *root)
{
    while (root && root->kind == MRV_Y_SEQ && root->n) root = root->vals[0];
    return mrv_ymap_get(root, "f");
}

static void test_yamlsrc_scalar_pos(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof spos / sizeof spos[0]; i++) {
        const struct spos *c = &spos[i];
        if (load(fx, c->yaml) != MRV_OK) fail_msg("case %zu: no load", i);
        const mrv_ynode *s = find_f(fx->doc->root);
        assert_non_null(s);
        if (s->len != strlen(c->value) || strcmp(s->text, c->value) != 0) {
            fail_msg("case %zu: value is \"%s\"", i, s->text);
        }
        mrv_srcpos p = mrv_yaml_scalar_pos(s, c->offset);
        assert_string_equal(p.file, "t.yaml");
        if (p.line != c->line || p.col != c->col) {
            fail_msg("case %zu: offset %zu at %u:%u, want %u:%u", i, c->offset,
                     p.line, p.col, c->line, c->col);
        }
    }
}

/* Where the value is copied verbatim from one line, every offset lands
** on the same character in the source. */
static void test_yamlsrc_scalar_pos_every_offset(void **state)
{
    struct fixture *fx = *state;
    static const char text[] = "k\xC3\xA9\xE2\x82\xAC: 1\n"
                               "f:\n"
                               "  - plain \xC3\xA9 text\n"
                               "  - 'single \xE2\x82\xAC'\n"
                               "  - \"double \xF0\x9F\x98\x80 x\"\n"
                               "  - {g: h\xC3\xA9llo}\n";
    assert_status(load(fx, text), MRV_OK);
    const mrv_ynode *seq = mrv_ymap_get(fx->doc->root, "f");
    for (size_t i = 0; i < seq->n; i++) {
        const mrv_ynode *s = seq->vals[i];
        if (s->kind == MRV_Y_MAP) s = s->vals[0];
        size_t col = s->pos.col + (s->style != MRV_YS_PLAIN);
        for (size_t k = 0; k <= s->len; k++) {
            mrv_srcpos p = mrv_yaml_scalar_pos(s, k);
            assert_int_equal(p.line, s->pos.line);
            assert_int_equal(p.col, col);
            if (k < s->len && ((unsigned char)s->text[k + 1] & 0xC0) != 0x80) {
                col++;
            }
        }
    }
    /* Past the end is clamped; NULL and non-scalars are harmless. */
    const mrv_ynode *s = seq->vals[0];
    mrv_srcpos end = mrv_yaml_scalar_pos(s, s->len);
    mrv_srcpos past = mrv_yaml_scalar_pos(s, s->len + 100);
    assert_pos(past, end.line, end.col);
    assert_pos(mrv_yaml_scalar_pos(seq, 0), seq->pos.line, seq->pos.col);
    assert_null(mrv_yaml_scalar_pos(NULL, 0).file);
}

/* Each node knows the byte where it starts (found once while loading, so
** a position lookup reads only its own scalar, not the file up to it):
** after a BOM and multi-byte characters, doc->buf + byte_off is the
** node's first byte. */
static void test_yamlsrc_byte_offsets(void **state)
{
    struct fixture *fx = *state;
    static const char text[] = "\xEF\xBB\xBF"
                               "k\xC3\xA9\xE2\x82\xAC: v\xC3\xA9\n"
                               "f:\n"
                               "  - \xF0\x9F\x98\x80 a\n"
                               "  - 'q\xC3\xA9'\n"
                               "  - {g: [h, \"\xE2\x82\xACi\"]}\n";
    assert_status(load(fx, text), MRV_OK);
    const mrv_ydoc *doc = fx->doc;
    const mrv_ynode *r = doc->root;
    assert_int_equal(r->byte_off, 3); /* after the BOM */
    assert_int_equal(r->keys[0]->byte_off, 3);
    assert_memory_equal(doc->buf + r->vals[0]->byte_off, "v\xC3\xA9", 3);
    const mrv_ynode *f = mrv_ymap_get(r, "f");
    assert_memory_equal(doc->buf + f->vals[0]->byte_off, "\xF0\x9F\x98\x80 a",
                        6);
    assert_memory_equal(doc->buf + f->vals[1]->byte_off, "'q", 2);
    const mrv_ynode *m = f->vals[2];
    assert_memory_equal(doc->buf + m->byte_off, "{g:", 3);
    const mrv_ynode *g = m->vals[0];
    assert_memory_equal(doc->buf + g->byte_off, "[h,", 3);
    assert_memory_equal(doc->buf + g->vals[1]->byte_off, "\"\xE2\x82\xACi", 5);
    mrv_srcpos p = mrv_yaml_scalar_pos(g->vals[1], 3); /* the i */
    assert_pos(p, 5, 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_yamlsrc_tree_positions),
        T(test_yamlsrc_scalar_styles),
        T(test_yamlsrc_empty_documents),
        T(test_yamlsrc_bad_input),
        T(test_yamlsrc_collects_errors),
        T(test_yamlsrc_duplicates_in_big_map),
        T(test_yamlsrc_depth_limit),
        T(test_yamlsrc_node_limit),
        T(test_yamlsrc_size_limit),
        T(test_yamlsrc_files),
        T(test_yamlsrc_sha256_of_bytes),
        T(test_yamlsrc_out_of_memory),
        T(test_yamlsrc_scalar_pos),
        T(test_yamlsrc_scalar_pos_every_offset),
        T(test_yamlsrc_byte_offsets),
#undef T
    };
    return cmocka_run_group_tests_name("yamlsrc", tests, NULL, NULL);
}
