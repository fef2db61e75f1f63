/*
** aef.h -- the portfolio's ITMOs in the Agreed Electronic Format:
** Table 3 (Actions) and Table 4 (Holdings) (docs/portfolio.md, "AEF").
**
** Written from the projects' reported ledgers (the central case) when
** the portfolio file has an 'aef' section.  Every buyer block of every
** vintage is a block of ITMOs with unique identifiers
**
**     CAnnnn-PPPnn-PPP-<serial>-<vintage>
**
** (cooperative approach, the first transferring Party's ITMO registry,
** the first transferring Party, a serial, the vintage), serials counted
** from 1 per cooperative approach in vintage order, then portfolio
** order.  Each block gives these actions, each in the year the agreement
** gives it (dated 31 December of that year, the only date mrv knows):
**
**   Authorization   host   when 'years' gives an authorization year and
**                          the first transfer is another event
**   First transfer  host   in the first-transfer year, to the buyer
**   Acquisition     buyer  in the transfer year (not before the first
**                          transfer)
**   Use             buyer  in the year of use, towards its NDC
**
** and holdings at 31 December of every reported year: the host holds a
** block from its authorization (or first transfer) until it is
** acquired, the buyer from its acquisition until it is used.
**
** Both files start with two columns naming the submission, 'Party' and
** 'Reported year' (Table 1's keys), then the table's fields with the
** labels and in the order of the CMA.6 format as public implementations
** transcribe it (Table 3: 27 fields, Table 4: 16).
*/
#ifndef MRV_AEF_H
#define MRV_AEF_H

#include <stdbool.h>
#include <stdio.h>

#include "portfolio_run.h"

#define MRV_AEF_NACTIONS  27
#define MRV_AEF_NHOLDINGS 16
extern const char *const mrv_aef_action_fields[MRV_AEF_NACTIONS];
extern const char *const mrv_aef_holding_fields[MRV_AEF_NHOLDINGS];

/* Writers; false on a stream error or when out of memory.  Only for a
** run whose portfolio has an 'aef' section (checked by the run). */
bool mrv_aef_actions_csv(const mrv_pf_run *r, FILE *f);
bool mrv_aef_holdings_csv(const mrv_pf_run *r, FILE *f);

#endif /* MRV_AEF_H */
