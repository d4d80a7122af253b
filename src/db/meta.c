/* app_meta access; see meta.h. */
#include "db/meta.h"

#include <sodium.h>
#include <string.h>

#include "util/err.h"
#include "util/log.h"

int db_meta_secret(struct db_conn *c, const char *name, uint8_t out[32])
{
    uint8_t fresh[32];
    char hex[65];
    struct db_res *r = NULL;
    int rc;

    randombytes_buf(fresh, sizeof(fresh));
    sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
    rc = db_query(c,
                  "INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                  DB_PARAMS(DB_P_TEXT(name), DB_P_TEXT(hex)), NULL);
    if (rc == 0)
        rc = db_query(c, "SELECT value FROM app_meta WHERE key = $1", DB_PARAMS(DB_P_TEXT(name)),
                      &r);
    if (rc == 0) {
        size_t len = 0;
        if (r->nrows != 1 || sodium_hex2bin(out, 32, db_text(r, 0, 0), 64, NULL, &len, NULL) != 0 ||
            len != 32) {
            log_msg(LOG_ERROR, "db", "app_meta secret %s is malformed", name);
            rc = TS_EDB;
        }
    }
    db_res_free(r);
    sodium_memzero(fresh, sizeof(fresh));
    return rc;
}

int db_meta_insert_once(struct db_conn *c, const char *key, const char *value, bool *inserted)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "INSERT INTO app_meta (key, value) VALUES ($1, $2) "
                      "ON CONFLICT (key) DO NOTHING",
                      DB_PARAMS(DB_P_TEXT(key), DB_P_TEXT(value)), &r);

    *inserted = rc == 0 && r->affected == 1;
    db_res_free(r);
    return rc;
}
