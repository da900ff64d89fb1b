//! Durable Object `migrations` (reference (b)): where they may be sent and which form they take.
//! Whether the format allows them at all is checked in `service_worker.rs`.

use super::text::is_identifier;
use super::{sends, Findings};
use crate::model::{Composition, MigrationStep, Migrations, Operation};

const AT: &str = "metadata.migrations";

pub(super) fn check(c: &Composition, out: &mut Findings) {
    let Some(migrations) = &c.metadata.migrations else {
        return;
    };
    if c.request.operation == Operation::Version {
        out.error(
            "migrations-on-version",
            AT,
            "Version uploads do not accept migrations. Choose \"Upload and deploy\" for the upload that applies them (as wrangler does), or remove them.",
        );
    }
    if !sends(c, "migrations") {
        return;
    }
    let top_level = migrations.single_step();
    if migrations.is_stepped() && !top_level.is_empty() {
        out.error(
            "migrations-mixed-forms",
            AT,
            "The migrations mix the single-step form (class lists at the top level) with `steps`. Move the top-level class changes into a step.",
        );
    }
    if is_empty(migrations) {
        out.warning("migrations-empty", AT, "The migrations have no tag and no class changes, so they do nothing. Fill them in or remove them.");
    }
    check_step(&top_level, out);
    for step in migrations.steps.iter().flatten() {
        check_step(step, out);
    }
}

fn is_empty(m: &Migrations) -> bool {
    m.old_tag.is_none() && m.new_tag.is_none() && m.all_steps().is_empty()
}

/// Every class named in a step must be a JavaScript class name.
fn check_step(step: &MigrationStep, out: &mut Findings) {
    let plain = step
        .new_classes
        .iter()
        .chain(&step.new_sqlite_classes)
        .chain(&step.deleted_classes);
    let renamed = step.renamed_classes.iter().flat_map(|r| [&r.from, &r.to]);
    let transferred = step
        .transferred_classes
        .iter()
        .flat_map(|t| [&t.from, &t.to]);
    for class in plain.chain(renamed).chain(transferred) {
        if !is_identifier(class) {
            let message = if class.is_empty() {
                "A migration lists an empty class name. Enter the Durable Object class name."
                    .to_string()
            } else {
                format!("`{class}` in the migrations is not a valid class name: use letters, digits, `_` and `$`, not starting with a digit.")
            };
            out.error("migrations-class-invalid", AT, message);
        }
    }
    for transfer in &step.transferred_classes {
        if transfer.from_script.trim().is_empty() {
            out.error("migrations-class-invalid", AT, format!("The transfer of `{}` has no `from_script`. Enter the Worker the class comes from.", transfer.from));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{MigrationStep, Migrations, Operation, RenamedClass};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    fn with(m: Migrations) -> crate::model::Composition {
        let mut c = valid();
        c.metadata.migrations = Some(m);
        c
    }

    #[test]
    fn not_on_version_uploads() {
        let mut c = with(Migrations {
            new_tag: Some("v1".into()),
            new_sqlite_classes: vec!["Counter".into()].into(),
            ..Default::default()
        });
        assert_eq!(crate::rules::check(&c), vec![]);
        c.request.operation = Operation::Version;
        expect_one(
            &c,
            "migrations-on-version",
            Error,
            "metadata.migrations",
            &["Version uploads", "Upload and deploy"],
        );
        expect_none(&c, "fields-not-sent");
    }

    #[test]
    fn single_step_and_stepped_do_not_mix() {
        let step = MigrationStep {
            new_classes: vec!["A".into()].into(),
            ..Default::default()
        };
        let c = with(Migrations {
            new_tag: Some("v2".into()),
            steps: Some(vec![step.clone()]),
            ..Default::default()
        });
        expect_none(&c, "migrations-mixed-forms");
        let c = with(Migrations {
            deleted_classes: vec!["Old".into()].into(),
            steps: Some(vec![step]),
            ..Default::default()
        });
        expect_one(
            &c,
            "migrations-mixed-forms",
            Error,
            "metadata.migrations",
            &["single-step", "steps"],
        );
    }

    #[test]
    fn empty_migrations_and_bad_class_names() {
        expect_one(
            &with(Migrations::default()),
            "migrations-empty",
            Warning,
            "metadata.migrations",
            &["do nothing"],
        );
        let renamed = vec![RenamedClass {
            from: "Old".into(),
            to: "new-name".into(),
            ..Default::default()
        }];
        let c = with(Migrations {
            renamed_classes: renamed.into(),
            ..Default::default()
        });
        expect_one(
            &c,
            "migrations-class-invalid",
            Error,
            "metadata.migrations",
            &["`new-name`"],
        );
    }
}
