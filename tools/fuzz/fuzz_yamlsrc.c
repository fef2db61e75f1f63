/*
** fuzz_yamlsrc.c -- libFuzzer harness for the YAML loader.
**
** Built by 'make fuzz' (build-fuzz/fuzz_yamlsrc), run by 'make
** fuzz-smoke' from tools/fuzz/corpus/yamlsrc (the YAML files of
** tests/bad and methodologies up to 4 KiB).
**
** Each input is loaded from memory; on success every scalar's offsets are
** mapped back to the source, and the positions must stay inside the file
** and never move backwards within a scalar.  Everything is freed.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "diag.h"
#include "yamlsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines as libyaml counts them: LF, CR, CRLF, NEL, LS and PS. */
static unsigned nlines(const mrv_ydoc *doc)
{
    const unsigned char *s = (const unsigned char *)doc->buf;
    unsigned n = 1;
    for (size_t i = 0; i < doc->size; i++) {
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) n++;
        if (s[i] == 0xC2 && s[i + 1] == 0x85) n++;
        if (s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] & 0xFE) == 0xA8) n++;
    }
    return n;
}

static void check_scalar(const mrv_ynode *s, unsigned maxline, size_t *budget)
{
    mrv_srcpos prev = mrv_yaml_scalar_pos(s, 0);
    for (size_t k = 0; k <= s->len && *budget; k++, --*budget) {
        mrv_srcpos p = mrv_yaml_scalar_pos(s, k);
        if (!p.file || p.line < s->pos.line || p.line > maxline + 1 ||
            p.col < 1) {
            __builtin_trap();
        }
        /* Fallback to the start is allowed, but only for every offset. */
        if (p.line < prev.line || (p.line == prev.line && p.col < prev.col)) {
            __builtin_trap();
        }
        prev = p;
    }
}

static void walk(const mrv_ynode *y, unsigned maxline, size_t *budget)
{
    if (!y) return;
    if (y->kind == MRV_Y_SCALAR) {
        check_scalar(y, maxline, budget);
        return;
    }
    for (size_t i = 0; i < y->n; i++) {
        if (y->keys) walk(y->keys[i], maxline, budget);
        walk(y->vals[i], maxline, budget);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mrv_arena *arena = mrv_arena_new(NULL, NULL);
    mrv_diag *diag = mrv_diag_new();
    if (!arena || !diag) abort();
    const mrv_ydoc *doc = NULL;
    mrv_status st = mrv_yaml_load_string("fuzz.yaml", (const char *)data, size,
                                         arena, &doc, diag);
    if (st == MRV_OK) {
        size_t budget = 20000;
        if (!doc || mrv_diag_error_count(diag) != 0) __builtin_trap();
        walk(doc->root, nlines(doc), &budget);
    } else {
        if (doc || mrv_diag_error_count(diag) == 0) __builtin_trap();
        for (size_t i = 0; i < mrv_diag_count(diag); i++) {
            char line[512];
            const mrv_diag_entry *e = mrv_diag_get(diag, i);
            if (e->pos.line == 0 && e->code != MRV_ENOMEM &&
                e->code != MRV_ESCHEMA) {
                __builtin_trap(); /* YAML errors are always positioned */
            }
            mrv_diag_format(e, line, sizeof line);
        }
    }
    mrv_diag_free(diag);
    mrv_arena_free(arena);
    return 0;
}
