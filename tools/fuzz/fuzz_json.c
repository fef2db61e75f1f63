/*
** fuzz_json.c -- libFuzzer harness for the strict JSON reader behind
** 'mrv verify' (json.c), and the comparison verify makes of two reports.
**
** Each input is parsed.  On failure there must be exactly one error,
** positioned inside the input (line 0 only for the size limit and out of
** memory), and no tree.  On success every number must be finite, every
** string NUL-free to its length; the tree is written back as JSON,
** parsed again and must be the same tree; and mrv_verify_compare of the
** tree with itself must find no number that differs (only the nulls
** where a number belongs).  Built by 'make fuzz' (build-fuzz/fuzz_json),
** run for a bounded time by 'make fuzz-smoke' from tools/fuzz/corpus/json.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_json: broken contract: %s\n", what);
        abort();
    }
}

/* Writes v back as JSON: strings escaped as report.c writes them,
** numbers as they were written. */
static void emit(FILE *f, const mrv_json *v)
{
    switch (v->kind) {
    case MRV_J_NULL:
        fputs("null", f);
        return;
    case MRV_J_BOOL:
        fputs(v->b ? "true" : "false", f);
        return;
    case MRV_J_NUMBER:
        fputs(v->text, f);
        return;
    case MRV_J_STRING:
        mrv_json_str(f, v->text);
        return;
    case MRV_J_ARRAY:
    case MRV_J_OBJECT:
        break;
    }
    bool obj = v->kind == MRV_J_OBJECT;
    fputc(obj ? '{' : '[', f);
    for (size_t i = 0; i < v->n; i++) {
        if (i) fputc(',', f);
        if (obj) {
            mrv_json_str(f, v->keys[i]);
            fputc(':', f);
        }
        emit(f, v->items[i]);
    }
    fputc(obj ? '}' : ']', f);
}

/* Same tree: kinds, values, keys and order. */
static bool same(const mrv_json *a, const mrv_json *b)
{
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case MRV_J_NULL:
        return true;
    case MRV_J_BOOL:
        return a->b == b->b;
    case MRV_J_NUMBER:
        return strcmp(a->text, b->text) == 0 &&
               memcmp(&a->num, &b->num, sizeof a->num) == 0;
    case MRV_J_STRING:
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case MRV_J_ARRAY:
    case MRV_J_OBJECT:
        break;
    }
    if (a->n != b->n) return false;
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == MRV_J_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0)
            return false;
        if (!same(a->items[i], b->items[i])) return false;
    }
    return true;
}

/* Every value's own invariants; counts the nulls. */
static void walk(const mrv_json *v, size_t *nulls)
{
    check(v->pos.line >= 1 && v->pos.col >= 1, "a value without position");
    switch (v->kind) {
    case MRV_J_NULL:
        ++*nulls;
        return;
    case MRV_J_NUMBER:
        check(isfinite(v->num), "a number that is not finite");
        check(v->text && strlen(v->text) == v->len, "a number's text");
        return;
    case MRV_J_STRING:
        check(v->text && strlen(v->text) == v->len, "a string with a NUL");
        return;
    case MRV_J_BOOL:
        return;
    case MRV_J_ARRAY:
    case MRV_J_OBJECT:
        break;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == MRV_J_OBJECT) check(v->keys[i] != NULL, "a null key");
        walk(v->items[i], nulls);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *d = mrv_diag_new();
    check(a && d, "setup");
    const mrv_json *v = NULL;
    mrv_status st =
        mrv_json_parse("fuzz.json", (const char *)data, size, a, &v, d);
    if (st != MRV_OK) {
        check(v == NULL, "a tree with an error");
        check(mrv_diag_count(d) == 1, "not exactly one error");
        const mrv_diag_entry *e = mrv_diag_first(d);
        check(e && e->code == st, "the error is not the status");
        check(st == MRV_ESYNTAX || st == MRV_ESCHEMA || st == MRV_ENOMEM,
              "an unexpected status");
        check(e->pos.line >= 1 || st != MRV_ESYNTAX, "an unplaced error");
    } else {
        check(v != NULL && mrv_diag_count(d) == 0, "success with errors");
        size_t nulls = 0;
        walk(v, &nulls);

        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        check(f != NULL, "open_memstream");
        emit(f, v);
        check(fclose(f) == 0, "fclose");
        const mrv_json *w = NULL;
        st = mrv_json_parse("again.json", text, len, a, &w, d);
        check(st == MRV_OK || st == MRV_ENOMEM, "its own output fails");
        if (st == MRV_OK) check(same(v, w), "a different tree read back");
        free(text);

        f = fopen("/dev/null", "w");
        check(f != NULL, "/dev/null");
        mrv_verify_result res;
        memset(&res, 0, sizeof res);
        mrv_verify_compare(v, v, f, &res);
        fclose(f);
        /* Only nulls differ from themselves; "inputs" and "search" are
        ** skipped, so there may be fewer. */
        check(res.differences <= nulls, "a value differs from itself");
    }
    mrv_diag_free(d);
    mrv_arena_free(a);
    return 0;
}
