/* Deployment-wide values kept in app_meta (migration 0001), shared by every instance. */
#ifndef TS_DB_META_H
#define TS_DB_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/*
 * The 32-byte secret named `name`, created with fresh random bytes by whichever instance asks
 * first (INSERT ... ON CONFLICT DO NOTHING, then read back), so every instance agrees on it.
 */
int db_meta_secret(struct db_conn *c, const char *name, uint8_t out[32]);

/*
 * Records `key` = `value` unless the key is already there; *inserted tells which. Within a
 * transaction this is a once-only claim that concurrent claimants of the same key settle by
 * the primary key (e.g. "demo_seeded"). 0 or a TS_E* code.
 */
int db_meta_insert_once(struct db_conn *c, const char *key, const char *value, bool *inserted);

#endif
