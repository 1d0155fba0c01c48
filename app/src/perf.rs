//! Performance marks for the benchmarks (`performance.getEntriesByName` in `end2end/bench/`).

/// Marks a moment (one entry per name: marks made on every render must not pile up).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_marks_with_mark_name(name);
        let _ = p.mark(name);
    }
}
