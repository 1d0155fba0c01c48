//! The i18n layer. Every string the user sees is a field of [`Strings`]; each language is one
//! `static` of it, so a language missing a string does not compile. Stage and table labels,
//! which administrators edit, come translated from the data instead.

use crate::state::Store;
use leptos::prelude::*;
use veld_domain::Language;
use veld_domain::api::ErrorCode;

pub struct Strings {
    pub app_name: &'static str,
    pub tagline: &'static str,
    // Navigation
    pub nav_main: &'static str,
    pub nav_leads: &'static str,
    pub nav_opportunities: &'static str,
    pub nav_pipeline: &'static str,
    pub nav_companies: &'static str,
    pub nav_contacts: &'static str,
    pub nav_activities: &'static str,
    pub nav_admin: &'static str,
    pub nav_more: &'static str,
    pub nav_close: &'static str,
    pub skip_to_content: &'static str,
    // Status
    pub status_online: &'static str,
    pub status_offline: &'static str,
    pub status_unreachable: &'static str,
    pub status_saved: &'static str,
    pub status_syncing: &'static str,
    pub status_sync_failed: &'static str,
    pub status_pending: fn(usize) -> String,
    pub status_offline_hint: &'static str,
    pub update_available: &'static str,
    pub update_reload: &'static str,
    // Account
    pub account_menu: &'static str,
    pub language: &'static str,
    pub logout: &'static str,
    // Login
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub login_busy: &'static str,
    pub err_email_empty: &'static str,
    pub err_email_malformed: &'static str,
    pub err_password_empty: &'static str,
    pub err_credentials: &'static str,
    pub err_rate_limited: &'static str,
    pub err_network: &'static str,
    pub err_server: &'static str,
    // Lists and pages
    pub loading: &'static str,
    pub search: &'static str,
    pub empty_list: &'static str,
    pub offline_list: &'static str,
    pub not_allowed: &'static str,
    pub leads_intro: &'static str,
    pub opportunities_intro: &'static str,
    pub pipeline_intro: &'static str,
    pub companies_intro: &'static str,
    pub contacts_intro: &'static str,
    pub activities_intro: &'static str,
    pub activities_empty: &'static str,
    pub admin_intro: &'static str,
    pub admin_users: &'static str,
    pub not_found_title: &'static str,
    pub not_found_back: &'static str,
    // Columns
    pub col_number: &'static str,
    pub col_title: &'static str,
    pub col_name: &'static str,
    pub col_stage: &'static str,
    pub col_source: &'static str,
    pub col_value: &'static str,
    pub col_probability: &'static str,
    pub col_close_date: &'static str,
    pub col_industry: &'static str,
    pub col_city: &'static str,
    pub col_status: &'static str,
    pub col_email: &'static str,
    pub col_phone: &'static str,
    pub col_function: &'static str,
    pub col_office: &'static str,
    pub col_role: &'static str,
    pub col_language: &'static str,
    pub count_records: fn(usize) -> String,
    pub retry_in: fn(u64) -> String,
}

pub static EN: Strings = Strings {
    app_name: "Veld",
    tagline: "Leads and opportunities, online or off.",
    nav_main: "Main",
    nav_leads: "Leads",
    nav_opportunities: "Opportunities",
    nav_pipeline: "Pipeline",
    nav_companies: "Companies",
    nav_contacts: "Contacts",
    nav_activities: "Activities",
    nav_admin: "Admin",
    nav_more: "More",
    nav_close: "Close menu",
    skip_to_content: "Skip to content",
    status_online: "Online",
    status_offline: "Offline",
    status_unreachable: "Server unreachable",
    status_saved: "All changes saved",
    status_syncing: "Syncing…",
    status_sync_failed: "Sync failed; retrying",
    status_pending: |n| if n == 1 { "1 change to send".into() } else { format!("{n} changes to send") },
    status_offline_hint: "You are offline. Veld keeps working with what is on this device.",
    update_available: "A new version of Veld is available.",
    update_reload: "Reload",
    account_menu: "Account",
    language: "Language",
    logout: "Log out",
    login_title: "Log in to Veld",
    login_intro: "Use the e-mail address and password your administrator gave you.",
    email: "E-mail address",
    password: "Password",
    login_submit: "Log in",
    login_busy: "Logging in…",
    err_email_empty: "Enter your e-mail address.",
    err_email_malformed: "This is not an e-mail address; check for typos.",
    err_password_empty: "Enter your password.",
    err_credentials: "Wrong e-mail address or password.",
    err_rate_limited: "Too many failed attempts.",
    err_network: "Cannot reach the server. Check your connection and try again.",
    err_server: "Something went wrong on the server. Try again in a moment.",
    loading: "Loading…",
    search: "Search",
    empty_list: "Nothing here yet.",
    offline_list: "This device has not downloaded your data yet; connect once to work offline.",
    not_allowed: "Your role does not give access to this page.",
    leads_intro: "Prospects that marketing and sales are working on.",
    opportunities_intro: "Deals in progress, with their value and chance of winning.",
    pipeline_intro: "Open opportunities by stage.",
    companies_intro: "Customers, prospects and partners.",
    contacts_intro: "The people at those companies.",
    activities_intro: "Calls, meetings, tasks, e-mails and notes.",
    activities_empty: "No activities yet.",
    admin_intro: "Users, offices and roles.",
    admin_users: "Users",
    not_found_title: "This page does not exist.",
    not_found_back: "Go to the start page",
    col_number: "No.",
    col_title: "Title",
    col_name: "Name",
    col_stage: "Stage",
    col_source: "Source",
    col_value: "Value",
    col_probability: "Probability",
    col_close_date: "Expected close",
    col_industry: "Industry",
    col_city: "City",
    col_status: "Status",
    col_email: "E-mail",
    col_phone: "Phone",
    col_function: "Function",
    col_office: "Office",
    col_role: "Role",
    col_language: "Language",
    count_records: |n| if n == 1 { "1 record".into() } else { format!("{n} records") },
    retry_in: |s| format!("Try again in {} minute(s).", s.div_ceil(60)),
};

pub static NL: Strings = Strings {
    app_name: "Veld",
    tagline: "Leads en opportunities, online of offline.",
    nav_main: "Hoofdmenu",
    nav_leads: "Leads",
    nav_opportunities: "Opportunities",
    nav_pipeline: "Pijplijn",
    nav_companies: "Bedrijven",
    nav_contacts: "Contactpersonen",
    nav_activities: "Activiteiten",
    nav_admin: "Beheer",
    nav_more: "Meer",
    nav_close: "Menu sluiten",
    skip_to_content: "Naar de inhoud",
    status_online: "Online",
    status_offline: "Offline",
    status_unreachable: "Server onbereikbaar",
    status_saved: "Alles opgeslagen",
    status_syncing: "Synchroniseren…",
    status_sync_failed: "Synchroniseren mislukt; opnieuw proberen",
    status_pending: |n| {
        if n == 1 { "1 wijziging te versturen".into() } else { format!("{n} wijzigingen te versturen") }
    },
    status_offline_hint: "Je bent offline. Veld werkt verder met wat op dit apparaat staat.",
    update_available: "Er is een nieuwe versie van Veld.",
    update_reload: "Herladen",
    account_menu: "Account",
    language: "Taal",
    logout: "Uitloggen",
    login_title: "Inloggen bij Veld",
    login_intro: "Gebruik het e-mailadres en wachtwoord dat je van je beheerder kreeg.",
    email: "E-mailadres",
    password: "Wachtwoord",
    login_submit: "Inloggen",
    login_busy: "Bezig met inloggen…",
    err_email_empty: "Vul je e-mailadres in.",
    err_email_malformed: "Dit is geen e-mailadres; controleer op typefouten.",
    err_password_empty: "Vul je wachtwoord in.",
    err_credentials: "Onjuist e-mailadres of wachtwoord.",
    err_rate_limited: "Te veel mislukte pogingen.",
    err_network: "De server is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.",
    err_server: "Er ging iets mis op de server. Probeer het zo opnieuw.",
    loading: "Laden…",
    search: "Zoeken",
    empty_list: "Hier staat nog niets.",
    offline_list: "Dit apparaat heeft je gegevens nog niet gedownload; maak één keer verbinding om offline te werken.",
    not_allowed: "Je rol geeft geen toegang tot deze pagina.",
    leads_intro: "Prospects waar marketing en sales mee bezig zijn.",
    opportunities_intro: "Lopende deals, met hun waarde en slaagkans.",
    pipeline_intro: "Open opportunities per fase.",
    companies_intro: "Klanten, prospects en partners.",
    contacts_intro: "De mensen bij die bedrijven.",
    activities_intro: "Gesprekken, afspraken, taken, e-mails en notities.",
    activities_empty: "Nog geen activiteiten.",
    admin_intro: "Gebruikers, vestigingen en rollen.",
    admin_users: "Gebruikers",
    not_found_title: "Deze pagina bestaat niet.",
    not_found_back: "Naar de startpagina",
    col_number: "Nr.",
    col_title: "Titel",
    col_name: "Naam",
    col_stage: "Fase",
    col_source: "Bron",
    col_value: "Waarde",
    col_probability: "Kans",
    col_close_date: "Verwachte afsluiting",
    col_industry: "Branche",
    col_city: "Plaats",
    col_status: "Status",
    col_email: "E-mail",
    col_phone: "Telefoon",
    col_function: "Functie",
    col_office: "Vestiging",
    col_role: "Rol",
    col_language: "Taal",
    count_records: |n| if n == 1 { "1 record".into() } else { format!("{n} records") },
    retry_in: |s| format!("Probeer het over {} minuut/minuten opnieuw.", s.div_ceil(60)),
};

pub fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::En => &EN,
        Language::Nl => &NL,
    }
}

/// The current language's strings, read reactively: `let t = use_i18n(); t().logout`.
pub fn use_i18n() -> impl Fn() -> &'static Strings + Copy + Send + Sync + 'static {
    let store = expect_context::<Store>();
    move || strings(store.language.get())
}

/// The translated text for an API error code.
pub fn error_text(t: &Strings, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidCredentials => t.err_credentials,
        ErrorCode::RateLimited => t.err_rate_limited,
        ErrorCode::Forbidden => t.not_allowed,
        ErrorCode::Unavailable | ErrorCode::Internal => t.err_server,
        _ => t.err_server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_own_texts() {
        // The struct makes every string present; this guards against copy-paste left untranslated.
        let (en, nl) = (strings(Language::En), strings(Language::Nl));
        assert_ne!(en.logout, nl.logout);
        assert_ne!(en.login_title, nl.login_title);
        assert_eq!((en.count_records)(1), "1 record");
        assert_eq!((en.count_records)(3), "3 records");
        assert!((nl.retry_in)(61).contains('2'));
    }
}
