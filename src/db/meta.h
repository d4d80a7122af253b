/* Deployment-wide values kept in app_meta (migration 0001), shared by every instance. */
#ifndef TS_DB_META_H
#define TS_DB_META_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/*
 * The 32-byte secret named `name`, created with fresh random bytes by whichever instance asks
 * first (INSERT ... ON CONFLICT DO NOTHING, then read back), so every instance agrees on it.
 */
int meta_secret(struct db_conn *c, const char *name, uint8_t out[32]);

#endif
