//! `placement`: smart, or targeted at exactly one region / hostname / host (reference (b)).

use super::{sends, Findings};
use crate::model::{Composition, Placement};

const AT: &str = "metadata.placement";

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if let (Some(placement), true) = (&c.metadata.placement, sends(c, "placement")) {
        check_placement(placement, out);
    }
}

fn check_placement(p: &Placement, out: &mut Findings) {
    let direct = [
        ("region", &p.region),
        ("hostname", &p.hostname),
        ("host", &p.host),
    ];
    let direct_set: Vec<&str> = direct
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(name, _)| *name)
        .collect();
    let targets = direct_set.len() + usize::from(p.target.is_some());

    match p.mode.as_deref() {
        Some("smart") => {
            if targets > 0 {
                out.error("placement-shape", AT, "Smart placement takes no region, hostname, host or target. Remove them, or set the mode to `targeted`.");
            }
        }
        Some("targeted") | None => {
            if p.hint.is_some() {
                out.warning("placement-hint-ignored", AT, "`hint` applies to smart placement only. Remove it, or set the mode to `smart`.");
            }
            if targets == 0 {
                let message = if p.mode.is_none() {
                    "The placement is empty. Set the mode to `smart`, or give one region, hostname or host."
                } else {
                    "Targeted placement needs one region (`provider:region`), hostname or host (`host:port`)."
                };
                out.error("placement-shape", AT, message);
            } else if targets > 1 {
                out.error(
                    "placement-shape",
                    AT,
                    "Targeted placement takes exactly one of region, hostname, host or a target list. Keep one of them.",
                );
            }
        }
        Some(other) => out.error(
            "placement-mode-invalid",
            AT,
            format!(
                "The placement mode `{other}` is not `smart` or `targeted`. Pick one of those."
            ),
        ),
    }

    if let Some(list) = &p.target {
        if list.len() != 1 {
            out.error(
                "placement-shape",
                AT,
                format!(
                    "`placement.target` lists {} entries; exactly one target is supported for now.",
                    list.len()
                ),
            );
        }
        for entry in list {
            let set = [
                entry.region.is_some(),
                entry.hostname.is_some(),
                entry.host.is_some(),
            ]
            .iter()
            .filter(|s| **s)
            .count();
            if set != 1 {
                out.error(
                    "placement-shape",
                    AT,
                    "Each `placement.target` entry takes exactly one of region, hostname or host.",
                );
            }
            formats(entry.region.as_deref(), entry.host.as_deref(), out);
        }
    }
    formats(p.region.as_deref(), p.host.as_deref(), out);
}

fn formats(region: Option<&str>, host: Option<&str>, out: &mut Findings) {
    if let Some(region) = region {
        if !region
            .split_once(':')
            .is_some_and(|(provider, name)| !provider.is_empty() && !name.is_empty())
        {
            out.warning("placement-region-format", AT, format!("The placement region `{region}` is not in the form `provider:region` (e.g. `aws:us-east-1`)."));
        }
    }
    if let Some(host) = host {
        let port_ok = host
            .rsplit_once(':')
            .is_some_and(|(name, port)| !name.is_empty() && port.parse::<u16>().is_ok());
        if !port_ok {
            out.warning("placement-host-format", AT, format!("The placement host `{host}` has no port; write it as `host:port` (e.g. `db.example.com:5432`), or use `hostname`."));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Placement, PlacementTarget};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    fn with(p: Placement) -> crate::model::Composition {
        let mut c = valid();
        c.metadata.placement = Some(p);
        c
    }

    fn mode(m: &str) -> Placement {
        Placement {
            mode: Some(m.into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_shapes() {
        let shapes = [
            mode("smart"),
            Placement {
                hint: Some("wnam".into()),
                ..mode("smart")
            },
            Placement {
                region: Some("aws:us-east-1".into()),
                ..Default::default()
            },
            Placement {
                hostname: Some("db.example.com".into()),
                ..mode("targeted")
            },
            Placement {
                host: Some("db.example.com:5432".into()),
                ..Default::default()
            },
            Placement {
                target: Some(vec![PlacementTarget {
                    region: Some("gcp:europe-west1".into()),
                    ..Default::default()
                }]),
                ..mode("targeted")
            },
        ];
        for shape in shapes {
            assert_eq!(
                crate::rules::check(&with(shape.clone())),
                vec![],
                "{shape:?}"
            );
        }
    }

    #[test]
    fn smart_takes_no_target_and_targeted_takes_one() {
        let c = with(Placement {
            region: Some("aws:us-east-1".into()),
            ..mode("smart")
        });
        expect_one(
            &c,
            "placement-shape",
            Error,
            "metadata.placement",
            &["Smart placement", "targeted"],
        );
        let c = with(mode("targeted"));
        expect_one(
            &c,
            "placement-shape",
            Error,
            "metadata.placement",
            &["needs one region"],
        );
        let c = with(Placement::default());
        expect_one(
            &c,
            "placement-shape",
            Error,
            "metadata.placement",
            &["empty", "smart"],
        );
        let c = with(Placement {
            region: Some("aws:us-east-1".into()),
            host: Some("h:1".into()),
            ..Default::default()
        });
        expect_one(
            &c,
            "placement-shape",
            Error,
            "metadata.placement",
            &["exactly one"],
        );
        let two = vec![
            PlacementTarget {
                region: Some("aws:a".into()),
                ..Default::default()
            };
            2
        ];
        let c = with(Placement {
            target: Some(two),
            ..mode("targeted")
        });
        expect_one(
            &c,
            "placement-shape",
            Error,
            "metadata.placement",
            &["2 entries"],
        );
    }

    #[test]
    fn mode_hint_and_formats() {
        expect_one(
            &with(mode("nearest")),
            "placement-mode-invalid",
            Error,
            "metadata.placement",
            &["`nearest`"],
        );
        let c = with(Placement {
            hint: Some("wnam".into()),
            region: Some("us-east-1".into()),
            ..mode("targeted")
        });
        expect_one(
            &c,
            "placement-hint-ignored",
            Warning,
            "metadata.placement",
            &["hint"],
        );
        expect_one(
            &c,
            "placement-region-format",
            Warning,
            "metadata.placement",
            &["provider:region"],
        );
        let c = with(Placement {
            host: Some("db.example.com".into()),
            ..Default::default()
        });
        expect_one(
            &c,
            "placement-host-format",
            Warning,
            "metadata.placement",
            &["host:port"],
        );
    }
}
