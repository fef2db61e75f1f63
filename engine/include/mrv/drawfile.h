/*
** drawfile.h -- shard files: one project's reductions on every draw,
** written by 'mrv run --portfolio P --draws-out FILE' and combined by
** 'mrv portfolio P --draws-from DIR' (docs/portfolio.md, "Beyond one
** machine").
**
** The format (version 1), all integers and doubles little-endian:
**
**   offset  bytes  field
**        0      8  magic "MRVDRAWS"
**        8      4  version (1)
**       12      4  header bytes (256)
**       16      8  seed
**       24      8  draws
**       32      4  first vintage (signed)
**       36      4  vintages
**       40      4  draws per block (512)
**       44      4  bytes per value (8: IEEE 754 binary64)
**       48      8  keying: a hash of the project's stream ids
**       56     32  SHA-256 over the project's input files' SHA-256s
**       88     64  project id, NUL-padded
**      152     32  engine version, NUL-padded
**      184     32  SHA-256 of the block checksum table
**      216     32  SHA-256 of bytes 0..215 (the header's checksum)
**      248      8  zero
**      256  8 x B  block checksum table: FNV-1a (64 bits) of each block's
**                  bytes, B = ceil(draws / 512) blocks
**   256 + 8B       the blocks in order; block b holds its n draws
**                  (512, fewer in the last block) of every vintage in
**                  turn: vintage 0's n values, then vintage 1's, ...
**
** A value is the draw's reductions (net removals) of that vintage in the
** unit vintages.csv reports them, frac applied: the exact double the
** single-machine portfolio draws, so combining shards gives the same
** bytes.  A file is written beside its name and renamed into place once
** complete, so a reader never sees half of one.
**
** Reading checks the magic, the version, the header checksum, the table
** checksum and the size before any block is used, and each block against
** its checksum (and every value for being finite) when it is read: a
** damaged or truncated shard is an error at its name, never numbers.
*/
#ifndef MRV_DRAWFILE_H
#define MRV_DRAWFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define MRV_DRAWFILE_MAGIC   "MRVDRAWS"
#define MRV_DRAWFILE_VERSION 1
#define MRV_DRAWFILE_HEADER  256
/* Draws per block: the Monte Carlo's block (MRV_MC_BLOCK), fixed by the
** format so that a header cannot ask for a table of one entry a draw. */
#define MRV_DRAWFILE_BLOCK 512

/* What a shard says it holds; the combining run compares every field
** with its own. */
typedef struct mrv_drawfile_head {
    uint64_t seed, draws;
    int first;
    uint32_t nvint;
    uint32_t block;
    uint64_t keying;
    unsigned char inputs_sha[32];
    char project[65];
    char engine[33];
} mrv_drawfile_head;

typedef struct mrv_drawfile mrv_drawfile;

/* Starts writing 'path': a new file beside it (PATH.tmp.PID.N) that
** only mrv_drawfile_commit puts in place.  Errors, at "PATH: error:
** ...": PATH is a folder, or its folder is missing or not writable
** (MRV_EREF, bad input); any other failure to create the file (MRV_EIO);
** MRV_ENOMEM. */
mrv_status mrv_drawfile_create(const char *path, const mrv_drawfile_head *h,
                               mrv_drawfile **out, mrv_diag *diag);
/* Writes block 'blk' (n draws): red[v * stride + i] for vintage v and
** draw i.  Blocks may come in any order, from several threads at once.
** Returns false, with errno set, when the write fails (the caller
** reports it; commit then fails too). */
bool mrv_drawfile_put(mrv_drawfile *f, uint64_t blk, const double *red,
                      size_t stride, size_t n);
/* Writes the checksums and the header, flushes the file to disk and
** renames it into place; frees 'f'.  On failure (MRV_EIO) nothing is
** left at PATH or beside it. */
mrv_status mrv_drawfile_commit(mrv_drawfile *f, mrv_diag *diag);
/* Removes the unfinished file and frees 'f'; accepts NULL. */
void mrv_drawfile_abort(mrv_drawfile *f);

/* Opens the shard at 'path', checks its format (magic, version, header
** and table checksums, size) and reads its header into *h.  With
** 'keep_open' false the file is opened again for every block read, so
** that thousands of shards need no more descriptors than one.  Errors
** are bad input (MRV_ESCHEMA, MRV_EREF) at "PATH: error: ...". */
mrv_status mrv_drawfile_open(const char *path, bool keep_open,
                             mrv_drawfile_head *h, mrv_drawfile **out,
                             mrv_diag *diag);
/* Reads block 'blk' into red[v * stride + i], checked against its
** checksum, every value finite; sets *n to its draws.  Safe on several
** threads at once (distinct buffers), so it records nothing: on failure
** it writes why into why[0..nwhy) and returns MRV_EIO (a failing read)
** or MRV_ESCHEMA (a damaged file), for the caller to report at the
** file's name. */
mrv_status mrv_drawfile_get(mrv_drawfile *f, uint64_t blk, double *red,
                            size_t stride, size_t *n, char *why, size_t nwhy);
/* The path the shard was opened or created with. */
const char *mrv_drawfile_path(const mrv_drawfile *f);
void mrv_drawfile_close(mrv_drawfile *f);

#endif /* MRV_DRAWFILE_H */
