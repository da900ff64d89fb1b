//! `bindery import` and `bindery export`: the importers and the wrangler exporter at the edge of
//! the file system. The core does the work; this reads the input, gives it the folders it may
//! read (and nothing else), writes the composition with module paths relative to where it is
//! written, and prints the findings.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::folder::{relative_path, Folder};
use super::{fail, format_findings, load::parse_composition};
use crate::import::config_text::ConfigFormat;
use crate::import::files::Files;
use crate::import::{self, Imported, ModuleSource, Root};

/// The largest configuration or command read.
const MAX_INPUT_BYTES: u64 = 10 * 1024 * 1024;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The wrangler configuration (wrangler.toml, wrangler.json or wrangler.jsonc).
    #[arg(required_unless_present = "curl", conflicts_with = "curl")]
    config: Option<PathBuf>,
    /// Import a curl command instead, from FILE (or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    curl: Option<PathBuf>,
    /// With --curl: the folder the command runs in, where the files it names are read
    /// (default: the command file's folder, or the current folder for `-`).
    #[arg(long, value_name = "DIR", requires = "curl")]
    dir: Option<PathBuf>,
    /// The `[env.NAME]` section to import.
    #[arg(long, value_name = "NAME", conflicts_with = "curl")]
    env: Option<String>,
    /// Import as a Workers for Platforms user Worker in this dispatch namespace.
    #[arg(long, value_name = "NS", conflicts_with = "curl")]
    dispatch_namespace: Option<String>,
    /// The built Worker's folder (e.g. from `wrangler deploy --dry-run --outdir DIR`): its
    /// files are the modules.
    #[arg(long, value_name = "DIR", conflicts_with = "curl")]
    modules: Option<PathBuf>,
    /// The migration tag the deployed Worker already has: only later migrations are sent.
    #[arg(long, value_name = "TAG", conflicts_with = "curl")]
    migration_tag: Option<String>,
    /// Write the composition here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// A wrangler.jsonc that makes `wrangler deploy` send this upload.
    Wrangler,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The composition file (JSON, "format": 1).
    composition: PathBuf,
    /// What to export.
    #[arg(long = "as", value_enum)]
    format: ExportFormat,
    /// Write the file here instead of standard output (module paths are made relative to it).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn read_input(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
    };
    let name = path.display();
    result.map_err(|e| format!("{name}: cannot read: {}", super::load::describe_io(&e)))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{name}: larger than {} MiB; not read",
            MAX_INPUT_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))
}

fn open_folder(path: &Path, what: &str) -> Result<Folder, String> {
    Folder::open(path).map_err(|e| {
        format!(
            "{}: cannot open {what}: {}",
            path.display(),
            super::load::describe_io(&e)
        )
    })
}

/// The folder a file given on the command line sits in (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The folder the output is written to (absolute).
fn output_dir(output: Option<&Path>) -> Result<PathBuf, String> {
    let dir = output.map(parent_of).unwrap_or_else(|| PathBuf::from("."));
    dir.canonicalize()
        .map_err(|e| format!("{}: {}", dir.display(), super::load::describe_io(&e)))
}

pub fn import(args: ImportArgs) -> ExitCode {
    match run_import(&args) {
        Ok(code) => code,
        Err(message) => fail(message),
    }
}

fn run_import(args: &ImportArgs) -> Result<ExitCode, String> {
    let out_dir = output_dir(args.output.as_deref())?;
    let (imported, project, built) = if let Some(curl) = &args.curl {
        let text = read_input(curl)?;
        let dir = match (&args.dir, curl.as_os_str() == "-") {
            (Some(dir), _) => dir.clone(),
            (None, true) => PathBuf::from("."),
            (None, false) => parent_of(curl),
        };
        let folder = open_folder(&dir, "the folder")?;
        let imported =
            import::curl::import(&text, &folder).map_err(|e| format!("{}: {e}", curl.display()))?;
        (imported, folder, None)
    } else {
        let config = args.config.as_ref().expect("clap requires it");
        let text = read_input(config)?;
        let name = config.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let format =
            ConfigFormat::from_file_name(name).unwrap_or_else(|| ConfigFormat::sniff(&text));
        let project = open_folder(&parent_of(config), "the configuration's folder")?;
        let built = match &args.modules {
            Some(dir) => Some(open_folder(dir, "the modules folder")?),
            None => None,
        };
        let options = import::wrangler::WranglerOptions {
            env: args.env.clone(),
            dispatch_namespace: args.dispatch_namespace.clone(),
            migration_tag: args.migration_tag.clone(),
            locations: built.as_ref().map(|b| import::wrangler::Locations {
                project: project.root().to_string_lossy().replace('\\', "/"),
                built: b.root().to_string_lossy().replace('\\', "/"),
            }),
        };
        let imported = import::wrangler::import(
            &text,
            format,
            &options,
            &project,
            built.as_ref().map(|b| b as &dyn Files),
        )
        .map_err(|e| format!("{}:{e}", config.display()))?;
        (imported, project, built)
    };
    let composition = rebase(
        imported,
        &out_dir,
        project.root(),
        built.as_ref().map(Folder::root),
    );
    let json = serde_json::to_string_pretty(&composition.composition).unwrap_or_default() + "\n";
    write_output(args.output.as_deref(), json.as_bytes())?;
    eprint!("{}", summary(&composition));
    Ok(ExitCode::SUCCESS)
}

/// Module paths relative to the output's folder.
fn rebase(
    mut imported: Imported,
    out_dir: &Path,
    project: &Path,
    built: Option<&Path>,
) -> Imported {
    for (module, source) in imported
        .composition
        .modules
        .iter_mut()
        .zip(&imported.sources)
    {
        let ModuleSource::File { root, .. } = source else {
            continue;
        };
        let base = match root {
            Root::Project => project,
            Root::Built => built.unwrap_or(project),
        };
        if let Some(path) = &module.path {
            module.path = Some(relative_path(out_dir, &base.join(path)));
        }
    }
    imported
}

fn summary(imported: &Imported) -> String {
    let c = &imported.composition;
    let unread = imported
        .sources
        .iter()
        .filter(|s| matches!(s, ModuleSource::File { read: false, .. }))
        .count();
    let mut out = format_findings(&imported.findings);
    // `format_findings` ends with its own count line; replace "no problems" by the import's summary.
    if imported.findings.is_empty() {
        out.clear();
    }
    out.push_str(&format!(
        "imported: {} binding(s), {} module(s){}\n",
        c.metadata.bindings.len(),
        c.modules.len(),
        if unread > 0 {
            format!(", {unread} of them to add (not read)")
        } else {
            String::new()
        }
    ));
    out
}

fn write_output(output: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            format!(
                "{}: cannot write: {}",
                path.display(),
                super::load::describe_io(&e)
            )
        }),
        None => match std::io::stdout().lock().write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(format!("cannot write the output: {e}")),
        },
    }
}

pub fn export(args: ExportArgs) -> ExitCode {
    match run_export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn run_export(args: &ExportArgs) -> Result<(), String> {
    let text = read_input(&args.composition)?;
    let mut composition = parse_composition(&args.composition, &text).map_err(|e| e.to_string())?;
    let source_dir = parent_of(&args.composition).canonicalize().map_err(|e| {
        format!(
            "{}: {}",
            args.composition.display(),
            super::load::describe_io(&e)
        )
    })?;
    let out_dir = match &args.output {
        Some(path) => output_dir(Some(path))?,
        None => source_dir.clone(),
    };
    for module in &mut composition.modules {
        if let Some(path) = &module.path {
            module.path = Some(relative_path(&out_dir, &source_dir.join(path)));
        }
    }
    let exported = match args.format {
        ExportFormat::Wrangler => crate::encode::wrangler::config(&composition),
    };
    write_output(args.output.as_deref(), exported.text.as_bytes())?;
    for note in &exported.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}
