//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), read and decoded by
//! awsmfa, parsed by the AWS SDK's own profile parser (`aws_config::profile`).
//!
//! Locations (AWS SDKs and Tools reference guide, "Location of the shared config and credentials files"):
//! `$AWS_CONFIG_FILE` and `$AWS_SHARED_CREDENTIALS_FILE`, a leading `~/` meaning the home directory; else
//! `~/.aws/config` and `~/.aws/credentials`. A missing file counts as empty. A key present in both files takes
//! the credentials file's value.
//!
//! Each file is parsed on its own so that an error can name the file. awsmfa decodes the bytes itself: a
//! UTF-8 byte order mark is dropped, UTF-16 and other non-UTF-8 files are refused with a message (the SDK
//! would silently read them as empty).

use crate::error::{Error, Result};
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use std::borrow::Cow;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// One of the two files, loaded.
#[derive(Debug)]
pub struct File {
    /// Where it was looked for.
    pub path: PathBuf,
    /// False when the file does not exist (it then counts as empty).
    pub exists: bool,
    /// Parsed profiles.
    profiles: ProfileSet,
    /// The decoded text, kept to explain a profile written in the other file's form.
    text: String,
}

/// Both files, with lookups that follow the SDK's precedence (credentials file first).
#[derive(Debug)]
pub struct Files {
    /// The config file.
    pub config: File,
    /// The credentials file.
    pub credentials: File,
}

impl Files {
    /// Loads both files from their usual or overridden locations.
    ///
    /// Errors ([`crate::error::Kind::Config`]): a file that exists but cannot be read, is not UTF-8 (UTF-16
    /// is named as such), or holds a malformed line (the message names the file and line).
    pub fn load() -> Result<Files> {
        Ok(Files {
            config: File::load(EnvConfigFileKind::Config)?,
            credentials: File::load(EnvConfigFileKind::Credentials)?,
        })
    }

    /// The value of `key` in profile `profile`: the credentials file's if it has one, else the config
    /// file's. Empty values count as absent.
    pub fn get(&self, profile: &str, key: &str) -> Option<(&str, &File)> {
        [&self.credentials, &self.config]
            .into_iter()
            .find_map(|file| {
                file.profiles
                    .get_profile(profile)
                    .and_then(|p| p.get(key))
                    .filter(|v| !v.is_empty())
                    .map(|v| (v, file))
            })
    }

    /// True when either file has a section for `profile`.
    pub fn has_profile(&self, profile: &str) -> bool {
        self.config.profiles.get_profile(profile).is_some()
            || self.credentials.profiles.get_profile(profile).is_some()
    }

    /// All profile names found, sorted, without duplicates.
    pub fn profile_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .config
            .profiles
            .profiles()
            .chain(self.credentials.profiles.profiles())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The error for a profile that is in neither file: names both files, lists the profiles that exist,
    /// and points out a section written in the other file's form (`[name]` in config, `[profile name]` in
    /// credentials), which the SDK ignores.
    pub fn not_found(&self, profile: &str) -> Error {
        let mut message = format!(
            "profile {profile:?} not found in {} or {}",
            self.config.describe(),
            self.credentials.describe()
        );
        if self.config.has_raw_section(&format!("[{profile}]")) && profile != "default" {
            message.push_str(&format!(
                "; {} has [{profile}], but the config file needs [profile {profile}]",
                self.config.path.display()
            ));
        }
        if self
            .credentials
            .has_raw_section(&format!("[profile {profile}]"))
        {
            message.push_str(&format!(
                "; {} has [profile {profile}], but the credentials file needs [{profile}]",
                self.credentials.path.display()
            ));
        }
        let names = self.profile_names();
        if names.is_empty() {
            message.push_str("; no profiles exist: add one with `aws configure --profile NAME`, or write the file");
        } else {
            message.push_str(&format!("; profiles found: {}", names.join(", ")));
        }
        Error::config(message)
    }
}

impl File {
    fn load(kind: EnvConfigFileKind) -> Result<File> {
        let path = location(kind);
        let (exists, text) = match read_regular(&path) {
            Ok(bytes) => (true, decode(&path, bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, String::new()),
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot read {}: {e}; fix its permissions or point {} elsewhere",
                    path.display(),
                    override_variable(kind)
                )));
            }
        };
        let profiles = parse(kind, &text).map_err(|e| {
            // The parse error (with its line) is the load error's source; the parser names in-memory text
            // "<unknown>", so only the line part is kept.
            let detail = std::error::Error::source(&e)
                .map(|inner| inner.to_string())
                .unwrap_or_else(|| e.to_string());
            let detail = match detail.split_once(" on line ") {
                Some((_, line)) => format!("malformed line {line}"),
                None => detail,
            };
            Error::config(format!("{}: {detail}; fix that line", path.display()))
        })?;
        Ok(File {
            path,
            exists,
            profiles,
            text,
        })
    }

    /// The path, with "(missing)" when the file does not exist.
    pub fn describe(&self) -> String {
        if self.exists {
            self.path.display().to_string()
        } else {
            format!("{} (missing)", self.path.display())
        }
    }

    fn has_raw_section(&self, header: &str) -> bool {
        self.text.lines().any(|l| {
            l.trim_matches([' ', '\t'])
                .strip_prefix(header)
                .is_some_and(|rest| {
                    rest.trim_start().is_empty() || rest.trim_start().starts_with(['#', ';'])
                })
        })
    }
}

/// The largest profile or CA file read, in bytes; real ones are a few KiB.
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Reads a file that must be a regular file of at most [`MAX_FILE`] bytes: a FIFO, a device or a directory
/// would hang, never end or fail obscurely, so they are refused with `InvalidInput`.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > MAX_FILE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "larger than 16 MiB",
        ));
    }
    std::fs::read(path)
}

/// The environment variable that moves a file of `kind`.
fn override_variable(kind: EnvConfigFileKind) -> &'static str {
    match kind {
        EnvConfigFileKind::Config => "AWS_CONFIG_FILE",
        _ => "AWS_SHARED_CREDENTIALS_FILE",
    }
}

/// Where the SDK would look for a file of `kind`.
fn location(kind: EnvConfigFileKind) -> PathBuf {
    let home = std::env::home_dir().unwrap_or_else(|| PathBuf::from("~"));
    match std::env::var(override_variable(kind)) {
        Ok(p) if !p.is_empty() => match p.strip_prefix("~/").or_else(|| p.strip_prefix("~\\")) {
            Some(rest) => home.join(rest),
            None if p == "~" => home,
            None => PathBuf::from(p),
        },
        _ => home.join(".aws").join(match kind {
            EnvConfigFileKind::Config => "config",
            _ => "credentials",
        }),
    }
}

/// Decodes a profile file: UTF-8 with an optional byte order mark. UTF-16 (by its byte order mark, or by
/// NUL bytes) and other bytes are refused with a message that says how to fix the file.
fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        return Err(Error::config(format!(
            "{} is UTF-16 encoded; re-save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8)",
            path.display()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::config(format!(
            "{} is not valid UTF-8 (byte {}); re-save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        ))
    })?;
    // Windows editors leave CRLF, and sometimes a stray CR or blanks after a value (a pasted secret):
    // none of them can be part of a key or value, so they are dropped before parsing.
    // Comment lines, indented or not, become blank (the SDK's parser would take an indented one as the
    // continuation of the value above; botocore's configparser treats it as a comment). Line numbers stay.
    // An indented `key = value` right after a property with a value would silently extend that value (a
    // secret that grows a line): refused, naming the line.
    let mut clean = String::with_capacity(text.len());
    let mut after_value = false;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches(['\r', ' ', '\t']);
        let body = line.trim_start_matches([' ', '\t']);
        let indented = body.len() != line.len();
        if body.starts_with(['#', ';']) || body.is_empty() {
            clean.push('\n');
            continue;
        }
        if indented && after_value && body.contains('=') {
            return Err(Error::config(format!(
                "{} line {} is indented, so it would continue the value on the line above; remove the indentation",
                path.display(),
                index + 1
            )));
        }
        after_value = !indented
            && !body.starts_with('[')
            && body
                .split_once('=')
                .is_some_and(|(_, value)| !value.trim_matches([' ', '\t']).is_empty());
        clean.push_str(line);
        clean.push('\n');
    }
    Ok(clean)
}

/// Parses one file's text with the SDK's profile parser.
fn parse(
    kind: EnvConfigFileKind,
    text: &str,
) -> std::result::Result<ProfileSet, aws_config::profile::ProfileFileLoadError> {
    let files = EnvConfigFiles::builder().with_contents(kind, text).build();
    let (fs, env) = (Fs::real(), Env::real());
    let load = aws_config::profile::load(&fs, &env, &files, Some(Cow::Borrowed("default")));
    // The loader is async only to share a signature with file-reading sources; with in-memory contents it
    // finishes on its first poll, so no runtime is needed.
    let mut load = pin!(load);
    match load.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => unreachable!("in-memory profile parsing never waits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_comments() {
        let set = parse(
            EnvConfigFileKind::Config,
            "[default]\r\nregion = eu-west-1 # c\r\n[profile a.b@c+d]\r\nmfa_serial\t=\tarn:x\n",
        )
        .unwrap();
        assert_eq!(
            set.get_profile("default").unwrap().get("region"),
            Some("eu-west-1")
        );
        assert_eq!(
            set.get_profile("a.b@c+d").unwrap().get("mfa_serial"),
            Some("arn:x")
        );
    }

    #[test]
    fn refuses_utf16_and_drops_bom() {
        let p = Path::new("f");
        assert!(decode(p, vec![0xFF, 0xFE, b'[', 0]).is_err());
        assert_eq!(
            decode(p, b"\xEF\xBB\xBF[default]".to_vec()).unwrap(),
            "[default]\n"
        );
        assert_eq!(decode(p, b"k = v\r \r\n".to_vec()).unwrap(), "k = v\n");
    }

    #[test]
    fn indented_comments_are_blank_and_indented_keys_after_a_value_are_refused() {
        let p = Path::new("f");
        assert_eq!(
            decode(p, b"[a]\nk = v\n  # note\n\t; old\n".to_vec()).unwrap(),
            "[a]\nk = v\n\n\n"
        );
        let e = decode(p, b"[a]\nk = v\n  j = w\n".to_vec()).unwrap_err();
        assert!(e.message.contains("line 3 is indented"), "{e}");
        assert!(
            decode(p, b"[a]\ns3 =\n  max = 10\n".to_vec()).is_ok(),
            "sub-properties"
        );
    }
}
