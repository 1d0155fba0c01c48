//! The login page: client-side checks first, then the server's answer next to the right field.

use crate::components::shell::LanguagePicker;
use crate::i18n::{error_text, use_i18n};
use crate::state::ApiFailure;
use crate::state::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use veld_domain::Email;
use veld_domain::api::ErrorCode;
use veld_domain::email::EmailError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let store = expect_context::<Store>();
    let t = use_i18n();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let email_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        email_error.set(None);
        password_error.set(None);
        form_error.set(None);
        let address = email.get_untracked();
        if let Err(e) = Email::parse(&address) {
            email_error.set(Some(
                match e {
                    EmailError::Empty => t.err.email_empty,
                    _ => t.err.email_malformed,
                }
                .to_owned(),
            ));
            if let Some(input) = email_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        let secret = password.get_untracked();
        if secret.is_empty() {
            password_error.set(Some(t.err.password_empty.to_owned()));
            if let Some(input) = password_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = store.login(address, secret).await;
            busy.set(false);
            match result {
                Ok(()) => {}
                Err(ApiFailure::Network) => form_error.set(Some(t.err.network.to_owned())),
                Err(ApiFailure::Server(body)) => match (body.error, body.field.as_deref()) {
                    (ErrorCode::InvalidCredentials, _) | (ErrorCode::Validation, Some("password")) => {
                        password_error.set(Some(t.err.credentials.to_owned()));
                        password.set(String::new());
                        if let Some(input) = password_input.get_untracked() {
                            let _ = input.focus();
                        }
                    }
                    (ErrorCode::Validation, Some("email")) => email_error.set(Some(t.err.email_malformed.to_owned())), // not a record field
                    (ErrorCode::RateLimited, _) => form_error.set(Some(format!(
                        "{} {}",
                        t.err.rate_limited,
                        (t.pending.retry_in)(body.retry_after_secs.unwrap_or(60))
                    ))),
                    (code, _) => form_error.set(Some(error_text(t, code).to_owned())),
                },
            }
        });
    };

    view! {
        <Show when=move || store.me.with(Option::is_some)>
            <Redirect path="/"/>
        </Show>
        <main class="login" id="main">
            <div class="card narrow">
                <div class="login-brand">
                    <img src="/icons/icon.svg" alt="" width="48" height="48"/>
                    <p class="tagline">{move || t().app.tagline}</p>
                </div>
                <h1>{move || t().login.title}</h1>
                <p class="muted">{move || t().login.intro}</p>
                <form on:submit=submit novalidate>
                    <div class="field">
                        <label for="login-email">{move || t().login.email}</label>
                        <input
                            id="login-email"
                            node_ref=email_input
                            type="email"
                            name="email"
                            autocomplete="username"
                            inputmode="email"
                            autocapitalize="none"
                            spellcheck="false"
                            aria-invalid=move || email_error.with(Option::is_some).to_string()
                            aria-describedby="login-email-error"
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                        />
                        <p class="field-error" id="login-email-error">{move || email_error.get()}</p>
                    </div>
                    <div class="field">
                        <label for="login-password">{move || t().login.password}</label>
                        <input
                            id="login-password"
                            node_ref=password_input
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            aria-invalid=move || password_error.with(Option::is_some).to_string()
                            aria-describedby="login-password-error"
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                        <p class="field-error" id="login-password-error">{move || password_error.get()}</p>
                    </div>
                    <p class="form-error" role="alert">{move || form_error.get()}</p>
                    <button type="submit" class="button primary wide" disabled=move || busy.get()>
                        {move || if busy.get() { t().login.busy } else { t().login.submit }}
                    </button>
                </form>
                <div class="login-footer">
                    <LanguagePicker/>
                </div>
            </div>
        </main>
    }
}
