//! Tests that need a real browser (run by wasm-bindgen-test-runner in headless Chromium):
//! localStorage, and components mounted into the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use veld_app::pages::LoginPage;
use veld_app::{state, storage};
use veld_domain::api::{Me, Named, UserSummary};
use veld_domain::{Language, Modules, OfficeId, RoleId, UserId, access::presets};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn sample_me() -> Me {
    Me {
        user: UserSummary {
            id: UserId::new(),
            name: "Tom Jansen".into(),
            email: "tom@veld.test".into(),
            language: Language::Nl,
        },
        office: Named { id: OfficeId::new(), name: "Amsterdam".into() },
        role: Named { id: RoleId::new(), name: "Sales rep".into() },
        permissions: presets::sales_rep(),
        modules: Modules::default(),
    }
}

/// Lets Leptos run its scheduled effects (they run on the microtask/task queue).
async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

#[wasm_bindgen_test]
fn a_moment_reads_as_the_day_in_the_interface_language_and_the_local_time_to_the_minute() {
    // 1 December 2026, 14:05:59 on this device's clock (whatever its time zone).
    let local = js_sys::Date::new_with_year_month_day_hr_min_sec(2026, 11, 1, 14, 5, 59).get_time() as i64;
    assert_eq!(veld_app::components::history::when(local, "en"), "1 Dec 2026, 14:05");
    let morning = js_sys::Date::new_with_year_month_day_hr_min_sec(2027, 0, 9, 7, 3, 0).get_time() as i64;
    assert_eq!(
        veld_app::components::history::when(morning, "nl"),
        veld_app::format::date("2027-01-09", Language::Nl) + ", 07:03"
    );
}

#[wasm_bindgen_test]
fn the_identity_survives_in_local_storage_and_a_corrupt_entry_is_dropped() {
    storage::clear_identity();
    assert_eq!(storage::load_identity(), None);
    let me = sample_me();
    storage::save_identity(&me);
    assert_eq!(storage::load_identity(), Some(me));

    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    local.set_item("veld.identity.v1", "{not json").unwrap();
    assert_eq!(storage::load_identity(), None);
    assert_eq!(local.get_item("veld.identity.v1").unwrap(), None, "the corrupt entry is removed");
}

#[wasm_bindgen_test]
fn the_login_language_choice_is_remembered() {
    storage::save_language(Language::Nl);
    assert_eq!(storage::load_language(), Some(Language::Nl));
    storage::save_language(Language::En);
    assert_eq!(storage::load_language(), Some(Language::En));
}

#[wasm_bindgen_test]
async fn the_login_form_reports_missing_input_next_to_each_field() {
    storage::clear_identity();
    storage::save_language(Language::En);
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), || {
        state::provide_store();
        view! { <LoginPage/> }
    });
    settle().await;

    let text =
        |selector: &str| host.query_selector(selector).unwrap().and_then(|e| e.text_content()).unwrap_or_default();
    let submit = || {
        host.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click()
    };
    assert_eq!(text("h1"), "Log in to Veld");
    submit();
    settle().await;
    assert_eq!(text("#login-email-error"), "Enter your e-mail address.");
    let email = host.query_selector("#login-email").unwrap().unwrap();
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));

    let input: web_sys::HtmlInputElement = email.unchecked_into();
    input.set_value("tom@veld.test");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    submit();
    settle().await;
    assert_eq!(text("#login-email-error"), "");
    assert_eq!(text("#login-password-error"), "Enter your password.");
    drop(handle);
}

#[wasm_bindgen_test]
async fn the_outbox_and_records_persist_in_indexed_db_and_acknowledged_changes_leave_the_outbox() {
    use veld_app::storage::local;
    use veld_domain::RecordKind;
    use veld_domain::sync::{Change, FieldState, Hlc, Mutation, Op, RecordState};

    let mut meta = local::load().await.expect("open the on-device database").meta;
    local::reset(&meta, false).await.unwrap();
    let hlc = Hlc { wall_ms: 1, counter: 0, client: meta.client_id };
    let record_id = uuid::Uuid::now_v7();
    for id in 1..=3 {
        let m = Mutation {
            id,
            kind: RecordKind::Lead,
            record_id,
            op: if id == 1 { Op::Create } else { Op::Update },
            fields: [("title".to_owned(), serde_json::json!(format!("v{id}")))].into(),
            base_versions: Default::default(),
            hlc,
        };
        meta.next_mutation = id + 1;
        local::enqueue(&m, &meta).await.unwrap();
    }
    let snapshot = local::load().await.unwrap();
    assert_eq!(snapshot.outbox.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(snapshot.meta.next_mutation, 4);

    // The server applied 1 and 2 and sent the record back: one transaction stores it all.
    let record = RecordState {
        id: record_id,
        kind: RecordKind::Lead,
        owner_id: UserId::new(),
        office_id: OfficeId::new(),
        version: 9,
        fields: [("title".to_owned(), FieldState { value: serde_json::json!("v2"), version: 9, hlc })].into(),
    };
    meta.cursor = 9;
    local::apply_pull(&[Change::Upsert { record: record.clone() }], 2, &[], &meta).await.unwrap();
    let snapshot = local::load().await.unwrap();
    assert_eq!(snapshot.records, vec![record]);
    assert_eq!(snapshot.outbox.iter().map(|m| m.id).collect::<Vec<_>>(), [3]);
    assert_eq!(snapshot.meta.cursor, 9);

    // Mutation 3 was refused (the pull reports it): it moves to the refused store with the rest.
    let refused = veld_domain::sync::Rejected {
        mutation: snapshot.outbox[0].clone(),
        code: veld_domain::sync::RejectCode::NotAllowed,
        reason: "not yours".into(),
        invalid: None,
    };
    local::apply_pull(&[Change::Remove { kind: RecordKind::Lead, id: record_id, version: 10 }], 3, &[refused], &meta)
        .await
        .unwrap();
    let snapshot = local::load().await.unwrap();
    assert!(snapshot.records.is_empty() && snapshot.outbox.is_empty());
    assert_eq!(snapshot.rejected.iter().map(|r| r.mutation.id).collect::<Vec<_>>(), [3]);
}
