/*
** agreement_int.h -- the agreement's words, as written in YAML and
** printed in the ledger's files (internal; agreement.c and the ledger).
*/
#ifndef MRV_AGREEMENT_INT_H
#define MRV_AGREEMENT_INT_H

/* Each is indexed by its enum (agreement.h, decimal.h): keep them in
** step.  ORDER EVENTS. */
extern const char *const mrv__basis_names[];    /* by mrv_basis */
extern const char *const mrv__rounding_names[]; /* by mrv_rounding */
extern const char *const mrv__dbase_names[];    /* by mrv_dbase */
extern const char *const mrv__event_names[];    /* by mrv_ftdef */

#endif /* MRV_AGREEMENT_INT_H */
