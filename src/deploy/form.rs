//! The deploy form of the app's Deployed Worker panel, as typed: which version (and, for a
//! gradual deployment, which second one), the first one's share, a message and a tag. Reading
//! it is pure, so the panel only renders it and sends what [`DeployForm::body`] gives.

use super::deployments::{deployment_body, plan, Split};
use super::versions::Version;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeployForm {
    /// The version id to deploy.
    pub first: String,
    /// A second version id for a split; empty for none.
    pub second: String,
    /// The first version's share in percent, as typed; empty means 100 (or, with a second
    /// version, an error: the split must be given).
    pub first_share: String,
    pub message: String,
    pub tag: String,
}

impl DeployForm {
    /// The newest version at 100 %.
    pub fn newest(versions: &[Version]) -> DeployForm {
        DeployForm {
            first: versions.first().map(|v| v.id.clone()).unwrap_or_default(),
            ..DeployForm::default()
        }
    }

    /// A rollback to `version_id`: that version at 100 %, message "Rollback".
    pub fn rollback(version_id: &str) -> DeployForm {
        DeployForm {
            first: version_id.to_string(),
            message: "Rollback".to_string(),
            ..DeployForm::default()
        }
    }

    /// The shares the form asks for, or what is wrong with it.
    pub fn plan(&self) -> Result<Vec<Split>, String> {
        if self.first.is_empty() {
            return Err("Choose the version to deploy.".into());
        }
        let share = match self.first_share.trim() {
            "" => None,
            text => Some(
                text.trim_end_matches('%')
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or("The share is a percentage from 0 to 100.")?,
            ),
        };
        let mut wanted = vec![(self.first.clone(), share)];
        if !self.second.is_empty() {
            if share.is_none() {
                return Err("Give the first version's share: the second gets the rest.".into());
            }
            wanted.push((self.second.clone(), None));
        }
        plan(&wanted)
    }

    /// The `POST …/deployments` body.
    pub fn body(&self) -> Result<String, String> {
        let splits = self.plan()?;
        Ok(deployment_body(
            &splits,
            Some(self.message.trim()),
            Some(self.tag.trim()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(id: &str) -> Version {
        Version {
            id: id.into(),
            number: None,
            created_on: String::new(),
            message: None,
            tag: None,
            triggered_by: None,
        }
    }

    #[test]
    fn the_newest_version_at_100_is_the_default() {
        let form = DeployForm::newest(&[version("new"), version("old")]);
        assert_eq!(
            form.plan().unwrap(),
            vec![Split {
                version_id: "new".into(),
                percentage: 100.0
            }]
        );
        assert_eq!(
            DeployForm::newest(&[]).plan().unwrap_err(),
            "Choose the version to deploy."
        );
    }

    #[test]
    fn a_split_gives_the_second_version_the_rest() {
        let form = DeployForm {
            first: "a".into(),
            second: "b".into(),
            first_share: "90 %".into(),
            message: " canary ".into(),
            tag: "v2".into(),
        };
        assert_eq!(
            form.plan().unwrap()[1],
            Split {
                version_id: "b".into(),
                percentage: 10.0
            }
        );
        let body: serde_json::Value = serde_json::from_str(&form.body().unwrap()).unwrap();
        assert_eq!(body["annotations"]["workers/message"], "canary");
        assert_eq!(body["annotations"]["workers/tag"], "v2");
    }

    #[test]
    fn what_is_wrong_is_said_in_a_sentence() {
        let mut form = DeployForm {
            first: "a".into(),
            second: "b".into(),
            ..Default::default()
        };
        assert!(form
            .plan()
            .unwrap_err()
            .starts_with("Give the first version's share"));
        form.first_share = "120".into();
        assert_eq!(
            form.plan().unwrap_err(),
            "The share is a percentage from 0 to 100."
        );
        form.second = "a".into();
        form.first_share = "50".into();
        assert_eq!(form.plan().unwrap_err(), "The same version is named twice.");
        let one = DeployForm {
            first: "a".into(),
            first_share: "90".into(),
            ..Default::default()
        };
        assert!(one
            .plan()
            .unwrap_err()
            .starts_with("One version gets all the traffic"));
    }

    #[test]
    fn a_rollback_is_the_version_alone_with_a_message() {
        let form = DeployForm::rollback("old");
        assert_eq!(form.plan().unwrap()[0].percentage, 100.0);
        assert_eq!(form.message, "Rollback");
    }
}
