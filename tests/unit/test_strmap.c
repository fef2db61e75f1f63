/*
** test_strmap.c -- names to their index (strmap.c).
**
** Keys get the indexes 0, 1, 2, ... in the order they are added; a key
** added again keeps its first index and the pointer first given; a
** lookup by (bytes, length) finds a key only when the length matches
** too, so a prefix, a longer text or bytes past a NUL never pass for it;
** keys whose hashes collide are all found; the table grows from empty
** through many doublings with every key still at its index.
*/
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"

static void test_strmap_indexes_in_order(void **state)
{
    (void)state;
    mrv__strmap m;
    mrv__strmap_init(&m);
    assert_int_equal(mrv__strmap_get(&m, "car"), SIZE_MAX); /* empty */
    assert_int_equal(mrv__strmap_add(&m, "car"), 0);
    assert_int_equal(mrv__strmap_add(&m, "bus"), 1);
    assert_int_equal(mrv__strmap_add(&m, "van"), 2);
    assert_int_equal(m.n, 3);
    assert_int_equal(mrv__strmap_get(&m, "bus"), 1);
    assert_int_equal(mrv__strmap_get(&m, "van"), 2);
    assert_int_equal(mrv__strmap_get(&m, "car"), 0);
    assert_int_equal(mrv__strmap_get(&m, "truck"), SIZE_MAX);
    assert_int_equal(mrv__strmap_get(&m, ""), SIZE_MAX);
    assert_string_equal(m.keys[1], "bus");
    assert_false(m.failed);
    mrv__strmap_free(&m);
    assert_int_equal(m.n, 0);
    assert_null(m.keys);
    mrv__strmap_free(&m); /* twice, and NULL, are fine */
    mrv__strmap_free(NULL);
}

static void test_strmap_repeat_keeps_first(void **state)
{
    (void)state;
    mrv__strmap m;
    mrv__strmap_init(&m);
    char first[] = "s17", again[] = "s17";
    assert_int_equal(mrv__strmap_add(&m, "s0"), 0);
    assert_int_equal(mrv__strmap_add(&m, first), 1);
    assert_int_equal(mrv__strmap_add(&m, "s2"), 2);
    /* The repeat answers the first index, below the count: no new key. */
    assert_int_equal(mrv__strmap_add(&m, again), 1);
    assert_int_equal(m.n, 3);
    assert_ptr_equal(m.keys[1], first);
    assert_int_equal(mrv__strmap_add(&m, "s3"), 3);
    assert_int_equal(mrv__strmap_get(&m, "s3"), 3);
    mrv__strmap_free(&m);
}

static void test_strmap_find_by_length(void **state)
{
    (void)state;
    mrv__strmap m;
    mrv__strmap_init(&m);
    assert_int_equal(mrv__strmap_add(&m, "ab"), 0);
    assert_int_equal(mrv__strmap_add(&m, "abc"), 1);
    /* A field of a row, not NUL-terminated where it ends. */
    const char row[] = "abcd,ab";
    assert_int_equal(mrv__strmap_find(&m, row, 2), 0);
    assert_int_equal(mrv__strmap_find(&m, row, 3), 1);
    assert_int_equal(mrv__strmap_find(&m, row, 4), SIZE_MAX);
    assert_int_equal(mrv__strmap_find(&m, row, 1), SIZE_MAX);
    assert_int_equal(mrv__strmap_find(&m, row + 5, 2), 0);
    /* Bytes past a NUL are compared too: "ab\0x" is not "ab". */
    assert_int_equal(mrv__strmap_find(&m, "ab\0x", 4), SIZE_MAX);
    assert_int_equal(mrv__strmap_find(&m, "ab\0x", 3), SIZE_MAX);
    mrv__strmap_free(&m);
}

/* Keys of the form "kN" whose hashes share their low 'bits' bits with
** that of "k0": they fall on one slot of a table of 2^bits slots. */
static size_t colliding(char (*out)[16], size_t want, unsigned bits)
{
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    uint64_t h0 = mrv__fnv1a_str("k0") & mask;
    size_t n = 0;
    for (unsigned i = 0; n < want && i < 1000000; i++) {
        snprintf(out[n], sizeof out[n], "k%u", i);
        if ((mrv__fnv1a_str(out[n]) & mask) == h0) n++;
    }
    return n;
}

static void test_strmap_collisions(void **state)
{
    (void)state;
    /* Four keys on one slot of the first table (16 slots): each probe
    ** walks past the others; a fifth is not added. */
    char keys[5][16];
    assert_int_equal(colliding(keys, 5, 4), 5);
    mrv__strmap m;
    mrv__strmap_init(&m);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(mrv__strmap_add(&m, keys[i]), i);
    assert_int_equal(m.cap, 16);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(mrv__strmap_get(&m, keys[i]), i);
        assert_int_equal(mrv__strmap_add(&m, keys[i]), i);
    }
    assert_int_equal(mrv__strmap_get(&m, keys[4]), SIZE_MAX);
    mrv__strmap_free(&m);
}

static void test_strmap_grows(void **state)
{
    (void)state;
    enum { N = 20000 };
    char(*names)[16] = malloc(N * sizeof *names);
    assert_non_null(names);
    mrv__strmap m;
    mrv__strmap_init(&m);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "m%zu", i);
        assert_int_equal(mrv__strmap_add(&m, names[i]), i);
        /* At most half full, a power of two. */
        assert_true(2 * m.n <= m.cap);
        assert_int_equal(m.cap & (m.cap - 1), 0);
    }
    assert_int_equal(m.n, N);
    assert_int_equal(m.cap, 65536); /* 16 doubled until 2 x 20,000 fit */
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(mrv__strmap_get(&m, names[i]), i);
        assert_ptr_equal(m.keys[i], names[i]);
    }
    assert_int_equal(mrv__strmap_get(&m, "m20000"), SIZE_MAX);
    assert_int_equal(mrv__strmap_get(&m, "m"), SIZE_MAX);
    mrv__strmap_free(&m);

    /* The same list all at once: key i at index i. */
    const char **list = malloc(N * sizeof *list);
    assert_non_null(list);
    for (size_t i = 0; i < N; i++) list[i] = names[N - 1 - i];
    mrv__strmap_init(&m);
    assert_true(mrv__strmap_add_all(&m, list, N));
    assert_int_equal(m.n, N);
    assert_int_equal(mrv__strmap_get(&m, "m19999"), 0);
    assert_int_equal(mrv__strmap_get(&m, "m0"), N - 1);
    assert_int_equal(mrv__strmap_get(&m, "m12345"), N - 1 - 12345);
    mrv__strmap_free(&m);
    /* A list with a repeat is refused: "m5" again at position 3 would
    ** leave "m6" at index 3 while it is at position 4. */
    const char *rep[] = {"m4", "m5", "m6", "m5", "m6"};
    mrv__strmap_init(&m);
    assert_false(mrv__strmap_add_all(&m, rep, 5));
    assert_false(m.failed); /* not a failed allocation */
    mrv__strmap_free(&m);
    free((void *)list);
    free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strmap_indexes_in_order),
        cmocka_unit_test(test_strmap_repeat_keeps_first),
        cmocka_unit_test(test_strmap_find_by_length),
        cmocka_unit_test(test_strmap_collisions),
        cmocka_unit_test(test_strmap_grows),
    };
    return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
