/*
 * `trainsmart create-admin --email EMAIL [--display-name NAME] [--timezone TZ]` (API.md §15).
 *
 * The password comes from TRAINSMART_ADMIN_PASSWORD when set and non-empty, else from the first
 * line of stdin (read without echo when stdin is a terminal). Input is validated as
 * registration validates it; invalid input exits 1, a malformed command line exits 2.
 */
#include "cli_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "db/migrate.h"
#include "db/users.h"
#include "domain/accounts.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"
#include "util/tz.h"

#define PASSWORD_MAX 1024

/* Reads the first line of stdin into buf without the newline; no echo on a terminal. */
static int read_password(char *buf, size_t size)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;

    if (tty) {
        fputs("Password: ", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)size, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (got == NULL)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/*
 * Creates an active admin, or makes the existing user of that email an active admin with the
 * new password and no tokens (*created false), in one write transaction. The password is hashed
 * before the transaction starts, so no lock is held during argon2id.
 */
static int create_or_promote(struct db_conn *c, struct arena *a, const struct account_new *in,
                             struct user *u, bool *created)
{
    char hash[CRYPTO_PWHASH_LEN];
    int rc = crypto_password_hash(in->password, hash);

    if (rc == 0)
        rc = db_begin_write(c);
    if (rc < 0)
        return rc;
    int64_t now = time_now_ms();
    rc = db_users_get_by_email(c, a, in->email, u, NULL);
    *created = rc == TS_ENOTFOUND;
    if (*created) {
        accounts_new_user(in, ROLE_ADMIN, now, u);
        rc = db_users_insert(c, u, hash);
    } else if (rc == 0) {
        u->role = ROLE_ADMIN;
        u->active = true;
        u->updated_at = now;
        rc = db_users_update(c, u);
        if (rc == 0)
            rc = db_users_set_password(c, u->id, hash, now);
        /* A new password ends every session of the old one (docs/SECURITY.md, API2): tokens
         * issued before it are revoked; open streams notice at their next heartbeat. */
        if (rc == 0)
            rc = db_tokens_delete_for_user(c, u->id);
    }
    if (rc == 0)
        return db_commit(c);
    db_rollback(c);
    return rc;
}

/* The register rules; prints the first failure. */
static bool input_is_valid(const struct account_new *in)
{
    size_t pw = str_utf8_length(in->password), name = str_utf8_length(in->display_name);

    if (!accounts_email_is_valid(in->email))
        fprintf(stderr, "trainsmart: invalid email address\n");
    else if (pw < 8 || pw > 128)
        fprintf(stderr, "trainsmart: the password must have 8 to 128 characters\n");
    else if (name < 1 || name > 100)
        fprintf(stderr, "trainsmart: the display name must have 1 to 100 characters\n");
    else if (!tz_is_known(in->timezone))
        fprintf(stderr, "trainsmart: unknown timezone %s\n", in->timezone);
    else
        return true;
    return false;
}

int cli_create_admin(struct db *db, struct arena *a, int argc, char **argv)
{
    const char *email = NULL, *name = NULL, *tz = "UTC";
    char password[PASSWORD_MAX];

    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc)
            return CLI_USAGE;
        if (strcmp(argv[i], "--email") == 0)
            email = argv[i + 1];
        else if (strcmp(argv[i], "--display-name") == 0)
            name = argv[i + 1];
        else if (strcmp(argv[i], "--timezone") == 0)
            tz = argv[i + 1];
        else
            return CLI_USAGE;
    }
    if (email == NULL)
        return CLI_USAGE;
    const char *env = getenv("TRAINSMART_ADMIN_PASSWORD");
    if (env != NULL && env[0] != '\0')
        snprintf(password, sizeof(password), "%s", env);
    else if (read_password(password, sizeof(password)) < 0) {
        fprintf(stderr, "trainsmart: no password on stdin\n");
        return CLI_FAILED;
    }
    struct account_new in = {
        .email = accounts_normalize_email(a, email), .password = password, .timezone = tz};
    in.display_name = name != NULL ? name : accounts_default_display_name(a, in.email);
    if (!input_is_valid(&in))
        return CLI_FAILED;

    struct db_conn *c = NULL;
    struct user u;
    bool created = false;
    int rc = db_migrate_up(db, NULL);
    if (rc == 0)
        rc = db_acquire(db, &c);
    if (rc == 0)
        rc = create_or_promote(c, a, &in, &u, &created);
    db_release(c);
    memset(password, 0, sizeof(password));
    if (rc < 0) {
        fprintf(stderr, "trainsmart: create-admin failed: %s\n",
                rc == TS_EUNAVAIL ? "database unavailable" : "database error");
        return CLI_FAILED;
    }
    printf("%s admin %s\n", created ? "created" : "updated", in.email);
    return CLI_OK;
}
