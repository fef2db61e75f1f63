/*
** output_set.c -- the output folder written as one set (output.h).
**
** Each file is written under a temporary name in the output folder
** first, and only when every one was written without error are they
** renamed into place.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define MAX_OUT_FILES 16

struct mrv_outset {
    char *dir;
    size_t n;
    struct {
        char *name, *tmp;
        FILE *f;
    } file[MAX_OUT_FILES];
};

static mrv_srcpos nopos(void)
{
    mrv_srcpos p = {NULL, 0, 0};
    return p;
}

static mrv_status mkdirs(const char *dir, mrv_diag *d)
{
    char *p = strdup(dir);
    if (!p) return MRV_ENOMEM;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            mrv_status st =
                mrv_error(d, nopos(), MRV_EIO, "cannot create folder '%s': %s",
                          p, strerror(errno));
            free(p);
            return st;
        }
        *s = c;
        if (c == '\0') break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(p);
        return mrv_error(d, nopos(), MRV_EIO, "'%s' is not a folder", dir);
    }
    free(p);
    return MRV_OK;
}

mrv_status mrv_outset_open(const char *dir, mrv_outset **out, mrv_diag *d)
{
    *out = NULL;
    mrv_status st = mkdirs(dir, d);
    if (st != MRV_OK) return st;
    mrv_outset *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        return MRV_ENOMEM;
    }
    *out = s;
    return MRV_OK;
}

FILE *mrv_outset_file(mrv_outset *s, const char *name, mrv_diag *d)
{
    if (s->n == MAX_OUT_FILES) return NULL;
    size_t len = strlen(s->dir) + strlen(name) + 64;
    char *path = malloc(len), *tmp = malloc(len);
    if (!path || !tmp) {
        free(path);
        free(tmp);
        return NULL;
    }
    snprintf(path, len, "%s/%s", s->dir, name);
    snprintf(tmp, len, "%s/.%s.tmp.%ld", s->dir, name, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        mrv_error(d, nopos(), MRV_EIO, "cannot write '%s': %s", path,
                  strerror(errno));
        free(path);
        free(tmp);
        return NULL;
    }
    s->file[s->n].name = path;
    s->file[s->n].tmp = tmp;
    s->file[s->n].f = f;
    s->n++;
    return f;
}

static void outset_free(mrv_outset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->file[i].name);
        free(s->file[i].tmp);
    }
    free(s->dir);
    free(s);
}

void mrv_outset_abort(mrv_outset *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->file[i].f) fclose(s->file[i].f);
        remove(s->file[i].tmp);
    }
    outset_free(s);
}

mrv_status mrv_outset_commit(mrv_outset *s, mrv_diag *d)
{
    mrv_status st = MRV_OK;
    for (size_t i = 0; i < s->n; i++) {
        FILE *f = s->file[i].f;
        s->file[i].f = NULL;
        bool bad = ferror(f) != 0;
        bad |= fflush(f) != 0;
        bad |= fsync(fileno(f)) != 0 && errno != EINVAL;
        bad |= fclose(f) != 0;
        if (bad && st == MRV_OK)
            st = mrv_error(d, nopos(), MRV_EIO, "cannot write '%s': %s",
                           s->file[i].name, strerror(errno));
    }
    /* The renames cannot be one atomic step; refuse before the first one
    ** what would make a later one fail (a folder where a file goes), so a
    ** failed run does not leave a mixed set. */
    for (size_t i = 0; i < s->n && st == MRV_OK; i++) {
        struct stat sb;
        if (stat(s->file[i].name, &sb) == 0 && S_ISDIR(sb.st_mode))
            st =
                mrv_error(d, nopos(), MRV_EIO,
                          "cannot write '%s': it is a folder", s->file[i].name);
    }
    if (st != MRV_OK) {
        mrv_outset_abort(s);
        return st;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (rename(s->file[i].tmp, s->file[i].name) != 0) {
            st = mrv_error(d, nopos(), MRV_EIO, "cannot write '%s': %s",
                           s->file[i].name, strerror(errno));
            for (size_t j = i; j < s->n; j++) remove(s->file[j].tmp);
            break;
        }
    }
    outset_free(s);
    return st;
}

const char *mrv_outset_name(const mrv_outset *s, size_t i)
{
    if (i >= s->n) return NULL;
    const char *base = strrchr(s->file[i].name, '/');
    return base ? base + 1 : s->file[i].name;
}
