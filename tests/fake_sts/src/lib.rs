//! A test double for AWS STS that speaks the STS query protocol.
//!
//! [`FakeSts`] listens on `127.0.0.1` (random port by default) and answers `GetSessionToken` and
//! `GetCallerIdentity` the way STS does: it verifies SigV4 signatures for the keys it knows, accepts only
//! RFC 6238 TOTP codes (SHA-1, 6 digits, 30 s) for the seeds it knows, rejects reused codes, session
//! credentials and out-of-range durations, and answers with real-shaped XML bodies and errors.
//!
//! Every request is recorded (see [`Request`]) and faults can be queued ([`FakeSts::push_error`],
//! [`FakeSts::push_raw`], [`FakeSts::push_delay`], [`FakeSts::push_credentials`]).
//!
//! ```no_run
//! use fake_sts::{FakeSts, User};
//! let fake = FakeSts::start(vec![User::alice()]);
//! let code = User::alice().totp_now();
//! // ... point a client at fake.url() with alice's keys, serial and `code` ...
//! assert_eq!(fake.calls("GetSessionToken"), 0);
//! ```

mod auth;
mod xml;

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// The account id of the built-in users.
pub const ACCOUNT: &str = "123456789012";

/// How far the request time (`X-Amz-Date`) may be from the server's clock, as in AWS.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The DurationSeconds STS uses when the request does not name one.
pub const DEFAULT_DURATION_SECONDS: i64 = 43_200;

/// The message STS sends for an invalid, reused or unverifiable MFA code (also for a wrong serial).
pub const MFA_FAILED: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code.";

/// An IAM user the fake knows: its long-term keys and, optionally, a virtual MFA device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Long-term access key id (`AKIA...`).
    pub access_key_id: String,
    /// Long-term secret access key.
    pub secret_access_key: String,
    /// IAM user name, used in the ARN returned by GetCallerIdentity.
    pub user_name: String,
    /// 12-digit account id.
    pub account: String,
    /// Serial (ARN) of the user's MFA device; `None` means the user has no device.
    pub mfa_serial: Option<String>,
    /// Base32 TOTP seed of the MFA device.
    pub totp_secret_base32: Option<String>,
}

impl User {
    /// `alice`: key `AKIAALICEEXAMPLE0001`, serial `arn:aws:iam::123456789012:mfa/alice`, fixed seed.
    pub fn alice() -> User {
        User {
            access_key_id: "AKIAALICEEXAMPLE0001".into(),
            secret_access_key: "aliceSecret/K7MDENG+bPxRfiCYEXAMPLEKEY01".into(),
            user_name: "alice".into(),
            account: ACCOUNT.into(),
            mfa_serial: Some(format!("arn:aws:iam::{ACCOUNT}:mfa/alice")),
            totp_secret_base32: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()),
        }
    }

    /// `bob`: key `AKIABOBEXAMPLE000002`, serial `arn:aws:iam::123456789012:mfa/bob`, another fixed seed.
    pub fn bob() -> User {
        User {
            access_key_id: "AKIABOBEXAMPLE000002".into(),
            secret_access_key: "bobSecret/K7MDENG+bPxRfiCYEXAMPLEKEY0002".into(),
            user_name: "bob".into(),
            account: ACCOUNT.into(),
            mfa_serial: Some(format!("arn:aws:iam::{ACCOUNT}:mfa/bob")),
            totp_secret_base32: Some("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into()),
        }
    }

    /// `arn:aws:iam::ACCOUNT:user/NAME`.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:user/{}", self.account, self.user_name)
    }

    /// The unique id GetCallerIdentity reports (`AIDA` + the access key id without its prefix).
    pub fn user_id(&self) -> String {
        format!("AIDA{}", self.access_key_id.get(4..).unwrap_or_default())
    }

    /// The current 6-digit TOTP code. Panics if the user has no (valid base32) seed.
    pub fn totp_now(&self) -> String {
        self.totp_at(unix_now())
    }

    /// The 6-digit TOTP code at `unix_secs`. Panics if the user has no (valid base32) seed.
    pub fn totp_at(&self, unix_secs: u64) -> String {
        let seed = self
            .totp_secret_base32
            .as_deref()
            .expect("user has no TOTP seed");
        let secret = totp_rs::Secret::try_from_base32(seed).expect("TOTP seed is not base32");
        // Defaults: SHA-1, 6 digits, 30 s step (RFC 6238, as AWS virtual MFA devices use).
        let totp = totp_rs::Builder::new()
            .with_secret(secret)
            .build_noncompliant();
        totp.generate(unix_secs).to_string()
    }
}

/// Credentials the fake issued with GetSessionToken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    /// `ASIA...` (or whatever an [`IssuedOverride`] said).
    pub access_key_id: String,
    /// Session secret key.
    pub secret_access_key: String,
    /// Session token.
    pub session_token: String,
    /// The `<Expiration>` text exactly as sent.
    pub expiration: String,
}

/// Values to hand out instead of random ones on the next successful GetSessionToken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuedOverride {
    /// AccessKeyId to return.
    pub access_key_id: String,
    /// SecretAccessKey to return.
    pub secret_access_key: String,
    /// SessionToken to return.
    pub session_token: String,
    /// Expiration text to return verbatim; `None` means now + DurationSeconds.
    pub expiration: Option<String>,
}

/// One recorded request (rejected ones included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The `Action` parameter (empty if missing).
    pub action: String,
    /// Every query/form parameter, in order, exactly as decoded.
    pub params: Vec<(String, String)>,
    /// Access key id from the Authorization header's Credential scope.
    pub access_key_id: Option<String>,
    /// Region from the Credential scope.
    pub region: Option<String>,
    /// Whether the SigV4 signature verified against a known secret.
    pub signature_valid: bool,
    /// `"OK"`, the error code sent, `"Raw"` for an injected raw answer, `"Pending"` while a request is
    /// still being answered (e.g. delayed), `"Abandoned"` if the server stopped before answering.
    pub result: String,
    /// The `Host` header.
    pub host: Option<String>,
    /// The request path (without query).
    pub path: String,
    /// The `X-Amz-Security-Token` header.
    pub session_token: Option<String>,
}

impl Request {
    /// The first parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running fake STS; stops (bounded) when dropped.
pub struct FakeSts {
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    port: u16,
    acceptor: Option<JoinHandle<()>>,
}

/// Configures a [`FakeSts`]; see [`FakeSts::builder`].
#[derive(Clone, Debug, Default)]
pub struct Builder {
    users: Vec<User>,
    any_code: bool,
    allow_reuse: bool,
    port: u16,
}

impl Builder {
    /// Adds a known user.
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// Adds several known users.
    pub fn users(mut self, users: impl IntoIterator<Item = User>) -> Self {
        self.users.extend(users);
        self
    }

    /// Accept any 6-digit code instead of only the current TOTP code (for benchmarks).
    pub fn any_code(mut self, yes: bool) -> Self {
        self.any_code = yes;
        self
    }

    /// Allow a code to be used more than once (for benchmarks).
    pub fn allow_reuse(mut self, yes: bool) -> Self {
        self.allow_reuse = yes;
        self
    }

    /// Listen on this port (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts the server; panics if it cannot listen.
    pub fn start(self) -> FakeSts {
        self.try_start().expect("fake-sts: cannot listen")
    }

    /// Starts the server.
    pub fn try_start(self) -> std::io::Result<FakeSts> {
        let server =
            tiny_http::Server::http(("127.0.0.1", self.port)).map_err(std::io::Error::other)?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or(self.port);
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            users: self.users,
            any_code: self.any_code,
            allow_reuse: self.allow_reuse,
            stop: AtomicBool::new(false),
            state: Mutex::default(),
        });
        let acceptor = {
            let (server, shared) = (server.clone(), shared.clone());
            std::thread::Builder::new()
                .name("fake-sts".into())
                .spawn(move || accept(&server, &shared))?
        };
        Ok(FakeSts {
            shared,
            server,
            port,
            acceptor: Some(acceptor),
        })
    }
}

impl FakeSts {
    /// Starts a strict fake (real TOTP codes, single use) knowing `users`.
    pub fn start(users: Vec<User>) -> FakeSts {
        Builder::default().users(users).start()
    }

    /// A builder for non-default settings.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The users it knows.
    pub fn users(&self) -> &[User] {
        &self.shared.users
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// How many requests had `Action=action`.
    pub fn calls(&self, action: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.action == action)
            .count()
    }

    /// Answer the next request with an STS error (`Type` is Sender below 500, else Receiver).
    pub fn push_error(&self, status: u16, code: &str, message: &str) {
        let error = StsError {
            status,
            code: code.into(),
            message: message.into(),
        };
        self.shared.lock().faults.push_back(Fault::Error(error));
    }

    /// Answer the next request with this status, Content-Type (omitted if empty) and body.
    pub fn push_raw(&self, status: u16, content_type: &str, body: &str) {
        let (content_type, body) = (content_type.into(), body.into());
        self.shared.lock().faults.push_back(Fault::Raw {
            status,
            content_type,
            body,
        });
    }

    /// Wait `d` before handling the next request normally. The wait ends early when the fake is dropped.
    pub fn push_delay(&self, d: Duration) {
        self.shared.lock().faults.push_back(Fault::Delay(d));
    }

    /// Hand out these values on the next *successful* GetSessionToken (queued separately from the
    /// other faults, so it survives rejected requests).
    pub fn push_credentials(&self, c: IssuedOverride) {
        self.shared.lock().overrides.push_back(c);
    }

    /// Credentials issued so far, in order.
    pub fn issued(&self) -> Vec<Issued> {
        self.shared
            .lock()
            .issued
            .iter()
            .map(|s| s.credentials.clone())
            .collect()
    }
}

impl std::fmt::Debug for FakeSts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSts")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeSts {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Server internals

struct Shared {
    users: Vec<User>,
    any_code: bool,
    allow_reuse: bool,
    stop: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    faults: VecDeque<Fault>,
    overrides: VecDeque<IssuedOverride>,
    issued: Vec<Session>,
    used_codes: HashSet<(String, String)>,
}

/// Issued credentials plus the index of the user they belong to.
struct Session {
    credentials: Issued,
    user: usize,
}

enum Fault {
    Error(StsError),
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
    Delay(Duration),
}

/// An error answer in STS shape.
#[derive(Debug)]
struct StsError {
    status: u16,
    code: String,
    message: String,
}

impl StsError {
    fn new(status: u16, code: &str, message: impl Into<String>) -> StsError {
        StsError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    fn access_denied(message: &str) -> StsError {
        StsError::new(403, "AccessDenied", message)
    }

    fn validation(value: &str, member: &str, constraint: &str) -> StsError {
        let message = format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        );
        StsError::new(400, "ValidationError", message)
    }
}

/// What the handler answers.
struct Reply {
    status: u16,
    content_type: String,
    body: String,
    request_id: String,
}

/// An HTTP request, read off the wire.
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Incoming {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or_default()
    }

    /// Query parameters, then form parameters from the body.
    fn params(&self) -> Vec<(String, String)> {
        let query = self.url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let is_form = self.header("content-type").is_none_or(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if is_form {
            params.extend(form_urlencoded::parse(&self.body).into_owned());
        }
        params
    }
}

/// Who signed a request.
struct Caller {
    user: usize,
    /// Set when signed with credentials the fake issued.
    session: bool,
}

fn accept(server: &tiny_http::Server, shared: &Arc<Shared>) {
    loop {
        match server.recv() {
            Ok(request) => {
                let shared = shared.clone();
                // One thread per request, so a delayed answer does not hold up the others.
                let _ = std::thread::Builder::new()
                    .name("fake-sts-request".into())
                    .spawn(move || serve(&shared, request));
            }
            Err(_) if shared.stop.load(Ordering::SeqCst) => return,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn serve(shared: &Shared, mut request: tiny_http::Request) {
    let mut body = Vec::new();
    if request.as_reader().read_to_end(&mut body).is_err() {
        return;
    }
    let incoming = Incoming {
        method: request.method().as_str().to_owned(),
        url: request.url().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.as_str().to_string(), h.value.to_string()))
            .collect(),
        body,
    };
    let Some(reply) = shared.handle(&incoming) else {
        return;
    };
    let mut response = tiny_http::Response::from_data(reply.body.into_bytes())
        .with_status_code(reply.status)
        .with_header(
            tiny_http::Header::from_bytes("x-amzn-RequestId", reply.request_id).expect("ascii"),
        );
    if let Ok(header) = tiny_http::Header::from_bytes("Content-Type", reply.content_type)
        && !header.value.as_str().is_empty()
    {
        response = response.with_header(header);
    }
    let _ = request.respond(response);
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the request, applies a queued fault, else answers normally. `None`: stopped while waiting.
    fn handle(&self, incoming: &Incoming) -> Option<Reply> {
        let params = incoming.params();
        let action = param(&params, "Action").unwrap_or_default().to_owned();
        let authorization = incoming
            .header("authorization")
            .and_then(auth::Authorization::parse);
        let (signature_valid, caller) = self.authenticate(incoming, authorization.as_ref());
        let request_id = request_id();

        let (index, fault) = {
            let mut state = self.lock();
            state.requests.push(Request {
                action: action.clone(),
                params: params.clone(),
                access_key_id: authorization.as_ref().map(|a| a.access_key_id.clone()),
                region: authorization.as_ref().map(|a| a.region.clone()),
                signature_valid,
                result: "Pending".into(),
                host: incoming.header("host").map(str::to_owned),
                path: incoming.path().to_owned(),
                session_token: incoming.header("x-amz-security-token").map(str::to_owned),
            });
            (state.requests.len() - 1, state.faults.pop_front())
        };
        let set_result = |result: &str| self.lock().requests[index].result = result.to_owned();

        let outcome = match fault {
            Some(Fault::Error(error)) => Err(error),
            Some(Fault::Raw {
                status,
                content_type,
                body,
            }) => {
                set_result("Raw");
                return Some(Reply {
                    status,
                    content_type,
                    body,
                    request_id,
                });
            }
            Some(Fault::Delay(d)) => {
                let deadline = Instant::now() + d;
                while let Some(left) = deadline
                    .checked_duration_since(Instant::now())
                    .filter(|l| !l.is_zero())
                {
                    if self.stop.load(Ordering::SeqCst) {
                        set_result("Abandoned");
                        return None;
                    }
                    std::thread::sleep(left.min(Duration::from_millis(10)));
                }
                self.dispatch(&action, &params, caller, &request_id)
            }
            None => self.dispatch(&action, &params, caller, &request_id),
        };
        let reply = match outcome {
            Ok(body) => {
                set_result("OK");
                Reply {
                    status: 200,
                    content_type: "text/xml".into(),
                    body,
                    request_id,
                }
            }
            Err(error) => {
                set_result(&error.code);
                let body = xml::error(&error.code, &error.message, error.status, &request_id);
                Reply {
                    status: error.status,
                    content_type: "text/xml".into(),
                    body,
                    request_id,
                }
            }
        };
        Some(reply)
    }

    /// Checks the Authorization header; returns whether the signature itself verified, and the caller.
    fn authenticate(
        &self,
        incoming: &Incoming,
        authorization: Option<&auth::Authorization>,
    ) -> (bool, Result<Caller, StsError>) {
        let invalid_token = || {
            StsError::new(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            )
        };
        let Some(authorization) = authorization else {
            let error = match incoming.header("authorization") {
                None => StsError::new(
                    403,
                    "MissingAuthenticationToken",
                    "Request is missing Authentication Token",
                ),
                Some(_) => StsError::new(
                    400,
                    "IncompleteSignature",
                    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
                ),
            };
            return (false, Err(error));
        };
        let token = incoming.header("x-amz-security-token");
        let akid = authorization.access_key_id.as_str();

        // Long-term keys, or credentials this fake issued (which need their session token).
        let (secret, caller, expiration) =
            if let Some(user) = self.users.iter().position(|u| u.access_key_id == akid) {
                if token.is_some() {
                    return (false, Err(invalid_token()));
                }
                (
                    self.users[user].secret_access_key.clone(),
                    Caller {
                        user,
                        session: false,
                    },
                    None,
                )
            } else {
                let state = self.lock();
                let Some(session) = state
                    .issued
                    .iter()
                    .find(|s| s.credentials.access_key_id == akid)
                else {
                    return (false, Err(invalid_token()));
                };
                if token != Some(session.credentials.session_token.as_str()) {
                    return (false, Err(invalid_token()));
                }
                let caller = Caller {
                    user: session.user,
                    session: true,
                };
                (
                    session.credentials.secret_access_key.clone(),
                    caller,
                    Some(session.credentials.expiration.clone()),
                )
            };

        let Some(signed_at) = incoming.header("x-amz-date").and_then(auth::parse_amz_date) else {
            let message = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
            return (
                false,
                Err(StsError::new(400, "IncompleteSignature", message)),
            );
        };
        let valid = auth::signature_matches(incoming, authorization, &secret, signed_at.into());
        let now = OffsetDateTime::now_utc();
        if let Some(message) = auth::skew_error(signed_at, now, MAX_CLOCK_SKEW) {
            return (
                valid,
                Err(StsError::new(403, "SignatureDoesNotMatch", message)),
            );
        }
        if !valid {
            let message = "The request signature we calculated does not match the signature you provided. \
                Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
            return (
                false,
                Err(StsError::new(403, "SignatureDoesNotMatch", message)),
            );
        }
        let expired = expiration
            .and_then(|e| {
                OffsetDateTime::parse(&e, &time::format_description::well_known::Rfc3339).ok()
            })
            .is_some_and(|e| e <= now);
        if expired {
            return (
                true,
                Err(StsError::new(
                    403,
                    "ExpiredToken",
                    "The security token included in the request is expired",
                )),
            );
        }
        (true, Ok(caller))
    }

    /// Normal handling: the success body, or the error to send.
    fn dispatch(
        &self,
        action: &str,
        params: &[(String, String)],
        caller: Result<Caller, StsError>,
        request_id: &str,
    ) -> Result<String, StsError> {
        match action {
            "GetSessionToken" | "GetCallerIdentity" => {}
            "" => return Err(StsError::new(400, "MissingAction", "Missing Action")),
            other => {
                let version = param(params, "Version").unwrap_or("NO_VERSION_SPECIFIED");
                let message = format!("Could not find operation {other} for version {version}");
                return Err(StsError::new(400, "InvalidAction", message));
            }
        }
        let caller = caller?;
        let user = &self.users[caller.user];
        if action == "GetCallerIdentity" {
            return Ok(xml::caller_identity(
                &user.arn(),
                &user.user_id(),
                &user.account,
                request_id,
            ));
        }
        let issued = self.get_session_token(caller, params)?;
        Ok(xml::session_token(&issued, request_id))
    }

    fn get_session_token(
        &self,
        caller: Caller,
        params: &[(String, String)],
    ) -> Result<Issued, StsError> {
        if caller.session {
            return Err(StsError::access_denied(
                "Cannot call GetSessionToken with session credentials",
            ));
        }
        let duration = match param(params, "DurationSeconds") {
            None => DEFAULT_DURATION_SECONDS,
            Some(text) => match text.parse::<i64>() {
                Err(_) => {
                    return Err(StsError::validation(
                        text,
                        "durationSeconds",
                        "Member must be a number",
                    ));
                }
                Ok(n) if n < 900 => {
                    return Err(StsError::validation(
                        text,
                        "durationSeconds",
                        "Member must have value greater than or equal to 900",
                    ));
                }
                Ok(n) if n > 129_600 => {
                    return Err(StsError::validation(
                        text,
                        "durationSeconds",
                        "Member must have value less than or equal to 129600",
                    ));
                }
                Ok(n) => n,
            },
        };
        let serial = param(params, "SerialNumber");
        let code = param(params, "TokenCode");
        if let Some(serial) = serial {
            validate_serial(serial)?;
        }
        if let Some(code) = code {
            validate_code(code)?;
        }

        let user = &self.users[caller.user];
        let mfa = match (&user.mfa_serial, serial, code) {
            (None, None, None) => None,
            (Some(expected), Some(serial), Some(code)) if expected == serial => {
                Some((serial, code))
            }
            _ => return Err(StsError::access_denied(MFA_FAILED)),
        };
        if let Some((_, code)) = mfa {
            let now = unix_now();
            let valid = self.any_code
                || (user.totp_secret_base32.is_some()
                    && (code == user.totp_at(now) || code == user.totp_at(now - 30)));
            if !valid {
                return Err(StsError::access_denied(MFA_FAILED));
            }
        }

        let mut state = self.lock();
        if let Some((serial, code)) = mfa
            && !self.allow_reuse
            && !state
                .used_codes
                .insert((serial.to_owned(), code.to_owned()))
        {
            return Err(StsError::access_denied(MFA_FAILED));
        }
        let issued = match state.overrides.pop_front() {
            Some(o) => Issued {
                access_key_id: o.access_key_id,
                secret_access_key: o.secret_access_key,
                session_token: o.session_token,
                expiration: o.expiration.unwrap_or_else(|| expiration_after(duration)),
            },
            None => Issued {
                access_key_id: format!(
                    "ASIA{}",
                    random_string(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                ),
                secret_access_key: random_string(40, BASE64),
                session_token: format!("FwoGZXIvYXdzEFAKE{}", random_string(300, BASE64)),
                expiration: expiration_after(duration),
            },
        };
        state.issued.push(Session {
            credentials: issued.clone(),
            user: caller.user,
        });
        Ok(issued)
    }
}

const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// STS's constraints on TokenCode: exactly 6 characters of `[\d]*`.
fn validate_code(code: &str) -> Result<(), StsError> {
    let len = code.chars().count();
    if len < 6 {
        return Err(StsError::validation(
            code,
            "tokenCode",
            "Member must have length greater than or equal to 6",
        ));
    }
    if len > 6 {
        return Err(StsError::validation(
            code,
            "tokenCode",
            "Member must have length less than or equal to 6",
        ));
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StsError::validation(
            code,
            "tokenCode",
            r"Member must satisfy regular expression pattern: [\d]*",
        ));
    }
    Ok(())
}

/// STS's constraints on SerialNumber: 9 to 256 characters of `[\w+=/:,.@-]*`.
fn validate_serial(serial: &str) -> Result<(), StsError> {
    let len = serial.chars().count();
    if len < 9 {
        return Err(StsError::validation(
            serial,
            "serialNumber",
            "Member must have length greater than or equal to 9",
        ));
    }
    if len > 256 {
        return Err(StsError::validation(
            serial,
            "serialNumber",
            "Member must have length less than or equal to 256",
        ));
    }
    if !serial
        .chars()
        .all(|c| c.is_alphanumeric() || "_+=/:,.@-".contains(c))
    {
        let constraint = r"Member must satisfy regular expression pattern: [\w+=/:,.@-]*";
        return Err(StsError::validation(serial, "serialNumber", constraint));
    }
    Ok(())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// `now + seconds` as `YYYY-MM-DDTHH:MM:SSZ`.
fn expiration_after(seconds: i64) -> String {
    let at = OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .expect("formattable date")
}

fn random_string(len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())]))
        .collect()
}

/// A UUID-shaped random request id.
fn request_id() -> String {
    let hex = random_string(32, b"0123456789abcdef");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests;
