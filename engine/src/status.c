/*
** status.c -- names and exit codes of mrv_status values.
*/
#include "status.h"

const char *mrv_status_name(mrv_status st)
{
    switch (st) { /* ORDER STATUS: see status.h */
    case MRV_OK:
        return "MRV_OK";
    case MRV_ENOMEM:
        return "MRV_ENOMEM";
    case MRV_EIO:
        return "MRV_EIO";
    case MRV_ESYNTAX:
        return "MRV_ESYNTAX";
    case MRV_ESCHEMA:
        return "MRV_ESCHEMA";
    case MRV_EREF:
        return "MRV_EREF";
    case MRV_EDOMAIN:
        return "MRV_EDOMAIN";
    case MRV_EINTERNAL:
        return "MRV_EINTERNAL";
    }
    return "MRV_?";
}

int mrv_status_exit_code(mrv_status st)
{
    switch (st) {
    case MRV_OK:
        return 0;
    case MRV_ESYNTAX:
    case MRV_ESCHEMA:
    case MRV_EREF:
    case MRV_EDOMAIN:
        return 2;
    case MRV_ENOMEM:
    case MRV_EIO:
    case MRV_EINTERNAL:
        return 1;
    }
    return 1;
}
