/*
** aef.c -- AEF Tables 3 and 4 from the portfolio's ledgers (aef.h).
**
** Blocks first: one per project and vintage whose buyer column is not
** empty, numbered per cooperative approach.  Then the actions of every
** block and the holdings of every Party at each 31 December, each
** sorted into submission order (Party, reported year, then date, ITMO
** serial) and written through the one CSV writer.  Every value is a
** code, an identifier, a year or a whole number of tonnes: nothing here
** needs quoting, and nothing is computed that the ledgers do not hold.
**
** Owns its block and row arrays for the duration of a call.
*/
#include <stdlib.h>
#include <string.h>

#include "aef.h"
#include "output.h"

const char *const mrv_aef_action_fields[MRV_AEF_NACTIONS] = {
    "Action date",
    "Action type",
    "Action subtype",
    "Cooperative approach ID",
    "Authorization ID",
    "First transferring participating Party ID",
    "Party ITMO registry ID",
    "First ID",
    "Last ID",
    "Underlying unit registry ID",
    "First unit ID",
    "Last unit ID",
    "Metric",
    "Applicable GWP value(s)",
    "Applicable non-GHG metric",
    "Quantity (t CO2 eq)",
    "Quantity (in non-GHG metric)",
    "Mitigation type",
    "Vintage",
    "Transferring participating Party ID",
    "Acquiring participating Party ID",
    "Purpose for which the ITMO has been used towards or cancelled for OIMP",
    "Using/cancelling participating Party ID",
    "Using/cancelling authorized entity ID",
    "Calendar year for which the ITMOs are used towards the Party's NDC",
    "Result of the consistency checks",
    "Additional explanatory information"};

const char *const mrv_aef_holding_fields[MRV_AEF_NHOLDINGS] = {
    "Cooperative approach ID",
    "Authorization ID",
    "First transferring participating Party ID",
    "Party ITMO registry ID",
    "First ID",
    "Last ID",
    "Underlying unit registry ID",
    "First unit ID",
    "Last unit ID",
    "Metric",
    "Applicable GWP value(s)",
    "Applicable non-GHG metric",
    "Quantity (t CO2 eq)",
    "Quantity (in non-GHG metric)",
    "Mitigation type",
    "Vintage"};

/* One block of ITMOs: a project's buyer units of one vintage. */
typedef struct block {
    size_t project, approach;
    int vintage;
    int64_t qty, serial; /* serials serial .. serial + qty - 1 */
    int64_t unit_first;  /* the project's own serials of the units */
    int y_auth;          /* 0: no separate authorization */
    int y_ft, y_acq, y_use;
} block;

/* Party codes, registries and the rest of what a row needs. */
static const char *registry_of(const mrv_portfolio *pf, const char *party)
{
    for (size_t i = 0; i < pf->nregistries; i++)
        if (strcmp(pf->registries[i].party, party) == 0)
            return pf->registries[i].id;
    return "NA";
}

static size_t approach_of(const mrv_portfolio *pf, const mrv_pf_project *P)
{
    for (size_t a = 0; a < pf->napproaches; a++)
        if (strcmp(pf->approaches[a].host, P->host) == 0 &&
            strcmp(pf->approaches[a].buyer, P->buyer) == 0)
            return a;
    return 0; /* the run checked that every pair has one */
}

static int cmp_block(const void *x, const void *y)
{
    const block *a = x, *b = y;
    if (a->approach != b->approach) return a->approach < b->approach ? -1 : 1;
    if (a->vintage != b->vintage) return a->vintage < b->vintage ? -1 : 1;
    return a->project < b->project ? -1 : a->project > b->project;
}

/* Every block, numbered; NULL when out of memory (*n 0 and no blocks is
** not an error: the caller checks *n). */
static block *make_blocks(const mrv_pf_run *r, size_t *n)
{
    size_t cap = 0;
    for (size_t i = 0; i < r->nprojects; i++)
        cap += r->projects[i].run->bound->nvint;
    block *b = malloc((cap + 1) * sizeof *b);
    *n = 0;
    if (!b) return NULL;
    const mrv_portfolio *pf = r->pf;
    for (size_t i = 0; i < r->nprojects; i++) {
        const mrv_pf_project *P = &r->projects[i];
        const mrv_ledger *l = P->run->ledger;
        const mrv_allocation *al = P->al;
        size_t nc = MRV_LEDGER_NCOLS(&l->agr);
        for (size_t v = 0; v < l->nvint; v++) {
            int64_t q = l->cells[v * nc + l->agr.nded + 1];
            if (q <= 0) continue;
            block *k = &b[(*n)++];
            memset(k, 0, sizeof *k);
            k->project = i;
            k->approach = approach_of(pf, P);
            k->vintage = l->first + (int)v;
            k->qty = q;
            /* The buyer's units are the last of the vintage's serials. */
            k->unit_first = l->issued[v] - q + 1;
            k->y_ft = al->years[al->ft][v];
            k->y_use = al->years[MRV_EV_USE][v];
            int acq = al->years[MRV_EV_TRANSFER] ? al->years[MRV_EV_TRANSFER][v]
                                                 : k->y_ft;
            k->y_acq = acq > k->y_ft ? acq : k->y_ft;
            if (al->ft != MRV_EV_AUTHORIZATION &&
                al->years[MRV_EV_AUTHORIZATION] &&
                al->years[MRV_EV_AUTHORIZATION][v] <= k->y_ft)
                k->y_auth = al->years[MRV_EV_AUTHORIZATION][v];
        }
    }
    qsort(b, *n, sizeof *b, cmp_block);
    int64_t next = 1;
    for (size_t j = 0; j < *n; j++) {
        if (j && b[j].approach != b[j - 1].approach) next = 1;
        b[j].serial = next;
        next += b[j].qty;
    }
    return b;
}

/* ---- rows -------------------------------------------------------------- */

enum { A_AUTH, A_FIRST, A_ACQ, A_USE }; /* in the order they happen */
static const char *const action_names[] = {"Authorization", "First transfer",
                                           "Acquisition", "Use"};

typedef struct row {
    const char *party; /* the reporting Party */
    int year;
    int action;
    const block *b;
} row;

static int cmp_row(const void *x, const void *y)
{
    const row *a = x, *b = y;
    int c = strcmp(a->party, b->party);
    if (c) return c;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    if (a->b->approach != b->b->approach)
        return a->b->approach < b->b->approach ? -1 : 1;
    if (a->b->serial != b->b->serial)
        return a->b->serial < b->b->serial ? -1 : 1;
    return a->action < b->action ? -1 : a->action > b->action;
}

static void itmo_id(const mrv_pf_run *r, const block *b, int64_t serial,
                    char *buf, size_t n)
{
    const mrv_pf_approach *ap = &r->pf->approaches[b->approach];
    snprintf(buf, n, "%s-%s-%s-%lld-%d", ap->id, registry_of(r->pf, ap->host),
             ap->host, (long long)serial, b->vintage);
}

static const char *mitigation(const mrv_pf_project *P)
{
    return P->run->bound->meth->removals ? "Removals" : "Emission reductions";
}

/* The fields both tables share, from Cooperative approach ID to Last
** unit ID, with 'registry' the holding or reporting Party's. */
static void ids(mrv_csv *c, const mrv_pf_run *r, const block *b,
                const char *registry)
{
    const mrv_pf_project *P = &r->projects[b->project];
    char first[128], last[128];
    itmo_id(r, b, b->serial, first, sizeof first);
    itmo_id(r, b, b->serial + b->qty - 1, last, sizeof last);
    mrv_csv_text(c, r->pf->approaches[b->approach].id);
    mrv_csv_text(c, P->entry->authorization);
    mrv_csv_text(c, P->host);
    mrv_csv_text(c, registry);
    mrv_csv_text(c, first);
    mrv_csv_text(c, last);
    mrv_csv_text(c, "NA"); /* no underlying cooperative approach registry */
    mrv_csv_text(c, "NA");
    mrv_csv_text(c, "NA");
}

static void metric_fields(mrv_csv *c, const mrv_pf_run *r, const block *b)
{
    mrv_csv_text(c, "GHG");
    mrv_csv_text(c, r->pf->gwp);
    mrv_csv_text(c, "NA");
    mrv_csv_int(c, (long long)b->qty);
    mrv_csv_text(c, "NA");
    mrv_csv_text(c, mitigation(&r->projects[b->project]));
    mrv_csv_int(c, b->vintage);
}

static const char *first_transfer_subtype(mrv_ftdef ft)
{
    switch (ft) {
    case MRV_EV_AUTHORIZATION:
        return "Authorization";
    case MRV_EV_ISSUANCE:
        return "Issuance";
    case MRV_EV_USE:
        return "Use or cancellation";
    case MRV_EV_TRANSFER:
    case MRV_NEVENTS:
        break;
    }
    return "First transfer to another Party";
}

static void action_row(mrv_csv *c, const mrv_pf_run *r, const row *w)
{
    const block *b = w->b;
    const mrv_pf_project *P = &r->projects[b->project];
    char date[32], info[256];
    snprintf(date, sizeof date, "%04d-12-31T00:00:00.000Z", w->year);
    mrv_csv_text(c, w->party);
    mrv_csv_int(c, w->year);
    mrv_csv_text(c, date);
    mrv_csv_text(c, action_names[w->action]);
    mrv_csv_text(c, w->action == A_FIRST ? first_transfer_subtype(P->al->ft)
                                         : "NA");
    ids(c, r, b, registry_of(r->pf, w->party));
    metric_fields(c, r, b);
    mrv_csv_text(c, w->action == A_ACQ ? P->host : "NA");
    mrv_csv_text(c, w->action == A_FIRST ? P->buyer : "NA");
    bool use_like = w->action == A_FIRST || w->action == A_USE;
    mrv_csv_text(c, use_like ? "NDC" : "NA");
    mrv_csv_text(c, use_like ? P->buyer : "NA");
    mrv_csv_text(c, "NA");
    if (w->action == A_USE)
        mrv_csv_int(c, w->year);
    else
        mrv_csv_text(c, "NA");
    mrv_csv_text(c, NULL); /* populated by the CARP */
    snprintf(info, sizeof info, "project %s; units %s-%s-%d-%lld-%lld", P->id,
             P->host, P->id, b->vintage, (long long)b->unit_first,
             (long long)(b->unit_first + b->qty - 1));
    mrv_csv_text(c, info);
    mrv_csv_end(c);
}

static void header(mrv_csv *c, const char *const *fields, size_t n)
{
    mrv_csv_raw(c, "Party,Reported year");
    for (size_t i = 0; i < n; i++) mrv_csv_text(c, fields[i]);
    mrv_csv_end(c);
}

bool mrv_aef_actions_csv(const mrv_pf_run *r, FILE *f)
{
    size_t nb;
    block *b = make_blocks(r, &nb);
    row *w = malloc((4 * nb + 1) * sizeof *w);
    if (!b || !w) {
        free(b);
        free(w);
        return false;
    }
    size_t n = 0;
    for (size_t j = 0; j < nb; j++) {
        const mrv_pf_project *P = &r->projects[b[j].project];
        if (b[j].y_auth) w[n++] = (row){P->host, b[j].y_auth, A_AUTH, &b[j]};
        w[n++] = (row){P->host, b[j].y_ft, A_FIRST, &b[j]};
        w[n++] = (row){P->buyer, b[j].y_acq, A_ACQ, &b[j]};
        w[n++] = (row){P->buyer, b[j].y_use, A_USE, &b[j]};
    }
    qsort(w, n, sizeof *w, cmp_row);
    mrv_csv c;
    mrv_csv_begin(&c, f);
    header(&c, mrv_aef_action_fields, MRV_AEF_NACTIONS);
    for (size_t i = 0; i < n; i++) action_row(&c, r, &w[i]);
    free(w);
    free(b);
    return !ferror(f);
}

/* ---- holdings ---------------------------------------------------------- */

/* Who holds block b at 31 December of 'year': its host from its
** authorization (or first transfer) until it is acquired, its buyer from
** then until it is used; NULL when no one (not yet an ITMO, or used). */
static const char *holder(const mrv_pf_run *r, const block *b, int year)
{
    const mrv_pf_project *P = &r->projects[b->project];
    int from = b->y_auth ? b->y_auth : b->y_ft;
    if (year >= from && year < b->y_acq) return P->host;
    if (year >= b->y_acq && year < b->y_use) return P->buyer;
    return NULL;
}

bool mrv_aef_holdings_csv(const mrv_pf_run *r, FILE *f)
{
    size_t nb;
    block *b = make_blocks(r, &nb);
    if (!b) return false;
    int lo = MRV_YEAR_MAX, hi = MRV_YEAR_MIN;
    for (size_t j = 0; j < nb; j++) {
        int from = b[j].y_auth ? b[j].y_auth : b[j].y_ft;
        if (from < lo) lo = from;
        if (b[j].y_use > hi) hi = b[j].y_use;
    }
    row *w =
        malloc((nb * (size_t)(hi >= lo ? hi - lo + 1 : 0) + 1) * sizeof *w);
    if (!w) {
        free(b);
        return false;
    }
    size_t n = 0;
    for (int y = lo; y <= hi; y++) {
        for (size_t j = 0; j < nb; j++) {
            const char *h = holder(r, &b[j], y);
            if (h) w[n++] = (row){h, y, 0, &b[j]};
        }
    }
    qsort(w, n, sizeof *w, cmp_row);
    mrv_csv c;
    mrv_csv_begin(&c, f);
    header(&c, mrv_aef_holding_fields, MRV_AEF_NHOLDINGS);
    for (size_t i = 0; i < n; i++) {
        mrv_csv_text(&c, w[i].party);
        mrv_csv_int(&c, w[i].year);
        ids(&c, r, w[i].b, registry_of(r->pf, w[i].party));
        metric_fields(&c, r, w[i].b);
        mrv_csv_end(&c);
    }
    free(w);
    free(b);
    return !ferror(f);
}
