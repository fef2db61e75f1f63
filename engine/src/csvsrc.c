/*
** csvsrc.c -- data files read as RFC 4180 CSV, one row at a time
** (csvsrc.h).
**
** Bytes come through a fixed 64 KiB buffer (from a file descriptor or a
** copy in memory), are hashed as they arrive, and are decoded one
** character at a time so that every position is a line and a character
** column, as for YAML files.  A row is parsed into one buffer of at most
** MRV_CSV_MAX_ROW bytes, fields NUL-terminated in it, so reading a file of
** any length takes the same memory.
**
** Owns: the buffers and the descriptor, released by mrv_csvsrc_close.
** Invariant: after the first error 'failed' is set and every later call
** returns that error without reading.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvsrc.h"
#include "sha256.h"

#define BUFSZ 65536
#define END   (-1) /* no more characters */
#define ERR   (-2) /* an error, recorded */

struct mrv_csvsrc {
    char *path;
    int fd;    /* -1 when reading 'mem' */
    char *mem; /* a copy of the bytes (mrv_csvsrc_open_string) */
    size_t memlen, mempos;
    unsigned char buf[BUFSZ];
    size_t blen, bpos;
    bool eof; /* no byte left to fill the buffer with */
    uint64_t nbytes, max;
    mrv_sha256 sha;
    char hex[65];
    bool done, failed;
    mrv_status st;
    unsigned line, col; /* the next character's line; characters before
                        ** it on that line */
    bool bom_checked;
    /* the current row: fields NUL-terminated in 'row' */
    char *row;
    size_t rowlen;
    size_t nf;
    mrv_csvfield f[MRV_CSV_MAX_COLUMNS];
    unsigned rowline;
    uint64_t rows;
    /* the header, copied */
    size_t ncols;
    char *headbuf;
    mrv_csvfield head[MRV_CSV_MAX_COLUMNS];
};

/* ---- errors ------------------------------------------------------------ */

static mrv_status fail(mrv_csvsrc *r, mrv_diag *d, mrv_srcpos at, mrv_status st,
                       const char *fmt, ...) MRV_PRINTF(5, 6);
static mrv_status fail(mrv_csvsrc *r, mrv_diag *d, mrv_srcpos at, mrv_status st,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(d, at, st, fmt, ap);
    va_end(ap);
    r->failed = true;
    r->st = st;
    return st;
}

static mrv_srcpos here(const mrv_csvsrc *r)
{
    mrv_srcpos p = {r->path, r->line, r->col + 1};
    return p;
}

/* ---- bytes ------------------------------------------------------------- */

/* Refills the buffer; false at the end of the bytes or on an error
** (r->failed tells which). */
static bool fill(mrv_csvsrc *r, mrv_diag *d)
{
    if (r->eof || r->failed) return false;
    size_t n = 0;
    if (r->fd < 0) {
        n = r->memlen - r->mempos;
        if (n > BUFSZ) n = BUFSZ;
        if (n) memcpy(r->buf, r->mem + r->mempos, n);
        r->mempos += n;
    } else {
        ssize_t k;
        do {
            k = read(r->fd, r->buf, BUFSZ);
        } while (k < 0 && errno == EINTR);
        if (k < 0) {
            mrv_srcpos whole = {r->path, 0, 0};
            fail(r, d, whole, MRV_EIO, "cannot read the data file: %s",
                 strerror(errno));
            return false;
        }
        n = (size_t)k;
    }
    if (n == 0) {
        r->eof = true;
        return false;
    }
    r->nbytes += n;
    if (r->nbytes > r->max) {
        mrv_srcpos whole = {r->path, 0, 0};
        fail(r, d, whole, MRV_ESCHEMA,
             "the data file is larger than %llu bytes, the most a data file "
             "may hold",
             (unsigned long long)r->max);
        return false;
    }
    mrv_sha256_update(&r->sha, r->buf, n);
    r->blen = n;
    r->bpos = 0;
    return true;
}

/* The next byte without taking it: 0-255, END or ERR. */
static int peek(mrv_csvsrc *r, mrv_diag *d)
{
    if (r->bpos == r->blen && !fill(r, d)) return r->failed ? ERR : END;
    return r->buf[r->bpos];
}

static int take(mrv_csvsrc *r, mrv_diag *d)
{
    int b = peek(r, d);
    if (b >= 0) r->bpos++;
    return b;
}

/* ---- characters -------------------------------------------------------- */

/* Reads one UTF-8 character into out[0..*nb) and returns its code point,
** END or ERR; *at is where it starts.  Line and column move past it (a
** line feed starts the next line). */
static long rdchar(mrv_csvsrc *r, unsigned char out[4], int *nb, mrv_srcpos *at,
                   mrv_diag *d)
{
    *at = here(r);
    int b = take(r, d);
    if (b < 0) return b;
    out[0] = (unsigned char)b;
    *nb = 1;
    long cp;
    int need;
    unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (b < 0x80) {
        cp = b;
        need = 0;
    } else if (b >= 0xC2 && b <= 0xDF) {
        cp = b & 0x1F;
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        cp = b & 0x0F;
        need = 2;
        if (b == 0xE0) lo = 0xA0; /* no overlong form */
        if (b == 0xED) hi = 0x9F; /* no surrogate */
    } else if (b >= 0xF0 && b <= 0xF4) {
        cp = b & 0x07;
        need = 3;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return fail(r, d, *at, MRV_ESYNTAX,
                    "byte 0x%02x is not UTF-8 text; save the file as UTF-8",
                    (unsigned)b),
               ERR;
    }
    for (int i = 0; i < need; i++) {
        int c = peek(r, d);
        if (c == ERR) return ERR;
        if (c == END || (unsigned)c < lo || (unsigned)c > hi)
            return fail(r, d, *at, MRV_ESYNTAX,
                        "byte 0x%02x starts a character that is not valid "
                        "UTF-8; save the file as UTF-8",
                        (unsigned)b),
                   ERR;
        r->bpos++;
        lo = 0x80;
        hi = 0xBF;
        out[(*nb)++] = (unsigned char)c;
        cp = cp << 6 | (c & 0x3F);
    }
    if (cp == '\n') {
        r->line++;
        r->col = 0;
    } else {
        r->col++;
    }
    return cp;
}

/* A character a field may not hold as it is: C0 controls (a tab too)
** and DEL.  Line feeds and carriage returns are the caller's. */
static mrv_status bad_control(mrv_csvsrc *r, mrv_diag *d, mrv_srcpos at,
                              long cp)
{
    return fail(r, d, at, MRV_ESYNTAX,
                "control character 0x%02lx%s in a field: data files hold "
                "comma-separated text",
                cp, cp == '\t' ? " (a tab)" : "");
}

/* ---- rows -------------------------------------------------------------- */

static bool append(mrv_csvsrc *r, mrv_diag *d, const unsigned char *s, int n,
                   mrv_srcpos rowpos)
{
    if (r->rowlen + (size_t)n + 1 > MRV_CSV_MAX_ROW) {
        fail(r, d, rowpos, MRV_ESCHEMA,
             "this row is longer than %d bytes, the most a row may hold",
             MRV_CSV_MAX_ROW);
        return false;
    }
    memcpy(r->row + r->rowlen, s, (size_t)n);
    r->rowlen += (size_t)n;
    return true;
}

/* After a carriage return: a line feed must follow (CR LF ends a line;
** a lone CR is not a line end RFC 4180 knows). */
static bool crlf(mrv_csvsrc *r, mrv_diag *d, mrv_srcpos cr)
{
    int b = peek(r, d);
    if (b == '\n') {
        unsigned char c[4];
        int nb;
        mrv_srcpos at;
        return rdchar(r, c, &nb, &at, d) >= 0;
    }
    if (b != ERR)
        fail(r, d, cr, MRV_ESYNTAX,
             "a carriage return that is not followed by a line feed; lines "
             "end in LF or CR LF");
    return false;
}

typedef enum { FIELD_NEXT, FIELD_LAST, FIELD_ERR } field_end;

/* Reads one field into the row; says whether another follows. */
static field_end read_field(mrv_csvsrc *r, mrv_diag *d, mrv_srcpos rowpos)
{
    if (r->nf == MRV_CSV_MAX_COLUMNS) {
        fail(r, d, here(r), MRV_ESCHEMA,
             "this row has more than %d fields, the most a data file may have",
             MRV_CSV_MAX_COLUMNS);
        return FIELD_ERR;
    }
    mrv_csvfield *f = &r->f[r->nf];
    f->pos = here(r);
    size_t start = r->rowlen;
    unsigned char c[4];
    int nb;
    mrv_srcpos at;
    field_end end = FIELD_LAST;
    int b = peek(r, d);
    if (b == ERR) return FIELD_ERR;
    if (b == '"') {
        rdchar(r, c, &nb, &at, d);
        for (;;) {
            long cp = rdchar(r, c, &nb, &at, d);
            if (cp == ERR) return FIELD_ERR;
            if (cp == END) {
                fail(r, d, f->pos, MRV_ESYNTAX,
                     "this quoted field is never closed: a '\"' is missing "
                     "before the end of the file");
                return FIELD_ERR;
            }
            if (cp == '"') {
                if (peek(r, d) != '"') break;
                rdchar(r, c, &nb, &at, d); /* "" is one quote */
            } else if ((cp < 0x20 && cp != '\n' && cp != '\r') || cp == 0x7F) {
                bad_control(r, d, at, cp);
                return FIELD_ERR;
            }
            if (!append(r, d, c, nb, rowpos)) return FIELD_ERR;
        }
        long cp = rdchar(r, c, &nb, &at, d);
        if (cp == ERR) return FIELD_ERR;
        if (cp == ',') {
            end = FIELD_NEXT;
        } else if (cp == '\r') {
            if (!crlf(r, d, at)) return FIELD_ERR;
        } else if (cp != '\n' && cp != END) {
            fail(r, d, at, MRV_ESYNTAX,
                 "text after the closing quote of a field; a quoted field "
                 "ends at its closing '\"', and a '\"' inside it is "
                 "written twice");
            return FIELD_ERR;
        }
    } else {
        for (;;) {
            long cp = rdchar(r, c, &nb, &at, d);
            if (cp == ERR) return FIELD_ERR;
            if (cp == END || cp == '\n') break;
            if (cp == ',') {
                end = FIELD_NEXT;
                break;
            }
            if (cp == '\r') {
                if (!crlf(r, d, at)) return FIELD_ERR;
                break;
            }
            if (cp == '"') {
                fail(r, d, at, MRV_ESYNTAX,
                     "a '\"' inside a field that does not start with one; "
                     "quote the whole field and write the '\"' twice");
                return FIELD_ERR;
            }
            if (cp < 0x20 || cp == 0x7F) {
                bad_control(r, d, at, cp);
                return FIELD_ERR;
            }
            if (!append(r, d, c, nb, rowpos)) return FIELD_ERR;
        }
    }
    r->row[r->rowlen++] = '\0';
    f->len = r->rowlen - 1 - start;
    f->text = r->row + start; /* the row buffer never moves */
    r->nf++;
    return end;
}

/* Reads one row; *got is false at the end of the file. */
static mrv_status read_row(mrv_csvsrc *r, bool *got, mrv_diag *d)
{
    *got = false;
    r->nf = 0;
    r->rowlen = 0;
    if (!r->bom_checked) {
        r->bom_checked = true;
        if (peek(r, d) == 0xEF && r->blen - r->bpos >= 3 &&
            r->buf[r->bpos + 1] == 0xBB && r->buf[r->bpos + 2] == 0xBF)
            r->bpos += 3; /* the byte-order mark spreadsheets write */
    }
    int b = peek(r, d);
    if (b == ERR) return r->st;
    if (b == END) {
        unsigned char dg[32];
        mrv_sha256_final(&r->sha, dg);
        mrv_sha256_to_hex(dg, r->hex);
        r->done = true;
        return MRV_OK;
    }
    r->rowline = r->line;
    mrv_srcpos rowpos = here(r);
    field_end e;
    do {
        e = read_field(r, d, rowpos);
    } while (e == FIELD_NEXT);
    if (e == FIELD_ERR) return r->st;
    *got = true;
    return MRV_OK;
}

/* ---- opening ----------------------------------------------------------- */

static mrv_status start(mrv_csvsrc *r, mrv_diag *d)
{
    mrv_sha256_init(&r->sha);
    r->line = 1;
    r->row = malloc(MRV_CSV_MAX_ROW + 1);
    if (!r->row) return MRV_ENOMEM;
    bool got;
    mrv_status st = read_row(r, &got, d);
    if (st != MRV_OK) return st;
    mrv_srcpos whole = {r->path, 0, 0};
    if (!got)
        return fail(r, d, whole, MRV_ESCHEMA,
                    "the data file is empty: it needs a header row naming "
                    "its columns");
    r->headbuf = malloc(r->rowlen + 1);
    if (!r->headbuf) return MRV_ENOMEM;
    memcpy(r->headbuf, r->row, r->rowlen);
    r->ncols = r->nf;
    for (size_t i = 0; i < r->nf; i++) {
        r->head[i] = r->f[i];
        r->head[i].text = r->headbuf + (r->f[i].text - r->row);
        if (r->head[i].len == 0)
            return fail(r, d, r->head[i].pos, MRV_ESCHEMA,
                        "column %zu of the header has no name", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->head[j].text, r->head[i].text) == 0)
                return fail(r, d, r->head[i].pos, MRV_ESCHEMA,
                            "column '%s' is named twice in the header "
                            "(columns %zu and %zu)",
                            r->head[i].text, j + 1, i + 1);
    }
    return MRV_OK;
}

static mrv_csvsrc *new_reader(const char *path, uint64_t max)
{
    mrv_csvsrc *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->fd = -1;
    r->max = max;
    r->path = strdup(path);
    if (!r->path) {
        free(r);
        return NULL;
    }
    return r;
}

static mrv_status finish_open(mrv_csvsrc *r, mrv_csvsrc **out, mrv_diag *d)
{
    mrv_status st = start(r, d);
    if (st == MRV_ENOMEM && !r->failed) {
        mrv_srcpos whole = {r->path, 0, 0};
        mrv_error(d, whole, MRV_ENOMEM, "out of memory reading a data file");
    }
    if (st != MRV_OK) {
        mrv_csvsrc_close(r);
        return st;
    }
    *out = r;
    return MRV_OK;
}

mrv_status mrv_csvsrc_open(const char *path, uint64_t max, mrv_csvsrc **out,
                           mrv_diag *d)
{
    *out = NULL;
    mrv_srcpos whole = {path, 0, 0};
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return mrv_error(d, whole, MRV_EREF, "cannot read the data file: %s",
                         strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return mrv_error(d, whole, MRV_EREF,
                         "cannot read the data file: not a regular file (a "
                         "folder, FIFO, device or socket)");
    }
    if ((uint64_t)sb.st_size > max) {
        close(fd);
        return mrv_error(d, whole, MRV_ESCHEMA,
                         "the data file has %llu bytes; a data file may hold "
                         "at most %llu",
                         (unsigned long long)sb.st_size,
                         (unsigned long long)max);
    }
    mrv_csvsrc *r = new_reader(path, max);
    if (!r) {
        close(fd);
        return mrv_error(d, whole, MRV_ENOMEM,
                         "out of memory reading a data file");
    }
    r->fd = fd;
    return finish_open(r, out, d);
}

mrv_status mrv_csvsrc_open_string(const char *name, const char *buf, size_t len,
                                  mrv_csvsrc **out, mrv_diag *d)
{
    *out = NULL;
    mrv_srcpos whole = {name, 0, 0};
    mrv_csvsrc *r = new_reader(name, MRV_CSV_MAX_BYTES);
    if (r && len) r->mem = malloc(len);
    if (!r || (len && !r->mem)) {
        mrv_csvsrc_close(r);
        return mrv_error(d, whole, MRV_ENOMEM,
                         "out of memory reading a data file");
    }
    if (len) memcpy(r->mem, buf, len);
    r->memlen = len;
    return finish_open(r, out, d);
}

void mrv_csvsrc_close(mrv_csvsrc *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->mem);
    free(r->row);
    free(r->headbuf);
    free(r->path);
    free(r);
}

/* ---- reading ----------------------------------------------------------- */

size_t mrv_csvsrc_ncols(const mrv_csvsrc *r)
{
    return r->ncols;
}

const mrv_csvfield *mrv_csvsrc_header(const mrv_csvsrc *r, size_t i)
{
    return &r->head[i];
}

int mrv_csvsrc_column(const mrv_csvsrc *r, const char *name)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->head[i].text, name) == 0) return (int)i;
    return -1;
}

mrv_status mrv_csvsrc_next(mrv_csvsrc *r, bool *got, mrv_diag *d)
{
    *got = false;
    if (r->failed) return r->st;
    if (r->done) return MRV_OK;
    mrv_status st = read_row(r, got, d);
    if (st != MRV_OK || !*got) return st;
    mrv_srcpos rowpos = {r->path, r->rowline, 1};
    if (r->nf == 1 && r->f[0].len == 0 && r->ncols > 1)
        return fail(r, d, rowpos, MRV_ESYNTAX,
                    "an empty line; remove it (every row needs its %zu "
                    "fields)",
                    r->ncols);
    if (r->nf > r->ncols)
        return fail(r, d, r->f[r->ncols].pos, MRV_ESYNTAX,
                    "this row has %zu fields, more than the header's %zu "
                    "columns",
                    r->nf, r->ncols);
    if (r->nf < r->ncols)
        return fail(r, d, rowpos, MRV_ESYNTAX,
                    "this row has %zu field%s, fewer than the header's %zu "
                    "columns",
                    r->nf, r->nf == 1 ? "" : "s", r->ncols);
    if (++r->rows > MRV_CSV_MAX_ROWS)
        return fail(r, d, rowpos, MRV_ESCHEMA,
                    "the data file has more than %u rows, the most one may "
                    "hold",
                    MRV_CSV_MAX_ROWS);
    return MRV_OK;
}

const mrv_csvfield *mrv_csvsrc_field(const mrv_csvsrc *r, size_t i)
{
    return &r->f[i];
}

unsigned mrv_csvsrc_line(const mrv_csvsrc *r)
{
    return r->rowline;
}

uint64_t mrv_csvsrc_rows(const mrv_csvsrc *r)
{
    return r->rows;
}

const char *mrv_csvsrc_path(const mrv_csvsrc *r)
{
    return r->path;
}

const char *mrv_csvsrc_sha256_hex(const mrv_csvsrc *r)
{
    return r->done ? r->hex : NULL;
}
