//! The user-interface languages. Adding one here makes every `match` over it (the client's
//! string tables among them) fail to compile until it is handled.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Nl,
    Ro,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Nl, Language::Ro];

    /// The BCP 47 tag, as used in `<html lang>` and stored per user.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
            Language::Ro => "ro",
        }
    }

    /// The language's own name, for pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Nl => "Nederlands",
            Language::Ro => "Română",
        }
    }

    /// Best match for a browser tag like `nl-BE` or `en-GB`; English otherwise.
    pub fn from_browser_tag(tag: &str) -> Language {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        primary.parse().unwrap_or_default()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language `{0}` (supported: en, nl, ro)")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Language::En),
            "nl" => Ok(Language::Nl),
            "ro" => Ok(Language::Ro),
            _ => Err(UnknownLanguage(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_pick_the_primary_language() {
        let check = |tag: &str, want: Language| assert_eq!(Language::from_browser_tag(tag), want, "{tag}");
        check("nl-BE", Language::Nl);
        check("nl", Language::Nl);
        check("en-GB", Language::En);
        check("ro-RO", Language::Ro);
        check("de-DE", Language::En);
        check("", Language::En);
    }

    #[test]
    fn codes_round_trip_and_unknown_is_an_error() {
        for lang in Language::ALL {
            assert_eq!(lang.code().parse::<Language>().unwrap(), lang);
        }
        assert_eq!("xx".parse::<Language>(), Err(UnknownLanguage("xx".into())));
    }
}
