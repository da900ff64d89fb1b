//! Deployments: which versions serve a Worker's traffic, and in which shares. One version at
//! 100 %, or a gradual split of two whose percentages add up to 100; a rollback is a new
//! deployment of an earlier version at 100 %.

use serde_json::{json, Map, Value};

use super::versions::Version;

/// One version's share of the traffic.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub version_id: String,
    pub percentage: f64,
}

/// One deployment, as `GET …/deployments` lists them (`result.deployments`, newest first).
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    pub id: String,
    pub created_on: String,
    pub source: String,
    pub message: Option<String>,
    pub tag: Option<String>,
    pub versions: Vec<Split>,
}

impl Deployment {
    fn from_json(item: &Value) -> Option<Deployment> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let annotations = item.get("annotations");
        Some(Deployment {
            id: text(item.get("id"))?,
            created_on: text(item.get("created_on")).unwrap_or_default(),
            source: text(item.get("source")).unwrap_or_default(),
            message: text(annotations.and_then(|a| a.get("workers/message"))),
            tag: text(annotations.and_then(|a| a.get("workers/tag"))),
            versions: item
                .get("versions")?
                .as_array()?
                .iter()
                .filter_map(|v| {
                    Some(Split {
                        version_id: text(v.get("version_id"))?,
                        percentage: v.get("percentage")?.as_f64()?,
                    })
                })
                .collect(),
        })
    }

    /// The share of `version_id` (0 when it is not deployed).
    pub fn share(&self, version_id: &str) -> f64 {
        self.versions
            .iter()
            .filter(|s| s.version_id == version_id)
            .fold(0.0, |sum, s| sum + s.percentage)
    }
}

/// Reads the `result` of a deployments list (`{deployments: [...]}`; a bare list as well).
pub fn parse_deployments(result: &Value) -> Result<Vec<Deployment>, String> {
    let items = result
        .get("deployments")
        .or(Some(result))
        .and_then(Value::as_array)
        .ok_or("the deployments answer has no list of deployments")?;
    Ok(items.iter().filter_map(Deployment::from_json).collect())
}

/// Reads one deployment (the answer to a `POST`).
pub fn parse_deployment(result: &Value) -> Option<Deployment> {
    Deployment::from_json(result)
}

/// A `VERSION[@PCT]` argument: the version and its share when given.
pub fn parse_split_arg(arg: &str) -> Result<(String, Option<f64>), String> {
    let (version, pct) = match arg.rsplit_once('@') {
        Some((v, p)) => (v, Some(p.trim_end_matches('%'))),
        None => (arg, None),
    };
    if version.is_empty() {
        return Err(format!(
            "`{arg}`: name a version (an id, the beginning of one, or #N)"
        ));
    }
    let pct = pct
        .map(|p| {
            p.parse::<f64>()
                .ok()
                .filter(|p| (0.0..=100.0).contains(p))
                .ok_or_else(|| format!("`{arg}`: the share after @ is a percentage from 0 to 100"))
        })
        .transpose()?;
    Ok((version.to_string(), pct))
}

/// The deployment the arguments ask for: one version (100 % when no share is given) or two
/// whose shares add up to 100 (one share may be left out: it is the rest).
pub fn plan(wanted: &[(String, Option<f64>)]) -> Result<Vec<Split>, String> {
    let split = |id: &String, percentage: f64| Split {
        version_id: id.clone(),
        percentage,
    };
    match wanted {
        [] => Err("Name the version to deploy.".into()),
        [(id, None)] => Ok(vec![split(id, 100.0)]),
        [(id, Some(p))] if (*p - 100.0).abs() < 1e-9 => Ok(vec![split(id, 100.0)]),
        [(_, Some(p))] => Err(format!(
            "One version gets all the traffic: {p} % leaves {} % to nothing; name a second version for a gradual deployment.",
            100.0 - p
        )),
        [(a, _), (b, _)] if a == b => Err("The same version is named twice.".into()),
        [(a, pa), (b, pb)] => {
            let (pa, pb) = match (pa, pb) {
                (Some(pa), Some(pb)) => (*pa, *pb),
                (Some(pa), None) => (*pa, 100.0 - pa),
                (None, Some(pb)) => (100.0 - pb, *pb),
                (None, None) => {
                    return Err("Give the share of at least one of the two versions.".into())
                }
            };
            if (pa + pb - 100.0).abs() > 1e-9 {
                return Err(format!("The shares add up to {} %, not 100 %.", pa + pb));
            }
            Ok(vec![split(a, pa), split(b, pb)])
        }
        _ => Err("A deployment has one or two versions.".into()),
    }
}

/// The `POST …/deployments` body.
pub fn deployment_body(splits: &[Split], message: Option<&str>, tag: Option<&str>) -> String {
    let mut annotations = Map::new();
    if let Some(message) = message.filter(|m| !m.is_empty()) {
        annotations.insert("workers/message".into(), json!(message));
    }
    if let Some(tag) = tag.filter(|t| !t.is_empty()) {
        annotations.insert("workers/tag".into(), json!(tag));
    }
    let mut body = json!({
        "strategy": "percentage",
        "versions": splits.iter().map(|s| json!({
            "version_id": s.version_id,
            "percentage": percentage_json(s.percentage),
        })).collect::<Vec<_>>(),
    });
    if !annotations.is_empty() {
        body["annotations"] = Value::Object(annotations);
    }
    body.to_string()
}

/// A whole percentage as an integer (`90`, as wrangler sends it), any other as it is.
fn percentage_json(p: f64) -> Value {
    if p.fract() == 0.0 && (0.0..=100.0).contains(&p) {
        json!(p as u64)
    } else {
        json!(p)
    }
}

/// One line of what a deployment changes.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareChange {
    pub version_id: String,
    pub label: String,
    pub before: f64,
    pub after: f64,
}

impl ShareChange {
    /// `#3 0123abcd: 100 % → 90 %`.
    pub fn describe(&self) -> String {
        format!(
            "{}: {} % → {} %",
            self.label,
            pct(self.before),
            pct(self.after)
        )
    }
}

fn pct(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// What deploying `next` changes compared with `current` (the latest deployment, if any): one
/// line per version whose share changes, in the order current then new.
pub fn changes(
    current: Option<&Deployment>,
    next: &[Split],
    versions: &[Version],
) -> Vec<ShareChange> {
    let mut ids: Vec<&str> = current
        .map(|d| d.versions.iter().map(|s| s.version_id.as_str()).collect())
        .unwrap_or_default();
    for s in next {
        if !ids.contains(&s.version_id.as_str()) {
            ids.push(&s.version_id);
        }
    }
    ids.into_iter()
        .filter_map(|id| {
            let before = current.map_or(0.0, |d| d.share(id));
            let after = next
                .iter()
                .filter(|s| s.version_id == id)
                .fold(0.0, |sum, s| sum + s.percentage);
            ((before - after).abs() > 1e-9).then(|| ShareChange {
                version_id: id.to_string(),
                label: versions
                    .iter()
                    .find(|v| v.id == id)
                    .map_or_else(|| super::short_id(id).to_string(), Version::label),
                before,
                after,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: &str, n: u64) -> Version {
        Version {
            id: id.into(),
            number: Some(n),
            created_on: String::new(),
            message: None,
            tag: None,
            triggered_by: None,
        }
    }

    #[test]
    fn arguments_name_a_version_and_maybe_its_share() {
        assert_eq!(parse_split_arg("abc").unwrap(), ("abc".into(), None));
        assert_eq!(
            parse_split_arg("abc@90").unwrap(),
            ("abc".into(), Some(90.0))
        );
        assert_eq!(
            parse_split_arg("#2@10%").unwrap(),
            ("#2".into(), Some(10.0))
        );
        assert!(parse_split_arg("abc@101").is_err());
        assert!(parse_split_arg("@5").is_err());
    }

    #[test]
    fn plans_are_one_version_at_100_or_two_that_add_up() {
        let id = |s: &str| s.to_string();
        assert_eq!(
            plan(&[(id("a"), None)]).unwrap(),
            vec![Split {
                version_id: id("a"),
                percentage: 100.0
            }]
        );
        assert_eq!(
            plan(&[(id("a"), Some(90.0)), (id("b"), None)]).unwrap(),
            vec![
                Split {
                    version_id: id("a"),
                    percentage: 90.0
                },
                Split {
                    version_id: id("b"),
                    percentage: 10.0
                }
            ]
        );
        assert!(plan(&[(id("a"), Some(90.0))])
            .unwrap_err()
            .contains("second version"));
        assert!(plan(&[(id("a"), Some(90.0)), (id("b"), Some(20.0))])
            .unwrap_err()
            .contains("110 %"));
        assert!(plan(&[(id("a"), None), (id("b"), None)]).is_err());
        assert!(plan(&[(id("a"), Some(50.0)), (id("a"), None)]).is_err());
        assert!(plan(&[(id("a"), None), (id("b"), None), (id("c"), None)]).is_err());
        assert!(plan(&[]).is_err());
    }

    #[test]
    fn the_body_carries_the_shares_and_the_annotations() {
        let body = deployment_body(
            &[
                Split {
                    version_id: "a".into(),
                    percentage: 90.0,
                },
                Split {
                    version_id: "b".into(),
                    percentage: 10.0,
                },
            ],
            Some("canary"),
            Some("v2"),
        );
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["strategy"], "percentage");
        assert_eq!(
            value["versions"][1],
            json!({"version_id": "b", "percentage": 10})
        );
        assert_eq!(
            value["annotations"],
            json!({"workers/message": "canary", "workers/tag": "v2"})
        );
        let bare: Value = serde_json::from_str(&deployment_body(&[], None, Some(""))).unwrap();
        assert!(bare.get("annotations").is_none());
    }

    #[test]
    fn deployments_are_read_from_the_list() {
        let list = parse_deployments(&json!({"deployments": [
            {"id": "d2", "created_on": "t", "source": "api", "annotations": {"workers/message": "split"},
             "versions": [{"version_id": "a", "percentage": 90}, {"version_id": "b", "percentage": 10}]}
        ]}))
        .unwrap();
        assert_eq!(list[0].message.as_deref(), Some("split"));
        assert_eq!(list[0].share("b"), 10.0);
        assert_eq!(list[0].share("c"), 0.0);
    }

    #[test]
    fn changes_list_each_version_whose_share_moves() {
        let versions = [v("aaaaaaaaaa", 1), v("bbbbbbbbbb", 2)];
        let current = Deployment {
            id: "d1".into(),
            created_on: String::new(),
            source: String::new(),
            message: None,
            tag: None,
            versions: vec![Split {
                version_id: "aaaaaaaaaa".into(),
                percentage: 100.0,
            }],
        };
        let next = plan(&[
            ("aaaaaaaaaa".into(), Some(90.0)),
            ("bbbbbbbbbb".into(), None),
        ])
        .unwrap();
        let lines: Vec<String> = changes(Some(&current), &next, &versions)
            .iter()
            .map(ShareChange::describe)
            .collect();
        assert_eq!(
            lines,
            ["#1 aaaaaaaa: 100 % → 90 %", "#2 bbbbbbbb: 0 % → 10 %"]
        );
        assert!(changes(Some(&current), &current.versions, &versions).is_empty());
        let first = changes(
            None,
            &[Split {
                version_id: "zzzzzzzzzz".into(),
                percentage: 100.0,
            }],
            &versions,
        );
        assert_eq!(first[0].describe(), "zzzzzzzz: 0 % → 100 %");
    }
}
