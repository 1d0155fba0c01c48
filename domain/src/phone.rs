//! Phone numbers (SPEC DM-2), parsed once and normalised so that duplicates are found: to E.164
//! (`+31612345678`) when the country is known — from an international prefix in the input or
//! from the record's (or office's) country — and otherwise kept as the digits typed.
//!
//! Deliberately small (no numbering-plan metadata in the browser bundle): it knows the national
//! trunk prefix "0" of the countries Veld's customers work in and the E.164 length limits; it
//! does not check that a number is assigned.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Countries whose national format ("06 1234 5678") can be turned into E.164: ISO 3166 code,
/// calling code, and the number of national significant digits (without the trunk "0").
const COUNTRIES: &[(&str, &str, std::ops::RangeInclusive<usize>)] = &[
    ("NL", "31", 9..=9),
    ("BE", "32", 8..=9),
    ("DE", "49", 6..=13),
    ("FR", "33", 9..=9),
    ("GB", "44", 9..=10),
    ("RO", "40", 9..=9),
    ("AT", "43", 4..=13),
    ("CH", "41", 9..=9),
    ("LU", "352", 4..=11),
];

/// A phone number: E.164 when the country is known, else the digits as typed (with a leading
/// `+` only when the input had an international prefix).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("enter a phone number")]
    Empty,
    #[error("a phone number may only contain digits, spaces, dashes, dots, brackets and a leading +")]
    BadCharacter,
    #[error("this phone number is too short")]
    TooShort,
    #[error("a phone number has at most 15 digits")]
    TooLong,
    #[error("this number has the wrong length for the country")]
    WrongLength,
}

impl Phone {
    /// Parses `input`; `country` (ISO 3166 alpha-2, e.g. "NL") is used for numbers written in
    /// national format.
    pub fn parse(input: &str, country: Option<&str>) -> Result<Phone, PhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(s.len());
        let mut plus = false;
        for (i, c) in s.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                ' ' | '-' | '.' | '(' | ')' | '/' => {}
                _ => return Err(PhoneError::BadCharacter),
            }
        }
        // "0031 6…" is "+31 6…".
        if !plus && let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_owned();
            plus = true;
        }
        if digits.len() < 4 {
            return Err(PhoneError::TooShort);
        }
        if plus {
            if digits.len() > 15 {
                return Err(PhoneError::TooLong);
            }
            // "+31 (0)6…": the trunk 0 written after the calling code is dropped.
            if let Some((_, code, _)) = COUNTRIES.iter().find(|(_, code, _)| digits.starts_with(code))
                && digits[code.len()..].starts_with('0')
            {
                digits.remove(code.len());
            }
            return Ok(Phone(format!("+{digits}")));
        }
        let known = country.and_then(|c| COUNTRIES.iter().find(|(iso, _, _)| iso.eq_ignore_ascii_case(c)));
        match (known, digits.strip_prefix('0')) {
            (Some((_, code, lengths)), Some(national)) => {
                if !lengths.contains(&national.len()) {
                    return Err(PhoneError::WrongLength);
                }
                Ok(Phone(format!("+{code}{national}")))
            }
            _ => {
                if digits.len() > 15 {
                    return Err(PhoneError::TooLong);
                }
                Ok(Phone(digits))
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number is in E.164 form (its country was known).
    pub fn is_international(&self) -> bool {
        self.0.starts_with('+')
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str, country: Option<&str>) -> String {
        Phone::parse(input, country).unwrap_or_else(|e| panic!("{input}: {e}")).to_string()
    }

    #[test]
    fn the_same_number_written_five_ways_is_one_number() {
        for written in ["06 1234 5678", "06-12345678", "+31 6 12345678", "0031 (0)6 1234 5678", "+31 (0)6 1234 5678"] {
            assert_eq!(e164(written, Some("NL")), "+31612345678", "{written}");
        }
        assert_eq!(e164("+31612345678", None), "+31612345678", "international needs no country");
        assert_eq!(e164("03 123 45 67", Some("be")), "+3231234567");
        assert_eq!(e164("0721 234 567", Some("RO")), "+40721234567");
    }

    #[test]
    fn without_a_known_country_the_digits_are_kept() {
        assert_eq!(e164("06 1234 5678", None), "0612345678");
        assert_eq!(e164("(555) 010-4477", Some("US")), "5550104477");
        assert!(!Phone::parse("06 1234 5678", None).unwrap().is_international());
    }

    #[test]
    fn bad_numbers_say_what_is_wrong() {
        assert_eq!(Phone::parse("  ", Some("NL")), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("06 1234 ABCD", Some("NL")), Err(PhoneError::BadCharacter));
        assert_eq!(Phone::parse("31+6", None), Err(PhoneError::BadCharacter));
        assert_eq!(Phone::parse("112", None), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("+1234567890123456", None), Err(PhoneError::TooLong));
        assert_eq!(Phone::parse("06 1234 567", Some("NL")), Err(PhoneError::WrongLength));
    }
}
