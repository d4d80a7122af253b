/* GET /docs (API.md §14): the interactive documentation page. */
#ifndef TS_API_DOCS_H
#define TS_API_DOCS_H

#include "http/http.h"

/* The Swagger UI page that renders /openapi.json; its files are served under /docs/ by
 * http/static.c, all from the binary. */
int api_ops_docs(struct http_req *r);

#endif
