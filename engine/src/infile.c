/*
** infile.c -- which files mrv may read, and reading them whole
** (infile.h).
*/
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "sha256.h"

/* Whether real path 'p' is 'dir' itself or below it (both resolved). */
static bool within(const char *dir, const char *p)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return p[0] == '/';
    return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

bool mrv_infile_inside(const char *dir, const char *path)
{
    char *rd = realpath(dir, NULL), *rp = realpath(path, NULL);
    bool yes = rd && rp && within(rd, rp);
    free(rd);
    free(rp);
    return yes;
}

bool mrv_infile_below(const char *dir, const char *rel, const char **why)
{
    if (rel[0] == '\0') {
        *why = "names no file";
        return false;
    }
    if (rel[0] == '/') {
        *why = "is an absolute path";
        return false;
    }
    for (const char *s = rel; *s;) {
        size_t k = strcspn(s, "/");
        if (k == 2 && s[0] == '.' && s[1] == '.') {
            *why = "goes up with '..'";
            return false;
        }
        s += k;
        while (*s == '/') s++;
    }
    /* Running out of memory says nothing about the path: *why is NULL
    ** then, for the caller to report as what it is. */
    *why = NULL;
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *joined = malloc(n);
    if (!joined) return false;
    snprintf(joined, n, "%s/%s", dir, rel);
    struct stat sb;
    bool ok = lstat(joined, &sb) != 0;
    if (!ok) {
        errno = 0;
        char *rd = realpath(dir, NULL);
        char *rp = rd ? realpath(joined, NULL) : NULL;
        bool oom = (!rd || !rp) && errno == ENOMEM;
        ok = rd && rp && within(rd, rp);
        free(rd);
        free(rp);
        if (!ok && !oom)
            *why = "leads out of the folder through a symbolic link";
    }
    free(joined);
    return ok;
}

/* Opens 'path' without blocking and says what it is: a folder, not a
** regular file (when only those will do), or a regular file over 'max'
** bytes are refused before a byte is read.  *fd is open (close it)
** unless MRV_INFILE_MISSING. */
static mrv_infile_fail open_checked(const char *path, uint64_t max,
                                    bool regular_only, int *fd, struct stat *sb,
                                    int *err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) {
        *err = errno;
        return MRV_INFILE_MISSING;
    }
    if (fstat(*fd, sb) != 0) {
        *err = errno;
        return MRV_INFILE_IO;
    }
    if (S_ISDIR(sb->st_mode)) {
        *err = EISDIR;
        return MRV_INFILE_FOLDER;
    }
    if (!S_ISREG(sb->st_mode) && regular_only) return MRV_INFILE_NOT_REGULAR;
    if (S_ISREG(sb->st_mode) && (uintmax_t)sb->st_size > max)
        return MRV_INFILE_TOO_LARGE;
    return MRV_INFILE_OK;
}

mrv_infile_fail mrv_infile_read(const char *path, size_t max, bool regular_only,
                                char **buf, size_t *len, int *err)
{
    *buf = NULL;
    *len = 0;
    *err = 0;
    int fd;
    struct stat sb;
    mrv_infile_fail fail = open_checked(path, max, regular_only, &fd, &sb, err);
    if (fail == MRV_INFILE_MISSING) return fail;
    /* A pipe given on the command line is read as it comes. */
    if (fail == MRV_INFILE_OK && !S_ISREG(sb.st_mode))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    size_t cap = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 64 * 1024;
    char *b = fail == MRV_INFILE_OK ? malloc(cap + 1) : NULL;
    if (fail == MRV_INFILE_OK && !b) fail = MRV_INFILE_NOMEM;
    size_t n = 0;
    /* Read to the end whatever stat said, so a file that grows or a
    ** device is still bounded: never more than one byte past the limit. */
    while (fail == MRV_INFILE_OK) {
        if (n == cap) {
            if (n > max) break;
            size_t ncap = cap > max / 2 ? max + 1 : 2 * cap;
            char *nb = realloc(b, ncap + 1);
            if (!nb) {
                fail = MRV_INFILE_NOMEM;
                break;
            }
            b = nb;
            cap = ncap;
        }
        ssize_t k = read(fd, b + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            *err = errno;
            fail = MRV_INFILE_IO;
        }
        if (k <= 0) break;
        n += (size_t)k;
    }
    close(fd);
    if (fail == MRV_INFILE_OK && n > max) fail = MRV_INFILE_TOO_LARGE;
    if (fail != MRV_INFILE_OK) {
        free(b);
        return fail;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return MRV_INFILE_OK;
}

mrv_infile_fail mrv_infile_sha256(const char *path, uint64_t max, char hex[65],
                                  int *err)
{
    *err = 0;
    int fd;
    struct stat sb;
    mrv_infile_fail fail = open_checked(path, max, true, &fd, &sb, err);
    if (fail == MRV_INFILE_MISSING) return fail;
    mrv_sha256 c;
    mrv_sha256_init(&c);
    unsigned char buf[65536];
    uint64_t total = 0;
    while (fail == MRV_INFILE_OK) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            *err = errno;
            fail = MRV_INFILE_IO;
        }
        if (k <= 0) break;
        total += (uint64_t)k;
        if (total > max)
            fail = MRV_INFILE_TOO_LARGE;
        else
            mrv_sha256_update(&c, buf, (size_t)k);
    }
    close(fd);
    if (fail != MRV_INFILE_OK) return fail;
    unsigned char dg[32];
    mrv_sha256_final(&c, dg);
    mrv_sha256_to_hex(dg, hex);
    return MRV_INFILE_OK;
}
