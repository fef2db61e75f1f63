/*
** csvsrc.h -- reading data files: RFC 4180 CSV, one row at a time.
**
** Monitored data (meter readings, registries, inventories, surveys)
** comes as CSV files that may hold millions of rows, so they are read as
** a stream through a fixed buffer, never whole: memory is one row, not
** one file.  The format is RFC 4180 as spreadsheets write it, read
** strictly because the files come from others:
**
**   - UTF-8 text (a leading byte-order mark is skipped), lines ending in
**     LF or CR LF, the last line break optional;
**   - a header row of unique, non-empty column names, then rows with as
**     many fields as the header;
**   - a field is written as it is, or between double quotes, with a
**     double quote inside doubled ("a ""b"""); only a quoted field may
**     hold a comma, a quote or a line break;
**   - control characters (a tab, NUL, a carriage return outside a line
**     end), bytes that are not UTF-8, a quote inside an unquoted field,
**     text after a closing quote, an unclosed quote, an empty line, a
**     row with too few or too many fields: each is an error at its
**     FILE:LINE:COL, where LINE is the physical line of the file (a
**     quoted field may span lines) and COL counts characters.
**
** Every byte read is hashed (SHA-256) for the run's provenance.  The
** reader stops at the first error: a data file with one malformed row is
** refused whole.
*/
#ifndef MRV_CSVSRC_H
#define MRV_CSVSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_csvsrc mrv_csvsrc;

/* One field of the current row: its text (NUL-terminated, quotes
** removed), length, and where it starts in the file. */
typedef struct mrv_csvfield {
    const char *text;
    size_t len;
    mrv_srcpos pos; /* pos.file is the reader's path */
} mrv_csvfield;

/* Opens the data file at 'path' and reads its header row.  Only a
** regular file of at most 'max' bytes is read, and opening never blocks
** (a FIFO is refused, not waited on).  On success sets *out; otherwise
** records the error (MRV_EREF for a missing or unreadable file or one
** that is not a regular file, MRV_ESYNTAX or MRV_ESCHEMA for its
** contents, MRV_EIO for a failing read) and returns its status. */
mrv_status mrv_csvsrc_open(const char *path, uint64_t max, mrv_csvsrc **out,
                           mrv_diag *diag);
/* The same over 'len' bytes of memory (copied), named 'name' in
** positions. */
mrv_status mrv_csvsrc_open_string(const char *name, const char *buf, size_t len,
                                  mrv_csvsrc **out, mrv_diag *diag);
/* Frees the reader; accepts NULL. */
void mrv_csvsrc_close(mrv_csvsrc *r);

/* The header: 'ncols' columns, column i named by its field. */
size_t mrv_csvsrc_ncols(const mrv_csvsrc *r);
const mrv_csvfield *mrv_csvsrc_header(const mrv_csvsrc *r, size_t i);
/* The index of the column named 'name', or -1. */
int mrv_csvsrc_column(const mrv_csvsrc *r, const char *name);

/* Reads the next row.  MRV_OK with *got true (a row, its fields below)
** or false (the end of the file: the digest is then complete); any other
** status is an error, recorded, after which the reader reads nothing
** more. */
mrv_status mrv_csvsrc_next(mrv_csvsrc *r, bool *got, mrv_diag *diag);
/* Field i (< ncols) of the current row. */
const mrv_csvfield *mrv_csvsrc_field(const mrv_csvsrc *r, size_t i);
/* The line the current row starts on. */
unsigned mrv_csvsrc_line(const mrv_csvsrc *r);
/* Rows read so far, the header not counted. */
uint64_t mrv_csvsrc_rows(const mrv_csvsrc *r);

/* The path as given, and the SHA-256 of every byte of the file as 64
** lowercase hex digits: complete once mrv_csvsrc_next has said the end
** (NULL before). */
const char *mrv_csvsrc_path(const mrv_csvsrc *r);
const char *mrv_csvsrc_sha256_hex(const mrv_csvsrc *r);

#ifdef __cplusplus
}
#endif

#endif /* MRV_CSVSRC_H */
