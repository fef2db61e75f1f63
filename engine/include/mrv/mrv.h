/*
** mrv.h -- the public umbrella: include this to use libmrv.
**
** The pipeline, one header per stage (docs/README.md):
**
**   yamlsrc.h  YAML file -> positioned node tree
**   model.h    typed methodology, project and factor tables
**   resolve.h  a project bound to its methodology, tables and values
**   compile.h  names, dimensions and equation order
**   lower.h    formulas -> flat program (program.h), run by eval.h
**   mc.h       Monte Carlo draws (dist.h samplers, stats.h summaries,
**              propagate.h IPCC Approach 1)
**   ledger.h   issued units: deductions, split, serials, adjustments
**   output.h   numbers as text, JSON and CSV fields, the output folder
**   report.h   vintages.csv, report.json, report.html, report.xlsx, the
**              printed table
**   run.h      all of it for one project: mrv_run_new / mrv_run_free
**
** Two process-wide settings belong to the program, never to the library
** (which neither reads the environment nor changes global state):
**
**   - call mrv_gsl_handler_off() (or gsl_set_error_handler_off()) once
**     at start-up: GSL's default handler aborts the process, and mrv
**     checks every status itself;
**   - keep the "C" numeric locale (never setlocale(LC_ALL, "")): numbers
**     in YAML are read, and files written, with '.' as decimal point.
**
** Every function that can fail returns an mrv_status (status.h) and
** records positioned diagnostics in an mrv_diag (diag.h), its last
** argument.  A minimal program:
**
**     mrv_gsl_handler_off();           // once, at start-up
**     mrv_diag *d = mrv_diag_new();
**     mrv_options opt = {0};           // search dirs in opt.search
**     mrv_run *run = NULL;
**     if (mrv_run_new("project.yaml", &opt, &run, d) == MRV_OK)
**         mrv_report_write(run, "out", d);
**     mrv_diag_print(d, stderr, false);
**     mrv_run_free(run);
**     mrv_diag_free(d);
**
** A zeroed mrv_options looks for methodologies and factor tables in the
** installed PREFIX/share/mrv/methodologies and PREFIX/share/mrv/factors
** (run.h); name other folders in opt.search.  After 'make install':
**
**     #include <mrv/mrv.h>
**     cc prog.c $(pkg-config --cflags --libs mrv)     (or c++)
**
** links against libmrv.so (soname libmrv.so.0), which exports only the
** functions and objects named mrv_... declared in these headers; every
** header is usable from C++ (extern "C").  The headers not included
** here are included by name: verify.h, explain.h, inputs.h, json.h and
** the others of PREFIX/include/mrv.
*/
#ifndef MRV_MRV_H
#define MRV_MRV_H

#include "status.h"
#include "diag.h"
#include "arena.h"
#include "units.h"
#include "yamlsrc.h"
#include "expr.h"
#include "model.h"
#include "resolve.h"
#include "compile.h"
#include "program.h"
#include "lower.h"
#include "eval.h"
#include "run.h"
#include "mc.h"
#include "stats.h"
#include "output.h"
#include "ledger.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.1.0"
#endif

#ifdef __cplusplus
}
#endif

#endif /* MRV_MRV_H */
