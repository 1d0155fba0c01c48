//! Value types the records hold: [`Money`] (in minor units, never floats) and [`Date`] (a
//! calendar day, by chrono), each read from what people type and shown per interface language.

use crate::Language;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// An amount of euros in cents. Records keep whole-euro amounts (`expected_value`,
/// `expected_revenue`) as whole numbers: [`Money::from_whole`] reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_whole(euros: i64) -> Money {
        Money(euros.saturating_mul(100))
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Whole euros, rounded half away from zero.
    pub fn whole(self) -> i64 {
        let (q, r) = (self.0 / 100, self.0 % 100);
        if r >= 50 {
            q + 1
        } else if r <= -50 {
            q - 1
        } else {
            q
        }
    }

    /// `percent` of this amount (a probability-weighted value), rounded to the cent.
    pub fn percent(self, percent: i64) -> Money {
        let n = i128::from(self.0) * i128::from(percent);
        let rounded = if n >= 0 { (n + 50) / 100 } else { (n - 50) / 100 };
        Money(rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// An amount as people type it: `€ 31.000`, `31,000`, `31000`, `1.234,50` (Dutch and
    /// Romanian), `1,234.50` (English). A separator followed by exactly two digits at the end is
    /// the decimal one; every other `.`, `,`, space or `€` only groups. `None` when what is left
    /// is not a number.
    pub fn parse(raw: &str) -> Option<Money> {
        let text: String = raw.trim().chars().filter(|c| !matches!(c, '€' | ' ' | '\u{a0}')).collect();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.to_owned()),
            None => (false, text),
        };
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return None;
        }
        let (whole, cents) = match text.rfind(['.', ',']) {
            Some(at) if text.len() - at == 3 => (&text[..at], &text[at + 1..]),
            _ => (text.as_str(), "00"),
        };
        let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
        if whole.is_empty() && cents == "00" {
            return None;
        }
        let euros: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let cents: i64 = cents.parse().ok()?;
        let minor = euros.checked_mul(100)?.checked_add(cents)?;
        Some(Money(if negative { -minor } else { minor }))
    }

    /// The amount in `lang`: `€31,000` (English), `€ 31.000` (Dutch), `31.000 €` (Romanian);
    /// cents only when there are any (`€ 1.234,50`).
    pub fn format(self, lang: Language) -> String {
        let (group, decimal) = match lang {
            Language::En => (',', '.'),
            Language::Nl | Language::Ro => ('.', ','),
        };
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut text = String::with_capacity(digits.len() + 8);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                text.push(group);
            }
            text.push(c);
        }
        if !abs.is_multiple_of(100) {
            text.push(decimal);
            text.push_str(&format!("{:02}", abs % 100));
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        match lang {
            Language::En => format!("{sign}€{text}"),
            Language::Nl => format!("{sign}€ {text}"),
            Language::Ro => format!("{sign}{text} €"),
        }
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// A calendar day, stored as `YYYY-MM-DD` (what `<input type="date">` gives).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

impl Date {
    /// `YYYY-MM-DD`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Date> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok().map(Date)
    }

    /// The day (UTC) of a moment in Unix milliseconds.
    pub fn from_ms(ms: i64) -> Date {
        let days = ms.div_euclid(MS_PER_DAY);
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let shifted = if days >= 0 {
            epoch.checked_add_days(Days::new(days.unsigned_abs()))
        } else {
            epoch.checked_sub_days(Days::new(days.unsigned_abs()))
        };
        Date(shifted.unwrap_or(epoch))
    }

    /// The start of the day (UTC), in Unix milliseconds.
    pub fn start_ms(self) -> i64 {
        self.0.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis())
    }

    pub fn plus_days(self, days: i64) -> Date {
        let n = Days::new(days.unsigned_abs());
        let moved = if days >= 0 { self.0.checked_add_days(n) } else { self.0.checked_sub_days(n) };
        Date(moved.unwrap_or(self.0))
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }

    /// `YYYY-MM-DD`, as stored.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// The day as people read it in `lang`: `30 Nov 2026`, `30 nov. 2026`, `30 nov. 2026`.
    pub fn format(self, lang: Language) -> String {
        const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        const NL: [&str; 12] =
            ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];
        const RO: [&str; 12] =
            ["ian.", "feb.", "mar.", "apr.", "mai", "iun.", "iul.", "aug.", "sept.", "oct.", "nov.", "dec."];
        let months = match lang {
            Language::En => EN,
            Language::Nl => NL,
            Language::Ro => RO,
        };
        let month = months[self.0.month0() as usize];
        format!("{} {month} {}", self.0.day(), self.0.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shown_per_language_with_cents_only_when_there_are_any() {
        let m = |euros| Money::from_whole(euros);
        assert_eq!(m(0).format(Language::En), "€0");
        assert_eq!(m(67_000).format(Language::En), "€67,000");
        assert_eq!(m(1_234_567).format(Language::Nl), "€ 1.234.567");
        assert_eq!(m(1_234_567).format(Language::Ro), "1.234.567 €");
        assert_eq!(m(-1500).format(Language::En), "-€1,500");
        assert_eq!(Money(123_450).format(Language::Nl), "€ 1.234,50");
        assert_eq!(Money(5).format(Language::En), "€0.05");
    }

    #[test]
    fn money_is_read_as_typed() {
        assert_eq!(Money::parse("€ 31.000"), Some(Money::from_whole(31_000)));
        assert_eq!(Money::parse(" 31,000 "), Some(Money::from_whole(31_000)));
        assert_eq!(Money::parse("1.234,50"), Some(Money(123_450)));
        assert_eq!(Money::parse("1,234.50"), Some(Money(123_450)));
        assert_eq!(Money::parse("0,99"), Some(Money(99)));
        assert_eq!(Money::parse("-12"), Some(Money::from_whole(-12)));
        for bad in ["", "12k", "€", ",", "1.2.3x"] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        assert_eq!(Money::parse("99999999999999999999"), None, "too large");
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        assert_eq!(Money(150).whole(), 2);
        assert_eq!(Money(149).whole(), 1);
        assert_eq!(Money(-150).whole(), -2);
        assert_eq!(Money::from_whole(10_000).percent(25), Money::from_whole(2_500));
        assert_eq!(Money(1).percent(50), Money(1), "half a cent rounds up");
        assert_eq!([Money(1), Money(2)].into_iter().sum::<Money>(), Money(3));
    }

    #[test]
    fn dates_parse_count_and_show_per_language() {
        let d = Date::parse("2024-02-28").unwrap();
        assert_eq!(d.plus_days(1).iso(), "2024-02-29", "a leap day");
        assert_eq!(d.plus_days(2).iso(), "2024-03-01");
        assert_eq!(d.plus_days(-59).iso(), "2023-12-31");
        assert_eq!(d.days_until(Date::parse("2025-02-28").unwrap()), 366);
        assert_eq!(Date::from_ms(0).iso(), "1970-01-01");
        assert_eq!(Date::from_ms(951_782_400_000).iso(), "2000-02-29");
        assert_eq!(Date::from_ms(-1).iso(), "1969-12-31");
        assert_eq!(Date::parse("2000-02-29").unwrap().start_ms(), 951_782_400_000);
        let nov = Date::parse("2026-11-30").unwrap();
        assert_eq!(nov.format(Language::En), "30 Nov 2026");
        assert_eq!(nov.format(Language::Nl), "30 nov. 2026");
        assert_eq!(Date::parse("2026-05-01").unwrap().format(Language::Ro), "1 mai 2026");
        for bad in ["", "2026-13-01", "30-11-2026", "2026-02-30"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
