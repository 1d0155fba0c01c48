//! `wasm-bindgen`, built from the workspace lockfile (see tools/wasm-bindgen/Cargo.toml).
//!
//! Trunk 0.21 runs this for the app. When the app's wasm holds split points (Leptos lazy routes,
//! `__wasm_split_unstable`), it is split first, as cargo-leptos does (`wasm_split_cli_support`):
//! the main module goes on through wasm-bindgen; the route chunks and their loader
//! (`__wasm_split.js`) go to `<out-dir>/snippets/veld-split-<hash>/`… except the chunks, which
//! wait in `<out-dir>/veld-split-<hash>/` for `tools/post-build.sh` (Trunk copies `snippets/`
//! only, and preloads every file in it: the chunks must not be preloaded).
use std::ffi::OsString;
use std::path::PathBuf;

/// What the loader imports `initSync` from; `tools/post-build.sh` writes the main JS's hashed name.
const MAIN_JS_PLACEHOLDER: &str = "../../__VELD_MAIN_JS__";
/// The custom section `wasm_split_helpers` leaves in a module with split points.
const SPLIT_SECTION: &str = "__wasm_split_unstable";

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    let args = match split_if_lazy(&args) {
        Ok(Some(args)) => args,
        Ok(None) => args,
        Err(err) => {
            eprintln!("error: splitting the wasm into route chunks: {err:?}");
            std::process::exit(1);
        }
    };
    if let Err(err) = wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(args) {
        eprintln!("error: {err:?}");
        std::process::exit(1);
    }
}

/// The input wasm and `--out-dir` of a wasm-bindgen command line (either `--out-dir=D` or
/// `--out-dir D`).
fn input_and_out_dir(args: &[OsString]) -> (Option<usize>, Option<PathBuf>) {
    let mut input = None;
    let mut out = None;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if let Some(d) = a.strip_prefix("--out-dir=") {
            out = Some(PathBuf::from(d));
        } else if a == "--out-dir" {
            out = args.get(i + 1).map(PathBuf::from);
            i += 1;
        } else if !a.starts_with('-') && a.ends_with(".wasm") {
            input = Some(i);
        }
        i += 1;
    }
    (input, out)
}

/// Whether the module has split points, and whether it was linked with relocations.
fn sections(bytes: &[u8]) -> Result<(bool, bool), Box<dyn std::error::Error>> {
    let (mut split, mut relocs) = (false, false);
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CustomSection(s) = payload? {
            split |= s.name() == SPLIT_SECTION;
            relocs |= s.name().starts_with("reloc.");
        }
    }
    Ok((split, relocs))
}

/// Splits a lazy-route module and returns the command line for its main part; `None` when there
/// is nothing to split (tests, `--version`, a module without lazy routes).
fn split_if_lazy(args: &[OsString]) -> Result<Option<Vec<OsString>>, Box<dyn std::error::Error>> {
    let (Some(at), Some(out)) = input_and_out_dir(args) else { return Ok(None) };
    let bytes = std::fs::read(&args[at])?;
    let (split, relocs) = sections(&bytes)?;
    if !split {
        return Ok(None);
    }
    if !relocs {
        // (Leptos leaves the section in every module; without relocations nothing can move.)
        eprintln!("wasm split: not split (no relocations: build with -Clink-args=--emit-relocs, .cargo/config.toml)");
        return Ok(None);
    }
    // A name per build, so that a browser never mixes one build's loader with another's chunks.
    let tag = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        format!("veld-split-{:016x}", h.finish())
    };
    let snippets = out.join("snippets");
    for dir in [&out, &snippets] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            // (An earlier build's; the main module's file is overwritten below.)
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with("veld-split-") && e.file_type()?.is_dir() {
                    std::fs::remove_dir_all(e.path())?;
                }
            }
        }
    }
    std::fs::create_dir_all(snippets.join(&tag))?;
    let main_out = out.join("veld-split-main.wasm");
    let link_name = format!("./snippets/{tag}/__wasm_split.js");
    let mut options = wasm_split_cli_support::Options::new(&bytes);
    options.output_dir = &out;
    options.main_out_path = &main_out;
    options.link_name = &link_name;
    options.main_module = MAIN_JS_PLACEHOLDER;
    let split = wasm_split_cli_support::transform(options).map_err(|e| format!("{e:?}"))?;
    let chunks = out.join(&tag);
    std::fs::create_dir_all(&chunks)?;
    for module in &split.split_modules {
        let name = module.file_name().ok_or("a chunk without a name")?;
        std::fs::rename(module, chunks.join(name))?;
    }
    eprintln!("wasm split: {} chunks in {}", split.split_modules.len(), chunks.display());
    let mut next = args.to_vec();
    next[at] = main_out.into_os_string();
    for flag in ["--keep-lld-exports", "--no-demangle"] {
        if !args.iter().any(|a| a == flag) {
            next.push(flag.into());
        }
    }
    Ok(Some(next))
}
