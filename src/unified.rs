//! Unified diffs (`diff -u`), by the `similar` crate: what `reset` is about to put aside,
//! and what `diff` shows between two stages.

use similar::TextDiff;

/// `old` → `new` as a unified diff with three lines of context, headed by the two labels.
/// Empty when the texts are equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_a_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified(old, new, "yours", "reference"),
            "--- yours\n+++ reference\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("x\n", "x\n", "a", "b"), "");
    }
}
