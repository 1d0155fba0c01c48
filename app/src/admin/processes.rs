//! A scheduled process's editor (TR-2): what it does, its schedule; Save, and Run now (online).

use super::ConfigDraft;
use crate::i18n::{Strings, use_i18n};
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::api::ProcessRunView;
use veld_domain::automation::{ProcessDef, ProcessKind};

/// "Close inactive opportunities" after `days` days, with the reason in the administrator's
/// language (the process writes it into each closed opportunity's lost reason).
pub(super) fn close_inactive(t: &Strings, days: u32) -> ProcessKind {
    ProcessKind::CloseInactive { days, reason: (t.auto.no_activity_for)(days) }
}

/// The reason after the days change: the default sentence follows the new number; a reason the
/// administrator wrote stays.
fn follow_days(t: &Strings, reason: &str, old: u32, new: u32) -> String {
    if reason.trim().is_empty() || reason == (t.auto.no_activity_for)(old) {
        (t.auto.no_activity_for)(new)
    } else {
        reason.to_owned()
    }
}

/// What started a run, in the user's words.
pub(super) fn trigger_label(t: &Strings, trigger: &str) -> String {
    match trigger {
        "manual" => t.auto.run_manual.to_owned(),
        "schedule" => t.auto.run_scheduled.to_owned(),
        other => crate::format::humanize(other),
    }
}

/// One scheduled process: name, what it does, its schedule; Save, and Run now (online).
#[component]
pub(super) fn ProcessEditor(
    id: uuid::Uuid,
    process: ProcessDef,
    all: Memo<Vec<(uuid::Uuid, ProcessDef)>>,
    last_run: RwSignal<Option<Result<ProcessRunView, String>>>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let editor = ConfigDraft::new(id, process.clone(), all);
    let (draft, notice) = (editor.draft, editor.notice);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.save();
    };
    let code = process.code.clone();
    let run_now = move |_| {
        let code = code.clone();
        spawn_local(async move {
            let result = store.run_process(&code).await;
            let t = crate::i18n::strings(store.language.get_untracked());
            last_run.set(Some(result.map_err(|e| e.text(t))));
        });
    };
    let p = format!("process-{id}");
    let (name_id, type_id, days_id, reason_id, every_id) =
        (format!("{p}-name"), format!("{p}-type"), format!("{p}-days"), format!("{p}-reason"), format!("{p}-every"));
    let online = move || store.connection.get() == Connection::Online;
    view! {
        <li class="card config-item">
            <details>
                <summary>{move || draft.with(|p| p.name.clone())}</summary>
                <form on:submit=save novalidate aria-label=move || draft.with(|p| p.name.clone())>
                    <div class="form-grid">
                        <div class="field">
                            <label for=name_id.clone()>{move || t().col.name}</label>
                            <input id=name_id prop:value=move || draft.with(|p| p.name.clone()) on:input=move |ev| { let v = event_target_value(&ev); draft.update(|p| p.name = v); }/>
                        </div>
                        <div class="field">
                            <label for=type_id.clone()>{move || t().auto.process_type}</label>
                            <select id=type_id on:change=move |ev| {
                                let k = if event_target_value(&ev) == "refresh_leads" { ProcessKind::RefreshLeads } else { close_inactive(t(), 30) };
                                draft.update(|p| p.kind = k);
                            }>
                                <option value="close_inactive" selected=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::CloseInactive { .. })>{move || t().auto.proc_close_inactive}</option>
                                <option value="refresh_leads" selected=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::RefreshLeads)>{move || t().auto.proc_refresh_leads}</option>
                            </select>
                        </div>
                        <Show when=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::CloseInactive { .. })>
                            <div class="field">
                                <label for=days_id.clone()>{move || t().auto.days}</label>
                                <input id=days_id.clone() inputmode="numeric" prop:value=move || match draft.with(|p| p.kind.clone()) { ProcessKind::CloseInactive { days, .. } => days.to_string(), _ => String::new() }
                                    on:change=move |ev| { let Some(n) = editor.whole(&ev) else { return }; draft.update(|p| if let ProcessKind::CloseInactive { days, reason } = &mut p.kind { *reason = follow_days(t(), reason, *days, n); *days = n; }); }/>
                            </div>
                            <div class="field">
                                <label for=reason_id.clone()>{move || t().col.lost_reason}</label>
                                <input id=reason_id.clone() prop:value=move || match draft.with(|p| p.kind.clone()) { ProcessKind::CloseInactive { reason, .. } => reason, _ => String::new() }
                                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|p| if let ProcessKind::CloseInactive { reason, .. } = &mut p.kind { *reason = v; }); }/>
                            </div>
                        </Show>
                        <div class="field">
                            <label for=every_id.clone()>{move || t().auto.every_hours}</label>
                            <input id=every_id inputmode="numeric" prop:value=move || draft.with(|p| p.every_hours.to_string())
                                on:change=move |ev| { let Some(n) = editor.whole(&ev) else { return }; draft.update(|p| p.every_hours = n); }/>
                        </div>
                    </div>
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || draft.with(|p| p.active) on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|p| p.active = on); }/>
                        {move || t().admin.active}
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="button primary">{move || t().common.save}</button>
                        <button type="button" class="button" disabled=move || !online() on:click=run_now.clone()>{move || t().auto.run_now}</button>
                    </div>
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                </form>
            </details>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::Language;

    #[test]
    fn the_default_reason_is_in_the_admins_language_and_follows_the_days() {
        let nl = crate::i18n::strings(Language::Nl);
        assert_eq!(
            close_inactive(nl, 30),
            ProcessKind::CloseInactive { days: 30, reason: "Geen activiteit in 30 dagen".into() }
        );
        assert_eq!(follow_days(nl, "Geen activiteit in 30 dagen", 30, 60), "Geen activiteit in 60 dagen");
        assert_eq!(follow_days(nl, "Klant koos elders", 30, 60), "Klant koos elders", "a written reason stays");
        assert_eq!(follow_days(nl, " ", 30, 60), "Geen activiteit in 60 dagen");
    }

    #[test]
    fn a_runs_trigger_is_said_in_words() {
        let ro = crate::i18n::strings(Language::Ro);
        assert_eq!(trigger_label(ro, "manual"), ro.auto.run_manual);
        assert_eq!(trigger_label(ro, "schedule"), ro.auto.run_scheduled);
        assert_eq!(trigger_label(ro, "webhook"), "Webhook");
    }
}
