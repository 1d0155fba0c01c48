//! The bridge to the service worker registration in `index.html`: it announces a waiting new
//! build with a `veld-update` event and exposes `veldApplyUpdate()` to switch to it.

use wasm_bindgen::JsCast;

fn global(name: &str) -> Option<wasm_bindgen::JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &name.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// Whether a new version was already waiting before the app started listening.
pub fn update_waiting() -> bool {
    global("__veldWaiting").is_some()
}

/// Activates the waiting service worker; the page reloads when it takes control.
pub fn apply_update() {
    if let Some(f) = global("veldApplyUpdate").and_then(|v| v.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call0(&wasm_bindgen::JsValue::NULL);
    }
}
