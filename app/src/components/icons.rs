//! Inline SVG icons (decorative: the text beside them names the control).

use leptos::prelude::*;

/// A 24×24 stroke icon from a path's `d` attribute.
#[component]
pub fn Icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d=d fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

pub const HOME: &str = "M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10";
pub const LEADS: &str = "M4 5h16l-6 7v6l-4 2v-8z";
pub const OPPORTUNITIES: &str =
    "M12 3v18M17 7.5C17 5.6 14.8 4.5 12 4.5S7 5.6 7 7.5s2 2.7 5 3.3 5 1.6 5 3.7-2.2 3-5 3-5-1.1-5-3";
pub const PIPELINE: &str = "M4 4h4v16H4zM10 4h4v10h-4zM16 4h4v6h-4z";
pub const COMPANIES: &str = "M4 21V5l8-2v18M12 8h8v13M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2M3 21h18";
pub const CONTACTS: &str = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6";
pub const ACTIVITIES: &str = "M8 3v3M16 3v3M4 8h16M5 5h14v15H5zM9 14l2 2 4-4";
pub const ADMIN: &str = "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.5-1.5.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6.6 8.3 4.6 8l-1 3 2 1v0l-2 1 1 3 2-.3 1.5 1.5-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.5-1.5 2 .3 1-3z";
pub const MORE: &str = "M5 12h.01M12 12h.01M19 12h.01";
pub const LOGOUT: &str = "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10";
/// An eye: "preview".
pub const PREVIEW: &str = "M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z";
pub const FILTER: &str = "M4 6h16M7 12h10M10 18h4";
pub const COLUMNS: &str = "M4 5h16v14H4zM10 5v14M15 5v14";
pub const BOOKMARK: &str = "M6 4h12v17l-6-4-6 4z";
pub const PAPERCLIP: &str =
    "M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15 6.9";
pub const PLUS: &str = "M12 5v14M5 12h14";
pub const DOWNLOAD: &str = "M12 4v11M7 10l5 5 5-5M5 20h14";
pub const UPLOAD: &str = "M12 16V5M7 10l5-5 5 5M5 20h14";
pub const PHONE: &str = "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2";
pub const MAIL: &str = "M3 6h18v12H3zM3 7l9 6 9-6";
