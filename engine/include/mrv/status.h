/*
** status.h -- status codes shared by every mrv module.
**
** Anything that can fail returns an mrv_status; outputs go through pointer
** parameters and the diagnostics sink (diag.h) is the last argument.
*/
#ifndef MRV_STATUS_H
#define MRV_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mrv_status {
    MRV_OK = 0,
    MRV_ENOMEM,   /* allocation failed (sticky in the arena) */
    MRV_EIO,      /* a file could not be read or written */
    MRV_ESYNTAX,  /* YAML, formula or unit syntax */
    MRV_ESCHEMA,  /* a key, type or value the schema does not allow */
    MRV_EREF,     /* an unknown or unresolvable name, file or year */
    MRV_EDOMAIN,  /* a value outside its domain, including non-finite */
    MRV_EINTERNAL /* a broken internal invariant: a bug in mrv */
} mrv_status;

/* "MRV_OK", "MRV_ENOMEM", ...; "MRV_?" for values outside the enum. */
const char *mrv_status_name(mrv_status st);

/* Process exit status for a run that ended with 'st': 0 ok, 2 bad input,
** 1 internal or system failure (out of memory, I/O, bug). */
int mrv_status_exit_code(mrv_status st);

#if defined(__GNUC__)
#define MRV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MRV_PRINTF(f, a)
#endif

#ifdef __cplusplus
}
#endif

#endif /* MRV_STATUS_H */
