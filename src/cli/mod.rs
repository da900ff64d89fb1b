//! The `bindery` command line: `render`, `check`, `send`, `import`, `export`, `serve`.

pub mod api;
pub mod assets;
mod deploy;
mod folder;
mod import;
mod load;
mod many;
mod secret;
pub mod send;

pub use crate::clock::today_utc;
pub use load::{
    load_composition, load_composition_with, parse_composition, LoadError, ReadLimits,
    DEFAULT_MAX_BODY_MIB,
};

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::encode;
use crate::encode::code::{CodeOptions, Language};
use crate::rules::{self, Level};

#[derive(Parser)]
#[command(
    name = "bindery",
    version,
    about = "Compose, check and send Cloudflare Workers multipart uploads"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print an encoding of a composition: its metadata JSON, multipart body, or a program
    /// sending it (curl, JavaScript, Python, Go, Java, Rust).
    Render(RenderArgs),
    /// Check a composition against the API's rules; exits 1 when there are errors.
    Check(CheckArgs),
    /// Perform the request a composition describes (token from $CLOUDFLARE_API_TOKEN) and
    /// explain the answer; exits 1 when the API refused it, 2 on bad input. With --many: many
    /// Workers, within the rate limit, with a report.
    Send(send::SendArgs),
    /// Deploy a version at 100 % or split traffic between two; list versions and deployments;
    /// roll back (account Workers).
    Deploy(deploy::DeployArgs),
    /// Put, list, delete or bulk-change a Worker's secrets without uploading its code.
    Secret(secret::SecretArgs),
    /// Build a composition from a wrangler configuration or a curl command.
    Import(import::ImportArgs),
    /// Write a composition in another tool's format (a wrangler.jsonc).
    Export(import::ExportArgs),
    /// Serve the app and proxy its API requests to Cloudflare (or the built-in sandbox).
    Serve(crate::server::ServeArgs),
}

/// How the module files a composition names are read.
#[derive(clap::Args)]
struct ReadArgs {
    /// Also read module files outside the composition's folder (absolute paths, `../`, links
    /// leading elsewhere). Off by default: a composition you were sent could otherwise make you
    /// upload any file of yours.
    #[arg(long)]
    allow_outside_paths: bool,
    /// The request cap in MiB: a larger module file is refused before it is read.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_MIB, value_parser = clap::value_parser!(u64).range(1..=1024 * 1024))]
    max_body_mib: u64,
}

impl ReadArgs {
    fn load(&self, path: &std::path::Path) -> Result<crate::model::Composition, LoadError> {
        load_composition_with(
            path,
            ReadLimits {
                allow_outside_paths: self.allow_outside_paths,
                max_file_bytes: self.max_body_mib * 1024 * 1024,
            },
        )
    }
}

#[derive(clap::Args)]
struct RenderArgs {
    /// The composition file (JSON, "format": 1).
    composition: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    /// Which encoding to print.
    #[arg(long = "as", value_enum, default_value = "curl")]
    encoding: Encoding,
    /// With --as metadata: the compact one-line JSON sent on the wire.
    #[arg(long)]
    compact: bool,
    /// With --as multipart: the boundary between parts.
    #[arg(long, default_value = encode::multipart::DEFAULT_BOUNDARY)]
    boundary: String,
    /// With a program: the API base URL.
    #[arg(long, default_value = crate::model::CLOUDFLARE_API_BASE)]
    api_base: String,
    /// With a program: prefix put before every module file path (e.g. `dist/`).
    #[arg(long, default_value = "")]
    file_prefix: String,
    /// With a program other than curl: write each module's bytes into the program instead of
    /// reading its file when it runs.
    #[arg(long)]
    embed: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    Metadata,
    Multipart,
    Curl,
    /// JavaScript: fetch with FormData (Node 18+, Deno).
    Js,
    /// Python with requests.
    Python,
    /// Go with net/http and mime/multipart.
    Go,
    /// Java with OkHttp 3.
    Java,
    /// Rust with reqwest.
    Rust,
}

impl Encoding {
    /// The program language, for the encodings that are programs.
    fn language(self) -> Option<Language> {
        match self {
            Encoding::Metadata | Encoding::Multipart => None,
            Encoding::Curl => Some(Language::Curl),
            Encoding::Js => Some(Language::JavaScript),
            Encoding::Python => Some(Language::Python),
            Encoding::Go => Some(Language::Go),
            Encoding::Java => Some(Language::Java),
            Encoding::Rust => Some(Language::Rust),
        }
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The composition file (JSON, "format": 1).
    composition: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    /// The date compatibility dates are compared with (default: today, UTC).
    #[arg(long)]
    today: Option<String>,
    /// Print the findings as a JSON array instead of text.
    #[arg(long)]
    json: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => render(args),
        Command::Check(args) => check(args),
        Command::Send(args) => send::run(args),
        Command::Deploy(args) => deploy::run(args),
        Command::Secret(args) => secret::run(args),
        Command::Import(args) => import::import(args),
        Command::Export(args) => import::export(args),
        Command::Serve(args) => crate::server::run(args),
    }
}

/// The async runtime of the commands that call the API.
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("bindery: {message}");
    ExitCode::from(2)
}

fn render(args: RenderArgs) -> ExitCode {
    if args.embed && !matches!(args.encoding.language(), Some(l) if l != Language::Curl) {
        return fail(
            "--embed applies to --as js, python, go, java and rust (curl reads module files by path)",
        );
    }
    let composition = match args.read.load(&args.composition) {
        Ok(c) => c,
        Err(error) => return fail(error),
    };
    // What the JSON means for this endpoint (fields left out and where they go, what an empty
    // list does on a PATCH): on stderr, so the output stays exactly what is sent.
    for note in encode::json::notes(&composition) {
        eprintln!("note: {note}");
    }
    let output: Vec<u8> = match (args.encoding, args.encoding.language()) {
        (_, Some(language)) => {
            // A program that would call another endpoint than the one meant is not written.
            if let Some(problem) = composition.request.endpoint_problem() {
                return fail(format!(
                    "{}: not rendered: {problem}",
                    args.composition.display()
                ));
            }
            let options = CodeOptions {
                api_base: args.api_base,
                file_prefix: args.file_prefix,
                embed: args.embed,
                allow_outside_paths: args.read.allow_outside_paths,
            };
            let program = encode::code::generate(language, &composition, &options);
            for note in &program.notes {
                eprintln!("note: {note}");
            }
            program.text.into_bytes()
        }
        (Encoding::Metadata, _) if args.compact => encode::json::compact(&composition).into_bytes(),
        (Encoding::Metadata, _) => (encode::json::pretty(&composition) + "\n").into_bytes(),
        (_, None) => {
            eprintln!(
                "Content-Type: {}",
                encode::multipart::content_type_header(&args.boundary)
            );
            encode::multipart::body(&composition, &args.boundary)
        }
    };
    match std::io::stdout().lock().write_all(&output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => fail(format!("cannot write the output: {error}")),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let composition = match args.read.load(&args.composition) {
        Ok(c) => c,
        Err(error) => return fail(error),
    };
    let today = args.today.unwrap_or_else(today_utc);
    let findings = rules::check_at(&composition, Some(&today));
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".into())
        );
    } else {
        print!("{}", format_findings(&findings));
    }
    if rules::has_errors(&findings) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One line per finding (`error[rule] at: message`), then a count.
pub fn format_findings(findings: &[rules::Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        out.push_str(&format!("{finding}\n"));
    }
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    out.push_str(&match (errors, warnings) {
        (0, 0) => "ok: no problems found\n".to_string(),
        _ => format!("{errors} error(s), {warnings} warning(s)\n"),
    });
    out
}
