use crate::helpers::{PASSWORD, TestApp, expect_error};
use crate::on_both_databases;
use serde_json::{Value, json};

on_both_databases!(
    login_sets_a_safe_session_cookie_and_logout_ends_it,
    wrong_passwords_and_unknown_users_look_the_same,
    repeated_failures_lock_the_account,
    a_known_device_is_not_held_by_others_failures,
    parallel_attempts_never_check_more_passwords_than_the_limit,
    successes_clearing_a_key_never_break_a_parallel_reservation,
    failures_after_a_backoff_back_off_longer,
    users_change_their_own_language,
    health_names_the_backend,
    admin_area_requires_admin,
    administrators_edit_roles_and_a_module_off_stops_its_records
);

async fn login_sets_a_safe_session_cookie_and_logout_ends_it(app: &TestApp) {
    let client = app.client();
    let res = app.login(&client, "Tom@Veld.test ", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("veld_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(attribute), "cookie lacks {attribute}: {cookie}");
    }
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["user"]["name"], "Tom Jansen");
    assert_eq!(me["office"]["name"], "Amsterdam");
    assert_eq!(me["role"]["name"], "Sales rep");
    assert_eq!(me["permissions"]["kinds"]["opportunity"]["edit"], "own");

    let me: Value = client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["user"]["email"], "tom@veld.test");

    let res = client.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    expect_error(client.get(app.url("/api/me")).send().await.unwrap(), 401, "unauthenticated").await;
    // The old token is dead on the server too, not just forgotten by this client.
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(sessions, 0);
}

async fn wrong_passwords_and_unknown_users_look_the_same(app: &TestApp) {
    let client = app.client();
    let wrong =
        expect_error(app.login(&client, "tom@veld.test", "nope-nope-nope").await, 401, "invalid_credentials").await;
    let unknown =
        expect_error(app.login(&client, "nobody@veld.test", "nope-nope-nope").await, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
    expect_error(client.get(app.url("/api/me")).send().await.unwrap(), 401, "unauthenticated").await;
    let body = expect_error(app.login(&client, "not an address", "x").await, 422, "validation").await;
    assert_eq!(body["field"], "email");
    let body = expect_error(app.login(&client, "tom@veld.test", "").await, 422, "validation").await;
    assert_eq!(body["field"], "password");
}

async fn repeated_failures_lock_the_account(app: &TestApp) {
    let client = app.client();
    for _ in 0..5 {
        expect_error(app.login(&client, "mark@veld.test", "guess-guess").await, 401, "invalid_credentials").await;
    }
    // Even the right password is refused while locked, and the answer says for how long.
    let res = app.login(&client, "mark@veld.test", PASSWORD).await;
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let body = expect_error(res, 429, "rate_limited").await;
    assert_eq!(body["retry_after_secs"], retry_after);
    assert!((1..=900).contains(&retry_after));
    // Other accounts are unaffected.
    assert_eq!(app.login(&client, "sanne@veld.test", PASSWORD).await.status(), 200);
}

async fn users_change_their_own_language(app: &TestApp) {
    let client = app.client_for("mark@veld.test").await;
    let res = client.patch(app.url("/api/me")).json(&json!({ "language": "nl" })).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let me: Value = client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["user"]["language"], "nl");
    let res = client.patch(app.url("/api/me")).json(&json!({ "language": "tlh" })).send().await.unwrap();
    let body = expect_error(res, 422, "validation").await.to_string();
    assert!(body.contains("tlh"), "{body}");
}

async fn health_names_the_backend(app: &TestApp) {
    let body: Value = app.client().get(app.url("/api/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.db.backend().name());
}

async fn admin_area_requires_admin(app: &TestApp) {
    let rep = app.client_for("tom@veld.test").await;
    expect_error(rep.get(app.url("/api/admin/users")).send().await.unwrap(), 403, "forbidden").await;
    let admin = app.client_for("admin@veld.test").await;
    let users: Vec<Value> = admin.get(app.url("/api/admin/users")).send().await.unwrap().json().await.unwrap();
    assert_eq!(users.len(), 6);
    assert!(users.iter().all(|u| u.get("password_hash").is_none()));
    expect_error(app.client().get(app.url("/api/admin/users")).send().await.unwrap(), 401, "unauthenticated").await;
}

async fn administrators_edit_roles_and_a_module_off_stops_its_records(app: &TestApp) {
    use veld_domain::api::RoleView;
    use veld_domain::{Action, Modules, RecordKind, Scope};
    let admin = app.client_for("admin@veld.test").await;
    let rep = app.client_for("tom@veld.test").await;
    expect_error(rep.get(app.url("/api/admin/roles")).send().await.unwrap(), 403, "forbidden").await;
    let roles: Vec<RoleView> = admin.get(app.url("/api/admin/roles")).send().await.unwrap().json().await.unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Administrator", "Marketing", "Sales manager", "Sales rep"], "Veld's own role is not listed");
    let manager = roles.iter().find(|r| r.name == "Sales manager").unwrap().clone();
    assert!(manager.users >= 1);
    let sanne = app.client_for("sanne@veld.test").await;
    let count = |client: reqwest::Client, kind: &'static str| async move {
        let rows: Vec<Value> =
            client.get(app.url(&format!("/api/records/{kind}"))).send().await.unwrap().json().await.unwrap();
        rows.len()
    };
    assert!(count(sanne.clone(), "lead").await > 0);

    // Sales managers lose the leads module and may only view companies.
    let mut permissions = manager.permissions.clone();
    permissions.modules = Some(Modules { leads: false, opportunities: true });
    permissions.kinds.get_mut(&RecordKind::Company).unwrap().edit = Scope::None;
    let update = json!({"name": "Sales manager", "permissions": permissions});
    let res = admin.put(app.url(&format!("/api/admin/roles/{}", manager.id))).json(&update).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let saved: RoleView = res.json().await.unwrap();
    assert_eq!(saved.permissions, permissions);
    // At once, for a session already open: no leads from the API or the sync, none to push.
    let me: veld_domain::api::Me = sanne.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
    assert!(!me.modules.leads && me.modules.opportunities);
    assert!(!me.permissions.can_at_all(RecordKind::Lead, Action::View));
    assert!(!me.permissions.can_at_all(RecordKind::Company, Action::Edit));
    expect_error(sanne.get(app.url("/api/records/lead")).send().await.unwrap(), 403, "forbidden").await;
    assert!(count(sanne.clone(), "opportunity").await > 0);
    let d = crate::sync::Device::new(app, "sanne@veld.test").await;
    let pull = d.pull(app, 0).await;
    assert!(pull.changes.iter().all(|c| match c {
        veld_domain::sync::Change::Upsert { record } => record.kind != RecordKind::Lead,
        _ => true,
    }));

    // Refusals: a name another role has, no module at all, and an administrator taking the
    // administration area from their own role.
    let taken = json!({"name": "Sales rep", "permissions": permissions});
    let res = admin.put(app.url(&format!("/api/admin/roles/{}", manager.id))).json(&taken).send().await.unwrap();
    assert_eq!(expect_error(res, 422, "validation").await["field"], "name");
    let mut none = permissions.clone();
    none.modules = Some(Modules { leads: false, opportunities: false });
    let res = admin
        .put(app.url(&format!("/api/admin/roles/{}", manager.id)))
        .json(&json!({"name": "Sales manager", "permissions": none}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(res, 422, "validation").await["field"], "modules");
    let own = roles.iter().find(|r| r.name == "Administrator").unwrap();
    let mut demoted = own.permissions.clone();
    demoted.admin = false;
    let res = admin
        .put(app.url(&format!("/api/admin/roles/{}", own.id)))
        .json(&json!({"name": "Administrator", "permissions": demoted}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(res, 422, "validation").await["field"], "admin");
    let res = admin
        .put(app.url("/api/admin/roles/not-a-role"))
        .json(&json!({"name": "X", "permissions": permissions}))
        .send()
        .await
        .unwrap();
    expect_error(res, 404, "not_found").await;

    // A new role.
    let res = admin
        .post(app.url("/api/admin/roles"))
        .json(&json!({"name": "Field sales", "permissions": permissions}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let made: RoleView = res.json().await.unwrap();
    assert_eq!((made.name.as_str(), made.users), ("Field sales", 0));
}

async fn a_known_device_is_not_held_by_others_failures(app: &TestApp) {
    // Tom's own browser logged in before (and out again): it carries a known-device cookie.
    let own = app.client();
    assert_eq!(app.login(&own, "tom@veld.test", PASSWORD).await.status(), 200);
    assert_eq!(own.post(app.url("/api/auth/logout")).send().await.unwrap().status(), 204);
    // Someone else, from the same address, guesses Tom's password until held.
    let attacker = app.client();
    for _ in 0..5 {
        expect_error(app.login(&attacker, "tom@veld.test", "guess-guess").await, 401, "invalid_credentials").await;
    }
    expect_error(app.login(&attacker, "tom@veld.test", PASSWORD).await, 429, "rate_limited").await;
    let stranger = app.client();
    expect_error(app.login(&stranger, "tom@veld.test", PASSWORD).await, 429, "rate_limited").await;
    // Tom's own device still logs in.
    assert_eq!(app.login(&own, "tom@veld.test", PASSWORD).await.status(), 200);
    // The device cookie is HttpOnly, sent only to the login API, and stored only hashed.
    let res = app.login(&app.client(), "sanne@veld.test", PASSWORD).await;
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned()).collect();
    let device = cookies.iter().find(|c| c.starts_with("veld_device=")).expect("a device cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/api/auth"] {
        assert!(device.contains(attribute), "{attribute}: {device}");
    }
    let token = device.trim_start_matches("veld_device=").split(';').next().unwrap().to_owned();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM known_devices WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "the token itself is not stored");
}

async fn parallel_attempts_never_check_more_passwords_than_the_limit(app: &TestApp) {
    let attempts = (0..30).map(|_| async {
        let client = app.client();
        app.login(&client, "mark@veld.test", "guess-guess").await.status().as_u16()
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!((1..=5).contains(&checked), "{checked} passwords checked against a limit of 5: {statuses:?}");
    assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");
}

async fn failures_after_a_backoff_back_off_longer(app: &TestApp) {
    let client = app.client();
    for _ in 0..5 {
        expect_error(app.login(&client, "pieter@veld.test", "guess-guess").await, 401, "invalid_credentials").await;
    }
    let first = expect_error(app.login(&client, "pieter@veld.test", "guess-guess").await, 429, "rate_limited").await;
    let first = first["retry_after_secs"].as_u64().unwrap();
    assert!((1..=30).contains(&first), "{first}");
    // The back-off runs out (moved to now here, rather than waited for): one more failure
    // doubles it.
    sqlx::query("UPDATE login_throttle SET next_at = 0 WHERE key LIKE 'account-address:pieter@veld.test|%'")
        .execute(app.db.pool())
        .await
        .unwrap();
    expect_error(app.login(&client, "pieter@veld.test", "guess-guess").await, 401, "invalid_credentials").await;
    let second = expect_error(app.login(&client, "pieter@veld.test", PASSWORD).await, 429, "rate_limited").await;
    let second = second["retry_after_secs"].as_u64().unwrap();
    assert!((31..=60).contains(&second), "{second}");
}

/// Behind a reverse proxy every connection comes from the proxy: the address it forwards is the
/// one that counts, so one client's failures do not hold another's logins.
#[tokio::test]
async fn behind_a_proxy_failures_count_per_forwarded_address() {
    use crate::helpers::Backend;
    let settings = veld_server::config::ServeArgs { behind_proxy: true, ..Default::default() };
    let app = TestApp::spawn_with(Backend::Sqlite, settings).await.expect("SQLite always runs");
    let login = |from: &'static str, password: &'static str| {
        let client = app.client();
        let url = app.url("/api/auth/login");
        async move {
            client
                .post(url)
                // A forged first entry, then what the proxy appended.
                .header("x-forwarded-for", format!("10.9.9.9, {from}"))
                .json(&json!({ "email": "tom@veld.test", "password": password }))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        expect_error(login("203.0.113.7", "guess-guess").await, 401, "invalid_credentials").await;
    }
    expect_error(login("203.0.113.7", PASSWORD).await, 429, "rate_limited").await;
    assert_eq!(login("198.51.100.4", PASSWORD).await.status(), 200, "another address is not held");
    app.cleanup().await;
}

/// A success that clears a key (an account on an address) while another attempt reserves it
/// left that reservation without its row: a 500 to one of several people logging in at once
/// from one office (seen with three instances).
async fn successes_clearing_a_key_never_break_a_parallel_reservation(app: &TestApp) {
    use veld_server::db::ThrottleKey;
    let keys = vec![
        ThrottleKey { key: "acct-addr:race".into(), limit: 1_000, cleared_by_success: true },
        ThrottleKey { key: "addr:race".into(), limit: 1_000, cleared_by_success: false },
    ];
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (db, keys) = (app.db.clone(), keys.clone());
            tokio::spawn(async move {
                for _ in 0..40 {
                    let now = veld_server::db::now_ms();
                    let reserved = db.reserve_login(&keys, now).await.expect("a reservation never fails");
                    assert!(reserved.is_ok(), "nothing is at its limit: {reserved:?}");
                    db.login_succeeded(&keys).await.expect("a success is recorded");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
