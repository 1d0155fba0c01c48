//! Formatting of values for display, per interface language.

use veld_domain::Language;

/// Whole euros with thousands separators: `€31,000` in English, `€ 31.000` in Dutch, `31.000 €`
/// in Romanian.
pub fn money(amount: i64, lang: Language) -> String {
    let digits = amount.unsigned_abs().to_string();
    let sep = match lang {
        Language::En => ',',
        Language::Nl | Language::Ro => '.',
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    match lang {
        Language::En => format!("{sign}€{grouped}"),
        Language::Nl => format!("{sign}€ {grouped}"),
        Language::Ro => format!("{sign}{grouped} €"),
    }
}

/// A whole amount as typed (`€ 31.000`, `31,000`, `31000`): separators, spaces and the euro
/// sign are ignored; `None` when what is left is not a whole number.
pub fn parse_amount(raw: &str) -> Option<i64> {
    raw.trim().replace(['.', ',', ' ', '€'], "").parse().ok()
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
