//! Small checks shared by the handlers' validation: each pushes a [`FieldError`] for a bad
//! value, so a handler collects every problem of a body and answers one 422 with all of them.

use crate::error::{ApiError, FieldError};

/// A positive, finite measurement (metres, tonnes) below a billion.
pub fn positive_number(field: &str, value: f64, errors: &mut Vec<FieldError>) {
    if !(value.is_finite() && value > 0.0 && value < 1e9) {
        errors.push(FieldError::new(field, "must be a positive number"));
    }
}

/// Text of at most `max` characters.
pub fn max_chars(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
}

/// `value` if nothing was wrong, else a 422 listing every field error.
pub fn validated<T>(value: T, errors: Vec<FieldError>) -> Result<T, ApiError> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// `text` for a `LIKE`/`ILIKE` pattern, with `\`, `%` and `_` matching themselves.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape(r"50%_off\"), r"50\%\_off\\");
    }

    #[test]
    fn checks_collect_errors_and_validated_reports_them_all() {
        let mut errors = Vec::new();
        positive_number("beam_m", 0.0, &mut errors);
        positive_number("draft_m", f64::NAN, &mut errors);
        positive_number("loa", 12.5, &mut errors);
        max_chars("note", "abcd", 3, &mut errors);
        max_chars("note", "ßßß", 3, &mut errors);
        assert_eq!(errors.len(), 3);
        assert!(matches!(validated((), errors), Err(ApiError::Validation(e)) if e.len() == 3));
        assert!(validated(7, Vec::new()).is_ok());
    }
}
