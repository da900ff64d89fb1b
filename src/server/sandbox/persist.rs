//! `--sandbox-state FILE`: the state on disk, atomically, at a cost that follows the size of a
//! change rather than the size of the state.
//!
//! `FILE` is a snapshot of the whole state; `FILE.journal` holds one JSON line per change since
//! then, with only what the change touched (the Workers it added, replaced or removed, the
//! resource lists it changed, the asset files it added). A change is durable once its line is
//! appended and flushed to disk; a line cut short by a crash is ignored when the state is loaded.
//! When the journal outgrows the snapshot, a new snapshot is written beside the old one, flushed,
//! renamed over it, and the journal is emptied: a reader (or a crash) sees either the old
//! snapshot with its journal or the new one. Replaying a journal onto a snapshot that already
//! holds its changes gives the same state again, so a crash between the rename and the
//! emptying loses nothing either.
//!
//! Which Workers a change touched is told by pointer: the state's Workers sit behind `Arc`s that
//! a change copies only when it writes to them (see [`super::state`]).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::reply::ApiError;
use super::state::{
    AssetFile, AssetToken, D1Database, DispatchNamespace, KvNamespace, Queue, R2Bucket, Script,
    State,
};

/// The journal is folded into a new snapshot once it is larger than this many bytes and
/// larger than the snapshot.
const MIN_COMPACTION_BYTES: u64 = 1024 * 1024;

/// What one change did, as written to the journal (absent fields: unchanged).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    kv_namespaces: Option<Vec<KvNamespace>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r2_buckets: Option<Vec<R2Bucket>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d1_databases: Option<Vec<D1Database>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queues: Option<Vec<Queue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dispatch_namespaces: Option<Vec<DispatchNamespace>>,
    /// Workers added or replaced, whole.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scripts: Vec<Arc<Script>>,
    /// Workers removed: (dispatch namespace, name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    removed_scripts: Vec<(Option<String>, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workers_subdomain: Option<Option<String>>,
    /// Asset files added (files are never changed or removed).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    asset_files: BTreeMap<String, AssetFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset_tokens: Option<Vec<AssetToken>>,
}

fn serialized<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn changed<T: Serialize + Clone>(before: &[T], after: &[T]) -> Option<Vec<T>> {
    // Resource lists are short: comparing their JSON is simpler than deriving equality.
    (before.len() != after.len() || serialized(&before) != serialized(&after))
        .then(|| after.to_vec())
}

fn key(script: &Script) -> (Option<&str>, &str) {
    (script.namespace.as_deref(), script.name.as_str())
}

impl Entry {
    /// What turned `before` into `after`.
    fn between(before: &State, after: &State) -> Entry {
        let mut entry = Entry {
            kv_namespaces: changed(&before.kv_namespaces, &after.kv_namespaces),
            r2_buckets: changed(&before.r2_buckets, &after.r2_buckets),
            d1_databases: changed(&before.d1_databases, &after.d1_databases),
            queues: changed(&before.queues, &after.queues),
            dispatch_namespaces: changed(&before.dispatch_namespaces, &after.dispatch_namespaces),
            workers_subdomain: (before.workers_subdomain != after.workers_subdomain)
                .then(|| after.workers_subdomain.clone()),
            ..Entry::default()
        };
        let old: std::collections::HashMap<_, &Arc<Script>> =
            before.scripts.iter().map(|s| (key(s), s)).collect();
        for script in &after.scripts {
            match old.get(&key(script)) {
                Some(previous) if Arc::ptr_eq(previous, script) => {}
                _ => entry.scripts.push(script.clone()),
            }
        }
        let now: std::collections::HashSet<_> = after.scripts.iter().map(|s| key(s)).collect();
        entry.removed_scripts = before
            .scripts
            .iter()
            .filter(|s| !now.contains(&key(s)))
            .map(|s| (s.namespace.clone(), s.name.clone()))
            .collect();
        if !Arc::ptr_eq(&before.assets, &after.assets) {
            entry.asset_files = after
                .assets
                .files
                .iter()
                .filter(|(hash, _)| !before.assets.files.contains_key(*hash))
                .map(|(hash, file)| (hash.clone(), file.clone()))
                .collect();
            entry.asset_tokens = Some(after.assets.tokens.clone());
        }
        entry
    }

    fn is_empty(&self) -> bool {
        self.kv_namespaces.is_none()
            && self.r2_buckets.is_none()
            && self.d1_databases.is_none()
            && self.queues.is_none()
            && self.dispatch_namespaces.is_none()
            && self.scripts.is_empty()
            && self.removed_scripts.is_empty()
            && self.workers_subdomain.is_none()
            && self.asset_files.is_empty()
            && self.asset_tokens.is_none()
    }

    /// Applies the change to `state` (replaying it twice gives the same state).
    fn apply(self, state: &mut State) {
        macro_rules! replace {
            ($($field:ident),*) => {$(
                if let Some(value) = self.$field {
                    state.$field = value;
                }
            )*};
        }
        replace!(
            kv_namespaces,
            r2_buckets,
            d1_databases,
            queues,
            dispatch_namespaces,
            workers_subdomain
        );
        state.scripts.retain(|s| {
            !self
                .removed_scripts
                .iter()
                .any(|(ns, name)| s.namespace.as_deref() == ns.as_deref() && &s.name == name)
        });
        for script in self.scripts {
            match state.scripts.iter().position(|s| key(s) == key(&script)) {
                Some(at) => state.scripts[at] = script,
                None => state.scripts.push(script),
            }
        }
        if !self.asset_files.is_empty() || self.asset_tokens.is_some() {
            let store = Arc::make_mut(&mut state.assets);
            store.files.extend(self.asset_files);
            if let Some(tokens) = self.asset_tokens {
                store.tokens = tokens;
            }
        }
    }
}

/// The snapshot and its journal.
pub struct Store {
    path: PathBuf,
    journal_path: PathBuf,
    journal: Mutex<Journal>,
}

struct Journal {
    file: File,
    bytes: u64,
    snapshot_bytes: u64,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn failed(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        10001,
        format!("sandbox: cannot save its state to {}: {e}", path.display()),
    )
}

/// Writes `state` to `path` through a flushed temporary file renamed over it; its size.
fn write_snapshot(path: &Path, state: &State) -> Result<u64, ApiError> {
    let text = serde_json::to_vec(state).map_err(|e| failed(path, e))?;
    let temporary = with_suffix(path, ".tmp");
    let mut file = File::create(&temporary).map_err(|e| failed(path, e))?;
    file.write_all(&text).map_err(|e| failed(path, e))?;
    file.sync_all().map_err(|e| failed(path, e))?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(|e| failed(path, e))?;
    Ok(text.len() as u64)
}

impl Store {
    /// Loads the snapshot at `path` (a fresh state when there is none) with its journal replayed,
    /// and starts a new snapshot from it. `check` judges the loaded state before anything is
    /// written.
    pub fn open(
        path: &Path,
        check: impl FnOnce(&mut State) -> Result<(), String>,
    ) -> Result<(Store, State), String> {
        let journal_path = with_suffix(path, ".journal");
        let mut state = if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read sandbox state {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("sandbox state {} is not valid: {e}", path.display()))?
        } else {
            State::default()
        };
        if journal_path.exists() {
            let text = std::fs::read(&journal_path).map_err(|e| {
                format!(
                    "cannot read sandbox journal {}: {e}",
                    journal_path.display()
                )
            })?;
            let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
            for (number, line) in lines.iter().enumerate() {
                if line.is_empty() {
                    continue;
                }
                match serde_json::from_slice::<Entry>(line) {
                    Ok(entry) => entry.apply(&mut state),
                    // The last line, cut short by a crash while it was written: never confirmed.
                    Err(_) if number + 1 == lines.len() => {}
                    Err(e) => {
                        return Err(format!(
                            "sandbox journal {} is not valid at line {}: {e}",
                            journal_path.display(),
                            number + 1
                        ))
                    }
                }
            }
        }
        check(&mut state)
            .map_err(|e| format!("sandbox state {} is not valid: {e}", path.display()))?;
        let snapshot_bytes = write_snapshot(path, &state).map_err(|e| e.message)?;
        // Emptied now that the snapshot holds it; appended to from here on (appends always go
        // to the end, also after the journal is emptied again by a compaction).
        File::create(&journal_path).map_err(|e| {
            format!(
                "cannot write sandbox journal {}: {e}",
                journal_path.display()
            )
        })?;
        let file = OpenOptions::new()
            .append(true)
            .open(&journal_path)
            .map_err(|e| {
                format!(
                    "cannot write sandbox journal {}: {e}",
                    journal_path.display()
                )
            })?;
        file.sync_all().map_err(|e| {
            format!(
                "cannot write sandbox journal {}: {e}",
                journal_path.display()
            )
        })?;
        let store = Store {
            path: path.to_path_buf(),
            journal_path,
            journal: Mutex::new(Journal {
                file,
                bytes: 0,
                snapshot_bytes,
            }),
        };
        Ok((store, state))
    }

    /// Records the change from `before` to `after` (called with the state locked, so changes
    /// are recorded in the order they are made); on an error nothing of it is kept on disk.
    pub fn record(&self, before: &State, after: &State) -> Result<(), ApiError> {
        let entry = Entry::between(before, after);
        if entry.is_empty() {
            return Ok(());
        }
        let mut line = serde_json::to_vec(&entry).map_err(|e| failed(&self.journal_path, e))?;
        line.push(b'\n');
        let mut journal = self.journal.lock().unwrap_or_else(|p| p.into_inner());
        let start = journal.bytes;
        let appended = journal
            .file
            .write_all(&line)
            .and_then(|()| journal.file.sync_data());
        if let Err(e) = appended {
            // Cut back to the last whole line, so a later one is not appended to a torn one.
            let _ = journal.file.set_len(start);
            return Err(failed(&self.journal_path, e));
        }
        journal.bytes += line.len() as u64;
        if journal.bytes > MIN_COMPACTION_BYTES.max(journal.snapshot_bytes) {
            journal.snapshot_bytes = write_snapshot(&self.path, after)?;
            journal
                .file
                .set_len(0)
                .and_then(|()| journal.file.sync_all())
                .map_err(|e| failed(&self.journal_path, e))?;
            journal.bytes = 0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::sandbox::state::WorkerSubdomain;
    use serde_json::Map;

    fn script(name: &str) -> Arc<Script> {
        Arc::new(Script {
            namespace: None,
            name: name.into(),
            tag: "t".into(),
            created_on: String::new(),
            modified_on: String::new(),
            migration_tag: None,
            settings: Map::new(),
            subdomain: WorkerSubdomain::default(),
            versions: vec![],
            deployments: vec![],
        })
    }

    fn json(state: &State) -> serde_json::Value {
        serde_json::to_value(state).unwrap()
    }

    #[test]
    fn an_entry_holds_only_what_the_change_touched_and_replays_to_the_same_state() {
        let before = State {
            scripts: vec![script("a"), script("b"), script("c")],
            ..State::default()
        };
        let mut after = before.clone();
        Arc::make_mut(&mut after.scripts[1]).migration_tag = Some("v1".into());
        after.scripts.remove(2);
        after.scripts.push(script("d"));
        after.queues.push(Queue {
            queue_id: "q".into(),
            queue_name: "jobs".into(),
            created_on: String::new(),
        });
        let entry = Entry::between(&before, &after);
        let names: Vec<&str> = entry.scripts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["b", "d"], "untouched Workers are not written");
        assert_eq!(entry.removed_scripts, [(None, "c".to_string())]);
        assert!(entry.kv_namespaces.is_none() && entry.queues.is_some());
        let line = serde_json::to_vec(&entry).unwrap();
        let mut replayed = before.clone();
        serde_json::from_slice::<Entry>(&line)
            .unwrap()
            .apply(&mut replayed);
        assert_eq!(json(&replayed), json(&after));
        // Twice: the same.
        serde_json::from_slice::<Entry>(&line)
            .unwrap()
            .apply(&mut replayed);
        assert_eq!(json(&replayed), json(&after));
        assert!(Entry::between(&after, &after).is_empty());
    }

    #[test]
    fn changes_survive_a_reopen_and_a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (store, mut state) = Store::open(&path, |_| Ok(())).unwrap();
        for name in ["a", "b"] {
            let before = state.clone();
            state.scripts.push(script(name));
            store.record(&before, &state).unwrap();
        }
        drop(store);
        let journal = with_suffix(&path, ".journal");
        let mut file = OpenOptions::new().append(true).open(&journal).unwrap();
        file.write_all(b"{\"scripts\": [{\"namesp").unwrap();
        drop(file);
        let (_, reopened) = Store::open(&path, |_| Ok(())).unwrap();
        assert_eq!(json(&reopened), json(&state));
        assert_eq!(
            std::fs::metadata(&journal).unwrap().len(),
            0,
            "folded into the snapshot"
        );

        std::fs::write(&journal, b"not json\n{}\n").unwrap();
        let error = Store::open(&path, |_| Ok(())).err().unwrap();
        assert!(error.contains("line 1"), "{error}");
    }

    #[test]
    fn a_growing_journal_is_folded_into_a_new_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (store, mut state) = Store::open(&path, |_| Ok(())).unwrap();
        let big = "x".repeat(100 * 1024);
        for i in 0..15 {
            let before = state.clone();
            let mut s = (*script(&format!("w{i}"))).clone();
            s.settings.insert("padding".into(), serde_json::json!(big));
            state.scripts.push(Arc::new(s));
            store.record(&before, &state).unwrap();
        }
        let journal = std::fs::metadata(with_suffix(&path, ".journal"))
            .unwrap()
            .len();
        assert!(journal < MIN_COMPACTION_BYTES, "{journal}");
        let (_, reopened) = Store::open(&path, |_| Ok(())).unwrap();
        assert_eq!(reopened.scripts.len(), 15);
    }
}
