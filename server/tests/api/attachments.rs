//! Attachment files (DM-8) against a real server: a record that syncs like any other, and its
//! bytes uploaded and downloaded beside it, within the user's scope and the size limit.

use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;
use crate::sync::{Device, outcomes};
use serde_json::json;
use uuid::Uuid;
use veld_domain::RecordKind;
use veld_domain::records::ATTACHMENT_LIMIT;
use veld_domain::sync::Op;

on_both_databases!(
    an_attachment_uploads_downloads_and_goes_with_its_record,
    attachments_respect_scope_and_the_limit,
    a_file_the_browser_would_run_is_downloaded_as_bytes,
);

fn now_ms() -> i64 {
    veld_server::db::now_ms()
}

fn file_url(app: &TestApp, id: Uuid) -> String {
    app.url(&format!("/api/attachments/{id}/file"))
}

/// Creates an attachment record of `size` bytes and returns its id.
async fn attachment(app: &TestApp, device: &mut Device, name: &str, size: u64) -> Uuid {
    let id = Uuid::now_v7();
    let fields = json!({"name": name, "type": "quote", "size": size, "content_type": "application/pdf"});
    let create = device.mutation_of(RecordKind::Attachment, Op::Create, id, fields, &[], now_ms());
    assert_eq!(outcomes(&device.push_ok(app, &[create]).await), ["applied"]);
    id
}

async fn an_attachment_uploads_downloads_and_goes_with_its_record(app: &TestApp) {
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let id = attachment(app, &mut sanne, "Offerte Ç 2026.pdf", bytes.len() as u64).await;

    // Before the upload the record exists and says so.
    let early = sanne.client.get(file_url(app, id)).send().await.unwrap();
    let body = expect_error(early, 404, "not_found").await;
    assert!(body["message"].as_str().unwrap().contains("not been uploaded"), "{body}");

    // A file whose size differs from the record's is refused, naming both.
    let wrong = sanne.client.put(file_url(app, id)).body(vec![1u8; 10]).send().await.unwrap();
    let body = expect_error(wrong, 422, "validation").await;
    assert!(body["message"].as_str().unwrap().contains("10 bytes"), "{body}");

    let put = sanne
        .client
        .put(file_url(app, id))
        .header("content-type", "application/pdf")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status().as_u16(), 204);
    // A retried upload replaces the file rather than failing.
    let again = sanne.client.put(file_url(app, id)).header("content-type", "application/pdf").body(bytes.clone());
    assert_eq!(again.send().await.unwrap().status().as_u16(), 204);

    // Tom, of the same office, may see and download it.
    let tom = Device::new(app, "tom@veld.test").await;
    let got = tom.client.get(file_url(app, id)).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    let disposition = got.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("filename*=UTF-8''Offerte%20%C3%87%202026.pdf"), "{disposition}");
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);

    // Deleting the record deletes the file.
    let delete = sanne.mutation_of(RecordKind::Attachment, Op::Delete, id, json!({}), &[], now_ms());
    assert_eq!(outcomes(&sanne.push_ok(app, &[delete]).await), ["applied"]);
    let gone = sanne.client.get(file_url(app, id)).send().await.unwrap();
    expect_error(gone, 404, "not_found").await;
}

async fn attachments_respect_scope_and_the_limit(app: &TestApp) {
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    let id = attachment(app, &mut sanne, "brochure.pdf", 5).await;
    let put = sanne.client.put(file_url(app, id)).body(vec![7u8; 5]).send().await.unwrap();
    assert_eq!(put.status().as_u16(), 204);

    // Lotte works in another office: the attachment does not exist for her.
    let lotte = Device::new(app, "lotte@veld.test").await;
    expect_error(lotte.client.get(file_url(app, id)).send().await.unwrap(), 404, "not_found").await;
    // Tom may see it but not replace Sanne's file.
    let tom = Device::new(app, "tom@veld.test").await;
    let put = tom.client.put(file_url(app, id)).body(vec![1u8; 5]).send().await.unwrap();
    expect_error(put, 403, "forbidden").await;
    // Not logged in: nothing.
    expect_error(app.client().get(file_url(app, id)).send().await.unwrap(), 401, "unauthenticated").await;

    // Above the limit: refused as JSON saying the size and the limit, and the stored file stays.
    let big = vec![0u8; ATTACHMENT_LIMIT as usize + 1];
    let res = sanne.client.put(file_url(app, id)).body(big).send().await.unwrap();
    let body = expect_error(res, 413, "payload_too_large").await;
    assert!(body["message"].as_str().unwrap().contains("the limit is 10.0 MB"), "{body}");
    let kept = sanne.client.get(file_url(app, id)).send().await.unwrap();
    assert_eq!(kept.bytes().await.unwrap().to_vec(), vec![7u8; 5]);

    // A record stating a size above the limit is refused by the sync, with the reason.
    let too_big = Uuid::now_v7();
    let fields = json!({"name": "video.mp4", "type": "other", "size": ATTACHMENT_LIMIT + 1});
    let create = sanne.mutation_of(RecordKind::Attachment, Op::Create, too_big, fields, &[], now_ms());
    let body = sanne.push_ok(app, &[create]).await;
    assert_eq!(outcomes(&body), ["rejected"]);
    assert!(body["results"][0]["reason"].as_str().unwrap().contains("limit"), "{body}");
    // An unknown type too.
    let odd = sanne.mutation_of(
        RecordKind::Attachment,
        Op::Create,
        Uuid::now_v7(),
        json!({"name": "x.txt", "type": "selfie", "size": 1}),
        &[],
        now_ms(),
    );
    assert_eq!(outcomes(&sanne.push_ok(app, &[odd]).await), ["rejected"]);
}

async fn a_file_the_browser_would_run_is_downloaded_as_bytes(app: &TestApp) {
    let mut sanne = Device::new(app, "sanne@veld.test").await;
    for (declared, served) in [
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/xhtml+xml; charset=utf-8", "application/octet-stream"),
        ("image/png", "image/png"),
    ] {
        let bytes = b"<script>alert(document.cookie)</script>".to_vec();
        let id = attachment(app, &mut sanne, "page.html", bytes.len() as u64).await;
        let put =
            sanne.client.put(file_url(app, id)).header("content-type", declared).body(bytes).send().await.unwrap();
        assert_eq!(put.status().as_u16(), 204);
        let got = sanne.client.get(file_url(app, id)).send().await.unwrap();
        assert_eq!(got.headers()["content-type"], served, "{declared}");
        assert!(got.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        let policy = got.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.starts_with("default-src 'none'"), "{policy}");
    }
}
