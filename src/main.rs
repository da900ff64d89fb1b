//! One binary, two targets: natively it is the `bindery` command line (render, check, serve);
//! compiled to wasm32 by Trunk it is the browser app.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    bindery::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    bindery::app::start();
}
