//! E-mail addresses, parsed once ("parse, don't validate") and normalised so that lookups and
//! duplicate checks compare like with like.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically plausible, normalised e-mail address (trimmed, lower-cased).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an e-mail address")]
    Empty,
    #[error("an e-mail address needs one @ with a name before it and a domain after it")]
    Malformed,
    #[error("an e-mail address can be at most 254 characters")]
    TooLong,
}

impl Email {
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok =
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..");
        if local.is_empty() || !domain_ok || domain.contains('@') || s.chars().any(char::is_whitespace) {
            return Err(EmailError::Malformed);
        }
        Ok(Email(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, want: Result<&str, EmailError>) {
        assert_eq!(Email::parse(input).as_ref().map(Email::as_str), want.as_ref().map(|s| *s), "{input:?}");
    }

    #[test]
    fn parses_and_normalises() {
        check("  Anna.de.Vries@Example.NL ", Ok("anna.de.vries@example.nl"));
        check("a@b.co", Ok("a@b.co"));
        check("", Err(EmailError::Empty));
        check("   ", Err(EmailError::Empty));
        check("anna", Err(EmailError::Malformed));
        check("@example.nl", Err(EmailError::Malformed));
        check("anna@example", Err(EmailError::Malformed));
        check("anna@.nl", Err(EmailError::Malformed));
        check("anna@example..nl", Err(EmailError::Malformed));
        check("an na@example.nl", Err(EmailError::Malformed));
        check("a@b@c.nl", Err(EmailError::Malformed));
        check(&format!("{}@example.nl", "a".repeat(250)), Err(EmailError::TooLong));
    }

    #[test]
    fn deserialising_rejects_bad_addresses() {
        assert!(serde_json::from_str::<Email>("\"x@y.nl\"").is_ok());
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
