/*
** output.h -- how mrv writes: numbers as text, JSON and CSV fields, and
** the output folder written as one set.
**
** The one place that turns a double into text for a file or a person.
** Every writer (report.c, report_html.c, ledger_out.c, explain.c, the
** formula printer) formats through these functions, so two files never
** disagree on how a number reads.  Depends on libc, diag.h and (for
** the one writer of a result's statistics) stats.h only: report and
** ledger both depend on it, never on each other for it.
*/
#ifndef MRV_OUTPUT_H
#define MRV_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- numbers ------------------------------------------------------------ */

/* The fewest significant digits, 1 to 17, with which %.*g (or %.*e with
** one less) prints text that reads back (strtod, C locale) to exactly
** 'x'.  'x' must be finite; 0 needs 1. */
int mrv_fmt_digits(double x);

/* %.17g, with -0 printed as 0: enough digits to read back the same
** double, and the same text for the same bits on every platform with a
** correctly rounding printf.  Returns buf. */
char *mrv_fmt_g17(double x, char *buf, size_t n);

/* The shortest %g text that reads back to 'x' exactly (mrv_fmt_digits
** digits), with whole numbers below 10^15 written as integers ("60000",
** never "6e+04") and -0 as 0.  'x' must be finite.  Returns buf. */
char *mrv_fmt_shortest(double x, char *buf, size_t n);

/* 'raw', a number as printf wrote it ("-1234567.8"), with ',' between
** the thousands of its whole part ("-1,234,567.8").  Returns buf. */
char *mrv_fmt_group(const char *raw, char *buf, size_t n);

/* 'x' rounded to 'dec' decimals, with thousands separators, for people:
** no minus sign on what rounds to zero, "n/a" when not finite, three
** significant digits beyond 10^18.  Returns buf. */
char *mrv_fmt_num(double x, int dec, char *buf, size_t n);

/* ---- text --------------------------------------------------------------- */

/* The length (1 to 4) of the well-formed UTF-8 sequence 'p' begins, or 0
** when it begins none: a stray continuation byte, an overlong form, a
** surrogate, a code point beyond U+10FFFF, a sequence cut short. */
int mrv_utf8_seq(const char *p);

/* ---- JSON --------------------------------------------------------------- */

/* A string, escaped per RFC 8259 (every control character as \uXXXX or
** its short escape, C1 controls as \u0080 to \u009f); a byte that is not
** part of well-formed UTF-8 is written as \ufffd, so the text is always
** valid JSON.  NULL is written as "". */
void mrv_json_str(FILE *f, const char *s);
/* A number as mrv_fmt_g17; null when not finite. */
void mrv_json_num(FILE *f, double x);
/* A result's statistics as one object, each number as mrv_json_num:
** {"central", "mean", "sd", "lower", "median", "upper"}, and when 'mc'
** (the run drew) also "se_mean", the bounds from the first half of the
** draws and IPCC Approach 1 beside the Monte Carlo.  report.json and
** the monitoring report write every mrv_stat through it. */
struct mrv_stat;
void mrv_json_stat(FILE *f, const struct mrv_stat *s, bool mc);

/* ---- HTML -------------------------------------------------------------- */

/* Writes 's' as HTML text, also safe inside a quoted attribute: & < > "
** and ' as entities; control characters other than tab and newline have
** no business in a page and become U+FFFD.  NULL writes nothing. */
void mrv_html_str(FILE *f, const char *s);

/* ---- CSV --------------------------------------------------------------- */

/* One CSV record being written: begin, add fields in order, end.  Fields
** are separated by ',' and a record ends with '\n' (LF, in every file mrv
** writes).  Text is written as it is unless it holds ',', '"', CR or LF;
** then it is quoted as RFC 4180 says: between '"', with every '"' inside
** doubled.  Every CSV file mrv writes goes through these functions.
** Write errors show on the stream (ferror). */
typedef struct mrv_csv {
    FILE *f;
    size_t nfields; /* written so far in this record */
} mrv_csv;

void mrv_csv_begin(mrv_csv *c, FILE *f);
/* Fields the caller has already written as CSV ("vintage,estimate"): a
** constant header, never text from an input. */
void mrv_csv_raw(mrv_csv *c, const char *fields);
/* Text, quoted when it needs to be; NULL is an empty field. */
void mrv_csv_text(mrv_csv *c, const char *s);
void mrv_csv_int(mrv_csv *c, long long x);
/* A double as mrv_fmt_g17. */
void mrv_csv_g17(mrv_csv *c, double x);
/* A double as mrv_fmt_shortest; an empty field when it is not finite (no
** value, as for a half-width without draws). */
void mrv_csv_num(mrv_csv *c, double x);
/* Ends the record. */
void mrv_csv_end(mrv_csv *c);

/* ---- output sets -------------------------------------------------------- */

/* The files of one run, written into the output folder DIR as one set.
**
** What is atomic: the files are written into a new sibling folder
** (PARENT/.BASE.mrv-XXXXXX), and only when every one of them is complete
** and on disk is that folder put in DIR's place, by one rename (an
** exchange when DIR exists).  Every lookup of DIR/NAME therefore finds
** the whole previous set or the whole new one: never a mix, never a
** half-written file, and never a file of the previous set the new run
** did not write.  Of two runs into one DIR at once, the one that swaps
** last leaves its whole set.  A run that fails, or is killed, before the
** swap leaves DIR as it was; its sibling is removed by the next set
** opened beside DIR.  Temporary files are created exclusively
** (O_CREAT|O_EXCL|O_NOFOLLOW) in that new folder, so no planted link is
** ever followed.
**
** 'owned' lists every name a set of this kind may hold: DIR may hold
** nothing else (a folder holding other files is refused, never
** emptied), and only those names are ever deleted. */
typedef struct mrv_outset mrv_outset;

/* Checks, without changing anything, that 'dir' can take a set of
** 'owned' files: it is a folder (not a file or a symbolic link) holding
** only such files and whose parent is writable, or it is missing and
** can be created.  Meant to be called before a run's work, so a bad
** --out is found at once.  Returns MRV_OK or MRV_EREF (recorded at
** "DIR: error: ..."). */
mrv_status mrv_outset_check(const char *dir, const char *const *owned,
                            size_t nowned, mrv_diag *d);
/* Checks 'dir' again, creates its missing parents, removes what dead
** runs left beside it and starts a set.  'owned' is borrowed (copied as
** pointers: the strings must outlive the set).  On success sets *out;
** otherwise returns MRV_EREF (a bad folder) or MRV_EIO/MRV_ENOMEM and
** leaves nothing behind. */
mrv_status mrv_outset_open(const char *dir, const char *const *owned,
                           size_t nowned, mrv_outset **out, mrv_diag *d);
/* Returns a stream for the set's file 'name' (one of 'owned', each at
** most once), or NULL with an error recorded.  The stream belongs to the
** set. */
FILE *mrv_outset_file(mrv_outset *s, const char *name, mrv_diag *d);
/* For a writer that can only be given a file name (libxlsxwriter):
** creates the set's file 'name' (one of 'owned', each at most once), as
** mrv_outset_file does, empty, and writes into 'path' (n bytes) the path
** at which to write it.  The writer must replace or fill that file in
** place; the commit checks that the name still holds a regular file,
** the one created (never a link), before syncing it.  Returns
** MRV_OK, or MRV_EIO/MRV_EINTERNAL with an error recorded. */
mrv_status mrv_outset_path(mrv_outset *s, const char *name, char *path,
                           size_t n, mrv_diag *d);
/* Closes every stream, checks for write errors, puts the set in place
** and removes the previous one.  Frees the set.  On failure (MRV_EIO)
** DIR is as it was and nothing of the set remains. */
mrv_status mrv_outset_commit(mrv_outset *s, mrv_diag *d);
/* Removes everything of the set, with the folders it created for DIR,
** and frees it; accepts NULL. */
void mrv_outset_abort(mrv_outset *s);
/* The name of the i-th file added ("vintages.csv"), or NULL past the
** last; valid until the set is committed or aborted. */
const char *mrv_outset_name(const mrv_outset *s, size_t i);
/* Ends a set its writers have filled: when 'ok', the names of its files
** joined by ", " into names[0..n) (when n > 0) and mrv_outset_commit;
** otherwise mrv_outset_abort and the writers' error, or, when none was
** recorded, with errno 'err' (MRV_EIO): "cannot write 'DIR/NAME'" for
** the first file whose stream is in error, else "cannot write into
** 'DIR'". */
mrv_status mrv_outset_finish(mrv_outset *s, bool ok, int err, char *names,
                             size_t n, mrv_diag *d);

#ifdef __cplusplus
}
#endif

#endif /* MRV_OUTPUT_H */
