/* What every entity enum shares: reading a spec spelling back into its value. */
#ifndef TS_MODEL_MODEL_H
#define TS_MODEL_MODEL_H

/* Index of `s` in a NULL-terminated names table (e.g. flow_type_names), or -1 when `s` is NULL
 * or not in it. */
int model_enum_parse(const char *const *names, const char *s);

#endif
