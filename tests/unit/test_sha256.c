/*
** test_sha256.c -- SHA-256 against the FIPS 180-4 example vectors.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static const struct {
    const char *msg;
    const char *hex;
} vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    /* 896 bits: two blocks, the padding starts a block of its own. */
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void test_sha256_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char hex[65];
        mrv_sha256_hex(vectors[i].msg, strlen(vectors[i].msg), hex);
        assert_string_equal(hex, vectors[i].hex);
    }
}

static void test_sha256_null_empty(void **state)
{
    (void)state;
    char hex[65];
    mrv_sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, vectors[0].hex);
}

/* One million 'a' in uneven chunks, so every path through update (a
** partial buffer filled, whole blocks straight from the input, a tail
** left over) is taken many times. */
static void test_sha256_million_a_chunked(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 63, 64, 65, 7, 128, 1000, 3, 200};
    size_t total = 1000000, done = 0, k = 0;
    char *a = malloc(total);
    assert_non_null(a);
    memset(a, 'a', total);

    mrv_sha256 c;
    mrv_sha256_init(&c);
    while (done < total) {
        size_t n = chunks[k++ % (sizeof chunks / sizeof chunks[0])];
        if (n > total - done) n = total - done;
        mrv_sha256_update(&c, a + done, n);
        done += n;
    }
    unsigned char d[32];
    mrv_sha256_final(&c, d);
    char hex[65];
    for (size_t i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                             "f1809a48a497200e046d39ccc7112cd0");

    /* The one-call form agrees. */
    char hex2[65];
    mrv_sha256_hex(a, total, hex2);
    assert_string_equal(hex2, hex);
    free(a);
}

/* Every length around the block and padding boundaries: byte-at-a-time
** and all-at-once must agree. */
static void test_sha256_split_agrees(void **state)
{
    (void)state;
    unsigned char msg[200];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 7);
    for (size_t n = 0; n <= sizeof msg; n++) {
        unsigned char d1[32], d2[32];
        mrv_sha256 c;
        mrv_sha256_init(&c);
        mrv_sha256_update(&c, msg, n);
        mrv_sha256_final(&c, d1);
        mrv_sha256_init(&c);
        for (size_t i = 0; i < n; i++) mrv_sha256_update(&c, msg + i, 1);
        mrv_sha256_final(&c, d2);
        assert_memory_equal(d1, d2, 32);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_null_empty),
        cmocka_unit_test(test_sha256_million_a_chunked),
        cmocka_unit_test(test_sha256_split_agrees),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
