//! A state file is checked whole before the sandbox serves from it: a hand-edited or truncated
//! file that breaks the sandbox's own rules (a Worker without versions, a deployment of a version
//! that does not exist, a content type that cannot be a header...) is refused at start-up with one
//! message naming the first place at fault, instead of failing later on some request.
//!
//! [`upgrade`] first brings files written by earlier sandboxes (no deployments, script-level
//! settings inside versions) to the current shape.

use std::collections::HashSet;
use std::sync::Arc;

use axum::http::HeaderValue;
use serde_json::{Map, Value};

use super::fields::SCRIPT_SETTINGS;
use super::state::{DeployedVersion, Deployment, Script, State, Version, FORMAT};

/// Fills in what files from the first sandbox format lack: a deployment of the newest version,
/// and the script-level settings they kept inside each version.
pub fn upgrade(state: &mut State) {
    if state.format >= FORMAT {
        return;
    }
    state.format = FORMAT;
    for script in &mut state.scripts {
        let script = Arc::make_mut(script);
        if script.settings.is_empty() {
            if let Some(latest) = script.versions.last() {
                for key in SCRIPT_SETTINGS {
                    if let Some(value) = latest.settings.get(*key) {
                        script.settings.insert(key.to_string(), value.clone());
                    }
                }
            }
            for version in &mut script.versions {
                version
                    .settings
                    .retain(|key, _| !SCRIPT_SETTINGS.contains(&key.as_str()));
            }
        }
        if script.deployments.is_empty() {
            if let Some(latest) = script.versions.last() {
                script.deployments.push(Deployment {
                    id: super::ids::uuid(),
                    created_on: script.modified_on.clone(),
                    source: "api".to_string(),
                    strategy: "percentage".to_string(),
                    versions: vec![DeployedVersion {
                        version_id: latest.id.clone(),
                        percentage: 100.0,
                    }],
                    annotations: Map::new(),
                });
            }
        }
    }
}

/// `Ok` when the state keeps every rule the sandbox relies on; otherwise where and what.
pub fn validate(state: &State) -> Result<(), String> {
    if state.format != FORMAT {
        return Err(format!(
            "format: {} is not the format this sandbox reads ({FORMAT}); it was written by another version of Bindery",
            state.format
        ));
    }
    unique(
        "kv_namespaces",
        state.kv_namespaces.iter().map(|n| n.id.as_str()),
        "id",
    )?;
    for (i, bucket) in state.r2_buckets.iter().enumerate() {
        if !matches!(
            bucket.jurisdiction.as_str(),
            "default" | "eu" | "fedramp" | "fedramp-high"
        ) {
            return Err(format!(
                "r2_buckets[{i}].jurisdiction: {:?} is not default, eu, fedramp or fedramp-high",
                bucket.jurisdiction
            ));
        }
    }
    unique(
        "r2_buckets",
        state
            .r2_buckets
            .iter()
            .map(|b| format!("{} ({})", b.name, b.jurisdiction)),
        "name",
    )?;
    unique(
        "d1_databases",
        state.d1_databases.iter().map(|d| d.uuid.as_str()),
        "uuid",
    )?;
    unique(
        "queues",
        state.queues.iter().map(|q| q.queue_name.as_str()),
        "queue_name",
    )?;
    unique(
        "dispatch_namespaces",
        state
            .dispatch_namespaces
            .iter()
            .map(|n| n.namespace_name.as_str()),
        "namespace_name",
    )?;
    if let Some(subdomain) = &state.workers_subdomain {
        if subdomain.is_empty()
            || !subdomain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "workers_subdomain: {subdomain:?} is not a subdomain (lowercase letters, digits, dashes)"
            ));
        }
    }
    let mut seen = HashSet::new();
    for (i, script) in state.scripts.iter().enumerate() {
        let at = format!("scripts[{i}]");
        if !seen.insert((script.namespace.as_deref(), script.name.as_str())) {
            return Err(format!("{at}: a second Worker named {:?}", script.name));
        }
        validate_script(state, script, &at)?;
    }
    if state.assets.files.contains_key("") {
        return Err("assets.files: a file with an empty hash".to_string());
    }
    Ok(())
}

fn unique<T: std::fmt::Display + Eq + std::hash::Hash>(
    list: &str,
    items: impl Iterator<Item = T>,
    key: &str,
) -> Result<(), String> {
    let mut seen = HashSet::new();
    for (i, item) in items.enumerate() {
        if item.to_string().is_empty() {
            return Err(format!("{list}[{i}].{key}: empty"));
        }
        let shown = item.to_string();
        if !seen.insert(item) {
            return Err(format!("{list}[{i}].{key}: {shown} is there twice"));
        }
    }
    Ok(())
}

fn validate_script(state: &State, script: &Script, at: &str) -> Result<(), String> {
    super::scripts::check_script_name(&script.name)
        .map_err(|e| format!("{at}.name: {}", e.message))?;
    if let Some(namespace) = &script.namespace {
        if !state
            .dispatch_namespaces
            .iter()
            .any(|n| &n.namespace_name == namespace)
        {
            return Err(format!(
                "{at}.namespace: no dispatch namespace named {namespace:?}"
            ));
        }
    }
    if script.tag.is_empty() {
        return Err(format!("{at}.tag: empty"));
    }
    if script.versions.is_empty() {
        return Err(format!("{at}.versions: a Worker has at least one version"));
    }
    let mut ids = HashSet::new();
    let mut previous: Option<u32> = None;
    for (v, version) in script.versions.iter().enumerate() {
        let at = format!("{at}.versions[{v}]");
        if version.id.is_empty() || !ids.insert(version.id.as_str()) {
            return Err(format!("{at}.id: empty or used twice"));
        }
        if previous.is_some_and(|p| version.number <= p) {
            return Err(format!(
                "{at}.number: {} does not follow {} (numbers grow with each version)",
                version.number,
                previous.unwrap_or_default()
            ));
        }
        previous = Some(version.number);
        validate_version(state, version, &at)?;
    }
    if script.deployments.is_empty() {
        return Err(format!(
            "{at}.deployments: a Worker has at least one deployment"
        ));
    }
    for (d, deployment) in script.deployments.iter().enumerate() {
        validate_deployment(script, deployment, &format!("{at}.deployments[{d}]"))?;
    }
    Ok(())
}

fn validate_version(state: &State, version: &Version, at: &str) -> Result<(), String> {
    let code = &version.code;
    let mut names = HashSet::new();
    for (m, module) in code.modules.iter().enumerate() {
        if !names.insert(module.name.as_str()) {
            return Err(format!(
                "{at}.code.modules[{m}].name: {:?} is there twice",
                module.name
            ));
        }
        if HeaderValue::from_str(&module.content_type).is_err() {
            return Err(format!(
                "{at}.code.modules[{m}].content_type: {:?} cannot be sent as a Content-Type",
                module.content_type
            ));
        }
    }
    if code.entry_module().is_none() {
        return Err(format!(
            "{at}.code.entry: {:?} names none of the modules",
            code.entry
        ));
    }
    let mut binding_names = HashSet::new();
    for (b, binding) in version.bindings.iter().enumerate() {
        let name = binding.get("name").and_then(Value::as_str).unwrap_or("");
        let kind = binding.get("type").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || kind.is_empty() {
            return Err(format!(
                "{at}.bindings[{b}]: a binding is an object with a `type` and a `name`"
            ));
        }
        if !binding_names.insert(name) {
            return Err(format!("{at}.bindings[{b}].name: {name:?} is there twice"));
        }
    }
    for (path, entry) in version.assets.iter().flatten() {
        if !state.assets.files.contains_key(&entry.hash) {
            return Err(format!(
                "{at}.assets[{path:?}]: no uploaded file has the hash {:?}",
                entry.hash
            ));
        }
    }
    Ok(())
}

fn validate_deployment(script: &Script, deployment: &Deployment, at: &str) -> Result<(), String> {
    if deployment.strategy != "percentage" {
        return Err(format!(
            "{at}.strategy: {:?} (the only strategy is percentage)",
            deployment.strategy
        ));
    }
    if !(1..=2).contains(&deployment.versions.len()) {
        return Err(format!(
            "{at}.versions: a deployment has one or two versions"
        ));
    }
    let mut total = 0.0;
    for (e, entry) in deployment.versions.iter().enumerate() {
        if !(0.0..=100.0).contains(&entry.percentage) {
            return Err(format!(
                "{at}.versions[{e}].percentage: {} is not between 0 and 100",
                entry.percentage
            ));
        }
        if script.version(&entry.version_id).is_none() {
            return Err(format!(
                "{at}.versions[{e}].version_id: the Worker has no version {:?}",
                entry.version_id
            ));
        }
        total += entry.percentage;
    }
    if (total - 100.0).abs() > 1e-6 {
        return Err(format!(
            "{at}.versions: the percentages add up to {total}, not 100"
        ));
    }
    Ok(())
}
