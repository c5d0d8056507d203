//! Which builds the command line asks for.

use panther_stacks::Pins;

/// One version of one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The stack's name.
    pub stack: String,
    /// The version's name.
    pub version: String,
}

impl Wanted {
    /// `NAME@VERSION`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.stack, self.version)
    }
}

/// Every version of `stack`.
fn every_version(pins: &Pins, stack: &str) -> Vec<Wanted> {
    pins.stacks[stack]
        .versions
        .keys()
        .map(|version| Wanted {
            stack: stack.to_owned(),
            version: version.clone(),
        })
        .collect()
}

/// Every version of every stack.
pub fn everything(pins: &Pins) -> Vec<Wanted> {
    pins.stacks
        .keys()
        .flat_map(|name| every_version(pins, name))
        .collect()
}

/// The builds `arguments` name (`NAME` or `NAME@VERSION`), or, with none, every
/// version of every stack marked `ci`; an error naming what exists for a name that
/// does not.
pub fn select(pins: &Pins, arguments: &[String]) -> Result<Vec<Wanted>, String> {
    if arguments.is_empty() {
        return Ok(pins
            .stacks
            .iter()
            .filter(|(_, stack)| stack.ci)
            .flat_map(|(name, _)| every_version(pins, name))
            .collect());
    }
    let mut wanted: Vec<Wanted> = Vec::new();
    for argument in arguments {
        let (name, version) = match argument.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (argument.as_str(), None),
        };
        let Some(stack) = pins.stacks.get(name) else {
            let names: Vec<&str> = pins.stacks.keys().map(String::as_str).collect();
            return Err(format!(
                "no stack '{name}' in stacks.toml (there are {})",
                names.join(", ")
            ));
        };
        let found = match version {
            None => every_version(pins, name),
            Some(version) if stack.versions.contains_key(version) => vec![Wanted {
                stack: name.to_owned(),
                version: version.to_owned(),
            }],
            Some(version) => {
                let versions: Vec<&str> = stack.versions.keys().map(String::as_str).collect();
                return Err(format!(
                    "{name} has no version '{version}' in stacks.toml (it has {})",
                    versions.join(", ")
                ));
            }
        };
        for build in found {
            if !wanted.contains(&build) {
                wanted.push(build);
            }
        }
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins() -> &'static Pins {
        Pins::embedded().unwrap()
    }

    fn labels(wanted: &[Wanted]) -> Vec<String> {
        wanted.iter().map(Wanted::label).collect()
    }

    #[test]
    fn no_argument_is_every_version_of_the_stacks_ci_builds() {
        let all = labels(&select(pins(), &[]).unwrap());
        assert!(all.contains(&"picoquic@draft29".to_owned()), "{all:?}");
        assert!(all.contains(&"quant@rfc9000".to_owned()), "{all:?}");
        assert!(
            !all.iter().any(|label| label.starts_with("mvfst@")),
            "{all:?}"
        );
    }

    #[test]
    fn a_name_is_every_version_and_a_version_is_one_without_repeats() {
        let arguments = ["picoquic".to_owned(), "picoquic@rfc9000".to_owned()];
        let chosen = labels(&select(pins(), &arguments).unwrap());
        assert_eq!(chosen.len(), pins().stacks["picoquic"].versions.len());
        let one = select(pins(), &["lsquic@rfc9000".to_owned()]).unwrap();
        assert_eq!(labels(&one), ["lsquic@rfc9000"]);
    }

    #[test]
    fn unknown_names_and_versions_are_refused_with_what_there_is() {
        let error = select(pins(), &["msquic".to_owned()]).unwrap_err();
        assert!(
            error.starts_with("no stack 'msquic' in stacks.toml (there are "),
            "{error}"
        );
        let error = select(pins(), &["picoquic@draft30".to_owned()]).unwrap_err();
        assert!(
            error.contains("picoquic has no version 'draft30'"),
            "{error}"
        );
        assert!(error.contains("rfc9000"), "{error}");
    }
}
