//! Network peers for tests/inputs.rs, all on 127.0.0.1 and all stopped (bounded) when dropped:
//!
//! - [`Proxy`]: an HTTP proxy that records the first line of everything it is asked (`POST http://host:port/
//!   HTTP/1.1` for an http:// destination, `CONNECT host:port HTTP/1.1` for https://) and, when given an
//!   upstream, forwards it there: whatever host the client named, the proxy only ever connects to
//!   127.0.0.1. Without an upstream it answers 502 (a listener that only counts).
//! - [`TlsFront`]: a TLS server (rustls) with a certificate from a test CA ([`Pki`]) that forwards each
//!   decrypted request to a plain-HTTP upstream (the fake STS) and sends its answer back.
//! - [`Silent`]: accepts connections and never answers.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a peer waits on a quiet socket before giving up on it.
const IDLE: Duration = Duration::from_secs(10);

/// A listener thread that hands each connection to `serve` on its own thread; stops when dropped.
struct Acceptor {
    port: u16,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Acceptor {
    fn start(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> Acceptor {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let serve = Arc::new(serve);
        let thread = {
            let (stop, accepted) = (stop.clone(), accepted.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepted.fetch_add(1, Ordering::SeqCst);
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(IDLE));
                            let _ = stream.set_write_timeout(Some(IDLE));
                            let serve = serve.clone();
                            std::thread::spawn(move || serve(stream));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Acceptor {
            port,
            stop,
            accepted,
            thread: Some(thread),
        }
    }
}

impl Drop for Acceptor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads an HTTP request head (through the blank line). Returns the head and whatever was read past it.
fn read_head(stream: &mut impl Read) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((buf, rest));
        }
        if buf.len() > 64 * 1024 {
            return Err(io::Error::other("request head too long"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// Copies both ways until each side has closed (or gone quiet for [`IDLE`]).
fn pump(client: TcpStream, upstream: TcpStream) {
    let (mut c_read, mut u_write) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let up = std::thread::spawn(move || {
        let _ = io::copy(&mut c_read, &mut u_write);
        let _ = u_write.shutdown(Shutdown::Write);
    });
    let (mut u_read, mut c_write) = (upstream, client);
    let _ = io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(Shutdown::Write);
    let _ = up.join();
}

fn connect_local(port: u16) -> io::Result<TcpStream> {
    let s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(IDLE))?;
    s.set_write_timeout(Some(IDLE))?;
    Ok(s)
}

/// An HTTP proxy on 127.0.0.1 that records what it is asked; see the module docs.
pub struct Proxy {
    acceptor: Acceptor,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Forwards absolute-form requests to `127.0.0.1:http_to` and CONNECT tunnels to
    /// `127.0.0.1:connect_to`; a missing one is answered with 502.
    pub fn start(http_to: Option<u16>, connect_to: Option<u16>) -> Proxy {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let acceptor = {
            let seen = seen.clone();
            Acceptor::start(move |mut client| {
                let Ok((head, rest)) = read_head(&mut client) else {
                    return;
                };
                let text = String::from_utf8_lossy(&head).into_owned();
                let first = text.lines().next().unwrap_or_default().to_string();
                seen.lock().unwrap().push(first.clone());
                let mut parts = first.split(' ');
                let (method, target, version) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                let refuse = |mut c: TcpStream| {
                    let _ = c.write_all(
                        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                };
                if method == "CONNECT" {
                    let Some(Ok(upstream)) = connect_to.map(connect_local) else {
                        return refuse(client);
                    };
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .is_err()
                    {
                        return;
                    }
                    let mut upstream = upstream;
                    if !rest.is_empty() && upstream.write_all(&rest).is_err() {
                        return;
                    }
                    pump(client, upstream);
                } else {
                    let Some(Ok(mut upstream)) = http_to.map(connect_local) else {
                        return refuse(client);
                    };
                    // Absolute form (`http://host:port/path`) to origin form (`/path`) for the origin.
                    let path = target
                        .strip_prefix("http://")
                        .map(|t| t.find('/').map_or("/", |i| &t[i..]))
                        .unwrap_or(target);
                    let after_first = &head[first.len()..];
                    let mut out = format!("{method} {path} {version}").into_bytes();
                    out.extend_from_slice(after_first);
                    out.extend_from_slice(&rest);
                    if upstream.write_all(&out).is_err() {
                        return;
                    }
                    pump(client, upstream);
                }
            })
        };
        Proxy { acceptor, seen }
    }

    /// A proxy that forwards nothing: it records each request line and answers 502.
    pub fn counting() -> Proxy {
        Proxy::start(None, None)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.acceptor.port)
    }

    /// The first line of every request seen so far.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// How many TCP connections were accepted (a connection that sent nothing counts too).
    pub fn connections(&self) -> usize {
        self.acceptor.accepted.load(Ordering::SeqCst)
    }
}

/// Accepts TCP connections and never answers; counts them.
pub struct Silent {
    acceptor: Acceptor,
}

impl Silent {
    pub fn start() -> Silent {
        Silent {
            acceptor: Acceptor::start(|mut s| {
                let mut sink = [0u8; 4096];
                while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
            }),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.acceptor.port)
    }

    pub fn connections(&self) -> usize {
        self.acceptor.accepted.load(Ordering::SeqCst)
    }
}

/// A test certificate authority and a server certificate it signed.
pub struct Pki {
    /// The CA certificate, PEM (what a CA bundle holds).
    pub ca_pem: String,
    cert: rustls::pki_types::CertificateDer<'static>,
    key: Vec<u8>,
}

impl Pki {
    /// A new CA and a server certificate for `names` (DNS names or IP addresses).
    pub fn new(names: &[&str]) -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "awsmfa test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut leaf = CertificateParams::new(names).unwrap();
        leaf.distinguished_name.push(DnType::CommonName, "fake sts");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            cert: cert.der().clone(),
            key: key.serialize_der(),
        }
    }
}

/// A TLS-terminating front for a plain-HTTP upstream on 127.0.0.1: one request per connection, forwarded
/// with `Connection: close`, the answer relayed back.
pub struct TlsFront {
    acceptor: Acceptor,
    handshakes: Arc<AtomicUsize>,
}

impl TlsFront {
    pub fn start(pki: &Pki, upstream: u16) -> TlsFront {
        use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![pki.cert.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
            )
            .unwrap();
        let config = Arc::new(config);
        let handshakes = Arc::new(AtomicUsize::new(0));
        let acceptor = {
            let handshakes = handshakes.clone();
            Acceptor::start(move |tcp| {
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                // The head is read through TLS, so a client that refuses the certificate ends here.
                let Ok((head, mut body)) = read_head(&mut tls) else {
                    return;
                };
                handshakes.fetch_add(1, Ordering::SeqCst);
                let want = content_length(&head);
                let mut chunk = [0u8; 4096];
                while body.len() < want {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let mut request = String::new();
                for line in text.split("\r\n").filter(|l| !l.is_empty()) {
                    if !line.to_ascii_lowercase().starts_with("connection:") {
                        request.push_str(line);
                        request.push_str("\r\n");
                    }
                }
                request.push_str("Connection: close\r\n\r\n");
                let Ok(mut up) = connect_local(upstream) else {
                    return;
                };
                let mut out = request.into_bytes();
                out.extend_from_slice(&body);
                if up.write_all(&out).is_err() {
                    return;
                }
                let mut answer = Vec::new();
                let _ = up.read_to_end(&mut answer);
                let _ = tls.write_all(&answer);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            })
        };
        TlsFront {
            acceptor,
            handshakes,
        }
    }

    pub fn port(&self) -> u16 {
        self.acceptor.port
    }

    /// `https://HOST:PORT` for a host name the certificate names.
    pub fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.acceptor.port)
    }

    /// Requests that arrived through a completed handshake.
    pub fn requests(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }

    /// TCP connections accepted.
    pub fn connections(&self) -> usize {
        self.acceptor.accepted.load(Ordering::SeqCst)
    }
}
