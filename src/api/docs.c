/*
 * GET /docs; see docs.h. The page (src/api/docs/index.html) and its initializer are ours, the
 * rest is Swagger UI (third_party/swagger-ui); all are compiled into the binary.
 */
#include "api/docs.h"

#include "http/static.h"
#include "util/err.h"

int api_ops_docs(struct http_req *r)
{
    const struct http_asset *page = http_static_find("/docs");

    if (page == NULL) /* the build embeds it (CMakeLists.txt) */
        return TS_EINTERNAL;
    return http_static_reply(r, page);
}
