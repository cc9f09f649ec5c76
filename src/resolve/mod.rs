//! Resolve: what the user asked for, from flags, environment and profile files, checked before any
//! network call or prompt (the token code is asked for last, by [`mfa::token_code`], once everything
//! else is known to be usable).

pub mod mfa;
pub mod profile;
pub mod shell;
pub mod source;

use crate::cli::ExportArgs;
use crate::error::{Error, Kind, Result};
use crate::render::Shell;
use crate::report::Reporter;
use mfa::Serial;
use profile::Files;
use source::Source;
use std::time::Duration;

/// Lowest and highest `DurationSeconds` for an IAM user (STS API reference, GetSessionToken). Root users
/// are held to 3600 by STS itself.
pub const DURATION_RANGE: std::ops::RangeInclusive<i32> = 900..=129_600;

/// Region used when none is configured, for the `aws` partition.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Everything the exchange needs except the token code.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The selected profile name.
    pub profile: String,
    /// Where the long-term keys come from.
    pub source: Source,
    /// The MFA serial number.
    pub serial: Serial,
    /// `DurationSeconds` to send, in seconds; `None` lets STS choose (43200).
    pub duration_seconds: Option<i32>,
    /// Which STS to call, and for how long.
    pub target: Target,
    /// True when the region came from `--region` or a profile, so it is exported too.
    pub export_region: bool,
    /// How the session cache may be used.
    pub cache: CachePolicy,
    /// `--token-code` as given (checked when it is used, after a cache miss).
    pub token_code: Option<String>,
}

/// What a run may do with the session cache (`--refresh`, `--no-cache`, `--min-remaining`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// Look for a cached session (false with `--refresh` and `--no-cache`).
    pub read: bool,
    /// Store a new session (false with `--no-cache`).
    pub write: bool,
    /// Reuse a session only while more than this many seconds of it remain.
    pub min_remaining: i64,
}

/// Which STS endpoint to call and how long to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The region whose STS endpoint is called (and the region in the signature's scope).
    pub region: String,
    /// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, when set; else the SDK's regional endpoint.
    pub endpoint: Option<String>,
    /// Time allowed for a call, connection included.
    pub timeout: Duration,
    /// Extra certificate authorities to trust for HTTPS (`AWS_CA_BUNDLE` or the profile's `ca_bundle`).
    pub ca_bundle: Option<CaBundle>,
}

/// A PEM file of certificate authorities, trusted in addition to the system's roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundle {
    /// Where it was read from (for messages).
    pub path: std::path::PathBuf,
    /// The file's contents: one or more `-----BEGIN CERTIFICATE-----` blocks.
    pub pem: Vec<u8>,
}

/// Reads the CA bundle named by `AWS_CA_BUNDLE`, else by `ca_bundle` in `profile` (AWS CLI user guide,
/// "Environment variables" and "Settings in the config file"). The SDK for Rust ignores both; awsmfa does
/// not.
///
/// Errors ([`Kind::Config`]): the file cannot be read or holds no PEM certificate.
pub fn ca_bundle(files: Option<&Files>, profile: &str) -> Result<Option<CaBundle>> {
    let (path, origin) = match (
        env_var("AWS_CA_BUNDLE"),
        files.and_then(|f| f.get(profile, "ca_bundle")),
    ) {
        (Some(p), _) => (p, "AWS_CA_BUNDLE".to_string()),
        (None, Some((p, file))) => (
            p.to_string(),
            format!(
                "ca_bundle of profile {profile:?} in {}",
                file.path.display()
            ),
        ),
        (None, None) => return Ok(None),
    };
    let path = std::path::PathBuf::from(path);
    let pem = profile::read_regular(&path).map_err(|e| {
        Error::config(format!(
            "cannot read the CA bundle {} ({origin}): {e}",
            path.display()
        ))
    })?;
    // The HTTP client parses the bundle only when it connects, and aborts on a bad block; so every block is
    // parsed here first, as a certificate.
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let certs: std::result::Result<Vec<CertificateDer<'_>>, _> =
        CertificateDer::pem_slice_iter(&pem).collect();
    let bad = |why: &str| {
        Error::config(format!(
            "the CA bundle {} ({origin}) {why}; it must hold PEM certificates (-----BEGIN CERTIFICATE-----)",
            path.display()
        ))
    };
    match certs {
        Err(_) => return Err(bad("has a block that is not valid PEM")),
        Ok(certs) if certs.is_empty() => return Err(bad("holds no certificate")),
        Ok(certs) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|_| bad("has a block that is not a usable CA certificate"))?;
            }
        }
    }
    Ok(Some(CaBundle { path, pem }))
}

impl Target {
    /// The endpoint in words, for messages: the URL, or "the STS endpoint of REGION".
    pub fn describe(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("the STS endpoint of {}", self.region))
    }
}

/// A non-empty environment variable. Variables that are not valid Unicode never get here: see
/// [`check_environment`].
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Every environment variable awsmfa reads as text (file locations excepted: `AWSMFA_CACHE_DIR` is read as
/// a path).
pub const VARIABLES: [&str; 17] = [
    "AWS_PROFILE",
    "AWS_MFA_SERIAL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CA_BUNDLE",
    "AWSMFA_TIMEOUT",
    "AWSMFA_MIN_REMAINING",
    "SHELL",
];

/// Refuses to run on environment variables that are not valid Unicode, which would otherwise read as
/// unset and silently select another profile, file or endpoint.
///
/// Errors ([`Kind::Config`]): names the first such variable (never its value).
pub fn check_environment() -> Result<()> {
    for name in VARIABLES {
        if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(name) {
            return Err(Error::config(format!(
                "{name} is not valid UTF-8; fix or unset it"
            )));
        }
    }
    Ok(())
}

/// A whole number of seconds from `flag` (named `flag_name`), else the environment variable `env_name`,
/// else `default`; at least `min`.
///
/// Errors: [`Kind::Usage`] for a bad flag value, [`Kind::Config`] for a bad environment value.
pub fn seconds(
    flag: Option<&str>,
    flag_name: &str,
    env_name: &str,
    default: u64,
    min: u64,
) -> Result<u64> {
    let (raw, origin, kind) = match (flag, env_var(env_name)) {
        (Some(v), _) => (v.to_string(), flag_name, Kind::Usage),
        (None, Some(v)) => (v, env_name, Kind::Config),
        (None, None) => return Ok(default),
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if n >= min && n <= 1_000_000_000 => Ok(n),
        _ => Err(Error::new(
            kind,
            format!("{origin} {raw:?} is not a whole number of seconds of at least {min}"),
        )),
    }
}

/// The profile name and where it came from: `flag` (`--profile`), else `AWS_PROFILE`, else `default`.
pub fn profile_name(flag: Option<&str>) -> (String, &'static str) {
    match (flag, env_var("AWS_PROFILE")) {
        (Some(p), _) => (p.to_string(), "--profile"),
        (None, Some(p)) => (p, "AWS_PROFILE"),
        (None, None) => ("default".to_string(), "default"),
    }
}

/// Resolves every input of `export` but the token code and the shell.
///
/// Errors: [`Kind::Config`] for anything missing or malformed in files, environment or flags (the message
/// says where it looked); [`Kind::Usage`] for a malformed flag value.
pub fn resolve(args: &ExportArgs, report: &Reporter) -> Result<Inputs> {
    let (profile, profile_origin) = profile_name(args.profile.as_deref());
    report.detail(&format!("profile: {profile} (from {profile_origin})"));
    let files = Files::load()?;
    report.detail(&format!("config file: {}", files.config.describe()));
    report.detail(&format!(
        "credentials file: {}",
        files.credentials.describe()
    ));

    let source = source::resolve(&files, &profile, args.profile.is_some(), report)?;
    let serial = serial(args, &files, &profile, report)?;
    let duration_seconds = duration(args, &files, &profile)?;
    let (region, export_region) = region(args, &files, &profile, &serial, report)?;
    let endpoint = match endpoint()? {
        Some((url, origin)) => {
            report.detail(&format!("endpoint: {url} (from {origin})"));
            Some(url)
        }
        None => {
            report.detail(&format!("endpoint: the STS regional endpoint of {region}"));
            None
        }
    };
    let ca_bundle = ca_bundle(Some(&files), &profile)?;
    if let Some(bundle) = &ca_bundle {
        report.detail(&format!("CA bundle: {}", bundle.path.display()));
    }
    let timeout = seconds(
        args.timeout.as_deref(),
        "--timeout",
        "AWSMFA_TIMEOUT",
        10,
        1,
    )?;
    Ok(Inputs {
        profile,
        source,
        serial,
        duration_seconds,
        target: Target {
            region,
            endpoint,
            timeout: Duration::from_secs(timeout),
            ca_bundle,
        },
        export_region,
        cache: CachePolicy {
            read: !args.refresh && !args.no_cache,
            write: !args.no_cache,
            min_remaining: seconds(
                args.min_remaining.as_deref(),
                "--min-remaining",
                "AWSMFA_MIN_REMAINING",
                300,
                0,
            )? as i64,
        },
        token_code: args.token_code.clone(),
    })
}

fn serial(args: &ExportArgs, files: &Files, profile: &str, report: &Reporter) -> Result<Serial> {
    let (value, origin) = if let Some(s) = &args.serial_number {
        (s.clone(), "--serial-number".to_string())
    } else if let Some(s) = env_var("AWS_MFA_SERIAL") {
        (s, "AWS_MFA_SERIAL".to_string())
    } else if let Some((s, holder, path)) = source::find_in_chain(files, profile, "mfa_serial") {
        (
            s.to_string(),
            format!("mfa_serial of profile {holder:?} in {}", path.display()),
        )
    } else {
        return Err(Error::config(format!(
            "no MFA serial number: looked at --serial-number, AWS_MFA_SERIAL, and mfa_serial of profile {profile:?} and its source_profile in {} and {}; pass --serial-number or add mfa_serial to the profile",
            files.config.describe(),
            files.credentials.describe()
        )));
    };
    let serial = mfa::check_serial(value.trim(), &origin)?;
    report.detail(&format!(
        "MFA serial number: {} (from {origin})",
        serial.value
    ));
    Ok(serial)
}

fn duration(args: &ExportArgs, files: &Files, profile: &str) -> Result<Option<i32>> {
    let (raw, origin, kind) = match (
        &args.duration_seconds,
        files.get(profile, "duration_seconds"),
    ) {
        (Some(d), _) => (d.clone(), "--duration-seconds".to_string(), Kind::Usage),
        (None, Some((d, file))) => (
            d.to_string(),
            format!(
                "duration_seconds of profile {profile:?} in {}",
                file.path.display()
            ),
            Kind::Config,
        ),
        (None, None) => return Ok(None),
    };
    match raw.trim().parse::<i32>() {
        Ok(n) if DURATION_RANGE.contains(&n) => Ok(Some(n)),
        _ => Err(Error::new(
            kind,
            format!(
                "duration {raw:?} ({origin}) is not a whole number of seconds from 900 (15 minutes) to 129600 (36 hours); root users may have at most 3600"
            ),
        )),
    }
}

/// The region named by the environment: `AWS_REGION`, else `AWS_DEFAULT_REGION`, with the variable's name.
pub fn env_region() -> Option<(String, &'static str)> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|name| env_var(name).map(|r| (r, name)))
}

/// The partition a region belongs to, by its name: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else
/// `aws`.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn region(
    args: &ExportArgs,
    files: &Files,
    profile: &str,
    serial: &Serial,
    report: &Reporter,
) -> Result<(String, bool)> {
    let found = if let Some(r) = &args.region {
        Some((r.clone(), "--region".to_string(), true))
    } else if let Some((r, origin)) = env_region() {
        Some((r, origin.to_string(), false))
    } else {
        source::find_in_chain(files, profile, "region").map(|(r, holder, path)| {
            (
                r.to_string(),
                format!("region of profile {holder:?} in {}", path.display()),
                true,
            )
        })
    };
    let partition = serial.partition.as_deref();
    let Some((region, origin, export)) = found else {
        return match partition {
            None | Some("aws") => {
                report.detail(&format!("region: {DEFAULT_REGION} (default)"));
                Ok((DEFAULT_REGION.to_string(), false))
            }
            Some(p) => Err(Error::config(format!(
                "the MFA device is in partition {p}, which has no default region here: pass --region (e.g. {})",
                if p == "aws-cn" {
                    "cn-north-1"
                } else if p == "aws-us-gov" {
                    "us-gov-west-1"
                } else {
                    "the partition's region"
                }
            ))),
        };
    };
    let region = region.trim().to_string();
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(Error::config(format!(
            "region {region:?} ({origin}) is not a region name such as us-east-1"
        )));
    }
    if let Some(p @ ("aws" | "aws-cn" | "aws-us-gov")) = partition
        && partition_of(&region) != p
    {
        return Err(Error::config(format!(
            "region {region} ({origin}) is in partition {}, but the MFA device is in {p}: pass a region of {p} with --region",
            partition_of(&region)
        )));
    }
    report.detail(&format!("region: {region} (from {origin})"));
    Ok((region, export))
}

/// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (AWS SDKs and Tools reference guide, "Service-specific
/// endpoints"), unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`.
///
/// Returns the URL and the variable it came from.
pub fn endpoint() -> Result<Option<(String, &'static str)>> {
    if env_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Ok(None);
    }
    let Some((name, url)) = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"]
        .into_iter()
        .find_map(|n| env_var(n).map(|v| (n, v)))
    else {
        return Ok(None);
    };
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(Error::config(format!(
            "{name} is not an http:// or https:// URL"
        )));
    };
    // A user name or password in the URL would be shown in messages and kept in the cache key.
    if rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .contains('@')
    {
        return Err(Error::config(format!(
            "{name} holds a user name or password (user@host); STS takes none: remove it"
        )));
    }
    Ok(Some((url, name)))
}

/// Picks the shell (see [`shell::detect`]) and says where the choice came from with `-v`.
pub fn shell(flag: Option<Shell>, report: &Reporter) -> Result<Shell> {
    let (shell, origin) = shell::detect(flag)?;
    report.detail(&format!("shell: {} (from {origin})", shell.name()));
    Ok(shell)
}
