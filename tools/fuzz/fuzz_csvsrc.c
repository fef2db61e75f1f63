/*
** fuzz_csvsrc.c -- libFuzzer harness for the data-file reader (csvsrc.c).
**
** Each input is read as a data file, row by row, to its end or its first
** error.  On an error there must be exactly one, positioned inside the
** input (line 0 only for a whole-file error: empty, too large, out of
** memory), and nothing is read after it.  While reading, every row must
** have the header's count of fields, each NUL-terminated at its length
** and positioned inside the input, lines never going back.  At the end
** the digest must be the SHA-256 of the whole input.  Built by 'make
** fuzz' (build-fuzz/fuzz_csvsrc), run for a bounded time by 'make
** fuzz-smoke' from tools/fuzz/corpus/csvsrc.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvsrc.h"
#include "sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csvsrc: broken contract: %s\n", what);
        abort();
    }
}

/* The input's lines: a field or an error may be on any of them. */
static unsigned lines_of(const uint8_t *data, size_t size)
{
    unsigned n = 1;
    for (size_t i = 0; i < size; i++) n += data[i] == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mrv_diag *d = mrv_diag_new();
    if (!d) return 0;
    unsigned nlines = lines_of(data, size);
    mrv_csvsrc *r = NULL;
    mrv_status st =
        mrv_csvsrc_open_string("f.csv", (const char *)data, size, &r, d);
    bool got = st == MRV_OK;
    unsigned last = 0;
    while (st == MRV_OK && got) {
        size_t nc = mrv_csvsrc_ncols(r);
        check(nc >= 1 && nc <= MRV_CSV_MAX_COLUMNS, "column count");
        st = mrv_csvsrc_next(r, &got, d);
        if (st != MRV_OK || !got) break;
        unsigned line = mrv_csvsrc_line(r);
        check(line >= last && line <= nlines, "row lines go forward");
        last = line;
        for (size_t i = 0; i < nc; i++) {
            const mrv_csvfield *f = mrv_csvsrc_field(r, i);
            check(strlen(f->text) == f->len, "field NUL-terminated");
            check(f->pos.line >= line && f->pos.line <= nlines,
                  "field inside the input");
        }
    }
    if (st == MRV_OK) {
        char want[65];
        mrv_sha256_hex(data, size, want);
        check(strcmp(mrv_csvsrc_sha256_hex(r), want) == 0, "digest");
        check(mrv_diag_error_count(d) == 0, "no error on success");
    } else {
        check(mrv_diag_error_count(d) == 1, "exactly one error");
        const mrv_diag_entry *e = mrv_diag_first(d);
        check(e->pos.line <= nlines, "error inside the input");
        check(e->pos.line > 0 || st == MRV_ESCHEMA || st == MRV_ENOMEM,
              "a whole-file error is a size or memory one");
    }
    mrv_csvsrc_close(r);
    mrv_diag_free(d);
    return 0;
}
