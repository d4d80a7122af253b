/* Error code table lookups; see err.h. */
#include "util/err.h"

const char *ts_strerror(int rc)
{
    switch (rc) {
#define XX(name, status, detail)                                                                   \
    case TS_##name:                                                                                \
        return detail;
        TS_ERR_MAP(XX)
#undef XX
    default:
        return "Internal Server Error";
    }
}

int ts_err_status(int rc)
{
    switch (rc) {
#define XX(name, status, detail)                                                                   \
    case TS_##name:                                                                                \
        return status;
        TS_ERR_MAP(XX)
#undef XX
    default:
        return 500;
    }
}

const char *ts_err_name(int rc)
{
    switch (rc) {
#define XX(name, status, detail)                                                                   \
    case TS_##name:                                                                                \
        return #name;
        TS_ERR_MAP(XX)
#undef XX
    default:
        return "EUNKNOWN";
    }
}
