//! The sync protocol against a real server and database (SPEC OF-2, OF-3, OF-4).

use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;
use reqwest::Client;
use serde_json::{Value, json};
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::sync::{ClientId, Hlc, Mutation, Op, PROTOCOL_VERSION, PullResponse, PushRequest};

on_both_databases!(
    a_created_record_reaches_the_users_other_devices_and_no_one_outside_scope,
    duplicates_are_skipped_and_gaps_refused_without_applying_anything,
    concurrent_edits_keep_different_fields_and_log_the_losing_value,
    unauthorised_and_stale_mutations_are_rejected_without_wedging_the_client,
    clocks_far_ahead_are_clamped,
    protocol_and_client_ownership_are_checked,
    a_cursor_older_than_the_tombstone_window_must_reset,
    random_scopes_deliver_nothing_outside_a_users_scope,
    a_record_handed_to_another_office_leaves_the_old_offices_devices,
    a_refusal_whose_answer_was_lost_is_repeated,
    a_first_download_comes_in_pages_with_a_count_of_what_remains,
    a_batch_links_changes_and_deletes_records_it_created_itself,
    pushes_arriving_together_are_each_answered_as_if_alone,
);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

/// One app installation of a demo user, pushing and pulling like the app does.
pub(crate) struct Device {
    pub(crate) client: Client,
    pub(crate) id: ClientId,
    pub(crate) next: u64,
}

impl Device {
    pub(crate) async fn new(app: &TestApp, email: &str) -> Device {
        Device { client: app.client_for(email).await, id: ClientId(Uuid::now_v7()), next: 1 }
    }

    fn mutation(&mut self, op: Op, record: Uuid, fields: Value, base: &[(&str, u64)], wall_ms: i64) -> Mutation {
        self.mutation_of(RecordKind::Opportunity, op, record, fields, base, wall_ms)
    }

    pub(crate) fn mutation_of(
        &mut self,
        kind: RecordKind,
        op: Op,
        record: Uuid,
        fields: Value,
        base: &[(&str, u64)],
        wall_ms: i64,
    ) -> Mutation {
        let id = self.next;
        self.next += 1;
        Mutation {
            id,
            kind,
            record_id: record,
            op,
            fields: fields.as_object().cloned().unwrap_or_default().into_iter().collect(),
            base_versions: base.iter().map(|(f, v)| ((*f).to_owned(), *v)).collect(),
            hlc: Hlc { wall_ms, counter: 0, client: self.id },
        }
    }

    pub(crate) async fn push(&self, app: &TestApp, mutations: &[Mutation]) -> reqwest::Response {
        let req = PushRequest { protocol: PROTOCOL_VERSION, client_id: self.id, mutations: mutations.to_vec() };
        self.client.post(app.url("/api/sync/push")).json(&req).send().await.unwrap()
    }

    pub(crate) async fn push_ok(&self, app: &TestApp, mutations: &[Mutation]) -> Value {
        let res = self.push(app, mutations).await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// A GET of the API as this device's user, read as JSON.
    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(&self, app: &TestApp, path: &str) -> T {
        self.client.get(app.url(path)).send().await.unwrap().json().await.unwrap()
    }

    pub(crate) async fn pull(&self, app: &TestApp, cursor: u64) -> PullResponse {
        let url = app.url(&format!("/api/sync/pull?client_id={}&cursor={cursor}", self.id.0));
        let res = self.client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }
}

/// The record's current fields as the user's pull sees them.
pub(crate) async fn fields_of(app: &TestApp, device: &Device, id: Uuid) -> Option<Value> {
    use veld_domain::sync::Change;
    device.pull(app, 0).await.changes.into_iter().find_map(|c| match c {
        Change::Upsert { record } if record.id == id => {
            Some(Value::Object(record.fields.into_iter().map(|(k, f)| (k, f.value)).collect()))
        }
        _ => None,
    })
}

/// An opportunity's fields less the number the server gave it (which it must have).
pub(crate) fn numbered(mut fields: Value) -> Value {
    let number = fields.as_object_mut().and_then(|f| f.remove("number"));
    assert!(number.as_ref().and_then(Value::as_str).is_some_and(|n| n.starts_with('O')), "no number: {number:?}");
    fields
}

pub(crate) fn outcomes(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap().to_owned()).collect()
}

async fn a_created_record_reaches_the_users_other_devices_and_no_one_outside_scope(app: &TestApp) {
    let mut phone = Device::new(app, "tom@veld.test").await;
    let laptop = Device::new(app, "tom@veld.test").await;
    let antwerp = Device::new(app, "lotte@veld.test").await;
    let start = laptop.pull(app, 0).await;
    let antwerp_start = antwerp.pull(app, 0).await;

    let id = Uuid::now_v7();
    let create =
        phone.mutation(Op::Create, id, json!({ "title": "Trade fair lead", "stage": "qualification" }), &[], now_ms());
    let body = phone.push_ok(app, &[create]).await;
    assert_eq!(body["last_applied"], 1);
    assert_eq!(outcomes(&body), ["applied"]);

    let after = laptop.pull(app, start.cursor).await;
    assert!(after.cursor > start.cursor);
    assert_eq!(after.changes.len(), 1, "only the new record arrives after the cursor");
    assert_eq!(
        numbered(fields_of(app, &laptop, id).await.unwrap()),
        json!({ "title": "Trade fair lead", "stage": "qualification" })
    );
    // The pushing device learns its mutation was applied.
    assert_eq!(phone.pull(app, after.cursor).await.last_applied, 1);
    // Another office's sales rep does not receive it (SPEC OF-4).
    let theirs = antwerp.pull(app, antwerp_start.cursor).await;
    assert!(theirs.changes.is_empty(), "{:?}", theirs.changes);
}

async fn duplicates_are_skipped_and_gaps_refused_without_applying_anything(app: &TestApp) {
    let mut d = Device::new(app, "tom@veld.test").await;
    let id = Uuid::now_v7();
    let m1 = d.mutation(Op::Create, id, json!({ "title": "A" }), &[], now_ms());
    let m2 = d.mutation(Op::Update, id, json!({ "title": "B" }), &[], now_ms() + 1);
    let m3 = d.mutation(Op::Update, id, json!({ "title": "C" }), &[], now_ms() + 2);
    d.push_ok(app, &[m1.clone(), m2.clone()]).await;
    // A retried delivery that also carries the next mutation.
    let body = d.push_ok(app, &[m1, m2, m3]).await;
    assert_eq!(outcomes(&body), ["duplicate", "duplicate", "applied"]);
    assert_eq!(body["last_applied"], 3);

    // Mutation 4 never arrives: 5 is refused, and nothing of its batch is applied.
    d.next = 5;
    let m5 = d.mutation(Op::Update, id, json!({ "title": "E" }), &[], now_ms() + 5);
    let res = d.push(app, &[m5]).await;
    let err = expect_error(res, 409, "mutation_gap").await;
    assert!(err["message"].as_str().unwrap().contains("mutation 4 is missing"), "{err}");
    assert_eq!(fields_of(app, &d, id).await.unwrap()["title"], "C");
    assert_eq!(d.pull(app, 0).await.last_applied, 3);
}

async fn concurrent_edits_keep_different_fields_and_log_the_losing_value(app: &TestApp) {
    let mut rep = Device::new(app, "tom@veld.test").await;
    let mut manager = Device::new(app, "sanne@veld.test").await; // same office, may edit it
    let id = Uuid::now_v7();
    let t = now_ms();
    {
        let m = rep.mutation(Op::Create, id, json!({ "stage": "proposal", "title": "Vans", "value": 10 }), &[], t);
        rep.push_ok(app, &[m]).await
    };
    let base = rep.pull(app, 0).await.cursor; // every field is at this version now

    // Both edit offline from the same base: the same field, and one field each.
    let by_rep = rep.mutation(
        Op::Update,
        id,
        json!({ "stage": "won", "title": "12 vans" }),
        &[("stage", base), ("title", base)],
        t + 2_000,
    );
    let by_manager = manager.mutation(
        Op::Update,
        id,
        json!({ "stage": "lost", "value": 12 }),
        &[("stage", base), ("value", base)],
        t + 1_000,
    );
    let body = rep.push_ok(app, &[by_rep]).await;
    assert_eq!(body["results"][0]["conflicts"], 0, "first to arrive, based on the current values");
    let body = manager.push_ok(app, &[by_manager]).await;
    assert_eq!(body["results"][0]["conflicts"], 1, "stage was edited concurrently");

    // The later edit of `stage` wins although it arrived first; both other fields survive.
    let fields = numbered(fields_of(app, &rep, id).await.unwrap());
    assert_eq!(fields, json!({ "stage": "won", "title": "12 vans", "value": 12 }));
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT field, lost_value, kept_value FROM sync_conflicts WHERE record_id = $1")
            .bind(id.to_string())
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(rows, [("stage".to_owned(), "\"lost\"".to_owned(), "\"won\"".to_owned())]);

    // The record's history shows it, with both sides named; the loser's Pending page lists it.
    let history: Vec<veld_domain::api::ConflictView> =
        rep.get_json(app, &format!("/api/records/opportunity/{id}/conflicts")).await;
    assert_eq!(history.len(), 1);
    let c = &history[0];
    assert_eq!((c.field.as_str(), &c.lost_value, &c.kept_value), ("stage", &json!("lost"), &json!("won")));
    assert_eq!((c.lost_by.as_deref(), c.kept_by.as_deref()), (Some("Sanne de Vries"), Some("Tom Jansen")));
    assert_eq!(c.record_title.as_deref(), Some("12 vans"));
    let mine: Vec<veld_domain::api::ConflictView> =
        manager.client.get(app.url("/api/sync/conflicts")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine, history, "Sanne's edit lost");
    let theirs: Vec<veld_domain::api::ConflictView> =
        rep.client.get(app.url("/api/sync/conflicts")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.is_empty(), "Tom's edit won");
    // Outside the user's scope, the record does not exist.
    let lotte = app.client_for("lotte@veld.test").await;
    let res = lotte.get(app.url(&format!("/api/records/opportunity/{id}/conflicts"))).send().await.unwrap();
    expect_error(res, 404, "not_found").await;
}

async fn unauthorised_and_stale_mutations_are_rejected_without_wedging_the_client(app: &TestApp) {
    let mut owner = Device::new(app, "tom@veld.test").await;
    let mut manager = Device::new(app, "sanne@veld.test").await;
    let mut stranger = Device::new(app, "lotte@veld.test").await; // Antwerpen
    let id = Uuid::now_v7();
    {
        let m = owner.mutation(Op::Create, id, json!({ "title": "X" }), &[], now_ms());
        owner.push_ok(app, &[m]).await
    };

    // Another office's rep may not edit it — for them it does not exist; the next mutation in
    // the queue still applies.
    let bad = stranger.mutation(Op::Update, id, json!({ "title": "hijacked" }), &[], now_ms());
    let own = stranger.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "mine" }), &[], now_ms());
    let body = stranger.push_ok(app, &[bad, own]).await;
    assert_eq!(outcomes(&body), ["rejected", "applied"]);
    assert!(body["results"][0]["reason"].as_str().unwrap().contains("does not exist"), "{body}");
    assert_eq!(body["results"][0]["code"], "not_found");
    assert_eq!(body["last_applied"], 2);
    // A sales rep may not create leads at all.
    let lead = Mutation {
        kind: RecordKind::Lead,
        ..owner.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "L" }), &[], now_ms())
    };
    let body = owner.push_ok(app, &[lead]).await;
    assert!(body["results"][0]["reason"].as_str().unwrap().contains("creating a lead"), "{body}");

    // Deleted by the manager while the owner edited offline: reported, not dropped silently.
    let before = owner.pull(app, 0).await.cursor;
    {
        let m = manager.mutation(Op::Delete, id, json!({}), &[], now_ms());
        manager.push_ok(app, &[m]).await
    };
    let body = {
        let m = owner.mutation(Op::Update, id, json!({ "title": "Y" }), &[], now_ms());
        owner.push_ok(app, &[m]).await
    };
    assert!(body["results"][0]["reason"].as_str().unwrap().contains("deleted by someone else"), "{body}");
    assert_eq!(body["results"][0]["code"], "deleted_elsewhere");
    let removed = owner.pull(app, before).await;
    assert!(
        removed.changes.iter().any(|c| matches!(c, veld_domain::sync::Change::Remove { id: r, .. } if *r == id)),
        "{:?}",
        removed.changes
    );
    let rejections: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_rejections").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(rejections, 3);
}

async fn clocks_far_ahead_are_clamped(app: &TestApp) {
    let mut fast = Device::new(app, "tom@veld.test").await; // its clock runs a day ahead
    let mut honest = Device::new(app, "sanne@veld.test").await;
    let id = Uuid::now_v7();
    {
        let m = fast.mutation(Op::Create, id, json!({ "title": "Fleet", "note": "first" }), &[], now_ms());
        fast.push_ok(app, &[m]).await
    };
    let base = fast.pull(app, 0).await.cursor;
    let ahead = fast.mutation(Op::Update, id, json!({ "note": "ahead" }), &[("note", base)], now_ms() + DAY_MS);
    fast.push_ok(app, &[ahead]).await;
    // Two minutes later, a concurrent edit from a correct clock: the clamp keeps it from losing
    // to a timestamp a day in the future.
    let later = honest.mutation(Op::Update, id, json!({ "note": "honest" }), &[("note", base)], now_ms() + 120_000);
    honest.push_ok(app, &[later]).await;
    assert_eq!(fields_of(app, &fast, id).await.unwrap()["note"], "honest");
}

async fn protocol_and_client_ownership_are_checked(app: &TestApp) {
    let mut d = Device::new(app, "tom@veld.test").await;
    let m = d.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "A" }), &[], now_ms());
    let req = json!({ "protocol": 99, "client_id": d.id, "mutations": [m] });
    let res = d.client.post(app.url("/api/sync/push")).json(&req).send().await.unwrap();
    let err = expect_error(res, 400, "protocol_mismatch").await;
    assert!(err["message"].as_str().unwrap().contains("reload"), "{err}");
    d.push_ok(app, &[m]).await;

    // The same installation id from another user's session is refused.
    let other = Device { client: app.client_for("sanne@veld.test").await, id: d.id, next: 2 };
    let m2 = Mutation { id: 2, ..d.mutation(Op::Create, Uuid::now_v7(), json!({}), &[], now_ms()) };
    expect_error(other.push(app, &[m2]).await, 403, "forbidden").await;
    let res = d.client.get(app.url("/api/sync/pull?cursor=abc")).send().await.unwrap();
    expect_error(res, 400, "bad_request").await;
    expect_error(
        app.client()
            .get(app.url("/api/sync/pull?client_id=00000000-0000-0000-0000-000000000000"))
            .send()
            .await
            .unwrap(),
        401,
        "unauthenticated",
    )
    .await;
}

async fn a_cursor_older_than_the_tombstone_window_must_reset(app: &TestApp) {
    let mut d = Device::new(app, "tom@veld.test").await;
    let id = Uuid::now_v7();
    {
        let m = d.mutation(Op::Create, id, json!({ "title": "gone soon" }), &[], now_ms());
        d.push_ok(app, &[m]).await;
    }
    let before_delete = d.pull(app, 0).await.cursor;
    {
        let m = d.mutation(Op::Delete, id, json!({}), &[], now_ms());
        d.push_ok(app, &[m]).await;
    }
    let after_delete = d.pull(app, 0).await.cursor;
    // Nothing old enough yet: nothing purged, no reset.
    assert_eq!(app.db.purge_tombstones(now_ms() - DAY_MS).await.unwrap(), 0);
    assert!(!d.pull(app, before_delete).await.reset_required);

    assert_eq!(app.db.purge_tombstones(now_ms() + 1).await.unwrap(), 1);
    let stale = d.pull(app, before_delete).await;
    assert!(stale.reset_required, "this device never saw the deletion");
    assert!(stale.changes.is_empty());
    // A device that already saw the deletion carries on; a full download works as ever.
    assert!(!d.pull(app, after_delete).await.reset_required);
    let fresh = d.pull(app, 0).await;
    assert!(!fresh.reset_required);
    assert!(fields_of(app, &d, id).await.is_none());
    // The device's unsent work is unaffected: pushing continues from its last id.
    let next = d.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "after reset" }), &[], now_ms());
    assert_eq!(outcomes(&d.push_ok(app, &[next]).await), ["applied"]);
}

/// Random roles, offices and owners: a pull delivers exactly the records `Actor::may` allows
/// (SPEC OF-4), for every user, over many seeds. A failing seed is printed.
async fn random_scopes_deliver_nothing_outside_a_users_scope(app: &TestApp) {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use veld_domain::access::Grants;
    use veld_domain::{Action, Actor, Ownership, Permissions, Scope};
    use veld_server::db::{NewRecord, NewUser};

    let scopes = [Scope::None, Scope::Own, Scope::Office, Scope::All];
    let kinds = [RecordKind::Company, RecordKind::Lead, RecordKind::Opportunity];
    for seed in 0..20u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut offices = Vec::new();
        for o in 0..3 {
            offices.push(app.db.ensure_office(&format!("S{seed} office {o}")).await.unwrap().0);
        }
        let mut actors = Vec::new();
        for u in 0..4 {
            let permissions = Permissions {
                kinds: kinds
                    .iter()
                    .map(|&k| (k, Grants { view: scopes[rng.gen_range(0..4)], ..Grants::NONE }))
                    .collect(),
                admin: false,
                modules: None,
            };
            let role = app.db.ensure_role(&format!("S{seed} role {u}"), &permissions).await.unwrap();
            let office = offices[rng.gen_range(0..offices.len())];
            let email = veld_domain::Email::parse(&format!("s{seed}u{u}@veld.test")).unwrap();
            let user = NewUser {
                email,
                name: format!("U{u}"),
                language: veld_domain::Language::En,
                office,
                role,
                password_hash: "-".into(),
            };
            let id = app.db.insert_user(&user).await.unwrap().unwrap();
            actors.push(Actor { user: id, office, permissions });
        }
        let records: Vec<NewRecord> = (0..40)
            .map(|_| {
                let owner = &actors[rng.gen_range(0..actors.len())];
                NewRecord {
                    id: Uuid::now_v7(),
                    kind: kinds[rng.gen_range(0..kinds.len())],
                    owner: owner.user,
                    // Records may sit in an office other than their owner's.
                    office: offices[rng.gen_range(0..offices.len())],
                    data: json!({ "seed": seed }),
                }
            })
            .collect();
        app.db.insert_records(&records).await.unwrap();
        for actor in &actors {
            let pulled = app
                .db
                .pull(actor, veld_domain::sync::ClientId(Uuid::now_v7()), 0, 0, u32::MAX, now_ms())
                .await
                .unwrap();
            let mut got: Vec<Uuid> = pulled
                .changes
                .iter()
                .filter_map(|c| match c {
                    veld_domain::sync::Change::Upsert { record }
                        if record.fields.get("seed").is_some_and(|f| f.value == json!(seed)) =>
                    {
                        Some(record.id)
                    }
                    _ => None,
                })
                .collect();
            let mut want: Vec<Uuid> = records
                .iter()
                .filter(|r| actor.may(Action::View, r.kind, Ownership { owner: r.owner, office: r.office }))
                .map(|r| r.id)
                .collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "seed {seed}: user {} with {:?}", actor.user, actor.permissions.kinds);
        }
    }
}

async fn me(app: &TestApp, device: &Device) -> veld_domain::api::Me {
    device.client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap()
}

async fn a_record_handed_to_another_office_leaves_the_old_offices_devices(app: &TestApp) {
    use veld_domain::sync::Change;
    let mut admin = Device::new(app, "admin@veld.test").await;
    let tom = Device::new(app, "tom@veld.test").await; // rep, Amsterdam: sees Amsterdam's opportunities
    let lotte = Device::new(app, "lotte@veld.test").await; // rep, Antwerpen
    let (tom_me, lotte_me) = (me(app, &tom).await, me(app, &lotte).await);
    let id = Uuid::now_v7();
    let create = admin.mutation(Op::Create, id, json!({ "title": "Fleet", "owner_id": tom_me.user.id }), &[], now_ms());
    admin.push_ok(app, &[create]).await;
    let tom_start = tom.pull(app, 0).await;
    let lotte_start = lotte.pull(app, 0).await;
    let held = |p: &PullResponse| p.changes.iter().any(|c| matches!(c, Change::Upsert { record } if record.id == id));
    assert!(held(&tom_start) && !held(&lotte_start), "created for Tom, in Amsterdam");

    let hand_over = admin.mutation(Op::Update, id, json!({ "owner_id": lotte_me.user.id }), &[], now_ms());
    let body = admin.push_ok(app, &[hand_over]).await;
    assert_eq!(outcomes(&body), ["applied"], "{body}");
    let tom_after = tom.pull(app, tom_start.cursor).await;
    assert!(
        tom_after.changes.iter().any(|c| matches!(c, Change::Remove { id: r, .. } if *r == id)),
        "Amsterdam's rep gets a removal: {:?}",
        tom_after.changes
    );
    let lotte_after = lotte.pull(app, lotte_start.cursor).await;
    let record = lotte_after.changes.iter().find_map(|c| match c {
        Change::Upsert { record } if record.id == id => Some(record.clone()),
        _ => None,
    });
    let record = record.expect("Antwerpen's rep now has it");
    assert_eq!((record.owner_id, record.office_id), (lotte_me.user.id, lotte_me.office.id));
    // A rep may not give their records away.
    let mut lotte = lotte;
    let give = lotte.mutation(Op::Update, id, json!({ "owner_id": tom_me.user.id }), &[], now_ms());
    let body = lotte.push_ok(app, &[give]).await;
    assert_eq!(body["results"][0]["code"], "not_allowed", "{body}");
    // An unknown owner is refused with a reason.
    let nobody = admin.mutation(Op::Update, id, json!({ "owner_id": Uuid::now_v7() }), &[], now_ms());
    let body = admin.push_ok(app, &[nobody]).await;
    assert_eq!(body["results"][0]["code"], "not_found", "{body}");
}

async fn a_refusal_whose_answer_was_lost_is_repeated(app: &TestApp) {
    let mut rep = Device::new(app, "tom@veld.test").await;
    let lead = Mutation {
        kind: RecordKind::Lead,
        ..rep.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "L" }), &[], now_ms())
    };
    let first = rep.push_ok(app, std::slice::from_ref(&lead)).await;
    assert_eq!(first["results"][0]["code"], "not_allowed");
    // The answer was lost; the app sends it again and must still hear of the refusal.
    let again = rep.push_ok(app, &[lead]).await;
    assert_eq!(outcomes(&again), ["rejected"], "{again}");
    assert_eq!(again["results"][0]["code"], "not_allowed");
    // …and a pull after it (acked 0) carries it too.
    let url = app.url(&format!("/api/sync/pull?client_id={}&cursor=0&acked=0", rep.id.0));
    let pulled: PullResponse = rep.client.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(pulled.rejected.len(), 1);
    assert_eq!(pulled.rejected[0].id, 1);
    let url = app.url(&format!("/api/sync/pull?client_id={}&cursor=0&acked=1", rep.id.0));
    let pulled: PullResponse = rep.client.get(url).send().await.unwrap().json().await.unwrap();
    assert!(pulled.rejected.is_empty(), "nothing after what the app has acknowledged");
}

async fn a_first_download_comes_in_pages_with_a_count_of_what_remains(app: &TestApp) {
    let admin = Device::new(app, "admin@veld.test").await;
    let whole = admin.pull(app, 0).await;
    assert!(!whole.more && whole.remaining == 0);
    let total = whole.changes.len();
    assert!(total > 20, "the demo data has more than a page of 7");
    let mut cursor = 0;
    let mut got = Vec::new();
    let mut pages = 0;
    loop {
        let url = app.url(&format!("/api/sync/pull?client_id={}&cursor={cursor}&limit=7", admin.id.0));
        let page: PullResponse = admin.client.get(url).send().await.unwrap().json().await.unwrap();
        pages += 1;
        assert!(page.changes.len() <= 7);
        got.extend(page.changes);
        assert_eq!(page.remaining as usize, if page.more { total - got.len() } else { 0 }, "page {pages}");
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, total.div_ceil(7));
    assert_eq!(got, whole.changes, "the pages add up to the whole, in order");
    assert_eq!(cursor, whole.cursor);
}

/// A push writes its batch's new records together; a later mutation of the same batch that
/// links, changes or deletes one of them must still find it.
async fn a_batch_links_changes_and_deletes_records_it_created_itself(app: &TestApp) {
    let mut d = Device::new(app, "tom@veld.test").await;
    let (company, contact, deal, scratch) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let now = now_ms();
    let batch = [
        d.mutation_of(RecordKind::Company, Op::Create, company, json!({ "name": "Brouwerij Kaai" }), &[], now),
        d.mutation_of(
            RecordKind::Contact,
            Op::Create,
            contact,
            json!({ "first_name": "Els", "last_name": "Kaai", "email": "els@kaai.test", "company_id": company.to_string() }),
            &[],
            now,
        ),
        d.mutation(Op::Create, deal, json!({ "title": "Taps", "company_id": company.to_string() }), &[], now),
        d.mutation(Op::Create, scratch, json!({ "title": "Typo" }), &[], now),
        d.mutation_of(RecordKind::Company, Op::Update, company, json!({ "name": "Brouwerij De Kaai" }), &[], now + 1),
        d.mutation(Op::Delete, scratch, json!({}), &[], now + 1),
        d.mutation(Op::Create, Uuid::now_v7(), json!({ "title": "After", "company_id": company.to_string() }), &[], now + 1),
    ];
    let body = d.push_ok(app, &batch).await;
    assert_eq!(outcomes(&body), ["applied"; 7], "{body}");
    assert_eq!(fields_of(app, &d, company).await.unwrap()["name"], "Brouwerij De Kaai");
    assert_eq!(fields_of(app, &d, contact).await.unwrap()["company_id"], company.to_string());
    assert_eq!(fields_of(app, &d, deal).await.unwrap()["title"], "Taps");
    assert!(fields_of(app, &d, scratch).await.is_none(), "the deleted record comes as a removal");
    // Each applied change took its own version, in batch order.
    let versions: Vec<u64> =
        body["results"].as_array().unwrap().iter().map(|r| r["version"].as_u64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[1] == w[0] + 1), "{versions:?}");
}

/// The push queue applies the pushes waiting together in one transaction: each must still be
/// answered as if alone — its own versions and numbers, its own refusal.
async fn pushes_arriving_together_are_each_answered_as_if_alone(app: &TestApp) {
    let mut devices = Vec::new();
    for i in 0..12 {
        devices.push(Device::new(app, if i % 2 == 0 { "tom@veld.test" } else { "sanne@veld.test" }).await);
    }
    let now = now_ms();
    let batches: Vec<Vec<Mutation>> = devices
        .iter_mut()
        .enumerate()
        .map(|(i, d)| {
            if i == 5 {
                // A gap: mutation 2 without 1. Refused whole; the others must not notice.
                d.next = 2;
            }
            (0..5)
                .map(|k| {
                    d.mutation(Op::Create, Uuid::now_v7(), json!({ "title": format!("Grouped {i}.{k}") }), &[], now)
                })
                .collect()
        })
        .collect();
    let answers = futures::future::join_all(devices.iter().zip(&batches).map(|(d, b)| d.push(app, b))).await;
    let mut versions = Vec::new();
    for (i, res) in answers.into_iter().enumerate() {
        if i == 5 {
            assert_eq!(res.status(), 409, "the gap is refused");
            continue;
        }
        assert_eq!(res.status(), 200, "push {i}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["last_applied"], 5, "push {i}: {body}");
        assert_eq!(outcomes(&body), ["applied"; 5], "push {i}");
        versions.extend(body["results"].as_array().unwrap().iter().map(|r| r["version"].as_u64().unwrap()));
    }
    let distinct: std::collections::BTreeSet<u64> = versions.iter().copied().collect();
    assert_eq!(distinct.len(), 55, "every applied change has its own version");
    // Every record arrived, each with its own number.
    let all = devices[1].pull(app, 0).await; // Sanne, the manager, sees them all
    let mut numbers = std::collections::BTreeSet::new();
    for change in &all.changes {
        if let veld_domain::sync::Change::Upsert { record } = change
            && record.fields.get("title").and_then(|f| f.value.as_str()).is_some_and(|t| t.starts_with("Grouped "))
        {
            assert!(numbers.insert(record.fields["number"].value.as_str().unwrap().to_owned()), "a number given twice");
        }
    }
    assert_eq!(numbers.len(), 55);
}
