//! Importing a CSV file (issue 14): choose a file → match its columns (suggested by the server
//! from the header, remembered on this device per header row) → the dry run, with counts and
//! the rows that are refused or merged and why (a report to download) → the run, with a
//! progress bar, on the server. The server reads, plans and imports (`veld_domain::import`);
//! the records arrive here by the ordinary sync.

use crate::components::icons::{self, Icon};
use crate::components::page::Page;
use crate::i18n::{Strings, field_label, invalid_text, use_i18n};
use crate::state::{OnlineError, Store, prefs};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use veld_domain::RecordKind;
use veld_domain::import::{ImportState, ImportView, Outcome, PlanRequest, RowReport};
use veld_domain::schema::names;

/// Report rows shown on the page (all of them are in the downloaded report).
const SHOWN: usize = 50;

/// The list a kind's records are in.
fn list_of(kind: RecordKind) -> (&'static str, fn(&Strings) -> &'static str) {
    match kind {
        RecordKind::Company => ("/companies", |t| t.nav.companies),
        RecordKind::Contact => ("/contacts", |t| t.nav.contacts),
        RecordKind::Lead => ("/leads", |t| t.nav.leads),
        _ => ("/opportunities", |t| t.nav.opportunities),
    }
}

/// Where this device keeps the mapping last used for a header row.
fn mapping_key(kind: RecordKind, headers: &[String]) -> String {
    // FNV-1a over the header row: the same columns find their mapping again.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in headers.join("\u{1f}").bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("veld.import.{}.{hash:016x}", kind.as_str())
}

/// A field a column can fill, in the user's words.
fn target_label(t: &Strings, field: &str) -> String {
    match field {
        names::COMPANY_ID => t.import.company_by_name.to_owned(),
        other => field_label(t, other),
    }
}

fn outcome_label(t: &Strings, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Created => t.import.created,
        Outcome::Updated => t.import.updated,
        Outcome::Merged => t.import.merged,
        Outcome::Unchanged => t.import.unchanged,
        Outcome::Refused => t.import.refused,
    }
}

/// Why a row of the report is as it is.
fn reason(t: &Strings, headers: &[String], row: &RowReport) -> String {
    match (&row.problem, row.merged_with) {
        (Some(problem), _) => {
            let column = row.column.and_then(|c| headers.get(c));
            match column {
                Some(c) => format!("{c}: {}", invalid_text(t, problem)),
                None => invalid_text(t, problem),
            }
        }
        (None, Some(line)) => (t.import.merged_with)(line),
        (None, None) => String::new(),
    }
}

fn error_text(t: &Strings, err: &OnlineError) -> String {
    match err {
        OnlineError::Offline => t.import.offline.to_owned(),
        OnlineError::NotFound => t.err.server.to_owned(),
        OnlineError::Refused { code, message, .. } => match code {
            veld_domain::api::ErrorCode::Forbidden => t.list.not_allowed.to_owned(),
            // The server's words say which row or column (its own checks of the file).
            _ => message.clone(),
        },
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let t = use_i18n();
    let params = use_params_map();
    let kind = params.with_untracked(|p| p.get("kind")).and_then(|k| RecordKind::parse(&k));
    match kind.filter(|k| veld_domain::import::KINDS.contains(k)) {
        Some(kind) => view! { <Importer kind=kind/> }.into_any(),
        None => view! {
            <Page title=Signal::derive(move || t().import.title) intro=Signal::derive(move || t().import.intro)>
                <p>{move || t().app.not_found_why}</p>
            </Page>
        }
        .into_any(),
    }
}

#[component]
fn Importer(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let (list_path, list_name) = list_of(kind);
    let current = RwSignal::new(None::<ImportView>);
    let mapping = RwSignal::new(Vec::<Option<String>>::new());
    // Back from the dry run to the columns.
    let remapping = RwSignal::new(false);
    let busy = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();

    let fail = move |err: OnlineError| {
        busy.set(None);
        error.set(Some(error_text(t(), &err)));
    };
    let upload = move |file: web_sys::File| {
        error.set(None);
        busy.set(Some(t().import.reading));
        spawn_local(async move {
            match store.import_upload(kind, &file.name(), &file).await {
                Ok(view) => {
                    let remembered: Option<Vec<Option<String>>> = prefs::load(&mapping_key(kind, &view.headers));
                    let fits = |m: &Vec<Option<String>>| {
                        m.len() == view.headers.len() && m.iter().flatten().all(|f| view.targets.contains(f))
                    };
                    mapping.set(remembered.filter(fits).unwrap_or_else(|| view.suggested.clone()));
                    busy.set(None);
                    current.set(Some(view));
                    crate::components::ui::focus_id("import-map-heading");
                }
                Err(err) => fail(err),
            }
        });
    };
    let picked = move |_| {
        let file = input.get_untracked().and_then(|el| el.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            upload(file);
        }
    };
    let dropped = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            upload(file);
        }
    };
    let check = move |_| {
        let Some(id) = current.with_untracked(|v| v.as_ref().map(|v| v.id)) else { return };
        let request = PlanRequest { mapping: mapping.get_untracked(), match_on: None };
        if let Some(headers) = current.with_untracked(|v| v.as_ref().map(|v| v.headers.clone())) {
            prefs::save(&mapping_key(kind, &headers), &request.mapping);
        }
        error.set(None);
        busy.set(Some(t().import.checking));
        spawn_local(async move {
            match store.import_plan(id, &request).await {
                Ok(view) => {
                    busy.set(None);
                    remapping.set(false);
                    current.set(Some(view));
                    crate::components::ui::focus_id("import-check-heading");
                }
                Err(err) => fail(err),
            }
        });
    };
    let run = move |_| {
        let Some(id) = current.with_untracked(|v| v.as_ref().map(|v| v.id)) else { return };
        error.set(None);
        spawn_local(async move {
            match store.import_run(id).await {
                Ok(view) => {
                    current.set(Some(view));
                    crate::components::ui::focus_id("import-run-heading");
                    poll(store, id, current);
                }
                Err(err) => fail(err),
            }
        });
    };
    let report = move |_| {
        let Some(view) = current.get_untracked() else { return };
        let t = t();
        let mut header: Vec<&str> = vec![t.import.line, t.import.outcome, t.import.reason];
        header.extend(view.headers.iter().map(String::as_str));
        let rows = view.rows.iter().map(|r| {
            let mut cells =
                vec![r.line.to_string(), outcome_label(t, r.outcome).to_owned(), reason(t, &view.headers, r)];
            cells.extend(r.cells.iter().cloned());
            cells
        });
        let file =
            veld_domain::export::csv(&header, rows, veld_domain::export::separator(store.language.get_untracked()));
        let name = format!(
            "{}-{}.csv",
            view.file_name.trim_end_matches(".csv"),
            t.import.report.to_lowercase().replace(' ', "-")
        );
        crate::components::ui::save_text(&file, "text/csv;charset=utf-8", &name);
    };
    let again = move |_| {
        current.set(None);
        remapping.set(false);
        error.set(None);
        crate::components::ui::focus_id("import-file-heading");
    };

    let step = move || current.with(|v| v.as_ref().map(|v| v.state));
    let choose = move || {
        view! {
            <section class="card import-step" aria-labelledby="import-file-heading">
                <h2 id="import-file-heading" tabindex="-1">{move || t().import.step_file}</h2>
                <label class="file-drop" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=dropped>
                    <Icon d=icons::UPLOAD/>
                    <span class="file-drop-title">{move || t().import.choose_file}</span>
                    <span class="muted">{move || t().import.file_hint}</span>
                    <input class="visually-hidden" type="file" accept=".csv,text/csv,text/plain" node_ref=input on:change=picked/>
                </label>
            </section>
        }
    };
    let map = move || {
        let view = current.get()?;
        let t = t();
        let rows = view
            .headers
            .iter()
            .enumerate()
            .map(|(i, header)| {
                let example: Vec<String> =
                    view.sample.iter().filter_map(|r| r.get(i)).filter(|c| !c.is_empty()).take(2).cloned().collect();
                let options = view
                    .targets
                    .iter()
                    .map(|f| {
                        let f = f.clone();
                        let value = f.clone();
                        let selected = move || mapping.with(|m| m.get(i).cloned().flatten().as_deref() == Some(f.as_str()));
                        view! { <option value=value.clone() selected=selected>{target_label(t, &value)}</option> }
                    })
                    .collect_view();
                let label = format!("{} – {header}", t.import.field);
                view! {
                    <li class="import-column">
                        <span class="import-header">{header.clone()}</span>
                        <span class="import-example muted">{example.join(" · ")}</span>
                        <select aria-label=label on:change=move |ev| {
                            let value = event_target_value(&ev);
                            mapping.update(|m| if let Some(slot) = m.get_mut(i) {
                                *slot = (!value.is_empty()).then_some(value);
                            });
                        }>
                            <option value="" selected=move || mapping.with(|m| m.get(i).cloned().flatten().is_none())>{t.import.skip}</option>
                            {options}
                        </select>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="card import-step" aria-labelledby="import-map-heading">
                <h2 id="import-map-heading" tabindex="-1">{t.import.step_map}</h2>
                <p class="muted">{(t.import.map_hint)(&view.file_name, view.total)}</p>
                <div class="import-columns-head" aria-hidden="true">
                    <span>{t.import.column}</span><span>{t.import.example}</span><span>{t.import.field}</span>
                </div>
                <ul class="import-columns">{rows}</ul>
                <div class="form-actions">
                    <button type="button" class="button" on:click=again>{t.import.another}</button>
                    <button type="button" class="button primary" on:click=check disabled=move || busy.with(Option::is_some)>{t.import.check}</button>
                </div>
            </section>
        })
    };
    let counts = move |c: veld_domain::import::Counts| {
        let t = t();
        let tiles = [
            (t.import.created, c.created, "created"),
            (t.import.updated, c.updated, "updated"),
            (t.import.merged, c.merged, "merged"),
            (t.import.unchanged, c.unchanged, "unchanged"),
            (t.import.refused, c.refused, "refused"),
            (t.import.companies, c.companies, "companies"),
        ];
        let grouped = move |n: u64| {
            crate::i18n::grouped(n, if store.language.get_untracked() == veld_domain::Language::En { ',' } else { '.' })
        };
        view! {
            <dl class="import-counts">
                {tiles.into_iter().filter(|(_, n, class)| *n > 0 || !matches!(*class, "companies" | "unchanged")).map(|(label, n, class)| view! {
                    <div class=format!("import-count {class}")><dt>{label}</dt><dd>{grouped(n)}</dd></div>
                }).collect_view()}
            </dl>
        }
    };
    let report_table = move |view: &ImportView| {
        let t = t();
        if view.rows.is_empty() {
            return None;
        }
        let shown = view
            .rows
            .iter()
            .take(SHOWN)
            .map(|r| {
                let refused = r.outcome == Outcome::Refused;
                view! {
                    <li class="import-row" class:refused=refused>
                        <span class="import-line">{format!("{} {}", t.import.line, r.line)}</span>
                        <span class="pill">{outcome_label(t, r.outcome)}</span>
                        <span class="import-reason">{reason(t, &view.headers, r)}</span>
                        <span class="import-cells muted">{r.cells.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" · ")}</span>
                    </li>
                }
            })
            .collect_view();
        let more = view.rows.len().saturating_sub(SHOWN);
        Some(view! {
            <ul class="import-report" aria-label=t.import.report_rows>{shown}</ul>
            {(more > 0).then(|| view! { <p class="muted">{(t.import.more_rows)(more)}</p> })}
            <button type="button" class="button" on:click=report><Icon d=icons::DOWNLOAD/><span>{t.import.report}</span></button>
        })
    };
    let planned = move || {
        let view = current.get()?;
        let t = t();
        let c = view.planned.unwrap_or_default();
        let to_do = c.created + c.updated + c.merged;
        Some(view! {
            <section class="card import-step" aria-labelledby="import-check-heading">
                <h2 id="import-check-heading" tabindex="-1">{t.import.step_check}</h2>
                {counts(c)}
                {report_table(&view)}
                {(to_do == 0).then(|| view! { <p class="muted">{t.import.nothing}</p> })}
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| { remapping.set(true); crate::components::ui::focus_id("import-map-heading"); }>{t.import.change_mapping}</button>
                    <button type="button" class="button primary" on:click=run disabled=to_do == 0>{(t.import.run)(to_do)}</button>
                </div>
            </section>
        })
    };
    let running = move || {
        let view = current.get()?;
        let t = t();
        let finished = view.state == ImportState::Done;
        let (done, total) = (view.done, view.total.max(1));
        Some(view! {
            <section class="card import-step" aria-labelledby="import-run-heading">
                <h2 id="import-run-heading" tabindex="-1">{if finished { t.import.done } else { t.import.progress }}</h2>
                <progress class="import-progress" aria-label=t.import.progress max=total value=done></progress>
                <p role="status">{(t.import.progress_text)(view.done, view.total)}</p>
                {if finished {
                    view! {
                        {counts(view.result)}
                        {report_table(&view)}
                        <div class="form-actions">
                            <button type="button" class="button" on:click=again>{t.import.another}</button>
                            <A href=list_path attr:class="button primary">{t.import.open_list}</A>
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="muted">{t.import.running_hint}</p> }.into_any()
                }}
            </section>
        })
    };
    let body = move || match step() {
        None => choose().into_any(),
        Some(ImportState::Uploaded) => map().into_any(),
        Some(ImportState::Planned) if remapping.get() => map().into_any(),
        Some(ImportState::Planned) => planned().into_any(),
        Some(ImportState::Running | ImportState::Done) => running().into_any(),
    };
    view! {
        <Page title=Signal::derive(move || t().import.title) intro=Signal::derive(move || t().import.intro)>
            <div class="import-page">
                <p class="import-into">
                    <A href=list_path>{move || (t().import.into)(list_name(t()))}</A>
                </p>
                {body}
                <p class="muted" role="status">{move || busy.get()}</p>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        </Page>
    }
}

/// Asks for a running import's progress until it is done (or the page is gone).
fn poll(store: Store, id: uuid::Uuid, current: RwSignal<Option<ImportView>>) {
    set_timeout(
        move || {
            spawn_local(async move {
                let result = store.import_status(id).await;
                let running = match result {
                    Ok(view) => {
                        let running = view.state == ImportState::Running;
                        if current.try_set(Some(view)).is_some() {
                            // The page is gone.
                            return;
                        }
                        running
                    }
                    // Offline for a moment: ask again.
                    Err(_) => current.try_with_untracked(|_| ()).is_some(),
                };
                if running {
                    poll(store, id, current);
                }
            });
        },
        std::time::Duration::from_millis(600),
    );
}
