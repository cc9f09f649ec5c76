//! `fake-sts [--port N] [--any-code] [--allow-reuse]`: serve the fake STS with alice and bob until killed.
//!
//! Prints `http://127.0.0.1:PORT` on stdout, and the users' keys, serials and TOTP seeds on stderr.

use std::io::Write;
use std::process::exit;

use fake_sts::{FakeSts, User};

const USAGE: &str = "usage: fake-sts [--port N] [--any-code] [--allow-reuse]";

fn main() {
    let mut builder = FakeSts::builder().user(User::alice()).user(User::bob());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        builder = match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(port) => builder.port(port),
                None => fail("--port needs a number"),
            },
            "--any-code" => builder.any_code(true),
            "--allow-reuse" => builder.allow_reuse(true),
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other:?}")),
        };
    }
    let fake = builder.try_start().unwrap_or_else(|e| {
        eprintln!("fake-sts: cannot listen: {e}");
        exit(1)
    });
    for user in fake.users() {
        eprintln!(
            "fake-sts: user {} key {} secret {} serial {} seed {}",
            user.user_name,
            user.access_key_id,
            user.secret_access_key,
            user.mfa_serial.as_deref().unwrap_or("-"),
            user.totp_secret_base32.as_deref().unwrap_or("-"),
        );
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", fake.url());
    let _ = stdout.flush();
    // Serve until killed (SIGTERM/SIGINT end the process).
    loop {
        std::thread::park();
    }
}

fn fail(message: &str) -> ! {
    eprintln!("fake-sts: {message}\n{USAGE}");
    exit(2)
}
