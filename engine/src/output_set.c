/*
** output_set.c -- the output folder written as one set (output.h).
**
** A run's files never appear one by one in its folder DIR.  They are
** written into a fresh sibling, PARENT/.BASE.mrv-XXXXXX (made by mkdir,
** so never a path that existed, and filled with files opened
** O_CREAT|O_EXCL|O_NOFOLLOW, so never through a link), flushed to disk,
** and then put in DIR's place by one rename:
**
**   DIR missing   rename(sibling, DIR)
**   DIR present   renameat2(sibling, DIR, RENAME_EXCHANGE); the
**                 sibling's name then holds the previous set, removed
**
** so every lookup of DIR/NAME finds the whole previous set or the whole
** new one, never a mix, and files the new run does not write (a ledger
** from a run with an allocation) leave with the previous set.  Where the
** filesystem has no RENAME_EXCHANGE, two renames do it (DIR aside, then
** the sibling in): a crash between them leaves no DIR, never a mixed one.
**
** A sibling is locked (flock, LOCK_EX on the folder) from its mkdir
** until it has been swapped in or removed.  Opening a set first removes
** every .BASE.mrv-* sibling whose lock it can take, after checking the
** locked folder is still the one at that name: the leftovers of a run
** that died (a live run holds its lock).  Removal only ever deletes the
** names of the set (the owned list) and older mrv versions' temporaries
** (.NAME.tmp.PID), then the folder if that left it empty: a folder
** holding anything else is refused by mrv_outset_check before any work,
** and never emptied.
**
** Owns its strings, streams, folder descriptors and the lock; borrows
** the owned names (copied as pointers; the strings must outlive the
** set).
*/
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE, sync_file_range */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "output_int.h"

#define MAX_OUT_FILES 16
#define MAX_MADE      64 /* parent folders one set may create */
#define TEMP_MARK     ".mrv-"
#define TEMP_RANDOM   6 /* characters after TEMP_MARK */

struct mrv_outset {
    char *dir;    /* as given, without trailing '/' */
    char *parent; /* the folder DIR is in */
    char *base;   /* DIR's last component */
    int pfd;      /* parent, O_DIRECTORY */
    char *tmp;    /* the sibling's name in parent */
    int tfd;      /* the sibling, locked; -1 once released */
    const char **owned;
    size_t nowned;
    char *made[MAX_MADE]; /* folders created for DIR, outermost first */
    size_t nmade;
    size_t n;
    struct {
        char *name;
        FILE *f;   /* NULL for a file written by path */
        dev_t dev; /* a file written by path: the one created */
        ino_t ino;
    } file[MAX_OUT_FILES];
};

static mrv_srcpos at_dir(const char *dir)
{
    mrv_srcpos p = {dir, 0, 0};
    return p;
}

/* A refused output folder: the user's input, exit status 2. */
static mrv_status refuse(mrv_diag *d, const char *dir, const char *fmt, ...)
    MRV_PRINTF(3, 4);
static mrv_status refuse(mrv_diag *d, const char *dir, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mrv_status st = mrv_verror(d, at_dir(dir), MRV_EREF, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- names ------------------------------------------------------------ */

static bool is_owned(const char *name, const char *const *owned, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, owned[i]) == 0) return true;
    return false;
}

/* ".NAME.tmp.PID" for an owned NAME: what mrv wrote before sets were
** swapped in whole. */
static bool is_old_temp(const char *name, const char *const *owned, size_t n)
{
    if (name[0] != '.') return false;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(owned[i]);
        const char *p = name + 1 + k;
        if (strncmp(name + 1, owned[i], k) != 0 || strncmp(p, ".tmp.", 5))
            continue;
        p += 5;
        if (!*p) return false;
        while (*p >= '0' && *p <= '9') p++;
        return *p == '\0';
    }
    return false;
}

/* Whether 'name' is a sibling of ours for folder 'base':
** .BASE.mrv-XXXXXX. */
static bool is_sibling(const char *name, const char *base)
{
    size_t k = strlen(base), m = strlen(TEMP_MARK);
    return name[0] == '.' && strncmp(name + 1, base, k) == 0 &&
           strncmp(name + 1 + k, TEMP_MARK, m) == 0 &&
           strlen(name + 1 + k + m) == TEMP_RANDOM;
}

/* Splits 'dir' into its parent folder and last component (malloc'd);
** false when it names no folder of its own ("", "/", ".", ".."). */
static bool split(const char *dir, char **parent, char **base)
{
    *parent = *base = NULL;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/') b--;
    size_t blen = n - b;
    if (blen == 0 || (blen == 1 && dir[b] == '.') ||
        (blen == 2 && dir[b] == '.' && dir[b + 1] == '.'))
        return false;
    size_t plen = b;
    while (plen > 1 && dir[plen - 1] == '/') plen--;
    *base = strndup(dir + b, blen);
    *parent = plen ? strndup(dir, plen) : strdup(".");
    if (!*base || !*parent) {
        free(*base);
        free(*parent);
        *parent = *base = NULL;
    }
    return true;
}

/* ---- checking --------------------------------------------------------- */

/* DIR exists: every entry must be one of the set's names (not a folder)
** or an old temporary. */
static mrv_status check_contents(const char *dir, const char *const *owned,
                                 size_t nowned, mrv_diag *d)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return refuse(d, dir, "cannot read the output folder: %s",
                      strerror(errno));
    mrv_status st = MRV_OK;
    struct dirent *de;
    while (st == MRV_OK && (de = readdir(dp))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        struct stat sb;
        bool ours =
            is_owned(name, owned, nowned) || is_old_temp(name, owned, nowned);
        if (ours && fstatat(dirfd(dp), name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(sb.st_mode))
            st = refuse(d, dir,
                        "'%s' in the output folder is a folder; mrv writes a "
                        "file there",
                        name);
        else if (!ours)
            st = refuse(d, dir,
                        "the output folder holds '%s', which mrv did not "
                        "write; mrv replaces its output folder as a whole, "
                        "so give a new folder or one holding only mrv's "
                        "files",
                        name);
    }
    closedir(dp);
    return st;
}

mrv_status mrv_outset_check(const char *dir, const char *const *owned,
                            size_t nowned, mrv_diag *d)
{
    char *parent, *base;
    if (!split(dir, &parent, &base))
        return refuse(d, dir,
                      "the output folder must be named by its own name, "
                      "not '.', '..' or '/'");
    if (!parent) return MRV_ENOMEM;
    mrv_status st = MRV_OK;
    struct stat sb;
    /* DIR's own entry, the one swapped: "LINK/" would lstat the folder
    ** the link points to. */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    char *name = strndup(dir, len);
    if (!name) {
        free(parent);
        free(base);
        return MRV_ENOMEM;
    }
    if (lstat(name, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            st = refuse(d, dir,
                        "the output folder is a symbolic link; give the "
                        "folder it points to");
        else if (!S_ISDIR(sb.st_mode))
            st = refuse(d, dir, "the output folder is a file, not a folder");
        else if ((st = check_contents(dir, owned, nowned, d)) == MRV_OK &&
                 access(parent, W_OK | X_OK) != 0)
            st = refuse(d, dir,
                        "cannot replace the output folder: its parent '%s' "
                        "is not writable (%s)",
                        parent, strerror(errno));
    } else if (errno == ENOENT) {
        /* The nearest folder that exists must let us create the rest. */
        char *p = parent;
        while (stat(p, &sb) != 0 && errno == ENOENT && strcmp(p, ".") != 0 &&
               strcmp(p, "/") != 0) {
            char *slash = strrchr(p, '/');
            if (!slash) {
                strcpy(p, ".");
                continue;
            }
            if (slash == p)
                slash[1] = '\0';
            else
                *slash = '\0';
        }
        if (stat(p, &sb) != 0)
            st = refuse(d, dir, "cannot create the output folder: '%s': %s", p,
                        strerror(errno));
        else if (!S_ISDIR(sb.st_mode))
            st = refuse(d, dir,
                        "cannot create the output folder: '%s' is a file, "
                        "not a folder",
                        p);
        else if (access(p, W_OK | X_OK) != 0)
            st = refuse(d, dir,
                        "cannot create the output folder: '%s' is not "
                        "writable (%s)",
                        p, strerror(errno));
    } else {
        st =
            refuse(d, dir, "cannot use the output folder: %s", strerror(errno));
    }
    free(name);
    free(parent);
    free(base);
    return st;
}

/* ---- removing sets ---------------------------------------------------- */

/* Removes sibling 'name' of 'pfd' when its lock can be taken (waiting
** for it when 'wait') and the locked folder is still the one at that
** name: its owned files and old temporaries, then the folder if empty. */
static void remove_set(int pfd, const char *name, const char *const *owned,
                       size_t nowned, bool wait)
{
    int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    struct stat held, now;
    if (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 ||
        fstat(fd, &held) != 0 || held.st_nlink == 0 ||
        fstatat(pfd, name, &now, AT_SYMLINK_NOFOLLOW) != 0 ||
        now.st_dev != held.st_dev || now.st_ino != held.st_ino) {
        /* Alive, or gone, or swapped in since we opened it. */
        close(fd);
        return;
    }
    /* A set swapped out of a read-only DIR (chmod 555; the new set took
    ** its mode) cannot be emptied as it is: the folder goes anyway. */
    fchmod(fd, S_IRWXU);
    int fd2 = dup(fd);
    DIR *dp = fd2 >= 0 ? fdopendir(fd2) : NULL;
    if (!dp && fd2 >= 0) close(fd2);
    struct dirent *de;
    while (dp && (de = readdir(dp)))
        if (is_owned(de->d_name, owned, nowned) ||
            is_old_temp(de->d_name, owned, nowned))
            unlinkat(fd, de->d_name, 0);
    if (dp) closedir(dp);
    unlinkat(pfd, name, AT_REMOVEDIR); /* fails, harmlessly, if not empty */
    close(fd);
}

/* Removes the siblings of dead runs beside DIR. */
static void sweep(mrv_outset *s)
{
    int fd = dup(s->pfd);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dp) {
        if (fd >= 0) close(fd);
        return;
    }
    /* Names first: removing while reading a folder may skip entries. */
    char *found[64];
    size_t n = 0;
    struct dirent *de;
    while (n < sizeof found / sizeof *found && (de = readdir(dp)))
        if (is_sibling(de->d_name, s->base) && (found[n] = strdup(de->d_name)))
            n++;
    closedir(dp);
    for (size_t i = 0; i < n; i++) {
        remove_set(s->pfd, found[i], s->owned, s->nowned, false);
        free(found[i]);
    }
}

/* ---- opening ---------------------------------------------------------- */

/* Creates the folders of 'path' that are missing, outermost first,
** recording each in s->made. */
static mrv_status make_parents(mrv_outset *s, const char *path, mrv_diag *d)
{
    struct stat sb;
    if (stat(path, &sb) == 0) return MRV_OK;
    char *up = strdup(path);
    if (!up) return MRV_ENOMEM;
    char *slash = strrchr(up, '/');
    mrv_status st = MRV_OK;
    if (slash && slash != up) {
        *slash = '\0';
        st = make_parents(s, up, d);
    }
    free(up);
    if (st != MRV_OK) return st;
    if (mkdir(path, 0777) != 0)
        return errno == EEXIST ? MRV_OK /* made meanwhile: not ours */
                               : mrv_error(d, at_dir(s->dir), MRV_EIO,
                                           "cannot create folder '%s': %s",
                                           path, strerror(errno));
    if (s->nmade < MAX_MADE) {
        if (!(s->made[s->nmade] = strdup(path))) return MRV_ENOMEM;
        s->nmade++;
    }
    return MRV_OK;
}

/* A name no other run picks: TEMP_RANDOM characters from the clock, the
** process and a counter. */
static void temp_name(const mrv_outset *s, unsigned attempt, char *buf,
                      size_t n)
{
    static const char abc[] = "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
                 (uint64_t)getpid() << 16 ^ attempt ^ (uintptr_t)s;
    char r[TEMP_RANDOM + 1];
    for (int i = 0; i < TEMP_RANDOM; i++) {
        x ^= x >> 33; /* splitmix-style mixing */
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 29;
        r[i] = abc[x % (sizeof abc - 1)];
    }
    r[TEMP_RANDOM] = '\0';
    snprintf(buf, n, ".%s%s%s", s->base, TEMP_MARK, r);
}

/* Makes and locks the sibling. */
static mrv_status make_sibling(mrv_outset *s, mrv_diag *d)
{
    size_t len = strlen(s->base) + sizeof TEMP_MARK + TEMP_RANDOM + 2;
    if (!(s->tmp = malloc(len))) return MRV_ENOMEM;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        temp_name(s, attempt, s->tmp, len);
        if (mkdirat(s->pfd, s->tmp, 0777) != 0) {
            if (errno == EEXIST) continue;
            return mrv_error(d, at_dir(s->dir), MRV_EIO,
                             "cannot create a folder beside '%s': %s", s->dir,
                             strerror(errno));
        }
        /* Another run's sweep may take it between mkdir and the lock:
        ** then it is gone (no links), and we pick another name. */
        int fd = openat(s->pfd, s->tmp,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) continue;
        if (fd < 0 || flock(fd, LOCK_EX) != 0) {
            int e = errno;
            if (fd >= 0) close(fd);
            unlinkat(s->pfd, s->tmp, AT_REMOVEDIR);
            return mrv_error(d, at_dir(s->dir), MRV_EIO,
                             "cannot lock a folder beside '%s': %s", s->dir,
                             strerror(e));
        }
        struct stat sb;
        if (fstat(fd, &sb) == 0 && sb.st_nlink > 0) {
            s->tfd = fd;
            return MRV_OK;
        }
        close(fd);
    }
    return mrv_error(d, at_dir(s->dir), MRV_EIO,
                     "cannot create a folder beside '%s'", s->dir);
}

static void outset_free(mrv_outset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->file[i].f) fclose(s->file[i].f);
        free(s->file[i].name);
    }
    for (size_t i = 0; i < s->nmade; i++) free(s->made[i]);
    if (s->tfd >= 0) close(s->tfd);
    if (s->pfd >= 0) close(s->pfd);
    free(s->owned);
    free(s->tmp);
    free(s->dir);
    free(s->parent);
    free(s->base);
    free(s);
}

mrv_status mrv_outset_open(const char *dir, const char *const *owned,
                           size_t nowned, mrv_outset **out, mrv_diag *d)
{
    *out = NULL;
    mrv_status st = mrv_outset_check(dir, owned, nowned, d);
    if (st != MRV_OK) return st;
    mrv_outset *s = calloc(1, sizeof *s);
    if (!s) return MRV_ENOMEM;
    s->pfd = s->tfd = -1;
    s->dir = strdup(dir);
    s->owned = malloc((nowned + 1) * sizeof *s->owned);
    split(dir, &s->parent, &s->base);
    if (!s->dir || !s->owned || !s->parent) {
        outset_free(s);
        return MRV_ENOMEM;
    }
    memcpy(s->owned, owned, nowned * sizeof *owned);
    s->nowned = nowned;
    st = make_parents(s, s->parent, d);
    if (st == MRV_OK) {
        s->pfd = open(s->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->pfd < 0)
            st = mrv_error(d, at_dir(dir), MRV_EIO, "cannot open '%s': %s",
                           s->parent, strerror(errno));
    }
    if (st == MRV_OK) {
        sweep(s);
        st = make_sibling(s, d);
    }
    if (st != MRV_OK) {
        mrv_outset_abort(s);
        return st;
    }
    *out = s;
    return MRV_OK;
}

/* ---- files ------------------------------------------------------------ */

/* Creates the set's file 'name' exclusively, never through a link, and
** records it; returns its descriptor, or -1 with an error recorded. */
static int create_file(mrv_outset *s, const char *name, mrv_diag *d)
{
    if (s->n == MAX_OUT_FILES || !is_owned(name, s->owned, s->nowned)) {
        mrv_error(d, at_dir(s->dir), MRV_EINTERNAL,
                  "'%s' is not a file this output set holds (a bug in mrv)",
                  name);
        return -1;
    }
    char *copy = strdup(name);
    int fd = copy ? openat(s->tfd, name,
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           0666)
                  : -1;
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        if (copy)
            mrv_error(d, at_dir(s->dir), MRV_EIO, "cannot write '%s/%s': %s",
                      s->dir, name, strerror(errno));
        free(copy);
        return -1;
    }
    s->file[s->n].name = copy;
    s->file[s->n].f = NULL;
    s->file[s->n].dev = sb.st_dev;
    s->file[s->n].ino = sb.st_ino;
    s->n++;
    return fd;
}

FILE *mrv_outset_file(mrv_outset *s, const char *name, mrv_diag *d)
{
    int fd = create_file(s, name, d);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        mrv_error(d, at_dir(s->dir), MRV_EIO, "cannot write '%s/%s': %s",
                  s->dir, name, strerror(errno));
        return NULL;
    }
    s->file[s->n - 1].f = f;
    return f;
}

mrv_status mrv_outset_path(mrv_outset *s, const char *name, char *path,
                           size_t n, mrv_diag *d)
{
    int k = snprintf(path, n, "%s/%s/%s", s->parent, s->tmp, name);
    if (k < 0 || (size_t)k >= n)
        return mrv_error(d, at_dir(s->dir), MRV_EIO,
                         "cannot write '%s/%s': the path is too long", s->dir,
                         name);
    int fd = create_file(s, name, d);
    if (fd < 0) return mrv_diag_status(d);
    close(fd);
    return MRV_OK;
}

/* A file written by path: still the regular file created at its name
** (a writer that replaced it by a link, or lost it, fails the set).
** Returns its descriptor, or -1 with *err an errno. */
static int open_path(const mrv_outset *s, size_t i, int *err)
{
    int fd = openat(s->tfd, s->file[i].name,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat sb;
    *err = 0;
    if (fstat(fd, &sb) != 0)
        *err = errno;
    else if (!S_ISREG(sb.st_mode) || sb.st_dev != s->file[i].dev ||
             sb.st_ino != s->file[i].ino)
        *err = EEXIST;
    if (*err) {
        close(fd);
        return -1;
    }
    return fd;
}

const char *mrv_outset_name(const mrv_outset *s, size_t i)
{
    return i < s->n ? s->file[i].name : NULL;
}

/* ---- ending ----------------------------------------------------------- */

void mrv_outset_abort(mrv_outset *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->file[i].f) fclose(s->file[i].f);
        s->file[i].f = NULL;
        if (s->tfd >= 0) unlinkat(s->tfd, s->file[i].name, 0);
    }
    if (s->tfd >= 0) unlinkat(s->pfd, s->tmp, AT_REMOVEDIR);
    /* Folders made for this set, innermost first, if still empty. */
    for (size_t i = s->nmade; i-- > 0;) rmdir(s->made[i]);
    outset_free(s);
}

int mrv__outset_swap(int pfd, const char *tmp, const char *base, bool exchange,
                     char *aside, size_t n)
{
    aside[0] = '\0';
    for (int attempt = 0; attempt < 8; attempt++) {
        struct stat sb;
        if (fstatat(pfd, base, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) return -1;
            /* DIR missing: one rename (it may replace an empty DIR made
            ** meanwhile; a full one makes it fail, and we swap). */
            if (renameat(pfd, tmp, pfd, base) == 0) return 0;
            if (errno != EEXIST && errno != ENOTEMPTY) return -1;
            continue;
        }
        if (exchange) {
            if (renameat2(pfd, tmp, pfd, base, RENAME_EXCHANGE) == 0) {
                snprintf(aside, n, "%s", tmp);
                return 0;
            }
            if (errno == ENOENT) continue; /* DIR went meanwhile */
            if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
                return -1;
            exchange = false; /* not on this filesystem */
        }
        /* Two renames: DIR onto an empty folder of our own, then ours
        ** in.  Between them DIR is missing, never mixed. */
        snprintf(aside, n, "%s", tmp);
        size_t k = strlen(aside);
        char last = aside[k - 1];
        int made = -1;
        for (char c = '0'; c <= '9' && made != 0; c++) {
            if (c == last) continue;
            aside[k - 1] = c; /* a sibling's name still: swept if we die */
            made = mkdirat(pfd, aside, 0700);
            if (made != 0 && errno != EEXIST) break;
        }
        if (made != 0) return -1;
        if (renameat(pfd, base, pfd, aside) != 0) {
            int e = errno;
            unlinkat(pfd, aside, AT_REMOVEDIR);
            aside[0] = '\0';
            if (e == ENOENT) continue;
            errno = e;
            return -1;
        }
        if (renameat(pfd, tmp, pfd, base) == 0) return 0;
        int e = errno;
        renameat(pfd, aside, pfd, base); /* put the old set back */
        aside[0] = '\0';
        errno = e;
        return -1;
    }
    errno = EBUSY;
    return -1;
}

/* Every file flushed and on disk, in two passes: the first hands each
** file's pages to the kernel and starts their writeback, the second
** waits for it (fsync).  Started together, the files share the
** filesystem's journal commits instead of forcing one each, which cost
** a few milliseconds per file on ext4 (docs/performance.md). */
mrv_status mrv_outset_commit(mrv_outset *s, mrv_diag *d)
{
    mrv_status st = MRV_OK;
    int fd[MAX_OUT_FILES], err[MAX_OUT_FILES];
    for (size_t i = 0; i < s->n; i++) {
        FILE *f = s->file[i].f;
        /* The first failure's errno; a stream error seen before any call
        ** here failed again is EIO. */
        err[i] = 0;
        if (!f) {
            fd[i] = open_path(s, i, &err[i]);
        } else {
            fd[i] = fileno(f);
            if (fflush(f) != 0) err[i] = errno;
            if (!err[i] && ferror(f)) err[i] = EIO;
        }
        if (!err[i]) sync_file_range(fd[i], 0, 0, SYNC_FILE_RANGE_WRITE);
    }
    for (size_t i = 0; i < s->n; i++) {
        FILE *f = s->file[i].f;
        s->file[i].f = NULL;
        if (!err[i] && fsync(fd[i]) != 0 && errno != EINVAL) err[i] = errno;
        if (f && fclose(f) != 0 && !err[i]) err[i] = errno;
        if (!f && fd[i] >= 0) close(fd[i]);
        if (err[i] && st == MRV_OK)
            st = mrv_error(d, at_dir(s->dir), MRV_EIO,
                           "cannot write '%s/%s': %s", s->dir, s->file[i].name,
                           strerror(err[i]));
    }
    /* The new set keeps the old folder's permissions. */
    struct stat old;
    if (st == MRV_OK &&
        fstatat(s->pfd, s->base, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(old.st_mode))
        fchmod(s->tfd, old.st_mode & 07777);
    char aside[256];
    if (st == MRV_OK &&
        (fsync(s->tfd) != 0 || mrv__outset_swap(s->pfd, s->tmp, s->base, true,
                                                aside, sizeof aside) != 0))
        st = mrv_error(d, at_dir(s->dir), MRV_EIO,
                       "cannot put the new files in place of '%s': %s", s->dir,
                       strerror(errno));
    if (st != MRV_OK) {
        mrv_outset_abort(s);
        return st;
    }
    fsync(s->pfd);
    /* The new set is in place: let it go, then remove the old one. */
    close(s->tfd);
    s->tfd = -1;
    if (aside[0]) remove_set(s->pfd, aside, s->owned, s->nowned, true);
    outset_free(s);
    return MRV_OK;
}

mrv_status mrv_outset_finish(mrv_outset *s, bool ok, int err, char *names,
                             size_t n, mrv_diag *d)
{
    if (!ok) {
        /* A writer that failed on its stream left the stream's error
        ** flag: that file is the one to name. */
        size_t bad = 0;
        while (bad < s->n && !(s->file[bad].f && ferror(s->file[bad].f))) bad++;
        mrv_status st = mrv_diag_status(d);
        if (st == MRV_OK && bad < s->n)
            st = mrv_error(d, at_dir(s->dir), MRV_EIO,
                           "cannot write '%s/%s': %s", s->dir,
                           s->file[bad].name, strerror(err));
        else if (st == MRV_OK)
            st = mrv_error(d, (mrv_srcpos){NULL, 0, 0}, MRV_EIO,
                           "cannot write into '%s': %s", s->dir, strerror(err));
        mrv_outset_abort(s);
        return st;
    }
    if (names && n) {
        /* Taken before the commit frees the set: the files it renames. */
        size_t o = 0;
        names[0] = '\0';
        const char *base;
        for (size_t i = 0; (base = mrv_outset_name(s, i)) && o + 1 < n; i++) {
            int k = snprintf(names + o, n - o, "%s%s", i ? ", " : "", base);
            if (k < 0) break;
            o += (size_t)k;
        }
    }
    return mrv_outset_commit(s, d);
}
