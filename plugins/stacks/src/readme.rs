//! The README's table of the pinned stacks, made from stacks.toml and checked
//! against the README, so the two never disagree.

use panther_stacks::Pins;

/// The table: one row per version of each stack, with what it is and its programs (a
/// library's files when it has none).
pub fn stacks_table(pins: &Pins) -> String {
    let mut table = "| stack | version | what it is | builds |\n|---|---|---|---|\n".to_owned();
    for (name, stack) in &pins.stacks {
        let made = if stack.programs.is_empty() {
            &stack.files
        } else {
            &stack.programs
        };
        let programs: Vec<String> = made.iter().map(|p| format!("`{p}`")).collect();
        for (version, pinned) in &stack.versions {
            let default = if pinned.default { " (default)" } else { "" };
            table.push_str(&format!(
                "| `{name}` | `{version}`{default} | {} | {} |\n",
                pinned.description,
                programs.join(", ")
            ));
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_shows_every_pinned_stack_as_stacks_toml_says() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let table = stacks_table(Pins::embedded().unwrap());
        assert!(
            readme.contains(&table),
            "README.md's table of stacks differs from stacks.toml; it should read:\n{table}"
        );
    }
}
