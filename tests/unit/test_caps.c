/*
** test_caps.c -- counting against a cap (caps_int.h: mrv__caps_mul).
**
** A table of products at the edge of 64 bits, each worked out by hand:
** a product that fits is exact, up to UINT64_MAX itself; one that does
** not is UINT64_MAX, never the wrapped remainder.  Then the products the
** engine takes over dimensions read from data files: four of 65,536
** members (2^64, which wrapped to 0) and four of 1,000,000 (10^24).
*/
#include "testutil.h"

#include "caps_int.h"

static const struct {
    uint64_t a, b, want;
} cases[] = {
    {0, 0, 0},
    {0, UINT64_MAX, 0},
    {UINT64_MAX, 0, 0},
    {1, UINT64_MAX, UINT64_MAX},
    {UINT64_MAX, 1, UINT64_MAX},
    {10000, 10000, 100000000},
    /* (2^32 - 1)(2^32 + 1) = 2^64 - 1: the largest product that fits. */
    {0xffffffffu, 0x100000001u, UINT64_MAX},
    /* 3 * 6148914691236517205 = 18446744073709551615 = 2^64 - 1. */
    {3, 6148914691236517205u, UINT64_MAX},
    /* One more is 2^64 + 2, which wraps to 2. */
    {3, 6148914691236517206u, UINT64_MAX},
    /* 2 * (2^63 - 1) = 2^64 - 2 fits; 2 * 2^63 = 2^64 wraps to 0. */
    {2, 0x7fffffffffffffffu, 0xfffffffffffffffeu},
    {2, 0x8000000000000000u, UINT64_MAX},
    /* 2^32 * 2^32 = 2^64 wraps to 0. */
    {0x100000000u, 0x100000000u, UINT64_MAX},
    {UINT64_MAX, UINT64_MAX, UINT64_MAX},
};

static void test_caps_mul_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint64_t got = mrv__caps_mul(cases[i].a, cases[i].b);
        if (got != cases[i].want)
            fail_msg("case %zu: %llu * %llu gave %llu, want %llu", i,
                     (unsigned long long)cases[i].a,
                     (unsigned long long)cases[i].b, (unsigned long long)got,
                     (unsigned long long)cases[i].want);
    }
}

/* What a product of member counts gives, factor by factor from 1. */
static uint64_t members_product(const uint64_t *n, size_t k)
{
    uint64_t p = 1;
    for (size_t i = 0; i < k; i++) p = mrv__caps_mul(p, n[i]);
    return p;
}

static void test_caps_mul_members(void **state)
{
    (void)state;
    const uint64_t four_65536[] = {65536, 65536, 65536, 65536};
    /* 65536^3 = 2^48 fits; the fourth factor makes 2^64. */
    assert_int_equal(members_product(four_65536, 3), (uint64_t)1 << 48);
    assert_true(members_product(four_65536, 4) == UINT64_MAX);
    const uint64_t records[] = {MRV_MAX_RECORDS, MRV_MAX_RECORDS,
                                MRV_MAX_RECORDS, MRV_MAX_RECORDS};
    /* 10^18 < 2^64 = 1.8e19 < 10^24. */
    assert_true(members_product(records, 3) == 1000000000000000000u);
    assert_true(members_product(records, 4) == UINT64_MAX);
    /* Saturated stays saturated, and still exceeds every cap. */
    assert_true(mrv__caps_mul(members_product(records, 4), 2) == UINT64_MAX);
    assert_true(members_product(records, 4) > MRV_MAX_EQ_VALUES);
    assert_true(members_product(records, 4) > MRV_MAX_CELLS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_mul_table),
        cmocka_unit_test(test_caps_mul_members),
    };
    return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
