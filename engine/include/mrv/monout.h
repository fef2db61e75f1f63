/*
** monout.h -- what a monitored run reports (docs/monitoring.md,
** docs/outputs.md): the monitoring periods' results, the data-quality
** table of every gap and how it was filled, the sampling surveys, and the
** ex-ante estimate beside the monitored result.
**
** Files (each written only when the run has something for it):
**   periods.csv   period,start,end,result,central,mean,sd,lower,median,upper
**   gaps.csv      every filled gap, with its file and line
**   surveys.csv   every stratum of every survey: n, mean, se, precision
**   exante.csv    per vintage and period: ex-ante, monitored, difference
** and the "monitoring" member of report.json, a section of report.html
** and lines of the printed table.
*/
#ifndef MRV_MONOUT_H
#define MRV_MONOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The exact header of periods.csv. */
#define MRV_PERIODS_HEADER                                                     \
    "period,start,end,result,central,mean,sd,lower,median,upper"

/* The name of the i-th file this module may write, or NULL past the
** last; and whether 'run' writes it. */
const char *mrv_monout_file_name(size_t i);
bool mrv_monout_writes(const mrv_run *run, size_t i);
/* Writes file i; false on a stream error. */
bool mrv_monout_write(const mrv_run *run, size_t i, FILE *f);

/* ",\n  \"monitoring\": {...}" into report.json, or nothing for a run
** without periods, monitored data, surveys or an ex-ante project; false
** when out of memory (the digest of gaps.csv it may give). */
bool mrv_monout_json(const mrv_run *run, FILE *f);
/* The section of report.html (nothing for such a run). */
void mrv_monout_html(const mrv_run *run, FILE *f);
/* The lines of the printed table after the vintages (nothing for such a
** run). */
void mrv_monout_table(const mrv_run *run, FILE *f);
/* Whether vintage index v's result r depends on a filled gap: the gap's
** parameter is read (directly or through equations) by the result's
** equation, and the gap lies in that vintage. */
bool mrv_monout_filled(const mrv_run *run, size_t v, int r);

#ifdef __cplusplus
}
#endif

#endif /* MRV_MONOUT_H */
