//! Ending a QUIC tester once its exchange is over.
//!
//! The test loop that `ivyc target=test` writes counts an iteration only when a
//! generated action's precondition was satisfied or a datagram was read: an attempt
//! the solver refuses and a wait that timed out both undo their iteration
//! (`cycle--`). Once a connection is closed (or every stream is done) every action
//! is refused and the peer is silent, so the loop never reaches `test_iters` and the
//! tester never calls `_finalize` nor prints `test_completed`: it runs until it is
//! killed. This edit of the generated C++ ends the loop when neither happened for
//! `PANTHER_IVY_IDLE_MS` milliseconds (unset or 0: never, as Ivy's own loop), after
//! which the tester runs `_finalize` and completes as if its iterations were done.

/// What the edit does, as the cache key names it.
pub const WHAT: &str = "end the test loop after PANTHER_IVY_IDLE_MS without progress (1)";
/// The variable the edited tester reads its idle limit from.
pub const IDLE_VARIABLE: &str = "PANTHER_IVY_IDLE_MS";
/// What the tester prints on its standard error when it ends idle.
pub const IDLE_MESSAGE: &str = "panther: the exchange is over";

/// The test loop's first line in the generated C++.
const LOOP: &str = "    for(int cycle = 0; cycle < test_iters; cycle++) {\n";
/// Where the loop executes a generated action whose precondition held.
const EXECUTED: &str = "                g.execute(ivy);\n";
/// Where the loop reads a datagram.
const READ: &str = "                        r->read();\n";

/// The generated C++ `text` with its test loop ending when idle; an error naming the
/// line it did not find when the generator wrote another loop.
pub fn end_when_idle(text: &str) -> Result<String, String> {
    let start = find(text, 0, LOOP)?;
    let executed = find(text, start, EXECUTED)? + EXECUTED.len();
    let read = find(text, start, READ)? + READ.len();
    let body = start + LOOP.len();
    let progress = "                panther_progress = std::chrono::steady_clock::now();\n";
    let read_progress =
        "                        panther_progress = std::chrono::steady_clock::now();\n";
    let setup = format!(
        "    const char *panther_idle_text = std::getenv(\"{IDLE_VARIABLE}\");\n    \
         const long panther_idle_ms = panther_idle_text ? std::atol(panther_idle_text) : 0;\n    \
         std::chrono::steady_clock::time_point panther_progress = std::chrono::steady_clock::now();\n"
    );
    let check = format!(
        "        if (panther_idle_ms > 0 && std::chrono::duration_cast<std::chrono::milliseconds>(\
         std::chrono::steady_clock::now() - panther_progress).count() >= panther_idle_ms) {{\n            \
         std::cerr << \"{IDLE_MESSAGE}: nothing generated or received for \" << panther_idle_ms << \" ms\\n\";\n            \
         break;\n        }}\n"
    );
    let mut edited = String::with_capacity(text.len() + 1024);
    edited.push_str("#include <chrono>\n#include <cstdlib>\n");
    edited.push_str(&text[..start]);
    edited.push_str(&setup);
    let mut cuts = [
        (body, check),
        (executed, progress.to_owned()),
        (read, read_progress.to_owned()),
    ];
    cuts.sort_by_key(|(at, _)| *at);
    let mut from = start;
    for (at, insert) in cuts {
        edited.push_str(&text[from..at]);
        edited.push_str(&insert);
        from = at;
    }
    edited.push_str(&text[from..]);
    Ok(edited)
}

/// Where `line` is in `text` at or after `from`.
fn find(text: &str, from: usize, line: &str) -> Result<usize, String> {
    text[from..]
        .find(line)
        .map(|at| from + at)
        .ok_or_else(|| {
            format!(
                "the generated test loop has no line `{}`: this Ivy writes another loop than the one the runner ends when idle",
                line.trim()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop as ms-ivy 1.10 writes it, cut to the lines the edit looks for.
    const GENERATED: &str = concat!(
        "int main() {\n",
        "        r->read();\n",
        "    for(int cycle = 0; cycle < test_iters; cycle++) {\n",
        "            if (sat){\n",
        "                g.execute(ivy);\n",
        "            }\n",
        "                        r->read();\n",
        "    }\n",
        "    ivy.ext___finalize();\n",
        "}\n",
    );

    #[test]
    fn progress_is_marked_where_the_loop_counts_an_iteration() {
        let edited = end_when_idle(GENERATED).unwrap();
        assert!(edited.starts_with("#include <chrono>\n"));
        let lines: Vec<&str> = edited.lines().map(str::trim).collect();
        let at = |line: &str| lines.iter().position(|l| *l == line).unwrap();
        let loop_line = at("for(int cycle = 0; cycle < test_iters; cycle++) {");
        assert!(lines[loop_line - 1].starts_with("std::chrono::steady_clock::time_point"));
        assert!(lines[loop_line + 1].starts_with("if (panther_idle_ms > 0"));
        assert!(edited.contains("getenv(\"PANTHER_IVY_IDLE_MS\")"));
        let marks: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("panther_progress = "))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(marks, [at("g.execute(ivy);") + 1, lines.len() - 4]);
        // The read before the loop is not the loop's.
        assert_eq!(lines[3], "r->read();");
        assert!(!lines[4].starts_with("panther_progress"));
    }

    #[test]
    fn another_loop_is_refused_with_the_missing_line() {
        let error = end_when_idle("int main() {}\n").unwrap_err();
        assert!(
            error.contains("`for(int cycle = 0; cycle < test_iters; cycle++) {`"),
            "{error}"
        );
        let no_read = GENERATED.replace("                        r->read();\n", "");
        assert!(
            end_when_idle(&no_read)
                .unwrap_err()
                .contains("`r->read();`")
        );
    }
}
