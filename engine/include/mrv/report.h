/*
** report.h -- the files and the table a run produces (docs/outputs.md).
**
** The only code that formats numbers for output.  Files are written
** atomically: every file goes to a temporary name in the output folder
** first, and only when all of them are complete are they renamed over the
** old ones, so a failed run never leaves a half-written or mixed set.
*/
#ifndef MRV_REPORT_H
#define MRV_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "run.h"

/* The exact header of vintages.csv. */
#define MRV_VINTAGES_HEADER "vintage,result,central,mean,sd,lower,median,upper"

/* A set of output files being written: add each, then commit or abort. */
typedef struct mrv_outset mrv_outset;

/* Starts a set in 'dir' (created, with parents, when missing). */
mrv_status mrv_outset_open(const char *dir, mrv_outset **out, mrv_diag *d);
/* Returns a stream for file 'name' (a temporary until commit), or NULL. */
FILE *mrv_outset_file(mrv_outset *s, const char *name, mrv_diag *d);
/* Closes every stream, checks for write errors and renames all files into
** place.  Frees the set. */
mrv_status mrv_outset_commit(mrv_outset *s, mrv_diag *d);
/* Removes the temporaries and frees the set; accepts NULL. */
void mrv_outset_abort(mrv_outset *s);

/* Writers: each returns false on a stream error. */
bool mrv_report_vintages_csv(const mrv_run *run, FILE *f);
bool mrv_report_json(const mrv_run *run, FILE *f);
/* report.html (report_html.c): one self-contained page with the run's
** settings, inline SVG charts of the reductions per vintage (with the
** uncertainty band) and of the allocation, the per-vintage and ledger
** tables, the files written and the provenance.  Every string from an
** input file is HTML-escaped; the same run gives the same bytes. */
bool mrv_report_html(const mrv_run *run, FILE *f);
/* The compact per-vintage table printed by 'mrv run'. */
void mrv_report_table(const mrv_run *run, FILE *f);

/* Writes vintages.csv, report.json and report.html (and, with an
** allocation, the ledger files) into 'dir' atomically. */
mrv_status mrv_report_write(const mrv_run *run, const char *dir,
                            mrv_diag *diag);
/* The same, and on success the names of the files written, joined by
** ", ", into 'names' (n bytes; truncated to fit), for the CLI's message. */
mrv_status mrv_report_write_named(const mrv_run *run, const char *dir,
                                  char *names, size_t n, mrv_diag *diag);

/* %.17g, with -0 printed as 0: enough digits to read back the same
** double.  Returns buf. */
char *mrv_fmt_g17(double x, char *buf, size_t n);

/* 'raw', a number as printf wrote it ("-1234567.8"), with ',' between
** the thousands of its whole part ("-1,234,567.8").  Returns buf. */
char *mrv_fmt_group(const char *raw, char *buf, size_t n);

/* 'x' rounded to 'dec' decimals, with thousands separators, for people:
** no minus sign on what rounds to zero, "n/a" when not finite, three
** significant digits beyond 10^18.  Returns buf. */
char *mrv_fmt_num(double x, int dec, char *buf, size_t n);

/* JSON: a string, escaped; a number as %.17g (null when not finite). */
void mrv_json_str(FILE *f, const char *s);
void mrv_json_num(FILE *f, double x);

#endif /* MRV_REPORT_H */
