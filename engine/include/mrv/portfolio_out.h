/*
** portfolio_out.h -- the files and the table of 'mrv portfolio'
** (docs/portfolio.md, "Outputs").
**
** Every file goes into the output folder as one set (output.h):
**
**   portfolio.csv   series,year,party,quantity,central,mean,lower,median,
**                   upper: every Party's units per year (a buyer's
**                   delivered, cumulative and used; a host's first
**                   transferred; every Party's adjustment) and a host's
**                   issued, kept and kept_share over all vintages
**                   (year 'total')
**   targets.csv     per buyer with a target: the probability of reaching
**                   it, the units counted and the shortfall
**   contributions.csv  per project: its units towards its buyer's
**                   target and its part in the risk of missing it
**   ndc.csv         per Party with an NDC: the target year's
**                   corresponding adjustment by every method
**   shared.csv      every input drawn once for several projects
**   aef_actions.csv, aef_holdings.csv  with an 'aef' section (aef.h)
**   report.json, report.html
**
** Numbers: tonnes and statistics with 17 significant digits (%.17g),
** probabilities and shares likewise; nothing non-finite is written (a
** statistic that does not exist is an empty CSV field and a JSON null).
** The same run gives the same bytes, whether its draws were made here or
** read from shards.
*/
#ifndef MRV_PORTFOLIO_OUT_H
#define MRV_PORTFOLIO_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "portfolio_run.h"

#define MRV_PORTFOLIO_HEADER                                                   \
    "series,year,party,quantity,central,mean,lower,median,upper"
#define MRV_TARGETS_HEADER                                                     \
    "party,volume,from,to,count,probability,counted_central,counted_mean,"     \
    "counted_lower,counted_median,counted_upper,shortfall_central,"            \
    "shortfall_mean,shortfall_lower,shortfall_median,shortfall_upper"
#define MRV_CONTRIBUTIONS_HEADER                                               \
    "project,buyer,host,agreement,counted_central,counted_mean,counted_sd,"    \
    "p_without,delta_p,variance_share,inputs,shared_inputs"
#define MRV_NDC_HEADER                                                         \
    "party,method,chosen,year,first,central,mean,lower,median,upper"
#define MRV_SHARED_HEADER "input,kind,parameter,uncertainty,projects"

bool mrv_pf_portfolio_csv(const mrv_pf_run *r, FILE *f);
bool mrv_pf_targets_csv(const mrv_pf_run *r, FILE *f);
bool mrv_pf_contributions_csv(const mrv_pf_run *r, FILE *f);
bool mrv_pf_ndc_csv(const mrv_pf_run *r, FILE *f);
bool mrv_pf_shared_csv(const mrv_pf_run *r, FILE *f);
bool mrv_pf_json(const mrv_pf_run *r, FILE *f);
/* One self-contained page: the targets with the delivery-versus-target
** chart, the projects that drive the risk, the adjustments, the hosts,
** the shared inputs and the provenance; inline SVG, no script, every
** text from an input file escaped. */
bool mrv_pf_html(const mrv_pf_run *r, FILE *f);

/* The projects delivering to buyer r->parties[party] towards its
** target, most important first (the probability each adds, then its
** share of the variance, then portfolio order), into idx[]
** (nprojects long); returns how many. */
size_t mrv_pf_drivers(const mrv_pf_run *r, size_t party, size_t *idx);

/* Buyer o's target in plain words: what share of its volume the units
** counted cover (central case and bounds), and whether the draws reach
** it never, sometimes or always.  The printed table and report.html
** both say it, so a reader never has to work out that 0.0 % means
** "far too few units" rather than "too uncertain". */
typedef enum mrv_pf_verdict {
    MRV_PF_NO_DRAWS, /* no probability: the central case only */
    MRV_PF_NEVER,    /* no draw reaches it */
    MRV_PF_SOMETIMES,
    MRV_PF_ALWAYS /* every draw reaches it */
} mrv_pf_verdict;

typedef struct mrv_pf_reach {
    double cover, cover_lower, cover_upper; /* shares of the volume */
    mrv_pf_verdict verdict;
} mrv_pf_reach;

mrv_pf_reach mrv_pf_reach_of(const mrv_pf_run *r, const mrv_pf_party_out *o);

/* A share as a percentage with one decimal, "less than 0.1 %" for a
** share above 0 that would round to 0.0 ('pct' the percent sign's
** spacing: " %" for text, "&#8239;%" for HTML). */
const char *mrv_pf_share_text(double share, const char *pct, char *buf,
                              size_t n);

/* Rows the printed table and report.html show of them (every one is in
** contributions.csv). */
#define MRV_PF_PRINT_DRIVERS 10
#define MRV_PF_HTML_DRIVERS  25

/* The table 'mrv portfolio' prints. */
void mrv_pf_print(const mrv_pf_run *r, FILE *f);

/* Checks, before the draws, that 'dir' can take a portfolio's files. */
mrv_status mrv_pf_check_dir(const char *dir, mrv_diag *diag);
/* Writes every file into 'dir' as one set; on success the names written,
** joined by ", ", into names[0..n). */
mrv_status mrv_pf_write(const mrv_pf_run *r, const char *dir, char *names,
                        size_t n, mrv_diag *diag);

#endif /* MRV_PORTFOLIO_OUT_H */
