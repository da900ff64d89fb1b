//! The inputs the fuzz targets once failed on (`fuzz/regressions/<target>/`), and their seeds
//! (`fuzz/seeds/<target>/`), replayed through the same checks the targets run
//! (`bindery::fuzz`): a crash found once stays fixed, without a fuzzer in `make test`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

#[test]
fn every_past_crash_and_seed_passes_its_target_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for folder in ["regressions", "seeds"] {
        let Ok(targets) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for target in targets {
            let target = target.unwrap().path();
            let name = target.file_name().unwrap().to_string_lossy().to_string();
            let check = bindery::fuzz::TARGETS
                .iter()
                .find(|(known, _)| *known == name)
                .unwrap_or_else(|| panic!("{}: no fuzz target is called {name}", target.display()))
                .1;
            for input in std::fs::read_dir(&target).unwrap() {
                let input = input.unwrap().path();
                let bytes = std::fs::read(&input).unwrap();
                replayed += 1;
                if catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err() {
                    failures.push(input.display().to_string());
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "these inputs fail again: {failures:#?}"
    );
    assert!(replayed > 0, "no input found under {}", root.display());
}
