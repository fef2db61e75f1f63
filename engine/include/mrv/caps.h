/*
** caps.h -- every limit the engine enforces, each with its reason.
**
** Input files are hostile until checked, so each cap below bounds the
** memory, time or stack that one input can make the engine spend, far
** above what a real methodology, project or report needs.  Reaching a
** limit is an error at the input that reached it (positioned, exit
** status 2), never a silent truncation; the two exceptions, the error list
** and the "did you mean" candidates, only shorten messages.  Every check
** reads its limit from here, so changing one changes it everywhere.
*/
#ifndef MRV_CAPS_H
#define MRV_CAPS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- files ------------------------------------------------------------- */

/* Bytes of one YAML file: hand-written files are a few kilobytes, and the
** whole file is held in memory while it is parsed. */
#define MRV_YAML_MAX_BYTES (16u * 1024u * 1024u)
/* Nested YAML collections: the tree builder keeps a fixed stack of this
** many frames. */
#define MRV_YAML_MAX_DEPTH 32
/* Nodes of one YAML file: about 30 MB of nodes, whatever the file's
** size (a flow sequence of one-character items is dense). */
#define MRV_YAML_MAX_NODES 250000u
/* Bytes, nesting and nodes of the report.json that 'mrv verify' reads:
** a report of 200 vintages of 1000 equations is well inside them, and
** the reader recurses once per nesting level. */
#define MRV_JSON_MAX_BYTES (32u * 1024u * 1024u)
#define MRV_JSON_MAX_DEPTH 64
#define MRV_JSON_MAX_NODES 1000000u

/* Bytes of one data file (a CSV of monitored readings, a registry, an
** inventory): read as a stream through a fixed buffer, so memory does not
** grow with the file; the cap bounds the time one file can take (about a
** second per 100 MB) and keeps every byte count inside 32-bit columns of
** a line. */
#define MRV_CSV_MAX_BYTES ((uint64_t)1 << 30)
/* Rows of one data file: what a run keeps of each row (its date, members,
** value and line, about 32 bytes) grows with them. */
#define MRV_CSV_MAX_ROWS 10000000u
/* Columns of a data file, and bytes of one row (a quoted field may span
** lines): a row is held whole while it is read. */
#define MRV_CSV_MAX_COLUMNS 256
#define MRV_CSV_MAX_ROW     65536
/* Distinct data files one project reads. */
#define MRV_MAX_DATA_FILES 64

/* ---- names and declarations -------------------------------------------- */

/* Characters of a name, a member, a methodology id or a project id: the
** ids name files and folders, and names are compared by edit distance
** for "did you mean" hints in a fixed row of this many counters. */
#define MRV_MAX_NAME 64
/* Dimensions, parameters or equations of one methodology (the largest
** CDM tool declares a few dozen): bounds the compiler's name tables and
** its dependency ordering. */
#define MRV_MAX_DECLS 1000
/* Axes of one parameter (the vintage and up to three dimensions): a fixed
** array in each parameter. */
#define MRV_MAX_AXES 4
/* Members of one dimension: every member of every axis becomes a column
** of the lowered program. */
#define MRV_MAX_MEMBERS 10000
/* Members of a dimension read from a data file (vehicles of a registry,
** trees of an inventory): each is a name in memory and, where a formula
** sums over them, one term per member and vintage, which the sums' and
** lowering's caps below bound in turn. */
#define MRV_MAX_RECORDS 1000000
/* Monitoring periods of one project: each is a run of its own. */
#define MRV_MAX_PERIODS 100
/* Vintages of one crediting period (crediting periods run 7 to 100
** years): bounds every per-vintage array. */
#define MRV_MAX_VINTAGES 200
/* Names of one choice parameter ({choice: [...]}): listed whole in its
** errors and compared one by one. */
#define MRV_MAX_CHOICES 100
/* Years are four digits, so a year key is told apart from other numbers
** and a date reads YYYY-MM-DD. */
#define MRV_YEAR_MIN 1000
#define MRV_YEAR_MAX 9999

/* ---- formulas and lowering --------------------------------------------- */

/* Bytes of one formula: a line of a methodology, echoed with a caret
** under an error. */
#define MRV_EXPR_MAX_LEN 16384
/* Bytes of all of one methodology's formulas together: each is parsed and
** kept whole, so this bounds the memory of the syntax trees. */
#define MRV_EXPR_MAX_TOTAL 1048576
/* Nested sub-expressions of one formula: the parser recurses once per
** level. */
#define MRV_EXPR_MAX_DEPTH 100
/* Sum indices in scope at once: lowering records which indices a factor
** of a product uses as the bits of one uint64_t. */
#define MRV_MAX_SCOPE 64
/* The largest |n| of a whole-number exponent that x^n multiplies out
** (exact, no pow(); on a dimensioned base it also scales the unit's
** exponents); a larger one goes through pow(), and on a dimensioned base
** is an error. */
#define MRV_MAX_INT_POWER 64
/* Values of one 'a .. b' range of a sum: each is unrolled. */
#define MRV_MAX_RANGE 100000
/* Sum terms expanded over all vintages: bounds lowering's time. */
#define MRV_MAX_TERMS 20000000
/* Instructions before dead-code removal: about 160 MB of program. */
#define MRV_MAX_CODE 4000000
/* Formula nodes lowered, each once per term of the sums around it, over
** all vintages: bounds the time lowering takes, whatever folds away. */
#define MRV_MAX_WORK 50000000
/* Values of all equations together over the crediting period (a value
** per vintage and combination of members of an equation's dimensions):
** lowering keeps a few words per value, and report.json lists them all,
** which 'mrv verify' must read back within MRV_JSON_MAX_NODES. */
#define MRV_MAX_EQ_VALUES 250000
/* Values of one parameter read from a data file (a value per vintage and
** combination of members of its axes, each a cell whose rows, gaps or
** absence are looked up one by one): formulas read a parameter's values
** through sums, whose terms are capped at MRV_MAX_TERMS, so a parameter
** with more could never be read whole.  A registry of 1,000,000 records
** over 20 vintages fits. */
#define MRV_MAX_CELLS MRV_MAX_TERMS
/* Placeholders of one member-keyed factor reference (tbl/k.{waste}):
** each nests a member map, and one per dimension of a parameter is all a
** reference can use. */
#define MRV_MAX_PLACEHOLDERS 16
/* Relative multipliers along one path of a value tree: one per level,
** and a tree has at most one level per axis plus its leaf. */
#define MRV_PICK_MAXREL 8

/* Checked where the library is built (C11); a C++ user's compiler has
** its own spelling and need not check them. */
#ifndef __cplusplus
_Static_assert(MRV_MAX_SCOPE <= 64, "sum indices are bits of a uint64_t");
_Static_assert(MRV_PICK_MAXREL > MRV_MAX_AXES, "one multiplier per level");
#endif

/* ---- units ------------------------------------------------------------- */

/* The exponent of one dimension of a unit: kept in a signed char, whose
** -128 marks an exponent that overflowed. */
#define MRV_MAX_UNIT_EXP 127

/* ---- Monte Carlo ------------------------------------------------------- */

/* Draws of one run (monte_carlo.draws, --draws, a report's "draws"):
** far more than any input's uncertainty can use; memory is capped
** separately below. */
#define MRV_MAX_DRAWS 100000000
/* Why a run of exactly one draw is refused wherever draws are given: a
** Monte Carlo statistic of one draw would be printed as if it meant
** something (an sd of 0 where n - 1 = 0 leaves it undefined, bounds
** equal to the draw, the draws called enough). */
#define MRV_ONE_DRAW_WHY                                                       \
    "one draw has no spread (no standard deviation, no interval); give 0 "     \
    "for the central case only, or at least 2"
/* The least share of a distribution its parameter's bounds may leave:
** below it the bounds contradict the uncertainty rather than trim it (the
** draws would all crowd one edge), and the inverse CDF over so thin a
** slice of probability loses its precision. */
#define MRV_DIST_MIN_ACCEPT 1e-6
/* The most memory a run's draws may take: everything that grows with
** them (every result's draws, the Latin hypercube strata, the statistics'
** workspace, the ledger's per-draw scratch) and one worker thread's
** slots; more is refused with the number of draws that would fit, and
** further threads start only as far as they fit (mc.c: check_memory). */
#define MRV_MC_MAX_BYTES ((uint64_t)4 << 30)
/* What the ledger takes per draw while it is built, counted against
** MRV_MC_MAX_BYTES: a vintage's draws for its conservativeness rule, and
** what the host keeps and the buyer receives in every draw. */
#define MRV_LEDGER_DRAW_BYTES (3 * sizeof(double))
/* IPCC Approach 1 (propagate.h) evaluates the program over 511 lanes
** once per 255 uncertain inputs: its work grows as inputs x program
** size, quadratic when a model draws every member of a large dimension.
** Past either cap it is not computed (a warning says why; the Monte
** Carlo's statistics are complete): about 10 s of lane operations on
** the development machine, and the lanes' buffer (4 KiB per slot). */
#define MRV_IPCC_MAX_WORK  15000000000.0
#define MRV_IPCC_MAX_BYTES ((uint64_t)1 << 30)
/* Threads one run starts (a larger --threads, or more cores, is capped):
** beyond this, starting threads costs more than the blocks they share. */
#define MRV_MC_MAX_THREADS 256

/* ---- the ledger -------------------------------------------------------- */

/* Decimals, and significant digits, of a rate, share or volume read
** exactly: num and den stay below 2^63, and a rate times tonnes below
** 2^126, inside the 128 bits it is computed in. */
#define MRV_DEC_MAX_DIGITS 18
/* Tonnes per vintage (10^15, a thousand times the world's yearly
** emissions): every sum over vintages and every rate times tonnes stays
** inside int64_t. */
#define MRV_LEDGER_MAX_TONNES 1000000000000000LL
/* Deductions and extra accounts of one agreement: fixed arrays, since a
** sweep copies the agreement by value. */
#define MRV_LEDGER_MAX_DEDUCTIONS 16
#define MRV_LEDGER_MAX_ACCOUNTS   16
/* Years from a vintage to its issuance, transfer or use ({lag: N}). */
#define MRV_LEDGER_MAX_LAG 100
/* Values of one --sweep, or combinations of a grid of two: each runs the
** whole agreement again, on every draw when there are draws. */
#define MRV_SWEEP_MAX_STEPS 1000
/* Numbers swept together: a grid of two (buyer share x OMGE rate) is what
** a working group compares; more would not fit a table or a chart. */
#define MRV_SWEEP_MAX_KEYS 2

/* ---- portfolios -------------------------------------------------------- */

/* Projects of one portfolio: a national portfolio holds about a thousand;
** each stays bound (its program and ledger) for the whole run. */
#define MRV_PF_MAX_PROJECTS 10000
/* Parties of one portfolio (ISO 3166-1 has 249 codes, and reserved ones
** such as EUE exist), cooperative approaches and declared shared inputs. */
#define MRV_PF_MAX_PARTIES    300
#define MRV_PF_MAX_APPROACHES 1000
#define MRV_PF_MAX_GROUPS     1000

/* ---- messages and the command line ------------------------------------- */

/* Errors recorded (later ones are only counted): the first screenful
** says what is wrong with a file. */
#define MRV_DIAG_MAX_ERRORS 50
/* Names one "did you mean" hint is chosen from, on the stack: a name past
** them gets no hint, and its error is the same. */
#define MRV_MAX_HINTS 1024
/* Files on one command line ('mrv check' takes many), and folders given
** with --methodologies or --factors. */
#define MRV_CLI_MAX_FILES 256
#define MRV_CLI_MAX_DIRS  16
/* What --threads accepts; a run starts at most MRV_MC_MAX_THREADS. */
#define MRV_CLI_MAX_THREADS 1024

#ifdef __cplusplus
}
#endif

#endif /* MRV_CAPS_H */
