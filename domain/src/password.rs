//! The password policy for new passwords (NIST SP 800-63B: length over composition rules).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_LEN} characters")]
    TooShort,
    #[error("a password can be at most {MAX_LEN} characters")]
    TooLong,
    #[error("a password cannot be only spaces")]
    Blank,
}

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

/// Checks a password someone chooses; login attempts are never checked against this.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let len = password.chars().count();
    if password.trim().is_empty() && len > 0 {
        Err(PasswordError::Blank)
    } else if len < MIN_LEN {
        Err(PasswordError::TooShort)
    } else if len > MAX_LEN {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds() {
        assert_eq!(check_new_password("short"), Err(PasswordError::TooShort));
        assert_eq!(check_new_password("ninechars"), Err(PasswordError::TooShort));
        assert_eq!(check_new_password("tencharsok"), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(257)), Err(PasswordError::TooLong));
        // Counted in characters, not bytes: ten accented letters are enough.
        assert_eq!(check_new_password("éééééééééé"), Ok(()));
        assert_eq!(check_new_password("            "), Err(PasswordError::Blank));
        assert_eq!(check_new_password(" \t\u{a0}         "), Err(PasswordError::Blank));
    }
}
