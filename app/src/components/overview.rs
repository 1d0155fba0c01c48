//! The leads and opportunities overview (LO-1, LO-2): a tab per stage group plus "mine", "my
//! office" and "all"; search as you type over title, company, contacts, e-mails and phones;
//! sortable columns; the bulk bar (`bulk_bar.rs`) for the selected rows; and a virtualised table that stays
//! fluid with tens of thousands of records on the device.
//!
//! The work is split so that a keystroke does the least: the rows (text to show and to search)
//! are built once per change of the data, their order once per change of the sort, and a
//! keystroke only filters that order and renders the visible window.

use crate::components::bulk_bar::BulkBar;
use crate::components::icons::{self, Icon};
use crate::components::overview_tools::{Condition, OverviewTools, ToolState, columns_key};
use crate::components::page::Page;
use crate::format::money;
use crate::i18n::{Strings, use_i18n};
use crate::state::{Connection, Shared, Store};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;
use std::sync::Arc;
use veld_domain::config::Table;
use veld_domain::records::{contact_name, text};
use veld_domain::{Action, OfficeId, RecordKind, UserId};

/// Height of one table row in pixels: the window maths relies on it (see `.records.virtual`).
const ROW_PX: f64 = 45.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;

/// One record as the overview shows and searches it, computed once per data change.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: uuid::Uuid,
    pub number: String,
    pub title: String,
    pub company: String,
    pub contacts: String,
    pub stage: String,
    pub stage_code: String,
    pub source_code: String,
    pub category_code: String,
    pub stage_index: i64,
    pub stage_group: String,
    pub source: String,
    pub value: Option<i64>,
    pub probability: Option<i64>,
    pub close_date: String,
    pub owner: UserId,
    pub office: OfficeId,
    /// Lower-case text searched by the search box.
    pub haystack: String,
}

/// What building a row looks up: company names, contact names with e-mail and phone, and the
/// configuration (stage and table labels).
#[derive(Clone, PartialEq)]
pub struct RowBuilder {
    pub companies: HashMap<uuid::Uuid, String>,
    pub contacts: HashMap<uuid::Uuid, String>,
    pub config: crate::state::Config,
    pub kind: RecordKind,
    pub language: &'static str,
}

impl RowBuilder {
    pub fn new(store: &Store, kind: RecordKind, language: &'static str) -> RowBuilder {
        let mut companies: HashMap<uuid::Uuid, String> = HashMap::new();
        let mut contacts: HashMap<uuid::Uuid, String> = HashMap::new();
        store.visible_each(&[RecordKind::Company, RecordKind::Contact], |r| {
            let v = r.values();
            if r.kind == RecordKind::Company {
                companies.insert(r.id, text(&v, "name").unwrap_or_default().to_owned());
            } else {
                let mut s = contact_name(&v);
                for f in ["email", "phone"] {
                    if let Some(x) = text(&v, f) {
                        s.push('\u{1f}');
                        s.push_str(x);
                    }
                }
                contacts.insert(r.id, s);
            }
        });
        RowBuilder { companies, contacts, config: store.config.get(), kind, language }
    }

    /// One record's row.
    pub fn row(&self, r: &veld_domain::sync::RecordState) -> Row {
        let (kind, language, config) = (self.kind, self.language, &self.config);
        let stages = config.stages(kind);
        let value_field = veld_domain::schema::value_field(kind).unwrap_or_default();
        // Read fields in place: copying 50,000 records' values would dominate opening the list.
        let field = |name: &str| r.fields.get(name).map(|f| &f.value);
        let str_of = |name: &str| field(name).and_then(|v| v.as_str()).unwrap_or_default();
        let stage_code = str_of("stage");
        let stage = stages.get(stage_code);
        let company =
            str_of("company_id").parse().ok().and_then(|c| self.companies.get(&c).cloned()).unwrap_or_default();
        let linked: Vec<&String> = match field("contacts") {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|c| c.get("id")?.as_str()?.parse().ok())
                .filter_map(|id: uuid::Uuid| self.contacts.get(&id))
                .collect(),
            _ => Vec::new(),
        };
        let contact_names: Vec<&str> = linked.iter().map(|s| s.split('\u{1f}').next().unwrap_or_default()).collect();
        let title = str_of("title").to_owned();
        // Numbered by the server when the record first syncs; until then a provisional "L…".
        let number = match (str_of("number"), veld_domain::records::numbering(r.kind)) {
            ("", Some((prefix, _))) if r.version == 0 => format!("{prefix}…"),
            (n, _) => n.to_owned(),
        };
        let mut haystack = String::with_capacity(title.len() + company.len() + 32);
        for part in [title.as_str(), number.as_str(), company.as_str(), str_of("interest")] {
            haystack.push_str(part);
            haystack.push('\u{1f}');
        }
        for c in &linked {
            haystack.push_str(c);
            haystack.push('\u{1f}');
        }
        Row {
            id: r.id,
            number,
            title,
            company,
            contacts: contact_names.join(", "),
            stage: stage.map(|s| s.name.get(language).to_owned()).unwrap_or_else(|| stage_code.to_owned()),
            stage_code: stage_code.to_owned(),
            source_code: str_of("source").to_owned(),
            category_code: str_of("category").to_owned(),
            stage_index: stage.map_or(i64::MAX, |s| s.index),
            stage_group: stage.and_then(|s| s.stage_group.clone()).unwrap_or_default(),
            source: config.tables.label(kind, Table::Source, str_of("source"), language).to_owned(),
            value: field(value_field).and_then(|x| x.as_i64()),
            probability: field("probability").and_then(|x| x.as_i64()),
            close_date: str_of("expected_close_date").to_owned(),
            owner: r.owner_id,
            office: r.office_id,
            haystack: haystack.to_lowercase(),
        }
    }
}

/// Builds the overview rows of one kind from the device's records, newest first.
pub fn build_rows(store: &Store, kind: RecordKind, language: &'static str) -> Vec<Row> {
    let builder = RowBuilder::new(store, kind, language);
    let mut rows = Vec::new();
    store.visible_each(&[kind], |r| rows.push(builder.row(r)));
    // Newest first until the user sorts: UUIDv7 ids sort by creation time.
    rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
    rows
}

/// Which records a tab shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tab {
    Mine,
    Office,
    All,
    Group(String),
}

impl Tab {
    pub fn key(&self) -> String {
        match self {
            Tab::Mine => "mine".into(),
            Tab::Office => "office".into(),
            Tab::All => "all".into(),
            Tab::Group(g) => format!("group-{g}"),
        }
    }

    pub fn parse(s: &str) -> Tab {
        match s {
            "mine" => Tab::Mine,
            "office" => Tab::Office,
            "" | "all" => Tab::All,
            other => other.strip_prefix("group-").map(|g| Tab::Group(g.to_owned())).unwrap_or(Tab::All),
        }
    }

    fn admits(&self, row: &Row, me: UserId, office: OfficeId) -> bool {
        match self {
            Tab::Mine => row.owner == me,
            Tab::Office => row.office == office,
            Tab::All => true,
            Tab::Group(g) => &row.stage_group == g,
        }
    }
}

/// A string of the interface.
type Text = fn(&Strings) -> &'static str;

/// The sortable columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Col {
    Number,
    Title,
    Company,
    Contacts,
    Stage,
    Source,
    Value,
    Probability,
    CloseDate,
}

impl Col {
    const ALL: [Col; 9] = [
        Col::Number,
        Col::Title,
        Col::Company,
        Col::Contacts,
        Col::Stage,
        Col::Source,
        Col::Value,
        Col::Probability,
        Col::CloseDate,
    ];

    /// A stable name, for saved views.
    pub fn code(self) -> &'static str {
        match self {
            Col::Number => "number",
            Col::Title => "title",
            Col::Company => "company",
            Col::Contacts => "contacts",
            Col::Stage => "stage",
            Col::Source => "source",
            Col::Value => "value",
            Col::Probability => "probability",
            Col::CloseDate => "close_date",
        }
    }

    pub fn parse(code: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            Col::Number => t.col_number,
            Col::Title => t.col_title,
            Col::Company => t.col_company,
            Col::Contacts => t.col_contacts,
            Col::Stage => t.col_stage,
            Col::Source => t.col_source,
            Col::Value => t.col_value,
            Col::Probability => t.col_probability,
            Col::CloseDate => t.col_close_date,
        }
    }

    fn numeric(self) -> bool {
        matches!(self, Col::Value | Col::Probability)
    }

    /// Hidden on narrow screens.
    fn secondary(self) -> bool {
        !matches!(self, Col::Title | Col::Stage | Col::Value)
    }

    fn cell(self, r: &Row, lang: veld_domain::Language) -> String {
        match self {
            Col::Number => r.number.clone(),
            Col::Title => r.title.clone(),
            Col::Company => r.company.clone(),
            Col::Contacts => r.contacts.clone(),
            Col::Stage => r.stage.clone(),
            Col::Source => r.source.clone(),
            Col::Value => r.value.map(|v| money(v, lang)).unwrap_or_default(),
            Col::Probability => r.probability.map(|p| format!("{p} %")).unwrap_or_default(),
            Col::CloseDate => crate::format::date(&r.close_date, lang),
        }
    }

    fn compare(self, a: &Row, b: &Row) -> std::cmp::Ordering {
        let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
        match self {
            Col::Number => a.number.cmp(&b.number),
            Col::Title => text(&a.title, &b.title),
            Col::Company => text(&a.company, &b.company),
            Col::Contacts => text(&a.contacts, &b.contacts),
            Col::Stage => a.stage_index.cmp(&b.stage_index),
            Col::Source => text(&a.source, &b.source),
            Col::Value => a.value.cmp(&b.value),
            Col::Probability => a.probability.cmp(&b.probability),
            Col::CloseDate => a.close_date.cmp(&b.close_date),
        }
    }
}

fn columns(kind: RecordKind) -> Vec<Col> {
    if kind == RecordKind::Lead {
        vec![Col::Number, Col::Title, Col::Company, Col::Contacts, Col::Stage, Col::Source, Col::Value]
    } else {
        vec![Col::Title, Col::Company, Col::Contacts, Col::Stage, Col::Value, Col::Probability, Col::CloseDate]
    }
}

/// The base path of a kind's pages.
pub fn base(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Lead => "/leads",
        RecordKind::Company => "/companies",
        RecordKind::Contact => "/contacts",
        RecordKind::JobOrder => "/job-orders",
        RecordKind::Activity => "/activities",
        _ => "/opportunities",
    }
}

/// The filtered selection of the overview last shown, for previous/next on the detail page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection(pub Vec<uuid::Uuid>);

/// The overview page of leads or opportunities.
#[component]
pub fn Overview(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let selection = expect_context::<RwSignal<Selection>>();
    let query_map = use_query_map();
    let tab = Memo::new(move |_| Tab::parse(&query_map.with(|q| q.get("tab").unwrap_or_default())));
    let query = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<(Col, bool)>);
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(720.0_f64);
    let checked = RwSignal::new(std::collections::BTreeSet::<uuid::Uuid>::new());
    let conditions = RwSignal::new(Vec::<Condition>::new());
    let hidden = RwSignal::new(
        crate::state::prefs::load::<Vec<String>>(&columns_key(kind))
            .unwrap_or_default()
            .iter()
            .filter_map(|c| Col::parse(c))
            .collect::<std::collections::BTreeSet<Col>>(),
    );
    let preview = RwSignal::new(None::<uuid::Uuid>);
    let all_cols = StoredValue::new(columns(kind));
    // The columns shown: the kind's, less those the user hid (the title always stays).
    let cols = Memo::new(move |_| {
        let hidden = hidden.get();
        all_cols.get_value().into_iter().filter(|c| *c == Col::Title || !hidden.contains(c)).collect::<Vec<_>>()
    });

    let me = Memo::new(move |_| store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id))));
    let allowed = move || store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, Action::View)));
    let rows = Memo::new(move |_| {
        crate::perf::mark("veld:overview:rows-start");
        let lang = store.language.get().code();
        let rows = Shared(Arc::new(build_rows(&store, kind, lang)));
        crate::perf::mark("veld:overview:rows-end");
        rows
    });
    // The order of all rows under the chosen sort (recomputed when the data or the sort changes).
    let order = Memo::new(move |_| {
        let rows = rows.get();
        let mut idx: Vec<u32> = (0..rows.0.len() as u32).collect();
        if let Some((col, desc)) = sort.get() {
            idx.sort_by(|&a, &b| {
                let o = col.compare(&rows.0[a as usize], &rows.0[b as usize]);
                if desc { o.reverse() } else { o }
            });
        }
        Shared(Arc::new(idx))
    });
    // A keystroke: filter the sorted order by tab and search text.
    let shown = Memo::new(move |_| {
        let rows = rows.get();
        let order = order.get();
        let needle = query.get().trim().to_lowercase();
        let tab = tab.get();
        let conditions = conditions.get();
        let Some((user, office)) = me.get() else { return Shared(Arc::new(Vec::new())) };
        let out: Vec<u32> = order
            .0
            .iter()
            .copied()
            .filter(|&i| {
                let r = &rows.0[i as usize];
                tab.admits(r, user, office)
                    && (needle.is_empty() || r.haystack.contains(&needle))
                    && conditions.iter().all(|c| c.admits(r))
            })
            .collect();
        Shared(Arc::new(out))
    });
    // Previous/next on the detail page walk this selection.
    Effect::new(move |_| {
        let rows = rows.get();
        let ids: Vec<uuid::Uuid> = shown.get().0.iter().map(|&i| rows.0[i as usize].id).collect();
        selection.set(Selection(ids));
    });
    // A new search or tab starts at the top.
    Effect::new(move |_| {
        query.track();
        tab.track();
        scroll_top.set(0.0);
    });

    let tabs = move || {
        let t = t();
        let lang = store.language.get().code();
        let config = store.config.get();
        let mut out: Vec<(Tab, String)> = config
            .tables
            .entries(kind, Table::StageGroup)
            .into_iter()
            .map(|g| (Tab::Group(g.code.clone()), g.label.get(lang).to_owned()))
            .collect();
        let (mine, office, all) = if kind == RecordKind::Lead {
            (t.tab_my_leads, t.tab_office_leads, t.tab_all_leads)
        } else {
            (t.tab_my_opportunities, t.tab_office_opportunities, t.tab_all_opportunities)
        };
        out.push((Tab::Mine, mine.to_owned()));
        out.push((Tab::Office, office.to_owned()));
        out.push((Tab::All, all.to_owned()));
        out
    };

    let may_create =
        move || store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, Action::Create)));
    let (title, intro, new_label): (Text, Text, Text) = if kind == RecordKind::Lead {
        (|t| t.nav_leads, |t| t.leads_intro, |t| t.new_lead)
    } else {
        (|t| t.nav_opportunities, |t| t.opportunities_intro, |t| t.new_opportunity)
    };
    let wrap = NodeRef::<leptos::html::Div>::new();

    // What to show instead of rows, if anything.
    let message = move || {
        let t = t();
        if !allowed() {
            return Some(view! { <p class="notice">{t.not_allowed}</p> }.into_any());
        }
        if !store.local_ready.get() {
            return Some(view! { <p class="muted">{t.loading}</p> }.into_any());
        }
        let never_synced = store.sync_meta.with(|m| m.as_ref().is_none_or(|m| m.last_sync_ms.is_none()));
        if rows.with(|r| r.0.is_empty()) && never_synced {
            return Some(if store.connection.get() == Connection::Online {
                view! { <p class="muted">{t.loading}</p> }.into_any()
            } else {
                view! { <p class="notice">{t.offline_list}</p> }.into_any()
            });
        }
        if shown.with(|s| s.0.is_empty()) {
            return Some(view! { <p class="muted count" aria-live="polite">{t.empty_list}</p> }.into_any());
        }
        None
    };
    let has_rows = move || message().is_none();
    let total = move || shown.with(|s| s.0.len());
    // The visible window: (first, last) indices into `shown`.
    let span = move || {
        let total = total();
        let first = ((scroll_top.get() / ROW_PX) as usize).saturating_sub(OVERSCAN).min(total);
        let visible = (viewport.get() / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first, (first + visible).min(total))
    };
    Effect::new(move |_| {
        if let Some(el) = wrap.get() {
            viewport.set(el.client_height().max(200) as f64);
        }
    });
    let header = move || {
        let t = t();
        cols.get()
            .into_iter()
            .map(|c| {
                let sorted = move || sort.get().filter(|(s, _)| *s == c).map(|(_, desc)| desc);
                let aria = move || match sorted() {
                    Some(true) => "descending",
                    Some(false) => "ascending",
                    None => "none",
                };
                let arrow = move || match sorted() {
                    Some(true) => " ↓",
                    Some(false) => " ↑",
                    None => "",
                };
                let click = move |_| {
                    sort.update(|s| {
                        *s = match *s {
                            Some((col, false)) if col == c => Some((c, true)),
                            Some((col, true)) if col == c => None,
                            _ => Some((c, false)),
                        }
                    })
                };
                view! {
                    <th scope="col" aria-sort=aria class:secondary=c.secondary() class:num=c.numeric()>
                        <button type="button" class="sort" on:click=click>{c.label(t)}{arrow}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let body = move || {
        let t = t();
        let lang = store.language.get();
        let rows = rows.get();
        let shown = shown.get();
        let (first, last) = span();
        let cols = cols.get();
        let base = base(kind);
        let above = first as f64 * ROW_PX;
        let below = (shown.0.len() - last) as f64 * ROW_PX;
        let lines = shown.0[first..last]
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let r = &rows.0[i as usize];
                let id = r.id;
                let is_checked = move || checked.with(|c| c.contains(&id));
                let toggle = move |_| {
                    checked.update(|c| {
                        if !c.remove(&id) {
                            c.insert(id);
                        }
                    })
                };
                let select_label = format!("{} {}", t.select_row, r.title);
                let preview_label = format!("{} {}", t.preview, r.title);
                let previewed = move || preview.get() == Some(id);
                let cells = cols
                    .iter()
                    .map(|&c| {
                        let text = c.cell(r, lang);
                        let content = if c == Col::Title {
                            view! { <A href=format!("{base}/{id}")>{text}</A> }.into_any()
                        } else {
                            text.into_any()
                        };
                        view! { <td class:secondary=c.secondary() class:num=c.numeric()>{content}</td> }
                    })
                    .collect_view();
                view! {
                    <tr aria-rowindex=first + n + 2>
                        <td class="check">
                            <input type="checkbox" aria-label=select_label prop:checked=is_checked on:change=toggle/>
                        </td>
                        {cells}
                        <td class="preview-cell">
                            <button type="button" class="icon-button" aria-label=preview_label aria-pressed=move || previewed().to_string()
                                on:click=move |_| preview.update(|p| *p = if *p == Some(id) { None } else { Some(id) })><Icon d=icons::PREVIEW/></button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        crate::perf::mark("veld:overview:rendered");
        view! {
            <tr class="spacer" aria-hidden="true" style=format!("height:{above}px")></tr>
            {lines}
            <tr class="spacer" aria-hidden="true" style=format!("height:{below}px")></tr>
        }
    };
    let all_checked = move || {
        let n = checked.with(|c| c.len());
        n > 0 && n == total()
    };
    let toggle_all = move |_| {
        if all_checked() {
            checked.set(Default::default());
        } else {
            let rows = rows.get_untracked();
            checked.set(shown.get_untracked().0.iter().map(|&i| rows.0[i as usize].id).collect());
        }
    };
    let table = view! {
        {message}
        <Show when=has_rows>
            <p class="muted count" aria-live="polite">{move || (t().count_records)(total())}</p>
            <div
                class="table-wrap virtual"
                role="region"
                tabindex="0"
                aria-label=move || title(t())
                node_ref=wrap
                on:scroll=move |ev| {
                    let el = event_target::<web_sys::Element>(&ev);
                    scroll_top.set(el.scroll_top() as f64);
                    viewport.set(el.client_height().max(200) as f64);
                }
            >
                <table class="records" aria-rowcount=move || total() + 1>
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col" class="check">
                                <input type="checkbox" aria-label=move || (t().select_all)(total()) prop:checked=all_checked on:change=toggle_all/>
                            </th>
                            {header}
                            <th scope="col" class="preview-cell"><span class="visually-hidden">{move || t().preview}</span></th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </Show>
    };

    view! {
        <Page title=Signal::derive(move || title(t())) intro=Signal::derive(move || intro(t()))>
            <div class="overview-actions">
                <Show when=may_create>
                    <A href=format!("{}/new", base(kind)) attr:class="button primary new-button">{move || new_label(t())}</A>
                </Show>
                <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{move || t().print}</button>
            </div>
            <nav class="tabs" aria-label=move || t().overview_tabs>
                <ul>
                    {move || {
                        let current = tab.get();
                        tabs()
                            .into_iter()
                            .map(|(tab, label)| {
                                let href = format!("{}?tab={}", base(kind), tab.key());
                                let current = (tab == current).then_some("page");
                                // A plain link (the router still handles it): `<A>` would mark every
                                // tab current, as they share the path and differ by query.
                                view! { <li><a href=href aria-current=current>{label}</a></li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </nav>
            <div class="list-tools">
                <label class="field search">
                    <span class="visually-hidden">{move || format!("{} – {}", t().search, title(t()))}</span>
                    <input
                        type="search"
                        placeholder=move || t().search_records
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            crate::perf::mark("veld:search:input");
                            query.set(event_target_value(&ev));
                        }
                    />
                </label>
            </div>
            <OverviewTools state=ToolState { kind, tab, query, sort, conditions, hidden, columns: all_cols }/>
            <BulkBar kind=kind checked=checked/>
            {move || preview.get().map(|id| view! { <Preview kind=kind id=id close=Callback::new(move |()| preview.set(None))/> })}
            {table}
        </Page>
    }
}

/// The preview panel of the selected row (LO-1): the record's main facts and a link to open it.
#[component]
fn Preview(kind: RecordKind, id: uuid::Uuid, close: Callback<()>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    move || {
        let t = t();
        let lang = store.language.get().code();
        let r = store.visible_one(kind, id)?;
        let v = r.values();
        let config = store.config.get();
        let stage = text(&v, "stage")
            .and_then(|c| config.stages(kind).get(c))
            .map(|s| s.name.get(lang).to_owned())
            .unwrap_or_default();
        let company = veld_domain::records::id_of(&v, "company_id")
            .and_then(|c| crate::components::picker::name_of(&store, RecordKind::Company, c))
            .unwrap_or_default();
        let contacts: Vec<String> = veld_domain::records::contacts_of(&v)
            .into_iter()
            .filter_map(|c| crate::components::picker::name_of(&store, RecordKind::Contact, c.id))
            .collect();
        let value = v
            .get(veld_domain::schema::value_field(kind).unwrap_or_default())
            .and_then(|x| x.as_i64())
            .map(|x| money(x, store.language.get()))
            .unwrap_or_default();
        let facts = [
            (t.col_stage, stage),
            (t.col_company, company),
            (t.col_contacts, contacts.join(", ")),
            (t.col_value, value),
            (
                t.col_source,
                config.tables.label(kind, Table::Source, text(&v, "source").unwrap_or_default(), lang).to_owned(),
            ),
            (t.col_interest, text(&v, "interest").unwrap_or_default().to_owned()),
        ];
        let title = text(&v, "title").unwrap_or_default().to_owned();
        Some(view! {
            <section class="card preview" aria-label=t.preview>
                <div class="preview-head">
                    <h2>{title}</h2>
                    <button type="button" class="button subtle" on:click=move |_| close.run(())>{t.close}</button>
                </div>
                <dl>
                    {facts.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
                <A href=format!("{}/{id}", base(kind)) attr:class="button primary">{t.open}</A>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::Language;

    fn row(title: &str, owner: UserId, office: OfficeId) -> Row {
        Row {
            id: uuid::Uuid::now_v7(),
            number: String::new(),
            title: title.into(),
            company: String::new(),
            contacts: String::new(),
            stage: String::new(),
            stage_code: String::new(),
            source_code: String::new(),
            category_code: String::new(),
            stage_index: 0,
            stage_group: "open".into(),
            source: String::new(),
            value: None,
            probability: None,
            close_date: String::new(),
            owner,
            office,
            haystack: title.to_lowercase(),
        }
    }

    #[test]
    fn tabs_admit_the_users_own_their_offices_or_a_stage_group() {
        let (me, colleague, office, elsewhere) = (UserId::new(), UserId::new(), OfficeId::new(), OfficeId::new());
        let mine = row("Mine", me, office);
        let theirs = row("Theirs", colleague, office);
        let far = row("Far", colleague, elsewhere);
        let admitted = |tab: Tab| {
            [&mine, &theirs, &far]
                .into_iter()
                .filter(|r| tab.admits(r, me, office))
                .map(|r| r.title.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(admitted(Tab::Mine), ["Mine"]);
        assert_eq!(admitted(Tab::Office), ["Mine", "Theirs"]);
        assert_eq!(admitted(Tab::All), ["Mine", "Theirs", "Far"]);
        assert_eq!(admitted(Tab::Group("open".into())).len(), 3);
        assert!(admitted(Tab::Group("closed".into())).is_empty());
        assert_eq!(Tab::parse("group-closed"), Tab::Group("closed".into()));
        assert_eq!(Tab::parse("nonsense"), Tab::All);
    }

    #[test]
    fn columns_sort_by_meaning_not_by_text() {
        let (u, o) = (UserId::new(), OfficeId::new());
        let mut a = row("apple", u, o);
        let mut b = row("Banana", u, o);
        assert_eq!(Col::Title.compare(&a, &b), std::cmp::Ordering::Less, "case does not decide");
        a.stage_index = 30;
        b.stage_index = 10;
        a.stage = "Alpha".into();
        b.stage = "Zulu".into();
        assert_eq!(Col::Stage.compare(&a, &b), std::cmp::Ordering::Greater, "stages sort in pipeline order");
        a.value = Some(9_000);
        b.value = Some(31_000);
        assert_eq!(Col::Value.compare(&a, &b), std::cmp::Ordering::Less, "amounts sort as numbers");
        a.close_date = "2026-12-01".into();
        b.close_date = "2027-01-15".into();
        assert_eq!(Col::CloseDate.compare(&a, &b), std::cmp::Ordering::Less);
    }

    #[test]
    fn cells_show_amounts_percentages_and_dates_per_language() {
        let mut r = row("Vans", UserId::new(), OfficeId::new());
        r.value = Some(67_000);
        r.probability = Some(25);
        r.close_date = "2026-12-01".into();
        assert_eq!(Col::Value.cell(&r, Language::En), "€67,000");
        assert_eq!(Col::Value.cell(&r, Language::Nl), "€ 67.000");
        assert_eq!(Col::Probability.cell(&r, Language::En), "25 %");
        assert_eq!(Col::CloseDate.cell(&r, Language::En), "1 Dec 2026");
        assert_eq!(Col::CloseDate.cell(&r, Language::Nl), "1 dec. 2026");
        r.value = None;
        assert_eq!(Col::Value.cell(&r, Language::En), "", "no amount, no zero");
        assert!(Col::Value.numeric() && !Col::Title.numeric());
        assert!(!Col::Title.secondary() && Col::Contacts.secondary(), "phones keep title, stage and value");
    }
}
