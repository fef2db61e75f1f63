/*
** fuzz_expr.c -- libFuzzer harness for the formula parser (expr_parse.c).
**
** Feeds arbitrary bytes to mrv_expr_parse() with no YAML node, checks the
** contract (MRV_OK with a tree and no diagnostic, or one diagnostic and no
** tree), prints the tree back with mrv_ast_format(), and re-parses the
** printed form, which must succeed and print the same again.  Built by
** 'make fuzz' (build-fuzz/fuzz_expr), run by 'make fuzz-smoke' from
** tools/fuzz/corpus/expr (every formula of the methodologies and tests).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mrv_arena *arena = mrv_arena_new(NULL, NULL);
    mrv_diag *diag = mrv_diag_new();
    mrv_ast *a = NULL;

    if (!arena || !diag) abort();
    mrv_status st =
        mrv_expr_parse((const char *)data, size, NULL, arena, &a, diag);
    if (st == MRV_OK) {
        check(a != NULL && mrv_diag_count(diag) == 0);
        check(a->start <= a->off && a->off < a->end && a->end <= size);

        size_t n = mrv_ast_format(a, NULL, 0);
        char *text = malloc(n + 1), *again = malloc(n + 1);
        check(text && again);
        check(mrv_ast_format(a, text, n + 1) == n);
        /* The printed form adds parentheses and so may exceed the length
        ** or depth limits; when it does not, it must parse to itself. */
        mrv_ast *b = NULL;
        mrv_diag_reset(diag);
        if (mrv_expr_parse(text, n, NULL, arena, &b, diag) == MRV_OK) {
            check(mrv_ast_format(b, again, n + 1) == n);
            check(memcmp(text, again, n) == 0);
        } else {
            const mrv_diag_entry *e = mrv_diag_first(diag);
            check(e && (strstr(e->msg, "nested deeper") ||
                        strstr(e->msg, "longer than")));
        }
        free(text);
        free(again);
    } else {
        check(a == NULL && mrv_diag_count(diag) == 1);
        check(st == MRV_ESYNTAX || st == MRV_ENOMEM);
        const mrv_diag_entry *e = mrv_diag_first(diag);
        check(e->pos.line == 1 && e->pos.col >= 1 && e->pos.col <= size + 1);
    }
    mrv_diag_free(diag);
    mrv_arena_free(arena);
    return 0;
}
