/*
** report.h -- the files and the table a run produces (docs/outputs.md).
**
** Numbers are formatted, and the files written as one set, by the output
** module (output.h).
*/
#ifndef MRV_REPORT_H
#define MRV_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "output.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The exact header of vintages.csv: the statistics, then the result's
** unit (a crediting-period total's drops a trailing per-year, since
** summing vintages gives tonnes) and the vintage's share of days ('frac',
** empty on a total row), so a spreadsheet shows that a partial vintage
** is partial. */
#define MRV_VINTAGES_HEADER                                                    \
    "vintage,result,central,mean,sd,lower,median,upper,unit,frac"

/* The exact header of sensitivity.csv: per result column (vintage or
** total, result) one row per uncertain input that can move it, largest
** variance share first (result.h, mrv_sensitivity). */
#define MRV_SENSITIVITY_HEADER                                                 \
    "vintage,result,input,rank_correlation,variance_share"

/* The unit of a crediting-period total of a result declared in 'unit'
** is its first N characters, N returned here: a trailing "/yr", "/year"
** or "/a" is dropped (a flow per vintage summed over vintages is an
** amount), else the whole unit.  NULL has length 0. */
size_t mrv_report_period_unit_len(const char *unit);

/* Writers: each returns false on a stream error. */
bool mrv_report_vintages_csv(const mrv_run *run, FILE *f);
/* Header only when the run has no draws, or the sensitivity was skipped. */
bool mrv_report_sensitivity_csv(const mrv_run *run, FILE *f);
bool mrv_report_json(const mrv_run *run, FILE *f);
/* report.html (report_html.c): one self-contained page with the run's
** settings, inline SVG charts of the reductions per vintage (with the
** uncertainty band) and of the allocation, the per-vintage and ledger
** tables, the files written and the provenance.  Every string from an
** input file is HTML-escaped; the same run gives the same bytes. */
bool mrv_report_html(const mrv_run *run, FILE *f);
/* report.xlsx (report_xlsx.c, the only user of libxlsxwriter), written
** to the file at 'path' (libxlsxwriter writes by name): sheets Summary,
** Vintages, Ledger, Serials, Adjustments, Inputs, Factors, Sensitivity
** and Provenance, numbers stored as numbers (with 16 significant
** digits, libxlsxwriter's precision) with their units in the headers.
** The same run gives the same bytes.  Returns MRV_OK, MRV_ENOMEM, or
** MRV_EIO with an error recorded. */
mrv_status mrv_report_xlsx(const mrv_run *run, const char *path,
                           mrv_diag *diag);
/* The compact per-vintage table printed by 'mrv run'. */
void mrv_report_table(const mrv_run *run, FILE *f);

/* The name of the i-th file this module writes ("vintages.csv",
** "sensitivity.csv", "report.json", "report.html", "report.xlsx"), or
** NULL past the last. */
const char *mrv_report_file_name(size_t i);

/* Checks, before a run's work, that 'dir' can receive its files
** (mrv_outset_check with every name mrv writes): MRV_OK or MRV_EREF. */
mrv_status mrv_report_check_dir(const char *dir, mrv_diag *diag);

/* Writes vintages.csv, sensitivity.csv, report.json, report.html and
** report.xlsx (and, with an
** allocation, the ledger files) into 'dir' as one set (output.h says
** exactly what is atomic).  Unless the run was given one thread,
** report.xlsx is written while a second thread writes the other files;
** the bytes, and the failure reported when several fail (the first in
** that order), are the same either way. */
mrv_status mrv_report_write(const mrv_run *run, const char *dir,
                            mrv_diag *diag);
/* The same, and on success the names of the files written, joined by
** ", ", into 'names' (n bytes; truncated to fit), for the CLI's message. */
mrv_status mrv_report_write_named(const mrv_run *run, const char *dir,
                                  char *names, size_t n, mrv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* MRV_REPORT_H */
