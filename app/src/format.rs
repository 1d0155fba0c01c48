//! Formatting of values for display, per interface language.

use veld_domain::Language;

/// Whole euros as the interface language writes them (`veld_domain::Money`): `€31,000` in
/// English, `€ 31.000` in Dutch, `31.000 €` in Romanian.
pub fn money(amount: i64, lang: Language) -> String {
    veld_domain::Money::from_whole(amount).format(lang)
}

/// A whole amount as typed (`€ 31.000`, `31,000`, `31000`; cents are rounded): `None` when it
/// is not an amount.
pub fn parse_amount(raw: &str) -> Option<i64> {
    veld_domain::Money::parse(raw).map(veld_domain::Money::whole)
}

/// A stored day (`YYYY-MM-DD`) as the interface language writes it (`30 Nov 2026`); anything
/// else as it is.
pub fn date(stored: &str, lang: Language) -> String {
    veld_domain::Date::parse(stored).map_or_else(|| stored.to_owned(), |d| d.format(lang))
}

/// `needs_analysis` → `Needs analysis`, for codes that have no configured label yet.
pub fn humanize(code: &str) -> String {
    let mut s = code.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_per_language() {
        let check = |n, lang, want: &str| assert_eq!(money(n, lang), want);
        check(0, Language::En, "€0");
        check(999, Language::En, "€999");
        check(31_000, Language::En, "€31,000");
        check(1_234_567, Language::Nl, "€ 1.234.567");
        check(1_234_567, Language::Ro, "1.234.567 €");
        check(-1500, Language::En, "-€1,500");
    }

    #[test]
    fn amounts_are_read_as_typed() {
        assert_eq!(parse_amount("€ 31.000"), Some(31_000));
        assert_eq!(parse_amount(" 31,000 "), Some(31_000));
        assert_eq!(parse_amount("12k"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn humanize_codes() {
        assert_eq!(humanize("needs_analysis"), "Needs analysis");
        assert_eq!(humanize("won"), "Won");
        assert_eq!(humanize(""), "");
    }
}
