/*
** infile.h -- which files mrv may read, and reading them whole.
**
** Files that other files name (a project's 'methodology:' and
** 'factors:' paths, the inputs a report.json records) are as hostile as
** the files that name them.  Two rules keep them in bounds:
**
**   - mrv_infile_below: a path written in a file is used only when it
**     stays below the folder it is relative to: not absolute, no '..'
**     component, and, with every symbolic link resolved, still inside;
**   - mrv_infile_read: reading never blocks on open (O_NONBLOCK, so a
**     FIFO without a writer cannot hang mrv), refuses a folder and, when
**     asked, anything but a regular file (a FIFO, /dev/zero, a socket)
**     before reading a byte, and reads at most a given size.
**
** Neither keeps any state; buffers returned are malloc'd.
*/
#ifndef MRV_INFILE_H
#define MRV_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether 'rel', a path written relative to folder 'dir', names
** something below 'dir'.  False, with a reason in *why ("is absolute",
** ...), when it is absolute, has a '..' component, or resolves (through
** symbolic links) to a place outside 'dir'.  A path that does not exist
** (yet) is judged by its text alone: reading it will fail anyway.  False
** with *why NULL when the check itself runs out of memory. */
bool mrv_infile_below(const char *dir, const char *rel, const char **why);

/* Whether 'path' (as the current folder sees it) resolves to folder
** 'dir' itself or a place inside it (both resolved).  False when either
** does not exist. */
bool mrv_infile_inside(const char *dir, const char *path);

typedef enum mrv_infile_fail {
    MRV_INFILE_OK,
    MRV_INFILE_MISSING,     /* cannot be opened: err says why */
    MRV_INFILE_FOLDER,      /* a folder */
    MRV_INFILE_NOT_REGULAR, /* a FIFO, device or socket, refused */
    MRV_INFILE_TOO_LARGE,   /* more than the limit */
    MRV_INFILE_IO,          /* a failing read: err says why */
    MRV_INFILE_NOMEM
} mrv_infile_fail;

/* Reads the file at 'path' whole into *buf (malloc'd, NUL-terminated;
** *len bytes before the NUL).  At most 'max' bytes: more is
** MRV_INFILE_TOO_LARGE, found without reading past max + 1.  With
** 'regular_only', anything but a regular file is refused; otherwise a
** pipe or device is read (blocking) up to the limit.  On failure *buf is
** NULL and *err the errno behind it (0 when none). */
mrv_infile_fail mrv_infile_read(const char *path, size_t max, bool regular_only,
                                char **buf, size_t *len, int *err);

/* The SHA-256 of the regular file at 'path' as 64 lowercase hex digits,
** read as a stream (memory does not grow with the file) and refused past
** 'max' bytes: what mrv_infile_read would refuse, for the same reasons. */
mrv_infile_fail mrv_infile_sha256(const char *path, uint64_t max, char hex[65],
                                  int *err);

#ifdef __cplusplus
}
#endif

#endif /* MRV_INFILE_H */
