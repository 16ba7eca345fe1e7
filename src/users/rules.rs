//! Rules for user data: the email shape and the role/organisation pairing.

use crate::{error::FieldError, role::Role};

/// A plausible email address: one `@`, something before it, a dotted domain after it,
/// no spaces, at most 254 characters. Deliverability is not our business.
pub fn check_email(email: &str) -> Result<(), FieldError> {
    let bad = || FieldError::new("email", "is not an email address");
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty() || !domain_ok {
        Err(bad())
    } else {
        Ok(())
    }
}

/// A client belongs to exactly one organisation; yard staff to none.
pub fn check_organization(role: Role, organization: bool) -> Result<(), FieldError> {
    match (role, organization) {
        (Role::Client, false) => Err(FieldError::new(
            "organization_id",
            "is required for a client user",
        )),
        (Role::Manager | Role::Technician, true) => Err(FieldError::new(
            "organization_id",
            "must be omitted for yard staff",
        )),
        _ => Ok(()),
    }
}

/// A name of 1 to 200 characters after trimming.
pub fn check_name(field: &str, name: &str) -> Result<(), FieldError> {
    let n = name.trim().chars().count();
    if (1..=200).contains(&n) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be 1 to 200 characters"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(check_email("anna.petrova@sovfracht.ru").is_ok());
        for bad in [
            "",
            "anna",
            "@yard.cn",
            "anna@",
            "anna@yard",
            "an na@yard.cn",
            "a@b@c.cn",
            "a@yard..cn",
        ] {
            assert!(check_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn only_clients_have_an_organization() {
        assert!(check_organization(Role::Client, true).is_ok());
        assert!(check_organization(Role::Client, false).is_err());
        assert!(check_organization(Role::Manager, true).is_err());
        assert!(check_organization(Role::Technician, false).is_ok());
    }
}
