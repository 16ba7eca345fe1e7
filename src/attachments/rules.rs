//! What a file is, what it may be called, and who may attach it where: decided from its
//! bytes and the caller's role, with no I/O.

use crate::{auth::Role, error::FieldError};

/// The kinds of file a job takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A JPEG photo.
    Jpeg,
    /// A PNG image.
    Png,
    /// A WebP image.
    Webp,
    /// A PDF document.
    Pdf,
}

impl FileKind {
    /// The kind the first bytes of a file show, if it is one a job takes. The name and
    /// the type the client sent are never asked.
    pub fn of(head: &[u8]) -> Option<Self> {
        match infer::get(head)?.mime_type() {
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::Webp),
            "application/pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// The kind stored under a content type.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp, Self::Pdf]
            .into_iter()
            .find(|k| k.content_type() == content_type)
    }

    /// Its content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// Photos and images get a thumbnail and lose their location metadata.
    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

/// How many leading bytes [`FileKind::of`] needs.
pub const HEAD_BYTES: usize = 64;

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 255;
/// Longest caption, in characters.
pub const MAX_CAPTION: usize = 500;

/// The name to keep for a sent file: its last path segment, without control characters
/// or quotes, trimmed, at most [`MAX_FILE_NAME`] characters; `file` when nothing is left.
pub fn safe_file_name(sent: Option<&str>) -> String {
    let last = sent
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    // Bidirectional controls go too: U+202E would show `gpj.exe` as `exe.jpg`.
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{7f}') && !is_bidi_control(*c))
        .take(MAX_FILE_NAME)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Whether `c` changes the direction of the text around it (embeddings, overrides,
/// isolates and marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `Content-Disposition` for a download (RFC 6266): an ASCII fallback name, and the real
/// name percent-encoded as UTF-8 (RFC 8187) when it is not plain ASCII.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == name {
        return format!("{kind}; filename=\"{ascii}\"");
    }
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// What the file is to be attached to besides its job.
#[derive(Debug, Clone, Copy, Default)]
pub struct Targets {
    /// A task was named.
    pub task: bool,
    /// An additional-work item was named.
    pub additional_work: bool,
    /// A work log was named.
    pub work_log: bool,
}

/// Whether `role` may attach to what it named: a technician its own tasks and work logs
/// (checked against the database too), not findings; a client its job, tasks and
/// findings, not work logs (whose authors it never sees); a manager anything.
pub fn check_targets(role: Role, targets: Targets) -> Result<(), FieldError> {
    match role {
        Role::Technician if targets.additional_work => Err(FieldError::new(
            "additional_work_id",
            "technicians attach photos to the job, their tasks and their work logs",
        )),
        Role::Client if targets.work_log => Err(FieldError::new(
            "work_log_id",
            "clients attach files to the job, its tasks and its additional work",
        )),
        _ => Ok(()),
    }
}

/// How long the uploader may delete their own file.
pub const OWN_DELETE_HOURS: i64 = 24;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_bytes() {
        assert_eq!(
            FileKind::of(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::of(b"RIFF\x24\x00\x00\x00WEBPVP8 "),
            Some(FileKind::Webp)
        );
        assert_eq!(FileKind::of(b"%PDF-1.7\n%\xE2\xE3"), Some(FileKind::Pdf));
        // A Windows executable, a zip, plain text, nothing.
        assert_eq!(FileKind::of(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None);
        assert_eq!(FileKind::of(b"PK\x03\x04\x14\x00\x00\x00"), None);
        assert_eq!(FileKind::of(b"hello, yard"), None);
        assert_eq!(FileKind::of(b""), None);
    }

    #[test]
    fn file_names_lose_paths_controls_and_quotes() {
        assert_eq!(safe_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(safe_file_name(Some("C:\\photos\\plate.jpg")), "plate.jpg");
        assert_eq!(safe_file_name(Some("a\"b\r\nc.pdf")), "abc.pdf");
        assert_eq!(safe_file_name(Some("..")), "file");
        assert_eq!(safe_file_name(None), "file");
        assert_eq!(safe_file_name(Some(&"x".repeat(400))).chars().count(), 255);
    }

    #[test]
    fn non_ascii_names_are_encoded_for_the_download() {
        assert_eq!(
            content_disposition("spec.pdf", true),
            "inline; filename=\"spec.pdf\""
        );
        assert_eq!(
            content_disposition("Ремонт №3.pdf", false),
            "attachment; filename=\"______ _3.pdf\"; \
             filename*=UTF-8''%D0%A0%D0%B5%D0%BC%D0%BE%D0%BD%D1%82%20%E2%84%963.pdf"
        );
    }

    #[test]
    fn technicians_attach_no_findings_and_clients_no_work_logs() {
        let finding = Targets {
            additional_work: true,
            ..Targets::default()
        };
        let log = Targets {
            work_log: true,
            ..Targets::default()
        };
        assert!(check_targets(Role::Technician, finding).is_err());
        assert!(check_targets(Role::Technician, log).is_ok());
        assert!(check_targets(Role::Client, log).is_err());
        assert!(check_targets(Role::Client, finding).is_ok());
        assert!(
            check_targets(
                Role::Manager,
                Targets {
                    task: true,
                    additional_work: true,
                    work_log: true
                }
            )
            .is_ok()
        );
    }
}

/// A `Range` wholly outside the file (416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// The byte range a `Range` header asks of a file of `size` bytes: `Ok(None)` for the
/// whole file (no header, or one this service does not serve in parts, such as several
/// ranges), `Ok(Some(start..end))` for one satisfiable range, [`Unsatisfiable`] for a
/// range wholly outside the file.
pub fn byte_range(
    header: Option<&str>,
    size: u64,
) -> Result<Option<std::ops::Range<u64>>, Unsatisfiable> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        // The last `n` bytes.
        let Ok(n) = last.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 {
            return Err(Unsatisfiable);
        }
        size.saturating_sub(n)..size
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return Ok(None);
        };
        let end = if last.is_empty() {
            size
        } else {
            let Ok(last) = last.parse::<u64>() else {
                return Ok(None);
            };
            if last < start {
                return Ok(None);
            }
            last.saturating_add(1).min(size)
        };
        start..end
    };
    if range.start >= size || range.is_empty() {
        Err(Unsatisfiable)
    } else {
        Ok(Some(range))
    }
}

#[cfg(test)]
mod range_tests {
    use super::{Unsatisfiable, byte_range};

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-9"), 100), Ok(Some(0..10)));
        assert_eq!(byte_range(Some("bytes=90-"), 100), Ok(Some(90..100)));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Ok(Some(90..100)));
        assert_eq!(byte_range(Some("bytes=50-1000"), 100), Ok(Some(50..100)));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=9-2"), 100), Ok(None));
    }
}
