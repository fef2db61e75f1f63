/*
** diag.c -- the diagnostics sink.
**
** Entries are kept in a malloc'd array in the order recorded.  The sink
** owns its copies of messages and file names, so positions may point into
** a model that is freed before the CLI prints.  After MRV_DIAG_MAX_ERRORS
** errors it keeps counting but stops storing, which bounds the memory a
** hostile input can make us spend on complaints.  Printing shows every
** entry as one line with its control characters escaped (term.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "term.h"

struct mrv_diag {
    mrv_diag_entry *e;
    size_t n, cap;
    size_t nerrors;
    mrv_status first; /* code of the first error */
    bool nomem;
};

mrv_diag *mrv_diag_new(void)
{
    return calloc(1, sizeof(mrv_diag));
}

void mrv_diag_reset(mrv_diag *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->e[i].msg);
        free((char *)d->e[i].pos.file);
    }
    d->n = 0;
    d->nerrors = 0;
    d->first = MRV_OK;
    d->nomem = false;
}

void mrv_diag_free(mrv_diag *d)
{
    if (!d) return;
    mrv_diag_reset(d);
    free(d->e);
    free(d);
}

static char *vformat(const char *fmt, va_list ap) MRV_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static void record(mrv_diag *d, mrv_srcpos pos, mrv_severity sev,
                   mrv_status code, const char *fmt, va_list ap)
    MRV_PRINTF(5, 0);
static void record(mrv_diag *d, mrv_srcpos pos, mrv_severity sev,
                   mrv_status code, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        mrv_diag_entry *e = realloc(d->e, cap * sizeof *e);
        if (!e) {
            d->nomem = true;
            return;
        }
        d->e = e;
        d->cap = cap;
    }
    mrv_diag_entry *e = &d->e[d->n];
    e->msg = vformat(fmt, ap);
    e->pos = pos;
    e->pos.file = pos.file ? strdup(pos.file) : NULL;
    e->sev = sev;
    e->code = code;
    if (!e->msg || (pos.file && !e->pos.file)) {
        free(e->msg);
        free((char *)e->pos.file);
        d->nomem = true;
        return;
    }
    d->n++;
}

mrv_status mrv_verror(mrv_diag *d, mrv_srcpos pos, mrv_status code,
                      const char *fmt, va_list ap)
{
    if (!d) return code;
    if (d->nerrors == 0) d->first = code;
    d->nerrors++;
    if (d->nerrors <= MRV_DIAG_MAX_ERRORS)
        record(d, pos, MRV_SEV_ERROR, code, fmt, ap);
    return code;
}

mrv_status mrv_error(mrv_diag *d, mrv_srcpos pos, mrv_status code,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(d, pos, code, fmt, ap);
    va_end(ap);
    return code;
}

void mrv_warning(mrv_diag *d, mrv_srcpos pos, const char *fmt, ...)
{
    if (!d) return;
    va_list ap;
    va_start(ap, fmt);
    record(d, pos, MRV_SEV_WARNING, MRV_OK, fmt, ap);
    va_end(ap);
}

void mrv_note(mrv_diag *d, mrv_srcpos pos, const char *fmt, ...)
{
    if (!d || d->nerrors > MRV_DIAG_MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    record(d, pos, MRV_SEV_NOTE, MRV_OK, fmt, ap);
    va_end(ap);
}

size_t mrv_diag_count(const mrv_diag *d)
{
    return d ? d->n : 0;
}

size_t mrv_diag_error_count(const mrv_diag *d)
{
    return d ? d->nerrors : 0;
}

const mrv_diag_entry *mrv_diag_get(const mrv_diag *d, size_t i)
{
    return d && i < d->n ? &d->e[i] : NULL;
}

const mrv_diag_entry *mrv_diag_first(const mrv_diag *d)
{
    if (!d) return NULL;
    for (size_t i = 0; i < d->n; i++)
        if (d->e[i].sev == MRV_SEV_ERROR) return &d->e[i];
    return NULL;
}

mrv_status mrv_diag_status(const mrv_diag *d)
{
    if (!d) return MRV_OK;
    if (d->nerrors) return d->first;
    return d->nomem ? MRV_ENOMEM : MRV_OK;
}

static const char *sev_name(mrv_severity s)
{
    return s == MRV_SEV_ERROR     ? "error"
           : s == MRV_SEV_WARNING ? "warning"
                                  : "note";
}

void mrv_diag_format(const mrv_diag_entry *e, char *buf, size_t n)
{
    if (!e->pos.file)
        snprintf(buf, n, "mrv: %s: %s", sev_name(e->sev), e->msg);
    else if (e->pos.line == 0)
        snprintf(buf, n, "%s: %s: %s", e->pos.file, sev_name(e->sev), e->msg);
    else
        snprintf(buf, n, "%s:%u:%u: %s: %s", e->pos.file, e->pos.line,
                 e->pos.col, sev_name(e->sev), e->msg);
}

/* Prints line 'line' of 'file' and a caret under character column 'col'
** (UTF-8 continuation bytes do not count as columns).  The line is shown
** as term.h escapes it, and the caret is moved by the width each
** character is shown with, so it still points at the column. */
static void print_context(FILE *out, const char *file, unsigned line,
                          unsigned col)
{
    FILE *f = fopen(file, "rb");
    if (!f) return;
    char buf[512];
    unsigned ln = 1;
    bool found = false;
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        bool whole = len && buf[len - 1] == '\n';
        if (ln == line) {
            found = true;
            if (whole) buf[--len] = '\0';
            break;
        }
        if (whole) ln++;
    }
    fclose(f);
    if (!found) return;
    fputc(' ', out);
    mrv_term_puts(out, buf, MRV_TERM_LINE);
    fputs("\n ", out);
    const unsigned char *p = (const unsigned char *)buf;
    size_t left = strlen(buf);
    for (unsigned c = 1; left && c < col; c++) {
        char shown[MRV_TERM_MAX];
        size_t used = mrv_term_char(p, left, true, MRV_TERM_LINE, shown);
        /* An escape takes its length in columns, a character one. */
        fprintf(out, "%*s", shown[0] == '\\' ? (int)strlen(shown) : 1, "");
        p += used;
        left -= used;
    }
    fputs("^\n", out);
}

void mrv_diag_print(const mrv_diag *d, FILE *out, bool context)
{
    if (!d) return;
    char line[2048];
    for (size_t i = 0; i < d->n; i++) {
        const mrv_diag_entry *e = &d->e[i];
        mrv_diag_format(e, line, sizeof line);
        /* One entry, one line: nothing from an input may end it early or
        ** reach the terminal as a control. */
        mrv_term_puts(out, line, MRV_TERM_LINE);
        fputc('\n', out);
        if (context && e->pos.file && e->pos.line)
            print_context(out, e->pos.file, e->pos.line, e->pos.col);
    }
    if (d->nerrors > MRV_DIAG_MAX_ERRORS)
        fprintf(out, "mrv: note: %zu more errors not shown\n",
                d->nerrors - MRV_DIAG_MAX_ERRORS);
    if (d->nomem)
        fprintf(out, "mrv: error: out of memory while recording diagnostics\n");
}
