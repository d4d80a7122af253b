/* Module fixtures for API tests. */
#ifndef TS_TEST_MODULES_H
#define TS_TEST_MODULES_H

#include "support/accounts.h"

/* Creates a module as `author` from a JSON body; returns its id (asserts 201). */
void ts_module(const struct ts_server *s, const struct ts_user *author, const char *body,
               char id[STR_UUID_SIZE]);

/* Adds a screen to module `mid` from a JSON body; returns its id (asserts 201). */
void ts_screen(const struct ts_server *s, const struct ts_user *author, const char *mid,
               const char *body, char id[STR_UUID_SIZE]);

/* Publishes module `mid` (asserts 200). */
void ts_publish(const struct ts_server *s, const struct ts_user *author, const char *mid);

/* A published linear module with a content screen and a question screen (correct: "b"). */
void ts_linear_module(const struct ts_server *s, const struct ts_user *author,
                      char mid[STR_UUID_SIZE], char question_id[STR_UUID_SIZE]);

/* JSON bodies of screens. */
#define TS_CONTENT_SCREEN                                                                          \
    "{\"type\":\"content\",\"title\":\"Intro\",\"content\":{\"body\":\"Hello\"}}"
#define TS_QUESTION_SCREEN                                                                         \
    "{\"type\":\"question\",\"title\":\"Q\",\"content\":{\"kind\":\"single\",\"prompt\":\"Pick\"," \
    "\"options\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}],"                   \
    "\"correct_option_ids\":[\"b\"],\"explanation\":\"B is right.\"}}"

#endif
