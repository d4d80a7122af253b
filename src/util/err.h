/*
 * TrainSmart error codes.
 *
 * Functions return 0 on success or a negative TS_E* code. One X-macro table gives each code its
 * HTTP status and the `detail` text of the spec (API.md §1.3); http/ turns a code into a
 * response, everything below it only returns codes.
 */
#ifndef TS_UTIL_ERR_H
#define TS_UTIL_ERR_H

#define TS_ERR_MAP(XX)                                                                             \
    XX(EINVAL, 422, "Unprocessable Entity")                                                        \
    XX(EBADJSON, 400, "Malformed JSON")                                                            \
    XX(EUNAUTH, 401, "Not authenticated")                                                          \
    XX(EBADTOKEN, 401, "Could not validate credentials")                                           \
    XX(EFORBIDDEN, 403, "Forbidden")                                                               \
    XX(ENOTFOUND, 404, "Not Found")                                                                \
    XX(EMETHOD, 405, "Method Not Allowed")                                                         \
    XX(ECONFLICT, 409, "Conflict")                                                                 \
    XX(ETOOBIG, 413, "Request Entity Too Large")                                                   \
    XX(EMEDIA, 415, "Unsupported Media Type")                                                      \
    XX(ERATE, 429, "Too Many Requests")                                                            \
    XX(EDB, 500, "Internal Server Error")                                                          \
    XX(EINTERNAL, 500, "Internal Server Error")                                                    \
    XX(EUNAVAIL, 503, "Service Unavailable")

enum ts_err {
    TS_OK = 0,
#define XX(name, status, detail) TS_##name,
    TS_ERR_FIRST_ = -100,
    TS_ERR_MAP(XX)
#undef XX
};

/* The spec's `detail` text for code `rc` (static string). */
const char *ts_strerror(int rc);

/* The HTTP status for code `rc`; 500 for unknown codes. */
int ts_err_status(int rc);

/* The code's symbolic name ("ENOTFOUND"), for logs. */
const char *ts_err_name(int rc);

#endif
