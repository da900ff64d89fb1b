//! Static assets: choose or drop a folder; it is listed (minus `.assetsignore`), checked against
//! the limits and hashed in the page, in chunks that give the page back between them; "Upload
//! assets" opens the session, uploads only the buckets the API asks for (three at a time, a
//! progress bar each and one overall) and puts the completion token into `metadata.assets`,
//! with the configuration set here. The decisions are in [`crate::assets`].
//!
//! An example with an assets folder ([`crate::editor::examples::Example::assets`]) hands its
//! files to the panel when it starts, as if that folder had been picked: "Upload assets" is
//! then the one action left.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use web_sys::File;
use yew::prelude::*;

use super::browser::api;
use super::browser::files::{files_of, read_bytes};
use super::browser::folder::{self, Yielder};
use super::fields::select_text;
use super::live::Live;
use crate::assets::picked::{config_edit, run_worker_first_text, PickedFolder};
use crate::assets::session::{self, BucketFile};
use crate::assets::{
    check_listing, AssetsIgnore, Manifest, ASSETS_IGNORE_FILE, DEFAULT_MAX_ASSET_FILES,
    HEADERS_FILE, REDIRECTS_FILE,
};
use crate::editor::examples::{asset_type, Example};
use crate::editor::live::ScriptKey;
use crate::editor::{Action, Editor};
use crate::model::Composition;

/// Buckets uploaded at the same time (as wrangler does).
const BUCKETS_AT_ONCE: usize = 3;

#[derive(Properties, PartialEq)]
pub struct AssetsPanelProps {
    pub composition: Rc<Composition>,
    /// The example the composition was started from: its assets folder, if any, is loaded.
    pub example: Option<&'static Example>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

/// An example's assets folder as the files a folder pick gives (path from the folder's name).
fn example_files(example: &Example) -> Result<Vec<(String, File)>, String> {
    example
        .assets
        .iter()
        .map(|(path, bytes)| {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(*bytes));
            let options = web_sys::FilePropertyBag::new();
            options.set_type(asset_type(path));
            let name = path.rsplit('/').next().unwrap_or(path);
            File::new_with_u8_array_sequence_and_options(&parts, name, &options)
                .map(|file| (path.to_string(), file))
                .map_err(|_| format!("the example's file {path} could not be made"))
        })
        .collect()
}

/// A folder read and hashed.
struct Folder {
    root: String,
    files: Vec<File>,
    /// Manifest path → picked index.
    index: Vec<(String, usize)>,
    manifest: Manifest,
    headers: Option<String>,
    redirects: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Empty,
    Reading,
    Refused(Vec<String>),
    Hashing { done: usize, total: usize },
    Ready,
    Uploading { buckets: Vec<(f64, f64)> },
    Uploaded { sent: usize, already: usize },
    Failed(String),
}

#[component]
pub fn AssetsPanel(props: &AssetsPanelProps) -> Html {
    let live = use_context::<Live>();
    let phase = use_state(|| Phase::Empty);
    let folder = use_mut_ref(|| None::<Rc<Folder>>);

    let load = {
        let phase = phase.clone();
        let folder = folder.clone();
        Callback::from(move |picked: Vec<(String, File)>| {
            let phase = phase.clone();
            let folder = folder.clone();
            *folder.borrow_mut() = None;
            phase.set(Phase::Reading);
            wasm_bindgen_futures::spawn_local(async move {
                match read_folder(picked, &phase).await {
                    Ok(Ok(read)) => {
                        *folder.borrow_mut() = Some(Rc::new(read));
                        phase.set(Phase::Ready);
                    }
                    Ok(Err(problems)) => phase.set(Phase::Refused(problems)),
                    Err(e) => phase.set(Phase::Failed(e)),
                }
            });
        })
    };
    {
        // A new example with an assets folder loads it; another start leaves the panel as is.
        let load = load.clone();
        let phase = phase.clone();
        let example = props.example.filter(|e| !e.assets.is_empty());
        use_effect_with(example.map(|e| e.id), move |_| {
            if let Some(example) = example {
                match example_files(example) {
                    Ok(files) => load.emit(files),
                    Err(e) => phase.set(Phase::Failed(e)),
                }
            }
        });
    }
    let on_pick = {
        let load = load.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                load.emit(folder::picked(files_of(&list)));
            }
            input.set_value("");
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let load = load.clone();
        let phase = phase.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(items) = e.data_transfer().map(|d| d.items()) else {
                return;
            };
            let load = load.clone();
            let phase = phase.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match folder::dropped(&items).await {
                    Ok(files) => load.emit(files),
                    Err(e) => phase.set(Phase::Failed(e)),
                }
            });
        })
    };

    let c = &props.composition;
    let token = live.as_ref().map(|l| l.token.clone()).unwrap_or_default();
    let can_upload = !token.is_empty() && ScriptKey::is_complete(&c.request);
    let on_upload = {
        let phase = phase.clone();
        let folder = folder.borrow().clone();
        let composition = c.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(folder) = folder.clone() else { return };
            let phase = phase.clone();
            let composition = composition.clone();
            let dispatch = dispatch.clone();
            let token = token.as_str().to_string();
            phase.set(Phase::Uploading {
                buckets: Vec::new(),
            });
            wasm_bindgen_futures::spawn_local(async move {
                upload(folder, composition, token, phase, dispatch).await;
            });
        })
    };

    let config = c
        .metadata
        .assets
        .as_ref()
        .and_then(|a| a.config.clone())
        .unwrap_or_default();
    let edit = |field: &'static str| {
        let dispatch = props.dispatch.clone();
        let current = c.metadata.assets.clone();
        move |text: String| {
            let value = config_edit(current.as_ref(), field, &text)
                .map(|a| serde_json::to_value(a).unwrap_or_default());
            dispatch.dispatch(Action::SetMetadataField {
                path: "assets".into(),
                value,
            });
        }
    };
    let on_html = {
        let edit = edit("html_handling");
        Callback::from(move |e: Event| edit(select_text(&e)))
    };
    let on_not_found = {
        let edit = edit("not_found_handling");
        Callback::from(move |e: Event| edit(select_text(&e)))
    };
    let on_first = {
        let edit = edit("run_worker_first");
        Callback::from(move |e: Event| edit(select_text_or_input(&e)))
    };
    let select = |id: &'static str,
                  value: Option<&str>,
                  options: &[&'static str],
                  onchange: Callback<Event>| {
        html! {
            <select id={id} {onchange}>
                <option value="" selected={value.is_none()}>{ "default" }</option>
                { for options.iter().map(|o| html! { <option value={*o} selected={value == Some(*o)}>{ *o }</option> }) }
            </select>
        }
    };
    let status = status_view(&phase, folder.borrow().as_deref(), can_upload, on_upload);
    html! {
        <section class="panel assets-panel" id="assets" aria-labelledby="assets-title" ondragover={on_dragover} ondrop={on_drop}>
            <h2 id="assets-title">{ "Static assets" }</h2>
            <div class="send-row">
                <label class="button" for="assets-folder">{ "Choose folder…" }</label>
                <input id="assets-folder" type="file" multiple=true webkitdirectory=true class="visually-hidden" onchange={on_pick} />
                <span class="help">{ "or drop the folder here. Files in .assetsignore are left out; _headers and _redirects configure the assets." }</span>
            </div>
            { status }
            <div class="grid two">
                <label class="field">{ "HTML handling" }
                    { select("assets-html-handling", config.html_handling.as_deref(), &["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"], on_html) }
                </label>
                <label class="field">{ "Not found" }
                    { select("assets-not-found", config.not_found_handling.as_deref(), &["none", "404-page", "single-page-application"], on_not_found) }
                </label>
                <label class="field wide">{ "Run the Worker first" }
                    <input id="assets-run-worker-first" type="text" placeholder="true, or rules such as /api/*, !/api/static/*"
                        value={run_worker_first_text(config.run_worker_first.as_ref())} onchange={on_first} />
                </label>
            </div>
            <p class="help">{ "An assets-only Worker has no modules; to reach the assets from code, add an assets binding." }</p>
        </section>
    }
}

fn select_text_or_input(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

fn status_view(
    phase: &Phase,
    folder: Option<&Folder>,
    can_upload: bool,
    on_upload: Callback<MouseEvent>,
) -> Html {
    let summary = folder.map(|f| {
        format!(
            "{}: {} files, {}",
            f.root,
            f.manifest.len(),
            human(f.manifest.total_size() as f64)
        )
    });
    match phase {
        Phase::Empty => html! {},
        Phase::Reading => html! { <p class="help" role="status">{ "Reading the folder…" }</p> },
        Phase::Refused(problems) => html! {
            <ul class="notes" id="assets-problems">
                { for problems.iter().map(|p| html! { <li class="note error">{ p }</li> }) }
            </ul>
        },
        Phase::Hashing { done, total } => html! {
            <div class="overall">
                <progress id="assets-hash-progress" max={total.to_string()} value={done.to_string()} />
                <span role="status">{ format!("Hashing {done} of {total} files…") }</span>
            </div>
        },
        Phase::Ready => upload_row(summary, "Upload assets", can_upload, on_upload),
        Phase::Uploading { buckets } => {
            let (loaded, total) = buckets
                .iter()
                .fold((0.0, 0.0), |(l, t), (bl, bt)| (l + bl, t + bt));
            html! {
                <div id="assets-upload-progress">
                    { for buckets.iter().enumerate().map(|(i, (l, t))| html! {
                        <div class="bucket" data-bucket={i.to_string()}>
                            <span>{ format!("Bucket {}", i + 1) }</span>
                            <progress max={t.max(1.0).to_string()} value={l.to_string()} />
                        </div>
                    }) }
                    <div class="overall">
                        <progress max={total.max(1.0).to_string()} value={loaded.to_string()} />
                        <span role="status">{ if buckets.is_empty() { "Opening the upload session…".to_string() } else { format!("{} of {} uploaded", human(loaded), human(total)) } }</span>
                    </div>
                </div>
            }
        }
        Phase::Uploaded { sent, already } => html! {
            <>
                <p class="note ok" id="assets-result" role="status">{ format!(
                    "Uploaded {sent} file(s), {already} already there. metadata.assets.jwt is set: Send the upload now (the token is good for one upload, for a limited time).",
                ) }</p>
                { upload_row(summary, "Upload again", can_upload, on_upload) }
            </>
        },
        Phase::Failed(e) => {
            html! { <p class="note error" id="assets-error" role="status">{ e }</p> }
        }
    }
}

fn upload_row(
    summary: Option<String>,
    label: &'static str,
    can_upload: bool,
    on_upload: Callback<MouseEvent>,
) -> Html {
    html! {
        <div class="send-row">
            <span id="assets-summary">{ summary.unwrap_or_default() }</span>
            <button type="button" id="assets-upload" disabled={!can_upload} onclick={on_upload}
                title="Open an upload session for this script and upload the files the API does not have yet">{ label }</button>
            if !can_upload { <span class="help">{ "Needs the API token and the account, script (and namespace)." }</span> }
        </div>
    }
}

fn human(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
    } else if bytes >= 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Lists, checks and hashes the picked files. `Ok(Err(problems))` when over a limit.
async fn read_folder(
    picked: Vec<(String, File)>,
    phase: &UseStateHandle<Phase>,
) -> Result<Result<Folder, Vec<String>>, String> {
    let sizes: Vec<(String, u64)> = picked
        .iter()
        .map(|(p, f)| (p.clone(), f.size() as u64))
        .collect();
    let tree = PickedFolder::new(&sizes)?;
    let files: Vec<File> = picked.into_iter().map(|(_, f)| f).collect();
    let text_of = |name: &str| tree.find(name).map(|i| files[i].clone());
    let ignore_text = match text_of(ASSETS_IGNORE_FILE) {
        Some(file) => Some(folder::text(&file).await?),
        None => None,
    };
    let ignore = AssetsIgnore::new(ignore_text.as_deref());
    let listing = tree.listing(&ignore);
    let listed: Vec<_> = listing.iter().map(|(_, f)| f.clone()).collect();
    let problems = check_listing(&listed, &ignore, DEFAULT_MAX_ASSET_FILES);
    if !problems.is_empty() {
        return Ok(Err(problems.iter().map(ToString::to_string).collect()));
    }
    let headers = match text_of(HEADERS_FILE) {
        Some(file) => Some(folder::text(&file).await?),
        None => None,
    };
    let redirects = match text_of(REDIRECTS_FILE) {
        Some(file) => Some(folder::text(&file).await?),
        None => None,
    };
    let mut manifest = Manifest::default();
    let mut index = Vec::with_capacity(listing.len());
    let mut yielder = Yielder::default();
    let total = listing.len();
    let mut shown = 0.0;
    for (done, (i, file)) in listing.iter().enumerate() {
        let hash = folder::hash(&files[*i], &file.relative, &mut yielder).await?;
        manifest.insert(&file.relative, hash, file.size);
        index.push((crate::assets::manifest_key(&file.relative), *i));
        let now = super::browser::date::now_ms();
        if now - shown > 100.0 || done + 1 == total {
            phase.set(Phase::Hashing {
                done: done + 1,
                total,
            });
            shown = now;
        }
    }
    Ok(Ok(Folder {
        root: tree.root,
        files,
        index,
        manifest,
        headers,
        redirects,
    }))
}

/// Opens the session, uploads the buckets asked for, and sets `metadata.assets`.
async fn upload(
    folder: Rc<Folder>,
    composition: Rc<Composition>,
    token: String,
    phase: UseStateHandle<Phase>,
    dispatch: UseReducerDispatcher<Editor>,
) {
    let request = composition.request.clone();
    let answer = match api::assets_session(&request, &token, &folder.manifest).await {
        Ok(a) => a,
        Err(e) => {
            return phase.set(Phase::Failed(format!(
                "Could not open the upload session: {e}"
            )))
        }
    };
    let buckets = match session::plan_buckets(&folder.manifest, &answer) {
        Ok(b) => b,
        Err(e) => return phase.set(Phase::Failed(e)),
    };
    let files: usize = buckets.iter().map(Vec::len).sum();
    let finish = {
        let folder = folder.clone();
        let phase = phase.clone();
        move |jwt: String| {
            let config = composition
                .metadata
                .assets
                .as_ref()
                .and_then(|a| a.config.clone());
            let assets = session::assets_metadata(
                jwt,
                config,
                folder.headers.clone(),
                folder.redirects.clone(),
            );
            dispatch.dispatch(Action::SetMetadataField {
                path: "assets".into(),
                value: serde_json::to_value(assets).ok(),
            });
            phase.set(Phase::Uploaded {
                sent: files,
                already: folder.manifest.len() - files,
            });
        }
    };
    if buckets.is_empty() {
        return finish(answer.jwt);
    }
    let progress = Rc::new(RefCell::new(
        buckets
            .iter()
            .map(|b| {
                (
                    0.0,
                    b.iter().map(|f| f.size as f64 * 4.0 / 3.0).sum::<f64>(),
                )
            })
            .collect::<Vec<_>>(),
    ));
    phase.set(Phase::Uploading {
        buckets: progress.borrow().clone(),
    });
    let queue = Rc::new(RefCell::new(
        buckets.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let outcome = Rc::new(RefCell::new((None::<String>, None::<String>)));
    let workers = Rc::new(RefCell::new(BUCKETS_AT_ONCE));
    let finish = Rc::new(RefCell::new(Some(finish)));
    for _ in 0..BUCKETS_AT_ONCE {
        let (queue, outcome, workers, finish) = (
            queue.clone(),
            outcome.clone(),
            workers.clone(),
            finish.clone(),
        );
        let (folder, progress, phase, account, jwt) = (
            folder.clone(),
            progress.clone(),
            phase.clone(),
            request.account_id.clone(),
            answer.jwt.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                if outcome.borrow().1.is_some() {
                    break;
                }
                let next = queue.borrow_mut().pop_front();
                let Some((i, bucket)) = next else { break };
                let on_progress = {
                    let (progress, phase) = (progress.clone(), phase.clone());
                    move |loaded: f64, total: f64| {
                        progress.borrow_mut()[i] = (loaded, total);
                        phase.set(Phase::Uploading {
                            buckets: progress.borrow().clone(),
                        });
                    }
                };
                match upload_one(&folder, &bucket, &account, &jwt, on_progress).await {
                    Ok(Some(done)) => outcome.borrow_mut().0 = Some(done),
                    Ok(None) => {}
                    Err(e) => outcome.borrow_mut().1 = Some(e),
                }
                let total = progress.borrow()[i].1;
                progress.borrow_mut()[i] = (total, total);
                phase.set(Phase::Uploading {
                    buckets: progress.borrow().clone(),
                });
            }
            *workers.borrow_mut() -= 1;
            if *workers.borrow() == 0 {
                let (jwt, error) = outcome.borrow().clone();
                match (jwt, error) {
                    (_, Some(e)) => phase.set(Phase::Failed(format!("The upload failed: {e}"))),
                    (None, None) => phase.set(Phase::Failed(
                        "The API did not answer the last bucket with a completion token.".into(),
                    )),
                    (Some(jwt), None) => {
                        if let Some(finish) = finish.borrow_mut().take() {
                            finish(jwt);
                        }
                    }
                }
            }
        });
    }
}

/// One bucket: each file read and base64-encoded into its part.
async fn upload_one(
    folder: &Folder,
    bucket: &[BucketFile],
    account: &str,
    jwt: &str,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Option<String>, String> {
    let mut parts = Vec::with_capacity(bucket.len());
    for file in bucket {
        let i = folder
            .index
            .iter()
            .find(|(path, _)| *path == file.path)
            .map(|(_, i)| *i)
            .ok_or_else(|| format!("{} is not in the folder", file.path))?;
        let picked = &folder.files[i];
        let bytes = read_bytes(picked).await?;
        let mime = picked.type_();
        parts.push(session::bucket_part(
            &file.hash,
            STANDARD.encode(bytes).into_bytes(),
            session::part_content_type(Some(&mime)),
        ));
    }
    let boundary = format!(
        "----BinderyAssets{:08x}",
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    );
    let body = session::bucket_body(&parts, &boundary);
    api::upload_bucket(account, jwt, &body, &boundary, on_progress).await
}
