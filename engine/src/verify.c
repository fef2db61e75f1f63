/*
** verify.c -- 'mrv verify': re-run what a report.json records, compare.
**
** Three steps.  (1) The report is read with the strict JSON reader and
** checked to be ours: an "engine" named mrv, "inputs" with role, path and
** a 64-digit SHA-256 each, "monte_carlo" with draws, seed, confidence and
** method, "vintages" and "total"; and every path it would have us read
** is checked to be within bounds (may_read, confine_inputs), since the
** report may come from anyone.  (2) Every recorded input file is hashed
** again where it was (relative to the current folder); with --project the
** project is taken from the path given and the methodology and tables are
** found as a run finds them, so only their digests must match.  (3) The
** project is re-run with the recorded settings and search path, the
** report it would write is produced in memory, parsed back, and compared
** with the recorded one member by member.  A recorded methodology or
** table that the re-run read unchanged, but that is not the file of its
** id in verify's default folders, is a note (note_lookalike).
**
** Comparing the two parsed trees, rather than a list of known fields,
** covers every number the report holds, including sections added later
** (the ledger, the equations), and any edit to the file, numbers or not.
** Two numbers are the same when their text is (the writer prints %.17g, or
** %llu for counts and the seed), or, unless both are written as integers,
** when they read back to the same double (0.95 and 0.94999999999999996,
** 2776 and 2776.0: a report reformatted by a JSON tool still verifies);
** two integers compare as text, because a seed above 2^53 does not
** survive a double (every other integer the writers print is below 2^53,
** and the recorded seed must be digits).  A null is never equal to
** anything, itself included, except where the writers put one for a value
** that does not apply (may_be_null).  Two members are skipped: "inputs"
** (compared by digest in step 2, since paths may legitimately differ) and
** "search" (a re-run may be given more folders).
**
** Nothing is kept between calls; everything read lives in one arena freed
** before returning.
*/
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "infile.h"
#include "json.h"
#include "output.h"
#include "report.h"
#include "resolve_int.h"
#include "run.h"
#include "sha256.h"
#include "term.h"
#include "verify.h"
#include "yamlsrc.h"

#ifndef MRV_VERSION_STRING
#define MRV_VERSION_STRING "0.0.0"
#endif

#define MAX_SHOWN 50 /* differences printed before "... more" */

typedef struct rec_input {
    const char *role, *path, *sha;
    mrv_srcpos pos; /* of the path, in report.json */
    bool reported;  /* a difference was printed for it already */
} rec_input;

/* A line of what verify found: a difference, or a note. */
typedef struct vline {
    char *text; /* one line, no line break */
    bool note;
} vline;

typedef struct vctx {
    FILE *out;
    mrv_diag *d;
    mrv_verify_result *res;
    size_t shown; /* differences found, listed or not */
    /* Lines are kept, not printed as found, so the verdict can come
    ** first; at most MAX_SHOWN differences are kept. */
    vline *lines;
    size_t nlines;
    bool nomem;
} vctx;

/* Keeps one line.  Lines quote paths and strings from the report: they
** are printed with their controls escaped (term.h), so a tampered report
** cannot add a line of its own, such as a false "verified". */
static void vkeep(vctx *v, bool note, const char *fmt, va_list ap)
    MRV_PRINTF(3, 0);
static void vkeep(vctx *v, bool note, const char *fmt, va_list ap)
{
    char *line = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&line, &n);
    if (m) vfprintf(m, fmt, ap);
    vline *grown = NULL;
    if (m && fclose(m) == 0 &&
        (grown = realloc(v->lines, (v->nlines + 1) * sizeof *grown))) {
        v->lines = grown;
        v->lines[v->nlines].text = line;
        v->lines[v->nlines++].note = note;
        return;
    }
    free(line);
    v->nomem = true;
}

static void say(vctx *v, const char *fmt, ...) MRV_PRINTF(2, 3);
static void say(vctx *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkeep(v, true, fmt, ap);
    va_end(ap);
}

static void diff(vctx *v, const char *fmt, ...) MRV_PRINTF(2, 3);
static void diff(vctx *v, const char *fmt, ...)
{
    v->res->differences++;
    if (v->shown++ >= MAX_SHOWN) return;
    va_list ap;
    va_start(ap, fmt);
    vkeep(v, false, fmt, ap);
    va_end(ap);
}

/* Prints the kept lines, one each, then how many differences were found
** beyond them. */
static void print_lines(const vctx *v)
{
    for (size_t i = 0; i < v->nlines; i++) {
        mrv_term_puts(v->out, v->lines[i].text, MRV_TERM_LINE);
        fputc('\n', v->out);
    }
    if (v->shown > MAX_SHOWN)
        fprintf(v->out, "... and %zu more differences\n", v->shown - MAX_SHOWN);
}

static void free_lines(vctx *v)
{
    for (size_t i = 0; i < v->nlines; i++) free(v->lines[i].text);
    free(v->lines);
    v->lines = NULL;
    v->nlines = 0;
}

/* ---- reading the report ------------------------------------------------ */

static mrv_status not_ours(mrv_diag *d, const mrv_json *at, const char *fmt,
                           ...) MRV_PRINTF(3, 4);
static mrv_status not_ours(mrv_diag *d, const mrv_json *at, const char *fmt,
                           ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mrv_error(d, at->pos, MRV_ESCHEMA, "not an mrv report: %s", msg);
}

/* Member 'key' of 'obj' of kind 'kind', or an error at 'obj'. */
static const mrv_json *need(mrv_diag *d, const mrv_json *obj, const char *key,
                            mrv_json_kind kind, mrv_status *st)
{
    const mrv_json *v = mrv_json_get(obj, key);
    if (*st != MRV_OK) return v;
    if (!v)
        *st = not_ours(d, obj, "no \"%s\" member", key);
    else if (v->kind != kind)
        *st = not_ours(d, v, "\"%s\" should be %s %s, not %s %s", key,
                       kind == MRV_J_ARRAY || kind == MRV_J_OBJECT ? "an" : "a",
                       mrv_json_kind_name(kind),
                       v->kind == MRV_J_ARRAY || v->kind == MRV_J_OBJECT ? "an"
                                                                         : "a",
                       mrv_json_kind_name(v->kind));
    return *st == MRV_OK ? v : NULL;
}

static bool is_hex64(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 64;
}

static bool get_u64(const mrv_json *v, uint64_t *out)
{
    if (!v || v->kind != MRV_J_NUMBER || v->text[0] == '-') return false;
    for (const char *s = v->text; *s; s++)
        if (*s < '0' || *s > '9') return false;
    errno = 0;
    unsigned long long x = strtoull(v->text, NULL, 10);
    if (errno) return false;
    *out = x;
    return true;
}

typedef struct recorded {
    const mrv_json *root;
    const char *version;
    size_t ninputs;
    rec_input *inputs;   /* arena */
    const char *project; /* path of the first "project" input */
    uint64_t draws, seed;
    double confidence;
    mrv_sampling method;
    const mrv_json *search; /* NULL in reports older than it */
} recorded;

/* The error for a portfolio's report.json ('mrv portfolio' writes a
** "portfolio" member and no "vintages"), at that member.  verify
** re-runs one project; a portfolio is checked by running it again, which
** writes the same bytes from the same files, seed and draws on any
** thread count (sharded or not).  The command is spelled out with the
** recorded file, seed and draws where the report has them. */
static mrv_status portfolio_report(const mrv_json *root, const mrv_json *pf,
                                   mrv_diag *d)
{
    const char *file = "PORTFOLIO.yaml";
    const mrv_json *in = mrv_json_get(root, "inputs");
    for (size_t i = 0; in && in->kind == MRV_J_ARRAY && i < in->n; i++) {
        const mrv_json *role = mrv_json_get(in->items[i], "role");
        const mrv_json *path = mrv_json_get(in->items[i], "path");
        if (role && role->kind == MRV_J_STRING && path &&
            path->kind == MRV_J_STRING && path->text[0] &&
            strcmp(role->text, "portfolio") == 0) {
            file = path->text;
            break;
        }
    }
    const mrv_json *mc = mrv_json_get(root, "monte_carlo");
    uint64_t seed, draws;
    char settings[64] = "";
    if (get_u64(mrv_json_get(mc, "seed"), &seed) &&
        get_u64(mrv_json_get(mc, "draws"), &draws))
        snprintf(settings, sizeof settings, " --seed %llu --draws %llu",
                 (unsigned long long)seed, (unsigned long long)draws);
    const mrv_json *id = mrv_json_get(pf, "id");
    bool named = id && id->kind == MRV_J_STRING;
    return mrv_error(d, pf->pos, MRV_ESCHEMA,
                     "report of portfolio%s%s%s: verify re-runs a project's "
                     "report (from 'mrv run' or 'mrv allocate'), not a "
                     "portfolio's; to check a portfolio, run 'mrv portfolio "
                     "%s%s --out DIR' into a new folder DIR and compare "
                     "DIR/report.json with this file (cmp): the same files, "
                     "seed and draws write the same bytes",
                     named ? " '" : "", named ? id->text : "", named ? "'" : "",
                     file, settings);
}

static mrv_status read_report(const mrv_json *root, mrv_arena *a, recorded *r,
                              mrv_diag *d)
{
    mrv_status st = MRV_OK;
    memset(r, 0, sizeof *r);
    r->root = root;
    if (root->kind != MRV_J_OBJECT)
        return not_ours(d, root, "the top level is %s %s, not an object",
                        root->kind == MRV_J_ARRAY ? "an" : "a",
                        mrv_json_kind_name(root->kind));
    const mrv_json *eng = need(d, root, "engine", MRV_J_OBJECT, &st);
    const mrv_json *name = eng ? need(d, eng, "name", MRV_J_STRING, &st) : NULL;
    if (st == MRV_OK && strcmp(name->text, "mrv") != 0)
        st = not_ours(d, name, "the engine is \"%s\"", name->text);
    const mrv_json *ver =
        eng ? need(d, eng, "version", MRV_J_STRING, &st) : NULL;
    if (ver) r->version = ver->text;
    const mrv_json *pf = mrv_json_get(root, "portfolio");
    if (st == MRV_OK && pf && pf->kind == MRV_J_OBJECT &&
        !mrv_json_get(root, "vintages"))
        return portfolio_report(root, pf, d);
    const mrv_json *in = need(d, root, "inputs", MRV_J_ARRAY, &st);
    const mrv_json *mc = need(d, root, "monte_carlo", MRV_J_OBJECT, &st);
    need(d, root, "vintages", MRV_J_ARRAY, &st);
    need(d, root, "total", MRV_J_OBJECT, &st);
    if (st != MRV_OK) return st;

    r->ninputs = in->n;
    r->inputs = mrv_arena_array(a, in->n + 1, sizeof *r->inputs);
    if (!r->inputs) return MRV_ENOMEM;
    for (size_t i = 0; i < in->n && st == MRV_OK; i++) {
        const mrv_json *it = in->items[i];
        if (it->kind != MRV_J_OBJECT)
            return not_ours(d, it, "an input should be an object");
        const mrv_json *role = need(d, it, "role", MRV_J_STRING, &st);
        const mrv_json *path = need(d, it, "path", MRV_J_STRING, &st);
        const mrv_json *sha = need(d, it, "sha256", MRV_J_STRING, &st);
        if (st != MRV_OK) return st;
        if (!is_hex64(sha->text))
            return not_ours(d, sha,
                            "\"%s\" is not a SHA-256 (64 lowercase "
                            "hex digits)",
                            sha->text);
        if (!path->text[0]) return not_ours(d, path, "an input has no path");
        r->inputs[i].role = role->text;
        r->inputs[i].path = path->text;
        r->inputs[i].pos = path->pos;
        r->inputs[i].sha = sha->text;
        if (!r->project && strcmp(role->text, "project") == 0)
            r->project = path->text;
    }
    if (!r->project)
        return not_ours(d, in, "no input has the role \"project\"");

    const mrv_json *dr = need(d, mc, "draws", MRV_J_NUMBER, &st);
    const mrv_json *sd = need(d, mc, "seed", MRV_J_NUMBER, &st);
    const mrv_json *cf = need(d, mc, "confidence", MRV_J_NUMBER, &st);
    const mrv_json *me = need(d, mc, "method", MRV_J_STRING, &st);
    if (st != MRV_OK) return st;
    if (!get_u64(dr, &r->draws) || r->draws > MRV_MAX_DRAWS)
        return not_ours(d, dr, "\"draws\" is not a count up to %d",
                        MRV_MAX_DRAWS);
    if (!get_u64(sd, &r->seed))
        return not_ours(d, sd,
                        "\"seed\" is not a whole number from 0 to "
                        "18446744073709551615");
    r->confidence = cf->num;
    if (!(r->confidence > 0 && r->confidence < 1))
        return not_ours(d, cf, "\"confidence\" is not between 0 and 1");
    if (strcmp(me->text, "random") == 0)
        r->method = MRV_SAMPLE_RANDOM;
    else if (strcmp(me->text, "lhs") == 0)
        r->method = MRV_SAMPLE_LHS;
    else
        return not_ours(d, me, "unknown sampling method \"%s\"", me->text);

    r->search = mrv_json_get(root, "search");
    if (r->search) {
        const mrv_json *sm =
            need(d, r->search, "methodologies", MRV_J_ARRAY, &st);
        const mrv_json *sf = need(d, r->search, "factors", MRV_J_ARRAY, &st);
        for (size_t i = 0; st == MRV_OK && i < sm->n + sf->n; i++) {
            const mrv_json *x = i < sm->n ? sm->items[i] : sf->items[i - sm->n];
            if (x->kind != MRV_J_STRING)
                st = not_ours(d, x, "a search folder should be a string");
        }
    }
    return st;
}

/* ---- input files ------------------------------------------------------- */

/* Whether verify may read 'path', named by the report, as it is: below
** the current folder (relative, no '..', no link out), or inside one of
** the caller's own search folders (given with --methodologies or
** --factors, or mrv's defaults), or anywhere with --allow-paths.  *why
** says why not. */
static bool may_read(const mrv_verify_opts *o, const char *path,
                     const char **why)
{
    if (o->allow_paths || mrv_infile_below(".", path, why)) return true;
    for (size_t i = 0; i < o->search.nmeth + o->search.nfactor; i++) {
        const char *dir = i < o->search.nmeth
                              ? o->search.meth_dirs[i]
                              : o->search.factor_dirs[i - o->search.nmeth];
        if (mrv_infile_inside(dir, path)) return true;
    }
    return false;
}

/* Step 1b: the recorded inputs that step 2 reads (all of them, unless
** --project names the project: then the re-run finds the rest itself)
** must be files verify may read, and regular files.  A tampered report
** must not make verify read /etc/shadow, or wait forever on a FIFO or
** /dev/zero.  Every refused path is an error at its place in the
** report. */
static mrv_status confine_inputs(const mrv_verify_opts *o, const recorded *r,
                                 mrv_diag *d)
{
    mrv_status st = MRV_OK, s = MRV_OK;
    for (size_t i = 0; !o->project && i < r->ninputs; i++) {
        const rec_input *in = &r->inputs[i];
        const char *why = NULL;
        struct stat sb;
        bool ok = may_read(o, in->path, &why);
        if (!ok && !why)
            s = mrv_error(d, in->pos, MRV_ENOMEM,
                          "out of memory checking input path '%s'", in->path);
        else if (!ok)
            s = mrv_error(d, in->pos, MRV_EREF,
                          "input path '%s' %s: verify reads only files below "
                          "the current folder or in its own search folders "
                          "(name the project with --project PATH, or allow "
                          "the recorded paths with --allow-paths)",
                          in->path, why);
        else if (stat(in->path, &sb) == 0 && !S_ISREG(sb.st_mode))
            s = mrv_error(d, in->pos, MRV_EREF,
                          "input path '%s' is not a regular file", in->path);
        if (st == MRV_OK) st = s;
    }
    return st;
}

/* The recorded search folders the re-run may look in: those verify may
** read (see may_read), with a warning at each one left out.  Returns a
** malloc'd array of borrowed strings (*n of them), or NULL. */
static const char **confine_dirs(const mrv_verify_opts *o, const mrv_json *dirs,
                                 size_t *n, mrv_diag *d)
{
    *n = 0;
    size_t nrec = dirs ? dirs->n : 0;
    const char **kept = malloc((nrec + 1) * sizeof *kept);
    for (size_t i = 0; kept && i < nrec; i++) {
        const char *why = "is outside";
        if (may_read(o, dirs->items[i]->text, &why)) {
            kept[(*n)++] = dirs->items[i]->text;
        } else if (!why) { /* out of memory: as if kept were */
            free(kept);
            return NULL;
        } else {
            mrv_warning(d, dirs->items[i]->pos,
                        "recorded search folder '%s' %s: not searched "
                        "(--allow-paths searches it)",
                        dirs->items[i]->text, why);
        }
    }
    return kept;
}

/* The reason file_sha256 gives when it is out of memory, told apart by
** its address. */
static const char out_of_memory[] = "out of memory";

/* SHA-256 of the regular file at 'path' (at most as many bytes as a run
** reads for a file of its role: a data file, or a YAML file) as hex;
** false, with the reason in *why, when it cannot be read (out_of_memory
** when that is why); *why is NULL when it could.  Read as a stream, so a
** data file of a gigabyte takes no more memory than a small one. */
static bool file_sha256(const char *path, const char *role, char hex[65],
                        const char **why)
{
    int err;
    *why = NULL;
    uint64_t max =
        strstr(role, "data") ? MRV_CSV_MAX_BYTES : MRV_YAML_MAX_BYTES;
    switch (mrv_infile_sha256(path, max, hex, &err)) {
    case MRV_INFILE_OK:
        return true;
    case MRV_INFILE_NOT_REGULAR:
        *why = "not a regular file";
        return false;
    case MRV_INFILE_TOO_LARGE:
        *why = "larger than any file a run reads";
        return false;
    case MRV_INFILE_NOMEM:
        *why = out_of_memory;
        return false;
    default:
        *why = strerror(err);
        return false;
    }
}

/* Step 2: each recorded file, where it was.  With a --project, only the
** project (from its new path): the others are found by the re-run. */
static mrv_status check_inputs(vctx *v, recorded *r, const char *project)
{
    for (size_t i = 0; i < r->ninputs; i++) {
        rec_input *in = &r->inputs[i];
        bool is_project = in->path == r->project;
        if (project && !is_project) continue;
        const char *path = project && is_project ? project : in->path;
        char now[65];
        const char *why;
        if (!file_sha256(path, in->role, now, &why) && why == out_of_memory) {
            /* Not a difference in the input: nothing was compared. */
            return MRV_ENOMEM;
        } else if (why) {
            diff(v, "input %s (%s) cannot be read: %s; recorded sha256 %s",
                 path, in->role, why, in->sha);
            in->reported = true;
            v->res->inputs_changed++;
        } else if (strcmp(now, in->sha) != 0) {
            diff(v, "input %s (%s) changed: sha256 recorded %s, now %s", path,
                 in->role, in->sha, now);
            in->reported = true;
            v->res->inputs_changed++;
        }
    }
    return MRV_OK;
}

/* A note when the recorded methodology or factor table 'in', which the
** re-run read as 'f' (same digest), is not byte for byte the one of the
** same id in verify's default folders: the report verifies against the
** files it names, and a project-local look-alike of a shipped
** methodology (its id, title and version, another equation) would
** otherwise pass unremarked.  Only a note: a project may rightly bring
** its own. */
static void note_lookalike(vctx *v, const mrv_verify_opts *o,
                           const rec_input *in, const mrv_input_file *f)
{
    bool ex_ante = strncmp(f->role, "ex-ante ", 8) == 0;
    const char *role = ex_ante ? f->role + 8 : f->role;
    bool meth = strcmp(role, "methodology") == 0;
    if (!f->doc || (!meth && strcmp(role, "factors") != 0)) return;
    const mrv_ynode *id =
        mrv_ymap_get(f->doc->root, meth ? "methodology" : "table");
    /* An id no search finds (not a plain name) has no default. */
    if (!id || id->kind != MRV_Y_SCALAR || !mrv__plain_name(id->text)) return;
    /* The default folders follow the ones given (nextra_*). */
    const char *const *dirs =
        meth ? o->search.meth_dirs : o->search.factor_dirs;
    size_t n = meth ? o->search.nmeth : o->search.nfactor;
    size_t extra = meth ? o->nextra_meth : o->nextra_factor;
    char *path = extra < n ? mrv__find_by_id(dirs + extra, n - extra, id->text,
                                             &v->nomem)
                           : NULL;
    char hex[65];
    const char *why = NULL;
    if (path && file_sha256(path, role, hex, &why) && strcmp(hex, in->sha))
        say(v,
            "note: %s%s '%s' (%s, sha256 %s) differs from the default "
            "one (%s, sha256 %s)",
            ex_ante ? "ex-ante " : "", meth ? "methodology" : "factor table",
            id->text, in->path, in->sha, path, hex);
    if (why == out_of_memory) v->nomem = true;
    free(path);
}

/* After the re-run: the files it read, in order, against the recorded
** ones.  Contents decide; a different path with the same digest is only
** a note, and so is a methodology or table unlike the default one. */
static void compare_files(vctx *v, recorded *r, const mrv_bound *b,
                          const mrv_verify_opts *o)
{
    size_t n = b->nfiles < r->ninputs ? b->nfiles : r->ninputs;
    for (size_t i = 0; i < n; i++) {
        rec_input *in = &r->inputs[i];
        const mrv_input_file *doc = &b->files[i];
        const char *role = doc->role;
        if (strcmp(role, in->role) != 0) {
            diff(v,
                 "input %zu: the re-run read %s (%s) where the report "
                 "records %s (%s)",
                 i + 1, doc->path, role, in->path, in->role);
            v->res->inputs_changed++;
        } else if (strcmp(doc->sha256_hex, in->sha) != 0) {
            if (!in->reported) {
                diff(v,
                     "input %s (%s) differs: sha256 recorded %s, the "
                     "re-run read %s with %s",
                     in->path, in->role, in->sha, doc->path, doc->sha256_hex);
                v->res->inputs_changed++;
            }
        } else if (!o->quiet) {
            if (strcmp(doc->path, in->path) != 0)
                say(v, "note: %s %s read from %s; same sha256", in->role,
                    in->path, doc->path);
            note_lookalike(v, o, in, doc);
        }
    }
    for (size_t i = n; i < r->ninputs; i++) {
        diff(v, "input %s (%s) was not read by the re-run", r->inputs[i].path,
             r->inputs[i].role);
        v->res->inputs_changed++;
    }
    for (size_t i = n; i < b->nfiles; i++) {
        diff(v, "input %s (%s) was read by the re-run but is not recorded",
             b->files[i].path, b->files[i].role);
        v->res->inputs_changed++;
    }
}

/* ---- comparing two reports --------------------------------------------- */

static bool integer_text(const char *s)
{
    if (*s == '-') s++;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

static bool same_number(const mrv_json *a, const mrv_json *b)
{
    if (strcmp(a->text, b->text) == 0) return true;
    if (integer_text(a->text) && integer_text(b->text)) return false;
    return memcmp(&a->num, &b->num, sizeof a->num) == 0;
}

/* A value for a message: numbers as written, strings quoted and cut. */
static const char *show(const mrv_json *x, char *buf, size_t n)
{
    switch (x->kind) {
    case MRV_J_NULL:
        snprintf(buf, n, "null");
        break;
    case MRV_J_BOOL:
        snprintf(buf, n, x->b ? "true" : "false");
        break;
    case MRV_J_NUMBER:
        snprintf(buf, n, "%s", x->text);
        break;
    case MRV_J_STRING:
        if (x->len > 60) {
            /* Cut before a character, not inside one: half of it would
            ** print as a broken byte the report does not hold. */
            int cut = 57;
            while (cut > 0 && ((unsigned char)x->text[cut] & 0xC0) == 0x80)
                cut--;
            snprintf(buf, n, "\"%.*s...\"", cut, x->text);
        } else
            snprintf(buf, n, "\"%s\"", x->text);
        break;
    case MRV_J_ARRAY:
        snprintf(buf, n, "an array of %zu", x->n);
        break;
    case MRV_J_OBJECT:
        snprintf(buf, n, "an object");
        break;
    }
    return buf;
}

/* Whether the member at 'path' may be null: those the writers leave null
** when they do not apply (no description, no authorized volume, no draws
** for the ledger, no conservativeness rule or buyer volume, an IPCC
** Approach 1 that could not be formed, a year length the project did not
** state).  Everywhere else a number
** belongs, and a null there is a difference even when both reports hold
** it: null == null would let a report whose statistics overflowed pass
** as verified. */
static bool may_be_null(const char *path)
{
    static const char *const opt[] = {
        "description",    "authorized", "monte_carlo",
        "p_buyer_volume", "half_width", "relative_half_width",
        "factor",         "precision",  "given"};
    /* Monitored data: a gap without a row, a parameter without a value
    ** column or a frequency, a gap of a parameter without vintage. */
    static const char *const mon[] = {
        "line",    "source_line", "frequency",          "column",
        "vintage", "equation",    "relative_precision", "sd"};
    const char *dot = strrchr(path, '.');
    const char *key = dot ? dot + 1 : path;
    for (size_t i = 0; i < sizeof opt / sizeof *opt; i++)
        if (strcmp(key, opt[i]) == 0) return true;
    for (size_t i = 0; i < sizeof mon / sizeof *mon; i++)
        if (strncmp(path, "monitoring.", 11) == 0 && strcmp(key, mon[i]) == 0)
            return true;
    return strstr(path, ".ipcc_approach1.") != NULL;
}

/* "[2027]", "[ER]" or "[3]": how an array item is named in a path, by the
** member that identifies it. */
static void item_name(const mrv_json *it, size_t i, char *buf, size_t n)
{
    static const char *const ids[] = {"vintage", "name", "id", "account"};
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        const mrv_json *x = mrv_json_get(it, ids[k]);
        if (x && (x->kind == MRV_J_NUMBER || x->kind == MRV_J_STRING)) {
            snprintf(buf, n, "[%s]", x->text);
            return;
        }
    }
    snprintf(buf, n, "[%zu]", i);
}

static void compare(vctx *v, const mrv_json *a, const mrv_json *b, char *path,
                    size_t plen, size_t cap, unsigned depth)
{
    char x[96], y[96];
    if (a->kind != b->kind) {
        diff(v, "%s: recorded %s, now %s", path, show(a, x, sizeof x),
             show(b, y, sizeof y));
        return;
    }
    switch (a->kind) {
    case MRV_J_NUMBER:
        if (same_number(a, b))
            v->res->numbers++;
        else
            diff(v, "%s: recorded %s, now %s", path, a->text, b->text);
        return;
    case MRV_J_STRING:
        if (strcmp(a->text, b->text) != 0)
            diff(v, "%s: recorded %s, now %s", path, show(a, x, sizeof x),
                 show(b, y, sizeof y));
        return;
    case MRV_J_BOOL:
        if (a->b != b->b)
            diff(v, "%s: recorded %s, now %s", path, show(a, x, sizeof x),
                 show(b, y, sizeof y));
        return;
    case MRV_J_NULL:
        if (!may_be_null(path))
            diff(v, "%s: null where a number belongs (recorded and now)", path);
        return;
    case MRV_J_ARRAY:
    case MRV_J_OBJECT:
        break;
    }
    /* Members (or items) of a, then members only b has. */
    bool obj = a->kind == MRV_J_OBJECT;
    size_t na = a->n, nb = b->n;
    for (size_t i = 0; i < (obj ? na + nb : (na > nb ? na : nb)); i++) {
        const mrv_json *ai = NULL, *bi = NULL;
        char name[160];
        const char *key = NULL;
        if (obj) {
            key = i < na ? a->keys[i] : b->keys[i - na];
            if (depth == 0 &&
                (strcmp(key, "inputs") == 0 || strcmp(key, "search") == 0))
                continue;
            if (i < na) {
                ai = a->items[i];
                bi = mrv_json_get(b, key);
            } else {
                if (mrv_json_get(a, key)) continue;
                bi = b->items[i - na];
            }
            snprintf(name, sizeof name, "%s%s", plen ? "." : "", key);
        } else {
            ai = i < na ? a->items[i] : NULL;
            bi = i < nb ? b->items[i] : NULL;
            item_name(ai ? ai : bi, i, name, sizeof name);
        }
        size_t k = strlen(name);
        if (plen + k + 1 > cap) k = cap - plen - 1;
        memcpy(path + plen, name, k);
        path[plen + k] = '\0';
        if (ai && bi)
            compare(v, ai, bi, path, plen + k, cap, depth + 1);
        else if (ai)
            diff(v, "%s: recorded %s, now missing", path,
                 show(ai, x, sizeof x));
        else
            diff(v, "%s: not recorded, now %s", path, show(bi, y, sizeof y));
        path[plen] = '\0';
    }
}

void mrv_verify_compare(const mrv_json *rec, const mrv_json *now, FILE *out,
                        mrv_verify_result *res)
{
    vctx v = {out, NULL, res, 0, NULL, 0, false};
    char path[512] = "";
    compare(&v, rec, now, path, 0, sizeof path, 0);
    print_lines(&v);
    free_lines(&v);
}

/* ---- the re-run -------------------------------------------------------- */

/* dirs = first nextra of 'given', then the recorded ones, then the rest of
** 'given', without repeats.  Strings are borrowed. */
static const char **merge_dirs(const char *const *given, size_t ngiven,
                               size_t nextra, const char *const *rec,
                               size_t nrec, size_t *n)
{
    const char **d = malloc((ngiven + nrec + 1) * sizeof *d);
    if (!d) return NULL;
    *n = 0;
    for (size_t pass = 0; pass < 3; pass++) {
        size_t lo = pass == 0 ? 0 : pass == 1 ? 0 : nextra;
        size_t hi = pass == 0 ? nextra : pass == 1 ? nrec : ngiven;
        for (size_t i = lo; i < hi; i++) {
            const char *s = pass == 1 ? rec[i] : given[i];
            bool dup = false;
            for (size_t j = 0; j < *n && !dup; j++) dup = strcmp(d[j], s) == 0;
            if (!dup) d[(*n)++] = s;
        }
    }
    return d;
}

/* The report the re-run would write, parsed. */
static mrv_status rerun_report(const mrv_run *run, mrv_arena *a,
                               const mrv_json **out, mrv_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return MRV_ENOMEM;
    bool ok = mrv_report_json(run, f);
    ok = fclose(f) == 0 && ok;
    mrv_status st = ok ? mrv_json_parse("(re-run report)", text, len, a, out, d)
                       : MRV_ENOMEM;
    free(text);
    /* Our own writer produced it: failing to read it back is our bug. */
    if (st != MRV_OK && st != MRV_ENOMEM) st = MRV_EINTERNAL;
    return st;
}

/* Step 3: the re-run with the recorded settings and search path, its
** files against the recorded ones, and its report against the recorded
** report.  A re-run that fails sets res->rerun_failed (its errors are in
** the sink) and returns MRV_OK; MRV_ENOMEM, MRV_EINTERNAL otherwise. */
static mrv_status rerun_and_compare(vctx *v, const mrv_verify_opts *o,
                                    recorded *rec, const mrv_json *root,
                                    mrv_arena *a, const char *project)
{
    mrv_diag *d = v->d;
    mrv_verify_result *res = v->res;
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    size_t nm = 0, nf = 0, nrm = 0, nrf = 0;
    const char **rm =
        confine_dirs(o, mrv_json_get(rec->search, "methodologies"), &nrm, d);
    const char **rf =
        confine_dirs(o, mrv_json_get(rec->search, "factors"), &nrf, d);
    const char **md = rm ? merge_dirs(o->search.meth_dirs, o->search.nmeth,
                                      o->nextra_meth, rm, nrm, &nm)
                         : NULL;
    const char **fd = rf ? merge_dirs(o->search.factor_dirs, o->search.nfactor,
                                      o->nextra_factor, rf, nrf, &nf)
                         : NULL;
    free(rm);
    free(rf);
    if (!md || !fd) {
        free(md);
        free(fd);
        return MRV_ENOMEM;
    }
    opt.search.meth_dirs = md;
    opt.search.nmeth = nm;
    opt.search.factor_dirs = fd;
    opt.search.nfactor = nf;
    opt.draws_set = opt.seed_set = true;
    opt.draws = rec->draws;
    opt.seed = rec->seed;
    opt.confidence_set = opt.method_set = true;
    opt.confidence = rec->confidence;
    opt.method = rec->method;
    opt.threads = o->threads;
    opt.progress = o->progress;
    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(project, &opt, &run, d);
    free(md);
    free(fd);
    if (st == MRV_ENOMEM || st == MRV_EINTERNAL) return st;
    if (st != MRV_OK) {
        res->rerun_failed = true;
        return MRV_OK;
    }
    compare_files(v, rec, run->bound, o);
    const mrv_json *now = NULL;
    st = rerun_report(run, a, &now, d);
    if (st == MRV_OK) {
        char path[512] = "";
        compare(v, root, now, path, 0, sizeof path, 0);
    }
    mrv_run_free(run);
    return st;
}

/* The one-line verdict, into buf. */
static void verdict(const mrv_verify_result *res, const char *project,
                    char *buf, size_t n)
{
    if (res->rerun_failed) {
        snprintf(buf, n,
                 "verification failed: the recorded inputs no longer run "
                 "(%s; errors on stderr)",
                 project);
        return;
    }
    if (res->identical) {
        snprintf(buf, n,
                 "verified: %zu numbers identical, inputs unchanged (%zu "
                 "files)",
                 res->numbers, res->inputs);
        return;
    }
    size_t nv = res->differences - res->inputs_changed;
    size_t o = (size_t)snprintf(buf, n, "verification failed: ");
    if (res->inputs_changed && o < n)
        o += (size_t)snprintf(
            buf + o, n - o, "%zu input%s changed%s", res->inputs_changed,
            res->inputs_changed == 1 ? "" : "s", nv ? ", " : "");
    if (nv && o < n)
        o += (size_t)snprintf(buf + o, n - o, "%zu value%s differ%s", nv,
                              nv == 1 ? "" : "s", nv == 1 ? "s" : "");
    if (o < n)
        snprintf(buf + o, n - o, " (%zu numbers identical)", res->numbers);
}

static void json_lines(FILE *f, const vctx *v, bool note)
{
    bool first = true;
    fputc('[', f);
    for (size_t i = 0; i < v->nlines; i++) {
        if (v->lines[i].note != note) continue;
        fputs(first ? "\n      " : ",\n      ", f);
        first = false;
        mrv_json_str(f, v->lines[i].text);
    }
    fputs(first ? "]" : "\n    ]", f);
}

/* The recorded inputs, as the verdict's "inputs unchanged" means them:
** one line each, "  ROLE: PATH" (text), or an array of objects with
** role, path and sha256 (JSON). */
static void list_inputs(FILE *f, const recorded *r, bool json)
{
    for (size_t i = 0; i < r->ninputs; i++) {
        const rec_input *in = &r->inputs[i];
        if (json) {
            fputs(i ? ",\n      {\"role\": " : "[\n      {\"role\": ", f);
            mrv_json_str(f, in->role);
            fputs(", \"path\": ", f);
            mrv_json_str(f, in->path);
            fputs(", \"sha256\": ", f);
            mrv_json_str(f, in->sha);
            fputc('}', f);
            continue;
        }
        fputs("  ", f);
        mrv_term_puts(f, in->role, MRV_TERM_LINE);
        fputs(": ", f);
        mrv_term_puts(f, in->path, MRV_TERM_LINE);
        fputc('\n', f);
    }
    if (json) fputs(r->ninputs ? "\n    ]" : "[]", f);
}

/* What verify found, once it knows: the verdict first, the inputs it
** vouches for when verified, then the notes and differences (text), or
** all of it as one JSON object. */
static void conclude(vctx *v, const mrv_verify_opts *o, const recorded *r,
                     const char *project)
{
    const mrv_verify_result *res = v->res;
    char line[1024];
    verdict(res, project, line, sizeof line);
    FILE *f = v->out;
    if (!o->json) {
        if (!res->identical || !o->quiet) {
            mrv_term_puts(f, line, MRV_TERM_LINE);
            fputc('\n', f);
        }
        if (res->identical && !o->quiet) list_inputs(f, r, false);
        print_lines(v);
        return;
    }
    fprintf(f, "{\"identical\": %s, \"verdict\": ",
            res->identical ? "true" : "false");
    mrv_json_str(f, line);
    fprintf(f,
            ",\n    \"rerun_failed\": %s, \"inputs\": %zu, "
            "\"inputs_changed\": %zu, \"numbers\": %zu, \"differences\": "
            "%zu,\n    \"notes\": ",
            res->rerun_failed ? "true" : "false", res->inputs,
            res->inputs_changed, res->numbers, res->differences);
    json_lines(f, v, true);
    fputs(",\n    \"shown\": ", f);
    json_lines(f, v, false);
    fprintf(f, ", \"not_shown\": %zu,\n    \"input_files\": ",
            v->shown > MAX_SHOWN ? v->shown - MAX_SHOWN : 0);
    list_inputs(f, r, true);
    fputc('}', f);
}

mrv_status mrv_verify(const mrv_verify_opts *o, FILE *out,
                      mrv_verify_result *res, mrv_diag *d)
{
    memset(res, 0, sizeof *res);
    /* A --project that names no file is a mistake on the command line,
    ** not a difference found in the run. */
    if (o->project) {
        struct stat sb;
        mrv_srcpos at = {o->project, 0, 0};
        if (stat(o->project, &sb) != 0)
            return mrv_error(d, at, MRV_EREF,
                             "cannot read the project given with --project: "
                             "%s",
                             strerror(errno));
        if (!S_ISREG(sb.st_mode))
            return mrv_error(d, at, MRV_EREF,
                             "cannot read the project given with --project: "
                             "not a regular file");
    }
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    if (!a) return MRV_ENOMEM;
    const mrv_json *root = NULL;
    recorded r;
    mrv_status st = mrv_json_load_file(o->report, a, &root, d);
    if (st == MRV_OK) st = read_report(root, a, &r, d);
    if (st == MRV_OK) st = confine_inputs(o, &r, d);
    if (st != MRV_OK) {
        mrv_arena_free(a);
        return st;
    }
    vctx v = {out, d, res, 0, NULL, 0, false};
    res->inputs = r.ninputs;
    if (!o->quiet && strcmp(r.version, MRV_VERSION_STRING) != 0)
        say(&v, "note: the report was written by mrv %s; this is mrv %s",
            r.version, MRV_VERSION_STRING);
    const char *project = o->project ? o->project : r.project;
    st = check_inputs(&v, &r, o->project);
    if (st == MRV_OK) st = rerun_and_compare(&v, o, &r, root, a, project);
    if (st == MRV_OK && v.nomem) st = MRV_ENOMEM;
    if (st == MRV_OK) {
        res->identical = !res->rerun_failed && res->differences == 0;
        conclude(&v, o, &r, project);
    }
    free_lines(&v);
    mrv_arena_free(a);
    return st;
}
