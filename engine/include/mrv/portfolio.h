/*
** portfolio.h -- a portfolio file read into plain data
** (docs/portfolio.md).
**
** A portfolio is many projects seen from the Parties that trade their
** units: a buyer with a volume to reach, hosts that must keep a share,
** and every Party's corresponding adjustments.
**
**   portfolio: korea-2030          # id: names the output folder
**   title: ...                     # description, source: free text
**   monte_carlo: {draws: 100000, seed: 2030, confidence: 0.95}
**   projects:
**     - cambodia-emotorcycles      # an id, found as DIR/ID.yaml on the
**                                  # project search path
**     - korea-2030/solar.yaml      # a path below this file's folder
**     - project: ulaanbaatar-ger-heating
**       allocation: {...}          # the agreement the portfolio assumes
**                                  # (replaces the project's own)
**       authorization: MNG-2026-002   # AEF Authorization ID
**   parties:
**     KOR:
**       target: {volume: 37_500_000, by: 2030, count: use}
**                                  # or period: [2026, 2030]
**       ndc: {year: 2030, first: 2021, method: averaging}
**     KHM: {keep: 0.5, ndc: {year: 2030, first: 2021, method: trajectory}}
**   shared:                        # further inputs drawn once for all
**     mongolia_grid: {parameter: EF_grid, projects: [a, b]}
**   aef:
**     approaches: [{id: CA0001, host: KHM, buyer: KOR}]
**     registries: {KOR: KOR01, KHM: KHM01}
**     gwp: AR5
**
** Required: 'portfolio' and 'projects'.  Every key is checked here with
** its position; what needs the projects themselves (a target for a Party
** no project delivers to, a shared parameter a project lacks, an
** approach for every host and buyer) is checked by the portfolio run
** (portfolio_run.h) once they are bound.
*/
#ifndef MRV_PORTFOLIO_H
#define MRV_PORTFOLIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "decimal.h"
#include "diag.h"
#include "yamlsrc.h"

/* Which event's year counts a buyer's unit towards its target. */
typedef enum mrv_pf_count { /* ORDER COUNT: mrv_pf_count_names */
                            MRV_COUNT_USE,
                            MRV_COUNT_TRANSFER,
                            MRV_COUNT_VINTAGE,
                            MRV_NCOUNT
} mrv_pf_count;
extern const char *const mrv_pf_count_names[MRV_NCOUNT];

/* How a Party applies corresponding adjustments for a single-year NDC
** (decision 2/CMA.3, annex, paragraph 7(a); docs/portfolio.md). */
typedef enum mrv_ca_method { /* ORDER METHODS: mrv_ca_method_names */
                             MRV_CA_TRAJECTORY,
                             MRV_CA_BUDGET,
                             MRV_CA_AVERAGING,
                             MRV_NCA
} mrv_ca_method;
extern const char *const mrv_ca_method_names[MRV_NCA];

typedef struct mrv_pf_target {
    bool set;
    int64_t volume; /* whole tonnes */
    bool by;        /* 'by: YEAR': every year up to 'to' counts */
    int from, to;   /* a 'period' [from, to]; with 'by', from is 0 */
    mrv_pf_count count;
    const mrv_ynode *node;
    const mrv_ynode *count_node; /* NULL: the default */
} mrv_pf_target;

/* A single-year NDC: the target year, the first year of its
** implementation period, and the Party's method. */
typedef struct mrv_pf_ndc {
    bool set;
    int year, first;
    mrv_ca_method method;
    const mrv_ynode *node;
} mrv_pf_ndc;

typedef struct mrv_pf_party {
    const char *code; /* ISO 3166-1 alpha-3 */
    mrv_pf_target target;
    bool has_keep;
    mrv_dec keep; /* the share of its projects' issued units it keeps */
    const mrv_ynode *keep_node;
    mrv_pf_ndc ndc;
    const mrv_ynode *node; /* the party's key */
} mrv_pf_party;

typedef struct mrv_pf_entry {
    const char *ref;             /* as written */
    const char *path;            /* the file found */
    const mrv_ynode *node;       /* the entry, for notes */
    const mrv_ynode *allocation; /* the assumed agreement, or NULL */
    const char *authorization;   /* AEF Authorization ID, or NULL */
    const mrv_ynode *authorization_node;
} mrv_pf_entry;

/* Inputs a portfolio declares shared: the uncertainties of parameter
** 'param' in each project listed are drawn once per draw for them all. */
typedef struct mrv_pf_group {
    const char *name;
    const char *param;
    const mrv_ynode *param_node;
    size_t nprojects;
    const char **projects; /* project ids */
    const mrv_ynode **project_nodes;
    const mrv_ynode *node;
} mrv_pf_group;

typedef struct mrv_pf_approach {
    const char *id; /* CAnnnn */
    const char *host, *buyer;
    const mrv_ynode *node;
} mrv_pf_approach;

typedef struct mrv_pf_registry {
    const char *party, *id; /* KOR, KOR01 */
    const mrv_ynode *node;
} mrv_pf_registry;

typedef struct mrv_portfolio {
    const mrv_ydoc *doc;
    const char *id, *title, *description, *source;
    uint64_t draws, seed;
    double confidence;
    const mrv_ynode *mc_node; /* 'monte_carlo', or NULL */
    size_t nentries;
    mrv_pf_entry *entries;
    size_t nparties;
    mrv_pf_party *parties;
    size_t ngroups;
    mrv_pf_group *groups;
    bool has_aef;
    const mrv_ynode *aef_node;
    size_t napproaches;
    mrv_pf_approach *approaches;
    size_t nregistries;
    mrv_pf_registry *registries;
    const char *gwp; /* "AR5" unless given */
} mrv_portfolio;

/* Reads the portfolio file at 'path' into the arena 'a', finding each
** project named by id as DIR/ID.yaml in dirs[0..ndirs) in order, and
** each named by a path ending in .yaml below the portfolio's folder.
** Records every error with its position and returns the first one's
** status; *out is set only on MRV_OK.  The projects are found, not
** read. */
mrv_status mrv_portfolio_load(const char *path, const char *const *dirs,
                              size_t ndirs, mrv_arena *a,
                              const mrv_portfolio **out, mrv_diag *diag);

/* The party entry for 'code', or NULL. */
const mrv_pf_party *mrv_portfolio_party(const mrv_portfolio *pf,
                                        const char *code);

#endif /* MRV_PORTFOLIO_H */
