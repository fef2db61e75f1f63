/*
** portfolio_run.h -- one Monte Carlo across the projects of a portfolio
** (docs/portfolio.md).
**
** mrv_pf_run_new reads the portfolio file (portfolio.h), binds every
** project and its agreement (its own, or the one the portfolio assumes),
** keys every uncertain input of every project (below), builds each
** project's ledger, then runs the draws block by block: in each block
** every project's reductions are drawn (mcblock.h) or read from its
** shard file (drawfile.h), allocated by its agreement on every draw
** (mrv_ledger_draw), and added up per Party and year.  What it computes
** is plain data (mrv_pf_run) that the writers (portfolio_out.h, aef.h)
** read.
**
** Keys.  Every input draws from a stream keyed by the portfolio's seed
** and a stream id (mcblock.h), chosen so that
**
**   - a factor-table entry's own uncertainty is keyed by the entry's id
**     (as in a single run) and by what the entry says (distribution and
**     numbers): every project that reads the same entry draws the same
**     values, and a project that brings a table of the same id with
**     other numbers draws its own;
**   - an uncertainty of a parameter a 'shared' group names is keyed by
**     its place in the parameter and the group's name: drawn once for
**     every project of the group;
**   - everything else is keyed by its place and the project's id:
**     independent of every other project, whatever their methodology.
**
** So a project's draws depend only on the seed, its own files and the
** portfolio's declarations, never on the other projects or on the
** machine: a shard written by 'mrv run --portfolio' holds exactly what
** the single-machine run draws, and the two give the same bytes.
**
** Owns every run, ledger and array it makes; free with mrv_pf_run_free.
*/
#ifndef MRV_PORTFOLIO_RUN_H
#define MRV_PORTFOLIO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "mc.h"
#include "portfolio_result.h"

/* Options of a portfolio run. */
typedef struct mrv_pf_options {
    mrv_search search;               /* methodologies and factor tables */
    const char *const *project_dirs; /* projects by id */
    size_t nproject_dirs;
    bool draws_set; /* --draws */
    uint64_t draws;
    bool seed_set; /* --seed */
    uint64_t seed;
    unsigned threads;       /* 0: all cores */
    const char *draws_from; /* a folder of shard files, or NULL */
    /* Called once every input is read and checked (the portfolio, its
    ** projects, its memory, its shards), before any draw: 'mrv
    ** portfolio' checks its output folder there. */
    mrv_status (*ready)(void *ud, const mrv_portfolio *pf, mrv_diag *diag);
    void *ready_ud;
    /* Told how far the draws have come (mc.h): the portfolio's draws, or
    ** a shard's; {NULL}: no one is told. */
    mrv_progress progress;
} mrv_pf_options;

/* Runs the portfolio at 'path'.  On success sets *out and returns
** MRV_OK; otherwise records positioned errors (in the portfolio file and
** in the projects' files) and returns the first status. */
mrv_status mrv_pf_run_new(const char *path, const mrv_pf_options *opt,
                          mrv_pf_run **out, mrv_diag *diag);
void mrv_pf_run_free(mrv_pf_run *r);

/* 'mrv check PORTFOLIO.yaml': everything mrv_pf_run_new checks before
** its first draw, with the same positioned errors: the file, every
** project found, bound, compiled and lowered with its agreement (its own
** or the one assumed), the keys and shared groups, the Parties' targets,
** keep shares and NDCs against the flows, the AEF section, and the
** memory the draws need.  Nothing is evaluated: what only evaluating
** finds (a non-finite value in a project's central case) is left to the
** run, as 'mrv check' leaves it for a project.  Shards are not read. */
mrv_status mrv_pf_check(const char *path, const mrv_pf_options *opt,
                        mrv_diag *diag);

/* 'mrv check FILE' for any file: a portfolio file (a top-level
** 'portfolio' key) by mrv_pf_check, any other by mrv_check_file (run.h)
** with opt->search. */
mrv_status mrv_pf_check_file(const char *path, const mrv_pf_options *opt,
                             mrv_diag *diag);

/* For 'mrv run PROJECT --portfolio PORTFOLIO --draws-out FILE': binds the
** one project at 'project_path' as the portfolio binds it (it must be one
** of the portfolio's), keys its inputs the same way, and writes every
** block of its reductions to the shard file 'out' (drawfile.h). */
mrv_status mrv_pf_shard_write(const char *portfolio_path,
                              const char *project_path, const char *out,
                              const mrv_pf_options *opt, mrv_diag *diag);

/* The project files of the portfolio at 'path', as found, each with the
** project's id: "ID PATH\n" per project on 'f', for a scheduler's job
** list (ids read from the project files). */
mrv_status mrv_pf_list(const char *path, const mrv_pf_options *opt, FILE *f,
                       mrv_diag *diag);

#endif /* MRV_PORTFOLIO_RUN_H */
