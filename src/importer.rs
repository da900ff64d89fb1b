//! The browser app's import worker (Trunk builds it as a Web Worker beside the app, see
//! `index.html`): the importers answer the page's requests here, so they are not part of the
//! page's first load. See `app::browser::worker` and `editor::import`.

#[cfg(target_arch = "wasm32")]
fn main() {
    bindery::app::browser::worker::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("bindery-importer is the Bindery app's import worker, built for the browser by Trunk; run `bindery` instead");
    std::process::ExitCode::from(2)
}
