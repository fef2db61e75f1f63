/*
** cli.c -- the 'mrv' command: arguments, files, printing, exit codes.
**
** Everything else is in the library.  This file owns the two process-wide
** settings the library must not touch: GSL's error handler (off, so a GSL
** failure is a status we check, never an abort) and the locale (left as
** "C", so numbers read and print with a '.').  Exit status: 0 ok, 2 bad
** input, 1 internal or system failure.
*/
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "explain.h"
#include "ledger.h"
#include "monout.h"
#include "output.h"
#include "portfolio_out.h"
#include "portfolio_run.h"
#include "report.h"
#include "run.h"
#include "units.h"
#include "term.h"
#include "verify.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif
#ifndef MRV_DATADIR
#define MRV_DATADIR "/usr/local/share/mrv"
#endif

static const char usage_main[] =
    "usage: mrv COMMAND [ARGS]\n"
    "\n"
    "MRV calculations for Article 6 mitigation projects: per-vintage\n"
    "baseline, project emissions, leakage and reductions (or removals)\n"
    "from a methodology and a project written in YAML.\n"
    "\n"
    "commands:\n"
    "  run PROJECT.yaml     compute every vintage, print a table, write\n"
    "                       vintages.csv, sensitivity.csv, report.json,\n"
    "                       report.html, report.xlsx (and with an\n"
    "                       allocation the ledger files)\n"
    "  check FILE...        load, bind and compile methodologies, projects\n"
    "                       and factor tables without running them\n"
    "  allocate PROJECT.yaml  the allocation ledger for working groups: what\n"
    "                       the host keeps and the buyer receives, per\n"
    "                       vintage; --sweep over any agreement number\n"
    "  explain PROJECT.yaml NAME --vintage Y\n"
    "                       how one equation's value was formed: its formula\n"
    "                       with every value substituted, down to the inputs\n"
    "                       and their sources\n"
    "  verify report.json   re-run a report's recorded inputs and settings;\n"
    "                       any difference fails\n"
    "  portfolio PORTFOLIO.yaml\n"
    "                       many projects in one Monte Carlo: each buyer's\n"
    "                       chance of reaching its target, what drives it,\n"
    "                       every Party's corresponding adjustments, AEF\n"
    "                       tables\n"
    "  units                the units formulas and values may be written in\n"
    "\n"
    "  mrv COMMAND --help   options of a command\n"
    "  mrv --version        the engine version\n"
    "\n"
    "exit status: 0 ok, 2 bad input (FILE:LINE:COL: error: ...), 1 internal\n"
    "or system failure\n";

static const char usage_run[] =
    "usage: mrv run PROJECT.yaml [options]\n"
    "\n"
    "Computes baseline, project emissions, leakage and reductions for every\n"
    "vintage of the crediting period and for its total, prints them and\n"
    "writes DIR/vintages.csv, report.json, report.html and report.xlsx, and\n"
    "with an allocation ledger.csv, serials.csv, adjustments.csv, aef.csv\n"
    "and conservativeness.csv, as one set: written beside DIR and swapped in\n"
    "whole, so DIR holds one run's files and a failed run leaves it as it\n"
    "was.  DIR must be new or hold only mrv's files.\n"
    "\n"
    "options:\n"
    "  --out DIR             output folder (default: out/PROJECT-ID)\n"
    "  --methodologies DIR   search DIR for methodologies by id, before the\n"
    "                        defaults (repeatable)\n"
    "  --factors DIR         search DIR for factor tables, before the\n"
    "                        defaults (repeatable)\n"
    "  --draws N             Monte Carlo draws (0: central case only)\n"
    "  --seed S              Monte Carlo seed\n"
    "  --threads N           worker threads (default: all cores); results\n"
    "                        do not depend on it\n"
    "  --portfolio FILE      with --draws-out: draw the project as portfolio\n"
    "                        FILE draws it (its seed, draws and shared\n"
    "                        inputs)\n"
    "  --draws-out FILE      write the project's reductions on every draw\n"
    "                        to the shard FILE for 'mrv portfolio\n"
    "                        --draws-from', instead of the output folder\n"
    "  --projects DIR        search DIR for the portfolio's projects by id\n"
    "                        (repeatable)\n"
    "  --quiet               print nothing but errors, show no progress\n"
    "  --json                print one JSON document on stdout instead of\n"
    "                        the text (docs/cli.md, \"JSON output\")\n"
    "  --help                this text\n";

static const char usage_portfolio[] =
    "usage: mrv portfolio PORTFOLIO.yaml [options]\n"
    "\n"
    "Runs every project of the portfolio in one Monte Carlo (inputs of a\n"
    "shared factor entry drawn once for all), allocates each by its\n"
    "agreement on every draw, and prints and writes, per Party and year,\n"
    "the units delivered and transferred, the probability that each\n"
    "buyer reaches its target and its shortfall, each project's part in\n"
    "that risk, the corresponding adjustments by method, and the AEF\n"
    "tables: DIR/portfolio.csv, targets.csv, contributions.csv, ndc.csv,\n"
    "shared.csv, aef_actions.csv, aef_holdings.csv, report.json and\n"
    "report.html, as one set.\n"
    "\n"
    "options:\n"
    "  --out DIR             output folder (default: out/PORTFOLIO-ID)\n"
    "  --draws-from DIR      read every project's draws from DIR/ID.mrvd\n"
    "                        (written by mrv run --portfolio --draws-out)\n"
    "                        instead of drawing them; the same bytes out\n"
    "  --list                print each project's id and file, one a line,\n"
    "                        and stop (a job list for a scheduler)\n"
    "  --projects DIR        search DIR for projects by id, before the\n"
    "                        defaults (repeatable)\n"
    "  --methodologies DIR   search DIR for methodologies by id (repeatable)\n"
    "  --factors DIR         search DIR for factor tables (repeatable)\n"
    "  --draws N             Monte Carlo draws, replacing the portfolio's\n"
    "  --seed S              Monte Carlo seed, replacing the portfolio's\n"
    "  --threads N           worker threads (default: all cores); results\n"
    "                        do not depend on it\n"
    "  --quiet               print nothing but errors\n"
    "  --help                this text\n";

static const char usage_allocate[] =
    "usage: mrv allocate PROJECT.yaml [--sweep KEY=FROM:TO:STEP] [options]\n"
    "\n"
    "Runs the project as 'mrv run' does, writes the same files (with the\n"
    "ledger: ledger.csv, serials.csv, adjustments.csv, aef.csv and\n"
    "conservativeness.csv) and prints its allocation: per vintage and in\n"
    "total, the creditable estimate, the units issued, each deduction,\n"
    "what the host keeps and what the buyer receives.  With Monte Carlo\n"
    "draws the agreement also runs on every draw: the probability that the\n"
    "buyer receives its contracted volume and the spread of each share.\n"
    "\n"
    "options:\n"
    "  --sweep KEY=FROM:TO:STEP\n"
    "                        per-party totals for each value of one number\n"
    "                        of the agreement, in exact decimal steps, also\n"
    "                        written to DIR/sweep.csv; KEY is\n"
    "                        split.buyer_share, split.buyer_volume,\n"
    "                        split.host_volume, deductions.NAME.rate or\n"
    "                        authorized (e.g. split.buyer_share=0.4:0.8:0.1);\n"
    "                        twice: every combination of two numbers\n"
    "  --out DIR             output folder (default: out/PROJECT-ID)\n"
    "  --methodologies DIR   search DIR for methodologies by id (repeatable)\n"
    "  --factors DIR         search DIR for factor tables (repeatable)\n"
    "  --draws N             Monte Carlo draws (0: central case only)\n"
    "  --seed S              Monte Carlo seed\n"
    "  --threads N           worker threads (default: all cores)\n"
    "  --quiet               print nothing but errors, show no progress\n"
    "  --json                print one JSON document on stdout instead of\n"
    "                        the text (docs/cli.md, \"JSON output\")\n"
    "  --help                this text\n";

static const char usage_explain[] =
    "usage: mrv explain PROJECT.yaml NAME --vintage YEAR [--member M] "
    "[--depth N]\n"
    "                   [options]\n"
    "\n"
    "Runs the project's central case (every input at its value) and shows\n"
    "how NAME's value in vintage YEAR was formed.  NAME is an equation of\n"
    "the methodology (or a result: baseline, project, leakage, reductions):\n"
    "its formula with its file:line:col, its value in its declared unit,\n"
    "the formula with the values substituted, each sum's range and terms,\n"
    "and every distinct input it reads (parameter elements with where each\n"
    "value was given and its uncertainty) and every equation it reads, each\n"
    "explained in turn below it.  NAME may also be a parameter: its value\n"
    "in YEAR, member by member, with its sources.  An equation over\n"
    "dimensions is explained for every member, or for one: --member M, or\n"
    "NAME[M] (a member per dimension, separated by commas).\n"
    "\n"
    "options:\n"
    "  --vintage YEAR        the vintage (a year of the crediting period)\n"
    "  --member M            the member of an equation over dimensions\n"
    "                        (M1,M2 for two dimensions)\n"
    "  --json                print one JSON document on stdout instead of\n"
    "                        the text (docs/cli.md, \"JSON output\")\n"
    "  --depth N             explain equations N levels deep (1: NAME only;\n"
    "                        default: all the way to the inputs)\n"
    "  --methodologies DIR   search DIR for methodologies by id (repeatable)\n"
    "  --factors DIR         search DIR for factor tables (repeatable)\n"
    "  --help                this text\n";

static const char usage_verify[] =
    "usage: mrv verify report.json [--project PATH] [options]\n"
    "\n"
    "Re-runs the run a report.json records and compares: every input file\n"
    "must still have its recorded SHA-256, and every number of the report\n"
    "(per-vintage and total statistics, equations, ledger) must come out\n"
    "bit for bit the same with the recorded seed, draws, method and\n"
    "confidence.  Paths in the report are as the run was given them, read\n"
    "from the current folder.  Prints its verdict on the first line, then\n"
    "every difference.\n"
    "\n"
    "What it reads: a recorded path must lie below the current folder\n"
    "(relative, no '..', no symbolic link out of it) or inside one of its\n"
    "own search folders, and be a regular file of at most 16 MiB; any other\n"
    "is refused at its place in report.json (exit 2) unless --allow-paths.\n"
    "Recorded search folders outside those are not searched (a warning).\n"
    "\n"
    "options:\n"
    "  --project PATH        the project file to re-run instead of the\n"
    "                        recorded path (its methodology and factor tables\n"
    "                        are then found as a run finds them, and must\n"
    "                        still have the recorded SHA-256)\n"
    "  --allow-paths         read the recorded paths and search folders as\n"
    "                        they are, absolute or going up with '..' (still\n"
    "                        regular files only)\n"
    "  --methodologies DIR   search DIR for methodologies by id, before the\n"
    "                        recorded search path (repeatable)\n"
    "  --factors DIR         search DIR for factor tables, likewise\n"
    "  --threads N           worker threads; results do not depend on it\n"
    "  --quiet               print only differences (and the verdict when\n"
    "                        they fail) and errors\n"
    "  --json                print one JSON document on stdout instead of\n"
    "                        the text (docs/cli.md, \"JSON output\")\n"
    "  --help                this text\n"
    "\n"
    "exit status: 0 identical, 1 any difference (inputs or numbers) or a\n"
    "re-run that fails, 2 report.json unreadable, malformed or not an mrv\n"
    "report, a recorded path refused, or a --project that cannot be read\n";

static const char usage_check[] =
    "usage: mrv check FILE... [--methodologies DIR] [--factors DIR]\n"
    "                 [--projects DIR] [--json]\n"
    "\n"
    "Loads each file (methodology, project, factor table or portfolio,\n"
    "recognised by its top-level key), checks its schema, units and\n"
    "formulas, for a project binds and compiles it against its\n"
    "methodology, and for a portfolio does so for every project it names\n"
    "(found by id on the --projects folders, then the defaults) and checks\n"
    "its targets, shared inputs and AEF section against them, without\n"
    "evaluating anything.  Prints every error found; with --json one JSON\n"
    "document on stdout.\n";

static const char usage_units[] =
    "usage: mrv units\n"
    "\n"
    "Lists every unit the engine reads (from the table its unit parser\n"
    "uses), with its dimension and its size in kg, m, J, s, Nm3 and Wp (a\n"
    "year of 365 days, the default year_length), and the substance tags a\n"
    "mass unit may carry.\n";

typedef struct cli {
    const char *cmd;
    const char *files[MRV_CLI_MAX_FILES];
    size_t nfiles;
    const char *out;
    const char *meth[MRV_CLI_MAX_DIRS];
    size_t nmeth;
    const char *fact[MRV_CLI_MAX_DIRS];
    size_t nfact;
    mrv_options opt;
    const char *sweep[MRV_SWEEP_MAX_KEYS]; /* allocate --sweep, a grid of
                                           ** up to two */
    size_t nsweep;
    int vintage;            /* explain --vintage; MRV_NO_YEAR: none */
    const char *member;     /* explain --member; NULL: every member */
    unsigned depth;         /* explain --depth; 0: no limit */
    const char *project;    /* verify --project */
    bool allow_paths;       /* verify --allow-paths */
    const char *portfolio;  /* run --portfolio */
    const char *draws_out;  /* run --draws-out */
    const char *draws_from; /* portfolio --draws-from */
    bool list;              /* portfolio --list */
    const char *proj[MRV_CLI_MAX_DIRS]; /* --projects, then defaults */
    size_t nproj;
    char dir[PATH_MAX]; /* run, allocate: the output folder */
    bool quiet;
    bool help;
    bool json;                       /* --json: one JSON document on stdout */
    size_t nmeth_given, nfact_given; /* given by options, before defaults */
    char *owned[3 * MRV_CLI_MAX_DIRS];
    size_t nowned;
} cli;

/* The last failure no diagnostics sink holds (a usage error, memory), for
** the JSON document of --json. */
static char usage_error[512];

static int fail_usage(const char *fmt, ...) MRV_PRINTF(1, 2);
static int fail_usage(const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    vsnprintf(usage_error, sizeof usage_error, fmt, again);
    va_end(again);
    fprintf(stderr, "mrv: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nmrv: see 'mrv --help'\n");
    va_end(ap);
    return 2;
}

/* Exit 1 always says why: even a sink for the diagnostics may be more
** memory than is left. */
static int out_of_memory(void)
{
    snprintf(usage_error, sizeof usage_error, "out of memory");
    fputs("mrv: error: out of memory\n", stderr);
    return 1;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+') return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max) return false;
    *out = v;
    return true;
}

/* 'path' relative to the working directory when it lies below it. */
static char *display_path(const char *path)
{
    char *real = realpath(path, NULL);
    if (!real) return NULL;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd);
        if (strcmp(real, cwd) == 0) {
            free(real);
            return strdup(".");
        }
        if (strncmp(real, cwd, n) == 0 && real[n] == '/') {
            char *rel = strdup(real + n + 1);
            free(real);
            return rel;
        }
    }
    return real;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The default search path: beside the executable (the repository's
** build/mrv, or PREFIX/bin/mrv), then the compiled-in data folder.
** False when out of memory: a folder silently left out would turn into
** "not found" errors that blame the input. */
static bool default_dirs(cli *c, const char *sub_repo, const char *sub_share,
                         const char **dirs, size_t *n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char cand[3][PATH_MAX + 64];
    size_t nc = 0;
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        snprintf(cand[nc++], sizeof cand[0], "%s/../%s", exe, sub_repo);
        snprintf(cand[nc++], sizeof cand[0], "%s/../share/mrv/%s", exe,
                 sub_share);
    }
    snprintf(cand[nc++], sizeof cand[0], "%s/%s", MRV_DATADIR, sub_share);
    for (size_t i = 0; i < nc && *n < MRV_CLI_MAX_DIRS; i++) {
        if (!is_dir(cand[i])) continue;
        errno = 0;
        char *d = display_path(cand[i]);
        if (!d && errno == ENOMEM) return false;
        if (!d) continue;
        bool dup = false;
        for (size_t j = 0; j < *n; j++) dup |= strcmp(dirs[j], d) == 0;
        if (dup || c->nowned == 3 * MRV_CLI_MAX_DIRS) {
            free(d);
            continue;
        }
        c->owned[c->nowned++] = d;
        dirs[(*n)++] = d;
    }
    return true;
}

/* The commands that print one JSON document with --json. */
static bool takes_json(const char *cmd)
{
    static const char *const cmds[] = {"run",     "allocate", "check",
                                       "explain", "verify",   "portfolio"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (strcmp(cmd, cmds[i]) == 0) return true;
    return false;
}

static int parse_args(cli *c, int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        /* --sweep belongs to 'allocate'; elsewhere it is unknown. */
        bool sweep =
            strcmp(a, "--sweep") == 0 && strcmp(c->cmd, "allocate") == 0;
        /* Likewise --vintage, --member and --depth belong to 'explain',
        ** --project to 'verify'. */
        bool explain = strcmp(c->cmd, "explain") == 0;
        bool vintage = explain && strcmp(a, "--vintage") == 0;
        bool depth = explain && strcmp(a, "--depth") == 0;
        bool member = explain && strcmp(a, "--member") == 0;
        bool verify = strcmp(c->cmd, "verify") == 0;
        bool project = verify && strcmp(a, "--project") == 0;
        /* --portfolio and --draws-out belong to 'run', --draws-from and
        ** --list to 'portfolio', --projects to both and to 'check' (for
        ** a portfolio file's projects). */
        bool is_run = strcmp(c->cmd, "run") == 0;
        bool is_pf = strcmp(c->cmd, "portfolio") == 0;
        bool is_check = strcmp(c->cmd, "check") == 0;
        bool pfopt = is_run && strcmp(a, "--portfolio") == 0;
        bool dout = is_run && strcmp(a, "--draws-out") == 0;
        bool dfrom = is_pf && strcmp(a, "--draws-from") == 0;
        bool projects =
            (is_run || is_pf || is_check) && strcmp(a, "--projects") == 0;
        bool takes = strcmp(a, "--out") == 0 ||
                     strcmp(a, "--methodologies") == 0 ||
                     strcmp(a, "--factors") == 0 || strcmp(a, "--draws") == 0 ||
                     strcmp(a, "--seed") == 0 || strcmp(a, "--threads") == 0 ||
                     sweep || vintage || depth || member || project || pfopt ||
                     dout || dfrom || projects;
        if (takes && !val) return fail_usage("option %s needs a value", a);
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            c->help = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = true;
        } else if (verify && strcmp(a, "--allow-paths") == 0) {
            c->allow_paths = true;
        } else if (strcmp(a, "--json") == 0 && takes_json(c->cmd)) {
            c->json = true;
        } else if (is_pf && strcmp(a, "--list") == 0) {
            c->list = true;
        } else if (pfopt || dout || dfrom) {
            const char **slot = pfopt  ? &c->portfolio
                                : dout ? &c->draws_out
                                       : &c->draws_from;
            if (*slot) return fail_usage("%s may be given once", a);
            *slot = val;
            i++;
        } else if (projects) {
            if (c->nproj == MRV_CLI_MAX_DIRS)
                return fail_usage("too many %s", a);
            c->proj[c->nproj++] = val;
            i++;
        } else if (strcmp(a, "--out") == 0) {
            c->out = val;
            i++;
        } else if (sweep) {
            if (c->nsweep == MRV_SWEEP_MAX_KEYS)
                return fail_usage("--sweep may be given at most %d times "
                                  "(a grid of two numbers)",
                                  MRV_SWEEP_MAX_KEYS);
            c->sweep[c->nsweep++] = val;
            i++;
        } else if (vintage) {
            uint64_t y;
            if (!parse_u64(val, MRV_YEAR_MAX, &y) || y < MRV_YEAR_MIN)
                return fail_usage("--vintage needs a year from %d to %d, "
                                  "not '%s'",
                                  MRV_YEAR_MIN, MRV_YEAR_MAX, val);
            c->vintage = (int)y;
            i++;
        } else if (member) {
            if (c->member) return fail_usage("--member may be given once");
            c->member = val;
            i++;
        } else if (depth) {
            uint64_t n;
            if (!parse_u64(val, 1000000, &n) || n == 0)
                return fail_usage("--depth needs a number from 1 to "
                                  "1000000, not '%s'",
                                  val);
            c->depth = (unsigned)n;
            i++;
        } else if (project) {
            if (c->project) return fail_usage("--project may be given once");
            c->project = val;
            i++;
        } else if (strcmp(a, "--methodologies") == 0) {
            if (c->nmeth == MRV_CLI_MAX_DIRS)
                return fail_usage("too many %s", a);
            c->meth[c->nmeth++] = val;
            i++;
        } else if (strcmp(a, "--factors") == 0) {
            if (c->nfact == MRV_CLI_MAX_DIRS)
                return fail_usage("too many %s", a);
            c->fact[c->nfact++] = val;
            i++;
        } else if (strcmp(a, "--draws") == 0) {
            if (!parse_u64(val, MRV_MAX_DRAWS, &c->opt.draws))
                return fail_usage("--draws needs a whole number from 0 to "
                                  "%d, not '%s'",
                                  MRV_MAX_DRAWS, val);
            if (c->opt.draws == 1)
                return fail_usage("--draws 1: %s", MRV_ONE_DRAW_WHY);
            c->opt.draws_set = true;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_u64(val, UINT64_MAX, &c->opt.seed))
                return fail_usage("--seed needs a whole number from 0 to "
                                  "18446744073709551615, not '%s'",
                                  val);
            c->opt.seed_set = true;
            i++;
        } else if (strcmp(a, "--threads") == 0) {
            uint64_t t;
            if (!parse_u64(val, MRV_CLI_MAX_THREADS, &t) || t == 0)
                return fail_usage("--threads needs a number from 1 to %d, "
                                  "not '%s'",
                                  MRV_CLI_MAX_THREADS, val);
            c->opt.threads = (unsigned)t;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return fail_usage("unknown option '%s'", a);
        } else {
            if (c->nfiles == sizeof c->files / sizeof *c->files)
                return fail_usage("too many files (from '%s')", a);
            c->files[c->nfiles++] = a;
        }
    }
    c->nmeth_given = c->nmeth;
    c->nfact_given = c->nfact;
    if (!default_dirs(c, "methodologies", "methodologies", c->meth,
                      &c->nmeth) ||
        !default_dirs(c, "data/factors", "factors", c->fact, &c->nfact) ||
        !default_dirs(c, "data/projects", "projects", c->proj, &c->nproj))
        return out_of_memory();
    c->opt.search.meth_dirs = c->meth;
    c->opt.search.nmeth = c->nmeth;
    c->opt.search.factor_dirs = c->fact;
    c->opt.search.nfactor = c->nfact;
    return 0;
}

/* ---- --json ------------------------------------------------------------ */

/* What a command adds to its JSON document, after "exit_status": members
** written as ',\n  "NAME": VALUE', by fn(f, arg). */
typedef struct payload {
    void (*fn)(FILE *f, const void *arg);
    const void *arg;
} payload;

/* {"DIAGNOSTIC"...}: every entry recorded, as stderr shows it, split
** into its parts. */
static void json_diagnostics(FILE *f, const mrv_diag *d)
{
    static const char *const sev[] = {"error", "warning", "note"};
    size_t n = d ? mrv_diag_count(d) : 0, errors = 0;
    fputs(",\n  \"diagnostics\": [", f);
    for (size_t i = 0; i < n; i++) {
        const mrv_diag_entry *e = mrv_diag_get(d, i);
        errors += e->sev == MRV_SEV_ERROR;
        fputs(i ? ",\n    {\"severity\": " : "\n    {\"severity\": ", f);
        mrv_json_str(f, sev[e->sev]);
        fputs(", \"file\": ", f);
        if (e->pos.file)
            mrv_json_str(f, e->pos.file);
        else
            fputs("null", f);
        if (e->pos.file && e->pos.line)
            fprintf(f, ", \"line\": %u, \"column\": %u", e->pos.line,
                    e->pos.col);
        else
            fputs(", \"line\": null, \"column\": null", f);
        fputs(", \"message\": ", f);
        mrv_json_str(f, e->msg);
        fputc('}', f);
    }
    fputs(n ? "\n  ]" : "]", f);
    size_t total = d ? mrv_diag_error_count(d) : 0;
    fprintf(f, ",\n  \"errors_not_shown\": %zu",
            total > errors ? total - errors : 0);
}

/* The one JSON document of --json: the command, its outcome, what the
** command adds ('p', or nothing when p is NULL), the diagnostics; or,
** for a failure no diagnostic records (a usage error, memory), one made
** from 'message'. */
static void json_document(const cli *c, int rc, const payload *p,
                          const mrv_diag *d, const char *message)
{
    FILE *f = stdout;
    fputs("{\n  \"mrv\": ", f);
    mrv_json_str(f, MRV_VERSION_STRING);
    fputs(", \"command\": ", f);
    mrv_json_str(f, c->cmd);
    fprintf(f, ", \"ok\": %s, \"exit_status\": %d", rc == 0 ? "true" : "false",
            rc);
    if (p && p->fn) p->fn(f, p->arg);
    if (message) {
        fputs(",\n  \"diagnostics\": [\n    {\"severity\": \"error\", "
              "\"file\": null, \"line\": null, \"column\": null, "
              "\"message\": ",
              f);
        mrv_json_str(f, message);
        fputs("}\n  ],\n  \"errors_not_shown\": 0", f);
    } else {
        json_diagnostics(f, d);
    }
    fputs("\n}\n", f);
}

/* Prints the diagnostics (and with --json the document, with 'p' when
** the command got that far), frees the sink, and returns the exit
** status: st's, or 'rc_ok' when st is MRV_OK (verify: 1 on a
** difference). */
static int finish_with(const cli *c, mrv_diag *d, mrv_status st,
                       const payload *p, int rc_ok)
{
    mrv_diag_print(d, stderr, isatty(2));
    /* Running out of memory is not always recorded (the arena's flag is
    ** enough for the library); a failure must never be silent. */
    const char *unrecorded = NULL;
    if (st != MRV_OK && mrv_diag_error_count(d) == 0) {
        unrecorded = st == MRV_ENOMEM ? "out of memory" : mrv_status_name(st);
        fprintf(stderr, "mrv: error: %s\n", unrecorded);
    }
    int rc = st == MRV_OK ? rc_ok : mrv_status_exit_code(st);
    if (c->json) json_document(c, rc, p, d, unrecorded);
    mrv_diag_free(d);
    return rc;
}

static int finish(const cli *c, mrv_diag *d, mrv_status st)
{
    return finish_with(c, d, st, NULL, 0);
}

/* ---- progress ---------------------------------------------------------- */

/* The Monte Carlo's progress, on stderr when it is a terminal and the
** run is long: nothing for the first half second, then a line rewritten at
** most ten times a second, erased at the end.  Written to the real
** stderr (the escaping stream would show the carriage return); it holds
** no text from any file. */
static FILE *raw_stderr;

typedef struct progress_state {
    struct timespec start, last;
    bool shown;
} progress_state;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

static void show_progress(void *ud, uint64_t done, uint64_t total)
{
    progress_state *ps = ud;
    if (done >= total) {
        if (ps->shown) fputs("\r\033[K", raw_stderr);
        ps->shown = false;
        fflush(raw_stderr);
        return;
    }
    if (seconds_since(&ps->start) < 0.5) return;
    if (ps->shown && seconds_since(&ps->last) < 0.1) return;
    clock_gettime(CLOCK_MONOTONIC, &ps->last);
    char a[32], b[32], ra[32], rb[32];
    snprintf(ra, sizeof ra, "%llu", (unsigned long long)done);
    snprintf(rb, sizeof rb, "%llu", (unsigned long long)total);
    fprintf(raw_stderr, "\rMonte Carlo: %s of %s draws (%d %%)\033[K",
            mrv_fmt_group(ra, a, sizeof a), mrv_fmt_group(rb, b, sizeof b),
            (int)(100.0 * (double)done / (double)total));
    fflush(raw_stderr);
    ps->shown = true;
}

/* Progress is shown to a person at a terminal only: never when stderr
** is a file or a pipe, nor with --quiet. */
static mrv_progress progress_for(const cli *c, progress_state *ps)
{
    mrv_progress p = {NULL, NULL};
    if (c->quiet || !raw_stderr || !isatty(fileno(raw_stderr))) return p;
    memset(ps, 0, sizeof *ps);
    clock_gettime(CLOCK_MONOTONIC, &ps->start);
    p.fn = show_progress;
    p.ud = ps;
    return p;
}

/* The run's hook, before any work: the output folder (--out, else
** out/PROJECT-ID) into c->dir, refused at once when it cannot take the
** run's files. */
static mrv_status check_out_dir(void *ud, const mrv_bound *b, mrv_diag *d)
{
    cli *c = ud;
    if (c->out)
        snprintf(c->dir, sizeof c->dir, "%s", c->out);
    else
        snprintf(c->dir, sizeof c->dir, "out/%s", b->project->id);
    return mrv_report_check_dir(c->dir, d);
}

/* What 'run' and 'allocate' share: one project file, run it.  Returns
** the run, or NULL with *rc set (usage error, or the run's errors
** printed). */
static mrv_run *start_run(cli *c, const char *cmd, mrv_diag **d, int *rc)
{
    *d = NULL;
    if (c->nfiles != 1) {
        *rc = fail_usage("'mrv %s' takes one project file%s", cmd,
                         c->nfiles ? ", not several" : "");
        return NULL;
    }
    if (!(*d = mrv_diag_new())) {
        *rc = out_of_memory();
        return NULL;
    }
    mrv_run *run = NULL;
    c->opt.ready = check_out_dir;
    c->opt.ready_ud = c;
    /* The sweep runs with the ledger, so a bad KEY or range fails the
    ** run before anything is written. */
    c->opt.sweeps = c->sweep;
    c->opt.nsweeps = c->nsweep;
    progress_state ps;
    c->opt.progress = progress_for(c, &ps);
    mrv_status st = mrv_run_new(c->files[0], &c->opt, &run, *d);
    c->opt.progress.fn = NULL;
    if (st != MRV_OK) {
        *rc = finish(c, *d, st);
        return NULL;
    }
    return run;
}

/* The JSON of 'run' and 'allocate': where the files went, which, the
** report.json document itself and, for a sweep, its rows. */
typedef struct written {
    const char *dir;
    const char *names; /* "a, b, c" */
    const mrv_run *run;
    bool sweep;
} written;

/* '"out": DIR, "files": [NAME...]' from the list "a, b, c". */
static void json_out_files(FILE *f, const char *dir, const char *names)
{
    fputs(",\n  \"out\": ", f);
    mrv_json_str(f, dir);
    fputs(", \"files\": [", f);
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        mrv_json_str(f, name);
        p += n;
        if (*p) {
            fputs(", ", f);
            p += strspn(p, ", ");
        }
    }
    fputs("]", f);
}

/* '"report": DOCUMENT': report.json as write(arg, FILE) writes the file,
** but for its last line break. */
static void json_report(FILE *f, bool (*write)(const void *, FILE *),
                        const void *arg)
{
    fputs(",\n  \"report\": ", f);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    bool ok = m && write(arg, m);
    if (m && fclose(m) != 0) ok = false;
    while (ok && len && text[len - 1] == '\n') len--;
    if (ok)
        fwrite(text, 1, len, f);
    else
        write(arg, f); /* no memory to trim it: as it is */
    free(text);
}

static bool run_report_json(const void *run, FILE *f)
{
    return mrv_report_json(run, f);
}

static void json_written(FILE *f, const void *arg)
{
    const written *w = arg;
    json_out_files(f, w->dir, w->names);
    json_report(f, run_report_json, w->run);
    if (!w->sweep) return;
    fputs(",\n  \"sweep\": ", f);
    if (w->run->sweep)
        mrv_ledger_sweep_json(w->run->ledger, w->run->sweep, f);
    else
        fputs("null", f);
}

/* The portfolio options from the command line. */
static mrv_pf_options pf_options(const cli *c)
{
    mrv_pf_options o;
    memset(&o, 0, sizeof o);
    o.search = c->opt.search;
    o.project_dirs = c->proj;
    o.nproject_dirs = c->nproj;
    o.draws_set = c->opt.draws_set;
    o.draws = c->opt.draws;
    o.seed_set = c->opt.seed_set;
    o.seed = c->opt.seed;
    o.threads = c->opt.threads;
    o.draws_from = c->draws_from;
    return o;
}

/* The JSON of a shard: the file written. */
static void json_shard(FILE *f, const void *arg)
{
    fputs(",\n  \"shard\": ", f);
    mrv_json_str(f, arg);
}

/* 'mrv run PROJECT --portfolio P --draws-out FILE': one shard. */
static int cmd_shard(cli *c)
{
    if (c->nfiles != 1)
        return fail_usage("'mrv run' takes one project file%s",
                          c->nfiles ? ", not several" : "");
    if (!c->portfolio || !c->draws_out)
        return fail_usage("--draws-out and --portfolio go together: a shard "
                          "is drawn as its portfolio draws it");
    if (c->out)
        return fail_usage("--draws-out writes the shard file, not an output "
                          "folder: drop --out");
    mrv_diag *d = mrv_diag_new();
    if (!d) return out_of_memory();
    mrv_pf_options o = pf_options(c);
    progress_state ps;
    o.progress = progress_for(c, &ps);
    mrv_status st =
        mrv_pf_shard_write(c->portfolio, c->files[0], c->draws_out, &o, d);
    if (st == MRV_OK && !c->quiet && !c->json)
        printf("wrote %s\n", c->draws_out);
    payload p = {st == MRV_OK ? json_shard : NULL, c->draws_out};
    return finish_with(c, d, st, &p, 0);
}

static int cmd_run(cli *c)
{
    if (c->help) {
        fputs(usage_run, stdout);
        return 0;
    }
    if (c->portfolio || c->draws_out) return cmd_shard(c);
    mrv_diag *d;
    int rc;
    mrv_run *run = start_run(c, "run", &d, &rc);
    if (!run) return rc;
    char names[512];
    const char *dir = c->dir;
    mrv_status st = mrv_report_write_named(run, dir, names, sizeof names, d);
    if (st == MRV_OK && !c->quiet && !c->json) {
        mrv_report_table(run, stdout);
        mrv_monout_table(run, stdout);
        printf("\nwrote into %s/: %s\n", dir, names);
    }
    written w = {dir, names, run, false};
    payload p = {st == MRV_OK ? json_written : NULL, &w};
    rc = finish_with(c, d, st, &p, 0);
    mrv_run_free(run);
    return rc;
}

/* The portfolio's hook, before any draw: its output folder. */
static mrv_status check_pf_dir(void *ud, const mrv_portfolio *pf, mrv_diag *d)
{
    cli *c = ud;
    if (c->out)
        snprintf(c->dir, sizeof c->dir, "%s", c->out);
    else
        snprintf(c->dir, sizeof c->dir, "out/%s", pf->id);
    return mrv_pf_check_dir(c->dir, d);
}

/* The JSON of 'portfolio --list': "projects": [{"id", "file"}...], from
** the job list's lines "ID PATH" (an id has no space; a path may), cut
** into strings in place. */
static void json_jobs(FILE *f, const void *arg)
{
    char *p = (char *)arg;
    fputs(",\n  \"projects\": [", f);
    bool any = *p != '\0';
    for (bool first = true; *p; first = false) {
        char *eol = p + strcspn(p, "\n"), *sp = p + strcspn(p, " \n");
        bool more = *eol != '\0';
        *eol = '\0';
        char *file = sp < eol ? sp + 1 : eol;
        *sp = '\0';
        fputs(first ? "\n    {\"id\": " : ",\n    {\"id\": ", f);
        mrv_json_str(f, p);
        fputs(", \"file\": ", f);
        mrv_json_str(f, file);
        fputc('}', f);
        p = more ? eol + 1 : eol;
    }
    fputs(any ? "\n  ]" : "]", f);
}

static int list_projects(cli *c, const mrv_pf_options *o, mrv_diag *d)
{
    if (!c->json) return finish(c, d, mrv_pf_list(c->files[0], o, stdout, d));
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    mrv_status st = m ? mrv_pf_list(c->files[0], o, m, d) : MRV_ENOMEM;
    if (m && fclose(m) != 0 && st == MRV_OK) st = MRV_ENOMEM;
    payload p = {st == MRV_OK && text ? json_jobs : NULL, text};
    int rc = finish_with(c, d, st, &p, 0);
    free(text);
    return rc;
}

/* The JSON of 'portfolio': where the files went, which, and the
** report.json document. */
typedef struct pf_written {
    const char *dir;
    const char *names;
    const mrv_pf_run *run;
} pf_written;

static bool pf_report_json(const void *r, FILE *f)
{
    return mrv_pf_json(r, f);
}

static void json_pf_written(FILE *f, const void *arg)
{
    const pf_written *w = arg;
    json_out_files(f, w->dir, w->names);
    json_report(f, pf_report_json, w->run);
}

static int cmd_portfolio(cli *c)
{
    if (c->help) {
        fputs(usage_portfolio, stdout);
        return 0;
    }
    if (c->nfiles != 1)
        return fail_usage("'mrv portfolio' takes one portfolio file%s",
                          c->nfiles ? ", not several" : "");
    mrv_diag *d = mrv_diag_new();
    if (!d) return out_of_memory();
    mrv_pf_options o = pf_options(c);
    if (c->list) return list_projects(c, &o, d);
    o.ready = check_pf_dir;
    o.ready_ud = c;
    progress_state ps;
    o.progress = progress_for(c, &ps);
    mrv_pf_run *r = NULL;
    mrv_status st = mrv_pf_run_new(c->files[0], &o, &r, d);
    if (st != MRV_OK) return finish(c, d, st);
    char names[512];
    st = mrv_pf_write(r, c->dir, names, sizeof names, d);
    if (st == MRV_OK && !c->quiet && !c->json) {
        mrv_pf_print(r, stdout);
        printf("\nwrote into %s/: %s\n", c->dir, names);
    }
    pf_written w = {c->dir, names, r};
    payload p = {st == MRV_OK ? json_pf_written : NULL, &w};
    int rc = finish_with(c, d, st, &p, 0);
    mrv_pf_run_free(r);
    return rc;
}

static int cmd_allocate(cli *c)
{
    if (c->help) {
        fputs(usage_allocate, stdout);
        return 0;
    }
    mrv_diag *d;
    int rc;
    mrv_run *run = start_run(c, "allocate", &d, &rc);
    if (!run) return rc;
    mrv_status st = MRV_OK;
    if (!run->ledger) {
        mrv_srcpos whole = {c->files[0], 0, 0};
        st = mrv_error(d, whole, MRV_ESCHEMA,
                       "the project has no 'allocation' to allocate");
        mrv_run_free(run);
        return finish(c, d, st);
    }
    char names[512];
    const char *dir = c->dir;
    st = mrv_report_write_named(run, dir, names, sizeof names, d);
    if (st == MRV_OK && !c->quiet && !c->json) {
        mrv_ledger_print(run, stdout);
        if (run->sweep) mrv_ledger_sweep_print(run, run->sweep, stdout);
        printf("\nwrote into %s/: %s\n", dir, names);
    }
    written w = {dir, names, run, true};
    payload p = {st == MRV_OK ? json_written : NULL, &w};
    rc = finish_with(c, d, st, &p, 0);
    mrv_run_free(run);
    return rc;
}

/* A member holding what a library function wrote as JSON into memory. */
typedef struct captured {
    const char *name;
    const char *text;
    size_t len;
} captured;

static void json_captured(FILE *f, const void *arg)
{
    const captured *k = arg;
    size_t len = k->len;
    while (len && k->text[len - 1] == '\n') len--;
    fprintf(f, ",\n  \"%s\": ", k->name);
    fwrite(k->text, 1, len, f);
}

static int cmd_explain(cli *c)
{
    if (c->help) {
        fputs(usage_explain, stdout);
        return 0;
    }
    if (c->nfiles != 2)
        return fail_usage("'mrv explain' takes a project file and a name "
                          "(mrv explain PROJECT.yaml NAME --vintage YEAR)");
    mrv_diag *d = mrv_diag_new();
    if (!d) return out_of_memory();
    /* Only the central case is explained: no draws, no ledger; the trail
    ** records how each of its values was formed. */
    c->opt.central_only = true;
    c->opt.trail = true;
    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(c->files[0], &c->opt, &run, d);
    char *text = NULL;
    size_t len = 0;
    FILE *out = stdout;
    if (st == MRV_OK && c->json && !(out = open_memstream(&text, &len)))
        st = MRV_ENOMEM;
    if (st == MRV_OK) {
        mrv_explain_opts xo = {c->files[1], c->vintage, c->depth, c->member,
                               c->json};
        st = mrv_explain(run, &xo, out, d);
    }
    if (out != stdout && fclose(out) != 0 && st == MRV_OK) st = MRV_ENOMEM;
    mrv_run_free(run);
    captured k = {"explanation", text, len};
    payload p = {st == MRV_OK && text ? json_captured : NULL, &k};
    int rc = finish_with(c, d, st, &p, 0);
    free(text);
    return rc;
}

static int cmd_verify(cli *c)
{
    if (c->help) {
        fputs(usage_verify, stdout);
        return 0;
    }
    if (c->nfiles != 1)
        return fail_usage("'mrv verify' takes one report.json%s",
                          c->nfiles ? ", not several" : "");
    mrv_diag *d = mrv_diag_new();
    if (!d) return out_of_memory();
    mrv_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.report = c->files[0];
    vo.project = c->project;
    vo.search = c->opt.search;
    vo.nextra_meth = c->nmeth_given;
    vo.nextra_factor = c->nfact_given;
    vo.threads = c->opt.threads;
    vo.quiet = c->quiet;
    vo.allow_paths = c->allow_paths;
    vo.json = c->json;
    progress_state ps;
    vo.progress = progress_for(c, &ps);
    char *text = NULL;
    size_t len = 0;
    FILE *out = c->json ? open_memstream(&text, &len) : stdout;
    mrv_verify_result res;
    memset(&res, 0, sizeof res);
    mrv_status st = out ? mrv_verify(&vo, out, &res, d) : MRV_ENOMEM;
    if (out && out != stdout && fclose(out) != 0 && st == MRV_OK)
        st = MRV_ENOMEM;
    captured k = {"verify", text, len};
    payload p = {st == MRV_OK && text ? json_captured : NULL, &k};
    int rc = finish_with(c, d, st, &p, res.identical ? 0 : 1);
    free(text);
    return rc;
}

/* The files 'check' was given, each with whether it passed. */
typedef struct checked {
    const cli *c;
    const bool *ok;
} checked;

static void json_checked(FILE *f, const void *arg)
{
    const checked *k = arg;
    fputs(",\n  \"files\": [", f);
    for (size_t i = 0; i < k->c->nfiles; i++) {
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
        mrv_json_str(f, k->c->files[i]);
        fprintf(f, ", \"ok\": %s}", k->ok[i] ? "true" : "false");
    }
    fputs(k->c->nfiles ? "\n  ]" : "]", f);
}

static int cmd_check(cli *c)
{
    if (c->help) {
        fputs(usage_check, stdout);
        return 0;
    }
    if (c->nfiles == 0)
        return fail_usage("'mrv check' needs at least one file");
    mrv_diag *d = mrv_diag_new();
    if (!d) return out_of_memory();
    mrv_status worst = MRV_OK;
    bool ok[MRV_CLI_MAX_FILES];
    /* A portfolio file is checked with its projects, found as 'mrv
    ** portfolio' finds them. */
    mrv_pf_options o = pf_options(c);
    for (size_t i = 0; i < c->nfiles; i++) {
        mrv_status st = mrv_pf_check_file(c->files[i], &o, d);
        ok[i] = st == MRV_OK;
        if (st == MRV_OK && !c->quiet && !c->json)
            printf("%s: ok\n", c->files[i]);
        if (st != MRV_OK && worst == MRV_OK) worst = st;
    }
    checked k = {c, ok};
    payload p = {json_checked, &k};
    return finish_with(c, d, worst, &p, 0);
}

/* A unit's size in SI-like base units (kg, m, J, s, Nm3, Wp), with the
** default year of MRV_YEAR_DAYS days: num/den x 86,400^time x D^yr, from
** the exact ratio, so d is 86400 s and W 1 J/s exactly. */
static double si_size(const mrv_unit_atom *a)
{
    int t = a->unit.dim[MRV_DIM_TIME], yr = a->unit.yr;
    double num = a->unit.num, den = a->unit.den;
    if (t > 0) num *= pow(86400.0, t);
    if (t < 0) den *= pow(86400.0, -t);
    if (yr > 0) num *= pow(MRV_YEAR_DAYS, yr);
    if (yr < 0) den *= pow(MRV_YEAR_DAYS, -yr);
    return num / den;
}

/* "0.001", "3.6e9": the size, 1e+09 written 1e9. */
static void unit_size(const mrv_unit_atom *a, char *buf, size_t n)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.8g", si_size(a));
    size_t o = 0;
    for (const char *p = raw; *p && o + 1 < n; p++) {
        buf[o++] = *p;
        if (*p != 'e') continue;
        if (p[1] == '+') p++;
        if (p[1] == '-' && o + 1 < n) buf[o++] = *++p;
        while (p[1] == '0') p++;
    }
    buf[o] = '\0';
}

/* The base units of an atom's dimension: "kg", "J/s", "m^3". */
static void base_units(const mrv_unit_atom *a, char *buf, size_t n)
{
    /* ORDER DIM */
    static const char *const base[MRV_NDIM] = {"kg", "m",   "J",
                                               "s",  "Nm3", "Wp"};
    const mrv_unit u = a->unit;
    size_t o = 0;
    buf[0] = '\0';
    for (int neg = 0; neg < 2; neg++) {
        for (int k = 0; k < MRV_NDIM && o < n; k++) {
            int e = neg ? -u.dim[k] : u.dim[k];
            if (e <= 0) continue;
            const char *sep = neg ? "/" : o ? "*" : "";
            o += (size_t)snprintf(buf + o, n - o, e == 1 ? "%s%s" : "%s%s^%d",
                                  sep, base[k], e);
        }
    }
}

/* 'mrv units': the vocabulary, as the parser reads it (units.h). */
static int cmd_units(cli *c)
{
    if (c->help) {
        fputs(usage_units, stdout);
        return 0;
    }
    if (c->nfiles != 0) return fail_usage("'mrv units' takes no arguments");
    fputs("Units, as the parser reads them.  A unit is a chain of these "
          "joined by '*' or\n'/', read left to right (t/ha/yr is "
          "t*ha^-1*yr^-1); a power is glued digits\n(m2, m3, km2) or ^N, "
          "^-N.  Only the spellings below are units: there is no\ngeneral "
          "prefix rule.\n\n"
          "Time is a dimension: a power (W = J/s) is never an energy (Wh).  "
          "yr is the\nvintage, so a formula may meet t/yr and t, or 1/yr "
          "and 1 (the per-vintage\nbridge), but never MW and MWh.  d, h, "
          "min and s convert to yr by the\nproject's year_length: 365 d "
          "(8,760 h) unless it says otherwise; the sizes\nbelow are for "
          "that year.\n",
          stdout);
    printf("\n  %-10s %-16s %s\n", "unit", "dimension", "one of it is");
    const char *group = NULL;
    mrv_unit_atom a;
    for (size_t i = 0; mrv_unit_atom_at(i, &a); i++) {
        if (!group || strcmp(group, a.group) != 0) {
            group = a.group;
            printf("\n%s\n", group);
        }
        char dim[64], size[64], base[64];
        mrv_unit_dim_str(a.unit, dim, sizeof dim);
        unit_size(&a, size, sizeof size);
        base_units(&a, base, sizeof base);
        printf("  %-10s %-16s %s%s%s%s\n", a.name, dim, size, *base ? " " : "",
               base, a.unit.yr ? " (the year_length)" : "");
    }
    fputs("\nareas and volumes are also powers of a length: m2, km2, m3, "
          "cm3, km^2, ...\n\nsubstance tags, glued to a mass unit (tCO2e, "
          "kgCH4, tC); they name what is\nweighed and change neither size "
          "nor dimension:\n ",
          stdout);
    const char *tag;
    for (size_t i = 0; (tag = mrv_unit_tag_at(i)); i++) printf(" %s", tag);
    fputc('\n', stdout);
    return 0;
}

/* ---- the terminal ------------------------------------------------------ */

/* Everything printed passes through term.h, so text from an input file
** (a title, a string in a report.json, a path) never reaches the
** terminal as a control character. */
static ssize_t term_cookie_write(void *cookie, const char *buf, size_t n)
{
    return mrv_term_write(cookie, buf, n) ? (ssize_t)n : -1;
}

static int term_cookie_close(void *cookie)
{
    mrv_term *t = cookie;
    bool ok = mrv_term_finish(t);
    return fflush(t->out) == 0 && ok ? 0 : EOF;
}

/* A stream that shows what is written to it on 'raw', escaped; 'raw'
** itself when one cannot be made. */
static FILE *term_stream(mrv_term *t, FILE *raw, int buffering)
{
    mrv_term_init(t, raw, MRV_TERM_TEXT);
    cookie_io_functions_t io = {NULL, term_cookie_write, NULL,
                                term_cookie_close};
    FILE *f = fopencookie(t, "w", io);
    if (!f) return raw;
    setvbuf(f, NULL, buffering, BUFSIZ);
    return f;
}

static int run_command(int argc, char **argv);

int main(int argc, char **argv)
{
    /* With a file-size limit (ulimit -f), a write past it would kill the
    ** process with SIGXFSZ and leave its temporaries; ignored, the write
    ** fails with EFBIG and the run ends with an error and cleans up. */
    signal(SIGXFSZ, SIG_IGN);
    /* glibc's stdout and stderr are plain variables the program may set
    ** (glibc manual, "Standard Streams"): every print below, ours and the
    ** library's, goes through the escaping streams.  stderr stays
    ** unbuffered, stdout line-buffered, as on a terminal. */
    FILE *raw_out = stdout, *raw_err = stderr;
    raw_stderr = raw_err;
    mrv_term tout, terr;
    stdout = term_stream(&tout, raw_out, _IOLBF);
    stderr = term_stream(&terr, raw_err, _IONBF);
    int rc = run_command(argc, argv);
    /* What was printed may not have arrived (stdout closed, a full
    ** disk): that fails the command, and never in silence. */
    errno = 0;
    bool lost = stdout != raw_out && fclose(stdout) != 0;
    int err = errno;
    if (stderr != raw_err) fclose(stderr);
    stdout = raw_out;
    stderr = raw_err;
    if (fflush(stdout) != 0 && !lost) {
        lost = true;
        err = errno;
    }
    if (lost && rc == 0) {
        fprintf(stderr, "mrv: error: cannot write to standard output: %s\n",
                err ? strerror(err) : "a write failed");
        rc = 1;
    }
    return rc;
}

static int run_command(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("mrv %s\n", MRV_VERSION_STRING);
        return 0;
    }
    cli c = {0};
    c.cmd = cmd;
    c.vintage = MRV_NO_YEAR;
    /* With --json a usage error is a document too, even when it comes
    ** before the option is read. */
    bool want_json = false;
    for (int i = 2; i < argc; i++)
        want_json |= strcmp(argv[i], "--json") == 0 && takes_json(cmd);
    int rc = parse_args(&c, argc, argv);
    if (rc == 0) {
        if (strcmp(cmd, "run") == 0)
            rc = cmd_run(&c);
        else if (strcmp(cmd, "check") == 0)
            rc = cmd_check(&c);
        else if (strcmp(cmd, "allocate") == 0)
            rc = cmd_allocate(&c);
        else if (strcmp(cmd, "explain") == 0)
            rc = cmd_explain(&c);
        else if (strcmp(cmd, "verify") == 0)
            rc = cmd_verify(&c);
        else if (strcmp(cmd, "units") == 0)
            rc = cmd_units(&c);
        else if (strcmp(cmd, "portfolio") == 0)
            rc = cmd_portfolio(&c);
        else
            rc = fail_usage("unknown command '%s'", cmd);
    }
    if (want_json && rc != 0 && usage_error[0] && !c.help) {
        c.json = true;
        json_document(&c, rc, NULL, NULL, usage_error);
    }
    for (size_t i = 0; i < c.nowned; i++) free(c.owned[i]);
    return rc;
}
