//! Element ids derived from the `at` paths of findings, so a finding can focus its field.

/// `bindings[3].namespace_id` → `f-bindings-3-namespace_id`.
pub fn field_id(at: &str) -> String {
    let mut id = String::with_capacity(at.len() + 2);
    id.push_str("f-");
    for ch in at.chars() {
        match ch {
            '.' | '[' => id.push('-'),
            ']' => {}
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => id.push(c),
            _ => id.push('_'),
        }
    }
    id
}

/// The paths to try, most precise first: `bindings[3].simple.period`, `bindings[3].simple`,
/// `bindings[3]`, `bindings`.
pub fn fallbacks(at: &str) -> Vec<String> {
    let mut paths = vec![at.to_string()];
    let mut current = at;
    while let Some(cut) = current.rfind(['.', '[']) {
        current = &current[..cut];
        paths.push(current.to_string());
    }
    paths
}
