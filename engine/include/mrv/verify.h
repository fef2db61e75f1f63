/*
** verify.h -- re-run a recorded run and compare ('mrv verify').
**
** A report.json (report.c) records every input file with its SHA-256, the
** search path the files were found on, and the settings that make a run
** reproducible: seed, draws, sampling method, confidence.  mrv_verify
** reads it back (json.h), checks that each input file still has its
** recorded digest, re-runs the project with the recorded settings (the
** thread count does not matter: results are bit-identical), writes the
** report the re-run would write, and compares the two value by value:
** every number must be the same double (per-vintage and total statistics
** of every result, every equation's central values, the ledger, the
** factors), every string and flag the same.  Paths in report.json are as
** the run was given them and are read relative to the current folder,
** but only within bounds, since the report may be hostile: below the
** current folder or inside the caller's own search folders (unless
** allow_paths), and regular files of at most MRV_YAML_MAX_BYTES (always).
*/
#ifndef MRV_VERIFY_H
#define MRV_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "resolve.h"
#include "run.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_verify_opts {
    const char *report;  /* path of report.json */
    const char *project; /* re-run this project file instead of the
                         ** recorded one; NULL: the recorded path */
    /* The caller's search path.  Its first nextra_meth methodology folders
    ** and nextra_factor factor folders (given explicitly) are tried before
    ** the recorded search path, the rest (defaults) after it.  A recorded
    ** methodology or table unlike the file of its id in the defaults gets
    ** a note; with no defaults, nothing is compared. */
    mrv_search search;
    size_t nextra_meth, nextra_factor;
    unsigned threads;      /* 0: all cores */
    mrv_progress progress; /* of the re-run's draws (mc.h) */
    bool quiet;            /* print differences only (and the verdict when
                           ** they fail), no notes */
    /* Print one JSON object instead of text ('mrv verify --json';
    ** docs/cli.md gives its members). */
    bool json;
    /* Read the paths the report records as they are, even absolute ones
    ** or ones going up with '..' (--allow-paths); regular files only
    ** still. */
    bool allow_paths;
} mrv_verify_opts;

typedef struct mrv_verify_result {
    bool identical;        /* inputs unchanged, re-run ran, all equal */
    bool rerun_failed;     /* the re-run stopped with errors (in diag) */
    size_t inputs;         /* input files recorded */
    size_t inputs_changed; /* changed, missing, or not read the same */
    size_t numbers;        /* numbers compared and found identical */
    size_t differences;    /* values (numbers or other) that differ */
} mrv_verify_result;

/* Verifies the report at opts->report and prints to 'out' (borrowed) the
** one-line verdict ("verified: ..." or "verification failed: ..."), when
** verified the recorded inputs ("  ROLE: PATH", one a line), then the
** notes and differences found (the first 50, then how many more), or
** with opts->json all of it as one JSON object; nothing is printed when
** an error is returned.  Returns MRV_OK when the comparison could
** be made, whatever it found (see *res; a re-run that fails leaves its
** errors in 'diag' and sets res->rerun_failed).  Returns an input error,
** with a positioned diagnostic, when report.json itself is unusable
** (MRV_EREF unreadable, MRV_ESYNTAX malformed JSON, MRV_ESCHEMA not an
** mrv report, MRV_EREF a recorded path refused, each refusal positioned
** at the path in report.json) or opts->project names no readable
** regular file (MRV_EREF);
** MRV_ENOMEM or MRV_EIO on system failure. */
mrv_status mrv_verify(const mrv_verify_opts *opts, FILE *out,
                      mrv_verify_result *res, mrv_diag *diag);

/* Compares two parsed reports member by member as mrv_verify does
** (skipping "inputs" and "search"), printing each difference to 'out'
** and counting into res->numbers and res->differences.  A null equals
** nothing, not even a null, except in the few members the writers leave
** null when they do not apply (an absent description, an IPCC Approach
** 1 that could not be formed, ...). */
struct mrv_json;
void mrv_verify_compare(const struct mrv_json *recorded,
                        const struct mrv_json *now, FILE *out,
                        mrv_verify_result *res);

#ifdef __cplusplus
}
#endif

#endif /* MRV_VERIFY_H */
