//! `bindery send --many`: many Workers, from a folder of compositions or from one template and
//! a CSV / JSON-lines file of per-Worker values, sent concurrently within the rate limit, with
//! a progress bar, a JSON-lines report of every outcome and `--resume`.
//!
//! The input is streamed: a reader thread builds one composition at a time into a bounded
//! channel, so memory stays flat however many Workers there are. Ctrl-C stops taking new
//! Workers, lets the ones in flight finish and be reported, and exits 130; a second Ctrl-C
//! exits at once (every report line is written whole, so the report stays readable).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use tokio::sync::mpsc;

use super::api::{self, Api};
use super::assets::{self, Folder};
use super::send::{send_composition, Reported, SendArgs};
use super::{fail, load_composition, parse_composition};
use crate::model::Composition;
use crate::send::pointer;
use crate::send::rate::RateSetting;
use crate::send::report::{request_key, Outcome, ReportError, ReportLine, Resume, Tally};

#[derive(clap::Args, Clone, Debug)]
pub struct ManyArgs {
    /// With --many and a values file: the composition the values are put into.
    #[arg(long, value_name = "COMPOSITION")]
    pub template: Option<PathBuf>,
    /// With --many: requests in flight at the same time.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// With --many: at most N requests per SECONDS (Cloudflare's limit is 1200/300), or off.
    #[arg(long, default_value = "1200/300", value_name = "N/SECONDS|off")]
    pub rate_limit: RateSetting,
    /// With --many: write the JSON-lines report here (default: standard output, or appended
    /// to the --resume report).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// With --many: skip every Worker this report says was sent already.
    #[arg(long, value_name = "REPORT")]
    pub resume: Option<PathBuf>,
}

/// One Worker to send: where it came from, and its composition (or why it has none).
struct Item {
    source: String,
    composition: Result<Composition, String>,
}

pub fn run(args: SendArgs) -> ExitCode {
    let many = args.many_args.clone();
    let base = match api::api_base(args.upstream.as_deref()) {
        Ok(base) => base,
        Err(e) => return fail(e),
    };
    let token = match api::token_from_env() {
        Ok(token) => token,
        Err(e) => return fail(e),
    };
    let input = match Input::open(&args.source, many.template.as_deref()) {
        Ok(input) => input,
        Err(e) => return fail(e),
    };
    let total = match input.count() {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let resume = match &many.resume {
        Some(path) => match read_resume(path) {
            Ok(r) => r,
            Err(e) => return fail(e),
        },
        None => Resume::default(),
    };
    let mut report = match Report::open(many.report.as_deref(), many.resume.as_deref()) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let folder = match &args.assets {
        Some(dir) => match assets::read_folder(dir, args.asset_limits.max_asset_files) {
            Ok(folder) => Some(Arc::new(folder)),
            Err(assets::Failure::Input(e) | assets::Failure::Api(e)) => return fail(e),
        },
        None => None,
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let api = match Api::new(base, token, many.rate_limit) {
        Ok(api) => api,
        Err(e) => return fail(e),
    };
    if resume.unreadable > 0 {
        eprintln!(
            "note: {} line(s) of the resumed report could not be read (a line cut by a stop is normal)",
            resume.unreadable
        );
    }
    let resume = Arc::new(resume);
    let bar = progress_bar(total as u64);
    let (sender, receiver) = mpsc::channel::<Item>(many.concurrency.max(1) * 2);
    let reader = std::thread::spawn(move || input.produce(sender));
    let asset_args = args.asset_limits.clone();
    let (tally, interrupted) = runtime.block_on(async {
        let stop = stop_signal();
        let items = stream::unfold(receiver, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        })
        .take_until(stop);
        let mut tally = Tally::default();
        let outcomes = items
            .map(|item| {
                let api = api.clone();
                let resume = resume.clone();
                let folder = folder.clone();
                let asset_args = asset_args.clone();
                async move { process(&api, item, &resume, folder.as_deref(), &asset_args).await }
            })
            .buffer_unordered(many.concurrency.max(1));
        let mut outcomes = std::pin::pin!(outcomes);
        while let Some(line) = outcomes.next().await {
            tally.add(line.outcome);
            if let Err(e) = report.write(&line) {
                bar.abandon();
                eprintln!("bindery: cannot write the report: {e}");
                std::process::exit(2);
            }
            bar.inc(1);
            bar.set_message(format!(
                "{} refused, {} failed",
                tally.refused + tally.invalid,
                tally.failed
            ));
        }
        (tally, tally.total() < total)
    });
    bar.finish_and_clear();
    // The reader stops when the channel closes.
    drop(reader);
    eprintln!("{}", tally.summary());
    if interrupted {
        let how = match (&many.report, &many.resume) {
            (Some(r), _) => format!("--resume {}", r.display()),
            (None, Some(r)) => format!("--resume {}", r.display()),
            (None, None) => "--resume with the saved report".into(),
        };
        eprintln!(
            "stopped: {} of {total} Workers not sent; run the same command with {how} to go on",
            total - tally.total()
        );
        return ExitCode::from(130);
    }
    if tally.all_done() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Resolves on the first Ctrl-C; a second one exits at once.
async fn stop_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
    eprintln!("\nstopping: finishing the requests in flight (Ctrl-C again to quit now)");
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    });
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} Workers  {per_sec}  eta {eta}  {msg}")
            .expect("template"),
    );
    bar
}

async fn process(
    api: &Api,
    item: Item,
    resume: &Resume,
    folder: Option<&Folder>,
    asset_args: &assets::AssetsArgs,
) -> ReportLine {
    let mut composition = match item.composition {
        Ok(c) => c,
        Err(message) => {
            return line(
                String::new(),
                item.source,
                "",
                Outcome::Invalid,
                None,
                0,
                0,
                message,
            )
        }
    };
    let request = &composition.request;
    let key = request_key(request.method(), &request.path_and_query());
    let script = request.script_name.clone();
    if resume.is_done(&key) {
        return line(
            key,
            item.source,
            &script,
            Outcome::Skipped,
            None,
            0,
            0,
            String::new(),
        );
    }
    if let Some(folder) = folder {
        match assets::upload_folder(api, &composition, folder, asset_args, false).await {
            Ok(jwt) => {
                let config = composition.metadata.assets.take().and_then(|a| a.config);
                composition.metadata.assets = Some(crate::assets::session::assets_metadata(
                    jwt,
                    config,
                    folder.headers.clone(),
                    folder.redirects.clone(),
                ));
            }
            Err(assets::Failure::Input(e)) => {
                return line(key, item.source, &script, Outcome::Invalid, None, 0, 0, e)
            }
            Err(assets::Failure::Api(e)) => {
                let message = format!("assets upload: {e}");
                return line(
                    key,
                    item.source,
                    &script,
                    Outcome::Refused,
                    None,
                    0,
                    0,
                    message,
                );
            }
        }
    }
    let sent = send_composition(api, &composition).await;
    let reported = Reported::of(&composition, &sent);
    let outcome = match reported.status {
        _ if reported.accepted => Outcome::Ok,
        Some(status) if status == 429 || status >= 500 => Outcome::Failed,
        Some(_) => Outcome::Refused,
        None => Outcome::Failed,
    };
    let mut errors: Vec<ReportError> = reported.explanations.iter().map(Into::into).collect();
    if let Some(message) = reported.no_answer {
        errors.push(ReportError {
            code: None,
            message,
            explanation: "No answer from the API.".into(),
            at: None,
        });
    }
    ReportLine {
        request: key,
        source: item.source,
        script,
        outcome,
        status: reported.status,
        attempts: reported.attempts,
        ms: reported.elapsed_ms,
        errors,
    }
}

#[allow(clippy::too_many_arguments)]
fn line(
    request: String,
    source: String,
    script: &str,
    outcome: Outcome,
    status: Option<u16>,
    attempts: u32,
    ms: u64,
    message: String,
) -> ReportLine {
    let errors = if message.is_empty() {
        Vec::new()
    } else {
        vec![ReportError {
            code: None,
            message,
            explanation: String::new(),
            at: None,
        }]
    };
    ReportLine {
        request,
        source,
        script: script.to_string(),
        outcome,
        status,
        attempts,
        ms,
        errors,
    }
}

fn read_resume(path: &Path) -> Result<Resume, String> {
    let file =
        File::open(path).map_err(|e| format!("{}: cannot read the report: {e}", path.display()))?;
    let mut resume = Resume::default();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        resume.add_line(&line);
    }
    Ok(resume)
}

/// Where report lines go; each line is written with one call, unbuffered, so a stop never
/// leaves half a line behind.
struct Report {
    out: Box<dyn Write + Send>,
    /// Appending to the resumed report: its own `ok` lines already say what a `skipped` line
    /// would.
    skip_skipped: bool,
}

impl Report {
    fn open(report: Option<&Path>, resume: Option<&Path>) -> Result<Report, String> {
        let append_to = |path: &Path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("{}: cannot write the report: {e}", path.display()))
        };
        let skip_skipped = match (report, resume) {
            (Some(r), Some(s)) => same_file(r, s),
            (None, Some(_)) => true,
            _ => false,
        };
        let out: Box<dyn Write + Send> = match (report, resume) {
            (Some(r), Some(s)) if same_file(r, s) => Box::new(append_to(r)?),
            (Some(r), _) => Box::new(
                File::create(r)
                    .map_err(|e| format!("{}: cannot write the report: {e}", r.display()))?,
            ),
            (None, Some(s)) => Box::new(append_to(s)?),
            (None, None) => Box::new(std::io::stdout()),
        };
        Ok(Report { out, skip_skipped })
    }

    fn write(&mut self, line: &ReportLine) -> std::io::Result<()> {
        if self.skip_skipped && line.outcome == Outcome::Skipped {
            return Ok(());
        }
        self.out.write_all(line.to_line().as_bytes())?;
        self.out.flush()
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Where the Workers come from.
enum Input {
    /// Every `*.json` file of a folder.
    Folder(PathBuf),
    /// A template and a values file.
    Values {
        file: PathBuf,
        template: Arc<Template>,
        csv: bool,
    },
}

/// The template composition: its JSON (pointers are applied to it) and its module bytes.
struct Template {
    path: PathBuf,
    json: Value,
    loaded: Composition,
}

impl Input {
    fn open(source: &Path, template: Option<&Path>) -> Result<Input, String> {
        if source.is_dir() {
            if template.is_some() {
                return Err("--template goes with a CSV or JSON-lines values file, not a folder of compositions".into());
            }
            return Ok(Input::Folder(source.to_path_buf()));
        }
        if !source.is_file() {
            return Err(format!("{}: no such file or folder", source.display()));
        }
        let Some(template) = template else {
            return Err(format!(
                "{}: a values file needs --template COMPOSITION (its columns are JSON pointers into that composition)",
                source.display()
            ));
        };
        let loaded = load_composition(template).map_err(|e| e.to_string())?;
        let text = std::fs::read_to_string(template)
            .map_err(|e| format!("{}: {e}", template.display()))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", template.display()))?;
        let csv = source
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        Ok(Input::Values {
            file: source.to_path_buf(),
            template: Arc::new(Template {
                path: template.to_path_buf(),
                json,
                loaded,
            }),
            csv,
        })
    }

    /// How many Workers (a first pass that keeps nothing).
    fn count(&self) -> Result<usize, String> {
        match self {
            Input::Folder(dir) => Ok(folder_entries(dir)?.count()),
            Input::Values {
                file, csv: true, ..
            } => {
                let mut reader = csv_reader(file)?;
                let mut n = 0;
                let mut record = csv::ByteRecord::new();
                while reader
                    .read_byte_record(&mut record)
                    .map_err(|e| format!("{}: {e}", file.display()))?
                {
                    n += 1;
                }
                Ok(n)
            }
            Input::Values { file, .. } => {
                let reader = BufReader::new(
                    File::open(file).map_err(|e| format!("{}: {e}", file.display()))?,
                );
                let mut n = 0;
                for line in reader.lines() {
                    if !line
                        .map_err(|e| format!("{}: {e}", file.display()))?
                        .trim()
                        .is_empty()
                    {
                        n += 1;
                    }
                }
                Ok(n)
            }
        }
    }

    /// Sends every item into `sender` (runs on its own thread; stops when the receiver is gone).
    fn produce(self, sender: mpsc::Sender<Item>) {
        let send = |item: Item| sender.blocking_send(item).is_ok();
        match self {
            Input::Folder(dir) => {
                let Ok(entries) = folder_entries(&dir) else {
                    return;
                };
                for path in entries {
                    let composition = load_composition(&path).map_err(|e| e.to_string());
                    if !send(Item {
                        source: path.display().to_string(),
                        composition,
                    }) {
                        return;
                    }
                }
            }
            Input::Values {
                file,
                template,
                csv: true,
            } => {
                let Ok(mut reader) = csv_reader(&file) else {
                    return;
                };
                let pointers: Result<Vec<String>, String> = match reader.headers() {
                    Ok(headers) => headers
                        .iter()
                        .map(|h| {
                            pointer::tokens(h)
                                .map(|_| h.to_string())
                                .map_err(|e| e.to_string())
                        })
                        .collect(),
                    Err(e) => Err(e.to_string()),
                };
                for record in reader.records() {
                    let (source, composition) = match (&pointers, record) {
                        (Ok(pointers), Ok(record)) => {
                            let line = record.position().map_or(0, |p| p.line());
                            let values = pointers.iter().zip(record.iter()).map(|(p, cell)| {
                                pointer::cell_value(&template.json, p, cell)
                                    .map(|v| (p.as_str(), v))
                            });
                            let composition = values
                                .collect::<Result<Vec<_>, _>>()
                                .map_err(|e| e.to_string())
                                .and_then(|values| {
                                    let values =
                                        values.into_iter().filter_map(|(p, v)| v.map(|v| (p, v)));
                                    build(&template, values)
                                });
                            (format!("{}:{line}", file.display()), composition)
                        }
                        (Err(e), _) => {
                            (format!("{}:1", file.display()), Err(format!("header: {e}")))
                        }
                        (_, Err(e)) => (file.display().to_string(), Err(e.to_string())),
                    };
                    if !send(Item {
                        source,
                        composition,
                    }) {
                        return;
                    }
                }
            }
            Input::Values { file, template, .. } => {
                let Ok(opened) = File::open(&file) else {
                    return;
                };
                for (index, line) in BufReader::new(opened).lines().enumerate() {
                    let source = format!("{}:{}", file.display(), index + 1);
                    let composition = match line {
                        Ok(line) if line.trim().is_empty() => continue,
                        Ok(line) => row_from_json(&template, &line),
                        Err(e) => Err(e.to_string()),
                    };
                    if !send(Item {
                        source,
                        composition,
                    }) {
                        return;
                    }
                }
            }
        }
    }
}

fn folder_entries(dir: &Path) -> Result<impl Iterator<Item = PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(entries.filter_map(|entry| {
        let path = entry.ok()?.path();
        (path.is_file() && path.extension().is_some_and(|e| e == "json")).then_some(path)
    }))
}

fn csv_reader(file: &Path) -> Result<csv::Reader<File>, String> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(file)
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// A JSON-lines row: an object of pointer → value.
fn row_from_json(template: &Template, line: &str) -> Result<Composition, String> {
    let row: serde_json::Map<String, Value> = serde_json::from_str(line)
        .map_err(|e| format!("not a JSON object of pointer → value: {e}"))?;
    build(template, row.iter().map(|(p, v)| (p.as_str(), v.clone())))
}

/// The template with `values` put in, as a composition with its module bytes: a module whose
/// `path` is the template's shares its bytes, another path is read from disk (relative to the
/// template).
fn build<'a>(
    template: &Template,
    values: impl IntoIterator<Item = (&'a str, Value)>,
) -> Result<Composition, String> {
    let json = pointer::apply(&template.json, values).map_err(|e| e.to_string())?;
    let text = json.to_string();
    let mut composition = parse_composition(&template.path, &text).map_err(|e| e.to_string())?;
    let base = template.path.parent().unwrap_or(Path::new("."));
    for module in &mut composition.modules {
        let Some(path) = &module.path else { continue };
        match template
            .loaded
            .modules
            .iter()
            .find(|m| m.path.as_ref() == Some(path))
        {
            Some(same) => module.bytes = same.bytes.clone(),
            None => {
                module.bytes = std::fs::read(base.join(path))
                    .map_err(|e| format!("module `{}`: cannot read `{path}`: {e}", module.name))?
            }
        }
    }
    Ok(composition)
}
