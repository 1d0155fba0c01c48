//! The real binary's `add-user` and `list-users`, on a SQLite file.

use std::io::Write;
use std::process::{Command, Stdio};

fn veld(dir: &std::path::Path, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_veld-server"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run veld-server");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn add_user_creates_an_account_that_can_be_listed() {
    let dir = tempfile::tempdir().unwrap();
    let add = [
        "add-user",
        "--email",
        "Eva@Example.nl",
        "--name",
        "Eva Smit",
        "--office",
        "Gent",
        "--role",
        "sales rep",
        "--language",
        "nl",
        "--password-stdin",
    ];
    let (ok, out) = veld(dir.path(), &add, "long enough secret\n");
    assert!(ok, "{out}");
    assert!(out.contains("created office Gent") && out.contains("added user eva@example.nl"), "{out}");

    let (ok, out) = veld(dir.path(), &add, "long enough secret\n");
    assert!(!ok && out.contains("exists already"), "{out}");

    let (ok, out) = veld(dir.path(), &["list-users"], "");
    assert!(ok && out.contains("eva@example.nl") && out.contains("Sales rep") && out.contains("Gent"), "{out}");
}

#[test]
fn add_user_refuses_bad_input_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["add-user", "--name", "X", "--office", "Gent", "--password-stdin"];
    let cases: [(&[&str], &str, &str); 5] = [
        (&["--email", "nope", "--role", "Sales rep"], "long enough secret\n", "--email"),
        (&["--email", "x@y.nl", "--role", "Pilot"], "long enough secret\n", "roles are: Administrator"),
        (&["--email", "x@y.nl", "--role", "Sales rep"], "short\n", "at least 10 characters"),
        (&["--email", "x@y.nl", "--role", "Sales rep"], "            \n", "only spaces"),
        (&["--email", "x@y.nl", "--role", "Sales rep"], "password123\n", "too common"),
    ];
    for (extra, stdin, expected) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let (ok, out) = veld(dir.path(), &args, stdin);
        assert!(!ok, "{args:?} should fail");
        assert!(out.contains(expected), "{args:?}: {out}");
    }
}
