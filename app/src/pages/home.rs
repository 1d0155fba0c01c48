//! Home, the first screen after signing in: the user's open opportunities by stage, their
//! activities due today and overdue, the leads new this week, and whether everything is saved.
//! All of it from the device's records, so it opens offline too.

use crate::components::linked::ActivityList;
use crate::components::ui::StagePill;
use crate::format::money;
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::config::Stages;
use veld_domain::records::text;
use veld_domain::schema::names;
use veld_domain::{Action, Date, RecordKind};

/// One open stage: how many of the user's opportunities are in it, and their value.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLine {
    pub code: String,
    pub name: String,
    pub colour: String,
    pub count: usize,
    pub sum: i64,
}

/// The open (not closing) active stages in pipeline order, each with the count and value of
/// `deals` (stage code, value) in it; stages without any are kept, so the pipeline's shape shows.
pub fn open_by_stage<'a>(
    stages: &Stages,
    deals: impl IntoIterator<Item = (&'a str, Option<i64>)>,
    lang: &str,
) -> Vec<StageLine> {
    let mut open: Vec<_> = stages.active().filter(|s| !s.end).collect();
    open.sort_by_key(|s| s.index);
    let mut lines: Vec<StageLine> = open
        .into_iter()
        .map(|s| StageLine {
            code: s.code.clone(),
            name: s.name.get(lang).to_owned(),
            colour: s.colour.clone(),
            count: 0,
            sum: 0,
        })
        .collect();
    for (stage, value) in deals {
        if let Some(line) = lines.iter_mut().find(|l| l.code == stage) {
            line.count += 1;
            line.sum += value.unwrap_or(0);
        }
    }
    lines
}

/// Whether an open activity due `due` belongs on Home on `today` (due today or earlier), and
/// whether it is overdue.
pub fn due_state(done: bool, due: Option<Date>, today: Date) -> Option<bool> {
    match due {
        Some(d) if !done && d <= today => Some(d < today),
        _ => None,
    }
}

/// Whether a record made with a UUIDv7 id was made at or after `since_ms`.
pub fn made_since(id: uuid::Uuid, since_ms: i64) -> bool {
    id.get_timestamp().is_some_and(|ts| {
        let (secs, nanos) = ts.to_unix();
        (secs as i64) * 1_000 + i64::from(nanos / 1_000_000) >= since_ms
    })
}

/// How many leads of the week Home lists (the count says how many in all).
const LEADS_LISTED: usize = 5;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let lang = move || store.language.get();
    let me = move || store.me.with(|m| m.as_ref().map(|m| m.user.id));
    let may = move |kind: RecordKind, module: fn(&veld_domain::api::Me) -> bool| {
        store.me.with(|m| m.as_ref().is_some_and(|m| module(m) && m.permissions.can_at_all(kind, Action::View)))
    };
    let now = js_sys::Date::new_0();
    let today = Date::from_ms(now.get_time() as i64);
    let hour = now.get_hours();
    let first_name = move || {
        store.me.with(|m| m.as_ref().map(|m| m.user.name.split_whitespace().next().unwrap_or_default().to_owned()))
    };

    let stages = Memo::new(move |_| {
        let Some(me) = me() else { return Vec::new() };
        let value_field = veld_domain::schema::value_field(RecordKind::Opportunity);
        let mut deals = Vec::new();
        store.visible_each(&[RecordKind::Opportunity], |r| {
            if r.owner_id == me {
                let v = r.values();
                let value = value_field.and_then(|f| v.get(f)).and_then(serde_json::Value::as_i64);
                deals.push((text(&v, names::STAGE).unwrap_or_default().to_owned(), value));
            }
        });
        store.config.with(|c| {
            open_by_stage(c.stages(RecordKind::Opportunity), deals.iter().map(|(s, v)| (s.as_str(), *v)), lang().code())
        })
    });
    let widest = move || stages.with(|s| s.iter().map(|l| l.sum).max().unwrap_or(0)).max(1);
    let totals =
        move || stages.with(|s| (s.iter().map(|l| l.count).sum::<usize>(), s.iter().map(|l| l.sum).sum::<i64>()));

    let due = Memo::new(move |_| {
        let Some(me) = me() else { return (Vec::new(), 0) };
        let mut list = Vec::new();
        let mut overdue = 0;
        store.visible_each(&[RecordKind::Activity], |r| {
            if r.owner_id != me {
                return;
            }
            let v = r.values();
            let done = v.get(names::DONE).and_then(serde_json::Value::as_bool).unwrap_or(false);
            let day = text(&v, names::DUE_DATE).and_then(Date::parse);
            if let Some(late) = due_state(done, day, today) {
                overdue += usize::from(late);
                list.push((day, r.clone()));
            }
        });
        list.sort_by_key(|(day, r)| (*day, r.id));
        (list.into_iter().map(|(_, r)| r).collect::<Vec<_>>(), overdue)
    });
    let due_list = Signal::derive(move || due.with(|d| d.0.clone()));

    let new_leads = Memo::new(move |_| {
        let since = today.plus_days(-6).start_ms();
        let config = store.config.get();
        let stages = config.stages(RecordKind::Lead);
        let lang = lang().code();
        let mut list = Vec::new();
        store.visible_each(&[RecordKind::Lead], |r| {
            if made_since(r.id, since) {
                let v = r.values();
                let stage = stages.get(text(&v, names::STAGE).unwrap_or_default());
                list.push((
                    r.id,
                    text(&v, names::TITLE).unwrap_or_default().to_owned(),
                    stage.map(|s| s.name.get(lang).to_owned()).unwrap_or_default(),
                    stage.map(|s| s.colour.clone()).unwrap_or_default(),
                ));
            }
        });
        list.sort_by_key(|(id, ..)| std::cmp::Reverse(*id));
        list
    });

    let pending = move || store.pending_changes();
    let sync_text = move || {
        let t = t();
        match (store.connection.get(), pending()) {
            (Connection::Online, 0) => t.status.saved.to_owned(),
            (_, 0) => t.home.nothing_waiting.to_owned(),
            (_, n) => (t.status.pending)(n),
        }
    };

    view! {
        <section class="page home">
            <header class="page-header">
                <h1>{move || (t().home.greeting)(hour, &first_name().unwrap_or_default())}</h1>
                <p class="intro">{move || today.format(lang())}</p>
            </header>
            <div class="home-grid">
                <Show when=move || may(RecordKind::Opportunity, |m| m.modules.opportunities)>
                    <HomeCard id="home-deals" title=Signal::derive(move || t().home.my_open) href="/pipeline" link=Signal::derive(move || t().home.to_pipeline)>
                        <p class="home-figure">
                            {move || {
                                let (count, sum) = totals();
                                format!("{} · {}", (t().home.deals)(count), money(sum, lang()))
                            }}
                        </p>
                        <ul class="stage-bars">
                            <For each=move || stages.get() key=|l| (l.code.clone(), l.count, l.sum) let:line>
                                {
                                    let width = (line.sum as f64 / widest() as f64 * 100.0).round();
                                    let bar = format!("width:{width}%;--stage:{}", if line.colour.is_empty() { "var(--brand)" } else { &line.colour });
                                    view! {
                                        <li>
                                            <StagePill name=line.name.clone() colour=line.colour.clone()/>
                                            <span class="stage-count">{line.count}</span>
                                            <span class="stage-sum">{money(line.sum, lang())}</span>
                                            <span class="stage-bar" aria-hidden="true"><span style=bar></span></span>
                                        </li>
                                    }
                                }
                            </For>
                        </ul>
                    </HomeCard>
                </Show>
                <HomeCard id="home-due" title=Signal::derive(move || t().home.due) href="/activities" link=Signal::derive(move || t().home.all_activities)>
                    <p class="home-figure">
                        {move || {
                            let (n, late) = due.with(|d| (d.0.len(), d.1));
                            (t().home.due_count)(n, late)
                        }}
                    </p>
                    <ActivityList activities=due_list show_parent=true/>
                </HomeCard>
                <Show when=move || may(RecordKind::Lead, |m| m.modules.leads)>
                    <HomeCard id="home-leads" title=Signal::derive(move || t().home.new_leads) href="/leads" link=Signal::derive(move || t().home.all_leads)>
                        <p class="home-figure">{move || (t().home.leads_count)(new_leads.with(Vec::len))}</p>
                        <ul class="home-list">
                            {move || new_leads.get().into_iter().take(LEADS_LISTED).map(|(id, title, stage, colour)| view! {
                                <li>
                                    <A href=format!("{}/{id}", base(RecordKind::Lead))>{title}</A>
                                    <StagePill name=stage colour=colour/>
                                </li>
                            }).collect_view()}
                        </ul>
                    </HomeCard>
                </Show>
                <HomeCard id="home-sync" title=Signal::derive(move || t().home.sync) href="/pending" link=Signal::derive(move || t().home.pending_link)>
                    <p class="home-figure">{sync_text}</p>
                    <p class="muted">{move || match store.connection.get() {
                        Connection::Online => t().home.online_hint,
                        _ => t().status.offline_hint,
                    }}</p>
                </HomeCard>
            </div>
        </section>
    }
}

/// A card of Home: its heading, a link to the full list, and what it shows.
#[component]
fn HomeCard(
    id: &'static str,
    title: Signal<&'static str>,
    href: &'static str,
    link: Signal<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card home-card" aria-labelledby=id>
            <div class="home-card-head">
                <h2 id=id>{move || title.get()}</h2>
                <A href=href attr:class="home-more">{move || link.get()}</A>
            </div>
            {children()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veld_domain::config::default_stages;

    #[test]
    fn open_stages_count_and_sum_the_deals_in_them_and_closing_stages_are_left_out() {
        let stages = Stages::of(RecordKind::Opportunity, default_stages());
        let lines = open_by_stage(
            &stages,
            [("proposal", Some(10_000)), ("proposal", None), ("qualification", Some(500)), ("won", Some(99))],
            "en",
        );
        let codes: Vec<&str> = lines.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["qualification", "needs_analysis", "proposal", "negotiation"]);
        assert_eq!((lines[2].count, lines[2].sum), (2, 10_000));
        assert_eq!((lines[1].count, lines[1].sum), (0, 0), "an empty stage stays, for the shape");
        assert_eq!(lines[0].name, "Qualification");
    }

    #[test]
    fn home_lists_open_activities_due_today_or_before_and_marks_the_overdue_ones() {
        let today = Date::parse("2026-11-30").unwrap();
        let day = |s: &str| Date::parse(s);
        assert_eq!(due_state(false, day("2026-11-30"), today), Some(false));
        assert_eq!(due_state(false, day("2026-11-02"), today), Some(true));
        assert_eq!(due_state(false, day("2026-12-01"), today), None, "tomorrow");
        assert_eq!(due_state(true, day("2026-11-02"), today), None, "done");
        assert_eq!(due_state(false, None, today), None, "undated");
    }

    #[test]
    fn a_record_is_new_by_the_time_in_its_id() {
        let id = uuid::Uuid::now_v7();
        let now = id.get_timestamp().map(|t| t.to_unix().0 as i64 * 1_000).unwrap();
        const DAY_MS: i64 = 86_400_000;
        assert!(made_since(id, now - 7 * DAY_MS));
        assert!(!made_since(id, now + DAY_MS));
        assert!(!made_since(uuid::Uuid::from_u128(7), 0), "not a v7 id: not new");
    }
}
