//! The session cache: one small JSON file per (profile, long-term key, MFA serial, region, endpoint), so a
//! valid session is re-exported without a prompt and without the network.
//!
//! Where: `$AWSMFA_CACHE_DIR`, else the platform's cache directory (`directories::ProjectDirs`:
//! `~/.cache/awsmfa` on Linux, `~/Library/Caches/awsmfa` on macOS, `%LOCALAPPDATA%\awsmfa\cache` on Windows).
//! The directory is 0700 and each file 0600 (Unix), written atomically (a temporary file in the same
//! directory, then rename). Like the AWS CLI's own `~/.aws/cli/cache`, the files are plaintext: anyone who
//! can read them as this user can use the session until it expires.
//!
//! A bad entry (unreadable, truncated, another format version, a foreign key, readable by others) is
//! reported, ignored and later replaced; it never makes a run fail. Runs that need the same session
//! serialise on a lock file next to the entry, so a second run waits for the first and reuses its session
//! instead of asking for another code.

use super::Session;
use crate::error::{Error, Kind, Result};
use crate::report::Reporter;
use crate::secret::Secret;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The entry format version written and accepted.
pub const FORMAT_VERSION: u32 = 1;

/// How temporary files in the cache directory begin; entry names never begin with a dot.
const TEMPORARY_PREFIX: &str = ".awsmfa-tmp-";

/// The largest entry read, in bytes (an entry is well under 10 KiB).
const MAX_ENTRY: u64 = 1024 * 1024;

/// True for a file name awsmfa writes in the cache directory: `<profile>-<16 hex digits>.json` or `.lock`,
/// or a temporary file. `clear --all` removes only these, whatever else the directory holds.
fn is_ours(name: &str) -> bool {
    if name.starts_with(TEMPORARY_PREFIX) {
        return true;
    }
    let Some(stem) = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".lock"))
    else {
        return false;
    };
    stem.rsplit_once('-').is_some_and(|(profile, digest)| {
        !profile.starts_with('.')
            && digest.len() == 16
            && digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// What a cached session was minted for. A session is reused only for the same key, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The profile name.
    pub profile: String,
    /// The long-term access key id, or `credential_process:<command>` (the id is not known before the
    /// process runs, and running it on every hit would defeat the cache).
    pub source: String,
    /// The MFA serial number.
    pub serial: String,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`): session credentials work in every region of their
    /// partition, so switching regions does not need a new code.
    pub partition: String,
    /// The endpoint override, if any.
    pub endpoint: Option<String>,
}

impl Key {
    /// The key of the session `inputs` ask for.
    pub fn for_inputs(inputs: &crate::resolve::Inputs) -> Key {
        use crate::resolve::source::Source;
        Key {
            profile: inputs.profile.clone(),
            source: match &inputs.source {
                Source::Keys(keys) => keys.access_key_id.clone(),
                Source::Process { command, .. } => format!("credential_process:{command}"),
            },
            serial: inputs.serial.value.clone(),
            partition: crate::resolve::partition_of(&inputs.target.region).to_string(),
            endpoint: inputs.target.endpoint.clone(),
        }
    }

    /// The file name stem: the profile (made file-name safe) and 16 hex digits of SHA-256 over all fields.
    fn stem(&self) -> String {
        let mut hash = Sha256::new();
        for field in [
            self.profile.as_str(),
            &self.source,
            &self.serial,
            &self.partition,
            self.endpoint.as_deref().unwrap_or(""),
        ] {
            hash.update((field.len() as u64).to_le_bytes());
            hash.update(field.as_bytes());
        }
        let digest: String = hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let safe: String = self
            .profile
            .chars()
            .take(64)
            .enumerate()
            .map(|(i, c)| {
                // No leading dot: entries are never hidden files and never look like a temporary file.
                if c.is_ascii_alphanumeric() || "-_".contains(c) || (c == '.' && i > 0) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{safe}-{digest}")
    }
}

/// One cache file's contents. No `Debug`: it holds the secrets as plain strings.
#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    key: Key,
    #[serde(rename = "AccessKeyId")]
    access_key_id: String,
    #[serde(rename = "SecretAccessKey")]
    secret_access_key: String,
    #[serde(rename = "SessionToken")]
    session_token: String,
    #[serde(rename = "Expiration")]
    expiration: String,
}

/// A cached session as listed by `status` and `clear` (no secrets).
#[derive(Debug, Clone)]
pub struct Listed {
    /// What it was minted for.
    pub key: Key,
    /// The session's access key id.
    pub access_key_id: String,
    /// UTC RFC 3339.
    pub expiration: String,
    /// Seconds left (negative once expired).
    pub remaining: i64,
}

/// The cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// True when the directory came from `AWSMFA_CACHE_DIR`: awsmfa then never changes its mode.
    chosen: bool,
}

/// Seconds from now until `expiration` (UTC RFC 3339); negative when past. `None` when it does not parse.
pub fn seconds_left(expiration: &str) -> Option<i64> {
    let end = DateTime::from_str(expiration, Format::DateTime).ok()?;
    let now = DateTime::from(SystemTime::now());
    Some(end.secs() - now.secs())
}

/// `3h 12m`, `14m 5s`, `40s`, or `expired`.
pub fn human(seconds: i64) -> String {
    match seconds {
        s if s <= 0 => "expired".into(),
        s if s >= 3600 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

impl Cache {
    /// The cache at `$AWSMFA_CACHE_DIR` or the platform's cache directory. Nothing is created yet.
    ///
    /// Errors ([`Kind::Config`]): no home directory to put it in, or `AWSMFA_CACHE_DIR` is not an absolute
    /// path (a relative one would scatter plaintext sessions into whatever directory awsmfa runs in).
    pub fn locate() -> Result<Cache> {
        match std::env::var_os("AWSMFA_CACHE_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                if !dir.is_absolute() {
                    return Err(Error::config(
                        "AWSMFA_CACHE_DIR must be an absolute path",
                    ));
                }
                Ok(Cache { dir, chosen: true })
            }
            None => directories::ProjectDirs::from("", "", "awsmfa")
                .map(|d| Cache {
                    dir: d.cache_dir().to_path_buf(),
                    chosen: false,
                })
                .ok_or_else(|| {
                    Error::config("no home directory for the session cache: set AWSMFA_CACHE_DIR or pass --no-cache")
                }),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &Key, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", key.stem()))
    }

    /// The cached session for `key` when at least `min_remaining` seconds of it are left. Bad entries are
    /// reported (unless `-q`) and ignored.
    pub fn fresh(&self, key: &Key, min_remaining: i64, report: &Reporter) -> Option<Session> {
        let path = self.path(key, "json");
        let entry = match read_entry(&path) {
            Ok(Some(entry)) => entry,
            Ok(None) => return None,
            Err(why) => {
                report.notice(&format!(
                    "ignoring the cached session in {}: {why}; it will be replaced",
                    path.display()
                ));
                return None;
            }
        };
        if entry.key != *key {
            report.notice(&format!(
                "ignoring the cached session in {}: it was minted for other settings; it will be replaced",
                path.display()
            ));
            return None;
        }
        let left = seconds_left(&entry.expiration)?;
        if left < min_remaining {
            report.detail(&format!(
                "cached session {}: {} left, less than the {min_remaining} s margin",
                crate::resolve::source::mask(&entry.access_key_id),
                human(left)
            ));
            return None;
        }
        Some(Session {
            access_key_id: entry.access_key_id,
            secret_access_key: Secret::new(entry.secret_access_key),
            session_token: Secret::new(entry.session_token),
            expiration: entry.expiration,
        })
    }

    /// Stores `session` for `key`: a temporary file (0600) in the cache directory (0700), synced, then
    /// renamed over the entry, so a reader or a crash sees the old entry or the new one, never a mix.
    ///
    /// Errors ([`Kind::Internal`]): the directory or file cannot be written.
    pub fn store(&self, key: &Key, session: &Session) -> Result<()> {
        let fail = |e: std::io::Error| {
            Error::new(
                Kind::Internal,
                format!(
                    "cannot write the session cache in {}: {e}",
                    self.dir.display()
                ),
            )
        };
        self.ensure_dir().map_err(fail)?;
        let entry = Entry {
            version: FORMAT_VERSION,
            key: key.clone(),
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.expose().to_string(),
            session_token: session.session_token.expose().to_string(),
            expiration: session.expiration.clone(),
        };
        self.remove_stale_temporaries();
        let json = serde_json::to_vec_pretty(&entry).expect("an entry serialises");
        // tempfile creates the file with mode 0600 on Unix.
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMPORARY_PREFIX)
            .tempfile_in(&self.dir)
            .map_err(fail)?;
        tmp.write_all(&json).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(self.path(key, "json"))
            .map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// Takes the lock for `key`, waiting (and saying so) while another run holds it. Released on drop.
    ///
    /// Errors ([`Kind::Internal`]): the lock file cannot be created or locked.
    pub fn lock(&self, key: &Key, report: &Reporter) -> Result<File> {
        let fail = |e: std::io::Error| {
            Error::new(
                Kind::Internal,
                format!(
                    "cannot lock the session cache in {}: {e}",
                    self.dir.display()
                ),
            )
        };
        self.ensure_dir().map_err(fail)?;
        let file = open_private(&self.path(key, "lock")).map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                report.notice("waiting for another awsmfa run that is getting the same session");
                file.lock().map_err(fail)?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        Ok(file)
    }

    /// Every readable entry, soonest expiry first.
    pub fn list(&self) -> Vec<Listed> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut listed: Vec<Listed> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .is_some_and(|n| n.ends_with(".json") && is_ours(&n))
            })
            .filter_map(|path| {
                let entry = read_entry(&path).ok()??;
                Some(Listed {
                    remaining: seconds_left(&entry.expiration)?,
                    key: entry.key,
                    access_key_id: entry.access_key_id,
                    expiration: entry.expiration,
                })
            })
            .collect();
        listed.sort_by_key(|l| l.remaining);
        listed
    }

    /// Removes the entries of `profile` (and their lock files), or, when `profile` is `None`, every file
    /// awsmfa writes there (see `is_ours`), readable or not; nothing else in the directory is touched.
    /// Returns how many entries were removed.
    ///
    /// Errors ([`Kind::Internal`]): a file that exists cannot be removed.
    pub fn remove(&self, profile: Option<&str>) -> Result<usize> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        let mut removed = 0;
        for path in dir.filter_map(|e| e.ok()).map(|e| e.path()) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_ours(&name) {
                continue;
            }
            let is_entry = name.ends_with(".json");
            let matches = match profile {
                None => true,
                Some(p) => {
                    is_entry
                        && read_entry(&path)
                            .ok()
                            .flatten()
                            .is_some_and(|e| e.key.profile == p)
                }
            };
            if matches {
                let remove = |path: &Path| match fs::remove_file(path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::new(
                        Kind::Internal,
                        format!("cannot remove {}: {e}", path.display()),
                    )),
                    _ => Ok(()),
                };
                remove(&path)?;
                if profile.is_some() {
                    remove(&path.with_extension("lock"))?;
                }
                removed += usize::from(is_entry);
            }
        }
        Ok(removed)
    }

    /// Removes temporary files (`.tmp-*`) older than a minute: what a run killed between creating and
    /// renaming its temporary file leaves behind. Younger ones may belong to a run still writing.
    fn remove_stale_temporaries(&self) {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in dir.filter_map(|e| e.ok()) {
            let stale = entry
                .file_name()
                .to_string_lossy()
                .starts_with(TEMPORARY_PREFIX)
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 60);
            if stale {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Creates the directory with mode 0700, or narrows an existing one to 0700 (Unix).
    fn ensure_dir(&self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.dir)?;
            let mode = fs::metadata(&self.dir)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                if self.chosen {
                    // A directory the user named may be shared on purpose: refuse it, do not change it.
                    return Err(std::io::Error::other(format!(
                        "AWSMFA_CACHE_DIR is open to other users (mode {mode:o}); chmod 700 it or choose another"
                    )));
                }
                fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))?;
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            fs::create_dir_all(&self.dir)
        }
    }
}

/// Opens (creating if needed) a file that only this user may read and write.
fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A planted symlink must not make awsmfa create or lock a file elsewhere.
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Reads and checks one entry: `Ok(None)` when there is none, `Err(reason)` when it is unusable.
fn read_entry(path: &Path) -> std::result::Result<Option<Entry>, String> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it ({e})")),
    };
    if !meta.is_file() || meta.len() > MAX_ENTRY {
        return Err("it is not a regular file of a plausible size".into());
    }
    let bytes = fs::read(path).map_err(|e| format!("cannot read it ({e})"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!("its mode is {:o}, not 600", mode & 0o777));
        }
    }
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| "it is not complete JSON".to_string())?;
    if value.get("version").and_then(|v| v.as_u64()) != Some(u64::from(FORMAT_VERSION)) {
        return Err(format!("it is not format version {FORMAT_VERSION}"));
    }
    let entry: Entry =
        serde_json::from_value(value).map_err(|_| "it lacks fields of the format".to_string())?;
    if seconds_left(&entry.expiration).is_none() {
        return Err("its expiration does not parse".into());
    }
    Ok(Some(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str) -> Key {
        Key {
            profile: profile.into(),
            source: "AKIAEXAMPLE".into(),
            serial: "arn:aws:iam::123456789012:mfa/a".into(),
            partition: "aws".into(),
            endpoint: None,
        }
    }

    fn session(expiration: &str) -> Session {
        Session {
            access_key_id: "ASIAEXAMPLE000000001".into(),
            secret_access_key: Secret::new("s"),
            session_token: Secret::new("t"),
            expiration: expiration.into(),
        }
    }

    fn in_future(secs: i64) -> String {
        DateTime::from_secs(DateTime::from(SystemTime::now()).secs() + secs)
            .fmt(Format::DateTime)
            .unwrap()
    }

    #[test]
    fn stores_and_finds_fresh_sessions_only_for_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: dir.path().join("c"),
            chosen: false,
        };
        let quiet = Reporter::default();
        cache.store(&key("a"), &session(&in_future(3600))).unwrap();
        assert!(cache.fresh(&key("a"), 300, &quiet).is_some());
        assert!(cache.fresh(&key("a"), 3700, &quiet).is_none(), "margin");
        assert!(cache.fresh(&key("b"), 300, &quiet).is_none());
        let mut other = key("a");
        other.endpoint = Some("http://127.0.0.1:1".into());
        assert!(cache.fresh(&other, 300, &quiet).is_none());
        let mut other = key("a");
        other.partition = "aws-cn".into();
        assert!(
            cache.fresh(&other, 300, &quiet).is_none(),
            "another partition"
        );
        assert_eq!(cache.list().len(), 1);
        assert_eq!(cache.remove(Some("b")).unwrap(), 0);
        assert_eq!(cache.remove(Some("a")).unwrap(), 1);
        assert!(cache.fresh(&key("a"), 300, &quiet).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: dir.path().join("c"),
            chosen: false,
        };
        cache.store(&key("a"), &session(&in_future(3600))).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(cache.dir()), 0o700);
        assert_eq!(mode(&cache.path(&key("a"), "json")), 0o600);
    }

    #[test]
    fn only_its_own_files_are_ours() {
        for ours in [
            "default-0123456789abcdef.json",
            "a.b-0123456789abcdef.lock",
            ".awsmfa-tmp-x1y2z3",
        ] {
            assert!(is_ours(ours), "{ours}");
        }
        for theirs in [
            "package.json",
            "yarn.lock",
            "x-0123.json",
            ".tmp-abc",
            "a-0123456789ABCDEF.json",
        ] {
            assert!(!is_ours(theirs), "{theirs}");
        }
        assert!(!key(".tmp").stem().starts_with('.'));
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(3 * 3600 + 12 * 60 + 5), "3h 12m");
        assert_eq!(human(14 * 60 + 5), "14m 05s");
        assert_eq!(human(40), "40s");
        assert_eq!(human(0), "expired");
    }
}
