//! The default stages a new database starts with (SPEC CF-1). Stage configuration (names per
//! language, transitions, groups) makes these editable; until then they are the fixed lists.

/// A stage: its code, its win probability (opportunities), and whether it closes the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    pub code: &'static str,
    pub probability: u8,
    pub end: bool,
}

const fn open(code: &'static str, probability: u8) -> Stage {
    Stage { code, probability, end: false }
}

const fn end(code: &'static str, probability: u8) -> Stage {
    Stage { code, probability, end: true }
}

pub const LEAD_STAGES: [Stage; 5] =
    [open("new", 0), open("contacted", 0), open("qualified", 0), end("converted", 0), end("disqualified", 0)];

pub const OPPORTUNITY_STAGES: [Stage; 6] = [
    open("qualification", 10),
    open("needs_analysis", 25),
    open("proposal", 50),
    open("negotiation", 75),
    end("won", 100),
    end("lost", 0),
];

pub const SOURCES: [&str; 5] = ["website", "showroom", "trade_fair", "referral", "phone"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_starts_open_and_ends_closed() {
        for stages in [&LEAD_STAGES[..], &OPPORTUNITY_STAGES[..]] {
            assert!(!stages[0].end);
            assert!(stages.iter().rev().take(2).all(|s| s.end));
        }
        assert_eq!(OPPORTUNITY_STAGES.iter().find(|s| s.code == "won").map(|s| s.probability), Some(100));
    }
}
