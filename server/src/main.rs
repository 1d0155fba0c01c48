//! The `veld-server` binary; everything lives in the library so tests can drive it.
fn main() -> std::process::ExitCode {
    veld_server::cli::main()
}
