/* Account rules without HTTP or SQL (domain/accounts.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "domain/accounts.h"
#include "util/err.h"

Test(accounts, emails_are_trimmed_and_lowercased)
{
    struct arena a;
    arena_init(&a);
    cr_assert_str_eq(accounts_normalize_email(&a, "  Ana.Lima@Example.COM\t"),
                     "ana.lima@example.com");
    cr_assert_str_eq(accounts_normalize_email(&a, "ÄB@x.de"), "Äb@x.de", "only ASCII is folded");
    arena_free(&a);
}

Test(accounts, email_rules)
{
    cr_assert(accounts_email_is_valid("a@b.c"));
    cr_assert(accounts_email_is_valid("first.last+tag@sub.example.org"));
    cr_assert_not(accounts_email_is_valid("ab"));
    cr_assert_not(accounts_email_is_valid("plain"));
    cr_assert_not(accounts_email_is_valid("@b.c"));
    cr_assert_not(accounts_email_is_valid("a@"));
    cr_assert_not(accounts_email_is_valid("a@bc"));
    cr_assert_not(accounts_email_is_valid("a@@b.c"));
    cr_assert_not(accounts_email_is_valid("a@b@c.d"));
    cr_assert_not(accounts_email_is_valid("a b@c.d"));
    char long_email[300];
    memset(long_email, 'x', 250);
    memcpy(long_email + 250, "@b.co", 6);
    cr_assert_not(accounts_email_is_valid(long_email), "255 characters");
    long_email[249] = '\0';
    strcat(long_email, "@b.co");
    cr_assert(accounts_email_is_valid(long_email), "254 characters");
}

Test(accounts, default_display_name_is_the_local_part)
{
    struct arena a;
    arena_init(&a);
    cr_assert_str_eq(accounts_default_display_name(&a, "fresh.admin@example.com"), "fresh.admin");
    arena_free(&a);
}

static struct user stored_user(const char *id, enum user_role role)
{
    struct user u = {.email = "u@example.com",
                     .display_name = "Old",
                     .role = role,
                     .timezone = "UTC",
                     .active = true,
                     .created_at = 1,
                     .updated_at = 2};
    snprintf(u.id, sizeof(u.id), "%s", id);
    return u;
}

Test(accounts, new_user_is_active_with_a_fresh_id)
{
    struct account_new in = {.email = "a@b.co", .display_name = "A", .timezone = "Asia/Kolkata"};
    struct user u, v;

    accounts_new_user(&in, ROLE_ADMIN, 1234, &u);
    accounts_new_user(&in, ROLE_LEARNER, 1234, &v);
    cr_assert_eq(strlen(u.id), 36);
    cr_assert_str_neq(u.id, v.id);
    cr_assert_eq(u.role, ROLE_ADMIN);
    cr_assert(u.active);
    cr_assert_eq(u.created_at, 1234);
    cr_assert_eq(u.updated_at, 1234);
    cr_assert_str_eq(u.timezone, "Asia/Kolkata");
}

Test(accounts, change_applies_present_fields_only)
{
    struct user actor = stored_user("11111111-1111-4111-8111-111111111111", ROLE_ADMIN);
    struct user target = stored_user("22222222-2222-4222-8222-222222222222", ROLE_LEARNER);
    struct account_change ch = {
        .has_display_name = true, .display_name = "New", .has_role = true, .role = ROLE_AUTHOR};
    bool changed = false, deactivated = true;

    cr_assert_eq(accounts_apply_change(&actor, &ch, 99, &target, &changed, &deactivated), 0);
    cr_assert(changed);
    cr_assert_not(deactivated);
    cr_assert_str_eq(target.display_name, "New");
    cr_assert_eq(target.role, ROLE_AUTHOR);
    cr_assert_str_eq(target.timezone, "UTC");
    cr_assert_eq(target.updated_at, 99);
}

Test(accounts, empty_change_leaves_updated_at)
{
    struct user target = stored_user("22222222-2222-4222-8222-222222222222", ROLE_LEARNER);
    struct account_change ch = {0};
    bool changed = true, deactivated = true;

    cr_assert_eq(accounts_apply_change(&target, &ch, 99, &target, &changed, &deactivated), 0);
    cr_assert_not(changed);
    cr_assert_not(deactivated);
    cr_assert_eq(target.updated_at, 2);
}

Test(accounts, deactivation_is_reported_once)
{
    struct user actor = stored_user("11111111-1111-4111-8111-111111111111", ROLE_ADMIN);
    struct user target = stored_user("22222222-2222-4222-8222-222222222222", ROLE_LEARNER);
    struct account_change ch = {.has_active = true, .active = false};
    bool changed, deactivated = false;

    cr_assert_eq(accounts_apply_change(&actor, &ch, 99, &target, &changed, &deactivated), 0);
    cr_assert(deactivated);
    cr_assert_not(target.active);
    cr_assert_eq(accounts_apply_change(&actor, &ch, 100, &target, &changed, &deactivated), 0);
    cr_assert_not(deactivated, "an inactive user is not deactivated again");
}

Test(accounts, admin_naming_own_role_or_status_conflicts)
{
    struct user self = stored_user("11111111-1111-4111-8111-111111111111", ROLE_ADMIN);
    struct account_change role = {.has_role = true, .role = ROLE_LEARNER};
    struct account_change active = {.has_active = true, .active = true};
    struct account_change name = {.has_display_name = true, .display_name = "Me"};
    bool changed, deactivated;

    cr_assert_eq(accounts_apply_change(&self, &role, 5, &self, &changed, &deactivated),
                 TS_ECONFLICT);
    cr_assert_eq(self.role, ROLE_ADMIN, "left as it was");
    cr_assert_eq(accounts_apply_change(&self, &active, 5, &self, &changed, &deactivated),
                 TS_ECONFLICT);
    cr_assert_eq(accounts_apply_change(&self, &name, 5, &self, &changed, &deactivated), 0);
}
