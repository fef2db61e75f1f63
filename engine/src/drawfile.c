/*
** drawfile.c -- shard files of one project's draws (drawfile.h).
**
** Writing: a temporary file beside the name (PATH.tmp.PID.N), created
** exclusively;
** blocks go to their fixed offsets with pwrite (any order, any thread),
** each block's checksum into its slot of the table; commit writes the
** table and the header, fsyncs and renames.  Reading: the header and
** the table are read and checked once; each block is read with pread
** and checked against its checksum when it is asked for.
**
** Every number on disk is little-endian, written and read byte by byte,
** so a shard moves between machines unchanged.
**
** Owns its descriptor, its paths and the checksum table.
*/
#define _GNU_SOURCE /* pread, pwrite with off_t of 64 bits */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "drawfile.h"
#include "hash.h"
#include "sha256.h"

#define VALUE_BYTES 8

struct mrv_drawfile {
    char *path, *tmp;
    int fd;
    bool keep_open, writing, failed;
    mrv_drawfile_head h;
    uint64_t nblocks;
    uint64_t *sums; /* per block: FNV-1a of its bytes */
};

static void put_u32(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(x >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t x)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(x >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) x |= (uint32_t)p[i] << (8 * i);
    return x;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x |= (uint64_t)p[i] << (8 * i);
    return x;
}

static uint64_t nblocks_of(const mrv_drawfile_head *h)
{
    return (h->draws + h->block - 1) / h->block;
}

static off_t data_start(const mrv_drawfile *f)
{
    return (off_t)(MRV_DRAWFILE_HEADER + 8 * f->nblocks);
}

/* Where block 'blk' starts, and its draws. */
static off_t block_at(const mrv_drawfile *f, uint64_t blk, size_t *n)
{
    uint64_t i0 = blk * f->h.block, left = f->h.draws - i0;
    *n = left < f->h.block ? (size_t)left : f->h.block;
    return data_start(f) + (off_t)(i0 * f->h.nvint * VALUE_BYTES);
}

static void free_file(mrv_drawfile *f)
{
    if (!f) return;
    if (f->fd >= 0) close(f->fd);
    free(f->path);
    free(f->tmp);
    free(f->sums);
    free(f);
}

static mrv_status at_file(mrv_diag *d, const char *path, mrv_status st,
                          const char *what)
{
    mrv_srcpos at = {path, 0, 0};
    return mrv_error(d, at, st, "%s", what);
}

/* Writes all n bytes at 'off'; false on any failure. */
static bool pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
    const unsigned char *p = buf;
    while (n) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return true;
}

/* Reads all n bytes at 'off'; false on a short read or an error. */
static bool pread_all(int fd, void *buf, size_t n, off_t off)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
        off += r;
    }
    return true;
}

/* ---- the header -------------------------------------------------------- */

static void encode_head(const mrv_drawfile *f, unsigned char *b)
{
    const mrv_drawfile_head *h = &f->h;
    memset(b, 0, MRV_DRAWFILE_HEADER);
    memcpy(b, MRV_DRAWFILE_MAGIC, 8);
    put_u32(b + 8, MRV_DRAWFILE_VERSION);
    put_u32(b + 12, MRV_DRAWFILE_HEADER);
    put_u64(b + 16, h->seed);
    put_u64(b + 24, h->draws);
    put_u32(b + 32, (uint32_t)h->first);
    put_u32(b + 36, h->nvint);
    put_u32(b + 40, h->block);
    put_u32(b + 44, VALUE_BYTES);
    put_u64(b + 48, h->keying);
    memcpy(b + 56, h->inputs_sha, 32);
    memcpy(b + 88, h->project, strnlen(h->project, 64));
    memcpy(b + 152, h->engine, strnlen(h->engine, 32));
}

/* The table as bytes and its SHA-256. */
static unsigned char *encode_table(const mrv_drawfile *f, unsigned char sha[32])
{
    unsigned char *t = malloc(8 * f->nblocks + 1);
    if (!t) return NULL;
    for (uint64_t b = 0; b < f->nblocks; b++) put_u64(t + 8 * b, f->sums[b]);
    mrv_sha256 c;
    mrv_sha256_init(&c);
    mrv_sha256_update(&c, t, 8 * f->nblocks);
    mrv_sha256_final(&c, sha);
    return t;
}

/* ---- writing ----------------------------------------------------------- */

mrv_status mrv_drawfile_create(const char *path, const mrv_drawfile_head *h,
                               mrv_drawfile **out, mrv_diag *d)
{
    *out = NULL;
    /* Refused before any draw: a folder at PATH would only fail the
    ** rename at the end of the run. */
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return at_file(d, path, MRV_EREF,
                       "cannot write the shard file: this is a folder; "
                       "name the file (such as FOLDER/PROJECT.mrvd)");
    mrv_drawfile *f = calloc(1, sizeof *f);
    if (!f) return MRV_ENOMEM;
    f->fd = -1;
    f->writing = true;
    f->h = *h;
    f->nblocks = nblocks_of(h);
    f->path = strdup(path);
    size_t n = strlen(path) + 32;
    f->tmp = malloc(n);
    f->sums = calloc(f->nblocks + 1, sizeof *f->sums);
    if (!f->path || !f->tmp || !f->sums) {
        free_file(f);
        return MRV_ENOMEM;
    }
    /* A new name beside PATH, created exclusively and never through a
    ** link; the mode is the usual 0666 less the umask, as for any file
    ** mrv writes (mkstemp would make it private to its owner). */
    for (unsigned k = 0; k < 100 && f->fd < 0; k++) {
        snprintf(f->tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(), k);
        f->fd = open(
            f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (f->fd < 0 && errno != EEXIST) break;
    }
    if (f->fd < 0) {
        /* A folder that is missing, not a folder or not writable is the
        ** user's argument (exit status 2), as for --out. */
        int err = errno;
        bool named = err == ENOENT || err == ENOTDIR || err == EACCES ||
                     err == EROFS || err == ENAMETOOLONG || err == ELOOP;
        char msg[256];
        snprintf(msg, sizeof msg, "cannot create a shard file beside it: %s",
                 strerror(err));
        free(f->tmp);
        f->tmp = NULL;
        free_file(f);
        return at_file(d, path, named ? MRV_EREF : MRV_EIO, msg);
    }
    *out = f;
    return MRV_OK;
}

bool mrv_drawfile_put(mrv_drawfile *f, uint64_t blk, const double *red,
                      size_t stride, size_t n)
{
    size_t nb;
    off_t off = block_at(f, blk, &nb);
    size_t bytes = nb * f->h.nvint * VALUE_BYTES;
    unsigned char *buf = malloc(bytes + 1);
    if (!buf || nb != n) {
        free(buf);
        f->failed = true;
        return false;
    }
    for (size_t v = 0; v < f->h.nvint; v++) {
        for (size_t i = 0; i < n; i++) {
            uint64_t bits;
            memcpy(&bits, &red[v * stride + i], 8);
            put_u64(buf + (v * n + i) * 8, bits);
        }
    }
    f->sums[blk] = mrv__fnv1a(buf, bytes);
    bool ok = pwrite_all(f->fd, buf, bytes, off);
    int err = errno; /* the write's, for the caller's message */
    free(buf);
    if (!ok) f->failed = true;
    errno = err;
    return ok;
}

void mrv_drawfile_abort(mrv_drawfile *f)
{
    if (!f) return;
    if (f->tmp) unlink(f->tmp);
    free_file(f);
}

mrv_status mrv_drawfile_commit(mrv_drawfile *f, mrv_diag *d)
{
    unsigned char head[MRV_DRAWFILE_HEADER];
    encode_head(f, head);
    unsigned char *table = encode_table(f, head + 184);
    if (!table) {
        mrv_drawfile_abort(f);
        return MRV_ENOMEM;
    }
    mrv_sha256 c;
    mrv_sha256_init(&c);
    mrv_sha256_update(&c, head, 216);
    mrv_sha256_final(&c, head + 216);
    bool ok = !f->failed &&
              pwrite_all(f->fd, table, 8 * f->nblocks, MRV_DRAWFILE_HEADER) &&
              pwrite_all(f->fd, head, sizeof head, 0) && fsync(f->fd) == 0;
    free(table);
    int err = errno;
    if (ok && close(f->fd) != 0) {
        ok = false;
        err = errno;
    }
    f->fd = -1;
    if (ok && rename(f->tmp, f->path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot write the shard file: %s",
                 strerror(err));
        mrv_status st = at_file(d, f->path, MRV_EIO, msg);
        mrv_drawfile_abort(f);
        return st;
    }
    free_file(f);
    return MRV_OK;
}

/* ---- reading ----------------------------------------------------------- */

/* Opens the shard without blocking and refuses what is not a regular
** file; -1 with errno set (ENODEV for a FIFO or device). */
static int open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = ENODEV;
        return -1;
    }
    return fd;
}

static mrv_status bad(mrv_diag *d, mrv_drawfile *f, const char *path,
                      const char *what)
{
    free_file(f);
    char msg[300];
    snprintf(msg, sizeof msg, "not a usable mrv shard file: %s", what);
    return at_file(d, path, MRV_ESCHEMA, msg);
}

mrv_status mrv_drawfile_open(const char *path, bool keep_open,
                             mrv_drawfile_head *h, mrv_drawfile **out,
                             mrv_diag *d)
{
    *out = NULL;
    mrv_drawfile *f = calloc(1, sizeof *f);
    if (!f) return MRV_ENOMEM;
    f->keep_open = keep_open;
    f->path = strdup(path);
    if (!f->path) {
        free_file(f);
        return MRV_ENOMEM;
    }
    f->fd = open_regular(path);
    if (f->fd < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot open the shard file: %s",
                 errno == ENODEV ? "not a regular file" : strerror(errno));
        free_file(f);
        return at_file(d, path, MRV_EREF, msg);
    }
    unsigned char b[MRV_DRAWFILE_HEADER], sha[32];
    if (!pread_all(f->fd, b, sizeof b, 0))
        return bad(d, f, path, "shorter than its header");
    if (memcmp(b, MRV_DRAWFILE_MAGIC, 8) != 0)
        return bad(d, f, path, "no MRVDRAWS magic at its start");
    if (get_u32(b + 8) != MRV_DRAWFILE_VERSION)
        return bad(d, f, path, "a format version this mrv does not read");
    mrv_sha256 c;
    mrv_sha256_init(&c);
    mrv_sha256_update(&c, b, 216);
    mrv_sha256_final(&c, sha);
    if (memcmp(sha, b + 216, 32) != 0)
        return bad(d, f, path, "its header does not match its checksum");
    mrv_drawfile_head *fh = &f->h;
    fh->seed = get_u64(b + 16);
    fh->draws = get_u64(b + 24);
    fh->first = (int)get_u32(b + 32);
    fh->nvint = get_u32(b + 36);
    fh->block = get_u32(b + 40);
    fh->keying = get_u64(b + 48);
    memcpy(fh->inputs_sha, b + 56, 32);
    memcpy(fh->project, b + 88, 64);
    fh->project[64] = '\0';
    memcpy(fh->engine, b + 152, 32);
    fh->engine[32] = '\0';
    /* Every size is checked before it sizes an allocation or a read: a
    ** forged header with blocks of one draw would otherwise make the
    ** table as large as the draws. */
    if (get_u32(b + 12) != MRV_DRAWFILE_HEADER || get_u32(b + 44) != 8 ||
        fh->block != MRV_DRAWFILE_BLOCK || fh->draws == 0 ||
        fh->draws > MRV_MAX_DRAWS || fh->nvint == 0 ||
        fh->nvint > MRV_MAX_VINTAGES)
        return bad(d, f, path, "its header holds impossible sizes");
    f->nblocks = nblocks_of(fh);
    struct stat st;
    uint64_t want = (uint64_t)MRV_DRAWFILE_HEADER + 8 * f->nblocks +
                    fh->draws * fh->nvint * VALUE_BYTES;
    if (fstat(f->fd, &st) != 0 || (uint64_t)st.st_size != want)
        return bad(d, f, path,
                   "its size is not what its header says (truncated?)");
    unsigned char *table = malloc(8 * f->nblocks + 1);
    f->sums = malloc((f->nblocks + 1) * sizeof *f->sums);
    if (!table || !f->sums) {
        free(table);
        free_file(f);
        return MRV_ENOMEM;
    }
    bool ok = pread_all(f->fd, table, 8 * f->nblocks, MRV_DRAWFILE_HEADER);
    if (ok) {
        mrv_sha256_init(&c);
        mrv_sha256_update(&c, table, 8 * f->nblocks);
        mrv_sha256_final(&c, sha);
        ok = memcmp(sha, b + 184, 32) == 0;
    }
    for (uint64_t k = 0; ok && k < f->nblocks; k++)
        f->sums[k] = get_u64(table + 8 * k);
    free(table);
    if (!ok)
        return bad(d, f, path,
                   "its block checksums do not match their "
                   "checksum");
    if (!keep_open) {
        close(f->fd);
        f->fd = -1;
    }
    *h = *fh;
    *out = f;
    return MRV_OK;
}

mrv_status mrv_drawfile_get(mrv_drawfile *f, uint64_t blk, double *red,
                            size_t stride, size_t *n, char *why, size_t nwhy)
{
    if (blk >= f->nblocks) return MRV_EINTERNAL;
    size_t nb;
    off_t off = block_at(f, blk, &nb);
    *n = nb;
    size_t bytes = nb * f->h.nvint * VALUE_BYTES;
    unsigned char *buf = malloc(bytes + 1);
    if (!buf) return MRV_ENOMEM;
    int fd = f->fd >= 0 ? f->fd : open_regular(f->path);
    bool ok = fd >= 0 && pread_all(fd, buf, bytes, off);
    if (fd >= 0 && fd != f->fd) close(fd);
    if (!ok) {
        free(buf);
        snprintf(why, nwhy, "cannot read block %llu of the shard file",
                 (unsigned long long)blk);
        return MRV_EIO;
    }
    if (mrv__fnv1a(buf, bytes) != f->sums[blk]) {
        free(buf);
        snprintf(why, nwhy,
                 "not a usable mrv shard file: block %llu does not match its "
                 "checksum",
                 (unsigned long long)blk);
        return MRV_ESCHEMA;
    }
    for (size_t v = 0; v < f->h.nvint; v++) {
        for (size_t i = 0; i < nb; i++) {
            uint64_t bits = get_u64(buf + (v * nb + i) * 8);
            double x;
            memcpy(&x, &bits, 8);
            if (!isfinite(x)) {
                free(buf);
                snprintf(why, nwhy,
                         "not a usable mrv shard file: draw %llu of vintage "
                         "index %zu is not finite",
                         (unsigned long long)(blk * f->h.block + i + 1), v);
                return MRV_ESCHEMA;
            }
            red[v * stride + i] = x;
        }
    }
    free(buf);
    return MRV_OK;
}

const char *mrv_drawfile_path(const mrv_drawfile *f)
{
    return f->path;
}

void mrv_drawfile_close(mrv_drawfile *f)
{
    free_file(f);
}
