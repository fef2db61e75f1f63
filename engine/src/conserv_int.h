/*
** conserv_int.h -- the rules' names, as written in YAML and printed in
** the ledger's files (internal; conserv.c and the ledger).
*/
#ifndef MRV_CONSERV_INT_H
#define MRV_CONSERV_INT_H

/* ORDER RULES: keep in step with mrv_rule in conserv.h. */
extern const char *const mrv__rule_names[]; /* by mrv_rule */

#endif /* MRV_CONSERV_INT_H */
