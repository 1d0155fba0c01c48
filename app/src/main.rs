//! The wasm entry point Trunk builds; the app itself is the library.
fn main() {
    veld_app::start();
}
